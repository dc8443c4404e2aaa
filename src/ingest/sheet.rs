//! Spreadsheet reader (calamine): xlsx, xls, xlsb, ods with merged regions → one grid per sheet.
//! (Being written.)

use super::{InputFormat, Ingested, ReadOptions};
use crate::error::IngestError;

pub fn read(_bytes: &[u8], format: InputFormat, _opts: &ReadOptions) -> Result<Ingested, IngestError> {
    Err(IngestError::NotFormat {
        expected: format.name(),
        reason: "spreadsheet reading is not built yet".into(),
    })
}
