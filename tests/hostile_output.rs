//! The output side under hostile conditions (issue 15): a FIFO where an output goes is refused
//! with its path instead of hanging the run; temporary files of a killed run are cleaned up by
//! the next run into the folder; control characters in file names and cell texts reach the
//! terminal escaped.

mod common;

use common::root;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn perfnorm(args: &[&std::ffi::OsStr]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("perfnorm {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn seed(dir: &Path, name: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::copy(root().join("samples/suzhou-2026-jiguan-gongwei.txt"), &p).unwrap();
    p
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_output_folder_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    seed(&input, "a.txt");
    seed(&input, "b.txt");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let fifo = out.join("a.txt.json");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let o = perfnorm(&[
        "convert".as_ref(),
        input.as_os_str(),
        "-d".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("a.txt.json") && stderr.contains("it is a FIFO, not a regular file"),
        "{stderr}"
    );
    assert!(out.join("b.txt.json").is_file());
    // A FIFO named with -o and no reader: refused at once, not waited on.
    let o = perfnorm(&[
        "convert".as_ref(),
        input.join("b.txt").as_os_str(),
        "-o".as_ref(),
        fifo.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("a FIFO with no reader"), "{stderr}");
}

#[test]
fn temporary_files_of_a_killed_run_are_removed_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    seed(&input.join("sub"), "a.txt");
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("sub")).unwrap();
    // As a run killed between writing and renaming leaves them (no such process now).
    let stale = out.join("sub/.a.txt.json.999999999.3.00000000deadbeef.tmp");
    std::fs::write(&stale, b"half").unwrap();
    let unrelated = out.join("sub/.notes.tmp");
    std::fs::write(&unrelated, b"mine").unwrap();
    let o = perfnorm(&[
        "convert".as_ref(),
        input.as_os_str(),
        "-d".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stale.exists());
    assert!(unrelated.exists());
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(r["stale_temps_removed"], 1, "{r}");
}

#[test]
fn control_characters_reach_the_terminal_escaped() {
    let dir = tempfile::tempdir().unwrap();
    // A cell whose text clears the screen, in a file whose name does too.
    let text = std::fs::read_to_string(root().join("samples/suzhou-2026-jiguan-gongwei.txt"))
        .unwrap()
        .replacen("预算", "预\u{1b}[2J算", 1)
        + "\n\u{1b}]0;pwned\u{7}\t\u{1b}[31m注\n";
    let name = if cfg!(unix) {
        "evil\u{1b}[2J.txt"
    } else {
        "evil.txt"
    };
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let bad = dir.path().join("bad\u{1b}[31m.pdf");
    std::fs::write(&bad, b"%PDF-1.4 garbage").unwrap();
    let o = perfnorm(&["check".as_ref(), path.as_os_str(), bad.as_os_str()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        !stdout.contains('\u{1b}'),
        "raw escape in check output: {stdout:?}"
    );
    assert!(stdout.contains("\\x1b"), "{stdout}");
    assert!(
        stdout.contains("bad\\x1b[31m.pdf: error: failed"),
        "{stdout}"
    );
    let out = dir.path().join("out");
    let o = perfnorm(&[
        "convert".as_ref(),
        path.as_os_str(),
        bad.as_os_str(),
        "-d".as_ref(),
        out.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !stderr.contains('\u{1b}'),
        "raw escape on stderr: {stderr:?}"
    );
    assert!(stderr.contains("bad\\x1b[31m.pdf: "), "{stderr}");
}

/// Writing is covered by the file's time too: a pipe whose reader never reads fills up and
/// would block the write for ever; the file is given up after `--timeout`, named.
#[cfg(unix)]
#[test]
fn a_write_that_blocks_is_given_up_after_the_timeout() {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("slow.json");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // A reader that never reads, with the smallest pipe buffer the kernel gives.
    let reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    // SAFETY: fcntl on a descriptor the File owns.
    unsafe { libc::fcntl(reader.as_raw_fd(), libc::F_SETPIPE_SZ, 4096) };
    let input = root().join("samples/a01_zhenjiang_shuiwu_2026.tsv.txt");
    let t = Instant::now();
    let o = perfnorm(&[
        "convert".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        fifo.as_os_str(),
        "--timeout".as_ref(),
        "2".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("a01_zhenjiang_shuiwu_2026.tsv.txt: writing its outputs: limit exceeded")
            && stderr.contains("longer than the limit of 2 s"),
        "{stderr}"
    );
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
    drop(reader);
}
