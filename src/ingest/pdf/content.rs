//! A page's content stream as operators with their operands, for the page walker in `glyphs`.
//!
//! Our own reader rather than oxidize-pdf's `ContentParser`: that one builds a vector of every
//! operation of the page, allocating for each, and recurses into nested arrays and
//! dictionaries (so a hostile stream had to be checked for nesting first). This one makes one
//! pass with a flat operand stack, knows only what the walker asks for, and never recurses:
//! property dictionaries (`BDC`) and inline images (`BI … ID … EI`) are skipped, not built.
//! Anything it cannot read is skipped a byte at a time; content never fails to read.

/// An operand. Dictionaries, booleans and `null` are `Other`: no operator we use takes them.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand<'a> {
    Num(f64),
    /// A name as written, without the slash (`#xx` escapes undone by [`name`]).
    Name(&'a [u8]),
    Str(Vec<u8>),
    Array(Vec<Operand<'a>>),
    Other,
}

impl Operand<'_> {
    pub fn num(&self) -> Option<f64> {
        match self {
            Operand::Num(v) => Some(*v),
            _ => None,
        }
    }
}

/// A name's text, `#xx` escapes decoded.
pub fn name(raw: &[u8]) -> String {
    if !raw.contains(&b'#') {
        return String::from_utf8_lossy(raw).into_owned();
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#'
            && let Some(v) = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

const MAX_ARRAY_DEPTH: usize = 16;

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Call `f(operator, operands)` for each operator of `data`, in order, until it returns false.
///
/// Left whole (about 120 lines): it is one flat `match` on the first byte of each token, each
/// arm a few lines over the same state (position, operand stack, open arrays and
/// dictionaries); split up, that state would only be passed around or made a struct, and the
/// tokenizer read in several places instead of one.
pub fn each_op<'a>(data: &'a [u8], mut f: impl FnMut(&[u8], &[Operand<'a>]) -> bool) {
    let mut stack: Vec<Operand<'a>> = Vec::new();
    // Where each open array starts in `stack`; arrays nested deeper than `MAX_ARRAY_DEPTH` are
    // flattened into their parent (only counted), so no operand is nested deep enough for its
    // drop to recurse far.
    let mut arrays: Vec<usize> = Vec::new();
    let mut flattened = 0usize;
    // Dictionaries open: their contents are dropped.
    let mut dicts = 0usize;
    let mut i = 0;
    let n = data.len();
    while i < n {
        let c = data[i];
        if is_space(c) {
            i += 1;
            continue;
        }
        let operand = match c {
            b'%' => {
                i = memchr::memchr2(b'\n', b'\r', &data[i..]).map_or(n, |p| i + p);
                continue;
            }
            b'/' => {
                let start = i + 1;
                i = start;
                while i < n && !is_space(data[i]) && !is_delim(data[i]) {
                    i += 1;
                }
                Operand::Name(&data[start..i])
            }
            b'(' => {
                let (s, end) = literal(data, i + 1);
                i = end;
                Operand::Str(s)
            }
            b'<' if data.get(i + 1) == Some(&b'<') => {
                dicts += 1;
                i += 2;
                continue;
            }
            b'>' if data.get(i + 1) == Some(&b'>') => {
                i += 2;
                if dicts > 0 {
                    dicts -= 1;
                    if dicts == 0 {
                        push(&mut stack, &arrays, Operand::Other);
                    }
                }
                continue;
            }
            b'<' => {
                let (s, end) = hex(data, i + 1);
                i = end;
                Operand::Str(s)
            }
            b'[' => {
                i += 1;
                if dicts == 0 {
                    if arrays.len() < MAX_ARRAY_DEPTH {
                        arrays.push(stack.len());
                    } else {
                        flattened += 1;
                    }
                }
                continue;
            }
            b']' => {
                i += 1;
                if dicts == 0 && flattened > 0 {
                    flattened -= 1;
                } else if dicts == 0
                    && let Some(start) = arrays.pop()
                {
                    let items = stack.split_off(start.min(stack.len()));
                    push(&mut stack, &arrays, Operand::Array(items));
                }
                continue;
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                let start = i;
                i += 1;
                while i < n && matches!(data[i], b'0'..=b'9' | b'.' | b'-' | b'+') {
                    i += 1;
                }
                number(&data[start..i]).map_or(Operand::Other, Operand::Num)
            }
            b')' | b'>' | b'{' | b'}' => {
                i += 1;
                continue;
            }
            _ => {
                let start = i;
                while i < n && !is_space(data[i]) && !is_delim(data[i]) {
                    i += 1;
                }
                let word = &data[start..i];
                if matches!(word, b"true" | b"false" | b"null") {
                    Operand::Other
                } else if dicts > 0 || !arrays.is_empty() {
                    // A stray word inside a dictionary or array is not an operator.
                    continue;
                } else {
                    if word == b"BI" {
                        i = skip_inline_image(data, i);
                        stack.clear();
                        continue;
                    }
                    if !f(word, &stack) {
                        return;
                    }
                    stack.clear();
                    continue;
                }
            }
        };
        if dicts == 0 {
            push(&mut stack, &arrays, operand);
        }
    }
}

/// Bound the operand stack: a stream of numbers with no operator must not grow it forever.
fn push<'a>(stack: &mut Vec<Operand<'a>>, arrays: &[usize], op: Operand<'a>) {
    if stack.len() < 1 << 16 || !arrays.is_empty() {
        stack.push(op);
    }
}

/// A PDF number: optional sign, digits, optional fraction; no exponent.
fn number(b: &[u8]) -> Option<f64> {
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    let mut int = 0f64;
    let mut frac = 0f64;
    let mut scale = 1f64;
    let mut dot = false;
    let mut any = false;
    for &c in digits {
        match c {
            b'0'..=b'9' if dot => {
                scale *= 0.1;
                frac += (c - b'0') as f64 * scale;
                any = true;
            }
            b'0'..=b'9' => {
                int = int * 10.0 + (c - b'0') as f64;
                any = true;
            }
            b'.' if !dot => dot = true,
            // `--5` and `1.2.3` are read as far as they make sense, as viewers do.
            _ => break,
        }
    }
    let v = int + frac;
    (any && v.is_finite()).then_some(if neg { -v } else { v })
}

/// A literal string from just after its `(`: the bytes and the index after its `)`.
fn literal(data: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut depth = 1usize;
    while i < data.len() {
        let c = data[i];
        i += 1;
        match c {
            b'(' => {
                depth += 1;
                out.push(c);
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                out.push(c);
            }
            b'\\' => {
                let Some(&e) = data.get(i) else { break };
                i += 1;
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut v = (e - b'0') as u32;
                        for _ in 0..2 {
                            match data.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    v = v * 8 + (d - b'0') as u32;
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push(v as u8);
                    }
                    // A backslash before an end of line continues the string on the next.
                    b'\r' => {
                        if data.get(i) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\n' => {}
                    other => out.push(other),
                }
            }
            _ => out.push(c),
        }
    }
    (out, i)
}

/// A hex string from just after its `<`: the bytes and the index after its `>`.
fn hex(data: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut high: Option<u8> = None;
    while i < data.len() {
        let c = data[i];
        i += 1;
        let v = match c {
            b'>' => break,
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => continue,
        };
        match high.take() {
            Some(h) => out.push(h << 4 | v),
            None => high = Some(v),
        }
    }
    // An odd final digit is followed by an implied 0.
    if let Some(h) = high {
        out.push(h << 4);
    }
    (out, i)
}

/// From just after `BI`: past the image's `EI`. The data after `ID` is binary; it ends at an
/// `EI` standing as a word of its own.
fn skip_inline_image(data: &[u8], i: usize) -> usize {
    let Some(id) = find_word(data, i, b"ID") else {
        return data.len();
    };
    let mut j = id + 3;
    loop {
        match memchr::memmem::find(&data[j.min(data.len())..], b"EI") {
            Some(p) => {
                let at = j + p;
                let before = at == 0 || is_space(data[at - 1]);
                let after = data.get(at + 2).is_none_or(|&c| is_space(c));
                if before && after {
                    return at + 2;
                }
                j = at + 2;
            }
            None => return data.len(),
        }
    }
}

fn find_word(data: &[u8], from: usize, word: &[u8]) -> Option<usize> {
    let mut j = from;
    while let Some(p) = memchr::memmem::find(data.get(j..)?, word) {
        let at = j + p;
        let before = at == 0 || is_space(data[at - 1]) || is_delim(data[at - 1]);
        let after = data.get(at + word.len()).is_none_or(|&c| is_space(c));
        if before && after {
            return Some(at);
        }
        j = at + word.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(data: &[u8]) -> Vec<(String, Vec<Operand<'_>>)> {
        let mut out = Vec::new();
        each_op(data, |op, args| {
            out.push((String::from_utf8_lossy(op).into_owned(), args.to_vec()));
            true
        });
        out
    }

    #[test]
    fn reads_text_and_path_operators() {
        let got =
            ops(b"q 1 0 0 1 -2.5 .5 cm BT /F1 10.5 Tf [<4E2D> -4001 (a\\(b\\)\\101)] TJ ET Q");
        let names: Vec<&str> = got.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, ["q", "cm", "BT", "Tf", "TJ", "ET", "Q"]);
        assert_eq!(got[1].1[4], Operand::Num(-2.5));
        assert_eq!(got[1].1[5], Operand::Num(0.5));
        assert_eq!(got[3].1, [Operand::Name(b"F1"), Operand::Num(10.5)]);
        assert_eq!(
            got[4].1,
            [Operand::Array(vec![
                Operand::Str(vec![0x4E, 0x2D]),
                Operand::Num(-4001.0),
                Operand::Str(b"a(b)A".to_vec()),
            ])]
        );
    }

    #[test]
    fn skips_dictionaries_inline_images_and_comments() {
        let got = ops(
            b"/P << /MCID 0 /A [1 2] >> BDC % a comment Tj\nBI /W 1 /H 1 ID \x00EI[[ EI Q EMC <4E2>Tj",
        );
        let names: Vec<&str> = got.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, ["BDC", "Q", "EMC", "Tj"]);
        assert_eq!(got[0].1, [Operand::Name(b"P"), Operand::Other]);
        // An odd hex digit is followed by an implied 0.
        assert_eq!(got[3].1, [Operand::Str(vec![0x4E, 0x20])]);
    }

    #[test]
    fn deep_nesting_is_no_recursion() {
        let deep = format!(
            "{}{} BDC (x) Tj",
            "<< /A ".repeat(100_000),
            ">>".repeat(100_000)
        );
        let got = ops(deep.as_bytes());
        assert_eq!(got.last().unwrap().0, "Tj");
        let arrays = format!("{}{} TJ", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(ops(arrays.as_bytes()).len(), 1);
    }

    #[test]
    fn names_and_numbers() {
        assert_eq!(name(b"F#201"), "F 1");
        assert_eq!(number(b"-.25"), Some(-0.25));
        assert_eq!(number(b"3."), Some(3.0));
        assert_eq!(number(b"-"), None);
    }
}
