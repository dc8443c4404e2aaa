//! The funds block (部门整体资金（万元）, 项目资金（万元）, 年度主要任务) → a tree of items with amounts
//! per column, and the reconciliation of its sums.
//!
//! Amount columns come from the block's own header rows (全年预算数 | 半年计划执行数, or a
//! vertical header cell left of the amount); a form with no header over its amounts gets the
//! conventional column `金额`. A row whose amounts sit off the known amount columns was shifted:
//! the whole row, labels included, moves back by the same number of columns.

use super::canon::{canonical, key};
use super::diag::Diags;
use super::vocab;
use crate::grid::{Row, SourcePos};
use crate::model::{Amount, Field, FundItem, Severity};

/// The conventional column name where a form has no header over its amounts.
pub const NO_HEADER_COLUMN: &str = "金额";

/// Parse an amount as written (`1,290.00`, `387`, `0.00`).
pub fn parse_amount(s: &str) -> Option<f64> {
    if !may_be_amount(s) {
        return None;
    }
    let t: String = canonical(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
        .collect();
    let t = t.strip_suffix("万元").unwrap_or(&t);
    if t.is_empty() || t.len() > 24 {
        return None;
    }
    let ok = t
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && c == '-'));
    if !ok || !t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Whether `parse_amount` may find an amount in `s`, told without canonicalizing it (most cells
/// are words): canonical text maps characters one to one or drops blanks, so an amount has only
/// digits (full-width too), points, a minus, separators, blanks and 万元, and at most 24 of them
/// besides the separators, blanks and 万元.
fn may_be_amount(s: &str) -> bool {
    let mut kept = 0;
    for c in s.chars() {
        match c {
            '0'..='9' | '０'..='９' | '.' | '．' | '-' => kept += 1,
            ',' | '，' | '万' | '元' => {}
            c if c.is_whitespace() => {}
            _ => return false,
        }
    }
    kept <= 24
}

#[derive(Debug, Default)]
pub struct FundsBlock {
    /// Amount columns: grid column → header name.
    columns: Vec<(usize, String)>,
    /// Text columns named by a header (任务名称, 主要内容): the first holds the item's label.
    text_cols: Vec<(usize, String)>,
    /// The labels above the current row, with their column.
    stack: Vec<(usize, String)>,
    /// An item whose following same-column rows are its parts (项目支出 → projects).
    parts_parent: Option<(usize, Vec<String>)>,
    prev_shift: i32,
    prev_first_col: Option<usize>,
    block_label: Option<String>,
    pub items: Vec<FundItem>,
    last_was_header: bool,
}

impl FundsBlock {
    pub fn new() -> FundsBlock {
        FundsBlock::default()
    }

    /// Feed one row of the block. `first` marks the row holding the block label.
    pub fn row(&mut self, row: &Row, first: bool, diags: &mut Diags) {
        let mut cells = self.cells_of(row);
        let anchor_shift = self.take_block_label(&mut cells, first);
        if cells.is_empty() {
            return;
        }
        let numeric: Vec<(usize, f64)> = cells
            .iter()
            .filter_map(|(c, t)| parse_amount(t).map(|a| (*c, a)))
            .collect();
        let headers: Vec<usize> = cells
            .iter()
            .enumerate()
            .filter(|(_, (_, t))| vocab::is_amount_header(t))
            .map(|(i, _)| i)
            .collect();
        if numeric.is_empty() && !headers.is_empty() {
            self.header_row(cells, &headers, anchor_shift);
            return;
        }
        self.last_was_header = false;
        let cells = self.vertical_headers(cells, &headers, &numeric);
        let shift = self.row_shift(&cells, &numeric, anchor_shift);
        let mut sorted = self.sort_cells(&cells, shift);
        self.place_unmatched(&mut sorted, &row.pos, diags);
        sorted
            .values
            .sort_by_key(|v| self.columns.iter().position(|(_, n)| n == &v.column));
        // A row whose only text sits in a detail column is labelled by it (a merged 金额合计
        // whose text landed in the merge's last column).
        if sorted.labels.is_empty() && sorted.details.len() == 1 && !sorted.values.is_empty() {
            let d = sorted.details.remove(0);
            let col = self.text_cols.first().map_or(0, |c| c.0);
            sorted.labels.push((col, d.text));
        }
        if sorted.labels.is_empty() {
            // Amounts with no label (its label cell hidden, or lost by extraction): quoted, so
            // nothing is lost.
            for (_, t) in cells.iter().filter(|(_, t)| parse_amount(t).is_some()) {
                diags.unplaced(t, &row.pos);
            }
            return;
        }
        if shift != 0 {
            report_shift(shift, &sorted.labels, &row.pos, diags);
        }
        self.push_items(sorted);
    }

    /// The row's filled cells. A merged cell undone with its text repeated in each column it
    /// covered is one cell (`年度资金总额 | 年度资金总额 | 387.00 | 387 | 387`), in a form whose
    /// amounts no header names: there, equal neighbours cannot be two values. Under a header
    /// (总额 | 财政拨款) they can, and the labels stand in label columns the header rows already
    /// place.
    fn cells_of(&self, row: &Row) -> Vec<(usize, String)> {
        let mut cells: Vec<(usize, String)> = row
            .filled()
            .map(|(c, cell)| (c, cell.text.clone()))
            .collect();
        if self.columns.is_empty() {
            cells.dedup_by(|b, a| match (parse_amount(&a.1), parse_amount(&b.1)) {
                (None, None) => b.1 == a.1,
                (Some(x), Some(y)) => x == y,
                _ => false,
            });
        }
        cells
    }

    /// Take the block label out of the row that holds it; returns how far the row moved when
    /// the label is not in the first column. A page break may repeat the block label: it is
    /// no item either.
    fn take_block_label(&mut self, cells: &mut Vec<(usize, String)>, first: bool) -> Option<i32> {
        let mut anchor_shift = None;
        if first
            && let Some(pos) = cells
                .iter()
                .position(|(_, t)| vocab::is_funds_block_label(t))
        {
            let (c, label) = cells.remove(pos);
            // The block label belongs in the first column; where it is not, the row moved.
            if c > 0 {
                anchor_shift = Some(-(c as i32));
            }
            self.block_label = Some(key(&label));
        }
        if let Some(bl) = &self.block_label {
            cells.retain(|(_, t)| &key(t) != bl);
        }
        anchor_shift
    }

    /// A header row: names over the amount columns, no amounts. Text headers (任务名称) and
    /// section names left of the amounts are kept; any other text is an item beside the header.
    fn header_row(
        &mut self,
        mut cells: Vec<(usize, String)>,
        headers: &[usize],
        anchor_shift: Option<i32>,
    ) {
        // Where the header row itself moved: by its block label, or, for a second header
        // row under a spanning one (预算金额（万元） over 总额 | 财政拨款 | 其他资金), by where
        // the spanning header starts.
        let mut shift = anchor_shift.unwrap_or(0);
        if self.last_was_header
            && let Some((p0, _)) = self.columns.first()
        {
            shift = *p0 as i32 - cells[headers[0]].0 as i32;
        }
        if shift != 0 {
            for (c, _) in cells.iter_mut() {
                *c = (*c as i64 + shift as i64).max(0) as usize;
            }
        }
        let first_h = cells[headers[0]].0;
        self.columns = cells
            .iter()
            .filter(|(c, _)| *c >= first_h)
            .map(|(c, t)| (*c, canonical(t)))
            .collect();
        self.last_was_header = true;
        let mut text_cols = Vec::new();
        for (c, t) in cells.iter().filter(|(c, _)| *c < first_h) {
            if vocab::is_funds_text_header(t) {
                text_cols.push((*c, canonical(t)));
            } else if vocab::is_funds_section(t) {
                self.push_label(*c, canonical(t));
            } else {
                // An item beside the header (its amount cells empty): kept as an item.
                let path = self.leaf_path(*c, &canonical(t));
                self.push_label(*c, canonical(t));
                self.items.push(FundItem {
                    path,
                    values: Vec::new(),
                    details: Vec::new(),
                });
            }
        }
        if !text_cols.is_empty() {
            self.text_cols = text_cols;
        }
    }

    /// A vertical header: the column name stands left of its amount on the same row. It
    /// names the amount columns, and leaves the row's cells.
    fn vertical_headers(
        &mut self,
        cells: Vec<(usize, String)>,
        headers: &[usize],
        numeric: &[(usize, f64)],
    ) -> Vec<(usize, String)> {
        let mut vertical = Vec::new();
        for &h in headers {
            let (hc, ht) = &cells[h];
            if let Some((nc, _)) = numeric.iter().find(|(c, _)| c > hc) {
                vertical.push((*nc, canonical(ht), h));
            }
        }
        if vertical.is_empty() {
            return cells;
        }
        self.columns = vertical.iter().map(|(c, n, _)| (*c, n.clone())).collect();
        let drop: Vec<usize> = vertical.iter().map(|v| v.2).collect();
        cells
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !drop.contains(i))
            .map(|(_, c)| c)
            .collect()
    }

    /// Where the row's amounts sit tells how far the row moved; a row with no amount moves as
    /// the row above did when it starts in the same column. The first amounts of a form with
    /// no header over them name the columns (`金额`, `金额2`, …).
    fn row_shift(
        &mut self,
        cells: &[(usize, String)],
        numeric: &[(usize, f64)],
        anchor_shift: Option<i32>,
    ) -> i32 {
        let mut shift = anchor_shift.unwrap_or(0);
        if !numeric.is_empty() {
            if self.columns.is_empty() {
                self.columns = numeric
                    .iter()
                    .map(|(c, _)| (*c as i64 + shift as i64).max(0) as usize)
                    .enumerate()
                    .map(|(i, c)| {
                        let name = if i == 0 {
                            NO_HEADER_COLUMN.to_string()
                        } else {
                            format!("{NO_HEADER_COLUMN}{}", i + 1)
                        };
                        (c, name)
                    })
                    .collect();
            }
            shift = self.fit_shift(numeric).unwrap_or(shift);
        } else if anchor_shift.is_none() {
            let first_col = cells.first().map(|c| c.0);
            if self.prev_shift != 0 && first_col == self.prev_first_col {
                shift = self.prev_shift;
            }
        }
        self.prev_first_col = cells.first().map(|c| c.0);
        self.prev_shift = shift;
        shift
    }

    /// Sort the row's cells, moved by `shift`: amounts into their columns, text into labels
    /// or the detail columns a text header names.
    fn sort_cells(&self, cells: &[(usize, String)], shift: i32) -> Sorted {
        let moved = |c: usize| (c as i64 + shift as i64).max(0) as usize;
        let mut out = Sorted::default();
        for (c, t) in cells {
            let mc = moved(*c);
            if let Some(a) = parse_amount(t) {
                match self.columns.iter().find(|(cc, _)| *cc == mc) {
                    Some((_, name)) => out.values.push(Amount {
                        column: name.clone(),
                        amount: a,
                    }),
                    None => out.unmatched.push((*c, t.clone(), a)),
                }
                continue;
            }
            // A text column covers the columns up to the next one (a merged cell's text may
            // sit in any of them).
            let first_amount = self.columns.first().map_or(usize::MAX, |c| c.0);
            let text_col = self
                .text_cols
                .iter()
                .rposition(|(tc, _)| *tc <= mc)
                .filter(|_| mc < first_amount);
            match text_col {
                Some(i) if i > 0 => out.details.push(Field {
                    label: self.text_cols[i].1.clone(),
                    text: canonical(t),
                }),
                _ => out.labels.push((mc, canonical(t))),
            }
        }
        out
    }

    /// Amounts that fit no column even after the shift: read them in order into the free
    /// columns from the right, and say so.
    fn place_unmatched(&self, sorted: &mut Sorted, pos: &SourcePos, diags: &mut Diags) {
        if sorted.unmatched.is_empty() {
            return;
        }
        let free: Vec<&(usize, String)> = self
            .columns
            .iter()
            .filter(|(_, n)| !sorted.values.iter().any(|v| &v.column == n))
            .collect();
        let start = free.len().saturating_sub(sorted.unmatched.len());
        for (k, (c, t, a)) in sorted.unmatched.iter().enumerate() {
            match free.get(start + k) {
                Some((_, name)) => {
                    sorted.values.push(Amount {
                        column: name.clone(),
                        amount: *a,
                    });
                    diags.push(
                        Severity::Warning,
                        "column_shift_repaired",
                        format!("amount {t} in column {} read as {name}", c + 1),
                        pos,
                    );
                }
                None => diags.unplaced(t, pos),
            }
        }
    }

    /// The row's labels, outer to inner: the last is the item (with the row's values and
    /// details), the ones before it are the groups above it.
    fn push_items(&mut self, sorted: Sorted) {
        let Sorted {
            labels,
            mut values,
            mut details,
            ..
        } = sorted;
        let n_labels = labels.len();
        for (i, (c, l)) in labels.into_iter().enumerate() {
            let is_leaf = i + 1 == n_labels;
            if is_leaf {
                let path = self.leaf_path(c, &l);
                if vocab::is_parts_parent(&l) {
                    self.parts_parent = Some((c, path.clone()));
                }
                self.push_label(c, l);
                self.items.push(FundItem {
                    path,
                    values: std::mem::take(&mut values),
                    details: std::mem::take(&mut details),
                });
            } else {
                self.push_label(c, l);
            }
        }
    }

    /// The shift that puts every amount of the row in a known amount column, nearest first.
    fn fit_shift(&self, numeric: &[(usize, f64)]) -> Option<i32> {
        let fits = |k: i32| {
            numeric.iter().all(|(c, _)| {
                let t = *c as i64 + k as i64;
                t >= 0 && self.columns.iter().any(|(cc, _)| *cc as i64 == t)
            })
        };
        let mut ks = vec![0];
        for d in 1..=4 {
            ks.push(d);
            ks.push(-d);
        }
        ks.into_iter().find(|&k| fits(k))
    }

    fn push_label(&mut self, col: usize, label: String) {
        while self.stack.last().is_some_and(|(c, _)| *c >= col) {
            self.stack.pop();
        }
        if let Some((pc, _)) = &self.parts_parent
            && col < *pc
        {
            self.parts_parent = None;
        }
        self.stack.push((col, label));
    }

    /// The path of a leaf label at `col`: the labels left of it, or the parts parent's path
    /// when the leaf follows 项目支出 at the same depth.
    fn leaf_path(&self, col: usize, label: &str) -> Vec<String> {
        if let Some((pc, ppath)) = &self.parts_parent
            && *pc == col
            && ppath.last().map(String::as_str) != Some(label)
        {
            let mut p = ppath.clone();
            p.push(label.to_string());
            return p;
        }
        let mut p: Vec<String> = self
            .stack
            .iter()
            .filter(|(c, _)| *c < col)
            .map(|(_, l)| l.clone())
            .collect();
        p.push(label.to_string());
        p
    }
}

