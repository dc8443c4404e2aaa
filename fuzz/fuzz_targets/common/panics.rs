//! What the `pdf` and `sheet` targets share: which panics count as crashes.

/// libFuzzer's hook aborts on every panic, even one the reader catches and reports (the
/// readers contain panics of calamine and oxidize-pdf on damaged files: a known, handled
/// failure). So panics raised inside a registry crate unwind to the reader's guard; any other
/// panic — in perfnorm, or one the guard misses — still aborts and is a crash.
pub fn contain_dependency_panics() {
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
