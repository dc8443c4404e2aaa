//! The tidy tables: `tables`, `fields`, `funds`, `indicators`, `attributes`, `diagnostics`.
//!
//! Each table is defined once here, as a list of columns — name, type and accessor — over a
//! row view of the model (one table, one field, one funds amount, one indicator value, …).
//! The CSV set, the tidy sheets of the workbook and the Parquet set all take their headers,
//! types and cells from these lists, so the three always carry the same columns in the same
//! order. New columns go at the end of a list: loaders that read by position keep working.

use crate::model::{Amount, Diagnostic, Document, Field, FundItem, Indicator, Table, TargetValue};
use sha2::{Digest, Sha256};

/// A cell of a tidy row: text, or a number that stays a number in XLSX and Parquet.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A text cell (ids, names, codes: text even when they look like numbers).
    Text(String),
    /// A number: an amount, a target value, a year, a sequence number.
    Num(f64),
    /// No value (null in Parquet, an empty field in CSV).
    Empty,
}

impl Value {
    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }
    fn opt(s: Option<&str>) -> Value {
        s.map(Value::text).unwrap_or(Value::Empty)
    }
    fn num(n: Option<f64>) -> Value {
        n.map(Value::Num).unwrap_or(Value::Empty)
    }
    fn int(n: Option<u32>) -> Value {
        Value::num(n.map(f64::from))
    }
    fn seq(n: usize) -> Value {
        Value::Num(n as f64)
    }
    /// The cell of a `Kind::Text` column in a typed set (Parquet, Arrow): the text, a number in
    /// its CSV form; None (null) for an empty cell or empty text.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::Text(s) if !s.is_empty() => Some(s.clone()),
            Value::Num(n) => Some(format!("{n}")),
            _ => None,
        }
    }
    /// The cell of a `Kind::Int` column in a typed set: a finite number, truncated; else None.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Num(n) if n.is_finite() => Some(*n as i64),
            _ => None,
        }
    }
    /// The cell of a `Kind::Double` column in a typed set: the number; else None.
    pub fn as_double(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            _ => None,
        }
    }
    /// The CSV form: numbers in Rust's shortest round-trip form (`5`, `1212.54`).
    pub fn render(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Num(n) => format!("{n}"),
            Value::Empty => String::new(),
        }
    }
}

/// The type of a column, as a warehouse should hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text.
    Text,
    /// A whole number (seq, year, level, page, line): Parquet INT64.
    Int,
    /// A number (amounts, target values, weights): Parquet DOUBLE, even when every value of
    /// a run happens to be whole, so a loader never infers an integer type.
    Double,
}

impl Kind {
    /// The PostgreSQL type of the column (for the README's `CREATE TABLE`s).
    pub fn sql(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Int => "bigint",
            Kind::Double => "double precision",
        }
    }
}

/// One column: its name, type and how to read its cell (`get`, a `fn(&RowView) -> Value`).
pub(crate) struct Column<F> {
    pub name: &'static str,
    pub kind: Kind,
    pub get: F,
}

