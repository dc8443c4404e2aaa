//! CSV writer: the tidy table set `tables.csv`, `fields.csv`, `funds.csv`, `indicators.csv`,
//! `diagnostics.csv` covering every converted input of a run, ready for a warehouse `COPY`.
//!
//! One set serves a whole run: documents are appended as they finish and the five files are
//! moved into place together by `finish`, so a reader never sees half a set. Rows are built by
//! the `rows` module functions, which the XLSX writer shares, so both carry the same data.

use crate::error::WriteError;
use crate::model::{Document, Table};
use std::collections::HashSet;
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

/// A cell of a tidy row: text, or a number that stays a number in XLSX.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Num(f64),
    Empty,
}

impl Value {
    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }
    fn opt(s: Option<&str>) -> Value {
        s.map(Value::text).unwrap_or(Value::Empty)
    }
    fn num(n: Option<f64>) -> Value {
        n.map(Value::Num).unwrap_or(Value::Empty)
    }
    /// The CSV form: numbers in Rust's shortest round-trip form (`5`, `1212.54`).
    pub fn render(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Num(n) => format!("{n}"),
            Value::Empty => String::new(),
        }
    }
}

/// The five tidy tables: file name (without `.csv`) and header.
pub const TABLES: [(&str, &[&str]); 5] = [
    (
        "tables",
        &[
            "table_id",
            "source_file",
            "source_sha256",
            "sheet",
            "kind",
            "title",
            "year",
            "name",
            "unit",
        ],
    ),
    ("fields", &["table_id", "seq", "label", "text"]),
    (
        "funds",
        &[
            "table_id", "seq", "path", "level", "item", "column", "amount", "details",
        ],
    ),
    (
        "indicators",
        &[
            "table_id",
            "seq",
            "level1",
            "level2",
            "key_work",
            "level3",
            "value_column",
            "raw",
            "kind",
            "op",
            "number",
            "unit",
            "min",
            "max",
            "text",
            "source_page",
            "source_line",
            "source_sheet",
            "source_cell",
            "notes",
        ],
    ),
    (
        "diagnostics",
        &[
            "table_id",
            "severity",
            "code",
            "message",
            "location",
            "source_file",
        ],
    ),
];

/// The stable id of table `index` (0-based) of a document: the first 16 hex digits of the
/// source's sha256 and the table's 1-based position. The same table of the same file gets the
/// same id on every run, wherever the file lies, so warehouse reloads are idempotent.
pub fn table_id(doc: &Document, index: usize) -> String {
    let h: String = doc.source.sha256.chars().take(16).collect();
    format!("{h}-{}", index + 1)
}

/// The rows of each tidy table for one document, in the order of `TABLES`.
pub fn rows(doc: &Document) -> [Vec<Vec<Value>>; 5] {
    let mut out: [Vec<Vec<Value>>; 5] = Default::default();
    for (i, t) in doc.tables.iter().enumerate() {
        let id = table_id(doc, i);
        out[0].push(table_row(doc, t, &id));
        for (k, f) in t.fields.iter().enumerate() {
            out[1].push(vec![
                Value::text(&id),
                Value::Num((k + 1) as f64),
                Value::text(&f.label),
                Value::text(&f.text),
            ]);
        }
        for (k, it) in t.funds.items.iter().enumerate() {
            let details = it
                .details
                .iter()
                .map(|d| format!("{}：{}", d.label, d.text))
                .collect::<Vec<_>>()
                .join("\n");
            let base = vec![
                Value::text(&id),
                Value::Num((k + 1) as f64),
                Value::Text(it.path.join(" / ")),
                Value::Num(it.path.len() as f64),
                Value::opt(it.path.last().map(String::as_str)),
            ];
            // An item with no amount keeps one row, so no item is lost from the table.
            let values: Vec<(Value, Value)> = if it.values.is_empty() {
                vec![(Value::Empty, Value::Empty)]
            } else {
                it.values
                    .iter()
                    .map(|v| (Value::text(&v.column), Value::Num(v.amount)))
                    .collect()
            };
            for (col, amount) in values {
                let mut r = base.clone();
                r.extend([col, amount, Value::text(&details)]);
                out[2].push(r);
            }
        }
        for (k, ind) in t.indicators.iter().enumerate() {
            let base = vec![
                Value::text(&id),
                Value::Num((k + 1) as f64),
                Value::opt(ind.level1.as_deref()),
                Value::opt(ind.level2.as_deref()),
                Value::opt(ind.key_work.as_deref()),
                Value::opt(ind.level3.as_deref()),
            ];
            // Notes split off a label (一级指标：（40-50）分), one per line.
            let notes = ind
                .notes
                .iter()
                .map(|n| format!("{}：{}", n.label, n.text))
                .collect::<Vec<_>>()
                .join("\n");
            let src = [
                Value::num(ind.source.page.map(f64::from)),
                Value::num(ind.source.line.map(f64::from)),
                Value::opt(ind.source.sheet.as_deref()),
                Value::opt(ind.source.cell.as_deref()),
                Value::Text(notes),
            ];
            let mut vals: Vec<Vec<Value>> = ind
                .values
                .iter()
                .map(|v| {
                    vec![
                        Value::text(&v.column),
                        Value::text(&v.raw),
                        Value::text(v.kind.as_str()),
                        Value::opt(v.op.as_deref()),
                        Value::num(v.number),
                        Value::opt(v.unit.as_deref()),
                        Value::num(v.min),
                        Value::num(v.max),
                        Value::opt(v.text.as_deref()),
                    ]
                })
                .collect();
            if vals.is_empty() {
                vals.push(vec![Value::Empty; 9]);
            }
            for v in vals {
                let mut r = base.clone();
                r.extend(v);
                r.extend(src.iter().cloned());
                out[3].push(r);
            }
        }
        for d in &t.diagnostics {
            out[4].push(diag_row(doc, &id, d));
        }
    }
    // File-level diagnostics belong to no table; source_file says where they came from.
    for d in &doc.diagnostics {
        out[4].push(diag_row(doc, "", d));
    }
    out
}

