//! Canonical text: the same name reads the same whether it came from XLSX, PDF or damaged text.
//!
//! PDF extraction leaves blanks after half-width punctuation inside Chinese text and turns
//! full-width punctuation half-width (`(一) 按照`, `政治统领, 持续`). Canonical text has
//! full-width punctuation next to Chinese, no blanks between Chinese characters, ASCII digits
//! and letters, and ASCII operators/units (`%`).

/// A Chinese character or a full-width (CJK) punctuation mark.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
        || is_cjk_punct(c)
}

/// Whether a character belongs to CJK text in the wide sense a text layout needs: ideographs,
/// radicals and kana (U+2E80–U+9FFF), compatibility ideographs, CJK compatibility forms,
/// full-width forms (`＝`, `％`, full-width digits) and curly quotes. Wider than `is_cjk`, which
/// canonicalization uses to decide where blanks go.
pub fn is_cjk_text(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x2018..=0x201F)
}

/// A full-width (CJK) punctuation mark.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '！'
            | '？'
            | '（'
            | '）'
            | '《'
            | '》'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '【'
            | '】'
            | '—'
            | '…'
            | '「'
            | '」'
            | '〔'
            | '〕'
    )
}

/// Full-width digits, letters and `％` become ASCII; the ideographic space a blank.
fn fold_width(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '％' | '．' | '／' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '\u{3000}' | '\u{00A0}' => ' ',
        _ => c,
    }
}

fn to_full(c: char) -> char {
    match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '!' => '！',
        '?' => '？',
        '(' => '（',
        ')' => '）',
        _ => c,
    }
}

/// The canonical form of a name or text.
pub fn canonical(s: &str) -> String {
    let s = s.trim();
    // Most cells are already canonical: nothing to fold, no blank, no half-width punctuation.
    if !needs_work(s) {
        return s.to_string();
    }
    memo::CANONICAL.with(|m| m.get_or(s, rebuild))
}

/// `canonical` of a trimmed text that needs work: the slow path, run once per distinct text.
fn rebuild(s: &str) -> String {
    let mut out: Vec<char> = s.chars().map(fold_width).collect();
    // Pass 1: half-width punctuation touching Chinese (across blanks) becomes full-width. A
    // mark made full-width makes its neighbour Chinese-adjacent too (`::並`), so repeat until
    // nothing changes; each round only converts, so it ends.
    loop {
        let mut changed = false;
        for i in 0..out.len() {
            let c = out[i];
            if !matches!(c, ',' | ';' | ':' | '!' | '?' | '(' | ')') {
                continue;
            }
            let prev = out[..i].iter().rev().find(|c| !c.is_whitespace());
            let next = out[i + 1..].iter().find(|c| !c.is_whitespace());
            let near_cjk = |x: Option<&char>| x.is_some_and(|&x| is_cjk(x));
            // A bracket pairs with its partner: `(万元)` in `资金(万元)` is Chinese even though
            // `万元` closes it, and `(1)` inside Chinese text still reads as `（1）`.
            let chinese = match c {
                '(' => near_cjk(next) || near_cjk(prev),
                ')' => near_cjk(prev) || near_cjk(next) || opened_full(&out[..i]),
                // `1,290.00` and `10:30` keep their ASCII separators: no Chinese touches them.
                _ => near_cjk(prev) || near_cjk(next),
            };
            if chinese {
                out[i] = to_full(c);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // Pass 2: blanks are dropped where either neighbour is Chinese; runs of blanks between
    // ASCII words become one.
    let mut res = String::with_capacity(s.len());
    let n = out.len();
    let mut i = 0;
    while i < n {
        let c = out[i];
        if c.is_whitespace() {
            let mut j = i;
            while j < n && out[j].is_whitespace() {
                j += 1;
            }
            let prev = res.chars().last();
            let next = out.get(j).copied();
            let keep = match (prev, next) {
                (Some(p), Some(q)) => !is_cjk(p) && !is_cjk(q),
                _ => false,
            };
            if keep {
                // A line break inside a cell stays a line break between non-Chinese words.
                res.push(if out[i..j].contains(&'\n') { '\n' } else { ' ' });
            }
            i = j;
            continue;
        }
        res.push(c);
        i += 1;
    }
    res
}

/// Whether `canonical` has anything to do: a blank, half-width punctuation, or a character
/// `fold_width` changes. Every cell passes through here, most of them Chinese text that needs
/// nothing, so it scans bytes: a CJK ideograph (UTF-8 lead byte E4–E9) is skipped whole, and
/// only other non-ASCII characters are decoded.
fn needs_work(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c < 0x80 {
            if matches!(
                c,
                b'\t'..=b'\r' | b' ' | b',' | b';' | b':' | b'!' | b'?' | b'(' | b')'
            ) {
                return true;
            }
            i += 1;
        } else if (0xE4..=0xE9).contains(&c) {
            i += 3;
        } else {
            let Some(ch) = s.get(i..).and_then(|t| t.chars().next()) else {
                return true;
            };
            if ch.is_whitespace() || fold_width(ch) != ch {
                return true;
            }
            i += ch.len_utf8();
        }
    }
    false
}

/// Whether the text so far has an unclosed full-width bracket.
fn opened_full(out: &[char]) -> bool {
    let mut depth = 0i32;
    for &c in out {
        match c {
            '（' => depth += 1,
            '）' => depth -= 1,
            _ => {}
        }
    }
    depth > 0
}

/// A key for comparing labels: canonical, then without any blank or bracket style.
pub fn key(s: &str) -> String {
    memo::KEY.with(|m| m.get_or(s, key_of))
}

fn key_of(s: &str) -> String {
    let l = label(s);
    if !l.contains(|c: char| c.is_whitespace() || matches!(c, '（' | '）' | '：')) {
        return l;
    }
    l.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            _ => c,
        })
        .collect()
}

