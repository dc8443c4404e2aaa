//! XLSX writer, for people: sheet `表格` re-draws each table in its canonical form (the form
//! departments publish, with 一级/二级 labels merged again and every repair applied), and the
//! sheets `指标`, `指标属性`, `资金`, `字段`, `诊断`, `表清单` hold the tidy tables (`tidy`), as the
//! CSV and Parquet writers do.
//!
//! The `表格` sheet is laid out so that perfnorm reads it back into the same model: a title row,
//! a year line, a unit note, one row per field, the funds block under its own amount header row,
//! and indicator blocks each under a header row of the standard names (`一级指标 | 二级指标 |
//! 三级指标 | 半年指标值 | 全年指标值`). Labels the reader fills down are written once and merged
//! over their group, exactly what the reader undoes. Text is always written as a string,
//! never a formula (`=0%` stays text), and the document dates are fixed so the same input
//! gives the same bytes.

use super::tidy::{self, Value};
use crate::error::WriteError;
use crate::model::{Document, FundItem, Indicator, Table, TableKind};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};

/// Excel's limit on the text of one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// The tidy tables (by `tidy` name) in the order of their sheets: people look at indicators
/// first, so that sheet comes right after the tables. Each sheet is named by its table's
/// `tidy::TidyTable::sheet`.
const SHEET_ORDER: [&str; tidy::COUNT] = [
    "indicators",
    "attributes",
    "funds",
    "fields",
    "diagnostics",
    "tables",
];

/// Whether `name` is the name of one of perfnorm's tidy sheets (`app::convert_bytes` skips
/// them when it reads a workbook perfnorm wrote).
pub fn is_tidy_sheet(name: &str) -> bool {
    tidy::TABLES.iter().any(|t| t.sheet() == name)
}
/// The sheet holding the re-drawn tables.
pub const TABLE_SHEET: &str = "表格";

/// The workbook of one document.
pub fn to_bytes(doc: &Document) -> Result<Vec<u8>, WriteError> {
    let mut wb = Workbook::new();
    // A fixed date: the same input gives byte-identical output on every run.
    let date = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xerr)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&date)
            .set_author("perfnorm"),
    );
    {
        let ws = wb.add_worksheet();
        ws.set_name(TABLE_SHEET).map_err(xerr)?;
        draw_tables(ws, &doc.tables)?;
    }
    let rows = tidy::rows(doc);
    for name in SHEET_ORDER {
        let Some(i) = tidy::TABLES.iter().position(|t| t.name() == name) else {
            continue;
        };
        let t = tidy::TABLES[i];
        let ws = wb.add_worksheet();
        ws.set_name(t.sheet()).map_err(xerr)?;
        let header: Vec<&str> = t.columns().iter().map(|(n, _)| *n).collect();
        tidy_sheet(ws, &header, &rows[i])?;
    }
    wb.save_to_buffer().map_err(xerr)
}

fn xerr(e: rust_xlsxwriter::XlsxError) -> WriteError {
    WriteError::Xlsx(e.to_string())
}

/// How a cell of the `表格` sheet looks.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    Title,
    Banner,
    Unit,
    Label,
    Text,
    Header,
    Cell,
    Amount2,
    Amount,
}

/// One cell (or merged range) to write.
#[derive(Debug, Clone)]
struct Put {
    row: u32,
    col: u16,
    last_row: u32,
    last_col: u16,
    value: Value,
    style: Style,
}

/// The `表格` sheet as a list of cells, built before any writing so widths and heights can be
/// worked out from the content.
#[derive(Default)]
struct Plan {
    puts: Vec<Put>,
    row: u32,
    /// Ruled regions (first row, last row, last column): their empty cells get borders too.
    boxes: Vec<(u32, u32, u16)>,
    /// The header row of each indicator block and its names, for the printed pages.
    headers: Vec<(u32, Vec<String>)>,
}

