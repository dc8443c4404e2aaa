//! Property tests: the text reader and the normalizer never panic, whatever the text, and the
//! value parser and canonicalizer keep their promises on arbitrary strings.

use perfnorm::ingest::ReadOptions;
use perfnorm::internals::{canon, text, value};
use perfnorm::normalize::normalize;
use proptest::prelude::*;

/// Cells drawn from the words real tables use, so the normalizer's paths are exercised, plus
/// arbitrary text.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(String::new()),
        prop::sample::select(vec![
            "一级指标",
            "二级指标",
            "三级指标",
            "重点工作",
            "半年指标值",
            "全年指标值",
            "指标值",
            "指标性质",
            "度量单位",
            "决策",
            "产出指标",
            "数量指标",
            "≥95%",
            "=0%",
            "健全",
            "定性",
            "≥",
            "12",
            "个",
            "部门整体资金(万元)",
            "收入",
            "支出",
            "资金总额",
            "全年预算数",
            "1,290.00",
            "0",
            "项目支出",
            "小计",
            "单位名称",
            "年度目标",
            "苏州市部门整体预算绩效目标表",
            "2026年度",
            "单位：万元",
            "率",
            "90%～95%",
            "2026年12月底前",
        ])
        .prop_map(String::from),
        "\\PC{0,12}",
    ]
}

fn table_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(cell(), 0..9), 0..40).prop_map(|rows| {
        rows.into_iter()
            .map(|r| r.join("\t"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn text_reader_and_normalizer_never_panic(s in table_text()) {
        if let Ok(ing) = text::read(s.as_bytes(), &ReadOptions::default()) {
            let tables = normalize(&ing.grids);
            for t in &tables {
                for i in &t.indicators {
                    prop_assert!(i.level1.is_some() || i.level2.is_some() || i.key_work.is_some() || i.level3.is_some());
                }
            }
        }
    }

    #[test]
    fn reader_never_panics_on_bytes(b in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = text::read(&b, &ReadOptions::default());
        let _ = text::read(
            &b,
            &ReadOptions {
                encoding: Some("gb18030".into()),
                ..ReadOptions::default()
            },
        );
    }

    #[test]
    fn value_parser_keeps_raw_and_never_panics(s in "\\PC{0,20}") {
        let v = value::parse("指标值", &s);
        prop_assert_eq!(v.raw, s.trim());
    }

    #[test]
    fn canonical_is_idempotent(s in "\\PC{0,40}") {
        let once = canon::canonical(&s);
        prop_assert_eq!(canon::canonical(&once), once.clone());
    }
}
