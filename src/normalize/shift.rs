//! Column-shift repair: which column role each cell of a row belongs to.
//!
//! PDF extraction drops or inserts empty fields, so a row's cells may sit one or two columns
//! left or right of where the block's header says they belong. For each candidate shift of the
//! whole row we place every cell in the role whose column span holds it, and price the result
//! by what the cells are (a target value in a name column, a sentence in a value column, an
//! operator outside the operator column…) and by how far the row moved. The cheapest placement
//! wins; a tie keeps the row where it is. Pure functions, tested on the seed's damaged rows.

use super::canon::key;
use super::value::{is_operator_cell, is_strong_value};
use super::vocab::{self, Role, is_level1_key, is_level2_key, is_qual_key};
use crate::canon::memo::Memo;

/// A role and the columns it covers (from the block's header; a merged header spans several).
#[derive(Debug, Clone, PartialEq)]
pub struct RoleSpan {
    pub start: usize,
    pub end: usize,
    pub role: Role,
    /// The first column the header cell may also cover, when empty columns stand before it: a
    /// text extraction may have put a merged header's text in the merge's last column, so the
    /// gap belongs either to the cell before (the usual case) or to this one. Equal to `start`
    /// when the header leaves no doubt.
    pub back: usize,
    /// Whether the rows read so far put the gap before this cell in this cell's merge (the
    /// header's text was in the merge's last column) rather than in the merge before it.
    pub prefer_back: bool,
}

/// Where the cells of one row go.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// How many columns the row was moved (positive: to the right).
    pub shift: i32,
    /// For each input cell, the index of its role in the span list, or None (unplaced).
    pub slots: Vec<Option<usize>>,
    pub cost: f64,
}

/// The farthest a row of extracted text is moved back.
pub const MAX_SHIFT: i32 = 4;
/// Cost of moving a row by one column. Lower than any type mismatch, so a row moves when that
/// puts each cell in a column of its kind.
const SHIFT_COST: f64 = 1.0;
/// A shift the previous row also needed is cheaper: damage comes in runs of lines.
const SAME_SHIFT_BONUS: f64 = 0.6;
const UNPLACED_COST: f64 = 4.0;
/// See `Search::walk`: an indicator-like name alone on its row, taken as an empty 二级 group.
const LONE_NAME_AS_GROUP_COST: f64 = 1.2;
/// See `Search::walk`: a standard level name alone on its row, taken as an indicator.
const LONE_LEVEL_NAME_AS_INDICATOR_COST: f64 = 3.0;
/// Reading a cell as the tail of a merged header (its text in the merge's last column) costs a
/// little more than moving the row: a shifted row is the more common damage.
const TAIL_HEADER_COST: f64 = 1.1;

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn is_sentence(s: &str) -> bool {
    let n = chars(s);
    n >= 24 || (n >= 12 && s.contains(['，', ',', '；', ';', '。']))
}

/// What a cell's text is, worked out once per cell (a row is priced for every shift).
#[derive(Debug, Clone)]
pub struct Kind {
    strong: bool,
    op: bool,
    qual: bool,
    n: usize,
    level1: bool,
    level2: bool,
    sentence: bool,
    /// Ends the way indicator names end (…率, …满意度, …数量): a name, not a target.
    name_like: bool,
}

thread_local! {
    /// A cell is priced in every row of its block's reading and its text recurs across rows
    /// and tables (level names, units, operators): each distinct text is classed once.
    static KINDS: Memo<Kind> = Memo::default();
}

impl Kind {
    pub fn of(text: &str) -> Kind {
        KINDS.with(|m| m.get_or(text, Kind::work_out))
    }

    fn work_out(text: &str) -> Kind {
        let k = key(text);
        Kind {
            strong: is_strong_value(text),
            op: is_operator_cell(text),
            qual: is_qual_key(&k),
            n: chars(text),
            level1: is_level1_key(&k),
            level2: is_level2_key(&k),
            sentence: is_sentence(text),
            name_like: vocab::ends_like_indicator_name(text),
        }
    }
}

