//! One parse of an xlsx worksheet part: its cells (as calamine reads their values), merged
//! regions, hidden rows and hidden columns, and the formulas that stand in for values a script
//! never calculated.
//!
//! The part is inflated once and walked once with quick-xml over the borrowed bytes: `<cols>`
//! before `<sheetData>` (hidden columns), the rows and cells inside it, `<mergeCells>` after
//! it. A shared string is cleaned straight from the workbook's table, so a cell costs one
//! allocation, its display text. Whatever calamine would read differently or refuse makes the
//! pass give up (`Stop::GiveUp`) and the workbook is read through calamine instead.

use calamine::{ExcelDateTime, ExcelDateTimeType};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::xlsx::{Book, CellFormat, digits, raw_attr, read_string, read_text, unescape_excel};
use super::{Budget, RawSheet, ooxml};
use crate::error::IngestError;

/// Why a pass stopped before the end.
pub(super) enum Stop {
    /// This reader cannot read the sheet exactly as calamine would: let calamine read it.
    GiveUp,
    /// A limit of the budget (cells, deadline): the workbook is refused.
    Limit(IngestError),
}

impl From<IngestError> for Stop {
    fn from(e: IngestError) -> Self {
        Stop::Limit(e)
    }
}

trait OrGiveUp<T> {
    fn or_give_up(self) -> Result<T, Stop>;
}

impl<T> OrGiveUp<T> for Option<T> {
    fn or_give_up(self) -> Result<T, Stop> {
        self.ok_or(Stop::GiveUp)
    }
}

impl<T, E> OrGiveUp<T> for Result<T, E> {
    fn or_give_up(self) -> Result<T, Stop> {
        self.map_err(|_| Stop::GiveUp)
    }
}

/// A cell's value before display: borrowed from the workbook where it can be.
enum Value<'b> {
    Empty,
    Shared(&'b str),
    Owned(String),
    Number(f64, Option<CellFormat>),
    Bool(bool),
    Error(&'static str),
    IsoDate(String),
}

/// The attributes of a `<c>` start tag calamine reads.
struct CellAttrs<'e> {
    style: Option<&'e str>,
    typ: Option<&'e str>,
}

/// Read one worksheet part; `Ok(None)` when calamine should read the workbook instead.
pub(super) fn read(
    xml: &[u8],
    book: &Book,
    name: String,
    budget: &mut Budget,
) -> Result<Option<RawSheet>, IngestError> {
    let mut pass = Pass {
        reader: super::xlsx::xml_reader(xml),
        book,
        budget,
        sheet: RawSheet {
            name,
            cells: Vec::new(),
            merges: Some(Vec::new()),
            formats_known: true,
            hidden_rows: Vec::new(),
            hidden_cols: Vec::new(),
        },
        formulas: Vec::new(),
        shared_formula: false,
        row: 0,
        col: 0,
    };
    match pass.run(xml) {
        Ok(()) => Ok(Some(pass.sheet)),
        Err(Stop::GiveUp) => Ok(None),
        Err(Stop::Limit(e)) => Err(e),
    }
}

struct Pass<'x, 'b, 'g> {
    reader: Reader<&'x [u8]>,
    book: &'b Book,
    budget: &'g mut Budget,
    sheet: RawSheet,
    /// `(position, text)` of every formula, in the order of the sheet.
    formulas: Vec<((u32, u32), String)>,
    shared_formula: bool,
    /// The position of the next cell without an `r` (calamine's counting).
    row: u32,
    col: u32,
}

