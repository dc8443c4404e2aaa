//! The PDF reader against real files: the font fixtures decode to the right Chinese, a01 (4
//! pages, LibreOffice from its workbook) gives the workbook's grid cell for cell with its
//! merges, including merged labels cut by page breaks, and b02 the workbook's rows. Small
//! hand-built PDFs cover a sideways page, two tables on one page, a borderless table and a
//! scanned page.

mod common;

use std::path::Path;

use perfnorm::error::IngestError;
use perfnorm::grid::Grid;
use perfnorm::ingest::ReadOptions;
use perfnorm::internals::pdf;

fn sample(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/pdf")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn read(bytes: &[u8]) -> Vec<Grid> {
    pdf::read(bytes, &ReadOptions::default())
        .expect("the PDF reads")
        .grids
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

fn all_text(g: &Grid) -> String {
    g.rows
        .iter()
        .flat_map(|r| r.filled().map(|(_, c)| squash(&c.text)).collect::<Vec<_>>())
        .collect::<Vec<_>>()
        .join("|")
}

#[test]
fn font_fixtures_decode_to_chinese() {
    for (file, amount) in [
        ("font_budget.pdf", "1234.56"),
        ("font_cid.pdf", "1,234.56"),
        ("font_unigb_ucs2.pdf", "1234.56"),
        ("font_gbk_euc.pdf", "1234.56"),
    ] {
        let grids = read(&sample(file));
        assert_eq!(grids.len(), 1, "{file}");
        let g = &grids[0];
        assert_eq!(g.extraction.method.name(), "lattice", "{file}");
        let text = all_text(g);
        for want in ["科目编码", "项目", "预算数", "一般公共服务支出", amount] {
            assert!(text.contains(want), "{file}: {want} not in {text}");
        }
    }
    // The hand-written ones are 3×3 tables drawn with thin filled rectangles inside a stroked
    // outline that is no table.
    for file in ["font_unigb_ucs2.pdf", "font_gbk_euc.pdf"] {
        let g = &read(&sample(file))[0];
        assert_eq!(g.rows.len(), 3, "{file}");
        assert_eq!(g.rows[1].text(0), "201");
        assert_eq!(g.rows[1].text(1), "一般公共服务支出");
        assert_eq!(g.rows[2].text(1), "教育支出");
        assert_eq!(g.rows[2].text(2), "789.00");
    }
}

/// An expected cell of a workbook: (row, col, row_span, col_span, value).
type WantCell = (usize, usize, u32, u32, serde_json::Value);

/// The workbook's row count and cells, as written by openpyxl into the `.xlsx-cells.json`.
fn workbook_cells(name: &str) -> (usize, Vec<WantCell>) {
    let v: serde_json::Value = serde_json::from_slice(&sample(name)).expect("json");
    let cells = v["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|c| {
            (
                c[0].as_u64().unwrap() as usize,
                c[1].as_u64().unwrap() as usize,
                c[2].as_u64().unwrap() as u32,
                c[3].as_u64().unwrap() as u32,
                c[4].clone(),
            )
        })
        .collect();
    (v["rows"].as_u64().unwrap() as usize, cells)
}

/// The workbook shows numbers with its format (`524` as `524.00`): compare as numbers.
fn same(text: &str, want: &serde_json::Value) -> bool {
    match want {
        serde_json::Value::Number(n) => text
            .replace(',', "")
            .parse::<f64>()
            .is_ok_and(|x| (x - n.as_f64().unwrap()).abs() < 1e-9),
        serde_json::Value::String(s) => squash(text) == squash(s),
        _ => false,
    }
}

