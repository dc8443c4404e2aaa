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
//! - xlsx: our own reader (`xlsx`, `xlsx_sheet`): the package once (shared strings, number
//!   formats), then one parse of each sheet for its values, merged regions and hidden
//!   rows/columns, reading every value as calamine does. A workbook it cannot read exactly as
//!   calamine would goes through calamine for the values (number formats rendered by `numfmt`)
//!   and `ooxml` for merges and hidden rows/columns, as before.
//! - xls: values and merged regions from calamine; number formats and hidden rows/columns
//!   from our own BIFF walk (`biff`), since calamine keeps them private.
//! - ods: our own reader of `content.xml` (`ods`), since calamine gives ODS values only: the
//!   text as displayed, merged regions, hidden rows and columns.
//! - xlsb: values from calamine; merged regions and hidden rows/columns from `xlsb`, which walks
//!   the sheet's BIFF12 records once more, skipping the cells. Numbers are shown as General
//!   (calamine keeps xlsb number formats private): each sheet gets `number_formats_unknown`, and
//!   a sheet `xlsb` cannot follow gets `merges_unknown` so the normalizer knows to infer fills.

mod biff;
mod merges;
pub mod numfmt;
mod ods;
mod ooxml;
mod xlsb;
mod xlsx;
mod xlsx_sheet;

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Dimensions, ExcelDateTime, Reader, SheetType, Xls, Xlsb, Xlsx};

use super::{
    Cell, Deadline, Grid, Ingested, InputFormat, Limits, ReadOptions, ReaderWarning, Row, SourcePos,
};
use crate::error::IngestError;
use crate::grid::{Method, column_letters};

/// The default of `Limits::max_cells`: cells (non-empty, across all sheets) one workbook may
/// hold. Performance tables have hundreds, a department's workbook of a hundred project sheets
/// tens of thousands. A cell costs about 560 bytes once read and laid out, and a few hundred
/// bytes of file can claim millions of them (an ODS cell repeated, an xlsx compressed a
/// thousandfold), so the default keeps one workbook under ~300 MB.
pub const MAX_CELLS: usize = 500_000;

/// The default of `Limits::max_slots`: grid slots (columns up to each row's last cell, summed
/// over rows) one workbook may use: a few cells scattered out to column XFD would otherwise make
/// every row 16,384 slots wide. A slot costs about 110 bytes.
pub const MAX_SLOTS: usize = 2_000_000;

/// Excel's grid, XFD1048576: the last row (0-based) and the number of columns. Every reader of
/// ours holds positions to it.
const LAST_ROW: u32 = 1_048_575;
const COLUMNS: u32 = 16_384;

/// One sheet's used cells, before layout.
struct RawSheet {
    name: String,
    /// `(row, col, text)`, 0-based, text already as displayed and trimmed; empty texts dropped.
    cells: Vec<(u32, u32, String)>,
    /// Merged regions, or `None` when the format does not tell.
    merges: Option<Vec<Dimensions>>,
    /// Whether numbers were rendered with their number formats (otherwise General).
    formats_known: bool,
    /// Hidden rows and columns (0-based, ascending), when the format tells: they are kept, and
    /// flagged, since a person copying the table would not have seen them.
    hidden_rows: Vec<u32>,
    hidden_cols: Vec<u32>,
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
    // Two entries of one name: readers disagree on which one counts (the zip crate keeps the
    // last), so what perfnorm reads could differ from what a person sees in Excel.
    if zip.has_duplicate_names() {
        let name = duplicate_name(bytes).unwrap_or_else(|| "?".into());
        return Err(IngestError::Spreadsheet(format!(
            "the workbook holds two zip entries named {name:?}: a damaged or tampered file \
             (which of them a reader takes is arbitrary)"
        )));
    }
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

/// The first name that two central-directory entries share (`PK\x01\x02` headers: the name's
/// length at offset 28, the name at 46), for the message.
fn duplicate_name(bytes: &[u8]) -> Option<String> {
    let mut seen = std::collections::HashSet::new();
    for at in memchr::memmem::find_iter(bytes, b"PK\x01\x02") {
        let len = bytes.get(at + 28..at + 30)?;
        let len = u16::from_le_bytes([len[0], len[1]]) as usize;
        let Some(name) = bytes.get(at + 46..at + 46 + len) else {
            continue;
        };
        if !seen.insert(name) {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
    }
    None
}

/// Read a workbook of `format` (xlsx, xls, xlsb or ods) into grids, one per sheet.
pub fn read(
    bytes: &[u8],
    format: InputFormat,
    opts: &ReadOptions,
) -> Result<Ingested, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    let limits = opts.limits;
    check_container(bytes, format, limits)?;
    let mut budget = Budget {
        cells: 0,
        limits,
        deadline: limits.deadline(),
    };
    let sheets = read_sheets(bytes, format, &mut budget)?;
    let mut out = Ingested::default();
    let mut slots = 0usize;
    for mut sheet in sheets {
        if sheet.cells.is_empty() {
            continue;
        }
        settle_merges(&mut sheet, format, &mut out.warnings);
        if !sheet.formats_known {
            out.warnings.push(sheet_warning(
                &sheet.name,
                "number_formats_unknown",
                format!(
                    "sheet {:?}: number formats are not available for this {} file; numbers are \
                     shown as General (387 rather than 387.00)",
                    sheet.name,
                    format.name()
                ),
            ));
        }
        hidden_warnings(&sheet, opts.include_hidden, &mut out.warnings);
        out.grids.push(build_grid(
            sheet,
            &mut slots,
            limits.max_slots,
            opts.include_hidden,
        )?);
    }
    Ok(out)
}

/// Refuse a container the workbook readers would not come back from: an OLE container whose
/// sector chains loop, a zip that inflates past the limit.
fn check_container(bytes: &[u8], format: InputFormat, limits: Limits) -> Result<(), IngestError> {
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
    Ok(())
}

/// Every sheet of the workbook, by the reader of its format.
fn read_sheets(
    bytes: &[u8],
    format: InputFormat,
    budget: &mut Budget,
) -> Result<Vec<RawSheet>, IngestError> {
    // calamine panics on some damaged files (found by fuzzing: a truncated OLE container,
    // calamine 0.38 cfb.rs:320 slices past the end of a sector): a damaged workbook, said as
    // such rather than as a crash of the reader.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match format {
        InputFormat::Xlsx => read_xlsx(bytes, budget),
        InputFormat::Xls => read_xls(bytes, budget),
        InputFormat::Xlsb => read_xlsb(bytes, budget),
        InputFormat::Ods => read_ods(bytes, budget),
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
    })
}

