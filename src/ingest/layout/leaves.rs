//! The rows of a segment, opened by its leaf columns (三级 and the values, the amounts): a
//! line with leaf text starts a row unless it goes on with the row above (a wrapped piece, a
//! value beside a wrapped name, a field's paragraph, the end of a cell centred on its row).
//! Each of those decisions is a method of `LeafRows`, the state of the walk down the lines.
//! Split out of `segment.rs`, which measures the columns and places the labels.

use super::runs::Run;
use super::segment::{Kind, Seg, SegRow, put};
use super::stream::{Line, value_like};
use crate::vocab;
use std::collections::BTreeMap;

/// The rows of a segment's leaf lines.
pub(super) fn leaf_rows(seg: &Seg) -> Vec<SegRow> {
    let mut walk = LeafRows {
        seg,
        rows: Vec::new(),
        ends: BTreeMap::new(),
        prev_leaf_line: None,
        opened_by: None,
        para: None,
        centred_row: false,
    };
    for (i, l) in seg.lines.iter().enumerate() {
        walk.line(i, l);
    }
    walk.rows
}

/// The walk down a segment's lines.
struct LeafRows<'s, 'a> {
    seg: &'s Seg<'a>,
    rows: Vec<SegRow>,
    /// The last row's column → (x1, width, a plain number) of its last piece.
    ends: BTreeMap<usize, (usize, usize, bool)>,
    /// The index of the last line with leaf text.
    prev_leaf_line: Option<usize>,
    /// The column of the lone piece the current row was opened by (a centred cell's first
    /// line).
    opened_by: Option<usize>,
    /// The column of the current row's paragraph (a field text that wrapped).
    para: Option<usize>,
    /// Whether the current row was opened by the first piece of a cell centred on it.
    centred_row: bool,
}

impl LeafRows<'_, '_> {
    fn line(&mut self, i: usize, l: &Line) {
        let seg = self.seg;
        let leaf_runs: Vec<&Run> = l.runs.iter().filter(|r| seg.is_leaf(r)).collect();
        if leaf_runs.is_empty() {
            return;
        }
        let lone_col = lone_col(seg, l, &leaf_runs);
        let opens_centred = self.opens_centred(i, lone_col);
        let joins = self.joins_above(i, l, &leaf_runs) && !opens_centred;
        let para_joins = !joins && self.para_joins(i, &leaf_runs) && !opens_centred;
        // The first piece of the next centred cell never closes the one above.
        let closes = !joins && !para_joins && !opens_centred && self.closes(i, lone_col);
        let joins = joins || para_joins || closes;
        if closes {
            self.opened_by = None;
        }
        if !joins {
            self.ends.clear();
            self.para = None;
            self.opened_by = lone_col;
            self.centred_row = opens_centred;
        }
        self.note_paragraph(&leaf_runs);
        self.note_ends(&leaf_runs);
        if !joins {
            self.rows.push(SegRow {
                top: l.no,
                bottom: l.no,
                page: l.page,
                ..Default::default()
            });
        }
        if let Some(row) = self.rows.last_mut() {
            row.bottom = l.no;
            for r in &leaf_runs {
                // A paragraph line after a short one starts a new line of the cell's text.
                if para_joins && let Some((t, _)) = row.cells.get_mut(&seg.cell_col(r)) {
                    t.push('\n');
                }
                put(&mut row.cells, seg.cell_col(r), &r.text, l.no);
            }
        }
        self.prev_leaf_line = Some(i);
    }

    /// The line continues the row above when it is the next line and each of its pieces
    /// either fills a cell the row left empty (a value beside a wrapped 三级) or continues a
    /// piece that was cut at its cell's edge. A short text or a number never wraps. Above the
    /// blocks, a line holding a known field label in a label column is that field's row: it
    /// never fills the empty cells of the row above (`项目责任人:` over `项目名称  2025…赛事`)
    /// (not inside a paragraph: a label drawn beside a long text's second line belongs to that
    /// text).
    fn joins_above(&self, i: usize, l: &Line, leaf_runs: &[&Run]) -> bool {
        let seg = self.seg;
        // (Nor on the line after a centred cell's first piece: the field's label and texts
        // stand on the middle line of the cell's value, `[042]六安市金安区` / `主管部门及代码 …
        // 实施单位  六安市金安区体育局` / `体育局`.)
        let opens_field = seg.kind == Kind::Upper
            && self.para.is_none()
            && !(self.centred_row && self.rows.last().is_some_and(|r| r.top == r.bottom))
            && l.runs
                .iter()
                .any(|r| !seg.is_leaf(r) && vocab::field_label(&r.text).is_some());
        if opens_field || self.rows.is_empty() || self.prev_leaf_line.is_none_or(|p| p + 1 != i) {
            return false;
        }
        leaf_runs.iter().all(|r| {
            let c = seg.cell_col(r);
            self.ends.get(&c).is_none_or(|&end| self.goes_on(c, r, end))
        })
    }

