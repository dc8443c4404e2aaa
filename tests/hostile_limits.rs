//! Limits that hold for every format (issue 15): `--max-cells` counts the cells of text tables
//! too (rows × columns, empty ones counted), and a cell longer than `--max-cell-chars` (32,767
//! by default, the most an xlsx cell holds) is cut with a `cell_truncated` warning quoting its
//! start, the same text in every writer. HTML nesting is bounded, and a zip workbook with two
//! entries of one name is refused, naming the entry.

mod common;

use common::root;
use perfnorm::{ConvertOptions, convert_bytes};
use std::path::Path;
use std::time::{Duration, Instant};

fn limit_error(name: &str, bytes: &[u8]) -> String {
    let t = Instant::now();
    let e = convert_bytes(Path::new(name), bytes, &ConvertOptions::default())
        .expect_err(name)
        .to_string();
    assert!(
        t.elapsed() < Duration::from_secs(30),
        "{name}: {:?}",
        t.elapsed()
    );
    e
}

#[test]
fn text_cells_count_against_max_cells() {
    // One line of two million tabs: two million cells, 2 MB of input.
    let tabs = format!("指标\t{}值\n", "\t".repeat(2_000_000));
    let e = limit_error("tabs.txt", tabs.as_bytes());
    assert!(
        e.starts_with("tabs.txt: limit exceeded: the text table has more than 500000 cells")
            && e.contains("--max-cells"),
        "{e}"
    );
    // 200,000 rows of four columns, tab- and comma-separated.
    let rows = "一级\t二级\t三级\t指标值\n".repeat(200_000);
    let e = limit_error("rows.tsv", rows.as_bytes());
    assert!(e.contains("more than 500000 cells"), "{e}");
    let rows = "一级,二级,三级,指标值\n".repeat(200_000);
    let e = limit_error("rows.csv", rows.as_bytes());
    assert!(e.contains("more than 500000 cells"), "{e}");
}

#[test]
fn long_cells_are_cut_the_same_in_every_writer() {
    let seed =
        std::fs::read_to_string(root().join("samples/suzhou-2026-jiguan-gongwei.txt")).unwrap();
    let long = format!("甲{}", "乙".repeat(40_000));
    let text = seed.replacen("(一) 按照中央", &long, 1);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("long.txt");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("out");
    let o = common::perfnorm(&[
        "convert",
        input.to_str().unwrap(),
        "-d",
        out.to_str().unwrap(),
        "-t",
        "json,csv,xlsx",
        "-q",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("long.txt.json")).unwrap()).unwrap();
    let field = doc["tables"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["label"] == "单位主要职能")
        .unwrap();
    let kept = field["text"].as_str().unwrap();
    assert_eq!(kept.chars().count(), 32_767);
    assert!(kept.starts_with("甲乙乙"));
    let diag = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "cell_truncated")
        .expect("a cell_truncated diagnostic");
    let msg = diag["message"].as_str().unwrap();
    assert!(
        msg.contains("a cell of 40") && msg.contains("cut to 32767") && msg.contains("\"甲乙乙"),
        "{msg}"
    );
    // The CSV set holds the same cut text; the workbook was written (it fails past 32,767).
    let fields = std::fs::read_to_string(out.join("fields.csv")).unwrap();
    assert!(fields.contains(kept), "fields.csv lacks the cut text");
    assert!(out.join("long.txt.xlsx").is_file());
}

#[test]
fn deep_html_is_refused_in_linear_time() {
    // 100,000 nested <div> (19 s of parsing before), and the table after more than 1 MB.
    let html = format!(
        "<html><body>{}<table><tr><td>一级指标</td><td>指标值</td></tr></table></body></html>",
        "<div>".repeat(100_000)
    );
    let e = limit_error("deep.html", html.as_bytes());
    assert!(
        e.starts_with("deep.html: limit exceeded: the HTML nests elements more than 512 deep"),
        "{e}"
    );
}

#[test]
fn a_zip_with_two_entries_of_one_name_is_refused_naming_it() {
    use std::io::{Read, Write};
    let bytes = std::fs::read(root().join("samples/b01_huaian_tiyu_2022.xlsx")).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let opts = zip::write::SimpleFileOptions::default();
        if name == "xl/worksheets/sheet1.xml" {
            // A second sheet part of another name, renamed below to the same name.
            out.start_file("xl/worksheets/sheetZ.xml", opts).unwrap();
            out.write_all(b"<worksheet/>").unwrap();
        }
        out.start_file(name, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    let mut b = out.finish().unwrap().into_inner();
    let (from, to) = (b"sheetZ.xml", b"sheet1.xml");
    let mut i = 0;
    while let Some(p) = b[i..].windows(from.len()).position(|w| w == from) {
        b[i + p..i + p + to.len()].copy_from_slice(to);
        i += p + to.len();
    }
    let e = limit_error("dup.xlsx", &b);
    assert!(
        e.contains("two zip entries named \"xl/worksheets/sheet1.xml\""),
        "{e}"
    );
}
