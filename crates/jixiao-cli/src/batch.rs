//! Scoring a batch: units are read and scored in parallel, chunk by chunk, and handed in input
//! order to one writer thread, so memory holds one chunk and one summary row per unit, and the
//! output is the same whatever the number of threads.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::sync::mpsc::{SyncSender, sync_channel};

use anyhow::{Context as _, Result};
use indicatif::{ProgressBar, ProgressStyle};
use jixiao_engine::{Options, Scorecard, Severity};
use jixiao_ingest::{Completeness, Ingested, Vocabulary};
use jixiao_report::html::{BatchInfo, FindingCounts};
use jixiao_report::returns::{ReturnItem, ReturnList};
use jixiao_report::xlsx::{IndicatorColumn, SummaryWorkbook};
use jixiao_report::{SummaryRow, UnitSummary};
use jixiao_rules::{Indicator, ValidRuleSet};
use rayon::prelude::*;

use crate::inputs::{self, Failed, Found, Identified, Job, Loaded};
use crate::output::{
    Names, OutputDir, write_atomic, write_atomic_unsynced, write_new, write_new_synced,
};
use crate::resubmit::{Item, Record};
use crate::round::{self, SourceKind};
use crate::timings::{self, Stage};
use jixiao_report::resubmission::Resubmission;

/// Units read and scored together before being handed to the writer.
const CHUNK: usize = 1024;

/// As [`CHUNK`], when each unit's scorecards are rendered with it (about 50 KB of documents a
/// unit): up to four chunks are in flight (read, scored, waiting, being written), and where the
/// file system is slower than the scoring they all are.
const CHUNK_WITH_PAGES: usize = 256;

/// One unit's result.
pub struct Scored {
    pub source: String,
    pub stem: String,
    /// Who filed it and the hash of what was read, when it was identified.
    pub submission: Option<round::Submission>,
    /// The unit as read, for the round's record: who, its figures, its rows.
    pub read: Option<(jixiao_model::UnitIdentity, BTreeMap<String, String>, usize)>,
    /// What reading the unit noted (forms), printed before its result.
    pub warnings: Vec<String>,
    pub result: Outcome,
    /// What the results store records of a scored unit (`--db`), made on the scoring thread.
    pub record: Option<jixiao_store::UnitRecord>,
    /// The unit's result of the year before, from the results store (`--db`).
    pub last_year: Option<jixiao_store::LastYear>,
    /// The unit's scorecard documents, rendered on the scoring thread when the run writes them
    /// (the writer, which is serial, then only writes the files).
    pub pages: Option<Box<Pages>>,
}

/// A unit's scorecard documents: `scorecards/<name>.json`, `.md` and `.html`.
pub struct Pages {
    pub json: String,
    pub markdown: String,
    pub html: String,
}

impl Pages {
    /// The three documents of a scored unit; for a unit read from a document, with its sources;
    /// for a resubmission, with what changed since the earlier submission.
    pub fn render(
        card: &Scorecard,
        document: FromDocument<'_>,
        resubmission: Option<&Resubmission>,
        bureau: Option<&str>,
    ) -> Pages {
        Pages {
            json: with_resubmission(json_card(card, document), resubmission),
            markdown: jixiao_report::markdown(card)
                + &sources(card, document, true)
                + &resubmission_text(resubmission, true),
            html: jixiao_report::html::scorecard(card, "../index.html", bureau, resubmission),
        }
    }
}

/// What the scoring threads need to render a unit's scorecard documents: the run writes them
/// ([`Outputs::renderer`]).
pub struct Renderer {
    bureau: Option<String>,
    previous: Option<std::sync::Arc<crate::resubmit::Previous>>,
}

/// What became of one submission.
pub enum Outcome {
    /// Scored, with what goes back to the unit (its 退回清单 items: cells to confirm, hard
    /// findings), if anything.
    Scored(Box<Scorecard>, Option<Box<Ingested>>, Vec<ReturnItem>),
    Failed(Failed),
    /// Not scored: the same unit filed a submission preferred to this one (see [`round`]).
    Duplicate(Duplicate),
}

/// A submission not scored, the submission scored instead, and their kinds.
#[derive(Debug, Clone)]
pub struct Duplicate {
    pub kind: SourceKind,
    pub kept: String,
    pub kept_kind: SourceKind,
    /// Not a duplicate: the file the earlier round scored, replaced by a resubmission.
    pub superseded: bool,
}

/// A job, once identified: what is known of it before scoring.
pub enum Slot {
    /// Read whole while identified (a form, a report).
    Loaded(Box<Loaded>),
    /// To be read (again) when scored.
    Read,
    Failed(Failed),
    Duplicate(Duplicate),
}

/// Every job of `found` identified (in parallel, chunk by chunk): who each unit is, from what
/// kind of submission; forms and reports are read whole, once, here.
pub fn identify(
    found: &Found,
    rules: &ValidRuleSet,
    vocabulary: &Vocabulary,
) -> Result<Vec<Identified>> {
    let mut out = Vec::new();
    let mut jobs = inputs::jobs(found)?.peekable();
    while jobs.peek().is_some() {
        let chunk: Vec<_> = timings::time(Stage::Read, || jobs.by_ref().take(CHUNK).collect());
        out.par_extend(chunk.into_par_iter().map(|job| match job {
            Ok(job) => {
                let source = job.source();
                timings::time(Stage::Identify, || {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        job.identify(Some(rules), vocabulary)
                    }))
                })
                .unwrap_or_else(|_| Identified::Failed(panicked(&source)))
            }
            Err((_, error)) => Identified::Failed(Failed::invalid(error)),
        }));
    }
    Ok(out)
}

/// The slots of the identified jobs, with the duplicates found among them not to be scored,
/// each with who filed it.
pub fn slots(
    identified: Vec<Identified>,
    duplicates: &[round::Duplicate],
) -> Vec<(Slot, Option<round::Submission>)> {
    let kinds: Vec<Option<(String, SourceKind)>> = identified
        .iter()
        .map(|i| match i {
            Identified::Loaded(_, s) | Identified::Known(s) => Some((s.source.clone(), s.kind)),
            Identified::Failed(_) | Identified::Unknown => None,
        })
        .collect();
    let mut slots: Vec<(Slot, Option<round::Submission>)> = identified
        .into_iter()
        .map(|i| match i {
            Identified::Loaded(loaded, s) => (Slot::Loaded(loaded), Some(s.lightened())),
            Identified::Known(s) => (Slot::Read, Some(s.lightened())),
            Identified::Unknown => (Slot::Read, None),
            Identified::Failed(failed) => (Slot::Failed(failed), None),
        })
        .collect();
    for d in duplicates {
        let ((_, kind), (kept, kept_kind)) = (
            kinds[d.dropped]
                .clone()
                .expect("a duplicate was identified"),
            kinds[d.kept].clone().expect("a duplicate was identified"),
        );
        slots[d.dropped].0 = Slot::Duplicate(Duplicate {
            kind,
            kept,
            kept_kind,
            superseded: d.superseded,
        });
    }
    slots
}

