//! Our own ODS reader: `content.xml` → one `RawSheet` per `table:table`, in document order.
//!
//! It exists because calamine (0.38) gives ODS cell values only: numbers as General, no merged
//! regions, no hidden rows or columns. `content.xml` holds all of that, and more: each cell's
//! paragraphs are the text LibreOffice displayed, its number format already applied (`95%`,
//! `1,234.00`), so an ODS sheet reads like an xlsx one without our formatting the values again.
//!
//! The XML is streamed (quick-xml, namespaces resolved, so any prefix works). A sheet costs what
//! its used cells cost: LibreOffice pads every sheet to its end with repeats of empty rows and
//! cells (`table:number-rows-repeated="1048000"`), which only move the position. Merges and
//! hidden rows and columns are kept as runs while reading and expanded when the sheet ends,
//! over its used extent only. What the elements and attributes mean is in `xml`; this file
//! keeps the parser's state and its steps.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Cursor, Read};

use calamine::Dimensions;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::NamespaceResolver;
use quick_xml::reader::NsReader;

use self::xml::{
    Ctx, OFFICE_NS, TABLE_NS, TEXT_NS, Tag, attributes, child, classify, count, damaged, entity,
    hidden_value,
};
use super::{Budget, RawSheet, clean, iso_date_text, numfmt, push, spreadsheet_error};
use crate::error::IngestError;
use crate::ingest::InputFormat;

mod xml;

/// The last row and column of Excel's grid (XFD1048576), 0-based. LibreOffice can go further
/// (16M rows in its "jumbo" sheets), but no table lives out there: empty rows and cells past it
/// are ignored (they are the padding to the sheet's end), and text past it is an error rather
/// than a silently shorter table.
const MAX_ROW: u64 = super::LAST_ROW as u64;
const MAX_COL: u64 = super::COLUMNS as u64 - 1;

/// Read the sheets of an ODS file (`check_zip` has already bounded what its parts inflate to).
pub(super) fn read(bytes: &[u8], budget: &mut Budget) -> Result<Vec<RawSheet>, IngestError> {
    let err = |e: String| spreadsheet_error(InputFormat::Ods, e);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| err(format!("not a zip archive: {e}")))?;
    // An encrypted package keeps its manifest in the clear but content.xml as ciphertext,
    // which would otherwise be reported as damaged XML.
    if encrypted(&mut zip) {
        return Err(IngestError::Spreadsheet(
            "the workbook is encrypted (password-protected); save a copy without a password".into(),
        ));
    }
    let content = match zip.by_name("content.xml") {
        Ok(part) => part,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(err("the package has no content.xml".into()));
        }
        Err(e) => return Err(err(format!("content.xml cannot be opened: {e}"))),
    };
    parse(BufReader::new(content), budget)
}

/// Whether the package manifest declares encrypted parts.
fn encrypted<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> bool {
    let Ok(manifest) = zip.by_name("META-INF/manifest.xml") else {
        return false;
    };
    let mut xml = Vec::new();
    // A manifest lists the parts: a few KB. A damaged one reads as not encrypted, and the
    // content then says what is wrong.
    if manifest.take(16 << 20).read_to_end(&mut xml).is_err() {
        return false;
    }
    xml.windows(b"encryption-data".len())
        .any(|w| w == b"encryption-data")
}

/// A merged cell, possibly repeated across columns (the cell) and rows (its row).
struct MergeRun {
    row: u64,
    row_repeat: u64,
    col: u64,
    col_repeat: u64,
    rows: u64,
    cols: u64,
}

/// How a value attribute reads when a cell has no paragraph to show.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Value {
    /// `office:value`, shown as General.
    Number,
    /// `office:date-value`, ISO.
    Date,
    /// `office:boolean-value`.
    Bool,
    /// As written (`office:string-value`, the ISO duration of `office:time-value`).
    Text,
}

fn value_text((kind, v): (Value, String)) -> String {
    match kind {
        Value::Number => v.trim().parse::<f64>().map_or(v, numfmt::general),
        Value::Date => iso_date_text(&v),
        Value::Bool => if v.trim() == "true" { "TRUE" } else { "FALSE" }.to_string(),
        Value::Text => v,
    }
}

