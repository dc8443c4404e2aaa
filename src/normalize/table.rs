//! One table's rows read top-down into a `Table` by a small state machine: the banner (title,
//! year, unit note), labelled fields, the funds block, and indicator blocks, each started by
//! its own header row. Each step takes a row or leaves it to the next.

use super::canon::{self, canonical, key};
use super::diag::Diags;
use super::{funds, header, indicators, shift, single_text, vocab};
use crate::grid::{Row, SourcePos};
use crate::model::{self, Amount, Field, FundItem, Funds, Severity, Table, TableKind, TableSource};
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)[0-9]{2})[ \t\n]*年").unwrap());
static UNIT_NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:金额|资金)?单位[ \t\n]*[:：][ \t\n]*([^ \t\n]+)$").unwrap());

#[derive(PartialEq)]
enum State {
    Banner,
    Fields,
    Funds,
    Indicators,
}

/// Read one table's rows top-down into a table.
pub(super) fn build_table(rows: &[Row], width: usize, max_shift: i32) -> Table {
    let (rows, width) = from_left_edge(rows, width);
    let mut reader = TableReader::new(width, max_shift);
    for ri in 0..rows.len() {
        reader.row(&rows, ri);
    }
    reader.finish(&rows)
}

/// A table need not start at column A: its rows as read from its own left edge, and its width.
fn from_left_edge(rows: &[Row], width: usize) -> (Cow<'_, [Row]>, usize) {
    let left = rows
        .iter()
        .filter_map(|r| r.filled().next().map(|(c, _)| c))
        .min()
        .unwrap_or(0);
    if left == 0 {
        return (Cow::Borrowed(rows), width);
    }
    let trimmed = rows
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.cells.drain(..left.min(r.cells.len()));
            r
        })
        .collect();
    (Cow::Owned(trimmed), width.saturating_sub(left))
}

/// The state machine that reads a table's rows: each step below takes a row or leaves it to
/// the next, in the order the steps are tried.
struct TableReader {
    width: usize,
    max_shift: i32,
    diags: Diags,
    title: Option<String>,
    year: Option<i32>,
    unit: Option<String>,
    fields: Vec<Field>,
    name_label: Option<&'static vocab::FieldLabel>,
    name: Option<String>,
    funds: funds::FundsBlock,
    funds_pos: Option<SourcePos>,
    indicators: Vec<model::Indicator>,
    block: Option<indicators::BlockSet>,
    /// Names of indicator sets from a row above a header (实施期绩效指标 | 年度绩效指标).
    set_titles: Vec<(usize, String)>,
    state: State,
    /// The column holding the text of the last field, for continuation lines.
    last_field_col: Option<usize>,
    /// Rows under a section label merged down the left (基本信息 over its pairs) end here.
    section_until: Option<usize>,
    /// The column labels over `label：amount` lines.
    parents: Vec<(usize, String)>,
    pair_funds: Vec<FundItem>,
}

impl TableReader {
    fn new(width: usize, max_shift: i32) -> TableReader {
        TableReader {
            width,
            max_shift,
            diags: Diags::default(),
            title: None,
            year: None,
            unit: None,
            fields: Vec::new(),
            name_label: None,
            name: None,
            funds: funds::FundsBlock::new(),
            funds_pos: None,
            indicators: Vec::new(),
            block: None,
            set_titles: Vec::new(),
            state: State::Banner,
            last_field_col: None,
            section_until: None,
            parents: Vec::new(),
            pair_funds: Vec::new(),
        }
    }

    /// Read row `ri` of `rows` (the rows below it tell a header's columns and a label's parents).
    fn row(&mut self, rows: &[Row], ri: usize) {
        let row = &rows[ri];
        if row.is_empty()
            || self.note_line(row)
            || self.banner_line(row)
            || self.block_header(rows, ri)
            || self.sub_header(row)
            || self.set_titles_row(row)
        {
            return;
        }
        let first = row.filled().next().map(|(c, cell)| (c, cell.text.as_str()));
        let Some((first_col, first_text)) = first else {
            return;
        };
        if self.indicator_row(row, first_col, first_text)
            || self.funds_start(row, first_text)
            || self.footer_note(row, first_text)
            || self.parent_labels(rows, ri)
            || self.field_row(rows, ri, first_col, first_text)
            || self.prose_after_funds(rows, ri, first_col, first_text)
            || self.funds_row(row)
            || self.continuation(row, first_col, first_text)
        {
            return;
        }
        for (_, cell) in row.filled() {
            self.diags.unplaced(&cell.text, &cell.pos);
        }
    }

