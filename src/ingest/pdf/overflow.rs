//! Text that overflows its cell. A spreadsheet row too short for its wrapped text still prints
//! all of it: LibreOffice centres the lines on the row, so the first and last lines stick out
//! over the ruling lines into the rows above and below (`[042]六安市金安区` / `体育局` in a
//! 12 pt row; the `指标` of a header `一级/指标` printed over the merged cell below). Placed by
//! their middles, such lines land in the neighbouring cell and glue onto its text.
//!
//! A line that straddles a border (a fifth of its height or more past it: text that fits its row
//! keeps clear of the lines) goes to whichever side leaves the two cells looking most like
//! cells: each cell's lines one paragraph (no two lines printing over each other, no gap wider
//! than a line pitch between them) sticking out of the cell as little as possible and centred
//! on it. A header
//! `一级/指标` centred on its row sticks out both ways; its `一级` stays, as joining the
//! two-line `年度/目标` above would stick out further, and its `指标` comes back from the merged
//! cell below, where it would stand a whole block away from `产出指标`.

use super::lines::Line;

/// The cell model the settling needs, for one page of a table.
pub trait Cells {
    /// Top and bottom border of a region on this page.
    fn bounds(&self, region: usize) -> (f64, f64);
    /// The region across the top (`above`) or bottom border of `region` at `x`, on this page.
    fn across(&self, region: usize, above: bool, x: f64) -> Option<usize>;
}

/// A text line and the region it is placed in.
#[derive(Debug, Clone)]
pub struct Placed {
    pub line: Line,
    pub region: usize,
}

/// Share of a line's height that must lie past a border for the line to count as overflow.
const STRADDLE: f64 = 0.2;

