//! Resubmissions (重新报送): a round's output keeps a record of every submission (`round.jsonl`:
//! who, from which file and its hash, the outcome, the 退回清单 items, the figures as read), so
//! that the next run, given that output (`--previous DIR`), tells a unit filed again from a
//! duplicate, says what changed and which items of the earlier 退回清单 are fixed, and carries
//! over the units not filed again.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use jixiao_model::{EvaluationKind, FieldPath, UnitIdentity, field_label};
use jixiao_report::resubmission::Resubmission;
use jixiao_report::returns::{Need, ReturnItem};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::round::Submission;
use jixiao_round::table::normalize_name as normalise;

/// The record's file in an output folder.
pub const RECORD: &str = "round.jsonl";

/// One submission of a round, as its output records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub source: String,
    /// SHA-256 of what was read, when it was identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Who filed it, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitIdentity>,
    /// `scored`, `failed`, `duplicate` or `carried` (from an earlier round, not filed again).
    pub outcome: String,
    /// The scorecard's name under `scorecards/` (without extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scorecard: Option<String>,
    /// The total as shown: a decimal with exactly the rule set's `score_decimals` (`"90.00"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Decimal>,
    /// The total before rounding, without trailing zeros.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_exact: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// The 退回清单 items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub returns: Vec<Item>,
    /// The figures as read, by field path (text of more than 40 characters left out).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub figures: BTreeMap<String, String>,
    /// Rows of the 自评表.
    #[serde(default)]
    pub rows: usize,
}

/// A 退回清单 item as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub need: String,
    pub place: String,
    pub problem: String,
    pub expected: String,
    pub code: String,
}

impl From<&ReturnItem> for Item {
    fn from(item: &ReturnItem) -> Item {
        Item {
            need: item.need.label().to_owned(),
            place: item.place.clone(),
            problem: item.problem.clone(),
            expected: item.expected.clone(),
            code: item.code.clone(),
        }
    }
}

impl Item {
    fn to_return(&self) -> ReturnItem {
        let need = [Need::Correct, Need::Explain, Need::Confirm]
            .into_iter()
            .find(|n| n.label() == self.need)
            .unwrap_or(Need::Correct);
        ReturnItem {
            need,
            place: self.place.clone(),
            problem: self.problem.clone(),
            expected: self.expected.clone(),
            code: self.code.clone(),
        }
    }

    /// An item is the same problem again when the same check finds it at the same place.
    fn key(&self) -> (&str, &str) {
        (&self.code, &self.place)
    }
}

/// An earlier round's output, read back.
#[derive(Debug)]
pub struct Previous {
    pub dir: PathBuf,
    pub records: Vec<Record>,
    by_code: HashMap<(u16, EvaluationKind, String), usize>,
    by_name: HashMap<(u16, EvaluationKind, String), usize>,
    by_stem: HashMap<String, usize>,
}

