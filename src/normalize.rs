//! The normalizer: grid → canonical tables. Knows what the parts of a 绩效目标表 are; knows
//! nothing of where the grid came from.
//!
//! A grid is cut into tables at title rows. Each table's rows are read top-down by a small
//! state machine: the banner (title, year, unit note), labelled fields, the funds block, and
//! indicator blocks, each started by its own header row. Each part has its own module of small
//! functions; every repair and every cell that fits nowhere becomes a diagnostic.

pub(crate) mod diag;
pub(crate) mod flat;
pub(crate) mod funds;
pub(crate) mod grammar;
pub(crate) mod grammar_rows;
pub(crate) mod header;
pub(crate) mod indicators;
pub(crate) mod shift;
mod table;
pub(crate) mod value;

// The lexicon and text canonicalization sit at the ground floor (readers use them too); they
// stay reachable as `normalize::vocab` / `normalize::canon` for the normalizer's modules.
use crate::grid::{Grid, Method, Row};
use crate::model::{Diagnostic, Severity, Table};
pub(crate) use crate::{canon, vocab};
use canon::key;
use table::build_table;

/// The tables found in an input, and what the normalizer has to say about grids that held none.
#[derive(Debug, Default)]
pub struct Normalized {
    /// The tables, in grid order.
    pub tables: Vec<Table>,
    /// `no_table` for each grid that held none, quoting its cells.
    pub diagnostics: Vec<Diagnostic>,
}

/// Normalize every grid of an input into tables.
pub fn normalize(grids: &[Grid]) -> Vec<Table> {
    normalize_all(grids).tables
}

/// Normalize every grid; a grid (a sheet, a page region) that holds no performance target table
/// is reported, with what it held, instead of becoming an empty table.
pub fn normalize_all(grids: &[Grid]) -> Normalized {
    let mut out = Normalized::default();
    for grid in grids {
        let before = out.tables.len();
        // Text read as a stream of cells: rows rebuilt by the table's grammar first.
        let rebuilt = grammar::is_stream(grid)
            .then(|| grammar::rebuild(grid))
            .flatten();
        let grid = rebuilt.as_ref().unwrap_or(grid);
        let width = grid.width();
        for part in split_tables(&grid.rows) {
            let mut t = build_table(part, width, max_shift(grid.extraction.method));
            t.source.sheet = grid.sheet.clone();
            t.source.method = Some(grid.extraction.method.name().to_string());
            t.source.confidence = Some(grid.extraction.confidence);
            // A table is its indicators: a title or funds with none is not a table read, and
            // says so (no_table) rather than passing as an empty success.
            let is_table = !t.indicators.is_empty();
            if is_table {
                out.tables.extend(flat::split_projects(t));
            } else if part.iter().any(|r| !r.is_empty()) {
                let texts: Vec<String> = part
                    .iter()
                    .flat_map(|r| r.filled().map(|(_, c)| c.text.clone()))
                    .collect();
                let first = part.iter().find(|r| !r.is_empty()).map(|r| r.pos.clone());
                let mut pos = first.unwrap_or_default();
                pos.sheet = grid.sheet.clone();
                let where_ = match &grid.sheet {
                    Some(s) => format!("on sheet {s}"),
                    None => "in this part of the input".to_string(),
                };
                let mut quoted: String = texts.join(" | ");
                if quoted.chars().count() > 300 {
                    quoted = quoted.chars().take(300).collect::<String>() + "…";
                }
                out.diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    code: "no_table".into(),
                    message: format!(
                        "no indicator table found {where_}; {} non-empty cells left unread: {quoted}",
                        texts.len()
                    ),
                    source: diag::source(&pos),
                });
            }
        }
        flat::place_hidden(
            &grid.hidden,
            &mut out.tables[before..],
            &mut out.diagnostics,
        );
    }
    out
}

/// How far rows may be moved back: cells of a workbook or a ruled PDF table are exactly where
/// the author put them; extracted text drifts.
fn max_shift(method: Method) -> i32 {
    if method.exact_columns() {
        0
    } else {
        shift::MAX_SHIFT
    }
}

