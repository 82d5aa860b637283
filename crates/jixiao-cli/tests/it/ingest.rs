//! `jixiao ingest`: a report read into a unit file draft, with the source of every figure.

use std::path::Path;

use assert_cmd::assert::OutputAssertExt as _;
use predicates::str::contains;

use crate::common::{HUNAN, REPORT, SAMPLE, jixiao, jixiao_snapshot, root};

#[test]
fn ingest_writes_a_draft_that_scores_like_the_hand_transcription() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.toml");
    jixiao_snapshot!(
        "draft_written",
        jixiao().args(["ingest", REPORT, "--out"]).arg(&draft)
    )
    .assert()
    .code(0)
    .stderr(contains("fields filled"));
    let text = std::fs::read_to_string(&draft).unwrap();
    assert!(text.contains("opening = 69.16"), "{text}");
    let json = |unit: &Path| -> serde_json::Value {
        let out = jixiao()
            .args(["score", "--rules", HUNAN, "-f", "json"])
            .arg(unit)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    let (read, hand) = (json(&draft), json(&root().join(SAMPLE)));
    assert_eq!(read["total_exact"], hand["total_exact"]);
    assert_eq!(read["grade"], "中");
    assert_eq!(read["findings"], hand["findings"]);
}

#[test]
fn the_draft_gives_the_source_of_each_figure() {
    let output = jixiao_snapshot!("draft", jixiao().args(["ingest", REPORT]));
    output
        .clone()
        .assert()
        .code(0)
        .stdout(contains("opening = 69.16"))
        .stdout(contains("「2024年预算资金69.16万元」"));
    // The draft on standard output is the one written with --out: a unit that reads back.
    let draft = String::from_utf8(output.stdout).unwrap();
    jixiao_model::SelfEvaluation::from_toml(&draft, Path::new(REPORT)).unwrap();
}

#[test]
fn a_report_without_a_required_figure_is_refused_naming_it() {
    jixiao_snapshot!(
        "no_spending",
        jixiao().args([
            "ingest",
            "tests/fixtures/reports-unreadable/no-spending.txt"
        ])
    )
    .assert()
    .code(1)
    .stdout("")
    .stderr(contains("cannot read `budget.spent`: no spending amount"));
}
