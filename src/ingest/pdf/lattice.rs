//! Lattice mode, the geometry half: ruling lines → merged segments → table frames, and the
//! cell model of a table (column and row boundaries, which boundaries are drawn where), as in
//! Camelot's lattice mode. A merged cell is a run of grid cells with no ruling line between
//! them; the cell model answers "is there a line here" so spans follow from the drawing.

use super::glyphs::Rule;

/// How far apart two drawn lines may be and still be the same boundary (LibreOffice draws
/// adjoining cell borders a third of a point apart).
pub const SNAP: f64 = 2.0;

/// A merged ruling line: along `pos` from `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seg {
    pub pos: f64,
    pub from: f64,
    pub to: f64,
}

/// Merge collinear, overlapping or touching rules of one orientation.
pub fn merge(rules: impl Iterator<Item = Rule>) -> Vec<Seg> {
    let mut v: Vec<Seg> = rules
        .map(|r| Seg {
            pos: r.pos,
            from: r.from,
            to: r.to,
        })
        .collect();
    v.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    // Cluster by position, then merge intervals inside each cluster.
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let mut j = i + 1;
        while j < v.len() && v[j].pos - v[j - 1].pos <= 0.75 {
            j += 1;
        }
        let mut cl: Vec<Seg> = v[i..j].to_vec();
        let pos = cl.iter().map(|s| s.pos).sum::<f64>() / cl.len() as f64;
        cl.sort_by(|a, b| a.from.total_cmp(&b.from));
        let mut cur = cl[0];
        for s in &cl[1..] {
            if s.from <= cur.to + SNAP {
                cur.to = cur.to.max(s.to);
            } else {
                out.push(Seg { pos, ..cur });
                cur = *s;
            }
        }
        out.push(Seg { pos, ..cur });
        i = j;
    }
    out
}

/// A connected set of horizontal and vertical segments: one ruled table on one page.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
    pub hs: Vec<Seg>,
    pub vs: Vec<Seg>,
}

impl Frame {
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x0 - 0.5 && x <= self.x1 + 0.5 && y >= self.y0 - 0.5 && y <= self.y1 + 0.5
    }

    /// Is a horizontal line drawn at `y` across the point `x`?
    pub fn has_h(&self, y: f64, x: f64) -> bool {
        covers(&self.hs, y, x)
    }

    /// Is a vertical line drawn at `x` across the point `y`?
    pub fn has_v(&self, x: f64, y: f64) -> bool {
        covers(&self.vs, x, y)
    }

    /// Row boundaries, top to bottom.
    pub fn row_bounds(&self) -> Vec<f64> {
        cluster(self.hs.iter().map(|s| s.pos))
    }
}

fn covers(segs: &[Seg], pos: f64, at: f64) -> bool {
    // Segments are sorted by pos (merge() output order is kept by frames()).
    let lo = segs.partition_point(|s| s.pos < pos - SNAP);
    segs[lo..]
        .iter()
        .take_while(|s| s.pos <= pos + SNAP)
        .any(|s| at >= s.from - 0.5 && at <= s.to + 0.5)
}

