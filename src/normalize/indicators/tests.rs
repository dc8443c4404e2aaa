//! Unit tests of indicator blocks on real rows (kept apart so `indicators.rs` holds the code).

use super::*;
use crate::normalize::tests::row;

/// The indicators of a block read from `header` and `rows` as a workbook gives them.
fn read(header: &[&str], rows: &[&[&str]]) -> (Vec<Indicator>, Vec<String>) {
    let spans = parse_header(&row(header), header.len(), true).expect("a header");
    let mut set = BlockSet::new(spans, &[], 0);
    let mut diags = Diags::default();
    for r in rows {
        set.row(&row(r), &mut diags);
    }
    let mut out = Vec::new();
    set.finish(&mut out);
    (out, diags.list.iter().map(|d| d.code.clone()).collect())
}

fn levels(i: &Indicator) -> [Option<&str>; 3] {
    [
        i.level1.as_deref(),
        i.level2.as_deref(),
        i.level3.as_deref(),
    ]
}

#[test]
fn level_names_are_carried_down_merged_cells() {
    let (inds, codes) = read(
        &["一级指标", "二级指标", "三级指标", "指标值"],
        &[
            &["产出指标", "数量指标", "培训人数", "≥100人"],
            &["", "", "覆盖乡镇", "10个"],
            &["", "质量指标", "合格率", "≥95%"],
            &["效益指标", "社会效益指标", "群众满意度", "≥90%"],
        ],
    );
    let got: Vec<_> = inds.iter().map(levels).collect();
    assert_eq!(
        got,
        vec![
            [Some("产出指标"), Some("数量指标"), Some("培训人数")],
            [Some("产出指标"), Some("数量指标"), Some("覆盖乡镇")],
            [Some("产出指标"), Some("质量指标"), Some("合格率")],
            [Some("效益指标"), Some("社会效益指标"), Some("群众满意度")],
        ]
    );
    assert_eq!(inds[1].values[0].number, Some(10.0));
    assert_eq!(inds[1].values[0].unit.as_deref(), Some("个"));
    assert!(codes.is_empty(), "{codes:?}");
}

#[test]
fn a_value_split_over_operator_number_and_unit_cells_is_one_value() {
    let (inds, _) = read(
        &[
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "指标值",
            "度量单位",
        ],
        &[&["产出指标", "数量指标", "培训人数", "≥", "100", "人"]],
    );
    assert_eq!(inds.len(), 1);
    let v = &inds[0].values;
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].op.as_deref(), Some(">="));
    assert_eq!(v[0].number, Some(100.0));
    assert_eq!(v[0].unit.as_deref(), Some("人"));
}

#[test]
fn a_second_level_row_with_no_third_level_is_an_empty_group() {
    let (inds, _) = read(
        &["一级指标", "二级指标", "三级指标", "指标值"],
        &[
            &["产出指标", "时效指标", "", ""],
            &["", "成本指标", "人均成本", "≤500元"],
        ],
    );
    let got: Vec<_> = inds.iter().map(levels).collect();
    assert_eq!(
        got,
        vec![
            [Some("产出指标"), Some("时效指标"), None],
            [Some("产出指标"), Some("成本指标"), Some("人均成本")],
        ]
    );
}

#[test]
fn a_sub_header_splits_the_value_column_by_recipient() {
    let spans = parse_header(
        &row(&["一级指标", "二级指标", "三级指标", "指标值", ""]),
        5,
        true,
    )
    .expect("a header");
    let mut set = BlockSet::new(spans, &[], 0);
    assert!(set.sub_header(&row(&["", "", "", "望亭镇", "东渚街道"])));
    let mut diags = Diags::default();
    set.row(
        &row(&["产出指标", "数量指标", "培训人数", "100人", "80人"]),
        &mut diags,
    );
    let mut out = Vec::new();
    set.finish(&mut out);
    let cols: Vec<&str> = out[0].values.iter().map(|v| v.column.as_str()).collect();
    assert_eq!(cols, vec!["望亭镇", "东渚街道"]);
}
