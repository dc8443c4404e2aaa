//! The pages of a document turned into grids as they are read, so a long document does not
//! hold every page's glyphs at once (issue 17: flat memory).
//!
//! Pages wait in a window until one begins with a title by its words (`…目标表`, `…情况表`)
//! after a window whose last grid has a table: nothing after that title can change the grids
//! before it, so the window becomes grids and its glyphs are freed. Only the body text size
//! (the median size of the text inside tables) is a property of the whole document. A window is
//! read with the median of the pages seen so far, and every decision taken on it (is this
//! line set larger than body text?) is kept; at the end each is taken again with the final
//! median. When all come out the same, the grids are exactly those of reading the document
//! whole; when one does not, the caller reads it whole again (`Flow::finish` says so).

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::glyphs::PageContent;
use super::{PageGeom, geometry, grids_with, is_title_by_text};
use crate::grid::Grid;

/// The body text size, and the answer of every size decision taken on it.
pub struct Body {
    size: f64,
    decisions: RefCell<Vec<(f64, bool)>>,
}

impl Body {
    pub fn new(size: f64) -> Body {
        Body {
            size,
            decisions: RefCell::new(Vec::new()),
        }
    }

    /// Whether text of `size` is set larger than body text (as titles are).
    pub fn is_large(&self, size: f64) -> bool {
        let large = size >= self.size * 1.2;
        let mut d = self.decisions.borrow_mut();
        if d.last() != Some(&(size, large)) {
            d.push((size, large));
        }
        large
    }

    /// Whether every decision taken comes out the same with body size `size`.
    fn holds_for(&self, size: f64) -> bool {
        self.decisions
            .borrow()
            .iter()
            .all(|&(s, large)| (s >= size * 1.2) == large)
    }
}

/// Glyph sizes counted by value (bit patterns of positive finite sizes sort as the sizes do),
/// for the median without keeping every glyph.
#[derive(Default)]
pub struct Sizes {
    in_frames: BTreeMap<u64, u64>,
    all: BTreeMap<u64, u64>,
}

impl Sizes {
    pub fn add(&mut self, g: &PageGeom) {
        let ok = |s: f64| s.is_finite() && s > 0.0;
        for s in g
            .in_frame
            .iter()
            .flatten()
            .map(|g| g.size)
            .filter(|s| ok(*s))
        {
            *self.in_frames.entry(s.to_bits()).or_default() += 1;
        }
        for s in g.page.glyphs.iter().map(|g| g.size).filter(|s| ok(*s)) {
            *self.all.entry(s.to_bits()).or_default() += 1;
        }
    }

    /// The median size of text inside tables, else of all text, else 10.
    pub fn body(&self) -> f64 {
        median(&self.in_frames)
            .or_else(|| median(&self.all))
            .unwrap_or(10.0)
    }
}

/// The element at index `n / 2` of the sorted values, as a sort of all of them would give.
fn median(counts: &BTreeMap<u64, u64>) -> Option<f64> {
    let n: u64 = counts.values().sum();
    let mut left = n / 2;
    for (&bits, &c) in counts {
        if left < c {
            return Some(f64::from_bits(bits));
        }
        left -= c;
    }
    None
}

/// The reading of a document, page by page.
#[derive(Default)]
pub struct Flow {
    window: Vec<PageContent>,
    window_has_frames: bool,
    sizes: Sizes,
    grids: Vec<Grid>,
    /// The bodies the windows already read were read with.
    bodies: Vec<Body>,
}

impl Flow {
    pub fn push(&mut self, page: PageContent) {
        let geom = geometry(&page);
        self.sizes.add(&geom);
        let opens = opens_with_title(&geom);
        let has_frames = !geom.frames.is_empty();
        drop(geom);
        if opens && self.window_has_frames {
            self.cut();
        }
        self.window.push(page);
        self.window_has_frames |= has_frames;
    }

    /// The window becomes grids when its last grid has a table (else the title joins it).
    fn cut(&mut self) {
        let body = Body::new(self.sizes.body());
        let (grids, last_has_table) = grids_with(&self.window, &body);
        if last_has_table {
            self.grids.extend(grids);
            self.bodies.push(body);
            self.window.clear();
            self.window_has_frames = false;
        }
    }

