//! `jixiao snapshot`: the sample recorded under the Hunan rubric; a copy of the rubric with 5
//! points moved from 实际完成率 to 完成及时率 (two leaves of 产出) shows the per-unit,
//! per-indicator diff it causes, computed by hand; `--accept` records it, and the next run is
//! clean. Files in the folder that jixiao did not write are left alone.

use std::path::{Path, PathBuf};

use crate::common::{HUNAN, SAMPLE, jixiao, jixiao_snapshot, root};

/// configs/hunan-department.toml with 实际完成率 15 → 10 and 完成及时率 5 → 10 (产出 stays 25).
fn moved_rules(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join(HUNAN)).unwrap();
    let from = |id: &str, name: &str, points: u32| {
        format!("id = \"{id}\"\nname = \"{name}\"\npoints = {points}\n")
    };
    let completion = from("output.completion", "实际完成率", 15);
    let timeliness = from("output.timeliness", "完成及时率", 5);
    assert!(text.contains(&completion) && text.contains(&timeliness));
    let text = text
        .replace(&completion, &from("output.completion", "实际完成率", 10))
        .replace(&timeliness, &from("output.timeliness", "完成及时率", 10));
    let path = dir.join("hunan-moved.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run(rules: &Path, dir: &Path, accept: bool) -> (i32, String) {
    let mut cmd = jixiao();
    cmd.args(["snapshot", "--rules"])
        .arg(rules)
        .arg(SAMPLE)
        .arg("--dir")
        .arg(dir);
    if accept {
        cmd.arg("--accept");
    }
    let output = cmd.output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn a_moved_weight_shows_as_the_diff_it_causes_until_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snapshots");
    let hunan = root().join(HUNAN);
    // Someone's own files in the folder: never read, never written.
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("说明.txt"), "参考单位的快照").unwrap();
    std::fs::write(dir.join("other.snapshot.toml"), "# mine\n").unwrap();

    // No snapshot yet: the unit is new, which counts as a change, and nothing is written.
    let (code, text) = run(&hunan, &dir, false);
    assert_eq!(code, 1, "{text}");
    assert!(text.starts_with(&format!(
        "新单位 {SAMPLE} (株洲市芦淞区科学技术协会): 尚无快照; 总分 68.28, 等级 中\n"
    )));
    let file = dir.join("lusong-kexie-2024.snapshot.toml");
    assert!(!file.exists());
    let (code, _) = run(&hunan, &dir, true);
    assert_eq!(code, 0);
    let recorded = std::fs::read_to_string(&file).unwrap();
    assert!(recorded.contains(
        "rule_set = \"hunan-department\"\nrule_set_version = \"2024.1\"\ntotal = \"68.28\"\n"
    ));
    assert!(recorded.contains("grade = \"中\"\n"));
    assert!(recorded.contains("id = \"output.completion\"\nname = \"实际完成率\"\npoints = \"15\"\nscore = \"15.00\"\nexact = \"15\"\nstatus = \"scored\"\n"));
    // Deterministic: recorded again elsewhere, the same bytes.
    let again = tmp.path().join("again");
    run(&hunan, &again, true);
    assert_eq!(
        std::fs::read(again.join("lusong-kexie-2024.snapshot.toml")).unwrap(),
        recorded.as_bytes()
    );
    let (code, text) = run(&hunan, &dir, false);
    assert_eq!(
        (code, text.as_str()),
        (
            0,
            format!(
                "未变 {SAMPLE} (株洲市芦淞区科学技术协会)\n1 个单位未变, 0 个有变化, 0 个新单位\n"
            )
            .as_str()
        )
    );

    // 5 points moved from 实际完成率 (15, scored 15: 2 / 2 goals met) to 完成及时率 (5, dropped: no
    // task counts). 实际完成率 scores 10 × 100 % = 10; 完成及时率 is still dropped, now with 10
    // points: the dropped leaves are 完成及时率 10 + 质量达标率 5 = 15 points, 100 − 15 = 85 remain;
    // raw 61.453123 − 15 + 10 = 56.453123, × 100 / 85 = 66.415439 → 66.42, still 中.
    let moved = moved_rules(tmp.path());
    let output = jixiao_snapshot!(
        "moved_weight",
        jixiao()
            .current_dir(tmp.path())
            .args(["snapshot", "--rules", "hunan-moved.toml"])
            .arg(root().join(SAMPLE))
            .args(["--dir", "snapshots"])
    );
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("    总分: 68.28 → 66.42\n"), "{text}");
    assert!(
        text.contains("    output 产出: 得分 15.00 → 10.00\n"),
        "{text}"
    );
    assert!(
        text.contains("    output.completion 实际完成率: 分值 15 → 10, 得分 15.00 → 10.00\n"),
        "{text}"
    );
    assert!(
        text.contains("    output.timeliness 完成及时率: 分值 5 → 10\n"),
        "{text}"
    );
    assert!(!text.contains("等级"), "the grade stays 中: {text}");
    assert!(
        text.ends_with("0 个单位未变, 1 个有变化, 0 个新单位\n"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        recorded,
        "not accepted: unchanged"
    );

    let (code, _) = run(&moved, &dir, true);
    assert_eq!(code, 0);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("total = \"66.42\"\n")
    );
    let (code, text) = run(&moved, &dir, false);
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("未变 "));
    // The others' files as they were.
    assert_eq!(
        std::fs::read_to_string(dir.join("说明.txt")).unwrap(),
        "参考单位的快照"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("other.snapshot.toml")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn a_file_jixiao_did_not_write_is_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snapshots");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("lusong-kexie-2024.snapshot.toml");
    std::fs::write(&file, "# my own notes\n").unwrap();
    let mut cmd = jixiao();
    cmd.args(["snapshot", "--rules", HUNAN, SAMPLE, "--accept", "--dir"])
        .arg(&dir);
    let output = cmd.output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("not a snapshot jixiao wrote"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# my own notes\n");
}
