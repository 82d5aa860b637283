//! `jixiao test CASES...`: a bureau's own tests of its rule sets. Each case file (TOML) names a
//! rule set and a unit (a path, or the unit inline) and says what the unit scores under it, as
//! computed by hand: the total, the grade, indicator scores, findings. Every case is scored as
//! `jixiao score` scores it and compared; a failing case shows expected against got, with the
//! rule's arithmetic. See docs/cli.md (`jixiao test`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use jixiao_engine::{RuleId, Scorecard, ScoredIndicator, Severity};
use jixiao_model::{SelfEvaluation, at_key};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::scoring::{Rules, load_unit, say, tidy};

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Case files (TOML) or folders of them (searched recursively, in name order).
    #[arg(required = true)]
    cases: Vec<PathBuf>,
    #[command(flatten)]
    plugins: crate::PluginArgs,
}

/// One case file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    /// The rule set, relative to the case file.
    rules: PathBuf,
    /// The unit file (or form, or report), relative to the case file.
    unit: Option<PathBuf>,
    /// Or the unit itself: a unit file's tables under `[inline]`.
    inline: Option<Box<SelfEvaluation>>,
    /// `|got − expected| ≤ tolerance` passes; 0 when not given.
    tolerance: Option<Decimal>,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// The total as shown (rounded to the rule set's `score_decimals`).
    total: Option<Decimal>,
    grade: Option<String>,
    /// Indicator id → score (leaves or groups), as shown; only those listed are checked.
    #[serde(default)]
    indicators: BTreeMap<String, Decimal>,
    /// Each must be among the scorecard's findings.
    #[serde(default)]
    findings: Vec<ExpectFinding>,
    /// When true, a finding of the scorecard that no entry of `findings` matches fails the case
    /// (e.g. a clean unit: no findings at all).
    #[serde(default)]
    only_listed_findings: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectFinding {
    /// As written in the scorecard's JSON: `self_scores`, `missing_input`, `plugin/rule`.
    rule: String,
    indicator: Option<String>,
    /// `hard`, `soft` or `error`; any when not given.
    severity: Option<Severity>,
}

/// A case ready to run: paths resolved, numbers exact.
#[derive(Debug)]
struct Case {
    path: PathBuf,
    rules: PathBuf,
    unit: CaseUnit,
    tolerance: Decimal,
    total: Option<Decimal>,
    grade: Option<String>,
    indicators: BTreeMap<String, Decimal>,
    findings: Vec<(RuleId, Option<String>, Option<Severity>)>,
    only_listed_findings: bool,
}

#[derive(Debug)]
enum CaseUnit {
    Path(PathBuf),
    Inline(Box<jixiao_model::CheckedUnit>),
}

/// Reads a case file; the error names the file and the key.
fn read_case(path: &Path) -> Result<Case> {
    let text = jixiao_model::encoding::read_utf8(path).map_err(|e| match e {
        jixiao_model::encoding::ReadTextError::Io(e) => {
            anyhow!("cannot read {}: {e}", path.display())
        }
        jixiao_model::encoding::ReadTextError::NotUtf8(why) => anyhow!("{}: {why}", path.display()),
    })?;
    let at = |key: &str, message: &dyn std::fmt::Display| {
        anyhow!("{}: {}{message}", path.display(), at_key(key))
    };
    let deserializer = toml::Deserializer::parse(&text)
        .map_err(|e| at("", &e.to_string().trim_end().to_owned()))?;
    let file: CaseFile = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let key = e.path().to_string();
        at(&key, &e.into_inner().to_string().trim_end().to_owned())
    })?;
    let exact = exact_numbers(&text).map_err(|(key, message)| at(&key, &message))?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let unit = match (file.unit, file.inline) {
        (Some(unit), None) => CaseUnit::Path(dir.join(unit)),
        (None, Some(inline)) => CaseUnit::Inline(Box::new(inline.check().map_err(|problems| {
            let problem = problems.into_iter().next().expect("check: never empty");
            at(&format!("inline.{}", problem.field), &problem.message)
        })?)),
        (Some(_), Some(_)) => {
            return Err(at(
                "unit",
                &"give the unit either as a path (`unit = \"...\"`) or inline (`[inline]`), not both",
            ));
        }
        (None, None) => {
            return Err(at(
                "",
                &"no unit: give `unit = \"PATH\"` (relative to the case file) or an `[inline]` unit",
            ));
        }
    };
    let tolerance = exact
        .get("tolerance")
        .copied()
        .or(file.tolerance)
        .unwrap_or_default();
    if tolerance.is_sign_negative() && !tolerance.is_zero() {
        return Err(at("tolerance", &"the tolerance is 0 or more"));
    }
    let expect = file.expect;
    let mut findings = Vec::new();
    for (i, f) in expect.findings.into_iter().enumerate() {
        let rule = RuleId::parse(&f.rule).ok_or_else(|| {
            at(
                &format!("expect.findings[{i}].rule"),
                &format!(
                    "no rule `{}`: a built-in check (`self_scores`, `fund_reconciliation` …), an \
                     engine rule (`missing_input` …) or `plugin/rule`, as the scorecard's JSON \
                     writes it",
                    f.rule
                ),
            )
        })?;
        findings.push((rule, f.indicator, f.severity));
    }
    let indicators: BTreeMap<String, Decimal> = expect
        .indicators
        .into_iter()
        .map(|(id, value)| {
            let exact = exact.get(&format!("expect.indicators.{id}")).copied();
            (id, exact.unwrap_or(value))
        })
        .collect();
    if expect.total.is_none()
        && expect.grade.is_none()
        && findings.is_empty()
        && indicators.is_empty()
        && !expect.only_listed_findings
    {
        return Err(at(
            "expect",
            &"nothing is expected: give a total, a grade, indicators or findings",
        ));
    }
    Ok(Case {
        rules: dir.join(file.rules),
        unit,
        tolerance,
        total: exact.get("expect.total").copied().or(expect.total),
        grade: expect.grade,
        indicators,
        findings,
        only_listed_findings: expect.only_listed_findings,
        path: path.to_owned(),
    })
}

