//! `jixiao score --out`: the files written (scorecards, summary.csv, summary.xlsx, summary.md,
//! index.html), the inputs left alone, and a rerun into the same directory.

use assert_cmd::assert::OutputAssertExt as _;
use calamine::{Data, Reader, Xlsx, open_workbook};
use predicates::prelude::*;
use predicates::str::contains;

use crate::common::{HUNAN, SAMPLE, assert_filtered_snapshot, jixiao, jixiao_snapshot, root};

#[test]
fn out_dir_gets_a_scorecard_per_unit_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    jixiao_snapshot!(
        "project_units",
        jixiao()
            .args([
                "score",
                "--rules",
                "configs/national-project.toml",
                "tests/fixtures/units/project",
            ])
            .arg("--out")
            .arg(dir.path())
    )
    .assert()
    .code(0)
    .stderr(contains("scored 2 units (优 1, 良 1)"));
    for name in [
        "scorecards/synthetic-clean-2024.json",
        "scorecards/synthetic-clean-2024.md",
        "scorecards/synthetic-clean-2024.html",
        "scorecards/synthetic-inflated-2024.json",
        "scorecards/synthetic-inflated-2024.md",
        "scorecards/synthetic-inflated-2024.html",
        "summary.md",
        "summary.xlsx",
        "index.html",
    ] {
        assert!(dir.path().join(name).is_file(), "{name} written");
    }
    let csv = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[1].contains(",95.70,优,95.70,优,0.00,0,0,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(",83.46,良,100.00,良,16.54,6,5,"),
        "{}",
        lines[2]
    );
    assert_filtered_snapshot!("project_units_summary.csv", csv);
    let markdown = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert!(markdown.contains("83.46"), "{markdown}");
    assert_filtered_snapshot!("project_units_summary.md", markdown);
}

