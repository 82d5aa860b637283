//! Inheritance: a rule set that `extends` another, resolved and validated as a whole, with what
//! it changed recorded; errors name the child file and the child's key.

use std::path::{Path, PathBuf};

use jixiao_rules::{Change, LoadError, Method, RuleError, RuleSet, ValidRuleSet};
use rust_decimal_macros::dec;

fn configs() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../configs")).to_owned()
}

/// A directory holding the bundled Hunan rubric as `parent.toml`, and `files` beside it.
fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        configs().join("hunan-department.toml"),
        dir.path().join("parent.toml"),
    )
    .unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const HEAD: &str = "extends = \"parent.toml\"\nid = \"child\"\nversion = \"1\"\n";

fn load(dir: &tempfile::TempDir, name: &str) -> Result<ValidRuleSet, LoadError> {
    RuleSet::load(&dir.path().join(name)).map(|(rules, _)| rules)
}

/// The errors of a child that does not resolve.
fn errors(dir: &tempfile::TempDir, name: &str) -> Vec<RuleError> {
    match load(dir, name) {
        Err(LoadError::Invalid(errors)) => errors,
        other => panic!("expected errors, got {other:?}"),
    }
}

fn one_error(text: &str) -> RuleError {
    let dir = dir_with(&[("child.toml", text)]);
    let mut found = errors(&dir, "child.toml");
    assert_eq!(found.len(), 1, "{found:?}");
    let error = found.remove(0);
    assert_eq!(error.path, dir.path().join("child.toml"), "names the child");
    error
}

fn leaf<'a>(rules: &'a RuleSet, id: &str) -> &'a jixiao_rules::Indicator {
    fn walk<'a>(
        nodes: &'a [jixiao_rules::Indicator],
        id: &str,
    ) -> Option<&'a jixiao_rules::Indicator> {
        nodes.iter().find_map(|n| {
            if n.id == id {
                Some(n)
            } else {
                walk(&n.children, id)
            }
        })
    }
    walk(&rules.indicators, id).unwrap_or_else(|| panic!("no {id}"))
}

fn changed(indicator: Option<&str>, key: &str, old: &str, new: &str) -> Change {
    Change::Changed {
        indicator: indicator.map(str::to_owned),
        key: key.to_owned(),
        old: old.to_owned(),
        new: new.to_owned(),
    }
}

#[test]
fn the_district_variant_resolves_to_the_parent_with_its_changes() {
    let (parent, _) = RuleSet::load(&configs().join("hunan-department.toml")).unwrap();
    let (rules, warnings) =
        RuleSet::load(&configs().join("hunan-department-district.toml")).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(rules.id, "hunan-department-district");
    assert_eq!(rules.version, "2024.1");
    assert_eq!(rules.applies_to, parent.applies_to);
    // 17 + 5 + 3 = 25: the group 产出 keeps its points.
    assert_eq!(leaf(&rules, "output.completion").points, dec!(17));
    assert_eq!(leaf(&rules, "output.quality").points, dec!(3));
    assert_eq!(leaf(&rules, "output").points, dec!(25));
    let Some(Method::StepDeduction(step)) =
        &leaf(&rules, "process.execution.budget_completion").method
    else {
        panic!("a step deduction")
    };
    // Merged key by key: only the deduction is the child's.
    assert_eq!(
        (step.limit, step.per, step.deduction),
        (dec!(1), dec!(0.05), dec!(2.5))
    );
    assert_eq!(rules.grade_for(dec!(64.99)).unwrap().name, "差");
    assert_eq!(rules.grade_for(dec!(65)).unwrap().name, "中");
    // Everything else is the parent's.
    assert_eq!(rules.tolerances, parent.tolerances);
    assert_eq!(rules.ledger, parent.ledger);
    assert_eq!(
        leaf(&rules, "input.planning.budget_control"),
        leaf(&parent, "input.planning.budget_control")
    );

    let inheritance = rules.inheritance.as_ref().expect("it extends");
    assert_eq!(inheritance.parent.id, "hunan-department");
    assert_eq!(inheritance.parent.version, "2024.1");
    assert_eq!(inheritance.parent.name, parent.name);
    assert_eq!(
        inheritance.parent.path,
        configs().join("hunan-department.toml")
    );
    assert_eq!(
        inheritance.changes,
        [
            // Top-level keys in name order, then the indicators by id.
            changed(
                None,
                "grades",
                "优 [90, 100]; 良 [80, 90); 中 [60, 80); 差 [0, 60)",
                "优 [90, 100]; 良 [80, 90); 中 [65, 80); 差 [0, 65)"
            ),
            changed(None, "name", &parent.name, &rules.name),
            changed(Some("output.completion"), "points", "15", "17"),
            changed(Some("output.quality"), "points", "5", "3"),
            changed(
                Some("process.execution.budget_completion"),
                "criterion",
                leaf(&parent, "process.execution.budget_completion")
                    .criterion
                    .as_deref()
                    .unwrap(),
                leaf(&rules, "process.execution.budget_completion")
                    .criterion
                    .as_deref()
                    .unwrap(),
            ),
            changed(
                Some("process.execution.budget_completion"),
                "method.deduction",
                "2",
                "2.5"
            ),
        ]
    );
}

