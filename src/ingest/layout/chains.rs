//! Label pieces on neighbouring lines of one label column: one wrapped label, or several
//! labels of dense rows?
//!
//! The label stage joins a label column's pieces on neighbouring lines into one label, which is
//! right where rows are separated by blank lines (a wrapped label's lines sit between rows).
//! Where rows follow each other with no blank line (a sheet printed at its default row height)
//! two labels of consecutive rows stand on consecutive lines (`时效指标` / `成本指标`,
//! `单位信息:` / `主管部门:`) and must stay apart. LibreOffice centres a cell's lines on its
//! row, so the pieces of one row's label are centred on that row: a chain of pieces is cut into
//! groups each centred on a row of its own, where such a cut exists and the pieces allow it.
//! A piece that reaches its column's right edge was wrapped by width and goes on below; a piece
//! opening with a closing bracket or punctuation continues the one above; single characters are
//! a vertical label (`绩` / `效` / `指` / `标`), never labels of their own.

/// One line's text of a label.
#[derive(Debug, Clone)]
pub struct Piece {
    /// Real line number.
    pub line: u32,
    pub text: String,
    /// One past the piece's last character position.
    pub x1: usize,
}

/// Whether a piece opens with what only continues a text (a closing bracket, a colon, a unit
/// in brackets, a comma): it is never a label's first line.
pub fn continues(t: &str) -> bool {
    t.chars().next().is_some_and(|c| {
        matches!(
            c,
            '(' | '（'
                | ')'
                | '）'
                | ':'
                | '：'
                | '、'
                | '，'
                | ','
                | '。'
                | '；'
                | ';'
                | '》'
                | '」'
        )
    })
}

/// Whether a chain may be cut between pieces `a` and `b` (consecutive in the chain). `edge` is
/// the column's right limit (the next column's left edge).
fn may_cut(a: &Piece, b: &Piece, edge: usize) -> bool {
    let short = |p: &Piece| p.text.chars().count() <= 1;
    let wrapped = a.x1 + 2 >= edge;
    !wrapped && !continues(&b.text) && !short(a) && !short(b)
}

/// Whether a piece closes its label: a label ends at its colon (`主管部门:` over
/// `预算执行率权重(%):` are two labels, however they sit on their rows).
fn closes(p: &Piece) -> bool {
    p.text.trim_end().ends_with([':', '：'])
}

/// The cuts a chain must have: after each piece that closes its label.
fn forced_starts(pieces: &[Piece]) -> Option<Vec<usize>> {
    let n = pieces.len();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            (0..n.saturating_sub(1))
                .filter(|&i| closes(&pieces[i]))
                .map(|i| i + 1),
        )
        .collect();
    (starts.len() >= 2).then_some(starts)
}

