//! The funds block of the `表格` sheet: its columns (path levels, detail texts, amounts), a
//! row per item with the levels it does not share with the item above, group labels merged
//! down as the reader fills them down again.

use super::{Plan, Put, Style, text};
use crate::model::{FundItem, Table, TableKind};
use crate::write::tidy::Value;

/// Columns of the funds block: col 0 the block label, then one column per path level, the
/// detail texts (主要内容), then the amount columns.
pub(super) struct FundsLayout {
    pub(super) depth: usize,
    pub(super) details: Vec<String>,
    pub(super) columns: Vec<String>,
}

impl FundsLayout {
    pub(super) fn of(items: &[FundItem]) -> FundsLayout {
        let depth = items.iter().map(|i| i.path.len()).max().unwrap_or(1).max(1);
        let mut details: Vec<String> = Vec::new();
        let mut columns: Vec<String> = Vec::new();
        for it in items {
            for d in &it.details {
                if !details.contains(&d.label) {
                    details.push(d.label.clone());
                }
            }
            // Keep every item's own column order: a new column goes before the next column
            // of the same item that is already placed.
            for (i, v) in it.values.iter().enumerate() {
                if columns.contains(&v.column) {
                    continue;
                }
                let before = it.values[i + 1..]
                    .iter()
                    .find_map(|n| columns.iter().position(|c| c == &n.column));
                match before {
                    Some(p) => columns.insert(p, v.column.clone()),
                    None => columns.push(v.column.clone()),
                }
            }
        }
        FundsLayout {
            depth,
            details,
            columns,
        }
    }

    /// The first column of the detail texts.
    fn detail_col(&self) -> u16 {
        1 + self.depth as u16
    }

    /// The first amount column.
    fn amount_col(&self) -> u16 {
        self.detail_col() + self.details.len() as u16
    }
}

/// The funds block: its label down column 0, a header row naming the columns, then one row
/// per item with its path's new levels, details and amounts; group labels merged down.
pub(super) fn draw_funds(plan: &mut Plan, t: &Table) {
    let items = &t.funds.items;
    let lay = FundsLayout::of(items);
    let first_row = plan.row;
    draw_header(plan, &lay);
    let start = plan.puts.len();
    // Rows written per item: the first path level written on each.
    let mut written: Vec<usize> = Vec::new();
    for (k, it) in items.iter().enumerate() {
        let common = first_written(items, k);
        draw_item(plan, &lay, it, common);
        written.push(common);
        plan.row += 1;
    }
    let last_row = plan.row.saturating_sub(1);
    plan.boxes.push((
        first_row,
        last_row,
        lay.amount_col() + lay.columns.len().max(1) as u16 - 1,
    ));
    let first_item_row = last_row + 1 - items.len() as u32;
    span_leaves(&mut plan.puts[start..], items, first_item_row, &lay);
    // Merge each group label down over the rows of its group.
    let detail_col = lay.detail_col();
    merge_down(
        &mut plan.puts[start..],
        |p| p.col >= 1 && p.col < detail_col && p.style == Style::Cell && p.last_col == p.col,
        |r| {
            let i = (r - first_item_row) as usize;
            items.get(i).map(|it| (written[i], it.path.len()))
        },
    );
    plan.puts.push(Put {
        row: first_row,
        col: 0,
        last_row: last_row.max(first_row),
        last_col: 0,
        value: Value::Text(block_label(t, &lay)),
        style: Style::Label,
    });
}

/// The label of the funds block, down its column 0.
fn block_label(t: &Table, lay: &FundsLayout) -> String {
    let unit = t.funds.unit.as_deref().unwrap_or("万元");
    if !lay.details.is_empty() {
        "年度主要任务".to_string()
    } else if t.kind == TableKind::Project {
        format!("项目资金（{unit}）")
    } else {
        format!("部门整体资金（{unit}）")
    }
}

