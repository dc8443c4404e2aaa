//! xlsx in one pass: the package (relationships, workbook, shared strings, number formats) read
//! once per workbook, then each sheet's XML parsed once for its cells, merged regions, hidden
//! rows and columns (`xlsx_sheet`).
//!
//! Why not calamine alone: its cell reader gives neither hidden rows nor hidden columns, its
//! merged regions cost a second parse of every cell, and opening a workbook also parses every
//! font, fill, border and the theme's colours (a third of a small workbook's read) that a table
//! does not need. This reader keeps calamine's reading of every value — the same text for a
//! shared or inline string, the same dates, the same number-format codes, ported below — so the
//! grids are the same. Whatever it does not read exactly as calamine would (an unusual package,
//! a value calamine would refuse, a shared formula standing in for a missing value) makes it
//! give up with `None`, and the caller reads the workbook through calamine as before.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::escape::{resolve_xml_entity, unescape};
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::{Budget, RawSheet, numfmt};
use crate::error::IngestError;

/// The workbook-level facts every sheet's values are read with.
pub(super) struct Book {
    pub strings: Vec<String>,
    /// Per cell style (`s`): whether numbers are dates, and the number format code.
    pub formats: Vec<CellFormat>,
    pub codes: Vec<Option<String>>,
    pub is_1904: bool,
}

/// calamine's reading of a number format: a date, a duration or a plain number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum CellFormat {
    Other,
    DateTime,
    TimeDelta,
}

/// The sheets of an xlsx workbook; `Ok(None)` when this reader cannot follow the package
/// exactly as calamine would (the caller then reads it through calamine); `Err` only for the
/// limits the budget enforces.
pub(super) fn read(
    bytes: &[u8],
    budget: &mut Budget,
) -> Result<Option<Vec<RawSheet>>, IngestError> {
    let Some(mut pkg) = Package::open(bytes) else {
        return Ok(None);
    };
    let Some((book, sheets)) = pkg.book() else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(sheets.len());
    for (name, path) in sheets {
        let Some(Some(xml)) = pkg.part(&path) else {
            return Ok(None);
        };
        match super::xlsx_sheet::read(&xml, &book, name, budget)? {
            Some(sheet) => out.push(sheet),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

/// The zip package, with calamine's case-insensitive lookup of part names.
struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    names: HashMap<String, String>,
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8]) -> Option<Self> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let mut names = HashMap::with_capacity(zip.len());
        for n in zip.file_names() {
            let n = n.ok()?;
            names.insert(n.replace('\\', "/").to_ascii_lowercase(), n.to_string());
        }
        Some(Package { zip, names })
    }

    /// A part's bytes: `Some(None)` when there is no such part, `None` when it cannot be read.
    /// Part sizes were bounded before (`check_zip`).
    fn part(&mut self, path: &str) -> Option<Option<Vec<u8>>> {
        let name = self
            .names
            .get(&path.to_ascii_lowercase())
            .map_or(path, |s| s.as_str());
        let mut f = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Some(None),
            Err(_) => return None,
        };
        let mut buf = Vec::with_capacity(f.size().min(1 << 26) as usize);
        f.read_to_end(&mut buf).ok()?;
        Some(Some(buf))
    }

    /// The workbook's strings, formats and worksheets `(name, part path)` in order.
    fn book(&mut self) -> Option<(Book, Vec<(String, String)>)> {
        let (xl_path, workbook_name) = office_document(&self.part("_rels/.rels")??)?;
        let strings = match self.part(&format!("{xl_path}sharedStrings.xml"))? {
            Some(xml) => shared_strings(&xml)?,
            None => Vec::new(),
        };
        let (formats, codes) = match self.part(&format!("{xl_path}styles.xml"))? {
            Some(xml) => styles(&xml)?,
            None => (Vec::new(), Vec::new()),
        };
        let rels = relationships(&self.part(&format!("{xl_path}_rels/{workbook_name}.rels"))??)?;
        let wb = self.part(&format!("{xl_path}{workbook_name}"))??;
        let (sheets, is_1904) = workbook(&wb, &rels, &xl_path)?;
        let book = Book {
            strings,
            formats,
            codes,
            is_1904,
        };
        Some((book, sheets))
    }
}

/// A reader configured as calamine configures its own, so both see the same events.
pub(super) fn xml_reader(xml: &[u8]) -> Reader<&[u8]> {
    let mut r = Reader::from_reader(xml);
    let config = r.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    r
}

