//! Reading Word reports with tables: the `.docx` fixtures of `tests/fixtures/documents`, copied
//! round-robin into a temporary folder until there are N of them (1,000 by default), each read
//! by `jixiao_ingest::ingest` (zip, XML, grids, tables, prose, the unit checked).
//!
//! `cargo bench -p jixiao-ingest --bench documents [-- N]` prints the best of 3 runs on one
//! thread and on every core (rayon), with how many documents were read and how many refused.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/documents");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    sources.sort();
    let dir = tempfile::tempdir().expect("temp dir");
    let paths: Vec<PathBuf> = (0..count)
        .map(|i| {
            let from = &sources[i % sources.len()];
            let to = dir.path().join(format!("{i:05}.docx"));
            std::fs::copy(from, &to).expect("copy");
            to
        })
        .collect();
    let bytes: u64 = paths
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    println!(
        "{count} .docx reports ({} distinct fixtures, {} KB)",
        sources.len(),
        bytes / 1000
    );
    for (mode, parallel) in [("1 thread", false), ("all cores", true)] {
        let mut best = Duration::MAX;
        let mut read = 0;
        for _ in 0..3 {
            let start = Instant::now();
            read = if parallel {
                paths
                    .par_iter()
                    .filter(|p| jixiao_ingest::ingest(p).is_ok())
                    .count()
            } else {
                paths
                    .iter()
                    .filter(|p| jixiao_ingest::ingest(p).is_ok())
                    .count()
            };
            best = best.min(start.elapsed());
        }
        let millis = best.as_millis().max(1);
        println!(
            "{mode:>9}: {millis} ms, {} reports/s ({read} read, {} refused)",
            count as u128 * 1000 / millis,
            count - read
        );
    }
}
