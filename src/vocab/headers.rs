//! Header words: the synonyms that name each column role of an indicator block (一级指标,
//! 指标值, 权重, …) and the context columns of flat exports.

use super::{is_amount_header, memos};
use crate::canon::key;
use std::collections::HashMap;
use std::sync::LazyLock;

/// What a column of an indicator block holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// A block label standing left of the header (绩效指标 / 年度绩效指标).
    Outer,
    Level1,
    Level2,
    KeyWork,
    Level3,
    /// The operator column of a split value (指标性质 / 计算符号).
    Op,
    /// A target value column, named by its header.
    Value(String),
    /// The unit column of a split value (度量单位 / 计量单位).
    Unit,
    /// Any other column kept as an extra value (实际完成值, a header no table word names).
    Extra(String),
    /// 指标权重 / 权重: a number per indicator, not a target.
    Weight,
    /// 分值: the points an indicator carries.
    Score,
    /// 指标方向性: 正向 / 反向 (an operator column holding words is read the same way).
    Direction,
    /// 指标编码: the indicator's code.
    Code,
    /// A text describing the indicator (指标解释, 评分标准, 备注, …), named by its header.
    Attr(String),
    /// A context column of a flat export (单位名称, 项目名称, 预算数, 年度目标): its cells
    /// belong to the project the row is part of, not to the indicator.
    Context(String),
}

impl Role {
    pub fn is_label(&self) -> bool {
        matches!(
            self,
            Role::Level1 | Role::Level2 | Role::KeyWork | Role::Level3
        )
    }
    pub fn is_valueish(&self) -> bool {
        matches!(self, Role::Op | Role::Value(_) | Role::Unit)
    }
}

/// Header text → role. Matching is on the key (canonical, no blanks), exact first, then by
/// the patterns' `contains` rules in order.
const LEVEL1: &[&str] = &[
    "一级指标",
    "一级",
    "一级指标名称",
    "指标类型",
    "指标类别",
    "一级指标类型",
];
const LEVEL2: &[&str] = &["二级指标", "二级", "二级指标名称"];
const LEVEL3: &[&str] = &[
    "三级指标",
    "三级",
    "三级指标名称",
    "指标名称",
    "指标内容",
    "绩效指标名称",
    "指标",
    "具体指标",
];
const KEY_WORK: &[&str] = &["重点工作", "重点工作任务", "主要工作", "工作任务"];
const OP: &[&str] = &[
    "指标性质",
    "计算符号",
    "指标符号",
    "符号",
    "运算符号",
    "指标方向",
];
const UNIT: &[&str] = &["度量单位", "计量单位", "单位", "指标单位"];
const VALUE: &[&str] = &[
    "指标值",
    "半年指标值",
    "全年指标值",
    "年度指标值",
    "目标值",
    "指标目标值",
    "指标值及单位",
    "当年预期实现值",
    "预期目标值",
    "年度目标值",
    "实施期指标值",
    "中期指标值",
    "长期指标值",
    "指标值(包含数字及文字描述)",
    "绩效目标值",
    "预期值",
    "标准值",
];
const EXTRA: &[&str] = &["实际完成值", "完成值", "优", "良", "中", "差"];
const WEIGHT: &[&str] = &[
    "指标权重",
    "权重",
    "权重(%)",
    "指标权重(%)",
    "权重分值",
    "权数",
];
const SCORE: &[&str] = &["分值", "指标分值", "分数", "标准分值", "评分分值"];
const DIRECTION: &[&str] = &["指标方向性", "方向", "指标导向", "方向性"];
const CODE: &[&str] = &[
    "指标编码",
    "编码",
    "指标代码",
    "指标编号",
    "编号",
    "指标序号",
];
const ATTR: &[&str] = &[
    "绩效标准",
    "评分标准",
    "评分规则",
    "评(扣)分标准",
    "扣分标准",
    "备注",
    "指标解释",
    "指标说明",
    "指标描述",
    "指标值说明",
    "指标值设定依据",
    "指标标准或依据",
    "指标依据",
    "指标值确定依据",
    "计算方法",
    "计算公式",
    "评价标准",
    "数据来源",
    "指标来源",
    "目标值设定依据及数据来源",
];
/// Headers of the context columns of a flat export, in front of the indicator columns.
const CONTEXT: &[&str] = &[
    "单位名称",
    "部门名称",
    "预算单位",
    "单位",
    "项目名称",
    "项目",
    "二级项目名称",
    "项目支出名称",
    "预算数",
    "预算金额",
    "资金总额",
    "年度资金总额",
    "项目金额",
    "年度目标",
    "年度绩效目标",
    "总体目标",
    "项目概况",
    "单位编码",
    "项目编码",
    "项目类型",
];
const OUTER: &[&str] = &[
    "绩效指标",
    "年度绩效指标",
    "绩效目标",
    "产出及效益指标",
    "中长期绩效指标",
    "年度指标",
    "长期指标",
    "实施期绩效指标",
];

/// What a header word names, before the value names are attached.
#[derive(Clone, Copy, PartialEq)]
enum HeaderKind {
    L1,
    L2,
    L3,
    Kw,
    Op,
    Unit,
    Value,
    Extra,
    Outer,
    Weight,
    Score,
    Direction,
    Code,
    Attr,
}

