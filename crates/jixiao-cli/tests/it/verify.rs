//! `jixiao verify`: a recorded run scored again, from the rule set's files when unchanged,
//! else from the texts the store keeps; plugins checked against their recorded hashes.

use std::path::{Path, PathBuf};

use crate::common::{HUNAN, SAMPLE, jixiao, root};

fn verify(db: &Path, run: u32) -> (Option<i32>, String, String) {
    let output = jixiao()
        .args(["verify", "--run", &run.to_string(), "--db"])
        .arg(db)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn score(rules: &Path, db: &Path, extra: &[&std::ffi::OsStr]) -> String {
    let output = jixiao()
        .arg("score")
        .arg("--rules")
        .arg(rules)
        .arg(SAMPLE)
        .arg("--db")
        .arg(db)
        .args(extra)
        .args(["-f", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    stderr
}

#[test]
fn verify_reproduces_a_stored_run() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("成绩库.db");
    score(Path::new(HUNAN), &db, &[]);
    let (code, stdout, stderr) = verify(&db, 1);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    // Loaded from the recorded, unchanged file.
    assert!(
        stdout.contains("第 1 次评分 (hunan-department v2024.1, 规则集 configs/hunan-department.toml): 1 个单位复现, 0 个不一致"),
        "{stdout}"
    );
    assert!(!stdout.contains("不一致:"), "{stdout}");
}

/// A child rule set in `dir/district/` extending its parent in `dir/base/`: the layout the
/// stored texts must be rebuilt in for `extends = "../base/hunan.toml"` to resolve.
fn extended_rules(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("base")).unwrap();
    std::fs::create_dir_all(dir.join("district")).unwrap();
    std::fs::copy(root().join(HUNAN), dir.join("base/hunan.toml")).unwrap();
    let child = dir.join("district/rules.toml");
    std::fs::write(
        &child,
        "extends = \"../base/hunan.toml\"\nid = \"verify-district\"\nname = \"区县版 (核对)\"\nversion = \"1\"\n",
    )
    .unwrap();
    child
}

#[test]
fn verify_reproduces_a_run_whose_rule_set_files_changed_from_the_stored_texts() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("成绩库.db");
    let child = extended_rules(tmp.path());
    let check = jixiao().arg("check").arg(&child).output().unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    score(&child, &db, &[]);

    // The parent edited on disk: 预算控制率 (5 points) now weighs 9, so the points no longer add
    // up to 100 and the edited files would not even load; the stored texts score it as the run
    // did.
    let parent = tmp.path().join("base/hunan.toml");
    let text = std::fs::read_to_string(&parent).unwrap();
    assert!(text.contains("points = 5"));
    std::fs::write(&parent, text.replacen("points = 5", "points = 9", 1)).unwrap();
    let (code, stdout, stderr) = verify(&db, 1);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stderr.contains("has changed or is missing"), "{stderr}");
    assert!(
        stdout.contains("规则集取自成绩库中保存的文本): 1 个单位复现, 0 个不一致"),
        "{stdout}"
    );

    // The child removed altogether: still reproduced from the store.
    std::fs::remove_file(&child).unwrap();
    let (code, stdout, _) = verify(&db, 1);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("1 个单位复现, 0 个不一致"), "{stdout}");
}

fn library(dir: &Path, stem: &str) -> PathBuf {
    dir.join(format!(
        "{}{stem}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ))
}

#[test]
fn verify_reports_a_plugin_whose_library_changed_and_the_scores_it_moves() {
    let built = jixiao_tests::plugin_dir();
    let tmp = tempfile::tempdir().unwrap();
    let plugins = tmp.path().join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    for name in jixiao_tests::PLUGINS {
        let stem = name.replace('-', "_");
        std::fs::copy(library(&built, &stem), library(&plugins, &stem)).unwrap();
    }
    let db = tmp.path().join("成绩库.db");
    score(
        Path::new("configs/hunan-department-plugins.toml"),
        &db,
        &[
            "--allow-unpinned".as_ref(),
            "--plugin-dir".as_ref(),
            plugins.as_os_str(),
        ],
    );
    // Unchanged, it reproduces.
    let (code, stdout, stderr) = verify(&db, 1);
    assert_eq!(code, Some(0), "{stdout}{stderr}");

    // The deviation plugin's library changed (a byte appended: another hash).
    let deviation = library(&plugins, "jixiao_plugin_deviation");
    let mut bytes = std::fs::read(&deviation).unwrap();
    bytes.push(0);
    std::fs::write(&deviation, &bytes).unwrap();
    let (code, stdout, stderr) = verify(&db, 1);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("注意: 插件 jixiao-plugin-deviation (") && stdout.contains("与记录的"),
        "{stdout}"
    );
    // Without it, 实际完成率 is back to its full 15 (the plugin took 3: 15 × 0.2 × (7 − 1.3)
    // = 17.1, floored at 0.8 × 15 = 12), and the total to the plain rubric's 68.28 from 64.95
    // (tests/it/plugins.rs).
    assert!(
        stdout.contains("不一致: tests/fixtures/units/department/lusong-kexie-2024.toml"),
        "{stdout}"
    );
    assert!(stdout.contains("总分: 记录 64.95"), "{stdout}");
    assert!(stdout.contains("今日 68.28"), "{stdout}");
    assert!(
        stdout.contains("指标 实际完成率 (output.completion): 记录 12, 今日 15"),
        "{stdout}"
    );
    assert!(
        stdout.contains("可能的原因: 插件 jixiao-plugin-deviation"),
        "{stdout}"
    );
    assert!(stdout.contains("0 个单位复现, 1 个不一致"), "{stdout}");

    // Missing altogether: said so.
    std::fs::remove_file(&deviation).unwrap();
    let (code, stdout, _) = verify(&db, 1);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("插件 jixiao-plugin-deviation 缺失"),
        "{stdout}"
    );
}

#[test]
fn verify_applies_a_reviewed_units_review_again_and_history_shows_it() {
    // The reviewer workbook of tests/it/review.rs: 预算控制率 2 → 3, 三公经费变动率 0 → 4.
    const FILLED: &str = "crates/jixiao-review/tests/fixtures/filled-saved-by-libreoffice.xlsx";
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("成绩库.db");
    score(
        Path::new(HUNAN),
        &db,
        &["--review".as_ref(), FILLED.as_ref()],
    );
    let (code, stdout, stderr) = verify(&db, 1);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("1 个单位复现, 0 个不一致"), "{stdout}");
    assert!(
        stdout.contains("其中 1 个单位经复核: 复核的改动已重新应用, 复核后总分与等级一致"),
        "{stdout}"
    );
    // The system's 68.28; the review's (61.453123… + 1 + 4) × 100 / 90 = 73.8368… → 73.84 中.
    let output = jixiao()
        .args(["history", "株洲市芦淞区科学技术协会", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains("73.84 中 (系统 68.28 中)"), "{table}");
}