/// The expected numbers as written, exactly: a TOML float reaches serde through an `f64`, which
/// keeps 15 significant digits at most; here every float and integer under `tolerance`,
/// `expect.total` and `expect.indicators` is read from its text. Keyed by its dotted path
/// (`expect.indicators.ID`). Strings are exact already (serde reads them as decimals).
fn exact_numbers(text: &str) -> Result<BTreeMap<String, Decimal>, (String, String)> {
    use toml::de::{DeTable, DeValue};
    let mut out = BTreeMap::new();
    let Ok(table) = DeTable::parse(text) else {
        return Ok(out);
    };
    let root = DeValue::Table(table.into_inner());
    let number = |key: &str, value: &DeValue<'_>| -> Result<Option<Decimal>, (String, String)> {
        let raw = match value {
            DeValue::Float(f) => f.as_str().to_owned(),
            DeValue::Integer(i) if i.radix() == 10 => i.as_str().to_owned(),
            _ => return Ok(None),
        };
        let raw = raw.replace('_', "");
        raw.parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(&raw))
            .map(Some)
            .map_err(|_| {
                (
                    key.to_owned(),
                    format!("{raw} is not a number jixiao can compare exactly"),
                )
            })
    };
    if let Some(v) = root.get("tolerance")
        && let Some(d) = number("tolerance", v.get_ref())?
    {
        out.insert("tolerance".to_owned(), d);
    }
    if let Some(expect) = root.get("expect") {
        if let Some(v) = expect.get_ref().get("total")
            && let Some(d) = number("expect.total", v.get_ref())?
        {
            out.insert("expect.total".to_owned(), d);
        }
        if let Some(DeValue::Table(indicators)) =
            expect.get_ref().get("indicators").map(|v| v.get_ref())
        {
            for (id, v) in indicators {
                let key = format!("expect.indicators.{}", id.get_ref());
                if let Some(d) = number(&key, v.get_ref())? {
                    out.insert(key, d);
                }
            }
        }
    }
    Ok(out)
}

/// Every case file named, folders searched recursively, in name order (`.toml` files only under
/// a folder; a file named is a case whatever its name).
fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot list {}", dir.display()))?
            .map(|e| e.map(|e| e.path()))
            .collect::<std::io::Result<_>>()
            .with_context(|| format!("cannot list {}", dir.display()))?;
        entries.sort();
        for entry in entries {
            let hidden = entry
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if entry.is_dir() {
                walk(&entry, out)?;
            } else if entry.extension().is_some_and(|e| e == "toml") {
                out.push(entry);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out)?;
        } else if path.is_file() {
            out.push(path.clone());
        } else {
            bail!("no such file or directory: {}", path.display());
        }
    }
    Ok(out)
}

/// What became of one case.
enum Outcome {
    Passed,
    /// The lines that say what differs.
    Failed(Vec<String>),
}

