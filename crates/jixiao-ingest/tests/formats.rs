//! The formats a submission arrives in (tests/fixtures/formats/, made by its make.py): text in
//! GBK or UTF-16 read like the UTF-8 sample.

use std::path::{Path, PathBuf};

use jixiao_ingest::{Format, TextEncoding, ingest};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn folder() -> PathBuf {
    fixtures().join("formats")
}

/// The sample in GBK and in UTF-16 reads exactly like the sample in UTF-8.
#[test]
fn gbk_and_utf16_copies_of_the_sample_read_like_it() {
    let sample = ingest(&fixtures().join("reports/lusong-kexie-2024.txt")).unwrap();
    assert_eq!(sample.source.encoding, Some(TextEncoding::Utf8));
    for (name, encoding) in [
        ("lusong-kexie-2024.gbk.txt", TextEncoding::Gb18030),
        ("lusong-kexie-2024.utf16.txt", TextEncoding::Utf16Le),
    ] {
        let ing = ingest(&folder().join(name)).unwrap();
        assert_eq!(ing.source.encoding, Some(encoding), "{name}");
        assert_eq!(ing.source.format, Format::Text, "{name}");
        assert_eq!(ing.unit, sample.unit, "{name}");
        assert_eq!(ing.provenance, sample.provenance, "{name}");
    }
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
