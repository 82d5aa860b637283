//! The reviewed scores applied to a scorecard (issue 14, item 3).
//!
//! [`apply`] takes a unit's scorecard as the engine made it and the scores a reviewer filled in
//! for it, and returns the scorecard with its re-review: each reviewed leaf's
//! [`ScoredIndicator::reviewed`], each group's reviewed children summed, and a [`ReviewRecord`]
//! with the final total and grade and every change with its reason, reviewer, date and cell.
//! The system's scores, total and grade stay as the engine computed them, beside the review.
//!
//! The rules:
//!
//! - A reviewed score equal to the system's, exactly or as the scorecard and the workbook show it
//!   (rounded to the rule set's `score_decimals`), is no change: it needs no reason, and the leaf
//!   keeps the system's exact score (a reviewer who leaves 4.95 where the system computed
//!   4.9531… moves nothing).
//! - A different score is a change, taken as written, and needs a reason (复核意见).
//! - A score must lie within 0 and the leaf's points; it must be for a leaf of the unit's
//!   scorecard (not a group, not an id the rule set does not give the unit); a leaf may be
//!   reviewed once; a leaf dropped as not applicable (its points rescaled over the rest) can only
//!   be left at 0.
//! - The final total is the engine's own totalling ([`jixiao_engine::totals`]) over the final
//!   leaves: groups summed, the same rescale where leaves were dropped, rounded and graded by
//!   the rule set. Nothing the reviewer did not change moves.
//!
//! [`refusals`] lists every score `apply` would refuse (to correct a workbook in one go),
//! [`check_rule_set`] refuses a workbook made for another rule set or version, and
//! [`unknown_units`] lists the reviewed units that are not in the round.

use std::collections::HashMap;

use jixiao_engine::fmt::{number, round};
use jixiao_engine::{
    EngineError, ReviewChange, ReviewRecord, Scorecard, ScoredIndicator, Status, Totals,
};
use jixiao_rules::ValidRuleSet;
use rust_decimal::Decimal;

use crate::{CellRef, FilledReview, ReviewedScore, UnitKey};

/// Why reviewed scores cannot be applied: each names the cell (or the workbook) to correct, in
/// words for the officer who filled it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// A score that differs from the system's, with no 复核意见.
    #[error(
        "{at}: 「{name}」复核得分 {} 与系统得分 {} 不同, 但未填复核意见",
        number(*reviewed),
        number(*system)
    )]
    NoReason {
        /// The cell (boxed: an error stays small).
        at: Box<CellRef>,
        /// The leaf's id.
        indicator: String,
        name: String,
        /// The system's score as shown (at the rule set's `score_decimals`).
        system: Decimal,
        reviewed: Decimal,
    },
    /// A score below 0 or above the leaf's points.
    #[error(
        "{at}: 「{name}」复核得分 {} 超出分值范围 (应在 0 至 {} 分之间)",
        number(*reviewed),
        number(*points)
    )]
    OutOfPoints {
        /// The cell (boxed: an error stays small).
        at: Box<CellRef>,
        indicator: String,
        name: String,
        reviewed: Decimal,
        points: Decimal,
    },
    /// An indicator id that is not a leaf of the unit's scorecard (a group's, or none of its).
    #[error("{at}: 指标编号 {indicator} 不是「{unit}」评分表中的末级指标, 不能复核打分")]
    NotALeaf {
        /// The cell (boxed: an error stays small).
        at: Box<CellRef>,
        indicator: String,
        /// The unit, for people (`芦淞区科学技术协会`, with ` / 项目` for a project).
        unit: String,
    },
    /// A leaf reviewed a second time.
    #[error("{at}: 「{name}」已在 {first} 复核, 同一指标只能复核一次")]
    Twice {
        /// The cell (boxed: an error stays small).
        at: Box<CellRef>,
        /// Where it was reviewed first.
        first: Box<CellRef>,
        indicator: String,
        name: String,
    },
    /// A non-zero score for a leaf dropped as not applicable.
    #[error(
        "{at}: 「{name}」不适用, 已剔除并按其余指标折算, 复核得分只能为 0 (填写的是 {})",
        number(*reviewed)
    )]
    Dropped {
        /// The cell (boxed: an error stays small).
        at: Box<CellRef>,
        indicator: String,
        name: String,
        reviewed: Decimal,
    },
    /// A score of another unit given to this unit's scorecard.
    #[error("{at}: 该复核得分属于「{found}」, 不是「{unit}」")]
    OtherUnit {
        /// The cell (boxed: an error stays small).
        at: Box<CellRef>,
        found: String,
        unit: String,
    },
    /// A reviewed unit that is not in the round.
    #[error("{at}: 复核表中的「{unit}」不在本轮评分的单位中")]
    UnknownUnit { at: Box<CellRef>, unit: String },
    /// A workbook made for another rule set, or another version of it.
    #[error(
        "{workbook}: 复核表按评分规则 {found_id} v{found_version} 制作, 而本次评分规则是 {expected_id} v{expected_version}, 不能套用"
    )]
    OtherRuleSet {
        workbook: String,
        found_id: String,
        found_version: String,
        expected_id: String,
        expected_version: String,
    },
    /// A scorecard scored under another rule set than the one given.
    #[error(
        "「{unit}」的评分表按评分规则 {found_id} v{found_version} 计算, 不是 {expected_id} v{expected_version}"
    )]
    CardRuleSet {
        unit: String,
        found_id: String,
        found_version: String,
        expected_id: String,
        expected_version: String,
    },
    /// The final total past the range of a decimal (no score within the points reaches it).
    #[error("「{unit}」复核后总分无法计算: {source}")]
    Engine { unit: String, source: EngineError },
}

