//! A scorecard with a re-review (复核), as every renderer shows it: the reviewed score beside the
//! system's and the unit's own, the final total and grade beside the system's, and the 复核记录.
//! The review is set by hand here (as `jixiao_review::apply` sets it, tested there): the sample's
//! 预算执行率 12 → 10, so raw 61.4531… − 2 = 59.4531… over 90 points: × 100 / 90 = 66.0590… →
//! 66.06, still 中.

mod common;

use jixiao_engine::{
    DeclaredComparison, Rescale, ReviewChange, ReviewRecord, Scorecard, ScoredIndicator,
};
use rust_decimal_macros::dec;

const RATE: &str = "process.execution.execution_rate";

/// The sample as if the unit had declared 95 (优) and given 预算执行率 12 of its own.
fn declared_card() -> Scorecard {
    let mut card = common::sample_card();
    card.declared = Some(DeclaredComparison {
        total: Some(dec!(95)),
        grade: Some("优".to_owned()),
        // 95 − 68.28.
        gap: Some(dec!(26.72)),
    });
    let mut node = &mut card.indicators[1];
    for i in [0, 1] {
        node = &mut node.children[i];
    }
    assert_eq!(node.id, RATE);
    node.self_score = Some(dec!(12));
    node.self_score_gap = Some(dec!(0));
    card
}

fn reviewed_card() -> Scorecard {
    let mut card = declared_card();
    // Every leaf reviewed, one changed; every group its final leaves summed.
    fn set(nodes: &mut [ScoredIndicator]) {
        for node in nodes {
            set(&mut node.children);
            node.reviewed = Some(if node.children.is_empty() {
                if node.id == RATE {
                    dec!(10)
                } else {
                    node.score
                }
            } else {
                node.children.iter().map(|c| c.reviewed.unwrap()).sum()
            });
        }
    }
    set(&mut card.indicators);
    card.review = Some(ReviewRecord {
        total: dec!(66.06),
        total_exact: dec!(66.059025743193093480214070862),
        grade: Some("中".to_owned()),
        rescaled: Some(Rescale {
            available: dec!(90),
            raw: dec!(59.453123168873784132192663776),
        }),
        // The leaves as shown, 59.45 × 100 / 90 = 66.0555… → 66.06: the total shown.
        shown_sum: None,
        reviewers: vec!["李明".to_owned()],
        changes: vec![ReviewChange {
            indicator: RATE.to_owned(),
            name: "预算执行率".to_owned(),
            points: dec!(12),
            system: dec!(12),
            reviewed: dec!(10),
            reason: "执行进度未达序时要求".to_owned(),
            reviewer: "李明".to_owned(),
            date: Some("2025-03-10".to_owned()),
            at: "复核表.xlsx!复核!F10".to_owned(),
        }],
    });
    card
}

/// The cells of the terminal table's row starting with `name` (after its indent).
fn terminal_row(text: &str, name: &str) -> Vec<String> {
    let line = text
        .lines()
        .find(|l| {
            l.trim_start_matches('│')
                .trim_start_matches([' ', '\u{a0}'])
                .starts_with(name)
        })
        .unwrap_or_else(|| panic!("no row {name} in\n{text}"));
    line.trim_matches('│')
        .split('┆')
        .map(|c| c.trim_matches([' ', '\u{a0}']).to_owned())
        .collect()
}

