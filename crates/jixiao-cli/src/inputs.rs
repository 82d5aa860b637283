//! Finding the units named on the command line: unit files (TOML), filled forms (.xlsx, written
//! by `jixiao form`), reports, directories of them, and JSON Lines files of units (one unit per
//! line, the model as JSON). Under a directory every file is an input (one that cannot be read is
//! an error of its own, with its reason) except what is plainly not a submission, which is
//! skipped and counted (`formats.toml`'s `[[skip]]`).

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use jixiao_ingest::formats::{Skip, not_a_submission};
use jixiao_ingest::{Ingested, Vocabulary};
use jixiao_model::{CheckedUnit, ModelError, SelfEvaluation};
use jixiao_report::returns::ReturnItem;
use jixiao_rules::RuleSet;

use crate::round::{SourceKind, Submission};
use crate::timings::{self, Stage};

/// One unit to score: a unit file, or one line of a JSON Lines file.
#[derive(Debug)]
pub enum Job {
    File(PathBuf),
    /// A unit file (TOML) read from standard input (`-`).
    Stdin(String),
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
            Job::Stdin(_) => STDIN.to_owned(),
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
            Job::Stdin(_) => STDIN.to_owned(),
            Job::Line { path, line, .. } => format!("{}-{line:06}", stem(path)),
        }
    }

    /// Reads and parses the unit (a report is read as `jixiao ingest` reads it, by `vocabulary`,
    /// and comes with what was read from where); the error names the file (and line) and the key.
    pub fn load(&self, vocabulary: &Vocabulary) -> Result<Loaded, Failed> {
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
    ) -> Result<Loaded, Failed> {
        match self {
            Job::File(path) if is_form(path) => {
                let filled = timings::time(Stage::Parse, || jixiao_forms::read_form(path))
                    .map_err(Failed::form)?;
                let returns = filled.notes.iter().map(crate::returns::of_note).collect();
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
                    returns,
                })
            }
            Job::File(path) if is_unit_file(path) => {
                let text = timings::time(Stage::Read, || SelfEvaluation::read_file(path))
                    .map_err(Failed::model)?;
                timings::time(Stage::Parse, || SelfEvaluation::from_toml(&text, path))
                    .map(Loaded::unit)
                    .map_err(Failed::model)
            }
            // Anything else is a report, or a file in a format that is not read (refused by the
            // reader with its reason).
            Job::File(path) => {
                let ingested = timings::time(Stage::Parse, || {
                    jixiao_ingest::ingest_with(path, vocabulary)
                })
                .map_err(|e| Failed {
                    not_read: e.is_unreadable(),
                    returns: vec![crate::returns::of_report(&e)],
                    message: e.to_string(),
                })?;
                Ok(Loaded {
                    unit: ingested.unit.clone(),
                    ingested: Some(ingested),
                    warnings: Vec::new(),
                    returns: Vec::new(),
                })
            }
            Job::Stdin(text) => SelfEvaluation::from_toml(text, Path::new(STDIN))
                .map(Loaded::unit)
                .map_err(Failed::model),
            Job::Line { path, line, text } => {
                if let Some(found) = not_an_object(text) {
                    return Err(Failed::invalid(format!(
                        "{}:{line}: a line of a JSON Lines file must be one unit, a JSON object \
                         {{\"unit\": …}}; found {found}",
                        path.display()
                    )));
                }
                timings::time(Stage::Parse, || {
                    SelfEvaluation::from_json(text, path, *line)
                })
                .map(Loaded::unit)
                .map_err(Failed::model)
            }
        }
    }
}

/// A job as identified before any unit is scored (see [`crate::round`]).
#[derive(Debug)]
pub enum Identified {
    /// A form or a report, read whole: kept, to be scored without reading it again.
    Loaded(Box<Loaded>, Submission),
    /// A unit file or a line of JSON Lines: who it is, from its `unit` table alone; it is
    /// parsed whole when scored (a parse costs less than holding every unit of a large batch in
    /// memory).
    Known(Submission),
    /// Could not be read or parsed: the reason, which is this job's result.
    Failed(Failed),
    /// A line whose `unit` object does not parse: its full parse, when scored, says why.
    Unknown,
}

