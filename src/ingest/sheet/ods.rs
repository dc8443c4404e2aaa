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
//! over its used extent only.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Cursor, Read};

use calamine::Dimensions;
use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{NamespaceResolver, ResolveResult};
use quick_xml::reader::NsReader;

use super::{Budget, RawSheet, clean, iso_date_text, numfmt, push, spreadsheet_error};
use crate::error::IngestError;
use crate::ingest::InputFormat;

const TABLE_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
const TEXT_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
const OFFICE_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";

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

/// Where an element sits, which decides what its children mean. Anything outside the table
/// structure (shapes, forms, annotations, frames anchored to a cell) is `Skip`ped whole, so
/// their paragraphs never become cell text and their rows never move the position.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ctx {
    Outside,
    Sheet,
    /// Column and row groupings (`table:table-header-rows`, `table:table-row-group`, …):
    /// transparent, their columns and rows count in document order.
    Group,
    Row,
    Cell,
    Para,
    /// Inline markup inside a paragraph (`text:span`, `text:a`, fields): its text counts.
    Span,
    Skip,
}

/// What an element is, by namespace and local name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tag {
    Table,
    Column,
    Group,
    Row,
    Cell { covered: bool },
    Para,
    Space,
    Tab,
    LineBreak,
    Inline,
    Other,
}

fn classify(ns: &ResolveResult<'_>, local: &str) -> Tag {
    let ResolveResult::Bound(ns) = ns else {
        return Tag::Other;
    };
    match (ns.0, local) {
        (TABLE_NS, "table") => Tag::Table,
        (TABLE_NS, "table-column") => Tag::Column,
        (
            TABLE_NS,
            "table-columns"
            | "table-header-columns"
            | "table-column-group"
            | "table-rows"
            | "table-header-rows"
            | "table-row-group",
        ) => Tag::Group,
        (TABLE_NS, "table-row") => Tag::Row,
        (TABLE_NS, "table-cell") => Tag::Cell { covered: false },
        (TABLE_NS, "covered-table-cell") => Tag::Cell { covered: true },
        (TEXT_NS, "p" | "h") => Tag::Para,
        (TEXT_NS, "s") => Tag::Space,
        (TEXT_NS, "tab") => Tag::Tab,
        (TEXT_NS, "line-break") => Tag::LineBreak,
        // A footnote's body is not shown in the cell (its citation is).
        (TEXT_NS, "note-body") => Tag::Other,
        (TEXT_NS, _) => Tag::Inline,
        _ => Tag::Other,
    }
}

/// The context a child opens, given its parent's.
fn child(parent: Ctx, tag: Tag) -> Ctx {
    match (parent, tag) {
        (Ctx::Outside, Tag::Table) => Ctx::Sheet,
        (Ctx::Outside, _) => Ctx::Outside,
        (Ctx::Sheet | Ctx::Group, Tag::Group) => Ctx::Group,
        (Ctx::Sheet | Ctx::Group, Tag::Row) => Ctx::Row,
        (Ctx::Row, Tag::Cell { .. }) => Ctx::Cell,
        // Only a cell's own paragraphs are its text; the paragraphs of an annotation or a frame
        // are deeper down.
        (Ctx::Cell, Tag::Para) => Ctx::Para,
        (Ctx::Para | Ctx::Span, Tag::Inline) => Ctx::Span,
        _ => Ctx::Skip,
    }
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

fn damaged(pos: u64, e: impl std::fmt::Display) -> IngestError {
    spreadsheet_error(
        InputFormat::Ods,
        format!("content.xml is damaged at byte {pos}: {e}"),
    )
}

/// The text of `&name;` or `&#n;`: only XML's own five names exist in ODF (no DTD).
fn entity(r: &BytesRef<'_>) -> Result<String, String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Ok(c.to_string()),
        Ok(None) => resolve_predefined_entity(r)
            .map(str::to_string)
            .ok_or_else(|| format!("unknown entity &{};", &**r)),
        Err(e) => Err(e.to_string()),
    }
}

