//! The header block of a table: rows of label/text pairs, one, two or three to a row
//! (`项目名称 | X | 项目负责人 | Y`), labels with or without a colon, a value left empty, a
//! `label：text` written in one cell (`资金总额:704`, `单位：万元`), several such lines in one
//! cell, and amounts among the pairs (`项目金额 | 164万元`), which are funds, not fields.
//!
//! A row is read left to right as label, text, label, text…: a cell in a text position that is
//! itself a label (a known field label, or one ending in a colon) closes the pair before it with
//! an empty text. Which words are labels, money labels and unit notes is vocabulary data.

use super::canon::{self, canonical, key};
use super::funds::parse_amount;
use super::vocab;
use crate::grid::Row;

/// One thing a header row says.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A labelled text.
    Field { label: String, text: String },
    /// A funds line given as a pair: its path (a parent column label, then its own label) and
    /// amount (none where the form leaves it empty).
    Amount {
        path: Vec<String>,
        amount: Option<f64>,
    },
    /// The unit note of the amounts (`单位：万元`).
    Unit(String),
}

/// What a row of pairs holds, and the column of its last text (for continuation lines).
#[derive(Debug, Default)]
pub struct Pairs {
    pub items: Vec<Item>,
    pub last_col: Option<usize>,
    /// A label merged down the left of several rows (基本信息, 年度预算申请(万元)): a section
    /// name, not a field.
    pub section: Option<String>,
}

/// The distinct cells of a row: a merged cell unmerged with its text repeated in every column
/// (`单位名称 | 单位名称 | 某局`) is one cell.
fn distinct_cells(row: &Row) -> Vec<(usize, &str, u32)> {
    let mut out: Vec<(usize, &str, u32)> = Vec::new();
    for (c, cell) in row.filled() {
        if out.last().is_some_and(|p| p.1 == cell.text) {
            continue;
        }
        out.push((c, cell.text.as_str(), cell.row_span));
    }
    out
}

/// Whether a row reads as label/text pairs (or one `label：text` cell of a known label).
pub fn is_pair_row(row: &Row) -> bool {
    let cells = distinct_cells(row);
    let body = match cells.first() {
        Some((_, _, span)) if *span > 1 && opens_pairs(&cells[1..]) => &cells[1..],
        _ => &cells[..],
    };
    match body {
        [] => false,
        // One cell: `label：text` of a known or money label, or a `label：` left empty.
        [(_, t, _)] => {
            strong_label(t)
                || inline_pair(t).is_some_and(|(l, _)| strong_label(&l) || money_label(&l))
        }
        [(_, first, _), rest @ ..] => {
            (is_label_like(first) || inline_lines(first))
                && !rest.iter().all(|(_, t, _)| vocab::is_level2_name(t))
                && !(vocab::is_level1_name(first) && rest.iter().any(|(_, t, _)| level2_lead(t)))
        }
    }
}

/// `项目绩效目标 | 绩效目标 总体描述 | a long text`: a section name, then a label that reads as
/// one (it ends with a label word), then its text.
fn section_then_pair(cells: &[(usize, &str, u32)]) -> bool {
    match cells {
        [(_, a, _), (_, b, _), (_, c, _)] => {
            is_label_like(a)
                && is_label_like(b)
                && vocab::ends_like_label(b)
                && canonical(c).chars().count() > 20
        }
        _ => false,
    }
}

/// Whether the cells right of a label merged down the left read as pairs of their own (so the
/// label is a section name): two cells or more, or one `label：text` cell.
fn opens_pairs(rest: &[(usize, &str, u32)]) -> bool {
    match rest {
        [] => false,
        [(_, t, _)] => inline_pair(t).is_some_and(|(_, v)| !v.is_empty()) || inline_lines(t),
        _ => true,
    }
}

/// A cell of several `label：amount` lines (`公共财政拨款:683\n政府性基金拨款:`).
fn inline_lines(t: &str) -> bool {
    let lines = pair_lines(t);
    lines.len() >= 2 && lines.iter().all(|l| inline_pair(l).is_some())
}

