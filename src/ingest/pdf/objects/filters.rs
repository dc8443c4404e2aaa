//! Stream filters (ISO 32000-1 §7.4), each decoding within a byte cap so a bomb stops at the
//! cap instead of inflating: Flate (with PNG and TIFF predictors), ASCIIHex, ASCII85 and
//! RunLength. Image filters (DCT, JPX, CCITT, JBIG2) carry no text and are not decoded; LZW
//! is rare in the budget tables we read and is reported as unsupported.

use std::io::Read;

use super::{PdfDictionary, PdfObject};

/// Why a stream could not be decoded.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum FilterError {
    #[error("decoded data exceeds limit of {0} bytes")]
    TooLarge(usize),
    #[error("filter {0} is not supported")]
    Unsupported(String),
    #[error("damaged {0} data")]
    Damaged(&'static str),
}

/// Decode `raw` through the filters its dictionary names, at most `cap` bytes out.
pub fn decode(dict: &PdfDictionary, raw: &[u8], cap: usize) -> Result<Vec<u8>, FilterError> {
    let names: Vec<String> = match dict.get("Filter") {
        Some(PdfObject::Name(n)) => vec![n.0.clone()],
        Some(PdfObject::Array(a)) => {
            a.0.iter()
                .filter_map(|o| Some(o.as_name()?.0.clone()))
                .collect()
        }
        _ => Vec::new(),
    };
    let parms: Vec<Option<&PdfDictionary>> = match dict.get("DecodeParms") {
        Some(PdfObject::Dictionary(d)) => vec![Some(d)],
        Some(PdfObject::Array(a)) => a.0.iter().map(|o| o.as_dict()).collect(),
        _ => Vec::new(),
    };
    let mut data = std::borrow::Cow::Borrowed(raw);
    for (i, name) in names.iter().enumerate() {
        let parm = parms.get(i).copied().flatten();
        data = std::borrow::Cow::Owned(one(name, parm, &data, cap)?);
    }
    if data.len() > cap {
        return Err(FilterError::TooLarge(cap));
    }
    Ok(data.into_owned())
}

fn one(
    name: &str,
    parm: Option<&PdfDictionary>,
    data: &[u8],
    cap: usize,
) -> Result<Vec<u8>, FilterError> {
    match name {
        "FlateDecode" | "Fl" => {
            let out = inflate(data, cap)?;
            predict(parm, out)
        }
        "ASCIIHexDecode" | "AHx" => Ok(ascii_hex(data)),
        "ASCII85Decode" | "A85" => ascii85(data),
        "RunLengthDecode" | "RL" => run_length(data, cap),
        other => Err(FilterError::Unsupported(other.into())),
    }
}

/// zlib data, or raw deflate when the zlib header is damaged; what inflates before a damaged
/// end is kept (many producers write a truncated or checksum-less last block).
pub fn inflate(data: &[u8], cap: usize) -> Result<Vec<u8>, FilterError> {
    // One byte past the cap tells a stream that fills it from one that exceeds it.
    let limit = (cap as u64).saturating_add(1);
    let mut out = Vec::new();
    let zlib = flate2::read::ZlibDecoder::new(data)
        .take(limit)
        .read_to_end(&mut out);
    if zlib.is_err() && out.is_empty() {
        out.clear();
        let body = data.get(2..).unwrap_or_default();
        let raw = flate2::read::DeflateDecoder::new(body)
            .take(limit)
            .read_to_end(&mut out);
        if raw.is_err() && out.is_empty() {
            return Err(FilterError::Damaged("Flate"));
        }
    }
    if out.len() > cap {
        return Err(FilterError::TooLarge(cap));
    }
    Ok(out)
}

fn int_parm(parm: Option<&PdfDictionary>, key: &str, default: i64) -> i64 {
    parm.and_then(|p| p.get(key))
        .and_then(PdfObject::as_integer)
        .unwrap_or(default)
}

/// PNG predictors (10–15, a filter byte per row) and TIFF predictor 2.
fn predict(parm: Option<&PdfDictionary>, data: Vec<u8>) -> Result<Vec<u8>, FilterError> {
    let predictor = int_parm(parm, "Predictor", 1);
    if predictor < 2 {
        return Ok(data);
    }
    let colors = int_parm(parm, "Colors", 1).clamp(1, 32) as usize;
    let bits = int_parm(parm, "BitsPerComponent", 8).clamp(1, 16) as usize;
    let columns = int_parm(parm, "Columns", 1).clamp(1, 1 << 20) as usize;
    let bpp = (colors * bits).div_ceil(8).max(1);
    let row = (colors * bits * columns).div_ceil(8);
    if predictor == 2 {
        return Ok(tiff(data, row, bpp));
    }
    Ok(png(&data, row, bpp))
}

