//! A small walk over an xls (BIFF8 in an OLE compound file) for what calamine keeps private:
//! each numeric cell's number format code, and each sheet's used area.
//!
//! calamine reads xls values and merges well but only keeps "is this a date" of a format, so
//! `387.00` (format `0.00`) would come out as `387`. This reads the compound file's `Workbook`
//! stream, the FORMAT and XF records of the globals, and the XF index of every NUMBER / RK /
//! MULRK / FORMULA cell. Everything is bounds-checked; anything it cannot follow is an error the
//! caller treats as "no formats known" (calamine then decides whether the file is readable).

use std::collections::HashMap;

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;
/// DIFAT entries from here up are no FAT sector (DIFSECT, FATSECT, ENDOFCHAIN, FREE): calamine
/// skips them all (`cfb.rs`, `id < DIFSECT`), so our walk does too and builds calamine's FAT.
const DIFSECT: u32 = 0xFFFF_FFFC;

/// What the walk learnt about a workbook.
#[derive(Debug, Default)]
pub struct Formats {
    /// Format code by format id (FORMAT records; built-ins filled in on lookup).
    by_id: HashMap<u16, String>,
    /// Format id of each XF record, in order.
    xf_format: Vec<u16>,
    pub sheets: Vec<SheetFormats>,
    /// The resolved code of each XF (index = XF index), filled once the globals are read.
    pub codes: Vec<String>,
}

/// One sheet: the XF index of each numeric cell, and the area its cells span.
#[derive(Debug, Default)]
pub struct SheetFormats {
    pub name: String,
    xf: HashMap<(u32, u32), u16>,
    /// Cells in the bounding box of the used cells (what calamine will allocate for the sheet).
    pub area: u64,
    /// Cells the sheet's DIMENSIONS record claims, as calamine computes them: calamine
    /// reserves room for this many cells before it reads one, so a record claiming rows
    /// 0..0xFFFFFFFF would ask for exabytes and abort the process.
    pub claimed: u64,
    /// Rows (ROW records with fDyZero) and columns (COLINFO with fHidden) hidden in the
    /// sheet, 0-based: calamine does not say.
    pub hidden_rows: Vec<u32>,
    pub hidden_cols: Vec<u32>,
}

impl SheetFormats {
    /// The format code of the numeric cell at `(row, col)`, if the walk saw one.
    pub fn code_at<'a>(&self, pos: (u32, u32), codes: &'a [String]) -> Option<&'a str> {
        let xf = *self.xf.get(&pos)?;
        codes.get(xf as usize).map(String::as_str)
    }
}

/// An OLE file holding `EncryptedPackage` is a password-protected xlsx/xlsx-family workbook.
pub fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes.starts_with(&OLE_MAGIC) && bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// Walk the workbook. Errors are reasons in plain words.
/// The error of a sector chain that comes back on itself. calamine 0.38 follows such a chain
/// without end (`cfb.rs` `get_chain`), growing a buffer until memory runs out, so the sheet
/// reader refuses the file when our walk sees it.
pub const CHAIN_LOOPS: &str = "a sector chain loops";

