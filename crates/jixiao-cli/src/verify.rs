//! `jixiao verify --db FILE --run N`: a recorded run scored again today, unit by unit, under the
//! rule set it recorded, to show that a published result can be reproduced, or what differs.
//!
//! - The rule set: loaded from its recorded path where that file (and each parent it extends)
//!   still has the SHA-256 recorded; else from the texts the store keeps, written into a
//!   temporary folder in the same relative layout (a child's `extends` resolves relative to its
//!   own file).
//! - The plugins: each from its recorded path, its hash checked against the record. One missing,
//!   or with another hash, is said so and left out (as `score` leaves out a plugin it cannot
//!   load: an error finding for each of its rules), and the units it ran on are expected to
//!   differ.
//! - A reviewed unit: the review's changes, kept in its scorecard, applied again, so the final
//!   total and grade are compared too.
//! - The unit: as the store keeps it, as it was scored (ledger figures already in it).
//!
//! Exit status 0 when every unit reproduces, 1 when any differs.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use jixiao_engine::{Explain, Scorecard, ScoredIndicator};
use jixiao_model::SelfEvaluation;
use jixiao_plugin_host::{LoadOptions, Plugins};
use jixiao_rules::{RuleSet, ValidRuleSet};
use jixiao_store::{RunDetail, StoredRuleSet};

use crate::scoring::say;
use crate::store::ReadStoreArgs;
use crate::term::{note, warning};

/// `jixiao verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    store: ReadStoreArgs,
    /// The run to score again (`jixiao runs` lists them).
    #[arg(long, value_name = "N")]
    run: i64,
}

