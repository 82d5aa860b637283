//! Writes the seed inputs of the fuzz targets into `crates/jixiao-fuzz/corpus/TARGET/`, from the
//! workspace's fixtures and bundled rule sets (the PDF seeds come from
//! `cargo run -p jixiao-ingest --example pdf_fuzz_seeds`; see docs/fuzzing.md).
//!
//! `cargo run -p jixiao-fuzz --example seeds`
//!
//! Zip-based seeds (`.docx`, `.xlsx`, `.ods`) are rewritten with every entry stored, not
//! deflated, and without the parts the readers never open, so that the fuzzer's changes reach
//! the XML. Each file is named after its source, so that a rerun rewrites the same files.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use jixiao_model::SelfEvaluation;
use jixiao_rules::RuleSet;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn put(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
    println!("corpus/{target}/{name}: {} bytes", bytes.len());
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The archive with only the entries `keep` accepts, each stored.
fn stored(zip_bytes: &[u8], keep: impl Fn(&str) -> bool) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        if !keep(&name) {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.start_file(name, options).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn word_part(name: &str) -> bool {
    matches!(
        name,
        "[Content_Types].xml"
            | "_rels/.rels"
            | "word/document.xml"
            | "word/_rels/document.xml.rels"
    )
}

fn sheet_part(name: &str) -> bool {
    !(name.starts_with("docProps/")
        || name.contains("theme")
        || name.ends_with("styles.xml") && name.starts_with("xl/"))
}

fn document_xml(docx: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = Vec::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_end(&mut xml)
        .unwrap();
    xml
}

fn main() {
    let units = [
        "tests/fixtures/units/department/lusong-kexie-2024.toml",
        "tests/fixtures/units/project/synthetic-clean-2024.toml",
        "tests/fixtures/units/project/synthetic-inflated-2024.toml",
    ];
    for path in units {
        let text = String::from_utf8(read(path)).unwrap();
        let name = Path::new(path).file_stem().unwrap().to_str().unwrap();
        put("unit_toml", &format!("{name}.toml"), text.as_bytes());
        let unit = SelfEvaluation::from_toml(&text, Path::new(path)).unwrap();
        put(
            "unit_json",
            &format!("{name}.json"),
            unit.to_json_line().as_bytes(),
        );
    }

    let mut rule_sets = Vec::new();
    for name in [
        "national-project",
        "national-project-plugins",
        "hunan-department",
        "hunan-department-plugins",
    ] {
        let path = format!("configs/{name}.toml");
        let text = read(&path);
        put("rule_set", &format!("{name}.toml"), &text);
        let text = String::from_utf8(text).unwrap();
        rule_sets.push((name, RuleSet::from_toml(&text, Path::new(&path)).unwrap().0));
    }
    for (name, rules) in &rule_sets {
        if !name.ends_with("-plugins") {
            let form = jixiao_forms::write_form(rules).unwrap();
            put(
                "form",
                &format!("empty-{name}.xlsx"),
                &stored(&form, sheet_part),
            );
        }
    }

    for name in [
        "cq-chengguan-ludeng-2023.xlsx",
        "hn-nanxian-zrzyj-2024.xlsx",
        "hb-nongcun-yinshui-2022.xls",
        "jx-shangrao-sfj-2021.xls",
    ] {
        let bytes = read(&format!("tests/fixtures/documents/{name}"));
        let (kind, bytes) = if name.ends_with(".xlsx") {
            (0u8, stored(&bytes, sheet_part))
        } else {
            (1u8, bytes)
        };
        put("spreadsheet", name, &[&[kind][..], &bytes].concat());
    }

    for name in [
        "hn-lusong-kexie-2024-zibiao",
        "cq-liangping-lyj-2022",
        "gd-xuwen-gonglu-2024",
        "sc-ganzi-wenlv-zhuanxiang-2021",
    ] {
        let bytes = read(&format!("tests/fixtures/documents/{name}.docx"));
        put("docx", &format!("{name}.docx"), &stored(&bytes, word_part));
        put("docx_xml", &format!("{name}.xml"), &document_xml(&bytes));
    }

    for (kind, path) in [
        (0u8, "../shared/seed/lusong-kexie-2024-self-evaluation.txt"),
        (0, "tests/fixtures/reports/variant-08-other-province.txt"),
        (1, "tests/fixtures/reports/variant-09-markdown.md"),
        (
            0,
            "tests/fixtures/documents/derived/hn-nanxian-zjj-2018.gbk.txt",
        ),
        (
            0,
            "tests/fixtures/documents/derived/hn-yuanjiang-dangxiao-2023.utf16.txt",
        ),
    ] {
        let name = Path::new(path).file_name().unwrap().to_str().unwrap();
        let bytes = read(path);
        put("report_text", name, &[&[kind][..], &bytes].concat());
    }

    // Requests as the host sends them (docs/plugins.md), and the answers the plugin gives.
    let unit = SelfEvaluation::from_toml(
        &String::from_utf8(read(units[2])).unwrap(),
        Path::new(units[2]),
    )
    .unwrap();
    let leaves: Vec<_> = unit
        .indicators
        .iter()
        .enumerate()
        .map(|(i, row)| {
            serde_json::json!({
                "id": format!("leaf{i}"), "name": row.name, "points": "10", "score": "9.5"
            })
        })
        .collect();
    let params = serde_json::json!({"threshold": "1.3", "slope": "0.2", "floor": "0.8"});
    let requests = [
        (
            "check-params",
            serde_json::json!({"format": 1, "op": "check_params",
                "rule": "target_deviation", "params": params}),
        ),
        (
            "evaluate",
            serde_json::json!({"format": 1, "op": "evaluate", "rule": "target_deviation",
                "params": params, "unit": unit, "leaves": leaves}),
        ),
    ];
    let plugin = jixiao_plugin_api::ffi::Exported::new(jixiao_plugin_deviation::plugin);
    for (name, request) in requests {
        let bytes = serde_json::to_vec(&request).unwrap();
        put("plugin_request", &format!("{name}.json"), &bytes);
        let response = plugin.handle(&bytes).unwrap();
        put("plugin_response", &format!("{name}.json"), &response);
    }
}
