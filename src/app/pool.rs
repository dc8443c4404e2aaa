//! Process isolation, the parent side (`app::worker` is the worker side). The command line
//! converts through worker processes, so no input can take the run down: a worker that aborts,
//! overflows its stack, runs out of its memory limit (`--max-memory`) or out of the file's time
//! (`--timeout`, after which it is killed) fails only the file it held, and the next file gets
//! a new worker. This is what Apache Tika's `ForkParser` does for search engines.
//!
//! Each job of a batch owns one `Engine`: in a batch the job's thread reads the file, hands
//! the bytes to its worker and waits for the file's outputs, rendered by the worker
//! (`app::handback`), then writes them itself, so outputs are written by the parent alone and
//! in the same order as in-process. The library
//! (`convert_file`, `convert_bytes`) always runs in-process: isolation is the binary's.

use super::handback::{Finished, Wanted, finish};
use super::worker::{Reply, Task, read_frame, receive_finished, write_frame};
use super::{ConvertOptions, Watchdog, convert_hashed, read_input};
use crate::error::{Error, IngestError, WorkerFailure};
use crate::model::Document;
use sha2::{Digest, Sha256};
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The default memory limit of one worker process (`--max-memory`).
pub const DEFAULT_MAX_MEMORY: u64 = 1 << 30;

/// How long an idle worker is given to exit once its input closes, before it is killed.
const EXIT_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// How much of a dead worker's stderr is kept to tell why it died.
const STDERR_TAIL: usize = 8 << 10;

/// How conversions run out of process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Isolation {
    /// The perfnorm binary to start as `EXE __worker` (the running one).
    pub exe: PathBuf,
    /// The address-space limit of each worker, bytes.
    pub max_memory: u64,
}

impl Isolation {
    /// Isolation through the running binary, or `None` where the platform has no way to
    /// limit a child (then the run converts in-process, as `--no-isolate` does).
    pub fn current(max_memory: u64) -> Option<Isolation> {
        if !cfg!(unix) {
            return None;
        }
        let exe = std::env::current_exe().ok()?;
        Some(Isolation { exe, max_memory })
    }
}

/// Where one job converts: in this process (`--no-isolate`, the library) or in its worker.
pub enum Engine {
    InProcess,
    Isolated(Worker),
}

impl Engine {
    pub fn new(isolation: Option<&Isolation>, opts: &ConvertOptions) -> Engine {
        match isolation {
            Some(iso) => Engine::Isolated(Worker::new(iso.clone(), opts)),
            None => Engine::InProcess,
        }
    }

    /// Convert the bytes of `file` within the time `dog` keeps.
    pub fn convert(
        &mut self,
        file: &Path,
        bytes: Vec<u8>,
        sha256: String,
        opts: &ConvertOptions,
        dog: &Watchdog,
    ) -> Result<Document, Error> {
        match self {
            Engine::InProcess => {
                let (input, opts) = (file.to_path_buf(), opts.clone());
                dog.run(move || convert_hashed(&input, &bytes, sha256, &opts))
            }
            Engine::Isolated(w) => match w.ask(file, &bytes, &sha256, &Task::Document, dog)? {
                Answer::Doc(doc) => Ok(doc),
                Answer::Finished(_) => Err(out_of_step(file)),
            },
        }
    }

    /// Convert the bytes of `file` and render it as a batch `wanted` it (`rel`: its path below
    /// the input folder), within the time `dog` keeps (in-process, the rendering is not
    /// timed, as the writing is not).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn finish(
        &mut self,
        file: &Path,
        bytes: Vec<u8>,
        sha256: String,
        opts: &ConvertOptions,
        dog: &Watchdog,
        rel: &str,
        wanted: &Wanted,
    ) -> Result<Finished, Error> {
        match self {
            Engine::InProcess => {
                let doc = self.convert(file, bytes, sha256, opts, dog)?;
                Ok(finish(doc, rel, wanted))
            }
            Engine::Isolated(w) => {
                let task = Task::Finish {
                    rel: rel.to_string(),
                    wanted: wanted.clone(),
                };
                match w.ask(file, &bytes, &sha256, &task, dog)? {
                    Answer::Finished(f) => Ok(*f),
                    Answer::Doc(_) => Err(out_of_step(file)),
                }
            }
        }
    }

    /// Read and convert one file (`super::convert_file`, through this engine).
    pub fn convert_file(&mut self, file: &Path, opts: &ConvertOptions) -> Result<Document, Error> {
        let dog = Watchdog::start(file, opts.read.limits.time_per_file);
        let bytes = {
            let (file, limits) = (file.to_path_buf(), opts.read.limits);
            dog.run(move || read_input(&file, &limits))?
        };
        let sha = hex::encode(Sha256::digest(&bytes));
        self.convert(file, bytes, sha, opts, &dog)
    }
}

