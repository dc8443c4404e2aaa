//! PDF reader (our object layer + our glyph, lattice and stream stages): arbitrary bytes as a PDF,
//! then the normalizer. `pdf::read` already contains a panic of the engine per page (one bad
//! page must not lose the others), so what crashes here is our own code or a panic while
//! opening the document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfnorm::ingest::ReadOptions;
use perfnorm::internals::pdf;
use perfnorm::normalize::normalize_all;

#[path = "common/panics.rs"]
mod panics;
use panics::contain_dependency_panics;

fuzz_target!(|data: &[u8]| {
    contain_dependency_panics();
    if let Ok(ingested) = pdf::read(data, &ReadOptions::default()) {
        let _ = normalize_all(&ingested.grids);
    }
});
