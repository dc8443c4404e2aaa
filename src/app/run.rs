//! The commands: each resolves its raw flags into settings, runs the library and returns the
//! exit status (0 all converted, 1 some input failed, 2 bad usage).

use super::{ConvertOptions, convert_file};
use crate::cli::{CheckArgs, Cli, Command, ConvertArgs, InputArgs};
use crate::error::Error;
use crate::ingest::{InputFormat, ReadOptions};
use crate::model::{Document, Severity};
use crate::write;
use std::io::Write;
use std::path::{Path, PathBuf};

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
        read: ReadOptions { encoding },
    })
}

/// Output formats perfnorm writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    Json,
    Jsonl,
}

impl OutFormat {
    fn parse(s: &str) -> Option<OutFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Some(OutFormat::Json),
            "jsonl" | "ndjson" => Some(OutFormat::Jsonl),
            _ => None,
        }
    }
    fn ext(self) -> &'static str {
        match self {
            OutFormat::Json => "json",
            OutFormat::Jsonl => "jsonl",
        }
    }
}

fn render(doc: &Document, f: OutFormat) -> Result<Vec<u8>, crate::error::WriteError> {
    match f {
        OutFormat::Json => write::json::to_bytes(doc),
        OutFormat::Jsonl => write::json::to_jsonl(doc),
    }
}

fn resolve_formats(a: &ConvertArgs) -> Result<Vec<OutFormat>, Error> {
    if !a.to.is_empty() {
        return a
            .to
            .iter()
            .map(|t| {
                OutFormat::parse(t)
                    .ok_or_else(|| Error::Usage(format!("unknown output format {t}")))
            })
            .collect();
    }
    let from_ext = a
        .output
        .as_ref()
        .and_then(|o| o.extension())
        .and_then(|e| e.to_str())
        .and_then(OutFormat::parse);
    Ok(vec![from_ext.unwrap_or(OutFormat::Json)])
}

fn convert(a: ConvertArgs) -> i32 {
    let opts = match options(&a.input) {
        Ok(o) => o,
        Err(e) => return usage(e),
    };
    let formats = match resolve_formats(&a) {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    if a.inputs.len() > 1 && a.output.is_some() {
        return usage(Error::Usage(
            "-o takes one input; use -d OUT_DIR for several".into(),
        ));
    }
    let mut status = EXIT_OK;
    for input in &a.inputs {
        let doc = match convert_file(input, &opts) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("perfnorm: {e}");
                status = EXIT_FAILED;
                continue;
            }
        };
        if a.strict && doc_has(&doc, Severity::Warning) {
            eprintln!("perfnorm: {}: warnings with --strict", input.display());
            status = EXIT_FAILED;
        }
        for &f in &formats {
            let bytes = match render(&doc, f) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("perfnorm: {}: {e}", input.display());
                    status = EXIT_FAILED;
                    continue;
                }
            };
            let target = match (&a.output, &a.out_dir) {
                (Some(o), _) if o.as_os_str() == "-" => None,
                (Some(o), _) if formats.len() == 1 => Some(o.clone()),
                (Some(o), _) => Some(o.with_extension(f.ext())),
                (None, Some(d)) => Some(d.join(output_name(input, f.ext()))),
                (None, None) => None,
            };
            match target {
                None => {
                    let mut out = std::io::stdout().lock();
                    if let Err(e) = out.write_all(&bytes).and_then(|_| out.flush()) {
                        if e.kind() == std::io::ErrorKind::BrokenPipe {
                            return status;
                        }
                        eprintln!("perfnorm: stdout: {e}");
                        return EXIT_FAILED;
                    }
                }
                Some(path) => {
                    if let Err(e) = write::write_atomic(&path, &bytes) {
                        eprintln!("perfnorm: {}", Error::write(&path, e));
                        status = EXIT_FAILED;
                    }
                }
            }
        }
    }
    status
}

/// `a.pdf` → `a.pdf.json`: keeping the input's extension means `a.pdf` and `a.xlsx` in one
/// folder never collide.
fn output_name(input: &Path, ext: &str) -> PathBuf {
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".into());
    PathBuf::from(format!("{name}.{ext}"))
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
        match convert_file(input, &opts) {
            Err(e) => {
                let _ = writeln!(out, "{}: error: {e}", input.display());
                status = EXIT_FAILED;
            }
            Ok(doc) => {
                let file = input.display();
                for d in &doc.diagnostics {
                    let _ = writeln!(out, "{file}: {}", line(d));
                }
                for (i, t) in doc.tables.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "{file}: table {}: {} ({}), {} indicators, {} funds items, {} fields",
                        i + 1,
                        t.name.as_deref().or(t.title.as_deref()).unwrap_or("?"),
                        t.kind.as_str(),
                        t.indicators.len(),
                        t.funds.items.len(),
                        t.fields.len()
                    );
                    for d in &t.diagnostics {
                        let _ = writeln!(out, "{file}: {}", line(d));
                    }
                }
                if doc_has(&doc, Severity::Error) {
                    status = EXIT_FAILED;
                }
            }
        }
    }
    status
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
            println!("{s}");
            EXIT_OK
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
