//! The re-review (复核) from the command line (docs/round.md): the sample, the reviewer workbook,
//! the reviewed scores applied with their reasons, and the review summary.

use predicates::str::contains;

use crate::common::{HUNAN, SAMPLE, csv_rows, generate, jixiao, root};

/// A reviewer workbook for the sample unit filled by a reviewer (张会计师, 2025年4月15日) and saved
/// again by LibreOffice: 预算控制率 2 → 3 and 三公经费变动率 0 → 4, each with a reason
/// (crates/jixiao-review/tests/workbook.rs reads it cell by cell).
const FILLED: &str = "crates/jixiao-review/tests/fixtures/filled-saved-by-libreoffice.xlsx";

#[test]
fn reviewed_scores_are_applied_with_their_reasons_and_summed_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("final");
    jixiao()
        .args([
            "score", "--rules", HUNAN, SAMPLE, "--review", FILLED, "--out",
        ])
        .arg(&out)
        .assert()
        .code(0);
    let card: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("scorecards/lusong-kexie-2024.json")).unwrap(),
    )
    .unwrap();
    // The system's: raw 61.453123… over the 90 points that apply, × 100 / 90 = 68.28. The
    // reviewer raises 预算控制率 by 1 and 三公经费变动率 by 4: (61.453123… + 5) × 100 / 90
    // = 73.8368… → 73.84, still 中 (60 to 80).
    assert_eq!(card["total"], "68.28");
    assert_eq!(card["review"]["total"], "73.84");
    assert_eq!(card["review"]["grade"], "中");
    let changes = card["review"]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["indicator"], "input.planning.budget_control");
    assert_eq!(changes[0]["system"], "2.00");
    assert_eq!(changes[0]["system_exact"], "2");
    assert_eq!(changes[0]["reviewed"], "3.00");
    assert_eq!(changes[0]["reviewed_exact"], "3");
    // The final total's exact value beside it; the leaves as shown, 61.45 + 5 = 66.45, × 100 /
    // 90 = 73.8333… → 73.83, not the total shown: the review says so.
    assert_eq!(card["review"]["shown_sum"]["total"], "73.83");
    assert_eq!(
        changes[0]["reason"],
        "调整率按追加预算文件核实为 15%, 应得 3 分"
    );
    assert_eq!(changes[0]["reviewer"], "张会计师");
    assert_eq!(changes[0]["date"], "2025年4月15日");
    let markdown = std::fs::read_to_string(out.join("scorecards/lusong-kexie-2024.md")).unwrap();
    assert!(markdown.contains("复核记录"), "{markdown}");
    assert!(
        markdown.contains(
            "复核后各项得分四舍五入显示, 合计按未舍入的得分计算, 故各项之和 66.45 折算后为 73.83, 与总分 73.84 相差 0.01"
        ),
        "{markdown}"
    );
    // The review summary: by indicator, 2 changes, both raised (a deduction of −1 and −4).
    let by_indicator = csv_rows(&out.join("复核汇总-按指标.csv"));
    assert_eq!(by_indicator.len(), 2, "{by_indicator:?}");
    let control = by_indicator
        .iter()
        .find(|r| r["指标"] == "预算控制率")
        .unwrap();
    assert_eq!(control["扣减合计"], "-1.00");
    // The summaries show the final total and grade beside the system's.
    let rows = csv_rows(&out.join("summary.csv"));
    assert_eq!(rows[0]["复核总分"], "68.28");
    assert_eq!(rows[0]["复核后总分"], "73.84");
    assert_eq!(rows[0]["复核后等级"], "中");
    let summary = std::fs::read_to_string(out.join("复核汇总.md")).unwrap();
    assert!(summary.contains("复核没有改变任何单位的等级"), "{summary}");
    // summary.xlsx: the final scores per indicator, beside the system's and the unit's own.
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(out.join("summary.xlsx")).unwrap();
    assert!(book.sheet_names().contains(&"复核得分".to_owned()));
    // And the review summary, last.
    assert_eq!(
        book.sheet_names().last().map(String::as_str),
        Some("复核汇总")
    );
    let sheet = book.worksheet_range("复核得分").unwrap();
    let header: Vec<String> = (0..sheet.width())
        .map(|c| {
            sheet
                .get_value((0, c as u32))
                .map(|d| d.to_string())
                .unwrap_or_default()
        })
        .collect();
    let column = |prefix: &str| header.iter().position(|h| h.contains(prefix)).unwrap() as u32;
    let value = |col: u32| {
        sheet
            .get_value((1, col))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    assert_eq!(value(2), "73.84");
    assert_eq!(value(column("预算控制率")), "3");
    assert_eq!(value(column("三公经费变动率")), "4");
}

