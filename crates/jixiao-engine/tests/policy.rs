//! What a rule set can say (issue 15, item 1): step deductions and bands over a reported rate,
//! 预算控制率 as 追加 / 年初 and 预算完成率 as 完成数 / 预算数, what a self-score outside its tier
//! scores, and the over-achievement finding of the built-in scoring. Every value by hand.

use std::path::Path;

use jixiao_engine::{EngineRule, Finding, RuleId, Scorecard, Severity, Status, score};
use jixiao_model::SelfEvaluation;
use jixiao_rules::{CheckId, RuleSet, ValidRuleSet};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// A project rule set of one leaf `leaf` of `points` points (its `id` is `leaf`), with `checks`
/// as the `[checks]` table's lines.
fn rules_with(points: &str, leaf: &str, checks: &str) -> ValidRuleSet {
    let text = format!(
        r#"
id = "policy"
name = "政策测试"
version = "1"
year = 2024
applies_to = "project"
total = {points}

[checks]
{checks}

[[grades]]
name = "合格"
min = 0
max = {points}

[[indicators]]
id = "leaf"
name = "测试指标"
points = {points}
{leaf}
"#
    );
    RuleSet::from_toml(&text, Path::new("policy.toml"))
        .unwrap_or_else(|e| panic!("{leaf}: {e}"))
        .0
}

fn rules(points: &str, leaf: &str) -> ValidRuleSet {
    rules_with(points, leaf, "")
}

/// A project unit with `budget` as its `[budget]` lines and `rest` after it (rows, …).
fn unit(budget: &str, rest: &str) -> jixiao_model::CheckedUnit {
    let text = format!(
        r#"
[unit]
name = "测试单位"
year = 2024
kind = "project"

[budget]
{budget}

{rest}
"#
    );
    SelfEvaluation::from_toml(&text, Path::new("unit.toml")).unwrap()
}

fn leaf_score(card: &Scorecard) -> Decimal {
    card.indicator("leaf").unwrap().score
}

fn findings<'a>(card: &'a Scorecard, rule: &RuleId) -> Vec<&'a Finding> {
    card.findings.iter().filter(|f| &f.rule == rule).collect()
}

fn row(name: &str, actual: &str, unit: &str) -> String {
    format!(
        r#"
[[indicators]]
level1 = "产出指标"
name = "{name}"
direction = ">="
target = 100
actual = {actual}
unit = "{unit}"
points = 5
"#
    )
}

// ─── 1. Step deductions and bands over a reported rate ───────────────────────────────────────

const BUDGET: &str = "full_year = 100\nspent = 96";

/// 预算完成率: 100 % full, −2 per 5 points below, 5 points.
const COMPLETION_STEP: &str = r#"
input = { row = "预算完成率" }
method = { kind = "step_deduction", limit = 1, beyond = "below", per = 0.05, deduction = 2 }
"#;

#[test]
fn a_step_deduction_scores_the_rate_a_row_reports_as_a_fraction() {
    let unit = unit(BUDGET, &row("预算完成率", "96", "%"));
    let card = score(&unit, &rules("5", COMPLETION_STEP)).unwrap();
    // 96 % → 0.96: 1 − 0.96 = 0.04 below, 0.04 / 0.05 = 0.8 of a step, 5 − 0.8 × 2 = 3.4.
    assert_eq!(leaf_score(&card), dec!(3.4));
    let detail = card.indicator("leaf").unwrap().detail.as_ref().unwrap();
    assert_eq!(
        detail.formula,
        "96.00% 低于 100.00% 4.00%, 计 0.8 档, 5.00 − 0.8 × 2 = 3.40"
    );
    // A step begun counts whole: 1 step, 5 − 2 = 3.
    let started = COMPLETION_STEP.replace("deduction = 2", "deduction = 2, count = \"started\"");
    assert_eq!(
        leaf_score(&score(&unit, &rules("5", &started)).unwrap()),
        dec!(3)
    );
    // 100 % as written: full.
    let full = unit_with_actual("100");
    assert_eq!(
        leaf_score(&score(&full, &rules("5", COMPLETION_STEP)).unwrap()),
        dec!(5)
    );
}

fn unit_with_actual(actual: &str) -> jixiao_model::CheckedUnit {
    unit(BUDGET, &row("预算完成率", actual, "%"))
}