fn cost_of(k: &Kind, role: &Role) -> f64 {
    let (strong, op, qual, n) = (k.strong, k.op, k.qual, k.n);
    match role {
        Role::Level1 | Role::Level2 | Role::Level3 | Role::KeyWork => label_cost(k, role),
        Role::Value(_) => {
            if strong || qual {
                0.0
            } else if op || k.level1 || k.level2 || n > 16 {
                3.0
            } else if n > 10 || (n >= 7 && k.name_like) {
                1.5
            } else {
                0.0
            }
        }
        Role::Op => {
            if op {
                0.0
            } else if n <= 4 && !strong {
                // A direction (`正向`) in an operator column.
                1.0
            } else {
                5.0
            }
        }
        Role::Unit => {
            if strong || n > 6 {
                3.0
            } else {
                0.0
            }
        }
        Role::Extra(_) | Role::Attr(_) | Role::Context(_) | Role::Code => 0.0,
        // A weight or a score is a bare number (`10`, `5%`, `10分`).
        Role::Weight | Role::Score => {
            if k.n <= 6 && !op && !k.level1 && !k.level2 {
                0.0
            } else {
                3.0
            }
        }
        Role::Direction => {
            if n <= 4 && !strong {
                0.0
            } else {
                3.0
            }
        }
        Role::Outer => 3.0,
    }
}

/// The price of a cell in a name column (一级, 二级, 重点工作, 三级): a value or an operator
/// there is dear; a level name in another level's column, a sentence in a level column, a
/// short text in the 重点工作 column cost a little.
fn label_cost(k: &Kind, role: &Role) -> f64 {
    if k.op {
        return 5.0;
    }
    if k.strong {
        return 4.0;
    }
    let mut c = if k.qual { 2.0 } else { 0.0 };
    match role {
        Role::Level1 => {
            if k.level2 && !k.level1 {
                c += 2.0;
            }
            if k.sentence {
                c += 2.0;
            }
        }
        Role::Level2 => {
            if k.level1 && !k.level2 {
                c += 1.5;
            }
            if k.sentence {
                c += 1.5;
            }
        }
        Role::KeyWork => {
            if k.n < 10 {
                c += 1.0;
            }
            if k.level1 || k.level2 {
                c += 1.0;
            }
        }
        _ => {
            if k.n >= 40 {
                c += 1.0;
            }
            // A standard 一级/二级 name in the 三级 column is more likely a group label
            // that moved (an empty 二级 group) than an indicator of that name.
            if k.level1 || k.level2 {
                c += 1.5;
            }
        }
    }
    c
}

/// Place the cells `(column, text)` of one row into `spans`. `prev_shift` is the shift the
/// previous row of the block needed.
#[cfg(test)]
pub fn place(cells: &[(usize, &str)], spans: &[RoleSpan], prev_shift: i32) -> Placement {
    place_within(cells, spans, prev_shift, MAX_SHIFT)
}

