//! A bureau's round end to end (docs/round.md): collect a folder, check it, send back, take the
//! resubmissions against the earlier round, score. Each step of docs/round.md is exercised here.

use std::path::Path;

use predicates::prelude::PredicateBooleanExt as _;
use predicates::str::contains;

use crate::common::{HUNAN, REPORT, SAMPLE, csv_rows, jixiao, root};

/// The sample with `edits` (from, to) applied, written to `path`.
fn sample(path: &Path, edits: &[(&str, &str)]) {
    let mut text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "the sample contains {from:?}");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(path, text).unwrap();
}

const NAME: &str = "name = \"株洲市芦淞区科学技术协会\"";
const OPENING: &str = "opening = 69.16";

/// Round 1 as collected: the 科协 sent a unit file (年初预算数 typed as 60, not 69.16) and its
/// report (the same unit twice); another unit's file has a negative amount; a third is sound; a
/// Word 97 file cannot be read.
fn round_one(dir: &Path) -> std::path::PathBuf {
    let round = dir.join("round-1");
    std::fs::create_dir(&round).unwrap();
    sample(&round.join("科协.toml"), &[(OPENING, "opening = 60")]);
    std::fs::copy(root().join(REPORT), round.join("科协.txt")).unwrap();
    sample(
        &round.join("另一单位.toml"),
        &[
            (NAME, "name = \"芦淞区另一单位\""),
            (OPENING, "opening = -5"),
        ],
    );
    sample(
        &round.join("第三单位.toml"),
        &[(NAME, "name = \"芦淞区第三单位\"")],
    );
    std::fs::copy(
        root().join("tests/fixtures/unreadable/hn-lusong-kexie-2024-zibiao.doc"),
        round.join("自评报告.doc"),
    )
    .unwrap();
    round
}

