//! `jixiao runs`: the runs a results store holds.

use std::path::Path;

use crate::common::{HUNAN, SAMPLE, jixiao, sample_with};

/// `jixiao score --rules HUNAN UNIT --db DB [EXTRA...]`, which must succeed.
pub fn score_into(db: &Path, unit: &Path, extra: &[&std::ffi::OsStr]) {
    let output = jixiao()
        .args(["score", "--rules", HUNAN])
        .arg(unit)
        .arg("--db")
        .arg(db)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn runs_lists_each_run_with_its_years_and_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("成绩库.db");
    let out = tmp.path().join("out");
    score_into(
        &db,
        &crate::common::root().join(SAMPLE),
        &["--out".as_ref(), out.as_os_str()],
    );
    let earlier = sample_with(tmp.path(), "k2023.toml", "year = 2024", "year = 2023");
    score_into(&db, &earlier, &[]);

    let output = jixiao()
        .args(["runs", "--format", "json", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let runs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 2);
    // Run 1: the 2024 sample with --out; run 2: the same unit as 2023, no --out.
    assert_eq!(runs[0]["run"], 1);
    assert_eq!(runs[0]["kind"], "score");
    assert_eq!(runs[0]["years"], serde_json::json!([2024]));
    assert_eq!(runs[0]["scored"], 1);
    assert_eq!(runs[0]["failed"], 0);
    assert_eq!(runs[0]["duplicates"], 0);
    assert_eq!(runs[0]["rule_set"]["id"], "hunan-department");
    assert_eq!(runs[0]["rule_set"]["version"], "2024.1");
    assert_eq!(runs[0]["out_dir"], out.display().to_string());
    assert_eq!(runs[1]["run"], 2);
    assert_eq!(runs[1]["years"], serde_json::json!([2023]));
    assert_eq!(runs[1]["out_dir"], serde_json::Value::Null);

    let output = jixiao().arg("runs").arg("--db").arg(&db).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let table = String::from_utf8(output.stdout).unwrap();
    for heading in [
        "编号",
        "类型",
        "记录时间",
        "规则",
        "年度",
        "已评分",
        "未能评分",
        "重复报送",
        "输出目录",
    ] {
        assert!(table.contains(heading), "{table}");
    }
    let rows: Vec<&str> = table.lines().filter(|l| l.contains("┆ 评分 ┆")).collect();
    assert_eq!(rows.len(), 2, "{table}");
    assert!(rows[0].contains("hunan-department v2024.1") && rows[0].contains("2024"));
    assert!(rows[1].contains("2023") && rows[1].contains("—"), "{table}");
}

#[test]
fn runs_needs_a_store_that_exists() {
    let tmp = tempfile::tempdir().unwrap();
    let output = jixiao()
        .arg("runs")
        .arg("--db")
        .arg(tmp.path().join("none.db"))
        .env_remove("JIXIAO_DB")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not exist"), "{stderr}");
    // And nothing was created.
    assert!(!tmp.path().join("none.db").exists());
}
