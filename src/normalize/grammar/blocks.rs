//! Blocks of a cell stream that are no grid of 三级 names and values (department-overall
//! forms copied one cell a paragraph):
//!
//! * an indicator block without a header row: a 一级 name (`产出指标`) followed by cells
//!   `二级:target text` (`质量指标:合格率达100%`), maybe with a block label before it
//!   (`部门整体支出` / `年度绩效指标`, one label split over two cells);
//! * funds written as `label:amount` cells under side labels (`按收入性质分` / `按支出性质分`),
//!   the cells of one side after another.
//!
//! Both are rebuilt in the shape a workbook of the form has, which the normalizer reads: the
//! block label in a first column, one row per `二级:text` cell under its 一级; side labels in
//! one row and each side's `label:amount` lines joined in one cell under it.

use super::super::canon::key;
use super::super::funds::parse_amount;
use super::super::header::level2_lead;
use super::super::vocab;
use super::{Tok, row};
use crate::grid::{Cell, Row};

/// At most this many label cells before the first 一级 name make the block label.
const MAX_OUTER: usize = 2;

/// `label:text` in one cell with a short label (1–14 characters).
fn inline_pair(t: &str) -> Option<(&str, &str)> {
    let (l, rest) = t.split_once(['：', ':'])?;
    let n = l.trim().chars().count();
    (1..=14).contains(&n).then_some((l.trim(), rest.trim()))
}

/// A short label cell: no colon, no amount, no level name, at most 12 characters.
fn is_short_label(t: &str) -> bool {
    let k = key(t);
    let n = k.chars().count();
    (2..=12).contains(&n)
        && !t.contains([':', '：'])
        && parse_amount(t).is_none()
        && !vocab::is_level1_name(t)
        && !level2_lead(t)
}

fn cell_at(toks: &[Tok], at: usize) -> Option<&Cell> {
    toks.get(at).and_then(Tok::cell)
}

/// Where a headerless indicator block starts at `i`: the block label cells before its first
/// 一级 name, and the index of that name.
pub fn implicit_start(toks: &[Tok], i: usize) -> Option<(Vec<Cell>, usize)> {
    for k in i..=i + MAX_OUTER {
        let c = cell_at(toks, k)?;
        if vocab::is_level1_name(&c.text) {
            let next = cell_at(toks, k + 1)?;
            return level2_lead(&next.text).then(|| {
                let outer = (i..k).filter_map(|j| cell_at(toks, j).cloned()).collect();
                (outer, k)
            });
        }
        if !is_short_label(&c.text) {
            return None;
        }
    }
    None
}

/// The rows of a headerless indicator block starting at its first 一级 name `k`: one row per
/// `二级:text` cell, `[block label, 一级, cell]`. Returns where the block ends.
pub fn implicit_rows(toks: &[Tok], outer: Vec<Cell>, mut k: usize, rows: &mut Vec<Row>) -> usize {
    let mut label = outer.into_iter().reduce(|mut a, b| {
        a.text.push('\n');
        a.text.push_str(&b.text);
        a
    });
    let mut l1: Option<Cell> = None;
    while let Some(t) = toks.get(k) {
        let Tok::Cell(c) = t else {
            k += 1;
            continue;
        };
        if vocab::is_level1_name(&c.text)
            && cell_at(toks, k + 1).is_some_and(|n| level2_lead(&n.text))
        {
            l1 = Some(c.clone());
        } else if level2_lead(&c.text) {
            rows.push(row(vec![label.take(), l1.clone(), Some(c.clone())]));
        } else {
            break;
        }
        k += 1;
    }
    k
}

/// Funds as side labels then `label:amount` cells, from `i`: the rows, and where they end.
/// The row above (`年度预算申请(万元) | 资金总额:704`) becomes the block's first row: its
/// label spans the side rows.
pub fn side_funds(toks: &[Tok], i: usize, rows: &mut [Row]) -> Option<(Vec<Row>, usize)> {
    let mut j = i;
    let mut sides = Vec::new();
    while let Some(c) = cell_at(toks, j).filter(|c| is_short_label(&c.text)) {
        sides.push(c.clone());
        j += 1;
    }
    let mut items = Vec::new();
    while let Some(c) = cell_at(toks, j) {
        match inline_pair(&c.text) {
            Some((l, v)) if !l.is_empty() && (v.is_empty() || parse_amount(v).is_some()) => {
                items.push(c.clone());
                j += 1;
            }
            _ => break,
        }
    }
    if sides.len() < 2 || items.len() < sides.len() || items.iter().all(|c| amount_of(c).is_none())
    {
        return None;
    }
    let split = side_split(&sides, &items);
    let mut lines: Vec<Option<Cell>> = vec![None];
    for (s, part) in split.iter().enumerate() {
        let mut cells = part.iter().copied();
        let joined = cells.next().cloned().map(|mut first| {
            for c in cells {
                first.text.push('\n');
                first.text.push_str(&c.text);
            }
            first
        });
        lines.push(joined.or_else(|| {
            sides
                .get(s)
                .map(|x| Cell::new(String::new(), x.pos.clone()))
        }));
    }
    if let Some(above) = rows.last_mut().filter(|r| r.cells.len() == 2)
        && let Some(Some(first)) = above.cells.first_mut()
    {
        first.row_span = 3;
    }
    let mut head: Vec<Option<Cell>> = vec![None];
    head.extend(sides.into_iter().map(Some));
    Some((vec![row(head), row(lines)], j))
}