    /// Whether run `r` in column `c` goes on with the piece `(x1, w, number)` that ends the
    /// row above in that column.
    fn goes_on(&self, c: usize, r: &Run, (x1, w, number): (usize, usize, bool)) -> bool {
        let kind = self.seg.kind;
        // Above the blocks, a wrapped text's next line keeps its left edge (or its centre, if
        // centred): a header spanning the columns below it (预算金额（万元） over 总额 ·
        // 财政拨款 · 其他资金) is not continued by them.
        let x0 = x1.saturating_sub(w);
        let aligned = r.x0.abs_diff(x0) <= 1 || (r.x0 + r.x1).abs_diff(x0 + x1) <= 3;
        if kind == Kind::Upper && !aligned {
            return false;
        }
        let at_edge = x1 + 2 >= self.seg.limit_of(c);
        // Above the blocks a column of short names (财政拨款, 其他资金) is all "widest": there
        // only longer text counts as wrapped by width.
        let min_w = if kind == Kind::Upper { 6 } else { 4 };
        !number && w >= 4 && (at_edge || (self.seg.widest(c, w) && w >= min_w))
    }

    /// Above the indicator blocks a field's text is a paragraph: once its row has wrapped a
    /// long piece, the next lines of that column (even after a short line ending an item, or
    /// past a line holding only the field's label) are the same cell, until a blank line.
    fn para_joins(&self, i: usize, leaf_runs: &[&Run]) -> bool {
        let seg = self.seg;
        seg.kind == Kind::Upper
            && self
                .prev_leaf_line
                .is_some_and(|p| p < i && (p + 1..i).all(|k| !seg.is_blank(k)))
            && self
                .para
                .is_some_and(|c| leaf_runs.iter().all(|r| seg.cell_col(r) == c))
    }

    /// The first piece of a cell centred on the next line's row (`反映…可` / row with that
    /// cell empty / `能造成的负面影响`) opens that row: it never continues the row above,
    /// however wide it is.
    fn opens_centred(&self, i: usize, lone_col: Option<usize>) -> bool {
        let seg = self.seg;
        lone_col.is_some_and(|c| {
            let in_c = |k: usize| -> Option<bool> {
                let runs: Vec<&Run> = seg
                    .lines
                    .get(k)?
                    .runs
                    .iter()
                    .filter(|r| seg.is_leaf(r))
                    .collect();
                (!runs.is_empty()).then(|| runs.iter().any(|r| seg.cell_col(r) == c))
            };
            let lone_in_c = |k: usize| {
                seg.lines.get(k).is_some_and(|l| {
                    l.runs.len() == 1
                        && l.runs
                            .iter()
                            .all(|r| seg.is_leaf(r) && seg.cell_col(r) == c)
                })
            };
            in_c(i + 1) == Some(false) && lone_in_c(i + 2)
        })
    }

    /// A cell centred on its row and wrapped starts above the row's other cells and ends below
    /// them (`万立方` / row / `米`): the lone piece right under such a row, in the column whose
    /// lone piece opened it, ends that cell, however short it is.
    fn closes(&self, i: usize, lone_col: Option<usize>) -> bool {
        // (Above the blocks only a row its first piece opened as such.)
        (self.seg.kind != Kind::Upper || self.centred_row)
            && lone_col.is_some()
            && self.opened_by == lone_col
            && self.prev_leaf_line.is_some_and(|p| p + 1 == i)
            && self.rows.last().is_some_and(|r| r.bottom > r.top)
    }

    /// Above the blocks, a long piece reaching its cell's edge (or among its column's widest)
    /// opens a paragraph in its column.
    fn note_paragraph(&mut self, leaf_runs: &[&Run]) {
        let seg = self.seg;
        if seg.kind != Kind::Upper {
            return;
        }
        for r in leaf_runs {
            let c = seg.cell_col(r);
            let at_edge = r.x1 + 2 >= seg.limit_of(c);
            if self.para.is_none() && r.width() >= 10 && (at_edge || seg.widest(c, r.width())) {
                self.para = Some(c);
            }
        }
    }

    /// Each piece now ends the row in its column. A number, or a short value (`25人次`,
    /// `100%`), never wraps: a line of dense rows under it starts the next row.
    fn note_ends(&mut self, leaf_runs: &[&Run]) {
        for r in leaf_runs {
            let number = r
                .text
                .chars()
                .all(|ch| ch.is_ascii_digit() || matches!(ch, ',' | '.' | '-'))
                || (value_like(&r.text) && r.text.chars().count() <= 6);
            self.ends
                .insert(self.seg.cell_col(r), (r.x1, r.width(), number));
        }
    }
}

/// The column of a line's leaf pieces when they all share one and the line holds nothing
/// else.
fn lone_col(seg: &Seg, l: &Line, leaf_runs: &[&Run]) -> Option<usize> {
    let mut cs = leaf_runs.iter().map(|r| seg.cell_col(r));
    let first = cs.next();
    first.filter(|&c| l.runs.len() == leaf_runs.len() && cs.all(|x| x == c))
}
