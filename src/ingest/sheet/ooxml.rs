//! What an xlsx sheet says besides its cells: merged regions and hidden rows and columns.
//!
//! calamine's cell reader gives neither hidden rows nor hidden columns, and its merged regions
//! cost a second full parse of the sheet (every cell event again, a tenth of a large
//! workbook's conversion). Both live outside the cells: `<cols>` before `<sheetData>`,
//! `<mergeCells>` after it, and `hidden="1"` on a `<row>` start tag. So the sheet part is
//! inflated once more and only those places are parsed; the cell data in between is skipped
//! with a byte search. Whatever this cannot follow (an unusual package layout, XML it cannot
//! parse) gives `None`, and the caller falls back to calamine's merge pass.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::Dimensions;
use memchr::memmem;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// The merged regions and hidden rows/columns of one sheet; 0-based, ascending.
#[derive(Debug, Default, PartialEq)]
pub struct SheetExtras {
    pub merges: Vec<Dimensions>,
    pub hidden_rows: Vec<u32>,
    pub hidden_cols: Vec<u32>,
    /// Whether some formula of the sheet was saved with no value (`<f>…</f><v/>` or no `<v>`
    /// at all, as scripts write): only then is it worth asking calamine for the formulas.
    /// Excel and LibreOffice save every formula's value.
    pub has_formulas: bool,
}

/// Hidden columns are given as ranges (`min="3" max="16384"`, often to the sheet's last
/// column); only those within the grid can hold a table's cells worth flagging.
use super::COLUMNS as MAX_COL;

/// The extras of every worksheet of an xlsx package, by sheet name; `None` when the package
/// cannot be followed. Part sizes were bounded before (`check_zip`).
pub fn read(bytes: &[u8]) -> Option<HashMap<String, SheetExtras>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut part = |name: &str| -> Option<Vec<u8>> {
        let mut f = zip.by_name(name).ok()?;
        let mut buf = Vec::with_capacity(f.size().min(1 << 26) as usize);
        f.read_to_end(&mut buf).ok()?;
        Some(buf)
    };
    let rels = relationships(&part("xl/_rels/workbook.xml.rels")?)?;
    let sheets = sheet_ids(&part("xl/workbook.xml")?)?;
    let mut out = HashMap::new();
    for (name, id) in sheets {
        let target = rels.get(&id)?;
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("xl/{target}"),
        };
        // A sheet name that points at no part is calamine's to report.
        let Some(xml) = part(&path) else {
            continue;
        };
        out.insert(name, sheet_extras(&xml)?);
    }
    Some(out)
}

/// `Id → Target` of a relationships part (also xlsb's `workbook.bin.rels`).
pub(super) fn relationships(xml: &[u8]) -> Option<HashMap<String, String>> {
    let mut out = HashMap::new();
    each_start(xml, |e| {
        if e.local_name().as_ref() == "Relationship"
            && let (Some(id), Some(target)) = (attr(e, "Id"), attr(e, "Target"))
        {
            out.insert(id, target);
        }
    })?;
    Some(out)
}

/// `(name, relationship id)` of each `<sheet>` in workbook.xml, in order.
fn sheet_ids(xml: &[u8]) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    each_start(xml, |e| {
        // `r:id`: the prefix is whatever the file binds the relationships namespace to.
        if e.local_name().as_ref() == "sheet"
            && let (Some(name), Some(id)) = (attr(e, "name"), attr(e, "id"))
        {
            out.push((name, id));
        }
    })?;
    Some(out)
}

