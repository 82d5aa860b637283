//! The synthetic population: deterministic, valid, and flagged at the planted rates.

use std::path::Path;

use jixiao_engine::RuleId;
use jixiao_engine::Severity;
use jixiao_model::{EvaluationKind, SelfEvaluation};
use jixiao_rules::{CheckId, RuleSet, ValidRuleSet};
use jixiao_synth::{Population, rates};

fn rules(name: &str) -> ValidRuleSet {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../configs")
        .join(name);
    RuleSet::load(&path).unwrap().0
}

#[test]
fn the_same_seed_gives_the_same_units_and_another_seed_others() {
    let a: Vec<_> = Population::new(7).units(50).collect();
    let b: Vec<_> = Population::new(7).units(50).collect();
    let c: Vec<_> = Population::new(8).units(50).collect();
    assert_eq!(a, b);
    assert_ne!(a, c);
    // Unit i does not depend on the units before it.
    assert_eq!(Population::new(7).unit(42), a[42]);
}

#[test]
fn units_survive_both_file_formats() {
    for unit in Population::new(1).units(40) {
        let toml = unit.to_toml();
        let again = SelfEvaluation::from_toml(&toml, Path::new("u.toml")).unwrap();
        assert_eq!(again, unit);
    }
}

#[test]
fn faults_are_flagged_at_about_the_planted_rates() {
    let department = rules("hunan-department.toml");
    let project = rules("national-project.toml");
    let n = 2000u64;
    let population = Population::new(2024);
    let (mut projects, mut empty, mut funds_flagged, mut hard_units) = (0u64, 0u64, 0u64, 0u64);
    for unit in population.units(n) {
        let rules = match unit.unit.kind {
            EvaluationKind::Department => &department,
            EvaluationKind::Project => {
                projects += 1;
                &project
            }
        };
        let card = jixiao_engine::score(&unit, rules).unwrap();
        assert!(card.total >= 0.into() && card.total <= 100.into());
        empty += u64::from(
            card.findings
                .iter()
                .any(|f| f.rule == RuleId::Check(CheckId::EmptyNarrative)),
        );
        funds_flagged += u64::from(
            card.findings
                .iter()
                .any(|f| f.rule == RuleId::Check(CheckId::FundReconciliation)),
        );
        hard_units += u64::from(card.count(Severity::Hard) > 0);
    }
    // Per mille of the population.
    let share = |k: u64| i64::try_from(k * 1000 / n).unwrap();
    let near = |k: u64, rate: u32| (share(k) - i64::from(rate)).abs() < 50;
    // Bounds wide enough for sampling noise at n = 2000, narrow enough to catch a broken rate.
    assert!(near(projects, rates::PROJECT), "projects {projects}");
    assert!(near(empty, rates::EMPTY_PROBLEMS), "empty problems {empty}");
    assert!(
        funds_flagged > 0 && share(funds_flagged) < 200,
        "funds {funds_flagged}"
    );
    assert!((100..900).contains(&share(hard_units)), "hard {hard_units}");
}

#[test]
fn scores_only_gives_the_same_scores_and_findings_without_the_text() {
    let department = rules("hunan-department.toml");
    let project = rules("national-project.toml");
    for unit in Population::new(99).units(300) {
        let rules = if unit.unit.kind == EvaluationKind::Project {
            &project
        } else {
            &department
        };
        let full = jixiao_engine::score(&unit, rules).unwrap();
        let bare = jixiao_engine::score_with(
            &unit,
            rules,
            &jixiao_engine::Options {
                explain: jixiao_engine::Explain::ScoresOnly,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(bare.total_exact, full.total_exact);
        assert_eq!(bare.grade, full.grade);
        assert_eq!(bare.findings, full.findings);
        let scores = |c: &jixiao_engine::Scorecard| -> Vec<_> {
            c.leaves()
                .iter()
                .map(|(_, l)| (l.id.clone(), l.score, l.status))
                .collect()
        };
        assert_eq!(scores(&bare), scores(&full));
        assert!(bare.leaves().iter().all(|(_, l)| l.detail.is_none()));
    }
}
