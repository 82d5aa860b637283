//! What the review moved: points by indicator and by reason, the units whose grade it changed,
//! and per reviewer how far they deduct on the same indicators (`../shared/domain.md` §10:
//! reviewers differ in how hard they deduct; a bureau wants to see it).
//!
//! The input is plain data, built by the caller from the reviewed scorecards: every score a
//! reviewer changed ([`Change`], with its reason), every score they left as the system's
//! ([`Kept`]), and each reviewed unit's totals and grades ([`UnitOutcome`]).
//!
//! A **deduction** is the system's score minus the reviewer's (positive where the reviewer took
//! points off, negative where they gave points back). Everything is summed and divided exactly
//! (decimals); renderers show two decimals.
//!
//! **Reviewers compared.** For each indicator scored by two or more reviewers, each reviewer's
//! mean deduction is taken over *every* unit they reviewed on it, the scores they kept counting
//! as a deduction of 0: a reviewer who leaves nine units alone and takes 3 points off the tenth
//! deducts less than one who takes 3 off all ten, and means over the changes alone would show
//! both as 3. It is compared with the others' mean, pooled over the other reviewers' units on
//! the indicator (so a reviewer of many units weighs more). A reviewer whose mean is more than
//! the threshold above the others' is flagged 偏严, more than the threshold below 偏宽. With two
//! reviewers the differences are opposite, so both are flagged when they differ: a flag then says
//! that the two disagree, not which of them is right; with three or more it singles out the one
//! who differs.

use std::collections::{BTreeMap, BTreeSet};

use jixiao_engine::fmt::number;
use rust_decimal::Decimal;

use crate::UnitKey;
use crate::sample::unit_label;

/// A score the reviewer changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub unit: UnitKey,
    /// The leaf's id in the rule set.
    pub indicator: String,
    /// The leaf's name (`预算执行率`).
    pub indicator_name: String,
    /// The leaf's points (分值).
    pub points: Decimal,
    /// The system's score.
    pub system: Decimal,
    /// The reviewer's score.
    pub reviewed: Decimal,
    /// 复核意见, as written.
    pub reason: String,
    /// 复核人, as written.
    pub reviewer: String,
}

/// A score the reviewer reviewed and left as the system's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub unit: UnitKey,
    pub indicator: String,
    pub indicator_name: String,
    pub points: Decimal,
    /// The system's score, which the reviewer kept.
    pub score: Decimal,
    pub reviewer: String,
}

/// A reviewed unit's totals and grades: the system's, the final (after the review) and the
/// unit's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitOutcome {
    pub unit: UnitKey,
    /// 主管部门.
    pub supervisor: Option<String>,
    pub system_total: Decimal,
    pub system_grade: Option<String>,
    pub final_total: Decimal,
    pub final_grade: Option<String>,
    /// The unit's own grade (自评等级).
    pub declared_grade: Option<String>,
}

/// Input a summary cannot be made of.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SummaryError {
    #[error("{unit} 的指标 {indicator} 复核得分出现两次")]
    Twice { unit: String, indicator: String },
    #[error("{unit} 的指标 {indicator} 记为改动, 但复核得分与系统得分相同 ({score})")]
    NotAChange {
        unit: String,
        indicator: String,
        score: String,
    },
    #[error("{unit} 的指标 {indicator} 改动了得分, 但没有复核意见")]
    NoReason { unit: String, indicator: String },
    #[error("{unit} 的指标 {indicator} 没有复核人")]
    NoReviewer { unit: String, indicator: String },
    #[error("指标 {indicator} 的名称或分值前后不一: {first} 与 {other}")]
    Indicator {
        indicator: String,
        first: String,
        other: String,
    },
    #[error("同一单位的复核结果出现两次: {0}")]
    UnitTwice(String),
    #[error("复核人对照的阈值不能为负: {0}")]
    Threshold(String),
}

