//! The indicator blocks of the `表格` sheet: the indicators cut into blocks each under one
//! header row (`Shape`), the labels each row writes so that the reader's fill-down gives every
//! indicator its own, and the labels merged down over their groups.

use super::{Plan, Put, Style, text};
use crate::model::Indicator;
use crate::write::tidy::Value;

/// The columns of an indicator block: whether it has 重点工作, and its value columns, each
/// plain or split over 指标性质 | 指标值 | 度量单位.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Shape {
    key_work: bool,
    values: Vec<(String, bool)>,
    /// Attribute columns after the values (指标编码, 指标权重, 分值, 指标方向性, 指标解释…).
    attrs: Vec<String>,
}

/// The header of each attribute an indicator carries, and its text, in column order.
fn attribute_cells(ind: &Indicator) -> Vec<(String, String)> {
    let num = |x: f64| {
        if x.fract() == 0.0 && x.abs() < 9.0e15 {
            format!("{}", x as i64)
        } else {
            format!("{x}")
        }
    };
    let mut out = Vec::new();
    if let Some(c) = &ind.code {
        out.push(("指标编码".to_string(), c.clone()));
    }
    if let Some(w) = ind.weight {
        out.push(("指标权重".to_string(), num(w)));
    }
    if let Some(x) = ind.score {
        out.push(("分值".to_string(), num(x)));
    }
    if let Some(d) = &ind.direction {
        out.push(("指标方向性".to_string(), d.clone()));
    }
    for a in &ind.attributes {
        out.push((a.label.clone(), a.text.clone()));
    }
    out
}

impl Shape {
    fn of(ind: &Indicator) -> Shape {
        Shape {
            attrs: attribute_cells(ind).into_iter().map(|(h, _)| h).collect(),
            key_work: ind.key_work.is_some(),
            values: ind
                .values
                .iter()
                .map(|v| {
                    (
                        v.column.clone(),
                        v.parts.as_ref().is_some_and(|p| p.len() == 3),
                    )
                })
                .collect(),
        }
    }
    fn label_cols(&self) -> usize {
        if self.key_work { 4 } else { 3 }
    }
    pub(super) fn width(&self) -> usize {
        self.label_cols()
            + self
                .values
                .iter()
                .map(|(_, split)| if *split { 3 } else { 1 })
                .sum::<usize>()
            + self.attrs.len()
    }
    /// Whether `ind` can be written under this header: same value columns, a split column
    /// holding a split value (or nothing, for a group with no 三级指标), and a 重点工作 column
    /// only where the indicator has one.
    fn fits(&self, ind: &Indicator) -> bool {
        let own = Shape::of(ind);
        if self.values.len() != own.values.len() || (own.key_work && !self.key_work) {
            return false;
        }
        self.values
            .iter()
            .zip(&ind.values)
            .all(|((name, split), v)| {
                name == &v.column
                    && (*split == v.parts.is_some()
                        || (*split && ind.level3.is_none() && v.raw.is_empty()))
            })
    }
}

/// A run of indicators written under one header row.
pub(super) struct IndBlock {
    pub(super) shape: Shape,
    /// Indices into the table's indicators, with what to write of each: 一级, 二级, 重点工作.
    rows: Vec<(usize, [bool; 3])>,
}

/// What the reader carries down from the rows above.
#[derive(Default, Clone)]
struct Carry {
    l1: Option<String>,
    l2: Option<String>,
    kw: Option<String>,
    prev_l3_none: bool,
}

/// The text of a label cell as the source wrote it: the name, then the notes the reader
/// split off it (`产出指标` + `（40-50）分`); a note that holds the whole label as written
/// (`★周边群众满意度`, kept for its mark) is the cell's text itself.
fn label_text(name: Option<&str>, ind: &Indicator, header: &str) -> Option<String> {
    let name = name?;
    let mut t = name.to_string();
    for n in ind.notes.iter().filter(|n| n.label == header) {
        if n.text.contains(name) {
            t = n.text.clone();
        } else {
            t.push_str(&n.text);
        }
    }
    Some(t)
}

/// The 一级, 二级, 重点工作 and 三级 cell texts of an indicator.
fn labels_of(ind: &Indicator) -> [Option<String>; 4] {
    [
        label_text(ind.level1.as_deref(), ind, "一级指标"),
        label_text(ind.level2.as_deref(), ind, "二级指标"),
        label_text(ind.key_work.as_deref(), ind, "重点工作"),
        label_text(ind.level3.as_deref(), ind, "三级指标"),
    ]
}

