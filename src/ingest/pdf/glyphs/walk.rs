//! The walk of a page's content operators: the graphics and text state as the PDF
//! specification lays them out, each glyph placed from its font's advance, and the painted
//! paths that are ruling lines. Form XObjects are walked inside the page that draws them.

use std::collections::HashMap;
use std::rc::Rc;

use super::super::objects::{PdfDictionary, PdfObject};

use super::super::content::{self, Operand};
use super::super::fonts::Font;
use super::{Document, Glyph, MAX_OPS_PER_PAGE, Rule, View};

/// Work bounds per page, so one hostile page cannot stall a batch.
const MAX_GLYPHS_PER_PAGE: usize = 200_000;
const MAX_RULES_PER_PAGE: usize = 20_000;
const MAX_FORM_DEPTH: u32 = 8;
/// Graphics states saved (`q`) and not yet restored: real pages nest a few.
const MAX_SAVES: usize = 1_000;

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
/// The last `k` operands as numbers, when they are numbers.
fn last_nums(args: &[Operand], k: usize) -> Option<Vec<f64>> {
    let a = args.get(args.len().checked_sub(k)?..)?;
    a.iter().map(Operand::num).collect()
}

/// The path being built, in display coordinates; `rects` holds `re` rectangles apart from the
/// other subpaths because a thin filled rectangle is a ruling line while other filled shapes
/// are not.
#[derive(Default)]
struct Path {
    segs: Vec<((f64, f64), (f64, f64))>,
    rects: Vec<[(f64, f64); 4]>,
    start: Option<(f64, f64)>,
    cur: Option<(f64, f64)>,
}

impl Path {
    fn move_to(&mut self, p: (f64, f64)) {
        self.start = Some(p);
        self.cur = Some(p);
    }

    /// `h`, and the closing of `s`, `b` and `b*`: a segment back to the subpath's start.
    fn close(&mut self) {
        if let (Some(c), Some(s)) = (self.cur, self.start) {
            self.segs.push((c, s));
            self.cur = Some(s);
        }
    }

    /// After painting (or `n`): no path.
    fn clear(&mut self) {
        *self = Path::default();
    }
}

/// The state of the walk of one content stream: a page's, or a form's drawn inside it.
struct Scope<'r> {
    resources: Option<&'r PdfDictionary>,
    depth: u32,
    gs: Gs,
    stack: Vec<Gs>,
    text: TextPos,
    /// Fonts of these resources by name, so each `Tf` is one lookup.
    fonts: HashMap<Vec<u8>, Option<Rc<Font>>>,
    path: Path,
}

/// Walks a page's content and keeps what it draws.
pub(super) struct Walker<'a> {
    doc: &'a Document<'a>,
    view: View,
    pub(super) glyphs: Vec<Glyph>,
    pub(super) rules: Vec<Rule>,
    pub(super) ops: usize,
    /// The page reached `MAX_GLYPHS_PER_PAGE`.
    pub(super) full: bool,
}

