//! Recording a run: one transaction from [`Store::begin_run`] to [`RunWriter::commit`].

use jixiao_engine::Scorecard;
use jixiao_model::{SelfEvaluation, UnitIdentity};
use rusqlite::params;

use crate::key::UnitKeys;
use crate::{Store, StoreError};

/// What a run is, recorded when it begins.
#[derive(Debug, Clone)]
pub struct NewRun {
    /// `score` or `import`.
    pub kind: RunKind,
    /// When the run started (UTC, RFC 3339).
    pub started_at: String,
    pub jixiao_version: String,
    /// The command line.
    pub command: String,
    pub rule_set_id: String,
    pub rule_set_name: String,
    pub rule_set_version: String,
    /// The rule set's file, and its parents' where it extends one (depth 0 first).
    pub rule_sets: Vec<RuleSetText>,
    pub plugins: Vec<PluginRecord>,
    /// The paths given, each file's SHA-256 (`None` for a folder).
    pub inputs: Vec<(String, Option<String>)>,
    pub out_dir: Option<String>,
}

/// How a run came into the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// `jixiao score --db`.
    Score,
    /// `jixiao import`: an earlier run's output, made without a store.
    Import,
}

impl RunKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RunKind::Score => "score",
            RunKind::Import => "import",
        }
    }
}

/// One rule-set file of a run: the rule set (depth 0) or a parent it extends (1, 2, ...).
#[derive(Debug, Clone)]
pub struct RuleSetText {
    pub depth: u32,
    pub path: String,
    pub sha256: String,
    pub text: String,
}

/// A plugin a run loaded.
#[derive(Debug, Clone)]
pub struct PluginRecord {
    pub name: String,
    pub version: String,
    pub sha256: String,
    pub path: String,
}

/// How many submissions a run had, recorded when it is committed.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunEnd {
    pub scored: u64,
    pub failed: u64,
    pub duplicates: u64,
}

/// What became of one submission, ready to be written (built on the scoring threads).
#[derive(Debug, Clone)]
pub struct UnitRecord {
    pub source: String,
    pub source_kind: Option<String>,
    pub source_sha256: Option<String>,
    pub status: Status,
    /// Why it failed, or which submission was scored instead.
    pub reason: Option<String>,
    who: Option<Who>,
    scores: Option<Scores>,
    base: Option<String>,
    /// The unit's and the scorecard's JSON, packed ([`crate::packed`]).
    unit: Option<Vec<u8>>,
    scorecard: Option<Vec<u8>>,
    findings: Vec<FindingRow>,
}

/// A submission's fate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Scored,
    Failed,
    Duplicate,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Scored => "scored",
            Status::Failed => "failed",
            Status::Duplicate => "duplicate",
        }
    }
}

#[derive(Debug, Clone)]
struct Who {
    name: String,
    code: Option<String>,
    region: Option<String>,
    year: u16,
    project: Option<String>,
    keys: UnitKeys,
}

impl Who {
    fn of(identity: &UnitIdentity) -> Who {
        Who {
            name: identity.name.clone(),
            code: identity.code.clone(),
            region: identity.region.clone(),
            year: identity.year,
            project: identity.project.clone(),
            keys: UnitKeys::of(identity),
        }
    }
}

#[derive(Debug, Clone)]
struct Scores {
    total: String,
    total_exact: String,
    grade: Option<String>,
    final_total: String,
    final_grade: Option<String>,
    reviewed: bool,
}

impl Scores {
    fn of(card: &Scorecard) -> Scores {
        let places = card.rule_set.score_decimals as usize;
        let shown = |d: rust_decimal::Decimal| format!("{d:.places$}");
        let (final_total, final_grade) = match &card.review {
            Some(review) => (shown(review.total), review.grade.clone()),
            None => (shown(card.total), card.grade.clone()),
        };
        Scores {
            total: shown(card.total),
            total_exact: card.total_exact.to_string(),
            grade: card.grade.clone(),
            final_total,
            final_grade,
            reviewed: card.review.is_some(),
        }
    }
}

