//! The store's schema and its migrations.
//!
//! A store's `PRAGMA user_version` is the number of migrations applied to it; opening a store
//! applies the ones it lacks, each in the transaction that records it, so next year's jixiao opens
//! this year's file and a store is never left half migrated. A store with more migrations than
//! this jixiao knows was made by a newer one and is refused, never written. Migrations are only
//! ever appended: one that shipped is never edited (docs/store.md lists them).

/// `PRAGMA application_id` of a jixiao store ("JXSQ"): a SQLite file without it is another
/// program's and is refused.
pub const APPLICATION_ID: i32 = 0x4A58_5351;

/// The migrations, in order; migration `i` brings a store from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    -- 'score': recorded by `jixiao score --db`; 'import': loaded by `jixiao import`.
    kind TEXT NOT NULL CHECK (kind IN ('score', 'import')),
    -- When the run started and was recorded (UTC, RFC 3339).
    started_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    jixiao_version TEXT NOT NULL,
    -- The command line, as given.
    command TEXT NOT NULL,
    rule_set_id TEXT NOT NULL,
    rule_set_name TEXT NOT NULL,
    rule_set_version TEXT NOT NULL,
    -- SHA-256 of the rule-set file (hex).
    rule_set_sha256 TEXT NOT NULL,
    rule_set_path TEXT NOT NULL,
    units INTEGER NOT NULL,
    scored INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    -- The budget years of its units, ascending, comma-separated.
    years TEXT NOT NULL DEFAULT '',
    -- The output folder (--out), when there was one.
    out_dir TEXT
) STRICT;

-- The rule set's full text and, where it extends another, each parent's (depth 1, 2, ...).
CREATE TABLE run_rule_sets (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    depth INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (run_id, depth)
) STRICT, WITHOUT ROWID;

CREATE TABLE run_plugins (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (run_id, position)
) STRICT, WITHOUT ROWID;

-- The paths the run was given (files and folders) and each file's SHA-256 (NULL for a folder:
-- its files are the units' sources).
CREATE TABLE run_inputs (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    position INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT,
    PRIMARY KEY (run_id, position)
) STRICT, WITHOUT ROWID;

-- The summaries the run wrote (summary.csv, summary.xlsx, ...), byte for byte.
CREATE TABLE run_files (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    name TEXT NOT NULL,
    -- zstd-compressed.
    content BLOB NOT NULL,
    PRIMARY KEY (run_id, name)
) STRICT, WITHOUT ROWID;

-- One row per submission of a run: scored, failed (with its reason) or a duplicate.
CREATE TABLE unit_results (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    position INTEGER NOT NULL,
    source TEXT NOT NULL,
    source_kind TEXT,
    source_sha256 TEXT,
    status TEXT NOT NULL CHECK (status IN ('scored', 'failed', 'duplicate')),
    -- Why a unit failed, or which submission was scored instead of a duplicate.
    reason TEXT,
    -- Who: as written, and the keys units are matched by across years (normalised code, with
    -- the project's; normalised name, with the project's, and region).
    unit_name TEXT,
    unit_code TEXT,
    region TEXT,
    year INTEGER,
    kind TEXT,
    project TEXT,
    code_key TEXT,
    name_key TEXT,
    -- The scores: as the engine gave them and, after a review, the final ones.
    total TEXT,
    total_exact TEXT,
    grade TEXT,
    final_total TEXT,
    final_grade TEXT,
    reviewed INTEGER NOT NULL DEFAULT 0,
    -- The unit's base data (JSON), what next year's run takes last year's figures from.
    base TEXT,
    -- The unit as scored (JSON, the unit-file format) and its scorecard (JSON), each
    -- zstd-compressed.
    unit BLOB,
    scorecard BLOB
) STRICT;
CREATE INDEX unit_results_by_run ON unit_results (run_id, position);
CREATE INDEX unit_results_by_code ON unit_results (code_key, year) WHERE code_key IS NOT NULL;
CREATE INDEX unit_results_by_name ON unit_results (name_key, year);
CREATE INDEX unit_results_by_year ON unit_results (year, kind);

-- Every finding of every scored unit.
CREATE TABLE findings (
    unit_result_id INTEGER NOT NULL REFERENCES unit_results (id),
    position INTEGER NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    indicator TEXT,
    message TEXT NOT NULL,
    PRIMARY KEY (unit_result_id, position)
) STRICT, WITHOUT ROWID;
"#,
];

/// The schema version this jixiao writes: the number of its migrations.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}
