//! Writers: model → bytes. Each takes only the model; none knows where a table came from.

pub mod csv;
pub mod json;
pub mod parquet;
pub mod tidy;
pub mod xlsx;

use crate::error::WriteError;
use crate::model::Document;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Output formats perfnorm writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutFormat {
    /// The contract's JSON document, one per input (`json::to_bytes`).
    Json,
    /// JSON Lines, one line per table (`json::to_jsonl`).
    Jsonl,
    /// The CSV set of tidy tables over the whole run (`csv::CsvSet`).
    Csv,
    /// A workbook per input: the 表格 sheet and the tidy sheets (`xlsx::to_bytes`).
    Xlsx,
    /// The Parquet set of tidy tables over the whole run (`parquet::ParquetSet`).
    Parquet,
}

impl OutFormat {
    /// The format a `-t` name names (`json`, `ndjson`, `pq`, …), case-insensitively.
    pub fn parse(s: &str) -> Option<OutFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Some(OutFormat::Json),
            "jsonl" | "ndjson" => Some(OutFormat::Jsonl),
            "csv" => Some(OutFormat::Csv),
            "xlsx" => Some(OutFormat::Xlsx),
            "parquet" | "pq" => Some(OutFormat::Parquet),
            _ => None,
        }
    }
    /// The extension of its output files (`jsonl`).
    pub fn ext(self) -> &'static str {
        match self {
            OutFormat::Json => "json",
            OutFormat::Jsonl => "jsonl",
            OutFormat::Csv => "csv",
            OutFormat::Xlsx => "xlsx",
            OutFormat::Parquet => "parquet",
        }
    }
    /// Whether the format is a set of files covering the whole run (CSV, Parquet), rather
    /// than one output per input.
    pub fn is_set(self) -> bool {
        matches!(self, OutFormat::Csv | OutFormat::Parquet)
    }
    /// The bytes of one document in a per-file format (CSV is a set: see `CsvSet`).
    pub fn render(self, doc: &Document) -> Result<Vec<u8>, WriteError> {
        match self {
            OutFormat::Json => json::to_bytes(doc),
            OutFormat::Jsonl => json::to_jsonl(doc),
            OutFormat::Xlsx => xlsx::to_bytes(doc),
            OutFormat::Csv | OutFormat::Parquet => Err(WriteError::Other(format!(
                "{} is written as a set of files, not per document",
                self.ext()
            ))),
        }
    }
}

/// Write `bytes` to `path` atomically: a temporary file in the same folder, then a rename, so a
/// reader never sees half a file and an existing file is replaced only by a complete new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_to(path, bytes, false)
}

/// Like `write_atomic`, but never replaces an existing file: the complete temporary file is
/// hard-linked to `path` (which fails if `path` exists, even as a dangling symlink), then
/// removed. Where the file system has no hard links, `path` is created with `create_new` and
/// written in place (still never replacing anything, but a reader could see it half written).
/// An existing `path` is `WriteError::Exists`.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_to(path, bytes, true)
}

fn write_to(path: &Path, bytes: &[u8], no_clobber: bool) -> Result<(), WriteError> {
    // A device or pipe (`-o /dev/null`, `-o /dev/stdout`, a FIFO) is written to, never renamed
    // over: a rename would replace /dev/null itself with a regular file. Writing into it
    // replaces no file, so `--no-clobber` allows it too.
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
        && !meta.is_dir()
    {
        let mut f = open_special(path, &meta)?;
        f.write_all(bytes)?;
        return Ok(());
    }
    if no_clobber && std::fs::symlink_metadata(path).is_ok() {
        return Err(exists());
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let (tmp, mut f) = temp_file(dir, &name)?;
    let result = (|| {
        f.write_all(bytes)?;
        drop(f);
        // No fsync per file: the rename alone already guarantees a reader sees the old file
        // or the whole new one, and an fsync per output made bulk runs wait on the disk for
        // most of their time (5.4 s wall for 2.7 s of work over 200 files).
        if !no_clobber {
            return std::fs::rename(&tmp, path).map_err(WriteError::from);
        }
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
            // No hard links here (FAT, some network and FUSE file systems): create the target
            // exclusively and write it in place.
            Err(_) => {
                let mut out = match std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)
                {
                    Ok(out) => out,
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        return Err(exists());
                    }
                    Err(e) => return Err(e.into()),
                };
                if let Err(e) = out.write_all(bytes) {
                    drop(out);
                    let _ = std::fs::remove_file(path);
                    return Err(e.into());
                }
                Ok(())
            }
        }
    })();
    // After a rename the temp name is gone; after a hard link (or a failure) it is removed.
    if no_clobber || result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Open a device or pipe named as an output for writing. A FIFO is opened without waiting: one
