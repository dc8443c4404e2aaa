//! What an xlsb sheet says besides its cells: merged regions and hidden rows and columns.
//!
//! calamine 0.38 reads xlsb values only. The rest lives in records its cell reader skips
//! ([MS-XLSB] 2.1.7.62 Worksheet): `BrtColInfo` (fHidden) between `BrtBeginColInfos` and
//! `BrtEndColInfos` before the cells, `BrtRowHdr` (fDyZero: hidden) before each row's cells, and
//! `BrtMergeCell` between `BrtBeginMergeCells` and `BrtEndMergeCells` after them. So the sheet
//! part is walked once more record by record, the cell records skipped by their size, never
//! decoded. Sheet names are mapped to parts as calamine does: `BrtBundleSh` records of
//! `xl/workbook.bin` give name and relationship id, `xl/_rels/workbook.bin.rels` the part.
//!
//! Every length and offset is checked against the bytes at hand: a damaged or hostile part
//! gives `None` for its sheet (whose merges then stay unknown), never a panic, and a sheet part
//! that stops before its `BrtEndSheet` is refused rather than read short.
//!
//! Record ids ([MS-XLSB] 2.3, decimal): those calamine also reads agree with its reader
//! (`src/xlsb/mod.rs`: 0x9C BrtBundleSh, 0x90 BrtEndBundleShs; `cells_reader.rs`: 0x00
//! BrtRowHdr, 0x0186/0x0187 the col infos).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::Dimensions;

use super::ooxml::{self, SheetExtras};

const BRT_ROW_HDR: u16 = 0;
const BRT_COL_INFO: u16 = 60;
const BRT_END_SHEET: u16 = 130;
const BRT_END_BUNDLE_SHS: u16 = 144;
const BRT_BUNDLE_SH: u16 = 156;
const BRT_MERGE_CELL: u16 = 176;

use super::{COLUMNS as MAX_COL, LAST_ROW as MAX_ROW};

/// Hidden column ranges are often given out to the last column: a tiny record becomes 16,384
/// entries. Across the workbook at most this many are kept; sheets past it are left out (their
/// merges stay unknown) rather than held in memory on a hostile workbook's say-so.
const MAX_HIDDEN_COLS: usize = 1 << 22;

/// The extras of every worksheet of an xlsb package that can be followed, by sheet name; `None`
/// when the package itself cannot be followed (no workbook part or relationships, a damaged
/// workbook part). A sheet whose part is damaged is left out. Part sizes were bounded before
/// (`check_zip`).
pub fn read(bytes: &[u8]) -> Option<HashMap<String, SheetExtras>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    // calamine finds parts case-insensitively, with `\` read as `/`.
    let mut names = HashMap::new();
    for n in zip.file_names() {
        let n = n.ok()?;
        names.insert(n.replace('\\', "/").to_ascii_lowercase(), n.into_owned());
    }
    let mut part = |name: &str| -> Option<Vec<u8>> {
        let name = names.get(&name.to_ascii_lowercase())?;
        let mut f = zip.by_name(name).ok()?;
        let mut buf = Vec::with_capacity(f.size().min(1 << 26) as usize);
        f.read_to_end(&mut buf).ok()?;
        Some(buf)
    };
    let rels = ooxml::relationships(&part("xl/_rels/workbook.bin.rels")?)?;
    let sheets = sheet_ids(&part("xl/workbook.bin")?)?;
    // Each part walked once, however many names point at it.
    let mut walked: HashMap<String, Option<SheetExtras>> = HashMap::new();
    let mut budget = MAX_HIDDEN_COLS;
    let mut out = HashMap::new();
    for (name, id) in sheets {
        // A name without a part is calamine's to report.
        let Some(target) = rels.get(&id) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("xl/{target}"),
        };
        let extras = walked
            .entry(path)
            .or_insert_with_key(|path| part(path).and_then(|bin| sheet_extras(&bin)));
        let Some(x) = extras else {
            continue;
        };
        let Some(left) = budget.checked_sub(x.hidden_cols.len()) else {
            continue;
        };
        budget = left;
        out.insert(
            name,
            SheetExtras {
                merges: x.merges.clone(),
                hidden_rows: x.hidden_rows.clone(),
                hidden_cols: x.hidden_cols.clone(),
                has_formulas: false,
            },
        );
    }
    Some(out)
}

