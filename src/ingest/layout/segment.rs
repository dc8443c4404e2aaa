//! Rows and labels of one segment of `pdftotext -layout` text (a page, or an indicator block
//! on a page): the leaf columns open rows, wrapped pieces join their cells, label columns'
//! pieces become labels (cut apart where dense rows put them on consecutive lines), and the
//! header rows take their columns. Split out of `stream.rs`, the alignment engine.

use super::chains::{Piece, continues, cut_chain};
use super::columns::{clusters, column_of, merge_centred, merge_disjoint, merge_lone};
use super::place::nearest_row;
use super::runs::Run;
use super::stream::{Line, value_like};
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

/// Join wrapped pieces of one cell: CJK text wraps anywhere and is joined directly; Latin
/// words and numbers get a space back.
pub fn join_wrapped(a: &mut String, b: &str) {
    let last = a.chars().last();
    let first = b.chars().next();
    if let (Some(x), Some(y)) = (last, first)
        && x.is_ascii_alphanumeric()
        && y.is_ascii_alphanumeric()
    {
        a.push(' ');
    }
    a.push_str(b);
}

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

/// Build the rows of one segment. `lines` are the segment's lines (blank ones included),
/// `header` its header line if any, `width` the column count of the running indicator block
/// (to place a continued segment's columns right-aligned under it).
pub(super) fn segment_rows(
    lines: &[&Line],
    header: Option<&Line>,
    sub: Option<&Line>,
    kind: Kind,
    block_width: Option<usize>,
    leaves: Option<usize>,
) -> SegOut {
    // A sub-header row heads columns of its own, even ones left empty below it.
    let col_lines: Vec<&Line> = lines.iter().copied().chain(sub).collect();
    let mut xs: Vec<usize> = col_lines
        .iter()
        .flat_map(|l| l.runs.iter().map(|r| r.x0))
        .collect();
    let cols = merge_centred(
        clusters(&mut xs),
        col_lines.iter().flat_map(|l| l.runs.iter()),
    );
    let cols = merge_disjoint(cols, &col_lines, kind != Kind::Upper);
    let cols = if kind == Kind::Upper {
        merge_lone(cols, lines)
    } else {
        cols
    };
    let ncols = cols.len().max(1);
    // Continued segments are placed right-aligned under the block's header columns.
    let shift = match (kind, block_width) {
        (Kind::Continued, Some(w)) if w > ncols => w - ncols,
        _ => 0,
    };
    // Above the indicator blocks, a text starting left of a left-aligned text column's edge
    // (every other run of the column starts on that edge) is not in that column: it is
    // centred over a merge further left (b01 金额合计 over 年度主要任务 … 主要内容).
    let mut edges: Vec<BTreeMap<usize, usize>> = vec![BTreeMap::new(); cols.len()];
    if kind == Kind::Upper {
        for r in lines.iter().flat_map(|l| l.runs.iter()) {
            if let Some(m) = edges.get_mut(column_of(&cols, r.x0)) {
                *m.entry(r.x0).or_default() += 1;
            }
        }
    }
    let col = |r: &Run| {
        let c = column_of(&cols, r.x0);
        // the column's edge: the left edge most of its runs share; nothing else lies left of it
        let outlier = edges.get(c).is_some_and(|m| {
            let edge = m.iter().max_by_key(|&(_, &k)| k);
            m.get(&r.x0) == Some(&1)
                && edge.is_some_and(|(&x, &k)| {
                    k >= 3 && r.x0 + 2 <= x && m.range(r.x0 + 1..x).next().is_none()
                })
        });
        if outlier { c.saturating_sub(1) } else { c }
    };

    // Per column: widest run (to tell wrapped text), and blocks (runs on adjacent lines).
    let mut max_w = vec![0usize; ncols];
    let mut max_x1 = vec![0usize; ncols];
    let mut blocks = vec![0usize; ncols];
    let mut last_line: Vec<Option<u32>> = vec![None; ncols];
    // Dense rows (no blank line between rows) make one block of a whole column: there each
    // line is an entry of its own, unless it goes on with a piece the line above wrapped.
    let mut entries = vec![0usize; ncols];
    let mut wrapped: Vec<Option<u32>> = vec![None; ncols];
    // The last column has no neighbour to wrap at: its widest text is its edge.
    let last_x1 = lines
        .iter()
        .flat_map(|l| l.runs.iter())
        .filter(|r| col(r) + 1 >= ncols)
        .map(|r| r.x1)
        .max()
        .unwrap_or(usize::MAX);
    for l in lines {
        for r in &l.runs {
            let c = col(r).min(ncols - 1);
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
            let edge = cols.get(c + 1).map_or(last_x1, |n| n.0);
            wrapped[c] = (r.x1 + 2 >= edge).then_some(l.no + 1);
            last_line[c] = Some(l.no);
        }
    }
    for (b, e) in blocks.iter_mut().zip(&entries) {
        *b = (*b).max(*e);
    }
    let most = blocks.iter().copied().max().unwrap_or(0);
    // The leaf columns start at the leftmost column with nearly as many entries as the most.
    // Leaf columns have an entry on nearly every row: they are filled on most lines that fill
    // the rightmost column, and have nearly as many separate entries as the busiest column.
    // Label columns fail one of the two (a 二级 label sits on few value lines; a 重点工作
    // paragraph spans many lines but is one entry).
    // A line holding nothing but a piece of the rightmost column is a wrapped piece of it (a
    // unit `万立方` / `米` around its value's line), not a row: it says nothing of the others.
    // Only lines with text at or right of a column say whether it is filled on every row: a
    // line holding a piece of a label wrapped far to the left (`分)`) says nothing of it.
    let share = |c: usize| {
        let right_lines: Vec<&&Line> = lines
            .iter()
            .filter(|l| {
                l.runs.iter().any(|r| col(r) + 1 == ncols)
                    && l.runs.iter().any(|r| col(r) + 1 != ncols && col(r) >= c)
            })
            .collect();
        if right_lines.is_empty() {
            return 1.0;
        }
        let n = right_lines
            .iter()
            .filter(|l| l.runs.iter().any(|r| col(r) == c))
            .count();
        n as f64 / right_lines.len() as f64
    };
    let counted = blocks
        .iter()
        .enumerate()
        .position(|(c, &b)| b * 10 >= most * 6 && b > 0 && (kind == Kind::Upper || share(c) >= 0.7))
        .unwrap_or(ncols - 1);
    // A continued block keeps its header's number of leaf columns: a page with few rows
    // counts too little to tell labels from leaves.
    // Above the indicator blocks the first column holds the fields' and blocks' labels
    // (项目名称, 项目资金（万元）), however many there are: a block label is drawn at the centre
    // of its merge, so it must be placed as a label, never start a row.
    let leaf = match (kind, leaves) {
        (Kind::Continued, Some(k)) if k <= ncols => ncols - k,
        (Kind::Upper, _) if ncols >= 2 => counted.max(1),
        _ => counted,
    };

    // Above the indicator blocks a text in a label column that runs on over the columns to its
    // right is a field's text (a paragraph under a merged cell), not a label.
    let crossing = |r: &Run| {
        let c = col(r);
        c < leaf && kind == Kind::Upper && cols.get(c + 2).is_some_and(|n| r.x1 > n.0 + 2)
    };
    let is_leaf = |r: &Run| col(r) >= leaf || crossing(r);
    // Such a text indented from its column's labels (the field's label sits at the column's
    // left edge) is the cell right of that label.
    let cell_col = |r: &Run| {
        let c = col(r);
        if crossing(r) && cols.get(c).is_some_and(|k| r.x0 > k.0 + 4) {
            c + 1
        } else {
            c
        }
    };

    // Rows from leaf lines.
    let is_blank = |i: usize| lines.get(i).is_none_or(|l| l.runs.is_empty());
    // A wrapped piece fills its cell up to the next column (or the column's widest text):
    // only then can the line below continue it.
    let mut limit: Vec<usize> = cols.iter().skip(1).map(|c| c.0).collect();
    limit.push(max_x1.get(ncols - 1).copied().unwrap_or(0));
    let mut rows: Vec<SegRow> = Vec::new();
    // the last row's column → (x1, width, a plain number) of its last piece
    let mut ends: BTreeMap<usize, (usize, usize, bool)> = BTreeMap::new();
    let mut prev_leaf_line: Option<usize> = None;
    // the column of the lone piece the current row was opened by (a centred cell's first line)
    let mut opened_by: Option<usize> = None;
    // the column of the current row's paragraph (a field text that wrapped)
    let mut para: Option<usize> = None;
    for (i, l) in lines.iter().enumerate() {
        let leaf_runs: Vec<&Run> = l.runs.iter().filter(|r| is_leaf(r)).collect();
        if leaf_runs.is_empty() {
            continue;
        }
        // The line continues the row above when it is the next line and each of its pieces
        // either fills a cell the row left empty (a value beside a wrapped 三级) or continues
        // a piece that was cut at its cell's edge. A short text or a number never wraps.
        // Above the blocks, a line holding a known field label in a label column is that
        // field's row: it never fills the empty cells of the row above (`项目责任人:` over
        // `项目名称  2025…赛事`).
        // (Not inside a paragraph: a label drawn beside a long text's second line belongs to
        // that text.)
        let opens_field = kind == Kind::Upper
            && para.is_none()
            && l.runs
                .iter()
                .any(|r| !is_leaf(r) && vocab::field_label(&r.text).is_some());
        let joins = !opens_field
            && match (prev_leaf_line, rows.last()) {
                (Some(p), Some(_)) if p + 1 == i => leaf_runs.iter().all(|r| {
                    let c = cell_col(r);
                    ends.get(&c).is_none_or(|&(x1, w, number)| {
                        // Above the blocks, a wrapped text's next line keeps its left edge (or its
                        // centre, if centred): a header spanning the columns below it (预算金额（万元）
                        // over 总额 · 财政拨款 · 其他资金) is not continued by them.
                        let x0 = x1.saturating_sub(w);
                        let aligned =
                            r.x0.abs_diff(x0) <= 1 || (r.x0 + r.x1).abs_diff(x0 + x1) <= 3;
                        if kind == Kind::Upper && !aligned {
                            return false;
                        }
                        let at_edge = x1 + 2 >= limit.get(c).copied().unwrap_or(usize::MAX);
                        // Above the blocks a column of short names (财政拨款, 其他资金) is all
                        // "widest": there only longer text counts as wrapped by width.
                        let min_w = if kind == Kind::Upper { 6 } else { 4 };
                        let widest = w + 1 >= max_w.get(c).copied().unwrap_or(0) * 85 / 100;
                        !number && w >= 4 && (at_edge || (widest && w >= min_w))
                    })
                }),
                _ => false,
            };
        // Above the indicator blocks a field's text is a paragraph: once its row has wrapped
        // a long piece, the next lines of that column (even after a short line ending an item,
        // or past a line holding only the field's label) are the same cell, until a blank line.
        let para_joins = !joins
            && kind == Kind::Upper
            && prev_leaf_line.is_some_and(|p| p < i && (p + 1..i).all(|k| !is_blank(k)))
            && para.is_some_and(|c| leaf_runs.iter().all(|r| cell_col(r) == c));
        // A cell centred on its row and wrapped starts above the row's other cells and ends
        // below them (`万立方` / row / `米`): the lone piece right under such a row, in the
        // column whose lone piece opened it, ends that cell, however short it is.
        let lone_col = {
            let mut cs = leaf_runs.iter().map(|r| cell_col(r));
            let first = cs.next();
            first.filter(|&c| l.runs.len() == leaf_runs.len() && cs.all(|x| x == c))
        };
        // The first piece of a cell centred on the next line's row (`反映…可` / row with that
        // cell empty / `能造成的负面影响`) opens that row: it never continues the row above,
        // however wide it is.
        let opens_centred = kind != Kind::Upper
            && lone_col.is_some_and(|c| {
                let in_c = |k: usize| -> Option<bool> {
                    let runs: Vec<&Run> =
                        lines.get(k)?.runs.iter().filter(|r| is_leaf(r)).collect();
                    (!runs.is_empty()).then(|| runs.iter().any(|r| cell_col(r) == c))
                };
                let lone_in_c = |k: usize| {
                    lines.get(k).is_some_and(|l| {
                        l.runs.len() == 1 && l.runs.iter().all(|r| is_leaf(r) && cell_col(r) == c)
                    })
                };
                in_c(i + 1) == Some(false) && lone_in_c(i + 2)
            });
        let joins = joins && !opens_centred;
        let para_joins = para_joins && !opens_centred;
        let closes = !joins
            && !para_joins
            && kind != Kind::Upper
            && lone_col.is_some()
            && opened_by == lone_col
            && prev_leaf_line.is_some_and(|p| p + 1 == i)
            && rows.last().is_some_and(|r| r.bottom > r.top);
        let joins = joins || para_joins || closes;
        if closes {
            opened_by = None;
        }
        if !joins {
            ends.clear();
            para = None;
            opened_by = lone_col;
        }
        if kind == Kind::Upper {
            for r in &leaf_runs {
                let c = cell_col(r);
                let at_edge = r.x1 + 2 >= limit.get(c).copied().unwrap_or(usize::MAX);
                let widest = r.width() + 1 >= max_w.get(c).copied().unwrap_or(0) * 85 / 100;
                if para.is_none() && r.width() >= 10 && (at_edge || widest) {
                    para = Some(c);
                }
            }
        }
        for r in &leaf_runs {
            // A number, or a short value (`25人次`, `100%`), never wraps: a line of dense rows
            // under it starts the next row.
            let number = r
                .text
                .chars()
                .all(|ch| ch.is_ascii_digit() || matches!(ch, ',' | '.' | '-'))
                || (value_like(&r.text) && r.text.chars().count() <= 6);
            ends.insert(cell_col(r), (r.x1, r.width(), number));
        }
        if !joins {
            rows.push(SegRow {
                top: l.no,
                bottom: l.no,
                page: l.page,
                ..Default::default()
            });
        }
        if let Some(row) = rows.last_mut() {
            row.bottom = l.no;
            for r in &leaf_runs {
                // A paragraph line after a short one starts a new line of the cell's text.
                if para_joins && let Some((t, _)) = row.cells.get_mut(&cell_col(r)) {
                    t.push('\n');
                }
                put(&mut row.cells, cell_col(r), &r.text, l.no);
            }
        }
        prev_leaf_line = Some(i);
    }

    // Label blocks in the columns left of the leaf columns.
    let mut labels: Vec<Label> = Vec::new();
    let mut open: BTreeMap<usize, (usize, usize)> = BTreeMap::new(); // col → (label idx, line idx)
    for (i, l) in lines.iter().enumerate() {
        for r in &l.runs {
            let c = col(r);
            if is_leaf(r) {
                continue;
            }
            let joined = match open.get(&c) {
                Some(&(li, pi)) => {
                    let gap = i - pi;
                    let no_blank = (pi + 1..i).all(|k| !is_blank(k));
                    let prev_full = labels.get(li).is_some_and(|lb| lb.last == lines[pi].no)
                        && lines[pi]
                            .runs
                            .iter()
                            .filter(|x| col(x) == c)
                            .any(|x| x.width() + 1 >= max_w[c.min(ncols - 1)]);
                    if gap == 1 || (gap == 2 && no_blank && prev_full) {
                        if let Some(lb) = labels.get_mut(li) {
                            join_wrapped(&mut lb.text, &r.text);
                            lb.last = l.no;
                            lb.pieces.push(piece(l.no, r));
                        }
                        true
                    } else {
                        false
                    }
                }
                None => false,
            };
            if !joined {
                labels.push(Label {
                    col: c,
                    text: r.text.clone(),
                    first: l.no,
                    last: l.no,
                    line: l.no,
                    pieces: vec![piece(l.no, r)],
                });
            }
            if let Some(idx) = if joined {
                open.get(&c).map(|x| x.0)
            } else {
                Some(labels.len() - 1)
            } {
                open.insert(c, (idx, i));
            }
        }
    }

    // Dense rows: the labels of rows on consecutive lines are apart.
    let row_span: Vec<(u32, u32)> = rows.iter().map(|r| (r.top, r.bottom)).collect();
    let labels = cut_labels(labels, &row_span, &limit);

    // Empty groups: a label alone on its line between blank lines, in the label column next to
    // the leaves, with leaf rows below it, is a row of its own (an empty 二级 group).
    if kind != Kind::Upper && leaf > 0 {
        let finest = labels.iter().map(|l| l.col).max();
        let last_row_top = rows.iter().map(|r| r.top).max().unwrap_or(0);
        let first_no = lines.first().map(|l| l.no).unwrap_or(0);
        let mut empty: Vec<SegRow> = Vec::new();
        for lb in &labels {
            if Some(lb.col) != finest || lb.first != lb.last || lb.first > last_row_top {
                continue;
            }
            let idx = (lb.first - first_no) as usize;
            let alone = lines.get(idx).is_some_and(|l| l.runs.len() == 1);
            let above_blank = idx == 0 || is_blank(idx - 1);
            if alone
                && above_blank
                && is_blank(idx + 1)
                && !rows
                    .get(nearest_row(&rows, lb))
                    .is_some_and(|r| r.top <= lb.first && lb.first <= r.bottom)
            {
                empty.push(SegRow {
                    top: lb.first,
                    bottom: lb.first,
                    page: lines.get(idx).map(|l| l.page).unwrap_or(1),
                    cells: BTreeMap::new(),
                    empty_for: Some(lb.first),
                });
            }
        }
        rows.extend(empty);
        rows.sort_by_key(|r| r.top);
    }

    // The labels are placed once for all the pages of a block (`place_block`), since a merged
    // label is centred on its whole merge across the break.
    let mut unplaced: Vec<Label> = Vec::new();
    if !rows.is_empty() {
        unplaced = labels;
    } else {
        // No leaf rows (a segment of labels only): one row per label block.
        for lb in &labels {
            let mut row = SegRow {
                top: lb.first,
                bottom: lb.last,
                page: lines.first().map(|l| l.page).unwrap_or(1),
                cells: BTreeMap::new(),
                empty_for: None,
            };
            put(&mut row.cells, lb.col, &lb.text, lb.first);
            rows.push(row);
        }
        rows.sort_by_key(|r| r.top);
    }

    // The header row: each header run to the column whose extent holds its centre.
    let mut lead = 0usize;
    let mut extent: Vec<(usize, usize)> = cols.iter().map(|c| (c.0, c.1 + 1)).collect();
    for r in col_lines.iter().flat_map(|l| l.runs.iter()) {
        if let Some(e) = extent.get_mut(col(r)) {
            e.1 = e.1.max(r.x1);
        }
    }
    let head = header.map(|h| {
        // A header with more texts than the page has columns, whose first texts stand left of
        // every column, heads columns that have no text on this page (a 一级 label drawn on the
        // next page, at the centre of its merge): each such text gets an empty column of its
        // own, and the page's columns move right.
        let first = extent.first().map_or(0.0, |e| e.0 as f64);
        if h.runs.len() > ncols {
            lead = h.runs.iter().take_while(|r| r.center() < first).count();
        }
        header_row(h, &extent, &cols, lead, lead)
    });
    let sub = sub.map(|s| header_row(s, &extent, &cols, lead, 0));

    let width = if shift > 0 {
        block_width.unwrap_or(ncols)
    } else {
        ncols
    };
    let rows = rows
        .into_iter()
        .map(|mut r| {
            if shift > 0 {
                r.cells = r.cells.into_iter().map(|(c, v)| (c + shift, v)).collect();
            }
            r
        })
        .collect();
    for lb in unplaced.iter_mut() {
        lb.col += shift;
    }
    let mut out = SegOut {
        rows,
        labels: unplaced,
        head: None,
        sub: None,
        width,
        leaves: ncols - leaf.min(ncols),
    };
    out.shift_right(lead);
    out.head = head;
    out.sub = sub;
    out
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
