//! The 表格 sheet prints like the paper form: A4, landscape only where the table is wider
//! than a portrait page, the indicator header row repeated on every printed page, and split
//! 指标值 numbers stored as number cells. Checked on the workbook the binary writes, read back
//! as its XML parts and through calamine.

use calamine::{Data, Reader, Xlsx};
use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The workbook perfnorm writes for `sample`.
fn workbook(sample: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.xlsx");
    let o = Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .current_dir(root())
        .args(["convert", sample, "-o", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read(out).unwrap()
}

/// One XML part of the workbook, as text.
fn part(xlsx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The `<pageSetup …/>` element of the 表格 sheet (the first sheet).
fn page_setup(xlsx: &[u8]) -> String {
    let sheet = part(xlsx, "xl/worksheets/sheet1.xml");
    let at = sheet.find("<pageSetup").expect("no pageSetup");
    let end = sheet[at..].find("/>").unwrap();
    sheet[at..at + end].to_string()
}

/// The rows the 表格 sheet repeats on every page (`$5:$5`), if any.
fn print_titles(xlsx: &[u8]) -> Option<String> {
    let wb = part(xlsx, "xl/workbook.xml");
    let at = wb.find("_xlnm.Print_Titles")?;
    let text = &wb[at..];
    let start = text.find('>')? + 1;
    let end = text.find("</definedName>")?;
    Some(text[start..end].to_string())
}

/// The 表格 sheet's cells, row by row.
fn table_sheet(xlsx: &[u8]) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.to_vec())).unwrap();
    let range = wb.worksheet_range("表格").unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

#[test]
fn table_sheet_is_a4_with_its_header_row_on_every_page() {
    let xlsx = workbook("samples/b01_huaian_tiyu_2022.xlsx");
    let setup = page_setup(&xlsx);
    assert!(setup.contains(r#"paperSize="9""#), "{setup}");
    assert!(setup.contains(r#"fitToHeight="0""#), "{setup}");
    // The repeated row is the indicator header: its first cell reads 一级指标.
    let titles = print_titles(&xlsx).expect("no print titles");
    let row: usize = titles
        .rsplit('$')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{titles}"));
    assert!(
        titles.starts_with("'表格'!$") || titles.starts_with("表格!$"),
        "{titles}"
    );
    let cells = table_sheet(&xlsx);
    assert_eq!(
        cells[row - 1][0],
        Data::String("一级指标".into()),
        "{titles}"
    );
}

#[test]
fn split_values_are_number_cells() {
    // d01 writes its values split: 指标性质 | 指标值 | 度量单位.
    let xlsx = workbook("samples/d01_yangzhou_hedao_qingyu_2025.tsv.txt");
    let cells = table_sheet(&xlsx);
    // The columns under a split header: 指标性质 | <value column> | 度量单位.
    let mut numbers = 0;
    let mut value_col = None;
    for row in &cells {
        if let Some(k) = row
            .iter()
            .position(|c| *c == Data::String("指标性质".into()))
        {
            value_col = Some(k + 1);
            continue;
        }
        if let Some(k) = value_col
            && let Some(c) = row.get(k)
        {
            match c {
                Data::Float(_) | Data::Int(_) => numbers += 1,
                // What stays text is what a number cell would not show the same way.
                Data::String(s) => assert!(
                    s.parse::<f64>().map_or(true, |n| n.to_string() != *s),
                    "{s:?} is a number stored as text"
                ),
                _ => {}
            }
        }
    }
    assert!(value_col.is_some(), "no split header");
    assert!(numbers > 0, "no number cell under 指标值");
}

#[test]
fn landscape_only_where_the_table_is_wide() {
    // b01's indicator block has split value columns and attributes: wider than A4 portrait.
    let wide = page_setup(&workbook("samples/b01_huaian_tiyu_2022.xlsx"));
    assert!(wide.contains(r#"orientation="landscape""#), "{wide}");
    // d01 is a narrow project table: it prints upright, like the paper form.
    let narrow = workbook("samples/d01_yangzhou_hedao_qingyu_2025.tsv.txt");
    let setup = page_setup(&narrow);
    assert!(!setup.contains(r#"orientation="landscape""#), "{setup}");
    assert!(setup.contains(r#"paperSize="9""#), "{setup}");
}
