//! Readers: bytes → `Grid`. The input format is detected by content first, then by extension;
//! each format has one reader behind the same signature, listed in one table (pandoc's
//! `Readers.hs`). Adding a format is one module and one row in `reader_for`.

pub mod grid;
pub mod layout;
pub mod pdf;
pub mod sheet;
pub mod text;

use crate::error::IngestError;
pub use grid::{Cell, Extraction, Grid, Ingested, ReaderWarning, Row, SourcePos};

/// The input formats perfnorm reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Xlsx,
    Xls,
    Xlsb,
    Ods,
    Pdf,
    Text,
}

impl InputFormat {
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Xlsx => "xlsx",
            InputFormat::Xls => "xls",
            InputFormat::Xlsb => "xlsb",
            InputFormat::Ods => "ods",
            InputFormat::Pdf => "pdf",
            InputFormat::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<InputFormat> {
        Some(match s.to_ascii_lowercase().as_str() {
            "xlsx" | "xlsm" => InputFormat::Xlsx,
            "xls" => InputFormat::Xls,
            "xlsb" => InputFormat::Xlsb,
            "ods" => InputFormat::Ods,
            "pdf" => InputFormat::Pdf,
            "text" | "txt" | "tsv" | "csv" | "md" | "html" | "htm" => InputFormat::Text,
            _ => return None,
        })
    }

    /// Extensions of files a directory walk picks up.
    pub const EXTENSIONS: &'static [&'static str] = &[
        "xlsx", "xlsm", "xls", "xlsb", "ods", "pdf", "txt", "tsv", "csv", "md", "html", "htm",
    ];
}

/// Options every reader may use.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Text encoding: `None` = detect.
    pub encoding: Option<String>,
}

/// Detect the format from the first bytes, falling back to the extension.
pub fn detect(bytes: &[u8], extension: Option<&str>) -> Option<InputFormat> {
    let ext = extension.and_then(InputFormat::parse);
    if bytes.starts_with(b"%PDF") || bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Some(InputFormat::Pdf);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(InputFormat::Xls);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // A zip: xlsx, xlsb or ods. The ods mimetype entry comes first by rule; xlsb holds
        // `xl/workbook.bin`. Otherwise trust the extension when it names a zip format.
        let head = &bytes[..bytes.len().min(4096)];
        if contains(head, b"application/vnd.oasis.opendocument.spreadsheet") {
            return Some(InputFormat::Ods);
        }
        if contains(bytes, b"xl/workbook.bin") {
            return Some(InputFormat::Xlsb);
        }
        // An xlsx misnamed .ods or .xlsb still names its workbook part.
        if contains(bytes, b"xl/workbook.xml") {
            return Some(InputFormat::Xlsx);
        }
        return match ext {
            Some(f @ (InputFormat::Xlsb | InputFormat::Ods)) => Some(f),
            _ => Some(InputFormat::Xlsx),
        };
    }
    match ext {
        // An extension that promises a binary format the bytes do not have: treat as text only
        // when it looks like text; the binary reader would fail anyway with a clear reason.
        Some(InputFormat::Text) => Some(InputFormat::Text),
        Some(f) => Some(f),
        None if text::looks_like_text(bytes) => Some(InputFormat::Text),
        None => None,
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Read `bytes` as `format`. Panics inside a reader (a third-party parser meeting a hostile
/// file) are contained here so one input never kills a batch.
pub fn read(
    bytes: &[u8],
    format: InputFormat,
    opts: &ReadOptions,
) -> Result<Ingested, IngestError> {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match format {
        InputFormat::Text => text::read(bytes, opts),
        InputFormat::Pdf => pdf::read(bytes, opts),
        InputFormat::Xlsx | InputFormat::Xls | InputFormat::Xlsb | InputFormat::Ods => {
            sheet::read(bytes, format, opts)
        }
    }));
    match result {
        Ok(r) => r,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            Err(IngestError::NotFormat {
                expected: format.name(),
                reason: format!("the reader failed on this file ({msg})"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content_over_extension() {
        assert_eq!(detect(b"%PDF-1.7\n", Some("txt")), Some(InputFormat::Pdf));
        assert_eq!(
            detect(
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0],
                Some("xlsx")
            ),
            Some(InputFormat::Xls)
        );
        assert_eq!(detect(b"PK\x03\x04rest", None), Some(InputFormat::Xlsx));
        assert_eq!(
            detect("单位名称\t".as_bytes(), None),
            Some(InputFormat::Text)
        );
        assert_eq!(detect(b"x", Some("pdf")), Some(InputFormat::Pdf));
    }
}