impl<'x, 'b> Pass<'x, 'b, '_> {
    fn run(&mut self, xml: &[u8]) -> Result<(), Stop> {
        let mut hidden_cols = Vec::new();
        self.head(&mut hidden_cols)?;
        self.sheet.hidden_cols = ooxml::expand_ranges(hidden_cols);
        self.data()?;
        self.tail()?;
        self.sheet.hidden_rows.sort_unstable();
        self.sheet.hidden_rows.dedup();
        if !self.formulas.is_empty() && ooxml::formulas_without_values(xml) {
            self.add_formulas()?;
        }
        Ok(())
    }

    /// Up to `<sheetData>`: hidden column ranges.
    fn head(&mut self, hidden_cols: &mut Vec<(u32, u32)>) -> Result<(), Stop> {
        loop {
            match self.reader.read_event().or_give_up()? {
                Event::Start(e) => match e.local_name().as_ref() {
                    "sheetData" => return Ok(()),
                    "dimension" => {
                        let dim = raw_attr(&e, "ref").or_give_up()?.or_give_up()?;
                        if dim.split(':').count() > 2 {
                            return Err(Stop::GiveUp);
                        }
                        for part in dim.split(':') {
                            row_column(part, true).or_give_up()?;
                        }
                    }
                    "col" => hidden_cols.extend(ooxml::hidden_col_range(&e)),
                    _ => {}
                },
                Event::Eof => return Err(Stop::GiveUp),
                _ => {}
            }
        }
    }

    /// The rows and cells of `<sheetData>`.
    fn data(&mut self) -> Result<(), Stop> {
        loop {
            // (Each tag's local name is looked up once: it is a search for a prefix.)
            match self.reader.read_event().or_give_up()? {
                Event::Start(e) => match e.local_name().as_ref() {
                    "c" => self.cell(&e)?,
                    "row" => self.row_start(&e)?,
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    "row" => {
                        self.row += 1;
                        self.col = 0;
                    }
                    "sheetData" => return Ok(()),
                    _ => {}
                },
                Event::Eof => return Err(Stop::GiveUp),
                _ => {}
            }
        }
    }

    fn row_start(&mut self, e: &BytesStart<'_>) -> Result<(), Stop> {
        if let Some(r) = raw_attr(e, "r").or_give_up()? {
            self.row = row_column(r, false).or_give_up()?.0;
        }
        // (A byte search first, for `hidden=` as `ooxml` searched: most rows say nothing of
        // hiding.)
        let may_hide = memchr::memmem::find(e.attributes_raw().as_bytes(), b"hidden=").is_some();
        if may_hide && ooxml::is_hidden(e) {
            // A hidden row without its number: calamine's merge pass reads such sheets.
            let r: u32 = ooxml::attr(e, "r")
                .and_then(|v| v.parse().ok())
                .or_give_up()?;
            self.sheet.hidden_rows.push(r.checked_sub(1).or_give_up()?);
        }
        Ok(())
    }

    /// After `</sheetData>`: merged regions.
    fn tail(&mut self) -> Result<(), Stop> {
        let merges = self.sheet.merges.get_or_insert_with(Vec::new);
        loop {
            match self.reader.read_event().or_give_up()? {
                Event::Start(e) if e.local_name().as_ref() == "mergeCell" => {
                    let r = ooxml::attr(&e, "ref").or_give_up()?;
                    merges.push(ooxml::parse_ref(&r).or_give_up()?);
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// One `<c>`: its position, value and formula.
    fn cell(&mut self, c: &BytesStart<'x>) -> Result<(), Stop> {
        let (mut r, mut style, mut typ) = (None, None, None);
        for item in super::xlsx::raw_attrs(c) {
            let (k, v) = item.or_give_up()?;
            let slot = match k {
                "r" => &mut r,
                "s" => &mut style,
                "t" => &mut typ,
                _ => continue,
            };
            // A repeated attribute: calamine's lookup stops early in ways not worth copying.
            if slot.replace(v).is_some() {
                return Err(Stop::GiveUp);
            }
        }
        let pos = match r {
            Some(r) => {
                let pos = row_column(r, true).or_give_up()?;
                self.col = pos.1;
                pos
            }
            None => (self.row, self.col),
        };
        let attrs = CellAttrs { style, typ };
        let mut value = Value::Empty;
        loop {
            match self.reader.read_event().or_give_up()? {
                Event::Start(e) => value = self.child(&e, &attrs, pos)?,
                Event::End(e) if e.local_name().as_ref() == "c" => break,
                Event::Eof => return Err(Stop::GiveUp),
                _ => {}
            }
        }
        self.col += 1;
        let style_id = match style {
            Some(s) => digits::<usize>(s).or_give_up()?,
            None => 0,
        };
        self.push(pos, value, style_id)
    }

    /// A child of `<c>`: the value (`<v>`, `<is>`) or the formula (`<f>`, whose value is read
    /// as empty, as calamine does when it comes last).
    fn child(
        &mut self,
        e: &BytesStart<'_>,
        attrs: &CellAttrs<'_>,
        pos: (u32, u32),
    ) -> Result<Value<'b>, Stop> {
        let inline = matches!(attrs.typ, Some("inlineStr" | "is"));
        match e.local_name().as_ref() {
            "is" => Ok(Value::Owned(
                read_string(&mut self.reader, e.name().as_ref()).or_give_up()?,
            )),
            "v" if inline => {
                self.reader.read_to_end(e.name()).or_give_up()?;
                Ok(Value::Empty)
            }
            "v" if matches!(attrs.typ, Some("n" | "s" | "b" | "e") | None) => {
                let value = match self.reader.read_event().or_give_up()? {
                    Event::Text(t) => {
                        let raw: &str = t.as_ref();
                        self.value(raw, attrs)?
                    }
                    Event::End(end) if end.name() == e.name() => return Ok(Value::Empty),
                    Event::Eof => return Err(Stop::GiveUp),
                    _ => Value::Empty,
                };
                self.reader.read_to_end(e.name()).or_give_up()?;
                Ok(value)
            }
            "v" => {
                let text = read_text(&mut self.reader, e.name().as_ref(), false).or_give_up()?;
                self.value(&text, attrs)
            }
            "f" => {
                let shared = raw_attr(e, "t").or_give_up()? == Some("shared");
                let text = read_text(&mut self.reader, e.name().as_ref(), false).or_give_up()?;
                self.shared_formula |= shared;
                self.formulas.push((pos, text));
                Ok(Value::Empty)
            }
            _ => Err(Stop::GiveUp),
        }
    }

    /// A `<v>`'s text as calamine reads it for the cell's type and style.
    fn value(&self, v: &str, attrs: &CellAttrs<'_>) -> Result<Value<'b>, Stop> {
        let book: &'b Book = self.book;
        let format = match attrs.style {
            Some(s) => book.formats.get(digits::<usize>(s).or_give_up()?).copied(),
            None => Some(CellFormat::Other),
        };
        Ok(match attrs.typ {
            Some("s") if v.is_empty() => Value::Empty,
            Some("s") => {
                let i: usize = digits(v).or_give_up()?;
                Value::Shared(book.strings.get(i).or_give_up()?)
            }
            Some("b") => match v.trim() {
                "" => Value::Empty,
                b if b == "0" || b.eq_ignore_ascii_case("false") => Value::Bool(false),
                b if b == "1" || b.eq_ignore_ascii_case("true") => Value::Bool(true),
                _ => return Err(Stop::GiveUp),
            },
            Some("d") => Value::IsoDate(v.to_string()),
            Some("e") => Value::Error(error_text(v).or_give_up()?),
            Some("str") => Value::Owned(unescape_excel(v).into_owned()),
            Some("n") | None if v.is_empty() => Value::Empty,
            Some("n") | None => Value::Number(plain_number(v).or_give_up()?, format),
            Some(_) => return Err(Stop::GiveUp),
        })
    }

    fn push(&mut self, pos: (u32, u32), value: Value<'_>, style_id: usize) -> Result<(), Stop> {
        let owned;
        let text: &str = match value {
            Value::Empty => return Ok(()),
            Value::Shared(s) => s,
            Value::Owned(ref s) => s,
            Value::Bool(b) => {
                if b {
                    "TRUE"
                } else {
                    "FALSE"
                }
            }
            Value::Error(e) => e,
            Value::IsoDate(ref s) => {
                owned = super::iso_date_text(s);
                &owned
            }
            Value::Number(f, format) => {
                owned = self.number_text(f, format, style_id);
                &owned
            }
        };
        super::push_text(&mut self.sheet.cells, self.budget, pos, text)?;
        Ok(())
    }

    fn number_text(&self, f: f64, format: Option<CellFormat>, style_id: usize) -> String {
        let typ = match format {
            Some(CellFormat::DateTime) => ExcelDateTimeType::DateTime,
            Some(CellFormat::TimeDelta) => ExcelDateTimeType::TimeDelta,
            _ => {
                let code = self.book.codes.get(style_id).and_then(|c| c.as_deref());
                return super::number(f, code);
            }
        };
        super::date_text(&ExcelDateTime::new(f, typ, self.book.is_1904))
    }

    /// Formulas saved without a value stand in for it (`=100%`), as the calamine path does:
    /// the formula of every cell that has no text, in row-major order. A shared formula would
    /// need calamine's expansion, so such sheets go to calamine.
    fn add_formulas(&mut self) -> Result<(), Stop> {
        if self.shared_formula {
            return Err(Stop::GiveUp);
        }
        let have: std::collections::HashSet<(u32, u32)> =
            self.sheet.cells.iter().map(|&(r, c, _)| (r, c)).collect();
        let mut formulas = std::mem::take(&mut self.formulas);
        formulas.retain(|(_, f)| !f.is_empty());
        // The last formula at a position wins, as in calamine's range.
        formulas.reverse();
        formulas.sort_by_key(|&(pos, _)| pos);
        formulas.dedup_by_key(|(pos, _)| *pos);
        for (pos, f) in formulas {
            if !have.contains(&pos) {
                super::push_text(&mut self.sheet.cells, self.budget, pos, &format!("={f}"))?;
            }
        }
        Ok(())
    }
}

/// `B12` as 0-based `(row, col)` (calamine's `get_row_column`); with `need_col` false a row
/// number alone (`12`, a `<row r>`) reads as column 0.
fn row_column(s: &str, need_col: bool) -> Option<(u32, u32)> {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if need_col && letters == 0 {
        return None;
    }
    let (mut col, mut row) = (0u32, 0u32);
    for &c in &b[..letters] {
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(c.to_ascii_uppercase() - b'A') + 1)?;
    }
    if letters == b.len() || !b[letters..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    for &c in &b[letters..] {
        row = row.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
    }
    Some((row.checked_sub(1)?, col.saturating_sub(1)))
}

/// A number as Excel writes one (`-12.5`, `3E-2`), which every float parser reads the same;
/// anything else (spaces, `inf`, `.5`) is left to calamine.
fn plain_number(v: &str) -> Option<f64> {
    let b = v.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let int = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if int == 0 {
        return None;
    }
    i += int;
    if b.get(i) == Some(&b'.') {
        let frac = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if frac == 0 {
            return None;
        }
        i += 1 + frac;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return None;
        }
        i += exp;
    }
    if i != b.len() {
        return None;
    }
    v.parse().ok()
}

/// The error values calamine knows, as it shows them.
fn error_text(v: &str) -> Option<&'static str> {
    [
        "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
    ]
    .into_iter()
    .find(|&e| e == v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Limits;
    use calamine::Dimensions;

    fn dims(r0: u32, c0: u32, r1: u32, c1: u32) -> Dimensions {
        Dimensions {
            start: (r0, c0),
            end: (r1, c1),
        }
    }

    fn book() -> Book {
        Book {
            strings: vec!["  项目名称 ".into(), "一级指标".into()],
            formats: vec![CellFormat::Other, CellFormat::Other, CellFormat::DateTime],
            codes: vec![
                Some("General".into()),
                Some("0.00".into()),
                Some("yyyy-mm-dd".into()),
            ],
            is_1904: false,
        }
    }

    fn read_sheet(xml: &str) -> Option<RawSheet> {
        let limits = Limits::default();
        let mut budget = Budget {
            cells: 0,
            limits,
            deadline: limits.deadline(),
        };
        read(xml.as_bytes(), &book(), "表1".into(), &mut budget).ok()?
    }

    const SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F9"/>
<cols><col min="3" max="4" width="0" hidden="1" customWidth="1"/></cols>
<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>387</v></c><c r="C1" s="2"><v>46022</v></c></row>
<row r="5" hidden="1"><c r="A5" t="inlineStr"><is><t>hidden="1" is text</t></is></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c></row>
<row r="8"><c r="B8" t="str"><f>A1</f><v>x_x000D_y &amp; z</v></c><c r="C8"/></row></sheetData>
<mergeCells count="2"><mergeCell ref="A1:F1"/><mergeCell ref="B8:C9"/></mergeCells></worksheet>"#;

    #[test]
    fn cells_merges_and_hidden_in_one_pass() {
        let s = read_sheet(SHEET).unwrap();
        let texts: Vec<_> = s
            .cells
            .iter()
            .map(|(r, c, t)| (*r, *c, t.as_str()))
            .collect();
        assert_eq!(
            texts,
            vec![
                (0, 0, "项目名称"),
                (0, 1, "387.00"),
                (0, 2, "2025-12-31"),
                (4, 0, "hidden=\"1\" is text"),
                (4, 1, "TRUE"),
                (4, 2, "#N/A"),
                (7, 1, "x\ny & z"),
            ]
        );
        assert_eq!(s.merges, Some(vec![dims(0, 0, 0, 5), dims(7, 1, 8, 2)]));
        assert_eq!(s.hidden_rows, vec![4]);
        assert_eq!(s.hidden_cols, vec![2, 3]);
    }

    #[test]
    fn formulas_without_values_stand_in() {
        let xml = r#"<worksheet><sheetData><row r="2"><c r="F2"><f>100%</f><v/></c><c r="G2"><f>SUM(A1)</f><v>3</v></c></row></sheetData></worksheet>"#;
        let s = read_sheet(xml).unwrap();
        assert_eq!(
            s.cells,
            vec![(1, 6, "3".to_string()), (1, 5, "=100%".to_string())]
        );
    }

    #[test]
    fn what_calamine_reads_otherwise_is_left_to_it() {
        for cell in [
            r#"<c r="A1" t="s"><v>9</v></c>"#,
            r#"<c r="A1"><v>.5</v></c>"#,
            r#"<c r="A1" t="e"><v>#SPILL!</v></c>"#,
            r#"<c r="A1" t="x"><v>1</v></c>"#,
            r#"<c r="A1"><extLst/></c>"#,
        ] {
            let xml =
                format!(r#"<worksheet><sheetData><row r="1">{cell}</row></sheetData></worksheet>"#);
            assert!(read_sheet(&xml).is_none(), "{cell}");
        }
        let no_r = r#"<worksheet><sheetData><row hidden="1"><c><v>1</v></c></row></sheetData></worksheet>"#;
        assert!(read_sheet(no_r).is_none());
        let shared = r#"<worksheet><sheetData><row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="0">B1</f></c><c r="A2"><f t="shared" si="0"/></c></row></sheetData></worksheet>"#;
        assert!(read_sheet(shared).is_none());
    }

    #[test]
    fn plain_numbers_only() {
        assert_eq!(plain_number("-12.5"), Some(-12.5));
        assert_eq!(plain_number("3E-2"), Some(0.03));
        assert_eq!(plain_number("1.7976931348623157E+308"), Some(f64::MAX));
        for v in ["", "-", "1.", ".5", " 1", "inf", "NaN", "1e", "0x1"] {
            assert_eq!(plain_number(v), None, "{v}");
        }
        assert_eq!(row_column("AB12", true), Some((11, 27)));
        assert_eq!(row_column("12", false), Some((11, 0)));
        assert_eq!(row_column("12", true), None);
        assert_eq!(row_column("A0", true), None);
        assert_eq!(row_column("A", true), None);
    }
}

/// The one pass against calamine on every xlsx sample: same cells (text and position), merges
/// and hidden rows and columns, and no sample left to calamine.
#[cfg(test)]
mod same_as_calamine {
    use super::super::{Budget, RawSheet, read_xlsx_calamine, xlsx};
    use crate::ingest::Limits;

    fn budget() -> Budget {
        let limits = Limits::default();
        Budget {
            cells: 0,
            limits,
            deadline: limits.deadline(),
        }
    }

    fn summary(sheets: &[RawSheet]) -> Vec<String> {
        sheets
            .iter()
            .map(|s| {
                let mut cells = s.cells.clone();
                cells.sort();
                let mut merges = s.merges.clone().unwrap_or_default();
                merges.sort();
                format!(
                    "{}: {cells:?} {merges:?} {:?} {:?}",
                    s.name, s.hidden_rows, s.hidden_cols
                )
            })
            .collect()
    }

    fn xlsx_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                xlsx_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "xlsx") {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_sample_reads_as_calamine_reads_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        xlsx_files(&root.join("samples"), &mut files);
        assert!(files.len() >= 15, "{files:?}");
        // The shared corpus too, where this checkout has it beside it.
        xlsx_files(&root.join("../shared/corpus"), &mut files);
        xlsx_files(&root.join("../shared/corpus-real"), &mut files);
        for path in files {
            let bytes = std::fs::read(&path).unwrap();
            let ours = xlsx::read(&bytes, &mut budget()).unwrap();
            let ours = ours.unwrap_or_else(|| panic!("{path:?} was left to calamine"));
            let theirs = read_xlsx_calamine(&bytes, &mut budget()).unwrap();
            assert_eq!(summary(&ours), summary(&theirs), "{path:?}");
        }
    }
}
