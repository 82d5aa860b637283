//! A scorecard under a rule set that extends another names both: terminal, Markdown, HTML and
//! JSON; under a rule set of its own, JSON stays as it was (no `extends` key).

mod common;

use common::root;
use jixiao_engine::{ParentRef, Scorecard};
use jixiao_model::SelfEvaluation;
use jixiao_rules::RuleSet;

fn card_under(rules: &str) -> Scorecard {
    let unit = SelfEvaluation::load(
        &root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"),
    )
    .unwrap();
    let (rules, _) = RuleSet::load(&root().join("configs").join(rules)).unwrap();
    jixiao_engine::score(&unit, &rules).unwrap()
}

#[test]
fn the_district_scorecard_names_the_rule_set_and_its_parent() {
    let card = card_under("hunan-department-district.toml");
    assert_eq!(
        card.rule_set.extends,
        Some(ParentRef {
            id: "hunan-department".into(),
            name: "湖南省部门整体支出绩效评价 (区县版)".into(),
            version: "2024.1".into(),
        })
    );
    let terminal = jixiao_report::terminal(&card, 120);
    assert!(
        terminal.contains(
            "规则: 湖南省部门整体支出绩效评价 (区级变体) (hunan-department-district v2024.1), 继承自 湖南省部门整体支出绩效评价 (区县版) (hunan-department v2024.1)\n"
        ),
        "{terminal}"
    );
    let markdown = jixiao_report::markdown(&card);
    assert!(
        markdown.contains(
            "- 规则: 湖南省部门整体支出绩效评价 (区级变体) (`hunan-department-district` v2024.1), 继承自 湖南省部门整体支出绩效评价 (区县版) (`hunan-department` v2024.1)\n"
        ),
        "{markdown}"
    );
    let html = jixiao_report::html::scorecard(&card, "index.html", None, None);
    assert!(
        html.contains(
            "规则 湖南省部门整体支出绩效评价 (区级变体) (<code>hunan-department-district</code> v2024.1), 继承自 湖南省部门整体支出绩效评价 (区县版) (<code>hunan-department</code> v2024.1)"
        ),
        "{html}"
    );
    let json = jixiao_report::json(&card);
    assert!(
        json.contains(
            "\"extends\": {\n      \"id\": \"hunan-department\",\n      \"name\": \"湖南省部门整体支出绩效评价 (区县版)\",\n      \"version\": \"2024.1\"\n    }"
        ),
        "{json}"
    );
    // And it reads back.
    let back: Scorecard = serde_json::from_str(&json).unwrap();
    assert_eq!(back.rule_set, card.rule_set);
}

#[test]
fn a_rule_set_of_its_own_names_no_parent() {
    let card = common::sample_card();
    assert_eq!(card.rule_set.extends, None);
    assert!(!jixiao_report::json(&card).contains("extends"));
    assert!(!jixiao_report::terminal(&card, 120).contains("继承自"));
    assert!(!jixiao_report::markdown(&card).contains("继承自"));
}
