//! Columns of a segment of `pdftotext -layout` text: clusters of the runs' left edges, merged
//! where one column's texts are centred, placed unevenly, or stand alone under a merged
//! header. Split out of `stream.rs`, the alignment engine.

use super::runs::Run;
use super::stream::Line;

/// Column clusters of left edges: `(first x0, last x0)` per column, left to right. A new
/// column starts at a jump of more than 2 characters, and a column is at most 6 characters
/// wide in left edges (centred labels of different lengths move their left edge a little).
pub(super) fn clusters(xs: &mut Vec<usize>) -> Vec<(usize, usize)> {
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
pub(super) fn merge_centred<'a>(
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
/// A cluster lying wholly inside its left neighbour's extent, never on its lines, is one column
/// too: a short value centred in a cell whose other rows hold long left-aligned names (`0`
/// under `三级指标`, beside `12350安全生产举报奖励次数` on another row). Only in indicator blocks
/// (`contained`): above them a label column's wide texts overlap the amounts beside them.
pub(super) fn merge_disjoint(
    cols: Vec<(usize, usize)>,
    lines: &[&Line],
    contained: bool,
) -> Vec<(usize, usize)> {
    let (ext, on, _) = extents(&cols, lines);
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut out_ext: Vec<(usize, usize)> = Vec::new();
    let mut out_on: Vec<Vec<u32>> = Vec::new();
    for ((col, e), lns) in cols.into_iter().zip(ext).zip(on) {
        if let (Some(last), Some(le), Some(lo)) =
            (out.last_mut(), out_ext.last_mut(), out_on.last_mut())
            && e.0 < le.1
            && (le.1 <= e.1 + 1 || (contained && le.0 <= e.0 && e.1 <= le.1))
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
pub(super) fn merge_lone(cols: Vec<(usize, usize)>, lines: &[&Line]) -> Vec<(usize, usize)> {
    let (ext, on, numeric) = extents(&cols, lines);
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

/// Per cluster: its extent (min x0, max x1), the lines it has runs on, and whether any of its
/// texts holds a digit.
type Extents = (Vec<(usize, usize)>, Vec<Vec<u32>>, Vec<bool>);

fn extents(cols: &[(usize, usize)], lines: &[&Line]) -> Extents {
    let n = cols.len();
    let mut ext = vec![(usize::MAX, 0usize); n];
    let mut on: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut numeric = vec![false; n];
    for l in lines {
        for r in &l.runs {
            let c = column_of(cols, r.x0);
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
    (ext, on, numeric)
}

/// Whether two sorted lists share no element.
pub(super) fn disjoint(a: &[u32], b: &[u32]) -> bool {
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
pub(super) fn column_of(cols: &[(usize, usize)], x0: usize) -> usize {
    let i = cols.partition_point(|c| c.0 <= x0);
    i.saturating_sub(1)
}
