//! The scoring primitives (docs/domain.md §4), each a pure function of points `w`, the value and
//! the method's parameters, returning the score with the rule, the arithmetic and the reason.
//!
//! The text is built only under [`Explain::Full`]: a batch that writes no scorecards asks for
//! [`Explain::ScoresOnly`] and skips the formatting, which is most of the engine's work.

use jixiao_model::{Direction, Tier};
use jixiao_rules::{
    AboveTarget, Band, Beyond, ChecklistMode, OutsideTier, OverAchievement, Rounding, StepCount,
    StepDeduction, TierBounds,
};
use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::arith::{Checked, add, div, mul, sub};
use crate::fmt::{number, percent, points, round};

/// How a value is written: a rate in percent, or a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Rate,
    Plain,
}

impl Scale {
    /// `value` as this scale writes it: a rate in percent, a plain figure as a number.
    pub fn show(self, value: Decimal) -> Shown {
        Shown(self, value)
    }
}

/// The result of applying a method.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub score: Decimal,
    /// The rule in words.
    pub rule: String,
    /// The arithmetic with the figures in it.
    pub formula: String,
    /// Why points were lost; `None` at full points.
    pub reason: Option<String>,
}

/// Whether to write the rule, arithmetic and reason of each score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Explain {
    /// Every score with its text: for scorecards.
    #[default]
    Full,
    /// Scores only, text left empty: for summaries of large batches.
    ScoresOnly,
}

/// The rule, the arithmetic and the reason of one score.
type Text = (String, String, Option<String>);

impl Outcome {
    /// An outcome whose text `text` builds, called only when explaining.
    pub fn new(ex: Explain, score: Decimal, text: impl FnOnce() -> Text) -> Outcome {
        let (rule, formula, reason) = match ex {
            Explain::Full => text(),
            Explain::ScoresOnly => (String::new(), String::new(), None),
        };
        Outcome {
            score,
            rule,
            formula,
            reason,
        }
    }
}

/// A value as [`Scale::show`] writes it.
#[derive(Debug, Clone, Copy)]
pub struct Shown(Scale, Decimal);

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Scale::Rate => percent(self.1).fmt(f),
            Scale::Plain => number(self.1).fmt(f),
        }
    }
}

fn p(value: Decimal) -> crate::fmt::Points {
    points(value, 2)
}

/// Whether `actual` meets `target` in `direction`.
pub fn meets(direction: Direction, actual: Decimal, target: Decimal) -> bool {
    match direction {
        Direction::AtLeast => actual >= target,
        Direction::AtMost => actual <= target,
        Direction::Equal => actual == target,
    }
}

/// ≥: A ≥ T → w, else w × A / T; negative A counts as 0. `target` must be above 0.
pub fn higher_is_better(
    w: Decimal,
    actual: Decimal,
    target: Decimal,
    scale: Scale,
    ex: Explain,
) -> Checked<Outcome> {
    const RULE: &str = "越高越好: 实际 ≥ 目标得满分, 否则 分值 × 实际 / 目标";
    if actual >= target {
        return Ok(Outcome::new(ex, w, || {
            let (a, t) = (scale.show(actual), scale.show(target));
            (
                RULE.into(),
                format!("实际 {a} ≥ 目标 {t}, 得满分 {}", p(w)),
                None,
            )
        }));
    }
    if target <= Decimal::ZERO {
        // Below a target of zero or less: no proportion to take.
        return Ok(Outcome::new(ex, Decimal::ZERO, || {
            let (a, t) = (scale.show(actual), scale.show(target));
            (
                RULE.into(),
                format!("实际 {a} < 目标 {t}, 得 0 分"),
                Some(format!("实际 {a} 未达目标 {t}")),
            )
        }));
    }
    let counted = actual.max(Decimal::ZERO);
    let score = div(mul(w, counted)?, target)?;
    Ok(Outcome::new(ex, score, || {
        let (a, t) = (scale.show(actual), scale.show(target));
        let note = if actual.is_sign_negative() && !actual.is_zero() {
            "(负值按 0 计)"
        } else {
            ""
        };
        (
            RULE.into(),
            format!(
                "{} × {}{note} / {t} = {}",
                p(w),
                scale.show(counted),
                p(score)
            ),
            Some(format!("实际 {a} 未达目标 {t}")),
        )
    }))
}

