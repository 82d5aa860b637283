//! What the CLI's tests share: the binary, the workspace's paths, and the sample.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `jixiao` binary, run from the workspace root.
pub fn jixiao() -> Command {
    let mut cmd = Command::cargo_bin("jixiao").unwrap();
    cmd.current_dir(root());
    cmd
}

pub const HUNAN: &str = "configs/hunan-department.toml";
pub const SAMPLE: &str = "tests/fixtures/units/department/lusong-kexie-2024.toml";

/// A copy of the sample with `from` replaced by `to`, in `dir`.
pub fn sample_with(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    assert!(text.contains(from), "the sample contains {from:?}");
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

/// `n` generated departments, written as JSON Lines to `dir/units.jsonl`.
pub fn generate(dir: &Path, n: u32) -> PathBuf {
    let units = dir.join("units.jsonl");
    jixiao()
        .args(["generate", "--kind", "department", "--jsonl"])
        .arg(&units)
        .args(["-n", &n.to_string()])
        .assert()
        .code(0);
    units
}
