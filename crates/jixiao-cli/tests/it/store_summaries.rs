//! Summaries of a run with a results store (issue 16, item 4): last year's grade, total and the
//! change beside each unit, a note where last year's rule set is another, and the grade
//! transition table since last year, in summary.csv, summary.md, index.html and summary.xlsx. A
//! run without a store shows none of it.
//!
//! The units are the sample (lusong-kexie) with figures changed, each variant's total by hand
//! under configs/hunan-department.toml (可得分值 90: 完成及时率 and 质量达标率 are dropped):
//! - v0, the sample: 原始得分 61.45, 61.45 × 100 / 90 = 68.2777… → 68.28 中;
//! - v1, with 三公经费 1.2 (上年 1.5): 三公经费变动率 (1.2 − 1.5) / 1.5 ≤ 0 scores its full 8,
//!   61.45 + 8 = 69.45, 69.45 × 100 / 90 = 77.1666… → 77.17 中;
//! - v2, v1 with 年初预算 85.33 (= 全年预算数): 预算调整率 0% scores 预算控制率's full 5 (not 2),
//!   69.45 + 3 = 72.45, 72.45 × 100 / 90 = 80.50 良.
//!
//! Under configs/hunan-department-district.toml (实际完成率 17, 质量达标率 3, 预算完成率 −2.5 a
//! step) v0 scores 7 + 39.44 + 17 = 63.44 of 可得分值 100 − 5 − 3 = 92: 63.44 × 100 / 92 =
//! 68.956… → 68.96 中.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader as _, Xlsx, open_workbook};

use crate::common::{HUNAN, SAMPLE, csv_rows, jixiao, root};

const DISTRICT: &str = "configs/hunan-department-district.toml";

