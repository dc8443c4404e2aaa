//! Text forms without a reliable grid: how the cells of a table look in text copied from a web
//! page or extracted by a tool that drops cell positions.
//!
//! * `pipes` — one table row per line, cells between `|`. With a leading pipe (`| a | | b |`)
//!   or an empty cell in the middle the positions are kept and the lines are a grid. Without
//!   (web copies: `a | b | ||||`, the row's empty cells appended as bare `|`) the position of
//!   an empty cell is lost: the grid is a stream of cells, one row per line.
//! * `cells_per_line` — one cell per line ending in ` |`; a line holding only `|` is an empty
//!   cell, a line of several bare pipes the empty cells at the end of a row. A line without a
//!   pipe is the first part of a cell wrapped over lines (`项目资金\n(万元) |`).
//! * `spaces` — cells separated by single spaces (pdfplumber `extract_text`, web copies).
//! * `grammar` — cells separated by blank lines, one paragraph a cell.
//!
//! The reader only says which form it saw and hands the cells over as read (one row per line,
//! `None` for a bare `|`), with `Extraction.method` naming the form: rebuilding the table's
//! rows needs its vocabulary, which only the normalizer knows (`normalize::grammar`).

use super::{Cell, Grid, ReaderWarning, Row, SourcePos};
use crate::grid::Method;
use crate::vocab;

/// The forms read here. `PipesEnd` is handed on as `Method::PipesEnd` (a stream, rebuilt by the
/// normalizer and reported as `pipes`); `Pipes` is an ordinary grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Pipes,
    PipesEnd,
    CellsPerLine,
    Spaces,
    BlankLines,
}

impl Form {
    /// The method of the grid this form gives: the one map from forms to methods (the names
    /// `source.method` reports live in `Method::name` alone). `Form` stays an enum of its own
    /// so `read` cannot be handed a method no text form has (`Spreadsheet`, `Lattice`).
    pub fn method(self) -> Method {
        match self {
            Form::Pipes => Method::Pipes,
            Form::PipesEnd => Method::PipesEnd,
            Form::CellsPerLine => Method::CellsPerLine,
            Form::Spaces => Method::Spaces,
            Form::BlankLines => Method::Grammar,
        }
    }
}

/// Lines looked at to tell the form: a table's worth, so detection stays cheap on huge inputs.
const SAMPLE_LINES: usize = 4000;

/// The form of a text that is neither tab-separated, CSV, HTML nor Markdown, or `None` for
/// text aligned with runs of spaces (the layout reader's).
pub fn detect(text: &str) -> Option<Form> {
    let lines: Vec<&str> = text.lines().take(SAMPLE_LINES).collect();
    let filled: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if filled.len() < 3 {
        return None;
    }
    let piped = filled.iter().filter(|l| l.contains('|')).count();
    if piped * 2 >= filled.len() {
        return Some(pipe_form(&filled));
    }
    let wide = filled.iter().filter(|l| has_wide_gap(l)).count();
    let blank = lines.iter().filter(|l| l.trim().is_empty()).count();
    // Blank lines between nearly every line, and little aligned text: paragraphs are cells.
    if wide * 5 < filled.len() && blank * 2 >= filled.len() {
        return Some(Form::BlankLines);
    }
    let narrow = filled
        .iter()
        .filter(|l| !has_wide_gap(l) && l.split(' ').filter(|t| !t.is_empty()).count() >= 3)
        .count();
    (narrow >= 3 && narrow > wide * 2).then_some(Form::Spaces)
}

/// Two or more blanks between two words: columns aligned with spaces.
fn has_wide_gap(line: &str) -> bool {
    line.trim().contains("  ") || line.trim().contains('\u{3000}')
}

