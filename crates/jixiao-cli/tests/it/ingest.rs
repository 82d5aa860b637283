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
        let [card]: [serde_json::Value; 1] = serde_json::from_slice(&out).unwrap();
        card
    };
    let (read, hand) = (json(&draft), json(&root().join(SAMPLE)));
    assert_eq!(read["total_exact"], hand["total_exact"]);
    assert_eq!(read["grade"], "中");
    // The same findings, but for over_achievement, which names the goals as each read them: the
    // reader reads 宣传受众 (人) and leaves the youth activities' actual to a reviewer, so it has the
    // 700 % finding and not the hand's 200 % one.
    let but_over = |card: &serde_json::Value| {
        let all = card["findings"].as_array().unwrap().clone();
        let (over, rest): (Vec<_>, Vec<_>) = all
            .into_iter()
            .partition(|f| f["rule"] == "over_achievement");
        let ratios: Vec<_> = over
            .iter()
            .map(|f| f["figures"][2]["value"].clone())
            .collect();
        (rest, ratios)
    };
    let ((read_rest, read_over), (hand_rest, hand_over)) = (but_over(&read), but_over(&hand));
    assert_eq!(read_rest, hand_rest);
    assert_eq!(read_over, ["700"]);
    assert_eq!(hand_over, ["700", "200"]);
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

/// A copy of the sample report with `from` replaced by `to`, in `dir`.
fn report_with(dir: &Path, from: &str, to: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(root().join(REPORT)).unwrap();
    assert!(text.contains(from), "the sample report contains {from:?}");
    let path = dir.join("report.txt");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn a_bureaus_vocabulary_adds_a_label_and_a_field_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // The bureau's reports call 财政拨款收入 "拨入资金": not a built-in label.
    let report = report_with(dir.path(), "财政拨款收入85.33万元", "拨入资金85.33万元");
    let vocabulary = dir.path().join("bureau-vocabulary.toml");
    std::fs::write(
        &vocabulary,
        "# Our reports' own wording.\n[budget.income]\nlabels = [\"拨入资金\"]\n",
    )
    .unwrap();
    let draft = |extra: &[&std::ffi::OsStr]| {
        let out = jixiao()
            .arg("ingest")
            .arg(&report)
            .args(extra)
            .assert()
            .code(0);
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let without = draft(&[]);
    assert!(
        without.contains("budget.income: 财政拨款收入 not stated"),
        "{without}"
    );
    assert!(!without.contains("income = 85.33"), "{without}");
    let with = draft(&["--vocabulary".as_ref(), vocabulary.as_os_str()]);
    assert!(
        with.contains("「拨入资金85.33万元」\nincome = 85.33\n"),
        "{with}"
    );
    assert!(!with.contains("budget.income: "), "{with}");
    // `score` reads reports with it too, and scores the report as the hand transcription.
    let out = jixiao()
        .args(["score", "--rules", HUNAN, "-f", "markdown", "--vocabulary"])
        .arg(&vocabulary)
        .arg(&report)
        .assert()
        .code(0);
    let card = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(card.contains("**复核总分 68.28 / 100, 等级 中**"), "{card}");
    assert!(card.contains("第32行: 「拨入资金85.33万元」"), "{card}");
    jixiao()
        .arg("validate")
        .arg(&report)
        .arg("--vocabulary")
        .arg(&vocabulary)
        .assert()
        .code(0);
}

#[test]
fn a_bad_vocabulary_file_is_refused_naming_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let vocabulary = dir.path().join("bureau-vocabulary.toml");
    std::fs::write(&vocabulary, "[budget.income]\nlables = [\"拨入资金\"]\n").unwrap();
    jixiao_snapshot!(
        "bad_vocabulary",
        jixiao()
            .args(["ingest", REPORT, "--vocabulary"])
            .arg(&vocabulary)
    )
    .assert()
    .code(2)
    .stdout("")
    .stderr(contains(
        "bureau-vocabulary.toml: at `budget.income.lables`",
    ))
    .stderr(contains("unknown field `lables`"));
    let missing = dir.path().join("no-such-vocabulary.toml");
    jixiao()
        .args(["validate", REPORT, "--vocabulary"])
        .arg(&missing)
        .assert()
        .code(2)
        .stderr(contains("cannot read the vocabulary file"))
        .stderr(contains("no-such-vocabulary.toml"));
}
