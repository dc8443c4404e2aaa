//! Rebuild the rows of a table read as a stream of cells (`ingest::textforms`: one cell per
//! line, pipes with the empty cells moved to the line's end, single spaces, blank-line cells).
//!
//! Such text keeps the order of the cells but not their columns, so the rows are rebuilt from
//! the table's grammar: banner (title, year), labelled fields (label, value), the funds block
//! (block label, then label/amount pairs), the indicator header (its words give the columns and
//! their roles), then indicator rows 一级 → 二级 → 三级 → values, where the 一级/二级 names come
//! from the vocabulary (or from what the block's own rows put in those columns) and merged
//! names appear only on some rows and are carried. The output is an ordinary grid, read by the
//! normalizer like any other: one row per field, funds rows, a header row, one row per
//! indicator with one cell per column.

mod blocks;
mod centred;
mod head;

use super::canon::key;
use super::grammar_rows::{Mode, RowParser, Slot};
use super::vocab;
use crate::grid::{Cell, Grid, Method, Row};

/// Whether a grid is a stream of cells whose rows need rebuilding.
pub fn is_stream(grid: &Grid) -> bool {
    grid.extraction.method.is_stream()
}

/// One item of the stream: a cell, an empty cell (a bare `|`), or the end of a line whose
/// cells are one row (`End` is only a hint: a row may go on over the next line).
#[derive(Debug, Clone)]
pub enum Tok {
    Cell(Cell),
    Empty,
    End,
}

impl Tok {
    pub fn cell(&self) -> Option<&Cell> {
        match self {
            Tok::Cell(c) => Some(c),
            _ => None,
        }
    }
}

/// The stream of a grid, by its form.
fn tokens(grid: &Grid, mode: Mode) -> Vec<Tok> {
    let mut out = Vec::new();
    for row in &grid.rows {
        let filled = row.cells.iter().flatten().count();
        if mode == Mode::Stream {
            // One bare `|` is an empty cell in place; several close a row.
            if filled == 0 {
                out.push(if row.cells.len() == 1 {
                    Tok::Empty
                } else {
                    Tok::End
                });
                continue;
            }
            for c in row.cells.iter().flatten() {
                split_title(c, &mut out);
            }
            if row.cells.len() > filled {
                out.push(Tok::End);
            }
        } else {
            out.extend(row.cells.iter().flatten().cloned().map(Tok::Cell));
            out.push(Tok::End);
        }
    }
    out
}

/// A cell onto the stream; a paragraph whose first line is a title (`…绩效目标申报表` over
/// `2017 年度)`) is one cell per line.
fn split_title(c: &Cell, out: &mut Vec<Tok>) {
    let first = c.text.lines().next().unwrap_or("");
    if c.text.contains('\n') && vocab::is_title_text(first) {
        for l in c.text.lines().filter(|l| !l.trim().is_empty()) {
            out.push(Tok::Cell(Cell::new(l.trim().to_string(), c.pos.clone())));
        }
    } else {
        out.push(Tok::Cell(c.clone()));
    }
}

