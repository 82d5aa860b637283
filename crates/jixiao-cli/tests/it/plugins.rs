//! Rule plugins end to end: the four plugins of `plugins/` on the sample unit, pinning, and the
//! failure paths with deliberately bad plugins (built here from `crates/jixiao-cli/tests/bad-plugin`,
//! one build per feature, in the same target directory so the dependencies are shared).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use std::process::Output;

use assert_cmd::Command;
use jixiao_engine::{Finding, RuleId, Scorecard, Severity};
use jixiao_tests::{PLUGINS, cargo, plugin_dir, profile_dir};
use rust_decimal_macros::dec;
use sha2::{Digest, Sha256};

use crate::common::{SAMPLE, SCORECARDS, jixiao, jixiao_snapshot, root};

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

/// A `jixiao score -f json` run: its exit code, its scorecards (read back as the engine's, so
/// that findings are compared by their typed rule) and its standard error.
struct Run {
    code: i32,
    cards: Vec<Scorecard>,
    stderr: String,
}

impl Run {
    fn of(output: Output) -> Run {
        let stdout = String::from_utf8(output.stdout).unwrap();
        Run {
            code: output.status.code().unwrap(),
            cards: serde_json::from_str(&stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }
}

/// `jixiao score --format json --rules RULES EXTRA UNITS`.
fn score_command(rules: &Path, units: &str, extra: &[&str]) -> Command {
    let mut cmd = jixiao();
    cmd.args(["score", "--format", "json", "--rules"])
        .arg(rules)
        .args(extra)
        .arg(units);
    cmd
}

/// Runs `score_command` and snapshots it as `name` (its scorecards by their totals, plugins and
/// findings).
fn score(name: &str, rules: &Path, units: &str, extra: &[&str]) -> Run {
    Run::of(jixiao_snapshot!(
        name,
        &mut score_command(rules, units, extra),
        stdout: SCORECARDS
    ))
}

/// A plugin's rule, as findings name it.
fn plugin_rule(plugin: &str, rule: &str) -> RuleId {
    RuleId::Plugin {
        plugin: plugin.into(),
        rule: rule.into(),
    }
}

/// The messages of the findings of `rule`, in order.
fn findings<'a>(card: &'a Scorecard, rule: &RuleId) -> Vec<&'a str> {
    card.findings
        .iter()
        .filter(|f| f.rule == *rule)
        .map(|f| f.message.as_str())
        .collect()
}