/// A warning about one sheet.
fn sheet_warning(sheet: &str, code: &str, message: String) -> ReaderWarning {
    ReaderWarning {
        code: code.into(),
        message,
        pos: SourcePos {
            sheet: Some(sheet.to_string()),
            ..SourcePos::default()
        },
    }
}

/// The sheet's merges, absurd ones ignored (`merge_ignored`); when the format does not tell
/// them, a warning that they are inferred.
fn settle_merges(sheet: &mut RawSheet, format: InputFormat, warnings: &mut Vec<ReaderWarning>) {
    if let Some(claimed) = sheet.merges.take() {
        sheet.cells.sort_unstable_by_key(|&(r, c, _)| (r, c));
        let (kept, ignored) = merges::check(claimed, &sheet.cells);
        for message in merges::messages(&sheet.name, &ignored) {
            warnings.push(sheet_warning(&sheet.name, "merge_ignored", message));
        }
        sheet.merges = Some(kept);
    }
    if sheet.merges.is_none() {
        warnings.push(sheet_warning(
            &sheet.name,
            "merges_unknown",
            format!(
                "sheet {:?}: {} files do not give merged cells to this reader; merged regions \
                 are inferred",
                sheet.name,
                format.name()
            ),
        ));
    }
}

/// A warning for the hidden rows, and one for the hidden columns, that hold cells.
fn hidden_warnings(sheet: &RawSheet, include_hidden: bool, warnings: &mut Vec<ReaderWarning>) {
    // Only hidden rows and columns that hold cells matter: the rest of a hidden range (often
    // out to column XFD) has nothing to read.
    let holding = |hidden: &[u32], at: fn(&(u32, u32, String)) -> u32| -> Vec<u32> {
        if hidden.is_empty() {
            return Vec::new();
        }
        let used: std::collections::HashSet<u32> = sheet.cells.iter().map(at).collect();
        hidden
            .iter()
            .copied()
            .filter(|i| used.contains(i))
            .collect()
    };
    let rows = holding(&sheet.hidden_rows, |c| c.0);
    let cols = holding(&sheet.hidden_cols, |c| c.1);
    for (code, what, list, n) in [
        (
            "hidden_rows",
            "row",
            hidden_list(&rows, |r| (r + 1).to_string()),
            rows.len(),
        ),
        (
            "hidden_columns",
            "column",
            hidden_list(&cols, column_letters),
            cols.len(),
        ),
    ] {
        let Some(list) = list else { continue };
        let (what, are, their) = if n == 1 {
            (what.to_string(), "is", "its")
        } else {
            (format!("{what}s"), "are", "their")
        };
        let message = if include_hidden {
            format!(
                "sheet {:?}: {what} {list} {are} hidden in the workbook; {their} cells are read \
                 like the others (--include-hidden)",
                sheet.name
            )
        } else {
            format!(
                "sheet {:?}: {what} {list} {are} hidden in the workbook and left out of the \
                 table, as in its print; a code column fills the indicators' code, other cells \
                 are quoted as hidden_cell (--include-hidden reads them)",
                sheet.name
            )
        };
        warnings.push(sheet_warning(&sheet.name, code, message));
    }
}

