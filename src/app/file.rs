//! One file of a batch: read it (within its time), skip it when unchanged, convert and render it
//! through the job's engine (a worker process or this one), write its per-file outputs, and
//! account for it in an `Outcome` the batch hands over in input order.

use super::batch::{Dest, InputRecord, Job, OutFormat, Settings};
use super::handback::{Summary, Wanted};
use super::pool::Engine;
use super::{Watchdog, display, read_input, reason};
use crate::error::{Error, WriteError};
use crate::model::Document;
use crate::write;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// What a batch's files share.
pub(crate) struct FileRun<'a> {
    pub s: &'a Settings,
    /// The per-file formats (not the sets).
    pub per_file: &'a [OutFormat],
    /// Whether the documents are wanted back for the CSV or Parquet set.
    pub want_sets: bool,
    /// What each converted file hands back (`per_file` rendered, the sets' rows).
    pub wanted: &'a Wanted,
    /// The last run's converted inputs and their sha256 (`--skip-unchanged`).
    pub previous: &'a HashMap<String, String>,
    /// The output folder, canonical: every output must land below it.
    pub root: Option<&'a Path>,
}

/// What became of one file.
pub(crate) struct Outcome {
    pub record: InputRecord,
    pub failure: Option<String>,
    /// Failed under `--strict` only (the outputs were written).
    pub strict_failure: bool,
    /// The file's rows for the CSV and Parquet sets.
    pub rows: Option<SetRows>,
    pub warnings: BTreeMap<String, usize>,
    pub errors: BTreeMap<String, usize>,
    pub stdout: Vec<u8>,
}

/// One file's rows for the sets: the CSV set's chunks as rendered where the file was converted
/// (empty: render them from `doc`), and the document for the Parquet set (or for the CSV set,
/// when its chunks are not here).
pub(crate) struct SetRows {
    pub csv: Vec<Vec<u8>>,
    pub doc: Option<Document>,
}

/// The path of `job`'s output in `format`, or None for standard output.
fn target(dest: &Dest, per_file: &[OutFormat], job: &Job, f: OutFormat) -> Option<PathBuf> {
    match dest {
        Dest::Stdout | Dest::Combined(_) => None,
        Dest::File(o) if per_file.len() == 1 => Some(o.clone()),
        Dest::File(o) => Some(o.with_extension(f.ext())),
        Dest::Dir(d) => {
            let mut name = job.rel.clone().into_os_string();
            name.push(".");
            name.push(f.ext());
            Some(d.join(name))
        }
    }
}

/// Convert one file and write its per-file outputs.
pub(crate) fn convert_one(run: &FileRun, job: &Job, engine: &mut Engine) -> Outcome {
    let FileRun {
        s,
        per_file,
        want_sets,
        previous,
        root,
        ..
    } = *run;
    let file = display(&job.input);
    let mut o = Outcome::new(&file, job);
    // The file's time runs from here, through reading and converting (not writing).
    let dog = Watchdog::start(&job.input, s.convert.read.limits.time_per_file);
    let read = {
        let (input, limits) = (job.input.clone(), s.convert.read.limits);
        dog.run(move || read_input(&input, &limits))
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            o.failure = Some(reason(&e));
            return o;
        }
    };
    let sha = hex::encode(Sha256::digest(&bytes));
    o.record.sha256 = Some(sha.clone());
    let targets: Vec<(OutFormat, Option<PathBuf>)> = per_file
        .iter()
        .map(|f| (*f, target(&s.dest, per_file, job, *f)))
        .collect();
    if previous.get(&file) == Some(&sha) && skip_unchanged(&mut o, &targets, &sha, want_sets) {
        return o;
    }
    let rel = display(&job.rel);
    let converted = engine.finish(&job.input, bytes, sha, &s.convert, &dog, &rel, run.wanted);
    let f = match converted {
        Ok(f) => f,
        Err(e) => {
            o.failure = Some(reason(&e));
            return o;
        }
    };
    tally(&mut o, f.summary);
    // Every format was rendered before any is written: a file that fails in one format writes
    // none of them (and gives no rows to the CSV and Parquet sets), so report.json's `failed`
    // never sits beside half of its outputs.
    let outputs = match f.outputs {
        Ok(r) => r,
        Err(failure) => {
            o.failure = Some(failure);
            return o;
        }
    };
    let mut files = Vec::new();
    for ((_, t), bytes) in targets.iter().zip(outputs) {
        match t {
            None => o.stdout.extend(bytes),
            Some(p) => files.push((p.clone(), bytes)),
        }
    }
    if let Some(failure) = write_covered(&job.input, files, s, root) {
        o.failure = Some(failure);
    }
    settle(&mut o, s.strict, &file);
    if want_sets {
        o.rows = Some(SetRows {
            csv: f.csv,
            doc: f.doc,
        });
    }
    o
}