#[test]
fn bands_score_the_rate_a_row_reports() {
    let bands = r#"
input = { row = "预算完成率" }
method = { kind = "bands", bands = [
  { min = 0.95, points = 5 },
  { min = 0.90, max = 0.95, max_open = true, points = 3 },
  { max = 0.90, max_open = true, points = 0 },
] }
"#;
    let rules = rules("5", bands);
    // 96 % → 0.96 ∈ [0.95, +∞): 5; 92.5 % → 0.925 ∈ [0.90, 0.95): 3; 95 % exactly: 5;
    // 89.99 % → 0.8999 < 0.90: 0.
    for (actual, points) in [
        ("96", dec!(5)),
        ("92.5", dec!(3)),
        ("95", dec!(5)),
        ("89.99", dec!(0)),
    ] {
        let card = score(&unit_with_actual(actual), &rules).unwrap();
        assert_eq!(leaf_score(&card), points, "{actual} %");
    }
}

#[test]
fn a_row_in_another_unit_is_scored_as_the_number_it_writes() {
    // 培训天数 12 天 against a limit of 10: 2 steps of 1 above, 5 − 2 × 0.5 = 4.
    let unit = unit(BUDGET, &row("培训天数", "12", "天"));
    let leaf = r#"
input = { row = "培训天数" }
method = { kind = "step_deduction", limit = 10, beyond = "above", per = 1, deduction = 0.5 }
"#;
    assert_eq!(
        leaf_score(&score(&unit, &rules("5", leaf)).unwrap()),
        dec!(4)
    );
}

#[test]
fn a_qualitative_or_absent_actual_is_never_guessed() {
    let qualitative = unit(
        BUDGET,
        r#"
[[indicators]]
level1 = "产出指标"
name = "预算完成率"
actual_text = "达到预期"
points = 5
"#,
    );
    // A text where a rate belongs: no value, 0 with `undefined_input`, whatever when_missing says.
    let full = format!("{COMPLETION_STEP}\nwhen_missing = \"full\"");
    let card = score(&qualitative, &rules("5", &full)).unwrap();
    assert_eq!(leaf_score(&card), dec!(0));
    let undefined = findings(&card, &EngineRule::UndefinedInput.into());
    assert_eq!(undefined.len(), 1);
    assert_eq!(
        undefined[0].message,
        "「测试指标」无法计算: 「预算完成率」实际完成值「达到预期」不是数值, 无法按规则计分, 计 0 分"
    );
    // No actual at all: missing, as when_missing says (full here; 0 with a finding by default).
    let absent = unit(
        BUDGET,
        "[[indicators]]\nlevel1 = \"产出指标\"\nname = \"预算完成率\"\npoints = 5\n",
    );
    let card = score(&absent, &rules("5", &full)).unwrap();
    assert_eq!(leaf_score(&card), dec!(5));
    assert_eq!(
        card.indicator("leaf").unwrap().status,
        Status::NotApplicable
    );
    let card = score(&absent, &rules("5", COMPLETION_STEP)).unwrap();
    assert_eq!(leaf_score(&card), dec!(0));
    assert_eq!(findings(&card, &EngineRule::MissingInput.into()).len(), 1);
    // No such row: missing too.
    let card = score(&unit(BUDGET, ""), &rules("5", COMPLETION_STEP)).unwrap();
    assert_eq!(card.indicator("leaf").unwrap().status, Status::Missing);
}

#[test]
fn a_rows_self_score_is_compared_at_its_own_points() {
    // The row: 92.5 %, 分值 10, 自评 10. Bands give the 5-point leaf 3; at the row's 10 points
    // that is 3 × 10 / 5 = 6, 4 below the claim.
    let unit = unit(
        BUDGET,
        r#"
[[indicators]]
level1 = "产出指标"
name = "预算完成率"
actual = 92.5
unit = "%"
points = 10
self_score = 10
"#,
    );
    let leaf = r#"
input = { row = "预算完成率" }
method = { kind = "bands", bands = [{ min = 0.95, points = 5 }, { max = 0.95, max_open = true, points = 3 }] }
"#;
    let card = score(&unit, &rules("5", leaf)).unwrap();
    assert_eq!(leaf_score(&card), dec!(3));
    let gaps = findings(&card, &CheckId::SelfScores.into());
    assert_eq!(gaps.len(), 1);
    assert_eq!(
        gaps[0].message,
        "「预算完成率」自评得分 10.00 与按公式计算的 6.00 (分值 10) 不符, 相差 4.00"
    );
    // The leaf's self-score is the row's scaled to the leaf: 10 × 5 / 10 = 5, gap 5 − 3 = 2.
    let node = card.indicator("leaf").unwrap();
    assert_eq!(
        (node.self_score, node.self_score_gap),
        (Some(dec!(5)), Some(dec!(2)))
    );
}

