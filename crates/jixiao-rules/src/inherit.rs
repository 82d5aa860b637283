//! Inheritance (继承): a rule set that `extends` another and says only what it changes.
//!
//! A child rule set names its parent with `extends` (a path relative to the child file), gives
//! its own `id` and `version`, and may then
//!
//! - set any top-level key of a rule set but `indicators` and `applies_to` (`name`, `year`,
//!   `total`, `score_decimals`, `grades`, `plugins`, …): a value replaces the parent's, arrays
//!   (`grades`, `plugins`) whole; a table (`tolerances`, `checks`, `ledger`) is merged key by key;
//! - `[change."<id>"]`: set an indicator's fields but `id` and `children` (`name`, `points`,
//!   `criterion`, `input`, `when_missing`, `method`, …): each replaces the parent's, but `method`
//!   is merged key by key with the parent's (arrays such as `bands` replaced whole; a different
//!   `kind` replaces the method whole);
//! - `drop = ["<id>", …]`: remove a leaf or a group (with its children);
//! - `[[add]]`: add an indicator (with `children` for a group) under `parent` (a group's id;
//!   absent: at the top level), after the sibling `after` (absent: last).
//!
//! The resolved tree is validated as a whole; errors name the child file and, where the child
//! caused them, the child's own key. What the child changed is kept as an [`Inheritance`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{
    Band, GradeBand, Indicator, LoadError, Method, PluginEntry, RuleError, RuleSet, ValidRuleSet,
    Warning,
};

/// The most `extends` one rule set may stand on (a child, its parent, …).
pub const MAX_DEPTH: usize = 8;

/// Where a resolved rule set came from: the parent it extends and what it changed (继承).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inheritance {
    pub parent: ParentRuleSet,
    /// In the order: top-level keys, drops, changes (by id), additions.
    pub changes: Vec<Change>,
}

/// The rule set a child extends, as resolved (itself possibly a child).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParentRuleSet {
    pub id: String,
    pub name: String,
    pub version: String,
    /// The parent's file: the child's directory joined with `extends`.
    pub path: PathBuf,
}

/// One thing a child rule set changed from its parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A key with another value: top-level (`indicator` absent; `key` e.g. `total`,
    /// `tolerances.score`, `grades`) or an indicator's (`key` e.g. `points`, `method.deduction`).
    /// Values are shown as written in TOML (bands and grades as intervals).
    Changed {
        #[serde(skip_serializing_if = "Option::is_none")]
        indicator: Option<String>,
        key: String,
        old: String,
        new: String,
    },
    /// An indicator added (with its children, if a group) under `parent` (absent: top level).
    Added {
        id: String,
        name: String,
        points: Decimal,
        #[serde(skip_serializing_if = "Option::is_none")]
        parent: Option<String>,
    },
    /// An indicator dropped (with its children) from under `parent`.
    Dropped {
        id: String,
        name: String,
        points: Decimal,
        #[serde(skip_serializing_if = "Option::is_none")]
        parent: Option<String>,
    },
}

/// A child rule set as written: `extends`, `id` and `version`, the tree's changes, and any other
/// top-level key of a rule set, which replaces the parent's (a table merged key by key).
#[derive(Debug, Deserialize)]
struct Child {
    extends: String,
    id: String,
    version: String,
    /// `[change."<id>"]`: the fields of each indicator the child sets, as written.
    #[serde(default)]
    change: BTreeMap<String, toml::Table>,
    #[serde(default)]
    drop: Vec<String>,
    #[serde(default)]
    add: Vec<toml::Table>,
    /// Every other key: the rule set's own top-level keys (`name`, `total`, `[tolerances]`, …),
    /// checked when the resolved rule set is read (unknown ones refused there).
    #[serde(flatten)]
    rest: toml::Table,
}

/// Top-level keys a child cannot set: its tree is the parent's, changed, and so is its kind.
const NOT_IN_A_CHILD: [&str; 3] = ["indicators", "applies_to", "inheritance"];

/// Whether a rule set's text says `extends` (at the top level).
pub(crate) fn extends(text: &str) -> bool {
    text.parse::<toml::Table>()
        .is_ok_and(|t| t.contains_key("extends"))
}