#[test]
fn a01_four_pages_make_the_workbook_grid() {
    let grids = read(&sample("a01_zhenjiang_shuiwu_2026.pdf"));
    assert_eq!(grids.len(), 1, "one table over four pages");
    let g = &grids[0];
    let (nrows, cells) = workbook_cells("a01_zhenjiang_shuiwu_2026.xlsx-cells.json");
    assert_eq!(g.rows.len(), nrows);
    assert_eq!(g.width(), 6);
    let mut bad = Vec::new();
    for (r, c, rs, cs, v) in &cells {
        let got = g.rows[*r].cells.get(*c).and_then(|x| x.as_ref());
        match got {
            Some(cell) if same(&cell.text, v) && cell.row_span == *rs && cell.col_span == *cs => {}
            _ => bad.push(format!(
                "({r},{c}) want {rs}x{cs} {v} got {:?}",
                got.map(|x| (x.row_span, x.col_span, &x.text))
            )),
        }
    }
    let filled: usize = g.rows.iter().map(|r| r.filled().count()).sum();
    assert!(
        bad.is_empty(),
        "{} cells differ:\n{}",
        bad.len(),
        bad.join("\n")
    );
    assert_eq!(filled, cells.len(), "no extra cells");

    // Page breaks after workbook rows 21, 46 and 68 (1-based), each inside merged groups.
    let breaks: Vec<usize> = (0..g.rows.len())
        .filter(|&i| g.rows[i].break_before)
        .collect();
    assert_eq!(breaks, vec![21, 46, 68]);
    assert_eq!(g.rows[0].pos.page, Some(1));
    assert_eq!(g.rows[83].pos.page, Some(4));
    // 支出 (B15:B25) and 部门整体资金（万元） (A6:A25) cross the first break; LibreOffice drew a
    // second copy of each above the next page: kept once, with the whole span.
    let zc = g.rows[14].cells[1].as_ref().unwrap();
    assert_eq!((zc.text.as_str(), zc.row_span), ("支出", 11));
    assert_eq!(g.rows[5].cells[0].as_ref().unwrap().row_span, 20);
    assert!(
        g.rows[21..25]
            .iter()
            .all(|r| r.text(0).is_empty() && r.text(1).is_empty())
    );
    // 过程 (A35:A53) crosses the second break, 履职 (A55:A74) the third.
    assert_eq!(g.rows[34].cells[0].as_ref().unwrap().row_span, 19);
    assert_eq!(g.rows[54].cells[0].as_ref().unwrap().row_span, 20);
}

#[test]
fn b02_rows_match_the_workbook_and_footers_go() {
    // b02's workbook has a column boundary that no row draws (every row merges over it), so
    // the PDF grid has one column fewer; the rows, texts and row spans are the workbook's.
    let ing = pdf::read(
        &sample("b02_suqian_danganguan_2023.pdf"),
        &ReadOptions::default(),
    )
    .expect("reads");
    assert_eq!(ing.pages, Some(2));
    assert_eq!(ing.grids.len(), 1);
    let g = &ing.grids[0];
    let (nrows, cells) = workbook_cells("b02_suqian_danganguan_2023.xlsx-cells.json");
    assert_eq!(g.rows.len(), nrows);
    for r in 0..nrows {
        let want: Vec<_> = cells.iter().filter(|c| c.0 == r).collect();
        let got: Vec<_> = g.rows[r].filled().collect();
        assert_eq!(want.len(), got.len(), "row {r}");
        for (w, (_, c)) in want.iter().zip(got) {
            assert!(same(&c.text, &w.4), "row {r}: {} vs {}", c.text, w.4);
            assert_eq!(c.row_span, w.2, "row {r}: {}", c.text);
        }
    }
    assert!(!all_text(g).contains("第2页") && !all_text(g).contains("第1页"));
}

// ---- hand-built PDFs -------------------------------------------------------------------

/// A PDF whose pages use STSong-Light with UniGB-UCS2-H (text as UTF-16BE hex, as iText
/// writes it). Each page is (rotate, media box width, height, content stream).
fn mini_pdf(pages: &[(i32, f64, f64, String)]) -> Vec<u8> {
    mini_pdf_with_font(
        pages,
        "/Encoding /UniGB-UCS2-H",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >>",
    )
}

/// `mini_pdf` with another encoding for the Type 0 font and another CIDSystemInfo.
fn mini_pdf_with_font(pages: &[(i32, f64, f64, String)], encoding: &str, system: &str) -> Vec<u8> {
    let mut objs: Vec<String> = Vec::new();
    let n = pages.len();
    // 1 catalog, 2 pages, 3 font, 4 descendant, then per page: page, content.
    objs.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
    objs.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {n} >>",
        kids.join(" ")
    ));
    objs.push(format!("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light {encoding} /DescendantFonts [4 0 R] >>"));
    objs.push(format!("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light {system} /DW 1000 /W [1 95 500] >>"));
    for (i, (rot, w, h, content)) in pages.iter().enumerate() {
        objs.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Rotate {rot} /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            6 + 2 * i
        ));
        objs.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len() + 1
        ));
    }
    common::pdf_from_objects(&objs, "")
}

fn hex(s: &str) -> String {
    s.encode_utf16().map(|u| format!("{u:04X}")).collect()
}

