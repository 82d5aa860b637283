//! Rule-set validation: each problem is refused with the file, the key and what is wrong.

use std::path::Path;

use jixiao_rules::{LoadError, RuleSet, ValidRuleSet};

const HEADER: &str = r#"
id = "test"
name = "测试规则"
version = "1"
year = 2024
applies_to = "project"
total = 100
"#;

const GRADES: &str = r#"
[[grades]]
name = "优"
min = 90
max = 100
[[grades]]
name = "良"
min = 80
max = 90
[[grades]]
name = "中"
min = 60
max = 80
[[grades]]
name = "差"
min = 0
max = 60
"#;

const TREE: &str = r#"
[[indicators]]
id = "execution"
name = "预算执行率"
points = 10
input = { metric = "execution_rate" }
method = { kind = "budget_execution" }

[[indicators]]
id = "output"
name = "产出指标"
points = 50
input = { rows = { level1 = "产出指标" } }
method = { kind = "by_direction" }

[[indicators]]
id = "effect"
name = "效益指标"
points = 30
input = { rows = { level1 = "效益指标" } }
method = { kind = "by_direction" }

[[indicators]]
id = "satisfaction"
name = "满意度指标"
points = 10
input = { rows = { level1 = "满意度指标" } }
method = { kind = "by_direction" }
"#;

fn load(text: &str) -> Result<ValidRuleSet, Vec<String>> {
    match RuleSet::from_toml(text, Path::new("rules.toml")) {
        Ok((rules, _)) => Ok(rules),
        Err(LoadError::Invalid(errors)) => Err(errors.iter().map(ToString::to_string).collect()),
        Err(other) => panic!("unexpected {other}"),
    }
}

fn errors(text: &str) -> Vec<String> {
    load(text).expect_err("the rule set is refused")
}

#[test]
fn a_valid_rule_set_loads() {
    let rules = load(&format!("{HEADER}{GRADES}{TREE}")).unwrap();
    assert_eq!(rules.indicators.len(), 4);
}

#[test]
fn top_level_points_must_make_the_total() {
    let text = format!(
        "{HEADER}{GRADES}{}",
        TREE.replacen("points = 10", "points = 15", 1)
    );
    assert_eq!(
        errors(&text),
        [
            "rules.toml: at `indicators`: the top-level indicators sum to 105 points, but `total` is 100"
        ]
    );
}

#[test]
fn children_must_make_their_group() {
    let tree = r#"
[[indicators]]
id = "all"
name = "全部"
points = 100
[[indicators.children]]
id = "all.a"
name = "甲"
points = 60
input = { metric = "execution_rate" }
method = { kind = "budget_execution" }
[[indicators.children]]
id = "all.b"
name = "乙"
points = 30
input = { metric = "execution_rate" }
method = { kind = "budget_execution" }
"#;
    assert_eq!(
        errors(&format!("{HEADER}{GRADES}{tree}")),
        [
            "rules.toml: at `indicators[0].children`: the children of group `all` (全部) sum to 90 points, but the group has 100"
        ]
    );
}

#[test]
fn grade_bands_must_cover_zero_to_total_without_gap_or_overlap() {
    let gap = GRADES.replacen("min = 80\nmax = 90", "min = 85\nmax = 90", 1);
    assert_eq!(
        errors(&format!("{HEADER}{gap}{TREE}")),
        [
            "rules.toml: at `grades[1]`: gap between grades `中` (up to 80) and `良` (from 85): scores in between have no grade"
        ]
    );
    let overlap = GRADES.replacen("min = 80\nmax = 90", "min = 75\nmax = 90", 1);
    assert_eq!(
        errors(&format!("{HEADER}{overlap}{TREE}")),
        ["rules.toml: at `grades[1]`: grades `中` (up to 80) and `良` (from 75) overlap"]
    );
    let short = GRADES.replacen("min = 90\nmax = 100", "min = 90\nmax = 99", 1);
    assert_eq!(
        errors(&format!("{HEADER}{short}{TREE}")),
        ["rules.toml: at `grades[0].max`: the highest grade `优` ends at 99, but the total is 100"]
    );
    let high_floor = GRADES.replacen("min = 0\nmax = 60", "min = 10\nmax = 60", 1);
    assert_eq!(
        errors(&format!("{HEADER}{high_floor}{TREE}")),
        [
            "rules.toml: at `grades[3].min`: the lowest grade `差` starts at 10; scores from 0 up to it would have no grade"
        ]
    );
}

