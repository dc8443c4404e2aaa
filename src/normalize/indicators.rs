//! Indicator blocks: a header row names the columns (一级 / 二级 / (重点工作) / 三级 / value
//! columns, through the synonym table), then each row is placed by `shift::place`, merged
//! labels are filled down, and each 三级指标 becomes one indicator with parsed values.

mod attributes;
mod columns;
mod subheader;

use super::canon::{self, canonical, label};
use super::diag::Diags;
use super::shift::{Placement, RoleSpan, place_within};
use super::value;
use super::vocab::{Role, split_note};
use crate::grid::{Row, SourcePos};
use crate::model::{Field, Indicator, IndicatorSource, TargetValue};
use attributes::Attributes;
pub use columns::{implicit_header, parse_header, refine_by_content};

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
    fn learn_gaps(&mut self, cells: &[(usize, &str)], p: &Placement) {
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
        let cells = self.cells_of(row);
        if cells.is_empty() {
            return;
        }
        let p = place_within(&cells, &self.spans, self.prev_shift, self.max_shift);
        self.prev_shift = p.shift;
        self.learn_gaps(&cells, &p);
        let (mut texts, cell_refs) = self.slot_texts(row, &cells, &p, diags);
        let lead = self.split_level2_lead(&mut texts);
        if let Some((j2, jv, name, rest)) = &lead {
            texts[*j2] = Some(name.as_str());
            texts[*jv] = Some(rest.as_str());
        }
        self.carry_context(&texts);
        let labels = self.labels(&texts);
        let value_cols = self.value_cols();
        let any_value = any_value(&value_cols, &texts);
        if labels.l1.is_none()
            && labels.l2.is_none()
            && !any_value
            && self.last_was_indicator
            && self.join_fragment(&labels, out, &row.pos, diags)
        {
            return;
        }
        self.report_repairs(&cells, &p, &labels, &row.pos, diags);
        let Labels {
            l1,
            l2,
            kw,
            l3,
            l3_note,
        } = labels;
        self.carry_labels(l1, l2, kw, out);

        if l3.is_none() && !any_value {
            // A label row: the group carries down; if no 三级 follows, it is an empty group.
            if self.l2.is_some() && text_of(&self.spans, &texts, &Role::Level2).is_some() {
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
        let values = values_of(&value_cols, &texts);
        let l3_pos = self
            .spans
            .iter()
            .position(|s| s.role == Role::Level3)
            .and_then(|j| cell_refs[j]);
        let indicator = (l3, l3_note, l3_pos);
        self.emit(indicator, values, attrs, row, &cells, out, diags);
    }

    /// The row's filled cells. A merged cell unmerged with its text repeated in every column
    /// is one cell: a repeat in the next column of the same header span says nothing new.
    fn cells_of<'r>(&self, row: &'r Row) -> Vec<(usize, &'r str)> {
        let mut cells: Vec<(usize, &str)> = row
            .filled()
            .map(|(c, cell)| (c, cell.text.as_str()))
            .collect();
        if self.max_shift == 0 {
            let span_of = |c: usize| self.spans.iter().position(|s| s.start <= c && c <= s.end);
            cells.dedup_by(|b, a| {
                b.1 == a.1 && span_of(a.0).is_some_and(|j| span_of(b.0) == Some(j))
            });
        }
        cells
    }

    /// Each header span's text and source cell as placed; a cell placed in no span is quoted.
    fn slot_texts<'r>(
        &self,
        row: &'r Row,
        cells: &[(usize, &'r str)],
        p: &Placement,
        diags: &mut Diags,
    ) -> (Vec<Option<&'r str>>, Vec<Option<&'r SourcePos>>) {
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
        (texts, cell_refs)
    }

    /// The row's level labels, and the notes of its 一级 and 二级 carried down with them.
    fn labels(&mut self, texts: &[Option<&str>]) -> Labels {
        // A label's remark (`（40-50）分`) becomes a note; a label carrying a mark (`★`) keeps
        // its text as written in the note, so the name reads clean and nothing is lost.
        let level = |r: &Role| {
            text_of(&self.spans, texts, r).map(|t| {
                let (name, note) = split_note(&label(t));
                let note = if canon::marks(t).is_some() {
                    Some(canonical(t))
                } else {
                    note
                };
                (name, note)
            })
        };
        let (l1, l1_note) = level(&Role::Level1).unzip();
        let (l2, l2_note) = level(&Role::Level2).unzip();
        let (l3, l3_note) = level(&Role::Level3).unzip();
        let kw = text_of(&self.spans, texts, &Role::KeyWork).map(label);
        if l1.is_some() {
            self.notes[0] = l1_note.flatten();
            self.notes[1] = None;
        }
        if l2.is_some() {
            self.notes[1] = l2_note.flatten();
        }
        Labels {
            l1,
            l2,
            kw,
            l3,
            l3_note: l3_note.flatten(),
        }
    }

    /// A fragment: the rest of the previous row's 三级指标 or 重点工作, wrapped onto a line of
    /// its own. Returns whether the row was one.
    fn join_fragment(
        &mut self,
        labels: &Labels,
        out: &mut [Indicator],
        pos: &SourcePos,
        diags: &mut Diags,
    ) -> bool {
        if let (Some(frag), None, Some(prev)) = (&labels.l3, &labels.kw, out.last_mut())
            && frag.chars().count() <= 4
            && prev.level3.is_some()
        {
            let joined = format!("{}{}", prev.level3.as_deref().unwrap_or(""), frag);
            diags.joined(pos, &format!("三级指标 {joined}"));
            prev.level3 = Some(joined);
            return true;
        }
        if let (Some(frag), None) = (&labels.kw, &labels.l3)
            && let Some(prev_kw) = self.kw.clone()
            && !prev_kw.ends_with(['。', '；'])
        {
            let joined = format!("{prev_kw}{frag}");
            diags.joined(pos, &format!("重点工作 {joined}"));
            for ind in out.iter_mut().rev() {
                if ind.key_work.as_deref() == Some(prev_kw.as_str()) {
                    ind.key_work = Some(joined.clone());
                } else {
                    break;
                }
            }
            self.kw = Some(joined);
            return true;
        }
        false
    }

    /// Say where the row was repaired: a cell in a later column of a merged header (the text
    /// extraction put the merged text in its last column) is read as the merge's text; a
    /// shifted row is read moved back.
    fn report_repairs(
        &self,
        cells: &[(usize, &str)],
        p: &Placement,
        labels: &Labels,
        pos: &SourcePos,
        diags: &mut Diags,
    ) {
        for (i, slot) in p.slots.iter().enumerate() {
            if let Some(j) = slot {
                let at = cells[i].0 as i64 + p.shift as i64;
                let span = &self.spans[*j];
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
                        pos,
                    );
                }
            }
        }
        if p.shift != 0 {
            let what = [
                ("一级指标", &labels.l1),
                ("二级指标", &labels.l2),
                ("重点工作", &labels.kw),
                ("三级指标", &labels.l3),
            ]
            .iter()
            .filter_map(|(n, v)| v.as_ref().map(|v| format!("{n} {}", short(v))))
            .collect::<Vec<_>>()
            .join(", ");
            diags.shift(pos, p.shift, &what);
        }
    }

    /// Carry the row's group labels down: a new 一级 clears the 二级 and 重点工作 under the old
    /// one, a new 二级 the 重点工作; a new 一级 or 二级 closes a pending empty group.
    fn carry_labels(
        &mut self,
        l1: Option<String>,
        l2: Option<String>,
        kw: Option<String>,
        out: &mut Vec<Indicator>,
    ) {
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
    }

    /// Emit the row's indicator under the carried labels, or quote its cells when there is
    /// nothing to hang them on.
    // Seven arguments: the row's parts as `row` read them (name, values, attributes, the row
    // and its cells) and the two outputs. A struct for them would only be built to be taken
    // apart again here; `row` is the one caller.
    #[allow(clippy::too_many_arguments)]
    fn emit(
        &mut self,
        (l3, l3_note, l3_pos): (Option<String>, Option<String>, Option<&SourcePos>),
        mut values: Vec<TargetValue>,
        attrs: Attributes,
        row: &Row,
        cells: &[(usize, &str)],
        out: &mut Vec<Indicator>,
        diags: &mut Diags,
    ) {
        if l3.is_none() && self.l1.is_none() && self.l2.is_none() && self.kw.is_none() {
            // Values with no indicator name and no group: nothing to hang them on.
            for (c, t) in cells {
                let cell = row.cells[*c].as_ref().map(|x| &x.pos);
                diags.unplaced(t, cell.unwrap_or(&row.pos));
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

/// The level labels a row names (before they are carried down).
struct Labels {
    l1: Option<String>,
    l2: Option<String>,
    kw: Option<String>,
    l3: Option<String>,
    l3_note: Option<String>,
}

/// The text placed in the span of role `r`.
fn text_of<'t>(spans: &[RoleSpan], texts: &[Option<&'t str>], r: &Role) -> Option<&'t str> {
    spans
        .iter()
        .position(|s| &s.role == r)
        .and_then(|j| texts[j])
}

/// Whether the row fills any value column (a split value by any of its three cells).
fn any_value(value_cols: &[ValueCol], texts: &[Option<&str>]) -> bool {
    value_cols.iter().any(|vc| match vc {
        ValueCol::Plain(j, _) => texts[*j].is_some(),
        ValueCol::Split {
            op, value, unit, ..
        } => {
            texts[*value].is_some()
                || op.is_some_and(|o| texts[o].is_some())
                || unit.is_some_and(|u| texts[u].is_some())
        }
    })
}

/// The row's target values, one per value column (a split value folded from its cells).
fn values_of(value_cols: &[ValueCol], texts: &[Option<&str>]) -> Vec<TargetValue> {
    value_cols
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
        .collect()
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
            let inside = subheader::inside(&block.spans, &cells);
            if inside.is_empty() {
                continue;
            }
            if !subheader::names_value_columns(&block.spans, &inside) {
                return false;
            }
            block.spans = subheader::split(&block.spans, &inside);
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

#[cfg(test)]
mod tests;
