//! The `jixiao` binary: exit codes, outputs, and the messages for bad input.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use predicates::str::contains;

mod common;

use common::{HUNAN, SAMPLE, jixiao, root};

/// A copy of the sample with `from` replaced by `to`, in `dir`.
fn sample_with(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    assert!(text.contains(from), "the sample contains {from:?}");
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn scores_the_sample_with_its_total_and_grade() {
    jixiao()
        .args(["score", "--rules", HUNAN, SAMPLE])
        .assert()
        .code(0)
        .stdout(contains("总分 68.28 / 100  等级 中"))
        .stdout(contains("专项资金「科普经费」收支不平"))
        .stdout(contains("预算控制率"));
}

#[test]
fn json_and_markdown_formats() {
    let out = jixiao()
        .args(["score", "--rules", HUNAN, SAMPLE, "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let card: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(card["total"], "68.28");
    assert_eq!(card["grade"], "中");
    jixiao()
        .args(["score", "--rules", HUNAN, SAMPLE, "-f", "markdown"])
        .assert()
        .code(0)
        .stdout(contains("- **复核总分 68.28 / 100, 等级 中**"));
}

#[test]
fn out_dir_gets_a_scorecard_per_unit_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    jixiao()
        .args([
            "score",
            "--rules",
            "configs/national-project.toml",
            "tests/fixtures/units/project",
        ])
        .arg("--out")
        .arg(dir.path())
        .assert()
        .code(0);
    for name in [
        "scorecards/synthetic-clean-2024.json",
        "scorecards/synthetic-clean-2024.md",
        "scorecards/synthetic-clean-2024.html",
        "scorecards/synthetic-inflated-2024.json",
        "scorecards/synthetic-inflated-2024.md",
        "scorecards/synthetic-inflated-2024.html",
        "summary.md",
        "summary.xlsx",
        "index.html",
    ] {
        assert!(dir.path().join(name).is_file(), "{name} written");
    }
    let csv = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[1].contains(",95.70,优,95.70,0.00,0,0,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(",83.46,良,100.00,16.54,6,4,"),
        "{}",
        lines[2]
    );
}

#[test]
fn one_bad_unit_fails_alone_and_the_rest_are_scored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join(SAMPLE), dir.path().join("a-good.toml")).unwrap();
    sample_with(
        dir.path(),
        "b-bad.toml",
        "opening = 69.16",
        "opening = -69.16",
    );
    std::fs::copy(root().join(SAMPLE), dir.path().join("c-good.toml")).unwrap();
    jixiao()
        .args(["score", "--rules", HUNAN])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(contains("总分 68.28").count(2))
        .stderr(contains("b-bad.toml"))
        .stderr(contains("1 of 3 units could not be scored"));
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

#[test]
fn weights_that_do_not_sum_are_refused_naming_the_group() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(HUNAN)).unwrap();
    let edited = text.replacen(
        "id = \"input.planning.staffing_control\"\nname = \"在职人员控制率\"\npoints = 5",
        "id = \"input.planning.staffing_control\"\nname = \"在职人员控制率\"\npoints = 6",
        1,
    );
    assert_ne!(edited, text);
    let path = dir.path().join("rules.toml");
    std::fs::write(&path, edited).unwrap();
    jixiao()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(contains(
            "at `indicators[0].children[0].children`: the children of group `input.planning` (预算配置) sum to 11 points, but the group has 10",
        ));
    // The same rule set cannot be used to score either.
    jixiao()
        .args(["score", "--rules"])
        .arg(&path)
        .arg(SAMPLE)
        .assert()
        .code(2)
        .stderr(contains("sum to 11 points"));
}

#[test]
fn a_missing_file_is_named() {
    jixiao()
        .args(["score", "--rules", HUNAN, "no/such/unit.toml"])
        .assert()
        .code(2)
        .stderr(contains("no such file or directory: no/such/unit.toml"));
    jixiao()
        .args(["score", "--rules", "configs/nope.toml", SAMPLE])
        .assert()
        .code(2)
        .stderr(contains("cannot read rule set configs/nope.toml"));
}

#[test]
fn a_unit_of_the_wrong_kind_fails_that_unit() {
    jixiao()
        .args(["score", "--rules", "configs/national-project.toml", SAMPLE])
        .assert()
        .code(1)
        .stderr(contains(
            "scores 项目支出 self-evaluations, but the unit is a 部门整体支出",
        ));
}

#[test]
fn check_accepts_the_bundled_rule_sets() {
    jixiao()
        .args(["check", HUNAN, "configs/national-project.toml"])
        .assert()
        .code(0)
        .stdout(contains("ok: configs/hunan-department.toml"))
        .stdout(contains("ok: configs/national-project.toml"));
}

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

#[test]
fn inputs_are_never_modified() {
    let before = std::fs::read(root().join(SAMPLE)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    jixiao()
        .args(["score", "--rules", HUNAN, SAMPLE, "--out"])
        .arg(dir.path())
        .assert()
        .code(0);
    assert_eq!(std::fs::read(root().join(SAMPLE)).unwrap(), before);
    assert!(predicate::path::is_file().eval(&dir.path().join("scorecards/lusong-kexie-2024.json")));
}

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

#[test]
fn a_report_is_scored_directly_with_the_sources_of_its_figures() {
    jixiao()
        .args([
            "score",
            "--rules",
            HUNAN,
            "tests/fixtures/reports/lusong-kexie-2024.txt",
        ])
        .assert()
        .code(0)
        .stdout(contains("总分 68.28 / 100  等级 中"))
        .stdout(contains("数据来源"))
        .stdout(contains("「财政拨款收入85.33万元」"));
}

#[test]
fn form_writes_a_workbook_that_validate_reads_cell_by_cell() {
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("表.xlsx");
    jixiao()
        .args(["form", "--rules", HUNAN, "--out"])
        .arg(&form)
        .assert()
        .code(0)
        .stderr(contains("hunan-department v2024.1"));
    // A blank form is found in a directory and read: its required cells are named.
    let f = form.display();
    jixiao()
        .arg("validate")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(contains(format!(
            "error: {f}!单位!C5: 单位名称 (unit name) is required\n\
             {f}!单位!C21: 年初预算数 (opening budget) is required\n\
             {f}!单位!C24: 全年执行数 (amount spent) is required\n"
        )));
}

#[test]
fn convert_round_trips_the_sample_through_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("units.jsonl");
    jixiao()
        .args(["convert", SAMPLE, "--to", "jsonl", "--out"])
        .arg(&jsonl)
        .assert()
        .code(0);
    let toml = dir.path().join("back.toml");
    jixiao()
        .arg("convert")
        .arg(&jsonl)
        .args(["--to", "toml", "--out"])
        .arg(&toml)
        .assert()
        .code(0);
    let back = jixiao_model::SelfEvaluation::load(&toml).unwrap();
    let sample = jixiao_model::SelfEvaluation::load(&root().join(SAMPLE)).unwrap();
    assert_eq!(back, sample);
}
