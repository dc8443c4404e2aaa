//! Safe output: whatever the inputs are called (`..` in the path, absolute paths, odd Unicode,
//! sheet names that look like paths), every output lands under the chosen output folder; an
//! existing output is replaced whole, with no temp files left; and a written XLSX holds no
//! formula, even where a cell's text starts with `=`.

use calamine::{Reader, Xlsx, open_workbook};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seed() -> Vec<u8> {
    std::fs::read(root().join("samples/suzhou-2026-jiguan-gongwei.txt")).unwrap()
}

fn perfnorm(args: &[&std::ffi::OsStr], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

/// Every file below `dir` (following nothing: symlinks are listed, not entered).
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The tree below `dir` as sorted relative paths.
fn tree(dir: &Path) -> Vec<String> {
    let mut v = Vec::new();
    files(dir, &mut v);
    let mut v: Vec<String> = v
        .iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn names_from_inputs_stay_under_the_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let inp = base.join("work").join("in");
    std::fs::create_dir_all(inp.join("sub")).unwrap();
    // Odd names a real archive can hold: right-to-left override, a newline, leading dashes
    // and dots, full-width slashes and dots that look like a path, and a deep sub-folder.
    let odd = [
        "a\u{202e}txt.exe.txt",
        "line\nbreak.txt",
        "-o.txt",
        "．．／．．／escape.txt",
        "sub/inner.txt",
        "名称 带空格.txt",
    ];
    for n in odd {
        std::fs::write(inp.join(n), seed()).unwrap();
    }
    // Names starting with a dot are hidden: a folder walk leaves them out (named on the
    // command line they are converted, below).
    for n in ["..txt", "...txt"] {
        std::fs::write(inp.join(n), seed()).unwrap();
    }
    let out = base.join("work").join("out");
    let o = perfnorm(
        &[
            "convert".as_ref(),
            "in".as_ref(),
            "-d".as_ref(),
            "out".as_ref(),
            "-t".as_ref(),
            "json,csv,xlsx".as_ref(),
            "-q".as_ref(),
        ],
        &base.join("work"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Nothing was written outside out/ (the only other things in work/ are the inputs).
    let mut all = tree(&base.join("work"));
    all.retain(|p| !p.starts_with("in/") && !p.starts_with("out/"));
    assert!(all.is_empty(), "written outside out/: {all:?}");
    let outs = tree(&out);
    for n in odd {
        assert!(
            outs.contains(&format!("{n}.json")),
            "{n:?} has no output in {outs:?}"
        );
        assert!(outs.contains(&format!("{n}.xlsx")), "{n:?}");
    }
    let canon_out = out.canonicalize().unwrap();
    let mut paths = Vec::new();
    files(&out, &mut paths);
    for p in paths {
        assert!(
            p.canonicalize().unwrap().starts_with(&canon_out),
            "{} is outside {}",
            p.display(),
            out.display()
        );
        let name = p.file_name().unwrap().to_string_lossy();
        assert!(!name.ends_with(".tmp"), "temp file left: {name}");
    }

    // Inputs named with `..` and absolute paths: the output is named by the file name alone.
    let o = perfnorm(
        &[
            "convert".as_ref(),
            "in/sub/../-o.txt".as_ref(),
            inp.join("..txt").as_os_str(),
            "-d".as_ref(),
            "out2".as_ref(),
            "-q".as_ref(),
        ],
        &base.join("work"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        tree(&base.join("work/out2")),
        vec!["-o.txt.json", "..txt.json", "report.json"]
    );
}

#[test]
fn a_symlink_and_a_parent_step_cannot_climb() {
    // A symlink to a file outside the input folder, and an input folder named through `..`:
    // the output names never hold a parent step.
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    std::fs::create_dir_all(base.join("in/deeper")).unwrap();
    std::fs::write(base.join("outside.txt"), seed()).unwrap();
    std::os::unix::fs::symlink(base.join("outside.txt"), base.join("in/deeper/up.txt")).unwrap();
    let o = perfnorm(
        &[
            "convert".as_ref(),
            "in/deeper/..".as_ref(),
            "-d".as_ref(),
            "out".as_ref(),
            "-q".as_ref(),
        ],
        base,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let outs = tree(&base.join("out"));
    assert!(
        outs.iter().all(|p| !p.split('/').any(|s| s == "..")),
        "{outs:?}"
    );
    assert!(outs.contains(&"deeper/up.txt.json".to_string()), "{outs:?}");
    let mut top = tree(base);
    top.retain(|p| !p.starts_with("in/") && !p.starts_with("out/"));
    assert_eq!(top, vec!["outside.txt"]);
}

/// A minimal xlsx whose one sheet is named `sheet` (any text: the XML is written by hand, as a
/// hostile file would be), holding the seed's first rows.
fn xlsx_named(sheet: &str) -> Vec<u8> {
    let esc = sheet
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    let seed = String::from_utf8(seed()).unwrap();
    let mut rows = String::new();
    for (r, line) in seed.lines().take(40).enumerate() {
        rows += &format!(r#"<row r="{}">"#, r + 1);
        for (c, v) in line.split('\t').enumerate() {
            if v.trim().is_empty() {
                continue;
            }
            let v = v.replace('&', "&amp;").replace('<', "&lt;");
            rows += &format!(
                r#"<c r="{}{}" t="inlineStr"><is><t>{v}</t></is></c>"#,
                (b'A' + c as u8) as char,
                r + 1
            );
        }
        rows += "</row>";
    }
    let parts = [
        (
            "[Content_Types].xml".to_string(),
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels".to_string(),
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml".to_string(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{esc}" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels".to_string(),
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml".to_string(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#),
        ),
    ];
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    for (name, body) in parts {
        w.start_file(name, o).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn sheet_names_never_become_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    std::fs::create_dir_all(base.join("in")).unwrap();
    for (i, name) in [
        "../../escape",
        "/etc/passwd",
        "..\\..\\win",
        "\u{202e}sheet",
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(base.join(format!("in/w{i}.xlsx")), xlsx_named(name)).unwrap();
    }
    let o = perfnorm(
        &[
            "convert".as_ref(),
            "in".as_ref(),
            "-d".as_ref(),
            "out".as_ref(),
            "-t".as_ref(),
            "json,csv,xlsx,jsonl".as_ref(),
            "-q".as_ref(),
        ],
        base,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut top = tree(base);
    top.retain(|p| !p.starts_with("in/") && !p.starts_with("out/"));
    assert!(top.is_empty(), "written outside out/: {top:?}");
    let outs = tree(&base.join("out"));
    for i in 0..4 {
        assert!(outs.contains(&format!("w{i}.xlsx.json")), "{outs:?}");
    }
    // Only the per-file outputs, the CSV set and the report: no file named after a sheet.
    assert!(
        outs.iter()
            .all(|p| p.starts_with('w') || p.ends_with(".csv") || p == "report.json"),
        "{outs:?}"
    );
}

#[test]
fn an_existing_output_is_replaced_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    std::fs::write(base.join("a.txt"), seed()).unwrap();
    std::fs::create_dir(base.join("out")).unwrap();
    // A longer old file: a non-atomic, non-truncating writer would leave its tail behind.
    std::fs::write(base.join("out/a.txt.json"), vec![b'x'; 4 << 20]).unwrap();
    let o = perfnorm(
        &[
            "convert".as_ref(),
            "a.txt".as_ref(),
            "-d".as_ref(),
            "out".as_ref(),
            "-q".as_ref(),
        ],
        base,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(base.join("out/a.txt.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["schema"], "perfnorm/1");
    assert_eq!(tree(&base.join("out")), vec!["a.txt.json", "report.json"]);

    // With -o as well: the old file is replaced, no temp file stays beside it.
    std::fs::write(base.join("single.json"), vec![b'y'; 1 << 20]).unwrap();
    let o = perfnorm(
        &[
            "convert".as_ref(),
            "a.txt".as_ref(),
            "-o".as_ref(),
            "single.json".as_ref(),
        ],
        base,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(base.join("single.json")).unwrap()).unwrap();
    assert_eq!(v["schema"], "perfnorm/1");
    assert!(
        !tree(base).iter().any(|p| p.ends_with(".tmp")),
        "{:?}",
        tree(base)
    );
}

#[test]
fn written_xlsx_has_no_formulas() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    // The seed holds `=0%` target values; add cells that Excel would take for formulas.
    let mut text = String::from_utf8(seed()).unwrap();
    text = text.replacen("健全", "=SUM(A1:A9)", 1);
    text = text.replacen("科学", "+cmd|' /C calc'!A0", 1);
    text = text.replacen("规范", "@HYPERLINK(\"http://x\")", 1);
    std::fs::write(base.join("f.txt"), &text).unwrap();
    let out = base.join("f.xlsx");
    let o = perfnorm(
        &[
            "convert".as_ref(),
            "f.txt".as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
            "-t".as_ref(),
            "xlsx".as_ref(),
        ],
        base,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let names = wb.sheet_names().to_vec();
    assert!(!names.is_empty());
    let mut seen_eq = false;
    for name in names {
        let f = wb.worksheet_formula(&name).unwrap();
        let formulas: Vec<_> = f.used_cells().filter(|(_, _, s)| !s.is_empty()).collect();
        assert!(formulas.is_empty(), "sheet {name}: formulas {formulas:?}");
        let values = wb.worksheet_range(&name).unwrap();
        seen_eq |= values.used_cells().any(
            |(_, _, v)| matches!(v, calamine::Data::String(t) if t == "=SUM(A1:A9)" || t == "=0%"),
        );
    }
    // The texts are there, as text.
    assert!(seen_eq, "the =… texts did not reach the workbook as text");
}

/// The temp file of an atomic write has a name nobody can guess and is opened `create_new`:
/// a symlink planted at the old, predictable name (`.NAME.PID.tmp`) redirects nothing, and
/// writers racing on one target never share a temp file.
#[cfg(unix)]
#[test]
fn temp_files_cannot_be_planted() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let outside = base.join("outside.txt");
    std::fs::write(&outside, b"precious").unwrap();
    let out = base.join("out");
    std::fs::create_dir(&out).unwrap();
    let pid = std::process::id();
    std::os::unix::fs::symlink(&outside, out.join(format!(".x.json.{pid}.tmp"))).unwrap();
    std::os::unix::fs::symlink(&outside, out.join(format!(".x.json.{pid}.0.tmp"))).unwrap();
    perfnorm::write::write_atomic(&out.join("x.json"), b"{\"new\":1}").unwrap();
    assert_eq!(std::fs::read(&outside).unwrap(), b"precious");
    assert_eq!(std::fs::read(out.join("x.json")).unwrap(), b"{\"new\":1}");
    // Only the planted links and the output: the temp file is gone.
    assert_eq!(
        tree(&out),
        vec![
            format!(".x.json.{pid}.0.tmp"),
            format!(".x.json.{pid}.tmp"),
            "x.json".to_string()
        ]
    );

    // Eight threads writing one target 25 times each: every write succeeds, the file is one
    // writer's whole content, and no temp file is left.
    let target = out.join("race.json");
    std::thread::scope(|s| {
        for t in 0..8u8 {
            let target = &target;
            s.spawn(move || {
                let body = vec![b'a' + t; 64 << 10];
                for _ in 0..25 {
                    perfnorm::write::write_atomic(target, &body).unwrap();
                }
            });
        }
    });
    let got = std::fs::read(&target).unwrap();
    assert_eq!(got.len(), 64 << 10);
    assert!(got.iter().all(|b| *b == got[0]));
    assert_eq!(tree(&out).len(), 4, "{:?}", tree(&out));
}

/// `--no-clobber`: an existing output is left alone and its input counts as failed (exit 1);
/// the rest of the batch is written, and no temp file stays.
#[test]
fn no_clobber_leaves_existing_outputs_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    std::fs::write(base.join("a.txt"), seed()).unwrap();
    std::fs::write(base.join("b.txt"), seed()).unwrap();
    let run = |extra: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec!["convert".as_ref()];
        args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
        perfnorm(&args, base)
    };
    let o = run(&["a.txt", "b.txt", "-d", "out", "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(base.join("out/a.txt.json"), b"old").unwrap();
    std::fs::remove_file(base.join("out/b.txt.json")).unwrap();

    let o = run(&["a.txt", "b.txt", "-d", "out", "-q", "--no-clobber"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("a.txt.json") && stderr.contains("--no-clobber"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(base.join("out/a.txt.json")).unwrap(), b"old");
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(base.join("out/b.txt.json")).unwrap()).unwrap();
    assert_eq!(b["schema"], "perfnorm/1");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(base.join("out/report.json")).unwrap()).unwrap();
    assert_eq!(report["failed"], 1);
    assert_eq!(report["converted"], 1);
    assert_eq!(
        tree(&base.join("out")),
        vec!["a.txt.json", "b.txt.json", "report.json"]
    );

    // -o: an existing file, and a dangling symlink, are both left as they are.
    std::fs::write(base.join("single.json"), b"keep").unwrap();
    let o = run(&["a.txt", "-o", "single.json", "--no-clobber"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(base.join("single.json")).unwrap(), b"keep");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(base.join("nowhere"), base.join("link.json")).unwrap();
        let o = run(&["a.txt", "-o", "link.json", "--no-clobber"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(!base.join("nowhere").exists());
    }
    // A new -o file is written.
    let o = run(&["a.txt", "-o", "fresh.json", "--no-clobber"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(base.join("fresh.json").is_file());

    // The CSV set is written whole or not at all: one existing file keeps it out, the JSON
    // outputs are still written.
    std::fs::create_dir(base.join("csv")).unwrap();
    std::fs::write(base.join("csv/funds.csv"), b"mine").unwrap();
    let o = run(&["a.txt", "-d", "csv", "-t", "json,csv", "-q", "--no-clobber"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("funds.csv"), "{stderr}");
    assert_eq!(std::fs::read(base.join("csv/funds.csv")).unwrap(), b"mine");
    assert_eq!(
        tree(&base.join("csv")),
        vec!["a.txt.json", "funds.csv", "report.json"]
    );
    assert!(
        !tree(base).iter().any(|p| p.ends_with(".tmp")),
        "{:?}",
        tree(base)
    );
}

/// A symlinked folder inside the output folder cannot carry outputs elsewhere: an output
/// whose folder resolves outside is refused (exit 1), the others are written.
#[cfg(unix)]
#[test]
fn a_symlinked_output_folder_cannot_lead_outside() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    std::fs::create_dir_all(base.join("in/sub")).unwrap();
    std::fs::write(base.join("in/a.txt"), seed()).unwrap();
    std::fs::write(base.join("in/sub/b.txt"), seed()).unwrap();
    std::fs::create_dir_all(base.join("out")).unwrap();
    std::fs::create_dir_all(base.join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(base.join("elsewhere"), base.join("out/sub")).unwrap();
    // And a planted link to a FIFO where an output goes.
    let fifo = base.join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink(&fifo, base.join("out/a.txt.jsonl")).unwrap();
    let o = perfnorm(
        &[
            "convert".as_ref(),
            "in".as_ref(),
            "-d".as_ref(),
            "out".as_ref(),
            "-t".as_ref(),
            "json,jsonl".as_ref(),
            "-q".as_ref(),
        ],
        base,
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sub/b.txt.json") && stderr.contains("outside the output folder"),
        "{stderr}"
    );
    assert!(
        stderr.contains("a.txt.jsonl") && stderr.contains("symlink to a device"),
        "{stderr}"
    );
    assert!(tree(&base.join("elsewhere")).is_empty());
    assert!(base.join("out/a.txt.json").is_file());
}

/// Hidden files a folder walk leaves out are counted as skipped, in the summary and in
/// report.json, not dropped silently.
#[test]
fn hidden_files_are_counted_as_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    std::fs::create_dir_all(base.join("in/.git")).unwrap();
    std::fs::write(base.join("in/a.txt"), seed()).unwrap();
    std::fs::write(base.join("in/.b.txt"), seed()).unwrap();
    std::fs::write(base.join("in/.git/c.txt"), seed()).unwrap();
    // Not a readable format: not a skipped input either.
    std::fs::write(base.join("in/.DS_Store"), b"x").unwrap();
    let o = perfnorm(
        &[
            "convert".as_ref(),
            "in".as_ref(),
            "-d".as_ref(),
            "out".as_ref(),
        ],
        base,
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("2 hidden skipped"), "{stderr}");
    assert_eq!(tree(&base.join("out")), vec!["a.txt.json", "report.json"]);
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(base.join("out/report.json")).unwrap()).unwrap();
    assert_eq!(r["files"], 1);
    assert_eq!(r["converted"], 1);
    assert_eq!(r["skipped_hidden"], 2);
    assert_eq!(
        r["hidden"],
        serde_json::json!(["in/.b.txt", "in/.git/c.txt"])
    );
}
