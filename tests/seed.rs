//! The seed table (`samples/suzhou-2026-jiguan-gongwei.txt`, a real table extracted from its
//! PDF) and its re-encoded and re-damaged copies: the acceptance checks of the foundation.

use perfnorm::model::{Document, Table, ValueKind};
use perfnorm::{ConvertOptions, convert_file};
use std::path::Path;

fn convert(name: &str) -> Document {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    convert_file(&p, &ConvertOptions::default()).unwrap()
}

fn table(name: &str) -> Table {
    let d = convert(name);
    assert_eq!(d.tables.len(), 1, "{name}: one table");
    d.tables.into_iter().next().unwrap()
}

const SEED: &str = "suzhou-2026-jiguan-gongwei.txt";

#[test]
fn seed_document_parts() {
    let t = table(SEED);
    assert_eq!(t.title.as_deref(), Some("苏州市市级部门整体预算绩效目标表"));
    assert_eq!(t.year, Some(2026));
    assert_eq!(t.kind, perfnorm::model::TableKind::DepartmentOverall);
    assert_eq!(
        t.name.as_deref(),
        Some("中国共产党苏州市委员会市级机关工作委员会")
    );
    let labels: Vec<&str> = t.fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "单位名称",
            "单位主要职能",
            "机构设置及人员配置",
            "中长期目标",
            "年度目标"
        ]
    );
    let duties = &t.fields[1].text;
    assert!(
        duties.starts_with("（一）按照中央和省市委部署，指导督促"),
        "{duties}"
    );
    assert!(t.fields[2].text.contains("办公室（研究室、机关党委）"));
}

#[test]
fn seed_indicators_have_their_paths() {
    let t = table(SEED);
    let inds = &t.indicators;
    assert_eq!(inds.len(), 48);
    let with_values = inds
        .iter()
        .filter(|i| i.values.iter().any(|v| v.kind != ValueKind::Empty))
        .count();
    assert_eq!(with_values, 47);
    // The issue counts 40 outside 履职: 32 under 决策/过程 and 8 under 效益指标/满意度指标.
    let dp = inds
        .iter()
        .filter(|i| matches!(i.level1.as_deref(), Some("决策" | "过程")))
        .count();
    assert_eq!(dp, 32);
    let xy = inds
        .iter()
        .filter(|i| matches!(i.level1.as_deref(), Some("效益指标" | "满意度指标")))
        .count();
    assert_eq!(xy, 8);
    let lz: Vec<_> = inds
        .iter()
        .filter(|i| i.level1.as_deref() == Some("履职"))
        .collect();
    assert_eq!(lz.len(), 8);
    assert!(lz.iter().all(|i| {
        i.key_work
            .as_deref()
            .is_some_and(|k| k.starts_with("负责") || k.starts_with("监督"))
    }));
    let path = |l3: &str| {
        let i = inds
            .iter()
            .find(|i| i.level3.as_deref() == Some(l3))
            .unwrap();
        (
            i.level1.clone().unwrap(),
            i.level2.clone().unwrap(),
            i.source.line.unwrap(),
        )
    };
    // The five shifted rows of the seed.
    assert_eq!(
        path("预算编制科学性"),
        ("决策".into(), "预算编制".into(), 37)
    );
    assert_eq!(
        path("资产管理制度健全性"),
        ("过程".into(), "资产管理".into(), 54)
    );
    assert_eq!(
        path("固定资产利用率"),
        ("过程".into(), "资产管理".into(), 56)
    );
    assert_eq!(
        path("项目管理制度健全性"),
        ("过程".into(), "项目管理".into(), 58)
    );
    assert_eq!(
        path("案例编印完成及时性"),
        ("履职".into(), "市级机关纪委监委".into(), 74)
    );
    let jw = inds
        .iter()
        .find(|i| i.level3.as_deref() == Some("案例编印完成及时性"))
        .unwrap();
    assert!(
        jw.key_work
            .as_deref()
            .unwrap()
            .starts_with("监督促进市级机关工委落实全面从严治党")
    );
    let eco = inds
        .iter()
        .find(|i| i.level2.as_deref() == Some("生态效益"))
        .unwrap();
    assert_eq!(eco.level3, None);
    assert!(eco.values.iter().all(|v| v.kind == ValueKind::Empty));
    let v = &inds
        .iter()
        .find(|i| i.level3.as_deref() == Some("预算偏差率"))
        .unwrap()
        .values;
    assert_eq!(v[1].column, "全年指标值");
    assert_eq!(
        (v[1].op.as_deref(), v[1].number, v[1].unit.as_deref()),
        (Some("<="), Some(10.0), Some("%"))
    );
    // Every repair is reported with its line.
    let lines: Vec<u32> = t
        .diagnostics
        .iter()
        .filter(|d| d.code == "column_shift_repaired")
        .filter_map(|d| d.source.line)
        .collect();
    for l in [29, 37, 54, 55, 56, 58, 74] {
        assert!(
            lines.contains(&l),
            "no repair reported on line {l}: {lines:?}"
        );
    }
}

