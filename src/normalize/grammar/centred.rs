//! Indicator rows of single-space text extracted from a PDF (pdfplumber's `extract_text`,
//! `pdftotext` without `-layout`) where the merged 一级/二级 cells were printed **centred
//! over the rows they span**: a name stands on the middle row of its span, or on a line of its
//! own between two rows when the span has an even number of rows, and the first rows of a
//! block carry no name at all. Carrying a name down from where it is written (what
//! `grammar_rows` does, right for web copies that write a name on each row or on the first)
//! files those rows under the wrong name.
//!
//! So the block is read in two passes. The lines are read first: leading level names
//! (labels), the 三级 name, the values by the header's columns; lines with neither names nor
//! values are pieces of a wrapped cell (`服务对象满意度指` … `标` around the line of the cell
//! they complete). Then each level's names are given the runs of rows whose middle they stand
//! on (`partition`: a small dynamic program over where the runs end), page by page, as a
//! merged cell split by a page break is printed on each page; a 二级 names its standard 一级
//! (`vocab::is_parent_of`), which settles a 一级 printed off its middle. A name whose run holds
//! no row is a row of its own (an empty 二级 such as `生态效益指标` with no 三级).

use super::super::canon::key;
use super::super::grammar_rows::{Slot, is_stop, unit_like, value_like};
use super::super::value;
use super::super::vocab::{self, Role};
use super::Tok;
use crate::grid::{Cell, Row};

/// One level of the names the rows are filed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lv {
    L1,
    L2,
    /// `成本指标`, `满意度`: a 一级 in one framework, a 二级 in another; settled per block.
    Either,
}

/// A level name where it was printed: `pos` is a line index (x.5 between two lines).
#[derive(Debug, Clone)]
struct Label {
    lv: Lv,
    cell: Cell,
    pos: f64,
    page: u32,
}

/// One indicator row: its line, the lines its wrapped cells reach, its cells.
#[derive(Debug, Clone)]
struct Item {
    top: f64,
    bottom: f64,
    page: u32,
    name: Option<Cell>,
    vals: Vec<Option<Cell>>,
    names: [Option<Cell>; 2],
}

impl Item {
    /// A row on line `n` of `page`, filed under no name yet.
    fn at(n: usize, page: u32, name: Option<Cell>, vals: Vec<Option<Cell>>) -> Item {
        Item {
            top: n as f64,
            bottom: n as f64,
            page,
            name,
            vals,
            names: [None, None],
        }
    }
}

/// One line of the block as read.
#[derive(Debug, Clone)]
enum Line {
    /// Values (and maybe a name and leading labels).
    Row(Vec<Label>, Option<Cell>, Vec<Option<Cell>>),
    /// Level names only.
    Labels(Vec<Label>),
    /// Words of a wrapped cell, nothing else.
    Piece(Vec<Cell>),
}

/// Read the block starting at `i` if its names are printed centred; `None` (nothing read)
/// when they are written where their run starts or on every row. Returns where the block ends.
pub fn read(
    toks: &[Tok],
    i: usize,
    slots: &[Slot],
    lead: usize,
    out: &mut Vec<Row>,
) -> Option<usize> {
    let (raw, end) = block_lines(toks, i);
    let mut lines: Vec<(Line, u32)> = raw
        .into_iter()
        .enumerate()
        .map(|(n, (words, page))| (read_line(words, n, page, slots), page))
        .collect();
    rejoin_wrapped_names(&mut lines);
    settle_either(&mut lines);
    if !is_centred(&lines, slots) {
        return None;
    }
    let (mut items, labels) = join_pieces(lines, slots);
    let has = |s: Slot| slots.contains(&s);
    let l2: Vec<&Label> = labels.iter().filter(|l| l.lv == Lv::L2).collect();
    let l1: Vec<&Label> = labels.iter().filter(|l| l.lv != Lv::L2).collect();
    if has(Slot::L2) {
        file_under(&mut items, &l2, 1, true);
    }
    if has(Slot::L1) {
        file_under(&mut items, &l1, 0, false);
    }
    for it in items {
        out.push(emit(it, slots, lead));
    }
    Some(end)
}

