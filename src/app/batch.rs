//! Bulk conversion: many files and whole folder trees in one run, in parallel, with outputs
//! mirroring the input tree, a progress bar, and an honest summary (also `OUT/report.json`).
//!
//! Files are converted in parallel by workers on a rayon pool that take them in input order
//! and stay within a window of the oldest file not yet written; results are handed in input
//! order to the combined CSV set and the summary, and dropped. So memory holds one window of
//! documents whatever the archive's size, and the CSV rows come out in the same order on every
//! run however the threads finish. One bad file is a failure in the summary; it never stops
//! the run.

use super::file::{FileRun, Outcome, SetRows, convert_one};
use super::handback::Wanted;
use super::pool::{Engine, Isolation};
use super::progress::Progress;
use super::term::safe;
pub use super::walk::{Collected, Skipped, collect_all, parse_shard, shard};
use super::{ConvertOptions, display};
use crate::error::{Error, WriteError};
use crate::write::{self, csv::CsvOptions, csv::CsvSet, parquet::ParquetSet};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Condvar, Mutex};

/// The perfnorm version recorded in `report.json`: `--skip-unchanged` reconverts everything
/// after an upgrade.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Output formats perfnorm writes (defined with the writers, `write::OutFormat`).
pub use crate::write::OutFormat;

/// One input file and the name its outputs take (relative to the output folder, without the
/// output extension): `sub/a.pdf` → `OUT/sub/a.pdf.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub input: PathBuf,
    pub rel: PathBuf,
}

/// Where outputs go.
#[derive(Debug, Clone, PartialEq)]
pub enum Dest {
    /// Standard output (one input, `-o -` or no `-o`/`-d`).
    Stdout,
    /// `-o FILE`: one input's outputs; a second format takes FILE with its own extension.
    File(PathBuf),
    /// `-d DIR`: per-file outputs mirroring the input tree, the CSV set and `report.json`.
    Dir(PathBuf),
    /// `-o FILE` with several inputs or a folder: every input's output in one file, as on
    /// standard output (a JSON array of documents, or JSON Lines), written atomically.
    Combined(PathBuf),
}

/// Settings of a run, resolved from the flags.
#[derive(Debug, Clone)]
pub struct Settings {
    pub dest: Dest,
    pub formats: Vec<OutFormat>,
    pub csv: CsvOptions,
    pub jobs: Option<usize>,
    pub strict: bool,
    pub quiet: bool,
    pub skip_unchanged: bool,
    /// Never overwrite an existing output (`--no-clobber`): that input fails instead.
    pub no_clobber: bool,
    /// Hidden files the folder walk left out: counted as skipped, listed in `report.json`.
    pub hidden: Vec<Job>,
    /// Paths the folder walk could not take: listed in `report.json`; those that lose input
    /// make the exit status 1.
    pub skipped: Vec<Skipped>,
    /// Several inputs or a folder to standard output in JSON: one JSON array of documents.
    pub stdout_array: bool,
    pub convert: ConvertOptions,
    /// Convert in worker processes (the command line's default; `None`: in this process, as
    /// `--no-isolate` and library callers do). See `app::pool`.
    pub isolation: Option<Isolation>,
}

/// The account of a run; `report.json` is this, serialised.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Report {
    pub perfnorm_version: String,
    pub files: usize,
    pub converted: usize,
    pub skipped_unchanged: usize,
    /// Hidden files (names starting with `.`, or in such folders) the folder walk left out.
    #[serde(default)]
    pub skipped_hidden: usize,
    pub failed: usize,
    pub tables: usize,
    pub indicators: usize,
    /// PDF pages read (for pages/second).
    pub pages: u64,
    pub warnings_by_code: BTreeMap<String, usize>,
    pub errors_by_code: BTreeMap<String, usize>,
    pub failures: Vec<Failure>,
    /// Every input, in order, with its sha256: what `--skip-unchanged` compares against.
    pub inputs: Vec<InputRecord>,
    /// The hidden files left out (`skipped_hidden`), in order.
    #[serde(default)]
    pub hidden: Vec<String>,
    /// Paths the folder walk did not take (unreadable folders, special files, broken
    /// symlinks, symlink loops), with the reason.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// Temporary files of earlier runs that were killed before their rename, removed from
    /// the output folder at the start of this run.
    #[serde(default)]
    pub stale_temps_removed: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Failure {
    pub file: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputRecord {
    pub file: String,
    pub output: String,
    pub sha256: Option<String>,
    /// converted | skipped | failed
    pub status: String,
    pub tables: usize,
    pub indicators: usize,
    #[serde(default)]
    pub pages: u32,
}

/// Where a set (CSV, Parquet) goes: the output folder, or beside `-o x.csv` as
/// `x.tables.csv`, ….
fn set_place(dest: &Dest) -> Option<(PathBuf, String)> {
    match dest {
        Dest::Stdout => None,
        Dest::Dir(d) => Some((d.clone(), String::new())),
        Dest::File(o) | Dest::Combined(o) => {
            let dir = o
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf();
            let stem = o
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "out".into());
            Some((dir, format!("{stem}.")))
        }
    }
}