fn panicked(source: &str) -> Failed {
    Failed::invalid(format!(
        "{source}: internal error while reading or scoring this unit (a panic); please report it"
    ))
}

/// Scores one job; any failure (unreadable, invalid, wrong kind, engine panic) is this unit's
/// error alone.
/// What scoring a unit takes besides the unit: the rule set, how to score and read, the bureau's
/// figures and the reviewed scores.
pub struct Context<'a> {
    pub rules: &'a ValidRuleSet,
    pub options: &'a Options<'a>,
    pub vocabulary: &'a Vocabulary,
    pub ledger: Option<&'a jixiao_round::Ledger>,
    pub reviews: Option<&'a crate::review::Reviews>,
    /// Whether the round's record keeps each unit's figures (for `--previous`: only a round
    /// with scorecards can be taken up again).
    pub figures: bool,
    /// Whether the run is recorded in a results store (`--db`).
    pub record: bool,
    /// The store's records of the years before the units' (`--db`): last year's figures and
    /// results.
    pub prior: Option<&'a jixiao_store::PriorYear>,
    /// When the run writes scorecards: how to render them, on the scoring threads.
    pub renderer: Option<&'a Renderer>,
}

fn score_job(
    job: Job,
    slot: Slot,
    submission: Option<round::Submission>,
    context: &Context<'_>,
) -> Scored {
    let Context {
        rules,
        options,
        vocabulary,
        ledger,
        reviews,
        figures,
        record,
        prior,
        renderer,
    } = *context;
    let (source, stem) = (job.source(), job.stem());
    let not_scored = |result| Scored {
        source: source.clone(),
        stem: stem.clone(),
        submission: submission.clone(),
        read: None,
        warnings: Vec::new(),
        result,
        record: None,
        last_year: None,
        pages: None,
    };
    let loaded = match slot {
        Slot::Loaded(loaded) => Some(*loaded),
        Slot::Read => None,
        Slot::Failed(failed) => return not_scored(Outcome::Failed(failed)),
        Slot::Duplicate(duplicate) => return not_scored(Outcome::Duplicate(duplicate)),
    };
    // Reading (a form, a report) and scoring both run under `catch_unwind`: a bug tripped by one
    // unit is that unit's error, never the end of the batch.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let loaded = match loaded {
            Some(loaded) => loaded,
            None => {
                let loaded = job.load_with(Some(rules), vocabulary)?;
                // Identified from its `unit` table alone, parsed whole now: a unit that is not
                // who it was when duplicates were settled (the file changed in between) is not
                // scored as either.
                if let Some(identified) = &submission
                    && !identified.identifies(&loaded.unit.unit().unit)
                {
                    return Err(Failed::invalid(format!(
                        "{source}: the unit read when scoring is not the one identified before \
                         (the file changed during the run?); not scored, run again"
                    )));
                }
                loaded
            }
        };
        let mut loaded = loaded;
        let mut checking = timings::Timed::start(Stage::Findings);
        // The unit's record of the year before, when the store has one.
        let prior = prior.and_then(|prior| {
            let identity = &loaded.unit.unit().unit;
            prior.find(
                &jixiao_store::UnitKeys::of(identity),
                identity.year.checked_sub(1)?,
            )
        });
        // The bureau's own figures: the unit scored with the rule set's choice of figure, each
        // difference a finding.
        let mut checked = None;
        if let Some(ledger) = ledger {
            let identity = &loaded.unit.unit().unit;
            checked = Some(match ledger.entry_for(identity) {
                Some(entry) => {
                    let reconciled = jixiao_round::reconcile(
                        loaded.unit.clone(),
                        entry,
                        &rules.ledger,
                        ledger.source(),
                    )
                    .map_err(|error| Failed::invalid(format!("{source}: {error}")))?;
                    loaded.unit = reconciled.unit;
                    (reconciled.figures, reconciled.findings)
                }
                None => (
                    Vec::new(),
                    vec![jixiao_engine::Finding {
                        rule: jixiao_engine::EngineRule::Ledger.into(),
                        severity: Severity::Soft,
                        indicator: None,
                        message: ledger.not_found(identity),
                        figures: Vec::new(),
                    }],
                ),
            });
        }
        // The figures of the year before the unit left out, from its record of that year in the
        // results store; each it gave compared with the record's.
        let mut history = None;
        if let Some(prior) = prior {
            let filled = jixiao_store::fill_last_year(
                loaded.unit.clone(),
                prior,
                rules.history.amount_tolerance,
            )
            .map_err(|error| Failed::invalid(format!("{source}: {error}")))?;
            loaded.unit = filled.unit;
            history = Some((filled.figures, filled.findings));
        }
        checking.pause();
        let mut card = timings::time(Stage::Score, || {
            jixiao_engine::score_with(&loaded.unit, rules, options)
        })
        .map_err(|error| Failed::invalid(format!("{source}: {error}")))?;
        checking.resume();
        if let Some((figures, findings)) = checked {
            card.ledger = figures;
            card.findings.extend(findings);
        }
        if let Some((figures, findings)) = history {
            card.history = figures;
            card.findings.extend(findings);
        }
        // The reviewed scores of the unit: the final total and grade by the rule set's tree.
        if let Some(scores) = reviews.and_then(|r| r.of(&card)) {
            card = jixiao_review::apply::apply(&card, rules, &scores)
                .map_err(|error| Failed::invalid(format!("{source}: {error}")))?;
        }
        // What the document's reader says a person must look at is a finding of the unit.
        if let Some(ingested) = &loaded.ingested {
            card.findings
                .extend(jixiao_ingest::review_findings(ingested));
        }
        // What the reader converted travels with the unit: a soft finding each, in its
        // scorecard, and an item to confirm in its 退回清单.
        card.findings
            .extend(loaded.returns.iter().map(|item| jixiao_engine::Finding {
                rule: jixiao_engine::EngineRule::ReadingNote.into(),
                severity: Severity::Soft,
                indicator: None,
                message: format!("{}: {}", item.place, item.problem),
                figures: Vec::new(),
            }));
        let mut returns = loaded.returns;
        returns.extend(crate::returns::of_findings(&card, loaded.ingested.as_ref()));
        drop(checking);
        let unit = loaded.unit.unit();
        let stored = if record {
            let kind = submission.as_ref().map(|s| s.kind.label().to_owned());
            let sha = submission
                .as_ref()
                .map(|s| s.sha256.clone())
                .filter(|s| !s.is_empty());
            Some(
                timings::time(Stage::StoreRecord, || {
                    jixiao_store::UnitRecord::scored(source.clone(), kind, sha, unit, &card)
                })
                .map_err(|error| Failed::invalid(format!("{source}: {error}")))?,
            )
        } else {
            None
        };
        let read = (
            unit.unit.clone(),
            if figures {
                jixiao_model::figures(unit)
            } else {
                BTreeMap::new()
            },
            unit.indicators.len(),
        );
        let last_year = prior.map(|p| p.result.clone());
        let pages = renderer.map(|renderer| {
            let completeness = loaded
                .ingested
                .as_ref()
                .map(|i| jixiao_ingest::completeness(&i.unit, rules));
            let document = loaded.ingested.as_ref().zip(completeness.as_ref());
            let resubmission = renderer.previous.as_ref().and_then(|previous| {
                let earlier = &previous.records[previous.find(submission.as_ref(), &source)?];
                Some(crate::resubmit::compare(
                    earlier,
                    &read.1,
                    read.2,
                    card.total,
                    card.grade.clone(),
                    &returns,
                ))
            });
            Box::new(timings::time(Stage::RenderScorecards, || {
                Pages::render(
                    &card,
                    document,
                    resubmission.as_ref(),
                    renderer.bureau.as_deref(),
                )
            }))
        });
        Ok::<_, Failed>((
            card,
            loaded.ingested,
            loaded.warnings,
            returns,
            read,
            (stored, last_year, pages),
        ))
    }));
    let (result, warnings, read, (record, last_year, pages)) = match outcome {
        Ok(Ok((card, ingested, warnings, returns, read, stored))) => (
            Outcome::Scored(Box::new(card), ingested.map(Box::new), returns),
            warnings,
            Some(read),
            stored,
        ),
        Ok(Err(error)) => (Outcome::Failed(error), Vec::new(), None, (None, None, None)),
        Err(_) => (
            Outcome::Failed(panicked(&source)),
            Vec::new(),
            None,
            (None, None, None),
        ),
    };
    Scored {
        source,
        stem,
        submission,
        read,
        warnings,
        result,
        record,
        last_year,
        pages,
    }
}

