//! The normalizer: grid → canonical tables. Knows what the parts of a 绩效目标表 are; knows
//! nothing of where the grid came from.
//!
//! A grid is cut into tables at title rows. Each table's rows are read top-down by a small
//! state machine: the banner (title, year, unit note), labelled fields, the funds block, and
//! indicator blocks, each started by its own header row. Each part has its own module of small
//! functions; every repair and every cell that fits nowhere becomes a diagnostic.

pub mod diag;
pub mod flat;
pub mod funds;
pub mod grammar;
pub mod grammar_rows;
pub mod header;
pub mod indicators;
pub mod shift;
pub mod value;

// The lexicon and text canonicalization sit at the ground floor (readers use them too); they
// stay reachable as `normalize::vocab` / `normalize::canon` for the normalizer's modules.
use crate::grid::{Grid, Method, Row, SourcePos};
use crate::model::{
    Amount, Diagnostic, Field, FundItem, Funds, Severity, Table, TableKind, TableSource,
};
pub use crate::{canon, vocab};
use canon::{canonical, key};
use diag::Diags;
use regex::Regex;
use std::sync::LazyLock;

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)[0-9]{2})[ \t\n]*年").unwrap());
static UNIT_NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:金额|资金)?单位[ \t\n]*[:：][ \t\n]*([^ \t\n]+)$").unwrap());

