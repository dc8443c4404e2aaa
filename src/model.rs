//! The canonical model: plain data with serde derives and no I/O. Its JSON form is the output
//! contract `perfnorm/1` (`shared/docs/contract.md`); every writer takes only these types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};

/// The schema version every JSON output carries.
pub const SCHEMA: &str = "perfnorm/1";

/// One converted input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Document {
    /// The contract's version, `perfnorm/1` (`SCHEMA`).
    pub schema: String,
    /// The input: its file name, format, hash and what was decoded.
    pub source: Source,
    /// The tables found in the input, in source order (one input can hold several).
    pub tables: Vec<Table>,
    /// File-level problems: unreadable pages, grids that held no table, …
    pub diagnostics: Vec<Diagnostic>,
}

/// The input a document was converted from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Source {
    /// The input's file name as given (`in/a.pdf`; `stdin` for standard input).
    pub file: String,
    /// xlsx | xls | xlsb | ods | pdf | text
    pub format: String,
    /// The SHA-256 of the input's bytes, in lowercase hex.
    pub sha256: String,
    /// The text encoding decoded (text inputs only).
    pub encoding: Option<String>,
    /// Pages (PDF inputs only).
    pub pages: Option<u32>,
    /// The input's path below the folder it was found in (its file name when it was named
    /// directly; `stdin` for standard input), as its outputs are named. Table ids are derived
    /// from it and `sha256`, so the same bytes at two paths give different ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_path: Option<String>,
}

/// What a table sets targets for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// A department's overall targets (部门整体绩效目标表).
    DepartmentOverall,
    /// One project's targets (项目支出绩效目标表).
    Project,
    /// The table does not say.
    #[default]
    Unknown,
}

impl TableKind {
    /// The name as JSON and the tidy tables write it (`department_overall`).
    pub fn as_str(self) -> &'static str {
        match self {
            TableKind::DepartmentOverall => "department_overall",
            TableKind::Project => "project",
            TableKind::Unknown => "unknown",
        }
    }
}

/// One performance target table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Table {
    /// Department-overall, project or unknown.
    pub kind: TableKind,
    /// The banner title (`苏州市市级部门整体预算绩效目标表`), where the table has one.
    pub title: Option<String>,
    /// The budget year the table gives (title or fields); null where it gives none.
    pub year: Option<i32>,
    /// 单位名称 or 项目名称.
    pub name: Option<String>,
    /// The unit the table states for its amounts (`万元`), where a note line gives it.
    #[serde(default)]
    pub unit: Option<String>,
    /// Every labelled text, in order.
    pub fields: Vec<Field>,
    /// The funds block as a tree of items.
    pub funds: Funds,
    /// The indicator rows, each with its whole level path and parsed target values.
    pub indicators: Vec<Indicator>,
    /// Problems and repairs within this table (`column_shift_repaired`, `funds_mismatch`, …).
    pub diagnostics: Vec<Diagnostic>,
    /// Where the table sits in its input (sheet, pages, lines) and how it was extracted.
    #[serde(default)]
    pub source: TableSource,
}

/// Where a table sits in its input and how it was read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TableSource {
    /// The worksheet's name (workbooks).
    pub sheet: Option<String>,
    /// The first page the table is on, from 1 (PDF).
    pub first_page: Option<u32>,
    /// The last page the table is on, from 1 (PDF).
    pub last_page: Option<u32>,
    /// The first line of the table, from 1 (text inputs).
    pub first_line: Option<u32>,
    /// The last line of the table, from 1 (text inputs).
    pub last_line: Option<u32>,
    /// text | spreadsheet | lattice | stream | markdown | html
    pub method: Option<String>,
    /// How sure the reader is of the grid it gave, from 0 to 1.
    pub confidence: Option<f64>,
}

/// A labelled text (`单位主要职能`: `…`), canonical.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Field {
    /// The label, as the table writes it (canonical).
    pub label: String,
    /// The text under or beside the label (canonical).
    pub text: String,
}

/// A table's funds block (资金情况).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Funds {
    /// The unit of the amounts (`万元`), where the block or table states one.
    pub unit: Option<String>,
    /// The block's lines, parents before their children.
    pub items: Vec<FundItem>,
}

/// One line of a funds block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FundItem {
    /// Labels from the outermost group to this item; a child's path extends its parent's.
    pub path: Vec<String>,
    /// One entry per amount column that has an amount; empty when the row has none.
    pub values: Vec<Amount>,
    /// Other text cells of the row under their column header (主要内容 of a task table).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub details: Vec<Field>,
}

/// One amount of a funds line, under its column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Amount {
    /// The amount column's header (`全年预算数`, `半年计划执行数`; `金额` where there is none).
    pub column: String,
    /// The amount, in the block's unit.
    #[serde(serialize_with = "ser_num")]
    pub amount: f64,
}