impl<'a> Walker<'a> {
    pub(super) fn new(doc: &'a Document<'a>, view: View) -> Walker<'a> {
        Walker {
            doc,
            view,
            glyphs: Vec::new(),
            rules: Vec::new(),
            ops: 0,
            full: false,
        }
    }

    /// Walk a page's content, from the default graphics state.
    pub(super) fn page(&mut self, data: &[u8], resources: Option<&PdfDictionary>) {
        self.run(data, resources, Gs::default(), 0);
    }

    fn run(&mut self, data: &[u8], resources: Option<&PdfDictionary>, gs: Gs, depth: u32) {
        let mut sc = Scope {
            resources,
            depth,
            gs,
            stack: Vec::new(),
            text: TextPos::new(),
            fonts: HashMap::new(),
            path: Path::default(),
        };
        content::each_op(data, |op, args| {
            self.ops += 1;
            if self.ops > MAX_OPS_PER_PAGE || self.rules.len() >= MAX_RULES_PER_PAGE {
                return false;
            }
            self.op(&mut sc, op, args);
            !self.full
        });
    }

    /// One operator, to the step for its group.
    fn op(&mut self, sc: &mut Scope, op: &[u8], args: &[Operand]) {
        match op {
            b"q" | b"Q" | b"cm" => graphics_state(sc, op, args),
            b"G" | b"RG" | b"K" | b"SC" | b"SCN" => {
                if let Some(white) = white(op, args) {
                    sc.gs.stroke_white = white;
                }
            }
            b"g" | b"rg" | b"k" | b"sc" | b"scn" => {
                if let Some(white) = white(op, args) {
                    sc.gs.fill_white = white;
                }
            }
            b"m" | b"l" | b"c" | b"v" | b"y" | b"h" | b"re" => self.path_op(sc, op, args),
            b"S" | b"s" | b"B" | b"B*" | b"b" | b"b*" => self.stroke(sc, op),
            b"f" | b"F" | b"f*" => self.fill(sc),
            b"n" => sc.path.clear(),
            b"Do" if sc.depth < MAX_FORM_DEPTH => self.draw_form(sc, args),
            _ => self.text_op(sc, op, args),
        }
    }

    /// A point of user space (under the current matrix) in display space.
    fn pt(&self, gs: &Gs, x: f64, y: f64) -> (f64, f64) {
        let (ux, uy) = apply(&gs.ctm, x, y);
        self.view.point(ux, uy)
    }

    /// Path construction: `m`, `l`, curves, `h`, `re`.
    fn path_op(&self, sc: &mut Scope, op: &[u8], args: &[Operand]) {
        let (gs, path) = (&sc.gs, &mut sc.path);
        match op {
            b"m" => {
                if let Some(v) = last_nums(args, 2) {
                    path.move_to(self.pt(gs, v[0], v[1]));
                }
            }
            b"l" => {
                if let Some(v) = last_nums(args, 2) {
                    let p = self.pt(gs, v[0], v[1]);
                    if let Some(c) = path.cur {
                        path.segs.push((c, p));
                    }
                    path.cur = Some(p);
                }
            }
            b"c" | b"v" | b"y" => {
                // Curves are never ruling lines; keep the pen where the curve ends.
                if let Some(v) = last_nums(args, 2) {
                    path.cur = Some(self.pt(gs, v[0], v[1]));
                }
            }
            b"h" => path.close(),
            b"re" => {
                if let Some(v) = last_nums(args, 4) {
                    let (x, y, w, h) = (v[0], v[1], v[2], v[3]);
                    path.rects.push([
                        self.pt(gs, x, y),
                        self.pt(gs, x + w, y),
                        self.pt(gs, x + w, y + h),
                        self.pt(gs, x, y + h),
                    ]);
                    path.move_to(self.pt(gs, x, y));
                }
            }
            _ => {}
        }
    }

    /// A stroking operator: every segment and rectangle side of the path may be a ruling line
    /// (unless stroked in white).
    fn stroke(&mut self, sc: &mut Scope, op: &[u8]) {
        let path = &mut sc.path;
        if matches!(op, b"s" | b"b" | b"b*")
            && let (Some(c), Some(s)) = (path.cur, path.start)
        {
            path.segs.push((c, s));
        }
        if !sc.gs.stroke_white {
            for &(a, b) in &path.segs {
                self.segment(a, b);
            }
            for r in &path.rects {
                for i in 0..4 {
                    self.segment(r[i], r[(i + 1) % 4]);
                }
            }
        }
        path.clear();
    }

    /// A filling operator: thin filled rectangles (with `re`, or a closed four-segment path
    /// drawn with m/l/h) are ruling lines (unless filled in white).
    fn fill(&mut self, sc: &mut Scope) {
        let path = &sc.path;
        if !sc.gs.fill_white {
            for r in &path.rects {
                self.thin_rect(r);
            }
            let segs = &path.segs;
            if segs.len() >= 3 && segs.len() <= 5 && path.rects.is_empty() {
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
        sc.path.clear();
    }

    /// Text objects, text state, positioning and showing.
    fn text_op(&mut self, sc: &mut Scope, op: &[u8], args: &[Operand]) {
        let nums = |k: usize| last_nums(args, k);
        let gs = &mut sc.gs;
        match op {
            b"BT" => sc.text = TextPos::new(),
            b"Tf" => {
                if let [.., Operand::Name(name), Operand::Num(size)] = args {
                    gs.size = *size;
                    gs.font = sc
                        .fonts
                        .entry(name.to_vec())
                        .or_insert_with(|| self.font(sc.resources, &content::name(name)))
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
                    sc.text.set([m[0], m[1], m[2], m[3], m[4], m[5]]);
                }
            }
            b"Td" => {
                if let Some(v) = nums(2) {
                    sc.text.next_line(v[0], v[1]);
                }
            }
            b"TD" => {
                if let Some(v) = nums(2) {
                    gs.leading = -v[1];
                    sc.text.next_line(v[0], v[1]);
                }
            }
            b"T*" => sc.text.next_line(0.0, -gs.leading),
            b"Tj" | b"'" | b"\"" => self.show_string(sc, op, args),
            b"TJ" => {
                if let Some(Operand::Array(items)) = args.last() {
                    for item in items {
                        match item {
                            Operand::Str(bytes) => self.show(gs, &mut sc.text.tm, bytes),
                            Operand::Num(n) => {
                                translate(&mut sc.text.tm, -n / 1000.0 * gs.size * gs.h_scale)
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// `Tj`, and `'` and `"`, which move to the next line first (`"` sets the spacing too).
    fn show_string(&mut self, sc: &mut Scope, op: &[u8], args: &[Operand]) {
        if op != b"Tj" {
            sc.text.next_line(0.0, -sc.gs.leading);
        }
        if op == b"\""
            && let Some(v) = last_nums(args, 3)
        {
            sc.gs.word_space = v[0];
            sc.gs.char_space = v[1];
        }
        if let Some(Operand::Str(bytes)) = args.last() {
            self.show(&sc.gs, &mut sc.text.tm, bytes);
        }
    }

    /// `Do` of a form XObject: its content walked with the form's matrix and resources.
    fn draw_form(&mut self, sc: &Scope, args: &[Operand]) {
        if let Some(Operand::Name(name)) = args.last()
            && let Some((data, res, matrix)) = self.load_form(sc.resources, &content::name(name))
        {
            let mut inner = sc.gs.clone();
            if let Some(m) = matrix {
                inner.ctm = concat(m, sc.gs.ctm);
            }
            self.run(&data, res.as_ref().or(sc.resources), inner, sc.depth + 1);
        }
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
                if let Some(f) = self.doc.fonts.borrow_mut().get(key) {
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

/// `q`, `Q` and `cm`.
fn graphics_state(sc: &mut Scope, op: &[u8], args: &[Operand]) {
    match op {
        b"q" if sc.stack.len() < MAX_SAVES => sc.stack.push(sc.gs.clone()),
        b"Q" => {
            if let Some(s) = sc.stack.pop() {
                sc.gs = s;
            }
        }
        b"cm" => {
            if let Some(m) = last_nums(args, 6) {
                sc.gs.ctm = concat([m[0], m[1], m[2], m[3], m[4], m[5]], sc.gs.ctm);
            }
        }
        _ => {}
    }
}

fn min_max(it: impl Iterator<Item = f64>) -> (f64, f64) {
    it.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}