/// Where results go, in input order.
pub trait Sink: Send {
    fn accept(&mut self, scored: Scored) -> Result<()>;
}

/// Reads (where not read yet), scores and hands over every job of `found` with its slot;
/// returns when the sink has taken the last one.
pub fn run<S: Sink>(
    found: &Found,
    slots: Vec<(Slot, Option<round::Submission>)>,
    context: &Context<'_>,
    sink: &mut S,
) -> Result<()> {
    let (sender, receiver) = sync_channel::<Vec<Scored>>(1);
    let jobs = inputs::jobs(found)?;
    let chunk = if context.renderer.is_some() {
        CHUNK_WITH_PAGES
    } else {
        CHUNK
    };
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<()> {
            for chunk in receiver {
                for scored in chunk {
                    timings::time(Stage::Accept, || sink.accept(scored))?;
                }
            }
            Ok(())
        });
        let mut jobs = jobs.zip(slots).peekable();
        while jobs.peek().is_some() {
            let chunk: Vec<_> = timings::time(Stage::Read, || jobs.by_ref().take(chunk).collect());
            let scored: Vec<Scored> = chunk
                .into_par_iter()
                .map(|(job, (slot, submission))| match job {
                    Ok(job) => score_job(job, slot, submission, context),
                    Err((source, error)) => Scored {
                        stem: source.clone(),
                        source,
                        submission,
                        read: None,
                        warnings: Vec::new(),
                        result: Outcome::Failed(Failed::invalid(error)),
                        record: None,
                        last_year: None,
                        pages: None,
                    },
                })
                .collect();
            if sender.send(scored).is_err() {
                break; // the writer stopped on an error, which it returns below
            }
        }
        drop(sender);
        writer.join().expect("the writer thread does not panic")
    })
}

/// How scorecards are printed on standard output when no output directory is given.
#[derive(Debug, Clone, Copy)]
pub enum Print {
    Terminal {
        width: u16,
    },
    /// One JSON array of the scorecards.
    Json,
    /// One scorecard a line.
    Jsonl,
    Markdown,
}

/// The summary workbook, built on a thread of its own: compressing it is the largest single cost
/// of a large batch, and this way it overlaps with scoring and the other outputs.
/// Units go to it in batches of [`WorkbookThread::BATCH`]: one hand-over a unit woke the thread
/// for every unit, a twentieth of a large batch's time.
struct WorkbookThread {
    sender: SyncSender<Vec<(String, Scorecard)>>,
    pending: Vec<(String, Scorecard)>,
    handle: std::thread::JoinHandle<Result<SummaryWorkbook>>,
}

impl WorkbookThread {
    const BATCH: usize = 64;
    /// Batches waiting for the workbook's thread, at most: it is the slowest stage of a batch
    /// without scorecards, and what waits for it is held in memory.
    const QUEUE: usize = 4;

    fn start(workbook: SummaryWorkbook) -> WorkbookThread {
        let (sender, receiver) = sync_channel::<Vec<(String, Scorecard)>>(Self::QUEUE);
        let handle = std::thread::spawn(move || {
            let mut workbook = workbook;
            for batch in receiver {
                for (source, card) in batch {
                    timings::time(Stage::WorkbookRows, || workbook.add_unit(&source, &card))
                        .context("cannot write summary.xlsx")?;
                }
            }
            Ok(workbook)
        });
        WorkbookThread {
            sender,
            pending: Vec::with_capacity(Self::BATCH),
            handle,
        }
    }

    /// Adds a unit's rows; false when the writer has stopped (on an error `finish` returns).
    fn add(&mut self, source: String, card: Scorecard) -> bool {
        self.pending.push((source, card));
        self.pending.len() < Self::BATCH || self.flush()
    }

    fn flush(&mut self) -> bool {
        let batch = std::mem::replace(&mut self.pending, Vec::with_capacity(Self::BATCH));
        batch.is_empty() || self.sender.send(batch).is_ok()
    }

    /// Waits for the rows sent so far to be written, then adds the summary sheet (and `notes`
    /// under it) and writes the workbook to `path`, a new file, as it is zipped.
    fn finish(
        self,
        rows: &[SummaryRow],
        notes: &[String],
        review: Option<&jixiao_review::summary::ReviewSummary>,
        path: &std::path::Path,
    ) -> Result<()> {
        let workbook = self.join()?;
        timings::time(Stage::SummaryXlsx, || {
            write_new_synced(path, |file| {
                workbook
                    .finish_to(rows, notes, review, file)
                    .context("cannot write summary.xlsx")
            })
        })
    }

    /// Waits for the rows sent so far to be written; the workbook, or why its writer stopped.
    fn join(mut self) -> Result<SummaryWorkbook> {
        // A writer that stopped says why when joined.
        let _ = self.flush();
        drop(self.sender);
        self.handle
            .join()
            .map_err(|_| anyhow::anyhow!("the summary.xlsx writer panicked"))?
    }
}

/// What of the round the outputs show besides the scores.
pub struct RoundOptions {
    /// The earlier round (`--previous`).
    pub previous: Option<crate::resubmit::Previous>,
    /// The bureau's name (`--bureau`).
    pub bureau: Option<String>,
    /// Whether reviewed scores are applied (`--review`): summary.xlsx gets the sheet 复核得分.
    pub reviewed: bool,
    /// Whether the run has a results store (`--db`): the summaries show last year's grade and
    /// total beside each unit, and the grade transitions since last year.
    pub history: bool,
}

