//! Column roles from what the headers mean (issue 13), on workbooks of real template patterns in
//! `samples/real/` (built by `scripts/make_real_pattern_samples.py`): each test asserts what a
//! person would copy out of the table by hand.

use perfnorm::model::{Document, Table, TableKind};
use perfnorm::{ConvertOptions, convert_file};
use std::path::Path;

fn convert(name: &str) -> Document {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/real")
        .join(name);
    convert_file(&p, &ConvertOptions::default()).unwrap()
}

fn field<'a>(t: &'a Table, label: &str) -> Option<&'a str> {
    t.fields
        .iter()
        .find(|f| f.label == label)
        .map(|f| f.text.as_str())
}

#[test]
fn attribute_columns_are_not_values() {
    let d = convert("attributes_scored.xlsx");
    let t = &d.tables[0];
    assert_eq!(t.indicators.len(), 6);
    let i = &t.indicators[0];
    // 指标权重, 分值, 指标方向性 and 指标解释 describe the indicator; only 指标值 is a target.
    let cols: Vec<&str> = i.values.iter().map(|v| v.column.as_str()).collect();
    assert_eq!(cols, ["指标值"]);
    assert_eq!((i.weight, i.score), (Some(20.0), Some(20.0)));
    assert_eq!(i.direction.as_deref(), Some("正向"));
    assert_eq!(i.attributes[0].label, "指标解释");
    assert_eq!(i.attributes[0].text, "反映年度养护的农村公路里程");
    // The block label column (年度绩效目标(100分)) is neither a value nor an indicator, and a
    // score range leaves the 一级 name as a note.
    assert_eq!(i.level1.as_deref(), Some("产出指标"));
    assert_eq!(i.notes[0].text, "（50分）");
    assert_eq!(t.indicators[3].level1.as_deref(), Some("成本指标"));
}

#[test]
fn header_pairs_three_to_a_row_and_amounts_as_text() {
    let d = convert("attributes_scored.xlsx");
    let t = &d.tables[0];
    assert_eq!(t.name.as_deref(), Some("乡村道路养护经费"));
    assert_eq!(field(t, "实施单位"), Some("某县交通运输局"));
    assert_eq!(field(t, "项目负责人"), Some("李某"));
    let funds: Vec<(String, f64)> = t
        .funds
        .items
        .iter()
        .map(|i| (i.path.join("/"), i.values[0].amount))
        .collect();
    assert_eq!(
        funds,
        [
            ("项目金额".to_string(), 250.0),
            ("其中：财政资金".to_string(), 230.0)
        ]
    );
}

#[test]
fn approval_signature_and_note_rows_are_fields_not_indicators() {
    let d = convert("attributes_scored.xlsx");
    let t = &d.tables[0];
    assert!(t.indicators.iter().all(|i| {
        let l3 = i.level3.as_deref().unwrap_or("");
        !l3.contains("审核") && !l3.contains("填表")
    }));
    assert_eq!(field(t, "财政部门审核意见"), Some("同意。"));
    assert_eq!(field(t, "填表人"), Some("王某"));
    assert_eq!(field(t, "填报日期"), Some("2025年1月10日"));
    assert_eq!(field(t, "注"), Some("指标权重合计为100。"));
}

#[test]
fn a_flat_export_gives_one_table_per_project() {
    let d = convert("flat_export.xlsx");
    let names: Vec<&str> = d.tables.iter().filter_map(|t| t.name.as_deref()).collect();
    assert_eq!(names, ["学生资助经费", "校舍维修改造", "教师培训"]);
    let counts: Vec<usize> = d.tables.iter().map(|t| t.indicators.len()).collect();
    assert_eq!(counts, [3, 2, 2]);
    let t = &d.tables[1];
    assert_eq!(t.kind, TableKind::Project);
    assert_eq!(field(t, "年度目标"), Some("完成3所学校校舍维修。"));
    // 预算数 heads the amount: the project's funds line, in the column 预算数.
    assert_eq!(t.funds.items[0].path, ["校舍维修改造"]);
    assert_eq!(t.funds.items[0].values[0].column, "预算数");
    assert_eq!(t.funds.items[0].values[0].amount, 320.0);
    // Context cells are never target values.
    assert!(
        d.tables
            .iter()
            .flat_map(|t| &t.indicators)
            .all(|i| i.values.len() == 1)
    );
}

