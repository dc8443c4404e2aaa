//! Spreadsheet reader (calamine): xlsx/xlsm, xls, xlsb and ods → one `Grid` per non-empty sheet.
//!
//! Each format first becomes a list of `RawSheet`s (the used cells with their display text, and
//! the merged regions when the format gives them); `build_grid` then lays every sheet out the
//! same way. Cells are collected sparsely — a sheet that claims `A1:XFD1048576` costs what its
//! used cells cost — and counted against `Limits::max_cells` across the workbook. A zip
//! workbook whose parts declare more than `Limits::max_decompressed_bytes` is refused before
//! anything is inflated (zip bombs).
//!
//! What the formats give (calamine 0.38):
//! - xlsx: values, number formats (rendered by `numfmt`), merged regions.
//! - xls: values and merged regions from calamine; number formats from our own BIFF walk
//!   (`biff`), since calamine keeps them private.
//! - xlsb, ods: values only. Numbers are shown as General and merges are unknown: each such
//!   sheet gets a `merges_unknown` warning so the normalizer knows to infer fills.

mod biff;
pub mod numfmt;

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Dimensions, ExcelDateTime, Ods, Reader, SheetType, Xls, Xlsb, Xlsx};

use super::grid::column_letters;
use super::{
    Cell, Deadline, Grid, Ingested, InputFormat, Limits, ReadOptions, ReaderWarning, Row, SourcePos,
};
use crate::error::IngestError;

/// The default of `Limits::max_cells`: cells (non-empty, across all sheets) one workbook may
/// hold. Performance tables have hundreds; two million is far beyond any real one and still
/// bounded in memory.
pub const MAX_CELLS: usize = 2_000_000;

/// The default of `Limits::max_slots`: grid slots (columns up to each row's last cell, summed
/// over rows) one workbook may use: a few cells scattered out to column XFD would otherwise make
/// every row 16,384 slots wide.
pub const MAX_SLOTS: usize = 8_000_000;

/// One sheet's used cells, before layout.
struct RawSheet {
    name: String,
    /// `(row, col, text)`, 0-based, text already as displayed and trimmed; empty texts dropped.
    cells: Vec<(u32, u32, String)>,
    /// Merged regions, or `None` when the format does not tell.
    merges: Option<Vec<Dimensions>>,
    /// Whether numbers were rendered with their number formats (otherwise General).
    formats_known: bool,
}

/// Counts cells against `Limits::max_cells` as they are read, so a hostile sheet is refused
/// before it is held in memory, and looks at the clock every few thousand cells.
struct Budget {
    cells: usize,
    limits: Limits,
    deadline: Deadline,
}

impl Budget {
    fn take(&mut self) -> Result<(), IngestError> {
        self.cells += 1;
        if self.cells > self.limits.max_cells {
            return Err(IngestError::Limit(format!(
                "the workbook has more than {} non-empty cells",
                self.limits.max_cells
            )));
        }
        if self.cells.is_multiple_of(4096) {
            let n = self.cells;
            self.deadline.check(|| format!("cell {n}"))?;
        }
        Ok(())
    }
}

/// Refuse a zip workbook whose parts declare more than `max` bytes in all, before calamine
/// inflates any of them. The zip reader stops a part that inflates past its declared size
/// ("larger than its declared uncompressed size"), so a lying header cannot get round this.
/// Bytes that are no zip are left to calamine, which says why with its own words.
fn check_zip(bytes: &[u8], max: u64) -> Result<(), IngestError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index_raw(i) else {
            continue;
        };
        total = total.saturating_add(part.size());
        if total > max {
            return Err(IngestError::Limit(format!(
                "the workbook's parts inflate to more than {max} bytes (part {:?} declares {} \
                 bytes): a zip bomb, or far larger than any table",
                part.name(),
                part.size()
            )));
        }
    }
    Ok(())
}

