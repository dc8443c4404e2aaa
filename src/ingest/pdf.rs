//! PDF reader: glyphs with positions and ruling lines → grids. (Being written.)

use super::{Ingested, ReadOptions};
use crate::error::IngestError;

pub fn read(_bytes: &[u8], _opts: &ReadOptions) -> Result<Ingested, IngestError> {
    Err(IngestError::Pdf {
        page: None,
        reason: "PDF reading is not built yet".into(),
    })
}
