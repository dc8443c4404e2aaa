//! Text tables that are not tab-separated (being written): `pdftotext -layout` output (columns
//! aligned with spaces), Markdown pipe tables, HTML `<table>`s.

use super::Grid;
use crate::error::IngestError;

/// Read decoded text that is not tab-separated into grids.
pub fn read_text(_text: &str) -> Result<Vec<Grid>, IngestError> {
    Err(IngestError::NotFormat {
        expected: "text table",
        reason: "no tab-separated rows found".into(),
    })
}
