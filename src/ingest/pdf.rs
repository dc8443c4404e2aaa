//! PDF reader: glyphs with positions and ruling lines → grids, one per table found.
//!
//! The stages, each in its own file and tested apart:
//! 1. `glyphs`: our object layer (`objects`) and content walk → per page, glyphs and ruling lines in display
//!    coordinates (`/Rotate` applied, y downwards);
//! 2. `lines`: glyphs → text runs → lines;
//! 3. `lattice`: ruling lines → table frames and merged regions;
//! 4. `table`: a frame, or frames continuing over page breaks, + glyphs → rows with spans;
//! 5. `stream`: pages without ruling lines → rows from text alignment;
//! 6. here: the page sequence → grids. The text around a table (title, year line, unit note)
//!    becomes one-cell rows spanning the table, as in the workbook it was printed from; page
//!    footers are dropped; a title after a table starts the next grid.

// Reachable only through `internals` (tests, fuzz targets, examples): unstable, undocumented.
#[allow(missing_docs)]
pub mod cmap;
#[allow(missing_docs)]
pub mod content;
pub mod contents;
mod flow;
pub mod fonts;
#[allow(missing_docs)]
pub mod glyphs;
pub mod lattice;
pub mod lines;
pub mod nesting;
pub mod objects;
pub mod overflow;
pub mod stream;
pub mod table;

use std::sync::OnceLock;

use crate::grid::Method;
use regex::Regex;

use super::{Deadline, Ingested, ReadOptions};
use crate::error::IngestError;
use crate::grid::{Cell, Extraction, Grid, ReaderWarning, Row, SourcePos};
use flow::Body;
use glyphs::{Glyph, PageContent};
use lattice::Frame;
use lines::Line;

/// The default of `Limits::max_pages`: documents longer than this are cut (a budget table runs
/// to a few dozen pages).
pub const MAX_PAGES: u32 = 2_000;
/// Outside tables, a gap of this many ems starts a new run (a new column in stream mode).
const RUN_GAP: f64 = 2.0;

/// Read a PDF into grids: one per table found (stitched over page breaks), pages without one
/// read as stream text.
pub fn read(bytes: &[u8], opts: &ReadOptions) -> Result<Ingested, IngestError> {
    let max_pages = opts.limits.max_pages;
    let deadline = opts.limits.deadline();
    check_nesting(bytes)?;
    let mut doc = open(bytes)?;
    doc.content_budget = opts.limits.max_decompressed_bytes;
    let mut warnings = Vec::new();
    let n = doc.pages.min(max_pages);
    if doc.pages > max_pages {
        warnings.push(warning(
            "pdf_too_long",
            format!(
                "only the first {max_pages} of {} pages were read",
                doc.pages
            ),
            None,
        ));
    }
    let mut flow = flow::Flow::default();
    let mut text = TextCount::default();
    for i in 0..n {
        let page = read_page(&doc, i, &deadline, &mut warnings)?;
        text.add(&page);
        flow.push(page);
    }
    if text.total == 0 {
        return Err(text.no_text(n));
    }
    text.warnings(&mut warnings);
    let grids = match flow.finish() {
        Some(grids) => grids,
        // The body size read early was not the document's: read it whole.
        None => {
            let mut pages = Vec::with_capacity(n as usize);
            for i in 0..n {
                pages.push(read_page(&doc, i, &deadline, &mut Vec::new())?);
            }
            grids_from_pages(&pages)
        }
    };
    if grids.is_empty() {
        return Err(IngestError::NoTable);
    }
    Ok(Ingested {
        grids,
        encoding: None,
        pages: Some(doc.pages),
        warnings,
    })
}

/// Before the engine sees the bytes: nesting past its recursion aborts the process.
fn check_nesting(bytes: &[u8]) -> Result<(), IngestError> {
    if let Some(at) = nesting::too_deep(bytes, nesting::MAX_NESTING) {
        return Err(IngestError::Pdf {
            page: None,
            reason: format!(
                "objects nest arrays or dictionaries more than {} deep (at byte {at}): a broken \
                 or hostile file",
                nesting::MAX_NESTING
            ),
        });
    }
    if let Some(at) =
        nesting::too_deep_in_object_streams(bytes, nesting::MAX_NESTING, nesting::MAX_OBJECT_STREAM)
    {
        return Err(IngestError::Pdf {
            page: None,
            reason: format!(
                "objects inside an object stream nest arrays or dictionaries more than {} deep \
                 (the object stream at byte {at}): a broken or hostile file",
                nesting::MAX_NESTING
            ),
        });
    }
    Ok(())
}

