//! CSV writer (being written): the tidy table set tables.csv, fields.csv, funds.csv,
//! indicators.csv, diagnostics.csv covering every converted input of a run.

use crate::error::WriteError;
use crate::model::Document;
use std::path::{Path, PathBuf};

/// Options of the CSV set.
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// Start each file with a UTF-8 BOM (Excel).
    pub bom: bool,
    /// Prefix cells starting with = + - @ with an apostrophe so Excel does not evaluate them.
    pub excel_safe: bool,
}

/// One set of CSV files in a directory, appended to as documents finish.
pub struct CsvSet {
    #[allow(dead_code)]
    dir: PathBuf,
    #[allow(dead_code)]
    opts: CsvOptions,
}

impl CsvSet {
    pub fn create(dir: &Path, opts: CsvOptions) -> Result<CsvSet, WriteError> {
        Ok(CsvSet { dir: dir.to_path_buf(), opts })
    }
    pub fn append(&mut self, _doc: &Document) -> Result<(), WriteError> {
        Err(WriteError::Other("CSV output is not built yet".into()))
    }
    pub fn finish(self) -> Result<(), WriteError> {
        Ok(())
    }
}