pub fn scan(bytes: &[u8]) -> Result<Formats, String> {
    let stream = Cfb::parse(bytes)?.stream(&["Workbook", "Book"])?;
    let mut out = Formats::default();
    let mut sheet_offsets: Vec<(u32, String)> = Vec::new();
    let mut biff8 = true;
    for (typ, data, at) in Records::new(&stream, 0) {
        match typ {
            0x0809 if at == 0 => biff8 = data.len() >= 2 && u16_at(data, 0) == 0x0600,
            0x041E if biff8 && data.len() >= 5 => {
                let id = u16_at(data, 0);
                if let Some(code) = xl_unicode_string(&data[2..], 2) {
                    out.by_id.insert(id, code);
                }
            }
            0x00E0 if data.len() >= 4 => out.xf_format.push(u16_at(data, 2)),
            0x0085 if biff8 && data.len() >= 8 => {
                let offset = u32_at(data, 0);
                if let Some(name) = xl_unicode_string(&data[6..], 1) {
                    sheet_offsets.push((offset, name));
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    if !biff8 {
        // BIFF5 and older: calamine reads them; we only know General for their numbers.
        return Ok(out);
    }
    out.codes = out
        .xf_format
        .iter()
        .map(|&id| match out.by_id.get(&id) {
            Some(code) => code.clone(),
            None => super::numfmt::builtin_code(id as u32)
                .unwrap_or("General")
                .to_string(),
        })
        .collect();
    for (offset, name) in sheet_offsets {
        out.sheets.push(scan_sheet(&stream, offset as usize, name));
    }
    Ok(out)
}

fn scan_sheet(stream: &[u8], offset: usize, name: String) -> SheetFormats {
    let mut sheet = SheetFormats {
        name,
        ..SheetFormats::default()
    };
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut see = |r: u32, c: u32| {
        let b = bounds.get_or_insert((r, r, c, c));
        b.0 = b.0.min(r);
        b.1 = b.1.max(r);
        b.2 = b.2.min(c);
        b.3 = b.3.max(c);
    };
    let mut depth = 0;
    for (typ, data, at) in Records::new(stream, offset) {
        match typ {
            // A chart or other substream inside the sheet has its own BOF/EOF.
            0x0809 if at != offset => depth += 1,
            0x000A if depth > 0 => depth -= 1,
            0x000A => break,
            _ if depth > 0 => {}
            // NUMBER, RK, FORMULA: row, col, xf.
            0x0203 | 0x027E | 0x0006 if data.len() >= 6 => {
                let (r, c) = (u16_at(data, 0) as u32, u16_at(data, 2) as u32);
                sheet.xf.insert((r, c), u16_at(data, 4));
                see(r, c);
            }
            // MULRK: row, first col, (xf, rk)*, last col.
            0x00BD if data.len() >= 6 => {
                let r = u16_at(data, 0) as u32;
                let first = u16_at(data, 2) as u32;
                let n = (data.len() - 6) / 6;
                for k in 0..n {
                    let xf = u16_at(data, 4 + 6 * k);
                    sheet.xf.insert((r, first + k as u32), xf);
                    see(r, first + k as u32);
                }
            }
            0x0200 => sheet.claimed = sheet.claimed.max(claimed_cells(data)),
            // ROW: rw, …, grbit at 12 whose bit 5 (fDyZero) hides the row.
            0x0208 if data.len() >= 14 && u16_at(data, 12) & 0x0020 != 0 => {
                sheet.hidden_rows.push(u16_at(data, 0) as u32);
            }
            // COLINFO: first and last column, width, xf, grbit whose bit 0 hides them. BIFF8
            // sheets have 256 columns; the last range often claims more.
            0x007D if data.len() >= 10 && u16_at(data, 8) & 0x0001 != 0 => {
                let (first, last) = (u16_at(data, 0) as u32, u16_at(data, 2).min(255) as u32);
                sheet.hidden_cols.extend(first..=last);
            }
            // Text, boolean and error cells count for the area calamine will allocate.
            0x0204 | 0x00D6 | 0x0205 | 0x00FD if data.len() >= 4 => {
                see(u16_at(data, 0) as u32, u16_at(data, 2) as u32);
            }
            _ => {}
        }
    }
    sheet.hidden_rows.sort_unstable();
    sheet.hidden_rows.dedup();
    sheet.hidden_cols.sort_unstable();
    sheet.hidden_cols.dedup();
    if let Some((r0, r1, c0, c1)) = bounds {
        sheet.area = (r1 - r0 + 1) as u64 * (c1 - c0 + 1) as u64;
    }
    sheet
}

/// The cells a DIMENSIONS record makes calamine 0.38 reserve (`xls.rs` `parse_dimensions`
/// and the `0x0200` arm): rows `rf..rl` and columns `cf..cl`, last ones exclusive, with its
/// u32 arithmetic (a reversed row range wraps around to billions, as it does there).
fn claimed_cells(data: &[u8]) -> u64 {
    let u32_at = |i: usize| u32::from_le_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]);
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            u16_at(data, 0) as u32,
            u16_at(data, 2) as u32,
            u16_at(data, 4) as u32,
            u16_at(data, 6) as u32,
        ),
        14 | 16 => (
            u32_at(0),
            u32_at(4),
            u16_at(data, 8) as u32,
            u16_at(data, 10) as u32,
        ),
        // calamine refuses the record: nothing is reserved.
        _ => return 0,
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl < 1 || cl < 1 {
        return 1;
    }
    let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1);
    let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1);
    u64::from(rows) * u64::from(cols)
}

