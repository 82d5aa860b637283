//! `jixiao runs [--db FILE]`: the runs a results store holds, oldest first: a Chinese-headed
//! table on the terminal, or JSON.

use std::process::ExitCode;

use anyhow::Result;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use jixiao_store::RunSummary;

use crate::scoring::say;
use crate::store::ReadStoreArgs;

/// `jixiao runs`.
#[derive(Debug, clap::Args)]
pub struct RunsArgs {
    #[command(flatten)]
    store: ReadStoreArgs,
    /// How to print the runs.
    #[arg(long, short, value_enum, default_value_t = Format::Terminal)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Terminal,
    Json,
}

/// The kind of a run, for people.
pub fn kind_label(kind: &str) -> &str {
    match kind {
        "score" => "评分",
        "import" => "导入",
        other => other,
    }
}

/// The years of a run, `2023, 2024`.
fn years(run: &RunSummary) -> String {
    run.years
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The runs as a terminal table (columns in Chinese, numbers right-aligned).
pub fn table(runs: &[RunSummary]) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header([
            "编号",
            "类型",
            "记录时间",
            "规则",
            "年度",
            "已评分",
            "未能评分",
            "重复报送",
            "输出目录",
        ]);
    let right = |n: u64| Cell::new(n).set_alignment(CellAlignment::Right);
    for run in runs {
        table.add_row(vec![
            Cell::new(run.id).set_alignment(CellAlignment::Right),
            Cell::new(kind_label(&run.kind)),
            Cell::new(&run.recorded_at),
            Cell::new(jixiao_report::visible(&format!(
                "{} v{}",
                run.rule_set_id, run.rule_set_version
            ))),
            Cell::new(years(run)),
            right(run.scored),
            right(run.failed),
            right(run.duplicates),
            Cell::new(jixiao_report::visible(
                run.out_dir.as_deref().unwrap_or("—"),
            )),
        ]);
    }
    table.to_string()
}

/// The runs as JSON: one object a run, in the store's order.
pub fn json(runs: &[RunSummary]) -> Result<String> {
    let runs: Vec<serde_json::Value> = runs
        .iter()
        .map(|run| {
            serde_json::json!({
                "run": run.id,
                "kind": run.kind,
                "started_at": run.started_at,
                "recorded_at": run.recorded_at,
                "jixiao_version": run.jixiao_version,
                "rule_set": {
                    "id": run.rule_set_id,
                    "name": run.rule_set_name,
                    "version": run.rule_set_version,
                    "sha256": run.rule_set_sha256,
                    "path": run.rule_set_path,
                },
                "years": run.years,
                "units": run.units,
                "scored": run.scored,
                "failed": run.failed,
                "duplicates": run.duplicates,
                "out_dir": run.out_dir,
            })
        })
        .collect();
    Ok(serde_json::to_string_pretty(&runs)? + "\n")
}

pub fn run(args: &RunsArgs) -> Result<ExitCode> {
    let store = args.store.open_required()?;
    let runs = store.runs()?;
    match args.format {
        Format::Json => crate::output::write_or_print(std::path::Path::new("-"), json(&runs)?)?,
        Format::Terminal if runs.is_empty() => {
            say(&format!("{}: 尚无评分记录", store.path().display()))?;
        }
        Format::Terminal => say(&table(&runs))?,
    }
    Ok(ExitCode::SUCCESS)
}
