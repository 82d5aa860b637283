//! `score --db`: a run recorded in the results store (crates/jixiao-store), in one transaction
//! that commits only when every output is written.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, Result};
use jixiao_engine::RuleExtension as _;
use jixiao_rules::ValidRuleSet;
use jixiao_store::{
    FaultSwitch, NewRun, PluginRecord, RuleSetText, RunEnd, RunKind, RunWriter, Status, Store,
    UnitRecord,
};

use crate::batch::{Outcome, Scored, Sink};

/// Where the results store is.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// The results store (a SQLite file, created when absent, readable by you alone): the run is
    /// recorded in it, last year's figures and grades are taken from it (default: $JIXIAO_DB;
    /// no store when neither is given). See docs/store.md.
    #[arg(long, value_name = "FILE", env = "JIXIAO_DB", hide_env_values = true)]
    pub db: Option<PathBuf>,
    /// How long to wait, in seconds, for another run writing the same store before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub db_wait: u64,
}

impl StoreArgs {
    /// The store, opened (created when `create` and absent); `None` without --db.
    pub fn open(&self, create: bool) -> Result<Option<Store>> {
        self.db
            .as_deref()
            .map(|path| {
                Store::open(path, create, Duration::from_secs(self.db_wait)).map_err(Into::into)
            })
            .transpose()
    }

    /// The store, which the command needs.
    pub fn open_required(&self) -> Result<Store> {
        self.open(false)?.ok_or_else(|| {
            anyhow::anyhow!("no results store given: name it with --db FILE (or set JIXIAO_DB)")
        })
    }
}

/// The results store a command reads (`runs`, `history`, `verify`, `export`): it must exist.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadStoreArgs {
    /// The results store (the SQLite file `jixiao score --db` records runs in; default:
    /// $JIXIAO_DB). See docs/cli.md.
    #[arg(long, value_name = "FILE", env = "JIXIAO_DB")]
    pub db: Option<PathBuf>,
    /// How long to wait, in seconds, for another run writing the same store before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub db_wait: u64,
}

impl ReadStoreArgs {
    /// The store, which must exist.
    pub fn open_required(&self) -> Result<Store> {
        StoreArgs {
            db: self.db.clone(),
            db_wait: self.db_wait,
        }
        .open_required()
    }
}

/// The rule-set file and, where it extends another, each parent's: path, SHA-256, text.
pub fn rule_set_texts(path: &Path) -> Result<Vec<RuleSetText>> {
    let mut out = Vec::new();
    let mut path = path.to_path_buf();
    loop {
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let text =
            String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))?;
        let table: toml::Table = text
            .parse()
            .with_context(|| format!("cannot read {}", path.display()))?;
        out.push(RuleSetText {
            depth: out.len() as u32,
            path: path.display().to_string(),
            sha256: crate::round::sha256(text.as_bytes()),
            text,
        });
        match table.get("extends").and_then(|e| e.as_str()) {
            // Loading the rule set has resolved the chain (at most 8 deep, no cycle).
            Some(parent) if out.len() <= jixiao_rules::MAX_DEPTH => {
                path = path.parent().unwrap_or(Path::new("")).join(parent);
            }
            _ => return Ok(out),
        }
    }
}

