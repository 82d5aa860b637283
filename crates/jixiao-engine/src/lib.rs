//! The scoring engine: a unit's self-evaluation and a rule set in, a [`Scorecard`] out.
//!
//! The engine is pure: no I/O, no clock, no randomness, no global state. The same unit and rule
//! set always give the same scorecard, and every point in it is explained: each leaf records its
//! inputs, the rule in words, the arithmetic and the reason for any deduction; every built-in
//! check that fires adds a [`Finding`].
//!
//! All arithmetic is checked (`crate::arith`; the lint below refuses any other): a figure past
//! what a decimal holds is an error finding on its indicator or unit, never a panic.
#![deny(clippy::arithmetic_side_effects)]

pub mod arith;
mod checks;
mod extension;
pub mod fmt;
pub mod methods;
pub mod metrics;
mod over;
mod rule_id;
mod scorecard;
mod scorecard_json;
mod shown;

use jixiao_model::{CheckedUnit, FieldPath, IndicatorRow, SelfEvaluation};
use jixiao_rules::{
    CheckId, Indicator, Input, Method, RuleSet, Share, SumOf, ValidRuleSet, WhenMissing,
};
use rust_decimal::Decimal;

pub use checks::{BUILTIN_FACTS, says_something};
pub use extension::{
    Adjustment, AdjustmentRequest, Contribution, Effects, PluginRef, RuleExtension,
};
pub use rule_id::{EngineRule, RuleId};
pub use scorecard::*;
pub use scorecard_json::{exact as json_exact, shown as json_shown};

pub use methods::Explain;
use methods::{Outcome, Scale};
use metrics::NotComputed;

/// Why a unit cannot be scored under a rule set at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("评分规则 {rule_set} 用于{expected}绩效自评, 而该单位报送的是{found}绩效自评")]
    KindMismatch {
        rule_set: String,
        expected: &'static str,
        found: &'static str,
    },
    /// The unit's total went past the range of a decimal (which no unit within the figure
    /// bounds can reach under a rule set that passed `check`).
    #[error("得分合计超出可计算的数值范围")]
    Overflow,
}

impl From<arith::Overflow> for EngineError {
    fn from(_: arith::Overflow) -> EngineError {
        EngineError::Overflow
    }
}

/// Scores `unit` under `rules`, explaining every point. Only a checked unit (every figure within
/// bounds, as every reader returns) and a validated rule set can be scored.
pub fn score(unit: &CheckedUnit, rules: &ValidRuleSet) -> Result<Scorecard, EngineError> {
    score_with(unit, rules, &Options::default())
}

/// How to score: whether to explain, and which extensions (rule plugins) to run.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    pub explain: Explain,
    /// Run after the tree is scored: their findings are added, their adjustments applied to the
    /// named leaves, and the total recomputed.
    pub extensions: &'a [&'a (dyn RuleExtension + Sync)],
}

impl std::fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("explain", &self.explain)
            .field("extensions", &self.extensions.len())
            .finish()
    }
}

/// Scores `unit` under `rules` as `options` say. With [`Explain::ScoresOnly`] the leaves carry
/// no [`Detail`] (scores, statuses and findings are the same): for summaries of large batches.
pub fn score_with(
    unit: &CheckedUnit,
    rules: &ValidRuleSet,
    options: &Options<'_>,
) -> Result<Scorecard, EngineError> {
    let valid = rules;
    let (unit, rules): (&SelfEvaluation, &RuleSet) = (unit, rules);
    if unit.unit.kind != rules.applies_to {
        return Err(EngineError::KindMismatch {
            rule_set: rules.id.clone(),
            expected: rules.applies_to.label(),
            found: unit.unit.kind.label(),
        });
    }
    let mut ctx = Context {
        unit,
        rules,
        explain: options.explain,
        findings: checks::run(unit, rules),
    };
    let mut indicators = try_map(rules.indicators.iter(), |ind| ctx.score_indicator(ind))?;
    let plugins = extension::apply(unit, &mut indicators, &mut ctx.findings, options.extensions)?;

    let Totals {
        total_exact,
        total,
        rescaled,
        grade,
        shown_sum,
    } = totals(&mut indicators, valid)?;
    // After the totalling: a group's gap is against its score as summed (`[totals] sum`).
    self_scores(&mut indicators)?;
    let declared = ctx.compare_declared(total, total_exact, grade.as_deref())?;
    Ok(Scorecard {
        unit: UnitRef {
            name: unit.unit.name.clone(),
            code: unit.unit.code.clone(),
            year: unit.unit.year,
            kind: unit.unit.kind,
            project: unit.unit.project.clone(),
            project_code: unit.unit.project_code.clone(),
            supervisor: unit.unit.supervisor.clone(),
            region: unit.unit.region.clone(),
        },
        rule_set: RuleSetRef::of(rules),
        points: rules.total,
        total,
        total_exact,
        grade,
        rescaled,
        shown_sum,
        declared,
        indicators,
        findings: ctx.findings,
        plugins,
        ledger: Vec::new(),
        history: Vec::new(),
        review: None,
    })
}

