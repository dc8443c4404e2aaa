//! Words of indicator values: the common qualitative targets (健全, 达标, 满意) and the
//! words of a direction column (正向, 反向).

use crate::canon::key;

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

/// Whether a text ends the way indicator names end (…率, …满意度, …数量, …完成时间): a name,
/// not a target value.
pub fn ends_like_indicator_name(text: &str) -> bool {
    const ENDS: &[&str] = &[
        "率", "度", "数", "量", "性", "次", "额", "情况", "时限", "时间",
    ];
    ENDS.iter().any(|e| text.ends_with(e))
}

pub fn is_qual_word(text: &str) -> bool {
    is_qual_key(&key(text))
}

pub fn is_qual_key(k: &str) -> bool {
    QUAL_WORDS.contains(&k)
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

/// Operators written as symbols or words, longest first so `>=` wins over `>`. Each maps to
/// its ASCII form.
pub const PREFIX_OPS: &[(&str, &str)] = &[
    ("＞＝", ">="),
    ("＜＝", "<="),
    (">=", ">="),
    ("<=", "<="),
    ("=>", ">="),
    ("=<", "<="),
    ("≥", ">="),
    ("≧", ">="),
    ("⩾", ">="),
    ("≤", "<="),
    ("≦", "<="),
    ("⩽", "<="),
    ("大于或等于", ">="),
    ("大于等于", ">="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("达到", ">="),
    ("小于或等于", "<="),
    ("小于等于", "<="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("不多于", "<="),
    ("不大于", "<="),
    ("控制在", "<="),
    ("大于", ">"),
    ("高于", ">"),
    ("超过", ">"),
    ("多于", ">"),
    ("小于", "<"),
    ("低于", "<"),
    ("少于", "<"),
    ("等于", "="),
    ("＞", ">"),
    ("＜", "<"),
    (">", ">"),
    ("<", "<"),
    ("＝", "="),
    ("═", "="),
    ("=", "="),
];

/// Words after the number that carry the operator (`95%以上`).
pub const SUFFIX_OPS: &[(&str, &str)] = &[
    ("及以上", ">="),
    ("以上", ">="),
    ("及以下", "<="),
    ("以下", "<="),
    ("以内", "<="),
];