/// The first file of the set with extension `ext` in `dir` that exists already.
fn set_exists(dir: &Path, prefix: &str, ext: &str) -> Option<PathBuf> {
    write::tidy::TABLES
        .iter()
        .map(|t| dir.join(format!("{prefix}{}.{ext}", t.name())))
        .find(|p| std::fs::symlink_metadata(p).is_ok())
}

/// The sets of the run (CSV, Parquet), each covering every converted input.
#[derive(Default)]
struct Sets {
    csv: Option<CsvSet>,
    parquet: Option<ParquetSet>,
}

impl Sets {
    fn append(&mut self, rows: &SetRows) -> Result<(), Error> {
        if let Some(set) = self.csv.as_mut() {
            let appended = match &rows.doc {
                _ if !rows.csv.is_empty() => set.append_chunks(&rows.csv),
                Some(doc) => set.append(doc),
                None => Ok(()),
            };
            appended.map_err(|e| Error::write(set.dir().to_path_buf(), e))?;
        }
        if let (Some(set), Some(doc)) = (self.parquet.as_mut(), &rows.doc) {
            set.append(doc)
                .map_err(|e| Error::write(set.dir().to_path_buf(), e))?;
        }
        Ok(())
    }

    fn finish(self) -> Result<(), Error> {
        if let Some(set) = self.csv {
            let dir = set.dir().to_path_buf();
            set.finish().map_err(|e| Error::write(dir, e))?;
        }
        if let Some(set) = self.parquet {
            let dir = set.dir().to_path_buf();
            set.finish().map_err(|e| Error::write(dir, e))?;
        }
        Ok(())
    }
}

/// Run the conversion of `jobs`; returns the exit status (0 all converted, 1 any failed).
pub fn run(jobs: Vec<Job>, s: &Settings) -> Result<i32, Error> {
    let per_file: Vec<OutFormat> = s.formats.iter().copied().filter(|f| !f.is_set()).collect();
    let mut clobber_failures = Vec::new();
    let mut sets = open_sets(s, &mut clobber_failures)?;
    let want_sets = s.formats.contains(&OutFormat::Csv) || s.formats.contains(&OutFormat::Parquet);
    let root = output_root(&s.dest)?;
    let stale_temps_removed = root.as_deref().map_or(0, write::remove_stale_temps);
    let previous = match (&s.dest, s.skip_unchanged) {
        (Dest::Dir(d), true) => previous_report(d),
        _ => HashMap::new(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(s.jobs.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))?;
    let threads = pool.current_num_threads();
    let bar = Progress::new(jobs.len(), s.quiet);
    let mut report = new_report(jobs.len(), s, stale_temps_removed);
    let mut status = report_skipped(s);
    if !clobber_failures.is_empty() {
        report.failures.append(&mut clobber_failures);
        status = 1;
    }
    let started = std::time::Instant::now();
    let window = Window::new(&jobs, threads);
    let mut out = open_stdout(s, &per_file)?;
    let wanted = wanted_of(s, &per_file);
    let file_run = FileRun {
        s,
        per_file: &per_file,
        want_sets,
        wanted: &wanted,
        previous: &previous,
        root: root.as_deref(),
    };
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Outcome)>();
    let result = pool.in_place_scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (window, bar, run) = (&window, &bar, &file_run);
            scope.spawn(move |_| window.work(run, bar, tx));
        }
        drop(tx);
        let handed = window.hand_over(&rx, &mut report, &mut sets, &mut out, &bar, &mut status);
        // Stopping early (closed stdout, a CSV write error): release every waiting worker.
        window.stop.store(true, Ordering::SeqCst);
        window.gate.1.notify_all();
        handed
    });
    bar.clear();
    result?;
    if window.stop.load(Ordering::SeqCst) && report.inputs.len() < report.files {
        return Ok(status);
    }
    if let Err(e) = out.finish()
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        match &s.dest {
            Dest::Combined(p) => eprintln!("perfnorm: {}: cannot write: {e}", safe(&display(p))),
            _ => eprintln!("perfnorm: stdout: {e}"),
        }
        status = 1;
    }
    sets.finish()?;
    if let Dest::Dir(d) = &s.dest {
        write_report(d, &report)?;
        if !s.quiet {
            summary(&report, started.elapsed(), threads);
        }
    }
    Ok(status)
}

