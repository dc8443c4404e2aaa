//! Target values (指标值): `≥95%`, `＞＝90%`, `不低于95%`, `≤５万元`, `90%～95%`, `健全`,
//! `2026年12月底前` → kind, operator, number, unit.

use super::canon::canonical;
use crate::model::{TargetValue, ValueKind};
use regex::Regex;
use std::sync::LazyLock;

use crate::vocab::{PREFIX_OPS, SUFFIX_OPS};

static NUM_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)[ \t\n]*([^0-9]*)$")
        .unwrap()
});
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([+-]?[0-9]+(?:\.[0-9]+)?)[ \t\n]*([^0-9\-~～至到—]*?)[ \t\n]*(?:-|~|～|至|到|—|－)[ \t\n]*([+-]?[0-9]+(?:\.[0-9]+)?)[ \t\n]*([^0-9]*)$",
    )
    .unwrap()
});

/// The longest unit a quantitative value carries (`个工作日`, `万立方米`); longer tails mean the
/// cell is text that happens to start with a number.
pub const MAX_UNIT_CHARS: usize = 6;

/// Normalize the characters of a value for parsing: full-width digits and signs to ASCII.
fn fold(s: &str) -> String {
    canonical(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '＋' => '+',
            '－' => '-',
            '，' => ',',
            _ => c,
        })
        .collect()
}

/// Split a leading operator off `s`.
pub fn split_op(s: &str) -> (Option<&'static str>, &str) {
    for (sym, op) in PREFIX_OPS {
        if let Some(rest) = s.strip_prefix(sym) {
            return (Some(op), rest);
        }
    }
    (None, s)
}

fn number(s: &str) -> Option<f64> {
    s.replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
}

fn unit_of(s: &str) -> Option<String> {
    let u = s.trim();
    (!u.is_empty()).then(|| u.to_string())
}

fn unit_ok(u: &str) -> bool {
    u.chars().count() <= MAX_UNIT_CHARS && !u.chars().any(|c| c.is_ascii_digit())
}

/// Parse one value cell under `column`.
pub fn parse(column: &str, raw: &str) -> TargetValue {
    let raw = raw.trim();
    let mut v = TargetValue {
        column: column.to_string(),
        raw: raw.to_string(),
        kind: ValueKind::Empty,
        op: None,
        number: None,
        unit: None,
        min: None,
        max: None,
        text: None,
        parts: None,
    };
    if raw.is_empty() {
        return v;
    }
    let s = fold(raw);
    let (op, rest) = split_op(&s);
    // Operator words after the number: `95%以上`.
    let (rest, suffix_op) = SUFFIX_OPS
        .iter()
        .find_map(|(w, o)| rest.strip_suffix(w).map(|r| (r, Some(*o))))
        .unwrap_or((rest, None));
    // Both patterns open with a number: text that does not is qualitative without trying them
    // (and a file of such values never compiles them).
    let b = rest.as_bytes();
    let opens_number = b
        .get(usize::from(matches!(b.first(), Some(b'+' | b'-'))))
        .is_some_and(u8::is_ascii_digit);
    if opens_number
        && let Some(c) = NUM_UNIT.captures(rest)
        && let Some(n) = number(&c[1])
        && unit_ok(&c[2])
    {
        v.kind = ValueKind::Quantitative;
        v.op = Some(op.or(suffix_op).unwrap_or("=").to_string());
        v.number = Some(n);
        v.unit = unit_of(&c[2]);
        return v;
    }
    if op.is_none()
        && opens_number
        && rest.contains(['-', '~', '～', '至', '到', '—', '－'])
        && let Some(c) = RANGE.captures(rest)
        && let (Some(a), Some(b)) = (number(&c[1]), number(&c[3]))
        && unit_ok(&c[2])
        && unit_ok(&c[4])
        && (c[2].is_empty() || c[4].is_empty() || c[2] == c[4])
        && a <= b
    {
        v.kind = ValueKind::Range;
        v.min = Some(a);
        v.max = Some(b);
        v.unit = unit_of(&c[4]).or_else(|| unit_of(&c[2]));
        return v;
    }
    v.kind = ValueKind::Qualitative;
    v.text = Some(canonical(raw));
    v
}