/// The cell being read.
#[derive(Default)]
struct CellState {
    covered: bool,
    repeat: u64,
    rows: u64,
    cols: u64,
    /// The cell's value, shown when it has no paragraph.
    value: Option<(Value, String)>,
    paras: Vec<String>,
    para: String,
    /// Whether the next XML white space is dropped: ODF collapses runs of white space in a
    /// paragraph to one space and drops it at the start; real extra spaces are `text:s`.
    collapse: bool,
}

/// The sheet being read.
struct SheetState {
    name: String,
    cells: Vec<(u32, u32, String)>,
    /// The next row, and the next column of the `table:table-column` definitions.
    row: u64,
    col_def: u64,
    /// `(start, count)` runs, ascending.
    hidden_rows: Vec<(u64, u64)>,
    hidden_cols: Vec<(u64, u64)>,
    merges: Vec<MergeRun>,
    // The row being read.
    row_repeat: u64,
    row_hidden: bool,
    col: u64,
    /// Non-empty (cleaned) texts of the row, by column; pushed when the row ends, once per
    /// repeat.
    row_cells: Vec<(u32, String)>,
    /// `(col, col_repeat, rows, cols)` of the row's merged cells.
    row_merges: Vec<(u64, u64, u64, u64)>,
    cell: CellState,
}

struct Parser<'b> {
    budget: &'b mut Budget,
    out: Vec<RawSheet>,
    sheet: Option<SheetState>,
    /// Bytes of text made by repeats and `text:s` counts, beyond what the XML itself holds:
    /// bounded by `max_decompressed_bytes`, so a small file cannot expand into a huge one.
    expanded: u64,
}

/// Parse `content.xml`.
fn parse<R: BufRead>(source: R, budget: &mut Budget) -> Result<Vec<RawSheet>, IngestError> {
    let mut reader = NsReader::from_reader(source);
    // Spaces are content in cells (`text:s` aside, a lone space between words is plain text).
    reader.config_mut().trim_text(false);
    let mut parser = Parser {
        budget,
        out: Vec::new(),
        sheet: None,
        expanded: 0,
    };
    let mut stack: Vec<Ctx> = Vec::new();
    let mut buf = Vec::new();
    let mut events: u64 = 0;
    loop {
        buf.clear();
        events += 1;
        // Empty elements cost no cell budget, so the clock is looked at here too.
        if events.is_multiple_of(1 << 16) {
            let at = reader.buffer_position();
            parser
                .budget
                .deadline
                .check(|| format!("byte {at} of content.xml"))?;
        }
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => return Err(damaged(reader.error_position(), e)),
        };
        let parent = stack.last().copied().unwrap_or(Ctx::Outside);
        match event {
            Event::Start(e) => {
                let ctx = parser.open(parent, &e, reader.resolver())?;
                stack.push(ctx);
            }
            Event::Empty(e) => {
                let ctx = parser.open(parent, &e, reader.resolver())?;
                parser.close(ctx)?;
            }
            Event::End(_) => {
                // quick-xml has matched the end to its start: the stack is not empty.
                let ctx = stack.pop().unwrap_or(Ctx::Skip);
                parser.close(ctx)?;
            }
            Event::Text(t) if matches!(parent, Ctx::Para | Ctx::Span) => {
                parser.text(&t.xml10_content());
            }
            Event::CData(t) if matches!(parent, Ctx::Para | Ctx::Span) => {
                parser.text(&t.xml10_content());
            }
            Event::GeneralRef(r) if matches!(parent, Ctx::Para | Ctx::Span) => {
                let s = entity(&r).map_err(|e| damaged(reader.buffer_position(), e))?;
                // A referenced character is a character like any other, white space included.
                parser.text(&s);
            }
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(spreadsheet_error(
                        InputFormat::Ods,
                        "content.xml ends inside an element: it is truncated",
                    ));
                }
                break;
            }
            _ => {}
        }
    }
    Ok(parser.out)
}

