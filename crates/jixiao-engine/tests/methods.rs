//! Every scoring primitive against values computed by hand, boundaries included.

use jixiao_engine::methods::{self, Answer, Explain, Scale};
use jixiao_model::Tier;
use jixiao_rules::{
    AboveTarget, Band, Beyond, ChecklistMode, OutsideTier, OverAchievement, Rounding, StepCount,
    StepDeduction, TierBounds,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn higher(w: Decimal, a: Decimal, t: Decimal) -> Decimal {
    methods::higher_is_better(w, a, t, Scale::Plain, Explain::Full)
        .unwrap()
        .score
}

#[test]
fn higher_is_better_is_proportional_below_target_and_full_from_it() {
    assert_eq!(higher(dec!(10), dec!(8), dec!(10)), dec!(8)); // 10 × 8 / 10
    assert_eq!(higher(dec!(10), dec!(10), dec!(10)), dec!(10)); // exactly at target
    assert_eq!(higher(dec!(10), dec!(12), dec!(10)), dec!(10)); // above target: capped
    assert_eq!(higher(dec!(15), dec!(98), dec!(100)), dec!(14.7)); // 15 × 0.98
    assert_eq!(higher(dec!(10), dec!(-5), dec!(10)), dec!(0)); // negative counts as 0
    let out = methods::higher_is_better(dec!(10), dec!(8), dec!(10), Scale::Plain, Explain::Full)
        .unwrap();
    assert_eq!(out.reason.as_deref(), Some("实际 8 未达目标 10"));
    assert!(
        methods::higher_is_better(dec!(10), dec!(10), dec!(10), Scale::Plain, Explain::Full)
            .unwrap()
            .reason
            .is_none()
    );
}

#[test]
fn lower_is_better_linear_reaches_zero_at_twice_the_target() {
    let linear = |a| {
        methods::lower_is_better(
            dec!(10),
            a,
            dec!(10),
            AboveTarget::Linear,
            Scale::Plain,
            Explain::Full,
        )
        .unwrap()
        .score
    };
    assert_eq!(linear(dec!(9)), dec!(10));
    assert_eq!(linear(dec!(10)), dec!(10)); // at target
    assert_eq!(linear(dec!(12)), dec!(8)); // 10 × (1 − 2/10)
    assert_eq!(linear(dec!(20)), dec!(0)); // 2T
    assert_eq!(linear(dec!(25)), dec!(0)); // floored
}

#[test]
fn lower_is_better_ratio_is_target_over_actual() {
    let ratio = |a| {
        methods::lower_is_better(
            dec!(10),
            a,
            dec!(10),
            AboveTarget::Ratio,
            Scale::Plain,
            Explain::Full,
        )
        .unwrap()
        .score
    };
    assert_eq!(ratio(dec!(10)), dec!(10));
    assert_eq!(ratio(dec!(12.5)), dec!(8)); // 10 × 10 / 12.5
    assert_eq!(ratio(dec!(40)), dec!(2.5)); // 10 × 10 / 40
}

#[test]
fn equal_with_positive_target_is_higher_is_better_and_with_zero_target_is_all_or_nothing() {
    let equal = |a, t| {
        methods::equal(dec!(10), a, t, Scale::Plain, Explain::Full)
            .unwrap()
            .score
    };
    assert_eq!(equal(dec!(4), dec!(5)), dec!(8)); // 10 × 4 / 5
    assert_eq!(equal(dec!(5), dec!(5)), dec!(10));
    assert_eq!(equal(dec!(0), dec!(0)), dec!(10)); // T = 0, A = 0
    assert_eq!(equal(dec!(-1), dec!(0)), dec!(10)); // T = 0, A < 0
    assert_eq!(equal(dec!(0.5), dec!(0)), dec!(0)); // T = 0, A > 0
}

fn over(slope: Decimal, waived: bool) -> OverAchievement {
    OverAchievement {
        threshold: dec!(1.3),
        slope,
        floor: dec!(0.8),
        waived_by_explanation: waived,
    }
}

fn over_score(a: Decimal, slope: Decimal, waived: bool, explained: bool) -> Decimal {
    let base =
        methods::higher_is_better(dec!(30), a, dec!(10), Scale::Plain, Explain::Full).unwrap();
    methods::over_achievement(
        base,
        dec!(30),
        a,
        dec!(10),
        &over(slope, waived),
        explained,
        Explain::Full,
    )
    .unwrap()
    .score
}

#[test]
fn over_achievement_reduces_by_slope_above_threshold_down_to_the_floor() {
    // 25 / 10 = 250 %: 30 × 0.1 × (2.5 − 1.3) = 3.6 off.
    assert_eq!(over_score(dec!(25), dec!(0.1), true, false), dec!(26.4));
    // With slope 0.2 the deduction 7.2 would go below the floor 0.8 × 30 = 24.
    assert_eq!(over_score(dec!(25), dec!(0.2), true, false), dec!(24));
    // Exactly at the threshold: flagged, nothing taken off.
    assert_eq!(over_score(dec!(13), dec!(0.2), true, false), dec!(30));
    // Below the threshold: untouched.
    assert_eq!(over_score(dec!(12.9), dec!(0.2), true, false), dec!(30));
    // Explained: waived; unless the rule set does not waive.
    assert_eq!(over_score(dec!(25), dec!(0.1), true, true), dec!(30));
    assert_eq!(over_score(dec!(25), dec!(0.1), false, true), dec!(26.4));
}

fn tier(t: Tier, claimed: Option<Decimal>) -> (Decimal, bool) {
    tier_as(OutsideTier::Clamp, t, claimed)
}

fn tier_as(outside: OutsideTier, t: Tier, claimed: Option<Decimal>) -> (Decimal, bool) {
    let bounds = TierBounds::default();
    let (out, problem) =
        methods::tiers(dec!(10), t, claimed, &bounds, outside, Explain::Full).unwrap();
    (out.score, problem.is_some())
}

#[test]
fn a_score_outside_its_tier_is_clamped_kept_or_zero_as_the_rule_set_says() {
    use OutsideTier::{Clamp, Keep, Zero};
    // 部分达成 at 10 points is [6, 8); the unit claims 9.
    assert_eq!(
        tier_as(Clamp, Tier::PartlyAchieved, Some(dec!(9))),
        (dec!(7.99), true)
    ); // 8 − 0.01
    assert_eq!(
        tier_as(Keep, Tier::PartlyAchieved, Some(dec!(9))),
        (dec!(9), true)
    );
    assert_eq!(
        tier_as(Zero, Tier::PartlyAchieved, Some(dec!(9))),
        (dec!(0), true)
    );
    // Below the tier: 达成 [8, 10], claimed 5.
    assert_eq!(
        tier_as(Clamp, Tier::Achieved, Some(dec!(5))),
        (dec!(8), true)
    );
    assert_eq!(
        tier_as(Keep, Tier::Achieved, Some(dec!(5))),
        (dec!(5), true)
    );
    assert_eq!(
        tier_as(Zero, Tier::Achieved, Some(dec!(5))),
        (dec!(0), true)
    );
    // Kept, but never above the points: 12 claimed of 10 → 10.
    assert_eq!(
        tier_as(Keep, Tier::Achieved, Some(dec!(12))),
        (dec!(10), true)
    );
    // Inside its tier, or no score claimed, every choice scores alike.
    for outside in [Clamp, Keep, Zero] {
        assert_eq!(
            tier_as(outside, Tier::PartlyAchieved, Some(dec!(7))),
            (dec!(7), false)
        );
        assert_eq!(tier_as(outside, Tier::NotAchieved, None), (dec!(0), false));
    }
    let (out, _) = methods::tiers(
        dec!(10),
        Tier::PartlyAchieved,
        Some(dec!(9)),
        &TierBounds::default(),
        Zero,
        Explain::Full,
    )
    .unwrap();
    assert_eq!(
        out.formula,
        "自评 9.00 不在档次「部分达成」的区间 [6.00, 8.00) 内, 按规则计 0 分"
    );
}

#[test]
fn tiers_accept_scores_inside_the_tier_and_bring_others_to_its_bound() {
    // 达成 [8, 10]
    assert_eq!(tier(Tier::Achieved, Some(dec!(9))), (dec!(9), false));
    assert_eq!(tier(Tier::Achieved, Some(dec!(8))), (dec!(8), false));
    assert_eq!(tier(Tier::Achieved, Some(dec!(10))), (dec!(10), false));
    assert_eq!(tier(Tier::Achieved, Some(dec!(7))), (dec!(8), true));
    // 部分达成 [6, 8): 8 itself is outside.
    assert_eq!(tier(Tier::PartlyAchieved, Some(dec!(6))), (dec!(6), false));
    assert_eq!(
        tier(Tier::PartlyAchieved, Some(dec!(7.99))),
        (dec!(7.99), false)
    );
    assert_eq!(
        tier(Tier::PartlyAchieved, Some(dec!(8))),
        (dec!(7.99), true)
    );
    assert_eq!(tier(Tier::PartlyAchieved, Some(dec!(5))), (dec!(6), true));
    // 未达成 [0, 6)
    assert_eq!(tier(Tier::NotAchieved, Some(dec!(0))), (dec!(0), false));
    assert_eq!(tier(Tier::NotAchieved, Some(dec!(6))), (dec!(5.99), true));
    // No score claimed: the tier's lower bound.
    assert_eq!(tier(Tier::Achieved, None), (dec!(8), false));
}

#[test]
fn budget_execution_caps_at_full_and_can_round_down_to_whole_points() {
    let exec = |rate, r| {
        methods::budget_execution(dec!(10), rate, r, Explain::Full)
            .unwrap()
            .score
    };
    assert_eq!(exec(dec!(0.9567), Rounding::Exact), dec!(9.567));
    assert_eq!(exec(dec!(1), Rounding::Exact), dec!(10));
    assert_eq!(exec(dec!(1.2), Rounding::Exact), dec!(10)); // over-spent: capped
    assert_eq!(exec(dec!(0.9567), Rounding::Down), dec!(9));
    assert_eq!(exec(dec!(0.3378), Rounding::Exact), dec!(3.378));
}

#[test]
fn budget_execution_rounds_whole_points_down_or_half_up() {
    let exec = |rate, r| {
        methods::budget_execution(dec!(10), rate, r, Explain::Full)
            .unwrap()
            .score
    };
    // 10 × 95.67 % = 9.567: down 9, half up 10.
    assert_eq!(exec(dec!(0.9567), Rounding::Down), dec!(9));
    assert_eq!(exec(dec!(0.9567), Rounding::HalfUp), dec!(10));
    // 10 × 94.5 % = 9.45: down 9, half up 9 (below the half).
    assert_eq!(exec(dec!(0.945), Rounding::Down), dec!(9));
    assert_eq!(exec(dec!(0.945), Rounding::HalfUp), dec!(9));
    // 10 × 95 % = 9.5, exactly the half: half up 10, down 9.
    assert_eq!(exec(dec!(0.95), Rounding::HalfUp), dec!(10));
    assert_eq!(exec(dec!(0.95), Rounding::Down), dec!(9));
    // Full points stay full: 10 × 100 % = 10.
    assert_eq!(exec(dec!(1), Rounding::HalfUp), dec!(10));
    let out =
        methods::budget_execution(dec!(10), dec!(0.9567), Rounding::HalfUp, Explain::Full).unwrap();
    assert_eq!(out.formula, "10.00 × 95.67% = 9.57, 取整 10.00");
    assert_eq!(
        out.rule,
        "预算执行: 分值 × min(执行率, 100%), 四舍五入取整分"
    );
}

fn step(value: Decimal, count: StepCount) -> Decimal {
    // 在职人员控制率: ≤ 100 % full, −0.5 per percentage point above, 5 points.
    let step = StepDeduction {
        limit: dec!(1),
        beyond: Beyond::Above,
        per: dec!(0.01),
        deduction: dec!(0.5),
        count,
    };
    methods::step_deduction(dec!(5), value, &step, Scale::Rate, Explain::Full)
        .unwrap()
        .score
}

#[test]
fn step_deduction_counts_steps_beyond_the_limit() {
    assert_eq!(step(dec!(1), StepCount::Exact), dec!(5)); // exactly at the limit
    assert_eq!(step(dec!(0.9), StepCount::Exact), dec!(5));
    assert_eq!(step(dec!(1.03), StepCount::Exact), dec!(3.5)); // 3 points × 0.5
    assert_eq!(step(dec!(1.025), StepCount::Exact), dec!(3.75)); // 2.5 × 0.5
    assert_eq!(step(dec!(1.025), StepCount::Started), dec!(3.5)); // 3 steps begun
    assert_eq!(step(dec!(1.025), StepCount::Completed), dec!(4)); // 2 whole steps
    assert_eq!(step(dec!(1.5), StepCount::Exact), dec!(0)); // 50 × 0.5 = 25: floored at 0
    // 预算完成率: 100 % full, −2 per 5 points below.
    let below = |v| {
        let step = StepDeduction {
            limit: dec!(1),
            beyond: Beyond::Below,
            per: dec!(0.05),
            deduction: dec!(2),
            count: StepCount::Exact,
        };
        methods::step_deduction(dec!(5), v, &step, Scale::Rate, Explain::Full)
            .unwrap()
            .score
    };
    assert_eq!(below(dec!(1)), dec!(5));
    assert_eq!(below(dec!(0.9)), dec!(1)); // 2 steps × 2
    assert_eq!(below(dec!(0.95)), dec!(3));
}

fn budget_control_bands() -> Vec<Band> {
    let band = |min: Option<Decimal>, min_open, max: Option<Decimal>, points| Band {
        min,
        min_open,
        max,
        max_open: false,
        points,
    };
    vec![
        band(Some(dec!(0)), false, Some(dec!(0)), dec!(5)),
        band(Some(dec!(0)), true, Some(dec!(0.1)), dec!(4)),
        band(Some(dec!(0.1)), true, Some(dec!(0.2)), dec!(3)),
        band(Some(dec!(0.2)), true, Some(dec!(0.3)), dec!(2)),
        band(Some(dec!(0.3)), true, None, dec!(0)),
    ]
}

#[test]
fn bands_respect_open_and_closed_bounds() {
    let bands = budget_control_bands();
    let score = |v| {
        methods::bands(dec!(5), v, &bands, Scale::Rate, Explain::Full)
            .unwrap()
            .score
    };
    assert_eq!(score(dec!(0)), dec!(5));
    assert_eq!(score(dec!(0.0001)), dec!(4));
    assert_eq!(score(dec!(0.1)), dec!(4)); // (0, 10 %] is closed above
    assert_eq!(score(dec!(0.1000001)), dec!(3));
    assert_eq!(score(dec!(0.2338)), dec!(2));
    assert_eq!(score(dec!(0.3)), dec!(2));
    assert_eq!(score(dec!(0.31)), dec!(0));
    // A value no band covers scores 0 and says so.
    let out = methods::bands(dec!(5), dec!(-0.1), &bands, Scale::Rate, Explain::Full).unwrap();
    assert_eq!(out.score, dec!(0));
    assert_eq!(out.reason.as_deref(), Some("-10.00% 不在任何分段内"));
}

#[test]
fn checklist_awards_or_deducts_and_clamps_to_the_points() {
    let answers = [
        Answer {
            label: "a",
            met: Some(true),
        },
        Answer {
            label: "b",
            met: Some(false),
        },
        Answer {
            label: "c",
            met: None,
        },
    ];
    let award = methods::checklist(
        dec!(5),
        ChecklistMode::Award,
        dec!(2),
        &answers,
        Explain::Full,
    )
    .unwrap();
    assert_eq!(award.score, dec!(2)); // one met × 2
    assert_eq!(award.reason.as_deref(), Some("未满足: b、c(未提供)"));
    let deduct = methods::checklist(
        dec!(5),
        ChecklistMode::Deduct,
        dec!(2),
        &answers,
        Explain::Full,
    )
    .unwrap();
    assert_eq!(deduct.score, dec!(1)); // 5 − 2 unmet × 2
    let all = [Answer {
        label: "a",
        met: Some(true),
    }; 3];
    assert_eq!(
        methods::checklist(dec!(5), ChecklistMode::Award, dec!(2), &all, Explain::Full)
            .unwrap()
            .score,
        dec!(5) // 6 clamped to 5
    );
    assert_eq!(
        methods::checklist(
            dec!(5),
            ChecklistMode::Deduct,
            dec!(2.5),
            &answers[1..],
            Explain::Full
        )
        .unwrap()
        .score,
        dec!(0)
    );
}
