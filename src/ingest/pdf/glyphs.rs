//! Stage 1 of the PDF reader: what is drawn on each page. Every glyph with its position and
//! size, and every ruling line (stroked segments and thin filled rectangles, as LibreOffice,
//! Word and WPS draw cell borders), all in *display* coordinates: origin at the top-left of the
//! page as a viewer shows it (after `/Rotate`), x to the right, y downwards.
//!
//! oxidize-pdf parses the file and each page's content into operators; one walk of those
//! operators here gives both the glyphs and the rules. Each glyph is placed from its font's own
//! advance (`fonts`), text state and matrices as the PDF specification lays them out, so a
//! `TJ` kern or a `Tc` spacing puts every character where it is drawn. (oxidize-pdf's own
//! `TextExtractor` gave whole fragments, re-read every font on every page and parsed the
//! content a second time: over half the time of a conversion. Its `GraphicsExtractor` turns
//! every `re` into four lines whether it is painted or only clips, and drops filled paths.)

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::rc::Rc;

use oxidize_pdf::parser::{PdfDictionary, PdfDocument, PdfObject, PdfReader};

use super::content::{self, Operand};
use super::contents::{ContentError, page_content};
use super::fonts::Font;

/// Work bounds per page, so one hostile page cannot stall a batch.
const MAX_OPS_PER_PAGE: usize = 2_000_000;
const MAX_GLYPHS_PER_PAGE: usize = 200_000;
const MAX_RULES_PER_PAGE: usize = 20_000;
const MAX_FORM_DEPTH: u32 = 8;
/// Graphics states saved (`q`) and not yet restored: real pages nest a few.
const MAX_SAVES: usize = 1_000;

/// One drawn character.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub ch: char,
    /// Left and right edge.
    pub x0: f64,
    pub x1: f64,
    /// Baseline (y grows downwards).
    pub base: f64,
    /// Font size in page units.
    pub size: f64,
}

impl Glyph {
    pub fn new(ch: char, x0: f64, x1: f64, base: f64, size: f64) -> Glyph {
        Glyph {
            ch,
            x0,
            x1,
            base,
            size,
        }
    }

    pub fn mid_x(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    /// The vertical middle of the glyph box: CJK glyphs sit about 0.88 em above the baseline
    /// and 0.12 below, so the box centre is a little above the baseline.
    pub fn mid_y(&self) -> f64 {
        self.base - 0.35 * self.size
    }
}

/// An axis-parallel ruling line: horizontal at y = `pos` from x = `from` to `to`, or vertical
/// at x = `pos` from y = `from` to `to` (`from <= to`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub horizontal: bool,
    pub pos: f64,
    pub from: f64,
    pub to: f64,
}

impl Rule {
    pub fn h(y: f64, x0: f64, x1: f64) -> Rule {
        Rule {
            horizontal: true,
            pos: y,
            from: x0.min(x1),
            to: x0.max(x1),
        }
    }
    pub fn v(x: f64, y0: f64, y1: f64) -> Rule {
        Rule {
            horizontal: false,
            pos: x,
            from: y0.min(y1),
            to: y0.max(y1),
        }
    }
}

/// Everything the later stages need from one page.
#[derive(Debug, Clone, Default)]
pub struct PageContent {
    /// 1-based page number.
    pub number: u32,
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    /// Something went wrong on this page but what we have is usable (or empty).
    pub problem: Option<String>,
}

/// Why the document as a whole cannot be read.
#[derive(Debug)]
pub enum OpenError {
    Encrypted,
    Damaged(String),
}

/// The file as the engine reads it. oxidize-pdf 5.5.6 loops forever on a cross-reference table
/// that runs to the end of the file with no `trailer` keyword: it skips empty lines, and past
/// the end every line is empty (found by fuzzing). So reading at the end of the file again and
/// again, with no seek that moves in between, becomes an error after a bound no real parse
/// comes near.
pub struct Source {
    inner: Cursor<Vec<u8>>,
    idle: u32,
}