/// Text at (x, y) with the text matrix `m` (a b c d) and size 10.
fn text_at(m: [f64; 4], x: f64, y: f64, s: &str) -> String {
    format!(
        "BT /F1 10 Tf {} {} {} {} {x} {y} Tm <{}> Tj ET\n",
        m[0],
        m[1],
        m[2],
        m[3],
        hex(s)
    )
}

/// A ruled table: rows of (cell texts), columns `xs`, top at `top`, rows 20 high, y upwards.
fn ruled(xs: &[f64], top: f64, rows: &[&[&str]]) -> String {
    let mut s = String::from("0.5 w\n");
    let bottom = top - 20.0 * rows.len() as f64;
    for i in 0..=rows.len() {
        let y = top - 20.0 * i as f64;
        s += &format!("{} {y} m {} {y} l S\n", xs[0], xs[xs.len() - 1]);
    }
    for x in xs {
        s += &format!("{x} {top} m {x} {bottom} l S\n");
    }
    for (i, row) in rows.iter().enumerate() {
        for (c, t) in row.iter().enumerate() {
            s += &text_at(
                [1.0, 0.0, 0.0, 1.0],
                xs[c] + 3.0,
                top - 20.0 * i as f64 - 14.0,
                t,
            );
        }
    }
    s
}

/// The glyphs of page 1 as (char, x0, x1, baseline, size), rounded to 0.01.
fn glyph_boxes(pdf: &[u8]) -> Vec<(char, f64, f64, f64, f64)> {
    let doc = perfnorm::internals::pdf::glyphs::open(pdf).expect("opens");
    let r = |v: f64| (v * 100.0).round() / 100.0;
    perfnorm::internals::pdf::glyphs::read_page(&doc, 0)
        .glyphs
        .iter()
        .map(|g| (g.ch, r(g.x0), r(g.x1), r(g.base), r(g.size)))
        .collect()
}

#[test]
fn each_glyph_is_placed_by_the_text_state() {
    // LibreOffice draws quotes around a word as `[<“> -4001 <”>] TJ`: the kern moves `”` 40
    // units on. Character spacing and horizontal scaling (`Tc`, `Tz`) move the pen; a scaled
    // text matrix scales the glyph. Full-width codes take /DW 1000, ASCII the /W 500. The text
    // state outlives `ET`, so the last object sets `Tc` and `Tz` back.
    let c = format!(
        "BT /F1 10 Tf 1 0 0 1 100 700 Tm [<{}> -4001 <{}>] TJ ET\n\
         BT /F1 10 Tf 2 Tc 50 Tz 1 0 0 1 100 600 Tm <{}> Tj ET\n\
         BT /F1 1 Tf 0 Tc 100 Tz 12 0 0 12 100 500 Tm <{}> Tj 0 -2 Td <{}> Tj ET\n",
        hex("“"),
        hex("”"),
        hex("中1"),
        hex("中"),
        hex("A")
    );
    let pdf = mini_pdf(&[(0, 600.0, 800.0, c)]);
    assert_eq!(
        glyph_boxes(&pdf),
        [
            ('“', 100.0, 110.0, 100.0, 10.0),
            ('”', 150.01, 160.01, 100.0, 10.0),
            ('中', 100.0, 105.0, 200.0, 10.0),
            ('1', 106.0, 108.5, 200.0, 10.0),
            ('中', 100.0, 112.0, 300.0, 12.0),
            ('A', 100.0, 106.0, 324.0, 12.0),
        ]
    );
}

#[test]
fn title_wrapped_over_two_lines_is_one_row() {
    // Printed narrow, the title's last character wraps under it, centred; a title that ends
    // well inside the table's width keeps the line under it (a subtitle) as a row of its own.
    let table = ruled(
        &[100.0, 200.0, 300.0],
        700.0,
        &[&["项目", "预算"], &["甲", "1"]],
    );
    let mut c = text_at(
        [1.6, 0.0, 0.0, 1.6],
        96.0,
        760.0,
        "宿迁市档案馆部门整体绩效目",
    );
    c += &text_at([1.6, 0.0, 0.0, 1.6], 184.0, 739.2, "标表");
    c += &table;
    let mut sub = text_at([1.6, 0.0, 0.0, 1.6], 128.0, 760.0, "整体绩效目标表");
    sub += &text_at([1.6, 0.0, 0.0, 1.6], 152.0, 739.2, "二〇二三");
    sub += &table;
    let grids = read(&mini_pdf(&[(0, 600.0, 800.0, c), (0, 600.0, 800.0, sub)]));
    let first: Vec<String> = grids
        .iter()
        .map(|g| g.rows[0].cells[0].as_ref().unwrap().text.clone())
        .collect();
    assert_eq!(first, ["宿迁市档案馆部门整体绩效目标表", "整体绩效目标表"]);
    assert_eq!(grids[1].rows[1].cells[0].as_ref().unwrap().text, "二〇二三");
}

