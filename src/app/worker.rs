//! The worker side of process isolation (`app::pool` is the parent side): the hidden
//! `perfnorm __worker` subcommand. It limits its own address space, then converts the files the
//! parent hands it over standard input, one at a time, and answers each on standard output:
//! with the document, or (in a batch) with the file's outputs already rendered, its CSV rows
//! and its counts (`app::handback`), or with the error. It writes no output file: the parent
//! alone does.
//!
//! The wire format is frames: an 8-byte little-endian length, then that many bytes. The parent
//! sends one frame of `ConvertOptions` (JSON) after starting the worker, then per file four
//! frames: the path (raw bytes), its sha256 (hex), its content and the `Task` (JSON); the
//! worker answers with a JSON `Reply` frame, followed for `Reply::Finished` by the frames it
//! announces. End of input ends the worker.

use super::handback::{Finished, Summary, Wanted, finish};
use super::{ConvertOptions, convert_hashed};
use crate::model::Document;
use serde::{Deserialize, Serialize};
use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;

/// A frame longer than this is refused: no input is allowed near it (`--max-file-size` tops
/// out far below), so a longer one means the stream is out of step.
pub(crate) const MAX_FRAME: u64 = 1 << 40;

/// The most a frame's buffer is given before its bytes come.
const PREALLOCATE: u64 = 64 << 20;

/// The stack of the thread that converts: as much as a main thread, as the in-process
/// watchdog gives (the third-party parsers recurse).
const STACK: usize = 8 << 20;

/// What the parent wants back for one file.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Task {
    /// The whole document (`check`).
    Document,
    /// The file as a batch takes it; `rel` is its path below the input folder.
    Finish { rel: String, wanted: Wanted },
}

/// The worker's answer for one file.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Reply {
    Ok(Box<Document>),
    /// `Task::Finish` done: followed by a frame per output (when they were rendered), a frame
    /// per CSV chunk, and a frame of the document as JSON when `doc`.
    Finished {
        summary: Summary,
        /// The number of output frames, or why the outputs could not be rendered.
        outputs: Result<usize, String>,
        csv: usize,
        doc: bool,
    },
    /// The file's error, worded as the in-process run words it (without the file name).
    Err(String),
}

impl Reply {
    /// The head of a finished file's answer; the frames it announces come from `body`.
    fn finished(f: &Finished) -> Reply {
        Reply::Finished {
            summary: f.summary.clone(),
            outputs: f.outputs.as_ref().map(Vec::len).map_err(Clone::clone),
            csv: f.csv.len(),
            doc: f.doc.is_some(),
        }
    }
}

/// Send a finished file: the head, then its frames.
fn send_finished(out: &mut impl Write, f: &Finished) -> std::io::Result<()> {
    let head = serde_json::to_vec(&Reply::finished(f)).map_err(std::io::Error::other)?;
    write_frame(out, &head)?;
    for b in f.outputs.iter().flatten().chain(&f.csv) {
        write_frame(out, b)?;
    }
    if let Some(doc) = &f.doc {
        let json = serde_json::to_vec(doc).map_err(std::io::Error::other)?;
        write_frame(out, &json)?;
    }
    Ok(())
}

/// Read the frames a `Reply::Finished` head announces.
pub(crate) fn receive_finished(
    input: &mut impl Read,
    summary: Summary,
    outputs: Result<usize, String>,
    csv: usize,
    doc: bool,
) -> std::io::Result<Finished> {
    let mut frames = |n: usize| -> std::io::Result<Vec<Vec<u8>>> {
        (0..n)
            .map(|_| read_frame(input)?.ok_or(std::io::ErrorKind::UnexpectedEof.into()))
            .collect()
    };
    let outputs = match outputs {
        Ok(n) => Ok(frames(n)?),
        Err(e) => Err(e),
    };
    let csv = frames(csv)?;
    let doc = match doc {
        true => {
            let json = frames(1)?.pop().unwrap_or_default();
            Some(serde_json::from_slice(&json).map_err(std::io::Error::other)?)
        }
        false => None,
    };
    Ok(Finished {
        summary,
        outputs,
        csv,
        doc,
    })
}

/// Write one frame.
pub(crate) fn write_frame(w: &mut impl Write, payload: &[u8]) -> std::io::Result<()> {
    w.write_all(&(payload.len() as u64).to_le_bytes())?;
    w.write_all(payload)
}

/// Read one frame; `None` at a clean end of input (before its first byte).
pub(crate) fn read_frame(r: &mut impl Read) -> std::io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 8];
    let mut got = 0;
    while got < len.len() {
        match r.read(&mut len[got..])? {
            0 if got == 0 => return Ok(None),
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => got += n,
        }
    }
    let len = u64::from_le_bytes(len);
    if len > MAX_FRAME {
        return Err(std::io::Error::other(format!("frame of {len} bytes")));
    }
    // Room for the whole frame up front (up to a bound, a frame is not trusted with the
    // memory): one read per pipe-full, where growing from nothing reads a few bytes at first.
    let mut buf = Vec::with_capacity(usize::try_from(len.min(PREALLOCATE)).unwrap_or(0));
    r.take(len).read_to_end(&mut buf)?;
    if buf.len() as u64 != len {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(Some(buf))
}

