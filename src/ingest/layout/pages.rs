//! The part above the indicator blocks continued on a later page (a funds block whose 支出
//! rows run onto page 2). pdftotext lays every page out on its own character grid and each
//! segment finds its own columns, so the later page's columns are numbered afresh: its
//! project rows would stand one column off the 项目支出 they belong to, its amounts off their
//! header. The later page's columns are mapped onto the earlier page's by their left edges:
//! in order, each to a column whose edges are nearest, two columns sharing a line never onto
//! one (a small dynamic programme over the two lists of columns).

use super::segment::{SegOut, put};

/// A segment's columns: left-edge extent and the lines each has a text on.
#[derive(Debug, Clone, Default)]
pub(super) struct ColumnPlaces {
    pub(super) x: Vec<(usize, usize)>,
    pub(super) lines: Vec<Vec<u32>>,
}

/// Cost of a column placed right of every earlier column (no column there to match).
const NO_MATCH: usize = 40;

/// Distance of two left-edge extents: 0 where they overlap.
fn gap(a: (usize, usize), b: (usize, usize)) -> usize {
    if a.1 < b.0 {
        b.0 - a.1
    } else {
        a.0.saturating_sub(b.1)
    }
}

fn share_line(a: &[u32], b: &[u32]) -> bool {
    !super::columns::disjoint(a, b)
}

/// One step of the alignment: total cost, and the previous group's (last column, target).
type Step = (usize, Option<(usize, usize)>);

/// For each column of `later`, the column of `earlier` it is (indices may pass the end of
/// `earlier`: columns it lacks). Monotone; columns mapped together share no line.
pub(super) fn align(earlier: &ColumnPlaces, later: &ColumnPlaces) -> Vec<usize> {
    let m = later.x.len();
    let n = earlier.x.len() + m;
    let cost = |j: usize, i: usize| match earlier.x.get(i) {
        Some(&e) => gap(later.x[j], e),
        None => NO_MATCH,
    };
    // best[j][i]: (cost, previous group's last column and its target) for columns ..=j with
    // column j on i
    let mut best: Vec<Vec<Option<Step>>> = vec![vec![None; n]; m];
    for j in 0..m {
        for i in 0..n {
            // the group of later columns g..=j all on i
            let mut found: Option<Step> = None;
            let mut group_cost = 0usize;
            for g in (0..=j).rev() {
                if (g + 1..=j).any(|h| share_line(&later.lines[g], &later.lines[h])) {
                    break;
                }
                group_cost += cost(g, i);
                let prev = if g == 0 {
                    Some((0, None))
                } else {
                    (0..i)
                        .filter_map(|pi| best[g - 1][pi].map(|(c, _)| (c, Some((g - 1, pi)))))
                        .min_by_key(|(c, _)| *c)
                };
                if let Some((pc, link)) = prev {
                    let total = pc + group_cost;
                    if found.is_none_or(|(f, _)| total < f) {
                        found = Some((total, link));
                    }
                }
            }
            best[j][i] = found;
        }
    }
    let mut map = vec![0usize; m];
    let Some(last) = m.checked_sub(1) else {
        return map;
    };
    let mut at = (0..n)
        .filter_map(|i| best[last][i].map(|(c, _)| (c, i)))
        .min_by_key(|(c, _)| *c)
        .map(|(_, i)| (last, i));
    // walk back: each link is the end of the previous group
    while let Some((j, i)) = at {
        let link = best[j][i].and_then(|(_, l)| l);
        let start = link.map_or(0, |(pj, _)| pj + 1);
        for slot in map.get_mut(start..=j).unwrap_or_default() {
            *slot = i;
        }
        at = link;
    }
    map
}

/// Renumber a segment's columns by `map` (cells that land together are joined, none lost).
pub(super) fn renumber(out: &mut SegOut, map: &[usize]) {
    let to = |c: usize| map.get(c).copied().unwrap_or(c);
    for r in out.rows.iter_mut() {
        let cells = std::mem::take(&mut r.cells);
        for (c, (t, line)) in cells {
            put(&mut r.cells, to(c), &t, line);
        }
    }
    for lb in &mut out.labels {
        lb.col = to(lb.col);
    }
    out.width = map
        .iter()
        .map(|c| c + 1)
        .max()
        .unwrap_or(out.width)
        .max(out.width);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_of_a_later_page_map_by_their_edges_in_order() {
        // a02's funds block, pages 1 and 2 (left edges as pdftotext placed them): the two
        // amount columns share lines, so they stay apart although both lie nearest the last.
        let p1 = ColumnPlaces {
            x: vec![(0, 5), (12, 12), (17, 34), (45, 50), (58, 58), (67, 72)],
            lines: vec![vec![1], vec![2], vec![3], vec![4], vec![5], vec![6]],
        };
        let p2 = ColumnPlaces {
            x: vec![
                (0, 1),
                (6, 7),
                (14, 14),
                (19, 19),
                (37, 37),
                (61, 70),
                (75, 82),
            ],
            lines: vec![
                vec![63],
                vec![80],
                vec![70],
                vec![66],
                vec![64],
                vec![64, 66],
                vec![64, 66],
            ],
        };
        assert_eq!(align(&p1, &p2), vec![0, 0, 1, 2, 2, 4, 5]);
    }
}
