//! The unit model and its TOML format.

use std::path::Path;

use jixiao_model::{Account, EvaluationKind, FieldPath, SelfEvaluation};
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

/// A project unit with every field a 自评表 adds: who supervises and implements it, its code and
/// filing date, the execution row, 三公经费 parts, 年度主要任务 and qualitative indicator values.
const TABLE_UNIT: &str = r#"
[unit]
name = "某区市政设施维护中心"
year = 2023
kind = "project"
project = "城市道路照明设施维护"
supervisor = "某区城市管理局"
implementer = "某区市政设施维护中心"
project_code = "51000021R000000019951"
filed_on = "2024-03-15"

[budget]
full_year = "1350.00"
spent = "1386.45"

[execution]
points = 10
rate = "102.70"
self_score = 10

[base]
three_public = 12.5
three_public_parts = { cars = 8, receptions = "4.5", overseas = 0 }
three_public_last_year_parts = { cars = 9.1 }

[[tasks]]
name = "路灯维护"
content = "全区3.2万盏路灯的日常维护"
budget = 800
spent = "812.30"

[[tasks]]
name = "设施更新"

[[indicators]]
level1 = "效益指标"
level2 = "社会效益指标"
name = "夜间出行条件改善"
target_text = "效果明显"
actual_text = "达到预期"
points = 10
self_score = 9
"#;

fn table_unit() -> SelfEvaluation {
    SelfEvaluation::from_toml(TABLE_UNIT, Path::new("t.toml"))
        .unwrap()
        .into_inner()
}

#[test]
fn the_fields_of_a_table_read_from_toml() {
    let unit = table_unit();
    let u = &unit.unit;
    assert_eq!(u.supervisor.as_deref(), Some("某区城市管理局"));
    assert_eq!(u.implementer.as_deref(), Some("某区市政设施维护中心"));
    assert_eq!(u.project_code.as_deref(), Some("51000021R000000019951"));
    assert_eq!(u.filed_on, Some(jiff::civil::date(2024, 3, 15)));
    assert_eq!(unit.budget.opening, None);
    assert_eq!(unit.budget.full_year, Some(dec!(1350)));
    let e = unit.execution.as_ref().unwrap();
    assert_eq!(
        (e.points, e.rate, e.self_score),
        (Some(dec!(10)), Some(dec!(102.70)), Some(dec!(10)))
    );
    let parts = unit.base.three_public_parts.as_ref().unwrap();
    assert_eq!(
        (parts.cars, parts.receptions, parts.overseas),
        (Some(dec!(8)), Some(dec!(4.5)), Some(dec!(0)))
    );
    let last = unit.base.three_public_last_year_parts.as_ref().unwrap();
    assert_eq!((last.cars, last.receptions), (Some(dec!(9.1)), None));
    assert_eq!(unit.tasks.len(), 2);
    assert_eq!(unit.tasks[0].spent, Some(dec!(812.3)));
    assert_eq!(unit.tasks[1].name, "设施更新");
    assert_eq!(
        (unit.tasks[1].content.as_ref(), unit.tasks[1].budget),
        (None, None)
    );
    let row = &unit.indicators[0];
    assert_eq!(
        (row.target, row.target_text.as_deref()),
        (None, Some("效果明显"))
    );
    assert_eq!(row.actual_text.as_deref(), Some("达到预期"));
}

