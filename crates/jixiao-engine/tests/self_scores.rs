//! Each leaf carries the unit's own score beside the recomputed one, on the leaf's points, with
//! the gap; a group sums its children's. The figures are in the fixtures' comments.

use std::path::Path;

use jixiao_engine::{Scorecard, SelfScoreFrom, score};
use jixiao_model::SelfEvaluation;
use jixiao_rules::RuleSet;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn card() -> Scorecard {
    let here = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"));
    let unit = SelfEvaluation::load(&here.join("self-scores.unit.toml")).unwrap();
    let (rules, _) = RuleSet::load(&here.join("self-scores.rules.toml")).unwrap();
    score(&unit, &rules).unwrap()
}

/// (score, self-score, gap) of the node `id`.
fn side_by_side(card: &Scorecard, id: &str) -> (Decimal, Option<Decimal>, Option<Decimal>) {
    let node = card.indicator(id).unwrap_or_else(|| panic!("no {id}"));
    (node.score, node.self_score, node.self_score_gap)
}

#[test]
fn the_execution_rows_score_is_the_self_score_of_the_execution_rate() {
    let card = card();
    assert_eq!(
        side_by_side(&card, "execution"),
        (dec!(9.5), Some(dec!(9)), Some(dec!(-0.5)))
    );
    assert_eq!(card.indicator("execution").unwrap().self_score_from, None);
}

#[test]
fn a_rows_self_score_is_scaled_to_the_points_its_leaf_carries() {
    let card = card();
    assert_eq!(
        side_by_side(&card, "output[1]"),
        (dec!(15), Some(dec!(15)), Some(dec!(0)))
    );
    assert_eq!(
        side_by_side(&card, "output[2]"),
        (dec!(12), Some(dec!(13.5)), Some(dec!(1.5)))
    );
    assert_eq!(
        card.indicator("output[2]").unwrap().self_score_from,
        Some(SelfScoreFrom {
            score: dec!(9),
            points: dec!(10)
        })
    );
    // A named row of 50 points read by a leaf of 60.
    assert_eq!(
        side_by_side(&card, "effect"),
        (dec!(54), Some(dec!(48)), Some(dec!(-6)))
    );
}

#[test]
fn a_group_sums_its_childrens_self_scores() {
    let card = card();
    assert_eq!(
        side_by_side(&card, "output"),
        (dec!(27), Some(dec!(28.5)), Some(dec!(1.5)))
    );
}

#[test]
fn the_identity_and_the_declared_grade_are_on_the_scorecard() {
    let card = card();
    assert_eq!(card.unit.code.as_deref(), Some("DW001"));
    assert_eq!(card.unit.project_code.as_deref(), Some("XM001"));
    assert_eq!(card.unit.supervisor.as_deref(), Some("测试主管部门"));
    assert_eq!(card.unit.region.as_deref(), Some("测试省测试市"));
    // 9.5 + 15 + 12 + 54.
    assert_eq!(card.total, dec!(90.5));
    assert_eq!(card.grade.as_deref(), Some("优"));
    let declared = card.declared.as_ref().unwrap();
    assert_eq!(declared.grade.as_deref(), Some("中"));
    assert_eq!(declared.gap, Some(dec!(-22.5)));
}

/// A plugin that takes 2 points off 完成质量.
struct Deduct;

impl jixiao_engine::RuleExtension for Deduct {
    fn provenance(&self) -> Vec<jixiao_engine::PluginRef> {
        Vec::new()
    }
    fn extend(
        &self,
        _: &SelfEvaluation,
        _: &[jixiao_engine::ScoredIndicator],
    ) -> Vec<jixiao_engine::Contribution> {
        vec![jixiao_engine::Contribution {
            source: "test".into(),
            rule: "deduct".into(),
            outcome: Ok(jixiao_engine::Effects {
                findings: Vec::new(),
                adjustments: vec![jixiao_engine::AdjustmentRequest {
                    indicator: "output[2]".into(),
                    delta: dec!(-2),
                    reason: "test".into(),
                }],
            }),
        }]
    }
}

#[test]
fn the_gap_is_to_the_score_after_plugin_adjustments() {
    let here = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"));
    let unit = SelfEvaluation::load(&here.join("self-scores.unit.toml")).unwrap();
    let (rules, _) = RuleSet::load(&here.join("self-scores.rules.toml")).unwrap();
    let extensions: [&(dyn jixiao_engine::RuleExtension + Sync); 1] = [&Deduct];
    let options = jixiao_engine::Options {
        explain: jixiao_engine::Explain::ScoresOnly,
        extensions: &extensions,
    };
    let card = jixiao_engine::score_with(&unit, &rules, &options).unwrap();
    // 12 − 2 = 10 against the unit's 13.5; the group 25 against 28.5. Scores only: no detail,
    // the self-scores all the same.
    assert_eq!(
        side_by_side(&card, "output[2]"),
        (dec!(10), Some(dec!(13.5)), Some(dec!(3.5)))
    );
    assert_eq!(
        side_by_side(&card, "output"),
        (dec!(25), Some(dec!(28.5)), Some(dec!(3.5)))
    );
    assert!(card.indicator("output[2]").unwrap().detail.is_none());
}