fn amount_of(c: &Cell) -> Option<f64> {
    inline_pair(&c.text).and_then(|(_, v)| parse_amount(v))
}

/// The items of each side, in order. With a 收入 side and a 支出 side, the 支出 side starts
/// at the first item whose label says 支出; otherwise all items stand under the first side.
fn side_split<'a>(sides: &[Cell], items: &'a [Cell]) -> Vec<Vec<&'a Cell>> {
    let mut out: Vec<Vec<&Cell>> = vec![Vec::new(); sides.len()];
    let spend = sides
        .iter()
        .position(|s| vocab::is_spending_text(&key(&s.text)));
    let cut = spend.and_then(|_| {
        items
            .iter()
            .position(|c| inline_pair(&c.text).is_some_and(|(l, _)| vocab::is_spending_text(l)))
    });
    for (n, c) in items.iter().enumerate() {
        let side = match (spend, cut) {
            (Some(s), Some(cut)) if n >= cut => s,
            (Some(s), Some(_)) => usize::from(s == 0),
            _ => 0,
        };
        out[side].push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::SourcePos;

    fn toks(cells: &[&str]) -> Vec<Tok> {
        cells
            .iter()
            .map(|t| Tok::Cell(Cell::new(*t, SourcePos::default())))
            .collect()
    }

    fn texts(r: &Row) -> Vec<String> {
        r.cells
            .iter()
            .map(|c| c.as_ref().map_or(String::new(), |c| c.text.clone()))
            .collect()
    }

    #[test]
    fn headerless_block_of_level2_cells() {
        let t = toks(&[
            "部门整体支出",
            "年度绩效指标",
            "产出指标",
            "质量指标:学校的教育教学秩序良好,力争毕业生合格率达100%",
            "时效指标:按时完成教学任务。",
            "效益指标",
            "社会效益指标:构建校园安全文明、稳定、和谐。",
            "填表人:张三",
        ]);
        let (outer, k) = implicit_start(&t, 0).unwrap();
        assert_eq!(k, 2);
        let mut rows = Vec::new();
        let end = implicit_rows(&t, outer, k, &mut rows);
        assert_eq!(end, 7);
        assert_eq!(
            texts(&rows[0])[..2],
            ["部门整体支出\n年度绩效指标", "产出指标"]
        );
        assert_eq!(
            texts(&rows[2])[1..],
            ["效益指标", "社会效益指标:构建校园安全文明、稳定、和谐。"]
        );
        assert!(implicit_start(&toks(&["项目名称", "某项目", "产出指标"]), 0).is_none());
    }

    #[test]
    fn side_labels_over_label_amount_cells() {
        let t = toks(&[
            "按收入性质分",
            "按支出性质分",
            "公共财政拨款:683",
            "政府性基金拨款:",
            "其他资金:",
            "基本支出:622",
            "项目支出:82",
            "部门职能职责概述",
        ]);
        let mut above = vec![row(vec![
            Some(Cell::new("年度预算申请(万元)", SourcePos::default())),
            Some(Cell::new("资金总额:704", SourcePos::default())),
        ])];
        let (rows, end) = side_funds(&t, 0, &mut above).unwrap();
        assert_eq!(end, 7);
        assert_eq!(above[0].cells[0].as_ref().unwrap().row_span, 3);
        assert_eq!(texts(&rows[0]), ["", "按收入性质分", "按支出性质分"]);
        assert_eq!(
            texts(&rows[1]),
            [
                "",
                "公共财政拨款:683\n政府性基金拨款:\n其他资金:",
                "基本支出:622\n项目支出:82"
            ]
        );
    }
}