    /// Note lines around the table: every cell a `label：text` (填报单位：…（盖章）, 单位：万元).
    fn note_line(&mut self, row: &Row) -> bool {
        if self.state == State::Indicators {
            return false;
        }
        let Some(notes) = note_cells(row) else {
            return false;
        };
        for (l, t) in notes {
            if matches!(l.as_str(), "单位" | "金额单位" | "资金单位") {
                self.unit = Some(t);
            } else if let Some((head, unit)) = vocab::trailing_unit_note(&t) {
                // `编制单位: 813-潼南区五桂镇 单位:万元` in one banner cell: the unit note
                // at the right of the line ran onto the field's text.
                // The label keeps its colon, as the same table's workbook cell `编制单位:`
                // gives it through the header pairs.
                self.unit = Some(unit.to_string());
                self.fields.push(Field {
                    label: format!("{l}："),
                    text: head.to_string(),
                });
            } else {
                self.fields.push(Field { label: l, text: t });
            }
        }
        true
    }

    /// Banner lines: a single text above the body, or a note anywhere outside indicators.
    fn banner_line(&mut self, row: &Row) -> bool {
        let Some(t) = single_text(row) else {
            return false;
        };
        if self.state == State::Indicators {
            return false;
        }
        let c = canonical(t);
        let banner = self.state == State::Banner;
        // A real title under a mark taken for one (表十二, 附件3) takes its place.
        if banner
            && vocab::is_title_text(&c)
            && self
                .title
                .as_deref()
                .is_none_or(|t| !vocab::is_title_text(t))
        {
            let mut title = c;
            match self.title.take() {
                // The upper lines of a title wrapped over several (`天津市…专项(畜禽粪污` /
                // `资源化利用整县推进项目)2022年` / `…绩效目标表`), joined as a workbook's title cell
                // is read.
                Some(mut upper) if is_title_piece(&upper) => {
                    crate::canon::join_wrapped(&mut upper, &title);
                    title = upper;
                }
                Some(mark) => self.fields.push(Field {
                    label: String::new(),
                    text: mark,
                }),
                None => {}
            }
            if self.year.is_none() {
                self.year = year_of(&title);
            }
            self.title = Some(title);
            return true;
        }
        // A further upper line of a wrapped title, before the line that names the table.
        if banner
            && let Some(upper) = self.title.as_mut()
            && is_title_piece(upper)
            && is_title_piece(&c)
            && !is_field_row(row)
            && !vocab::is_title_text(upper)
        {
            crate::canon::join_wrapped(upper, &c);
            return true;
        }
        if c.contains("单位")
            && let Some(m) = UNIT_NOTE.captures(&c)
        {
            self.unit = Some(m[1].to_string());
            return true;
        }
        if c.chars().count() <= 14 && c.contains('年') && YEAR.is_match(&c) && banner {
            self.year = year_of(&c);
            return true;
        }
        if banner && self.title.is_none() && !is_field_row(row) {
            self.title = Some(c);
            return true;
        }
        false
    }

    /// A header row opens an indicator block: one with no header row of its own (its first
    /// row names a 一级), or a header row naming the block's columns.
    fn block_header(&mut self, rows: &[Row], ri: usize) -> bool {
        let row = &rows[ri];
        if self.state != State::Indicators
            && let Some(spans) = indicators::implicit_header(row, self.width)
        {
            let mut set = indicators::BlockSet::new(spans, &self.set_titles, self.max_shift);
            set.row(row, &mut self.diags);
            self.open_block(set);
            return true;
        }
        let exact = self.max_shift == 0;
        let Some(mut spans) = indicators::parse_header(row, self.width, exact) else {
            return false;
        };
        let below = &rows[ri + 1..];
        indicators::refine_by_content(&mut spans, below);
        let shift = align_header(&mut spans, below, self.max_shift);
        if shift > 0 {
            let what = "the header of an indicator block";
            self.diags.shift(&row.pos, shift as i32, what);
        }
        let set = indicators::BlockSet::new(spans, &self.set_titles, self.max_shift);
        self.open_block(set);
        self.set_titles.clear();
        true
    }

    /// Close the block being read, if any, and read the rows that follow into `set`.
    fn open_block(&mut self, set: indicators::BlockSet) {
        if let Some(b) = self.block.take() {
            b.finish(&mut self.indicators);
        }
        self.block = Some(set);
        self.state = State::Indicators;
    }

