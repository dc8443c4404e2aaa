//! Print what the PDF reader's first stage sees on each page: every glyph with its box and
//! size, then every ruling line — for comparing text engines or checking a producer's output.
//!
//! cargo run --release --example dump_glyphs -- FILE.pdf

use perfnorm::internals::pdf::glyphs;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump_glyphs FILE.pdf");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc = glyphs::open(&bytes).unwrap_or_else(|e| panic!("{path}: {e:?}"));
    for i in 0..doc.pages {
        let p = glyphs::read_page(&doc, i);
        println!(
            "== page {} {:.1}x{:.1} {:?}",
            p.number, p.width, p.height, p.problem
        );
        for g in &p.glyphs {
            println!(
                "{} {:.1} {:.1} {:.1} {:.1}",
                g.ch, g.x0, g.x1, g.base, g.size
            );
        }
        for r in &p.rules {
            let k = if r.horizontal { 'h' } else { 'v' };
            println!("{k} {:.1} {:.1} {:.1}", r.pos, r.from, r.to);
        }
    }
}
