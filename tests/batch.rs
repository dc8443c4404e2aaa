//! Bulk conversion through the real binary: a folder tree of mixed inputs (PDF, XLSX, XLS,
//! text), a broken workbook, an unrelated text and a file of a format perfnorm does not read.
//! Checks the mirrored outputs, the summary (`report.json`), exit status, deterministic CSV
//! order whatever the jobs, `--skip-unchanged`, `--glob`/`--exclude` and `--shard`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn perfnorm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap()
}

fn copy(sample: &str, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(root().join(sample), to).unwrap();
}

/// in/2022/b01.xlsx, in/2022/b01.xls (same stem: both convert), in/2023/sub/seed.txt,
/// in/pdf/a01.pdf, in/broken.xlsx (not a workbook), in/readme.txt (no table), in/notes.docx
/// (not a format perfnorm reads: not even looked at), in/.hidden/x.txt (hidden: skipped).
fn tree(dir: &Path) -> PathBuf {
    let inp = dir.join("in");
    copy(
        "samples/b01_huaian_tiyu_2022.xlsx",
        &inp.join("2022/b01.xlsx"),
    );
    copy(
        "samples/b01_huaian_tiyu_2022.xls",
        &inp.join("2022/b01.xls"),
    );
    copy(
        "samples/suzhou-2026-jiguan-gongwei.txt",
        &inp.join("2023/sub/seed.txt"),
    );
    copy(
        "samples/pdf/a01_zhenjiang_shuiwu_2026.pdf",
        &inp.join("pdf/a01.pdf"),
    );
    std::fs::write(
        inp.join("broken.xlsx"),
        b"PK\x03\x04 this is not a workbook",
    )
    .unwrap();
    std::fs::write(inp.join("readme.txt"), "这个文件夹存放历年的绩效目标表。\n").unwrap();
    std::fs::write(inp.join("notes.docx"), b"not read").unwrap();
    copy(
        "samples/suzhou-2026-jiguan-gongwei.txt",
        &inp.join(".hidden/x.txt"),
    );
    inp
}

