//! `jixiao`: score budget-performance self-evaluations (绩效自评) under a bureau's rule set.
//!
//! Exit status: 0 when every unit was scored, 1 when some units failed or have plugin errors (a
//! rule plugin that could not be loaded, or failed on the unit: the units are still scored and
//! reported, with an error finding per failed rule), 2 for a usage error or a rule set that
//! cannot be used.

mod inputs;
mod output;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand, ValueEnum};
use jixiao_engine::RuleExtension as _;
use jixiao_engine::Scorecard;
use jixiao_model::SelfEvaluation;
use jixiao_plugin_host::Plugins;
use jixiao_report::{SummaryRow, UnitSummary};
use jixiao_rules::RuleSet;

#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about = "Score budget-performance self-evaluations (绩效自评) under a rule set", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score units under a rule set and print or write their scorecards.
    Score(ScoreArgs),
    /// Validate rule sets: weights, grade bands, methods, parameters, and their plugins (loaded
    /// and handshaken, their rules and parameters checked).
    Check {
        /// Rule-set files (TOML).
        #[arg(required = true)]
        rule_sets: Vec<PathBuf>,
        #[command(flatten)]
        plugins: PluginArgs,
    },
    /// Show a plugin library's SHA-256 (to pin it in a rule set), name, version and rules.
    Plugin {
        /// Plugin libraries (.so, .dylib, .dll).
        #[arg(required = true)]
        libraries: Vec<PathBuf>,
    },
    /// Validate unit files without scoring them.
    Validate {
        /// Unit files (TOML) or directories of them.
        #[arg(required = true)]
        units: Vec<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
struct ScoreArgs {
    /// The rule set to score by (TOML).
    #[arg(long, short)]
    rules: PathBuf,
    /// Unit files (TOML) or directories of them (searched recursively, in name order).
    #[arg(required = true)]
    units: Vec<PathBuf>,
    /// How to print scorecards on standard output.
    #[arg(long, short, value_enum, default_value_t = Format::Terminal)]
    format: Format,
    /// Write one scorecard per unit (JSON and Markdown) and a summary (CSV and Markdown) here,
    /// instead of printing each scorecard.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Width of the terminal table.
    #[arg(long, default_value_t = 120)]
    width: u16,
    #[command(flatten)]
    plugins: PluginArgs,
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
    Markdown,
}

/// Exit status when some units could not be scored.
const SOME_FAILED: u8 = 1;
/// Exit status for a usage error or an unusable rule set.
const UNUSABLE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Score(args) => score(&args),
        Command::Check { rule_sets, plugins } => check(&rule_sets, &plugins),
        Command::Plugin { libraries } => plugin_info(&libraries),
        Command::Validate { units } => validate(&units),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(UNUSABLE)
        }
    }
}

fn load_rules(path: &Path) -> Result<RuleSet> {
    let (rules, warnings) = RuleSet::load(path)?;
    for warning in warnings {
        eprintln!("warning: {}: {warning}", path.display());
    }
    Ok(rules)
}