/// Which pipe form: one cell per line, or rows with positions kept or lost.
fn pipe_form(filled: &[&str]) -> Form {
    let piped: Vec<&&str> = filled.iter().filter(|l| l.contains('|')).collect();
    let multi = piped
        .iter()
        .filter(|l| split_pipes(l).iter().flatten().count() >= 2)
        .count();
    if multi * 10 < piped.len() * 3 {
        return Form::CellsPerLine;
    }
    let leading = piped.iter().filter(|l| l.starts_with('|')).count();
    let gap_inside = piped.iter().any(|l| {
        let cells = split_pipes(l);
        let first = cells.iter().position(Option::is_some);
        let last = cells.iter().rposition(Option::is_some);
        matches!((first, last), (Some(a), Some(b)) if cells[a..b].iter().any(Option::is_none))
    });
    if leading * 2 >= piped.len() || gap_inside {
        Form::Pipes
    } else {
        Form::PipesEnd
    }
}

/// The cells of one piped line: each `|` closes a cell (`None` when it holds only blanks);
/// text after the last pipe is one more cell. A leading pipe opens the row and closes nothing.
pub fn split_pipes(line: &str) -> Vec<Option<String>> {
    let t = line.trim();
    if !t.is_empty() && t.chars().all(|c| c == '|') {
        return vec![None; t.len()];
    }
    let t = t.strip_prefix('|').filter(|_| t.len() > 1).unwrap_or(t);
    let mut parts: Vec<&str> = t.split('|').collect();
    if parts.last().is_some_and(|p| p.trim().is_empty()) {
        parts.pop();
    }
    parts
        .into_iter()
        .map(|p| {
            let p = p.trim();
            (!p.is_empty()).then(|| p.to_string())
        })
        .collect()
}

fn pos(line: usize) -> SourcePos {
    SourcePos {
        line: Some(u32::try_from(line).unwrap_or(u32::MAX)),
        ..SourcePos::default()
    }
}

fn row_of(cells: Vec<Option<String>>, line: usize) -> Row {
    let p = pos(line);
    Row {
        cells: cells
            .into_iter()
            .map(|c| c.map(|t| Cell::new(t, p.clone())))
            .collect(),
        pos: p,
        break_before: false,
    }
}

/// Read `text` in `form` into a grid whose method names the form.
#[cfg(test)]
pub fn read(text: &str, form: Form) -> Grid {
    read_checked(text, form).0
}

/// Read `text` in `form`, leaving out a last row the text cuts off (see `cut_tail`), with a
/// warning that says so.
pub fn read_checked(text: &str, form: Form) -> (Grid, Option<ReaderWarning>) {
    let mut grid = Grid::new(form.method());
    grid.rows = match form {
        Form::Pipes | Form::PipesEnd | Form::CellsPerLine => pipe_rows(text, form),
        Form::Spaces => space_rows(text),
        Form::BlankLines => paragraph_rows(text),
    };
    let warning = cut_tail(text, form).and_then(|why| {
        let row = grid.rows.pop()?;
        let shown: Vec<&str> = row
            .cells
            .iter()
            .flatten()
            .map(|c| c.text.as_str())
            .collect();
        Some(ReaderWarning {
            code: "cut_row".into(),
            message: format!(
                "the text ends inside a row ({why}): `{}` looks cut off and was left out",
                shown.join(" | ")
            ),
            pos: row.pos,
        })
    });
    (grid, warning)
}

/// Why the last row of `text` is cut off, if it is: a page copied only in part ends without a
/// line break, inside a row. In the pipe forms a complete row line has as many cells (empty
/// ones included) as most lines, and a cell per line ends in `|`; a last paragraph is cut when
/// it stops mid-word (not after a full stop, a number, `%` or a bracket).
fn cut_tail(text: &str, form: Form) -> Option<&'static str> {
    if text.ends_with(['\n', '\r']) {
        return None;
    }
    let last = text.lines().rev().find(|l| !l.trim().is_empty())?.trim();
    match form {
        Form::CellsPerLine | Form::Pipes | Form::PipesEnd if !last.contains('|') => {
            Some("a cell without its closing `|`")
        }
        Form::Pipes | Form::PipesEnd => {
            let width = modal_width(text)?;
            (split_pipes(last).len() < width && !last.ends_with("||"))
                .then_some("fewer cells than the table's rows")
        }
        Form::BlankLines => {
            let c = last.chars().last()?;
            (c.is_alphabetic() && !c.is_ascii()).then_some("a text stopping mid-sentence")
        }
        _ => None,
    }
}