const MAX_IDLE_READS: u32 = 10_000;

impl Source {
    pub fn new(bytes: Vec<u8>) -> Source {
        Source {
            inner: Cursor::new(bytes),
            idle: 0,
        }
    }
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.idle += 1;
            if self.idle > MAX_IDLE_READS {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the parser kept reading past the end of the file",
                ));
            }
        } else {
            self.idle = 0;
        }
        Ok(n)
    }
}

impl Seek for Source {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        let before = self.inner.position();
        let after = self.inner.seek(pos)?;
        if after != before {
            self.idle = 0;
        }
        Ok(after)
    }
}

pub type Pdf = PdfDocument<Source>;

pub struct Document {
    doc: Pdf,
    pub pages: u32,
    /// Most bytes one page's content streams may decode to, summed (`max_decompressed_bytes`).
    pub content_budget: u64,
    /// Fonts read so far, by object: each is read once for the whole document.
    fonts: RefCell<HashMap<(u32, u16), Rc<Font>>>,
}

pub fn open(bytes: &[u8]) -> Result<Document, OpenError> {
    let mut bytes = bytes.to_vec();
    super::lengths::make_direct(&mut bytes);
    super::lengths::short_tail(&mut bytes);
    let mut reader = PdfReader::new(Source::new(bytes)).map_err(|e| {
        let msg = e.to_string();
        if msg.to_ascii_lowercase().contains("encrypt") {
            OpenError::Encrypted
        } else {
            OpenError::Damaged(msg)
        }
    })?;
    if reader.is_encrypted() {
        // Many published PDFs carry only an owner password (printing/copy restrictions): the
        // empty user password opens them. Anything else needs a password we do not have.
        match reader.unlock_with_password("") {
            Ok(true) => {}
            _ => return Err(OpenError::Encrypted),
        }
    }
    let doc = PdfDocument::new(reader);
    let pages = doc
        .page_count()
        .map_err(|e| OpenError::Damaged(e.to_string()))?;
    Ok(Document {
        doc,
        pages,
        content_budget: crate::ingest::Limits::default().max_decompressed_bytes,
        fonts: RefCell::new(HashMap::new()),
    })
}

/// Maps user space to display space for one page (handles `/Rotate` and the MediaBox origin).
#[derive(Debug, Clone, Copy)]
pub struct View {
    rotate: i32,
    mb: [f64; 4],
}

impl View {
    pub fn new(rotate: i32, mb: [f64; 4]) -> View {
        View {
            rotate: rotate.rem_euclid(360),
            mb,
        }
    }

    pub fn size(&self) -> (f64, f64) {
        let w = (self.mb[2] - self.mb[0]).abs();
        let h = (self.mb[3] - self.mb[1]).abs();
        if self.rotate == 90 || self.rotate == 270 {
            (h, w)
        } else {
            (w, h)
        }
    }

    /// A user-space point as a viewer shows it. `/Rotate` turns the page clockwise.
    pub fn point(&self, x: f64, y: f64) -> (f64, f64) {
        let [x0, y0, x1, y1] = self.mb;
        match self.rotate {
            90 => (y - y0, x - x0),
            180 => (x1 - x, y - y0),
            270 => (y1 - y, x1 - x),
            _ => (x - x0, y1 - y),
        }
    }
}

