//! Rule plugins end to end: the four plugins of `plugins/` on the sample unit, pinning, and the
//! failure paths with deliberately bad plugins (built here from `crates/jixiao-cli/tests/bad-plugin`,
//! one build per feature, in the same target directory so the dependencies are shared).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use assert_cmd::Command;
use jixiao_tests::{cargo, plugin_dir, profile_dir};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::{SAMPLE, root};

fn library(dir: &Path, stem: &str) -> PathBuf {
    dir.join(format!(
        "{}{stem}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ))
}

/// A bad plugin, built with one feature and copied aside.
fn bad_plugin(feature: &str) -> PathBuf {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = profile_dir();
    let target = dir.parent().unwrap();
    let copy = library(
        &target.join("bad-plugins").join(feature),
        "jixiao_bad_plugin",
    );
    let manifest = root().join("crates/jixiao-cli/tests/bad-plugin/Cargo.toml");
    cargo(&[
        "build",
        "--quiet",
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--target-dir",
        target.to_str().unwrap(),
        "--features",
        feature,
    ]);
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    std::fs::copy(library(&target.join("debug"), "jixiao_bad_plugin"), &copy).unwrap();
    copy
}

fn sha256(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

/// A copy of `base` in a temporary directory, with `extra` appended.
fn rule_set(dir: &Path, base: &str, extra: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join("configs").join(base)).unwrap();
    let path = dir.join("rules.toml");
    std::fs::write(&path, format!("{text}\n{extra}")).unwrap();
    path
}

fn bad_entry(library: &Path, sha: Option<&str>) -> String {
    let pin = sha.map_or(String::new(), |s| format!("sha256 = \"{s}\"\n"));
    format!(
        "[[plugins]]\nname = \"jixiao-bad-plugin\"\npath = {:?}\n{pin}\n[[plugins.rules]]\nrule = \"boom\"\n",
        library.to_str().unwrap()
    )
}

struct Run {
    code: i32,
    cards: Vec<Value>,
    stderr: String,
}

fn score(rules: &Path, units: &str, extra: &[&str]) -> Run {
    let output = Command::cargo_bin("jixiao")
        .unwrap()
        .current_dir(root())
        .args(["score", "--format", "json", "--rules"])
        .arg(rules)
        .args(extra)
        .arg(units)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    Run {
        code: output.status.code().unwrap(),
        cards: serde_json::Deserializer::from_str(&stdout)
            .into_iter::<Value>()
            .map(Result::unwrap)
            .collect(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn findings<'a>(card: &'a Value, rule: &str) -> Vec<&'a str> {
    card["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap())
        .collect()
}

fn decimal(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn the_sample_unit_triggers_deviation_and_candour() {
    let dir = plugin_dir();
    let plugins = [dir.to_str().unwrap()];
    let with = score(
        Path::new("configs/hunan-department-plugins.toml"),
        SAMPLE,
        &["--allow-unpinned", "--plugin-dir", plugins[0]],
    );
    assert_eq!(with.code, 0, "{}", with.stderr);
    let card = &with.cards[0];
    // 科普宣传受众: 70000 / 10000 = 700 % ≥ 130 %; 青少年科技系列活动: 4 / 2 = 200 %.
    assert_eq!(
        findings(card, "jixiao-plugin-deviation/target_deviation"),
        vec![
            "绩效目标「科普宣传受众」实际 70000 人次, 为目标 10000 人次的 700.00%, 达到或超过 130.00% 而未说明偏差原因 (目标可能定得过低)",
            "绩效目标「青少年科技系列活动」实际 4 次, 为目标 2 次的 200.00%, 达到或超过 130.00% 而未说明偏差原因 (目标可能定得过低)",
        ]
    );
    assert_eq!(
        findings(card, "jixiao-plugin-candour/narrative_candour"),
        vec![
            "「存在的问题及原因分析」仅写「无。」, 自评未如实反映问题",
            "「下一步改进措施」仅写「无。」, 自评未如实反映问题",
        ]
    );
    // 实际完成率 (15 points, full): 15 × 0.2 × (7 − 1.3) = 17.1 off, but not below 0.8 × 15 = 12,
    // so −3; the 200 % goal would take 15 × 0.2 × (2 − 1.3) = 2.1 but 12 is the floor already.
    let leaf = &card["indicators"][2]["children"][0];
    assert_eq!(leaf["id"], "output.completion");
    assert_eq!(decimal(&leaf["score"]), dec!(12));
    let adjustments = leaf["detail"]["adjustments"].as_array().unwrap();
    assert_eq!(adjustments.len(), 1);
    assert_eq!(decimal(&adjustments[0]["applied"]), dec!(-3));
    // The total: the plain rubric's, less 3 points rescaled by 100 / 90 (two 5-point leaves
    // are dropped as not applicable).
    let plain = score(Path::new("configs/hunan-department.toml"), SAMPLE, &[]);
    let expected = decimal(&plain.cards[0]["total_exact"]) - dec!(3) * dec!(100) / dec!(90);
    assert!((decimal(&card["total_exact"]) - expected).abs() < dec!(0.0000000001));
    // Every plugin recorded with its version and the hash of the library that ran.
    let recorded = card["plugins"].as_array().unwrap();
    assert_eq!(recorded.len(), 4);
    for plugin in recorded {
        assert_eq!(plugin["version"], "0.1.0");
        let name = plugin["name"].as_str().unwrap().replace('-', "_");
        assert_eq!(plugin["sha256"], sha256(&library(&dir, &name)));
    }
}

#[test]
fn an_unpinned_plugin_needs_the_flag_and_a_pinned_one_does_not() {
    let dir = plugin_dir();
    let tmp = tempfile::tempdir().unwrap();
    let lib = library(&dir, "jixiao_plugin_uniform");
    let entry = |pin: &str| {
        format!(
            "[[plugins]]\nname = \"jixiao-plugin-uniform\"\npath = {:?}\n{pin}\n[[plugins.rules]]\nrule = \"uniform_full_marks\"\n",
            lib.to_str().unwrap()
        )
    };
    let rules = rule_set(tmp.path(), "national-project.toml", &entry(""));
    let run = score(&rules, "tests/fixtures/units/project", &[]);
    assert_eq!(run.code, 1);
    let error = format!(
        "error: rule set {}: plugin `jixiao-plugin-uniform`: library {} is not pinned; check it and add `sha256 = \"{}\"` to the entry, or pass --allow-unpinned",
        rules.display(),
        lib.display(),
        sha256(&lib)
    );
    assert!(run.stderr.contains(&error), "{}", run.stderr);
    assert_eq!(run.cards.len(), 2, "both units are scored");

    let pinned = rule_set(
        tmp.path(),
        "national-project.toml",
        &entry(&format!("sha256 = \"{}\"", sha256(&lib))),
    );
    let run = score(&pinned, "tests/fixtures/units/project", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        findings(&run.cards[1], "jixiao-plugin-uniform/uniform_full_marks"),
        vec![
            "自评表全部 5 个指标均自评满分, 缺乏区分度",
            "自评总分为满分 100 分"
        ]
    );
}

/// Scores both project units with one bad plugin: each unit is scored, with an error finding.
fn both_units_scored_with_error(rules: &Path, extra: &[&str], expected: &str) -> Run {
    let run = score(rules, "tests/fixtures/units/project", extra);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.cards.len(), 2, "{}", run.stderr);
    for card in &run.cards {
        let errors: Vec<&Value> = card["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect();
        if card["unit"]["name"] == "某区文化旅游广电体育局" || !expected.contains("panicked")
        {
            assert_eq!(errors.len(), 1, "{card}");
            assert_eq!(errors[0]["rule"], "jixiao-bad-plugin/boom");
            assert_eq!(errors[0]["message"], expected);
        } else {
            assert!(errors.is_empty(), "{card}");
        }
    }
    run
}

#[test]
fn a_panicking_plugin_gives_an_error_finding_on_that_unit_only() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = bad_plugin("panic");
    let rules = rule_set(tmp.path(), "national-project.toml", &bad_entry(&lib, None));
    let run = both_units_scored_with_error(
        &rules,
        &["--allow-unpinned"],
        "插件 jixiao-bad-plugin 的规则 boom 未能用于本单位: the plugin panicked: deliberate panic on 某区文化旅游广电体育局",
    );
    assert_eq!(
        findings(&run.cards[0], "jixiao-bad-plugin/boom"),
        vec!["boom ran"]
    );
}

#[test]
fn a_plugin_with_another_abi_is_refused_and_the_units_scored() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = bad_plugin("wrong_abi");
    let rules = rule_set(tmp.path(), "national-project.toml", &bad_entry(&lib, None));
    let problem = format!(
        "library {} speaks plugin ABI 99, but this jixiao speaks ABI 1; rebuild it against jixiao-plugin-api for ABI 1",
        lib.display()
    );
    let run = both_units_scored_with_error(
        &rules,
        &["--allow-unpinned"],
        &format!(
            "插件 jixiao-bad-plugin 的规则 boom 未能用于本单位: the plugin was not loaded: {problem}"
        ),
    );
    let error = format!(
        "error: rule set {}: plugin `jixiao-bad-plugin`: {problem}",
        rules.display()
    );
    assert!(run.stderr.contains(&error), "{}", run.stderr);
}

#[test]
fn a_plugin_missing_a_symbol_is_refused_and_the_units_scored() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = bad_plugin("missing_symbol");
    let rules = rule_set(tmp.path(), "national-project.toml", &bad_entry(&lib, None));
    let run = score(
        &rules,
        "tests/fixtures/units/project",
        &["--allow-unpinned"],
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.cards.len(), 2);
    let error = format!(
        "error: rule set {}: plugin `jixiao-bad-plugin`: library {} does not export `jixiao_plugin_call`: ",
        rules.display(),
        lib.display()
    );
    assert!(run.stderr.contains(&error), "{}", run.stderr);
    for card in &run.cards {
        let message = findings(card, "jixiao-bad-plugin/boom");
        assert_eq!(message.len(), 1);
        assert!(message[0].contains("does not export `jixiao_plugin_call`"));
    }
}

#[test]
fn a_plugin_whose_hash_differs_is_refused_and_the_units_scored() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = bad_plugin("panic");
    let wrong = "0".repeat(64);
    let rules = rule_set(
        tmp.path(),
        "national-project.toml",
        &bad_entry(&lib, Some(&wrong)),
    );
    let problem = format!(
        "library {} has SHA-256 {}, but the rule set pins {wrong}; refusing to load it",
        lib.display(),
        sha256(&lib)
    );
    // Refused even with --allow-unpinned: a pin that does not match is never overridden.
    let run = both_units_scored_with_error(
        &rules,
        &["--allow-unpinned"],
        &format!(
            "插件 jixiao-bad-plugin 的规则 boom 未能用于本单位: the plugin was not loaded: {problem}"
        ),
    );
    assert!(run.stderr.contains(&problem), "{}", run.stderr);
}

#[test]
fn a_plugin_returning_malformed_bytes_gives_error_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = bad_plugin("malformed");
    let rules = rule_set(tmp.path(), "national-project.toml", &bad_entry(&lib, None));
    // Loading calls `check_params`, which already gets the malformed answer.
    let problem = "rule `boom`: bad parameters: malformed response (16 bytes): expected ident at line 1 column 2";
    let run = both_units_scored_with_error(
        &rules,
        &["--allow-unpinned"],
        &format!(
            "插件 jixiao-bad-plugin 的规则 boom 未能用于本单位: the plugin was not loaded: {problem}"
        ),
    );
    assert!(run.stderr.contains(problem), "{}", run.stderr);
}

