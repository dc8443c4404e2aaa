//! Rows and labels of one segment of `pdftotext -layout` text (a page, or an indicator block
//! on a page): the leaf columns open rows, wrapped pieces join their cells, label columns'
//! pieces become labels (cut apart where dense rows put them on consecutive lines), and the
//! header rows take their columns. Split out of `stream.rs`, the alignment engine.

use super::centred::{group_labels, lift_headers};
use super::chains::{Piece, continues, cut_chain};
use super::columns::{clusters, column_of, merge_centred, merge_disjoint, merge_lone};
use super::leaves::leaf_rows;
use super::pages::ColumnPlaces;
use super::place::nearest_row;
use super::runs::Run;
use super::stream::Line;
use crate::vocab;
use std::collections::BTreeMap;

/// One row of a segment while it is being built.
#[derive(Debug, Clone, Default)]
pub(super) struct SegRow {
    pub(super) top: u32,
    pub(super) bottom: u32,
    pub(super) page: u32,
    /// column → (text, line of its first piece)
    pub(super) cells: BTreeMap<usize, (String, u32)>,
    /// For the row of an empty group: the line of the label it was made for.
    pub(super) empty_for: Option<u32>,
}

pub use crate::canon::join_wrapped;

pub(super) fn put(cells: &mut BTreeMap<usize, (String, u32)>, col: usize, text: &str, line: u32) {
    match cells.get_mut(&col) {
        Some((t, _)) => join_wrapped(t, text),
        None => {
            cells.insert(col, (text.to_string(), line));
        }
    }
}

/// The kind of a segment, for label placement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    /// Fields and funds above the first indicator header.
    Upper,
    /// An indicator block starting with its header row.
    Header,
    /// An indicator block continued from the previous page (no header on this page).
    Continued,
}

/// A label block: runs of one label column on nearby lines, joined.
pub(super) struct Label {
    pub(super) col: usize,
    pub(super) text: String,
    pub(super) first: u32,
    pub(super) last: u32,
    /// The real line of its first piece (`first` and `last` may be virtual lines).
    pub(super) line: u32,
    /// Its lines' texts, while the segment's labels are read.
    pub(super) pieces: Vec<Piece>,
}

/// What a segment knows of its columns while its rows are built: the columns, where the leaf
/// columns start, and each column's measures. Every stage below reads it; none changes it.
pub(super) struct Seg<'a> {
    pub(super) lines: &'a [&'a Line],
    pub(super) kind: Kind,
    pub(super) cols: Vec<(usize, usize)>,
    /// `cols.len()`, at least 1.
    pub(super) ncols: usize,
    /// Per column (above the blocks only): left edge → how many runs start there.
    edges: Vec<BTreeMap<usize, usize>>,
    /// Per column: the widest run (to tell wrapped text).
    pub(super) max_w: Vec<usize>,
    /// Per column: a wrapped piece fills its cell up to the next column (or, for the last
    /// column, its widest text): only then can the line below continue it.
    pub(super) limit: Vec<usize>,
    /// The first leaf column.
    pub(super) leaf: usize,
    /// Texts in leaf columns that are group labels centred among their rows (`centred`).
    centred: Vec<&'a Run>,
}

impl Seg<'_> {
    /// The column of a run. Above the indicator blocks, a text starting left of a
    /// left-aligned text column's edge (every other run of the column starts on that edge)
    /// is not in that column: it is centred over a merge further left (b01 金额合计 over
    /// 年度主要任务 … 主要内容).
    pub(super) fn col(&self, r: &Run) -> usize {
        let c = column_of(&self.cols, r.x0);
        // the column's edge: the left edge most of its runs share; nothing else lies left of it
        let outlier = self.edges.get(c).is_some_and(|m| {
            let edge = m.iter().max_by_key(|&(_, &k)| k);
            m.get(&r.x0) == Some(&1)
                && edge.is_some_and(|(&x, &k)| {
                    k >= 3 && r.x0 + 2 <= x && m.range(r.x0 + 1..x).next().is_none()
                })
        });
        if outlier { c.saturating_sub(1) } else { c }
    }

    /// Above the indicator blocks a text in a label column that runs on over the columns to
    /// its right is a field's text (a paragraph under a merged cell), not a label.
    pub(super) fn crossing(&self, r: &Run) -> bool {
        let c = self.col(r);
        c < self.leaf
            && self.kind == Kind::Upper
            && self.cols.get(c + 2).is_some_and(|n| r.x1 > n.0 + 2)
    }

    pub(super) fn is_leaf(&self, r: &Run) -> bool {
        (self.col(r) >= self.leaf || self.crossing(r))
            && !self.centred.iter().any(|c| std::ptr::eq(*c, r))
    }

    /// The column a leaf run fills: a crossing text indented from its column's labels (the
    /// field's label sits at the column's left edge) is the cell right of that label.
    pub(super) fn cell_col(&self, r: &Run) -> usize {
        let c = self.col(r);
        if self.crossing(r) && self.cols.get(c).is_some_and(|k| r.x0 > k.0 + 4) {
            c + 1
        } else {
            c
        }
    }

    pub(super) fn is_blank(&self, i: usize) -> bool {
        self.lines.get(i).is_none_or(|l| l.runs.is_empty())
    }

    /// The run's column's right limit.
    pub(super) fn limit_of(&self, c: usize) -> usize {
        self.limit.get(c).copied().unwrap_or(usize::MAX)
    }

    /// Whether a run of width `w` in column `c` is among the column's widest.
    pub(super) fn widest(&self, c: usize, w: usize) -> bool {
        w + 1 >= self.max_w.get(c).copied().unwrap_or(0) * 85 / 100
    }
}