/// A scored tree's total, as [`score`] computes it: see [`totals`].
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// The total before rounding: the top-level scores summed, rescaled where leaves were
    /// dropped.
    pub total_exact: Decimal,
    /// `total_exact` rounded to the rule set's `score_decimals` (half away from zero): the total
    /// shown.
    pub total: Decimal,
    /// Present when not-applicable leaves were dropped: total = raw × points / available.
    pub rescaled: Option<Rescale>,
    /// The band the total falls in under `[totals] grade_on` (`None` only where the bands leave
    /// it out).
    pub grade: Option<String>,
    /// Under `[totals] sum = "exact"`, where the leaves as shown do not add up to the total as
    /// shown: what they add up to, for the scorecard to say so.
    pub shown_sum: Option<ShownSum>,
}

/// The totalling of a scored tree, the one the engine scores with: every group's score summed
/// again from its children (leaves first), then the top-level scores summed into the raw total;
/// where leaves were dropped (not applicable, the rest rescaled), total = raw × points /
/// available (0 where nothing is available); rounded to the rule set's `score_decimals`; graded
/// by its bands. `[totals] sum` says what is summed: the exact scores (`exact`), or each
/// child's score as shown, rounded to `score_decimals` (`shown`); `grade_on` whether the bands
/// are applied to the rounded total (`shown`) or the exact one. Leaves are never changed. A
/// re-review sets its leaves' scores and calls this, so that its final total is the engine's
/// arithmetic under the same policy. An [`EngineError::Overflow`] only past the range of a
/// decimal.
pub fn totals(
    indicators: &mut [ScoredIndicator],
    rules: &ValidRuleSet,
) -> Result<Totals, EngineError> {
    let places = rules.score_decimals;
    let raw = match rules.totals.sum {
        SumOf::Exact => {
            extension::resum(indicators)?;
            arith::sum(indicators.iter().map(|i| i.score))?
        }
        SumOf::Shown => {
            shown::resum(indicators, places)?;
            arith::sum(indicators.iter().map(|i| shown::shown(i.score, places)))?
        }
    };
    let dropped = dropped_points(indicators)?;
    let available = arith::sub(rules.total, dropped)?;
    // total = raw × points / available where leaves were dropped (0 where nothing is available).
    let rescale = |raw: Decimal| -> arith::Checked {
        if dropped.is_zero() {
            Ok(raw)
        } else if available.is_zero() {
            Ok(Decimal::ZERO)
        } else {
            arith::div(arith::mul(raw, rules.total)?, available)
        }
    };
    let total_exact = rescale(raw)?;
    let rescaled = (!dropped.is_zero()).then_some(Rescale { available, raw });
    let total = fmt::round(total_exact, places);
    let grade = rules.grade_total(total_exact).map(|band| band.name.clone());
    let shown_sum = match rules.totals.sum {
        SumOf::Shown => None,
        SumOf::Exact => {
            let leaves = shown::leaves(indicators, places)?;
            let of_leaves = fmt::round(rescale(leaves)?, places);
            (of_leaves != total).then_some(ShownSum {
                leaves,
                total: of_leaves,
            })
        }
    };
    Ok(Totals {
        total_exact,
        total,
        rescaled,
        grade,
        shown_sum,
    })
}

fn dropped_points(nodes: &[ScoredIndicator]) -> arith::Checked {
    nodes.iter().try_fold(Decimal::ZERO, |sum, n| {
        let dropped = if n.status == Status::Dropped {
            n.points
        } else {
            dropped_points(&n.children)?
        };
        arith::add(sum, dropped)
    })
}

struct Context<'a> {
    unit: &'a SelfEvaluation,
    rules: &'a RuleSet,
    explain: Explain,
    findings: Vec<Finding>,
}

/// A leaf's scored result before it becomes a node.
struct Scored {
    outcome: Outcome,
    inputs: Vec<Figure>,
}

