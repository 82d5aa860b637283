//! Paths and loaders shared by the acceptance tests.

use std::path::{Path, PathBuf};

use jixiao_model::SelfEvaluation;
use jixiao_rules::RuleSet;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace root")
        .to_owned()
}

/// The bundled rule sets, in name order.
pub fn rule_sets() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("configs"))
        .expect("configs/ exists")
        .map(|e| e.expect("configs/ is readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
}

pub fn load_rules(path: &Path) -> RuleSet {
    RuleSet::load(path).unwrap_or_else(|e| panic!("{e}")).0
}

pub fn load_unit(path: &Path) -> SelfEvaluation {
    SelfEvaluation::load(path).unwrap_or_else(|e| panic!("{e}"))
}

/// The sample unit: the Lusong 科协 2024 self-evaluation, transcribed by hand.
pub fn sample() -> SelfEvaluation {
    load_unit(&root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"))
}

pub fn config(name: &str) -> RuleSet {
    load_rules(&root().join("configs").join(name))
}
