//! Finding the units named on the command line: unit files (TOML), filled forms (.xlsx, written
//! by `jixiao form`), directories of them, and JSON Lines files of units (one unit per line, the
//! model as JSON).

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use jixiao_ingest::{Ingested, Vocabulary};
use jixiao_model::{CheckedUnit, SelfEvaluation};
use jixiao_rules::RuleSet;

/// One unit to score: a unit file, or one line of a JSON Lines file.
#[derive(Debug)]
pub enum Job {
    File(PathBuf),
    Line {
        path: Arc<Path>,
        /// 1-based line number.
        line: usize,
        text: String,
    },
}

impl Job {
    /// Where the unit came from, for messages and summaries: `path` or `path:line`.
    pub fn source(&self) -> String {
        match self {
            Job::File(path) => path.display().to_string(),
            Job::Line { path, line, .. } => format!("{}:{line}", path.display()),
        }
    }

    /// A file-name stem for this unit's outputs.
    pub fn stem(&self) -> String {
        let stem = |p: &Path| {
            p.file_stem()
                .map_or_else(|| "unit".to_owned(), |s| s.to_string_lossy().into_owned())
        };
        match self {
            Job::File(path) => stem(path),
            Job::Line { path, line, .. } => format!("{}-{line:06}", stem(path)),
        }
    }

    /// Reads and parses the unit (a report is read as `jixiao ingest` reads it, by `vocabulary`,
    /// and comes with what was read from where); the error names the file (and line) and the key.
    pub fn load(&self, vocabulary: &Vocabulary) -> Result<Loaded, String> {
        self.load_with(None, vocabulary)
    }

    /// As [`Job::load`]; a filled form (.xlsx) is read cell by cell, and what the reader noted
    /// (amounts typed as text...) comes back as warnings, with, when `rules` is given, what
    /// changed since the rule-set version the form was made for (else that version).
    /// Every reader returns a [`CheckedUnit`]: every figure is checked as it is read, whichever
    /// way (a report may say "-69.16万元"), and the error names where it was read.
    pub fn load_with(
        &self,
        rules: Option<&RuleSet>,
        vocabulary: &Vocabulary,
    ) -> Result<Loaded, String> {
        match self {
            Job::File(path) if jixiao_forms::is_form(path) => {
                let filled = jixiao_forms::read_form(path).map_err(|e| e.to_string())?;
                let mut lines: Vec<String> = filled
                    .notes
                    .iter()
                    .map(|n| format!("warning: {n}"))
                    .collect();
                match rules {
                    Some(rules) => lines.extend(
                        filled
                            .origin
                            .changes(rules)
                            .into_iter()
                            .map(|c| format!("warning: {}: {c}", path.display())),
                    ),
                    None => lines.push(format!(
                        "note: {}: a form for the rule set {}",
                        path.display(),
                        filled.origin.label()
                    )),
                }
                Ok(Loaded {
                    unit: filled.unit,
                    ingested: None,
                    warnings: lines,
                })
            }
            Job::File(path) if is_report(path) => {
                let ingested =
                    jixiao_ingest::ingest_with(path, vocabulary).map_err(|e| e.to_string())?;
                Ok(Loaded {
                    unit: ingested.unit.clone(),
                    ingested: Some(ingested),
                    warnings: Vec::new(),
                })
            }
            Job::File(path) => SelfEvaluation::load(path)
                .map(Loaded::unit)
                .map_err(|e| e.to_string()),
            Job::Line { path, line, text } => SelfEvaluation::from_json(text, path, *line)
                .map(Loaded::unit)
                .map_err(|e| e.to_string()),
        }
    }
}

/// Whether `path` is a narrative report (`.txt`, `.md`, `.docx`) rather than a unit file.
pub fn is_report(path: &Path) -> bool {
    jixiao_ingest::is_report(path)
}

/// A unit as read, with where its figures came from (a report) and what the reader noted (a
/// form), to be printed in input order.
#[derive(Debug)]
pub struct Loaded {
    pub unit: CheckedUnit,
    pub ingested: Option<Ingested>,
    /// Lines for standard error, each starting `warning:` or `note:`.
    pub warnings: Vec<String>,
}

impl Loaded {
    fn unit(unit: CheckedUnit) -> Loaded {
        Loaded {
            unit,
            ingested: None,
            warnings: Vec::new(),
        }
    }
}

fn is_jsonl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
}

/// The unit files, forms and reports named, with every `.toml` unit file, `.xlsx` form and
/// `.txt` / `.md` / `.docx` report under each directory named, recursively, in name order; and the JSON Lines files
/// (named, or `.jsonl` files among the paths).
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let (mut files, mut jsonl) = (Vec::new(), Vec::new());
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            let before_jsonl = jsonl.len();
            walk(path, &mut files, &mut jsonl)?;
            if files.len() == before && jsonl.len() == before_jsonl {
                eprintln!(
                    "warning: no unit files (.toml, .jsonl), forms (.xlsx) or reports (.txt, .md, .docx, .xlsx, .xls) under {}",
                    path.display()
                );
            }
        } else if path.is_file() {
            if is_jsonl(path) {
                jsonl.push(path.clone());
            } else {
                files.push(path.clone());
            }
        } else {
            bail!("no such file or directory: {}", path.display());
        }
    }
    Ok((files, jsonl))
}

/// The file `jixiao score --out DIR` leaves in DIR, so that a later run over a parent directory
/// does not take the outputs for inputs.
pub const OUTPUT_MARKER: &str = ".jixiao-output";

fn walk(dir: &Path, files: &mut Vec<PathBuf>, jsonl: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<(PathBuf, std::fs::FileType)> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .map(|entry| entry.and_then(|e| Ok((e.path(), e.file_type()?))))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot list {}", dir.display()))?;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (entry, kind) in entries {
        // Links to directories are not followed: a link loop cannot send the walk round for ever.
        if kind.is_dir() {
            // A previous run's --out directory holds scorecards (.md) and summaries (.xlsx)
            // that are not inputs.
            if entry.join(OUTPUT_MARKER).exists() {
                eprintln!(
                    "note: skipping {}, the output of an earlier run",
                    entry.display()
                );
                continue;
            }
            walk(&entry, files, jsonl)?;
        } else if is_jsonl(&entry) {
            jsonl.push(entry);
        } else if entry.extension().is_some_and(|e| e == "toml")
            || is_report(&entry)
            || jixiao_forms::is_form(&entry)
        {
            files.push(entry);
        }
    }
    Ok(())
}

/// Every job: the files first, then each JSON Lines file line by line (blank lines skipped),
/// read lazily so a large export is never held in memory. A read error is an error job.
pub fn jobs(
    files: Vec<PathBuf>,
    jsonl: Vec<PathBuf>,
) -> Result<impl Iterator<Item = Result<Job, (String, String)>>> {
    let mut readers = Vec::new();
    for path in jsonl {
        let file = std::fs::File::open(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        readers.push((Arc::<Path>::from(path), std::io::BufReader::new(file)));
    }
    let lines = readers.into_iter().flat_map(|(path, reader)| {
        reader
            .lines()
            .enumerate()
            .filter(|(_, text)| text.as_ref().map_or(true, |t| !t.trim().is_empty()))
            .map(move |(i, text)| match text {
                Ok(text) => Ok(Job::Line {
                    path: path.clone(),
                    line: i + 1,
                    text,
                }),
                Err(e) => {
                    let source = format!("{}:{}", path.display(), i + 1);
                    Err((source.clone(), format!("{source}: cannot read: {e}")))
                }
            })
    });
    Ok(files.into_iter().map(|f| Ok(Job::File(f))).chain(lines))
}
