//! Reading the store back: runs, a unit's years, last year's figures, a run's units and files.

use std::collections::HashMap;

use jixiao_model::{BaseData, EvaluationKind};
use jixiao_round::table::{normalize_code, normalize_name};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension as _, Row, params};

use crate::key::UnitKeys;
use crate::{Store, StoreError};

/// A run, as `jixiao runs` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub id: i64,
    /// `score` or `import`.
    pub kind: String,
    pub started_at: String,
    pub recorded_at: String,
    pub jixiao_version: String,
    pub command: String,
    pub rule_set_id: String,
    pub rule_set_name: String,
    pub rule_set_version: String,
    pub rule_set_sha256: String,
    pub rule_set_path: String,
    pub units: u64,
    pub scored: u64,
    pub failed: u64,
    pub duplicates: u64,
    /// The budget years of its units, ascending.
    pub years: Vec<u16>,
    pub out_dir: Option<String>,
}

/// One rule-set file a run used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRuleSet {
    /// 0: the rule set; 1: the one it extends; and so on.
    pub depth: u32,
    pub path: String,
    pub sha256: String,
    pub text: String,
}

/// A plugin a run loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPlugin {
    pub name: String,
    pub version: String,
    pub sha256: String,
    pub path: String,
}

/// A file a run wrote, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub name: String,
    pub content: Vec<u8>,
}

/// Everything a run recorded about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunDetail {
    pub summary: RunSummary,
    pub rule_sets: Vec<StoredRuleSet>,
    pub plugins: Vec<StoredPlugin>,
    /// The paths given, each file's SHA-256.
    pub inputs: Vec<(String, Option<String>)>,
    /// The names of the files it kept ([`Store::run_files`] gives them).
    pub files: Vec<String>,
}

/// One submission of a run, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUnit {
    /// The run it was recorded by.
    pub run: i64,
    pub position: u64,
    pub source: String,
    pub source_kind: Option<String>,
    pub source_sha256: Option<String>,
    /// `scored`, `failed` or `duplicate`.
    pub status: String,
    pub reason: Option<String>,
    pub name: Option<String>,
    pub code: Option<String>,
    pub year: Option<u16>,
    /// The unit as scored (JSON, the unit-file format) and its scorecard (JSON), for a scored
    /// one.
    pub unit: Option<String>,
    pub scorecard: Option<String>,
}

/// One year of a unit under one rule set, as `jixiao history` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub year: u16,
    pub run: i64,
    pub recorded_at: String,
    pub name: String,
    pub code: Option<String>,
    pub region: Option<String>,
    pub project: Option<String>,
    pub kind: String,
    pub rule_set_id: String,
    pub rule_set_version: String,
    /// As the engine scored it.
    pub total: String,
    pub grade: Option<String>,
    /// After the review, where there was one (else as scored).
    pub final_total: String,
    pub final_grade: Option<String>,
    pub reviewed: bool,
    /// The latest run of this unit and year under this rule set: the current result; earlier
    /// ones are kept and shown as superseded.
    pub current: bool,
}

/// A unit's result of a year, as the next year's summaries show it beside this year's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastYear {
    pub run: i64,
    pub year: u16,
    pub rule_set_id: String,
    pub rule_set_version: String,
    /// The final total (after the review, where there was one), as shown, and its grade.
    pub total: String,
    pub grade: Option<String>,
    pub reviewed: bool,
}

/// A unit's record of a year, for the next year's run: its result and its base data.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorRecord {
    pub result: LastYear,
    pub base: BaseData,
    /// Whether the record gave a 单位编码 (a record without one is found by name and region).
    pub has_code: bool,
}

/// The store's records of some years, each unit's latest (any rule set), found by a unit's keys.
#[derive(Debug, Default)]
pub struct PriorYear {
    records: Vec<PriorRecord>,
    by_code: HashMap<(EvaluationKind, String, u16), usize>,
    by_name: HashMap<(EvaluationKind, String, u16), usize>,
}

impl PriorYear {
    /// The record of the unit with `keys` for `year`: by its code when it gave one; else, or
    /// when no record has that code, by name and region among the records that gave no code
    /// (a record under another code is another unit).
    pub fn find(&self, keys: &UnitKeys, year: u16) -> Option<&PriorRecord> {
        if let Some(code) = &keys.code
            && let Some(&i) = self.by_code.get(&(keys.kind, code.clone(), year))
        {
            return Some(&self.records[i]);
        }
        let &i = self.by_name.get(&(keys.kind, keys.name.clone(), year))?;
        let record = &self.records[i];
        (keys.code.is_none() || !record.has_code).then_some(record)
    }