pub fn read(
    bytes: &[u8],
    format: InputFormat,
    opts: &ReadOptions,
) -> Result<Ingested, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    let limits = opts.limits;
    // An OLE container (xls, or an encrypted xlsx, which calamine's xlsx reader also opens as
    // OLE) whose sector chain loops: calamine 0.38 follows it without end (cfb.rs get_chain),
    // growing a buffer until memory runs out (found by fuzzing: 11 KB → gigabytes).
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        && biff::scan(bytes).is_err_and(|e| e == biff::CHAIN_LOOPS)
    {
        return Err(spreadsheet_error(
            format,
            "the file's sector chains loop: a damaged or hostile container",
        ));
    }
    if matches!(
        format,
        InputFormat::Xlsx | InputFormat::Xlsb | InputFormat::Ods
    ) {
        check_zip(bytes, limits.max_decompressed_bytes)?;
    }
    let mut budget = Budget {
        cells: 0,
        limits,
        deadline: limits.deadline(),
    };
    // calamine panics on some damaged files (found by fuzzing: a truncated OLE container,
    // calamine 0.38 cfb.rs:320 slices past the end of a sector): a damaged workbook, said as
    // such rather than as a crash of the reader.
    let sheets = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match format {
        InputFormat::Xlsx => read_xlsx(bytes, &mut budget),
        InputFormat::Xls => read_xls(bytes, &mut budget),
        InputFormat::Xlsb => read_xlsb(bytes, &mut budget),
        InputFormat::Ods => read_ods(bytes, &mut budget),
        other => Err(IngestError::NotFormat {
            expected: "spreadsheet",
            reason: format!("{} is not a workbook format", other.name()),
        }),
    }))
    .unwrap_or_else(|_| {
        Err(spreadsheet_error(
            format,
            "the workbook reader failed on its damaged structure",
        ))
    })?;
    let mut out = Ingested::default();
    let mut slots = 0usize;
    for sheet in sheets {
        if sheet.cells.is_empty() {
            continue;
        }
        if sheet.merges.is_none() {
            out.warnings.push(ReaderWarning {
                code: "merges_unknown".into(),
                message: format!(
                    "sheet {:?}: {} files do not give merged cells to this reader; merged regions \
                     are inferred",
                    sheet.name,
                    format.name()
                ),
                pos: SourcePos {
                    sheet: Some(sheet.name.clone()),
                    ..SourcePos::default()
                },
            });
        }
        if !sheet.formats_known {
            out.warnings.push(ReaderWarning {
                code: "number_formats_unknown".into(),
                message: format!(
                    "sheet {:?}: number formats are not available for this {} file; numbers are \
                     shown as General (387 rather than 387.00)",
                    sheet.name,
                    format.name()
                ),
                pos: SourcePos {
                    sheet: Some(sheet.name.clone()),
                    ..SourcePos::default()
                },
            });
        }
        out.grids
            .push(build_grid(sheet, &mut slots, limits.max_slots)?);
    }
    Ok(out)
}

/// Lay a sheet's cells out as rows: absolute sheet columns (`cells[c]` is column `c`, so a table
/// starting at C5 keeps two empty columns), fully empty rows omitted but row numbers kept in
/// `pos`, merged regions as spans on their top-left cell. Cells hidden under a merge (values
/// Excel keeps but does not show) are dropped: a person does not see them.
fn build_grid(sheet: RawSheet, slots: &mut usize, max_slots: usize) -> Result<Grid, IngestError> {
    let RawSheet {
        name,
        mut cells,
        merges,
        ..
    } = sheet;
    cells.sort_unstable_by_key(|&(r, c, _)| (r, c));
    let merges = merges.unwrap_or_default();
    let spans: HashMap<(u32, u32), (u32, u32)> = merges
        .iter()
        .map(|d| {
            let rows = d.end.0.saturating_sub(d.start.0) + 1;
            let cols = d.end.1.saturating_sub(d.start.1) + 1;
            (d.start, (rows, cols))
        })
        .collect();
    let covered = |r: u32, c: u32| merges.iter().any(|d| d.contains(r, c) && (r, c) != d.start);
    // Only cells inside some merge need the (linear) coverage test.
    let any_merge = !merges.is_empty();

    let mut grid = Grid::new("spreadsheet");
    grid.sheet = Some(name.clone());
    let mut i = 0;
    while i < cells.len() {
        let row = cells[i].0;
        let end = cells[i..]
            .iter()
            .position(|&(r, _, _)| r != row)
            .map_or(cells.len(), |p| i + p);
        let width = cells[end - 1].1 as usize + 1;
        *slots += width;
        if *slots > max_slots {
            return Err(IngestError::Limit(format!(
                "sheet {name:?} is too wide to lay out (cells out to column {})",
                column_letters(cells[end - 1].1)
            )));
        }
        let mut out = Row {
            cells: vec![None; width],
            pos: SourcePos {
                sheet: Some(name.clone()),
                row: Some(row + 1),
                ..SourcePos::default()
            },
            break_before: false,
        };
        for (_, col, text) in cells[i..end].iter_mut() {
            if any_merge && covered(row, *col) {
                continue;
            }
            let mut cell = Cell::new(
                std::mem::take(text),
                SourcePos {
                    sheet: Some(name.clone()),
                    row: Some(row + 1),
                    cell: Some(format!("{}{}", column_letters(*col), row + 1)),
                    ..SourcePos::default()
                },
            );
            if let Some(&(rs, cs)) = spans.get(&(row, *col)) {
                cell.row_span = rs;
                cell.col_span = cs;
            }
            out.cells[*col as usize] = Some(cell);
        }
        if !out.is_empty() {
            grid.rows.push(out);
        }
        i = end;
    }
    Ok(grid)
}