#[test]
fn the_sample_unit_triggers_deviation_and_candour() {
    let dir = plugin_dir();
    let plugins = [dir.to_str().unwrap()];
    let with = score(
        "sample_with_plugins",
        Path::new("configs/hunan-department-plugins.toml"),
        SAMPLE,
        &["--allow-unpinned", "--plugin-dir", plugins[0]],
    );
    assert_eq!(with.code, 0, "{}", with.stderr);
    let card = &with.cards[0];
    // 科普宣传受众: 70000 / 10000 = 700 % ≥ 130 %; 青少年科技系列活动: 4 / 2 = 200 %.
    let deviation = plugin_rule("jixiao-plugin-deviation", "target_deviation");
    assert_eq!(
        findings(card, &deviation),
        vec![
            "绩效目标「科普宣传受众」实际 70000 人次, 为目标 10000 人次的 700.00%, 达到或超过 130.00% 而未说明偏差原因 (目标可能定得过低)",
            "绩效目标「青少年科技系列活动」实际 4 次, 为目标 2 次的 200.00%, 达到或超过 130.00% 而未说明偏差原因 (目标可能定得过低)",
        ]
    );
    assert_eq!(
        findings(
            card,
            &plugin_rule("jixiao-plugin-candour", "narrative_candour")
        ),
        vec![
            "「存在的问题及原因分析」仅写「无。」, 自评未如实反映问题",
            "「下一步改进措施」仅写「无。」, 自评未如实反映问题",
        ]
    );
    // 实际完成率 (15 points, full): 15 × 0.2 × (7 − 1.3) = 17.1 off, but not below 0.8 × 15 = 12,
    // so −3; the 200 % goal would take 15 × 0.2 × (2 − 1.3) = 2.1 but 12 is the floor already.
    let leaf = &card.indicators[2].children[0];
    assert_eq!(leaf.id, "output.completion");
    assert_eq!(leaf.score, dec!(12));
    let adjustments = &leaf.detail.as_ref().unwrap().adjustments;
    assert_eq!(adjustments.len(), 1);
    assert_eq!(adjustments[0].applied, dec!(-3));
    assert_eq!(adjustments[0].source, deviation);
    // The total: the plain rubric's, less 3 points rescaled by 100 / 90 (two 5-point leaves
    // are dropped as not applicable).
    let plain = Run::of(
        score_command(Path::new("configs/hunan-department.toml"), SAMPLE, &[])
            .output()
            .unwrap(),
    );
    let expected = plain.cards[0].total_exact - dec!(3) * dec!(100) / dec!(90);
    assert!((card.total_exact - expected).abs() < dec!(0.0000000001));
    assert_eq!(card.total, dec!(64.95));
    // Every plugin recorded with its version and the hash of the library that ran.
    let recorded = &card.plugins;
    assert_eq!(recorded.len(), 4);
    for plugin in recorded {
        assert_eq!(plugin.version, "0.1.0");
        let name = plugin.name.replace('-', "_");
        assert_eq!(plugin.sha256, sha256(&library(&dir, &name)));
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
    let run = score("unpinned", &rules, "tests/fixtures/units/project", &[]);
    assert_eq!(run.code, 1);
    let error = format!(
        "error: rule set {}: plugin `jixiao-plugin-uniform`: library {} is not pinned; check it and add `sha256 = \"{}\"` to the entry (`jixiao plugin pin` the rule set does it), or pass --allow-unpinned",
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
    let run = score("pinned", &pinned, "tests/fixtures/units/project", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        findings(
            &run.cards[1],
            &plugin_rule("jixiao-plugin-uniform", "uniform_full_marks")
        ),
        vec![
            "自评表全部 5 个指标均自评满分, 缺乏区分度",
            "自评总分为满分 100 分"
        ]
    );
}

/// Scores both project units with one bad plugin: each unit is scored, with an error finding.
fn both_units_scored_with_error(name: &str, rules: &Path, extra: &[&str], expected: &str) -> Run {
    let run = score(name, rules, "tests/fixtures/units/project", extra);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.cards.len(), 2, "{}", run.stderr);
    for card in &run.cards {
        let errors: Vec<&Finding> = card
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        if card.unit.name == "某区文化旅游广电体育局" || !expected.contains("panicked") {
            assert_eq!(errors.len(), 1, "{card:#?}");
            assert_eq!(errors[0].rule, plugin_rule("jixiao-bad-plugin", "boom"));
            assert_eq!(errors[0].message, expected);
        } else {
            assert!(errors.is_empty(), "{card:#?}");
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
        "panicking_plugin",
        &rules,
        &["--allow-unpinned"],
        "插件 jixiao-bad-plugin 的规则 boom 未能用于本单位: the plugin panicked: deliberate panic on 某区文化旅游广电体育局",
    );
    assert_eq!(
        findings(&run.cards[0], &plugin_rule("jixiao-bad-plugin", "boom")),
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
        "another_abi",
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
        "missing_symbol",
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
        let message = findings(card, &plugin_rule("jixiao-bad-plugin", "boom"));
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
        "library {} has SHA-256 {}, but the rule set pins {wrong}; refusing to load it (rebuilt? check it, then `jixiao plugin pin` the rule set)",
        lib.display(),
        sha256(&lib)
    );
    // Refused even with --allow-unpinned: a pin that does not match is never overridden.
    let run = both_units_scored_with_error(
        "pin_differs",
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
        "malformed_answers",
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
    for (name, rule, params, problem) in [
        (
            "check_unknown_rule",
            "nope",
            "{}",
            "jixiao-plugin-candour v0.1.0 offers no rule `nope` (it offers: narrative_candour)",
        ),
        (
            "check_unknown_parameter",
            "narrative_candour",
            "{ min_char = 3 }",
            "rule `narrative_candour`: bad parameters: unknown parameter `min_char` (the rule takes: min_chars, empty_words, deduction, indicator)",
        ),
        (
            "check_parameter_of_the_wrong_type",
            "narrative_candour",
            "{ min_chars = \"ten\" }",
            "rule `narrative_candour`: bad parameters: `min_chars` must be an integer, found string `\"ten\"`",
        ),
        (
            "check_deduction_without_its_leaf",
            "narrative_candour",
            "{ deduction = 1 }",
            "rule `narrative_candour`: bad parameters: `deduction` needs `indicator`, the leaf to deduct from",
        ),
        (
            "check_misspelt_leaf",
            "narrative_candour",
            "{ deduction = 1, indicator = \"output.complet\" }",
            "rule `narrative_candour`: bad parameters: `indicator` = \"output.complet\" names no leaf of the rule set's indicator tree; the nearest: `output.completion`, `output.quality`, `output.timeliness`",
        ),
    ] {
        let rules = rule_set(
            tmp.path(),
            "hunan-department.toml",
            &format!(
                "[[plugins]]\nname = \"jixiao-plugin-candour\"\npath = {:?}\n\n[[plugins.rules]]\nrule = \"{rule}\"\nparams = {params}\n",
                lib.to_str().unwrap()
            ),
        );
        let output = jixiao_snapshot!(
            name,
            jixiao().args(["check", "--allow-unpinned"]).arg(&rules)
        );
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
    for (name, rules) in [
        (
            "check_hunan_department_plugins",
            "configs/hunan-department-plugins.toml",
        ),
        (
            "check_national_project_plugins",
            "configs/national-project-plugins.toml",
        ),
    ] {
        let output = jixiao_snapshot!(
            name,
            jixiao()
                .args(["check", "--allow-unpinned", "--plugin-dir"])
                .arg(&dir)
                .arg(rules)
        );
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(output.status.success(), "{stdout}");
        assert_eq!(
            stdout.matches("  plugin jixiao-plugin-").count(),
            4,
            "{stdout}"
        );
    }
}

#[test]
fn plugin_pin_writes_each_librarys_hash_so_the_shipped_rule_set_checks_without_the_flag() {
    let dir = plugin_dir();
    let tmp = tempfile::tempdir().unwrap();
    let shipped =
        std::fs::read_to_string(root().join("configs/hunan-department-plugins.toml")).unwrap();
    let rules = tmp.path().join("rules.toml");
    // A stale pin on the first entry: pinning replaces it.
    let stale = "0".repeat(64);
    let with_stale = shipped.replacen(
        "path = \"../target/debug/jixiao_plugin_deviation\"\n",
        &format!("path = \"../target/debug/jixiao_plugin_deviation\"\nsha256 = \"{stale}\"\n"),
        1,
    );
    assert_ne!(with_stale, shipped);
    std::fs::write(&rules, &with_stale).unwrap();
    let check = |extra: &[&str]| {
        jixiao()
            .arg("check")
            .args(extra)
            .arg("--plugin-dir")
            .arg(&dir)
            .arg(&rules)
            .output()
            .unwrap()
    };
    let refused = check(&[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("`jixiao plugin pin` the rule set"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let pin = || {
        jixiao()
            .args(["plugin", "pin"])
            .arg(&rules)
            .arg("--plugin-dir")
            .arg(&dir)
            .output()
            .unwrap()
    };
    let first = pin();
    let stdout = String::from_utf8(first.stdout).unwrap();
    assert!(first.status.success(), "{stdout}");
    assert!(stdout.ends_with("4 pin(s) written\n"), "{stdout}");
    assert!(stdout.contains(&format!("(was {stale})")), "{stdout}");
    let pinned = std::fs::read_to_string(&rules).unwrap();
    // Every library's own hash, written once each; the rest of the file as it was.
    let mut expected = shipped.clone();
    for plugin in PLUGINS {
        let stem = plugin.replace('-', "_");
        let sha = sha256(&library(&dir, &stem));
        assert_eq!(pinned.matches(&sha).count(), 1, "{plugin}");
        assert!(stdout.contains(&sha), "{stdout}");
        expected = expected.replacen(
            &format!("path = \"../target/debug/{stem}\"\n"),
            &format!("path = \"../target/debug/{stem}\"\nsha256 = \"{sha}\"\n"),
            1,
        );
    }
    assert_eq!(pinned, expected);
    assert!(check(&[]).status.success());

    // Again: nothing changed, nothing written.
    let again = pin();
    let stdout = String::from_utf8(again.stdout).unwrap();
    assert!(
        stdout.ends_with("every pin is up to date; not written\n"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&rules).unwrap(), pinned);
}

#[test]
fn plugin_pin_refuses_a_rule_set_without_plugins_and_leaves_it_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules.toml");
    std::fs::copy(root().join("configs/national-project.toml"), &rules).unwrap();
    let before = std::fs::read(&rules).unwrap();
    let output = jixiao()
        .args(["plugin", "pin"])
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("the rule set loads no plugin"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(std::fs::read(&rules).unwrap(), before);
}

#[test]
fn plugin_shows_each_librarys_hash_name_version_and_rules() {
    let dir = plugin_dir();
    let libraries: Vec<PathBuf> = PLUGINS
        .iter()
        .map(|p| library(&dir, &p.replace('-', "_")))
        .collect();
    let output = jixiao_snapshot!("info", jixiao().arg("plugin").args(&libraries));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    // The hash to pin is the library's, for each library, in the order given.
    let pins: Vec<String> = libraries
        .iter()
        .map(|lib| format!("{}\n  sha256 = \"{}\"\n", lib.display(), sha256(lib)))
        .collect();
    let mut at = 0;
    for pin in &pins {
        let found = stdout[at..]
            .find(pin.as_str())
            .unwrap_or_else(|| panic!("{pin} in {stdout}"));
        at += found + pin.len();
    }
    assert!(
        stdout.contains("  jixiao-plugin-deviation v0.1.0 (wire format 1)\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  rule target_deviation: "), "{stdout}");
}

#[test]
fn plugin_refuses_a_file_that_is_not_a_plugin() {
    let output = jixiao_snapshot!("not_a_plugin", jixiao().args(["plugin", SAMPLE]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!("error: {SAMPLE}: ")),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

/// The entries a private temporary directory holds after a run.
fn left_in(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_truncated_plugin_is_a_clear_error_in_check_score_and_plugin_and_leaves_no_copy() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let whole = std::fs::read(library(&plugin_dir(), "jixiao_plugin_candour")).unwrap();
    let cut = dir.path().join("libtruncated.so");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let entry = format!(
        "[[plugins]]\nname = \"jixiao-plugin-candour\"\npath = {:?}\n\n[[plugins.rules]]\nrule = \"narrative_candour\"\n",
        cut.to_str().unwrap()
    );
    let rules = rule_set(dir.path(), "hunan-department.toml", &entry);
    let runs = [
        jixiao()
            .env("TMPDIR", &tmp)
            .arg("plugin")
            .arg(&cut)
            .output(),
        jixiao()
            .env("TMPDIR", &tmp)
            .args(["check", "--allow-unpinned"])
            .arg(&rules)
            .output(),
        jixiao()
            .env("TMPDIR", &tmp)
            .args(["score", "--allow-unpinned", "--rules"])
            .arg(&rules)
            .arg(SAMPLE)
            .output(),
    ];
    for run in runs {
        let output = run.unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        // Exited, not killed by a signal (SIGBUS).
        assert!(
            output.status.code().is_some(),
            "{:?}: {stderr}",
            output.status
        );
        assert!(
            stderr.contains(&format!(
                "cannot load library {}: truncated or damaged: ",
                cut.display()
            )),
            "{stderr}"
        );
    }
    assert_eq!(left_in(&tmp), Vec::<String>::new());
}

#[test]
fn a_plugin_path_to_a_device_returns_at_once_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("libzero.so");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let output = jixiao()
        .timeout(std::time::Duration::from_secs(60))
        .arg("plugin")
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.ends_with(&format!(
            "cannot read library {}: it is a character device, not a regular file\n",
            link.display()
        )),
        "{stderr}"
    );
}

#[test]
fn plugin_with_a_bare_relative_name_loads_the_file_in_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        library(&plugin_dir(), "jixiao_plugin_candour"),
        dir.path().join("libx.so"),
    )
    .unwrap();
    let output = jixiao()
        .current_dir(dir.path())
        .args(["plugin", "libx.so"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.starts_with("libx.so\n"), "{stdout}");
    assert!(
        stdout.contains("  jixiao-plugin-candour v0.1.0"),
        "{stdout}"
    );
}
