//! The text reports of `tests/fixtures/documents/` against what a person reads from them
//! (`NAME.expected.toml`): every field the model has is right, or not filled and listed as
//! missing; never a wrong value. Run with
//! `cargo test -p jixiao-ingest --test documents -- --nocapture` to see the table.

use std::path::{Path, PathBuf};

use jixiao_ingest::{Ingested, ingest};
use jixiao_model::FieldPath;
use rust_decimal::Decimal;

fn documents() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/documents")
}

/// Paths the expected files name that the unit model does not have yet (README.md, **new**).
const NOT_IN_MODEL: [&str; 7] = [
    "unit.project_code",
    "unit.supervisor",
    "unit.implementer",
    "unit.filed_on",
    "execution",
    "tasks",
    "base.three_public_",
];

/// Reads `NAME.expected.toml`: a flat table of quoted field paths.
fn expected(path: &Path) -> Vec<(String, toml::Value)> {
    let text = std::fs::read_to_string(path).expect("expected file");
    let table: toml::Table = toml::from_str(&text).expect("expected file parses");
    table.into_iter().collect()
}

/// The value at a field path (`goals[0].measure.target`) of a TOML value.
fn at(value: &toml::Value, path: &str) -> Option<toml::Value> {
    let mut cur = value.clone();
    for seg in path.split('.') {
        let (key, index) = match seg.find('[') {
            Some(i) => (&seg[..i], seg[i + 1..seg.len() - 1].parse::<usize>().ok()),
            None => (seg, None),
        };
        cur = cur.get(key)?.clone();
        if let Some(i) = index {
            cur = cur.get(i)?.clone();
        }
    }
    match &cur {
        toml::Value::String(s) if s == "not_reported" => None,
        _ => Some(cur),
    }
}

fn text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn same(a: &toml::Value, b: &toml::Value) -> bool {
    let (a, b) = (text(a), text(b));
    match (Decimal::from_str_exact(&a), Decimal::from_str_exact(&b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

fn listed(ing: &Ingested, path: &str) -> bool {
    let Ok(path) = FieldPath::parse(path) else {
        return false;
    };
    ing.missing.iter().any(|m| path.starts_with(&m.field))
}

fn listed_exactly(ing: &Ingested, path: &str) -> bool {
    ing.missing.iter().any(|m| m.field.as_str() == path)
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    right: usize,
    wrong: usize,
    /// Not filled, and listed as missing (or the report refused with an error naming why).
    missing: usize,
    /// Not filled and not listed.
    unlisted: usize,
}

#[test]
fn text_documents_are_read_right_or_reported_missing() {
    let mut reports: Vec<PathBuf> = std::fs::read_dir(documents())
        .expect("documents dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    reports.sort();
    assert!(reports.len() >= 11, "{} text documents", reports.len());
    let mut rows = String::from(
        "| document | right | wrong | missing (listed) | missing (not listed) |\n|---|---:|---:|---:|---:|\n",
    );
    let mut total = Tally::default();
    let mut failures = Vec::new();
    for report in &reports {
        let name = report
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let want = expected(&report.with_extension("expected.toml"));
        let want: Vec<_> = want
            .into_iter()
            .filter(|(p, _)| !NOT_IN_MODEL.iter().any(|n| p.starts_with(n)))
            .collect();
        let mut t = Tally::default();
        match ingest(report) {
            Err(error) => {
                t.missing = want.len();
                println!("{name}: refused: {error}");
            }
            Ok(ing) => {
                // The draft reads back as the unit read.
                let draft = jixiao_ingest::render_draft(&ing);
                let back = jixiao_model::SelfEvaluation::from_toml(&draft, report)
                    .unwrap_or_else(|e| panic!("{name}: {e}\n{draft}"));
                assert_eq!(
                    back, ing.unit,
                    "{name}: the draft reads back as another unit"
                );
                let got = toml::Value::try_from(&ing.unit).expect("unit serialises");
                for (path, value) in &want {
                    let found = at(&got, path);
                    let ambiguous = matches!(value, toml::Value::String(s) if s == "AMBIGUOUS");
                    match found {
                        Some(f) if !ambiguous && same(&f, value) => t.right += 1,
                        // A value the model puts where the reader said it could not read one
                        // (retired = 0 when not stated).
                        Some(_) if listed_exactly(&ing, path) => {
                            if ambiguous {
                                t.right += 1;
                            } else {
                                t.missing += 1;
                            }
                        }
                        Some(f) => {
                            t.wrong += 1;
                            failures.push(format!("{name}: {path}: expected {value}, got {f}"));
                        }
                        None if listed(&ing, path) => {
                            if ambiguous {
                                t.right += 1;
                            } else {
                                t.missing += 1;
                            }
                        }
                        None => {
                            t.unlisted += 1;
                            println!("{name}: {path}: not filled, not listed (expected {value})");
                        }
                    }
                }
            }
        }
        rows.push_str(&format!(
            "| {name} | {} | {} | {} | {} |\n",
            t.right, t.wrong, t.missing, t.unlisted
        ));
        total.right += t.right;
        total.wrong += t.wrong;
        total.missing += t.missing;
        total.unlisted += t.unlisted;
    }
    rows.push_str(&format!(
        "| **all {}** | {} | {} | {} | {} |\n",
        reports.len(),
        total.right,
        total.wrong,
        total.missing,
        total.unlisted
    ));
    println!("{rows}");
    assert!(failures.is_empty(), "{failures:#?}\n{rows}");
}
