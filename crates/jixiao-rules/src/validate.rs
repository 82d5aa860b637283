//! Validation of a parsed rule set: what serde cannot check.

use std::collections::BTreeSet;
use std::path::Path;

use jixiao_model::EvaluationKind;
use rust_decimal::Decimal;

use crate::limits::{FIGURE_MAX, FIGURE_MIN, POINTS_MAX, Range, SLOPE_MAX};
use crate::{Band, Indicator, Input, Method, RuleError, RuleSet, StepDeduction};

/// Something allowed but worth a look, e.g. weights off the national profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at `{}`: {}", self.key, self.message)
    }
}

struct Validator<'a> {
    path: &'a Path,
    errors: Vec<RuleError>,
    warnings: Vec<Warning>,
    ids: BTreeSet<&'a str>,
}

impl<'a> Validator<'a> {
    fn error(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.errors.push(RuleError {
            path: self.path.to_owned(),
            key: key.into(),
            message: message.into(),
        });
    }

    /// An error at `key` unless `value` is in `range` (the ranges of [`crate::limits`], within
    /// which no figure of a unit can overflow the engine's arithmetic); `name` is the leaf's.
    fn in_range(&mut self, key: String, name: Option<&str>, value: Decimal, range: Range) -> bool {
        if range.contains(value) {
            return true;
        }
        let name = name.map(|n| format!("{n}: ")).unwrap_or_default();
        self.error(
            key,
            format!("{name}expected {range}, found {}", value.normalize()),
        );
        false
    }
}

/// Points: more than 0 and at most [`POINTS_MAX`].
const POINTS: Range = Range::new(FIGURE_MIN, POINTS_MAX);
/// A figure of a rule set (a target, a limit, a step, a tolerance), as a unit's figures.
const FIGURE: Range = Range::new(FIGURE_MIN, FIGURE_MAX);

/// Checks everything the schema alone does not; returns the warnings, or every error found.
pub(crate) fn validate(rules: &RuleSet, path: &Path) -> Result<Vec<Warning>, Vec<RuleError>> {
    let mut v = Validator {
        path,
        errors: Vec::new(),
        warnings: Vec::new(),
        ids: BTreeSet::new(),
    };
    if rules.total <= Decimal::ZERO {
        v.error(
            "total",
            format!("expected more than 0 points, found {}", rules.total),
        );
    } else {
        v.in_range("total".into(), None, rules.total, POINTS);
    }
    if rules.score_decimals > 6 {
        v.error(
            "score_decimals",
            format!("expected 0 to 6 places, found {}", rules.score_decimals),
        );
    }
    for (key, value) in [
        ("tolerances.score", rules.tolerances.score),
        ("tolerances.amount", rules.tolerances.amount),
        (
            "checks.budget_adjustment_max",
            rules.checks.budget_adjustment_max,
        ),
        ("ledger.amount_tolerance", rules.ledger.amount_tolerance),
        ("history.amount_tolerance", rules.history.amount_tolerance),
    ] {
        if value.is_sign_negative() {
            v.error(key, format!("expected 0 or more, found {value}"));
        } else {
            v.in_range(key.into(), None, value, FIGURE.or_zero());
        }
    }
    let threshold = rules.checks.over_achievement_threshold;
    v.in_range(
        "checks.over_achievement_threshold".into(),
        None,
        threshold,
        Range::new(Decimal::ONE, FIGURE_MAX),
    );
    validate_grades(&mut v, rules);
    validate_plugins(&mut v, rules);
    if rules.indicators.is_empty() {
        v.error("indicators", "the rule set has no indicators");
    }
    let top = sum_points(&rules.indicators);
    if top.is_none() {
        v.error(
            "indicators",
            format!("the top-level indicators' points sum past the range of a decimal (each may have at most {POINTS_MAX})"),
        );
    } else if let Some(top) = top.filter(|t| *t != rules.total) {
        v.error(
            "indicators",
            format!(
                "the top-level indicators sum to {} points, but `total` is {}",
                top.normalize(),
                rules.total.normalize()
            ),
        );
    }
    for (i, indicator) in rules.indicators.iter().enumerate() {
        validate_indicator(&mut v, indicator, &format!("indicators[{i}]"));
    }
    if rules.applies_to == EvaluationKind::Project {
        // A top-level group (四川: 绩效指标 90 = 产出 + 效益 + 满意度) counts as its children.
        let weights: Vec<Decimal> = rules
            .indicators
            .iter()
            .flat_map(|i| match i.children.as_slice() {
                [] => vec![i.points],
                children => children.iter().map(|c| c.points).collect(),
            })
            .collect();
        let national = [10, 50, 30, 10].map(Decimal::from);
        if weights != national {
            v.warnings.push(Warning {
                key: "indicators".into(),
                message: format!(
                    "top-level weights {} differ from the national project profile 10/50/30/10 \
                     (预算执行率/产出/效益/满意度); allowed, but check it is intended",
                    weights
                        .iter()
                        .map(|w| w.normalize().to_string())
                        .collect::<Vec<_>>()
                        .join("/")
                ),
            });
        }
    }
    if v.errors.is_empty() {
        Ok(v.warnings)
    } else {
        Err(v.errors)
    }
}

