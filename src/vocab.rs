//! The words of the tables, as data: header synonyms for each column role, the labels of text
//! fields and funds blocks, the standard indicator names of the national framework, and the
//! common qualitative target words. The normalizer's logic reads these tables; it never
//! matches strings of its own.

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

/// The vocabulary checks run on nearly every cell, answered once per distinct text and thread
/// (`canon::memo` says why and how it stays bounded).
mod memos {
    use super::{FieldLabel, Role};
    use crate::canon::memo::Memo;
    thread_local! {
        pub static HEADER_ROLE: Memo<Option<Role>> = Memo::default();
        pub static FIELD_LABEL: Memo<Option<&'static FieldLabel>> = Memo::default();
        pub static FOOTER: Memo<bool> = Memo::default();
        pub static LEVEL1: Memo<bool> = Memo::default();
        pub static LEVEL2: Memo<bool> = Memo::default();
        pub static MONEY: Memo<bool> = Memo::default();
        pub static TITLE: Memo<bool> = Memo::default();
        pub static FUNDS_BLOCK: Memo<bool> = Memo::default();
    }
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

fn header_role_of(text: &str) -> Option<Role> {
    if too_long_for_header(text) {
        return None;
    }
    let k = key(text);
    let k = k.trim_end_matches(['*', ':']);
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

/// A banner title (`项目支出绩效目标表`, `…绩效目标申报表`), as every stage tells one: the
/// normalizer opens a table at one, the layout reader ends an indicator block at one.
pub fn is_title_text(text: &str) -> bool {
    memos::TITLE.with(|m| m.get_or(text, is_title_text_of))
}

fn is_title_text_of(text: &str) -> bool {
    let k = key(text);
    let k = k.trim_end_matches(['|', ' ']);
    let core = k.split(['(', '（']).next().unwrap_or(k);
    (core.ends_with('表') || k.ends_with('表'))
        && (k.contains("绩效") || k.contains("目标"))
        && k.chars().count() >= 5
        && k.chars().count() <= 80
}

/// Labels of text fields in the header part of a table. `name` marks the field that names the
/// table (单位名称 / 项目名称).
pub struct FieldLabel {
    pub label: &'static str,
    pub is_name: bool,
    pub project: bool,
}

pub const FIELD_LABELS: &[FieldLabel] = &[
    FieldLabel {
        label: "单位名称",
        is_name: true,
        project: false,
    },
    FieldLabel {
        label: "部门名称",
        is_name: true,
        project: false,
    },
    FieldLabel {
        label: "部门(单位)名称",
        is_name: true,
        project: false,
    },
    FieldLabel {
        label: "部门（单位）名称",
        is_name: true,
        project: false,
    },
    FieldLabel {
        label: "预算单位",
        is_name: true,
        project: false,
    },
    FieldLabel {
        label: "项目名称",
        is_name: true,
        project: true,
    },
    FieldLabel {
        label: "专项名称",
        is_name: true,
        project: true,
    },
    FieldLabel {
        label: "主管部门",
        is_name: false,
        project: true,
    },
    FieldLabel {
        label: "实施单位",
        is_name: false,
        project: true,
    },
    FieldLabel {
        label: "主管部门及代码",
        is_name: false,
        project: true,
    },
    FieldLabel {
        label: "项目属性",
        is_name: false,
        project: true,
    },
    FieldLabel {
        label: "项目类型",
        is_name: false,
        project: true,
    },
    FieldLabel {
        label: "项目期",
        is_name: false,
        project: true,
    },
    FieldLabel {
        label: "项目期限",
        is_name: false,
        project: true,
    },
    FieldLabel {
        label: "项目周期",
        is_name: false,
        project: true,
    },
    FieldLabel {
        label: "项目概况",
        is_name: false,
        project: true,
    },
    FieldLabel {
        label: "项目负责人",
        is_name: false,
        project: true,
    },
    FieldLabel {
        label: "联系电话",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "单位主要职能",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "部门职能",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "主要职能",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "机构设置及人员配置",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "中长期目标",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "年度目标",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "年度绩效目标",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "年度总体目标",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "总体目标",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "绩效目标",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "实施期绩效目标",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "实施期目标",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "长期目标",
        is_name: false,
        project: false,
    },
    FieldLabel {
        label: "部门整体绩效目标",
        is_name: false,
        project: false,
    },
];

pub fn field_label(text: &str) -> Option<&'static FieldLabel> {
    memos::FIELD_LABEL.with(|m| m.get_or(text, field_label_of))
}

fn field_label_of(text: &str) -> Option<&'static FieldLabel> {
    static BY_KEY: LazyLock<HashMap<String, &'static FieldLabel>> =
        LazyLock::new(|| FIELD_LABELS.iter().map(|f| (key(f.label), f)).collect());
    let k = key(text);
    let k = k.trim_end_matches(':');
    BY_KEY.get(k).copied().or_else(|| name_label_by_form(k))
}

