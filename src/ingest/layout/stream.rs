//! Stream mode for `pdftotext -layout` text: lines of runs → columns → rows → a grid.
//!
//! The text has no ruling lines, so the table is rebuilt from alignment, as Camelot's and
//! tabula's stream modes do, plus what those lack for these forms: wrapped cells and merged
//! labels. The stages:
//! 1. lines → runs (`runs`), pages counted by form feeds, page footers dropped;
//! 2. the lines are cut into *segments*: a page, and within a page at each indicator header row
//!    (a row naming two or more `…指标` columns), since pdftotext places every page on its own
//!    character grid and each block of a form has its own columns;
//! 3. per segment, columns are clusters of the runs' left edges; the header's runs (centred over
//!    their columns) are mapped onto them;
//! 4. *leaf* columns (the ones with a new entry on nearly every row: 三级 and the values, the
//!    amounts) define the rows: a line with leaf text starts a row, unless it continues text that
//!    wrapped on the line above;
//! 5. the other columns hold labels. A merged label is drawn once, near the vertical centre of
//!    its merge, but the normalizer fills labels *down*: so in indicator segments each label
//!    column's rows are tiled into groups whose centres best match the labels' lines (a small
//!    dynamic programme), and each label is put in the first row of its group. Elsewhere (fields
//!    and funds) a label goes to the first row of the run of rows centred on it, nested in the
//!    groups of the labels left of it. Both are done once for all the pages of a block, on
//!    *virtual* lines (each page's first row following the previous page's last row), since
//!    LibreOffice centres a merged label on its whole merge as if the table did not break.

use super::chains::{Piece, continues, cut_chain};
use super::runs::{Run, split_runs};
pub use super::wrap::{join_wrapped_headers, two_row_headers};
use crate::ingest::grid::{Cell, Grid, Row, SourcePos};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// A line of the text with its runs (none for a blank or dropped line).
#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based line number in the file.
    pub no: u32,
    /// 1-based page (form feeds + 1).
    pub page: u32,
    pub runs: Vec<Run>,
}

static FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(第\s*[0-9０-９]+\s*页\s*[，,]?\s*(共\s*[0-9０-９]+\s*页)?|共\s*[0-9０-９]+\s*页\s*[，,]?\s*第\s*[0-9０-９]+\s*页|[-－—]\s*[0-9０-９]{1,4}\s*[-－—]|[0-9０-９]+\s*/\s*[0-9０-９]+|Page\s+[0-9０-９]+(\s+of\s+[0-9０-９]+)?)$",
    )
    .expect("footer pattern")
});

/// A page footer or page number standing alone on its line.
pub fn is_footer(runs: &[Run]) -> bool {
    let t: String = runs
        .iter()
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    runs.len() <= 3 && FOOTER.is_match(t.trim())
}

const MAX_LINE_BYTES: usize = 1 << 16;
const MAX_RUNS: usize = 64;

/// Split text into lines with runs; footers are blanked.
pub fn lines_of(text: &str) -> Vec<Line> {
    let mut page = 1u32;
    let mut out = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let mut s = raw.strip_suffix('\r').unwrap_or(raw);
        // pdftotext puts the form feed at the start of the next page's first line.
        while let Some(rest) = s.strip_prefix('\u{c}') {
            page = page.saturating_add(1);
            s = rest;
        }
        let ff_inside = s.matches('\u{c}').count() as u32;
        // A table line is never this long or this fragmented: such lines are left out, which
        // also keeps the per-line work below linear.
        let mut runs = if s.len() > MAX_LINE_BYTES {
            Vec::new()
        } else {
            split_runs(s)
        };
        runs.truncate(MAX_RUNS);
        if is_footer(&runs) {
            runs.clear();
        }
        out.push(Line {
            no: u32::try_from(i + 1).unwrap_or(u32::MAX),
            page,
            runs,
        });
        page = page.saturating_add(ff_inside);
    }
    // A trailing form feed opens an empty page: nothing to keep.
    out
}

/// A header row of an indicator block: at least three runs, two of them naming `…指标`
/// columns (一级指标, 二级指标, 三级指标, 指标值, 指标性质), one of them a column name proper
/// (opening with 指标, or a level name `…级指标`), and no target value. A data row of dense
/// rows holds level names too (`效益指标  社会效益指标  效果良好`), but never a column name.
pub fn is_header(l: &Line) -> bool {
    l.runs.len() >= 3
        && l.runs.iter().filter(|r| r.text.contains("指标")).count() >= 2
        && l.runs
            .iter()
            .any(|r| r.text.starts_with("指标") || r.text.contains("级指标"))
        && !l.runs.iter().any(|r| value_like(&r.text))
}

/// A target value or a number: opens with a sign or a digit, or ends with a percent sign.
pub fn value_like(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || super::runs::is_op(c))
        || t.ends_with('%')
        || t.ends_with('％')
}

/// Column clusters of left edges: `(first x0, last x0)` per column, left to right. A new
/// column starts at a jump of more than 2 characters, and a column is at most 6 characters
/// wide in left edges (centred labels of different lengths move their left edge a little).
pub fn clusters(xs: &mut Vec<usize>) -> Vec<(usize, usize)> {
    xs.sort_unstable();
    xs.dedup();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &x in xs.iter() {
        match out.last_mut() {
            Some((first, last)) if x <= *last + 2 && x <= *first + 6 => *last = x,
            _ => out.push((x, x)),
        }
    }
    out
}