/// The points of `indicators` summed; `None` past the range of a decimal.
fn sum_points(indicators: &[Indicator]) -> Option<Decimal> {
    indicators
        .iter()
        .try_fold(Decimal::ZERO, |sum, i| sum.checked_add(i.points))
}

fn validate_grades(v: &mut Validator<'_>, rules: &RuleSet) {
    if rules.grades.is_empty() {
        v.error("grades", "expected at least one grade band, found none");
        return;
    }
    let mut names = BTreeSet::new();
    for (i, band) in rules.grades.iter().enumerate() {
        if !names.insert(band.name.as_str()) {
            v.error(
                format!("grades[{i}].name"),
                format!("grade `{}` appears twice", band.name),
            );
        }
        if band.min >= band.max {
            v.error(
                format!("grades[{i}]"),
                format!(
                    "grade `{}` is empty: min {} is not below max {}",
                    band.name, band.min, band.max
                ),
            );
        }
    }
    let mut order: Vec<usize> = (0..rules.grades.len()).collect();
    order.sort_by_key(|&i| rules.grades[i].min);
    let first = &rules.grades[order[0]];
    if first.min != Decimal::ZERO {
        v.error(
            format!("grades[{}].min", order[0]),
            format!(
                "the lowest grade `{}` starts at {}; scores from 0 up to it would have no grade",
                first.name, first.min
            ),
        );
    }
    for pair in order.windows(2) {
        let (a, b) = (&rules.grades[pair[0]], &rules.grades[pair[1]]);
        if a.max < b.min {
            v.error(
                format!("grades[{}]", pair[1]),
                format!(
                    "gap between grades `{}` (up to {}) and `{}` (from {}): scores in between have no grade",
                    a.name, a.max, b.name, b.min
                ),
            );
        } else if a.max > b.min {
            v.error(
                format!("grades[{}]", pair[1]),
                format!(
                    "grades `{}` (up to {}) and `{}` (from {}) overlap",
                    a.name, a.max, b.name, b.min
                ),
            );
        }
    }
    let last = &rules.grades[order[order.len() - 1]];
    if last.max != rules.total {
        v.error(
            format!("grades[{}].max", order[order.len() - 1]),
            format!(
                "the highest grade `{}` ends at {}, but the total is {}",
                last.name, last.max, rules.total
            ),
        );
    }
}