/// The columns of a segment: clusters of left edges, merged where one column's texts are
/// centred or placed unevenly (`columns`). `col_lines` include a sub-header row: it heads
/// columns of its own, even ones left empty below it.
fn seg_columns(col_lines: &[&Line], lines: &[&Line], kind: Kind) -> Vec<(usize, usize)> {
    let mut xs: Vec<usize> = col_lines
        .iter()
        .flat_map(|l| l.runs.iter().map(|r| r.x0))
        .collect();
    let cols = merge_centred(
        clusters(&mut xs),
        col_lines.iter().flat_map(|l| l.runs.iter()),
    );
    let cols = merge_disjoint(cols, col_lines, kind != Kind::Upper);
    if kind == Kind::Upper {
        merge_lone(cols, lines)
    } else {
        cols
    }
}

/// Per column, how many runs start at each left edge (above the indicator blocks only, where
/// `Seg::col` tells a text centred over a merge further left by it).
fn column_edges(
    lines: &[&Line],
    cols: &[(usize, usize)],
    kind: Kind,
) -> Vec<BTreeMap<usize, usize>> {
    let mut edges: Vec<BTreeMap<usize, usize>> = vec![BTreeMap::new(); cols.len()];
    if kind == Kind::Upper {
        for r in lines.iter().flat_map(|l| l.runs.iter()) {
            if let Some(m) = edges.get_mut(column_of(cols, r.x0)) {
                *m.entry(r.x0).or_default() += 1;
            }
        }
    }
    edges
}

/// Per-column measures of a segment's runs.
struct Measures {
    max_w: Vec<usize>,
    max_x1: Vec<usize>,
    /// Entries per column: blocks of runs on adjacent lines, or, where rows are dense (no
    /// blank line between rows, so a whole column is one block), lines that do not go on with
    /// a piece the line above wrapped, whichever is more.
    entries: Vec<usize>,
}

fn measure(seg: &Seg) -> Measures {
    let ncols = seg.ncols;
    let mut max_w = vec![0usize; ncols];
    let mut max_x1 = vec![0usize; ncols];
    let mut blocks = vec![0usize; ncols];
    let mut last_line: Vec<Option<u32>> = vec![None; ncols];
    let mut entries = vec![0usize; ncols];
    let mut wrapped: Vec<Option<u32>> = vec![None; ncols];
    // The last column has no neighbour to wrap at: its widest text is its edge.
    let last_x1 = seg
        .lines
        .iter()
        .flat_map(|l| l.runs.iter())
        .filter(|r| seg.col(r) + 1 >= ncols)
        .map(|r| r.x1)
        .max()
        .unwrap_or(usize::MAX);
    for l in seg.lines {
        for r in &l.runs {
            let c = seg.col(r).min(ncols - 1);
            max_w[c] = max_w[c].max(r.width());
            max_x1[c] = max_x1[c].max(r.x1);
            if last_line[c].is_none_or(|p| l.no > p + 1) {
                blocks[c] += 1;
            }
            // A wrapped cell goes on on the next line, or past one line when it is centred on
            // a row of its own (`反映…方面可` / the row / `能造成的负面影响`).
            let goes_on = wrapped[c].is_some_and(|w| l.no == w || l.no == w + 1);
            if !goes_on && !continues(&r.text) {
                entries[c] += 1;
            }
            let edge = seg.cols.get(c + 1).map_or(last_x1, |n| n.0);
            wrapped[c] = (r.x1 + 2 >= edge).then_some(l.no + 1);
            last_line[c] = Some(l.no);
        }
    }
    for (e, b) in entries.iter_mut().zip(&blocks) {
        *e = (*e).max(*b);
    }
    Measures {
        max_w,
        max_x1,
        entries,
    }
}