impl Outcome {
    /// A file not (yet) converted: failed until it is.
    fn new(file: &str, job: &Job) -> Outcome {
        Outcome {
            record: InputRecord {
                file: file.to_string(),
                output: display(&job.rel),
                sha256: None,
                status: "failed".into(),
                tables: 0,
                indicators: 0,
                pages: 0,
            },
            failure: None,
            strict_failure: false,
            rows: None,
            warnings: BTreeMap::new(),
            errors: BTreeMap::new(),
            stdout: Vec::new(),
        }
    }
}

/// A file unchanged since the last run (same sha256): its outputs stay when they are all
/// there, and the CSV and Parquet rows come from its JSON output. Whether it is skipped.
fn skip_unchanged(
    o: &mut Outcome,
    targets: &[(OutFormat, Option<PathBuf>)],
    sha: &str,
    want_sets: bool,
) -> bool {
    if !targets
        .iter()
        .all(|(_, t)| t.as_ref().is_some_and(|p| p.exists()))
    {
        return false;
    }
    let json = targets
        .iter()
        .find(|(f, _)| *f == OutFormat::Json)
        .and_then(|(_, t)| t.as_ref());
    let old = json
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice::<Document>(&b).ok())
        .filter(|d| d.source.sha256 == sha);
    if !want_sets || old.is_some() {
        o.record.status = "skipped".into();
        if let Some(d) = old {
            tally(o, Summary::of(&d));
            o.rows = want_sets.then_some(SetRows {
                csv: Vec::new(),
                doc: Some(d),
            });
        }
        return true;
    }
    false
}

/// The file's status once its outputs are written: failed when it has no table, else
/// converted (a failure under `--strict` when it has warnings).
fn settle(o: &mut Outcome, strict: bool, file: &str) {
    if o.record.tables == 0 && o.failure.is_none() {
        o.failure = Some("no performance target table was found".into());
    }
    if o.failure.is_none() {
        o.record.status = "converted".into();
        if strict && !o.warnings.is_empty() {
            o.strict_failure = true;
            eprintln!(
                "perfnorm: {}: warnings with --strict",
                super::term::safe(file)
            );
        }
    }
}

/// Write one file's outputs within a time of their own (`time_per_file` again, from now): a
/// write that blocks (a hung network mount) fails this file, named, and the batch goes on
/// (the blocked thread is left behind, as the in-process watchdog leaves a conversion).
/// Returns the failure, if any (the last one when several outputs fail).
fn write_covered(
    input: &Path,
    files: Vec<(PathBuf, Vec<u8>)>,
    s: &Settings,
    root: Option<&Path>,
) -> Option<String> {
    if files.is_empty() {
        return None;
    }
    let dog = Watchdog::start(input, s.convert.read.limits.time_per_file);
    let (root, no_clobber) = (root.map(Path::to_path_buf), s.no_clobber);
    match dog.run(move || Ok(write_files(&files, root.as_deref(), no_clobber))) {
        Ok(failure) => failure,
        Err(e) => Some(format!("writing its outputs: {}", reason(&e))),
    }
}

/// Write each output (inside the output folder, when there is one); the last failure.
fn write_files(
    files: &[(PathBuf, Vec<u8>)],
    root: Option<&Path>,
    no_clobber: bool,
) -> Option<String> {
    let mut failure = None;
    for (p, bytes) in files {
        if let Some(root) = root
            && let Err(e) = inside(p, root)
        {
            failure = Some(Error::write(p, e).to_string());
            continue;
        }
        let written = if no_clobber {
            write::write_new(p, bytes)
        } else {
            write::write_atomic(p, bytes)
        };
        if let Err(e) = written {
            failure = Some(Error::write(p, e).to_string());
        }
    }
    failure
}

/// Make the folder of the output `path` and check that it really lies below the output
/// folder `root` (canonical): a symlinked folder inside the output folder must not carry an
/// output elsewhere. Nor may the output itself be a symlink to a device or a pipe (writing
/// into those follows the link; a regular file or a symlink to one is replaced by the rename).
fn inside(path: &Path, root: &Path) -> Result<(), WriteError> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let real = std::fs::canonicalize(parent)?;
    if !real.starts_with(root) {
        return Err(WriteError::Other(format!(
            "its folder resolves to {}, outside the output folder {} (a symlinked folder?); \
             not written",
            real.display(),
            root.display()
        )));
    }
    if let Ok(link) = std::fs::symlink_metadata(path)
        && link.file_type().is_symlink()
        && std::fs::metadata(path).is_ok_and(|m| !m.is_file())
    {
        return Err(WriteError::Other(
            "it is a symlink to a device, pipe or folder; not written".into(),
        ));
    }
    // Only regular files are written inside the output folder: a FIFO there would block the
    // write until some reader came, a socket or device is nobody's output.
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && !meta.is_file()
        && !meta.file_type().is_symlink()
    {
        return Err(WriteError::Other(format!(
            "it is {}, not a regular file; not written",
            write::special_kind(&meta)
        )));
    }
    Ok(())
}

fn tally(o: &mut Outcome, summary: Summary) {
    o.record.tables = summary.tables;
    o.record.indicators = summary.indicators;
    o.record.pages = summary.pages;
    o.warnings = summary.warnings;
    o.errors = summary.errors;
}
