//! Fuzz targets: every reader of jixiao on arbitrary bytes.
//!
//! Each [`Target`] feeds bytes to one reader the way a batch does and then goes on as a batch
//! would with what it read: a unit that parses is scored under the bundled rule sets, a report
//! that is read has its draft rendered and parsed back. A reader may refuse any input (that is
//! an `Err`, and the target ignores it); it must never panic, abort, hang or take memory out of
//! proportion to its limits, and what it accepts must hold up downstream. A target panics only
//! where such a promise is broken.
//!
//! The same targets run in three places:
//! - `tests/corpora.rs` (an ordinary test, in the README's test command) replays every committed
//!   input under `corpus/TARGET/` and `regressions/TARGET/`;
//! - the libFuzzer harness in `libfuzzer/` (a crate of its own, built on stable Rust by
//!   `crates/jixiao-fuzz/run`), which CI runs for a fixed number of executions with a fixed seed;
//! - longer campaigns by hand, recorded in `docs/fuzzing.md`.
//!
//! Readers that take a path (forms, reports) are given the bytes as a file in a scratch
//! directory of the process, named with the extension the batch would see.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jixiao_model::{CheckedUnit, SelfEvaluation};
use jixiao_rules::{RuleSet, ValidRuleSet};

/// One fuzz target: a name (also the name of its corpus folder and libFuzzer binary) and the
/// function that runs one input.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    /// What the target reads, for `docs/fuzzing.md` and the runner's listing.
    pub reads: &'static str,
    pub run: fn(&[u8]),
}

/// Every target, in the order the runner takes them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "unit_toml",
        reads: "a unit file (TOML), then scores it",
        run: unit_toml,
    },
    Target {
        name: "unit_json",
        reads: "one line of a JSON Lines file of units, then scores it",
        run: unit_json,
    },
    Target {
        name: "rule_set",
        reads: "a rule set (TOML), then scores the sample under it",
        run: rule_set,
    },
    Target {
        name: "form",
        reads: "a filled self-evaluation form (.xlsx), then scores its unit",
        run: form,
    },
    Target {
        name: "spreadsheet",
        reads: "a unit's own spreadsheet (first byte: 0 .xlsx, 1 .xls, 2 .ods; the rest the file)",
        run: spreadsheet,
    },
    Target {
        name: "docx",
        reads: "a Word report (.docx), the whole file",
        run: docx,
    },
    Target {
        name: "docx_xml",
        reads: "word/document.xml, put in an otherwise valid .docx",
        run: docx_xml,
    },
    Target {
        name: "pdf",
        reads: "a PDF report",
        run: pdf,
    },
    Target {
        name: "report_text",
        reads: "a text report in any encoding (first byte: odd .md, even .txt; the rest the file)",
        run: report_text,
    },
    Target {
        name: "plugin_request",
        reads: "a request as a plugin receives it (the SDK, with the deviation plugin's rules)",
        run: plugin_request,
    },
    Target {
        name: "plugin_response",
        reads: "a plugin's response as the host receives it",
        run: plugin_response,
    },
];

/// The target named `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// The bundled rule sets without plugins: what a unit that parses is scored under.
fn rule_sets() -> &'static [ValidRuleSet] {
    static RULES: OnceLock<Vec<ValidRuleSet>> = OnceLock::new();
    RULES.get_or_init(|| {
        [
            (
                "national-project.toml",
                include_str!("../../../configs/national-project.toml"),
            ),
            (
                "hunan-department.toml",
                include_str!("../../../configs/hunan-department.toml"),
            ),
        ]
        .into_iter()
        .map(|(name, text)| {
            RuleSet::from_toml(text, Path::new(name))
                .unwrap_or_else(|e| panic!("bundled rule set {name}: {e}"))
                .0
        })
        .collect()
    })
}

/// The bundled sample (鹿松区科协 2024), scored under each rule set the `rule_set` target reads.
fn sample() -> &'static CheckedUnit {
    static SAMPLE: OnceLock<CheckedUnit> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let text = include_str!("../../../tests/fixtures/units/department/lusong-kexie-2024.toml");
        SelfEvaluation::from_toml(text, Path::new("lusong-kexie-2024.toml"))
            .unwrap_or_else(|e| panic!("the sample unit: {e}"))
    })
}

/// Scoring may refuse a unit (an error) but never panic; every rule set is tried.
fn score_everywhere(unit: &CheckedUnit) {
    for rules in rule_sets() {
        let _ = jixiao_engine::score(unit, rules);
    }
}

fn unit_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(unit) = SelfEvaluation::from_toml(text, Path::new("fuzz.toml")) {
        score_everywhere(&unit);
        // What a unit writes, it reads back as itself.
        let again = SelfEvaluation::from_toml(&unit.to_toml(), Path::new("again.toml"))
            .unwrap_or_else(|e| panic!("a unit's own TOML does not read back: {e}"));
        assert_eq!(again, unit, "a unit's own TOML reads back as another unit");
    }
}