impl Context<'_> {
    /// A node of the tree scored; an `Overflow` only where a group's children sum past the range
    /// of a decimal (a leaf's overflow is its error finding).
    fn score_indicator(&mut self, ind: &Indicator) -> arith::Checked<ScoredIndicator> {
        if !ind.is_leaf() {
            let children = try_map(ind.children.iter(), |c| self.score_indicator(c))?;
            return group(ind, children, None);
        }
        let (Some(input), Some(method)) = (&ind.input, &ind.method) else {
            // Validation refuses such a leaf; scoring it as missing keeps the engine total.
            return Ok(self.unscored(ind, "kind", "规则未给出输入或计分方法".into()));
        };
        let result = match input {
            Input::Metric(metric) => self.score_metric(ind, *metric, method),
            Input::Row(name) => self.score_named_row(ind, name, method),
            Input::Rows(selection) => return self.score_rows(ind, selection, method),
            Input::Facts => self.score_checklist(ind, method),
        };
        let node = match result {
            Ok(scored) => leaf(
                ind.id.clone(),
                ind.name.clone(),
                ind.points,
                method,
                scored,
                self.explain,
            ),
            Err(why) => self.unscored(ind, method.kind(), why),
        };
        Ok(with_self_score(node, self.self_score_of(ind, input)))
    }

    /// What the unit scored itself for a leaf, out of which points: the 得分 of its 自评表 row
    /// named like the leaf (or the row the leaf reads), or for 预算执行率 without such a row the
    /// 得分 of the 自评表's execution row (out of that row's 分值, or the leaf's points when the
    /// unit gave none).
    fn self_score_of(&self, ind: &Indicator, input: &Input) -> Option<SelfScoreFrom> {
        let named = |name: &str| {
            let row = self
                .unit
                .indicators
                .iter()
                .find(|r| r.name.trim() == name)?;
            Some(SelfScoreFrom {
                score: row.self_score?,
                points: row.points,
            })
        };
        match input {
            Input::Row(name) => named(name),
            Input::Metric(metric) => {
                if self
                    .unit
                    .indicators
                    .iter()
                    .any(|r| r.name.trim() == ind.name)
                {
                    return named(&ind.name);
                }
                if *metric != jixiao_rules::Metric::ExecutionRate {
                    return None;
                }
                let execution = self.unit.execution.as_ref()?;
                Some(SelfScoreFrom {
                    score: execution.self_score?,
                    points: execution.points.unwrap_or(ind.points),
                })
            }
            Input::Rows(_) | Input::Facts => None,
        }
    }

    /// A leaf that could not be scored from its figures: `NotComputed::Undefined` (figures there,
    /// formula without a value: 0 points whatever `when_missing` says, with a finding) or
    /// `NotComputed::Missing` (handled as the rule set's `when_missing` says) or
    /// `NotComputed::Overflow` (a figure past what a decimal holds: 0 points with an error
    /// finding).
    fn unscored(&mut self, ind: &Indicator, method: &str, why: NotComputed) -> ScoredIndicator {
        let zero = Decimal::ZERO;
        let (score, status, formula, rule, why) = match why {
            NotComputed::Undefined(why) => (
                zero,
                Status::Scored,
                "无法计算, 计 0 分",
                Some((EngineRule::UndefinedInput, "无法计算")),
                why,
            ),
            NotComputed::Overflow => (
                zero,
                Status::Scored,
                "数值超出可计算的范围, 计 0 分",
                Some((EngineRule::Overflow, "无法计分")),
                "计算中的数值超出可计算的范围 (单位数据过大或过小)".to_owned(),
            ),
            NotComputed::Missing(why) => match ind.when_missing {
                WhenMissing::Zero => (
                    zero,
                    Status::Missing,
                    "缺少数据, 计 0 分",
                    Some((EngineRule::MissingInput, "缺少数据")),
                    why,
                ),
                WhenMissing::Full => (
                    ind.points,
                    Status::NotApplicable,
                    "不适用, 按满分计",
                    None,
                    why,
                ),
                WhenMissing::Rescale => (
                    zero,
                    Status::Dropped,
                    "不适用, 不计入总分, 其余指标按比例折算",
                    None,
                    why,
                ),
            },
        };
        if let Some((rule, what)) = rule {
            self.findings.push(Finding {
                rule: rule.into(),
                severity: match rule {
                    EngineRule::Overflow => Severity::Error,
                    _ => Severity::Soft,
                },
                indicator: Some(ind.id.clone()),
                message: format!("「{}」{what}: {why}, 计 0 分", ind.name),
                figures: Vec::new(),
            });
        }
        ScoredIndicator {
            id: ind.id.clone(),
            name: ind.name.clone(),
            points: ind.points,
            score,
            status,
            children: Vec::new(),
            detail: (self.explain == Explain::Full).then(|| {
                Box::new(Detail {
                    method: method.to_owned(),
                    rule: ind.criterion.clone().unwrap_or_default(),
                    inputs: Vec::new(),
                    formula: formula.to_owned(),
                    reason: Some(why),
                    adjustments: Vec::new(),
                })
            }),
            self_score: None,
            self_score_from: None,
            self_score_gap: None,
            reviewed: None,
        }
    }

    /// The hard finding for a self-score that the recomputed score does not bear out, when the
    /// gap is beyond the tolerance: `claimed` is the 得分 of row `row` of the unit's table, and
    /// `points` are the row's own points, where both are compared.
    fn check_self_score(
        &mut self,
        id: &str,
        name: &str,
        (claimed, row): (Decimal, usize),
        expected: Decimal,
        points: Decimal,
    ) -> arith::Checked<()> {
        let gap = arith::sub(claimed, expected)?;
        if gap.abs() <= self.rules.tolerances.score {
            return Ok(());
        }
        self.findings.push(Finding {
            rule: CheckId::SelfScores.into(),
            severity: Severity::Hard,
            indicator: Some(id.to_owned()),
            message: format!(
                "「{name}」自评得分 {} 与按公式计算的 {} (分值 {}) 不符, 相差 {}",
                fmt::points(claimed, 2),
                fmt::points(expected, 2),
                fmt::number(points),
                fmt::points(gap, 2)
            ),
            figures: vec![
                Figure::new("自评得分", claimed, "分").of(row_field(row, "self_score")),
                Figure::new("复核得分", expected, "分"),
            ],
        });
        Ok(())
    }

    fn score_metric(
        &mut self,
        ind: &Indicator,
        metric: jixiao_rules::Metric,
        method: &Method,
    ) -> Result<Scored, NotComputed> {
        let computed = metrics::compute(metric, self.unit, self.explain)?;
        let w = ind.points;
        let ex = self.explain;
        let value = computed.value;
        let target = |t: &Option<Decimal>| t.unwrap_or(Decimal::ONE);
        let mut outcome = match method {
            Method::HigherIsBetter {
                target: t,
                over_achievement,
            } => {
                let out = methods::higher_is_better(w, value, target(t), Scale::Rate, ex)?;
                match over_achievement {
                    Some(over) => {
                        methods::over_achievement(out, w, value, target(t), over, false, ex)?
                    }
                    None => out,
                }
            }
            Method::LowerIsBetter { target: t, above } => {
                methods::lower_is_better(w, value, target(t), *above, Scale::Rate, ex)?
            }
            Method::Equal { target: t } => methods::equal(w, value, target(t), Scale::Rate, ex)?,
            Method::BudgetExecution { rounding } => {
                methods::budget_execution(w, value, *rounding, ex)?
            }
            Method::StepDeduction(step) => {
                methods::step_deduction(w, value, step, Scale::Rate, ex)?
            }
            Method::Bands { bands } => methods::bands(w, value, bands, Scale::Rate, ex)?,
            Method::ByDirection { .. } | Method::Tiers { .. } | Method::Checklist { .. } => {
                return Err(format!("方法 {} 不适用于计算指标", method.kind()).into());
            }
        };
        if ex == Explain::Full {
            outcome.formula = format!("{}; {}", computed.formula, outcome.formula);
        }
        if metric == jixiao_rules::Metric::CompletionRate && self.unit.base.tasks.is_none() {
            // Counted from the unit's measurable goals, whose targets the unit set itself.
            let configured = match method {
                Method::HigherIsBetter {
                    over_achievement, ..
                } => over_achievement.as_ref(),
                _ => None,
            };
            let threshold = over::threshold(self.rules, configured);
            let found = over::goals(self.rules, self.unit, threshold, &ind.id)?;
            self.findings.extend(found);
        }
        self.compare_metric_row(ind, outcome.score)?;
        Ok(Scored {
            outcome,
            inputs: computed.inputs,
        })
    }

    /// Where the unit's table has a row named like a metric leaf (its own 预算执行率 row, say),
    /// compares the row's self-score with the leaf's score at the row's points.
    fn compare_metric_row(&mut self, ind: &Indicator, score: Decimal) -> arith::Checked<()> {
        let unit = self.unit;
        let Some((index, row, claimed)) = unit
            .indicators
            .iter()
            .enumerate()
            .find(|(_, r)| r.name.trim() == ind.name)
            .and_then(|(index, row)| Some((index, row, row.self_score?)))
        else {
            return Ok(());
        };
        if self.rules.checks.enabled(CheckId::SelfScores) && !ind.points.is_zero() {
            self.check_self_score(
                &ind.id,
                &ind.name,
                (claimed, index),
                arith::div(arith::mul(score, row.points)?, ind.points)?,
                row.points,
            )?;
        }
        Ok(())
    }

    fn score_named_row(
        &mut self,
        ind: &Indicator,
        name: &str,
        method: &Method,
    ) -> Result<Scored, NotComputed> {
        let unit = self.unit;
        let row = unit
            .indicators
            .iter()
            .enumerate()
            .find(|(_, r)| r.name.trim() == name)
            .ok_or_else(|| format!("单位自评表中无「{name}」"))?;
        self.score_row(&ind.id, ind.points, row, method)
    }

    /// The unit's own rows under one leaf: points shared, each row a child.
    fn score_rows(
        &mut self,
        ind: &Indicator,
        selection: &jixiao_rules::RowSelection,
        method: &Method,
    ) -> arith::Checked<ScoredIndicator> {
        let unit = self.unit;
        let rows: Vec<(usize, &IndicatorRow)> = unit
            .indicators
            .iter()
            .enumerate()
            .filter(|(_, r)| r.level1.trim() == selection.level1)
            .filter(|(_, r)| {
                selection
                    .level2
                    .as_ref()
                    .is_none_or(|l2| r.level2.as_deref().map(str::trim) == Some(l2.as_str()))
            })
            .collect();
        if rows.is_empty() {
            let what = match &selection.level2 {
                Some(l2) => format!("{} / {}", selection.level1, l2),
                None => selection.level1.clone(),
            };
            return Ok(self.unscored(
                ind,
                method.kind(),
                format!("单位自评表中无「{what}」指标").into(),
            ));
        }
        let declared = arith::sum(rows.iter().map(|(_, r)| r.points))?;
        let by_declared = selection.share == Share::Declared && !declared.is_zero();
        let n = Decimal::from(rows.len());
        let children = try_map(rows.iter().enumerate(), |(i, &(index, row))| {
            let w = if by_declared {
                arith::div(arith::mul(ind.points, row.points)?, declared)?
            } else {
                arith::div(ind.points, n)?
            };
            let id = format!("{}[{}]", ind.id, i.saturating_add(1));
            let name = row.name.trim().to_owned();
            let claimed = row.self_score.map(|score| SelfScoreFrom {
                score,
                points: row.points,
            });
            let node = match self.score_row(&id, w, (index, row), method) {
                Ok(scored) => leaf(id, name, w, method, scored, self.explain),
                Err(why) => {
                    let as_indicator = Indicator {
                        id,
                        name,
                        points: w,
                        children: Vec::new(),
                        input: None,
                        method: None,
                        when_missing: WhenMissing::Zero,
                        criterion: None,
                    };
                    self.unscored(&as_indicator, method.kind(), why)
                }
            };
            Ok(with_self_score(node, claimed))
        })?;
        let explain = self.explain == Explain::Full;
        let detail = explain.then(|| {
            Box::new(Detail {
                method: method.kind().to_owned(),
                rule: format!("单位自评表「{}」各行 (个性指标)", selection.level1),
                inputs: Vec::new(),
                formula: if by_declared {
                    format!(
                        "{} 分按各行分值占比分配 (各行分值合计 {})",
                        fmt::number(ind.points),
                        fmt::number(declared)
                    )
                } else {
                    format!("{} 分由 {} 行平均分配", fmt::number(ind.points), n)
                },
                reason: None,
                adjustments: Vec::new(),
            })
        });
        group(ind, children, detail)
    }

    /// Scores one of the unit's rows (with its index in the unit's table) at `w` points, and
    /// compares its self-score.
    fn score_row(
        &mut self,
        id: &str,
        w: Decimal,
        (index, row): (usize, &IndicatorRow),
        method: &Method,
    ) -> Result<Scored, NotComputed> {
        let outcome = self.row_outcome(id, w, (index, row), method, true)?;
        if let (Some(claimed), true) = (
            row.self_score,
            self.rules.checks.enabled(CheckId::SelfScores),
        ) && !row_is_tiered(row, method)
            && !row.points.is_zero()
        {
            let at_declared = match method {
                // Band points and deductions are the leaf's: the row's share is the leaf's
                // score scaled to the row's points.
                Method::StepDeduction(_) | Method::Bands { .. } if !w.is_zero() => {
                    arith::div(arith::mul(outcome.score, row.points)?, w)?
                }
                _ => {
                    self.row_outcome(id, row.points, (index, row), method, false)?
                        .score
                }
            };
            self.check_self_score(
                id,
                row.name.trim(),
                (claimed, index),
                at_declared,
                row.points,
            )?;
        }
        let inputs = match self.explain {
            Explain::Full => row_inputs(index, row),
            Explain::ScoresOnly => Vec::new(),
        };
        Ok(Scored { outcome, inputs })
    }
}