/// One worksheet part's extras.
pub fn sheet_extras(xml: &[u8]) -> Option<SheetExtras> {
    let mut out = SheetExtras::default();
    // No sheetData at all: parse the whole (small) part as head.
    let data_start = memmem::find(xml, b"sheetData").map_or(xml.len(), |i| tag_start(xml, i));
    let data_end = match memmem::rfind(xml, b"sheetData") {
        Some(i) => i + memchr::memchr(b'>', &xml[i..])? + 1,
        None => xml.len(),
    };
    let mut hidden_cols = Vec::new();
    each_start(&xml[..data_start], |e| {
        if e.local_name().as_ref() == "col" {
            hidden_cols.extend(hidden_col_range(e));
        }
    })?;
    out.hidden_cols = expand_ranges(hidden_cols);
    if data_end > data_start {
        out.hidden_rows = hidden_rows(&xml[data_start..data_end])?;
        out.has_formulas = has_formulas(&xml[data_start..data_end]);
    }
    let mut bad_ref = false;
    each_start(&xml[data_end.min(xml.len())..], |e| {
        if e.local_name().as_ref() == "mergeCell" {
            match attr(e, "ref").as_deref().and_then(parse_ref) {
                Some(d) => out.merges.push(d),
                None => bad_ref = true,
            }
        }
    })?;
    if bad_ref {
        return None;
    }
    Some(out)
}

/// The 0-based columns a `<col>` hides, if it hides any within the grid.
pub(super) fn hidden_col_range(e: &BytesStart<'_>) -> Option<(u32, u32)> {
    if !is_hidden(e) {
        return None;
    }
    let num = |k: &str| attr(e, k).and_then(|v| v.parse::<u32>().ok());
    let (min, max) = (num("min")?, num("max")?);
    ((1..=MAX_COL).contains(&min) && min <= max).then(|| (min - 1, max.min(MAX_COL) - 1))
}

/// Whether some formula of a worksheet part was saved with no value (see `has_formulas`).
pub(super) fn formulas_without_values(xml: &[u8]) -> bool {
    let data_start = memmem::find(xml, b"sheetData").map_or(xml.len(), |i| tag_start(xml, i));
    let data_end = match memmem::rfind(xml, b"sheetData") {
        Some(i) => memchr::memchr(b'>', &xml[i..]).map_or(xml.len(), |k| i + k + 1),
        None => xml.len(),
    };
    data_end > data_start && has_formulas(&xml[data_start..data_end])
}

/// The byte patterns of a formula with no value after it, in a `<sheetData>`.
fn has_formulas(data: &[u8]) -> bool {
    [
        &b"</f></c>"[..],
        b"</f><v/>",
        b"</f><v />",
        b"</f><v></v>",
        b"/><v/></c>",
        b"/><v /></c>",
    ]
    .iter()
    .any(|p| memmem::find(data, p).is_some())
        || memmem::find(data, b":f>").is_some()
}

/// Inclusive ranges (which may overlap and repeat) as the sorted list of what they cover. The
/// ranges are merged first: a hostile part repeating "hide columns 1 to 16,384" thousands of
/// times costs its ranges, not thousands of 16,384-column fills.
pub(super) fn expand_ranges(mut ranges: Vec<(u32, u32)>) -> Vec<u32> {
    ranges.sort_unstable();
    let mut out: Vec<u32> = Vec::new();
    for (first, last) in ranges {
        // Past the columns already listed.
        let from = out.last().map_or(first, |&c| first.max(c + 1));
        out.extend(from..=last);
    }
    out
}

/// The rows of a `<sheetData>` whose start tag says `hidden="1"`: found by searching the bytes
/// for the attribute, then reading the tag around each hit. Cells have no `hidden` attribute,
/// and text (`<t>`) cannot hold a raw `"`-delimited attribute inside a tag.
fn hidden_rows(data: &[u8]) -> Option<Vec<u32>> {
    let mut rows = Vec::new();
    // Whether the bytes before a hit are inside a tag is followed forward, so every byte is
    // looked at a bounded number of times however many hits there are (a text cell full of
    // `hidden=` must not make each hit scan back over it).
    let mut cursor = 0;
    let mut open: Option<usize> = None;
    let mut done_until = 0;
    for hit in memmem::find_iter(data, b"hidden=") {
        if hit < done_until {
            continue; // inside a tag already read
        }
        for i in memchr::memchr2_iter(b'<', b'>', &data[cursor..hit]) {
            open = (data[cursor + i] == b'<').then_some(cursor + i);
        }
        cursor = hit;
        let Some(start) = open else {
            continue; // text content, not an attribute
        };
        let close = hit + memchr::memchr(b'>', &data[hit..])?;
        done_until = close;
        let mut reader = Reader::from_reader(&data[start..=close]);
        let Ok(Event::Start(e) | Event::Empty(e)) = reader.read_event() else {
            return None;
        };
        if e.local_name().as_ref() != "row" || !is_hidden(&e) {
            continue;
        }
        // A row without `r` is numbered by its place; such files are rare: let the caller fall
        // back rather than count every row here.
        let r: u32 = attr(&e, "r")?.parse().ok()?;
        rows.push(r.checked_sub(1)?);
    }
    rows.sort_unstable();
    rows.dedup();
    Some(rows)
}

