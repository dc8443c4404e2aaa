//! `perfnorm completions SHELL` and `perfnorm man [COMMAND]` through the real binary: every
//! script and page names the commands and flags the parser takes, never the hidden worker
//! command, and the bash script really completes when bash loads it.

use std::process::{Command, Output};

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];
const COMMANDS: [&str; 5] = ["convert", "check", "schema", "completions", "man"];

fn perfnorm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .args(args)
        .output()
        .unwrap()
}

/// Standard output of a run that must succeed.
fn stdout(args: &[&str]) -> String {
    let out = perfnorm(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// roff escapes every hyphen (`\-\-out\-dir`); the checks read the text as printed.
fn unroff(page: &str) -> String {
    page.replace("\\-", "-")
}

#[test]
fn every_shell_script_names_the_commands_and_flags() {
    for shell in SHELLS {
        let script = stdout(&["completions", shell]);
        for word in COMMANDS {
            assert!(script.contains(word), "{shell}: no {word}");
        }
        // Flags of convert, of check and shared by both (flattened InputArgs).
        for flag in [
            "out-dir",
            "skip-unchanged",
            "format",
            "max-cells",
            "no-isolate",
        ] {
            assert!(script.contains(flag), "{shell}: no --{flag}");
        }
        assert!(
            !script.contains("__worker"),
            "{shell}: offers the hidden worker"
        );
    }
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let out = perfnorm(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bash"));
}

/// Load the bash script and ask its completion function what `perfnorm WORDS…` completes to.
fn bash_complete(script: &str, words: &[&str]) -> Vec<String> {
    let words_array: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let current = words[cword];
    let previous = words[cword - 1];
    let program = format!(
        "{script}\nCOMP_WORDS=({})\nCOMP_CWORD={cword}\n_perfnorm perfnorm '{current}' '{previous}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words_array.join(" ")
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_and_flags() {
    let script = stdout(&["completions", "bash"]);
    assert_eq!(bash_complete(&script, &["perfnorm", "con"]), ["convert"]);
    assert_eq!(
        bash_complete(&script, &["perfnorm", "convert", "--out-"]),
        ["--out-dir"]
    );
    assert_eq!(
        bash_complete(&script, &["perfnorm", "check", "--form"]),
        ["--format"]
    );
    // The hidden worker is not offered, whatever its first letters.
    assert!(bash_complete(&script, &["perfnorm", "__"]).is_empty());
}

#[test]
fn man_page_lists_the_commands() {
    let page = unroff(&stdout(&["man"]));
    assert!(page.starts_with(".ie"), "not roff: {}", &page[..40]);
    assert!(page.contains(".TH perfnorm 1"), "{page}");
    for command in COMMANDS {
        assert!(
            page.contains(&format!("perfnorm-{command}(1)")),
            "no {command}"
        );
    }
    assert!(!page.contains("__worker"));
    // Only pages that exist are referenced: clap's `help` command has none.
    assert!(!page.contains("perfnorm-help(1)"));
}

#[test]
fn man_page_of_a_command_lists_its_flags() {
    let convert = unroff(&stdout(&["man", "convert"]));
    assert!(convert.contains(".TH perfnorm-convert 1"));
    // The footer names the program and version, not just `convert`.
    assert!(convert.contains(&format!("\"perfnorm {}\"", env!("CARGO_PKG_VERSION"))));
    for flag in [
        "--out-dir",
        "--to",
        "--skip-unchanged",
        "--shard",
        "--max-cells",
    ] {
        assert!(convert.contains(flag), "convert: no {flag}");
    }
    let check = unroff(&stdout(&["man", "check"]));
    for flag in ["--format", "--strict", "--glob"] {
        assert!(check.contains(flag), "check: no {flag}");
    }
    assert!(!check.contains("--out-dir"));
}

#[test]
fn man_page_of_an_unknown_command_is_a_usage_error() {
    for name in ["nope", "__worker", "help"] {
        let out = perfnorm(&["man", name]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("unknown command"), "{name}: {err}");
        assert!(err.contains("convert, check"), "{name}: {err}");
    }
}

#[test]
fn closed_pipe_is_no_failure() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .args(["completions", "zsh"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read nothing and close: the script (several KiB) then meets a closed pipe.
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{status:?}: {err}");
    assert!(err.is_empty(), "{err}");
}