#[test]
fn the_fields_of_a_table_round_trip_through_toml_and_json_lines() {
    let unit = table_unit();
    let toml = unit.to_toml();
    assert_eq!(
        SelfEvaluation::from_toml(&toml, Path::new("again.toml")).unwrap(),
        unit
    );
    let line = unit.to_json_line();
    assert!(line.contains(r#""filed_on":"2024-03-15""#), "{line}");
    assert!(
        line.contains(r#""project_code":"51000021R000000019951""#),
        "{line}"
    );
    assert_eq!(
        SelfEvaluation::from_json(&line, Path::new("u.jsonl"), 1).unwrap(),
        unit
    );
}

#[test]
fn a_filing_date_is_a_real_date_written_yyyy_mm_dd() {
    // A TOML date literal is the same date as the string.
    let literal = TABLE_UNIT.replacen(r#"filed_on = "2024-03-15""#, "filed_on = 2024-03-15", 1);
    assert_eq!(
        SelfEvaluation::from_toml(&literal, Path::new("t.toml")).unwrap(),
        table_unit()
    );
    for (bad, says) in [
        (r#""2023-02-29""#, "is not a date"),
        (r#""2024/03/15""#, "YYYY-MM-DD"),
        (r#""20240315""#, "YYYY-MM-DD"),
        ("2024-03-15T10:00:00", "date and time"),
    ] {
        let text = TABLE_UNIT.replacen(r#""2024-03-15""#, bad, 1);
        let message = SelfEvaluation::from_toml(&text, Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("t.toml: at `unit.filed_on`: "),
            "{bad}: {message}"
        );
        assert!(message.contains(says), "{bad}: {message}");
    }
    let line = table_unit()
        .to_json_line()
        .replacen("2024-03-15", "2024-13-01", 1);
    let message = SelfEvaluation::from_json(&line, Path::new("u.jsonl"), 3)
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("u.jsonl:3: at `unit.filed_on`: "),
        "{message}"
    );
}

#[test]
fn a_negative_figure_of_a_table_is_refused_at_its_key() {
    for (from, to, key) in [
        ("rate = \"102.70\"", "rate = -1", "execution.rate"),
        (
            "receptions = \"4.5\"",
            "receptions = -4.5",
            "base.three_public_parts.receptions",
        ),
        ("spent = \"812.30\"", "spent = -812.3", "tasks[0].spent"),
    ] {
        let text = TABLE_UNIT.replacen(from, to, 1);
        let message = SelfEvaluation::from_toml(&text, Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with(&format!("t.toml: at `{key}`: ")),
            "{key}: {message}"
        );
        assert!(message.contains("negative amount"), "{key}: {message}");
    }
}

#[test]
fn the_figures_of_a_table_are_checked_however_the_unit_was_built() {
    let mut unit = table_unit();
    let huge = dec!(2000000000000);
    let e = unit.execution.as_mut().unwrap();
    e.points = Some(dec!(-1));
    e.rate = Some(huge);
    e.self_score = Some(dec!(0.0000001));
    unit.base.three_public_parts.as_mut().unwrap().overseas = Some(dec!(-2));
    unit.base
        .three_public_last_year_parts
        .as_mut()
        .unwrap()
        .cars = Some(huge);
    unit.tasks[0].budget = Some(dec!(-800));
    unit.tasks[1].spent = Some(huge);
    unit.budget.opening = Some(dec!(-1));
    let problems = unit.check().unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "budget.opening",
            "execution.points",
            "execution.rate",
            "execution.self_score",
            "base.three_public_parts.overseas",
            "base.three_public_last_year_parts.cars",
            "tasks[0].budget",
            "tasks[1].spent",
        ]
    );
    assert!(
        problems[2].message.contains("at most 10^12"),
        "{problems:?}"
    );
    assert_eq!(
        problems[6].field,
        FieldPath::item("tasks", 0, "budget"),
        "{problems:?}"
    );
}

/// `1e-400` passed through an `f64` as 0 and was read as the figure 0, silently: it is refused at
/// its key, in TOML (with its line) and in JSON Lines. So is `1e400`, by the parsers.
#[test]
fn a_figure_too_small_for_a_float_is_refused_at_its_key_never_read_as_zero() {
    let text = std::fs::read_to_string(sample_path()).unwrap();
    let path = Path::new("unit.toml");
    for tiny in ["1e-400", "-2.5E-330", &format!("0.{}85", "0".repeat(400))] {
        let bad = text.replacen("spent = 85.33", &format!("spent = {tiny}"), 1);
        let err = SelfEvaluation::from_toml(&bad, path)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!(
                "unit.toml: at `budget.spent`: line 67: the number {tiny} is too small to be read (it would become 0)"
            )),
            "{err}"
        );
    }
    let huge = text.replacen("spent = 85.33", "spent = 1e400", 1);
    let err = SelfEvaluation::from_toml(&huge, path)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("unit.toml: at `budget.spent`: "), "{err}");

    let unit = SelfEvaluation::load(&sample_path()).unwrap();
    let line = unit.to_json_line();
    let bad = line.replacen("\"spent\":\"85.33\"", "\"spent\":1e-400", 1);
    assert_ne!(bad, line, "the JSON line writes the figure as a string");
    let err = SelfEvaluation::from_json(&bad, Path::new("units.jsonl"), 3)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("units.jsonl:3: at `budget.spent`: the number 1e-400 is too small"),
        "{err}"
    );
    let err = SelfEvaluation::from_json(
        &line.replacen("\"spent\":\"85.33\"", "\"spent\":1e400", 1),
        Path::new("units.jsonl"),
        3,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("units.jsonl:3: at `budget.spent`: "),
        "{err}"
    );
}

/// Messages that named no place: a file in GBK (`stream did not contain valid UTF-8`), a value
/// nested past the parser's depth (`cannot recurse further`), an account that is none of its
/// forms (`data did not match any variant of untagged enum Account`).
#[test]
fn a_bad_file_or_value_is_named_where_it_is_and_what_is_allowed() {
    let text = std::fs::read_to_string(sample_path()).unwrap();
    let dir = tempfile::tempdir().unwrap();

    let gbk = dir.path().join("gbk.toml");
    std::fs::write(&gbk, encoding_rs::GBK.encode(&text).0).unwrap();
    let err = SelfEvaluation::load(&gbk).unwrap_err().to_string();
    let offset = text.find(|c: char| !c.is_ascii()).unwrap();
    let line = text[..offset].matches('\n').count() + 1;
    assert!(
        err.starts_with(&format!(
            "{}: not UTF-8 at line {line} (byte offset {offset}: ",
            gbk.display()
        )),
        "{err}"
    );
    assert!(
        err.ends_with("the file looks GBK (GB18030)-encoded: save it as UTF-8"),
        "{err}"
    );

    let path = Path::new("unit.toml");
    let deep = text.replacen(
        "spent = 85.33",
        &format!("spent = {}{}", "[".repeat(300), "]".repeat(300)),
        1,
    );
    let err = SelfEvaluation::from_toml(&deep, path)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("unit.toml: at `budget.spent`: TOML parse error at line 67"),
        "{err}"
    );

    for (value, says) in [
        (
            r#""yes""#,
            r#"invalid value: string "yes", expected "none", "not_reported" or a table of figures { income = …, spent = … }"#,
        ),
        (
            "7",
            r#"invalid type: integer `7`, expected "none", "not_reported""#,
        ),
    ] {
        let bad = text.replacen(
            "government_fund = \"none\"",
            &format!("government_fund = {value}"),
            1,
        );
        let err = SelfEvaluation::from_toml(&bad, path)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("unit.toml: at `accounts.government_fund`: "),
            "{err}"
        );
        assert!(err.contains(says), "{err}");
    }
    let negative = text.replacen(
        "government_fund = \"none\"",
        "government_fund = { income = -1, spent = 2 }",
        1,
    );
    let err = SelfEvaluation::from_toml(&negative, path)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("unit.toml: at `accounts.government_fund.income`: "),
        "{err}"
    );
    assert!(err.contains("the negative amount -1"), "{err}");
    let figures = text.replacen(
        "government_fund = \"none\"",
        "government_fund = { income = 1, spent = 2 }",
        1,
    );
    let unit = SelfEvaluation::from_toml(&figures, path).unwrap();
    assert!(matches!(unit.accounts.government_fund, Account::Figures(_)));
    let json = unit.to_json_line();
    let back = SelfEvaluation::from_json(&json, Path::new("u.jsonl"), 1).unwrap();
    assert_eq!(back.accounts, unit.accounts);
}

