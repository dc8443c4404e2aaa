//! The normalizer: grid → canonical tables. Knows what the parts of a 绩效目标表 are; knows
//! nothing of where the grid came from.
//!
//! A grid is cut into tables at title rows. Each table's rows are read top-down by a small
//! state machine: the banner (title, year, unit note), labelled fields, the funds block, and
//! indicator blocks, each started by its own header row. Each part has its own module of small
//! functions; every repair and every cell that fits nowhere becomes a diagnostic.

pub mod canon;
pub mod diag;
pub mod funds;
pub mod indicators;
pub mod shift;
pub mod value;
pub mod vocab;

use crate::ingest::{Grid, Row, SourcePos};
use crate::model::{Field, Funds, Table, TableKind, TableSource};
use canon::{canonical, key};
use diag::Diags;
use regex::Regex;
use std::sync::LazyLock;

static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})\s*年").unwrap());
static UNIT_NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:金额|资金)?单位\s*[:：]\s*(\S+)$").unwrap());

/// Normalize every grid of an input into tables.
pub fn normalize(grids: &[Grid]) -> Vec<Table> {
    let mut tables = Vec::new();
    for grid in grids {
        let width = grid.width();
        for part in split_tables(&grid.rows) {
            let mut t = build_table(part, width);
            t.source.sheet = grid.sheet.clone();
            t.source.method = Some(grid.extraction.method.clone());
            t.source.confidence = Some(grid.extraction.confidence);
            if !(t.indicators.is_empty() && t.fields.is_empty() && t.funds.items.is_empty()) {
                tables.push(t);
            }
        }
    }
    tables
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

fn is_title(text: &str) -> bool {
    let k = key(text);
    k.ends_with("表") && (k.contains("绩效") || k.contains("目标")) && k.chars().count() >= 6
}

/// Cut the rows into tables: a title row after some content starts a new table.
fn split_tables(rows: &[Row]) -> Vec<&[Row]> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut seen_content = false;
    for (i, row) in rows.iter().enumerate() {
        match single_text(row) {
            Some(t) if is_title(t) => {
                if seen_content {
                    parts.push(&rows[start..i]);
                    start = i;
                    seen_content = false;
                }
            }
            Some(_) => {}
            None => {
                if !row.is_empty() {
                    seen_content = true;
                }
            }
        }
    }
    parts.push(&rows[start..]);
    parts
}

#[derive(PartialEq)]
enum State {
    Banner,
    Fields,
    Funds,
    Indicators,
}

