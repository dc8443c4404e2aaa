//! Readers: bytes → `Grid`. The input format is detected by content first, then by extension;
//! each format has one reader behind the same signature, listed in one table (pandoc's
//! `Readers.hs`). Adding a format is one module and one row in `reader_for`.

pub(crate) mod layout;
pub(crate) mod pdf;
pub(crate) mod sheet;
pub(crate) mod text;
pub(crate) mod textforms;

use crate::error::IngestError;
pub(crate) use crate::grid;
pub use crate::grid::{Cell, Extraction, Grid, Ingested, ReaderWarning, Row, SourcePos};

/// The input formats perfnorm reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum InputFormat {
    /// An Office Open XML workbook (`.xlsx`, `.xlsm`).
    Xlsx,
    /// A BIFF8 workbook of Excel 97–2003 (`.xls`).
    Xls,
    /// A binary Excel workbook (`.xlsb`).
    Xlsb,
    /// An OpenDocument spreadsheet (`.ods`).
    Ods,
    /// A PDF.
    Pdf,
    /// Text: tab-separated, CSV, `pdftotext -layout`, web-copied forms, Markdown or HTML.
    Text,
}

impl InputFormat {
    /// The name `source.format` reports and `--from` takes (`xlsx`, `text`).
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

    /// The format a `--from` name or a file extension names (`xlsm` → `Xlsx`, `tsv` → `Text`),
    /// case-insensitively.
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

/// Options every reader may use. (Serde: a worker process gets them from the parent as JSON.)
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ReadOptions {
    /// Text encoding: `None` = detect.
    pub encoding: Option<String>,
    /// How much one input may cost; see `Limits`.
    pub limits: Limits,
    /// Read the cells of hidden rows and columns of a workbook as ordinary cells.
    pub include_hidden: bool,
}

/// What one input may cost, so a hostile or broken file ends in a clear `IngestError::Limit`
/// naming the limit instead of eating the machine. The defaults are far above any real budget
/// performance table (a few pages, a few hundred cells) and far below what hurts a 2-core,
/// few-GiB machine. Each reader checks what it can check cheaply; see SECURITY.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// Bytes of one input file (any format). Checked by the readers on the bytes they are
    /// given; the app should also check the file's size before reading it into memory.
    pub max_input_bytes: u64,
    /// Bytes of one text input. Text tables are dense: a whole department's tables are tens of
    /// kilobytes, so this is much lower than `max_input_bytes`.
    pub max_text_bytes: u64,
    /// Bytes the parts of a zip workbook (xlsx, xlsm, xlsb, ods) may inflate to, summed over
    /// the parts, as their headers declare (the zip reader refuses a part that inflates past
    /// its declared size, so the declaration binds). Stops zip bombs before inflating.
    pub max_decompressed_bytes: u64,
    /// Non-empty cells across one workbook; for text tables, every slot of every row (rows ×
    /// columns, empty fields counted: a line of a million tabs is a million cells).
    pub max_cells: usize,
    /// Characters of one cell; a longer cell is cut there with a `cell_truncated` warning
    /// (32,767 is the most an xlsx cell holds, so every writer can take every cell).
    #[serde(default = "default_max_cell_chars")]
    pub max_cell_chars: usize,
    /// Grid slots (each row's width out to its last cell, summed over rows) across one
    /// workbook: a few cells out at column XFD would otherwise cost 16,384 slots a row.
    pub max_slots: usize,
    /// Pages of one PDF that are read; the rest are left out with a `pdf_too_long` warning.
    pub max_pages: u32,
    /// Wall time one input may take in a reader. Checked between pages and sheets and every
    /// few thousand cells, so a reader stops at the next check after it runs out.
    pub time_per_file: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_input_bytes: 256 << 20,
            max_text_bytes: 64 << 20,
            max_decompressed_bytes: 1 << 30,
            max_cells: sheet::MAX_CELLS,
            max_cell_chars: default_max_cell_chars(),
            max_slots: sheet::MAX_SLOTS,
            max_pages: pdf::MAX_PAGES,
            time_per_file: std::time::Duration::from_secs(300),
        }
    }
}

