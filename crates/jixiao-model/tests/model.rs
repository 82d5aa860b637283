//! The unit model and its TOML format.

use std::path::Path;

use jixiao_model::{Account, EvaluationKind, SelfEvaluation};
use rust_decimal_macros::dec;

fn sample_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/units/department/lusong-kexie-2024.toml")
}

#[test]
fn the_sample_holds_every_figure_of_the_report() {
    let unit = SelfEvaluation::load(&sample_path()).unwrap();
    assert_eq!(unit.unit.name, "株洲市芦淞区科学技术协会");
    assert_eq!(unit.unit.year, 2024);
    assert_eq!(unit.unit.kind, EvaluationKind::Department);
    let staffing = unit.staffing.unwrap();
    assert_eq!(
        (staffing.authorised, staffing.in_post, staffing.retired),
        (3, 3, 1)
    );
    let b = &unit.budget;
    assert_eq!(b.opening, Some(dec!(69.16)));
    assert_eq!(b.income, Some(dec!(85.33)));
    assert_eq!(b.spent, dec!(85.33));
    assert_eq!(b.basic, Some(dec!(55.09)));
    assert_eq!(b.personnel, Some(dec!(47.3)));
    assert_eq!(b.public, Some(dec!(7.79)));
    assert_eq!(b.project, Some(dec!(30.24)));
    assert_eq!(unit.accounts.government_fund, Account::None);
    assert_eq!(unit.accounts.state_capital, Account::None);
    assert_eq!(unit.accounts.social_insurance, Account::None);
    let funds: Vec<_> = unit
        .funds
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.opening,
                f.change,
                f.spent,
                f.carried_over,
            )
        })
        .collect();
    assert_eq!(
        funds,
        [
            ("科普经费", dec!(8), dec!(11.84), dec!(19.84), dec!(0.01)),
            ("换届工作经费", dec!(3), dec!(-0.6), dec!(2.4), dec!(0)),
            ("老年科普经费", dec!(3), dec!(5.09), dec!(8), dec!(0.09)),
        ]
    );
    let sources: Vec<_> = unit.funds[0].sources.iter().map(|s| s.amount).collect();
    assert_eq!(sources, [dec!(10), dec!(9.84)]);
    assert_eq!(unit.goals.len(), 10);
    assert_eq!(unit.goals.iter().filter(|g| g.measure.is_some()).count(), 2);
    // 6 + 12 + 27 robot-contest prizes.
    let robot: rust_decimal::Decimal = unit
        .claims
        .iter()
        .filter(|c| c.what.contains("机器人竞赛"))
        .map(|c| c.quantity)
        .sum();
    assert_eq!(robot, dec!(45));
    assert_eq!(unit.narrative.problems.as_deref(), Some("无。"));
    assert!(unit.indicators.is_empty() && unit.declared.is_none());
}

#[test]
fn toml_round_trips() {
    let unit = SelfEvaluation::load(&sample_path()).unwrap();
    let again = SelfEvaluation::from_toml(&unit.to_toml(), Path::new("again.toml")).unwrap();
    assert_eq!(again, unit);
}

#[test]
fn accounts_are_not_reported_none_or_figures() {
    let text = std::fs::read_to_string(sample_path()).unwrap().replacen(
        "state_capital = \"none\"",
        "state_capital = { income = 1.5, spent = 1.2 }",
        1,
    );
    let text = text.replacen("social_insurance = \"none\"\n", "", 1);
    let unit = SelfEvaluation::from_toml(&text, Path::new("u.toml")).unwrap();
    assert!(matches!(unit.accounts.state_capital, Account::Figures(ref f) if f.spent == dec!(1.2)));
    assert_eq!(unit.accounts.social_insurance, Account::NotReported);
}

#[test]
fn a_budget_may_leave_out_its_opening_figure() {
    let text = std::fs::read_to_string(sample_path()).unwrap();
    let without = text.replacen("opening = 69.16", "", 1);
    let unit = SelfEvaluation::from_toml(&without, Path::new("u.toml")).unwrap();
    assert_eq!(unit.budget.opening, None);
    assert!(!unit.to_json_line().contains(r#""budget":{"opening""#));
    let negative = text.replacen("opening = 69.16", "opening = -69.16", 1);
    let message = SelfEvaluation::from_toml(&negative, Path::new("u.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("u.toml: at `budget.opening`: "),
        "{message}"
    );
}

#[test]
fn a_missing_required_key_is_named() {
    let text = std::fs::read_to_string(sample_path())
        .unwrap()
        .replacen("year = 2024\n", "", 1);
    let error = SelfEvaluation::from_toml(&text, Path::new("u.toml")).unwrap_err();
    let message = error.to_string();
    assert!(message.starts_with("u.toml: at `unit`: "), "{message}");
    assert!(message.contains("missing field `year`"), "{message}");
}
