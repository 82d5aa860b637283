//! `totals`, the one totalling the engine scores with (and a re-review re-totals with), on the
//! sample unit (tests/fixtures/units/department/lusong-kexie-2024.toml) under
//! configs/hunan-department.toml: raw 61.453123168873784132192663776 over 100 − 10 = 90 points
//! (完成及时率 and 质量达标率, 5 each, dropped), × 100 / 90 = 68.2812… → 68.28, 中.

use std::path::Path;

use jixiao_engine::{Scorecard, ScoredIndicator, Status, Totals, totals};
use jixiao_model::SelfEvaluation;
use jixiao_rules::{RuleSet, ValidRuleSet};
use rust_decimal_macros::dec;

fn sample() -> (Scorecard, ValidRuleSet) {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let unit =
        SelfEvaluation::load(&root.join("tests/fixtures/units/department/lusong-kexie-2024.toml"))
            .unwrap();
    let (rules, _) = RuleSet::load(&root.join("configs/hunan-department.toml")).unwrap();
    (jixiao_engine::score(&unit, &rules).unwrap(), rules)
}

fn find<'a>(nodes: &'a mut [ScoredIndicator], id: &str) -> &'a mut ScoredIndicator {
    fn walk<'a>(nodes: &'a mut [ScoredIndicator], id: &str) -> Option<&'a mut ScoredIndicator> {
        for node in nodes {
            if node.id == id {
                return Some(node);
            }
            if let Some(found) = walk(&mut node.children, id) {
                return Some(found);
            }
        }
        None
    }
    walk(nodes, id).unwrap()
}

fn each_leaf(nodes: &mut [ScoredIndicator], f: &mut impl FnMut(&mut ScoredIndicator)) {
    for node in nodes {
        if node.children.is_empty() {
            f(node);
        } else {
            each_leaf(&mut node.children, f);
        }
    }
}

#[test]
fn the_scorecards_total_is_its_trees_totals() {
    let (card, rules) = sample();
    let mut tree = card.indicators.clone();
    let t = totals(&mut tree, &rules).unwrap();
    assert_eq!(
        t,
        Totals {
            total_exact: card.total_exact,
            total: dec!(68.28),
            rescaled: card.rescaled.clone(),
            grade: Some("中".to_owned()),
            // 61.45 (the leaves as shown) × 100 / 90 = 68.277… → 68.28, as shown: no note.
            shown_sum: None,
        }
    );
    // The tree is left as it was.
    assert_eq!(tree, card.indicators);
}

#[test]
fn a_leaf_moved_is_summed_into_its_groups_and_the_rescaled_total() {
    let (card, rules) = sample();
    let mut tree = card.indicators.clone();
    find(&mut tree, "process.execution.execution_rate").score = dec!(10);
    let t = totals(&mut tree, &rules).unwrap();
    // 预算执行 4.9531… + 10 + 5; 过程 19.9531… + 10 + 7.5.
    assert_eq!(
        find(&mut tree, "process.execution").score,
        dec!(19.953123168873784132192663776)
    );
    assert_eq!(
        find(&mut tree, "process").score,
        dec!(37.453123168873784132192663776)
    );
    // (61.4531… − 2) × 100 / 90 = 66.0590… → 66.06, 中.
    let rescale = t.rescaled.unwrap();
    assert_eq!(rescale.raw, dec!(59.453123168873784132192663776));
    assert_eq!(rescale.available, dec!(90));
    assert_eq!(t.total, dec!(66.06));
    assert_eq!(t.total_exact.round_dp(10), dec!(66.0590257432));
    assert_eq!(t.grade.as_deref(), Some("中"));
}

#[test]
fn without_dropped_leaves_the_total_is_the_raw_sum() {
    let (card, rules) = sample();
    let mut tree = card.indicators.clone();
    each_leaf(&mut tree, &mut |leaf| {
        if leaf.status == Status::Dropped {
            leaf.status = Status::Missing;
        }
    });
    let t = totals(&mut tree, &rules).unwrap();
    // 61.4531… counted out of 100: 61.45, 中.
    assert_eq!(t.rescaled, None);
    assert_eq!(t.total_exact, dec!(61.453123168873784132192663776));
    assert_eq!(t.total, dec!(61.45));
    assert_eq!(t.grade.as_deref(), Some("中"));
}

#[test]
fn with_every_leaf_dropped_the_total_is_zero() {
    let (card, rules) = sample();
    let mut tree = card.indicators.clone();
    each_leaf(&mut tree, &mut |leaf| {
        leaf.status = Status::Dropped;
        leaf.score = dec!(0);
    });
    let t = totals(&mut tree, &rules).unwrap();
    assert_eq!(t.total, dec!(0));
    assert_eq!(t.rescaled.unwrap().available, dec!(0));
    assert_eq!(t.grade.as_deref(), Some("差"));
}
