//! Indicator rows of a cell stream (see `grammar`): after the header, each row is read as
//! 一级 → 二级 → 三级 → values, by the columns the header announced.
//!
//! The 一级/二级 cells of merged columns are written only on some rows (the first row of the
//! merge, or its middle row in web copies), so a row's leading names are told by what they are:
//! a standard level name of the vocabulary, a name this block already put in that column, or a
//! cell followed by a level name (an 一级 the vocabulary does not know, `实施效果指标`). What
//! is not written is carried from the row above. Values fill the value columns in order, an
//! operator column taking only operators and a unit column only units.

use super::canon::key;
use super::grammar::{Tok, header_len, is_footer, line_header_len};
use super::value;
use super::vocab::is_title_text;
use super::vocab::{self, Role};
use crate::grid::{Cell, Row};
use std::collections::HashSet;

/// How rows show in the stream: `Stream` (no line is a row: one cell per line, blank-line
/// cells), `Lines` (a line is a row, maybe wrapped: pipes with empties at the end), `Spaces`
/// (a line is a row of words; a name may be several words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Stream,
    Lines,
    Spaces,
}

/// The role of one column of the indicator block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    L1,
    L2,
    Kw,
    L3,
    Op,
    Unit,
    Value,
    Other,
}

impl Slot {
    pub fn of(text: &str) -> Slot {
        match vocab::header_role(text) {
            Some(Role::Level1) => Slot::L1,
            Some(Role::Level2) => Slot::L2,
            Some(Role::KeyWork) => Slot::Kw,
            Some(Role::Level3) => Slot::L3,
            Some(Role::Op) => Slot::Op,
            Some(Role::Unit) => Slot::Unit,
            Some(Role::Value(_)) => Slot::Value,
            None if key(text) == "指标" => Slot::L3,
            _ => Slot::Other,
        }
    }

    pub fn is_label(self) -> bool {
        matches!(self, Slot::L1 | Slot::L2 | Slot::Kw | Slot::L3)
    }
}

/// Whether a cell closes the indicator block: a new table, a field, a footer, a header, or a
/// form field with check boxes.
pub fn is_stop(toks: &[Tok], at: usize) -> bool {
    let Some(c) = toks.get(at).and_then(Tok::cell) else {
        return false;
    };
    is_title_text(&c.text)
        || vocab::field_label(&c.text).is_some()
        || vocab::is_funds_block_label(&c.text)
        || is_footer(&c.text)
        || c.text.contains(['□', '■', '☑', '☐'])
        || header_len(toks, at).is_some()
        || line_header_len(toks, at).is_some()
}

/// A cell that reads as a target value rather than a name.
pub fn value_like(t: &str) -> bool {
    value::is_operator_cell(t)
        || value::is_strong_value(t)
        || vocab::is_qual_word(t)
        || t.trim().trim_end_matches('%').parse::<f64>().is_ok()
}

/// A unit cell of a split value (`人/天`, `%`, `万元`).
pub fn unit_like(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty()
        && t.chars().count() <= value::MAX_UNIT_CHARS
        && !t.chars().any(|c| c.is_ascii_digit())
        && !value::is_operator_cell(t)
}

/// Reads the indicator rows of one block.
pub struct RowParser<'a> {
    toks: &'a [Tok],
    i: usize,
    mode: Mode,
    slots: Vec<Slot>,
    seen_l1: HashSet<String>,
    seen_l2: HashSet<String>,
    /// The block writes vocabulary 一级 names (产出指标) in its 二级 column.
    l1_as_l2: bool,
    cur: [Option<Cell>; 2],
    /// A row with no value: kept only if another row follows (not the block's trailing junk).
    pending: Option<Row>,
    first_out: usize,
    /// Columns left of the header's first (the block label's).
    lead: usize,
    /// Covered cells (bare `|`) the header has before each column.
    gaps: Vec<usize>,
}

