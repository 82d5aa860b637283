use std::path::{Path, PathBuf};

/// What went wrong with a store; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store {} does not exist (score a round with --db to create it)", path.display())]
    Missing { path: PathBuf },
    #[error("the store {} is not a regular file", path.display())]
    NotAFile { path: PathBuf },
    #[error(
        "{} is not a jixiao results store: it is {found}; it was left as it is (name another file for the store)",
        path.display()
    )]
    Foreign { path: PathBuf, found: String },
    #[error(
        "the store {} was written by a newer jixiao (schema version {version}, this jixiao knows up to {known}); it was left as it is: use that jixiao or a newer one",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        version: i64,
        known: i64,
    },
    #[error(
        "the store {} is damaged ({reason}); it was left as it is: restore it from a backup",
        path.display()
    )]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "the store {} is being written by another run and did not become free within {seconds} s; try again when that run has finished (or wait longer with --db-wait)",
        path.display()
    )]
    Busy { path: PathBuf, seconds: u64 },
    #[error("cannot use the store {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the store {}: {source}", path.display())]
    Sql {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the store {}: run {run} does not exist", path.display())]
    NoSuchRun { path: PathBuf, run: i64 },
    #[error("the store {}: {what} is not readable: {reason}", path.display())]
    BadRecord {
        path: PathBuf,
        what: String,
        reason: String,
    },
    /// The test-only fault switch (`JIXIAO_STORE_FAIL_AFTER`, debug builds) fired.
    #[error(
        "test fault: the run was stopped after recording {units} units, inside its open transaction (run {run} was not committed and is rolled back)"
    )]
    Fault { run: i64, units: u64 },
}

impl StoreError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// A busy store with the time the run waited for it.
    pub(crate) fn waited(self, wait: std::time::Duration) -> StoreError {
        match self {
            StoreError::Busy { path, .. } => StoreError::Busy {
                path,
                seconds: wait.as_secs(),
            },
            other => other,
        }
    }

    /// A SQLite error, told apart: a damaged file, another run holding the store, the rest.
    pub(crate) fn sql(path: &Path, source: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        let path = path.to_path_buf();
        match source.sqlite_error_code() {
            _ if matches!(source, rusqlite::Error::FromSqlConversionFailure(..)) => {
                StoreError::Damaged {
                    path,
                    reason: source.to_string(),
                }
            }
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Damaged {
                path,
                reason: source.to_string(),
            },
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Busy { path, seconds: 0 }
            }
            _ => StoreError::Sql { path, source },
        }
    }
}
