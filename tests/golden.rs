//! Golden tests: run the real binary on every input in `samples/` and compare its JSON with
//! `golden/<sample>.json`. A mismatch prints a readable diff. `UPDATE_GOLDEN=1 cargo test`
//! rewrites the goldens: review the diff (`git diff golden/`) before committing.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{root, samples};

/// The relative sample path, as the binary is given it (so `source.file` is stable).
fn rel(p: &Path) -> PathBuf {
    p.strip_prefix(root()).unwrap().to_path_buf()
}

fn golden_path(sample: &Path) -> PathBuf {
    let r = rel(sample);
    let r = r.strip_prefix("samples").unwrap();
    root().join("golden").join(format!("{}.json", r.display()))
}

fn convert(sample: &Path) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .current_dir(root())
        .args(["convert", "-o", "-"])
        .arg(rel(sample))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn diff(expected: &str, actual: &str) -> String {
    let d = similar::TextDiff::from_lines(expected, actual);
    d.unified_diff()
        .context_radius(3)
        .header("golden", "actual")
        .to_string()
}

#[test]
fn every_sample_matches_its_golden() {
    let mut all = Vec::new();
    samples(&root().join("samples"), &mut all);
    assert!(!all.is_empty(), "no samples found");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for s in &all {
        let (ok, json, err) = convert(s);
        // An input perfnorm rightly refuses (a PDF holding no performance table) has its
        // message as the golden: `<sample>.err`.
        let (g, actual) = if ok {
            (golden_path(s), json)
        } else {
            (golden_path(s).with_extension("err"), err)
        };
        if update {
            std::fs::create_dir_all(g.parent().unwrap()).unwrap();
            let other = if ok {
                g.with_extension("err")
            } else {
                g.with_extension("json")
            };
            let _ = std::fs::remove_file(other);
            std::fs::write(&g, &actual).unwrap();
            continue;
        }
        match std::fs::read_to_string(&g) {
            Err(_) => failures.push(format!(
                "{}: no golden at {} (perfnorm {}; run UPDATE_GOLDEN=1 cargo test --test golden, then review)",
                rel(s).display(),
                rel(&g).display(),
                if ok { "succeeded" } else { "failed" }
            )),
            Ok(expected) if expected != actual => {
                failures.push(format!("{}:\n{}", rel(s).display(), diff(&expected, &actual)))
            }
            Ok(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} samples differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
