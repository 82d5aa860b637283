//! The soft `over_achievement` finding (偏离度, docs/domain.md §4 and §6): an actual at or above
//! the threshold × a target **the unit set itself** (a row's 年度指标值, a goal's target) asks for
//! an explanation (偏差原因), since the target was probably set too low. It is raised by the
//! built-in higher-is-better scoring (a row scored by `higher_is_better`, by `by_direction` as ≥
//! or =, or `equal` with a target above 0; and the measurable goals 实际完成率 is computed from),
//! never for a metric's target, which is the bureau's own.
//!
//! The threshold is the leaf's `over_achievement.threshold` where its method has one, else
//! `checks.over_achievement_threshold` (default 1.3). A row whose 偏差原因分析 says something (not
//! only one of `checks.empty_words`) has given the explanation: no finding. Goals carry no
//! explanation, so theirs always stands. `checks.disabled = ["over_achievement"]` turns it off.

use jixiao_model::{Direction, FieldPath, SelfEvaluation};
use jixiao_rules::{CheckId, OverAchievement, RuleSet};
use rust_decimal::Decimal;

use crate::arith::{self, div};
use crate::fmt::{number, percent};
use crate::scorecard::{Figure, Finding, Severity};

/// What exceeded its target, for the message and the figures.
pub(crate) struct Exceeded<'a> {
    /// 自评表指标 or 绩效目标.
    pub what: &'static str,
    pub name: &'a str,
    pub actual: Decimal,
    pub target: Decimal,
    /// The unit of measure as the unit wrote it (人次, %), possibly empty.
    pub measure: &'a str,
    /// The fields of the actual and the target.
    pub fields: (FieldPath, FieldPath),
}

/// The threshold that applies: the method's, else the rule set's default.
pub(crate) fn threshold(rules: &RuleSet, configured: Option<&OverAchievement>) -> Decimal {
    configured.map_or(rules.checks.over_achievement_threshold, |o| o.threshold)
}

/// The finding for `exceeded` on the leaf `indicator`, if A / T reaches `threshold` (a target of
/// 0 or less has no ratio: none) and the check is enabled.
pub(crate) fn finding(
    rules: &RuleSet,
    threshold: Decimal,
    indicator: &str,
    exceeded: Exceeded<'_>,
) -> arith::Checked<Option<Finding>> {
    let Exceeded {
        what,
        name,
        actual,
        target,
        measure,
        fields: (actual_at, target_at),
    } = exceeded;
    if !rules.checks.enabled(CheckId::OverAchievement) || target <= Decimal::ZERO {
        return Ok(None);
    }
    let ratio = div(actual, target)?;
    if ratio < threshold {
        return Ok(None);
    }
    // `10000 人次的`, `96%的`, `100 的`: a unit of measure in words is spaced from its number.
    let shown = |v: Decimal| match measure {
        "" => format!("{} ", number(v)),
        "%" => format!("{}%", number(v)),
        words => format!("{} {words}", number(v)),
    };
    Ok(Some(Finding {
        rule: CheckId::OverAchievement.into(),
        severity: Severity::Soft,
        indicator: Some(indicator.to_owned()),
        message: format!(
            "{what}「{name}」实际完成 {}, 为年度指标值 {}的 {}, 达到 {} 及以上, \
             应说明偏差原因 (指标值可能定得过低)",
            shown(actual).trim_end(),
            shown(target),
            percent(ratio),
            percent(threshold)
        ),
        figures: vec![
            Figure::new("年度指标值", target, measure).of(target_at),
            Figure::new("实际完成值", actual, measure).of(actual_at),
            Figure::rate("实际/指标值", ratio),
        ],
    }))
}

/// The findings for the measurable goals (≥ or =, with an actual) that 实际完成率 counts, on
/// the leaf `indicator`.
pub(crate) fn goals(
    rules: &RuleSet,
    unit: &SelfEvaluation,
    threshold: Decimal,
    indicator: &str,
) -> arith::Checked<Vec<Finding>> {
    let mut findings = Vec::new();
    for (i, goal) in unit.goals.iter().enumerate() {
        let Some(m) = &goal.measure else { continue };
        let Some(actual) = m.actual else { continue };
        if m.direction == Direction::AtMost {
            continue;
        }
        let at = |key| FieldPath::item("goals", i, "measure").key(key);
        let exceeded = Exceeded {
            what: "绩效目标",
            name: m.indicator.trim(),
            actual,
            target: m.target,
            measure: m.unit.trim(),
            fields: (at("actual"), at("target")),
        };
        findings.extend(finding(rules, threshold, indicator, exceeded)?);
    }
    Ok(findings)
}
