//! The 取自成绩库的上年数据 section: in every form of a scorecard with figures taken from the
//! results store, absent without.

mod common;

use jixiao_engine::{HistoryFigure, Scorecard};
use jixiao_model::FieldPath;
use rust_decimal_macros::dec;

/// The sample's scorecard with 上年三公经费 16 万元 and 上年公务接待 2.5 万元 taken from its record
/// of 2023 (run 1).
fn card() -> Scorecard {
    let mut card = common::sample_card();
    let last_year = FieldPath::new("base").key("three_public_last_year");
    card.history = vec![
        HistoryFigure {
            field: last_year,
            label: "上年三公经费".into(),
            value: dec!(16),
            measure: "万元".into(),
            year: 2023,
            run: 1,
        },
        HistoryFigure {
            field: FieldPath::new("base")
                .key("three_public_last_year_parts")
                .key("receptions"),
            label: "上年公务接待费".into(),
            value: dec!(2.5),
            measure: "万元".into(),
            year: 2023,
            run: 1,
        },
    ];
    card
}

#[test]
fn the_markdown_scorecard_has_the_section_before_its_findings() {
    let md = jixiao_report::markdown(&card());
    let section = "\n## 取自成绩库的上年数据\n\n单位未填报, 采用成绩库中该单位上年的数据.\n\n\
        | 项目 | 数值 | 年度 | 评分记录 |\n\
        |---|---:|---|---|\n\
        | 上年三公经费 | 16.00 万元 | 2023 年度 | 第 1 次评分 |\n\
        | 上年公务接待费 | 2.50 万元 | 2023 年度 | 第 1 次评分 |\n\
        \n## 发现问题";
    assert!(md.contains(section), "{md}");
}

#[test]
fn the_terminal_and_html_scorecards_have_the_section() {
    let text = jixiao_report::terminal(&card(), 100);
    let at = text
        .find("取自成绩库的上年数据 (单位未填报, 采用成绩库中该单位上年的数据):")
        .expect("the section");
    let end = text.find("发现问题").unwrap();
    assert!(at < end);
    let rows: Vec<&str> = text[at..end]
        .lines()
        .filter(|l| l.contains("上年三公") || l.contains("上年公务"))
        .collect();
    assert_eq!(rows.len(), 2, "{rows:#?}");
    for (row, cells) in rows.iter().zip([
        ["上年三公经费", "16.00 万元", "2023 年度", "第 1 次评分"],
        ["上年公务接待费", "2.50 万元", "2023 年度", "第 1 次评分"],
    ]) {
        let found: Vec<&str> = row
            .split('┆')
            .map(|c| c.trim_matches(|ch: char| ch.is_whitespace() || ch == '│'))
            .collect();
        assert_eq!(found, cells, "{row}");
    }

    let page = jixiao_report::html::scorecard(&card(), "index.html", None, None);
    assert!(page.contains("<h2>取自成绩库的上年数据</h2>"), "{page}");
    assert!(
        page.contains(
            "<tr><td>上年三公经费</td><td class=\"n\">16.00 万元</td><td>2023 年度</td><td>第 1 次评分</td></tr>"
        ),
        "{page}"
    );
    assert!(page.find("取自成绩库的上年数据").unwrap() < page.find("<h2>发现问题</h2>").unwrap());
}

#[test]
fn the_json_scorecard_carries_the_figures_reads_back_and_without_them_nothing_changes() {
    let json: serde_json::Value = serde_json::from_str(&jixiao_report::json(&card())).unwrap();
    assert_eq!(
        json["history"][0],
        serde_json::json!({
            "field": "base.three_public_last_year",
            "label": "上年三公经费",
            "value": "16",
            "measure": "万元",
            "year": 2023,
            "run": 1,
        })
    );
    assert_eq!(
        json["history"][1]["field"],
        "base.three_public_last_year_parts.receptions"
    );
    let back: Scorecard = serde_json::from_value(json).unwrap();
    assert_eq!(back.history, card().history);
    assert_eq!(back, card());

    let plain = common::sample_card();
    assert!(!jixiao_report::json(&plain).contains("\"history\""));
    assert!(!jixiao_report::markdown(&plain).contains("成绩库"));
    assert!(!jixiao_report::terminal(&plain, 100).contains("成绩库"));
    assert!(!jixiao_report::html::scorecard(&plain, "index.html", None, None).contains("成绩库"));
}
