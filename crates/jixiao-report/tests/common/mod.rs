//! What the report tests share: the sample unit scored under the Hunan rubric.

use std::path::Path;

use jixiao_engine::Scorecard;
use jixiao_model::SelfEvaluation;
use jixiao_rules::RuleSet;

/// The workspace root.
pub fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The sample's scorecard under `configs/hunan-department.toml`.
pub fn sample_card() -> Scorecard {
    let unit = SelfEvaluation::load(
        &root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"),
    )
    .unwrap();
    let (rules, _) = RuleSet::load(&root().join("configs/hunan-department.toml")).unwrap();
    jixiao_engine::score(&unit, &rules).unwrap()
}

// Each test binary uses some of these helpers, never all.

/// A batch of two: `card` scored from `a.toml`, and `b.toml` that failed with `error`.
#[allow(dead_code)]
pub fn two_rows(card: &Scorecard, error: &str) -> [jixiao_report::SummaryRow; 2] {
    use jixiao_report::{SummaryRow, UnitSummary};
    [
        SummaryRow {
            source: "a.toml".to_owned(),
            outcome: Ok(UnitSummary::of(card)),
        },
        SummaryRow {
            source: "b.toml".to_owned(),
            outcome: Err(error.to_owned()),
        },
    ]
}

/// summary.xlsx of `rows`, with `card` (from `a.toml`) on the indicator and findings sheets.
#[allow(dead_code)]
pub fn summary_xlsx(
    card: &Scorecard,
    rows: &[jixiao_report::SummaryRow],
    notes: &[String],
) -> Vec<u8> {
    use jixiao_report::xlsx::{IndicatorColumn, SummaryWorkbook};
    let columns = vec![IndicatorColumn {
        id: "x".into(),
        header: "x".into(),
    }];
    let mut workbook = SummaryWorkbook::new(columns, Vec::new(), 2024).unwrap();
    workbook.add_unit("a.toml", card).unwrap();
    workbook
        .finish(rows, notes)
        .expect("the workbook is written whatever a unit's text")
}