/// The outputs of a `score` run.
pub struct Outputs {
    print: Option<Print>,
    /// Scorecards printed so far.
    printed: usize,
    dir: Option<OutputDir>,
    scorecards: bool,
    names: Names,
    workbook: Option<WorkbookThread>,
    rows: Vec<SummaryRow>,
    pages: Vec<Option<String>>,
    findings: FindingCounts,
    plugin_errors: usize,
    /// Files that could not be read at all (format, encoding, a scan).
    not_read: usize,
    /// Submissions not scored as another submission of the same unit was (a line each).
    duplicates: Vec<String>,
    /// Earlier submissions replaced by resubmissions (a line each).
    superseded: Vec<String>,
    /// The bureau's name, on every printed page and 退回清单 (`--bureau`).
    bureau: Option<String>,
    /// The reviewed scorecards, for the review summary (`score --review`).
    reviewed: crate::review::Collected,
    /// The round's record (`round.jsonl`): one a submission.
    /// The round's record and 退回清单, written as units arrive (with `--out`).
    streams: Option<Streams>,
    /// The earlier round (`--previous`), and which of its records were filed again.
    previous: Option<std::sync::Arc<crate::resubmit::Previous>>,
    matched: std::collections::BTreeSet<usize>,
    /// 退回清单: one a unit with problems, with its file-name stem.

    /// Lines under the summaries (skipped files, files not read), in Chinese.
    notes: Vec<String>,
    progress: ProgressBar,
    /// The rule set scored by: what a unit read from a document must give (读取完整度).
    rules: jixiao_rules::RuleSet,
    /// Whether the run has a results store: each scored unit's row shows its year before.
    history: bool,
}

/// A unit read from a document: what its reader gave, and its read completeness under the rule
/// set (computed once per unit, shown in its pages and its summary row).
type FromDocument<'a> = Option<(&'a Ingested, &'a Completeness)>;

/// The JSON scorecard; for a unit read from a report, with its `sources` (数据来源, 读取完整度,
/// 需人工核对).
/// A control character or bidirectional override of the unit's text is written as a JSON escape
/// (`\u202e`): the same JSON, that shows rather than acts where it is printed.
fn json_card(card: &Scorecard, document: FromDocument<'_>) -> String {
    let json = match document {
        Some((ingested, completeness)) => {
            let rows = jixiao_ingest::sources_for(card, ingested);
            jixiao_ingest::scorecard_json(card, &rows, ingested, completeness)
        }
        None => jixiao_report::json(card),
    };
    jixiao_report::json_visible_owned(json)
}

/// The 数据来源 section for a unit read from a report (empty for a unit file); the phrases it
/// quotes from the report with their control characters shown, not raw.
fn sources(card: &Scorecard, document: FromDocument<'_>, markdown: bool) -> String {
    match document {
        Some((ingested, completeness)) => {
            let rows = jixiao_ingest::sources_for(card, ingested);
            let text = jixiao_ingest::sources_markdown(&rows, ingested, completeness, markdown);
            jixiao_report::visible_owned(text)
        }
        None => String::new(),
    }
}

/// The indicator columns of the summary workbook: every node of the rule set's tree.
fn columns(indicators: &[Indicator], path: &mut Vec<String>, out: &mut Vec<IndicatorColumn>) {
    for indicator in indicators {
        path.push(indicator.name.clone());
        out.push(IndicatorColumn {
            id: indicator.id.clone(),
            header: format!("{} ({})", path.join(" / "), indicator.points.normalize()),
        });
        columns(&indicator.children, path, out);
        path.pop();
    }
}

/// A progress bar on a terminal; nothing when output is piped or in CI.
fn progress(total: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() || crate::term::quiet()
    {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} units {wide_bar} {per_sec} {eta}")
            .expect("the template is valid"),
    );
    bar
}

impl Outputs {
    pub fn new(
        rules: &ValidRuleSet,
        print: Option<Print>,
        dir: Option<OutputDir>,
        scorecards: bool,
        total: Option<u64>,
        round: RoundOptions,
    ) -> Result<Outputs> {
        let RoundOptions {
            previous,
            bureau,
            reviewed,
            history,
        } = round;
        let workbook = match &dir {
            Some(dir) => {
                // The run's own fresh directory, swapped in for --out's at the end.
                if scorecards {
                    let cards = dir.path().join("scorecards");
                    std::fs::create_dir(&cards)
                        .with_context(|| format!("cannot create {}", cards.display()))?;
                }
                let mut cols = Vec::new();
                columns(&rules.indicators, &mut Vec::new(), &mut cols);
                let grades = rules.grade_names();
                let workbook =
                    SummaryWorkbook::with_options(cols, grades, rules.year, reviewed, history)
                        .context("cannot start summary.xlsx")?;
                Some(WorkbookThread::start(workbook))
            }
            None => None,
        };
        let streams = match &dir {
            Some(dir) => Some(Streams::open(
                dir.path(),
                scorecards,
                rule_set_label(rules),
                bureau.clone(),
            )?),
            None => None,
        };
        Ok(Outputs {
            print,
            printed: 0,
            dir,
            scorecards,
            names: Names::default(),
            workbook,
            rows: Vec::new(),
            pages: Vec::new(),
            findings: FindingCounts::default(),
            plugin_errors: 0,
            not_read: 0,
            duplicates: Vec::new(),

            superseded: Vec::new(),
            bureau,
            reviewed: crate::review::Collected::default(),
            streams,
            previous: previous.map(std::sync::Arc::new),
            matched: std::collections::BTreeSet::new(),
            notes: Vec::new(),
            progress: progress(total),
            rules: (**rules).clone(),
            history,
        })
    }

