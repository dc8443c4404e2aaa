//! Funds words: funds block labels, amount headers, totals and sections of a funds block,
//! money words, and the unit note of a table's amounts (单位：万元).

use super::memos;
use crate::canon::key;

/// A funds block label (部门整体资金（万元）, 项目资金（万元）, 年度主要任务).
pub fn is_funds_block_label(text: &str) -> bool {
    memos::FUNDS_BLOCK.with(|m| m.get_or(text, is_funds_block_label_of))
}

pub(super) fn is_funds_block_label_of(text: &str) -> bool {
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

/// A funds side or item label on the spending side (`支出`, `按支出性质分`, `基本支出:622`).
pub fn is_spending_text(text: &str) -> bool {
    text.contains("支出")
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

pub(super) fn is_money_label_of(text: &str) -> bool {
    let k = key(text);
    MONEY_WORDS.iter().any(|w| k.contains(w)) && !NOT_MONEY_WORDS.iter().any(|w| k.contains(w))
}