/// The points moved on one indicator.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IndicatorMoves {
    pub indicator: String,
    pub indicator_name: String,
    pub points: Decimal,
    /// Units reviewed on it (changed or kept).
    pub reviewed: usize,
    /// Scores changed.
    pub changes: usize,
    /// Of them, lowered and raised.
    pub lowered: usize,
    pub raised: usize,
    /// The deductions summed (system − reviewed).
    pub deducted: Decimal,
    /// Their mean over the changes; `None` without a change.
    pub mean: Option<Decimal>,
}

/// The points moved for one reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReasonMoves {
    /// The reason as written, trimmed.
    pub reason: String,
    pub changes: usize,
    /// The names of the indicators it was given on, in order of their ids.
    pub indicators: Vec<String>,
    pub deducted: Decimal,
    pub mean: Decimal,
}

/// A unit whose grade the review changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GradeChange {
    pub unit: UnitKey,
    pub supervisor: Option<String>,
    pub system_total: Decimal,
    pub system_grade: Option<String>,
    pub final_total: Decimal,
    pub final_grade: Option<String>,
    pub declared_grade: Option<String>,
}

/// How a reviewer's deductions compare with the others'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Leaning {
    /// Deducts more than the others, by more than the threshold.
    Harsher,
    /// Deducts less.
    Lenient,
}

impl Leaning {
    /// `偏严`, `偏宽`.
    pub fn label(self) -> &'static str {
        match self {
            Leaning::Harsher => "偏严",
            Leaning::Lenient => "偏宽",
        }
    }
}

/// One reviewer on one indicator.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReviewerOnIndicator {
    /// 复核人, trimmed.
    pub reviewer: String,
    /// Units they reviewed on the indicator.
    pub units: usize,
    /// Of them, changed.
    pub changes: usize,
    /// Their mean deduction over `units` (kept scores as 0).
    pub mean: Decimal,
    /// The other reviewers' mean, pooled over their units.
    pub others: Decimal,
    /// `mean − others`.
    pub difference: Decimal,
    /// Set where `|difference|` is above the threshold.
    pub leaning: Option<Leaning>,
}

/// The reviewers of one indicator (two or more), in the order of their names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReviewerComparison {
    pub indicator: String,
    pub indicator_name: String,
    pub reviewers: Vec<ReviewerOnIndicator>,
}

/// What the review moved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReviewSummary {
    /// Units reviewed (outcomes given).
    pub units: usize,
    /// Scores reviewed and, of them, changed.
    pub scores: usize,
    pub changes: usize,
    /// The reviewers' threshold (points of mean deduction).
    pub threshold: Decimal,
    /// By indicator: the most points deducted first, then by id.
    pub by_indicator: Vec<IndicatorMoves>,
    /// By reason: the most used first, then the most points deducted, then by text.
    pub by_reason: Vec<ReasonMoves>,
    /// The units whose grade the review changed (system grade ≠ final grade), by key.
    pub grade_changes: Vec<GradeChange>,
    /// The indicators with two or more reviewers, by id.
    pub reviewers: Vec<ReviewerComparison>,
}

impl ReviewSummary {
    /// Whether any reviewer is flagged.
    pub fn any_flagged(&self) -> bool {
        self.reviewers
            .iter()
            .any(|c| c.reviewers.iter().any(|r| r.leaning.is_some()))
    }
}

/// One reviewed score, changed or kept, as the summary counts it.
struct Score<'a> {
    unit: &'a UnitKey,
    indicator: &'a str,
    name: &'a str,
    points: Decimal,
    reviewer: &'a str,
    /// System − reviewed: 0 for a kept score.
    deduction: Decimal,
    reason: Option<&'a str>,
}

fn mean(sum: Decimal, n: usize) -> Decimal {
    if n == 0 {
        Decimal::ZERO
    } else {
        (sum / Decimal::from(n)).normalize()
    }
}