/// Whether `next` carries on an enumeration that the last line of `prev` is part of
/// (`目标2:…` then `目标3…`, `2.…` then `3.…`): the same lead, the next number.
fn continues_list(prev: &str, next: &str) -> bool {
    let Some(last) = prev.lines().last() else {
        return false;
    };
    let number = |t: &str| -> Option<(String, u32)> {
        let lead: String = t.chars().take_while(|c| !c.is_ascii_digit()).collect();
        if lead.chars().count() > 4 {
            return None;
        }
        let digits: String = t[lead.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        Some((lead, digits.parse().ok()?))
    };
    match (number(last.trim()), number(next.trim())) {
        (Some((a, n)), Some((b, m))) => a == b && m == n + 1,
        _ => false,
    }
}

/// A sentence rather than a label: it ends a sentence, or is longer than any label.
fn is_prose(text: &str) -> bool {
    let t = text.trim();
    t.ends_with(['。', '；', ';']) || t.chars().count() > 30
}

/// Rebuild `grid`; `None` when the stream shows no table structure at all (no title, field,
/// funds label or indicator header), so that the grid is reported as read.
pub fn rebuild(grid: &Grid) -> Option<Grid> {
    let method = grid.extraction.method;
    let mode = match method {
        Method::CellsPerLine | Method::Grammar => Mode::Stream,
        Method::Spaces => Mode::Spaces,
        _ => Mode::Lines,
    };
    let toks = tokens(grid, mode);
    let start = table_start(&toks)?;
    let mut b = Builder {
        toks: &toks,
        i: start,
        mode,
        rows: Vec::new(),
    };
    b.run();
    // The rebuilt grid keeps the form's method: `source.method` says which form was read.
    let mut out = Grid::new(method);
    out.sheet = grid.sheet.clone();
    out.extraction.confidence = 0.8;
    out.rows = b.rows;
    Some(out)
}

/// Where the table starts: the last title before the first field, funds label or header; or
/// that first structure itself. What comes before is page chrome and prose.
fn table_start(toks: &[Tok]) -> Option<usize> {
    let mut last_title = None;
    for (i, t) in toks.iter().enumerate() {
        let Some(c) = t.cell() else { continue };
        if vocab::is_title_text(&c.text) {
            last_title = Some(i);
        } else if vocab::field_label(&c.text).is_some()
            || vocab::is_funds_block_label(&c.text)
            || header_len(toks, i).is_some()
            || line_header_len(toks, i).is_some()
        {
            return Some(last_title.unwrap_or(i));
        }
    }
    None
}

/// The number of tokens of an indicator header starting at `i`, if one starts there: a run of
/// header words (an outer block label first may be any short label), with a name column and
/// a value column among them.
pub fn header_len(toks: &[Tok], i: usize) -> Option<usize> {
    let mut roles = Vec::new();
    let mut j = i;
    let mut end = i;
    // Bare `|` between header words are the covered cells of a merged header cell.
    while let Some(t) = toks.get(j) {
        let Tok::Cell(c) = t else {
            if matches!(t, Tok::Empty) && !roles.is_empty() {
                j += 1;
                continue;
            }
            break;
        };
        match vocab::header_role(&c.text) {
            Some(r) => roles.push(r),
            None if roles.iter().all(|r| *r == vocab::Role::Outer) && is_bare_name(&c.text) => {
                // `指标 | 指标权重 | …`: a header with no 一级/二级 names its name column so.
                roles.push(vocab::Role::Level3)
            }
            None => break,
        }
        j += 1;
        end = j;
    }
    let names = roles.iter().filter(|r| r.is_label()).count();
    let values = roles.iter().filter(|r| r.is_valueish()).count();
    (names >= 1 && values >= 1 && names + values >= 2).then_some(end - i)
}

/// The number of cells of a header line starting at `i` in the line forms: the whole line,
/// when nearly all its cells are header words (a block label first and a column the vocabulary
/// does not know, `指标标准或依据`, may be among them), with a name and a value column.
pub fn line_header_len(toks: &[Tok], i: usize) -> Option<usize> {
    if i > 0 && !matches!(toks.get(i - 1), Some(Tok::End)) {
        return None;
    }
    let cells: Vec<&Cell> = toks[i..]
        .iter()
        .take_while(|t| !matches!(t, Tok::End))
        .filter_map(Tok::cell)
        .collect();
    let roles: Vec<vocab::Role> = cells
        .iter()
        .filter_map(|c| vocab::header_role(&c.text))
        .collect();
    let names = roles.iter().filter(|r| r.is_label()).count();
    let values = roles.iter().filter(|r| r.is_valueish()).count();
    let n = toks[i..]
        .iter()
        .take_while(|t| !matches!(t, Tok::End))
        .count();
    (names >= 1 && values >= 1 && roles.len() >= 2 && roles.len() + 2 >= cells.len()).then_some(n)
}

/// `指标`, `指标名称`-like: a short cell naming the indicator column.
fn is_bare_name(text: &str) -> bool {
    vocab::is_bare_name_header_key(&key(text))
}

/// Cells of a footer (sign-off) or of a row that closes the table.
pub fn is_footer(text: &str) -> bool {
    vocab::is_sign_off_key(&key(text))
}

/// A note cell `label:text` with a note label (`单位:万元`).
fn is_note_cell(text: &str) -> bool {
    let t = super::canon::canonical(text);
    match t.split_once('：').or_else(|| t.split_once(':')) {
        Some((l, rest)) => vocab::is_note_label(l) && !rest.trim().is_empty(),
        None => false,
    }
}

/// A banner line under the title: the year (`(2025年度)`, `2017 年度)`) or a short note.
fn is_banner_line(text: &str) -> bool {
    let k = key(text);
    k.chars().count() <= 16 && k.contains('年') && k.chars().any(|c| c.is_ascii_digit())
}

fn row(cells: Vec<Option<Cell>>) -> Row {
    Row::from_cells(cells)
}

/// What a stream leaves open from one cell to the next: the funds block being read (its label,
/// whether its first item was written) and a label whose indicator header follows.
#[derive(Default)]
struct Open {
    in_funds: Option<Cell>,
    funds_started: bool,
    pending_label: Option<Cell>,
}

/// The state of one rebuild: the stream, where it is, and the rows made so far.
struct Builder<'a> {
    toks: &'a [Tok],
    i: usize,
    mode: Mode,
    rows: Vec<Row>,
}

