//! Converting inputs: read one file through the pipeline (detect → read → normalize) into a
//! `Document`. Batch runs and output writing build on this.

// The batch runner below serves the command line (`run.rs`): a library build without the `cli`
// feature compiles it (`OutFormat` and `Watchdog` are public) but calls none of it, so only
// there its items are allowed to go unused. With `cli` on, unused items are still errors.
#[cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]
pub mod batch;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
mod file;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
mod handback;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub mod pool;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
mod progress;
// The commands of the binary, on the clap definitions (`crate::cli`).
#[cfg(feature = "cli")]
pub mod run;
#[cfg(feature = "cli")]
pub mod shell;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub mod term;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub mod walk;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub mod worker;

use crate::error::{Error, IngestError};
use crate::ingest::{self, InputFormat, ReadOptions};
use crate::model::{DiagSource, Diagnostic, Document, SCHEMA, Severity, Source};
use crate::normalize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

/// Settings for converting one input. (Serde: a worker process gets them from the parent.)
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ConvertOptions {
    /// Force the input format instead of detecting it.
    pub from: Option<InputFormat>,
    /// The readers' options: encoding, limits, hidden cells.
    pub read: ReadOptions,
}

/// The text encoding `--encoding` (or the Python package's `encoding=`) names: `auto` is
/// None (detect); utf-8, gb18030 (gbk) and utf-16 (le/be) are kept as given; anything else is
/// a usage error, so a typo fails for every format, not only when the input is text.
pub fn parse_encoding(name: &str) -> Result<Option<String>, Error> {
    match name.to_ascii_lowercase().as_str() {
        "auto" => Ok(None),
        "utf-8" | "utf8" | "gb18030" | "gbk" | "utf-16" | "utf16" | "utf-16le" | "utf-16be" => {
            Ok(Some(name.to_string()))
        }
        other => Err(Error::Usage(format!(
            "unknown encoding {other} (auto, utf-8, gb18030, utf-16)"
        ))),
    }
}

/// Convert the bytes of one input named `file` (the name is used for messages, detection by
/// extension and `source.file`).
pub fn convert_bytes(file: &Path, bytes: &[u8], opts: &ConvertOptions) -> Result<Document, Error> {
    convert_hashed(file, bytes, hex::encode(Sha256::digest(bytes)), opts)
}

/// `convert_bytes` for a caller that already has the input's sha256 (a batch computes it for
/// `--skip-unchanged`; hashing a PDF twice costs as much as a tenth of its conversion).
pub fn convert_hashed(
    file: &Path,
    bytes: &[u8],
    sha256: String,
    opts: &ConvertOptions,
) -> Result<Document, Error> {
    let ext = file.extension().and_then(|e| e.to_str());
    if bytes.is_empty() {
        return Err(Error::ingest(file, IngestError::Empty));
    }
    let format = match opts.from {
        Some(f) => f,
        None => ingest::detect(bytes, ext)
            .ok_or_else(|| Error::ingest(file, IngestError::UnknownFormat))?,
    };
    let ingested = ingest::read(bytes, format, &opts.read)
        .map_err(|e| Error::ingest(file, name_the_flag(e)))?;
    // A workbook perfnorm wrote holds, beside its 表格 sheet, tidy sheets whose rows are no
    // table: skip them (only when they start with perfnorm's own `table_id` header, so a
    // department's sheet that happens to be named 指标 is still read).
    let grids: Vec<_> = ingested
        .grids
        .iter()
        .filter(|g| !is_own_tidy_sheet(g))
        .cloned()
        .collect();
    let normalized = normalize::normalize_all(&grids);
    let tables = normalized.tables;
    let mut diagnostics: Vec<Diagnostic> = ingested
        .warnings
        .iter()
        .map(|w| Diagnostic {
            severity: Severity::Warning,
            code: w.code.clone(),
            message: w.message.clone(),
            source: normalize::diag::source(&w.pos),
        })
        .collect();
    diagnostics.extend(normalized.diagnostics);
    if tables.is_empty() {
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code: "no_table".into(),
            message: "no performance target table was found in the input".into(),
            source: DiagSource::default(),
        });
    }
    Ok(Document {
        schema: SCHEMA.to_string(),
        source: Source {
            file: file.to_string_lossy().replace('\\', "/"),
            format: format.name().to_string(),
            sha256,
            encoding: ingested.encoding,
            pages: ingested.pages,
            relative_path: file.file_name().map(|n| n.to_string_lossy().into_owned()),
        },
        tables,
        diagnostics,
    })
}

