//! The ODS reader on small content.xml documents and packages.

use super::*;
use crate::ingest::{Limits, ReadOptions};

fn budget(limits: Limits) -> Budget {
    Budget {
        cells: 0,
        limits,
        deadline: limits.deadline(),
    }
}

/// `body` (the children of `office:spreadsheet`) as a whole content.xml, parsed.
fn sheets(body: &str) -> Result<Vec<RawSheet>, IngestError> {
    parse(document(body).as_bytes(), &mut budget(Limits::default()))
}

fn document(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="{OFFICE_NS}" xmlns:table="{TABLE_NS}" xmlns:text="{TEXT_NS}" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" office:version="1.3"><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
    )
}

fn one(body: &str) -> RawSheet {
    let mut s = sheets(body).unwrap();
    assert_eq!(s.len(), 1);
    s.remove(0)
}

fn cells(s: &RawSheet) -> Vec<(u32, u32, &str)> {
    let mut v: Vec<_> = s
        .cells
        .iter()
        .map(|(r, c, t)| (*r, *c, t.as_str()))
        .collect();
    v.sort_unstable();
    v
}

fn merges(s: &RawSheet) -> Vec<((u32, u32), (u32, u32))> {
    s.merges
        .as_ref()
        .unwrap()
        .iter()
        .map(|d| (d.start, d.end))
        .collect()
}