/// `declared.total`: the total the unit gave itself.
fn declared_total_field() -> FieldPath {
    FieldPath::new("declared").key("total")
}

/// The field `key` of row `index` of the unit's table: `indicators[3].self_score`.
fn row_field(index: usize, key: &str) -> FieldPath {
    FieldPath::item("indicators", index, key)
}

/// The figures of row `index` of the unit's table, for its scorecard line.
fn row_inputs(index: usize, row: &IndicatorRow) -> Vec<Figure> {
    let mut inputs = Vec::new();
    let unit_of = row.unit.clone().unwrap_or_default();
    if let Some(t) = row.target {
        let direction = row.direction.map_or("", |d| d.symbol());
        inputs.push(
            Figure::new(format!("年度指标值 {direction}"), t, unit_of.clone())
                .of(row_field(index, "target")),
        );
    }
    if let Some(a) = row.actual {
        inputs.push(Figure::new("实际完成值", a, unit_of).of(row_field(index, "actual")));
    }
    inputs.push(Figure::new("自评表分值", row.points, "分").of(row_field(index, "points")));
    inputs
}

impl Context<'_> {
    /// The method applied to one row at `w` points. `report` adds the findings it raises (off
    /// when recomputing at the row's own points for comparison).
    fn row_outcome(
        &mut self,
        id: &str,
        w: Decimal,
        (index, row): (usize, &IndicatorRow),
        method: &Method,
        report: bool,
    ) -> Result<Outcome, NotComputed> {
        let name = row.name.trim();
        let ex = self.explain;
        let numeric = |t: Option<Decimal>| -> Result<(Decimal, Decimal), String> {
            let target = t
                .or(row.target)
                .ok_or_else(|| format!("「{name}」未填年度指标值"))?;
            let actual = row
                .actual
                .ok_or_else(|| format!("「{name}」未填实际完成值"))?;
            Ok((actual, target))
        };
        let explained = row
            .explanation
            .as_deref()
            .is_some_and(|e| says_something(Some(e), &self.rules.checks.empty_words));
        let higher = |w, actual, target, over: &Option<jixiao_rules::OverAchievement>| {
            let out = methods::higher_is_better(w, actual, target, Scale::Plain, ex)?;
            match over {
                Some(over) => {
                    methods::over_achievement(out, w, actual, target, over, explained, ex)
                }
                None => Ok(out),
            }
        };
        // The soft finding for an actual far above the row's own target, unless explained.
        let flag =
            |ctx: &mut Self, actual, target, over: Option<&jixiao_rules::OverAchievement>| {
                if !report || explained {
                    return Ok(());
                }
                let exceeded = over::Exceeded {
                    what: "自评表指标",
                    name,
                    actual,
                    target,
                    measure: row.unit.as_deref().map_or("", str::trim),
                    fields: (row_field(index, "actual"), row_field(index, "target")),
                };
                let threshold = over::threshold(ctx.rules, over);
                let found = over::finding(ctx.rules, threshold, id, exceeded)?;
                ctx.findings.extend(found);
                Ok::<(), NotComputed>(())
            };
        let tiered = |ctx: &mut Self, bounds, outside| -> Result<Outcome, NotComputed> {
            let tier = row
                .tier
                .ok_or_else(|| format!("「{name}」未报定性档次 (达成/部分达成/未达成)"))?;
            // Judged at the row's own points, where the unit chose its score (scaling first
            // would put a score exactly on a bound a hair outside it), then scaled to `w`.
            let own = if row.points.is_zero() { w } else { row.points };
            let (mut outcome, problem) =
                methods::tiers(own, tier, row.self_score, bounds, outside, ex)?;
            if own != w {
                let scaled = arith::div(arith::mul(outcome.score, w)?, own)?;
                if ex == Explain::Full {
                    outcome.formula.push_str(&format!(
                        "; 按分值折算 {} × {} / {} = {}",
                        fmt::points(outcome.score, 2),
                        fmt::number(w),
                        fmt::number(own),
                        fmt::points(scaled, 2)
                    ));
                }
                outcome.score = scaled;
            }
            if let (Some(problem), true) = (problem, report) {
                ctx.findings.push(Finding {
                    rule: EngineRule::Tiers.into(),
                    severity: Severity::Hard,
                    indicator: Some(id.to_owned()),
                    message: format!("「{name}」{problem}"),
                    figures: Vec::new(),
                });
            }
            Ok(outcome)
        };
        Ok(match method {
            Method::HigherIsBetter {
                target,
                over_achievement,
            } => {
                let (a, t) = numeric(*target)?;
                if target.is_none() {
                    flag(self, a, t, over_achievement.as_ref())?;
                }
                higher(w, a, t, over_achievement)?
            }
            Method::LowerIsBetter { target, above } => {
                let (a, t) = numeric(*target)?;
                methods::lower_is_better(w, a, t, *above, Scale::Plain, ex)?
            }
            Method::Equal { target } => {
                let (a, t) = numeric(*target)?;
                if target.is_none() {
                    flag(self, a, t, None)?;
                }
                methods::equal(w, a, t, Scale::Plain, ex)?
            }
            Method::Tiers {
                tiers,
                outside_tier,
            } => tiered(self, tiers, *outside_tier)?,
            Method::ByDirection {
                above,
                over_achievement,
                tiers,
                outside_tier,
            } => match row.direction {
                _ if row_is_tiered(row, method) => tiered(self, tiers, *outside_tier)?,
                Some(jixiao_model::Direction::AtLeast) => {
                    let (a, t) = numeric(None)?;
                    flag(self, a, t, over_achievement.as_ref())?;
                    higher(w, a, t, over_achievement)?
                }
                Some(jixiao_model::Direction::AtMost) => {
                    let (a, t) = numeric(None)?;
                    methods::lower_is_better(w, a, t, *above, Scale::Plain, ex)?
                }
                Some(jixiao_model::Direction::Equal) => {
                    let (a, t) = numeric(None)?;
                    flag(self, a, t, over_achievement.as_ref())?;
                    methods::equal(w, a, t, Scale::Plain, ex)?
                }
                None => {
                    return Err(format!("「{name}」既无方向 (≥ ≤ =) 也无定性档次, 无法计分").into());
                }
            },
            Method::StepDeduction(step) => {
                let (value, scale) = reported_value(row)?;
                methods::step_deduction(w, value, step, scale, ex)?
            }
            Method::Bands { bands } => {
                let (value, scale) = reported_value(row)?;
                methods::bands(w, value, bands, scale, ex)?
            }
            Method::BudgetExecution { .. } | Method::Checklist { .. } => {
                return Err(format!("方法 {} 不适用于自评表行", method.kind()).into());
            }
        })
    }

    fn score_checklist(&mut self, ind: &Indicator, method: &Method) -> Result<Scored, NotComputed> {
        let Method::Checklist {
            mode,
            per_item,
            items,
        } = method
        else {
            return Err(format!("方法 {} 不适用于是否类事实", method.kind()).into());
        };
        let answers: Vec<methods::Answer<'_>> = items
            .iter()
            .map(|item| methods::Answer {
                label: &item.label,
                met: checks::builtin_fact(self.unit, self.rules, &item.fact)
                    .or_else(|| self.unit.facts.get(&item.fact).copied()),
            })
            .collect();
        let outcome = methods::checklist(ind.points, *mode, *per_item, &answers, self.explain)?;
        let inputs = answers
            .iter()
            .map(|a| {
                let value = match a.met {
                    Some(true) => Decimal::ONE,
                    _ => Decimal::ZERO,
                };
                let unit = match a.met {
                    Some(true) => "是",
                    Some(false) => "否",
                    None => "未提供",
                };
                Figure::new(a.label, value, unit)
            })
            .collect();
        Ok(Scored { outcome, inputs })
    }

    /// Compares what the unit declared with the recomputed total and grade; a declared total is
    /// graded as the recomputed one is (`[totals] grade_on`).
    fn compare_declared(
        &mut self,
        total: Decimal,
        total_exact: Decimal,
        grade: Option<&str>,
    ) -> arith::Checked<Option<DeclaredComparison>> {
        let Some(declared) = self.unit.declared.as_ref() else {
            return Ok(None);
        };
        let rules = self.rules;
        let gap = declared.total.map(|t| arith::sub(t, total)).transpose()?;
        if let (Some(declared_total), Some(declared_grade)) = (declared.total, &declared.grade)
            && rules.checks.enabled(CheckId::DeclaredGrade)
        {
            let band = rules.grade_total(declared_total);
            if !band.is_some_and(|b| b.is_named(declared_grade)) {
                self.findings.push(Finding {
                    rule: CheckId::DeclaredGrade.into(),
                    severity: Severity::Hard,
                    indicator: None,
                    message: format!(
                        "自评等级「{}」与自评总分 {} 不符: 按本规则应为「{}」",
                        declared_grade.trim(),
                        fmt::points(declared_total, 2),
                        band.map_or("无等级", |b| b.name.as_str())
                    ),
                    figures: vec![
                        Figure::new("自评总分", declared_total, "分").of(declared_total_field()),
                    ],
                });
            }
        }
        if rules.checks.enabled(CheckId::SelfScores) {
            if let Some(gap) = gap.filter(|g| g.abs() > rules.tolerances.score) {
                let declared_total = declared.total.unwrap_or_default();
                self.findings.push(Finding {
                    rule: CheckId::SelfScores.into(),
                    severity: Severity::Soft,
                    indicator: None,
                    message: format!(
                        "自评总分 {} {}复核得分 {} ({} 分)",
                        fmt::points(declared_total, 2),
                        if gap.is_sign_positive() {
                            "高于"
                        } else {
                            "低于"
                        },
                        fmt::points(total, 2),
                        fmt::points(gap, 2)
                    ),
                    figures: vec![
                        Figure::new("自评总分", declared_total, "分").of(declared_total_field()),
                        Figure::new("复核得分", total, "分"),
                    ],
                });
            }
            if let (None, Some(declared_grade)) = (declared.total, &declared.grade) {
                let recomputed = rules.grade_total(total_exact);
                if !recomputed.is_some_and(|b| b.is_named(declared_grade)) {
                    self.findings.push(Finding {
                        rule: CheckId::SelfScores.into(),
                        severity: Severity::Soft,
                        indicator: None,
                        message: format!(
                            "自评等级「{}」与复核等级「{}」不同",
                            declared_grade.trim(),
                            grade.unwrap_or("无等级")
                        ),
                        figures: Vec::new(),
                    });
                }
            }
        }
        if let Some(declared_total) = declared.total
            && rules.checks.enabled(CheckId::RowSums)
            && !self.unit.indicators.is_empty()
        {
            let scores: Option<Vec<Decimal>> =
                self.unit.indicators.iter().map(|r| r.self_score).collect();
            if let Some(scores) = scores {
                // The 自评表's own execution row (预算执行 得分) counts towards its total.
                let execution = self.unit.execution.as_ref().and_then(|e| e.self_score);
                let rows = arith::sum(scores.iter().copied())?;
                let sum = arith::add(rows, execution.unwrap_or(Decimal::ZERO))?;
                if arith::sub(sum, declared_total)?.abs() > rules.tolerances.score {
                    let mut figures = vec![
                        Figure::new("各行得分合计", rows, "分")
                            .of_all((0..scores.len()).map(|i| row_field(i, "self_score"))),
                    ];
                    if let Some(e) = execution {
                        figures.push(
                            Figure::new("预算执行得分", e, "分")
                                .of(FieldPath::new("execution").key("self_score")),
                        );
                    }
                    figures.push(
                        Figure::new("自评总分", declared_total, "分").of(declared_total_field()),
                    );
                    self.findings.push(Finding {
                        rule: CheckId::RowSums.into(),
                        severity: Severity::Hard,
                        indicator: None,
                        message: match execution {
                            Some(e) => format!(
                                "自评表各行得分合计 {} 加预算执行得分 {} 为 {}, 与自评总分 {} 不符",
                                fmt::points(rows, 2),
                                fmt::points(e, 2),
                                fmt::points(sum, 2),
                                fmt::points(declared_total, 2)
                            ),
                            None => format!(
                                "自评表各行得分合计 {} 与自评总分 {} 不符",
                                fmt::points(sum, 2),
                                fmt::points(declared_total, 2)
                            ),
                        },
                        figures,
                    });
                }
            }
        }
        Ok(Some(DeclaredComparison {
            total: declared.total,
            grade: declared.grade.clone(),
            gap,
        }))
    }
}

