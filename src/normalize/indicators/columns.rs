//! The columns of an indicator block: its header row (or, with none, its first row) read into
//! column spans with roles (一级 / 二级 / 重点工作 / 三级 / value / attribute columns), and
//! corrected by what the block's cells hold.

use super::super::canon::canonical;
use super::super::shift::RoleSpan;
use super::super::value;
use super::super::vocab::{Role, header_role};
use crate::grid::Row;

/// Whether `row` is the header of an indicator block, and its column spans.
pub fn parse_header(row: &Row, width: usize, exact: bool) -> Option<Vec<RoleSpan>> {
    // Every level header word (一级指标, 三级, 指标名称, …) has 级 or 指标: most rows stop here.
    if !row
        .filled()
        .any(|(_, c)| c.text.contains('级') || c.text.contains("指标"))
    {
        return None;
    }
    let filled: Vec<(usize, &str, u32)> = row
        .filled()
        .map(|(c, cell)| (c, cell.text.as_str(), cell.col_span))
        .collect();
    let mut roles: Vec<Option<Role>> = filled.iter().map(|(_, t, _)| header_role(t)).collect();
    left_of_levels(&filled, &mut roles);
    let levels = roles
        .iter()
        .flatten()
        .filter(|r| matches!(r, Role::Level1 | Role::Level2 | Role::Level3))
        .count();
    let values = roles
        .iter()
        .flatten()
        .filter(|r| matches!(r, Role::Value(_)))
        .count();
    let known = roles.iter().filter(|r| r.is_some()).count();
    // A header names at least two levels, or a level and a value column, and little else.
    // Two level columns make a header whatever else it names (one column per recipient town);
    // otherwise most of the row must be known header words.
    let header = levels >= 2 || (levels >= 1 && values >= 1 && known * 2 >= filled.len());
    if !header {
        return None;
    }
    // A merged header unmerged with its text repeated (`指标值 | 指标值`) names one column
    // (in a workbook or ruled PDF, whose columns are exact; text extraction repeats nothing).
    let (filled, roles): (Vec<_>, Vec<_>) = filled
        .iter()
        .zip(roles)
        .enumerate()
        .filter(|(i, ((c, t, _), _))| {
            !exact
                || i.checked_sub(1)
                    .and_then(|p| filled.get(p))
                    .is_none_or(|(pc, pt, ps)| !(pc + *ps as usize == *c && pt == t))
        })
        .map(|(_, (f, r))| (*f, r))
        .unzip();
    let mut spans = Vec::new();
    for (i, ((col, text, col_span), role)) in filled.iter().zip(roles).enumerate() {
        let next = filled.get(i + 1).map(|x| x.0).unwrap_or(width.max(col + 1));
        let end = (next.saturating_sub(1)).max(col + *col_span as usize - 1);
        // Empty columns before a cell that no known merge covers may be the start of this
        // cell's own merge (its text put in the last column by the extraction).
        let back = match i.checked_sub(1).and_then(|p| filled.get(p)) {
            None => 0,
            Some((pc, _, ps)) => (*pc + *ps as usize).min(*col),
        };
        let role = role.unwrap_or_else(|| Role::Extra(canonical(text)));
        spans.push(RoleSpan {
            start: *col,
            end,
            back,
            prefer_back: false,
            role,
        });
    }
    // Grades of a standard written as columns of their own (`评分标准（优）`, as the canonical
    // workbook writes them) are the targets of a block with no value column, as under a
    // sub-header.
    if !spans.iter().any(|s| matches!(s.role, Role::Value(_))) {
        for s in spans.iter_mut() {
            if let Role::Attr(n) = &s.role
                && n.contains('（')
            {
                s.role = Role::Value(n.clone());
            }
        }
    }
    Some(spans)
}

/// The columns of an indicator block that has no header row, from its first row: a 一级 name,
/// then a 二级 cell holding `二级名：target` (or a 二级 name, a 三级 name and one value). Cells
/// left of the 一级 are the block's label.
pub fn implicit_header(row: &Row, width: usize) -> Option<Vec<RoleSpan>> {
    let cells: Vec<(usize, &str)> = row.filled().map(|(c, x)| (c, x.text.as_str())).collect();
    let i1 = cells
        .iter()
        .position(|(_, t)| super::super::vocab::is_level1_name(t))?;
    let rest = &cells[i1 + 1..];
    let span = |start: usize, end: usize, role: Role| RoleSpan {
        start,
        end,
        back: start,
        prefer_back: false,
        role,
    };
    let mut spans: Vec<RoleSpan> = cells[..i1]
        .iter()
        .map(|(c, _)| span(*c, *c, Role::Outer))
        .collect();
    let c1 = cells[i1].0;
    match rest {
        [(c2, t)] if super::super::header::level2_lead(t) => {
            spans.push(span(c1, c2 - 1, Role::Level1));
            spans.push(span(*c2, width.max(c2 + 1) - 1, Role::Level2));
            spans.push(span(width + 1, width + 1, Role::Value("指标值".into())));
        }
        [(c2, t2), (c3, _), (c4, t4)]
            if super::super::vocab::is_level2_name(t2) && value::is_strong_value(t4) =>
        {
            spans.push(span(c1, c2 - 1, Role::Level1));
            spans.push(span(*c2, c3 - 1, Role::Level2));
            spans.push(span(*c3, c4 - 1, Role::Level3));
            spans.push(span(
                *c4,
                width.max(c4 + 1) - 1,
                Role::Value("指标值".into()),
            ));
        }
        _ => return None,
    }
    Some(spans)
}

/// Correct the header's roles by what the block's cells hold: a 三级 column (指标名称) that
/// holds 二级 names where the header has no 二级 column is the 二级 column of a table without
/// 三级 (指标类型 | 指标名称 | 指标值).
pub fn refine_by_content(spans: &mut [RoleSpan], body: &[Row]) {
    if spans.iter().any(|s| s.role == Role::Level2) {
        return;
    }
    let Some(j3) = spans.iter().position(|s| s.role == Role::Level3) else {
        return;
    };
    let (start, end) = (spans[j3].start, spans[j3].end);
    let texts: Vec<&str> = body
        .iter()
        .take(60)
        .filter_map(|r| r.filled().find(|(c, _)| start <= *c && *c <= end))
        .map(|(_, x)| x.text.as_str())
        .collect();
    let named = texts
        .iter()
        .filter(|t| super::super::vocab::is_level2_name(t))
        .count();
    if named >= 2 && named * 2 >= texts.len() {
        spans[j3].role = Role::Level2;
    }
}

/// Header cells left of the first level column are not indicator columns: a context column of
/// a flat export where the header names one (项目名称, 预算数), else a label merged down the left
/// of the block (绩效指标, 年度绩效目标(90分)), which holds no value.
fn left_of_levels(filled: &[(usize, &str, u32)], roles: &mut [Option<Role>]) {
    let Some(first_level) = roles
        .iter()
        .position(|r| r.as_ref().is_some_and(|r| r.is_label()))
    else {
        return;
    };
    for (i, role) in roles.iter_mut().enumerate().take(first_level) {
        // A code or other attribute column may stand first (指标编码 | 一级指标 | …).
        if matches!(
            role,
            Some(
                Role::Outer
                    | Role::Code
                    | Role::Weight
                    | Role::Score
                    | Role::Direction
                    | Role::Attr(_)
            )
        ) {
            continue;
        }
        *role = Some(super::super::vocab::context_role(filled[i].1).unwrap_or(Role::Outer));
    }
}
