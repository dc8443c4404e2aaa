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

/// A PDF from its objects (numbered from 1; object 1 the catalog) with a classic
/// cross-reference table, and `trailer_extra` in the trailer dictionary.
pub fn pdf_from_objects(objs: &[String], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Run the binary from the repository root.
pub fn perfnorm(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap()
}
