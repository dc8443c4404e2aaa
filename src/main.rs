//! The `perfnorm` binary: parse the command line, run the library, exit with its status.

use clap::Parser;

// The readers allocate many small strings and vectors (PDF objects, cells, values); glibc's
// allocator spent a fifth of a PDF batch in malloc/free. The library leaves the choice of
// allocator to whoever links it; the binary picks mimalloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, mimalloc v3's
/// `include/mimalloc.h`; libmimalloc-sys names no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Freed memory is kept for reuse, never handed back to the kernel: each file's pages were
    // otherwise returned and faulted in again, zero-filled, for the next file (a fifth of a
    // PDF batch's time went to the kernel's page clearing). Peak memory is unchanged, and
    // `--max-memory` still bounds each worker.
    // SAFETY: sets a plain integer option before any thread starts.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    let cli = perfnorm::internals::Cli::parse();
    std::process::exit(perfnorm::internals::run(cli));
}
