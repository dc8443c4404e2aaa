//! What a PDF font says about the bytes of a string: where each character code ends, the
//! Unicode text it stands for, and how far it moves the pen. Read once per font per document
//! (the page walker in `glyphs` caches them), so a 40-page table decodes its fonts once, not
//! once per page.
//!
//! The cases Chinese budget PDFs use: simple fonts with a ToUnicode map and `/Widths`
//! (LibreOffice's subset fonts), Type 0 fonts over Identity-H with ToUnicode and `/W` widths
//! (Word, WPS, fpdf), and Type 0 fonts with no embedded program over a predefined CJK CMap
//! (UniGB-UCS2-H, GBK-EUC-H: iText-based budget systems with STSong-Light). The CMap parser
//! and the Adobe CID → Unicode tables are oxidize-pdf's.

use std::cell::RefCell;
use std::collections::HashMap;

use super::objects::{PdfDictionary, PdfObject};
use oxidize_pdf::text::cid_to_unicode::AdobeCidCollection as CidCollection;
use oxidize_pdf::text::glyph_name_to_unicode_sequence;

use super::cmap::CMap;

type Doc<'a> = super::glyphs::Pdf<'a>;

/// One character code of a shown string.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// The text it stands for; `None` when the font maps it to nothing we can read.
    pub text: Option<Box<str>>,
    /// Horizontal advance in glyph space (thousandths of the font size, before `scale`).
    pub width: f64,
}

/// How the bytes of a string split into codes.
#[derive(Debug, Clone)]
enum Split {
    Two,
    /// UTF-16: two bytes, four for a surrogate pair.
    Utf16,
    /// A double-byte legacy encoding: a byte in these ranges leads a two-byte code.
    Lead(&'static [(u8, u8)]),
    /// An embedded encoding CMap: its codespace ranges decide.
    Ranges(Vec<(Vec<u8>, Vec<u8>)>),
}

/// Where Unicode comes from when the ToUnicode map has no entry for a code.
#[derive(Debug, Clone)]
enum Fallback {
    None,
    /// The code is a CID in an Adobe collection (Identity-H/V).
    Cid(CidCollection),
    /// The code is UTF-16 (the Uni…-UCS2 and Uni…-UTF16 CMaps).
    Utf16,
    /// The code is text in a legacy encoding (GBK-EUC-H is GBK, B5pc-H is Big5…).
    Legacy(&'static encoding_rs::Encoding),
}

/// `/W` widths by CID, with `/DW` for the rest.
#[derive(Debug, Clone, Default)]
struct CidWidths {
    single: HashMap<u32, f64>,
    ranges: Vec<(u32, u32, f64)>,
    default: f64,
}

impl CidWidths {
    fn get(&self, cid: u32) -> f64 {
        if let Some(w) = self.single.get(&cid) {
            return *w;
        }
        self.ranges
            .iter()
            .rev()
            .find(|(a, b, _)| (*a..=*b).contains(&cid))
            .map_or(self.default, |r| r.2)
    }
}

// A handful of fonts per document: their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum Kind {
    /// One byte a code; each decoded when first shown (a subset font uses a few dozen).
    Simple {
        source: Simple,
        memo: RefCell<Vec<Option<Code>>>,
    },
    Composite {
        split: Split,
        fallback: Fallback,
        /// Code → CID, where we know it (Identity: the code itself).
        cid: CidOf,
        /// An embedded encoding CMap (`CidOf::Embedded`).
        encoding: Option<CMap>,
        widths: CidWidths,
        /// Codes already decoded.
        memo: RefCell<HashMap<u64, Code>>,
    },
}

/// How a composite font's codes become CIDs, for the width lookup.
#[derive(Debug, Clone, Copy, PartialEq)]
enum CidOf {
    Identity,
    /// Unicode CMaps of the Adobe collections put proportional ASCII at CIDs 1-95.
    UnicodeAscii,
    /// GB-EUC-H and GBK-EUC-H put single-byte ASCII at the half-width CIDs from 814.
    GbAscii,
    /// The font's own encoding CMap says.
    Embedded,
    Unknown,
}

#[derive(Debug)]
pub struct Font {
    kind: Kind,
    tounicode: Option<CMap>,
    /// Glyph space to text space: 1/1000, or a Type 3 font's `/FontMatrix`.
    pub scale: f64,
}

/// A code of a shown string, as the page walker needs it.
pub struct Shown<'a> {
    pub code: &'a Code,
    /// A single-byte code 32, to which word spacing (`Tw`) applies.
    pub word_space: bool,
}