/// The `label：amount` lines of a cell: its lines, or, where an extraction ran the lines of the
/// cell together (`公共财政拨款:683政府性基金拨款:纳入…:21其他资金:`), the pairs cut apart where
/// a label follows an amount or an empty amount.
fn pair_lines(t: &str) -> Vec<String> {
    static RUN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"[^:：0-9.,，\s][^:：0-9]{1,19}[:：][ 	]*[0-9][0-9.,]*|[^:：0-9.,，\s][^:：0-9]{1,19}[:：]").unwrap()
    });
    let lines: Vec<String> = t
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    if lines.len() != 1 {
        return lines;
    }
    let one = lines[0].trim();
    // Two pieces or more, each with its colon: a cell with fewer colons has nothing to cut (and
    // most never get here, so the pattern is compiled only by files that need it).
    if one.matches([':', '：']).count() < 2 {
        return lines;
    }
    let pieces: Vec<&str> = RUN.find_iter(one).map(|m| m.as_str()).collect();
    if pieces.len() >= 2 && pieces.concat().chars().count() == one.chars().count() {
        pieces.into_iter().map(str::to_string).collect()
    } else {
        lines
    }
}

/// A row of pairs whose first label is followed by its amount (`项目资金 | 86万元 | 项目期 |
/// 1年`): a funds label with its amount beside it, not the label of a funds block below.
pub fn is_amount_pair_row(row: &Row) -> bool {
    let cells = distinct_cells(row);
    cells.len() >= 4
        && parse_amount(cells[1].1.trim_end_matches('万')).is_some()
        && is_label_like(cells[2].1)
}

/// A cell that opens with a 二级 name and a colon (`质量指标:…`), as a headerless indicator row.
pub fn level2_lead(t: &str) -> bool {
    inline_pair(t).is_some_and(|(l, _)| vocab::is_level2_name(&l))
}

/// Read the pairs of a row. `parents` are the labels of a row above whose columns head this
/// row's `label：amount` lines (按收入性质分 | 按支出性质分).
pub fn read(row: &Row, parents: &[(usize, String)]) -> Pairs {
    let mut out = Pairs::default();
    let mut cells = distinct_cells(row);
    if (cells.first().is_some_and(|(_, _, span)| *span > 1) && opens_pairs(&cells[1..]))
        || section_then_pair(&cells)
    {
        out.section = Some(canonical(cells[0].1));
        cells.remove(0);
    }
    let mut open: Option<String> = None;
    for (col, text, _) in cells {
        let parent = parents
            .iter()
            .find(|(c, _)| *c == col)
            .map(|(_, t)| t.clone());
        match open.take() {
            Some(label) if !strong_label(text) => {
                push_pair(&mut out.items, label, text);
                out.last_col = Some(col);
            }
            Some(label) => {
                push_pair(&mut out.items, label, "");
                open = start_pair(&mut out, text, parent, col);
            }
            None if !out.items.is_empty() && !is_label_like(text) => {
                append_text(&mut out.items, text);
                out.last_col = Some(col);
            }
            None => open = start_pair(&mut out, text, parent, col),
        }
    }
    if let Some(label) = open {
        push_pair(&mut out.items, label, "");
    }
    out
}

/// A cell in a label position: a label, or `label：text` lines complete in themselves.
fn start_pair(out: &mut Pairs, text: &str, parent: Option<String>, col: usize) -> Option<String> {
    let lines = pair_lines(text);
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let inline: Vec<(String, String)> = lines.iter().filter_map(|l| inline_pair(l)).collect();
    // One `label：` alone is a label with a colon; several lines may leave some amounts empty.
    let complete = lines.len() >= 2 || inline.iter().any(|(_, v)| !v.is_empty());
    if !inline.is_empty() && inline.len() == lines.len() && complete {
        for (label, value) in inline {
            match vocab::trailing_unit_note(&value) {
                Some((head, unit)) => {
                    out.items.push(classify(parent.clone(), label, head, true));
                    out.items.push(Item::Unit(canonical(unit)));
                }
                None => out
                    .items
                    .push(classify(parent.clone(), label, &value, true)),
            }
        }
        out.last_col = Some(col);
        return None;
    }
    Some(canon::label(text))
}