/// The lines of the block from `i` to the first line that closes it, as words with their page.
fn block_lines(toks: &[Tok], i: usize) -> (Vec<(Vec<Cell>, u32)>, usize) {
    let mut lines = Vec::new();
    let mut j = i;
    let mut words: Vec<Cell> = Vec::new();
    while let Some(t) = toks.get(j) {
        match t {
            Tok::Cell(c) => {
                if words.is_empty() && is_stop(toks, j) {
                    break;
                }
                words.push(c.clone());
            }
            _ => {
                if !words.is_empty() {
                    let page = words[0].pos.page.unwrap_or(1);
                    lines.push((std::mem::take(&mut words), page));
                }
            }
        }
        j += 1;
    }
    if !words.is_empty() {
        let page = words[0].pos.page.unwrap_or(1);
        lines.push((words, page));
    }
    (lines, j)
}

/// The level a word names, if it is a level name of the vocabulary.
fn level_of(text: &str) -> Option<Lv> {
    let k = key(text);
    match (vocab::is_level1_key(&k), vocab::is_level2_key(&k)) {
        (true, true) => Some(Lv::Either),
        (true, false) => Some(Lv::L1),
        (false, true) => Some(Lv::L2),
        _ => None,
    }
}

/// The words of a line without the block label (`年度绩效指标`, merged down the whole block
/// and printed among the rows), also where it ran onto the next word (`年度绩效指标产出指标`).
fn without_block_label(words: Vec<Cell>) -> Vec<Cell> {
    let mut out = Vec::new();
    for mut w in words {
        if vocab::header_role(&w.text) == Some(Role::Outer) {
            continue;
        }
        let cut = w.text.char_indices().skip(2).map(|(b, _)| b).find(|&b| {
            vocab::header_role(&w.text[..b]) == Some(Role::Outer)
                && level_of(&w.text[b..]).is_some()
        });
        if let Some(b) = cut {
            w.text = w.text[b..].to_string();
        }
        out.push(w);
    }
    out
}

/// One line: its leading level names, then the name and the values by the header's columns.
fn read_line(words: Vec<Cell>, n: usize, page: u32, slots: &[Slot]) -> Line {
    let words = without_block_label(words);
    let mut labels = Vec::new();
    let mut rest = words.as_slice();
    while let Some((w, tail)) = rest.split_first()
        && let Some(lv) = level_of(&w.text)
        && labels.len() < 2
    {
        labels.push(Label {
            lv,
            cell: w.clone(),
            pos: n as f64,
            page,
        });
        rest = tail;
    }
    if labels.len() == 2 && labels[0].lv == Lv::Either {
        labels[0].lv = Lv::L1;
    }
    if labels.len() == 2 && labels[1].lv == Lv::Either {
        labels[1].lv = Lv::L2;
    }
    if rest.is_empty() {
        return Line::Labels(labels);
    }
    let first_value = rest.iter().position(|w| value_like(&w.text));
    // Nothing but a name, or nothing but values: a piece of a wrapped cell.
    if labels.is_empty() && first_value.is_none_or(|k| k == 0) {
        return Line::Piece(rest.to_vec());
    }
    let k = first_value.unwrap_or(rest.len());
    let name = join_words(&rest[..k]);
    Line::Row(labels, name, fill_values(&rest[k..], slots))
}

/// Words of one cell, joined as written.
fn join_words(words: &[Cell]) -> Option<Cell> {
    let (first, more) = words.split_first()?;
    let mut c = first.clone();
    for w in more {
        c.text.push(' ');
        c.text.push_str(&w.text);
    }
    Some(c)
}

/// The value words of a row into the header's value columns, indexed like `slots`. An
/// operator or unit column takes only an operator or a unit; with plain value columns only,
/// fewer words than columns fill the last ones (a 半年 target left blank, the 全年 written).
fn fill_values(words: &[Cell], slots: &[Slot]) -> Vec<Option<Cell>> {
    let mut vals = vec![None; slots.len()];
    let cols: Vec<usize> = (0..slots.len()).filter(|&k| !slots[k].is_label()).collect();
    let split = cols
        .iter()
        .any(|&k| matches!(slots[k], Slot::Op | Slot::Unit));
    let skip = if split {
        0
    } else {
        cols.len().saturating_sub(words.len())
    };
    let mut w = words.iter().peekable();
    let mut last = None;
    for &k in &cols[skip..] {
        let Some(c) = w.peek() else { break };
        let fits = match slots[k] {
            Slot::Op => value::is_operator_cell(&c.text),
            Slot::Unit => unit_like(&c.text),
            _ => true,
        };
        if fits {
            vals[k] = w.next().cloned();
            last = Some(k);
        }
    }
    for rest in w {
        match last.and_then(|k| vals[k].as_mut()) {
            Some(v) => {
                v.text.push(' ');
                v.text.push_str(&rest.text);
            }
            None => {
                let k = cols.first().copied().unwrap_or(0);
                vals[k] = Some(rest.clone());
                last = Some(k);
            }
        }
    }
    vals
}