/// Reduces a higher-is-better outcome where A / T reaches the over-achievement threshold.
pub fn over_achievement(
    outcome: Outcome,
    w: Decimal,
    actual: Decimal,
    target: Decimal,
    over: &OverAchievement,
    explained: bool,
    ex: Explain,
) -> Checked<Outcome> {
    if target <= Decimal::ZERO {
        return Ok(outcome);
    }
    let ratio = div(actual, target)?;
    if ratio < over.threshold {
        return Ok(outcome);
    }
    let mut out = outcome;
    let waived = over.waived_by_explanation && explained;
    // The share of w taken off; at 1 or more the score is the floor, whatever its size, so w is
    // multiplied only by a share below 1 (see `jixiao_rules::limits`).
    let share = mul(over.slope, sub(ratio, over.threshold)?)?;
    let whole = share >= Decimal::ONE;
    let deduction = if whole { w } else { mul(w, share)? };
    let floor = mul(w, over.floor)?;
    let score = if waived {
        out.score
    } else {
        sub(out.score, deduction)?.max(floor).min(out.score)
    };
    if ex == Explain::Full {
        out.rule.push_str(&format!(
            "; 偏离度: 实际达目标的 {} 及以上{}, 按超出部分 × {} 扣分, 最低 {} × 分值",
            percent(over.threshold),
            if over.waived_by_explanation {
                "且未说明原因"
            } else {
                ""
            },
            number(over.slope),
            number(over.floor)
        ));
        if waived {
            out.formula.push_str(&format!(
                "; 实际/目标 = {}, 已说明偏差原因, 不扣分",
                percent(ratio)
            ));
        } else {
            out.formula.push_str(&format!(
                "; 实际/目标 = {} ≥ {}, 扣 {} × {} × ({} − {}) {} {}, 不低于 {} → {}",
                percent(ratio),
                percent(over.threshold),
                p(w),
                number(over.slope),
                number(round(ratio, 4)),
                number(over.threshold),
                if whole { "≥" } else { "=" },
                p(deduction),
                p(floor),
                p(score)
            ));
            out.reason = Some(format!(
                "实际为目标的 {}, 达到偏离阈值 {}{}: 目标可能定得过低",
                percent(ratio),
                percent(over.threshold),
                if over.waived_by_explanation {
                    " 且未说明偏差原因"
                } else {
                    ""
                }
            ));
        }
    }
    out.score = score;
    Ok(out)
}

/// ≤: A ≤ T → w; above T, linear w × (1 − (A − T) / T) floored at 0, or ratio w × T / A.
pub fn lower_is_better(
    w: Decimal,
    actual: Decimal,
    target: Decimal,
    above: AboveTarget,
    scale: Scale,
    ex: Explain,
) -> Checked<Outcome> {
    let rule = match above {
        AboveTarget::Linear => {
            "越低越好: 实际 ≤ 目标得满分, 否则 分值 × (1 − (实际 − 目标) / 目标), 最低 0"
        }
        AboveTarget::Ratio => "越低越好: 实际 ≤ 目标得满分, 否则 分值 × 目标 / 实际",
    };
    if actual <= target {
        return Ok(Outcome::new(ex, w, || {
            let (a, t) = (scale.show(actual), scale.show(target));
            (
                rule.into(),
                format!("实际 {a} ≤ 目标 {t}, 得满分 {}", p(w)),
                None,
            )
        }));
    }
    if target <= Decimal::ZERO {
        // Above a target of zero (安全事故 ≤ 0 起): no proportion to take.
        return Ok(Outcome::new(ex, Decimal::ZERO, || {
            let (a, t) = (scale.show(actual), scale.show(target));
            (
                rule.into(),
                format!("实际 {a} > 目标 {t}, 得 0 分"),
                Some(format!("实际 {a} 超过目标 {t}")),
            )
        }));
    }
    let score = match above {
        AboveTarget::Linear => {
            // At twice the target or more the score is 0: w is multiplied only by a share
            // below 1 (see `jixiao_rules::limits`).
            let over = div(sub(actual, target)?, target)?;
            if over >= Decimal::ONE {
                Decimal::ZERO
            } else {
                mul(w, sub(Decimal::ONE, over)?)?
            }
        }
        AboveTarget::Ratio => div(mul(w, target)?, actual)?,
    };
    Ok(Outcome::new(ex, score, || {
        let (a, t) = (scale.show(actual), scale.show(target));
        let formula = match above {
            AboveTarget::Linear => format!("{} × (1 − ({a} − {t}) / {t}) = {}", p(w), p(score)),
            AboveTarget::Ratio => format!("{} × {t} / {a} = {}", p(w), p(score)),
        };
        (rule.into(), formula, Some(format!("实际 {a} 超过目标 {t}")))
    }))
}