/// Which labels to write for `ind` after `c`, or None when the reader's fill-down would put
/// a label on it that it has not (a new header row is needed then).
fn labels_for(c: &mut Carry, ind: &Indicator, key_work: bool) -> Option<[bool; 3]> {
    let [l1, l2, kw, _] = labels_of(ind);
    if l1.is_none() && c.l1.is_some() {
        return None;
    }
    let w1 = l1.is_some() && l1 != c.l1;
    if w1 {
        c.l2 = None;
        c.kw = None;
    }
    if l2.is_none() && c.l2.is_some() {
        return None;
    }
    let empty = ind.values.iter().all(|v| v.raw.is_empty());
    // A row with no 一级/二级 and no value would be read as the rest of the row above (a
    // wrapped 三级指标), and a group with no 三级指标 needs its 二级 on its own row: write the
    // 二级 again there.
    let force2 = !w1 && (ind.level3.is_none() || empty || c.prev_l3_none);
    let w2 = l2.is_some() && (l2 != c.l2 || force2);
    if l2 != c.l2 {
        c.kw = None;
    }
    if key_work {
        if kw.is_none() && c.kw.is_some() {
            return None;
        }
    } else if kw.is_some() {
        return None;
    }
    let wk = kw.is_some() && (kw != c.kw || w2);
    c.l1 = l1;
    c.l2 = l2;
    c.kw = kw;
    c.prev_l3_none = ind.level3.is_none();
    Some([w1, w2, wk])
}

/// Cut the indicators into blocks: a new header row where the columns change or where the
/// reader's fill-down would otherwise give an indicator a label it has not.
pub(super) fn blocks(inds: &[Indicator]) -> Vec<IndBlock> {
    let mut out: Vec<IndBlock> = Vec::new();
    let mut carry = Carry::default();
    for (i, ind) in inds.iter().enumerate() {
        if let Some(b) = out.last_mut()
            && b.shape.fits(ind)
        {
            let mut c = carry.clone();
            if let Some(w) = labels_for(&mut c, ind, b.shape.key_work) {
                for (h, _) in attribute_cells(ind) {
                    if !b.shape.attrs.contains(&h) {
                        b.shape.attrs.push(h);
                    }
                }
                b.rows.push((i, w));
                carry = c;
                continue;
            }
        }
        let shape = Shape::of(ind);
        carry = Carry::default();
        let w = labels_for(&mut carry, ind, shape.key_work).unwrap_or([true, true, true]);
        out.push(IndBlock {
            shape,
            rows: vec![(i, w)],
        });
    }
    out
}

/// One block: its header row, a row per indicator, and 一级 / 二级 / 重点工作 merged down over
/// their groups.
pub(super) fn draw_block(plan: &mut Plan, b: &IndBlock, inds: &[Indicator]) {
    let s = &b.shape;
    draw_header(plan, s);
    let start = plan.puts.len();
    let first = plan.row;
    for (i, w) in &b.rows {
        draw_indicator(plan, s, &inds[*i], w);
        plan.row += 1;
    }
    plan.boxes.push((
        first - 1,
        first + b.rows.len() as u32 - 1,
        s.width() as u16 - 1,
    ));
    let writes: Vec<[bool; 3]> = b.rows.iter().map(|(_, w)| *w).collect();
    merge_labels_down(&mut plan.puts[start..], s, first, &writes);
}

/// The block's header row: the label columns, the value columns (a split one as 指标性质 |
/// name | 度量单位), the attribute columns; its names kept for the printed pages.
fn draw_header(plan: &mut Plan, s: &Shape) {
    let mut col = 0u16;
    let mut header = vec!["一级指标", "二级指标"];
    if s.key_work {
        header.push("重点工作");
    }
    header.push("三级指标");
    for h in &header {
        plan.put(col, text(h), Style::Header);
        col += 1;
    }
    for (name, split) in &s.values {
        if *split {
            plan.put(col, text("指标性质"), Style::Header);
            plan.put(col + 1, text(name), Style::Header);
            plan.put(col + 2, text("度量单位"), Style::Header);
            col += 3;
        } else {
            plan.put(col, text(name), Style::Header);
            col += 1;
        }
    }
    for h in &s.attrs {
        plan.put(col, text(h), Style::Header);
        col += 1;
    }
    let names = plan
        .puts
        .iter()
        .filter(|p| p.row == plan.row)
        .map(|p| p.value.as_text().unwrap_or_default())
        .collect();
    plan.headers.push((plan.row, names));
    plan.row += 1;
}