/// The tables found in an input, and what the normalizer has to say about grids that held none.
#[derive(Debug, Default)]
pub struct Normalized {
    pub tables: Vec<Table>,
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

#[derive(PartialEq)]
enum State {
    Banner,
    Fields,
    Funds,
    Indicators,
}

fn build_table(rows: &[Row], width: usize, max_shift: i32) -> Table {
    // A table need not start at column A: read it from its own left edge.
    let left = rows
        .iter()
        .filter_map(|r| r.filled().next().map(|(c, _)| c))
        .min()
        .unwrap_or(0);
    let trimmed: Vec<Row>;
    let (rows, width) = if left > 0 {
        trimmed = rows
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.cells.drain(..left.min(r.cells.len()));
                r
            })
            .collect();
        (&trimmed[..], width.saturating_sub(left))
    } else {
        (rows, width)
    };
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
    let mut block: Option<indicators::BlockSet> = None;
    // Names of indicator sets from a row above a header (实施期绩效指标 | 年度绩效指标).
    let mut set_titles: Vec<(usize, String)> = Vec::new();
    let mut state = State::Banner;
    // The column holding the text of the last field, for continuation lines.
    let mut last_field_col: Option<usize> = None;

    // Rows under a section label merged down the left (基本信息 over its pairs), and the
    // column labels over `label：amount` lines.
    let mut section_until: Option<usize> = None;
    let mut parents: Vec<(usize, String)> = Vec::new();
    let mut pair_funds: Vec<FundItem> = Vec::new();
    for (ri, row) in rows.iter().enumerate() {
        if row.is_empty() {
            continue;
        }
        // Note lines around the table: every cell a `label：text` (填报单位：…（盖章）, 单位：万元).
        if state != State::Indicators
            && let Some(notes) = note_cells(row)
        {
            for (l, t) in notes {
                if matches!(l.as_str(), "单位" | "金额单位" | "资金单位") {
                    unit = Some(t);
                } else {
                    fields.push(Field { label: l, text: t });
                }
            }
            continue;
        }
        // Banner lines: a single text above the body, or a note anywhere outside indicators.
        if let Some(t) = single_text(row)
            && state != State::Indicators
        {
            let c = canonical(t);
            // A real title under a mark taken for one (表十二, 附件3) takes its place.
            if state == State::Banner
                && vocab::is_title_text(&c)
                && title.as_deref().is_none_or(|t| !vocab::is_title_text(t))
            {
                if let Some(mark) = title.take() {
                    fields.push(Field {
                        label: String::new(),
                        text: mark,
                    });
                }
                if year.is_none() {
                    year = year_of(&c);
                }
                title = Some(c);
                continue;
            }
            if c.contains("单位")
                && let Some(m) = UNIT_NOTE.captures(&c)
            {
                unit = Some(m[1].to_string());
                continue;
            }
            if c.chars().count() <= 14
                && c.contains('年')
                && YEAR.is_match(&c)
                && state == State::Banner
            {
                year = year_of(&c);
                continue;
            }
            if state == State::Banner && title.is_none() && !is_field_row(row) {
                title = Some(c);
                continue;
            }
        }

        let implicit = if state == State::Indicators {
            None
        } else {
            indicators::implicit_header(row, width)
        };
        if let Some(spans) = implicit {
            if let Some(b) = block.take() {
                b.finish(&mut indicators);
            }
            let mut set = indicators::BlockSet::new(spans, &set_titles, max_shift);
            set.row(row, &mut diags);
            block = Some(set);
            state = State::Indicators;
            continue;
        }
        if let Some(mut spans) = indicators::parse_header(row, width, max_shift == 0) {
            indicators::refine_by_content(&mut spans, &rows[ri + 1..]);
            // In extracted text the header row is damaged like any other: a header that does
            // not start in the table's first column was shifted right.
            let first = spans.first().map_or(0, |s| s.start);
            // Unless the rows below fill those columns: then they are a block label column
            // the header leaves empty (绩效指标 merged down the left), not a shift.
            let label_column = rows[ri + 1..]
                .iter()
                .take(8)
                .filter(|r| r.filled().next().is_some_and(|(c, _)| c < first))
                .count()
                >= 1
                && first > 0;
            if label_column {
                spans.insert(
                    0,
                    shift::RoleSpan {
                        start: 0,
                        end: first - 1,
                        back: 0,
                        prefer_back: false,
                        role: vocab::Role::Outer,
                    },
                );
            } else if max_shift > 0 && first > 0 {
                for s in spans.iter_mut() {
                    s.start -= first;
                    s.end -= first;
                    s.back = s.back.saturating_sub(first);
                }
                diags.shift(&row.pos, first as i32, "the header of an indicator block");
            }
            if let Some(b) = block.take() {
                b.finish(&mut indicators);
            }
            block = Some(indicators::BlockSet::new(spans, &set_titles, max_shift));
            set_titles.clear();
            state = State::Indicators;
            continue;
        }
        if state == State::Indicators
            && let Some(b) = block.as_mut()
            && b.sub_header(row)
        {
            continue;
        }
        if row.filled().count() >= 2
            && row
                .filled()
                .all(|(_, c)| vocab::header_role(&c.text) == Some(vocab::Role::Outer))
        {
            set_titles = row.filled().map(|(c, x)| (c, canonical(&x.text))).collect();
            continue;
        }

        let first = row.filled().next().map(|(c, cell)| (c, cell.text.as_str()));
        let Some((first_col, first_text)) = first else {
            continue;
        };

        if state == State::Indicators {
            if first_col == 0
                && (vocab::field_label(first_text).is_some() || vocab::is_footer_text(first_text))
            {
                state = State::Fields;
            } else if let Some(b) = block.as_mut() {
                b.row(row, &mut diags);
                continue;
            }
        }

        // The funds block starts at its label, or at a header row above it that names text
        // columns and amounts (任务名称 | 主要内容 | 预算金额（万元）): text extraction puts a label
        // merged down the block's rows on a middle line, below the first header row.
        // Inside a funds block, a line whose label reads like a block label (项目资金) but
        // carries its amount is a line of the block.
        let line_of_block = state == State::Funds
            && row
                .filled()
                .any(|(_, c)| funds::parse_amount(&c.text).is_some());
        if (vocab::is_funds_block_label(first_text)
            && !header::is_amount_pair_row(row)
            && !line_of_block)
            || (state != State::Funds && is_funds_header_row(row))
        {
            state = State::Funds;
            funds_pos.get_or_insert_with(|| row.pos.clone());
            funds.row(row, true, &mut diags);
            continue;
        }

        // A note under the table (注：…) is a field of its own.
        if vocab::is_footer_text(first_text)
            && row.filled().count() == 1
            && let Some((l, t)) = canonical(first_text)
                .split_once('：')
                .map(|(l, t)| (l.to_string(), t.to_string()))
        {
            state = State::Fields;
            fields.push(Field {
                label: canon::label(&l),
                text: t.trim().to_string(),
            });
            continue;
        }
        let under_section = section_until.is_some_and(|end| ri < end);
        if let Some(p) = header::parent_labels(row, rows.get(ri + 1)) {
            parents = p;
            continue;
        }
        let known = vocab::field_label(first_text).is_some();
        if known
            || (state != State::Funds
                && (first_col == 0 || under_section)
                && header::is_pair_row(row))
        {
            state = State::Fields;
            if let Some(first) = row.filled().next().map(|(_, c)| c)
                && first.row_span > 1
            {
                section_until = Some(ri + first.row_span as usize);
            }
            let pairs = header::read(row, if under_section { &parents } else { &[] });
            if let Some(s) = pairs.section {
                diags.push(
                    Severity::Info,
                    "section_label",
                    format!("section label {s}"),
                    &row.pos,
                );
            }
            for item in pairs.items {
                match item {
                    header::Item::Field { label, text } => {
                        // A project's name wins over its unit's (预算单位 above 项目名称).
                        if let Some(l) = vocab::field_label(&label)
                            && l.is_name
                            && (name.is_none()
                                || (l.project && !name_label.is_some_and(|n| n.project)))
                        {
                            name = Some(text.clone());
                            name_label = Some(l);
                        }
                        fields.push(Field { label, text });
                    }
                    header::Item::Unit(u) => unit = Some(u),
                    header::Item::Amount { path, amount } => {
                        funds_pos.get_or_insert_with(|| row.pos.clone());
                        pair_funds.push(FundItem {
                            path,
                            values: amount
                                .map(|a| Amount {
                                    column: funds::NO_HEADER_COLUMN.to_string(),
                                    amount: a,
                                })
                                .into_iter()
                                .collect(),
                            details: Vec::new(),
                        });
                    }
                }
            }
            last_field_col = pairs.last_col;
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

        for (_, cell) in row.filled() {
            diags.unplaced(&cell.text, &cell.pos);
        }
    }
    if let Some(b) = block.take() {
        b.finish(&mut indicators);
    }
    let mut items = pair_funds;
    items.append(&mut funds.items);
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

/// A row naming the text columns and the amount columns of a funds table, with no amount.
fn is_funds_header_row(row: &Row) -> bool {
    let texts: Vec<&str> = row.filled().map(|(_, c)| c.text.as_str()).collect();
    texts.iter().any(|t| vocab::is_funds_text_header(t))
        && texts.iter().any(|t| vocab::is_amount_header(t))
        && !texts.iter().any(|t| funds::parse_amount(t).is_some())
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

/// The cells of a note line, when every cell is `label：text` with a note label.
fn note_cells(row: &Row) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (_, cell) in row.filled() {
        let t = canonical(&cell.text);
        let (l, rest) = t.split_once('：').or_else(|| t.split_once(':'))?;
        if !vocab::is_note_label(l) || rest.trim().is_empty() {
            return None;
        }
        out.push((canon::label(l), rest.trim().to_string()));
    }
    (!out.is_empty()).then_some(out)
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