// ─── 2. 预算控制率 (追加 / 年初) and 预算完成率 (完成数 / 预算数) ─────────────────────────────

/// The Hunan 预算控制率 bands over `metric`.
fn control(metric: &str) -> String {
    format!(
        r#"
input = {{ metric = "{metric}" }}
method = {{ kind = "bands", bands = [
  {{ min = 0, max = 0, points = 5 }},
  {{ min = 0, min_open = true, max = 0.10, points = 4 }},
  {{ min = 0.10, min_open = true, max = 0.20, points = 3 }},
  {{ min = 0.20, min_open = true, max = 0.30, points = 2 }},
  {{ min = 0.30, min_open = true, points = 0 }},
] }}
"#
    )
}

#[test]
fn budget_control_as_the_gross_increase_over_the_opening_budget() {
    // 年初 100, 追加 12, 调减 5, 全年 107.
    let unit = unit(
        "opening = 100\nincrease = 12\ndecrease = 5\nfull_year = 107\nspent = 100",
        "",
    );
    let card = score(&unit, &rules("5", &control("budget_increase_rate"))).unwrap();
    // 追加 / 年初 = 12 / 100 = 12 % ∈ (10 %, 20 %]: 3.
    assert_eq!(leaf_score(&card), dec!(3));
    let detail = card.indicator("leaf").unwrap().detail.as_ref().unwrap();
    assert!(
        detail
            .formula
            .starts_with("预算控制率 = 本年追加预算 / 年初预算 = 12 / 100 = 12.00%;"),
        "{}",
        detail.formula
    );
    // Beside it, the net change: |107 − 100| / 100 = 7 % ∈ (0, 10 %]: 4.
    let card = score(&unit, &rules("5", &control("budget_adjustment_rate"))).unwrap();
    assert_eq!(leaf_score(&card), dec!(4));
}

#[test]
fn without_an_increase_it_is_derived_from_full_year_opening_and_cut_or_missing() {
    // 追加 not given: 全年 107 − 年初 100 + 调减 5 = 12; 12 / 100 = 12 % → 3.
    let derived = unit(
        "opening = 100\ndecrease = 5\nfull_year = 107\nspent = 100",
        "",
    );
    let card = score(&derived, &rules("5", &control("budget_increase_rate"))).unwrap();
    assert_eq!(leaf_score(&card), dec!(3));
    let detail = card.indicator("leaf").unwrap().detail.as_ref().unwrap();
    assert!(
        detail.formula.starts_with(
            "本年追加预算未报, 按 全年预算 − 年初预算 + 调减 推算 = 107 − 100 + 5 = 12; 预算控制率 = 追加 / 年初预算 = 12 / 100 = 12.00%"
        ),
        "{}",
        detail.formula
    );
    // No 调减 either: nothing to derive it from, missing (0 with a finding).
    let missing = unit("opening = 100\nfull_year = 107\nspent = 100", "");
    let card = score(&missing, &rules("5", &control("budget_increase_rate"))).unwrap();
    assert_eq!(leaf_score(&card), dec!(0));
    let found = findings(&card, &EngineRule::MissingInput.into());
    assert_eq!(
        found[0].message,
        "「测试指标」缺少数据: 未提供本年追加预算数, 也无全年预算数与调减数可推算, 计 0 分"
    );
    // Figures that contradict themselves: 90 − 100 + 5 = −5, no value: 0 with `undefined_input`.
    let contradictory = unit(
        "opening = 100\ndecrease = 5\nfull_year = 90\nspent = 80",
        "",
    );
    let card = score(
        &contradictory,
        &rules("5", &control("budget_increase_rate")),
    )
    .unwrap();
    assert_eq!(leaf_score(&card), dec!(0));
    assert_eq!(findings(&card, &EngineRule::UndefinedInput.into()).len(), 1);
    // An opening budget of 0: no value.
    let zero = unit("opening = 0\nincrease = 5\nspent = 5", "");
    let card = score(&zero, &rules("5", &control("budget_increase_rate"))).unwrap();
    assert_eq!(findings(&card, &EngineRule::UndefinedInput.into()).len(), 1);
}

