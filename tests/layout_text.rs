//! The layout reader on real `pdftotext -layout` text (corpus files copied into `samples/`):
//! the grids it builds must normalize to the documents' indicators, with labels of merged
//! groups filled down to the right rows and wrapped cells joined.

use perfnorm::internals::layout::read_text;
use perfnorm::normalize::normalize;
use std::path::Path;

fn indicators(name: &str) -> Vec<(String, String, String, String)> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    let text = std::fs::read_to_string(&p).expect("sample");
    let grids = read_text(&text).expect("a grid");
    assert!(grids.iter().all(|g| g.extraction.method.name() == "stream"));
    let tables = normalize(&grids);
    assert_eq!(tables.len(), 1, "{name}: one table");
    tables[0]
        .indicators
        .iter()
        .map(|i| {
            (
                i.level1.clone().unwrap_or_default(),
                i.level2.clone().unwrap_or_default(),
                i.level3.clone().unwrap_or_default(),
                i.values
                    .iter()
                    .map(|v| v.raw.clone())
                    .collect::<Vec<_>>()
                    .join("|"),
            )
        })
        .collect()
}

fn has(ind: &[(String, String, String, String)], l1: &str, l2: &str, l3: &str, v: &str) -> bool {
    ind.iter()
        .any(|i| i.0 == l1 && i.1 == l2 && i.2 == l3 && i.3 == v)
}

#[test]
fn c01_project_table_over_two_pages() {
    let ind = indicators("c01_lianyungang_falv_yuanzhu_2024.layout.txt");
    assert_eq!(ind.len(), 12);
    // 数量指标 is drawn on the middle row of its three: it must fill from the first.
    assert!(has(
        &ind,
        "产出指标",
        "数量指标",
        "办理法律援助案件数",
        "≥3200件"
    ));
    // The first rows of page 2 start new groups whose labels are drawn below them.
    assert!(has(
        &ind,
        "效益指标",
        "社会效益指标",
        "受援人合法权益保障水平",
        "明显提升"
    ));
    // A label wrapped over two lines around its row.
    assert!(has(
        &ind,
        "满意度指标",
        "服务对象满意度指标",
        "受援人满意度",
        "≥95%"
    ));
}

#[test]
fn d01_split_values_and_wrapped_value() {
    let ind = indicators("d01_yangzhou_hedao_qingyu_2025.layout.txt");
    assert_eq!(ind.len(), 12);
    assert!(
        ind.iter()
            .any(|i| i.2 == "工程完工时间" && i.3.contains("2025年11月底前"))
    );
    assert!(
        ind.iter()
            .any(|i| i.1 == "服务对象满意度指标" && i.2 == "沿河居民满意度")
    );
}

#[test]
fn a01_department_table_with_key_work_block() {
    let ind = indicators("a01_zhenjiang_shuiwu_2026.layout.txt");
    assert_eq!(ind.len(), 54);
    // a 三级 wrapped around its values
    assert!(has(
        &ind,
        "履职",
        "水资源管理处（市节约用水办公室）",
        "万元地区生产总值用水量下降率",
        "|≥3%"
    ));
    // an empty 二级 group is kept
    assert!(ind.iter().any(|i| i.1 == "经济效益" && i.2.is_empty()));
    assert!(has(
        &ind,
        "效益指标",
        "可持续发展",
        "对水务事业高质量发展的支撑作用",
        "较好|较好"
    ));
}

/// Own workbook (`samples/dense_two_row_header.make.py`, printed with LibreOffice, then
/// `pdftotext -layout`): rows at the default height (no blank line between them), 指标值 over
/// 上年实际值 | 本年目标值, one-row 二级 groups on consecutive lines.
#[test]
fn dense_rows_under_a_two_row_header() {
    let ind = indicators("dense_two_row_header.layout.txt");
    let row = |l3: &str| {
        ind.iter()
            .find(|i| i.2 == l3)
            .unwrap_or_else(|| panic!("no {l3}: {ind:?}"))
    };
    // the sub-header line is a header row, not an indicator
    assert!(!ind.iter().any(|i| i.3.contains("上年实际值")), "{ind:?}");
    assert_eq!(row("服务老人人数").1, "数量指标");
    // (本年目标值 is not read yet: 备注, right of every column's text, takes its column
    // in the header row; see the report of issue 14)
    // 时效指标 and 成本指标 on consecutive lines are two labels
    assert_eq!(row("补助发放及时率").1, "时效指标");
    assert_eq!(row("人均补助标准").1, "成本指标");
    assert_eq!(row("老人生活质量提升").1, "社会效益指标");
}