#[test]
fn inputs_are_never_modified() {
    let before = std::fs::read(root().join(SAMPLE)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    jixiao()
        .args(["score", "--rules", HUNAN, SAMPLE, "--out"])
        .arg(dir.path())
        .assert()
        .code(0);
    assert_eq!(std::fs::read(root().join(SAMPLE)).unwrap(), before);
    assert!(predicate::path::is_file().eval(&dir.path().join("scorecards/lusong-kexie-2024.json")));
}

fn cell(sheet: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    sheet.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

#[test]
fn the_summary_workbook_ranks_units_and_lists_every_indicator_and_finding() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    jixiao()
        .args([
            "score",
            "--rules",
            "configs/national-project.toml",
            "tests/fixtures/units/project",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(0);
    let mut book: Xlsx<_> = open_workbook(out.join("summary.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "汇总",
            "按主管部门",
            "按地区",
            "指标得分",
            "自评对照",
            "发现问题"
        ]
    );

    let summary = book.worksheet_range("汇总").unwrap();
    // The units are projects: 项目 and 项目编码 after 单位编码, so 复核总分 is the 11th column.
    assert_eq!(cell(&summary, 0, 4), Data::String("项目".into()));
    assert_eq!(cell(&summary, 0, 10), Data::String("复核总分".into()));
    // Ranked: the clean project (95.70) before the inflated one (83.46).
    assert_eq!(cell(&summary, 1, 0), Data::Float(1.0));
    assert_eq!(cell(&summary, 1, 10), Data::Float(95.7));
    assert_eq!(cell(&summary, 1, 11), Data::String("优".into()));
    assert_eq!(cell(&summary, 2, 10), Data::Float(83.46));
    assert_eq!(cell(&summary, 2, 13), Data::String("良".into())); // declared grade
    assert_eq!(cell(&summary, 2, 14), Data::Float(16.54)); // declared 100 − 83.46
    assert_eq!(cell(&summary, 2, 15), Data::Float(6.0)); // hard findings

    let indicators = book.worksheet_range("指标得分").unwrap();
    assert_eq!(
        cell(&indicators, 0, 3),
        Data::String("预算执行率 (10)".into())
    );
    assert_eq!(
        cell(&indicators, 0, 4),
        Data::String("产出指标 (50)".into())
    );
    assert_eq!(cell(&indicators, 1, 3), Data::Float(9.5));
    assert_eq!(cell(&indicators, 2, 3), Data::Float(6.0));
    // The inflated unit's own scores in the same cells: 10 for 预算执行率, 100 in all.
    let own = book.worksheet_range("自评对照").unwrap();
    assert_eq!(cell(&own, 0, 2), Data::String("自评总分".into()));
    assert_eq!(cell(&own, 2, 2), Data::Float(100.0));
    assert_eq!(cell(&own, 2, 3), Data::Float(10.0));

    let findings = book.worksheet_range("发现问题").unwrap();
    assert_eq!(
        findings.height(),
        1 + 11,
        "a header and the inflated unit's eleven findings (over_achievement among them)"
    );
    assert_eq!(
        cell(&findings, 1, 3),
        Data::String("fund_reconciliation".into())
    );
    assert_eq!(
        cell(&findings, 1, 4),
        Data::String("专项资金收支不平".into())
    );
}

/// `--out` equal to or inside an input folder (by any path to it: a link, `..`) is refused before
/// anything is written: a later run over the folder would read the results as units (issue 12).
#[test]
fn an_out_folder_in_an_input_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units");
    std::fs::create_dir(&units).unwrap();
    std::fs::copy(root().join(SAMPLE), units.join("lusong.toml")).unwrap();
    std::os::unix::fs::symlink(&units, dir.path().join("alias")).unwrap();
    for out in [
        units.join("out"),
        units.clone(),
        dir.path().join("alias/deeper/out"),
        units.join("../units/x"),
    ] {
        jixiao()
            .args(["score", "--rules", HUNAN])
            .arg(&units)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(contains("the input folder"))
            .stderr(contains("would read the results as units"));
        let listing: Vec<_> = std::fs::read_dir(&units)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            listing,
            ["lusong.toml"],
            "{}: nothing written",
            out.display()
        );
    }
}

#[test]
fn a_rerun_into_the_same_directory_leaves_no_stale_scorecard() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |units: &str| {
        jixiao()
            .args([
                "score",
                "--rules",
                "configs/national-project.toml",
                units,
                "--out",
            ])
            .arg(&out)
            .assert()
            .code(0);
    };
    run("tests/fixtures/units/project");
    assert!(out.join("scorecards/synthetic-clean-2024.json").is_file());
    run("tests/fixtures/units/project/synthetic-inflated-2024.toml");
    assert!(!out.join("scorecards/synthetic-clean-2024.json").exists());
    assert!(
        out.join("scorecards/synthetic-inflated-2024.json")
            .is_file()
    );
}

