//! The HTML pages printed as a bureau prints them (issue 13): index.html of 120 units and one
//! long scorecard, printed to PDF by headless Chromium, read back page by page with pdftotext.
//! The page count is the one the print stylesheet's fixed lengths give; every page carries the
//! running header (the bureau, the rule set) and its page number; the table header repeats on
//! every page of its table; and no row is split across two pages.
//!
//! Needs Chromium and poppler-utils (pdftotext, pdfinfo), so it is ignored by a plain `cargo
//! test`; run it with `cargo test -- --include-ignored` (as CI does). Run, it fails when either
//! is missing: it never passes without having printed the pages.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use jixiao_engine::{Detail, Figure, Finding, ScoredIndicator, Severity, Status};
use jixiao_report::html::{BatchInfo, FindingCounts};
use jixiao_report::{SummaryRow, UnitSummary};
use rust_decimal::Decimal;

/// The browser: `JIXIAO_CHROMIUM`, or the first of chromium, chromium-browser and
/// google-chrome on the `PATH`. Panics when there is none.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("JIXIAO_CHROMIUM") {
        return PathBuf::from(path);
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| on_path(name))
        .expect(
            "no browser found (chromium on the PATH, or JIXIAO_CHROMIUM): apt-get install chromium",
        )
}

fn on_path(name: &str) -> Option<PathBuf> {
    let found = Command::new("which").arg(name).output().ok()?;
    found
        .status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&found.stdout).trim()))
}

/// Prints `html` (written to `dir/name.html`) to `dir/name.pdf` with the page's own margin
/// boxes (Chromium's header and footer off), and returns the text of each page, without white
/// space (pdftotext puts line breaks between table cells and drops the spaces between Chinese
/// characters).
fn print(dir: &Path, name: &str, html: &str) -> Vec<String> {
    let page = dir.join(format!("{name}.html"));
    let pdf = dir.join(format!("{name}.pdf"));
    std::fs::write(&page, html).unwrap();
    let status = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        status.status.success(),
        "chromium failed on {}",
        page.display()
    );
    on_path("pdftotext").expect("pdftotext not found: apt-get install poppler-utils");
    let info = Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    assert!(
        info.contains("841.92 x 594.96 pts (A4)"),
        "not A4 landscape: {info}"
    );
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"));
    (1..=pages)
        .map(|n| {
            let out = Command::new("pdftotext")
                .args(["-f", &n.to_string(), "-l", &n.to_string()])
                .arg(&pdf)
                .arg("-")
                .output()
                .expect("pdftotext runs");
            compact(&String::from_utf8_lossy(&out.stdout))
        })
        .collect()
}

fn compact(text: &str) -> String {
    text.split_whitespace().collect()
}

/// The pages (numbered from 1) whose text holds `needle` (its white space aside).
fn pages_with(pages: &[String], needle: &str) -> Vec<usize> {
    let needle = compact(needle);
    (1..=pages.len())
        .filter(|&n| pages[n - 1].contains(&needle))
        .collect()
}

/// A fresh folder for one test's files, under Cargo's scratch folder for tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("print-html-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const BUREAU: &str = "株洲市芦淞区财政局";

fn grades() -> Vec<String> {
    ["优", "良", "中", "差"].map(String::from).to_vec()
}

/// 120 units with long names, six 主管部门 (every tenth unit naming none) and three 地区.
fn batch() -> Vec<SummaryRow> {
    let card = common::sample_card();
    let supervisors = [
        "株洲市芦淞区教育局",
        "株洲市芦淞区卫生健康局",
        "株洲市芦淞区民政局",
        "株洲市芦淞区农业农村局",
        "株洲市芦淞区文化旅游局",
        "株洲市芦淞区科学技术局",
    ];
    let regions = [
        "湖南省株洲市芦淞区",
        "湖南省株洲市天元区",
        "湖南省株洲市荷塘区",
    ];
    (1..=120)
        .map(|i| {
            let mut unit = UnitSummary::of(&card);
            // 24 Chinese characters and three digits: two lines of the 66 mm 单位 column (22
            // characters of 8 pt a line), the unit's number on the second; its file below.
            unit.unit = format!("株洲市芦淞区科学技术协会下属科普联络服务中心第{i:03}号");
            unit.code = Some(format!("DW{i:04}"));
            unit.supervisor = (i % 10 != 0).then(|| supervisors[i % 6].to_owned());
            unit.region = Some(regions[i % 3].to_owned());
            unit.total = Decimal::new(600 + (i as i64 * 37) % 400, 1);
            unit.grade = Some(
                match unit.total {
                    t if t >= Decimal::from(90) => "优",
                    t if t >= Decimal::from(80) => "良",
                    t if t >= Decimal::from(60) => "中",
                    _ => "差",
                }
                .to_owned(),
            );
            SummaryRow {
                source: format!("units/unit-{i:03}.toml"),
                outcome: Ok(unit),
            }
        })
        .collect()
}