/// Collects errors at the child's keys.
struct Errors<'a> {
    path: &'a Path,
    errors: Vec<RuleError>,
}

impl Errors<'_> {
    fn push(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.errors.push(RuleError {
            path: self.path.to_owned(),
            key: key.into(),
            message: message.into(),
        });
    }

    fn invalid(self) -> LoadError {
        LoadError::Invalid(self.errors)
    }
}

/// The key of an indicator's patch: `change."<id>"`.
fn change_key(id: &str) -> String {
    format!("change.{}", quoted(id))
}

fn quoted(id: &str) -> String {
    format!("\"{}\"", id.replace('\\', "\\\\").replace('"', "\\\""))
}

fn join_key(prefix: &str, path: &str) -> String {
    if path.is_empty() || path == "." {
        prefix.to_owned()
    } else {
        format!("{prefix}.{path}")
    }
}

/// Resolves a child rule set (`text` read from `path`) against its parent; `chain` holds the
/// files of the children being resolved that stand on this one, for cycles and depth.
pub(crate) fn resolve(
    text: &str,
    path: &Path,
    chain: &[PathBuf],
) -> Result<(ValidRuleSet, Vec<Warning>), LoadError> {
    let mut errors = Errors {
        path,
        errors: Vec::new(),
    };
    let deserializer = toml::Deserializer::parse(text).map_err(|e| {
        LoadError::Invalid(vec![RuleError {
            path: path.to_owned(),
            key: jixiao_model::syntax_key(text, &e),
            message: e.to_string().trim_end().to_owned(),
        }])
    })?;
    let child: Child = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let key = e.path().to_string();
        let message = e.into_inner().to_string().trim_end().to_owned();
        LoadError::Invalid(vec![RuleError {
            path: path.to_owned(),
            key,
            message,
        }])
    })?;

    // The parent: relative to this file, not in the chain, not too deep.
    let me = canonical(path);
    let parent_path = path.parent().unwrap_or(Path::new("")).join(&child.extends);
    let mut below = chain.to_vec();
    below.push(me.clone());
    let parent_canonical = match parent_path.canonicalize() {
        Ok(p) => p,
        Err(reason) => {
            errors.push(
                "extends",
                format!(
                    "cannot read the rule set it extends, {}: {reason}",
                    parent_path.display()
                ),
            );
            return Err(errors.invalid());
        }
    };
    if let Some(start) = below.iter().position(|p| *p == parent_canonical) {
        let cycle: Vec<String> = below[start..]
            .iter()
            .chain(std::iter::once(&parent_canonical))
            .map(|p| file_name(p))
            .collect();
        errors.push(
            "extends",
            format!(
                "rule sets extend each other in a cycle: {}",
                cycle.join(" → ")
            ),
        );
        return Err(errors.invalid());
    }
    if below.len() > MAX_DEPTH {
        let names: Vec<String> = below.iter().map(|p| file_name(p)).collect();
        errors.push(
            "extends",
            format!(
                "more than {MAX_DEPTH} rule sets extend one another ({} → {}); at most {MAX_DEPTH} levels of `extends` are allowed",
                names.join(" → "),
                file_name(&parent_canonical)
            ),
        );
        return Err(errors.invalid());
    }
    let (parent, _) = RuleSet::load_below(&parent_path, &below)?;
    let parent = parent.into_inner();

    let mut resolver = Resolver {
        errors,
        changes: Vec::new(),
        touched: Vec::new(),
    };
    let rules = resolver.apply(&child, parent.clone());
    let Resolver {
        mut errors,
        changes,
        touched,
    } = resolver;
    let Some(mut rules) = rules.filter(|_| errors.errors.is_empty()) else {
        return Err(errors.invalid());
    };
    rules.inheritance = Some(Inheritance {
        parent: ParentRuleSet {
            id: parent.id.clone(),
            name: parent.name.clone(),
            version: parent.version.clone(),
            path: parent_path.clone(),
        },
        changes,
    });
    match crate::validate::validate(&rules, path) {
        Ok(warnings) => Ok((ValidRuleSet(rules), warnings)),
        Err(found) => {
            let keys = indicator_keys(&rules.indicators);
            for error in found {
                let (key, message) = child_key(&keys, &touched, &child, &error);
                errors.push(key, message);
            }
            Err(errors.invalid())
        }
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    )
}