impl Plan {
    fn put(&mut self, col: u16, value: Value, style: Style) {
        self.puts.push(Put {
            row: self.row,
            col,
            last_row: self.row,
            last_col: col,
            value,
            style,
        });
    }
    fn put_span(&mut self, col: u16, last_col: u16, value: Value, style: Style) {
        self.puts.push(Put {
            row: self.row,
            col,
            last_row: self.row,
            last_col: last_col.max(col),
            value,
            style,
        });
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// The columns a table needs: the widest of its funds block and indicator blocks, at least two
/// (a field's label and text).
fn table_width(t: &Table) -> u16 {
    let funds = if t.funds.items.is_empty() {
        0
    } else {
        let f = FundsLayout::of(&t.funds.items);
        1 + f.depth + f.details.len() + f.columns.len()
    };
    let ind = blocks(&t.indicators)
        .iter()
        .map(|b| b.shape.width())
        .max()
        .unwrap_or(0);
    funds.max(ind).clamp(2, 200) as u16
}

fn draw_tables(ws: &mut Worksheet, tables: &[Table]) -> Result<(), WriteError> {
    let mut plan = Plan::default();
    let mut freeze = None;
    let width = tables.iter().map(table_width).max().unwrap_or(2);
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            // Two blank rows between tables; the next title starts the next table.
            plan.row += 2;
        }
        draw_table(&mut plan, t, width);
        if i == 0 {
            freeze = Some(plan.puts.iter().filter(|p| is_banner(p.style)).count() as u32);
        }
    }
    let widths = emit(ws, &plan, width)?;
    if let Some(f) = freeze
        && f > 0
    {
        ws.set_freeze_panes(f, 0).map_err(xerr)?;
    }
    page_setup(ws, &plan, &widths)
}

/// The width, in Excel column units, that A4 portrait prints at 100%: 210 mm less Excel's
/// default 0.7-inch margins is 6.87 in, 660 pixels at 96 dpi; a column of width w takes
/// 7w + 5 pixels in the default 11-point font.
const A4_PORTRAIT_COLUMNS: f64 = 93.0;

