//! Our own PDF syntax readers on raw bytes: the content-stream tokenizer and the CMap reader
//! (the `pdf` target reaches them only through compressed streams, which mutations seldom get
//! through). Must never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfnorm::internals::pdf::{cmap::CMap, content};

fuzz_target!(|data: &[u8]| {
    let mut seen = 0usize;
    content::each_op(data, |op, args| {
        seen += op.len() + args.len();
        true
    });
    std::hint::black_box(seen);
    let m = CMap::parse(data);
    for n in 1..=4 {
        let code = &data[..data.len().min(n)];
        std::hint::black_box((m.text(code), m.cid(code)));
    }
});