/// Something the child did to the tree, for naming it in errors of the resolved tree.
struct Touched {
    /// The child's key: `change."<id>"`, `drop[i]` or `add[i]`.
    key: String,
    /// The indicator changed or added (a dropped one is no longer in the tree).
    id: Option<String>,
    /// What was done, for a group whose points no longer add up: e.g. `points 12 → 14`.
    what: String,
    /// Ids of the groups above it, in the resolved tree (for a drop: above where it was).
    ancestors: Vec<String>,
}

struct Resolver<'a> {
    errors: Errors<'a>,
    changes: Vec<Change>,
    touched: Vec<Touched>,
}

impl Resolver<'_> {
    fn changed(&mut self, indicator: Option<&str>, key: &str, old: String, new: String) {
        if old != new {
            self.changes.push(Change::Changed {
                indicator: indicator.map(str::to_owned),
                key: key.to_owned(),
                old,
                new,
            });
        }
    }

    /// The parent's top-level keys with the child's: each replaces the parent's, a table merged
    /// key by key; the result read as a rule set (unknown keys refused at their key).
    fn top_level(&mut self, child: &Child, parent: &RuleSet) -> Option<RuleSet> {
        let toml::Value::Table(mut base) =
            toml::Value::try_from(parent).expect("a rule set serialises to TOML")
        else {
            unreachable!("a rule set is a table")
        };
        let old = base.clone();
        for (key, value) in &child.rest {
            if NOT_IN_A_CHILD.contains(&key.as_str()) {
                self.errors.push(
                    key.clone(),
                    format!(
                        "a rule set that `extends` another takes `{key}` from it: change, drop or \
                         add indicators with `[change.\"<id>\"]`, `drop` and `[[add]]`"
                    ),
                );
                continue;
            }
            match (base.get_mut(key), value) {
                (Some(old @ toml::Value::Table(_)), toml::Value::Table(patch)) => {
                    merge_value(old, patch);
                }
                _ => {
                    base.insert(key.clone(), value.clone());
                }
            }
        }
        base.insert("id".into(), toml::Value::String(child.id.clone()));
        base.insert("version".into(), toml::Value::String(child.version.clone()));
        let rules: RuleSet = match serde_path_to_error::deserialize(toml::Value::Table(base)) {
            Ok(rules) => rules,
            Err(e) => {
                let key = e.path().to_string();
                self.errors
                    .push(key, e.into_inner().to_string().trim_end().to_owned());
                return None;
            }
        };
        let toml::Value::Table(new) =
            toml::Value::try_from(&rules).expect("a rule set serialises to TOML")
        else {
            unreachable!("a rule set is a table")
        };
        for key in child.rest.keys() {
            match key.as_str() {
                "grades" => self.changed(
                    None,
                    "grades",
                    show_grades(&parent.grades),
                    show_grades(&rules.grades),
                ),
                "plugins" => self.changed(
                    None,
                    "plugins",
                    show_plugins(&parent.plugins),
                    show_plugins(&rules.plugins),
                ),
                _ => {
                    let empty = toml::Value::Table(toml::Table::new());
                    let (a, b) = (old.get(key), new.get(key));
                    let mut diffs = Vec::new();
                    match (a, b) {
                        (Some(a), Some(b)) => diff(a, b, key, &mut diffs),
                        // A default left out when serialised (an empty table, a default policy).
                        (a, b) => diff(a.unwrap_or(&empty), b.unwrap_or(&empty), key, &mut diffs),
                    }
                    for (key, old, new) in diffs {
                        self.changed(None, &key, old, new);
                    }
                }
            }
        }
        Some(rules)
    }

    fn apply(&mut self, child: &Child, parent: RuleSet) -> Option<RuleSet> {
        let mut rules = self.top_level(child, &parent)?;
        rules.inheritance = None;
        if !child.rest.contains_key("plugins") {
            // The parent's libraries stay where the parent said: relative to its file, which is
            // `extends` from this one's.
            let dir = Path::new(&child.extends).parent().unwrap_or(Path::new(""));
            for plugin in &mut rules.plugins {
                plugin.path = dir.join(&plugin.path).to_string_lossy().into_owned();
            }
        }

        for (i, id) in child.drop.iter().enumerate() {
            let key = format!("drop[{i}]");
            match take(&mut rules.indicators, id) {
                Some((dropped, ancestors)) => {
                    self.changes.push(Change::Dropped {
                        id: dropped.id.clone(),
                        name: dropped.name.clone(),
                        points: dropped.points,
                        parent: ancestors.last().cloned(),
                    });
                    self.touched.push(Touched {
                        key,
                        id: None,
                        what: format!("drops `{}` ({} points)", id, show(dropped.points)),
                        ancestors,
                    });
                }
                None if child.drop[..i].contains(id) => {
                    self.errors.push(key, format!("`{id}` is dropped twice"));
                }
                None => self.errors.push(
                    key,
                    format!("no indicator `{id}` in the parent rule set to drop"),
                ),
            }
        }

        for (id, patch) in &child.change {
            let key = change_key(id);
            let Some(ind) = find_mut(&mut rules.indicators, id) else {
                let why = if child.drop.contains(id) {
                    "it is dropped by `drop`".to_owned()
                } else {
                    "no indicator of that id in the parent rule set (an added indicator is \
                     written whole in its `[[add]]`)"
                        .to_owned()
                };
                self.errors
                    .push(key, format!("cannot change `{id}`: {why}"));
                continue;
            };
            if let Some(field) = ["id", "children"]
                .into_iter()
                .find(|f| patch.contains_key(*f))
            {
                let why = if field == "id" {
                    "an indicator keeps its id: drop it and add another to rename it"
                } else {
                    "children are added with `[[add]]` (`parent = \"<id>\"`) and dropped with `drop`"
                };
                self.errors.push(format!("{key}.{field}"), why);
                continue;
            }
            let old = toml::Value::try_from(&*ind).expect("an indicator serialises to TOML");
            let mut merged = old.clone();
            let same_kind = match (&ind.method, patch.get("method")) {
                (Some(method), Some(toml::Value::Table(table))) => !kind_differs(method, table),
                _ => false,
            };
            if let toml::Value::Table(fields) = &mut merged {
                for (field, value) in patch {
                    match (fields.get_mut(field), value) {
                        (Some(old @ toml::Value::Table(_)), toml::Value::Table(table))
                            if field == "method" && same_kind =>
                        {
                            merge_value(old, table);
                        }
                        _ => {
                            fields.insert(field.clone(), value.clone());
                        }
                    }
                }
            }
            let new: Indicator = match serde_path_to_error::deserialize(merged) {
                Ok(new) => new,
                Err(e) => {
                    let at = join_key(&key, &e.path().to_string());
                    self.errors
                        .push(at, e.into_inner().to_string().trim_end().to_owned());
                    continue;
                }
            };
            let new_value = toml::Value::try_from(&new).expect("an indicator serialises to TOML");
            let before = self.changes.len();
            for field in patch.keys() {
                let empty = toml::Value::String(String::new());
                let a = old.get(field).unwrap_or(&empty);
                let b = new_value.get(field).unwrap_or(&empty);
                match field.as_str() {
                    "method" if same_kind => {
                        let mut diffs = Vec::new();
                        diff(a, b, "method", &mut diffs);
                        for (k, o, n) in diffs {
                            self.changed(Some(id), &k, o, n);
                        }
                    }
                    "method" => self.changed(
                        Some(id),
                        "method",
                        ind.method.as_ref().map(show_method).unwrap_or_default(),
                        new.method.as_ref().map(show_method).unwrap_or_default(),
                    ),
                    "input" if !same(a, b) => {
                        self.changed(Some(id), "input", render(a), render(b));
                    }
                    _ => {
                        let mut diffs = Vec::new();
                        diff(a, b, field, &mut diffs);
                        for (k, o, n) in diffs {
                            self.changed(Some(id), &k, o, n);
                        }
                    }
                }
            }
            if let (Some(old), Some(new)) = (&ind.method, &new.method) {
                self.show_bands(before, old, new);
            }
            let what: Vec<String> = self.changes[before..]
                .iter()
                .filter_map(|c| match c {
                    Change::Changed { key, old, new, .. } if key == "points" => {
                        Some(format!("points {old} → {new}"))
                    }
                    Change::Changed { key, .. } => Some(key.clone()),
                    _ => None,
                })
                .collect();
            *ind = new;
            self.touched.push(Touched {
                key,
                id: Some(id.clone()),
                what: format!("changes `{id}`: {}", what.join(", ")),
                ancestors: ancestors_of(&rules.indicators, id).unwrap_or_default(),
            });
        }

        for (i, table) in child.add.iter().enumerate() {
            let key = format!("add[{i}]");
            let mut table = table.clone();
            let mut place = |field: &str, errors: &mut Errors<'_>| match table.remove(field) {
                None => None,
                Some(toml::Value::String(s)) => Some(s),
                Some(other) => {
                    errors.push(
                        format!("{key}.{field}"),
                        format!(
                            "expected an indicator id (a string), found {}",
                            other.type_str()
                        ),
                    );
                    None
                }
            };
            let parent = place("parent", &mut self.errors);
            let after = place("after", &mut self.errors);
            let added: Indicator = match serde_path_to_error::deserialize(toml::Value::Table(table))
            {
                Ok(added) => added,
                Err(e) => {
                    let at = join_key(&key, &e.path().to_string());
                    self.errors
                        .push(at, e.into_inner().to_string().trim_end().to_owned());
                    continue;
                }
            };
            let mut new_ids = Vec::new();
            collect_ids(std::slice::from_ref(&added), &mut new_ids);
            if let Some(taken) = new_ids
                .iter()
                .find(|id| find(&rules.indicators, id).is_some())
            {
                self.errors.push(
                    format!("{key}.id"),
                    format!("indicator id `{taken}` is already in the rule set"),
                );
                continue;
            }
            let siblings = match &parent {
                None => &mut rules.indicators,
                Some(p) => match find_mut(&mut rules.indicators, p) {
                    Some(group) if !group.is_leaf() => &mut group.children,
                    Some(_) => {
                        self.errors.push(
                            format!("{key}.parent"),
                            format!(
                                "`{p}` is a leaf: an indicator is added under a group (drop the leaf and add a group in its place to split it)"
                            ),
                        );
                        continue;
                    }
                    None => {
                        self.errors.push(
                            format!("{key}.parent"),
                            format!("no group `{p}` in the rule set to add `{}` under", added.id),
                        );
                        continue;
                    }
                },
            };
            let at = match &after {
                None => siblings.len(),
                Some(a) => match siblings.iter().position(|s| s.id == *a) {
                    Some(pos) => pos + 1,
                    None => {
                        let under = parent
                            .as_deref()
                            .map_or("the top level".to_owned(), |p| format!("`{p}`"));
                        self.errors.push(
                            format!("{key}.after"),
                            format!("`{a}` is not an indicator at {under}"),
                        );
                        continue;
                    }
                },
            };
            self.changes.push(Change::Added {
                id: added.id.clone(),
                name: added.name.clone(),
                points: added.points,
                parent: parent.clone(),
            });
            self.touched.push(Touched {
                key,
                id: Some(added.id.clone()),
                what: format!("adds `{}` ({} points)", added.id, show(added.points)),
                ancestors: Vec::new(),
            });
            siblings.insert(at, added);
        }
        // Ancestors of the additions, now that every one is in place.
        for touched in &mut self.touched {
            if let Some(id) = &touched.id
                && touched.key.starts_with("add[")
            {
                touched.ancestors = ancestors_of(&rules.indicators, id).unwrap_or_default();
            }
        }
        Some(rules)
    }

    /// A `bands` table changed by a merge: shown as intervals, not as TOML.
    fn show_bands(&mut self, since: usize, old: &Method, new: &Method) {
        let (Method::Bands { bands: old }, Method::Bands { bands: new }) = (old, new) else {
            return;
        };
        for change in &mut self.changes[since..] {
            if let Change::Changed {
                key,
                old: o,
                new: n,
                ..
            } = change
                && key == "method.bands"
            {
                *o = show_bands(old);
                *n = show_bands(new);
            }
        }
    }
}

