//! Words around a table on the page: banner titles, page numbers, note lines (填报单位：…) and
//! footer rows (审核意见, 填表人, 注：…).

use super::memos;
use crate::canon::key;
use std::sync::LazyLock;

/// A banner title (`项目支出绩效目标表`, `…绩效目标申报表`), as every stage tells one: the
/// normalizer opens a table at one, the layout reader ends an indicator block at one.
pub fn is_title_text(text: &str) -> bool {
    memos::TITLE.with(|m| m.get_or(text, is_title_text_of))
}

pub(super) fn is_title_text_of(text: &str) -> bool {
    let k = key(text);
    let k = k.trim_end_matches(['|', ' ']);
    let core = k.split(['(', '（']).next().unwrap_or(k);
    (core.ends_with('表') || k.ends_with('表'))
        && (k.contains("绩效") || k.contains("目标"))
        && k.chars().count() >= 5
        && k.chars().count() <= 80
}

/// A PDF line that names a table by its words (`…绩效目标表`, `…目标完成情况表`), anywhere on
/// the line: the PDF reader takes such a line for a title even where its size or place do not
/// tell, and a page opening with one starts a new table.
pub fn names_a_table(text: &str) -> bool {
    text.contains("目标表") || text.contains("情况表")
}

/// Sign-off words in a cell that closes the table (盖章, 签字, 签名, 年月日), by key.
pub fn is_sign_off_key(k: &str) -> bool {
    k.contains("盖章") || k.contains("签字") || k.contains("签名") || k.contains("年月日")
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

pub(super) fn is_footer_text_of(text: &str) -> bool {
    // The words' keys are built once, not on every call (this runs on most cells).
    static KEYS: LazyLock<Vec<String>> =
        LazyLock::new(|| FOOTER_WORDS.iter().map(|w| key(w)).collect());
    let k = key(text);
    KEYS.iter()
        .any(|w| k.starts_with(w.as_str()) || (k.contains(w.as_str()) && !w.ends_with(':')))
}
