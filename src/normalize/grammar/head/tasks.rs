//! A funds table with wrapped text columns in single-space text from a PDF: the tasks of a
//! department-overall table (`年度主要任务`: 任务名称 | 主要内容 | 总额 | 财政拨款 | 其他资金).
//!
//! Each row's long text (主要内容) wraps over several lines, and the row's short cells (its
//! name and amounts), printed centred in the row, stand on its middle line: a row reads as
//! `piece` / `name piece amounts` / `piece`. The block label, merged down the left of the block,
//! stands at the start of a piece line near the block's middle. The header names the columns:
//! the text columns' header line (`任务名称 主要内容`) and the amount columns' (`总额 财政拨款
//! 其他资金`, under a money label `预算金额（万元）`).
//!
//! Which piece belongs to which row: the pieces between two rows' middle lines are the lower
//! part of the one and the upper part of the other; as each row's text is centred on its middle
//! line, the split that gives every row as many lines above it as below (one more on one side at
//! most) wins (`share_pieces`). The rows come out as a workbook has them: block label, text
//! columns, amounts.

use super::super::super::vocab;
use super::{Head, is_amount, plain};
use crate::canon::join_wrapped;
use crate::grid::{Cell, Row};

/// The header of the table, as read from its lines.
#[derive(Default)]
struct Header {
    /// The money label over the amount columns (`预算金额（万元）`).
    money: Option<Cell>,
    /// The text columns' headers (`任务名称`, `主要内容`).
    texts: Vec<Cell>,
    /// The amount columns' headers (`总额`, `财政拨款`, `其他资金`).
    amounts: Vec<Cell>,
    /// The block label, where it stands in the header.
    block: Option<Cell>,
}

/// A line of the body: a row's middle line, or a piece of a wrapped text.
enum Line {
    /// The row's words before its amounts, and its amounts.
    Middle(Vec<Cell>, Vec<Cell>),
    /// A piece of a text, and the block label when it stands at the line's start.
    Piece(Option<Cell>, Cell),
}

/// A table read from lines `start..end`.
pub(super) struct Table {
    header: Header,
    lines: Vec<Line>,
    pub(super) end: usize,
}

/// The table starting at line `n`, if one does: a header naming text and amount columns, then
/// rows ending in as many amounts as the header names.
pub(super) fn read(heads: &[Head], n: usize) -> Option<Table> {
    let (header, body) = read_header(heads, n)?;
    let k = header.amounts.len();
    let mut lines = Vec::new();
    let mut end = body;
    let mut last_middle = None;
    while let Some(h) = heads.get(end) {
        let Some(line) = body_line(&plain(h), k) else {
            break;
        };
        if matches!(line, Line::Middle(..)) {
            last_middle = Some(lines.len());
        }
        lines.push(line);
        end += 1;
    }
    let last = last_middle?;
    // Pieces after the last row are its lower part only as far as centring allows.
    let kept = last + 1 + trailing_pieces(&lines, last);
    lines.truncate(kept);
    Some(Table {
        header,
        lines,
        end: body + kept,
    })
}

/// The header lines from `n`: a money label, the text columns' and the amount columns'
/// headers, in any order; both column lines are needed. Returns the header and where the body
/// starts.
fn read_header(heads: &[Head], n: usize) -> Option<(Header, usize)> {
    let mut h = Header::default();
    let mut at = n;
    while let Some(line) = heads.get(at).map(plain) {
        if line.is_empty() || line.iter().any(|c| is_amount(&c.text)) {
            break;
        }
        let mut words: &[Cell] = &line;
        if words.len() >= 2 && vocab::is_funds_block_label(&words[0].text) {
            h.block = Some(words[0].clone());
            words = &words[1..];
        }
        if words.len() == 1 && vocab::is_amount_header(&words[0].text) && h.money.is_none() {
            h.money = Some(words[0].clone());
        } else if h.texts.is_empty() && words.iter().all(|w| vocab::is_funds_text_header(&w.text)) {
            h.texts = words.to_vec();
        } else if h.amounts.is_empty()
            && words.len() >= 2
            && vocab::is_amount_header(&words[0].text)
            && words.iter().all(|w| w.text.chars().count() <= 12)
        {
            h.amounts = words.to_vec();
        } else {
            break;
        }
        at += 1;
    }
    (!h.texts.is_empty() && !h.amounts.is_empty()).then_some((h, at))
}

