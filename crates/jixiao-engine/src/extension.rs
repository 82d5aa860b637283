//! The safe extension point: rules the rule set cannot express as data (run-time plugins, say)
//! add findings and adjust leaf scores through [`RuleExtension`].
//!
//! The engine stays pure: an extension is called with the unit and the tree scored so far, and
//! returns what it found. The engine applies each adjustment to the named leaf, clamped so the
//! leaf stays within `[0, points]`, records it in the leaf's [`Detail::adjustments`], and sums the
//! parents and the total again. An extension that fails on a unit becomes a finding of
//! [`Severity::Error`] on that unit; the unit is still scored.

use jixiao_model::SelfEvaluation;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::arith::{Overflow, add, sub, sum};
use crate::{Finding, RuleId, ScoredIndicator, Severity};

/// Rules outside the rule set's data, called once per unit after the indicator tree is scored.
pub trait RuleExtension {
    /// What the scorecard records of this extension (name, version, hash of the code).
    fn provenance(&self) -> Vec<PluginRef>;

    /// Runs the extension's rules on one unit. `indicators` is the tree scored so far.
    /// One [`Contribution`] per rule; a rule that failed gives an `Err` with the reason.
    fn extend(&self, unit: &SelfEvaluation, indicators: &[ScoredIndicator]) -> Vec<Contribution>;
}

/// The code that produced part of a scorecard: a plugin, its version and the SHA-256 of its
/// library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginRef {
    pub name: String,
    pub version: String,
    pub sha256: String,
    /// The rules of the plugin the rule set uses.
    pub rules: Vec<String>,
}

/// What one rule of an extension gave for one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The plugin (or other extension) name.
    pub source: String,
    pub rule: String,
    /// Its findings and adjustments, or why it could not run on this unit.
    pub outcome: Result<Effects, String>,
}

/// Findings and score adjustments of one rule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects {
    pub findings: Vec<Finding>,
    pub adjustments: Vec<AdjustmentRequest>,
}

/// A rule's request to move a leaf's score.
#[derive(Debug, Clone, PartialEq)]
pub struct AdjustmentRequest {
    /// The leaf's id in the rule set, e.g. `output.completion`.
    pub indicator: String,
    /// Points to add (negative to deduct).
    pub delta: Decimal,
    pub reason: String,
}

/// An adjustment as applied to a leaf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adjustment {
    /// The plugin rule that asked for it (written `plugin/rule`).
    pub source: RuleId,
    /// Points asked for.
    pub requested: Decimal,
    /// Points applied after clamping the leaf to `[0, points]`.
    pub applied: Decimal,
    pub reason: String,
}

/// Runs the extensions on a scored tree: findings appended, adjustments applied, parents summed
/// again. Returns the provenance of the extensions, for the scorecard.
pub(crate) fn apply(
    unit: &SelfEvaluation,
    indicators: &mut [ScoredIndicator],
    findings: &mut Vec<Finding>,
    extensions: &[&(dyn RuleExtension + Sync)],
) -> Result<Vec<PluginRef>, Overflow> {
    let mut provenance = Vec::new();
    for extension in extensions {
        provenance.extend(extension.provenance());
        for contribution in extension.extend(unit, indicators) {
            let Contribution {
                source: plugin,
                rule,
                outcome,
            } = contribution;
            let source = RuleId::Plugin {
                plugin: plugin.clone(),
                rule: rule.clone(),
            };
            let error = |message: &str| Finding {
                rule: source.clone(),
                severity: Severity::Error,
                indicator: None,
                message: format!("插件 {plugin} 的规则 {rule} 未能用于本单位: {message}"),
                figures: Vec::new(),
            };
            match outcome {
                Err(message) => findings.push(error(&message)),
                Ok(effects) => {
                    findings.extend(effects.findings);
                    for request in effects.adjustments {
                        if let Err(message) = adjust(indicators, &source, request) {
                            findings.push(error(&message));
                        }
                    }
                }
            }
        }
    }
    if !extensions.is_empty() {
        resum(indicators)?;
    }
    Ok(provenance)
}

fn find_leaf<'a>(nodes: &'a mut [ScoredIndicator], id: &str) -> Option<&'a mut ScoredIndicator> {
    for node in nodes {
        if node.id == id {
            return Some(node);
        }
        if let Some(found) = find_leaf(&mut node.children, id) {
            return Some(found);
        }
    }
    None
}

fn adjust(
    indicators: &mut [ScoredIndicator],
    source: &RuleId,
    request: AdjustmentRequest,
) -> Result<(), String> {
    let Some(node) = find_leaf(indicators, &request.indicator) else {
        return Err(format!(
            "adjustment names indicator `{}`, which is not in the rule set",
            request.indicator
        ));
    };
    if !node.children.is_empty() {
        return Err(format!(
            "adjustment names indicator `{}`, which is not a leaf",
            request.indicator
        ));
    }
    // A dropped leaf does not count; its score stays 0 and the adjustment is recorded as 0.
    let out_of_range = || {
        format!(
            "调整 {} 分后「{}」的得分超出可计算的范围",
            request.delta, request.indicator
        )
    };
    let applied = if node.status == crate::Status::Dropped {
        Decimal::ZERO
    } else {
        let new = add(node.score, request.delta)
            .map_err(|_| out_of_range())?
            .max(Decimal::ZERO)
            .min(node.points);
        sub(new, node.score).map_err(|_| out_of_range())?
    };
    node.score = add(node.score, applied).map_err(|_| out_of_range())?;
    // Without explanations (scores only) the leaf has no detail to record the adjustment in.
    if let Some(detail) = node.detail.as_mut() {
        detail.adjustments.push(Adjustment {
            source: source.clone(),
            requested: request.delta,
            applied,
            reason: request.reason,
        });
    }
    Ok(())
}

/// Sums every parent's score from its children again. Each leaf stays within its points, so the
/// sums are within the rule set's; an overflow is the engine's error all the same.
pub(crate) fn resum(nodes: &mut [ScoredIndicator]) -> Result<(), Overflow> {
    for node in nodes {
        if !node.children.is_empty() {
            resum(&mut node.children)?;
            node.score = sum(node.children.iter().map(|c| c.score))?;
        }
    }
    Ok(())
}