pub fn read_page(d: &Document, index: u32) -> PageContent {
    let mut out = PageContent {
        number: index + 1,
        ..Default::default()
    };
    let page = match d.doc.get_page(index) {
        Ok(p) => p,
        Err(e) => {
            out.problem = Some(format!("cannot read the page: {e}"));
            return out;
        }
    };
    let view = View::new(page.rotation, page.media_box);
    (out.width, out.height) = view.size();

    let content = page_content(&d.doc, page.dict.get("Contents"), d.content_budget);
    let resources = page_resources(d, &page);
    match content {
        Ok(data) => {
            let mut w = Walker {
                doc: d,
                view,
                glyphs: Vec::new(),
                rules: Vec::new(),
                ops: 0,
                full: false,
            };
            w.run(&data, resources.as_ref(), Gs::default(), 0);
            if w.full {
                out.problem = Some("too many glyphs; the rest of the page is skipped".into());
            } else if w.ops > MAX_OPS_PER_PAGE {
                out.problem = Some(format!(
                    "limit exceeded: more than {MAX_OPS_PER_PAGE} content operators on the \
                     page; the rest of the page is skipped"
                ));
            }
            out.glyphs = w.glyphs;
            dedupe(&mut out.glyphs);
            out.rules = w.rules;
        }
        Err(ContentError::Engine(e)) => {
            out.problem = Some(format!("cannot read the page content: {e}"))
        }
        Err(ContentError::TooLarge { budget }) => {
            out.problem = Some(format!(
                "limit exceeded: the page's content streams decode to more than {budget} bytes \
                 (max_decompressed_bytes; raise it with --max-decompressed-size SIZE)"
            ))
        }
    }
    out
}

fn page_resources(d: &Document, page: &oxidize_pdf::parser::ParsedPage) -> Option<PdfDictionary> {
    match page.dict.get("Resources") {
        Some(PdfObject::Reference(n, g)) => d
            .doc
            .get_object(*n, *g)
            .ok()
            .and_then(|o| o.as_dict().cloned()),
        _ => page.get_resources().cloned(),
    }
}

/// A character drawn twice over itself is one glyph. Report engines draw "bold" text in a
/// plain font twice, the second time a fraction of a point to the right (and some PDFs carry
/// a second text layer over the first); read as drawn, `预算` became `预预算算`. pdfplumber's
/// `dedupe_chars` does the same. Same character, same baseline (to half a unit) and left edges
/// closer than a fifth of its size, or one point.
pub fn dedupe(glyphs: &mut Vec<Glyph>) {
    if glyphs.len() < 2 {
        return;
    }
    let line = |g: &Glyph| (g.base * 2.0).round() as i64;
    // Integer keys sorted once: a page has thousands of glyphs and this runs on every page.
    let mut keys: Vec<(u32, i64, i64, usize)> = glyphs
        .iter()
        .enumerate()
        .map(|(i, g)| (g.ch as u32, line(g), (g.x0 * 8.0).round() as i64, i))
        .collect();
    keys.sort_unstable();
    let mut drop = vec![false; glyphs.len()];
    let mut kept = keys[0];
    for &key in &keys[1..] {
        let i = key.3;
        let (k, g) = (&glyphs[kept.3], &glyphs[i]);
        let tol = (0.2 * g.size).min(1.0);
        if (kept.0, kept.1) == (key.0, key.1) && (g.x0 - k.x0).abs() < tol {
            // The first drawn stays, wherever the sort put it.
            drop[i.max(kept.3)] = true;
            if i < kept.3 {
                kept = key;
            }
        } else {
            kept = key;
        }
    }
    if drop.iter().any(|&d| d) {
        let mut i = 0;
        glyphs.retain(|_| {
            i += 1;
            !drop[i - 1]
        });
    }
}

/// Full-width characters: CJK ideographs, kana, hangul, full-width forms and CJK punctuation.
pub fn is_wide(c: char) -> bool {
    let u = c as u32;
    (0x2E80..=0x9FFF).contains(&u)
        || (0xAC00..=0xD7AF).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFE30..=0xFE4F).contains(&u)
        || (0xFF00..=0xFF60).contains(&u)
        || (0xFFE0..=0xFFE6).contains(&u)
        || (0x20000..=0x3FFFF).contains(&u)
}