/// A named pipe at `path`.
fn fifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Whether `path` is (still) a named pipe.
fn is_fifo(path: &std::path::Path) -> bool {
    use std::os::unix::fs::FileTypeExt as _;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

/// Every output replaces only a regular file: a named pipe (as a device would be: `--out
/// /dev/full` became a regular file, and as root `/dev/null` would) or a symbolic link where a
/// file is to be written is refused, with what it is, before anything is written; the pipe stays
/// a pipe, the link a link and its target unchanged (issue 12).
#[test]
fn outputs_never_replace_anything_but_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.txt");
    std::fs::write(&target, "not jixiao's").unwrap();
    let link = |name: &str| {
        let path = dir.path().join(name);
        std::os::unix::fs::symlink(&target, &path).unwrap();
        path
    };
    let pipe = |name: &str| {
        let path = dir.path().join(name);
        fifo(&path);
        path
    };
    let units = dir.path().join("units");
    std::fs::create_dir(&units).unwrap();
    fifo(&units.join("lusong-kexie-2024.toml"));
    let report = crate::common::REPORT;
    let (fifo_, link_) = ("a named pipe (FIFO)", "a symbolic link");
    // (the command line before the output path, the path, what it is said to be)
    let cases = [
        (
            format!("form --rules {HUNAN} --out"),
            pipe("form.xlsx"),
            fifo_,
        ),
        (
            format!("form --rules {HUNAN} --out"),
            link("linked.xlsx"),
            link_,
        ),
        (format!("ingest {report} --out"), pipe("draft.toml"), fifo_),
        (
            format!("ingest {report} --out"),
            link("draft-link.toml"),
            link_,
        ),
        (
            "generate -n 2 --jsonl".to_owned(),
            pipe("units.jsonl"),
            fifo_,
        ),
        (
            format!("convert {SAMPLE} --to jsonl --out"),
            link("out.jsonl"),
            link_,
        ),
        (
            format!("convert {SAMPLE} --to toml --out"),
            pipe("one.toml"),
            fifo_,
        ),
        // A folder of unit files with a pipe where one of them goes: none is written.
        (
            format!("convert {SAMPLE} --to toml --out"),
            units.clone(),
            fifo_,
        ),
        (
            format!("score --rules {HUNAN} {SAMPLE} --out"),
            pipe("results"),
            fifo_,
        ),
    ];
    for (args, out, what) in cases {
        jixiao()
            .args(args.split_whitespace())
            .arg(&out)
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(2)
            .stderr(contains(what));
        let name = out.display();
        if out == units {
            assert!(is_fifo(&units.join("lusong-kexie-2024.toml")), "{name}");
        } else if what == link_ {
            assert!(out.is_symlink(), "{name} is still a link");
        } else {
            assert!(is_fifo(&out), "{name} is still a pipe");
        }
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "not jixiao's");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "no temporary file left: {left:?}");
}

/// `score --out` into an existing folder holding files jixiao did not write (someone's own
/// summary.csv) is refused, naming them, and nothing there is touched; one that a run wrote (its
/// manifest lists every file) is replaced, as is an empty one; a file added to a run's folder
/// since makes it someone's again (issue 12).
#[test]
fn a_folder_with_files_jixiao_did_not_write_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("summary.csv"), "their own\n").unwrap();
    std::fs::write(theirs.join("notes.txt"), "notes\n").unwrap();
    let score = |out: &std::path::Path| {
        jixiao()
            .args(["score", "--rules", HUNAN, SAMPLE, "--out"])
            .arg(out)
            .assert()
    };
    score(&theirs)
        .code(2)
        .stderr(contains(
            "holds files jixiao did not write (notes.txt, summary.csv)",
        ))
        .stderr(contains("give a new or empty folder"));
    assert_eq!(
        std::fs::read_to_string(theirs.join("summary.csv")).unwrap(),
        "their own\n"
    );
    assert_eq!(std::fs::read_dir(&theirs).unwrap().count(), 2);
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    score(&empty).code(0);
    let manifest = std::fs::read_to_string(empty.join(".jixiao-output")).unwrap();
    for file in [
        "index.html",
        "summary.csv",
        "summary.md",
        "summary.xlsx",
        "scorecards/lusong-kexie-2024.json",
        "scorecards/lusong-kexie-2024.md",
        "scorecards/lusong-kexie-2024.html",
    ] {
        assert!(manifest.lines().any(|l| l == file), "{file} in {manifest}");
        assert!(empty.join(file).is_file(), "{file} written");
    }
    score(&empty).code(0);
    std::fs::write(empty.join("scorecards/mine.txt"), "mine\n").unwrap();
    score(&empty).code(2).stderr(contains(
        "holds files jixiao did not write (scorecards/mine.txt)",
    ));
    assert!(empty.join("scorecards/mine.txt").is_file());
    // A run that finds no unit leaves the folder as it was, and nothing beside it.
    std::fs::remove_file(empty.join("scorecards/mine.txt")).unwrap();
    let before = std::fs::read(empty.join("summary.csv")).unwrap();
    let nothing = tempfile::tempdir().unwrap();
    jixiao()
        .args(["score", "--rules", HUNAN, "--out"])
        .arg(&empty)
        .arg(nothing.path())
        .assert()
        .code(2)
        .stderr(contains("no units were found"));
    assert_eq!(std::fs::read(empty.join("summary.csv")).unwrap(), before);
    let siblings: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(siblings.len(), 2, "nothing left beside: {siblings:?}");
}