impl Font {
    /// Read a font dictionary. Never fails: what cannot be read decodes to nothing (and is
    /// reported as text with no Unicode mapping) but still advances the pen.
    pub fn load(doc: &Doc, dict: &PdfDictionary) -> Font {
        let subtype = name_of(dict.get("Subtype")).unwrap_or_default();
        let tounicode = dict
            .get("ToUnicode")
            .and_then(|o| stream_bytes(doc, o))
            .map(|b| CMap::parse(&b));
        if subtype == "Type0" {
            return Font::composite(doc, dict, tounicode);
        }
        let scale = if subtype == "Type3" {
            resolve(doc, dict.get("FontMatrix"))
                .and_then(|o| {
                    o.as_array()
                        .and_then(|a| a.0.first().and_then(|v| v.as_real()))
                })
                .filter(|v| v.is_finite() && *v != 0.0)
                .unwrap_or(0.001)
        } else {
            0.001
        };
        let source = Simple::read(doc, dict, subtype == "Type3");
        Font {
            kind: Kind::Simple {
                source,
                memo: RefCell::new(vec![None; 256]),
            },
            tounicode,
            scale,
        }
    }

    fn composite(doc: &Doc, dict: &PdfDictionary, tounicode: Option<CMap>) -> Font {
        let descendant = resolve(doc, dict.get("DescendantFonts"))
            .and_then(|o| o.as_array().and_then(|a| a.0.first().cloned()))
            .and_then(|o| resolve(doc, Some(&o)))
            .and_then(|o| o.as_dict().cloned())
            .unwrap_or_default();
        let ordering = resolve(doc, descendant.get("CIDSystemInfo"))
            .and_then(|o| o.as_dict().and_then(|d| resolve(doc, d.get("Ordering"))))
            .and_then(|o| {
                o.as_string()
                    .map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned())
            })
            .unwrap_or_default();
        let collection = CidCollection::from_ordering(&ordering);
        let mut encoding = None;
        let (split, fallback, cid) = match resolve(doc, dict.get("Encoding")) {
            Some(PdfObject::Name(n)) => predefined(&n.0, collection),
            Some(PdfObject::Stream(s)) => {
                let cmap = doc.decode_stream(&s).ok().map(|b| CMap::parse(&b));
                let parent = cmap.as_ref().and_then(|c| c.parent.clone());
                match cmap {
                    Some(c) if !c.codespace.is_empty() => {
                        let split = Split::Ranges(c.codespace.clone());
                        encoding = Some(c);
                        (split, Fallback::None, CidOf::Embedded)
                    }
                    // No codespace of its own: its predefined parent's rules.
                    _ => match parent {
                        Some(p) => predefined(&p, collection),
                        None => (Split::Two, Fallback::None, CidOf::Unknown),
                    },
                }
            }
            _ => (Split::Two, Fallback::None, CidOf::Identity),
        };
        Font {
            kind: Kind::Composite {
                split,
                fallback,
                cid,
                encoding,
                widths: cid_widths(doc, &descendant),
                memo: RefCell::new(HashMap::new()),
            },
            tounicode,
            scale: 0.001,
        }
    }

    /// Each code of `bytes` in order.
    pub fn each(&self, bytes: &[u8], mut f: impl FnMut(Shown)) {
        match &self.kind {
            Kind::Simple { source, memo } => {
                let mut memo = memo.borrow_mut();
                for &b in bytes {
                    let code = memo[b as usize]
                        .get_or_insert_with(|| source.code(b, self.tounicode.as_ref()));
                    f(Shown {
                        code,
                        word_space: b == b' ',
                    });
                }
            }
            Kind::Composite {
                split,
                fallback,
                cid,
                encoding,
                widths,
                memo,
            } => {
                let mut memo = memo.borrow_mut();
                let mut at = 0;
                while at < bytes.len() {
                    let n = code_len(split, &bytes[at..]).min(bytes.len() - at).max(1);
                    let raw = &bytes[at..at + n];
                    // The length in the key: `<0041>` is not `<41>`.
                    let key = raw.iter().fold(n as u64, |k, &b| (k << 8) | b as u64);
                    let code = memo.entry(key).or_insert_with(|| {
                        self.decode_composite(raw, fallback, *cid, encoding.as_ref(), widths)
                    });
                    f(Shown {
                        code,
                        word_space: n == 1 && raw[0] == b' ',
                    });
                    at += n;
                }
            }
        }
    }

    fn decode_composite(
        &self,
        raw: &[u8],
        fallback: &Fallback,
        cid: CidOf,
        encoding: Option<&CMap>,
        w: &CidWidths,
    ) -> Code {
        let value = raw.iter().fold(0u32, |k, &b| (k << 8) | b as u32);
        let text = self
            .tounicode
            .as_ref()
            .and_then(|m| unicode_of(m, raw))
            .or_else(|| match fallback {
                Fallback::None => None,
                Fallback::Cid(c) => u16::try_from(value)
                    .ok()
                    .and_then(|v| c.cid_to_unicode_sequence(v))
                    .map(Into::into),
                Fallback::Utf16 => utf16(raw),
                Fallback::Legacy(enc) => {
                    let (s, bad) = enc.decode_without_bom_handling(raw);
                    (!bad && !s.is_empty()).then(|| s.into())
                }
            });
        let cid = match cid {
            CidOf::Identity => Some(value),
            CidOf::UnicodeAscii => (0x20..=0x7E).contains(&value).then(|| value - 0x1F),
            CidOf::GbAscii => match value {
                0x20 => Some(7716),
                0x21..=0x7E => Some(814 + value - 0x21),
                _ => None,
            },
            CidOf::Embedded => encoding.and_then(|e| e.cid(raw)),
            CidOf::Unknown => None,
        };
        let width = match cid {
            Some(c) => w.get(c),
            // ASCII under a CMap whose CIDs we do not know: the collections' proportional
            // Latin CIDs 1-95, the usual `/W` entry.
            None => match text.as_deref().map(|t| t.chars().collect::<Vec<_>>()) {
                Some(cs) if cs.len() == 1 && (' '..='~').contains(&cs[0]) => {
                    w.get(cs[0] as u32 - 0x1F)
                }
                _ => w.default,
            },
        };
        Code { text, width }
    }
}