/// Fold a value split over 指标性质 | 指标值 | 度量单位 into one: the operator column's `定性`
/// (qualitative) carries no symbol.
pub fn fold_split(column: &str, op: &str, value: &str, unit: &str) -> TargetValue {
    let op = op.trim();
    // Only an operator joins the value: `定性`, or a direction (`正向`) written in an operator
    // column, stays in `parts` alone.
    let sym = if is_operator_cell(op) && !is_qualitative_marker(op) {
        op
    } else {
        ""
    };
    let joined = format!("{}{}{}", sym, value.trim(), unit.trim());
    let mut v = parse(column, &joined);
    v.parts = Some(vec![
        op.to_string(),
        value.trim().to_string(),
        unit.trim().to_string(),
    ]);
    v
}

/// `定性` and its kin in an operator column: the value is words, not a number.
pub fn is_qualitative_marker(s: &str) -> bool {
    matches!(s.trim(), "定性" | "定性指标" | "描述" | "文字")
}

/// Whether a cell reads as a target value (an operator, a number with a short unit, a range, a
/// deadline), as opposed to the name of something. Used to repair shifted rows.
pub fn is_strong_value(s: &str) -> bool {
    let s = s.trim();
    // Every strong value has a digit (canonical text folds only full-width digits into ASCII
    // ones): most name cells are ruled out without parsing.
    if !s
        .chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        return false;
    }
    if is_deadline(s) {
        return true;
    }
    let v = parse("", s);
    matches!(v.kind, ValueKind::Quantitative | ValueKind::Range)
}

static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([0-9]{4}年)?([0-9]{1,2}月)?([0-9]{1,2}日)?(底|末|中旬|上旬|下旬)?(前|之前|以前|内|完成|底前)?$",
    )
    .unwrap()
});

/// A template placeholder the author never filled in (`≥**个`, `××%`, `XX万元`).
pub fn has_placeholder(s: &str) -> bool {
    s.contains("**")
        || s.contains("××")
        || s.contains("XX")
        || s.contains("xx")
        || s.contains("＊＊")
}

/// `2026年12月底前`, `12月底`, `2025年11月底前`.
pub fn is_deadline(s: &str) -> bool {
    let f = fold(s);
    f.chars().any(|c| c.is_ascii_digit()) && f.contains(['年', '月']) && DEADLINE.is_match(&f)
}

