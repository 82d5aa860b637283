//! `jixiao validate`: the fixtures pass, and the messages for bad unit files name the file, the
//! line and the key.

use assert_cmd::assert::OutputAssertExt as _;
use predicates::str::contains;

use crate::common::{jixiao, jixiao_snapshot, sample_with};

#[test]
fn the_fixtures_are_valid() {
    jixiao_snapshot!(
        "fixtures",
        jixiao().args(["validate", "tests/fixtures/units"])
    )
    .assert()
    .code(0)
    .stdout(contains(
        "ok: tests/fixtures/units/department/lusong-kexie-2024.toml (株洲市芦淞区科学技术协会 2024 部门整体支出)",
    ))
    .stderr(contains(" valid, 0 invalid"));
}

#[test]
fn malformed_toml_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_with(
        dir.path(),
        "broken.toml",
        "spent = 85.33",
        "spent = = 85.33",
    );
    jixiao_snapshot!("malformed_toml", jixiao().arg("validate").arg(&path))
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
    jixiao_snapshot!("unknown_key", jixiao().arg("validate").arg(&path))
        .assert()
        .code(1)
        .stderr(contains("typo.toml: at `budget.personel`"))
        .stderr(contains("unknown field `personel`"));
}

#[test]
fn a_negative_amount_is_rejected_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_with(dir.path(), "negative.toml", "spent = 2.4", "spent = -2.4");
    jixiao_snapshot!("negative_amount", jixiao().arg("validate").arg(&path))
        .assert()
        .code(1)
        .stderr(contains("negative.toml: at `funds[1].spent`"))
        .stderr(contains(
            "invalid value: the negative amount -2.4, expected an amount of zero or more",
        ));
}
