//! The PDF object layer: objects loaded lazily by offset from the input bytes, as the page
//! walk asks for them, and forgotten after use.
//!
//! Why our own (issue 17, BENCHMARKS.md "The PDF object layer, chosen again"): our text walk
//! needs only the cross-reference table, objects and decoded streams. oxidize-pdf's reader
//! kept every object it loaded for the life of the document (content streams and font programs
//! included: hundreds of MB on a 5,000-page file) with no way to drop them, took the input as
//! an owned copy, and had slow paths and hangs we worked around by rewriting the input before
//! parsing (`/Length` references, a missing `startxref`, an endless read). lopdf 0.47 parses
//! every object of the file when it opens it (the whole file in memory as objects). Here
//! nothing is copied or rewritten: an object is parsed from the borrowed bytes each time it is
//! asked for; the only cache is a few decoded object streams (each holds many objects, and
//! decoding one is the costly part); fonts are kept once per document by the page walk.
//! Damaged files are read as viewers read them: a cross-reference table that does not lead to
//! the objects is replaced by a scan for `N G obj`, and a stream whose `/Length` is wrong ends
//! at its `endstream`.

mod crypt;
mod filters;
mod pages;
mod parse;
mod xref;

use std::cell::RefCell;
use std::rc::Rc;

pub use filters::FilterError;
pub use pages::PageRef;
use parse::Parser;
use xref::Entry;

