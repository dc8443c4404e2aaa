//! Header rows wrapped over several lines of `pdftotext -layout` text, joined back onto the
//! header line before columns and rows are found. pdftotext prints a row's one-line cells on one
//! line and a wrapped cell's lines above and below it (LibreOffice centres each cell on its
//! row), so the pieces would otherwise be read as rows of their own (`半年指标` over
//! `一级指标 二级指标`, `值` under it). Split out of `stream.rs`, the alignment engine.

use super::runs::Run;
use super::stream::{Line, is_header, join_wrapped};

/// A header text that is whole: a header cell ends with the name of what its column holds.
fn complete_header(t: &str) -> bool {
    ["指标", "值", "工作", "单位", "性质", "权重", "内容"]
        .iter()
        .any(|e| t.ends_with(e))
}

/// A line that may hold pieces of a header row's wrapped texts: short texts with no digits and
/// no value marks.
fn header_piece_line(l: &Line) -> bool {
    !l.runs.is_empty()
        && !is_header(l)
        && l.runs.iter().all(|r| {
            r.text.chars().count() <= 6
                && !r.text.chars().any(|c| {
                    c.is_ascii_digit()
                        || matches!(
                            c,
                            '%' | '％' | '≥' | '≤' | '=' | '＝' | '<' | '>' | '＜' | '＞'
                        )
                })
        })
}

/// Whether two runs share some character positions (or touch).
pub fn overlaps(a: &Run, b: &Run) -> bool {
    a.x0 <= b.x1 && b.x0 <= a.x1
}

/// Join a header row wrapped over several lines into its header line. A narrow column wraps
/// its header text: pdftotext then puts the header's one-line texts on a line between the
/// wrapped texts' first and last pieces (`半年指标 全年指标` above `一级指标 二级指标 三级指标`,
/// `值 值` below), and the reader would take the pieces for rows. A line right above or below a
/// header line, on its page, is made of header pieces when every text on it is short, holds no
/// value, and lies over a piece on the other side of the header line, or under a header text
/// that is not whole (`三级指` over `标`). The pieces are joined top to bottom into one run
/// spanning them all, on the header line; their lines become blank.
pub fn join_wrapped_headers(lines: &mut [Line]) {
    for i in 0..lines.len() {
        if !is_header(&lines[i]) {
            continue;
        }
        let page = lines[i].page;
        let cand = |k: usize, lines: &[Line]| {
            lines
                .get(k)
                .is_some_and(|l| l.page == page && header_piece_line(l))
        };
        let above = i.checked_sub(1).filter(|&k| cand(k, lines));
        let below = Some(i + 1).filter(|&k| cand(k, lines));
        let pieces = |k: Option<usize>| k.map(|k| lines[k].runs.clone()).unwrap_or_default();
        let (up, down) = (pieces(above), pieces(below));
        let head = &lines[i].runs;
        let pairs = |r: &Run, other: &[Run]| {
            other.iter().any(|o| overlaps(r, o))
                || head
                    .iter()
                    .any(|h| overlaps(r, h) && !complete_header(&h.text))
        };
        let up_ok = !up.is_empty() && up.iter().all(|r| pairs(r, &down));
        let down_ok = !down.is_empty() && down.iter().all(|r| pairs(r, &up));
        if !up_ok && !down_ok {
            continue;
        }
        let up = if up_ok { up } else { Vec::new() };
        let down = if down_ok { down } else { Vec::new() };
        // Groups of overlapping pieces, in line order within each group.
        // A whole header text on the header line takes no piece (`一级指标`).
        let mut groups: Vec<(Run, bool)> = Vec::new();
        let n_up = up.len();
        for (k, r) in up.iter().chain(head.iter()).chain(down.iter()).enumerate() {
            let on_head = k >= n_up && k < n_up + head.len();
            let whole = on_head && complete_header(&r.text);
            let hit = groups
                .iter()
                .position(|(g, w)| overlaps(g, r) && !*w && !whole);
            match hit {
                Some(g) => {
                    let g = &mut groups[g].0;
                    join_wrapped(&mut g.text, &r.text);
                    g.x0 = g.x0.min(r.x0);
                    g.x1 = g.x1.max(r.x1);
                }
                None => groups.push((r.clone(), whole)),
            }
        }
        let mut groups: Vec<Run> = groups.into_iter().map(|(g, _)| g).collect();
        groups.sort_by_key(|g| g.x0);
        lines[i].runs = groups;
        for k in [above.filter(|_| up_ok), below.filter(|_| down_ok)]
            .into_iter()
            .flatten()
        {
            lines[k].runs.clear();
        }
    }
}