/// The header words by key, built once: matching a cell is one lookup, not one
/// canonicalization per vocabulary word.
static HEADERS: LazyLock<HashMap<String, HeaderKind>> = LazyLock::new(|| {
    let lists: [(&[&str], HeaderKind); 14] = [
        (OUTER, HeaderKind::Outer),
        (EXTRA, HeaderKind::Extra),
        (ATTR, HeaderKind::Attr),
        (CODE, HeaderKind::Code),
        (DIRECTION, HeaderKind::Direction),
        (SCORE, HeaderKind::Score),
        (WEIGHT, HeaderKind::Weight),
        (VALUE, HeaderKind::Value),
        (UNIT, HeaderKind::Unit),
        (OP, HeaderKind::Op),
        (KEY_WORK, HeaderKind::Kw),
        (LEVEL3, HeaderKind::L3),
        (LEVEL2, HeaderKind::L2),
        (LEVEL1, HeaderKind::L1),
    ];
    // Later lists win, so the order above is the reverse of precedence.
    let mut m = HashMap::new();
    for (list, kind) in lists {
        for w in list {
            m.insert(key(w), kind);
        }
    }
    m
});

/// The longest header word, in characters.
static HEADER_CHARS: LazyLock<usize> =
    LazyLock::new(|| HEADERS.keys().map(|k| k.chars().count()).max().unwrap_or(0));

/// A bare header over the indicator names in a text stream (`指标`, `绩效指标内容`), by key.
pub fn is_bare_name_header_key(k: &str) -> bool {
    k == "指标" || k == "绩效指标内容"
}

/// The role a header cell names, if any.
pub fn header_role(text: &str) -> Option<Role> {
    // Told before the memo: cheaper than hashing the text.
    if too_long_for_header(text) {
        return None;
    }
    memos::HEADER_ROLE.with(|m| m.get_or(text, header_role_of))
}

/// A key keeps every character but blanks, marks and colons, so a cell with more of the others
/// than the longest header word (or a 12-character `…指标值`) names no column; only `…目标值`
/// may be longer. Indicator rows are mostly such cells: no key to build.
fn too_long_for_header(text: &str) -> bool {
    let kept = text
        .chars()
        .filter(|c| {
            !c.is_whitespace() && !crate::normalize::canon::is_mark(*c) && !matches!(c, ':' | '：')
        })
        .count();
    kept > (*HEADER_CHARS).max(12) && !text.contains("目标值")
}

pub(super) fn header_role_of(text: &str) -> Option<Role> {
    if too_long_for_header(text) {
        return None;
    }
    let k = key(text);
    // A sentence's last mark run into the header cell under it (`。二级指标`: a paragraph
    // printed past its cell's bottom edge, as a narrow print does) is no part of the header.
    let k = k
        .trim_end_matches(['*', ':'])
        .trim_start_matches(['。', '，', '；', '、', '.', ',', ';']);
    let kind = HEADERS.get(k).copied();
    Some(match kind {
        Some(HeaderKind::L1) => Role::Level1,
        Some(HeaderKind::L2) => Role::Level2,
        Some(HeaderKind::L3) => Role::Level3,
        Some(HeaderKind::Kw) => Role::KeyWork,
        Some(HeaderKind::Op) => Role::Op,
        Some(HeaderKind::Unit) => Role::Unit,
        Some(HeaderKind::Value) => Role::Value(text_of(text)),
        _ if (k.ends_with("指标值") && k.chars().count() <= 12) || k.ends_with("目标值") => {
            Role::Value(text_of(text))
        }
        Some(HeaderKind::Extra) => Role::Extra(text_of(text)),
        Some(HeaderKind::Outer) => Role::Outer,
        Some(HeaderKind::Weight) => Role::Weight,
        Some(HeaderKind::Score) => Role::Score,
        Some(HeaderKind::Direction) => Role::Direction,
        Some(HeaderKind::Code) => Role::Code,
        Some(HeaderKind::Attr) => Role::Attr(text_of(text)),
        // A sub-column of an attribute (`备注（上年实际值）`, `评分标准（优）` as the canonical
        // workbook writes them) keeps its parent's role.
        None if k.ends_with(')')
            && HEADERS.get(k.split('(').next().unwrap_or("")) == Some(&HeaderKind::Attr) =>
        {
            Role::Attr(text_of(text))
        }
        None if k.contains("权重") && k.chars().count() <= 8 => Role::Weight,
        None if k.ends_with("分值") && k.chars().count() <= 6 => Role::Score,
        None => return None,
    })
}

/// The role of a header cell that names no indicator column but a context column of a flat
/// export (项目名称, 预算数, 年度目标), read only left of the level columns.
pub fn context_role(text: &str) -> Option<Role> {
    static KEYS: LazyLock<Vec<String>> = LazyLock::new(|| CONTEXT.iter().map(|w| key(w)).collect());
    let k = key(text);
    let k = k.trim_end_matches(['*', ':', '：']);
    let base = k.split('(').next().unwrap_or(k);
    (KEYS.iter().any(|w| w == k || w == base) || is_amount_header(base))
        .then(|| Role::Context(text_of(text)))
}

fn text_of(s: &str) -> String {
    crate::canon::canonical(s)
}
