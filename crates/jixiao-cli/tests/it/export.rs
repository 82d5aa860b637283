//! `jixiao export`: a run's kept files written again, byte for byte.

use std::collections::BTreeMap;
use std::path::Path;

use jixiao_engine::Scorecard;
use rust_decimal_macros::dec;

use crate::common::{SAMPLE, jixiao, root};
use crate::runs::score_into;

/// Every file under `dir` (relative path → bytes), but the manifest and the scorecards.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &format!("{name}/"), out);
            } else {
                out.insert(name, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out.retain(|name, _| name != ".jixiao-output" && !name.starts_with("scorecards/"));
    out
}

#[test]
fn export_writes_the_files_the_run_wrote_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("成绩库.db");
    let out = tmp.path().join("out");
    score_into(
        &db,
        &root().join(SAMPLE),
        &["--out".as_ref(), out.as_os_str()],
    );
    let exported = tmp.path().join("exported");
    let output = jixiao()
        .args(["export", "--run", "1", "--scorecards", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&exported)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let (written, again) = (files(&out), files(&exported));
    let names: Vec<&str> = written.keys().map(String::as_str).collect();
    for name in [
        "index.html",
        "round.jsonl",
        "summary.csv",
        "summary.md",
        "summary.xlsx",
        "退回清单.csv",
    ] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        again.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &written {
        assert!(again[name] == *bytes, "{name} differs from the run's");
    }
    // The scorecard from the store, under the run's name for it: 68.28 中.
    let card: Scorecard = serde_json::from_str(
        &std::fs::read_to_string(exported.join("scorecards/lusong-kexie-2024.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(card.total, dec!(68.28));
    assert_eq!(card.grade.as_deref(), Some("中"));

    // Not into a folder that holds anything.
    let output = jixiao()
        .args(["export", "--run", "1", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&exported)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not empty"));
}

#[test]
fn export_of_a_run_without_out_says_it_kept_no_files() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("成绩库.db");
    score_into(&db, &root().join(SAMPLE), &[]);
    let output = jixiao()
        .args(["export", "--run", "1", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(tmp.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("run 1 kept no files"), "{stderr}");
    assert!(!tmp.path().join("x").exists());

    let output = jixiao()
        .args(["export", "--run", "7", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(tmp.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("run 7 does not exist"));
}
