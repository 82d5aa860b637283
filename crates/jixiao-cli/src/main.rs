//! `jixiao`: score budget-performance self-evaluations (绩效自评) under a bureau's rule set.
//!
//! Exit status: 0 when every unit was scored, 1 when some units failed or have plugin errors (a
//! rule plugin that could not be loaded, or failed on the unit: the units are still scored and
//! reported, with an error finding per failed rule), 2 for a usage error or a rule set that
//! cannot be used.

mod batch;
mod cases;
mod compare;
mod examples;
mod explain;
mod export;
mod history;
mod import;
mod inputs;
mod output;
mod pin;
mod resubmit;
mod returns;
mod review;
mod round;
mod runs;
mod scoring;
mod snapshot;
mod store;
mod term;
mod timings;
mod verify;

/// mimalloc rather than the system's allocator: measured faster on large batches
/// (docs/performance.md, "Batches at bureau scale"). Plugins keep their own allocators; nothing
/// allocated on one side of the plugin ABI is freed on the other.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand, ValueEnum};
use jixiao_engine::{Explain, RuleExtension as _};
use jixiao_ingest::Vocabulary;
use jixiao_model::EvaluationKind;
use jixiao_plugin_host::Plugins;
use jixiao_rules::{RuleSet, ValidRuleSet};

use batch::{Outputs, Print};
use term::{error, info, note, warning};

