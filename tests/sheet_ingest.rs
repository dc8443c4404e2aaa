//! The spreadsheet reader on real workbooks: displayed texts, merges as spans, cell references,
//! the same texts from xlsx and xls, sheets laid out one grid each, hostile bytes refused.
//!
//! Expected texts were read from the workbooks with openpyxl (value + number format), not from
//! the corpus `.tsv.txt` files, which are deliberately damaged.

use std::path::PathBuf;

use perfnorm::error::IngestError;
use perfnorm::ingest::{Grid, Ingested, InputFormat, ReadOptions, detect, read};

fn sample(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn ingest(name: &str) -> Ingested {
    ingest_with(name, false)
}

fn ingest_with(name: &str, include_hidden: bool) -> Ingested {
    let bytes = sample(name);
    let ext = name.rsplit('.').next();
    let format = detect(&bytes, ext).expect("detected");
    let opts = ReadOptions {
        include_hidden,
        ..ReadOptions::default()
    };
    read(&bytes, format, &opts).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The text at an A1 reference, with its spans, or `None` when the cell is empty.
fn at(grid: &Grid, cell: &str) -> Option<(String, u32, u32)> {
    grid.rows.iter().find_map(|r| {
        r.filled()
            .find(|(_, c)| c.pos.cell.as_deref() == Some(cell))
            .map(|(_, c)| (c.text.clone(), c.row_span, c.col_span))
    })
}

fn text(grid: &Grid, cell: &str) -> String {
    at(grid, cell).map(|c| c.0).unwrap_or_default()
}

/// Every cell as `sheet!ref span text`, for comparing formats.
fn listing(ing: &Ingested, spans: bool) -> Vec<String> {
    let mut out = Vec::new();
    for g in &ing.grids {
        for r in &g.rows {
            for (_, c) in r.filled() {
                let span = if spans {
                    format!("{}x{}", c.row_span, c.col_span)
                } else {
                    String::new()
                };
                out.push(format!(
                    "{}!{} {span} {:?}",
                    g.sheet.as_deref().unwrap_or(""),
                    c.pos.cell.as_deref().unwrap_or(""),
                    c.text
                ));
            }
        }
    }
    out
}

#[test]
fn b01_xlsx_texts_spans_and_positions() {
    let ing = ingest("b01_huaian_tiyu_2022.xlsx");
    assert_eq!(ing.grids.len(), 1);
    assert!(ing.warnings.is_empty(), "{:?}", ing.warnings);
    let g = &ing.grids[0];
    assert_eq!(g.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(g.extraction.method.name(), "spreadsheet");
    assert_eq!(g.extraction.confidence, 1.0);
    // Amounts formatted #,##0.00, as the workbook shows them.
    assert_eq!(text(g, "F7"), "2,473.74");
    assert_eq!(text(g, "H7"), "0.00");
    // Title merged across all eight columns.
    assert_eq!(at(g, "A1").map(|c| (c.1, c.2)), Some((1, 8)));
    // Row positions are absolute, 1-based sheet rows.
    for r in &g.rows {
        let row = r.pos.row.expect("row number");
        for (c, cell) in r.filled() {
            let letters = perfnorm::grid::column_letters(c as u32);
            assert_eq!(cell.pos.cell, Some(format!("{letters}{row}")));
            assert_eq!(cell.pos.sheet.as_deref(), Some("Sheet1"));
            assert_eq!(cell.text, cell.text.trim());
        }
    }
}

#[test]
fn xls_reads_like_xlsx_including_number_formats_and_merges() {
    let xlsx = ingest("b01_huaian_tiyu_2022.xlsx");
    let xls = ingest("b01_huaian_tiyu_2022.xls");
    assert!(xls.warnings.is_empty(), "{:?}", xls.warnings);
    assert_eq!(listing(&xlsx, true), listing(&xls, true));

    let xlsx = ingest("multi_sheet_department.xlsx");
    let xls = ingest("multi_sheet_department.xls");
    assert_eq!(listing(&xlsx, true), listing(&xls, true));
}

#[test]
fn ods_reads_like_xlsx_including_displayed_numbers_and_merges() {
    let xlsx = ingest("b01_huaian_tiyu_2022.xlsx");
    let ods = ingest("b01_huaian_tiyu_2022.ods");
    // Our own content.xml reader knows merges and the displayed texts: no warnings.
    assert!(ods.warnings.is_empty(), "{:?}", ods.warnings);
    let g = &ods.grids[0];
    // The text LibreOffice displayed, with the #,##0.00 format applied.
    assert_eq!(text(g, "F7"), "2,473.74");
    // Title merged across all eight columns.
    assert_eq!(at(g, "A1").map(|c| (c.1, c.2)), Some((1, 8)));
    assert_eq!(listing(&xlsx, true), listing(&ods, true));

    let xlsx = ingest("multi_sheet_department.xlsx");
    let ods = ingest("multi_sheet_department.ods");
    assert!(ods.warnings.is_empty(), "{:?}", ods.warnings);
    assert_eq!(listing(&xlsx, true), listing(&ods, true));
}

/// Whether two cell texts are the same number however formatted (`2,473.74` and `2473.74`,
/// `0.00` and `0`).
fn same_number(a: &str, b: &str) -> bool {
    let num = |s: &str| s.replace(',', "").parse::<f64>().ok();
    matches!((num(a), num(b)), (Some(x), Some(y)) if x == y)
}

#[test]
fn xlsb_reads_like_xlsx_including_merges_with_numbers_as_general() {
    // samples/*.xlsb are written from the xlsx by scripts/make_xlsb_sample.py.
    let xlsx = ingest("b01_huaian_tiyu_2022.xlsx");
    let xlsb = ingest("b01_huaian_tiyu_2022.xlsb");
    // Our own record walk knows the merges; calamine keeps xlsb number formats private.
    let codes: Vec<&str> = xlsb.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["number_formats_unknown"]);
    let g = &xlsb.grids[0];
    assert_eq!(g.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(at(g, "A1").map(|c| (c.1, c.2)), Some((1, 8)));
    assert_eq!(at(g, "A15").map(|c| (c.1, c.2)), Some((17, 1)));
    // #,##0.00 amounts as General.
    assert_eq!(text(g, "F7"), "2473.74");
    assert_eq!(text(g, "H7"), "0");
    // Every cell at the same place with the same spans; texts equal but for the numbers.
    let (a, b) = (listing(&xlsx, true), listing(&xlsb, true));
    assert_eq!(a.len(), b.len());
    let mut general = 0;
    for (a, b) in a.iter().zip(&b) {
        let (pa, ta) = a.split_once(" \"").unwrap();
        let (pb, tb) = b.split_once(" \"").unwrap();
        assert_eq!(pa, pb);
        if ta != tb {
            assert!(
                same_number(ta.trim_end_matches('"'), tb.trim_end_matches('"')),
                "{a} / {b}"
            );
            general += 1;
        }
    }
    assert!(general > 0);
}

#[test]
fn multi_sheet_workbook_gives_one_grid_per_non_empty_sheet() {
    let ing = ingest("multi_sheet_department.xlsx");
    let names: Vec<_> = ing.grids.iter().map(|g| g.sheet.clone().unwrap()).collect();
    // The empty sheet 空白 is skipped.
    assert_eq!(names, ["部门整体", "项目1", "项目2", "项目3和4", "格式"]);
    let two = &ing.grids[3];
    // Two tables one under the other, with the blank spacer rows omitted but numbering kept.
    assert_eq!(text(two, "A1"), "项目支出绩效目标表");
    assert_eq!(text(two, "A25"), "扬州市市级项目支出绩效目标表");
    let rows: Vec<u32> = two.rows.iter().map(|r| r.pos.row.unwrap()).collect();
    assert!(rows.contains(&22) && !rows.contains(&23) && !rows.contains(&24));
    assert!(two.rows.iter().all(|r| !r.is_empty()));
    // The project sheets keep their formats and merges.
    assert_eq!(text(&ing.grids[1], "D8"), "387.00");
    assert_eq!(text(&ing.grids[2], "F8"), "1,290.00");
    assert_eq!(at(&ing.grids[2], "A8").map(|c| (c.1, c.2)), Some((4, 2)));
}

#[test]
fn values_read_as_a_person_sees_them() {
    for name in [
        "multi_sheet_department.xlsx",
        "multi_sheet_department.xls",
        "multi_sheet_department.ods",
    ] {
        let ing = ingest(name);
        let g = ing
            .grids
            .iter()
            .find(|g| g.sheet.as_deref() == Some("格式"))
            .unwrap();
        assert_eq!(text(g, "A1"), "95%", "{name}");
        assert_eq!(text(g, "A2"), "2026-12-31", "{name}");
        assert_eq!(text(g, "A3"), "TRUE", "{name}");
        assert_eq!(text(g, "A4"), "=0%", "{name}");
        assert_eq!(text(g, "A5"), "1,234,567.50", "{name}");
        assert_eq!(text(g, "A6"), "两行\n文本", "{name}");
        assert_eq!(text(g, "A7"), "#N/A", "{name}");
        assert_eq!(text(g, "C8"), "26.5", "{name}");
        // Text cells that look like formulas stay text.
        let dept = &ing.grids[0];
        assert_eq!(text(dept, "F24"), "=0起", "{name}");
    }
}

#[test]
fn detection_by_content() {
    for (name, format) in [
        ("b01_huaian_tiyu_2022.xlsx", InputFormat::Xlsx),
        ("b01_huaian_tiyu_2022.xls", InputFormat::Xls),
        ("b01_huaian_tiyu_2022.ods", InputFormat::Ods),
        ("b01_huaian_tiyu_2022.xlsb", InputFormat::Xlsb),
    ] {
        let bytes = sample(name);
        assert_eq!(detect(&bytes, None), Some(format), "{name}");
        // A wrong extension does not fool it.
        assert_eq!(detect(&bytes, Some("xlsb")), Some(format), "{name}");
    }
}

#[test]
fn sparse_cells_far_apart_do_not_allocate_the_whole_sheet() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "左上").unwrap();
    ws.write_string(1_048_575, 16_383, "右下").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let ing = read(&bytes, InputFormat::Xlsx, &ReadOptions::default()).unwrap();
    let g = &ing.grids[0];
    assert_eq!(g.rows.len(), 2);
    assert_eq!(text(g, "A1"), "左上");
    assert_eq!(text(g, "XFD1048576"), "右下");
}

fn refused(bytes: &[u8], format: InputFormat) -> IngestError {
    // Through the public entry point, which also contains panics: a panic would show up as
    // NotFormat "the reader failed", which these tests reject.
    match read(bytes, format, &ReadOptions::default()) {
        Ok(_) => panic!("hostile input accepted as {format:?}"),
        Err(e) => e,
    }
}

#[test]
fn hostile_workbooks_are_errors_not_panics() {
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    for format in [
        InputFormat::Xlsx,
        InputFormat::Xls,
        InputFormat::Xlsb,
        InputFormat::Ods,
    ] {
        let e = refused(&garbage, format);
        assert!(matches!(e, IngestError::Spreadsheet(_)), "{format:?}: {e}");
        assert!(matches!(refused(b"", format), IngestError::Empty));
    }
    for name in [
        "b01_huaian_tiyu_2022.xlsx",
        "b01_huaian_tiyu_2022.xls",
        "b01_huaian_tiyu_2022.ods",
        "b01_huaian_tiyu_2022.xlsb",
    ] {
        let bytes = sample(name);
        let format = detect(&bytes, None).unwrap();
        for cut in [bytes.len() / 2, 600] {
            let e = refused(&bytes[..cut], format);
            assert!(
                matches!(e, IngestError::Spreadsheet(_)),
                "{name} cut at {cut}: {e}"
            );
        }
        // Losing the tail: an xls whose last sectors are padding still reads whole; otherwise
        // it is an error, never a silently shorter table.
        match read(&bytes[..bytes.len() - 100], format, &ReadOptions::default()) {
            Ok(ing) => assert_eq!(listing(&ing, true), listing(&ingest(name), true), "{name}"),
            Err(e) => assert!(matches!(e, IngestError::Spreadsheet(_)), "{name}: {e}"),
        }
    }
    // A zip that is not a workbook, and an OLE header with nothing behind it.
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend_from_slice(&[0; 200]);
    assert!(matches!(
        refused(&zip, InputFormat::Xlsx),
        IngestError::Spreadsheet(_)
    ));
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend_from_slice(&[0xFF; 600]);
    assert!(matches!(
        refused(&ole, InputFormat::Xls),
        IngestError::Spreadsheet(_)
    ));
}

#[test]
fn corpus_workbooks_read_as_displayed_when_present() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(a01) = std::fs::read(dir.join("a01_zhenjiang_shuiwu_2026.xlsx")) else {
        return;
    };
    let ing = read(&a01, InputFormat::Xlsx, &ReadOptions::default()).unwrap();
    assert_eq!(ing.grids.len(), 1);
    let g = &ing.grids[0];
    assert!(g.rows.len() > 70);
    // 0.00-formatted amounts (openpyxl: F6 = 6561.47, F9 = 524, E16 = 1728.4, format 0.00).
    assert_eq!(text(g, "F6"), "6561.47");
    assert_eq!(text(g, "F9"), "524.00");
    assert_eq!(text(g, "E16"), "1728.40");
    let d02 = std::fs::read(dir.join("d02_zhenjiang_quanmin_jianshen_2026.xlsx")).unwrap();
    let ing = read(&d02, InputFormat::Xlsx, &ReadOptions::default()).unwrap();
    assert_eq!(text(&ing.grids[0], "F8"), "1,290.00");
    assert_eq!(text(&ing.grids[0], "F11"), "65.00");
}

