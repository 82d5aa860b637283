//! The roster (名单): the units (and projects) that must file in a round, and the check of the
//! units received against it: 应交未交 (on the roster, not received) and received but not on the
//! roster.
//!
//! Matching (docs/roster-and-ledger.md):
//!
//! - a department entry matches a unit by 单位编码 when both have one (compared trimmed, full-width
//!   characters made half-width); when either has none, by 单位名称 (spaces removed, full-width
//!   parentheses made half-width);
//! - a project entry (one with a 项目编码 or a 项目名称) matches a project evaluation by 项目编码
//!   when both have one, else by the unit (as above) and the 项目名称;
//! - an entry that gives 评价类型 or 年度 matches only units of that kind and year;
//! - two 单位编码 both known and different are never the same unit, whatever the names say.
//!
//! Two units received that match one entry are both matched: telling which one scores is the
//! caller's (duplicates).

use std::collections::BTreeMap;
use std::path::Path;

use jixiao_model::{EvaluationKind, UnitIdentity};

use crate::table::{Column, Table, normalize_code, normalize_name};
use crate::{RoundError, RowRef};

/// The units that must file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    pub entries: Vec<RosterEntry>,
    /// How the file was read, for the officer: the columns ignored.
    pub notes: Vec<String>,
}

/// One row of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    /// 单位编码, as written (trimmed).
    pub code: Option<String>,
    /// 单位名称, as written (trimmed); empty when the row gives only a code.
    pub name: String,
    /// 主管部门.
    pub supervisor: Option<String>,
    /// 评价类型, when the roster says.
    pub kind: Option<EvaluationKind>,
    /// 项目编码.
    pub project_code: Option<String>,
    /// 项目名称.
    pub project: Option<String>,
    /// 地区.
    pub region: Option<String>,
    /// 年度, when the roster says.
    pub year: Option<u16>,
    /// Where the row is.
    pub at: RowRef,
}

impl RosterEntry {
    /// Whether the entry is a project's (it names a 项目编码 or a 项目名称).
    pub fn is_project(&self) -> bool {
        self.project_code.is_some() || self.project.is_some()
    }

    /// The entry for people: `株洲市芦淞区科学技术协会 (单位编码 430203001)`, with the project
    /// for a project's.
    pub fn label(&self) -> String {
        let mut text = if self.name.is_empty() {
            format!("单位编码 {}", self.code.as_deref().unwrap_or_default())
        } else {
            match &self.code {
                Some(code) => format!("{} (单位编码 {code})", self.name),
                None => self.name.clone(),
            }
        };
        if let Some(project) = &self.project {
            text.push_str(&format!(" 项目 {project}"));
        }
        if let Some(code) = &self.project_code {
            text.push_str(&format!(" (项目编码 {code})"));
        }
        text
    }

    /// What makes the entry one unit (or project) of the roster, and how to say it.
    fn key(&self) -> (Option<EvaluationKind>, Option<u16>, String, String) {
        let unit = match &self.code {
            Some(code) => format!("C{}", normalize_code(code)),
            None => format!("N{}", normalize_name(&self.name)),
        };
        let unit_words = match &self.code {
            Some(code) => format!("单位编码 {code}"),
            None => format!("单位名称 {}", self.name),
        };
        let (key, words) = match (&self.project_code, &self.project) {
            (Some(code), _) => (
                format!("P{}", normalize_code(code)),
                format!("项目编码 {code}"),
            ),
            (None, Some(project)) => (
                format!("{unit}|{}", normalize_name(project)),
                format!("{unit_words}、项目名称 {project}"),
            ),
            (None, None) => (unit, unit_words),
        };
        (self.kind, self.year, key, words)
    }

