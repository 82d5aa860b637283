//! The plugin host: loads the rule plugins a rule set lists and runs them as a
//! [`RuleExtension`] of the engine.
//!
//! For each `[[plugins]]` entry, in this order: the library's SHA-256 is computed and compared
//! with the pin (an unpinned library is refused unless [`LoadOptions::allow_unpinned`]); the
//! library is opened and never unloaded; the handshake symbol is called and its ABI version
//! checked before any other symbol is looked up; the manifest's name must match the entry's; each
//! rule the rule set uses must be offered, and its parameters are checked against the manifest
//! and by the plugin itself. Every error names the rule set and the plugin.
//!
//! At scoring time a rule that fails, panics or answers with malformed bytes on one unit becomes
//! an error finding on that unit; the batch goes on.
//!
//! The crate denies `unsafe_code` like the rest of the workspace, except in one module,
//! `ffi` (`src/ffi.rs`): opening libraries and calling across the ABI. Each unsafe block there
//! says why it is sound.

mod elf;
mod ffi;

use std::path::{Path, PathBuf};

use jixiao_engine::{
    AdjustmentRequest, Contribution, Effects, Figure, Finding, PluginRef, RuleExtension, RuleId,
    ScoredIndicator, Severity,
};
use jixiao_model::SelfEvaluation;
use jixiao_plugin_api::wire::{self, Manifest, ParamSpec, Part, Response};
use jixiao_plugin_api::{ABI_VERSION, ParamKind, WIRE_FORMAT};
use jixiao_rules::{PluginEntry, RuleSet};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use ffi::{Library, open};

/// How plugins are found and trusted.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Load a library the rule set does not pin with a `sha256`.
    pub allow_unpinned: bool,
    /// Look for each library in this directory (by its file name) instead of at its path.
    pub plugin_dir: Option<PathBuf>,
}

/// Why a rule set's plugins cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("rule set {}: plugin `{plugin}`: {problem}", rule_set.display())]
pub struct HostError {
    pub rule_set: PathBuf,
    pub plugin: String,
    pub problem: Box<Problem>,
}

/// What is wrong with one plugin.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("cannot read library {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "library {} has SHA-256 {found}, but the rule set pins {expected}; refusing to load it (rebuilt? check it, then `jixiao plugin pin` the rule set)",
        path.display()
    )]
    HashMismatch {
        path: PathBuf,
        expected: String,
        found: String,
    },
    #[error(
        "library {} is not pinned; check it and add `sha256 = \"{found}\"` to the entry (`jixiao plugin pin` the rule set does it), or pass --allow-unpinned",
        path.display()
    )]
    Unpinned { path: PathBuf, found: String },
    #[error("cannot read library {}: it is {what}, not a regular file", path.display())]
    NotAFile { path: PathBuf, what: &'static str },
    #[error(
        "cannot read library {}: it has {size} bytes, more than the {MAX_LIBRARY_BYTES} a plugin may have",
        path.display()
    )]
    TooLarge { path: PathBuf, size: u64 },
    #[error("cannot load library {}: {message}", path.display())]
    Damaged { path: PathBuf, message: String },
    #[error("cannot load library {}: {message}", path.display())]
    Open { path: PathBuf, message: String },
    #[error("library {} does not export `{symbol}`: {message}", path.display())]
    MissingSymbol {
        path: PathBuf,
        symbol: &'static str,
        message: String,
    },
    #[error(
        "library {} speaks plugin ABI {found}, but this jixiao speaks ABI {ABI_VERSION}; rebuild it against jixiao-plugin-api for ABI {ABI_VERSION}",
        path.display()
    )]
    AbiMismatch { path: PathBuf, found: u32 },
    #[error("library {}: bad handshake manifest: {message}", path.display())]
    BadManifest { path: PathBuf, message: String },
    #[error("the library declares itself `{declared}`; the rule set must name it so")]
    NameMismatch { declared: String },
    #[error("{name} v{version} offers no rule `{rule}` (it offers: {offered})")]
    UnknownRule {
        name: String,
        version: String,
        rule: String,
        offered: String,
    },
    #[error("rule `{rule}`: bad parameters: {message}")]
    BadParams { rule: String, message: String },
}

/// The SHA-256 of a file, as 64 lowercase hex digits.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// The most bytes a plugin library may have: 512 MiB (the four plugins have a few MiB).
pub const MAX_LIBRARY_BYTES: u64 = 512 * 1024 * 1024;