impl ApplyError {
    /// The refusal of a reviewed unit not in the round (one of [`unknown_units`]).
    pub fn unknown_unit(score: &ReviewedScore) -> ApplyError {
        ApplyError::UnknownUnit {
            at: Box::new(score.at.clone()),
            unit: unit_label(&score.unit),
        }
    }
}

/// Whether two keys are the same unit: the same year and kind; the same unit by its code where
/// both have one, else by its name; and for a project the same project by its code where both
/// have one, else by its name. Names are compared trimmed.
pub fn same_unit(a: &UnitKey, b: &UnitKey) -> bool {
    fn same(
        code_a: &Option<String>,
        code_b: &Option<String>,
        name_a: Option<&str>,
        name_b: Option<&str>,
    ) -> bool {
        match (code_a, code_b) {
            (Some(x), Some(y)) => x.trim() == y.trim(),
            _ => name_a.map(str::trim) == name_b.map(str::trim),
        }
    }
    a.year == b.year
        && a.kind == b.kind
        && same(&a.code, &b.code, Some(&a.name), Some(&b.name))
        && same(
            &a.project_code,
            &b.project_code,
            a.project.as_deref(),
            b.project.as_deref(),
        )
}

/// A unit for people: its name, with ` / ` and its project's for a project.
fn unit_label(key: &UnitKey) -> String {
    match &key.project {
        Some(project) => format!("{} / {}", key.name.trim(), project.trim()),
        None => key.name.trim().to_owned(),
    }
}

/// Refuses a filled workbook made for another rule set (id) or another version of it than
/// `rules`, naming the workbook (the file its scores were read from; `复核表` where it holds
/// none).
pub fn check_rule_set(filled: &FilledReview, rules: &ValidRuleSet) -> Result<(), ApplyError> {
    if filled.rule_set_id == rules.id && filled.rule_set_version == rules.version {
        return Ok(());
    }
    Err(ApplyError::OtherRuleSet {
        workbook: filled
            .scores
            .first()
            .map_or_else(|| "复核表".to_owned(), |s| s.at.workbook.clone()),
        found_id: filled.rule_set_id.clone(),
        found_version: filled.rule_set_version.clone(),
        expected_id: rules.id.clone(),
        expected_version: rules.version.clone(),
    })
}

/// The reviewed units of `filled` that are none of `cards` (matched as [`same_unit`] says): one
/// score per such unit, its first in the workbook's order, for its cell
/// ([`ApplyError::unknown_unit`]). Empty when every reviewed unit is in the round.
pub fn unknown_units<'a>(filled: &'a FilledReview, cards: &[&Scorecard]) -> Vec<&'a ReviewedScore> {
    let keys: Vec<UnitKey> = cards.iter().map(|c| UnitKey::of(c)).collect();
    let mut out: Vec<&ReviewedScore> = Vec::new();
    for score in &filled.scores {
        let known = keys.iter().any(|k| same_unit(k, &score.unit));
        if !known && !out.iter().any(|s| same_unit(&s.unit, &score.unit)) {
            out.push(score);
        }
    }
    out
}