    /// With `--previous`: the earlier round's units not filed again are carried over (their
    /// scorecards copied, their rows in the summaries); the earlier scorecards of the units filed
    /// again are kept under `scorecards/上次报送/`. Returns the files copied.
    fn carry_over(&mut self) -> Result<Vec<String>> {
        let Some(previous) = self.previous.take() else {
            return Ok(Vec::new());
        };
        let mut copied = Vec::new();
        let Some(dir) = self.dir.as_ref().map(|d| d.path().to_owned()) else {
            return Ok(copied);
        };
        let from = previous.dir.join("scorecards");
        let (mut carried, mut not_carried) = (0usize, 0usize);
        for (i, record) in previous.records.iter().enumerate() {
            if self.matched.contains(&i) {
                // Filed again: the earlier version is kept beside the new one.
                if let Some(name) = &record.scorecard {
                    let earlier = dir.join("scorecards").join(EARLIER);
                    std::fs::create_dir_all(&earlier)
                        .with_context(|| format!("cannot create {}", earlier.display()))?;
                    for ext in ["html", "json", "md"] {
                        let file = from.join(format!("{name}.{ext}"));
                        if file.is_file() {
                            std::fs::copy(&file, earlier.join(format!("{name}.{ext}")))
                                .with_context(|| format!("cannot copy {}", file.display()))?;
                            copied.push(format!("scorecards/{EARLIER}/{name}.{ext}"));
                        }
                    }
                }
                continue;
            }
            match record.outcome.as_str() {
                "scored" | "carried" => {
                    let Some(name) = &record.scorecard else {
                        not_carried += 1;
                        continue;
                    };
                    let json = from.join(format!("{name}.json"));
                    let card: Scorecard = std::fs::read_to_string(&json)
                        .ok()
                        .and_then(|text| serde_json::from_str(&text).ok())
                        .with_context(|| {
                            format!(
                                "--previous: cannot read the scorecard {} of {}",
                                json.display(),
                                record.source
                            )
                        })?;
                    let new_name = self.names.unique(name);
                    for ext in ["html", "json", "md"] {
                        let file = from.join(format!("{name}.{ext}"));
                        let to = dir.join("scorecards").join(format!("{new_name}.{ext}"));
                        std::fs::copy(&file, &to)
                            .with_context(|| format!("cannot copy {}", file.display()))?;
                    }
                    self.findings.add(&card);
                    self.pages.push(Some(format!("scorecards/{new_name}.html")));
                    self.rows.push(SummaryRow {
                        source: record.source.clone(),
                        outcome: Ok(UnitSummary::of(&card)),
                    });
                    let mut record = record.clone();
                    record.outcome = "carried".to_owned();
                    record.scorecard = Some(new_name);
                    self.record(&record)?;
                    if let Some(workbook) = &mut self.workbook {
                        // The writer stopped on an error: `finish` reports it.
                        let _ = workbook.add(record_source(&previous, i), card);
                    }
                    carried += 1;
                }
                "failed" => {
                    let summary: Vec<String> = record
                        .returns
                        .iter()
                        .map(|i| format!("{}: {}", i.place, i.problem))
                        .collect();
                    self.pages.push(None);
                    self.rows.push(SummaryRow {
                        source: record.source.clone(),
                        outcome: Err(format!("(上一轮, 未重新报送) {}", summary.join("; "))),
                    });
                    self.record(record)?;
                    carried += 1;
                }
                _ => {}
            }
        }
        if carried > 0 {
            self.notes.push(format!(
                "沿用上一轮 ({}) 的结果 {carried} 份: 这些单位本轮未重新报送",
                previous.dir.display()
            ));
        }
        if not_carried > 0 {
            self.notes.push(format!(
                "上一轮有 {not_carried} 个单位的结果无法沿用: 上一轮未写记分卡 (--no-scorecards)"
            ));
        }
        if !self.superseded.is_empty() {
            self.notes.push(format!(
                "重新报送替换上一轮的文件 {} 份",
                self.superseded.len()
            ));
            self.notes.extend(self.superseded.iter().cloned());
        }
        Ok(copied)
    }

    /// Appends a submission's record to `round.jsonl`.
    fn record(&mut self, record: &Record) -> Result<()> {
        match &mut self.streams {
            Some(streams) => streams.record(record),
            None => Ok(()),
        }
    }

    /// The index of the earlier round's record of the unit that filed `submission`, marked as
    /// filed again.
    fn earlier_index(
        &mut self,
        submission: Option<&round::Submission>,
        source: &str,
    ) -> Option<usize> {
        let i = self.previous.as_ref()?.find(submission, source)?;
        self.matched.insert(i);
        Some(i)
    }

    /// The earlier round's record of the unit that filed `submission` (see [`Self::earlier_index`]).
    fn earlier(&mut self, submission: Option<&round::Submission>, source: &str) -> Option<&Record> {
        let i = self.earlier_index(submission, source)?;
        self.previous.as_ref().map(|p| &p.records[i])
    }

    /// A line for the notes under the summaries (`跳过 2 个非报送文件 (…)`).
    pub fn note(&mut self, line: String) {
        self.notes.push(line);
    }

    /// Whether anything shows the explanation of each point.
    pub fn explains(&self) -> bool {
        self.print.is_some() || (self.dir.is_some() && self.scorecards)
    }

    /// What the scoring threads need to render each unit's scorecards, when the run writes
    /// them.
    pub fn renderer(&self) -> Option<Renderer> {
        (self.dir.is_some() && self.scorecards).then(|| Renderer {
            bureau: self.bureau.clone(),
            previous: self.previous.clone(),
        })
    }

    /// Writes the unit's scorecards, `pages` as the scoring thread rendered them (else rendered
    /// here); returns their name (without extension). They go into the run's own new folder,
    /// which is swapped in whole at the end: each file is created there, never replaced.
    fn write_scorecard(
        &mut self,
        stem: &str,
        card: &Scorecard,
        document: FromDocument<'_>,
        resubmission: Option<&Resubmission>,
        pages: Option<Box<Pages>>,
    ) -> Result<Option<String>> {
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        if !self.scorecards {
            return Ok(None);
        }
        let _timed = timings::Timed::start(Stage::Scorecards);
        let pages = pages.unwrap_or_else(|| {
            Box::new(Pages::render(
                card,
                document,
                resubmission,
                self.bureau.as_deref(),
            ))
        });
        let name = self.names.unique(stem);
        let base = dir.path().join("scorecards");
        for (extension, text) in [
            ("json", &pages.json),
            ("md", &pages.markdown),
            ("html", &pages.html),
        ] {
            write_new(&base.join(format!("{name}.{extension}")), text)?;
        }
        Ok(Some(name))
    }

