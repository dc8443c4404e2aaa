//! Direct stream lengths for PDFs that give them by reference (`/Length 3 0 R`).
//!
//! LibreOffice, and other writers that stream their output, write each stream's length as a
//! reference to an object written after the stream. oxidize-pdf does not follow that reference
//! while it parses the stream: it reads the stream one byte at a time looking for `endstream`,
//! which is a third of the time it takes to read such a PDF. So before the engine sees the
//! bytes, each referenced length is read from its object (found through one index of the
//! file's `N G obj` headers) when it agrees with where the `endstream` keyword is, or else
//! measured up to that keyword less the end-of-line before it, and written over the reference
//! in place, padded with blanks to the same width: no byte moves, so the
//! cross-reference table stays right. A reference that cannot be measured this way, or whose
//! width cannot hold the number, is left for the engine.

use std::collections::HashMap;

use memchr::memmem;

/// How much of the file's end oxidize-pdf reads to find `startxref`.
const TAIL: usize = 1024;

/// Make the file's last kilobyte one blank line and the `startxref` pointer, by appending them.
///
/// oxidize-pdf finds the cross-reference table by splitting the file's last 1,024 bytes into
/// lines, and for each line it searches the rest of that window for `\r\n`, `\n` and `\r`:
/// with a cross-reference table in the window (forty short lines) that is 5 % of reading a
/// small PDF. Appending a blank line and a copy of the last `startxref N %%EOF` leaves the
/// engine the same pointer in a window of four lines. The bytes before are untouched, and
/// nothing reads past `%%EOF` but that search. Files whose window holds no `startxref` are
/// left alone (the engine's own recovery deals with them). Returns whether it appended.
pub fn short_tail(b: &mut Vec<u8>) -> bool {
    let window = &b[b.len().saturating_sub(TAIL)..];
    let Some(at) = memmem::rfind(window, b"startxref") else {
        return false;
    };
    let rest = &window[at + 9..];
    let digits: Vec<u8> = rest
        .iter()
        .skip_while(|c| c.is_ascii_whitespace())
        .take_while(|c| c.is_ascii_digit())
        .copied()
        .collect();
    if digits.is_empty() || digits.len() > 20 {
        return false;
    }
    b.push(b'\n');
    b.resize(b.len() + TAIL, b' ');
    b.extend_from_slice(b"\nstartxref\n");
    b.extend_from_slice(&digits);
    b.extend_from_slice(b"\n%%EOF\n");
    true
}

/// The most dictionary text looked at between a `/Length` reference and its `stream` keyword.
const MAX_DICT_TAIL: usize = 1024;

/// Rewrite every measurable indirect `/Length` in place; returns how many were rewritten.
pub fn make_direct(b: &mut [u8]) -> usize {
    let finder = memmem::Finder::new(b"/Length");
    let end_finder = memmem::Finder::new(b"endstream");
    let mut from = 0;
    let mut rewritten = 0;
    let mut objects: Option<HashMap<(u32, u32), usize>> = None;
    while let Some(at) = finder.find(&b[from..]).map(|i| from + i) {
        from = at + 7;
        let Some((ref_start, ref_end)) = reference_after(b, from) else {
            continue;
        };
        let Some(data_start) = stream_data_start(b, ref_end) else {
            continue;
        };
        // No `endstream` after here means none after any later stream either: stop, rather
        // than search the rest of the file again for each of them.
        let Some(end_kw) = end_finder.find(&b[data_start..]).map(|i| data_start + i) else {
            break;
        };
        // The length object itself, when it is there and agrees with where `endstream` is:
        // measuring alone cannot tell a CR that ends the data from one that starts the
        // end-of-line (`…\r\nendstream` with data ending in 0x0D).
        let objects = objects.get_or_insert_with(|| object_starts(b));
        let declared = number_pair(&b[ref_start..ref_end])
            .and_then(|key| objects.get(&key))
            .and_then(|&at| declared_length(b, at))
            .filter(|&n| {
                data_start
                    .checked_add(n)
                    .is_some_and(|e| e <= end_kw && b[e..end_kw].iter().all(|&c| is_white(c)))
            });
        let body = &b[data_start..end_kw];
        let len = declared.unwrap_or(if body.ends_with(b"\r\n") {
            body.len() - 2
        } else if body.ends_with(b"\n") || body.ends_with(b"\r") {
            body.len() - 1
        } else {
            body.len()
        });
        let digits = len.to_string();
        if digits.len() <= ref_end - ref_start {
            let slot = &mut b[ref_start..ref_end];
            slot.fill(b' ');
            slot[..digits.len()].copy_from_slice(digits.as_bytes());
            rewritten += 1;
        }
        // The stream's body is no dictionary: go on after it.
        from = end_kw + 9;
    }
    rewritten
}