impl Job {
    /// Who this job's unit is, and from what kind of submission.
    pub fn identify(&self, rules: Option<&RuleSet>, vocabulary: &Vocabulary) -> Identified {
        let submission = |identity: &jixiao_model::UnitIdentity, kind| {
            let submission = Submission::new(self.source(), kind, identity);
            match self {
                Job::Line { text, .. } | Job::Stdin(text) => submission.hashed(text.as_bytes()),
                // Read again to be hashed: the readers take the path.
                Job::File(path) => submission.hashed(&std::fs::read(path).unwrap_or_default()),
            }
        };
        match self {
            Job::Line { text, .. } => match SelfEvaluation::identity_from_json(text) {
                Some(identity) => Identified::Known(submission(&identity, SourceKind::UnitFile)),
                None => Identified::Unknown,
            },
            Job::File(path) if is_unit_file(path) => {
                let text = match timings::time(Stage::Read, || SelfEvaluation::read_file(path)) {
                    Ok(text) => text,
                    Err(error) => return Identified::Failed(Failed::model(error)),
                };
                match SelfEvaluation::identity_from_toml(&text) {
                    Some(identity) => Identified::Known(
                        Submission::new(self.source(), SourceKind::UnitFile, &identity)
                            .hashed(text.as_bytes()),
                    ),
                    None => Identified::Unknown,
                }
            }
            Job::Stdin(_) => match self.load_with(rules, vocabulary) {
                Ok(loaded) => {
                    Identified::Known(submission(&loaded.unit.unit().unit, SourceKind::UnitFile))
                }
                Err(failed) => Identified::Failed(failed),
            },
            Job::File(path) => {
                let kind = if is_form(path) {
                    SourceKind::Form
                } else if is_unit_file(path) {
                    SourceKind::UnitFile
                } else {
                    SourceKind::Report
                };
                match self.load_with(rules, vocabulary) {
                    Ok(loaded) if kind == SourceKind::UnitFile => {
                        Identified::Known(submission(&loaded.unit.unit().unit, kind))
                    }
                    Ok(loaded) => {
                        // A unit's own workbook is read as a report is, by its labels.
                        let kind = match &loaded.ingested {
                            Some(i) if i.source.format == jixiao_ingest::Format::Workbook => {
                                SourceKind::Workbook
                            }
                            _ => kind,
                        };
                        let submission = submission(&loaded.unit.unit().unit, kind);
                        Identified::Loaded(Box::new(loaded), submission)
                    }
                    Err(failed) => Identified::Failed(failed),
                }
            }
        }
    }
}

/// What a JSON line holds when it is not an object (`an array`…), by its first character.
fn not_an_object(text: &str) -> Option<&'static str> {
    let first = text.trim_start().chars().next()?;
    Some(match first {
        '{' => return None,
        '[' => "an array",
        '"' => "a string",
        't' | 'f' => "true or false",
        'n' => "null",
        '-' | '0'..='9' => "a number",
        _ => "text that is not JSON",
    })
}

/// How standard input is named in messages and summaries (`stdin:3`).
pub const STDIN: &str = "stdin";

/// Why a unit could not be loaded: the message (naming the file), and whether the file could
/// not be read at all (its format, its encoding, a scan) rather than read and found wanting.
#[derive(Debug)]
pub struct Failed {
    pub message: String,
    pub not_read: bool,
    /// What goes back to the unit (退回清单), in Chinese: never empty.
    pub returns: Vec<ReturnItem>,
}

impl Failed {
    /// A unit read but not valid, known by its message.
    pub fn invalid(error: impl std::fmt::Display) -> Failed {
        let message = error.to_string();
        Failed {
            returns: vec![crate::returns::whole_file("", &message, "invalid")],
            message,
            not_read: false,
        }
    }

    /// A unit file (or JSON line) that does not parse, or whose figure is out of bounds.
    pub fn model(error: ModelError) -> Failed {
        Failed {
            returns: vec![crate::returns::of_model(&error)],
            message: error.to_string(),
            not_read: matches!(error, ModelError::Encoding { .. }),
        }
    }

    /// A form that cannot be read: each cell that cannot be read is an item of its own.
    pub fn form(error: jixiao_forms::FormError) -> Failed {
        let message = error.to_string();
        let returns = match &error {
            jixiao_forms::FormError::Cells(cells) => {
                cells.iter().map(crate::returns::of_cell).collect()
            }
            _ => vec![crate::returns::whole_file("", &message, "form")],
        };
        Failed {
            returns,
            message,
            not_read: false,
        }
    }

