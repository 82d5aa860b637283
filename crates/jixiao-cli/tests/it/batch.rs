//! Batch scoring: JSON Lines input, bad lines reported and skipped, directories of JSON Lines,
//! and output that is the same byte for byte whatever the number of threads.

use std::path::Path;

use assert_cmd::Command;
use assert_cmd::assert::OutputAssertExt as _;
use predicates::str::contains;

use crate::common::{HUNAN, generate, jixiao, jixiao_snapshot};

/// `jixiao score` of the JSON Lines `units` into `out`, summaries only, on `threads` threads.
fn score(units: &Path, out: &Path, threads: &str) -> Command {
    let mut cmd = jixiao();
    cmd.args([
        "score",
        "--rules",
        HUNAN,
        "--no-scorecards",
        "--threads",
        threads,
        "--input",
    ])
    .arg(units)
    .arg("--out")
    .arg(out);
    cmd
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let units = generate(dir.path(), 1500);
    let one = jixiao_snapshot!(
        "1500_departments",
        &mut score(&units, &dir.path().join("one"), "1")
    )
    .assert()
    .code(0)
    .get_output()
    .stderr
    .clone();
    let two = score(&units, &dir.path().join("two"), "2")
        .assert()
        .code(0)
        .get_output()
        .stderr
        .clone();
    // The summary line too, but for the directory's name.
    assert_eq!(
        String::from_utf8(one).unwrap().replace("/one", "/two"),
        String::from_utf8(two).unwrap()
    );
    for file in ["summary.csv", "summary.md", "summary.xlsx", "index.html"] {
        let one = std::fs::read(dir.path().join("one").join(file)).unwrap();
        let two = std::fs::read(dir.path().join("two").join(file)).unwrap();
        assert!(one == two, "{file} differs between 1 and 2 threads");
    }
}

#[test]
fn a_malformed_line_is_reported_with_file_and_line_and_the_rest_scored() {
    let dir = tempfile::tempdir().unwrap();
    let units = generate(dir.path(), 5);
    let text = std::fs::read_to_string(&units).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[1] = lines[1].replacen("\"opening\":\"", "\"opening\":\"-", 1);
    lines[3] = "{ not json".into();
    std::fs::write(&units, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    jixiao_snapshot!(
        "malformed_lines",
        jixiao()
            .args(["score", "--rules", HUNAN, "--input"])
            .arg(&units)
            .arg("--out")
            .arg(&out)
    )
    .assert()
    .code(1)
    .stderr(contains(
        "units.jsonl:2: at `budget.opening`: invalid value: the negative amount",
    ))
    .stderr(contains(
        "units.jsonl:4: key must be a string at line 1 column 3",
    ))
    .stderr(contains("2 of 5 units could not be scored"));
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(csv.lines().count(), 6);
    assert_eq!(
        csv.lines().filter(|l| l.ends_with(',')).count(),
        3,
        "three scored rows"
    );
}

/// JSON Lines saved with a UTF-8 byte-order mark (as Windows editors do) score every unit, the
/// first one too, as unit files in TOML do (issue 12).
#[test]
fn json_lines_with_a_byte_order_mark_score_their_first_unit() {
    let dir = tempfile::tempdir().unwrap();
    let units = generate(dir.path(), 3);
    let text = std::fs::read_to_string(&units).unwrap();
    std::fs::write(&units, format!("\u{feff}{text}")).unwrap();
    jixiao()
        .args(["score", "--rules", HUNAN, "--input"])
        .arg(&units)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(0)
        .stderr(contains("scored 3 units"));
}

#[test]
fn a_directory_of_json_lines_is_scored_and_an_empty_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("exports");
    std::fs::create_dir(&units).unwrap();
    generate(&units, 3);
    jixiao()
        .args(["score", "--rules", HUNAN, "-f", "json"])
        .arg(&units)
        .assert()
        .code(0)
        .stdout(contains("\"grade\"").count(3));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    jixiao_snapshot!(
        "empty_directory",
        jixiao().args(["score", "--rules", HUNAN]).arg(&empty)
    )
    .assert()
    .code(2)
    .stderr(contains("no units were found in"));
}
