//! Stream mode for `pdftotext -layout` text: lines of runs → columns → rows → a grid.
//!
//! The text has no ruling lines, so the table is rebuilt from alignment, as Camelot's and
//! tabula's stream modes do, plus what those lack for these forms: wrapped cells and merged
//! labels. The stages:
//! 1. lines → runs (`runs`), pages counted by form feeds, page footers dropped;
//! 2. the lines are cut into *segments*: a page, and within a page at each indicator header row
//!    (a row naming two or more `…指标` columns), since pdftotext places every page on its own
//!    character grid and each block of a form has its own columns;
//! 3. per segment, columns are clusters of the runs' left edges; the header's runs (centred over
//!    their columns) are mapped onto them;
//! 4. *leaf* columns (the ones with a new entry on nearly every row: 三级 and the values, the
//!    amounts) define the rows: a line with leaf text starts a row, unless it continues text that
//!    wrapped on the line above;
//! 5. the other columns hold labels. A merged label is drawn once, near the vertical centre of
//!    its merge, but the normalizer fills labels *down*: so in indicator segments each label
//!    column's rows are tiled into groups whose centres best match the labels' lines (a small
//!    dynamic programme), and each label is put in the first row of its group. Elsewhere (fields
//!    and funds) a label goes to the first row of the run of rows centred on it, nested in the
//!    groups of the labels left of it. Both are done once for all the pages of a block, on
//!    *virtual* lines (each page's first row following the previous page's last row), since
//!    LibreOffice centres a merged label on its whole merge as if the table did not break.

#[cfg(test)]
use super::columns::{clusters, merge_centred};
use super::pages::{ColumnPlaces, align, renumber};
use super::place::place_block;
use super::runs::{Run, split_runs};
pub use super::segment::join_wrapped;
use super::segment::{Kind, SegOut, SegRow, segment_rows};
pub use super::wrap::{join_wrapped_headers, two_row_headers};
use crate::grid::{Cell, Grid, Method, Row, SourcePos};
use crate::vocab;
use std::collections::BTreeMap;

/// A line of the text with its runs (none for a blank or dropped line).
#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based line number in the file.
    pub no: u32,
    /// 1-based page (form feeds + 1).
    pub page: u32,
    pub runs: Vec<Run>,
}

/// A page footer or page number standing alone on its line.
pub fn is_footer(runs: &[Run]) -> bool {
    let t: String = runs
        .iter()
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    runs.len() <= 3 && crate::vocab::is_page_number(&t)
}

const MAX_LINE_BYTES: usize = 1 << 16;
const MAX_RUNS: usize = 64;

/// Split text into lines with runs; footers are blanked.
pub fn lines_of(text: &str) -> Vec<Line> {
    let mut page = 1u32;
    let mut out = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let mut s = raw.strip_suffix('\r').unwrap_or(raw);
        // pdftotext puts the form feed at the start of the next page's first line.
        while let Some(rest) = s.strip_prefix('\u{c}') {
            page = page.saturating_add(1);
            s = rest;
        }
        let ff_inside = s.matches('\u{c}').count() as u32;
        // A table line is never this long or this fragmented: such lines are left out, which
        // also keeps the per-line work below linear.
        let mut runs = if s.len() > MAX_LINE_BYTES {
            Vec::new()
        } else {
            split_runs(s)
        };
        runs.truncate(MAX_RUNS);
        if is_footer(&runs) {
            runs.clear();
        }
        out.push(Line {
            no: u32::try_from(i + 1).unwrap_or(u32::MAX),
            page,
            runs,
        });
        page = page.saturating_add(ff_inside);
    }
    // A trailing form feed opens an empty page: nothing to keep.
    out
}

/// A header row of an indicator block: at least three runs, two of them naming `…指标`
/// columns (一级指标, 二级指标, 三级指标, 指标值, 指标性质), one of them a column name proper
/// (opening with 指标, or a level name `…级指标`), and no target value. A data row of dense
/// rows holds level names too (`效益指标  社会效益指标  效果良好`), but never a column name.
pub fn is_header(l: &Line) -> bool {
    l.runs.len() >= 3
        && l.runs.iter().filter(|r| r.text.contains("指标")).count() >= 2
        && l.runs
            .iter()
            .any(|r| r.text.starts_with("指标") || r.text.contains("级指标"))
        && !l.runs.iter().any(|r| value_like(&r.text))
}