#[test]
fn the_terminal_shows_the_reviewed_score_beside_the_systems_and_the_final_total() {
    let text = jixiao_report::terminal(&reviewed_card(), 200);
    assert_eq!(
        text.lines().nth(2),
        Some(
            "复核后总分 66.06 / 100  等级 中  (系统总分 68.28 / 100, 等级 中; 自评总分 95.00, 自评等级 优, 差 +26.72)"
        )
    );
    assert_eq!(
        terminal_row(&text, "指标")[..6],
        ["指标", "分值", "系统", "复核", "自评", "差"]
    );
    // The leaf: 分值 12, 系统 12.00, 复核 10.00, 自评 12.00, 差 0.00 (自评 − 系统).
    assert_eq!(
        terminal_row(&text, "预算执行率")[..6],
        ["预算执行率", "12", "12.00", "10.00", "12.00", "0.00"]
    );
    // Its groups: 预算执行 21.95 → 19.95, 过程 39.45 → 37.45.
    assert_eq!(
        terminal_row(&text, "预算执行 ")[..4],
        ["预算执行", "22", "21.95", "19.95"]
    );
    assert_eq!(
        terminal_row(&text, "过程")[..4],
        ["过程", "42", "39.45", "37.45"]
    );
    assert_eq!(
        terminal_row(&text, "合计"),
        [
            "合计",
            "100",
            "68.28",
            "66.06",
            "95.00",
            "+26.72",
            "系统等级 中, 复核后等级 中 (自评等级 优)"
        ]
    );
    assert!(text.contains("复核记录: 复核人 李明; 改动 1 项指标得分\n"));
    assert!(text.contains(
        "复核后不适用指标不计入: 可得分值 90, 原始得分 59.45, 折算 59.45 × 100 / 90 = 66.06\n"
    ));
    let change = text
        .lines()
        .find(|l| l.contains("┆ process.execution.execution_rate"))
        .unwrap();
    let change: Vec<&str> = change.trim_matches('│').split('┆').map(str::trim).collect();
    assert_eq!(
        change,
        [
            "预算执行率",
            "process.execution.execution_rate",
            "12",
            "12.00",
            "10.00",
            "执行进度未达序时要求",
            "李明",
            "2025-03-10",
            "复核表.xlsx!复核!F10"
        ]
    );
}

#[test]
fn markdown_shows_the_review_beside_the_system_and_the_unit() {
    let text = jixiao_report::markdown(&reviewed_card());
    let lines: Vec<&str> = text.lines().collect();
    let at = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line {prefix}"))
    };
    let head = at("- **复核后总分");
    assert_eq!(
        lines[head..head + 3],
        [
            "- **复核后总分 66.06 / 100, 等级 中**",
            "- 系统总分 68.28 / 100, 等级 中",
            "- 自评总分 95.00, 自评等级 优, 差 +26.72",
        ]
    );
    assert!(lines.contains(
        &"| 指标 | 分值 | 系统得分 | 复核得分 | 自评得分 | 差 | 计分规则 | 输入 | 计算 | 扣分原因 |"
    ));
    assert!(
        lines[at("| 　　预算执行率 |")]
            .starts_with("| 　　预算执行率 | 12 | 12.00 | 10.00 | 12.00 | 0.00 | ")
    );
    assert!(lines.contains(&"| **过程** | 42 | 39.45 | 37.45 |  |  |  |  |  |  |"));
    assert!(lines.contains(
        &"| **合计** | 100 | **68.28** | **66.06** | 95.00 | +26.72 | 系统等级 中, 复核后等级 中 (自评等级 优) | | | |"
    ));
    let section = at("## 复核记录");
    assert_eq!(
        lines[section..section + 9],
        [
            "## 复核记录",
            "",
            "复核人 李明; 改动 1 项指标得分。",
            "",
            "复核后不适用指标不计入: 可得分值 90, 原始得分 59.45, 折算 59.45 × 100 / 90 = 66.06",
            "",
            "| 指标 | 指标编号 | 分值 | 系统得分 | 复核得分 | 复核意见 | 复核人 | 日期 | 单元格 |",
            "|---|---|---:|---:|---:|---|---|---|---|",
            "| 预算执行率 | `process.execution.execution_rate` | 12 | 12.00 | 10.00 | 执行进度未达序时要求 | 李明 | 2025-03-10 | `复核表.xlsx!复核!F10` |",
        ]
    );
}