/// Where each object's body starts (just after `N G obj`), by `(N, G)`; the last definition
/// wins, as in a file with incremental updates. One pass over the file.
fn object_starts(b: &[u8]) -> HashMap<(u32, u32), usize> {
    let mut out = HashMap::new();
    for hit in memmem::find_iter(b, b"obj") {
        let after = hit + 3;
        if b.get(after)
            .is_some_and(|&c| !(is_white(c) || b"<[/(".contains(&c)))
        {
            continue;
        }
        // Backwards: blank, generation, blank, number, and a blank (or the file's start).
        let mut i = hit;
        let back_white = |i: &mut usize| {
            let s = *i;
            while *i > 0 && is_white(b[*i - 1]) {
                *i -= 1;
            }
            *i < s
        };
        let back_digits = |i: &mut usize| -> Option<u32> {
            let e = *i;
            while *i > 0 && b[*i - 1].is_ascii_digit() && e - *i < 10 {
                *i -= 1;
            }
            std::str::from_utf8(&b[*i..e]).ok()?.parse().ok()
        };
        if !back_white(&mut i) {
            continue;
        }
        let Some(g) = back_digits(&mut i) else {
            continue;
        };
        if !back_white(&mut i) {
            continue;
        }
        let Some(n) = back_digits(&mut i) else {
            continue;
        };
        if i == 0 || is_white(b[i - 1]) {
            out.insert((n, g), after);
        }
    }
    out
}