/// The text of a row that holds a single text (a banner line), however many columns its
/// merge covers.
fn single_text(row: &Row) -> Option<&str> {
    let mut it = row.filled();
    let (_, first) = it.next()?;
    if it.all(|(_, c)| c.text == first.text) {
        Some(first.text.as_str())
    } else {
        None
    }
}

/// Cut the rows into tables: a title row after some content starts a new table.
fn split_tables(rows: &[Row]) -> Vec<&[Row]> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut seen_content = false;
    let mut name_seen: Vec<Option<String>> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        match single_text(row) {
            Some(t) if vocab::is_title_text(t) => {
                if seen_content {
                    // Marks standing over the title (表十二, 附件3) open the new table too.
                    let mut cut = i;
                    while cut > start + 1
                        && single_text(&rows[cut - 1]).is_some_and(|m| m.chars().count() <= 8)
                    {
                        cut -= 1;
                    }
                    parts.push(&rows[start..cut]);
                    start = cut;
                    seen_content = false;
                    name_seen.clear();
                }
            }
            Some(_) => {}
            None => {
                // Tables stacked with no title between them: the second opens where the name
                // label of the first comes again (项目名称 | 甲 … 项目名称 | 乙).
                let name = name_label_of(row);
                if name.is_some() && name_seen.contains(&name) && i > start {
                    parts.push(&rows[start..i]);
                    start = i;
                    name_seen.clear();
                }
                if name.is_some() {
                    name_seen.push(name);
                }
                if !row.is_empty() {
                    seen_content = true;
                }
            }
        }
    }
    parts.push(&rows[start..]);
    parts
}

