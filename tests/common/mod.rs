//! What the integration tests share: the repository root and the walk over `samples/`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every input file below `dir`, sorted, by the extensions perfnorm reads.
pub fn samples(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            samples(&p, out);
        } else if p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            perfnorm::ingest::InputFormat::EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
        }) {
            out.push(p);
        }
    }
}