/// The share of the lines that tell whether column `c` is filled on every row that have a
/// text in it. A line holding nothing but a piece of the rightmost column is a wrapped piece
/// of it (a unit `万立方` / `米` around its value's line), not a row: it says nothing of the
/// others. Only lines with text at or right of a column say whether it is filled on every
/// row: a line holding a piece of a label wrapped far to the left (`分)`) says nothing of it.
fn share(seg: &Seg, c: usize) -> f64 {
    let ncols = seg.ncols;
    let right_lines: Vec<&&Line> = seg
        .lines
        .iter()
        .filter(|l| {
            l.runs.iter().any(|r| seg.col(r) + 1 == ncols)
                && l.runs
                    .iter()
                    .any(|r| seg.col(r) + 1 != ncols && seg.col(r) >= c)
        })
        .collect();
    if right_lines.is_empty() {
        return 1.0;
    }
    let n = right_lines
        .iter()
        .filter(|l| l.runs.iter().any(|r| seg.col(r) == c))
        .count();
    n as f64 / right_lines.len() as f64
}

/// The first leaf column. Leaf columns have an entry on nearly every row: they are filled on
/// most lines that fill the rightmost column, and have nearly as many separate entries as the
/// busiest column. Label columns fail one of the two (a 二级 label sits on few value lines; a
/// 重点工作 paragraph spans many lines but is one entry). A continued block keeps its
/// header's number of leaf columns: a page with few rows counts too little to tell labels
/// from leaves. Above the indicator blocks the first column holds the fields' and blocks'
/// labels (项目名称, 项目资金（万元）), however many there are: a block label is drawn at the
/// centre of its merge, so it must be placed as a label, never start a row.
fn leaf_start(seg: &Seg, entries: &[usize], leaves: Option<usize>) -> usize {
    let (kind, ncols) = (seg.kind, seg.ncols);
    let most = entries.iter().copied().max().unwrap_or(0);
    let counted = entries
        .iter()
        .enumerate()
        .position(|(c, &b)| {
            b * 10 >= most * 6 && b > 0 && (kind == Kind::Upper || share(seg, c) >= 0.7)
        })
        .unwrap_or(ncols - 1);
    match (kind, leaves) {
        (Kind::Continued, Some(k)) if k <= ncols => ncols - k,
        (Kind::Upper, _) if ncols >= 2 => counted.max(1),
        _ => counted,
    }
}

/// Build the rows of one segment. `lines` are the segment's lines (blank ones included),
/// `header` its header line if any, `sub` the second row of a two-row header, `block_width`
/// the column count of the running indicator block (to place a continued segment's columns
/// right-aligned under it), `leaves` its number of leaf columns.
pub(super) fn segment_rows(
    lines: &[&Line],
    header: Option<&Line>,
    sub: Option<&Line>,
    kind: Kind,
    block_width: Option<usize>,
    leaves: Option<usize>,
) -> SegOut {
    let col_lines: Vec<&Line> = lines.iter().copied().chain(sub).collect();
    let cols = seg_columns(&col_lines, lines, kind);
    let ncols = cols.len().max(1);
    let mut seg = Seg {
        lines,
        kind,
        edges: column_edges(lines, &cols, kind),
        cols,
        ncols,
        max_w: Vec::new(),
        limit: Vec::new(),
        leaf: 0,
        centred: Vec::new(),
    };
    let m = measure(&seg);
    seg.leaf = leaf_start(&seg, &m.entries, leaves);
    seg.limit = seg.cols.iter().skip(1).map(|c| c.0).collect();
    seg.limit
        .push(m.max_x1.get(ncols - 1).copied().unwrap_or(0));
    seg.max_w = m.max_w;
    let centred: Vec<(u32, usize)> = group_labels(lines, kind, |r| seg.is_leaf(r));
    seg.centred = lines
        .iter()
        .flat_map(|l| l.runs.iter().map(move |r| (l.no, r)))
        .filter(|(no, r)| centred.contains(&(*no, r.x0)))
        .map(|(_, r)| r)
        .collect();

    let mut rows = leaf_rows(&seg);
    if kind == Kind::Upper {
        lift_headers(&mut rows, lines);
    }
    let labels = label_blocks(&seg);
    // Dense rows: the labels of rows on consecutive lines are apart.
    let row_span: Vec<(u32, u32)> = rows.iter().map(|r| (r.top, r.bottom)).collect();
    let labels = cut_labels(labels, &row_span, &seg.limit);
    if kind != Kind::Upper && seg.leaf > 0 {
        rows.extend(empty_groups(&seg, &labels, &rows));
        rows.sort_by_key(|r| r.top);
    }
    // The labels are placed once for all the pages of a block (`place_block`), since a merged
    // label is centred on its whole merge across the break.
    let unplaced = if rows.is_empty() {
        rows = label_rows(&seg, &labels);
        Vec::new()
    } else {
        labels
    };
    let (lead, head, sub) = header_rows(&seg, &col_lines, header, sub);
    // Continued segments are placed right-aligned under the block's header columns.
    // (The shift makes the segment as wide as the block.)
    let shift = match (kind, block_width) {
        (Kind::Continued, Some(w)) if w > ncols => w - ncols,
        _ => 0,
    };
    let mut out = SegOut {
        rows,
        labels: unplaced,
        head: None,
        sub: None,
        width: ncols,
        leaves: ncols - seg.leaf.min(ncols),
        places: column_places(&seg),
    };
    out.shift_right(shift);
    out.shift_right(lead);
    out.head = head;
    out.sub = sub;
    out
}

