//! `jixiao snapshot --rules R UNITS... --dir D [--accept]`: the snapshot habit (insta's
//! review-then-accept loop) for a bureau's own rule sets and plugins. Each reference unit's
//! scorecard is recorded in `D/NAME.snapshot.toml` (rule set, total, grade, every indicator's
//! points and score, the findings); a later run shows per unit and per indicator what a change to
//! the rule set or a plugin did, and `--accept` records the new state. See docs/cli.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use jixiao_engine::Scorecard;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::scoring::{Rules, say, tidy};
use crate::term::{error, info, note};

#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    /// The rule set to score by (TOML).
    #[arg(long, short)]
    rules: PathBuf,
    /// The reference units: unit files, forms, reports, JSON Lines files or folders of them, as
    /// `jixiao score` takes them.
    #[arg(required = true)]
    units: Vec<PathBuf>,
    /// The folder of the snapshots, one `NAME.snapshot.toml` per unit (NAME: the unit file's
    /// name without extension). Other files there are never read nor written.
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// Record the new state: write every new or changed snapshot.
    #[arg(long)]
    accept: bool,
    #[command(flatten)]
    plugins: crate::PluginArgs,
    #[command(flatten)]
    vocabulary: crate::VocabularyArgs,
}

/// The first line of every snapshot file: a file in the folder without it is not jixiao's, and
/// is never overwritten.
const HEADER: &str =
    "# jixiao snapshot: a reference unit's scorecard, recorded by `jixiao snapshot --accept`.";
/// The snapshot files' names end so.
const SUFFIX: &str = ".snapshot.toml";

/// One unit's scorecard as recorded: what a change to the rule set can move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    /// The input the unit was read from, as named on the command line.
    source: String,
    unit: String,
    rule_set: String,
    rule_set_version: String,
    /// `name version` of each plugin that ran.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    plugins: Vec<String>,
    /// The total as shown.
    total: String,
    total_exact: Decimal,
    grade: String,
    indicators: Vec<IndicatorRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    findings: Vec<FindingRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorRecord {
    id: String,
    name: String,
    points: Decimal,
    /// As shown (the rule set's decimals).
    score: String,
    exact: Decimal,
    status: jixiao_engine::Status,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FindingRecord {
    rule: String,
    severity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    indicator: Option<String>,
    message: String,
}

impl Record {
    fn of(card: &Scorecard, source: &str, decimals: u32) -> Record {
        let mut indicators = Vec::new();
        fn walk(
            nodes: &[jixiao_engine::ScoredIndicator],
            decimals: u32,
            out: &mut Vec<IndicatorRecord>,
        ) {
            for node in nodes {
                out.push(IndicatorRecord {
                    id: node.id.clone(),
                    name: node.name.clone(),
                    points: node.points.normalize(),
                    score: jixiao_engine::fmt::points(node.score, decimals).to_string(),
                    exact: node.score.normalize(),
                    status: node.status,
                });
                walk(&node.children, decimals, out);
            }
        }
        walk(&card.indicators, decimals, &mut indicators);
        Record {
            source: source.to_owned(),
            unit: card.unit.name.clone(),
            rule_set: card.rule_set.id.clone(),
            rule_set_version: card.rule_set.version.clone(),
            plugins: card
                .plugins
                .iter()
                .map(|p| format!("{} {}", p.name, p.version))
                .collect(),
            total: jixiao_engine::fmt::points(card.total, decimals).to_string(),
            total_exact: card.total_exact.normalize(),
            grade: card.grade_label().to_owned(),
            indicators,
            findings: card
                .findings
                .iter()
                .map(|f| FindingRecord {
                    rule: f.rule.to_string(),
                    severity: severity_id(f.severity).to_owned(),
                    indicator: f.indicator.clone(),
                    message: f.message.clone(),
                })
                .collect(),
        }
    }

    /// The file's text: the header, then the record (the same record gives the same bytes).
    fn to_text(&self) -> Result<String> {
        let body = toml::to_string(self).context("cannot write the snapshot")?;
        Ok(format!(
            "{HEADER}\n# Review a change with `jixiao snapshot`; record it with `--accept`. Not to be edited by hand.\n\n{body}"
        ))
    }
}

fn status_label(status: jixiao_engine::Status) -> &'static str {
    match status {
        jixiao_engine::Status::Scored => "计分",
        jixiao_engine::Status::Missing => "缺数据 (计 0 分)",
        jixiao_engine::Status::NotApplicable => "不适用 (按满分计)",
        jixiao_engine::Status::Dropped => "不适用 (不计入, 折算)",
    }
}

fn severity_id(severity: jixiao_engine::Severity) -> &'static str {
    match severity {
        jixiao_engine::Severity::Hard => "hard",
        jixiao_engine::Severity::Soft => "soft",
        jixiao_engine::Severity::Error => "error",
    }
}

