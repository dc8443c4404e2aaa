//! The commands: each resolves its raw flags into settings, runs the library and returns the
//! exit status (0 all converted, 1 some input failed, 2 bad usage).

use super::batch::{self, Dest};
use super::{ConvertOptions, convert_file};
use crate::cli::{CheckArgs, Cli, Command, ConvertArgs, InputArgs};
use crate::error::Error;
use crate::ingest::{InputFormat, Limits, ReadOptions};
use crate::model::{Document, Severity};
use crate::write::csv::CsvOptions;
use std::io::Write;
use std::time::Duration;

pub use super::batch::OutFormat;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Convert(a) => convert(a),
        Command::Check(a) => check(a),
        Command::Schema => schema(),
    }
}

fn options(a: &InputArgs) -> Result<ConvertOptions, Error> {
    let from = match &a.from {
        Some(f) => Some(
            InputFormat::parse(f)
                .ok_or_else(|| Error::Usage(format!("unknown input format {f}")))?,
        ),
        None => None,
    };
    let encoding = match a.encoding.to_ascii_lowercase().as_str() {
        "auto" => None,
        "utf-8" | "utf8" | "gb18030" | "gbk" | "utf-16" | "utf16" | "utf-16le" | "utf-16be" => {
            Some(a.encoding.clone())
        }
        other => {
            return Err(Error::Usage(format!(
                "unknown encoding {other} (auto, utf-8, gb18030, utf-16)"
            )));
        }
    };
    Ok(ConvertOptions {
        from,
        read: ReadOptions {
            encoding,
            limits: limits(a)?,
            include_hidden: a.include_hidden,
        },
    })
}

/// The limits from the flags; a flag not given keeps its default.
fn limits(a: &InputArgs) -> Result<Limits, Error> {
    let mut l = Limits::default();
    if let Some(s) = &a.max_file_size {
        l.max_input_bytes = parse_size("--max-file-size", s)?;
    }
    if let Some(s) = &a.max_text_size {
        l.max_text_bytes = parse_size("--max-text-size", s)?;
    }
    if let Some(s) = &a.max_decompressed_size {
        l.max_decompressed_bytes = parse_size("--max-decompressed-size", s)?;
    }
    if let Some(s) = &a.max_cells {
        l.max_cells = parse_count("--max-cells", s)?;
    }
    if let Some(s) = &a.max_pages {
        l.max_pages = parse_count("--max-pages", s)?;
    }
    if let Some(s) = &a.timeout {
        l.time_per_file = parse_secs("--timeout", s)?;
    }
    Ok(l)
}

/// A size in bytes: a whole number, optionally with a `K`, `M` or `G` suffix (powers of
/// 1024; `KB`, `KiB`, `MiB`, … read the same), at least 1.
pub fn parse_size(flag: &str, s: &str) -> Result<u64, Error> {
    let bad = || {
        Error::Usage(format!(
            "{flag} takes a size in bytes, such as 1000000, 512K, 300M or 2G, not {s:?}"
        ))
    };
    let t = s.trim();
    let upper = t.to_ascii_uppercase();
    let upper = upper
        .strip_suffix("IB")
        .or_else(|| upper.strip_suffix('B'))
        .unwrap_or(&upper);
    let (digits, shift) = match upper.chars().last() {
        Some('K') => (&upper[..upper.len() - 1], 10),
        Some('M') => (&upper[..upper.len() - 1], 20),
        Some('G') => (&upper[..upper.len() - 1], 30),
        Some('T') => (&upper[..upper.len() - 1], 40),
        _ => (upper, 0),
    };
    let digits = digits.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let n = n.checked_mul(1u64 << shift).ok_or_else(bad)?;
    if n == 0 {
        return Err(bad());
    }
    Ok(n)
}

/// A count (cells, pages): a whole number, at least 1.
fn parse_count<T: std::str::FromStr>(flag: &str, s: &str) -> Result<T, Error> {
    let t = s.trim();
    let bad = || {
        Error::Usage(format!(
            "{flag} takes a whole number, at least 1, not {s:?}"
        ))
    };
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) || t.bytes().all(|b| b == b'0') {
        return Err(bad());
    }
    t.parse().map_err(|_| bad())
}

