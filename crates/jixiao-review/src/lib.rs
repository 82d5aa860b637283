//! The re-review (复核, `../shared/domain.md` §10): after a round is scored, the bureau (or a CPA
//! firm it hires) re-reviews a sample of units. Reviewers keep, per indicator, the self-score
//! beside the system's score and their own, with a reason (复核意见) for every change; the review
//! sets the final grade.
//!
//! - [`sample`]: which units to re-review, and why each was picked (seeded, reproducible).
//! - [`workbook`]: the reviewer workbook, written for a sample and read back when filled.
//! - [`apply`]: the reviewed scores applied to a scorecard: each change recorded, the final
//!   total and grade by the rule set's tree and bands, nothing else moved.
//! - [`summary`]: what the review moved, by indicator, by reason and by reviewer.
//!
//! The seams between them are the types below: a unit is known by its [`UnitKey`], a reviewed
//! score by its unit, its leaf's id and the cell it was read from.

pub mod apply;
pub mod sample;
pub mod summary;
pub mod workbook;

use jixiao_model::EvaluationKind;
use rust_decimal::Decimal;

/// Who a reviewed unit is, as the workbook records it and the round's scorecards give it: its
/// code (单位编码, with 项目编码 for a project) when it has one, else its name (with its project's).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct UnitKey {
    pub name: String,
    pub code: Option<String>,
    pub project: Option<String>,
    pub project_code: Option<String>,
    pub year: u16,
    pub kind: EvaluationKind,
}

impl UnitKey {
    /// The key of a scored unit.
    pub fn of(card: &jixiao_engine::Scorecard) -> UnitKey {
        let unit = &card.unit;
        UnitKey {
            name: unit.name.clone(),
            code: unit.code.clone(),
            project: unit.project.clone(),
            project_code: unit.project_code.clone(),
            year: unit.year,
            kind: unit.kind,
        }
    }
}

/// Where a reviewed score was read: the workbook, its sheet and cell (`复核表.xlsx!复核!F12`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRef {
    pub workbook: String,
    pub sheet: String,
    /// `F12`.
    pub cell: String,
}

impl std::fmt::Display for CellRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}!{}!{}", self.workbook, self.sheet, self.cell)
    }
}

/// One leaf's score as a reviewer filled it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewedScore {
    pub unit: UnitKey,
    /// The leaf's id in the rule set (`input.planning.budget_control`).
    pub indicator: String,
    /// 复核得分: the reviewer's score, on the leaf's points.
    pub score: Decimal,
    /// 复核意见: required where the score differs from the system's.
    pub reason: Option<String>,
    /// 复核人, as written in the workbook.
    pub reviewer: String,
    /// 复核日期, as written in the workbook (kept as text: reviewers write dates their own way).
    pub date: Option<String>,
    /// Where it was read.
    pub at: CellRef,
}

/// A filled reviewer workbook, read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilledReview {
    /// The rule set the workbook was made for: id and version (a review of another version is
    /// refused).
    pub rule_set_id: String,
    pub rule_set_version: String,
    /// Every reviewed score of every unit the workbook holds (the ones the reviewer left as the
    /// system's score included: "nothing the reviewer did not change moves").
    pub scores: Vec<ReviewedScore>,
}