#[test]
fn unknown_keys_methods_and_metrics_are_refused_with_their_path() {
    let typo = TREE.replacen("points = 10\n", "points = 10\nweight = 3\n", 1);
    let e = errors(&format!("{HEADER}{GRADES}{typo}"));
    assert!(
        e[0].starts_with("rules.toml: at `indicators[0].weight`: TOML parse error at line"),
        "{e:?}"
    );
    assert!(e[0].contains("unknown field `weight`"), "{e:?}");

    let method = TREE.replacen("budget_execution", "budget_magic", 1);
    let e = errors(&format!("{HEADER}{GRADES}{method}"));
    assert!(
        e[0].starts_with("rules.toml: at `indicators[0].method.kind`"),
        "{e:?}"
    );
    assert!(e[0].contains("unknown variant `budget_magic`"), "{e:?}");

    let metric = TREE.replacen("execution_rate", "happiness_rate", 1);
    let e = errors(&format!("{HEADER}{GRADES}{metric}"));
    assert!(
        e[0].starts_with("rules.toml: at `indicators[0].input.metric`"),
        "{e:?}"
    );
    assert!(e[0].contains("unknown variant `happiness_rate`"), "{e:?}");
}

#[test]
fn parameters_out_of_range_are_refused() {
    let over = TREE.replacen(
        "method = { kind = \"by_direction\" }",
        "method = { kind = \"by_direction\", over_achievement = { threshold = 0.9, slope = -1, floor = 1.5 } }",
        1,
    );
    assert_eq!(
        errors(&format!("{HEADER}{GRADES}{over}")),
        [
            "rules.toml: at `indicators[1].method.over_achievement.threshold`: `output` (产出指标): expected a threshold of 1 (100 % of target) or more, found 0.9",
            "rules.toml: at `indicators[1].method.over_achievement.slope`: `output` (产出指标): expected 0 or more, found -1",
            "rules.toml: at `indicators[1].method.over_achievement.floor`: `output` (产出指标): expected a share from 0 to 1, found 1.5",
        ]
    );
    let bands = TREE.replacen(
        "method = { kind = \"budget_execution\" }",
        "method = { kind = \"bands\", bands = [{ min = 0, max = 0.5, points = 5 }, { min = 0.5, max = 1, points = 11 }] }",
        1,
    );
    assert_eq!(
        errors(&format!("{HEADER}{GRADES}{bands}")),
        [
            "rules.toml: at `indicators[0].method.bands[1]`: `execution` (预算执行率): band [0.5, 1] overlaps band [0, 0.5] (bands[0])",
            "rules.toml: at `indicators[0].method.bands[1].points`: `execution` (预算执行率): expected 0 to 10 points, found 11",
        ]
    );
}

#[test]
fn a_method_must_fit_its_input_and_a_metric_needs_a_target() {
    let mismatch = TREE.replacen(
        "method = { kind = \"budget_execution\" }",
        "method = { kind = \"tiers\" }",
        1,
    );
    assert_eq!(
        errors(&format!("{HEADER}{GRADES}{mismatch}")),
        [
            "rules.toml: at `indicators[0].method`: `execution` (预算执行率): method `tiers` cannot score input `metric`"
        ]
    );
    let no_target = TREE.replacen(
        "method = { kind = \"budget_execution\" }",
        "method = { kind = \"higher_is_better\" }",
        1,
    );
    assert_eq!(
        errors(&format!("{HEADER}{GRADES}{no_target}")),
        [
            "rules.toml: at `indicators[0].method.target`: `execution` (预算执行率): a metric input needs a `target`, found none"
        ]
    );
}

#[test]
fn ids_are_unique_and_leaves_are_complete() {
    let twice = TREE.replacen("id = \"effect\"", "id = \"output\"", 1);
    assert_eq!(
        errors(&format!("{HEADER}{GRADES}{twice}")),
        ["rules.toml: at `indicators[2].id`: indicator id `output` is used twice"]
    );
    let bare = TREE.replacen("method = { kind = \"budget_execution\" }\n", "", 1);
    assert_eq!(
        errors(&format!("{HEADER}{GRADES}{bare}")),
        [
            "rules.toml: at `indicators[0]`: leaf `execution` (预算执行率) needs both an `input` and a `method`"
        ]
    );
}

