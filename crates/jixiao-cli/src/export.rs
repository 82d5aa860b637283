//! `jixiao export --db FILE --run N --out DIR [--scorecards]`: the files a run kept (its
//! summaries, 退回清单 and round.jsonl: what `score --out` wrote besides the scorecards) written
//! again into DIR, byte for byte as the run wrote them; with `--scorecards`, each scored unit's
//! scorecard JSON from the store as well. DIR is written whole, beside and then swapped in (as
//! `score --out` writes), and must be new or empty.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};

use crate::output::{self, OutputDir};
use crate::store::ReadStoreArgs;
use crate::term::info;

/// `jixiao export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    store: ReadStoreArgs,
    /// The run's number (`jixiao runs` lists them).
    #[arg(long, value_name = "N")]
    run: i64,
    /// The folder to write into: new, or empty.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// Also write each scored unit's scorecard (scorecards/NAME.json, as the store holds it).
    #[arg(long)]
    scorecards: bool,
}

/// A kept file's name as a path under the output folder: relative, with no `..`.
fn relative(name: &str) -> Result<PathBuf> {
    let path = PathBuf::from(name);
    if name.is_empty()
        || path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        bail!("the store keeps a file named {name:?}, which is no path inside a folder");
    }
    Ok(path)
}

/// Refuses DIR unless it is new or an empty folder.
fn check_new_or_empty(dir: &Path) -> Result<()> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot use {}", dir.display())),
        Ok(meta) if meta.is_dir() => {
            let mut entries =
                std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
            if entries.next().is_some() {
                bail!(
                    "--out {} is not empty: export writes into a new or empty folder only",
                    dir.display()
                );
            }
            Ok(())
        }
        Ok(_) => bail!(
            "--out {} is not a folder: give a new or empty folder",
            dir.display()
        ),
    }
}

pub fn run(args: &ExportArgs) -> Result<ExitCode> {
    let store = args.store.open_required()?;
    let detail = store.run(args.run)?;
    let files = store.run_files(args.run)?;
    if files.is_empty() && !args.scorecards {
        bail!(
            "run {} kept no files: it was {} without --out (`jixiao export --scorecards` writes \
             its scorecards from the store)",
            args.run,
            if detail.summary.kind == "import" {
                "imported"
            } else {
                "scored"
            }
        );
    }
    check_new_or_empty(&args.out)?;
    let dir = OutputDir::prepare(&args.out, &[])?;
    let mut written = Vec::new();
    for file in &files {
        let path = dir.path().join(relative(&file.name)?);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        output::write_atomic(&path, &file.content)?;
        written.push(file.name.clone());
    }
    let mut cards = 0usize;
    if args.scorecards {
        // The names the run gave its scorecards, from its round.jsonl where it kept one.
        let mut named: HashMap<String, String> = HashMap::new();
        if let Some(record) = files.iter().find(|f| f.name == crate::resubmit::RECORD) {
            for line in String::from_utf8_lossy(&record.content).lines() {
                if let Ok(r) = serde_json::from_str::<crate::resubmit::Record>(line)
                    && let Some(name) = r.scorecard
                {
                    named.entry(r.source).or_insert(name);
                }
            }
        }
        let mut names = output::Names::default();
        let folder = dir.path().join("scorecards");
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        store.units_of_run(args.run, |unit| -> Result<()> {
            let Some(card) = unit.scorecard else {
                return Ok(());
            };
            let stem = Path::new(&unit.source)
                .file_stem()
                .map_or_else(|| "unit".to_owned(), |s| s.to_string_lossy().into_owned());
            let name = named
                .get(&unit.source)
                .cloned()
                .unwrap_or_else(|| names.unique(&stem));
            let file = format!("scorecards/{name}.json");
            output::write_atomic_unsynced(&dir.path().join(relative(&file)?), card + "\n")?;
            written.push(file);
            cards += 1;
            Ok(())
        })?;
    }
    dir.commit(written.iter().cloned())?;
    info!(
        "wrote {} file(s) of run {}{} to {}",
        files.len(),
        args.run,
        if args.scorecards {
            format!(" and {cards} scorecard(s)")
        } else {
            String::new()
        },
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