/// The report of a run before any file is converted.
fn new_report(files: usize, s: &Settings, stale_temps_removed: usize) -> Report {
    Report {
        perfnorm_version: VERSION.to_string(),
        files,
        skipped_hidden: s.hidden.len(),
        hidden: s.hidden.iter().map(|j| display(&j.input)).collect(),
        skipped: s.skipped.clone(),
        stale_temps_removed,
        ..Report::default()
    }
}

/// What a worker renders for each file: the per-file outputs, CSV rows for the set, and the
/// document itself only for the Parquet set.
fn wanted_of(s: &Settings, per_file: &[OutFormat]) -> Wanted {
    Wanted {
        formats: per_file.to_vec(),
        csv_rows: s
            .formats
            .contains(&OutFormat::Csv)
            .then_some(s.csv.excel_safe),
        doc: s.formats.contains(&OutFormat::Parquet),
    }
}

/// `OUT/report.json`, written atomically.
fn write_report(dir: &Path, report: &Report) -> Result<(), Error> {
    let path = dir.join("report.json");
    let mut bytes =
        serde_json::to_vec_pretty(report).map_err(|e| Error::write(&path, WriteError::Json(e)))?;
    bytes.push(b'\n');
    write::write_atomic(&path, &bytes).map_err(|e| Error::write(&path, e))
}

/// The sets the run writes (CSV, Parquet), created; a set kept out by `--no-clobber` is a
/// failure in `clobber_failures`.
fn open_sets(s: &Settings, clobber_failures: &mut Vec<Failure>) -> Result<Sets, Error> {
    let mut sets = Sets::default();
    for f in [OutFormat::Csv, OutFormat::Parquet] {
        if !s.formats.contains(&f) {
            continue;
        }
        let Some((dir, prefix)) = set_place(&s.dest) else {
            return Err(Error::Usage(format!(
                "{} is a set of {} files, one per table: give -d OUT_DIR or -o NAME.{}",
                f.ext().to_uppercase(),
                write::tidy::COUNT,
                f.ext()
            )));
        };
        if s.no_clobber
            && let Some(path) = set_exists(&dir, &prefix, f.ext())
        {
            // The set is written whole or not at all: one existing file keeps it all out.
            let reason = format!(
                "the file already exists; not overwritten (--no-clobber); the {} set is not \
                 written",
                f.ext().to_uppercase()
            );
            eprintln!("perfnorm: {}: {reason}", safe(&display(&path)));
            clobber_failures.push(Failure {
                file: display(&path),
                reason,
            });
            continue;
        }
        match f {
            OutFormat::Csv => {
                let opts = CsvOptions {
                    prefix,
                    ..s.csv.clone()
                };
                sets.csv = Some(CsvSet::create(&dir, opts).map_err(|e| Error::write(&dir, e))?);
            }
            _ => {
                sets.parquet =
                    Some(ParquetSet::create(&dir, &prefix).map_err(|e| Error::write(&dir, e))?);
            }
        }
    }
    Ok(sets)
}

/// The output folder, created and canonical: every per-file output must land below it.
fn output_root(dest: &Dest) -> Result<Option<PathBuf>, Error> {
    Ok(match dest {
        Dest::Dir(d) => Some(
            std::fs::create_dir_all(d)
                .and_then(|_| std::fs::canonicalize(d))
                .map_err(|e| Error::write(d, WriteError::Io(e)))?,
        ),
        _ => None,
    })
}

/// Say which paths the folder walk skipped; the status is 1 when one of them lost input.
fn report_skipped(s: &Settings) -> i32 {
    let mut status = 0;
    for k in &s.skipped {
        if !s.quiet || k.failed {
            eprintln!("perfnorm: {}: skipped: {}", safe(&k.path), safe(&k.reason));
        }
        if k.failed {
            status = 1;
        }
    }
    status
}