    /// How many unit-years were loaded.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

fn parse_kind(kind: &str) -> Option<EvaluationKind> {
    match kind {
        "department" => Some(EvaluationKind::Department),
        "project" => Some(EvaluationKind::Project),
        _ => None,
    }
}

fn years(text: &str) -> Vec<u16> {
    text.split(',').filter_map(|y| y.parse().ok()).collect()
}

const RUN_COLUMNS: &str = "id, kind, started_at, recorded_at, jixiao_version, command, rule_set_id,
    rule_set_name, rule_set_version, rule_set_sha256, rule_set_path, units, scored, failed,
    duplicates, years, out_dir";

fn run_summary(row: &Row<'_>) -> rusqlite::Result<RunSummary> {
    Ok(RunSummary {
        id: row.get(0)?,
        kind: row.get(1)?,
        started_at: row.get(2)?,
        recorded_at: row.get(3)?,
        jixiao_version: row.get(4)?,
        command: row.get(5)?,
        rule_set_id: row.get(6)?,
        rule_set_name: row.get(7)?,
        rule_set_version: row.get(8)?,
        rule_set_sha256: row.get(9)?,
        rule_set_path: row.get(10)?,
        units: row.get(11)?,
        scored: row.get(12)?,
        failed: row.get(13)?,
        duplicates: row.get(14)?,
        years: years(&row.get::<_, String>(15)?),
        out_dir: row.get(16)?,
    })
}

/// The columns [`stored_unit`] reads, then `run_id`.
const UNIT_COLUMNS: &str = "position, source, source_kind, source_sha256, status, reason,
    unit_name, unit_code, year, unit, scorecard";

/// A packed text column ([`crate::packed`]), unpacked; damaged bytes are a conversion error
/// (reported as a damaged store).
fn unpacked(row: &Row<'_>, column: usize) -> rusqlite::Result<Option<String>> {
    row.get::<_, Option<Vec<u8>>>(column)?
        .map(|bytes| {
            crate::packed::unpack_text(&bytes).map_err(|reason| {
                rusqlite::Error::FromSqlConversionFailure(
                    column,
                    rusqlite::types::Type::Blob,
                    reason.into(),
                )
            })
        })
        .transpose()
}

/// A row of [`UNIT_COLUMNS`] and `run_id`.
fn stored_unit(row: &Row<'_>) -> rusqlite::Result<StoredUnit> {
    Ok(StoredUnit {
        run: row.get(11)?,
        position: row.get(0)?,
        source: row.get(1)?,
        source_kind: row.get(2)?,
        source_sha256: row.get(3)?,
        status: row.get(4)?,
        reason: row.get(5)?,
        name: row.get(6)?,
        code: row.get(7)?,
        year: row.get(8)?,
        unit: unpacked(row, 9)?,
        scorecard: unpacked(row, 10)?,
    })
}

impl Store {
    fn sql_err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sql(&self.path, e)
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Result<Vec<RunSummary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {RUN_COLUMNS} FROM runs ORDER BY id"))
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], run_summary)
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql_err(e))
    }

    /// One run: what it is, its rule sets, plugins, inputs and kept files.
    pub fn run(&self, id: i64) -> Result<RunDetail, StoreError> {
        let summary = self
            .conn
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1"),
                [id],
                run_summary,
            )
            .optional()
            .map_err(|e| self.sql_err(e))?
            .ok_or_else(|| StoreError::NoSuchRun {
                path: self.path.clone(),
                run: id,
            })?;
        let collect = |sql: &str| -> Result<Vec<Vec<Value>>, StoreError> {
            let mut stmt = self.conn.prepare(sql).map_err(|e| self.sql_err(e))?;
            let n = stmt.column_count();
            let rows = stmt
                .query_map([id], |row| {
                    (0..n)
                        .map(|i| row.get(i))
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(|e| self.sql_err(e))?;
            rows.collect::<Result<_, _>>().map_err(|e| self.sql_err(e))
        };

        let text = |v: &Value| match v {
            Value::Text(t) => t.clone(),
            _ => String::new(),
        };
        let opt = |v: &Value| match v {
            Value::Text(t) => Some(t.clone()),
            _ => None,
        };
        let rule_sets = collect(
            "SELECT depth, path, sha256, text FROM run_rule_sets WHERE run_id = ?1 ORDER BY depth",
        )?
        .iter()
        .map(|r| StoredRuleSet {
            depth: match r[0] {
                Value::Integer(d) => d as u32,
                _ => 0,
            },
            path: text(&r[1]),
            sha256: text(&r[2]),
            text: text(&r[3]),
        })
        .collect();
        let plugins = collect(
            "SELECT name, version, sha256, path FROM run_plugins WHERE run_id = ?1 ORDER BY position",
        )?
        .iter()
        .map(|r| StoredPlugin {
            name: text(&r[0]),
            version: text(&r[1]),
            sha256: text(&r[2]),
            path: text(&r[3]),
        })
        .collect();
        let inputs =
            collect("SELECT path, sha256 FROM run_inputs WHERE run_id = ?1 ORDER BY position")?
                .iter()
                .map(|r| (text(&r[0]), opt(&r[1])))
                .collect();
        let files = collect("SELECT name FROM run_files WHERE run_id = ?1 ORDER BY name")?
            .iter()
            .map(|r| text(&r[0]))
            .collect();
        Ok(RunDetail {
            summary,
            rule_sets,
            plugins,
            inputs,
            files,
        })
    }

    /// The files a run kept (its summaries), by name.
    pub fn run_files(&self, id: i64) -> Result<Vec<StoredFile>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, content FROM run_files WHERE run_id = ?1 ORDER BY name")
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([id], |row| {
                let content: Vec<u8> = row.get(1)?;
                Ok(StoredFile {
                    name: row.get(0)?,
                    content: crate::packed::unpack_file(&content).map_err(|reason| {
                        rusqlite::Error::FromSqlConversionFailure(
                            1,
                            rusqlite::types::Type::Blob,
                            reason.into(),
                        )
                    })?,
                })
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql_err(e))
    }

    /// Calls `each` with every submission of run `id`, in input order (one at a time: a run of
    /// 100,000 units is never held whole).
    pub fn units_of_run<E: From<StoreError>>(
        &self,
        id: i64,
        mut each: impl FnMut(StoredUnit) -> Result<(), E>,
    ) -> Result<(), E> {
        self.run(id)?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {UNIT_COLUMNS}, run_id FROM unit_results WHERE run_id = ?1 ORDER BY position"
            ))
            .map_err(|e| self.sql_err(e))?;
        let mut rows = stmt.query([id]).map_err(|e| self.sql_err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.sql_err(e))? {
            let unit = stored_unit(row).map_err(|e| self.sql_err(e))?;
            each(unit)?;
        }
        Ok(())
    }

    /// The years of the unit named by `query`: a 单位编码 (with a project's after it), or a
    /// unit's name as written (spaces and full-width characters aside). Oldest year first;
    /// within a year, by rule set, then run.
    pub fn history(&self, query: &str) -> Result<Vec<HistoryRow>, StoreError> {
        let code = normalize_code(query);
        let name = normalize_name(query);
        // Ranges over the indexed keys: the code itself or a project's under it ("code/…"),
        // the name with any region ("name|…") or a project's ("name/…").
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT u.year, u.run_id, r.recorded_at, u.unit_name, u.unit_code, u.region,
                    u.project, u.kind, r.rule_set_id, r.rule_set_version, u.total, u.grade,
                    u.final_total, u.final_grade, u.reviewed, u.code_key, u.name_key
                 FROM unit_results u JOIN runs r ON r.id = u.run_id
                 WHERE u.status = 'scored' AND u.id IN (
                    SELECT id FROM unit_results WHERE code_key = ?1
                    UNION SELECT id FROM unit_results WHERE code_key >= ?2 AND code_key < ?3
                    UNION SELECT id FROM unit_results WHERE name_key >= ?4 AND name_key < ?5
                    UNION SELECT id FROM unit_results WHERE name_key >= ?6 AND name_key < ?7)
                 ORDER BY u.year, r.rule_set_id, u.run_id, u.position",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map(
                params![
                    code,
                    format!("{code}/"),
                    format!("{code}0"),
                    format!("{name}|"),
                    format!("{name}}}"),
                    format!("{name}/"),
                    format!("{name}0"),
                ],
                |row| {
                    Ok((
                        HistoryRow {
                            year: row.get(0)?,
                            run: row.get(1)?,
                            recorded_at: row.get(2)?,
                            name: row.get(3)?,
                            code: row.get(4)?,
                            region: row.get(5)?,
                            project: row.get(6)?,
                            kind: row.get(7)?,
                            rule_set_id: row.get(8)?,
                            rule_set_version: row.get(9)?,
                            total: row.get(10)?,
                            grade: row.get(11)?,
                            final_total: row.get(12)?,
                            final_grade: row.get(13)?,
                            reviewed: row.get(14)?,
                            current: false,
                        },
                        row.get::<_, Option<String>>(15)?,
                        row.get::<_, String>(16)?,
                    ))
                },
            )
            .map_err(|e| self.sql_err(e))?;
        let rows: Vec<(HistoryRow, Option<String>, String)> = rows
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql_err(e))?;
        // The current result of a unit-year under a rule set: its latest run.
        let mut latest: HashMap<(String, u16, String), i64> = HashMap::new();
        for (row, code_key, name_key) in &rows {
            let key = (
                code_key.clone().unwrap_or_else(|| name_key.clone()),
                row.year,
                row.rule_set_id.clone(),
            );
            let run = latest.entry(key).or_insert(row.run);
            *run = (*run).max(row.run);
        }
        Ok(rows
            .into_iter()
            .map(|(mut row, code_key, name_key)| {
                let key = (
                    code_key.unwrap_or(name_key),
                    row.year,
                    row.rule_set_id.clone(),
                );
                row.current = latest.get(&key) == Some(&row.run);
                row
            })
            .collect())
    }

    /// The records of `years` (each unit's latest scored one, whatever the rule set), for the
    /// next year's run: last year's figures and grade.
    pub fn prior_year(&self, years: &[u16]) -> Result<PriorYear, StoreError> {
        let mut prior = PriorYear::default();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT u.run_id, u.year, u.kind, u.code_key, u.name_key, r.rule_set_id,
                    r.rule_set_version, u.final_total, u.final_grade, u.reviewed, u.base
                 FROM unit_results u JOIN runs r ON r.id = u.run_id
                 WHERE u.year = ?1 AND u.status = 'scored'
                 ORDER BY u.run_id, u.position",
            )
            .map_err(|e| self.sql_err(e))?;
        for &year in years {
            let mut rows = stmt.query([year]).map_err(|e| self.sql_err(e))?;
            while let Some(row) = rows.next().map_err(|e| self.sql_err(e))? {
                let get = || -> rusqlite::Result<_> {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, u16>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Option<String>>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, String>(6)?,
                        row.get::<_, String>(7)?,
                        row.get::<_, Option<String>>(8)?,
                        row.get::<_, bool>(9)?,
                        row.get::<_, Option<String>>(10)?,
                    ))
                };
                let (
                    run,
                    year,
                    kind,
                    code,
                    name,
                    rule_set_id,
                    version,
                    total,
                    grade,
                    reviewed,
                    base,
                ) = get().map_err(|e| self.sql_err(e))?;
                let Some(kind) = parse_kind(&kind) else {
                    continue;
                };
                let base = match base {
                    Some(text) => {
                        serde_json::from_str(&text).map_err(|e| StoreError::BadRecord {
                            path: self.path.clone(),
                            what: format!("the base data of {name} ({year}, run {run})"),
                            reason: e.to_string(),
                        })?
                    }
                    None => BaseData::default(),
                };
                let index = prior.records.len();
                prior.records.push(PriorRecord {
                    result: LastYear {
                        run,
                        year,
                        rule_set_id,
                        rule_set_version: version,
                        total,
                        grade,
                        reviewed,
                    },
                    base,
                    has_code: code.is_some(),
                });
                // Rows come oldest run first: a later run's record replaces an earlier one's.
                if let Some(code) = code {
                    prior.by_code.insert((kind, code, year), index);
                }
                prior.by_name.insert((kind, name, year), index);
            }
        }
        Ok(prior)
    }

    /// The current units of `year`: of each unit scored that year, the latest run's record
    /// (whatever the rule set), in the order first recorded.
    pub fn current_units(&self, year: u16) -> Result<Vec<StoredUnit>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {UNIT_COLUMNS}, run_id, coalesce(code_key, name_key)
                 FROM unit_results WHERE year = ?1 AND status = 'scored'
                 ORDER BY run_id, position"
            ))
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([year], |row| {
                Ok((
                    row.get::<_, String>(12)?,
                    row.get::<_, i64>(11)?,
                    stored_unit(row)?,
                ))
            })
            .map_err(|e| self.sql_err(e))?;
        let mut order: Vec<String> = Vec::new();
        let mut latest: HashMap<String, (i64, StoredUnit)> = HashMap::new();
        for row in rows {
            let (key, run, unit) = row.map_err(|e| self.sql_err(e))?;
            if !latest.contains_key(&key) {
                order.push(key.clone());
            }
            latest.insert(key, (run, unit));
        }
        Ok(order
            .into_iter()
            .filter_map(|key| latest.remove(&key))
            .map(|(_, unit)| unit)
            .collect())
    }

    /// How many unit-years (scored submissions) the store holds.
    pub fn unit_years(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM unit_results WHERE status = 'scored'",
                [],
                |row| row.get(0),
            )
            .map_err(|e| self.sql_err(e))
    }
}
