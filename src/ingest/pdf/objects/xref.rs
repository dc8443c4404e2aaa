//! Where each object is: the cross-reference tables and streams from `startxref` back along
//! `/Prev`, or, when they are missing or damaged, a scan of the file for `N G obj` headers
//! (and the members of the object streams it finds), as viewers repair broken files.

use std::collections::{HashMap, HashSet};

use super::parse::Parser;
use super::{PdfDictionary, PdfObject, filters};

/// Where object N is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Entry {
    /// At this byte offset of the file, with this generation.
    At(usize, u16),
    /// Member `index` of object stream `stream`.
    InStream(u32, u32),
}

pub type Table = HashMap<u32, Entry>;

/// At most this many cross-reference sections are followed along `/Prev` (a loop stops too).
const MAX_SECTIONS: usize = 1_000;
/// An xref stream's entries decode to at most this many bytes.
const MAX_XREF_STREAM: usize = 64 << 20;

/// The table and the newest trailer, read from the file's cross-reference sections; `None`
/// when they cannot be read (the caller then scans).
pub fn read(bytes: &[u8]) -> Option<(Table, PdfDictionary)> {
    let at = memchr::memmem::rfind(bytes, b"startxref")?;
    let mut p = Parser::new(bytes, at + 9);
    let mut next = usize::try_from(p.uint()?).ok();
    let mut table = Table::new();
    let mut trailer: Option<PdfDictionary> = None;
    let mut seen = HashSet::new();
    while let Some(off) = next.take() {
        if seen.len() >= MAX_SECTIONS || !seen.insert(off) || off >= bytes.len() {
            break;
        }
        let t = section(bytes, off, &mut table)?;
        // A hybrid file's table trailer points at an xref stream with the compressed objects.
        if let Some(stm) = t.get("XRefStm").and_then(as_offset)
            && seen.insert(stm)
        {
            section(bytes, stm, &mut table);
        }
        next = t.get("Prev").and_then(as_offset);
        trailer.get_or_insert(t);
    }
    Some((table, trailer?))
}

fn as_offset(o: &PdfObject) -> Option<usize> {
    o.as_integer().and_then(|i| usize::try_from(i).ok())
}

/// One section at `off`: a table (`xref …trailer`) or an xref stream. Entries already known
/// (from a newer section) are kept.
fn section(bytes: &[u8], off: usize, table: &mut Table) -> Option<PdfDictionary> {
    let mut p = Parser::new(bytes, off);
    p.skip_white();
    if bytes[p.pos..].starts_with(b"xref") {
        p.pos += 4;
        return classic(&mut p, table);
    }
    stream_section(&mut p, table)
}

/// `xref`, subsections of `first count` and 20-byte entries, then `trailer << … >>`.
fn classic(p: &mut Parser, table: &mut Table) -> Option<PdfDictionary> {
    loop {
        let save = p.pos;
        let Some(first) = p.uint() else {
            p.pos = save;
            break;
        };
        let count = p.uint()?;
        for i in 0..count {
            let off = p.uint()?;
            let generation = p.uint()?;
            let kind = p.word();
            let n = u32::try_from(first.checked_add(i)?).ok()?;
            if kind == b"n" && off > 0 {
                table
                    .entry(n)
                    .or_insert(Entry::At(off as usize, generation as u16));
            }
        }
    }
    if p.word() != b"trailer" {
        return None;
    }
    p.skip_white();
    p.dictionary(0).ok()
}