/// The sample as unit `name` (单位编码 `code`) of `year`, variant 0, 1 or 2 (see above).
fn unit(dir: &Path, name: &str, code: &str, year: u16, variant: u8) -> PathBuf {
    let mut text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    for (from, to) in [
        (
            "name = \"株洲市芦淞区科学技术协会\"",
            format!("name = \"{name}\"\ncode = \"{code}\""),
        ),
        ("year = 2024", format!("year = {year}")),
    ] {
        assert!(text.contains(from), "the sample contains {from:?}");
        text = text.replacen(from, &to, 1);
    }
    if variant >= 2 {
        assert!(text.contains("opening = 69.16"));
        text = text.replacen("opening = 69.16", "opening = 85.33", 1);
    }
    if variant >= 1 {
        text.push_str("\n[base]\nthree_public = 1.2\nthree_public_last_year = 1.5\n");
    }
    let path = dir.join(format!("{code}-{year}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

fn score(rules: &str, db: Option<&Path>, out: &Path, units: &[PathBuf]) {
    let mut cmd = jixiao();
    cmd.args(["score", "--rules", rules, "--out"]).arg(out);
    if let Some(db) = db {
        cmd.arg("--db").arg(db);
    }
    cmd.args(units).env_remove("JIXIAO_DB").assert().code(0);
}

/// The rows of summary.csv by 单位.
fn by_unit(out: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    csv_rows(&out.join("summary.csv"))
        .into_iter()
        .map(|row| (row["单位"].clone(), row))
        .collect()
}

/// 2023: 甲 v0, 乙 v1, 丙 v2 under hunan-department, 丁 v0 under the district variant; 2024, all
/// under hunan-department: 甲 v1 (up, 中 → 中), 乙 v2 (中 → 良), 丙 v0 (良 → 中), 丁 v0 (last year
/// under another rule set) and 戊 v2, new.
fn two_years(dir: &Path) -> PathBuf {
    let db = dir.join("results.db");
    let y2023 = dir.join("2023");
    let y2024 = dir.join("2024");
    std::fs::create_dir_all(&y2023).unwrap();
    std::fs::create_dir_all(&y2024).unwrap();
    score(
        HUNAN,
        Some(&db),
        &dir.join("out-2023"),
        &[
            unit(&y2023, "甲", "C1", 2023, 0),
            unit(&y2023, "乙", "C2", 2023, 1),
            unit(&y2023, "丙", "C3", 2023, 2),
        ],
    );
    score(
        DISTRICT,
        Some(&db),
        &dir.join("out-2023-district"),
        &[unit(&y2023, "丁", "C4", 2023, 0)],
    );
    let units = [
        unit(&y2024, "甲", "C1", 2024, 1),
        unit(&y2024, "乙", "C2", 2024, 2),
        unit(&y2024, "丙", "C3", 2024, 0),
        unit(&y2024, "丁", "C4", 2024, 0),
        unit(&y2024, "戊", "C5", 2024, 2),
    ];
    score(HUNAN, Some(&db), &dir.join("out-2024"), &units);
    score(HUNAN, None, &dir.join("out-2024-no-store"), &units);
    dir.join("out-2024")
}

#[test]
fn summaries_show_last_years_grade_total_and_change_beside_each_unit() {
    let dir = tempfile::tempdir().unwrap();
    let out = two_years(dir.path());

    // The first year: the store held nothing, so every unit is 上年无记录, never a made-up 0.
    let first = by_unit(&dir.path().join("out-2023"));
    assert_eq!(first["甲"]["复核总分"], "68.28");
    assert_eq!(first["乙"]["复核总分"], "77.17");
    assert_eq!(first["丙"]["复核总分"], "80.50");
    for row in first.values() {
        assert_eq!(row["上年等级"], "上年无记录");
        assert_eq!(row["上年总分"], "");
        assert_eq!(row["总分变化"], "");
    }
    assert_eq!(
        by_unit(&dir.path().join("out-2023-district"))["丁"]["复核总分"],
        "68.96"
    );

    let rows = by_unit(&out);
    // (unit, this year, grade, last year's grade, last year's total, change)
    let expected = [
        ("甲", "77.17", "中", "中", "68.28", "+8.89"), // 77.17 − 68.28 = 8.89
        ("乙", "80.50", "良", "中", "77.17", "+3.33"), // 80.50 − 77.17 = 3.33
        ("丙", "68.28", "中", "良", "80.50", "-12.22"), // 68.28 − 80.50 = −12.22
        ("丁", "68.28", "中", "中", "68.96", "-0.68"), // 68.28 − 68.96 = −0.68
    ];
    for (name, total, grade, last_grade, last_total, change) in expected {
        let row = &rows[name];
        assert_eq!(row["复核总分"], total, "{name}");
        assert_eq!(row["等级"], grade, "{name}");
        assert_eq!(row["上年等级"], last_grade, "{name}");
        assert_eq!(row["上年总分"], last_total, "{name}");
        assert_eq!(row["总分变化"], change, "{name}");
    }
    // Only 丁 was scored under another rule set last year, and its note says so.
    for name in ["甲", "乙", "丙", "戊"] {
        assert_eq!(rows[name]["上年说明"], "", "{name}");
    }
    assert_eq!(
        rows["丁"]["上年说明"],
        "上年按另一评分规则 hunan-department-district v2024.1 评分, 总分变化不是同口径的比较"
    );
    // 戊 is new: no record, no total, no change.
    assert_eq!(rows["戊"]["复核总分"], "80.50");
    assert_eq!(rows["戊"]["上年等级"], "上年无记录");
    assert_eq!(rows["戊"]["上年总分"], "");
    assert_eq!(rows["戊"]["总分变化"], "");

    // The columns stand after 等级, before 自评总分.
    let text = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("复核总分,等级,上年等级,上年总分,总分变化,上年说明,自评总分"),
        "{header}"
    );

    // Without a store: none of it.
    let plain = std::fs::read_to_string(dir.path().join("out-2024-no-store/summary.csv")).unwrap();
    assert!(!plain.contains("上年"), "{}", plain.lines().next().unwrap());
    let plain_md =
        std::fs::read_to_string(dir.path().join("out-2024-no-store/summary.md")).unwrap();
    assert!(!plain_md.contains("上年"));
    let plain_html =
        std::fs::read_to_string(dir.path().join("out-2024-no-store/index.html")).unwrap();
    assert!(!plain_html.contains("上年"));
    let plain_book: Xlsx<_> =
        open_workbook(dir.path().join("out-2024-no-store/summary.xlsx")).unwrap();
    assert!(!plain_book.sheet_names().contains(&"等级变化".to_owned()));
}

/// The transition matrix of the 2024 run: rows 上年 (优 良 中 差, 上年无记录), columns 本年
/// (优 良 中 差), a 合计 column.
/// - 中 → 中: 甲 and 丁 (2); 中 → 良: 乙 (1); so row 中 is 0, 1, 2, 0, 合计 3;
/// - 良 → 中: 丙, row 良 is 0, 0, 1, 0, 合计 1;
/// - 上年无记录 → 良: 戊, 0, 1, 0, 0, 合计 1; 优 and 差 hold no unit.
#[test]
fn the_grade_transitions_since_last_year_are_in_markdown_html_and_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let out = two_years(dir.path());

    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let section = md
        .split("\n## 等级变化 (上年 → 本年)\n")
        .nth(1)
        .expect("summary.md has the transition table")
        .split("\n## ")
        .next()
        .unwrap();
    for line in [
        "| 上年 \\ 本年 | 优 | 良 | 中 | 差 | 合计 |",
        "| 优 | 0 | 0 | 0 | 0 | 0 |",
        "| 良 | 0 | 0 | 1 | 0 | 1 |",
        "| 中 | 0 | 1 | 2 | 0 | 3 |",
        "| 差 | 0 | 0 | 0 | 0 | 0 |",
        "| 上年无记录 | 0 | 1 | 0 | 0 | 1 |",
    ] {
        assert!(section.contains(line), "{line} in\n{section}");
    }
    insta::assert_snapshot!("store_summaries_transitions_md", section);
    // The ranking's row of 丙: 上年 良 80.50, 68.28 − 80.50 = −12.22.
    assert!(
        md.contains("| 68.28 | 中 | 良 | 80.50 | -12.22 | — |"),
        "{md}"
    );
    assert!(
        md.contains("| 80.50 | 良 | 上年无记录 | — | — | — |"),
        "{md}"
    );

    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<h2>等级变化 (上年 → 本年)</h2>"));
    assert!(html.contains("<th>上年 \\ 本年</th>"));
    // Row 中: 0, 1, 2, 0 and 3.
    assert!(html.contains(
        "<tr><th>中</th><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">2</td><td class=\"n\">0</td><td class=\"n\">3</td></tr>"
    ));
    assert!(html.contains("<div class=\"src muted\" title=\"上年按另一评分规则 hunan-department-district v2024.1 评分, 总分变化不是同口径的比较\">规则不同</div>"));
    assert!(html.contains("丁 (上年 <code>hunan-department-district v2024.1</code>)"));
    assert!(html.contains("上年无记录"));

    let mut book: Xlsx<_> = open_workbook(out.join("summary.xlsx")).unwrap();
    let names = book.sheet_names();
    assert_eq!(&names[..4], ["汇总", "按主管部门", "按地区", "等级变化"]);
    let sheet = book.worksheet_range("等级变化").unwrap();
    let cell = |row: u32, col: u32| sheet.get_value((row, col)).cloned().unwrap_or(Data::Empty);
    let text = |s: &str| Data::String(s.to_owned());
    // The table from row 4 (index 3): the header, then a row a grade.
    assert_eq!(cell(3, 0), text("上年 \\ 本年"));
    let header: Vec<Data> = (1..=5).map(|c| cell(3, c)).collect();
    assert_eq!(header, ["优", "良", "中", "差", "合计"].map(text));
    let expected: [(&str, [f64; 5]); 5] = [
        ("优", [0.0, 0.0, 0.0, 0.0, 0.0]),
        ("良", [0.0, 0.0, 1.0, 0.0, 1.0]),
        ("中", [0.0, 1.0, 2.0, 0.0, 3.0]),
        ("差", [0.0, 0.0, 0.0, 0.0, 0.0]),
        ("上年无记录", [0.0, 1.0, 0.0, 0.0, 1.0]),
    ];
    for (k, (grade, counts)) in expected.iter().enumerate() {
        let row = 4 + k as u32;
        assert_eq!(cell(row, 0), text(grade));
        let got: Vec<Data> = (1..=5).map(|c| cell(row, c)).collect();
        assert_eq!(got, counts.map(Data::Float), "{grade}");
    }

    // The summary sheet: last year's columns beside each unit, figures as numbers.
    let sheet = book.worksheet_range("汇总").unwrap();
    let header: Vec<String> = (0..sheet.width() as u32)
        .map(|c| {
            sheet
                .get_value((0, c))
                .map(|d| d.to_string())
                .unwrap_or_default()
        })
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap() as u32;
    let unit_row = |name: &str| {
        (1..sheet.height() as u32)
            .find(|&r| sheet.get_value((r, col("单位"))) == Some(&text(name)))
            .unwrap()
    };
    let value = |unit: &str, column: &str| {
        sheet
            .get_value((unit_row(unit), col(column)))
            .cloned()
            .unwrap_or(Data::Empty)
    };
    assert_eq!(value("丙", "上年等级"), text("良"));
    assert_eq!(value("丙", "上年总分"), Data::Float(80.5));
    // 68.28 − 80.50 = −12.22
    assert_eq!(value("丙", "总分变化"), Data::Float(-12.22));
    // 77.17 − 68.28 = 8.89
    assert_eq!(value("甲", "总分变化"), Data::Float(8.89));
    assert_eq!(value("戊", "上年等级"), text("上年无记录"));
    assert_eq!(value("戊", "上年总分"), Data::Empty);
    assert_eq!(value("戊", "总分变化"), Data::Empty);
    assert_eq!(
        value("丁", "上年说明"),
        text("上年按另一评分规则 hunan-department-district v2024.1 评分, 总分变化不是同口径的比较")
    );
}
