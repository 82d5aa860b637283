//! The 财政数据核对 section: in every form of a scorecard with ledger figures, absent without.

mod common;

use jixiao_engine::{LedgerFigure, Scorecard, UsedFigure};
use jixiao_model::FieldPath;
use rust_decimal_macros::dec;

/// The sample's scorecard with the figures of a ledger that gives 全年预算数 88 (the unit gave
/// none), 全年执行数 85.00 against 85.33, and 编制数 3 as the unit.
fn card() -> Scorecard {
    let mut card = common::sample_card();
    card.ledger = vec![
        LedgerFigure {
            field: FieldPath::new("budget").key("full_year"),
            label: "全年预算数".into(),
            unit_value: None,
            ledger_value: dec!(88),
            used: UsedFigure::Ledger,
            measure: "万元".into(),
        },
        LedgerFigure {
            field: FieldPath::new("budget").key("spent"),
            label: "全年执行数".into(),
            unit_value: Some(dec!(85.33)),
            ledger_value: dec!(85.00),
            used: UsedFigure::Unit,
            measure: "万元".into(),
        },
        LedgerFigure {
            field: FieldPath::new("staffing").key("authorised"),
            label: "编制数".into(),
            unit_value: Some(dec!(3)),
            ledger_value: dec!(3),
            used: UsedFigure::Unit,
            measure: "人".into(),
        },
    ];
    card
}

#[test]
fn the_markdown_scorecard_has_the_section_before_its_findings() {
    let md = jixiao_report::markdown(&card());
    let section = "\n## 财政数据核对\n\n差额 = 财政数据 − 单位填报.\n\n\
        | 数据项 | 单位填报 | 财政数据 | 差额 | 评分采用 |\n\
        |---|---:|---:|---:|---|\n\
        | 全年预算数 | 未填报 | 88 万元 | — | 财政数据 |\n\
        | 全年执行数 | 85.33 万元 | 85 万元 | -0.33 | 单位填报 |\n\
        | 编制数 | 3 人 | 3 人 | 0 | 单位填报 |\n\
        \n## 发现问题";
    assert!(md.contains(section), "{md}");
}

#[test]
fn the_terminal_and_html_scorecards_have_the_section() {
    let text = jixiao_report::terminal(&card(), 100);
    let at = text
        .find("财政数据核对 (差额 = 财政数据 − 单位填报):")
        .expect("the section");
    let end = text.find("发现问题").unwrap();
    assert!(at < end);
    let rows: Vec<&str> = text[at..end]
        .lines()
        .filter(|l| l.contains("全年") || l.contains("编制数"))
        .collect();
    assert_eq!(rows.len(), 3, "{rows:#?}");
    for (row, cells) in rows.iter().zip([
        ["全年预算数", "未填报", "88 万元", "—", "财政数据"],
        ["全年执行数", "85.33 万元", "85 万元", "-0.33", "单位填报"],
        ["编制数", "3 人", "3 人", "0", "单位填报"],
    ]) {
        let found: Vec<&str> = row
            .split('┆')
            .map(|c| c.trim_matches(|ch: char| ch.is_whitespace() || ch == '│'))
            .collect();
        assert_eq!(found, cells, "{row}");
    }

    let page = jixiao_report::html::scorecard(&card(), "index.html", None, None);
    assert!(page.contains("<h2>财政数据核对</h2>"), "{page}");
    assert!(page.contains(
        "<tr><td>全年预算数</td><td class=\"n\">未填报</td><td class=\"n\">88 万元</td><td class=\"n\">—</td><td><strong>财政数据</strong></td></tr>"
    ), "{page}");
    assert!(page.find("财政数据核对").unwrap() < page.find("<h2>发现问题</h2>").unwrap());
}

#[test]
fn the_json_scorecard_carries_the_figures_and_without_a_ledger_nothing_changes() {
    let json: serde_json::Value = serde_json::from_str(&jixiao_report::json(&card())).unwrap();
    assert_eq!(
        json["ledger"][1],
        serde_json::json!({
            "field": "budget.spent",
            "label": "全年执行数",
            "unit_value": "85.33",
            "ledger_value": "85.00",
            "used": "unit",
            "measure": "万元",
        })
    );
    assert!(json["ledger"][0].get("unit_value").is_none());
    let back: Scorecard = serde_json::from_value(json).unwrap();
    assert_eq!(back.ledger, card().ledger);

    let plain = common::sample_card();
    assert!(!jixiao_report::json(&plain).contains("\"ledger\""));
    assert!(!jixiao_report::markdown(&plain).contains("财政数据核对"));
    assert!(!jixiao_report::terminal(&plain, 100).contains("财政数据核对"));
    assert!(
        !jixiao_report::html::scorecard(&plain, "index.html", None, None).contains("财政数据核对")
    );
}