fn findings(card: &Scorecard) -> Vec<FindingRow> {
    card.findings
        .iter()
        .map(|f| FindingRow {
            rule: f.rule.to_string(),
            severity: match f.severity {
                jixiao_engine::Severity::Hard => "hard",
                jixiao_engine::Severity::Soft => "soft",
                jixiao_engine::Severity::Error => "error",
            },
            indicator: f.indicator.clone(),
            message: f.message.clone(),
        })
        .collect()
}

#[derive(Debug, Clone)]
struct FindingRow {
    rule: String,
    severity: &'static str,
    indicator: Option<String>,
    message: String,
}

/// `value` as JSON, packed.
fn packed_json(value: &impl serde::Serialize) -> Result<Vec<u8>, serde_json::Error> {
    Ok(crate::packed::pack(&serde_json::to_vec(value)?))
}

impl UnitRecord {
    /// A scored unit: `unit` as the engine scored it, `card` its scorecard (after any review).
    pub fn scored(
        source: String,
        source_kind: Option<String>,
        source_sha256: Option<String>,
        unit: &SelfEvaluation,
        card: &Scorecard,
    ) -> Result<UnitRecord, serde_json::Error> {
        Ok(UnitRecord {
            source,
            source_kind,
            source_sha256,
            status: Status::Scored,
            reason: None,
            who: Some(Who::of(&unit.unit)),
            scores: Some(Scores::of(card)),
            base: Some(serde_json::to_string(&unit.base)?),
            unit: Some(packed_json(unit)?),
            scorecard: Some(packed_json(card)?),
            findings: findings(card),
        })
    }

    /// A unit of an earlier run loaded by `jixiao import`: who it is, its scorecard, and its
    /// base data and unit where they are known (an output folder keeps the figures as read,
    /// from which the base data comes; the unit itself only where its file is given).
    pub fn imported(
        source: String,
        source_sha256: Option<String>,
        identity: &UnitIdentity,
        base: Option<&jixiao_model::BaseData>,
        unit: Option<&SelfEvaluation>,
        card: &Scorecard,
    ) -> Result<UnitRecord, serde_json::Error> {
        let mut record = match unit {
            Some(unit) => UnitRecord::scored(source, None, source_sha256, unit, card)?,
            None => {
                let mut record = UnitRecord::not_scored(
                    source,
                    None,
                    source_sha256,
                    Some(identity),
                    Status::Scored,
                    String::new(),
                );
                record.reason = None;
                record.scores = Some(Scores::of(card));
                record.scorecard = Some(packed_json(card)?);
                record.findings = findings(card);
                record
            }
        };
        record.who = Some(Who::of(identity));
        record.base = base.map(serde_json::to_string).transpose()?;
        Ok(record)
    }

    /// A submission not scored: `status` says why ([`Status::Failed`] with the error,
    /// [`Status::Duplicate`] with the submission scored instead), `identity` who it is, when
    /// known.
    pub fn not_scored(
        source: String,
        source_kind: Option<String>,
        source_sha256: Option<String>,
        identity: Option<&UnitIdentity>,
        status: Status,
        reason: String,
    ) -> UnitRecord {
        UnitRecord {
            source,
            source_kind,
            source_sha256,
            status,
            reason: Some(reason),
            who: identity.map(Who::of),
            scores: None,
            base: None,
            unit: None,
            scorecard: None,
            findings: Vec::new(),
        }
    }
}

/// The test-only fault switch: a run stopped with an error after recording N units, inside its
/// transaction, to show that a run that fails half way leaves the store as it was. Read from
/// `JIXIAO_STORE_FAIL_AFTER` in debug builds only (the tests'); a release build has none.
#[derive(Debug, Clone, Copy, Default)]
pub struct FaultSwitch(Option<u64>);