fn severity_label(id: &str) -> &str {
    match id {
        "hard" => "硬性",
        "soft" => "提示",
        "error" => "错误",
        other => other,
    }
}

/// A snapshot file jixiao wrote (its name ends `.snapshot.toml` and it starts with the header);
/// `None` for any other file.
fn ours(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    name.strip_suffix(SUFFIX)?;
    let text = std::fs::read_to_string(path).ok()?;
    text.starts_with(HEADER).then_some(text)
}

/// What a unit's run found against its recorded snapshot.
enum State {
    Same,
    New,
    Changed(Vec<String>),
}

/// The lines that say what changed from `old` to `new`.
fn diff(old: &Record, new: &Record) -> Vec<String> {
    let mut lines = Vec::new();
    if old.unit != new.unit {
        lines.push(format!("单位名称: {} → {}", old.unit, new.unit));
    }
    if old.rule_set != new.rule_set || old.rule_set_version != new.rule_set_version {
        lines.push(format!(
            "规则集: {} v{} → {} v{}",
            old.rule_set, old.rule_set_version, new.rule_set, new.rule_set_version
        ));
    }
    if old.plugins != new.plugins {
        lines.push(format!(
            "插件: {} → {}",
            list_or_none(&old.plugins),
            list_or_none(&new.plugins)
        ));
    }
    if old.total_exact != new.total_exact || old.total != new.total {
        let (a, b) = shown_or_exact(&old.total, old.total_exact, &new.total, new.total_exact);
        lines.push(format!("总分: {a} → {b}"));
    }
    if old.grade != new.grade {
        lines.push(format!("等级: {} → {}", old.grade, new.grade));
    }
    let before: BTreeMap<&str, &IndicatorRecord> =
        old.indicators.iter().map(|i| (i.id.as_str(), i)).collect();
    let after: BTreeMap<&str, &IndicatorRecord> =
        new.indicators.iter().map(|i| (i.id.as_str(), i)).collect();
    for i in &new.indicators {
        match before.get(i.id.as_str()) {
            None => lines.push(format!(
                "+ 新增指标 {} {}: 分值 {}, 得分 {}",
                i.id, i.name, i.points, i.score
            )),
            Some(o) => {
                let mut parts = Vec::new();
                if o.name != i.name {
                    parts.push(format!("名称 {} → {}", o.name, i.name));
                }
                if o.points != i.points {
                    parts.push(format!("分值 {} → {}", o.points, i.points));
                }
                if o.exact != i.exact || o.score != i.score {
                    let (a, b) = shown_or_exact(&o.score, o.exact, &i.score, i.exact);
                    parts.push(format!("得分 {a} → {b}"));
                }
                if o.status != i.status {
                    parts.push(format!(
                        "{} → {}",
                        status_label(o.status),
                        status_label(i.status)
                    ));
                }
                if !parts.is_empty() {
                    lines.push(format!("{} {}: {}", i.id, i.name, parts.join(", ")));
                }
            }
        }
    }
    for o in &old.indicators {
        if !after.contains_key(o.id.as_str()) {
            lines.push(format!(
                "− 删除指标 {} {}: 原分值 {}, 原得分 {}",
                o.id, o.name, o.points, o.score
            ));
        }
    }
    // Findings as multisets: each one gone or added, in a fixed order.
    let count = |findings: &[FindingRecord]| {
        let mut counts: BTreeMap<FindingRecord, usize> = BTreeMap::new();
        for f in findings {
            *counts.entry(f.clone()).or_default() += 1;
        }
        counts
    };
    let (was, is) = (count(&old.findings), count(&new.findings));
    let finding = |sign: &str, what: &str, f: &FindingRecord| {
        let at = f
            .indicator
            .as_ref()
            .map_or_else(String::new, |i| format!(", {i}"));
        format!(
            "{sign} {what} [{}] {}{at}: {}",
            severity_label(&f.severity),
            f.rule,
            f.message
        )
    };
    for (f, &n) in &was {
        for _ in is.get(f).copied().unwrap_or(0)..n {
            lines.push(finding("−", "发现问题消失", f));
        }
    }
    for (f, &n) in &is {
        for _ in was.get(f).copied().unwrap_or(0)..n {
            lines.push(finding("+", "新增发现问题", f));
        }
    }
    lines
}

fn list_or_none(list: &[String]) -> String {
    if list.is_empty() {
        "无".to_owned()
    } else {
        list.join(", ")
    }
}

/// Old and new as shown; where the shown figures are the same, the exact ones (a change below
/// the shown decimals is still a change).
fn shown_or_exact(
    old: &str,
    old_exact: Decimal,
    new: &str,
    new_exact: Decimal,
) -> (String, String) {
    if old == new {
        (old_exact.to_string(), new_exact.to_string())
    } else {
        (old.to_owned(), new.to_owned())
    }
}

