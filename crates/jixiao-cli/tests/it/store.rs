//! `score --db`: the results store as a run writes it: one transaction, shared safely, never
//! another program's file.

use std::path::Path;

use jixiao_store::Store;

use crate::common::{HUNAN, generate, jixiao};

fn open(path: &Path) -> Store {
    Store::open(path, false, std::time::Duration::from_secs(5)).unwrap()
}

/// `jixiao score --db DB UNITS` under the Hunan rule set, which must succeed.
fn record(db: &Path, units: &Path) {
    jixiao()
        .args(["score", "--rules", HUNAN, "--db"])
        .arg(db)
        .arg(units)
        .args(["-f", "jsonl"])
        .assert()
        .code(0);
}

/// Everything a store holds that a run adds to: its runs and every unit of each.
fn contents(
    path: &Path,
) -> (
    Vec<jixiao_store::RunSummary>,
    u64,
    Vec<jixiao_store::StoredUnit>,
) {
    let store = open(path);
    let runs = store.runs().unwrap();
    let mut units = Vec::new();
    for run in &runs {
        store
            .units_of_run::<jixiao_store::StoreError>(run.id, |u| {
                units.push(u);
                Ok(())
            })
            .unwrap();
    }
    (runs, store.unit_years().unwrap(), units)
}

#[test]
fn a_run_stopped_half_way_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let units = generate(dir.path(), 40);
    let db = dir.path().join("results.db");
    record(&db, &units);
    let before = contents(&db);
    assert_eq!(before.0.len(), 1);
    assert_eq!(before.1, 40);
    // The test-only switch stops the second run after 7 units are written, inside its
    // transaction; the output folder is not written either.
    let out = dir.path().join("out");
    let output = jixiao()
        .args(["score", "--rules", HUNAN, "--db"])
        .arg(&db)
        .arg(&units)
        .arg("--out")
        .arg(&out)
        .env("JIXIAO_STORE_FAIL_AFTER", "7")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "test fault: the run was stopped after recording 7 units, inside its open transaction (run 2 was not committed and is rolled back)"
        ),
        "{stderr}"
    );
    assert!(!out.exists(), "no output is written for a run that failed");
    // Readable, and unchanged: the same runs, the same units, byte for byte.
    assert_eq!(contents(&db), before);
    // The run made again is recorded whole, as run 2.
    record(&db, &units);
    let after = contents(&db);
    assert_eq!(after.0.len(), 2);
    assert_eq!((after.0[1].id, after.0[1].units, after.1), (2, 40, 80));
}

#[test]
fn two_runs_writing_one_store_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let units = generate(dir.path(), 200);
    let db = dir.path().join("results.db");
    // Created first, so that both open an existing store.
    record(&db, Path::new(crate::common::SAMPLE));
    let spawn = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("jixiao"))
            .current_dir(crate::common::root())
            .args(["score", "--rules", HUNAN, "--db"])
            .arg(&db)
            .arg(&units)
            .args(["-f", "jsonl"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let (runs, unit_years, _) = contents(&db);
    assert_eq!(runs.len(), 3);
    assert_eq!(unit_years, 1 + 200 + 200);
    assert!(runs[1..].iter().all(|r| r.units == 200 && r.scored == 200));
}

#[test]
fn a_second_run_is_told_when_the_store_stays_busy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("results.db");
    record(&db, Path::new(crate::common::SAMPLE));
    // Another program holding the write lock.
    let store = open(&db);
    let writer = store
        .begin_run(&blocking_run(), jixiao_store::FaultSwitch::default())
        .unwrap();
    let output = jixiao()
        .args(["score", "--rules", HUNAN, "--db-wait", "1", "--db"])
        .arg(&db)
        .arg(crate::common::SAMPLE)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("is being written by another run and did not become free within 1 s"),
        "{stderr}"
    );
    drop(writer);
    assert_eq!(contents(&db).0.len(), 1);
}