#[test]
fn a_leaf_dropped_and_one_added_after_a_sibling_with_the_group_adjusted() {
    let dir = dir_with(&[(
        "child.toml",
        &format!(
            r#"{HEAD}
drop = ["output.quality"]

[change."output"]
points = 25

[[add]]
parent = "output"
after = "output.completion"
id = "output.cost"
name = "成本控制"
points = 5
input = {{ metric = "public_funds_control_rate" }}
method = {{ kind = "lower_is_better", target = 1 }}
"#
        ),
    )]);
    let rules = load(&dir, "child.toml").unwrap();
    let output = leaf(&rules, "output");
    let ids: Vec<&str> = output.children.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        ["output.completion", "output.cost", "output.timeliness"]
    );
    // 15 + 5 + 5 = 25.
    assert_eq!(output.points, dec!(25));
    let changes = &rules.inheritance.as_ref().unwrap().changes;
    assert_eq!(
        changes,
        &[
            Change::Dropped {
                id: "output.quality".into(),
                name: "质量达标率".into(),
                points: dec!(5),
                parent: Some("output".into()),
            },
            Change::Added {
                id: "output.cost".into(),
                name: "成本控制".into(),
                points: dec!(5),
                parent: Some("output".into()),
            },
        ],
        "points 25 → 25 is no change"
    );
}

#[test]
fn a_method_of_another_kind_replaces_the_parents_whole() {
    let dir = dir_with(&[(
        "child.toml",
        &format!(
            r#"{HEAD}
[change."input.planning.staffing_control"]
method = {{ kind = "bands", bands = [ {{ max = 1, points = 5 }}, {{ min = 1, min_open = true, points = 0 }} ] }}
"#
        ),
    )]);
    let rules = load(&dir, "child.toml").unwrap();
    assert!(matches!(
        &leaf(&rules, "input.planning.staffing_control").method,
        Some(Method::Bands { bands }) if bands.len() == 2
    ));
    let changes = &rules.inheritance.as_ref().unwrap().changes;
    let [Change::Changed { key, new, .. }] = changes.as_slice() else {
        panic!("{changes:?}")
    };
    assert_eq!(key, "method");
    assert_eq!(new, "bands (-∞, 1] 5; (1, +∞) 0");
}

#[test]
fn a_band_table_is_replaced_whole_and_shown_as_intervals() {
    let dir = dir_with(&[(
        "child.toml",
        &format!(
            r#"{HEAD}
[change."process.execution.carry_over".method]
bands = [ {{ min = 0, max = 0.10, points = 5 }}, {{ min = 0.10, min_open = true, points = 0 }} ]
"#
        ),
    )]);
    let rules = load(&dir, "child.toml").unwrap();
    let changes = &rules.inheritance.as_ref().unwrap().changes;
    assert_eq!(
        changes,
        &[changed(
            Some("process.execution.carry_over"),
            "method.bands",
            "[0, 0.05] 5; (0.05, 0.1] 3; (0.1, 0.2] 1; (0.2, +∞) 0",
            "[0, 0.1] 5; (0.1, +∞) 0"
        )]
    );
}

#[test]
fn tables_merge_key_by_key() {
    let dir = dir_with(&[(
        "child.toml",
        &format!("{HEAD}\n[tolerances]\nscore = 0.2\n"),
    )]);
    let rules = load(&dir, "child.toml").unwrap();
    assert_eq!(rules.tolerances.score, dec!(0.2));
    assert_eq!(rules.tolerances.amount, dec!(0.005), "the parent's");
    assert_eq!(
        rules.inheritance.as_ref().unwrap().changes,
        [changed(None, "tolerances.score", "0.1", "0.2")]
    );
}

