//! `jixiao score` on standard output: the sample's scorecard in each format, a report scored
//! directly, and the units that fail (a bad one among good ones, a missing file, the wrong kind).

use assert_cmd::assert::OutputAssertExt as _;
use jixiao_engine::{EngineRule, RuleId, Scorecard};
use jixiao_rules::CheckId;
use predicates::str::contains;
use rust_decimal_macros::dec;

use crate::common::{HUNAN, REPORT, SAMPLE, jixiao, jixiao_snapshot, root, sample_with};

#[test]
fn scores_the_sample_with_its_total_and_grade() {
    jixiao_snapshot!(
        "sample_terminal",
        jixiao().args(["score", "--rules", HUNAN, SAMPLE])
    )
    .assert()
    .code(0)
    .stdout(contains("总分 68.28 / 100  等级 中"))
    .stdout(contains("专项资金「科普经费」收支不平"))
    .stdout(contains("预算控制率"));
}

#[test]
fn json_and_markdown_formats() {
    let out = jixiao_snapshot!(
        "sample_json",
        jixiao().args(["score", "--rules", HUNAN, SAMPLE, "--format", "json"])
    )
    .assert()
    .code(0)
    .get_output()
    .stdout
    .clone();
    let card: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(card["total"], "68.28");
    assert_eq!(card["grade"], "中");
    // Read back as the engine's scorecard: the findings by their typed rule, in order.
    let card: Scorecard = serde_json::from_value(card).unwrap();
    assert_eq!(card.total, dec!(68.28));
    assert_eq!(card.grade.as_deref(), Some("中"));
    let rules: Vec<RuleId> = card.findings.iter().map(|f| f.rule.clone()).collect();
    assert_eq!(
        rules,
        [
            RuleId::Check(CheckId::FundReconciliation),
            RuleId::Check(CheckId::BudgetAdjustment),
            RuleId::Check(CheckId::EmptyNarrative),
            RuleId::Check(CheckId::EmptyNarrative),
            RuleId::Engine(EngineRule::MissingInput),
            RuleId::Engine(EngineRule::MissingInput),
            RuleId::Engine(EngineRule::MissingInput),
        ]
    );
    jixiao_snapshot!(
        "sample_markdown",
        jixiao().args(["score", "--rules", HUNAN, SAMPLE, "-f", "markdown"])
    )
    .assert()
    .code(0)
    .stdout(contains("- **复核总分 68.28 / 100, 等级 中**"));
}

#[test]
fn a_report_is_scored_directly_with_the_sources_of_its_figures() {
    jixiao_snapshot!(
        "report_terminal",
        jixiao().args(["score", "--rules", HUNAN, REPORT])
    )
    .assert()
    .code(0)
    .stdout(contains("总分 68.28 / 100  等级 中"))
    .stdout(contains("数据来源"))
    .stdout(contains("「财政拨款收入85.33万元」"));
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
    jixiao_snapshot!(
        "one_bad_unit_of_three",
        jixiao().args(["score", "--rules", HUNAN]).arg(dir.path())
    )
    .assert()
    .code(1)
    .stdout(contains("总分 68.28").count(2))
    .stderr(contains("b-bad.toml"))
    .stderr(contains("1 of 3 units could not be scored"));
}

#[test]
fn a_missing_file_is_named() {
    jixiao_snapshot!(
        "missing_unit_file",
        jixiao().args(["score", "--rules", HUNAN, "no/such/unit.toml"])
    )
    .assert()
    .code(2)
    .stderr(contains("no such file or directory: no/such/unit.toml"));
    jixiao_snapshot!(
        "missing_rule_set",
        jixiao().args(["score", "--rules", "configs/nope.toml", SAMPLE])
    )
    .assert()
    .code(2)
    .stderr(contains("cannot read rule set configs/nope.toml"));
}

#[test]
fn a_unit_of_the_wrong_kind_fails_that_unit() {
    jixiao_snapshot!(
        "wrong_kind",
        jixiao().args(["score", "--rules", "configs/national-project.toml", SAMPLE])
    )
    .assert()
    .code(1)
    .stderr(contains(
        "scores 项目支出 self-evaluations, but the unit is a 部门整体支出",
    ));
}

#[test]
fn a_negative_amount_read_from_a_report_is_refused_not_scored() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(REPORT))
        .unwrap()
        .replacen("2024年预算资金69.16万元", "2024年预算资金-69.16万元", 1);
    let report = dir.path().join("report.txt");
    std::fs::write(&report, text).unwrap();
    jixiao_snapshot!(
        "negative_amount_in_a_report",
        jixiao().args(["score", "--rules", HUNAN]).arg(&report)
    )
    .assert()
    .code(1)
    .stderr(contains(
        "report.txt: 二、一般公共预算支出情况 › （一）基本支出情况, 第31行: at `budget.opening`: \
         expected an amount of zero or more, found the negative amount -69.16",
    ));
}
