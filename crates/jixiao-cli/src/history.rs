//! `jixiao history UNIT-OR-CODE [--db FILE] [--all]`: a unit's years in the results store: each
//! year's total and grade, the rule set, the review's final total and grade, and the run it was
//! recorded by. Only the current result of a year is shown unless `--all` (a rerun supersedes
//! an earlier run's result; both are kept). A query that finds two units (two codes under one
//! name) lists each apart.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Result;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use jixiao_round::table::{normalize_code, normalize_name};
use jixiao_store::HistoryRow;

use crate::scoring::say;
use crate::store::ReadStoreArgs;

/// `jixiao history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The unit: its 单位编码, or its name as written (spaces and full-width characters aside).
    #[arg(value_name = "UNIT-OR-CODE")]
    query: String,
    #[command(flatten)]
    store: ReadStoreArgs,
    /// Also the results superseded by a later run of the same unit, year and rule set.
    #[arg(long)]
    all: bool,
    /// How to print the years.
    #[arg(long, short, value_enum, default_value_t = crate::runs::Format::Terminal)]
    format: crate::runs::Format,
}

/// Who a row is: by code where it has one, else by name and region; a project by its own
/// name besides.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Who {
    kind: String,
    code: Option<String>,
    name: Option<String>,
    project: Option<String>,
}

fn who(row: &HistoryRow) -> Who {
    let project = row.project.as_deref().map(normalize_name);
    match &row.code {
        Some(code) => Who {
            kind: row.kind.clone(),
            code: Some(normalize_code(code)),
            name: None,
            project,
        },
        None => Who {
            kind: row.kind.clone(),
            code: None,
            name: Some(format!(
                "{}|{}",
                normalize_name(&row.name),
                row.region
                    .as_deref()
                    .map(normalize_name)
                    .unwrap_or_default()
            )),
            project,
        },
    }
}

/// The rows, unit by unit (in the order each unit is first met), each unit's oldest year first.
pub fn by_unit(rows: Vec<HistoryRow>) -> Vec<Vec<HistoryRow>> {
    let mut order: Vec<Who> = Vec::new();
    let mut units: BTreeMap<Who, Vec<HistoryRow>> = BTreeMap::new();
    for row in rows {
        let key = who(&row);
        if !units.contains_key(&key) {
            order.push(key.clone());
        }
        units.entry(key).or_default().push(row);
    }
    order
        .into_iter()
        .filter_map(|key| units.remove(&key))
        .collect()
}

/// The line that names a unit above its table: its latest name, code, region, project.
fn heading(rows: &[HistoryRow]) -> String {
    let last = rows.last().expect("a unit has a row");
    let mut out = format!("单位: {}", last.name);
    if let Some(project) = &last.project {
        out.push_str(&format!(" / 项目: {project}"));
    }
    let mut parts = Vec::new();
    if let Some(code) = &last.code {
        parts.push(format!("单位编码 {code}"));
    }
    if let Some(region) = &last.region {
        parts.push(format!("地区 {region}"));
    }
    parts.push(
        match last.kind.as_str() {
            "department" => "部门整体",
            "project" => "项目",
            other => other,
        }
        .to_owned(),
    );
    out.push_str(&format!(" ({})", parts.join(", ")));
    out
}

/// One unit's years as a terminal table.
pub fn table(rows: &[HistoryRow]) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(["年度", "总分", "等级", "规则", "复核", "评分记录", "状态"]);
    for row in rows {
        let review = if row.reviewed {
            format!(
                "{} {} (系统 {} {})",
                row.final_total,
                row.final_grade.as_deref().unwrap_or("无等级"),
                row.total,
                row.grade.as_deref().unwrap_or("无等级")
            )
        } else {
            "—".to_owned()
        };
        table.add_row(vec![
            Cell::new(row.year),
            Cell::new(&row.total).set_alignment(CellAlignment::Right),
            Cell::new(row.grade.as_deref().unwrap_or("无等级")),
            Cell::new(jixiao_report::visible(&format!(
                "{} v{}",
                row.rule_set_id, row.rule_set_version
            ))),
            Cell::new(review),
            Cell::new(format!("第 {} 次 ({})", row.run, row.recorded_at)),
            Cell::new(if row.current {
                "当前"
            } else {
                "已被取代"
            }),
        ]);
    }
    table.to_string()
}

fn json(units: &[Vec<HistoryRow>]) -> Result<String> {
    let units: Vec<serde_json::Value> = units
        .iter()
        .map(|rows| {
            let last = rows.last().expect("a unit has a row");
            serde_json::json!({
                "name": last.name,
                "code": last.code,
                "region": last.region,
                "project": last.project,
                "kind": last.kind,
                "years": rows.iter().map(|r| serde_json::json!({
                    "year": r.year,
                    "name": r.name,
                    "total": r.total,
                    "grade": r.grade,
                    "rule_set": { "id": r.rule_set_id, "version": r.rule_set_version },
                    "reviewed": r.reviewed,
                    "final_total": r.final_total,
                    "final_grade": r.final_grade,
                    "run": r.run,
                    "recorded_at": r.recorded_at,
                    "current": r.current,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(serde_json::to_string_pretty(&units)? + "\n")
}

pub fn run(args: &HistoryArgs) -> Result<ExitCode> {
    let store = args.store.open_required()?;
    let rows: Vec<HistoryRow> = store
        .history(&args.query)?
        .into_iter()
        .filter(|row| args.all || row.current)
        .collect();
    if rows.is_empty() {
        crate::term::error!(
            "{}: 没有「{}」的评分记录 (按单位编码或单位名称查找)",
            store.path().display(),
            args.query
        );
        return Ok(ExitCode::from(crate::SOME_FAILED));
    }
    let units = by_unit(rows);
    match args.format {
        crate::runs::Format::Json => {
            crate::output::write_or_print(std::path::Path::new("-"), json(&units)?)?;
        }
        crate::runs::Format::Terminal => {
            if units.len() > 1 {
                say(&format!(
                    "「{}」对应 {} 个不同的单位, 分别列出:",
                    args.query,
                    units.len()
                ))?;
            }
            for (i, rows) in units.iter().enumerate() {
                if i > 0 {
                    say("")?;
                }
                say(&heading(rows))?;
                say(&table(rows))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
