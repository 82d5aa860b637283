use std::time::Duration;

use jixiao_engine::{Options, Scorecard};
use jixiao_model::CheckedUnit;

use super::*;

const WAIT: Duration = Duration::from_millis(200);

fn sample() -> CheckedUnit {
    jixiao_tests::sample()
}

fn card(unit: &CheckedUnit) -> Scorecard {
    let rules = jixiao_tests::config("hunan-department.toml");
    jixiao_engine::score_with(unit, &rules, &Options::default()).expect("the sample scores")
}

fn new_run() -> NewRun {
    NewRun {
        kind: RunKind::Score,
        started_at: "2025-03-01T08:00:00Z".to_owned(),
        jixiao_version: "0.1.0".to_owned(),
        command: "jixiao score".to_owned(),
        rule_set_id: "hunan-department".to_owned(),
        rule_set_name: "湖南".to_owned(),
        rule_set_version: "2024.1".to_owned(),
        rule_sets: vec![RuleSetText {
            depth: 0,
            path: "configs/hunan-department.toml".to_owned(),
            sha256: "ab".repeat(32),
            text: "id = \"hunan-department\"\n".to_owned(),
        }],
        plugins: vec![PluginRecord {
            name: "deviation".to_owned(),
            version: "1.0.0".to_owned(),
            sha256: "cd".repeat(32),
            path: "plugins/libdeviation.so".to_owned(),
        }],
        inputs: vec![("units/".to_owned(), None)],
        out_dir: Some("out".to_owned()),
    }
}

fn record_of(unit: &CheckedUnit, source: &str) -> UnitRecord {
    UnitRecord::scored(
        source.to_owned(),
        Some("unit".to_owned()),
        Some("ef".repeat(32)),
        unit.unit(),
        &card(unit),
    )
    .expect("serialisable")
}

/// A copy of the sample for another year, name or code.
fn variant(year: u16, code: Option<&str>, three_public: Option<&str>) -> CheckedUnit {
    let mut unit = sample().into_inner();
    unit.unit.year = year;
    unit.unit.code = code.map(str::to_owned);
    unit.base.three_public = three_public.map(|t| t.parse().expect("a decimal"));
    jixiao_tests::recheck(unit)
}

#[test]
fn a_new_store_is_the_users_alone_and_at_the_latest_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.db");
    let store = Store::open(&path, true, WAIT).unwrap();
    assert_eq!(store.version().unwrap(), schema::latest());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    drop(store);
    // Opened again: nothing to migrate, the same version.
    assert_eq!(
        Store::open(&path, false, WAIT).unwrap().version().unwrap(),
        1
    );
}

#[test]
fn a_missing_store_is_not_created_when_only_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.db");
    assert!(matches!(
        Store::open(&path, false, WAIT),
        Err(StoreError::Missing { .. })
    ));
    assert!(!path.exists());
}

#[test]
fn foreign_files_are_refused_and_left_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    // A text file, an empty file, another program's SQLite database.
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "单位名称,总分\n芦淞区科协,68.28\n").unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    let other = dir.path().join("other.db");
    {
        let conn = Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    for path in [&text, &empty, &other] {
        let before = std::fs::read(path).unwrap();
        let error = Store::open(path, true, WAIT).unwrap_err();
        assert!(matches!(error, StoreError::Foreign { .. }), "{error}");
        assert!(error.to_string().contains("not a jixiao results store"));
        assert_eq!(std::fs::read(path).unwrap(), before, "{}", path.display());
    }
    // A folder.
    assert!(matches!(
        Store::open(dir.path(), true, WAIT),
        Err(StoreError::NotAFile { .. })
    ));
}

#[test]
fn a_store_of_a_newer_jixiao_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.db");
    drop(Store::open(&path, true, WAIT).unwrap());
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let error = Store::open(&path, false, WAIT).unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::TooNew {
                version: 99,
                known: 1,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn a_damaged_store_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.db");
    {
        let store = Store::open(&path, true, WAIT).unwrap();
        let mut writer = store.begin_run(&new_run(), FaultSwitch::default()).unwrap();
        writer.record(&record_of(&sample(), "a.toml")).unwrap();
        writer.commit(RunEnd::default()).unwrap();
    }
    // Checkpointed into the main file, then its pages overwritten past the header.
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    for b in bytes.iter_mut().skip(4096) {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let error = Store::open(&path, false, WAIT)
        .and_then(|store| store.runs().map(drop))
        .unwrap_err();
    assert!(matches!(error, StoreError::Damaged { .. }), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_committed_run_is_read_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.db");
    let store = Store::open(&path, true, WAIT).unwrap();
    let unit = sample();
    let mut writer = store.begin_run(&new_run(), FaultSwitch::default()).unwrap();
    writer.record(&record_of(&unit, "a.toml")).unwrap();
    writer
        .record(&UnitRecord::not_scored(
            "b.docx".to_owned(),
            None,
            None,
            None,
            Status::Failed,
            "b.docx: 无法读取".to_owned(),
        ))
        .unwrap();
    writer.add_file("summary.csv", b"a,b\n").unwrap();
    let (store, run) = writer
        .commit(RunEnd {
            scored: 1,
            failed: 1,
            duplicates: 0,
        })
        .unwrap();
    assert_eq!(run, 1);
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].units, runs[0].scored, runs[0].failed), (2, 1, 1));
    assert_eq!(runs[0].years, vec![2024]);
    let detail = store.run(1).unwrap();
    assert_eq!(detail.rule_sets[0].text, "id = \"hunan-department\"\n");
    assert_eq!(detail.plugins[0].sha256, "cd".repeat(32));
    assert_eq!(detail.files, vec!["summary.csv".to_owned()]);
    assert_eq!(store.run_files(1).unwrap()[0].content, b"a,b\n");
    let mut units = Vec::new();
    store
        .units_of_run::<StoreError>(1, |u| {
            units.push(u);
            Ok(())
        })
        .unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(units[0].status, "scored");
    let stored: jixiao_model::SelfEvaluation =
        serde_json::from_str(units[0].unit.as_deref().unwrap()).unwrap();
    assert_eq!(&stored, unit.unit());
    assert_eq!(units[1].reason.as_deref(), Some("b.docx: 无法读取"));
    // The sample scores 68.28 中 under the rule set: the history says so.
    let history = store.history("株洲市芦淞区科学技术协会").unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].final_total, "68.28");
    assert_eq!(history[0].final_grade.as_deref(), Some("中"));
    assert!(history[0].current);
    assert!(matches!(
        store.run(2),
        Err(StoreError::NoSuchRun { run: 2, .. })
    ));
}