/// with no reader is refused instead of blocking the run forever (a plain open would wait for a
/// reader that may never come). A socket is refused.
fn open_special(path: &Path, meta: &std::fs::Metadata) -> Result<std::fs::File, WriteError> {
    let kind = special_kind(meta);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
        let ft = meta.file_type();
        if ft.is_socket() {
            return Err(WriteError::Other(format!("it is {kind}; not written")));
        }
        if ft.is_fifo() {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path)
                .map_err(|e| match e.raw_os_error() {
                    Some(libc::ENXIO) => {
                        WriteError::Other(format!("it is {kind} with no reader; not written"))
                    }
                    _ => WriteError::Io(e),
                })?;
            blocking(&f)?;
            return Ok(f);
        }
    }
    let _ = kind;
    Ok(std::fs::OpenOptions::new().write(true).open(path)?)
}

/// Back to blocking writes once the FIFO has a reader (a full pipe then waits for it).
#[cfg(unix)]
fn blocking(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = f.as_raw_fd();
    // SAFETY: fcntl on a descriptor this File owns; no memory is passed.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// What a file that is not a regular file is, for messages: `a FIFO`, `a socket`, `a device`,
/// `a folder`.
pub(crate) fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let ft = meta.file_type();
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    "a special file"
}

/// Remove the temporary files (`.NAME.PID.N.NOISE.tmp`, see `temp_file`) that runs killed
/// before their rename left in `dir` and below it, skipping those of a process still running
/// (a concurrent run into the same folder). Returns how many were removed. Only names of
/// exactly that form are touched, and symlinked folders are not followed.
pub(crate) fn remove_stale_temps(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for e in entries.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        let path = e.path();
        if ft.is_dir() {
            removed += remove_stale_temps(&path);
        } else if ft.is_file()
            && let Some(pid) = stale_temp_pid(&e.file_name().to_string_lossy())
            && !alive(pid)
            && std::fs::remove_file(&path).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// The process id in a temporary file name of ours, if `name` is one.
fn stale_temp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let mut parts = rest.rsplitn(4, '.');
    let noise = parts.next()?;
    let n = parts.next()?;
    let pid = parts.next()?;
    let _name = parts.next().filter(|s| !s.is_empty())?;
    let hex = noise.len() == 16 && noise.bytes().all(|b| b.is_ascii_hexdigit());
    (hex && n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty())
        .then(|| pid.parse().ok())
        .flatten()
}

/// Whether process `pid` is running (this one included).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks that the process exists; nothing is sent.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

fn exists() -> WriteError {
    WriteError::Other("the file already exists; not overwritten (--no-clobber)".into())
}

/// Create a new temporary file in `dir` for the output `name`, under a name nobody can
/// predict (process id, a per-process counter, clock nanoseconds mixed with the address of a
/// local), opened with `create_new`: if anything already stands at that name (a file, or a
/// symlink planted to redirect the write), the open fails and another name is tried, so the
/// bytes never go anywhere but a fresh file in `dir`.
pub(crate) fn temp_file(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut last = None;
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let local = 0u8;
        let noise = nanos.rotate_left(17).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ^ (&local as *const u8 as u64)
            ^ n.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        let tmp = dir.join(format!(
            ".{name}.{}.{n}.{noise:016x}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_temporary_names_are_stale() {
        assert_eq!(
            stale_temp_pid(".a.pdf.json.4242.7.0123456789abcdef.tmp"),
            Some(4242)
        );
        assert_eq!(
            stale_temp_pid("a.pdf.json.4242.7.0123456789abcdef.tmp"),
            None
        );
        assert_eq!(stale_temp_pid(".a.json.4242.7.0123.tmp"), None);
        assert_eq!(stale_temp_pid(".notes.tmp"), None);
        assert_eq!(stale_temp_pid("..4242.7.0123456789abcdef.tmp"), None);
    }

    #[test]
    fn stale_temps_go_and_live_ones_stay() {
        let dir = std::env::temp_dir().join(format!("perfnorm-stale-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        // A pid far above any pid_max: no such process.
        let dead = dir.join("sub/.a.json.999999999.1.0123456789abcdef.tmp");
        let mine = dir.join(format!(
            ".b.json.{}.1.0123456789abcdef.tmp",
            std::process::id()
        ));
        let other = dir.join(".keep.tmp");
        for p in [&dead, &mine, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        assert_eq!(remove_stale_temps(&dir), 1);
        assert!(!dead.exists() && mine.exists() && other.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
