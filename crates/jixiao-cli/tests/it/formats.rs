//! A round folder as units send it: files that cannot be read are listed with their reason and
//! make the exit status 1, files that are plainly not submissions are skipped and counted, never
//! a file passed over in silence; a GBK report is scored like the UTF-8 one.

use std::path::{Path, PathBuf};

use assert_cmd::assert::OutputAssertExt as _;
use calamine::{Data, Reader as _, Xlsx, open_workbook};
use predicates::str::contains;

use crate::common::{HUNAN, SAMPLE, jixiao, jixiao_snapshot, root};

/// tests/fixtures/formats/`name`.
fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/formats").join(name)
}

/// A round folder: a good unit file, a Word 97-2003 report, a scanned page as a picture, and
/// what is no submission: an Office lock file, a hidden file, `Thumbs.db`, a hidden folder.
fn round(dir: &Path) -> PathBuf {
    let round = dir.join("round");
    std::fs::create_dir_all(round.join(".git")).unwrap();
    std::fs::copy(root().join(SAMPLE), round.join("lusong-kexie-2024.toml")).unwrap();
    std::fs::copy(fixture("report.doc"), round.join("自评报告.doc")).unwrap();
    std::fs::copy(fixture("scan.png"), round.join("扫描件.png")).unwrap();
    std::fs::write(round.join("~$自评报告.docx"), b"lock").unwrap();
    std::fs::write(round.join(".notes"), b"hidden").unwrap();
    std::fs::write(round.join("Thumbs.db"), b"\0\0").unwrap();
    std::fs::write(round.join(".git/config"), b"[core]\n").unwrap();
    round
}

const DOC: &str = "自评报告.doc: Word 97-2003 文档 (.doc) 无法读取: 请另存为 .docx 或带文字的 PDF";
const PNG: &str = "扫描件.png: 图片 (.png) 无法读取: 请提供 Word 文档或带文字的 PDF";
const SKIPPED: &str =
    "跳过 4 个非报送文件 (隐藏文件夹 1, 隐藏文件 1, 系统文件 1, Office 锁定文件 1)";

#[test]
fn a_folder_lists_the_files_it_cannot_read_and_counts_those_that_are_no_submission() {
    let dir = tempfile::tempdir().unwrap();
    let round = round(dir.path());
    let out = dir.path().join("out");
    jixiao_snapshot!(
        "unreadable_files_in_a_round",
        jixiao()
            .args(["score", "--rules", HUNAN, "--out"])
            .arg(&out)
            .arg(&round)
    )
    .assert()
    .code(1)
    .stderr(contains(DOC))
    .stderr(contains(PNG))
    .stderr(contains("scored 1 units (中 1)"))
    .stderr(contains(
        "2 of 3 units could not be scored; 2 files not read",
    ))
    .stderr(contains(format!("note: {SKIPPED}")));

    // Every summary has a row for each file not read, with its reason, and says what was skipped.
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3, "{csv}");
    // The error column gives the reason; the file has its own column.
    for reason in [DOC, PNG] {
        let reason = reason.split_once(": ").unwrap().1;
        assert!(csv.contains(reason), "{reason} in {csv}");
    }
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let notes = &md[md.find("## 说明").expect("notes")..];
    assert_eq!(
        notes,
        format!(
            "## 说明\n\n- 未能读取 2 个文件 (格式、编码或无文字层, 原因见「未能评分」)\n- {SKIPPED}\n"
        )
    );
    // Under 未能评分, each file and its reason (not the file's path again).
    assert!(md.contains(&DOC.replacen(": ", "`: ", 1)), "{md}");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains(&format!("{SKIPPED}。")), "{html}");
    assert!(html.contains(&PNG.replacen(": ", "</code>: ", 1)), "{html}");
    let mut book: Xlsx<_> = open_workbook(out.join("summary.xlsx")).unwrap();
    let summary = book.worksheet_range("汇总").unwrap();
    let text = |row: u32, col: u32| match summary.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    };
    // A header, the scored unit, the two files not read (in name order); a blank row; the notes.
    assert_eq!(text(1, 2), "株洲市芦淞区科学技术协会");
    // 错误 is the last column (排名 … 读取完整度, 错误: no project among the units), with the
    // reason alone (the file has its column).
    let reason = |line: &'static str| line.split_once(": ").unwrap().1;
    assert_eq!(text(0, 16), "错误");
    assert_eq!(text(2, 16), reason(PNG));
    assert_eq!(text(3, 16), reason(DOC));
    assert_eq!(text(6, 1), SKIPPED);
}