/// One worker process, started when the first file comes and again after one dies.
pub struct Worker {
    iso: Isolation,
    /// The options frame every new worker gets first.
    options: Vec<u8>,
    proc: Option<Proc>,
}

/// A running worker: its pipes, and the tail of its stderr gathered by a thread.
struct Proc {
    child: Child,
    stdin: ChildStdin,
    /// Buffered: an answer is several frames, each a length and its bytes. The buffer holds
    /// nothing between answers (the worker answers only what it is asked, and each answer is
    /// read whole), so waiting on the pipe itself stays right.
    stdout: BufReader<ChildStdout>,
    stderr: Arc<Mutex<Vec<u8>>>,
    drain: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    pub fn new(iso: Isolation, opts: &ConvertOptions) -> Worker {
        Worker {
            iso,
            // Plain data: serialising it cannot fail.
            options: serde_json::to_vec(opts).unwrap_or_default(),
            proc: None,
        }
    }

    /// Convert `bytes` of `file` in the worker and do `task`; a dead or stopped worker fails
    /// this file only.
    fn ask(
        &mut self,
        file: &Path,
        bytes: &[u8],
        sha256: &str,
        task: &Task,
        dog: &Watchdog,
    ) -> Result<Answer, Error> {
        let fail = |w: WorkerFailure| Error::ingest(file, IngestError::Worker(w));
        // Plain data: serialising it cannot fail.
        let task = serde_json::to_vec(task).unwrap_or_default();
        self.hand_over(file, sha256, bytes, &task).map_err(fail)?;
        let Some(p) = self.proc.as_mut() else {
            return Err(fail(WorkerFailure::Unavailable("not started".into())));
        };
        let answer = receive(&mut p.stdout, dog.deadline());
        match answer {
            Ok(Ok(a)) => Ok(a),
            Ok(Err(reason)) => Err(Error::ingest(file, IngestError::Reported(reason))),
            Err(Received::Garbled(e)) => {
                self.stop();
                Err(fail(WorkerFailure::Unavailable(format!(
                    "its answer could not be read: {e}"
                ))))
            }
            Err(Received::TimedOut) => {
                self.stop();
                Err(fail(WorkerFailure::TimedOut {
                    secs: dog.limit().as_secs_f64(),
                }))
            }
            Err(Received::Broken) => Err(fail(self.died())),
        }
    }

    /// Hand the file to a running worker, started if need be. A worker that had died before
    /// this file reached it (it reads every frame of a file before it starts on it) is not
    /// this file's fault: once more with a new one.
    fn hand_over(
        &mut self,
        file: &Path,
        sha256: &str,
        bytes: &[u8],
        task: &[u8],
    ) -> Result<(), WorkerFailure> {
        for attempt in 0..2 {
            if self.proc.is_none() {
                self.proc = Some(self.spawn().map_err(unavailable)?);
            }
            let Some(p) = self.proc.as_mut() else { break };
            if let Ok(mut tail) = p.stderr.lock() {
                tail.clear();
            }
            match send(&mut p.stdin, file, sha256, bytes, task) {
                Ok(()) => return Ok(()),
                Err(_) if attempt == 0 => {
                    let _ = self.died();
                }
                Err(_) => return Err(self.died()),
            }
        }
        Err(WorkerFailure::Unavailable("not started".into()))
    }

