//! A re-review's final total is summed and graded by the rule set's `[totals]`, through the
//! engine's one totalling. The sample unit under configs/hunan-department.toml, reviewed as in
//! docs/round.md: 预算控制率 2 → 3, 三公经费变动率 0 → 4 (+5 points).

use std::path::Path;

use jixiao_engine::ShownSum;
use jixiao_model::{EvaluationKind, SelfEvaluation};
use jixiao_review::apply::apply;
use jixiao_review::{CellRef, ReviewedScore, UnitKey};
use jixiao_rules::{RuleSet, ValidRuleSet};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn rules(extra: &str) -> ValidRuleSet {
    let path = root().join("configs/hunan-department.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    RuleSet::from_toml(&format!("{text}\n{extra}\n"), &path)
        .unwrap()
        .0
}

fn reviewed(indicator: &str, score: Decimal, cell: &str) -> ReviewedScore {
    ReviewedScore {
        unit: UnitKey {
            name: "株洲市芦淞区科学技术协会".to_owned(),
            code: None,
            project: None,
            project_code: None,
            year: 2024,
            kind: EvaluationKind::Department,
        },
        indicator: indicator.to_owned(),
        score,
        reason: Some("复核调整".to_owned()),
        reviewer: "李明".to_owned(),
        date: None,
        at: CellRef {
            workbook: "复核表.xlsx".to_owned(),
            sheet: "复核".to_owned(),
            cell: cell.to_owned(),
        },
    }
}

fn review(extra: &str) -> jixiao_engine::ReviewRecord {
    let rules = rules(extra);
    let unit = SelfEvaluation::load(
        &root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"),
    )
    .unwrap();
    let card = jixiao_engine::score(&unit, &rules).unwrap();
    let scores = [
        reviewed("input.planning.budget_control", dec!(3), "F6"),
        reviewed("input.cost.three_public_change", dec!(4), "F8"),
    ];
    let scores: Vec<&ReviewedScore> = scores.iter().collect();
    apply(&card, &rules, &scores).unwrap().review.unwrap()
}

#[test]
fn the_final_total_follows_the_rule_sets_sum() {
    // sum = "exact": (61.453123… + 5) × 100 / 90 = 73.8368… → 73.84; the leaves as shown,
    // 61.45 + 5 = 66.45, × 100 / 90 = 73.8333… → 73.83: the note's figures.
    let exact = review("");
    assert_eq!(exact.total, dec!(73.84));
    assert_eq!(
        exact.shown_sum,
        Some(ShownSum {
            leaves: dec!(66.45),
            total: dec!(73.83)
        })
    );
    // sum = "shown": 66.45 × 100 / 90 = 73.8333… → 73.83, and nothing to note.
    let shown = review("[totals]\nsum = \"shown\"");
    assert_eq!(shown.rescaled.as_ref().unwrap().raw, dec!(66.45));
    assert_eq!(shown.total, dec!(73.83));
    assert_eq!(shown.shown_sum, None);
    assert_eq!(shown.grade.as_deref(), Some("中"));
}