/// A body line: `k` amounts at the end after other words (a row's middle), or words and no
/// amount (a piece); anything else ends the body.
fn body_line(words: &[Cell], k: usize) -> Option<Line> {
    let first_amount = words.iter().position(|c| is_amount(&c.text));
    match first_amount {
        Some(a)
            if a > 0 && words.len() - a == k && words[a..].iter().all(|c| is_amount(&c.text)) =>
        {
            Some(Line::Middle(words[..a].to_vec(), words[a..].to_vec()))
        }
        Some(_) => None,
        None => {
            // A line of text is one cell (`Head::Text`): its first word is looked at alone.
            let all = super::joined(words)?;
            let (first, rest) = all.text.split_once(' ').unwrap_or((&all.text, ""));
            if vocab::is_funds_block_label(first) && !rest.is_empty() {
                let mut block = all.clone();
                block.text = first.to_string();
                let mut piece = all.clone();
                piece.text = rest.to_string();
                return Some(Line::Piece(Some(block), piece));
            }
            // A field label opens the table's next part (年度总体目标 …), not a piece.
            if vocab::field_label(first).is_some() {
                return None;
            }
            Some(Line::Piece(None, all))
        }
    }
}

/// How many of the pieces after row line `last` are that row's lower part: no more than one
/// over its upper part.
fn trailing_pieces(lines: &[Line], last: usize) -> usize {
    let after = lines.len() - last - 1;
    let rows = middles(lines);
    let gaps = gaps(lines, &rows);
    let shares = share_pieces(lines, &rows, &gaps[..rows.len()], after);
    shares.last().map_or(0, |&(_, below)| below)
}

/// The index of each row's middle line.
fn middles(lines: &[Line]) -> Vec<usize> {
    (0..lines.len())
        .filter(|&i| matches!(lines[i], Line::Middle(..)))
        .collect()
}

/// The pieces before each row's middle line (since the previous one), and after the last.
fn gaps(lines: &[Line], rows: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(rows.len() + 1);
    let mut prev = 0;
    for &r in rows {
        out.push(r - prev);
        prev = r + 1;
    }
    out.push(lines.len() - prev);
    out
}

/// Whether row line `i` is a total (金额合计): its text has no pieces.
fn is_total(lines: &[Line], i: usize) -> bool {
    match &lines[i] {
        Line::Middle(words, _) => words
            .first()
            .is_some_and(|w| vocab::is_funds_total(&w.text)),
        Line::Piece(..) => false,
    }
}

/// `(above, below)` pieces for each row: the pieces of `gaps[r]` (before row `r`) are the
/// lower part of row `r - 1` and the upper part of row `r`; `after` pieces follow the last row,
/// which takes as many as centring allows. Each row costs how far its two parts differ; a total
/// takes none. A small dynamic program over the split of each gap; ties read a
/// piece as the next row's (the lower part the smaller).
fn share_pieces(
    lines: &[Line],
    rows: &[usize],
    gaps: &[usize],
    after: usize,
) -> Vec<(usize, usize)> {
    let n = rows.len();
    if n == 0 {
        return Vec::new();
    }
    // layers[r][a]: (least cost of rows before r, row r-1's upper part, its lower part) when
    // row r's upper part is `a`; the last layer is indexed by the last row's lower part.
    const NONE: (u32, usize, usize) = (u32::MAX, 0, 0);
    let mut layers: Vec<Vec<(u32, usize, usize)>> = vec![vec![NONE; gaps[0] + 1]];
    layers[0][gaps[0]] = (0, 0, 0);
    for r in 0..n {
        let last = r + 1 == n;
        let next = if last { after } else { gaps[r + 1] };
        let total = is_total(lines, rows[r]);
        let mut layer = vec![NONE; next + 1];
        for (a, &(cost, _, _)) in layers[r].iter().enumerate() {
            if cost == u32::MAX {
                continue;
            }
            for below in 0..=next {
                let c = cost.saturating_add(row_cost(total, a, below));
                let at = if last { below } else { next - below };
                if c < layer[at].0 {
                    layer[at] = (c, a, below);
                }
            }
        }
        layers.push(layer);
    }
    let mut at = (0..layers[n].len())
        .min_by_key(|&i| layers[n][i].0)
        .unwrap_or(0);
    let mut out = vec![(0, 0); n];
    for r in (0..n).rev() {
        let (_, a, below) = layers[r + 1][at];
        out[r] = (a, below);
        at = a;
    }
    out
}

/// A row's price for `above` and `below` pieces: centred text has as many lines above its
/// middle line as below (one more on one side where their number is even).
fn row_cost(total: bool, above: usize, below: usize) -> u32 {
    if total {
        return 10 * (above + below) as u32;
    }
    above.abs_diff(below) as u32
}