/// A level name wrapped over two lines around a row may read as a shorter level name and a
/// piece (`服务对象满意度` … `指标`): such a name line is the upper piece.
fn rejoin_wrapped_names(lines: &mut [(Line, u32)]) {
    for n in 0..lines.len().saturating_sub(2) {
        let (Line::Labels(ls), Line::Row(..) | Line::Labels(_), Line::Piece(below)) =
            (&lines[n].0, &lines[n + 1].0, &lines[n + 2].0)
        else {
            continue;
        };
        if let ([l], [b]) = (ls.as_slice(), below.as_slice())
            && level_of(&format!("{}{}", l.cell.text, b.text)).is_some()
        {
            lines[n].0 = Line::Piece(vec![l.cell.clone()]);
        }
    }
}

/// `成本指标` is a 一级 where the block has its 二级 (经济成本指标, …), else a 二级.
fn settle_either(lines: &mut [(Line, u32)]) {
    let l2_keys: Vec<String> = labels_of(lines)
        .filter(|l| l.lv == Lv::L2)
        .map(|l| key(&l.cell.text))
        .collect();
    for (line, _) in lines.iter_mut() {
        let labels = match line {
            Line::Row(l, _, _) | Line::Labels(l) => l,
            Line::Piece(_) => continue,
        };
        for l in labels.iter_mut().filter(|l| l.lv == Lv::Either) {
            let k = key(&l.cell.text);
            let parent = l2_keys
                .iter()
                .any(|c| vocab::is_parent_of(&k, c) == Some(true));
            l.lv = if parent { Lv::L1 } else { Lv::L2 };
        }
    }
}

fn labels_of(lines: &[(Line, u32)]) -> impl Iterator<Item = &Label> {
    lines.iter().flat_map(|(l, _)| match l {
        Line::Row(l, _, _) | Line::Labels(l) => l.as_slice(),
        Line::Piece(_) => &[],
    })
}

/// Whether the names are printed centred: the first row carries no name of a level the block
/// names later, or names stand on lines of their own between rows.
fn is_centred(lines: &[(Line, u32)], slots: &[Slot]) -> bool {
    let Some(first) = lines.iter().find_map(|(l, _)| match l {
        Line::Row(labels, _, _) => Some(labels),
        _ => None,
    }) else {
        return false;
    };
    let later = |lv: Lv| labels_of(lines).any(|l| l.lv == lv);
    let unnamed =
        |lv: Lv, s: Slot| slots.contains(&s) && later(lv) && !first.iter().any(|l| l.lv == lv);
    let alone = lines
        .iter()
        .filter(|(l, _)| matches!(l, Line::Labels(_)))
        .count();
    unnamed(Lv::L1, Slot::L1) || unnamed(Lv::L2, Slot::L2) || alone >= 2
}