    /// The items in one line, for a summary's error column: `工作表「单位」C21: 年初预算数为负数`.
    pub fn summary(&self) -> String {
        self.returns
            .iter()
            .map(|item| match item.place.as_str() {
                crate::returns::WHOLE_FILE => item.problem.clone(),
                place => format!("{place}: {}", item.problem),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Whether `path` is a unit file (TOML).
pub fn is_unit_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// Whether `path` is a filled form: a workbook written by `jixiao form`, in truth (not a PDF or
/// an old binary workbook under an .xlsx name, which the report reader takes for what it is).
fn is_form(path: &Path) -> bool {
    jixiao_forms::is_form(path)
        && jixiao_ingest::formats::identify(path).is_ok_and(|f| f.id() == "xlsx")
}

/// A unit as read, with where its figures came from (a report) and what the reader noted (a
/// form), to be printed in input order.
#[derive(Debug)]
pub struct Loaded {
    pub unit: CheckedUnit,
    pub ingested: Option<Ingested>,
    /// Lines for standard error, each starting `warning:` or `note:`.
    pub warnings: Vec<String>,
    /// What reading noted for the unit to confirm (a form's cells read with a conversion).
    pub returns: Vec<ReturnItem>,
}

impl Loaded {
    /// A unit read from elsewhere (the results store): nothing to note, nothing to return.
    pub fn of(unit: CheckedUnit) -> Loaded {
        Loaded::unit(unit)
    }

    fn unit(unit: CheckedUnit) -> Loaded {
        Loaded {
            unit,
            ingested: None,
            warnings: Vec::new(),
            returns: Vec::new(),
        }
    }
}

fn is_jsonl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
}

/// What was found under the paths named: the files to read, the JSON Lines files, and what was
/// skipped as plainly not a submission.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<PathBuf>,
    pub jsonl: Vec<PathBuf>,
    /// `-` was named: units on standard input (a unit file, or JSON Lines), read whole when
    /// found, so that the jobs can be gone through twice (identified, then scored).
    pub stdin: Option<StdinInput>,
    pub skipped: Skipped,
}

/// What standard input held.
#[derive(Debug, Clone)]
pub enum StdinInput {
    /// JSON Lines (or a JSON array, said to be no unit line by line).
    Lines(Arc<[u8]>),
    /// One unit file (TOML), without a byte-order mark.
    UnitFile(String),
}

impl StdinInput {
    fn read() -> Result<StdinInput> {
        let mut input = std::io::stdin().lock();
        let lines = looks_like_json_lines(&mut input).context("cannot read standard input")?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut input, &mut bytes).context("cannot read standard input")?;
        Ok(if lines {
            StdinInput::Lines(Arc::from(bytes))
        } else {
            let text = String::from_utf8(bytes)
                .ok()
                .context("cannot read standard input (a unit file in UTF-8, or JSON Lines)")?;
            StdinInput::UnitFile(match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_owned(),
                None => text,
            })
        })
    }
}

/// Entries of the directories named that were skipped, counted by kind (`formats.toml`'s
/// `[[skip]]`), kinds in the order first met (the walk is in name order, so always the same).
#[derive(Debug, Default)]
pub struct Skipped {
    counts: Vec<(&'static str, &'static str, usize)>,
}

impl Skipped {
    fn add(&mut self, kind: &'static Skip) {
        match self.counts.iter_mut().find(|(id, ..)| *id == kind.id()) {
            Some((.., n)) => *n += 1,
            None => self.counts.push((kind.id(), kind.label(), 1)),
        }
    }

    /// A kind told by what the entry is (`earlier_output`, `special`, `linked_folder`).
    fn add_kind(&mut self, id: &str) {
        if let Some(kind) = jixiao_ingest::formats::skip_kind(id) {
            self.add(kind);
        }
    }

    /// `跳过 2 个非报送文件 (隐藏文件 1, Office 锁定文件 1)`, or `None` when nothing was skipped.
    pub fn summary(&self) -> Option<String> {
        let total: usize = self.counts.iter().map(|(.., n)| n).sum();
        (total > 0).then(|| {
            let kinds: Vec<String> = self
                .counts
                .iter()
                .map(|(_, label, n)| format!("{label} {n}"))
                .collect();
            format!("跳过 {total} 个非报送文件 ({})", kinds.join(", "))
        })
    }
}

/// The files named, with every file under each directory named, recursively, in name order,
/// but what is plainly not a submission; and the JSON Lines files (named, or `.jsonl` files
/// among the paths).
pub fn discover(paths: &[PathBuf]) -> Result<Found> {
    let mut found = Found::default();
    for path in paths {
        if crate::output::is_stdio(path) {
            if found.stdin.is_some() {
                bail!("- (standard input) is named twice");
            }
            found.stdin = Some(StdinInput::read()?);
        } else if path.is_dir() {
            let before = found.files.len() + found.jsonl.len();
            walk(path, &mut found)?;
            if found.files.len() + found.jsonl.len() == before {
                crate::term::warning!(
                    "no files to read under {} (unit files, forms, reports)",
                    path.display()
                );
            }
        } else if path.is_file() {
            if is_jsonl(path) {
                found.jsonl.push(path.clone());
            } else {
                found.files.push(path.clone());
            }
        } else if path.exists() {
            bail!(
                "{}: not a regular file or a directory (a pipe, socket or device)",
                path.display()
            );
        } else {
            bail!("no such file or directory: {}", path.display());
        }
    }
    Ok(found)
}