fn tiff(mut data: Vec<u8>, row: usize, bpp: usize) -> Vec<u8> {
    for line in data.chunks_mut(row.max(1)) {
        for i in bpp..line.len() {
            line[i] = line[i].wrapping_add(line[i - bpp]);
        }
    }
    data
}

fn png(data: &[u8], row: usize, bpp: usize) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        let (kind, src) = (chunk[0], &chunk[1..]);
        let mut cur = vec![0u8; row];
        for i in 0..src.len() {
            let left = if i >= bpp { cur[i - bpp] } else { 0 };
            let up = prev[i];
            let ul = if i >= bpp { prev[i - bpp] } else { 0 };
            cur[i] = src[i].wrapping_add(match kind {
                1 => left,
                2 => up,
                3 => ((u16::from(left) + u16::from(up)) / 2) as u8,
                4 => paeth(left, up, ul),
                _ => 0,
            });
        }
        out.extend_from_slice(&cur[..src.len()]);
        prev = cur;
    }
    out
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

fn ascii_hex(data: &[u8]) -> Vec<u8> {
    hex_digits(data).0
}

/// Hex digits up to a `>` (white space and other bytes skipped, an odd last digit padded
/// with 0): the bytes, and how many input bytes were read (the `>` included). Shared by the
/// ASCIIHex filter and hex strings `<…>`.
pub(super) fn hex_digits(data: &[u8]) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(data.len() / 2);
    let mut high: Option<u8> = None;
    let mut used = data.len();
    for (i, &b) in data.iter().enumerate() {
        if b == b'>' {
            used = i + 1;
            break;
        }
        let Some(v) = (b as char).to_digit(16) else {
            continue;
        };
        match high.take() {
            Some(h) => out.push(h << 4 | v as u8),
            None => high = Some(v as u8),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    (out, used)
}

fn ascii85(data: &[u8]) -> Result<Vec<u8>, FilterError> {
    let mut out = Vec::with_capacity(data.len() * 4 / 5);
    let mut group = [0u8; 5];
    let mut n = 0;
    let body = data.strip_prefix(b"<~").unwrap_or(data);
    for &b in body {
        match b {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group[n] = b - b'!';
                n += 1;
                if n == 5 {
                    out.extend_from_slice(&a85_word(&group).to_be_bytes());
                    n = 0;
                }
            }
            b if super::parse::is_white(b) => {}
            _ => return Err(FilterError::Damaged("ASCII85")),
        }
    }
    if n > 1 {
        for g in group.iter_mut().skip(n) {
            *g = 84;
        }
        out.extend_from_slice(&a85_word(&group).to_be_bytes()[..n - 1]);
    }
    Ok(out)
}

fn a85_word(g: &[u8; 5]) -> u32 {
    g.iter()
        .fold(0u32, |a, &d| a.wrapping_mul(85).wrapping_add(u32::from(d)))
}

fn run_length(data: &[u8], cap: usize) -> Result<Vec<u8>, FilterError> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&len) = data.get(i) {
        match len {
            128 => break,
            0..=127 => {
                let end = (i + 2 + len as usize).min(data.len());
                out.extend_from_slice(&data[(i + 1).min(end)..end]);
                i = end;
            }
            _ => {
                if let Some(&b) = data.get(i + 1) {
                    out.extend(std::iter::repeat_n(b, 257 - len as usize));
                }
                i += 2;
            }
        }
        if out.len() > cap {
            return Err(FilterError::TooLarge(cap));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_up_predictor_and_ascii_filters() {
        // Two rows of 2 bytes with the Up predictor (2).
        let rows = [2u8, 1, 2, 2, 1, 1];
        assert_eq!(png(&rows, 2, 1), vec![1, 2, 2, 3]);
        assert_eq!(ascii_hex(b"4E 6f7>"), b"Nop");
        assert_eq!(ascii85(b"<~87cURD]i,\"Ebo80~>").unwrap(), b"Hello World!");
        // A last group of fewer than five characters.
        assert_eq!(ascii85(b"87cURD]j7BEbo7~>").unwrap(), b"Hello world");
        assert_eq!(
            run_length(&[2, b'a', b'b', b'c', 254, b'x', 128], 100).unwrap(),
            b"abcxxx"
        );
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![0u8; 1 << 20]).unwrap();
        let bomb = z.finish().unwrap();
        assert_eq!(inflate(&bomb, 1000), Err(FilterError::TooLarge(1000)));
        assert_eq!(inflate(&bomb, 1 << 20).unwrap().len(), 1 << 20);
    }
}
