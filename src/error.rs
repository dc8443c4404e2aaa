//! Typed errors. Each stage has its own error kind; `Error` wraps one with the file it concerns,
//! so every message a user sees names the file and the reason (rust-csv's `Error::position`).

use std::path::PathBuf;

/// Why a reader could not produce a grid.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read from disk.
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// The file has no bytes.
    #[error("the file is empty")]
    Empty,
    /// `--encoding` named an encoding perfnorm does not know.
    #[error("unknown encoding {0:?} (use auto, utf-8, gb18030 or utf-16)")]
    UnknownEncoding(String),
    /// The bytes are not of the format they were read as.
    #[error("not a {expected} file: {reason}")]
    NotFormat {
        /// The format expected (`xlsx`, `pdf`).
        expected: &'static str,
        /// What was wrong with the bytes.
        reason: String,
    },
    /// The workbook reader failed (a broken package, sheet or record).
    #[error("cannot read the workbook: {0}")]
    Spreadsheet(String),
    /// The PDF could not be read, as a whole or at one page.
    #[error("cannot read the PDF{}: {reason}", page.map(|p| format!(" (page {p})")).unwrap_or_default())]
    Pdf {
        /// The page that failed, from 1, where one page did.
        page: Option<u32>,
        /// Why.
        reason: String,
    },
    /// Neither the content nor the extension tells the format.
    #[error("the input format cannot be recognised (use --from to name it)")]
    UnknownFormat,
    /// The input held no performance target table.
    #[error("no table was found in the input")]
    NoTable,
    /// The input went over a `Limits` bound; the text names the limit and its flag.
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
    OutOfMemory {
        /// The limit, as the user gave it (`2 GiB`).
        limit: String,
    },
    /// The file's time ran out; the worker was killed, so it holds no core or memory after.
    #[error(
        "limit exceeded: timed out after {secs} s: the file took longer than the limit of \
         {secs} s per file and its worker was stopped (time_per_file; raise it with --timeout \
         SECS)"
    )]
    TimedOut {
        /// The limit per file, in seconds.
        secs: f64,
    },
    /// Killed by a signal or exited without answering: `signal 6`, `signal 11, stack
    /// overflow`, `exit status 3`.
    #[error("crashed ({how}); perfnorm failed on this file (please report it)")]
    Crashed {
        /// How it ended (`signal 11, stack overflow`).
        how: String,
    },
    /// No worker process could be started or talked to.
    #[error("cannot run a worker process: {0}")]
    Unavailable(String),
}

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file system refused (a full disk, a missing permission, an existing file).
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    /// The JSON serializer failed.
    #[error("cannot serialise JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The CSV writer failed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The XLSX writer failed.
    #[error("cannot write XLSX: {0}")]
    Xlsx(String),
    /// The Parquet writer failed.
    #[error("cannot write Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Anything else, worded (a set format asked for one document's bytes).
    #[error("{0}")]
    Other(String),
}

/// An error with the file it concerns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input could not be read or held no table.
    #[error("{}: {source}", file.display())]
    Ingest {
        /// The input.
        file: PathBuf,
        /// Why.
        #[source]
        source: IngestError,
    },
    /// An output could not be written.
    #[error("{}: {source}", file.display())]
    Write {
        /// The output.
        file: PathBuf,
        /// Why.
        #[source]
        source: WriteError,
    },
    /// The options do not make sense together (bad usage: exit status 2 on the command line).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// An `Error::Ingest` of `file`.
    pub fn ingest(file: impl Into<PathBuf>, source: IngestError) -> Error {
        Error::Ingest {
            file: file.into(),
            source,
        }
    }
    /// An `Error::Write` of `file`.
    pub fn write(file: impl Into<PathBuf>, source: WriteError) -> Error {
        Error::Write {
            file: file.into(),
            source,
        }
    }
}
