//! Checks every figure of a unit, whichever way it was read (TOML, JSON Lines, a form, a report):
//! amounts are not negative, and no figure is so large or so small that arithmetic on it could
//! overflow a decimal.

use rust_decimal::Decimal;

use crate::{Account, FieldPath, SelfEvaluation};

/// The largest magnitude a figure may have: 10¹² (万元: ten thousand trillion yuan).
fn limit() -> Decimal {
    Decimal::from(1_000_000_000_000_i64)
}

/// The smallest non-zero magnitude: 10⁻⁶.
fn resolution() -> Decimal {
    Decimal::new(1, 6)
}

/// One figure that is out of bounds: its field and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: FieldPath,
    pub kind: ProblemKind,
    /// The figure as read.
    pub value: Decimal,
    /// What was expected and what was found, e.g. `expected an amount of zero or more, found
    /// the negative amount -3`.
    pub message: String,
}

/// What is wrong with a figure out of bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// An amount below zero.
    Negative,
    /// A figure beyond 10¹².
    TooLarge,
    /// A figure closer to zero than 10⁻⁶ but not zero.
    TooSmall,
}

impl ProblemKind {
    /// What is wrong with `value`, in plain Chinese, for a unit: `为负数 -3`.
    pub fn problem(self, value: Decimal) -> String {
        match self {
            ProblemKind::Negative => format!("为负数 {value}"),
            ProblemKind::TooLarge => format!("数值过大 ({value})"),
            ProblemKind::TooSmall => format!("数值过小 ({value})"),
        }
    }

    /// What is expected instead, in plain Chinese.
    pub fn expected(self) -> &'static str {
        match self {
            ProblemKind::Negative => "填写 0 或正数",
            ProblemKind::TooLarge => "填写不超过 1 万亿的数 (金额以万元为单位)",
            ProblemKind::TooSmall => "填写 0 或不小于 0.000001 的数",
        }
    }
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn figure(&mut self, key: impl Fn() -> FieldPath, value: Decimal, may_be_negative: bool) {
        let magnitude = value.abs();
        let (kind, message) = if !may_be_negative && value.is_sign_negative() && !value.is_zero() {
            (
                ProblemKind::Negative,
                format!("expected an amount of zero or more, found the negative amount {value}"),
            )
        } else if magnitude > limit() {
            (
                ProblemKind::TooLarge,
                format!("expected a figure of at most 10^12, found {value}"),
            )
        } else if !magnitude.is_zero() && magnitude < resolution() {
            (
                ProblemKind::TooSmall,
                format!("expected a figure of at least 0.000001 (or 0), found {value}"),
            )
        } else {
            return;
        };
        self.problems.push(Problem {
            field: key(),
            kind,
            value,
            message,
        });
    }

    fn amount(&mut self, key: impl Fn() -> FieldPath, value: Decimal) {
        self.figure(key, value, false);
    }

    fn optional(&mut self, key: impl Fn() -> FieldPath, value: Option<Decimal>) {
        if let Some(v) = value {
            self.amount(key, v);
        }
    }
}

