//! The object syntax of PDF (ISO 32000-1 §7.3): one object from the bytes at an offset, with
//! nesting bounded, so a hostile file cannot recurse the parser off its stack.

use super::{PdfArray, PdfDictionary, PdfName, PdfObject, PdfString};
use crate::ingest::pdf::content;

/// Arrays and dictionaries nested deeper than this are refused (as `nesting.rs` refuses them
/// before parsing; this bound holds for objects reached any other way too).
const MAX_DEPTH: u32 = crate::ingest::pdf::nesting::MAX_NESTING as u32;

/// Why an object could not be parsed.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum SyntaxError {
    #[error("unexpected end of data at byte {0}")]
    End(usize),
    #[error("unexpected `{found}` at byte {at}")]
    Unexpected { at: usize, found: String },
    #[error("objects nest more than {MAX_DEPTH} deep at byte {0}")]
    TooDeep(usize),
}

/// A cursor over the bytes of a file or a decoded object stream.
pub struct Parser<'a> {
    pub bytes: &'a [u8],
    pub pos: usize,
}

pub fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

impl<'a> Parser<'a> {
    pub fn new(bytes: &'a [u8], pos: usize) -> Parser<'a> {
        Parser { bytes, pos }
    }

    /// Skip white space and comments.
    pub fn skip_white(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(&c) = self.bytes.get(self.pos) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// A bare word (keyword or number) at the cursor, after white space.
    pub fn word(&mut self) -> &'a [u8] {
        self.skip_white();
        let start = self.pos;
        while let Some(&b) = self.bytes.get(self.pos) {
            if is_white(b) || is_delim(b) {
                break;
            }
            self.pos += 1;
        }
        &self.bytes[start..self.pos]
    }

    /// An unsigned integer word, or `None` (the cursor then is where it was).
    pub fn uint(&mut self) -> Option<u64> {
        let save = self.pos;
        let w = self.word();
        let v = (!w.is_empty() && w.len() <= 19 && w.iter().all(u8::is_ascii_digit))
            .then(|| w.iter().fold(0u64, |a, &d| a * 10 + u64::from(d - b'0')));
        if v.is_none() {
            self.pos = save;
        }
        v
    }

    /// `N G obj` at the cursor: the object's number and generation.
    pub fn obj_header(&mut self) -> Option<(u32, u16)> {
        let n = u32::try_from(self.uint()?).ok()?;
        let g = u16::try_from(self.uint()?).ok()?;
        (self.word() == b"obj").then_some((n, g))
    }

    /// One object; a dictionary followed by `stream` is a stream whose data starts at the
    /// returned offset (its bytes are taken by the caller, who knows the file's length rules).
    pub fn object(&mut self, depth: u32) -> Result<PdfObject, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(SyntaxError::TooDeep(self.pos));
        }
        self.skip_white();
        let at = self.pos;
        let Some(&b) = self.bytes.get(at) else {
            return Err(SyntaxError::End(at));
        };
        match b {
            b'/' => Ok(PdfObject::Name(self.name())),
            b'(' => Ok(PdfObject::String(PdfString(self.literal()))),
            b'[' => self.array(depth),
            b'<' if self.bytes.get(at + 1) == Some(&b'<') => {
                Ok(PdfObject::Dictionary(self.dictionary(depth)?))
            }
            b'<' => Ok(PdfObject::String(PdfString(self.hex()))),
            _ => self.number_or_keyword(at),
        }
    }

    fn number_or_keyword(&mut self, at: usize) -> Result<PdfObject, SyntaxError> {
        let w = self.word();
        match w {
            b"" => {
                self.pos += 1;
                Err(unexpected(at, &self.bytes[at..at + 1]))
            }
            b"true" => Ok(PdfObject::Boolean(true)),
            b"false" => Ok(PdfObject::Boolean(false)),
            b"null" => Ok(PdfObject::Null),
            _ => {
                let Some(num) = number(w) else {
                    return Err(unexpected(at, w));
                };
                Ok(self.maybe_reference(num))
            }
        }
    }

    /// `N G R` after an integer N: a reference; otherwise the number alone.
    fn maybe_reference(&mut self, num: PdfObject) -> PdfObject {
        let PdfObject::Integer(n) = num else {
            return num;
        };
        let save = self.pos;
        if let Ok(n) = u32::try_from(n)
            && let Some(g) = self.uint().and_then(|g| u16::try_from(g).ok())
            && self.word() == b"R"
        {
            return PdfObject::Reference(n, g);
        }
        self.pos = save;
        num
    }

    fn name(&mut self) -> PdfName {
        self.pos += 1;
        let start = self.pos;
        while let Some(&b) = self.bytes.get(self.pos) {
            if is_white(b) || is_delim(b) {
                break;
            }
            self.pos += 1;
        }
        // The content tokenizer's decoding, so resource names match the names pages use.
        PdfName(content::name(&self.bytes[start..self.pos]))
    }

    fn array(&mut self, depth: u32) -> Result<PdfObject, SyntaxError> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_white();
            match self.bytes.get(self.pos) {
                None => return Err(SyntaxError::End(self.pos)),
                Some(b']') => {
                    self.pos += 1;
                    return Ok(PdfObject::Array(PdfArray(items)));
                }
                _ => items.push(self.object(depth + 1)?),
            }
        }
    }

    pub fn dictionary(&mut self, depth: u32) -> Result<PdfDictionary, SyntaxError> {
        self.pos += 2;
        let mut d = PdfDictionary::default();
        loop {
            self.skip_white();
            match self.bytes.get(self.pos) {
                None => return Err(SyntaxError::End(self.pos)),
                Some(b'>') => {
                    self.pos += if self.bytes.get(self.pos + 1) == Some(&b'>') {
                        2
                    } else {
                        1
                    };
                    return Ok(d);
                }
                Some(b'/') => {
                    let key = self.name();
                    let value = self.object(depth + 1)?;
                    d.insert(key.0, value);
                }
                // A stray token where a key belongs: skipped, as lenient readers do.
                Some(_) => {
                    let at = self.pos;
                    self.object(depth + 1)?;
                    if self.pos == at {
                        self.pos += 1;
                    }
                }
            }
        }
    }

    /// `(…)` with balanced parentheses and escapes.
    fn literal(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut level = 1u32;
        while let Some(&b) = self.bytes.get(self.pos) {
            self.pos += 1;
            match b {
                b'(' => {
                    level += 1;
                    out.push(b);
                }
                b')' => {
                    level -= 1;
                    if level == 0 {
                        break;
                    }
                    out.push(b);
                }
                b'\\' => self.escape(&mut out),
                _ => out.push(b),
            }
        }
        out
    }

    fn escape(&mut self, out: &mut Vec<u8>) {
        let Some(&c) = self.bytes.get(self.pos) else {
            return;
        };
        self.pos += 1;
        match c {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'\r' => {
                if self.bytes.get(self.pos) == Some(&b'\n') {
                    self.pos += 1;
                }
            }
            b'\n' => {}
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                for _ in 0..2 {
                    match self.bytes.get(self.pos) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                out.push(v as u8);
            }
            _ => out.push(c),
        }
    }

    /// `<…>` hex digits, white space ignored, an odd last digit padded with 0.
    fn hex(&mut self) -> Vec<u8> {
        self.pos += 1;
        let (out, used) =
            super::filters::hex_digits(self.bytes.get(self.pos..).unwrap_or_default());
        self.pos += used;
        out
    }

    /// After a stream's dictionary: the offset where its data starts, if `stream` follows.
    pub fn stream_start(&mut self) -> Option<usize> {
        self.skip_white();
        if !self.bytes[self.pos.min(self.bytes.len())..].starts_with(b"stream") {
            return None;
        }
        let mut p = self.pos + 6;
        match self.bytes.get(p) {
            Some(b'\r') if self.bytes.get(p + 1) == Some(&b'\n') => p += 2,
            Some(b'\r' | b'\n') => p += 1,
            _ => {}
        }
        Some(p)
    }
}