/// Seconds, whole or decimal, more than 0.
fn parse_secs(flag: &str, s: &str) -> Result<Duration, Error> {
    let bad = || {
        Error::Usage(format!(
            "{flag} takes a number of seconds above 0 (such as 30 or 2.5), not {s:?}"
        ))
    };
    let v: f64 = s.trim().parse().map_err(|_| bad())?;
    if !v.is_finite() || v <= 0.0 {
        return Err(bad());
    }
    Duration::try_from_secs_f64(v).map_err(|_| bad())
}

fn resolve_formats(a: &ConvertArgs) -> Result<Vec<OutFormat>, Error> {
    let mut out: Vec<OutFormat> = Vec::new();
    if !a.to.is_empty() {
        for t in &a.to {
            let f = OutFormat::parse(t)
                .ok_or_else(|| Error::Usage(format!("unknown output format {t}")))?;
            if !out.contains(&f) {
                out.push(f);
            }
        }
        return Ok(out);
    }
    // No -t: the extension of -o says it (x.xlsx, x.csv), else JSON.
    let from_ext = a
        .output
        .as_ref()
        .and_then(|o| o.extension())
        .and_then(|e| e.to_str())
        .and_then(OutFormat::parse);
    Ok(vec![from_ext.unwrap_or(OutFormat::Json)])
}

/// `convert`: resolve the flags, list the files (folders walked), and hand them to the batch
/// runner, which converts in parallel and writes every requested format.
fn convert(a: ConvertArgs) -> i32 {
    let opts = match options(&a.input) {
        Ok(o) => o,
        Err(e) => return usage(e),
    };
    let formats = match resolve_formats(&a) {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    let collected =
        batch::collect_with_hidden(&a.inputs, &a.glob, &a.exclude, a.out_dir.as_deref());
    let (mut jobs, mut hidden) = match collected {
        Ok(j) => j,
        Err(e) => return usage(e),
    };
    if let Some(sh) = &a.shard {
        match batch::parse_shard(sh) {
            Ok((k, n)) => {
                jobs = batch::shard(jobs, k, n);
                hidden = batch::shard(hidden, k, n);
            }
            Err(e) => return usage(e),
        }
    }
    let dest = match (&a.output, &a.out_dir) {
        (Some(o), _) if o.as_os_str() == "-" => Dest::Stdout,
        (Some(o), _) => Dest::File(o.clone()),
        (None, Some(d)) => Dest::Dir(d.clone()),
        (None, None) => Dest::Stdout,
    };
    if jobs.len() > 1 && matches!(dest, Dest::File(_)) {
        return usage(Error::Usage(
            "-o takes one input; use -d OUT_DIR for several".into(),
        ));
    }
    if jobs.len() > 1 && dest == Dest::Stdout && formats.contains(&OutFormat::Xlsx) {
        return usage(Error::Usage(
            "several workbooks cannot go to standard output; use -d OUT_DIR".into(),
        ));
    }
    if a.jobs == Some(0) {
        return usage(Error::Usage("-j takes a number of jobs, at least 1".into()));
    }
    let settings = batch::Settings {
        dest,
        formats,
        csv: CsvOptions {
            bom: a.bom,
            excel_safe: a.excel_safe,
            prefix: String::new(),
        },
        jobs: a.jobs,
        strict: a.strict,
        quiet: a.quiet,
        skip_unchanged: a.skip_unchanged,
        no_clobber: a.no_clobber,
        hidden,
        convert: opts,
    };
    match batch::run(jobs, &settings) {
        Ok(status) => status,
        Err(e @ Error::Usage(_)) => usage(e),
        Err(e) => {
            eprintln!("perfnorm: {e}");
            EXIT_FAILED
        }
    }
}

fn doc_has(doc: &Document, sev: Severity) -> bool {
    doc.diagnostics.iter().any(|d| d.severity >= sev)
        || doc
            .tables
            .iter()
            .flat_map(|t| &t.diagnostics)
            .any(|d| d.severity >= sev)
}

fn check(a: CheckArgs) -> i32 {
    let opts = match options(&a.input) {
        Ok(o) => o,
        Err(e) => return usage(e),
    };
    let mut status = EXIT_OK;
    let mut out = std::io::stdout().lock();
    for input in &a.inputs {
        if let Err(e) = check_one(&mut out, input, &opts, &mut status) {
            return stdout_failed(e, status);
        }
    }
    if let Err(e) = out.flush() {
        return stdout_failed(e, status);
    }
    status
}

/// Check one input, writing its lines to `out`; a write error is returned (the caller stops).
fn check_one(
    out: &mut impl Write,
    input: &std::path::Path,
    opts: &ConvertOptions,
    status: &mut i32,
) -> std::io::Result<()> {
    match convert_file(input, opts) {
        Err(e) => {
            writeln!(out, "{}: error: {e}", input.display())?;
            *status = EXIT_FAILED;
        }
        Ok(doc) => {
            let file = input.display();
            for d in &doc.diagnostics {
                writeln!(out, "{file}: {}", line(d))?;
            }
            for (i, t) in doc.tables.iter().enumerate() {
                writeln!(
                    out,
                    "{file}: table {}: {} ({}), {} indicators, {} funds items, {} fields",
                    i + 1,
                    t.name.as_deref().or(t.title.as_deref()).unwrap_or("?"),
                    t.kind.as_str(),
                    t.indicators.len(),
                    t.funds.items.len(),
                    t.fields.len()
                )?;
                for d in &t.diagnostics {
                    writeln!(out, "{file}: {}", line(d))?;
                }
            }
            if doc_has(&doc, Severity::Error) {
                *status = EXIT_FAILED;
            }
        }
    }
    Ok(())
}

/// A write to standard output failed. A closed stdout pipe (`| head`) ends quietly with the
/// status so far; any other error is reported (exit 1).
fn stdout_failed(e: std::io::Error, status: i32) -> i32 {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return status;
    }
    eprintln!("perfnorm: stdout: {e}");
    EXIT_FAILED
}

