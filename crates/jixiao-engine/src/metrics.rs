//! Figures computed from a unit's data for ratio indicators (docs/domain.md §3).

use jixiao_model::{FieldPath, FullYearSource, SelfEvaluation};
use jixiao_rules::Metric;
use rust_decimal::Decimal;

use crate::arith::{Overflow, add, div, sub, sum};
use crate::fmt::{number, percent};
use crate::methods::Explain;
use crate::scorecard::Figure;

/// A computed metric: its value (a fraction), the figures it came from and the arithmetic.
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    pub value: Decimal,
    pub inputs: Vec<Figure>,
    pub formula: String,
}

impl Computed {
    /// A value without its explanation.
    fn bare(value: Decimal) -> Computed {
        Computed {
            value,
            inputs: Vec::new(),
            formula: String::new(),
        }
    }
}

/// Why a figure is missing, in words for the scorecard.
pub type Missing = String;

/// Why a metric has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotComputed {
    /// A figure it needs is absent: the rule set's `when_missing` decides.
    Missing(String),
    /// The figures are there but the formula has no value (a zero denominator): scored 0.
    Undefined(String),
    /// The arithmetic went past the range of a decimal, or the value past the largest one the
    /// engine scores ([`jixiao_rules::limits::VALUE_MAX`]): scored 0, with an error finding.
    Overflow,
}

impl From<Overflow> for NotComputed {
    fn from(_: Overflow) -> NotComputed {
        NotComputed::Overflow
    }
}

impl From<String> for NotComputed {
    fn from(why: String) -> NotComputed {
        NotComputed::Missing(why)
    }
}

impl From<&str> for NotComputed {
    fn from(why: &str) -> NotComputed {
        NotComputed::Missing(why.to_owned())
    }
}

