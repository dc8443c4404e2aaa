//! Text reader + normalizer: arbitrary bytes as an extracted-text table, then every grid it
//! gives through the normalizer. Must never panic, whatever the bytes (any encoding guess,
//! tab-separated or layout text).
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfnorm::ingest::ReadOptions;
use perfnorm::internals::text;
use perfnorm::normalize::normalize_all;

fuzz_target!(|data: &[u8]| {
    // Called directly, not through `ingest::read`, so a panic is not caught and reaches
    // libFuzzer as a crash.
    if let Ok(ingested) = text::read(data, &ReadOptions::default()) {
        let _ = normalize_all(&ingested.grids);
    }
});
