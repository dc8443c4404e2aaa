//! Field labels: the labels of the text fields in a table's header part (单位名称, 项目名称,
//! 绩效目标, …), and how a label is told from its text when an extraction ran them together.

use super::memos;
use crate::canon::key;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Labels of text fields in the header part of a table. `name` marks the field that names the
/// table (单位名称 / 项目名称).
pub struct FieldLabel {
    pub label: &'static str,
    pub is_name: bool,
    pub project: bool,
}

const FIELD_LABELS: &[FieldLabel] = &[
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

/// The field label a text is (`单位名称：`, `项目概况`), by the list or, for a name label, by
/// its form.
pub fn field_label(text: &str) -> Option<&'static FieldLabel> {
    memos::FIELD_LABEL.with(|m| m.get_or(text, field_label_of))
}

pub(super) fn field_label_of(text: &str) -> Option<&'static FieldLabel> {
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

/// Words that open a label without being one (`其中：当年市级财政资金`).
const LABEL_PREFIXES: &[&str] = &["其中", "含"];

pub fn is_label_prefix(text: &str) -> bool {
    LABEL_PREFIXES.contains(&key(text).as_str())
}
