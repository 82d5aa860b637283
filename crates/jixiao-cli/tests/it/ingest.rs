//! `jixiao ingest`: a report read into a unit file draft.

use std::path::Path;

use predicates::str::contains;

use crate::common::{HUNAN, SAMPLE, jixiao, root};

#[test]
fn ingest_writes_a_draft_that_scores_like_the_hand_transcription() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.toml");
    jixiao()
        .args([
            "ingest",
            "tests/fixtures/reports/lusong-kexie-2024.txt",
            "--out",
        ])
        .arg(&draft)
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