/// Lay a sheet's cells out as rows: absolute sheet columns (`cells[c]` is column `c`, so a table
/// starting at C5 keeps two empty columns), fully empty rows omitted but row numbers kept in
/// `pos`, merged regions as spans on their top-left cell. Cells hidden under a merge (values
/// Excel keeps but does not show) are dropped: a person does not see them.
fn build_grid(
    sheet: RawSheet,
    slots: &mut usize,
    max_slots: usize,
    include_hidden: bool,
) -> Result<Grid, IngestError> {
    let RawSheet {
        name,
        mut cells,
        merges,
        hidden_rows,
        hidden_cols,
        ..
    } = sheet;
    let (hidden_rows, hidden_cols) = if include_hidden {
        (Vec::new(), Vec::new())
    } else {
        (hidden_rows, hidden_cols)
    };
    cells.sort_unstable_by_key(|&(r, c, _)| (r, c));
    let merges = merges.unwrap_or_default();
    let lay = RowLayout {
        name: &name,
        spans: merges
            .iter()
            .map(|d| {
                let rows = d.end.0.saturating_sub(d.start.0) + 1;
                let cols = d.end.1.saturating_sub(d.start.1) + 1;
                (d.start, (rows, cols))
            })
            .collect(),
        covered: covered_cells(&cells, &merges),
        hidden_rows: &hidden_rows,
        hidden_cols: &hidden_cols,
    };
    let mut grid = Grid::new(Method::Spreadsheet);
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
        let out = lay.row(i, &mut cells[i..end], width, &mut grid.hidden);
        if !out.is_empty() {
            grid.rows.push(out);
        }
        i = end;
    }
    Ok(grid)
}

/// What laying out one row of a sheet needs to know of the whole sheet.
struct RowLayout<'s> {
    name: &'s str,
    /// Merged regions' spans by their top-left cell.
    spans: HashMap<(u32, u32), (u32, u32)>,
    /// Per (sorted) cell: under a merge without being its top-left cell.
    covered: Vec<bool>,
    hidden_rows: &'s [u32],
    hidden_cols: &'s [u32],
}

impl RowLayout<'_> {
    /// One sheet row's cells (`cells`, the sorted cells from index `first`, texts taken) → a
    /// grid row `width` wide; hidden cells go to `hidden`.
    fn row(
        &self,
        first: usize,
        cells: &mut [(u32, u32, String)],
        width: usize,
        hidden: &mut Vec<Cell>,
    ) -> Row {
        let row = cells[0].0;
        let name = self.name;
        let mut out = Row {
            cells: vec![None; width],
            pos: SourcePos {
                sheet: Some(name.to_string()),
                row: Some(row + 1),
                ..SourcePos::default()
            },
            break_before: false,
        };
        for (k, (_, col, text)) in cells.iter_mut().enumerate() {
            if self.covered[first + k] {
                continue;
            }
            let mut cell = Cell::new(
                std::mem::take(text),
                SourcePos {
                    sheet: Some(name.to_string()),
                    row: Some(row + 1),
                    cell: Some(format!("{}{}", column_letters(*col), row + 1)),
                    ..SourcePos::default()
                },
            );
            if let Some(&(rs, cs)) = self.spans.get(&(row, *col)) {
                cell.row_span = rs;
                cell.col_span = cs;
            }
            let hidden_here = self.hidden_rows.binary_search(&row).is_ok()
                || self.hidden_cols.binary_search(col).is_ok();
            if hidden_here {
                hidden.push(cell);
                continue;
            }
            out.cells[*col as usize] = Some(cell);
        }
        out
    }
}

