//! Stage 2 of the PDF reader: glyphs → text runs → lines. Pure geometry on `Glyph`s, so it is
//! tested without any PDF. A *line* is the glyphs sharing a baseline; a *run* is a piece of a
//! line without a wide gap (a gap of `split_gap` ems or more starts a new run: a new column).

use super::glyphs::{Glyph, is_wide};

/// Text on one baseline, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub x0: f64,
    pub x1: f64,
    pub base: f64,
    pub size: f64,
}

/// Runs on one baseline, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub runs: Vec<Run>,
    pub base: f64,
    pub size: f64,
}

impl Line {
    pub fn x0(&self) -> f64 {
        self.runs.first().map(|r| r.x0).unwrap_or(0.0)
    }
    pub fn x1(&self) -> f64 {
        self.runs.last().map(|r| r.x1).unwrap_or(0.0)
    }
    pub fn mid_y(&self) -> f64 {
        self.base - 0.35 * self.size
    }
    pub fn top(&self) -> f64 {
        self.base - 0.9 * self.size
    }
    /// The runs joined with one space per gap.
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.runs.iter().map(|r| r.text.as_str()).collect();
        parts.join(" ")
    }
}

/// Group glyphs into lines: sort by baseline, start a new line where the baseline jumps by more
/// than 0.4 of the font size, then sort each line by x. O(n log n).
pub fn lines(glyphs: &[&Glyph], split_gap: f64) -> Vec<Line> {
    let mut gs: Vec<&Glyph> = glyphs.to_vec();
    gs.sort_by(|a, b| a.base.total_cmp(&b.base));
    let mut groups: Vec<Vec<&Glyph>> = Vec::new();
    let mut cur_base = f64::NAN;
    for g in gs {
        let tol = 0.4 * g.size.max(1.0);
        match groups.last_mut() {
            Some(last) if (g.base - cur_base).abs() <= tol => last.push(g),
            _ => {
                groups.push(vec![g]);
                cur_base = g.base;
            }
        }
    }
    groups
        .into_iter()
        .flat_map(split_overprint)
        .map(|mut gl| {
            gl.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            line_from(&gl, split_gap)
        })
        .collect()
}

/// One baseline group → the lines it really holds. Text that overflows a short cell is drawn
/// over the text of the cell below, a fraction of a point off its baseline (LibreOffice centres
/// a wrapped `下达地方或/单位` in a row too short for it, and `单位` lands on `下达中央预`):
/// glyphs of two texts on top of each other are two lines, not one. The group is split into its
/// exact baselines, and baselines whose glyphs do not collide are put back together (a digit
/// sits a little lower than the CJK glyphs around it, and that is still one line).
fn split_overprint(group: Vec<&Glyph>) -> Vec<Vec<&Glyph>> {
    // `group` is sorted by baseline.
    let mut subs: Vec<Vec<&Glyph>> = Vec::new();
    let mut cur = f64::NAN;
    for g in group {
        match subs.last_mut() {
            Some(s) if (g.base - cur).abs() <= 0.05 * g.size.max(1.0) => s.push(g),
            _ => {
                subs.push(vec![g]);
                cur = g.base;
            }
        }
    }
    if subs.len() < 2 {
        return subs;
    }
    let mut out: Vec<Vec<&Glyph>> = Vec::new();
    for mut s in subs {
        s.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        // The nearest baseline first: `subs` come in baseline order.
        match out.iter_mut().rev().find(|o| !collide(o, &s)) {
            Some(o) => {
                o.extend(s);
                o.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            }
            None => out.push(s),
        }
    }
    out
}

/// Do two x-sorted glyph sets hold different glyphs on top of each other? The same glyph drawn
/// twice a hair apart is fake bold, not a collision.
fn collide(a: &[&Glyph], b: &[&Glyph]) -> bool {
    b.iter().any(|gb| {
        let from = a.partition_point(|ga| ga.x1 <= gb.x0);
        a[from..].iter().take_while(|ga| ga.x0 < gb.x1).any(|ga| {
            let overlap = ga.x1.min(gb.x1) - ga.x0.max(gb.x0);
            ga.ch != gb.ch && overlap > 0.3 * ga.size.min(gb.size).max(1.0)
        })
    })
}

