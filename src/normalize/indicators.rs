//! Indicator blocks: a header row names the columns (一级 / 二级 / [重点工作] / 三级 / value
//! columns, through the synonym table), then each row is placed by `shift::place`, merged
//! labels are filled down, and each 三级指标 becomes one indicator with parsed values.

use super::canon::{self, canonical, label};
use super::diag::Diags;
use super::shift::{RoleSpan, place_within};
use super::value;
use super::vocab::{Role, header_role, split_note};
use crate::grid::{Row, SourcePos};
use crate::model::{Field, Indicator, IndicatorSource, TargetValue};

/// Whether `row` is the header of an indicator block, and its column spans.
pub fn parse_header(row: &Row, width: usize, exact: bool) -> Option<Vec<RoleSpan>> {
    // Every level header word (一级指标, 三级, 指标名称, …) has 级 or 指标: most rows stop here.
    if !row
        .filled()
        .any(|(_, c)| c.text.contains('级') || c.text.contains("指标"))
    {
        return None;
    }
    let filled: Vec<(usize, &str, u32)> = row
        .filled()
        .map(|(c, cell)| (c, cell.text.as_str(), cell.col_span))
        .collect();
    let mut roles: Vec<Option<Role>> = filled.iter().map(|(_, t, _)| header_role(t)).collect();
    left_of_levels(&filled, &mut roles);
    let levels = roles
        .iter()
        .flatten()
        .filter(|r| matches!(r, Role::Level1 | Role::Level2 | Role::Level3))
        .count();
    let values = roles
        .iter()
        .flatten()
        .filter(|r| matches!(r, Role::Value(_)))
        .count();
    let known = roles.iter().filter(|r| r.is_some()).count();
    // A header names at least two levels, or a level and a value column, and little else.
    // Two level columns make a header whatever else it names (one column per recipient town);
    // otherwise most of the row must be known header words.
    let header = levels >= 2 || (levels >= 1 && values >= 1 && known * 2 >= filled.len());
    if !header {
        return None;
    }
    // A merged header unmerged with its text repeated (`指标值 | 指标值`) names one column
    // (in a workbook or ruled PDF, whose columns are exact; text extraction repeats nothing).
    let (filled, roles): (Vec<_>, Vec<_>) = filled
        .iter()
        .zip(roles)
        .enumerate()
        .filter(|(i, ((c, t, _), _))| {
            !exact
                || i.checked_sub(1)
                    .and_then(|p| filled.get(p))
                    .is_none_or(|(pc, pt, ps)| !(pc + *ps as usize == *c && pt == t))
        })
        .map(|(_, (f, r))| (*f, r))
        .unzip();
    let mut spans = Vec::new();
    for (i, ((col, text, col_span), role)) in filled.iter().zip(roles).enumerate() {
        let next = filled.get(i + 1).map(|x| x.0).unwrap_or(width.max(col + 1));
        let end = (next.saturating_sub(1)).max(col + *col_span as usize - 1);
        // Empty columns before a cell that no known merge covers may be the start of this
        // cell's own merge (its text put in the last column by the extraction).
        let back = match i.checked_sub(1).and_then(|p| filled.get(p)) {
            None => 0,
            Some((pc, _, ps)) => (*pc + *ps as usize).min(*col),
        };
        let role = role.unwrap_or_else(|| Role::Extra(canonical(text)));
        spans.push(RoleSpan {
            start: *col,
            end,
            back,
            prefer_back: false,
            role,
        });
    }
    // Grades of a standard written as columns of their own (`评分标准（优）`, as the canonical
    // workbook writes them) are the targets of a block with no value column, as under a
    // sub-header.
    if !spans.iter().any(|s| matches!(s.role, Role::Value(_))) {
        for s in spans.iter_mut() {
            if let Role::Attr(n) = &s.role
                && n.contains('（')
            {
                s.role = Role::Value(n.clone());
            }
        }
    }
    Some(spans)
}