/// Cut a chain of pieces into groups each centred on a distinct row (`rows`: (top, bottom) real
/// lines, sorted): the groups' first piece indexes, or `None` when the chain is one label (no
/// such cut exists: a label wrapped on one row, or a merged label over several rows). Three
/// labels of three dense rows are centred on the middle row too: a cut, where the pieces allow
/// one, wins.
pub fn cut_chain(pieces: &[Piece], rows: &[(u32, u32)], edge: usize) -> Option<Vec<usize>> {
    let n = pieces.len();
    if n < 2 {
        return None;
    }
    // The row a group [s, e] is centred on exactly, if any (a two-line label on a one-line
    // row is half a line off its row, and so is the pair of two rows' labels: only exact
    // centres tell them apart).
    let centred_on = |s: usize, e: usize| -> Option<usize> {
        let twice = pieces[s].line + pieces[e].line;
        rows.iter().position(|&(t, b)| t + b == twice)
    };
    // reach[e] = Some((start of the last group, its row)) for a valid cut of pieces[..=e],
    // the shortest last group first (the most labels).
    let mut reach: Vec<Option<(usize, usize)>> = vec![None; n];
    for e in 0..n {
        for s in (0..=e).rev() {
            if s < e && closes(&pieces[s]) {
                // A group never runs on past a piece that closes its label.
                break;
            }
            let prev_row = match s.checked_sub(1) {
                None => None,
                Some(p) => match reach[p] {
                    Some((_, r)) if may_cut(&pieces[p], &pieces[s], edge) => Some(r),
                    _ => continue,
                },
            };
            if let Some(r) = centred_on(s, e)
                && prev_row.is_none_or(|p| r > p)
            {
                reach[e] = Some((s, r));
                break;
            }
        }
    }
    if reach[n - 1].is_none() {
        return forced_starts(pieces);
    }
    let mut starts = Vec::new();
    let mut e = n - 1;
    loop {
        let (s, _) = reach[e]?;
        starts.push(s);
        match s.checked_sub(1) {
            Some(p) => e = p,
            None => break,
        }
    }
    starts.reverse();
    (starts.len() >= 2).then_some(starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: u32, text: &str, x1: usize) -> Piece {
        Piece {
            line,
            text: text.into(),
            x1,
        }
    }

    #[test]
    fn labels_of_dense_rows_stay_apart() {
        // 01: `时效指标      及时完成率   100%` over `成本指标      成本控制率   100%`
        let pieces = [p(30, "时效指标", 27), p(31, "成本指标", 27)];
        let rows = [(29, 29), (30, 30), (31, 31)];
        assert_eq!(cut_chain(&pieces, &rows, 33), Some(vec![0, 1]));
        // the same two lines around one row's line are one label
        assert_eq!(cut_chain(&pieces, &[(30, 31)], 33), None);
        // three labels of three rows, the whole chain centred on the middle one
        let pieces = [
            p(28, "时效指标", 27),
            p(29, "成本指标", 27),
            p(30, "服务对象满意度指标", 31),
        ];
        let rows = [(28, 28), (29, 29), (30, 30)];
        assert_eq!(cut_chain(&pieces, &rows, 33), Some(vec![0, 1, 2]));
    }

    #[test]
    fn a_label_wrapped_around_its_row_stays_one() {
        // 05: `下达地方或` / `       宝坻区人民政府` / `  单位`, then `下达中央预` /
        // `算内投资(万 2350` / `  元)`: two labels, each centred on its row.
        let pieces = [
            p(6, "下达地方或", 5),
            p(8, "单位", 4),
            p(9, "下达中央预", 5),
            p(10, "算内投资(万", 6),
            p(11, "元)", 4),
        ];
        let rows = [(7, 7), (10, 10)];
        assert_eq!(cut_chain(&pieces, &rows, 7), Some(vec![0, 2]));
    }

    #[test]
    fn a_label_ends_at_its_colon() {
        // 02: `主管部门:` and `预算执行率权重` / `(%):` on the next lines, no row centred on
        // either: two labels all the same.
        let pieces = [
            p(3, "主管部门:", 5),
            p(4, "预算执行率权重", 7),
            p(5, "(%):", 4),
        ];
        assert_eq!(cut_chain(&pieces, &[(3, 5)], 10), Some(vec![0, 1]));
        // 06: `项目责任人:` over `项目名称`
        let pieces = [p(3, "项目责任人:", 6), p(4, "项目名称", 8)];
        assert_eq!(cut_chain(&pieces, &[(3, 4)], 16), Some(vec![0, 1]));
    }

    #[test]
    fn wrapped_or_continued_pieces_are_never_cut() {
        // 02: `预算执行率权重` reaches the next column; `(%):` continues it.
        let pieces = [p(4, "预算执行率权重", 7), p(5, "(%):", 4)];
        assert_eq!(cut_chain(&pieces, &[(4, 5)], 10), None);
        assert_eq!(cut_chain(&pieces, &[(4, 4), (5, 5)], 10), None);
        // a vertical label over dense rows
        let pieces = [p(1, "绩", 2), p(2, "效", 2), p(3, "指", 2), p(4, "标", 2)];
        let rows = [(1, 1), (2, 2), (3, 3), (4, 4)];
        assert_eq!(cut_chain(&pieces, &rows, 18), None);
    }
}
