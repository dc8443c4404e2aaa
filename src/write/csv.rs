//! CSV writer: the tidy table set `tables.csv`, `fields.csv`, `funds.csv`, `indicators.csv`,
//! `attributes.csv`, `diagnostics.csv` covering every converted input of a run, ready for a
//! warehouse `COPY`.
//!
//! One set serves a whole run: documents are appended as they finish and the files are moved
//! into place together by `finish`, so a reader never sees half a set. The tables, their
//! columns and cells are defined once in `tidy`, which the XLSX and Parquet writers share.

use super::tidy;
use crate::error::WriteError;
use crate::model::Document;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Options of the CSV set.
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// Start each file with a UTF-8 BOM (Excel).
    pub bom: bool,
    /// Prefix cells starting with = + - @ with an apostrophe so Excel does not evaluate them.
    pub excel_safe: bool,
    /// Put before each file name (`x.` gives `x.tables.csv`); empty for a directory of its own.
    pub prefix: String,
}

pub use super::tidy::{Value, rows, table_id};

/// Text Excel would read as a formula (or, after a tab or CR, a formula on paste).
fn needs_guard(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// One set of CSV files in a directory, appended to as documents finish.
pub struct CsvSet {
    dir: PathBuf,
    opts: CsvOptions,
    writers: Vec<(PathBuf, PathBuf, BufWriter<File>)>,
}

impl CsvSet {
    /// Open the files (as temporary files beside their final names) and write headers.
    pub fn create(dir: &Path, opts: CsvOptions) -> Result<CsvSet, WriteError> {
        std::fs::create_dir_all(dir)?;
        let mut writers = Vec::new();
        for t in tidy::TABLES {
            let name = t.name();
            let header: Vec<&str> = t.columns().iter().map(|(n, _)| *n).collect();
            let path = dir.join(format!("{}{name}.csv", opts.prefix));
            // An unpredictable name opened with create_new: a symlink planted in the output
            // folder cannot redirect the write.
            let (tmp, file) = super::temp_file(dir, &format!("{}{name}.csv", opts.prefix))?;
            let mut f = BufWriter::new(file);
            if opts.bom {
                f.write_all("\u{feff}".as_bytes())?;
            }
            let mut w = record_writer();
            w.write_record(&header)?;
            f.write_all(&finish_chunk(w)?)?;
            writers.push((tmp, path, f));
        }
        Ok(CsvSet {
            dir: dir.to_path_buf(),
            opts,
            writers,
        })
    }

    /// The directory the set is written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Append the rows of one document. A copy of the same bytes at another path is appended
    /// too: its tables have ids of their own (see `tidy::table_id`).
    pub fn append(&mut self, doc: &Document) -> Result<(), WriteError> {
        let chunks = chunks(doc, self.opts.excel_safe)?;
        self.append_chunks(&chunks)
    }

    /// Append one document's rows as `chunks` rendered them (one chunk per tidy table, in
    /// `tidy::TABLES` order; rendered where the document is, a worker process perhaps).
    pub fn append_chunks(&mut self, chunks: &[Vec<u8>]) -> Result<(), WriteError> {
        for ((_, _, w), chunk) in self.writers.iter_mut().zip(chunks) {
            w.write_all(chunk)?;
        }
        Ok(())
    }

    /// Flush the files and move them into place.
    pub fn finish(mut self) -> Result<(), WriteError> {
        let writers = std::mem::take(&mut self.writers);
        let tmps: Vec<PathBuf> = writers.iter().map(|(t, _, _)| t.clone()).collect();
        let result = (|| {
            let mut done = Vec::new();
            for (tmp, path, w) in writers {
                let f = w
                    .into_inner()
                    .map_err(|e| WriteError::Io(std::io::Error::other(e.to_string())))?;
                f.sync_all()?;
                done.push((tmp, path));
            }
            for (tmp, path) in done {
                std::fs::rename(&tmp, &path)?;
            }
            Ok(())
        })();
        if result.is_err() {
            for t in tmps {
                let _ = std::fs::remove_file(t);
            }
        }
        result
    }
}

/// The CSV bytes of one document's rows, one chunk per tidy table in `tidy::TABLES` order:
/// records are quoted each on its own, so chunks written one after another are the bytes one
/// writer would have written.
pub fn chunks(doc: &Document, excel_safe: bool) -> Result<Vec<Vec<u8>>, WriteError> {
    let mut out = Vec::with_capacity(tidy::COUNT);
    for table in rows(doc) {
        let mut w = record_writer();
        for r in table {
            let rec: Vec<String> = r
                .iter()
                .map(|v| match v {
                    Value::Text(s) if excel_safe && needs_guard(s) => format!("'{s}"),
                    _ => v.render(),
                })
                .collect();
            w.write_record(&rec)?;
        }
        out.push(finish_chunk(w)?);
    }
    Ok(out)
}

/// A CSV writer into memory, as every file of the set is written (CRLF line ends).
fn record_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

fn finish_chunk(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, WriteError> {
    w.into_inner()
        .map_err(|e| WriteError::Io(std::io::Error::other(e.to_string())))
}

impl Drop for CsvSet {
    /// A set dropped without `finish` (a failed run) leaves no temporary files behind.
    fn drop(&mut self) {
        for (tmp, _, _) in &self.writers {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_formula_starts_only() {
        assert!(needs_guard("=0%"));
        assert!(needs_guard("-5"));
        assert!(needs_guard("@x"));
        assert!(!needs_guard("≤10%"));
        assert!(!needs_guard("健全"));
    }
}