/// The most common number of cells of the piped lines with two cells or more.
fn modal_width(text: &str) -> Option<usize> {
    let mut counts = std::collections::HashMap::new();
    for l in text.lines().filter(|l| l.contains('|')).take(SAMPLE_LINES) {
        let n = split_pipes(l).len();
        if n >= 2 {
            *counts.entry(n).or_insert(0usize) += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(n, c)| (*c, *n))
        .map(|(n, _)| n)
}

/// Piped lines as rows. Lines before the first piped line are prose or page chrome: one row
/// each (wrapped titles joined, see `prose_rows`). Later lines without a pipe are the first
/// lines of a wrapped cell, joined with `\n` to the next piped line's first cell.
fn pipe_rows(text: &str, form: Form) -> Vec<Row> {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| l.contains('|')).unwrap_or(0);
    let mut rows = prose_rows(&lines[..first], 0);
    let mut pending: Option<(String, usize)> = None;
    for (i, l) in lines.iter().enumerate().skip(first) {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        if !t.contains('|') {
            match pending.as_mut() {
                Some((p, _)) => {
                    p.push('\n');
                    p.push_str(t);
                }
                None => pending = Some((t.to_string(), i + 1)),
            }
            continue;
        }
        let mut cells = split_pipes(t);
        let mut line = i + 1;
        if let Some((p, at)) = pending.take() {
            line = at;
            match cells.first_mut() {
                Some(Some(c)) if form != Form::Pipes || !t.starts_with('|') => {
                    *c = format!("{p}\n{c}");
                }
                _ => cells.insert(0, Some(p)),
            }
        }
        rows.push(row_of(cells, line));
    }
    if let Some((p, at)) = pending {
        rows.push(row_of(vec![Some(p)], at));
    }
    rows
}

/// Prose lines, one row each, but a title wrapped over lines is one row: lines are joined while
/// a bracket is open, and a line that does not end a sentence is joined to a next line ending
/// in `表` (`…专项(畜禽粪污` / `资源化利用…)2022年` / `…绩效目标表`).
fn prose_rows(lines: &[&str], offset: usize) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut acc: Option<(String, usize)> = None;
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        if t.is_empty() {
            if let Some((a, at)) = acc.take() {
                rows.push(row_of(vec![Some(a)], at));
            }
            continue;
        }
        acc = match acc.take() {
            Some((mut a, at)) if joins(&a, t) => {
                a.push_str(t);
                Some((a, at))
            }
            Some((a, at)) => {
                rows.push(row_of(vec![Some(a)], at));
                Some((t.to_string(), offset + i + 1))
            }
            None => Some((t.to_string(), offset + i + 1)),
        };
    }
    if let Some((a, at)) = acc {
        rows.push(row_of(vec![Some(a)], at));
    }
    rows
}

/// Whether prose line `next` carries on `acc` (see `prose_rows`).
fn joins(acc: &str, next: &str) -> bool {
    let depth: i32 = acc
        .chars()
        .map(|c| match c {
            '(' | '（' => 1,
            ')' | '）' => -1,
            _ => 0,
        })
        .sum();
    if depth > 0 {
        return acc.chars().count() < 200;
    }
    let ends_sentence = acc.ends_with(['。', '；', ';', '：', ':', '！', '？', '.', '，', ',']);
    !ends_sentence && next.ends_with('表') && acc.chars().count() + next.chars().count() <= 60
}

/// Single-space text: one row per line, one cell per word. Words of one cell are split too;
/// the normalizer joins them back where the grammar says so. A form feed (pdfplumber joins
/// pages with one, often in the middle of a line) starts a new page: the rows after it are
/// marked `break_before` and carry their page; a page number alone on its line is page chrome.
fn space_rows(text: &str) -> Vec<Row> {
    let paged = text.contains('\u{c}');
    let mut rows = Vec::new();
    let mut page = 1u32;
    let mut new_page = false;
    for (i, l) in text.lines().enumerate() {
        for (k, part) in l.split('\u{c}').enumerate() {
            if k > 0 {
                page += 1;
                new_page = true;
            }
            if part.trim().is_empty() || (paged && vocab::is_page_number(part)) {
                continue;
            }
            let cells = part
                .split([' ', '\u{3000}'])
                .filter(|w| !w.is_empty())
                .map(|w| Some(w.to_string()))
                .collect();
            let mut row = row_of(cells, i + 1);
            if paged {
                set_page(&mut row, page);
            }
            row.break_before = std::mem::take(&mut new_page);
            rows.push(row);
        }
    }
    rows
}