/// A PDF object. The names follow the PDF specification's object types.
#[derive(Debug, Clone, PartialEq)]
pub enum PdfObject {
    Null,
    Boolean(bool),
    Integer(i64),
    Real(f64),
    String(PdfString),
    Name(PdfName),
    Array(PdfArray),
    Dictionary(PdfDictionary),
    Stream(PdfStream),
    Reference(u32, u16),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PdfName(pub String);

#[derive(Debug, Clone, PartialEq)]
pub struct PdfString(pub Vec<u8>);

impl PdfString {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PdfArray(pub Vec<PdfObject>);

/// A dictionary: few keys, so a list searched from the end (a repeated key: the last wins).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PdfDictionary(Vec<(String, PdfObject)>);

impl PdfDictionary {
    pub fn get(&self, key: &str) -> Option<&PdfObject> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn insert(&mut self, key: String, value: PdfObject) {
        self.0.push((key, value));
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut PdfObject> {
        self.0.iter_mut().map(|(_, v)| v)
    }
}

/// A stream: its dictionary and its raw (still encoded) data.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfStream {
    pub dict: PdfDictionary,
    pub data: Vec<u8>,
}

impl PdfObject {
    pub fn as_dict(&self) -> Option<&PdfDictionary> {
        match self {
            PdfObject::Dictionary(d) => Some(d),
            PdfObject::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&PdfArray> {
        match self {
            PdfObject::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_name(&self) -> Option<&PdfName> {
        match self {
            PdfObject::Name(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_string(&self) -> Option<&PdfString> {
        match self {
            PdfObject::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            PdfObject::Integer(i) => Some(*i),
            _ => None,
        }
    }
    /// A number, integer or real.
    pub fn as_real(&self) -> Option<f64> {
        match self {
            PdfObject::Real(r) => Some(*r),
            PdfObject::Integer(i) => Some(*i as f64),
            _ => None,
        }
    }
    pub fn as_reference(&self) -> Option<(u32, u16)> {
        match self {
            PdfObject::Reference(n, g) => Some((*n, *g)),
            _ => None,
        }
    }
}

/// Why an object or the document cannot be read.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ObjectError {
    #[error("object {0} {1} R is not in the file")]
    Missing(u32, u16),
    #[error("object {n} {g} R: {source}")]
    Syntax {
        n: u32,
        g: u16,
        source: parse::SyntaxError,
    },
    #[error("object stream {0}: {1}")]
    ObjectStream(u32, String),
    #[error("references nest too deep (a loop of references?)")]
    TooDeep,
    #[error("{0}")]
    Filter(#[from] FilterError),
    #[error("no cross-reference table and no objects found: not a PDF")]
    NotPdf,
    #[error("the PDF is encrypted")]
    Encrypted,
}

/// Decoded streams of fonts, forms and CMaps stop here (oxidize-pdf's bound, kept).
const MAX_STREAM: usize = 256 << 20;
/// Object streams decode to at most this much (`nesting::MAX_OBJECT_STREAM`).
const MAX_OBJECT_STREAM: usize = super::nesting::MAX_OBJECT_STREAM as usize;
/// Decoded object streams kept: objects of one page mostly sit in one or two.
const OBJECT_STREAMS_KEPT: usize = 4;
/// References resolving to references, and `/Length`s that are references, stop this deep.
const MAX_REF_DEPTH: u32 = 16;

/// A decoded object stream: its data and where each member starts.
struct ObjStm {
    data: Vec<u8>,
    members: Vec<(u32, usize)>,
}

/// The objects of one PDF file, read lazily from its bytes.
pub struct PdfFile<'a> {
    bytes: &'a [u8],
    table: xref::Table,
    /// The scan of the whole file, made the first time the table misleads.
    scanned: RefCell<Option<Rc<xref::Table>>>,
    pub trailer: PdfDictionary,
    streams: RefCell<Vec<(u32, Rc<ObjStm>)>>,
    /// Strings and streams are encrypted (with an empty user password).
    crypt: Option<crypt::Crypt>,
}

impl<'a> PdfFile<'a> {
    /// The cross-reference table (or a scan when it is damaged) and the trailer.
    pub fn open(bytes: &'a [u8]) -> Result<PdfFile<'a>, ObjectError> {
        let (table, trailer, scanned) = match xref::read(bytes) {
            Some((t, tr)) if tr.get("Root").is_some() => (t, tr, None),
            _ => {
                let (t, tr) = xref::scan(bytes);
                let t = Rc::new(t);
                let tr = tr.unwrap_or_default();
                ((*t).clone(), tr, Some(t))
            }
        };
        if table.is_empty() {
            return Err(ObjectError::NotPdf);
        }
        let file = PdfFile {
            bytes,
            table,
            scanned: RefCell::new(scanned),
            trailer,
            streams: RefCell::new(Vec::new()),
            crypt: None,
        };
        file.unlocked()
    }

    /// The file ready to read: an encrypted one only when the empty user password opens it.
    fn unlocked(mut self) -> Result<PdfFile<'a>, ObjectError> {
        let Some(enc) = self.trailer.get("Encrypt").cloned() else {
            return Ok(self);
        };
        let enc = self.resolve(&enc).map_err(|_| ObjectError::Encrypted)?;
        let id0 = match self.trailer.get("ID") {
            Some(PdfObject::Array(a)) => a.0.first().and_then(PdfObject::as_string),
            _ => None,
        }
        .map(|s| s.as_bytes().to_vec())
        .unwrap_or_default();
        let crypt = enc
            .as_dict()
            .and_then(|d| crypt::Crypt::empty_password(d, &id0))
            .ok_or(ObjectError::Encrypted)?;
        self.crypt = Some(crypt);
        Ok(self)
    }

    /// The document catalog (`/Root`), found by its `/Type` when the trailer has none.
    pub fn catalog(&self) -> Result<PdfDictionary, ObjectError> {
        if let Some(root) = self.trailer.get("Root") {
            return self
                .resolve(root)?
                .as_dict()
                .cloned()
                .ok_or(ObjectError::NotPdf);
        }
        let mut nums: Vec<(u32, u16)> = self
            .table
            .iter()
            .map(|(n, e)| match e {
                Entry::At(_, g) => (*n, *g),
                Entry::InStream(..) => (*n, 0),
            })
            .collect();
        nums.sort_unstable();
        nums.into_iter()
            .filter_map(|(n, g)| self.get_object(n, g).ok())
            .find_map(|o| {
                let d = o.as_dict()?;
                (d.get("Type")?.as_name()?.0 == "Catalog").then(|| d.clone())
            })
            .ok_or(ObjectError::NotPdf)
    }

    /// A direct object as it is; a reference resolved (through references to references).
    pub fn resolve(&self, o: &PdfObject) -> Result<PdfObject, ObjectError> {
        let mut cur = o.clone();
        for _ in 0..MAX_REF_DEPTH {
            match cur {
                PdfObject::Reference(n, g) => cur = self.get_object(n, g)?,
                other => return Ok(other),
            }
        }
        Err(ObjectError::TooDeep)
    }

    /// Object `n g R`, parsed afresh from the file.
    pub fn get_object(&self, n: u32, g: u16) -> Result<PdfObject, ObjectError> {
        self.object_at_depth(n, g, 0)
    }

    fn object_at_depth(&self, n: u32, g: u16, depth: u32) -> Result<PdfObject, ObjectError> {
        if depth > MAX_REF_DEPTH {
            return Err(ObjectError::TooDeep);
        }
        match self.table.get(&n).copied() {
            Some(Entry::At(off, _)) => match self.direct(n, g, off, depth) {
                Err(ObjectError::Missing(..)) => self.rescued(n, g, depth),
                other => other,
            },
            Some(Entry::InStream(s, i)) => self.member(n, s, i, depth),
            None => self.rescued(n, g, depth),
        }
    }

    /// The table pointed nowhere useful: the object where a scan of the file finds it.
    fn rescued(&self, n: u32, g: u16, depth: u32) -> Result<PdfObject, ObjectError> {
        let scanned = self
            .scanned
            .borrow_mut()
            .get_or_insert_with(|| Rc::new(xref::scan(self.bytes).0))
            .clone();
        match scanned.get(&n).copied() {
            Some(Entry::At(off, _)) => self.direct(n, g, off, depth),
            _ => Err(ObjectError::Missing(n, g)),
        }
    }

    /// The object whose `N G obj` header is at `off`.
    fn direct(&self, n: u32, g: u16, off: usize, depth: u32) -> Result<PdfObject, ObjectError> {
        let mut p = Parser::new(self.bytes, off);
        if p.obj_header().map(|(hn, _)| hn) != Some(n) {
            return Err(ObjectError::Missing(n, g));
        }
        let syntax = |source| ObjectError::Syntax { n, g, source };
        let obj = p.object(0).map_err(syntax)?;
        let mut obj = match obj {
            PdfObject::Dictionary(dict) => match p.stream_start() {
                Some(start) => {
                    let data = self.stream_data(&dict, start, depth).to_vec();
                    PdfObject::Stream(PdfStream { dict, data })
                }
                None => PdfObject::Dictionary(dict),
            },
            other => other,
        };
        if let Some(c) = &self.crypt {
            c.object(n, g, &mut obj);
        }
        Ok(obj)
    }

    /// A stream's raw bytes: `/Length` of them when `endstream` follows there, else up to the
    /// next `endstream` (a wrong or missing length, as many producers write).
    fn stream_data(&self, dict: &PdfDictionary, start: usize, depth: u32) -> &'a [u8] {
        let bytes = self.bytes;
        let len = match dict.get("Length") {
            Some(PdfObject::Reference(ln, lg)) => self
                .object_at_depth(*ln, *lg, depth + 1)
                .ok()
                .and_then(|o| o.as_integer()),
            Some(o) => o.as_integer(),
            None => None,
        };
        if let Some(end) = len
            .and_then(|l| usize::try_from(l).ok())
            .and_then(|l| start.checked_add(l))
            .filter(|&e| e <= bytes.len())
        {
            let mut q = Parser::new(bytes, end);
            q.skip_white();
            if bytes[q.pos..].starts_with(b"endstream") {
                return &bytes[start..end];
            }
        }
        let tail = &bytes[start.min(bytes.len())..];
        let mut end = memchr::memmem::find(tail, b"endstream").unwrap_or(tail.len());
        // The end-of-line before `endstream` is not data.
        if end > 0 && tail[end - 1] == b'\n' {
            end -= 1;
        }
        if end > 0 && tail[end - 1] == b'\r' {
            end -= 1;
        }
        &tail[..end]
    }

    /// Member `index` of object stream `s`.
    fn member(&self, n: u32, s: u32, index: u32, depth: u32) -> Result<PdfObject, ObjectError> {
        let stm = self.object_stream(s, depth)?;
        let at = stm
            .members
            .get(index as usize)
            .filter(|(mn, _)| *mn == n)
            .or_else(|| stm.members.iter().find(|(mn, _)| *mn == n))
            .map(|(_, at)| *at)
            .ok_or(ObjectError::Missing(n, 0))?;
        parse::object_at(&stm.data, at).map_err(|source| ObjectError::Syntax { n, g: 0, source })
    }

    /// Object stream `s`, decoded once while it is among the few kept.
    fn object_stream(&self, s: u32, depth: u32) -> Result<Rc<ObjStm>, ObjectError> {
        if let Some((_, stm)) = self.streams.borrow().iter().find(|(k, _)| *k == s) {
            return Ok(stm.clone());
        }
        let bad = |m: &str| ObjectError::ObjectStream(s, m.into());
        let PdfObject::Stream(st) = self.object_at_depth(s, 0, depth + 1)? else {
            return Err(bad("not a stream"));
        };
        let data = filters::decode(&st.dict, &st.data, MAX_OBJECT_STREAM)?;
        let count = st
            .dict
            .get("N")
            .and_then(PdfObject::as_integer)
            .unwrap_or(0);
        let first = st
            .dict
            .get("First")
            .and_then(PdfObject::as_integer)
            .unwrap_or(0);
        let first = usize::try_from(first).map_err(|_| bad("negative /First"))?;
        let mut p = Parser::new(&data, 0);
        let mut members = Vec::new();
        for _ in 0..count.clamp(0, data.len() as i64 / 4 + 1) {
            let (Some(mn), Some(off)) = (p.uint(), p.uint()) else {
                break;
            };
            let (Ok(mn), Some(at)) = (u32::try_from(mn), first.checked_add(off as usize)) else {
                break;
            };
            members.push((mn, at));
        }
        let stm = Rc::new(ObjStm { data, members });
        let mut kept = self.streams.borrow_mut();
        if kept.len() >= OBJECT_STREAMS_KEPT {
            kept.remove(0);
        }
        kept.push((s, stm.clone()));
        Ok(stm)
    }

    /// A stream's data decoded, at most `cap` bytes.
    pub fn decode_stream_with_limit(
        &self,
        s: &PdfStream,
        cap: usize,
    ) -> Result<Vec<u8>, ObjectError> {
        Ok(filters::decode(&s.dict, &s.data, cap)?)
    }

    /// A stream's data decoded (fonts, CMaps, forms), at most 256 MiB.
    pub fn decode_stream(&self, s: &PdfStream) -> Result<Vec<u8>, ObjectError> {
        self.decode_stream_with_limit(s, MAX_STREAM)
    }
}
