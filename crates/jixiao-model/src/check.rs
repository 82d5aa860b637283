//! Checks every figure of a unit, whichever way it was read (TOML, JSON Lines, a form, a report):
//! amounts are not negative, and no figure is so large or so small that arithmetic on it could
//! overflow a decimal.

use rust_decimal::Decimal;

use crate::{Account, SelfEvaluation};

/// The largest magnitude a figure may have: 10¹² (万元: ten thousand trillion yuan).
fn limit() -> Decimal {
    Decimal::from(1_000_000_000_000_i64)
}

/// The smallest non-zero magnitude: 10⁻⁶.
fn resolution() -> Decimal {
    Decimal::new(1, 6)
}

/// One figure that is out of bounds: its key path and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: String,
    pub message: String,
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn figure(&mut self, key: impl Fn() -> String, value: Decimal, may_be_negative: bool) {
        let magnitude = value.abs();
        let message = if !may_be_negative && value.is_sign_negative() && !value.is_zero() {
            format!("expected an amount of zero or more, found the negative amount {value}")
        } else if magnitude > limit() {
            format!("expected a figure of at most 10^12, found {value}")
        } else if !magnitude.is_zero() && magnitude < resolution() {
            format!("expected a figure of at least 0.000001 (or 0), found {value}")
        } else {
            return;
        };
        self.problems.push(Problem {
            key: key(),
            message,
        });
    }

    fn amount(&mut self, key: impl Fn() -> String, value: Decimal) {
        self.figure(key, value, false);
    }

    fn optional(&mut self, key: impl Fn() -> String, value: Option<Decimal>) {
        if let Some(v) = value {
            self.amount(key, v);
        }
    }
}

impl SelfEvaluation {
    /// Every figure out of bounds, with its key path; empty when the unit is sound.
    pub fn problems(&self) -> Vec<Problem> {
        let mut c = Checker {
            problems: Vec::new(),
        };
        let b = &self.budget;
        c.amount(|| "budget.opening".into(), b.opening);
        c.optional(|| "budget.full_year".into(), b.full_year);
        c.optional(|| "budget.income".into(), b.income);
        c.amount(|| "budget.spent".into(), b.spent);
        c.optional(|| "budget.basic".into(), b.basic);
        c.optional(|| "budget.personnel".into(), b.personnel);
        c.optional(|| "budget.public".into(), b.public);
        c.optional(|| "budget.project".into(), b.project);
        for (name, account) in [
            ("government_fund", &self.accounts.government_fund),
            ("state_capital", &self.accounts.state_capital),
            ("social_insurance", &self.accounts.social_insurance),
        ] {
            if let Account::Figures(f) = account {
                c.amount(|| format!("accounts.{name}.income"), f.income);
                c.amount(|| format!("accounts.{name}.spent"), f.spent);
            }
        }
        for (i, fund) in self.funds.iter().enumerate() {
            c.amount(|| format!("funds[{i}].opening"), fund.opening);
            c.figure(|| format!("funds[{i}].change"), fund.change, true);
            c.amount(|| format!("funds[{i}].spent"), fund.spent);
            c.amount(|| format!("funds[{i}].carried_over"), fund.carried_over);
            for (j, source) in fund.sources.iter().enumerate() {
                c.amount(|| format!("funds[{i}].sources[{j}].amount"), source.amount);
            }
        }
        let base = &self.base;
        for (name, value) in [
            ("three_public", base.three_public),
            ("three_public_last_year", base.three_public_last_year),
            ("three_public_budget", base.three_public_budget),
            ("public_budget", base.public_budget),
            ("procurement_budget", base.procurement_budget),
            ("procurement_actual", base.procurement_actual),
            ("key_project_spending", base.key_project_spending),
            ("carried_in", base.carried_in),
            ("carried_over", base.carried_over),
            ("carried_over_last_year", base.carried_over_last_year),
        ] {
            c.optional(|| format!("base.{name}"), value);
        }
        if let Some(b) = &base.buildings {
            c.amount(|| "base.buildings.planned_area".into(), b.planned_area);
            c.amount(|| "base.buildings.actual_area".into(), b.actual_area);
            c.amount(
                || "base.buildings.planned_investment".into(),
                b.planned_investment,
            );
            c.amount(
                || "base.buildings.actual_investment".into(),
                b.actual_investment,
            );
        }
        for (i, goal) in self.goals.iter().enumerate() {
            if let Some(m) = &goal.measure {
                c.figure(|| format!("goals[{i}].measure.target"), m.target, true);
                if let Some(a) = m.actual {
                    c.figure(|| format!("goals[{i}].measure.actual"), a, true);
                }
            }
        }
        for (i, row) in self.indicators.iter().enumerate() {
            if let Some(t) = row.target {
                c.figure(|| format!("indicators[{i}].target"), t, true);
            }
            if let Some(a) = row.actual {
                c.figure(|| format!("indicators[{i}].actual"), a, true);
            }
            c.amount(|| format!("indicators[{i}].points"), row.points);
            c.optional(|| format!("indicators[{i}].self_score"), row.self_score);
        }
        for (i, claim) in self.claims.iter().enumerate() {
            c.figure(|| format!("claims[{i}].quantity"), claim.quantity, true);
        }
        if let Some(d) = &self.declared {
            c.optional(|| "declared.total".into(), d.total);
        }
        c.problems
    }
}