/// The columns of an indicator block that has no header row, from its first row: a 一级 name,
/// then a 二级 cell holding `二级名：target` (or a 二级 name, a 三级 name and one value). Cells
/// left of the 一级 are the block's label.
pub fn implicit_header(row: &Row, width: usize) -> Option<Vec<RoleSpan>> {
    let cells: Vec<(usize, &str)> = row.filled().map(|(c, x)| (c, x.text.as_str())).collect();
    let i1 = cells
        .iter()
        .position(|(_, t)| super::vocab::is_level1_name(t))?;
    let rest = &cells[i1 + 1..];
    let span = |start: usize, end: usize, role: Role| RoleSpan {
        start,
        end,
        back: start,
        prefer_back: false,
        role,
    };
    let mut spans: Vec<RoleSpan> = cells[..i1]
        .iter()
        .map(|(c, _)| span(*c, *c, Role::Outer))
        .collect();
    let c1 = cells[i1].0;
    match rest {
        [(c2, t)] if super::header::level2_lead(t) => {
            spans.push(span(c1, c2 - 1, Role::Level1));
            spans.push(span(*c2, width.max(c2 + 1) - 1, Role::Level2));
            spans.push(span(width + 1, width + 1, Role::Value("指标值".into())));
        }
        [(c2, t2), (c3, _), (c4, t4)]
            if super::vocab::is_level2_name(t2) && value::is_strong_value(t4) =>
        {
            spans.push(span(c1, c2 - 1, Role::Level1));
            spans.push(span(*c2, c3 - 1, Role::Level2));
            spans.push(span(*c3, c4 - 1, Role::Level3));
            spans.push(span(
                *c4,
                width.max(c4 + 1) - 1,
                Role::Value("指标值".into()),
            ));
        }
        _ => return None,
    }
    Some(spans)
}

/// Correct the header's roles by what the block's cells hold: a 三级 column (指标名称) that
/// holds 二级 names where the header has no 二级 column is the 二级 column of a table without
/// 三级 (指标类型 | 指标名称 | 指标值).
pub fn refine_by_content(spans: &mut [RoleSpan], body: &[Row]) {
    if spans.iter().any(|s| s.role == Role::Level2) {
        return;
    }
    let Some(j3) = spans.iter().position(|s| s.role == Role::Level3) else {
        return;
    };
    let (start, end) = (spans[j3].start, spans[j3].end);
    let texts: Vec<&str> = body
        .iter()
        .take(60)
        .filter_map(|r| r.filled().find(|(c, _)| start <= *c && *c <= end))
        .map(|(_, x)| x.text.as_str())
        .collect();
    let named = texts
        .iter()
        .filter(|t| super::vocab::is_level2_name(t))
        .count();
    if named >= 2 && named * 2 >= texts.len() {
        spans[j3].role = Role::Level2;
    }
}

/// Header cells left of the first level column are not indicator columns: a context column of
/// a flat export where the header names one (项目名称, 预算数), else a label merged down the left
/// of the block (绩效指标, 年度绩效目标(90分)), which holds no value.
fn left_of_levels(filled: &[(usize, &str, u32)], roles: &mut [Option<Role>]) {
    let Some(first_level) = roles
        .iter()
        .position(|r| r.as_ref().is_some_and(|r| r.is_label()))
    else {
        return;
    };
    for (i, role) in roles.iter_mut().enumerate().take(first_level) {
        // A code or other attribute column may stand first (指标编码 | 一级指标 | …).
        if matches!(
            role,
            Some(
                Role::Outer
                    | Role::Code
                    | Role::Weight
                    | Role::Score
                    | Role::Direction
                    | Role::Attr(_)
            )
        ) {
            continue;
        }
        *role = Some(super::vocab::context_role(filled[i].1).unwrap_or(Role::Outer));
    }
}

/// The labels of a group (一级, 二级, 重点工作) and where it started.
type Group = (Option<String>, Option<String>, Option<String>, SourcePos);

/// The running state of one indicator block.
pub struct Block {
    spans: Vec<RoleSpan>,
    l1: Option<String>,
    l2: Option<String>,
    kw: Option<String>,
    prev_shift: i32,
    /// A 二级 label seen on a row of its own: an empty group, unless 三级 rows follow it.
    pending_group: Option<Group>,
    /// Whether the last row placed was an indicator (so a fragment may continue it).
    last_was_indicator: bool,
    max_shift: i32,
    /// Notes split off the current 一级 and 二级 labels, carried down with them.
    notes: [Option<String>; 2],
    /// Per header cell: rows that read the gap before it as its own merge, minus those that
    /// read it as the merge before.
    gap_votes: Vec<i32>,
    /// The context cells of a flat export (项目名称 …), carried down from where they were
    /// last written (merged over a project's rows, or repeated on each).
    context: Vec<Option<String>>,
}

