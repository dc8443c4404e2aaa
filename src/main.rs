//! The `perfnorm` binary: parse the command line, run the library, exit with its status.

use clap::Parser;

// The readers allocate many small strings and vectors (PDF objects, cells, values); glibc's
// allocator spent a fifth of a PDF batch in malloc/free. The library leaves the choice of
// allocator to whoever links it; the binary picks mimalloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = perfnorm::cli::Cli::parse();
    std::process::exit(perfnorm::app::run::run(cli));
}