/// Print the sheet as the paper form: A4 (paper size 9, as Chinese government forms are
/// printed; not Excel's default Letter), landscape only where the columns are wider than a
/// portrait page, every table one page wide, and the indicator header row at the top of every
/// page, so a page of indicators still names its columns.
fn page_setup(ws: &mut Worksheet, plan: &Plan, widths: &[f64]) -> Result<(), WriteError> {
    ws.set_paper_size(9);
    if widths.iter().sum::<f64>() > A4_PORTRAIT_COLUMNS {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    // One range of rows repeats on every page: the first indicator header, when every block
    // of the sheet has that same header. Blocks with other columns would be printed under
    // names that are not theirs, so then no row repeats.
    if let Some((row, names)) = plan.headers.first()
        && plan.headers.iter().all(|(_, n)| n == names)
    {
        ws.set_repeat_rows(*row, *row).map_err(xerr)?;
    }
    Ok(())
}

fn is_banner(s: Style) -> bool {
    matches!(s, Style::Title | Style::Banner | Style::Unit)
}

fn draw_table(plan: &mut Plan, t: &Table, width: u16) {
    let last = width - 1;
    // The banner: title, year line, unit note, each a single text across the table.
    if let Some(title) = &t.title {
        plan.put_span(0, last, text(title), Style::Title);
        plan.row += 1;
    }
    if let Some(y) = t.year {
        plan.put_span(0, last, Value::Text(format!("{y}年度")), Style::Banner);
        plan.row += 1;
    }
    if let Some(u) = &t.unit {
        plan.put_span(0, last, Value::Text(format!("单位：{u}")), Style::Unit);
        plan.row += 1;
    }
    // Fields before the funds block: a label the vocabulary does not know is read as a field
    // only outside the funds block.
    for f in &t.fields {
        plan.put(0, text(&f.label), Style::Label);
        plan.put_span(1, last, text(&f.text), Style::Text);
        plan.boxes.push((plan.row, plan.row, last));
        plan.row += 1;
    }
    if !t.funds.items.is_empty() {
        draw_funds(plan, t);
    }
    for b in blocks(&t.indicators) {
        draw_block(plan, &b, &t.indicators);
    }
}

/// Columns of the funds block: col 0 the block label, then one column per path level, the
/// detail texts (主要内容), then the amount columns.
struct FundsLayout {
    depth: usize,
    details: Vec<String>,
    columns: Vec<String>,
}

impl FundsLayout {
    fn of(items: &[FundItem]) -> FundsLayout {
        let depth = items.iter().map(|i| i.path.len()).max().unwrap_or(1).max(1);
        let mut details: Vec<String> = Vec::new();
        let mut columns: Vec<String> = Vec::new();
        for it in items {
            for d in &it.details {
                if !details.contains(&d.label) {
                    details.push(d.label.clone());
                }
            }
            // Keep every item's own column order: a new column goes before the next column
            // of the same item that is already placed.
            for (i, v) in it.values.iter().enumerate() {
                if columns.contains(&v.column) {
                    continue;
                }
                let before = it.values[i + 1..]
                    .iter()
                    .find_map(|n| columns.iter().position(|c| c == &n.column));
                match before {
                    Some(p) => columns.insert(p, v.column.clone()),
                    None => columns.push(v.column.clone()),
                }
            }
        }
        FundsLayout {
            depth,
            details,
            columns,
        }
    }
}

fn draw_funds(plan: &mut Plan, t: &Table) {
    let items = &t.funds.items;
    let lay = FundsLayout::of(items);
    let unit = t.funds.unit.as_deref().unwrap_or("万元");
    let label = if !lay.details.is_empty() {
        "年度主要任务".to_string()
    } else if t.kind == TableKind::Project {
        format!("项目资金（{unit}）")
    } else {
        format!("部门整体资金（{unit}）")
    };
    let first_row = plan.row;
    let detail_col = 1 + lay.depth as u16;
    let amount_col = detail_col + lay.details.len() as u16;
    // The header row names the amount columns (and the text columns of a task table); the
    // reader takes the columns from it.
    if !lay.columns.is_empty() {
        if !lay.details.is_empty() {
            plan.put_span(1, detail_col - 1, text("任务名称"), Style::Header);
            for (k, d) in lay.details.iter().enumerate() {
                plan.put(detail_col + k as u16, text(d), Style::Header);
            }
        }
        for (k, c) in lay.columns.iter().enumerate() {
            plan.put(amount_col + k as u16, text(c), Style::Header);
        }
        plan.row += 1;
    }
    let start = plan.puts.len();
    let mut prev: Option<&FundItem> = None;
    // Rows written per item: the first path level written on each.
    let mut written: Vec<usize> = Vec::new();
    for (k, it) in items.iter().enumerate() {
        let n = it.path.len();
        let mut common = prev
            .map(|p| {
                p.path
                    .iter()
                    .zip(&it.path)
                    .take_while(|(a, b)| a == b)
                    .count()
            })
            .unwrap_or(0)
            .min(n.saturating_sub(1));
        // After an item with parts (项目支出 and its projects), a sibling of that item would
        // read as one more part: write its parent again to close the group.
        if common > 0
            && items[..k].iter().any(|e| {
                e.path.len() == common + 1
                    && e.path[..common] == it.path[..common]
                    && items
                        .iter()
                        .any(|c| c.path.len() > e.path.len() && c.path.starts_with(&e.path))
            })
        {
            common -= 1;
        }
        for (d, l) in it.path.iter().enumerate().skip(common) {
            plan.put(1 + d as u16, text(l), Style::Cell);
        }
        for (k, d) in lay.details.iter().enumerate() {
            if let Some(f) = it.details.iter().find(|f| &f.label == d) {
                plan.put(detail_col + k as u16, text(&f.text), Style::Text);
            }
        }
        for v in &it.values {
            if let Some(p) = lay.columns.iter().position(|c| c == &v.column) {
                // Two decimals where that shows the amount exactly (1,212.54), else General,
                // so the number read back is the number written.
                let exact2 = format!("{:.2}", v.amount).parse::<f64>().ok() == Some(v.amount);
                let style = if exact2 {
                    Style::Amount2
                } else {
                    Style::Amount
                };
                plan.put(amount_col + p as u16, Value::Num(v.amount), style);
            }
        }
        written.push(common);
        prev = Some(it);
        plan.row += 1;
    }
    let last_row = plan.row.saturating_sub(1);
    plan.boxes.push((
        first_row,
        last_row,
        amount_col + lay.columns.len().max(1) as u16 - 1,
    ));
    // A leaf with no parts below it spans the label columns to its right, as the forms draw it.
    for (k, it) in items.iter().enumerate() {
        let has_parts = items[k + 1..]
            .first()
            .is_some_and(|n| n.path.len() > it.path.len() && n.path.starts_with(&it.path));
        let row = last_row + 1 - items.len() as u32 + k as u32;
        let leaf_col = it.path.len() as u16;
        if !has_parts
            && let Some(p) = plan.puts[start..]
                .iter_mut()
                .find(|p| p.row == row && p.col == leaf_col && p.style == Style::Cell)
        {
            p.last_col = detail_col - 1;
        }
    }
    // Merge each group label down over the rows of its group.
    merge_down(
        &mut plan.puts[start..],
        |p| p.col >= 1 && p.col < detail_col && p.style == Style::Cell && p.last_col == p.col,
        |r| {
            let i = (r - (last_row + 1 - items.len() as u32)) as usize;
            items.get(i).map(|it| (written[i], it.path.len()))
        },
    );
    plan.puts.push(Put {
        row: first_row,
        col: 0,
        last_row: last_row.max(first_row),
        last_col: 0,
        value: Value::Text(label),
        style: Style::Label,
    });
}

/// Extend each label at level `col - 1` down while the rows below leave that level unwritten
/// and go deeper than it: those rows are its group. `row_info(r)` gives for row `r` the first
/// level written and the depth of its path.
fn merge_down(
    puts: &mut [Put],
    is_label: impl Fn(&Put) -> bool,
    row_info: impl Fn(u32) -> Option<(usize, usize)>,
) {
    for p in puts.iter_mut().filter(|p| is_label(p)) {
        let level = p.col as usize - 1;
        let mut r = p.row + 1;
        while let Some((first_written, depth)) = row_info(r) {
            if first_written <= level || depth <= level + 1 {
                break;
            }
            r += 1;
        }
        p.last_row = r - 1;
    }
}

/// The columns of an indicator block: whether it has 重点工作, and its value columns, each
/// plain or split over 指标性质 | 指标值 | 度量单位.
#[derive(Debug, Clone, PartialEq)]
struct Shape {
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
    fn width(&self) -> usize {
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
struct IndBlock {
    shape: Shape,
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
fn blocks(inds: &[Indicator]) -> Vec<IndBlock> {
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

fn draw_block(plan: &mut Plan, b: &IndBlock, inds: &[Indicator]) {
    let s = &b.shape;
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
    let start = plan.puts.len();
    let first = plan.row;
    let l3_col = s.label_cols() as u16 - 1;
    for (i, w) in &b.rows {
        let ind = &inds[*i];
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
        plan.row += 1;
    }
    plan.boxes.push((
        first - 1,
        first + b.rows.len() as u32 - 1,
        s.width() as u16 - 1,
    ));
    // Merge 一级 / 二级 / 重点工作 down over their groups: a label covers the rows below it
    // until a label of its level or above is written again.
    let writes: Vec<[bool; 3]> = b.rows.iter().map(|(_, w)| *w).collect();
    let n = writes.len() as u32;
    for p in plan.puts[start..].iter_mut() {
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

/// Display width of a text in Excel column units: CJK characters count two.
fn display_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 1.85 })
        .sum()
}

/// Write the planned cells; returns the column widths it set.
fn emit(ws: &mut Worksheet, plan: &Plan, width: u16) -> Result<Vec<f64>, WriteError> {
    let base = Format::new()
        .set_font_name("宋体")
        .set_font_size(11)
        .set_align(FormatAlign::VerticalCenter);
    let boxed = base.clone().set_border(FormatBorder::Thin).set_text_wrap();
    let fmt = |s: Style| -> Format {
        match s {
            Style::Title => base
                .clone()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            Style::Banner => base.clone().set_align(FormatAlign::Center),
            Style::Unit => base.clone().set_align(FormatAlign::Right),
            Style::Label => boxed.clone().set_align(FormatAlign::Center).set_bold(),
            Style::Text => boxed.clone().set_align(FormatAlign::Left),
            Style::Header => boxed
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(0xD9E1F2),
            Style::Cell => boxed.clone().set_align(FormatAlign::Center),
            Style::Amount2 => boxed.clone().set_num_format("#,##0.00"),
            Style::Amount => boxed.clone(),
        }
    };
    // Column widths from the cells that sit in one column; merged texts wrap instead.
    let mut widths = vec![8.0f64; width as usize];
    for p in &plan.puts {
        if p.col == p.last_col && !is_banner(p.style) {
            let w = match &p.value {
                Value::Text(s) => display_width(s),
                Value::Num(n) => format!("{n:.2}").len() as f64 + 3.0,
                Value::Empty => 0.0,
            };
            let c = p.col as usize;
            if c < widths.len() {
                widths[c] = widths[c].max((w + 2.0).min(42.0));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(xerr)?;
    }
    // Row heights for wrapped text: LibreOffice and Excel do not grow rows for merged cells.
    let mut lines: std::collections::BTreeMap<u32, f64> = Default::default();
    for p in &plan.puts {
        if let Value::Text(s) = &p.value {
            let avail: f64 = (p.col..=p.last_col)
                .map(|c| widths.get(c as usize).copied().unwrap_or(8.0))
                .sum::<f64>()
                - 1.0;
            let n = (display_width(s) / avail.max(1.0)).ceil().max(1.0)
                + s.matches('\n').count() as f64;
            let per_row = (n / (p.last_row - p.row + 1) as f64).ceil();
            let e = lines.entry(p.row).or_insert(1.0);
            *e = e.max(per_row);
        }
    }
    for (r, n) in lines {
        if n > 1.0 {
            ws.set_row_height(r, (14.0 * n + 2.0).min(409.0))
                .map_err(xerr)?;
        }
    }
    // Borders on the empty cells of ruled regions, so the table reads as one grid.
    let mut covered: std::collections::HashSet<(u32, u16)> = Default::default();
    for p in &plan.puts {
        for r in p.row..=p.last_row {
            for c in p.col..=p.last_col {
                covered.insert((r, c));
            }
        }
    }
    let blank = fmt(Style::Cell);
    for &(r0, r1, c1) in &plan.boxes {
        for r in r0..=r1 {
            for c in 0..=c1 {
                if covered.insert((r, c)) {
                    ws.write_blank(r, c, &blank).map_err(xerr)?;
                }
            }
        }
    }
    for p in &plan.puts {
        let f = fmt(p.style);
        let merged = p.last_row > p.row || p.last_col > p.col;
        match &p.value {
            Value::Text(s) => {
                if s.chars().count() > MAX_CELL_CHARS {
                    return Err(WriteError::Xlsx(format!(
                        "a cell text is longer than Excel's {MAX_CELL_CHARS} characters"
                    )));
                }
                if merged {
                    ws.merge_range(p.row, p.col, p.last_row, p.last_col, s, &f)
                        .map_err(xerr)?;
                } else {
                    ws.write_string_with_format(p.row, p.col, s, &f)
                        .map_err(xerr)?;
                }
            }
            Value::Num(n) => {
                if merged {
                    ws.merge_range(p.row, p.col, p.last_row, p.last_col, "", &f)
                        .map_err(xerr)?;
                }
                ws.write_number_with_format(p.row, p.col, *n, &f)
                    .map_err(xerr)?;
            }
            Value::Empty => {}
        }
    }
    Ok(widths)
}

/// A tidy sheet: header row, frozen, with an autofilter; numbers as numbers.
fn tidy_sheet(ws: &mut Worksheet, header: &[&str], rows: &[Vec<Value>]) -> Result<(), WriteError> {
    let bold = Format::new().set_bold().set_background_color(0xD9E1F2);
    let mut widths: Vec<f64> = header.iter().map(|h| display_width(h) + 2.0).collect();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xerr)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let c16 = c as u16;
            match v {
                Value::Text(s) if !s.is_empty() => {
                    let s: String = s.chars().take(MAX_CELL_CHARS).collect();
                    ws.write_string(r, c16, &s).map_err(xerr)?;
                    if let Some(w) = widths.get_mut(c) {
                        *w = w.max((display_width(&s) + 2.0).min(50.0));
                    }
                }
                Value::Num(n) => {
                    ws.write_number(r, c16, *n).map_err(xerr)?;
                }
                _ => {}
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    let last_col = header.len().saturating_sub(1) as u16;
    ws.autofilter(0, 0, rows.len() as u32, last_col)
        .map_err(xerr)?;
    Ok(())
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
