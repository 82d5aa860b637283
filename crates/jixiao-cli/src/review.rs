//! The re-review (复核, docs/round.md): the units of a round's output as candidates for the
//! sample, the sample written and read back, and the reviewer workbooks written for it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use jixiao_engine::{Scorecard, Severity};
use jixiao_review::UnitKey;
use jixiao_review::sample::Candidate;
use rust_decimal::Decimal;

use crate::resubmit::{Previous, Record};

/// A scored unit of a round's output: its record and its scorecard.
pub struct RoundUnit {
    pub record: Record,
    pub card: Scorecard,
}

/// Every scored (or carried) unit of the output folder `dir` of `jixiao score --out`, in the
/// order of its record; the scorecards are needed (a run with `--no-scorecards` cannot be
/// reviewed).
pub fn round_units(dir: &Path) -> Result<Vec<RoundUnit>> {
    let round = Previous::load(dir)?;
    let mut units = Vec::new();
    for record in round.records {
        if !matches!(record.outcome.as_str(), "scored" | "carried") {
            continue;
        }
        let Some(name) = &record.scorecard else {
            bail!(
                "{}: {} was scored without its scorecard (--no-scorecards): score the round \
                 again with its scorecards to review it",
                dir.display(),
                record.source
            );
        };
        let path = dir.join("scorecards").join(format!("{name}.json"));
        let card: Scorecard = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .with_context(|| format!("cannot read the scorecard {}", path.display()))?;
        units.push(RoundUnit { record, card });
    }
    Ok(units)
}

/// A figure of the record, as a decimal.
fn figure(record: &Record, field: &str) -> Option<Decimal> {
    record.figures.get(field)?.trim_matches('"').parse().ok()
}

/// The unit as a candidate for the sample: its 全年预算数 (else 财政拨款收入) for the amount, and
/// its 执行率 (全年执行数 / 全年预算数).
pub fn candidate(unit: &RoundUnit) -> Candidate {
    let card = &unit.card;
    let amount =
        figure(&unit.record, "budget.full_year").or_else(|| figure(&unit.record, "budget.income"));
    let execution_rate = match (figure(&unit.record, "budget.spent"), amount) {
        (Some(spent), Some(budget)) if !budget.is_zero() => spent.checked_div(budget),
        _ => None,
    };
    let max_self_score_gap = card
        .leaves()
        .into_iter()
        .filter_map(|(_, leaf)| leaf.self_score_gap)
        .max();
    Candidate {
        key: UnitKey::of(card),
        supervisor: card.unit.supervisor.clone(),
        amount,
        execution_rate,
        total: card.total,
        grade: card.grade.clone(),
        declared_total: card.declared.as_ref().and_then(|d| d.total),
        hard_findings: card.count(Severity::Hard),
        max_self_score_gap,
    }
}

/// The sample file's machine column: the unit's key as JSON.
pub const KEY_COLUMN: &str = "键(系统用)";

/// The units of a sample file written by `jixiao review sample`, by their key.
pub fn read_sample(path: &Path) -> Result<Vec<UnitKey>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the sample {}", path.display()))?;
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader
        .headers()
        .with_context(|| format!("{}: not a sample written by jixiao", path.display()))?
        .clone();
    let Some(column) = headers.iter().position(|h| h == KEY_COLUMN) else {
        bail!(
            "{}: no column {KEY_COLUMN}: give the sample file `jixiao review sample` wrote",
            path.display()
        );
    };
    let mut keys = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", path.display(), i + 2))?;
        let key: UnitKey = serde_json::from_str(record.get(column).unwrap_or_default())
            .with_context(|| {
                format!(
                    "{}: row {}: the column {KEY_COLUMN} was changed",
                    path.display(),
                    i + 2
                )
            })?;
        keys.push(key);
    }
    Ok(keys)
}

/// The parts of the sample one workbook each: all in one, or by 主管部门.
pub fn parts<'a>(
    units: &'a [&'a RoundUnit],
    by_supervisor: bool,
) -> BTreeMap<String, Vec<&'a Scorecard>> {
    let mut parts: BTreeMap<String, Vec<&Scorecard>> = BTreeMap::new();
    for unit in units {
        let part = if by_supervisor {
            unit.card
                .unit
                .supervisor
                .clone()
                .unwrap_or_else(|| "未填主管部门".to_owned())
        } else {
            String::new()
        };
        parts.entry(part).or_default().push(&unit.card);
    }
    parts
}

/// A file name for a part: the 主管部门's name, with what a file system refuses replaced.
pub fn part_file(dir: &Path, part: &str) -> PathBuf {
    let name: String = part
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    dir.join(format!("复核工作底稿-{name}.xlsx"))
}

/// The key of a unit as it filed (before scoring): the same as [`UnitKey::of`] its scorecard.
pub fn key_of(identity: &jixiao_model::UnitIdentity) -> UnitKey {
    UnitKey {
        name: identity.name.clone(),
        code: identity.code.clone(),
        project: identity.project.clone(),
        project_code: identity.project_code.clone(),
        year: identity.year,
        kind: identity.kind,
    }
}