/// A target value or a number: opens with a sign or a digit, or ends with a percent sign.
pub fn value_like(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || super::runs::is_op(c))
        || t.ends_with('%')
        || t.ends_with('％')
}

/// Whether line `i` ends the indicator block whose texts start at `left` or further right:
/// after a blank line, a line of several texts starting left of all of the block's texts is
/// no row of it (a sign-off footer `财政资金管理科室(盖章) 年 月 日` under the table). Its
/// texts would otherwise join the block's columns and pull them together.
fn ends_block(lines: &[Line], i: usize, left: usize) -> bool {
    let blank_before = i
        .checked_sub(1)
        .and_then(|k| lines.get(k))
        .is_some_and(|l| l.runs.is_empty());
    let l = &lines[i];
    blank_before && l.runs.len() >= 2 && l.runs.first().is_some_and(|r| r.x0 + 1 < left)
}

/// Whether line `i` opens a new table under an indicator block: a banner title alone on its
/// line (tables stacked on one page), or a short mark alone on its line right over such a
/// title (`表十二`, `附件3`). Its lines would otherwise be read as rows of the block above.
fn opens_table(lines: &[Line], i: usize) -> bool {
    let single = |k: usize| match lines.get(k).map(|l| l.runs.as_slice()) {
        Some([r]) => Some(r.text.as_str()),
        _ => None,
    };
    let title = |k: usize| single(k).is_some_and(vocab::is_title_text);
    title(i) || (single(i).is_some_and(|t| t.chars().count() <= 8) && title(i + 1))
}

/// Whether the columns found above an indicator block ran several fields together: a cell
/// holding two or more known field labels. Such a part is not laid out in columns (labels and
/// texts on one line, one space apart, each line its own field), and is read line by line.
fn mashed(out: &SegOut) -> bool {
    out.rows
        .iter()
        .flat_map(|r| r.cells.values())
        .any(|(t, _)| vocab::field_labels_within(t) >= 2)
}

/// One row per line, one cell per run, in order; a run opening with a known field label and a
/// space (`专项资金名称 潼南区五桂镇汇总项目库`) is that label's cell and the text's.
fn line_rows(lines: &[&Line]) -> SegOut {
    let mut rows = Vec::new();
    for l in lines.iter().filter(|l| !l.runs.is_empty()) {
        let mut cells = BTreeMap::new();
        for r in &l.runs {
            let texts = match vocab::label_then_text(&r.text) {
                Some((label, rest)) => vec![label, rest],
                None => vec![r.text.as_str()],
            };
            for t in texts {
                cells.insert(cells.len(), (t.to_string(), l.no));
            }
        }
        rows.push(SegRow {
            top: l.no,
            bottom: l.no,
            page: l.page,
            cells,
            empty_for: None,
        });
    }
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(1);
    SegOut {
        rows,
        labels: Vec::new(),
        head: None,
        sub: None,
        width,
        leaves: 1,
        places: Default::default(),
    }
}

/// Layout text → grids.
pub fn read(text: &str) -> Vec<Grid> {
    let mut lines = lines_of(text);
    // Two-row headers first: their spanning text would otherwise be taken for a wrapped
    // piece of the header line.
    let subs = two_row_headers(&mut lines);
    join_wrapped_headers(&mut lines);
    super::labels::join_labels_around_values(&mut lines);
    let mut grid = Grid::new(Method::Stream);
    let Some(body) = lines.iter().position(|l| l.runs.len() >= 2) else {
        return Vec::new();
    };
    banner_rows(&lines[..body], &mut grid);
    let (segs, tails) = segments(&lines, body);
    let mut blocks = Blocks::default();
    for (s, e, h) in segs {
        blocks.push(&lines, (s, e, h), tails.contains(&s), &subs);
    }
    let last_page = lines.first().map(|l| l.page).unwrap_or(1);
    emit(&mut grid, blocks.finish(), last_page);
    vec![grid]
}

