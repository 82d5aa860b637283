//! The results store (成绩库): one SQLite file a bureau keeps and backs up, holding every run
//! (`jixiao score --db`), what produced it (the rule set's text and its parents', each plugin's
//! hash, jixiao's version, the inputs' hashes) and, for each unit, its figures as scored, its
//! scorecard and its findings. A record is never rewritten: a rerun is a new run, and the latest
//! run of a unit and year under a rule set is the current one.
//!
//! - [`Store::open`] creates a store (readable and writable by the user alone) or opens one,
//!   migrating it to this jixiao's schema ([`schema`]); a file that is not a jixiao store (another
//!   program's database, a damaged file, one made by a newer jixiao) is refused and left as it is.
//! - [`Store::begin_run`] starts a run's one transaction ([`RunWriter`]): nothing of the run is
//!   seen until [`RunWriter::commit`], and a run that stops half way (an error, a kill) leaves the
//!   store as it was.
//! - [`Store::runs`], [`Store::history`], [`Store::prior_year`], [`Store::run`] and
//!   [`Store::units_of_run`] read it back.
//!
//! - [`fill_last_year`] puts a unit's figures of the year before, from its record of that year,
//!   where it left them out (no I/O).
//!
//! The store does SQL and nothing else: it neither scores nor reads submissions.

mod error;
mod key;
mod packed;
mod prior;
mod read;
pub mod schema;
mod write;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use error::StoreError;
pub use key::UnitKeys;
pub use prior::{Filled, OutOfBounds, fill_last_year};
pub use read::{
    HistoryRow, LastYear, PriorRecord, PriorYear, RunDetail, RunSummary, StoredFile, StoredPlugin,
    StoredRuleSet, StoredUnit,
};
pub use write::{
    FaultSwitch, NewRun, PluginRecord, RuleSetText, RunEnd, RunKind, RunWriter, Status, UnitRecord,
};

/// How long a run waits for another run writing the same store before it is told so.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// An open results store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// How long a write waits for another run writing the store.
    wait: Duration,
}

/// The first 16 bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Opens the store at `path`, creating it when no file is there (`create`), and migrates it
    /// to this jixiao's schema. `wait` is how long a write waits for another run writing the
    /// same store.
    ///
    /// Refused, the file untouched: a path that is not a regular file, a file that is not a
    /// SQLite database or is another program's, a damaged one, one made by a newer jixiao.
    pub fn open(path: &Path, create: bool, wait: Duration) -> Result<Store, StoreError> {
        let path = path.to_path_buf();
        let created = match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => {
                check_header(&path, meta.len())?;
                false
            }
            Ok(_) => return Err(StoreError::NotAFile { path }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && create => {
                create_private(&path)?;
                true
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Missing { path });
            }
            Err(error) => return Err(StoreError::io(&path, error)),
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn =
            Connection::open_with_flags(&path, flags).map_err(|e| StoreError::sql(&path, e))?;
        let mut store = Store { conn, path, wait };
        store
            .conn
            .busy_timeout(wait)
            .map_err(|e| StoreError::sql(&store.path, e))?;
        if created {
            store.initialise()?;
        } else {
            store.check_application()?;
        }
        store.migrate().map_err(|e| e.waited(wait))?;
        Ok(store)
    }

    /// The file the store is in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the store (after [`Store::open`], [`schema::latest`]).
    pub fn version(&self) -> Result<i64, StoreError> {
        self.pragma_i64("user_version")
    }

    fn pragma_i64(&self, name: &str) -> Result<i64, StoreError> {
        self.conn
            .pragma_query_value(None, name, |row| row.get(0))
            .map_err(|e| StoreError::sql(&self.path, e))
    }

    /// A new file: 16 KiB pages (a unit's record fits in one), WAL (readers never wait for a run
    /// writing), marked as a jixiao store.
    fn initialise(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch(&format!(
                "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA application_id = {};",
                schema::APPLICATION_ID
            ))
            .map_err(|e| StoreError::sql(&self.path, e))?;
        self.settings()
    }

    fn settings(&mut self) -> Result<(), StoreError> {
        // NORMAL is durable in WAL mode up to the last committed transaction before a power
        // loss, and never corrupts; foreign keys checked; a 64 MiB page cache.
        self.conn
            .execute_batch(
                "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;",
            )
            .map_err(|e| StoreError::sql(&self.path, e))
    }

    /// An existing file: a jixiao store, not another program's database.
    fn check_application(&mut self) -> Result<(), StoreError> {
        let id = self.pragma_i64("application_id")?;
        if id != i64::from(schema::APPLICATION_ID) {
            return Err(StoreError::Foreign {
                path: self.path.clone(),
                found: format!("a SQLite database of another program (application_id {id})"),
            });
        }
        let mode: String = self
            .conn
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .map_err(|e| StoreError::sql(&self.path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            self.conn
                .pragma_update(None, "journal_mode", "WAL")
                .map_err(|e| StoreError::sql(&self.path, e))?;
        }
        self.settings()
    }

    /// Applies the migrations the store lacks, each in its own transaction with the version.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let mut version = self.version()?;
        let latest = schema::latest();
        if version > latest {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                version,
                known: latest,
            });
        }
        while version < latest {
            let sql = schema::MIGRATIONS[version as usize];
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(|e| StoreError::sql(&self.path, e))?;
            // Checked again inside the lock: another jixiao may have migrated it meanwhile.
            let now: i64 = tx
                .pragma_query_value(None, "user_version", |row| row.get(0))
                .map_err(|e| StoreError::sql(&self.path, e))?;
            if now == version {
                tx.execute_batch(sql)
                    .map_err(|e| StoreError::sql(&self.path, e))?;
                tx.pragma_update(None, "user_version", version + 1)
                    .map_err(|e| StoreError::sql(&self.path, e))?;
            }
            tx.commit().map_err(|e| StoreError::sql(&self.path, e))?;
            version = self.version()?;
        }
        Ok(())
    }
}

/// Now, in UTC (RFC 3339, to the second): when a run started and was recorded.
pub fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string())
}

/// A store file is a SQLite database: its first bytes say so (an empty file is not one).
fn check_header(path: &Path, len: u64) -> Result<(), StoreError> {
    use std::io::Read as _;
    if len == 0 {
        return Err(StoreError::Foreign {
            path: path.to_path_buf(),
            found: "an empty file".to_owned(),
        });
    }
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
    let read = file
        .read(&mut header)
        .map_err(|e| StoreError::io(path, e))?;
    if read < header.len() || &header != SQLITE_HEADER {
        return Err(StoreError::Foreign {
            path: path.to_path_buf(),
            found: "a file that is not a SQLite database".to_owned(),
        });
    }
    Ok(())
}

/// Creates the (empty) store file, readable and writable by its owner alone; SQLite gives its
/// WAL and shared-memory files the same permissions.
fn create_private(path: &Path) -> Result<(), StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options
        .open(path)
        .map(drop)
        .map_err(|e| StoreError::io(path, e))
}

#[cfg(test)]
mod tests;
