//! The commands: each resolves its raw flags into settings, runs the library and returns the
//! exit status (0 all converted, 1 some input failed, 2 bad usage).

use super::ConvertOptions;
use super::batch::{self, Dest};
use super::pool::{DEFAULT_MAX_MEMORY, Engine, Isolation};
use super::term::safe;
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

/// Run the command the command line names; the process's exit status.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Convert(a) => convert(a),
        Command::Check(a) => check(a),
        Command::Schema => schema(),
        Command::Completions(a) => super::shell::completions(a.shell),
        Command::Man(a) => super::shell::man(a.command.as_deref()),
        Command::Worker(a) => super::worker::serve(a.max_memory),
    }
}

/// Worker processes for the conversions (`--max-memory`), unless `--no-isolate`.
fn isolation(a: &InputArgs) -> Result<Option<Isolation>, Error> {
    let max_memory = match &a.max_memory {
        Some(s) => parse_size("--max-memory", s)?,
        None => DEFAULT_MAX_MEMORY,
    };
    if a.no_isolate {
        return Ok(None);
    }
    Ok(Isolation::current(max_memory))
}

fn options(a: &InputArgs) -> Result<ConvertOptions, Error> {
    let from = match &a.from {
        Some(f) => Some(
            InputFormat::parse(f)
                .ok_or_else(|| Error::Usage(format!("unknown input format {f}")))?,
        ),
        None => None,
    };
    let encoding = crate::app::parse_encoding(&a.encoding)?;
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
    if let Some(s) = &a.max_cell_chars {
        l.max_cell_chars = parse_count("--max-cell-chars", s)?;
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
    let (jobs, settings) = match plan(a) {
        Ok(p) => p,
        Err(status) => return status,
    };
    match batch::run(jobs, &settings) {
        Ok(status) => status,
        Err(e @ Error::Usage(_)) => usage(e),
        Err(e) => {
            eprintln!("perfnorm: {}", safe(&e.to_string()));
            EXIT_FAILED
        }
    }
}

/// `convert`'s flags resolved: the files to convert and the run's settings, or the exit status
/// (said why) when the flags or the inputs found make no run.
fn plan(a: ConvertArgs) -> Result<(Vec<batch::Job>, batch::Settings), i32> {
    let opts = options(&a.input).map_err(usage)?;
    let isolation = isolation(&a.input).map_err(usage)?;
    let formats = resolve_formats(&a).map_err(usage)?;
    check_flags(&a, &formats).map_err(usage)?;
    let collected = batch::collect_all(&a.inputs, &a.glob, &a.exclude, a.out_dir.as_deref());
    let batch::Collected {
        mut jobs,
        mut hidden,
        skipped,
        any_folder,
    } = collected.map_err(usage)?;
    if jobs.is_empty() {
        no_input(&a, &skipped, hidden.len());
        return Err(EXIT_FAILED);
    }
    if let Some(sh) = &a.shard {
        let (k, n) = batch::parse_shard(sh).map_err(usage)?;
        jobs = batch::shard(jobs, k, n);
        hidden = batch::shard(hidden, k, n);
    }
    let several = a.inputs.len() > 1 || any_folder;
    let dest = destination(&a, several, &formats);
    check_destination(&dest, jobs.len(), several, &formats).map_err(usage)?;
    if a.jobs == Some(0) {
        return Err(usage(Error::Usage(
            "-j takes a number of jobs, at least 1".into(),
        )));
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
        skipped,
        stdout_array: several,
        convert: opts,
        isolation,
    };
    Ok((jobs, settings))
}

/// Flags of `convert` that only make sense with others.
fn check_flags(a: &ConvertArgs, formats: &[OutFormat]) -> Result<(), Error> {
    if a.skip_unchanged && a.out_dir.is_none() {
        return Err(Error::Usage(
            "--skip-unchanged compares with the last run's OUT_DIR/report.json: it needs -d \
             OUT_DIR"
                .into(),
        ));
    }
    if (a.bom || a.excel_safe) && !formats.contains(&OutFormat::Csv) {
        return Err(Error::Usage(format!(
            "{} only changes CSV output: add -t csv or leave it out",
            if a.bom { "--bom" } else { "--excel-safe" }
        )));
    }
    if (!a.glob.is_empty() || !a.exclude.is_empty()) && !a.inputs.iter().any(|i| i.is_dir()) {
        return Err(Error::Usage(
            "--glob and --exclude filter the files of a folder: no input is a folder".into(),
        ));
    }
    Ok(())
}

/// Say that no input file was found (and which paths were skipped).
fn no_input(a: &ConvertArgs, skipped: &[batch::Skipped], hidden: usize) {
    for k in skipped {
        eprintln!("perfnorm: {}: skipped: {}", safe(&k.path), safe(&k.reason));
    }
    let filters = if a.glob.is_empty() && a.exclude.is_empty() {
        String::new()
    } else {
        let mut f: Vec<String> = a.glob.iter().map(|g| format!("--glob {g}")).collect();
        f.extend(a.exclude.iter().map(|g| format!("--exclude {g}")));
        format!(" matching {}", f.join(" "))
    };
    eprintln!(
        "perfnorm: no input file{filters} found in {}{}",
        input_list(&a.inputs),
        if hidden == 0 {
            String::new()
        } else {
            format!(" ({hidden} hidden files left out)")
        }
    );
}

/// The inputs as named on the command line, for a message.
fn input_list(inputs: &[std::path::PathBuf]) -> String {
    inputs
        .iter()
        .map(|p| safe(&p.display().to_string()).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where the outputs go, from `-o` and `-d`.
fn destination(a: &ConvertArgs, several: bool, formats: &[OutFormat]) -> Dest {
    let dest = match (&a.output, &a.out_dir) {
        (Some(o), _) if o.as_os_str() == "-" => Dest::Stdout,
        (Some(o), _) => Dest::File(o.clone()),
        (None, Some(d)) => Dest::Dir(d.clone()),
        (None, None) => Dest::Stdout,
    };
    let per_file: Vec<OutFormat> = formats.iter().copied().filter(|f| !f.is_set()).collect();
    // Several inputs into one file: a JSON array of documents (-o all.json), or JSON Lines
    // (-o all.jsonl), as they would go to standard output.
    match dest {
        Dest::File(o)
            if several && matches!(per_file[..], [OutFormat::Json] | [OutFormat::Jsonl]) =>
        {
            Dest::Combined(o)
        }
        d => d,
    }
}

/// Refuse a destination that cannot take the inputs in these formats.
fn check_destination(
    dest: &Dest,
    jobs: usize,
    several: bool,
    formats: &[OutFormat],
) -> Result<(), Error> {
    let per_file = formats.iter().filter(|f| !f.is_set()).count();
    if jobs > 1 && matches!(dest, Dest::File(_)) && per_file > 0 {
        return Err(Error::Usage(
            "-o takes one input in this format; use -d OUT_DIR for several, or -o ALL.json \
             (one JSON array of documents) or -o ALL.jsonl (JSON Lines)"
                .into(),
        ));
    }
    if several && *dest == Dest::Stdout && per_file > 1 {
        return Err(Error::Usage(
            "several inputs to standard output take one format (-t json: one JSON array; -t \
             jsonl: one line per table)"
                .into(),
        ));
    }
    if jobs > 1 && *dest == Dest::Stdout && formats.contains(&OutFormat::Xlsx) {
        return Err(Error::Usage(
            "several workbooks cannot go to standard output; use -d OUT_DIR".into(),
        ));
    }
    Ok(())
}

/// What `check` counted.
#[derive(Debug, Default)]
struct CheckTally {
    files: usize,
    failed: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// One line of `check`: a diagnostic (or a failure) of `file`.
#[derive(serde::Serialize)]
struct CheckLine<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    table_id: Option<&'a str>,
    /// `line 37`, `page 2`, `Sheet1!B12`; empty when the diagnostic has no place.
    location: String,
    severity: &'a str,
    code: &'a str,
    message: &'a str,
}

/// `check`: convert every input (folders walked like `convert`) without writing anything, and
/// print its diagnostics, one a line (text, or JSON objects with `--format json`), then a
/// summary line. Exit 1 when an input failed or has an error diagnostic, or (with `--strict`)
/// a warning.
fn check(a: CheckArgs) -> i32 {
    let opts = match options(&a.input) {
        Ok(o) => o,
        Err(e) => return usage(e),
    };
    let mut engine = match isolation(&a.input) {
        Ok(i) => Engine::new(i.as_ref(), &opts),
        Err(e) => return usage(e),
    };
    let json = match a.format.as_str() {
        "text" => false,
        "json" => true,
        other => {
            return usage(Error::Usage(format!(
                "--format takes text or json, not {other}"
            )));
        }
    };
    let c = match batch::collect_all(&a.inputs, &a.glob, &a.exclude, None) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    if c.jobs.is_empty() && c.skipped.is_empty() {
        eprintln!("perfnorm: no input file found in {}", input_list(&a.inputs));
        return EXIT_FAILED;
    }
    let mut p = CheckPrinter {
        out: std::io::stdout().lock(),
        json,
        t: CheckTally::default(),
    };
    let result = (|| -> std::io::Result<()> {
        for k in &c.skipped {
            p.skipped(k)?;
        }
        for job in &c.jobs {
            p.t.files += 1;
            let file = job.input.display().to_string();
            match engine.convert_file(&job.input, &opts) {
                Err(e) => {
                    p.t.failed += 1;
                    // The error names the file already in its Display: print only the reason.
                    let reason = super::reason(&e);
                    p.emit(&file, None, "", Severity::Error, "failed", &reason)?;
                }
                Ok(mut doc) => {
                    doc.source.relative_path = Some(job.rel.to_string_lossy().replace('\\', "/"));
                    p.document(&file, &doc)?;
                }
            }
        }
        p.summary(a.strict)?;
        p.out.flush()
    })();
    let t = &p.t;
    let status = if t.failed > 0 || t.errors > 0 || (a.strict && t.warnings > 0) {
        EXIT_FAILED
    } else {
        EXIT_OK
    };
    match result {
        Ok(()) => status,
        Err(e) => stdout_failed(e, status),
    }
}

/// Where `check` prints, and what it counted so far.
struct CheckPrinter<W> {
    out: W,
    json: bool,
    t: CheckTally,
}

impl<W: Write> CheckPrinter<W> {
    /// A path the folder walk skipped: an error when it lost input, else a warning.
    fn skipped(&mut self, k: &batch::Skipped) -> std::io::Result<()> {
        let sev = if k.failed {
            Severity::Error
        } else {
            Severity::Warning
        };
        if k.failed {
            self.t.failed += 1;
        }
        self.emit(&k.path, None, "", sev, "skipped", &k.reason)
    }

    /// A converted document's diagnostics, and a line per table (in text).
    fn document(&mut self, file: &str, doc: &Document) -> std::io::Result<()> {
        for d in &doc.diagnostics {
            let at = d.source.describe();
            self.emit(file, None, &at, d.severity, &d.code, &d.message)?;
        }
        for (i, tb) in doc.tables.iter().enumerate() {
            let id = crate::write::tidy::table_id(doc, i);
            if !self.json {
                writeln!(
                    self.out,
                    "{}: table {} ({id}): {} ({}), {} indicators, {} funds items, {} fields",
                    safe(file),
                    i + 1,
                    safe(tb.name.as_deref().or(tb.title.as_deref()).unwrap_or("?")),
                    tb.kind.as_str(),
                    tb.indicators.len(),
                    tb.funds.items.len(),
                    tb.fields.len()
                )?;
            }
            for d in &tb.diagnostics {
                let at = d.source.describe();
                self.emit(file, Some(&id), &at, d.severity, &d.code, &d.message)?;
            }
        }
        Ok(())
    }

    /// The summary line.
    fn summary(&mut self, strict: bool) -> std::io::Result<()> {
        let t = &self.t;
        let ok = t.failed == 0 && t.errors == 0 && !(strict && t.warnings > 0);
        if self.json {
            let summary = serde_json::json!({ "summary": {
                "files": t.files, "failed": t.failed, "errors": t.errors,
                "warnings": t.warnings, "infos": t.infos, "strict": strict, "ok": ok,
            }});
            writeln!(self.out, "{summary}")
        } else {
            writeln!(
                self.out,
                "perfnorm check: {} files, {} failed, {} errors, {} warnings{}: {}",
                t.files,
                t.failed,
                t.errors,
                t.warnings,
                if strict {
                    " (--strict: warnings fail)"
                } else {
                    ""
                },
                if ok { "ok" } else { "FAILED" }
            )
        }
    }

    /// Print one `check` line and count it.
    fn emit(
        &mut self,
        file: &str,
        table_id: Option<&str>,
        location: &str,
        severity: Severity,
        code: &str,
        message: &str,
    ) -> std::io::Result<()> {
        let t = &mut self.t;
        match severity {
            Severity::Error => t.errors += 1,
            Severity::Warning => t.warnings += 1,
            Severity::Info => t.infos += 1,
        }
        if self.json {
            let line = CheckLine {
                file,
                table_id,
                location: location.to_string(),
                severity: severity.as_str(),
                code,
                message,
            };
            let s = serde_json::to_string(&line).map_err(std::io::Error::other)?;
            writeln!(self.out, "{s}")
        } else {
            let at = if location.is_empty() {
                String::new()
            } else {
                format!("{location}: ")
            };
            writeln!(
                self.out,
                "{}: {}{}: {}: {}",
                safe(file),
                safe(&at),
                severity.as_str(),
                safe(code),
                safe(message)
            )
        }
    }
}

/// A write to standard output failed. A closed stdout pipe (`| head`) ends quietly with the
/// status so far; any other error is reported (exit 1).
pub(super) fn stdout_failed(e: std::io::Error, status: i32) -> i32 {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return status;
    }
    eprintln!("perfnorm: stdout: {e}");
    EXIT_FAILED
}

/// The JSON Schema of the JSON output: the model's, with the `table_id` the JSON writer puts
/// first in each table.
fn schema() -> i32 {
    let mut schema = schemars::schema_for!(Document);
    if let Some(t) = schema
        .as_object_mut()
        .and_then(|o| o.get_mut("$defs"))
        .and_then(|d| d.get_mut("Table"))
        .and_then(|t| t.as_object_mut())
    {
        if let Some(p) = t.get_mut("properties").and_then(|p| p.as_object_mut()) {
            p.insert(
                "table_id".into(),
                serde_json::json!({
                    "description": "Stable id of the table, the same in JSON, JSON Lines, CSV, XLSX and Parquet: 16 hex digits (sha256 of the input's sha256 and relative_path), '-', the table's 1-based position.",
                    "type": "string"
                }),
            );
        }
        if let Some(r) = t.get_mut("required").and_then(|r| r.as_array_mut()) {
            r.push("table_id".into());
        }
    }
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
    eprintln!("perfnorm: {}", safe(&e.to_string()));
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