/// What a file that is not a regular one is, for messages.
fn file_kind(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// A library's bytes, read once: only a regular file (symbolic links followed), at most
/// [`MAX_LIBRARY_BYTES`], and (where libraries are ELF) a whole shared object whose every
/// segment lies inside the file, so that the system loader never maps past its end.
fn read_library(path: &Path) -> Result<Vec<u8>, Problem> {
    use std::io::Read;
    let read_error = |source| Problem::Read {
        path: path.to_owned(),
        source,
    };
    let regular = |meta: &std::fs::Metadata| -> Result<(), Problem> {
        if meta.is_file() {
            Ok(())
        } else {
            Err(Problem::NotAFile {
                path: path.to_owned(),
                what: file_kind(meta.file_type()),
            })
        }
    };
    // Before opening: opening a FIFO waits for a writer, and a device never ends.
    regular(&std::fs::metadata(path).map_err(read_error)?)?;
    let file = std::fs::File::open(path).map_err(read_error)?;
    let meta = file.metadata().map_err(read_error)?;
    regular(&meta)?;
    if meta.len() > MAX_LIBRARY_BYTES {
        return Err(Problem::TooLarge {
            path: path.to_owned(),
            size: meta.len(),
        });
    }
    let mut bytes = Vec::new();
    file.take(MAX_LIBRARY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_LIBRARY_BYTES {
        return Err(Problem::TooLarge {
            path: path.to_owned(),
            size: bytes.len() as u64,
        });
    }
    if cfg!(all(unix, not(target_vendor = "apple")))
        && let Some(message) = elf::problem(&bytes)
    {
        return Err(Problem::Damaged {
            path: path.to_owned(),
            message,
        });
    }
    Ok(bytes)
}

/// Opens a private copy of `bytes` (the library at `path`): the bytes loaded are the ones read,
/// hashed and checked, and the path given to the loader is never a bare name the system would
/// look up in its library path. The copy never outlives the process: on Linux it is an unnamed
/// temporary file opened through `/proc/self/fd` (kept open, as the library is never unloaded);
/// elsewhere a file in a private directory removed once the library is open.
fn open_private(bytes: &[u8], path: &Path) -> Result<(Manifest, Library), Problem> {
    use std::io::Write;
    let read_error = |source| Problem::Read {
        path: path.to_owned(),
        source,
    };
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let mut file = tempfile::tempfile().map_err(read_error)?;
        file.write_all(bytes).map_err(read_error)?;
        let by_fd = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
        if by_fd.exists() {
            let opened = open(&by_fd, path);
            // Kept open for the life of the process: the library stays mapped from it, and its
            // descriptor's number (the name the loader knows it by) is never reused for another.
            std::mem::forget(file);
            return opened;
        }
    }
    let private = tempfile::Builder::new()
        .prefix("jixiao-plugin-")
        .tempdir()
        .map_err(read_error)?;
    let copy = private
        .path()
        .join(path.file_name().unwrap_or(path.as_os_str()));
    std::fs::File::create(&copy)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(read_error)?;
    let opened = open(&copy, path);
    // Once loaded, the copy is no longer needed on disk (where the system allows removing a
    // loaded library; elsewhere the temporary directory is left for the system to clean).
    drop(private);
    opened
}

/// The library file of an entry: its path relative to the rule set's directory (or its file
/// name in `plugin_dir`), with the platform's `lib….so` / `lib….dylib` / `….dll` naming applied
/// when the path has no extension.
pub fn library_path(rule_set: &Path, entry: &PluginEntry, options: &LoadOptions) -> PathBuf {
    let written = Path::new(&entry.path);
    let mut path = match &options.plugin_dir {
        Some(dir) => dir.join(written.file_name().unwrap_or(written.as_os_str())),
        None => rule_set.parent().unwrap_or(Path::new(".")).join(written),
    };
    if path.extension().is_none()
        && let Some(stem) = path.file_name().map(|s| s.to_string_lossy().into_owned())
    {
        path.set_file_name(format!(
            "{}{stem}{}",
            std::env::consts::DLL_PREFIX,
            std::env::consts::DLL_SUFFIX
        ));
    }
    path
}

/// A rule of a loaded plugin, with its request prefix ready.
#[derive(Debug)]
struct ConfiguredRule {
    name: String,
    /// `{"format":1,"op":"evaluate","rule":…,"params":{…},"unit":`, spliced into every request.
    prefix: Vec<u8>,
    /// The parts of the unit the rule declared it reads (`needs`); `None`: the whole unit and
    /// the leaves.
    parts: Option<Vec<Part>>,
}

impl ConfiguredRule {
    fn reads(&self, part: Part) -> bool {
        self.parts.as_ref().is_none_or(|p| p.contains(&part))
    }
}

/// A loaded plugin.
#[derive(Debug)]
struct Loaded {
    name: String,
    version: String,
    sha256: String,
    library: Library,
    rules: Vec<ConfiguredRule>,
}

/// What an opened library says of itself.
#[derive(Debug, Clone)]
pub struct Inspected {
    pub path: PathBuf,
    pub sha256: String,
    pub manifest: Manifest,
}

/// Hashes, opens and handshakes one library, with no pin and no rule set: for `jixiao plugin`.
pub fn inspect(path: &Path) -> Result<Inspected, Problem> {
    let bytes = read_library(path)?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let (manifest, _) = open_private(&bytes, path)?;
    Ok(Inspected {
        path: path.to_owned(),
        sha256,
        manifest,
    })
}

impl Library {
    fn request(self, request: &[u8]) -> Result<Response, String> {
        let response: Response = self.call(request, |bytes| {
            serde_json::from_slice(bytes)
                .map_err(|e| format!("malformed response ({} bytes): {e}", bytes.len()))
        })?;
        if response.format != WIRE_FORMAT {
            return Err(format!(
                "response in wire format {}, expected {WIRE_FORMAT}",
                response.format
            ));
        }
        Ok(response)
    }
}

/// The plugins of a rule set, loaded and checked.
#[derive(Debug, Default)]
pub struct Plugins {
    loaded: Vec<Loaded>,
    /// Plugins that could not be loaded (see [`Plugins::load_or_report`]): name, rules, why.
    broken: Vec<(String, Vec<String>, String)>,
}

impl Plugins {
    /// Loads every plugin `rules` lists; `rules_path` is the rule-set file (paths are relative to
    /// it, and errors name it).
    pub fn load(
        rules: &RuleSet,
        rules_path: &Path,
        options: &LoadOptions,
    ) -> Result<Plugins, HostError> {
        let mut loaded = Vec::with_capacity(rules.plugins.len());
        let leaves = leaf_ids(rules);
        for entry in &rules.plugins {
            let plugin =
                load_one(entry, rules_path, options, &leaves).map_err(|problem| HostError {
                    rule_set: rules_path.to_owned(),
                    plugin: entry.name.clone(),
                    problem: Box::new(problem),
                })?;
            loaded.push(plugin);
        }
        Ok(Plugins {
            loaded,
            broken: Vec::new(),
        })
    }

    /// Loads what can be loaded. A plugin that cannot is left out, its error returned, and every
    /// unit scored gets an error finding for each of its rules, so a batch is not stopped by one
    /// bad library and no scorecard silently lacks a rule.
    pub fn load_or_report(
        rules: &RuleSet,
        rules_path: &Path,
        options: &LoadOptions,
    ) -> (Plugins, Vec<HostError>) {
        let mut plugins = Plugins::default();
        let mut errors = Vec::new();
        let leaves = leaf_ids(rules);
        for entry in &rules.plugins {
            match load_one(entry, rules_path, options, &leaves) {
                Ok(plugin) => plugins.loaded.push(plugin),
                Err(problem) => {
                    let error = HostError {
                        rule_set: rules_path.to_owned(),
                        plugin: entry.name.clone(),
                        problem: Box::new(problem),
                    };
                    plugins.broken.push((
                        entry.name.clone(),
                        entry.rules.iter().map(|r| r.rule.clone()).collect(),
                        format!("the plugin was not loaded: {}", error.problem),
                    ));
                    errors.push(error);
                }
            }
        }
        (plugins, errors)
    }

    pub fn is_empty(&self) -> bool {
        self.loaded.is_empty() && self.broken.is_empty()
    }
}

/// The ids of the rule set's leaves, in tree order: what a [`ParamSpec::leaf`] parameter may name.
/// A leaf over the unit's own rows is left out: it scores as a group of its rows, which no
/// adjustment can name.
fn leaf_ids(rules: &RuleSet) -> Vec<&str> {
    fn walk<'a>(nodes: &'a [jixiao_rules::Indicator], out: &mut Vec<&'a str>) {
        for node in nodes {
            if node.is_leaf() {
                if matches!(node.input, Some(jixiao_rules::Input::Rows(_))) {
                    continue;
                }
                out.push(&node.id);
            } else {
                walk(&node.children, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&rules.indicators, &mut out);
    out
}

/// The edit distance (insertions, deletions, substitutions of characters) between two strings.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Why `value` of the leaf parameter `name` names no leaf, with the nearest ids.
fn no_such_leaf(name: &str, value: &str, leaves: &[&str]) -> String {
    let mut nearest: Vec<(usize, &str)> =
        leaves.iter().map(|id| (distance(value, id), *id)).collect();
    nearest.sort();
    let shown: Vec<String> = nearest
        .iter()
        .take(3)
        .map(|(_, id)| format!("`{id}`"))
        .collect();
    format!(
        "`{name}` = \"{value}\" names no leaf of the rule set's indicator tree; the nearest: {}",
        if shown.is_empty() {
            "none (the rule set has no leaves)".to_owned()
        } else {
            shown.join(", ")
        }
    )
}

fn load_one(
    entry: &PluginEntry,
    rules_path: &Path,
    options: &LoadOptions,
    leaves: &[&str],
) -> Result<Loaded, Problem> {
    let path = library_path(rules_path, entry, options);
    // The bytes are read once: the ones hashed are the ones loaded (from a private copy), so the
    // file cannot be swapped between the check and the load.
    let bytes = read_library(&path)?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    match &entry.sha256 {
        Some(expected) if *expected != sha256 => {
            return Err(Problem::HashMismatch {
                path,
                expected: expected.clone(),
                found: sha256,
            });
        }
        None if !options.allow_unpinned => {
            return Err(Problem::Unpinned {
                path,
                found: sha256,
            });
        }
        _ => {}
    }
    let (manifest, library) = open_private(&bytes, &path)?;
    if manifest.name != entry.name {
        return Err(Problem::NameMismatch {
            declared: manifest.name,
        });
    }
    let mut rules = Vec::with_capacity(entry.rules.len());
    for wanted in &entry.rules {
        let Some(spec) = manifest.rules.iter().find(|r| r.name == wanted.rule) else {
            return Err(Problem::UnknownRule {
                name: manifest.name.clone(),
                version: manifest.version.clone(),
                rule: wanted.rule.clone(),
                offered: manifest
                    .rules
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let bad = |message: String| Problem::BadParams {
            rule: wanted.rule.clone(),
            message,
        };
        let params = params_json(&wanted.params, &spec.params, leaves).map_err(bad)?;
        let name_json = serde_json::to_string(&wanted.rule).expect("a string serialises");
        let request = format!(
            r#"{{"format":{WIRE_FORMAT},"op":"check_params","rule":{name_json},"params":{}}}"#,
            params.get()
        );
        library.request(request.as_bytes()).map_err(bad)?;
        let prefix = format!(
            r#"{{"format":{WIRE_FORMAT},"op":"evaluate","rule":{name_json},"params":{},"unit":"#,
            params.get()
        );
        rules.push(ConfiguredRule {
            name: wanted.rule.clone(),
            prefix: prefix.into_bytes(),
            parts: wire::parts(spec.needs.as_deref()),
        });
    }
    Ok(Loaded {
        name: manifest.name,
        version: manifest.version,
        sha256,
        library,
        rules,
    })
}

/// The rule set's params as wire JSON, checked against the manifest: known names, required ones
/// present, each of its kind, and a leaf parameter naming one of `leaves`. TOML floats become
/// decimal strings (never JSON floats).
fn params_json(
    table: &toml::Table,
    specs: &[ParamSpec],
    leaves: &[&str],
) -> Result<Box<RawValue>, String> {
    let mut object = serde_json::Map::new();
    for (name, value) in table {
        let Some(spec) = specs.iter().find(|s| s.name == *name) else {
            let known: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
            return Err(format!(
                "unknown parameter `{name}` (the rule takes: {})",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ));
        };
        let json = match (spec.kind, value) {
            (ParamKind::Decimal, toml::Value::Float(f)) => {
                let decimal: rust_decimal::Decimal = f
                    .to_string()
                    .parse()
                    .map_err(|_| format!("`{name}`: {f} is not a decimal number"))?;
                serde_json::Value::String(decimal.to_string())
            }
            (ParamKind::Decimal, toml::Value::Integer(i)) => {
                serde_json::Value::String(i.to_string())
            }
            (ParamKind::Integer, toml::Value::Integer(i)) => serde_json::Value::from(*i),
            (ParamKind::String, toml::Value::String(s)) => {
                if spec.leaf && !leaves.contains(&s.as_str()) {
                    return Err(no_such_leaf(name, s, leaves));
                }
                serde_json::Value::String(s.clone())
            }
            (ParamKind::Bool, toml::Value::Boolean(b)) => serde_json::Value::Bool(*b),
            (ParamKind::Strings, toml::Value::Array(items))
                if items.iter().all(toml::Value::is_str) =>
            {
                serde_json::Value::Array(
                    items
                        .iter()
                        .filter_map(|v| v.as_str().map(|s| serde_json::Value::String(s.into())))
                        .collect(),
                )
            }
            (kind, value) => {
                return Err(format!(
                    "`{name}` must be {}, found {} `{value}`",
                    kind_name(kind),
                    value.type_str()
                ));
            }
        };
        object.insert(name.clone(), json);
    }
    if let Some(missing) = specs
        .iter()
        .find(|s| s.required && !table.contains_key(&s.name))
    {
        return Err(format!("missing required parameter `{}`", missing.name));
    }
    let text = serde_json::to_string(&object).expect("JSON values serialise");
    Ok(RawValue::from_string(text).expect("serde_json wrote valid JSON"))
}

fn kind_name(kind: ParamKind) -> &'static str {
    match kind {
        ParamKind::Decimal => "a number",
        ParamKind::Integer => "an integer",
        ParamKind::String => "a string",
        ParamKind::Bool => "true or false",
        ParamKind::Strings => "an array of strings",
    }
}

/// A leaf as [`wire::Leaf`] writes it, borrowed from the scored tree.
#[derive(serde::Serialize)]
struct LeafRef<'a> {
    id: &'a str,
    name: &'a str,
    points: rust_decimal::Decimal,
    score: rust_decimal::Decimal,
}

fn leaves<'a>(nodes: &'a [ScoredIndicator], out: &mut Vec<LeafRef<'a>>) {
    for node in nodes {
        if node.children.is_empty() {
            out.push(LeafRef {
                id: &node.id,
                name: &node.name,
                points: node.points,
                score: node.score,
            });
        } else {
            leaves(&node.children, out);
        }
    }
}

/// The parts of one unit, each serialised once and spliced into the request of every rule that
/// reads it.
struct Written {
    bytes: Vec<u8>,
    /// Where each part is in `bytes` (indexed by `Part as usize`); `None`: not written, or left
    /// out as the model's serialisation leaves it out.
    parts: [Option<std::ops::Range<usize>>; Part::ALL.len()],
    /// The whole unit, for rules that declared no `needs`.
    whole: Option<std::ops::Range<usize>>,
}

impl Written {
    fn new<'r>(
        unit: &SelfEvaluation,
        indicators: &[ScoredIndicator],
        rules: impl Iterator<Item = &'r ConfiguredRule> + Clone,
        mut bytes: Vec<u8>,
    ) -> Written {
        bytes.clear();
        let mut written = Written {
            bytes,
            parts: Default::default(),
            whole: None,
        };
        let rules = || rules.clone();
        for part in Part::ALL {
            if !rules().any(|r| r.parts.as_ref().is_some_and(|p| p.contains(&part))) {
                continue;
            }
            let start = written.bytes.len();
            if part == Part::Leaves {
                let mut list = Vec::new();
                leaves(indicators, &mut list);
                serde_json::to_writer(&mut written.bytes, &list).expect("leaves serialise");
            } else if !part.write(unit, &mut written.bytes) {
                continue;
            }
            written.parts[part as usize] = Some(start..written.bytes.len());
        }
        if rules().any(|r| r.parts.is_none()) {
            let start = written.bytes.len();
            serde_json::to_writer(&mut written.bytes, unit).expect("a unit always serialises");
            written.whole = Some(start..written.bytes.len());
            if written.parts[Part::Leaves as usize].is_none() {
                let start = written.bytes.len();
                let mut list = Vec::new();
                leaves(indicators, &mut list);
                serde_json::to_writer(&mut written.bytes, &list).expect("leaves serialise");
                written.parts[Part::Leaves as usize] = Some(start..written.bytes.len());
            }
        }
        written
    }

    fn part(&self, part: Part) -> Option<&[u8]> {
        self.parts[part as usize].clone().map(|r| &self.bytes[r])
    }

    /// The `evaluate` request of one rule, in `out`.
    fn request(&self, rule: &ConfiguredRule, out: &mut Vec<u8>) {
        out.clear();
        out.extend_from_slice(&rule.prefix);
        match &rule.parts {
            None => {
                let whole = self.whole.clone().expect("written for rules without needs");
                out.extend_from_slice(&self.bytes[whole]);
            }
            Some(parts) => {
                out.push(b'{');
                let mut first = true;
                for bytes in parts
                    .iter()
                    .filter_map(|&p| self.part(p).filter(|_| p != Part::Leaves))
                {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    out.extend_from_slice(bytes);
                }
                out.push(b'}');
            }
        }
        if rule.reads(Part::Leaves) {
            out.extend_from_slice(br#","leaves":"#);
            out.extend_from_slice(self.part(Part::Leaves).unwrap_or(b"[]"));
        }
        out.push(b'}');
    }
}

fn convert(plugin: &str, rule: &str, response: Response) -> Effects {
    let source = RuleId::Plugin {
        plugin: plugin.to_owned(),
        rule: rule.to_owned(),
    };
    Effects {
        findings: response
            .findings
            .into_iter()
            .map(|f| Finding {
                rule: source.clone(),
                severity: match f.severity {
                    wire::Severity::Hard => Severity::Hard,
                    wire::Severity::Soft => Severity::Soft,
                },
                indicator: f.indicator,
                message: f.message,
                figures: f
                    .figures
                    .into_iter()
                    .map(|g| Figure::new(g.label, g.value, g.unit))
                    .collect(),
            })
            .collect(),
        adjustments: response
            .adjustments
            .into_iter()
            .map(|a| AdjustmentRequest {
                indicator: a.indicator,
                delta: a.delta,
                reason: a.reason,
            })
            .collect(),
    }
}

impl RuleExtension for Plugins {
    fn provenance(&self) -> Vec<PluginRef> {
        self.loaded
            .iter()
            .map(|p| PluginRef {
                name: p.name.clone(),
                version: p.version.clone(),
                sha256: p.sha256.clone(),
                rules: p.rules.iter().map(|r| r.name.clone()).collect(),
            })
            .collect()
    }

    fn extend(&self, unit: &SelfEvaluation, indicators: &[ScoredIndicator]) -> Vec<Contribution> {
        let mut out: Vec<Contribution> = self
            .broken
            .iter()
            .flat_map(|(name, rules, why)| {
                rules.iter().map(|rule| Contribution {
                    source: name.clone(),
                    rule: rule.clone(),
                    outcome: Err(why.clone()),
                })
            })
            .collect();
        if self.loaded.is_empty() {
            return out;
        }
        // Each part of the unit a rule reads is written once per unit and spliced into the
        // request of every rule that reads it; a rule that declared no `needs` gets the whole
        // unit and the leaves.
        let rules = self.loaded.iter().flat_map(|p| &p.rules);
        // Two buffers per thread, reused from unit to unit.
        thread_local! {
            static BUFFERS: std::cell::RefCell<(Vec<u8>, Vec<u8>)> = Default::default();
        }
        let (bytes, mut request) = BUFFERS.with_borrow_mut(std::mem::take);
        let written = Written::new(unit, indicators, rules, bytes);
        for plugin in &self.loaded {
            for rule in &plugin.rules {
                written.request(rule, &mut request);
                let outcome = plugin
                    .library
                    .request(&request)
                    .map(|response| convert(&plugin.name, &rule.name, response));
                out.push(Contribution {
                    source: plugin.name.clone(),
                    rule: rule.name.clone(),
                    outcome,
                });
            }
        }
        BUFFERS.with_borrow_mut(|buffers| *buffers = (written.bytes, request));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_model::CheckedUnit;

    fn units() -> Vec<CheckedUnit> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/units");
        let mut units = Vec::new();
        for kind in ["department", "project"] {
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(kind))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            units.extend(files.iter().map(|f| SelfEvaluation::load(f).unwrap()));
        }
        units
    }

    fn scored(unit: &CheckedUnit) -> Vec<ScoredIndicator> {
        let kind = match unit.unit.kind {
            jixiao_model::EvaluationKind::Department => "hunan-department-plugins.toml",
            jixiao_model::EvaluationKind::Project => "national-project-plugins.toml",
        };
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../configs")
            .join(kind);
        let (rules, _) = RuleSet::load(&path).unwrap();
        jixiao_engine::score_with(unit, &rules, &Default::default())
            .unwrap()
            .indicators
    }

    fn rule(needs: Option<&[&str]>) -> ConfiguredRule {
        let needs: Option<Vec<String>> = needs.map(|n| n.iter().map(|s| (*s).to_owned()).collect());
        ConfiguredRule {
            name: "r".into(),
            prefix: br#"{"format":1,"op":"evaluate","rule":"r","params":{},"unit":"#.to_vec(),
            parts: wire::parts(needs.as_deref()),
        }
    }

    /// The request of `rule` for `unit`, as JSON, with the other rules in the same batch.
    fn request(
        unit: &CheckedUnit,
        rule: &ConfiguredRule,
        others: &[ConfiguredRule],
    ) -> serde_json::Value {
        let indicators = scored(unit);
        let written = Written::new(unit, &indicators, others.iter().chain([rule]), Vec::new());
        let mut out = Vec::new();
        written.request(rule, &mut out);
        serde_json::from_slice(&out).unwrap()
    }

    fn keys(value: &serde_json::Value) -> Vec<&str> {
        let mut keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn a_rule_that_declares_nothing_gets_the_whole_unit_and_the_leaves() {
        let others = [rule(Some(&["narrative"]))];
        for unit in units() {
            let sent = request(&unit, &rule(None), &others);
            assert_eq!(sent["unit"], serde_json::to_value(&unit).unwrap());
            let leaves: Vec<wire::Leaf> = serde_json::from_value(sent["leaves"].clone()).unwrap();
            assert!(!leaves.is_empty());
            assert_eq!(
                keys(&sent),
                ["format", "leaves", "op", "params", "rule", "unit"]
            );
        }
    }

    #[test]
    fn a_rule_that_declares_needs_gets_only_those_parts() {
        let others = [rule(None), rule(Some(&["goals", "leaves"]))];
        for unit in units() {
            let sent = request(&unit, &rule(Some(&["narrative"])), &others);
            assert_eq!(keys(&sent["unit"]), ["budget", "narrative", "unit"]);
            assert_eq!(sent.get("leaves"), None);
            let read: SelfEvaluation = serde_json::from_value(sent["unit"].clone()).unwrap();
            assert_eq!(read, wire::project(&unit, &[Part::Narrative]));
            assert_eq!(read.narrative, unit.narrative);
            assert!(read.indicators.is_empty() && read.goals.is_empty());

            let sent = request(&unit, &rule(Some(&["indicators", "leaves"])), &others);
            let read: SelfEvaluation = serde_json::from_value(sent["unit"].clone()).unwrap();
            assert_eq!(read.indicators, unit.indicators);
            assert_eq!(read.narrative, Default::default());
            assert_eq!(sent["leaves"], request_leaves(&unit));
        }
    }

    #[test]
    fn a_part_this_host_does_not_know_gets_the_whole_unit() {
        for unit in units().iter().take(1) {
            let sent = request(unit, &rule(Some(&["narrative", "future_part"])), &[]);
            assert_eq!(sent["unit"], serde_json::to_value(unit).unwrap());
            assert!(sent["leaves"].is_array());
        }
    }

    fn request_leaves(unit: &CheckedUnit) -> serde_json::Value {
        let indicators = scored(unit);
        let mut list = Vec::new();
        leaves(&indicators, &mut list);
        serde_json::to_value(&list).unwrap()
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_file_that_is_no_library_is_refused_before_the_system_loads_it() {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), b"not a library").unwrap();
        match inspect(file.path()) {
            Err(Problem::Damaged { message, .. }) => {
                assert!(message.contains("no ELF signature"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    #[cfg(unix)]
    fn a_device_or_a_pipe_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("libzero.so");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        match inspect(&link) {
            Err(e @ Problem::NotAFile { .. }) => assert_eq!(
                e.to_string(),
                format!(
                    "cannot read library {}: it is a character device, not a regular file",
                    link.display()
                )
            ),
            other => panic!("{other:?}"),
        }
        match inspect(dir.path()) {
            Err(Problem::NotAFile { what, .. }) => assert_eq!(what, "a directory"),
            other => panic!("{other:?}"),
        }
    }
}