/// Sorted cluster centres of positions closer than `SNAP`.
pub fn cluster(it: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = it.filter(|p| p.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    let mut start = 0;
    for i in 1..=v.len() {
        if i == v.len() || v[i] - v[i - 1] > SNAP {
            let cl = &v[start..i];
            out.push(cl.iter().sum::<f64>() / cl.len() as f64);
            start = i;
        }
    }
    out
}

/// Find the ruled tables of a page: union-find over segments that touch. Sorting the
/// vertical segments by x bounds the pair tests to the segments a horizontal line spans.
pub fn frames(rules: &[Rule]) -> Vec<Frame> {
    let hs = merge(rules.iter().copied().filter(|r| r.horizontal));
    let vs = merge(rules.iter().copied().filter(|r| !r.horizontal));
    let n = hs.len() + vs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    // vs is sorted by pos (x).
    for (hi, h) in hs.iter().enumerate() {
        let lo = vs.partition_point(|v| v.pos < h.from - SNAP);
        for (k, v) in vs[lo..].iter().enumerate() {
            if v.pos > h.to + SNAP {
                break;
            }
            if h.pos >= v.from - SNAP && h.pos <= v.to + SNAP {
                let (a, b) = (find(&mut parent, hi), find(&mut parent, hs.len() + lo + k));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<Seg>, Vec<Seg>)> = Default::default();
    for (i, h) in hs.iter().enumerate() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().0.push(*h);
    }
    for (i, v) in vs.iter().enumerate() {
        let r = find(&mut parent, hs.len() + i);
        groups.entry(r).or_default().1.push(*v);
    }
    let mut out: Vec<Frame> = groups
        .into_values()
        .filter(|(h, v)| h.len() >= 2 && v.len() >= 2)
        .map(|(hs, vs)| {
            let x0 = hs.iter().map(|s| s.from).fold(f64::INFINITY, f64::min);
            let x1 = hs.iter().map(|s| s.to).fold(f64::NEG_INFINITY, f64::max);
            let y0 = vs.iter().map(|s| s.from).fold(f64::INFINITY, f64::min);
            let y1 = vs.iter().map(|s| s.to).fold(f64::NEG_INFINITY, f64::max);
            let y0 = y0.min(hs.iter().map(|s| s.pos).fold(f64::INFINITY, f64::min));
            let y1 = y1.max(hs.iter().map(|s| s.pos).fold(f64::NEG_INFINITY, f64::max));
            Frame {
                x0,
                x1,
                y0,
                y1,
                hs,
                vs,
            }
        })
        .filter(|f| f.x1 - f.x0 > 10.0 && f.y1 - f.y0 > 5.0)
        .collect();
    out.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    out
}

/// A rectangular region of grid cells: one (possibly merged) cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
}

/// Find the merged regions of a grid of `nrows` × `ncols` cells. `open_right(r, c)` says there
/// is no line between cells (r, c) and (r, c+1); `open_below(r, c)` no line between (r, c) and
/// (r+1, c). Regions grow right first, then down while the whole width stays open, which gives
/// the rectangles a spreadsheet's merges are.
pub fn regions(
    nrows: usize,
    ncols: usize,
    open_right: impl Fn(usize, usize) -> bool,
    open_below: impl Fn(usize, usize) -> bool,
) -> (Vec<Region>, Vec<usize>) {
    let mut owner = vec![usize::MAX; nrows * ncols];
    let mut out = Vec::new();
    for r in 0..nrows {
        for c in 0..ncols {
            if owner[r * ncols + c] != usize::MAX {
                continue;
            }
            let mut cols = 1;
            while c + cols < ncols
                && owner[r * ncols + c + cols] == usize::MAX
                && open_right(r, c + cols - 1)
            {
                cols += 1;
            }
            let mut rows = 1;
            while r + rows < nrows
                && (c..c + cols).all(|cc| {
                    owner[(r + rows) * ncols + cc] == usize::MAX && open_below(r + rows - 1, cc)
                })
            {
                rows += 1;
            }
            let id = out.len();
            for rr in r..r + rows {
                for cc in c..c + cols {
                    owner[rr * ncols + cc] = id;
                }
            }
            out.push(Region {
                row: r,
                col: c,
                rows,
                cols,
            });
        }
    }
    (out, owner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×3 table whose first column merges rows 1–2 and whose top row merges all columns.
    fn table() -> Vec<Rule> {
        vec![
            Rule::h(0.0, 0.0, 90.0),
            Rule::h(10.0, 0.0, 90.0),
            Rule::h(20.0, 30.0, 90.0),
            Rule::h(30.0, 0.0, 90.0),
            Rule::v(0.0, 0.0, 30.0),
            Rule::v(30.0, 10.0, 30.0),
            Rule::v(60.0, 10.0, 30.0),
            Rule::v(90.0, 0.0, 30.0),
            Rule::v(90.3, 0.0, 30.0),
        ]
    }

    #[test]
    fn finds_one_frame_with_merged_segments() {
        let f = frames(&table());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].vs.len(), 4);
        assert_eq!(f[0].row_bounds(), vec![0.0, 10.0, 20.0, 30.0]);
        assert!(f[0].has_h(20.0, 45.0));
        assert!(!f[0].has_h(20.0, 15.0));
        assert!(!f[0].has_v(30.0, 5.0));
    }

    #[test]
    fn separate_tables_are_separate_frames() {
        let mut rules = table();
        rules.extend([
            Rule::h(100.0, 0.0, 50.0),
            Rule::h(110.0, 0.0, 50.0),
            Rule::v(0.0, 100.0, 110.0),
            Rule::v(50.0, 100.0, 110.0),
            // An underline is no table.
            Rule::h(200.0, 0.0, 50.0),
        ]);
        assert_eq!(frames(&rules).len(), 2);
    }

    #[test]
    fn regions_follow_missing_lines() {
        let f = &frames(&table())[0];
        let ys = f.row_bounds();
        let xs = [0.0, 30.0, 60.0, 90.0];
        let (regs, _) = regions(
            3,
            3,
            |r, c| !f.has_v(xs[c + 1], (ys[r] + ys[r + 1]) / 2.0),
            |r, c| !f.has_h(ys[r + 1], (xs[c] + xs[c + 1]) / 2.0),
        );
        assert_eq!(
            regs[0],
            Region {
                row: 0,
                col: 0,
                rows: 1,
                cols: 3
            }
        );
        assert_eq!(
            regs[1],
            Region {
                row: 1,
                col: 0,
                rows: 2,
                cols: 1
            }
        );
        assert_eq!(regs.len(), 6);
    }
}
