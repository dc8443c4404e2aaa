//! Writers: model → bytes. Each takes only the model; none knows where a table came from.

pub mod csv;
pub mod json;
pub mod parquet;
pub mod tidy;
pub mod xlsx;

use crate::error::WriteError;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

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
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
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
        let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
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