/// The filled reviewer workbooks of `score --review`, read and checked before any unit is scored.
pub struct Reviews {
    scores: Vec<jixiao_review::ReviewedScore>,
}

impl Reviews {
    /// Reads every workbook; refuses one made for another rule set or version, and any reviewed
    /// unit that is not among `units` (the round's), naming its cell.
    pub fn load(
        paths: &[PathBuf],
        rules: &jixiao_rules::ValidRuleSet,
        units: &[UnitKey],
    ) -> Result<Reviews> {
        let mut scores = Vec::new();
        for path in paths {
            let filled = jixiao_review::workbook::read(path)
                .with_context(|| format!("cannot use the review {}", path.display()))?;
            jixiao_review::apply::check_rule_set(&filled, rules)?;
            for score in &filled.scores {
                if !units
                    .iter()
                    .any(|u| jixiao_review::apply::same_unit(u, &score.unit))
                {
                    bail!(
                        "{}: 复核的单位「{}」({} 年) 不在本轮的单位中",
                        score.at,
                        score.unit.name,
                        score.unit.year
                    );
                }
            }
            scores.extend(filled.scores);
        }
        Ok(Reviews { scores })
    }

    /// The reviewed scores of the unit `card` scores, if it was reviewed.
    pub fn of(&self, card: &Scorecard) -> Option<Vec<&jixiao_review::ReviewedScore>> {
        let key = UnitKey::of(card);
        let scores: Vec<_> = self
            .scores
            .iter()
            .filter(|s| jixiao_review::apply::same_unit(&key, &s.unit))
            .collect();
        (!scores.is_empty()).then_some(scores)
    }
}

/// A reviewer whose mean deduction on an indicator differs from the others' by more than this
/// many points is flagged (偏严 / 偏宽) in the review summary.
pub const REVIEWER_THRESHOLD: Decimal = Decimal::ONE;

/// What the reviewed scorecards of a run add up to, collected unit by unit.
#[derive(Default)]
pub struct Collected {
    changes: Vec<jixiao_review::summary::Change>,
    kept: Vec<jixiao_review::summary::Kept>,
    units: Vec<jixiao_review::summary::UnitOutcome>,
}

impl Collected {
    /// Adds a scorecard, if it was reviewed.
    pub fn add(&mut self, card: &Scorecard) {
        let Some(review) = &card.review else { return };
        let key = UnitKey::of(card);
        let reviewer = review.reviewers.first().cloned().unwrap_or_default();
        for change in &review.changes {
            self.changes.push(jixiao_review::summary::Change {
                unit: key.clone(),
                indicator: change.indicator.clone(),
                indicator_name: change.name.clone(),
                points: change.points,
                system: change.system,
                reviewed: change.reviewed,
                reason: change.reason.clone(),
                reviewer: change.reviewer.clone(),
            });
        }
        for (_, leaf) in card.leaves() {
            let changed = review.changes.iter().any(|c| c.indicator == leaf.id);
            if let (Some(score), false) = (leaf.reviewed, changed) {
                self.kept.push(jixiao_review::summary::Kept {
                    unit: key.clone(),
                    indicator: leaf.id.clone(),
                    indicator_name: leaf.name.clone(),
                    points: leaf.points,
                    score,
                    reviewer: reviewer.clone(),
                });
            }
        }
        self.units.push(jixiao_review::summary::UnitOutcome {
            unit: key,
            supervisor: card.unit.supervisor.clone(),
            system_total: card.total,
            system_grade: card.grade.clone(),
            final_total: review.total,
            final_grade: review.grade.clone(),
            declared_grade: card.declared.as_ref().and_then(|d| d.grade.clone()),
        });
    }

    /// What the review moved, or `None` without a review.
    pub fn summary(&self) -> Result<Option<jixiao_review::summary::ReviewSummary>> {
        if self.units.is_empty() {
            return Ok(None);
        }
        jixiao_review::summary::summarise(
            &self.changes,
            &self.kept,
            &self.units,
            REVIEWER_THRESHOLD,
        )
        .map(Some)
        .context("cannot sum the review up")
    }

    /// The review summary's files (复核汇总.md and one CSV per table), or none without a review.
    pub fn files(summary: Option<&jixiao_review::summary::ReviewSummary>) -> Vec<(String, String)> {
        let Some(summary) = summary else {
            return Vec::new();
        };
        let mut files = vec![(
            format!("{}.md", jixiao_report::review_summary::TITLE),
            jixiao_report::review_summary::markdown(summary),
        )];
        for table in jixiao_report::review_summary::ReviewTable::ALL {
            files.push((
                table.file_name(),
                jixiao_report::review_summary::csv(summary, table),
            ));
        }
        files
    }
}