/// A limit error from a reader, with the flag that raises the limit when its message does not
/// name one already (`limit exceeded: the workbook has more than 500000 non-empty cells
/// (raise it with --max-cells N)`).
fn name_the_flag(e: IngestError) -> IngestError {
    let IngestError::Limit(msg) = e else {
        return e;
    };
    if msg.contains("--") {
        return IngestError::Limit(msg);
    }
    let flag = if msg.contains("non-empty cells") {
        Some("--max-cells N")
    } else if msg.contains("inflate to more than") || msg.contains("expand to more than") {
        Some("--max-decompressed-size SIZE")
    } else if msg.contains("per file") {
        Some("--timeout SECS")
    } else if msg.starts_with("the text") {
        Some("--max-text-size SIZE")
    } else if msg.starts_with("the file") {
        Some("--max-file-size SIZE")
    } else if msg.contains("pages") {
        Some("--max-pages N")
    } else {
        None
    };
    IngestError::Limit(match flag {
        Some(f) => format!("{msg} (raise it with {f})"),
        None => msg,
    })
}

fn is_own_tidy_sheet(g: &ingest::Grid) -> bool {
    g.sheet
        .as_deref()
        .is_some_and(crate::write::tidy::is_tidy_sheet)
        && g.rows.first().map(|r| r.text(0)) == Some("table_id")
}

/// Read and convert one file, within `opts.read.limits.time_per_file` (see `Watchdog`).
pub fn convert_file(file: &Path, opts: &ConvertOptions) -> Result<Document, Error> {
    let dog = Watchdog::start(file, opts.read.limits.time_per_file);
    let bytes = {
        let (file, limits) = (file.to_path_buf(), opts.read.limits);
        dog.run(move || read_input(&file, &limits))?
    };
    let (path, opts) = (file.to_path_buf(), opts.clone());
    dog.run(move || convert_bytes(&path, &bytes, &opts))
}

/// A hard bound on the wall time of one file. The readers check `time_per_file` between their
/// steps, but one step can run long (a blocked read, a huge page in the PDF engine, the
/// normalizer on a huge grid); so each step runs on a worker thread of its own, and the
/// caller stops waiting once the file's time is up, with an error naming the file. The
/// abandoned worker cannot be killed: it is left to finish in the background (its result is
/// dropped) and ends with the process at the latest.
#[derive(Debug, Clone)]
pub struct Watchdog {
    file: PathBuf,
    limit: Duration,
    /// `None`: the limit is too large to add to now, no deadline.
    end: Option<Instant>,
}

impl Watchdog {
    /// The time of `file` starts now.
    pub fn start(file: &Path, limit: Duration) -> Watchdog {
        Watchdog {
            file: file.to_path_buf(),
            limit,
            end: Instant::now().checked_add(limit),
        }
    }

    /// Run `work` on a worker thread; its result, or an error once the file's time is up.
    /// A panic in `work` is that file's error, not the caller's.
    pub fn run<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, Error> + Send + 'static,
    {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let job: Job = Box::new(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            let _ = tx.send(r);
        });
        if let Err(e) = helper::hand(job) {
            return Err(self.failed(format!("cannot start a worker thread: {e}")));
        }
        let got = match self.end {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(end) => rx.recv_timeout(end.saturating_duration_since(Instant::now())),
        };
        match got {
            Ok(Ok(r)) => r,
            Ok(Err(panic)) => Err(self.failed(format!(
                "perfnorm failed on this file (internal error: {}); please report it",
                panic_message(&*panic)
            ))),
            Err(RecvTimeoutError::Disconnected) => Err(self
                .failed("perfnorm failed on this file (internal error); please report it".into())),
            Err(RecvTimeoutError::Timeout) => {
                // The helper is still at it: leave it, the next step gets a new one.
                helper::abandon();
                Err(Error::ingest(
                    &self.file,
                    IngestError::Limit(format!(
                        "the file took longer than the limit of {} s per file and was given up \
                     (time_per_file; raise it with --timeout SECS)",
                        self.limit.as_secs_f64()
                    )),
                ))
            }
        }
    }

    /// When the file's time is up (`None`: never).
    pub fn deadline(&self) -> Option<Instant> {
        self.end
    }

    /// The file's time limit.
    pub fn limit(&self) -> Duration {
        self.limit
    }

    fn failed(&self, msg: String) -> Error {
        Error::ingest(&self.file, IngestError::Io(std::io::Error::other(msg)))
    }
}