/// Whether a method patch names a `kind` other than the method's own.
fn kind_differs(old: &Method, patch: &toml::Table) -> bool {
    patch
        .get("kind")
        .is_some_and(|k| k.as_str() != Some(old.kind()))
}

/// `patch` merged into `value`: tables key by key (recursively), anything else replaced.
fn merge_value(value: &mut toml::Value, patch: &toml::Table) {
    let toml::Value::Table(table) = value else {
        *value = toml::Value::Table(patch.clone());
        return;
    };
    for (key, new) in patch {
        match (table.get_mut(key), new) {
            (Some(old @ toml::Value::Table(_)), toml::Value::Table(sub)) => merge_value(old, sub),
            _ => {
                table.insert(key.clone(), new.clone());
            }
        }
    }
}

/// The keys at which two values differ, tables compared key by key, as (key, old, new).
fn diff(old: &toml::Value, new: &toml::Value, key: &str, out: &mut Vec<(String, String, String)>) {
    match (old, new) {
        (toml::Value::Table(a), toml::Value::Table(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let sub = format!("{key}.{k}");
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => diff(x, y, &sub, out),
                    (x, y) => {
                        let render = |v: Option<&toml::Value>| v.map(render).unwrap_or_default();
                        out.push((sub, render(x), render(y)));
                    }
                }
            }
        }
        _ if same(old, new) => {}
        _ => out.push((key.to_owned(), render(old), render(new))),
    }
}