fn push_pair(items: &mut Vec<Item>, label: String, text: &str) {
    // A unit note at the right of the line, run onto the text (a PDF without ruling lines).
    if let Some((head, unit)) = vocab::trailing_unit_note(text) {
        items.push(classify(None, label, head, false));
        items.push(Item::Unit(canonical(unit)));
        return;
    }
    items.push(classify(None, label, text, false));
}

/// A pair is an amount where its label speaks of money and its text is an amount, a unit
/// where its label is a unit note, else a field.
fn classify(parent: Option<String>, label: String, text: &str, inline: bool) -> Item {
    let text = text.trim();
    if vocab::is_unit_label(&label) && !text.is_empty() {
        return Item::Unit(canonical(text));
    }
    let amount = parse_amount(text).or_else(|| parse_amount(text.trim_end_matches('万')));
    if money_label(&label) && (amount.is_some() || (inline && text.is_empty())) {
        let mut path: Vec<String> = parent.into_iter().collect();
        path.push(label);
        return Item::Amount { path, amount };
    }
    Item::Field {
        label,
        text: canon::text(text),
    }
}

fn append_text(items: &mut [Item], text: &str) {
    if let Some(Item::Field { text: t, .. }) = items.last_mut() {
        if !t.is_empty() {
            t.push('\n');
        }
        t.push_str(&canon::text(text));
    }
}

/// `label：text` in one cell, where the label is short and not a prefix (`其中：…` names the
/// line it opens).
fn inline_pair(t: &str) -> Option<(String, String)> {
    let c = canonical(t);
    let (l, rest) = c.split_once('：').or_else(|| c.split_once(':'))?;
    let l = l.trim();
    let n = l.chars().count();
    if n == 0 || n > 14 || vocab::is_label_prefix(l) || parse_amount(l).is_some() {
        return None;
    }
    Some((canon::label(l), rest.trim().to_string()))
}

/// A label that can never be a text: a known field label, a note label, or one ending in a
/// colon.
fn strong_label(t: &str) -> bool {
    let k = key(t);
    k.ends_with(':') || vocab::field_label(&k).is_some() || vocab::is_note_label(&k)
}

fn money_label(t: &str) -> bool {
    vocab::is_money_label(t)
}

/// Short, not an amount, not a sentence: could be a label.
pub fn is_label_like(t: &str) -> bool {
    let c = canonical(t);
    let n = c.chars().count();
    n > 0
        && n <= 20
        && parse_amount(&c).is_none()
        && !c.ends_with(['。', '；', ';'])
        && !c.starts_with(|ch: char| ch.is_ascii_digit())
}