/// `[3, 4, 5, 9]` as `4–6, 10` (through `name`), at most a dozen runs; `None` when empty.
fn hidden_list(items: &[u32], name: impl Fn(u32) -> String) -> Option<String> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &i in items {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == i => *end = i,
            _ => runs.push((i, i)),
        }
    }
    let mut parts: Vec<String> = runs
        .iter()
        .take(12)
        .map(|&(a, b)| {
            if a == b {
                name(a)
            } else {
                format!("{}–{}", name(a), name(b))
            }
        })
        .collect();
    if runs.len() > 12 {
        parts.push(format!("and {} more", runs.len() - 12));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Which of the (sorted) `cells` lie under a merge without being its top-left cell. Each merge
/// visits only the cells of its own rows and columns (a binary search per row), so a long
/// table with thousands of merges costs what its cells cost.
fn covered_cells(cells: &[(u32, u32, String)], merges: &[Dimensions]) -> Vec<bool> {
    let mut covered = vec![false; cells.len()];
    let first_at = |pos: (u32, u32)| cells.partition_point(|&(r, c, _)| (r, c) < pos);
    for d in merges {
        let mut i = first_at(d.start);
        while let Some(&(r, c, _)) = cells.get(i) {
            if r > d.end.0 {
                break;
            }
            if c < d.start.1 {
                i = first_at((r, d.start.1));
            } else if c > d.end.1 {
                let Some(next) = r.checked_add(1) else { break };
                i = first_at((next, d.start.1));
            } else {
                covered[i] |= (r, c) != d.start;
                i += 1;
            }
        }
    }
    covered
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
    pos: (u32, u32),
    text: String,
) -> Result<(), IngestError> {
    push_text(cells, budget, pos, &text)
}

/// `push` from a borrowed text (a shared string), so the cell's text is its one allocation.
fn push_text(
    cells: &mut Vec<(u32, u32, String)>,
    budget: &mut Budget,
    (row, col): (u32, u32),
    text: &str,
) -> Result<(), IngestError> {
    let text = clean(text);
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

/// xlsx in one pass of each sheet (`xlsx`); through calamine when that reader gives up.
fn read_xlsx(bytes: &[u8], budget: &mut Budget) -> Result<Vec<RawSheet>, IngestError> {
    let counted = budget.cells;
    if let Some(sheets) = xlsx::read(bytes, budget)? {
        return Ok(sheets);
    }
    budget.cells = counted;
    read_xlsx_calamine(bytes, budget)
}

fn read_xlsx_calamine(bytes: &[u8], budget: &mut Budget) -> Result<Vec<RawSheet>, IngestError> {
    let err = |e: calamine::XlsxError| spreadsheet_error(InputFormat::Xlsx, e);
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(err)?;
    let names = worksheet_names(&wb);
    // Merges and hidden rows/columns without a second parse of every cell; calamine's merge
    // pass when the package cannot be followed.
    let mut extras = ooxml::read(bytes);
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let extra = match extras.as_mut().and_then(|x| x.remove(&name)) {
            Some(x) => x,
            None => ooxml::SheetExtras {
                merges: wb.merge_cells_by_sheet_name(&name).map_err(err)?,
                ..Default::default()
            },
        };
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
        drop(reader);
        // A formula with no value saved (a workbook written by a program that never
        // calculated it; `=100%` typed as text by a script becomes one) would read empty:
        // its formula is what the author wrote, so it stands in for the value.
        if extra.has_formulas
            && let Ok(formulas) = wb.worksheet_formula(&name)
        {
            let (r0, c0) = formulas.start().unwrap_or((0, 0));
            let have: std::collections::HashSet<(u32, u32)> =
                cells.iter().map(|&(r, c, _)| (r, c)).collect();
            for (r, c, f) in formulas.used_cells() {
                let pos = (r0 + r as u32, c0 + c as u32);
                if !f.is_empty() && !have.contains(&pos) {
                    push(&mut cells, budget, pos, format!("={f}"))?;
                }
            }
        }
        out.push(RawSheet {
            name,
            cells,
            merges: Some(extra.merges),
            formats_known: true,
            hidden_rows: extra.hidden_rows,
            hidden_cols: extra.hidden_cols,
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
    // Merges and hidden rows/columns from our own record walk; a sheet it cannot follow keeps
    // its merges unknown.
    let mut extras = xlsb::read(bytes);
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let extra = extras.as_mut().and_then(|x| x.remove(&name));
        let mut reader = wb.worksheet_cells_reader(&name).map_err(err)?;
        let mut cells = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(err)? {
            let text = display(cell.get_value(), None);
            push(&mut cells, budget, cell.get_position(), text)?;
        }
        let (merges, hidden_rows, hidden_cols) = match extra {
            Some(x) => (Some(x.merges), x.hidden_rows, x.hidden_cols),
            None => (None, Vec::new(), Vec::new()),
        };
        out.push(RawSheet {
            name,
            cells,
            merges,
            formats_known: false,
            hidden_rows,
            hidden_cols,
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
        if sheet.claimed > budget.limits.max_slots as u64 {
            return Err(IngestError::Limit(format!(
                "sheet {:?} claims {} cells in its DIMENSIONS record, over the limit of {} \
                 grid slots (a damaged or hostile workbook)",
                sheet.name, sheet.claimed, budget.limits.max_slots
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
            hidden_rows: codes.map(|s| s.hidden_rows.clone()).unwrap_or_default(),
            hidden_cols: codes.map(|s| s.hidden_cols.clone()).unwrap_or_default(),
        });
    }
    Ok(out)
}

fn read_ods(bytes: &[u8], budget: &mut Budget) -> Result<Vec<RawSheet>, IngestError> {
    ods::read(bytes, budget)
}
