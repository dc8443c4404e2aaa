//! The canonical model: plain data with serde derives and no I/O. Its JSON form is the output
//! contract `perfnorm/1` (`shared/docs/contract.md`); every writer takes only these types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};

/// The schema version every JSON output carries.
pub const SCHEMA: &str = "perfnorm/1";

/// One converted input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Document {
    pub schema: String,
    pub source: Source,
    pub tables: Vec<Table>,
    /// File-level problems: unreadable pages, grids that held no table, …
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Source {
    pub file: String,
    /// xlsx | xls | xlsb | ods | pdf | text
    pub format: String,
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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    DepartmentOverall,
    Project,
    #[default]
    Unknown,
}

impl TableKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TableKind::DepartmentOverall => "department_overall",
            TableKind::Project => "project",
            TableKind::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Table {
    pub kind: TableKind,
    pub title: Option<String>,
    pub year: Option<i32>,
    /// 单位名称 or 项目名称.
    pub name: Option<String>,
    /// The unit the table states for its amounts (`万元`), where a note line gives it.
    #[serde(default)]
    pub unit: Option<String>,
    /// Every labelled text, in order.
    pub fields: Vec<Field>,
    pub funds: Funds,
    pub indicators: Vec<Indicator>,
    pub diagnostics: Vec<Diagnostic>,
    /// Where the table sits in its input (sheet, pages, lines) and how it was extracted.
    #[serde(default)]
    pub source: TableSource,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TableSource {
    pub sheet: Option<String>,
    pub first_page: Option<u32>,
    pub last_page: Option<u32>,
    pub first_line: Option<u32>,
    pub last_line: Option<u32>,
    /// text | spreadsheet | lattice | stream | markdown | html
    pub method: Option<String>,
    pub confidence: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Field {
    pub label: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Funds {
    pub unit: Option<String>,
    pub items: Vec<FundItem>,
}

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Amount {
    pub column: String,
    #[serde(serialize_with = "ser_num")]
    pub amount: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Indicator {
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub key_work: Option<String>,
    pub level3: Option<String>,
    pub values: Vec<TargetValue>,
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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IndicatorSource {
    pub page: Option<u32>,
    pub line: Option<u32>,
    pub sheet: Option<String>,
    pub row: Option<u32>,
    /// A1 reference of the 三级指标 cell (`D12`), for workbooks.
    #[serde(default)]
    pub cell: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Quantitative,
    Range,
    Qualitative,
    Empty,
}

impl ValueKind {
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
    pub kind: ValueKind,
    /// `=`, `>=`, `<=`, `>`, `<`.
    pub op: Option<String>,
    #[serde(serialize_with = "ser_opt_num")]
    pub number: Option<f64>,
    pub unit: Option<String>,
    #[serde(serialize_with = "ser_opt_num")]
    pub min: Option<f64>,
    #[serde(serialize_with = "ser_opt_num")]
    pub max: Option<f64>,
    /// The canonical text of a qualitative value.
    pub text: Option<String>,
    /// The source cells of a value split over 指标性质 | 指标值 | 度量单位, as written.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub parts: Option<Vec<String>>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
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
    pub severity: Severity,
    /// Stable machine-readable code: `column_shift_repaired`, `funds_mismatch`,
    /// `unplaced_cell`, `row_joined`, …
    pub code: String,
    pub message: String,
    pub source: DiagSource,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DiagSource {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sheet: Option<String>,
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