/// The document, or why it cannot be read.
fn open(bytes: &[u8]) -> Result<glyphs::Document<'_>, IngestError> {
    // The engine panics on some damaged cross-reference tables (found by fuzzing: a byte
    // slice of an xref line cut inside a multi-byte character, oxidize-pdf 5.5.6
    // parser/xref.rs:1462): a damaged file, said as such.
    let opened = std::panic::catch_unwind(|| glyphs::open(bytes)).unwrap_or_else(|_| {
        Err(glyphs::OpenError::Damaged(
            "the PDF engine failed on its cross-reference table".into(),
        ))
    });
    opened.map_err(|e| match e {
        glyphs::OpenError::Encrypted => IngestError::Pdf {
            page: None,
            reason: "the PDF is encrypted (password-protected); remove the password first".into(),
        },
        glyphs::OpenError::Damaged(m) => IngestError::Pdf {
            page: None,
            reason: format!("damaged or not a PDF ({m})"),
        },
    })
}

/// Page `i`; a page the reader cannot read is a warning and an empty page.
fn read_page(
    doc: &glyphs::Document,
    i: u32,
    deadline: &Deadline,
    warnings: &mut Vec<ReaderWarning>,
) -> Result<PageContent, IngestError> {
    deadline.check(|| format!("page {}", i + 1))?;
    // One page that trips the walk must not lose the others.
    let page = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| glyphs::read_page(doc, i)))
        .unwrap_or_else(|_| PageContent {
            number: i + 1,
            problem: Some("the PDF reader failed on this page".into()),
            ..Default::default()
        });
    if let Some(p) = &page.problem {
        warnings.push(warning("pdf_page_unreadable", p.clone(), Some(i + 1)));
    }
    Ok(page)
}

/// What the text of the pages read says, counted as they go by.
#[derive(Default)]
struct TextCount {
    total: usize,
    garbage: usize,
    /// Pages with no glyph and no problem (no text layer).
    empty: Vec<u32>,
    /// The first page a limit stopped, and the limit's message.
    limited: Option<(u32, String)>,
}

impl TextCount {
    fn add(&mut self, p: &PageContent) {
        self.total += p.glyphs.len();
        self.garbage += p.glyphs.iter().filter(|g| unmapped(g.ch)).count();
        if p.glyphs.is_empty() && p.problem.is_none() {
            self.empty.push(p.number);
        }
        if self.limited.is_none()
            && let Some(m) = p
                .problem
                .as_deref()
                .filter(|m| m.starts_with("limit exceeded"))
        {
            self.limited = Some((p.number, m.to_string()));
        }
    }

    /// Why pages with no glyph at all gave nothing: a limit that stopped a page, or no text
    /// layer.
    fn no_text(&self, n: u32) -> IngestError {
        // A page stopped by a limit says so, rather than looking like a scan.
        if let Some((page, m)) = &self.limited {
            return IngestError::Limit(format!(
                "page {page}: {}",
                m.trim_start_matches("limit exceeded: ")
            ));
        }
        let list = if n <= 1 {
            String::new()
        } else {
            format!(" (pages 1-{n})")
        };
        IngestError::Pdf {
            page: (n == 1).then_some(1),
            reason: format!("no text layer (scanned image?){list} — OCR it first"),
        }
    }

    /// Warnings on the text found: pages with none, and characters with no Unicode.
    fn warnings(&self, warnings: &mut Vec<ReaderWarning>) {
        for &p in &self.empty {
            warnings.push(warning(
                "pdf_page_no_text",
                "the page has no text layer (scanned image?) — OCR it first".into(),
                Some(p),
            ));
        }
        if self.garbage * 5 > self.total {
            warnings.push(warning(
                "pdf_no_unicode",
                format!(
                    "{} of {} characters have no Unicode mapping in their font",
                    self.garbage, self.total
                ),
                None,
            ));
        }
    }
}