/// `identity_from_toml` reads the `[unit]` table alone where it can be cut out, and the whole
/// file where it cannot; either way it gives what the full parse gives, and a header that only
/// looks like one (inside a multi-line string) is never taken for the table.
#[test]
fn who_a_unit_file_is_is_what_the_full_parse_says_wherever_the_table_stands() {
    let sample = std::fs::read_to_string(sample_path()).unwrap();
    let full = |text: &str| {
        SelfEvaluation::from_toml(text, Path::new("unit.toml"))
            .map(|unit| unit.unit().unit.clone())
            .ok()
    };
    let expected = full(&sample).unwrap();
    assert_eq!(expected.name, "株洲市芦淞区科学技术协会");
    let start = sample.find("[unit]").unwrap();
    let end = start + sample[start..].find("\n[staffing]").unwrap() + 1;
    let (before, table, after) = (&sample[..start], &sample[start..end], &sample[end..]);
    let last = format!("{before}{after}\n{table}");
    // The first goal's text as a multi-line string that holds another unit's table.
    let impostor =
        "[unit]\nname = \"别的单位\"\nregion = \"别处\"\nyear = 2023\nkind = \"project\"\n";
    let goal =
        "text = \"引导基层群众和全社会参加科学经济建设发展，营造大众创业、万众创新的浓厚氛围。\"";
    assert!(sample.contains(goal));
    let with_string =
        |text: &str| text.replacen(goal, &format!("text = \"\"\"\n{impostor}\"\"\""), 1);
    let variants = [
        ("as filed", sample.clone()),
        ("the table last", last.clone()),
        ("line ends CRLF", sample.replace('\n', "\r\n")),
        (
            "a comment after the header",
            sample.replace("[unit]\n", "[unit]  # 单位\n"),
        ),
        (
            "a look-alike table in a string after it",
            with_string(&sample),
        ),
        (
            "a look-alike table in a string before it",
            with_string(&last),
        ),
    ];
    for (what, text) in &variants {
        assert_eq!(
            full(text).as_ref(),
            Some(&expected),
            "{what}: the full parse"
        );
        assert_eq!(
            SelfEvaluation::identity_from_toml(text).as_ref(),
            Some(&expected),
            "{what}"
        );
    }
    // A top-level dotted key adds to the table (here: twice, which TOML refuses): the whole
    // file is parsed, never the cut table alone.
    let dotted = format!("unit.name = \"别的单位\"\n{sample}");
    assert_eq!(full(&dotted), None);
    assert_eq!(SelfEvaluation::identity_from_toml(&dotted), None);
}