/// Whether a row names the columns of the `label：amount` lines under it: every cell a short
/// label with no value, and the next row holding such lines in the same columns.
pub fn parent_labels(row: &Row, next: Option<&Row>) -> Option<Vec<(usize, String)>> {
    let next = next?;
    let cells = distinct_cells(row);
    let (cells, _) = match cells.first() {
        Some((_, _, span)) if *span > 1 && cells.len() >= 2 => (&cells[1..], ()),
        _ => (&cells[..], ()),
    };
    if cells.len() < 2
        || !cells
            .iter()
            .all(|(_, t, _)| is_label_like(t) && !t.contains([':', '：']))
    {
        return None;
    }
    let below = |c: usize| {
        next.cells
            .get(c)
            .and_then(|x| x.as_ref())
            .is_some_and(|x| inline_pair(x.text.lines().next().unwrap_or("")).is_some())
    };
    cells.iter().all(|(c, _, _)| below(*c)).then(|| {
        cells
            .iter()
            .map(|(c, t, _)| (*c, canon::label(t)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tests::row;

    fn fields(p: &Pairs) -> Vec<(String, String)> {
        p.items
            .iter()
            .filter_map(|i| match i {
                Item::Field { label, text } => Some((label.clone(), text.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn two_pairs_to_a_row_never_swallow_the_next_label() {
        let p = read(
            &row(&["项目名称", "某某经费", "", "项目分类", "运转类"]),
            &[],
        );
        assert_eq!(
            fields(&p),
            vec![
                ("项目名称".into(), "某某经费".into()),
                ("项目分类".into(), "运转类".into())
            ]
        );
    }

    #[test]
    fn a_label_with_a_colon_and_no_text_is_an_empty_field() {
        let p = read(&row(&["单位信息:", "324001-某局", "", "项目名称:"]), &[]);
        let f = fields(&p);
        assert_eq!(f[0], ("单位信息：".into(), "324001-某局".into()));
        assert_eq!(f[1].1, "");
        assert!(vocab::field_label(&f[1].0).is_some_and(|l| l.is_name));
    }

    #[test]
    fn amounts_among_pairs_are_funds() {
        let p = read(
            &row(&[
                "项目金额",
                "164万元",
                "其中:当年市级财政资金",
                "",
                "132万元",
            ]),
            &[],
        );
        assert_eq!(
            p.items,
            vec![
                Item::Amount {
                    path: vec!["项目金额".into()],
                    amount: Some(164.0)
                },
                Item::Amount {
                    path: vec!["其中：当年市级财政资金".into()],
                    amount: Some(132.0)
                },
            ]
        );
    }

    #[test]
    fn a_section_name_before_a_label_and_its_long_text() {
        let p = read(
            &row(&[
                "项目绩效目标",
                "绩效目标 总体描述",
                "完成我市建成区的绿化养护工作，改善城市生态环境，提升城市品位。",
            ]),
            &[],
        );
        assert_eq!(p.section.as_deref(), Some("项目绩效目标"));
        assert_eq!(fields(&p)[0].0, "绩效目标总体描述");
    }

    #[test]
    fn unit_note_run_onto_a_text() {
        let p = read(&row(&["编制单位:", "813-某镇单位:万元"]), &[]);
        assert_eq!(
            fields(&p),
            vec![("编制单位：".to_string(), "813-某镇".to_string())]
        );
        assert_eq!(p.items[1], Item::Unit("万元".into()));
    }

    #[test]
    fn unit_note_inside_a_row_of_pairs() {
        let p = read(&row(&["编制单位:", "813-某镇", "", "单位:万元"]), &[]);
        assert_eq!(p.items[1], Item::Unit("万元".into()));
    }

    #[test]
    fn label_amount_lines_run_together_by_an_extraction() {
        assert_eq!(
            pair_lines("公共财政拨款:683政府性基金拨款:纳入专户管理的非税收入拨款:21其他资金:"),
            vec![
                "公共财政拨款:683",
                "政府性基金拨款:",
                "纳入专户管理的非税收入拨款:21",
                "其他资金:"
            ]
        );
        // A sentence with a colon is not a run of pairs.
        assert_eq!(pair_lines("目标1:把教学放在首位").len(), 1);
    }

    #[test]
    fn label_amount_lines_in_one_cell_under_a_column_label() {
        let parents = vec![(1, "按收入性质分".to_string())];
        let p = read(&row(&["", "公共财政拨款:683\n政府性基金拨款:"]), &parents);
        assert_eq!(
            p.items,
            vec![
                Item::Amount {
                    path: vec!["按收入性质分".into(), "公共财政拨款".into()],
                    amount: Some(683.0)
                },
                Item::Amount {
                    path: vec!["按收入性质分".into(), "政府性基金拨款".into()],
                    amount: None
                },
            ]
        );
    }
}
