//! `jixiao generate`: a synthetic population, the same for the same seed.

use assert_cmd::assert::OutputAssertExt as _;
use predicates::str::contains;

use crate::common::{jixiao, jixiao_snapshot};

#[test]
fn the_same_seed_gives_the_same_units_and_another_seed_others() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, seed: &str| {
        let path = dir.path().join(name);
        jixiao()
            .args(["generate", "-n", "20", "--seed", seed, "--jsonl"])
            .arg(&path)
            .assert()
            .code(0);
        std::fs::read(path).unwrap()
    };
    let (a, b, other) = (
        run("a.jsonl", "7"),
        run("b.jsonl", "7"),
        run("c.jsonl", "8"),
    );
    assert!(a == b, "the same seed gives the same bytes");
    assert!(a != other, "another seed gives other units");
    assert_eq!(a.iter().filter(|&&b| b == b'\n').count(), 20);
}

#[test]
fn unit_files_under_a_directory_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units");
    jixiao_snapshot!(
        "dir",
        jixiao().args(["generate", "-n", "3", "--dir"]).arg(&units)
    )
    .assert()
    .code(0)
    .stderr(contains("wrote 3 unit files under"));
    assert!(units.join("0000/unit-0000002.toml").is_file());
    jixiao_snapshot!("dir_validated", jixiao().arg("validate").arg(&units))
        .assert()
        .code(0)
        .stderr(contains("3 valid, 0 invalid"));
}

#[test]
fn one_of_jsonl_or_dir_is_needed() {
    jixiao_snapshot!("no_output", jixiao().args(["generate", "-n", "1"]))
        .assert()
        .code(2)
        .stderr(contains("give exactly one of --jsonl FILE or --dir DIR"));
}