fn table_row(doc: &Document, t: &Table, id: &str) -> Vec<Value> {
    vec![
        Value::text(id),
        Value::text(&doc.source.file),
        Value::text(&doc.source.sha256),
        Value::opt(t.source.sheet.as_deref()),
        Value::text(t.kind.as_str()),
        Value::opt(t.title.as_deref()),
        Value::num(t.year.map(f64::from)),
        Value::opt(t.name.as_deref()),
        Value::opt(t.unit.as_deref().or(t.funds.unit.as_deref())),
    ]
}

fn diag_row(doc: &Document, id: &str, d: &crate::model::Diagnostic) -> Vec<Value> {
    vec![
        Value::text(id),
        Value::text(d.severity.as_str()),
        Value::text(&d.code),
        Value::text(&d.message),
        Value::Text(d.source.describe()),
        Value::text(&doc.source.file),
    ]
}

/// Text Excel would read as a formula (or, after a tab or CR, a formula on paste).
fn needs_guard(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// One set of CSV files in a directory, appended to as documents finish.
pub struct CsvSet {
    dir: PathBuf,
    opts: CsvOptions,
    writers: Vec<(PathBuf, PathBuf, csv::Writer<BufWriter<File>>)>,
    /// Sources already written: a second copy of the same bytes would repeat its table ids.
    seen: HashSet<String>,
}

impl CsvSet {
    /// Open the five files (as temporary files beside their final names) and write headers.
    pub fn create(dir: &Path, opts: CsvOptions) -> Result<CsvSet, WriteError> {
        std::fs::create_dir_all(dir)?;
        let mut writers = Vec::new();
        for (name, header) in TABLES {
            let path = dir.join(format!("{}{name}.csv", opts.prefix));
            // An unpredictable name opened with create_new: a symlink planted in the output
            // folder cannot redirect the write.
            let (tmp, file) = super::temp_file(dir, &format!("{}{name}.csv", opts.prefix))?;
            let mut f = BufWriter::new(file);
            if opts.bom {
                f.write_all("\u{feff}".as_bytes())?;
            }
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(f);
            w.write_record(header)?;
            writers.push((tmp, path, w));
        }
        Ok(CsvSet {
            dir: dir.to_path_buf(),
            opts,
            writers,
            seen: HashSet::new(),
        })
    }

    /// The directory the set is written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Append the rows of one document. A document whose bytes were already appended (a copy
    /// of the same file elsewhere in the archive) is skipped: its tables have the same ids.
    pub fn append(&mut self, doc: &Document) -> Result<(), WriteError> {
        if !self.seen.insert(doc.source.sha256.clone()) {
            return Ok(());
        }
        let all = rows(doc);
        for ((_, _, w), table) in self.writers.iter_mut().zip(all) {
            for r in table {
                let rec: Vec<String> = r
                    .iter()
                    .map(|v| match v {
                        Value::Text(s) if self.opts.excel_safe && needs_guard(s) => {
                            format!("'{s}")
                        }
                        _ => v.render(),
                    })
                    .collect();
                w.write_record(&rec)?;
            }
        }
        Ok(())
    }

    /// Flush the five files and move them into place.
    pub fn finish(mut self) -> Result<(), WriteError> {
        let writers = std::mem::take(&mut self.writers);
        let tmps: Vec<PathBuf> = writers.iter().map(|(t, _, _)| t.clone()).collect();
        let result = (|| {
            let mut done = Vec::new();
            for (tmp, path, w) in writers {
                let f = w
                    .into_inner()
                    .map_err(|e| WriteError::Io(std::io::Error::other(e.to_string())))?;
                let f = f
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

    #[test]
    fn numbers_render_shortest() {
        assert_eq!(Value::Num(5.0).render(), "5");
        assert_eq!(Value::Num(1212.54).render(), "1212.54");
    }
}
