//! XLSX writer, for people: sheet `表格` re-draws each table in its canonical form (the form
//! departments publish, with 一级/二级 labels merged again and every repair applied), and the
//! sheets `指标`, `指标属性`, `资金`, `字段`, `诊断`, `表清单` hold the tidy tables (`tidy`), as the
//! CSV and Parquet writers do.
//!
//! The `表格` sheet is laid out so that perfnorm reads it back into the same model: a title row,
//! a year line, a unit note, one row per field, the funds block under its own amount header row,
//! and indicator blocks each under a header row of the standard names (`一级指标 | 二级指标 |
//! 三级指标 | 半年指标值 | 全年指标值`). Labels the reader fills down are written once and merged
//! over their group, exactly what the reader undoes. Text is always written as a string,
//! never a formula (`=0%` stays text), and the document dates are fixed so the same input
//! gives the same bytes.
//!
//! The sheet is planned as a list of cells first (`Plan`): `funds` lays out the funds block,
//! `indicators` the indicator blocks, and `emit` writes the plan with its widths and heights.

mod emit;
mod funds;
mod indicators;

use super::tidy::{self, Value};
use crate::error::WriteError;
use crate::model::{Document, Table};
use emit::emit;
use funds::{FundsLayout, draw_funds};
use indicators::{blocks, draw_block};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

/// Excel's limit on the text of one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// The tidy tables (by `tidy` name) in the order of their sheets: people look at indicators
/// first, so that sheet comes right after the tables. Each sheet is named by its table's
/// `tidy::TidyTable::sheet`.
const SHEET_ORDER: [&str; tidy::COUNT] = [
    "indicators",
    "attributes",
    "funds",
    "fields",
    "diagnostics",
    "tables",
];

/// The sheet holding the re-drawn tables.
pub const TABLE_SHEET: &str = "表格";

/// The workbook of one document.
pub fn to_bytes(doc: &Document) -> Result<Vec<u8>, WriteError> {
    let mut wb = Workbook::new();
    // A fixed date: the same input gives byte-identical output on every run.
    let date = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xerr)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&date)
            .set_author("perfnorm"),
    );
    {
        let ws = wb.add_worksheet();
        ws.set_name(TABLE_SHEET).map_err(xerr)?;
        draw_tables(ws, &doc.tables)?;
    }
    let rows = tidy::rows(doc);
    for name in SHEET_ORDER {
        let Some(i) = tidy::TABLES.iter().position(|t| t.name() == name) else {
            continue;
        };
        let t = tidy::TABLES[i];
        let ws = wb.add_worksheet();
        ws.set_name(t.sheet()).map_err(xerr)?;
        let header: Vec<&str> = t.columns().iter().map(|(n, _)| *n).collect();
        tidy_sheet(ws, &header, &rows[i])?;
    }
    wb.save_to_buffer().map_err(xerr)
}

fn xerr(e: rust_xlsxwriter::XlsxError) -> WriteError {
    WriteError::Xlsx(e.to_string())
}

/// How a cell of the `表格` sheet looks.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    Title,
    Banner,
    Unit,
    Label,
    Text,
    Header,
    Cell,
    Amount2,
    Amount,
}

/// One cell (or merged range) to write.
#[derive(Debug, Clone)]
struct Put {
    row: u32,
    col: u16,
    last_row: u32,
    last_col: u16,
    value: Value,
    style: Style,
}

/// The `表格` sheet as a list of cells, built before any writing so widths and heights can be
/// worked out from the content.
#[derive(Default)]
struct Plan {
    puts: Vec<Put>,
    row: u32,
    /// Ruled regions (first row, last row, last column): their empty cells get borders too.
    boxes: Vec<(u32, u32, u16)>,
    /// The header row of each indicator block and its names, for the printed pages.
    headers: Vec<(u32, Vec<String>)>,
}

