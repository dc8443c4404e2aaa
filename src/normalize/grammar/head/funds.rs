//! A funds block in single-space text from a PDF: lines of an item and its amounts, with the
//! block label (`项目资金（万元）`, often wrapped: `项目资金（万` … `元）` around the middle
//! item) and section labels (`资金来源`, `资金用途`) printed centred beside the items they
//! cover. Items are given to the section they stand in the middle of, as indicator rows are
//! given to their names (`centred::partition`); a total (资金总额) stands above the sections.

use super::super::super::vocab;
use super::super::centred::partition;
use super::Head;
use crate::grid::{Cell, Row};

/// A block or section label, or an amount column's header, where it stands.
struct Mark {
    cell: Cell,
    pos: f64,
}

/// One item of the block: its label, its amounts, its line.
struct Item {
    label: Cell,
    amounts: Vec<Cell>,
    pos: f64,
}

fn words(h: &Head) -> Vec<Cell> {
    super::plain(h)
}

fn is_amount(c: &Cell) -> bool {
    super::is_amount(&c.text)
}

fn is_group(text: &str) -> bool {
    vocab::is_funds_block_label(text) || vocab::is_funds_section(text)
}

/// A label printed beside the items rather than one of them: the block's, a section's, or the
/// header of the amount column (`全年预算数`, merged down the items).
fn is_mark(text: &str) -> bool {
    is_group(text) || vocab::is_amount_header(text)
}

/// A short line of one word: a label or a piece of a wrapped one.
fn is_short(h: &Head) -> bool {
    let w = words(h);
    w.len() == 1 && w[0].text.chars().count() <= 12 && !w[0].text.ends_with(['。', '；', ';'])
}

/// Whether line `n` belongs to a funds block: amounts, or a block or section label first.
fn is_funds_line(h: &Head) -> bool {
    let w = words(h);
    w.iter().any(is_amount) || w.first().is_some_and(|c| is_group(&c.text))
}

/// The end of the funds block starting at `n` (`n` when none starts there): funds lines, and
/// short lines between them.
pub(super) fn run_end(heads: &[Head], n: usize) -> usize {
    if !heads.get(n).is_some_and(is_funds_line) || !words(&heads[n]).iter().any(is_amount) {
        return n;
    }
    let mut end = n;
    while end < heads.len() {
        let h = &heads[end];
        let next_is_funds = heads.get(end + 1).is_some_and(is_funds_line);
        if is_funds_line(h) || (is_short(h) && next_is_funds) {
            end += 1;
        } else {
            break;
        }
    }
    end
}

/// The rows of a funds block: `[block label, section, item, amounts…]`.
pub(super) fn rows(run: &[Head]) -> Vec<Row> {
    let lines: Vec<Vec<Cell>> = run.iter().map(words).collect();
    let (marks, items) = read_lines(&lines);
    let block = marks
        .iter()
        .find(|m| vocab::is_funds_block_label(&m.cell.text));
    let sections: Vec<&Mark> = marks
        .iter()
        .filter(|m| vocab::is_funds_section(&m.cell.text))
        .collect();
    let under = section_of_items(&items, &sections);
    let columns: Vec<&Mark> = marks
        .iter()
        .filter(|m| vocab::is_amount_header(&m.cell.text))
        .collect();
    let mut out = Vec::new();
    let mut block = block.map(|m| m.cell.clone());
    if !columns.is_empty() {
        // The amount columns' header as the block's first row, as a workbook has it.
        let mut cells = vec![block.take(), None];
        if !sections.is_empty() {
            cells.push(None);
        }
        cells.extend(columns.iter().map(|m| Some(m.cell.clone())));
        out.push(Row::from_cells(cells));
    }
    for (k, it) in items.into_iter().enumerate() {
        let mut cells: Vec<Option<Cell>> = vec![if k == 0 { block.take() } else { None }];
        if !sections.is_empty() {
            cells.push(under[k].map(|s| sections[s].cell.clone()));
        }
        cells.push(Some(it.label));
        cells.extend(it.amounts.into_iter().map(Some));
        out.push(Row::from_cells(cells));
    }
    out
}