/// BIFF records from `offset`: `(type, data, offset of the record)`. Stops at the first record
/// that does not fit.
struct Records<'a> {
    stream: &'a [u8],
    at: usize,
}

impl<'a> Records<'a> {
    fn new(stream: &'a [u8], at: usize) -> Self {
        Records { stream, at }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8], usize);
    fn next(&mut self) -> Option<Self::Item> {
        let head = self.stream.get(self.at..self.at + 4)?;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]) as usize;
        let data = self.stream.get(self.at + 4..self.at + 4 + len)?;
        let at = self.at;
        self.at += 4 + len;
        Some((typ, data, at))
    }
}

/// An XLUnicodeString (`len_bytes` = 2) or ShortXLUnicodeString (1): count, flags, characters
/// as Latin-1 or UTF-16LE.
fn xl_unicode_string(data: &[u8], len_bytes: usize) -> Option<String> {
    let count = match len_bytes {
        1 => *data.first()? as usize,
        _ => u16_at(data.get(..2)?, 0) as usize,
    };
    let flags = *data.get(len_bytes)?;
    let chars = &data[len_bytes + 1..];
    if flags & 1 == 1 {
        let raw = chars.get(..count * 2)?;
        let units: Vec<u16> = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(chars.get(..count)?.iter().map(|&b| b as char).collect())
    }
}

fn u16_at(d: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([d[i], d[i + 1]])
}

fn u32_at(d: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([d[i], d[i + 1], d[i + 2], d[i + 3]])
}

/// The parts of an OLE compound file needed to read one stream.
struct Cfb<'a> {
    bytes: &'a [u8],
    sector: usize,
    mini_sector: usize,
    mini_cutoff: u64,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    /// `(name, start sector, size)` of every directory entry; entry 0 is the root.
    entries: Vec<(String, u32, u64)>,
}

