//! PDFs in a round: a 自评表 printed to PDF scores as the Word file it was printed from; a scan
//! and a Word 97 file beside a good unit are listed with their reasons, the unit is scored, and
//! the run exits 1.

use std::collections::BTreeMap;
use std::path::Path;

use predicates::str::contains;

use crate::common::{HUNAN, SAMPLE, csv_rows, jixiao, root};

/// Scores the folder `round` under `rules`; its summary rows by unit name: (total, grade,
/// declared total, read completeness).
fn rows(dir: &Path, round: &Path, rules: &str) -> BTreeMap<String, [String; 4]> {
    let out = dir.join(format!(
        "out-{}",
        round.file_name().unwrap().to_string_lossy()
    ));
    jixiao()
        .args(["score", "--rules", rules, "--out"])
        .arg(&out)
        .arg(round)
        .assert()
        .success();
    csv_rows(&out.join("summary.csv"))
        .into_iter()
        .map(|row| {
            let cells = ["复核总分", "等级", "自评总分", "读取完整度"].map(|c| row[c].clone());
            (row["单位"].clone(), cells)
        })
        .collect()
}

#[test]
fn pdfs_printed_from_word_score_as_the_word_files_do() {
    let documents = root().join("tests/fixtures/documents");
    let dir = tempfile::tempdir().unwrap();
    // Printed by LibreOffice (two with the header row repeated over page breaks), by Chromium
    // (a header row repeated by the browser) and written cell by cell by fpdf2; departments
    // under the Hunan rubric, projects under the national one.
    // (kind, rule set, [(source document, producer)])
    type Round<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);
    let rounds: [Round; 2] = [
        (
            "department",
            HUNAN,
            &[
                ("hn-lusong-kexie-2024-zibiao", "libreoffice"),
                ("heb-pingquan-jcy-2023", "libreoffice"),
                ("heb-pingquan-jcy-2023", "chromium"),
                ("sn-shaanxi-yjt-2022", "chromium"),
            ],
        ),
        (
            "project",
            "configs/national-project.toml",
            &[
                ("sc-qingchuan-zhengfa-2021", "libreoffice"),
                ("sc-ganzi-wenlv-zhuanxiang-2021", "libreoffice"),
                ("sc-ganzi-wenlv-zhuanxiang-2021", "fpdf"),
            ],
        ),
    ];
    for (kind, rules, files) in rounds {
        let word = dir.path().join(kind);
        std::fs::create_dir(&word).unwrap();
        // The PDFs of one document by two producers are one unit filed twice: each producer's
        // PDFs are a round of their own.
        let mut from_pdf = BTreeMap::new();
        for (source, printed) in files {
            let from = documents.join(format!("{source}.docx"));
            std::fs::copy(&from, word.join(format!("{source}.docx"))).unwrap();
            let pdf = dir.path().join(format!("{kind}-{printed}"));
            std::fs::create_dir_all(&pdf).unwrap();
            let name = format!("{source}.{printed}.pdf");
            std::fs::copy(documents.join("derived").join(&name), pdf.join(&name)).unwrap();
        }
        let from_word = rows(dir.path(), &word, rules);
        let producers: std::collections::BTreeSet<&str> = files.iter().map(|f| f.1).collect();
        for printed in producers {
            for (unit, row) in rows(
                dir.path(),
                &dir.path().join(format!("{kind}-{printed}")),
                rules,
            ) {
                // A unit printed by two producers: the same row each time.
                if let Some(other) = from_pdf.insert(unit.clone(), row.clone()) {
                    assert_eq!(other, row, "{unit} printed by {printed}");
                }
            }
        }
        let units: std::collections::BTreeSet<&str> = files.iter().map(|f| f.0).collect();
        assert_eq!(from_word.len(), units.len(), "{from_word:?}");
        assert_eq!(from_pdf, from_word, "{kind}");
    }
}

#[test]
fn a_scan_and_a_word_97_file_are_listed_and_the_good_unit_scored() {
    let unreadable = root().join("tests/fixtures/unreadable");
    let dir = tempfile::tempdir().unwrap();
    let round = dir.path().join("round");
    std::fs::create_dir(&round).unwrap();
    std::fs::copy(root().join(SAMPLE), round.join("lusong-kexie-2024.toml")).unwrap();
    std::fs::copy(
        unreadable.join("scan-lusong-zibiao.pdf"),
        round.join("自评表扫描件.pdf"),
    )
    .unwrap();
    std::fs::copy(
        unreadable.join("hn-lusong-kexie-2024-zibiao.doc"),
        round.join("自评报告.doc"),
    )
    .unwrap();
    let out = dir.path().join("out");
    jixiao()
        .args(["score", "--rules", HUNAN, "--out"])
        .arg(&out)
        .arg(&round)
        .assert()
        .code(1)
        .stderr(contains(
            "自评表扫描件.pdf: 扫描件, 无文字层 (3 页均无文字): 请提供 Word 文档或带文字的 PDF",
        ))
        .stderr(contains(
            "自评报告.doc: Word 97-2003 文档 (.doc) 无法读取: 请另存为 .docx 或带文字的 PDF",
        ))
        .stderr(contains("scored 1 units"))
        .stderr(contains("2 files not read"));
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3, "{csv}");
    let scored = csv
        .lines()
        .find(|l| l.contains("lusong-kexie-2024.toml"))
        .unwrap();
    // The unit scores as it does alone.
    let alone = jixiao()
        .args(["score", "--rules", HUNAN, "-f", "json", SAMPLE])
        .output()
        .unwrap();
    let [card]: [serde_json::Value; 1] = serde_json::from_slice(&alone.stdout).unwrap();
    let total = card["total"].as_str().unwrap().to_owned();
    assert!(
        scored.contains(&format!(",{total},中,")),
        "{scored} / {total}"
    );
    assert!(csv.contains("扫描件, 无文字层"), "{csv}");
}