/// How many known field labels a text holds, apart (longest first, none inside another): two
/// or more in one cell say that an extraction ran several label cells together
/// (`编制单位:专项资金名称业务主管部门…项目概况立项依据`).
pub fn field_labels_within(text: &str) -> usize {
    static LONGEST_FIRST: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut ks: Vec<String> = FIELD_LABELS.iter().map(|f| key(f.label)).collect();
        ks.sort_by_key(|k| std::cmp::Reverse(k.chars().count()));
        ks.dedup();
        ks
    });
    let mut k = key(text);
    let mut n = 0;
    for label in LONGEST_FIRST.iter() {
        while let Some(i) = k.find(label.as_str()) {
            n += 1;
            // Blank it out so a shorter label inside it is not counted again.
            k.replace_range(i..i + label.len(), "|");
        }
    }
    n
}

/// A name label the list does not hold, by its form: `…名称` of a project or fund
/// (专项资金名称, 二级项目名称, 项目支出名称) or of a unit (部门（单位）名称).
fn name_label_by_form(k: &str) -> Option<&'static FieldLabel> {
    static PROJECT: FieldLabel = FieldLabel {
        label: "项目名称",
        is_name: true,
        project: true,
    };
    static UNIT: FieldLabel = FieldLabel {
        label: "单位名称",
        is_name: true,
        project: false,
    };
    let head = k.strip_suffix("名称")?;
    if head.chars().count() > 8 {
        return None;
    }
    if ["项目", "专项", "资金"].iter().any(|w| head.contains(w)) {
        Some(&PROJECT)
    } else if ["单位", "部门"].iter().any(|w| head.contains(w)) {
        Some(&UNIT)
    } else {
        None
    }
}

/// A funds block label (部门整体资金（万元）, 项目资金（万元）, 年度主要任务).
pub fn is_funds_block_label(text: &str) -> bool {
    memos::FUNDS_BLOCK.with(|m| m.get_or(text, is_funds_block_label_of))
}

fn is_funds_block_label_of(text: &str) -> bool {
    let k = key(text);
    let base = k
        .split('(')
        .next()
        .unwrap_or(&k)
        .trim_end_matches(['：', ':']);
    matches!(
        base,
        "部门整体资金"
            | "项目资金"
            | "资金情况"
            | "项目资金情况"
            | "年度资金"
            | "预算资金"
            | "部门预算资金"
            | "年度主要任务"
            | "资金投入"
            | "部门整体支出"
            | "年度预算"
    ) || (base.ends_with("资金") && k.contains("万元"))
}

