//! The formats a submission arrives in (tests/fixtures/formats/, made by its make.py): text in
//! GBK or UTF-16 read like the UTF-8 sample, a workbook under a Word name read as the workbook it
//! is, a PDF under any name sent to the PDF reader, and every format that is not read refused
//! with its name and what to send instead; each file against `expected.toml`. The same for
//! tests/fixtures/unreadable/ (scans, PDFs without ToUnicode, an undecidable encoding, Word 97,
//! WPS, OFD, pictures, archives: made by scripts/fixtures/make_derived.py).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jixiao_ingest::{Format, IngestError, TextEncoding, ingest};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn folder() -> PathBuf {
    fixtures().join("formats")
}

/// A folder of fixtures with its `expected.toml`.
fn in_folder(folder: &Path) -> (BTreeMap<String, Expected>, Vec<String>) {
    let text = std::fs::read_to_string(folder.join("expected.toml")).unwrap();
    let expected = toml::from_str(&text).unwrap_or_else(|e| panic!("expected.toml: {e}"));
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !["expected.toml", "README.md", "make.py"].contains(&n.as_str()))
        .collect();
    names.sort();
    (expected, names)
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    format: String,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    reads_like: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[test]
fn every_fixture_is_taken_for_its_format_and_read_or_refused_as_expected() {
    let seen = check(&folder());
    insta::assert_snapshot!("every_fixture", seen);
}

#[test]
fn every_unreadable_submission_is_refused_with_what_to_send_instead() {
    let seen = check(&fixtures().join("unreadable"));
    assert!(seen.contains("扫描件, 无文字层"), "{seen}");
    insta::assert_snapshot!("every_unreadable", seen);
}

/// Each file of `folder` against its `expected.toml`: what it was taken for and what came of it.
fn check(folder: &Path) -> String {
    let (expected, names) = in_folder(folder);
    let unlisted: Vec<&String> = names
        .iter()
        .filter(|n| !expected.contains_key(*n))
        .collect();
    assert!(unlisted.is_empty(), "not in expected.toml: {unlisted:?}");
    let absent: Vec<&String> = expected.keys().filter(|n| !names.contains(n)).collect();
    assert!(
        absent.is_empty(),
        "in expected.toml, not in the folder: {absent:?}"
    );
    let mut seen = String::new();
    for name in &names {
        let path = folder.join(name);
        let want = &expected[name];
        let format = jixiao_ingest::formats::identify(&path).unwrap();
        assert_eq!(format.id(), want.format, "{name}");
        let result = ingest(&path);
        let outcome = match &result {
            Ok(ing) => format!(
                "read: {} {} {}",
                ing.unit.unit.name,
                ing.source.format.code(),
                ing.source.encoding.map_or("-", TextEncoding::code)
            ),
            Err(e) => e
                .to_string()
                .strip_prefix(&format!("{}: ", path.display()))
                .map_or_else(|| e.to_string(), str::to_owned),
        };
        if format.reader() == Some(Format::Pdf) && want.error.is_none() {
            seen += &format!("{name} [{}]: (the PDF reader's)\n", format.id());
            // The PDF reader's own result; never another reader's error.
            assert!(
                matches!(result, Ok(_) | Err(IngestError::Pdf { .. })),
                "{name}: {result:?}"
            );
            continue;
        }
        seen += &format!("{name} [{}]: {outcome}\n", format.id());
        match (&want.error, &result) {
            (Some(error), Err(e)) => {
                assert_eq!(&outcome, error, "{name}");
                assert!(e.is_unreadable(), "{name}: {e}");
            }
            (None, Ok(ing)) => {
                let like = want.reads_like.as_ref().expect("reads_like");
                let original = ingest(&fixtures().join(like)).unwrap();
                assert_eq!(ing.unit, original.unit, "{name} reads like {like}");
                assert_eq!(ing.provenance, original.provenance, "{name}");
                assert_eq!(
                    ing.source.encoding.map(TextEncoding::code),
                    want.encoding.as_deref(),
                    "{name}"
                );
            }
            (_, result) => panic!("{name}: expected {want:?}, got {result:?}"),
        }
    }
    seen
}

/// The GBK copy of the sample (CRLF line endings) scores like the sample, and its 数据来源 says
/// it was converted.
#[test]
fn a_gbk_report_says_so_in_its_sources() {
    let ing = ingest(&folder().join("lusong-kexie-2024.gbk.txt")).unwrap();
    assert_eq!(ing.source.encoding, Some(TextEncoding::Gb18030));
    assert_eq!(ing.unit.unit.name, "株洲市芦淞区科学技术协会");
    assert_eq!(ing.unit.budget.spent, rust_decimal_macros::dec!(85.33));
    let rules_path = fixtures().join("../../configs/hunan-department.toml");
    let (rules, _) = jixiao_rules::RuleSet::load(&rules_path).unwrap();
    let card = jixiao_engine::score(&ing.unit, &rules).unwrap();
    let rows = jixiao_ingest::sources_for(&card, &ing);
    let completeness = jixiao_ingest::completeness(&ing.unit, &rules);
    let text = jixiao_ingest::sources_markdown(&rows, &ing, &completeness, false);
    assert!(
        text.contains("\n  文件编码: GBK (GB18030), 已转换为 UTF-8。\n"),
        "{text}"
    );
    let json = jixiao_ingest::sources_json(&rows, &ing, &completeness);
    assert_eq!(
        json["file"],
        serde_json::json!({
            "format": "text",
            "encoding": "gb18030",
            "note": "文件编码: GBK (GB18030), 已转换为 UTF-8",
            "unread": [],
        })
    );
    // The UTF-8 sample says nothing of its encoding.
    let plain = ingest(&fixtures().join("reports/lusong-kexie-2024.txt")).unwrap();
    let text = jixiao_ingest::sources_markdown(&rows, &plain, &completeness, true);
    assert!(!text.contains("文件编码"), "{text}");
    let markdown = jixiao_ingest::sources_markdown(&rows, &ing, &completeness, true);
    let head: Vec<&str> = markdown.lines().take(6).collect();
    let head = head
        .join("\n")
        .replace(&folder().display().to_string(), "[FORMATS]");
    insta::assert_snapshot!("gbk_sources", head);
}
