//! `jixiao convert`: unit files to JSON Lines and back.

use assert_cmd::assert::OutputAssertExt as _;

use crate::common::{SAMPLE, jixiao, jixiao_snapshot, root};

#[test]
fn convert_round_trips_the_sample_through_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("units.jsonl");
    jixiao_snapshot!(
        "to_jsonl",
        jixiao()
            .args(["convert", SAMPLE, "--to", "jsonl", "--out"])
            .arg(&jsonl)
    )
    .assert()
    .code(0);
    let toml = dir.path().join("back.toml");
    jixiao_snapshot!(
        "to_toml",
        jixiao()
            .arg("convert")
            .arg(&jsonl)
            .args(["--to", "toml", "--out"])
            .arg(&toml)
    )
    .assert()
    .code(0);
    let back = jixiao_model::SelfEvaluation::load(&toml).unwrap();
    let sample = jixiao_model::SelfEvaluation::load(&root().join(SAMPLE)).unwrap();
    assert_eq!(back, sample);
}
