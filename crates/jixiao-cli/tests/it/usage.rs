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

/// `jixiao validate … | head`: a reader that stops early closes the pipe; jixiao ends quietly
/// (exit 141, as a program stopped by SIGPIPE), with no panic and no error line (issue 12).
#[test]
fn a_closed_standard_output_ends_the_run_quietly() {
    use std::io::{BufRead as _, BufReader};
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let units = crate::common::generate(dir.path(), 20_000);
    for args in [
        vec!["validate".to_owned(), units.display().to_string()],
        vec![
            "score".to_owned(),
            "--rules".to_owned(),
            crate::common::HUNAN.to_owned(),
            "-f".to_owned(),
            "json".to_owned(),
            units.display().to_string(),
        ],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("jixiao"))
            .current_dir(crate::common::root())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        assert!(!first.is_empty(), "{args:?}: a first line");
        drop(out); // the reader is done: the pipe is closed
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(141), "{args:?}: {stderr}");
    }
}

/// `--out res.xlsx` for the folder `score` writes into, and `form --out noext` without `.xlsx`,
/// are pointed out before anything is written (issue 12).
#[test]
fn an_out_path_of_the_wrong_kind_is_pointed_out() {
    use crate::common::{HUNAN, SAMPLE, jixiao};
    use predicates::str::contains;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("res.xlsx");
    jixiao()
        .args(["score", "--rules", HUNAN, "--out"])
        .arg(&file)
        .arg(SAMPLE)
        .assert()
        .code(2)
        .stderr(contains("looks like a file: give a folder, e.g. --out"));
    assert!(!file.exists(), "nothing written");
    let form = dir.path().join("noext");
    jixiao()
        .args(["form", "--rules", HUNAN, "--out"])
        .arg(&form)
        .assert()
        .code(2)
        .stderr(contains("give --out a name ending in .xlsx"));
    assert!(!form.exists(), "nothing written");
}
