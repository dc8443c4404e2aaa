//! Embedded CMaps: a font's ToUnicode map (code → text) and a Type 0 font's own encoding
//! (code → CID, and which byte sequences are codes at all).
//!
//! A CMap is a small PostScript program, but only a few of its operators carry the mapping:
//! `begincodespacerange`, `bfchar`/`bfrange` (Unicode) and `cidchar`/`cidrange` (CIDs), plus
//! `usecmap` naming a predefined parent. The content-stream tokenizer reads its syntax, so this
//! is one pass with no parse tree. (oxidize-pdf's `CMap::parse` did the same work at several
//! times the cost, once per font per document, and was a tenth of a conversion.)

use std::collections::HashMap;

use super::content::{self, Operand};

/// A code: its byte length and value (`<00 41>` is (2, 0x41), not `<41>`).
type Key = (u8, u32);

fn key(bytes: &[u8]) -> Option<Key> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some((
        bytes.len() as u8,
        bytes.iter().fold(0u32, |k, &b| (k << 8) | b as u32),
    ))
}

#[derive(Debug, Clone)]
enum Target {
    /// `bfrange` with one destination: the first code's text, its last UTF-16 unit counting up.
    Start(Vec<u16>),
    /// `bfrange` with an array: one text per code.
    Each(Vec<Box<str>>),
}

#[derive(Debug, Default, Clone)]
pub struct CMap {
    /// Byte ranges that are codes: (first, last), both as long as the codes.
    pub codespace: Vec<(Vec<u8>, Vec<u8>)>,
    text: HashMap<Key, Box<str>>,
    text_ranges: Vec<(Key, u32, Target)>,
    cid: HashMap<Key, u32>,
    cid_ranges: Vec<(Key, u32, u32)>,
    /// The predefined CMap named by `usecmap`, if any.
    pub parent: Option<String>,
}

impl CMap {
    pub fn parse(data: &[u8]) -> CMap {
        let mut m = CMap::default();
        content::each_op(data, |op, args| {
            match op {
                b"endcodespacerange" => {
                    for pair in args.chunks_exact(2) {
                        if let [Operand::Str(a), Operand::Str(b)] = pair
                            && a.len() == b.len()
                            && !a.is_empty()
                        {
                            m.codespace.push((a.clone(), b.clone()));
                        }
                    }
                }
                b"endbfchar" => {
                    for pair in args.chunks_exact(2) {
                        if let [Operand::Str(src), dst] = pair
                            && let (Some(k), Some(t)) = (key(src), text_of(dst))
                        {
                            m.text.insert(k, t);
                        }
                    }
                }
                b"endbfrange" => {
                    for triple in args.chunks_exact(3) {
                        let [Operand::Str(lo), Operand::Str(hi), dst] = triple else {
                            continue;
                        };
                        let (Some(lo), Some(hi)) = (key(lo), key(hi)) else {
                            continue;
                        };
                        if lo.0 != hi.0 || hi.1 < lo.1 {
                            continue;
                        }
                        let target = match dst {
                            Operand::Str(s) if s.len() >= 2 && s.len() % 2 == 0 => {
                                Target::Start(units(s))
                            }
                            Operand::Array(items) => Target::Each(
                                items
                                    .iter()
                                    .map(|i| text_of(i).unwrap_or_default())
                                    .collect(),
                            ),
                            _ => continue,
                        };
                        m.text_ranges.push((lo, hi.1, target));
                    }
                }
                b"endcidchar" => {
                    for pair in args.chunks_exact(2) {
                        if let [Operand::Str(src), Operand::Num(cid)] = pair
                            && let Some(k) = key(src)
                        {
                            m.cid.insert(k, *cid as u32);
                        }
                    }
                }
                b"endcidrange" => {
                    for triple in args.chunks_exact(3) {
                        if let [Operand::Str(lo), Operand::Str(hi), Operand::Num(cid)] = triple
                            && let (Some(lo), Some(hi)) = (key(lo), key(hi))
                            && lo.0 == hi.0
                        {
                            m.cid_ranges.push((lo, hi.1, *cid as u32));
                        }
                    }
                }
                b"usecmap" => {
                    if let Some(Operand::Name(n)) = args.last() {
                        m.parent = Some(content::name(n));
                    }
                }
                _ => {}
            }
            true
        });
        m
    }

