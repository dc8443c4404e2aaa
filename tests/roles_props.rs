//! Property test of the column-role model (issue 13): random indicator tables — header words
//! drawn from the synonym tables, value / weight / attribute columns in random order, an
//! optional block label column, labels merged or repeated on every row — drawn as workbook
//! grids and read back to the model they were drawn from.

use perfnorm::ingest::{Cell, Grid, Row, SourcePos};
use perfnorm::normalize::normalize;
use proptest::prelude::*;

const L1: &[&str] = &["一级指标", "一级"];
const L2: &[&str] = &["二级指标", "二级"];
const L3: &[&str] = &["三级指标", "指标名称", "三级"];
const VALUE: &[&str] = &["指标值", "目标值", "年度指标值"];
const WEIGHT: &[&str] = &["指标权重", "权重", "权重(%)"];
const ATTR: &[&str] = &["指标解释", "备注", "评分标准", "指标说明"];
const NAMES1: &[&str] = &["产出指标", "效益指标", "满意度指标"];
const NAMES2: &[&str] = &["数量指标", "质量指标", "时效指标", "社会效益指标"];

#[derive(Debug, Clone)]
struct Ind {
    l1: usize,
    l2: usize,
    value: u32,
    weight: u32,
}

#[derive(Debug, Clone)]
struct Spec {
    words: [usize; 6],
    /// Order of the value, weight and attribute columns.
    order: Vec<usize>,
    label_column: bool,
    merged: bool,
    inds: Vec<Ind>,
}