/// An operator cell of a split value (`≥`, `＝`, `定性`).
pub fn is_operator_cell(s: &str) -> bool {
    // The longest operator word (`小于或等于`) and marker (`定性指标`) are short; folding only
    // drops blanks and maps characters one to one, so a longer cell cannot be one.
    if s.chars().filter(|c| !c.is_whitespace()).nth(6).is_some() {
        return false;
    }
    let f = fold(s);
    if is_qualitative_marker(&f) {
        return true;
    }
    let (op, rest) = split_op(&f);
    op.is_some() && rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(raw: &str) -> (ValueKind, Option<String>, Option<f64>, Option<String>) {
        let v = parse("全年指标值", raw);
        (v.kind, v.op, v.number, v.unit)
    }

    fn qv(
        op: &str,
        n: f64,
        unit: Option<&str>,
    ) -> (ValueKind, Option<String>, Option<f64>, Option<String>) {
        (
            ValueKind::Quantitative,
            Some(op.into()),
            Some(n),
            unit.map(String::from),
        )
    }

    #[test]
    fn seed_values() {
        assert_eq!(q("=0%"), qv("=", 0.0, Some("%")));
        assert_eq!(q("≤10%"), qv("<=", 10.0, Some("%")));
        assert_eq!(q("≥100%"), qv(">=", 100.0, Some("%")));
        let v = parse("半年指标值", "健全");
        assert_eq!(
            (v.kind, v.text.as_deref()),
            (ValueKind::Qualitative, Some("健全"))
        );
        assert_eq!(v.raw, "健全");
    }

    #[test]
    fn real_world_forms() {
        assert_eq!(q("≥95%"), qv(">=", 95.0, Some("%")));
        assert_eq!(q("＞＝90%"), qv(">=", 90.0, Some("%")));
        assert_eq!(q("≧90％"), qv(">=", 90.0, Some("%")));
        assert_eq!(q("≥９５％"), qv(">=", 95.0, Some("%")));
        assert_eq!(q("不低于95%"), qv(">=", 95.0, Some("%")));
        assert_eq!(q("≤５万元"), qv("<=", 5.0, Some("万元")));
        assert_eq!(q("100人次"), qv("=", 100.0, Some("人次")));
        assert_eq!(q("≥1.2万人次"), qv(">=", 1.2, Some("万人次")));
        assert_eq!(q("≤7个工作日"), qv("<=", 7.0, Some("个工作日")));
        assert_eq!(q("≤2500元/件"), qv("<=", 2500.0, Some("元/件")));
        assert_eq!(q("=0起"), qv("=", 0.0, Some("起")));
        assert_eq!(q("＞3万人次"), qv(">", 3.0, Some("万人次")));
        assert_eq!(q("95%以上"), qv(">=", 95.0, Some("%")));
        assert_eq!(q("═100%"), qv("=", 100.0, Some("%")));
        assert_eq!(q(">= 80 %"), qv(">=", 80.0, Some("%")));
        assert_eq!(q("1,290.00"), qv("=", 1290.0, None));
    }

    #[test]
    fn ranges() {
        for raw in ["90%-95%", "90%～95%", "90~95%", "90%至95%"] {
            let v = parse("指标值", raw);
            assert_eq!(v.kind, ValueKind::Range, "{raw}");
            assert_eq!(
                (v.min, v.max, v.unit.as_deref()),
                (Some(90.0), Some(95.0), Some("%"))
            );
        }
    }

    #[test]
    fn dates_and_text_are_qualitative() {
        let v = parse("指标值", "2026年12月底前");
        assert_eq!(v.kind, ValueKind::Qualitative);
        assert_eq!(v.text.as_deref(), Some("2026年12月底前"));
        assert!(is_deadline("2026年12月底前"));
        assert!(is_strong_value("2025年11月底前"));
        assert_eq!(
            parse("指标值", "12348公共法律服务热线接").kind,
            ValueKind::Qualitative
        );
        assert!(!is_strong_value("12348公共法律服务热线接"));
        assert_eq!(parse("指标值", "  ").kind, ValueKind::Empty);
        assert_eq!(
            parse("指标值", "2026年1月—2026年12月").kind,
            ValueKind::Qualitative
        );
    }

    #[test]
    fn split_values_fold() {
        let v = fold_split("指标值", "≥", "20", "个");
        assert_eq!(
            (v.raw.as_str(), v.number, v.unit.as_deref()),
            ("≥20个", Some(20.0), Some("个"))
        );
        let v = fold_split("指标值", "定性", "健全", "");
        assert_eq!((v.raw.as_str(), v.kind), ("健全", ValueKind::Qualitative));
        assert_eq!(v.parts.as_ref().unwrap()[0], "定性");
        let v = fold_split("指标值", "＝", "100", "%");
        assert_eq!((v.op.as_deref(), v.number), (Some("="), Some(100.0)));
        let v = fold_split("指标值", "正向", "≥1,200人次", "");
        assert_eq!((v.raw.as_str(), v.number), ("≥1,200人次", Some(1200.0)));
        assert!(is_operator_cell("＞"));
        assert!(is_operator_cell("定性"));
        assert!(!is_operator_cell("≥90%"));
    }
}
