//! `jixiao check`: the bundled rule sets pass, and a rule set whose weights do not add up is
//! refused (by `score` too). The checks of plugins are in `plugins`.

use assert_cmd::assert::OutputAssertExt as _;
use predicates::str::contains;

use crate::common::{HUNAN, SAMPLE, jixiao, jixiao_snapshot, root};

#[test]
fn check_accepts_the_bundled_rule_sets() {
    jixiao_snapshot!(
        "bundled_rule_sets",
        jixiao().args(["check", HUNAN, "configs/national-project.toml"])
    )
    .assert()
    .code(0)
    .stdout(contains("ok: configs/hunan-department.toml"))
    .stdout(contains("ok: configs/national-project.toml"));
}

#[test]
fn weights_that_do_not_sum_are_refused_naming_the_group() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(HUNAN)).unwrap();
    let edited = text.replacen(
        "id = \"input.planning.staffing_control\"\nname = \"在职人员控制率\"\npoints = 5",
        "id = \"input.planning.staffing_control\"\nname = \"在职人员控制率\"\npoints = 6",
        1,
    );
    assert_ne!(edited, text);
    let path = dir.path().join("rules.toml");
    std::fs::write(&path, edited).unwrap();
    jixiao_snapshot!("weights_do_not_sum", jixiao().arg("check").arg(&path))
        .assert()
        .code(2)
        .stderr(contains(
            "at `indicators[0].children[0].children`: the children of group `input.planning` (预算配置) sum to 11 points, but the group has 10",
        ));
    // The same rule set cannot be used to score either.
    jixiao_snapshot!(
        "weights_do_not_sum_score",
        jixiao().args(["score", "--rules"]).arg(&path).arg(SAMPLE)
    )
    .assert()
    .code(2)
    .stderr(contains("sum to 11 points"));
}

/// A unit file or a form given where a rule set is expected is named as what it is (issue 12).
#[test]
fn a_unit_file_or_a_form_given_for_rules_is_named_as_such() {
    jixiao()
        .args(["score", "--rules", SAMPLE, SAMPLE])
        .assert()
        .code(2)
        .stderr(contains(format!(
            "{SAMPLE} is a unit file (it has a [unit] table), not a rule set"
        )));
    let workbook = "tests/fixtures/documents/hn-nanxian-zrzyj-2024.xlsx";
    jixiao()
        .args(["check", workbook])
        .assert()
        .code(2)
        .stderr(contains(format!(
            "{workbook} is a workbook or a Word file (a filled form is given with the units), not a rule set"
        )));
}