fn build_table(rows: &[Row], width: usize) -> Table {
    let mut diags = Diags::default();
    let mut title: Option<String> = None;
    let mut year: Option<i32> = None;
    let mut unit: Option<String> = None;
    let mut fields: Vec<Field> = Vec::new();
    let mut name_label: Option<&'static vocab::FieldLabel> = None;
    let mut name: Option<String> = None;
    let mut funds = funds::FundsBlock::new();
    let mut funds_pos: Option<SourcePos> = None;
    let mut indicators = Vec::new();
    let mut block: Option<indicators::Block> = None;
    let mut state = State::Banner;
    // The column holding the text of the last field, for continuation lines.
    let mut last_field_col: Option<usize> = None;

    for row in rows {
        if row.is_empty() {
            continue;
        }
        // Banner lines: a single text above the body, or a note anywhere outside indicators.
        if let Some(t) = single_text(row)
            && state != State::Indicators
        {
            let c = canonical(t);
            if title.is_none() && state == State::Banner && is_title(&c) {
                if year.is_none() {
                    year = year_of(&c);
                }
                title = Some(c);
                continue;
            }
            if let Some(m) = UNIT_NOTE.captures(&c) {
                unit = Some(m[1].to_string());
                continue;
            }
            if c.chars().count() <= 14 && YEAR.is_match(&c) && state == State::Banner {
                year = year_of(&c);
                continue;
            }
            if state == State::Banner && title.is_none() && !is_field_row(row) {
                title = Some(c);
                continue;
            }
        }

        if let Some(spans) = indicators::parse_header(row, width) {
            if let Some(b) = block.as_mut() {
                b.flush(&mut indicators);
            }
            block = Some(indicators::Block::new(spans));
            state = State::Indicators;
            continue;
        }

        let first = row.filled().next().map(|(c, cell)| (c, cell.text.as_str()));
        let Some((first_col, first_text)) = first else {
            continue;
        };

        if state == State::Indicators {
            if first_col == 0 && vocab::field_label(first_text).is_some() {
                state = State::Fields;
            } else if let Some(b) = block.as_mut() {
                b.row(row, &mut indicators, &mut diags);
                continue;
            }
        }

        if vocab::is_funds_block_label(first_text) {
            state = State::Funds;
            funds_pos.get_or_insert_with(|| row.pos.clone());
            funds.row(row, true, &mut diags);
            continue;
        }

        if vocab::field_label(first_text).is_some() {
            state = State::Fields;
            let (pairs, col) = field_pairs(row);
            for (label, text) in pairs {
                if let Some(l) = vocab::field_label(&label)
                    && l.is_name
                    && name.is_none()
                {
                    name = Some(text.clone());
                    name_label = Some(l);
                }
                fields.push(Field { label, text });
            }
            last_field_col = col;
            continue;
        }

        if state == State::Funds {
            funds.row(row, false, &mut diags);
            continue;
        }

        // A line that carries on the text of the field above (wrapped text, page break).
        if state == State::Fields
            && first_col > 0
            && row.filled().count() == 1
            && last_field_col.is_some_and(|c| c <= first_col + 1 && first_col <= c + 1)
            && let Some(f) = fields.last_mut()
        {
            f.text.push_str(&canonical(first_text));
            diags.joined(&row.pos, &format!("more text of {}", f.label));
            continue;
        }

        // An unknown label with its text: any label/text pair is a field.
        if first_col == 0 && is_field_row(row) {
            state = State::Fields;
            let (pairs, col) = field_pairs(row);
            fields.extend(pairs.into_iter().map(|(label, text)| Field { label, text }));
            last_field_col = col;
            continue;
        }

        for (_, cell) in row.filled() {
            diags.unplaced(&cell.text, &cell.pos);
        }
    }
    if let Some(b) = block.as_mut() {
        b.flush(&mut indicators);
    }
    let items = std::mem::take(&mut funds.items);
    if let Some(pos) = &funds_pos {
        funds::reconcile(&items, &mut diags, pos);
    }

    let kind = table_kind(title.as_deref(), name_label, &fields);
    let first = rows.iter().find(|r| !r.is_empty());
    let last = rows.iter().rev().find(|r| !r.is_empty());
    Table {
        kind,
        title,
        year,
        name,
        unit: unit.clone(),
        fields,
        funds: Funds {
            unit: unit.or_else(|| funds_pos.as_ref().map(|_| "万元".to_string())),
            items,
        },
        indicators,
        diagnostics: diags.list,
        source: TableSource {
            sheet: None,
            first_page: first.and_then(|r| r.pos.page),
            last_page: last.and_then(|r| r.pos.page),
            first_line: first.and_then(|r| r.pos.line),
            last_line: last.and_then(|r| r.pos.line),
            method: None,
            confidence: None,
        },
    }
}

fn year_of(s: &str) -> Option<i32> {
    YEAR.captures(s).and_then(|m| m[1].parse().ok())
}

/// A row that reads as a label followed by its text.
fn is_field_row(row: &Row) -> bool {
    let cells: Vec<&str> = row.filled().map(|(_, c)| c.text.as_str()).collect();
    cells.len() >= 2
        && cells[0].chars().count() <= 16
        && funds::parse_amount(cells[0]).is_none()
        && cells[1..].iter().all(|t| funds::parse_amount(t).is_none())
}

/// The label/text pairs of a field row (`主管部门 | X | | 实施单位 | Y` holds two), and the
/// column of the last text.
fn field_pairs(row: &Row) -> (Vec<(String, String)>, Option<usize>) {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut last_col = None;
    let mut first = true;
    for (c, cell) in row.filled() {
        let t = canonical(&cell.text);
        if first || vocab::field_label(&t).is_some() {
            pairs.push((t, String::new()));
            first = false;
        } else if let Some(p) = pairs.last_mut() {
            p.1.push_str(&t);
            last_col = Some(c);
        }
    }
    (pairs, last_col)
}

fn table_kind(
    title: Option<&str>,
    name_label: Option<&vocab::FieldLabel>,
    fields: &[Field],
) -> TableKind {
    if let Some(t) = title {
        let k = key(t);
        if k.contains("部门整体") || k.contains("部门预算") {
            return TableKind::DepartmentOverall;
        }
        if k.contains("项目") {
            return TableKind::Project;
        }
    }
    match name_label {
        Some(l) if l.project => TableKind::Project,
        Some(_) => TableKind::DepartmentOverall,
        None if fields
            .iter()
            .any(|f| vocab::field_label(&f.label).is_some_and(|l| l.project)) =>
        {
            TableKind::Project
        }
        None => TableKind::Unknown,
    }
}
