//! Scorecard JSON: every score, points and total a string with exactly the rule set's
//! `score_decimals`, its exact value beside it under `…_exact`, and read back to the same
//! scorecard. The sample unit under configs/hunan-department.toml (68.28 中).

use std::path::Path;

use jixiao_engine::Scorecard;
use jixiao_model::SelfEvaluation;
use jixiao_rules::RuleSet;

fn card(decimals: &str) -> Scorecard {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let path = root.join("configs/hunan-department.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("score_decimals = 2", decimals, 1);
    let rules = RuleSet::from_toml(&text, &path).unwrap().0;
    let unit =
        SelfEvaluation::load(&root.join("tests/fixtures/units/department/lusong-kexie-2024.toml"))
            .unwrap();
    jixiao_engine::score(&unit, &rules).unwrap()
}

#[test]
fn scores_points_and_totals_are_shown_at_the_rule_sets_decimals_with_the_exact_beside() {
    let card = card("score_decimals = 2");
    let json: serde_json::Value = serde_json::to_value(&card).unwrap();
    assert_eq!(json["rule_set"]["score_decimals"], 2);
    // 100 points, total 68.2812… → 68.28.
    assert_eq!(json["points"], "100.00");
    assert_eq!(json["points_exact"], "100");
    assert_eq!(json["total"], "68.28");
    assert_eq!(json["total_exact"], "68.281247965415315702436293084");
    // Rescaled: 90 available, raw 61.453123… → 61.45.
    assert_eq!(json["rescaled"]["available"], "90.00");
    assert_eq!(json["rescaled"]["raw"], "61.45");
    assert_eq!(
        json["rescaled"]["raw_exact"],
        "61.453123168873784132192663776"
    );
    // 过程 42 points, 39.453123… → 39.45; 资金使用合规性 5 − 2.5 = 2.5 → 2.50.
    let process = &json["indicators"][1];
    assert_eq!(process["points"], "42.00");
    assert_eq!(process["score"], "39.45");
    assert_eq!(process["score_exact"], "39.453123168873784132192663776");
    let funds = &process["children"][2]["children"][0];
    assert_eq!(funds["id"], "process.compliance.funds");
    assert_eq!(funds["score"], "2.50");
    assert_eq!(funds["score_exact"], "2.5");
    // Figures keep their own form: 85.33 万元 as given.
    assert_eq!(
        json["indicators"][0]["children"][0]["children"][0]["detail"]["inputs"][0]["value"],
        "85.33"
    );
}

#[test]
fn one_decimal_is_shown_as_one() {
    // score_decimals = 1: 68.2812… → 68.3, 39.4531… → 39.5, 100 → 100.0.
    let card = card("score_decimals = 1");
    let json: serde_json::Value = serde_json::to_value(&card).unwrap();
    assert_eq!(json["points"], "100.0");
    assert_eq!(json["total"], "68.3");
    assert_eq!(json["indicators"][1]["score"], "39.5");
    assert_eq!(
        json["indicators"][1]["score_exact"],
        "39.453123168873784132192663776"
    );
}

#[test]
fn a_scorecard_written_and_read_back_has_the_same_exact_values() {
    for decimals in ["score_decimals = 2", "score_decimals = 0"] {
        let card = card(decimals);
        let text = serde_json::to_string_pretty(&card).unwrap();
        let back: Scorecard = serde_json::from_str(&text).unwrap();
        assert_eq!(back, card, "{decimals}");
        assert_eq!(back.total_exact, card.total_exact);
        assert_eq!(
            back.indicator("process.execution.budget_completion")
                .unwrap()
                .score,
            card.indicator("process.execution.budget_completion")
                .unwrap()
                .score
        );
        // And written again, the same text.
        assert_eq!(serde_json::to_string_pretty(&back).unwrap(), text);
    }
}