/// What a `score` run is, to record when it begins.
pub fn new_run(
    rules: &ValidRuleSet,
    rules_path: &Path,
    plugins: &jixiao_plugin_host::Plugins,
    plugin_options: &jixiao_plugin_host::LoadOptions,
    inputs: &[PathBuf],
    out: Option<&Path>,
) -> Result<NewRun> {
    let plugins = plugins
        .provenance()
        .into_iter()
        .map(|p| {
            let path = rules
                .plugins
                .iter()
                .find(|e| e.name == p.name)
                .map(|e| jixiao_plugin_host::library_path(rules_path, e, plugin_options))
                .unwrap_or_default();
            PluginRecord {
                name: p.name,
                version: p.version,
                sha256: p.sha256,
                path: path.display().to_string(),
            }
        })
        .collect();
    let inputs = inputs
        .iter()
        .map(|path| {
            let sha = if path.is_file() {
                Some(
                    jixiao_plugin_host::sha256_file(path)
                        .with_context(|| format!("cannot read {}", path.display()))?,
                )
            } else {
                None
            };
            Ok((path.display().to_string(), sha))
        })
        .collect::<Result<_>>()?;
    Ok(NewRun {
        kind: RunKind::Score,
        started_at: jixiao_store::now(),
        jixiao_version: env!("CARGO_PKG_VERSION").to_owned(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        rule_set_id: rules.id.clone(),
        rule_set_name: rules.name.clone(),
        rule_set_version: rules.version.clone(),
        rule_sets: rule_set_texts(rules_path)?,
        plugins,
        inputs,
        out_dir: out.map(|o| o.display().to_string()),
    })
}

/// A sink that records each submission in the store's open run, then hands it on. The records
/// are written on a thread of their own, beside the summaries.
pub struct Recording<S> {
    pub inner: S,
    sender: Option<std::sync::mpsc::SyncSender<UnitRecord>>,
    recorder: Option<std::thread::JoinHandle<Result<RunWriter, jixiao_store::StoreError>>>,
    end: RunEnd,
}

/// Records waiting for the recording thread.
const QUEUE: usize = 4096;

impl<S> Recording<S> {
    pub fn new(inner: S, store: Store, run: &NewRun) -> Result<Recording<S>> {
        let mut writer = store.begin_run(run, FaultSwitch::from_env())?;
        let (sender, receiver) = std::sync::mpsc::sync_channel::<UnitRecord>(QUEUE);
        let recorder = std::thread::Builder::new()
            .name("store".to_owned())
            .spawn(move || {
                for record in receiver {
                    writer.record(&record)?;
                }
                Ok(writer)
            })
            .context("cannot start the thread that writes the results store")?;
        Ok(Recording {
            inner,
            sender: Some(sender),
            recorder: Some(recorder),
            end: RunEnd::default(),
        })
    }

    /// The writer, once the recording thread has written every record (or why it stopped).
    fn join(&mut self) -> Result<RunWriter> {
        self.sender = None;
        let recorder = self
            .recorder
            .take()
            .expect("the recording thread is joined once");
        match recorder.join() {
            Ok(result) => Ok(result?),
            Err(_) => anyhow::bail!("the thread that writes the results store panicked"),
        }
    }

    /// The sink it wraps, and the open run, once every submission is in.
    pub fn into_parts(mut self) -> Result<(S, Open)> {
        let writer = self.join()?;
        Ok((
            self.inner,
            Open {
                writer,
                end: self.end,
            },
        ))
    }
}

/// A run recorded and not committed yet.
pub struct Open {
    writer: RunWriter,
    end: RunEnd,
}

impl Open {
    /// Keeps the files the run wrote into `dir` (the summaries, named relative to it) and
    /// commits the run; returns its number.
    pub fn commit(mut self, dir: Option<&Path>, files: &[String]) -> Result<i64> {
        if let Some(dir) = dir {
            for name in files {
                let path = dir.join(name);
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read back {}", path.display()))?;
                self.writer.add_file(name, &bytes)?;
            }
        }
        let (_, run) = self.writer.commit(self.end)?;
        Ok(run)
    }
}

impl<S: Sink> Sink for Recording<S> {
    fn accept(&mut self, mut scored: Scored) -> Result<()> {
        let kind = scored
            .submission
            .as_ref()
            .map(|s| s.kind.label().to_owned());
        let sha = scored
            .submission
            .as_ref()
            .map(|s| s.sha256.clone())
            .filter(|s| !s.is_empty());
        let record = match (&scored.result, scored.record.take()) {
            (Outcome::Scored(..), Some(record)) => {
                self.end.scored += 1;
                record
            }
            (Outcome::Scored(..), None) => {
                unreachable!("a scored unit has its record when the run is recorded")
            }
            (Outcome::Failed(failed), _) => {
                self.end.failed += 1;
                UnitRecord::not_scored(
                    scored.source.clone(),
                    kind,
                    sha,
                    scored.read.as_ref().map(|r| &r.0),
                    Status::Failed,
                    failed.message.clone(),
                )
            }
            (Outcome::Duplicate(duplicate), _) => {
                self.end.duplicates += 1;
                UnitRecord::not_scored(
                    scored.source.clone(),
                    kind,
                    sha,
                    scored.read.as_ref().map(|r| &r.0),
                    Status::Duplicate,
                    format!("{} 代替", duplicate.kept),
                )
            }
        };
        let sent = self
            .sender
            .as_ref()
            .expect("records are sent until the recording is joined")
            .send(record);
        if sent.is_err() {
            // The recording thread stopped on an error: say it.
            self.join()?;
            anyhow::bail!("the thread that writes the results store stopped early");
        }
        self.inner.accept(scored)
    }
}