/// Whether a text may be a column header: not a target value (no sign, no percent) and not a
/// bare number.
fn header_like(t: &str) -> bool {
    let value_mark = t.chars().any(|c| {
        matches!(
            c,
            '%' | '％' | '≥' | '≤' | '=' | '＝' | '<' | '>' | '＜' | '＞'
        )
    });
    let number = t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-'));
    !value_mark && !number
}

/// Two-row indicator headers: a header cell spanning two columns on the upper header row
/// (`指标值`) over two sub-headers (`2021年实际实现值 预期2022年实现值`), beside header cells
/// spanning both rows. LibreOffice centres each cell on its rows, so the spanning text stands on
/// the line above the header line and the sub-headers on the line below, both clear of the
/// header line's texts. The spanning texts join the header line (as the workbook's upper header
/// row holds them); the sub-header line is returned, by index, to be read as a second header
/// row rather than as data.
pub fn two_row_headers(lines: &mut [Line]) -> Vec<usize> {
    let mut subs = Vec::new();
    for i in 1..lines.len().saturating_sub(1) {
        if !is_header(&lines[i]) {
            continue;
        }
        let (above, below) = (&lines[i - 1], &lines[i + 1]);
        let head = &lines[i].runs;
        let same_page = above.page == lines[i].page && below.page == lines[i].page;
        let clear = |r: &Run| !head.iter().any(|h| overlaps(r, h));
        // Each sub-header under the spanning text nearest its centre; a spanning text is
        // centred over its sub-headers (two or more), which lie clear of the header line.
        let owner = |b: &Run| {
            above
                .runs
                .iter()
                .enumerate()
                .min_by(|x, y| {
                    (x.1.center() - b.center())
                        .abs()
                        .total_cmp(&(y.1.center() - b.center()).abs())
                })
                .map(|(k, _)| k)
        };
        let spans = !above.runs.is_empty()
            && !is_header(above)
            && above.runs.iter().enumerate().all(|(k, r)| {
                let under: Vec<&Run> = below.runs.iter().filter(|b| owner(b) == Some(k)).collect();
                let lo = under.iter().map(|b| b.x0).min().unwrap_or(usize::MAX);
                let hi = under.iter().map(|b| b.x1).max().unwrap_or(0);
                clear(r)
                    && header_like(&r.text)
                    && under.len() >= 2
                    && (lo as f64) <= r.center()
                    && r.center() <= hi as f64
            });
        let subs_ok = below.runs.len() >= 2
            && !is_header(below)
            && below.runs.iter().all(|b| clear(b) && header_like(&b.text));
        if !(same_page && spans && subs_ok) {
            continue;
        }
        let mut runs = std::mem::take(&mut lines[i - 1].runs);
        runs.extend(lines[i].runs.iter().cloned());
        runs.sort_by_key(|r| r.x0);
        lines[i].runs = runs;
        subs.push(i + 1);
    }
    subs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::layout::stream::lines_of;

    #[test]
    fn a_header_over_two_sub_headers_is_a_second_header_row() {
        // real 01 (Hubei): 指标值 over 2021年实际实现值 | 预期2022年实现值
        let t = "                                                                  指标值\n            一级指标       二级指标                   三级指标                                指标标准或依据\n                                                         2021年实际实现值 预期2022年实现值\n                                 主体班培训人次                              280人次\n";
        let mut lines = lines_of(t);
        assert_eq!(two_row_headers(&mut lines), vec![2]);
        assert!(lines[0].runs.is_empty());
        let head: Vec<&str> = lines[1].runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            head,
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "指标值",
                "指标标准或依据"
            ]
        );
        // a value line under a header is data
        let t = "                            指标值\n 一级指标  二级指标  三级指标\n                      ≥95%  100%\n";
        let mut lines = lines_of(t);
        assert!(two_row_headers(&mut lines).is_empty());
        // a short spanning text between its sub-headers, touching neither (own workbook)
        let t = "                                               指标值\n        一级指标      二级指标       三级指标                              备注\n                                        上年实际值     本年目标值\n";
        let mut lines = lines_of(t);
        assert_eq!(two_row_headers(&mut lines), vec![2]);
    }
}