#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about = "Score budget-performance self-evaluations (绩效自评) under a rule set", long_about = None, after_help = examples::TOP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Say only errors on standard error (no warnings, notes, or what was written).
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Say more on standard error: also each file skipped (and why).
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Colour the error/warning/note prefixes and the help: auto = on a terminal, unless NO_COLOR
    /// is set.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = term::ColorChoice::Auto)]
    color: term::ColorChoice,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The re-review (复核): pick the units to re-review from a round's output, and write the
    /// reviewer workbooks; `score --review` applies the filled ones.
    #[command(subcommand, after_help = examples::REVIEW)]
    Review(ReviewCommand),
    /// Score units under a rule set and print or write their scorecards.
    #[command(after_help = examples::SCORE)]
    Score(ScoreArgs),
    /// Score the same units under two rule sets (A, then B) and show what B changes: the grade
    /// transition matrix, the units whose grade changes, the biggest movers, the mean change per
    /// indicator.
    #[command(after_help = examples::COMPARE)]
    Compare(compare::CompareArgs),
    /// Validate rule sets: weights, grade bands, methods, parameters, and their plugins (loaded
    /// and handshaken, their rules and parameters checked).
    #[command(after_help = examples::CHECK)]
    Check {
        /// Rule-set files (TOML).
        #[arg(required = true)]
        rule_sets: Vec<PathBuf>,
        #[command(flatten)]
        plugins: PluginArgs,
        /// Also print each rule set's resolved indicator tree (name, points, id, method) and, for
        /// one that `extends` another, what it changed (key, parent's value → its own; added;
        /// dropped).
        #[arg(long)]
        explain: bool,
    },
    /// Show a plugin library's SHA-256 (to pin it in a rule set), name, version and rules; or
    /// `plugin pin RULESET` to write the pins.
    #[command(after_help = examples::PLUGIN, args_conflicts_with_subcommands = true)]
    Plugin {
        #[command(subcommand)]
        action: Option<PluginCommand>,
        /// Plugin libraries (.so, .dylib, .dll).
        #[arg(required = true)]
        libraries: Vec<PathBuf>,
    },
    /// Read a self-evaluation report (.txt, .md, .docx, .pdf, .xlsx, .xls) into a unit file draft.
    ///
    /// Every figure in the draft is preceded by a comment giving the section, line and phrase it
    /// was read from; the fields that could not be filled are listed at the top, never guessed.
    #[command(after_help = examples::INGEST)]
    Ingest {
        /// The report: plain text (UTF-8, UTF-16 or GBK), Markdown, Word (.docx), a PDF with a text layer, or a unit's own workbook.
        report: PathBuf,
        /// Write the draft here instead of standard output (- for standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
        #[command(flatten)]
        vocabulary: VocabularyArgs,
    },
    /// Validate unit files (and forms and reports, by reading them) without scoring them.
    #[command(after_help = examples::VALIDATE)]
    Validate {
        /// Unit files (TOML), filled forms (.xlsx), reports (.txt, .md, .docx, .pdf; a unit's own .xlsx / .xls tables), JSON Lines files
        /// (.jsonl) or directories of unit files, forms and reports; - for standard input (a
        /// unit file, or JSON Lines).
        #[arg(required = true)]
        units: Vec<PathBuf>,
        /// Write a 退回清单 (return list, in Chinese) for each unit with problems into this folder:
        /// `退回清单/FILE.html`, one a unit, and 退回清单.csv with every item. A new folder, an
        /// empty one, or one an earlier run wrote.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// The bureau's name, under every 退回清单.
        #[arg(long, value_name = "NAME", requires = "out")]
        bureau: Option<String>,
        #[command(flatten)]
        vocabulary: VocabularyArgs,
    },
    /// Generate a synthetic population of units (deterministic for a seed), for tests,
    /// demonstrations and benchmarks.
    #[command(after_help = examples::GENERATE)]
    Generate(GenerateArgs),
    /// Write the fill-in self-evaluation form (自评表, .xlsx) for a rule set, to send to units.
    #[command(after_help = examples::FORM)]
    Form {
        /// The rule set the form is for (TOML).
        #[arg(long, short)]
        rules: PathBuf,
        /// The workbook to write (.xlsx).
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Convert units (unit files, filled forms, reports, JSON Lines) to TOML unit files or JSON
    /// Lines, e.g. to keep a round's units under version control.
    #[command(after_help = examples::CONVERT)]
    Convert(ConvertArgs),
    /// Run hand-computed test cases of rule sets: each names a rule set, a unit, and the total,
    /// grade, indicator scores and findings expected.
    #[command(after_help = examples::TEST)]
    Test(cases::TestArgs),
    /// Record reference units' scorecards under a rule set, and show per unit and indicator what
    /// a change to it or its plugins does (--accept records the new state).
    #[command(after_help = examples::SNAPSHOT)]
    Snapshot(snapshot::SnapshotArgs),
    /// List the runs the results store holds: number, kind, when, rule set, years, units.
    #[command(after_help = examples::RUNS)]
    Runs(runs::RunsArgs),
    /// A unit's years in the results store (by 单位编码 or name): total, grade, rule set, review.
    #[command(after_help = examples::HISTORY)]
    History(history::HistoryArgs),
    /// Score a recorded run's units again under its recorded rule set and plugins, and report
    /// each score that differs today, and why it may.
    #[command(after_help = examples::VERIFY)]
    Verify(verify::VerifyArgs),
    /// Write a recorded run's summaries, 退回清单 and round.jsonl again, byte for byte.
    #[command(after_help = examples::EXPORT)]
    Export(export::ExportArgs),
    /// Load earlier years into the results store from the output folders of runs made without
    /// one.
    #[command(after_help = examples::IMPORT)]
    Import(import::ImportArgs),
    /// Print a shell completion script (e.g. `jixiao completions bash > ~/.local/share/bash-completion/completions/jixiao`).
    #[command(after_help = examples::COMPLETIONS)]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on standard output, or write one page per command into a
    /// directory.
    #[command(after_help = examples::MAN)]
    Man {
        /// Write jixiao.1 and jixiao-COMMAND.1 into this directory instead.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ReviewCommand {
    /// Pick the units to re-review: every unit a criterion picks (with its reasons), and a share
    /// of the rest at random, seeded and stratified by 主管部门 and amount.
    #[command(after_help = examples::REVIEW)]
    Sample(SampleArgs),
    /// Write the reviewer workbook (复核工作底稿) for a sample: one, or one per 主管部门.
    #[command(after_help = examples::REVIEW)]
    Workbook(WorkbookArgs),
}

#[derive(Debug, clap::Args)]
struct SampleArgs {
    /// The round's output folder (what `jixiao score --out` wrote, with its scorecards).
    #[arg(long, value_name = "DIR")]
    round: PathBuf,
    /// Of the units no criterion picks, the share to pick at random (0 to 1).
    #[arg(long, default_value = "0.2")]
    share: rust_decimal::Decimal,
    /// The seed of the random pick: the same round and seed give the same sample.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Pick every unit with a hard finding.
    #[arg(long)]
    hard_findings: bool,
    /// Pick every unit whose self-score differs from the system's by more than this many points on
    /// an indicator.
    #[arg(long, value_name = "POINTS")]
    gap_above: Option<rust_decimal::Decimal>,
    /// Pick every unit graded 优 whose 执行率 is below this percentage (e.g. 90).
    #[arg(long, value_name = "PERCENT")]
    excellent_below: Option<rust_decimal::Decimal>,
    /// Pick every unit whose 全年预算数 is above this amount (万元).
    #[arg(long, value_name = "WAN")]
    amount_above: Option<rust_decimal::Decimal>,
    /// The strata by amount, their edges in 万元 (e.g. 100,500,1000).
    #[arg(long, value_delimiter = ',', value_name = "WAN")]
    amount_bands: Vec<rust_decimal::Decimal>,
    /// Write the sample (CSV) here; - or nothing for standard output.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct WorkbookArgs {
    /// The rule set the round was scored by (its id and version are checked, and recorded in
    /// the workbook).
    #[arg(long, short)]
    rules: PathBuf,
    /// The round's output folder (what `jixiao score --out` wrote, with its scorecards).
    #[arg(long, value_name = "DIR")]
    round: PathBuf,
    /// The sample (`jixiao review sample --out`); without it, every unit of the round.
    #[arg(long, value_name = "FILE")]
    sample: Option<PathBuf>,
    /// One workbook per 主管部门 (for several reviewers), into the folder --out.
    #[arg(long)]
    by_supervisor: bool,
    /// The reviewer's name, pre-filled in the workbook.
    #[arg(long, value_name = "NAME")]
    reviewer: Option<String>,
    /// The workbook (.xlsx), or with --by-supervisor a folder.
    #[arg(long, short)]
    out: PathBuf,
}

#[derive(Debug, clap::Args)]
struct ConvertArgs {
    /// Unit files (TOML), filled forms (.xlsx), reports (.txt, .md, .docx, .pdf; a unit's own .xlsx / .xls tables), JSON Lines files
    /// (.jsonl) or directories of them; - for standard input (a unit file, or JSON Lines).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// What to write.
    #[arg(long, value_enum)]
    to: ConvertTo,
    /// For toml: a directory (one `<name>.toml` per unit), or a `.toml` file when there is one
    /// unit; for jsonl: the file; - for standard output.
    #[arg(long, short)]
    out: PathBuf,
    #[command(flatten)]
    vocabulary: VocabularyArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ConvertTo {
    Toml,
    Jsonl,
}

#[derive(Debug, clap::Args)]
struct GenerateArgs {
    /// How many units.
    #[arg(long, short = 'n')]
    count: u64,
    /// The seed: the same seed always gives the same units.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
    /// Which kinds of evaluation.
    #[arg(long, value_enum, default_value_t = Kind::Mixed)]
    kind: Kind,
    /// Units shaped like this unit file (TOML): its goals, claims, funds and narrative, each
    /// unit with its own name and code, its amounts scaled and its figures and texts varied.
    #[arg(long, value_name = "UNIT.toml", conflicts_with = "kind")]
    like: Option<PathBuf>,
    /// Write the units as JSON Lines to this file (- for standard output).
    #[arg(long, conflicts_with = "dir")]
    jsonl: Option<PathBuf>,
    /// Write one TOML unit file per unit under this directory.
    #[arg(long)]
    dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Kind {
    Mixed,
    Department,
    Project,
}

#[derive(Debug, clap::Args)]
struct ScoreArgs {
    /// The rule set to score by (TOML).
    #[arg(long, short)]
    rules: PathBuf,
    /// Unit files (TOML), filled forms (.xlsx, written by `jixiao form`), reports (.txt, .md,
    /// .docx, .pdf, a unit's own .xlsx / .xls tables, read as `jixiao ingest` reads them), JSON Lines files (.jsonl, one unit per line)
    /// or directories of unit files, forms and reports (searched recursively, in name order);
    /// - for standard input (a unit file, or JSON Lines).
    units: Vec<PathBuf>,
    /// JSON Lines files of units, e.g. an export from a budget system.
    #[arg(long, value_name = "FILE.jsonl")]
    input: Vec<PathBuf>,
    /// How to print scorecards on standard output (json: one array of them; jsonl: one a line).
    #[arg(long, short, value_enum, default_value_t = Format::Terminal)]
    format: Format,
    /// Write the results here instead of printing each scorecard: summary.csv, summary.xlsx,
    /// summary.md, index.html, and scorecards/ with one JSON, Markdown and HTML scorecard per unit.
    /// A new folder, an empty one, or one an earlier run wrote (replaced whole, when this run is
    /// done); never an input folder or one inside it.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// With --out: write only the summaries, no per-unit scorecards (for very large batches).
    #[arg(long, requires = "out")]
    no_scorecards: bool,
    /// The output folder of the earlier run of this round (its --out): units filed again
    /// replace their earlier submissions (not duplicates), each scorecard says what changed and
    /// which items of the earlier 退回清单 are fixed, and the units not filed again are carried
    /// over, so the new output is the whole round. The earlier folder is left as it is.
    #[arg(long, value_name = "DIR", requires = "out")]
    previous: Option<PathBuf>,
    /// The units that must file this round (CSV or XLSX: 单位编码, 单位名称, 主管部门, 评价类型…,
    /// Chinese headers; see docs/roster-and-ledger.md): units expected and not received (应交未交)
    /// and units received but not on it are listed, and make the exit status 1.
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// The bureau's own figures (CSV or XLSX keyed by 单位编码 / 项目编码: 全年预算数, 全年执行数,
    /// 三公经费, 编制数, in 万元 or 元 as the header says): each unit's figures are checked against
    /// them, a difference beyond the rule set's `[ledger]` tolerance is a finding, and the rule set
    /// says whose figure scores.
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    /// The bureau's name, e.g. 株洲市芦淞区财政局: in the header of every printed page and
    /// under every 退回清单.
    #[arg(long, value_name = "NAME")]
    bureau: Option<String>,
    /// Filled reviewer workbooks (`jixiao review workbook`): each reviewed score is applied with
    /// its reason, reviewer and date, and the final total and grade follow the rule set. A change
    /// without a reason, a score outside its points, a review of another rule-set version or of
    /// a unit not in this round is refused, naming the cell.
    #[arg(long, value_name = "FILE.xlsx", num_args = 1..)]
    review: Vec<PathBuf>,
    /// Worker threads (default: one per core). The output is the same for any number.
    #[arg(long)]
    threads: Option<usize>,
    /// At the end, print on standard error where the run's time went, stage by stage (reading,
    /// parsing, scoring, each summary, writing; see docs/performance.md).
    #[arg(long)]
    timings: bool,
    /// Width of the terminal table (default: the terminal's; else $COLUMNS; else 120).
    #[arg(long)]
    width: Option<u16>,
    #[command(flatten)]
    plugins: PluginArgs,
    #[command(flatten)]
    vocabulary: VocabularyArgs,
    #[command(flatten)]
    store: store::StoreArgs,
}

/// How reports are read.
#[derive(Debug, clap::Args)]
struct VocabularyArgs {
    /// For reports (.txt, .md, .docx, .pdf): a bureau's vocabulary file (TOML) whose labels are added
    /// to the reader's built-in ones (see docs/ingest.md).
    #[arg(long, value_name = "FILE")]
    vocabulary: Option<PathBuf>,
}

impl VocabularyArgs {
    /// The built-in vocabulary, extended by the file given.
    fn load(&self) -> Result<Cow<'static, Vocabulary>> {
        Ok(match &self.vocabulary {
            Some(path) => Cow::Owned(Vocabulary::from_file(path)?),
            None => Cow::Borrowed(Vocabulary::builtin()),
        })
    }
}

/// `jixiao plugin pin`.
#[derive(Debug, Subcommand)]
enum PluginCommand {
    /// Write the SHA-256 of each library a rule set loads into its `[[plugins]]` entries (after
    /// hashing, opening and checking each; comments and layout kept), so that it checks and
    /// scores without --allow-unpinned. Run it again after rebuilding the plugins.
    #[command(after_help = examples::PLUGIN_PIN)]
    Pin {
        /// The rule-set file (TOML) to pin.
        rule_set: PathBuf,
        /// Look for the libraries in this directory (e.g. target/release) instead of at the
        /// paths the rule set gives.
        #[arg(long, value_name = "DIR")]
        plugin_dir: Option<PathBuf>,
    },
}

/// How the rule set's plugins are found and trusted.
#[derive(Debug, clap::Args)]
struct PluginArgs {
    /// Load plugins the rule set does not pin with a `sha256` (for plugins you just built).
    #[arg(long)]
    allow_unpinned: bool,
    /// Look for plugin libraries in this directory (e.g. target/release) instead of at the paths
    /// the rule set gives.
    #[arg(long, value_name = "DIR")]
    plugin_dir: Option<PathBuf>,
}

impl PluginArgs {
    fn options(&self) -> jixiao_plugin_host::LoadOptions {
        jixiao_plugin_host::LoadOptions {
            allow_unpinned: self.allow_unpinned,
            plugin_dir: self.plugin_dir.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Terminal,
    Json,
    Jsonl,
    Markdown,
}

/// Exit status when some units could not be scored.
const SOME_FAILED: u8 = 1;
/// Exit status for a usage error or an unusable rule set.
const UNUSABLE: u8 = 2;

/// Writes a line to standard output. A closed pipe (`jixiao validate … | head`) is an error that
/// `main` ends on quietly (exit 141, as a program stopped by SIGPIPE), not a panic.
/// What it writes is made visible: an escape sequence from an input is shown, not acted on.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let line = format!($($arg)*);
        writeln!(std::io::stdout().lock(), "{}", jixiao_report::visible(&line))
            .context("cannot write to standard output")?
    }};
}

/// Exit status of a run whose standard output was closed before it ended (128 + SIGPIPE).
const CLOSED_PIPE: u8 = 141;

/// Whether `error` comes of standard output closed under the run (a reader such as `head` done).
fn closed_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `--color`'s value as given on the command line, before clap parses it (clap's own help and
/// errors are coloured by it too).
fn colour_arg() -> term::ColorChoice {
    let mut args = std::env::args_os().skip(1);
    let mut choice = term::ColorChoice::Auto;
    while let Some(arg) = args.next() {
        let value = match arg.to_str() {
            Some("--") => break,
            Some("--color") => args.next(),
            Some(arg) => arg.strip_prefix("--color=").map(Into::into),
            None => None,
        };
        if let Some(value) = value.as_ref().and_then(|v| v.to_str()) {
            choice = term::ColorChoice::from_str(value, true).unwrap_or(choice);
        }
    }
    choice
}

fn main() -> ExitCode {
    use std::io::IsTerminal as _;
    let no_color = std::env::var_os("NO_COLOR");
    let clap_colour = match colour_arg() {
        term::ColorChoice::Always => clap::ColorChoice::Always,
        term::ColorChoice::Never => clap::ColorChoice::Never,
        term::ColorChoice::Auto if no_color.as_ref().is_some_and(|v| !v.is_empty()) => {
            clap::ColorChoice::Never
        }
        term::ColorChoice::Auto => clap::ColorChoice::Auto,
    };
    let cli = match Cli::from_arg_matches(&Cli::command().color(clap_colour).get_matches()) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => term::Level::Quiet,
        (false, true) => term::Level::Verbose,
        (false, false) => term::Level::Normal,
    };
    term::set(
        level,
        term::colour(
            cli.color,
            no_color.as_deref(),
            std::io::stderr().is_terminal(),
        ),
    );
    let result = match cli.command {
        Command::Score(args) => score(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Check {
            rule_sets,
            plugins,
            explain,
        } => check(&rule_sets, &plugins, explain),
        Command::Plugin {
            action:
                Some(PluginCommand::Pin {
                    rule_set,
                    plugin_dir,
                }),
            ..
        } => plugin_pin(&rule_set, plugin_dir.as_deref()),
        Command::Plugin { libraries, .. } => plugin_info(&libraries),
        Command::Validate {
            units,
            out,
            bureau,
            vocabulary,
        } => validate(&units, out.as_deref(), bureau.as_deref(), &vocabulary),
        Command::Generate(args) => generate(&args),
        Command::Ingest {
            report,
            out,
            vocabulary,
        } => ingest(&report, out.as_deref(), &vocabulary),
        Command::Form { rules, out } => form(&rules, &out),
        Command::Convert(args) => convert(&args),
        Command::Test(args) => cases::run(&args),
        Command::Snapshot(args) => snapshot::run(&args),
        Command::Runs(args) => runs::run(&args),
        Command::History(args) => history::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Completions { shell } => completions(shell),
        Command::Man { out } => man(out.as_deref()),
        Command::Review(ReviewCommand::Sample(args)) => review_sample(&args),
        Command::Review(ReviewCommand::Workbook(args)) => review_workbook(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) if closed_pipe(&error) => ExitCode::from(CLOSED_PIPE),
        Err(error) => {
            error!("{error:#}");
            ExitCode::from(UNUSABLE)
        }
    }
}

fn load_rules(path: &Path) -> Result<ValidRuleSet> {
    let (rules, warnings) = RuleSet::load(path)?;
    for warning in warnings {
        warning!("{}: {warning}", path.display());
    }
    Ok(rules)
}

fn check(paths: &[PathBuf], plugin_args: &PluginArgs, explain: bool) -> Result<ExitCode> {
    let mut failed = false;
    for path in paths {
        let loaded = load_rules(path).and_then(|rules| {
            let plugins = Plugins::load(&rules, path, &plugin_args.options())?;
            Ok((rules, plugins))
        });
        match loaded {
            Ok((rules, plugins)) => {
                say!(
                    "ok: {} ({} v{}, {}, {} points, {} indicators)",
                    path.display(),
                    rules.id,
                    rules.version,
                    rules.applies_to.label(),
                    rules.total.normalize(),
                    count_leaves(&rules.indicators)
                );
                for plugin in plugins.provenance() {
                    say!(
                        "  plugin {} v{} sha256 {} (rules: {})",
                        plugin.name,
                        plugin.version,
                        plugin.sha256,
                        plugin.rules.join(", ")
                    );
                }
                if explain {
                    say!("{}\n", explain::explain(&rules));
                }
            }
            Err(error) => {
                error!("{error:#}");
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(UNUSABLE)
    } else {
        ExitCode::SUCCESS
    })
}

fn plugin_pin(rule_set: &Path, plugin_dir: Option<&Path>) -> Result<ExitCode> {
    let pins = pin::pin(rule_set, plugin_dir)?;
    for pin in &pins {
        let what = match &pin.before {
            None => "pinned".to_owned(),
            Some(old) if *old == pin.sha256 => "unchanged".to_owned(),
            Some(old) => format!("was {old}"),
        };
        say!(
            "{} v{}: {}\n  sha256 = \"{}\" ({what})",
            pin.plugin,
            pin.version,
            pin.library.display(),
            pin.sha256
        );
    }
    let changed = pins.iter().filter(|p| p.changed()).count();
    if changed == 0 {
        say!(
            "{}: every pin is up to date; not written",
            rule_set.display()
        );
    } else {
        say!("{}: {changed} pin(s) written", rule_set.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn plugin_info(paths: &[PathBuf]) -> Result<ExitCode> {
    let mut failed = false;
    for path in paths {
        match jixiao_plugin_host::inspect(path) {
            Ok(found) => {
                say!("{}", path.display());
                say!("  sha256 = \"{}\"", found.sha256);
                say!(
                    "  {} v{} (wire format {})",
                    found.manifest.name,
                    found.manifest.version,
                    found.manifest.format
                );
                for rule in &found.manifest.rules {
                    say!("  rule {}: {}", rule.name, rule.summary);
                    match &rule.needs {
                        Some(needs) => say!("    reads: {}", needs.join(", ")),
                        None => say!("    reads: the whole unit"),
                    }
                    for param in &rule.params {
                        say!(
                            "    {} ({:?}{}): {}",
                            param.name,
                            param.kind,
                            match (&param.default, param.required) {
                                (_, true) => ", required".to_owned(),
                                (Some(d), false) if !d.is_empty() => format!(", default {d}"),
                                _ => String::new(),
                            },
                            param.doc
                        );
                    }
                }
            }
            Err(error) => {
                error!("{}: {error}", path.display());
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(UNUSABLE)
    } else {
        ExitCode::SUCCESS
    })
}

fn count_leaves(indicators: &[jixiao_rules::Indicator]) -> usize {
    indicators
        .iter()
        .map(|i| {
            if i.is_leaf() {
                1
            } else {
                count_leaves(&i.children)
            }
        })
        .sum()
}

fn validate(
    paths: &[PathBuf],
    out: Option<&Path>,
    bureau: Option<&str>,
    vocabulary: &VocabularyArgs,
) -> Result<ExitCode> {
    let vocabulary = vocabulary.load()?;
    let mut found = inputs::discover(paths)?;
    let (mut valid, mut invalid) = (0usize, 0usize);
    let skipped = std::mem::take(&mut found.skipped);
    let dir = match out {
        Some(out) => {
            let input_dirs: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).cloned().collect();
            Some(output::OutputDir::prepare(out, &input_dirs)?)
        }
        None => None,
    };
    let (mut returns, mut stems) = (Vec::new(), Vec::new());
    for job in inputs::jobs(&found)? {
        let (source, stem) = match &job {
            Ok(job) => (job.source(), job.stem()),
            Err((source, _)) => (source.clone(), source.clone()),
        };
        match job
            .map_err(|(_, e)| inputs::Failed::invalid(e))
            .and_then(|job| job.load(&vocabulary).map(|u| (job, u)))
        {
            Ok((job, loaded)) => {
                valid += 1;
                for warning in &loaded.warnings {
                    term::prefixed(warning);
                }
                let unit = &loaded.unit.unit().unit;
                say!(
                    "ok: {} ({} {} {})",
                    job.source(),
                    unit.name,
                    unit.year,
                    unit.kind.label()
                );
                if !loaded.returns.is_empty() {
                    returns.push(jixiao_report::returns::ReturnList {
                        unit: unit.name.clone(),
                        code: unit.code.clone(),
                        source,
                        items: loaded.returns,
                    });
                    stems.push(stem);
                }
            }
            Err(error) => {
                invalid += 1;
                error!("{error}");
                returns.push(jixiao_report::returns::ReturnList {
                    unit: stem.clone(),
                    code: None,
                    source,
                    items: error.returns,
                });
                stems.push(stem);
            }
        }
    }
    info!("{valid} valid, {invalid} invalid");
    if let Some(dir) = dir {
        let written = batch::write_returns(dir.path(), &returns, &stems, None, bureau)?;
        let count = written.len().saturating_sub(1);
        dir.commit(written)?;
        if let Some(out) = out {
            info!("wrote {count} 退回清单 (return lists) to {}", out.display());
        }
    }
    skipped_note(&skipped);
    Ok(if invalid > 0 {
        ExitCode::from(SOME_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

fn score(args: &ScoreArgs) -> Result<ExitCode> {
    if args.timings {
        timings::enable();
    }
    let mut clock = timings::Clock::start();
    let status = score_timed(args, &mut clock);
    if args.timings {
        eprint!("{}", clock.report());
    }
    status
}

fn score_timed(args: &ScoreArgs, clock: &mut timings::Clock) -> Result<ExitCode> {
    // `--out` is a folder; a file's name there (`res.xlsx`) is a slip, said before anything is
    // written.
    if let Some(out) = &args.out
        && !out.is_dir()
        && let Some(ext) = out.extension().and_then(|e| e.to_str())
        && ["xlsx", "csv", "md", "html", "json"].contains(&ext.to_ascii_lowercase().as_str())
    {
        bail!(
            "--out names the folder the summaries (summary.csv, .md, .xlsx, index.html) and \
             scorecards are written into; {} looks like a file: give a folder, e.g. --out {}",
            out.display(),
            out.with_extension("").display()
        );
    }
    let rules = load_rules(&args.rules)?;
    let vocabulary = args.vocabulary.load()?;
    // The store is opened (and refused, when it is not one) before anything is scored.
    let store = args.store.open(true)?;
    let (plugins, plugin_errors) =
        Plugins::load_or_report(&rules, &args.rules, &args.plugins.options());
    for error in &plugin_errors {
        error!("{error}");
    }
    if !plugin_errors.is_empty() {
        info!(
            "scoring without {} plugin(s): each unit gets an error finding for their rules",
            plugin_errors.len()
        );
    }
    let mut paths = args.units.clone();
    paths.extend(args.input.iter().cloned());
    if paths.is_empty() {
        anyhow::bail!("no units given: name unit files, directories or --input FILE.jsonl");
    }
    let mut found = timings::time(timings::Stage::Discover, || inputs::discover(&paths))?;
    let skipped = std::mem::take(&mut found.skipped);
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .context("cannot start the worker threads")?;
    }
    // Every unit is identified before any is scored: a unit that filed twice is scored once.
    clock.lap(timings::Stage::PhaseStart);
    let mut identified = batch::identify(&found, &rules, &vocabulary)?;
    let mut submissions: Vec<Option<round::Submission>> = identified
        .iter()
        .map(|i| match i {
            inputs::Identified::Loaded(_, s) | inputs::Identified::Known(s) => Some(s.clone()),
            inputs::Identified::Failed(_) | inputs::Identified::Unknown => None,
        })
        .collect();
    let previous = args
        .previous
        .as_deref()
        .map(resubmit::Previous::load)
        .transpose()?;
    // A submission that is the very file the earlier round had for its unit.
    let earlier: Vec<bool> = submissions
        .iter()
        .map(|s| {
            let (Some(previous), Some(s)) = (&previous, s) else {
                return false;
            };
            previous
                .find(Some(s), &s.source)
                .and_then(|i| previous.records[i].sha256.as_deref())
                .is_some_and(|sha| sha == s.sha256)
        })
        .collect();
    let mut duplicates = round::duplicates(&submissions, &earlier);
    // A unit file is identified from its [unit] table alone. Of a unit filed more than once,
    // each such file is parsed whole before one is chosen: one that does not parse is a unit
    // that failed, never scored instead of one that does (nor is the good one dropped for it).
    let doubtful: std::collections::BTreeSet<usize> = duplicates
        .iter()
        .flat_map(|d| [d.dropped, d.kept])
        .filter(|&i| found.files.get(i).is_some_and(|f| inputs::is_unit_file(f)))
        .collect();
    let mut refused = false;
    for i in doubtful {
        if let Err(failed) = inputs::Job::File(found.files[i].clone()).load(&vocabulary) {
            identified[i] = inputs::Identified::Failed(failed);
            submissions[i] = None;
            refused = true;
        }
    }
    if refused {
        duplicates = round::duplicates(&submissions, &earlier);
    }
    let reviews = if args.review.is_empty() {
        None
    } else {
        let keys: Vec<jixiao_review::UnitKey> = submissions
            .iter()
            .flatten()
            .map(|s| review::key_of(&s.identity))
            .collect();
        Some(review::Reviews::load(&args.review, &rules, &keys)?)
    };
    // The files that could not be read (the files are the first jobs, in order).
    let unread: Vec<&Path> = found
        .files
        .iter()
        .zip(&submissions)
        .filter(|(_, s)| s.is_none())
        .map(|(f, _)| f.as_path())
        .collect();
    let roster_lines = match &args.roster {
        Some(path) => roster_check(path, &submissions, &unread)?,
        None => Vec::new(),
    };
    let ledger = args
        .ledger
        .as_deref()
        .map(|path| {
            jixiao_round::Ledger::load(path)
                .with_context(|| format!("cannot use the ledger {}", path.display()))
        })
        .transpose()?;
    if let Some(ledger) = &ledger {
        for line in ledger.notes() {
            note!("{line}");
        }
    }
    // The years before the units' (their records in the store give last year's figures).
    let prior_years: std::collections::BTreeSet<u16> = submissions
        .iter()
        .flatten()
        .filter_map(|s| s.year.checked_sub(1))
        .collect();
    // What was needed of who filed is known: only the slots' copies are kept, lightened.
    drop(submissions);
    let slots = batch::slots(identified, &duplicates);
    let total = Some(slots.len() as u64);
    let print = match (&args.out, args.format) {
        (Some(_), _) => None,
        (None, Format::Terminal) => Some(Print::Terminal {
            width: args.width.unwrap_or_else(terminal_width),
        }),
        (None, Format::Json) => Some(Print::Json),
        (None, Format::Jsonl) => Some(Print::Jsonl),
        (None, Format::Markdown) => Some(Print::Markdown),
    };
    // Refused before anything is written: an output folder in an input folder, or one that
    // holds files jixiao did not write.
    let dir = match &args.out {
        Some(out) => {
            let input_dirs: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).cloned().collect();
            Some(output::OutputDir::prepare(out, &input_dirs)?)
        }
        None => None,
    };
    let mut outputs = Outputs::new(
        &rules,
        print,
        dir,
        !args.no_scorecards,
        total,
        batch::RoundOptions {
            previous,
            bureau: args.bureau.clone(),
            reviewed: reviews.is_some(),
            history: store.is_some(),
        },
    )?;
    if let Some(line) = skipped.summary() {
        outputs.note(line);
    }
    for line in &roster_lines {
        warning!("{line}");
        outputs.note(line.clone());
    }
    let explain = if outputs.explains() {
        Explain::Full
    } else {
        Explain::ScoresOnly
    };
    let extensions: [&(dyn jixiao_engine::RuleExtension + Sync); 1] = [&plugins];
    let options = jixiao_engine::Options {
        explain,
        extensions: if plugins.is_empty() { &[] } else { &extensions },
    };
    // The store's records of the years before the units': last year's figures and results.
    let prior = match &store {
        Some(store) => {
            let mut years: Vec<u16> = prior_years.iter().copied().collect();
            years.sort_unstable();
            Some(store.prior_year(&years)?)
        }
        None => None,
    };
    let renderer = outputs.renderer();
    let context = batch::Context {
        rules: &rules,
        options: &options,
        vocabulary: &vocabulary,
        ledger: ledger.as_ref(),
        reviews: reviews.as_ref(),
        figures: args.out.is_some() && !args.no_scorecards,
        record: store.is_some(),
        prior: prior.as_ref(),
        renderer: renderer.as_ref(),
    };
    clock.lap(timings::Stage::PhaseIdentify);
    let (finished, recorded) = match store {
        None => {
            batch::run(&found, slots, &context, &mut outputs)?;
            clock.lap(timings::Stage::PhaseScore);
            (outputs.finish(&rules)?, None)
        }
        Some(store) => {
            let run = store::new_run(
                &rules,
                &args.rules,
                &plugins,
                &args.plugins.options(),
                &paths,
                args.out.as_deref(),
            )?;
            let mut recording = store::Recording::new(outputs, store, &run)?;
            batch::run(&found, slots, &context, &mut recording)?;
            let (outputs, open) = recording.into_parts()?;
            clock.lap(timings::Stage::PhaseScore);
            let finished = outputs.finish(&rules)?;
            let run = timings::time(timings::Stage::Commit, || {
                open.commit(args.out.as_deref(), &finished.files)
            })?;
            (finished, Some(run))
        }
    };
    clock.lap(timings::Stage::PhaseFinish);
    if finished.scored + finished.failed == 0 {
        skipped_note(&skipped);
        anyhow::bail!("no units were found in {}", paths_list(&paths));
    }
    if let Some(dir) = &args.out {
        info!(
            "scored {} units ({}); wrote the summary{} to {}",
            finished.scored,
            if finished.grades.is_empty() {
                "none"
            } else {
                &finished.grades
            },
            if args.no_scorecards {
                ""
            } else {
                " and one scorecard per unit"
            },
            dir.display()
        );
    }
    if let (Some(run), Some(db)) = (recorded, &args.store.db) {
        info!(
            "recorded as run {run} in the results store {}",
            db.display()
        );
    }
    if finished.plugin_errors > 0 {
        info!(
            "{} units have plugin errors (error findings in their scorecards)",
            finished.plugin_errors
        );
    }
    skipped_note(&skipped);
    if finished.failed > 0 {
        info!(
            "{} of {} units could not be scored{}",
            finished.failed,
            finished.scored + finished.failed,
            match finished.not_read {
                0 => String::new(),
                1 => "; 1 file not read".to_owned(),
                n => format!("; {n} files not read"),
            }
        );
    }
    if finished.duplicates > 0 {
        info!(
            "{} submissions not scored: the same unit filed another, scored instead ({})",
            finished.duplicates,
            round::SourceKind::RULE
        );
    }
    // A file not read is a failed unit: the same exit status; so is a unit filed twice, and
    // one missing from the round or not on its roster.
    if finished.failed > 0
        || finished.plugin_errors > 0
        || finished.duplicates > 0
        || !roster_lines.is_empty()
    {
        return Ok(ExitCode::from(SOME_FAILED));
    }
    Ok(ExitCode::SUCCESS)
}

/// The round checked against its roster: a line (in Chinese) for each unit expected and not
/// received (应交未交) and each received that is not on it. A unit expected whose name holds the
/// name of a file that could not be read (or is held by it) is said to be perhaps that file's.
fn roster_check(
    path: &Path,
    submissions: &[Option<round::Submission>],
    unread: &[&Path],
) -> Result<Vec<String>> {
    let roster = jixiao_round::Roster::load(path)
        .with_context(|| format!("cannot use the roster {}", path.display()))?;
    for line in &roster.notes {
        note!("{line}");
    }
    let received: Vec<&round::Submission> = submissions.iter().flatten().collect();
    let identities: Vec<&jixiao_model::UnitIdentity> =
        received.iter().map(|s| &s.identity).collect();
    let check = roster.check(&identities);
    let mut lines = Vec::new();
    if !check.missing.is_empty() {
        lines.push(format!(
            "应交未交 {} 个单位 (名单 {} 中有, 本轮未收到)",
            check.missing.len(),
            path.display()
        ));
        for &i in &check.missing {
            let entry = &roster.entries[i];
            let name = jixiao_round::table::normalize_name(&entry.name);
            let perhaps = unread.iter().find(|file| {
                let stem = file
                    .file_stem()
                    .map(|s| jixiao_round::table::normalize_name(&s.to_string_lossy()))
                    .unwrap_or_default();
                stem.chars().count() >= 2
                    && !name.is_empty()
                    && (name.contains(&stem) || stem.contains(&name))
            });
            let perhaps = perhaps.map_or_else(String::new, |file| {
                format!("; 收到的 {} 无法读取, 可能是该单位的", file.display())
            });
            lines.push(format!(
                "应交未交: {} (名单{}){perhaps}",
                entry.label(),
                entry.at.line()
            ));
        }
    }
    if !check.not_on_roster.is_empty() {
        lines.push(format!(
            "不在名单内 {} 份 (收到, 但名单 {} 中没有)",
            check.not_on_roster.len(),
            path.display()
        ));
        for &i in &check.not_on_roster {
            let s = received[i];
            lines.push(format!(
                "不在名单内: {} ({} {}年 {})",
                s.source,
                s.identity.name,
                s.identity.year,
                s.identity.kind.label()
            ));
        }
    }
    Ok(lines)
}

/// The terminal table's width: the terminal's when standard output is one, else `$COLUMNS`,
/// else 120.
fn terminal_width() -> u16 {
    jixiao_report::terminal_width()
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .filter(|&w| w > 0)
        .unwrap_or(120)
}

/// `note: 跳过 2 个非报送文件 (隐藏文件 1, Office 锁定文件 1)` on standard error, when the
/// directories named held any.
fn skipped_note(skipped: &inputs::Skipped) {
    if let Some(line) = skipped.summary() {
        note!("{line}");
    }
}

fn paths_list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn ingest(report: &Path, out: Option<&Path>, vocabulary: &VocabularyArgs) -> Result<ExitCode> {
    if let Some(out) = out.filter(|path| !output::is_stdio(path)) {
        output::check_target(out)?;
        output::check_not_an_input(out, &[report.to_owned()])?;
    }
    let vocabulary = vocabulary.load()?;
    let ingested = match jixiao_ingest::ingest_with(report, &vocabulary) {
        Ok(i) => i,
        Err(error) => {
            error!("{error}");
            return Ok(ExitCode::from(SOME_FAILED));
        }
    };
    let draft = jixiao_ingest::render_draft(&ingested);
    // The draft must read back as the unit it was drawn from.
    jixiao_model::SelfEvaluation::from_toml(&draft, report)
        .context("internal error: the draft does not re-parse; please report it")?;
    match out.filter(|path| !output::is_stdio(path)) {
        Some(path) => {
            output::write_atomic(path, &draft)?;
            info!(
                "wrote {}: {} fields filled, {} not filled (listed at the top)",
                path.display(),
                ingested.filled(),
                ingested.missing.len()
            );
        }
        None => output::write_or_print(Path::new("-"), &draft)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn generate(args: &GenerateArgs) -> Result<ExitCode> {
    let population = jixiao_synth::Population::new(args.seed);
    let like = match &args.like {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let base = jixiao_model::SelfEvaluation::from_toml(&text, path)?;
            Some(jixiao_synth::Like::new(base.into_inner(), args.seed))
        }
        None => None,
    };
    let unit = |i: u64| match (&like, args.kind) {
        (Some(like), _) => like.unit(i),
        (None, Kind::Mixed) => population.unit(i),
        (None, Kind::Department) => population.unit_of_kind(i, EvaluationKind::Department),
        (None, Kind::Project) => population.unit_of_kind(i, EvaluationKind::Project),
    };
    match (&args.jsonl, &args.dir) {
        (Some(path), None) => {
            let units = (0..args.count).map(|i| unit(i).into_inner());
            let count = output::write_jsonl(path, units)?;
            if !output::is_stdio(path) {
                info!("wrote {count} units to {}", path.display());
            }
        }
        (None, Some(dir)) => {
            for i in 0..args.count {
                // 1000 files a folder, so no folder grows unwieldy.
                let folder = dir.join(format!("{:04}", i / 1000));
                if i % 1000 == 0 {
                    std::fs::create_dir_all(&folder)
                        .with_context(|| format!("cannot create {}", folder.display()))?;
                }
                output::write_atomic(&folder.join(format!("unit-{i:07}.toml")), unit(i).to_toml())?;
            }
            info!("wrote {} unit files under {}", args.count, dir.display());
        }
        _ => anyhow::bail!("give exactly one of --jsonl FILE or --dir DIR"),
    }
    Ok(ExitCode::SUCCESS)
}

fn form(rules_path: &Path, out: &Path) -> Result<ExitCode> {
    if !out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        bail!(
            "the form is a workbook: give --out a name ending in .xlsx (e.g. {}.xlsx)",
            out.display()
        );
    }
    output::check_target(out)?;
    let rules = load_rules(rules_path)?;
    let bytes = jixiao_forms::write_form(&rules)?;
    output::write_atomic(out, bytes)?;
    info!(
        "wrote {}: the self-evaluation form for {} v{} ({})",
        out.display(),
        rules.id,
        rules.version,
        rules.applies_to.label()
    );
    Ok(ExitCode::SUCCESS)
}

fn convert(args: &ConvertArgs) -> Result<ExitCode> {
    let stdout = output::is_stdio(&args.out);
    let single_file = stdout || args.out.extension().is_some_and(|e| e == "toml");
    if args.to == ConvertTo::Jsonl || single_file {
        if !stdout {
            output::check_target(&args.out)?;
            output::check_not_an_input(&args.out, &args.inputs)?;
        }
    } else {
        // A folder of unit files inside an input folder would be read again by the next run.
        let out = std::path::absolute(&args.out).unwrap_or_else(|_| args.out.clone());
        for input in args.inputs.iter().filter(|p| p.is_dir()) {
            if let Ok(input) = std::path::absolute(input)
                && out.starts_with(&input)
            {
                bail!(
                    "--out {} is inside the input folder {}: a later run over it would read \
                     the units twice; write them beside it",
                    args.out.display(),
                    input.display()
                );
            }
        }
    }
    let vocabulary = args.vocabulary.load()?;
    let mut found = inputs::discover(&args.inputs)?;
    let skipped = std::mem::take(&mut found.skipped);
    let mut units = Vec::new();
    let mut failed = 0usize;
    for job in inputs::jobs(&found)? {
        match job
            .map_err(|(_, e)| inputs::Failed::invalid(e))
            .and_then(|job| {
                job.load(&vocabulary).map(|loaded| {
                    for warning in &loaded.warnings {
                        term::prefixed(warning);
                    }
                    (job.stem(), loaded.unit)
                })
            }) {
            Ok(unit) => units.push(unit),
            Err(error) => {
                failed += 1;
                error!("{error}");
            }
        }
    }
    match args.to {
        ConvertTo::Jsonl => {
            let count = output::write_jsonl(&args.out, units.iter().map(|(_, u)| u.unit()))?;
            if !stdout {
                info!("wrote {count} units to {}", args.out.display());
            }
        }
        ConvertTo::Toml => {
            if single_file {
                if units.len() + failed != 1 {
                    anyhow::bail!(
                        "{} is one file: give one unit, or a directory for {} units",
                        if stdout {
                            "standard output (-)".into()
                        } else {
                            args.out.display().to_string()
                        },
                        units.len() + failed
                    );
                }
                if let Some((_, unit)) = units.first() {
                    output::write_or_print(&args.out, unit.to_toml())?;
                    if !stdout {
                        info!("wrote {}", args.out.display());
                    }
                }
            } else {
                std::fs::create_dir_all(&args.out)
                    .with_context(|| format!("cannot create {}", args.out.display()))?;
                let mut names = output::Names::default();
                let paths: Vec<PathBuf> = units
                    .iter()
                    .map(|(stem, _)| args.out.join(format!("{}.toml", names.unique(stem))))
                    .collect();
                // Every file checked before the first is written.
                for path in &paths {
                    output::check_target(path)?;
                }
                for (path, (_, unit)) in paths.iter().zip(&units) {
                    output::write_atomic(path, unit.to_toml())?;
                }
                info!(
                    "wrote {} unit files under {}",
                    units.len(),
                    args.out.display()
                );
            }
        }
    }
    skipped_note(&skipped);
    if failed > 0 {
        info!("{failed} inputs could not be read");
        return Ok(ExitCode::from(SOME_FAILED));
    }
    Ok(ExitCode::SUCCESS)
}

fn review_sample(args: &SampleArgs) -> Result<ExitCode> {
    use jixiao_review::sample::{SampleRules, sample};
    let units = review::round_units(&args.round)?;
    let candidates: Vec<_> = units.iter().map(review::candidate).collect();
    let rules = SampleRules {
        share: args.share,
        seed: args.seed,
        hard_findings: args.hard_findings,
        gap_above: args.gap_above,
        excellent_below_execution: args.excellent_below.map(|percent| {
            jixiao_review::sample::GradeExecution {
                grade: "优".to_owned(),
                rate: percent / rust_decimal::Decimal::ONE_HUNDRED,
            }
        }),
        amount_above: args.amount_above,
        amount_bands: args.amount_bands.clone(),
    };
    let picked = sample(&candidates, &rules)?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "序号",
        "单位",
        "单位编码",
        "项目",
        "主管部门",
        "全年预算数(万元)",
        "复核总分",
        "等级",
        "抽取原因",
        review::KEY_COLUMN,
    ])?;
    for (i, p) in picked.picked.iter().enumerate() {
        let c = &candidates[p.index];
        let reasons = p.reasons_label();
        writer.write_record([
            (i + 1).to_string(),
            c.key.name.clone(),
            c.key.code.clone().unwrap_or_default(),
            c.key.project.clone().unwrap_or_default(),
            c.supervisor.clone().unwrap_or_default(),
            c.amount
                .map(|a| jixiao_model::round(a, 2).to_string())
                .unwrap_or_default(),
            jixiao_model::round(c.total, 2).to_string(),
            c.grade.clone().unwrap_or_default(),
            reasons,
            serde_json::to_string(&c.key)?,
        ])?;
    }
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8(writer.into_inner()?)?);
    match &args.out {
        Some(path) if !output::is_stdio(path) => {
            output::check_target(path)?;
            output::write_atomic(path, &out)?;
            info!(
                "picked {} of {} units for the re-review; wrote {}",
                picked.picked.len(),
                candidates.len(),
                path.display()
            );
        }
        _ => output::write_or_print(Path::new("-"), &out)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn review_workbook(args: &WorkbookArgs) -> Result<ExitCode> {
    let units = review::round_units(&args.round)?;
    let chosen: Vec<&review::RoundUnit> = match &args.sample {
        Some(path) => {
            let keys = review::read_sample(path)?;
            let mut chosen = Vec::new();
            for key in &keys {
                match units
                    .iter()
                    .find(|u| jixiao_review::UnitKey::of(&u.card) == *key)
                {
                    Some(unit) => chosen.push(unit),
                    None => bail!(
                        "{}: {} is not a unit of the round {}",
                        path.display(),
                        key.name,
                        args.round.display()
                    ),
                }
            }
            chosen
        }
        None => units.iter().collect(),
    };
    let rules = load_rules(&args.rules)?;
    if let Some(other) = chosen
        .iter()
        .find(|u| u.card.rule_set.id != rules.id || u.card.rule_set.version != rules.version)
    {
        bail!(
            "{} was scored under {} v{}, not under {} ({} v{}): give the rule set the round was \
             scored by",
            other.card.unit.name,
            other.card.rule_set.id,
            other.card.rule_set.version,
            args.rules.display(),
            rules.id,
            rules.version
        );
    }
    if chosen.is_empty() {
        bail!("no units to review: the sample is empty");
    }
    let parts = review::parts(&chosen, args.by_supervisor);
    if args.by_supervisor {
        std::fs::create_dir_all(&args.out)
            .with_context(|| format!("cannot create {}", args.out.display()))?;
    }
    for (part, cards) in &parts {
        let options = jixiao_review::workbook::WorkbookOptions {
            reviewer: args.reviewer.clone(),
            title: (!part.is_empty()).then(|| part.clone()),
        };
        let bytes = jixiao_review::workbook::write(cards, &rules, &options)
            .context("cannot write the reviewer workbook")?;
        let path = if args.by_supervisor {
            review::part_file(&args.out, part)
        } else {
            args.out.clone()
        };
        output::check_target(&path)?;
        output::write_atomic(&path, bytes)?;
        info!("wrote {} ({} units)", path.display(), cards.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "jixiao", &mut script);
    output::write_or_print(Path::new("-"), script)?;
    Ok(ExitCode::SUCCESS)
}

/// The manual: `jixiao.1` on standard output, or with `--out DIR` one page per command there.
fn man(out: Option<&Path>) -> Result<ExitCode> {
    let command = Cli::command();
    let render = |command: clap::Command, title: &str| -> Result<Vec<u8>> {
        let mut page = Vec::new();
        clap_mangen::Man::new(command)
            .title(title)
            .render(&mut page)
            .context("cannot write the manual page")?;
        Ok(page)
    };
    let Some(dir) = out else {
        output::write_or_print(Path::new("-"), render(command, "jixiao")?)?;
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut command = command;
    command.build();
    let mut written = 0;
    for sub in command.get_subcommands() {
        let name = format!("jixiao-{}", sub.get_name());
        output::write_atomic(&dir.join(format!("{name}.1")), render(sub.clone(), &name)?)?;
        written += 1;
    }
    output::write_atomic(&dir.join("jixiao.1"), render(command, "jixiao")?)?;
    info!(
        "wrote jixiao.1 and {written} command pages to {}",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