/// An attribute's raw value by exact key, as calamine looks attributes up; `None` when absent
/// or when the tag's attributes are malformed (calamine would refuse those).
pub(super) fn raw_attr<'e>(e: &'e BytesStart<'_>, key: &str) -> Result<Option<&'e str>, ()> {
    for item in RawAttrs(e.attributes_raw()) {
        let (k, v) = item?;
        if k == key {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// The raw `key="value"` pairs of a tag.
pub(super) fn raw_attrs<'e>(e: &'e BytesStart<'_>) -> RawAttrs<'e> {
    RawAttrs(e.attributes_raw())
}

/// `key="value"` pairs of a tag, without unescaping (calamine's `RawAttrIter`).
pub(super) struct RawAttrs<'a>(&'a str);

impl<'a> Iterator for RawAttrs<'a> {
    type Item = Result<(&'a str, &'a str), ()>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = self.0;
        let b = raw.as_bytes();
        let start = b.iter().position(|c| !c.is_ascii_whitespace())?;
        self.0 = "";
        let Some(eq) = memchr::memchr(b'=', &b[start..]).map(|i| start + i) else {
            return Some(Err(()));
        };
        let mut at = eq + 1;
        while b.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let quote = match b.get(at) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return Some(Err(())),
        };
        let from = at + 1;
        let (value, rest) = match memchr::memchr(quote, &b[from..]) {
            Some(i) => (&raw[from..from + i], &raw[from + i + 1..]),
            None => (&raw[from..], ""),
        };
        self.0 = rest;
        Some(Ok((raw[start..eq].trim_ascii_end(), value)))
    }
}

/// Append an entity reference's text (`&amp;`, `&#xA0;`) as calamine does; `None` if unknown.
pub(super) fn push_entity(e: &BytesRef<'_>, out: &mut String) -> Option<()> {
    if let Some(s) = resolve_xml_entity(e.as_ref()) {
        out.push_str(s);
        return Some(());
    }
    out.push(e.resolve_char_ref().ok()??);
    Some(())
}

/// `(xl_path, workbook_name)` from the package relationships' officeDocument target.
fn office_document(xml: &[u8]) -> Option<(String, String)> {
    let mut reader = xml_reader(xml);
    let mut target = None;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                let typ = raw_attr(&e, "Type").ok()?;
                if typ.is_some_and(|t| t.ends_with("/relationships/officeDocument"))
                    && let Some(t) = raw_attr(&e, "Target").ok()?
                {
                    target = Some(unescape(t).ok()?.into_owned());
                }
            }
            Event::End(e) if e.local_name().as_ref() == "Relationships" => break,
            Event::Eof => return None,
            _ => {}
        }
    }
    let target = target?;
    let (dir, name) = match target.rfind('/') {
        Some(i) => target.split_at(i + 1),
        None => ("", target.as_str()),
    };
    let name = if name.is_empty() {
        "workbook.xml"
    } else {
        name
    };
    Some((
        dir.strip_prefix('/').unwrap_or(dir).to_string(),
        name.to_string(),
    ))
}

/// `Id → (Target, Type)` of the workbook's relationships, raw as calamine keeps them.
fn relationships(xml: &[u8]) -> Option<HashMap<String, (String, String)>> {
    let mut reader = xml_reader(xml);
    let mut out = HashMap::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                if let Some(id) = raw_attr(&e, "Id").ok()? {
                    let target = raw_attr(&e, "Target").ok()?.unwrap_or_default();
                    let typ = raw_attr(&e, "Type").ok()?.unwrap_or_default();
                    out.insert(id.to_string(), (target.to_string(), typ.to_string()));
                }
            }
            Event::End(e) if e.local_name().as_ref() == "Relationships" => return Some(out),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The worksheets `(name, part path)` of workbook.xml in order, and its 1904 date flag. A sheet