/// Standard output as the run writes it, or the combined file of `-o FILE` opened (as a
/// temporary file, renamed into place at the end).
fn open_stdout(s: &Settings, per_file: &[OutFormat]) -> Result<Stdout, Error> {
    let mut out = Stdout {
        array: s.stdout_array
            && matches!(s.dest, Dest::Stdout | Dest::Combined(_))
            && per_file == [OutFormat::Json],
        written: 0,
        file: None,
    };
    if let Dest::Combined(path) = &s.dest {
        if s.no_clobber && std::fs::symlink_metadata(path).is_ok() {
            return Err(Error::write(
                path,
                WriteError::Other("the file already exists; not overwritten (--no-clobber)".into()),
            ));
        }
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let (tmp, f) = std::fs::create_dir_all(dir)
            .and_then(|_| write::temp_file(dir, &name))
            .map_err(|e| Error::write(path, WriteError::Io(e)))?;
        out.file = Some((tmp, path.clone(), std::io::BufWriter::new(f)));
    }
    Ok(out)
}

/// Workers take files in input order and run at most `size` files ahead of the oldest file
/// not yet handed to the writers; the results are handed over strictly in input order. So
/// memory holds at most `size` documents, the CSV order never depends on the threads, and no
/// thread waits for a whole batch to finish (one slow PDF delays only its own slot).
struct Window<'j> {
    jobs: &'j [Job],
    size: usize,
    /// The next file a worker takes.
    next: AtomicUsize,
    /// The run stops early: workers take no more files.
    stop: AtomicBool,
    /// Files handed over so far, and the workers waiting for it to move.
    gate: (Mutex<usize>, Condvar),
}

impl<'j> Window<'j> {
    fn new(jobs: &'j [Job], threads: usize) -> Window<'j> {
        Window {
            jobs,
            size: (threads * 8).max(8),
            next: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            gate: (Mutex::new(0usize), Condvar::new()),
        }
    }

    /// One worker: convert files in turn and send each outcome with its index.
    fn work(&self, run: &FileRun, bar: &Progress, tx: Sender<(usize, Outcome)>) {
        // This job's worker process, if isolated: started at its first file.
        let mut engine = Engine::new(run.s.isolation.as_ref(), &run.s.convert);
        loop {
            let i = self.next.fetch_add(1, Ordering::SeqCst);
            let Some(job) = self.jobs.get(i) else { break };
            {
                let mut done = self.gate.0.lock().unwrap_or_else(|p| p.into_inner());
                while i >= *done + self.size && !self.stop.load(Ordering::SeqCst) {
                    done = self.gate.1.wait(done).unwrap_or_else(|p| p.into_inner());
                }
            }
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            bar.started(display(&job.rel));
            let o = convert_one(run, job, &mut engine);
            bar.finished_one();
            if tx.send((i, o)).is_err() {
                break;
            }
        }
    }

    /// Take the outcomes as they come and hand them over in input order, moving the window
    /// on after each; returns at the end, or when a file's results stop the run.
    fn hand_over(
        &self,
        rx: &Receiver<(usize, Outcome)>,
        report: &mut Report,
        sets: &mut Sets,
        out: &mut Stdout,
        bar: &Progress,
        status: &mut i32,
    ) -> Result<(), Error> {
        let mut pending: BTreeMap<usize, Outcome> = BTreeMap::new();
        let mut handed = 0usize;
        for (i, o) in rx.iter() {
            pending.insert(i, o);
            while let Some(o) = pending.remove(&handed) {
                handed += 1;
                match absorb(o, report, sets, out, bar)? {
                    Flow::Go(st) => *status = (*status).max(st),
                    Flow::Stop(st) => {
                        *status = (*status).max(st);
                        return Ok(());
                    }
                }
                *self.gate.0.lock().unwrap_or_else(|p| p.into_inner()) = handed;
                self.gate.1.notify_all();
            }
        }
        Ok(())
    }
}

/// What the run does after handing over one file's results.
enum Flow {
    /// Go on; the file's exit status (0, or 1 when it failed).
    Go(i32),
    /// Stop: standard output was closed (the status to exit with).
    Stop(i32),
}

/// Standard output (or the one file of `Dest::Combined`) as the run writes it: the outputs
/// as they come, or (`Settings::stdout_array`) the JSON documents as the elements of one JSON
/// array.
struct Stdout {
    array: bool,
    /// Documents written so far.
    written: usize,
    /// `Dest::Combined`: the temporary file, the final path and the open file.
    file: Option<(PathBuf, PathBuf, std::io::BufWriter<std::fs::File>)>,
}

impl Stdout {
    /// Write one file's standard output bytes.
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let mut lock;
        let out: &mut dyn Write = match &mut self.file {
            Some((_, _, f)) => f,
            None => {
                lock = std::io::stdout().lock();
                &mut lock
            }
        };
        if self.array {
            let doc = bytes.strip_suffix(b"\n").unwrap_or(bytes);
            out.write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
            out.write_all(doc)?;
        } else {
            out.write_all(bytes)?;
        }
        self.written += 1;
        out.flush()
    }

