//! What the CLI's test binaries share.

#![allow(dead_code)] // each test binary uses part of it

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