    /// A second header row under the block's value columns.
    fn sub_header(&mut self, row: &Row) -> bool {
        self.state == State::Indicators && self.block.as_mut().is_some_and(|b| b.sub_header(row))
    }

    /// A row of set names over the next header (实施期绩效指标 | 年度绩效指标).
    fn set_titles_row(&mut self, row: &Row) -> bool {
        let all_outer = row
            .filled()
            .all(|(_, c)| vocab::header_role(&c.text) == Some(vocab::Role::Outer));
        if row.filled().count() >= 2 && all_outer {
            self.set_titles = row.filled().map(|(c, x)| (c, canonical(&x.text))).collect();
            return true;
        }
        false
    }

    /// A row of the indicator block; a field label or footer in the first column ends it.
    fn indicator_row(&mut self, row: &Row, first_col: usize, first_text: &str) -> bool {
        if self.state != State::Indicators {
            return false;
        }
        if first_col == 0
            && (vocab::field_label(first_text).is_some() || vocab::is_footer_text(first_text))
        {
            self.state = State::Fields;
            return false;
        }
        match self.block.as_mut() {
            Some(b) => {
                b.row(row, &mut self.diags);
                true
            }
            None => false,
        }
    }

    /// The funds block starts at its label, or at a header row above it that names text
    /// columns and amounts (任务名称 | 主要内容 | 预算金额（万元）): text extraction puts a label
    /// merged down the block's rows on a middle line, below the first header row.
    fn funds_start(&mut self, row: &Row, first_text: &str) -> bool {
        // Inside a funds block, a line whose label reads like a block label (项目资金) but
        // carries its amount is a line of the block.
        let line_of_block = self.state == State::Funds
            && row
                .filled()
                .any(|(_, c)| funds::parse_amount(&c.text).is_some());
        let starts = (vocab::is_funds_block_label(first_text)
            && !header::is_amount_pair_row(row)
            && !line_of_block)
            || (self.state != State::Funds && is_funds_header_row(row));
        if starts {
            self.state = State::Funds;
            self.funds_pos.get_or_insert_with(|| row.pos.clone());
            self.funds.row(row, true, &mut self.diags);
        }
        starts
    }

    /// A note under the table (注：…) is a field of its own.
    fn footer_note(&mut self, row: &Row, first_text: &str) -> bool {
        if !vocab::is_footer_text(first_text) || row.filled().count() != 1 {
            return false;
        }
        let c = canonical(first_text);
        let Some((l, t)) = c.split_once('：') else {
            return false;
        };
        self.state = State::Fields;
        self.fields.push(Field {
            label: canon::label(l),
            text: t.trim().to_string(),
        });
        true
    }

    /// Column labels over the `label：amount` lines below.
    fn parent_labels(&mut self, rows: &[Row], ri: usize) -> bool {
        match header::parent_labels(&rows[ri], rows.get(ri + 1)) {
            Some(p) => {
                self.parents = p;
                true
            }
            None => false,
        }
    }

    /// A row of label/text pairs (fields, amounts as funds, a unit note).
    fn field_row(&mut self, rows: &[Row], ri: usize, first_col: usize, first_text: &str) -> bool {
        let row = &rows[ri];
        let under_section = self.section_until.is_some_and(|end| ri < end);
        let known = vocab::field_label(first_text).is_some();
        let pairs_here = self.state != State::Funds
            && (first_col == 0 || under_section)
            && header::is_pair_row(row);
        if !known && !pairs_here {
            return false;
        }
        self.state = State::Fields;
        if let Some(first) = row.filled().next().map(|(_, c)| c)
            && first.row_span > 1
        {
            self.section_until = Some(ri + first.row_span as usize);
        }
        let pairs = header::read(row, if under_section { &self.parents } else { &[] });
        if let Some(s) = &pairs.section {
            let message = format!("section label {s}");
            self.diags
                .push(Severity::Info, "section_label", message, &row.pos);
        }
        self.last_field_col = pairs.last_col;
        for item in pairs.items {
            self.pair_item(item, row);
        }
        true
    }