/// Each column's left-edge extent and the lines it has a text on.
fn column_places(seg: &Seg) -> ColumnPlaces {
    let mut lines: Vec<Vec<u32>> = vec![Vec::new(); seg.cols.len()];
    for l in seg.lines {
        for r in &l.runs {
            if let Some(on) = lines.get_mut(seg.col(r))
                && on.last() != Some(&l.no)
            {
                on.push(l.no);
            }
        }
    }
    ColumnPlaces {
        x: seg.cols.clone(),
        lines,
    }
}

/// Label blocks in the columns left of the leaf columns: a label column's runs on the next
/// line (or past one line, when the piece above filled its column) join one label.
fn label_blocks(seg: &Seg) -> Vec<Label> {
    let lines = seg.lines;
    let mut labels: Vec<Label> = Vec::new();
    let mut open: BTreeMap<usize, (usize, usize)> = BTreeMap::new(); // col → (label idx, line idx)
    for (i, l) in lines.iter().enumerate() {
        for r in &l.runs {
            let c = seg.col(r);
            if seg.is_leaf(r) {
                continue;
            }
            let joins = open.get(&c).is_some_and(|&(li, pi)| {
                let gap = i - pi;
                let no_blank = (pi + 1..i).all(|k| !seg.is_blank(k));
                let ends_there = labels.get(li).is_some_and(|lb| lb.last == lines[pi].no);
                let full = lines[pi]
                    .runs
                    .iter()
                    .filter(|x| seg.col(x) == c)
                    .any(|x| x.width() + 1 >= seg.max_w[c.min(seg.ncols - 1)]);
                // Past one line (a row's line between a label's two lines): when the piece
                // above filled its column, or this one only continues a text (`(40-50)分`
                // under `产出指标`, around the row they label).
                // Above the blocks, also a field label wrapped around its value's line (`年度` /
                // the value / `目标`): the two pieces make a label the lexicon knows.
                let wrapped_label = seg.kind == Kind::Upper
                    && labels.get(li).is_some_and(|lb| {
                        let mut t = lb.text.clone();
                        join_wrapped(&mut t, &r.text);
                        vocab::field_label(&t).is_some() || vocab::is_funds_block_label(&t)
                    });
                // Two labels the lexicon knows are two fields (主管部门及代码 / its value's
                // second line / 项目来源), however wide the first.
                let two_fields = seg.kind == Kind::Upper
                    && vocab::field_label(&r.text).is_some()
                    && labels
                        .get(li)
                        .is_some_and(|lb| vocab::field_label(&lb.text).is_some());
                gap == 1
                    || (gap == 2
                        && no_blank
                        && ends_there
                        && !two_fields
                        && (full || continues(&r.text) || wrapped_label))
            });
            let idx = match open.get(&c) {
                Some(&(li, _)) if joins => {
                    if let Some(lb) = labels.get_mut(li) {
                        join_wrapped(&mut lb.text, &r.text);
                        lb.last = l.no;
                        lb.pieces.push(piece(l.no, r));
                    }
                    li
                }
                _ => {
                    labels.push(Label {
                        col: c,
                        text: r.text.clone(),
                        first: l.no,
                        last: l.no,
                        line: l.no,
                        pieces: vec![piece(l.no, r)],
                    });
                    labels.len() - 1
                }
            };
            open.insert(c, (idx, i));
        }
    }
    labels
}

