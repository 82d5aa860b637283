//! The review summary by hand: points moved by indicator and by reason, the grades the review
//! changed, and the reviewers compared on the same indicators.

use jixiao_model::EvaluationKind;
use jixiao_review::UnitKey;
use jixiao_review::summary::{
    Change, Kept, Leaning, ReviewSummary, SummaryError, UnitOutcome, summarise,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn key(n: u32) -> UnitKey {
    UnitKey {
        name: format!("单位{n}"),
        code: Some(format!("U{n}")),
        project: None,
        project_code: None,
        year: 2025,
        kind: EvaluationKind::Department,
    }
}

/// The indicators: id, name, points.
const EXECUTION: (&str, &str, Decimal) = ("process.execution", "预算执行率", dec!(5));
const QUALITY: (&str, &str, Decimal) = ("output.quality", "产出质量", dec!(10));
const GOALS: (&str, &str, Decimal) = ("decision.goals", "绩效目标", dec!(4));

fn change(
    unit: u32,
    (id, name, points): (&str, &str, Decimal),
    system: Decimal,
    reviewed: Decimal,
    reason: &str,
    reviewer: &str,
) -> Change {
    Change {
        unit: key(unit),
        indicator: id.to_owned(),
        indicator_name: name.to_owned(),
        points,
        system,
        reviewed,
        reason: reason.to_owned(),
        reviewer: reviewer.to_owned(),
    }
}

fn kept(unit: u32, (id, name, points): (&str, &str, Decimal), reviewer: &str) -> Kept {
    Kept {
        unit: key(unit),
        indicator: id.to_owned(),
        indicator_name: name.to_owned(),
        points,
        score: points,
        reviewer: reviewer.to_owned(),
    }
}

fn outcome(unit: u32, system: (Decimal, &str), last: (Decimal, &str)) -> UnitOutcome {
    UnitOutcome {
        unit: key(unit),
        supervisor: Some("教育局".to_owned()),
        system_total: system.0,
        system_grade: Some(system.1.to_owned()),
        final_total: last.0,
        final_grade: Some(last.1.to_owned()),
        declared_grade: Some("优".to_owned()),
    }
}

/// 预算执行率: 甲 deducts 2 and 1 (units 1, 2), 乙 keeps units 3 and 4.
/// 产出质量: 甲 deducts 3 on unit 1 and keeps unit 2; 乙 keeps unit 3 and gives 0.5 back on unit 4;
/// 丙 keeps units 5 and 6.
/// 绩效目标: 甲 alone, deducting 2 on unit 1.
fn review() -> (Vec<Change>, Vec<Kept>, Vec<UnitOutcome>) {
    let changes = vec![
        change(1, EXECUTION, dec!(5), dec!(3), "执行率计算口径有误", "甲"),
        change(
            2,
            EXECUTION,
            dec!(4),
            dec!(3),
            " 执行率计算口径有误 ",
            "甲 ",
        ),
        change(1, QUALITY, dec!(8), dec!(5), "证据不足", "甲"),
        change(4, QUALITY, dec!(6), dec!(6.5), "补充材料后认可", "乙"),
        change(1, GOALS, dec!(4), dec!(2), "证据不足", "甲"),
    ];
    let kept = vec![
        kept(3, EXECUTION, "乙"),
        kept(4, EXECUTION, "乙"),
        kept(2, QUALITY, "甲"),
        kept(3, QUALITY, "乙"),
        kept(5, QUALITY, "丙"),
        kept(6, QUALITY, "丙"),
    ];
    let units = vec![
        outcome(1, (dec!(91), "优"), (dec!(84), "良")),
        outcome(2, (dec!(82), "良"), (dec!(81), "良")),
        outcome(4, (dec!(79.8), "中"), (dec!(80.3), "良")),
        outcome(3, (dec!(85), "良"), (dec!(85), "良")),
    ];
    (changes, kept, units)
}

fn summary(threshold: Decimal) -> ReviewSummary {
    let (changes, kept, units) = review();
    summarise(&changes, &kept, &units, threshold).unwrap()
}

#[test]
fn counts_and_points_by_indicator() {
    let s = summary(Decimal::ONE);
    assert_eq!((s.units, s.scores, s.changes), (4, 11, 5));
    let rows: Vec<_> = s
        .by_indicator
        .iter()
        .map(|m| {
            (
                m.indicator_name.as_str(),
                m.points,
                m.reviewed,
                m.changes,
                m.lowered,
                m.raised,
                m.deducted,
                m.mean,
            )
        })
        .collect();
    // The most deducted first: 3 (2 + 1), 2.5 (3 − 0.5), 2.
    assert_eq!(
        rows,
        [
            ("预算执行率", dec!(5), 4, 2, 2, 0, dec!(3), Some(dec!(1.5))),
            (
                "产出质量",
                dec!(10),
                6,
                2,
                1,
                1,
                dec!(2.5),
                Some(dec!(1.25))
            ),
            ("绩效目标", dec!(4), 1, 1, 1, 0, dec!(2), Some(dec!(2))),
        ]
    );
}

#[test]
fn points_by_reason_as_written_trimmed() {
    let s = summary(Decimal::ONE);
    let rows: Vec<_> = s
        .by_reason
        .iter()
        .map(|r| {
            (
                r.reason.as_str(),
                r.changes,
                r.indicators.clone(),
                r.deducted,
                r.mean,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            // 3 + 2 on 产出质量 and 绩效目标 (in the order of their ids: decision < output).
            (
                "证据不足",
                2,
                vec!["绩效目标".to_owned(), "产出质量".to_owned()],
                dec!(5),
                dec!(2.5)
            ),
            // Written twice, once with spaces around it.
            (
                "执行率计算口径有误",
                2,
                vec!["预算执行率".to_owned()],
                dec!(3),
                dec!(1.5)
            ),
            (
                "补充材料后认可",
                1,
                vec!["产出质量".to_owned()],
                dec!(-0.5),
                dec!(-0.5)
            ),
        ]
    );
}

#[test]
fn the_units_whose_grade_changed() {
    let s = summary(Decimal::ONE);
    let rows: Vec<_> = s
        .grade_changes
        .iter()
        .map(|g| {
            (
                g.unit.name.as_str(),
                g.system_total,
                g.system_grade.as_deref(),
                g.final_total,
                g.final_grade.as_deref(),
            )
        })
        .collect();
    // Unit 2 and unit 3 stay 良.
    assert_eq!(
        rows,
        [
            ("单位1", dec!(91), Some("优"), dec!(84), Some("良")),
            ("单位4", dec!(79.8), Some("中"), dec!(80.3), Some("良")),
        ]
    );
}

#[test]
fn two_reviewers_on_execution_differ_both_ways() {
    let s = summary(Decimal::ONE);
    // 绩效目标 has one reviewer: not compared. By id: output.quality, process.execution.
    let names: Vec<&str> = s
        .reviewers
        .iter()
        .map(|c| c.indicator_name.as_str())
        .collect();
    assert_eq!(names, ["产出质量", "预算执行率"]);
    let execution = &s.reviewers[1];
    let rows: Vec<_> = execution
        .reviewers
        .iter()
        .map(|r| {
            (
                r.reviewer.as_str(),
                r.units,
                r.changes,
                r.mean,
                r.others,
                r.difference,
                r.leaning,
            )
        })
        .collect();
    // 甲: (2 + 1) / 2 = 1.5 against 乙's 0: 1.5 above, more than 1. 乙: 1.5 below.
    assert_eq!(
        rows,
        [
            (
                "乙",
                2,
                0,
                dec!(0),
                dec!(1.5),
                dec!(-1.5),
                Some(Leaning::Lenient)
            ),
            (
                "甲",
                2,
                2,
                dec!(1.5),
                dec!(0),
                dec!(1.5),
                Some(Leaning::Harsher)
            ),
        ]
    );
    assert!(s.any_flagged());
    // As JSON (for `--json`): decimals as exact strings, the leaning by name.
    assert_eq!(
        serde_json::to_value(&execution.reviewers[1]).unwrap(),
        serde_json::json!({"reviewer": "甲", "units": 2, "changes": 2, "mean": "1.5",
            "others": "0", "difference": "1.5", "leaning": "harsher"})
    );
    // At a threshold of 1.5 the difference is not above it (产出质量's 甲, 1.625 above, still is).
    let s = summary(dec!(1.5));
    assert!(s.reviewers[1].reviewers.iter().all(|r| r.leaning.is_none()));
    assert!(s.any_flagged());
    assert!(!summary(dec!(1.625)).any_flagged());
}

#[test]
fn three_reviewers_single_out_the_one_who_differs() {
    let s = summary(Decimal::ONE);
    let quality = &s.reviewers[0];
    let rows: Vec<_> = quality
        .reviewers
        .iter()
        .map(|r| {
            (
                r.reviewer.as_str(),
                r.units,
                r.changes,
                r.mean,
                r.others,
                r.difference,
                r.leaning,
            )
        })
        .collect();
    // 丙: 0 over 2; the others (甲, 乙) 3 − 0.5 = 2.5 over 4 = 0.625: 0.625 below.
    // 乙: −0.5 over 2 = −0.25; the others (甲, 丙) 3 over 4 = 0.75: exactly 1 below, not more.
    // 甲: 3 over 2 = 1.5; the others (乙, 丙) −0.5 over 4 = −0.125: 1.625 above.
    assert_eq!(
        rows,
        [
            ("丙", 2, 0, dec!(0), dec!(0.625), dec!(-0.625), None),
            ("乙", 2, 1, dec!(-0.25), dec!(0.75), dec!(-1), None),
            (
                "甲",
                2,
                1,
                dec!(1.5),
                dec!(-0.125),
                dec!(1.625),
                Some(Leaning::Harsher)
            ),
        ]
    );
}

#[test]
fn the_input_order_does_not_matter() {
    let (mut changes, mut kept, mut units) = review();
    let forward = summarise(&changes, &kept, &units, Decimal::ONE).unwrap();
    changes.reverse();
    kept.reverse();
    units.reverse();
    assert_eq!(
        summarise(&changes, &kept, &units, Decimal::ONE).unwrap(),
        forward
    );
}

#[test]
fn an_empty_review_sums_to_nothing() {
    let s = summarise(&[], &[], &[], Decimal::ONE).unwrap();
    assert_eq!((s.units, s.scores, s.changes), (0, 0, 0));
    assert!(s.by_indicator.is_empty() && s.by_reason.is_empty());
    assert!(s.grade_changes.is_empty() && s.reviewers.is_empty());
}

#[test]
fn inconsistent_input_is_refused() {
    let (changes, kept, units) = review();
    let refused = |changes: &[Change], kept: &[Kept], units: &[UnitOutcome]| {
        summarise(changes, kept, units, Decimal::ONE)
            .unwrap_err()
            .to_string()
    };

    let mut same = changes.clone();
    same[0].reviewed = same[0].system;
    assert_eq!(
        refused(&same, &kept, &units),
        "单位1 (U1), 2025 年 的指标 process.execution 记为改动, 但复核得分与系统得分相同 (5)"
    );

    let mut blank = changes.clone();
    blank[2].reason = " \n".to_owned();
    assert_eq!(
        refused(&blank, &kept, &units),
        "单位1 (U1), 2025 年 的指标 output.quality 改动了得分, 但没有复核意见"
    );

    let mut twice = kept.clone();
    twice.push(self::kept(1, EXECUTION, "乙"));
    assert_eq!(
        refused(&changes, &twice, &units),
        "单位1 (U1), 2025 年 的指标 process.execution 复核得分出现两次"
    );

    let mut renamed = kept.clone();
    renamed[0].points = dec!(6);
    assert_eq!(
        refused(&changes, &renamed, &units),
        "指标 process.execution 的名称或分值前后不一: 预算执行率 (5 分) 与 预算执行率 (6 分)"
    );

    let mut nobody = kept.clone();
    nobody[3].reviewer = "  ".to_owned();
    assert_eq!(
        refused(&changes, &nobody, &units),
        "单位3 (U3), 2025 年 的指标 output.quality 没有复核人"
    );

    let mut unit_twice = units.clone();
    unit_twice.push(units[0].clone());
    assert_eq!(
        refused(&changes, &kept, &unit_twice),
        "同一单位的复核结果出现两次: 单位1 (U1), 2025 年"
    );

    assert_eq!(
        summarise(&changes, &kept, &units, dec!(-1)).unwrap_err(),
        SummaryError::Threshold("-1".to_owned())
    );
}