/// `N G obj << /Type /XRef /W […] /Index […] >> stream …`.
fn stream_section(p: &mut Parser, table: &mut Table) -> Option<PdfDictionary> {
    p.obj_header()?;
    p.skip_white();
    let dict = p.dictionary(0).ok()?;
    let start = p.stream_start()?;
    let len = dict.get("Length").and_then(as_offset)?;
    let raw = p.bytes.get(start..start.checked_add(len)?)?;
    let data = filters::decode(&dict, raw, MAX_XREF_STREAM).ok()?;
    let w: Vec<usize> = dict
        .get("W")?
        .as_array()?
        .0
        .iter()
        .map(|o| as_offset(o).filter(|&v| v <= 8))
        .collect::<Option<_>>()?;
    if w.len() != 3 {
        return None;
    }
    let size = dict.get("Size").and_then(as_offset).unwrap_or(0);
    let index: Vec<usize> = match dict.get("Index").and_then(PdfObject::as_array) {
        Some(a) => a.0.iter().filter_map(as_offset).collect(),
        None => vec![0, size],
    };
    let width = w.iter().sum::<usize>().max(1);
    let mut rows = data.chunks_exact(width);
    for pair in index.chunks_exact(2) {
        for n in pair[0]..pair[0].saturating_add(pair[1]) {
            let Some(row) = rows.next() else { break };
            let field = |i: usize, d: u64| {
                let s: usize = w[..i].iter().sum();
                if w[i] == 0 {
                    return d;
                }
                row[s..s + w[i]]
                    .iter()
                    .fold(0u64, |a, &b| a << 8 | u64::from(b))
            };
            let Ok(n) = u32::try_from(n) else { break };
            let entry = match field(0, 1) {
                1 => Entry::At(field(1, 0) as usize, field(2, 0) as u16),
                2 => Entry::InStream(u32::try_from(field(1, 0)).ok()?, field(2, 0) as u32),
                _ => continue,
            };
            table.entry(n).or_insert(entry);
        }
    }
    Some(dict)
}

/// Every `N G obj` header of the file, the later of two with the same number winning (an
/// incremental update appends the newer one), and the newest trailer with a `/Root`.
pub fn scan(bytes: &[u8]) -> (Table, Option<PdfDictionary>) {
    let mut table = Table::new();
    for at in memchr::memmem::find_iter(bytes, b"obj") {
        if let Some((start, n, g)) = header_before(bytes, at) {
            table.insert(n, Entry::At(start, g));
        }
    }
    let mut trailer = None;
    for at in memchr::memmem::find_iter(bytes, b"trailer") {
        let mut p = Parser::new(bytes, at + 7);
        p.skip_white();
        if bytes[p.pos..].starts_with(b"<<")
            && let Ok(d) = p.dictionary(0)
            && d.get("Root").is_some()
        {
            trailer = Some(d);
        }
    }
    (table, trailer)
}

/// `N G obj` ending at `at + 3`: its start, N and G.
fn header_before(bytes: &[u8], at: usize) -> Option<(usize, u32, u16)> {
    let after = bytes.get(at + 3).copied().unwrap_or(b' ');
    if !(super::parse::is_white(after) || b"<[(/%".contains(&after)) {
        return None;
    }
    let mut i = at;
    let digits_back = |i: &mut usize| {
        let end = *i;
        while *i > 0 && bytes[*i - 1].is_ascii_digit() {
            *i -= 1;
        }
        (end > *i && end - *i <= 10).then(|| &bytes[*i..end])
    };
    let white_back = |i: &mut usize| {
        let end = *i;
        while *i > 0 && super::parse::is_white(bytes[*i - 1]) {
            *i -= 1;
        }
        end > *i
    };
    if !white_back(&mut i) {
        return None;
    }
    let g = digits_back(&mut i)?;
    if !white_back(&mut i) {
        return None;
    }
    let n = digits_back(&mut i)?;
    if i > 0 && !super::parse::is_white(bytes[i - 1]) && !b">)]".contains(&bytes[i - 1]) {
        return None;
    }
    let num = |d: &[u8]| std::str::from_utf8(d).ok()?.parse::<u64>().ok();
    Some((
        i,
        u32::try_from(num(n)?).ok()?,
        u16::try_from(num(g)?).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_finds_headers_and_the_trailer() {
        let f = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n12 0 obj 5 endobj\n\
                  1 0 obj\n<< /Type /Catalog /V 2 >>\nendobj\ntrailer << /Root 1 0 R >>\n";
        let (t, trailer) = scan(f);
        assert_eq!(t.len(), 2);
        let Some(Entry::At(at, 0)) = t.get(&1).copied() else {
            panic!("object 1 found")
        };
        assert!(f[at..].starts_with(b"1 0 obj\n<< /Type /Catalog /V 2"));
        assert!(trailer.unwrap().get("Root").is_some());
    }

    #[test]
    fn a_classic_table_is_read() {
        let body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n";
        let mut f = body.to_vec();
        let x = f.len();
        f.extend_from_slice(b"xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n");
        f.extend_from_slice(
            format!("trailer << /Root 1 0 R /Size 2 >>\nstartxref\n{x}\n%%EOF").as_bytes(),
        );
        let (t, trailer) = read(&f).unwrap();
        assert_eq!(t.get(&1), Some(&Entry::At(9, 0)));
        assert!(trailer.get("Root").is_some());
    }
}