/// calamine would refuse (unknown state or relationship type) gives `None`.
fn workbook(
    xml: &[u8],
    rels: &HashMap<String, (String, String)>,
    xl_path: &str,
) -> Option<(Vec<(String, String)>, bool)> {
    let mut reader = xml_reader(xml);
    let mut sheets = Vec::new();
    let mut is_1904 = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                let (name, path, worksheet) = sheet_entry(&e, rels, xl_path)?;
                if worksheet {
                    sheets.push((name, path));
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "workbookPr" => {
                if let Some(v) = raw_attr(&e, "date1904").ok()? {
                    is_1904 = v == "1" || v == "true";
                }
            }
            Event::End(e) if e.local_name().as_ref() == "workbook" => {
                return Some((sheets, is_1904));
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// One `<sheet>`: its name, part path and whether it is a worksheet.
fn sheet_entry(
    e: &BytesStart<'_>,
    rels: &HashMap<String, (String, String)>,
    xl_path: &str,
) -> Option<(String, String, bool)> {
    let mut name = String::new();
    let mut rel_id = "";
    for item in RawAttrs(e.attributes_raw()) {
        let (key, val) = item.ok()?;
        match key {
            "name" => name = unescape(val).ok()?.into_owned(),
            "state" if !matches!(val, "visible" | "hidden" | "veryHidden") => return None,
            k if k == "id" || k.strip_suffix("id").is_some_and(|p| p.ends_with(':')) => {
                rel_id = val;
            }
            _ => {}
        }
    }
    let (target, typ) = rels.get(rel_id)?;
    let path = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("{xl_path}{target}"),
    };
    let worksheet = match typ.split('/').next_back() {
        Some("worksheet") => true,
        Some("chartsheet" | "dialogsheet") => false,
        _ => return None,
    };
    Some((name, path, worksheet))
}

/// Every `<si>` of sharedStrings.xml, read as calamine reads it.
fn shared_strings(xml: &[u8]) -> Option<Vec<String>> {
    let mut reader = xml_reader(xml);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "sst" => break,
            Event::Eof => return None,
            _ => {}
        }
    }
    let mut out = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                out.push(read_string(&mut reader, e.name().as_ref())?);
            }
            Event::End(e) if e.local_name().as_ref() == "sst" => return Some(out),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// A shared or inline string (`<si>`, `<is>`): its `<t>` runs joined, phonetic runs (`<rPh>`)
