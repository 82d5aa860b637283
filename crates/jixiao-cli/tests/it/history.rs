//! `jixiao history`: a unit's years in the results store.

use std::path::Path;

use jixiao_engine::Scorecard;
use rust_decimal_macros::dec;

use crate::common::{SAMPLE, jixiao, root, sample_with};
use crate::runs::score_into;

/// The scorecard `jixiao score -f json` gives the unit under the Hunan rubric.
fn scored(unit: &Path) -> Scorecard {
    let output = jixiao()
        .args(["score", "--rules", crate::common::HUNAN, "-f", "json"])
        .arg(unit)
        .output()
        .unwrap();
    let mut cards: Vec<Scorecard> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(cards.len(), 1);
    cards.remove(0)
}

fn history(db: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = jixiao()
        .arg("history")
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn history_shows_both_years_of_a_unit_with_the_totals_score_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("成绩库.db");
    let y2024 = root().join(SAMPLE);
    let y2023 = sample_with(tmp.path(), "k2023.toml", "year = 2024", "year = 2023");
    score_into(&db, &y2024, &[]);
    score_into(&db, &y2023, &[]);
    // Rescored: run 3 supersedes run 1 for 2024.
    score_into(&db, &y2024, &[]);

    // The sample under the Hunan rubric: raw 61.453123 over 90 available points,
    // × 100 / 90 = 68.2812… → 68.28 中 (docs/cli.md); the year does not enter the rubric.
    let (card_2024, card_2023) = (scored(&y2024), scored(&y2023));
    assert_eq!(card_2024.total, dec!(68.28));
    assert_eq!(card_2023.total, dec!(68.28));

    let (code, stdout, _) = history(&db, &["株洲市芦淞区科学技术协会", "--format", "json"]);
    assert_eq!(code, Some(0));
    let units: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(units.as_array().unwrap().len(), 1, "one unit");
    let years = units[0]["years"].as_array().unwrap();
    // Current results only: 2023 (run 2) and 2024 (run 3), oldest year first.
    assert_eq!(years.len(), 2, "{stdout}");
    assert_eq!(years[0]["year"], 2023);
    assert_eq!(years[0]["run"], 2);
    assert_eq!(years[0]["total"], card_2023.total.to_string());
    assert_eq!(years[0]["grade"], "中");
    assert_eq!(years[1]["year"], 2024);
    assert_eq!(years[1]["run"], 3);
    assert_eq!(years[1]["total"], card_2024.total.to_string());
    assert_eq!(years[1]["rule_set"]["id"], "hunan-department");
    assert_eq!(years[1]["reviewed"], false);

    // --all: run 1's 2024 result too, superseded.
    let (code, stdout, _) = history(&db, &["株洲市芦淞区科学技术协会", "--all"]);
    assert_eq!(code, Some(0));
    for heading in ["年度", "总分", "等级", "规则", "复核", "评分记录", "状态"] {
        assert!(stdout.contains(heading), "{stdout}");
    }
    let rows: Vec<&str> = stdout.lines().filter(|l| l.contains("68.28")).collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    assert!(rows[0].contains("2023") && rows[0].contains("第 2 次") && rows[0].contains("当前"));
    assert!(
        rows[1].contains("2024") && rows[1].contains("第 1 次") && rows[1].contains("已被取代")
    );
    assert!(rows[2].contains("2024") && rows[2].contains("第 3 次") && rows[2].contains("当前"));
}

#[test]
fn history_lists_two_units_of_one_name_apart_and_says_when_nothing_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("成绩库.db");
    let region = "region = \"湖南省株洲市芦淞区\"";
    let a = sample_with(
        tmp.path(),
        "a.toml",
        region,
        &format!("{region}\ncode = \"430203-001\""),
    );
    let b = sample_with(
        tmp.path(),
        "b.toml",
        region,
        &format!("{region}\ncode = \"430203-002\""),
    );
    score_into(&db, &a, &[]);
    score_into(&db, &b, &[]);

    let (code, stdout, _) = history(&db, &["株洲市芦淞区科学技术协会"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("对应 2 个不同的单位"), "{stdout}");
    let headings: Vec<&str> = stdout.lines().filter(|l| l.starts_with("单位: ")).collect();
    assert_eq!(headings.len(), 2, "{stdout}");
    assert!(headings[0].contains("单位编码 430203-001"), "{stdout}");
    assert!(headings[1].contains("单位编码 430203-002"), "{stdout}");

    // By code: the one unit.
    let (code, stdout, _) = history(&db, &["430203-002"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("单位: ")).count(),
        1
    );
    assert!(!stdout.contains("430203-001"), "{stdout}");

    let (code, stdout, stderr) = history(&db, &["长沙市不存在的单位"]);
    assert_eq!(code, Some(1));
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("没有「长沙市不存在的单位」的评分记录"),
        "{stderr}"
    );
}