/// A reviewed score checked against its leaf.
struct Checked<'a> {
    score: &'a ReviewedScore,
    /// Whether it differs from the system's.
    changed: bool,
}

/// `card` with the reviewed `scores` of its unit applied (see the module's documentation for
/// the rules). The scores may come from several workbooks. With no scores the card is returned
/// as it is (not reviewed). A review already on `card` is replaced: the review always starts
/// from the system's scores. The first score that cannot be applied, in the order given, is the
/// error ([`refusals`] lists them all).
pub fn apply(
    card: &Scorecard,
    rules: &ValidRuleSet,
    scores: &[&ReviewedScore],
) -> Result<Scorecard, ApplyError> {
    check_card(card, rules)?;
    let unit = unit_label(&UnitKey::of(card));
    let mut out = card.clone();
    out.review = None;
    clear_reviewed(&mut out.indicators);
    if scores.is_empty() {
        return Ok(out);
    }

    let (by_leaf, mut refused) = check_scores(card, rules, scores);
    if !refused.is_empty() {
        return Err(refused.swap_remove(0));
    }

    // The leaves: the reviewer's score where changed, the system's exact score where left.
    let mut changes = Vec::new();
    set_leaves(&mut out.indicators, &by_leaf, &mut changes);
    // The final tree: every leaf at its final score, totalled as the engine totals.
    let mut last = out.indicators.clone();
    final_leaves(&mut last);
    let Totals {
        total_exact,
        total,
        rescaled,
        grade,
        shown_sum,
    } = jixiao_engine::totals(&mut last, rules).map_err(|source| ApplyError::Engine {
        unit: unit.clone(),
        source,
    })?;
    set_groups(&mut out.indicators, &last);

    let mut reviewers: Vec<String> = Vec::new();
    for score in scores {
        let name = score.reviewer.trim();
        if !name.is_empty() && !reviewers.iter().any(|r| r == name) {
            reviewers.push(name.to_owned());
        }
    }
    out.review = Some(ReviewRecord {
        total,
        total_exact,
        grade,
        rescaled,
        shown_sum,
        reviewers,
        changes,
    });
    Ok(out)
}

/// Every reviewed score of `scores` that [`apply`] would refuse, in the order given (each
/// refused score is skipped, so that each further one is checked on its own): for an officer to
/// correct a workbook in one go. Empty where `apply` would apply them all; a scorecard of another
/// rule set than `rules` is the one refusal.
pub fn refusals(
    card: &Scorecard,
    rules: &ValidRuleSet,
    scores: &[&ReviewedScore],
) -> Vec<ApplyError> {
    if let Err(refused) = check_card(card, rules) {
        return vec![refused];
    }
    check_scores(card, rules, scores).1
}

/// Refuses a scorecard scored under another rule set (or version) than `rules`.
fn check_card(card: &Scorecard, rules: &ValidRuleSet) -> Result<(), ApplyError> {
    if card.rule_set.id == rules.id && card.rule_set.version == rules.version {
        return Ok(());
    }
    Err(ApplyError::CardRuleSet {
        unit: unit_label(&UnitKey::of(card)),
        found_id: card.rule_set.id.clone(),
        found_version: card.rule_set.version.clone(),
        expected_id: rules.id.clone(),
        expected_version: rules.version.clone(),
    })
}