    fn spawn(&self) -> std::io::Result<Proc> {
        let mut child = Command::new(&self.iso.exe)
            .arg("__worker")
            .arg("--max-memory")
            .arg(self.iso.max_memory.to_string())
            // The binary's allocator (mimalloc) reserves 1 GiB of address space up front,
            // before the worker can set its limit: the whole default limit gone at start.
            // Reserving 64 MiB at a time keeps the limit for what the conversion uses.
            .env("MIMALLOC_ARENA_RESERVE", "64M")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let (Some(mut stdin), Some(stdout), Some(err)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("its pipes could not be opened"));
        };
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let drain = {
            let tail = Arc::clone(&stderr);
            std::thread::Builder::new()
                .name("perfnorm-worker-stderr".into())
                .spawn(move || drain_stderr(err, &tail))?
        };
        write_frame(&mut stdin, &self.options)?;
        Ok(Proc {
            child,
            stdin,
            stdout: BufReader::with_capacity(64 << 10, stdout),
            stderr,
            drain: Some(drain),
        })
    }

    /// The worker broke its pipe: reap it and say how it ended.
    fn died(&mut self) -> WorkerFailure {
        let Some(mut p) = self.proc.take() else {
            return WorkerFailure::Unavailable("not running".into());
        };
        drop(p.stdin);
        let status = p.child.wait();
        // The child is gone, so its stderr is at its end: the tail is complete once the
        // drain thread returns.
        if let Some(d) = p.drain.take() {
            let _ = d.join();
        }
        let tail = p.stderr.lock().map(|t| t.clone()).unwrap_or_default();
        match status {
            Ok(status) => classify(status, &String::from_utf8_lossy(&tail), self.iso.max_memory),
            Err(e) => unavailable(e),
        }
    }

    /// Kill the worker (its file's time is up, or it is out of step); the next file starts a
    /// new one.
    fn stop(&mut self) {
        if let Some(mut p) = self.proc.take() {
            let _ = p.child.kill();
            let _ = p.child.wait();
        }
    }
}

impl Drop for Worker {
    /// An idle worker is told to end (its input closes) and given a moment to exit on its
    /// own, so that it ends as a program does (a profiler writes its counts at exit); one that
    /// does not is killed.
    fn drop(&mut self) {
        let Some(p) = self.proc.take() else { return };
        let Proc {
            mut child, stdin, ..
        } = p;
        drop(stdin);
        let grace = Instant::now() + EXIT_GRACE;
        while Instant::now() < grace {
            match child.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(1)),
            }
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn unavailable(e: std::io::Error) -> WorkerFailure {
    WorkerFailure::Unavailable(e.to_string())
}

/// Hand one file to the worker.
fn send(
    stdin: &mut ChildStdin,
    file: &Path,
    sha256: &str,
    bytes: &[u8],
    task: &[u8],
) -> std::io::Result<()> {
    // One write for the small frames around the content (a large content passes through).
    let mut w = BufWriter::with_capacity(16 << 10, stdin);
    write_frame(&mut w, &path_bytes(file))?;
    write_frame(&mut w, sha256.as_bytes())?;
    write_frame(&mut w, bytes)?;
    write_frame(&mut w, task)?;
    w.flush()
}

/// A worker's answer that does not fit the task asked: the worker is out of step.
fn out_of_step(file: &Path) -> Error {
    Error::ingest(
        file,
        IngestError::Worker(WorkerFailure::Unavailable(
            "its answer did not fit the task".into(),
        )),
    )
}

#[cfg(unix)]
fn path_bytes(p: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    p.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(p: &Path) -> Vec<u8> {
    p.to_string_lossy().into_owned().into_bytes()
}

/// A worker's answer: the document, or a file finished as a batch wants it.
enum Answer {
    Doc(Document),
    Finished(Box<Finished>),
}

/// Why no answer came.
enum Received {
    TimedOut,
    /// The pipe broke or closed: the worker died (how is told by its exit status).
    Broken,
    /// The answer came but could not be read: the worker is out of step.
    Garbled(String),
}

/// Wait for the worker's answer until `deadline` (`None`: no deadline): the answer, or the
/// file's error as the worker worded it.
fn receive(
    stdout: &mut BufReader<ChildStdout>,
    deadline: Option<Instant>,
) -> Result<Result<Answer, String>, Received> {
    if stdout.buffer().is_empty() {
        wait_readable(stdout.get_ref(), deadline)?;
    }
    // The worker writes its answer in one go once it has it: once its first byte is here,
    // the rest follows without waiting on the conversion.
    let head = match read_frame(stdout) {
        Ok(Some(frame)) => frame,
        Ok(None) | Err(_) => return Err(Received::Broken),
    };
    let head =
        serde_json::from_slice::<Reply>(&head).map_err(|e| Received::Garbled(e.to_string()))?;
    match head {
        Reply::Ok(doc) => Ok(Ok(Answer::Doc(*doc))),
        Reply::Err(reason) => Ok(Err(reason)),
        Reply::Finished {
            summary,
            outputs,
            csv,
            doc,
        } => match receive_finished(stdout, summary, outputs, csv, doc) {
            Ok(f) => Ok(Ok(Answer::Finished(Box::new(f)))),
            Err(e) if e.kind() == std::io::ErrorKind::Other => {
                Err(Received::Garbled(e.to_string()))
            }
            Err(_) => Err(Received::Broken),
        },
    }
}

/// Block until the worker's stdout has something to read (or is closed), or the deadline.
#[cfg(unix)]
fn wait_readable(stdout: &ChildStdout, deadline: Option<Instant>) -> Result<(), Received> {
    use std::os::fd::AsRawFd;
    let mut fds = libc::pollfd {
        fd: stdout.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        let timeout = match deadline {
            None => -1,
            Some(end) => {
                let left = end.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(Received::TimedOut);
                }
                // Whole milliseconds, rounded up so the wait never ends just short of it.
                i32::try_from(left.as_millis() + 1).unwrap_or(i32::MAX)
            }
        };
        // SAFETY: one valid pollfd that lives across the call.
        let rc = unsafe { libc::poll(&mut fds, 1, timeout) };
        if rc > 0 {
            return Ok(());
        }
        if rc < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(Received::Broken);
            }
        }
    }
}