/// Sums that cannot overflow on any real review; saturating so no input panics.
fn sum<'a>(values: impl Iterator<Item = &'a Decimal>) -> Decimal {
    values.fold(Decimal::ZERO, |s, v| s.saturating_add(*v))
}

/// The summary of a review: `changes` and `kept` are every score reviewed, `units` every unit
/// reviewed; reviewers whose mean deduction on an indicator differs from the others' by more
/// than `threshold` points are flagged (see the module's documentation).
pub fn summarise(
    changes: &[Change],
    kept: &[Kept],
    units: &[UnitOutcome],
    threshold: Decimal,
) -> Result<ReviewSummary, SummaryError> {
    if threshold.is_sign_negative() && !threshold.is_zero() {
        return Err(SummaryError::Threshold(number(threshold).to_string()));
    }
    let mut scores = Vec::with_capacity(changes.len() + kept.len());
    for c in changes {
        let at = || (unit_label(&c.unit), c.indicator.clone());
        if c.reviewed == c.system {
            let (unit, indicator) = at();
            return Err(SummaryError::NotAChange {
                unit,
                indicator,
                score: number(c.system).to_string(),
            });
        }
        let reason = c.reason.trim();
        if reason.is_empty() {
            let (unit, indicator) = at();
            return Err(SummaryError::NoReason { unit, indicator });
        }
        scores.push(Score {
            unit: &c.unit,
            indicator: &c.indicator,
            name: &c.indicator_name,
            points: c.points,
            reviewer: c.reviewer.trim(),
            deduction: c.system.saturating_sub(c.reviewed),
            reason: Some(reason),
        });
    }
    for k in kept {
        scores.push(Score {
            unit: &k.unit,
            indicator: &k.indicator,
            name: &k.indicator_name,
            points: k.points,
            reviewer: k.reviewer.trim(),
            deduction: Decimal::ZERO,
            reason: None,
        });
    }
    // The same order whatever the input's.
    scores.sort_by(|a, b| (a.indicator, a.unit).cmp(&(b.indicator, b.unit)));
    for w in scores.windows(2) {
        if (w[0].indicator, w[0].unit) == (w[1].indicator, w[1].unit) {
            return Err(SummaryError::Twice {
                unit: unit_label(w[0].unit),
                indicator: w[0].indicator.to_owned(),
            });
        }
        if w[0].indicator == w[1].indicator && (w[0].name, w[0].points) != (w[1].name, w[1].points)
        {
            return Err(SummaryError::Indicator {
                indicator: w[0].indicator.to_owned(),
                first: format!("{} ({} 分)", w[0].name, number(w[0].points)),
                other: format!("{} ({} 分)", w[1].name, number(w[1].points)),
            });
        }
    }
    if let Some(s) = scores.iter().find(|s| s.reviewer.is_empty()) {
        return Err(SummaryError::NoReviewer {
            unit: unit_label(s.unit),
            indicator: s.indicator.to_owned(),
        });
    }

    let mut by_indicator: Vec<IndicatorMoves> = Vec::new();
    let mut reviewers = Vec::new();
    for group in scores.chunk_by(|a, b| a.indicator == b.indicator) {
        let first = &group[0];
        let changed: Vec<Decimal> = group
            .iter()
            .filter(|s| s.reason.is_some())
            .map(|s| s.deduction)
            .collect();
        let deducted = sum(changed.iter());
        by_indicator.push(IndicatorMoves {
            indicator: first.indicator.to_owned(),
            indicator_name: first.name.to_owned(),
            points: first.points,
            reviewed: group.len(),
            changes: changed.len(),
            lowered: changed
                .iter()
                .filter(|d| d.is_sign_positive() && !d.is_zero())
                .count(),
            raised: changed
                .iter()
                .filter(|d| d.is_sign_negative() && !d.is_zero())
                .count(),
            deducted,
            mean: (!changed.is_empty()).then(|| mean(deducted, changed.len())),
        });
        if let Some(c) = compare(group, threshold) {
            reviewers.push(c);
        }
    }
    by_indicator.sort_by(|a, b| {
        b.deducted
            .cmp(&a.deducted)
            .then_with(|| a.indicator.cmp(&b.indicator))
    });

    let mut reasons: BTreeMap<&str, Vec<&Score>> = BTreeMap::new();
    for s in &scores {
        if let Some(r) = s.reason {
            reasons.entry(r).or_default().push(s);
        }
    }
    let mut by_reason: Vec<ReasonMoves> = reasons
        .into_iter()
        .map(|(reason, group)| {
            let deducted = sum(group.iter().map(|s| &s.deduction));
            let ids: BTreeSet<(&str, &str)> = group.iter().map(|s| (s.indicator, s.name)).collect();
            ReasonMoves {
                reason: reason.to_owned(),
                changes: group.len(),
                indicators: ids.into_iter().map(|(_, name)| name.to_owned()).collect(),
                deducted,
                mean: mean(deducted, group.len()),
            }
        })
        .collect();
    by_reason.sort_by(|a, b| {
        b.changes
            .cmp(&a.changes)
            .then_with(|| b.deducted.cmp(&a.deducted))
            .then_with(|| a.reason.cmp(&b.reason))
    });

    let mut outcomes: Vec<&UnitOutcome> = units.iter().collect();
    outcomes.sort_by(|a, b| a.unit.cmp(&b.unit));
    if let Some(w) = outcomes.windows(2).find(|w| w[0].unit == w[1].unit) {
        return Err(SummaryError::UnitTwice(unit_label(&w[0].unit)));
    }
    let grade_changes = outcomes
        .iter()
        .filter(|u| u.system_grade != u.final_grade)
        .map(|u| GradeChange {
            unit: u.unit.clone(),
            supervisor: u.supervisor.clone(),
            system_total: u.system_total,
            system_grade: u.system_grade.clone(),
            final_total: u.final_total,
            final_grade: u.final_grade.clone(),
            declared_grade: u.declared_grade.clone(),
        })
        .collect();

    Ok(ReviewSummary {
        units: units.len(),
        scores: scores.len(),
        changes: changes.len(),
        threshold,
        by_indicator,
        by_reason,
        grade_changes,
        reviewers,
    })
}