/// `place` with a bound on the shift: 0 for sources whose columns are exact (a workbook, a
/// ruled PDF table), where a cell is where the table's author put it.
pub fn place_within(
    cells: &[(usize, &str)],
    spans: &[RoleSpan],
    prev_shift: i32,
    max_shift: i32,
) -> Placement {
    let ambiguous = spans.iter().any(|s| s.back < s.start);
    // With no shift allowed and no doubt about the header there is one placement: no need to
    // price it.
    let kinds: Vec<Kind> = if max_shift == 0 && !ambiguous {
        Vec::new()
    } else {
        cells.iter().map(|(_, t)| Kind::of(t)).collect()
    };
    let mut search = Search {
        spans,
        kinds: &kinds,
        has_l3: spans.iter().any(|s| s.role == Role::Level3),
        targets: Vec::new(),
    };
    let mut best: Option<Placement> = None;
    // Try the unshifted row first so that ties keep it.
    let mut shifts = vec![0];
    for d in 1..=max_shift {
        shifts.push(d);
        shifts.push(-d);
    }
    for k in shifts {
        let mut base = k.unsigned_abs() as f64 * SHIFT_COST;
        if k != 0 && k == prev_shift {
            base -= SAME_SHIFT_BONUS;
        }
        // No price is negative, so a shift that starts at the best total so far cannot win
        // (the walk would stop at its first step).
        if best.as_ref().is_some_and(|b| base >= b.cost - 1e-9) {
            continue;
        }
        // The roles each cell may take at this shift.
        let cands: Vec<Vec<usize>> = cells
            .iter()
            .map(|&(col, _)| {
                let t = col as i64 + k as i64;
                if t < 0 {
                    return Vec::new();
                }
                let t = t as usize;
                (0..spans.len())
                    .filter(|&j| spans[j].back <= t && t <= spans[j].end)
                    .collect()
            })
            .collect();
        search.targets = cells
            .iter()
            .map(|&(col, _)| (col as i64 + k as i64).max(0) as usize)
            .collect();
        let mut slots = Vec::with_capacity(cells.len());
        // Seeded with the best total so far, the walk prunes every branch that cannot beat
        // it; a branch that can is walked as without the seed, so the same placement wins.
        let mut found: Option<(f64, Vec<Option<usize>>)> =
            best.as_ref().map(|b| (b.cost, Vec::new()));
        search.walk(&cands, 0, None, base, &mut slots, &mut found);
        if let Some((cost, slots)) = found
            && best.as_ref().is_none_or(|b| cost < b.cost - 1e-9)
        {
            best = Some(Placement {
                shift: k,
                slots,
                cost,
            });
        }
    }
    best.unwrap_or(Placement {
        shift: 0,
        slots: vec![None; cells.len()],
        cost: f64::INFINITY,
    })
}

/// The cheapest assignment of a row's cells to roles at one shift: roles follow the cells'
/// order, one cell each. Rows have a handful of cells and at most two roles per cell, so an
/// exhaustive walk is cheap.
struct Search<'a> {
    spans: &'a [RoleSpan],
    kinds: &'a [Kind],
    has_l3: bool,
    /// The column each cell lands in at the current shift.
    targets: Vec<usize>,
}