/// A funds row's cells sorted by what they are.
#[derive(Default)]
struct Sorted {
    values: Vec<Amount>,
    /// Text cells (moved column, canonical text), outer to inner.
    labels: Vec<(usize, String)>,
    details: Vec<Field>,
    /// Amounts in no amount column: (source column, text, amount).
    unmatched: Vec<(usize, String, f64)>,
}

/// Say that a funds row was read shifted, and as which item.
fn report_shift(shift: i32, labels: &[(usize, String)], pos: &SourcePos, diags: &mut Diags) {
    let leaf = &labels.last().map(|l| l.1.clone()).unwrap_or_default();
    let n = shift.unsigned_abs();
    let dir = if shift > 0 { "left" } else { "right" };
    let columns = if n == 1 {
        "one column".to_string()
    } else {
        format!("{n} columns")
    };
    diags.push(
        Severity::Warning,
        "column_shift_repaired",
        format!("row shifted {columns} {dir}; read as funds item {leaf}"),
        pos,
    );
}

/// Check the sums of a funds tree; each failure is a `funds_mismatch` warning.
pub fn reconcile(items: &[FundItem], diags: &mut Diags, pos: &crate::grid::SourcePos) {
    let mut columns: Vec<&str> = Vec::new();
    for v in items.iter().flat_map(|it| &it.values) {
        if !columns.contains(&v.column.as_str()) {
            columns.push(&v.column);
        }
    }
    let mut l = Ledger { items, diags, pos };
    for col in &columns {
        l.subtotals(col);
        l.total(col);
    }
    // A 总额 column equals the other amount columns of its row.
    if let Some(total_col) = columns.iter().find(|c| matches!(**c, "总额" | "合计")) {
        l.total_column(total_col);
    }
}