/// Marks people put on labels to flag required items (`★项目名称`, `实施单位*`).
const LABEL_MARKS: &[char] = &['*', '＊', '★', '☆', '※', '●', '▲', '△'];

/// Whether `c` is one of the marks `label` takes off.
pub fn is_mark(c: char) -> bool {
    LABEL_MARKS.contains(&c)
}

/// The canonical form of a label or name: canonical text without line breaks or marks.
pub fn label(s: &str) -> String {
    memo::LABEL.with(|m| m.get_or(s, label_of))
}

fn label_of(s: &str) -> String {
    let c = canonical(s);
    let t = c.trim_matches(|c: char| LABEL_MARKS.contains(&c) || c.is_whitespace());
    if t.len() == c.len() {
        return c;
    }
    t.to_string()
}

/// The marks `label` takes off a text (`★` of `★周边群众满意度`), if any.
pub fn marks(s: &str) -> Option<String> {
    let t = canonical(s);
    let m: String = t
        .chars()
        .filter(|c| LABEL_MARKS.contains(c))
        .filter(|_| label(&t) != t)
        .collect();
    (!m.is_empty() && label(&t) != t).then_some(m)
}

/// The canonical form of a long text (a field's text): like `canonical`, but the line breaks
/// written inside the cell stay, one `\n` each.
pub fn text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(canonical)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Join the next line of a wrapped cell onto `a`: CJK text wraps anywhere and is joined
/// directly; Latin words and numbers get their space back.
pub fn join_wrapped(a: &mut String, b: &str) {
    let last = a.chars().last();
    let first = b.chars().next();
    if let (Some(x), Some(y)) = (last, first)
        && x.is_ascii_alphanumeric()
        && y.is_ascii_alphanumeric()
    {
        a.push(' ');
    }
    a.push_str(b);
}

/// Each cell's text is asked for its key by many vocabulary checks (a header role, a field
/// label, a level name, a footer word…) and by the shift repair for every row it is priced in:
/// the normalizer used to canonicalize the same cell a dozen times (most of its time on large
/// text files). The functions above are pure, so each thread keeps the answers for the texts it
/// has seen: each distinct text is worked out once. A memo holds at most `BUDGET` bytes and
/// starts afresh when full, so memory stays bounded on any input; it is keyed with foldhash, seeded at
/// random per process like the standard library's SipHash (so crafted cell texts cannot be made
/// to collide in advance) and several times faster on the short texts of cells.
pub mod memo {
    use foldhash::HashMap;
    use foldhash::HashMapExt;
    use std::cell::RefCell;

    /// Bytes a memo holds before it starts afresh (texts twice, for the text and its answer,
    /// plus the answer's size): far more than the distinct cells of a table, little against
    /// the grid they come from.
    const BUDGET: usize = 4 << 20;
    /// Texts longer than this are computed, not kept (each memo keeps at least 64 of them).
    const MAX_LEN: usize = BUDGET / 128;

    /// Answers of one pure function of a text, by text.
    pub struct Memo<V>(RefCell<Map<V>>);

    struct Map<V> {
        answers: HashMap<Box<str>, V>,
        bytes: usize,
    }

    impl<V> Default for Memo<V> {
        fn default() -> Self {
            Memo(RefCell::new(Map {
                answers: HashMap::new(),
                bytes: 0,
            }))
        }
    }

    thread_local! {
        pub(super) static CANONICAL: Memo<String> = Memo::default();
        pub(super) static LABEL: Memo<String> = Memo::default();
        pub(super) static KEY: Memo<String> = Memo::default();
    }

    impl<V: Clone> Memo<V> {
        /// `f(s)`, from the memo when `s` was seen before. `f` may use other memos (a key is
        /// built from a label), never this one.
        pub fn get_or(&self, s: &str, f: impl FnOnce(&str) -> V) -> V {
            if s.len() > MAX_LEN {
                return f(s);
            }
            if let Some(v) = self.0.borrow().answers.get(s) {
                return v.clone();
            }
            let v = f(s);
            let mut map = self.0.borrow_mut();
            let cost = 2 * s.len() + std::mem::size_of::<V>();
            map.bytes += cost;
            if map.bytes > BUDGET {
                map.answers.clear();
                map.bytes = cost;
            }
            map.answers.insert(s.into(), v.clone());
            v
        }

