//! `[[plugins]]` entries: parsed, unknown keys refused, problems named by file and key.

use std::path::Path;

use jixiao_rules::{LoadError, RuleSet};

fn base() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../configs/hunan-department.toml"
    ))
    .unwrap()
}

fn errors(extra: &str) -> Vec<String> {
    let text = format!("{}\n{extra}", base());
    match RuleSet::from_toml(&text, Path::new("x.toml")) {
        Err(LoadError::Invalid(errors)) => errors.iter().map(ToString::to_string).collect(),
        other => panic!("expected errors, got {other:?}"),
    }
}

#[test]
fn a_plugin_entry_is_read_with_its_params() {
    let text = format!(
        "{}\n{}",
        base(),
        r#"
[[plugins]]
name = "jixiao-plugin-deviation"
path = "../target/debug/jixiao_plugin_deviation"
sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

[[plugins.rules]]
rule = "target_deviation"
params = { threshold = 1.3, indicator = "output.completion" }
"#
    );
    let (rules, _) = RuleSet::from_toml(&text, Path::new("x.toml")).unwrap();
    assert_eq!(rules.plugins.len(), 1);
    let plugin = &rules.plugins[0];
    assert_eq!(plugin.rules[0].rule, "target_deviation");
    assert_eq!(
        plugin.rules[0].params["indicator"].as_str(),
        Some("output.completion")
    );
}

#[test]
fn unknown_keys_are_refused() {
    let found = errors(
        r#"
[[plugins]]
name = "p"
path = "p"
hash = "x"
rules = [{ rule = "r" }]
"#,
    );
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("x.toml: at `plugins[0].hash`: TOML parse error")
            && found[0].contains("unknown field `hash`"),
        "{found:?}"
    );
}

#[test]
fn bad_entries_are_named_by_key() {
    let found = errors(
        r#"
[[plugins]]
name = "p"
path = ""
sha256 = "ABC"
rules = [{ rule = "r" }, { rule = "r" }]

[[plugins]]
name = "p"
path = "q"
rules = []
"#,
    );
    assert_eq!(
        found,
        vec![
            "x.toml: at `plugins[0].path`: expected a library path, found an empty string",
            "x.toml: at `plugins[0].sha256`: expected 64 lowercase hexadecimal digits, found `ABC`",
            "x.toml: at `plugins[0].rules[1].rule`: rule `r` is listed twice",
            "x.toml: at `plugins[1].name`: plugin `p` is listed twice",
            "x.toml: at `plugins[1].rules`: the plugin is listed but none of its rules is used",
        ]
    );
}