/// The value a row reports, for a step deduction or a band table over it: its 实际完成值 as the
/// unit wrote it, a rate in percent (`unit = "%"`) as a fraction (96 % → 0.96, as metrics are),
/// any other number as written. A qualitative actual (达到预期) has no value; no actual is missing.
fn reported_value(row: &IndicatorRow) -> Result<(Decimal, Scale), NotComputed> {
    let name = row.name.trim();
    match (row.actual, row.actual_text.as_deref().map(str::trim)) {
        (Some(actual), _) => {
            let percent = row
                .unit
                .as_deref()
                .is_some_and(|u| matches!(u.trim(), "%" | "％"));
            if percent {
                Ok((arith::div(actual, Decimal::ONE_HUNDRED)?, Scale::Rate))
            } else {
                Ok((actual, Scale::Plain))
            }
        }
        (None, Some(text)) if !text.is_empty() => Err(NotComputed::Undefined(format!(
            "「{name}」实际完成值「{text}」不是数值, 无法按规则计分"
        ))),
        (None, _) => Err(format!("「{name}」未填实际完成值").into()),
    }
}

/// Whether a row is scored by its qualitative tier rather than by numbers.
fn row_is_tiered(row: &IndicatorRow, method: &Method) -> bool {
    match method {
        Method::Tiers { .. } => true,
        Method::ByDirection { .. } => {
            row.tier.is_some() && (row.direction.is_none() || row.actual.is_none())
        }
        _ => false,
    }
}