#[test]
fn a_round_is_checked_sent_back_and_scored_with_its_resubmissions() {
    let dir = tempfile::tempdir().unwrap();
    let round = round_one(dir.path());

    // Check (校验): the files that cannot be read or parsed get a 退回清单 each.
    let checked = dir.path().join("checked-1");
    jixiao()
        .args(["validate", "--out"])
        .arg(&checked)
        .arg(&round)
        .assert()
        .code(1)
        .stderr(contains("wrote 2 退回清单"));
    let items = csv_rows(&checked.join("退回清单.csv"));
    assert_eq!(items.len(), 2, "{items:?}");
    let negative = items.iter().find(|i| i["单位"] == "另一单位").unwrap();
    assert_eq!(negative["类别"], "须更正");
    assert_eq!(negative["位置"], "第 64 行, 年初预算数");
    assert_eq!(negative["问题"], "年初预算数为负数 -5");
    assert_eq!(negative["要求"], "填写 0 或正数");
    let word = items.iter().find(|i| i["单位"] == "自评报告").unwrap();
    assert_eq!(
        word["问题"],
        "Word 97-2003 文档 (.doc) 无法读取: 请另存为 .docx 或带文字的 PDF"
    );
    let page = std::fs::read_to_string(checked.join("退回清单/另一单位.html")).unwrap();
    assert!(page.contains("有以下 1 处问题"), "{page}");
    assert!(!page.contains("budget.opening"), "no internal ids: {page}");

    // Score (评分): the 科协 is scored once, from its unit file (数据文件 over 报告), the report
    // listed as a duplicate; the unreadable and the invalid are listed; exit 1.
    let out = dir.path().join("results-1");
    jixiao()
        .args(["score", "--rules", HUNAN, "--out"])
        .arg(&out)
        .arg(&round)
        .assert()
        .code(1)
        .stderr(contains("重复报送"))
        .stderr(contains("科协.txt (报告) 未评分"))
        .stderr(contains("1 submissions not scored"));
    let rows = csv_rows(&out.join("summary.csv"));
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows.iter().all(|r| !r["来源"].ends_with("科协.txt")));
    let kexie = rows
        .iter()
        .find(|r| r["来源"].ends_with("科协.toml"))
        .unwrap();
    // 预算控制率 = |85.33 − 60| / 60 = 42.22 % > 30 %: 0 of 5 points, where 69.16 gave 2
    // (23.38 %). The raw sum 61.45 − 2 = 59.45 over the 90 points that apply: 59.45 × 100 / 90
    // = 66.055… → 66.06.
    assert_eq!(kexie["复核总分"], "66.06");
    let third = rows.iter().find(|r| r["单位"] == "芦淞区第三单位").unwrap();
    assert_eq!(third["复核总分"], "68.28");
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(summary.contains("重复报送 1 份, 未评分"), "{summary}");
    // The error column is in Chinese, without the file's path (it has a column of its own).
    let failed = rows
        .iter()
        .find(|r| r["来源"].ends_with("另一单位.toml"))
        .unwrap();
    assert_eq!(failed["错误"], "第 64 行, 年初预算数: 年初预算数为负数 -5");
    // What goes back: the two that could not be scored, and the hard findings of the scored.
    let items = csv_rows(&out.join("退回清单.csv"));
    let units: std::collections::BTreeSet<&str> =
        items.iter().map(|i| i["单位"].as_str()).collect();
    assert_eq!(
        units.into_iter().collect::<Vec<_>>(),
        [
            "另一单位",
            "株洲市芦淞区科学技术协会",
            "自评报告",
            "芦淞区第三单位"
        ]
    );
    let finding = items
        .iter()
        .find(|i| i["单位"] == "株洲市芦淞区科学技术协会")
        .unwrap();
    assert_eq!(finding["类别"], "须说明");
    assert_eq!(finding["代码"], "fund_reconciliation");
    assert_eq!(
        finding["位置"],
        "专项资金第 1 项: 年初预算数、预算调整数、支出数、结余结转"
    );

    // Resubmissions (重新报送): the 科协 corrects its 年初预算数, the other unit its amount; the
    // 科协's earlier file comes again beside the new one; the Word file is not sent again.
    let round2 = dir.path().join("round-2");
    std::fs::create_dir(&round2).unwrap();
    sample(&round2.join("科协.toml"), &[]);
    std::fs::copy(round.join("科协.toml"), round2.join("科协-原件.toml")).unwrap();
    sample(
        &round2.join("另一单位.toml"),
        &[(NAME, "name = \"芦淞区另一单位\"")],
    );
    let out2 = dir.path().join("results-2");
    jixiao()
        .args([
            "score",
            "--rules",
            HUNAN,
            "--bureau",
            "株洲市芦淞区财政局",
            "--out",
        ])
        .arg(&out2)
        .arg("--previous")
        .arg(&out)
        .arg(&round2)
        .assert()
        // The Word file carried over still cannot be scored.
        .code(1)
        .stderr(contains("科协-原件.toml 为上一轮已评分的文件"))
        .stderr(contains("重复报送").not());
    let rows = csv_rows(&out2.join("summary.csv"));
    // The whole round: two resubmitted, one carried over, one still unreadable.
    assert_eq!(rows.len(), 4, "{rows:?}");
    let total = |unit: &str| {
        rows.iter()
            .find(|r| r["单位"] == unit)
            .map(|r| r["复核总分"].clone())
    };
    assert_eq!(total("株洲市芦淞区科学技术协会").as_deref(), Some("68.28"));
    assert_eq!(total("芦淞区另一单位").as_deref(), Some("68.28"));
    assert_eq!(total("芦淞区第三单位").as_deref(), Some("68.28"));
    assert!(rows.iter().any(|r| r["来源"].ends_with("自评报告.doc")));
    let card = std::fs::read_to_string(out2.join("scorecards/科协.md")).unwrap();
    assert!(card.contains("## 重新报送"), "{card}");
    assert!(card.contains("  - 年初预算数: 60 → 69.16\n"), "{card}");
    assert!(
        card.contains("得分: 上次 66.06 (中), 本次 68.28 (中)"),
        "{card}"
    );
    // The fund that does not reconcile is still there.
    assert!(card.contains("已更正 0 项, 仍未更正 1 项"), "{card}");
    let other = std::fs::read_to_string(out2.join("scorecards/另一单位.md")).unwrap();
    assert!(
        other.contains("已更正: 第 64 行, 年初预算数: 年初预算数为负数 -5"),
        "{other}"
    );
    // Both versions are kept: the earlier scorecard beside the new.
    assert!(out2.join("scorecards/上次报送/科协.json").is_file());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out2.join("scorecards/科协.json")).unwrap())
            .unwrap();
    assert_eq!(json["resubmission"]["changes"][0]["field"], "年初预算数");
    assert_eq!(json["resubmission"]["earlier_total"], "66.06");
    let summary = std::fs::read_to_string(out2.join("summary.md")).unwrap();
    assert!(summary.contains("沿用上一轮"), "{summary}");
    // The page a reviewer prints: the resubmission section, under the bureau's name.
    let page = std::fs::read_to_string(out2.join("scorecards/科协.html")).unwrap();
    assert!(page.contains("<h2>重新报送</h2>"), "{page}");
    assert!(page.contains("株洲市芦淞区财政局"), "{page}");
    let sent_back = std::fs::read_to_string(out2.join("退回清单/科协.html")).unwrap();
    assert!(
        sent_back.contains("株洲市芦淞区财政局 (盖章)"),
        "{sent_back}"
    );
}

