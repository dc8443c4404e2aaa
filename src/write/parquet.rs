//! Parquet writer: the tidy tables (`tidy::TABLES`) as one Parquet file each —
//! `tables.parquet`, `fields.parquet`, `funds.parquet`, `indicators.parquet`,
//! `attributes.parquet`, `diagnostics.parquet` — covering every converted input of a run, with
//! the same columns, rows and ids as the CSV set.
//!
//! Columns are typed by their `tidy::Kind`: text as `BYTE_ARRAY (UTF8)`, whole numbers (seq,
//! year, level, page, line) as `INT64`, numbers (amounts, target values, weights) as `DOUBLE`
//! even when every value happens to be whole, so a warehouse never infers an integer type
//! for `min`/`max`. Every column is OPTIONAL; an empty cell (an empty text too) is null
//! (`Value::as_text`, `as_int`, `as_double`, which the Python package's Arrow tables share).
//! Pages are compressed with Snappy. Rows are buffered per table and written as a row group
//! every `ROW_GROUP_ROWS` rows, so memory stays flat whatever the run's size; the files hold
//! no clock or path, so the same inputs give the same bytes.
//!
//! Like the CSV set, the files are written under temporary names and moved into place
//! together by `finish`; a set dropped unfinished leaves nothing behind.

use super::tidy::{self, Kind, Value};
use crate::error::WriteError;
use crate::model::Document;
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows of one table buffered before they are written as a row group.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// The Parquet schema of one tidy table, in Parquet's message syntax.
pub fn message_type(t: &dyn tidy::TidyTable) -> String {
    let mut m = format!("message {} {{\n", t.name());
    for (name, kind) in t.columns() {
        let ty = match kind {
            Kind::Text => "BYTE_ARRAY",
            Kind::Int => "INT64",
            Kind::Double => "DOUBLE",
        };
        let ann = if kind == Kind::Text { " (UTF8)" } else { "" };
        m.push_str(&format!("  OPTIONAL {ty} {name}{ann};\n"));
    }
    m.push('}');
    m
}

/// One table's file being written.
struct Part {
    tmp: PathBuf,
    path: PathBuf,
    kinds: Vec<Kind>,
    writer: Option<SerializedFileWriter<File>>,
    rows: Vec<Vec<Value>>,
}

impl Part {
    /// Write the buffered rows as one row group.
    fn flush(&mut self) -> Result<(), WriteError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let Some(w) = self.writer.as_mut() else {
            return Ok(());
        };
        let mut rg = w.next_row_group()?;
        for (c, kind) in self.kinds.iter().enumerate() {
            let Some(mut col) = rg.next_column()? else {
                return Err(WriteError::Other(format!(
                    "the Parquet schema has fewer columns than the table ({c})"
                )));
            };
            let cells = self.rows.iter().map(|r| r.get(c).unwrap_or(&Value::Empty));
            let mut defs: Vec<i16> = Vec::with_capacity(self.rows.len());
            match kind {
                Kind::Text => {
                    let mut vals = Vec::new();
                    for v in cells {
                        match v.as_text() {
                            Some(s) => {
                                vals.push(ByteArray::from(s.into_bytes()));
                                defs.push(1);
                            }
                            None => defs.push(0),
                        }
                    }
                    col.typed::<ByteArrayType>()
                        .write_batch(&vals, Some(&defs), None)?;
                }
                Kind::Int => {
                    let mut vals = Vec::new();
                    for v in cells {
                        match v.as_int() {
                            Some(n) => {
                                vals.push(n);
                                defs.push(1);
                            }
                            None => defs.push(0),
                        }
                    }
                    col.typed::<Int64Type>()
                        .write_batch(&vals, Some(&defs), None)?;
                }
                Kind::Double => {
                    let mut vals = Vec::new();
                    for v in cells {
                        match v.as_double() {
                            Some(n) => {
                                vals.push(n);
                                defs.push(1);
                            }
                            None => defs.push(0),
                        }
                    }
                    col.typed::<DoubleType>()
                        .write_batch(&vals, Some(&defs), None)?;
                }
            }
            col.close()?;
        }
        rg.close()?;
        self.rows.clear();
        Ok(())
    }
}

/// One set of Parquet files in a directory, appended to as documents finish.
pub struct ParquetSet {
    dir: PathBuf,
    parts: Vec<Part>,
}

impl ParquetSet {
    /// Open the files (as temporary files beside their final names `{prefix}{table}.parquet`).
    pub fn create(dir: &Path, prefix: &str) -> Result<ParquetSet, WriteError> {
        std::fs::create_dir_all(dir)?;
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_created_by(format!("perfnorm {}", env!("CARGO_PKG_VERSION")))
                .build(),
        );
        let mut set = ParquetSet {
            dir: dir.to_path_buf(),
            parts: Vec::new(),
        };
        for t in tidy::TABLES {
            let name = format!("{prefix}{}.parquet", t.name());
            let schema = parquet::schema::parser::parse_message_type(&message_type(t))?;
            // An unpredictable name opened with create_new: a planted symlink cannot redirect
            // the write.
            let (tmp, file) = super::temp_file(dir, &name)?;
            // Pushed before the writer is made, so a failure below still removes the file.
            set.parts.push(Part {
                tmp,
                path: dir.join(&name),
                kinds: t.columns().iter().map(|(_, k)| *k).collect(),
                writer: None,
                rows: Vec::new(),
            });
            let w = SerializedFileWriter::new(file, Arc::new(schema), props.clone())?;
            if let Some(p) = set.parts.last_mut() {
                p.writer = Some(w);
            }
        }
        Ok(set)
    }

    /// The directory the set is written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Append the rows of one document; a table's buffered rows are written as a row group
    /// once there are `ROW_GROUP_ROWS` of them.
    pub fn append(&mut self, doc: &Document) -> Result<(), WriteError> {
        for (part, rows) in self.parts.iter_mut().zip(tidy::rows(doc)) {
            part.rows.extend(rows);
            if part.rows.len() >= ROW_GROUP_ROWS {
                part.flush()?;
            }
        }
        Ok(())
    }

    /// Write the last row groups and footers, and move the files into place.
    pub fn finish(mut self) -> Result<(), WriteError> {
        let result = (|| {
            for p in &mut self.parts {
                p.flush()?;
                if let Some(w) = p.writer.take() {
                    let f = w.into_inner()?;
                    f.sync_all()?;
                }
            }
            for p in &self.parts {
                std::fs::rename(&p.tmp, &p.path)?;
            }
            Ok(())
        })();
        if result.is_ok() {
            self.parts.clear();
        }
        result
    }
}

impl Drop for ParquetSet {
    /// A set dropped without `finish` (a failed run) leaves no temporary files behind.
    fn drop(&mut self) {
        for p in &self.parts {
            let _ = std::fs::remove_file(&p.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_parse_and_type_numbers_as_double() {
        for t in tidy::TABLES {
            let m = message_type(t);
            parquet::schema::parser::parse_message_type(&m).unwrap();
            if t.name() == "indicators" {
                assert!(m.contains("OPTIONAL DOUBLE min;"), "{m}");
                assert!(m.contains("OPTIONAL DOUBLE max;"), "{m}");
                assert!(m.contains("OPTIONAL INT64 seq;"), "{m}");
                assert!(m.contains("OPTIONAL BYTE_ARRAY raw (UTF8);"), "{m}");
            }
        }
    }
}
