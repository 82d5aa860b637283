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
    // One array of scorecards, here of one.
    let [card]: [serde_json::Value; 1] = serde_json::from_slice(&out).unwrap();
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
            // 科普宣传受众 700 % and 青少年科技系列活动 200 % of their targets, unexplained.
            RuleId::Check(CheckId::OverAchievement),
            RuleId::Check(CheckId::OverAchievement),
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
    // Another unit (the same twice would be a duplicate, scored once).
    sample_with(
        dir.path(),
        "c-good.toml",
        "name = \"株洲市芦淞区科学技术协会\"",
        "name = \"株洲市芦淞区科学技术协会 (另一单位)\"",
    );
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
    .stderr(contains("cannot read rule set configs/nope.toml"))
    // The system's reason, once (issue 12).
    .stderr(predicates::function::function(|err: &str| {
        err.matches("No such file or directory").count() == 1
    }));
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
        "用于项目支出绩效自评, 而该单位报送的是部门整体支出绩效自评",
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

/// A round folder of the units' own documents (a Word 自评表, an .xlsx and an .xls export) is
/// scored from their tables, the self-score compared, the read completeness in the summary.
/// By hand, yn-baoshan-tsg-ggwhfw-2022.xlsx: execution 10 × 95.61 % = 9.56; every row meets its
/// target: 20 + 20 + 30 + 20 = 90; total 99.56 against the declared 100.
#[test]
fn a_folder_of_documents_is_scored_from_their_tables() {
    let dir = tempfile::tempdir().unwrap();
    let round = dir.path().join("round");
    std::fs::create_dir(&round).unwrap();
    let fixtures = root().join("tests/fixtures/documents");
    for name in [
        "gd-suixi-shuiku-2022.docx",
        "yn-baoshan-tsg-ggwhfw-2022.xlsx",
        "jx-shangrao-sfj-2021.xls",
    ] {
        std::fs::copy(fixtures.join(name), round.join(name)).unwrap();
    }
    let out = dir.path().join("out");
    jixiao()
        .args(["score", "--rules", "configs/national-project.toml", "--out"])
        .arg(&out)
        .arg(&round)
        .assert()
        .stderr(contains("scored 3 units"));
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let header: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .split(',')
        .collect();
    let header = &header;
    // The cells of the row of `name`, by header.
    let row = |name: &str| {
        let cells: Vec<String> = csv
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} in {csv}"))
            .split(',')
            .map(str::to_owned)
            .collect();
        move |column: &str| cells[header.iter().position(|h| *h == column).unwrap()].clone()
    };
    let ggwhfw = row("ggwhfw");
    assert_eq!(
        ["单位", "年度", "复核总分", "等级", "自评总分"].map(&ggwhfw),
        ["保山市图书馆", "2022", "99.56", "优", "100.00"]
    );
    assert_eq!(ggwhfw("读取完整度"), "6/6");
    // The Word 自评表: its self-score 96.83 and its 2022 year read from the table and cover.
    let suixi = row("suixi");
    assert_eq!(
        ["单位", "年度", "自评总分"].map(&suixi),
        ["遂溪县水务局", "2022", "96.83"]
    );
    // The .xls export: its funds block's 分值 100 (for 10) is left unfilled, not scored.
    let shangrao = row("shangrao");
    assert_eq!(
        ["单位", "自评总分"].map(&shangrao),
        ["上饶市司法局", "98.00"]
    );
    let card =
        std::fs::read_to_string(out.join("scorecards/yn-baoshan-tsg-ggwhfw-2022.md")).unwrap();
    assert!(card.contains("读取完整度 6/6"), "{card}");
    assert!(
        card.contains("Sheet1!F8「年度资金总额 × 全年执行数」"),
        "{card}"
    );
}

/// `--timings`: a table on standard error, a line a stage that ran, counted per unit where a
/// stage runs per unit; nothing of it without the flag.
#[test]
fn timings_counts_each_stage_per_unit_and_is_silent_without_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let units = crate::common::generate(dir.path(), 7);
    let run = |timings: bool| {
        let mut cmd = jixiao();
        cmd.args(["score", "--rules", HUNAN, "--no-scorecards", "--out"])
            .arg(dir.path().join(if timings { "a" } else { "b" }))
            .arg("--input")
            .arg(&units);
        if timings {
            cmd.arg("--timings");
        }
        let output = cmd.output().unwrap();
        String::from_utf8(output.stderr).unwrap()
    };
    let stderr = run(true);
    // `code seconds count each what`: the count of a stage, by its code.
    let count = |code: &str| -> Option<u64> {
        stderr.lines().find_map(|line| {
            let mut fields = line.split_whitespace();
            (fields.next() == Some(code)).then(|| fields.nth(1).unwrap().parse().unwrap())
        })
    };
    for code in ["identify", "parse", "score", "accept", "workbook_rows"] {
        assert_eq!(count(code), Some(7), "{code}: {stderr}");
    }
    assert_eq!(count("render_scorecards"), None, "{stderr}");
    for code in [
        "summary_csv",
        "summary_md",
        "index_html",
        "summary_xlsx",
        "total",
    ] {
        assert_eq!(count(code), Some(1), "{code}: {stderr}");
    }
    assert_eq!(count("scorecards"), None, "no scorecards written: {stderr}");
    assert!(stderr.contains("用时 (--timings"), "{stderr}");
    assert!(!run(false).contains("用时"));
}