/// Headers over amount columns (全年预算数, 总额, …).
pub fn is_amount_header(text: &str) -> bool {
    let k = key(text);
    const W: &[&str] = &[
        "全年预算数",
        "半年计划执行数",
        "预算数",
        "执行数",
        "计划数",
        "年度预算数",
        "金额",
        "总额",
        "预算金额",
        "合计金额",
        "资金金额",
        "全年执行数",
        "决算数",
    ];
    W.contains(&k.as_str())
        || k.starts_with("预算金额")
        || (k.ends_with("数") && (k.contains("预算") || k.contains("执行")))
}

/// Headers of text columns in a funds table (任务名称 | 主要内容).
pub fn is_funds_text_header(text: &str) -> bool {
    let k = key(text);
    k.ends_with("名称") || k.ends_with("内容") || k == "说明" || k == "备注" || k == "科目"
}

/// A funds line whose following lines (at the same depth) are its parts: 项目支出 → each
/// project.
pub fn is_parts_parent(text: &str) -> bool {
    let k = key(text);
    matches!(k.as_str(), "项目支出" | "项目经费" | "其中:项目支出")
}

/// The total line of a funds block (资金总额, 合计): above its parts, never under a section.
pub fn is_funds_total(text: &str) -> bool {
    matches!(
        key(text).as_str(),
        "资金总额" | "年度资金总额" | "金额合计" | "总计" | "资金合计" | "合计" | "预算总额"
    )
}

/// Names of sections inside a funds block that stand alone, without amounts: 收入 / 支出.
pub fn is_funds_section(text: &str) -> bool {
    matches!(
        key(text).as_str(),
        "收入" | "支出" | "资金来源" | "资金用途" | "收入预算" | "支出预算"
    )
}

/// Standard 一级 indicator names (national framework and department-overall tables).
const LEVEL1_NAMES: &[&str] = &[
    "产出指标",
    "效益指标",
    "满意度指标",
    "成本指标",
    "决策",
    "过程",
    "履职",
    "效益",
    "满意度",
    "产出",
    "成本",
    "效果",
    "影响力",
    "管理",
    "投入",
];
/// Standard 二级 indicator names.
const LEVEL2_NAMES: &[&str] = &[
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
    "经济效益",
    "社会效益",
    "生态效益",
    "可持续发展",
    "可持续影响",
    "服务对象满意度",
    "计划制定",
    "目标设定",
    "预算编制",
    "预算执行",
    "预算管理",
    "资产管理",
    "项目管理",
    "人员管理",
    "机构建设",
    "满意度",
];

pub fn is_level1_name(text: &str) -> bool {
    memos::LEVEL1.with(|m| m.get_or(text, |t| is_level1_key(&key(t))))
}

pub fn is_level2_name(text: &str) -> bool {
    memos::LEVEL2.with(|m| m.get_or(text, |t| is_level2_key(&key(t))))
}

/// `is_level1_name` of a text already made a `key` (a cell is keyed once, then asked several
/// questions).
pub fn is_level1_key(k: &str) -> bool {
    let b = before_note(k);
    LEVEL1_NAMES.contains(&b) || (named_like(b, LEVEL1_WORDS, 8) && !level2_like(b))
}

pub fn is_level2_key(k: &str) -> bool {
    let b = before_note(k);
    LEVEL2_NAMES.contains(&b) || level2_like(b)
}

/// The 一级 each standard 二级 sits under (national framework, department-overall tables). Used
/// where a text lost the rows a merged 一级 covers (names printed centred over their span): a
/// 二级 names its 一级.
const LEVEL2_PARENTS: &[(&str, &[&str])] = &[
    (
        "产出指标",
        &["数量指标", "质量指标", "时效指标", "成本指标"],
    ),
    (
        "效益指标",
        &[
            "经济效益指标",
            "社会效益指标",
            "生态效益指标",
            "可持续影响指标",
        ],
    ),
    ("满意度指标", &["服务对象满意度指标"]),
    (
        "成本指标",
        &["经济成本指标", "社会成本指标", "生态环境成本指标"],
    ),
    ("决策", &["计划制定", "目标设定", "预算编制"]),
    (
        "过程",
        &[
            "预算执行",
            "预算管理",
            "资产管理",
            "项目管理",
            "人员管理",
            "机构建设",
        ],
    ),
    (
        "效益",
        &[
            "经济效益",
            "社会效益",
            "生态效益",
            "可持续发展",
            "可持续影响",
        ],
    ),
    ("满意度", &["服务对象满意度"]),
];