pub fn run(args: &SnapshotArgs) -> Result<ExitCode> {
    if args.dir.exists() && !args.dir.is_dir() {
        bail!("--dir {} is not a folder", args.dir.display());
    }
    let rules = Rules::load(&args.rules, &args.plugins)?;
    let vocabulary = args.vocabulary.load()?;
    let mut found = crate::inputs::discover(&args.units)?;
    let skipped = std::mem::take(&mut found.skipped);
    let mut names = crate::output::Names::default();
    let (mut same, mut changed, mut new, mut failed, mut written) = (0, 0, 0, 0, 0);
    let mut given = std::collections::BTreeSet::new();
    let mut to_write: Vec<(PathBuf, String)> = Vec::new();
    for job in crate::inputs::jobs(&found)? {
        let job = match job {
            Ok(job) => job,
            Err((_, message)) => {
                error!("{message}");
                failed += 1;
                continue;
            }
        };
        let source = job.source();
        let file = args
            .dir
            .join(format!("{}{SUFFIX}", names.unique(&job.stem())));
        given.insert(file.clone());
        let card = job
            .load(&vocabulary)
            .map_err(|f| anyhow::anyhow!("{f}"))
            .and_then(|unit| {
                for warning in &unit.warnings {
                    crate::term::prefixed(warning);
                }
                rules.score(&unit)
            });
        let card = match card {
            Ok(card) => card,
            Err(e) => {
                error!("{source}: {e:#}");
                failed += 1;
                continue;
            }
        };
        let record = Record::of(&card, &source, rules.rules.score_decimals);
        let head = format!("{source} ({})", record.unit);
        let state = match std::fs::symlink_metadata(&file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::New,
            _ => match ours(&file) {
                None => {
                    error!(
                        "{}: not a snapshot jixiao wrote (it does not start with jixiao's \
                         header): left as it is; move it, or give another --dir",
                        file.display()
                    );
                    failed += 1;
                    continue;
                }
                Some(text) => match toml::from_str::<Record>(&text) {
                    // Where the unit was read from (`source`) is said, not compared: the same
                    // file named another way is the same unit.
                    Ok(old) => {
                        let lines = diff(&old, &record);
                        if lines.is_empty() {
                            State::Same
                        } else {
                            State::Changed(lines)
                        }
                    }
                    Err(e) => State::Changed(vec![format!(
                        "记录的快照 {} 无法读取 ({}), 视为有变化",
                        file.display(),
                        e.message()
                    )]),
                },
            },
        };
        match state {
            State::Same => {
                same += 1;
                say(&format!("未变 {head}"))?;
            }
            State::New => {
                new += 1;
                say(&format!(
                    "新单位 {head}: 尚无快照; 总分 {}, 等级 {}{}",
                    record.total,
                    record.grade,
                    if args.accept { " (已记录)" } else { "" }
                ))?;
                to_write.push((file, record.to_text()?));
            }
            State::Changed(lines) => {
                changed += 1;
                say(&format!(
                    "有变化 {head}{}",
                    if args.accept { " (已记录)" } else { "" }
                ))?;
                for line in lines {
                    say(&format!("    {line}"))?;
                }
                to_write.push((file, record.to_text()?));
            }
        }
    }
    // Snapshots of units not given this time: said, and kept (a run over some of the reference
    // units must not delete the others' records).
    let mut absent = Vec::new();
    if args.dir.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&args.dir)
            .with_context(|| format!("cannot list {}", args.dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            if !given.contains(&entry) && ours(&entry).is_some() {
                absent.push(entry);
            }
        }
    }
    if args.accept && !to_write.is_empty() {
        std::fs::create_dir_all(&args.dir)
            .with_context(|| format!("cannot create {}", args.dir.display()))?;
        for (path, text) in &to_write {
            crate::output::check_target(path)?;
            crate::output::write_atomic(path, text)?;
            written += 1;
        }
    }
    let mut summary = format!("{same} 个单位未变, {changed} 个有变化, {new} 个新单位");
    if failed > 0 {
        summary.push_str(&format!(", {failed} 个无法评分"));
    }
    say(&summary)?;
    for path in &absent {
        note!(
            "{}: 本次未给出该单位, 快照保留不动 (不再需要时请手动删除)",
            tidy(path).display()
        );
    }
    if let Some(line) = skipped.summary() {
        note!("{line}");
    }
    if args.accept {
        if written > 0 {
            info!("wrote {written} snapshot(s) to {}", args.dir.display());
        }
    } else if changed + new > 0 {
        info!(
            "review the changes above; record them with: jixiao snapshot --accept (same arguments)"
        );
    }
    Ok(if failed > 0 {
        ExitCode::from(crate::UNUSABLE)
    } else if !args.accept && changed + new > 0 {
        ExitCode::from(crate::SOME_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}