impl<'a> Cfb<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Cfb<'a>, String> {
        if bytes.len() < 512 || !bytes.starts_with(&OLE_MAGIC) {
            return Err("not an OLE compound file".into());
        }
        let shift = u16_at(bytes, 0x1E);
        let mini_shift = u16_at(bytes, 0x20);
        if !(shift == 9 || shift == 12) || mini_shift != 6 {
            return Err(format!("unexpected sector size 2^{shift}"));
        }
        let mut cfb = Cfb {
            bytes,
            sector: 1 << shift,
            mini_sector: 1 << mini_shift,
            mini_cutoff: u32_at(bytes, 0x38) as u64,
            fat: Vec::new(),
            mini_fat: Vec::new(),
            entries: Vec::new(),
        };
        // DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
        let mut fat_sectors: Vec<u32> = (0..109)
            .map(|i| u32_at(bytes, 0x4C + 4 * i))
            .filter(|&s| s < DIFSECT)
            .collect();
        let mut difat = u32_at(bytes, 0x44);
        let per = cfb.sector / 4;
        let mut guard = 0;
        while difat != END_OF_CHAIN && difat != FREE {
            guard += 1;
            if guard > bytes.len() / cfb.sector + 1 {
                return Err("the sector table loops".into());
            }
            let s = cfb.sector_bytes(difat)?;
            if s.len() < cfb.sector {
                return Err("the file is truncated".into());
            }
            fat_sectors.extend(
                (0..per - 1)
                    .map(|i| u32_at(s, 4 * i))
                    .filter(|&x| x < DIFSECT),
            );
            difat = u32_at(s, 4 * (per - 1));
        }
        let mut fat = Vec::with_capacity(fat_sectors.len() * per);
        for s in fat_sectors {
            // A FAT sector past the end adds nothing (calamine reads it empty or fails): the
            // chains below are still checked for loops.
            let Ok(s) = cfb.sector_bytes(s) else { continue };
            fat.extend(s.chunks_exact(4).map(|c| u32_at(c, 0)));
        }
        cfb.fat = fat;
        let dir = cfb.chain(u32_at(bytes, 0x30), &cfb.fat, cfb.sector, None)?;
        cfb.entries = dir
            .chunks_exact(128)
            .map(|e| {
                let len = (u16_at(e, 64) as usize).min(64);
                let units: Vec<u16> = e[..len.saturating_sub(2)]
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                let size = u32_at(e, 120) as u64;
                (String::from_utf16_lossy(&units), u32_at(e, 116), size)
            })
            .collect();
        let mini_fat = cfb.chain(u32_at(bytes, 0x3C), &cfb.fat, cfb.sector, None)?;
        cfb.mini_fat = mini_fat.chunks_exact(4).map(|c| u32_at(c, 0)).collect();
        // calamine also follows the root's mini stream and any entry's stream (summary, VBA)
        // up to a length the file states: none of those chains may loop either.
        let starts = || cfb.entries.iter().map(|e| e.1);
        if loops_any(starts(), &cfb.fat) || loops_any(starts(), &cfb.mini_fat) {
            return Err(CHAIN_LOOPS.into());
        }
        Ok(cfb)
    }

    fn sector_bytes(&self, n: u32) -> Result<&'a [u8], String> {
        let start = (n as usize + 1)
            .checked_mul(self.sector)
            .ok_or("bad sector number")?;
        // A short last sector is padding cut off (calamine reads such files too); a sector that
        // starts past the end is a truncated file.
        if start >= self.bytes.len() {
            return Err("the file is truncated".into());
        }
        Ok(&self.bytes[start..self.bytes.len().min(start + self.sector)])
    }

    /// Follow a sector chain through `table` and concatenate the sectors.
    fn chain(
        &self,
        start: u32,
        table: &[u32],
        size: usize,
        mini: Option<&[u8]>,
    ) -> Result<Vec<u8>, String> {
        // The loop first, on sector numbers alone: a chain that comes back on itself through
        // sectors we cannot read is still one calamine follows for ever (found by fuzzing).
        let (mut s, mut steps) = (start, 0);
        while s != END_OF_CHAIN && s != FREE {
            steps += 1;
            if steps > table.len() + 1 {
                return Err(CHAIN_LOOPS.into());
            }
            let Some(&next) = table.get(s as usize) else {
                break;
            };
            s = next;
        }
        let mut out = Vec::new();
        let mut s = start;
        let mut guard = 0;
        while s != END_OF_CHAIN && s != FREE {
            guard += 1;
            if guard > table.len() + 1 {
                return Err(CHAIN_LOOPS.into());
            }
            match mini {
                None => out.extend_from_slice(self.sector_bytes(s)?),
                Some(stream) => {
                    let at = s as usize * size;
                    out.extend_from_slice(
                        stream
                            .get(at..at + size)
                            .ok_or("the mini stream is truncated")?,
                    );
                }
            }
            s = *table
                .get(s as usize)
                .ok_or("a sector chain leaves the table")?;
        }
        Ok(out)
    }

    /// The first stream with one of `names`.
    fn stream(&self, names: &[&str]) -> Result<Vec<u8>, String> {
        let (_, start, size) = self
            .entries
            .iter()
            .find(|(n, _, _)| names.contains(&n.as_str()))
            .ok_or("no Workbook stream")?;
        let mut data = if *size < self.mini_cutoff {
            let root = self.entries.first().ok_or("no root entry")?;
            let mini = self.chain(root.1, &self.fat, self.sector, None)?;
            self.chain(*start, &self.mini_fat, self.mini_sector, Some(&mini))?
        } else {
            self.chain(*start, &self.fat, self.sector, None)?
        };
        data.truncate(*size as usize);
        Ok(data)
    }
}

/// Whether a chain from one of `starts` through `table` comes back on itself. Each table entry
/// is followed once over all the starts, so the cost is linear in the table.
fn loops_any(starts: impl Iterator<Item = u32>, table: &[u32]) -> bool {
    // 0: not seen, 1: on the chain being followed, 2: known to end.
    let mut state = vec![0u8; table.len()];
    let mut path = Vec::new();
    for start in starts {
        let mut s = start as usize;
        while let Some(&next) = table.get(s) {
            match state[s] {
                1 => return true,
                2 => break,
                _ => {}
            }
            state[s] = 1;
            path.push(s);
            s = next as usize;
        }
        for p in path.drain(..) {
            state[p] = 2;
        }
    }
    false
}
