//! Every committed input of every fuzz target, replayed: the seeds and what campaigns kept
//! (`corpus/TARGET/`), and each input that once broke a reader (`regressions/TARGET/`). An input
//! that panics is named with its target; all of them are run before the test fails.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use jixiao_fuzz::TARGETS;

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_committed_input_is_read_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut broken = Vec::new();
    for target in TARGETS {
        let seeds = inputs(&root.join("corpus").join(target.name));
        assert!(
            !seeds.is_empty(),
            "target {} has no corpus in corpus/{}/",
            target.name,
            target.name
        );
        let regressions = inputs(&root.join("regressions").join(target.name));
        for file in seeds.iter().chain(&regressions) {
            let data = std::fs::read(file).expect("a corpus file");
            if catch_unwind(AssertUnwindSafe(|| (target.run)(&data))).is_err() {
                broken.push(format!("{}: {}", target.name, file.display()));
            }
        }
    }
    jixiao_fuzz::remove_scratch();
    assert!(
        broken.is_empty(),
        "inputs that panic:\n{}",
        broken.join("\n")
    );
}

#[test]
fn every_corpus_folder_is_a_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for entry in entries {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(
                jixiao_fuzz::target(&name).is_some(),
                "{folder}/{name} is named after no fuzz target"
            );
        }
    }
}
