//! The unit crosses as JSON and reads back; keys a newer host adds are dropped.

use jixiao_plugin_api::ffi::read_unit;
use jixiao_plugin_api::model::SelfEvaluation;
use serde_json::value::RawValue;

fn sample() -> SelfEvaluation {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/units/department/lusong-kexie-2024.toml"
    );
    SelfEvaluation::load(std::path::Path::new(path)).unwrap()
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
