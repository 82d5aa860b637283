//! The self-evaluation table (自评表) as an Excel form, out and back.
//!
//! [`write_form`] writes, from a rule set, the fill-in workbook a bureau sends its units: the unit
//! sheet (identity, staffing, budget, other accounts, base data, declared result, narrative), the
//! indicator sheet laid out as a 自评表 with the rule set's common indicators pre-filled, and the
//! sheets for goals, special funds and their sources, quantitative claims and yes/no facts. Label
//! cells are locked, input cells unlocked; columns that take a choice have data validation. A
//! very hidden sheet records the rule set (id, version, leaves) the form was made for.
//!
//! [`read_form`] reads a filled form back into a checked [`jixiao_model::SelfEvaluation`], with
//! the cell each value was read from, by [`jixiao_model::FieldPath`]. Every cell that cannot be
//! read, and every figure out of bounds, is reported as `workbook!sheet!cell: message`; amounts
//! typed as text (thousands separators, full-width digits, a 万元 or 元 suffix) are read and
//! noted; blank rows and merged cells are tolerated. [`FormOrigin::changes`] says how the rule set
//! the form was made for differs from the one it is scored under.
//!
//! The layout is documented in `docs/forms.md`.
//!
//! [`SelfEvaluation`]: jixiao_model::SelfEvaluation

mod layout;
mod read;
mod text;
mod write;

use std::fmt;
use std::path::Path;

use jixiao_rules::RuleSet;
use rust_decimal::Decimal;

pub use read::{Filled, read_form};
pub use text::{SCALE, decimal_from_f64, number_from_text};
pub use write::write_form;

/// Sheet names and columns, for tools (and tests) that fill forms programmatically.
pub mod sheets {
    pub use crate::layout::{
        CLAIM_AT_LEAST, CLAIM_QUANTITY, CLAIM_UNIT, CLAIM_WHAT, CLAIMS, FACT_CODE, FACT_LABEL,
        FACT_VALUE, FACTS, FUND_CARRIED_OVER, FUND_CHANGE, FUND_NAME, FUND_OPENING, FUND_SPENT,
        FUNDS, GOAL_ACTUAL, GOAL_DIRECTION, GOAL_FUND, GOAL_INDICATOR, GOAL_TARGET, GOAL_TEXT,
        GOAL_UNIT, GOALS, IND_ACTUAL, IND_DIRECTION, IND_EXPLANATION, IND_LEVEL1, IND_LEVEL2,
        IND_NAME, IND_ORIGIN, IND_POINTS, IND_SELF_SCORE, IND_TARGET, IND_TIER, IND_UNIT,
        INDICATORS, INSTRUCTIONS, META, SOURCE_AMOUNT, SOURCE_FUND, SOURCE_NAME, SOURCES, UNIT,
        UNIT_KEY, UNIT_VALUE, cell_ref,
    };
}

/// Why a form could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("cannot write the form: {0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
    #[error("{workbook}: cannot read the workbook: {message}")]
    Open { workbook: String, message: String },
    #[error("{workbook}: the sheet {sheet} is missing: is this a form written by `jixiao form`?")]
    MissingSheet { workbook: String, sheet: String },
    /// Cells that could not be read, or whose figures are out of bounds, each with its
    /// workbook, sheet and cell.
    #[error("{}", render(.0))]
    Cells(Vec<CellError>),
}

fn render(errors: &[CellError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// One cell that could not be read, `机构.xlsx!指标!F12: expected a number, found "约95%"`, or
/// whose figure is out of bounds, ``机构.xlsx!单位!C21: at `budget.opening`: expected a figure of
/// at most 10^12, found 2000000000000``.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct CellError {
    /// `workbook!sheet!cell`.
    pub at: String,
    pub message: String,
}

/// A cell read with a conversion: `机构.xlsx!单位!C20: read the text "853,300元" as 85.33 万元`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// `workbook!sheet!cell`.
    pub at: String,
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// The rule set a form was made for, as recorded in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormOrigin {
    pub id: String,
    pub name: String,
    pub version: String,
    /// The rule set's leaves: id, name, points.
    pub leaves: Vec<(String, String, Decimal)>,
}

impl FormOrigin {
    /// `hunan-department v2024.1`.
    pub fn label(&self) -> String {
        format!("{} v{}", self.id, self.version)
    }

    /// How `rules` differs from the rule set the form was made for: nothing when they agree;
    /// else a first line saying which versions, then one line per indicator added, removed,
    /// renamed or re-weighted.
    pub fn changes(&self, rules: &RuleSet) -> Vec<String> {
        if self.id != rules.id {
            return vec![format!(
                "the form was made for the rule set {}, not {} v{}: its pre-filled indicators may not be the ones scored",
                self.label(),
                rules.id,
                rules.version
            )];
        }
        let current: Vec<(String, String, Decimal)> = write::leaves(rules)
            .iter()
            .map(|l| {
                let i = l.indicator;
                (i.id.clone(), i.name.clone(), i.points)
            })
            .collect();
        let mut lines = Vec::new();
        for (id, name, points) in &current {
            match self.leaves.iter().find(|(old, _, _)| old == id) {
                None => lines.push(format!(
                    "indicator added: {id} 「{name}」 ({} points)",
                    points.normalize()
                )),
                Some((_, old_name, old_points)) => {
                    if old_name != name {
                        lines.push(format!(
                            "indicator renamed: {id} 「{old_name}」 → 「{name}」"
                        ));
                    }
                    if old_points != points {
                        lines.push(format!(
                            "points changed: {id} 「{name}」 {} → {}",
                            old_points.normalize(),
                            points.normalize()
                        ));
                    }
                }
            }
        }
        for (id, name, points) in &self.leaves {
            if !current.iter().any(|(new, _, _)| new == id) {
                lines.push(format!(
                    "indicator removed: {id} 「{name}」 ({} points)",
                    points.normalize()
                ));
            }
        }
        if self.version == rules.version && lines.is_empty() {
            return lines;
        }
        let head = if lines.is_empty() {
            format!(
                "the form was made for {}; scoring under v{}: no indicator changed",
                self.label(),
                rules.version
            )
        } else {
            format!(
                "the form was made for {}; scoring under v{}, which changed {} indicator(s):",
                self.label(),
                rules.version,
                lines.len()
            )
        };
        std::iter::once(head)
            .chain(lines.into_iter().map(|l| format!("  {l}")))
            .collect()
    }
}

/// Whether `path` is a form written by `jixiao form`: an `.xlsx` file (not an Excel lock file,
/// `~$…`) with the form's `jixiao` sheet. A unit's own workbook has no such sheet and is read as
/// a report (jixiao-ingest); a workbook that cannot be opened counts as a form, so the form
/// reader says why it cannot be read (a zip bomb too).
pub fn is_form(path: &Path) -> bool {
    use calamine::Reader as _;
    let looks = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        && !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("~$"));
    // calamine inflates what it opens: a zip bomb is left to `read_form`, which refuses it.
    let bomb = || {
        std::fs::File::open(path)
            .is_ok_and(|f| jixiao_ingest::archive::check(std::io::BufReader::new(f)).is_err())
    };
    looks
        && (bomb()
            || match calamine::open_workbook::<calamine::Xlsx<_>, _>(path) {
                Ok(book) => book.sheet_names().iter().any(|n| n == layout::META),
                Err(_) => true,
            })
}