/// A predefined CMap by name: how codes split, where Unicode comes from, and the CIDs.
fn predefined(name: &str, collection: Option<CidCollection>) -> (Split, Fallback, CidOf) {
    const GBK: &[(u8, u8)] = &[(0x81, 0xFE)];
    const BIG5: &[(u8, u8)] = &[(0x81, 0xFE)];
    const SJIS: &[(u8, u8)] = &[(0x81, 0x9F), (0xE0, 0xFC)];
    const EUC: &[(u8, u8)] = &[(0xA1, 0xFE)];
    let base = name.trim_end_matches("-H").trim_end_matches("-V");
    if base == "Identity" {
        let fallback = collection.map_or(Fallback::None, Fallback::Cid);
        return (Split::Two, fallback, CidOf::Identity);
    }
    if base.starts_with("Uni") && base.ends_with("UCS2") {
        return (Split::Two, Fallback::Utf16, CidOf::UnicodeAscii);
    }
    if base.starts_with("Uni") && base.ends_with("UTF16") {
        return (Split::Utf16, Fallback::Utf16, CidOf::UnicodeAscii);
    }
    let legacy = |lead, enc, cid| (Split::Lead(lead), Fallback::Legacy(enc), cid);
    match base {
        "GB-EUC" | "GBpc-EUC" | "GBK-EUC" | "GBKp-EUC" | "GBT-EUC" => {
            legacy(GBK, encoding_rs::GBK, CidOf::GbAscii)
        }
        "GBK2K" => legacy(GBK, encoding_rs::GB18030, CidOf::Unknown),
        "B5pc" | "ETen-B5" | "HKscs-B5" | "B5" | "ETenms-B5" => {
            legacy(BIG5, encoding_rs::BIG5, CidOf::Unknown)
        }
        "90ms-RKSJ" | "90pv-RKSJ" | "83pv-RKSJ" | "Add-RKSJ" | "Ext-RKSJ" | "RKSJ" => {
            legacy(SJIS, encoding_rs::SHIFT_JIS, CidOf::Unknown)
        }
        "EUC" | "Ext-EUC" => legacy(EUC, encoding_rs::EUC_JP, CidOf::Unknown),
        "KSC-EUC" | "KSCms-UHC" | "KSCpc-EUC" | "KSCms-UHC-HW" => {
            legacy(GBK, encoding_rs::EUC_KR, CidOf::Unknown)
        }
        _ => (Split::Two, Fallback::None, CidOf::Unknown),
    }
}