/// Whether `l1` is the standard 一级 of the standard 二级 `l2` (keys): `Some(false)` when both
/// are standard names and `l2` sits under another 一级, `None` when the vocabulary cannot say.
pub fn is_parent_of(l1: &str, l2: &str) -> Option<bool> {
    let (l1, l2) = (before_note(l1), before_note(l2));
    let under = |p: &str| {
        LEVEL2_PARENTS
            .iter()
            .any(|(q, kids)| *q == p && kids.contains(&l2))
    };
    let known = LEVEL2_PARENTS.iter().any(|(_, kids)| kids.contains(&l2));
    if !known || !LEVEL1_NAMES.contains(&l1) {
        return None;
    }
    Some(under(l1))
}

/// Page chrome standing alone on a line: `第 1 页，共 4 页`, `- 3 -`, `2/5`, `Page 2 of 5`.
pub fn is_page_number(text: &str) -> bool {
    static RE: LazyLock<regex::Regex> = LazyLock::new(|| {
        // `[0-9０-９]`, not `\d`: Unicode's `\d` makes the pattern far costlier to compile.
        regex::Regex::new(
            r"^(第\s*[0-9０-９]+\s*页\s*[，,]?\s*(共\s*[0-9０-９]+\s*页)?|共\s*[0-9０-９]+\s*页\s*[，,]?\s*第\s*[0-9０-９]+\s*页|[-－—]\s*[0-9０-９]{1,4}\s*[-－—]|[0-9０-９]+\s*/\s*[0-9０-９]+|Page\s+[0-9０-９]+(\s+of\s+[0-9０-９]+)?)$",
        )
        .expect("page number pattern")
    });
    let t = text.trim();
    t.chars().count() <= 24
        && (t.contains('页')
            || t.contains('/')
            || t.contains('-')
            || t.contains('—')
            || t.contains('－')
            || t.starts_with("Page"))
        && RE.is_match(t)
}

/// Words that make a short `…指标` a 一级 name where the template uses its own (项目完成指标,
/// 实施效果指标, 项目效益指标).
const LEVEL1_WORDS: &[&str] = &["产出", "效益", "效果", "完成", "满意度", "成本", "履职"];
/// Words that make a `…指标` a 二级 name (环境效益指标, 可持续性发展影响指标,
/// 服务对象或受益者满意度指标).
const LEVEL2_WORDS: &[&str] = &[
    "数量",
    "质量",
    "时效",
    "进度",
    "经济",
    "社会",
    "生态",
    "环境",
    "可持续",
    "满意",
    "影响",
];

fn named_like(k: &str, words: &[&str], max_chars: usize) -> bool {
    k.ends_with("指标") && k.chars().count() <= max_chars && words.iter().any(|w| k.contains(w))
}

fn level2_like(k: &str) -> bool {
    !LEVEL1_NAMES.contains(&k) && named_like(k, LEVEL2_WORDS, 16)
}

fn before_note(k: &str) -> &str {
    k.split(['(', '（']).next().unwrap_or(k)
}

/// `产出指标(40-50)分` / `效益指标（必填）` → `产出指标`.
pub fn strip_note(k: &str) -> String {
    before_note(k).to_string()
}