/// The name label a row opens with (项目名称, 单位名称), as its key.
fn name_label_of(row: &Row) -> Option<String> {
    let (_, first) = row.filled().next()?;
    vocab::field_label(&first.text)
        .filter(|l| l.is_name)
        .map(|l| key(l.label))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{Cell, SourcePos};
    use crate::model::TableKind;

    /// A row of cells as written left to right; an empty string is an empty cell.
    pub(crate) fn row(cells: &[&str]) -> Row {
        Row {
            cells: cells
                .iter()
                .map(|t| (!t.is_empty()).then(|| Cell::new(*t, SourcePos::default())))
                .collect(),
            ..Row::default()
        }
    }

    fn rows(lines: &[&[&str]]) -> Vec<Row> {
        lines.iter().map(|l| row(l)).collect()
    }

    const TITLE: &[&str] = &["2024年度项目支出绩效目标表"];
    const HEADER: &[&str] = &["一级指标", "二级指标", "三级指标", "指标值"];
    const INDICATOR: &[&str] = &["产出指标", "数量指标", "培训人数", "≥100人"];

    #[test]
    fn a_title_row_after_content_opens_a_new_table() {
        let rows = rows(&[
            TITLE,
            &["项目名称", "甲项目"],
            HEADER,
            INDICATOR,
            &["表十二"],
            TITLE,
            &["项目名称", "乙项目"],
        ]);
        let parts = split_tables(&rows);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].len(), 4);
        // The mark over the second title opens the second table with it.
        assert_eq!(parts[1][0].text(0), "表十二");
        assert_eq!(parts[1][2].text(1), "乙项目");
    }

    #[test]
    fn a_unit_note_run_onto_a_banner_field_is_split_off() {
        // A PDF banner cell: `编制单位: 813-潼南区五桂镇 单位:万元` (corpus-real 03).
        let rows = rows(&[
            &["2023年一般性项目绩效目标表(一级项目)"],
            &["编制单位: 813-潼南区五桂镇 单位:万元"],
            &["专项资金名称", "甲项目"],
            HEADER,
            INDICATOR,
        ]);
        let t = table::build_table(&rows, 4, 1);
        let f = t.fields.iter().find(|f| f.label == "编制单位：").unwrap();
        assert_eq!(f.text, "813-潼南区五桂镇");
        assert_eq!(t.unit.as_deref(), Some("万元"));
    }

    #[test]
    fn a_sentence_under_a_funds_block_is_a_field() {
        // A web copy (corpus-real 07): the 年度目标 label cut to `年度`, its text under funds.
        let goal = "文化惠民工程，主要用于送戏进万村，按照明年的任务70个行政村，每村4400元。";
        let rows = rows(&[
            TITLE,
            &["项目名称", "甲项目"],
            &["项目资金", "年度资金总额:", "5.00"],
            &["", "其中:财政拨款", "5.00"],
            &["年度", goal],
            HEADER,
            INDICATOR,
        ]);
        let t = table::build_table(&rows, 4, 1);
        assert_eq!(t.funds.items.len(), 2);
        let f = t.fields.iter().find(|f| f.label == "年度").unwrap();
        assert_eq!(f.text, crate::canon::canonical(goal));
    }

    #[test]
    fn a_title_row_before_any_content_opens_no_table() {
        let rows = rows(&[TITLE, TITLE, &["项目名称", "甲项目"], HEADER, INDICATOR]);
        assert_eq!(split_tables(&rows).len(), 1);
    }

    #[test]
    fn a_repeated_name_label_opens_a_new_table() {
        let rows = rows(&[
            &["项目名称", "甲项目"],
            HEADER,
            INDICATOR,
            &["项目名称", "乙项目"],
            HEADER,
            INDICATOR,
        ]);
        let parts = split_tables(&rows);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1][0].text(1), "乙项目");
        let second = build_table(parts[1], 4, 0);
        assert_eq!(second.name.as_deref(), Some("乙项目"));
        assert_eq!(second.indicators.len(), 1);
    }

    #[test]
    fn footer_rows_are_fields_not_indicators() {
        let rows = rows(&[
            TITLE,
            &["项目名称", "甲项目"],
            HEADER,
            INDICATOR,
            &["审核意见", "同意"],
            &["填表人：张三"],
        ]);
        let t = build_table(&rows, 4, 0);
        assert_eq!(t.indicators.len(), 1);
        assert_eq!(t.indicators[0].level3.as_deref(), Some("培训人数"));
        let fields: Vec<(&str, &str)> = t
            .fields
            .iter()
            .map(|f| (f.label.as_str(), f.text.as_str()))
            .collect();
        assert!(fields.contains(&("审核意见", "同意")), "{fields:?}");
        assert!(fields.contains(&("填表人", "张三")), "{fields:?}");
        assert_eq!(t.title.as_deref(), Some("2024年度项目支出绩效目标表"));
        assert_eq!(t.year, Some(2024));
        assert_eq!(t.kind, TableKind::Project);
    }

    #[test]
    fn a_table_is_read_from_its_own_left_edge() {
        let rows = rows(&[
            &["", "项目名称", "甲项目"],
            &["", "一级指标", "二级指标", "三级指标", "指标值"],
            &["", "产出指标", "数量指标", "培训人数", "≥100人"],
        ]);
        let t = build_table(&rows, 5, 0);
        assert_eq!(t.name.as_deref(), Some("甲项目"));
        assert_eq!(t.indicators[0].level1.as_deref(), Some("产出指标"));
    }

    #[test]
    fn a_funds_block_label_starts_the_funds_and_its_amounts_follow() {
        let rows = rows(&[
            &["项目名称", "甲项目"],
            &["项目资金（万元）", "年度资金总额", "387.00"],
            &["", "其中：财政拨款", "387.00"],
            HEADER,
            INDICATOR,
        ]);
        let t = build_table(&rows, 4, 0);
        let items: Vec<(String, Vec<f64>)> = t
            .funds
            .items
            .iter()
            .map(|i| {
                (
                    i.path.join("/"),
                    i.values.iter().map(|v| v.amount).collect(),
                )
            })
            .collect();
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(items[0], ("年度资金总额".to_string(), vec![387.0]));
        assert_eq!(t.funds.unit.as_deref(), Some("万元"));
        assert_eq!(t.indicators.len(), 1);
    }
}
