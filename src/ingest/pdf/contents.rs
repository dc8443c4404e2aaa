//! A page's content, decoded within a budget. A page listing one 250 MiB stream 64 times must
//! not ask for 16 GB (oxidize-pdf, our former object layer, decoded every stream `/Contents`
//! lists before returning any). Here the streams are decoded one at a time and
//! their decoded bytes summed — a stream listed twice counts twice — and the page stops at
//! `max_decompressed_bytes`, with the limit named.

use super::objects::{FilterError, ObjectError, PdfObject, PdfStream};

use super::glyphs::Pdf;

/// Why a page has no content to walk.
pub enum ContentError {
    /// The engine could not resolve or decode it.
    Engine(String),
    /// The decoded streams add up to more than the budget.
    TooLarge { budget: u64 },
}

/// The page's content streams decoded and joined (a newline after each stream when there are
/// several, as oxidize-pdf's `combine_streams_owned` joined them).
pub fn page_content(
    doc: &Pdf,
    contents: Option<&PdfObject>,
    budget: u64,
) -> Result<Vec<u8>, ContentError> {
    let engine = |e: ObjectError| ContentError::Engine(e.to_string());
    let Some(contents) = contents else {
        return Ok(Vec::new());
    };
    let streams: Vec<PdfStream> = match doc.resolve(contents).map_err(engine)? {
        PdfObject::Stream(s) => vec![s],
        PdfObject::Array(items) => {
            let mut out = Vec::new();
            for item in &items.0 {
                if let PdfObject::Stream(s) = doc.resolve(item).map_err(engine)? {
                    out.push(s);
                }
            }
            out
        }
        _ => {
            return Err(ContentError::Engine(
                "Contents must be a stream or array of streams".into(),
            ));
        }
    };
    let several = streams.len() > 1;
    let mut combined = Vec::new();
    for s in &streams {
        let left = budget.saturating_sub(combined.len() as u64);
        let decoded = decode(doc, s, left, budget)?;
        combined.extend_from_slice(&decoded);
        if several {
            combined.push(b'\n');
        }
        if combined.len() as u64 > budget {
            return Err(ContentError::TooLarge { budget });
        }
    }
    Ok(combined)
}

/// Decode one stream within `left` bytes: the decoders stop a bomb at the cap without
/// inflating the rest.
fn decode(doc: &Pdf, s: &PdfStream, left: u64, budget: u64) -> Result<Vec<u8>, ContentError> {
    let cap = usize::try_from(left).unwrap_or(usize::MAX);
    match doc.decode_stream_with_limit(s, cap) {
        Ok(d) => Ok(d),
        Err(ObjectError::Filter(FilterError::TooLarge(_))) => {
            Err(ContentError::TooLarge { budget })
        }
        Err(e) => Err(ContentError::Engine(e.to_string())),
    }
}