    /// Close the array (an empty one when no document was written) and move the combined
    /// file into place.
    fn finish(&mut self) -> std::io::Result<()> {
        let end: &[u8] = match (self.array, self.written) {
            (false, _) => b"",
            (true, 0) => b"[]\n",
            (true, _) => b"\n]\n",
        };
        match self.file.take() {
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(end)?;
                out.flush()
            }
            Some((tmp, path, mut f)) => {
                let done = f
                    .write_all(end)
                    .and_then(|_| f.flush())
                    .and_then(|_| std::fs::rename(&tmp, &path));
                if done.is_err() {
                    let _ = std::fs::remove_file(&tmp);
                }
                done
            }
        }
    }
}

impl Drop for Stdout {
    /// A run that stops early leaves no temporary file behind.
    fn drop(&mut self) {
        if let Some((tmp, _, _)) = &self.file {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Hand one file's results to standard output, the CSV set and the report, in input order.
fn absorb(
    mut o: Outcome,
    report: &mut Report,
    sets: &mut Sets,
    stdout: &mut Stdout,
    bar: &Progress,
) -> Result<Flow, Error> {
    let mut status = 0;
    if !o.stdout.is_empty()
        && let Err(e) = stdout.write(&o.stdout)
    {
        // A closed pipe (`| head`) ends the run quietly.
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(Flow::Stop(0));
        }
        eprintln!("perfnorm: stdout: {e}");
        return Ok(Flow::Stop(1));
    }
    if let Some(rows) = o.rows.take() {
        sets.append(&rows)?;
    }
    match o.record.status.as_str() {
        "converted" => report.converted += 1,
        "skipped" => report.skipped_unchanged += 1,
        _ => report.failed += 1,
    }
    report.tables += o.record.tables;
    report.indicators += o.record.indicators;
    report.pages += u64::from(o.record.pages);
    for (k, v) in o.warnings {
        *report.warnings_by_code.entry(k).or_default() += v;
    }
    for (k, v) in o.errors {
        *report.errors_by_code.entry(k).or_default() += v;
    }
    if let Some(reason) = o.failure {
        let msg = format!("{}: {}", safe(&o.record.file), safe(&reason));
        bar.println(format!("perfnorm: {msg}"));
        report.failures.push(Failure {
            file: o.record.file.clone(),
            reason,
        });
        status = 1;
    }
    if o.strict_failure {
        status = 1;
    }
    report.inputs.push(o.record);
    Ok(Flow::Go(status))
}

fn summary(r: &Report, elapsed: std::time::Duration, threads: usize) {
    let secs = elapsed.as_secs_f64();
    let mut e = std::io::stderr().lock();
    let _ = writeln!(
        e,
        "perfnorm: {} files: {} converted, {} unchanged, {} failed{}; {} tables, {} indicators, \
         {} PDF pages ({:.1} s, {:.1} files/s, {threads} jobs)",
        r.files,
        r.converted,
        r.skipped_unchanged,
        r.failed,
        if r.skipped_hidden > 0 {
            format!(", {} hidden skipped", r.skipped_hidden)
        } else {
            String::new()
        } + &if r.skipped.is_empty() {
            String::new()
        } else {
            format!(
                ", {} paths not walked (see report.json: skipped)",
                r.skipped.len()
            )
        },
        r.tables,
        r.indicators,
        r.pages,
        secs,
        if secs > 0.0 {
            r.files as f64 / secs
        } else {
            0.0
        }
    );
    for (code, n) in &r.warnings_by_code {
        let _ = writeln!(e, "  warning {}: {n}", safe(code));
    }
    for (code, n) in &r.errors_by_code {
        let _ = writeln!(e, "  error {}: {n}", safe(code));
    }
    for f in &r.failures {
        let _ = writeln!(e, "  failed {}: {}", safe(&f.file), safe(&f.reason));
    }
}

/// The inputs of the last run into `dir` that converted, by file, if it ran this version.
fn previous_report(dir: &Path) -> HashMap<String, String> {
    let Ok(bytes) = std::fs::read(dir.join("report.json")) else {
        return HashMap::new();
    };
    let Ok(r) = serde_json::from_slice::<Report>(&bytes) else {
        return HashMap::new();
    };
    if r.perfnorm_version != VERSION {
        return HashMap::new();
    }
    r.inputs
        .into_iter()
        .filter(|i| i.status != "failed")
        .filter_map(|i| i.sha256.map(|h| (i.file, h)))
        .collect()
}
