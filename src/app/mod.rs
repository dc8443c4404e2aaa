//! Converting inputs: read one file through the pipeline (detect → read → normalize) into a
//! `Document`. Batch runs and output writing build on this.

pub mod batch;
pub mod run;

use crate::error::{Error, IngestError};
use crate::ingest::{self, InputFormat, ReadOptions};
use crate::model::{DiagSource, Diagnostic, Document, SCHEMA, Severity, Source};
use crate::normalize;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Settings for converting one input.
#[derive(Debug, Clone, Default)]
pub struct ConvertOptions {
    /// Force the input format instead of detecting it.
    pub from: Option<InputFormat>,
    pub read: ReadOptions,
}

/// Convert the bytes of one input named `file` (the name is used for messages, detection by
/// extension and `source.file`).
pub fn convert_bytes(file: &Path, bytes: &[u8], opts: &ConvertOptions) -> Result<Document, Error> {
    let ext = file.extension().and_then(|e| e.to_str());
    if bytes.is_empty() {
        return Err(Error::ingest(file, IngestError::Empty));
    }
    let format = match opts.from {
        Some(f) => f,
        None => ingest::detect(bytes, ext)
            .ok_or_else(|| Error::ingest(file, IngestError::UnknownFormat))?,
    };
    let ingested = ingest::read(bytes, format, &opts.read).map_err(|e| Error::ingest(file, e))?;
    // A workbook perfnorm wrote holds, beside its 表格 sheet, tidy sheets whose rows are no
    // table: skip them (only when they start with perfnorm's own `table_id` header, so a
    // department's sheet that happens to be named 指标 is still read).
    let grids: Vec<_> = ingested
        .grids
        .iter()
        .filter(|g| !is_own_tidy_sheet(g))
        .cloned()
        .collect();
    let normalized = normalize::normalize_all(&grids);
    let tables = normalized.tables;
    let mut diagnostics: Vec<Diagnostic> = ingested
        .warnings
        .iter()
        .map(|w| Diagnostic {
            severity: Severity::Warning,
            code: w.code.clone(),
            message: w.message.clone(),
            source: normalize::diag::source(&w.pos),
        })
        .collect();
    diagnostics.extend(normalized.diagnostics);
    if tables.is_empty() {
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code: "no_table".into(),
            message: "no performance target table was found in the input".into(),
            source: DiagSource::default(),
        });
    }
    Ok(Document {
        schema: SCHEMA.to_string(),
        source: Source {
            file: file.to_string_lossy().replace('\\', "/"),
            format: format.name().to_string(),
            sha256: hex::encode(Sha256::digest(bytes)),
            encoding: ingested.encoding,
            pages: ingested.pages,
        },
        tables,
        diagnostics,
    })
}

fn is_own_tidy_sheet(g: &ingest::Grid) -> bool {
    g.sheet
        .as_deref()
        .is_some_and(|s| crate::write::xlsx::TIDY_SHEETS.contains(&s))
        && g.rows.first().map(|r| r.text(0)) == Some("table_id")
}

/// Read and convert one file.
pub fn convert_file(file: &Path, opts: &ConvertOptions) -> Result<Document, Error> {
    let bytes = read_input(file, &opts.read.limits)?;
    convert_bytes(file, &bytes, opts)
}

/// Read one input file, refusing it before reading when its size is over
/// `limits.max_input_bytes`. The read itself stops one byte past the limit, so a file that
/// grows meanwhile, or a pipe or device whose size is unknown, cannot fill memory either.
pub fn read_input(file: &Path, limits: &ingest::Limits) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let io = |e| Error::ingest(file, IngestError::Io(e));
    let f = std::fs::File::open(file).map_err(io)?;
    let max = limits.max_input_bytes;
    let meta = f.metadata().map_err(io)?;
    if meta.is_file() && meta.len() > max {
        return Err(Error::ingest(file, over_file_size(Some(meta.len()), max)));
    }
    let mut bytes = Vec::with_capacity(if meta.is_file() {
        usize::try_from(meta.len()).unwrap_or(0)
    } else {
        0
    });
    f.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        // A file that grew while read, or a pipe: its whole size is unknown.
        return Err(Error::ingest(file, over_file_size(None, max)));
    }
    Ok(bytes)
}

/// The error for a file over `max_input_bytes` (`len` when known): names the limit and the
/// flag that raises it.
fn over_file_size(len: Option<u64>, max: u64) -> IngestError {
    let size = match len {
        Some(n) => format!("{n} bytes"),
        None => format!("more than {max} bytes"),
    };
    IngestError::Limit(format!(
        "the file is {size}, over the limit of {max} bytes (max_input_bytes; raise it with \
         --max-file-size, e.g. --max-file-size {})",
        suggest(len.unwrap_or(max.saturating_mul(2)))
    ))
}

/// A round size above `len` for the hint, in the flag's own syntax.
fn suggest(len: u64) -> String {
    let mib = len.div_ceil(1 << 20).max(1);
    if mib >= 1 << 10 {
        format!("{}G", mib.div_ceil(1 << 10))
    } else {
        format!("{mib}M")
    }
}