#[test]
fn a_moved_point_that_breaks_a_group_is_refused_in_the_child_naming_the_change() {
    let error = one_error(&format!(
        "{HEAD}\n[change.\"process.execution.execution_rate\"]\npoints = 14\n"
    ));
    assert_eq!(error.key, "indicators.\"process.execution\".children");
    assert!(
        error.message.starts_with(
            "the children of group `process.execution` (预算执行) sum to 24 points, but the group has 22"
        ),
        "{}",
        error.message
    );
    assert!(
        error.message.contains(
            "`change.\"process.execution.execution_rate\"` changes `process.execution.execution_rate`: points 12 → 14"
        ),
        "{}",
        error.message
    );
}

#[test]
fn an_error_in_a_changed_field_is_at_the_childs_key() {
    let error = one_error(&format!(
        "{HEAD}\n[change.\"input.planning.staffing_control\".method]\nper = 0\n"
    ));
    assert_eq!(
        error.key,
        "change.\"input.planning.staffing_control\".method.per"
    );
    assert!(error.message.contains("expected more than 0"), "{error}");
}

#[test]
fn an_error_in_an_addition_is_at_the_additions_key() {
    let error = one_error(&format!(
        r#"{HEAD}
drop = ["output.quality"]

[[add]]
parent = "output"
id = "output.cost"
name = "成本控制"
points = 5
input = {{ metric = "public_funds_control_rate" }}
method = {{ kind = "lower_is_better", target = -1 }}
"#
    ));
    assert_eq!(error.key, "add[0].method.target");
}

#[test]
fn unknown_ids_and_misplaced_additions_are_refused_at_their_keys() {
    let dir = dir_with(&[(
        "child.toml",
        &format!(
            r#"{HEAD}
drop = ["output.nothing"]

[change."output.typo"]
points = 3

[[add]]
parent = "output.completion"
id = "a"
name = "甲"
points = 1
input = "facts"
method = {{ kind = "checklist", mode = "award", per_item = 1, items = [{{ fact = "x", label = "x" }}] }}

[[add]]
parent = "nowhere"
id = "b"
name = "乙"
points = 1

[[add]]
parent = "output"
after = "input.cost"
id = "c"
name = "丙"
points = 1

[[add]]
id = "output.quality"
name = "重复"
points = 1
"#
        ),
    )]);
    let found: Vec<(String, String)> = errors(&dir, "child.toml")
        .into_iter()
        .map(|e| (e.key, e.message))
        .collect();
    assert_eq!(
        found,
        [
            (
                "drop[0]".into(),
                "no indicator `output.nothing` in the parent rule set to drop".into()
            ),
            (
                "change.\"output.typo\"".into(),
                "cannot change `output.typo`: no indicator of that id in the parent rule set (an added indicator is written whole in its `[[add]]`)".into()
            ),
            (
                "add[0].parent".into(),
                "`output.completion` is a leaf: an indicator is added under a group (drop the leaf and add a group in its place to split it)".into()
            ),
            (
                "add[1].parent".into(),
                "no group `nowhere` in the rule set to add `b` under".into()
            ),
            (
                "add[2].after".into(),
                "`input.cost` is not an indicator at `output`".into()
            ),
            (
                "add[3].id".into(),
                "indicator id `output.quality` is already in the rule set".into()
            ),
        ]
    );
}

#[test]
fn unknown_keys_are_refused_in_the_child_and_in_its_patches() {
    let error = one_error(&format!("{HEAD}\nweight = 1\n"));
    assert_eq!(error.key, "weight");
    assert!(error.message.contains("unknown field `weight`"), "{error}");

    let error = one_error(&format!("{HEAD}\n[change.\"output\"]\nweight = 1\n"));
    assert_eq!(error.key, "change.\"output\".weight");

    let error = one_error(&format!(
        "{HEAD}\n[change.\"output.completion\".method]\nfloor = 1\n"
    ));
    assert_eq!(error.key, "change.\"output.completion\".method");
    assert!(error.message.contains("unknown field `floor`"), "{error}");

    // A top-level key of no rule set: refused when the resolved set is read.
    let error = one_error(&format!("{HEAD}\n[tolerances]\nscor = 1\n"));
    assert_eq!(error.key, "tolerances.scor");
    // An indicator keeps its id and its children are added and dropped, not set.
    let error = one_error(&format!("{HEAD}\n[change.\"output\"]\nid = \"out\"\n"));
    assert_eq!(error.key, "change.\"output\".id");

    // A tree of its own is not how a child says what it changes.
    let error = one_error(&format!(
        "{HEAD}\n[[indicators]]\nid = \"x\"\nname = \"x\"\npoints = 1\n"
    ));
    assert_eq!(error.key, "indicators");
    assert!(
        error.message
            == "a rule set that `extends` another takes `indicators` from it: change, drop or \
                add indicators with `[change.\"<id>\"]`, `drop` and `[[add]]`",
        "{error}"
    );
}

