//! Read one PDF into grids and print how many, with no normalizing or writing: the reader's own
//! time and peak memory (issue 17), measured with `/usr/bin/time -v`.
//!
//! cargo run --release --example pdf_read -- FILE [MAX_PAGES]

use perfnorm::ingest::ReadOptions;
use perfnorm::internals::pdf;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: pdf_read FILE [MAX_PAGES]");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut opts = ReadOptions::default();
    if let Some(n) = std::env::args().nth(2).and_then(|n| n.parse().ok()) {
        opts.limits.max_pages = n;
    }
    match pdf::read(&bytes, &opts) {
        Ok(ing) => {
            let rows: usize = ing.grids.iter().map(|g| g.rows.len()).sum();
            println!(
                "{} grids, {rows} rows, {} warnings",
                ing.grids.len(),
                ing.warnings.len()
            );
        }
        Err(e) => println!("error: {e}"),
    }
}