fn check(paths: &[PathBuf], plugin_args: &PluginArgs) -> Result<ExitCode> {
    let mut failed = false;
    for path in paths {
        let loaded = load_rules(path).and_then(|rules| {
            let plugins = Plugins::load(&rules, path, &plugin_args.options())?;
            Ok((rules, plugins))
        });
        match loaded {
            Ok((rules, plugins)) => {
                println!(
                    "ok: {} ({} v{}, {}, {} points, {} indicators)",
                    path.display(),
                    rules.id,
                    rules.version,
                    rules.applies_to.label(),
                    rules.total.normalize(),
                    count_leaves(&rules.indicators)
                );
                for plugin in plugins.provenance() {
                    println!(
                        "  plugin {} v{} sha256 {} (rules: {})",
                        plugin.name,
                        plugin.version,
                        plugin.sha256,
                        plugin.rules.join(", ")
                    );
                }
            }
            Err(error) => {
                eprintln!("error: {error:#}");
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

fn plugin_info(paths: &[PathBuf]) -> Result<ExitCode> {
    let mut failed = false;
    for path in paths {
        match jixiao_plugin_host::inspect(path) {
            Ok(found) => {
                println!("{}", path.display());
                println!("  sha256 = \"{}\"", found.sha256);
                println!(
                    "  {} v{} (wire format {})",
                    found.manifest.name, found.manifest.version, found.manifest.format
                );
                for rule in &found.manifest.rules {
                    println!("  rule {}: {}", rule.name, rule.summary);
                    for param in &rule.params {
                        println!(
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
                eprintln!("error: {}: {error}", path.display());
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

fn validate(paths: &[PathBuf]) -> Result<ExitCode> {
    let files = inputs::discover(paths)?;
    let mut failed = 0;
    for file in &files {
        match SelfEvaluation::load(file) {
            Ok(unit) => println!(
                "ok: {} ({} {} {})",
                file.display(),
                unit.unit.name,
                unit.unit.year,
                unit.unit.kind.label()
            ),
            Err(error) => {
                eprintln!("error: {error}");
                failed += 1;
            }
        }
    }
    eprintln!("{} valid, {failed} invalid", files.len() - failed);
    Ok(if failed > 0 {
        ExitCode::from(SOME_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// Scores one unit file; any failure (unreadable, invalid, wrong kind, engine panic) is an error
/// for this unit alone.
fn score_file(path: &Path, rules: &RuleSet, plugins: &Plugins) -> Result<Scorecard, String> {
    let unit = SelfEvaluation::load(path).map_err(|e| e.to_string())?;
    let scored = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        jixiao_engine::score_with(&unit, rules, &[plugins])
    }));
    match scored {
        Ok(Ok(card)) => Ok(card),
        Ok(Err(error)) => Err(format!("{}: {error}", path.display())),
        Err(_) => Err(format!(
            "{}: internal error while scoring this unit (the engine panicked); please report it",
            path.display()
        )),
    }
}

fn score(args: &ScoreArgs) -> Result<ExitCode> {
    let rules = load_rules(&args.rules)?;
    let (plugins, plugin_errors) =
        Plugins::load_or_report(&rules, &args.rules, &args.plugins.options());
    for error in &plugin_errors {
        eprintln!("error: {error}");
    }
    if !plugin_errors.is_empty() {
        eprintln!(
            "scoring without {} plugin(s): each unit gets an error finding for their rules",
            plugin_errors.len()
        );
    }
    let files = inputs::discover(&args.units)?;
    let mut summary = Vec::with_capacity(files.len());
    let mut names = output::Names::default();
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output directory {}", dir.display()))?;
    }
    let mut failed = 0usize;
    let mut plugin_failures = 0usize;
    for file in &files {
        let source = file.display().to_string();
        match score_file(file, &rules, &plugins) {
            Ok(card) => {
                if card.count(jixiao_engine::Severity::Error) > 0 {
                    plugin_failures += 1;
                }
                match &args.out {
                    Some(dir) => {
                        let stem = names.unique(file);
                        output::write_atomic(
                            &dir.join(format!("{stem}.json")),
                            &jixiao_report::json(&card),
                        )?;
                        output::write_atomic(
                            &dir.join(format!("{stem}.md")),
                            &jixiao_report::markdown(&card),
                        )?;
                        let errors = card.count(jixiao_engine::Severity::Error);
                        println!(
                            "{}: {} {} ({} hard, {} soft findings{})",
                            source,
                            jixiao_engine::fmt::points(card.total, 2),
                            card.grade,
                            card.count(jixiao_engine::Severity::Hard),
                            card.count(jixiao_engine::Severity::Soft),
                            if errors > 0 {
                                format!(", {errors} plugin errors")
                            } else {
                                String::new()
                            }
                        );
                    }
                    None => print!("{}", render(&card, args)),
                }
                summary.push(SummaryRow {
                    source,
                    outcome: Ok(UnitSummary::of(&card)),
                });
            }
            Err(error) => {
                eprintln!("error: {error}");
                failed += 1;
                summary.push(SummaryRow {
                    source,
                    outcome: Err(error),
                });
            }
        }
    }
    if let Some(dir) = &args.out {
        output::write_atomic(
            &dir.join("summary.csv"),
            &jixiao_report::summary_csv(&summary),
        )?;
        output::write_atomic(
            &dir.join("summary.md"),
            &jixiao_report::summary_markdown(&summary),
        )?;
        eprintln!(
            "wrote {} scorecards and the summary to {}",
            files.len() - failed,
            dir.display()
        );
    }
    if failed > 0 {
        eprintln!("{failed} of {} units could not be scored", files.len());
        return Ok(ExitCode::from(SOME_FAILED));
    }
    if plugin_failures > 0 {
        eprintln!(
            "{plugin_failures} of {} units have plugin errors (error findings in their scorecards)",
            files.len()
        );
        return Ok(ExitCode::from(SOME_FAILED));
    }
    Ok(ExitCode::SUCCESS)
}

fn render(card: &Scorecard, args: &ScoreArgs) -> String {
    match args.format {
        Format::Terminal => jixiao_report::terminal(card, args.width) + "\n",
        Format::Json => jixiao_report::json(card),
        Format::Markdown => jixiao_report::markdown(card) + "\n",
    }
}