/// `perfnorm __worker --max-memory BYTES`: serve the parent until its pipe closes. Returns the
/// exit status (0 at a clean end, 1 when the pipe broke).
pub fn serve(max_memory: u64) -> i32 {
    if let Err(e) = limit_memory(max_memory) {
        eprintln!("perfnorm worker: cannot set the memory limit: {e}");
        return 1;
    }
    // A panic is the file's error, carried in the reply; the default hook would print it on
    // a stderr the parent only reads after a crash.
    std::panic::set_hook(Box::new(|_| {}));
    let spawned = std::thread::Builder::new()
        .name("perfnorm-worker".into())
        .stack_size(STACK)
        .spawn(serve_loop);
    let handle = match spawned {
        Ok(h) => h,
        Err(e) => {
            eprintln!("perfnorm worker: cannot start its thread: {e}");
            return 1;
        }
    };
    match handle.join() {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("perfnorm worker: {e}");
            1
        }
        Err(_) => 1,
    }
}

fn serve_loop() -> std::io::Result<()> {
    let mut input = std::io::stdin().lock();
    // Not the line-buffered stdout as it is: the outputs carry many newlines.
    let mut output = BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    let Some(opts) = read_frame(&mut input)? else {
        return Ok(());
    };
    let opts: ConvertOptions = serde_json::from_slice(&opts).map_err(std::io::Error::other)?;
    loop {
        let Some(path) = read_frame(&mut input)? else {
            return Ok(());
        };
        let path = path_of(path);
        let sha = read_frame(&mut input)?.ok_or(std::io::ErrorKind::UnexpectedEof)?;
        let bytes = read_frame(&mut input)?.ok_or(std::io::ErrorKind::UnexpectedEof)?;
        let task = read_frame(&mut input)?.ok_or(std::io::ErrorKind::UnexpectedEof)?;
        let task: Task = serde_json::from_slice(&task).map_err(std::io::Error::other)?;
        test_hooks::apply(&path);
        let sha = String::from_utf8_lossy(&sha).into_owned();
        match convert(&path, &bytes, sha, &opts, task) {
            Answer::Finished(f) => {
                drop(bytes);
                send_finished(&mut output, &f)?;
            }
            Answer::Reply(reply) => {
                drop(bytes);
                let json = serde_json::to_vec(&reply).map_err(std::io::Error::other)?;
                write_frame(&mut output, &json)?;
            }
        }
        output.flush()?;
    }
}

/// What the worker sends back for one file.
enum Answer {
    Reply(Reply),
    Finished(Box<Finished>),
}

/// Convert one file and do its task, a panic included in the reply.
fn convert(
    path: &std::path::Path,
    bytes: &[u8],
    sha: String,
    opts: &ConvertOptions,
    task: Task,
) -> Answer {
    let run = std::panic::AssertUnwindSafe(|| {
        let doc = convert_hashed(path, bytes, sha, opts)?;
        Ok(match task {
            Task::Document => Answer::Reply(Reply::Ok(Box::new(doc))),
            Task::Finish { rel, wanted } => Answer::Finished(Box::new(finish(doc, &rel, &wanted))),
        })
    });
    match std::panic::catch_unwind(run) {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) => Answer::Reply(Reply::Err(super::reason(&e))),
        Err(panic) => Answer::Reply(Reply::Err(format!(
            "perfnorm failed on this file (internal error: {}); please report it",
            super::panic_message(&*panic)
        ))),
    }
}

#[cfg(unix)]
fn path_of(raw: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(raw))
}

#[cfg(not(unix))]
fn path_of(raw: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&raw).into_owned())
}

/// Limit this process's address space, so an allocation past `bytes` fails (and aborts the
/// worker with "memory allocation of … failed", which the parent reports as out of memory)
/// instead of growing until the kernel kills something.
#[cfg(unix)]
fn limit_memory(bytes: u64) -> std::io::Result<()> {
    let lim = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: bytes as libc::rlim_t,
    };
    // SAFETY: setrlimit reads the struct we pass and touches no Rust-managed memory.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_AS, &lim) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(unix))]
fn limit_memory(_bytes: u64) -> std::io::Result<()> {
    Ok(())
}

/// Ways to make a worker die on purpose, for the tests of the pool only: every crasher perfnorm
/// knows of is fixed at its root, so no input kills a worker any more, yet the pool's handling
/// of a dead worker must stay tested. `PERFNORM_TEST_CRASH=abort:NAME,overflow:NAME,oom:NAME,
/// hang:NAME` makes the worker that receives a file whose name contains NAME abort, overflow
/// its stack, allocate until its memory limit, or spin. It acts only inside a worker process
/// and only on the files it names, so setting it can do no more than a hostile input could.
mod test_hooks {
    use std::path::Path;

    pub(super) fn apply(path: &Path) {
        let Ok(spec) = std::env::var("PERFNORM_TEST_CRASH") else {
            return;
        };
        let name = path.to_string_lossy();
        for item in spec.split(',') {
            let Some((how, needle)) = item.split_once(':') else {
                continue;
            };
            if needle.is_empty() || !name.contains(needle) {
                continue;
            }
            match how {
                "abort" => std::process::abort(),
                "overflow" => {
                    std::hint::black_box(recurse(0));
                }
                "oom" => allocate_forever(),
                "hang" => loop {
                    std::hint::spin_loop();
                },
                _ => {}
            }
        }
    }

    /// Recurse with a page of stack per call until the stack overflows.
    fn recurse(depth: u64) -> u64 {
        let page = std::hint::black_box([depth as u8; 4096]);
        if std::hint::black_box(depth) == u64::MAX {
            return 0;
        }
        recurse(depth + 1) + u64::from(page[0])
    }

    fn allocate_forever() {
        let mut held: Vec<Vec<u8>> = Vec::new();
        loop {
            held.push(vec![1u8; 64 << 20]);
            std::hint::black_box(&held);
        }
    }
}