/// `f` of each item, in order, or its first error: collected into a vector allocated once at
/// its final length (nodes are large, and `collect` of a `Result` grows and moves them).
fn try_map<I: ExactSizeIterator, U, E>(
    items: I,
    mut f: impl FnMut(I::Item) -> Result<U, E>,
) -> Result<Vec<U>, E> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(f(item)?);
    }
    Ok(out)
}

/// A node over `children`: its score is theirs summed.
fn group(
    ind: &Indicator,
    children: Vec<ScoredIndicator>,
    detail: Option<Box<Detail>>,
) -> arith::Checked<ScoredIndicator> {
    Ok(ScoredIndicator {
        id: ind.id.clone(),
        name: ind.name.clone(),
        points: ind.points,
        score: arith::sum(children.iter().map(|c| c.score))?,
        status: Status::Scored,
        children,
        self_score: None,
        self_score_from: None,
        self_score_gap: None,
        detail,
        reviewed: None,
    })
}

fn leaf(
    id: String,
    name: String,
    w: Decimal,
    method: &Method,
    scored: Scored,
    explain: Explain,
) -> ScoredIndicator {
    ScoredIndicator {
        id,
        name,
        points: w,
        score: scored.outcome.score,
        status: Status::Scored,
        children: Vec::new(),
        detail: (explain == Explain::Full).then(|| {
            Box::new(Detail {
                method: method.kind().to_owned(),
                rule: scored.outcome.rule,
                inputs: scored.inputs,
                formula: scored.outcome.formula,
                reason: scored.outcome.reason,
                adjustments: Vec::new(),
            })
        }),
        self_score: None,
        self_score_from: None,
        self_score_gap: None,
        reviewed: None,
    }
}

