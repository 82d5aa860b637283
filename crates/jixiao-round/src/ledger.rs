//! The bureau's own figures (财政数据): a table keyed by 单位编码 (a department's row) or 项目编码
//! (a project's), with any of 全年预算数, 全年执行数, 三公经费 (amounts, converted to 万元) and
//! 编制数 (a whole number); and [`reconcile`], which checks a unit's figures against its row.
//!
//! A unit is found in the ledger by code only ([`Ledger::entry_for`]): a department evaluation by
//! its 单位编码, a project evaluation by its 项目编码. Names are for messages, never for matching:
//! a figure taken from another unit's row would score the wrong unit.

use std::collections::BTreeMap;
use std::path::Path;

use jixiao_engine::fmt::number;
use jixiao_engine::{EngineRule, Figure, Finding, LedgerFigure, Severity, UsedFigure};
use jixiao_model::{CheckedUnit, EvaluationKind, FieldPath, SelfEvaluation, UnitIdentity};
use jixiao_rules::{LedgerPolicy, LedgerPreference};
use rust_decimal::Decimal;

use crate::table::{Column, Table, is_total_line, normalize_code};
use crate::{RoundError, RowRef};

/// Which code a ledger row is keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LedgerKey {
    /// 单位编码: a department's figures.
    Unit,
    /// 项目编码: a project's figures.
    Project,
}

/// One row of the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// The 项目编码 when the row has one, else the 单位编码, as written (trimmed).
    pub code: String,
    /// Which code [`LedgerEntry::code`] is.
    pub keyed_by: LedgerKey,
    /// 单位名称 (or 项目名称 for a project's row), for messages.
    pub name: Option<String>,
    /// 年度, when the ledger says (a ledger of several years).
    pub year: Option<u16>,
    /// 全年预算数, 万元.
    pub full_year: Option<Decimal>,
    /// 全年执行数 (财政拨款支出), 万元.
    pub spent: Option<Decimal>,
    /// 三公经费, 万元.
    pub three_public: Option<Decimal>,
    /// 编制数.
    pub authorised: Option<u32>,
    /// Where the row is.
    pub at: RowRef,
}

/// The bureau's figures, by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
    entries: Vec<LedgerEntry>,
    by_code: BTreeMap<(LedgerKey, String, Option<u16>), usize>,
    source: String,
    notes: Vec<String>,
}

impl Ledger {
    /// Reads a ledger (CSV or `.xlsx`, Chinese headers): a 单位编码 or 项目编码 column, at least
    /// one figure column, each amount column's unit in its header. A row without a code is an
    /// error unless it is a total line (合计, 总计, 小计: skipped); the same code twice (in the
    /// same year) is an error naming both rows.
    pub fn load(path: &Path) -> Result<Ledger, RoundError> {
        let table = Table::read(path)?;
        table.require_any(&[Column::Code, Column::ProjectCode])?;
        let figures = [
            Column::FullYear,
            Column::Spent,
            Column::ThreePublic,
            Column::Authorised,
        ];
        if !figures.iter().any(|c| table.has(*c)) {
            return Err(RoundError::NoFigures {
                file: table.file.clone(),
                found: table.found_headers(),
            });
        }
        let mut notes = table.notes();
        let mut entries: Vec<LedgerEntry> = Vec::new();
        let mut by_code = BTreeMap::new();
        let mut totals = Vec::new();
        for row in &table.rows {
            let text = |c: Column| table.text(row, c).map(str::to_owned);
            let (code, keyed_by) = match (text(Column::ProjectCode), text(Column::Code)) {
                (Some(code), _) => (code, LedgerKey::Project),
                (None, Some(code)) => (code, LedgerKey::Unit),
                (None, None) => {
                    let name = text(Column::Name).or_else(|| text(Column::Project));
                    if name.as_deref().is_some_and(is_total_line) {
                        totals.push(row.at.row.to_string());
                        continue;
                    }
                    return Err(RoundError::NoIdentity {
                        at: row.at.clone(),
                        wanted: "单位编码或项目编码 (财政数据按编码核对)".to_owned(),
                    });
                }
            };
            let name = match keyed_by {
                LedgerKey::Project => text(Column::Project).or_else(|| text(Column::Name)),
                LedgerKey::Unit => text(Column::Name),
            };
            let entry = LedgerEntry {
                code,
                keyed_by,
                name,
                year: table.year(row)?,
                full_year: table.amount(row, Column::FullYear)?,
                spent: table.amount(row, Column::Spent)?,
                three_public: table.amount(row, Column::ThreePublic)?,
                authorised: table.count(row, Column::Authorised)?,
                at: row.at.clone(),
            };
            let key = (entry.keyed_by, normalize_code(&entry.code), entry.year);
            if let Some(&first) = by_code.get(&key) {
                let first: &LedgerEntry = &entries[first];
                let (unit, label) = match entry.keyed_by {
                    LedgerKey::Unit => ("单位", "单位编码"),
                    LedgerKey::Project => ("项目", "项目编码"),
                };
                return Err(RoundError::Duplicate {
                    what: "财政数据".to_owned(),
                    unit: unit.to_owned(),
                    first: Box::new(first.at.clone()),
                    second: Box::new(entry.at),
                    key: format!("{label} {}", entry.code),
                });
            }
            by_code.insert(key, entries.len());
            entries.push(entry);
        }
        if !totals.is_empty() {
            notes.push(format!(
                "{}: 合计行不参与核对 (第 {} 行)",
                table.file,
                totals.join("、")
            ));
        }
        Ok(Ledger {
            entries,
            by_code,
            source: table.file,
            notes,
        })
    }

