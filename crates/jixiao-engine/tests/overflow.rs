//! No figure inside the unit bounds (0, or 10⁻⁶ to 10¹² in magnitude) overflows the engine under
//! a rule set that passes `check`, with every method at the extremes of its parameters' ranges
//! (`jixiao_rules::limits`); and what goes past a decimal's range anyway (an extension's
//! adjustment) is an error finding, never a panic.

use std::path::Path;

use jixiao_engine::{
    Contribution, Effects, EngineRule, Explain, Options, PluginRef, RuleExtension, RuleId,
    Scorecard, ScoredIndicator, Severity, score_with,
};
use jixiao_model::{Buildings, CheckedUnit, SelfEvaluation, Tasks};
use jixiao_rules::{RuleSet, ValidRuleSet};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn fixture(path: &str) -> SelfEvaluation {
    SelfEvaluation::load(&root().join(path))
        .unwrap()
        .into_inner()
}

/// The extremes of a figure: 0, the smallest and the largest magnitude, and each with as many
/// digits as a decimal holds.
const EXTREMES: [Decimal; 5] = [
    Decimal::ZERO,
    dec!(0.000001),
    dec!(1_000_000_000_000),
    dec!(0.0000010000000000000000000001),
    dec!(999_999_999_999.99999999999999),
];

/// Variant `k` of `unit`: every figure set to one of the extremes, field `j` to extreme
/// `(j × (k / 5 + 1) + k) mod 5`, so the variants put large over small in every combination the
/// methods meet (numerator high and denominator low, and back).
fn extreme(mut unit: SelfEvaluation, k: usize) -> CheckedUnit {
    let mut j = 0;
    let mut next = || {
        j += 1;
        EXTREMES[(j * (k / 5 + 1) + k) % 5]
    };
    let b = &mut unit.budget;
    for field in [
        &mut b.opening,
        &mut b.full_year,
        &mut b.income,
        &mut b.basic,
        &mut b.personnel,
        &mut b.public,
        &mut b.project,
    ] {
        *field = Some(next());
    }
    b.spent = next();
    let base = &mut unit.base;
    for field in [
        &mut base.three_public,
        &mut base.three_public_last_year,
        &mut base.three_public_budget,
        &mut base.public_budget,
        &mut base.procurement_budget,
        &mut base.procurement_actual,
        &mut base.key_project_spending,
        &mut base.carried_in,
        &mut base.carried_over_last_year,
    ] {
        *field = Some(next());
    }
    // Every other variant sums the carry-over over the funds.
    base.carried_over = k.is_multiple_of(2).then(&mut next);
    base.buildings = Some(Buildings {
        planned_area: next(),
        actual_area: next(),
        planned_investment: next(),
        actual_investment: next(),
    });
    let count = if k.is_multiple_of(2) { u32::MAX } else { 1 };
    base.tasks = Some(Tasks {
        planned: if k.is_multiple_of(3) { 1 } else { count },
        completed: count,
        on_time: count,
        up_to_standard: count,
    });
    for fund in &mut unit.funds {
        fund.opening = next();
        fund.change = next();
        fund.spent = next();
        fund.carried_over = next();
    }
    for row in &mut unit.indicators {
        row.target = Some(next());
        row.actual = Some(next());
        // Every fourth variant keeps the rows' own points, whose shares of a leaf's points have
        // many digits (50 × 20 / 45).
        if k % 4 != 1 {
            row.points = next();
            row.self_score = Some(next());
        }
    }
    if let Some(declared) = &mut unit.declared {
        declared.total = Some(next());
    }
    // 追加 given in every other variant, else derived from 全年 − 年初 + 调减.
    unit.budget.increase = k.is_multiple_of(2).then(&mut next);
    unit.budget.decrease = Some(next());
    unit.check().expect("every figure is within bounds")
}

/// Every metric a leaf can take.
const METRICS: [&str; 18] = [
    "execution_rate",
    "budget_completion_rate",
    "budget_completion_ratio",
    "budget_adjustment_rate",
    "budget_increase_rate",
    "staffing_control_rate",
    "carry_over_rate",
    "carry_over_change_rate",
    "three_public_change_rate",
    "three_public_control_rate",
    "public_funds_control_rate",
    "key_spending_rate",
    "procurement_execution_rate",
    "building_area_control_rate",
    "building_investment_control_rate",
    "completion_rate",
    "timeliness_rate",
    "quality_rate",
];

