//! `jixiao import`: earlier years from the output folders of runs made without a store.

use std::path::Path;

use jixiao_model::EvaluationKind;
use rust_decimal_macros::dec;

use crate::common::{HUNAN, jixiao, sample_with};

/// `jixiao score --rules HUNAN UNIT --out OUT` (no store).
fn score_out(unit: &Path, out: &Path) {
    let output = jixiao()
        .args(["score", "--rules", HUNAN])
        .arg(unit)
        .arg("--out")
        .arg(out)
        .env_remove("JIXIAO_DB")
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
fn an_imported_output_folder_gives_its_year_to_history_with_its_base_data() {
    let tmp = tempfile::tempdir().unwrap();
    // The 2023 sample, with last year's and this year's 三公经费 (万元).
    let unit = sample_with(tmp.path(), "k2023.toml", "year = 2024", "year = 2023");
    let text = std::fs::read_to_string(&unit).unwrap();
    std::fs::write(
        &unit,
        format!("{text}\n[base]\nthree_public = 1.2\nthree_public_last_year = 1.5\n"),
    )
    .unwrap();
    let out = tmp.path().join("results-2023");
    score_out(&unit, &out);
    let scored = crate::common::csv_rows(&out.join("summary.csv"));
    let total = scored[0]["复核总分"].clone();

    let db = tmp.path().join("成绩库.db");
    let output = jixiao()
        .arg("import")
        .arg("--db")
        .arg(&db)
        .arg(&out)
        .args(["--rules", HUNAN])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let output = jixiao()
        .args(["history", "株洲市芦淞区科学技术协会", "-f", "json", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let units: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let years = units[0]["years"].as_array().unwrap();
    assert_eq!(years.len(), 1);
    assert_eq!(years[0]["year"], 2023);
    assert_eq!(years[0]["total"], total.as_str());
    assert_eq!(years[0]["rule_set"]["id"], "hunan-department");

    let runs = jixiao()
        .args(["runs", "-f", "json", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let runs: serde_json::Value = serde_json::from_slice(&runs.stdout).unwrap();
    assert_eq!(runs[0]["kind"], "import");
    assert_eq!(runs[0]["scored"], 1);

    // Its base data, for 2024's run: the figures round.jsonl kept, mapped back exactly.
    let store = jixiao_store::Store::open(&db, false, jixiao_store::DEFAULT_WAIT).unwrap();
    let prior = store.prior_year(&[2023]).unwrap();
    let keys = jixiao_store::UnitKeys {
        kind: EvaluationKind::Department,
        code: None,
        name: "株洲市芦淞区科学技术协会|湖南省株洲市芦淞区".to_owned(),
    };
    let record = prior.find(&keys, 2023).expect("the imported year");
    assert_eq!(record.base.three_public, Some(dec!(1.2)));
    assert_eq!(record.base.three_public_last_year, Some(dec!(1.5)));
    assert_eq!(record.result.total, total);

    // An import with the rule set's text can be verified: no unit file was given, so the
    // units cannot be scored again, and verify says so.
    let output = jixiao()
        .args(["verify", "--run", "1", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 个单位未能重新评分"));

    // With --units the unit is kept as filed, and verify scores it again.
    let output = jixiao()
        .arg("import")
        .arg("--db")
        .arg(&db)
        .arg(&out)
        .args(["--rules", HUNAN, "--units"])
        .arg(&unit)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = jixiao()
        .args(["verify", "--run", "2", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("1 个单位复现, 0 个不一致"), "{stdout}");
}

#[test]
fn import_refuses_what_is_not_an_output_folder_or_another_rule_set() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("成绩库.db");
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let output = jixiao()
        .arg("import")
        .arg("--db")
        .arg(&db)
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not a jixiao output folder: it has no round.jsonl"),
        "{stderr}"
    );
    assert!(!db.exists(), "nothing is created for a refused import");

    let unit = sample_with(tmp.path(), "k.toml", "year = 2024", "year = 2023");
    let out = tmp.path().join("out");
    score_out(&unit, &out);
    std::fs::remove_dir_all(out.join("scorecards")).unwrap();
    let output = jixiao()
        .arg("import")
        .arg("--db")
        .arg(&db)
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("its scorecard") && stderr.contains("is missing"),
        "{stderr}"
    );

    let out = tmp.path().join("out2");
    score_out(&unit, &out);
    let output = jixiao()
        .arg("import")
        .arg("--db")
        .arg(&db)
        .arg(&out)
        .args(["--rules", "configs/national-project.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("but the scorecards were scored under hunan-department v2024.1"),
        "{stderr}"
    );
    assert!(!db.exists());
}
