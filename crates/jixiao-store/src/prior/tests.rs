//! [`fill_last_year`] by hand: figures taken, the unit's figure standing within and beyond the
//! tolerance, the parts, and a record of another year.

use jixiao_engine::{EngineRule, RuleId, Severity};
use jixiao_model::{BaseData, CheckedUnit, SelfEvaluation, ThreePublicParts};
use rust_decimal::Decimal;

use super::*;
use crate::LastYear;

const TOLERANCE: Decimal = Decimal::from_parts(5, 0, 0, false, 3); // 0.005 万元

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// The sample (2024) with its base data set by `base`.
fn unit(base: impl FnOnce(&mut BaseData)) -> CheckedUnit {
    let mut model: SelfEvaluation = jixiao_tests::sample().into_inner();
    assert_eq!(model.unit.year, 2024);
    base(&mut model.base);
    model.check().unwrap()
}

/// The unit's record of `year`, run 1, with its 2023 三公经费 16.00 and 结转结余 7.50.
fn record(year: u16, base: impl FnOnce(&mut BaseData)) -> PriorRecord {
    let mut data = BaseData {
        three_public: Some(dec("16.00")),
        carried_over: Some(dec("7.50")),
        ..BaseData::default()
    };
    base(&mut data);
    PriorRecord {
        result: LastYear {
            run: 1,
            year,
            rule_set_id: "hunan-department".to_owned(),
            rule_set_version: "2024.1".to_owned(),
            total: "68.28".to_owned(),
            grade: Some("中".to_owned()),
            reviewed: false,
        },
        base: data,
        has_code: true,
    }
}

#[test]
fn a_figure_the_unit_left_out_is_taken_with_a_soft_finding() {
    let filled = fill_last_year(unit(|_| {}), &record(2023, |_| {}), TOLERANCE).unwrap();
    // 2023's 三公经费 16.00 is 2024's 上年三公经费; its 结转结余 7.50 the 上年结转结余.
    assert_eq!(filled.unit.base.three_public_last_year, Some(dec("16.00")));
    assert_eq!(filled.unit.base.carried_over_last_year, Some(dec("7.50")));
    let taken: Vec<(String, Decimal, u16, i64)> = filled
        .figures
        .iter()
        .map(|f| (f.field.to_string(), f.value, f.year, f.run))
        .collect();
    assert_eq!(
        taken,
        [
            (
                "base.three_public_last_year".to_owned(),
                dec("16.00"),
                2023,
                1
            ),
            (
                "base.carried_over_last_year".to_owned(),
                dec("7.50"),
                2023,
                1
            ),
        ]
    );
    assert!(filled.figures.iter().all(|f| f.measure == "万元"));
    let messages: Vec<(&str, Severity)> = filled
        .findings
        .iter()
        .map(|f| (f.message.as_str(), f.severity))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "上年三公经费: 单位未填报, 采用成绩库 2023 年度 (第 1 次评分) 的 16.00 万元",
                Severity::Soft
            ),
            (
                "上年结转结余: 单位未填报, 采用成绩库 2023 年度 (第 1 次评分) 的 7.50 万元",
                Severity::Soft
            ),
        ]
    );
    assert!(
        filled
            .findings
            .iter()
            .all(|f| f.rule == RuleId::Engine(EngineRule::History) && f.indicator.is_none())
    );
}

#[test]
fn the_units_figure_stands_and_within_the_tolerance_nothing_is_found() {
    // 16.004 − 16.00 = 0.004 ≤ 0.005: the two agree; 7.50 = 7.50.
    let given = unit(|b| {
        b.three_public_last_year = Some(dec("16.004"));
        b.carried_over_last_year = Some(dec("7.50"));
    });
    let filled = fill_last_year(given.clone(), &record(2023, |_| {}), TOLERANCE).unwrap();
    assert_eq!(filled.unit, given);
    assert!(filled.figures.is_empty());
    assert!(filled.findings.is_empty(), "{:?}", filled.findings);
}

