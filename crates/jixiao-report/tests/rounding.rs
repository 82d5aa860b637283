//! One rounding rule in every output: a leaf score of 2.125 and a total of 84.125 (midpoints)
//! show as 2.13 and 84.13 (四舍五入, half away from zero) in the terminal table, the Markdown and
//! HTML scorecards, the CSV and Markdown summaries, index.html and summary.xlsx; never 2.12.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};
use jixiao_engine::Scorecard;
use jixiao_report::html::{BatchInfo, FindingCounts};
use jixiao_report::xlsx::{IndicatorColumn, SummaryWorkbook};
use jixiao_report::{SummaryRow, UnitSummary};
use rust_decimal_macros::dec;

/// The sample's scorecard with its first leaf set to 2.125 and its total to 84.125.
fn midpoint_card() -> Scorecard {
    let mut card = common::sample_card();
    let mut node = &mut card.indicators[0];
    while !node.children.is_empty() {
        node = &mut node.children[0];
    }
    node.score = dec!(2.125);
    node.id = "midpoint.leaf".into();
    card.total = dec!(84.125);
    card
}

fn assert_rounded_away(output: &str, text: &str) {
    assert!(
        text.contains("2.13"),
        "{output} shows the leaf 2.125 as 2.13"
    );
    assert!(
        !text.contains("2.12"),
        "{output} never shows 2.12 for 2.125"
    );
}

#[test]
fn every_scorecard_output_rounds_midpoints_away_from_zero() {
    let card = midpoint_card();
    assert_rounded_away("the terminal table", &jixiao_report::terminal(&card, 200));
    assert_rounded_away("the Markdown scorecard", &jixiao_report::markdown(&card));
    assert_rounded_away(
        "the HTML scorecard",
        &jixiao_report::html::scorecard(&card, "index.html", None, None),
    );
}

#[test]
fn every_summary_rounds_midpoints_away_from_zero() {
    let card = midpoint_card();
    let rows = vec![SummaryRow {
        source: "lusong.toml".into(),
        outcome: Ok(UnitSummary::of(&card)),
    }];
    let total = |output: &str, text: &str| {
        assert!(
            text.contains("84.13"),
            "{output} shows the total 84.125 as 84.13"
        );
        assert!(!text.contains("84.12"), "{output} never shows 84.12");
    };
    total("summary.csv", &jixiao_report::summary_csv(&rows));
    total(
        "summary.md",
        &jixiao_report::summary_markdown(&rows, &[], &[]),
    );
    let mut findings = FindingCounts::default();
    findings.add(&card);
    let grades = [
        "优".to_owned(),
        "良".to_owned(),
        "中".to_owned(),
        "差".to_owned(),
    ];
    let info = BatchInfo {
        rule_set: &card.rule_set,
        grades: &grades,
        findings: &findings,
        notes: &[],
        bureau: None,
    };
    total(
        "index.html",
        &jixiao_report::html::index(&info, &rows, &[None]),
    );

    let columns = vec![IndicatorColumn {
        id: "midpoint.leaf".into(),
        header: "leaf".into(),
    }];
    let mut workbook = SummaryWorkbook::new(columns, grades.to_vec(), 2024).unwrap();
    workbook.add_unit("lusong.toml", &card).unwrap();
    let bytes = workbook.finish(&rows, &[]).unwrap();
    let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = xlsx.worksheet_range("指标得分").unwrap();
    assert_eq!(sheet.get_value((1, 2)), Some(&Data::Float(84.13)));
    assert_eq!(sheet.get_value((1, 3)), Some(&Data::Float(2.13)));
}