#[cfg(not(unix))]
fn wait_readable(_stdout: &ChildStdout, _deadline: Option<Instant>) -> Result<(), Received> {
    Ok(())
}

/// Keep the last `STDERR_TAIL` bytes the worker writes to stderr, until it closes.
fn drain_stderr(mut err: std::process::ChildStderr, tail: &Mutex<Vec<u8>>) {
    let mut buf = [0u8; 4096];
    loop {
        match std::io::Read::read(&mut err, &mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                let Ok(mut t) = tail.lock() else { return };
                t.extend_from_slice(&buf[..n]);
                if t.len() > STDERR_TAIL {
                    let cut = t.len() - STDERR_TAIL;
                    t.drain(..cut);
                }
            }
        }
    }
}

/// How a worker ended, from its exit status and the end of its stderr.
fn classify(status: ExitStatus, stderr: &str, max_memory: u64) -> WorkerFailure {
    if stderr.contains("memory allocation of") {
        return WorkerFailure::OutOfMemory {
            limit: size_text(max_memory),
        };
    }
    let overflow = stderr.contains("has overflowed its stack");
    let how = match signal(&status) {
        Some(sig) if overflow => format!("signal {sig}, stack overflow"),
        Some(9) => "signal 9: killed from outside, by the system out of memory?".to_string(),
        Some(sig) => format!("signal {sig}"),
        None => match status.code() {
            Some(code) => format!("exit status {code}"),
            None => "ended".to_string(),
        },
    };
    WorkerFailure::Crashed { how }
}

#[cfg(unix)]
fn signal(status: &ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(not(unix))]
fn signal(_status: &ExitStatus) -> Option<i32> {
    None
}

/// A size as the flags write it: `1G`, `512M`, `300K`, else bytes.
pub fn size_text(n: u64) -> String {
    for (shift, suffix) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{}{suffix}", n >> shift);
        }
    }
    n.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_the_flag_takes_them() {
        assert_eq!(size_text(1 << 30), "1G");
        assert_eq!(size_text(512 << 20), "512M");
        assert_eq!(size_text(1536 << 20), "1536M");
        assert_eq!(size_text(1000), "1000");
    }

    #[cfg(unix)]
    #[test]
    fn a_dead_worker_is_named_by_how_it_died() {
        use std::os::unix::process::ExitStatusExt;
        let oom = classify(
            ExitStatus::from_raw(6),
            "memory allocation of 11258827267113000 bytes failed\n",
            1 << 30,
        );
        assert!(oom.to_string().contains("out of memory (limit 1G"), "{oom}");
        let overflow = classify(
            ExitStatus::from_raw(6),
            "thread 'x' has overflowed its stack\nfatal runtime error: stack overflow",
            1 << 30,
        );
        assert_eq!(
            overflow.to_string(),
            "crashed (signal 6, stack overflow); perfnorm failed on this file (please report it)"
        );
        let abort = classify(ExitStatus::from_raw(6), "", 1 << 30);
        assert!(
            abort.to_string().starts_with("crashed (signal 6)"),
            "{abort}"
        );
        let exit = classify(ExitStatus::from_raw(3 << 8), "", 1 << 30);
        assert!(
            exit.to_string().starts_with("crashed (exit status 3)"),
            "{exit}"
        );
    }
}
