//! Property tests of the writers: whatever the model holds (empty paths, missing levels, odd
//! value columns, formula-like text, long texts), the XLSX and CSV writers return bytes or a
//! typed error, never panic; and the CSV set always has one row per value column.

use perfnorm::model::*;
use perfnorm::write;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("=0%".to_string()),
        Just("-1".to_string()),
        Just("项目支出".to_string()),
        Just("小计".to_string()),
        Just("一级指标".to_string()),
        "[产出效益指标数量a=+@ ,\"\n]{0,12}",
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn value() -> impl Strategy<Value = TargetValue> {
    (
        text(),
        text(),
        prop::option::of(prop::collection::vec(text(), 0..4)),
    )
        .prop_map(|(column, raw, parts)| TargetValue {
            column,
            raw,
            kind: ValueKind::Qualitative,
            op: None,
            number: None,
            unit: None,
            min: None,
            max: None,
            text: None,
            parts,
        })
}

fn indicator() -> impl Strategy<Value = Indicator> {
    (
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        prop::collection::vec(value(), 0..4),
        prop::collection::vec((text(), text()), 0..2),
    )
        .prop_map(
            |(level1, level2, key_work, level3, values, notes)| Indicator {
                level1,
                level2,
                key_work,
                level3,
                values,
                source: IndicatorSource::default(),
                notes: notes
                    .into_iter()
                    .map(|(label, text)| Field { label, text })
                    .collect(),
                ..Indicator::default()
            },
        )
}

fn item() -> impl Strategy<Value = FundItem> {
    (
        prop::collection::vec(text(), 0..5),
        prop::collection::vec((text(), -1.0e6f64..1.0e6), 0..4),
        prop::collection::vec((text(), text()), 0..2),
    )
        .prop_map(|(path, values, details)| FundItem {
            path,
            values: values
                .into_iter()
                .map(|(column, amount)| Amount { column, amount })
                .collect(),
            details: details
                .into_iter()
                .map(|(label, text)| Field { label, text })
                .collect(),
        })
}

fn table() -> impl Strategy<Value = Table> {
    (
        opt_text(),
        prop::option::of(1900i32..2100),
        opt_text(),
        prop::collection::vec((text(), text()), 0..4),
        prop::collection::vec(item(), 0..8),
        prop::collection::vec(indicator(), 0..12),
    )
        .prop_map(|(title, year, name, fields, items, indicators)| Table {
            kind: TableKind::Unknown,
            title,
            year,
            name: name.clone(),
            unit: name,
            fields: fields
                .into_iter()
                .map(|(label, text)| Field { label, text })
                .collect(),
            funds: Funds { unit: None, items },
            indicators,
            diagnostics: vec![],
            source: TableSource::default(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn writers_never_panic(tables in prop::collection::vec(table(), 0..3)) {
        let doc = Document {
            schema: SCHEMA.to_string(),
            source: Source {
                file: "x.txt".into(),
                format: "text".into(),
                sha256: "0".repeat(64),
                encoding: None,
                pages: None,
                relative_path: None,
            },
            tables,
            diagnostics: vec![],
        };
        let _ = write::xlsx::to_bytes(&doc);
        let rows = write::csv::rows(&doc);
        let expected: usize = doc
            .tables
            .iter()
            .flat_map(|t| &t.indicators)
            .map(|i| i.values.len().max(1))
            .sum();
        prop_assert_eq!(rows[3].len(), expected);
        let dir = tempfile::tempdir().unwrap();
        let mut set = write::csv::CsvSet::create(
            dir.path(),
            write::csv::CsvOptions { bom: true, excel_safe: true, prefix: String::new() },
        )
        .unwrap();
        set.append(&doc).unwrap();
        set.finish().unwrap();
    }
}
