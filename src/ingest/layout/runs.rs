//! Stage 1 of the layout reader: one line of `pdftotext -layout` text → text runs with their
//! horizontal position.
//!
//! pdftotext places text on a character grid: a column is one *character*, whatever the glyph's
//! display width (a CJK character advances the position by one, not two). So positions here are
//! character counts, which is what makes columns of CJK text line up between lines; measuring in
//! display width would push every run after a CJK run to the right.

/// A piece of a line between wide gaps: in a table, the text of one cell on that line.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    /// First character position (0-based, in characters).
    pub x0: usize,
    /// One past the last character position.
    pub x1: usize,
}

impl Run {
    pub fn width(&self) -> usize {
        self.x1.saturating_sub(self.x0)
    }
    pub fn center(&self) -> f64 {
        (self.x0 + self.x1) as f64 / 2.0
    }
}

// Cell text in these tables has no spaces between CJK characters, so a single space between
// two of them is a gap between cells that pdftotext could only give one column.
use crate::canon::is_cjk_text as is_cjk;

/// A comparison sign that opens a target value (`≥95%`, `=100%`, `＜5`).
pub fn is_op(c: char) -> bool {
    matches!(
        c,
        '≥' | '≤' | '=' | '<' | '>' | '＝' | '＜' | '＞' | '≧' | '≦'
    )
}

/// Whether a single space separates two target values (`=100% =100%`): the word before it
/// opens with a sign or a digit and holds a digit, the one after opens with a sign and a
/// number. Two value columns narrow enough get only one space between them from pdftotext,
/// while no target value has a space before its sign.
fn values_meet(before: &[char], after: &[char]) -> bool {
    let word = before.rsplit(|c| *c == ' ').next().unwrap_or_default();
    let opens = |w: &[char]| w.first().is_some_and(|&c| is_op(c) || c.is_ascii_digit());
    let signed_number = match after {
        [a, b, ..] if is_op(*a) && b.is_ascii_digit() => true,
        [a, b, c, ..] if is_op(*a) && is_op(*b) && c.is_ascii_digit() => true,
        _ => false,
    };
    signed_number && opens(word) && word.iter().any(|c| c.is_ascii_digit())
}

/// Split a line into runs: a gap of two or more spaces ends a run, and so does a single space
/// between two CJK characters. Linear in the line's length.
pub fn split_runs(line: &str) -> Vec<Run> {
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' || c == '\u{3000}' { ' ' } else { c })
        .collect();
    let mut runs = Vec::new();
    let mut i = 0;
    let n = chars.len();
    while i < n {
        if chars[i] == ' ' || chars[i].is_control() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while i < n {
            let c = chars[i];
            if c == ' ' || c.is_control() {
                // How long is the gap, and what lies on either side?
                let mut j = i;
                while j < n && (chars[j] == ' ' || chars[j].is_control()) {
                    j += 1;
                }
                let gap = j - i;
                let before = if i > 0 { chars[i - 1] } else { ' ' };
                let after = chars.get(j).copied().unwrap_or(' ');
                if j >= n
                    || gap >= 2
                    || (is_cjk(before) && is_cjk(after))
                    || values_meet(&chars[start..i], &chars[j..])
                {
                    break;
                }
                i = j;
                continue;
            }
            i += 1;
            end = i;
        }
        let text: String = chars[start..end].iter().collect();
        runs.push(Run {
            text,
            x0: start,
            x1: end,
        });
    }
    join_letter_spaced(runs)
}

/// A label printed letter-spaced to fill its cell (`总 体 目 标`) reads as one-character runs
/// one space apart: three or more of them, or two that make a label of the vocabulary, are
/// one word. (Two single-character cells side by side are far rarer than such labels and never
/// make a known label.)
fn join_letter_spaced(runs: Vec<Run>) -> Vec<Run> {
    let single = |r: &Run| r.width() == 1 && r.text.chars().all(is_cjk);
    let mut out: Vec<Run> = Vec::with_capacity(runs.len());
    let mut i = 0;
    while i < runs.len() {
        let mut j = i + 1;
        while single(&runs[i])
            && j < runs.len()
            && single(&runs[j])
            && runs[j].x0 == runs[j - 1].x1 + 1
        {
            j += 1;
        }
        let text: String = runs[i..j].iter().map(|r| r.text.as_str()).collect();
        let word = j - i >= 3 || (j - i == 2 && crate::vocab::field_label(&text).is_some());
        if word {
            out.push(Run {
                text,
                x0: runs[i].x0,
                x1: runs[j - 1].x1,
            });
            i = j;
        } else {
            out.push(runs[i].clone());
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_an_indicator_line_in_characters() {
        // c01 line 34: the 二级 label, the 三级 and the value.
        let r = split_runs(
            "                   数量指标   值班律师提供法律帮助人次               ≥4000人次",
        );
        let t: Vec<(&str, usize)> = r.iter().map(|r| (r.text.as_str(), r.x0)).collect();
        assert_eq!(
            t,
            vec![
                ("数量指标", 19),
                ("值班律师提供法律帮助人次", 26),
                ("≥4000人次", 53)
            ]
        );
    }

    #[test]
    fn single_space_between_cjk_cells_splits() {
        // a01 line 136: a 重点工作 line and a 三级 separated by one space.
        let r = split_runs(
            "                 、公文运转、机要保密、档案管理和督查督 建议提案办复满意率       ≥95%    ≥95%",
        );
        assert_eq!(r.len(), 4);
        assert_eq!(r[1].text, "建议提案办复满意率");
        assert_eq!(r[1].x0, 37);
        // a01 printed landscape: two value columns one space apart
        let r = split_runs("            政府采购执行率     =100% =100%");
        let t: Vec<&str> = r.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(t, ["政府采购执行率", "=100%", "=100%"]);
        assert_eq!(r[2].x0, 30);
        let r = split_runs("  ≤100% ≥5个 x ≥ 3");
        let t: Vec<&str> = r.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(t, ["≤100%", "≥5个 x ≥ 3"]);
        // but not inside Latin text or numbers
        let r = split_runs("  第 1 页，共 4 页");
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn a_letter_spaced_label_is_one_run() {
        // corpus-real 05: 总体目标 spread over its cell, then its text.
        let r = split_runs("总 体 目 标 提高畜禽粪污综合利用率和规模养殖场设施装备配套率。");
        let t: Vec<(&str, usize)> = r.iter().map(|r| (r.text.as_str(), r.x0)).collect();
        assert_eq!(
            t,
            [
                ("总体目标", 0),
                ("提高畜禽粪污综合利用率和规模养殖场设施装备配套率。", 8)
            ]
        );
        // Two single characters that make no label stay two cells.
        let r = split_runs("   是 否");
        assert_eq!(r.len(), 2);
    }
}