impl FaultSwitch {
    /// The switch as the environment sets it (never in a release build).
    pub fn from_env() -> FaultSwitch {
        if cfg!(debug_assertions) {
            FaultSwitch(
                std::env::var("JIXIAO_STORE_FAIL_AFTER")
                    .ok()
                    .and_then(|n| n.parse().ok()),
            )
        } else {
            FaultSwitch(None)
        }
    }

    /// A switch that fires after `units` units (for the store's own tests).
    pub fn after(units: u64) -> FaultSwitch {
        FaultSwitch(Some(units))
    }
}

/// A run being recorded: its one transaction is open until [`RunWriter::commit`]; dropped
/// before, the run is rolled back and the store is as it was.
#[derive(Debug)]
pub struct RunWriter {
    store: Option<Store>,
    run: i64,
    units: u64,
    fault: FaultSwitch,
}

impl Store {
    /// Begins recording a run: takes the store's write lock (waiting for another run writing
    /// it, up to the store's wait) and records what the run is. The store is the writer's until
    /// it commits.
    pub fn begin_run(self, run: &NewRun, fault: FaultSwitch) -> Result<RunWriter, StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sql(&path, e);
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| sql(e).waited(self.wait))?;
        let mut writer = RunWriter {
            store: Some(self),
            run: 0,
            units: 0,
            fault,
        };
        let conn = writer.conn();
        conn.execute(
            "INSERT INTO runs (kind, started_at, recorded_at, jixiao_version, command,
                rule_set_id, rule_set_name, rule_set_version, rule_set_sha256, rule_set_path,
                units, scored, failed, duplicates, out_dir)
             VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0, 0, 0, ?10)",
            params![
                run.kind.as_str(),
                run.started_at,
                run.jixiao_version,
                run.command,
                run.rule_set_id,
                run.rule_set_name,
                run.rule_set_version,
                run.rule_sets.first().map_or("", |r| r.sha256.as_str()),
                run.rule_sets.first().map_or("", |r| r.path.as_str()),
                run.out_dir,
            ],
        )
        .map_err(sql)?;
        let id = conn.last_insert_rowid();
        for r in &run.rule_sets {
            conn.execute(
                "INSERT INTO run_rule_sets (run_id, depth, path, sha256, text) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, r.depth, r.path, r.sha256, r.text],
            )
            .map_err(sql)?;
        }
        for (i, p) in run.plugins.iter().enumerate() {
            conn.execute(
                "INSERT INTO run_plugins (run_id, position, name, version, sha256, path) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, i as i64, p.name, p.version, p.sha256, p.path],
            )
            .map_err(sql)?;
        }
        for (i, (p, sha)) in run.inputs.iter().enumerate() {
            conn.execute(
                "INSERT INTO run_inputs (run_id, position, path, sha256) VALUES (?1, ?2, ?3, ?4)",
                params![id, i as i64, p, sha],
            )
            .map_err(sql)?;
        }
        writer.run = id;
        Ok(writer)
    }
}

impl RunWriter {
    fn conn(&self) -> &rusqlite::Connection {
        &self.store.as_ref().expect("a writer has its store").conn
    }

    fn path(&self) -> &std::path::Path {
        &self.store.as_ref().expect("a writer has its store").path
    }

    /// The run's number (`jixiao verify --run N`).
    pub fn run(&self) -> i64 {
        self.run
    }

