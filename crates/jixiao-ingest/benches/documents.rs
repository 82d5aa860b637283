//! Reading reports with tables, N of each kind (1,000 by default), each read by
//! `jixiao_ingest::ingest` from a temporary folder:
//!
//! - **Word**: the `.docx` fixtures of `tests/fixtures/documents`, copied round-robin (zip, XML,
//!   grids, tables, prose, the unit checked);
//! - **PDF**: two-page PDF reports printed in code (`tests/support/pdfgen.rs`: a composite font
//!   with a ToUnicode map, `Tj`/`TJ` text, ruled tables, compressed content streams) from those
//!   of the same fixtures that print to two pages, round-robin, each copy with its own last
//!   paragraph (打印编号 N), so no two files are the same (lopdf, content streams, glyphs,
//!   tables rebuilt from rules, paragraphs, the unit checked). With `JIXIAO_BENCH_PDFS=DIR`
//!   (absolute, or relative to `crates/jixiao-ingest`), the `.pdf` files of DIR are copied
//!   round-robin instead, each with its number in a comment at its end.
//!
//! `cargo bench -p jixiao-ingest --bench documents [-- N]` prints, for each kind, the best of 3
//! runs on one thread and on every core (rayon), with how many documents were read and how many
//! refused.

#[path = "../tests/support/pdfgen.rs"]
mod pdfgen;

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
    println!(
        "{count} .docx reports ({} distinct fixtures, {} KB)",
        sources.len(),
        size(&paths) / 1000
    );
    measure(&paths);

    let (paths, what) = match std::env::var_os("JIXIAO_BENCH_PDFS") {
        Some(from) => copied_pdfs(Path::new(&from), count, dir.path()),
        None => printed_pdfs(&sources, count, dir.path()),
    };
    println!("{count} .pdf reports ({what}, {} KB)", size(&paths) / 1000);
    measure(&paths);
}

fn size(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum()
}

/// Two-page PDFs printed from the Word fixtures that print to two pages.
fn printed_pdfs(sources: &[PathBuf], count: usize, dir: &Path) -> (Vec<PathBuf>, String) {
    let templates: Vec<jixiao_ingest::document::Document> = sources
        .iter()
        .map(|p| jixiao_ingest::document::docx(&std::fs::read(p).expect("fixture")).expect("docx"))
        .filter(|doc| {
            let mut printer = pdfgen::Printer::new();
            printer.document(doc);
            printer.pages.len() == 2
        })
        .collect();
    let paths = (0..count)
        .map(|i| {
            let mut doc = templates[i % templates.len()].clone();
            doc.paragraphs.push(format!("打印编号 {i:05}"));
            let to = dir.join(format!("{i:05}.pdf"));
            std::fs::write(&to, pdfgen::print(&doc)).expect("write");
            to
        })
        .collect();
    let what = format!(
        "two pages each, printed in code from {} of the Word fixtures",
        templates.len()
    );
    (paths, what)
}

/// The PDFs of `from`, copied round-robin, each with its number in a comment at its end.
fn copied_pdfs(from: &Path, count: usize, dir: &Path) -> (Vec<PathBuf>, String) {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(from)
        .expect("JIXIAO_BENCH_PDFS is a folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    sources.sort();
    let paths = (0..count)
        .map(|i| {
            let mut bytes = std::fs::read(&sources[i % sources.len()]).expect("a PDF");
            bytes.extend_from_slice(format!("%copy {i:05}\n").as_bytes());
            let to = dir.join(format!("{i:05}.pdf"));
            std::fs::write(&to, bytes).expect("write");
            to
        })
        .collect();
    let what = format!("{} PDFs of {}", sources.len(), from.display());
    (paths, what)
}

/// The best of 3 runs over `paths`, on one thread and on every core.
fn measure(paths: &[PathBuf]) {
    let count = paths.len();
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