#[test]
fn two_tables_on_one_page_are_two_grids() {
    let mut c = text_at([1.6, 0.0, 0.0, 1.6], 100.0, 800.0, "项目支出绩效目标表");
    c += &ruled(
        &[50.0, 150.0, 300.0],
        780.0,
        &[&["项目名称", "河道清淤"], &["金额", "100"]],
    );
    c += &text_at([1.6, 0.0, 0.0, 1.6], 100.0, 600.0, "项目支出绩效目标表");
    c += &ruled(&[50.0, 150.0, 300.0], 580.0, &[&["项目名称", "水质监测"]]);
    let grids = read(&mini_pdf(&[(0, 595.0, 842.0, c)]));
    assert_eq!(grids.len(), 2);
    assert_eq!(grids[0].rows.len(), 3);
    assert_eq!(grids[0].rows[0].text(0), "项目支出绩效目标表");
    assert_eq!(grids[0].rows[0].cells[0].as_ref().unwrap().col_span, 2);
    assert_eq!(grids[0].rows[2].text(1), "100");
    assert_eq!(grids[1].rows[1].text(1), "水质监测");
}

#[test]
fn sideways_page_reads_the_right_way_round() {
    // A landscape table on a portrait page turned with /Rotate 90 (clockwise): a point shown
    // at X across, Y down is drawn at user (x = Y, y = X).
    let mut s = String::from("0.5 w\n");
    let xs = [50.0, 150.0, 300.0];
    let ys = [100.0, 120.0, 140.0]; // display y (down) of the row lines
    for y in ys {
        // display (X, y) = user (x = y, y = X)
        s += &format!("{y} {} m {y} {} l S\n", xs[0], xs[2]);
    }
    for x in xs {
        s += &format!("{} {x} m {} {x} l S\n", ys[0], ys[2]);
    }
    let rows = [["一级指标", "二级指标"], ["产出指标", "数量指标"]];
    for (i, row) in rows.iter().enumerate() {
        for (c, t) in row.iter().enumerate() {
            // Baseline 14 below the row top in display space: user x = top + 14. The text
            // runs along +user y (+display X) with glyphs upright on screen: matrix 0 1 -1 0.
            s += &text_at([0.0, 1.0, -1.0, 0.0], ys[i] + 14.0, xs[c] + 3.0, t);
        }
    }
    let grids = read(&mini_pdf(&[(90, 595.0, 842.0, s)]));
    assert_eq!(grids.len(), 1);
    let g = &grids[0];
    assert_eq!(g.rows.len(), 2);
    assert_eq!(g.rows[0].text(0), "一级指标");
    assert_eq!(g.rows[0].text(1), "二级指标");
    assert_eq!(g.rows[1].text(1), "数量指标");
}

#[test]
fn borderless_table_is_read_in_stream_mode() {
    let mut c = String::new();
    let rows = [
        ["一级指标", "二级指标", "指标值"],
        ["产出指标", "数量指标", "100"],
    ];
    for (i, row) in rows.iter().enumerate() {
        for (k, t) in row.iter().enumerate() {
            c += &text_at(
                [1.0, 0.0, 0.0, 1.0],
                50.0 + 120.0 * k as f64,
                700.0 - 20.0 * i as f64,
                t,
            );
        }
    }
    let g = &read(&mini_pdf(&[(0, 595.0, 842.0, c)]))[0];
    assert_eq!(g.extraction.method.name(), "stream");
    assert_eq!(g.rows.len(), 2);
    assert_eq!(g.rows[1].text(2), "100");
}

#[test]
fn scanned_pdf_has_no_text_layer() {
    let c = "0.5 w 50 50 m 500 50 l S 10 10 400 400 re f".to_string();
    match pdf::read(&mini_pdf(&[(0, 595.0, 842.0, c)]), &ReadOptions::default()) {
        Err(IngestError::Pdf { reason, .. }) => {
            assert!(reason.contains("no text layer"), "{reason}")
        }
        other => panic!(
            "expected a no-text-layer error, got {:?}",
            other.map(|i| i.grids.len())
        ),
    }
}