impl SelfEvaluation {
    /// Every figure out of bounds, with its key path; empty when the unit is sound.
    fn problems(&self) -> Vec<Problem> {
        let mut c = Checker {
            problems: Vec::new(),
        };
        let b = &self.budget;
        c.optional(|| FieldPath::new("budget").key("opening"), b.opening);
        c.optional(|| FieldPath::new("budget").key("full_year"), b.full_year);
        c.optional(|| FieldPath::new("budget").key("increase"), b.increase);
        c.optional(|| FieldPath::new("budget").key("decrease"), b.decrease);
        c.optional(|| FieldPath::new("budget").key("income"), b.income);
        c.amount(|| FieldPath::new("budget").key("spent"), b.spent);
        c.optional(|| FieldPath::new("budget").key("basic"), b.basic);
        c.optional(|| FieldPath::new("budget").key("personnel"), b.personnel);
        c.optional(|| FieldPath::new("budget").key("public"), b.public);
        c.optional(|| FieldPath::new("budget").key("project"), b.project);
        if let Some(e) = &self.execution {
            for (name, value) in [
                ("points", e.points),
                ("rate", e.rate),
                ("self_score", e.self_score),
            ] {
                c.optional(|| FieldPath::new("execution").key(name), value);
            }
        }
        for (name, account) in [
            ("government_fund", &self.accounts.government_fund),
            ("state_capital", &self.accounts.state_capital),
            ("social_insurance", &self.accounts.social_insurance),
        ] {
            if let Account::Figures(f) = account {
                c.amount(
                    || FieldPath::new("accounts").key(name).key("income"),
                    f.income,
                );
                c.amount(
                    || FieldPath::new("accounts").key(name).key("spent"),
                    f.spent,
                );
            }
        }
        for (i, fund) in self.funds.iter().enumerate() {
            c.amount(|| FieldPath::item("funds", i, "opening"), fund.opening);
            c.figure(|| FieldPath::item("funds", i, "change"), fund.change, true);
            c.amount(|| FieldPath::item("funds", i, "spent"), fund.spent);
            c.amount(
                || FieldPath::item("funds", i, "carried_over"),
                fund.carried_over,
            );
            for (j, source) in fund.sources.iter().enumerate() {
                c.amount(
                    || {
                        FieldPath::new("funds")
                            .index(i)
                            .key("sources")
                            .index(j)
                            .key("amount")
                    },
                    source.amount,
                );
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
            c.optional(|| FieldPath::new("base").key(name), value);
        }
        for (name, parts) in [
            ("three_public_parts", &base.three_public_parts),
            (
                "three_public_last_year_parts",
                &base.three_public_last_year_parts,
            ),
        ] {
            if let Some(p) = parts {
                for (part, value) in [
                    ("cars", p.cars),
                    ("receptions", p.receptions),
                    ("overseas", p.overseas),
                ] {
                    c.optional(|| FieldPath::new("base").key(name).key(part), value);
                }
            }
        }
        for (i, task) in self.tasks.iter().enumerate() {
            c.optional(|| FieldPath::item("tasks", i, "budget"), task.budget);
            c.optional(|| FieldPath::item("tasks", i, "spent"), task.spent);
        }
        if let Some(b) = &base.buildings {
            c.amount(
                || FieldPath::new("base").key("buildings").key("planned_area"),
                b.planned_area,
            );
            c.amount(
                || FieldPath::new("base").key("buildings").key("actual_area"),
                b.actual_area,
            );
            c.amount(
                || {
                    FieldPath::new("base")
                        .key("buildings")
                        .key("planned_investment")
                },
                b.planned_investment,
            );
            c.amount(
                || {
                    FieldPath::new("base")
                        .key("buildings")
                        .key("actual_investment")
                },
                b.actual_investment,
            );
        }
        for (i, goal) in self.goals.iter().enumerate() {
            if let Some(m) = &goal.measure {
                c.figure(
                    || FieldPath::item("goals", i, "measure").key("target"),
                    m.target,
                    true,
                );
                if let Some(a) = m.actual {
                    c.figure(
                        || FieldPath::item("goals", i, "measure").key("actual"),
                        a,
                        true,
                    );
                }
            }
        }
        for (i, row) in self.indicators.iter().enumerate() {
            if let Some(t) = row.target {
                c.figure(|| FieldPath::item("indicators", i, "target"), t, true);
            }
            if let Some(a) = row.actual {
                c.figure(|| FieldPath::item("indicators", i, "actual"), a, true);
            }
            c.amount(|| FieldPath::item("indicators", i, "points"), row.points);
            c.optional(
                || FieldPath::item("indicators", i, "self_score"),
                row.self_score,
            );
        }
        for (i, claim) in self.claims.iter().enumerate() {
            c.figure(
                || FieldPath::item("claims", i, "quantity"),
                claim.quantity,
                true,
            );
        }
        if let Some(d) = &self.declared {
            c.optional(|| FieldPath::new("declared").key("total"), d.total);
        }
        c.problems
    }
}

/// A unit whose every figure passed [`SelfEvaluation::check`]: what every reader returns, and
/// the only kind of unit the engine scores. It derefs to the [`SelfEvaluation`]; to change a
/// figure, take the unit out with [`CheckedUnit::into_inner`] and check it again.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct CheckedUnit(SelfEvaluation);

impl SelfEvaluation {
    /// The unit as a [`CheckedUnit`], or every figure out of bounds (never empty).
    pub fn check(self) -> Result<CheckedUnit, Vec<Problem>> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(CheckedUnit(self))
        } else {
            Err(problems)
        }
    }
}

impl CheckedUnit {
    /// The unit itself, to change it (and check it again).
    pub fn into_inner(self) -> SelfEvaluation {
        self.0
    }

    /// The unit itself.
    pub fn unit(&self) -> &SelfEvaluation {
        &self.0
    }
}

impl std::ops::Deref for CheckedUnit {
    type Target = SelfEvaluation;
    fn deref(&self) -> &SelfEvaluation {
        &self.0
    }
}

impl PartialEq<SelfEvaluation> for CheckedUnit {
    fn eq(&self, other: &SelfEvaluation) -> bool {
        self.0 == *other
    }
}
