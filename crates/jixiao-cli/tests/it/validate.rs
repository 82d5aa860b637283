//! `jixiao validate`: the messages for bad unit files, naming the file, the line and the key.

use predicates::str::contains;

use crate::common::{jixiao, sample_with};

#[test]
fn malformed_toml_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_with(
        dir.path(),
        "broken.toml",
        "spent = 85.33",
        "spent = = 85.33",
    );
    jixiao()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(contains(
            "broken.toml: TOML parse error at line 67, column 9",
        ))
        .stderr(contains("extra `=`, expected nothing"));
}

#[test]
fn an_unknown_key_is_rejected_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_with(
        dir.path(),
        "typo.toml",
        "personnel = 47.3",
        "personel = 47.3",
    );
    jixiao()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(contains("typo.toml: at `budget.personel`"))
        .stderr(contains("unknown field `personel`"));
}

#[test]
fn a_negative_amount_is_rejected_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_with(dir.path(), "negative.toml", "spent = 2.4", "spent = -2.4");
    jixiao()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(contains("negative.toml: at `funds[1].spent`"))
        .stderr(contains(
            "invalid value: the negative amount -2.4, expected an amount of zero or more",
        ));
}
