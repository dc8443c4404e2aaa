//! The canonical JSON writer: exactly the contract's shape, pretty-printed, deterministic
//! (struct field order is fixed; no maps with unordered keys). Each table carries its
//! `table_id` (`tidy::table_id`), the same id as in the CSV, XLSX and Parquet outputs.

use super::tidy::table_id;
use crate::error::WriteError;
use crate::model::{Diagnostic, Document, Source, Table};
use serde::Serialize;

/// A table as written: its id first, then the model's fields.
#[derive(Serialize)]
struct TableOut<'a> {
    table_id: String,
    #[serde(flatten)]
    table: &'a Table,
}

/// The document as written: `Document`'s fields in its order, the tables with their ids.
#[derive(Serialize)]
struct DocOut<'a> {
    schema: &'a str,
    source: &'a Source,
    tables: Vec<TableOut<'a>>,
    diagnostics: &'a [Diagnostic],
}

fn tables(doc: &Document) -> Vec<TableOut<'_>> {
    doc.tables
        .iter()
        .enumerate()
        .map(|(i, table)| TableOut {
            table_id: table_id(doc, i),
            table,
        })
        .collect()
}

fn out(doc: &Document) -> DocOut<'_> {
    DocOut {
        schema: &doc.schema,
        source: &doc.source,
        tables: tables(doc),
        diagnostics: &doc.diagnostics,
    }
}

/// The JSON document, pretty-printed, with a final newline.
pub fn to_bytes(doc: &Document) -> Result<Vec<u8>, WriteError> {
    let mut out = serde_json::to_vec_pretty(&out(doc))?;
    out.push(b'\n');
    Ok(out)
}

/// The JSON document on one line, with a final newline (a line of a JSON Lines stream).
pub fn to_line(doc: &Document) -> Result<Vec<u8>, WriteError> {
    let mut out = serde_json::to_vec(&out(doc))?;
    out.push(b'\n');
    Ok(out)
}

/// One table per line, for streaming loaders (`-t jsonl`): each line carries the document's
/// schema, source and file-level diagnostics next to the table, its `table_id` and its
/// 1-based `table_index` (the number at the end of the id). A document with no table (a
/// failed input) is one line with `table_id`, `table_index` and `table` null, so its
/// diagnostics (`no_table`) are not lost.
pub fn to_jsonl(doc: &Document) -> Result<Vec<u8>, WriteError> {
    #[derive(Serialize)]
    struct Line<'a> {
        schema: &'a str,
        source: &'a Source,
        table_id: Option<&'a str>,
        table_index: Option<usize>,
        table: Option<&'a TableOut<'a>>,
        diagnostics: &'a [Diagnostic],
    }
    let mut out = Vec::new();
    let tables = tables(doc);
    let mut line = |l: &Line| -> Result<(), WriteError> {
        serde_json::to_writer(&mut out, l)?;
        out.push(b'\n');
        Ok(())
    };
    if tables.is_empty() {
        line(&Line {
            schema: &doc.schema,
            source: &doc.source,
            table_id: None,
            table_index: None,
            table: None,
            diagnostics: &doc.diagnostics,
        })?;
    }
    for (i, t) in tables.iter().enumerate() {
        line(&Line {
            schema: &doc.schema,
            source: &doc.source,
            table_id: Some(&t.table_id),
            table_index: Some(i + 1),
            table: Some(t),
            diagnostics: &doc.diagnostics,
        })?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn doc() -> Document {
        Document {
            schema: SCHEMA.into(),
            source: Source {
                file: "in/a.txt".into(),
                format: "text".into(),
                sha256: "ab".repeat(32),
                encoding: None,
                pages: None,
                relative_path: Some("a.txt".into()),
            },
            tables: vec![Table {
                kind: TableKind::Project,
                title: None,
                year: Some(2024),
                name: None,
                unit: None,
                fields: vec![],
                funds: Funds::default(),
                indicators: vec![],
                diagnostics: vec![],
                source: TableSource::default(),
            }],
            diagnostics: vec![],
        }
    }

    /// The written document is the model's, key for key, plus `table_id`: a field added to
    /// `Document` or `Table` cannot be forgotten here.
    #[test]
    fn written_document_is_the_model_plus_ids() {
        let d = doc();
        let model = serde_json::to_value(&d).unwrap();
        let mut written: serde_json::Value =
            serde_json::from_slice(&to_bytes(&d).unwrap()).unwrap();
        let id = written["tables"][0]
            .as_object_mut()
            .unwrap()
            .remove("table_id")
            .unwrap();
        assert_eq!(id, serde_json::json!(table_id(&d, 0)));
        assert_eq!(written, model);
    }

    #[test]
    fn jsonl_of_a_document_without_tables_keeps_its_diagnostics() {
        let mut d = doc();
        d.tables.clear();
        d.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code: "no_table".into(),
            message: "none".into(),
            source: DiagSource::default(),
        });
        let s = String::from_utf8(to_jsonl(&d).unwrap()).unwrap();
        assert_eq!(s.lines().count(), 1);
        let v: serde_json::Value = serde_json::from_str(s.trim()).unwrap();
        assert_eq!(v["diagnostics"][0]["code"], "no_table");
        assert!(v["table"].is_null() && v["table_index"].is_null());
    }
}