/// Where the tag containing byte `i` starts.
fn tag_start(xml: &[u8], i: usize) -> usize {
    memchr::memrchr(b'<', &xml[..i]).unwrap_or(i)
}

pub(super) fn is_hidden(e: &BytesStart<'_>) -> bool {
    matches!(attr(e, "hidden").as_deref(), Some("1" | "true"))
}

/// An attribute's unescaped value, by local name.
pub(super) fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(XmlVersion::default())
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Call `f` on every start or empty tag of `xml`; `None` if the XML is broken. Parts of a
/// document are parsed (a head cut before `<sheetData>`, a tail after it), so unclosed or
/// unmatched tags are not errors here.
fn each_start(xml: &[u8], mut f: impl FnMut(&BytesStart<'_>)) -> Option<()> {
    let mut reader = Reader::from_reader(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => f(&e),
            Ok(Event::Eof) => return Some(()),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

/// `B3:D5` (or a single cell `B3`) as 0-based dimensions, as written: a reversed `D5:B3`
/// stays reversed, for `merges::check` to name and ignore.
pub(super) fn parse_ref(r: &str) -> Option<Dimensions> {
    let (a, b) = r.split_once(':').unwrap_or((r, r));
    let (start, end) = (cell_pos(a)?, cell_pos(b)?);
    Some(Dimensions { start, end })
}

/// `AB12` (or `$AB$12`) as 0-based `(row, col)`.
fn cell_pos(s: &str) -> Option<(u32, u32)> {
    let s = s.trim();
    let s: std::borrow::Cow<'_, str> = if s.contains('$') {
        s.replace('$', "").into()
    } else {
        s.into()
    };
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for c in letters.chars() {
        if !c.is_ascii_alphabetic() {
            return None;
        }
        col = col * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
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

    #[test]
    fn refs() {
        assert_eq!(parse_ref("A1:F1"), Some(dims(0, 0, 0, 5)));
        assert_eq!(parse_ref("A12:A24"), Some(dims(11, 0, 23, 0)));
        assert_eq!(parse_ref("$AA$3:AB4"), Some(dims(2, 26, 3, 27)));
        assert_eq!(parse_ref("C7"), Some(dims(6, 2, 6, 2)));
        assert_eq!(parse_ref("A0:B2"), None);
        assert_eq!(parse_ref("12:14"), None);
        assert_eq!(parse_ref("ABCD1:A2"), None);
    }

    const SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F24"/>
<cols><col min="1" max="1" width="9" customWidth="1"/><col min="3" max="4" width="0" hidden="1" customWidth="1"/></cols>
<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="5" hidden="1" ht="0"><c r="A5" t="inlineStr"><is><t>hidden="1" is text</t></is></c></row><row r="7" spans="1:6" hidden="true"/><row r="8"><c r="B8"><v>3</v></c></row></sheetData>
<mergeCells count="2"><mergeCell ref="A1:F1"/><mergeCell ref="B8:C9"/></mergeCells><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>"#;

    #[test]
    fn merges_hidden_rows_and_columns() {
        let x = sheet_extras(SHEET.as_bytes()).unwrap();
        assert_eq!(x.merges, vec![dims(0, 0, 0, 5), dims(7, 1, 8, 2)]);
        assert_eq!(x.hidden_rows, vec![4, 6]);
        assert_eq!(x.hidden_cols, vec![2, 3]);
    }

    #[test]
    fn prefixed_names_and_no_extras() {
        let x = SHEET
            .replace("<worksheet xmlns=", "<x:worksheet xmlns:x=")
            .replace("</worksheet>", "</x:worksheet>")
            .replace("<sheetData>", "<x:sheetData>")
            .replace("</sheetData>", "</x:sheetData>")
            .replace("<mergeCell ", "<x:mergeCell ")
            .replace("<row ", "<x:row ")
            .replace("</row>", "</x:row>");
        let x = sheet_extras(x.as_bytes()).unwrap();
        assert_eq!(x.merges.len(), 2);
        assert_eq!(x.hidden_rows, vec![4, 6]);
        let plain = r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>"#;
        assert_eq!(sheet_extras(plain.as_bytes()), Some(SheetExtras::default()));
        let empty = r#"<worksheet><sheetData/><mergeCells><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#;
        assert_eq!(
            sheet_extras(empty.as_bytes()).unwrap().merges,
            vec![dims(0, 0, 0, 1)]
        );
    }

    #[test]
    fn what_cannot_be_followed_falls_back() {
        // A hidden row without its number, a merge reference that is no cell range.
        let no_r = r#"<worksheet><sheetData><row hidden="1"><c><v>1</v></c></row></sheetData></worksheet>"#;
        assert_eq!(sheet_extras(no_r.as_bytes()), None);
        let bad = r#"<worksheet><sheetData/><mergeCells><mergeCell ref="oops"/></mergeCells></worksheet>"#;
        assert_eq!(sheet_extras(bad.as_bytes()), None);
    }

    #[test]
    fn hostile_text_full_of_the_attribute_costs_one_pass() {
        let text = "hidden=\"1\" ".repeat(200_000);
        let xml = format!(
            r#"<worksheet><sheetData><row r="2" hidden="1"><c r="A2" t="inlineStr"><is><t>{text}</t></is></c></row><row r="3" hidden="0"/></sheetData></worksheet>"#
        );
        // (Scanning back over the text from each of its 200,000 hits would take minutes.)
        assert_eq!(sheet_extras(xml.as_bytes()).unwrap().hidden_rows, vec![1]);
    }

    #[test]
    fn formulas_without_values_are_noticed() {
        let with = |c: &str| {
            let xml =
                format!(r#"<worksheet><sheetData><row r="1">{c}</row></sheetData></worksheet>"#);
            sheet_extras(xml.as_bytes()).unwrap().has_formulas
        };
        // Saved by Excel or LibreOffice: the value is there, calamine already gave it.
        assert!(!with(r#"<c r="A1"><f>SUM(B1:B3)</f><v>6</v></c>"#));
        assert!(!with(r#"<c r="A1"><v>6</v></c>"#));
        // Written by a script: no value.
        assert!(with(r#"<c r="F20"><f>100%</f><v /></c>"#));
        assert!(with(r#"<c r="F20"><f>100%</f></c>"#));
    }

    #[test]
    fn ranges_expand_once() {
        assert_eq!(
            expand_ranges(vec![(4, 6), (0, 1), (5, 8), (5, 5)]),
            vec![0, 1, 4, 5, 6, 7, 8]
        );
        let hostile = vec![(0, MAX_COL - 1); 10_000];
        assert_eq!(expand_ranges(hostile).len(), MAX_COL as usize);
    }

    #[test]
    fn hidden_column_ranges_stop_at_the_last_column() {
        let x = r#"<worksheet><cols><col min="5" max="16384" hidden="1"/></cols><sheetData/></worksheet>"#;
        let x = sheet_extras(x.as_bytes()).unwrap();
        assert_eq!(x.hidden_cols.len(), 16_384 - 4);
        assert_eq!(x.hidden_cols[0], 4);
    }
}