/// What a value column group of the header is: one plain column, or a split value.
enum ValueCol {
    Plain(usize, String),
    Split {
        op: Option<usize>,
        value: usize,
        unit: Option<usize>,
        name: String,
    },
}

impl Block {
    pub fn new(spans: Vec<RoleSpan>, max_shift: i32) -> Block {
        Block {
            max_shift,
            notes: [None, None],
            gap_votes: vec![0; spans.len()],
            spans,
            l1: None,
            l2: None,
            kw: None,
            prev_shift: 0,
            pending_group: None,
            last_was_indicator: false,
            context: Vec::new(),
        }
    }

    /// A 二级 cell that holds its target too (`质量指标:学校的教育教学秩序良好…`, a table with no
    /// 三级 column): the name before the colon, the target after it into the first empty value
    /// column. Returns the two columns and texts.
    fn split_level2_lead(
        &self,
        texts: &mut [Option<&str>],
    ) -> Option<(usize, usize, String, String)> {
        if self.spans.iter().any(|s| s.role == Role::Level3) {
            return None;
        }
        let j2 = self.spans.iter().position(|s| s.role == Role::Level2)?;
        let jv = self
            .spans
            .iter()
            .position(|s| matches!(s.role, Role::Value(_)))
            .filter(|j| texts[*j].is_none())?;
        let c = canonical(texts[j2]?);
        let (name, rest) = c.split_once('：').or_else(|| c.split_once(':'))?;
        (super::vocab::is_level2_name(name) && !rest.trim().is_empty())
            .then(|| (j2, jv, name.trim().to_string(), rest.trim().to_string()))
    }

    /// Remember the context cells of this row (a new 项目名称 starts a new project).
    fn carry_context(&mut self, texts: &[Option<&str>]) {
        self.context.resize(self.spans.len(), None);
        for (j, s) in self.spans.iter().enumerate() {
            if let (Role::Context(_), Some(t)) = (&s.role, texts.get(j).copied().flatten()) {
                self.context[j] = Some(canon::text(t));
            }
        }
    }

