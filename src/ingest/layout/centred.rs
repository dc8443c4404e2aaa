//! Cells merged down over several rows of a funds block, above the indicator blocks. A
//! spreadsheet draws such a cell's text once, at the vertical centre of its merge, so in the
//! text it stands on a line among the rows it spans, not on their first row, where the
//! normalizer (which fills merged cells down) needs it:
//! * a group label in a column the rows' own labels also use (`财政拨款` merged down beside
//!   `小计` … `财政专户管理资金`, in the column of `资金总额` and `国有资本金`) stands alone on
//!   its line, left of the texts of the lines above and below it. It would otherwise fill the
//!   empty cell of the row above; it is made a label, placed like the others on the first row
//!   of the run of rows centred on it (`place::centred_starts`);
//! * an amount column's name merged down left of the amounts (`全年预算数` beside the
//!   收入 rows, which have no header row of their own) is moved to the first row of the run of
//!   rows, up to the next header row, centred on it: there it names the amounts beside it, as
//!   in the workbook.

use super::runs::Run;
use super::segment::{Kind, SegRow};
use super::stream::{Line, value_like};
use crate::vocab;

/// The (line, left edge) of each text that is a group label centred among the rows it
/// groups: alone on its line, between two lines of two or more texts that all start right of
/// its end. Above the indicator blocks only, and only texts `in_rows` would put in rows.
pub(super) fn group_labels(
    lines: &[&Line],
    kind: Kind,
    in_rows: impl Fn(&Run) -> bool,
) -> Vec<(u32, usize)> {
    if kind != Kind::Upper {
        return Vec::new();
    }
    let right_of = |k: Option<usize>, r: &Run| {
        k.and_then(|k| lines.get(k))
            .is_some_and(|l| l.runs.len() >= 2 && l.runs.iter().all(|x| x.x0 >= r.x1 + 2))
    };
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let [r] = l.runs.as_slice() else { continue };
        let plain = !value_like(&r.text)
            && !vocab::is_amount_header(&r.text)
            && vocab::field_label(&r.text).is_none();
        if plain && in_rows(r) && right_of(i.checked_sub(1), r) && right_of(Some(i + 1), r) {
            out.push((l.no, r.x0));
        }
    }
    out
}

/// Move each amount header merged down over its rows to the first of them (see the module
/// comment). Its merge spans the rows around it up to the header rows above and below, and
/// no further than a row with a text running across it (a field's paragraph). A header
/// qualifies when it is the only one on its row, no amount stands in its column in that span,
/// and amounts stand right of it.
pub(super) fn lift_headers(rows: &mut [SegRow], lines: &[&Line]) {
    let is_header = |r: &SegRow| r.cells.values().any(|(t, _)| vocab::is_amount_header(t));
    for k in 0..rows.len() {
        let headers: Vec<usize> = rows[k]
            .cells
            .iter()
            .filter(|(_, (t, _))| vocab::is_amount_header(t))
            .map(|(&c, _)| c)
            .collect();
        let [c] = headers.as_slice() else { continue };
        let c = *c;
        let Some((line, text)) = rows[k].cells.get(&c).map(|x| (x.1, x.0.clone())) else {
            continue;
        };
        let Some(head) = lines
            .iter()
            .filter(|l| l.no == line)
            .flat_map(|l| l.runs.iter())
            .find(|r| r.text == text)
        else {
            continue;
        };
        // A text of the row's lines running across the header (not the header itself).
        let across = |r: &SegRow| {
            lines
                .iter()
                .filter(|l| r.top <= l.no && l.no <= r.bottom)
                .flat_map(|l| l.runs.iter())
                .any(|x| {
                    !std::ptr::eq(x, head)
                        && x.x0 < head.x1
                        && head.x0 < x.x1
                        && !is_amount(&x.text)
                })
        };
        let stop = |r: &SegRow| is_header(r) || across(r);
        // The rows it may head: from the header row above to the next one.
        let lo = rows[..k].iter().rposition(stop).map_or(0, |p| p + 1);
        let hi = rows[k + 1..]
            .iter()
            .position(stop)
            .map_or(rows.len(), |p| k + 1 + p);
        let part = &rows[lo..hi];
        let amount = |r: &SegRow, right: bool| {
            r.cells
                .iter()
                .any(|(&x, (t, _))| (if right { x > c } else { x == c }) && is_amount(t))
        };
        if part.iter().any(|r| amount(r, false)) || !part.iter().any(|r| amount(r, true)) {
            continue;
        }
        // Its merge ends with the part; it starts where the run is centred on the header.
        let bottom = part.last().map_or(line, |r| r.bottom);
        let Some(top) = (2 * line).checked_sub(bottom) else {
            continue;
        };
        let Some(s) = (lo..=k)
            .filter(|&s| rows[s].top.abs_diff(top) <= 2 && !rows[s].cells.contains_key(&c))
            .min_by_key(|&s| rows[s].top.abs_diff(top))
        else {
            continue;
        };
        if s < k
            && let Some(cell) = rows[k].cells.remove(&c)
        {
            rows[s].cells.insert(c, cell);
        }
    }
}

/// A plain amount (`3729.68`, `0`, `1,246.8`).
fn is_amount(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-'))
}

#[cfg(test)]
mod tests {
    use super::super::stream::read;

    /// a01 (pdftotext -layout of the workbook): in its funds block 财政拨款 is merged down
    /// over 小计 … 财政专户管理资金 and 全年预算数 over the 收入 rows, both drawn at their
    /// merges' centres.
    const A01: &str = include_str!("../../../samples/a01_zhenjiang_shuiwu_2026.layout.txt");

    fn rows() -> Vec<Vec<String>> {
        read(A01)[0].texts()
    }

    fn row_with(rows: &[Vec<String>], t: &str) -> Vec<String> {
        rows.iter()
            .find(|r| r.iter().any(|c| c == t))
            .cloned()
            .unwrap_or_else(|| panic!("no row with {t}: {rows:?}"))
    }

    #[test]
    fn a_group_label_goes_to_the_first_row_of_its_merge() {
        let rows = rows();
        let r = row_with(&rows, "小计");
        assert!(r.contains(&"财政拨款".to_string()), "{rows:?}");
        let r = row_with(&rows, "一般公共预算资金");
        assert!(!r.contains(&"财政拨款".to_string()), "{rows:?}");
    }

    #[test]
    fn an_amount_header_merged_down_names_the_first_row() {
        let rows = rows();
        let r = row_with(&rows, "资金总额");
        assert!(r.contains(&"全年预算数".to_string()), "{rows:?}");
        let r = row_with(&rows, "财政专户管理资金");
        assert!(!r.contains(&"全年预算数".to_string()), "{rows:?}");
    }
}