#[test]
fn weights_off_the_national_profile_warn_but_load() {
    let text = format!(
        "{HEADER}{GRADES}{}",
        TREE.replacen("points = 10", "points = 20", 1)
            .replacen("points = 50", "points = 40", 1)
    );
    let (_, warnings) = RuleSet::from_toml(&text, Path::new("rules.toml")).unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0]
            .message
            .contains("top-level weights 20/40/30/10 differ")
    );
}

#[test]
fn points_summing_past_the_range_of_a_decimal_are_refused_not_a_panic() {
    let huge = TREE
        .replacen("points = 50\n", "points = 4e28\n", 1)
        .replacen("points = 10\n", "points = 4e28\n", 1);
    let e = errors(&format!("{HEADER}{GRADES}{huge}"));
    assert_eq!(
        e,
        [
            "rules.toml: at `indicators`: the top-level indicators' points sum past the range of a decimal (each may have at most 1000000)",
            "rules.toml: at `indicators[0].points`: execution (预算执行率): expected 0.000001 to 1000000, found 40000000000000000000000000000",
            "rules.toml: at `indicators[1].points`: output (产出指标): expected 0.000001 to 1000000, found 40000000000000000000000000000",
        ]
    );
}

#[test]
fn parameters_that_could_overflow_are_refused_with_the_allowed_range() {
    let step = TREE.replacen(
        "method = { kind = \"budget_execution\" }",
        "method = { kind = \"step_deduction\", limit = 0.9, beyond = \"below\", per = 1e-13, deduction = 10000000 }",
        1,
    );
    assert_eq!(
        errors(&format!("{HEADER}{GRADES}{step}")),
        [
            "rules.toml: at `indicators[0].method.per`: `execution` (预算执行率): expected 0.000001 to 1000000000000, found 0.0000000000001",
            "rules.toml: at `indicators[0].method.deduction`: `execution` (预算执行率): expected 0 or 0.000001 to 1000000, found 10000000",
        ]
    );
    let slope = TREE.replacen(
        "method = { kind = \"by_direction\" }",
        "method = { kind = \"by_direction\", over_achievement = { threshold = 1.3, slope = 1e20, floor = 0 } }",
        1,
    );
    assert_eq!(
        errors(&format!("{HEADER}{GRADES}{slope}")),
        [
            "rules.toml: at `indicators[1].method.over_achievement.slope`: `output` (产出指标): expected 0 to 100, found 100000000000000000000",
        ]
    );
    let target = TREE.replacen(
        "method = { kind = \"budget_execution\" }",
        "method = { kind = \"higher_is_better\", target = 1e13 }",
        1,
    );
    assert_eq!(
        errors(&format!("{HEADER}{GRADES}{target}")),
        [
            "rules.toml: at `indicators[0].method.target`: `execution` (预算执行率): expected 0.000001 to 1000000000000, found 10000000000000",
        ]
    );
}

