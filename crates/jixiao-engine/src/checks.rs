//! The built-in checks (docs/domain.md §6) that need no indicator: figures that do not reconcile,
//! budgets moved too far, declared grades that do not match, narratives that admit nothing.

use jixiao_model::{FieldPath, SelfEvaluation};
use jixiao_rules::{CheckId, RuleSet};
use rust_decimal::Decimal;

use crate::arith::{Checked, div, sub, sum};
use crate::fmt::{number, percent};
use crate::metrics::{Source, full_year_budget};
use crate::scorecard::{Figure, Finding, Severity};

fn finding(check: CheckId, severity: Severity, message: String, figures: Vec<Figure>) -> Finding {
    Finding {
        rule: check.into(),
        severity,
        indicator: None,
        message,
        figures,
    }
}

/// The error finding of a check whose arithmetic went past the range of a decimal (figures beyond
/// the bounds every reader holds them to): the check could not be made.
fn overflow(check: CheckId) -> Finding {
    finding(
        check,
        Severity::Error,
        format!("「{}」无法核对: 数值超出可计算的范围", check.label()),
        Vec::new(),
    )
}

/// The finding of a check, or its overflow as an error finding.
fn or_overflow(check: CheckId, result: Checked<Option<Finding>>) -> Option<Finding> {
    result.unwrap_or_else(|_| Some(overflow(check)))
}

/// Runs every enabled built-in check that looks only at the unit's own figures.
pub fn run(unit: &SelfEvaluation, rules: &RuleSet) -> Vec<Finding> {
    let mut findings = Vec::new();
    let tolerance = rules.tolerances.amount;
    let enabled = |c| rules.checks.enabled(c);
    if enabled(CheckId::FundReconciliation) {
        findings.extend(fund_reconciliation(unit, tolerance));
    }
    if enabled(CheckId::FundSources) {
        findings.extend(fund_sources(unit, tolerance));
    }
    if enabled(CheckId::Totals) {
        findings.extend(totals(unit, tolerance));
    }
    if enabled(CheckId::Overspending) {
        findings.extend(overspending(unit, tolerance));
    }
    if enabled(CheckId::BudgetAdjustment) {
        findings.extend(budget_adjustment(unit, rules.checks.budget_adjustment_max));
    }
    if enabled(CheckId::EmptyNarrative) {
        findings.extend(empty_narrative(unit, &rules.checks.empty_words));
    }
    if enabled(CheckId::CostDirection) {
        findings.extend(cost_direction(unit));
    }
    findings
}

/// Opening + change against spent + carried over, for each special fund.
pub fn fund_reconciliation(unit: &SelfEvaluation, tolerance: Decimal) -> Vec<Finding> {
    unit.funds
        .iter()
        .enumerate()
        .filter_map(|(i, fund)| {
            or_overflow(CheckId::FundReconciliation, fund_gap(i, fund, tolerance))
        })
        .collect()
}

fn fund_gap(
    i: usize,
    fund: &jixiao_model::SpecialFund,
    tolerance: Decimal,
) -> Checked<Option<Finding>> {
    let field = |i, key| FieldPath::item("funds", i, key);
    let available = crate::arith::add(fund.opening, fund.change)?;
    let accounted = crate::arith::add(fund.spent, fund.carried_over)?;
    let gap = sub(accounted, available)?;
    Ok((gap.abs() > tolerance).then(|| {
                finding(
                    CheckId::FundReconciliation,
                    Severity::Hard,
                    format!(
                        "专项资金「{}」收支不平: 预算 {} + 调整 {} = {} 万元, 而支出 {} + 结转 {} = {} 万元, 相差 {} 万元",
                        fund.name,
                        number(fund.opening),
                        number(fund.change),
                        number(available),
                        number(fund.spent),
                        number(fund.carried_over),
                        number(accounted),
                        number(gap)
                    ),
                    vec![
                        Figure::amount("预算数", fund.opening).of(field(i, "opening")),
                        Figure::amount("年中调整", fund.change).of(field(i, "change")),
                        Figure::amount("实际支出", fund.spent).of(field(i, "spent")),
                        Figure::amount("结余结转", fund.carried_over)
                            .of(field(i, "carried_over")),
                        Figure::amount("差额", gap),
                    ],
                )
            }))
}