/// =: as higher-is-better when T > 0; when T = 0, A ≤ 0 → w else 0.
pub fn equal(
    w: Decimal,
    actual: Decimal,
    target: Decimal,
    scale: Scale,
    ex: Explain,
) -> Checked<Outcome> {
    if target > Decimal::ZERO {
        let mut out = higher_is_better(w, actual, target, scale, ex)?;
        if ex == Explain::Full {
            out.rule = format!("等于目标 (目标 > 0, 按越高越好): {}", out.rule);
        }
        return Ok(out);
    }
    const RULE: &str = "等于目标 (目标为 0): 实际 ≤ 0 得满分, 否则 0 分";
    Ok(if actual <= Decimal::ZERO {
        Outcome::new(ex, w, || {
            let a = scale.show(actual);
            (RULE.into(), format!("实际 {a} ≤ 0, 得满分 {}", p(w)), None)
        })
    } else {
        Outcome::new(ex, Decimal::ZERO, || {
            let a = scale.show(actual);
            (
                RULE.into(),
                format!("实际 {a} > 0, 得 0 分"),
                Some(format!("目标为 0, 实际为 {a}")),
            )
        })
    })
}

/// The range of points a tier allows, as `(low, high, high_included)`.
pub fn tier_range(
    w: Decimal,
    tier: Tier,
    bounds: &TierBounds,
) -> Checked<(Decimal, Decimal, bool)> {
    Ok(match tier {
        Tier::Achieved => (mul(w, bounds.achieved)?, w, true),
        Tier::PartlyAchieved => (mul(w, bounds.partly)?, mul(w, bounds.achieved)?, false),
        Tier::NotAchieved => (Decimal::ZERO, mul(w, bounds.partly)?, false),
    })
}

fn range_text(low: Decimal, high: Decimal, high_included: bool) -> String {
    format!(
        "[{}, {}{}",
        p(low),
        p(high),
        if high_included { "]" } else { ")" }
    )
}

/// Qualitative tiers: the claimed score must lie in the tier's range; outside, it scores as
/// `outside` says (brought to the nearest bound, kept within [0, w], or 0) and the second value
/// says so (always, explaining or not). Without a claimed score, the tier's lower bound.
pub fn tiers(
    w: Decimal,
    tier: Tier,
    claimed: Option<Decimal>,
    bounds: &TierBounds,
    outside: OutsideTier,
    ex: Explain,
) -> Checked<(Outcome, Option<String>)> {
    let (low, high, high_included) = tier_range(w, tier, bounds)?;
    let rule = || {
        format!(
            "定性分档: 达成 [{a}w, w], 部分达成 [{b}w, {a}w), 未达成 [0, {b}w); 得分须在所报档次内",
            a = number(bounds.achieved),
            b = number(bounds.partly)
        )
    };
    let range = || range_text(low, high, high_included);
    let Some(claimed) = claimed else {
        let outcome = Outcome::new(ex, low, || {
            (
                rule(),
                format!(
                    "档次「{}」区间 {}, 未报得分, 取下限 {}",
                    tier.label(),
                    range(),
                    p(low)
                ),
                (low < w).then(|| format!("未报得分, 按「{}」档下限计", tier.label())),
            )
        });
        return Ok((outcome, None));
    };
    let inside = claimed >= low && (claimed < high || (high_included && claimed == high));
    if inside {
        let outcome = Outcome::new(ex, claimed, || {
            (
                rule(),
                format!(
                    "档次「{}」区间 {}, 自评 {} 在区间内",
                    tier.label(),
                    range(),
                    p(claimed)
                ),
                (claimed < w).then(|| format!("自评档次「{}」", tier.label())),
            )
        });
        return Ok((outcome, None));
    }
    // Outside: the nearest point of the range (an open upper bound is approached by the top of
    // the next lower tier, so the score stays strictly inside), or the claim kept, or 0.
    let score = match outside {
        OutsideTier::Clamp if claimed < low => low,
        OutsideTier::Clamp if high_included => high,
        // Highest score strictly below `high` at the engine's resolution of 0.01 points, but
        // never below the tier's floor.
        OutsideTier::Clamp => sub(high, Decimal::new(1, 2))?.max(low),
        // A claim above the row's points cannot stand above full points.
        OutsideTier::Keep => claimed.min(w),
        OutsideTier::Zero => Decimal::ZERO,
    };
    let problem = format!(
        "自评 {} 不在档次「{}」的区间 {} 内",
        p(claimed),
        tier.label(),
        range()
    );
    let outcome = Outcome::new(ex, score, || {
        let scored = match outside {
            OutsideTier::Clamp => format!("按区间边界计 {}", p(score)),
            OutsideTier::Keep if score < claimed => {
                format!("按规则保留自评得分, 以分值为限计 {}", p(score))
            }
            OutsideTier::Keep => format!("按规则保留自评得分 {}", p(score)),
            OutsideTier::Zero => "按规则计 0 分".to_owned(),
        };
        (
            rule(),
            format!("{problem}, {scored}"),
            Some(problem.clone()),
        )
    });
    Ok((outcome, Some(problem)))
}