/// One record at `data[pos..]`: its type, its body, and where the next record starts; `None`
/// when the header is malformed or the body runs past the end.
///
/// [MS-XLSB] 2.1.4: the type is 1–2 bytes and the size 1–4 bytes, each 7 bits a byte, low bits
/// first, the high bit saying another byte follows.
fn record_at(data: &[u8], pos: usize) -> Option<(u16, &[u8], usize)> {
    let mut i = pos;
    let b = *data.get(i)?;
    i += 1;
    let mut rt = u16::from(b & 0x7F);
    if b & 0x80 != 0 {
        let b = *data.get(i)?;
        i += 1;
        if b & 0x80 != 0 {
            return None; // a type has at most two bytes
        }
        rt |= u16::from(b) << 7;
    }
    let mut size = 0usize;
    for k in 0..4 {
        let b = *data.get(i)?;
        i += 1;
        size |= usize::from(b & 0x7F) << (7 * k);
        if b & 0x80 == 0 {
            let end = i.checked_add(size)?;
            return Some((rt, data.get(i..end)?, end));
        }
    }
    None // a size has at most four bytes
}

/// Every record of a part, in order: `Some((type, body))`, or one `None` where the part stops
/// being well formed (then nothing more).
fn records(data: &[u8]) -> impl Iterator<Item = Option<(u16, &[u8])>> {
    let mut pos = 0;
    let mut broken = false;
    std::iter::from_fn(move || {
        if broken || pos >= data.len() {
            return None;
        }
        match record_at(data, pos) {
            Some((rt, body, next)) => {
                pos = next;
                Some(Some((rt, body)))
            }
            None => {
                broken = true;
                Some(None)
            }
        }
    })
}

fn u32_at(body: &[u8], at: usize) -> Option<u32> {
    let b = body.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// An XLWideString at `body[at..]`: the text and where it ends; `None` when it runs past the end
/// (its count is checked against the bytes before anything is allocated).
fn wide_str(body: &[u8], at: usize) -> Option<(String, usize)> {
    let count = usize::try_from(u32_at(body, at)?).ok()?;
    let start = at + 4;
    let end = start.checked_add(count.checked_mul(2)?)?;
    let units = body
        .get(start..end)?
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]));
    let text = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    Some((text, end))
}

/// `(name, relationship id)` of each `BrtBundleSh` of workbook.bin, in order. A sheet with a
/// null relationship id has no part (calamine skips it too).
fn sheet_ids(data: &[u8]) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for rec in records(data) {
        let (rt, body) = rec?;
        match rt {
            // hsState (4), iTabID (4), strRelID (XLNullableWideString), strName.
            BRT_BUNDLE_SH => {
                if u32_at(body, 8)? == u32::MAX {
                    continue;
                }
                let (id, end) = wide_str(body, 8)?;
                let (name, _) = wide_str(body, end)?;
                out.push((name, id));
            }
            BRT_END_BUNDLE_SHS => return Some(out),
            _ => {}
        }
    }
    // No end of the sheet list: a cut or damaged workbook part.
    None
}