/// The graphics state the walker needs, text state included (`q`/`Q` save and restore it).
#[derive(Debug, Clone)]
struct Gs {
    ctm: [f64; 6],
    stroke_white: bool,
    fill_white: bool,
    font: Option<Rc<Font>>,
    /// `Tf` size, `Tc`, `Tw`, `Tz` (as a fraction), `TL`, `Ts`.
    size: f64,
    char_space: f64,
    word_space: f64,
    h_scale: f64,
    leading: f64,
    rise: f64,
}

impl Default for Gs {
    fn default() -> Self {
        Gs {
            ctm: IDENTITY,
            stroke_white: false,
            fill_white: false,
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

const IDENTITY: [f64; 6] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// The text matrix and the text line matrix of a `BT … ET` object.
#[derive(Debug, Clone, Copy)]
struct TextPos {
    tm: [f64; 6],
    line: [f64; 6],
}

impl TextPos {
    fn new() -> TextPos {
        TextPos {
            tm: IDENTITY,
            line: IDENTITY,
        }
    }

    fn set(&mut self, m: [f64; 6]) {
        self.tm = m;
        self.line = m;
    }

    /// `Td`: the start of the next line, offset from the start of this one.
    fn next_line(&mut self, tx: f64, ty: f64) {
        self.set(concat([1.0, 0.0, 0.0, 1.0, tx, ty], self.line));
    }
}

fn concat(m: [f64; 6], ctm: [f64; 6]) -> [f64; 6] {
    let [a, b, c, d, e, f] = m;
    let [a0, b0, c0, d0, e0, f0] = ctm;
    [
        a * a0 + b * c0,
        a * b0 + b * d0,
        c * a0 + d * c0,
        c * b0 + d * d0,
        e * a0 + f * c0 + e0,
        e * b0 + f * d0 + f0,
    ]
}

/// Move the text matrix along its own x axis (`[1 0 0 1 tx 0] × Tm`).
fn translate(tm: &mut [f64; 6], tx: f64) {
    tm[4] += tx * tm[0];
    tm[5] += tx * tm[1];
}

fn apply(m: &[f64; 6], x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// Whether a colour operator sets white (or near it), from its operands: one gray, three RGB or
/// four CMYK components. `None` when it cannot tell (a pattern, a colour space we do not know).
fn white(op: &[u8], args: &[Operand]) -> Option<bool> {
    let v: Vec<f64> = args.iter().map(Operand::num).collect::<Option<_>>()?;
    let cmyk = matches!(op, b"K" | b"k") || v.len() == 4;
    match v.len() {
        1 | 3 if !cmyk => Some(v.iter().all(|&c| c >= 0.95)),
        4 => Some(v.iter().all(|&c| c <= 0.05)),
        _ => None,
    }
}

struct Walker<'a> {
    doc: &'a Document,
    view: View,
    glyphs: Vec<Glyph>,
    rules: Vec<Rule>,
    ops: usize,
    /// The page reached `MAX_GLYPHS_PER_PAGE`.
    full: bool,
}

impl Walker<'_> {
    fn run(&mut self, data: &[u8], resources: Option<&PdfDictionary>, mut gs: Gs, depth: u32) {
        let mut stack: Vec<Gs> = Vec::new();
        let mut text = TextPos::new();
        // Fonts of these resources by name, so each `Tf` is one lookup.
        let mut fonts: HashMap<Vec<u8>, Option<Rc<Font>>> = HashMap::new();
        // Subpaths in display coordinates; `rects` holds `re` rectangles separately because a
        // thin filled rectangle is a ruling line while other filled shapes are not.
        let mut segs: Vec<((f64, f64), (f64, f64))> = Vec::new();
        let mut rects: Vec<[(f64, f64); 4]> = Vec::new();
        let mut start: Option<(f64, f64)> = None;
        let mut cur: Option<(f64, f64)> = None;
        content::each_op(data, |op, args| {
            self.ops += 1;
            if self.ops > MAX_OPS_PER_PAGE || self.rules.len() >= MAX_RULES_PER_PAGE {
                return false;
            }
            // The last `k` operands as numbers, when they are numbers.
            let nums = |k: usize| -> Option<Vec<f64>> {
                let a = args.get(args.len().checked_sub(k)?..)?;
                a.iter().map(Operand::num).collect()
            };
            let pt = |gs: &Gs, x: f64, y: f64| {
                let (ux, uy) = apply(&gs.ctm, x, y);
                self.view.point(ux, uy)
            };
            let clear = |segs: &mut Vec<_>, rects: &mut Vec<_>| {
                segs.clear();
                rects.clear();
            };
            match op {
                b"q" if stack.len() < MAX_SAVES => stack.push(gs.clone()),
                b"Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                b"cm" => {
                    if let Some(m) = nums(6) {
                        gs.ctm = concat([m[0], m[1], m[2], m[3], m[4], m[5]], gs.ctm);
                    }
                }
                b"G" | b"RG" | b"K" | b"SC" | b"SCN" => {
                    if let Some(white) = white(op, args) {
                        gs.stroke_white = white;
                    }
                }
                b"g" | b"rg" | b"k" | b"sc" | b"scn" => {
                    if let Some(white) = white(op, args) {
                        gs.fill_white = white;
                    }
                }
                b"m" => {
                    if let Some(v) = nums(2) {
                        let p = pt(&gs, v[0], v[1]);
                        start = Some(p);
                        cur = Some(p);
                    }
                }
                b"l" => {
                    if let Some(v) = nums(2) {
                        let p = pt(&gs, v[0], v[1]);
                        if let Some(c) = cur {
                            segs.push((c, p));
                        }
                        cur = Some(p);
                    }
                }
                b"c" | b"v" | b"y" => {
                    // Curves are never ruling lines; keep the pen where the curve ends.
                    if let Some(v) = nums(2) {
                        cur = Some(pt(&gs, v[0], v[1]));
                    }
                }
                b"h" => {
                    if let (Some(c), Some(s)) = (cur, start) {
                        segs.push((c, s));
                        cur = Some(s);
                    }
                }
                b"re" => {
                    if let Some(v) = nums(4) {
                        let (x, y, w, h) = (v[0], v[1], v[2], v[3]);
                        rects.push([
                            pt(&gs, x, y),
                            pt(&gs, x + w, y),
                            pt(&gs, x + w, y + h),
                            pt(&gs, x, y + h),
                        ]);
                        let p = pt(&gs, x, y);
                        start = Some(p);
                        cur = Some(p);
                    }
                }
                b"S" | b"s" | b"B" | b"B*" | b"b" | b"b*" => {
                    if matches!(op, b"s" | b"b" | b"b*")
                        && let (Some(c), Some(s)) = (cur, start)
                    {
                        segs.push((c, s));
                    }
                    if !gs.stroke_white {
                        for &(a, b) in &segs {
                            self.segment(a, b);
                        }
                        for r in &rects {
                            for i in 0..4 {
                                self.segment(r[i], r[(i + 1) % 4]);
                            }
                        }
                    }
                    clear(&mut segs, &mut rects);
                    start = None;
                    cur = None;
                }
                b"f" | b"F" | b"f*" => {
                    if !gs.fill_white {
                        for r in &rects {
                            self.thin_rect(r);
                        }
                        // A closed four-segment path is a rectangle drawn with m/l/h.
                        if segs.len() >= 3 && segs.len() <= 5 && rects.is_empty() {
                            let xs = segs.iter().flat_map(|(a, b)| [a.0, b.0]);
                            let ys = segs.iter().flat_map(|(a, b)| [a.1, b.1]);
                            let (x0, x1) = min_max(xs);
                            let (y0, y1) = min_max(ys);
                            let axis = segs
                                .iter()
                                .all(|(a, b)| (a.0 - b.0).abs() < 0.1 || (a.1 - b.1).abs() < 0.1);
                            if axis {
                                self.thin_rect(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]);
                            }
                        }
                    }
                    clear(&mut segs, &mut rects);
                    start = None;
                    cur = None;
                }
                b"n" => {
                    clear(&mut segs, &mut rects);
                    start = None;
                    cur = None;
                }
                b"BT" => text = TextPos::new(),
                b"Tf" => {
                    if let [.., Operand::Name(name), Operand::Num(size)] = args {
                        gs.size = *size;
                        gs.font = fonts
                            .entry(name.to_vec())
                            .or_insert_with(|| self.font(resources, &content::name(name)))
                            .clone();
                    }
                }
                b"Tc" => gs.char_space = nums(1).map_or(gs.char_space, |v| v[0]),
                b"Tw" => gs.word_space = nums(1).map_or(gs.word_space, |v| v[0]),
                b"Tz" => gs.h_scale = nums(1).map_or(gs.h_scale, |v| v[0] / 100.0),
                b"TL" => gs.leading = nums(1).map_or(gs.leading, |v| v[0]),
                b"Ts" => gs.rise = nums(1).map_or(gs.rise, |v| v[0]),
                b"Tm" => {
                    if let Some(m) = nums(6) {
                        text.set([m[0], m[1], m[2], m[3], m[4], m[5]]);
                    }
                }
                b"Td" => {
                    if let Some(v) = nums(2) {
                        text.next_line(v[0], v[1]);
                    }
                }
                b"TD" => {
                    if let Some(v) = nums(2) {
                        gs.leading = -v[1];
                        text.next_line(v[0], v[1]);
                    }
                }
                b"T*" => text.next_line(0.0, -gs.leading),
                b"Tj" | b"'" | b"\"" => {
                    if op != b"Tj" {
                        text.next_line(0.0, -gs.leading);
                    }
                    if op == b"\""
                        && let Some(v) = nums(3)
                    {
                        gs.word_space = v[0];
                        gs.char_space = v[1];
                    }
                    if let Some(Operand::Str(bytes)) = args.last() {
                        self.show(&gs, &mut text.tm, bytes);
                    }
                }
                b"TJ" => {
                    if let Some(Operand::Array(items)) = args.last() {
                        for item in items {
                            match item {
                                Operand::Str(bytes) => self.show(&gs, &mut text.tm, bytes),
                                Operand::Num(n) => {
                                    translate(&mut text.tm, -n / 1000.0 * gs.size * gs.h_scale)
                                }
                                _ => {}
                            }
                        }
                    }
                }
                b"Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(Operand::Name(name)) = args.last()
                        && let Some((data, res, matrix)) =
                            self.load_form(resources, &content::name(name))
                    {
                        let mut inner = gs.clone();
                        if let Some(m) = matrix {
                            inner.ctm = concat(m, gs.ctm);
                        }
                        self.run(&data, res.as_ref().or(resources), inner, depth + 1);
                    }
                }
                _ => {}
            }
            !self.full
        });
    }

    /// Draw a string with the current font: one glyph per character, each placed and sized
    /// by the text rendering matrix, then the pen moved by the code's advance.
    fn show(&mut self, gs: &Gs, tm: &mut [f64; 6], bytes: &[u8]) {
        let Some(font) = gs.font.clone() else {
            return;
        };
        let m = concat(*tm, gs.ctm);
        // The font size on the page: the text size times the matrices' vertical scale.
        let size = gs.size * m[2].hypot(m[3]);
        font.each(bytes, |shown| {
            let w = shown.code.width * font.scale;
            let m = concat(*tm, gs.ctm);
            let ink = w * gs.size * gs.h_scale;
            // A code with no Unicode is still drawn: U+FFFD keeps its place and lets the
            // reader say how much of the text could not be read.
            let text = shown.code.text.as_deref().unwrap_or("\u{FFFD}");
            let (ux0, uy0) = apply(&m, 0.0, gs.rise);
            let (ux1, uy1) = apply(&m, ink, gs.rise);
            let (x0, base) = self.view.point(ux0, uy0);
            let (x1, _) = self.view.point(ux1, uy1);
            self.place(text, x0, x1, base, size);
            let space = if shown.word_space { gs.word_space } else { 0.0 };
            let advance = (w * gs.size + gs.char_space + space) * gs.h_scale;
            translate(tm, advance);
        });
    }

    /// The glyphs of one code's text between x0 and x1 (several for a ligature); whitespace
    /// is no glyph.
    fn place(&mut self, text: &str, x0: f64, x1: f64, base: f64, size: f64) {
        if !(x0.is_finite() && x1.is_finite() && base.is_finite() && size.is_finite()) {
            return;
        }
        let (x0, x1) = (x0.min(x1), x0.max(x1));
        let n = text.chars().count().max(1) as f64;
        let step = (x1 - x0) / n;
        for (i, c) in text.chars().enumerate() {
            if c.is_whitespace() || c.is_control() && c != '\u{FFFD}' {
                continue;
            }
            if self.glyphs.len() >= MAX_GLYPHS_PER_PAGE {
                self.full = true;
                return;
            }
            let a = x0 + step * i as f64;
            self.glyphs.push(Glyph::new(c, a, a + step, base, size));
        }
    }

    /// The font a `Tf` names in these resources.
    fn font(&self, resources: Option<&PdfDictionary>, name: &str) -> Option<Rc<Font>> {
        let fonts = match resources?.get("Font")? {
            PdfObject::Dictionary(d) => d.clone(),
            PdfObject::Reference(n, g) => self.doc.doc.get_object(*n, *g).ok()?.as_dict()?.clone(),
            _ => return None,
        };
        match fonts.get(name)? {
            PdfObject::Reference(n, g) => {
                let key = (*n, *g);
                if let Some(f) = self.doc.fonts.borrow().get(&key) {
                    return Some(f.clone());
                }
                let obj = self.doc.doc.get_object(*n, *g).ok()?;
                let font = Rc::new(Font::load(&self.doc.doc, obj.as_dict()?));
                self.doc.fonts.borrow_mut().insert(key, font.clone());
                Some(font)
            }
            PdfObject::Dictionary(d) => Some(Rc::new(Font::load(&self.doc.doc, d))),
            _ => None,
        }
    }

    fn segment(&mut self, a: (f64, f64), b: (f64, f64)) {
        let (dx, dy) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
        if dy < 0.5 && dx >= 2.0 {
            self.rules.push(Rule::h((a.1 + b.1) / 2.0, a.0, b.0));
        } else if dx < 0.5 && dy >= 2.0 {
            self.rules.push(Rule::v((a.0 + b.0) / 2.0, a.1, b.1));
        }
    }

    /// A filled rectangle at most 3 units thick is a ruling line along its long side; larger
    /// fills are cell shading, whose edges the borders already give.
    fn thin_rect(&mut self, r: &[(f64, f64); 4]) {
        let (x0, x1) = min_max(r.iter().map(|p| p.0));
        let (y0, y1) = min_max(r.iter().map(|p| p.1));
        let (w, h) = (x1 - x0, y1 - y0);
        if h <= 3.0 && w >= 2.0 && w > h {
            self.rules.push(Rule::h((y0 + y1) / 2.0, x0, x1));
        } else if w <= 3.0 && h >= 2.0 {
            self.rules.push(Rule::v((x0 + x1) / 2.0, y0, y1));
        }
    }

    #[allow(clippy::type_complexity)]
    fn load_form(
        &self,
        resources: Option<&PdfDictionary>,
        name: &str,
    ) -> Option<(Vec<u8>, Option<PdfDictionary>, Option<[f64; 6]>)> {
        let xobjects = match resources?.get("XObject")? {
            PdfObject::Dictionary(d) => d.clone(),
            PdfObject::Reference(n, g) => self.doc.doc.get_object(*n, *g).ok()?.as_dict()?.clone(),
            _ => return None,
        };
        let (n, g) = xobjects.get(name)?.as_reference()?;
        let PdfObject::Stream(stream) = self.doc.doc.get_object(n, g).ok()? else {
            return None;
        };
        if stream
            .dict
            .get("Subtype")
            .and_then(|o| o.as_name())
            .map(|n| n.0.as_str())
            != Some("Form")
        {
            return None;
        }
        let data = self.doc.doc.decode_stream(&stream).ok()?;
        let res = match stream.dict.get("Resources") {
            Some(PdfObject::Dictionary(d)) => Some(d.clone()),
            Some(PdfObject::Reference(rn, rg)) => self
                .doc
                .doc
                .get_object(*rn, *rg)
                .ok()
                .and_then(|o| o.as_dict().cloned()),
            _ => None,
        };
        let matrix = stream
            .dict
            .get("Matrix")
            .and_then(|o| o.as_array())
            .and_then(|a| {
                if a.0.len() != 6 {
                    return None;
                }
                let mut m = [0.0f64; 6];
                for (i, slot) in m.iter_mut().enumerate() {
                    *slot = a.0[i]
                        .as_real()
                        .or_else(|| a.0[i].as_integer().map(|x| x as f64))?;
                }
                Some(m)
            });
        Some((data, res, matrix))
    }
}