/// One tidy table, type-erased: its name, columns and rows.
pub trait TidyTable: Sync {
    /// The file name without extension (`indicators` → `indicators.csv`).
    fn name(&self) -> &'static str;
    /// The name of its sheet in the workbook.
    fn sheet(&self) -> &'static str;
    /// The columns, in order.
    fn columns(&self) -> Vec<(&'static str, Kind)>;
    /// Append the rows of `doc` to `out`.
    fn rows(&self, doc: &Document, out: &mut Vec<Vec<Value>>);
}

/// Whether `name` is the sheet name of one of the tidy tables (a workbook perfnorm wrote holds
/// them beside the 表格 sheet; `app::convert_bytes` leaves them out when it reads one back).
pub(crate) fn is_tidy_sheet(name: &str) -> bool {
    TABLES.iter().any(|t| t.sheet() == name)
}

macro_rules! col {
    ($name:literal, $kind:ident, $get:expr) => {
        Column {
            name: $name,
            kind: Kind::$kind,
            get: $get,
        }
    };
}

/// The cells of the row view `$r` by the columns `$cols`.
macro_rules! cells {
    ($cols:expr, $r:expr) => {{
        let r = $r;
        $cols.iter().map(|c| (c.get)(&r)).collect::<Vec<Value>>()
    }};
}

fn header<F>(cols: &[Column<F>]) -> Vec<(&'static str, Kind)> {
    cols.iter().map(|c| (c.name, c.kind)).collect()
}

/// `label：text` lines.
fn labelled(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| format!("{}：{}", f.label, f.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The stable id of table `index` (0-based) of a document: 16 hex digits and the table's
/// 1-based position (`174c506917017458-1`). The hex digits are the first 16 of the sha256 of
/// the input's sha256 and its `relative_path` (the first 16 of the input's own sha256 when it
/// has none): the same table of the same file at the same place below the input folder gets
/// the same id on every run and on every machine (so a sharded run's sets concatenate), and
/// two copies of one file at two paths get different ids.
pub fn table_id(doc: &Document, index: usize) -> String {
    let h: String = match &doc.source.relative_path {
        Some(p) => {
            let mut d = Sha256::new();
            d.update(doc.source.sha256.as_bytes());
            d.update(b"\n");
            d.update(p.as_bytes());
            hex::encode(&d.finalize()[..8])
        }
        None => doc.source.sha256.chars().take(16).collect(),
    };
    format!("{h}-{}", index + 1)
}

/// A row of `tables`.
pub(crate) struct TableRow<'a> {
    pub doc: &'a Document,
    pub table: &'a Table,
    pub id: &'a str,
}

/// A row of `fields`.
pub(crate) struct FieldRow<'a> {
    pub id: &'a str,
    pub seq: usize,
    pub field: &'a Field,
}

/// A row of `funds`: one amount of an item (an item with no amount has one row, `amount`
/// None).
pub(crate) struct FundRow<'a> {
    pub id: &'a str,
    pub seq: usize,
    pub item: &'a FundItem,
    pub amount: Option<&'a Amount>,
}

/// A row of `indicators`: one value column of an indicator (one with no value has one row,
/// `value` None).
pub(crate) struct IndicatorRow<'a> {
    pub id: &'a str,
    pub seq: usize,
    pub ind: &'a Indicator,
    pub value: Option<&'a TargetValue>,
}

/// A row of `attributes`: one per-indicator text (指标解释, 评分标准, …); `seq` is the
/// indicator's.
pub(crate) struct AttributeRow<'a> {
    pub id: &'a str,
    pub seq: usize,
    pub attr: &'a Field,
}

/// A row of `diagnostics` (`id` empty for a file-level one).
pub(crate) struct DiagnosticRow<'a> {
    pub doc: &'a Document,
    pub id: &'a str,
    pub diag: &'a Diagnostic,
}

