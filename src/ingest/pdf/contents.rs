//! A page's content, decoded within a budget. oxidize-pdf's `get_page_content_streams` decodes
//! every stream `/Contents` lists before returning any (each up to 256 MiB), so a page listing
//! one 250 MiB stream 64 times asked for 16 GB. Here the streams are decoded one at a time and
//! their decoded bytes summed — a stream listed twice counts twice — and the page stops at
//! `max_decompressed_bytes`, with the limit named.

use oxidize_pdf::parser::{PdfObject, PdfStream};

use super::glyphs::Pdf;

/// Why a page has no content to walk.
pub enum ContentError {
    /// The engine could not resolve or decode it.
    Engine(String),
    /// The decoded streams add up to more than the budget.
    TooLarge { budget: u64 },
}

/// The page's content streams decoded and joined as oxidize-pdf's `combine_streams_owned`
/// joins them (a newline after each stream when there are several).
pub fn page_content(
    doc: &Pdf,
    contents: Option<&PdfObject>,
    budget: u64,
) -> Result<Vec<u8>, ContentError> {
    let engine = |e: oxidize_pdf::parser::ParseError| ContentError::Engine(e.to_string());
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

/// Decode one stream within `left` bytes. The bounded decoder stops a bomb without inflating
/// it; a stream it cannot take (a filter with no bounded decoder, damaged Flate that the
/// engine's lenient decoder recovers) goes to the engine's own decoder, which stops each
/// stream at 256 MiB, and is counted after.
fn decode(doc: &Pdf, s: &PdfStream, left: u64, budget: u64) -> Result<Vec<u8>, ContentError> {
    let cap = usize::try_from(left).unwrap_or(usize::MAX);
    match doc.decode_stream_with_limit(s, cap) {
        Ok(d) => Ok(d),
        Err(e) if e.to_string().contains("exceeds limit") => Err(ContentError::TooLarge { budget }),
        Err(_) => {
            let d = doc
                .decode_stream(s)
                .map_err(|e| ContentError::Engine(e.to_string()))?;
            if d.len() as u64 > left {
                return Err(ContentError::TooLarge { budget });
            }
            Ok(d)
        }
    }
}