/// Where the rule set was loaded from.
enum Source {
    /// The recorded files, unchanged.
    Recorded(PathBuf),
    /// The stored texts, written into this temporary folder (removed when dropped).
    Stored {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
}

impl Source {
    fn path(&self) -> &Path {
        match self {
            Source::Recorded(path) | Source::Stored { path, .. } => path,
        }
    }
}

/// Whether the file at `path` has the SHA-256 `sha256`.
fn unchanged(path: &Path, sha256: &str) -> bool {
    std::fs::read(path).is_ok_and(|bytes| crate::round::sha256(&bytes) == sha256)
}

/// The stored texts written into a temporary folder, each parent where the child's `extends`
/// finds it; returns the folder and the rule set's path in it.
fn write_stored(texts: &[StoredRuleSet]) -> Result<Source> {
    let mut texts: Vec<&StoredRuleSet> = texts.iter().collect();
    texts.sort_by_key(|t| t.depth);
    let file_name = |path: &str| {
        Path::new(path)
            .file_name()
            .map_or_else(|| "rules.toml".into(), |n| n.to_os_string())
    };
    // Enough folders above the rule set for every `..` of the chain to stay inside the
    // temporary folder.
    let mut extends = Vec::new();
    for t in &texts {
        let table: toml::Table = t
            .text
            .parse()
            .with_context(|| format!("the stored text of {} is not TOML", t.path))?;
        extends.push(
            table
                .get("extends")
                .and_then(|e| e.as_str())
                .map(str::to_owned),
        );
    }
    let ups = extends
        .iter()
        .flatten()
        .map(|e| {
            Path::new(e)
                .components()
                .filter(|c| *c == Component::ParentDir)
                .count()
        })
        .sum::<usize>();
    let temp = tempfile::Builder::new()
        .prefix("jixiao-verify-")
        .tempdir()
        .context("cannot create a temporary folder for the stored rule set")?;
    let mut dir: PathBuf = temp.path().to_path_buf();
    for i in 0..ups {
        dir.push(format!("d{i}"));
    }
    let mut path = dir.join(file_name(&texts[0].path));
    let first = path.clone();
    for (i, t) in texts.iter().enumerate() {
        if !path.starts_with(temp.path()) {
            bail!(
                "the stored rule set {} extends a file outside its folder",
                t.path
            );
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, &t.text)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let Some(next) = &extends[i] else { break };
        if Path::new(next).is_absolute() {
            bail!(
                "the stored rule set {} extends {next}, an absolute path: it cannot be rebuilt \
                 elsewhere",
                t.path
            );
        }
        let mut joined = path.parent().unwrap_or(Path::new("")).to_path_buf();
        for part in Path::new(next).components() {
            match part {
                Component::ParentDir => {
                    joined.pop();
                }
                Component::Normal(p) => joined.push(p),
                _ => {}
            }
        }
        path = joined;
    }
    Ok(Source::Stored {
        _dir: temp,
        path: first,
    })
}

/// The run's rule set: from its recorded files when unchanged, else from the stored texts.
fn rule_set(detail: &RunDetail) -> Result<(ValidRuleSet, Source)> {
    if detail.rule_sets.is_empty() {
        bail!(
            "run {} keeps no rule-set text (an import without --rules): it cannot be scored again",
            detail.summary.id
        );
    }
    let recorded = detail
        .rule_sets
        .iter()
        .all(|t| unchanged(Path::new(&t.path), &t.sha256));
    let source = if recorded {
        let path = &detail
            .rule_sets
            .iter()
            .find(|t| t.depth == 0)
            .unwrap_or(&detail.rule_sets[0])
            .path;
        Source::Recorded(PathBuf::from(path))
    } else {
        note!(
            "the rule set {} (or a file it extends) has changed or is missing since run {}: \
             scoring by the text the store keeps",
            detail.summary.rule_set_path,
            detail.summary.id
        );
        write_stored(&detail.rule_sets)?
    };
    let (rules, _warnings) = RuleSet::load(source.path())
        .with_context(|| format!("cannot load the rule set of run {}", detail.summary.id))?;
    if rules.id != detail.summary.rule_set_id || rules.version != detail.summary.rule_set_version {
        bail!(
            "the rule set loaded for run {} is {} v{}, but the run recorded {} v{}",
            detail.summary.id,
            rules.id,
            rules.version,
            detail.summary.rule_set_id,
            detail.summary.rule_set_version
        );
    }
    Ok((rules, source))
}

/// The plugins as the run recorded them: each from its recorded path, pinned to its recorded
/// hash. Returns them and, by plugin name, why one could not be used as recorded.
fn plugins(
    detail: &RunDetail,
    rules: &ValidRuleSet,
    rules_path: &Path,
) -> (Plugins, BTreeMap<String, String>) {
    let mut raw: RuleSet = (**rules).clone();
    let mut problems = BTreeMap::new();
    for entry in &mut raw.plugins {
        match detail.plugins.iter().find(|p| p.name == entry.name) {
            Some(recorded) => {
                let path = std::path::absolute(&recorded.path)
                    .unwrap_or_else(|_| PathBuf::from(&recorded.path));
                match jixiao_plugin_host::sha256_file(&path) {
                    Err(_) => {
                        problems.insert(
                            entry.name.clone(),
                            format!("插件 {} 缺失 ({})", entry.name, recorded.path),
                        );
                    }
                    Ok(sha) if sha != recorded.sha256 => {
                        problems.insert(
                            entry.name.clone(),
                            format!(
                                "插件 {} ({}) 的 SHA-256 为 {sha}, 与记录的 {} 不同",
                                entry.name, recorded.path, recorded.sha256
                            ),
                        );
                    }
                    Ok(_) => {}
                }
                entry.path = path.display().to_string();
                entry.sha256 = Some(recorded.sha256.clone());
            }
            None => {
                problems.insert(
                    entry.name.clone(),
                    format!("插件 {} 在该次评分中未能加载, 未记录", entry.name),
                );
                // Left out, as it was in the run.
                entry.path = rules_path
                    .with_file_name(format!(".{}.not-recorded.so", entry.name))
                    .display()
                    .to_string();
                entry.sha256 = None;
            }
        }
    }
    let options = LoadOptions {
        allow_unpinned: false,
        plugin_dir: None,
    };
    let (plugins, errors) = Plugins::load_or_report(&raw, rules_path, &options);
    for error in errors {
        warning!("{error}; scoring without it");
        problems
            .entry(error.plugin.clone())
            .or_insert_with(|| format!("插件 {} 未能加载: {}", error.plugin, error.problem));
    }
    (plugins, problems)
}

/// Every node of the tree by id: its name and score.
fn nodes(indicators: &[ScoredIndicator], out: &mut Vec<(String, String, rust_decimal::Decimal)>) {
    for node in indicators {
        out.push((node.id.clone(), node.name.clone(), node.score));
        nodes(&node.children, out);
    }
}

/// What differs between the recorded scorecard and today's, in Chinese, one line each.
pub fn differences(recorded: &Scorecard, today: &Scorecard) -> Vec<String> {
    let mut out = Vec::new();
    let grade = |g: &Option<String>| g.clone().unwrap_or_else(|| "无等级".to_owned());
    if recorded.total != today.total || recorded.total_exact != today.total_exact {
        out.push(format!(
            "总分: 记录 {} ({}), 今日 {} ({})",
            recorded.total, recorded.total_exact, today.total, today.total_exact
        ));
    }
    if recorded.grade != today.grade {
        out.push(format!(
            "等级: 记录 {}, 今日 {}",
            grade(&recorded.grade),
            grade(&today.grade)
        ));
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    nodes(&recorded.indicators, &mut a);
    nodes(&today.indicators, &mut b);
    for (id, name, score) in &a {
        match b.iter().find(|(i, ..)| i == id) {
            Some((_, _, now)) if now != score => {
                out.push(format!("指标 {name} ({id}): 记录 {score}, 今日 {now}"));
            }
            Some(_) => {}
            None => out.push(format!("指标 {name} ({id}): 记录 {score}, 今日无此指标")),
        }
    }
    for (id, name, score) in &b {
        if !a.iter().any(|(i, ..)| i == id) {
            out.push(format!("指标 {name} ({id}): 记录中无此指标, 今日 {score}"));
        }
    }
    match (&recorded.review, &today.review) {
        (Some(r), Some(t)) => {
            if r.total != t.total || r.total_exact != t.total_exact {
                out.push(format!(
                    "复核后总分: 记录 {} ({}), 今日 {} ({})",
                    r.total, r.total_exact, t.total, t.total_exact
                ));
            }
            if r.grade != t.grade {
                out.push(format!(
                    "复核后等级: 记录 {}, 今日 {}",
                    grade(&r.grade),
                    grade(&t.grade)
                ));
            }
        }
        (Some(_), None) => out.push("复核: 记录有复核, 今日未能再现".to_owned()),
        _ => {}
    }
    out
}

/// The review's changes kept in the recorded scorecard, as reviewed scores to apply again.
fn reviewed_scores(recorded: &Scorecard, today: &Scorecard) -> Vec<jixiao_review::ReviewedScore> {
    let Some(review) = &recorded.review else {
        return Vec::new();
    };
    let unit = jixiao_review::UnitKey::of(today);
    review
        .changes
        .iter()
        .map(|change| {
            let mut at = change.at.splitn(3, '!');
            let (workbook, sheet, cell) = (
                at.next().unwrap_or_default().to_owned(),
                at.next().unwrap_or_default().to_owned(),
                at.next().unwrap_or_default().to_owned(),
            );
            jixiao_review::ReviewedScore {
                unit: unit.clone(),
                indicator: change.indicator.clone(),
                score: change.reviewed,
                reason: Some(change.reason.clone()),
                reviewer: change.reviewer.clone(),
                date: change.date.clone(),
                at: jixiao_review::CellRef {
                    workbook,
                    sheet,
                    cell,
                },
            }
        })
        .collect()
}

/// The unit scored again: its scorecard (the review applied again where it had one).
fn rescore(
    unit_json: &str,
    source: &str,
    recorded: &Scorecard,
    rules: &ValidRuleSet,
    plugins: &Plugins,
) -> Result<Scorecard> {
    let unit = SelfEvaluation::from_json(unit_json, Path::new(source), 1)
        .with_context(|| format!("{source}: the stored unit cannot be read back"))?;
    let extensions: [&(dyn jixiao_engine::RuleExtension + Sync); 1] = [plugins];
    let options = jixiao_engine::Options {
        explain: Explain::ScoresOnly,
        extensions: if plugins.is_empty() { &[] } else { &extensions },
    };
    let card = jixiao_engine::score_with(&unit, rules, &options)
        .with_context(|| format!("{source}: cannot score the unit"))?;
    let scores = reviewed_scores(recorded, &card);
    if scores.is_empty() {
        return Ok(card);
    }
    let refs: Vec<&jixiao_review::ReviewedScore> = scores.iter().collect();
    jixiao_review::apply::apply(&card, rules, &refs)
        .with_context(|| format!("{source}: the recorded review cannot be applied again"))
}

pub fn run(args: &VerifyArgs) -> Result<ExitCode> {
    let store = args.store.open_required()?;
    let detail = store.run(args.run)?;
    let (rules, source) = rule_set(&detail)?;
    let (plugins, problems) = plugins(&detail, &rules, source.path());
    let mut general = Vec::new();
    let version = env!("CARGO_PKG_VERSION");
    if detail.summary.jixiao_version != version {
        general.push(format!(
            "jixiao 版本不同: 该次评分为 {}, 今日为 {version}",
            detail.summary.jixiao_version
        ));
    }
    for problem in problems.values() {
        say(&format!("注意: {problem}"))?;
    }
    let (mut same, mut differ, mut errors, mut unchecked) = (0u64, 0u64, 0u64, 0u64);
    let mut reviewed = 0u64;
    store.units_of_run(args.run, |unit| -> Result<()> {
        let Some(card_json) = &unit.scorecard else {
            return Ok(());
        };
        let Some(unit_json) = &unit.unit else {
            // An imported unit whose file was not given: its scorecard alone is kept.
            unchecked += 1;
            return Ok(());
        };
        let recorded: Scorecard = serde_json::from_str(card_json)
            .with_context(|| format!("{}: the stored scorecard cannot be read", unit.source))?;
        let who = format!(
            "{} ({} {} 年)",
            unit.source, recorded.unit.name, recorded.unit.year
        );
        let today = match rescore(unit_json, &unit.source, &recorded, &rules, &plugins) {
            Ok(card) => card,
            Err(error) => {
                errors += 1;
                differ += 1;
                say(&format!("不一致: {who}\n  今日无法评分: {error:#}"))?;
                return Ok(());
            }
        };
        let diffs = differences(&recorded, &today);
        if diffs.is_empty() {
            same += 1;
            reviewed += u64::from(recorded.review.is_some());
            return Ok(());
        }
        differ += 1;
        say(&format!("不一致: {who}"))?;
        for line in &diffs {
            say(&format!("  {line}"))?;
        }
        // Why it may: the plugins that ran on it and cannot run as recorded, jixiao's version.
        let mut why: Vec<&str> = recorded
            .plugins
            .iter()
            .filter_map(|p| problems.get(&p.name).map(String::as_str))
            .collect();
        why.extend(general.iter().map(String::as_str));
        if why.is_empty() {
            why.push("原因不明: 规则集与插件均与记录一致");
        }
        say(&format!("  可能的原因: {}", why.join("; ")))?;
        Ok(())
    })?;
    if differ > 0 && !general.is_empty() {
        say(&format!("注意: {}", general.join("; ")))?;
    }
    let how = match &source {
        Source::Recorded(path) => format!("规则集 {}", path.display()),
        Source::Stored { .. } => "规则集取自成绩库中保存的文本".to_owned(),
    };
    say(&format!(
        "第 {} 次评分 ({} v{}, {how}): {same} 个单位复现, {differ} 个不一致{}",
        args.run,
        detail.summary.rule_set_id,
        detail.summary.rule_set_version,
        if errors > 0 {
            format!(" (其中 {errors} 个今日无法评分)")
        } else {
            String::new()
        }
    ))?;
    if reviewed > 0 {
        say(&format!(
            "其中 {reviewed} 个单位经复核: 复核的改动已重新应用, 复核后总分与等级一致"
        ))?;
    }
    if unchecked > 0 {
        say(&format!(
            "{unchecked} 个单位未能重新评分: 成绩库只存有其评分结果, 未存单位数据 (导入时未给 --units)"
        ))?;
    }
    Ok(if differ > 0 || unchecked > 0 {
        ExitCode::from(crate::SOME_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}