/// The header row names the amount columns (and the text columns of a task table); the
/// reader takes the columns from it.
fn draw_header(plan: &mut Plan, lay: &FundsLayout) {
    if lay.columns.is_empty() {
        return;
    }
    let (detail_col, amount_col) = (lay.detail_col(), lay.amount_col());
    if !lay.details.is_empty() {
        plan.put_span(1, detail_col - 1, text("任务名称"), Style::Header);
        for (k, d) in lay.details.iter().enumerate() {
            plan.put(detail_col + k as u16, text(d), Style::Header);
        }
    }
    for (k, c) in lay.columns.iter().enumerate() {
        plan.put(amount_col + k as u16, text(c), Style::Header);
    }
    plan.row += 1;
}

/// The first path level item `k` writes: the levels it shares with the item above are left to
/// that item's merged labels.
fn first_written(items: &[FundItem], k: usize) -> usize {
    let it = &items[k];
    let n = it.path.len();
    let mut common = k
        .checked_sub(1)
        .map(|p| {
            items[p]
                .path
                .iter()
                .zip(&it.path)
                .take_while(|(a, b)| a == b)
                .count()
        })
        .unwrap_or(0)
        .min(n.saturating_sub(1));
    // After an item with parts (项目支出 and its projects), a sibling of that item would
    // read as one more part: write its parent again to close the group.
    if common > 0
        && items[..k].iter().any(|e| {
            e.path.len() == common + 1
                && e.path[..common] == it.path[..common]
                && items
                    .iter()
                    .any(|c| c.path.len() > e.path.len() && c.path.starts_with(&e.path))
        })
    {
        common -= 1;
    }
    common
}

/// One item's row: its path levels from `common`, its details and its amounts.
fn draw_item(plan: &mut Plan, lay: &FundsLayout, it: &FundItem, common: usize) {
    let (detail_col, amount_col) = (lay.detail_col(), lay.amount_col());
    for (d, l) in it.path.iter().enumerate().skip(common) {
        plan.put(1 + d as u16, text(l), Style::Cell);
    }
    for (k, d) in lay.details.iter().enumerate() {
        if let Some(f) = it.details.iter().find(|f| &f.label == d) {
            plan.put(detail_col + k as u16, text(&f.text), Style::Text);
        }
    }
    for v in &it.values {
        if let Some(p) = lay.columns.iter().position(|c| c == &v.column) {
            // Two decimals where that shows the amount exactly (1,212.54), else General,
            // so the number read back is the number written.
            let exact2 = format!("{:.2}", v.amount).parse::<f64>().ok() == Some(v.amount);
            let style = if exact2 {
                Style::Amount2
            } else {
                Style::Amount
            };
            plan.put(amount_col + p as u16, Value::Num(v.amount), style);
        }
    }
}

/// A leaf with no parts below it spans the label columns to its right, as the forms draw it.
fn span_leaves(puts: &mut [Put], items: &[FundItem], first_item_row: u32, lay: &FundsLayout) {
    for (k, it) in items.iter().enumerate() {
        let has_parts = items[k + 1..]
            .first()
            .is_some_and(|n| n.path.len() > it.path.len() && n.path.starts_with(&it.path));
        let row = first_item_row + k as u32;
        let leaf_col = it.path.len() as u16;
        if !has_parts
            && let Some(p) = puts
                .iter_mut()
                .find(|p| p.row == row && p.col == leaf_col && p.style == Style::Cell)
        {
            p.last_col = lay.detail_col() - 1;
        }
    }
}

/// Extend each label at level `col - 1` down while the rows below leave that level unwritten
/// and go deeper than it: those rows are its group. `row_info(r)` gives for row `r` the first
/// level written and the depth of its path.
fn merge_down(
    puts: &mut [Put],
    is_label: impl Fn(&Put) -> bool,
    row_info: impl Fn(u32) -> Option<(usize, usize)>,
) {
    for p in puts.iter_mut().filter(|p| is_label(p)) {
        let level = p.col as usize - 1;
        let mut r = p.row + 1;
        while let Some((first_written, depth)) = row_info(r) {
            if first_written <= level || depth <= level + 1 {
                break;
            }
            r += 1;
        }
        p.last_row = r - 1;
    }
}
