//! Text tables that are not tab-separated: `pdftotext -layout` output (columns aligned with
//! spaces), Markdown pipe tables, HTML `<table>`s. The form is told apart from the text itself:
//! markup first (its marks are unambiguous), aligned text otherwise.

mod centred;
mod chains;
mod columns;
mod labels;
mod leaves;
pub mod markup;
mod pages;
mod place;
pub mod runs;
mod segment;
pub mod stream;
pub mod wrap;

use super::Grid;
use crate::error::IngestError;

/// Read decoded text that is not tab-separated into grids.
pub fn read_text(text: &str) -> Result<Vec<Grid>, IngestError> {
    let grids = if markup::looks_like_html(text) {
        vec![markup::read_html(text)]
    } else if markup::looks_like_markdown(text) {
        vec![markup::read_markdown(text)]
    } else {
        stream::read(text)
    };
    if grids.iter().all(|g| g.rows.is_empty()) {
        return Err(IngestError::NotFormat {
            expected: "text table",
            reason: "no aligned, Markdown or HTML table found".into(),
        });
    }
    Ok(grids)
}