/// `node` with the self-score the unit gave it, as written (scaled to the node's points and
/// compared by [`self_scores`], once the tree is final).
fn with_self_score(mut node: ScoredIndicator, claimed: Option<SelfScoreFrom>) -> ScoredIndicator {
    if let Some(claimed) = claimed {
        node.self_score = Some(claimed.score);
        node.self_score_from =
            (claimed.points != node.points && !claimed.points.is_zero()).then_some(claimed);
    }
    node
}

/// Each node's self-score on its own points, and its gap to the recomputed score: a leaf's
/// scaled from its row's points where they differ, a group's its children's summed where each
/// child has one. Run on the final tree (after plugin adjustments), so that the gap is to the
/// score shown.
fn self_scores(nodes: &mut [ScoredIndicator]) -> arith::Checked<()> {
    for node in nodes {
        if node.children.is_empty() {
            if let Some(from) = node.self_score_from {
                node.self_score = Some(arith::div(
                    arith::mul(from.score, node.points)?,
                    from.points,
                )?);
            }
        } else {
            self_scores(&mut node.children)?;
            node.self_score = node
                .children
                .iter()
                .map(|c| c.self_score)
                .collect::<Option<Vec<_>>>()
                .map(arith::sum)
                .transpose()?;
        }
        node.self_score_gap = node
            .self_score
            .map(|s| arith::sub(s, node.score))
            .transpose()?;
    }
    Ok(())
}