/// One indicator's row: the labels `w` says to write, the 三级指标, values and attributes.
fn draw_indicator(plan: &mut Plan, s: &Shape, ind: &Indicator, w: &[bool; 3]) {
    let l3_col = s.label_cols() as u16 - 1;
    let labels = labels_of(ind);
    for k in 0..3 {
        if k == 2 && !s.key_work {
            continue;
        }
        if w[k]
            && let Some(l) = &labels[k]
        {
            let st = if k == 2 { Style::Text } else { Style::Cell };
            plan.put(k as u16, text(l), st);
        }
    }
    if let Some(l3) = &labels[3] {
        plan.put(l3_col, text(l3), Style::Text);
    }
    let mut c = l3_col + 1;
    for ((_, split), v) in s.values.iter().zip(&ind.values) {
        if *split {
            if let Some(p) = &v.parts {
                for (k, part) in p.iter().enumerate().take(3) {
                    // The 指标值 part (`14` of `≥ | 14 | 个`) is a number cell where it is
                    // one; 指标性质 and 度量单位 are words.
                    let value = match number_cell(part) {
                        Some(n) if k == 1 => Value::Num(n),
                        _ => text(part),
                    };
                    if !part.is_empty() {
                        plan.put(c + k as u16, value, Style::Cell);
                    }
                }
            }
            c += 3;
        } else {
            if !v.raw.is_empty() {
                plan.put(c, text(&v.raw), Style::Cell);
            }
            c += 1;
        }
    }
    for (h, t) in attribute_cells(ind) {
        if let Some(k) = s.attrs.iter().position(|x| *x == h) {
            plan.put(c + k as u16, text(&t), Style::Text);
        }
    }
}

/// Merge 一级 / 二级 / 重点工作 down over their groups: a label covers the rows below it until a
/// label of its level or above is written again. `puts` are the block's rows' cells, from row
/// `first`; `writes` what each row writes.
fn merge_labels_down(puts: &mut [Put], s: &Shape, first: u32, writes: &[[bool; 3]]) {
    let l3_col = s.label_cols() as u16 - 1;
    let n = writes.len() as u32;
    for p in puts.iter_mut() {
        let level = match p.col {
            0 => 0,
            1 => 1,
            2 if s.key_work && p.col < l3_col => 2,
            _ => continue,
        };
        let mut r = p.row + 1;
        while r < first + n {
            let w = writes[(r - first) as usize];
            if w[..=level].iter().any(|x| *x) {
                break;
            }
            r += 1;
        }
        p.last_row = r - 1;
    }
}

/// The number a split 指标值 holds, when a number cell shows exactly that text again: plain
/// decimal digits as General shows them (no sign but `-`, no leading zeros, no trailing zeros
/// after the point, no thousands separators, at most 11 characters, not below 0.001, where
/// General switches to scientific notation), and the shortest text of the f64 they parse to.
/// Anything else (`014`, `1,000`, `95.0`, `≥95`) stays text, so the workbook reads back into
/// the same raw value.
fn number_cell(s: &str) -> Option<f64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let plain = !digits.is_empty()
        && s.len() <= 11
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && !(digits.starts_with('0') && digits.len() > 1 && !digits.starts_with("0."))
        && !(digits.contains('.') && (digits.ends_with('0') || digits.ends_with('.')))
        && !digits.starts_with('.');
    if !plain {
        return None;
    }
    let n: f64 = s.parse().ok()?;
    let shown = n == 0.0 || n.abs() >= 0.001;
    (shown && n.to_string() == s).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_cells_are_only_numbers_shown_as_written() {
        for (s, n) in [
            ("14", 14.0),
            ("26.5", 26.5),
            ("0", 0.0),
            ("-3", -3.0),
            ("0.05", 0.05),
        ] {
            assert_eq!(number_cell(s), Some(n), "{s}");
        }
        // Each of these would read back as another text from a number cell.
        for s in [
            "", "-", "014", "95.0", "1,000", "1e3", "+5", ".5", "5.", "0.0001", "≥95",
        ] {
            assert_eq!(number_cell(s), None, "{s}");
        }
        assert_eq!(
            number_cell("123456789012"),
            None,
            "General shows 1.23457E+11"
        );
    }
}
