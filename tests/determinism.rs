//! Determinism: converting every sample twice, with one job and with two, gives byte-identical
//! outputs — the per-file JSON and XLSX, the combined CSV set and `report.json` — whatever
//! order the worker threads finish in.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir`, relative, sorted, with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn convert_all(out: &Path, jobs: &str) -> Vec<(String, Vec<u8>)> {
    let o = Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .current_dir(root())
        .args([
            "convert",
            "samples",
            "-t",
            "json,csv,xlsx",
            "-q",
            "-j",
            jobs,
            "-d",
        ])
        .arg(out)
        .output()
        .unwrap();
    // Some samples are meant to fail (exit 1); a usage error or a crash is not.
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "exit {:?}: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    snapshot(out)
}

#[test]
fn every_sample_converts_to_the_same_bytes_with_1_and_2_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let runs = [("a", "1"), ("b", "1"), ("c", "2"), ("d", "2")];
    let snaps: Vec<_> = runs
        .iter()
        .map(|(d, j)| (*d, *j, convert_all(&tmp.path().join(d), j)))
        .collect();
    let (_, _, first) = &snaps[0];
    assert!(
        first.iter().filter(|(n, _)| n.ends_with(".json")).count() > 20,
        "too few outputs: {:?}",
        first.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    assert!(first.iter().any(|(n, _)| n.ends_with(".xlsx")));
    assert!(first.iter().any(|(n, _)| n == "indicators.csv"));
    for (d, j, snap) in &snaps[1..] {
        let names: Vec<&String> = snap.iter().map(|(n, _)| n).collect();
        let want: Vec<&String> = first.iter().map(|(n, _)| n).collect();
        assert_eq!(names, want, "run {d} (-j {j}) wrote other files");
        for ((name, a), (_, b)) in first.iter().zip(snap) {
            assert!(
                a == b,
                "{name} differs between run a (-j 1) and run {d} (-j {j}) ({} vs {} bytes)",
                a.len(),
                b.len()
            );
        }
    }
}