/// Labels and items of the lines; pieces of a label wrapped around a line are joined.
fn read_lines(lines: &[Vec<Cell>]) -> (Vec<Mark>, Vec<Item>) {
    let piece = |n: usize| {
        lines
            .get(n)
            .filter(|w| w.len() == 1 && !is_mark(&w[0].text) && !is_amount(&w[0]))
            .map(|w| &w[0])
    };
    let mut marks = Vec::new();
    let mut items = Vec::new();
    let mut used = vec![false; lines.len()];
    let wraps = |n: usize| -> Option<Cell> {
        // The upper piece may read as a label already (`项目资金（万`); the whole one is longer.
        let a = lines.get(n).filter(|w| w.len() == 1 && !is_amount(&w[0]))?;
        let (a, b) = (&a[0], piece(n + 2)?);
        let mut c = a.clone();
        c.text.push_str(&b.text);
        is_group(&c.text).then_some(c)
    };
    for n in 0..lines.len() {
        // The upper piece of a label wrapped around the next line waits for that line.
        if used[n] || wraps(n).is_some() {
            continue;
        }
        if n > 0
            && !used[n - 1]
            && let Some(c) = wraps(n - 1)
        {
            used[n - 1] = true;
            used[n + 1] = true;
            marks.push(Mark {
                cell: c,
                pos: n as f64,
            });
        }
        used[n] = true;
        let (mut mark, mut rest): (Vec<Cell>, Vec<Cell>) =
            lines[n].iter().cloned().partition(|w| is_mark(&w.text));
        // `财政拨款 全年预算数 2361.00`: words that all read as column headers, then amounts —
        // the first is the item (财政拨款 heads a column elsewhere), the rest mark columns.
        if rest.first().is_some_and(is_amount)
            && let Some(k) = mark.iter().position(|w| !is_group(&w.text))
        {
            rest.insert(0, mark.remove(k));
        }
        marks.extend(mark.into_iter().map(|cell| Mark {
            cell,
            pos: n as f64,
        }));
        let k = rest.iter().position(is_amount).unwrap_or(rest.len());
        if let Some(label) = super::joined(&rest[..k]) {
            items.push(Item {
                label,
                amounts: rest[k..].to_vec(),
                pos: n as f64,
            });
        }
    }
    (marks, items)
}

/// The section each item stands under (`None`: a total, or no section), by where the section
/// labels stand.
fn section_of_items(items: &[Item], sections: &[&Mark]) -> Vec<Option<usize>> {
    let mut out = vec![None; items.len()];
    if sections.is_empty() {
        return out;
    }
    let parts: Vec<usize> = (0..items.len())
        .filter(|&k| !vocab::is_funds_total(&items[k].label.text))
        .collect();
    let units: Vec<(f64, f64)> = parts
        .iter()
        .map(|&k| (items[k].pos, items[k].pos))
        .collect();
    let pos: Vec<f64> = sections.iter().map(|m| m.pos).collect();
    if let Some(runs) = partition(&units, &pos, |_, _| 0.0) {
        for (s, (a, b)) in runs.into_iter().enumerate() {
            for &k in &parts[a..b] {
                out[k] = Some(s);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::rows as head_rows;
    use super::super::testing::{line, shown};

    #[test]
    fn sections_and_a_wrapped_block_label_stand_beside_their_items() {
        let text = [
            "资金总额 1196.00",
            "财政拨款 1196.00",
            "资金来源",
            "部门整体资金（万元） 其他资金",
            "基本支出 601.00",
            "资金用途",
            "项目支出 595.00",
        ];
        let rows = head_rows(text.iter().map(|l| line(l)).collect());
        assert_eq!(
            shown(&rows),
            vec![
                "部门整体资金（万元）||资金总额|1196.00",
                "|资金来源|财政拨款|1196.00",
                "|资金来源|其他资金",
                "|资金用途|基本支出|601.00",
                "|资金用途|项目支出|595.00",
            ]
        );
        let wrapped = [
            "年度资金总额 387.00",
            "项目资金（万",
            "其中：财政拨款 387.00",
            "元）",
            "其他资金 0.00",
        ];
        let rows = head_rows(wrapped.iter().map(|l| line(l)).collect());
        let first: Vec<&str> = rows[0]
            .cells
            .iter()
            .flatten()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(first, vec!["项目资金（万元）", "年度资金总额", "387.00"]);
        assert_eq!(rows.len(), 3);
    }
}
