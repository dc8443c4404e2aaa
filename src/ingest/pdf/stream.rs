//! Stream mode: a table without ruling lines, rebuilt from the alignment of its text. Each line
//! is a row; its runs (text separated by wide gaps) are cells; the columns are the clusters of
//! the runs' left edges over all lines that have more than one run (tabula's stream mode, much
//! simplified: wrapped cells stay separate rows).

use super::lines::Line;
use crate::grid::{Cell, Row, SourcePos};

pub struct Streamed {
    pub rows: Vec<Row>,
    // Read by this file's tests only.
    #[cfg(test)]
    pub ncols: usize,
    pub confidence: f64,
}

/// Lines (with their page) → rows. Column starts are the left edges that several lines share.
pub fn build(lines: &[(u32, &Line)]) -> Streamed {
    let mut starts: Vec<(f64, f64)> = lines
        .iter()
        .filter(|(_, l)| l.runs.len() > 1)
        .flat_map(|(_, l)| l.runs.iter().map(|r| (r.x0, r.size)))
        .collect();
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cols: Vec<f64> = Vec::new();
    let mut last = f64::NEG_INFINITY;
    for (x, size) in starts {
        if x - last > size.max(4.0) {
            cols.push(x);
        }
        last = x;
    }
    if cols.is_empty() {
        cols.push(0.0);
    }
    let ncols = cols.len();
    let mut rows = Vec::with_capacity(lines.len());
    let mut prev_page = lines.first().map(|l| l.0).unwrap_or(1);
    let mut multi = 0;
    for (page, l) in lines {
        let pos = SourcePos {
            page: Some(*page),
            ..Default::default()
        };
        let mut cells: Vec<Option<Cell>> = vec![None; ncols];
        for r in &l.runs {
            let c = cols
                .partition_point(|&x| x <= r.x0 + r.size.max(4.0) / 2.0)
                .clamp(1, ncols)
                - 1;
            match &mut cells[c] {
                Some(cell) => {
                    cell.text.push(' ');
                    cell.text.push_str(&r.text);
                }
                slot => *slot = Some(Cell::new(r.text.clone(), pos.clone())),
            }
        }
        if l.runs.len() > 1 {
            multi += 1;
        }
        rows.push(Row {
            cells,
            pos,
            break_before: *page != prev_page,
        });
        prev_page = *page;
    }
    let confidence = if lines.is_empty() {
        0.0
    } else {
        0.3 + 0.4 * multi as f64 / lines.len() as f64
    };
    Streamed {
        rows,
        #[cfg(test)]
        ncols,
        confidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::pdf::lines::Run;

    fn line(base: f64, runs: &[(&str, f64)]) -> Line {
        Line {
            runs: runs
                .iter()
                .map(|(t, x)| Run {
                    text: t.to_string(),
                    x0: *x,
                    x1: x + 10.0 * t.chars().count() as f64,
                    base,
                    size: 10.0,
                })
                .collect(),
            base,
            size: 10.0,
        }
    }

    #[test]
    fn borderless_table_columns_from_alignment() {
        let ls = [
            line(
                10.0,
                &[("一级指标", 10.0), ("二级指标", 100.0), ("指标值", 200.0)],
            ),
            line(
                25.0,
                &[("产出指标", 10.0), ("数量指标", 100.0), ("≥95%", 201.0)],
            ),
            line(40.0, &[("质量指标", 101.0), ("=100%", 200.0)]),
        ];
        let refs: Vec<(u32, &Line)> = ls.iter().map(|l| (1, l)).collect();
        let s = build(&refs);
        assert_eq!(s.ncols, 3);
        assert_eq!(s.rows[2].text(0), "");
        assert_eq!(s.rows[2].text(1), "质量指标");
        assert_eq!(s.rows[1].text(2), "≥95%");
    }
}
