//! Stage 1 of the PDF reader: what is drawn on each page. Every glyph with its position and
//! size, and every ruling line (stroked segments and thin filled rectangles, as LibreOffice,
//! Word and WPS draw cell borders), all in *display* coordinates: origin at the top-left of the
//! page as a viewer shows it (after `/Rotate`), x to the right, y downwards.
//!
//! Text decoding (embedded CID fonts with Identity-H, `/W` widths, ToUnicode, the predefined
//! CJK CMaps such as UniGB-UCS2-H and GBK-EUC-H) is oxidize-pdf's `TextExtractor`, which gives
//! positioned text fragments; we split those into glyphs. Ruling lines come from our own walk of
//! the content stream, because oxidize-pdf's `GraphicsExtractor` turns every `re` into four
//! lines whether it is painted or only clips, and drops filled paths.

use std::io::Cursor;

use oxidize_pdf::parser::content::{ContentOperation as Op, ContentParser};
use oxidize_pdf::parser::{PdfDictionary, PdfDocument, PdfObject, PdfReader};
use oxidize_pdf::text::{ExtractionOptions, TextExtractor};

/// Work bounds per page, so one hostile page cannot stall a batch.
const MAX_OPS_PER_PAGE: usize = 2_000_000;
const MAX_GLYPHS_PER_PAGE: usize = 200_000;
const MAX_RULES_PER_PAGE: usize = 20_000;
const MAX_FORM_DEPTH: u32 = 8;

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

pub struct Document {
    doc: PdfDocument<Cursor<Vec<u8>>>,
    pub pages: u32,
    /// One text extractor for the whole document: it caches each font (and compiles its
    /// patterns) once, instead of once per page.
    text: std::cell::RefCell<Option<TextExtractor>>,
}

