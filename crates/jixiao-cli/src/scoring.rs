//! One unit scored under one rule set with its plugins, as `jixiao score` scores it, for the
//! commands that check a rule set against reference units (`jixiao test`, `jixiao snapshot`) or
//! another rule set (`jixiao compare`).

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};
use jixiao_engine::{Explain, Scorecard};
use jixiao_ingest::Vocabulary;
use jixiao_model::CheckedUnit;
use jixiao_plugin_host::Plugins;
use jixiao_rules::{RuleSet, ValidRuleSet};

/// A rule set and its plugins, loaded once and used for every unit scored by it.
#[derive(Debug)]
pub struct Rules {
    pub rules: ValidRuleSet,
    pub plugins: Plugins,
}

impl Rules {
    /// Loads and validates the rule set, and loads its plugins; a plugin that cannot be loaded
    /// (not built, not pinned without `--allow-unpinned`) is an error here, since a result
    /// without one of the rule set's rules says nothing about the rule set.
    pub fn load(path: &Path, plugins: &crate::PluginArgs) -> Result<Rules> {
        let (rules, warnings) = RuleSet::load(path)?;
        for warning in warnings {
            crate::term::warning!("{}: {warning}", path.display());
        }
        let plugins = Plugins::load(&rules, path, &plugins.options())?;
        Ok(Rules { rules, plugins })
    }

    /// The unit's scorecard, explained in full, with what a document's reader says a person must
    /// look at, as `jixiao score` gives it (no ledger, no review).
    pub fn score(&self, unit: &crate::inputs::Loaded) -> Result<Scorecard> {
        self.score_as(unit, Explain::Full)
    }

    /// As [`Rules::score`], explained as `explain` says (`jixiao compare` needs the scores only).
    pub fn score_as(&self, unit: &crate::inputs::Loaded, explain: Explain) -> Result<Scorecard> {
        let mut card = self.score_unit(&unit.unit, explain)?;
        if let Some(ingested) = &unit.ingested {
            card.findings
                .extend(jixiao_ingest::review_findings(ingested));
        }
        Ok(card)
    }

    fn score_unit(&self, unit: &CheckedUnit, explain: Explain) -> Result<Scorecard> {
        let extensions: [&(dyn jixiao_engine::RuleExtension + Sync); 1] = [&self.plugins];
        let options = jixiao_engine::Options {
            explain,
            extensions: if self.plugins.is_empty() {
                &[]
            } else {
                &extensions
            },
        };
        jixiao_engine::score_with(unit, &self.rules, &options).context("cannot score the unit")
    }
}

/// A unit file (or form, or report) read as `jixiao score` reads it.
pub fn load_unit(path: &Path, vocabulary: &Vocabulary) -> Result<crate::inputs::Loaded> {
    crate::inputs::Job::File(path.to_owned())
        .load(vocabulary)
        .map_err(|failed| anyhow::anyhow!("{failed}"))
}

/// `path` with `.` and `name/..` taken out, for messages (`configs/cases/a/../../x.toml` is
/// `configs/x.toml`); the path opened stays the one given.
pub fn tidy(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir if !out.is_empty() => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// Writes a line to standard output, made visible as `say!` does in `main.rs` (an escape
/// sequence from an input is shown, not acted on).
pub fn say(line: &str) -> Result<()> {
    use std::io::Write as _;
    writeln!(std::io::stdout().lock(), "{}", jixiao_report::visible(line))
        .context("cannot write to standard output")
}

#[cfg(test)]
mod tests {
    use super::tidy;
    use std::path::Path;

    #[test]
    fn tidy_takes_out_dots() {
        assert_eq!(
            tidy(Path::new("configs/cases/hunan/../../hunan.toml")),
            Path::new("configs/hunan.toml")
        );
        assert_eq!(tidy(Path::new("./a/./b")), Path::new("./a/b"));
        assert_eq!(tidy(Path::new("../a")), Path::new("../a"));
        assert_eq!(tidy(Path::new("a/..")), Path::new("."));
    }
}