/// One indicator row, with its whole level path filled down.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Indicator {
    /// 一级指标 (`产出指标`).
    pub level1: Option<String>,
    /// 二级指标 (`数量指标`).
    pub level2: Option<String>,
    /// 重点工作, where the table has that column.
    pub key_work: Option<String>,
    /// 三级指标, the indicator's name; null for a 二级 group with no 三级.
    pub level3: Option<String>,
    /// One parsed value per target value column of the table, in source order.
    pub values: Vec<TargetValue>,
    /// Where the row is in the input.
    pub source: IndicatorSource,
    /// Notes written into a label (`产出指标(40-50)分` → 一级指标: `（40-50）分`), kept out of the
    /// name.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<Field>,
    /// 指标编码 (a code column, also a hidden one).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code: Option<String>,
    /// 指标权重 / 权重, as a number.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        serialize_with = "ser_opt_num"
    )]
    pub weight: Option<f64>,
    /// 分值, as a number.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        serialize_with = "ser_opt_num"
    )]
    pub score: Option<f64>,
    /// 指标方向 / 指标方向性 when it holds a word (正向, 反向), not an operator.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub direction: Option<String>,
    /// Other texts the table gives per indicator (指标解释, 评分标准, 备注, …), by column header.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub attributes: Vec<Field>,
    /// Cells of the context columns of a flat export (单位名称, 项目名称, 预算数…) on this
    /// indicator's row: the normalizer cuts the block into one table per project with them.
    #[serde(skip)]
    #[schemars(skip)]
    pub context: Vec<Field>,
}

/// Where an indicator row is in its input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IndicatorSource {
    /// The page, from 1 (PDF).
    pub page: Option<u32>,
    /// The line, from 1 (text inputs).
    pub line: Option<u32>,
    /// The worksheet's name (workbooks).
    pub sheet: Option<String>,
    /// The row, from 1 (workbooks).
    pub row: Option<u32>,
    /// A1 reference of the 三级指标 cell (`D12`), for workbooks.
    #[serde(default)]
    pub cell: Option<String>,
}

/// What a target value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// A number, maybe with an operator and a unit (`≥500人次`).
    Quantitative,
    /// A range with `min` and `max` (`90%-95%`).
    Range,
    /// Words (`有效提升`); `text` holds them canonical.
    Qualitative,
    /// No value in the cell.
    Empty,
}

impl ValueKind {
    /// The name as JSON and the tidy tables write it (`quantitative`).
    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::Quantitative => "quantitative",
            ValueKind::Range => "range",
            ValueKind::Qualitative => "qualitative",
            ValueKind::Empty => "empty",
        }
    }
}

/// A parsed target value (指标值).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TargetValue {
    /// The value column's header (`半年指标值`, `全年指标值`, `指标值`, …).
    pub column: String,
    /// The source cell text, trimmed (for a split 指标性质/指标值/度量单位 value, the three
    /// joined).
    pub raw: String,
    /// Quantitative, range, qualitative or empty.
    pub kind: ValueKind,
    /// `=`, `>=`, `<=`, `>`, `<`.
    pub op: Option<String>,
    /// The number of a quantitative value.
    #[serde(serialize_with = "ser_opt_num")]
    pub number: Option<f64>,
    /// The rest after the number (`%`, `人次`, `万元`), or null.
    pub unit: Option<String>,
    /// The lower bound of a range.
    #[serde(serialize_with = "ser_opt_num")]
    pub min: Option<f64>,
    /// The upper bound of a range.
    #[serde(serialize_with = "ser_opt_num")]
    pub max: Option<f64>,
    /// The canonical text of a qualitative value.
    pub text: Option<String>,
    /// The source cells of a value split over 指标性质 | 指标值 | 度量单位, as written.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub parts: Option<Vec<String>>,
}

/// How serious a diagnostic is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A note: a repair made or a cell quoted, nothing wrong with the output.
    Info,
    /// A doubt the reader should look at (`funds_mismatch`); `--strict` fails on it.
    Warning,
    /// Something could not be converted (`no_table`).
    Error,
}

impl Severity {
    /// The name as JSON and the tidy tables write it (`warning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A recoverable problem or a repair, with where it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Diagnostic {
    /// Info, warning or error.
    pub severity: Severity,
    /// Stable machine-readable code: `column_shift_repaired`, `funds_mismatch`,
    /// `unplaced_cell`, `row_joined`, …
    pub code: String,
    /// A sentence for people, quoting the cells concerned.
    pub message: String,
    /// Where in the input it happened.
    pub source: DiagSource,
}

/// Where a diagnostic happened; absent parts are left out of the JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DiagSource {
    /// The line, from 1 (text inputs).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u32>,
    /// The page, from 1 (PDF).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub page: Option<u32>,
    /// The worksheet's name (workbooks).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sheet: Option<String>,
    /// The A1 reference of the cell (`B12`, workbooks).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cell: Option<String>,
}

impl DiagSource {
    /// `line 37`, `page 2`, `Sheet1!B12`: for messages.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.sheet {
            match &self.cell {
                Some(c) => parts.push(format!("{s}!{c}")),
                None => parts.push(format!("sheet {s}")),
            }
        }
        if let Some(p) = self.page {
            parts.push(format!("page {p}"));
        }
        if let Some(l) = self.line {
            parts.push(format!("line {l}"));
        }
        parts.join(", ")
    }
}

/// Amounts and numbers print as integers when they are whole (`5`, not `5.0`), as the contract
/// shows them.
fn ser_num<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

fn ser_opt_num<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => ser_num(v, s),
        None => s.serialize_none(),
    }
}