/// A fund's listed sources against what it spent.
pub fn fund_sources(unit: &SelfEvaluation, tolerance: Decimal) -> Vec<Finding> {
    unit.funds
        .iter()
        .enumerate()
        .filter(|(_, fund)| !fund.sources.is_empty())
        .filter_map(|(i, fund)| {
            let sources = || -> Checked<Option<Finding>> {
                let sum = sum(fund.sources.iter().map(|s| s.amount))?;
                Ok((sub(sum, fund.spent)?.abs() > tolerance).then(|| {
                    finding(
                        CheckId::FundSources,
                        Severity::Hard,
                        format!(
                            "专项资金「{}」各来源合计 {} 万元, 与实际支出 {} 万元不符",
                            fund.name,
                            number(sum),
                            number(fund.spent)
                        ),
                        vec![
                            Figure::amount("来源合计", sum).of_all((0..fund.sources.len()).map(
                                |j| {
                                    FieldPath::new("funds")
                                        .index(i)
                                        .key("sources")
                                        .index(j)
                                        .key("amount")
                                },
                            )),
                            Figure::amount("实际支出", fund.spent)
                                .of(FieldPath::item("funds", i, "spent")),
                        ],
                    )
                }))
            };
            or_overflow(CheckId::FundSources, sources())
        })
        .collect()
}

/// One "parts add up to the whole" comparison: each part and the whole as (label, value, where
/// in the unit it is).
fn sum_check(
    parts: &[(&str, Option<Decimal>, Source)],
    whole: (&str, Option<Decimal>, Source),
    tolerance: Decimal,
) -> Option<Finding> {
    let values: Option<Vec<Decimal>> = parts.iter().map(|(_, v, _)| *v).collect();
    let (values, whole_value) = (values?, whole.1?);
    let Ok((sum, difference)) =
        sum(values.iter().copied()).and_then(|s| Ok((s, sub(s, whole_value)?)))
    else {
        return Some(overflow(CheckId::Totals));
    };
    if difference.abs() <= tolerance {
        return None;
    }
    let names = parts
        .iter()
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(" + ");
    let shown = values
        .iter()
        .map(|v| number(*v).to_string())
        .collect::<Vec<_>>()
        .join(" + ");
    let mut figures: Vec<Figure> = parts
        .iter()
        .zip(&values)
        .map(|((n, _, source), v)| Figure::amount(*n, *v).of_all(source.fields()))
        .collect();
    figures.push(Figure::amount(whole.0, whole_value).of_all(whole.2.fields()));
    Some(finding(
        CheckId::Totals,
        Severity::Hard,
        format!(
            "{names} = {shown} = {} 万元, 与{} {} 万元不符 (相差 {})",
            number(sum),
            whole.0,
            number(whole_value),
            number(difference)
        ),
        figures,
    ))
}

/// Basic + project = spent; personnel + public = basic; the funds' spending = project spending.
pub fn totals(unit: &SelfEvaluation, tolerance: Decimal) -> Vec<Finding> {
    let b = &unit.budget;
    let mut out = Vec::new();
    let field = Source::Field;
    out.extend(sum_check(
        &[
            ("基本支出", b.basic, field("budget.basic")),
            ("项目支出", b.project, field("budget.project")),
        ],
        ("财政拨款支出", Some(b.spent), field("budget.spent")),
        tolerance,
    ));
    out.extend(sum_check(
        &[
            ("人员经费", b.personnel, field("budget.personnel")),
            ("公用经费", b.public, field("budget.public")),
        ],
        ("基本支出", b.basic, field("budget.basic")),
        tolerance,
    ));
    if !unit.funds.is_empty() {
        let Ok(spent) = sum(unit.funds.iter().map(|f| f.spent)) else {
            out.push(overflow(CheckId::Totals));
            return out;
        };
        out.extend(sum_check(
            &[(
                "各专项资金支出合计",
                Some(spent),
                Source::EachFund("spent", unit.funds.len()),
            )],
            ("项目支出", b.project, field("budget.project")),
            tolerance,
        ));
    }
    out
}

/// Spending above the full-year budget.
pub fn overspending(unit: &SelfEvaluation, tolerance: Decimal) -> Vec<Finding> {
    let Ok(full_year) = full_year_budget(unit) else {
        return Vec::new();
    };
    let Ok(over) = sub(unit.budget.spent, full_year.value) else {
        return vec![overflow(CheckId::Overspending)];
    };
    if over <= tolerance {
        return Vec::new();
    }
    vec![finding(
        CheckId::Overspending,
        Severity::Hard,
        format!(
            "全年执行数 {} 万元超过{} {} 万元 {} 万元",
            number(unit.budget.spent),
            full_year.label,
            number(full_year.value),
            number(over)
        ),
        vec![
            Figure::amount("全年执行数", unit.budget.spent)
                .of(FieldPath::new("budget").key("spent")),
            full_year.figure(),
        ],
    )]
}