/// One worksheet part's extras; `None` if the part is damaged or ends before `BrtEndSheet`.
pub fn sheet_extras(data: &[u8]) -> Option<SheetExtras> {
    let mut out = SheetExtras::default();
    // Hidden column ranges, merged at the end: filling a per-column table here would cost
    // 16,384 steps for each 20-byte record of a hostile part.
    let mut hidden_cols: Vec<(u32, u32)> = Vec::new();
    for rec in records(data) {
        let (rt, body) = rec?;
        match rt {
            // rw (4), ixfe (4), miyRw (2), fExtraAsc/fExtraDsc (1), then iOutLevel (bits 0-2),
            // fCollapsed (3), fDyZero (4: the row is hidden), fUnsynced (5), fGhostDirty (6).
            BRT_ROW_HDR => {
                let rw = u32_at(body, 0)?;
                let flags = *body.get(11)?;
                if rw > MAX_ROW {
                    return None;
                }
                if flags & 0x10 != 0 {
                    out.hidden_rows.push(rw);
                }
            }
            // colFirst (4), colLast (4), coldx (4), ixfe (4), flags (2): fHidden is bit 0.
            BRT_COL_INFO => {
                if body.len() < 18 {
                    return None;
                }
                let (first, last) = (u32_at(body, 0)?, u32_at(body, 4)?);
                if body[16] & 0x01 != 0 && first < MAX_COL && first <= last {
                    hidden_cols.push((first, last.min(MAX_COL - 1)));
                }
            }
            // UncheckedRfX: rwFirst, rwLast, colFirst, colLast (4 each).
            BRT_MERGE_CELL => {
                let (r0, r1) = (u32_at(body, 0)?, u32_at(body, 4)?);
                let (c0, c1) = (u32_at(body, 8)?, u32_at(body, 12)?);
                if r0.max(r1) > MAX_ROW || c0.max(c1) >= MAX_COL {
                    return None;
                }
                out.merges.push(Dimensions {
                    start: (r0.min(r1), c0.min(c1)),
                    end: (r0.max(r1), c0.max(c1)),
                });
            }
            BRT_END_SHEET => {
                out.hidden_rows.sort_unstable();
                out.hidden_rows.dedup();
                out.hidden_cols = super::ooxml::expand_ranges(hidden_cols);
                return Some(out);
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A record: type and size as [MS-XLSB] variable-length integers, then the body.
    fn rec(rt: u16, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut put = |mut n: usize| loop {
            let b = (n & 0x7F) as u8;
            n >>= 7;
            if n == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        };
        put(usize::from(rt));
        put(body.len());
        out.extend_from_slice(body);
        out
    }

    fn u32s(v: &[u32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    fn wide(s: &str) -> Vec<u8> {
        let units: Vec<u16> = s.encode_utf16().collect();
        let mut out = (units.len() as u32).to_le_bytes().to_vec();
        out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        out
    }

    fn row_hdr(rw: u32, hidden: bool) -> Vec<u8> {
        let mut b = u32s(&[rw, 0]);
        b.extend_from_slice(&300u16.to_le_bytes());
        b.push(0);
        b.push(if hidden { 0x10 | 0x20 } else { 0 });
        b.push(0);
        b.extend(u32s(&[1, 0, 5]));
        rec(BRT_ROW_HDR, &b)
    }

    fn col_info(first: u32, last: u32, hidden: bool) -> Vec<u8> {
        let mut b = u32s(&[first, last, 2304, 0]);
        b.extend_from_slice(&(if hidden { 3u16 } else { 2 }).to_le_bytes());
        rec(BRT_COL_INFO, &b)
    }

    /// A cell record calamine would read (BrtCellIsst: col, style, isst).
    fn cell(col: u32) -> Vec<u8> {
        rec(7, &u32s(&[col, 0, 0]))
    }

    fn dims(r0: u32, c0: u32, r1: u32, c1: u32) -> Dimensions {
        Dimensions {
            start: (r0, c0),
            end: (r1, c1),
        }
    }

    /// BrtBeginSheet, BrtWsDim, col infos (C:D hidden, E shown), sheet data (rows 1, 5 hidden,
    /// 8), merges A1:F1 and B8:C9, BrtEndSheet.
    fn sheet() -> Vec<u8> {
        let mut s = rec(129, &[]);
        s.extend(rec(148, &u32s(&[0, 8, 0, 5])));
        s.extend(rec(390, &[]));
        s.extend(col_info(0, 0, false));
        s.extend(col_info(2, 3, true));
        s.extend(rec(391, &[]));
        s.extend(rec(145, &[]));
        s.extend(row_hdr(0, false));
        s.extend(cell(0));
        s.extend(row_hdr(4, true));
        s.extend(cell(0));
        // A real number, 16 bytes of body with bytes above 0x7F.
        s.extend(rec(
            5,
            &[
                1, 0, 0, 0, 0, 0, 0, 0, 0x9A, 0x99, 0x99, 0x99, 0x99, 0xB9, 0x93, 0x40,
            ],
        ));
        s.extend(row_hdr(7, false));
        s.extend(cell(1));
        s.extend(rec(146, &[]));
        s.extend(rec(177, &u32s(&[2])));
        s.extend(rec(176, &u32s(&[0, 0, 0, 5])));
        s.extend(rec(176, &u32s(&[8, 7, 1, 2])));
        s.extend(rec(178, &[]));
        s.extend(rec(130, &[]));
        s
    }

    #[test]
    fn record_headers() {
        // One-byte type and size.
        assert_eq!(record_at(&[0x00, 0x00], 0), Some((0, &[][..], 2)));
        assert_eq!(record_at(&[0x05, 0x01, 0xAB], 0), Some((5, &[0xAB][..], 3)));
        // Two-byte types: BrtBeginSheet (129) and BrtBeginColInfos (390).
        assert_eq!(record_at(&[0x81, 0x01, 0x00], 0), Some((129, &[][..], 3)));
        assert_eq!(record_at(&[0x86, 0x03, 0x00], 0), Some((390, &[][..], 3)));
        assert_eq!(
            record_at(&[0xFF, 0x7F, 0x00], 0),
            Some((16_383, &[][..], 3))
        );
        // Sizes of two, three and four bytes (140, 16,384, and 0 written long).
        let mut r = vec![0x05, 0x8C, 0x01];
        r.extend([7u8; 140]);
        let (rt, body, next) = record_at(&r, 0).unwrap();
        assert_eq!((rt, body.len(), next), (5, 140, 143));
        let mut r = vec![0x05, 0x80, 0x80, 0x01];
        r.extend(vec![0u8; 16_384]);
        assert_eq!(record_at(&r, 0).map(|x| x.1.len()), Some(16_384));
        assert_eq!(
            record_at(&[0x05, 0x80, 0x80, 0x80, 0x00], 0),
            Some((5, &[][..], 5))
        );
        // From an offset.
        assert_eq!(
            record_at(&[0xFF, 0x02, 0x02, 0x00], 2),
            Some((2, &[][..], 4))
        );
        // Malformed: a third type byte, a fifth size byte, a body past the end, nothing at all.
        assert_eq!(record_at(&[0x81, 0x81, 0x01, 0x00], 0), None);
        assert_eq!(record_at(&[0x05, 0x80, 0x80, 0x80, 0x80, 0x00], 0), None);
        assert_eq!(record_at(&[0x05, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2], 0), None);
        assert_eq!(record_at(&[0x05, 0x03, 1, 2], 0), None);
        assert_eq!(record_at(&[0x81], 0), None);
        assert_eq!(record_at(&[0x05], 0), None);
        assert_eq!(record_at(&[], 0), None);
    }

    #[test]
    fn merges_hidden_rows_and_columns() {
        let x = sheet_extras(&sheet()).unwrap();
        assert_eq!(x.merges, vec![dims(0, 0, 0, 5), dims(7, 1, 8, 2)]);
        assert_eq!(x.hidden_rows, vec![4]);
        assert_eq!(x.hidden_cols, vec![2, 3]);
        // Nothing but the frame: no extras.
        let mut plain = rec(129, &[]);
        plain.extend(rec(145, &[]));
        plain.extend(rec(146, &[]));
        plain.extend(rec(130, &[]));
        assert_eq!(sheet_extras(&plain), Some(SheetExtras::default()));
    }

    #[test]
    fn hidden_column_ranges_stop_at_the_last_column() {
        let mut s = col_info(4, u32::MAX, true);
        s.extend(col_info(20_000, 30_000, true));
        s.extend(col_info(7, 3, true));
        s.extend(col_info(1, 2, true));
        s.extend(col_info(0, 1, true));
        s.extend(col_info(10, 12, true));
        s.extend(rec(130, &[]));
        let x = sheet_extras(&s).unwrap();
        assert_eq!(x.hidden_cols, (0..3).chain(4..16_384).collect::<Vec<_>>());
        // Many records hiding every column cost what the records cost.
        let mut s = Vec::new();
        for _ in 0..100_000 {
            s.extend(col_info(0, 16_383, true));
        }
        s.extend(rec(130, &[]));
        assert_eq!(sheet_extras(&s).unwrap().hidden_cols.len(), 16_384);
    }

    #[test]
    fn damaged_sheets_give_none() {
        let s = sheet();
        // Every cut, at a record boundary or not, loses the end of the sheet.
        for cut in 0..s.len() {
            assert_eq!(sheet_extras(&s[..cut]), None, "cut at {cut}");
        }
        // Records too short for what they must hold, rows and merges out of the sheet.
        for bad in [
            rec(BRT_ROW_HDR, &[0; 11]),
            rec(BRT_COL_INFO, &u32s(&[0, 1, 0, 0])),
            rec(BRT_MERGE_CELL, &u32s(&[0, 1, 2])),
            row_hdr(MAX_ROW + 1, false),
            rec(BRT_MERGE_CELL, &u32s(&[0, u32::MAX, 0, 1])),
            rec(BRT_MERGE_CELL, &u32s(&[0, 1, 0, MAX_COL])),
        ] {
            let mut s = bad;
            s.extend(rec(130, &[]));
            assert_eq!(sheet_extras(&s), None);
        }
        // Garbage: whatever it gives, it gives without panicking or looping.
        let mut seed = 0x2545_F491_u32;
        for len in [1usize, 7, 64, 4096] {
            let junk: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    seed as u8
                })
                .collect();
            let _ = sheet_extras(&junk);
            let _ = sheet_ids(&junk);
        }
    }

    #[test]
    fn sheet_names_and_ids() {
        let mut wb = rec(131, &[]);
        wb.extend(rec(143, &[]));
        let bundle = |name: &str, id: Option<&str>| {
            let mut b = u32s(&[0, 1]);
            match id {
                Some(id) => b.extend(wide(id)),
                None => b.extend(u32s(&[u32::MAX])),
            }
            b.extend(wide(name));
            rec(BRT_BUNDLE_SH, &b)
        };
        wb.extend(bundle("绩效目标", Some("rId1")));
        wb.extend(bundle("none", None));
        wb.extend(bundle("Sheet2", Some("rId2")));
        wb.extend(rec(144, &[]));
        wb.extend(rec(132, &[]));
        assert_eq!(
            sheet_ids(&wb),
            Some(vec![
                ("绩效目标".to_string(), "rId1".to_string()),
                ("Sheet2".to_string(), "rId2".to_string())
            ])
        );
        // A name whose count runs past the record, and a list that never ends.
        let mut b = u32s(&[0, 1]);
        b.extend(wide("rId1"));
        b.extend(u32s(&[u32::MAX / 2]));
        assert_eq!(sheet_ids(&rec(BRT_BUNDLE_SH, &b)), None);
        assert_eq!(sheet_ids(&wb[..wb.len() - 6]), None);
    }

    fn package(sheet: &[u8]) -> Vec<u8> {
        let mut wb = rec(131, &[]);
        wb.extend(rec(143, &[]));
        let mut b = u32s(&[0, 1]);
        b.extend(wide("rId1"));
        b.extend(wide("表一"));
        wb.extend(rec(BRT_BUNDLE_SH, &b));
        wb.extend(rec(144, &[]));
        wb.extend(rec(132, &[]));
        let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/></Relationships>"#;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, data) in [
            ("xl/workbook.bin", &wb[..]),
            ("xl/_rels/workbook.bin.rels", rels.as_bytes()),
            ("xl/worksheets/Sheet1.bin", sheet),
        ] {
            zip.start_file(name, opts).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn packages() {
        // The part is found whatever the case of its name, as calamine finds it.
        let x = read(&package(&sheet())).unwrap();
        assert_eq!(x.len(), 1);
        assert_eq!(x["表一"].merges.len(), 2);
        assert_eq!(x["表一"].hidden_rows, vec![4]);
        // A damaged sheet part: the sheet is left out (its merges stay unknown).
        let s = sheet();
        assert_eq!(read(&package(&s[..s.len() - 1])), Some(HashMap::new()));
        // Not a package at all.
        assert_eq!(read(b"PK\x03\x04 not a zip"), None);
    }
}