/// Words commonly written as qualitative targets.
const QUAL_WORDS: &[&str] = &[
    "健全",
    "完善",
    "合理",
    "明确",
    "科学",
    "规范",
    "合规",
    "公开",
    "有效",
    "及时",
    "提升",
    "合格",
    "较好",
    "良好",
    "好",
    "完整",
    "明显提升",
    "显著提升",
    "逐步提升",
    "有所提升",
    "稳步提升",
    "增强",
    "达标",
    "优秀",
    "满意",
    "准确",
    "安全",
    "稳定",
    "持续",
    "正常",
    "按时",
    "到位",
    "齐全",
    "是",
    "否",
    "有",
    "无",
    "高",
    "较高",
    "显著",
    "明显",
    "改善",
    "明显改善",
    "持续改善",
    "提高",
    "有效提升",
    "长期",
    "符合",
    "符合要求",
    "达到要求",
    "完成",
    "按期完成",
    "按时完成",
    "基本满意",
    "非常满意",
    "优良",
    "可控",
    "降低",
    "下降",
    "减少",
    "增加",
    "保持",
    "积极",
    "充分",
    "严格",
];

pub fn is_qual_word(text: &str) -> bool {
    is_qual_key(&key(text))
}

pub fn is_qual_key(k: &str) -> bool {
    QUAL_WORDS.contains(&k)
}

/// Split a note off a level label: score ranges and fill-in hints (`产出指标(40-50)分`,
/// `效益指标（必填硬性指标）`, `满意度指标(选填)`) are notes; other brackets (`办公室（研究室）`) are
/// part of the name.
pub fn split_note(label: &str) -> (String, Option<String>) {
    static NOTE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(.+?)[ \t\n]*([（(][^（）()]*[)）][ \t\n]*分?|[0-9]+(?:\.[0-9]+)?[ \t\n]*[-~～][ \t\n]*[0-9]+(?:\.[0-9]+)?[ \t\n]*分|[0-9]+(?:\.[0-9]+)?分)$").unwrap()
    });
    const HINTS: &[&str] = &[
        "必填", "选填", "硬性", "可选", "自选", "共性", "个性", "权重", "分值", "参考",
    ];
    // The pattern ends in a bracket or 分: other labels are not tried (nor is it compiled).
    if label.ends_with([')', '）', '分'])
        && let Some(m) = NOTE.captures(label)
    {
        let note = m[2].to_string();
        let inner: String = note
            .chars()
            .filter(|c| !matches!(c, '(' | ')' | '（' | '）'))
            .collect();
        let is_note = note.ends_with('分')
            || inner.trim_end().ends_with('分')
            || HINTS.iter().any(|h| inner.contains(h))
            || inner
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '~' | '～' | '.' | ' '));
        if is_note && !m[1].trim().is_empty() {
            return (m[1].trim().to_string(), Some(note));
        }
    }
    (label.to_string(), None)
}

/// Labels of the note lines around a table (填报单位：…, 单位：万元).
pub fn is_note_label(label: &str) -> bool {
    const W: &[&str] = &[
        "填报单位",
        "编制单位",
        "填报人",
        "填报日期",
        "联系人",
        "联系电话",
        "单位",
        "金额单位",
        "资金单位",
        "审核人",
        "负责人",
        "制表人",
        "制表日期",
        "日期",
        "盖章",
    ];
    let k = crate::canon::key(label);
    let k = k.split('(').next().unwrap_or(&k);
    W.contains(&k)
}

/// Endings of a label naming an office (业务主管部门, 编制单位), beside `LABEL_ENDINGS`.
const OFFICE_LABEL_ENDINGS: &[&str] = &["部门", "单位", "科室"];

/// A field label and its text one space apart in one run of text
/// (`专项资金名称 潼南区五桂镇汇总项目库`, `业务主管部门 813-潼南区五桂镇`): the label and the text.
/// The head must be a known label, end with a colon, or end like a label and be short.
pub fn label_then_text(text: &str) -> Option<(&str, &str)> {
    let (head, rest) = text.trim().split_once(' ')?;
    let rest = rest.trim();
    if rest.is_empty() {
        return None;
    }
    let k = key(head);
    let short = k.chars().count() <= 10;
    let known = field_label(head).is_some()
        || k.ends_with(':')
        || (short && ends_like_label(head))
        || (short && OFFICE_LABEL_ENDINGS.iter().any(|w| k.ends_with(w)));
    known.then_some((head, rest))
}