    /// Writes the summaries; returns how many units were scored and failed, and the grades.
    pub fn finish(mut self, rules: &ValidRuleSet) -> Result<Finished> {
        self.progress.finish_and_clear();
        let kept = self.carry_over()?;
        if let Some(Print::Json) = self.print {
            let close = if self.printed == 0 { "[]\n" } else { "\n]\n" };
            std::io::stdout()
                .lock()
                .write_all(close.as_bytes())
                .context("cannot write to standard output")?;
        }
        let failed = self.rows.iter().filter(|r| r.outcome.is_err()).count();
        let finished = Finished {
            scored: self.rows.len() - failed,
            failed,
            not_read: self.not_read,
            duplicates: self.duplicates.len(),
            plugin_errors: self.plugin_errors,
            grades: grade_counts(&self.rows),
            files: Vec::new(),
        };
        let Some(output) = self.dir else {
            return Ok(finished);
        };
        if self.rows.is_empty() {
            // Nothing to show: the run's directory is removed, --out's left as it was.
            return Ok(finished);
        }
        let dir = output.path();
        let rows = &self.rows;
        let mut notes = self.notes.clone();
        if self.not_read > 0 {
            notes.insert(
                0,
                format!(
                    "未能读取 {} 个文件 (格式、编码或无文字层, 原因见「未能评分」)",
                    self.not_read
                ),
            );
        }
        if !self.duplicates.is_empty() {
            notes.push(format!(
                "重复报送 {} 份, 未评分 (同一单位、年度和类型只评一份: {})",
                self.duplicates.len(),
                SourceKind::RULE
            ));
            notes.extend(self.duplicates.iter().cloned());
        }
        let notes = &notes;
        let review = self.reviewed.summary()?;
        let review = review.as_ref();
        std::thread::scope(|scope| -> Result<()> {
            let xlsx = dir.join("summary.xlsx");
            let workbook = self
                .workbook
                .map(|w| scope.spawn(move || w.finish(rows, notes, review, &xlsx)));
            let grades = rules.grade_names();
            // Each summary written as it is made: a row a unit is tens of megabytes at 100,000.
            timings::time(Stage::SummaryCsv, || {
                write_new_synced(&dir.join("summary.csv"), |file| {
                    jixiao_report::summary_csv_to(file, rows).context("cannot write summary.csv")
                })
            })?;
            timings::time(Stage::SummaryMd, || {
                write_new_synced(&dir.join("summary.md"), |file| {
                    jixiao_report::summary_markdown_to(file, rows, notes, &grades)
                        .context("cannot write summary.md")
                })
            })?;
            let rule_set = jixiao_engine::RuleSetRef::of(rules);
            let info = BatchInfo {
                rule_set: &rule_set,
                grades: &grades,
                findings: &self.findings,
                notes,
                bureau: self.bureau.as_deref(),
            };
            timings::time(Stage::IndexHtml, || {
                write_new_synced(&dir.join("index.html"), |file| {
                    jixiao_report::html::index_to(file, &info, rows, &self.pages)
                        .context("cannot write index.html")
                })
            })?;
            if let Some(workbook) = workbook {
                workbook
                    .join()
                    .map_err(|_| anyhow::anyhow!("the summary.xlsx writer panicked"))??;
            }
            Ok(())
        })?;
        let returned = match self.streams.take() {
            Some(streams) => streams.close()?,
            None => Vec::new(),
        };
        let mut reviewed = Vec::new();
        for (name, text) in crate::review::Collected::files(review) {
            write_atomic(&dir.join(&name), text)?;
            reviewed.push(name);
        }
        let summaries = ["index.html", "summary.csv", "summary.md", "summary.xlsx"];
        let cards = self
            .names
            .all()
            .flat_map(|name| ["html", "json", "md"].map(|ext| format!("scorecards/{name}.{ext}")));
        let written: Vec<String> = summaries
            .into_iter()
            .map(str::to_owned)
            .chain(cards)
            .chain(returned)
            .chain(reviewed)
            .chain(kept)
            .collect();
        timings::time(Stage::Commit, || output.commit(written.iter().cloned()))?;
        let mut finished = finished;
        finished.files = written
            .into_iter()
            .filter(|name| !name.starts_with("scorecards/"))
            .collect();
        Ok(finished)
    }
}

/// What a run did.
#[derive(Debug)]
pub struct Finished {
    pub scored: usize,
    pub failed: usize,
    /// Of the failed, the files that could not be read at all.
    pub not_read: usize,
    /// Submissions not scored: another submission of the same unit was.
    pub duplicates: usize,
    /// Units scored with at least one plugin error finding.
    pub plugin_errors: usize,
    /// e.g. "优 3, 良 5".
    pub grades: String,
    /// The files written into --out besides the scorecards (the summaries, the 退回清单, the
    /// round's record), relative to it: what the results store keeps of the run.
    pub files: Vec<String>,
}

impl Sink for Outputs {
    fn accept(&mut self, scored: Scored) -> Result<()> {
        self.progress.inc(1);
        if !scored.warnings.is_empty() {
            self.progress.suspend(|| {
                for line in &scored.warnings {
                    crate::term::prefixed(line);
                }
            });
        }
        match scored.result {
            Outcome::Scored(card, ingested, returns) => {
                let earlier = self.earlier(scored.submission.as_ref(), &scored.source);
                let (identity, figures, rows) = scored
                    .read
                    .clone()
                    .unwrap_or_else(|| unreachable!("a scored unit was read"));
                let resubmission = earlier.map(|record| {
                    crate::resubmit::compare(
                        record,
                        &figures,
                        rows,
                        card.total,
                        card.grade.clone(),
                        &returns,
                    )
                });
                let mut record = Record {
                    source: scored.source.clone(),
                    sha256: scored.submission.as_ref().map(|s| s.sha256.clone()),
                    unit: Some(identity),
                    outcome: "scored".to_owned(),
                    scorecard: None,
                    total: Some(shown_total(&card)),
                    total_exact: Some(card.total_exact.normalize()),
                    grade: card.grade.clone(),
                    returns: returns.iter().map(Item::from).collect(),
                    figures: if self.dir.is_some() {
                        figures
                    } else {
                        BTreeMap::new()
                    },
                    rows,
                };
                if !returns.is_empty() {
                    let list = ReturnList {
                        unit: card.unit.name.clone(),
                        code: card.unit.code.clone(),
                        source: scored.source.clone(),
                        items: returns,
                    };
                    if let Some(streams) = &mut self.streams {
                        streams.send_back(list, &scored.stem)?;
                    }
                }
                let completeness = ingested
                    .as_ref()
                    .map(|i| jixiao_ingest::completeness(&i.unit, &self.rules));
                let document = ingested.as_deref().zip(completeness.as_ref());
                if card.count(Severity::Error) > 0 {
                    self.plugin_errors += 1;
                }
                if let Some(print) = self.print {
                    let mut text = match print {
                        Print::Terminal { width } => {
                            jixiao_report::terminal(&card, width)
                                + "\n"
                                + &sources(&card, document, false)
                                + &resubmission_text(resubmission.as_ref(), false)
                        }
                        Print::Json => {
                            with_resubmission(json_card(&card, document), resubmission.as_ref())
                        }
                        Print::Jsonl => json_line(&card, document)?,
                        Print::Markdown => {
                            jixiao_report::markdown(&card)
                                + "\n"
                                + &sources(&card, document, true)
                                + &resubmission_text(resubmission.as_ref(), true)
                        }
                    };
                    if let Print::Json = print {
                        let open = if self.printed == 0 { "[\n" } else { ",\n" };
                        text = format!("{open}{}", text.trim_end());
                    }
                    self.printed += 1;
                    std::io::stdout()
                        .lock()
                        .write_all(text.as_bytes())
                        .context("cannot write to standard output")?;
                }
                let name = self.write_scorecard(
                    &scored.stem,
                    &card,
                    document,
                    resubmission.as_ref(),
                    scored.pages,
                )?;
                if self.dir.is_some() {
                    self.findings.add(&card);
                    self.reviewed.add(&card);
                }
                self.pages
                    .push(name.as_ref().map(|n| format!("scorecards/{n}.html")));
                record.scorecard = name;
                self.record(&record)?;
                self.rows.push(SummaryRow {
                    source: scored.source.clone(),
                    outcome: Ok(UnitSummary {
                        read: completeness.as_ref().map(|c| (c.found(), c.needed())),
                        last_year: history(self.history, scored.last_year, &card),
                        ..UnitSummary::of(&card)
                    }),
                });
                if let Some(workbook) = &mut self.workbook
                    && !workbook.add(scored.source, *card)
                {
                    // The writer stopped on an error: `join` reports it.
                    self.workbook.take().map(WorkbookThread::join).transpose()?;
                }
            }
            Outcome::Duplicate(duplicate) => {
                let line = duplicate_line(&scored.source, &duplicate);
                let kind = if duplicate.superseded {
                    crate::term::Kind::Note
                } else {
                    crate::term::Kind::Warning
                };
                self.progress.suspend(|| crate::term::message(kind, &line));
                self.record(&Record {
                    source: scored.source.clone(),
                    sha256: scored.submission.as_ref().map(|s| s.sha256.clone()),
                    unit: None,
                    outcome: if duplicate.superseded {
                        "superseded"
                    } else {
                        "duplicate"
                    }
                    .to_owned(),
                    scorecard: None,
                    total: None,
                    total_exact: None,
                    grade: None,
                    returns: Vec::new(),
                    figures: BTreeMap::new(),
                    rows: 0,
                })?;
                if duplicate.superseded {
                    self.superseded.push(line);
                } else {
                    self.duplicates.push(line);
                }
            }
            Outcome::Failed(error) => {
                self.progress
                    .suspend(|| crate::term::message(crate::term::Kind::Error, &error.message));
                if error.not_read {
                    self.not_read += 1;
                }
                self.pages.push(None);
                let summary = error.summary();
                if let Some(i) = self.earlier_index(None, &scored.source) {
                    self.matched.insert(i);
                }
                self.record(&Record {
                    source: scored.source.clone(),
                    sha256: None,
                    unit: None,
                    outcome: "failed".to_owned(),
                    scorecard: None,
                    total: None,
                    total_exact: None,
                    grade: None,
                    returns: error.returns.iter().map(Item::from).collect(),
                    figures: BTreeMap::new(),
                    rows: 0,
                })?;
                if let Some(streams) = &mut self.streams {
                    let list = ReturnList {
                        unit: scored.stem.clone(),
                        code: None,
                        source: scored.source.clone(),
                        items: error.returns,
                    };
                    streams.send_back(list, &scored.stem)?;
                }
                self.rows.push(SummaryRow {
                    source: scored.source,
                    outcome: Err(summary),
                });
            }
        }
        Ok(())
    }
}

