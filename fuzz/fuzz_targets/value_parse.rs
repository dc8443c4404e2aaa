//! Target-value parser: any cell text under any value column heading. Must never panic and
//! must keep `raw` as given (trimmed) so nothing is lost.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfnorm::internals::value;

/// The column names value cells sit under; the first byte picks one so the fuzzer reaches
/// the column-dependent paths too.
const COLUMNS: &[&str] = &[
    "指标值",
    "半年指标值",
    "全年指标值",
    "年度指标值",
    "目标值",
    "指标值及单位",
    "",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(raw) = std::str::from_utf8(rest) else {
        return;
    };
    let column = COLUMNS[pick as usize % COLUMNS.len()];
    let v = value::parse(column, raw);
    assert_eq!(v.raw, raw.trim(), "raw must be the source text, trimmed");
    // The split form (指标性质 | 指标值 | 度量单位) gets the same text cut in three.
    let third = raw.len() / 3;
    if raw.is_char_boundary(third) && raw.is_char_boundary(2 * third) {
        let _ = value::fold_split(
            column,
            &raw[..third],
            &raw[third..2 * third],
            &raw[2 * third..],
        );
    }
    let _ = value::split_op(raw);
    let _ = value::is_strong_value(raw);
    let _ = value::is_deadline(raw);
    let _ = value::is_operator_cell(raw);
    let _ = serde_json::to_string(&v);
});