/// Empty groups: a label alone on its line between blank lines, in the label column next to
/// the leaves, with leaf rows below it and no row of its own, is a row of its own (an empty
/// 二级 group).
fn empty_groups(seg: &Seg, labels: &[Label], rows: &[SegRow]) -> Vec<SegRow> {
    let lines = seg.lines;
    let finest = labels.iter().map(|l| l.col).max();
    let last_row_top = rows.iter().map(|r| r.top).max().unwrap_or(0);
    let first_no = lines.first().map(|l| l.no).unwrap_or(0);
    let mut empty: Vec<SegRow> = Vec::new();
    for lb in labels {
        if Some(lb.col) != finest || lb.first != lb.last || lb.first > last_row_top {
            continue;
        }
        let idx = (lb.first - first_no) as usize;
        let alone = lines.get(idx).is_some_and(|l| l.runs.len() == 1);
        let above_blank = idx == 0 || seg.is_blank(idx - 1);
        let on_a_row = rows
            .get(nearest_row(rows, lb))
            .is_some_and(|r| r.top <= lb.first && lb.first <= r.bottom);
        if alone && above_blank && seg.is_blank(idx + 1) && !on_a_row {
            empty.push(SegRow {
                top: lb.first,
                bottom: lb.first,
                page: lines.get(idx).map(|l| l.page).unwrap_or(1),
                cells: BTreeMap::new(),
                empty_for: Some(lb.first),
            });
        }
    }
    empty
}

/// No leaf rows (a segment of labels only): one row per label block.
fn label_rows(seg: &Seg, labels: &[Label]) -> Vec<SegRow> {
    let page = seg.lines.first().map(|l| l.page).unwrap_or(1);
    let mut rows: Vec<SegRow> = labels
        .iter()
        .map(|lb| {
            let mut row = SegRow {
                top: lb.first,
                bottom: lb.last,
                page,
                cells: BTreeMap::new(),
                empty_for: None,
            };
            put(&mut row.cells, lb.col, &lb.text, lb.first);
            row
        })
        .collect();
    rows.sort_by_key(|r| r.top);
    rows
}

/// The header rows, each header run to the column whose extent holds its centre, and how
/// many empty columns they put left of the page's columns. A header with more texts than the
/// page has columns, whose first texts stand left of every column, heads columns that have no
/// text on this page (a 一级 label drawn on the next page, at the centre of its merge): each
/// such text gets an empty column of its own, and the page's columns move right.
fn header_rows(
    seg: &Seg,
    col_lines: &[&Line],
    header: Option<&Line>,
    sub: Option<&Line>,
) -> (usize, Option<SegRow>, Option<SegRow>) {
    let mut lead = 0usize;
    let mut extent: Vec<(usize, usize)> = seg.cols.iter().map(|c| (c.0, c.1 + 1)).collect();
    for r in col_lines.iter().flat_map(|l| l.runs.iter()) {
        if let Some(e) = extent.get_mut(seg.col(r)) {
            e.1 = e.1.max(r.x1);
        }
    }
    let head = header.map(|h| {
        let first = extent.first().map_or(0.0, |e| e.0 as f64);
        if h.runs.len() > seg.ncols {
            lead = h.runs.iter().take_while(|r| r.center() < first).count();
        }
        header_row(h, &extent, &seg.cols, lead, lead)
    });
    let sub = sub.map(|s| header_row(s, &extent, &seg.cols, lead, 0));
    (lead, head, sub)
}

/// A header line's row: each text to the column whose extent holds its centre (the first
/// `lead_runs` texts to the empty columns `lead` put left of the page's columns). Two texts
/// never share a column: the later one moves right.
pub(super) fn header_row(
    h: &Line,
    extent: &[(usize, usize)],
    cols: &[(usize, usize)],
    lead: usize,
    lead_runs: usize,
) -> SegRow {
    let mut row = SegRow {
        top: h.no,
        bottom: h.no,
        page: h.page,
        cells: BTreeMap::new(),
        empty_for: None,
    };
    let mut used = 0usize;
    for (k, r) in h.runs.iter().enumerate() {
        let mid = r.center();
        let mut c = if k < lead_runs {
            k
        } else {
            lead + extent
                .iter()
                .position(|e| (e.0 as f64) <= mid && mid <= e.1 as f64)
                .unwrap_or_else(|| column_of(cols, r.x0))
        };
        if row.cells.contains_key(&c) || (c < used && !row.cells.is_empty()) {
            c = used;
        }
        used = c + 1;
        put(&mut row.cells, c, &r.text, h.no);
    }
    row
}

