//! `[totals]`: what the total sums (`sum = "exact" | "shown"`) and which total is graded
//! (`grade_on = "shown" | "exact"`), through `totals` (the engine's and a re-review's one
//! totalling) and through `score` (the declared grade graded the same way).
//!
//! The sample unit (tests/fixtures/units/department/lusong-kexie-2024.toml) under
//! configs/hunan-department.toml: leaves as shown 2 + 5 | 0 | 4.95 + 12 + 5 | 5 + 5 | 2.5 + 5 |
//! 15 | 0 + 0 (dropped, 10 points) | 0 + 0; exact raw 61.453123168873784132192663776 (预算完成率
//! 4.953123…), over 100 − 10 = 90 points.

use std::path::Path;

use jixiao_engine::{ScoredIndicator, ShownSum, Status, totals};
use jixiao_model::{CheckedUnit, Declared, SelfEvaluation};
use jixiao_rules::{RuleSet, ValidRuleSet};
use rust_decimal_macros::dec;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn sample_unit() -> CheckedUnit {
    SelfEvaluation::load(&root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"))
        .unwrap()
}

/// configs/hunan-department.toml with `extra` (a `[totals]` table) appended.
fn rules(extra: &str) -> ValidRuleSet {
    let path = root().join("configs/hunan-department.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    RuleSet::from_toml(&format!("{text}\n{extra}\n"), &path)
        .unwrap()
        .0
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

/// The sample with 三公经费 100 → 103.75 万元: +3.75 %, 8 − 3.75 × 0.8 = 5 points on
/// 三公经费变动率 (0 in the sample, for want of figures). One leaf moved by 5.
fn sample_with_three_public() -> CheckedUnit {
    let mut unit = sample_unit().into_inner();
    unit.base.three_public = Some(dec!(103.75));
    unit.base.three_public_last_year = Some(dec!(100));
    unit.check().unwrap()
}

#[test]
fn the_default_policy_is_exact_sums_graded_as_shown() {
    let defaults = rules("");
    assert_eq!(defaults.totals, jixiao_rules::TotalsPolicy::default());
    assert_eq!(defaults.totals.sum, jixiao_rules::SumOf::Exact);
    assert_eq!(defaults.totals.grade_on, jixiao_rules::GradeOn::Shown);
    // Written out, the defaults score exactly as without the table.
    let explicit = rules("[totals]\nsum = \"exact\"\ngrade_on = \"shown\"");
    let unit = sample_with_three_public();
    assert_eq!(
        jixiao_engine::score(&unit, &defaults).unwrap(),
        jixiao_engine::score(&unit, &explicit).unwrap()
    );
}

#[test]
fn exact_sums_say_where_the_shown_leaves_add_up_to_another_total() {
    let card = jixiao_engine::score(&sample_with_three_public(), &rules("")).unwrap();
    assert_eq!(
        card.indicator("input.cost.three_public_change")
            .unwrap()
            .score,
        dec!(5)
    );
    // Exact: (61.453123… + 5) × 100 / 90 = 66.453123… × 100 / 90 = 73.836803… → 73.84, 中.
    assert_eq!(
        card.rescaled.as_ref().unwrap().raw,
        dec!(66.453123168873784132192663776)
    );
    assert_eq!(card.total, dec!(73.84));
    assert_eq!(card.total_exact.round_dp(6), dec!(73.836804));
    assert_eq!(card.grade.as_deref(), Some("中"));
    // The leaves as shown: 61.45 + 5 = 66.45; 66.45 × 100 / 90 = 73.8333… → 73.83 ≠ 73.84.
    let note = ShownSum {
        leaves: dec!(66.45),
        total: dec!(73.83),
    };
    assert_eq!(card.shown_sum, Some(note));
    assert_eq!(
        note.note(card.total, 2, true),
        "各项得分四舍五入显示, 合计按未舍入的得分计算, 故各项之和 66.45 折算后为 73.83, 与总分 73.84 相差 0.01"
    );
    // The sample itself: 61.45 × 100 / 90 = 68.2777… → 68.28, the total shown: no note.
    let sample = jixiao_engine::score(&sample_unit(), &rules("")).unwrap();
    assert_eq!(sample.total, dec!(68.28));
    assert_eq!(sample.shown_sum, None);
}

#[test]
fn shown_sums_add_the_leaves_as_shown_into_groups_and_the_total() {
    let card = jixiao_engine::score(
        &sample_with_three_public(),
        &rules("[totals]\nsum = \"shown\""),
    )
    .unwrap();
    // Leaves keep their exact scores.
    let completion = card
        .indicator("process.execution.budget_completion")
        .unwrap();
    assert_eq!(completion.score, dec!(4.953123168873784132192663776));
    // Groups are the sums of their children as shown: 预算执行 4.95 + 12 + 5 = 21.95;
    // 过程 21.95 + 10 + 7.5 = 39.45; 投入 (2 + 5) + 5 = 12.
    assert_eq!(
        card.indicator("process.execution").unwrap().score,
        dec!(21.95)
    );
    assert_eq!(card.indicator("process").unwrap().score, dec!(39.45));
    assert_eq!(card.indicator("input").unwrap().score, dec!(12));
    // Raw 12 + 39.45 + 15 + 0 = 66.45; 66.45 × 100 / 90 = 73.8333… → 73.83, 中.
    let rescaled = card.rescaled.as_ref().unwrap();
    assert_eq!(rescaled.raw, dec!(66.45));
    assert_eq!(rescaled.available, dec!(90));
    assert_eq!(card.total, dec!(73.83));
    assert_eq!(card.total_exact.round_dp(6), dec!(73.833333));
    assert_eq!(card.grade.as_deref(), Some("中"));
    // The shown leaves make the total: nothing to say.
    assert_eq!(card.shown_sum, None);
}

/// The sample's tree without its dropped leaves and with scores set so that the exact total is
/// 89.995: 预算完成率 4.995, 三公经费变动率 8, 社会效益 10, 服务对象满意度 5, 完成及时率 5 and
/// 质量达标率 0.5 (both counted, not dropped): 61.453123… − 4.953123… + 4.995 + 8 + 10 + 5 +
/// 5 + 0.5 = 89.995 out of 100.
fn tree_at_89_995() -> Vec<ScoredIndicator> {
    let card = jixiao_engine::score(&sample_unit(), &rules("")).unwrap();
    let mut tree = card.indicators;
    for (id, score) in [
        ("process.execution.budget_completion", dec!(4.995)),
        ("input.cost.three_public_change", dec!(8)),
        ("effect.benefits", dec!(10)),
        ("effect.satisfaction", dec!(5)),
        ("output.timeliness", dec!(5)),
        ("output.quality", dec!(0.5)),
    ] {
        let leaf = find(&mut tree, id);
        leaf.score = score;
        leaf.status = Status::Scored;
    }
    tree
}

#[test]
fn grading_on_the_exact_total_grades_89_995_as_liang() {
    let grade = |extra: &str| {
        let mut tree = tree_at_89_995();
        let t = totals(&mut tree, &rules(extra)).unwrap();
        (t.total_exact, t.total, t.grade.unwrap())
    };
    // Exact sum 89.995, shown 90.00 (half away from zero).
    // grade_on = "shown": 90.00 is in [90, 100]: 优.
    assert_eq!(grade(""), (dec!(89.995), dec!(90.00), "优".to_owned()));
    // grade_on = "exact": 89.995 is in [80, 90): 良, though the total shows 90.00.
    assert_eq!(
        grade("[totals]\ngrade_on = \"exact\""),
        (dec!(89.995), dec!(90.00), "良".to_owned())
    );
    // sum = "shown": 4.995 shows as 5.00, the leaves add up to 90.00 exactly: 优 either way.
    for extra in [
        "[totals]\nsum = \"shown\"",
        "[totals]\nsum = \"shown\"\ngrade_on = \"exact\"",
    ] {
        assert_eq!(grade(extra), (dec!(90.00), dec!(90.00), "优".to_owned()));
    }
}

#[test]
fn the_declared_grade_is_graded_as_the_total_is() {
    // The unit declares 89.995 and 良.
    let mut unit = sample_unit().into_inner();
    unit.declared = Some(Declared {
        total: Some(dec!(89.995)),
        grade: Some("良".to_owned()),
    });
    let unit = unit.check().unwrap();
    let declared_grade = |extra: &str| -> Vec<String> {
        jixiao_engine::score(&unit, &rules(extra))
            .unwrap()
            .findings
            .into_iter()
            .filter(|f| f.rule.to_string() == "declared_grade")
            .map(|f| f.message)
            .collect()
    };
    // Graded as shown, 89.995 → 90.00 is 优: 良 does not match.
    assert_eq!(
        declared_grade(""),
        ["自评等级「良」与自评总分 90.00 不符: 按本规则应为「优」"]
    );
    // Graded exact, 89.995 is 良: it matches.
    assert!(declared_grade("[totals]\ngrade_on = \"exact\"").is_empty());
}

#[test]
fn unknown_totals_keys_and_choices_are_refused() {
    let path = root().join("configs/hunan-department.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    for (extra, key) in [
        ("[totals]\nsum = \"rounded\"", "totals.sum"),
        ("[totals]\ngrade = \"exact\"", "totals.grade"),
    ] {
        let Err(jixiao_rules::LoadError::Invalid(errors)) =
            RuleSet::from_toml(&format!("{text}\n{extra}\n"), &path)
        else {
            panic!("{extra} is refused");
        };
        assert_eq!(errors[0].key, key, "{extra}: {}", errors[0]);
    }
}

#[test]
fn decimals_round_the_shown_leaves_of_a_shown_sum() {
    // score_decimals = 1 under sum = "shown": the moved sample's leaves at one place, 4.953… →
    // 5.0: 2 + 5 + 5 + 5.0 + 12 + 5 + 5 + 5 + 2.5 + 5 + 15 = 66.5; × 100 / 90 = 73.888… → 73.9.
    let path = root().join("configs/hunan-department.toml");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "score_decimals = 2",
        "score_decimals = 1",
        1,
    );
    assert!(
        text.contains("score_decimals = 1"),
        "the rule set names its decimals"
    );
    let rules = RuleSet::from_toml(&format!("{text}\n[totals]\nsum = \"shown\"\n"), &path)
        .unwrap()
        .0;
    let card = jixiao_engine::score(&sample_with_three_public(), &rules).unwrap();
    assert_eq!(card.rescaled.as_ref().unwrap().raw, dec!(66.5));
    assert_eq!(card.total, dec!(73.9));
    assert_eq!(card.total_exact.round_dp(4), dec!(73.8889));
}

#[test]
fn under_shown_sums_a_groups_self_score_gap_is_against_its_shown_score() {
    // tests/fixtures/units/project/synthetic-inflated-2024.toml under configs/national-project.toml:
    // every node's gap is its self-score minus its score as summed, groups included.
    fn check(nodes: &[ScoredIndicator], groups: &mut usize) {
        for node in nodes {
            if let (Some(own), Some(gap)) = (node.self_score, node.self_score_gap) {
                assert_eq!(gap, own - node.score, "{}", node.id);
                if !node.children.is_empty() {
                    *groups += 1;
                    // A group's score is the sum of its children's as shown.
                    let shown: rust_decimal::Decimal =
                        node.children.iter().map(|c| c.score.round_dp(2)).sum();
                    assert_eq!(node.score, shown, "{}", node.id);
                }
            }
            check(&node.children, groups);
        }
    }
    let path = root().join("configs/national-project.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let rules = RuleSet::from_toml(&format!("{text}\n[totals]\nsum = \"shown\"\n"), &path)
        .unwrap()
        .0;
    let unit = SelfEvaluation::load(
        &root().join("tests/fixtures/units/project/synthetic-inflated-2024.toml"),
    )
    .unwrap();
    let card = jixiao_engine::score(&unit, &rules).unwrap();
    let mut groups = 0;
    check(&card.indicators, &mut groups);
    assert!(groups > 0, "the unit gives self-scores to groups");
}
