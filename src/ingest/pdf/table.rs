//! Lattice mode, the text half: one logical table (a ruled frame, or frames on consecutive
//! pages that continue each other) → grid rows with spans.
//!
//! The parts of a table that runs over several pages are stacked into one grid: the column
//! boundaries are the union of all parts' vertical lines, and a cell at the top of a
//! continuation page whose top border is missing continues the merged cell above the break.
//! LibreOffice draws a merged cell's text once per page, placed as if the merge were not cut,
//! so a label may sit below the last ruling line of a page, above the first one of the next,
//! or off the page entirely: such text is given to the merged region that is open at that
//! edge, and copies that appear on both pages are kept once.

use super::glyphs::Glyph;
use super::lattice::{Frame, Region, SNAP, cluster, regions};
use super::lines::{Line, join_lines, lines};
use super::overflow;
use crate::grid::{Cell, Row, SourcePos};

/// One page's share of a table.
pub struct Part<'a> {
    pub page: u32,
    pub page_height: f64,
    pub frame: &'a Frame,
    pub glyphs: Vec<&'a Glyph>,
    /// Text lines of this page outside the frame that may belong to it: below it when the table
    /// goes on, above it when this part continues one.
    pub loose: Vec<Line>,
}

/// What a logical table became.
pub struct Built {
    pub rows: Vec<Row>,
    pub ncols: usize,
    /// 0..1: how regular the ruling was.
    pub confidence: f64,
}

struct GRow {
    part: usize,
    top: f64,
    bot: f64,
}

enum Slot {
    Ruled(usize),
    Free(usize, Line),
}

/// A free line: text near a part's frame that belongs to no region, kept as a row of its own.
struct FreeLine {
    part: usize,
    /// Above the frame (else below it).
    above: bool,
    line: Line,
}

/// Lines by region, then by part (page).
type RegionLines = Vec<Vec<Vec<Line>>>;

/// One logical table → its grid rows: the cell model, each region's text, repeated header rows
/// dropped, and loose text around the frames as rows of its own.
pub fn build(parts: &[Part]) -> Option<Built> {
    let t = Stack::new(parts)?;
    let reg_lines = t.framed_lines();
    let (reg_extra, free) = t.loose_lines();
    let texts: Vec<String> = (0..t.regs.len())
        .map(|id| region_text(&reg_lines[id], &reg_extra[id]))
        .collect();
    let dropped = t.repeated_headers(&texts);
    let slots = t.slots(&free, &dropped);
    let out_index = t.out_index(&slots, &dropped);
    let rows = t.rows(&slots, &texts, &out_index);
    Some(Built {
        rows,
        ncols: t.ncols,
        confidence: confidence(&texts, t.regs.len()),
    })
}

/// The cell model of a logical table: the column boundaries of all its parts, every part's
/// ruled rows stacked in one sequence, and the merged regions over them.
struct Stack<'p> {
    parts: &'p [Part<'p>],
    xs: Vec<f64>,
    ncols: usize,
    grows: Vec<GRow>,
    /// Where each part's rows start in `grows`, and one past the last part's.
    first_row: Vec<usize>,
    regs: Vec<Region>,
    owner: Vec<usize>,
}

