//! Level names: the standard 一级/二级 indicator names of the national framework, which 二级
//! sits under which 一级, and the notes written after a level label (`产出指标(40-50)分`).

use super::memos;
use crate::canon::key;

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

/// Words that open a bracketed note in an indicator name rather than a unit
/// (`建设项目个数（含续建）`, `（不含税）`, `（按季度）`).
const NAME_NOTE_OPENERS: &[&str] = &["含", "不含", "包括", "包含", "按", "以", "其中", "除"];

pub fn is_name_note(text: &str) -> bool {
    NAME_NOTE_OPENERS.iter().any(|w| text.starts_with(w))
}