/// The file `jixiao score --out DIR` leaves in DIR, so that a later run over a parent directory
/// does not take the outputs for inputs.
pub const OUTPUT_MARKER: &str = ".jixiao-output";

fn walk(dir: &Path, found: &mut Found) -> Result<()> {
    let mut entries: Vec<(PathBuf, std::fs::FileType)> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .map(|entry| entry.and_then(|e| Ok((e.path(), e.file_type()?))))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot list {}", dir.display()))?;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (entry, kind) in entries {
        let name = entry
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if kind.is_dir() {
            if let Some(skip) = not_a_submission(&name, true) {
                crate::term::detail!("skipping {}: {}", entry.display(), skip.label());
                found.skipped.add(skip);
            } else if entry.join(OUTPUT_MARKER).exists() {
                // A previous run's --out directory holds scorecards (.md) and summaries (.xlsx)
                // that are not inputs.
                crate::term::note!("skipping {}, the output of an earlier run", entry.display());
                found.skipped.add_kind("earlier_output");
            } else {
                walk(&entry, found)?;
            }
            continue;
        }
        // A link is followed to a file; a link to a directory is not (a link loop cannot send
        // the walk round for ever); a dangling link is a file that cannot be read.
        let target = if kind.is_symlink() {
            std::fs::metadata(&entry).map(|m| m.file_type()).ok()
        } else {
            Some(kind)
        };
        match target {
            Some(t) if t.is_dir() => {
                crate::term::detail!("skipping {}: a link to a folder", entry.display());
                found.skipped.add_kind("linked_folder");
            }
            Some(t) if !t.is_file() => {
                // A pipe, a socket or a device: reading it could wait for ever.
                crate::term::warning!(
                    "skipping {}: not a regular file (a pipe, socket or device)",
                    entry.display()
                );
                found.skipped.add_kind("special");
            }
            _ => {
                if let Some(skip) = not_a_submission(&name, false) {
                    crate::term::detail!("skipping {}: {}", entry.display(), skip.label());
                    found.skipped.add(skip);
                } else if is_jsonl(&entry) {
                    found.jsonl.push(entry);
                } else {
                    found.files.push(entry);
                }
            }
        }
    }
    Ok(())
}

/// Every job: the files first, then standard input's unit file when `-` held one, then each JSON
/// Lines file line by line (blank lines skipped), read lazily so a large export is never held in
/// memory, then standard input's lines. A read error is an error job. The jobs of one `Found` are
/// the same every time they are gone through.
pub fn jobs(found: &Found) -> Result<impl Iterator<Item = Result<Job, (String, String)>> + use<>> {
    let mut readers: Vec<(Arc<Path>, Box<dyn std::io::BufRead + Send>)> = Vec::new();
    for path in &found.jsonl {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        readers.push((
            Arc::<Path>::from(path.as_path()),
            Box::new(std::io::BufReader::new(file)),
        ));
    }
    let mut unit_file = None;
    match &found.stdin {
        Some(StdinInput::Lines(bytes)) => readers.push((
            Arc::<Path>::from(Path::new(STDIN)),
            Box::new(std::io::Cursor::new(bytes.clone())),
        )),
        Some(StdinInput::UnitFile(text)) => unit_file = Some(Job::Stdin(text.clone())),
        None => {}
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
                    // A UTF-8 byte-order mark (as a Windows editor saves) opens the file, not
                    // its first unit.
                    text: match (i, text.strip_prefix('\u{feff}')) {
                        (0, Some(rest)) => rest.to_owned(),
                        _ => text,
                    },
                }),
                Err(e) => {
                    let source = format!("{}:{}", path.display(), i + 1);
                    Err((source.clone(), format!("{source}: cannot read: {e}")))
                }
            })
    });
    Ok(found
        .files
        .clone()
        .into_iter()
        .map(|f| Ok(Job::File(f)))
        .chain(unit_file.map(Ok))
        .chain(lines))
}

/// Whether what `input` holds looks like JSON Lines: after a byte-order mark and white space, a
/// `{`, or a JSON array (`[` then `{`, `[`, `]`, a digit: not a TOML table's `[unit]`), which
/// is then said to be no unit. Nothing is consumed.
fn looks_like_json_lines(input: &mut impl std::io::BufRead) -> std::io::Result<bool> {
    let buffer = input.fill_buf()?;
    let buffer = buffer.strip_prefix(b"\xef\xbb\xbf").unwrap_or(buffer);
    let mut text = buffer.iter().filter(|b| !b.is_ascii_whitespace());
    Ok(match text.next() {
        Some(b'{') => true,
        Some(b'[') => text
            .next()
            .is_some_and(|&b| matches!(b, b'{' | b'[' | b']' | b'-' | b'0'..=b'9')),
        _ => false,
    })
}
