//! perfnorm turns Chinese budget performance target tables (预算绩效目标表) into clean data.
//!
//! The pipeline runs one way: a reader (`ingest`) turns the input's bytes into neutral grids of
//! cells; the normalizer (`normalize`) turns each grid into the canonical model (`model`): title,
//! year, name, labelled fields, the funds tree and the indicator hierarchy with parsed target
//! values, repairing shifted columns and broken rows and reporting every repair as a
//! diagnostic; writers (`write`) turn the model into JSON, CSV or XLSX.

pub mod app;
pub mod canon;
// The command line: clap and the binary's other dependencies come with the default `cli`
// feature; a library user can leave them out (`default-features = false`).
#[cfg(feature = "cli")]
pub mod cli;
pub mod error;
pub mod grid;
pub mod ingest;
pub mod model;
pub mod normalize;
pub mod vocab;
pub mod write;

pub use app::{ConvertOptions, convert_bytes, convert_file};
pub use error::Error;
pub use model::Document;
