//! Scoring a batch: units are read and scored in parallel, chunk by chunk, and handed in input
//! order to one writer thread, so memory holds one chunk and one summary row per unit, and the
//! output is the same whatever the number of threads.

use std::io::{IsTerminal as _, Write as _};
use std::sync::mpsc::{SyncSender, sync_channel};

use anyhow::{Context as _, Result};
use indicatif::{ProgressBar, ProgressStyle};
use jixiao_engine::{Options, Scorecard, Severity};
use jixiao_ingest::{Completeness, Ingested, Vocabulary};
use jixiao_report::html::{BatchInfo, FindingCounts};
use jixiao_report::xlsx::{IndicatorColumn, SummaryWorkbook};
use jixiao_report::{SummaryRow, UnitSummary};
use jixiao_rules::{Indicator, ValidRuleSet};
use rayon::prelude::*;

use crate::inputs::{Failed, Job};
use crate::output::{Names, OutputDir, write_atomic, write_atomic_unsynced};

/// Units read and scored together before being handed to the writer.
const CHUNK: usize = 1024;

/// One unit's result.
pub struct Scored {
    pub source: String,
    pub stem: String,
    /// What reading the unit noted (forms), printed before its result.
    pub warnings: Vec<String>,
    pub result: Result<(Scorecard, Option<Ingested>), Failed>,
}

/// Scores one job; any failure (unreadable, invalid, wrong kind, engine panic) is this unit's
/// error alone.
fn score_job(
    job: Job,
    rules: &ValidRuleSet,
    options: &Options<'_>,
    vocabulary: &Vocabulary,
) -> Scored {
    let (source, stem) = (job.source(), job.stem());
    // Reading (a form, a report) and scoring both run under `catch_unwind`: a bug tripped by one
    // unit is that unit's error, never the end of the batch.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let loaded = job.load_with(Some(rules), vocabulary)?;
        let mut card = jixiao_engine::score_with(&loaded.unit, rules, options)
            .map_err(|error| Failed::invalid(format!("{source}: {error}")))?;
        // What the document's reader says a person must look at is a finding of the unit.
        if let Some(ingested) = &loaded.ingested {
            card.findings
                .extend(jixiao_ingest::review_findings(ingested));
        }
        Ok::<_, Failed>((card, loaded.ingested, loaded.warnings))
    }));
    let (result, warnings) = match outcome {
        Ok(Ok((card, ingested, warnings))) => (Ok((card, ingested)), warnings),
        Ok(Err(error)) => (Err(error), Vec::new()),
        Err(_) => (
            Err(Failed::invalid(format!(
                "{source}: internal error while reading or scoring this unit (a panic); please report it"
            ))),
            Vec::new(),
        ),
    };
    Scored {
        source,
        stem,
        warnings,
        result,
    }
}

/// Where results go, in input order.
pub trait Sink: Send {
    fn accept(&mut self, scored: Scored) -> Result<()>;
}