fn warning(code: &str, message: String, page: Option<u32>) -> ReaderWarning {
    ReaderWarning {
        code: code.into(),
        message,
        pos: SourcePos {
            page,
            ..Default::default()
        },
    }
}

fn unmapped(c: char) -> bool {
    c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c) || c.is_control()
}

/// A page after geometry: its frames, the glyphs inside each, the lines outside all.
struct PageGeom<'a> {
    page: &'a PageContent,
    frames: Vec<Frame>,
    in_frame: Vec<Vec<&'a Glyph>>,
    outside: Vec<Line>,
}

fn geometry(page: &PageContent) -> PageGeom<'_> {
    let all = lattice::frames(&page.rules);
    let mut in_frame: Vec<Vec<&Glyph>> = vec![Vec::new(); all.len()];
    let mut out: Vec<&Glyph> = Vec::new();
    let area = |f: &Frame| (f.x1 - f.x0) * (f.y1 - f.y0);
    for g in &page.glyphs {
        // The innermost frame: a box drawn around a whole table is not the table.
        let best = all
            .iter()
            .enumerate()
            .filter(|(_, f)| f.contains(g.mid_x(), g.mid_y()))
            .min_by(|a, b| area(a.1).total_cmp(&area(b.1)));
        match best {
            Some((i, _)) => in_frame[i].push(g),
            None => out.push(g),
        }
    }
    // Frames holding no text (page borders, boxes around tables, empty shapes) are no tables.
    let (frames, in_frame): (Vec<Frame>, Vec<Vec<&Glyph>>) = all
        .into_iter()
        .zip(in_frame)
        .filter(|(_, g)| !g.is_empty())
        .unzip();
    let outside = lines::lines(&out, RUN_GAP)
        .into_iter()
        .filter(|l| !is_footer(l, page.height))
        .collect();
    PageGeom {
        page,
        frames,
        in_frame,
        outside,
    }
}

fn footer_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // `[0-9０-９]`, not `\d`: Unicode's `\d` has dozens of ranges and made this one pattern
    // 4 M instructions to compile, a tenth of converting a small PDF.
    RE.get_or_init(|| {
        Regex::new(r"^(第\s*[0-9０-９]+\s*页\s*[，,]?\s*(共\s*[0-9０-９]+\s*页)?|共\s*[0-9０-９]+\s*页\s*第\s*[0-9０-９]+\s*页|[-－—]?\s*[0-9０-９]{1,4}\s*[-－—]?|[0-9０-９]+\s*/\s*[0-9０-９]+|Page\s+[0-9０-９]+(\s+of\s+[0-9０-９]+)?)$")
            .expect("footer pattern")
    })
}

/// Page numbers and `第 1 页，共 4 页` in the top or bottom margin.
fn is_footer(l: &Line, height: f64) -> bool {
    let t: String = l.text().split_whitespace().collect::<Vec<_>>().join(" ");
    let margin = l.mid_y() > height * 0.88 || l.mid_y() < height * 0.06;
    let paged = t.starts_with('第') || t.starts_with('共') || t.starts_with("Page");
    (margin || paged) && may_be_page_number(&t) && footer_re().is_match(&t)
}

/// Whether `t` holds a digit and only characters of the footer pattern: lines that do not are
/// not tried, so most files never compile it (a tenth of a one-page PDF's instructions).
fn may_be_page_number(t: &str) -> bool {
    t.contains(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c))
        && t.chars().all(|c| {
            c.is_ascii_digit()
                || ('０'..='９').contains(&c)
                || c.is_whitespace()
                || "第页共，,-－—/Pageof".contains(c)
        })
}

enum Block<'a> {
    Text(u32, Line),
    Table(Vec<table::Part<'a>>),
}

/// Is this line the title of a table (which starts a new grid when it follows one)?
fn is_title(l: &Line, body: &Body) -> bool {
    body.is_large(l.size) || is_title_by_text(l)
}