#[test]
fn beyond_the_tolerance_the_units_figure_stands_with_a_hard_finding() {
    // 20.00 − 16.00 = 4.00 > 0.005; 7.50 − 7.494 = 0.006 > 0.005.
    let given = unit(|b| {
        b.three_public_last_year = Some(dec("20.00"));
        b.carried_over_last_year = Some(dec("7.494"));
    });
    let filled = fill_last_year(given.clone(), &record(2023, |_| {}), TOLERANCE).unwrap();
    assert_eq!(filled.unit, given, "a figure the unit gave always wins");
    assert!(filled.figures.is_empty());
    assert_eq!(filled.findings.len(), 2);
    let first = &filled.findings[0];
    assert_eq!(first.severity, Severity::Hard);
    assert_eq!(first.rule, RuleId::Engine(EngineRule::History));
    assert_eq!(
        first.message,
        "上年三公经费: 单位填报 20.00 万元, 成绩库 2023 年度 (第 1 次评分) 为 16.00 万元, 相差 4.00 万元"
    );
    let figures: Vec<(&str, Decimal)> = first
        .figures
        .iter()
        .map(|f| (f.label.as_str(), f.value))
        .collect();
    assert_eq!(
        figures,
        [
            ("单位填报上年三公经费", dec("20.00")),
            ("成绩库上年三公经费", dec("16.00")),
            ("相差", dec("4.00")),
        ]
    );
    assert_eq!(
        filled.findings[1].message,
        "上年结转结余: 单位填报 7.494 万元, 成绩库 2023 年度 (第 1 次评分) 为 7.50 万元, 相差 0.006 万元"
    );
    // A rule set's wider tolerance: 0.006 ≤ 0.01 agrees, 4.00 > 0.01 does not.
    let wider = fill_last_year(given, &record(2023, |_| {}), dec("0.01")).unwrap();
    assert_eq!(wider.findings.len(), 1);
    assert!(wider.findings[0].message.starts_with("上年三公经费"));
}

fn stored_parts() -> ThreePublicParts {
    // 2023: 公务用车 10.00 + 公务接待 4.00 + 因公出国 2.00 = 16.00.
    ThreePublicParts {
        cars: Some(dec("10.00")),
        receptions: Some(dec("4.00")),
        overseas: Some(dec("2.00")),
    }
}

#[test]
fn the_parts_are_taken_only_when_the_unit_gave_none_of_them() {
    let prior = record(2023, |b| b.three_public_parts = Some(stored_parts()));
    // None given (an empty table of parts is none): all three taken, each a figure and a finding.
    let filled = fill_last_year(
        unit(|b| {
            b.three_public_last_year = Some(dec("16.00"));
            b.three_public_last_year_parts = Some(ThreePublicParts::default());
        }),
        &prior,
        TOLERANCE,
    )
    .unwrap();
    assert_eq!(
        filled.unit.base.three_public_last_year_parts,
        Some(stored_parts())
    );
    let fields: Vec<String> = filled.figures.iter().map(|f| f.field.to_string()).collect();
    assert_eq!(
        fields,
        [
            "base.carried_over_last_year",
            "base.three_public_last_year_parts.cars",
            "base.three_public_last_year_parts.receptions",
            "base.three_public_last_year_parts.overseas",
        ]
    );
    assert_eq!(
        filled.findings[2].message,
        "上年公务接待费: 单位未填报, 采用成绩库 2023 年度 (第 1 次评分) 的 4.00 万元"
    );

    // One part given (公务接待 5.00, 1.00 more than stored): nothing taken, that part compared.
    let given = unit(|b| {
        b.three_public_last_year = Some(dec("16.00"));
        b.carried_over_last_year = Some(dec("7.50"));
        b.three_public_last_year_parts = Some(ThreePublicParts {
            receptions: Some(dec("5.00")),
            ..ThreePublicParts::default()
        });
    });
    let filled = fill_last_year(given.clone(), &prior, TOLERANCE).unwrap();
    assert_eq!(filled.unit, given);
    assert!(filled.figures.is_empty());
    let messages: Vec<&str> = filled.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "上年公务接待费: 单位填报 5.00 万元, 成绩库 2023 年度 (第 1 次评分) 为 4.00 万元, 相差 1.00 万元"
        ]
    );
    assert_eq!(filled.findings[0].severity, Severity::Hard);
}

#[test]
fn without_a_record_of_the_year_before_nothing_changes() {
    // A record of 2022 is not the year before 2024; a record without the figures gives none.
    let given = unit(|_| {});
    let filled = fill_last_year(given.clone(), &record(2022, |_| {}), TOLERANCE).unwrap();
    assert_eq!(filled.unit, given);
    assert!(filled.figures.is_empty() && filled.findings.is_empty());

    let empty = record(2023, |b| *b = BaseData::default());
    let filled = fill_last_year(given.clone(), &empty, TOLERANCE).unwrap();
    assert_eq!(filled.unit, given);
    assert!(filled.figures.is_empty() && filled.findings.is_empty());
}
