//! Process isolation (`app::pool`): a worker process that aborts, overflows its stack, runs
//! out of its memory limit or out of time fails only the file it held; the batch goes on with a
//! new worker and ends with a complete report.json; outputs written through workers are the
//! bytes an in-process run writes.
//!
//! No input perfnorm knows of kills a worker any more (each crasher is fixed at its root), so
//! the deaths are made on purpose with the test-only `PERFNORM_TEST_CRASH` hook of the worker
//! (`app::worker::test_hooks`), on files named for it.

mod common;

use common::root;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Valid samples the batch cycles through (each converts with tables).
const GOOD: &[&str] = &[
    "suzhou-2026-jiguan-gongwei.txt",
    "b01_huaian_tiyu_2022.xlsx",
    "b01_huaian_tiyu_2022.xls",
    "multi_sheet_department.ods",
    "pdf/a01_zhenjiang_shuiwu_2026.pdf",
];

/// How each crash-hooked file must be reported.
const DEATHS: &[(&str, &str)] = &[
    ("abort", "crashed (signal 6)"),
    ("overflow", "crashed (signal 6, stack overflow)"),
    ("oom", "out of memory (limit 256M"),
    ("hang", "timed out after 3 s"),
];

fn perfnorm(args: &[&std::ffi::OsStr], crash: &str) -> (Output, Duration) {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .args(args)
        .env("PERFNORM_TEST_CRASH", crash)
        .output()
        .unwrap();
    (out, t.elapsed())
}

/// A folder of 100 valid files (copies of `GOOD`, named `good-NNN.ext`) and one file per
/// kind of death (`dies-KIND.txt`, a valid table too: only the hook kills its worker).
fn archive(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for i in 0..100 {
        let src = root().join("samples").join(GOOD[i % GOOD.len()]);
        let ext = src.extension().unwrap().to_str().unwrap();
        std::fs::copy(&src, input.join(format!("good-{i:03}.{ext}"))).unwrap();
    }
    let seed = root().join("samples/suzhou-2026-jiguan-gongwei.txt");
    for (kind, _) in DEATHS {
        // Spread over the batch, so later files must go to new workers.
        std::fs::copy(
            &seed,
            input.join(format!("good-0{}-dies-{kind}.txt", kind.len())),
        )
        .unwrap();
    }
    input
}

fn crash_spec() -> String {
    DEATHS
        .iter()
        .map(|(k, _)| format!("{k}:dies-{k}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn report(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap()
}

#[test]
fn dead_workers_fail_only_their_files_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = archive(dir.path());
    let out = dir.path().join("out");
    let (o, took) = perfnorm(
        &[
            "convert".as_ref(),
            input.as_os_str(),
            "-d".as_ref(),
            out.as_os_str(),
            "-t".as_ref(),
            "json,csv".as_ref(),
            "-q".as_ref(),
            "-j".as_ref(),
            "2".as_ref(),
            "--timeout".as_ref(),
            "3".as_ref(),
            "--max-memory".as_ref(),
            "256M".as_ref(),
        ],
        &crash_spec(),
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(took < Duration::from_secs(120), "{took:?}");
    let r = report(&out);
    assert_eq!(r["files"], 104, "{r}");
    assert_eq!(r["converted"], 100, "{r}");
    assert_eq!(r["failed"], 4, "{r}");
    let failures = r["failures"].as_array().unwrap();
    for (kind, why) in DEATHS {
        let f = failures
            .iter()
            .find(|f| {
                f["file"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("dies-{kind}"))
            })
            .unwrap_or_else(|| panic!("{kind} not reported: {r}"));
        let reason = f["reason"].as_str().unwrap();
        assert!(reason.contains(why), "{kind}: {reason}");
        assert!(
            stderr.contains(&format!("dies-{kind}.txt: ")) && stderr.contains(why),
            "{kind} not on stderr: {stderr}"
        );
    }
    // Every input is in the report in input order; every good file has its output.
    let inputs = r["inputs"].as_array().unwrap();
    let mut names: Vec<&str> = inputs
        .iter()
        .map(|i| i["output"].as_str().unwrap())
        .collect();
    let sorted = {
        let mut s = names.clone();
        s.sort();
        s
    };
    assert_eq!(names, sorted);
    names.retain(|n| !n.contains("dies-"));
    assert_eq!(names.len(), 100);
    for n in names {
        assert!(out.join(format!("{n}.json")).is_file(), "{n}");
    }
    // The CSV set holds the 100 good files' tables and nothing of the dead ones.
    let tables = std::fs::read_to_string(out.join("tables.csv")).unwrap();
    assert!(!tables.contains("dies-"), "{tables}");
    assert!(tables.lines().count() > 100, "{}", tables.lines().count());
}

#[test]
fn check_goes_on_after_a_dead_worker() {
    let dir = tempfile::tempdir().unwrap();
    let seed = root().join("samples/suzhou-2026-jiguan-gongwei.txt");
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b-dies-abort.txt");
    let c = dir.path().join("c.txt");
    for p in [&a, &b, &c] {
        std::fs::copy(&seed, p).unwrap();
    }
    let (o, _) = perfnorm(
        &[
            "check".as_ref(),
            a.as_os_str(),
            b.as_os_str(),
            c.as_os_str(),
        ],
        "abort:dies-abort",
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("b-dies-abort.txt: error: failed: crashed (signal 6)"),
        "{stdout}"
    );
    assert!(stdout.contains("c.txt: table 1"), "{stdout}");
    assert!(stdout.contains("3 files, 1 failed"), "{stdout}");
}

#[test]
fn one_file_that_kills_its_worker_ends_in_exit_1_naming_it() {
    let seed = root().join("samples/suzhou-2026-jiguan-gongwei.txt");
    let (o, _) = perfnorm(
        &[
            "convert".as_ref(),
            seed.as_os_str(),
            "-o".as_ref(),
            "-".as_ref(),
        ],
        "overflow:jiguan",
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("suzhou-2026-jiguan-gongwei.txt: crashed (signal 6, stack overflow)"),
        "{stderr}"
    );
    // In-process (`--no-isolate`) the hook does nothing: it lives in the worker only.
    let (o, _) = perfnorm(
        &[
            "convert".as_ref(),
            seed.as_os_str(),
            "-o".as_ref(),
            "-".as_ref(),
            "--no-isolate".as_ref(),
        ],
        "abort:jiguan",
    );
    assert_eq!(o.status.code(), Some(0));
}

/// Every sample converts to the same bytes in every format through workers as in-process:
/// the document survives its trip over the pipe exactly (numbers included).
#[test]
fn outputs_through_workers_are_the_in_process_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let samples = root().join("samples");
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "convert".as_ref(),
            samples.as_os_str(),
            "-d".as_ref(),
            out.as_os_str(),
            "-t".as_ref(),
            "json,jsonl,csv,xlsx,parquet".as_ref(),
            "-q".as_ref(),
        ];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        let (o, _) = perfnorm(&args, "");
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        out
    };
    let isolated = run("isolated", &[]);
    let in_process = run("in-process", &["--no-isolate"]);
    let mut files = Vec::new();
    list(&isolated, &mut files);
    assert!(files.len() > 100, "{}", files.len());
    for f in files {
        let rel = f.strip_prefix(&isolated).unwrap();
        let other = in_process.join(rel);
        assert!(
            std::fs::read(&f).unwrap() == std::fs::read(&other).unwrap(),
            "{} differs between isolated and in-process runs",
            rel.display()
        );
    }
}

fn list(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            list(&p, out);
        } else {
            out.push(p);
        }
    }
}