        #[cfg(test)]
        pub fn texts(&self) -> usize {
            self.0.borrow().answers.len()
        }

        #[cfg(test)]
        pub fn bytes(&self) -> usize {
            self.0.borrow().bytes
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn memo_answers_as_the_function_does() {
        let texts = [
            "部门整体资金(万元)",
            "★项目名称 ",
            " 实施单位*",
            "10:30, 1,290.00",
            "a",
        ];
        for _ in 0..3 {
            for t in texts {
                assert_eq!(key(t), key_of(t));
                assert_eq!(label(t), label_of(t));
                assert_eq!(canonical(t), rebuild(t.trim()));
            }
        }
        assert_eq!(key("部门整体资金(万元)"), "部门整体资金(万元)");
        assert_eq!(label(" 实施单位*"), "实施单位");
        // Each distinct text is kept once.
        memo::KEY.with(|m| assert!(m.texts() >= texts.len()));
        let before = memo::KEY.with(|m| m.texts());
        key("部门整体资金(万元)");
        assert_eq!(memo::KEY.with(|m| m.texts()), before);
    }

    #[test]
    fn memo_stays_bounded() {
        let m = memo::Memo::<String>::default();
        let mut most = 0;
        for i in 0..200_000 {
            let t = format!("第{i}项 (万元)");
            assert_eq!(m.get_or(&t, rebuild), rebuild(&t));
            most = most.max(m.bytes());
        }
        assert!(most <= 4 << 20, "{most}");
        assert!(m.texts() < 200_000);
        // A text too long to keep is worked out every time, and not kept.
        let long = "很长 ".repeat(20_000);
        let before = m.texts();
        assert_eq!(m.get_or(long.trim(), rebuild), "很长".repeat(20_000));
        assert_eq!(m.texts(), before);
    }

    proptest! {
        /// The byte scan agrees with the plain definition on any text, Chinese or not.
        #[test]
        fn needs_work_is_the_plain_test(s in "[\\PC\\s一-龥（），。：；０-９Ａ-ｚ　\u{a0}\u{2000}-\u{200a}\u{3000}]{0,24}") {
            let plain = s.chars().any(|c| {
                c.is_whitespace()
                    || matches!(c, ',' | ';' | ':' | '!' | '?' | '(' | ')')
                    || fold_width(c) != c
            });
            prop_assert_eq!(needs_work(&s), plain);
        }
    }

    #[test]
    fn seed_damage_is_repaired() {
        assert_eq!(
            canonical("(一) 按照中央和省市委部署, 指导"),
            "（一）按照中央和省市委部署，指导"
        );
        assert_eq!(canonical("政治统领, 持续深化"), "政治统领，持续深化");
        assert_eq!(
            canonical("办公室 (研究室、机关党委)"),
            "办公室（研究室、机关党委）"
        );
        assert_eq!(canonical("部门整体资金(万元)"), "部门整体资金（万元）");
        assert_eq!(
            canonical("设有职能处室: 办公室(研究室"),
            "设有职能处室：办公室（研究室"
        );
        assert_eq!(canonical("目标1: 为经济困难公民"), "目标1：为经济困难公民");
        assert_eq!(canonical("工作; 负责"), "工作；负责");
    }

    #[test]
    fn numbers_and_ascii_stay() {
        assert_eq!(canonical("1,290.00"), "1,290.00");
        assert_eq!(canonical("≥９５％"), "≥95%");
        assert_eq!(canonical("2026年1月—2026年12月"), "2026年1月—2026年12月");
        assert_eq!(canonical("  ISO 9001  认证 "), "ISO 9001认证");
        assert_eq!(canonical("总计 (A+B)"), "总计（A+B）");
        assert_eq!(canonical("10:30, 1,290.00"), "10:30, 1,290.00");
        assert_eq!(
            canonical("国省考断面水质优Ⅲ类比例"),
            "国省考断面水质优Ⅲ类比例"
        );
    }

    #[test]
    fn blanks_inside_chinese_go() {
        assert_eq!(
            canonical("持续深化政治机关建设 二、深化"),
            "持续深化政治机关建设二、深化"
        );
        assert_eq!(canonical("中长期\n目标"), "中长期目标");
        assert_eq!(key("部门整体资金(万元)"), key("部门整体资金（万元）"));
        assert_eq!(label("★项目名称"), "项目名称");
        assert_eq!(key("实施单位*"), "实施单位");
        assert_eq!(
            text("目标1：完成;\r\n 目标2: 提升"),
            "目标1：完成；\n目标2：提升"
        );
    }
}