/// `N G` of a reference's bytes (`12 0 R`).
fn number_pair(r: &[u8]) -> Option<(u32, u32)> {
    let mut it = std::str::from_utf8(r).ok()?.split_ascii_whitespace();
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// The integer an object holds (`1042 endobj`), read from its body's start `at`.
fn declared_length(b: &[u8], at: usize) -> Option<usize> {
    let rest = b.get(at..)?;
    let rest = &rest[rest.iter().position(|&c| !is_white(c))?..];
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 12 {
        return None;
    }
    let n = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
    let tail = &rest[digits..];
    let tail = &tail[tail.iter().position(|&c| !is_white(c))?..];
    tail.starts_with(b"endobj").then_some(n)
}

fn is_white(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

/// `N G R` right after a `/Length` name ending at `i` (which must be followed by a blank, so
/// `/Length1` is not taken for `/Length`): the span from the first digit to `R`, inclusive.
fn reference_after(b: &[u8], mut i: usize) -> Option<(usize, usize)> {
    let skip_white = |i: &mut usize| -> bool {
        let s = *i;
        while *i < b.len() && is_white(b[*i]) {
            *i += 1;
        }
        *i > s
    };
    let digits = |i: &mut usize| -> bool {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > s && *i - s <= 10
    };
    if !skip_white(&mut i) {
        return None;
    }
    let start = i;
    if !(digits(&mut i) && skip_white(&mut i) && digits(&mut i) && skip_white(&mut i)) {
        return None;
    }
    if b.get(i) != Some(&b'R') {
        return None;
    }
    // `R` must end its token.
    match b.get(i + 1) {
        Some(&c) if !(is_white(c) || matches!(c, b'/' | b'>' | b'[' | b'<' | b'(')) => None,
        _ => Some((start, i + 1)),
    }
}

/// Where the data of the stream whose dictionary holds byte `i` starts: after the dictionary's
/// end `>>`, the `stream` keyword and its end-of-line. `None` unless that is what follows.
fn stream_data_start(b: &[u8], i: usize) -> Option<usize> {
    let window = &b[i..b.len().min(i + MAX_DICT_TAIL)];
    let kw = memmem::find(window, b"stream")?;
    let before = window[..kw].trim_ascii_end();
    if !before.ends_with(b">>") {
        return None;
    }
    let mut s = i + kw + 6;
    match (b.get(s), b.get(s + 1)) {
        (Some(b'\r'), Some(b'\n')) => s += 2,
        (Some(b'\n'), _) => s += 1,
        _ => return None,
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_gets_the_same_pointer_in_few_lines() {
        let mut b = b"%PDF-1.4\n...xref\n0 1\n0000000000 65535 f \ntrailer\n<< >>\nstartxref\n1444\n%%EOF\n"
            .to_vec();
        let before = b.clone();
        assert!(short_tail(&mut b));
        assert!(b.starts_with(&before));
        let tail = &b[b.len() - TAIL..];
        assert_eq!(tail.iter().filter(|&&c| c == b'\n').count(), 4);
        assert!(tail.ends_with(b"\nstartxref\n1444\n%%EOF\n"));
        // No pointer in the window: nothing appended.
        let mut c = b"%PDF-1.4\nno pointer here\n".to_vec();
        assert!(!short_tail(&mut c));
        assert_eq!(c, b"%PDF-1.4\nno pointer here\n");
    }

    fn fix(s: &str) -> (String, usize) {
        let mut b = s.as_bytes().to_vec();
        let n = make_direct(&mut b);
        (String::from_utf8(b).unwrap(), n)
    }

    #[test]
    fn references_become_numbers_of_the_same_width() {
        let pdf = "2 0 obj\n<</Length 3 0 R/Filter/FlateDecode>>\nstream\nabcdefgh\nendstream\nendobj\n3 0 obj\n8\nendobj\n";
        let (out, n) = fix(pdf);
        assert_eq!(n, 1);
        assert_eq!(out.len(), pdf.len());
        assert!(out.contains("<</Length 8    /Filter/FlateDecode>>\nstream\nabcdefgh\nendstream"));
        // CRLF after `stream` and before `endstream`; a nested dictionary after /Length.
        let pdf =
            "<</Length 12 0 R /DecodeParms<</Columns 4>> >>\r\nstream\r\n0123456789AB\r\nendstream";
        let (out, _) = fix(pdf);
        assert!(out.starts_with("<</Length 12     /DecodeParms"), "{out}");
        // Several streams, each measured to its own endstream; an empty one.
        let (out, n) = fix(
            "<</Length 5 0 R>>stream\nab\nendstream <</Length 6 0 R>>\nstream\nxyz\nendstream \
             <</Length 7 0 R>>\nstream\r\nendstream",
        );
        assert_eq!(n, 3);
        assert!(out.starts_with("<</Length 2    >>"), "{out}");
        assert!(
            out.contains("<</Length 3    >>") && out.contains("<</Length 0    >>"),
            "{out}"
        );
    }

    proptest::proptest! {
        /// Any bytes, with pieces of stream syntax mixed in: no panic, no byte moves, and only
        /// blanks and digits are written.
        #[test]
        fn arbitrary_bytes(parts in proptest::collection::vec(proptest::prop_oneof![
            proptest::strategy::Just(b"/Length 12 0 R".to_vec()),
            proptest::strategy::Just(b">>\nstream\n".to_vec()),
            proptest::strategy::Just(b"\r\nendstream".to_vec()),
            proptest::collection::vec(proptest::num::u8::ANY, 0..12),
        ], 0..24)) {
            let before: Vec<u8> = parts.concat();
            let mut after = before.clone();
            make_direct(&mut after);
            proptest::prop_assert_eq!(after.len(), before.len());
            for (a, b) in after.iter().zip(&before) {
                proptest::prop_assert!(a == b || a.is_ascii_digit() || *a == b' ');
            }
        }
    }

    #[test]
    fn the_length_object_decides_where_measuring_cannot() {
        // The data ends in a CR byte and the end-of-line is a lone LF: measured alone, the CR
        // would be taken for half of a CRLF. The length object (here 4) says otherwise.
        let pdf =
            "1 0 obj\n<</Length 2 0 R>>\nstream\nab\x01\r\nendstream\nendobj\n2 0 obj\n4\nendobj\n";
        let (out, n) = fix(pdf);
        assert_eq!(n, 1);
        assert!(out.contains("<</Length 4    >>"), "{out:?}");
        // A length object that disagrees with the file (past endstream) is not believed.
        let pdf =
            "1 0 obj\n<</Length 2 0 R>>\nstream\nab\nendstream\nendobj\n2 0 obj\n99\nendobj\n";
        assert!(fix(pdf).0.contains("<</Length 2    >>"));
    }

    #[test]
    fn what_is_left_alone() {
        for pdf in [
            // Direct lengths, and /Length1 of a font file.
            "<</Length 8>>\nstream\nabcdefgh\nendstream",
            "<</Length1 3 0 R/Length 8>>\nstream\nabcdefgh\nendstream",
            // No stream after the dictionary, or no endstream at all.
            "<</Length 3 0 R>>\nendobj",
            "<</Length 3 0 R>>\nstream\nabc",
            // No end of line after `stream`: not a stream start the engine would accept either.
            "<</Length 3 0 R>>\nstream abc\nendstream",
            // A length too long for the reference's width (`3 0 R` holds five digits).
            &format!(
                "<</Length 3 0 R>>\nstream\n{}\nendstream",
                "x".repeat(123_456)
            ),
        ] {
            let (out, n) = fix(pdf);
            assert_eq!((out.as_str(), n), (pdf, 0));
        }
    }
}