    /// Whether the unit received is this entry.
    pub fn matches(&self, unit: &UnitIdentity) -> bool {
        if self.kind.is_some_and(|k| k != unit.kind) || self.year.is_some_and(|y| y != unit.year) {
            return false;
        }
        let codes = match (&self.code, &unit.code) {
            (Some(a), Some(b)) => Some(normalize_code(a) == normalize_code(b)),
            _ => None,
        };
        if codes == Some(false) {
            return false;
        }
        let same_unit = codes.unwrap_or_else(|| {
            !self.name.is_empty() && normalize_name(&self.name) == normalize_name(&unit.name)
        });
        if !self.is_project() {
            return same_unit;
        }
        if unit.kind != EvaluationKind::Project {
            return false;
        }
        if let (Some(a), Some(b)) = (&self.project_code, &unit.project_code) {
            return normalize_code(a) == normalize_code(b);
        }
        same_unit
            && match (&self.project, &unit.project) {
                (Some(a), Some(b)) => normalize_name(a) == normalize_name(b),
                _ => false,
            }
    }
}

/// The units received against the roster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterCheck {
    /// (index of the unit received, index of the roster entry), in that order.
    pub matched: Vec<(usize, usize)>,
    /// Roster entries no unit received matches: 应交未交.
    pub missing: Vec<usize>,
    /// Units received that match no entry: 不在名单内.
    pub not_on_roster: Vec<usize>,
}

impl Roster {
    /// Reads a roster (CSV or `.xlsx`, Chinese headers): at least a 单位编码 or a 单位名称
    /// column, and on each row a code or a name; the same unit twice is an error naming both rows.
    pub fn load(path: &Path) -> Result<Roster, RoundError> {
        let table = Table::read(path)?;
        table.require_any(&[Column::Code, Column::Name])?;
        let mut entries = Vec::new();
        let mut seen: BTreeMap<_, usize> = BTreeMap::new();
        for row in &table.rows {
            let text = |c: Column| table.text(row, c).map(str::to_owned);
            let entry = RosterEntry {
                code: text(Column::Code),
                name: text(Column::Name).unwrap_or_default(),
                supervisor: text(Column::Supervisor),
                kind: table.kind(row)?,
                project_code: text(Column::ProjectCode),
                project: text(Column::Project),
                region: text(Column::Region),
                year: table.year(row)?,
                at: row.at.clone(),
            };
            if entry.code.is_none() && entry.name.is_empty() {
                // A row with only a project, a region…: not a unit.
                return Err(RoundError::NoIdentity {
                    at: row.at.clone(),
                    wanted: "单位编码, 也没有单位名称 (每行至少要有其一)".to_owned(),
                });
            }
            let (kind, year, key, words) = entry.key();
            if let Some(&first) = seen.get(&(kind, year, key.clone())) {
                let first: &RosterEntry = &entries[first];
                return Err(RoundError::Duplicate {
                    what: "名单".to_owned(),
                    unit: if entry.is_project() {
                        "项目"
                    } else {
                        "单位"
                    }
                    .to_owned(),
                    first: Box::new(first.at.clone()),
                    second: Box::new(entry.at),
                    key: words,
                });
            }
            seen.insert((kind, year, key), entries.len());
            entries.push(entry);
        }
        Ok(Roster {
            entries,
            notes: table.notes(),
        })
    }

    /// Matches the units received against the roster.
    pub fn check(&self, received: &[&UnitIdentity]) -> RosterCheck {
        let mut check = RosterCheck::default();
        let mut entry_hit = vec![false; self.entries.len()];
        for (r, unit) in received.iter().enumerate() {
            let mut hit = false;
            for (e, entry) in self.entries.iter().enumerate() {
                if entry.matches(unit) {
                    check.matched.push((r, e));
                    entry_hit[e] = true;
                    hit = true;
                }
            }
            if !hit {
                check.not_on_roster.push(r);
            }
        }
        check.missing = entry_hit
            .iter()
            .enumerate()
            .filter(|(_, hit)| !**hit)
            .map(|(e, _)| e)
            .collect();
        check
    }
}