impl<'p> Stack<'p> {
    fn new(parts: &'p [Part<'p>]) -> Option<Stack<'p>> {
        let xs = cluster(parts.iter().flat_map(|p| {
            p.frame
                .vs
                .iter()
                .map(|s| s.pos)
                .chain([p.frame.x0, p.frame.x1])
        }));
        if xs.len() < 2 {
            return None;
        }
        let ncols = xs.len() - 1;
        let (grows, first_row) = stack_rows(parts);
        let nrows = grows.len();
        if nrows == 0 {
            return None;
        }
        let xmid = |c: usize| (xs[c] + xs[c + 1]) / 2.0;
        let open_right = |r: usize, c: usize| {
            let g = &grows[r];
            !parts[g.part].frame.has_v(xs[c + 1], (g.top + g.bot) / 2.0)
        };
        let open_below = |r: usize, c: usize| {
            let (a, b) = (&grows[r], &grows[r + 1]);
            if a.part == b.part {
                !parts[a.part].frame.has_h(a.bot, xmid(c))
            } else {
                // Across a page break only the continuation page's top border tells.
                !parts[b.part].frame.has_h(b.top, xmid(c))
            }
        };
        let (regs, owner) = regions(nrows, ncols, open_right, open_below);
        Some(Stack {
            parts,
            xs,
            ncols,
            grows,
            first_row,
            regs,
            owner,
        })
    }

    /// The text inside each part's frame, as lines, by region and part.
    fn framed_lines(&self) -> RegionLines {
        let mut reg_lines: RegionLines = vec![vec![Vec::new(); self.parts.len()]; self.regs.len()];
        for (k, p) in self.parts.iter().enumerate() {
            let cells = PartCells {
                regs: &self.regs,
                owner: &self.owner,
                grows: &self.grows,
                rows: self.first_row[k]..self.first_row[k + 1],
                xs: &self.xs,
            };
            for pl in place_lines(p, &cells) {
                reg_lines[pl.region][k].push(pl.line);
            }
        }
        reg_lines
    }

    /// The loose lines around each part's frame: those that continue a merged region open at
    /// the frame's edge, by region and part; the visible others as free lines.
    fn loose_lines(&self) -> (RegionLines, Vec<FreeLine>) {
        let mut reg_extra: RegionLines = vec![vec![Vec::new(); self.parts.len()]; self.regs.len()];
        let mut free: Vec<FreeLine> = Vec::new();
        for (k, p) in self.parts.iter().enumerate() {
            for l in &p.loose {
                let above = l.mid_y() < p.frame.y0;
                match self.open_region(k, above, l) {
                    Some(id) => reg_extra[id][k].push(l.clone()),
                    // Text off the page is clipped away in every viewer; only keep visible text.
                    None if l.mid_y() >= 0.0 && l.mid_y() <= p.page_height => free.push(FreeLine {
                        part: k,
                        above,
                        line: l.clone(),
                    }),
                    None => {}
                }
            }
        }
        (reg_extra, free)
    }

    /// The region a loose line of part `k` continues: one open across the top of the part
    /// (for a line above it) or across its bottom (below it), in the line's column.
    fn open_region(&self, k: usize, above: bool, l: &Line) -> Option<usize> {
        let c = line_column(&self.xs, l)?;
        let (regs, first_row, ncols) = (&self.regs, &self.first_row, self.ncols);
        if above {
            let r = first_row[k];
            let id = self.owner[r * ncols + c];
            (r < first_row[k + 1] && regs[id].row < r).then_some(id)
        } else {
            let r = first_row[k + 1].checked_sub(1)?;
            let id = self.owner[r * ncols + c];
            (r >= first_row[k] && regs[id].row + regs[id].rows > r + 1).then_some(id)
        }
    }

    /// Repeated header rows at the top of a continuation page: the rows equal to the first
    /// rows of the table, marked to be dropped.
    fn repeated_headers(&self, texts: &[String]) -> Vec<bool> {
        let (regs, first_row) = (&self.regs, &self.first_row);
        let sig = |r: usize| -> Vec<(usize, &str, usize)> {
            regs.iter()
                .enumerate()
                .filter(|(_, g)| g.row == r)
                .filter(|(id, _)| !texts[*id].is_empty())
                .map(|(id, g)| (g.col, texts[id].as_str(), g.cols))
                .collect()
        };
        let mut dropped = vec![false; self.grows.len()];
        for k in 1..self.parts.len() {
            for j in 0..3 {
                let (a, b) = (first_row[0] + j, first_row[k] + j);
                if b >= first_row[k + 1] || a >= first_row[1] {
                    break;
                }
                let sa = sig(a);
                if sa.len() >= 2 && sa == sig(b) && regs.iter().all(|g| g.row != b || g.rows == 1) {
                    dropped[b] = true;
                } else {
                    break;
                }
            }
        }
        dropped
    }

    /// Output order: each part's free lines above, its rows, its free lines below.
    fn slots(&self, free: &[FreeLine], dropped: &[bool]) -> Vec<Slot> {
        let free_lines = |k: usize, above: bool| {
            let mut ls: Vec<&Line> = free
                .iter()
                .filter(|f| f.part == k && f.above == above)
                .map(|f| &f.line)
                .collect();
            ls.sort_by(|a, b| a.base.total_cmp(&b.base));
            ls.into_iter().map(move |l| Slot::Free(k, l.clone()))
        };
        let mut slots: Vec<Slot> = Vec::new();
        for k in 0..self.parts.len() {
            slots.extend(free_lines(k, true));
            slots.extend(
                (self.first_row[k]..self.first_row[k + 1])
                    .filter(|&r| !dropped[r])
                    .map(Slot::Ruled),
            );
            slots.extend(free_lines(k, false));
        }
        slots
    }

    /// Each ruled row's index in the output; dropped rows map to the row before them so spans
    /// stay inside the grid.
    fn out_index(&self, slots: &[Slot], dropped: &[bool]) -> Vec<usize> {
        let mut out_index = vec![0usize; self.grows.len()];
        for (i, s) in slots.iter().enumerate() {
            if let Slot::Ruled(r) = s {
                out_index[*r] = i;
            }
        }
        for r in 0..self.grows.len() {
            if dropped[r] {
                out_index[r] = if r > 0 { out_index[r - 1] } else { 0 };
            }
        }
        out_index
    }

    /// The grid rows, in slot order; a row from another part than the one before it starts
    /// after a page break.
    fn rows(&self, slots: &[Slot], texts: &[String], out_index: &[usize]) -> Vec<Row> {
        let mut rows: Vec<Row> = Vec::with_capacity(slots.len());
        let mut prev_part = 0;
        for s in slots {
            let (part, mut row) = match s {
                Slot::Free(k, l) => (*k, self.free_row(*k, l)),
                Slot::Ruled(r) => (self.grows[*r].part, self.ruled_row(*r, texts, out_index)),
            };
            row.break_before = part != prev_part;
            prev_part = part;
            rows.push(row);
        }
        rows
    }

    /// A free line as a row: its text in the column it fits in (else the first).
    fn free_row(&self, k: usize, l: &Line) -> Row {
        let mut cells = vec![None; self.ncols];
        let page = pos_page(self.parts[k].page);
        let c = line_column(&self.xs, l).unwrap_or(0);
        cells[c] = Some(Cell::new(l.text(), page.clone()));
        Row {
            cells,
            pos: page,
            break_before: false,
        }
    }

    /// Ruled row `r`: the regions starting on it with their text, spanning the output rows
    /// their ruled rows became.
    fn ruled_row(&self, r: usize, texts: &[String], out_index: &[usize]) -> Row {
        let page = pos_page(self.parts[self.grows[r].part].page);
        let mut cells: Vec<Option<Cell>> = vec![None; self.ncols];
        for (id, g) in self.regs.iter().enumerate().filter(|(_, g)| g.row == r) {
            if texts[id].is_empty() {
                continue;
            }
            let last = g.row + g.rows - 1;
            let span = out_index[last].saturating_sub(out_index[g.row]) + 1;
            cells[g.col] = Some(Cell {
                text: texts[id].clone(),
                row_span: span as u32,
                col_span: g.cols as u32,
                pos: page.clone(),
            });
        }
        Row {
            cells,
            pos: page,
            break_before: false,
        }
    }
}

