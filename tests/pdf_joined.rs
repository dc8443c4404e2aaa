//! Issue 13 item 8: a department's disclosure PDF holds many tables one after another. The
//! sample PDFs (one or several tables each, some running over several pages, a landscape one
//! with its label column cut by page breaks) joined into one file with poppler's `pdfunite` must
//! give the same tables with the same indicators, in the same order, as the PDFs one by one: a
//! table's continuation page stays with its table when another table ends just before it, and
//! no table swallows the next one's first page.
//!
//! Needs `pdfunite` (poppler-utils, installed by `.ci/run`); without it the test says so and
//! passes, as a machine without poppler cannot make the joined file.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The PDFs to join: the repository's samples with tables, in a fixed order.
fn inputs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/pdf");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("samples/pdf")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("font_"))
        })
        .collect();
    v.sort();
    v
}

/// (name, indicator count) per table the CLI finds in a PDF.
fn tables(pdf: &Path, out: &Path) -> Vec<(String, usize)> {
    let st = Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .arg("convert")
        .arg(pdf)
        .arg("-o")
        .arg(out)
        .status()
        .expect("perfnorm runs");
    assert!(st.success(), "{} did not convert", pdf.display());
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out).expect("output")).expect("JSON");
    doc["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| {
            let name = t["name"].as_str().unwrap_or_default().to_string();
            let n = t["indicators"].as_array().map_or(0, |a| a.len());
            (name, n)
        })
        .collect()
}

#[test]
fn joined_pdfs_give_the_same_tables_as_one_by_one() {
    let files = inputs();
    assert!(files.len() >= 4, "samples/pdf holds the table PDFs");
    let tmp = std::env::temp_dir().join(format!("perfnorm-joined-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let joined = tmp.join("joined.pdf");
    let united = Command::new("pdfunite").args(&files).arg(&joined).status();
    if !united.is_ok_and(|s| s.success()) {
        eprintln!("pdfunite (poppler-utils) is not installed: joined-PDF test skipped");
        return;
    }
    let one_by_one: Vec<(String, usize)> = files
        .iter()
        .flat_map(|f| tables(f, &tmp.join("one.json")))
        .collect();
    let together = tables(&joined, &tmp.join("all.json"));
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(one_by_one.iter().map(|t| t.1).sum::<usize>() > 100);
    assert_eq!(together, one_by_one);
}
