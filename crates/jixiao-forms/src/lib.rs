//! The self-evaluation table (自评表) as an Excel form, out and back.
//!
//! [`write_form`] writes, from a rule set, the fill-in workbook a bureau sends its units: the unit
//! sheet (identity, staffing, budget, other accounts, base data, declared result, narrative), the
//! indicator sheet laid out as a 自评表 with the rule set's common indicators pre-filled, and the
//! sheets for goals, special funds and their sources, quantitative claims and yes/no facts. Label
//! cells are grey and locked, input cells white and unlocked, as the sheet 填表说明 says; number
//! cells have numeric data validation and choice cells drop-downs, each with a Chinese prompt;
//! every sheet prints on A4, one page wide, its header rows repeated. Nothing a unit sees is an
//! internal code: the codes the reader needs are in hidden columns. A very hidden sheet records
//! the rule set (id, version, leaves) the form was made for.
//!
//! [`read_form`] reads a filled form back into a checked [`jixiao_model::SelfEvaluation`], with
//! the cell each value was read from, by [`jixiao_model::FieldPath`]. Every cell that cannot be
//! read, and every figure out of bounds, is a [`CellError`]: workbook, sheet, cell, the field's
//! Chinese label, what is wrong and what is expected, in plain Chinese, as a 退回清单 lists them;
//! amounts typed as text (thousands separators, full-width digits, a 万元 or 元 suffix) are read
//! and noted ([`Note`]); blank rows and merged cells are tolerated. [`FormOrigin::changes`] says,
//! in Chinese, how the rule set the form was made for differs from the one it is scored under.
//!
//! The layout is documented in `docs/forms.md`.
//!
//! [`SelfEvaluation`]: jixiao_model::SelfEvaluation

mod layout;
mod messages;
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

/// Why a form could not be written or read. Every message is in plain Chinese.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    /// The writer refused the workbook (the detail is the spreadsheet writer's own words).
    #[error("无法生成填报表 (写入 Excel 文件出错: {0})")]
    Write(#[from] rust_xlsxwriter::XlsxError),
    /// The workbook cannot be opened or read: `problem` says why, in Chinese; `detail` is the
    /// technical reason (from the zip, the file system or the spreadsheet reader), for logs.
    #[error("{workbook}: 无法读取这个工作簿: {problem}")]
    Open {
        workbook: String,
        problem: String,
        detail: String,
    },
    /// A sheet of the form is missing (renamed or deleted, or not a form at all).
    #[error("{workbook}: {}", messages::open::missing_sheet(.sheet))]
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

/// `workbook!sheet!cell`, or the workbook alone when there is no cell.
fn location(workbook: &str, sheet: &str, cell: &str) -> String {
    if sheet.is_empty() {
        workbook.to_owned()
    } else {
        format!("{workbook}!{sheet}!{cell}")
    }
}

/// One cell that could not be read, or whose figure is out of bounds: where it is, the field's
/// Chinese label, what is wrong and what is expected, each a line of a 退回清单. Displayed as
/// `机构.xlsx!指标!F12: 实际完成值填的是“约95%”, 不是数字; 要求: 数字, 不带单位; …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}{}; 要求: {}", location(.workbook, .sheet, .cell), .field.as_deref().unwrap_or(""), .problem, .expected)]
pub struct CellError {
    /// The workbook as it was named to the reader (its path).
    pub workbook: String,
    /// The sheet (`单位`, `指标`...); empty when the problem is not at a cell.
    pub sheet: String,
    /// The cell, `F12`; empty when the problem is not at a cell.
    pub cell: String,
    /// The field's Chinese label (`年初预算数`, `实际完成值`), when the cell is a field's.
    pub field: Option<String>,
    /// What is wrong, in Chinese, read after the field's label: `未填写`, `填的是“约95%”, 不是数字`.
    pub problem: String,
    /// What is expected, in Chinese: `必填`, `不小于 0 的整数`.
    pub expected: String,
}

impl CellError {
    /// `workbook!sheet!cell`.
    pub fn at(&self) -> String {
        location(&self.workbook, &self.sheet, &self.cell)
    }
}

/// A cell read with a conversion the unit should confirm:
/// `机构.xlsx!单位!C20: 财政拨款收入填的是文字“853,300元”, 已按 85.33 万元读取`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub workbook: String,
    pub sheet: String,
    pub cell: String,
    /// The field's Chinese label.
    pub field: Option<String>,
    /// What was done, in Chinese, read after the field's label.
    pub message: String,
}

impl Note {
    /// `workbook!sheet!cell`.
    pub fn at(&self) -> String {
        location(&self.workbook, &self.sheet, &self.cell)
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = self.field.as_deref().unwrap_or("");
        write!(f, "{}: {field}{}", self.at(), self.message)
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
    /// `hunan-department v2024.1`: the rule set's id and version, for machines and logs.
    pub fn label(&self) -> String {
        format!("{} v{}", self.id, self.version)
    }

    /// The rule set as named to people: `评分规则「湖南省部门整体支出绩效评价 (区县版)」版本 2024.1`
    /// (its id when the form recorded no name).
    pub fn title(&self) -> String {
        let name = if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        };
        messages::rule_set(name, &self.version)
    }

    /// How `rules` differs from the rule set the form was made for, in Chinese, indicators
    /// named by their names (never their ids): nothing when they agree; else a first line saying
    /// which versions, then one line per indicator added, removed, renamed or re-weighted.
    pub fn changes(&self, rules: &RuleSet) -> Vec<String> {
        use messages::changes;
        if self.id != rules.id {
            return vec![changes::other_rule_set(
                &self.title(),
                &messages::rule_set(&rules.name, &rules.version),
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
                None => lines.push(changes::added(name, *points)),
                Some((_, old_name, old_points)) => {
                    if old_name != name {
                        lines.push(changes::renamed(old_name, name));
                    }
                    if old_points != points {
                        lines.push(changes::points(name, *old_points, *points));
                    }
                }
            }
        }
        for (id, name, points) in &self.leaves {
            if !current.iter().any(|(new, _, _)| new == id) {
                lines.push(changes::removed(name, *points));
            }
        }
        if self.version == rules.version && lines.is_empty() {
            return lines;
        }
        let head = if lines.is_empty() {
            changes::none(&self.title(), &rules.version)
        } else {
            changes::some(&self.title(), &rules.version, lines.len())
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