impl Parser<'_> {
    /// An element starts; returns the context it opens.
    fn open(
        &mut self,
        parent: Ctx,
        e: &BytesStart<'_>,
        resolver: &NamespaceResolver,
    ) -> Result<Ctx, IngestError> {
        let (ns, local) = resolver.resolve_element(e.name());
        let tag = classify(&ns, local.as_ref());
        if parent == Ctx::Sheet || parent == Ctx::Group {
            if tag == Tag::Column {
                self.column(e, resolver)?;
            }
        } else if matches!(parent, Ctx::Para | Ctx::Span) {
            match tag {
                Tag::Space => {
                    let n = attributes(e, resolver)?
                        .iter()
                        .find(|(ns, l, _)| *ns == TEXT_NS && *l == "c")
                        // A bad count is still a space.
                        .map_or(1, |(_, _, v)| v.trim().parse::<u64>().unwrap_or(1));
                    self.spaces(n)?;
                }
                Tag::Tab => self.literal("\t"),
                Tag::LineBreak => self.literal("\n"),
                _ => {}
            }
        }
        let ctx = child(parent, tag);
        match ctx {
            Ctx::Sheet => self.begin_sheet(e, resolver)?,
            Ctx::Row => self.begin_row(e, resolver)?,
            Ctx::Cell => self.begin_cell(e, resolver, tag == Tag::Cell { covered: true })?,
            Ctx::Para => {
                if let Some(s) = &mut self.sheet {
                    s.cell.para.clear();
                    s.cell.collapse = true;
                }
            }
            _ => {}
        }
        Ok(ctx)
    }

    /// An element ends.
    fn close(&mut self, ctx: Ctx) -> Result<(), IngestError> {
        match ctx {
            Ctx::Sheet => self.end_sheet(),
            Ctx::Row => self.end_row(),
            Ctx::Cell => self.end_cell(),
            Ctx::Para => {
                if let Some(s) = &mut self.sheet {
                    let p = std::mem::take(&mut s.cell.para);
                    s.cell.paras.push(p);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn begin_sheet(
        &mut self,
        e: &BytesStart<'_>,
        resolver: &NamespaceResolver,
    ) -> Result<(), IngestError> {
        let name = attributes(e, resolver)?
            .into_iter()
            .find(|(ns, l, _)| *ns == TABLE_NS && *l == "name")
            .map(|(_, _, v)| v.into_owned())
            .unwrap_or_else(|| format!("Sheet{}", self.out.len() + 1));
        self.sheet = Some(SheetState {
            name,
            cells: Vec::new(),
            row: 0,
            col_def: 0,
            hidden_rows: Vec::new(),
            hidden_cols: Vec::new(),
            merges: Vec::new(),
            row_repeat: 1,
            row_hidden: false,
            col: 0,
            row_cells: Vec::new(),
            row_merges: Vec::new(),
            cell: CellState::default(),
        });
        Ok(())
    }

    fn column(
        &mut self,
        e: &BytesStart<'_>,
        resolver: &NamespaceResolver,
    ) -> Result<(), IngestError> {
        let mut repeat = 1;
        let mut hidden = false;
        for (ns, local, value) in attributes(e, resolver)? {
            match (ns, local) {
                (TABLE_NS, "number-columns-repeated") => repeat = count(local, &value)?,
                (TABLE_NS, "visibility") => hidden = hidden_value(&value),
                _ => {}
            }
        }
        let Some(s) = &mut self.sheet else {
            return Ok(());
        };
        if hidden && s.col_def <= MAX_COL {
            add_run(&mut s.hidden_cols, s.col_def, repeat);
        }
        s.col_def = s.col_def.saturating_add(repeat);
        Ok(())
    }

    fn begin_row(
        &mut self,
        e: &BytesStart<'_>,
        resolver: &NamespaceResolver,
    ) -> Result<(), IngestError> {
        let mut repeat = 1;
        let mut hidden = false;
        for (ns, local, value) in attributes(e, resolver)? {
            match (ns, local) {
                (TABLE_NS, "number-rows-repeated") => repeat = count(local, &value)?,
                (TABLE_NS, "visibility") => hidden = hidden_value(&value),
                _ => {}
            }
        }
        if let Some(s) = &mut self.sheet {
            s.row_repeat = repeat;
            s.row_hidden = hidden;
            s.col = 0;
            s.row_cells.clear();
            s.row_merges.clear();
        }
        Ok(())
    }

    fn begin_cell(
        &mut self,
        e: &BytesStart<'_>,
        resolver: &NamespaceResolver,
        covered: bool,
    ) -> Result<(), IngestError> {
        let mut cell = CellState {
            covered,
            repeat: 1,
            rows: 1,
            cols: 1,
            ..CellState::default()
        };
        let mut value_type = None;
        let mut values: Vec<(&str, Cow<'_, str>)> = Vec::new();
        for (ns, local, value) in attributes(e, resolver)? {
            match (ns, local) {
                (TABLE_NS, "number-columns-repeated") => cell.repeat = count(local, &value)?,
                (TABLE_NS, "number-columns-spanned") => cell.cols = count(local, &value)?,
                (TABLE_NS, "number-rows-spanned") => cell.rows = count(local, &value)?,
                (OFFICE_NS, "value-type") => value_type = Some(value.into_owned()),
                (OFFICE_NS, _) => values.push((local, value)),
                _ => {}
            }
        }
        let get = |name: &str| {
            values
                .iter()
                .find(|(l, _)| *l == name)
                .map(|(_, v)| v.as_ref())
        };
        // Kept raw: it is shown only when the cell has no paragraph, which is rare.
        cell.value = match value_type.as_deref() {
            Some("float" | "percentage" | "currency") => get("value").map(|v| (Value::Number, v)),
            Some("date") => get("date-value").map(|v| (Value::Date, v)),
            Some("time") => get("time-value").map(|v| (Value::Text, v)),
            Some("boolean") => get("boolean-value").map(|v| (Value::Bool, v)),
            Some("string") => get("string-value").map(|v| (Value::Text, v)),
            _ => None,
        }
        .map(|(kind, v)| (kind, v.to_string()));
        if let Some(s) = &mut self.sheet {
            s.cell = cell;
        }
        Ok(())
    }

    fn end_cell(&mut self) -> Result<(), IngestError> {
        let Some(s) = &mut self.sheet else {
            return Ok(());
        };
        let cell = std::mem::take(&mut s.cell);
        let col = s.col;
        s.col = col.saturating_add(cell.repeat);
        if !cell.covered && (cell.rows > 1 || cell.cols > 1) && col <= MAX_COL {
            s.row_merges.push((col, cell.repeat, cell.rows, cell.cols));
        }
        let text = if cell.paras.is_empty() {
            cell.value.map(value_text).unwrap_or_default()
        } else {
            cell.paras.join("\n")
        };
        let text = clean(&text);
        if text.is_empty() {
            return Ok(());
        }
        let last = col.saturating_add(cell.repeat.saturating_sub(1));
        if last > MAX_COL {
            return Err(beyond(&s.name, s.row, last));
        }
        let extra = (text.len() as u64).saturating_mul(cell.repeat.saturating_sub(1));
        self.expanded = self.expanded.saturating_add(extra);
        check_expanded(self.expanded, self.budget)?;
        for c in col..=last {
            // `last` ≤ MAX_COL, so the column fits in u32.
            s.row_cells.push((c as u32, text.clone()));
        }
        Ok(())
    }

    fn end_row(&mut self) -> Result<(), IngestError> {
        let Some(s) = &mut self.sheet else {
            return Ok(());
        };
        let (first, repeat) = (s.row, s.row_repeat);
        s.row = first.saturating_add(repeat);
        if s.row_hidden && first <= MAX_ROW {
            add_run(&mut s.hidden_rows, first, repeat);
        }
        if first <= MAX_ROW {
            for (col, col_repeat, rows, cols) in s.row_merges.drain(..) {
                s.merges.push(MergeRun {
                    row: first,
                    row_repeat: repeat,
                    col,
                    col_repeat,
                    rows,
                    cols,
                });
            }
            // Each run stands for at least one merge; their number is held to the cell limit
            // like the cells are.
            if s.merges.len() > self.budget.limits.max_cells {
                return Err(too_many_merges(&s.name, self.budget.limits.max_cells));
            }
        }
        if s.row_cells.is_empty() {
            return Ok(());
        }
        let last = first.saturating_add(repeat.saturating_sub(1));
        if last > MAX_ROW {
            return Err(beyond(&s.name, last, s.row_cells[0].0.into()));
        }
        let bytes: u64 = s.row_cells.iter().map(|(_, t)| t.len() as u64).sum();
        self.expanded = self
            .expanded
            .saturating_add(bytes.saturating_mul(repeat.saturating_sub(1)));
        check_expanded(self.expanded, self.budget)?;
        let cells = std::mem::take(&mut s.row_cells);
        // Every pass pushes at least one cell, so the cell budget ends a huge repeat.
        for r in first..=last {
            for (c, text) in &cells {
                push(&mut s.cells, self.budget, (r as u32, *c), text.clone())?;
            }
        }
        Ok(())
    }

    fn end_sheet(&mut self) -> Result<(), IngestError> {
        let Some(s) = self.sheet.take() else {
            return Ok(());
        };
        let (last_row, last_col) = s
            .cells
            .iter()
            .fold((0, 0), |(r, c), &(cr, cc, _)| (r.max(cr), c.max(cc)));
        let (last_row, last_col) = (u64::from(last_row), u64::from(last_col));
        let mut merges = Vec::new();
        let mut hidden_rows = Vec::new();
        let mut hidden_cols = Vec::new();
        // Only the used extent matters: past it, a merge covers no text and a hidden row or
        // column hides nothing (and LibreOffice writes such ranges out to the sheet's end).
        if !s.cells.is_empty() {
            for m in &s.merges {
                let rows = m.row..m.row.saturating_add(m.row_repeat).min(last_row + 1);
                for r in rows {
                    let cols = m.col..m.col.saturating_add(m.col_repeat).min(last_col + 1);
                    for c in cols {
                        let end_r = r.saturating_add(m.rows.saturating_sub(1)).min(MAX_ROW);
                        let end_c = c.saturating_add(m.cols.saturating_sub(1)).min(MAX_COL);
                        // All four are ≤ MAX_ROW or MAX_COL: they fit in u32.
                        merges.push(Dimensions::new(
                            (r as u32, c as u32),
                            (end_r as u32, end_c as u32),
                        ));
                        if merges.len() > self.budget.limits.max_cells {
                            return Err(too_many_merges(&s.name, self.budget.limits.max_cells));
                        }
                    }
                }
            }
            for &(start, n) in &s.hidden_rows {
                let end = start.saturating_add(n).min(last_row + 1);
                hidden_rows.extend((start..end).map(|r| r as u32));
            }
            for &(start, n) in &s.hidden_cols {
                let end = start.saturating_add(n).min(last_col + 1);
                hidden_cols.extend((start..end).map(|c| c as u32));
            }
        }
        self.out.push(RawSheet {
            name: s.name,
            cells: s.cells,
            merges: Some(merges),
            formats_known: true,
            hidden_rows,
            hidden_cols,
        });
        Ok(())
    }

    /// XML character data inside a paragraph: white space collapsed (ODF 1.2, 6.1.2).
    fn text(&mut self, s: &str) {
        let Some(sheet) = &mut self.sheet else {
            return;
        };
        let cell = &mut sheet.cell;
        for ch in s.chars() {
            if matches!(ch, ' ' | '\t' | '\r' | '\n') {
                if !cell.collapse {
                    cell.para.push(' ');
                    cell.collapse = true;
                }
            } else {
                cell.para.push(ch);
                cell.collapse = false;
            }
        }
    }

    /// `text:tab` and `text:line-break`: written as elements so that they are not collapsed.
    fn literal(&mut self, s: &str) {
        if let Some(sheet) = &mut self.sheet {
            sheet.cell.para.push_str(s);
            sheet.cell.collapse = false;
        }
    }

    /// `text:s`: `n` spaces.
    fn spaces(&mut self, n: u64) -> Result<(), IngestError> {
        self.expanded = self.expanded.saturating_add(n);
        check_expanded(self.expanded, self.budget)?;
        if let Some(sheet) = &mut self.sheet {
            // Bounded just above by max_decompressed_bytes, so it fits in memory and usize.
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            sheet.cell.para.extend(std::iter::repeat_n(' ', n));
            sheet.cell.collapse = false;
        }
        Ok(())
    }
}

/// Add `(start, n)` to ascending runs, joining it to the last run when they touch.
fn add_run(runs: &mut Vec<(u64, u64)>, start: u64, n: u64) {
    if let Some((s, len)) = runs.last_mut()
        && s.saturating_add(*len) == start
    {
        *len = len.saturating_add(n);
        return;
    }
    runs.push((start, n));
}

fn check_expanded(expanded: u64, budget: &Budget) -> Result<(), IngestError> {
    let max = budget.limits.max_decompressed_bytes;
    if expanded > max {
        return Err(IngestError::Limit(format!(
            "the workbook's repeated cells and spaces expand to more than {max} bytes of text"
        )));
    }
    Ok(())
}

fn beyond(sheet: &str, row: u64, col: u64) -> IngestError {
    IngestError::Limit(format!(
        "sheet {sheet:?} has text beyond XFD1048576 (row {}, column {}), past the largest sheet \
         this reader lays out",
        row.saturating_add(1),
        col.saturating_add(1)
    ))
}

fn too_many_merges(sheet: &str, max: usize) -> IngestError {
    IngestError::Limit(format!(
        "sheet {sheet:?} has more than {max} merged regions"
    ))
}

#[cfg(test)]
mod tests;