/// A title by its words alone, whatever the body size.
fn is_title_by_text(l: &Line) -> bool {
    crate::vocab::names_a_table(&l.text())
}

/// The page sequence → grids. Pure on `PageContent`, so it is tested on synthetic pages.
pub fn grids_from_pages(pages: &[PageContent]) -> Vec<Grid> {
    let mut sizes = flow::Sizes::default();
    for p in pages {
        sizes.add(&geometry(p));
    }
    grids_with(pages, &Body::new(sizes.body())).0
}

/// The grids of `pages` with this body size, and whether the last grid has a table (a title
/// on the page after them would then start a grid of its own).
fn grids_with(pages: &[PageContent], body: &Body) -> (Vec<Grid>, bool) {
    let geoms: Vec<PageGeom> = pages.iter().map(geometry).collect();
    let mut stitch = Stitch {
        pages,
        body,
        blocks: Vec::new(),
        open: None,
        pending: Vec::new(),
    };
    for geom in &geoms {
        stitch.page(geom);
    }
    stitch.close();
    let groups = group_by_title(stitch.blocks, body);
    let last_has_table = groups
        .last()
        .is_some_and(|g| g.iter().any(|b| matches!(b, Block::Table(_))));
    let grids = groups
        .into_iter()
        .filter(|g| !g.is_empty())
        .map(|g| join_wrapped_titles(g, body))
        .filter_map(render)
        .collect();
    (grids, last_has_table)
}

/// Walks the pages top to bottom into blocks, stitching frames that continue over a page
/// break into one table.
struct Stitch<'a> {
    pages: &'a [PageContent],
    body: &'a Body,
    blocks: Vec<Block<'a>>,
    /// The table that may still go on: its parts so far.
    open: Option<Vec<table::Part<'a>>>,
    /// Lines after the open table, waiting to see whether it goes on.
    pending: Vec<(u32, Line)>,
}

impl<'a> Stitch<'a> {
    /// One page's frames and lines, top to bottom.
    fn page(&mut self, geom: &'a PageGeom) {
        let mut items: Vec<(f64, Result<usize, usize>)> = geom
            .frames
            .iter()
            .enumerate()
            .map(|(i, f)| (f.y0, Ok(i)))
            .chain(
                geom.outside
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (l.top(), Err(i))),
            )
            .collect();
        items.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut first_frame = true;
        for (_, item) in items {
            match item {
                Err(li) => self.line(geom, geom.outside[li].clone()),
                Ok(fi) => {
                    self.frame(geom, fi, first_frame);
                    first_frame = false;
                }
            }
        }
    }

    /// A line outside the frames: after an open table it waits (a title ends the table);
    /// otherwise it is a block of its own if it is on the page.
    fn line(&mut self, geom: &PageGeom, l: Line) {
        let pn = geom.page.number;
        if self.open.is_some() {
            if is_title(&l, self.body) {
                self.close();
                self.blocks.push(Block::Text(pn, l));
            } else {
                self.pending.push((pn, l));
            }
        } else if l.mid_y() >= 0.0 && l.mid_y() <= geom.page.height {
            self.blocks.push(Block::Text(pn, l));
        }
    }

    /// Frame `fi` of the page: a part of the open table when it is the page's first and
    /// continues the open table's last part (the waiting lines become loose lines of the parts
    /// they were found by), else the start of a new table.
    fn frame(&mut self, geom: &'a PageGeom, fi: usize, first_frame: bool) {
        let pn = geom.page.number;
        let frame = &geom.frames[fi];
        let continues = first_frame
            && self.open.as_ref().is_some_and(|parts| {
                let last = parts.last().expect("a table has a part");
                last.page + 1 == pn && continues_frame(last.frame, frame)
            });
        let mut part = table::Part {
            page: pn,
            page_height: geom.page.height,
            frame,
            glyphs: geom.in_frame[fi].clone(),
            loose: Vec::new(),
        };
        if continues {
            let parts = self.open.as_mut().expect("checked");
            for (p, l) in self.pending.drain(..) {
                if p == pn {
                    part.loose.push(l);
                } else if let Some(last) = parts.last_mut() {
                    last.loose.push(l);
                }
            }
            parts.push(part);
        } else {
            self.close();
            self.open = Some(vec![part]);
        }
    }

    /// End the open table: it becomes a block, and the lines that were waiting to see whether
    /// it went on become rows after it (text off the page is clipped away in every viewer:
    /// dropped).
    fn close(&mut self) {
        if let Some(parts) = self.open.take() {
            self.blocks.push(Block::Table(parts));
        }
        let pages = self.pages;
        let height = |p: u32| {
            pages
                .iter()
                .find(|x| x.number == p)
                .map(|x| x.height)
                .unwrap_or(f64::MAX)
        };
        for (p, l) in self.pending.drain(..) {
            if l.mid_y() >= 0.0 && l.mid_y() <= height(p) {
                self.blocks.push(Block::Text(p, l));
            }
        }
    }
}