pub fn run(args: &TestArgs) -> Result<ExitCode> {
    let files = discover(&args.cases)?;
    if files.is_empty() {
        bail!("no case files (.toml) under {}", join(&args.cases));
    }
    let vocabulary = jixiao_ingest::Vocabulary::builtin();
    // Each rule set is loaded once (its plugins too), however many cases use it.
    let mut loaded: BTreeMap<PathBuf, Result<Rules, String>> = BTreeMap::new();
    let (mut passed, mut failed, mut broken) = (0usize, 0usize, 0usize);
    for file in &files {
        let shown = tidy(file);
        let result = read_case(file).and_then(|case| {
            let key = std::fs::canonicalize(&case.rules).unwrap_or_else(|_| case.rules.clone());
            let rules = loaded
                .entry(key)
                .or_insert_with(|| {
                    Rules::load(&case.rules, &args.plugins).map_err(|e| format!("{e:#}"))
                })
                .as_ref()
                .map_err(|e| anyhow!("{e}"))?;
            let (card, unit_label) = match &case.unit {
                CaseUnit::Path(path) => {
                    let unit = load_unit(path, vocabulary)?;
                    (rules.score(&unit)?, tidy(path).display().to_string())
                }
                CaseUnit::Inline(unit) => (
                    rules.score(&crate::inputs::Loaded {
                        unit: (**unit).clone(),
                        ingested: None,
                        warnings: Vec::new(),
                        returns: Vec::new(),
                    })?,
                    "[inline]".to_owned(),
                ),
            };
            let outcome = compare(&case, &card, &rules.rules)?;
            Ok((case, unit_label, outcome))
        });
        match result {
            Ok((case, unit, outcome)) => {
                let head = |word: &str| {
                    format!(
                        "{word} {}  (规则 {}, 单位 {unit})",
                        shown.display(),
                        tidy(&case.rules).display()
                    )
                };
                match outcome {
                    Outcome::Passed => {
                        passed += 1;
                        say(&head("通过"))?;
                    }
                    Outcome::Failed(lines) => {
                        failed += 1;
                        say(&head("未通过"))?;
                        for line in lines {
                            say(&format!("    {line}"))?;
                        }
                    }
                }
            }
            Err(error) => {
                broken += 1;
                say(&format!("无法运行 {}", shown.display()))?;
                for line in format!("{error:#}").lines() {
                    say(&format!("    {line}"))?;
                }
            }
        }
    }
    let mut summary = format!("{passed} 项通过, {failed} 项未通过");
    if broken > 0 {
        summary.push_str(&format!(", {broken} 项无法运行"));
    }
    say(&summary)?;
    Ok(if broken > 0 {
        ExitCode::from(crate::UNUSABLE)
    } else if failed > 0 {
        ExitCode::from(crate::SOME_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

fn join(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `value` as shown to compare with `expected`: at the rule set's decimals, or at the expected
/// value's own where it is written with more.
fn shown(value: Decimal, expected: Decimal, decimals: u32) -> Decimal {
    jixiao_model::round(value, decimals.max(expected.scale()))
}

/// A number as a case file writes it, trailing zeros dropped (`4.95`, `12`).
fn written(value: Decimal) -> String {
    value.normalize().to_string()
}

fn within(got: Decimal, expected: Decimal, tolerance: Decimal) -> bool {
    got.checked_sub(expected)
        .is_some_and(|d| d.abs() <= tolerance)
}

fn compare(case: &Case, card: &Scorecard, rules: &jixiao_rules::ValidRuleSet) -> Result<Outcome> {
    let decimals = rules.score_decimals;
    let tolerance_note = if case.tolerance.is_zero() {
        String::new()
    } else {
        format!(" (容差 {})", written(case.tolerance))
    };
    let mut lines = Vec::new();
    // Every indicator named must be in the rule set's tree: a typo is not a pass.
    for id in case.indicators.keys() {
        if card.indicator(id).is_none() {
            bail!(
                "{}: at `expect.indicators.{id}`: 规则集 {} 中没有指标 {id}",
                case.path.display(),
                card.rule_set.id
            );
        }
    }
    if let Some(expected) = case.total {
        let exact = if expected.scale() > decimals {
            card.total_exact
        } else {
            card.total
        };
        let got = shown(exact, expected, decimals);
        if !within(got, expected, case.tolerance) {
            lines.push(format!(
                "总分: 期望 {}, 实得 {}{tolerance_note}",
                written(expected),
                written(got)
            ));
            lines.push(format!("    算法: {}", total_arithmetic(card, decimals)));
        }
    }
    if let Some(expected) = &case.grade
        && card.grade.as_deref() != Some(expected.as_str())
    {
        lines.push(format!(
            "等级: 期望 {expected}, 实得 {} (总分 {})",
            card.grade_label(),
            jixiao_engine::fmt::points(card.total, decimals)
        ));
    }
    // In the tree's order, so that a failing case reads top-down like the scorecard.
    let mut nodes = Vec::new();
    walk(&card.indicators, &mut nodes);
    for node in nodes {
        let Some(&expected) = case.indicators.get(&node.id) else {
            continue;
        };
        let got = shown(node.score, expected, decimals);
        if within(got, expected, case.tolerance) {
            continue;
        }
        lines.push(format!(
            "{} {}: 期望 {}, 实得 {}{tolerance_note}",
            node.id,
            node.name,
            written(expected),
            written(got)
        ));
        lines.extend(
            arithmetic(node, decimals)
                .into_iter()
                .map(|l| format!("    {l}")),
        );
    }
    for (rule, indicator, severity) in &case.findings {
        let found = card
            .findings
            .iter()
            .any(|f| matches(f, rule, indicator.as_ref(), *severity));
        if !found {
            let mut what = rule.to_string();
            if let Some(indicator) = indicator {
                what.push_str(&format!(", 指标 {indicator}"));
            }
            if let Some(severity) = severity {
                what.push_str(&format!(", {}", severity.label()));
            }
            let same_rule: Vec<String> = card
                .findings
                .iter()
                .filter(|f| f.rule == *rule)
                .map(|f| match &f.indicator {
                    Some(i) => format!("{} ({i})", f.severity.label()),
                    None => f.severity.label().to_owned(),
                })
                .collect();
            lines.push(format!(
                "发现问题 {what}: 期望出现, 未出现{}",
                if same_rule.is_empty() {
                    String::new()
                } else {
                    format!(" (该规则实得: {})", same_rule.join(", "))
                }
            ));
        }
    }
    if case.only_listed_findings {
        for f in &card.findings {
            let listed = case
                .findings
                .iter()
                .any(|(rule, indicator, severity)| matches(f, rule, indicator.as_ref(), *severity));
            if !listed {
                let at = f
                    .indicator
                    .as_ref()
                    .map_or_else(String::new, |i| format!(", 指标 {i}"));
                lines.push(format!(
                    "发现问题 {}{at}, {}: 未期望, 实得出现: {}",
                    f.rule,
                    f.severity.label(),
                    f.message
                ));
            }
        }
    }
    Ok(if lines.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(lines)
    })
}

/// Whether the finding `f` is the one expected: its rule, and its indicator and severity where
/// the case gives them.
fn matches(
    f: &jixiao_engine::Finding,
    rule: &RuleId,
    indicator: Option<&String>,
    severity: Option<Severity>,
) -> bool {
    f.rule == *rule
        && indicator.is_none_or(|i| f.indicator.as_ref() == Some(i))
        && severity.is_none_or(|s| f.severity == s)
}

fn walk<'a>(nodes: &'a [ScoredIndicator], out: &mut Vec<&'a ScoredIndicator>) {
    for node in nodes {
        out.push(node);
        walk(&node.children, out);
    }
}

/// How a node's score came about: a leaf's formula (and reason, and plugin adjustments); a
/// group's sum of its children.
fn arithmetic(node: &ScoredIndicator, decimals: u32) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(detail) = &node.detail {
        lines.push(format!("算法: {}", detail.formula));
        if let Some(reason) = &detail.reason {
            lines.push(format!("扣分原因: {reason}"));
        }
        for adjustment in &detail.adjustments {
            lines.push(format!(
                "插件调整 ({}): {} 分, {}",
                adjustment.source,
                written(adjustment.applied),
                adjustment.reason
            ));
        }
    }
    if !node.children.is_empty() {
        let parts: Vec<String> = node
            .children
            .iter()
            .map(|c| jixiao_engine::fmt::points(c.score, decimals).to_string())
            .collect();
        lines.push(format!(
            "下级指标之和: {} = {}",
            parts.join(" + "),
            jixiao_engine::fmt::points(node.score, decimals)
        ));
    }
    lines
}

/// How the total came about: the top-level scores summed, rescaled where leaves were dropped.
fn total_arithmetic(card: &Scorecard, decimals: u32) -> String {
    let p = |d| jixiao_engine::fmt::points(d, decimals).to_string();
    let parts: Vec<String> = card.indicators.iter().map(|i| p(i.score)).collect();
    match &card.rescaled {
        Some(r) => format!(
            "一级指标之和 {} = {}; 不适用指标不计入, 折算 {} × {} / {} = {}",
            parts.join(" + "),
            p(r.raw),
            p(r.raw),
            written(card.points),
            written(r.available),
            p(card.total_exact)
        ),
        None => format!(
            "一级指标之和 {} = {}",
            parts.join(" + "),
            p(card.total_exact)
        ),
    }
}