/// Every method at the extremes of its parameters, on the inputs it takes.
fn leaves() -> Vec<(String, String)> {
    let over = "over_achievement = { threshold = 1, slope = 100, floor = 0, waived_by_explanation = false }";
    let mut metric_methods = Vec::new();
    for target in ["0.000001", "1000000000000"] {
        metric_methods.push(format!(
            "{{ kind = \"higher_is_better\", target = {target}, {over} }}"
        ));
        for above in ["linear", "ratio"] {
            metric_methods.push(format!(
                "{{ kind = \"lower_is_better\", target = {target}, above = \"{above}\" }}"
            ));
        }
        metric_methods.push(format!("{{ kind = \"equal\", target = {target} }}"));
    }
    metric_methods.push("{ kind = \"equal\", target = 0 }".into());
    for rounding in ["exact", "whole_points", "down", "half_up"] {
        metric_methods.push(format!(
            "{{ kind = \"budget_execution\", rounding = \"{rounding}\" }}"
        ));
    }
    for beyond in ["above", "below"] {
        for limit in ["0", "1000000000000"] {
            for deduction in ["0.000001", "1000000"] {
                for count in ["exact", "started", "completed"] {
                    metric_methods.push(format!(
                        "{{ kind = \"step_deduction\", limit = {limit}, beyond = \"{beyond}\", \
                         per = 0.000001, deduction = {deduction}, count = \"{count}\" }}"
                    ));
                }
            }
        }
    }
    metric_methods.push(
        "{ kind = \"bands\", bands = [{ max = 0, points = 1000000 }, { min = 0, min_open = true, points = 0.000001 }] }"
            .into(),
    );
    let mut leaves = Vec::new();
    for metric in METRICS {
        for method in &metric_methods {
            leaves.push((format!("{{ metric = \"{metric}\" }}"), method.clone()));
        }
    }
    // Step deductions and bands over a reported rate (预算执行率, in %) and a plain number (场).
    for row in ["预算执行率", "举办全民健身赛事"] {
        for method in metric_methods
            .iter()
            .filter(|m| m.contains("step_deduction") || m.contains("bands"))
        {
            leaves.push((format!("{{ row = \"{row}\" }}"), method.clone()));
        }
    }
    let tiers = "tiers = { partly = 0.000001, achieved = 1 }";
    let row_methods = [
        format!("{{ kind = \"by_direction\", above = \"linear\", {over}, {tiers} }}"),
        format!("{{ kind = \"by_direction\", above = \"ratio\", {over} }}"),
        format!("{{ kind = \"higher_is_better\", {over} }}"),
        "{ kind = \"lower_is_better\", above = \"linear\" }".into(),
        "{ kind = \"equal\" }".into(),
        format!("{{ kind = \"tiers\", {tiers} }}"),
        format!("{{ kind = \"tiers\", {tiers}, outside_tier = \"keep\" }}"),
        format!("{{ kind = \"by_direction\", {tiers}, outside_tier = \"zero\" }}"),
    ];
    for share in ["declared", "equal"] {
        for level1 in ["产出指标", "效益指标"] {
            for method in &row_methods {
                leaves.push((
                    format!("{{ rows = {{ level1 = \"{level1}\", share = \"{share}\" }} }}"),
                    method.clone(),
                ));
            }
        }
    }
    for mode in ["award", "deduct"] {
        leaves.push((
            "\"facts\"".into(),
            format!(
                "{{ kind = \"checklist\", mode = \"{mode}\", per_item = 1000000, items = [\
                 {{ fact = \"funds_reconcile\", label = \"a\" }}, {{ fact = \"totals_agree\", label = \"b\" }}] }}"
            ),
        ));
    }
    leaves
}

/// A rule set of one leaf at the most points, scoring `applies_to` units.
fn one_leaf(applies_to: &str, input: &str, method: &str) -> ValidRuleSet {
    let text = format!(
        r#"
id = "extremes"
name = "极值"
version = "1"
year = 2024
applies_to = "{applies_to}"
total = 1000000
tolerances = {{ score = 0, amount = 0 }}

[[grades]]
name = "优"
min = 0
max = 1000000

[[indicators]]
id = "leaf"
name = "极值指标"
points = 1000000
input = {input}
method = {method}
"#
    );
    RuleSet::from_toml(&text, Path::new("extremes.toml"))
        .unwrap_or_else(|e| panic!("{method} on {input} passes check: {e}"))
        .0
}

fn assert_no_overflow(card: &Scorecard, what: &str) {
    let errors: Vec<_> = card
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:?}");
    assert!(
        card.total <= card.points && card.total >= Decimal::ZERO,
        "{what}"
    );
}

fn score_all(unit: &CheckedUnit, rules: &ValidRuleSet, what: &str) {
    for explain in [Explain::Full, Explain::ScoresOnly] {
        let options = Options {
            explain,
            extensions: &[],
        };
        let card = score_with(unit, rules, &options).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_no_overflow(&card, what);
    }
}

const VARIANTS: usize = 20;