impl<'a> RowParser<'a> {
    pub fn new(
        toks: &'a [Tok],
        i: usize,
        mode: Mode,
        slots: Vec<Slot>,
        lead: usize,
    ) -> RowParser<'a> {
        RowParser {
            toks,
            i,
            mode,
            slots,
            seen_l1: HashSet::new(),
            seen_l2: HashSet::new(),
            l1_as_l2: false,
            cur: [None, None],
            pending: None,
            first_out: 0,
            lead,
            gaps: Vec::new(),
        }
    }

    /// The covered cells before each column, as the header showed them.
    pub fn set_gaps(&mut self, gaps: Vec<usize>) {
        self.gaps = gaps;
    }

    /// Skip the covered cells a row writes before column `k` (stream forms only).
    fn skip_gap(&mut self, k: usize) {
        if self.mode != Mode::Stream {
            return;
        }
        for _ in 0..self.gaps.get(k).copied().unwrap_or(0) {
            if matches!(self.toks.get(self.i), Some(Tok::Empty)) {
                self.i += 1;
            }
        }
    }

    pub fn at(&self) -> usize {
        self.i
    }

    /// The column roles of the block (after `sub_header` split the value column).
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    fn has(&self, s: Slot) -> bool {
        self.slots.contains(&s)
    }

    fn cell(&self, at: usize) -> Option<&'a Cell> {
        self.toks.get(at).and_then(Tok::cell)
    }

    fn is_l1(&self, c: &Cell) -> bool {
        let k = key(&c.text);
        (vocab::is_level1_key(&k) && !self.l1_as_l2) || self.seen_l1.contains(&k)
    }

    fn is_l2(&self, c: &Cell) -> bool {
        let k = key(&c.text);
        vocab::is_level2_key(&k)
            || self.seen_l2.contains(&k)
            || (self.l1_as_l2 && vocab::is_level1_key(&k))
    }

    fn is_level(&self, c: &Cell) -> bool {
        let k = key(&c.text);
        vocab::is_level1_key(&k) || vocab::is_level2_key(&k) || self.seen_l1.contains(&k)
    }

    /// The next cell from `at` on, over line ends (a row may wrap in line forms).
    fn next_cell(&self, mut at: usize) -> Option<(usize, &'a Cell)> {
        while let Some(t) = self.toks.get(at) {
            match t {
                Tok::Cell(c) => return Some((at, c)),
                Tok::End if self.mode != Mode::Stream => at += 1,
                _ => return None,
            }
        }
        None
    }

    fn skip_blanks(&mut self) {
        while matches!(self.toks.get(self.i), Some(Tok::Empty | Tok::End)) {
            self.i += 1;
        }
    }

    /// A line of sub-headers under the value column (`2021年实际实现值 | 预期2022年实现值`): the
    /// value column becomes one column per sub-header, and the line a row of its own.
    pub fn sub_header(&mut self, out: &mut Vec<Row>) {
        self.first_out = out.len();
        if self.mode == Mode::Stream {
            return;
        }
        let mut j = self.i;
        let mut cells = Vec::new();
        while let Some(Tok::Cell(c)) = self.toks.get(j) {
            cells.push(c.clone());
            j += 1;
        }
        let subs = cells.len() >= 2
            && cells
                .iter()
                .all(|c| key(&c.text).ends_with('值') && !self.is_level(c));
        let Some(v) = self.slots.iter().position(|s| *s == Slot::Value) else {
            return;
        };
        if !subs {
            return;
        }
        let n = cells.len();
        self.slots
            .splice(v..v + 1, std::iter::repeat_n(Slot::Value, n));
        let mut row_cells = vec![None; self.lead + v];
        row_cells.extend(cells.into_iter().map(Some));
        out.push(Row::from_cells(row_cells));
        self.i = j;
        self.first_out = out.len();
    }

    /// Every row of the block, onto `out`.
    pub fn rows(&mut self, out: &mut Vec<Row>) {
        while let Some(r) = self.one_row(out) {
            let empty = r
                .cells
                .iter()
                .enumerate()
                .skip(self.lead)
                .all(|(k, c)| c.is_none() || self.slots[k - self.lead].is_label());
            if let Some(p) = self.pending.take() {
                out.push(p);
            }
            if empty {
                self.pending = Some(r);
            } else {
                out.push(r);
            }
        }
        self.pending = None;
    }

    /// The leading 一级/二级 names of a row, set in `cur`; false at the end of the block.
    fn prefix(&mut self, out: &mut [Row]) -> bool {
        self.skip_blanks();
        let Some(c0) = self.cell(self.i) else {
            return false;
        };
        if is_stop(self.toks, self.i) {
            return false;
        }
        let c1 = self.next_cell(self.i + 1).map(|(_, c)| c);
        let mut took_l1 = false;
        if self.has(Slot::L1) {
            let known = self.is_l1(c0) && (!self.is_l2(c0) || c1.is_some_and(|c| self.is_l2(c)));
            let unknown = self.has(Slot::L2)
                && !self.is_level(c0)
                && !value_like(&c0.text)
                && c1.is_some_and(|c| self.is_level(c) || self.is_l2(c));
            if known || unknown {
                self.set(0, c0, out);
                took_l1 = true;
                match self.next_cell(self.i + 1) {
                    Some((j, _)) => self.i = j,
                    None => return false,
                }
            }
        }
        let Some(c) = self.cell(self.i) else {
            return false;
        };
        if self.has(Slot::L2)
            && (self.is_l2(c) || (took_l1 && self.is_l1(c)))
            && let Some((j, _)) = self.next_cell(self.i + 1)
            && !is_stop(self.toks, j)
        {
            self.set(1, c, out);
            self.i = j;
        }
        true
    }

    /// Set the carried 一级 (`level` 0) or 二级 (1); the first one of a block also fills the
    /// rows above that had none (a merged name written on a middle row).
    fn set(&mut self, level: usize, c: &Cell, out: &mut [Row]) {
        let k = key(&c.text);
        if level == 0 {
            self.seen_l1.insert(k);
        } else {
            if vocab::is_level1_key(&k) && !vocab::is_level2_key(&k) {
                self.l1_as_l2 = true;
            }
            self.seen_l2.insert(k);
        }
        let slot = if level == 0 { Slot::L1 } else { Slot::L2 };
        if self.cur[level].is_none()
            && let Some(col) = self.slots.iter().position(|s| *s == slot)
        {
            for r in out.iter_mut().skip(self.first_out) {
                if let Some(x) = r.cells.get_mut(col + self.lead)
                    && x.is_none()
                {
                    *x = Some(c.clone());
                }
            }
        }
        self.cur[level] = Some(c.clone());
    }

    /// One indicator row, or `None` at the end of the block.
    fn one_row(&mut self, out: &mut [Row]) -> Option<Row> {
        let start = self.i;
        if !self.prefix(out) {
            return None;
        }
        let l3 = if self.has(Slot::L3) {
            let c = self.cell(self.i)?;
            if is_stop(self.toks, self.i) {
                return None;
            }
            self.i += 1;
            Some(self.name_words(c.clone()))
        } else {
            None
        };
        let mut vals: Vec<Option<Cell>> = vec![None; self.slots.len()];
        self.fill_values(&mut vals);
        if self.mode != Mode::Stream {
            self.continuation(&mut vals);
        }
        // A row that read nothing (no name column, no value here) would loop forever.
        if self.i == start {
            return None;
        }
        // Check boxes are a form field (`优秀□ 良好□`), never a target: the block has ended.
        if vals
            .iter()
            .flatten()
            .any(|c| c.text.contains(['□', '■', '☑', '☐']))
        {
            self.i = start;
            return None;
        }
        let mut cells = vec![None; self.lead];
        for (k, s) in self.slots.iter().enumerate() {
            cells.push(match s {
                Slot::L1 => self.cur[0].clone(),
                Slot::L2 => self.cur[1].clone(),
                Slot::L3 => l3.clone(),
                Slot::Kw => None,
                _ => vals[k].take(),
            });
        }
        Some(Row::from_cells(cells))
    }

    /// In single-space text a name may be several words: the words up to the first value.
    fn name_words(&mut self, mut c: Cell) -> Cell {
        if self.mode != Mode::Spaces {
            return c;
        }
        let values = self.slots.iter().filter(|s| !s.is_label()).count();
        while let Some(Tok::Cell(n)) = self.toks.get(self.i) {
            let left = self.toks[self.i..]
                .iter()
                .take_while(|t| t.cell().is_some())
                .count();
            if value_like(&n.text) || left <= values.min(1) {
                break;
            }
            c.text.push(' ');
            c.text.push_str(&n.text);
            self.i += 1;
        }
        c
    }

    /// The value columns of the row, in order, from the stream.
    fn fill_values(&mut self, vals: &mut [Option<Cell>]) {
        let mut last = None;
        #[allow(clippy::needless_range_loop)]
        // `k` indexes `slots` and `vals` alike, and the loop `continue`s without consuming
        for k in 0..self.slots.len() {
            let slot = self.slots[k];
            if slot.is_label() {
                continue;
            }
            self.skip_gap(k);
            match self.toks.get(self.i) {
                None => break,
                Some(Tok::End) => break,
                Some(Tok::Empty) => {
                    self.i += 1;
                    continue;
                }
                Some(Tok::Cell(c)) => {
                    if self.mode == Mode::Stream && (self.is_level(c) || is_stop(self.toks, self.i))
                    {
                        break;
                    }
                    if (slot == Slot::Op && !value::is_operator_cell(&c.text))
                        || (slot == Slot::Unit && !unit_like(&c.text))
                    {
                        continue;
                    }
                    vals[k] = Some(c.clone());
                    last = Some(k);
                    self.i += 1;
                }
            }
        }
        if self.mode != Mode::Stream {
            // Words left on the line belong to the last value (a text with spaces).
            while let Some(Tok::Cell(c)) = self.toks.get(self.i) {
                if let Some(v) = last.and_then(|k| vals[k].as_mut()) {
                    v.text.push(' ');
                    v.text.push_str(&c.text);
                }
                self.i += 1;
            }
            if matches!(self.toks.get(self.i), Some(Tok::End)) {
                self.i += 1;
            }
        } else if matches!(self.toks.get(self.i), Some(Tok::End)) {
            self.i += 1;
        }
    }

    /// A next line of values only (`10`, the weight wrapped under a 定性 row) fills the value
    /// columns left empty at the end of the row.
    fn continuation(&mut self, vals: &mut [Option<Cell>]) {
        let line: Vec<&Cell> = self.toks[self.i..]
            .iter()
            .take_while(|t| !matches!(t, Tok::End))
            .filter_map(Tok::cell)
            .collect();
        let filled = vals.iter().rposition(Option::is_some).map_or(0, |k| k + 1);
        let free = self.slots[filled..]
            .iter()
            .filter(|s| !s.is_label())
            .count();
        let fits = !line.is_empty()
            && line.len() <= free
            && line
                .iter()
                .all(|c| value_like(&c.text) && !self.is_level(c));
        if !fits {
            return;
        }
        let save = self.slots.clone();
        let mut tail: Vec<Option<Cell>> = vec![None; vals.len()];
        // Fill as if the row went on: only the free columns after the last value.
        let mut masked = save.clone();
        for s in masked.iter_mut().take(filled) {
            *s = Slot::L3;
        }
        self.slots = masked;
        self.fill_values(&mut tail);
        self.slots = save;
        for (k, t) in tail.into_iter().enumerate() {
            if t.is_some() {
                vals[k] = t;
            }
        }
    }
}