fn code_len(split: &Split, bytes: &[u8]) -> usize {
    match split {
        Split::Two => 2,
        Split::Utf16 => match bytes {
            [hi, ..] if (0xD8..=0xDB).contains(hi) => 4,
            _ => 2,
        },
        Split::Lead(ranges) => {
            if ranges.iter().any(|&(a, b)| (a..=b).contains(&bytes[0])) {
                2
            } else {
                1
            }
        }
        Split::Ranges(ranges) => (1..=4)
            .find(|&n| {
                n <= bytes.len()
                    && ranges.iter().any(|(a, b)| {
                        a.len() == n && b.len() == n && bytes[..n] >= a[..] && bytes[..n] <= b[..]
                    })
            })
            .unwrap_or(1),
    }
}

fn utf16(raw: &[u8]) -> Option<Box<str>> {
    let units = raw
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]));
    let s: String = char::decode_utf16(units).collect::<Result<_, _>>().ok()?;
    (!s.is_empty()).then(|| s.into())
}

/// A code's text from a ToUnicode map; codes it leaves out, from the predefined map it names
/// with `usecmap` (Identity: the code is UTF-16; Adobe-…-UCS2: the code is a CID).
fn unicode_of(map: &CMap, code: &[u8]) -> Option<Box<str>> {
    map.text(code).or_else(|| match map.parent.as_deref()? {
        "Identity-H" | "Identity-V" if code.len() == 2 => utf16(code),
        parent => {
            let ordering = parent.strip_prefix("Adobe-")?.strip_suffix("-UCS2")?;
            let cid = u16::try_from(code.iter().fold(0u32, |k, &b| (k << 8) | b as u32)).ok()?;
            CidCollection::from_ordering(ordering)?
                .cid_to_unicode_sequence(cid)
                .map(Into::into)
        }
    })
}

/// What a simple font says about its codes.
#[derive(Debug)]
struct Simple {
    encoding: Option<&'static encoding_rs::Encoding>,
    differences: HashMap<u8, String>,
    first: i64,
    widths: Vec<f64>,
    missing: Option<f64>,
    type3: bool,
}

impl Simple {
    fn read(doc: &Doc, dict: &PdfDictionary, type3: bool) -> Simple {
        let (base, differences) = match resolve(doc, dict.get("Encoding")) {
            Some(PdfObject::Name(n)) => (Some(n.0), HashMap::new()),
            Some(PdfObject::Dictionary(d)) => (
                name_of(d.get("BaseEncoding")),
                differences(doc, d.get("Differences")),
            ),
            _ => (None, HashMap::new()),
        };
        let widths: Vec<f64> = resolve(doc, dict.get("Widths"))
            .and_then(|o| {
                o.as_array().map(|a| {
                    a.0.iter()
                        .map(|v| {
                            resolve(doc, Some(v))
                                .and_then(|v| v.as_real())
                                .unwrap_or(0.0)
                        })
                        .collect()
                })
            })
            .unwrap_or_default();
        Simple {
            encoding: match base.as_deref() {
                Some("WinAnsiEncoding") => Some(encoding_rs::WINDOWS_1252),
                Some("MacRomanEncoding") => Some(encoding_rs::MACINTOSH),
                _ => None,
            },
            differences,
            first: int_of(doc, dict.get("FirstChar")).unwrap_or(0),
            widths,
            missing: resolve(doc, dict.get("FontDescriptor"))
                .and_then(|o| {
                    o.as_dict()
                        .and_then(|d| resolve(doc, d.get("MissingWidth")))
                })
                .and_then(|o| o.as_real()),
            type3,
        }
    }

