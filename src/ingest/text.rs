//! Text reader (being written).
use super::{Ingested, ReadOptions};
use crate::error::IngestError;
pub fn read(_bytes: &[u8], _opts: &ReadOptions) -> Result<Ingested, IngestError> { Err(IngestError::NoTable) }
pub fn looks_like_text(bytes: &[u8]) -> bool { !bytes.contains(&0) }