/// Merge neighbouring clusters whose runs share their centres: a centred column (a value, a
/// label) moves its left edge with its text's length, so one column can give several clusters
/// of left edges.
pub fn merge_centred<'a>(
    cols: Vec<(usize, usize)>,
    runs: impl Iterator<Item = &'a Run>,
) -> Vec<(usize, usize)> {
    let mut centre: Vec<(f64, f64)> = vec![(f64::MAX, f64::MIN); cols.len()];
    for r in runs {
        if let Some(c) = centre.get_mut(column_of(&cols, r.x0)) {
            c.0 = c.0.min(r.center());
            c.1 = c.1.max(r.center());
        }
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut out_c: Vec<(f64, f64)> = Vec::new();
    for (col, c) in cols.into_iter().zip(centre) {
        if let (Some(last), Some(lc)) = (out.last_mut(), out_c.last_mut())
            && col.0 <= last.1 + 8
            && c.0 <= lc.1 + 1.0
            && lc.0 <= c.1 + 1.0
        {
            last.1 = col.1;
            lc.0 = lc.0.min(c.0);
            lc.1 = lc.1.max(c.1);
            continue;
        }
        out.push(col);
        out_c.push(c);
    }
    out
}

/// Merge neighbouring clusters that are one column pdftotext placed unevenly: their runs
/// overlap horizontally (the right one starts before the left one's text ends, and ends no
/// earlier) but never share a line. A right-aligned number column (`81.8` under `1246.8`) and
/// a left-aligned column pushed right on one line by a long neighbour give such clusters; two
/// real columns always share some line, and a wide paragraph cluster ends after its neighbour.
pub fn merge_disjoint(cols: Vec<(usize, usize)>, lines: &[&Line]) -> Vec<(usize, usize)> {
    let n = cols.len();
    // per cluster: (min x0, max x1), and the lines it has runs on
    let mut ext = vec![(usize::MAX, 0usize); n];
    let mut on: Vec<Vec<u32>> = vec![Vec::new(); n];
    for l in lines {
        for r in &l.runs {
            let c = column_of(&cols, r.x0);
            if let Some(e) = ext.get_mut(c) {
                e.0 = e.0.min(r.x0);
                e.1 = e.1.max(r.x1);
                if on[c].last() != Some(&l.no) {
                    on[c].push(l.no);
                }
            }
        }
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut out_ext: Vec<(usize, usize)> = Vec::new();
    let mut out_on: Vec<Vec<u32>> = Vec::new();
    for ((col, e), lns) in cols.into_iter().zip(ext).zip(on) {
        if let (Some(last), Some(le), Some(lo)) =
            (out.last_mut(), out_ext.last_mut(), out_on.last_mut())
            && e.0 < le.1
            && le.1 <= e.1 + 1
            && !lns.is_empty()
            && disjoint(lo, &lns)
        {
            last.1 = col.1;
            le.0 = le.0.min(e.0);
            le.1 = le.1.max(e.1);
            lo.extend(lns);
            lo.sort_unstable();
            continue;
        }
        out.push(col);
        out_ext.push(e);
        out_on.push(lns);
    }
    out
}

/// Merge a cluster holding one line's text only (a header centred over a merged cell, like
/// 主要内容 over the left-aligned task descriptions) into the cluster on its left when its text
/// lies within that cluster's extent and the two never share a line. Used above the indicator
/// blocks, where a header row has no column of its own.
pub fn merge_lone(cols: Vec<(usize, usize)>, lines: &[&Line]) -> Vec<(usize, usize)> {
    let n = cols.len();
    let mut ext = vec![(usize::MAX, 0usize); n];
    let mut on: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut numeric = vec![false; n];
    for l in lines {
        for r in &l.runs {
            let c = column_of(&cols, r.x0);
            if let Some(e) = ext.get_mut(c) {
                e.0 = e.0.min(r.x0);
                e.1 = e.1.max(r.x1);
                if on[c].last() != Some(&l.no) {
                    on[c].push(l.no);
                }
                numeric[c] |= r.text.chars().any(|ch| ch.is_ascii_digit());
            }
        }
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut out_ext: Vec<(usize, usize)> = Vec::new();
    let mut out_on: Vec<Vec<u32>> = Vec::new();
    for (((col, e), lns), num) in cols.into_iter().zip(ext).zip(on).zip(numeric) {
        if let (Some(last), Some(le), Some(lo)) =
            (out.last_mut(), out_ext.last_mut(), out_on.last_mut())
            && lns.len() == 1
            && !num
            && le.0 <= e.0
            && e.1 <= le.1
            && lo.len() >= 2
            && disjoint(lo, &lns)
        {
            last.1 = col.1;
            lo.extend(lns);
            lo.sort_unstable();
            continue;
        }
        out.push(col);
        out_ext.push(e);
        out_on.push(lns);
    }
    out
}

/// Whether two sorted lists share no element.
fn disjoint(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return false,
        }
    }
    true
}

/// The column of a left edge among clusters.
fn column_of(cols: &[(usize, usize)], x0: usize) -> usize {
    let i = cols.partition_point(|c| c.0 <= x0);
    i.saturating_sub(1)
}

/// One row of a segment while it is being built.
#[derive(Debug, Clone, Default)]
struct SegRow {
    top: u32,
    bottom: u32,
    page: u32,
    /// column → (text, line of its first piece)
    cells: BTreeMap<usize, (String, u32)>,
    /// For the row of an empty group: the line of the label it was made for.
    empty_for: Option<u32>,
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

fn put(cells: &mut BTreeMap<usize, (String, u32)>, col: usize, text: &str, line: u32) {
    match cells.get_mut(&col) {
        Some((t, _)) => join_wrapped(t, text),
        None => {
            cells.insert(col, (text.to_string(), line));
        }
    }
}

/// The kind of a segment, for label placement.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Fields and funds above the first indicator header.
    Upper,
    /// An indicator block starting with its header row.
    Header,
    /// An indicator block continued from the previous page (no header on this page).
    Continued,
}

/// A label block: runs of one label column on nearby lines, joined.
struct Label {
    col: usize,
    text: String,
    first: u32,
    last: u32,
    /// The real line of its first piece (`first` and `last` may be virtual lines).
    line: u32,
    /// Its lines' texts, while the segment's labels are read.
    pieces: Vec<Piece>,
}

/// Build the rows of one segment. `lines` are the segment's lines (blank ones included),
/// `header` its header line if any, `width` the column count of the running indicator block
/// (to place a continued segment's columns right-aligned under it).
fn segment_rows(
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
    let cols = merge_disjoint(cols, &col_lines);
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
    for l in lines {
        for r in &l.runs {
            let c = col(r).min(ncols - 1);
            max_w[c] = max_w[c].max(r.width());
            max_x1[c] = max_x1[c].max(r.x1);
            if last_line[c].is_none_or(|p| l.no > p + 1) {
                blocks[c] += 1;
            }
            if wrapped[c] != Some(l.no) && !continues(&r.text) {
                entries[c] += 1;
            }
            let edge = cols.get(c + 1).map_or(usize::MAX, |n| n.0);
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
    let right_lines: Vec<&&Line> = lines
        .iter()
        .filter(|l| {
            l.runs.iter().any(|r| col(r) + 1 == ncols) && l.runs.iter().any(|r| col(r) + 1 != ncols)
        })
        .collect();
    let share = |c: usize| {
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
        let joins = match (prev_leaf_line, rows.last()) {
            (Some(p), Some(_)) if p + 1 == i => leaf_runs.iter().all(|r| {
                let c = cell_col(r);
                ends.get(&c).is_none_or(|&(x1, w, number)| {
                    // Above the blocks, a wrapped text's next line keeps its left edge (or its
                    // centre, if centred): a header spanning the columns below it (预算金额（万元）
                    // over 总额 · 财政拨款 · 其他资金) is not continued by them.
                    let x0 = x1.saturating_sub(w);
                    let aligned = r.x0.abs_diff(x0) <= 1 || (r.x0 + r.x1).abs_diff(x0 + x1) <= 3;
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
fn header_row(
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

fn piece(line: u32, r: &Run) -> Piece {
    Piece {
        line,
        text: r.text.clone(),
        x1: r.x1,
    }
}

/// Cut each label whose pieces are centred on several rows of their own (`chains`) into one
/// label per row. `limit` is each column's right limit.
fn cut_labels(labels: Vec<Label>, rows: &[(u32, u32)], limit: &[usize]) -> Vec<Label> {
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
struct SegOut {
    rows: Vec<SegRow>,
    labels: Vec<Label>,
    head: Option<SegRow>,
    /// The second header row of a two-row header (sub-headers under a spanning header).
    sub: Option<SegRow>,
    width: usize,
    leaves: usize,
}

impl SegOut {
    /// Move every cell and label `by` columns right.
    fn shift_right(&mut self, by: usize) {
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

/// How far apart two copies of one merged label drawn on both sides of a page break may land
/// (in virtual lines) and still be taken for one label.
const SAME_LABEL_LINES: u32 = 3;

/// Place the labels of one indicator block (its header segment and the segments continuing it
/// on later pages) on its rows. LibreOffice draws a merged label at the centre of its whole
/// merge as if the table did not break: on the page where the merge starts it can sit below
/// that page's last row, and on the next page it is centred on a range starting above the
/// page. So the pages' lines are counted as one run (*virtual* lines: each page's first row
/// follows the previous page's last row at the block's usual row distance), the two copies of
/// one label that land on nearly the same virtual line become one, and each label column is
/// tiled over all the block's rows, the first group starting at the block's first row.
///
/// Above the indicator blocks (`centred`), a column's labels need not cover every row (a
/// 资金来源 label beside some of the amounts only): each label goes to the first row of the
/// widest run of rows centred on it that stays between its neighbours' rows.
fn place_block(segs: &mut [SegOut], centred: bool) {
    // Virtual geometry of every row: (segment, row) → (top, bottom).
    let mut geo: Vec<SegRow> = Vec::new();
    let mut at: Vec<(usize, usize)> = Vec::new();
    let mut labels: Vec<Label> = Vec::new();
    let mut label_seg: Vec<usize> = Vec::new();
    for (k, seg) in segs.iter_mut().enumerate() {
        let off: i64 = match (geo.last(), seg.rows.iter().find(|r| r.empty_for.is_none())) {
            (Some(prev), Some(first)) => {
                let mut gaps: Vec<u32> = geo
                    .windows(2)
                    .map(|w| w[1].top.saturating_sub(w[0].bottom))
                    .collect();
                gaps.sort_unstable();
                let gap = gaps.get(gaps.len() / 2).copied().unwrap_or(2).max(1);
                i64::from(prev.bottom) + i64::from(gap) - i64::from(first.top)
            }
            _ => 0,
        };
        let v = |no: u32| u32::try_from((i64::from(no) + off).max(0)).unwrap_or(u32::MAX);
        for lb in std::mem::take(&mut seg.labels) {
            let (first, last) = (v(lb.first), v(lb.last));
            // The copy drawn on the previous page of the same label: merge. A copy standing
            // alone was taken for an empty group; it is not one.
            let twin = labels.iter().zip(&label_seg).rposition(|(o, &s)| {
                s < k
                    && o.col == lb.col
                    && o.text == lb.text
                    && o.first.abs_diff(first) <= SAME_LABEL_LINES
            });
            if let Some(t) = twin {
                labels[t].first = labels[t].first.min(first);
                labels[t].last = labels[t].last.max(last);
                seg.rows
                    .retain(|r| r.empty_for != Some(lb.line) || !r.cells.is_empty());
                continue;
            }
            labels.push(Label {
                col: lb.col,
                text: lb.text,
                first,
                last,
                line: lb.line,
                pieces: Vec::new(),
            });
            label_seg.push(k);
        }
        for (i, r) in seg.rows.iter().enumerate() {
            geo.push(SegRow {
                top: v(r.top),
                bottom: v(r.bottom),
                page: r.page,
                ..Default::default()
            });
            at.push((k, i));
        }
    }
    if geo.is_empty() {
        return;
    }
    // Virtual lines keep the order of the text, so the labels stay sorted per column.
    let mut by_col: BTreeMap<usize, Vec<&Label>> = BTreeMap::new();
    for lb in &labels {
        by_col.entry(lb.col).or_default().push(lb);
    }
    // rows where a label of a column further left starts: a label's merge nests in theirs
    let mut parents: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
    for (c, lbs) in by_col {
        let starts = if centred {
            centred_starts(&geo, &lbs, &parents)
        } else {
            tile(&geo, &lbs, false)
        };
        parents.extend(starts.iter().copied());
        for (lb, s) in lbs.iter().zip(starts) {
            if let Some(&(k, i)) = at.get(s)
                && let Some(row) = segs.get_mut(k).and_then(|seg| seg.rows.get_mut(i))
            {
                put(&mut row.cells, c, &lb.text, lb.line);
            }
        }
    }
}

/// The row a label sits on, or the nearest (the upper one on a tie).
fn nearest_row(rows: &[SegRow], lb: &Label) -> usize {
    let y = (lb.first + lb.last) as f64 / 2.0;
    // Rows are sorted by their top line: only the two around `y` can be nearest.
    let i = rows.partition_point(|r| (r.top as f64) <= y);
    let dist = |k: usize| {
        rows.get(k).map_or(f64::MAX, |r| {
            if y < r.top as f64 {
                r.top as f64 - y
            } else if y > r.bottom as f64 {
                y - r.bottom as f64
            } else {
                0.0
            }
        })
    };
    match i.checked_sub(1) {
        Some(p) if dist(p) <= dist(i) => p,
        _ => i.min(rows.len().saturating_sub(1)),
    }
}

/// Each label's first row when labels are centred on their merges but need not cover every
/// row: the start of the run of rows around the label's nearest row, between the neighbouring
/// labels' rows and inside the group of the labels further left (`parents`: their first
/// rows), whose centre is nearest the label's line. Candidates lie within `W` rows of the
/// nearest row, so the work is bounded per label.
fn centred_starts(
    rows: &[SegRow],
    labels: &[&Label],
    parents: &std::collections::BTreeSet<usize>,
) -> Vec<usize> {
    const W: usize = 48;
    let near: Vec<usize> = labels.iter().map(|lb| nearest_row(rows, lb)).collect();
    labels
        .iter()
        .enumerate()
        .map(|(k, lb)| {
            let y = f64::from(lb.first) + f64::from(lb.last);
            let lo = k
                .checked_sub(1)
                .and_then(|p| near.get(p))
                .map_or(0, |&p| (p + 1).min(near[k]))
                .max(near[k].saturating_sub(W));
            let hi = near
                .get(k + 1)
                .map_or(rows.len(), |&n| n.max(near[k] + 1))
                .min(rows.len())
                .min(near[k] + W);
            let lo = parents
                .range(..=near[k])
                .next_back()
                .map_or(lo, |&p| lo.max(p));
            let hi = parents
                .range(near[k] + 1..)
                .next()
                .map_or(hi, |&p| hi.min(p));
            // The best centred run; of equally good ones the widest (a long merge is
            // symmetric around its label at every width).
            let mut best = (f64::MAX, near[k]);
            for s in lo..=near[k] {
                let top = f64::from(rows[s].top);
                for r in rows.get(near[k]..hi).unwrap_or_default() {
                    let err = (top + f64::from(r.bottom) - y).abs();
                    if err < best.0 {
                        best = (err, s);
                    }
                }
            }
            best.1
        })
        .collect()
}

/// Tile the rows into one group per label so each group's centre is near its label's line,
/// and return each label's first row. Groups are consecutive; the first starts at the first
/// row unless the segment continues a block from the previous page (its first rows may belong
/// to a label drawn there). Each group is searched within `W` rows of its label, so the work
/// is linear in the number of labels.
fn tile(rows: &[SegRow], labels: &[&Label], lead_gap: bool) -> Vec<usize> {
    const W: usize = 48;
    let n = rows.len();
    if n == 0 {
        return vec![0; labels.len()];
    }
    let ys: Vec<f64> = labels
        .iter()
        .map(|l| (l.first + l.last) as f64 / 2.0)
        .collect();
    let near: Vec<usize> = labels.iter().map(|lb| nearest_row(rows, lb)).collect();
    let cost = |s: usize, e: usize, y: f64| {
        let top = rows.get(s).map(|r| r.top).unwrap_or(0) as f64;
        let bot = rows.get(e).map(|r| r.bottom).unwrap_or(0) as f64;
        ((top + bot) / 2.0 - y).abs()
    };
    // dp[k]: end row → (cost, start row, previous end)
    let mut dp: Vec<Stage> = Vec::new();
    for (k, &y) in ys.iter().enumerate() {
        let lo = near[k].saturating_sub(W);
        let hi = (near[k] + W).min(n - 1);
        let mut cur: BTreeMap<usize, (f64, usize, Option<usize>)> = BTreeMap::new();
        for e in lo..=hi {
            let mut best: Option<(f64, usize, Option<usize>)> = None;
            if k == 0 {
                let starts: Vec<usize> = if lead_gap {
                    (lo..=e).collect()
                } else {
                    vec![0]
                };
                for s in starts {
                    if s <= e {
                        let c = cost(s, e, y);
                        if best.is_none_or(|b| c < b.0) {
                            best = Some((c, s, None));
                        }
                    }
                }
            } else if let Some(prev) = dp.get(k - 1) {
                for (&pe, &(pc, _, _)) in prev.range(..e) {
                    let s = pe + 1;
                    let c = pc + cost(s, e, y);
                    if best.is_none_or(|b| c < b.0) {
                        best = Some((c, s, Some(pe)));
                    }
                }
            }
            if let Some(b) = best {
                cur.insert(e, b);
            }
        }
        if cur.is_empty() {
            // Nothing fits (more labels than rows here): the rest go to their nearest rows.
            let mut starts = backtrack(&dp);
            starts.extend(near[k..].iter().copied());
            return starts;
        }
        dp.push(cur);
    }
    backtrack(&dp)
}

/// One label's step of the tiling: its group's end row → (total cost, start row, the
/// previous group's end).
type Stage = BTreeMap<usize, (f64, usize, Option<usize>)>;

/// The start rows of the best tiling found so far.
fn backtrack(dp: &[Stage]) -> Vec<usize> {
    let mut out = vec![0; dp.len()];
    let mut end = dp.last().and_then(|m| {
        m.iter()
            .min_by(|a, b| a.1.0.total_cmp(&b.1.0))
            .map(|(e, _)| *e)
    });
    for k in (0..dp.len()).rev() {
        let Some(e) = end else { break };
        let Some(&(_, s, pe)) = dp[k].get(&e) else {
            break;
        };
        out[k] = s;
        end = pe;
    }
    out
}

/// Whether line `i` ends the indicator block whose texts start at `left` or further right:
/// after a blank line, a line of several texts starting left of all of the block's texts is
/// no row of it (a sign-off footer `财政资金管理科室(盖章) 年 月 日` under the table). Its
/// texts would otherwise join the block's columns and pull them together.
fn ends_block(lines: &[Line], i: usize, left: usize) -> bool {
    let blank_before = i
        .checked_sub(1)
        .and_then(|k| lines.get(k))
        .is_some_and(|l| l.runs.is_empty());
    let l = &lines[i];
    blank_before && l.runs.len() >= 2 && l.runs.first().is_some_and(|r| r.x0 + 1 < left)
}

/// Whether the text looks like `pdftotext -layout` output: runs aligned in columns.
pub fn looks_like_layout(lines: &[Line]) -> bool {
    lines.iter().filter(|l| l.runs.len() >= 2).count() >= 2
}

/// Layout text → grids.
pub fn read(text: &str) -> Vec<Grid> {
    let mut lines = lines_of(text);
    join_wrapped_headers(&mut lines);
    let subs = two_row_headers(&mut lines);
    let mut grid = Grid::new("stream");
    let Some(body) = lines.iter().position(|l| l.runs.len() >= 2) else {
        return Vec::new();
    };
    // Banner: the single texts above the table (title, year line, unit note).
    let mut pending_break = false;
    let mut last_page = lines.first().map(|l| l.page).unwrap_or(1);
    for l in &lines[..body] {
        for r in &l.runs {
            let pos = SourcePos {
                line: Some(l.no),
                page: Some(l.page),
                ..Default::default()
            };
            grid.rows.push(Row {
                cells: vec![Some(Cell::new(r.text.clone(), pos.clone()))],
                pos,
                break_before: false,
            });
        }
    }

    // Segments.
    let mut segs: Vec<(usize, usize, Option<usize>)> = Vec::new(); // [start, end), header idx
    let mut start = body;
    // The leftmost text of the running indicator block, and the segments after its end.
    let mut block_left: Option<usize> = None;
    let mut tails: Vec<usize> = Vec::new();
    for i in body..lines.len() {
        let new_page = i > start && lines[i].page != lines[i - 1].page;
        let header = is_header(&lines[i]);
        let tail = !header && block_left.is_some_and(|x| ends_block(&lines, i, x));
        if i > start && (new_page || header || tail) {
            segs.push((start, i, None));
            start = i;
        }
        if tail {
            tails.push(i);
            block_left = None;
        }
        if header {
            block_left = Some(usize::MAX);
        }
        if let (Some(x), Some(r)) = (block_left.as_mut(), lines[i].runs.first()) {
            *x = (*x).min(r.x0);
        }
        if header {
            if let Some(last) = segs.last_mut().filter(|s| s.0 == i) {
                last.2 = Some(i);
            }
            start = i;
        }
    }
    segs.push((start, lines.len(), None));
    // Mark headers (a segment starting on a header line).
    for s in segs.iter_mut() {
        if lines.get(s.0).is_some_and(is_header) {
            s.2 = Some(s.0);
        }
    }

    let mut in_block = false;
    let mut block_width: Option<usize> = None;
    let mut block_leaves: Option<usize> = None;
    let mut filled_rows = 0usize;
    let mut all_rows = 0usize;
    let mut outs: Vec<SegOut> = Vec::new();
    let mut block_starts: Vec<usize> = Vec::new();
    for (s, e, h) in segs {
        let tail = tails.contains(&s);
        if tail {
            in_block = false;
            block_starts.push(outs.len());
        }
        let kind = if h.is_some() {
            Kind::Header
        } else if in_block {
            Kind::Continued
        } else {
            Kind::Upper
        };
        let sub = h.map(|i| i + 1).filter(|i| subs.contains(i));
        let body_lines: Vec<&Line> = lines[s..e]
            .iter()
            .filter(|l| Some(l.no as usize - 1) != h && Some(l.no as usize - 1) != sub)
            .collect();
        let out = segment_rows(
            &body_lines,
            h.and_then(|i| lines.get(i)),
            sub.and_then(|i| lines.get(i)),
            kind,
            block_width,
            block_leaves,
        );
        if h.is_some() {
            in_block = true;
            block_starts.push(outs.len());
            if out.rows.is_empty() {
                // A header at the foot of its page has no columns of its own: the next page
                // tells the leaf columns, and the header's texts stand right-aligned over its
                // columns.
                let texts = out.head.as_ref().map_or(0, |r| r.cells.len());
                block_width = Some(texts.max(1));
                block_leaves = None;
            } else {
                block_width = Some(out.width);
                block_leaves = Some(out.leaves);
            }
        } else if kind == Kind::Continued && block_leaves.is_none() {
            block_leaves = Some(out.leaves);
            if let (Some(w), Some(&b)) = (block_width, block_starts.last())
                && out.width > w
            {
                for o in outs.get_mut(b..).unwrap_or_default() {
                    o.shift_right(out.width - w);
                }
                block_width = Some(out.width);
            }
        } else if outs.is_empty() {
            // The part above the indicator blocks is placed as one block too.
            block_starts.push(0);
        } else if kind == Kind::Continued
            && let (Some(w), Some(&b)) = (block_width, block_starts.last())
            && out.width > w
        {
            // A later page has a column the block's first page lacks: a merged label left of
            // every header text (绩效指标 over the whole indicator block) drawn on that page
            // only. The columns are right-aligned, so the pages before move right.
            let by = out.width - w;
            for o in outs.get_mut(b..).unwrap_or_default() {
                o.shift_right(by);
            }
            block_width = Some(out.width);
        }
        outs.push(out);
    }
    // Each indicator block runs from its header segment to the next header (or the end).
    block_starts.push(outs.len());
    for w in block_starts.windows(2) {
        let centred = outs.get(w[0]).is_some_and(|o| o.head.is_none());
        if let Some(block) = outs.get_mut(w[0]..w[1]) {
            place_block(block, centred);
        }
    }
    for out in outs {
        for r in out.head.into_iter().chain(out.sub).chain(out.rows) {
            let page_break = r.page != last_page;
            last_page = r.page;
            pending_break |= page_break;
            let pos = SourcePos {
                line: Some(r.top),
                page: Some(r.page),
                ..Default::default()
            };
            let ncol = r.cells.keys().next_back().map(|c| c + 1).unwrap_or(0);
            let mut cells: Vec<Option<Cell>> = vec![None; ncol];
            for (c, (t, line)) in r.cells {
                if let Some(slot) = cells.get_mut(c) {
                    *slot = Some(Cell::new(
                        t.trim(),
                        SourcePos {
                            line: Some(line),
                            page: Some(r.page),
                            ..Default::default()
                        },
                    ));
                }
            }
            all_rows += 1;
            if cells.iter().flatten().count() >= 2 {
                filled_rows += 1;
            }
            grid.rows.push(Row {
                cells,
                pos,
                break_before: std::mem::take(&mut pending_break),
            });
        }
    }
    grid.extraction.confidence = if all_rows == 0 {
        0.0
    } else {
        (0.4 + 0.5 * filled_rows as f64 / all_rows as f64).min(0.95)
    };
    vec![grid]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `LAYOUT_DUMP=file cargo test dump_layout -- --ignored --nocapture` prints a file's grid.
    #[test]
    #[ignore]
    fn dump_layout() {
        let Ok(p) = std::env::var("LAYOUT_DUMP") else {
            return;
        };
        let text = std::fs::read_to_string(p).unwrap_or_default();
        for g in read(&text) {
            for r in &g.rows {
                let cells: Vec<String> = r
                    .cells
                    .iter()
                    .map(|c| c.as_ref().map(|c| c.text.clone()).unwrap_or_default())
                    .collect();
                println!("{:>4} {}", r.pos.line.unwrap_or(0), cells.join(" | "));
            }
        }
    }
}

#[cfg(test)]
mod stage_tests {
    use super::*;

    const C01: &str = "         一级指标      二级指标               三级指标             指标值\n\n                          办理法律援助案件数                   ≥3200件\n\n                   数量指标   值班律师提供法律帮助人次               ≥4000人次\n\n                          法律咨询接待量                    ≥2.5万人次\n\n                          法律援助案件质量评估合格率                ≥95%\n         产出指标      质量指标\n                          法律援助案卷归档规范率                  =100%\n";

    #[test]
    fn columns_from_left_edges_and_centres() {
        let lines = lines_of(C01);
        let mut xs: Vec<usize> = lines
            .iter()
            .skip(1)
            .flat_map(|l| l.runs.iter().map(|r| r.x0))
            .collect();
        let cols = merge_centred(
            clusters(&mut xs),
            lines.iter().skip(1).flat_map(|l| l.runs.iter()),
        );
        let starts: Vec<usize> = cols.iter().map(|c| c.0).collect();
        assert_eq!(starts, vec![9, 19, 26, 53]);
    }

    #[test]
    fn merged_label_moves_to_the_top_of_its_group() {
        let g = read(C01);
        let rows: Vec<Vec<&str>> = g[0]
            .rows
            .iter()
            .map(|r| (0..4).map(|c| r.text(c)).collect())
            .collect();
        // header, then 5 rows; 产出指标 (drawn on line 10) goes to the first row, 数量指标
        // (line 5, centre of rows 3-7) to the first row, 质量指标 (line 10) to line 9's row.
        assert_eq!(rows.len(), 6);
        assert_eq!(
            rows[1],
            vec!["产出指标", "数量指标", "办理法律援助案件数", "≥3200件"]
        );
        assert_eq!(rows[4][1], "质量指标");
        assert_eq!(rows[5][1], "");
        assert_eq!(g[0].rows[1].pos.line, Some(3));
    }

    #[test]
    fn wrapped_leaf_text_joins_its_row_and_footers_drop() {
        let t = "一级指标   二级指标   三级指标   半年指标值   全年指标值\n\n                 万元地区生产总值用水量下降\n  产出     数量                            ≥3%     ≥5%\n                 率\n\n                 另一指标              =1   =2\n\n                 第 1 页，共 4 页\n\u{c}    下一页           x     y\n";
        let lines = lines_of(t);
        assert!(lines[8].runs.is_empty(), "footer dropped");
        assert_eq!(lines[9].page, 2);
        let g = read(t);
        let texts: Vec<String> = g[0].rows.iter().map(|r| r.text(2).to_string()).collect();
        assert!(
            texts.contains(&"万元地区生产总值用水量下降率".to_string()),
            "{texts:?}"
        );
    }

    #[test]
    fn header_wrapped_over_three_lines_is_one_row() {
        // a01 printed landscape: the value headers wrap around the header line.
        let t = "                                     半年指标 全年指标\n一级指标       二级指标            三级指标\n                                       值   值\n                         中长期规划制定健全\n                                      健全       健全\n                         性\n           计划制定\n                         年度工作计划完整性    完整       完整\n";
        let g = read(t);
        let texts = |r: &Row| -> Vec<String> {
            r.cells
                .iter()
                .map(|c| c.as_ref().map(|c| c.text.clone()).unwrap_or_default())
                .collect()
        };
        let head = texts(&g[0].rows[0]);
        assert_eq!(
            head.iter().filter(|t| !t.is_empty()).collect::<Vec<_>>(),
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "半年指标值",
                "全年指标值"
            ]
        );
        assert_eq!(
            g[0].rows.len(),
            3,
            "{:?}",
            g[0].rows.iter().map(texts).collect::<Vec<_>>()
        );
        let first = texts(&g[0].rows[1]);
        assert!(
            first.contains(&"中长期规划制定健全性".to_string()),
            "{first:?}"
        );
        assert!(!first.iter().any(|t| t.contains('值')), "{first:?}");
        // a data line next to a header line stays data
        let t = "一级指标   二级指标   三级指标   指标值\n 产出指标\n           数量指标   培训人次   ≥100\n";
        let lines = {
            let mut l = lines_of(t);
            join_wrapped_headers(&mut l);
            l
        };
        assert_eq!(lines[1].runs.len(), 1);
    }

    #[test]
    fn later_page_with_one_column_more_moves_the_first_page_right() {
        // c01 printed landscape: 绩效指标, merged left of the whole indicator block, is drawn
        // on the second page only; the pages are right-aligned, so 时效指标 stays a 二级 label.
        let t = "       一级指标   二级指标         三级指标        指标值\n\n                     办理法律援助案件数        ≥3200件\n\n              数量指标   值班律师提供法律帮助人次     ≥4000人次\n\n                     法律咨询接待量          ≥2.5万人次\n\n\n\n       产出指标\n\u{c}                     法律援助案件质量评估合格率    ≥95%\n       产出指标   质量指标\n                     法律援助案卷归档规范率     =100%\n\n                     法律援助申请审查办结时限    ≤7个工作日\n绩效指标\n              时效指标\n                     办案补贴发放            及时\n\n                                      ≤2500\n              成本指标   民事刑事案件平均办案补贴\n                                       元/件\n";
        let g = &read(t)[0];
        let col_of = |text: &str| {
            g.rows
                .iter()
                .find_map(|r| {
                    r.cells
                        .iter()
                        .position(|c| c.as_ref().is_some_and(|c| c.text == text))
                })
                .unwrap_or_else(|| panic!("no cell {text}"))
        };
        assert_eq!(col_of("时效指标"), col_of("二级指标"));
        assert_eq!(col_of("成本指标"), col_of("二级指标"));
        assert_eq!(col_of("数量指标"), col_of("二级指标"));
        assert_eq!(col_of("产出指标"), col_of("一级指标"));
        assert_eq!(col_of("办案补贴发放"), col_of("三级指标"));
        assert_eq!(col_of("≤7个工作日"), col_of("指标值"));
        assert_eq!(col_of("≥3200件"), col_of("指标值"));
        assert!(col_of("绩效指标") < col_of("一级指标"));
    }

    /// d01 printed landscape, first page of its indicator block: a narrow unit column wraps
    /// `万立方米` around its row's line.
    const D01_LAND: &str = "                           指标性             度量单\n一级指标 二级指标       三级指标               指标值\n                            质               位\n\n            清淤疏浚河道条数        ≥      14        条\n\n                                           万立方\n    数量指标 清淤土方量              ≥      38\n                                            米\n\n            清淤河道总长度         ≥      26.5     公里\n\n            河底高程验收达标率       ≥      95        %\n产出指标 质量指标\n            淤泥规范处置率   =     100      %\n";

    fn row_texts(g: &Grid) -> Vec<Vec<String>> {
        g.rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| c.as_ref().map(|c| c.text.clone()).unwrap_or_default())
                    .collect()
            })
            .collect()
    }

    /// The row holding a cell whose text is `t`.
    fn row_with<'a>(rows: &'a [Vec<String>], t: &str) -> &'a Vec<String> {
        rows.iter()
            .find(|r| r.iter().any(|c| c == t))
            .unwrap_or_else(|| panic!("no row with {t}: {rows:?}"))
    }

    #[test]
    fn lone_pieces_of_the_rightmost_column_do_not_hide_the_leaf_columns() {
        // Lines holding only a wrapped unit piece used to count against 三级 and the values,
        // which were then placed as labels, one row off.
        let rows = row_texts(&read(D01_LAND)[0]);
        let with = |t: &str| row_with(&rows, t);
        assert!(
            with("清淤疏浚河道条数").contains(&"条".to_string()),
            "{rows:?}"
        );
        assert!(
            with("清淤河道总长度").contains(&"公里".to_string()),
            "{rows:?}"
        );
        assert!(
            with("淤泥规范处置率").contains(&"100".to_string()),
            "{rows:?}"
        );
    }

    #[test]
    fn a_centred_cell_wrapped_around_its_row_is_one_cell() {
        let rows = row_texts(&read(D01_LAND)[0]);
        let r = row_with(&rows, "清淤土方量");
        assert!(r.contains(&"万立方米".to_string()), "{rows:?}");
        // header + five indicator rows, no row for `米`
        assert_eq!(rows.len(), 6, "{rows:?}");
    }

    #[test]
    fn header_text_left_of_every_column_heads_an_empty_column() {
        // d02 printed landscape, its first page: the 一级 label is drawn on the next page, so
        // this page has no column under 一级指标; 数量指标 belongs under 二级指标.
        let t = "                                指标性           度量单\n一级指标 二级指标        三级指标                 指标值\n                                 质             位\n\n            新建百姓健身房              ≥    20       个\n\n\n                  第 1 页，共 3 页\n    数量指标\n";
        let rows = row_texts(&read(t)[0]);
        let col_of = |text: &str| {
            rows.iter()
                .find_map(|r| r.iter().position(|c| c == text))
                .unwrap_or_else(|| panic!("no cell {text}: {rows:?}"))
        };
        assert_eq!(col_of("一级指标"), 0, "{rows:?}");
        assert_eq!(col_of("数量指标"), col_of("二级指标"), "{rows:?}");
        assert_eq!(col_of("新建百姓健身房"), col_of("三级指标"), "{rows:?}");
        assert_eq!(col_of("≥"), col_of("指标性质"), "{rows:?}");
        assert_eq!(col_of("个"), col_of("度量单位"), "{rows:?}");
    }

    #[test]
    fn header_at_the_foot_of_a_page_takes_its_columns_from_the_next() {
        // b02 printed landscape: the header row is the last line of its page. Its segment has
        // no columns, so it must not fix the block's leaf columns (it made 三级 a label column
        // on the third page, one row off its values).
        let t = "一级指标 二级指标           三级指标          年度指标值\n\n\n                   第1页\n\u{c}           馆藏档案数字化加工页数   ≥300万页\n\n           接收进馆档案数量      ≥1.5万卷\n\n       数量指标 档案查阅利用接待人次   ≥6000人次\n\n           档案编研成果数量       ≥3项\n\n\n\n\n产出指标\n\n\n\n\n                 第2页\n\u{c}       数量指标\n\n\n\n\n               档案业务培训人次       100人次\n\n产出指标\n               数字化成果质检合格率      ≥99%\n       质量指标\n               库房温湿度达标率        ≥95%\n\n               档案查阅利用办结时限     ≤1个工作日\n\n       时效指标\n                              2023年12\n               数字化项目完成时间\n                               月底前\n\n\n       成本指标 单页档案数字化加工成本        ≤0.5元\n";
        let rows = row_texts(&read(t)[0]);
        let with = |t: &str| row_with(&rows, t);
        assert!(
            with("数字化项目完成时间").contains(&"2023年12月底前".to_string()),
            "{rows:?}"
        );
        assert!(
            with("单页档案数字化加工成本").contains(&"≤0.5元".to_string()),
            "{rows:?}"
        );
        assert!(
            with("馆藏档案数字化加工页数").contains(&"≥300万页".to_string()),
            "{rows:?}"
        );
        let head = with("一级指标");
        assert_eq!(
            head.iter().position(|c| c == "三级指标"),
            with("档案编研成果数量")
                .iter()
                .position(|c| c == "档案编研成果数量")
        );
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for t in [
            "",
            "\u{c}\u{c}",
            "a  b\n\u{c}c  d  指标  指标",
            "   \n  \t x",
            &"x  ".repeat(10000),
        ] {
            let _ = read(t);
        }
    }
}