/// A step `Watchdog::run` hands to a helper thread.
type Job = Box<dyn FnOnce() + Send>;

/// The thread a `Watchdog` runs steps on: one per calling thread, kept from file to file (a
/// batch ran two or three steps per file, and starting a thread for each cost about as much as
/// reading a small workbook), and replaced when a step outlives its file's time.
mod helper {
    use super::Job;
    use std::cell::RefCell;
    use std::sync::mpsc::{Sender, channel};

    thread_local! {
        static HELPER: RefCell<Option<Sender<Job>>> = const { RefCell::new(None) };
    }

    /// Run `job` on this thread's helper, started if there is none (or it has gone).
    pub(super) fn hand(job: Job) -> std::io::Result<()> {
        HELPER.with(|h| {
            let mut h = h.borrow_mut();
            let job = match h.as_ref() {
                Some(tx) => match tx.send(job) {
                    Ok(()) => return Ok(()),
                    Err(back) => back.0,
                },
                None => job,
            };
            let tx = start()?;
            let sent = tx
                .send(job)
                .map_err(|_| std::io::Error::other("helper gone"));
            *h = Some(tx);
            sent
        })
    }

    /// Leave this thread's helper to finish its step alone; it ends after it.
    pub(super) fn abandon() {
        HELPER.with(|h| h.borrow_mut().take());
    }

    fn start() -> std::io::Result<Sender<Job>> {
        let (tx, rx) = channel::<Job>();
        std::thread::Builder::new()
            .name("perfnorm-file".into())
            // As much stack as a main thread: the third-party parsers recurse.
            .stack_size(8 << 20)
            .spawn(move || {
                for job in rx {
                    job();
                }
            })?;
        Ok(tx)
    }
}

/// A path as reports and messages show it (`/` separators).
pub(crate) fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The text of a caught panic.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".into())
}

/// The reason of a failure without the file name (the report and `check` name the file
/// beside it).
pub(crate) fn reason(e: &Error) -> String {
    match e {
        Error::Ingest { source, .. } => source.to_string(),
        Error::Write { source, .. } => source.to_string(),
        Error::Usage(m) => m.clone(),
    }
}

/// Read one input file (`-`: standard input), refusing it before reading when its size is over
/// `limits.max_input_bytes`. The read itself stops one byte past the limit, so a file that
/// grows meanwhile, or a pipe or device whose size is unknown, cannot fill memory either.
pub fn read_input(file: &Path, limits: &ingest::Limits) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let io = |e| Error::ingest(file, IngestError::Io(e));
    let max = limits.max_input_bytes;
    if file.as_os_str() == "-" {
        // Standard input: read up to one byte past the limit, like a pipe.
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(max.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > max {
            return Err(Error::ingest(file, over_file_size(None, max)));
        }
        return Ok(bytes);
    }
    let f = std::fs::File::open(file).map_err(io)?;
    let meta = f.metadata().map_err(io)?;
    if meta.is_file() && meta.len() > max {
        return Err(Error::ingest(file, over_file_size(Some(meta.len()), max)));
    }
    let mut bytes = Vec::with_capacity(if meta.is_file() {
        usize::try_from(meta.len()).unwrap_or(0)
    } else {
        0
    });
    f.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        // A file that grew while read, or a pipe: its whole size is unknown.
        return Err(Error::ingest(file, over_file_size(None, max)));
    }
    Ok(bytes)
}

/// The error for a file over `max_input_bytes` (`len` when known): names the limit and the
/// flag that raises it.
fn over_file_size(len: Option<u64>, max: u64) -> IngestError {
    let size = match len {
        Some(n) => format!("{n} bytes"),
        None => format!("more than {max} bytes"),
    };
    IngestError::Limit(format!(
        "the file is {size}, over the limit of {max} bytes (max_input_bytes; raise it with \
         --max-file-size, e.g. --max-file-size {})",
        suggest(len.unwrap_or(max.saturating_mul(2)))
    ))
}

/// A round size above `len` for the hint, in the flag's own syntax.
fn suggest(len: u64) -> String {
    let mib = len.div_ceil(1 << 20).max(1);
    if mib >= 1 << 10 {
        format!("{}G", mib.div_ceil(1 << 10))
    } else {
        format!("{mib}M")
    }
}
