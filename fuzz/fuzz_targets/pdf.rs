//! PDF reader (oxidize-pdf + our glyph, lattice and stream stages): arbitrary bytes as a PDF,
//! then the normalizer. `pdf::read` already contains a panic of the engine per page (one bad
//! page must not lose the others), so what crashes here is our own code or a panic while
//! opening the document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfnorm::ingest::{ReadOptions, pdf};
use perfnorm::normalize::normalize_all;

/// libFuzzer's hook aborts on every panic, even one the reader catches and reports (the
/// readers contain panics of calamine and oxidize-pdf on damaged files: a known, handled
/// failure). So panics raised inside a registry crate unwind to the reader's guard; any other
/// panic — in perfnorm, or one the guard misses — still aborts and is a crash.
fn contain_dependency_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let in_dependency = info
                .location()
                .is_some_and(|l| l.file().contains("/.cargo/registry/"));
            if !in_dependency {
                eprintln!("{info}");
                std::process::abort();
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    contain_dependency_panics();
    if let Ok(ingested) = pdf::read(data, &ReadOptions::default()) {
        let _ = normalize_all(&ingested.grids);
    }
});