#[test]
fn budget_completion_as_completed_over_budget_beside_the_hunan_variant() {
    // 全年 100, 执行 96, 上年结转 10, 年末结转结余 6.
    let unit = unit(
        "full_year = 100\nspent = 96",
        "[base]\ncarried_in = 10\ncarried_over = 6\n",
    );
    let step = |metric: &str| {
        format!(
            "input = {{ metric = \"{metric}\" }}\nmethod = {{ kind = \"step_deduction\", limit = 1, beyond = \"below\", per = 0.05, deduction = 2 }}"
        )
    };
    // 完成数 / 预算数 = 96 / 100 = 0.96: 0.04 / 0.05 = 0.8 step, 5 − 1.6 = 3.4.
    let card = score(&unit, &rules("5", &step("budget_completion_ratio"))).unwrap();
    assert_eq!(leaf_score(&card), dec!(3.4));
    let detail = card.indicator("leaf").unwrap().detail.as_ref().unwrap();
    assert!(
        detail
            .formula
            .starts_with("预算完成率 = 预算完成数(全年执行数) / 全年预算数 = 96 / 100 = 96.00%"),
        "{}",
        detail.formula
    );
    // Hunan: (10 + 100 − 6) / (10 + 100) = 104 / 110 = 0.945454…; 0.054545… / 0.05 = 1.090909…
    // steps, 5 − 2.181818… = 2.818181… → 2.8182.
    let card = score(&unit, &rules("5", &step("budget_completion_rate"))).unwrap();
    assert_eq!(leaf_score(&card).round_dp(4), dec!(2.8182));
}

// ─── 3. A qualitative self-score outside its tier ─────────────────────────────────────────────

fn tiered_row(self_score: &str) -> jixiao_model::CheckedUnit {
    unit(
        BUDGET,
        &format!(
            r#"
[[indicators]]
level1 = "产出指标"
name = "管理制度健全性"
tier = "部分达成"
points = 10
self_score = {self_score}
"#
        ),
    )
}

#[test]
fn outside_its_tier_a_score_is_clamped_kept_or_zero_with_the_hard_finding() {
    // 部分达成 at the row's 10 points is [6, 8); the unit claims 9. The leaf has 20 points, so
    // the score judged at 10 is doubled.
    for (outside, expected) in [
        ("", dec!(15.98)), // clamp (default): 8 − 0.01 = 7.99, × 20 / 10 = 15.98
        ("clamp", dec!(15.98)),
        ("keep", dec!(18)), // 9 × 20 / 10 = 18
        ("zero", dec!(0)),  // 0
    ] {
        let option = if outside.is_empty() {
            String::new()
        } else {
            format!(", outside_tier = \"{outside}\"")
        };
        for method in ["tiers", "by_direction"] {
            let input = if method == "tiers" {
                "input = { row = \"管理制度健全性\" }"
            } else {
                "input = { rows = { level1 = \"产出指标\" } }"
            };
            let leaf = format!("{input}\nmethod = {{ kind = \"{method}\"{option} }}");
            let card = score(&tiered_row("9"), &rules("20", &leaf)).unwrap();
            assert_eq!(leaf_score(&card), expected, "{method} {outside}");
            let hard = findings(&card, &EngineRule::Tiers.into());
            assert_eq!(hard.len(), 1, "{method} {outside}");
            assert_eq!(hard[0].severity, Severity::Hard);
            assert_eq!(
                hard[0].message,
                "「管理制度健全性」自评 9.00 不在档次「部分达成」的区间 [6.00, 8.00) 内"
            );
        }
    }
    // Inside its tier: 7 × 20 / 10 = 14 whatever the choice, no finding.
    for outside in ["clamp", "keep", "zero"] {
        let leaf = format!(
            "input = {{ row = \"管理制度健全性\" }}\nmethod = {{ kind = \"tiers\", outside_tier = \"{outside}\" }}"
        );
        let card = score(&tiered_row("7"), &rules("20", &leaf)).unwrap();
        assert_eq!(leaf_score(&card), dec!(14));
        assert!(findings(&card, &EngineRule::Tiers.into()).is_empty());
    }
}