#[test]
fn hidden_rows_and_columns_are_kept_and_flagged_in_every_format() {
    // Row 19 (an indicator) and column D (the 二级 labels) are hidden; so is column B, an
    // empty spacer with nothing to flag.
    let expect = [
        (
            "hidden_rows",
            "sheet \"绩效目标\": row 19 is hidden in the workbook; its cells are read like the others \
             (--include-hidden)",
        ),
        (
            "hidden_columns",
            "sheet \"绩效目标\": column D is hidden in the workbook; its cells are read like the \
             others (--include-hidden)",
        ),
    ];
    let xlsx = ingest_with("layouts/messy_sheet.xlsx", true);
    for name in [
        "layouts/messy_sheet.xlsx",
        "layouts/messy_sheet.xls",
        "layouts/messy_sheet.ods",
        "layouts/messy_sheet.xlsb",
    ] {
        // By default hidden cells are left out of the rows (as in the print) and handed over
        // apart, so the normalizer can still place them.
        let default = ingest(name);
        assert!(at(&default.grids[0], "D19").is_none(), "{name}");
        assert!(
            default.grids[0].hidden.iter().any(|c| c.text == "时效指标"),
            "{name}"
        );
        let ing = ingest_with(name, true);
        // xlsb numbers are shown as General (this sheet's are General anyway).
        let got: Vec<(&str, &str)> = ing
            .warnings
            .iter()
            .filter(|w| !(name.ends_with(".xlsb") && w.code == "number_formats_unknown"))
            .map(|w| (w.code.as_str(), w.message.as_str()))
            .collect();
        assert_eq!(got, expect, "{name}");
        // Kept: the hidden row's indicator and the hidden column's labels are read.
        let g = &ing.grids[0];
        assert_eq!(text(g, "E19"), "造林任务完成时间", "{name}");
        assert_eq!(text(g, "D19"), "时效指标", "{name}");
        assert_eq!(listing(&xlsx, true), listing(&ing, true), "{name}");
    }
}