/// Endings of a field label the list does not hold (绩效目标 总体描述, 项目概况, 立项依据).
const LABEL_ENDINGS: &[&str] = &[
    "目标", "描述", "内容", "依据", "概况", "情况", "说明", "计划", "职能", "名称",
];

pub fn ends_like_label(text: &str) -> bool {
    let k = key(text);
    LABEL_ENDINGS.iter().any(|w| k.ends_with(w))
}

/// Words of a direction column (指标方向性), also found in operator columns.
const DIRECTION_WORDS: &[&str] = &[
    "正向",
    "反向",
    "中性",
    "正向指标",
    "反向指标",
    "越大越好",
    "越小越好",
    "逆向",
];

pub fn is_direction_word(text: &str) -> bool {
    DIRECTION_WORDS.contains(&key(text).as_str())
}

/// Labels of the unit note of a table's amounts (`单位：万元`).
const UNIT_LABELS: &[&str] = &["单位", "金额单位", "资金单位", "计量单位(金额)"];

pub fn is_unit_label(text: &str) -> bool {
    UNIT_LABELS.contains(&key(text).trim_end_matches(':'))
}

/// Units of money a table's amounts are given in (the unit note `单位：万元`).
const MONEY_UNITS: &[&str] = &["元", "万元", "千元", "百万元", "亿元"];

/// A unit note run onto the end of a text by an extraction (`813-潼南区五桂镇单位：万元`, the
/// note standing at the right of the same line): the text before it and the unit. Only a unit
/// of money counts, so a text ending in `单位:人` stays whole.
pub fn trailing_unit_note(text: &str) -> Option<(&str, &str)> {
    let t = text.trim_end();
    let colon = t.rfind([':', '：'])?;
    let unit = t[colon..].trim_start_matches([':', '：']).trim();
    if !MONEY_UNITS.contains(&unit) {
        return None;
    }
    let before = &t[..colon];
    // Longest label first: `金额单位` before the `单位` it ends with.
    let mut labels: Vec<&str> = UNIT_LABELS.to_vec();
    labels.sort_by_key(|l| std::cmp::Reverse(l.len()));
    labels.into_iter().find_map(|l| {
        let head = before.strip_suffix(l)?;
        let head = head.trim_end();
        (!head.is_empty()).then_some((head, unit))
    })
}

/// Words that open a label without being one (`其中：当年市级财政资金`).
const LABEL_PREFIXES: &[&str] = &["其中", "含"];

pub fn is_label_prefix(text: &str) -> bool {
    LABEL_PREFIXES.contains(&key(text).as_str())
}

/// Words that make a header label speak of money (项目金额, 当年预算, 下达中央预算内投资(万元),
/// 公共财政拨款), so that an amount beside it is a funds line; and words that make it a rate or
/// a category instead (年度预算执行率, 财政资金预算分类).
const MONEY_WORDS: &[&str] = &[
    "资金", "预算", "金额", "投资", "拨款", "经费", "总额", "支出", "收入", "补助", "结转", "结余",
    "财政", "合计",
];
const NOT_MONEY_WORDS: &[&str] = &[
    "率", "分类", "科目", "代码", "编码", "权重", "分值", "名称", "来源", "性质", "用途", "单位",
];

pub fn is_money_label(text: &str) -> bool {
    memos::MONEY.with(|m| m.get_or(text, is_money_label_of))
}

fn is_money_label_of(text: &str) -> bool {
    let k = key(text);
    MONEY_WORDS.iter().any(|w| k.contains(w)) && !NOT_MONEY_WORDS.iter().any(|w| k.contains(w))
}