fn stem(source: &str) -> String {
    Path::new(source)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Previous {
    /// Reads `dir/round.jsonl`, which every `jixiao score --out` writes.
    pub fn load(dir: &Path) -> Result<Previous> {
        let path = dir.join(RECORD);
        if !path.is_file() {
            bail!(
                "--previous {}: not the output of an earlier round (it has no {RECORD}); give the \
                 folder that `jixiao score --out` wrote",
                dir.display()
            );
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut records = Vec::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let record: Record = serde_json::from_str(line).with_context(|| {
                format!(
                    "{}:{}: not a record of a round (was it written by another version of \
                     jixiao, or edited?)",
                    path.display(),
                    i + 1
                )
            })?;
            records.push(record);
        }
        let mut previous = Previous {
            dir: dir.to_owned(),
            records,
            by_code: HashMap::new(),
            by_name: HashMap::new(),
            by_stem: HashMap::new(),
        };
        for (i, record) in previous.records.iter().enumerate() {
            match &record.unit {
                Some(unit) => {
                    let s = Submission::new(
                        record.source.clone(),
                        crate::round::SourceKind::Report,
                        unit,
                    );
                    if let Some(code) = s.code {
                        previous
                            .by_code
                            .entry((s.year, s.evaluation, code))
                            .or_insert(i);
                    }
                    previous
                        .by_name
                        .entry((s.year, s.evaluation, s.name))
                        .or_insert(i);
                }
                None => {
                    previous
                        .by_stem
                        .entry(normalise(&stem(&record.source)))
                        .or_insert(i);
                }
            }
        }
        Ok(previous)
    }

    /// The earlier record of the unit that filed `submission` (by code, else by name; a file
    /// not read last time, by its name without extension).
    pub fn find(&self, submission: Option<&Submission>, source: &str) -> Option<usize> {
        match submission {
            Some(s) => s
                .code
                .as_ref()
                .and_then(|code| self.by_code.get(&(s.year, s.evaluation, code.clone())))
                .or_else(|| self.by_name.get(&(s.year, s.evaluation, s.name.clone())))
                .or_else(|| self.by_stem.get(&normalise(&stem(source))))
                .copied(),
            None => self.by_stem.get(&normalise(&stem(source))).copied(),
        }
    }
}

/// This submission beside the earlier one: changed figures, rows, score, and the earlier
/// 退回清单's items fixed and still open.
pub fn compare(
    earlier: &Record,
    figures: &BTreeMap<String, String>,
    rows: usize,
    total: Decimal,
    grade: Option<String>,
    returns: &[ReturnItem],
) -> Resubmission {
    let mut changes = Vec::new();
    // In the model's order (`funds[2]` before `funds[10]`); none when the earlier file could
    // not be read.
    let mut keys: Vec<&String> = if earlier.figures.is_empty() {
        Vec::new()
    } else {
        earlier.figures.keys().chain(figures.keys()).collect()
    };
    keys.sort_by_cached_key(|k| FieldPath::parse(k).ok());
    keys.dedup();
    for key in keys {
        // Who the unit is and when it filed are not figures.
        if key == "unit.filed_on" {
            continue;
        }
        let (old, new) = (earlier.figures.get(key), figures.get(key));
        if old != new {
            let label = FieldPath::parse(key).map_or_else(|_| key.clone(), |f| field_label(&f));
            let show = |v: Option<&String>| v.cloned().unwrap_or_else(|| "—".to_owned());
            changes.push((label, show(old), show(new)));
        }
    }
    let now: Vec<Item> = returns.iter().map(Item::from).collect();
    let (open, fixed): (Vec<&Item>, Vec<&Item>) = earlier
        .returns
        .iter()
        .partition(|item| now.iter().any(|n| n.key() == item.key()));
    Resubmission {
        earlier_read: !earlier.figures.is_empty(),
        earlier_source: earlier.source.clone(),
        earlier_total: earlier.total,
        earlier_grade: earlier.grade.clone(),
        total,
        grade,
        changes,
        rows: (earlier.rows, rows),
        fixed: fixed.into_iter().map(Item::to_return).collect(),
        open: open.into_iter().map(Item::to_return).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, place: &str, problem: &str) -> ReturnItem {
        ReturnItem {
            need: Need::Correct,
            place: place.into(),
            problem: problem.into(),
            expected: "填写 0 或正数".into(),
            code: code.into(),
        }
    }

    #[test]
    fn a_resubmission_shows_its_changed_figures_and_which_items_are_fixed() {
        let earlier = Record {
            source: "a/科协.toml".into(),
            sha256: None,
            unit: None,
            outcome: "scored".into(),
            scorecard: None,
            total: Some(Decimal::new(6828, 2)),
            total_exact: None,
            grade: Some("中".into()),
            returns: vec![
                Item::from(&item("figure", "年初预算数", "年初预算数为负数 -69.16")),
                Item::from(&item("fund_reconciliation", "专项资金第 1 项", "收支不平")),
            ],
            figures: BTreeMap::from([
                ("budget.opening".into(), "-69.16".into()),
                ("budget.spent".into(), "85.33".into()),
                ("unit.filed_on".into(), "2025-03-01".into()),
            ]),
            rows: 0,
        };
        let now = BTreeMap::from([
            ("budget.opening".into(), "69.16".into()),
            ("budget.spent".into(), "85.33".into()),
            ("budget.full_year".into(), "85.33".into()),
            ("unit.filed_on".into(), "2025-03-20".into()),
        ]);
        let r = compare(
            &earlier,
            &now,
            2,
            Decimal::new(7000, 2),
            Some("中".into()),
            &[item(
                "fund_reconciliation",
                "专项资金第 1 项",
                "收支不平 0.02",
            )],
        );
        assert_eq!(
            r.changes,
            vec![
                ("全年预算数".to_owned(), "—".to_owned(), "85.33".to_owned()),
                (
                    "年初预算数".to_owned(),
                    "-69.16".to_owned(),
                    "69.16".to_owned()
                ),
            ]
        );
        assert_eq!(r.rows, (0, 2));
        assert_eq!(r.fixed.len(), 1);
        assert_eq!(r.fixed[0].code, "figure");
        assert_eq!(r.open.len(), 1);
        assert_eq!(r.open[0].code, "fund_reconciliation");
    }
}