/// Blocks → one group per grid: a title after a table starts the next grid.
fn group_by_title<'a>(blocks: Vec<Block<'a>>, body: &Body) -> Vec<Vec<Block<'a>>> {
    let mut groups: Vec<Vec<Block>> = vec![Vec::new()];
    let mut has_table = false;
    for b in blocks {
        let starts_new = match &b {
            Block::Text(_, l) => has_table && is_title(l, body),
            Block::Table(_) => false,
        };
        if starts_new {
            groups.push(Vec::new());
            has_table = false;
        }
        if matches!(b, Block::Table(_)) {
            has_table = true;
        }
        groups.last_mut().expect("non-empty").push(b);
    }
    groups
}

/// A title too long for its cell wraps: printed narrow, `…部门整体绩效目标表` comes out as
/// `…部门整体绩效目标` with `表` centred on the line below, and each line would be a row of its
/// own. Two title-size lines above the table are one title when the first runs across the
/// table's width (it was cut at the cell's edge), the second follows at line spacing in the
/// same size and sits under the first. A shorter first line (a title with a subtitle under
/// it) is left alone.
fn join_wrapped_titles<'a>(mut blocks: Vec<Block<'a>>, body: &Body) -> Vec<Block<'a>> {
    let Some(width) = blocks.iter().find_map(|b| match b {
        Block::Table(parts) => parts.first().map(|p| p.frame.x1 - p.frame.x0),
        Block::Text(..) => None,
    }) else {
        return blocks;
    };
    let mut i = 1;
    while i < blocks.len() {
        let joined = match (&blocks[i - 1], &blocks[i]) {
            (Block::Text(pa, a), Block::Text(pb, b)) => {
                let wrapped = pa == pb
                    && body.is_large(a.size)
                    && (a.size - b.size).abs() <= 0.1 * a.size
                    && b.base > a.base
                    && b.base - a.base <= 1.6 * a.size
                    && (cut_at_width(a, b, width) || broken_block(a, b));
                wrapped.then(|| {
                    let text = lines::join_lines(&[a.text(), b.text()]);
                    let run = lines::Run {
                        text,
                        x0: a.x0().min(b.x0()),
                        x1: a.x1().max(b.x1()),
                        base: b.base,
                        size: a.size,
                    };
                    // The last line's baseline: a third line is one pitch under it.
                    Line {
                        runs: vec![run],
                        base: b.base,
                        size: a.size,
                    }
                })
            }
            (Block::Table(_), _) => break,
            _ => None,
        };
        match joined {
            Some(line) => {
                let Block::Text(p, _) = blocks.remove(i) else {
                    unreachable!("matched as text")
                };
                blocks[i - 1] = Block::Text(p, line);
            }
            None => i += 1,
        }
    }
    blocks
}

/// A title line cut at the cell's edge: it runs across the table's width, the rest under it.
fn cut_at_width(a: &Line, b: &Line, width: f64) -> bool {
    a.x1() - a.x0() >= 0.85 * width && (a.x0()..=a.x1()).contains(&((b.x0() + b.x1()) / 2.0))
}