    /// The text of a code, from `bfchar` first, then `bfrange`.
    pub fn text(&self, code: &[u8]) -> Option<Box<str>> {
        let k = key(code)?;
        if let Some(t) = self.text.get(&k) {
            return Some(t.clone());
        }
        let (lo, hi, target) = self
            .text_ranges
            .iter()
            .rev()
            .find(|(lo, hi, _)| lo.0 == k.0 && (lo.1..=*hi).contains(&k.1))?;
        let offset = k.1 - lo.1;
        debug_assert!(k.1 <= *hi);
        match target {
            Target::Start(u) => {
                let mut u = u.clone();
                let last = u.last_mut()?;
                *last = last.wrapping_add(offset as u16);
                utf16(&u)
            }
            Target::Each(list) => list.get(offset as usize).filter(|t| !t.is_empty()).cloned(),
        }
    }

    /// The CID of a code, from `cidchar` first, then `cidrange`.
    pub fn cid(&self, code: &[u8]) -> Option<u32> {
        let k = key(code)?;
        if let Some(c) = self.cid.get(&k) {
            return Some(*c);
        }
        self.cid_ranges
            .iter()
            .rev()
            .find(|(lo, hi, _)| lo.0 == k.0 && (lo.1..=*hi).contains(&k.1))
            .map(|(lo, _, cid)| cid + (k.1 - lo.1))
    }
}

fn units(s: &[u8]) -> Vec<u16> {
    s.chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect()
}

fn utf16(u: &[u16]) -> Option<Box<str>> {
    let s: String = char::decode_utf16(u.iter().copied())
        .collect::<Result<_, _>>()
        .ok()?;
    // A map to NUL or other controls is a producer's placeholder, not text.
    (!s.is_empty() && !s.chars().all(char::is_control)).then(|| s.into())
}

/// A `bfchar` destination: UTF-16BE in a string (a name, in old producers, is a glyph name).
fn text_of(o: &Operand) -> Option<Box<str>> {
    match o {
        Operand::Str(s) if s.len() % 2 == 0 => utf16(&units(s)),
        Operand::Name(n) => {
            oxidize_pdf::text::glyph_name_to_unicode_sequence(&content::name(n)).map(Into::into)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_tounicode_map() {
        // As LibreOffice and Word write them (shortened).
        let m = CMap::parse(
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
              /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
              1 begincodespacerange <00> <FF> endcodespacerange\n\
              2 beginbfchar <01> <9884> <02> <7B97> endbfchar\n\
              2 beginbfrange <10> <12> <0030> <20> <21> [<FF08> <D840DC00>] endbfrange\n\
              endcmap CMapName currentdict /CMap defineresource pop end end",
        );
        assert_eq!(m.codespace, [(vec![0x00], vec![0xFF])]);
        assert_eq!(m.text(&[0x01]).as_deref(), Some("预"));
        assert_eq!(m.text(&[0x02]).as_deref(), Some("算"));
        assert_eq!(m.text(&[0x12]).as_deref(), Some("2"));
        assert_eq!(m.text(&[0x20]).as_deref(), Some("（"));
        assert_eq!(m.text(&[0x21]).as_deref(), Some("\u{20000}"));
        // The key includes the length: <0001> is not <01>.
        assert_eq!(m.text(&[0x00, 0x01]), None);
        assert_eq!(m.text(&[0x13]), None);
    }

    #[test]
    fn reads_an_encoding_cmap() {
        let m = CMap::parse(
            b"/Parent usecmap 2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange\n\
              1 begincidchar <20> 7716 endcidchar 1 begincidrange <21> <7e> 814 endcidrange",
        );
        assert_eq!(m.codespace.len(), 2);
        assert_eq!(m.cid(&[0x20]), Some(7716));
        assert_eq!(m.cid(&[0x41]), Some(814 + 0x20));
        assert_eq!(m.cid(&[0x81, 0x40]), None);
        assert_eq!(m.parent.as_deref(), Some("Parent"));
    }
}