impl Builder<'_> {
    fn peek_cell(&self, at: usize) -> Option<&Cell> {
        self.toks.get(at).and_then(Tok::cell)
    }

    fn run(&mut self) {
        let mut open = Open::default();
        while self.i < self.toks.len() {
            let Some(c) = self.peek_cell(self.i).cloned() else {
                self.i += 1;
                continue;
            };
            let header = if self.mode == Mode::Stream {
                header_len(self.toks, self.i)
            } else {
                line_header_len(self.toks, self.i)
            };
            if let Some(n) = header {
                self.indicators(n, open.pending_label.take());
                open.in_funds = None;
                continue;
            }
            if let Some(l) = open.pending_label.take() {
                self.rows.push(row(vec![Some(l)]));
            }
            if self.mode == Mode::Spaces {
                self.head_lines();
                continue;
            }
            if self.mode != Mode::Stream {
                self.line();
                continue;
            }
            if let Some((outer, k)) = blocks::implicit_start(self.toks, self.i) {
                self.i = blocks::implicit_rows(self.toks, outer, k, &mut self.rows);
                open.in_funds = None;
                continue;
            }
            if let Some((rows, j)) = blocks::side_funds(self.toks, self.i, &mut self.rows) {
                self.rows.extend(rows);
                self.i = j;
                open.in_funds = None;
                continue;
            }
            self.i += 1;
            self.stream_cell(c, &mut open);
        }
    }

    /// One cell of a stream form outside the blocks: a banner line, a funds block's label, an
    /// item and its amount, a field's label and text, or the next line of the text above.
    fn stream_cell(&mut self, c: Cell, open: &mut Open) {
        if vocab::is_title_text(&c.text) || is_banner_line(&c.text) || is_note_cell(&c.text) {
            self.rows.push(row(vec![Some(c)]));
            return;
        }
        if vocab::is_funds_block_label(&c.text) {
            open.in_funds = Some(c);
            open.funds_started = false;
            return;
        }
        let Some(c) = self.carry_on(c) else {
            return;
        };
        let next = self.value_after();
        if open.in_funds.is_some()
            && let Some(Some(a)) = &next
            && super::funds::parse_amount(&a.text).is_some()
        {
            let label = if open.funds_started {
                None
            } else {
                open.in_funds.clone()
            };
            open.funds_started = true;
            self.rows.push(row(vec![label, Some(c), next.flatten()]));
            return;
        }
        open.in_funds = None;
        match next {
            Some(v) => self.rows.push(row(vec![Some(c), v])),
            None if header_len(self.toks, self.i).is_some() => open.pending_label = Some(c),
            None => self.rows.push(row(vec![Some(c)])),
        }
    }

    /// A cell that carries on the field text above (the next item of an enumeration, or prose
    /// after a field's text: a wrapped cell's next line) goes there: `None`; else the cell.
    fn carry_on(&mut self, c: Cell) -> Option<Cell> {
        if let Some(Some(v)) = self
            .rows
            .last_mut()
            .filter(|r| r.cells.len() == 2)
            .and_then(|r| r.cells.last_mut())
            && continues_list(&v.text, &c.text)
        {
            v.text.push('\n');
            v.text.push_str(&c.text);
            return None;
        }
        if is_prose(&c.text)
            && self
                .rows
                .last()
                .is_some_and(|r| r.cells.len() == 2 && r.cells.iter().all(Option::is_some))
        {
            self.rows.push(row(vec![None, Some(c)]));
            return None;
        }
        Some(c)
    }

    /// The value of the label just read: the next cell (or a bare `|`), unless it is a label or
    /// structure of its own (`None` then, and nothing consumed).
    fn value_after(&mut self) -> Option<Option<Cell>> {
        match self.toks.get(self.i) {
            Some(Tok::Empty) => {
                self.i += 1;
                Some(None)
            }
            Some(Tok::Cell(c))
                if !super::grammar_rows::is_stop(self.toks, self.i) && !is_note_cell(&c.text) =>
            {
                self.i += 1;
                Some(Some(c.clone()))
            }
            _ => None,
        }
    }

    /// The lines of single-space text up to the next indicator header, read together (a
    /// field's label is printed in the middle of its wrapped text: `head`).
    fn head_lines(&mut self) {
        let mut lines: Vec<Vec<Cell>> = Vec::new();
        let mut words = Vec::new();
        while let Some(t) = self.toks.get(self.i) {
            match t {
                Tok::Cell(c) => {
                    if words.is_empty()
                        && !lines.is_empty()
                        && line_header_len(self.toks, self.i).is_some()
                    {
                        break;
                    }
                    words.push(c.clone());
                }
                _ => lines.extend((!words.is_empty()).then(|| std::mem::take(&mut words))),
            }
            self.i += 1;
        }
        lines.extend((!words.is_empty()).then_some(words));
        self.rows.extend(head::rows(lines));
    }

    /// One line of a line form outside the indicators: its cells as one row (single-space
    /// lines regrouped into `label:` / text pairs).
    fn line(&mut self) {
        let mut cells = Vec::new();
        while let Some(t) = self.toks.get(self.i) {
            self.i += 1;
            match t {
                Tok::Cell(c) => cells.push(c.clone()),
                Tok::End => break,
                Tok::Empty => {}
            }
        }
        let cells = if self.mode == Mode::Spaces {
            regroup_spaces(cells)
        } else {
            cells
        };
        if !cells.is_empty() {
            self.rows.push(row(cells.into_iter().map(Some).collect()));
        }
    }

    /// The indicator block whose header starts here (`n` header cells).
    fn indicators(&mut self, n: usize, outer: Option<Cell>) {
        // Bare `|` between header words are covered cells of a merged header cell: the rows
        // write them too, as empty cells before the next column.
        let mut gaps = Vec::new();
        let mut header: Vec<Cell> = Vec::new();
        let mut gap = 0;
        for t in &self.toks[self.i..self.i + n] {
            match t {
                Tok::Cell(c) => {
                    header.push(c.clone());
                    gaps.push(gap);
                    gap = 0;
                }
                _ => gap += 1,
            }
        }
        self.i += n;
        let (outer, header) = match (outer, header.split_first()) {
            // A first cell that names no column of the rows (`绩效指标`, `年度绩效目标(90分)`)
            // before the 一级/二级 column is the block label.
            (None, Some((h, rest))) if is_block_label(h, rest) => {
                gaps.remove(0);
                (Some(h.clone()), rest.to_vec())
            }
            (o, _) => (o, header),
        };
        let slots = header_slots(&header);
        // The block label keeps a column of its own, as in the workbook (merged down the block).
        let lead = usize::from(outer.is_some());
        let mut hrow: Vec<Option<Cell>> = outer.into_iter().map(Some).collect();
        hrow.extend(header.into_iter().map(Some));
        self.rows.push(row(hrow));
        if matches!(self.toks.get(self.i), Some(Tok::End)) {
            self.i += 1;
        }
        let mut p = RowParser::new(self.toks, self.i, self.mode, slots, lead);
        p.set_gaps(gaps);
        p.sub_header(&mut self.rows);
        if self.mode == Mode::Spaces
            && let Some(end) = centred::read(self.toks, p.at(), p.slots(), lead, &mut self.rows)
        {
            self.i = end;
            return;
        }
        p.rows(&mut self.rows);
        self.i = p.at();
    }
}