    /// The grids, or `None` when a window read early would read differently with the whole
    /// document's body size (the caller then reads the document whole).
    pub fn finish(mut self) -> Option<Vec<Grid>> {
        let size = self.sizes.body();
        if !self.bodies.iter().all(|b| b.holds_for(size)) {
            return None;
        }
        let (grids, _) = grids_with(&self.window, &Body::new(size));
        self.grids.extend(grids);
        Some(self.grids)
    }
}

/// The page's first item, top down, is a line outside the tables that is a title by its words
/// alone, and on the page.
fn opens_with_title(g: &PageGeom) -> bool {
    let first_frame = g.frames.iter().map(|f| f.y0).min_by(f64::total_cmp);
    let first_line = g.outside.iter().min_by(|a, b| a.top().total_cmp(&b.top()));
    let Some(line) = first_line else {
        return false;
    };
    // Frames sort before lines at the same height.
    first_frame.is_none_or(|y| line.top() < y)
        && is_title_by_text(line)
        && line.mid_y() >= 0.0
        && line.mid_y() <= g.page.height
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_counts_is_the_sorted_middle() {
        let mut m = BTreeMap::new();
        for s in [10.0f64, 12.0, 10.0, 9.0, 18.0] {
            *m.entry(s.to_bits()).or_default() += 1;
        }
        let mut v = [10.0, 12.0, 10.0, 9.0, 18.0];
        v.sort_by(f64::total_cmp);
        assert_eq!(median(&m), Some(v[v.len() / 2]));
        assert_eq!(median(&BTreeMap::new()), None);
    }

    use crate::ingest::pdf::glyphs::{Glyph, Rule};

    /// A page with a title at the top, a line of `note` size under it and a 2 x 2 ruled table
    /// of text of `size`.
    fn page(number: u32, title: &str, size: f64, note: f64) -> PageContent {
        let mut glyphs = Vec::new();
        let mut text = |t: &str, x: f64, base: f64, size: f64| {
            for (i, ch) in t.chars().enumerate() {
                let x0 = x + i as f64 * size;
                glyphs.push(Glyph::new(ch, x0, x0 + size, base, size));
            }
        };
        text(title, 100.0, 60.0, 16.0);
        for (r, base) in [(0, 125.0), (1, 155.0)] {
            for (c, x) in [(0, 110.0), (1, 310.0)] {
                text(&format!("格{r}{c}"), x, base, size);
            }
        }
        text("说明文字", 100.0, 85.0, note);
        let mut rules = Vec::new();
        for y in [100.0, 130.0, 160.0] {
            rules.push(Rule::h(y, 100.0, 500.0));
        }
        for x in [100.0, 300.0, 500.0] {
            rules.push(Rule::v(x, 100.0, 160.0));
        }
        PageContent {
            number,
            width: 600.0,
            height: 800.0,
            glyphs,
            rules,
            problem: None,
        }
    }

    #[test]
    fn windows_read_early_give_the_whole_reading_or_say_they_do_not() {
        // Body text 10 everywhere: the note of 11 is body text in every window.
        let pages = [
            page(1, "甲目标表", 10.0, 11.0),
            page(2, "乙目标表", 10.0, 11.0),
        ];
        let mut flow = Flow::default();
        pages.iter().cloned().for_each(|p| flow.push(p));
        let whole = super::super::grids_from_pages(&pages);
        assert_eq!(whole.len(), 2);
        assert_eq!(flow.finish(), Some(whole));
        // The first window is read with body 10 (its title of 16 is large: it might wrap onto
        // the line under it), but the document's body is 20 (the title is not large): the
        // flow says to read it whole.
        let pages = [
            page(1, "甲目标表", 10.0, 13.0),
            page(2, "乙目标表", 10.0, 13.0),
            page(3, "丙目标表", 20.0, 13.0),
            page(4, "丁目标表", 20.0, 13.0),
        ];
        let mut flow = Flow::default();
        pages.iter().cloned().for_each(|p| flow.push(p));
        assert_eq!(flow.finish(), None);
    }

    #[test]
    fn decisions_are_checked_against_another_body_size() {
        let b = Body::new(10.0);
        assert!(b.is_large(14.0));
        assert!(!b.is_large(11.0));
        assert!(b.holds_for(10.5));
        assert!(!b.holds_for(9.0));
        assert!(!b.holds_for(12.0));
    }
}