/// The accessor of a `TableRow` column.
pub(crate) type GetTable = fn(&TableRow<'_>) -> Value;

/// The accessor of a `FieldRow` column.
pub(crate) type GetField = fn(&FieldRow<'_>) -> Value;

/// The accessor of a `FundRow` column.
pub(crate) type GetFund = fn(&FundRow<'_>) -> Value;

/// The accessor of a `IndicatorRow` column.
pub(crate) type GetIndicator = fn(&IndicatorRow<'_>) -> Value;

/// The accessor of a `AttributeRow` column.
pub(crate) type GetAttribute = fn(&AttributeRow<'_>) -> Value;

/// The accessor of a `DiagnosticRow` column.
pub(crate) type GetDiagnostic = fn(&DiagnosticRow<'_>) -> Value;

pub(crate) static TABLE_COLUMNS: &[Column<GetTable>] = &[
    col!("table_id", Text, |r| Value::text(r.id)),
    col!("source_file", Text, |r| Value::text(&r.doc.source.file)),
    col!("source_sha256", Text, |r| Value::text(&r.doc.source.sha256)),
    col!("sheet", Text, |r| Value::opt(
        r.table.source.sheet.as_deref()
    )),
    col!("kind", Text, |r| Value::text(r.table.kind.as_str())),
    col!("title", Text, |r| Value::opt(r.table.title.as_deref())),
    col!("year", Int, |r| Value::num(r.table.year.map(f64::from))),
    col!("name", Text, |r| Value::opt(r.table.name.as_deref())),
    // The table's own unit, as JSON's `table.unit`; the funds block's is `funds_unit`.
    col!("unit", Text, |r| Value::opt(r.table.unit.as_deref())),
    col!("funds_unit", Text, |r| Value::opt(
        r.table.funds.unit.as_deref()
    )),
    col!("relative_path", Text, |r| Value::opt(
        r.doc.source.relative_path.as_deref()
    )),
    col!("source_format", Text, |r| Value::text(&r.doc.source.format)),
];

pub(crate) static FIELD_COLUMNS: &[Column<GetField>] = &[
    col!("table_id", Text, |r| Value::text(r.id)),
    col!("seq", Int, |r| Value::seq(r.seq)),
    col!("label", Text, |r| Value::text(&r.field.label)),
    col!("text", Text, |r| Value::text(&r.field.text)),
];

pub(crate) static FUND_COLUMNS: &[Column<GetFund>] = &[
    col!("table_id", Text, |r| Value::text(r.id)),
    col!("seq", Int, |r| Value::seq(r.seq)),
    col!("path", Text, |r| Value::Text(r.item.path.join(" / "))),
    col!("level", Int, |r| Value::seq(r.item.path.len())),
    col!("item", Text, |r| Value::opt(
        r.item.path.last().map(String::as_str)
    )),
    col!("column", Text, |r| Value::opt(
        r.amount.map(|a| a.column.as_str())
    )),
    col!("amount", Double, |r| Value::num(r.amount.map(|a| a.amount))),
    col!("details", Text, |r| Value::Text(labelled(&r.item.details))),
];

pub(crate) static INDICATOR_COLUMNS: &[Column<GetIndicator>] = &[
    col!("table_id", Text, |r| Value::text(r.id)),
    col!("seq", Int, |r| Value::seq(r.seq)),
    col!("level1", Text, |r| Value::opt(r.ind.level1.as_deref())),
    col!("level2", Text, |r| Value::opt(r.ind.level2.as_deref())),
    col!("key_work", Text, |r| Value::opt(r.ind.key_work.as_deref())),
    col!("level3", Text, |r| Value::opt(r.ind.level3.as_deref())),
    col!("value_column", Text, |r| Value::opt(
        r.value.map(|v| v.column.as_str())
    )),
    col!("raw", Text, |r| Value::opt(r.value.map(|v| v.raw.as_str()))),
    col!("kind", Text, |r| Value::opt(
        r.value.map(|v| v.kind.as_str())
    )),
    col!("op", Text, |r| Value::opt(
        r.value.and_then(|v| v.op.as_deref())
    )),
    col!("number", Double, |r| Value::num(
        r.value.and_then(|v| v.number)
    )),
    col!("unit", Text, |r| Value::opt(
        r.value.and_then(|v| v.unit.as_deref())
    )),
    col!("min", Double, |r| Value::num(r.value.and_then(|v| v.min))),
    col!("max", Double, |r| Value::num(r.value.and_then(|v| v.max))),
    col!("text", Text, |r| Value::opt(
        r.value.and_then(|v| v.text.as_deref())
    )),
    col!("source_page", Int, |r| Value::int(r.ind.source.page)),
    col!("source_line", Int, |r| Value::int(r.ind.source.line)),
    col!("source_sheet", Text, |r| Value::opt(
        r.ind.source.sheet.as_deref()
    )),
    col!("source_cell", Text, |r| Value::opt(
        r.ind.source.cell.as_deref()
    )),
    // Notes split off a label (一级指标：（40-50）分), one per line.
    col!("notes", Text, |r| Value::Text(labelled(&r.ind.notes))),
    col!("code", Text, |r| Value::opt(r.ind.code.as_deref())),
    col!("weight", Double, |r| Value::num(r.ind.weight)),
    col!("score", Double, |r| Value::num(r.ind.score)),
    col!("direction", Text, |r| Value::opt(
        r.ind.direction.as_deref()
    )),
];

pub(crate) static ATTRIBUTE_COLUMNS: &[Column<GetAttribute>] = &[
    col!("table_id", Text, |r| Value::text(r.id)),
    col!("seq", Int, |r| Value::seq(r.seq)),
    col!("label", Text, |r| Value::text(&r.attr.label)),
    col!("text", Text, |r| Value::text(&r.attr.text)),
];

pub(crate) static DIAGNOSTIC_COLUMNS: &[Column<GetDiagnostic>] = &[
    col!("table_id", Text, |r| Value::text(r.id)),
    col!("severity", Text, |r| Value::text(r.diag.severity.as_str())),
    col!("code", Text, |r| Value::text(&r.diag.code)),
    col!("message", Text, |r| Value::text(&r.diag.message)),
    col!("location", Text, |r| Value::Text(r.diag.source.describe())),
    col!("source_file", Text, |r| Value::text(&r.doc.source.file)),
];

/// Each table of `doc` with its id.
fn with_ids(doc: &Document) -> impl Iterator<Item = (String, &Table)> {
    doc.tables
        .iter()
        .enumerate()
        .map(|(i, t)| (table_id(doc, i), t))
}

struct Tables;
impl TidyTable for Tables {
    fn name(&self) -> &'static str {
        "tables"
    }
    fn sheet(&self) -> &'static str {
        "表清单"
    }
    fn columns(&self) -> Vec<(&'static str, Kind)> {
        header(TABLE_COLUMNS)
    }
    fn rows(&self, doc: &Document, out: &mut Vec<Vec<Value>>) {
        for (id, table) in with_ids(doc) {
            let r = TableRow {
                doc,
                table,
                id: &id,
            };
            out.push(cells!(TABLE_COLUMNS, r));
        }
    }
}

struct Fields;
impl TidyTable for Fields {
    fn name(&self) -> &'static str {
        "fields"
    }
    fn sheet(&self) -> &'static str {
        "字段"
    }
    fn columns(&self) -> Vec<(&'static str, Kind)> {
        header(FIELD_COLUMNS)
    }
    fn rows(&self, doc: &Document, out: &mut Vec<Vec<Value>>) {
        for (id, t) in with_ids(doc) {
            for (k, field) in t.fields.iter().enumerate() {
                let r = FieldRow {
                    id: &id,
                    seq: k + 1,
                    field,
                };
                out.push(cells!(FIELD_COLUMNS, r));
            }
        }
    }
}

struct Funds;
impl TidyTable for Funds {
    fn name(&self) -> &'static str {
        "funds"
    }
    fn sheet(&self) -> &'static str {
        "资金"
    }
    fn columns(&self) -> Vec<(&'static str, Kind)> {
        header(FUND_COLUMNS)
    }
    fn rows(&self, doc: &Document, out: &mut Vec<Vec<Value>>) {
        for (id, t) in with_ids(doc) {
            for (k, item) in t.funds.items.iter().enumerate() {
                // An item with no amount keeps one row, so no item is lost from the table.
                let amounts: Vec<Option<&Amount>> = if item.values.is_empty() {
                    vec![None]
                } else {
                    item.values.iter().map(Some).collect()
                };
                for amount in amounts {
                    let r = FundRow {
                        id: &id,
                        seq: k + 1,
                        item,
                        amount,
                    };
                    out.push(cells!(FUND_COLUMNS, r));
                }
            }
        }
    }
}