/// Banner: the single texts above the table (title, year line, unit note), one row each.
fn banner_rows(lines: &[Line], grid: &mut Grid) {
    for l in lines {
        for r in &l.runs {
            let pos = SourcePos {
                line: Some(l.no),
                page: Some(l.page),
                ..Default::default()
            };
            grid.rows.push(Row {
                cells: vec![Some(Cell::new(r.text.clone(), pos.clone()))],
                pos,
                break_before: false,
            });
        }
    }
}

/// A segment: `[start, end)` line indices and its header line's index, if it has one.
type Span = (usize, usize, Option<usize>);

/// Cut the lines from `body` on into segments: at each new page, each indicator header, and
/// each line that ends the running indicator block (a footer under it, a table stacked under
/// it). Returns the segments and the starts of the segments after a block's end.
fn segments(lines: &[Line], body: usize) -> (Vec<Span>, Vec<usize>) {
    let mut segs: Vec<Span> = Vec::new();
    let mut start = body;
    // The leftmost text of the running indicator block, and the segments after its end.
    let mut block_left: Option<usize> = None;
    let mut tails: Vec<usize> = Vec::new();
    for i in body..lines.len() {
        let new_page = i > start && lines[i].page != lines[i - 1].page;
        let header = is_header(&lines[i]);
        let tail =
            !header && block_left.is_some_and(|x| ends_block(lines, i, x) || opens_table(lines, i));
        if i > start && (new_page || header || tail) {
            segs.push((start, i, None));
            start = i;
        }
        if tail {
            tails.push(i);
            block_left = None;
        }
        if header {
            block_left = Some(usize::MAX);
        }
        if let (Some(x), Some(r)) = (block_left.as_mut(), lines[i].runs.first()) {
            *x = (*x).min(r.x0);
        }
        if header {
            if let Some(last) = segs.last_mut().filter(|s| s.0 == i) {
                last.2 = Some(i);
            }
            start = i;
        }
    }
    segs.push((start, lines.len(), None));
    // Mark headers (a segment starting on a header line).
    for s in segs.iter_mut() {
        if lines.get(s.0).is_some_and(is_header) {
            s.2 = Some(s.0);
        }
    }
    (segs, tails)
}

/// The segments read so far, grouped into blocks (the part above the indicator blocks, each
/// indicator block from its header on), and what the running indicator block keeps for the
/// segments continuing it on later pages: its width and its number of leaf columns.
#[derive(Default)]
struct Blocks<'l> {
    in_block: bool,
    block_width: Option<usize>,
    block_leaves: Option<usize>,
    outs: Vec<SegOut>,
    block_starts: Vec<usize>,
    /// The lines of each segment above an indicator block, to read again line by line.
    upper: Vec<Option<Vec<&'l Line>>>,
    /// The columns of the first page of the part above the blocks running now.
    upper_places: Option<ColumnPlaces>,
}

impl<'l> Blocks<'l> {
    /// Read one segment and add it to its block.
    fn push(&mut self, lines: &'l [Line], (s, e, h): Span, tail: bool, subs: &[usize]) {
        let after_upper = self.upper.last().is_some_and(Option::is_some);
        if tail {
            self.in_block = false;
            self.block_starts.push(self.outs.len());
        }
        let kind = if h.is_some() {
            Kind::Header
        } else if self.in_block {
            Kind::Continued
        } else {
            Kind::Upper
        };
        let sub = h.map(|i| i + 1).filter(|i| subs.contains(i));
        let body_lines: Vec<&Line> = lines[s..e]
            .iter()
            .filter(|l| Some(l.no as usize - 1) != h && Some(l.no as usize - 1) != sub)
            .collect();
        let mut out = segment_rows(
            &body_lines,
            h.and_then(|i| lines.get(i)),
            sub.and_then(|i| lines.get(i)),
            kind,
            self.block_width,
            self.block_leaves,
        );
        self.upper.push((kind == Kind::Upper).then_some(body_lines));
        if kind == Kind::Upper {
            self.align_upper(&mut out, after_upper);
        }
        if h.is_some() {
            self.open_block(&out);
        } else if kind == Kind::Continued && self.block_leaves.is_none() {
            self.block_leaves = Some(out.leaves);
            self.widen(out.width);
        } else if self.outs.is_empty() {
            // The part above the indicator blocks is placed as one block too.
            self.block_starts.push(0);
        } else if kind == Kind::Continued {
            // A later page has a column the block's first page lacks: a merged label left of
            // every header text (绩效指标 over the whole indicator block) drawn on that page
            // only. The columns are right-aligned, so the pages before move right.
            self.widen(out.width);
        }
        self.outs.push(out);
    }