/// Where a term comes from in the unit: resolved to field paths only when the score is
/// explained, so scoring without explanation builds none.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// One field, by its path (`budget.spent`).
    Field(&'static str),
    /// The same field of each of the unit's `n` special funds (`funds[i].carried_over`).
    EachFund(&'static str, usize),
    /// Counted or computed by the engine, not a field of the unit.
    Derived,
}

impl Source {
    pub fn fields(self) -> Vec<FieldPath> {
        let path = |p: &str| FieldPath::parse(p).expect("metric sources are valid field paths");
        match self {
            Source::Field(p) => vec![path(p)],
            Source::EachFund(key, n) => (0..n).map(|i| FieldPath::item("funds", i, key)).collect(),
            Source::Derived => Vec::new(),
        }
    }
}

/// A labelled amount or count taken from the unit.
#[derive(Debug)]
pub struct Term {
    pub label: &'static str,
    pub value: Decimal,
    pub unit: &'static str,
    pub source: Source,
}

impl Term {
    /// The term as a scorecard figure, with the fields it came from.
    pub fn figure(&self) -> Figure {
        Figure::new(self.label, self.value, self.unit).of_all(self.source.fields())
    }
}

fn term(label: &'static str, value: Decimal, unit: &'static str, field: &'static str) -> Term {
    Term {
        label,
        value,
        unit,
        source: Source::Field(field),
    }
}

fn require(label: &str, value: Option<Decimal>) -> Result<Decimal, Missing> {
    value.ok_or_else(|| format!("未提供{label}"))
}

/// A term the unit must have given.
fn given(
    label: &'static str,
    value: Option<Decimal>,
    unit: &'static str,
    field: &'static str,
) -> Result<Term, Missing> {
    Ok(term(label, require(label, value)?, unit, field))
}

/// `numerator / denominator`, refusing a zero denominator.
fn ratio(
    metric: Metric,
    numerator: Term,
    denominator: Term,
    ex: Explain,
) -> Result<Computed, NotComputed> {
    if denominator.value.is_zero() {
        return Err(NotComputed::Undefined(format!(
            "{}为 0, 无法计算{}",
            denominator.label,
            metric.label()
        )));
    }
    let value = div(numerator.value, denominator.value)?;
    if ex == Explain::ScoresOnly {
        return Ok(Computed::bare(value));
    }
    Ok(Computed {
        formula: format!(
            "{} = {} / {} = {} / {} = {}",
            metric.label(),
            numerator.label,
            denominator.label,
            number(numerator.value),
            number(denominator.value),
            percent(value)
        ),
        inputs: vec![numerator.figure(), denominator.figure()],
        value,
    })
}

/// `(this − last) / last`.
fn change(metric: Metric, this: Term, last: Term, ex: Explain) -> Result<Computed, NotComputed> {
    // Nothing last year and nothing this year is no change; something from nothing is a rise
    // no percentage can state.
    let value = if last.value.is_zero() {
        if !this.value.is_zero() {
            return Err(NotComputed::Undefined(format!(
                "{}为 0 而{}为 {}, 变动率无法计算",
                last.label,
                this.label,
                number(this.value)
            )));
        }
        Decimal::ZERO
    } else {
        div(sub(this.value, last.value)?, last.value)?
    };
    if ex == Explain::ScoresOnly {
        return Ok(Computed::bare(value));
    }
    Ok(Computed {
        formula: format!(
            "{} = ({} − {}) / {} = ({} − {}) / {} = {}",
            metric.label(),
            this.label,
            last.label,
            last.label,
            number(this.value),
            number(last.value),
            number(last.value),
            percent(value)
        ),
        inputs: vec![this.figure(), last.figure()],
        value,
    })
}

/// 全年预算数, labelled with where it came from.
pub fn full_year_budget(unit: &SelfEvaluation) -> Result<Term, Missing> {
    match unit.budget.full_year_budget() {
        Some((value, FullYearSource::Reported)) => {
            Ok(term("全年预算数", value, "万元", "budget.full_year"))
        }
        Some((value, FullYearSource::Income)) => Ok(term(
            "全年预算数(未报, 取财政拨款收入)",
            value,
            "万元",
            "budget.income",
        )),
        None => Err("未提供全年预算数或财政拨款收入".into()),
    }
}

/// 年末结转结余, reported or summed over the special funds.
pub fn year_end_carry_over(unit: &SelfEvaluation) -> Result<Term, NotComputed> {
    if let Some(value) = unit.base.carried_over {
        return Ok(term("年末结转结余", value, "万元", "base.carried_over"));
    }
    if unit.funds.is_empty() {
        return Err("未提供年末结转结余, 也无专项资金结转可合计".into());
    }
    let value = sum(unit.funds.iter().map(|f| f.carried_over))?;
    Ok(Term {
        label: "年末结转结余(各专项结转合计)",
        value,
        unit: "万元",
        source: Source::EachFund("carried_over", unit.funds.len()),
    })
}

fn tasks_ratio(
    metric: Metric,
    unit: &SelfEvaluation,
    (label, field): (&'static str, &'static str),
    pick: fn(&jixiao_model::Tasks) -> u32,
    ex: Explain,
) -> Result<Computed, NotComputed> {
    let tasks = unit.base.tasks.ok_or("未提供年度工作任务完成情况")?;
    ratio(
        metric,
        term(label, pick(&tasks).into(), "项", field),
        term(
            "计划任务数",
            tasks.planned.into(),
            "项",
            "base.tasks.planned",
        ),
        ex,
    )
}

/// Computes `metric` for `unit`; a value beyond [`jixiao_rules::limits::VALUE_MAX`] in magnitude
/// (which only sums over very many funds reach from figures within bounds) is an overflow, so
/// the methods never see one (the reasoning is in `jixiao_rules::limits`).
pub fn compute(
    metric: Metric,
    unit: &SelfEvaluation,
    ex: Explain,
) -> Result<Computed, NotComputed> {
    let computed = compute_unbounded(metric, unit, ex)?;
    if computed.value.abs() > jixiao_rules::limits::VALUE_MAX {
        return Err(NotComputed::Overflow);
    }
    Ok(computed)
}

fn compute_unbounded(
    metric: Metric,
    unit: &SelfEvaluation,
    ex: Explain,
) -> Result<Computed, NotComputed> {
    let budget = &unit.budget;
    let base = &unit.base;
    let three_public = || {
        given(
            "本年三公经费",
            base.three_public,
            "万元",
            "base.three_public",
        )
    };
    match metric {
        Metric::ExecutionRate => ratio(
            metric,
            term("全年执行数", budget.spent, "万元", "budget.spent"),
            full_year_budget(unit)?,
            ex,
        ),
        Metric::BudgetCompletionRate => {
            let full_year = full_year_budget(unit)?;
            let carried_in = base.carried_in.unwrap_or_default();
            let carry_over = year_end_carry_over(unit)?;
            let available = add(carried_in, full_year.value)?;
            if available.is_zero() {
                return Err(NotComputed::Undefined(
                    "上年结转与全年预算均为 0, 无法计算预算完成率".into(),
                ));
            }
            let value = div(sub(available, carry_over.value)?, available)?;
            if ex == Explain::ScoresOnly {
                return Ok(Computed::bare(value));
            }
            Ok(Computed {
                formula: format!(
                    "预算完成率 = (上年结转 + {fy} − {co}) / (上年结转 + {fy}) = ({} + {} − {}) / ({} + {}) = {}",
                    number(carried_in),
                    number(full_year.value),
                    number(carry_over.value),
                    number(carried_in),
                    number(full_year.value),
                    percent(value),
                    fy = full_year.label,
                    co = carry_over.label,
                ),
                inputs: vec![
                    match base.carried_in {
                        Some(_) => Figure::amount("上年结转", carried_in)
                            .of(FieldPath::new("base").key("carried_in")),
                        None => Figure::amount("上年结转(未报, 按 0)", carried_in),
                    },
                    full_year.figure(),
                    carry_over.figure(),
                ],
                value,
            })
        }
        Metric::BudgetAdjustmentRate => {
            let full_year = full_year_budget(unit)?;
            let opening = require("年初预算数", budget.opening)?;
            if opening.is_zero() {
                return Err(NotComputed::Undefined(
                    "年初预算为 0, 无法计算预算调整率".into(),
                ));
            }
            let adjustment = sub(full_year.value, opening)?.abs();
            let value = div(adjustment, opening)?;
            if ex == Explain::ScoresOnly {
                return Ok(Computed::bare(value));
            }
            Ok(Computed {
                formula: format!(
                    "预算调整率 = |{} − 年初预算| / 年初预算 = |{} − {}| / {} = {}",
                    full_year.label,
                    number(full_year.value),
                    number(opening),
                    number(opening),
                    percent(value)
                ),
                inputs: vec![
                    full_year.figure(),
                    Figure::amount("年初预算", opening).of(FieldPath::new("budget").key("opening")),
                ],
                value,
            })
        }
        Metric::BudgetIncreaseRate => budget_increase_rate(unit, ex),
        Metric::BudgetCompletionRatio => ratio(
            metric,
            term(
                "预算完成数(全年执行数)",
                budget.spent,
                "万元",
                "budget.spent",
            ),
            full_year_budget(unit)?,
            ex,
        ),
        Metric::StaffingControlRate => {
            let staffing = unit.staffing.ok_or("未提供人员编制情况")?;
            ratio(
                metric,
                term(
                    "在职人数",
                    staffing.in_post.into(),
                    "人",
                    "staffing.in_post",
                ),
                term(
                    "编制数",
                    staffing.authorised.into(),
                    "人",
                    "staffing.authorised",
                ),
                ex,
            )
        }
        Metric::CarryOverRate => ratio(
            metric,
            year_end_carry_over(unit)?,
            full_year_budget(unit)?,
            ex,
        ),
        Metric::CarryOverChangeRate => {
            let last = require("上年结转结余", base.carried_over_last_year)?;
            change(
                metric,
                year_end_carry_over(unit)?,
                term("上年结转结余", last, "万元", "base.carried_over_last_year"),
                ex,
            )
        }
        Metric::ThreePublicChangeRate => change(
            metric,
            three_public()?,
            given(
                "上年三公经费",
                base.three_public_last_year,
                "万元",
                "base.three_public_last_year",
            )?,
            ex,
        ),
        Metric::ThreePublicControlRate => ratio(
            metric,
            three_public()?,
            given(
                "三公经费预算数",
                base.three_public_budget,
                "万元",
                "base.three_public_budget",
            )?,
            ex,
        ),
        Metric::PublicFundsControlRate => ratio(
            metric,
            given("公用经费", budget.public, "万元", "budget.public")?,
            given(
                "预算公用经费",
                base.public_budget,
                "万元",
                "base.public_budget",
            )?,
            ex,
        ),
        Metric::KeySpendingRate => ratio(
            metric,
            given(
                "重点项目支出",
                base.key_project_spending,
                "万元",
                "base.key_project_spending",
            )?,
            given("项目支出", budget.project, "万元", "budget.project")?,
            ex,
        ),
        Metric::ProcurementExecutionRate => ratio(
            metric,
            given(
                "实际政府采购",
                base.procurement_actual,
                "万元",
                "base.procurement_actual",
            )?,
            given(
                "政府采购预算",
                base.procurement_budget,
                "万元",
                "base.procurement_budget",
            )?,
            ex,
        ),
        Metric::BuildingAreaControlRate => {
            let b = base.buildings.as_ref().ok_or("无新建楼堂馆所项目")?;
            ratio(
                metric,
                term(
                    "实际建筑面积",
                    b.actual_area,
                    "㎡",
                    "base.buildings.actual_area",
                ),
                term(
                    "计划建筑面积",
                    b.planned_area,
                    "㎡",
                    "base.buildings.planned_area",
                ),
                ex,
            )
        }
        Metric::BuildingInvestmentControlRate => {
            let b = base.buildings.as_ref().ok_or("无新建楼堂馆所项目")?;
            ratio(
                metric,
                term(
                    "实际投资",
                    b.actual_investment,
                    "万元",
                    "base.buildings.actual_investment",
                ),
                term(
                    "概算投资",
                    b.planned_investment,
                    "万元",
                    "base.buildings.planned_investment",
                ),
                ex,
            )
        }
        Metric::CompletionRate => {
            if base.tasks.is_some() {
                return tasks_ratio(
                    metric,
                    unit,
                    ("完成任务数", "base.tasks.completed"),
                    |t| t.completed,
                    ex,
                );
            }
            goal_completion(unit, ex)
        }
        Metric::TimelinessRate => tasks_ratio(
            metric,
            unit,
            ("按时完成任务数", "base.tasks.on_time"),
            |t| t.on_time,
            ex,
        ),
        Metric::QualityRate => tasks_ratio(
            metric,
            unit,
            ("质量达标任务数", "base.tasks.up_to_standard"),
            |t| t.up_to_standard,
            ex,
        ),
    }
}

/// 预算控制率 = 追加 / 年初: `budget.increase`, or where the unit gives none but gives
/// 全年预算, 年初预算 and 调减, the increase they imply: 全年 − 年初 + 调减 (a figure that comes out
/// below 0 contradicts itself: no value).
fn budget_increase_rate(unit: &SelfEvaluation, ex: Explain) -> Result<Computed, NotComputed> {
    let budget = &unit.budget;
    let opening = require("年初预算数", budget.opening)?;
    let (increase, derived) = match (budget.increase, budget.full_year, budget.decrease) {
        (Some(increase), _, _) => (increase, None),
        (None, Some(full_year), Some(decrease)) => {
            let increase = add(sub(full_year, opening)?, decrease)?;
            if increase.is_sign_negative() && !increase.is_zero() {
                return Err(NotComputed::Undefined(format!(
                    "全年预算数 {} 低于年初预算数 {} 减调减数 {}, 推算的追加数为负, 无法计算预算控制率",
                    number(full_year),
                    number(opening),
                    number(decrease)
                )));
            }
            (increase, Some((full_year, decrease)))
        }
        (None, _, _) => {
            return Err("未提供本年追加预算数, 也无全年预算数与调减数可推算".into());
        }
    };
    if opening.is_zero() {
        return Err(NotComputed::Undefined(
            "年初预算为 0, 无法计算预算控制率".into(),
        ));
    }
    let value = div(increase, opening)?;
    if ex == Explain::ScoresOnly {
        return Ok(Computed::bare(value));
    }
    let opening_figure =
        Figure::amount("年初预算", opening).of(FieldPath::new("budget").key("opening"));
    Ok(match derived {
        None => Computed {
            formula: format!(
                "预算控制率 = 本年追加预算 / 年初预算 = {} / {} = {}",
                number(increase),
                number(opening),
                percent(value)
            ),
            inputs: vec![
                Figure::amount("本年追加预算", increase)
                    .of(FieldPath::new("budget").key("increase")),
                opening_figure,
            ],
            value,
        },
        Some((full_year, decrease)) => Computed {
            formula: format!(
                "本年追加预算未报, 按 全年预算 − 年初预算 + 调减 推算 = {} − {} + {} = {}; 预算控制率 = 追加 / 年初预算 = {} / {} = {}",
                number(full_year),
                number(opening),
                number(decrease),
                number(increase),
                number(increase),
                number(opening),
                percent(value)
            ),
            inputs: vec![
                Figure::amount("全年预算数", full_year)
                    .of(FieldPath::new("budget").key("full_year")),
                opening_figure,
                Figure::amount("本年调减预算", decrease)
                    .of(FieldPath::new("budget").key("decrease")),
            ],
            value,
        },
    })
}

/// 实际完成率 from the measurable goals when no task counts are given: goals met / goals measured.
fn goal_completion(unit: &SelfEvaluation, ex: Explain) -> Result<Computed, NotComputed> {
    let measured: Vec<_> = unit
        .goals
        .iter()
        .enumerate()
        .filter_map(|(i, g)| g.measure.as_ref().map(|m| (i, m)))
        .filter_map(|(i, m)| m.actual.map(|actual| (i, m, actual)))
        .collect();
    if measured.is_empty() {
        return Err("未提供年度工作任务完成情况, 也无可量化且报告了完成值的绩效目标".into());
    }
    let met = measured
        .iter()
        .filter(|(_, m, actual)| crate::methods::meets(m.direction, *actual, m.target))
        .count();
    let count = |label, value| Term {
        label,
        value,
        unit: "个",
        source: Source::Derived,
    };
    let mut computed = ratio(
        Metric::CompletionRate,
        count("达到目标的量化绩效目标数", Decimal::from(met)),
        count("报告完成值的量化绩效目标数", Decimal::from(measured.len())),
        ex,
    )?;
    if ex == Explain::ScoresOnly {
        return Ok(computed);
    }
    for (i, m, actual) in measured {
        computed.inputs.push(
            Figure::new(
                format!(
                    "{} (目标 {}{})",
                    m.indicator,
                    m.direction.symbol(),
                    number(m.target)
                ),
                actual,
                m.unit.clone(),
            )
            .of(FieldPath::item("goals", i, "measure").key("actual")),
        );
    }
    Ok(computed)
}