    /// One pair of a field row: a field (maybe the table's name), the unit, or an amount.
    fn pair_item(&mut self, item: header::Item, row: &Row) {
        match item {
            header::Item::Field { label, text } => {
                // A project's name wins over its unit's (预算单位 above 项目名称).
                if let Some(l) = vocab::field_label(&label)
                    && l.is_name
                    && (self.name.is_none()
                        || (l.project && !self.name_label.is_some_and(|n| n.project)))
                {
                    self.name = Some(text.clone());
                    self.name_label = Some(l);
                }
                self.fields.push(Field { label, text });
            }
            header::Item::Unit(u) => self.unit = Some(u),
            header::Item::Amount { path, amount } => {
                self.funds_pos.get_or_insert_with(|| row.pos.clone());
                let column = funds::NO_HEADER_COLUMN.to_string();
                self.pair_funds.push(FundItem {
                    path,
                    values: amount
                        .map(|amount| Amount { column, amount })
                        .into_iter()
                        .collect(),
                    details: Vec::new(),
                });
            }
        }
    }

    /// A row inside the funds block.
    /// A label and a sentence with no amount (`年度` | `文化惠民工程，主要用于…`) under a funds
    /// block is no funds item: the block has ended and the row is a field.
    fn prose_after_funds(
        &mut self,
        rows: &[Row],
        ri: usize,
        first_col: usize,
        first_text: &str,
    ) -> bool {
        let row = &rows[ri];
        let cells: Vec<&str> = row.filled().map(|(_, c)| c.text.as_str()).collect();
        let prose = |t: &str| {
            t.chars().count() >= 20 && (t.contains(['，', ',']) || t.ends_with(['。', '.']))
        };
        let is_prose_row = self.state == State::Funds
            && cells.len() == 2
            && cells.iter().all(|t| funds::parse_amount(t).is_none())
            && prose(cells[1])
            && !prose(cells[0]);
        if !is_prose_row {
            return false;
        }
        self.state = State::Fields;
        self.field_row(rows, ri, first_col, first_text)
    }

    fn funds_row(&mut self, row: &Row) -> bool {
        if self.state != State::Funds {
            return false;
        }
        self.funds.row(row, false, &mut self.diags);
        true
    }

    /// A line that carries on the text of the field above (wrapped text, page break).
    fn continuation(&mut self, row: &Row, first_col: usize, first_text: &str) -> bool {
        if self.state != State::Fields
            || first_col == 0
            || row.filled().count() != 1
            || !self
                .last_field_col
                .is_some_and(|c| c <= first_col + 1 && first_col <= c + 1)
        {
            return false;
        }
        let Some(f) = self.fields.last_mut() else {
            return false;
        };
        f.text.push_str(&canonical(first_text));
        self.diags
            .joined(&row.pos, &format!("more text of {}", f.label));
        true
    }

    /// Close the last block, reconcile the funds and assemble the table.
    fn finish(mut self, rows: &[Row]) -> Table {
        if let Some(b) = self.block.take() {
            b.finish(&mut self.indicators);
        }
        let mut items = self.pair_funds;
        items.append(&mut self.funds.items);
        if let Some(pos) = &self.funds_pos {
            funds::reconcile(&items, &mut self.diags, pos);
        }
        let kind = table_kind(self.title.as_deref(), self.name_label, &self.fields);
        let first = rows.iter().find(|r| !r.is_empty());
        let last = rows.iter().rev().find(|r| !r.is_empty());
        let unit = self.unit;
        Table {
            kind,
            title: self.title,
            year: self.year,
            name: self.name,
            unit: unit.clone(),
            fields: self.fields,
            funds: Funds {
                unit: unit.or_else(|| self.funds_pos.as_ref().map(|_| "万元".to_string())),
                items,
            },
            indicators: self.indicators,
            diagnostics: self.diags.list,
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
}

/// Put a header's spans where the table's columns are. In extracted text the header row is
/// damaged like any other: a header that does not start in the table's first column was
/// shifted right, and moves back (returns how far). Unless the rows below fill those columns:
/// then they are a block label column the header leaves empty (绩效指标 merged down the left),
/// not a shift.
fn align_header(spans: &mut Vec<shift::RoleSpan>, below: &[Row], max_shift: i32) -> usize {
    let first = spans.first().map_or(0, |s| s.start);
    if first == 0 {
        return 0;
    }
    let label_column = below
        .iter()
        .take(8)
        .any(|r| r.filled().next().is_some_and(|(c, _)| c < first));
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
        return 0;
    }
    if max_shift == 0 {
        return 0;
    }
    for s in spans.iter_mut() {
        s.start -= first;
        s.end -= first;
        s.back = s.back.saturating_sub(first);
    }
    first
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

/// A banner line long enough to be a line of a wrapped title, not a mark over one (`表十二`,
/// `附件3`) or a short note.
fn is_title_piece(text: &str) -> bool {
    text.chars().count() > 8 && !text.contains('：') && !text.contains(':')
}