/// The items of one funds block, checked against each other; what does not add up is reported
/// as a `funds_mismatch` warning at `pos`.
struct Ledger<'a> {
    items: &'a [FundItem],
    diags: &'a mut Diags,
    pos: &'a crate::grid::SourcePos,
}

impl Ledger<'_> {
    fn amount(it: &FundItem, col: &str) -> Option<f64> {
        it.values.iter().find(|v| v.column == col).map(|v| v.amount)
    }

    fn children(&self, parent: &[String]) -> Vec<&FundItem> {
        self.items
            .iter()
            .filter(|it| it.path.len() == parent.len() + 1 && it.path.starts_with(parent))
            .collect()
    }

    /// The amounts of the children of `parent` in `col`.
    fn parts_of(&self, parent: &[String], col: &str, except: Option<&[String]>) -> Vec<f64> {
        self.children(parent)
            .iter()
            .filter(|k| Some(k.path.as_slice()) != except)
            .filter_map(|k| Self::amount(k, col))
            .collect()
    }

    /// The amount of a group that has no row of its own: its 小计, else the sum of its parts.
    fn group_amount(&self, path: &[String], col: &str) -> Option<f64> {
        if let Some(it) = self.items.iter().find(|it| it.path == path) {
            return Self::amount(it, col);
        }
        let kids = self.children(path);
        if let Some(s) = kids.iter().find(|k| is_subtotal(leaf_of(&k.path))) {
            return Self::amount(s, col);
        }
        let vals: Vec<f64> = kids.iter().filter_map(|k| Self::amount(k, col)).collect();
        (!vals.is_empty()).then(|| vals.iter().sum())
    }

    /// Report when `parts` (if any) do not add up to `expected`.
    fn check(&mut self, what: String, expected: f64, parts: &[f64]) {
        let got: f64 = parts.iter().sum();
        if !parts.is_empty() && (expected - got).abs() > 0.011 {
            self.diags.push(
                Severity::Warning,
                "funds_mismatch",
                format!("{what}: {expected} ≠ {got}"),
                self.pos,
            );
        }
    }

    /// A 小计 equals the other parts of its group; a parts parent (项目支出) its parts.
    fn subtotals(&mut self, col: &str) {
        for it in self.items {
            let Some(a) = Self::amount(it, col) else {
                continue;
            };
            let name = it.path.join(" / ");
            if is_subtotal(leaf_of(&it.path)) && it.path.len() >= 2 {
                let parent = &it.path[..it.path.len() - 1];
                let parts = self.parts_of(parent, col, Some(&it.path));
                self.check(
                    format!("{name} ({col}) against the sum of its parts"),
                    a,
                    &parts,
                );
            }
            if vocab::is_parts_parent(leaf_of(&it.path)) {
                let parts = self.parts_of(&it.path, col, None);
                self.check(
                    format!("{name} ({col}) against the sum of its parts"),
                    a,
                    &parts,
                );
            }
        }
    }

    /// The total equals its siblings, and each other section of the block.
    fn total(&mut self, col: &str) {
        let items = self.items;
        let Some(total) = items.iter().find(|it| is_total(leaf_of(&it.path))) else {
            return;
        };
        let Some(t) = Self::amount(total, col) else {
            return;
        };
        let name = total.path.join(" / ");
        let parent = &total.path[..total.path.len() - 1];
        let mut siblings: Vec<Vec<String>> = Vec::new();
        for it in items {
            if it.path.len() > parent.len() && it.path.starts_with(parent) && it.path != total.path
            {
                let p = it.path[..parent.len() + 1].to_vec();
                if !siblings.contains(&p) {
                    siblings.push(p);
                }
            }
        }
        let sections: Vec<&Vec<String>> = siblings
            .iter()
            .filter(|p| {
                !items.iter().any(|it| &it.path == *p) && vocab::is_funds_section(leaf_of(p))
            })
            .collect();
        if sections.len() >= 2 {
            // 资金来源 and 资金用途 each add up to the total.
            for g in sections {
                let parts = self.parts_of(g, col, None);
                self.check(
                    format!("{name} ({col}) against {}", g.join(" / ")),
                    t,
                    &parts,
                );
            }
        } else {
            let parts: Vec<f64> = siblings
                .iter()
                .filter_map(|p| self.group_amount(p, col))
                .collect();
            self.check(
                format!("{name} ({col}) against the sum of its sources"),
                t,
                &parts,
            );
        }
        if !parent.is_empty() {
            self.other_sections(parent, (&name, col, t));
        }
    }

    /// Other top-level sections (支出) add up to the total too.
    fn other_sections(&mut self, parent: &[String], (name, col, t): (&str, &str, f64)) {
        let mut others: Vec<Vec<String>> = Vec::new();
        for it in self.items {
            if it.path.len() >= 2 && !it.path.starts_with(parent) {
                let p = vec![it.path[0].clone()];
                if !others.contains(&p) {
                    others.push(p);
                }
            }
        }
        for sec in others {
            let parts = self.parts_of(&sec, col, None);
            self.check(
                format!("{name} ({col}) against {}", sec.join(" / ")),
                t,
                &parts,
            );
        }
    }

    /// A 总额 column equals the other amount columns of its row.
    fn total_column(&mut self, total_col: &str) {
        for it in self.items {
            let Some(t) = Self::amount(it, total_col) else {
                continue;
            };
            let parts: Vec<f64> = it
                .values
                .iter()
                .filter(|v| v.column != total_col)
                .map(|v| v.amount)
                .collect();
            let name = it.path.join(" / ");
            self.check(
                format!("{name} ({total_col}) against its columns"),
                t,
                &parts,
            );
        }
    }
}

fn leaf_of(path: &[String]) -> &str {
    path.last().map(String::as_str).unwrap_or("")
}

fn is_subtotal(leaf: &str) -> bool {
    matches!(key(leaf).as_str(), "小计" | "合计")
}

fn is_total(leaf: &str) -> bool {
    vocab::is_funds_total(leaf)
}

#[cfg(test)]
mod tests;
