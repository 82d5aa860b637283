//! The HTML report in a real headless browser: the pages load with no console message and the
//! charts are drawn (the pages record how many charts have bars of positive size in
//! `data-charts` on their root element, once loaded).
//!
//! The browser test needs Chromium, so it is ignored by a plain `cargo test`; run it with
//! `cargo test -- --include-ignored` (as CI does). Run, it fails when no browser is found: it
//! never passes without having loaded the pages.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use crate::common::jixiao;

/// The browser: `JIXIAO_CHROMIUM`, or the first of chromium, chromium-browser and
/// google-chrome on the `PATH`. Panics when there is none.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("JIXIAO_CHROMIUM") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "JIXIAO_CHROMIUM is {}, which is not a file",
            path.display()
        );
        return path;
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let found = Process::new("which").arg(name).output().ok()?;
            found
                .status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&found.stdout).trim()))
        })
        .unwrap_or_else(|| {
            panic!(
                "no browser found (chromium, chromium-browser or google-chrome on the PATH, or \
                 JIXIAO_CHROMIUM): install one (`apt-get install chromium`) to run this test"
            )
        })
}

/// Loads `page` in headless Chromium: (the DOM after load, the browser's log).
fn load(browser: &Path, page: &Path, profile: &Path) -> (String, String) {
    let output = Process::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed on {}",
        page.display()
    );
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn charts_drawn(dom: &str) -> Option<u32> {
    let start = dom.find("data-charts=\"")? + "data-charts=\"".len();
    let end = start + dom[start..].find('"')?;
    dom[start..end].parse().ok()
}

/// Scores a generated population of 200 departments (and the sample) with every output.
fn report(dir: &Path) {
    let units = dir.join("units.jsonl");
    jixiao()
        .args(["generate", "-n", "200", "--kind", "department", "--jsonl"])
        .arg(&units)
        .assert()
        .code(0);
    jixiao()
        .args([
            "score",
            "--rules",
            "configs/hunan-department.toml",
            "tests/fixtures/units/department",
            "--input",
        ])
        .arg(&units)
        .arg("--out")
        .arg(dir.join("out"))
        .assert()
        .code(0);
}

#[test]
fn the_report_links_every_unit_to_its_scorecard() {
    let dir = tempfile::tempdir().unwrap();
    report(dir.path());
    let out = dir.path().join("out");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(index.matches("href=\"scorecards/").count(), 201);
    assert!(
        index
            .contains("<a href=\"scorecards/lusong-kexie-2024.html\">株洲市芦淞区科学技术协会</a>")
    );
    let page = std::fs::read_to_string(out.join("scorecards/lusong-kexie-2024.html")).unwrap();
    assert!(page.contains("复核总分 <strong>68.28</strong> / 100, 等级 <strong>中</strong>"));
    // Both print on A4, headed by the rule set; the report groups the units. The generated
    // units answer to their district's government; the sample names no 主管部门: a group of one.
    for html in [&index, &page] {
        assert!(html.contains("@page{size:A4 landscape"), "{html}");
        assert!(
            html.contains(r#"@top-right{content:"湖南省部门整体支出绩效评价 (区县版) (v2024.1)""#),
            "{html}"
        );
    }
    assert!(
        index.contains("<td>（未填主管部门）</td><td class=\"n\">1</td>"),
        "{index}"
    );
    // No network: nothing is fetched from elsewhere.
    for html in [&index, &page] {
        assert!(!html.contains("http://") && !html.contains("https://"));
    }
}

#[test]
#[ignore = "needs chromium (apt-get install chromium)"]
fn the_pages_load_in_a_browser_without_console_messages_and_draw_their_charts() {
    let browser = chromium();
    let dir = tempfile::tempdir().unwrap();
    report(dir.path());
    let out = dir.path().join("out");
    let profile = dir.path().join("browser-profile");
    for (page, charts) in [
        (out.join("index.html"), 2),
        (out.join("scorecards/lusong-kexie-2024.html"), 1),
        (out.join("scorecards/units-000001.html"), 1),
    ] {
        let (dom, log) = load(&browser, &page, &profile);
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(console.is_empty(), "{}: {console:#?}", page.display());
        assert_eq!(charts_drawn(&dom), Some(charts), "{}", page.display());
    }
}
