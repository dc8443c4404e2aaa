//! Unit tests of funds blocks on real rows (kept apart so `funds.rs` holds the code).

use super::*;

#[test]
fn amounts_are_told_before_canonicalizing() {
    for (s, want) in [
        ("1,290.00", Some(1290.0)),
        ("１２９０．５", Some(1290.5)),
        (" 164万元 ", Some(164.0)),
        ("-3", Some(-3.0)),
        ("1 000，5", Some(10005.0)),
        ("项目资金", None),
        ("164万元以上", None),
        ("１２３４５６７８９０１２３４５６７８９０１２３４５", None),
        ("123456789012345678901234", Some(123456789012345678901234.0)),
    ] {
        assert_eq!(parse_amount(s), want, "{s}");
    }
    assert!(!may_be_amount("年度资金总额"));
    assert!(may_be_amount("100万元"));
}

use crate::normalize::tests::row;

/// An item as the tests compare it: its path, then (column, amount) per value.
type Item = (String, Vec<(String, f64)>);

/// The items read from `rows` (the first holds the block label), and the diagnostic codes.
fn read(rows: &[&[&str]]) -> (Vec<Item>, Vec<String>) {
    let mut block = FundsBlock::new();
    let mut diags = Diags::default();
    for (i, r) in rows.iter().enumerate() {
        block.row(&row(r), i == 0, &mut diags);
    }
    let items = block
        .items
        .iter()
        .map(|it| {
            let values = it.values.iter().map(|v| (v.column.clone(), v.amount));
            (it.path.join("/"), values.collect())
        })
        .collect();
    (items, diags.list.iter().map(|d| d.code.clone()).collect())
}

fn item(path: &str, values: &[(&str, f64)]) -> Item {
    let values = values.iter().map(|(c, a)| (c.to_string(), *a)).collect();
    (path.to_string(), values)
}

#[test]
fn a_block_label_is_no_item_and_amounts_with_no_header_are_the_amount_column() {
    let (items, codes) = read(&[
        &["项目资金（万元）", "年度资金总额", "387.00"],
        &["", "其中：财政拨款", "387.00"],
        &["项目资金（万元）", "其他资金", "0"],
    ]);
    assert_eq!(
        items,
        vec![
            item("年度资金总额", &[("金额", 387.0)]),
            item("其中：财政拨款", &[("金额", 387.0)]),
            item("其他资金", &[("金额", 0.0)]),
        ]
    );
    assert!(codes.is_empty(), "{codes:?}");
}

#[test]
fn a_header_row_names_the_amount_columns_of_the_rows_below() {
    let (items, _) = read(&[
        &["项目资金（万元）", "", "全年预算数", "半年计划执行数"],
        &["", "年度资金总额", "100", "50"],
        &["", "财政拨款", "100", "50"],
    ]);
    assert_eq!(
        items,
        vec![
            item(
                "年度资金总额",
                &[("全年预算数", 100.0), ("半年计划执行数", 50.0)]
            ),
            item(
                "财政拨款",
                &[("全年预算数", 100.0), ("半年计划执行数", 50.0)]
            ),
        ]
    );
}

#[test]
fn a_row_whose_amounts_sit_off_the_columns_moves_back_whole() {
    let (items, codes) = read(&[
        &["项目资金（万元）", "", "全年预算数", "半年计划执行数"],
        &["", "年度资金总额", "100", "50"],
        &["", "", "财政拨款", "100", "50"],
    ]);
    assert_eq!(
        items[1],
        item(
            "财政拨款",
            &[("全年预算数", 100.0), ("半年计划执行数", 50.0)]
        )
    );
    assert_eq!(codes, vec!["column_shift_repaired".to_string()]);
}

#[test]
fn amounts_with_no_label_are_quoted_not_lost() {
    let (items, codes) = read(&[
        &["项目资金（万元）", "年度资金总额", "387.00"],
        &["", "", "12"],
    ]);
    assert_eq!(items.len(), 1);
    assert_eq!(codes, vec!["unplaced_cell".to_string()]);
}

#[test]
fn amounts_as_written() {
    assert_eq!(parse_amount("1,290.00"), Some(1290.0));
    assert_eq!(parse_amount("387.00"), Some(387.0));
    assert_eq!(parse_amount("0"), Some(0.0));
    assert_eq!(parse_amount("全年预算数"), None);
    assert_eq!(parse_amount("2024年"), None);
    assert_eq!(parse_amount("１２.５"), Some(12.5));
}
