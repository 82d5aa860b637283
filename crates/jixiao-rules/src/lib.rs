//! Rule sets: what a finance bureau scores self-evaluations by.
//!
//! A [`RuleSet`] is read from TOML (documented in `docs/rule-sets.md`): its identity, the kind of
//! evaluation it applies to, the total points, the grade bands, the indicator tree whose leaves
//! carry points, an input and a scoring [`Method`], and the parameters of the built-in checks.
//! [`RuleSet::load`] parses and validates; every problem it finds names the file and the key.

mod inherit;
pub mod limits;
mod schema;
mod totals;
mod validate;

use std::path::{Path, PathBuf};

use jixiao_model::at_key;

pub use inherit::{Change, Inheritance, MAX_DEPTH, ParentRuleSet, show_bands, show_grades};
pub use schema::*;
pub use totals::{GradeOn, SumOf, TotalsPolicy};
pub use validate::Warning;

/// One problem with a rule set: the file, the key and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}{message}", path.display(), at_key(key))]
pub struct RuleError {
    pub path: PathBuf,
    /// Dotted path of the offending key, e.g. `indicators[1].children[0].points`.
    pub key: String,
    pub message: String,
}

/// Why a rule set could not be loaded: unreadable, or one or more [`RuleError`]s.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The reason is in the message (so it is said once, whether the error is shown alone or
    /// with its chain).
    #[error("cannot read rule set {}: {reason}", path.display())]
    Io {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error("{} error(s) in rule set:\n{}", .0.len(), render(.0))]
    Invalid(Vec<RuleError>),
    /// The file is not UTF-8: where, and whether it reads as GBK.
    #[error("{}: {why}", path.display())]
    NotUtf8 {
        path: PathBuf,
        why: jixiao_model::encoding::NotUtf8,
    },
    /// Some other file given where a rule set is expected.
    #[error("{} is {what}, not a rule set", path.display())]
    NotRules { path: PathBuf, what: &'static str },
}

fn render(errors: &[RuleError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A rule set that passed validation ([`RuleSet::validate`]): the only kind the engine scores
/// by. It derefs to the [`RuleSet`]; to change it, take it out with
/// [`ValidRuleSet::into_inner`] and validate it again.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct ValidRuleSet(RuleSet);

impl ValidRuleSet {
    /// The rule set itself, to change it (and validate it again).
    pub fn into_inner(self) -> RuleSet {
        self.0
    }
}

impl std::ops::Deref for ValidRuleSet {
    type Target = RuleSet;
    fn deref(&self) -> &RuleSet {
        &self.0
    }
}

impl RuleSet {
    /// The rule set if it is valid, with its warnings; `path` names the source in errors.
    pub fn validate(self, path: &Path) -> Result<(ValidRuleSet, Vec<Warning>), LoadError> {
        let warnings = validate::validate(&self, path).map_err(LoadError::Invalid)?;
        Ok((ValidRuleSet(self), warnings))
    }

    /// Parses and validates a rule set from TOML text; `path` names the source in errors. It
    /// reads no file: a rule set that `extends` another is refused here (at `extends`) and read
    /// with [`RuleSet::load`], which finds the parent beside it.
    pub fn from_toml(text: &str, path: &Path) -> Result<(ValidRuleSet, Vec<Warning>), LoadError> {
        Self::from_toml_below(text, path, None)
    }

    /// As [`RuleSet::from_toml`]; with `chain` (the files of the rule sets extending this one, in
    /// [`RuleSet::load`]) a rule set that `extends` another is resolved against it.
    fn from_toml_below(
        text: &str,
        path: &Path,
        chain: Option<&[PathBuf]>,
    ) -> Result<(ValidRuleSet, Vec<Warning>), LoadError> {
        if inherit::extends(text) {
            return match chain {
                Some(chain) => inherit::resolve(text, path, chain),
                None => Err(LoadError::Invalid(vec![RuleError {
                    path: path.to_owned(),
                    key: "extends".to_owned(),
                    message: "a rule set that extends another is read from its file, where the                               one it extends is found (RuleSet::load), not from text alone"
                        .to_owned(),
                }])),
            };
        }
        let parse_error = |key: String, err: toml::de::Error| {
            LoadError::Invalid(vec![RuleError {
                path: path.to_owned(),
                key,
                message: err.to_string().trim_end().to_owned(),
            }])
        };
        let deserializer = toml::Deserializer::parse(text)
            .map_err(|e| parse_error(jixiao_model::syntax_key(text, &e), e))?;
        let rules: RuleSet = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let key = e.path().to_string();
            parse_error(key, e.into_inner())
        })?;
        rules.validate(path)
    }

    /// Reads, parses and validates a rule-set file. A unit file or a form given for a rule set
    /// is named as what it is.
    pub fn load(path: &Path) -> Result<(ValidRuleSet, Vec<Warning>), LoadError> {
        Self::load_below(path, &[])
    }

    /// As [`RuleSet::load`], for a rule set extended by the files in `chain`.
    fn load_below(
        path: &Path,
        chain: &[PathBuf],
    ) -> Result<(ValidRuleSet, Vec<Warning>), LoadError> {
        let bytes = std::fs::read(path).map_err(|reason| LoadError::Io {
            path: path.to_owned(),
            reason,
        })?;
        let not_rules = |what: &'static str| LoadError::NotRules {
            path: path.to_owned(),
            what,
        };
        if bytes.starts_with(b"PK\x03\x04") {
            return Err(not_rules(
                "a workbook or a Word file (a filled form is given with the units)",
            ));
        }
        let text = jixiao_model::encoding::utf8(bytes).map_err(|why| LoadError::NotUtf8 {
            path: path.to_owned(),
            why,
        })?;
        if let Ok(table) = text.parse::<toml::Table>()
            && table.contains_key("unit")
            && !table.contains_key("indicators")
        {
            return Err(not_rules("a unit file (it has a [unit] table)"));
        }
        Self::from_toml_below(&text, path, Some(chain))
    }
}
