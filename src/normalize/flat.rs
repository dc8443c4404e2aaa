//! Flat exports of several projects: budget systems export many projects in one sheet, each
//! row carrying its project's context cells (单位名称 | 项目名称 | 预算数 | 年度目标) in front of
//! the indicator columns, merged over the project's rows or repeated on each. Each project
//! becomes a table of its own: kind project, its name from the 项目名称 cell, the other context
//! cells as its fields, and an amount among them (预算数) as its funds.

use super::funds::{NO_HEADER_COLUMN, parse_amount};
use super::vocab;
use crate::grid::Cell;
use crate::model::{Amount, Diagnostic, Field, FundItem, Indicator, Severity, Table, TableKind};

/// Cut `t` into one table per project where its indicators carry context cells; a table
/// without them comes back as it is.
pub fn split_projects(mut t: Table) -> Vec<Table> {
    if t.indicators.iter().all(|i| i.context.is_empty()) {
        return vec![t];
    }
    let inds = std::mem::take(&mut t.indicators);
    let mut groups: Vec<(Vec<Field>, Vec<Indicator>)> = Vec::new();
    for ind in inds {
        let key = project_key(&ind.context);
        match groups.last_mut() {
            Some((ctx, list)) if project_key(ctx) == key => list.push(ind),
            _ => groups.push((ind.context.clone(), vec![ind])),
        }
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(k, (ctx, list))| project_table(&t, &ctx, list, k == 0))
        .collect()
}

/// What tells one project from the next: its name cell where the export has one, else all its
/// context cells.
fn project_key(ctx: &[Field]) -> Vec<&str> {
    let names: Vec<&str> = ctx
        .iter()
        .filter(|f| vocab::field_label(&f.label).is_some_and(|l| l.is_name && l.project))
        .map(|f| f.text.as_str())
        .collect();
    if names.is_empty() {
        ctx.iter().map(|f| f.text.as_str()).collect()
    } else {
        names
    }
}

/// `first`: the table's own diagnostics stay with the first project's table.
fn project_name(ctx: &[Field]) -> Option<String> {
    ctx.iter()
        .find(|f| vocab::field_label(&f.label).is_some_and(|l| l.is_name && l.project))
        .map(|f| f.text.clone())
}

fn project_table(base: &Table, ctx: &[Field], indicators: Vec<Indicator>, first: bool) -> Table {
    let mut t = Table {
        indicators,
        fields: base.fields.clone(),
        funds: base.funds.clone(),
        diagnostics: Vec::new(),
        ..base.clone()
    };
    t.kind = TableKind::Project;
    let mut name_rank = 0;
    for f in ctx {
        let label = vocab::field_label(&f.label);
        let rank = match label {
            Some(l) if l.is_name && l.project => 2,
            Some(l) if l.is_name => 1,
            _ => 0,
        };
        if rank > name_rank {
            t.name = Some(f.text.clone());
            name_rank = rank;
        }
        match parse_amount(&f.text) {
            // A column headed like an amount column (预算数) names the amount of the project's
            // funds line; another money label (资金总额) is the line itself.
            Some(amount) if vocab::is_amount_header(&f.label) => {
                t.funds.items.push(FundItem {
                    path: vec![project_name(ctx).unwrap_or_else(|| f.label.clone())],
                    values: vec![Amount {
                        column: f.label.clone(),
                        amount,
                    }],
                    details: Vec::new(),
                });
                t.funds.unit.get_or_insert_with(|| "万元".to_string());
            }
            Some(amount) if vocab::is_money_label(&f.label) => {
                t.funds.items.push(FundItem {
                    path: vec![f.label.clone()],
                    values: vec![Amount {
                        column: NO_HEADER_COLUMN.to_string(),
                        amount,
                    }],
                    details: Vec::new(),
                });
                t.funds.unit.get_or_insert_with(|| "万元".to_string());
            }
            _ => t.fields.push(f.clone()),
        }
    }
    if first {
        t.diagnostics = base.diagnostics.clone();
    }
    for i in t.indicators.iter_mut() {
        i.context.clear();
    }
    t
}

/// Place the cells of hidden rows and columns that the table leaves out: a code on an
/// indicator's row (a hidden 指标编码 column: ZB001, JX-01) fills its `code`; every other
/// hidden cell is quoted in a `hidden_cell` diagnostic, so nothing is lost.
pub fn place_hidden(hidden: &[Cell], tables: &mut [Table], diags: &mut Vec<Diagnostic>) {
    for cell in hidden {
        let row_of = |i: &Indicator| {
            i.source.row.is_some()
                && i.source.row == cell.pos.row
                && i.source.sheet == cell.pos.sheet
        };
        let target = tables
            .iter_mut()
            .flat_map(|t| t.indicators.iter_mut())
            .find(|i| row_of(i) && i.code.is_none());
        match target {
            Some(ind) if is_code(&cell.text) => ind.code = Some(cell.text.trim().to_string()),
            _ => diags.push(Diagnostic {
                severity: Severity::Info,
                code: "hidden_cell".into(),
                message: format!(
                    "cell in a hidden row or column, left out of the table: {:?}",
                    cell.text
                ),
                source: super::diag::source(&cell.pos),
            }),
        }
    }
}

/// A code as budget systems write them: ASCII letters and digits (with - _ .), a digit in it.
fn is_code(t: &str) -> bool {
    let t = t.trim();
    let letters = t.chars().any(|c| c.is_ascii_alphabetic());
    (2..=24).contains(&t.len())
        && t.chars().any(|c| c.is_ascii_digit())
        && (letters || t.len() >= 4)
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(project: &str, l3: &str) -> Indicator {
        Indicator {
            level3: Some(l3.into()),
            context: vec![
                Field {
                    label: "项目名称".into(),
                    text: project.into(),
                },
                Field {
                    label: "预算数".into(),
                    text: "12.5".into(),
                },
                Field {
                    label: "年度目标".into(),
                    text: "完成".into(),
                },
            ],
            ..Indicator::default()
        }
    }

    #[test]
    fn each_project_of_a_flat_export_is_a_table() {
        let t = Table {
            indicators: vec![ind("甲项目", "a"), ind("甲项目", "b"), ind("乙项目", "c")],
            ..Table::default()
        };
        let out = split_projects(t);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].name.as_deref(), Some("甲项目"));
        assert_eq!(out[0].indicators.len(), 2);
        assert_eq!(out[1].name.as_deref(), Some("乙项目"));
        assert_eq!(out[1].kind, TableKind::Project);
        assert_eq!(out[1].funds.items[0].path, vec!["乙项目".to_string()]);
        assert_eq!(out[1].funds.items[0].values[0].column, "预算数");
        assert_eq!(out[1].funds.items[0].values[0].amount, 12.5);
        assert!(
            out[1]
                .fields
                .iter()
                .any(|f| f.label == "年度目标" && f.text == "完成")
        );
        assert!(out[1].indicators.iter().all(|i| i.context.is_empty()));
    }
}
