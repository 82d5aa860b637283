//! Reading a unit file.

use std::path::{Path, PathBuf};

use crate::SelfEvaluation;

/// Why a unit file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The TOML is malformed, or a key is unknown, missing or of the wrong type.
    #[error("{}: {}{message}", path.display(), at_key(key))]
    Parse {
        path: PathBuf,
        /// Dotted path of the offending key, e.g. `budget.opening`; empty for a syntax error.
        key: String,
        /// The parser's message, with line, column and the offending text.
        message: String,
    },
}

/// `at `key`: ` before a message, or nothing for a syntax error that has no key. Shared by
/// every loader that reports errors by key path.
pub fn at_key(key: &str) -> String {
    if key.is_empty() || key == "." || key == "?" {
        String::new()
    } else {
        format!("at `{key}`: ")
    }
}

impl SelfEvaluation {
    /// Parses a unit from TOML text; `path` only names the source in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Self, ModelError> {
        let parse_error = |key: String, err: toml::de::Error| ModelError::Parse {
            path: path.to_owned(),
            key,
            message: err.to_string().trim_end().to_owned(),
        };
        // Fast path; only a file that fails is parsed again to find the key at fault.
        if let Ok(unit) = toml::from_str::<SelfEvaluation>(text) {
            return unit.checked(path);
        }
        let deserializer =
            toml::Deserializer::parse(text).map_err(|e| parse_error(String::new(), e))?;
        let unit: SelfEvaluation = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let key = e.path().to_string();
            parse_error(key, e.into_inner())
        })?;
        unit.checked(path)
    }

    /// The unit if every figure is within bounds (see [`SelfEvaluation::problems`]), else the
    /// first problem, naming `path` and the key.
    pub fn checked(self, path: &Path) -> Result<Self, ModelError> {
        match self.problems().into_iter().next() {
            None => Ok(self),
            Some(problem) => Err(ModelError::Parse {
                path: path.to_owned(),
                key: problem.key,
                message: problem.message,
            }),
        }
    }

    /// Reads and parses a unit file.
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text, path)
    }

    /// The unit as TOML, in the documented format.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a unit always serialises to TOML")
    }
}