fn validate_indicator<'a>(v: &mut Validator<'a>, ind: &'a Indicator, key: &str) {
    if ind.id.trim().is_empty() {
        v.error(
            format!("{key}.id"),
            "expected an identifier, found an empty string",
        );
    } else if !v.ids.insert(&ind.id) {
        v.error(
            format!("{key}.id"),
            format!("indicator id `{}` is used twice", ind.id),
        );
    }
    if ind.points <= Decimal::ZERO {
        v.error(
            format!("{key}.points"),
            format!(
                "{} ({}): expected more than 0 points, found {}",
                ind.id, ind.name, ind.points
            ),
        );
    } else {
        let name = format!("{} ({})", ind.id, ind.name);
        v.in_range(format!("{key}.points"), Some(&name), ind.points, POINTS);
    }
    if !ind.is_leaf() {
        let sum = sum_points(&ind.children);
        if sum.is_none() {
            v.error(
                format!("{key}.children"),
                format!(
                    "the children of group `{}` ({}) have points summing past the range of a decimal",
                    ind.id, ind.name
                ),
            );
        } else if let Some(sum) = sum.filter(|s| *s != ind.points) {
            v.error(
                format!("{key}.children"),
                format!(
                    "the children of group `{}` ({}) sum to {} points, but the group has {}",
                    ind.id,
                    ind.name,
                    sum.normalize(),
                    ind.points.normalize()
                ),
            );
        }
        if ind.input.is_some() || ind.method.is_some() {
            v.error(
                key.to_owned(),
                format!(
                    "group `{}` ({}) has children, so it takes no `input` or `method`",
                    ind.id, ind.name
                ),
            );
        }
        for (i, child) in ind.children.iter().enumerate() {
            validate_indicator(v, child, &format!("{key}.children[{i}]"));
        }
        return;
    }
    let (Some(input), Some(method)) = (&ind.input, &ind.method) else {
        v.error(
            key.to_owned(),
            format!(
                "leaf `{}` ({}) needs both an `input` and a `method`",
                ind.id, ind.name
            ),
        );
        return;
    };
    validate_method(v, ind, input, method, &format!("{key}.method"));
}

fn validate_method(
    v: &mut Validator<'_>,
    ind: &Indicator,
    input: &Input,
    method: &Method,
    key: &str,
) {
    let name = format!("`{}` ({})", ind.id, ind.name);
    let on_metric = matches!(input, Input::Metric(_));
    let on_rows = matches!(input, Input::Row(_) | Input::Rows(_));
    let compatible = match method {
        Method::HigherIsBetter { .. } | Method::LowerIsBetter { .. } | Method::Equal { .. } => {
            on_metric || on_rows
        }
        Method::ByDirection { .. } => matches!(input, Input::Rows(_)),
        Method::Tiers { .. } => on_rows,
        Method::BudgetExecution { .. } => on_metric,
        // Over a metric, or over the rate (or number) one row of the unit reports.
        Method::StepDeduction(_) | Method::Bands { .. } => {
            on_metric || matches!(input, Input::Row(_))
        }
        Method::Checklist { .. } => matches!(input, Input::Facts),
    };
    if !compatible {
        v.error(
            key.to_owned(),
            format!(
                "{name}: method `{}` cannot score input `{}`",
                method.kind(),
                input_kind(input)
            ),
        );
        return;
    }
    let mut at_least = |field: &str, value: Decimal, min: Decimal, inclusive: bool| {
        let ok = if inclusive { value >= min } else { value > min };
        if !ok {
            let relation = if inclusive { "at least" } else { "more than" };
            v.error(
                format!("{key}.{field}"),
                format!("{name}: expected {relation} {min}, found {value}"),
            );
        }
        ok
    };
    match method {
        Method::HigherIsBetter {
            target,
            over_achievement,
        } => {
            check_target(v, &name, key, *target, on_metric, false);
            if let Some(over) = over_achievement {
                check_over(v, &name, &format!("{key}.over_achievement"), over);
            }
        }
        Method::LowerIsBetter { target, .. } => {
            check_target(v, &name, key, *target, on_metric, false);
        }
        Method::Equal { target } => check_target(v, &name, key, *target, on_metric, true),
        Method::ByDirection {
            over_achievement,
            tiers,
            ..
        } => {
            if let Some(over) = over_achievement {
                check_over(v, &name, &format!("{key}.over_achievement"), over);
            }
            check_tiers(v, &name, &format!("{key}.tiers"), tiers);
        }
        Method::Tiers { tiers, .. } => check_tiers(v, &name, &format!("{key}.tiers"), tiers),
        Method::BudgetExecution { .. } => {}
        Method::StepDeduction(StepDeduction {
            limit,
            per,
            deduction,
            ..
        }) => {
            let ok = [
                at_least("limit", *limit, Decimal::ZERO, true),
                at_least("per", *per, Decimal::ZERO, false),
                at_least("deduction", *deduction, Decimal::ZERO, true),
            ];
            let deductions = Range::new(FIGURE_MIN, POINTS_MAX).or_zero();
            for ((field, value, range), ok) in [
                ("limit", *limit, FIGURE.or_zero()),
                ("per", *per, FIGURE),
                ("deduction", *deduction, deductions),
            ]
            .into_iter()
            .zip(ok)
            {
                if ok {
                    v.in_range(format!("{key}.{field}"), Some(&name), value, range);
                }
            }
        }
        Method::Bands { bands } => check_bands(v, &name, key, bands, ind.points),
        Method::Checklist {
            per_item, items, ..
        } => {
            if at_least("per_item", *per_item, Decimal::ZERO, false) {
                v.in_range(format!("{key}.per_item"), Some(&name), *per_item, POINTS);
            }
            if items.is_empty() {
                v.error(
                    format!("{key}.items"),
                    format!("{name}: the checklist has no items"),
                );
            }
            let mut facts = BTreeSet::new();
            for (i, item) in items.iter().enumerate() {
                if !facts.insert(item.fact.as_str()) {
                    v.error(
                        format!("{key}.items[{i}].fact"),
                        format!("{name}: fact `{}` is listed twice", item.fact),
                    );
                }
            }
        }
    }
}

