//! Usage errors and every command's `--help`.

use assert_cmd::assert::OutputAssertExt as _;
use predicates::str::contains;

use crate::common::{jixiao, jixiao_snapshot};

#[test]
fn usage_errors_exit_2_and_every_command_has_help() {
    jixiao_snapshot!("score_without_arguments", jixiao().arg("score"))
        .assert()
        .code(2);
    jixiao_snapshot!("unknown_command", jixiao().arg("frobnicate"))
        .assert()
        .code(2);
    for command in [
        &["--help"][..],
        &["score", "--help"],
        &["check", "--help"],
        &["plugin", "--help"],
        &["ingest", "--help"],
        &["validate", "--help"],
        &["generate", "--help"],
        &["form", "--help"],
        &["convert", "--help"],
    ] {
        let name = format!("help_{}", command[..command.len() - 1].join("_"));
        let name = if command.len() == 1 { "help" } else { &name };
        jixiao_snapshot!(name, jixiao().args(command))
            .assert()
            .code(0)
            .stdout(contains("Usage: jixiao"));
    }
}
