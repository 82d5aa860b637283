//! The summaries and scorecards of a batch, on one core: units shaped like the sample
//! (`jixiao_synth::Like`), scored once under the Hunan rule set, then each output rendered from
//! the scorecards, as the batch does.
//!
//! `cargo bench -p jixiao-report --bench summaries [-- UNITS]` prints the time per unit of each
//! output (best of 5 runs; default 20,000 units): summary.xlsx in its two steps (the rows added as
//! units are scored, and the summary sheets and the zip at the end), summary.csv, summary.md,
//! index.html, and each unit's scorecard as JSON, Markdown and HTML. With the batch's
//! `--timings`, this says what each output costs apart from the threads around it.

use std::path::Path;
use std::time::{Duration, Instant};

use jixiao_engine::{Explain, RuleSetRef, Scorecard, ScoredIndicator};
use jixiao_model::SelfEvaluation;
use jixiao_report::html::{BatchInfo, FindingCounts};
use jixiao_report::xlsx::{IndicatorColumn, SummaryWorkbook};
use jixiao_report::{SummaryRow, UnitSummary};
use jixiao_rules::RuleSet;
use jixiao_synth::Like;

/// The fastest of 5 runs of `f`, divided by `units`, and the bytes `f` made on the last run.
fn best_of_5(units: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut bytes = 0;
    for _ in 0..5 {
        let start = Instant::now();
        bytes = f();
        best = best.min(start.elapsed());
    }
    (best / u32::try_from(units).unwrap(), bytes)
}

fn print(what: &str, (each, bytes): (Duration, usize), units: usize) {
    println!(
        "  {what:<34}{each:>9.2?} per unit, {:>6} bytes a unit",
        bytes / units
    );
}

/// Every node of the tree, in order: the workbook's indicator columns.
fn columns(nodes: &[ScoredIndicator], path: &mut Vec<String>, out: &mut Vec<IndicatorColumn>) {
    for node in nodes {
        path.push(node.name.clone());
        out.push(IndicatorColumn {
            id: node.id.clone(),
            header: format!("{} ({})", path.join(" / "), node.points.normalize()),
        });
        columns(&node.children, path, out);
        path.pop();
    }
}

fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sample = root.join("tests/fixtures/units/department/lusong-kexie-2024.toml");
    let sample = SelfEvaluation::load(&sample).unwrap().into_inner();
    let (rules, _) = RuleSet::load(&root.join("configs/hunan-department.toml")).unwrap();
    let score = |explain| {
        let options = jixiao_engine::Options {
            explain,
            ..Default::default()
        };
        Like::new(sample.clone(), 2024)
            .units(u64::try_from(count).unwrap())
            .map(|unit| jixiao_engine::score_with(&unit, &rules, &options).unwrap())
            .collect::<Vec<Scorecard>>()
    };
    // The summaries of a batch without scorecards are made from scores only; scorecards are
    // explained.
    let cards = score(Explain::ScoresOnly);
    let explained = score(Explain::Full);
    let sources: Vec<String> = (0..count).map(|i| format!("units/{i:06}.toml")).collect();
    let rows: Vec<SummaryRow> = cards
        .iter()
        .zip(&sources)
        .map(|(card, source)| SummaryRow {
            source: source.clone(),
            outcome: Ok(UnitSummary::of(card)),
        })
        .collect();
    let mut indicator_columns = Vec::new();
    columns(
        &cards[0].indicators,
        &mut Vec::new(),
        &mut indicator_columns,
    );
    let grades = rules.grade_names();
    println!("{count} units like the sample, hunan-department.toml");

    let mut workbooks = Vec::new();
    let added = best_of_5(count, || {
        let mut workbook =
            SummaryWorkbook::new(indicator_columns.clone(), grades.clone(), 2024).unwrap();
        for (card, source) in cards.iter().zip(&sources) {
            workbook.add_unit(source, card).unwrap();
        }
        workbooks.push(workbook);
        0
    });
    print("summary.xlsx: rows (add_unit)", added, count);
    let finished = best_of_5(count, || {
        let workbook = workbooks.pop().unwrap();
        workbook.finish(&rows, &[]).unwrap().len()
    });
    print("summary.xlsx: summary sheets, zip", finished, count);
    print(
        "summary.csv",
        best_of_5(count, || jixiao_report::summary_csv(&rows).len()),
        count,
    );
    print(
        "summary.md",
        best_of_5(count, || {
            jixiao_report::summary_markdown(&rows, &[], &grades).len()
        }),
        count,
    );
    let mut findings = FindingCounts::default();
    cards.iter().for_each(|card| findings.add(card));
    let rule_set = RuleSetRef::of(&rules);
    let info = BatchInfo {
        rule_set: &rule_set,
        grades: &grades,
        findings: &findings,
        notes: &[],
        bureau: None,
    };
    let pages: Vec<Option<String>> = (0..count)
        .map(|i| Some(format!("scorecards/{i:06}.html")))
        .collect();
    print(
        "index.html",
        best_of_5(count, || {
            jixiao_report::html::index(&info, &rows, &pages).len()
        }),
        count,
    );
    let each = |render: &dyn Fn(&Scorecard) -> String| {
        best_of_5(count, || {
            explained.iter().map(|card| render(card).len()).sum()
        })
    };
    print("scorecard JSON", each(&jixiao_report::json), count);
    print("scorecard Markdown", each(&jixiao_report::markdown), count);
    print(
        "scorecard HTML",
        each(&|card| jixiao_report::html::scorecard(card, "../index.html", None, None)),
        count,
    );
}