    /// Code `b`: its text from the ToUnicode map, else its `/Differences` glyph name, else
    /// the base encoding; its width from `/Widths`, else `/MissingWidth`.
    fn code(&self, b: u8, map: Option<&CMap>) -> Code {
        // Some producers key a simple font's ToUnicode entries with two bytes.
        let text = map
            .and_then(|m| unicode_of(m, &[b]).or_else(|| unicode_of(m, &[0, b])))
            .or_else(|| {
                self.differences
                    .get(&b)
                    .and_then(|n| glyph_name_to_unicode_sequence(n))
                    .map(Into::into)
            })
            .or_else(|| base_encoding(self.encoding, b, self.type3));
        let width = usize::try_from(b as i64 - self.first)
            .ok()
            .and_then(|i| self.widths.get(i).copied())
            .filter(|w| w.is_finite())
            .or(self.missing)
            .unwrap_or_else(|| match text.as_deref().and_then(|t| t.chars().next()) {
                Some(c) if super::glyphs::is_wide(c) => 1000.0,
                _ => 500.0,
            });
        Code { text, width }
    }
}

/// A code in the font's base encoding: WinAnsi, MacRoman, or StandardEncoding (the default
/// for fonts that name none), whose printable ASCII is ASCII but for the two quotes.
fn base_encoding(
    encoding: Option<&'static encoding_rs::Encoding>,
    b: u8,
    type3: bool,
) -> Option<Box<str>> {
    if type3 {
        // A Type 3 font's codes name procedures; only a ToUnicode map or /Differences says
        // what they draw.
        return None;
    }
    match encoding {
        Some(enc) if b >= 0x20 => {
            let byte = [b];
            let (s, bad) = enc.decode_without_bom_handling(&byte);
            (!bad && !s.chars().any(char::is_control)).then(|| s.into())
        }
        _ => match b {
            b'\'' => Some("\u{2019}".into()),
            b'`' => Some("\u{2018}".into()),
            0x20..=0x7E => Some((b as char).to_string().into()),
            _ => None,
        },
    }
}

/// `/Differences [code /name /name … code /name …]`.
fn differences(doc: &Doc, o: Option<&PdfObject>) -> HashMap<u8, String> {
    let mut out = HashMap::new();
    let Some(PdfObject::Array(a)) = resolve(doc, o) else {
        return out;
    };
    let mut code: i64 = 0;
    for v in &a.0 {
        match v {
            PdfObject::Integer(i) => code = *i,
            PdfObject::Name(n) => {
                if let Ok(b) = u8::try_from(code) {
                    out.insert(b, n.0.clone());
                }
                code += 1;
            }
            _ => {}
        }
    }
    out
}

/// A CID font's `/W` and `/DW`: `c [w1 w2 …]` gives widths from CID c on, `c1 c2 w` one width
/// for a range.
fn cid_widths(doc: &Doc, descendant: &PdfDictionary) -> CidWidths {
    let mut out = CidWidths {
        default: resolve(doc, descendant.get("DW"))
            .and_then(|o| o.as_real())
            .filter(|w| w.is_finite())
            .unwrap_or(1000.0),
        ..Default::default()
    };
    let Some(PdfObject::Array(a)) = resolve(doc, descendant.get("W")) else {
        return out;
    };
    let items: Vec<PdfObject> = a.0.iter().filter_map(|v| resolve(doc, Some(v))).collect();
    let num = |o: &PdfObject| o.as_real().filter(|v| v.is_finite());
    let mut i = 0;
    while i < items.len() {
        let Some(first) = num(&items[i]).filter(|v| *v >= 0.0).map(|v| v as u32) else {
            i += 1;
            continue;
        };
        match items.get(i + 1) {
            Some(PdfObject::Array(ws)) => {
                for (k, w) in ws.0.iter().enumerate() {
                    if let Some(w) = resolve(doc, Some(w)).as_ref().and_then(num) {
                        out.single.insert(first.saturating_add(k as u32), w);
                    }
                }
                i += 2;
            }
            Some(last) => {
                if let (Some(last), Some(w)) = (num(last), items.get(i + 2).and_then(num)) {
                    out.ranges.push((first, last.max(0.0) as u32, w));
                }
                i += 3;
            }
            None => break,
        }
    }
    out
}

