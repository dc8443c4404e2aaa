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
    let bytes = std::fs::read(file).map_err(|e| Error::ingest(file, IngestError::Io(e)))?;
    convert_bytes(file, &bytes, opts)
}
