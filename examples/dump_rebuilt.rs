//! Print the grid the normalizer reads for a text file: for cell-stream forms (one cell per
//! line, pipes with empties at the end, single spaces, blank-line cells) the rows rebuilt by
//! `normalize::grammar`, otherwise the reader's grid.
//!
//! cargo run --release --example dump_rebuilt -- FILE

use perfnorm::ingest::{ReadOptions, detect, read};
use perfnorm::internals::grammar;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump_rebuilt FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let format = detect(&bytes, path.rsplit('.').next()).expect("a format perfnorm reads");
    let ing = read(&bytes, format, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    for grid in &ing.grids {
        let rebuilt = grammar::is_stream(grid)
            .then(|| grammar::rebuild(grid))
            .flatten();
        let g = rebuilt.as_ref().unwrap_or(grid);
        println!(
            "== {} (read as {})",
            g.extraction.method, grid.extraction.method
        );
        for row in &g.rows {
            let cells: Vec<String> = row
                .cells
                .iter()
                .map(|c| {
                    c.as_ref()
                        .map_or(String::new(), |c| c.text.replace('\n', "⏎"))
                })
                .collect();
            println!("{:?}: {}", row.pos.line, cells.join(" | "));
        }
    }
}
