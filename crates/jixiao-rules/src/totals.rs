//! `[totals]`: how a rule set adds the scores up and which total it grades (合计与定级).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{GradeBand, RuleSet};

/// `[totals]`: what the total is the sum of, and which total is graded. The defaults are what
/// every rule set did before the table existed: `sum = "exact"`, `grade_on = "shown"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TotalsPolicy {
    /// What a group's score and the total are summed from.
    #[serde(default)]
    pub sum: SumOf,
    /// Which total the grade bands are applied to.
    #[serde(default)]
    pub grade_on: GradeOn,
}

impl TotalsPolicy {
    /// Whether the policy is the default one (not written back when a rule set is serialised).
    pub fn is_default(&self) -> bool {
        *self == TotalsPolicy::default()
    }
}

/// `sum`: what a group's score and the total add up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SumOf {
    /// The leaves' exact scores, as a spreadsheet sums its cells; the shown leaves may then add
    /// up to a hundredth off the shown total, and the scorecard says so.
    #[default]
    Exact,
    /// The leaves' scores as shown, each rounded to `score_decimals` (四舍五入), as a paper form
    /// adds them up: the shown leaves always add up to the shown group scores and total (before
    /// any rescaling of dropped leaves).
    Shown,
}

/// `grade_on`: which total the grade bands are applied to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradeOn {
    /// The total rounded to `score_decimals`, as bureaus publish it: the grade always matches
    /// the total shown (89.995 shown as 90.00 is 优).
    #[default]
    Shown,
    /// The total before rounding (89.995 is 良, though shown as 90.00).
    Exact,
}

impl RuleSet {
    /// The grade band of a total under `[totals] grade_on`: `exact` is the total before rounding,
    /// `shown` the same rounded to `score_decimals` (the one rounding rule, half away from zero).
    /// Every grading of a total (the engine's, a re-review's, a declared total's) goes through
    /// here.
    pub fn grade_total(&self, exact: Decimal) -> Option<&GradeBand> {
        match self.totals.grade_on {
            GradeOn::Shown => self.grade_for(jixiao_model::round(exact, self.score_decimals)),
            GradeOn::Exact => self.grade_for(exact),
        }
    }
}
