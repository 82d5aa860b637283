//! The libFuzzer harness: runs the fuzz target named by `JIXIAO_FUZZ_TARGET` (see
//! `crates/jixiao-fuzz/run`, which sets it).
#![no_main]

use std::sync::OnceLock;

fn target() -> &'static jixiao_fuzz::Target {
    static TARGET: OnceLock<&'static jixiao_fuzz::Target> = OnceLock::new();
    TARGET.get_or_init(|| {
        let name = std::env::var("JIXIAO_FUZZ_TARGET").unwrap_or_default();
        jixiao_fuzz::target(&name).unwrap_or_else(|| {
            let names: Vec<&str> = jixiao_fuzz::TARGETS.iter().map(|t| t.name).collect();
            eprintln!("JIXIAO_FUZZ_TARGET must name a target: {}", names.join(", "));
            std::process::exit(2)
        })
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| (target().run)(data));