/// An attribute in the table, text or office namespace: `(namespace, local name, value)`.
type Attr<'a> = (&'static str, &'a str, Cow<'a, str>);

/// The attributes of `e` that ODF defines for tables and text (others are styling or
/// extensions that say nothing about the text).
fn attributes<'a>(
    e: &'a BytesStart<'_>,
    resolver: &NamespaceResolver,
) -> Result<Vec<Attr<'a>>, IngestError> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| spreadsheet_error(InputFormat::Ods, format!("content.xml: {e}")))?;
        let (ns, local) = resolver.resolve_attribute(a.key);
        let ns = match ns {
            ResolveResult::Bound(n) if n.0 == TABLE_NS => TABLE_NS,
            ResolveResult::Bound(n) if n.0 == TEXT_NS => TEXT_NS,
            ResolveResult::Bound(n) if n.0 == OFFICE_NS => OFFICE_NS,
            _ => continue,
        };
        let local = local.into_inner();
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| spreadsheet_error(InputFormat::Ods, format!("content.xml: {e}")))?;
        out.push((ns, local, value));
    }
    Ok(out)
}

/// `table:visibility`: `collapse` (hidden by hand or a closed group) and `filter` (hidden by an
/// autofilter) both keep the row or column from view.
fn hidden_value(value: &str) -> bool {
    matches!(value.trim(), "collapse" | "filter")
}