fn input_kind(input: &Input) -> &'static str {
    match input {
        Input::Metric(_) => "metric",
        Input::Row(_) => "row",
        Input::Rows(_) => "rows",
        Input::Facts => "facts",
    }
}

fn check_target(
    v: &mut Validator<'_>,
    name: &str,
    key: &str,
    target: Option<Decimal>,
    required: bool,
    zero_allowed: bool,
) {
    match target {
        None if required => v.error(
            format!("{key}.target"),
            format!("{name}: a metric input needs a `target`, found none"),
        ),
        Some(t) if t.is_sign_negative() || (!zero_allowed && t.is_zero()) => v.error(
            format!("{key}.target"),
            format!(
                "{name}: expected a target {}, found {t}",
                if zero_allowed {
                    "of 0 or more"
                } else {
                    "above 0"
                }
            ),
        ),
        Some(t) => {
            let range = if zero_allowed {
                FIGURE.or_zero()
            } else {
                FIGURE
            };
            v.in_range(format!("{key}.target"), Some(name), t, range);
        }
        None => {}
    }
}

fn check_over(v: &mut Validator<'_>, name: &str, key: &str, over: &crate::OverAchievement) {
    if over.threshold < Decimal::ONE {
        v.error(
            format!("{key}.threshold"),
            format!(
                "{name}: expected a threshold of 1 (100 % of target) or more, found {}",
                over.threshold
            ),
        );
    } else {
        let range = Range::new(Decimal::ONE, FIGURE_MAX);
        v.in_range(
            format!("{key}.threshold"),
            Some(name),
            over.threshold,
            range,
        );
    }
    if over.slope.is_sign_negative() {
        v.error(
            format!("{key}.slope"),
            format!("{name}: expected 0 or more, found {}", over.slope),
        );
    } else {
        let range = Range::new(Decimal::ZERO, SLOPE_MAX);
        v.in_range(format!("{key}.slope"), Some(name), over.slope, range);
    }
    if over.floor < Decimal::ZERO || over.floor > Decimal::ONE {
        v.error(
            format!("{key}.floor"),
            format!("{name}: expected a share from 0 to 1, found {}", over.floor),
        );
    }
}

fn check_tiers(v: &mut Validator<'_>, name: &str, key: &str, tiers: &crate::TierBounds) {
    // Every tier must hold some scores: 0 < partly < achieved ≤ 1.
    if !(Decimal::ZERO < tiers.partly
        && tiers.partly < tiers.achieved
        && tiers.achieved <= Decimal::ONE)
    {
        v.error(
            key.to_owned(),
            format!(
                "{name}: expected 0 < partly < achieved ≤ 1, found partly {} and achieved {}",
                tiers.partly, tiers.achieved
            ),
        );
    }
}

fn check_bands(v: &mut Validator<'_>, name: &str, key: &str, bands: &[Band], points: Decimal) {
    if bands.is_empty() {
        v.error(
            format!("{key}.bands"),
            format!("{name}: the band table is empty"),
        );
    }
    for (i, band) in bands.iter().enumerate() {
        if band.points.is_sign_negative() || band.points > points {
            v.error(
                format!("{key}.bands[{i}].points"),
                format!(
                    "{name}: expected 0 to {points} points, found {}",
                    band.points
                ),
            );
        }
        if let (Some(lo), Some(hi)) = (band.min, band.max) {
            let empty = lo > hi || (lo == hi && (band.min_open || band.max_open));
            if empty {
                v.error(
                    format!("{key}.bands[{i}]"),
                    format!("{name}: band {} contains no value", band.interval()),
                );
            }
        }
        for (j, other) in bands.iter().enumerate().skip(i + 1) {
            if overlap(band, other) {
                v.error(
                    format!("{key}.bands[{j}]"),
                    format!(
                        "{name}: band {} overlaps band {} (bands[{i}])",
                        other.interval(),
                        band.interval()
                    ),
                );
            }
        }
    }
}

