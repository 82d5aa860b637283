//! Usage errors and every command's `--help`.

use predicates::str::contains;

use crate::common::jixiao;

#[test]
fn usage_errors_exit_2_and_every_command_has_help() {
    jixiao().arg("score").assert().code(2);
    jixiao().arg("frobnicate").assert().code(2);
    for command in [
        &["--help"][..],
        &["score", "--help"],
        &["check", "--help"],
        &["validate", "--help"],
    ] {
        jixiao()
            .args(command)
            .assert()
            .code(0)
            .stdout(contains("Usage: jixiao"));
    }
}