#[test]
fn a_cycle_of_extends_is_refused() {
    let dir = dir_with(&[
        (
            "a.toml",
            "extends = \"b.toml\"\nid = \"a\"\nversion = \"1\"\n",
        ),
        (
            "b.toml",
            "extends = \"a.toml\"\nid = \"b\"\nversion = \"1\"\n",
        ),
        (
            "self.toml",
            "extends = \"self.toml\"\nid = \"s\"\nversion = \"1\"\n",
        ),
    ]);
    let found = errors(&dir, "a.toml");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, dir.path().join("b.toml"), "where it closes");
    assert_eq!(found[0].key, "extends");
    assert_eq!(
        found[0].message,
        "rule sets extend each other in a cycle: a.toml → b.toml → a.toml"
    );
    let found = errors(&dir, "self.toml");
    assert_eq!(
        found[0].message,
        "rule sets extend each other in a cycle: self.toml → self.toml"
    );
}

#[test]
fn eight_levels_of_extends_resolve_and_nine_are_refused() {
    // level1 extends parent.toml, level2 extends level1, …
    let texts: Vec<(String, String)> = (1..=9)
        .map(|n| {
            let parent = if n == 1 {
                "parent.toml".to_owned()
            } else {
                format!("level{}.toml", n - 1)
            };
            (
                format!("level{n}.toml"),
                format!("extends = \"{parent}\"\nid = \"level{n}\"\nversion = \"{n}\"\n"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = texts
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = dir_with(&files);
    let eight = load(&dir, "level8.toml").unwrap();
    assert_eq!(eight.inheritance.as_ref().unwrap().parent.id, "level7");
    let found = errors(&dir, "level9.toml");
    assert_eq!(found[0].key, "extends");
    assert!(
        found[0]
            .message
            .starts_with("more than 8 rule sets extend one another"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_missing_parent_is_an_error_at_extends_and_an_invalid_parent_names_the_parent() {
    let error = one_error("extends = \"nowhere.toml\"\nid = \"c\"\nversion = \"1\"\n");
    assert_eq!(error.key, "extends");
    assert!(
        error
            .message
            .starts_with("cannot read the rule set it extends"),
        "{error}"
    );

    let dir = dir_with(&[
        (
            "bad.toml",
            "id = \"bad\"\nname = \"b\"\nversion = \"1\"\nyear = 2024\napplies_to = \"project\"\ntotal = 100\ngrades = []\nindicators = []\n",
        ),
        (
            "child.toml",
            "extends = \"bad.toml\"\nid = \"c\"\nversion = \"1\"\n",
        ),
    ]);
    let found = errors(&dir, "child.toml");
    assert!(found.iter().all(|e| e.path == dir.path().join("bad.toml")));
}

#[test]
fn inherited_plugin_paths_stay_relative_to_the_parent() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(configs().join("hunan-department-plugins.toml")).unwrap();
    std::fs::write(dir.path().join("plugins.toml"), text).unwrap();
    std::fs::create_dir(dir.path().join("district")).unwrap();
    std::fs::write(
        dir.path().join("district/child.toml"),
        "extends = \"../plugins.toml\"\nid = \"c\"\nversion = \"1\"\n",
    )
    .unwrap();
    let (parent, _) = RuleSet::load(&dir.path().join("plugins.toml")).unwrap();
    let (child, _) = RuleSet::load(&dir.path().join("district/child.toml")).unwrap();
    assert!(!parent.plugins.is_empty());
    for (p, c) in parent.plugins.iter().zip(&child.plugins) {
        // Relative to district/: up to the parent's directory, then the parent's path.
        assert_eq!(Path::new(&c.path), Path::new("..").join(&p.path));
        assert_eq!(
            dir.path().join("district").join(&c.path),
            dir.path().join("district/..").join(&p.path)
        );
    }
}

#[test]
fn text_alone_that_extends_is_refused_without_reading_a_file() {
    let text = std::fs::read_to_string(configs().join("hunan-department-district.toml")).unwrap();
    let path = configs().join("hunan-department-district.toml");
    let Err(LoadError::Invalid(errors)) = RuleSet::from_toml(&text, &path) else {
        panic!("refused")
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].key, "extends");
    assert!(errors[0].message.contains("RuleSet::load"), "{}", errors[0]);
}