/// Items and labels from the lines: pieces of a wrapped cell printed around a line (one above,
/// one below) are joined, and become a level name there or fill the cell that line lacks; a
/// piece under a row goes on its last cells, a piece over a row without a name is its name.
fn join_pieces(lines: Vec<(Line, u32)>, slots: &[Slot]) -> (Vec<Item>, Vec<Label>) {
    let mut items: Vec<Item> = Vec::new();
    let mut labels: Vec<Label> = Vec::new();
    let mut used = vec![false; lines.len()];
    let piece = |n: usize| match lines.get(n) {
        Some((Line::Piece(w), _)) => Some(w),
        _ => None,
    };
    let pair = |n: usize| -> bool {
        let line_between = lines
            .get(n + 1)
            .is_some_and(|(l, _)| !matches!(l, Line::Piece(_)));
        matches!((piece(n), piece(n + 2)), (Some(a), Some(b)) if a.len() == b.len()) && line_between
    };
    for n in 0..lines.len() {
        // A piece with a partner two lines down waits for the line between them.
        if used[n] || pair(n) {
            continue;
        }
        let (line, page) = &lines[n];
        let mut joined: Vec<Cell> = Vec::new();
        if n > 0 && !used[n - 1] && pair(n - 1) {
            let (above, below) = (
                piece(n - 1).unwrap_or(&Vec::new()).clone(),
                piece(n + 1).unwrap_or(&Vec::new()).clone(),
            );
            used[n - 1] = true;
            used[n + 1] = true;
            for (a, b) in above.iter().zip(&below) {
                let mut c = a.clone();
                c.text.push_str(&b.text);
                joined.push(c);
            }
        }
        used[n] = true;
        match line {
            Line::Row(ls, name, vals) => {
                labels.extend(ls.iter().cloned());
                let mut it = Item::at(n, *page, name.clone(), vals.clone());
                place_joined(joined, &mut it, &mut labels, (n, *page), slots);
                items.push(it);
            }
            Line::Labels(ls) => {
                labels.extend(ls.iter().cloned());
                let before = labels.len();
                let mut it = Item::at(n, *page, None, Vec::new());
                place_joined(joined, &mut it, &mut labels, (n, *page), slots);
                if it.name.is_some() {
                    labels.truncate(before);
                    items.push(it);
                }
            }
            Line::Piece(words) => {
                if !piece_under_row(words, (n, &lines), &mut items, slots) {
                    // The first line of a name wrapped over the row's line, or a row with a
                    // name and no value: either way the words name a row here.
                    items.push(Item::at(n, *page, join_words(words), Vec::new()));
                }
            }
        }
    }
    (items, labels)
}

/// Joined pieces around line `n`: level names there, else the name or first empty value of
/// the row on that line.
fn place_joined(
    joined: Vec<Cell>,
    it: &mut Item,
    labels: &mut Vec<Label>,
    (n, page): (usize, u32),
    slots: &[Slot],
) {
    for c in joined {
        if let Some(lv) = level_of(&c.text) {
            let lv = if lv == Lv::Either { Lv::L2 } else { lv };
            labels.push(Label {
                lv,
                cell: c,
                pos: n as f64,
                page,
            });
            continue;
        }
        it.top = it.top.min(n as f64 - 1.0);
        it.bottom = it.bottom.max(n as f64 + 1.0);
        if it.name.is_none() && !value_like(&c.text) {
            it.name = Some(c);
        } else if let Some(v) = value_cols(slots, &mut it.vals).find(|v| v.is_none()) {
            *v = Some(c);
        } else if let Some(name) = it.name.as_mut() {
            name.text.push_str(&c.text);
        }
    }
}

/// A piece with no partner under a row ends that row's wrapped cells (`间 前` under
/// `…完成时 2026年12月底`): its words go on the row's last cells. False when it is not under a
/// row.
fn piece_under_row(
    words: &[Cell],
    (n, lines): (usize, &[(Line, u32)]),
    items: &mut [Item],
    slots: &[Slot],
) -> bool {
    let under_row = n > 0 && matches!(lines[n - 1].0, Line::Row(..));
    let Some(it) = items.last_mut().filter(|_| under_row) else {
        return false;
    };
    it.bottom = n as f64;
    let mut words = words.iter().peekable();
    // Values first fill the value columns the row left empty after its last value.
    let last = it
        .vals
        .iter()
        .rposition(Option::is_some)
        .map_or(0, |k| k + 1);
    let empty_tail = it.vals.iter_mut().zip(slots).skip(last);
    for (v, _) in empty_tail.filter(|(_, s)| !s.is_label()) {
        if let Some(w) = words.next_if(|w| value_like(&w.text)) {
            *v = Some(w.clone());
        }
    }
    let words: Vec<&Cell> = words.collect();
    let mut cells: Vec<&mut Cell> = it.name.iter_mut().collect();
    cells.extend(it.vals.iter_mut().flatten());
    let skip = cells.len().saturating_sub(words.len());
    for (c, w) in cells.into_iter().skip(skip).zip(words) {
        c.text.push_str(&w.text);
    }
    true
}