fn blocking_run() -> jixiao_store::NewRun {
    jixiao_store::NewRun {
        kind: jixiao_store::RunKind::Score,
        started_at: jixiao_store::now(),
        jixiao_version: "test".to_owned(),
        command: "test".to_owned(),
        rule_set_id: "x".to_owned(),
        rule_set_name: "x".to_owned(),
        rule_set_version: "1".to_owned(),
        rule_sets: Vec::new(),
        plugins: Vec::new(),
        inputs: Vec::new(),
        out_dir: None,
    }
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("成绩.csv");
    std::fs::write(&csv, "单位名称,总分\n芦淞区科协,68.28\n").unwrap();
    for db in [csv.as_path(), dir.path()] {
        let before = db.is_file().then(|| std::fs::read(db).unwrap());
        let output = jixiao()
            .args(["score", "--rules", HUNAN, "--db"])
            .arg(db)
            .arg(crate::common::SAMPLE)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("is not a jixiao results store")
                || stderr.contains("is not a regular file"),
            "{stderr}"
        );
        assert_eq!(db.is_file().then(|| std::fs::read(db).unwrap()), before);
    }
}

#[test]
fn a_recorded_run_keeps_the_rule_set_its_plugins_inputs_and_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("results.db");
    let out = dir.path().join("out");
    jixiao()
        .args([
            "score",
            "--rules",
            "configs/hunan-department-district.toml",
            "--db",
        ])
        .arg(&db)
        .arg(crate::common::SAMPLE)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    let store = open(&db);
    let run = store.run(1).unwrap();
    assert_eq!(run.summary.kind, "score");
    assert_eq!(run.summary.jixiao_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(run.summary.years, vec![2024]);
    // The rule set and the one it extends, in full.
    assert_eq!(run.rule_sets.len(), 2);
    let root = crate::common::root();
    for (stored, file) in run.rule_sets.iter().zip([
        "configs/hunan-department-district.toml",
        "configs/hunan-department.toml",
    ]) {
        assert_eq!(
            stored.text,
            std::fs::read_to_string(root.join(file)).unwrap()
        );
    }
    assert_eq!(
        run.inputs,
        vec![(
            crate::common::SAMPLE.to_owned(),
            Some(jixiao_sha256(&root.join(crate::common::SAMPLE)))
        )]
    );
    // Every file of the output folder but the scorecards, byte for byte.
    for file in store.run_files(1).unwrap() {
        assert_eq!(
            file.content,
            std::fs::read(out.join(&file.name)).unwrap(),
            "{}",
            file.name
        );
    }
    assert!(run.files.contains(&"summary.xlsx".to_owned()));
    // The unit as scored, and its scorecard: 68.96 中 under the district variant.
    let history = store.history("株洲市芦淞区科学技术协会").unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (
            history[0].final_total.as_str(),
            history[0].final_grade.as_deref()
        ),
        ("68.96", Some("中"))
    );
}

fn jixiao_sha256(path: &Path) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn compare_takes_a_years_units_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let units = generate(dir.path(), 60);
    let db = dir.path().join("results.db");
    record(&db, &units);
    let variant = "configs/hunan-department-district.toml";
    let from_files = dir.path().join("files");
    let from_store = dir.path().join("store");
    jixiao()
        .args(["compare", "--rules", HUNAN, "--rules", variant])
        .arg(&units)
        .arg("--out")
        .arg(&from_files)
        .assert()
        .code(0);
    jixiao()
        .args([
            "compare", "--rules", HUNAN, "--rules", variant, "--year", "2024", "--db",
        ])
        .arg(&db)
        .arg("--out")
        .arg(&from_store)
        .assert()
        .code(0);
    // The same units, as they were scored: the same comparison, each unit named by its run.
    let read = |dir: &Path| std::fs::read_to_string(dir.join("compare.md")).unwrap();
    let stored = read(&from_store);
    assert!(
        stored.contains("成绩库 2024 年度 (第 1 次评分) "),
        "{stored}"
    );
    assert_eq!(
        stored.replace("成绩库 2024 年度 (第 1 次评分) ", ""),
        read(&from_files)
    );
    // A year the store does not hold.
    let output = jixiao()
        .args([
            "compare", "--rules", HUNAN, "--rules", variant, "--year", "2019", "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("has no units of 2019"));
}