struct Indicators;
impl TidyTable for Indicators {
    fn name(&self) -> &'static str {
        "indicators"
    }
    fn sheet(&self) -> &'static str {
        "指标"
    }
    fn columns(&self) -> Vec<(&'static str, Kind)> {
        header(INDICATOR_COLUMNS)
    }
    fn rows(&self, doc: &Document, out: &mut Vec<Vec<Value>>) {
        for (id, t) in with_ids(doc) {
            for (k, ind) in t.indicators.iter().enumerate() {
                let values: Vec<Option<&TargetValue>> = if ind.values.is_empty() {
                    vec![None]
                } else {
                    ind.values.iter().map(Some).collect()
                };
                for value in values {
                    let r = IndicatorRow {
                        id: &id,
                        seq: k + 1,
                        ind,
                        value,
                    };
                    out.push(cells!(INDICATOR_COLUMNS, r));
                }
            }
        }
    }
}

struct Attributes;
impl TidyTable for Attributes {
    fn name(&self) -> &'static str {
        "attributes"
    }
    fn sheet(&self) -> &'static str {
        "指标属性"
    }
    fn columns(&self) -> Vec<(&'static str, Kind)> {
        header(ATTRIBUTE_COLUMNS)
    }
    fn rows(&self, doc: &Document, out: &mut Vec<Vec<Value>>) {
        for (id, t) in with_ids(doc) {
            for (k, ind) in t.indicators.iter().enumerate() {
                for attr in &ind.attributes {
                    let r = AttributeRow {
                        id: &id,
                        seq: k + 1,
                        attr,
                    };
                    out.push(cells!(ATTRIBUTE_COLUMNS, r));
                }
            }
        }
    }
}