/// Every part's ruled rows in one sequence, and where each part's rows start (with one past
/// the last part's).
fn stack_rows(parts: &[Part]) -> (Vec<GRow>, Vec<usize>) {
    let mut grows: Vec<GRow> = Vec::new();
    let mut first_row: Vec<usize> = Vec::new();
    for (k, p) in parts.iter().enumerate() {
        let mut ys = p.frame.row_bounds();
        // A page whose top (or bottom) cells all continue has no line there: the frame's
        // vertical lines still say where it starts.
        if ys.first().is_none_or(|&y| y - p.frame.y0 > SNAP) {
            ys.insert(0, p.frame.y0);
        }
        if ys.last().is_none_or(|&y| p.frame.y1 - y > SNAP) {
            ys.push(p.frame.y1);
        }
        first_row.push(grows.len());
        for w in ys.windows(2) {
            if w[1] - w[0] > 1.0 {
                grows.push(GRow {
                    part: k,
                    top: w[0],
                    bot: w[1],
                });
            }
        }
    }
    first_row.push(grows.len());
    (grows, first_row)
}

/// Confidence: share of regions that are plain single cells or clean merges with text.
fn confidence(texts: &[String], nregs: usize) -> f64 {
    let filled = texts.iter().filter(|t| !t.is_empty()).count();
    if nregs == 0 {
        0.0
    } else {
        (0.7 + 0.3 * filled as f64 / nregs as f64).min(1.0)
    }
}