/// The value columns of a row's cells (indexed like the header's columns), in order.
fn value_cols<'a>(
    slots: &'a [Slot],
    vals: &'a mut [Option<Cell>],
) -> impl Iterator<Item = &'a mut Option<Cell>> {
    vals.iter_mut()
        .zip(slots)
        .filter(|(_, s)| !s.is_label())
        .map(|(v, _)| v)
}

/// File the items under the names of one level (`at` 0 for 一级, 1 for 二级), page by page.
/// With `own_rows`, a name whose run holds no row becomes a row of its own.
fn file_under(items: &mut Vec<Item>, labels: &[&Label], at: usize, own_rows: bool) {
    let mut carried: Option<Cell> = None;
    let mut pages: Vec<u32> = items.iter().map(|i| i.page).collect();
    pages.extend(labels.iter().map(|l| l.page));
    pages.sort_unstable();
    pages.dedup();
    let mut added: Vec<Item> = Vec::new();
    for page in pages {
        let idx: Vec<usize> = (0..items.len())
            .filter(|&k| items[k].page == page)
            .collect();
        let ls: Vec<&Label> = labels.iter().copied().filter(|l| l.page == page).collect();
        if ls.is_empty() {
            for &k in &idx {
                items[k].names[at] = carried.clone();
            }
            continue;
        }
        let units = units_of(items, &idx, at);
        let extents: Vec<(f64, f64)> = units
            .iter()
            .map(|u| (items[u[0]].top, items[*u.last().unwrap_or(&u[0])].bottom))
            .collect();
        let parent = |j: usize, u: usize| -> f64 {
            let (Some(kid), 0) = (items[units[u][0]].names[1].as_ref(), at) else {
                return 0.0;
            };
            match vocab::is_parent_of(&key(&ls[j].cell.text), &key(&kid.text)) {
                Some(false) => 1000.0,
                _ => 0.0,
            }
        };
        let pos: Vec<f64> = ls.iter().map(|l| l.pos).collect();
        let Some(runs) = partition(&extents, &pos, parent) else {
            continue;
        };
        for (j, (s, e)) in runs.into_iter().enumerate() {
            for u in &units[s..e] {
                for &k in u {
                    items[k].names[at] = Some(ls[j].cell.clone());
                }
            }
            if s == e && own_rows {
                added.push(own_row(ls[j], at));
            }
        }
        carried = ls.last().map(|l| l.cell.clone());
    }
    if !added.is_empty() {
        items.extend(added);
        items.sort_by(|a, b| (a.page, a.top).partial_cmp(&(b.page, b.top)).unwrap());
    }
}

/// A name with no row under it: a row of its own, at its line.
fn own_row(l: &Label, at: usize) -> Item {
    let mut names = [None, None];
    names[at] = Some(l.cell.clone());
    Item {
        top: l.pos,
        bottom: l.pos,
        page: l.page,
        name: None,
        vals: Vec::new(),
        names,
    }
}

/// The units a level's names run over: rows one by one for the 二级; for the 一级, the runs of
/// rows filed under one 二级 (a 一级 ends where a 二级 does).
fn units_of(items: &[Item], idx: &[usize], at: usize) -> Vec<Vec<usize>> {
    let mut units: Vec<Vec<usize>> = Vec::new();
    for &k in idx {
        let same = at == 0
            && units.last().is_some_and(|u| {
                let prev = &items[*u.last().unwrap_or(&u[0])];
                prev.names[1].is_some()
                    && prev.names[1].as_ref().map(|c| &c.text)
                        == items[k].names[1].as_ref().map(|c| &c.text)
                    && prev.names[1].as_ref().map(|c| c.pos.line)
                        == items[k].names[1].as_ref().map(|c| c.pos.line)
            });
        match units.last_mut() {
            Some(u) if same => u.push(k),
            _ => units.push(vec![k]),
        }
    }
    units
}