/// The reviewers of one indicator's `group` of scores compared, if two or more reviewed it.
fn compare(group: &[Score], threshold: Decimal) -> Option<ReviewerComparison> {
    let mut by: BTreeMap<&str, (usize, usize, Decimal)> = BTreeMap::new();
    for s in group {
        let e = by.entry(s.reviewer).or_insert((0, 0, Decimal::ZERO));
        e.0 += 1;
        e.1 += usize::from(s.reason.is_some());
        e.2 = e.2.saturating_add(s.deduction);
    }
    if by.len() < 2 {
        return None;
    }
    let all_units = group.len();
    let all_sum = sum(group.iter().map(|s| &s.deduction));
    let reviewers = by
        .into_iter()
        .map(|(reviewer, (units, changes, deducted))| {
            let mean = mean(deducted, units);
            let others = mean_of_rest(all_sum, deducted, all_units - units);
            let difference = mean.saturating_sub(others).normalize();
            let leaning = if difference > threshold {
                Some(Leaning::Harsher)
            } else if -difference > threshold {
                Some(Leaning::Lenient)
            } else {
                None
            };
            ReviewerOnIndicator {
                reviewer: reviewer.to_owned(),
                units,
                changes,
                mean,
                others,
                difference,
                leaning,
            }
        })
        .collect();
    let first = &group[0];
    Some(ReviewerComparison {
        indicator: first.indicator.to_owned(),
        indicator_name: first.name.to_owned(),
        reviewers,
    })
}

fn mean_of_rest(all: Decimal, own: Decimal, n: usize) -> Decimal {
    mean(all.saturating_sub(own), n)
}
