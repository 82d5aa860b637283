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

/// `check --explain`: the resolved tree of a rule set that extends another, and what it changed
/// from its parent (issue 15).
#[test]
fn check_explain_prints_the_resolved_tree_and_what_the_child_changed() {
    let output = jixiao_snapshot!(
        "explain_district",
        jixiao().args([
            "check",
            "--explain",
            "configs/hunan-department-district.toml",
            "configs/sichuan-project.toml"
        ])
    )
    .assert()
    .code(0);
    let stdout = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    for line in [
        "继承自: 湖南省部门整体支出绩效评价 (区县版) 2024.1 (hunan-department), configs/hunan-department.toml",
        "等级: 优 [90, 100]; 良 [80, 90); 中 [65, 80); 差 [0, 65)",
        // The resolved tree: the moved points, the group's total kept (17 + 5 + 3 = 25).
        "产出                              25  output",
        "  实际完成率                      17  output.completion                    实际完成率: 越高越好, 目标 100%",
        "    预算完成率                     5  process.execution.budget_completion  预算完成率: 阶梯扣分: 低于 100% 每 5% 扣 2.5 分 (按比例)",
        // What the child changed, parent's value → its own.
        "  修改  output.completion                    points            实际完成率 · 分值               15 → 17",
        "  修改  output.quality                       points            质量达标率 · 分值               5 → 3",
        "  修改  process.execution.budget_completion  method.deduction  预算完成率 · 计分方法 每档扣分  2 → 2.5",
        // Sichuan: 10 + 90.
        "绩效指标        90  performance",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in\n{stdout}");
    }
    // A rule set of its own has no parent and no changes.
    let sichuan = &stdout[stdout.find("ok: configs/sichuan-project.toml").unwrap()..];
    assert!(!sichuan.contains("继承自"));
    assert!(!sichuan.contains("改动"));
}

/// A drop and an addition in `--explain`, and a child whose moved points break its group
/// refused at the child's key (issue 15).
#[test]
fn check_explains_drops_and_additions_and_refuses_a_broken_child_at_its_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join(HUNAN), dir.path().join("parent.toml")).unwrap();
    let child = dir.path().join("child.toml");
    std::fs::write(
        &child,
        r#"extends = "parent.toml"
id = "child"
version = "1"
drop = ["output.quality"]

[[add]]
parent = "output"
after = "output.completion"
id = "output.cost"
name = "成本控制率"
points = 5
input = { metric = "public_funds_control_rate" }
method = { kind = "lower_is_better", target = 1 }
"#,
    )
    .unwrap();
    let output = jixiao()
        .arg("check")
        .arg("--explain")
        .arg(&child)
        .assert()
        .code(0);
    let stdout = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("删除  output.quality  drop  质量达标率  5 分, 原属 产出"),
        "{stdout}"
    );
    assert!(
        stdout.contains("新增  output.cost     add   成本控制率  5 分, 位于 产出"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  成本控制率                       5  output.cost "),
        "{stdout}"
    );

    let broken = dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        "extends = \"parent.toml\"\nid = \"b\"\nversion = \"1\"\n[change.\"output.completion\"]\npoints = 20\n",
    )
    .unwrap();
    jixiao()
        .arg("check")
        .arg(&broken)
        .assert()
        .code(2)
        .stderr(contains(format!(
            "{}: at `indicators.\"output\".children`: the children of group `output` (产出) sum to 30 points, but the group has 25 (in this rule set: `change.\"output.completion\"` changes `output.completion`: points 15 → 20)",
            broken.display()
        )));
}
