//! Typed errors. Each stage has its own error kind; `Error` wraps one with the file it concerns,
//! so every message a user sees names the file and the reason (rust-csv's `Error::position`).

use std::path::PathBuf;

/// Why a reader could not produce a grid.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is empty")]
    Empty,
    #[error("unknown encoding {0:?} (use auto, utf-8, gb18030 or utf-16)")]
    UnknownEncoding(String),
    #[error("not a {expected} file: {reason}")]
    NotFormat {
        expected: &'static str,
        reason: String,
    },
    #[error("cannot read the workbook: {0}")]
    Spreadsheet(String),
    #[error("cannot read the PDF{}: {reason}", page.map(|p| format!(" (page {p})")).unwrap_or_default())]
    Pdf { page: Option<u32>, reason: String },
    #[error("the input format cannot be recognised (use --from to name it)")]
    UnknownFormat,
    #[error("no table was found in the input")]
    NoTable,
    #[error("limit exceeded: {0}")]
    Limit(String),
    /// The reason a worker process gave for the file, already worded (it is the worker's own
    /// `IngestError`, carried back over the pipe as text).
    #[error("{0}")]
    Reported(String),
    /// The worker process converting the file ended without an answer.
    #[error(transparent)]
    Worker(#[from] WorkerFailure),
}

/// How a worker process (`app::pool`) ended while it held a file. Only that file fails; a
/// new worker takes the next one.
#[derive(Debug, thiserror::Error)]
pub enum WorkerFailure {
    /// An allocation failed under the worker's address-space limit (`--max-memory`).
    #[error(
        "limit exceeded: out of memory (limit {limit}; max_memory per worker, raise it with \
         --max-memory SIZE)"
    )]
    OutOfMemory { limit: String },
    /// The file's time ran out; the worker was killed, so it holds no core or memory after.
    #[error(
        "limit exceeded: timed out after {secs} s: the file took longer than the limit of \
         {secs} s per file and its worker was stopped (time_per_file; raise it with --timeout \
         SECS)"
    )]
    TimedOut { secs: f64 },
    /// Killed by a signal or exited without answering: `signal 6`, `signal 11, stack
    /// overflow`, `exit status 3`.
    #[error("crashed ({how}); perfnorm failed on this file (please report it)")]
    Crashed { how: String },
    /// No worker process could be started or talked to.
    #[error("cannot run a worker process: {0}")]
    Unavailable(String),
}

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot serialise JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write XLSX: {0}")]
    Xlsx(String),
    #[error("cannot write Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error("{0}")]
    Other(String),
}

/// An error with the file it concerns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", file.display())]
    Ingest {
        file: PathBuf,
        #[source]
        source: IngestError,
    },
    #[error("{}: {source}", file.display())]
    Write {
        file: PathBuf,
        #[source]
        source: WriteError,
    },
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn ingest(file: impl Into<PathBuf>, source: IngestError) -> Error {
        Error::Ingest {
            file: file.into(),
            source,
        }
    }
    pub fn write(file: impl Into<PathBuf>, source: WriteError) -> Error {
        Error::Write {
            file: file.into(),
            source,
        }
    }
}
