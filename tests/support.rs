//! Paths and loaders shared by the acceptance tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use jixiao_model::{CheckedUnit, SelfEvaluation};
use jixiao_plugin_host::{LoadOptions, Plugins};
use jixiao_rules::{RuleSet, ValidRuleSet};

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

pub fn load_rules(path: &Path) -> ValidRuleSet {
    RuleSet::load(path).unwrap_or_else(|e| panic!("{e}")).0
}

pub fn load_unit(path: &Path) -> CheckedUnit {
    SelfEvaluation::load(path).unwrap_or_else(|e| panic!("{e}"))
}

/// The sample unit: the Lusong 科协 2024 self-evaluation, transcribed by hand.
pub fn sample() -> CheckedUnit {
    load_unit(&root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"))
}

/// The fixture units of one kind (`tests/fixtures/units/KIND/`), in file-name order.
pub fn fixture_units(kind: &str) -> Vec<CheckedUnit> {
    let dir = root().join("tests/fixtures/units").join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("the fixture folder is readable").path())
        .collect();
    files.sort();
    files.iter().map(|f| load_unit(f)).collect()
}

pub fn config(name: &str) -> ValidRuleSet {
    load_rules(&root().join("configs").join(name))
}

/// The plugin crates of `plugins/`.
pub const PLUGINS: [&str; 4] = [
    "jixiao-plugin-deviation",
    "jixiao-plugin-candour",
    "jixiao-plugin-spending",
    "jixiao-plugin-uniform",
];

/// The profile directory (`target/debug`) of the running test binary.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    exe.parent()
        .and_then(Path::parent)
        .expect("test binaries live in <target>/<profile>/deps")
        .to_owned()
}

/// Runs `cargo ARGS --locked` in the workspace root, panicking if it fails.
pub fn cargo(args: &[&str]) {
    let status = Command::new(env!("CARGO"))
        .args(args)
        .arg("--locked")
        .current_dir(root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo {args:?} failed");
}

/// The four plugins, built (or found fresh) by `cargo build` into this test's target directory,
/// once per test process: `cargo test` alone does not refresh the `cdylib` files.
pub fn plugin_dir() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = profile_dir();
            let target = dir
                .parent()
                .and_then(Path::to_str)
                .expect("the target directory is UTF-8")
                .to_owned();
            let mut args = vec!["build", "--quiet", "--target-dir", &target];
            for p in PLUGINS {
                args.extend(["-p", p]);
            }
            cargo(&args);
            dir
        })
        .clone()
}

/// `unit` checked, for a test that changed it.
pub fn recheck(unit: SelfEvaluation) -> CheckedUnit {
    unit.check()
        .unwrap_or_else(|problems| panic!("the changed unit is out of bounds: {problems:?}"))
}

/// `rules` validated, for a test that changed them.
pub fn revalidate(rules: RuleSet) -> ValidRuleSet {
    rules
        .validate(Path::new("changed.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

/// The plugins a rule set names, loaded from this build (unpinned: hashes differ per build).
pub fn load_plugins(rules: &RuleSet, path: &Path) -> Plugins {
    let options = LoadOptions {
        allow_unpinned: true,
        plugin_dir: Some(plugin_dir()),
    };
    Plugins::load(rules, path, &options).unwrap_or_else(|e| panic!("{e}"))
}
