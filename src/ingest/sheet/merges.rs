//! Merged regions a workbook claims, checked before they are laid out. A merge hides every cell
//! under it but its top-left one, so one `<mergeCell ref="A1:XFD1048576"/>`, a reversed
//! `H31:A1` or an ODS span over the whole sheet used to turn a whole table into one cell: no
//! indicator, exit 0, no word. Such merges are ignored, named in a `merge_ignored` warning, and
//! the cells under them are read as if unmerged. Real merges cover empty cells (a label over its
//! group, a title over the table) and lie within, or just beside, the cells in use.

use calamine::Dimensions;

use crate::ingest::grid::column_letters;

/// Most `merge_ignored` warnings for one sheet; the rest are counted in the last one.
const MAX_WARNINGS: usize = 20;

/// Merges whose area is at least half the used cells are counted cell by cell; past this many
/// such large merges on one sheet, the rest are ignored without counting (each count walks
/// the sheet's cells).
const MAX_COUNTED: usize = 64;

/// One ignored merge: its range (`A1:XFD1048576`) and why.
pub struct Ignored {
    pub range: String,
    pub why: String,
}

/// Split `merges` into those to lay out and those ignored. `cells` are the sheet's non-empty
/// cells, sorted by `(row, col)`.
pub fn check(
    merges: Vec<Dimensions>,
    cells: &[(u32, u32, String)],
) -> (Vec<Dimensions>, Vec<Ignored>) {
    let Some(used) = Used::of(cells) else {
        return (merges, Vec::new());
    };
    let mut kept = Vec::with_capacity(merges.len());
    let mut ignored = Vec::new();
    let mut counted = 0;
    for d in merges {
        match absurd(&d, cells, &used, &mut counted) {
            Some(why) => ignored.push(Ignored {
                range: range_name(&d),
                why,
            }),
            None => kept.push(d),
        }
    }
    (kept, ignored)
}

/// The bounding box of the used cells, and how many there are.
struct Used {
    rows: (u32, u32),
    cols: (u32, u32),
    count: usize,
}

impl Used {
    fn of(cells: &[(u32, u32, String)]) -> Option<Used> {
        let first = cells.first()?;
        let mut u = Used {
            rows: (first.0, first.0),
            cols: (first.1, first.1),
            count: cells.len(),
        };
        for &(r, c, _) in cells {
            u.rows = (u.rows.0.min(r), u.rows.1.max(r));
            u.cols = (u.cols.0.min(c), u.cols.1.max(c));
        }
        Some(u)
    }
}

/// Why `d` is no real merge, if it is not.
fn absurd(
    d: &Dimensions,
    cells: &[(u32, u32, String)],
    used: &Used,
    counted: &mut usize,
) -> Option<String> {
    if d.start.0 > d.end.0 || d.start.1 > d.end.1 {
        return Some("its range is reversed".into());
    }
    // Past the used area by more than the used area's own height or width (a title merged a
    // few columns past the table is real; a merge to row 1048576 under a 40-row table is not).
    let height = used.rows.1 - used.rows.0 + 1;
    let width = used.cols.1 - used.cols.0 + 1;
    if d.end.0 > used.rows.1.saturating_add(height) || d.end.1 > used.cols.1.saturating_add(width) {
        return Some(format!(
            "it reaches far past the cells in use (the last is {}{})",
            column_letters(used.cols.1),
            used.rows.1 + 1
        ));
    }
    let area = u64::from(d.end.0 - d.start.0 + 1) * u64::from(d.end.1 - d.start.1 + 1);
    if area * 2 < used.count as u64 || used.count < 3 {
        return None;
    }
    if *counted >= MAX_COUNTED {
        return Some("one of too many merges covering most of the sheet".into());
    }
    *counted += 1;
    let under = covered(d, cells);
    // Besides its own top-left cell, it would hide at least half of the sheet's cells.
    (under >= 2 && under * 2 >= used.count).then(|| {
        format!(
            "it would hide {under} of the sheet's {} non-empty cells under one",
            used.count
        )
    })
}

/// Non-empty cells under `d` other than its top-left one.
fn covered(d: &Dimensions, cells: &[(u32, u32, String)]) -> usize {
    let from = cells.partition_point(|&(r, _, _)| r < d.start.0);
    cells[from..]
        .iter()
        .take_while(|&&(r, _, _)| r <= d.end.0)
        .filter(|&&(r, c, _)| c >= d.start.1 && c <= d.end.1 && (r, c) != d.start)
        .count()
}

/// `B3:D5` as the workbook wrote it (a reversed range stays reversed).
fn range_name(d: &Dimensions) -> String {
    format!(
        "{}{}:{}{}",
        column_letters(d.start.1),
        d.start.0 + 1,
        column_letters(d.end.1),
        u64::from(d.end.0) + 1
    )
}

/// The warnings' texts for one sheet: one per ignored merge, at most `MAX_WARNINGS`.
pub fn messages(sheet: &str, ignored: &[Ignored]) -> Vec<String> {
    let mut out: Vec<String> = ignored
        .iter()
        .take(MAX_WARNINGS)
        .map(|i| {
            format!(
                "sheet {sheet:?}: merged range {} ignored ({}); its cells are read unmerged",
                i.range, i.why
            )
        })
        .collect();
    if ignored.len() > MAX_WARNINGS {
        out.push(format!(
            "sheet {sheet:?}: {} more merged ranges ignored",
            ignored.len() - MAX_WARNINGS
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dims(r0: u32, c0: u32, r1: u32, c1: u32) -> Dimensions {
        Dimensions {
            start: (r0, c0),
            end: (r1, c1),
        }
    }

    /// A 10 × 4 table of text at A1:D10.
    fn table() -> Vec<(u32, u32, String)> {
        (0..10)
            .flat_map(|r| (0..4).map(move |c| (r, c, format!("{r}{c}"))))
            .collect()
    }

    #[test]
    fn real_merges_stay() {
        let cells = table();
        // A label down its group, a title a little past the table.
        let (kept, ignored) = check(vec![dims(1, 0, 4, 0), dims(0, 0, 0, 5)], &cells);
        assert_eq!(kept.len(), 2);
        assert!(ignored.is_empty());
    }

    #[test]
    fn absurd_merges_are_named_and_dropped() {
        let cells = table();
        let (kept, ignored) = check(
            vec![
                dims(0, 0, 1_048_575, 16_383),
                dims(30, 7, 0, 0),
                dims(0, 0, 9, 3),
                dims(9, 0, 500, 1),
            ],
            &cells,
        );
        assert!(kept.is_empty());
        let ranges: Vec<&str> = ignored.iter().map(|i| i.range.as_str()).collect();
        assert_eq!(ranges, ["A1:XFD1048576", "H31:A1", "A1:D10", "A10:B501"]);
        assert!(ignored[1].why.contains("reversed"));
        assert!(ignored[2].why.contains("hide 39 of the sheet's 40"));
        let msgs = messages("Sheet1", &ignored);
        assert!(msgs[0].starts_with("sheet \"Sheet1\": merged range A1:XFD1048576 ignored"));
    }
}