/// Whether the first header cell `h` is the block label (`绩效指标`, `年度绩效目标(90分)`)
/// merged down the block rather than a column of the rows: it names no column, and the level
/// columns follow it (or, in a table without 一级/二级, the name column, where `h` is an outer
/// label of the vocabulary).
fn is_block_label(h: &Cell, rest: &[Cell]) -> bool {
    let Some(next) = rest.first() else {
        return false;
    };
    Slot::of(&h.text) == Slot::Other
        && match Slot::of(&next.text) {
            Slot::L1 | Slot::L2 => true,
            Slot::L3 => vocab::header_role(&h.text) == Some(vocab::Role::Outer),
            _ => false,
        }
}

/// The column roles of a header. A column the vocabulary does not know left of the name
/// column, in a header with no 一级 column (`指标类型 | 指标名称 | 指标值`), holds the level names.
fn header_slots(header: &[Cell]) -> Vec<Slot> {
    let mut slots: Vec<Slot> = header.iter().map(|c| Slot::of(&c.text)).collect();
    if !slots.contains(&Slot::L1)
        && slots.first() == Some(&Slot::Other)
        && slots.get(1).is_some_and(|s| s.is_label())
        && vocab::header_role(&header[0].text).is_none()
    {
        slots[0] = Slot::L1;
    }
    slots
}