/// `湖南省部门整体支出绩效评价 (2024.1 版)`; for a rule set that extends another, `… (2024.1 版,
/// 继承自 湖南省部门整体支出绩效评价 (区县版) 2024.1 版)`.
pub fn rule_set_label(rules: &ValidRuleSet) -> String {
    match &rules.inheritance {
        Some(i) => format!(
            "{} ({} 版, 继承自 {} {} 版)",
            rules.name, rules.version, i.parent.name, i.parent.version
        ),
        None => format!("{} ({} 版)", rules.name, rules.version),
    }
}

/// Writes the 退回清单 of the units with problems into `dir`: `退回清单/<stem>.html` each, and
/// `退回清单.csv` with every item; returns the files written (none when no unit has a problem).
pub fn write_returns(
    dir: &std::path::Path,
    lists: &[ReturnList],
    stems: &[String],
    rule_set: Option<&str>,
    bureau: Option<&str>,
) -> Result<Vec<String>> {
    if lists.is_empty() {
        return Ok(Vec::new());
    }
    let folder = dir.join(RETURNS);
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let mut names = Names::default();
    let mut written = Vec::new();
    let mut sorted = Vec::with_capacity(lists.len());
    for (list, stem) in lists.iter().zip(stems) {
        let list = list.clone().sorted();
        let name = names.unique(stem);
        write_atomic_unsynced(
            &folder.join(format!("{name}.html")),
            jixiao_report::returns::html(&list, rule_set, bureau),
        )?;
        written.push(format!("{RETURNS}/{name}.html"));
        sorted.push(list);
    }
    write_atomic(
        &dir.join(format!("{RETURNS}.csv")),
        jixiao_report::returns::csv(&sorted),
    )?;
    written.push(format!("{RETURNS}.csv"));
    Ok(written)
}

/// What `score --out` writes as units arrive, so that memory holds none of it: the round's
/// record (`round.jsonl`), and the 退回清单 (a page a unit when scorecards are written, and the
/// table of every item).
struct Streams {
    dir: std::path::PathBuf,
    record: std::io::BufWriter<std::fs::File>,
    /// `退回清单.csv`, opened at the first unit with a problem.
    returns: Option<std::io::BufWriter<std::fs::File>>,
    pages: bool,
    names: Names,
    written: Vec<String>,
    rule_set: String,
    bureau: Option<String>,
}

impl Streams {
    fn open(
        dir: &std::path::Path,
        pages: bool,
        rule_set: String,
        bureau: Option<String>,
    ) -> Result<Streams> {
        let path = dir.join(crate::resubmit::RECORD);
        let file = std::fs::File::create(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Streams {
            dir: dir.to_owned(),
            record: std::io::BufWriter::new(file),
            returns: None,
            pages,
            names: Names::default(),
            written: vec![crate::resubmit::RECORD.to_owned()],
            rule_set,
            bureau,
        })
    }

    fn record(&mut self, record: &Record) -> Result<()> {
        let _timed = timings::Timed::start(Stage::RoundRecord);
        serde_json::to_writer(&mut self.record, record).context("cannot write round.jsonl")?;
        self.record
            .write_all(b"\n")
            .context("cannot write round.jsonl")
    }