/// The full-year budget moved from the opening budget by more than `max` (a share). Without
/// either budget there is nothing to compare, as for [`overspending`].
pub fn budget_adjustment(unit: &SelfEvaluation, max: Decimal) -> Vec<Finding> {
    let Some(opening) = unit.budget.opening else {
        return Vec::new();
    };
    let Ok(full_year) = full_year_budget(unit) else {
        return Vec::new();
    };
    if opening.is_zero() {
        return Vec::new();
    }
    let Ok((change, share)) =
        sub(full_year.value, opening).and_then(|change| Ok((change, div(change, opening)?)))
    else {
        return vec![overflow(CheckId::BudgetAdjustment)];
    };
    if share.abs() <= max {
        return Vec::new();
    }
    vec![finding(
        CheckId::BudgetAdjustment,
        Severity::Soft,
        format!(
            "{} {} 万元较年初预算 {} 万元{} {} 万元 ({}), 超过 {}",
            full_year.label,
            number(full_year.value),
            number(opening),
            if change.is_sign_positive() {
                "调增"
            } else {
                "调减"
            },
            number(change.abs()),
            percent(share.abs()),
            percent(max)
        ),
        vec![
            Figure::amount("年初预算", opening).of(FieldPath::new("budget").key("opening")),
            full_year.figure(),
            Figure::rate("调整幅度", share),
        ],
    )]
}

/// Whether a narrative section says something: not absent, and not just one of `empty_words`
/// (white space and punctuation aside).
pub fn says_something(text: Option<&str>, empty_words: &[String]) -> bool {
    let Some(text) = text else { return false };
    let bare = || text.chars().filter(|c| !is_ignorable(*c));
    bare().next().is_some() && !empty_words.iter().any(|w| w.chars().eq(bare()))
}

fn is_ignorable(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_punctuation() || is_cjk_punctuation(c)
}

fn is_cjk_punctuation(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '…' | '—' | '“' | '”' | '‘' | '’')
}

/// Problems and improvements sections that are absent or say only "无".
pub fn empty_narrative(unit: &SelfEvaluation, empty_words: &[String]) -> Vec<Finding> {
    [
        ("存在的问题及原因分析", unit.narrative.problems.as_deref()),
        ("下一步改进措施", unit.narrative.improvements.as_deref()),
    ]
    .into_iter()
    .filter(|(_, text)| !says_something(*text, empty_words))
    .map(|(section, text)| {
        let message = match text {
            None => format!("「{section}」未填写"),
            Some(t) => format!("「{section}」仅写「{}」, 未反映任何问题", t.trim()),
        };
        finding(CheckId::EmptyNarrative, Severity::Soft, message, Vec::new())
    })
    .collect()
}

/// Cost indicators (成本指标) written as higher-is-better: a cost should be capped, not raised.
pub fn cost_direction(unit: &SelfEvaluation) -> Vec<Finding> {
    unit.indicators
        .iter()
        .filter(|row| row.direction == Some(jixiao_model::Direction::AtLeast))
        .filter(|row| row.level2.as_deref().is_some_and(|l2| l2.contains("成本")))
        .map(|row| {
            finding(
                CheckId::CostDirection,
                Severity::Soft,
                format!(
                    "成本指标「{}」写作「≥ {}」: 成本指标应设上限 (≤)",
                    row.name.trim(),
                    row.target.map_or("?".to_owned(), |t| number(t).to_string())
                ),
                Vec::new(),
            )
        })
        .collect()
}

/// Built-in yes/no facts a checklist can ask about, computed from the unit.
pub fn builtin_fact(unit: &SelfEvaluation, rules: &RuleSet, fact: &str) -> Option<bool> {
    let tolerance = rules.tolerances.amount;
    let words = &rules.checks.empty_words;
    Some(match fact {
        "funds_reconcile" => fund_reconciliation(unit, tolerance).is_empty(),
        "totals_agree" => totals(unit, tolerance).is_empty(),
        "within_budget" => overspending(unit, tolerance).is_empty(),
        "problems_reported" => says_something(unit.narrative.problems.as_deref(), words),
        "improvements_reported" => says_something(unit.narrative.improvements.as_deref(), words),
        "goals_quantified" => unit.goals.iter().any(|g| g.measure.is_some()),
        _ => return None,
    })
}

/// The names of the built-in facts, for the documentation and for `jixiao check`.
pub const BUILTIN_FACTS: [&str; 6] = [
    "funds_reconcile",
    "totals_agree",
    "within_budget",
    "problems_reported",
    "improvements_reported",
    "goals_quantified",
];
