//! A unit's name, its source or its error that starts like a formula (`=`, `+`, `-`, `@`, a tab,
//! a carriage return) is written to summary.csv behind an apostrophe, so that a spreadsheet
//! opening the file shows it as text and runs nothing (OWASP's advice on CSV injection); figures,
//! a negative gap among them, stay numbers.

use std::path::Path;

use jixiao_model::SelfEvaluation;
use jixiao_report::{SummaryRow, UnitSummary};
use jixiao_rules::RuleSet;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn text_that_starts_like_a_formula_is_written_as_text() {
    let unit = SelfEvaluation::load(
        &root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"),
    )
    .unwrap();
    let (rules, _) = RuleSet::load(&root().join("configs/hunan-department.toml")).unwrap();
    let card = jixiao_engine::score(&unit, &rules).unwrap();
    let mut summary = UnitSummary::of(&card);
    summary.unit = "=HYPERLINK(\"http://x\",\"点我\")".to_owned();
    let rows = [
        SummaryRow {
            source: "+units/a.toml".to_owned(),
            outcome: Ok(summary),
        },
        SummaryRow {
            source: "@b.toml".to_owned(),
            outcome: Err("-1+2: not a unit".to_owned()),
        },
        SummaryRow {
            source: "\tc.toml".to_owned(),
            outcome: Err("\r=cmd".to_owned()),
        },
    ];
    let csv = jixiao_report::summary_csv(&rows);
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&records[0][0], "'+units/a.toml");
    assert_eq!(&records[0][1], "'=HYPERLINK(\"http://x\",\"点我\")");
    assert_eq!(&records[1][0], "'@b.toml");
    assert_eq!(&records[1][11], "'-1+2: not a unit");
    assert_eq!(&records[2][0], "'\tc.toml");
    assert_eq!(&records[2][11], "'\r=cmd");
    // Figures are written as figures: the sample's total, and its gap where it has one.
    let figure = |text: &str| rust_decimal::Decimal::from_str_exact(text);
    assert_eq!(
        figure(&records[0][4]),
        Ok(jixiao_model::round(card.total, 2))
    );
    let gap = &records[0][7];
    assert!(gap.is_empty() || figure(gap).is_ok(), "{gap:?}");
}