fn spreadsheet_error(format: InputFormat, e: impl std::fmt::Display) -> IngestError {
    IngestError::Spreadsheet(format!("not a readable {} workbook ({e})", format.name()))
}

/// Text as a person reads it: trimmed, line breaks as `\n`.
fn clean(s: &str) -> String {
    let s = s.trim();
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_string()
    }
}

fn push(
    cells: &mut Vec<(u32, u32, String)>,
    budget: &mut Budget,
    (row, col): (u32, u32),
    text: String,
) -> Result<(), IngestError> {
    let text = clean(&text);
    if !text.is_empty() {
        budget.take()?;
        cells.push((row, col, text));
    }
    Ok(())
}

/// Display text of a value, with the number format `code` when known (General otherwise).
fn display(value: &DataRef<'_>, code: Option<&str>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => number(*i as f64, code),
        DataRef::Float(f) => number(*f, code),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        DataRef::DateTime(dt) => date_text(dt),
        DataRef::DateTimeIso(s) => iso_date_text(s),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

fn display_data(value: &Data, code: Option<&str>) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => number(*i as f64, code),
        Data::Float(f) => number(*f, code),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(dt) => date_text(dt),
        Data::DateTimeIso(s) => iso_date_text(s),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

fn number(v: f64, code: Option<&str>) -> String {
    match code {
        Some(code) => numfmt::format_number(v, code),
        None => numfmt::general(v),
    }
}

/// Dates as ISO dates (`2026-12-31`), with the time only when there is one; a time-only value
/// (below one day) as the time.
fn date_text(dt: &ExcelDateTime) -> String {
    if dt.is_duration() {
        return numfmt::general(dt.as_f64());
    }
    let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
    let time = format!("{h:02}:{mi:02}:{s:02}");
    if dt.as_f64() < 1.0 && dt.as_f64() >= 0.0 {
        time
    } else if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02} {time}")
    }
}

/// ODS dates come as ISO text (`2026-12-31T00:00:00`): keep the date, and the time when set.
fn iso_date_text(s: &str) -> String {
    match s.split_once('T') {
        Some((date, time)) if time.trim_start_matches(['0', ':', '.']).is_empty() => date.into(),
        Some((date, time)) => format!("{date} {}", time.split('.').next().unwrap_or(time)),
        None => s.to_string(),
    }
}