/// Labels of the rows around a table that are not indicators: approval rows, signatures and
/// dates, notes (财政部门审核意见, 填表人, 注：…).
const FOOTER_WORDS: &[&str] = &[
    "审核意见",
    "审批意见",
    "批复意见",
    "填表人",
    "填报人",
    "经办人",
    "联系电话",
    "填报日期",
    "填表日期",
    "审核人",
    "负责人签字",
    "盖章",
    "注:",
    "注：",
    "说明:",
    "备注:",
];

pub fn is_footer_text(text: &str) -> bool {
    memos::FOOTER.with(|m| m.get_or(text, is_footer_text_of))
}

fn is_footer_text_of(text: &str) -> bool {
    // The words' keys are built once, not on every call (this runs on most cells).
    static KEYS: LazyLock<Vec<String>> =
        LazyLock::new(|| FOOTER_WORDS.iter().map(|w| key(w)).collect());
    let k = key(text);
    KEYS.iter()
        .any(|w| k.starts_with(w.as_str()) || (k.contains(w.as_str()) && !w.ends_with(':')))
}

/// Words that open a bracketed note in an indicator name rather than a unit
/// (`建设项目个数（含续建）`, `（不含税）`, `（按季度）`).
const NAME_NOTE_OPENERS: &[&str] = &["含", "不含", "包括", "包含", "按", "以", "其中", "除"];