pub fn open(bytes: &[u8]) -> Result<Document, OpenError> {
    let mut bytes = bytes.to_vec();
    super::lengths::make_direct(&mut bytes);
    let mut reader = PdfReader::new(Cursor::new(bytes)).map_err(|e| {
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
        text: std::cell::RefCell::new(None),
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

    // The content first, so a page whose content nests deeper than the engine's recursion can
    // take (which would abort the process, not panic) is refused before the engine parses it.
    let content = page
        .content_streams_with_document(&d.doc)
        .map(ContentParser::combine_streams_owned);
    if let Ok(data) = &content
        && let Some(at) = super::nesting::too_deep(data, super::nesting::MAX_NESTING, false)
    {
        out.problem = Some(format!(
            "the page content nests arrays or dictionaries more than {} deep (at byte {at}); \
             the page is skipped",
            super::nesting::MAX_NESTING
        ));
        return out;
    }

    let opts = ExtractionOptions {
        preserve_layout: true,
        sort_by_position: false,
        merge_hyphenated: false,
        // Headers and footers are filtered later by what they say; a producer that marks
        // table text as an artifact must not lose it.
        include_artifacts: true,
        ..Default::default()
    };
    // Taken out while in use: if the engine panics on this page, the next page starts with a
    // fresh extractor rather than one left half-way.
    let mut ex = d
        .text
        .borrow_mut()
        .take()
        .unwrap_or_else(|| TextExtractor::with_options(opts));
    let result = ex.extract_from_page(&d.doc, index);
    *d.text.borrow_mut() = Some(ex);
    match result {
        Ok(t) => {
            for f in &t.fragments {
                if out.glyphs.len() >= MAX_GLYPHS_PER_PAGE {
                    out.problem = Some("too many glyphs; the rest of the page is skipped".into());
                    break;
                }
                let (x, y) = view.point(f.x, f.y);
                split_fragment(&f.text, x, y, f.width, f.font_size, &mut out.glyphs);
            }
        }
        Err(e) => out.problem = Some(format!("cannot read the page text: {e}")),
    }

    let resources = page_resources(d, &page);
    match content {
        Ok(data) => {
            if let Ok(ops) = ContentParser::parse_content(&data) {
                let mut w = RuleWalker {
                    doc: &d.doc,
                    view,
                    rules: Vec::new(),
                    ops: 0,
                };
                w.run(&ops, resources.as_ref(), Gs::default(), 0);
                out.rules = w.rules;
            }
        }
        Err(e) => {
            if out.problem.is_none() {
                out.problem = Some(format!("cannot read the page content: {e}"));
            }
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

/// Split a positioned fragment into glyphs. The fragment only knows its total advance, so it
/// is shared out with full-width characters counting twice a half-width one, which is how CJK
/// fonts are built. Whitespace advances the pen but makes no glyph.
pub fn split_fragment(text: &str, x: f64, base: f64, width: f64, size: f64, out: &mut Vec<Glyph>) {
    if !(x.is_finite() && base.is_finite() && width.is_finite() && size.is_finite()) {
        return;
    }
    let size = if size > 0.0 { size } else { 10.0 };
    let weight = |c: char| if is_wide(c) { 2.0 } else { 1.0 };
    let total: f64 = text.chars().map(weight).sum();
    if total <= 0.0 {
        return;
    }
    let natural = size / 2.0;
    let unit = if width > 0.0 { width / total } else { natural };
    // A fragment much wider than its characters, with a blank in it: the blank stands for a
    // kern of a `TJ` array (LibreOffice draws `“` and `”` around `三公经费` as
    // `[<“> -4001 <”>] TJ`, which the engine returns as one fragment `“ ”` 50 units wide). The
    // characters keep their natural width and the blanks take the rest, so `”` lands after the
    // word, where it was drawn, not in the middle of it.
    let blanks = text.chars().filter(|c| c.is_whitespace()).count();
    let (unit, blank) = if blanks > 0 && unit > 1.3 * natural {
        let inked: f64 = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(weight)
            .sum();
        (natural, (width - inked * natural) / blanks as f64)
    } else {
        (unit, unit)
    };
    let mut pen = x;
    for c in text.chars() {
        if c.is_whitespace() {
            pen += blank;
            continue;
        }
        let w = weight(c) * unit;
        if !c.is_control() {
            out.push(Glyph::new(c, pen, pen + w, base, size));
        }
        pen += w;
    }
}

/// Graphics state the rule walker needs.
#[derive(Debug, Clone, Copy)]
struct Gs {
    ctm: [f64; 6],
    stroke_white: bool,
    fill_white: bool,
}

impl Default for Gs {
    fn default() -> Self {
        Gs {
            ctm: [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            stroke_white: false,
            fill_white: false,
        }
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

fn apply(m: &[f64; 6], x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn is_white(components: &[f32]) -> bool {
    !components.is_empty() && components.iter().all(|&v| v >= 0.95)
}

struct RuleWalker<'a> {
    doc: &'a PdfDocument<Cursor<Vec<u8>>>,
    view: View,
    rules: Vec<Rule>,
    ops: usize,
}

impl RuleWalker<'_> {
    fn run(&mut self, ops: &[Op], resources: Option<&PdfDictionary>, mut gs: Gs, depth: u32) {
        let mut stack: Vec<Gs> = Vec::new();
        // Subpaths in display coordinates; `rects` holds `re` rectangles separately because a
        // thin filled rectangle is a ruling line while other filled shapes are not.
        let mut segs: Vec<((f64, f64), (f64, f64))> = Vec::new();
        let mut rects: Vec<[(f64, f64); 4]> = Vec::new();
        let mut start: Option<(f64, f64)> = None;
        let mut cur: Option<(f64, f64)> = None;
        for op in ops {
            self.ops += 1;
            if self.ops > MAX_OPS_PER_PAGE || self.rules.len() >= MAX_RULES_PER_PAGE {
                return;
            }
            let pt = |gs: &Gs, x: f32, y: f32| {
                let (ux, uy) = apply(&gs.ctm, x as f64, y as f64);
                self.view.point(ux, uy)
            };
            match op {
                Op::SaveGraphicsState => stack.push(gs),
                Op::RestoreGraphicsState => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                Op::SetTransformMatrix(a, b, c, d, e, f) => {
                    let m = [*a, *b, *c, *d, *e, *f].map(|v| v as f64);
                    gs.ctm = concat(m, gs.ctm);
                }
                Op::SetStrokingGray(g) => gs.stroke_white = is_white(&[*g]),
                Op::SetStrokingRGB(r, g, b) => gs.stroke_white = is_white(&[*r, *g, *b]),
                Op::SetStrokingCMYK(c, m, y, k) => {
                    gs.stroke_white = [*c, *m, *y, *k].iter().all(|&v| v <= 0.05)
                }
                Op::SetNonStrokingGray(g) => gs.fill_white = is_white(&[*g]),
                Op::SetNonStrokingRGB(r, g, b) => gs.fill_white = is_white(&[*r, *g, *b]),
                Op::SetNonStrokingCMYK(c, m, y, k) => {
                    gs.fill_white = [*c, *m, *y, *k].iter().all(|&v| v <= 0.05)
                }
                Op::MoveTo(x, y) => {
                    let p = pt(&gs, *x, *y);
                    start = Some(p);
                    cur = Some(p);
                }
                Op::LineTo(x, y) => {
                    let p = pt(&gs, *x, *y);
                    if let Some(c) = cur {
                        segs.push((c, p));
                    }
                    cur = Some(p);
                }
                Op::CurveTo(.., x, y) | Op::CurveToV(.., x, y) | Op::CurveToY(.., x, y) => {
                    // Curves are never ruling lines; keep the pen where the curve ends.
                    cur = Some(pt(&gs, *x, *y));
                }
                Op::ClosePath => {
                    if let (Some(c), Some(s)) = (cur, start) {
                        segs.push((c, s));
                        cur = Some(s);
                    }
                }
                Op::Rectangle(x, y, w, h) => {
                    rects.push([
                        pt(&gs, *x, *y),
                        pt(&gs, *x + *w, *y),
                        pt(&gs, *x + *w, *y + *h),
                        pt(&gs, *x, *y + *h),
                    ]);
                    let p = pt(&gs, *x, *y);
                    start = Some(p);
                    cur = Some(p);
                }
                Op::Stroke
                | Op::CloseStroke
                | Op::FillStroke
                | Op::FillStrokeEvenOdd
                | Op::CloseFillStroke
                | Op::CloseFillStrokeEvenOdd => {
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
                    segs.clear();
                    rects.clear();
                    start = None;
                    cur = None;
                }
                Op::Fill | Op::FillEvenOdd => {
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
                    segs.clear();
                    rects.clear();
                    start = None;
                    cur = None;
                }
                Op::EndPath => {
                    segs.clear();
                    rects.clear();
                    start = None;
                    cur = None;
                }
                Op::PaintXObject(name) if depth < MAX_FORM_DEPTH => {
                    if let Some((ops, res, matrix)) = self.load_form(resources, name) {
                        let mut inner = gs;
                        if let Some(m) = matrix {
                            inner.ctm = concat(m, gs.ctm);
                        }
                        self.run(&ops, res.as_ref().or(resources), inner, depth + 1);
                    }
                }
                _ => {}
            }
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
    ) -> Option<(Vec<Op>, Option<PdfDictionary>, Option<[f64; 6]>)> {
        let xobjects = match resources?.get("XObject")? {
            PdfObject::Dictionary(d) => d.clone(),
            PdfObject::Reference(n, g) => self.doc.get_object(*n, *g).ok()?.as_dict()?.clone(),
            _ => return None,
        };
        let (n, g) = xobjects.get(name)?.as_reference()?;
        let PdfObject::Stream(stream) = self.doc.get_object(n, g).ok()? else {
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
        let data = stream.decode(&self.doc.options()).ok()?;
        let ops = ContentParser::parse_content(&data).ok()?;
        let res = match stream.dict.get("Resources") {
            Some(PdfObject::Dictionary(d)) => Some(d.clone()),
            Some(PdfObject::Reference(rn, rg)) => self
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
        Some((ops, res, matrix))
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
    fn splits_fragments_by_width_class() {
        let mut g = Vec::new();
        split_fragment("预算 12", 10.0, 100.0, 30.0, 10.0, &mut g);
        // weights 2+2+1+1+1 = 7 units of 30/7
        assert_eq!(g.len(), 4);
        assert_eq!(g[0].ch, '预');
        assert!((g[1].x1 - (10.0 + 4.0 * 30.0 / 7.0)).abs() < 1e-9);
        assert!((g[2].x0 - (10.0 + 5.0 * 30.0 / 7.0)).abs() < 1e-9);
    }

    #[test]
    fn a_kern_made_blank_takes_the_slack() {
        // a02 printed at 60%: `[<“> -4001 <”>] TJ` at x 456.9, size 10, 50.4 wide in all; the
        // word `三公经费` between the marks is drawn on its own from 462.1 to 502.1.
        let mut g = Vec::new();
        split_fragment("“ ”", 456.9, 100.0, 50.4, 10.0, &mut g);
        assert_eq!(g.len(), 2);
        assert!((g[0].x0 - 456.9).abs() < 1e-9 && (g[0].x1 - 461.9).abs() < 1e-9);
        assert!((g[1].x0 - 502.3).abs() < 1e-9, "{}", g[1].x0);
        assert!(g[1].mid_x() > 502.1 - 5.0, "after 费's middle");
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