fn read_xlsx(bytes: &[u8], budget: &mut Budget) -> Result<Vec<RawSheet>, IngestError> {
    let err = |e: calamine::XlsxError| spreadsheet_error(InputFormat::Xlsx, e);
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(err)?;
    let names = worksheet_names(&wb);
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let merges = wb.merge_cells_by_sheet_name(&name).map_err(err)?;
        let mut reader = wb.worksheet_cells_reader(&name).map_err(err)?;
        // The format code of every style id, looked up once (the reader borrows the palette).
        let codes: Vec<Option<String>> = reader
            .styles()
            .iter()
            .map(|s| s.number_format.as_ref().map(|f| f.format_code.clone()))
            .collect();
        let mut cells = Vec::new();
        while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(err)? {
            let code = codes.get(style).and_then(|c| c.as_deref());
            let text = display(cell.get_value(), code);
            push(&mut cells, budget, cell.get_position(), text)?;
        }
        out.push(RawSheet {
            name,
            cells,
            merges: Some(merges),
            formats_known: true,
        });
    }
    Ok(out)
}

/// The names of a workbook's worksheets (chart and macro sheets hold no table).
fn worksheet_names<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(wb: &R) -> Vec<String> {
    wb.sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

fn read_xlsb(bytes: &[u8], budget: &mut Budget) -> Result<Vec<RawSheet>, IngestError> {
    let err = |e: calamine::XlsbError| spreadsheet_error(InputFormat::Xlsb, e);
    let mut wb: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(err)?;
    let names = worksheet_names(&wb);
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let mut reader = wb.worksheet_cells_reader(&name).map_err(err)?;
        let mut cells = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(err)? {
            let text = display(cell.get_value(), None);
            push(&mut cells, budget, cell.get_position(), text)?;
        }
        out.push(RawSheet {
            name,
            cells,
            merges: None,
            formats_known: false,
        });
    }
    Ok(out)
}

fn read_xls(bytes: &[u8], budget: &mut Budget) -> Result<Vec<RawSheet>, IngestError> {
    if biff::is_encrypted_ooxml(bytes) {
        return Err(IngestError::Spreadsheet(
            "the workbook is encrypted (password-protected); save a copy without a password".into(),
        ));
    }
    // calamine lays every xls sheet out densely when it opens the file, so refuse a sheet that
    // claims a huge used area before calamine sees it; the same walk gives the number formats.
    // A walk that cannot follow the file leaves the numbers General; calamine then decides
    // whether the workbook is readable at all, with its own (better) reason.
    let formats = biff::scan(bytes).unwrap_or_default();
    for sheet in &formats.sheets {
        if sheet.area > budget.limits.max_slots as u64 {
            return Err(IngestError::Limit(format!(
                "sheet {:?} claims {} cells",
                sheet.name, sheet.area
            )));
        }
    }
    let err = |e: calamine::XlsError| match e {
        calamine::XlsError::Password => IngestError::Spreadsheet(
            "the workbook is encrypted (password-protected); save a copy without a password".into(),
        ),
        e => spreadsheet_error(InputFormat::Xls, e),
    };
    let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(err)?;
    let names = worksheet_names(&wb);
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let range = wb.worksheet_range(&name).map_err(err)?;
        let merges = wb.merge_cells_by_sheet_name(&name).map_err(err)?;
        let codes = formats.sheets.iter().find(|s| s.name == name);
        let mut cells = Vec::new();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, value) in range.used_cells() {
            let pos = (r0 + r as u32, c0 + c as u32);
            let code = codes.and_then(|s| s.code_at(pos, &formats.codes));
            push(&mut cells, budget, pos, display_data(value, code))?;
        }
        out.push(RawSheet {
            name,
            cells,
            merges: Some(merges),
            formats_known: codes.is_some(),
        });
    }
    Ok(out)
}

fn read_ods(bytes: &[u8], budget: &mut Budget) -> Result<Vec<RawSheet>, IngestError> {
    let err = |e: calamine::OdsError| spreadsheet_error(InputFormat::Ods, e);
    let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(err)?;
    let names = worksheet_names(&wb);
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let range = wb.worksheet_range(&name).map_err(err)?;
        let mut cells = Vec::new();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, value) in range.used_cells() {
            let pos = (r0 + r as u32, c0 + c as u32);
            push(&mut cells, budget, pos, display_data(value, None))?;
        }
        out.push(RawSheet {
            name,
            cells,
            merges: None,
            formats_known: false,
        });
    }
    Ok(out)
}
