//! `jixiao test`: the bundled rule sets' hand-computed cases (configs/cases) all pass, a wrong
//! case fails showing expected against got with the rule's arithmetic, and a case that cannot be
//! run is named with its reason while the others still run.

use std::path::{Path, PathBuf};

use jixiao_tests::plugin_dir;

use crate::common::{jixiao, jixiao_snapshot, root};

/// Every `.toml` under `dir`, recursively.
fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(case_files(&path));
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    out
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn every_bundled_case_passes() {
    let dir = plugin_dir();
    let output = jixiao()
        .args(["test", "configs/cases", "--allow-unpinned", "--plugin-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let files = case_files(&root().join("configs/cases"));
    // The cases written for this command: each bundled rule set has at least one.
    for case in [
        "hunan-department/lusong-kexie-2024.toml",
        "hunan-department-plugins/lusong-kexie-2024.toml",
        "national-project/synthetic-clean-2024.toml",
        "national-project/synthetic-inflated-2024.toml",
        "national-project/inline-tiers.toml",
        "national-project-plugins/synthetic-clean-2024.toml",
        "national-project-plugins/synthetic-inflated-2024.toml",
    ] {
        assert!(
            text.contains(&format!("通过 configs/cases/{case}  (规则 ")),
            "{case}: {text}"
        );
    }
    for rule_set in jixiao_tests::rule_sets() {
        let id = rule_set.file_stem().unwrap().to_str().unwrap();
        assert!(
            root().join("configs/cases").join(id).is_dir(),
            "configs/{id}.toml has no cases under configs/cases/{id}/"
        );
    }
    assert!(files.len() >= 7, "{files:?}");
    // One line per case, every one a pass, then the count.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), files.len() + 1, "{text}");
    assert!(
        lines[..files.len()].iter().all(|l| l.starts_with("通过 ")),
        "{text}"
    );
    assert_eq!(
        lines[files.len()],
        format!("{} 项通过, 0 项未通过", files.len())
    );
}

#[test]
fn a_wrong_case_shows_expected_against_got_with_the_arithmetic() {
    let output = jixiao_snapshot!(
        "wrong_total",
        jixiao().args([
            "test",
            "crates/jixiao-cli/tests/fixtures/cases/wrong-total.toml",
            "configs/cases/hunan-department",
        ])
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.starts_with(
        "未通过 crates/jixiao-cli/tests/fixtures/cases/wrong-total.toml  (规则 configs/hunan-department.toml, 单位 tests/fixtures/units/department/lusong-kexie-2024.toml)\n"
    ));
    // The sample: raw 61.453123 over 90 points, × 100 / 90 = 68.28 (configs/cases/
    // hunan-department/lusong-kexie-2024.toml has the arithmetic), graded 中, not 70 良.
    assert!(
        text.contains("    总分: 期望 70, 实得 68.28 (容差 0.005)\n"),
        "{text}"
    );
    assert!(text.contains(
        "        算法: 一级指标之和 7.00 + 39.45 + 15.00 + 0.00 = 61.45; 不适用指标不计入, 折算 61.45 × 100 / 90 = 68.28\n"
    ));
    assert!(text.contains("    等级: 期望 良, 实得 中 (总分 68.28)\n"));
    // 预算完成率: 5 − 2 × (0.1 / 85.33) / 0.05 = 4.95, with the leaf's own arithmetic.
    assert!(text.contains(
        "    process.execution.budget_completion 预算完成率: 期望 5, 实得 4.95 (容差 0.005)\n"
    ));
    assert!(text.contains("= (0 + 85.33 − 0.1) / (0 + 85.33) = 99.88%; 99.88% 低于 100.00% 0.12%, 计 0.0234 档, 5.00 − 0.0234 × 2 = 4.95\n"));
    // 预算执行率 12 is right, so not listed.
    assert!(!text.contains("execution_rate"), "{text}");
    assert!(text.contains("    发现问题 tiers: 期望出现, 未出现\n"));
    assert!(text.contains("\n通过 configs/cases/hunan-department/lusong-kexie-2024.toml"));
    assert!(text.ends_with("\n1 项通过, 1 项未通过\n"), "{text}");
}

/// The sample's case with `extra` appended and the paths made absolute, in `dir`.
fn sample_case(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let text = std::fs::read_to_string(
        root().join("configs/cases/hunan-department/lusong-kexie-2024.toml"),
    )
    .unwrap();
    let text = text
        .replace(
            "\"../../hunan-department.toml\"",
            &format!("{:?}", root().join("configs/hunan-department.toml")),
        )
        .replace(
            "\"../../../tests/fixtures/units/department/lusong-kexie-2024.toml\"",
            &format!(
                "{:?}",
                root().join("tests/fixtures/units/department/lusong-kexie-2024.toml")
            ),
        );
    let path = dir.join(name);
    std::fs::write(&path, format!("{text}\n{extra}")).unwrap();
    path
}

#[test]
fn a_case_that_cannot_be_run_is_named_and_the_others_still_run() {
    let tmp = tempfile::tempdir().unwrap();
    sample_case(tmp.path(), "a-good.toml", "");
    // An unknown key, a finding rule that does not exist, an indicator not in the rule set.
    sample_case(
        tmp.path(),
        "b-typo.toml",
        "[[expect.finding]]\nrule = \"tiers\"\n",
    );
    sample_case(
        tmp.path(),
        "c-rule.toml",
        "[[expect.findings]]\nrule = \"no_such_check\"\n",
    );
    std::fs::write(
        tmp.path().join("d-indicator.toml"),
        std::fs::read_to_string(tmp.path().join("a-good.toml"))
            .unwrap()
            .replace("\"output.completion\" = 15", "\"output.completeness\" = 15"),
    )
    .unwrap();
    let output = jixiao().arg("test").arg(tmp.path()).output().unwrap();
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    let dir = tmp.path().display();
    assert!(
        text.contains(&format!("通过 {dir}/a-good.toml  (规则 ")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "无法运行 {dir}/b-typo.toml\n    {dir}/b-typo.toml: at `expect.finding`: "
        )),
        "{text}"
    );
    assert!(text.contains("unknown field `finding`"), "{text}");
    assert!(text.contains(&format!("无法运行 {dir}/c-rule.toml\n    {dir}/c-rule.toml: at `expect.findings[5].rule`: no rule `no_such_check`")), "{text}");
    assert!(text.contains(&format!("无法运行 {dir}/d-indicator.toml\n    {dir}/d-indicator.toml: at `expect.indicators.output.completeness`: 规则集 hunan-department 中没有指标 output.completeness")), "{text}");
    assert!(
        text.ends_with("1 项通过, 0 项未通过, 3 项无法运行\n"),
        "{text}"
    );
}

#[test]
fn expected_numbers_are_exact_and_an_inline_unit_is_checked_as_a_unit_file() {
    let tmp = tempfile::tempdir().unwrap();
    // 预算完成率 exactly: 5 − 4 / 85.33 = 4.953123168873784132192663776… A float literal keeps
    // every digit (an f64 would keep 4.953123168873784); one digit off at the 27th place fails.
    sample_case(tmp.path(), "exact.toml", "");
    let exact = std::fs::read_to_string(tmp.path().join("exact.toml"))
        .unwrap()
        .replace(
            "\"process.execution.budget_completion\" = 4.95",
            "\"process.execution.budget_completion\" = 4.953123168873784132192663776",
        );
    std::fs::write(tmp.path().join("exact.toml"), &exact).unwrap();
    std::fs::write(
        tmp.path().join("off.toml"),
        exact.replace(
            "4.953123168873784132192663776",
            "4.953123168873784132192663777",
        ),
    )
    .unwrap();
    // An inline unit with a negative amount is refused at its key, as in a unit file.
    let inline =
        std::fs::read_to_string(root().join("configs/cases/national-project/inline-tiers.toml"))
            .unwrap()
            .replace(
                "\"../../national-project.toml\"",
                &format!("{:?}", root().join("configs/national-project.toml")),
            )
            .replace("spent = 150", "spent = -150");
    std::fs::write(tmp.path().join("inline.toml"), inline).unwrap();
    let output = jixiao().arg("test").arg(tmp.path()).output().unwrap();
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    let dir = tmp.path().display();
    assert!(text.contains(&format!("通过 {dir}/exact.toml")), "{text}");
    assert!(text.contains(&format!("未通过 {dir}/off.toml")), "{text}");
    assert!(text.contains("    process.execution.budget_completion 预算完成率: 期望 4.953123168873784132192663777, 实得 4.953123168873784132192663776\n"), "{text}");
    assert!(
        text.contains(&format!(
            "无法运行 {dir}/inline.toml\n    {dir}/inline.toml: at `inline.budget.spent`: "
        )),
        "{text}"
    );
    assert!(
        text.ends_with("1 项通过, 1 项未通过, 1 项无法运行\n"),
        "{text}"
    );
}

/// The case file shown in docs/cli.md runs, and passes (its paths made absolute).
#[test]
fn the_case_in_the_documentation_passes() {
    let doc = std::fs::read_to_string(root().join("docs/cli.md")).unwrap();
    let section = &doc[doc
        .find("## Testing a rule set: `jixiao test CASES...`")
        .unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let case = &section[start..start + section[start..].find("```").unwrap()];
    let case = case
        .replace(
            "\"../../hunan-department.toml\"",
            &format!("{:?}", root().join("configs/hunan-department.toml")),
        )
        .replace(
            "\"../../../tests/fixtures/units/department/lusong-kexie-2024.toml\"",
            &format!(
                "{:?}",
                root().join("tests/fixtures/units/department/lusong-kexie-2024.toml")
            ),
        );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("doc.toml"), case).unwrap();
    let output = jixiao().arg("test").arg(tmp.path()).output().unwrap();
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.ends_with("1 项通过, 0 项未通过\n"), "{text}");
}