    fn context_fields(&self) -> Vec<Field> {
        self.spans
            .iter()
            .zip(&self.context)
            .filter_map(|(s, t)| match (&s.role, t) {
                (Role::Context(label), Some(text)) => Some(Field {
                    label: label.clone(),
                    text: text.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    /// Where this row put cells that fell in the empty columns before a header cell: in
    /// that cell's merge, or the one before. The block's rows vote; the majority reading of
    /// the header becomes the cheaper one for the rows that follow.
    fn learn_gaps(&mut self, cells: &[(usize, &str)], p: &super::shift::Placement) {
        // A sub-header may have split the spans since the block began.
        self.gap_votes.resize(self.spans.len(), 0);
        for (i, slot) in p.slots.iter().enumerate() {
            let Some(j) = *slot else { continue };
            let t = (cells[i].0 as i64 + p.shift as i64).max(0) as usize;
            for g in 0..self.spans.len() {
                let s = &self.spans[g];
                if s.back <= t && t < s.start {
                    if g == j {
                        self.gap_votes[g] += 1;
                    } else if g == j + 1 {
                        self.gap_votes[g] -= 1;
                    }
                }
            }
        }
        for (s, v) in self.spans.iter_mut().zip(&self.gap_votes) {
            s.prefer_back = *v > 0;
        }
    }

    /// The header's value columns in order, a split 指标性质/指标值/度量单位 folded into one.
    fn value_cols(&self) -> Vec<ValueCol> {
        let has_split = self
            .spans
            .iter()
            .any(|s| matches!(s.role, Role::Op | Role::Unit));
        let mut out = Vec::new();
        let op = self.spans.iter().position(|s| s.role == Role::Op);
        let unit = self.spans.iter().position(|s| s.role == Role::Unit);
        let mut split_done = false;
        for (j, s) in self.spans.iter().enumerate() {
            match &s.role {
                Role::Value(name) if has_split && !split_done => {
                    split_done = true;
                    out.push(ValueCol::Split {
                        op,
                        value: j,
                        unit,
                        name: name.clone(),
                    });
                }
                Role::Value(name) | Role::Extra(name) => out.push(ValueCol::Plain(j, name.clone())),
                _ => {}
            }
        }
        out
    }

    fn empty_values(&self) -> Vec<TargetValue> {
        self.value_cols()
            .iter()
            .map(|vc| match vc {
                ValueCol::Plain(_, n) => value::parse(n, ""),
                ValueCol::Split { name, .. } => value::parse(name, ""),
            })
            .collect()
    }

    fn note_fields(&self, l3: Option<String>) -> Vec<Field> {
        [
            ("一级指标", self.notes[0].clone()),
            ("二级指标", self.notes[1].clone()),
            ("三级指标", l3),
        ]
        .into_iter()
        .filter_map(|(l, n)| {
            n.map(|text| Field {
                label: l.to_string(),
                text,
            })
        })
        .collect()
    }

    /// Emit the pending empty group, if any.
    pub fn flush(&mut self, out: &mut Vec<Indicator>) {
        if let Some((l1, l2, kw, pos)) = self.pending_group.take() {
            out.push(Indicator {
                level1: l1,
                level2: l2,
                key_work: kw,
                level3: None,
                values: self.empty_values(),
                source: source_of(&pos, None),
                notes: self.note_fields(None),
                context: self.context_fields(),
                ..Indicator::default()
            });
        }
    }

    /// Place one row of the block.
    pub fn row(&mut self, row: &Row, out: &mut Vec<Indicator>, diags: &mut Diags) {
        let mut cells: Vec<(usize, &str)> = row
            .filled()
            .map(|(c, cell)| (c, cell.text.as_str()))
            .collect();
        // A merged cell unmerged with its text repeated in every column is one cell: a repeat
        // in the next column of the same header span says nothing new.
        if self.max_shift == 0 {
            let span_of = |c: usize| self.spans.iter().position(|s| s.start <= c && c <= s.end);
            cells.dedup_by(|b, a| {
                b.1 == a.1 && span_of(a.0).is_some_and(|j| span_of(b.0) == Some(j))
            });
        }
        if cells.is_empty() {
            return;
        }
        let p = place_within(&cells, &self.spans, self.prev_shift, self.max_shift);
        self.prev_shift = p.shift;
        self.learn_gaps(&cells, &p);

        let mut texts: Vec<Option<&str>> = vec![None; self.spans.len()];
        let mut cell_refs: Vec<Option<&SourcePos>> = vec![None; self.spans.len()];
        let cell_of = |c: usize| row.cells[c].as_ref().map(|x| &x.pos);
        for (i, slot) in p.slots.iter().enumerate() {
            match slot {
                Some(j) => {
                    texts[*j] = Some(cells[i].1);
                    cell_refs[*j] = cell_of(cells[i].0);
                }
                None => diags.unplaced(cells[i].1, cell_of(cells[i].0).unwrap_or(&row.pos)),
            }
        }
        let lead = self.split_level2_lead(&mut texts);
        if let Some((j2, jv)) = lead.as_ref().map(|(j2, jv, _, _)| (*j2, *jv)) {
            let (_, _, name, rest) = lead.as_ref().expect("just matched");
            texts[j2] = Some(name.as_str());
            texts[jv] = Some(rest.as_str());
        }
        let spans = self.spans.clone();
        let get = |r: &Role| {
            spans
                .iter()
                .position(|s| &s.role == r)
                .and_then(|j| texts[j])
        };
        // A label's remark (`（40-50）分`) becomes a note; a label carrying a mark (`★`) keeps
        // its text as written in the note, so the name reads clean and nothing is lost.
        let level = |r: &Role| {
            get(r).map(|t| {
                let (name, note) = split_note(&label(t));
                let note = if canon::marks(t).is_some() {
                    Some(canonical(t))
                } else {
                    note
                };
                (name, note)
            })
        };
        self.carry_context(&texts);
        let (l1, l1_note) = level(&Role::Level1).unzip();
        let (l2, l2_note) = level(&Role::Level2).unzip();
        let (l3, l3_note) = level(&Role::Level3).unzip();
        let kw = get(&Role::KeyWork).map(label);
        if l1.is_some() {
            self.notes[0] = l1_note.flatten();
            self.notes[1] = None;
        }
        if l2.is_some() {
            self.notes[1] = l2_note.flatten();
        }
        let l3_note = l3_note.flatten();
        let value_cols = self.value_cols();
        let any_value = value_cols.iter().any(|vc| match vc {
            ValueCol::Plain(j, _) => texts[*j].is_some(),
            ValueCol::Split {
                op, value, unit, ..
            } => {
                texts[*value].is_some()
                    || op.is_some_and(|o| texts[o].is_some())
                    || unit.is_some_and(|u| texts[u].is_some())
            }
        });

        // A fragment: the rest of the previous row's 三级指标 or 重点工作, wrapped onto a line
        // of its own.
        if l1.is_none() && l2.is_none() && !any_value && self.last_was_indicator {
            if let (Some(frag), None, Some(prev)) = (&l3, &kw, out.last_mut())
                && frag.chars().count() <= 4
                && prev.level3.is_some()
            {
                let joined = format!("{}{}", prev.level3.as_deref().unwrap_or(""), frag);
                diags.joined(&row.pos, &format!("三级指标 {joined}"));
                prev.level3 = Some(joined);
                return;
            }
            if let (Some(frag), None) = (&kw, &l3)
                && let Some(prev_kw) = self.kw.clone()
                && !prev_kw.ends_with(['。', '；'])
            {
                let joined = format!("{prev_kw}{frag}");
                diags.joined(&row.pos, &format!("重点工作 {joined}"));
                for ind in out.iter_mut().rev() {
                    if ind.key_work.as_deref() == Some(prev_kw.as_str()) {
                        ind.key_work = Some(joined.clone());
                    } else {
                        break;
                    }
                }
                self.kw = Some(joined);
                return;
            }
        }

        // A cell in a later column of a merged header (the text extraction put the merged
        // text in its last column) is read as the merge's text.
        for (i, slot) in p.slots.iter().enumerate() {
            if let Some(j) = slot {
                let at = cells[i].0 as i64 + p.shift as i64;
                let span = &spans[*j];
                if at != span.start as i64 && span.role.is_label() {
                    diags.push(
                        crate::model::Severity::Warning,
                        "column_shift_repaired",
                        format!(
                            "cell in column {} of a merged header; read as {} {}",
                            at + 1,
                            role_name(&span.role),
                            short(cells[i].1)
                        ),
                        &row.pos,
                    );
                }
            }
        }
        if p.shift != 0 {
            let what = [
                ("一级指标", &l1),
                ("二级指标", &l2),
                ("重点工作", &kw),
                ("三级指标", &l3),
            ]
            .iter()
            .filter_map(|(n, v)| v.as_ref().map(|v| format!("{n} {}", short(v))))
            .collect::<Vec<_>>()
            .join(", ");
            diags.shift(&row.pos, p.shift, &what);
        }

        // A new 一级 or 二级 label closes a pending empty group.
        if l1.is_some() || l2.is_some() {
            self.flush(out);
        }
        if let Some(x) = l1 {
            if self.l1.as_ref() != Some(&x) {
                self.l2 = None;
                self.kw = None;
            }
            self.l1 = Some(x);
        }
        if let Some(x) = l2 {
            if self.l2.as_ref() != Some(&x) {
                self.kw = None;
            }
            self.l2 = Some(x);
        }
        if let Some(x) = kw {
            self.kw = Some(x);
        }

        if l3.is_none() && !any_value {
            // A label row: the group carries down; if no 三级 follows, it is an empty group.
            if self.l2.is_some() && get(&Role::Level2).is_some() {
                self.pending_group = Some((
                    self.l1.clone(),
                    self.l2.clone(),
                    self.kw.clone(),
                    row.pos.clone(),
                ));
            }
            self.last_was_indicator = false;
            return;
        }
        self.pending_group = None;

        let attrs = Attributes::of(&self.spans, &texts);
        let values = value_cols
            .iter()
            .map(|vc| match vc {
                ValueCol::Plain(j, name) => value::parse(name, texts[*j].unwrap_or("")),
                ValueCol::Split {
                    op,
                    value: vj,
                    unit,
                    name,
                } => {
                    let op_t = op.and_then(|o| texts[o]).unwrap_or("");
                    let unit_t = unit.and_then(|u| texts[u]).unwrap_or("");
                    value::fold_split(name, op_t, texts[*vj].unwrap_or(""), unit_t)
                }
            })
            .collect();
        let l3_pos = self
            .spans
            .iter()
            .position(|s| s.role == Role::Level3)
            .and_then(|j| cell_refs[j]);
        if l3.is_none() && self.l1.is_none() && self.l2.is_none() && self.kw.is_none() {
            // Values with no indicator name and no group: nothing to hang them on.
            for (c, t) in &cells {
                diags.unplaced(t, cell_of(*c).unwrap_or(&row.pos));
            }
            self.last_was_indicator = false;
            return;
        }
        if l3.is_none() && self.spans.iter().any(|s| s.role == Role::Level3) {
            diags.warn(
                "missing_level3",
                "values with no 三级指标 name; kept with level3 null",
                &row.pos,
            );
        }
        let mut values: Vec<TargetValue> = values;
        if let Some(u) = l3.as_deref().and_then(unit_in_name) {
            for v in values.iter_mut() {
                if v.kind == crate::model::ValueKind::Quantitative && v.unit.is_none() {
                    v.unit = Some(u.clone());
                }
            }
        }
        if values.iter().any(|v| value::has_placeholder(&v.raw))
            || l3.as_deref().is_some_and(value::has_placeholder)
        {
            diags.warn(
                "template_placeholder",
                "a template placeholder (** / ×× / XX) was never filled in",
                &row.pos,
            );
        }
        out.push(Indicator {
            level1: self.l1.clone(),
            level2: self.l2.clone(),
            key_work: self.kw.clone(),
            level3: l3,
            values,
            source: source_of(&row.pos, l3_pos),
            notes: self.note_fields(l3_note),
            code: attrs.code,
            weight: attrs.weight,
            score: attrs.score,
            direction: attrs.direction,
            attributes: attrs.texts,
            context: self.context_fields(),
        });
        self.last_was_indicator = true;
    }
}

/// What the attribute columns of a row say about its indicator.
#[derive(Default)]
struct Attributes {
    code: Option<String>,
    weight: Option<f64>,
    score: Option<f64>,
    direction: Option<String>,
    texts: Vec<Field>,
}

impl Attributes {
    fn of(spans: &[RoleSpan], texts: &[Option<&str>]) -> Attributes {
        let mut a = Attributes::default();
        for (s, t) in spans.iter().zip(texts) {
            let Some(t) = t.map(str::trim).filter(|t| !t.is_empty()) else {
                continue;
            };
            match &s.role {
                Role::Code => a.code = Some(canonical(t)),
                Role::Weight => a.weight = attribute_number(t),
                Role::Score => a.score = attribute_number(t),
                Role::Direction => a.direction = Some(canonical(t)),
                Role::Op if is_direction_word(t) => a.direction = Some(canonical(t)),
                Role::Attr(label) => a.texts.push(Field {
                    label: label.clone(),
                    text: canon::text(t),
                }),
                _ => {}
            }
        }
        a
    }
}

/// A weight or score as written (`10`, `10%`, `10分`, `１０`), as a number.
fn attribute_number(t: &str) -> Option<f64> {
    let c = canonical(t);
    let n = c.trim_end_matches(['%', '％', '分']).trim();
    n.parse::<f64>().ok()
}

fn is_direction_word(t: &str) -> bool {
    super::vocab::is_direction_word(t)
}

/// The unit written in an indicator's name (`造林面积（亩）`), for a bare number as its value.
fn unit_in_name(name: &str) -> Option<String> {
    let inner = name.strip_suffix('）')?;
    let open = inner.rfind('（')?;
    let u = &inner[open + '（'.len_utf8()..];
    let n = u.chars().count();
    ((1..=value::MAX_UNIT_CHARS).contains(&n)
        && !u.chars().any(|c| c.is_ascii_digit() || c == '、')
        && !super::vocab::is_name_note(u))
    .then(|| u.to_string())
}

fn role_name(r: &Role) -> &'static str {
    match r {
        Role::Level1 => "一级指标",
        Role::Level2 => "二级指标",
        Role::KeyWork => "重点工作",
        Role::Level3 => "三级指标",
        _ => "value",
    }
}

fn short(s: &str) -> String {
    let mut t: String = s.chars().take(16).collect();
    if s.chars().count() > 16 {
        t.push('…');
    }
    t
}

fn source_of(row: &SourcePos, cell: Option<&SourcePos>) -> IndicatorSource {
    IndicatorSource {
        page: row.page,
        line: row.line,
        sheet: row.sheet.clone(),
        row: row.row,
        cell: cell.and_then(|c| c.cell.clone()),
    }
}

/// An indicator block as the header lays it out: usually one set of columns, but a table may
/// put several sets side by side (实施期 and 年度 indicators), each with its own 一级…指标值
/// columns. Each set is read as its own block; its indicators follow one another.
pub struct BlockSet {
    sets: Vec<(usize, usize, Block, Vec<Indicator>)>,
    /// Rows placed so far: a sub-header may only follow the header directly.
    rows_seen: usize,
}

impl BlockSet {
    /// `titles` are set names from a row above the header (`实施期绩效指标 | 年度绩效指标`).
    pub fn new(spans: Vec<RoleSpan>, titles: &[(usize, String)], max_shift: i32) -> BlockSet {
        let mut groups: Vec<Vec<RoleSpan>> = Vec::new();
        let first_role = spans
            .iter()
            .find(|s| s.role.is_label())
            .map(|s| s.role.clone());
        for s in spans {
            let new_set = Some(&s.role) == first_role.as_ref()
                && groups
                    .last()
                    .is_some_and(|g| g.iter().any(|x| x.role == s.role));
            if new_set || groups.is_empty() {
                groups.push(Vec::new());
            }
            if let Some(g) = groups.last_mut() {
                g.push(s);
            }
        }
        let several = groups.len() > 1;
        let sets = groups
            .into_iter()
            .map(|mut g| {
                let start = g.first().map(|s| s.start).unwrap_or(0);
                let end = g.last().map(|s| s.end).unwrap_or(0);
                if several
                    && let Some((_, t)) = titles.iter().find(|(c, _)| start <= *c && *c <= end)
                {
                    for s in g.iter_mut() {
                        if let Role::Value(n) | Role::Extra(n) = &mut s.role {
                            *n = format!("{n}（{t}）");
                        }
                    }
                }
                (start, end, Block::new(g, max_shift), Vec::new())
            })
            .collect();
        BlockSet { sets, rows_seen: 0 }
    }

    /// A second header row under the value columns (`指标值` over `望亭镇 | 东渚街道`, `评分标准`
    /// over `优 | 良 | 中 | 差`) splits them into one column each. Returns whether `row` was one.
    pub fn sub_header(&mut self, row: &Row) -> bool {
        if self.rows_seen > 0 {
            return false;
        }
        let cells: Vec<(usize, &str)> = row.filled().map(|(c, x)| (c, x.text.as_str())).collect();
        if cells.is_empty() {
            return false;
        }
        let mut changed = false;
        for (_, _, block, _) in self.sets.iter_mut() {
            let spans = &block.spans;
            let inside: Vec<(usize, &str)> = cells
                .iter()
                .copied()
                .filter(|(c, _)| {
                    spans.first().is_some_and(|s| s.start <= *c)
                        && spans.last().is_some_and(|s| *c <= s.end)
                })
                .collect();
            if inside.is_empty() {
                continue;
            }
            // Every cell must sit under a value column and read as a name, not a value.
            let ok = inside.iter().all(|(c, t)| {
                spans.iter().any(|s| {
                    s.start <= *c
                        && *c <= s.end
                        && matches!(s.role, Role::Value(_) | Role::Extra(_) | Role::Attr(_))
                }) && (!value::is_strong_value(t) || is_column_name(t))
                    && !value::is_operator_cell(t)
            });
            if !ok {
                return false;
            }
            let has_value = spans.iter().any(|s| matches!(s.role, Role::Value(_)));
            let mut new_spans = Vec::new();
            for s in spans {
                let subs: Vec<&(usize, &str)> = inside
                    .iter()
                    .filter(|(c, _)| s.start <= *c && *c <= s.end)
                    .collect();
                let parent = match &s.role {
                    Role::Value(n) | Role::Extra(n) | Role::Attr(n) if !subs.is_empty() => {
                        n.clone()
                    }
                    _ => {
                        new_spans.push(s.clone());
                        continue;
                    }
                };
                for (k, (c, t)) in subs.iter().enumerate() {
                    let end = subs.get(k + 1).map(|n| n.0 - 1).unwrap_or(s.end);
                    let start = if k == 0 { s.start } else { *c };
                    let sub = canonical(t);
                    let role = match header_role(&sub) {
                        Some(Role::Value(n)) => Role::Value(n),
                        // A sub-header that names a value (`预期2022年实现值`) is a value column,
                        // whatever header the extraction put it under.
                        _ if is_column_name(&sub) => Role::Value(sub.clone()),
                        _ => match s.role {
                            // One column per recipient (指标值 over 甲镇 | 乙镇): the recipient
                            // names the column.
                            Role::Value(_) => Role::Value(sub.clone()),
                            // Grades of a standard (优 | 良 | 中 | 差) are the targets of a
                            // block that has no value column of its own.
                            Role::Attr(_) if has_value => Role::Attr(format!("{parent}（{sub}）")),
                            Role::Attr(_) => Role::Value(format!("{parent}（{sub}）")),
                            _ => Role::Extra(format!("{parent}（{sub}）")),
                        },
                    };
                    new_spans.push(RoleSpan {
                        start,
                        end,
                        back: start,
                        prefer_back: false,
                        role,
                    });
                }
            }
            block.spans = new_spans;
            changed = true;
        }
        if changed {
            self.rows_seen += 1;
        }
        changed
    }

    pub fn row(&mut self, row: &Row, diags: &mut Diags) {
        self.rows_seen += 1;
        if self.sets.len() == 1 {
            if let Some((_, _, block, out)) = self.sets.first_mut() {
                block.row(row, out, diags);
            }
            return;
        }
        for (start, end, block, out) in self.sets.iter_mut() {
            let mut part = row.clone();
            for (c, cell) in part.cells.iter_mut().enumerate() {
                if c < *start || c > *end {
                    *cell = None;
                }
            }
            if !part.is_empty() {
                block.row(&part, out, diags);
            }
        }
    }

    /// Close the block: its indicators, set after set. Where a later set names the same
    /// indicator on the same row as the first set (中长期 | 年度 with one indicator list), it is
    /// one indicator with both values.
    pub fn finish(mut self, out: &mut Vec<Indicator>) {
        let mut first: Vec<Indicator> = Vec::new();
        for (k, (_, _, block, inds)) in self.sets.iter_mut().enumerate() {
            block.flush(inds);
            if k == 0 {
                first.append(inds);
                continue;
            }
            for ind in inds.drain(..) {
                match first.iter_mut().find(|f| same_indicator_on_row(f, &ind)) {
                    Some(f) => f.values.extend(ind.values),
                    None => first.push(ind),
                }
            }
        }
        out.append(&mut first);
    }
}

/// The same indicator, read from the same source row, in two side-by-side sets.
fn same_indicator_on_row(a: &Indicator, b: &Indicator) -> bool {
    let row = |i: &Indicator| (i.source.row, i.source.line, i.source.page);
    a.level3.is_some()
        && row(a) == row(b)
        && (a.source.row.is_some() || a.source.line.is_some())
        && (&a.level1, &a.level2, &a.key_work, &a.level3)
            == (&b.level1, &b.level2, &b.key_work, &b.level3)
}

/// A sub-header text that names a value column even though it reads like a date
/// (`2021年实际实现值`, `预期2022年实现值`): it ends the way value column names end.
fn is_column_name(t: &str) -> bool {
    let k = canon::key(t);
    k.ends_with('值') || k.ends_with("目标")
}