#[test]
fn merges_from_row_and_column_spans_covered_cells_take_their_place() {
    // A1:C1 across, A2:A3 down, an empty B2:C3 block, as LibreOffice writes them.
    let s = one(r#"<table:table table:name="S">
<table:table-row>
  <table:table-cell table:number-columns-spanned="3" table:number-rows-spanned="1" office:value-type="string"><text:p>标题</text:p></table:table-cell>
  <table:covered-table-cell table:number-columns-repeated="2"/>
  <table:table-cell table:number-columns-repeated="16381"/>
</table:table-row>
<table:table-row>
  <table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>一级</text:p></table:table-cell>
  <table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="2"/>
  <table:covered-table-cell/>
  <table:table-cell><text:p>D2</text:p></table:table-cell>
</table:table-row>
<table:table-row>
  <table:covered-table-cell/>
  <table:covered-table-cell table:number-columns-repeated="2"/>
  <table:table-cell><text:p>D3</text:p></table:table-cell>
</table:table-row>
</table:table>"#);
    assert_eq!(s.name, "S");
    assert_eq!(
        cells(&s),
        [(0, 0, "标题"), (1, 0, "一级"), (1, 3, "D2"), (2, 3, "D3")]
    );
    assert_eq!(
        merges(&s),
        [((0, 0), (0, 2)), ((1, 0), (2, 0)), ((1, 1), (2, 2))]
    );
    assert!(s.formats_known);
    assert!(s.hidden_rows.is_empty() && s.hidden_cols.is_empty());
}

#[test]
fn repeats_expand_text_and_cost_nothing_when_empty() {
    let t = std::time::Instant::now();
    let all = sheets(r#"<table:table table:name="R">
<table:table-column table:number-columns-repeated="16384"/>
<table:table-row table:number-rows-repeated="2">
  <table:table-cell table:number-columns-repeated="2"/>
  <table:table-cell table:number-columns-repeated="3" office:value-type="float" office:value="0"><text:p>0.00</text:p></table:table-cell>
  <table:table-cell table:number-columns-repeated="16379"/>
</table:table-row>
<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
<table:table-row table:number-rows-repeated="3000000000"><table:table-cell table:number-columns-repeated="4000000000"/></table:table-row>
<table:table-row table:number-rows-repeated="0"><table:table-cell/></table:table-row>
</table:table>
<table:table table:name="空"><table:table-row table:number-rows-repeated="1048576"><table:table-cell/></table:table-row></table:table>"#)
        .unwrap();
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
    // Every table is a sheet, empty ones too (the caller drops them).
    let names: Vec<_> = all.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["R", "空"]);
    let s = &all[0];
    let mut want = Vec::new();
    for r in 0..2 {
        for c in 2..5 {
            want.push((r, c, "0.00"));
        }
    }
    assert_eq!(cells(s), want);
    assert!(all[1].cells.is_empty());
}

#[test]
fn a_repeated_row_of_text_is_held_to_the_cell_limit() {
    let body = r#"<table:table table:name="R"><table:table-row table:number-rows-repeated="1048576">
<table:table-cell table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell>
</table:table-row></table:table>"#;
    let limits = Limits {
        max_cells: 1000,
        ..Limits::default()
    };
    let e = parse(document(body).as_bytes(), &mut budget(limits))
        .err()
        .unwrap();
    assert!(matches!(e, IngestError::Limit(_)), "{e}");
    // Spaces that expand a small file into a huge one.
    let body = r#"<table:table table:name="R"><table:table-row><table:table-cell>
<text:p><text:s text:c="100000"/><text:s text:c="100000"/>x</text:p></table:table-cell></table:table-row></table:table>"#;
    let limits = Limits {
        max_decompressed_bytes: 150_000,
        ..Limits::default()
    };
    let e = parse(document(body).as_bytes(), &mut budget(limits))
        .err()
        .unwrap();
    assert!(matches!(e, IngestError::Limit(_)), "{e}");
}

#[test]
fn text_beyond_the_grid_is_an_error_not_dropped() {
    let far_right = r#"<table:table table:name="W"><table:table-row>
<table:table-cell table:number-columns-repeated="16384"/><table:table-cell><text:p>x</text:p></table:table-cell>
</table:table-row></table:table>"#;
    let far_down = r#"<table:table table:name="W">
<table:table-row table:number-rows-repeated="1048576"><table:table-cell/></table:table-row>
<table:table-row><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
    for body in [far_right, far_down] {
        let e = sheets(body).err().unwrap();
        assert!(e.to_string().contains("beyond XFD1048576"), "{e}");
    }
}

#[test]
fn paragraphs_spaces_breaks_and_inline_markup() {
    let s = one(r#"<table:table table:name="T"><table:table-row>
<table:table-cell office:value-type="string"><text:p>a <text:s/>b<text:s text:c="3"/>c</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>第一行</text:p><text:p>第二<text:span text:style-name="T1">行</text:span></text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>甲<text:line-break/>乙<text:tab/>丙</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p><text:a xlink:href="http://x" xmlns:xlink="http://www.w3.org/1999/xlink">链接</text:a>
   文本</text:p></table:table-cell>
<table:table-cell office:value-type="string"><office:annotation><dc:creator>me</dc:creator><text:p>批注</text:p></office:annotation><text:p>有批注</text:p></table:table-cell>
<table:table-cell><draw:frame><draw:text-box><text:p>框</text:p></draw:text-box></draw:frame></table:table-cell>
<table:table-cell><text:p><text:s/> 两端 <text:s/></text:p></table:table-cell>
</table:table-row></table:table>"#);
    assert_eq!(
        cells(&s),
        [
            (0, 0, "a  b   c"),
            (0, 1, "第一行\n第二行"),
            (0, 2, "甲\n乙\t丙"),
            (0, 3, "链接 文本"),
            (0, 4, "有批注"),
            (0, 6, "两端"),
        ]
    );
}

#[test]
fn displayed_text_first_and_the_value_when_there_is_none() {
    let s = one(r#"<table:table table:name="F"><table:table-row>
<table:table-cell office:value-type="percentage" office:value="0.95"><text:p>95%</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="1234.5"><text:p>1,234.50</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="1234.5"/>
<table:table-cell office:value-type="percentage" office:value="0.95"/>
<table:table-cell office:value-type="date" office:date-value="2026-12-31T00:00:00"/>
<table:table-cell office:value-type="boolean" office:boolean-value="true"/>
<table:table-cell office:value-type="string" office:string-value="值"/>
<table:table-cell office:value-type="float" office:value="7"><text:p/></table:table-cell>
</table:table-row></table:table>"#);
    assert_eq!(
        cells(&s),
        [
            (0, 0, "95%"),
            (0, 1, "1,234.50"),
            (0, 2, "1234.5"),
            (0, 3, "0.95"),
            (0, 4, "2026-12-31"),
            (0, 5, "TRUE"),
            (0, 6, "值"),
        ]
    );
}

#[test]
fn hidden_rows_and_columns_within_the_used_extent() {
    let s = one(r#"<table:table table:name="H">
<table:table-columns>
  <table:table-column/>
  <table:table-column table:visibility="collapse"/>
  <table:table-column table:number-columns-repeated="2"/>
  <table:table-column table:visibility="filter" table:number-columns-repeated="16380"/>
</table:table-columns>
<table:table-row><table:table-cell table:number-columns-repeated="5"><text:p>x</text:p></table:table-cell></table:table-row>
<table:table-row-group>
  <table:table-row table:visibility="collapse"><table:table-cell><text:p>隐藏</text:p></table:table-cell></table:table-row>
  <table:table-row table:visibility="filter" table:number-rows-repeated="2"><table:table-cell/></table:table-row>
</table:table-row-group>
<table:table-row><table:table-cell><text:p>末</text:p></table:table-cell></table:table-row>
<table:table-row table:visibility="collapse" table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>
</table:table>"#);
    assert_eq!(s.hidden_rows, [1, 2, 3]);
    // The filtered columns run to the sheet's end; only E is within the used extent.
    assert_eq!(s.hidden_cols, [1, 4]);
    assert_eq!(s.cells.len(), 7);
}

#[test]
fn entities_and_any_namespace_prefix() {
    let s = one(
        r#"<table:table table:name="R&amp;D &lt;表&gt;"><table:table-row>
<table:table-cell><text:p>A&amp;B &lt;&#x4E2D;&#25991;&gt; &quot;q&apos;</text:p></table:table-cell>
</table:table-row></table:table>"#,
    );
    assert_eq!(s.name, "R&D <表>");
    assert_eq!(cells(&s), [(0, 0, "A&B <中文> \"q'")]);
    // Namespaces decide, not the prefixes LibreOffice happens to use.
    let xml = format!(
        r#"<o:document-content xmlns:o="{OFFICE_NS}" xmlns:t="{TABLE_NS}" xmlns:x="{TEXT_NS}"><o:body><o:spreadsheet>
<t:table t:name="P"><t:table-row><t:table-cell t:number-columns-spanned="2"><x:p>ok</x:p></t:table-cell><t:covered-table-cell/></t:table-row></t:table>
</o:spreadsheet></o:body></o:document-content>"#
    );
    let s = parse(xml.as_bytes(), &mut budget(Limits::default())).unwrap();
    assert_eq!(cells(&s[0]), [(0, 0, "ok")]);
    assert_eq!(merges(&s[0]), [((0, 0), (0, 1))]);
}

#[test]
fn damaged_xml_is_an_error() {
    let good = r#"<table:table table:name="D"><table:table-row><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
    assert!(sheets(good).is_ok());
    let doc = document(good);
    for bad in [
        doc[..doc.len() / 2].to_string(),
        doc.replace("</text:p>", "</text:q>"),
        doc.replace("x</text:p>", "&nbsp;</text:p>"),
        doc.replace("table:name=\"D\"", "table:name=D"),
        document(&good.replace(
            "<table:table-cell>",
            "<table:table-cell table:number-columns-repeated=\"many\">",
        )),
        "not xml at all <".to_string(),
    ] {
        let e = parse(bad.as_bytes(), &mut budget(Limits::default()))
            .err()
            .unwrap_or_else(|| panic!("accepted: {bad}"));
        assert!(matches!(e, IngestError::Spreadsheet(_)), "{e}");
    }
}

/// An ODS package with `parts` as (name, content).
fn package(parts: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, content) in parts {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn through_the_sheet_reader_no_warnings_and_spans() {
    let content = document(
        r#"<table:table table:name="S"><table:table-row>
<table:table-cell table:number-columns-spanned="2"><text:p>标题</text:p></table:table-cell><table:covered-table-cell/>
</table:table-row><table:table-row table:visibility="collapse"><table:table-cell><text:p>1</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="387"><text:p>387.00</text:p></table:table-cell></table:table-row></table:table>"#,
    );
    let ods = package(&[
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", &content),
    ]);
    // Hidden rows read as ordinary cells here: this test is about spans and formats.
    let opts = ReadOptions {
        include_hidden: true,
        ..ReadOptions::default()
    };
    let ing = super::super::read(&ods, InputFormat::Ods, &opts).unwrap();
    let codes: Vec<_> = ing.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["hidden_rows"]);
    let g = &ing.grids[0];
    let a1 = g.rows[0].cells[0].as_ref().unwrap();
    assert_eq!((a1.text.as_str(), a1.row_span, a1.col_span), ("标题", 1, 2));
    assert_eq!(g.rows[1].cells[1].as_ref().unwrap().text, "387.00");

    let no_content = package(&[("mimetype", "application/vnd.oasis.opendocument.spreadsheet")]);
    let e = read(&no_content, &mut budget(Limits::default()))
        .err()
        .unwrap();
    assert!(e.to_string().contains("no content.xml"), "{e}");

    let manifest = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>"#;
    let locked = package(&[
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", "\u{1}\u{2}garbage"),
    ]);
    let e = read(&locked, &mut budget(Limits::default())).err().unwrap();
    assert!(e.to_string().contains("encrypted"), "{e}");
}
