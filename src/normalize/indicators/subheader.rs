//! A second header row under an indicator block's value columns (`指标值` over
//! `望亭镇 | 东渚街道`, `评分标准` over `优 | 良 | 中 | 差`): which rows are one, and how it
//! splits and names the columns under it.

use super::super::canon::{self, canonical};
use super::super::shift::RoleSpan;
use super::super::value;
use super::super::vocab::{Role, header_role};

/// The cells of a row that fall within a block's columns.
pub(super) fn inside<'r>(spans: &[RoleSpan], cells: &[(usize, &'r str)]) -> Vec<(usize, &'r str)> {
    cells
        .iter()
        .copied()
        .filter(|(c, _)| {
            spans.first().is_some_and(|s| s.start <= *c)
                && spans.last().is_some_and(|s| *c <= s.end)
        })
        .collect()
}

/// Every cell must sit under a value column and read as a name, not a value.
pub(super) fn names_value_columns(spans: &[RoleSpan], inside: &[(usize, &str)]) -> bool {
    inside.iter().all(|(c, t)| {
        spans.iter().any(|s| {
            s.start <= *c
                && *c <= s.end
                && matches!(s.role, Role::Value(_) | Role::Extra(_) | Role::Attr(_))
        }) && (!value::is_strong_value(t) || is_column_name(t))
            && !value::is_operator_cell(t)
    })
}

/// The block's spans with each value column the sub-header covers split into one column per
/// sub-header cell.
pub(super) fn split(spans: &[RoleSpan], inside: &[(usize, &str)]) -> Vec<RoleSpan> {
    let has_value = spans.iter().any(|s| matches!(s.role, Role::Value(_)));
    let mut new_spans = Vec::new();
    for s in spans {
        let subs: Vec<&(usize, &str)> = inside
            .iter()
            .filter(|(c, _)| s.start <= *c && *c <= s.end)
            .collect();
        let parent = match &s.role {
            Role::Value(n) | Role::Extra(n) | Role::Attr(n) if !subs.is_empty() => n.clone(),
            _ => {
                new_spans.push(s.clone());
                continue;
            }
        };
        for (k, (c, t)) in subs.iter().enumerate() {
            let end = subs.get(k + 1).map(|n| n.0 - 1).unwrap_or(s.end);
            let start = if k == 0 { s.start } else { *c };
            new_spans.push(RoleSpan {
                start,
                end,
                back: start,
                prefer_back: false,
                role: sub_role(&s.role, &parent, &canonical(t), has_value),
            });
        }
    }
    new_spans
}

/// The role of a sub-header column `sub` under a header column of role `role` named `parent`.
fn sub_role(role: &Role, parent: &str, sub: &str, has_value: bool) -> Role {
    match header_role(sub) {
        Some(Role::Value(n)) => Role::Value(n),
        // A sub-header that names a value (`预期2022年实现值`) is a value column, whatever
        // header the extraction put it under.
        _ if is_column_name(sub) => Role::Value(sub.to_string()),
        _ => match role {
            // One column per recipient (指标值 over 甲镇 | 乙镇): the recipient names the column.
            Role::Value(_) => Role::Value(sub.to_string()),
            // Grades of a standard (优 | 良 | 中 | 差) are the targets of a block that has no
            // value column of its own.
            Role::Attr(_) if has_value => Role::Attr(format!("{parent}（{sub}）")),
            Role::Attr(_) => Role::Value(format!("{parent}（{sub}）")),
            _ => Role::Extra(format!("{parent}（{sub}）")),
        },
    }
}

/// A sub-header text that names a value column even though it reads like a date
/// (`2021年实际实现值`, `预期2022年实现值`): it ends the way value column names end.
fn is_column_name(t: &str) -> bool {
    let k = canon::key(t);
    k.ends_with('值') || k.ends_with("目标")
}