/// Reads, scores and hands over every job; returns when the sink has taken the last one.
pub fn run<S: Sink>(
    jobs: impl Iterator<Item = Result<Job, (String, String)>>,
    rules: &ValidRuleSet,
    options: &Options<'_>,
    vocabulary: &Vocabulary,
    sink: &mut S,
) -> Result<()> {
    let (sender, receiver) = sync_channel::<Vec<Scored>>(2);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<()> {
            for chunk in receiver {
                for scored in chunk {
                    sink.accept(scored)?;
                }
            }
            Ok(())
        });
        let mut jobs = jobs.peekable();
        while jobs.peek().is_some() {
            let chunk: Vec<_> = jobs.by_ref().take(CHUNK).collect();
            let scored: Vec<Scored> = chunk
                .into_par_iter()
                .map(|job| match job {
                    Ok(job) => score_job(job, rules, options, vocabulary),
                    Err((source, error)) => Scored {
                        stem: source.clone(),
                        source,
                        warnings: Vec::new(),
                        result: Err(Failed::invalid(error)),
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
struct WorkbookThread {
    sender: SyncSender<(String, Scorecard)>,
    handle: std::thread::JoinHandle<Result<SummaryWorkbook>>,
}

impl WorkbookThread {
    fn start(workbook: SummaryWorkbook) -> WorkbookThread {
        let (sender, receiver) = sync_channel::<(String, Scorecard)>(CHUNK);
        let handle = std::thread::spawn(move || {
            let mut workbook = workbook;
            for (source, card) in receiver {
                workbook
                    .add_unit(&source, &card)
                    .context("cannot write summary.xlsx")?;
            }
            Ok(workbook)
        });
        WorkbookThread { sender, handle }
    }

    /// Waits for the rows sent so far to be written, then adds the summary sheet (and `notes`
    /// under it).
    fn finish(self, rows: &[SummaryRow], notes: &[String]) -> Result<Vec<u8>> {
        drop(self.sender);
        let workbook = self
            .handle
            .join()
            .map_err(|_| anyhow::anyhow!("the summary.xlsx writer panicked"))??;
        workbook
            .finish(rows, notes)
            .context("cannot write summary.xlsx")
    }
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
    /// Lines under the summaries (skipped files, files not read), in Chinese.
    notes: Vec<String>,
    progress: ProgressBar,
    /// The rule set scored by: what a unit read from a document must give (读取完整度).
    rules: jixiao_rules::RuleSet,
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
    jixiao_report::json_visible(&json).into_owned()
}

/// The 数据来源 section for a unit read from a report (empty for a unit file); the phrases it
/// quotes from the report with their control characters shown, not raw.
fn sources(card: &Scorecard, document: FromDocument<'_>, markdown: bool) -> String {
    match document {
        Some((ingested, completeness)) => {
            let rows = jixiao_ingest::sources_for(card, ingested);
            let text = jixiao_ingest::sources_markdown(&rows, ingested, completeness, markdown);
            jixiao_report::visible(&text).into_owned()
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
    ) -> Result<Outputs> {
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
                let mut grades: Vec<_> = rules.grades.iter().collect();
                grades.sort_by_key(|g| std::cmp::Reverse(g.min));
                let grades = grades.into_iter().map(|g| g.name.clone()).collect();
                let workbook = SummaryWorkbook::new(cols, grades, rules.year)
                    .context("cannot start summary.xlsx")?;
                Some(WorkbookThread::start(workbook))
            }
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
            notes: Vec::new(),
            progress: progress(total),
            rules: (**rules).clone(),
        })
    }

    /// A line for the notes under the summaries (`跳过 2 个非报送文件 (…)`).
    pub fn note(&mut self, line: String) {
        self.notes.push(line);
    }

    /// Whether anything shows the explanation of each point.
    pub fn explains(&self) -> bool {
        self.print.is_some() || (self.dir.is_some() && self.scorecards)
    }

    fn write_scorecard(
        &mut self,
        stem: &str,
        card: &Scorecard,
        document: FromDocument<'_>,
    ) -> Result<Option<String>> {
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        if !self.scorecards {
            return Ok(None);
        }
        let name = self.names.unique(stem);
        let base = dir.path().join("scorecards");
        write_atomic_unsynced(
            &base.join(format!("{name}.json")),
            json_card(card, document),
        )?;
        write_atomic_unsynced(
            &base.join(format!("{name}.md")),
            jixiao_report::markdown(card) + &sources(card, document, true),
        )?;
        write_atomic_unsynced(
            &base.join(format!("{name}.html")),
            jixiao_report::html::scorecard(card, "../index.html", None),
        )?;
        Ok(Some(format!("scorecards/{name}.html")))
    }

    /// Writes the summaries; returns how many units were scored and failed, and the grades.
    pub fn finish(self, rules: &ValidRuleSet) -> Result<Finished> {
        self.progress.finish_and_clear();
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
            plugin_errors: self.plugin_errors,
            grades: grade_counts(&self.rows),
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
        let notes = &notes;
        std::thread::scope(|scope| -> Result<()> {
            let workbook = self
                .workbook
                .map(|w| scope.spawn(move || w.finish(rows, notes)));
            let mut grades: Vec<_> = rules.grades.iter().collect();
            grades.sort_by_key(|g| std::cmp::Reverse(g.min));
            let grades: Vec<String> = grades.into_iter().map(|g| g.name.clone()).collect();
            write_atomic(&dir.join("summary.csv"), jixiao_report::summary_csv(rows))?;
            write_atomic(
                &dir.join("summary.md"),
                jixiao_report::summary_markdown(rows, notes, &grades),
            )?;
            let rule_set = jixiao_engine::RuleSetRef {
                id: rules.id.clone(),
                name: rules.name.clone(),
                version: rules.version.clone(),
            };
            let info = BatchInfo {
                rule_set: &rule_set,
                grades: &grades,
                findings: &self.findings,
                notes,
                bureau: None,
            };
            write_atomic(
                &dir.join("index.html"),
                jixiao_report::html::index(&info, rows, &self.pages),
            )?;
            if let Some(workbook) = workbook {
                let bytes = workbook
                    .join()
                    .map_err(|_| anyhow::anyhow!("the summary.xlsx writer panicked"))??;
                write_atomic(&dir.join("summary.xlsx"), bytes)?;
            }
            Ok(())
        })?;
        let summaries = ["index.html", "summary.csv", "summary.md", "summary.xlsx"];
        let cards = self
            .names
            .all()
            .flat_map(|name| ["html", "json", "md"].map(|ext| format!("scorecards/{name}.{ext}")));
        output.commit(summaries.into_iter().map(str::to_owned).chain(cards))?;
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
    /// Units scored with at least one plugin error finding.
    pub plugin_errors: usize,
    /// e.g. "优 3, 良 5".
    pub grades: String,
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
            Ok((card, ingested)) => {
                let completeness = ingested
                    .as_ref()
                    .map(|i| jixiao_ingest::completeness(&i.unit, &self.rules));
                let document = ingested.as_ref().zip(completeness.as_ref());
                if card.count(Severity::Error) > 0 {
                    self.plugin_errors += 1;
                }
                if let Some(print) = self.print {
                    let mut text = match print {
                        Print::Terminal { width } => {
                            jixiao_report::terminal(&card, width)
                                + "\n"
                                + &sources(&card, document, false)
                        }
                        Print::Json => json_card(&card, document),
                        Print::Jsonl => json_line(&card, document)?,
                        Print::Markdown => {
                            jixiao_report::markdown(&card) + "\n" + &sources(&card, document, true)
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
                let page = self.write_scorecard(&scored.stem, &card, document)?;
                if self.dir.is_some() {
                    self.findings.add(&card);
                }
                self.pages.push(page);
                self.rows.push(SummaryRow {
                    source: scored.source.clone(),
                    outcome: Ok(UnitSummary {
                        read: completeness.as_ref().map(|c| (c.found(), c.needed())),
                        ..UnitSummary::of(&card)
                    }),
                });
                if let Some(workbook) = &self.workbook
                    && workbook.sender.send((scored.source, card)).is_err()
                {
                    // The writer stopped on an error: `finish` reports it.
                    self.workbook
                        .take()
                        .map(|w| w.finish(&[], &[]))
                        .transpose()?;
                }
            }
            Err(error) => {
                self.progress
                    .suspend(|| crate::term::message(crate::term::Kind::Error, &error.message));
                if error.not_read {
                    self.not_read += 1;
                }
                self.pages.push(None);
                self.rows.push(SummaryRow {
                    source: scored.source,
                    outcome: Err(error.message),
                });
            }
        }
        Ok(())
    }
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
    Ok(jixiao_report::json_visible(&line).into_owned() + "\n")
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
