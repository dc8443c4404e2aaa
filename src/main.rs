//! The `perfnorm` binary: parse the command line, run the library, exit with its status.

use clap::Parser;

fn main() {
    let cli = perfnorm::cli::Cli::parse();
    std::process::exit(perfnorm::app::run::run(cli));
}