#[test]
fn a_review_of_another_rule_set_or_of_a_unit_not_in_the_round_is_refused() {
    // Another rule set: the workbook was made for hunan-department v2024.1.
    jixiao()
        .args([
            "score",
            "--rules",
            "configs/national-project.toml",
            "tests/fixtures/units/project",
            "--review",
            FILLED,
            "-f",
            "json",
        ])
        .assert()
        .code(2)
        .stderr(contains("hunan-department"));
    // A round without the reviewed unit.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("另一单位.toml");
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    std::fs::write(
        &other,
        text.replacen(
            "name = \"株洲市芦淞区科学技术协会\"",
            "name = \"芦淞区另一单位\"",
            1,
        ),
    )
    .unwrap();
    jixiao()
        .args(["score", "--rules", HUNAN, "--review", FILLED, "-f", "json"])
        .arg(&other)
        .assert()
        .code(2)
        .stderr(contains(
            "!复核!G7: 复核的单位「株洲市芦淞区科学技术协会」(2024 年) 不在本轮的单位中",
        ));
}

#[test]
fn the_sample_is_reproducible_and_the_workbook_is_written_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let units = generate(dir.path(), 60);
    let round = dir.path().join("round");
    jixiao()
        .args(["score", "--rules", HUNAN, "--input"])
        .arg(&units)
        .arg("--out")
        .arg(&round)
        .assert()
        .code(0);
    let sample = |seed: &str, name: &str| {
        let path = dir.path().join(name);
        jixiao()
            .args(["review", "sample", "--round"])
            .arg(&round)
            .args([
                "--share",
                "0.2",
                "--seed",
                seed,
                "--gap-above",
                "5",
                "--out",
            ])
            .arg(&path)
            .assert()
            .code(0);
        path
    };
    let first = sample("7", "a.csv");
    let again = sample("7", "b.csv");
    let other = sample("8", "c.csv");
    let read = |p: &std::path::Path| std::fs::read(p).unwrap();
    assert_eq!(read(&first), read(&again), "the same seed, the same sample");
    let rows = csv_rows(&first);
    assert!(!rows.is_empty());
    // Every unit picked says why; the random ones say from which stratum.
    assert!(rows.iter().all(|r| !r["抽取原因"].is_empty()), "{rows:?}");
    let random = |rows: &[std::collections::BTreeMap<String, String>]| -> Vec<String> {
        rows.iter()
            .filter(|r| r["抽取原因"].contains("随机"))
            .map(|r| r["单位"].clone())
            .collect()
    };
    assert_ne!(
        random(&rows),
        random(&csv_rows(&other)),
        "another seed, other random picks"
    );
    // The workbook for the sample, one per 主管部门, each read back with no score changed yet.
    let books = dir.path().join("books");
    jixiao()
        .args(["review", "workbook", "--rules", HUNAN, "--round"])
        .arg(&round)
        .arg("--sample")
        .arg(&first)
        .args(["--by-supervisor", "--reviewer", "张会计师", "--out"])
        .arg(&books)
        .assert()
        .code(0);
    let mut read_back = 0;
    for entry in std::fs::read_dir(&books).unwrap() {
        let filled = jixiao_review::workbook::read(&entry.unwrap().path()).unwrap();
        assert_eq!(filled.rule_set_id, "hunan-department");
        assert!(filled.scores.is_empty());
        read_back += 1;
    }
    assert!(read_back >= 1);
}