/// Budget execution: w × min(rate, 1), optionally to whole points: down, or half up (a half
/// rounded away from zero; the score is never negative).
pub fn budget_execution(
    w: Decimal,
    rate: Decimal,
    rounding: Rounding,
    ex: Explain,
) -> Checked<Outcome> {
    let capped = rate.min(Decimal::ONE).max(Decimal::ZERO);
    let exact = mul(w, capped)?;
    let score = match rounding {
        Rounding::Exact => exact,
        Rounding::Down => exact.floor(),
        Rounding::HalfUp => round(exact, 0),
    };
    Ok(Outcome::new(ex, score, || {
        let rule = match rounding {
            Rounding::Exact => "预算执行: 分值 × min(执行率, 100%)",
            Rounding::Down => "预算执行: 分值 × min(执行率, 100%), 舍去小数取整分",
            Rounding::HalfUp => "预算执行: 分值 × min(执行率, 100%), 四舍五入取整分",
        };
        let mut formula = format!("{} × {} = {}", p(w), percent(capped), p(exact));
        if rounding != Rounding::Exact {
            formula.push_str(&format!(", 取整 {}", p(score)));
        }
        (
            rule.into(),
            formula,
            (score < w).then(|| format!("执行率 {}", percent(rate))),
        )
    }))
}

/// Full up to `limit`; minus `deduction` per `per` beyond it (on the side `beyond`), floored at 0.
pub fn step_deduction(
    w: Decimal,
    value: Decimal,
    step: &StepDeduction,
    scale: Scale,
    ex: Explain,
) -> Checked<Outcome> {
    let StepDeduction {
        limit,
        beyond,
        per,
        deduction,
        count,
    } = *step;
    let (side, excess) = match beyond {
        Beyond::Above => ("超过", sub(value, limit)?),
        Beyond::Below => ("低于", sub(limit, value)?),
    };
    let rule = || {
        let counting = match count {
            StepCount::Exact => "按比例计",
            StepCount::Started => "不足一档按一档计",
            StepCount::Completed => "不足一档不计",
        };
        format!(
            "阶梯扣分: {} {} 得满分, 每{side} {} 扣 {} 分 ({counting}), 最低 0",
            if beyond == Beyond::Above {
                "≤"
            } else {
                "≥"
            },
            scale.show(limit),
            scale.show(per),
            number(deduction)
        )
    };
    if excess <= Decimal::ZERO {
        return Ok(Outcome::new(ex, w, || {
            let (v, l) = (scale.show(value), scale.show(limit));
            (rule(), format!("{v} 未{side} {l}, 得满分 {}", p(w)), None)
        }));
    }
    let exact_steps = div(excess, per)?;
    let steps = match count {
        StepCount::Exact => exact_steps,
        StepCount::Started => exact_steps.ceil(),
        StepCount::Completed => exact_steps.floor(),
    };
    // Beyond w / deduction steps the score is 0 whatever their number: the steps are multiplied
    // by the deduction only below that (one step to spare), see `jixiao_rules::limits`.
    let score = if deduction.is_zero() {
        w
    } else if steps > add(div(w, deduction)?, Decimal::ONE)? {
        Decimal::ZERO
    } else {
        sub(w, mul(steps, deduction)?)?.max(Decimal::ZERO)
    };
    Ok(Outcome::new(ex, score, || {
        let (v, l) = (scale.show(value), scale.show(limit));
        (
            rule(),
            format!(
                "{v} {side} {l} {}, 计 {} 档, {} − {} × {} = {}",
                scale.show(excess),
                number(steps),
                p(w),
                number(steps),
                number(deduction),
                p(score)
            ),
            (score < w).then(|| format!("{v} {side} {l}")),
        )
    }))
}

