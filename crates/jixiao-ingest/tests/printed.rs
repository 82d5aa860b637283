//! Every Word fixture printed to PDF by the test printer (`support/pdfgen.rs`: tables ruled line
//! by line, continued over page breaks with the header printed again, a figure too wide for its
//! cell drawn over into the next one, merged cells carried over the break) reads with no figure
//! other than the Word file's: a figure of the PDF's unit is the Word file's or missing, never
//! another value. Where the print spoils a cell (two cells' text drawn over each other) the
//! figure is missing, and a document may be refused, but no figure is read wrong. Words may
//! differ where the printer draws them outside their cell (a merged cell's last character below
//! the table at a page break): they are counted and printed, as what the PDF shows.

#[path = "support/pdfgen.rs"]
mod pdfgen;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// The unit as `field.path` → value, strings without their spaces (the printer does not keep a
/// space between two Chinese characters), empty strings left out.
fn flatten(value: &Value, at: &str, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(v, &format!("{at}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(v, &format!("{at}[{i}]"), out);
            }
        }
        Value::Null => {}
        Value::String(s) if s.trim().is_empty() => {}
        Value::String(s) => {
            out.insert(at.to_owned(), s.split_whitespace().collect());
        }
        other => {
            out.insert(at.to_owned(), other.to_string());
        }
    }
}

#[test]
fn printed_word_files_read_as_the_word_files_or_leave_fields_out() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/documents");
    let dir = tempfile::tempdir().unwrap();
    let mut sources: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    sources.sort();
    let (mut compared, mut same, mut fields, mut wrong, mut words) = (0, 0, 0, Vec::new(), 0);
    for source in &sources {
        let doc = jixiao_ingest::document::docx(&std::fs::read(source).unwrap()).unwrap();
        let name = source.file_stem().unwrap().to_string_lossy().into_owned();
        let printed = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&printed, pdfgen::print(&doc)).unwrap();
        let (Ok(word), Ok(pdf)) = (
            jixiao_ingest::ingest(source),
            jixiao_ingest::ingest(&printed),
        ) else {
            continue; // refused (the Word file, or the print): nothing read, nothing wrong
        };
        let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
        flatten(&serde_json::to_value(&*word.unit).unwrap(), "", &mut a);
        flatten(&serde_json::to_value(&*pdf.unit).unwrap(), "", &mut b);
        compared += 1;
        same += usize::from(a == b);
        fields += a.len();
        let figure = |v: &str| rust_decimal::Decimal::from_str_exact(v).is_ok();
        for (field, value) in &b {
            match a.get(field) {
                Some(v) if v == value => {}
                Some(v) if !figure(v) && !figure(value) => {
                    words += 1;
                    println!("  words differ: {name}: {field}: Word {v:?}, PDF {value:?}");
                }
                // A figure other than the Word file's, or one only the PDF has.
                v => wrong.push(format!("{name}: {field}: Word {v:?}, PDF {value:?}")),
            }
        }
    }
    println!(
        "{compared} of {} printed documents read, {same} exactly as their Word file, over {fields} fields ({words} with other words)",
        sources.len()
    );
    assert!(
        wrong.is_empty(),
        "read other than the Word file:\n{}",
        wrong.join("\n")
    );
    // Measured: 17 of the 20 read (the others lose a figure the model needs to a spoilt cell, or
    // are refused as their Word file is), 7 exactly; 2 fields with other words.
    assert!(compared >= 17, "{compared} read");
    assert!(same >= 7, "{same} read exactly");
    assert!(words <= 2, "{words} fields with other words");
}