fn line_from(gl: &[&Glyph], split_gap: f64) -> Line {
    let mut runs: Vec<Run> = Vec::new();
    let mut prev: Option<&Glyph> = None;
    for &g in gl {
        let size = g.size.max(1.0);
        match (prev, runs.last_mut()) {
            (Some(p), Some(run)) if g.x0 - p.x1 < split_gap * size => {
                let gap = g.x0 - p.x1;
                // Overlapping duplicates (fake bold: the same glyph drawn twice, offset a hair).
                if g.ch == p.ch && (g.x0 - p.x0).abs() < 0.3 * size {
                    continue;
                }
                if gap > 0.25 * size && !(is_wide(p.ch) && is_wide(g.ch)) {
                    run.text.push(' ');
                }
                run.text.push(g.ch);
                run.x1 = run.x1.max(g.x1);
            }
            _ => runs.push(Run {
                text: g.ch.to_string(),
                x0: g.x0,
                x1: g.x1,
                base: g.base,
                size,
            }),
        }
        prev = Some(g);
    }
    let n = gl.len().max(1) as f64;
    let base = gl.iter().map(|g| g.base).sum::<f64>() / n;
    let size = gl.iter().map(|g| g.size).fold(0.0, f64::max);
    Line { runs, base, size }
}

/// Join the lines of one cell: wrapped CJK text continues without a separator, Latin words
/// get a space back.
pub fn join_lines<S: AsRef<str>>(parts: &[S]) -> String {
    let mut out = String::new();
    for p in parts {
        let p = p.as_ref().trim();
        if p.is_empty() {
            continue;
        }
        if let (Some(a), Some(b)) = (out.chars().last(), p.chars().next())
            && !(is_wide(a) || is_wide(b))
        {
            out.push(' ');
        }
        out.push_str(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_glyphs(text: &str, x: f64, base: f64, size: f64) -> Vec<Glyph> {
        let mut v = Vec::new();
        let mut pen = x;
        for c in text.chars() {
            let w = if is_wide(c) { size } else { size / 2.0 };
            if c != ' ' {
                v.push(Glyph::new(c, pen, pen + w, base, size));
            }
            pen += w;
        }
        v
    }

    #[test]
    fn groups_lines_and_splits_runs_at_wide_gaps() {
        let mut g = text_glyphs("一级指标", 10.0, 100.0, 10.0);
        g.extend(text_glyphs("二级指标", 100.0, 100.5, 10.0));
        g.extend(text_glyphs("年度 target", 10.0, 115.0, 10.0));
        let refs: Vec<&Glyph> = g.iter().collect();
        let ls = lines(&refs, 1.5);
        assert_eq!(ls.len(), 2);
        assert_eq!(ls[0].runs.len(), 2);
        assert_eq!(ls[0].runs[0].text, "一级指标");
        assert_eq!(ls[0].runs[1].text, "二级指标");
        assert_eq!(ls[1].text(), "年度 target");
    }

    #[test]
    fn overprinted_texts_are_two_lines() {
        // Geometry of a LibreOffice PDF: `单位` (end of a wrapped label overflowing its row)
        // drawn 0.6 pt above `下达中央预`, the first line of the label of the row below.
        let mut g = text_glyphs("单位", 68.5, 158.1, 7.9);
        g.extend(text_glyphs("下达中央预", 56.7, 158.7, 7.9));
        // A digit a hair below the CJK baseline is the same line.
        g.extend(text_glyphs("1", 120.0, 159.2, 7.9));
        let refs: Vec<&Glyph> = g.iter().collect();
        let ls = lines(&refs, f64::INFINITY);
        let texts: Vec<String> = ls.iter().map(|l| l.text()).collect();
        assert_eq!(texts, ["单位", "下达中央预 1"]);
    }

    #[test]
    fn joins_wrapped_cjk_without_separator_and_latin_with_space() {
        assert_eq!(
            join_lines(&["负责全市水资源", "统一监督管理"]),
            "负责全市水资源统一监督管理"
        );
        assert_eq!(join_lines(&["water", "supply"]), "water supply");
        assert_eq!(join_lines(&["≥95", "%"]), "≥95 %");
        assert_eq!(join_lines(&["取水许可，", "abc"]), "取水许可，abc");
    }
}
