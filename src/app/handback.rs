//! What one converted file hands back to its batch, made where the document is: in the worker
//! process (isolated) or in this one (`--no-isolate`). The batch needs the file's outputs as
//! bytes, its rows for the CSV set, and a few counts for `report.json`; it needs the document
//! itself only for the Parquet set. Rendering in the worker spares the parent a JSON parse of
//! the whole document and a second serialisation of it (issue 15's hand-back cost about as much
//! as the conversion on a large text).

use super::batch::OutFormat;
use crate::model::{Document, Severity};
use crate::write;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the batch wants of every converted document (the same for each file of a run).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Wanted {
    /// The per-file formats, rendered in this order.
    pub formats: Vec<OutFormat>,
    /// The CSV set's rows, with cells guarded for Excel (`Some(true)`) or not.
    pub csv_rows: Option<bool>,
    /// The document itself (the Parquet set appends it).
    pub doc: bool,
}

/// The counts of one document that `report.json` and the exit status need.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Summary {
    pub tables: usize,
    pub indicators: usize,
    pub pages: u32,
    pub warnings: BTreeMap<String, usize>,
    pub errors: BTreeMap<String, usize>,
}

impl Summary {
    pub fn of(doc: &Document) -> Summary {
        let mut s = Summary {
            tables: doc.tables.len(),
            indicators: doc.tables.iter().map(|t| t.indicators.len()).sum(),
            pages: doc.source.pages.unwrap_or(0),
            ..Summary::default()
        };
        let all = doc
            .diagnostics
            .iter()
            .chain(doc.tables.iter().flat_map(|t| &t.diagnostics));
        for d in all {
            let map = match d.severity {
                Severity::Error => &mut s.errors,
                Severity::Warning => &mut s.warnings,
                Severity::Info => continue,
            };
            *map.entry(d.code.clone()).or_default() += 1;
        }
        s
    }
}

/// One converted file as the batch takes it.
#[derive(Debug)]
pub(crate) struct Finished {
    pub summary: Summary,
    /// The bytes of each wanted format in `Wanted::formats` order, or why one of them could
    /// not be rendered (then none is written and the sets get no rows).
    pub outputs: Result<Vec<Vec<u8>>, String>,
    /// The CSV set's bytes, one chunk per tidy table (empty when not wanted or not rendered).
    pub csv: Vec<Vec<u8>>,
    pub doc: Option<Document>,
}

/// Render a converted document as the batch wants it. `rel` is its path below the input
/// folder (table ids hash it: copies at two paths differ).
pub(crate) fn finish(mut doc: Document, rel: &str, wanted: &Wanted) -> Finished {
    doc.source.relative_path = Some(rel.to_string());
    let summary = Summary::of(&doc);
    let outputs = render_all(&doc, &wanted.formats);
    if outputs.is_err() {
        return Finished {
            summary,
            outputs,
            csv: Vec::new(),
            doc: None,
        };
    }
    let csv = match wanted.csv_rows {
        Some(excel_safe) => write::csv::chunks(&doc, excel_safe),
        None => Ok(Vec::new()),
    };
    let (outputs, csv) = match csv {
        Ok(c) => (outputs, c),
        Err(e) => (
            Err(format!("csv: {e} (none of its formats is written)")),
            Vec::new(),
        ),
    };
    let doc = (wanted.doc && outputs.is_ok()).then_some(doc);
    Finished {
        summary,
        outputs,
        csv,
        doc,
    }
}

/// The bytes of each per-file format, or the failure of the first that cannot be rendered
/// (`xlsx: …`).
fn render_all(doc: &Document, formats: &[OutFormat]) -> Result<Vec<Vec<u8>>, String> {
    formats
        .iter()
        .map(|f| {
            f.render(doc)
                .map_err(|e| format!("{}: {e} (none of its formats is written)", f.ext()))
        })
        .collect()
}