fn min_max(it: impl Iterator<Item = f64>) -> (f64, f64) {
    it.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_drawn_twice_over_itself_is_read_once() {
        let g = |ch, x0: f64, base| Glyph::new(ch, x0, x0 + 10.0, base, 10.0);
        // `预算` drawn at 100 and again 0.4 to the right; `算算` side by side stays two.
        let mut v = vec![
            g('预', 100.0, 50.0),
            g('算', 110.0, 50.0),
            g('预', 100.4, 50.1),
            g('算', 110.4, 50.1),
            g('算', 200.0, 50.0),
            g('算', 210.0, 50.0),
        ];
        dedupe(&mut v);
        let got: Vec<(char, f64)> = v.iter().map(|g| (g.ch, g.x0)).collect();
        assert_eq!(
            got,
            [('预', 100.0), ('算', 110.0), ('算', 200.0), ('算', 210.0)]
        );
    }

    #[test]
    fn endless_reads_past_the_end_become_an_error() {
        let mut s = Source::new(b"abc".to_vec());
        let mut buf = [0u8; 8];
        assert_eq!(s.read(&mut buf).unwrap(), 3);
        for _ in 0..MAX_IDLE_READS {
            assert_eq!(s.read(&mut buf).unwrap(), 0);
        }
        // Asking where it is does not count as moving…
        s.stream_position().unwrap();
        assert!(s.read(&mut buf).is_err());
        // …a seek that moves starts the count again.
        s.seek(SeekFrom::Start(1)).unwrap();
        assert_eq!(s.read(&mut buf).unwrap(), 2);
        assert_eq!(s.read(&mut buf).unwrap(), 0);
    }

    #[test]
    fn rotated_views_read_the_right_way_round() {
        let mb = [0.0, 0.0, 600.0, 800.0];
        assert_eq!(View::new(0, mb).point(10.0, 790.0), (10.0, 10.0));
        // /Rotate 90: the page turns clockwise, the user-space bottom-left is the top-left.
        assert_eq!(View::new(90, mb).point(0.0, 0.0), (0.0, 0.0));
        assert_eq!(View::new(90, mb).point(0.0, 100.0), (100.0, 0.0));
        assert_eq!(View::new(90, mb).size(), (800.0, 600.0));
        assert_eq!(View::new(270, mb).point(600.0, 800.0), (0.0, 0.0));
        assert_eq!(View::new(-90, mb).point(600.0, 800.0), (0.0, 0.0));
    }
}