impl Search<'_> {
    fn walk(
        &self,
        cands: &[Vec<usize>],
        i: usize,
        last: Option<usize>,
        cost: f64,
        slots: &mut Vec<Option<usize>>,
        best: &mut Option<(f64, Vec<Option<usize>>)>,
    ) {
        if best.as_ref().is_some_and(|b| cost >= b.0 - 1e-9) {
            return;
        }
        if i == cands.len() {
            let total = self.complete_cost(slots, cost);
            if best.as_ref().is_none_or(|b| total < b.0 - 1e-9) {
                *best = Some((total, slots.clone()));
            }
            return;
        }
        if cands[i].is_empty() {
            slots.push(None);
            self.walk(cands, i + 1, last, cost + UNPLACED_COST, slots, best);
            slots.pop();
            return;
        }
        // A role already taken by an earlier cell is no choice: two cells in one column
        // mean this shift is wrong.
        for &j in cands[i].iter().filter(|&&j| last.is_none_or(|l| j > l)) {
            let mut c = self
                .kinds
                .get(i)
                .map_or(0.0, |k| cost_of(k, &self.spans[j].role));
            let t = self.targets[i];
            // In the gap before a header cell, the reading the block's rows have not taken
            // so far costs a little more than moving the row.
            if t < self.spans[j].start && !self.spans[j].prefer_back {
                c += TAIL_HEADER_COST;
            }
            if let Some(next) = self.spans.get(j + 1)
                && next.back <= t
                && t < next.start
                && next.prefer_back
            {
                c += TAIL_HEADER_COST;
            }
            slots.push(Some(j));
            self.walk(cands, i + 1, Some(j), cost + c, slots, best);
            slots.pop();
        }
    }

    /// The cost of a complete placement (`cost` so far): what the row as a whole says, a value
    /// without a name, one name alone read as a group or a group name alone as an indicator.
    fn complete_cost(&self, slots: &[Option<usize>], cost: f64) -> f64 {
        let filled = |pred: &dyn Fn(&Role) -> bool| {
            slots.iter().flatten().any(|&j| pred(&self.spans[j].role))
        };
        let mut total = cost;
        if self.has_l3
            && filled(&|r| matches!(r, Role::Value(_)))
            && !filled(&|r| *r == Role::Level3)
        {
            total += 3.0;
        }
        // A row of one indicator-like name (`档案移交单位满意度`) and nothing else, read as a
        // 一级 or 二级 label, would be an empty group under a name no level list has: more
        // likely a 三级 indicator with an empty value, moved left. Priced above a shift of
        // one column (二级) or two (一级, whose names are fewer still).
        if self.has_l3
            && let ([k], [Some(j)]) = (self.kinds, slots)
            && k.name_like
            && k.n >= 6
            && !k.level1
            && !k.level2
        {
            total += match self.spans[*j].role {
                Role::Level1 => 2.0 * LONE_NAME_AS_GROUP_COST,
                Role::Level2 => LONE_NAME_AS_GROUP_COST,
                _ => 0.0,
            };
        }
        // The converse: a standard 一级/二级 name alone on its row is a group label (an
        // empty group, `生态效益指标`), however far the row moved, not an indicator of
        // that name.
        if self.has_l3
            && let ([k], [Some(j)]) = (self.kinds, slots)
            && (k.level1 || k.level2)
            && matches!(self.spans[*j].role, Role::Level3 | Role::KeyWork)
        {
            total += LONE_LEVEL_NAME_AS_INDICATOR_COST;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(roles: &[(usize, usize, Role)]) -> Vec<RoleSpan> {
        roles
            .iter()
            .map(|(s, e, r)| RoleSpan {
                start: *s,
                end: *e,
                back: *s,
                prefer_back: false,
                role: r.clone(),
            })
            .collect()
    }

    fn v(n: &str) -> Role {
        Role::Value(n.into())
    }

    /// The seed's first block: 一级 | 二级 (two columns) | 三级 | 半年 | 全年.
    fn block1() -> Vec<RoleSpan> {
        spans(&[
            (0, 0, Role::Level1),
            (1, 2, Role::Level2),
            (3, 3, Role::Level3),
            (4, 4, v("半年指标值")),
            (5, 5, v("全年指标值")),
        ])
    }

    /// The seed's 履职 block: 一级 | 二级 | 重点工作 | 三级 | 半年 | 全年.
    fn block2() -> Vec<RoleSpan> {
        spans(&[
            (0, 0, Role::Level1),
            (1, 1, Role::Level2),
            (2, 2, Role::KeyWork),
            (3, 3, Role::Level3),
            (4, 4, v("半年指标值")),
            (5, 5, v("全年指标值")),
        ])
    }

    fn roles_of(p: &Placement, sp: &[RoleSpan]) -> Vec<Option<Role>> {
        p.slots
            .iter()
            .map(|s| s.map(|j| sp[j].role.clone()))
            .collect()
    }

    #[test]
    fn seed_line_37_level2_shifted_left() {
        let sp = block1();
        let p = place(
            &[
                (0, "预算编制"),
                (2, "预算编制科学性"),
                (3, "科学"),
                (4, "科学"),
            ],
            &sp,
            0,
        );
        assert_eq!(p.shift, 1);
        assert_eq!(
            roles_of(&p, &sp),
            vec![
                Some(Role::Level2),
                Some(Role::Level3),
                Some(v("半年指标值")),
                Some(v("全年指标值"))
            ]
        );
    }

    /// b02's layout: 一级 | 二级 | 三级 (three columns) | 指标值.
    fn block_b02() -> Vec<RoleSpan> {
        spans(&[
            (0, 0, Role::Level1),
            (1, 1, Role::Level2),
            (2, 4, Role::Level3),
            (5, 5, v("指标值")),
        ])
    }

    #[test]
    fn lone_indicator_name_with_an_empty_value_moved_left() {
        // b02's last row, its value empty, shifted one and two columns left by re-damaging.
        let sp = block_b02();
        for (col, shift) in [(1, 1), (0, 2)] {
            let p = place(&[(col, "档案移交单位满意度")], &sp, 0);
            assert_eq!(p.shift, shift, "name in column {col}");
            assert_eq!(roles_of(&p, &sp), [Some(Role::Level3)]);
        }
        // A level name alone on its row stays a label: an empty group.
        for (col, text, role) in [
            (1, "生态效益指标", Role::Level2),
            (0, "满意度指标", Role::Level1),
        ] {
            let p = place(&[(col, text)], &sp, 0);
            assert_eq!(
                (p.shift, roles_of(&p, &sp)),
                (0, vec![Some(role)]),
                "{text}"
            );
        }
        // And goes back to its column from the 三级 merge (b01 re-damaged: the label in the
        // last column of a three-column 三级 merge).
        let p = place(&[(4, "生态效益指标")], &sp, 0);
        assert_eq!((p.shift, roles_of(&p, &sp)), (-3, vec![Some(Role::Level2)]));
    }

    #[test]
    fn seed_line_56_level3_shifted_left() {
        let sp = block1();
        let p = place(&[(2, "固定资产利用率"), (3, "=100%"), (4, "=100%")], &sp, 1);
        assert_eq!(p.shift, 1);
    }

    #[test]
    fn seed_line_58_tail_of_merged_level2_stays() {
        let sp = block1();
        let p = place(
            &[
                (2, "项目管理"),
                (3, "项目管理制度健全性"),
                (4, "健全"),
                (5, "健全"),
            ],
            &sp,
            1,
        );
        assert_eq!(p.shift, 0);
        assert_eq!(roles_of(&p, &sp)[0], Some(Role::Level2));
    }

    #[test]
    fn seed_line_74_key_work_row_shifted_left() {
        let sp = block2();
        let p = place(
            &[
                (0, "市级机关纪委监委"),
                (
                    1,
                    "监督促进市级机关工委落实全面从严治党主体责任，重点加强对其领导班子及成员和处级干部的监督",
                ),
                (2, "案例编印完成及时性"),
                (3, "及时"),
                (4, "及时"),
            ],
            &sp,
            0,
        );
        assert_eq!(p.shift, 1);
        assert_eq!(roles_of(&p, &sp)[1], Some(Role::KeyWork));
    }

    #[test]
    fn row_shifted_right_moves_back() {
        // a02: `| | | | 社区矫正对象信息化核查率 | =100% | =100%`
        let sp = block2();
        let p = place(
            &[(4, "社区矫正对象信息化核查率"), (5, "=100%"), (6, "=100%")],
            &sp,
            0,
        );
        assert_eq!(p.shift, -1);
    }

    #[test]
    fn unshifted_rows_stay() {
        let sp = block1();
        let p = place(
            &[
                (0, "过程"),
                (1, "预算执行"),
                (3, "预算调整率"),
                (4, "=0%"),
                (5, "=0%"),
            ],
            &sp,
            0,
        );
        assert_eq!((p.shift, p.cost), (0, 0.0));
        // An empty half-year value keeps the full-year one in its column.
        let p = place(&[(3, "绩效自评覆盖率"), (5, "=100%")], &sp, 0);
        assert_eq!(p.shift, 0);
    }

    #[test]
    fn split_value_rows() {
        // d01: 一级 | 二级 | 三级 (2 cols) | 指标性质 | 指标值 | 度量单位, row shifted right 2.
        let sp = spans(&[
            (0, 0, Role::Level1),
            (1, 1, Role::Level2),
            (2, 3, Role::Level3),
            (4, 4, Role::Op),
            (5, 5, v("指标值")),
            (6, 6, Role::Unit),
        ]);
        let p = place(
            &[
                (3, "可持续影响指标"),
                (4, "河道长效管护机制"),
                (6, "定性"),
                (7, "健全"),
            ],
            &sp,
            0,
        );
        assert_eq!(p.shift, -2);
        let p = place(
            &[
                (0, "健身设施安全巡检频次"),
                (2, "＝"),
                (3, "12"),
                (4, "次/年"),
            ],
            &sp,
            0,
        );
        assert_eq!(p.shift, 2);
    }
}