#[test]
fn html_shows_the_review_beside_the_system_and_the_unit() {
    let page = jixiao_report::html::scorecard(&reviewed_card(), "../index.html", None, None);
    assert!(page.contains(
        "复核后总分 <strong>66.06</strong> / 100, 等级 <strong>中</strong> · 系统总分 68.28 / 100, 等级 中 · 自评总分 95.00, 自评等级 优, 差 +26.72"
    ));
    assert!(
        page.contains(
            "<th>分值</th><th>系统得分</th><th>复核得分</th><th>自评得分</th><th>差</th>"
        )
    );
    // 预算执行率: 12 points, system 12.00, reviewed 10.00, its own 12.00.
    assert!(page.contains(
        "<td class=\"n\">12</td><td class=\"n\">12.00</td><td class=\"n\">10.00</td><td class=\"n\">12.00</td>"
    ));
    assert!(page.contains("系统等级 中, 复核后等级 中, 自评等级 优"));
    assert!(page.contains("<h2>复核记录</h2><p>复核人 李明; 改动 1 项指标得分</p>"));
    assert!(page.contains(
        "<td>预算执行率</td><td><code>process.execution.execution_rate</code></td><td class=\"n\">12</td><td class=\"n\">12.00</td><td class=\"n\"><strong>10.00</strong></td><td>执行进度未达序时要求</td><td>李明</td><td>2025-03-10</td><td><code>复核表.xlsx!复核!F10</code></td>"
    ));
}

#[test]
fn a_review_that_changed_nothing_says_so() {
    let mut card = reviewed_card();
    let review = card.review.as_mut().unwrap();
    review.changes.clear();
    review.total = dec!(68.28);
    review.rescaled = None;
    let text = jixiao_report::terminal(&card, 200);
    assert!(text.contains("复核记录: 复核人 李明; 复核未改动任何指标得分\n发现问题"));
    let md = jixiao_report::markdown(&card);
    assert!(md.contains("## 复核记录\n\n复核人 李明; 复核未改动任何指标得分。\n\n## 发现问题"));
}

#[test]
fn json_carries_the_review_and_nothing_of_it_without_one() {
    let json = jixiao_report::json(&reviewed_card());
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["review"]["total"], "66.06");
    assert_eq!(value["review"]["grade"], "中");
    assert_eq!(value["review"]["changes"][0]["at"], "复核表.xlsx!复核!F10");
    // Shown at the rule set's 2 decimals, exact beside.
    assert_eq!(
        value["review"]["total_exact"],
        "66.059025743193093480214070862"
    );
    assert_eq!(value["review"]["changes"][0]["reviewed"], "10.00");
    assert_eq!(value["review"]["changes"][0]["reviewed_exact"], "10");
    assert_eq!(value["indicators"][1]["reviewed"], "37.45");
    assert_eq!(
        value["indicators"][1]["reviewed_exact"],
        "37.453123168873784132192663776"
    );
    let back: Scorecard = serde_json::from_str(&json).unwrap();
    assert_eq!(back, reviewed_card());

    let plain = jixiao_report::json(&declared_card());
    assert!(!plain.contains("review"), "{plain}");
}

#[test]
fn without_a_review_the_scorecards_are_as_before() {
    let card = declared_card();
    let text = jixiao_report::terminal(&card, 200);
    assert_eq!(
        terminal_row(&text, "指标")[..5],
        ["指标", "分值", "复核", "自评", "差"]
    );
    assert!(!text.contains("复核记录") && !text.contains("系统"));
    let md = jixiao_report::markdown(&card);
    assert!(md.contains("- **复核总分 68.28 / 100, 等级 中**\n"));
    assert!(!md.contains("复核记录") && !md.contains("系统"));
    let page = jixiao_report::html::scorecard(&card, "../index.html", None, None);
    assert!(!page.contains("复核记录") && !page.contains("系统得分"));
}
