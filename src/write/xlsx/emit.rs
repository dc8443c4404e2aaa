//! Writing the `表格` sheet's planned cells: formats by style, column widths and row heights
//! worked out from the content, borders on the empty cells of ruled regions.

use std::collections::{BTreeMap, HashSet};

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet};

use super::{MAX_CELL_CHARS, Plan, Put, Style, display_width, is_banner, xerr};
use crate::error::WriteError;
use crate::write::tidy::Value;

/// Write the planned cells; returns the column widths it set.
pub(super) fn emit(ws: &mut Worksheet, plan: &Plan, width: u16) -> Result<Vec<f64>, WriteError> {
    let formats = Formats::new();
    let widths = column_widths(plan, width);
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(xerr)?;
    }
    for (r, n) in row_lines(plan, &widths) {
        if n > 1.0 {
            ws.set_row_height(r, (14.0 * n + 2.0).min(409.0))
                .map_err(xerr)?;
        }
    }
    box_borders(ws, plan, &formats.of(Style::Cell))?;
    for p in &plan.puts {
        write_put(ws, p, &formats.of(p.style))?;
    }
    Ok(widths)
}

/// The cell formats of the sheet: 宋体 11, centred vertically; ruled cells boxed and wrapped.
struct Formats {
    base: Format,
    boxed: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(11)
            .set_align(FormatAlign::VerticalCenter);
        let boxed = base.clone().set_border(FormatBorder::Thin).set_text_wrap();
        Formats { base, boxed }
    }

    fn of(&self, s: Style) -> Format {
        let (base, boxed) = (&self.base, &self.boxed);
        match s {
            Style::Title => base
                .clone()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            Style::Banner => base.clone().set_align(FormatAlign::Center),
            Style::Unit => base.clone().set_align(FormatAlign::Right),
            Style::Label => boxed.clone().set_align(FormatAlign::Center).set_bold(),
            Style::Text => boxed.clone().set_align(FormatAlign::Left),
            Style::Header => boxed
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(0xD9E1F2),
            Style::Cell => boxed.clone().set_align(FormatAlign::Center),
            Style::Amount2 => boxed.clone().set_num_format("#,##0.00"),
            Style::Amount => boxed.clone(),
        }
    }
}

/// Column widths from the cells that sit in one column; merged texts wrap instead.
fn column_widths(plan: &Plan, width: u16) -> Vec<f64> {
    let mut widths = vec![8.0f64; width as usize];
    for p in &plan.puts {
        if p.col == p.last_col && !is_banner(p.style) {
            let w = match &p.value {
                Value::Text(s) => display_width(s),
                Value::Num(n) => format!("{n:.2}").len() as f64 + 3.0,
                Value::Empty => 0.0,
            };
            let c = p.col as usize;
            if c < widths.len() {
                widths[c] = widths[c].max((w + 2.0).min(42.0));
            }
        }
    }
    widths
}

/// Lines of text per row, for the heights of rows with wrapped text: LibreOffice and Excel do
/// not grow rows for merged cells.
fn row_lines(plan: &Plan, widths: &[f64]) -> BTreeMap<u32, f64> {
    let mut lines: BTreeMap<u32, f64> = Default::default();
    for p in &plan.puts {
        if let Value::Text(s) = &p.value {
            let avail: f64 = (p.col..=p.last_col)
                .map(|c| widths.get(c as usize).copied().unwrap_or(8.0))
                .sum::<f64>()
                - 1.0;
            let n = (display_width(s) / avail.max(1.0)).ceil().max(1.0)
                + s.matches('\n').count() as f64;
            let per_row = (n / (p.last_row - p.row + 1) as f64).ceil();
            let e = lines.entry(p.row).or_insert(1.0);
            *e = e.max(per_row);
        }
    }
    lines
}

/// Borders on the empty cells of ruled regions, so the table reads as one grid.
fn box_borders(ws: &mut Worksheet, plan: &Plan, blank: &Format) -> Result<(), WriteError> {
    let mut covered: HashSet<(u32, u16)> = Default::default();
    for p in &plan.puts {
        for r in p.row..=p.last_row {
            for c in p.col..=p.last_col {
                covered.insert((r, c));
            }
        }
    }
    for &(r0, r1, c1) in &plan.boxes {
        for r in r0..=r1 {
            for c in 0..=c1 {
                if covered.insert((r, c)) {
                    ws.write_blank(r, c, blank).map_err(xerr)?;
                }
            }
        }
    }
    Ok(())
}

/// One planned cell or merged range.
fn write_put(ws: &mut Worksheet, p: &Put, f: &Format) -> Result<(), WriteError> {
    let merged = p.last_row > p.row || p.last_col > p.col;
    match &p.value {
        Value::Text(s) => {
            if s.chars().count() > MAX_CELL_CHARS {
                return Err(WriteError::Xlsx(format!(
                    "a cell text is longer than Excel's {MAX_CELL_CHARS} characters"
                )));
            }
            if merged {
                ws.merge_range(p.row, p.col, p.last_row, p.last_col, s, f)
                    .map_err(xerr)?;
            } else {
                ws.write_string_with_format(p.row, p.col, s, f)
                    .map_err(xerr)?;
            }
        }
        Value::Num(n) => {
            if merged {
                ws.merge_range(p.row, p.col, p.last_row, p.last_col, "", f)
                    .map_err(xerr)?;
            }
            ws.write_number_with_format(p.row, p.col, *n, f)
                .map_err(xerr)?;
        }
        Value::Empty => {}
    }
    Ok(())
}