/// The rows of the table, as a workbook has them: the header (block label, text column
/// headers, money label), the amount headers under the money label, then each row.
pub(super) fn rows(t: Table) -> Vec<Row> {
    let Table { header, lines, .. } = t;
    let m = header.texts.len();
    let mut block = header.block.clone().or_else(|| block_in(&lines));
    let mut out = Vec::new();
    let mut first: Vec<Option<Cell>> = vec![block.take()];
    first.extend(header.texts.iter().cloned().map(Some));
    first.push(header.money.clone());
    out.push(Row::from_cells(first));
    let mut second: Vec<Option<Cell>> = vec![None; 1 + m];
    second.extend(header.amounts.iter().cloned().map(Some));
    out.push(Row::from_cells(second));
    let rows = middles(&lines);
    let gaps = gaps(&lines, &rows);
    let after = gaps[rows.len()];
    let shares = share_pieces(&lines, &rows, &gaps[..rows.len()], after);
    for (r, &i) in rows.iter().enumerate() {
        let Line::Middle(words, amounts) = &lines[i] else {
            continue;
        };
        let (above, below) = shares[r];
        let pieces = |range: std::ops::Range<usize>| -> Vec<Cell> {
            range
                .filter_map(|j| match &lines[j] {
                    Line::Piece(_, c) => Some(c.clone()),
                    Line::Middle(..) => None,
                })
                .collect()
        };
        let up = pieces(i - above..i);
        let down = pieces(i + 1..i + 1 + below);
        out.push(Row::from_cells(row_cells(words, amounts, &up, &down, m)));
    }
    out
}

/// The block label where it stands on a piece line.
fn block_in(lines: &[Line]) -> Option<Cell> {
    lines.iter().find_map(|l| match l {
        Line::Piece(Some(b), _) => Some(b.clone()),
        _ => None,
    })
}

/// One row's cells: a total's label in the block label's column (it spans the text columns);
/// else its name, then its text (the upper pieces, the words after the name, the lower
/// pieces, joined), then its amounts.
fn row_cells(
    words: &[Cell],
    amounts: &[Cell],
    up: &[Cell],
    down: &[Cell],
    m: usize,
) -> Vec<Option<Cell>> {
    let mut cells: Vec<Option<Cell>> = vec![None; 1 + m];
    let joined = super::joined(words);
    if joined
        .as_ref()
        .is_some_and(|c| vocab::is_funds_total(&c.text))
    {
        cells[0] = joined;
    } else if m >= 2 {
        cells[1] = Some(words[0].clone());
        let mut text: Option<Cell> = None;
        let middle = super::joined(&words[1..]);
        for c in up.iter().chain(middle.iter()).chain(down) {
            match text.as_mut() {
                Some(t) => join_wrapped(&mut t.text, &c.text),
                None => text = Some(c.clone()),
            }
        }
        cells[2] = text;
    } else {
        // One text column: the pieces are the name's.
        let mut name: Option<Cell> = None;
        for c in up.iter().chain(joined.iter()).chain(down) {
            match name.as_mut() {
                Some(t) => join_wrapped(&mut t.text, &c.text),
                None => name = Some(c.clone()),
            }
        }
        cells[1] = name;
    }
    cells.extend(amounts.iter().cloned().map(Some));
    cells
}

#[cfg(test)]
mod tests {
    use super::super::rows as head_rows;
    use super::super::testing::{line, shown};

    #[test]
    fn task_rows_take_the_pieces_of_their_text_around_their_middle_line() {
        // pdfplumber text of a department-overall table's tasks (corpus b01).
        let text = [
            "预算金额（万元）",
            "任务名称 主要内容",
            "总额 财政拨款 其他资金",
            "保障局机关及所属事业单位在职人员工资福利",
            "人员经费和机关运转 2,473.74 2,473.74 0.00",
            "、离退休人员经费和日常公用经费支出。",
            "新建和改造健身步道、笼式多功能运动场、百",
            "全民健身设施建设 姓健身房等公共体育设施，完善城乡“15分钟 1,328.73 1,063.73 265.00",
            "健身圈”。",
            "年度主要任务 保障市体校和各运动队日常训练、外出参赛、",
            "竞技体育训练参赛 运动员伙食和训练装备，做好省运会备战工作 1,054.00 1,054.00 0.00",
            "。",
            "金额合计 4,856.47 4,591.47 265.00",
            "目标1：完善全民健身公共服务设施。",
        ];
        let rows = head_rows(text.iter().map(|l| line(l)).collect());
        assert_eq!(
            shown(&rows),
            vec![
                "年度主要任务|任务名称|主要内容|预算金额（万元）",
                "|||总额|财政拨款|其他资金",
                "|人员经费和机关运转|保障局机关及所属事业单位在职人员工资福利、离退休人员经费和日常公用经费支出。|2,473.74|2,473.74|0.00",
                "|全民健身设施建设|新建和改造健身步道、笼式多功能运动场、百姓健身房等公共体育设施，完善城乡“15分钟健身圈”。|1,328.73|1,063.73|265.00",
                "|竞技体育训练参赛|保障市体校和各运动队日常训练、外出参赛、运动员伙食和训练装备，做好省运会备战工作。|1,054.00|1,054.00|0.00",
                "金额合计|||4,856.47|4,591.47|265.00",
                "目标1：完善全民健身公共服务设施。",
            ]
        );
    }
}
