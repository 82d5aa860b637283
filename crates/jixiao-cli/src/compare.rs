//! `jixiao compare --rules A --rules B UNITS... [--out DIR]`: both rule sets over the same units,
//! before a bureau adopts B: the grade transition matrix, the units whose grade changes, the
//! biggest movers and the mean change per indicator (jixiao_report::compare renders them).
//!
//! Every unit is read once and scored under both rule sets (scores only, plugins included: a
//! plugin that cannot be loaded stops the comparison, whose numbers would say nothing). A
//! unit that cannot be read, or scored under either, is listed with its reason; a unit given
//! twice (the same name, code, year, kind and project) is compared once and the repeat listed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use jixiao_engine::{Explain, Scorecard};
use jixiao_report::compare::{Builder, Side};
use rayon::prelude::*;

use crate::scoring::Rules;
use crate::term::info;
use crate::{PluginArgs, VocabularyArgs, inputs, output};

/// `jixiao compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The two rule sets, A then B: `--rules A --rules B` (B's scores are compared with A's).
    #[arg(long, value_name = "RULESET", required = true)]
    rules: Vec<PathBuf>,
    /// Units: unit files, filled forms, reports, JSON Lines files or folders of them (as `score`
    /// takes them): last year's units, or a population from `jixiao generate`.
    #[arg(required_unless_present = "year")]
    units: Vec<PathBuf>,
    /// Take the units from the results store (--db) instead: the units of this budget year as
    /// they were scored (each unit's latest run), e.g. last year's, to see what B would have
    /// given them.
    #[arg(long, value_name = "YEAR", conflicts_with = "units")]
    year: Option<u16>,
    #[command(flatten)]
    store: crate::store::StoreArgs,
    /// Also write compare.md, compare.html and compare.xlsx into this folder (made if missing).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// How many of the biggest movers to list.
    #[arg(long, default_value_t = 20, value_name = "N")]
    top: usize,
    #[command(flatten)]
    plugins: PluginArgs,
    #[command(flatten)]
    vocabulary: VocabularyArgs,
}

/// A comparison's side: the rule set's identity and grades, best first (as the summaries list
/// them).
fn side(rules: &Rules) -> Side {
    Side {
        rule_set: jixiao_engine::RuleSetRef::of(&rules.rules),
        grades: rules.rules.grade_names(),
    }
}

/// The unit's scorecard under `rules`, scores only, or why there is none (in Chinese).
fn score(rules: &Rules, unit: &inputs::Loaded) -> Result<Scorecard, String> {
    rules
        .score_as(unit, Explain::ScoresOnly)
        .map_err(|e| format!("{} 下无法评分: {:#}", rules.rules.name, e))
}

/// A unit's two scorecards, or why it has none: where it was read from either way.
type Compared = Result<(String, Scorecard, Scorecard), (String, String)>;

/// Who a scorecard is of, to tell a unit given twice.
type Identity = (String, Option<String>, u16, &'static str, Option<String>);

fn identity(card: &Scorecard) -> Identity {
    let unit = &card.unit;
    (
        unit.name.clone(),
        unit.code.clone(),
        unit.year,
        unit.kind.label(),
        unit.project.clone(),
    )
}

pub fn compare(args: &CompareArgs) -> Result<ExitCode> {
    let [a, b] = args.rules.as_slice() else {
        bail!(
            "compare takes exactly two rule sets, --rules A --rules B; {} given",
            args.rules.len()
        );
    };
    let (a, b) = (
        Rules::load(a, &args.plugins)?,
        Rules::load(b, &args.plugins)?,
    );
    let both = |source: String, loaded: &inputs::Loaded| -> Compared {
        let card_a = score(&a, loaded).map_err(|e| (source.clone(), e))?;
        let card_b = score(&b, loaded).map_err(|e| (source.clone(), e))?;
        Ok((source, card_a, card_b))
    };
    let mut skipped = None;
    let results: Vec<Compared> = match args.year {
        Some(year) => {
            let store = args.store.open_required()?;
            let units = store.current_units(year)?;
            if units.is_empty() {
                bail!(
                    "the results store {} has no units of {year}",
                    store.path().display()
                );
            }
            units
                .into_par_iter()
                .map(|stored| {
                    let source = format!(
                        "成绩库 {year} 年度 (第 {} 次评分) {}",
                        stored.run, stored.source
                    );
                    let loaded = stored_unit(&stored).map_err(|e| (source.clone(), e))?;
                    both(source, &loaded)
                })
                .collect()
        }
        None => {
            let vocabulary = args.vocabulary.load()?;
            let mut found = inputs::discover(&args.units)?;
            skipped = Some(std::mem::take(&mut found.skipped));
            let jobs: Vec<_> = inputs::jobs(&found)?.collect();
            jobs.into_par_iter()
                .map(|job| {
                    let job = job?;
                    let source = job.source();
                    let loaded = job
                        .load(&vocabulary)
                        .map_err(|failed| (source.clone(), failed.message))?;
                    both(source, &loaded)
                })
                .collect()
        }
    };
    let mut builder = Builder::new(side(&a), side(&b));
    let mut first: BTreeMap<Identity, String> = BTreeMap::new();
    for result in results {
        match result {
            Ok((source, card_a, card_b)) => match first.get(&identity(&card_a)) {
                Some(earlier) => builder.not_compared(
                    source,
                    format!("与 {earlier} 为同一单位 (名称、编码、年度、类型相同), 只比较一次"),
                ),
                None => {
                    first.insert(identity(&card_a), source.clone());
                    builder.add(source, &card_a, &card_b);
                }
            },
            Err((source, why)) => builder.not_compared(source, why),
        }
    }
    let comparison = builder.finish();
    if let Some(line) = skipped.as_ref().and_then(|s| s.summary()) {
        info!("{line}");
    }
    {
        use std::io::Write as _;
        let text = jixiao_report::compare::terminal(&comparison, args.top);
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .context("cannot write to standard output")?;
    }
    if let Some(dir) = &args.out {
        write(dir, &comparison, args.top)?;
        info!(
            "wrote compare.md, compare.html and compare.xlsx to {}",
            dir.display()
        );
    }
    Ok(if comparison.not_compared.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::SOME_FAILED)
    })
}

/// A unit of the store, as it was scored, checked again (a unit the store holds was valid when
/// recorded; a newer jixiao may bound a figure more tightly).
fn stored_unit(stored: &jixiao_store::StoredUnit) -> Result<inputs::Loaded, String> {
    let text = stored
        .unit
        .as_deref()
        .ok_or_else(|| "成绩库中没有该单位的数据".to_owned())?;
    let unit = jixiao_model::SelfEvaluation::from_json(text, Path::new(&stored.source), 1)
        .map_err(|e| format!("成绩库中的单位数据无法读取: {e}"))?;
    Ok(inputs::Loaded::of(unit))
}

fn write(dir: &Path, comparison: &jixiao_report::compare::Comparison, top: usize) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!("--out {} is a file; give a folder", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    output::write_atomic(
        &dir.join("compare.md"),
        jixiao_report::compare::markdown(comparison, top),
    )?;
    output::write_atomic(
        &dir.join("compare.html"),
        jixiao_report::compare::html(comparison, top),
    )?;
    let workbook = jixiao_report::compare::xlsx(comparison)
        .context("internal error: the comparison's workbook")?;
    output::write_atomic(&dir.join("compare.xlsx"), workbook)
}
