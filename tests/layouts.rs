//! The table layouts of issue 3, read from workbooks in `samples/` (built by
//! `scripts/make_layout_samples.py` and `scripts/make_multi_sheet_department.py`): each asserts
//! the real result a person would copy out of the table by hand.

use perfnorm::model::{Document, Indicator, Table, TableKind, ValueKind};
use perfnorm::{ConvertOptions, convert_file};
use std::path::Path;

fn convert(name: &str) -> Document {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    convert_file(&p, &ConvertOptions::default()).unwrap()
}

fn only_table(name: &str) -> Table {
    let d = convert(name);
    assert_eq!(d.tables.len(), 1, "{name}");
    d.tables.into_iter().next().unwrap()
}

fn find<'a>(t: &'a Table, l3: &str) -> &'a Indicator {
    t.indicators
        .iter()
        .find(|i| i.level3.as_deref() == Some(l3))
        .unwrap_or_else(|| panic!("no indicator {l3}"))
}

fn columns(i: &Indicator) -> Vec<&str> {
    i.values.iter().map(|v| v.column.as_str()).collect()
}

#[test]
fn flat_list_with_split_value_and_weight() {
    let t = only_table("layouts/flat_list.xlsx");
    assert_eq!(t.kind, TableKind::Project);
    assert_eq!(t.indicators.len(), 5);
    let i = find(&t, "绿地养护面积");
    assert_eq!((i.level1.as_deref(), i.level2.as_deref()), (None, None));
    // 指标权重 is an attribute of the indicator, not a target value.
    assert_eq!(columns(i), ["指标值"]);
    assert_eq!(i.weight, Some(20.0));
    let v = &i.values[0];
    assert_eq!(v.raw, "≥120万平方米");
    assert_eq!(
        (v.op.as_deref(), v.number, v.unit.as_deref()),
        (Some(">="), Some(120.0), Some("万平方米"))
    );
    assert_eq!(
        v.parts.as_deref(),
        Some(&["≥".to_string(), "120".into(), "万平方米".into()][..])
    );
    let d = &find(&t, "养护作业完成时间").values[0];
    assert_eq!(
        (d.raw.as_str(), d.kind),
        ("2025年12月底前", ValueKind::Qualitative)
    );
}

#[test]
fn side_by_side_sets_naming_the_same_indicators_give_one_with_both_values() {
    let t = only_table("layouts/side_by_side_sets.xlsx");
    // 实施期 | 年度 sets list the same indicators on the same rows: one indicator each, with
    // the long-term value and the annual value.
    assert_eq!(t.indicators.len(), 4);
    assert!(
        t.indicators
            .iter()
            .all(|i| columns(i) == ["指标值（实施期绩效指标）", "指标值（年度绩效指标）"])
    );
    assert_eq!(t.indicators[1].level1.as_deref(), Some("产出指标"));
    let v = &t.indicators[0].values;
    assert_eq!(
        (v[0].raw.as_str(), v[1].raw.as_str()),
        ("≥30公里", "≥10公里")
    );
}

#[test]
fn one_value_column_per_recipient() {
    let t = only_table("layouts/per_recipient_values.xlsx");
    assert_eq!(t.indicators.len(), 3);
    let i = find(&t, "改造农村公路里程");
    assert_eq!(columns(i), ["望亭镇", "东渚街道", "通安镇"]);
    assert_eq!(i.values[2].number, Some(5.0));
    assert_eq!(find(&t, "工程完工时间").level2.as_deref(), Some("时效指标"));
    assert!(
        !t.diagnostics.iter().any(|d| d.code == "unplaced_cell"),
        "{:?}",
        t.diagnostics
    );
}

#[test]
fn graded_standards_are_values() {
    let t = only_table("layouts/graded_standards.xlsx");
    let i = find(&t, "校园安全隐患整改率");
    assert_eq!(
        columns(i),
        [
            "评分标准（优）",
            "评分标准（良）",
            "评分标准（中）",
            "评分标准（差）"
        ]
    );
    assert_eq!(i.values[3].op.as_deref(), Some("<"));
    assert_eq!(find(&t, "家长满意度").level1.as_deref(), Some("满意度指标"));
}

/// A workbook whose hidden column D holds part of the table (二级指标, the project's name):
/// printed, it would lose them; `--include-hidden` reads them as ordinary cells.
fn messy_sheet_with_hidden() -> Table {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/layouts/messy_sheet.xlsx");
    let mut opts = ConvertOptions::default();
    opts.read.include_hidden = true;
    let d = convert_file(&p, &opts).unwrap();
    d.tables.into_iter().next().unwrap()
}

#[test]
fn hidden_cells_are_left_out_by_default_and_quoted() {
    let d = convert("layouts/messy_sheet.xlsx");
    let t = &d.tables[0];
    // Column D is hidden: as in the workbook's print, the 项目名称 text is not there.
    assert_ne!(t.name.as_deref(), Some("城乡造林绿化工程"));
    let quoted: Vec<&str> = d
        .diagnostics
        .iter()
        .filter(|x| x.code == "hidden_cell")
        .map(|x| x.message.as_str())
        .collect();
    assert!(
        quoted.iter().any(|m| m.contains("城乡造林绿化工程")),
        "{quoted:?}"
    );
    assert!(quoted.iter().any(|m| m.contains("数量指标")), "{quoted:?}");
}