    /// The row for a unit: a project evaluation's by its 项目编码, a department evaluation's by
    /// its 单位编码; a row of the unit's year before a row with no year. `None` when the unit has
    /// no such code or the ledger no such row.
    pub fn entry_for(&self, unit: &UnitIdentity) -> Option<&LedgerEntry> {
        let (key, code) = match unit.kind {
            EvaluationKind::Project => (LedgerKey::Project, unit.project_code.as_deref()?),
            EvaluationKind::Department => (LedgerKey::Unit, unit.code.as_deref()?),
        };
        let code = normalize_code(code);
        self.by_code
            .get(&(key, code.clone(), Some(unit.year)))
            .or_else(|| self.by_code.get(&(key, code, None)))
            .and_then(|&i| self.entries.get(i))
    }

    /// Why a unit [`Ledger::entry_for`] does not find was not checked, in Chinese, for the
    /// scorecard or the terminal: it has no code to be found by, or the ledger no row for it.
    pub fn not_found(&self, unit: &UnitIdentity) -> String {
        let (key, label, code) = match unit.kind {
            EvaluationKind::Project => {
                (LedgerKey::Project, "项目编码", unit.project_code.as_deref())
            }
            EvaluationKind::Department => (LedgerKey::Unit, "单位编码", unit.code.as_deref()),
        };
        match code {
            None => format!("未填写{label}, 无法与财政数据 ({}) 核对", self.source),
            Some(code) => {
                let normalized = normalize_code(code);
                // Rows of the code for other years only (a row without a year would have served).
                let other_years = self
                    .by_code
                    .keys()
                    .any(|(k, c, _)| *k == key && *c == normalized);
                let what = if other_years {
                    format!(" {} 年度数据", unit.year)
                } else {
                    "行".to_owned()
                };
                format!(
                    "财政数据 ({}) 中没有{label} {code} 的{what}, 未核对",
                    self.source
                )
            }
        }
    }

    /// The file's name, for messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every row, in file order.
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    /// How the file was read, for the officer: columns ignored, total lines skipped.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }
}

/// A unit with the ledger's figures in it where they score, what was compared, and what was
/// found.
#[derive(Debug, Clone, PartialEq)]
pub struct Reconciled {
    /// The unit to score: the figures that scored put in, checked again.
    pub unit: CheckedUnit,
    /// Each figure the ledger gives: both values and which one scored (the scorecard's
    /// `ledger`).
    pub figures: Vec<LedgerFigure>,
    /// A hard finding per difference beyond the tolerance, a soft one per figure the unit left
    /// out (to add to the scorecard's findings).
    pub findings: Vec<Finding>,
}

/// The four figures: the label, the unit's field, the measure.
#[derive(Clone, Copy)]
enum Which {
    FullYear,
    Spent,
    ThreePublic,
    Authorised,
}

impl Which {
    fn label(self) -> &'static str {
        match self {
            Which::FullYear => "全年预算数",
            Which::Spent => "全年执行数",
            Which::ThreePublic => "三公经费",
            Which::Authorised => "编制数",
        }
    }

    fn field(self) -> FieldPath {
        match self {
            Which::FullYear => FieldPath::new("budget").key("full_year"),
            Which::Spent => FieldPath::new("budget").key("spent"),
            Which::ThreePublic => FieldPath::new("base").key("three_public"),
            Which::Authorised => FieldPath::new("staffing").key("authorised"),
        }
    }

    fn measure(self) -> &'static str {
        match self {
            Which::Authorised => "人",
            _ => "万元",
        }
    }

    fn ledger(self, entry: &LedgerEntry) -> Option<Decimal> {
        match self {
            Which::FullYear => entry.full_year,
            Which::Spent => entry.spent,
            Which::ThreePublic => entry.three_public,
            Which::Authorised => entry.authorised.map(Decimal::from),
        }
    }

    fn unit(self, unit: &SelfEvaluation) -> Option<Decimal> {
        match self {
            Which::FullYear => unit.budget.full_year,
            Which::Spent => Some(unit.budget.spent),
            Which::ThreePublic => unit.base.three_public,
            Which::Authorised => unit.staffing.map(|s| Decimal::from(s.authorised)),
        }
    }

    /// Puts the ledger's figure into the unit; false when the unit has no place for it.
    fn set(self, unit: &mut SelfEvaluation, entry: &LedgerEntry) -> bool {
        match self {
            Which::FullYear => unit.budget.full_year = entry.full_year,
            Which::Spent => match entry.spent {
                Some(spent) => unit.budget.spent = spent,
                None => return false,
            },
            Which::ThreePublic => unit.base.three_public = entry.three_public,
            Which::Authorised => match (&mut unit.staffing, entry.authorised) {
                (Some(staffing), Some(authorised)) => staffing.authorised = authorised,
                _ => return false,
            },
        }
        true
    }
}