fn spec() -> impl Strategy<Value = Spec> {
    let ind = (0..3usize, 0..4usize, 1..100u32, 1..30u32).prop_map(|(l1, l2, value, weight)| Ind {
        l1,
        l2,
        value,
        weight,
    });
    (
        (
            0..2usize,
            0..2usize,
            0..3usize,
            0..3usize,
            0..3usize,
            0..4usize,
        ),
        Just(vec![0usize, 1, 2]).prop_shuffle(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(ind, 1..9),
    )
        .prop_map(|(w, order, label_column, merged, mut inds)| {
            // Groups are contiguous, as in a real table.
            inds.sort_by_key(|i| (i.l1, i.l2));
            Spec {
                words: [w.0, w.1, w.2, w.3, w.4, w.5],
                order,
                label_column,
                merged,
                inds,
            }
        })
}

fn cell(text: &str, row: u32, col: usize, row_span: u32) -> Option<Cell> {
    let mut c = Cell::new(
        text,
        SourcePos {
            sheet: Some("表".into()),
            row: Some(row),
            ..SourcePos::default()
        },
    );
    c.row_span = row_span;
    let _ = col;
    Some(c)
}

fn row_of(cells: Vec<Option<Cell>>, r: u32) -> Row {
    Row {
        cells,
        pos: SourcePos {
            sheet: Some("表".into()),
            row: Some(r),
            ..SourcePos::default()
        },
        break_before: false,
    }
}

fn l3_name(k: usize) -> String {
    format!(
        "第{}项工作完成数量",
        ["一", "二", "三", "四", "五", "六", "七", "八", "九"][k]
    )
}

/// Draw the spec as a workbook grid.
fn draw(s: &Spec) -> Grid {
    let mut g = Grid::new(perfnorm::grid::Method::Spreadsheet);
    g.sheet = Some("表".into());
    let off = usize::from(s.label_column);
    let width = off + 3 + 3;
    let mut r = 1u32;
    let mut title = vec![None; width];
    title[0] = cell("某某项目支出绩效目标表", r, 0, 1);
    g.rows.push(row_of(title, r));
    r += 1;
    let mut name = vec![None; width];
    name[0] = cell("项目名称", r, 0, 1);
    name[1] = cell("测试项目", r, 1, 1);
    g.rows.push(row_of(name, r));
    r += 1;
    let mut head = vec![None; width];
    if s.label_column {
        head[0] = cell("绩效指标", r, 0, s.inds.len() as u32 + 1);
    }
    head[off] = cell(L1[s.words[0]], r, off, 1);
    head[off + 1] = cell(L2[s.words[1]], r, off + 1, 1);
    head[off + 2] = cell(L3[s.words[2]], r, off + 2, 1);
    let extra = [VALUE[s.words[3]], WEIGHT[s.words[4]], ATTR[s.words[5]]];
    for (k, &which) in s.order.iter().enumerate() {
        head[off + 3 + k] = cell(extra[which], r, off + 3 + k, 1);
    }
    g.rows.push(row_of(head, r));
    for (k, ind) in s.inds.iter().enumerate() {
        r += 1;
        let mut cells = vec![None; width];
        let run = |same: &dyn Fn(&Ind) -> bool| s.inds[k..].iter().take_while(|i| same(i)).count();
        let new1 = k == 0 || s.inds[k - 1].l1 != ind.l1;
        let new2 = new1 || s.inds[k - 1].l2 != ind.l2;
        if !s.merged || new1 {
            let span = if s.merged {
                run(&|i| i.l1 == ind.l1) as u32
            } else {
                1
            };
            cells[off] = cell(NAMES1[ind.l1], r, off, span);
        }
        if !s.merged || new2 {
            let span = if s.merged {
                run(&|i| i.l1 == ind.l1 && i.l2 == ind.l2) as u32
            } else {
                1
            };
            cells[off + 1] = cell(NAMES2[ind.l2], r, off + 1, span);
        }
        cells[off + 2] = cell(&l3_name(k), r, off + 2, 1);
        let texts = [
            format!("≥{}%", ind.value),
            ind.weight.to_string(),
            format!("说明{}", ind.value),
        ];
        for (j, &which) in s.order.iter().enumerate() {
            cells[off + 3 + j] = cell(&texts[which], r, off + 3 + j, 1);
        }
        g.rows.push(row_of(cells, r));
    }
    g
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn random_tables_read_back_to_their_model(s in spec()) {
        let tables = normalize(&[draw(&s)]);
        prop_assert_eq!(tables.len(), 1);
        let t = &tables[0];
        prop_assert_eq!(t.name.as_deref(), Some("测试项目"));
        prop_assert_eq!(t.indicators.len(), s.inds.len());
        for (k, (got, want)) in t.indicators.iter().zip(&s.inds).enumerate() {
            prop_assert_eq!(got.level1.as_deref(), Some(NAMES1[want.l1]));
            prop_assert_eq!(got.level2.as_deref(), Some(NAMES2[want.l2]));
            prop_assert_eq!(got.level3.clone(), Some(l3_name(k)));
            // Only the value column is a target; weight and the attribute text are attributes.
            prop_assert_eq!(got.values.len(), 1);
            prop_assert_eq!(got.values[0].number, Some(want.value as f64));
            prop_assert_eq!(got.weight, Some(want.weight as f64));
            prop_assert_eq!(got.attributes.len(), 1);
            prop_assert_eq!(&got.attributes[0].label, ATTR[s.words[5]]);
            prop_assert_eq!(got.attributes[0].text.clone(), format!("说明{}", want.value));
        }
    }
}

/// A flat export of several projects: context columns merged or repeated over each project's
/// rows, then the indicator columns; and a hidden code column.
#[derive(Debug, Clone)]
struct Flat {
    /// Indicators per project.
    projects: Vec<usize>,
    merged: bool,
    hidden_codes: bool,
}

fn flat() -> impl Strategy<Value = Flat> {
    (
        prop::collection::vec(1..4usize, 1..5),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(projects, merged, hidden_codes)| Flat {
            projects,
            merged,
            hidden_codes,
        })
}

fn draw_flat(f: &Flat) -> Grid {
    let mut g = Grid::new(perfnorm::grid::Method::Spreadsheet);
    g.sheet = Some("表".into());
    let head = [
        "单位名称",
        "项目名称",
        "预算数",
        "年度目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
    ];
    let width = head.len();
    let mut r = 1u32;
    g.rows.push(row_of(
        head.iter()
            .enumerate()
            .map(|(c, t)| cell(t, r, c, 1))
            .collect(),
        r,
    ));
    let mut n = 0;
    for (p, &count) in f.projects.iter().enumerate() {
        for k in 0..count {
            r += 1;
            let mut cells = vec![None; width];
            if !f.merged || k == 0 {
                let span = if f.merged { count as u32 } else { 1 };
                cells[0] = cell("某区某局", r, 0, span);
                cells[1] = cell(&format!("第{}个项目", p + 1), r, 1, span);
                cells[2] = cell(&format!("{}.5", 10 * (p + 1)), r, 2, span);
                cells[3] = cell("完成年度任务。", r, 3, span);
            }
            cells[4] = cell("产出指标", r, 4, 1);
            cells[5] = cell("数量指标", r, 5, 1);
            cells[6] = cell(&l3_name(k), r, 6, 1);
            cells[7] = cell(&format!("≥{}个", k + 1), r, 7, 1);
            if f.hidden_codes {
                g.hidden
                    .push(cell(&format!("ZB{:03}", n), r, 8, 1).unwrap());
            }
            n += 1;
            g.rows.push(row_of(cells, r));
        }
    }
    g
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]
    #[test]
    fn flat_exports_give_one_table_per_project(f in flat()) {
        let tables = normalize(&[draw_flat(&f)]);
        prop_assert_eq!(tables.len(), f.projects.len());
        let mut n = 0;
        for (p, (t, &count)) in tables.iter().zip(&f.projects).enumerate() {
            prop_assert_eq!(t.name.clone(), Some(format!("第{}个项目", p + 1)));
            prop_assert_eq!(t.indicators.len(), count);
            prop_assert_eq!(t.funds.items.len(), 1);
            prop_assert_eq!(t.funds.items[0].values[0].amount, 10.0 * (p + 1) as f64 + 0.5);
            for i in &t.indicators {
                prop_assert_eq!(i.values.len(), 1);
                let code = f.hidden_codes.then(|| format!("ZB{n:03}"));
                prop_assert_eq!(i.code.clone(), code);
                n += 1;
            }
        }
    }
}
