//! Markdown pipe tables and HTML `<table>`s, as document extractors (Docling, MinerU, Marker)
//! write them → one grid.
//!
//! Headings and paragraphs around the tables (the title, `2024年度`, `单位：万元`) become
//! single-cell rows, as the title lines of tab-separated text do. Several tables in one file are
//! usually one form cut at page breaks, so they go into one grid, each after the first marked
//! with `break_before`; the normalizer splits real separate tables by their headers. Markdown
//! has no merged cells (extractors leave the covered cells empty, or drop them); HTML keeps
//! them as rowspan/colspan, which become the cell's spans with its text in the top-left cell.

use crate::grid::{Cell, Grid, Method, ReaderWarning, Row, SourcePos};
use scraper::{ElementRef, Html, Node, Selector};

/// At most this many columns and rows are laid out for one HTML table: spans beyond them are
/// clipped, so a hostile `colspan="100000"` costs nothing.
const MAX_COLS: usize = 256;
const MAX_SPAN: usize = 1000;

/// Whether the text holds an HTML table (anywhere: a table after a megabyte of other markup is
/// still one). Linear: a case-blind search from each `<`.
pub fn looks_like_html(text: &str) -> bool {
    has_tag(text, b"table") && (has_tag(text, b"tr") || has_tag(text, b"td"))
}

/// Whether `<name` (any case) occurs in `text`.
fn has_tag(text: &str, name: &[u8]) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'<', b).any(|i| {
        b.get(i + 1..i + 1 + name.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(name))
    })
}

/// How deeply HTML elements may nest. Tables copied from documents nest a dozen levels; the
/// HTML parser's cost grows with depth (100,000 nested `<div>` took 19 s).
pub const MAX_HTML_DEPTH: usize = 512;

/// Elements with no end tag, and elements the parser closes by itself (an unclosed `<td>` or
/// `<p>` does not make the next one deeper): neither counts for the depth.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot",
    "option", "optgroup", "rb", "rt", "rp", "colgroup", "caption", "head", "body", "html",
];

/// The line where elements first nest deeper than `limit`, if they do: one pass over the tags
/// (comments, `<!…>`, `<?…>` and script or style bodies skipped).
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let at = i + p;
        let rest = &b[at..];
        if rest.starts_with(b"<!--") {
            i = memchr::memmem::find(rest, b"-->").map_or(b.len(), |e| at + e + 3);
            continue;
        }
        let end = memchr::memchr(b'>', rest).map_or(b.len(), |e| at + e + 1);
        let (closing, name) = tag_name(&rest[1..]);
        i = end;
        let Some(name) = name else { continue };
        if NOT_NESTING.contains(&name.as_str()) || b[..end].ends_with(b"/>") {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if name == "script" || name == "style" {
            let close = format!("</{name}");
            i = find_ci(b, end, close.as_bytes()).unwrap_or(b.len());
        } else {
            depth += 1;
            if depth > limit {
                return Some(1 + memchr::memchr_iter(b'\n', &b[..at]).count());
            }
        }
    }
    None
}

/// After a `<`: whether it closes, and the element name in lower case (`None` for `<!…>`,
/// `<?…>` or no name).
fn tag_name(b: &[u8]) -> (bool, Option<String>) {
    let (closing, b) = match b.first() {
        Some(b'/') => (true, &b[1..]),
        _ => (false, b),
    };
    let n = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
        .count();
    if n == 0 || !b[0].is_ascii_alphabetic() {
        return (closing, None);
    }
    (
        closing,
        Some(String::from_utf8_lossy(&b[..n]).to_ascii_lowercase()),
    )
}

