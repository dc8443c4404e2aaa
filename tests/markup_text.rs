//! The Markdown and HTML text readers on corpus workbooks written as extractors write them
//! (`scripts/make_markup_samples.py`): the whole document must come through, merged labels
//! filled down by the normalizer (Markdown) or carried as spans (HTML).

use perfnorm::internals::layout::read_text;
use perfnorm::normalize::normalize;
use std::path::Path;

fn read(name: &str) -> Vec<perfnorm::ingest::Grid> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    read_text(&std::fs::read_to_string(p).expect("sample")).expect("a grid")
}

#[test]
fn c01_markdown_fills_merged_labels_down() {
    let grids = read("c01_lianyungang_falv_yuanzhu_2024.md");
    assert_eq!(grids[0].extraction.method.name(), "markdown");
    let tables = normalize(&grids);
    assert_eq!(tables.len(), 1);
    let ind = &tables[0].indicators;
    assert_eq!(ind.len(), 12);
    // 质量指标 rows after the first have empty 一级/二级 cells in the Markdown.
    assert!(ind.iter().any(|i| i.level1.as_deref() == Some("产出指标")
        && i.level2.as_deref() == Some("质量指标")
        && i.level3.as_deref() == Some("法律援助案卷归档规范率")));
}

#[test]
fn a01_html_keeps_spans() {
    let grids = read("a01_zhenjiang_shuiwu_2026.html");
    assert_eq!(grids[0].extraction.method.name(), "html");
    assert!(
        grids[0]
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().flatten())
            .any(|c| c.row_span > 1)
    );
    let tables = normalize(&grids);
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].indicators.len(), 54);
}