#[test]
fn without_out_the_terminal_lists_and_counts_them_too() {
    let dir = tempfile::tempdir().unwrap();
    let round = round(dir.path());
    let output = jixiao()
        .args(["score", "--rules", HUNAN, "-f", "json"])
        .arg(&round)
        .assert()
        .code(1)
        .stderr(contains(DOC))
        .stderr(contains(PNG))
        .stderr(contains(
            "2 of 3 units could not be scored; 2 files not read",
        ))
        .stderr(contains(format!("note: {SKIPPED}")))
        .get_output()
        .stdout
        .clone();
    // One JSON array of the scorecards.
    let cards: Vec<serde_json::Value> = serde_json::from_slice(&output).unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0]["total"], "68.28");
    // validate and convert say what they skipped as well.
    jixiao()
        .arg("validate")
        .arg(&round)
        .assert()
        .code(1)
        .stderr(contains("1 valid, 2 invalid"))
        .stderr(contains(format!("note: {SKIPPED}")));
}

/// A named pipe in a folder is not opened (reading it would wait for a writer for ever): skipped
/// with a warning and counted.
#[cfg(unix)]
#[test]
fn a_pipe_in_a_folder_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let round = dir.path().join("round");
    std::fs::create_dir(&round).unwrap();
    std::fs::copy(root().join(SAMPLE), round.join("lusong-kexie-2024.toml")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(round.join("pipe.txt"))
        .status()
        .unwrap();
    assert!(status.success());
    // A link to a folder is not followed, and counted.
    std::os::unix::fs::symlink(dir.path(), round.join("link")).unwrap();
    jixiao()
        .args(["score", "--rules", HUNAN])
        .arg(&round)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(0)
        .stderr(contains(
            "pipe.txt: not a regular file (a pipe, socket or device)",
        ))
        .stderr(contains(
            "note: 跳过 2 个非报送文件 (指向文件夹的链接 1, 特殊文件 (管道、套接字或设备) 1)",
        ));
}

/// The sample in GBK with Windows line endings, in a folder: scored as the UTF-8 sample is, and
/// its 数据来源 says the text was converted.
#[test]
fn a_gbk_report_in_a_folder_is_scored_and_says_its_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let round = dir.path().join("round");
    std::fs::create_dir(&round).unwrap();
    std::fs::copy(
        fixture("lusong-kexie-2024.gbk.txt"),
        round.join("lusong-kexie-2024.txt"),
    )
    .unwrap();
    jixiao_snapshot!(
        "gbk_report_in_a_folder",
        jixiao()
            .args(["score", "--rules", HUNAN, "-f", "markdown"])
            .arg(&round),
        stdout: ("the headline and the head of 数据来源", headline_and_sources)
    )
    .assert()
    .code(0)
    .stdout(contains("- **复核总分 68.28 / 100, 等级 中**"))
    .stdout(contains("\n文件编码: GBK (GB18030), 已转换为 UTF-8。\n"))
    .stdout(contains("「财政拨款收入85.33万元」"));
}

/// The scorecard's head (title to total), and the 数据来源 section's first lines.
fn headline_and_sources(stdout: &str) -> String {
    let head = stdout.lines().take(6);
    let sources = stdout
        .lines()
        .skip_while(|l| !l.starts_with("## 数据来源"))
        .take(6);
    head.chain(sources).collect::<Vec<_>>().join("\n")
}

/// The output of an earlier run inside the folder (its scorecards, its summary.xlsx; moved
/// there, as `--out` inside an input folder is refused) is no input: skipped, counted, and the
/// run scores the same units again.
#[test]
fn an_earlier_output_inside_the_folder_is_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let round = dir.path().join("round");
    std::fs::create_dir(&round).unwrap();
    std::fs::copy(root().join(SAMPLE), round.join("lusong-kexie-2024.toml")).unwrap();
    jixiao()
        .args(["score", "--rules", HUNAN, "--out"])
        .arg(dir.path().join("results"))
        .arg(&round)
        .assert()
        .code(0)
        .stderr(contains("scored 1 units (中 1)"));
    std::fs::rename(dir.path().join("results"), round.join("results")).unwrap();
    jixiao()
        .args(["score", "--rules", HUNAN, "--out"])
        .arg(dir.path().join("again"))
        .arg(&round)
        .assert()
        .code(0)
        .stderr(contains("scored 1 units (中 1)"))
        .stderr(contains("note: skipping"))
        .stderr(contains(
            "note: 跳过 1 个非报送文件 (早先评分的输出文件夹 1)",
        ));
}