pub(super) fn piece(line: u32, r: &Run) -> Piece {
    Piece {
        line,
        text: r.text.clone(),
        x1: r.x1,
    }
}

/// Cut each label whose pieces are centred on several rows of their own (`chains`) into one
/// label per row. `limit` is each column's right limit.
pub(super) fn cut_labels(labels: Vec<Label>, rows: &[(u32, u32)], limit: &[usize]) -> Vec<Label> {
    let mut out = Vec::with_capacity(labels.len());
    for lb in labels {
        let edge = limit.get(lb.col).copied().unwrap_or(usize::MAX);
        let Some(starts) = cut_chain(&lb.pieces, rows, edge) else {
            out.push(lb);
            continue;
        };
        let mut ends: Vec<usize> = starts.iter().skip(1).copied().collect();
        ends.push(lb.pieces.len());
        for (&s, e) in starts.iter().zip(ends) {
            let group = lb.pieces.get(s..e).unwrap_or_default();
            let (Some(first), Some(last)) = (group.first(), group.last()) else {
                continue;
            };
            let mut text = String::new();
            for p in group {
                join_wrapped(&mut text, &p.text);
            }
            out.push(Label {
                col: lb.col,
                text,
                first: first.line,
                last: last.line,
                line: first.line,
                pieces: group.to_vec(),
            });
        }
    }
    out
}

/// A segment's rows, its header row, and (in an indicator block) its labels still to place.
pub(super) struct SegOut {
    pub(super) rows: Vec<SegRow>,
    pub(super) labels: Vec<Label>,
    pub(super) head: Option<SegRow>,
    /// The second header row of a two-row header (sub-headers under a spanning header).
    pub(super) sub: Option<SegRow>,
    pub(super) width: usize,
    pub(super) leaves: usize,
    /// Where its columns lie on its page (to align a later page's columns with them).
    pub(super) places: ColumnPlaces,
}

impl SegOut {
    /// Move every cell and label `by` columns right.
    pub(super) fn shift_right(&mut self, by: usize) {
        for r in self
            .rows
            .iter_mut()
            .chain(self.head.iter_mut())
            .chain(self.sub.iter_mut())
        {
            r.cells = std::mem::take(&mut r.cells)
                .into_iter()
                .map(|(c, v)| (c + by, v))
                .collect();
        }
        for lb in &mut self.labels {
            lb.col += by;
        }
        self.width += by;
    }
}

#[cfg(test)]
mod tests {
    use super::super::stream::read;

    /// corpus-real 08's indicator block: `产出指标` above its row, `(40-50)分` below it.
    const SCORED: &str = r#"              一级指标         二级指标              三级指标           指标值      分值             指标解释
                          经济成本指标               0            0.00%     0    反映实施相关项目所产生的直接经济成本
                                                                           反映实施相关项目对社会发展、公共福利等方面可
年度绩效目标(90   成本指标(0-20)分   社会成本指标               0            0.00%    0
                                                                           能造成的负面影响
   分)                                                                      反映实施相关项目对自然生态环境可能造成的负面
                          生态环境成本指标             0            0.00%    0
                                                                           影响
               产出指标
                           数量指标      12350安全生产举报奖励次数        ≥5次      10               0
              (40-50)分
"#;

    #[test]
    fn a_label_wrapped_around_its_row_is_one_label() {
        let g = &read(SCORED)[0];
        let rows: Vec<Vec<&str>> = g
            .rows
            .iter()
            .map(|r| (0..r.cells.len()).map(|c| r.text(c)).collect())
            .collect();
        let last = rows.last().expect("rows");
        assert!(last.contains(&"产出指标(40-50)分"), "{rows:?}");
        assert!(last.contains(&"12350安全生产举报奖励次数"), "{rows:?}");
        let eco = rows
            .iter()
            .find(|r| r.contains(&"生态环境成本指标"))
            .expect("row");
        assert!(!eco.iter().any(|t| t.contains("产出")), "{rows:?}");
    }
}