/// Whether two intervals share a value.
fn overlap(a: &Band, b: &Band) -> bool {
    // The greater lower bound and the smaller upper bound, each with whether it is open.
    let lower = match (a.min, b.min) {
        (None, None) => None,
        (Some(x), None) => Some((x, a.min_open)),
        (None, Some(y)) => Some((y, b.min_open)),
        (Some(x), Some(y)) if x == y => Some((x, a.min_open || b.min_open)),
        (Some(x), Some(y)) if x > y => Some((x, a.min_open)),
        (Some(_), Some(y)) => Some((y, b.min_open)),
    };
    let upper = match (a.max, b.max) {
        (None, None) => None,
        (Some(x), None) => Some((x, a.max_open)),
        (None, Some(y)) => Some((y, b.max_open)),
        (Some(x), Some(y)) if x == y => Some((x, a.max_open || b.max_open)),
        (Some(x), Some(y)) if x < y => Some((x, a.max_open)),
        (Some(_), Some(y)) => Some((y, b.max_open)),
    };
    match (lower, upper) {
        (Some((lo, lo_open)), Some((hi, hi_open))) => lo < hi || (lo == hi && !lo_open && !hi_open),
        _ => true,
    }
}

fn validate_plugins(v: &mut Validator<'_>, rules: &RuleSet) {
    let mut names = BTreeSet::new();
    for (i, plugin) in rules.plugins.iter().enumerate() {
        let key = format!("plugins[{i}]");
        if plugin.name.trim().is_empty() {
            v.error(
                format!("{key}.name"),
                "expected a plugin name, found an empty string",
            );
        } else if !names.insert(plugin.name.as_str()) {
            v.error(
                format!("{key}.name"),
                format!("plugin `{}` is listed twice", plugin.name),
            );
        }
        if plugin.path.trim().is_empty() {
            v.error(
                format!("{key}.path"),
                "expected a library path, found an empty string",
            );
        }
        if let Some(hash) = &plugin.sha256 {
            let well_formed = hash.len() == 64
                && hash
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
            if !well_formed {
                v.error(
                    format!("{key}.sha256"),
                    format!("expected 64 lowercase hexadecimal digits, found `{hash}`"),
                );
            }
        }
        if plugin.rules.is_empty() {
            v.error(
                format!("{key}.rules"),
                "the plugin is listed but none of its rules is used",
            );
        }
        let mut seen = BTreeSet::new();
        for (j, rule) in plugin.rules.iter().enumerate() {
            if rule.rule.trim().is_empty() {
                v.error(
                    format!("{key}.rules[{j}].rule"),
                    "expected a rule name, found an empty string",
                );
            } else if !seen.insert(rule.rule.as_str()) {
                v.error(
                    format!("{key}.rules[{j}].rule"),
                    format!("rule `{}` is listed twice", rule.rule),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn band(min: Option<Decimal>, min_open: bool, max: Option<Decimal>, max_open: bool) -> Band {
        Band {
            min,
            min_open,
            max,
            max_open,
            points: dec!(1),
        }
    }

    #[test]
    fn bands_touching_at_a_closed_bound_overlap_and_at_an_open_one_do_not() {
        let zero = band(Some(dec!(0)), false, Some(dec!(0)), false);
        let above_zero = band(Some(dec!(0)), true, Some(dec!(0.1)), false);
        let from_zero = band(Some(dec!(0)), false, Some(dec!(0.1)), false);
        assert!(!overlap(&zero, &above_zero));
        assert!(overlap(&zero, &from_zero));
        let rest = band(Some(dec!(0.1)), true, None, false);
        assert!(!overlap(&above_zero, &rest));
        assert!(overlap(
            &band(None, false, Some(dec!(0.5)), false),
            &above_zero
        ));
    }
}