impl Limits {
    /// Refuse `len` bytes over `max` with an error naming both (in MiB where that reads
    /// better).
    pub(crate) fn check_size(len: usize, max: u64, what: &str) -> Result<(), IngestError> {
        if len as u64 > max {
            return Err(IngestError::Limit(format!(
                "{what} is {} bytes, over the limit of {} bytes ({})",
                len,
                max,
                mib(max)
            )));
        }
        Ok(())
    }

    /// A deadline for one input, starting now.
    pub(crate) fn deadline(&self) -> Deadline {
        Deadline {
            end: std::time::Instant::now().checked_add(self.time_per_file),
            limit: self.time_per_file,
        }
    }
}

fn default_max_cell_chars() -> usize {
    32_767
}

/// Cut every cell longer than `max` characters, each with a `cell_truncated` warning quoting
/// its start. Done once on every reader's grids, so every writer gets the same text.
fn truncate_cells(ingested: &mut Ingested, max: usize) {
    let mut warnings = Vec::new();
    for cell in ingested
        .grids
        .iter_mut()
        .flat_map(|g| g.rows.iter_mut())
        .flat_map(|r| r.cells.iter_mut())
        .flatten()
    {
        // Characters never outnumber bytes: most cells are settled without counting.
        if cell.text.len() <= max {
            continue;
        }
        let Some((cut, _)) = cell.text.char_indices().nth(max) else {
            continue;
        };
        let chars = max + cell.text[cut..].chars().count();
        let start: String = cell.text.chars().take(40).collect();
        cell.text.truncate(cut);
        warnings.push(ReaderWarning {
            code: "cell_truncated".into(),
            message: format!(
                "a cell of {chars} characters was cut to {max} (max_cell_chars; raise it with \
                 --max-cell-chars N): \"{start}…\""
            ),
            pos: cell.pos.clone(),
        });
    }
    ingested.warnings.extend(warnings);
}

fn mib(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.0} MiB", n as f64 / (1u64 << 20) as f64)
    } else {
        format!("{n} bytes")
    }
}

/// The time one input has left (`Limits::time_per_file`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    /// `None` when the limit is too large to add to now: no deadline.
    end: Option<std::time::Instant>,
    limit: std::time::Duration,
}

impl Deadline {
    /// An error once the time is up; `at` says where the reader was.
    pub(crate) fn check(&self, at: impl FnOnce() -> String) -> Result<(), IngestError> {
        match self.end {
            Some(end) if std::time::Instant::now() > end => Err(IngestError::Limit(format!(
                "reading took longer than the limit of {} s per file (stopped at {})",
                self.limit.as_secs_f64(),
                at()
            ))),
            _ => Ok(()),
        }
    }
}

/// Detect the format from the first bytes, falling back to the extension.
pub fn detect(bytes: &[u8], extension: Option<&str>) -> Option<InputFormat> {
    let ext = extension.and_then(InputFormat::parse);
    // (`%PDF-` starting within the first 1,024 bytes.)
    if bytes.starts_with(b"%PDF") || contains(&bytes[..bytes.len().min(1028)], b"%PDF-") {
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

/// A byte search (SIMD): the zip checks look through whole workbooks.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Read `bytes` as `format`. Panics inside a reader (a third-party parser meeting a hostile
/// file) are contained here so one input never kills a batch.
pub fn read(
    bytes: &[u8],
    format: InputFormat,
    opts: &ReadOptions,
) -> Result<Ingested, IngestError> {
    Limits::check_size(bytes.len(), opts.limits.max_input_bytes, "the file")?;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match format {
        InputFormat::Text => text::read(bytes, opts),
        InputFormat::Pdf => pdf::read(bytes, opts),
        InputFormat::Xlsx | InputFormat::Xls | InputFormat::Xlsb | InputFormat::Ods => {
            sheet::read(bytes, format, opts)
        }
    }));
    match result {
        Ok(r) => r.map(|mut ingested| {
            truncate_cells(&mut ingested, opts.limits.max_cell_chars);
            ingested
        }),
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