impl Plan {
    fn put(&mut self, col: u16, value: Value, style: Style) {
        self.puts.push(Put {
            row: self.row,
            col,
            last_row: self.row,
            last_col: col,
            value,
            style,
        });
    }
    fn put_span(&mut self, col: u16, last_col: u16, value: Value, style: Style) {
        self.puts.push(Put {
            row: self.row,
            col,
            last_row: self.row,
            last_col: last_col.max(col),
            value,
            style,
        });
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// The columns a table needs: the widest of its funds block and indicator blocks, at least two
/// (a field's label and text).
fn table_width(t: &Table) -> u16 {
    let funds = if t.funds.items.is_empty() {
        0
    } else {
        let f = FundsLayout::of(&t.funds.items);
        1 + f.depth + f.details.len() + f.columns.len()
    };
    let ind = blocks(&t.indicators)
        .iter()
        .map(|b| b.shape.width())
        .max()
        .unwrap_or(0);
    funds.max(ind).clamp(2, 200) as u16
}

fn draw_tables(ws: &mut Worksheet, tables: &[Table]) -> Result<(), WriteError> {
    let mut plan = Plan::default();
    let mut freeze = None;
    let width = tables.iter().map(table_width).max().unwrap_or(2);
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            // Two blank rows between tables; the next title starts the next table.
            plan.row += 2;
        }
        draw_table(&mut plan, t, width);
        if i == 0 {
            freeze = Some(plan.puts.iter().filter(|p| is_banner(p.style)).count() as u32);
        }
    }
    let widths = emit(ws, &plan, width)?;
    if let Some(f) = freeze
        && f > 0
    {
        ws.set_freeze_panes(f, 0).map_err(xerr)?;
    }
    page_setup(ws, &plan, &widths)
}

/// The width, in Excel column units, that A4 portrait prints at 100%: 210 mm less Excel's
/// default 0.7-inch margins is 6.87 in, 660 pixels at 96 dpi; a column of width w takes
/// 7w + 5 pixels in the default 11-point font.
const A4_PORTRAIT_COLUMNS: f64 = 93.0;

/// Print the sheet as the paper form: A4 (paper size 9, as Chinese government forms are
/// printed; not Excel's default Letter), landscape only where the columns are wider than a
/// portrait page, every table one page wide, and the indicator header row at the top of every
/// page, so a page of indicators still names its columns.
fn page_setup(ws: &mut Worksheet, plan: &Plan, widths: &[f64]) -> Result<(), WriteError> {
    ws.set_paper_size(9);
    if widths.iter().sum::<f64>() > A4_PORTRAIT_COLUMNS {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    // One range of rows repeats on every page: the first indicator header, when every block
    // of the sheet has that same header. Blocks with other columns would be printed under
    // names that are not theirs, so then no row repeats.
    if let Some((row, names)) = plan.headers.first()
        && plan.headers.iter().all(|(_, n)| n == names)
    {
        ws.set_repeat_rows(*row, *row).map_err(xerr)?;
    }
    Ok(())
}

fn is_banner(s: Style) -> bool {
    matches!(s, Style::Title | Style::Banner | Style::Unit)
}

fn draw_table(plan: &mut Plan, t: &Table, width: u16) {
    let last = width - 1;
    // The banner: title, year line, unit note, each a single text across the table.
    if let Some(title) = &t.title {
        plan.put_span(0, last, text(title), Style::Title);
        plan.row += 1;
    }
    if let Some(y) = t.year {
        plan.put_span(0, last, Value::Text(format!("{y}年度")), Style::Banner);
        plan.row += 1;
    }
    if let Some(u) = &t.unit {
        plan.put_span(0, last, Value::Text(format!("单位：{u}")), Style::Unit);
        plan.row += 1;
    }
    // Fields before the funds block: a label the vocabulary does not know is read as a field
    // only outside the funds block.
    for f in &t.fields {
        plan.put(0, text(&f.label), Style::Label);
        plan.put_span(1, last, text(&f.text), Style::Text);
        plan.boxes.push((plan.row, plan.row, last));
        plan.row += 1;
    }
    if !t.funds.items.is_empty() {
        draw_funds(plan, t);
    }
    for b in blocks(&t.indicators) {
        draw_block(plan, &b, &t.indicators);
    }
}

/// Display width of a text in Excel column units: CJK characters count two.
fn display_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 1.85 })
        .sum()
}

/// A tidy sheet: header row, frozen, with an autofilter; numbers as numbers.
fn tidy_sheet(ws: &mut Worksheet, header: &[&str], rows: &[Vec<Value>]) -> Result<(), WriteError> {
    let bold = Format::new().set_bold().set_background_color(0xD9E1F2);
    let mut widths: Vec<f64> = header.iter().map(|h| display_width(h) + 2.0).collect();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xerr)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let c16 = c as u16;
            match v {
                Value::Text(s) if !s.is_empty() => {
                    let s: String = s.chars().take(MAX_CELL_CHARS).collect();
                    ws.write_string(r, c16, &s).map_err(xerr)?;
                    if let Some(w) = widths.get_mut(c) {
                        *w = w.max((display_width(&s) + 2.0).min(50.0));
                    }
                }
                Value::Num(n) => {
                    ws.write_number(r, c16, *n).map_err(xerr)?;
                }
                _ => {}
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    let last_col = header.len().saturating_sub(1) as u16;
    ws.autofilter(0, 0, rows.len() as u32, last_col)
        .map_err(xerr)?;
    Ok(())
}
