//! The unit crosses as JSON and reads back; keys a newer host adds are dropped; a rule's `needs`
//! select parts of the unit.

use jixiao_plugin_api::ffi::read_unit;
use jixiao_plugin_api::model::SelfEvaluation;
use jixiao_plugin_api::wire::{self, Leaf};
use jixiao_plugin_api::{Finding, Input, Output, Part, Plugin, Rule};
use serde_json::value::RawValue;

fn sample() -> SelfEvaluation {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/units/department/lusong-kexie-2024.toml"
    );
    SelfEvaluation::load(std::path::Path::new(path))
        .unwrap()
        .into_inner()
}

#[test]
fn the_unit_round_trips_with_decimals_as_strings() {
    let unit = sample();
    let json = serde_json::to_string(&unit).unwrap();
    assert!(json.contains(r#""opening":"69.16""#), "{json}");
    let raw = RawValue::from_string(json).unwrap();
    assert_eq!(read_unit(&raw).unwrap(), unit);
}

#[test]
fn unknown_keys_from_a_newer_host_are_dropped() {
    let unit = sample();
    let mut value = serde_json::to_value(&unit).unwrap();
    value["budget"]["new_figure"] = "1".into();
    value["funds"][1]["audited"] = true.into();
    value["future_section"] = serde_json::json!({"a": 1});
    let raw = RawValue::from_string(value.to_string()).unwrap();
    assert_eq!(read_unit(&raw).unwrap(), unit);
}

#[test]
fn the_unit_reads_strictly_without_the_lenient_path() {
    let json = serde_json::to_string(&sample()).unwrap();
    let strict: Result<SelfEvaluation, _> = serde_json::from_str(&json);
    assert!(strict.is_ok(), "{strict:?}");
}

fn units() -> Vec<SelfEvaluation> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/units");
    let mut units = Vec::new();
    for kind in ["department", "project"] {
        let dir = std::path::Path::new(dir).join(kind);
        for entry in std::fs::read_dir(dir).unwrap() {
            units.push(
                SelfEvaluation::load(&entry.unwrap().path())
                    .unwrap()
                    .into_inner(),
            );
        }
    }
    units
}

#[test]
fn every_part_written_gives_the_whole_unit_byte_for_byte() {
    for unit in units() {
        let mut out = b"{".to_vec();
        let mut first = true;
        for part in Part::ALL {
            let mark = out.len();
            if !first {
                out.push(b',');
            }
            if part.write(&unit, &mut out) {
                first = false;
            } else {
                out.truncate(mark);
            }
        }
        out.push(b'}');
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&unit).unwrap()
        );
    }
}

#[test]
fn needs_name_known_parts_and_always_add_unit_and_budget() {
    assert_eq!(wire::parts(None), None);
    let needs = ["narrative".to_owned(), "goals".to_owned()];
    assert_eq!(
        wire::parts(Some(&needs)),
        Some(vec![Part::Unit, Part::Goals, Part::Budget, Part::Narrative])
    );
    let unknown = ["narrative".to_owned(), "future_part".to_owned()];
    assert_eq!(wire::parts(Some(&unknown)), None, "unknown: the whole unit");
    for part in Part::ALL {
        assert_eq!(Part::from_name(part.name()), Some(part));
    }
}

fn sees(input: &Input<'_>, _: &std::collections::BTreeMap<String, String>) -> Output {
    let mut out = Output::new();
    let unit = input.unit;
    out.push(Finding::soft(format!(
        "{} goals {} rows {} leaves {} narrative {}",
        unit.unit.name,
        unit.goals.len(),
        unit.indicators.len(),
        input.leaves.len(),
        unit.narrative.problems.is_some()
    )));
    out
}

#[test]
fn in_process_a_rule_sees_only_what_it_declares() {
    let plugin = Plugin::new("p", "0")
        .rule(Rule::new("all", "", sees))
        .rule(Rule::new("narrative", "", sees).needs(&[Part::Narrative]))
        .rule(Rule::new("rows", "", sees).needs(&[Part::Indicators, Part::Leaves]));
    let unit = units()
        .into_iter()
        .find(|u| !u.indicators.is_empty() && u.narrative.problems.is_some())
        .unwrap();
    let leaf = Leaf {
        id: "a".into(),
        name: "a".into(),
        points: 1.into(),
        score: 1.into(),
    };
    let seen = |rule: &str| {
        let out = plugin
            .evaluate(
                rule,
                &serde_json::json!({}),
                &unit,
                std::slice::from_ref(&leaf),
            )
            .unwrap();
        out.findings[0].message.clone()
    };
    let name = &unit.unit.name;
    let (goals, rows) = (unit.goals.len(), unit.indicators.len());
    assert_eq!(
        seen("all"),
        format!("{name} goals {goals} rows {rows} leaves 1 narrative true")
    );
    assert_eq!(
        seen("narrative"),
        format!("{name} goals 0 rows 0 leaves 0 narrative true")
    );
    assert_eq!(
        seen("rows"),
        format!("{name} goals 0 rows {rows} leaves 1 narrative false")
    );
}