/// Each score checked against its leaf of `card`: the ones that can be applied, by leaf id, and
/// the refusals of the others, in the order given.
fn check_scores<'a>(
    card: &'a Scorecard,
    rules: &ValidRuleSet,
    scores: &[&'a ReviewedScore],
) -> (HashMap<&'a str, Checked<'a>>, Vec<ApplyError>) {
    let key = UnitKey::of(card);
    let unit = unit_label(&key);
    let decimals = rules.score_decimals;
    let mut by_leaf: HashMap<&str, Checked<'_>> = HashMap::new();
    // Where each leaf was first reviewed, whether or not that score could be applied.
    let mut first_at: HashMap<&str, &CellRef> = HashMap::new();
    let mut refused = Vec::new();
    for &score in scores {
        let at = || Box::new(score.at.clone());
        if !same_unit(&key, &score.unit) {
            refused.push(ApplyError::OtherUnit {
                at: at(),
                found: unit_label(&score.unit),
                unit: unit.clone(),
            });
            continue;
        }
        let Some(leaf) = card
            .indicator(&score.indicator)
            .filter(|n| n.children.is_empty())
        else {
            refused.push(ApplyError::NotALeaf {
                at: at(),
                indicator: score.indicator.clone(),
                unit: unit.clone(),
            });
            continue;
        };
        if let Some(first) = first_at.get(leaf.id.as_str()) {
            refused.push(ApplyError::Twice {
                at: at(),
                first: Box::new((*first).clone()),
                indicator: leaf.id.clone(),
                name: leaf.name.clone(),
            });
            continue;
        }
        first_at.insert(&leaf.id, &score.at);
        if score.score < Decimal::ZERO || score.score > leaf.points {
            refused.push(ApplyError::OutOfPoints {
                at: at(),
                indicator: leaf.id.clone(),
                name: leaf.name.clone(),
                reviewed: score.score,
                points: leaf.points,
            });
            continue;
        }
        let shown = round(leaf.score, decimals);
        let changed = score.score != leaf.score && score.score != shown;
        if changed && leaf.status == Status::Dropped {
            refused.push(ApplyError::Dropped {
                at: at(),
                indicator: leaf.id.clone(),
                name: leaf.name.clone(),
                reviewed: score.score,
            });
            continue;
        }
        if changed && reason(score).is_none() {
            refused.push(ApplyError::NoReason {
                at: at(),
                indicator: leaf.id.clone(),
                name: leaf.name.clone(),
                system: shown,
                reviewed: score.score,
            });
            continue;
        }
        by_leaf.insert(&leaf.id, Checked { score, changed });
    }
    (by_leaf, refused)
}

/// A score's 复核意见, trimmed; `None` where blank.
fn reason(score: &ReviewedScore) -> Option<&str> {
    score
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
}

fn clear_reviewed(nodes: &mut [ScoredIndicator]) {
    for node in nodes {
        node.reviewed = None;
        clear_reviewed(&mut node.children);
    }
}

/// Each reviewed leaf's `reviewed`, and its change (in the tree's order) where it changed.
fn set_leaves(
    nodes: &mut [ScoredIndicator],
    by_leaf: &HashMap<&str, Checked<'_>>,
    changes: &mut Vec<ReviewChange>,
) {
    for node in nodes {
        if !node.children.is_empty() {
            set_leaves(&mut node.children, by_leaf, changes);
            continue;
        }
        let Some(checked) = by_leaf.get(node.id.as_str()) else {
            continue;
        };
        let score = checked.score;
        if checked.changed {
            node.reviewed = Some(score.score);
            changes.push(ReviewChange {
                indicator: node.id.clone(),
                name: node.name.clone(),
                points: node.points,
                system: node.score,
                reviewed: score.score,
                reason: reason(score).unwrap_or_default().to_owned(),
                reviewer: score.reviewer.trim().to_owned(),
                date: score
                    .date
                    .as_deref()
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(str::to_owned),
                at: score.at.to_string(),
            });
        } else {
            node.reviewed = Some(node.score);
        }
    }
}

/// Every leaf's score set to its final score (for [`jixiao_engine::totals`] to sum).
fn final_leaves(nodes: &mut [ScoredIndicator]) {
    for node in nodes {
        if node.children.is_empty() {
            node.score = node.final_score();
        } else {
            final_leaves(&mut node.children);
        }
    }
}

/// Each group's `reviewed`: its score in the final tree `last` (the same shape), where any leaf
/// under it was reviewed. Returns whether any leaf under `nodes` was.
fn set_groups(nodes: &mut [ScoredIndicator], last: &[ScoredIndicator]) -> bool {
    let mut any = false;
    for (node, last) in nodes.iter_mut().zip(last) {
        if node.children.is_empty() {
            any |= node.reviewed.is_some();
        } else if set_groups(&mut node.children, &last.children) {
            node.reviewed = Some(last.score);
            any = true;
        }
    }
    any
}