struct Diagnostics;
impl TidyTable for Diagnostics {
    fn name(&self) -> &'static str {
        "diagnostics"
    }
    fn sheet(&self) -> &'static str {
        "诊断"
    }
    fn columns(&self) -> Vec<(&'static str, Kind)> {
        header(DIAGNOSTIC_COLUMNS)
    }
    fn rows(&self, doc: &Document, out: &mut Vec<Vec<Value>>) {
        for (id, t) in with_ids(doc) {
            for diag in &t.diagnostics {
                out.push(cells!(
                    DIAGNOSTIC_COLUMNS,
                    DiagnosticRow { doc, id: &id, diag }
                ));
            }
        }
        // File-level diagnostics belong to no table; source_file says where they came from.
        for diag in &doc.diagnostics {
            out.push(cells!(
                DIAGNOSTIC_COLUMNS,
                DiagnosticRow { doc, id: "", diag }
            ));
        }
    }
}

/// Number of tidy tables.
pub const COUNT: usize = 6;

/// Every tidy table, in the order of the CSV and Parquet sets and of `rows`.
pub static TABLES: [&dyn TidyTable; COUNT] = [
    &Tables,
    &Fields,
    &Funds,
    &Indicators,
    &Attributes,
    &Diagnostics,
];

/// The tidy table called `name`.
pub fn by_name(name: &str) -> Option<&'static dyn TidyTable> {
    TABLES.iter().copied().find(|t| t.name() == name)
}

/// The rows of each tidy table for one document, in the order of `TABLES`.
pub fn rows(doc: &Document) -> [Vec<Vec<Value>>; COUNT] {
    let mut out: [Vec<Vec<Value>>; COUNT] = Default::default();
    for (t, rows) in TABLES.iter().zip(out.iter_mut()) {
        t.rows(doc, rows);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_render_shortest() {
        assert_eq!(Value::Num(5.0).render(), "5");
        assert_eq!(Value::Num(1212.54).render(), "1212.54");
    }

    #[test]
    fn names_are_unique_and_every_table_starts_with_its_id() {
        let mut names: Vec<_> = TABLES.iter().map(|t| t.name()).collect();
        names.dedup();
        assert_eq!(names.len(), COUNT);
        for t in TABLES {
            assert_eq!(t.columns()[0], ("table_id", Kind::Text), "{}", t.name());
        }
    }
}
