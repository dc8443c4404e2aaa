//! The lines above the indicator header in single-space text extracted from a PDF: title,
//! labelled fields, funds.
//!
//! A line's words are cells: a field label opens a cell of its own and the words after it up
//! to the next label are its text; an amount is a cell of its own; other words are cells of
//! their own (the columns of a funds block). A long text (项目概况, 年度绩效目标) wraps over
//! several lines, and its label, a merged cell, was printed **centred** on them: on its own
//! line between them, or on their middle line. The lines of text are given to the labels
//! around them by where the labels stand, as the indicator names are (`centred::partition`).

use super::super::funds::parse_amount;
use super::super::vocab;
mod funds;
mod tasks;

use super::centred::partition;
use super::{is_banner_line, is_note_cell};
use crate::canon::join_wrapped;
use crate::grid::{Cell, Row};

/// One line above the indicator header.
#[derive(Debug, Clone)]
enum Head {
    /// Cells as they are (a title, a funds row, several fields).
    Plain(Vec<Cell>),
    /// A field label, alone or with text, that may own the wrapped text around it.
    Label(Cell, Option<Cell>),
    /// A line of text and nothing else.
    Text(Cell),
}

/// The rows of the lines above an indicator header.
pub fn rows(lines: Vec<Vec<Cell>>) -> Vec<Row> {
    let heads: Vec<Head> = lines.into_iter().map(read_line).collect();
    let mut out = Vec::new();
    let mut n = 0;
    while n < heads.len() {
        if let Some(t) = tasks::read(&heads, n) {
            n = t.end;
            out.extend(tasks::rows(t));
            continue;
        }
        let end = funds::run_end(&heads, n);
        if end > n {
            out.extend(funds::rows(&heads[n..end]));
            n = end;
            continue;
        }
        let end = text_run_end(&heads, n);
        if end > n {
            out.extend(text_fields(&heads[n..end]));
            n = end;
            continue;
        }
        out.push(Row::from_cells(
            plain(&heads[n]).into_iter().map(Some).collect(),
        ));
        n += 1;
    }
    out
}

/// The cells of a line read alone.
fn plain(h: &Head) -> Vec<Cell> {
    match h {
        Head::Plain(c) => c.clone(),
        Head::Label(l, t) => std::iter::once(l.clone()).chain(t.clone()).collect(),
        Head::Text(t) => vec![t.clone()],
    }
}

fn joined(words: &[Cell]) -> Option<Cell> {
    let (first, rest) = words.split_first()?;
    let mut c = first.clone();
    for w in rest {
        c.text.push(' ');
        c.text.push_str(&w.text);
    }
    Some(c)
}

fn is_label(text: &str) -> bool {
    vocab::field_label(text).is_some() || text.ends_with([':', '：']) && text.chars().count() <= 12
}

fn is_amount(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit()) && parse_amount(text).is_some()
}

/// One line: a title or banner whole; else its cells, told as above.
fn read_line(words: Vec<Cell>) -> Head {
    let Some(all) = joined(&words) else {
        return Head::Plain(Vec::new());
    };
    // `年度资金总额 387.00` reads like a year banner (`2017 年度)`), but ends in an amount.
    let amount_line = words.len() >= 2
        && words.last().is_some_and(|w| is_amount(&w.text))
        && !is_amount(&words[0].text);
    let banner = is_banner_line(&all.text) && !amount_line;
    if vocab::is_title_text(&all.text) || banner || is_note_cell(&all.text) {
        return Head::Plain(vec![all]);
    }
    let labelled = words.first().is_some_and(|w| is_label(&w.text));
    let others = words
        .iter()
        .skip(1)
        .any(|w| is_label(&w.text) || is_amount(&w.text));
    if labelled && !others {
        return Head::Label(words[0].clone(), joined(&words[1..]));
    }
    // A short money label alone (`预算金额（万元）`) heads a block; it is no field's text.
    let money_head = words.len() == 1
        && all.text.chars().count() <= 16
        && (vocab::is_money_label(&all.text) || vocab::is_funds_block_label(&all.text));
    if money_head {
        return Head::Plain(words);
    }
    if !words
        .iter()
        .any(|w| is_label(&w.text) || is_amount(&w.text))
    {
        return if words.len() >= 2 && words.iter().all(|w| w.text.chars().count() <= 12) {
            // Short words side by side: the column heads of a funds block, not a text.
            Head::Plain(words)
        } else {
            Head::Text(all)
        };
    }
    Head::Plain(cells_of(words))
}