/// Two tables stacked on one page of `pdftotext -layout` text, each under its own mark and
/// title, with fields written `label text` one space apart (a county's 一般性项目 form): the
/// second title ends the first indicator block, and the fields are read line by line.
#[test]
fn stacked_tables_with_one_space_fields() {
    let table = |name: &str, budget: &str, rows: &[(&str, &str, &str, &str, &str)]| {
        let mut s = format!(
            "表三\n              2024年一般性项目绩效目标表\n\
             编制单位:   101-某县某镇                                  单位:万元\n\
             专项资金名称 {name}\n业务主管部门 101-某县某镇\n 当年预算  {budget}\n\
             当年绩效目标 按时完成\n\
             \x20                 指标        指标权重   计量单位     指标性质   指标值\n"
        );
        for (i, (n, w, u, op, v)) in rows.iter().enumerate() {
            if i == 1 {
                s.push_str(" 绩效指标\n");
            }
            s.push_str(&format!("        {n:<20} {w:<6} {u:<7} {op:<8} {v}\n"));
        }
        s
    };
    let text = table(
        "道路养护项目",
        "35.5",
        &[
            ("养护里程", "30", "公里", "≥", "12"),
            ("群众满意度", "20", "%", "≥", "90"),
        ],
    ) + &table(
        "村级办公经费",
        "8.2",
        &[
            ("补助村数", "40", "个", "=", "9"),
            ("按时拨付率", "20", "%", "=", "100"),
        ],
    );
    let grids = read_text(&text).expect("a grid");
    let tables = normalize(&grids);
    assert_eq!(tables.len(), 2, "two tables: {tables:#?}");
    assert_eq!(tables[0].name.as_deref(), Some("道路养护项目"));
    assert_eq!(tables[1].name.as_deref(), Some("村级办公经费"));
    for (t, n) in tables.iter().zip([2, 2]) {
        assert_eq!(t.indicators.len(), n, "{:#?}", t.indicators);
        assert!(
            t.fields
                .iter()
                .any(|f| f.label.contains("业务主管部门") && f.text == "101-某县某镇")
        );
    }
    assert_eq!(tables[1].indicators[0].level3.as_deref(), Some("补助村数"));
    assert_eq!(tables[0].funds.items[0].values[0].amount, 35.5);
}

/// The funds items of a layout sample: path joined by `/`, and `column=amount` pairs.
fn funds(name: &str) -> Vec<(String, String)> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    let text = std::fs::read_to_string(&p).expect("sample");
    let tables = normalize(&read_text(&text).expect("a grid"));
    tables[0]
        .funds
        .items
        .iter()
        .map(|i| {
            let values: Vec<String> = i
                .values
                .iter()
                .map(|v| format!("{}={}", v.column, v.amount))
                .collect();
            (i.path.join("/"), values.join(" "))
        })
        .collect()
}

#[test]
fn funds_block_with_merged_group_labels_and_a_header_merged_down() {
    // a02: 财政拨款 is drawn between 一般公共预算资金 and 政府性基金 (the centre of its merge)
    // and 全年预算数 beside 财政专户管理资金; the 支出 rows run onto page 2, whose columns
    // pdftotext numbers afresh.
    for name in [
        "a02_taizhou_sifa_2026.layout.txt",
        "a01_zhenjiang_shuiwu_2026.layout.txt",
    ] {
        let f = funds(name);
        let path_of = |p: &str| f.iter().find(|(x, _)| x == p).map(|x| x.1.clone());
        for p in [
            "收入/资金总额",
            "收入/财政拨款/小计",
            "收入/财政拨款/一般公共预算资金",
            "收入/其他资金",
            "支出/项目支出",
        ] {
            assert!(path_of(p).is_some(), "{name}: no {p} in {f:?}");
        }
        assert!(
            path_of("收入/资金总额").is_some_and(|v| v.starts_with("全年预算数=")),
            "{name}: {f:?}"
        );
        let projects = f
            .iter()
            .filter(|(p, _)| p.starts_with("支出/项目支出/"))
            .count();
        assert_eq!(projects, 8, "{name}: {f:?}");
    }
}

/// The labelled fields of a layout sample, label → text.
fn fields(name: &str) -> Vec<(String, String)> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    let text = std::fs::read_to_string(&p).expect("sample");
    let tables = normalize(&read_text(&text).expect("a grid"));
    tables[0]
        .fields
        .iter()
        .map(|f| (f.label.clone(), f.text.clone()))
        .collect()
}

#[test]
fn field_labels_and_values_wrapped_around_each_other() {
    // corpus-real 06: `年度` / value / `目标`, and `[042]六安市金安区` / label line / `体育局`.
    let f = fields("real_06_jinan_wangqiu.layout.txt");
    let text_of = |l: &str| f.iter().find(|x| x.0 == l).map(|x| x.1.clone());
    assert_eq!(
        text_of("年度目标").as_deref(),
        Some("打造金安国际网球公开赛等一系列的品牌赛事，提升六安城市的知名度和美誉度。"),
        "{f:?}"
    );
    assert_eq!(
        text_of("主管部门及代码").as_deref(),
        Some("[042]六安市金安区体育局"),
        "{f:?}"
    );
    assert_eq!(
        text_of("项目来源").as_deref(),
        Some("本级申报项目"),
        "{f:?}"
    );
}

#[test]
fn dense_rows_with_centred_cells_wrapped_around_them() {
    // corpus-real 04: 指标描述 cells wrapped around their rows on consecutive lines (`…形` /
    // row / `成绿化系统`, then `…95%` / row / `以上`): the second cell's first piece opens its
    // row, it does not close the first. And of equally centred tilings of the 一级 labels the
    // one ending its groups latest: 产出指标 over its three rows, not one.
    let ind = indicators("real_04_linhai_lvhua.layout.txt");
    let count = |l1: &str| ind.iter().filter(|i| i.0 == l1).count();
    assert_eq!(ind.len(), 7, "{ind:?}");
    assert_eq!(count("产出指标"), 3, "{ind:?}");
    assert_eq!(count("效益指标"), 3, "{ind:?}");
    assert!(
        has(&ind, "满意度指标", "服务对象或受益者满意度指标", "", "≥95%"),
        "{ind:?}"
    );
}