/// Title lines broken by hand inside one centred cell (`…专项(畜禽粪污` / `资源化利用…2022年` /
/// `中央预算内投资计划绩效目标表`): lines of one size, one pitch apart, centred on the same axis
/// and of like widths (within a third: a short subtitle or year line under a title is no
/// continuation of it).
fn broken_block(a: &Line, b: &Line) -> bool {
    let (wa, wb) = (a.x1() - a.x0(), b.x1() - b.x0());
    let centre = |l: &Line| (l.x0() + l.x1()) / 2.0;
    (centre(a) - centre(b)).abs() <= a.size && wb >= 0.66 * wa && wa >= 0.66 * wb
}

/// Whether `next`, the first frame of a page, continues `prev`, the last frame of the page
/// before: the same left and right edges, or one edge the same and the other on one of the
/// other frame's column lines. A column whose cells all run on over the page break (a merged
/// label column, `绩效指标` down the side) has no horizontal line on that page to join it to
/// the frame, so the page's frame starts at the next column.
fn continues_frame(prev: &Frame, next: &Frame) -> bool {
    let near = |a: f64, b: f64| (a - b).abs() < 6.0;
    let on_line =
        |x: f64, f: &Frame| near(x, f.x0) || near(x, f.x1) || f.vs.iter().any(|s| near(s.pos, x));
    // One frame's edge at the other's edge, or on one of its column lines.
    let edge = |p: f64, n: f64| near(p, n) || on_line(p, next) || on_line(n, prev);
    let (left, right) = (near(prev.x0, next.x0), near(prev.x1, next.x1));
    (left && edge(prev.x1, next.x1)) || (right && edge(prev.x0, next.x0))
}

fn render(blocks: Vec<Block>) -> Option<Grid> {
    let built: Vec<Option<table::Built>> = blocks
        .iter()
        .map(|b| match b {
            Block::Table(parts) => table::build(parts),
            Block::Text(..) => None,
        })
        .collect();
    let tables: Vec<&table::Built> = built.iter().flatten().collect();
    let mut grid;
    if tables.is_empty() {
        let ls: Vec<(u32, &Line)> = blocks
            .iter()
            .flat_map(|b| match b {
                Block::Text(p, l) => Some((*p, l)),
                Block::Table(parts) => {
                    // A frame that made no table (no columns): nothing to add.
                    let _ = parts;
                    None
                }
            })
            .collect();
        if ls.is_empty() {
            return None;
        }
        let s = stream::build(&ls);
        grid = Grid::new(Method::Stream);
        grid.extraction.confidence = s.confidence;
        grid.rows = s.rows;
    } else {
        let ncols = tables.iter().map(|t| t.ncols).max().unwrap_or(1);
        grid = Grid::new(Method::Lattice);
        grid.extraction = Extraction {
            method: Method::Lattice,
            confidence: tables.iter().map(|t| t.confidence).fold(1.0, f64::min),
        };
        for (b, t) in blocks.iter().zip(built) {
            match (b, t) {
                (Block::Text(p, l), _) => {
                    let pos = SourcePos {
                        page: Some(*p),
                        ..Default::default()
                    };
                    let mut cells = vec![None; ncols];
                    cells[0] = Some(Cell {
                        text: l.text(),
                        row_span: 1,
                        col_span: ncols as u32,
                        pos: pos.clone(),
                    });
                    grid.rows.push(Row {
                        cells,
                        pos,
                        break_before: false,
                    });
                }
                (Block::Table(_), Some(t)) => grid.rows.extend(t.rows),
                (Block::Table(_), None) => {}
            }
        }
    }
    let mut prev: Option<u32> = None;
    for r in &mut grid.rows {
        r.break_before = prev.is_some() && r.pos.page != prev;
        prev = r.pos.page;
    }
    Some(grid)
}

#[cfg(test)]
mod footer_tests {
    use super::*;

    #[test]
    fn the_prefilter_lets_every_page_number_through() {
        for t in [
            "第 1 页",
            "第１页，共４页",
            "共 4 页 第 2 页",
            "- 12 -",
            "3/10",
            "Page 2 of 9",
        ] {
            assert!(may_be_page_number(t) && footer_re().is_match(t), "{t}");
        }
        for t in ["项目名称", "2026年", "第一页", "≥95%"] {
            assert!(!may_be_page_number(t) || !footer_re().is_match(t), "{t}");
        }
        assert!(!may_be_page_number("完成率 95"));
    }
}