// ─── 5. The over-achievement finding ──────────────────────────────────────────────────────────

fn sample_text() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"))
        .unwrap()
}

fn hunan() -> ValidRuleSet {
    RuleSet::load(&root().join("configs/hunan-department.toml"))
        .unwrap()
        .0
}

#[test]
fn a_goal_at_seven_times_its_target_is_flagged_under_the_hunan_rule_set() {
    let sample = SelfEvaluation::from_toml(&sample_text(), Path::new("sample.toml")).unwrap();
    let card = score(&sample, &hunan()).unwrap();
    let over = findings(&card, &CheckId::OverAchievement.into());
    // 科普宣传受众: 70000 / 10000 = 700 % ≥ 130 %. The other goal, 青少年科技系列活动 4 / 2 = 200 %,
    // is flagged too.
    assert_eq!(over.len(), 2);
    assert_eq!(over[0].severity, Severity::Soft);
    assert_eq!(over[0].indicator.as_deref(), Some("output.completion"));
    assert_eq!(
        over[0].message,
        "绩效目标「科普宣传受众」实际完成 70000 人次, 为年度指标值 10000 人次的 700.00%, 达到 130.00% 及以上, 应说明偏差原因 (指标值可能定得过低)"
    );
    assert_eq!(
        over[1].message,
        "绩效目标「青少年科技系列活动」实际完成 4 次, 为年度指标值 2 次的 200.00%, 达到 130.00% 及以上, 应说明偏差原因 (指标值可能定得过低)"
    );
    // Soft: the total is unchanged (68.28 中, as docs/domain.md §2 and jixiao-review's tests have it).
    assert_eq!(card.total, dec!(68.28));
    assert_eq!(card.grade.as_deref(), Some("中"));
}

#[test]
fn a_goal_at_129_percent_is_not_flagged_and_at_130_it_is() {
    // 12900 / 10000 = 129 % < 130 %; 2 / 2 = 100 % for the other goal.
    let text = sample_text()
        .replace("actual = 70000", "actual = 12900")
        .replace("target = 2, actual = 4", "target = 2, actual = 2");
    let below = SelfEvaluation::from_toml(&text, Path::new("sample.toml")).unwrap();
    let card = score(&below, &hunan()).unwrap();
    assert!(findings(&card, &CheckId::OverAchievement.into()).is_empty());
    // 13000 / 10000 = 130 %: at the threshold, flagged.
    let at = SelfEvaluation::from_toml(
        &text.replace("actual = 12900", "actual = 13000"),
        Path::new("sample.toml"),
    )
    .unwrap();
    let card = score(&at, &hunan()).unwrap();
    assert_eq!(findings(&card, &CheckId::OverAchievement.into()).len(), 1);
}

fn over_row(explanation: &str) -> jixiao_model::CheckedUnit {
    unit(
        BUDGET,
        &format!(
            r#"
[[indicators]]
level1 = "产出指标"
name = "培训人次"
direction = ">="
target = 100
actual = 150
unit = "人次"
points = 5
{explanation}
"#
        ),
    )
}

const BY_DIRECTION: &str =
    "input = { rows = { level1 = \"产出指标\" } }\nmethod = { kind = \"by_direction\" }";