fn resolve(doc: &Doc, o: Option<&PdfObject>) -> Option<PdfObject> {
    match o? {
        PdfObject::Reference(n, g) => doc.get_object(*n, *g).ok(),
        other => Some(other.clone()),
    }
}

fn name_of(o: Option<&PdfObject>) -> Option<String> {
    o.and_then(|o| o.as_name()).map(|n| n.0.clone())
}

fn int_of(doc: &Doc, o: Option<&PdfObject>) -> Option<i64> {
    resolve(doc, o).and_then(|o| o.as_integer())
}

fn stream_bytes(doc: &Doc, o: &PdfObject) -> Option<Vec<u8>> {
    match resolve(doc, Some(o))? {
        PdfObject::Stream(s) => doc.decode_stream(&s).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_cmaps_split_and_decode() {
        let (split, fallback, cid) = predefined("GBK-EUC-H", None);
        // `预算 12` in GBK: two double-byte codes, a space and two ASCII digits.
        let bytes = [0xD4, 0xA4, 0xCB, 0xE3, b' ', b'1', b'2'];
        let mut at = 0;
        let mut lens = Vec::new();
        while at < bytes.len() {
            let n = code_len(&split, &bytes[at..]);
            lens.push(n);
            at += n;
        }
        assert_eq!(lens, [2, 2, 1, 1, 1]);
        let Fallback::Legacy(enc) = fallback else {
            panic!("GBK-EUC-H decodes as GBK")
        };
        assert_eq!(enc.decode_without_bom_handling(&bytes[..4]).0, "预算");
        assert_eq!(cid, CidOf::GbAscii);

        let (split, fallback, cid) = predefined("UniGB-UCS2-H", None);
        assert!(matches!(split, Split::Two) && matches!(fallback, Fallback::Utf16));
        assert_eq!(cid, CidOf::UnicodeAscii);
        assert_eq!(utf16(&[0x98, 0x84]).as_deref(), Some("预"));
        // A surrogate pair is one code under the UTF-16 CMaps.
        let (split, ..) = predefined("UniGB-UTF16-H", None);
        assert_eq!(code_len(&split, &[0xD8, 0x40, 0xDC, 0x00]), 4);
    }

    #[test]
    fn cid_widths_read_both_array_forms() {
        // From the fpdf2 fixture: `/W [ 0 0 0 1 3 600 4 30 1000 31 [ 600 300 ] ]`, /DW 365.
        let w = CidWidths {
            single: [(31, 600.0), (32, 300.0)].into_iter().collect(),
            ranges: vec![(0, 0, 0.0), (1, 3, 600.0), (4, 30, 1000.0)],
            default: 365.0,
        };
        assert_eq!(w.get(2), 600.0);
        assert_eq!(w.get(17), 1000.0);
        assert_eq!(w.get(32), 300.0);
        assert_eq!(w.get(99), 365.0);
    }

    #[test]
    fn standard_encoding_quotes_and_winansi() {
        assert_eq!(
            base_encoding(None, b'\'', false).as_deref(),
            Some("\u{2019}")
        );
        assert_eq!(base_encoding(None, b'A', false).as_deref(), Some("A"));
        assert_eq!(base_encoding(None, 0xE9, false), None);
        let win = Some(encoding_rs::WINDOWS_1252);
        assert_eq!(base_encoding(win, 0x93, false).as_deref(), Some("\u{201C}"));
        assert_eq!(base_encoding(win, b'A', true), None);
    }
}
