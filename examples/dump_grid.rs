//! Print the grid a reader makes of a file, before normalization: one line per row, cells
//! separated by ` | ` with their spans — for looking at what the normalizer was given.
//!
//! cargo run --release --example dump_grid -- FILE

use perfnorm::ingest::{ReadOptions, detect, read};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump_grid FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let ext = path.rsplit('.').next();
    let format = detect(&bytes, ext).expect("a format perfnorm reads");
    let ing = read(&bytes, format, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    for w in &ing.warnings {
        println!("warning {}: {}", w.code, w.message);
    }
    for (g, grid) in ing.grids.iter().enumerate() {
        println!("== grid {g} ({:?}) sheet {:?}", grid.extraction, grid.sheet);
        for row in &grid.rows {
            let cells: Vec<String> = row
                .cells
                .iter()
                .map(|c| match c {
                    None => String::new(),
                    Some(c) if c.row_span > 1 || c.col_span > 1 => {
                        format!(
                            "{}[{}x{}]",
                            c.text.replace('\n', "⏎"),
                            c.row_span,
                            c.col_span
                        )
                    }
                    Some(c) => c.text.replace('\n', "⏎"),
                })
                .collect();
            let brk = if row.break_before { "⤓ " } else { "" };
            println!(
                "{brk}{:?}: {}",
                row.pos.page.or(row.pos.line).or(row.pos.row),
                cells.join(" | ")
            );
        }
    }
}