#[test]
fn a_row_far_above_its_own_target_is_flagged_unless_it_explains() {
    // 150 / 100 = 150 % ≥ 130 %.
    let card = score(&over_row(""), &rules("5", BY_DIRECTION)).unwrap();
    let over = findings(&card, &CheckId::OverAchievement.into());
    assert_eq!(over.len(), 1);
    assert_eq!(over[0].indicator.as_deref(), Some("leaf[1]"));
    assert_eq!(
        over[0].message,
        "自评表指标「培训人次」实际完成 150 人次, 为年度指标值 100 人次的 150.00%, 达到 130.00% 及以上, 应说明偏差原因 (指标值可能定得过低)"
    );
    assert_eq!(leaf_score(&card), dec!(5)); // the score is untouched: full points
    // An explanation given waives it; an empty word (无) does not.
    let explained = over_row("explanation = \"新增两期培训班, 参训人数超出计划\"");
    let card = score(&explained, &rules("5", BY_DIRECTION)).unwrap();
    assert!(findings(&card, &CheckId::OverAchievement.into()).is_empty());
    let empty = over_row("explanation = \"无\"");
    let card = score(&empty, &rules("5", BY_DIRECTION)).unwrap();
    assert_eq!(findings(&card, &CheckId::OverAchievement.into()).len(), 1);
    // higher_is_better on a named row, by its own target: flagged likewise.
    let named = "input = { row = \"培训人次\" }\nmethod = { kind = \"higher_is_better\" }";
    let card = score(&over_row(""), &rules("5", named)).unwrap();
    assert_eq!(findings(&card, &CheckId::OverAchievement.into()).len(), 1);
    // Against a target the rule set sets (not the unit's): not flagged.
    let bureau =
        "input = { row = \"培训人次\" }\nmethod = { kind = \"higher_is_better\", target = 100 }";
    let card = score(&over_row(""), &rules("5", bureau)).unwrap();
    assert!(findings(&card, &CheckId::OverAchievement.into()).is_empty());
}

#[test]
fn the_threshold_is_the_methods_else_the_rule_sets_and_the_check_can_be_disabled() {
    let unit = over_row("");
    let count = |leaf: &str, checks: &str| {
        let card = score(&unit, &rules_with("5", leaf, checks)).unwrap();
        findings(&card, &CheckId::OverAchievement.into()).len()
    };
    // The method's own threshold 2: 150 % < 200 %, no finding (and no reduction).
    let own = BY_DIRECTION.replace(
        "kind = \"by_direction\"",
        "kind = \"by_direction\", over_achievement = { threshold = 2, slope = 0.2, floor = 0.8 }",
    );
    assert_eq!(count(&own, ""), 0);
    // The rule set's default raised to 1.6: 150 % < 160 %; at 1.5: 150 % ≥ 150 %.
    assert_eq!(count(BY_DIRECTION, "over_achievement_threshold = 1.6"), 0);
    assert_eq!(count(BY_DIRECTION, "over_achievement_threshold = 1.5"), 1);
    // The method's threshold wins over the rule set's: 1.4 configured, 1.6 default → flagged.
    let own = BY_DIRECTION.replace(
        "kind = \"by_direction\"",
        "kind = \"by_direction\", over_achievement = { threshold = 1.4, slope = 0, floor = 1 }",
    );
    assert_eq!(count(&own, "over_achievement_threshold = 1.6"), 1);
    // Disabled.
    assert_eq!(count(BY_DIRECTION, "disabled = [\"over_achievement\"]"), 0);
}

#[test]
fn a_lower_is_better_row_is_never_flagged() {
    let unit = unit(
        BUDGET,
        r#"
[[indicators]]
level1 = "产出指标"
name = "单位成本"
direction = "<="
target = 10
actual = 2
points = 5
"#,
    );
    let card = score(&unit, &rules("5", BY_DIRECTION)).unwrap();
    assert!(findings(&card, &CheckId::OverAchievement.into()).is_empty());
}

#[test]
fn the_reported_rate_example_of_the_rule_set_docs_scores_as_they_say() {
    let docs = std::fs::read_to_string(root().join("docs/rule-sets.md")).unwrap();
    let section = docs
        .split("### A reported rate")
        .nth(1)
        .expect("the section");
    let block = section
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("its example");
    let text = format!(
        "id = \"docs\"\nname = \"文档示例\"\nversion = \"1\"\nyear = 2024\napplies_to = \"project\"\ntotal = 5\n\
         [[grades]]\nname = \"合格\"\nmin = 0\nmax = 5\n{block}"
    );
    let (rules, _) = RuleSet::from_toml(&text, Path::new("docs.toml")).unwrap();
    let card = score(&unit_with_actual("96"), &rules).unwrap();
    // 5 − (1 − 0.96) / 0.05 × 2 = 5 − 1.6 = 3.4, as the docs say.
    assert_eq!(
        card.indicator("process.budget_completion").unwrap().score,
        dec!(3.4)
    );
    assert!(section.contains("5 − (1 − 0.96) / 0.05 × 2 = 3.4"));
}