    /// The part above the blocks continued on a new page takes the columns of its first page
    /// (`pages`).
    fn align_upper(&mut self, out: &mut SegOut, after_upper: bool) {
        match &self.upper_places {
            Some(first) if after_upper => {
                let map = align(first, &out.places);
                renumber(out, &map);
            }
            _ => self.upper_places = Some(out.places.clone()),
        }
    }

    /// A header segment opens an indicator block.
    fn open_block(&mut self, out: &SegOut) {
        self.in_block = true;
        self.block_starts.push(self.outs.len());
        if out.rows.is_empty() {
            // A header at the foot of its page has no columns of its own: the next page tells
            // the leaf columns, and the header's texts stand right-aligned over its columns.
            let texts = out.head.as_ref().map_or(0, |r| r.cells.len());
            self.block_width = Some(texts.max(1));
            self.block_leaves = None;
        } else {
            self.block_width = Some(out.width);
            self.block_leaves = Some(out.leaves);
        }
    }

    /// A continuing segment wider than its block moves the block's segments so far right.
    fn widen(&mut self, width: usize) {
        if let (Some(w), Some(&b)) = (self.block_width, self.block_starts.last())
            && width > w
        {
            for o in self.outs.get_mut(b..).unwrap_or_default() {
                o.shift_right(width - w);
            }
            self.block_width = Some(width);
        }
    }

    /// Place each block's labels (a block runs from its header segment to the next header, or
    /// the end), and read again line by line the parts above the blocks whose columns ran
    /// several fields together.
    fn finish(mut self) -> Vec<SegOut> {
        let outs = &mut self.outs;
        self.block_starts.push(outs.len());
        for w in self.block_starts.windows(2) {
            let centred = outs.get(w[0]).is_some_and(|o| o.head.is_none());
            if let Some(block) = outs.get_mut(w[0]..w[1]) {
                place_block(block, centred);
            }
        }
        for (out, lines) in outs.iter_mut().zip(&self.upper) {
            if let Some(lines) = lines
                && mashed(out)
            {
                *out = line_rows(lines);
            }
        }
        self.outs
    }
}

/// The segments' rows into the grid, a page break marked on the first row of each new page,
/// and the grid's confidence: the share of rows with two or more cells.
fn emit(grid: &mut Grid, outs: Vec<SegOut>, mut last_page: u32) {
    let mut pending_break = false;
    let mut filled_rows = 0usize;
    let mut all_rows = 0usize;
    for out in outs {
        for r in out.head.into_iter().chain(out.sub).chain(out.rows) {
            let page_break = r.page != last_page;
            last_page = r.page;
            pending_break |= page_break;
            let row = grid_row(r, std::mem::take(&mut pending_break));
            all_rows += 1;
            if row.cells.iter().flatten().count() >= 2 {
                filled_rows += 1;
            }
            grid.rows.push(row);
        }
    }
    grid.extraction.confidence = if all_rows == 0 {
        0.0
    } else {
        (0.4 + 0.5 * filled_rows as f64 / all_rows as f64).min(0.95)
    };
}