/// Every file under `dir`, by relative path, with its bytes.
fn contents(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().display().to_string();
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// A run killed during its final writes (here: just before its folder is swapped in, by the
/// test's switch) leaves `--out` exactly as the previous run left it, its CSV, Markdown, HTML and
/// workbook together, never the new CSV beside the old workbook; the new results are whole in
/// a hidden folder beside it (issue 12).
#[test]
fn an_interrupted_run_leaves_the_previous_results_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |units: &str| {
        let mut cmd = jixiao();
        cmd.args([
            "score",
            "--rules",
            "configs/national-project.toml",
            units,
            "--out",
        ])
        .arg(&out);
        cmd
    };
    run("tests/fixtures/units/project").assert().code(0);
    let before = contents(&out);
    assert!(before.contains_key("summary.xlsx"), "{:?}", before.keys());
    run("tests/fixtures/units/project/synthetic-inflated-2024.toml")
        .env("JIXIAO_TEST_INTERRUPT_BEFORE_SWAP", "1")
        .assert()
        .code(137);
    assert_eq!(contents(&out), before, "the earlier results, untouched");
    let staged: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".out.jixiao-new-")
        })
        .collect();
    assert_eq!(staged.len(), 1, "{staged:?}");
    let new = contents(&staged[0]);
    assert_eq!(
        String::from_utf8_lossy(&new["summary.csv"]).lines().count(),
        2,
        "the new results, whole, beside"
    );
    assert!(new.contains_key(".jixiao-output") && new.contains_key("summary.xlsx"));
    // The next run replaces the earlier results whole: no scorecard of the first run's outlives it.
    run("tests/fixtures/units/project/synthetic-inflated-2024.toml")
        .assert()
        .code(0);
    let after = contents(&out);
    assert_eq!(
        String::from_utf8_lossy(&after["summary.csv"])
            .lines()
            .count(),
        2
    );
    assert!(!after.contains_key("scorecards/synthetic-clean-2024.json"));
}

/// `--out` a link to a folder: the folder is written, the link stays.
#[test]
fn an_out_folder_given_by_a_link_stays_linked() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    for _ in 0..2 {
        jixiao()
            .args(["score", "--rules", HUNAN, SAMPLE, "--out"])
            .arg(&link)
            .assert()
            .code(0);
    }
    assert!(link.is_symlink());
    assert!(real.join("summary.csv").is_file());
}

/// An output that is one of the inputs (by any path) is refused: inputs are never modified.
#[test]
fn an_output_that_is_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let units = crate::common::generate(dir.path(), 3);
    let report = dir.path().join("report.txt");
    std::fs::copy(root().join(crate::common::REPORT), &report).unwrap();
    let (jsonl, text) = (
        std::fs::read(&units).unwrap(),
        std::fs::read(&report).unwrap(),
    );
    jixiao()
        .arg("convert")
        .arg(&units)
        .args(["--to", "jsonl", "--out"])
        .arg(dir.path().join("./units.jsonl"))
        .assert()
        .code(2)
        .stderr(contains("it is the input"));
    jixiao()
        .arg("ingest")
        .arg(&report)
        .arg("--out")
        .arg(&report)
        .assert()
        .code(2)
        .stderr(contains("inputs are never modified"));
    assert_eq!(std::fs::read(&units).unwrap(), jsonl);
    assert_eq!(std::fs::read(&report).unwrap(), text);
}