#[test]
fn check_names_unknown_rules_and_bad_parameters() {
    let dir = plugin_dir();
    let tmp = tempfile::tempdir().unwrap();
    let lib = library(&dir, "jixiao_plugin_candour");
    for (rule, params, problem) in [
        (
            "nope",
            "{}",
            "jixiao-plugin-candour v0.1.0 offers no rule `nope` (it offers: narrative_candour)",
        ),
        (
            "narrative_candour",
            "{ min_char = 3 }",
            "rule `narrative_candour`: bad parameters: unknown parameter `min_char` (the rule takes: min_chars, empty_words, deduction, indicator)",
        ),
        (
            "narrative_candour",
            "{ min_chars = \"ten\" }",
            "rule `narrative_candour`: bad parameters: `min_chars` must be an integer, found string `\"ten\"`",
        ),
        (
            "narrative_candour",
            "{ deduction = 1 }",
            "rule `narrative_candour`: bad parameters: `deduction` needs `indicator`, the leaf to deduct from",
        ),
    ] {
        let rules = rule_set(
            tmp.path(),
            "national-project.toml",
            &format!(
                "[[plugins]]\nname = \"jixiao-plugin-candour\"\npath = {:?}\n\n[[plugins.rules]]\nrule = \"{rule}\"\nparams = {params}\n",
                lib.to_str().unwrap()
            ),
        );
        let output = Command::cargo_bin("jixiao")
            .unwrap()
            .args(["check", "--allow-unpinned"])
            .arg(&rules)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8(output.stderr).unwrap();
        let error = format!(
            "error: rule set {}: plugin `jixiao-plugin-candour`: {problem}\n",
            rules.display()
        );
        assert_eq!(stderr, error);
    }
}

#[test]
fn check_loads_the_plugins_of_the_shipped_rule_sets() {
    let dir = plugin_dir();
    for rules in [
        "configs/hunan-department-plugins.toml",
        "configs/national-project-plugins.toml",
    ] {
        let output = Command::cargo_bin("jixiao")
            .unwrap()
            .current_dir(root())
            .args(["check", "--allow-unpinned", "--plugin-dir"])
            .arg(&dir)
            .arg(rules)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(output.status.success(), "{stdout}");
        assert_eq!(
            stdout.matches("  plugin jixiao-plugin-").count(),
            4,
            "{stdout}"
        );
    }
}