#[test]
#[ignore = "needs chromium and poppler-utils (apt-get install chromium poppler-utils)"]
fn the_report_of_120_units_prints_on_the_pages_its_stylesheet_gives() {
    let dir = scratch("index");
    let rows = batch();
    let card = common::sample_card();
    let mut findings = FindingCounts::default();
    findings.add(&card);
    let grades = grades();
    let info = BatchInfo {
        rule_set: &card.rule_set,
        grades: &grades,
        findings: &findings,
        notes: &[],
        bureau: Some(BUREAU),
    };
    let html = jixiao_report::html::index(&info, &rows, &vec![None; rows.len()]);
    let pages = print(&dir, "index", &html);

    // The print stylesheet's lengths, in CSS pixels (jixiao_report::html's PRINT): a page holds
    // 703 px (186 mm); a heading takes 31 px, a table's header row 22 px, a row of n lines
    // 14 n + 7 px. Page 1: the title, the charts and the sample's few findings. The ranking
    // starts a page; its rows are three lines, 49 px (the name takes two lines of the 单位
    // column, the file's name a third). Its first page holds ⌊(703 − 31 − 22) / 49⌋ = ⌊13.3⌋ = 13
    // rows, each further page (the header row repeated) ⌊(703 − 22) / 49⌋ = ⌊13.9⌋ = 13: 13 × 9 =
    // 117, and the last 3 rows on a 10th page. The groups start a page and fit on it.
    // 1 + 10 + 1 = 12 pages.
    assert_eq!(pages.len(), 12, "{pages:#?}");
    for (n, page) in pages.iter().enumerate() {
        assert!(page.contains(BUREAU), "page {}: no bureau", n + 1);
        assert!(
            page.contains(&compact(&format!("{} (v2024.1)", card.rule_set.name))),
            "page {}: no rule set",
            n + 1
        );
        assert!(
            page.contains(&format!("第{}页/共12页", n + 1)),
            "page {}: no page number in {page}",
            n + 1
        );
    }
    assert!(pages[0].contains("最常见的问题"));
    // The ranking's header on each of its pages, 单位排名 on the first only.
    for n in 2..=11 {
        let page = &pages[n - 1];
        for header in [
            "排名",
            "单位编码",
            "主管部门",
            "复核总分",
            "自评总分",
            "读取完整度",
        ] {
            assert!(page.contains(header), "page {n}: no {header} in {page}");
        }
    }
    assert_eq!(pages_with(&pages, "单位排名"), [2]);
    assert_eq!(pages_with(&pages, "按主管部门"), [12]);
    assert_eq!(pages_with(&pages, "按地区"), [12]);
    // Each row whole on one page: its code (on the row's first line), its number (on the name's
    // second line) and its file (on the third) on the same page, and on no other.
    let mut per_page = vec![0; pages.len()];
    for i in 1..=120 {
        let code = pages_with(&pages, &format!("DW{i:04}"));
        let number = pages_with(&pages, &format!("第{i:03}号"));
        assert_eq!(code.len(), 1, "DW{i:04} on pages {code:?}");
        let file = pages_with(&pages, &format!("unit-{i:03}.toml"));
        assert_eq!(
            code, number,
            "unit {i}: code on {code:?}, name on {number:?}"
        );
        assert_eq!(code, file, "unit {i}: code on {code:?}, file on {file:?}");
        per_page[code[0] - 1] += 1;
    }
    assert_eq!(per_page, [0, 13, 13, 13, 13, 13, 13, 13, 13, 13, 3, 0]);
}