fn stream(data: &str) -> String {
    format!(
        "<< /Length {} >>\nstream\n{data}\nendstream",
        data.len() + 1
    )
}

#[test]
fn simple_fonts_and_text_inside_forms() {
    // A simple font with WinAnsi, a /Differences glyph name and /Widths from FirstChar 65; its
    // second use is inside a form XObject drawn with a matrix and `cm`.
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>"
            .into(),
        stream("BT /F1 10 Tf 100 700 Td (AB\\351) Tj ET q 1 0 0 1 0 -100 cm /X1 Do Q"),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 65 /LastChar 66 \
         /Widths [1000 600] /Encoding << /BaseEncoding /WinAnsiEncoding /Differences [65 /uni4E2D] >> >>"
            .into(),
        {
            let data = "BT /F1 10 Tf 100 700 Td (BA) Tj ET";
            format!(
                "<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Matrix [1 0 0 1 50 0] \
                 /Length {} >>\nstream\n{data}\nendstream",
                data.len() + 1
            )
        },
    ];
    assert_eq!(
        glyph_boxes(&common::pdf_from_objects(&objs, "")),
        [
            ('中', 100.0, 110.0, 100.0, 10.0),
            ('B', 110.0, 116.0, 100.0, 10.0),
            // é: WinAnsi 0xE9, no /Widths entry: half an em.
            ('é', 116.0, 121.0, 100.0, 10.0),
            ('B', 150.0, 156.0, 200.0, 10.0),
            ('中', 156.0, 166.0, 200.0, 10.0),
        ]
    );
}

#[test]
fn a_font_with_no_unicode_mapping_is_a_warning() {
    // Identity-H codes with neither a ToUnicode map nor an Adobe collection to look CIDs up in:
    // what other tools print as `(cid:…)`. The table is still read, with a warning.
    let c = ruled(
        &[100.0, 200.0, 300.0],
        700.0,
        &[&["项目", "预算"], &["甲", "乙"]],
    );
    let pdf = mini_pdf_with_font(
        &[(0, 600.0, 800.0, c)],
        "/Encoding /Identity-H",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>",
    );
    let ing = pdf::read(&pdf, &ReadOptions::default()).expect("reads");
    let w = ing
        .warnings
        .iter()
        .find(|w| w.code == "pdf_no_unicode")
        .expect("a pdf_no_unicode warning");
    assert!(w.message.contains("6 of 6 characters"), "{}", w.message);
    // The same codes under an Adobe-GB1 font decode by CID: no warning.
    let c = ruled(
        &[100.0, 200.0, 300.0],
        700.0,
        &[&["项目", "预算"], &["甲", "乙"]],
    );
    let pdf = mini_pdf(&[(0, 600.0, 800.0, c)]);
    let ing = pdf::read(&pdf, &ReadOptions::default()).expect("reads");
    assert!(ing.warnings.iter().all(|w| w.code != "pdf_no_unicode"));
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    assert!(pdf::read(b"%PDF-1.4\nnot really", &ReadOptions::default()).is_err());
    assert!(pdf::read(b"", &ReadOptions::default()).is_err());
}

#[test]
fn label_column_running_over_pages_keeps_the_table_whole() {
    // c01 printed landscape with narrower columns: three pages. The 绩效指标 column (A12:A24,
    // merged) has no horizontal line on pages 2 and 3, so those pages' frames start one column
    // further right; they still continue the table, and the labels drawn below a page's last
    // rule (产出指标, 绩效指标) belong to the merged cells, not to rows of their own.
    let grids = read(&sample("c01_landscape_label_column_over_pages.pdf"));
    assert_eq!(grids.len(), 1);
    let g = &grids[0];
    assert_eq!(g.extraction.method.name(), "lattice");
    let widths: Vec<usize> = g.rows.iter().map(|r| r.cells.len()).collect();
    assert!(widths.iter().all(|&w| w == widths[0]), "{widths:?}");
    // No row holds only a label that spans the whole table after the header.
    let header = g
        .rows
        .iter()
        .position(|r| r.cells.iter().flatten().any(|c| c.text == "一级指标"))
        .expect("header row");
    for r in &g.rows[header..] {
        let filled: Vec<&str> = r.cells.iter().flatten().map(|c| c.text.as_str()).collect();
        assert!(filled.len() > 1, "a lone row {filled:?} at {:?}", r.pos);
    }
}