#[test]
fn seed_funds_tree_reconciles() {
    let t = table(SEED);
    assert!(
        !t.diagnostics
            .iter()
            .any(|d| d.code == "funds_mismatch" || d.code == "unplaced_cell"),
        "{:?}",
        t.diagnostics
    );
    let item = |p: &[&str]| {
        t.funds
            .items
            .iter()
            .find(|i| i.path == p)
            .unwrap_or_else(|| panic!("no {p:?}"))
    };
    assert_eq!(item(&["收入", "资金总额"]).values[0].amount, 1212.54);
    assert_eq!(
        item(&["收入", "财政拨款", "小计"]).values[0].amount,
        1212.54
    );
    assert!(item(&["收入", "财政拨款", "政府性基金"]).values.is_empty());
    let p = item(&["支出", "项目支出", "档案整理费"]);
    assert_eq!(
        (p.values[0].column.as_str(), p.values[0].amount),
        ("半年计划执行数", 0.0)
    );
    assert_eq!(
        (p.values[1].column.as_str(), p.values[1].amount),
        ("全年预算数", 3.0)
    );
    let projects = t
        .funds
        .items
        .iter()
        .filter(|i| i.path.len() == 3 && i.path[1] == "项目支出")
        .count();
    assert_eq!(projects, 8);
}

/// Everything but `source` (and the source lines of rows, which move in damaged copies).
fn content(t: &Table) -> serde_json::Value {
    let mut v = serde_json::to_value(t).unwrap();
    for i in v["indicators"].as_array_mut().unwrap() {
        i.as_object_mut().unwrap().remove("source");
    }
    let o = v.as_object_mut().unwrap();
    o.remove("diagnostics");
    o.remove("source");
    v
}

#[test]
fn encodings_and_line_ends_give_the_same_json() {
    let base = convert(SEED);
    assert_eq!(base.source.encoding.as_deref(), Some("UTF-8"));
    for (name, enc) in [
        ("suzhou-2026-jiguan-gongwei.gb18030.txt", "GB18030"),
        ("suzhou-2026-jiguan-gongwei.crlf.txt", "UTF-8"),
        ("suzhou-2026-jiguan-gongwei.bom.txt", "UTF-8"),
        ("suzhou-2026-jiguan-gongwei.utf16.txt", "UTF-16LE"),
    ] {
        let d = convert(name);
        assert_eq!(d.source.encoding.as_deref(), Some(enc), "{name}");
        // Same lines, so the whole tables (diagnostics and sources included) are equal.
        assert_eq!(d.tables, base.tables, "{name}");
    }
}

#[test]
fn a_csv_export_reads_like_the_tab_text() {
    // tabula / Camelot write CSV: quoted fields, commas inside cells.
    let d = convert("suzhou-2026-jiguan-gongwei.tabula.csv");
    assert_eq!(d.tables.len(), 1);
    assert_eq!(content(&d.tables[0]), content(&table(SEED)));
}

#[test]
fn damaged_copies_convert_like_the_seed() {
    let base = table(SEED);
    for name in [
        "suzhou-2026-shifted-right.txt",
        "suzhou-2026-page-breaks.txt",
        "suzhou-2026-split-cells.txt",
    ] {
        let t = table(name);
        assert_eq!(content(&t), content(&base), "{name}");
        assert!(
            !t.diagnostics
                .iter()
                .any(|d| d.code == "unplaced_cell" || d.code == "funds_mismatch"),
            "{name}: {:?}",
            t.diagnostics
        );
    }
    let t = table("suzhou-2026-split-cells.txt");
    assert_eq!(
        t.diagnostics
            .iter()
            .filter(|d| d.code == "row_joined")
            .count(),
        3
    );
}