/// A leaf with one line of text in each column.
fn leaf(group: usize, i: usize) -> ScoredIndicator {
    ScoredIndicator {
        id: format!("g{group}.l{i}"),
        name: format!("第{group}组指标{i:02}号"),
        points: Decimal::from(2),
        score: Decimal::ONE,
        status: Status::Scored,
        children: Vec::new(),
        self_score: Some(Decimal::from(2)),
        self_score_from: None,
        self_score_gap: Some(Decimal::ONE),
        detail: Some(Box::new(Detail {
            method: "higher_is_better".into(),
            rule: "实际/目标 × 分值".into(),
            inputs: vec![Figure::new("实际", Decimal::from(5), "次")],
            formula: "2 × 5 / 10 = 1.00".into(),
            reason: Some("未达目标".into()),
            adjustments: Vec::new(),
        })),
        reviewed: None,
    }
}

#[test]
#[ignore = "needs chromium and poppler-utils (apt-get install chromium poppler-utils)"]
fn a_long_scorecard_prints_on_the_pages_its_stylesheet_gives() {
    let dir = scratch("card");
    let mut card = common::sample_card();
    card.rescaled = None;
    card.plugins.clear();
    card.indicators = (1..=3)
        .map(|g| ScoredIndicator {
            id: format!("g{g}"),
            name: format!("第{g}组"),
            points: Decimal::from(40),
            score: Decimal::from(20),
            status: Status::Scored,
            children: (1..=20).map(|i| leaf(g, i)).collect(),
            self_score: Some(Decimal::from(40)),
            self_score_from: None,
            self_score_gap: Some(Decimal::from(20)),
            detail: None,
            reviewed: None,
        })
        .collect();
    card.findings = (1..=40)
        .map(|i| Finding {
            rule: jixiao_rules::CheckId::SelfScores.into(),
            severity: Severity::Hard,
            indicator: None,
            message: format!("第{i:02}项问题: 自评得分与按公式计算的不符"),
            figures: Vec::new(),
        })
        .collect();
    let html = jixiao_report::html::scorecard(&card, "../index.html", Some(BUREAU), None);
    let pages = print(&dir, "card", &html);

    // In CSS pixels, as above: the indicators' rows are one line, 21 px. Page 1: the heading
    // (30 + 8), three summary lines (3 × 22), the section's margin (16), its heading (31) and the
    // table's header row (22) leave 703 − 173 = 530 px: ⌊25.2⌋ = 25 rows (第1组, its 20 leaves,
    // 第2组 and 3 of its leaves). Page 2: ⌊(703 − 22) / 21⌋ = ⌊32.43⌋ = 32 rows (31 leaves and
    // 第3组), the last 6 leaves and 合计 on page 3. The findings start a page; their rows are two
    // lines (the rule's id over its name), 35 px: ⌊(703 − 31 − 22) / 35⌋ = 18 on page 4, 19 on
    // page 5, the last 3 on page 6.
    assert_eq!(pages.len(), 6, "{pages:#?}");
    for (n, page) in pages.iter().enumerate() {
        assert!(page.contains(BUREAU), "page {}: no bureau", n + 1);
        assert!(
            page.contains(&compact(&card.unit.name)),
            "page {}: no unit",
            n + 1
        );
        assert!(
            page.contains(&format!("第{}页/共6页", n + 1)),
            "page {}: no page number in {page}",
            n + 1
        );
    }
    for n in 1..=3 {
        for header in ["指标", "分值", "复核得分", "自评得分", "计分规则"] {
            assert!(pages[n - 1].contains(header), "page {n}: no {header}");
        }
    }
    for n in 4..=6 {
        for header in ["性质", "规则", "说明"] {
            assert!(pages[n - 1].contains(header), "page {n}: no {header}");
        }
    }
    let mut per_page = vec![0; pages.len()];
    for g in 1..=3 {
        for i in 1..=20 {
            let on = pages_with(&pages, &format!("第{g}组指标{i:02}号"));
            assert_eq!(on.len(), 1, "leaf {g}.{i} on pages {on:?}");
            per_page[on[0] - 1] += 1;
        }
    }
    assert_eq!(per_page, [23, 31, 6, 0, 0, 0]);
    for i in 1..=40 {
        // The finding's number cell, its message and its rule's name below its id: one page.
        let message = pages_with(&pages, &format!("第{i:02}项问题"));
        assert_eq!(message.len(), 1, "finding {i} on pages {message:?}");
        per_page[message[0] - 1] += 1;
    }
    assert_eq!(per_page, [23, 31, 6, 18, 19, 3]);
}
