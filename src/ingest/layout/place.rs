//! Placing merged labels on the rows of an indicator block (or of the part above the blocks):
//! a merged label is drawn at the centre of its merge, the normalizer fills labels down, so
//! each label goes to the first row of the group of rows centred on it. Split out of
//! `stream.rs`, the alignment engine.

use super::segment::{Label, SegOut, SegRow, put};
use std::collections::BTreeMap;

/// How far apart two copies of one merged label drawn on both sides of a page break may land
/// (in virtual lines) and still be taken for one label.
pub(super) const SAME_LABEL_LINES: u32 = 3;

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
pub(super) fn place_block(segs: &mut [SegOut], centred: bool) {
    let (geo, at, labels) = virtual_rows(segs);
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
            // the rows that hold a text of this column already
            let filled: Vec<bool> = at
                .iter()
                .map(|&(k, i)| {
                    segs.get(k)
                        .and_then(|seg| seg.rows.get(i))
                        .is_some_and(|r| r.cells.contains_key(&c))
                })
                .collect();
            centred_starts(&geo, &lbs, &parents, &filled)
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

/// A block's rows on virtual lines, each with its (segment, row), and its labels taken out of
/// the segments, on virtual lines too, with the two copies of a label drawn on both sides of a
/// page break made one.
type Virtual = (Vec<SegRow>, Vec<(usize, usize)>, Vec<Label>);

fn virtual_rows(segs: &mut [SegOut]) -> Virtual {
    let mut geo: Vec<SegRow> = Vec::new();
    let mut at: Vec<(usize, usize)> = Vec::new();
    let mut labels: Vec<Label> = Vec::new();
    let mut label_seg: Vec<usize> = Vec::new();
    for (k, seg) in segs.iter_mut().enumerate() {
        let off = page_offset(&geo, seg);
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
    (geo, at, labels)
}

/// How far a segment's lines move to become virtual lines: its first row follows the rows
/// so far (`geo`) at their median distance.
fn page_offset(geo: &[SegRow], seg: &SegOut) -> i64 {
    match (geo.last(), seg.rows.iter().find(|r| r.empty_for.is_none())) {
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
    }
}

/// The row a label sits on, or the nearest (the upper one on a tie).
pub(super) fn nearest_row(rows: &[SegRow], lb: &Label) -> usize {
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
/// nearest row, so the work is bounded per label. A merged cell spans no row that holds a
/// text of its own column (`filled`): a label between such rows (财政拨款 between 资金总额 and
/// 国有资本金, in their column) groups only the rows between them.
pub(super) fn centred_starts(
    rows: &[SegRow],
    labels: &[&Label],
    parents: &std::collections::BTreeSet<usize>,
    filled: &[bool],
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
            let (lo, hi) = between_filled(filled, near[k], lo, hi);
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

/// Narrow `lo..hi` around row `near` to the rows between the nearest `filled` rows on either
/// side (unless `near` itself is filled: then the label's own row tells nothing).
fn between_filled(filled: &[bool], near: usize, lo: usize, hi: usize) -> (usize, usize) {
    if filled.get(near).copied().unwrap_or(true) {
        return (lo, hi);
    }
    let above = filled
        .get(..near)
        .and_then(|f| f.iter().rposition(|&x| x))
        .map_or(lo, |p| lo.max(p + 1));
    let below = filled
        .get(near + 1..)
        .and_then(|f| f.iter().position(|&x| x))
        .map_or(hi, |p| hi.min(near + 1 + p));
    (above, below)
}

/// Tile the rows into one group per label so each group's centre is near its label's line,
/// and return each label's first row. Groups are consecutive; the first starts at the first
/// row unless the segment continues a block from the previous page (its first rows may belong
/// to a label drawn there). Each group is searched within `W` rows of its label, so the work
/// is linear in the number of labels.
pub(super) fn tile(rows: &[SegRow], labels: &[&Label], lead_gap: bool) -> Vec<usize> {
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
                // Of equally good tilings, the one whose groups end latest: a row's line is its
                // first, and a wrapped row reaches below it, so rows measured by their lines
                // sit a little high (04: 产出指标 over three rows, not one).
                for (&pe, &(pc, _, _)) in prev.range(..e) {
                    let s = pe + 1;
                    let c = pc + cost(s, e, y);
                    if best.is_none_or(|b| c <= b.0) {
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
pub(super) type Stage = BTreeMap<usize, (f64, usize, Option<usize>)>;

/// The start rows of the best tiling found so far.
pub(super) fn backtrack(dp: &[Stage]) -> Vec<usize> {
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
