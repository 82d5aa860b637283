//! `jixiao compare`: two rule sets over the same units. The transition matrix is checked against
//! scoring every unit twice with `jixiao score` (each rule set on its own) and counting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use crate::common::{csv_rows, generate, jixiao, root};

/// A variant of configs/hunan-department.toml, as a bureau writes one (`extends`): 5 points moved
/// from 预算执行率 (12 → 7) to 预算完成率 (5 → 10), both leaves of 过程 / 预算执行, whose 22 points
/// stay.
fn variant(dir: &Path) -> PathBuf {
    let path = dir.join("variant.toml");
    let parent = root().join("configs/hunan-department.toml");
    std::fs::write(
        &path,
        format!(
            "extends = {:?}\nid = \"hunan-department-moved\"\nversion = \"2024.1-variant\"\n\n\
             [change.\"process.execution.budget_completion\"]\npoints = 10\n\n\
             [change.\"process.execution.execution_rate\"]\npoints = 7\n",
            parent.to_str().unwrap()
        ),
    )
    .unwrap();
    path
}

/// Each unit's (total, grade) by its code, from `jixiao score --out` of `units` under `rules`.
fn scored(
    dir: &Path,
    name: &str,
    rules: &Path,
    units: &Path,
) -> BTreeMap<String, (Decimal, String)> {
    let out = dir.join(name);
    jixiao()
        .args(["-q", "score", "--no-scorecards", "--rules"])
        .arg(rules)
        .arg(units)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    csv_rows(&out.join("summary.csv"))
        .into_iter()
        .map(|row| {
            (
                row["单位编码"].clone(),
                (row["复核总分"].parse().unwrap(), row["等级"].clone()),
            )
        })
        .collect()
}

/// The rows of the Markdown table under `heading` (its header first, no separator row), split
/// into cells.
fn table_under(markdown: &str, heading: &str) -> Vec<Vec<String>> {
    let at = markdown.find(heading).unwrap();
    markdown[at..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter(|l| !l.starts_with("|---"))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn the_transition_matrix_of_10000_units_is_what_scoring_each_unit_twice_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let units = generate(tmp.path(), 10_000);
    let a = root().join("configs/hunan-department.toml");
    let b = variant(tmp.path());
    let out = tmp.path().join("compare");
    let run = jixiao()
        .args(["-q", "compare", "--rules"])
        .arg(&a)
        .arg("--rules")
        .arg(&b)
        .arg(&units)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert_eq!(run.status.code(), Some(0), "{stdout}");

    let under_a = scored(tmp.path(), "a", &a, &units);
    let under_b = scored(tmp.path(), "b", &b, &units);
    assert_eq!(under_a.len(), 10_000);
    let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut largest = Decimal::ZERO;
    for (code, (total_a, grade_a)) in &under_a {
        let (total_b, grade_b) = &under_b[code];
        *expected
            .entry((grade_a.clone(), grade_b.clone()))
            .or_default() += 1;
        largest = largest.max((total_b - total_a).abs());
    }
    let changed: usize = expected
        .iter()
        .filter(|((a, b), _)| a != b)
        .map(|(_, n)| n)
        .sum();
    assert!(changed > 0, "moving 5 points changes some grades");
    assert!(
        stdout.contains(&format!("比较单位 10000 个; 等级变化 {changed} 个")),
        "{stdout}"
    );

    let markdown = std::fs::read_to_string(out.join("compare.md")).unwrap();
    let matrix = table_under(&markdown, "## 等级变化矩阵");
    let columns = &matrix[0][1..matrix[0].len() - 1];
    assert_eq!(columns, ["优", "良", "中", "差"]);
    let mut total = 0;
    for row in &matrix[1..] {
        for (column, count) in columns.iter().zip(&row[1..]) {
            let count: usize = count.parse().unwrap();
            let want = expected
                .get(&(row[0].clone(), column.clone()))
                .copied()
                .unwrap_or(0);
            assert_eq!(count, want, "{} → {column}", row[0]);
            total += count;
        }
    }
    assert_eq!(total, 10_000);

    // The biggest mover moves as far as the largest difference of the two runs.
    let movers = table_under(&markdown, "## 总分变动最大的单位");
    let first: Decimal = movers[1][6].trim_start_matches('+').parse().unwrap();
    assert_eq!(first.abs(), largest);
    // The two leaves that moved: their points and every unit scored differently on 预算执行率
    // (12 × rate against 7 × rate: equal only at a rate of 0).
    let indicators = table_under(&markdown, "## 各指标平均得分");
    let row = |id: &str| {
        indicators
            .iter()
            .find(|r| r.get(7) == Some(&format!("`{id}`")))
            .unwrap()
            .clone()
    };
    let execution = row("process.execution.execution_rate");
    assert_eq!(
        (execution[1].as_str(), execution[2].as_str()),
        ("12.00", "7.00")
    );
    let completion = row("process.execution.budget_completion");
    assert_eq!(
        (completion[1].as_str(), completion[2].as_str()),
        ("5.00", "10.00")
    );
    let group = row("process.execution");
    assert_eq!((group[1].as_str(), group[2].as_str()), ("22.00", "22.00"));
    for file in ["compare.html", "compare.xlsx"] {
        assert!(
            std::fs::metadata(out.join(file)).unwrap().len() > 1000,
            "{file}"
        );
    }
}

#[test]
fn compare_lists_a_unit_it_cannot_score_and_compares_a_repeated_unit_once() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = root().join("tests/fixtures/units/department/lusong-kexie-2024.toml");
    let copy = tmp.path().join("again.toml");
    std::fs::copy(&sample, &copy).unwrap();
    let project = root().join("tests/fixtures/units/project/synthetic-clean-2024.toml");
    let run = jixiao()
        .args(["compare", "--rules"])
        .arg(root().join("configs/hunan-department.toml"))
        .arg("--rules")
        .arg(variant(tmp.path()))
        .args([&sample, &copy, &project])
        .output()
        .unwrap();
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("比较单位 1 个"), "{stdout}");
    assert!(stdout.contains("未能比较 2 个"), "{stdout}");
    assert!(stdout.contains("为同一单位"), "{stdout}");
    assert!(
        stdout.contains("部门整体支出绩效自评, 而该单位报送的是项目支出绩效自评"),
        "{stdout}"
    );
}

#[test]
fn compare_takes_exactly_two_rule_sets() {
    let output = jixiao()
        .args(["compare", "--rules", "configs/hunan-department.toml"])
        .arg("tests/fixtures/units/department")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("exactly two rule sets"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