/// Single-space words of a line outside the indicators: a word ending in a colon is a label,
/// the words up to the next label its text (joined by a space, as written).
fn regroup_spaces(words: Vec<Cell>) -> Vec<Cell> {
    if !words.iter().any(|w| w.text.ends_with([':', '：'])) {
        let mut it = words.into_iter();
        let Some(mut first) = it.next() else {
            return Vec::new();
        };
        for w in it {
            first.text.push(' ');
            first.text.push_str(&w.text);
        }
        return vec![first];
    }
    let mut out: Vec<Cell> = Vec::new();
    let mut text: Option<Cell> = None;
    for w in words {
        if w.text.ends_with([':', '：']) {
            out.extend(text.take());
            out.push(w);
        } else if let Some(t) = text.as_mut() {
            t.text.push(' ');
            t.text.push_str(&w.text);
        } else {
            text = Some(w);
        }
    }
    out.extend(text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::textforms;

    fn rebuilt(text: &str) -> Vec<String> {
        let form = textforms::detect(text).unwrap();
        let g = rebuild(&textforms::read(text, form)).unwrap();
        g.rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| c.as_ref().map_or("", |c| c.text.as_str()))
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    }

    #[test]
    fn titles_and_footers() {
        assert!(vocab::is_title_text("项目支出绩效目标表"));
        assert!(vocab::is_title_text("2023年一般性项目绩效目标表(一级项目)"));
        assert!(!vocab::is_title_text("绩效目标"));
        assert!(is_footer("财政资金管理科室(盖章) 年 月 日"));
        assert!(is_banner_line("(2025年度)"));
        assert!(is_banner_line("2017 年度)"));
        assert!(is_note_cell("单位:万元"));
    }

    #[test]
    fn enumerations_carry_on() {
        assert!(continues_list(
            "目标1:把教学放在首位。\n目标2:保障在职人员。",
            "目标3改善办学条件"
        ));
        assert!(continues_list("1.完成培训。", "2.提高质量。"));
        assert!(!continues_list("目标2:保障在职人员。", "目标2改善"));
        assert!(!continues_list("按时完成。", "部门整体支出"));
    }

    #[test]
    fn cells_per_line_rebuilds_fields_funds_and_rows() {
        let t = "网站首页\n项目支出绩效目标表 |\n(2025年度) |\n项目名称 |\n某赛事 |\n项目资金\n(万元) |\n年度资金总额: |\n100.00 |\n其他资金 |\n0.00 |\n年度\n目标 |\n办好赛事。 |\n绩\n效\n指\n标 |\n一级\n指标 |\n二级指标 |\n三级指标 |\n指标值 |\n产出指标 |\n数量指标 |\n赛事场次 |\n3场 |\n质量指标 |\n完成率 |\n100% |\n满意度指标 |\n满意度指标 |\n群众满意度 |\n≥95% |\n";
        assert_eq!(
            rebuilt(t),
            vec![
                "项目支出绩效目标表",
                "(2025年度)",
                "项目名称|某赛事",
                "项目资金\n(万元)|年度资金总额:|100.00",
                "|其他资金|0.00",
                "年度\n目标|办好赛事。",
                "绩\n效\n指\n标|一级\n指标|二级指标|三级指标|指标值",
                "|产出指标|数量指标|赛事场次|3场",
                "|产出指标|质量指标|完成率|100%",
                "|满意度指标|满意度指标|群众满意度|≥95%",
            ]
        );
    }
}
