//! `jixiao_ingest::pdf::read` on arbitrary bytes: it may refuse them (a `PdfError`), never
//! panic, hang or run out of memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = jixiao_ingest::pdf::read(data);
});