/// Band table: the points of the first band containing the value; none → 0.
pub fn bands(
    w: Decimal,
    value: Decimal,
    bands: &[Band],
    scale: Scale,
    ex: Explain,
) -> Checked<Outcome> {
    let rule = || {
        let mut rule = String::from("分段计分: ");
        for (i, b) in bands.iter().enumerate() {
            let separator = if i == 0 { "" } else { "; " };
            let interval = b.shown_with(|v| scale.show(v));
            let _ = write!(rule, "{separator}{interval} → {}", number(b.points));
        }
        rule
    };
    Ok(match bands.iter().find(|b| b.contains(value)) {
        Some(band) => Outcome::new(ex, band.points, || {
            let v = scale.show(value);
            let interval = band.shown_with(|v| scale.show(v));
            (
                rule(),
                format!("{v} 落在 {interval} 段, 得 {}", p(band.points)),
                (band.points < w).then(|| format!("{v} 落在 {interval} 段")),
            )
        }),
        None => Outcome::new(ex, Decimal::ZERO, || {
            let v = scale.show(value);
            (
                rule(),
                format!("{v} 不在任何分段内, 得 0"),
                Some(format!("{v} 不在任何分段内")),
            )
        }),
    })
}

/// One checklist item with its answer: `None` where the unit gave none.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub label: &'a str,
    pub met: Option<bool>,
}

/// Checklist: +per item met, or −per item not met (an unanswered item counts as not met),
/// clamped to [0, w].
pub fn checklist(
    w: Decimal,
    mode: ChecklistMode,
    per_item: Decimal,
    answers: &[Answer<'_>],
    ex: Explain,
) -> Checked<Outcome> {
    let met = answers.iter().filter(|a| a.met == Some(true)).count();
    let unmet = answers.len().saturating_sub(met);
    let score = match mode {
        ChecklistMode::Award => mul(Decimal::from(met), per_item)?.min(w),
        ChecklistMode::Deduct => sub(w, mul(Decimal::from(unmet), per_item)?)?.max(Decimal::ZERO),
    };
    Ok(Outcome::new(ex, score, || {
        let (rule, formula) = match mode {
            ChecklistMode::Award => (
                format!(
                    "清单加分: 每满足一项得 {} 分, 最高 {}",
                    number(per_item),
                    p(w)
                ),
                format!("满足 {met} 项 × {} = {}", number(per_item), p(score)),
            ),
            ChecklistMode::Deduct => (
                format!("清单扣分: 每一项不满足扣 {} 分, 最低 0", number(per_item)),
                format!(
                    "{} − 不满足 {unmet} 项 × {} = {}",
                    p(w),
                    number(per_item),
                    p(score)
                ),
            ),
        };
        let unmet: Vec<String> = answers
            .iter()
            .filter(|a| a.met != Some(true))
            .map(|a| {
                if a.met.is_none() {
                    format!("{}(未提供)", a.label)
                } else {
                    a.label.to_owned()
                }
            })
            .collect();
        (
            rule,
            formula,
            (!unmet.is_empty()).then(|| format!("未满足: {}", unmet.join("、"))),
        )
    }))
}