#[test]
fn the_roster_and_the_ledger_check_who_filed_and_whose_figures_score() {
    let dir = tempfile::tempdir().unwrap();
    let round = dir.path().join("round");
    std::fs::create_dir(&round).unwrap();
    sample(
        &round.join("科协.toml"),
        &[(
            NAME,
            "name = \"株洲市芦淞区科学技术协会\"\ncode = \"430203001\"",
        )],
    );
    sample(
        &round.join("第三单位.toml"),
        &[(NAME, "name = \"芦淞区第三单位\"")],
    );
    // A unit on the roster whose file cannot be parsed, not even its [unit] table (a file whose
    // [unit] table reads has filed, and is a unit that could not be scored).
    sample(
        &round.join("另一单位.toml"),
        &[
            (NAME, "name = \"芦淞区另一单位\""),
            ("kind = \"department\"", "kind = \"整体\""),
        ],
    );
    let roster = dir.path().join("名单.csv");
    std::fs::write(
        &roster,
        "\u{feff}单位编码,单位名称,主管部门,评价类型\n\
         430203001,株洲市芦淞区科学技术协会,中共株洲市芦淞区委员会,部门整体支出\n\
         430203009,株洲市芦淞区教育局,株洲市芦淞区人民政府,部门整体支出\n\
         ,芦淞区另一单位,株洲市芦淞区人民政府,部门整体支出\n",
    )
    .unwrap();
    let ledger = root().join("crates/jixiao-round/tests/fixtures/预算一体化导出-元.csv");
    let out = dir.path().join("results");
    jixiao()
        .args(["score", "--rules", HUNAN, "--out"])
        .arg(&out)
        .arg("--roster")
        .arg(&roster)
        .arg("--ledger")
        .arg(&ledger)
        .arg(&round)
        .assert()
        .code(1)
        .stderr(contains(
            "应交未交: 株洲市芦淞区教育局 (单位编码 430203009) (名单第 3 行)",
        ))
        .stderr(contains("另一单位.toml 无法读取, 可能是该单位的"))
        .stderr(contains("不在名单内: "))
        .stderr(contains(
            "第三单位.toml (芦淞区第三单位 2024年 部门整体支出)",
        ));
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(summary.contains("应交未交 2 个单位"), "{summary}");
    assert!(summary.contains("不在名单内 1 份"), "{summary}");
    let rows = csv_rows(&out.join("summary.csv"));
    let total = |unit: &str| {
        rows.iter()
            .find(|r| r["单位"] == unit)
            .map(|r| r["复核总分"].clone())
    };
    // The ledger's 全年预算数 88.00 万元 (880,000 元) scores, where the unit gave none (its
    // 财政拨款收入 85.33 stood for it): 预算执行率 12 × 85.33 / 88 = 11.635909 of 12; 预算完成率
    // 5 − 1/22 = 4.954545 (from 4.953123); the raw sum 5375.96 / 88 = 61.090455 over the 90
    // points that apply, × 100 / 90 = 67.878… → 67.88 (jixiao-round's tests, by hand).
    assert_eq!(total("株洲市芦淞区科学技术协会").as_deref(), Some("67.88"));
    // A unit without a code is not checked, and scores on its own figures.
    assert_eq!(total("芦淞区第三单位").as_deref(), Some("68.28"));
    let card: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("scorecards/科协.json")).unwrap())
            .unwrap();
    let full_year = card["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "budget.full_year")
        .unwrap();
    assert_eq!(full_year["ledger_value"], "88");
    assert_eq!(full_year["used"], "ledger");
    let third = std::fs::read_to_string(out.join("scorecards/第三单位.md")).unwrap();
    assert!(third.contains("未填写单位编码, 无法与财政数据"), "{third}");
}

#[test]
fn a_report_s_return_list_says_where_in_it_the_figures_were_read() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    jixiao()
        .args(["score", "--rules", HUNAN, "--out"])
        .arg(&out)
        .arg(REPORT)
        .assert()
        .code(0);
    let items = csv_rows(&out.join("退回清单.csv"));
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["代码"], "fund_reconciliation");
    assert_eq!(
        items[0]["位置"],
        "专项资金第 1 项: 年初预算数、预算调整数、支出数、结余结转 \
         (见 「六、资金使用及绩效情况 › （二）专项资金支出绩效情况」第 62 行)"
    );
}

/// A unit file is identified from its [unit] table alone; of a unit filed twice, a file whose
/// figures do not read is a unit that failed, and the sound file of the same unit is scored, not
/// dropped as its duplicate.
#[test]
fn a_unit_filed_twice_whose_first_file_does_not_read_is_scored_from_the_second() {
    let dir = tempfile::tempdir().unwrap();
    let round = dir.path().join("round");
    std::fs::create_dir(&round).unwrap();
    // In name order the broken file comes first: it would be the one kept.
    sample(&round.join("1-科协.toml"), &[(OPENING, "opening = -5")]);
    sample(&round.join("2-科协.toml"), &[]);
    let out = dir.path().join("out");
    jixiao()
        .args(["score", "--rules", HUNAN, "--no-scorecards", "--out"])
        .arg(&out)
        .arg(&round)
        .assert()
        .code(1)
        .stderr(contains("年初预算数为负数").or(contains("budget.opening")))
        .stderr(contains("重复报送").not());
    let rows = csv_rows(&out.join("summary.csv"));
    assert_eq!(rows.len(), 2, "{rows:?}");
    let scored = rows
        .iter()
        .find(|r| r["来源"].ends_with("2-科协.toml"))
        .unwrap();
    assert_eq!(scored["复核总分"], "68.28");
    let failed = rows
        .iter()
        .find(|r| r["来源"].ends_with("1-科协.toml"))
        .unwrap();
    assert_eq!(failed["复核总分"], "");
    assert!(failed["错误"].contains("年初预算数为负数 -5"), "{failed:?}");
}