#[test]
fn messy_sheet_reads_right() {
    let t = messy_sheet_with_hidden();
    // Starts at C5, with 填报单位 and the unit note on one line around the table.
    assert_eq!(t.year, Some(2025));
    assert_eq!(t.unit.as_deref(), Some("万元"));
    assert_eq!(t.name.as_deref(), Some("城乡造林绿化工程"));
    let f = |l: &str| {
        t.fields
            .iter()
            .find(|f| f.label == l)
            .map(|f| f.text.as_str())
    };
    assert_eq!(f("填报单位"), Some("常熟市林业站（盖章）"));
    assert_eq!(f("实施单位"), Some("常熟市林业站"));
    // A multi-line cell keeps its line break.
    assert_eq!(
        f("年度绩效目标"),
        Some("目标1：完成新造林1200亩；\n目标2：苗木成活率达到90%以上。")
    );
    // Amounts written as text with 万元 and thousands separators.
    assert_eq!(t.funds.items[0].values[0].amount, 1280.0);
    // Notes leave the 一级 name; labels repeated on every row are one group.
    let i = find(&t, "造林面积（亩）");
    assert_eq!(i.level1.as_deref(), Some("产出指标"));
    assert_eq!(i.notes[0].text, "（40-50）分");
    // A bare number takes its unit from the name; 指标方向 stays out of the value.
    let v = &i.values[0];
    assert_eq!(
        (v.number, v.unit.as_deref(), v.raw.as_str()),
        (Some(1200.0), Some("亩"), "1200")
    );
    assert_eq!(find(&t, "义务植树参与人次").values[0].number, Some(1200.0));
    assert_eq!(find(&t, "施工安全事故").values[0].op.as_deref(), Some("="));
    assert_eq!(
        find(&t, "林地资源损毁面积").values[0].op.as_deref(),
        Some("<=")
    );
    assert_eq!(
        find(&t, "林地资源损毁面积").level2.as_deref(),
        Some("生态环境成本指标")
    );
    assert_eq!(find(&t, "周边群众满意度").notes[0].text, "（选填）");
    assert!(
        t.diagnostics
            .iter()
            .any(|d| d.code == "template_placeholder")
    );
}

#[test]
fn a_workbook_without_a_table_says_so() {
    let d = convert("layouts/not_a_table.xlsx");
    assert!(d.tables.is_empty());
    let msg = &d
        .diagnostics
        .iter()
        .find(|x| x.code == "no_table")
        .unwrap()
        .message;
    assert!(
        msg.contains("no indicator table found on sheet 人员名单"),
        "{msg}"
    );
}

#[test]
fn tables_per_sheet_and_stacked_tables() {
    for f in [
        "multi_sheet_department.xlsx",
        "multi_sheet_department.xls",
        "multi_sheet_department.ods",
    ] {
        let d = convert(f);
        let names: Vec<_> = d
            .tables
            .iter()
            .map(|t| t.name.clone().unwrap_or_default())
            .collect();
        assert_eq!(
            names,
            [
                "宿迁市档案馆",
                "法律援助专项经费",
                "全民健身设施提档升级补助资金",
                "气象灾害监测预警系统运行维护",
                "城区河道清淤疏浚工程"
            ],
            "{f}"
        );
        let counts: Vec<usize> = d.tables.iter().map(|t| t.indicators.len()).collect();
        assert_eq!(counts, [15, 12, 15, 13, 12], "{f}");
    }
}

/// xls and ods copies of a workbook give the same tables but for where things are.
#[test]
fn xls_and_ods_read_like_xlsx() {
    let strip = |d: Document| {
        let mut v = serde_json::to_value(&d.tables).unwrap();
        for t in v.as_array_mut().unwrap() {
            t.as_object_mut().unwrap().remove("source");
            t.as_object_mut().unwrap().remove("diagnostics");
            for i in t["indicators"].as_array_mut().unwrap() {
                i.as_object_mut().unwrap().remove("source");
            }
        }
        v
    };
    for base in ["b01_huaian_tiyu_2022", "multi_sheet_department"] {
        let x = strip(convert(&format!("{base}.xlsx")));
        assert_eq!(x, strip(convert(&format!("{base}.xls"))), "{base}.xls");
        assert_eq!(x, strip(convert(&format!("{base}.ods"))), "{base}.ods");
    }
}

#[test]
fn merged_cells_unmerged_with_their_text_repeated() {
    // a02 with every merge undone and its text written into each cell it covered: labels,
    // field texts and header names repeated across columns and down rows.
    let t = only_table("layouts/repeated_not_merged.xlsx");
    assert_eq!(t.name.as_deref(), Some("泰州市司法局"));
    let labels: Vec<&str> = t.fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels.iter().filter(|l| **l == "单位名称").count(),
        1,
        "{labels:?}"
    );
    assert!(
        t.fields
            .iter()
            .all(|f| !f.text.contains('\n') || f.label != "单位名称")
    );
    // One value per value column (半年 | 全年), not one per repeated header cell.
    assert_eq!(t.indicators[0].values.len(), 2);
    assert_eq!(t.indicators.len(), 49);
}

#[test]
fn formulas_with_no_saved_value_read_as_written() {
    // c01 moved to C4 and written by openpyxl, which stores the text `=100%` as a formula and
    // saves no value for it: the formula is what the author typed, and reads as the target.
    let t = only_table("layouts/formulas_without_values.xlsx");
    let ind = t
        .indicators
        .iter()
        .find(|i| i.level3.as_deref() == Some("法律援助案卷归档规范率"))
        .expect("indicator");
    let v = &ind.values[0];
    assert_eq!(
        (v.raw.as_str(), v.op.as_deref(), v.number),
        ("=100%", Some("="), Some(100.0))
    );
    assert_eq!(ind.source.cell.as_deref(), Some("F20"));
}
