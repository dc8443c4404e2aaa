//! How deeply arrays and dictionaries nest in PDF syntax, found by a linear scan before the
//! PDF engine sees the bytes.
//!
//! oxidize-pdf parses the file's arrays and dictionaries by recursion with no depth limit, so `[[[[…` a few hundred deep overflows a worker thread's
//! stack, and a stack overflow aborts the whole process — a panic guard cannot catch it. Real
//! PDFs nest a handful of levels (a page dictionary holding a resource dictionary holding a
//! font dictionary), so refusing anything past `MAX_NESTING` costs nothing real.

/// Deepest nesting of `[` and `<<` accepted. Real files stay under ten; the engine's own stack
/// holds several hundred in a debug build on a 2 MiB thread.
pub const MAX_NESTING: usize = 64;

/// The byte offset where arrays and dictionaries first nest deeper than `limit`, if they do.
/// Strings, hex strings, comments and stream bodies (`stream` … `endstream`) are skipped.
/// (Content streams are read by our own `content` tokenizer, which does not recurse.)
pub fn too_deep(b: &[u8], limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                i = memchr::memchr2(b'\n', b'\r', &b[i..]).map_or(b.len(), |p| i + p);
            }
            b'(' => {
                // A literal string: balanced parentheses, backslash escapes.
                let mut open = 1usize;
                i += 1;
                while open > 0 {
                    let p = b
                        .get(i..)
                        .and_then(|r| memchr::memchr3(b'\\', b'(', b')', r))?;
                    i += p;
                    match b[i] {
                        b'\\' => i += 1,
                        b'(' => open += 1,
                        _ => open -= 1,
                    }
                    i += 1;
                }
                continue;
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
                i += 1;
            }
            b'<' => {
                // A hex string.
                i = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |p| i + p);
            }
            b'>' if b.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'[' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' => depth = depth.saturating_sub(1),
            b's' if keyword(b, i, b"stream") => {
                // Stream data is binary: jump to its end (a missing `endstream` ends the scan).
                match find(&b[i + 6..], b"endstream") {
                    Some(p) => i += 6 + p + 9,
                    None => return None,
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Most bytes of one object stream inflated for the scan: oxidize-pdf stops each stream at
/// 256 MiB, so it never parses more of one either.
pub const MAX_OBJECT_STREAM: u64 = 256 << 20;

/// `too_deep` inside the file's object streams (`/Type /ObjStm`): they hold objects
/// compressed, where the plain scan cannot see them, and the engine parses them by the same
/// recursion (20,000 nested arrays in one aborted the process). Flate-compressed and
/// uncompressed object streams are inflated (up to `cap` bytes each) and scanned; the offset
/// returned is that of the object stream's `/ObjStm` in the file.
pub fn too_deep_in_object_streams(b: &[u8], limit: usize, cap: u64) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = find(&b[from..], b"/ObjStm") {
        let at = from + p;
        from = at + 7;
        let Some((dict, data)) = stream_after(b, at) else {
            continue;
        };
        let inflated;
        let body: &[u8] = if find(dict, b"/FlateDecode").is_some() {
            inflated = inflate(data, cap);
            &inflated
        } else if find(dict, b"/Filter").is_none() {
            data
        } else {
            // Other filters are left to the engine (and the worker's memory limit).
            continue;
        };
        if too_deep(body, limit).is_some() {
            return Some(at);
        }
    }
    None
}

/// The dictionary text from `at` to its `stream` keyword, and the stream's data (to
/// `endstream`, or the end of the file).
fn stream_after(b: &[u8], at: usize) -> Option<(&[u8], &[u8])> {
    let rest = &b[at..];
    let mut k = 0;
    let kw = loop {
        let p = k + find(&rest[k..], b"stream")?;
        if p >= 3 && &rest[p - 3..p] == b"end" {
            k = p + 6;
            continue;
        }
        break p;
    };
    let mut start = kw + 6;
    if rest.get(start) == Some(&b'\r') {
        start += 1;
    }
    if rest.get(start) == Some(&b'\n') {
        start += 1;
    }
    let end = find(&rest[start..], b"endstream").map_or(rest.len(), |e| start + e);
    Some((&rest[..kw], &rest[start..end]))
}

/// Inflate zlib data (or raw deflate, as some writers store it) up to `cap` bytes; what a
/// damaged stream gives before its error is kept.
fn inflate(data: &[u8], cap: u64) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    let zlib = flate2::read::ZlibDecoder::new(data)
        .take(cap)
        .read_to_end(&mut out);
    if zlib.is_err() && out.is_empty() {
        let _ = flate2::read::DeflateDecoder::new(data)
            .take(cap)
            .read_to_end(&mut out);
    }
    out
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

/// `word` at `i`, standing alone (white space or a delimiter before it, white space after it).
fn keyword(b: &[u8], i: usize, word: &[u8]) -> bool {
    b[i..].starts_with(word)
        && (i == 0 || is_space(b[i - 1]) || b[i - 1] == b'>')
        && b.get(i + word.len()).is_none_or(|&c| is_space(c))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_arrays_and_dictionaries() {
        assert_eq!(too_deep(b"<< /A [1 [2]] >>", 3), None);
        assert_eq!(too_deep(b"<< /A [1 [2]] >>", 2), Some(9));
        let deep = format!("{}{}", "<< /A ".repeat(100), ">>".repeat(100));
        assert!(too_deep(deep.as_bytes(), MAX_NESTING).is_some());
    }

    #[test]
    fn sees_inside_compressed_object_streams() {
        use std::io::Write;
        let deep = format!("1 0 {}1{}", "[".repeat(500), "]".repeat(500));
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(deep.as_bytes()).unwrap();
        let packed = z.finish().unwrap();
        let mut pdf =
            b"%PDF-1.5\n5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\nstream\n"
                .to_vec();
        pdf.extend(&packed);
        pdf.extend(b"\nendstream\nendobj\n");
        // The plain scan skips the stream's body; the object-stream scan inflates it.
        assert_eq!(too_deep(&pdf, MAX_NESTING), None);
        assert!(too_deep_in_object_streams(&pdf, MAX_NESTING, MAX_OBJECT_STREAM).is_some());
        let flat =
            b"%PDF-1.5\n5 0 obj\n<< /Type /ObjStm /N 1 /First 4 >>\nstream\n1 0 [[1]]\nendstream\n";
        assert_eq!(
            too_deep_in_object_streams(flat, MAX_NESTING, MAX_OBJECT_STREAM),
            None
        );
    }

    #[test]
    fn skips_strings_comments_and_binary() {
        let s = b"[(a [[[ \\) [[) <5B5B> % [[[[\n] 1 0 obj << /Length 4 >> stream\n[[[[\nendstream";
        assert_eq!(too_deep(s, 2), None);
        assert!(too_deep(b"[[[ ]]]", 2).is_some());
        // A literal string left open ends the scan, not the process.
        assert_eq!(too_deep(b"[[ (abc\\", 2), None);
    }
}