/// A rule set saved in GBK is refused at its first non-UTF-8 byte, with its line and the advice
/// to save it as UTF-8 (it was "not a UTF-8 text file"); one nested past the parser's depth
/// names the key.
#[test]
fn a_rule_set_in_gbk_or_nested_too_deep_is_named_where() {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/hunan-department.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let gbk = dir.path().join("rules.toml");
    std::fs::write(&gbk, encoding_rs::GBK.encode(&text).0).unwrap();
    let err = RuleSet::load(&gbk).unwrap_err();
    assert!(matches!(err, LoadError::NotUtf8 { .. }), "{err:?}");
    let offset = text.find(|c: char| !c.is_ascii()).unwrap();
    let line = text[..offset].matches('\n').count() + 1;
    let err = err.to_string();
    assert!(
        err.starts_with(&format!(
            "{}: not UTF-8 at line {line} (byte offset {offset}: ",
            gbk.display()
        )),
        "{err}"
    );
    assert!(err.ends_with("save it as UTF-8"), "{err}");

    let deep = format!(
        "{}\n[[grades]]\nname = {}{}\n",
        text,
        "[".repeat(300),
        "]".repeat(300)
    );
    let err = RuleSet::from_toml(&deep, Path::new("deep.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("deep.toml: at `grades.name`: TOML parse error"),
        "{err}"
    );
}

#[test]
fn the_ledger_policy_defaults_to_the_ledger_and_refuses_unknown_keys_and_bad_tolerances() {
    use jixiao_rules::{LedgerPolicy, LedgerPreference};
    use rust_decimal_macros::dec;

    let rules = load(&format!("{HEADER}{GRADES}{TREE}")).unwrap();
    assert_eq!(rules.ledger, LedgerPolicy::default());
    assert_eq!(rules.ledger.prefer, LedgerPreference::Ledger);
    assert_eq!(rules.ledger.amount_tolerance, dec!(0.005));

    let text = format!("{HEADER}[ledger]\nuse = \"unit\"\namount_tolerance = 0.01\n{GRADES}{TREE}");
    let rules = load(&text).unwrap();
    assert_eq!(rules.ledger.prefer, LedgerPreference::Unit);
    assert_eq!(rules.ledger.amount_tolerance, dec!(0.01));

    let e = errors(&format!(
        "{HEADER}[ledger]\ntolerance = 0.01\n{GRADES}{TREE}"
    ));
    assert!(
        e[0].starts_with("rules.toml: at `ledger.tolerance`"),
        "{e:?}"
    );
    assert!(e[0].contains("unknown field `tolerance`"), "{e:?}");

    let e = errors(&format!(
        "{HEADER}[ledger]\nuse = \"bureau\"\n{GRADES}{TREE}"
    ));
    assert!(e[0].starts_with("rules.toml: at `ledger.use`"), "{e:?}");
    assert!(e[0].contains("unknown variant `bureau`"), "{e:?}");

    assert_eq!(
        errors(&format!(
            "{HEADER}[ledger]\namount_tolerance = -0.01\n{GRADES}{TREE}"
        )),
        ["rules.toml: at `ledger.amount_tolerance`: expected 0 or more, found -0.01"]
    );
}

#[test]
fn the_history_policy_has_a_default_tolerance_and_refuses_unknown_keys_and_negative_ones() {
    use jixiao_rules::HistoryPolicy;
    use rust_decimal_macros::dec;

    let rules = load(&format!("{HEADER}{GRADES}{TREE}")).unwrap();
    assert_eq!(rules.history, HistoryPolicy::default());
    assert_eq!(rules.history.amount_tolerance, dec!(0.005));

    let text = format!("{HEADER}[history]\namount_tolerance = 0.5\n{GRADES}{TREE}");
    assert_eq!(load(&text).unwrap().history.amount_tolerance, dec!(0.5));

    let e = errors(&format!(
        "{HEADER}[history]\ntolerance = 0.01\n{GRADES}{TREE}"
    ));
    assert!(
        e[0].starts_with("rules.toml: at `history.tolerance`"),
        "{e:?}"
    );
    assert!(e[0].contains("unknown field `tolerance`"), "{e:?}");

    assert_eq!(
        errors(&format!(
            "{HEADER}[history]\namount_tolerance = -0.01\n{GRADES}{TREE}"
        )),
        ["rules.toml: at `history.amount_tolerance`: expected 0 or more, found -0.01"]
    );
}

#[test]
fn step_deductions_and_bands_read_a_metric_or_one_row_but_not_rows() {
    let step = "method = { kind = \"step_deduction\", limit = 1, beyond = \"below\", per = 0.05, deduction = 2 }";
    // Over one row of the unit (预算完成率 as reported): allowed.
    let row = TREE.replacen(
        "input = { metric = \"execution_rate\" }\nmethod = { kind = \"budget_execution\" }",
        &format!("input = {{ row = \"预算完成率\" }}\n{step}"),
        1,
    );
    load(&format!("{HEADER}{GRADES}{row}")).unwrap();
    // Over the rows of a level, whose shares of the leaf vary: refused at the method.
    let rows = TREE.replacen("method = { kind = \"by_direction\" }", step, 1);
    assert_eq!(
        errors(&format!("{HEADER}{GRADES}{rows}")),
        [
            "rules.toml: at `indicators[1].method`: `output` (产出指标): method `step_deduction` cannot score input `rows`"
        ]
    );
    // Bands over a row are checked as over a metric: no more points than the leaf's.
    let bands = TREE.replacen(
        "input = { metric = \"execution_rate\" }\nmethod = { kind = \"budget_execution\" }",
        "input = { row = \"预算完成率\" }\nmethod = { kind = \"bands\", bands = [{ min = 0.95, points = 12 }] }",
        1,
    );
    assert_eq!(
        errors(&format!("{HEADER}{GRADES}{bands}")),
        [
            "rules.toml: at `indicators[0].method.bands[0].points`: `execution` (预算执行率): expected 0 to 10 points, found 12"
        ]
    );
}

#[test]
fn rounding_reads_down_half_up_and_the_old_whole_points() {
    use jixiao_rules::{Method, Rounding};
    let with = |rounding: &str| {
        let tree = TREE.replacen(
            "{ kind = \"budget_execution\" }",
            &format!("{{ kind = \"budget_execution\", rounding = \"{rounding}\" }}"),
            1,
        );
        load(&format!("{HEADER}{GRADES}{tree}"))
    };
    for (written, read) in [
        ("exact", Rounding::Exact),
        ("down", Rounding::Down),
        ("whole_points", Rounding::Down), // the name before issue 15: still read, as down
        ("half_up", Rounding::HalfUp),
    ] {
        let rules = with(written).unwrap();
        assert_eq!(
            rules.indicators[0].method,
            Some(Method::BudgetExecution { rounding: read }),
            "{written}"
        );
    }
    // Inside a method (a table tagged by `kind`) the parser names the method, and the line shows
    // the key.
    let e = with("nearest").unwrap_err();
    assert!(
        e[0].starts_with("rules.toml: at `indicators[0].method`"),
        "{e:?}"
    );
    assert!(
        e[0].contains(
            "unknown variant `nearest`, expected one of `exact`, `down`, `whole_points`, `half_up`"
        ),
        "{e:?}"
    );
}

#[test]
fn outside_tier_reads_clamp_keep_or_zero() {
    use jixiao_rules::{Method, OutsideTier};
    let with = |outside: &str| {
        let tree = TREE.replacen(
            "method = { kind = \"by_direction\" }",
            &format!("method = {{ kind = \"by_direction\", outside_tier = \"{outside}\" }}"),
            1,
        );
        load(&format!("{HEADER}{GRADES}{tree}"))
    };
    for (written, read) in [
        ("clamp", OutsideTier::Clamp),
        ("keep", OutsideTier::Keep),
        ("zero", OutsideTier::Zero),
    ] {
        let rules = with(written).unwrap();
        let Some(Method::ByDirection { outside_tier, .. }) = &rules.indicators[1].method else {
            panic!("by_direction");
        };
        assert_eq!(*outside_tier, read);
    }
    // The default is clamp, today's behaviour.
    let rules = load(&format!("{HEADER}{GRADES}{TREE}")).unwrap();
    let Some(Method::ByDirection { outside_tier, .. }) = &rules.indicators[1].method else {
        panic!("by_direction");
    };
    assert_eq!(*outside_tier, OutsideTier::Clamp);
    let e = with("raise").unwrap_err();
    assert!(
        e[0].starts_with("rules.toml: at `indicators[1].method`"),
        "{e:?}"
    );
    assert!(e[0].contains("outside_tier = \"raise\""), "{e:?}");
    assert!(
        e[0].contains("unknown variant `raise`, expected one of `clamp`, `keep`, `zero`"),
        "{e:?}"
    );
}

#[test]
fn the_over_achievement_threshold_is_at_least_100_percent() {
    use rust_decimal_macros::dec;
    let rules = load(&format!("{HEADER}{GRADES}{TREE}")).unwrap();
    assert_eq!(rules.checks.over_achievement_threshold, dec!(1.3));
    let text = format!("{HEADER}[checks]\nover_achievement_threshold = 0.5\n{GRADES}{TREE}");
    assert_eq!(
        errors(&text),
        [
            "rules.toml: at `checks.over_achievement_threshold`: expected 1 to 1000000000000, found 0.5"
        ]
    );
    let text = format!("{HEADER}[checks]\ndisabled = [\"over_achievement\"]\n{GRADES}{TREE}");
    assert!(
        !load(&text)
            .unwrap()
            .checks
            .enabled(jixiao_rules::CheckId::OverAchievement)
    );
}

#[test]
fn the_new_metrics_load() {
    for metric in ["budget_increase_rate", "budget_completion_ratio"] {
        let tree = TREE.replacen(
            "input = { metric = \"execution_rate\" }\nmethod = { kind = \"budget_execution\" }",
            &format!(
                "input = {{ metric = \"{metric}\" }}\nmethod = {{ kind = \"bands\", bands = [{{ max = 0.1, points = 10 }}] }}"
            ),
            1,
        );
        load(&format!("{HEADER}{GRADES}{tree}")).unwrap();
    }
}