/// Move overflowing lines to the cells they belong to. A few passes, as a move can make the
/// next line's neighbour (a three-line label overflowing both ways).
pub fn settle(placed: &mut [Placed], cells: &impl Cells) {
    for _ in 0..3 {
        let mut moved = false;
        for i in 0..placed.len() {
            if let Some(to) = better_region(placed, i, cells) {
                placed[i].region = to;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
}

fn better_region(placed: &[Placed], i: usize, cells: &impl Cells) -> Option<usize> {
    let l = &placed[i].line;
    let own = placed[i].region;
    let (top, bot) = cells.bounds(own);
    let size = l.size.max(1.0);
    let (ltop, lbot) = glyph_box(l);
    let x = (l.x0() + l.x1()) / 2.0;
    let mut candidates = Vec::with_capacity(2);
    if top - ltop >= STRADDLE * size {
        candidates.extend(cells.across(own, true, x));
    }
    if lbot - bot >= STRADDLE * size {
        candidates.extend(cells.across(own, false, x));
    }
    candidates.into_iter().filter(|&r| r != own).find(|&r| {
        let keep = cost(placed, own, None, cells) + cost(placed, r, None, cells);
        let moved =
            cost(placed, own, Some((i, true)), cells) + cost(placed, r, Some((i, true)), cells);
        moved < keep - 0.1 * size
    })
}

/// The glyph box of a CJK line: about 0.88 em above the baseline, 0.12 em below.
fn glyph_box(l: &Line) -> (f64, f64) {
    let size = l.size.max(1.0);
    (l.base - 0.88 * size, l.base + 0.12 * size)
}

/// How badly the lines of `region` fit it: how far they stick out of it and off its middle, plus a heavy penalty
/// for each pair of neighbouring lines that print over each other or stand more than a line
/// pitch apart. `change` = (line, moved?): with `moved`, line `i` counts as in `region` when
/// it is the target and as gone when it is its own; without, as it is now.
fn cost(
    placed: &[Placed],
    region: usize,
    change: Option<(usize, bool)>,
    cells: &impl Cells,
) -> f64 {
    let mut ls: Vec<&Line> = placed
        .iter()
        .enumerate()
        .filter(|(j, p)| match change {
            Some((i, true)) if *j == i => p.region != region,
            _ => p.region == region,
        })
        .map(|(_, p)| &p.line)
        .collect();
    if ls.is_empty() {
        return 0.0;
    }
    ls.sort_by(|a, b| a.base.total_cmp(&b.base));
    let (top, bot) = cells.bounds(region);
    let first = glyph_box(ls[0]).0;
    let last = glyph_box(ls[ls.len() - 1]).1;
    // Half the distance between the middles of the text and of the cell: the lines of a
    // cell are centred on it (LibreOffice and most templates), so a line glued on at one end
    // pulls the text off centre.
    let off_centre = ((first + last) / 2.0 - (top + bot) / 2.0).abs();
    let mut c = (top - first).max(0.0) + (last - bot).max(0.0) + 0.5 * off_centre;
    for w in ls.windows(2) {
        let size = w[0].size.max(w[1].size).max(1.0);
        let d = w[1].base - w[0].base;
        if d < 0.95 * size || d > 1.9 * size {
            c += 10.0 * size;
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::pdf::lines::Run;

    /// Rows of one column, as (top, bottom) borders; region = row index.
    struct Column(Vec<(f64, f64)>);

    impl Cells for Column {
        fn bounds(&self, region: usize) -> (f64, f64) {
            self.0[region]
        }
        fn across(&self, region: usize, above: bool, _x: f64) -> Option<usize> {
            if above {
                region.checked_sub(1)
            } else {
                (region + 1 < self.0.len()).then_some(region + 1)
            }
        }
    }

    fn placed(text: &str, base: f64, size: f64, rows: &Column) -> Placed {
        let region = rows
            .0
            .iter()
            .position(|&(t, b)| (t..b).contains(&(base - 0.35 * size)))
            .unwrap_or(0);
        Placed {
            line: Line {
                runs: vec![Run {
                    text: text.into(),
                    x0: 160.0,
                    x1: 160.0 + size * text.chars().count() as f64,
                    base,
                    size,
                }],
                base,
                size,
            },
            region,
        }
    }

    #[test]
    fn overflowing_lines_go_back_to_their_cell() {
        // The 06 workbook printed by LibreOffice: 12 pt rows, 8 pt text.
        let rows = Column(vec![(118.1, 130.1), (130.1, 142.1), (142.1, 154.1)]);
        let mut p = vec![
            placed("2025金安国际网球公开赛", 127.7, 8.0, &rows),
            placed("[042]六安市金安区", 133.9, 8.0, &rows),
            placed("体育局", 145.5, 8.0, &rows),
            placed("本级申报项目", 151.7, 8.0, &rows),
        ];
        assert_eq!(p[2].region, 2, "placed by its middle in the row below");
        settle(&mut p, &rows);
        let regions: Vec<usize> = p.iter().map(|p| p.region).collect();
        assert_eq!(regions, [0, 1, 1, 2]);
    }

    #[test]
    fn a_header_line_over_a_merged_cell_goes_back_up() {
        // A two-line `年度/目标` that fits its row; under it a header `一级/指标` centred on a
        // 12 pt row, sticking out both ways; under that a six-row merged `产出指标`.
        let rows = Column(vec![(192.5, 221.3), (221.3, 233.3), (233.3, 305.3)]);
        let mut p = vec![
            placed("年度", 204.6, 8.0, &rows),
            placed("目标", 216.2, 8.0, &rows),
            placed("一级", 225.1, 8.0, &rows),
            placed("指标", 236.7, 8.0, &rows),
            placed("产出指标", 272.8, 8.0, &rows),
        ];
        settle(&mut p, &rows);
        let regions: Vec<usize> = p.iter().map(|p| p.region).collect();
        assert_eq!(regions, [0, 0, 1, 1, 2]);
    }

    #[test]
    fn an_explanation_overflowing_into_a_cell_with_text_goes_back() {
        // 08: a two-line `反映…负面/影响` in a 13 pt row; the row below (26 pt) holds a
        // centred `0`, one line pitch under `影响`.
        let rows = Column(vec![(352.3, 378.7), (378.7, 391.9), (391.9, 418.3)]);
        let mut p = vec![
            placed(
                "反映实施相关项目对自然生态环境可能造成的负面",
                382.8,
                8.8,
                &rows,
            ),
            placed("影响", 395.6, 8.8, &rows),
            placed("0", 409.0, 8.8, &rows),
        ];
        settle(&mut p, &rows);
        let regions: Vec<usize> = p.iter().map(|p| p.region).collect();
        assert_eq!(regions, [1, 1, 2]);
    }

    #[test]
    fn text_that_fits_its_rows_stays() {
        // Single lines in tight rows, one pitch apart: nothing straddles, nothing moves.
        let rows = Column(vec![(118.1, 130.1), (130.1, 142.1), (142.1, 154.1)]);
        let mut p = vec![
            placed("项目名称", 127.7, 8.0, &rows),
            placed("主管部门及代码", 139.7, 8.0, &rows),
            placed("项目来源", 151.7, 8.0, &rows),
        ];
        settle(&mut p, &rows);
        let regions: Vec<usize> = p.iter().map(|p| p.region).collect();
        assert_eq!(regions, [0, 1, 2]);
    }
}
