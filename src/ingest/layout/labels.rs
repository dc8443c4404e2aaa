//! Field labels wrapped around their value in `pdftotext -layout` text. A label cell too
//! narrow for its text wraps over three lines, and the row's one-line value, centred on the
//! row, stands on the middle one: `下达地方或` / `宝坻区人民政府` (further right) / `单位`, or
//! `下达中央预` / `算内投资(万 2350` / `元)`, the value one space after the middle piece.
//! Read line by line, the pieces would be three rows and the value a row of its own; they are
//! joined into one label run on the value's line before rows and columns are found.

use super::runs::Run;
use super::stream::{Line, is_header};

/// A label piece starts at the left margin (the label column), within this many characters.
const MARGIN: usize = 4;
/// A piece of a wrapped label is short: the label column's width.
const MAX_PIECE: usize = 12;

/// Join the labels wrapped around their values in the lines above the first indicator header.
pub fn join_labels_around_values(lines: &mut [Line]) {
    let end = lines.iter().position(is_header).unwrap_or(lines.len());
    let mut i = 0;
    while i + 2 < end {
        let joined = match (piece(&lines[i]), piece(&lines[i + 2])) {
            (Some(a), Some(c)) => middle(&lines[i + 1], a.x1.max(c.x1))
                .map(|(m, value)| (label_of(&[Some(a), m, Some(c)]), value)),
            _ => None,
        };
        match joined {
            Some((label, value)) => {
                lines[i + 1].runs = vec![label, value];
                lines[i].runs.clear();
                lines[i + 2].runs.clear();
                i += 3;
            }
            None => i += 1,
        }
    }
}

/// The line's run when it is a lone short piece at the left margin.
fn piece(l: &Line) -> Option<Run> {
    match l.runs.as_slice() {
        [r] if r.x0 <= MARGIN
            && r.width() <= MAX_PIECE
            && !r.text.ends_with(['。', '；', ';'])
            && !r.text.chars().any(|c| c.is_ascii_digit()) =>
        {
            Some(r.clone())
        }
        _ => None,
    }
}

/// The middle line: a value right of the pieces (`宝坻区人民政府`), or the label's middle piece
/// and then its value (`算内投资(万 2350`, one run or two). Returns the piece, if any, and the
/// value.
fn middle(l: &Line, pieces_end: usize) -> Option<(Option<Run>, Run)> {
    match l.runs.as_slice() {
        [v] if v.x0 > pieces_end => Some((None, v.clone())),
        [p, v] if p.x0 <= MARGIN && p.width() <= MAX_PIECE && v.x0 > pieces_end => {
            Some((Some(p.clone()), v.clone()))
        }
        [r] if r.x0 <= MARGIN => {
            let (p, v) = r.text.rsplit_once(' ')?;
            let number = !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == ',');
            let p_len = p.chars().count();
            (number && p_len <= MAX_PIECE).then(|| {
                let piece = Run {
                    text: p.to_string(),
                    x0: r.x0,
                    x1: r.x0 + p_len,
                };
                let value = Run {
                    text: v.to_string(),
                    x0: r.x1 - v.chars().count(),
                    x1: r.x1,
                };
                (Some(piece), value)
            })
        }
        _ => None,
    }
}

/// One run of the pieces, top to bottom.
fn label_of(pieces: &[Option<Run>]) -> Run {
    let mut text = String::new();
    let (mut x0, mut x1) = (usize::MAX, 0);
    for p in pieces.iter().flatten() {
        crate::canon::join_wrapped(&mut text, &p.text);
        x0 = x0.min(p.x0);
        x1 = x1.max(p.x1);
    }
    Run { text, x0, x1 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::layout::stream::lines_of;

    fn texts(lines: &[Line]) -> Vec<Vec<&str>> {
        lines
            .iter()
            .filter(|l| !l.runs.is_empty())
            .map(|l| l.runs.iter().map(|r| r.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn a_label_wrapped_around_its_value_is_one_run_beside_it() {
        // corpus-real 05 (a central-investment table from Tianjin), pdftotext -layout.
        let text = " 专项名称 农业绿色发展专项 (畜禽粪污资源化利用整县推进项目)\n\
                    下达地方或\n       宝坻区人民政府\n  单位\n\
                    下达中央预\n算内投资(万 2350\n  元)\n";
        let mut lines = lines_of(text);
        join_labels_around_values(&mut lines);
        assert_eq!(
            texts(&lines),
            vec![
                vec![
                    "专项名称",
                    "农业绿色发展专项 (畜禽粪污资源化利用整县推进项目)"
                ],
                vec!["下达地方或单位", "宝坻区人民政府"],
                vec!["下达中央预算内投资(万元)", "2350"],
            ]
        );
    }

    #[test]
    fn lines_of_text_are_not_labels() {
        let text = "目标1:完成建设\n          任务\n目标2:完成验收\n";
        let mut lines = lines_of(text);
        let before = texts(&lines).len();
        join_labels_around_values(&mut lines);
        assert_eq!(texts(&lines).len(), before);
    }
}