#[test]
fn a_hidden_code_column_fills_code_and_hidden_cells_are_quoted() {
    let d = convert("hidden_code.xlsx");
    let t = &d.tables[0];
    let codes: Vec<&str> = t
        .indicators
        .iter()
        .filter_map(|i| i.code.as_deref())
        .collect();
    assert_eq!(codes, ["ZB001", "ZB002", "ZB003"]);
    // The hidden working note is not an indicator, and not lost.
    assert_eq!(t.indicators.len(), 3);
    assert!(
        d.diagnostics
            .iter()
            .any(|x| x.code == "hidden_cell" && x.message.contains("内部测算"))
    );
    // With --include-hidden, the code column is an ordinary column again.
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/real/hidden_code.xlsx");
    let mut opts = ConvertOptions::default();
    opts.read.include_hidden = true;
    let all = convert_file(&p, &opts).unwrap();
    assert!(all.diagnostics.iter().all(|x| x.code != "hidden_cell"));
    assert_eq!(all.tables[0].indicators[0].code.as_deref(), Some("ZB001"));
}

#[test]
fn one_value_per_recipient_named_by_the_recipient() {
    let d = convert("per_recipient.xlsx");
    let t = &d.tables[0];
    assert_eq!(t.name.as_deref(), Some("农村饮水安全补助"));
    let i = &t.indicators[0];
    let cols: Vec<&str> = i.values.iter().map(|v| v.column.as_str()).collect();
    assert_eq!(cols, ["甲镇", "乙镇", "丙街道"]);
    assert_eq!(i.values[2].number, Some(5.0));
    assert_eq!(t.indicators[1].level1.as_deref(), Some("产出指标"));
}

#[test]
fn two_level_form_with_pairs_and_sections() {
    let d = convert("two_level.xlsx");
    let t = &d.tables[0];
    assert_eq!(t.name.as_deref(), Some("城区路灯维护经费"));
    // 指标类型 | 指标名称 where 指标名称 holds 二级 names: no 三级.
    let i = &t.indicators[0];
    assert_eq!(
        (
            i.level1.as_deref(),
            i.level2.as_deref(),
            i.level3.as_deref()
        ),
        (Some("产出指标"), Some("数量指标"), None)
    );
    assert_eq!(i.values[0].raw, "≥2600盏");
    assert_eq!(i.attributes[0].label, "指标描述");
    // An amount inside its label (年度资金总额:50万) is funds; a section label merged over
    // pairs (基本信息) is not a field.
    assert_eq!(t.funds.items[0].path, ["年度资金总额"]);
    assert_eq!(t.funds.items[0].values[0].amount, 50.0);
    assert_eq!(field(t, "立项依据"), Some("城市照明管理办法"));
    assert_eq!(field(t, "实施计划"), Some("分季度巡检维护"));
    assert!(field(t, "基本信息").is_none());
    assert_eq!(field(t, "项目期限："), Some("全年"));
}

/// `pdftotext -layout` text of a Tianjin central-investment table (corpus-real 05): the title
/// wrapped over three centred lines, field labels too narrow for their text wrapped around
/// their value (`下达地方或` / `宝坻区人民政府` / `单位`; `下达中央预` / `算内投资(万 2350` /
/// `元)`), and a label letter-spaced across its cell (`总 体 目 标`).
#[test]
fn layout_text_labels_wrapped_around_their_values() {
    let d = convert("tianjin_central_investment_2022.layout.txt");
    let t = &d.tables[0];
    assert_eq!(
        t.title.as_deref(),
        Some(
            "天津市农业绿色发展专项（畜禽粪污资源化利用整县推进项目）2022年中央预算内投资计划绩效目标表"
        )
    );
    assert_eq!(t.year, Some(2022));
    assert_eq!(field(t, "下达地方或单位"), Some("宝坻区人民政府"));
    assert_eq!(
        field(t, "总体目标"),
        Some("提高畜禽粪污综合利用率和规模养殖场设施装备配套率。")
    );
    let funds: Vec<(String, f64)> = t
        .funds
        .items
        .iter()
        .map(|i| (i.path.join("/"), i.values[0].amount))
        .collect();
    assert_eq!(
        funds,
        vec![("下达中央预算内投资（万元）".to_string(), 2350.0)]
    );
    assert_eq!(t.indicators.len(), 4);
}