/// The first `needle` (any case) in `b` from `from`.
fn find_ci(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memchr_iter(needle[0], &b[from..])
        .map(|p| from + p)
        .find(|&p| {
            b.get(p..p + needle.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        })
}

/// Whether the text holds a Markdown pipe table: a `| a | b |` line followed by a `|---|`
/// separator line.
pub fn looks_like_markdown(text: &str) -> bool {
    let mut prev_row = false;
    for l in text.lines().take(100_000) {
        if prev_row && is_separator(l) {
            return true;
        }
        prev_row = is_pipe_row(l);
    }
    false
}

fn is_pipe_row(l: &str) -> bool {
    let t = l.trim();
    t.starts_with('|') && t.len() > 1 && t[1..].contains('|')
}

fn is_separator(l: &str) -> bool {
    let t = l.trim().trim_matches('|');
    !t.is_empty()
        && t.split('|').all(|f| {
            let f = f.trim().trim_start_matches(':').trim_end_matches(':');
            f.len() >= 3 && f.chars().all(|c| c == '-')
        })
}

fn pos(line: usize) -> SourcePos {
    SourcePos {
        line: Some(u32::try_from(line).unwrap_or(u32::MAX)),
        ..SourcePos::default()
    }
}

/// A line break written as `<br>` (any case, with or without `/`) → `\n`.
fn br_to_newline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let tag: String = tail
            .chars()
            .take(6)
            .collect::<String>()
            .to_ascii_lowercase()
            .replace(' ', "");
        if tag.starts_with("<br>") || tag.starts_with("<br/>") {
            out.push('\n');
            rest = &tail[tail.find('>').map_or(tail.len(), |j| j + 1)..];
        } else {
            out.push('<');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The fields of a pipe row; `\|` is a literal bar.
fn pipe_fields(l: &str) -> Vec<String> {
    let t = l.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    let mut out = vec![String::new()];
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                if let Some(f) = out.last_mut() {
                    f.push('|');
                }
            }
            '|' => out.push(String::new()),
            _ => {
                if let Some(f) = out.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    out.into_iter()
        .map(|f| br_to_newline(f.trim()).trim().to_string())
        .collect()
}

/// A heading or paragraph line without its Markdown marks (`#`, `**`, `>`).
fn plain(l: &str) -> String {
    let t = l
        .trim()
        .trim_start_matches('#')
        .trim_start_matches('>')
        .trim();
    br_to_newline(t.trim_matches('*').trim())
}

fn text_row(text: String, line: usize) -> Row {
    Row {
        cells: vec![Some(Cell::new(text, pos(line)))],
        pos: pos(line),
        break_before: false,
    }
}

/// Markdown → one grid.
pub fn read_markdown(text: &str) -> Grid {
    let mut grid = Grid::new(Method::Markdown);
    let lines: Vec<&str> = text.lines().collect();
    let mut in_table = false;
    let mut tables = 0usize;
    for (i, l) in lines.iter().enumerate() {
        if in_table && is_pipe_row(l) {
            if is_separator(l) {
                continue;
            }
        } else if is_pipe_row(l) && lines.get(i + 1).is_some_and(|n| is_separator(n)) {
            in_table = true;
            tables += 1;
        } else {
            in_table = false;
            let t = plain(l);
            // Fences, rules and image lines carry no table text.
            if !t.is_empty() && !t.starts_with("```") && !t.starts_with("![") && !is_separator(l) {
                grid.rows.push(text_row(t, i + 1));
            }
            continue;
        }
        let cells: Vec<Option<Cell>> = pipe_fields(l)
            .into_iter()
            .take(MAX_COLS)
            .map(|f| (!f.is_empty()).then(|| Cell::new(f, pos(i + 1))))
            .collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        let first_of_later_table =
            tables > 1 && grid.rows.last().is_none_or(|r| r.cells.len() <= 1);
        grid.rows.push(Row {
            cells,
            pos: pos(i + 1),
            break_before: first_of_later_table,
        });
    }
    grid
}

/// A cell's text: `<br>` and block elements give line breaks, whitespace runs one space.
fn cell_text(el: ElementRef) -> String {
    let mut out = String::new();
    for node in el.descendants() {
        match node.value() {
            Node::Text(t) => {
                for (k, part) in t.split_whitespace().enumerate() {
                    let glue = k > 0 || t.starts_with(char::is_whitespace);
                    if glue && !out.is_empty() && !out.ends_with('\n') && !out.ends_with(' ') {
                        out.push(' ');
                    }
                    out.push_str(part);
                }
                if t.ends_with(char::is_whitespace) && !out.is_empty() && !out.ends_with('\n') {
                    out.push(' ');
                }
            }
            Node::Element(e) => {
                let block = matches!(e.name(), "br" | "p" | "div" | "li");
                if block && !out.is_empty() {
                    while out.ends_with(' ') {
                        out.pop();
                    }
                    if !out.ends_with('\n') || e.name() == "br" {
                        out.push('\n');
                    }
                }
            }
            _ => {}
        }
    }
    out.lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

fn inside_table(el: ElementRef) -> bool {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| a.value().name() == "table")
}

fn span_attr(el: ElementRef, name: &str) -> usize {
    el.value()
        .attr(name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_SPAN)
}

/// HTML → one grid.
pub fn read_html(text: &str) -> Grid {
    read_html_checked(text).0
}

/// `read_html`, with a `merge_ignored` warning for each cell whose colspan reaches far past its
/// table (more than twice its widest row, plus two): such a span, with a rowspan under it,
/// covered every column of the rows below and pushed their cells off the grid. The cell is
/// read unmerged.
pub fn read_html_checked(text: &str) -> (Grid, Vec<ReaderWarning>) {
    let mut warnings = Vec::new();
    let mut grid = Grid::new(Method::Html);
    let doc = Html::parse_document(text);
    let Ok(blocks) = Selector::parse("h1,h2,h3,h4,h5,h6,p,caption,table") else {
        return (grid, warnings);
    };
    let Ok(trs) = Selector::parse("tr") else {
        return (grid, warnings);
    };
    let mut tables = 0usize;
    for el in doc.select(&blocks) {
        let name = el.value().name();
        if name != "table" {
            if name == "caption" || !inside_table(el) {
                let t = cell_text(el);
                if !t.is_empty() {
                    grid.rows.push(text_row(t, 0));
                }
            }
            continue;
        }
        if inside_table(el) {
            continue;
        }
        tables += 1;
        read_table(el, &trs, tables, &mut grid, &mut warnings);
    }
    (grid, warnings)
}

/// The rows of the `tables`-th top-level table into the grid (the first after another table
/// marked as a break). Rowspans carry down: `covered` holds, per column, the rows a span from
/// above still covers.
fn read_table(
    el: ElementRef,
    trs: &Selector,
    tables: usize,
    grid: &mut Grid,
    warnings: &mut Vec<ReaderWarning>,
) {
    let widest = widest_row(el, trs);
    let mut first = true;
    let mut covered: Vec<usize> = Vec::new();
    for tr in el.select(trs) {
        // Rows of a nested table belong to that table's cell, not to this grid.
        if tr
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|a| a.value().name() == "table")
            .is_some_and(|t| t.id() != el.id())
        {
            continue;
        }
        let cells = row_cells(tr, &mut covered, widest, tables, warnings);
        for n in covered.iter_mut() {
            *n = n.saturating_sub(1);
        }
        if cells.iter().all(Option::is_none) {
            continue;
        }
        grid.rows.push(Row {
            cells,
            pos: SourcePos::default(),
            break_before: tables > 1 && std::mem::take(&mut first),
        });
    }
}

/// One row's cells, each at the first column no rowspan from above covers; a colspan far
/// wider than the table (`merge_ignored`) is read unmerged.
fn row_cells(
    tr: ElementRef,
    covered: &mut Vec<usize>,
    widest: usize,
    tables: usize,
    warnings: &mut Vec<ReaderWarning>,
) -> Vec<Option<Cell>> {
    let mut cells: Vec<Option<Cell>> = Vec::new();
    let mut c = 0usize;
    for td in tr.children().filter_map(ElementRef::wrap) {
        if !matches!(td.value().name(), "td" | "th") {
            continue;
        }
        while covered.get(c).is_some_and(|&n| n > 0) {
            c += 1;
        }
        if c >= MAX_COLS {
            break;
        }
        let mut rs = span_attr(td, "rowspan");
        let mut cs = span_attr(td, "colspan");
        if cs > 2 * widest + 2 {
            warnings.push(ReaderWarning {
                code: "merge_ignored".into(),
                message: format!(
                    "table {tables}: a cell spanning {cs} columns of a table at most \
                     {widest} cells wide ignored; it is read unmerged"
                ),
                pos: SourcePos::default(),
            });
            (rs, cs) = (1, 1);
        }
        let cs = cs.min(MAX_COLS - c);
        if covered.len() < c + cs {
            covered.resize(c + cs, 0);
        }
        covered[c..c + cs].fill(rs);
        let t = cell_text(td);
        if cells.len() < c + 1 {
            cells.resize(c + 1, None);
        }
        if !t.is_empty() {
            let mut cell = Cell::new(t, SourcePos::default());
            cell.row_span = u32::try_from(rs).unwrap_or(1);
            cell.col_span = u32::try_from(cs).unwrap_or(1);
            cells[c] = Some(cell);
        }
        c += cs;
    }
    cells
}

/// The most cells one row of `table` holds (its own rows, not a nested table's).
fn widest_row(table: ElementRef, trs: &Selector) -> usize {
    table
        .select(trs)
        .filter(|tr| {
            tr.ancestors()
                .filter_map(ElementRef::wrap)
                .find(|a| a.value().name() == "table")
                .is_some_and(|t| t.id() == table.id())
        })
        .map(|tr| {
            tr.children()
                .filter_map(ElementRef::wrap)
                .filter(|td| matches!(td.value().name(), "td" | "th"))
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_tables_headings_and_breaks() {
        let t = "# 某项目绩效目标表\n\n**2024年度**\n\n| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n|:---|---|---|---:|\n| 产出指标 | 数量指标 | 案件数<br>（含咨询） | ≥3200件 |\n|  |  | 合格率 \\| 抽查 | ≥95% |\n\n第 2 页\n\n| | 质量指标 | 归档率 | =100% |\n|---|---|---|---|\n";
        assert!(looks_like_markdown(t));
        assert!(!looks_like_html(t));
        let g = read_markdown(t);
        let texts: Vec<&str> = g.rows.iter().map(|r| r.text(0)).collect();
        assert_eq!(texts[0], "某项目绩效目标表");
        assert_eq!(texts[1], "2024年度");
        assert_eq!(g.rows[2].text(2), "三级指标");
        assert_eq!(g.rows[3].text(2), "案件数\n（含咨询）");
        assert_eq!(g.rows[4].text(2), "合格率 | 抽查");
        assert!(g.rows[4].cells[0].is_none());
        // the second table continues the first after a page break
        let last = g.rows.last().unwrap();
        assert_eq!(last.text(1), "质量指标");
        assert!(last.break_before);
        assert_eq!(g.extraction.method, crate::grid::Method::Markdown);
    }

    #[test]
    fn html_spans_breaks_entities() {
        let t = "<h1>标题</h1><p>单位：万元</p><table><tr><th rowspan=\"2\">产出指标</th><td colspan=\"2\">数量&amp;质量</td><td>a<br/>b</td></tr><tr><td>x</td><td>y</td><td>&lt;5%</td></tr></table>";
        assert!(looks_like_html(t));
        let g = read_html(t);
        assert_eq!(g.rows[0].text(0), "标题");
        assert_eq!(g.rows[1].text(0), "单位：万元");
        let r = &g.rows[2];
        assert_eq!(r.cells[0].as_ref().unwrap().row_span, 2);
        assert_eq!(r.text(1), "数量&质量");
        assert_eq!(r.cells[1].as_ref().unwrap().col_span, 2);
        assert_eq!(r.text(3), "a\nb");
        // the rowspan pushes the next row's cells right
        assert_eq!(g.rows[3].text(1), "x");
        assert_eq!(g.rows[3].text(3), "<5%");
    }

    #[test]
    fn nesting_is_counted_in_one_pass() {
        let deep = format!("{}<table><tr><td>x</td></tr></table>", "<div>".repeat(600));
        assert_eq!(too_deep(&deep, MAX_HTML_DEPTH), Some(1));
        assert!(looks_like_html(&deep));
        // Closed, void, self-closing and implicitly closed elements do not add up.
        let flat = format!(
            "{}{}<table>{}</table>",
            "<div><span>a</span></div>".repeat(1000),
            "<br><img src=x/><p>para".repeat(1000),
            "<tr><td>a<td>b".repeat(1000)
        );
        assert_eq!(too_deep(&flat, MAX_HTML_DEPTH), None);
        let script = format!(
            "<script>{}</script><!-- <div><div> -->",
            "<div>".repeat(900)
        );
        assert_eq!(too_deep(&script, MAX_HTML_DEPTH), None);
    }

    #[test]
    fn a_colspan_bomb_is_read_unmerged() {
        let t = "<table><tr><td colspan=\"99999\" rowspan=\"999\">绩效目标</td></tr>\
                 <tr><td>产出指标</td><td>数量指标</td><td>培训人次</td><td>≥500</td></tr>\
                 <tr><td>效益指标</td><td>社会效益</td><td>覆盖率</td><td>≥95%</td></tr></table>";
        let (g, w) = read_html_checked(t);
        assert_eq!(w.len(), 1);
        // The span as read (spans are clipped to MAX_SPAN first).
        assert!(
            w[0].message
                .contains("spanning 1000 columns of a table at most 4 cells wide"),
            "{}",
            w[0].message
        );
        assert_eq!(g.rows[1].text(0), "产出指标");
        assert_eq!(g.rows[2].text(3), "≥95%");
    }

    #[test]
    fn hostile_markup_is_bounded() {
        let t = "<table><tr><td colspan=\"999999999\" rowspan=\"99999\">a</td><td>b</td></tr><tr><td>c</td></tr></table>";
        let g = read_html(t);
        assert!(g.width() <= MAX_COLS);
        for t in ["|", "||\n|-|", "| a |\n|---|\n|", "<table", "<tr><td>x"] {
            let _ = read_markdown(t);
            let _ = read_html(t);
        }
    }
}