fn line(d: &crate::model::Diagnostic) -> String {
    let at = d.source.describe();
    let at = if at.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    };
    format!("{at}{}: {}: {}", d.severity.as_str(), d.code, d.message)
}

fn schema() -> i32 {
    let schema = schemars::schema_for!(Document);
    match serde_json::to_string_pretty(&schema) {
        Ok(s) => {
            let mut out = std::io::stdout().lock();
            match writeln!(out, "{s}").and_then(|_| out.flush()) {
                Ok(()) => EXIT_OK,
                Err(e) => stdout_failed(e, EXIT_OK),
            }
        }
        Err(e) => {
            eprintln!("perfnorm: {e}");
            EXIT_FAILED
        }
    }
}

fn usage(e: Error) -> i32 {
    eprintln!("perfnorm: {e}");
    EXIT_USAGE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_suffixes() {
        let p = |s| parse_size("--max-file-size", s);
        assert_eq!(p("1000").unwrap(), 1000);
        assert_eq!(p("512K").unwrap(), 512 << 10);
        assert_eq!(p("300m").unwrap(), 300 << 20);
        assert_eq!(p("2G").unwrap(), 2 << 30);
        assert_eq!(p("2GiB").unwrap(), 2 << 30);
        assert_eq!(p("64MB").unwrap(), 64 << 20);
        for bad in [
            "",
            "0",
            "K",
            "1.5M",
            "-1",
            "12X",
            "99999999999999999999",
            "20000000000G",
        ] {
            let e = p(bad).unwrap_err().to_string();
            assert!(e.contains("--max-file-size takes a size"), "{bad}: {e}");
        }
    }

    #[test]
    fn counts_and_seconds() {
        assert_eq!(parse_count::<u32>("--max-pages", "12").unwrap(), 12);
        assert!(parse_count::<u32>("--max-pages", "0").is_err());
        assert!(parse_count::<u32>("--max-pages", "99999999999").is_err());
        assert!(parse_count::<usize>("--max-cells", "1e6").is_err());
        assert_eq!(
            parse_secs("--timeout", "2.5").unwrap(),
            Duration::from_millis(2500)
        );
        for bad in ["0", "-3", "inf", "NaN", "x"] {
            assert!(parse_secs("--timeout", bad).is_err(), "{bad}");
        }
    }
}