#[test]
fn a_run_not_committed_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.db");
    let store = Store::open(&path, true, WAIT).unwrap();
    let mut writer = store.begin_run(&new_run(), FaultSwitch::default()).unwrap();
    writer.record(&record_of(&sample(), "a.toml")).unwrap();
    let (store, _) = writer.commit(RunEnd::default()).unwrap();
    let before = (store.runs().unwrap(), store.unit_years().unwrap());
    // The fault switch fires on the third unit, inside the transaction.
    let mut writer = store.begin_run(&new_run(), FaultSwitch::after(3)).unwrap();
    writer.record(&record_of(&sample(), "b.toml")).unwrap();
    writer.record(&record_of(&sample(), "c.toml")).unwrap();
    let error = writer.record(&record_of(&sample(), "d.toml")).unwrap_err();
    assert!(
        matches!(error, StoreError::Fault { run: 2, units: 3 }),
        "{error}"
    );
    drop(writer);
    let store = Store::open(&path, false, WAIT).unwrap();
    assert_eq!((store.runs().unwrap(), store.unit_years().unwrap()), before);
}

#[test]
fn a_second_writer_waits_then_is_told_the_store_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.db");
    let first = Store::open(&path, true, WAIT).unwrap();
    let writer = first.begin_run(&new_run(), FaultSwitch::default()).unwrap();
    // Reading goes on meanwhile (WAL).
    let reader = Store::open(&path, false, WAIT).unwrap();
    assert_eq!(reader.runs().unwrap().len(), 0);
    let error = reader
        .begin_run(&new_run(), FaultSwitch::default())
        .unwrap_err();
    assert!(matches!(error, StoreError::Busy { .. }), "{error}");
    assert!(error.to_string().contains("being written by another run"));
    let (_, run) = writer.commit(RunEnd::default()).unwrap();
    // Once the first has committed, the second writes.
    let second = Store::open(&path, false, WAIT).unwrap();
    let writer = second
        .begin_run(&new_run(), FaultSwitch::default())
        .unwrap();
    assert_eq!(writer.commit(RunEnd::default()).unwrap().1, run + 1);
}

#[test]
fn last_years_record_is_found_by_code_else_by_name_and_region() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.db");
    let store = Store::open(&path, true, WAIT).unwrap();
    let mut writer = store.begin_run(&new_run(), FaultSwitch::default()).unwrap();
    writer
        .record(&record_of(
            &variant(2023, Some("101001"), Some("12.5")),
            "a",
        ))
        .unwrap();
    let (store, _) = writer.commit(RunEnd::default()).unwrap();
    // A rerun: the latest run is the current one.
    let mut writer = store.begin_run(&new_run(), FaultSwitch::default()).unwrap();
    writer
        .record(&record_of(&variant(2023, Some("101001"), Some("13")), "a"))
        .unwrap();
    let (store, _) = writer.commit(RunEnd::default()).unwrap();
    let prior = store.prior_year(&[2023]).unwrap();
    assert_eq!(prior.len(), 2);
    let this_year = variant(2024, Some("101001"), None);
    let keys = UnitKeys::of(&this_year.unit().unit);
    let found = prior.find(&keys, 2023).expect("found by code");
    assert_eq!(found.result.run, 2);
    assert_eq!(found.base.three_public, Some("13".parse().unwrap()));
    // Without a code this year: by name and region.
    let keys = UnitKeys::of(&variant(2024, None, None).unit().unit);
    assert_eq!(prior.find(&keys, 2023).map(|r| r.result.run), Some(2));
    // Under another code: another unit, though the name is the same.
    let keys = UnitKeys::of(&variant(2024, Some("999"), None).unit().unit);
    assert!(prior.find(&keys, 2023).is_none());
    // The history by code shows the two runs of 2023, the later one current.
    let history = store.history("101001").unwrap();
    assert_eq!(
        history
            .iter()
            .map(|r| (r.run, r.current))
            .collect::<Vec<_>>(),
        vec![(1, false), (2, true)]
    );
}