/// A line with labels and amounts as cells: a label's text runs to the next label or amount;
/// other words are cells of their own (the columns of a funds block).
fn cells_of(words: Vec<Cell>) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::new();
    // 0: no label's text open; 1: the label just read; 2: its text begun.
    let mut text = 0;
    for w in words {
        let label = is_label(&w.text);
        if label || is_amount(&w.text) {
            text = usize::from(label);
            out.push(w);
            continue;
        }
        match out.last_mut() {
            Some(t) if text == 2 => {
                t.text.push(' ');
                t.text.push_str(&w.text);
            }
            _ => {
                text = if text == 1 { 2 } else { 0 };
                out.push(w);
            }
        }
    }
    out
}

/// Whether a label at line `n` stands among lines of text (a text to share out).
fn opens_text(heads: &[Head], n: usize) -> bool {
    let text = |k: usize| matches!(heads.get(k), Some(Head::Text(_)));
    matches!(heads[n], Head::Label(..)) && ((n > 0 && text(n - 1)) || text(n + 1))
}

/// The end of the run of text lines and labels among them starting at `n` (`n` when none
/// starts there): it holds a label that opens a text.
fn text_run_end(heads: &[Head], n: usize) -> usize {
    let mut end = n;
    let mut labels = 0;
    while let Some(h) = heads.get(end) {
        match h {
            Head::Text(_) => {}
            Head::Label(..) if opens_text(heads, end) => labels += 1,
            _ => break,
        }
        end += 1;
    }
    if labels == 0 { n } else { end }
}

/// The fields of a run of text lines and labels: each label takes the lines it stands in the
/// middle of. Text before a run's first label with no label of its own stays a row of text.
fn text_fields(run: &[Head]) -> Vec<Row> {
    let mut units: Vec<(f64, f64)> = Vec::new();
    let mut texts: Vec<&Cell> = Vec::new();
    let mut labels: Vec<(f64, &Cell)> = Vec::new();
    for (n, h) in run.iter().enumerate() {
        match h {
            Head::Text(t) => {
                units.push((n as f64, n as f64));
                texts.push(t);
            }
            Head::Label(l, t) => {
                labels.push((n as f64, l));
                if let Some(t) = t {
                    units.push((n as f64, n as f64));
                    texts.push(t);
                }
            }
            Head::Plain(_) => {}
        }
    }
    let pos: Vec<f64> = labels.iter().map(|(p, _)| *p).collect();
    let Some(runs) = partition(&units, &pos, |_, _| 0.0) else {
        return run
            .iter()
            .map(|h| Row::from_cells(plain(h).into_iter().map(Some).collect()))
            .collect();
    };
    let mut out = Vec::new();
    for ((_, label), (s, e)) in labels.iter().zip(runs) {
        let mut text: Option<Cell> = None;
        for t in &texts[s..e] {
            match text.as_mut() {
                Some(x) => join_wrapped(&mut x.text, &t.text),
                None => text = Some((*t).clone()),
            }
        }
        out.push(Row::from_cells(vec![Some((*label).clone()), text]));
    }
    out
}

/// Lines and rows as the tests of this module and its children write them.
#[cfg(test)]
mod testing {
    use crate::grid::{Cell, Row, SourcePos};

    /// A line of single-space text as words.
    pub fn line(t: &str) -> Vec<Cell> {
        t.split(' ')
            .map(|w| Cell::new(w.to_string(), SourcePos::default()))
            .collect()
    }

    /// Each row's cells joined with `|` (an empty cell as nothing).
    pub fn shown(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| c.as_ref().map_or("", |c| c.text.as_str()))
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{line, shown};
    use super::*;

    #[test]
    fn a_label_printed_in_the_middle_of_its_text_takes_the_lines_around_it() {
        // pdfplumber text of a project table: 项目概况 centred on its two lines of text.
        let lines = [
            "项目名称 城区河道清淤疏浚工程",
            "实施单位 扬州市城市河道管理处",
            "对城区淤积严重、行洪排涝能力下降的河道实施清淤疏浚，同步开展淤泥干化处置",
            "项目概况",
            "和河坡整治，恢复河道过水断面，改善河道水环境。",
            "资金总额 2361.00",
        ];
        let rows = rows(lines.iter().map(|l| line(l)).collect());
        assert_eq!(
            shown(&rows),
            vec![
                "项目名称|城区河道清淤疏浚工程",
                "实施单位|扬州市城市河道管理处",
                "项目概况|对城区淤积严重、行洪排涝能力下降的河道实施清淤疏浚，同步开展淤泥干化处置和河坡整治，恢复河道过水断面，改善河道水环境。",
                "|资金总额|2361.00",
            ]
        );
    }
}