/// The cell model of one page of a table, for settling overflowing text.
struct PartCells<'x> {
    regs: &'x [Region],
    owner: &'x [usize],
    grows: &'x [GRow],
    /// This page's rows.
    rows: std::ops::Range<usize>,
    xs: &'x [f64],
}

impl PartCells<'_> {
    fn ncols(&self) -> usize {
        self.xs.len() - 1
    }

    fn col_of(&self, x: f64) -> usize {
        self.xs.partition_point(|&b| b <= x).clamp(1, self.ncols()) - 1
    }

    /// The region owning the cell at row `r` of this page and the column at `x`.
    fn at(&self, r: usize, x: f64) -> Option<usize> {
        self.rows
            .contains(&r)
            .then(|| self.owner[r * self.ncols() + self.col_of(x)])
    }
}

impl overflow::Cells for PartCells<'_> {
    fn bounds(&self, region: usize) -> (f64, f64) {
        let g = &self.regs[region];
        let first = g.row.max(self.rows.start);
        let last = (g.row + g.rows).min(self.rows.end).max(first + 1) - 1;
        (self.grows[first].top, self.grows[last].bot)
    }

    fn across(&self, region: usize, above: bool, x: f64) -> Option<usize> {
        let g = &self.regs[region];
        let x = x.clamp(self.xs[g.col], self.xs[g.col + g.cols]);
        if above {
            self.at(g.row.checked_sub(1)?, x)
        } else {
            self.at(g.row + g.rows, x)
        }
    }
}

/// The glyphs of one page of a table → text lines, each in the region it belongs to: placed by
/// its glyphs' middles, then overflowing lines settled back into their cells.
fn place_lines(p: &Part, cells: &PartCells) -> Vec<overflow::Placed> {
    let rows = &cells.grows[cells.rows.clone()];
    if rows.is_empty() {
        return Vec::new();
    }
    let mut by_region: std::collections::BTreeMap<usize, Vec<&Glyph>> = Default::default();
    for &g in &p.glyphs {
        let y = g.mid_y();
        let r = cells.rows.start + rows.partition_point(|r| r.bot <= y).min(rows.len() - 1);
        let id = cells.owner[r * cells.ncols() + cells.col_of(g.mid_x())];
        by_region.entry(id).or_default().push(g);
    }
    let mut placed: Vec<overflow::Placed> = by_region
        .into_iter()
        .flat_map(|(region, gs)| {
            lines(&gs, f64::INFINITY)
                .into_iter()
                .map(move |line| overflow::Placed { line, region })
        })
        .collect();
    overflow::settle(&mut placed, cells);
    placed
}

fn pos_page(page: u32) -> SourcePos {
    SourcePos {
        page: Some(page),
        ..Default::default()
    }
}

/// The column a loose line fits in, if it fits in one.
fn line_column(xs: &[f64], l: &Line) -> Option<usize> {
    let (x0, x1) = (l.x0(), l.x1());
    (0..xs.len() - 1).find(|&c| x0 >= xs[c] - SNAP && x1 <= xs[c + 1] + SNAP)
}

/// The text of one region: its lines page by page, a line already seen on an earlier page
/// (LibreOffice's second copy of a cut merged cell) kept once.
fn region_text(by_part: &[Vec<Line>], extra: &[Vec<Line>]) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for (k, ls) in by_part.iter().enumerate() {
        let mut ls = ls.clone();
        ls.extend(extra[k].iter().cloned());
        if ls.is_empty() {
            continue;
        }
        ls.sort_by(|a, b| a.base.total_cmp(&b.base));
        let page_lines: Vec<String> = ls.iter().map(|l| l.text()).collect();
        let earlier = seen.len();
        for t in page_lines {
            if seen[..earlier].contains(&t) {
                continue;
            }
            seen.push(t.clone());
            out.push(t);
        }
    }
    join_lines(&out)
}
