//! Stage 1 of the PDF reader: what is drawn on each page. Every glyph with its position and
//! size, and every ruling line (stroked segments and thin filled rectangles, as LibreOffice,
//! Word and WPS draw cell borders), all in *display* coordinates: origin at the top-left of the
//! page as a viewer shows it (after `/Rotate`), x to the right, y downwards.
//!
//! `objects` loads the page's objects from the file; our tokenizer reads its content into operators; one walk of those
//! operators (`walk`) gives both the glyphs and the rules. Each glyph is placed from its font's own
//! advance (`fonts`), text state and matrices as the PDF specification lays them out, so a
//! `TJ` kern or a `Tc` spacing puts every character where it is drawn. (oxidize-pdf's own
//! `TextExtractor` gave whole fragments, re-read every font on every page and parsed the
//! content a second time: over half the time of a conversion. Its `GraphicsExtractor` turns
//! every `re` into four lines whether it is painted or only clips, and drops filled paths.)

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::objects::{ObjectError, PageRef, PdfFile};

use super::contents::{ContentError, page_content};
use super::fonts::Font;

mod walk;
use walk::Walker;

/// Work bounds per page, so one hostile page cannot stall a batch (the walk has more).
const MAX_OPS_PER_PAGE: usize = 2_000_000;

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

pub type Pdf<'a> = PdfFile<'a>;

pub struct Document<'a> {
    doc: Pdf<'a>,
    page_refs: Vec<PageRef>,
    pub pages: u32,
    /// Most bytes one page's content streams may decode to, summed (`max_decompressed_bytes`).
    pub content_budget: u64,
    /// Fonts read lately, by object: each is read once while it is in use.
    fonts: RefCell<FontCache>,
}

/// The document over the input's bytes, as they are: nothing is copied or rewritten.
pub fn open(bytes: &[u8]) -> Result<Document<'_>, OpenError> {
    let damaged = |e: ObjectError| match e {
        ObjectError::Encrypted => OpenError::Encrypted,
        other => OpenError::Damaged(other.to_string()),
    };
    let doc = PdfFile::open(bytes).map_err(damaged)?;
    let page_refs = doc.pages().map_err(damaged)?;
    Ok(Document {
        doc,
        pages: u32::try_from(page_refs.len()).unwrap_or(u32::MAX),
        page_refs,
        content_budget: crate::ingest::Limits::default().max_decompressed_bytes,
        fonts: RefCell::new(FontCache::default()),
    })
}

/// Fonts kept between pages. Bounded: a document joined from many (each copy with its own
/// fonts, as `pdfunite` makes them) would otherwise keep every font of every part, their
/// ToUnicode maps and widths, to the end (two thirds of a 5,016-page file's peak memory).
/// The fonts used longest ago go first; a font needed again is read again, to the same result.
#[derive(Default)]
pub(crate) struct FontCache {
    fonts: HashMap<(u32, u16), (Rc<Font>, u64)>,
    clock: u64,
}

/// More distinct fonts than a page or a run of pages draws with.
const FONTS_KEPT: usize = 64;

impl FontCache {
    pub(crate) fn get(&mut self, key: (u32, u16)) -> Option<Rc<Font>> {
        self.clock += 1;
        let (font, used) = self.fonts.get_mut(&key)?;
        *used = self.clock;
        Some(font.clone())
    }

    pub(crate) fn insert(&mut self, key: (u32, u16), font: Rc<Font>) {
        if self.fonts.len() >= FONTS_KEPT
            && let Some(old) = self
                .fonts
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| *k)
        {
            self.fonts.remove(&old);
        }
        self.clock += 1;
        self.fonts.insert(key, (font, self.clock));
    }
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
    let page = match d.page_refs.get(index as usize).map(|r| d.doc.page(r)) {
        Some(Ok(p)) => p,
        Some(Err(e)) => {
            out.problem = Some(format!("cannot read the page: {e}"));
            return out;
        }
        None => {
            out.problem = Some("cannot read the page: no such page".into());
            return out;
        }
    };
    let view = View::new(page.rotation, page.media_box);
    (out.width, out.height) = view.size();

    let content = page_content(&d.doc, page.dict.get("Contents"), d.content_budget);
    match content {
        Ok(data) => {
            let mut w = Walker::new(d, view);
            w.page(&data, page.resources.as_ref());
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