#[test]
fn every_method_at_its_parameters_extremes_scores_figures_at_the_bounds_without_overflow() {
    let project = fixture("tests/fixtures/units/project/synthetic-inflated-2024.toml");
    let department = fixture("tests/fixtures/units/department/lusong-kexie-2024.toml");
    let units: Vec<(&str, CheckedUnit)> = (0..VARIANTS)
        .flat_map(|k| {
            [
                ("project", extreme(project.clone(), k)),
                ("department", extreme(department.clone(), k)),
            ]
        })
        .collect();
    let mut scored = 0;
    for (input, method) in leaves() {
        let by_kind = [
            ("project", one_leaf("project", &input, &method)),
            ("department", one_leaf("department", &input, &method)),
        ];
        for (k, (kind, unit)) in units.iter().enumerate() {
            let rules = &by_kind.iter().find(|(x, _)| x == kind).unwrap().1;
            score_all(
                unit,
                rules,
                &format!("{method} on {input}, unit variant {k}"),
            );
            scored += 1;
        }
    }
    assert!(scored > 4000, "{scored}");
}

#[test]
fn the_shipped_rule_sets_score_figures_at_the_bounds_without_overflow() {
    for (config, unit) in [
        (
            "national-project.toml",
            "tests/fixtures/units/project/synthetic-clean-2024.toml",
        ),
        (
            "national-project.toml",
            "tests/fixtures/units/project/synthetic-inflated-2024.toml",
        ),
        (
            "hunan-department.toml",
            "tests/fixtures/units/department/lusong-kexie-2024.toml",
        ),
    ] {
        let (rules, _) = RuleSet::load(&root().join("configs").join(config)).unwrap();
        for k in 0..VARIANTS {
            let unit = extreme(fixture(unit), k);
            score_all(&unit, &rules, &format!("{config}, {k}"));
        }
    }
}

/// An extension asking for an adjustment past a decimal's range.
struct Huge;

impl RuleExtension for Huge {
    fn provenance(&self) -> Vec<PluginRef> {
        Vec::new()
    }
    fn extend(&self, _: &SelfEvaluation, _: &[ScoredIndicator]) -> Vec<Contribution> {
        vec![Contribution {
            source: "huge".into(),
            rule: "r".into(),
            outcome: Ok(Effects {
                findings: Vec::new(),
                adjustments: vec![jixiao_engine::AdjustmentRequest {
                    indicator: "process.budget_execution".into(),
                    delta: Decimal::MAX,
                    reason: "test".into(),
                }],
            }),
        }]
    }
}

#[test]
fn an_adjustment_past_the_range_of_a_decimal_is_an_error_finding() {
    let unit = SelfEvaluation::load(
        &root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"),
    )
    .unwrap();
    let (rules, _) = RuleSet::load(&root().join("configs/hunan-department.toml")).unwrap();
    let leaf = rules
        .indicators
        .iter()
        .flat_map(|i| i.children.iter().chain(std::iter::once(i)))
        .find(|i| i.is_leaf())
        .unwrap()
        .id
        .clone();
    struct Named(String);
    impl RuleExtension for Named {
        fn provenance(&self) -> Vec<PluginRef> {
            Vec::new()
        }
        fn extend(&self, unit: &SelfEvaluation, tree: &[ScoredIndicator]) -> Vec<Contribution> {
            let mut out = Huge.extend(unit, tree);
            if let Ok(effects) = &mut out[0].outcome {
                effects.adjustments[0].indicator = self.0.clone();
            }
            out
        }
    }
    let extension = Named(leaf);
    let options = Options {
        explain: Explain::Full,
        extensions: &[&extension],
    };
    // The leaf is at full points or below; MAX on top of its score is past the range.
    let card = score_with(&unit, &rules, &options).unwrap();
    let error = card
        .findings
        .iter()
        .find(|f| f.severity == Severity::Error && f.rule.is_plugin())
        .expect("an error finding for the adjustment");
    assert!(
        error.message.contains("超出可计算的范围"),
        "{}",
        error.message
    );
    assert!(card.total <= card.points);
}

#[test]
fn a_metric_past_the_largest_value_scored_is_an_error_finding_on_its_leaf() {
    // 200 funds carrying 10¹² each over a budget of 10⁻⁶: a carry-over rate of 2 × 10²⁰, past
    // `VALUE_MAX` (only sums over many funds get there from figures within bounds).
    let mut unit = fixture("tests/fixtures/units/department/lusong-kexie-2024.toml");
    let fund = unit.funds[0].clone();
    unit.funds = vec![fund; 200];
    for fund in &mut unit.funds {
        fund.carried_over = dec!(1_000_000_000_000);
    }
    unit.base.carried_over = None;
    unit.budget.full_year = Some(dec!(0.000001));
    let unit = unit.check().unwrap();
    let rules = one_leaf(
        "department",
        "{ metric = \"carry_over_rate\" }",
        "{ kind = \"lower_is_better\", target = 0.1 }",
    );
    let card = score_with(&unit, &rules, &Options::default()).unwrap();
    let finding = card
        .findings
        .iter()
        .find(|f| f.rule == RuleId::Engine(EngineRule::Overflow))
        .expect("an overflow finding");
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(finding.indicator.as_deref(), Some("leaf"));
    assert_eq!(
        finding.message,
        "「极值指标」无法计分: 计算中的数值超出可计算的范围 (单位数据过大或过小), 计 0 分"
    );
    assert_eq!(card.indicators[0].score, Decimal::ZERO);
}