/// A figure with its measure: an amount with two decimals or more, as exact as it is
/// (`160.00 万元`, `0.004 万元`, `85.3312 万元`), a count as it is (`3 人`).
pub fn shown(value: Decimal, measure: &str) -> String {
    if measure == "万元" {
        let value = value.normalize();
        let places = value.scale().max(2) as usize;
        format!("{value:.places$} {measure}")
    } else {
        format!("{} {measure}", number(value))
    }
}

/// Checks the unit's 全年预算数, 全年执行数, 三公经费 and 编制数 against the ledger's row `entry`
/// (read from the file `source`) under `policy`:
///
/// - the two within `policy.amount_tolerance` (amounts) or equal (编制数): they agree, the unit's
///   figure stands, no finding;
/// - beyond it: a hard finding naming both figures, the difference and the row; the figure
///   `policy.prefer` names scores;
/// - a figure the unit left out and the ledger gives: the ledger's is used whatever the policy,
///   with a soft finding saying so (编制数 only where the unit has 人员情况: the ledger gives no
///   在职人数 to go with it);
/// - a figure the ledger does not give: not compared.
///
/// The unit is checked again with the figures put in; a ledger figure beyond the bounds of a
/// figure is [`RoundError::OutOfBounds`].
pub fn reconcile(
    unit: CheckedUnit,
    entry: &LedgerEntry,
    policy: &LedgerPolicy,
    source: &str,
) -> Result<Reconciled, RoundError> {
    let mut model = unit.into_inner();
    let mut figures = Vec::new();
    let mut findings = Vec::new();
    let place = format!("{source} {}", entry.at.line());
    for which in [
        Which::FullYear,
        Which::Spent,
        Which::ThreePublic,
        Which::Authorised,
    ] {
        let Some(ledger) = which.ledger(entry) else {
            continue;
        };
        let label = which.label();
        let measure = which.measure();
        let field = which.field();
        let unit_value = which.unit(&model);
        let finding = |severity: Severity, message: String, figures: Vec<Figure>| Finding {
            rule: EngineRule::Ledger.into(),
            severity,
            indicator: None,
            message,
            figures,
        };
        let ledger_figure =
            Figure::new(format!("财政数据{label}"), ledger, measure).of(field.clone());
        let used = match unit_value {
            None => {
                let stood_in = match (which, model.budget.income) {
                    (Which::FullYear, Some(income)) => {
                        format!(" (原以财政拨款收入 {}代替)", shown(income, "万元"))
                    }
                    _ => String::new(),
                };
                if which.set(&mut model, entry) {
                    findings.push(finding(
                        Severity::Soft,
                        format!(
                            "{label}: 单位未填报{stood_in}, 采用财政数据 ({place}) {}",
                            shown(ledger, measure)
                        ),
                        vec![ledger_figure],
                    ));
                    UsedFigure::Ledger
                } else {
                    findings.push(finding(
                        Severity::Soft,
                        format!(
                            "{label}: 财政数据 ({place}) {}, 单位未填报人员情况 (在职人数), 未采用",
                            shown(ledger, measure)
                        ),
                        vec![ledger_figure],
                    ));
                    UsedFigure::Neither
                }
            }
            Some(reported) => {
                let gap = ledger.checked_sub(reported).unwrap_or(Decimal::MAX).abs();
                let tolerance = match which {
                    Which::Authorised => Decimal::ZERO,
                    _ => policy.amount_tolerance,
                };
                if gap <= tolerance {
                    UsedFigure::Unit
                } else {
                    let used = match policy.prefer {
                        LedgerPreference::Ledger if which.set(&mut model, entry) => {
                            UsedFigure::Ledger
                        }
                        _ => UsedFigure::Unit,
                    };
                    findings.push(finding(
                        Severity::Hard,
                        format!(
                            "{label}: 单位填报 {}, 财政数据 ({place}) {}, 相差 {}, 评分采用{}",
                            shown(reported, measure),
                            shown(ledger, measure),
                            shown(gap, measure),
                            used.label()
                        ),
                        vec![
                            Figure::new(format!("单位填报{label}"), reported, measure)
                                .of(field.clone()),
                            ledger_figure,
                            Figure::new("相差", gap, measure),
                        ],
                    ));
                    used
                }
            }
        };
        figures.push(LedgerFigure {
            field,
            label: label.to_owned(),
            unit_value,
            ledger_value: ledger,
            used,
            measure: measure.to_owned(),
        });
    }
    // The ledger's amounts are within bounds (Table::amount), so this holds but for a unit
    // whose own figures were already at the edge.
    let unit = model.check().map_err(|problems| RoundError::OutOfBounds {
        at: entry.at.clone(),
        problems: problems
            .iter()
            .map(|p| p.field.to_string())
            .collect::<Vec<_>>()
            .join("、"),
    })?;
    Ok(Reconciled {
        unit,
        figures,
        findings,
    })
}