    /// Records one submission, in input order.
    pub fn record(&mut self, record: &UnitRecord) -> Result<(), StoreError> {
        let store = self.store.as_ref().expect("a writer has its store");
        let sql = |e| StoreError::sql(&store.path, e);
        let conn = &store.conn;
        let mut insert = conn
            .prepare_cached(
                "INSERT INTO unit_results (run_id, position, source, source_kind, source_sha256,
                    status, reason, unit_name, unit_code, region, year, kind, project, code_key,
                    name_key, total, total_exact, grade, final_total, final_grade, reviewed,
                    base, unit, scorecard)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
            )
            .map_err(sql)?;
        let who = record.who.as_ref();
        let scores = record.scores.as_ref();
        insert
            .execute(params![
                self.run,
                self.units as i64,
                record.source,
                record.source_kind,
                record.source_sha256,
                record.status.as_str(),
                record.reason,
                who.map(|w| &w.name),
                who.and_then(|w| w.code.as_ref()),
                who.and_then(|w| w.region.as_ref()),
                who.map(|w| w.year),
                who.map(|w| w.keys.kind_str()),
                who.and_then(|w| w.project.as_ref()),
                who.and_then(|w| w.keys.code.as_ref()),
                who.map(|w| &w.keys.name),
                scores.map(|s| &s.total),
                scores.map(|s| &s.total_exact),
                scores.and_then(|s| s.grade.as_ref()),
                scores.map(|s| &s.final_total),
                scores.and_then(|s| s.final_grade.as_ref()),
                scores.is_some_and(|s| s.reviewed),
                record.base,
                record.unit,
                record.scorecard,
            ])
            .map_err(sql)?;
        if !record.findings.is_empty() {
            let id = conn.last_insert_rowid();
            let mut finding = conn
                .prepare_cached(
                    "INSERT INTO findings (unit_result_id, position, rule, severity, indicator, message)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(sql)?;
            for (i, f) in record.findings.iter().enumerate() {
                finding
                    .execute(params![
                        id,
                        i as i64,
                        f.rule,
                        f.severity,
                        f.indicator,
                        f.message
                    ])
                    .map_err(sql)?;
            }
        }
        self.units += 1;
        if self.fault.0 == Some(self.units) {
            // The switch fires inside the transaction, which the caller's error rolls back.
            debug_assert!(!conn.is_autocommit(), "a run's transaction is open");
            return Err(StoreError::Fault {
                run: self.run,
                units: self.units,
            });
        }
        Ok(())
    }

    /// Keeps a file the run wrote (a summary), byte for byte, for `jixiao export`.
    pub fn add_file(&mut self, name: &str, content: &[u8]) -> Result<(), StoreError> {
        let sql = |e| StoreError::sql(self.path(), e);
        self.conn()
            .execute(
                "INSERT INTO run_files (run_id, name, content) VALUES (?1, ?2, ?3)",
                params![self.run, name, crate::packed::pack(content)],
            )
            .map_err(sql)?;
        Ok(())
    }

    /// Records the run's counts and commits it: the run, and every unit of it, is now in the
    /// store. Returns the store, and the run's number.
    pub fn commit(mut self, end: RunEnd) -> Result<(Store, i64), StoreError> {
        let path = self.path().to_path_buf();
        let sql = |e| StoreError::sql(&path, e);
        let now = crate::now();
        self.conn()
            .execute(
                "UPDATE runs SET units = ?2, scored = ?3, failed = ?4, duplicates = ?5, recorded_at = ?6,
                    years = (SELECT coalesce(group_concat(year, ','), '') FROM
                        (SELECT DISTINCT year FROM unit_results WHERE run_id = ?1 AND year IS NOT NULL ORDER BY year))
                 WHERE id = ?1",
                params![
                    self.run,
                    self.units as i64,
                    end.scored as i64,
                    end.failed as i64,
                    end.duplicates as i64,
                    now
                ],
            )
            .map_err(sql)?;
        self.conn().execute_batch("COMMIT").map_err(sql)?;
        let store = self.store.take().expect("a writer has its store");
        Ok((store, self.run))
    }
}

impl Drop for RunWriter {
    fn drop(&mut self) {
        if let Some(store) = &self.store
            && !store.conn.is_autocommit()
        {
            // Nothing of the run is kept; an error here leaves the transaction to SQLite, which
            // rolls it back when the connection closes.
            let _ = store.conn.execute_batch("ROLLBACK");
        }
    }
}