/// A repeat or span count: at least 1 (LibreOffice reads 0 as 1).
fn count(name: &str, value: &str) -> Result<u64, IngestError> {
    value.trim().parse::<u64>().map(|n| n.max(1)).map_err(|_| {
        spreadsheet_error(
            InputFormat::Ods,
            format!("content.xml: {name}={value:?} is not a count"),
        )
    })
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
mod tests {
    use super::*;
    use crate::ingest::{Limits, ReadOptions};

    fn budget(limits: Limits) -> Budget {
        Budget {
            cells: 0,
            limits,
            deadline: limits.deadline(),
        }
    }

    /// `body` (the children of `office:spreadsheet`) as a whole content.xml, parsed.
    fn sheets(body: &str) -> Result<Vec<RawSheet>, IngestError> {
        parse(document(body).as_bytes(), &mut budget(Limits::default()))
    }

    fn document(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="{OFFICE_NS}" xmlns:table="{TABLE_NS}" xmlns:text="{TEXT_NS}" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" office:version="1.3"><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn one(body: &str) -> RawSheet {
        let mut s = sheets(body).unwrap();
        assert_eq!(s.len(), 1);
        s.remove(0)
    }

    fn cells(s: &RawSheet) -> Vec<(u32, u32, &str)> {
        let mut v: Vec<_> = s
            .cells
            .iter()
            .map(|(r, c, t)| (*r, *c, t.as_str()))
            .collect();
        v.sort_unstable();
        v
    }

    fn merges(s: &RawSheet) -> Vec<((u32, u32), (u32, u32))> {
        s.merges
            .as_ref()
            .unwrap()
            .iter()
            .map(|d| (d.start, d.end))
            .collect()
    }

    #[test]
    fn merges_from_row_and_column_spans_covered_cells_take_their_place() {
        // A1:C1 across, A2:A3 down, an empty B2:C3 block, as LibreOffice writes them.
        let s = one(r#"<table:table table:name="S">
<table:table-row>
  <table:table-cell table:number-columns-spanned="3" table:number-rows-spanned="1" office:value-type="string"><text:p>标题</text:p></table:table-cell>
  <table:covered-table-cell table:number-columns-repeated="2"/>
  <table:table-cell table:number-columns-repeated="16381"/>
</table:table-row>
<table:table-row>
  <table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>一级</text:p></table:table-cell>
  <table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="2"/>
  <table:covered-table-cell/>
  <table:table-cell><text:p>D2</text:p></table:table-cell>
</table:table-row>
<table:table-row>
  <table:covered-table-cell/>
  <table:covered-table-cell table:number-columns-repeated="2"/>
  <table:table-cell><text:p>D3</text:p></table:table-cell>
</table:table-row>
</table:table>"#);
        assert_eq!(s.name, "S");
        assert_eq!(
            cells(&s),
            [(0, 0, "标题"), (1, 0, "一级"), (1, 3, "D2"), (2, 3, "D3")]
        );
        assert_eq!(
            merges(&s),
            [((0, 0), (0, 2)), ((1, 0), (2, 0)), ((1, 1), (2, 2))]
        );
        assert!(s.formats_known);
        assert!(s.hidden_rows.is_empty() && s.hidden_cols.is_empty());
    }

    #[test]
    fn repeats_expand_text_and_cost_nothing_when_empty() {
        let t = std::time::Instant::now();
        let all = sheets(r#"<table:table table:name="R">
<table:table-column table:number-columns-repeated="16384"/>
<table:table-row table:number-rows-repeated="2">
  <table:table-cell table:number-columns-repeated="2"/>
  <table:table-cell table:number-columns-repeated="3" office:value-type="float" office:value="0"><text:p>0.00</text:p></table:table-cell>
  <table:table-cell table:number-columns-repeated="16379"/>
</table:table-row>
<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
<table:table-row table:number-rows-repeated="3000000000"><table:table-cell table:number-columns-repeated="4000000000"/></table:table-row>
<table:table-row table:number-rows-repeated="0"><table:table-cell/></table:table-row>
</table:table>
<table:table table:name="空"><table:table-row table:number-rows-repeated="1048576"><table:table-cell/></table:table-row></table:table>"#)
        .unwrap();
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
        // Every table is a sheet, empty ones too (the caller drops them).
        let names: Vec<_> = all.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["R", "空"]);
        let s = &all[0];
        let mut want = Vec::new();
        for r in 0..2 {
            for c in 2..5 {
                want.push((r, c, "0.00"));
            }
        }
        assert_eq!(cells(s), want);
        assert!(all[1].cells.is_empty());
    }

    #[test]
    fn a_repeated_row_of_text_is_held_to_the_cell_limit() {
        let body = r#"<table:table table:name="R"><table:table-row table:number-rows-repeated="1048576">
<table:table-cell table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell>
</table:table-row></table:table>"#;
        let limits = Limits {
            max_cells: 1000,
            ..Limits::default()
        };
        let e = parse(document(body).as_bytes(), &mut budget(limits))
            .err()
            .unwrap();
        assert!(matches!(e, IngestError::Limit(_)), "{e}");
        // Spaces that expand a small file into a huge one.
        let body = r#"<table:table table:name="R"><table:table-row><table:table-cell>
<text:p><text:s text:c="100000"/><text:s text:c="100000"/>x</text:p></table:table-cell></table:table-row></table:table>"#;
        let limits = Limits {
            max_decompressed_bytes: 150_000,
            ..Limits::default()
        };
        let e = parse(document(body).as_bytes(), &mut budget(limits))
            .err()
            .unwrap();
        assert!(matches!(e, IngestError::Limit(_)), "{e}");
    }

    #[test]
    fn text_beyond_the_grid_is_an_error_not_dropped() {
        let far_right = r#"<table:table table:name="W"><table:table-row>
<table:table-cell table:number-columns-repeated="16384"/><table:table-cell><text:p>x</text:p></table:table-cell>
</table:table-row></table:table>"#;
        let far_down = r#"<table:table table:name="W">
<table:table-row table:number-rows-repeated="1048576"><table:table-cell/></table:table-row>
<table:table-row><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
        for body in [far_right, far_down] {
            let e = sheets(body).err().unwrap();
            assert!(e.to_string().contains("beyond XFD1048576"), "{e}");
        }
    }

    #[test]
    fn paragraphs_spaces_breaks_and_inline_markup() {
        let s = one(r#"<table:table table:name="T"><table:table-row>
<table:table-cell office:value-type="string"><text:p>a <text:s/>b<text:s text:c="3"/>c</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>第一行</text:p><text:p>第二<text:span text:style-name="T1">行</text:span></text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>甲<text:line-break/>乙<text:tab/>丙</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p><text:a xlink:href="http://x" xmlns:xlink="http://www.w3.org/1999/xlink">链接</text:a>
   文本</text:p></table:table-cell>
<table:table-cell office:value-type="string"><office:annotation><dc:creator>me</dc:creator><text:p>批注</text:p></office:annotation><text:p>有批注</text:p></table:table-cell>
<table:table-cell><draw:frame><draw:text-box><text:p>框</text:p></draw:text-box></draw:frame></table:table-cell>
<table:table-cell><text:p><text:s/> 两端 <text:s/></text:p></table:table-cell>
</table:table-row></table:table>"#);
        assert_eq!(
            cells(&s),
            [
                (0, 0, "a  b   c"),
                (0, 1, "第一行\n第二行"),
                (0, 2, "甲\n乙\t丙"),
                (0, 3, "链接 文本"),
                (0, 4, "有批注"),
                (0, 6, "两端"),
            ]
        );
    }

    #[test]
    fn displayed_text_first_and_the_value_when_there_is_none() {
        let s = one(r#"<table:table table:name="F"><table:table-row>
<table:table-cell office:value-type="percentage" office:value="0.95"><text:p>95%</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="1234.5"><text:p>1,234.50</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="1234.5"/>
<table:table-cell office:value-type="percentage" office:value="0.95"/>
<table:table-cell office:value-type="date" office:date-value="2026-12-31T00:00:00"/>
<table:table-cell office:value-type="boolean" office:boolean-value="true"/>
<table:table-cell office:value-type="string" office:string-value="值"/>
<table:table-cell office:value-type="float" office:value="7"><text:p/></table:table-cell>
</table:table-row></table:table>"#);
        assert_eq!(
            cells(&s),
            [
                (0, 0, "95%"),
                (0, 1, "1,234.50"),
                (0, 2, "1234.5"),
                (0, 3, "0.95"),
                (0, 4, "2026-12-31"),
                (0, 5, "TRUE"),
                (0, 6, "值"),
            ]
        );
    }

    #[test]
    fn hidden_rows_and_columns_within_the_used_extent() {
        let s = one(r#"<table:table table:name="H">
<table:table-columns>
  <table:table-column/>
  <table:table-column table:visibility="collapse"/>
  <table:table-column table:number-columns-repeated="2"/>
  <table:table-column table:visibility="filter" table:number-columns-repeated="16380"/>
</table:table-columns>
<table:table-row><table:table-cell table:number-columns-repeated="5"><text:p>x</text:p></table:table-cell></table:table-row>
<table:table-row-group>
  <table:table-row table:visibility="collapse"><table:table-cell><text:p>隐藏</text:p></table:table-cell></table:table-row>
  <table:table-row table:visibility="filter" table:number-rows-repeated="2"><table:table-cell/></table:table-row>
</table:table-row-group>
<table:table-row><table:table-cell><text:p>末</text:p></table:table-cell></table:table-row>
<table:table-row table:visibility="collapse" table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>
</table:table>"#);
        assert_eq!(s.hidden_rows, [1, 2, 3]);
        // The filtered columns run to the sheet's end; only E is within the used extent.
        assert_eq!(s.hidden_cols, [1, 4]);
        assert_eq!(s.cells.len(), 7);
    }

    #[test]
    fn entities_and_any_namespace_prefix() {
        let s = one(
            r#"<table:table table:name="R&amp;D &lt;表&gt;"><table:table-row>
<table:table-cell><text:p>A&amp;B &lt;&#x4E2D;&#25991;&gt; &quot;q&apos;</text:p></table:table-cell>
</table:table-row></table:table>"#,
        );
        assert_eq!(s.name, "R&D <表>");
        assert_eq!(cells(&s), [(0, 0, "A&B <中文> \"q'")]);
        // Namespaces decide, not the prefixes LibreOffice happens to use.
        let xml = format!(
            r#"<o:document-content xmlns:o="{OFFICE_NS}" xmlns:t="{TABLE_NS}" xmlns:x="{TEXT_NS}"><o:body><o:spreadsheet>
<t:table t:name="P"><t:table-row><t:table-cell t:number-columns-spanned="2"><x:p>ok</x:p></t:table-cell><t:covered-table-cell/></t:table-row></t:table>
</o:spreadsheet></o:body></o:document-content>"#
        );
        let s = parse(xml.as_bytes(), &mut budget(Limits::default())).unwrap();
        assert_eq!(cells(&s[0]), [(0, 0, "ok")]);
        assert_eq!(merges(&s[0]), [((0, 0), (0, 1))]);
    }

    #[test]
    fn damaged_xml_is_an_error() {
        let good = r#"<table:table table:name="D"><table:table-row><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
        assert!(sheets(good).is_ok());
        let doc = document(good);
        for bad in [
            doc[..doc.len() / 2].to_string(),
            doc.replace("</text:p>", "</text:q>"),
            doc.replace("x</text:p>", "&nbsp;</text:p>"),
            doc.replace("table:name=\"D\"", "table:name=D"),
            document(&good.replace(
                "<table:table-cell>",
                "<table:table-cell table:number-columns-repeated=\"many\">",
            )),
            "not xml at all <".to_string(),
        ] {
            let e = parse(bad.as_bytes(), &mut budget(Limits::default()))
                .err()
                .unwrap_or_else(|| panic!("accepted: {bad}"));
            assert!(matches!(e, IngestError::Spreadsheet(_)), "{e}");
        }
    }

    /// An ODS package with `parts` as (name, content).
    fn package(parts: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, content) in parts {
            zip.start_file(*name, opts).unwrap();
            zip.write_all(content.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn through_the_sheet_reader_no_warnings_and_spans() {
        let content = document(
            r#"<table:table table:name="S"><table:table-row>
<table:table-cell table:number-columns-spanned="2"><text:p>标题</text:p></table:table-cell><table:covered-table-cell/>
</table:table-row><table:table-row table:visibility="collapse"><table:table-cell><text:p>1</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="387"><text:p>387.00</text:p></table:table-cell></table:table-row></table:table>"#,
        );
        let ods = package(&[
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", &content),
        ]);
        // Hidden rows read as ordinary cells here: this test is about spans and formats.
        let opts = ReadOptions {
            include_hidden: true,
            ..ReadOptions::default()
        };
        let ing = super::super::read(&ods, InputFormat::Ods, &opts).unwrap();
        let codes: Vec<_> = ing.warnings.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(codes, ["hidden_rows"]);
        let g = &ing.grids[0];
        let a1 = g.rows[0].cells[0].as_ref().unwrap();
        assert_eq!((a1.text.as_str(), a1.row_span, a1.col_span), ("标题", 1, 2));
        assert_eq!(g.rows[1].cells[1].as_ref().unwrap().text, "387.00");

        let no_content = package(&[("mimetype", "application/vnd.oasis.opendocument.spreadsheet")]);
        let e = read(&no_content, &mut budget(Limits::default()))
            .err()
            .unwrap();
        assert!(e.to_string().contains("no content.xml"), "{e}");

        let manifest = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>"#;
        let locked = package(&[
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            ("META-INF/manifest.xml", manifest),
            ("content.xml", "\u{1}\u{2}garbage"),
        ]);
        let e = read(&locked, &mut budget(Limits::default())).err().unwrap();
        assert!(e.to_string().contains("encrypted"), "{e}");
    }
}
