//! `jixiao plugin pin RULESET`: the `sha256` of each library a rule set loads, written into the
//! rule set's own `[[plugins]]` entries.
//!
//! Every library is found as scoring finds it (its path beside the rule set, or `--plugin-dir`),
//! hashed, opened and handshaken, its rules and parameters checked, before anything is written:
//! a library that would not load is an error and the file is left as it was. The file is edited
//! in place with toml_edit, so its comments and layout stay; only the `sha256` keys change. It is
//! written atomically, and only when a pin changes.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use jixiao_engine::RuleExtension as _;
use jixiao_plugin_host::{LoadOptions, Plugins, library_path};
use jixiao_rules::RuleSet;

/// One library of the rule set and its pin, before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub plugin: String,
    pub version: String,
    pub library: PathBuf,
    /// The pin the rule set had, if any.
    pub before: Option<String>,
    pub sha256: String,
}

impl Pin {
    pub fn changed(&self) -> bool {
        self.before.as_deref() != Some(self.sha256.as_str())
    }
}

/// Hashes and checks every library `path`'s rule set loads (found in `plugin_dir` when given)
/// and writes the pins into the file when any changed. Returns the pins, in the rule set's order.
pub fn pin(path: &Path, plugin_dir: Option<&Path>) -> Result<Vec<Pin>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read rule set {}", path.display()))?;
    let (rules, _) = RuleSet::load(path)?;
    if rules.plugins.is_empty() {
        bail!(
            "{}: the rule set loads no plugin ([[plugins]])",
            path.display()
        );
    }
    let before: Vec<Option<String>> = rules.plugins.iter().map(|p| p.sha256.clone()).collect();
    // The libraries as they are now: the old pins set aside, so that a rebuilt library is
    // checked, not refused for its stale pin.
    let mut unpinned = rules.into_inner();
    for entry in &mut unpinned.plugins {
        entry.sha256 = None;
    }
    let (unpinned, _) = unpinned.validate(path)?;
    let options = LoadOptions {
        allow_unpinned: true,
        plugin_dir: plugin_dir.map(Path::to_owned),
    };
    let loaded = Plugins::load(&unpinned, path, &options)?;
    let found = loaded.provenance();
    let pins: Vec<Pin> = unpinned
        .plugins
        .iter()
        .zip(before)
        .map(|(entry, before)| {
            let plugin = found
                .iter()
                .find(|p| p.name == entry.name)
                .with_context(|| {
                    format!(
                        "internal error: plugin {} loaded but not listed",
                        entry.name
                    )
                })?;
            Ok(Pin {
                plugin: entry.name.clone(),
                version: plugin.version.clone(),
                library: library_path(path, entry, &options),
                before,
                sha256: plugin.sha256.clone(),
            })
        })
        .collect::<Result<_>>()?;
    if pins.iter().any(Pin::changed) {
        let edited = with_pins(&text, &pins)
            .with_context(|| format!("cannot edit rule set {}", path.display()))?;
        crate::output::write_atomic(path, edited)?;
    }
    Ok(pins)
}

/// `text` with each `[[plugins]]` entry's `sha256` set to its pin, everything else as it was.
fn with_pins(text: &str, pins: &[Pin]) -> Result<String> {
    let mut doc: toml_edit::DocumentMut = text.parse()?;
    let entries = doc
        .get_mut("plugins")
        .and_then(toml_edit::Item::as_array_of_tables_mut)
        .context("the rule set's plugins are not written as [[plugins]] tables")?;
    if entries.len() != pins.len() {
        bail!(
            "the file has {} [[plugins]] tables, the rule set {} plugins",
            entries.len(),
            pins.len()
        );
    }
    for (entry, pin) in entries.iter_mut().zip(pins) {
        if entry.get("name").and_then(toml_edit::Item::as_str) != Some(pin.plugin.as_str()) {
            bail!("the [[plugins]] tables are not in the rule set's order");
        }
        if let Some(old) = entry
            .get_mut("sha256")
            .and_then(toml_edit::Item::as_value_mut)
        {
            // The value replaced, its comment kept.
            let decor = old.decor().clone();
            *old = pin.sha256.as_str().into();
            *old.decor_mut() = decor;
        } else {
            entry.insert("sha256", toml_edit::value(pin.sha256.as_str()));
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(name: &str, sha: &str) -> Pin {
        Pin {
            plugin: name.into(),
            version: "0.1.0".into(),
            library: PathBuf::new(),
            before: None,
            sha256: sha.into(),
        }
    }

    #[test]
    fn pins_are_written_and_the_rest_is_kept() {
        let text = "# a comment\nid = \"x\"\n\n[[plugins]]\nname = \"a\" # first\npath = \"lib/a\"\n\n[[plugins.rules]]\nrule = \"r\"\n\n[[plugins]]\nname = \"b\"\npath = \"lib/b\"\nsha256 = \"old\" # pinned by hand\n";
        let edited = with_pins(text, &[pin("a", "aaa"), pin("b", "bbb")]).unwrap();
        assert_eq!(
            edited,
            "# a comment\nid = \"x\"\n\n[[plugins]]\nname = \"a\" # first\npath = \"lib/a\"\nsha256 = \"aaa\"\n\n[[plugins.rules]]\nrule = \"r\"\n\n[[plugins]]\nname = \"b\"\npath = \"lib/b\"\nsha256 = \"bbb\" # pinned by hand\n"
        );
        // Pinning again with the same hashes gives the same text.
        assert_eq!(
            with_pins(&edited, &[pin("a", "aaa"), pin("b", "bbb")]).unwrap(),
            edited
        );
    }

    #[test]
    fn tables_out_of_order_are_refused() {
        let text =
            "[[plugins]]\nname = \"b\"\npath = \"b\"\n[[plugins]]\nname = \"a\"\npath = \"a\"\n";
        let error = with_pins(text, &[pin("a", "1"), pin("b", "2")]).unwrap_err();
        assert!(error.to_string().contains("order"), "{error}");
    }
}
