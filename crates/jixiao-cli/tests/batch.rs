//! Batch scoring: JSON Lines input, bad lines reported and skipped, the summary workbook, and
//! output that is the same byte for byte whatever the number of threads.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use predicates::str::contains;

mod common;

use common::{HUNAN, jixiao, root};

fn generate(dir: &Path, n: u32) -> PathBuf {
    let units = dir.join("units.jsonl");
    jixiao()
        .args(["generate", "--kind", "department", "--jsonl"])
        .arg(&units)
        .args(["-n", &n.to_string()])
        .assert()
        .code(0);
    units
}

fn score(units: &Path, out: &Path, threads: &str) {
    jixiao()
        .args([
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
        .arg(out)
        .assert()
        .code(0);
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let units = generate(dir.path(), 1500);
    score(&units, &dir.path().join("one"), "1");
    score(&units, &dir.path().join("two"), "2");
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
    jixiao()
        .args(["score", "--rules", HUNAN, "--input"])
        .arg(&units)
        .arg("--out")
        .arg(&out)
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

fn cell(sheet: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    sheet.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

#[test]
fn the_summary_workbook_ranks_units_and_lists_every_indicator_and_finding() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    jixiao()
        .args([
            "score",
            "--rules",
            "configs/national-project.toml",
            "tests/fixtures/units/project",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(0);
    let mut book: Xlsx<_> = open_workbook(out.join("summary.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["汇总", "指标得分", "发现问题"]);

    let summary = book.worksheet_range("汇总").unwrap();
    assert_eq!(cell(&summary, 0, 5), Data::String("复核总分".into()));
    // Ranked: the clean project (95.70) before the inflated one (83.46).
    assert_eq!(cell(&summary, 1, 0), Data::Float(1.0));
    assert_eq!(cell(&summary, 1, 5), Data::Float(95.7));
    assert_eq!(cell(&summary, 1, 6), Data::String("优".into()));
    assert_eq!(cell(&summary, 2, 5), Data::Float(83.46));
    assert_eq!(cell(&summary, 2, 8), Data::Float(16.54)); // declared 100 − 83.46
    assert_eq!(cell(&summary, 2, 9), Data::Float(6.0)); // hard findings

    let indicators = book.worksheet_range("指标得分").unwrap();
    assert_eq!(
        cell(&indicators, 0, 3),
        Data::String("预算执行率 (10)".into())
    );
    assert_eq!(
        cell(&indicators, 0, 4),
        Data::String("产出指标 (50)".into())
    );
    assert_eq!(cell(&indicators, 1, 3), Data::Float(9.5));
    assert_eq!(cell(&indicators, 2, 3), Data::Float(6.0));

    let findings = book.worksheet_range("发现问题").unwrap();
    assert_eq!(
        findings.height(),
        1 + 10,
        "a header and the inflated unit's ten findings"
    );
    assert_eq!(
        cell(&findings, 1, 3),
        Data::String("fund_reconciliation".into())
    );
    assert_eq!(
        cell(&findings, 1, 4),
        Data::String("专项资金收支不平".into())
    );
}

#[test]
fn an_earlier_runs_output_is_not_taken_for_input() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units");
    std::fs::create_dir(&units).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"),
        units.join("lusong.toml"),
    )
    .unwrap();
    for _ in 0..2 {
        // The second run finds units/out (scorecards, summary.xlsx) and leaves it alone.
        jixiao()
            .args(["score", "--rules", HUNAN])
            .arg(&units)
            .arg("--out")
            .arg(units.join("out"))
            .assert()
            .code(0);
    }
    let csv = std::fs::read_to_string(units.join("out/summary.csv")).unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
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
    jixiao()
        .args(["score", "--rules", HUNAN])
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(contains("no units were found in"));
}

#[test]
fn a_negative_amount_read_from_a_report_is_refused_not_scored() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("tests/fixtures/reports/lusong-kexie-2024.txt"))
        .unwrap()
        .replacen("2024年预算资金69.16万元", "2024年预算资金-69.16万元", 1);
    let report = dir.path().join("report.txt");
    std::fs::write(&report, text).unwrap();
    jixiao()
        .args(["score", "--rules", HUNAN])
        .arg(&report)
        .assert()
        .code(1)
        .stderr(contains(
            "report.txt: 二、一般公共预算支出情况 › （一）基本支出情况, 第31行: at `budget.opening`: \
             expected an amount of zero or more, found the negative amount -69.16",
        ));
}

#[test]
fn a_rerun_into_the_same_directory_leaves_no_stale_scorecard() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |units: &str| {
        jixiao()
            .args([
                "score",
                "--rules",
                "configs/national-project.toml",
                units,
                "--out",
            ])
            .arg(&out)
            .assert()
            .code(0);
    };
    run("tests/fixtures/units/project");
    assert!(out.join("scorecards/synthetic-clean-2024.json").is_file());
    run("tests/fixtures/units/project/synthetic-inflated-2024.toml");
    assert!(!out.join("scorecards/synthetic-clean-2024.json").exists());
    assert!(
        out.join("scorecards/synthetic-inflated-2024.json")
            .is_file()
    );
}