fn unit_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(unit) = SelfEvaluation::from_json(text, Path::new("fuzz.jsonl"), 1) {
        score_everywhere(&unit);
        let again = SelfEvaluation::from_json(&unit.to_json_line(), Path::new("again.jsonl"), 1)
            .unwrap_or_else(|e| panic!("a unit's own JSON line does not read back: {e}"));
        assert_eq!(
            again, unit,
            "a unit's own JSON line reads back as another unit"
        );
    }
}

fn rule_set(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((rules, _warnings)) = RuleSet::from_toml(text, Path::new("fuzz-rules.toml")) {
        let _ = jixiao_engine::score(sample(), &rules);
    }
}

fn form(data: &[u8]) {
    with_file("form.xlsx", data, |path| {
        if let Ok(filled) = jixiao_forms::read_form(path) {
            score_everywhere(&filled.unit);
        }
    });
}

fn spreadsheet(data: &[u8]) {
    let Some((&kind, file)) = data.split_first() else {
        return;
    };
    let name = match kind % 3 {
        0 => "own.xlsx",
        1 => "own.xls",
        _ => "own.ods",
    };
    with_file(name, file, report);
}

fn docx(data: &[u8]) {
    with_file("report.docx", data, report);
}

fn docx_xml(data: &[u8]) {
    with_file("document-xml.docx", &docx_around(data), report);
}

fn pdf(data: &[u8]) {
    // The reader itself first (its own limits), then the whole report path.
    let _ = jixiao_ingest::pdf::read(data);
    with_file("report.pdf", data, report);
}

fn report_text(data: &[u8]) {
    let Some((&kind, file)) = data.split_first() else {
        return;
    };
    let name = if kind % 2 == 1 {
        "report.md"
    } else {
        "report.txt"
    };
    with_file(name, file, report);
}

/// A report read as the batch and `jixiao ingest` read it: a report that is read renders a draft
/// that parses back (the CLI stops with an internal error otherwise), and the unit is scored.
fn report(path: &Path) {
    let Ok(ingested) = jixiao_ingest::ingest(path) else {
        return;
    };
    let draft = jixiao_ingest::render_draft(&ingested);
    if let Err(e) = SelfEvaluation::from_toml(&draft, Path::new("draft.toml")) {
        panic!("the draft of a report read does not parse back: {e}\n{draft}");
    }
    score_everywhere(&ingested.unit);
}

fn plugin_request(data: &[u8]) {
    static PLUGIN: OnceLock<jixiao_plugin_api::ffi::Exported> = OnceLock::new();
    let plugin = PLUGIN
        .get_or_init(|| jixiao_plugin_api::ffi::Exported::new(jixiao_plugin_deviation::plugin));
    if let Ok(response) = plugin.handle(data) {
        // What the SDK answers, the host reads.
        serde_json::from_slice::<jixiao_plugin_api::wire::Response>(&response)
            .unwrap_or_else(|e| panic!("the SDK's own response does not parse: {e}"));
    }
}

fn plugin_response(data: &[u8]) {
    let _ = serde_json::from_slice::<jixiao_plugin_api::wire::Response>(data);
}

/// `document` as word/document.xml of a minimal .docx (stored, not deflated, so that the
/// fuzzer's changes reach the XML reader).
pub fn docx_around(document: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 3] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", document),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, stored).expect("writing to memory");
        zip.write_all(bytes).expect("writing to memory");
    }
    zip.finish().expect("writing to memory").into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// Runs `read` on `data` written to `name` in the process's scratch directory; the file is
/// removed afterwards.
fn with_file(name: &str, data: &[u8], read: impl FnOnce(&Path)) {
    struct Remove(PathBuf);
    impl Drop for Remove {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    // The readers catch a panic inside calamine on purpose (`calamine_guard`: a damaged workbook
    // is refused, not a crash). libFuzzer's panic hook aborts on every panic, caught or not;
    // std's own hook is put back, so that only a panic that escapes the reader (which
    // libfuzzer-sys turns into an abort) is a finding.
    static CAUGHT_PANICS_ALLOWED: std::sync::Once = std::sync::Once::new();
    CAUGHT_PANICS_ALLOWED.call_once(|| drop(std::panic::take_hook()));
    let path = Remove(scratch_dir().join(name));
    std::fs::write(&path.0, data)
        .unwrap_or_else(|e| panic!("cannot write the scratch file {}: {e}", path.0.display()));
    read(&path.0);
}

/// `jixiao-fuzz-PID` under the system's temporary directory (`TMPDIR`), made once. Each input's
/// file is removed after its run; the directory itself by [`remove_scratch`] (libFuzzer ends
/// the process without it: the runner gives each run a `TMPDIR` of its own).
fn scratch_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("jixiao-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot make the scratch directory {}: {e}", dir.display()));
        dir
    })
}

/// Removes the scratch directory, if one was made.
pub fn remove_scratch() {
    let _ = std::fs::remove_dir_all(scratch_dir());
}
