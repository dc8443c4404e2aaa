//! The canonical JSON writer: exactly the contract's shape, pretty-printed, deterministic
//! (struct field order is fixed; no maps with unordered keys).

use crate::error::WriteError;
use crate::model::{Document, Table};

pub fn to_bytes(doc: &Document) -> Result<Vec<u8>, WriteError> {
    let mut out = serde_json::to_vec_pretty(doc)?;
    out.push(b'\n');
    Ok(out)
}

/// One table per line, for streaming loaders (`-t jsonl`): each line carries the document's
/// schema and source next to the table.
pub fn to_jsonl(doc: &Document) -> Result<Vec<u8>, WriteError> {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        schema: &'a str,
        source: &'a crate::model::Source,
        table_index: usize,
        table: &'a Table,
    }
    let mut out = Vec::new();
    for (i, t) in doc.tables.iter().enumerate() {
        serde_json::to_writer(
            &mut out,
            &Line {
                schema: &doc.schema,
                source: &doc.source,
                table_index: i,
                table: t,
            },
        )?;
        out.push(b'\n');
    }
    Ok(out)
}