/// A run of units per name, in order, each name standing as near the middle of its run as the
/// names allow. `units` are the line extents (top, bottom) of the units in order, `pos` the
/// names' lines. A name printed inside a unit's extent runs over that unit; a run may be empty
/// only for a name between two units (a row of its own). `extra(name, unit)` adds a cost for
/// a name over a unit (a 二级 under another 一级). `None` if the names cannot cover the units.
pub(super) fn partition(
    units: &[(f64, f64)],
    pos: &[f64],
    extra: impl Fn(usize, usize) -> f64,
) -> Option<Vec<(usize, usize)>> {
    const EMPTY: f64 = 0.3;
    let (n, m) = (units.len(), pos.len());
    let inf = f64::INFINITY;
    // best[j][e]: the cost of names 0..j running over units 0..e; from[j][e] where name j-1's
    // run starts.
    let mut best = vec![vec![inf; n + 1]; m + 1];
    let mut from = vec![vec![0usize; n + 1]; m + 1];
    best[0][0] = 0.0;
    for j in 1..=m {
        let p = pos[j - 1];
        let inside = units.iter().position(|&(t, b)| p >= t && p <= b);
        for e in 0..=n {
            for s in 0..=e {
                if best[j - 1][s] == inf {
                    continue;
                }
                if let Some(u) = inside
                    && !(s <= u && u < e)
                {
                    continue;
                }
                let cost = if s == e {
                    let after = s == 0 || units[s - 1].1 < p;
                    let before = s == n || p < units[s].0;
                    if !(after && before) {
                        continue;
                    }
                    EMPTY
                } else {
                    let mid = (units[s].0 + units[e - 1].1) / 2.0;
                    // A name below every unit (above every one) is the last (first) of a page
                    // whose merged cell goes on over the page break: it stands in the middle
                    // of the cell's part on this page, which reaches past the units.
                    let off = if j == m && n > 0 && p > units[n - 1].1 {
                        (mid - p).max(0.0)
                    } else if j == 1 && n > 0 && p < units[0].0 {
                        (p - mid).max(0.0)
                    } else {
                        p - mid
                    };
                    off.powi(2) + (s..e).map(|u| extra(j - 1, u)).sum::<f64>()
                };
                if best[j - 1][s] + cost < best[j][e] {
                    best[j][e] = best[j - 1][s] + cost;
                    from[j][e] = s;
                }
            }
        }
    }
    if best[m][n] == inf {
        return None;
    }
    let mut runs = vec![(0, 0); m];
    let mut e = n;
    for j in (1..=m).rev() {
        let s = from[j][e];
        runs[j - 1] = (s, e);
        e = s;
    }
    Some(runs)
}

/// The grid row of an item: the block label's columns, then one cell per header column.
fn emit(it: Item, slots: &[Slot], lead: usize) -> Row {
    let mut cells: Vec<Option<Cell>> = vec![None; lead];
    let mut vals = it.vals;
    vals.resize(slots.len(), None);
    for (k, s) in slots.iter().enumerate() {
        cells.push(match s {
            Slot::L1 => it.names[0].clone(),
            Slot::L2 => it.names[1].clone(),
            Slot::L3 => it.name.clone(),
            Slot::Kw => None,
            _ => vals[k].take(),
        });
    }
    Row::from_cells(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stand_in_the_middle_of_their_runs() {
        // Four rows; a name between rows 1 and 2 runs over all four, a name on row 0 over it.
        let rows = [(0.0, 0.0), (1.0, 1.0), (3.0, 3.0), (4.0, 4.0)];
        assert_eq!(partition(&rows, &[2.0], |_, _| 0.0), Some(vec![(0, 4)]));
        // 数量 between rows 0 and 1 (line 1), 质量 on row 2's line: two runs of two.
        let rows = [(0.0, 0.0), (2.0, 2.0), (3.0, 3.0), (4.0, 4.0)];
        assert_eq!(
            partition(&rows, &[1.0, 3.5], |_, _| 0.0),
            Some(vec![(0, 2), (2, 4)])
        );
        // A name between two rows whose neighbours are each named on their own line: empty.
        let rows = [(0.0, 0.0), (2.0, 2.0)];
        assert_eq!(
            partition(&rows, &[0.0, 1.0, 2.0], |_, _| 0.0),
            Some(vec![(0, 1), (1, 1), (1, 2)])
        );
        // The last name of a page printed under its rows (its cell goes on to the next page).
        let rows = [(0.0, 0.0), (2.0, 2.0), (3.0, 3.0), (4.0, 4.0)];
        assert_eq!(
            partition(&rows, &[1.0, 6.0], |_, _| 0.0),
            Some(vec![(0, 2), (2, 4)])
        );
    }
}