fn report(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn folder_tree_converts_with_summary_failures_and_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let inp = tree(dir.path());
    let out = dir.path().join("out");
    let run = perfnorm(&[
        "convert",
        s(&inp),
        "-d",
        s(&out),
        "-t",
        "json,csv,xlsx",
        "-j",
        "2",
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        run.status.code(),
        Some(1),
        "a failed file gives 1: {stderr}"
    );

    for f in [
        "2022/b01.xlsx.json",
        "2022/b01.xlsx.xlsx",
        "2022/b01.xls.json",
        "2022/b01.xls.xlsx",
        "2023/sub/seed.txt.json",
        "pdf/a01.pdf.json",
        "tables.csv",
        "fields.csv",
        "funds.csv",
        "indicators.csv",
        "diagnostics.csv",
        "report.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing; stderr: {stderr}");
    }
    assert!(!out.join("notes.docx.json").exists());
    assert!(!out.join(".hidden").exists());

    let r = report(&out);
    assert_eq!(r["files"], 6, "{r:#}");
    assert_eq!(r["converted"], 4, "{r:#}");
    assert_eq!(r["failed"], 2, "{r:#}");
    let failed: Vec<&str> = r["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(
        failed.iter().any(|f| f.ends_with("broken.xlsx")),
        "{failed:?}"
    );
    assert!(
        failed.iter().any(|f| f.ends_with("readme.txt")),
        "{failed:?}"
    );
    for f in r["failures"].as_array().unwrap() {
        assert!(!f["reason"].as_str().unwrap().is_empty());
        assert!(
            stderr.contains(f["file"].as_str().unwrap()),
            "named on stderr"
        );
    }
    // The totals are the sums over the JSON outputs.
    let mut tables = 0;
    let mut indicators = 0;
    for f in [
        "2022/b01.xlsx.json",
        "2022/b01.xls.json",
        "2023/sub/seed.txt.json",
        "pdf/a01.pdf.json",
    ] {
        let d: Value = serde_json::from_slice(&std::fs::read(out.join(f)).unwrap()).unwrap();
        for t in d["tables"].as_array().unwrap() {
            tables += 1;
            indicators += t["indicators"].as_array().unwrap().len();
        }
    }
    assert_eq!(r["tables"], tables);
    assert_eq!(r["indicators"], indicators);
    assert!(
        r["warnings_by_code"]["column_shift_repaired"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(
        stderr.contains("4 converted"),
        "summary on stderr: {stderr}"
    );

    // The combined CSV is the same whatever the number of jobs.
    let out1 = dir.path().join("out1");
    perfnorm(&[
        "convert",
        s(&inp),
        "-d",
        s(&out1),
        "-t",
        "csv",
        "-j",
        "1",
        "-q",
    ]);
    for f in ["tables.csv", "indicators.csv", "funds.csv"] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(out1.join(f)).unwrap(),
            "{f} differs between -j 1 and -j 2"
        );
    }

    // Rerun with --skip-unchanged: nothing is reconverted, the CSV set is the same.
    let before = std::fs::read(out.join("indicators.csv")).unwrap();
    let again = perfnorm(&[
        "convert",
        s(&inp),
        "-d",
        s(&out),
        "-t",
        "json,csv,xlsx",
        "--skip-unchanged",
        "-q",
    ]);
    assert_eq!(again.status.code(), Some(1));
    let r = report(&out);
    assert_eq!(r["skipped_unchanged"], 4, "{r:#}");
    assert_eq!(r["converted"], 0);
    assert_eq!(std::fs::read(out.join("indicators.csv")).unwrap(), before);

    // A changed file is converted again, the others still skipped.
    let seed = inp.join("2023/sub/seed.txt");
    let mut text = std::fs::read(&seed).unwrap();
    text.extend_from_slice(b"\n");
    std::fs::write(&seed, text).unwrap();
    perfnorm(&[
        "convert",
        s(&inp),
        "-d",
        s(&out),
        "-t",
        "json,csv,xlsx",
        "--skip-unchanged",
        "-q",
    ]);
    let r = report(&out);
    assert_eq!(
        (r["converted"].as_u64(), r["skipped_unchanged"].as_u64()),
        (Some(1), Some(3))
    );
}

#[test]
fn all_good_exits_zero_and_quiet_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let inp = tree(dir.path());
    let out = dir.path().join("out");
    let run = perfnorm(&["convert", s(&inp.join("2023")), "-d", s(&out), "-q"]);
    assert_eq!(run.status.code(), Some(0));
    assert!(
        run.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out.join("sub/seed.txt.json").is_file());
}

#[test]
fn glob_exclude_and_shards_pick_files() {
    let dir = tempfile::tempdir().unwrap();
    let inp = tree(dir.path());
    let files = |out: &Path| -> Vec<String> {
        let r = report(out);
        let mut v: Vec<String> = r["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["output"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    let g = dir.path().join("g");
    perfnorm(&["convert", s(&inp), "-d", s(&g), "--glob", "*.xlsx", "-q"]);
    assert_eq!(files(&g), ["2022/b01.xlsx", "broken.xlsx"]);
    let e = dir.path().join("e");
    perfnorm(&[
        "convert",
        s(&inp),
        "-d",
        s(&e),
        "--exclude",
        "2022/**",
        "--exclude",
        "*.pdf",
        "-q",
    ]);
    assert_eq!(
        files(&e),
        ["2023/sub/seed.txt", "broken.xlsx", "readme.txt"]
    );

    let mut union = Vec::new();
    for k in 1..=3 {
        let o = dir.path().join(format!("shard{k}"));
        perfnorm(&[
            "convert",
            s(&inp),
            "-d",
            s(&o),
            "--shard",
            &format!("{k}/3"),
            "-q",
        ]);
        union.extend(files(&o));
    }
    union.sort();
    let all = dir.path().join("all");
    perfnorm(&["convert", s(&inp), "-d", s(&all), "-q"]);
    assert_eq!(union, files(&all), "the shards cover every file once");
    let bad = perfnorm(&["convert", s(&inp), "-d", s(&all), "--shard", "4/3"]);
    assert_eq!(bad.status.code(), Some(2));
}