/// left out, each run trimmed unless `xml:space="preserve"`, Excel's `_xHHHH_` escapes decoded.
pub(super) fn read_string(reader: &mut Reader<&[u8]>, closing: &str) -> Option<String> {
    let mut out: Option<String> = None;
    let mut phonetic = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "r" && out.is_none() => {
                out = Some(String::new());
            }
            Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Event::End(e) if e.name().as_ref() == closing => return Some(out.unwrap_or_default()),
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::Start(e) if e.local_name().as_ref() == "t" && !phonetic => {
                let preserve = raw_attr(&e, "xml:space").ok()? == Some("preserve");
                let text = read_text(reader, e.name().as_ref(), true)?;
                let text = if preserve {
                    text.as_str()
                } else {
                    text.trim_matches([' ', '\t', '\r', '\n'])
                };
                let text = unescape_excel(text);
                match &mut out {
                    Some(s) => s.push_str(&text),
                    None => out = Some(text.into_owned()),
                }
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The text up to the end tag `closing`: character data, entity references and, when `cdata`,
/// CDATA sections (calamine reads those in strings, not in values or formulas).
pub(super) fn read_text(reader: &mut Reader<&[u8]>, closing: &str, cdata: bool) -> Option<String> {
    let mut value = String::new();
    loop {
        match reader.read_event().ok()? {
            Event::Text(t) => value.push_str(&t.xml10_content()),
            Event::CData(t) if cdata => value.push_str(&t.xml10_content()),
            Event::GeneralRef(e) => push_entity(&e, &mut value)?,
            Event::End(end) if end.name().as_ref() == closing => return Some(value),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Excel's escapes of characters XML cannot hold (`_x000D_` for a carriage return; a character
/// beyond the BMP as two escaped surrogates; a lone surrogate as U+FFFD).
pub(super) fn unescape_excel(s: &str) -> std::borrow::Cow<'_, str> {
    let Some(mut at) = find_escape(s, 0) else {
        return std::borrow::Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    loop {
        let (index, unit) = at;
        out.push_str(&s[copied..index]);
        let mut next = index + 7;
        let c = match unit {
            0xD800..=0xDBFF => match escape_at(s, next) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    next += 7;
                    let cp =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    char::from_u32(cp)
                }
                _ => None,
            },
            0xDC00..=0xDFFF => None,
            _ => char::from_u32(u32::from(unit)),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
        copied = next;
        match find_escape(s, next) {
            Some(found) => at = found,
            None => break,
        }
    }
    out.push_str(&s[copied..]);
    std::borrow::Cow::Owned(out)
}

/// The first `_xHHHH_` at or after byte `from`, with its UTF-16 unit.
fn find_escape(s: &str, mut from: usize) -> Option<(usize, u16)> {
    while let Some(off) = memchr::memchr(b'_', s.as_bytes().get(from..)?) {
        let i = from + off;
        if let Some(unit) = escape_at(s, i) {
            return Some((i, unit));
        }
        from = i + 1;
    }
    None
}

fn escape_at(s: &str, i: usize) -> Option<u16> {
    let b = s.as_bytes().get(i..i + 7)?;
    if b[0] != b'_' || b[1] != b'x' || b[6] != b'_' || !b[2..6].iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
}

/// Per cell style: calamine's date reading and the number format code.
type Styles = (Vec<CellFormat>, Vec<Option<String>>);

/// The `cellXfs` of styles.xml with their number formats. Only the `<numFmts>` and `<cellXfs>`
/// sections are parsed, found with a byte search: a workbook's fonts, fills, borders and
/// cell styles, most of the part, are skipped unread.
fn styles(xml: &[u8]) -> Option<Styles> {
    let mut custom: HashMap<String, String> = HashMap::new();
    if let Some(at) = section(xml, b"numFmts") {
        let mut reader = xml_reader(&xml[at..]);
        loop {
            match reader.read_event().ok()? {
                Event::Start(e) if e.local_name().as_ref() == "numFmt" => {
                    let id = raw_attr(&e, "numFmtId").ok()?;
                    if let (Some(id), Some(code)) = (id, raw_attr(&e, "formatCode").ok()?) {
                        custom.insert(id.to_string(), unescape(code).ok()?.into_owned());
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "numFmts" => break,
                Event::Eof => return None,
                _ => {}
            }
        }
    }
    let (mut formats, mut codes) = (Vec::new(), Vec::new());
    let Some(at) = section(xml, b"cellXfs") else {
        return Some((formats, codes));
    };
    let mut reader = xml_reader(&xml[at..]);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "xf" => {
                let id = raw_attr(&e, "numFmtId").ok()?;
                formats.push(id.map_or(CellFormat::Other, |id| match custom.get(id) {
                    Some(code) => date_kind(code),
                    None => builtin_kind(id),
                }));
                codes.push(id.and_then(|id| {
                    let n: u32 = digits(id)?;
                    let code = custom.get(id).map(String::as_str);
                    Some(
                        code.or(numfmt::builtin_code(n))
                            .unwrap_or("General")
                            .to_string(),
                    )
                }));
            }
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => return Some((formats, codes)),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Where the first element named `name` (with or without a prefix) starts: the `<` before the
/// first occurrence of the name followed by a space, `>` or `/`.
fn section(xml: &[u8], name: &[u8]) -> Option<usize> {
    for hit in memchr::memmem::find_iter(xml, name) {
        let before = hit.checked_sub(1).map(|i| xml[i]);
        let after = xml.get(hit + name.len());
        if matches!(before, Some(b'<' | b':'))
            && matches!(after, Some(b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n'))
        {
            return memchr::memrchr(b'<', &xml[..hit]);
        }
    }
    None
}

/// A number made of ASCII digits only (calamine's integer parsing of ids and indexes).
pub(super) fn digits<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Whether a custom number format shows a date or a duration (calamine's
/// `detect_custom_number_format`, ported from openpyxl): the first section only, quoted and
/// escaped text and bracketed colours skipped; `[h]`, `[m]`, `[s]` make a duration.
fn date_kind(format: &str) -> CellFormat {
    let (mut escaped, mut quoted, mut ap, mut hms) = (false, false, false, false);
    let mut brackets = 0u8;
    let mut prev = ' ';
    for s in format.chars() {
        match (s, escaped, quoted, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => quoted = false,
            (_, _, true, _, _) => (),
            ('"', ..) => quoted = true,
            (';', ..) => return CellFormat::Other,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return CellFormat::TimeDelta,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return CellFormat::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return CellFormat::DateTime;
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    CellFormat::Other
}

/// The built-in format ids that show dates (14–22, 45, 47, the East Asian 27–36 and 50–58)
/// or a duration (46), by the id as written.
fn builtin_kind(id: &str) -> CellFormat {
    match id {
        "14" | "15" | "16" | "17" | "18" | "19" | "20" | "21" | "22" | "45" | "47" | "27"
        | "28" | "29" | "30" | "31" | "32" | "33" | "34" | "35" | "36" | "50" | "51" | "52"
        | "53" | "54" | "55" | "56" | "57" | "58" => CellFormat::DateTime,
        "46" => CellFormat::TimeDelta,
        _ => CellFormat::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_strings_as_calamine_reads_them() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">
<si><t>  项目名称 </t></si>
<si><r><rPr><b/></rPr><t xml:space="preserve">一级 </t></r><r><t>指标</t></r><rPh sb="0" eb="1"><t>いち</t></rPh></si>
<si><t>A&amp;B_x000D_&#x4E00;</t></si>
<si/>
</sst>"#;
        let s = shared_strings(xml.as_bytes()).unwrap();
        assert_eq!(s, vec!["项目名称", "一级 指标", "A&B\r一", ""]);
    }

    #[test]
    fn excel_escapes() {
        assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
        assert_eq!(unescape_excel("_xD83D__xDCF7_"), "📷");
        assert_eq!(unescape_excel("_xD83D_x"), "\u{FFFD}x");
        assert_eq!(unescape_excel("plain_x00"), "plain_x00");
    }

    #[test]
    fn number_formats_and_dates() {
        let xml = r#"<styleSheet><numFmts count="2"><numFmt numFmtId="176" formatCode="0.00_ "/><numFmt numFmtId="177" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/></numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="176"/><xf numFmtId="177"/><xf numFmtId="14"><alignment wrapText="1"/></xf><xf numFmtId="46"/><xf/></cellXfs></styleSheet>"#;
        let (formats, codes) = styles(xml.as_bytes()).unwrap();
        use CellFormat::*;
        assert_eq!(
            formats,
            vec![Other, Other, DateTime, DateTime, TimeDelta, Other]
        );
        assert_eq!(codes[1].as_deref(), Some("0.00_ "));
        assert_eq!(codes[2].as_deref(), Some("yyyy\"年\"m\"月\""));
        assert_eq!(codes[3].as_deref(), Some("mm-dd-yy"));
        assert_eq!(codes[5], None);
        assert_eq!(date_kind("[Red]#,##0.00"), Other);
        assert_eq!(date_kind("[h]:mm"), TimeDelta);
    }

    #[test]
    fn package_relationships() {
        let rels = r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
        assert_eq!(
            office_document(rels.as_bytes()),
            Some(("xl/".into(), "workbook.xml".into()))
        );
        let wb_rels = r#"<Relationships><Relationship Id="rId1" Type="http://x/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://x/relationships/chartsheet" Target="/xl/chartsheets/sheet1.xml"/></Relationships>"#;
        let rels = relationships(wb_rels.as_bytes()).unwrap();
        let wb = r#"<workbook><workbookPr date1904="1"/><sheets><sheet name="表&amp;1" sheetId="1" r:id="rId1"/><sheet name="图" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>"#;
        let (sheets, is_1904) = workbook(wb.as_bytes(), &rels, "xl/").unwrap();
        assert_eq!(
            sheets,
            vec![("表&1".to_string(), "xl/worksheets/sheet1.xml".to_string())]
        );
        assert!(is_1904);
        let odd = wb.replace("hidden", "secret");
        assert!(workbook(odd.as_bytes(), &rels, "xl/").is_none());
    }
}

#[cfg(test)]
mod section_tests {
    use super::*;

    #[test]
    fn sections_are_found_by_name_not_by_prefix_of_another() {
        let xml = br#"<x:styleSheet><x:numFmtsX/><x:numFmts count="1"><x:numFmt numFmtId="164" formatCode="0.0"/></x:numFmts><x:cellXfs><x:xf numFmtId="164"/></x:cellXfs><x:dxfs><x:dxf><x:numFmt numFmtId="165" formatCode="yyyy"/></x:dxf></x:dxfs></x:styleSheet>"#;
        assert_eq!(section(xml, b"numFmts"), Some(27));
        let (formats, codes) = styles(xml).unwrap();
        assert_eq!(formats, vec![CellFormat::Other]);
        assert_eq!(codes, vec![Some("0.0".to_string())]);
        assert_eq!(section(b"<a>numFmts</a>", b"numFmts"), None);
    }
}