pub fn is_name_note(text: &str) -> bool {
    NAME_NOTE_OPENERS.iter().any(|w| text.starts_with(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The memoized checks answer as their uncached forms, the second time too.
    #[test]
    fn memoized_checks_answer_as_computed() {
        let texts = [
            "项目支出绩效目标表",
            "一级指标",
            " 产出指标 ",
            "项目资金(万元)",
            "填表人：",
            "项目名称",
            "年度资金总额",
            "培训人数",
            "≥95%",
        ];
        for _ in 0..2 {
            for t in texts {
                assert_eq!(header_role(t), header_role_of(t), "{t}");
                assert_eq!(
                    field_label(t).map(|f| f.label),
                    field_label_of(t).map(|f| f.label),
                    "{t}"
                );
                assert_eq!(is_footer_text(t), is_footer_text_of(t), "{t}");
                assert_eq!(is_level1_name(t), is_level1_key(&key(t)), "{t}");
                assert_eq!(is_level2_name(t), is_level2_key(&key(t)), "{t}");
                assert_eq!(is_money_label(t), is_money_label_of(t), "{t}");
                assert_eq!(is_title_text(t), is_title_text_of(t), "{t}");
                assert_eq!(is_funds_block_label(t), is_funds_block_label_of(t), "{t}");
            }
        }
        assert!(is_title_text("项目支出绩效目标表"));
        assert_eq!(header_role("一级指标"), Some(Role::Level1));
        assert!(is_level1_name(" 产出指标 "));
        assert!(is_funds_block_label("项目资金(万元)"));
        assert!(is_footer_text("填表人："));
        assert!(field_label("项目名称").is_some_and(|f| f.is_name));
        assert!(!is_level1_name("培训人数"));
    }

    #[test]
    fn standard_parents_and_page_numbers() {
        assert_eq!(is_parent_of("产出指标", "时效指标"), Some(true));
        assert_eq!(is_parent_of("效益指标", "时效指标"), Some(false));
        assert_eq!(is_parent_of("过程", "预算执行"), Some(true));
        assert_eq!(is_parent_of("实施效果指标", "时效指标"), None);
        assert_eq!(is_parent_of("产出指标", "工作推进"), None);
        assert!(is_page_number("第 1 页，共 4 页"));
        assert!(is_page_number("- 3 -"));
        assert!(is_page_number("2/5"));
        assert!(!is_page_number("2025年11月底"));
        assert!(!is_page_number("≥95%"));
    }

    #[test]
    fn a_unit_note_run_onto_a_text() {
        assert_eq!(
            trailing_unit_note("813-潼南区五桂镇单位：万元"),
            Some(("813-潼南区五桂镇", "万元"))
        );
        assert_eq!(
            trailing_unit_note("某局  金额单位:元"),
            Some(("某局", "元"))
        );
        assert_eq!(trailing_unit_note("计量单位:人"), None);
        assert_eq!(trailing_unit_note("单位:万元"), None);
    }

    #[test]
    fn a_label_and_its_text_one_space_apart() {
        assert_eq!(
            label_then_text("专项资金名称 潼南区五桂镇汇总项目库"),
            Some(("专项资金名称", "潼南区五桂镇汇总项目库"))
        );
        assert_eq!(
            label_then_text("业务主管部门 813-潼南区五桂镇"),
            Some(("业务主管部门", "813-潼南区五桂镇"))
        );
        assert_eq!(label_then_text("新增□ 延续□ 往年备选□"), None);
        assert_eq!(label_then_text("项目名称"), None);
    }

    #[test]
    fn labels_run_together_are_counted_apart() {
        assert_eq!(
            field_labels_within(
                "编制单位:专项资金名称业务主管部门 813-潼南区五桂镇当年预算项目概况立项依据"
            ),
            2
        );
        assert_eq!(field_labels_within("主管部门及代码"), 1);
        assert_eq!(field_labels_within("完成我市建成区的绿化养护工作"), 0);
    }

    #[test]
    fn header_synonyms() {
        assert_eq!(header_role("一级指标"), Some(Role::Level1));
        assert_eq!(header_role("三级指标"), Some(Role::Level3));
        assert_eq!(header_role("重点工作"), Some(Role::KeyWork));
        assert_eq!(
            header_role("半年指标值"),
            Some(Role::Value("半年指标值".into()))
        );
        assert_eq!(
            header_role("指标值(包含数字及文字描述)"),
            Some(Role::Value("指标值（包含数字及文字描述）".into()))
        );
        assert_eq!(header_role("度量单位"), Some(Role::Unit));
        assert_eq!(header_role("指标性质"), Some(Role::Op));
        assert_eq!(header_role("指标权重"), Some(Role::Weight));
        assert_eq!(header_role("权重（%）"), Some(Role::Weight));
        assert_eq!(header_role("分值"), Some(Role::Score));
        assert_eq!(header_role("指标解释"), Some(Role::Attr("指标解释".into())));
        assert_eq!(header_role("指标"), Some(Role::Level3));
        assert_eq!(header_role("指标类型"), Some(Role::Level1));
        assert_eq!(header_role("年度绩效指标"), Some(Role::Outer));
        assert_eq!(header_role("预算编制科学性"), None);
    }

    #[test]
    fn labels() {
        assert!(field_label("部门(单位)名称").unwrap().is_name);
        assert!(is_funds_block_label("部门整体资金(万元)"));
        assert!(is_funds_block_label("项目资金（万元）"));
        assert!(!is_funds_block_label("其他资金"));
        assert!(is_amount_header("全年预算数"));
        assert!(is_amount_header("预算金额（万元）"));
        assert!(!is_amount_header("财政拨款"));
        assert!(is_level1_name("产出指标(40-50)分"));
        assert!(is_level2_name("可持续影响指标"));
        assert_eq!(
            split_note("产出指标（40-50）分"),
            ("产出指标".into(), Some("（40-50）分".into()))
        );
        assert_eq!(
            split_note("效益指标（必填硬性指标）"),
            ("效益指标".into(), Some("（必填硬性指标）".into()))
        );
        assert_eq!(
            split_note("满意度指标（选填）"),
            ("满意度指标".into(), Some("（选填）".into()))
        );
        assert_eq!(split_note("办公室（研究室、机关党委）").1, None);
        assert_eq!(split_note("造林面积（亩）").1, None);
        assert!(is_note_label("填报单位（盖章）"));
        assert!(!is_note_label("目标1"));
    }
}