fn unexpected(at: usize, w: &[u8]) -> SyntaxError {
    SyntaxError::Unexpected {
        at,
        found: String::from_utf8_lossy(&w[..w.len().min(20)]).into_owned(),
    }
}

/// A number word: an integer when it has no point, else a real. Malformed numbers written by
/// some producers (`--5`, `1.2.3`) read as far as they make sense, as viewers read them.
fn number(w: &[u8]) -> Option<PdfObject> {
    let s = std::str::from_utf8(w).ok()?;
    if !s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
    if !s.contains('.')
        && let Ok(i) = s.parse::<i64>()
    {
        return Some(PdfObject::Integer(i));
    }
    let t = s.trim_start_matches(['+', '-']);
    let neg = s.len() - t.len() > 0 && s.starts_with('-');
    let end = t
        .char_indices()
        .scan(false, |dot, (i, c)| {
            let ok = c.is_ascii_digit() || (c == '.' && !std::mem::replace(dot, true));
            ok.then_some(i + 1)
        })
        .last()
        .unwrap_or(0);
    let core = &t[..end];
    if !core.bytes().any(|b| b.is_ascii_digit()) {
        return (!core.is_empty() || t.is_empty()).then_some(PdfObject::Real(0.0));
    }
    let v: f64 = core.parse().ok()?;
    Some(PdfObject::Real(if neg { -v } else { v }))
}

/// Parse one object from `bytes` (a decoded object stream's member).
pub fn object_at(bytes: &[u8], pos: usize) -> Result<PdfObject, SyntaxError> {
    Parser::new(bytes, pos).object(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> PdfObject {
        object_at(s.as_bytes(), 0).unwrap()
    }

    #[test]
    fn reads_the_object_syntax() {
        assert_eq!(parse("12 0 R"), PdfObject::Reference(12, 0));
        assert_eq!(parse("12 0"), PdfObject::Integer(12));
        assert_eq!(parse("-.5"), PdfObject::Real(-0.5));
        assert_eq!(parse("3."), PdfObject::Real(3.0));
        assert_eq!(parse("/A#20B").as_name().unwrap().0, "A B");
        assert_eq!(
            parse("(a\\(b\\)\\101\\\nc)"),
            PdfObject::String(PdfString(b"a(b)Ac".to_vec()))
        );
        assert_eq!(
            parse("<4E6F7>"),
            PdfObject::String(PdfString(b"No\x70".to_vec()))
        );
        let d = parse("<< /Type /Page /Kids [1 0 R 2 0 R] /N null %c\n /B true >>");
        let d = d.as_dict().unwrap();
        assert_eq!(d.get("Kids").unwrap().as_array().unwrap().0.len(), 2);
        assert_eq!(d.get("B"), Some(&PdfObject::Boolean(true)));
    }

    #[test]
    fn deep_nesting_and_garbage_are_errors_not_panics() {
        let deep = "[".repeat(1000);
        assert!(matches!(
            object_at(deep.as_bytes(), 0),
            Err(SyntaxError::TooDeep(_))
        ));
        for bad in ["", ")", "<<", "[1 2", "<< /A", "\u{1}"] {
            assert!(object_at(bad.as_bytes(), 0).is_err(), "{bad:?}");
        }
    }
}