    /// A unit's 退回清单: its rows in the table, and its page.
    fn send_back(&mut self, list: ReturnList, stem: &str) -> Result<()> {
        let _timed = timings::Timed::start(Stage::Returns);
        let list = list.sorted();
        if self.returns.is_none() {
            let path = self.dir.join(format!("{RETURNS}.csv"));
            let mut file = std::io::BufWriter::new(
                std::fs::File::create(&path)
                    .with_context(|| format!("cannot create {}", path.display()))?,
            );
            file.write_all(jixiao_report::returns::csv_header().as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            self.returns = Some(file);
            self.written.push(format!("{RETURNS}.csv"));
            if self.pages {
                std::fs::create_dir_all(self.dir.join(RETURNS))
                    .with_context(|| format!("cannot create {RETURNS}/"))?;
            }
        }
        if let Some(file) = &mut self.returns {
            file.write_all(jixiao_report::returns::csv_rows(&list).as_bytes())
                .with_context(|| format!("cannot write {RETURNS}.csv"))?;
        }
        if self.pages {
            let name = self.names.unique(stem);
            write_atomic_unsynced(
                &self.dir.join(RETURNS).join(format!("{name}.html")),
                jixiao_report::returns::html(&list, Some(&self.rule_set), self.bureau.as_deref()),
            )?;
            self.written.push(format!("{RETURNS}/{name}.html"));
        }
        Ok(())
    }

    /// Flushes what was written; returns the files.
    fn close(mut self) -> Result<Vec<String>> {
        self.record.flush().context("cannot write round.jsonl")?;
        if let Some(file) = &mut self.returns {
            file.flush()
                .with_context(|| format!("cannot write {RETURNS}.csv"))?;
        }
        Ok(self.written)
    }
}

/// The folder (and, with `.csv`, the table) of the 退回清单.
pub const RETURNS: &str = "退回清单";

/// The folder under `scorecards/` that keeps the earlier scorecards of the units filed again.
const EARLIER: &str = "上次报送";

fn record_source(previous: &crate::resubmit::Previous, i: usize) -> String {
    previous.records[i].source.clone()
}

/// The resubmission section of a Markdown (or terminal) scorecard; empty for a first submission.
fn resubmission_text(resubmission: Option<&Resubmission>, markdown: bool) -> String {
    resubmission.map_or_else(String::new, |r| {
        jixiao_report::resubmission::markdown(r, markdown)
    })
}

/// The JSON scorecard with, for a resubmission, its comparison under `resubmission`.
fn with_resubmission(json: String, resubmission: Option<&Resubmission>) -> String {
    let Some(r) = resubmission else {
        return json;
    };
    let Ok(serde_json::Value::Object(mut card)) = serde_json::from_str(&json) else {
        return json;
    };
    let items = |items: &[ReturnItem]| -> Vec<serde_json::Value> {
        items
            .iter()
            .map(|i| serde_json::json!({"place": i.place, "problem": i.problem, "code": i.code}))
            .collect()
    };
    card.insert(
        "resubmission".to_owned(),
        serde_json::json!({
            "earlier_source": r.earlier_source,
            "earlier_total": r.earlier_total,
            "earlier_grade": r.earlier_grade,
            "changes": r.changes.iter().map(|(f, old, new)| serde_json::json!({"field": f, "earlier": old, "now": new})).collect::<Vec<_>>(),
            "rows": {"earlier": r.rows.0, "now": r.rows.1},
            "fixed": items(&r.fixed),
            "open": items(&r.open),
        }),
    );
    let text = serde_json::to_string_pretty(&serde_json::Value::Object(card)).unwrap_or(json);
    jixiao_report::json_visible_owned(text)
}

/// `重复报送: b.docx (报告) 未评分, 同一单位同一年度已采用 a.xlsx (填报表)`.
fn duplicate_line(source: &str, duplicate: &Duplicate) -> String {
    if duplicate.superseded {
        return format!(
            "重新报送: {source} 为上一轮已评分的文件, 由本轮重新报送的 {} 替换",
            duplicate.kept
        );
    }
    format!(
        "重复报送: {source} ({}) 未评分, 与 {} ({}) 为同一单位、同一年度、同一类型的自评, 采用后者",
        duplicate.kind.label(),
        duplicate.kept,
        duplicate.kept_kind.label(),
    )
}

/// A scorecard's JSON on one line, for `-f jsonl`: the same JSON as [`json_card`]'s.
fn json_line(card: &Scorecard, document: FromDocument<'_>) -> Result<String> {
    let line = match document {
        // The scorecard with its sources is built as a JSON value: its keys in the same order.
        Some(_) => serde_json::from_str::<serde_json::Value>(&json_card(card, document))
            .context("internal error: a scorecard's JSON does not parse")?
            .to_string(),
        None => serde_json::to_string(card).context("internal error: a scorecard's JSON")?,
    };
    Ok(jixiao_report::json_visible_owned(line) + "\n")
}

/// A scorecard's total as shown, for `round.jsonl`: with exactly the rule set's decimals, so
/// that it is written as the scorecard's JSON writes it (`"90.00"`, not `"90"`).
fn shown_total(card: &Scorecard) -> rust_decimal::Decimal {
    let mut total = jixiao_model::round(card.total, card.rule_set.score_decimals);
    total.rescale(card.rule_set.score_decimals);
    total
}

/// What a scored unit's summary row shows of its year before: nothing without a store, else the
/// store's record (its total read as a decimal from the stored text, the change at this year's
/// rule set's decimals) or 上年无记录.
fn history(
    kept: bool,
    last: Option<jixiao_store::LastYear>,
    card: &Scorecard,
) -> jixiao_report::last_year::History {
    use jixiao_report::last_year::{History, LastYearResult};
    match (kept, last) {
        (false, _) => History::NotKept,
        (true, None) => History::NoRecord,
        (true, Some(last)) => History::Record(Box::new(LastYearResult::new(
            last.run,
            last.year,
            last.rule_set_id,
            last.rule_set_version,
            last.total,
            last.grade,
            last.reviewed,
            card.review.as_ref().map_or(card.total, |r| r.total),
            &card.rule_set.id,
            card.rule_set.score_decimals,
        ))),
    }
}

/// "优 3, 良 5" for the scored rows, grades in order of first appearance.
fn grade_counts(rows: &[SummaryRow]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for row in rows {
        if let Ok(s) = &row.outcome {
            match counts.iter_mut().find(|(g, _)| *g == s.grade_label()) {
                Some((_, n)) => *n += 1,
                None => counts.push((s.grade_label(), 1)),
            }
        }
    }
    counts
        .iter()
        .map(|(g, n)| format!("{g} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use jixiao_model::SelfEvaluation;
    use jixiao_report::returns::Need;

    use super::*;

    #[test]
    fn what_the_reader_converted_is_a_finding_of_the_scorecard_and_an_item_to_confirm() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let (rules, _) =
            jixiao_rules::RuleSet::load(&root.join("configs/hunan-department.toml")).unwrap();
        let unit = SelfEvaluation::load(
            &root.join("tests/fixtures/units/department/lusong-kexie-2024.toml"),
        )
        .unwrap();
        let note = ReturnItem {
            need: Need::Confirm,
            place: "工作表「单位」C23".to_owned(),
            problem: "财政拨款收入填的是文字“853,300元”, 已按 85.33 万元读取".to_owned(),
            expected: "确认".to_owned(),
            code: "note".to_owned(),
        };
        let loaded = Loaded {
            unit,
            ingested: None,
            warnings: Vec::new(),
            returns: vec![note.clone()],
        };
        let options = Options::default();
        let context = Context {
            rules: &rules,
            options: &options,
            vocabulary: Vocabulary::builtin(),
            ledger: None,
            reviews: None,
            figures: false,
            record: false,
            prior: None,
            renderer: None,
        };
        let scored = score_job(
            Job::File(PathBuf::from("科协.xlsx")),
            Slot::Loaded(Box::new(loaded)),
            None,
            &context,
        );
        let Outcome::Scored(card, _, returns) = scored.result else {
            panic!("the unit is scored");
        };
        let finding = card
            .findings
            .iter()
            .find(|f| f.rule == jixiao_engine::EngineRule::ReadingNote.into())
            .expect("a reading note");
        assert_eq!(finding.severity, Severity::Soft);
        assert_eq!(
            finding.message,
            "工作表「单位」C23: 财政拨款收入填的是文字“853,300元”, 已按 85.33 万元读取"
        );
        // The note first, then the hard finding of the sample (a fund that does not reconcile).
        assert_eq!(returns[0], note);
        assert_eq!(returns[1].need, Need::Explain);
        assert_eq!(returns[1].code, "fund_reconciliation");
        // The note does not move the score.
        assert_eq!(card.total, rust_decimal::Decimal::new(6828, 2));
    }
}