/// One segment row as a grid row.
fn grid_row(r: SegRow, break_before: bool) -> Row {
    let pos = SourcePos {
        line: Some(r.top),
        page: Some(r.page),
        ..Default::default()
    };
    let ncol = r.cells.keys().next_back().map(|c| c + 1).unwrap_or(0);
    let mut cells: Vec<Option<Cell>> = vec![None; ncol];
    for (c, (t, line)) in r.cells {
        if let Some(slot) = cells.get_mut(c) {
            *slot = Some(Cell::new(
                t.trim(),
                SourcePos {
                    line: Some(line),
                    page: Some(r.page),
                    ..Default::default()
                },
            ));
        }
    }
    Row {
        cells,
        pos,
        break_before,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `LAYOUT_DUMP=file cargo test dump_layout -- --ignored --nocapture` prints a file's grid.
    #[test]
    #[ignore]
    fn dump_layout() {
        let Ok(p) = std::env::var("LAYOUT_DUMP") else {
            return;
        };
        let text = std::fs::read_to_string(p).unwrap_or_default();
        for g in read(&text) {
            for r in &g.rows {
                let cells: Vec<String> = r
                    .cells
                    .iter()
                    .map(|c| c.as_ref().map(|c| c.text.clone()).unwrap_or_default())
                    .collect();
                println!("{:>4} {}", r.pos.line.unwrap_or(0), cells.join(" | "));
            }
        }
    }
}

#[cfg(test)]
mod stage_tests {
    use super::*;

    const C01: &str = "         一级指标      二级指标               三级指标             指标值\n\n                          办理法律援助案件数                   ≥3200件\n\n                   数量指标   值班律师提供法律帮助人次               ≥4000人次\n\n                          法律咨询接待量                    ≥2.5万人次\n\n                          法律援助案件质量评估合格率                ≥95%\n         产出指标      质量指标\n                          法律援助案卷归档规范率                  =100%\n";

    #[test]
    fn columns_from_left_edges_and_centres() {
        let lines = lines_of(C01);
        let mut xs: Vec<usize> = lines
            .iter()
            .skip(1)
            .flat_map(|l| l.runs.iter().map(|r| r.x0))
            .collect();
        let cols = merge_centred(
            clusters(&mut xs),
            lines.iter().skip(1).flat_map(|l| l.runs.iter()),
        );
        let starts: Vec<usize> = cols.iter().map(|c| c.0).collect();
        assert_eq!(starts, vec![9, 19, 26, 53]);
    }

    #[test]
    fn merged_label_moves_to_the_top_of_its_group() {
        let g = read(C01);
        let rows: Vec<Vec<&str>> = g[0]
            .rows
            .iter()
            .map(|r| (0..4).map(|c| r.text(c)).collect())
            .collect();
        // header, then 5 rows; 产出指标 (drawn on line 10) goes to the first row, 数量指标
        // (line 5, centre of rows 3-7) to the first row, 质量指标 (line 10) to line 9's row.
        assert_eq!(rows.len(), 6);
        assert_eq!(
            rows[1],
            vec!["产出指标", "数量指标", "办理法律援助案件数", "≥3200件"]
        );
        assert_eq!(rows[4][1], "质量指标");
        assert_eq!(rows[5][1], "");
        assert_eq!(g[0].rows[1].pos.line, Some(3));
    }

    #[test]
    fn wrapped_leaf_text_joins_its_row_and_footers_drop() {
        let t = "一级指标   二级指标   三级指标   半年指标值   全年指标值\n\n                 万元地区生产总值用水量下降\n  产出     数量                            ≥3%     ≥5%\n                 率\n\n                 另一指标              =1   =2\n\n                 第 1 页，共 4 页\n\u{c}    下一页           x     y\n";
        let lines = lines_of(t);
        assert!(lines[8].runs.is_empty(), "footer dropped");
        assert_eq!(lines[9].page, 2);
        let g = read(t);
        let texts: Vec<String> = g[0].rows.iter().map(|r| r.text(2).to_string()).collect();
        assert!(
            texts.contains(&"万元地区生产总值用水量下降率".to_string()),
            "{texts:?}"
        );
    }

    #[test]
    fn header_wrapped_over_three_lines_is_one_row() {
        // a01 printed landscape: the value headers wrap around the header line.
        let t = "                                     半年指标 全年指标\n一级指标       二级指标            三级指标\n                                       值   值\n                         中长期规划制定健全\n                                      健全       健全\n                         性\n           计划制定\n                         年度工作计划完整性    完整       完整\n";
        let g = read(t);
        let texts = |r: &Row| -> Vec<String> {
            r.cells
                .iter()
                .map(|c| c.as_ref().map(|c| c.text.clone()).unwrap_or_default())
                .collect()
        };
        let head = texts(&g[0].rows[0]);
        assert_eq!(
            head.iter().filter(|t| !t.is_empty()).collect::<Vec<_>>(),
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "半年指标值",
                "全年指标值"
            ]
        );
        assert_eq!(
            g[0].rows.len(),
            3,
            "{:?}",
            g[0].rows.iter().map(texts).collect::<Vec<_>>()
        );
        let first = texts(&g[0].rows[1]);
        assert!(
            first.contains(&"中长期规划制定健全性".to_string()),
            "{first:?}"
        );
        assert!(!first.iter().any(|t| t.contains('值')), "{first:?}");
        // a data line next to a header line stays data
        let t = "一级指标   二级指标   三级指标   指标值\n 产出指标\n           数量指标   培训人次   ≥100\n";
        let lines = {
            let mut l = lines_of(t);
            join_wrapped_headers(&mut l);
            l
        };
        assert_eq!(lines[1].runs.len(), 1);
    }

    #[test]
    fn later_page_with_one_column_more_moves_the_first_page_right() {
        // c01 printed landscape: 绩效指标, merged left of the whole indicator block, is drawn
        // on the second page only; the pages are right-aligned, so 时效指标 stays a 二级 label.
        let t = "       一级指标   二级指标         三级指标        指标值\n\n                     办理法律援助案件数        ≥3200件\n\n              数量指标   值班律师提供法律帮助人次     ≥4000人次\n\n                     法律咨询接待量          ≥2.5万人次\n\n\n\n       产出指标\n\u{c}                     法律援助案件质量评估合格率    ≥95%\n       产出指标   质量指标\n                     法律援助案卷归档规范率     =100%\n\n                     法律援助申请审查办结时限    ≤7个工作日\n绩效指标\n              时效指标\n                     办案补贴发放            及时\n\n                                      ≤2500\n              成本指标   民事刑事案件平均办案补贴\n                                       元/件\n";
        let g = &read(t)[0];
        let col_of = |text: &str| {
            g.rows
                .iter()
                .find_map(|r| {
                    r.cells
                        .iter()
                        .position(|c| c.as_ref().is_some_and(|c| c.text == text))
                })
                .unwrap_or_else(|| panic!("no cell {text}"))
        };
        assert_eq!(col_of("时效指标"), col_of("二级指标"));
        assert_eq!(col_of("成本指标"), col_of("二级指标"));
        assert_eq!(col_of("数量指标"), col_of("二级指标"));
        assert_eq!(col_of("产出指标"), col_of("一级指标"));
        assert_eq!(col_of("办案补贴发放"), col_of("三级指标"));
        assert_eq!(col_of("≤7个工作日"), col_of("指标值"));
        assert_eq!(col_of("≥3200件"), col_of("指标值"));
        assert!(col_of("绩效指标") < col_of("一级指标"));
    }

    /// d01 printed landscape, first page of its indicator block: a narrow unit column wraps
    /// `万立方米` around its row's line.
    const D01_LAND: &str = "                           指标性             度量单\n一级指标 二级指标       三级指标               指标值\n                            质               位\n\n            清淤疏浚河道条数        ≥      14        条\n\n                                           万立方\n    数量指标 清淤土方量              ≥      38\n                                            米\n\n            清淤河道总长度         ≥      26.5     公里\n\n            河底高程验收达标率       ≥      95        %\n产出指标 质量指标\n            淤泥规范处置率   =     100      %\n";

    fn row_texts(g: &Grid) -> Vec<Vec<String>> {
        g.texts()
    }

    /// The row holding a cell whose text is `t`.
    fn row_with<'a>(rows: &'a [Vec<String>], t: &str) -> &'a Vec<String> {
        rows.iter()
            .find(|r| r.iter().any(|c| c == t))
            .unwrap_or_else(|| panic!("no row with {t}: {rows:?}"))
    }

    #[test]
    fn lone_pieces_of_the_rightmost_column_do_not_hide_the_leaf_columns() {
        // Lines holding only a wrapped unit piece used to count against 三级 and the values,
        // which were then placed as labels, one row off.
        let rows = row_texts(&read(D01_LAND)[0]);
        let with = |t: &str| row_with(&rows, t);
        assert!(
            with("清淤疏浚河道条数").contains(&"条".to_string()),
            "{rows:?}"
        );
        assert!(
            with("清淤河道总长度").contains(&"公里".to_string()),
            "{rows:?}"
        );
        assert!(
            with("淤泥规范处置率").contains(&"100".to_string()),
            "{rows:?}"
        );
    }

    #[test]
    fn a_centred_cell_wrapped_around_its_row_is_one_cell() {
        let rows = row_texts(&read(D01_LAND)[0]);
        let r = row_with(&rows, "清淤土方量");
        assert!(r.contains(&"万立方米".to_string()), "{rows:?}");
        // header + five indicator rows, no row for `米`
        assert_eq!(rows.len(), 6, "{rows:?}");
    }

    #[test]
    fn header_text_left_of_every_column_heads_an_empty_column() {
        // d02 printed landscape, its first page: the 一级 label is drawn on the next page, so
        // this page has no column under 一级指标; 数量指标 belongs under 二级指标.
        let t = "                                指标性           度量单\n一级指标 二级指标        三级指标                 指标值\n                                 质             位\n\n            新建百姓健身房              ≥    20       个\n\n\n                  第 1 页，共 3 页\n    数量指标\n";
        let rows = row_texts(&read(t)[0]);
        let col_of = |text: &str| {
            rows.iter()
                .find_map(|r| r.iter().position(|c| c == text))
                .unwrap_or_else(|| panic!("no cell {text}: {rows:?}"))
        };
        assert_eq!(col_of("一级指标"), 0, "{rows:?}");
        assert_eq!(col_of("数量指标"), col_of("二级指标"), "{rows:?}");
        assert_eq!(col_of("新建百姓健身房"), col_of("三级指标"), "{rows:?}");
        assert_eq!(col_of("≥"), col_of("指标性质"), "{rows:?}");
        assert_eq!(col_of("个"), col_of("度量单位"), "{rows:?}");
    }

    #[test]
    fn header_at_the_foot_of_a_page_takes_its_columns_from_the_next() {
        // b02 printed landscape: the header row is the last line of its page. Its segment has
        // no columns, so it must not fix the block's leaf columns (it made 三级 a label column
        // on the third page, one row off its values).
        let t = "一级指标 二级指标           三级指标          年度指标值\n\n\n                   第1页\n\u{c}           馆藏档案数字化加工页数   ≥300万页\n\n           接收进馆档案数量      ≥1.5万卷\n\n       数量指标 档案查阅利用接待人次   ≥6000人次\n\n           档案编研成果数量       ≥3项\n\n\n\n\n产出指标\n\n\n\n\n                 第2页\n\u{c}       数量指标\n\n\n\n\n               档案业务培训人次       100人次\n\n产出指标\n               数字化成果质检合格率      ≥99%\n       质量指标\n               库房温湿度达标率        ≥95%\n\n               档案查阅利用办结时限     ≤1个工作日\n\n       时效指标\n                              2023年12\n               数字化项目完成时间\n                               月底前\n\n\n       成本指标 单页档案数字化加工成本        ≤0.5元\n";
        let rows = row_texts(&read(t)[0]);
        let with = |t: &str| row_with(&rows, t);
        assert!(
            with("数字化项目完成时间").contains(&"2023年12月底前".to_string()),
            "{rows:?}"
        );
        assert!(
            with("单页档案数字化加工成本").contains(&"≤0.5元".to_string()),
            "{rows:?}"
        );
        assert!(
            with("馆藏档案数字化加工页数").contains(&"≥300万页".to_string()),
            "{rows:?}"
        );
        let head = with("一级指标");
        assert_eq!(
            head.iter().position(|c| c == "三级指标"),
            with("档案编研成果数量")
                .iter()
                .position(|c| c == "档案编研成果数量")
        );
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for t in [
            "",
            "\u{c}\u{c}",
            "a  b\n\u{c}c  d  指标  指标",
            "   \n  \t x",
            &"x  ".repeat(10000),
        ] {
            let _ = read(t);
        }
    }
}