/// The page of every position of `row`.
fn set_page(row: &mut Row, page: u32) {
    row.pos.page = Some(page);
    for c in row.cells.iter_mut().flatten() {
        c.pos.page = Some(page);
    }
}

/// Paragraphs separated by blank lines: one cell each (its lines joined with `\n`), one row
/// each; a paragraph with a wide gap of blanks holds two cells.
fn paragraph_rows(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut start = 0;
    let flush = |para: &mut Vec<&str>, start: usize, rows: &mut Vec<Row>| {
        if para.is_empty() {
            return;
        }
        let joined = para.join("\n");
        let cells: Vec<Option<String>> = joined
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| Some(c.to_string()))
            .collect();
        if !cells.is_empty() {
            rows.push(row_of(cells, start));
        }
        para.clear();
    };
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            flush(&mut para, start, &mut rows);
            continue;
        }
        if para.is_empty() {
            start = i + 1;
        }
        para.push(l.trim());
    }
    flush(&mut para, start, &mut rows);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipe_cells_and_trailing_empties() {
        assert_eq!(
            split_pipes("数量指标 | 主体班培训人次 | 280人次 | ||||"),
            vec![
                Some("数量指标".into()),
                Some("主体班培训人次".into()),
                Some("280人次".into()),
                None,
                None,
                None,
                None
            ]
        );
        assert_eq!(split_pipes("|"), vec![None]);
        assert_eq!(split_pipes("||"), vec![None, None]);
        assert_eq!(split_pipes("项目名称 |"), vec![Some("项目名称".into())]);
        assert_eq!(
            split_pipes("| a | | b |"),
            vec![Some("a".into()), None, Some("b".into())]
        );
    }

    #[test]
    fn tells_the_forms_apart() {
        let per_line = "项目名称 |\n某项目 |\n|\n绩\n效 |\n一级指标 |\n指标值 |\n||\n";
        assert_eq!(detect(per_line), Some(Form::CellsPerLine));
        let end = "项目名称 | 主体班 | 项目负责人 | ||||\n数量指标 | 培训人次 | 280人次 | ||||\n质量指标 | 完成率 | 100% | ||||\n";
        assert_eq!(detect(end), Some(Form::PipesEnd));
        let pos =
            "| 项目名称 | | 主体班 |\n| 数量指标 | 培训人次 | 280人次 |\n| | 完成率 | 100% |\n";
        assert_eq!(detect(pos), Some(Form::Pipes));
        let spaces = "一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 培训人次 280人次\n产出指标 质量指标 完成率 100%\n";
        assert_eq!(detect(spaces), Some(Form::Spaces));
        let layout = "一级指标    二级指标    三级指标\n产出指标    数量指标    培训人次\n           质量指标    完成率\n";
        assert_eq!(detect(layout), None);
        let paras = "部门名称\n\n某中学\n\n产出指标\n\n质量指标:合格率达100%\n";
        assert_eq!(detect(paras), Some(Form::BlankLines));
    }

    #[test]
    fn wrapped_cells_and_titles_join() {
        let g = read(
            "说明一段。\n某专项(畜禽\n资源化项目)2022年\n投资计划绩效目标表\n|\n项目资金\n(万元) |\n年度资金总额: |\n1000.00 |\n||\n",
            Form::CellsPerLine,
        );
        let texts: Vec<String> = g
            .rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| c.as_ref().map_or("", |c| c.text.as_str()))
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                "说明一段。",
                "某专项(畜禽资源化项目)2022年投资计划绩效目标表",
                "",
                "项目资金\n(万元)",
                "年度资金总额:",
                "1000.00",
                "|"
            ]
        );
        assert_eq!(g.rows[3].pos.line, Some(6));
    }
}