/// Equal values, decimals (serialised as strings) compared as numbers.
fn same(a: &toml::Value, b: &toml::Value) -> bool {
    if let (toml::Value::String(x), toml::Value::String(y)) = (a, b)
        && let (Ok(x), Ok(y)) = (x.parse::<Decimal>(), y.parse::<Decimal>())
    {
        return x == y;
    }
    a == b
}

/// A value as a person reads it: strings bare, arrays and tables inline.
fn render(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s
            .parse::<Decimal>()
            .map_or_else(|_| s.clone(), |d| d.normalize().to_string()),
        toml::Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(render).collect::<Vec<_>>().join(", ")
            )
        }
        toml::Value::Table(table) => format!(
            "{{{}}}",
            table
                .iter()
                .map(|(k, v)| format!("{k} = {}", render(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

fn show_value<T: Serialize>(value: &T) -> String {
    toml::Value::try_from(value).map_or_else(|e| e.to_string(), |v| render(&v))
}

fn show_method(method: &Method) -> String {
    match method {
        Method::Bands { bands } => format!("bands {}", show_bands(bands)),
        other => show_value(other),
    }
}

fn show(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Bands as intervals: `[0, 0] 5; (0, 0.1] 4; …`.
pub fn show_bands(bands: &[Band]) -> String {
    bands
        .iter()
        .map(|b| format!("{} {}", b.interval(), show(b.points)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Grade bands as intervals: `优 [90, 100]; 良 [80, 90); …` (the top band includes its max).
pub fn show_grades(grades: &[GradeBand]) -> String {
    let top = grades.iter().map(|g| g.max).max();
    grades
        .iter()
        .map(|g| {
            let close = if Some(g.max) == top { ']' } else { ')' };
            format!("{} [{}, {}{close}", g.name, show(g.min), show(g.max))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn show_plugins(plugins: &[PluginEntry]) -> String {
    if plugins.is_empty() {
        return "(无)".to_owned();
    }
    plugins
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn find<'a>(nodes: &'a [Indicator], id: &str) -> Option<&'a Indicator> {
    nodes.iter().find_map(|n| {
        if n.id == id {
            Some(n)
        } else {
            find(&n.children, id)
        }
    })
}

fn find_mut<'a>(nodes: &'a mut [Indicator], id: &str) -> Option<&'a mut Indicator> {
    for node in nodes {
        if node.id == id {
            return Some(node);
        }
        if let Some(found) = find_mut(&mut node.children, id) {
            return Some(found);
        }
    }
    None
}

/// The ids of the groups above `id`, from the top.
fn ancestors_of(nodes: &[Indicator], id: &str) -> Option<Vec<String>> {
    for node in nodes {
        if node.id == id {
            return Some(Vec::new());
        }
        if let Some(mut above) = ancestors_of(&node.children, id) {
            above.insert(0, node.id.clone());
            return Some(above);
        }
    }
    None
}

/// `id` taken out of the tree, with the ids of the groups it was under.
fn take(nodes: &mut Vec<Indicator>, id: &str) -> Option<(Indicator, Vec<String>)> {
    if let Some(pos) = nodes.iter().position(|n| n.id == id) {
        return Some((nodes.remove(pos), Vec::new()));
    }
    for node in nodes {
        if let Some((taken, mut above)) = take(&mut node.children, id) {
            above.insert(0, node.id.clone());
            return Some((taken, above));
        }
    }
    None
}

fn collect_ids(nodes: &[Indicator], out: &mut Vec<String>) {
    for node in nodes {
        out.push(node.id.clone());
        collect_ids(&node.children, out);
    }
}

/// Each indicator's key in the resolved tree (`indicators[1].children[0]`) with its id and the
/// ids of the groups above it, deepest first.
fn indicator_keys(nodes: &[Indicator]) -> Vec<(String, String, Vec<String>)> {
    fn walk(
        nodes: &[Indicator],
        prefix: &str,
        above: &[String],
        out: &mut Vec<(String, String, Vec<String>)>,
    ) {
        for (i, node) in nodes.iter().enumerate() {
            let key = if prefix.is_empty() {
                format!("indicators[{i}]")
            } else {
                format!("{prefix}.children[{i}]")
            };
            out.push((key.clone(), node.id.clone(), above.to_vec()));
            let mut below = above.to_vec();
            below.push(node.id.clone());
            walk(&node.children, &key, &below, out);
        }
    }
    let mut out = Vec::new();
    walk(nodes, "", &[], &mut out);
    out.sort_by_key(|(key, _, _)| std::cmp::Reverse(key.len()));
    out
}

/// An error of the resolved tree at the child's key: the patch or addition that caused it where
/// there is one, else the indicator by id (`indicators."<id>".points`); a group whose points no
/// longer add up names what the child did under it.
fn child_key(
    keys: &[(String, String, Vec<String>)],
    touched: &[Touched],
    child: &Child,
    error: &RuleError,
) -> (String, String) {
    let mut message = error.message.clone();
    let notes = |group: Option<&str>| -> String {
        let under: Vec<String> = touched
            .iter()
            .filter(|t| group.is_none_or(|g| t.ancestors.iter().any(|a| a == g)))
            .map(|t| format!("`{}` {}", t.key, t.what))
            .collect();
        if under.is_empty() {
            String::new()
        } else {
            format!(" (in this rule set: {})", under.join("; "))
        }
    };
    if error.key == "indicators" {
        message.push_str(&notes(None));
        return (error.key.clone(), message);
    }
    let found = keys.iter().find(|(prefix, _, _)| {
        error.key == *prefix
            || error
                .key
                .strip_prefix(prefix.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    });
    let Some((prefix, id, above)) = found else {
        return (error.key.clone(), message);
    };
    let rest = &error.key[prefix.len()..];
    if rest == ".children" {
        message.push_str(&notes(Some(id)));
    }
    let field = rest
        .trim_start_matches('.')
        .split(['.', '['])
        .next()
        .unwrap_or("");
    if let Some(patch) = child.change.get(id)
        && patch.contains_key(field)
    {
        return (format!("{}{rest}", change_key(id)), message);
    }
    // Within an addition: at the addition's own key.
    for root in std::iter::once(id).chain(above.iter().rev()) {
        if let Some(t) = touched
            .iter()
            .find(|t| t.id.as_deref() == Some(root.as_str()) && t.key.starts_with("add["))
        {
            let (root_prefix, _, _) = keys
                .iter()
                .find(|(_, rid, _)| rid == root)
                .expect("every indicator has a key");
            return (
                format!("{}{}", t.key, &error.key[root_prefix.len()..]),
                message,
            );
        }
    }
    (format!("indicators.{}{rest}", quoted(id)), message)
}
