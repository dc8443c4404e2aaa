//! Spreadsheet reader (calamine + our BIFF walk + layout): arbitrary bytes as xlsx, xls and
//! ods, then the normalizer. Calls `sheet::read` directly so a panic is a crash here (the
//! public `ingest::read` contains panics, which would hide them from the fuzzer).
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfnorm::ingest::{InputFormat, ReadOptions};
use perfnorm::internals::sheet;
use perfnorm::normalize::normalize_all;

#[path = "common/panics.rs"]
mod panics;
use panics::contain_dependency_panics;

fuzz_target!(|data: &[u8]| {
    contain_dependency_panics();
    // Zip-based seeds are tried as xlsx and ods, OLE seeds as xls; the format follows the
    // magic bytes so mutations stay inside the parser that can get furthest.
    let formats: &[InputFormat] = if data.starts_with(b"PK") {
        &[InputFormat::Xlsx, InputFormat::Ods, InputFormat::Xlsb]
    } else {
        &[InputFormat::Xls]
    };
    for &f in formats {
        if let Ok(ingested) = sheet::read(data, f, &ReadOptions::default()) {
            let _ = normalize_all(&ingested.grids);
        }
    }
});
