//! `jixiao score --out`: the files written (scorecards, summary.csv, summary.xlsx, summary.md,
//! index.html), the inputs left alone, and a rerun into the same directory.

use assert_cmd::assert::OutputAssertExt as _;
use calamine::{Data, Reader, Xlsx, open_workbook};
use predicates::prelude::*;
use predicates::str::contains;

use crate::common::{HUNAN, SAMPLE, assert_filtered_snapshot, jixiao, jixiao_snapshot, root};

#[test]
fn out_dir_gets_a_scorecard_per_unit_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    jixiao_snapshot!(
        "project_units",
        jixiao()
            .args([
                "score",
                "--rules",
                "configs/national-project.toml",
                "tests/fixtures/units/project",
            ])
            .arg("--out")
            .arg(dir.path())
    )
    .assert()
    .code(0)
    .stderr(contains("scored 2 units (优 1, 良 1)"));
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
    assert_filtered_snapshot!("project_units_summary.csv", csv);
    let markdown = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert!(markdown.contains("83.46"), "{markdown}");
    assert_filtered_snapshot!("project_units_summary.md", markdown);
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
