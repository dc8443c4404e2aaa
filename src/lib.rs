//! perfnorm turns Chinese budget performance target tables (预算绩效目标表) into clean data.
//!
//! The pipeline runs one way: a reader ([`ingest`]) turns the input's bytes into neutral grids
//! of cells ([`grid`]); the normalizer ([`normalize`]) turns each grid into the canonical model
//! ([`model`]): title, year, name, labelled fields, the funds tree and the indicator hierarchy
//! with parsed target values, repairing shifted columns and broken rows and reporting every
//! repair as a diagnostic; writers ([`write`](mod@write)) turn the model into JSON, JSON Lines,
//! CSV, XLSX or Parquet.
//!
//! Most users need two calls: [`convert_file`] (or [`convert_bytes`]) for a [`Document`], then
//! a writer. The stages are public too, for a caller who wants the grids or the tables alone:
//! [`ingest::read`] → [`normalize::normalize`].
//!
//! ```
//! use perfnorm::{ConvertOptions, convert_bytes, model::ValueKind};
//! use std::path::Path;
//!
//! // A tab-separated table, as text copied out of a PDF.
//! let text = "项目支出绩效目标表\n\
//!             项目名称\t示例项目\n\
//!             一级指标\t二级指标\t三级指标\t指标值\n\
//!             产出指标\t数量指标\t培训人次\t≥500人次\n";
//! let doc = convert_bytes(Path::new("a.txt"), text.as_bytes(), &ConvertOptions::default())?;
//! let table = &doc.tables[0];
//! assert_eq!(table.name.as_deref(), Some("示例项目"));
//! let indicator = &table.indicators[0];
//! assert_eq!(indicator.level3.as_deref(), Some("培训人次"));
//! let value = &indicator.values[0];
//! assert_eq!(value.kind, ValueKind::Quantitative);
//! assert_eq!((value.op.as_deref(), value.number), (Some(">="), Some(500.0)));
//! assert_eq!(value.unit.as_deref(), Some("人次"));
//!
//! // The same document as the contract's JSON.
//! let json = perfnorm::write::json::to_bytes(&doc)?;
//! assert!(json.starts_with(b"{"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Everything else is `pub(crate)`. The command line, the integration tests, the fuzz targets
//! and the Python binding reach a few internals through [`internals`], which is hidden from the
//! docs and may change in any release.
#![deny(missing_docs)]

pub mod error;
pub mod grid;
pub mod ingest;
pub mod model;
pub mod normalize;
pub mod write;

pub(crate) mod app;
pub(crate) mod canon;
// The command line: clap and the binary's other dependencies come with the default `cli`
// feature; a library user can leave them out (`default-features = false`).
#[cfg(feature = "cli")]
pub(crate) mod cli;
pub(crate) mod vocab;

pub use app::{ConvertOptions, convert_bytes, convert_file};
pub use error::Error;
pub use model::Document;
pub use write::OutFormat;

/// Unstable internals, for perfnorm's own binary, tests, examples, fuzz targets and Python
/// binding only: not part of the API, and free to change in any release.
///
/// Why a module rather than moving those users into the crate as unit tests: the integration
/// tests run the real binary over the samples and the fuzz targets, the examples and the Python
/// binding are crates of their own, so they need a path into the crate either way; one hidden
/// module keeps that path in one place and the documented API small.
#[doc(hidden)]
pub mod internals {
    #[cfg(feature = "cli")]
    pub use crate::app::run::run;
    pub use crate::app::walk::STDIN_NAME;
    pub use crate::app::{Watchdog, parse_encoding};
    #[cfg(feature = "cli")]
    pub use crate::cli::Cli;

    /// The PDF reader's stages: content-stream operators, CMaps, glyphs with positions.
    pub mod pdf {
        pub use crate::ingest::pdf::{cmap, content, glyphs, read};
    }
    /// The workbook reader, called directly so a panic is not contained.
    pub mod sheet {
        pub use crate::ingest::sheet::read;
    }
    /// The text reader, called directly so a panic is not contained.
    pub mod text {
        pub use crate::ingest::text::read;
    }
    /// The `pdftotext -layout`, Markdown and HTML reader.
    pub mod layout {
        pub use crate::ingest::layout::read_text;
    }
    /// Target value parsing.
    pub mod value {
        pub use crate::normalize::value::{
            fold_split, is_deadline, is_operator_cell, is_strong_value, parse, split_op,
        };
    }
    /// Rows rebuilt from a stream of cells by the table's grammar.
    pub mod grammar {
        pub use crate::normalize::grammar::{is_stream, rebuild};
    }
    /// Canonical text.
    pub mod canon {
        pub use crate::canon::canonical;
    }
    /// The lexicon's checks the nothing-lost test asks.
    pub mod vocab {
        pub use crate::vocab::{
            field_label, header_role, is_amount_header, is_funds_block_label, is_funds_section,
            is_funds_text_header,
        };
    }
}
