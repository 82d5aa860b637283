//! The document accuracy harness: every document of `tests/fixtures/documents/` (Word, Excel and
//! text 自评表 and reports) read by `jixiao_ingest::ingest` and compared, field by field, with
//! what a careful person reads from it (`NAME.expected.toml`, see that folder's README.md).
//!
//! Each expected field is
//! - **right**: the unit has it, equal (decimals as decimals: `"39.30"` is `39.3`; strings
//!   trimmed). An indicator's `target` / `actual` expected as words is compared with the row's
//!   `target_text` / `actual_text`. An `"AMBIGUOUS"` field is right when the unit leaves it out
//!   and `ing.missing` lists it (or a part of the unit holding it, e.g. `declared`);
//! - **wrong**: the unit has another value (or any value for an `"AMBIGUOUS"` field; a number
//!   where the row's words are expected, or words where its number is);
//! - **missing**: the unit does not have it (every field of a document `ingest` refuses).
//!
//! Fields the unit has and the expected file does not list are not counted.
//!
//! Run `cargo test -p jixiao-ingest --test documents -- --nocapture` for the table. It asserts
//! that nothing is read wrong but the fields of [`KNOWN_WRONG`], and that the share read right
//! does not fall below [`READ_BAR`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jixiao_ingest::{Ingested, ingest};
use jixiao_model::FieldPath;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::Value;

/// The share of expected fields read right, in percent, that the reader may not fall below: the
/// share achieved, rounded down: 5089 of 5322 fields (95.62 %), 0 wrong, over 38 documents and
/// the 17 derived from them (14 PDFs from LibreOffice, Chromium, fpdf2 and reportlab, two GBK
/// and one UTF-16 text). The PDFs of tables drawn without rules read least (fpdf2 16 %,
/// reportlab 54 %); one document (cq-liangping-lyj-2022, its year 2022 in the title and 2023 in
/// the table) is refused, as it should be. Issue 11's bar is 95.
const READ_BAR: Decimal = dec!(95.6);

/// Fields read wrong that are tolerated (`document: field`); any other wrong field fails the
/// test. None: a wrong number is worse than a missing one.
const KNOWN_WRONG: &[&str] = &[];

fn documents_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/documents")
}

/// The expected file of a document. For `NAME.ext` it is `NAME.expected.toml` beside it. A
/// **derived** document, `derived/NAME.VARIANT.ext` (the same document printed to PDF by some
/// producer, or saved in another encoding), is judged by its source's expectations,
/// `NAME.expected.toml` in the folder above, unless `derived/NAME.VARIANT.expected.toml` exists.
fn expected_path(document: &Path) -> PathBuf {
    let stem = document.file_stem().expect("a file name").to_string_lossy();
    let own = document.with_file_name(format!("{stem}.expected.toml"));
    let derived = document
        .parent()
        .is_some_and(|dir| dir.file_name().is_some_and(|n| n == "derived"));
    if own.is_file() || !derived {
        return own;
    }
    let source = stem.split_once('.').map_or(&*stem, |(source, _)| source);
    documents_dir().join(format!("{source}.expected.toml"))
}

/// Every document with an expected file, in name order: those of the folder, then the derived
/// ones.
fn documents() -> Vec<PathBuf> {
    let listing = |dir: PathBuf| -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.is_file())
            .filter(|p| !p.to_string_lossy().ends_with(".expected.toml"))
            .filter(|p| p.extension().is_none_or(|e| e != "md"))
            .collect();
        files.sort();
        files
    };
    let mut files = listing(documents_dir());
    files.extend(listing(documents_dir().join("derived")));
    files
        .into_iter()
        .filter(|p| expected_path(p).is_file())
        .collect()
}

/// The unit as flat `field.path` → leaf value (Decimals are strings); JSON `null` and empty
/// strings left out.
fn flatten(value: &Value, at: &str, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(table) => {
            for (key, v) in table {
                let path = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                flatten(v, &path, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(v, &format!("{at}[{i}]"), out);
            }
        }
        // An empty string is a field the model must hold but the reader did not read (an
        // indicator row's `level1` where the table gives none): not a value.
        Value::Null => {}
        Value::String(s) if s.is_empty() => {}
        leaf => {
            out.insert(at.to_owned(), leaf.clone());
        }
    }
}

/// A leaf as text: strings as they are, numbers and booleans as written.
fn text_of_json(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    }
}

fn text_of_toml(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    }
}

fn decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str_exact(text).ok()
}

/// Equal as decimals when both are numbers, else as trimmed text.
fn same(expected: &str, got: &str) -> bool {
    match (decimal(expected), decimal(got)) {
        (Some(e), Some(g)) => e == g,
        _ => expected == got,
    }
}

/// Whether `path` is an indicator row's `target` or `actual`.
fn is_row_value(path: &str) -> bool {
    path.starts_with("indicators[") && (path.ends_with("].target") || path.ends_with("].actual"))
}

/// Where the unit keeps an expected value: an indicator's target or actual expected as words is
/// in `target_text` / `actual_text`.
fn unit_field(path: &str, expected: &str) -> String {
    if is_row_value(path) && decimal(expected).is_none() {
        format!("{path}_text")
    } else {
        path.to_owned()
    }
}

/// The provenance of `path` or, failing that, of the nearest part of the unit holding it
/// (`claims[3]` for `claims[3].quantity`).
fn provenance_of(ing: &Ingested, path: &str) -> Option<String> {
    let field = FieldPath::parse(path).ok()?;
    ing.provenance
        .iter()
        .filter(|(f, _)| field.starts_with(f))
        .max_by_key(|(f, _)| f.segments().count())
        .map(|(f, p)| format!("{f} ← {p}"))
}

/// Whether `ing.missing` lists `path`, or a part of the unit that holds it.
fn listed_missing(ing: &Ingested, path: &str) -> bool {
    let Ok(field) = FieldPath::parse(path) else {
        return false;
    };
    ing.missing.iter().any(|m| field.starts_with(&m.field))
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    fields: usize,
    right: usize,
    wrong: usize,
    missing: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.fields += other.fields;
        self.right += other.right;
        self.wrong += other.wrong;
        self.missing += other.missing;
    }

    /// The share read right, in percent, rounded down to two decimals.
    fn read(&self) -> Decimal {
        if self.fields == 0 {
            return Decimal::ZERO;
        }
        (Decimal::from(self.right) * Decimal::ONE_HUNDRED / Decimal::from(self.fields))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero)
    }
}

fn percent(share: Decimal) -> String {
    format!("{share:.2}")
}

fn one_line(text: &str) -> String {
    text.replace('\n', " ⏎ ")
}

/// A value read, quoted, on one line and cut at 80 characters.
fn shown(value: &str) -> String {
    let line = one_line(value);
    if line.chars().count() > 80 {
        format!(
            "\"{}…\" ({} characters)",
            line.chars().take(80).collect::<String>(),
            value.chars().count()
        )
    } else {
        format!("{line:?}")
    }
}

/// A field read wrong: its path and what was expected and read.
type Wrong = (String, String);

/// One document compared with its expected file: the tally, the wrong fields, and the error
/// when `ingest` refused the document.
fn compare(document: &Path) -> (Tally, Vec<Wrong>, Option<String>) {
    let expected_text = std::fs::read_to_string(expected_path(document)).expect("expected file");
    let expected: toml::Table = toml::from_str(&expected_text)
        .unwrap_or_else(|e| panic!("{}: {e}", expected_path(document).display()));
    let mut t = Tally {
        fields: expected.len(),
        ..Tally::default()
    };
    match ingest(document) {
        Ok(ing) => {
            let (t, wrong) = score(&expected, &ing);
            (t, wrong, None)
        }
        Err(e) => {
            t.missing = t.fields;
            // The error names the document: the table's row already does.
            let prefix = format!("{}: ", document.display());
            let error = e.to_string();
            let error = error.strip_prefix(&prefix).unwrap_or(&error).to_owned();
            (t, Vec::new(), Some(error))
        }
    }
}

/// The expected fields of one document against the unit read from it.
fn score(expected: &toml::Table, ing: &Ingested) -> (Tally, Vec<Wrong>) {
    let mut t = Tally {
        fields: expected.len(),
        ..Tally::default()
    };
    let mut got = BTreeMap::new();
    let json = serde_json::to_value(&*ing.unit).expect("a unit serialises");
    flatten(&json, "", &mut got);
    let mut wrong = Vec::new();
    for (path, value) in expected {
        let want = text_of_toml(value);
        let ambiguous = want == "AMBIGUOUS";
        // An indicator's target or actual is looked for where the expected value belongs (as a
        // number or as words), then in the other field: a number read for words, or words for
        // a number, is read wrong; an ambiguous one must be left out in both.
        let mut candidates = vec![unit_field(path, &want)];
        if is_row_value(path) {
            let other = [path.clone(), format!("{path}_text")]
                .into_iter()
                .find(|f| *f != candidates[0]);
            candidates.extend(other);
        }
        let held = candidates
            .iter()
            .find_map(|f| got.get(f).map(|v| (f.as_str(), text_of_json(v))));
        match held {
            None if ambiguous && listed_missing(ing, path) => t.right += 1,
            None => t.missing += 1,
            Some((_, value)) if !ambiguous && same(&want, &value) => t.right += 1,
            Some((field, value)) => {
                t.wrong += 1;
                let mut line = format!("expected {want:?}, got {}", shown(&value));
                if field != path {
                    let _ = write!(line, " (as {field})");
                }
                if let Some(p) = provenance_of(ing, field) {
                    let _ = write!(line, "\n      read from {}", one_line(&p));
                }
                wrong.push((path.clone(), line));
            }
        }
    }
    (t, wrong)
}

/// The harness's own judgements, on a unit built by hand (the reader cannot yet produce most of
/// these cases from the documents).
#[test]
fn fields_are_judged_right_wrong_or_missing() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/every-field.toml");
    let unit = jixiao_model::SelfEvaluation::load(&path).unwrap();
    let field = |p: &str| FieldPath::parse(p).unwrap();
    let ing = Ingested {
        report: path.clone(),
        source: jixiao_ingest::SourceFile::text(),
        unit,
        cells: Default::default(),
        review: Vec::new(),
        provenance: [(
            field("budget.spent"),
            jixiao_ingest::Provenance {
                section: "表1".into(),
                line: 3,
                phrase: "540.1234".into(),
                note: None,
            },
        )]
        .into_iter()
        .collect(),
        missing: vec![
            jixiao_ingest::Missing {
                field: field("staffing.retired"),
                why: "两个数".into(),
            },
            jixiao_ingest::Missing {
                field: field("goals"),
                why: "not read".into(),
            },
        ],
        pairings: Vec::new(),
        sections: Vec::new(),
        notes: Vec::new(),
    };
    let expected: toml::Table = toml::from_str(
        r#"
        "budget.opening" = "500.50"             # right: 500.5 as a decimal
        "unit.year" = "2024"                     # right: a string against the integer
        "staffing.authorised" = 12               # right
        "unit.name" = " 某某县某某局 "            # right: trimmed
        "indicators[0].direction" = ">="         # right
        "indicators[1].target" = "效果明显"       # right: against target_text
        "indicators[1].actual" = "基本达到预期"   # right: against actual_text
        "claims[0].at_least" = true              # right
        "funds[0].change" = "-12.5"              # right
        "goals[5].measure.target" = "AMBIGUOUS"  # right: absent, inside the listed `goals`
        "budget.spent" = "540.12"                # wrong
        "indicators[0].target" = "效果明显"       # wrong: the row has a number, no words
        "staffing.in_post" = "AMBIGUOUS"         # wrong: the unit has a value
        "unit.region" = "湖南省"                  # wrong
        "tasks[5].name" = "某任务"                # missing
        "base.three_public_parts.cars" = "AMBIGUOUS"  # wrong: present
        "declared.grade" = "AMBIGUOUS"           # wrong: present
        "execution.points" = "AMBIGUOUS"         # wrong: present
        "unit.filed_on" = "2025-03-15"           # right
        "unit.project_code" = "43000021R000000019951"  # right: a code, not a number
        "narrative.other" = "无。"                # wrong: the unit says 无
        "indicators[2].name" = "不存在"           # missing
        "#,
    )
    .unwrap();
    let (t, wrong) = score(&expected, &ing);
    let wrong_fields: Vec<&str> = wrong.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        wrong_fields,
        [
            "base.three_public_parts.cars",
            "budget.spent",
            "declared.grade",
            "execution.points",
            "indicators[0].target",
            "narrative.other",
            "staffing.in_post",
            "unit.region",
        ]
    );
    assert_eq!((t.fields, t.right, t.wrong, t.missing), (22, 12, 8, 2));
    assert_eq!(t.read(), dec!(54.54));
    let spent = &wrong[1].1;
    assert!(
        spent.contains(r#"expected "540.12", got "540.1234""#),
        "{spent}"
    );
    assert!(
        spent.contains("budget.spent ← 表1, 第3行: 「540.1234」"),
        "{spent}"
    );
    assert!(
        wrong[4].1.starts_with(r#"expected "效果明显", got "100""#),
        "{}",
        wrong[4].1
    );
}

#[test]
fn every_expected_file_has_its_document() {
    let documents: Vec<PathBuf> = documents()
        .into_iter()
        .filter(|d| d.parent() == Some(&*documents_dir()))
        .collect();
    let expected: Vec<PathBuf> = std::fs::read_dir(documents_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".expected.toml"))
        .collect();
    assert_eq!(
        documents.len(),
        expected.len(),
        "each NAME.expected.toml has exactly one document NAME.ext beside it: {documents:?}"
    );
    assert!(documents.len() >= 36, "{} documents", documents.len());
}

#[test]
fn documents_are_read_right_or_left_missing() {
    let mut out = String::from(
        "| file | fields | right | wrong | missing | read % |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let mut total = Tally::default();
    let mut wrongs = Vec::new();
    let mut errors = Vec::new();
    let documents = documents();
    for document in &documents {
        let name = document
            .strip_prefix(documents_dir())
            .unwrap_or(document)
            .to_string_lossy()
            .into_owned();
        let (t, wrong, error) = compare(document);
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} |",
            t.fields,
            t.right,
            t.wrong,
            t.missing,
            percent(t.read())
        );
        total.add(t);
        wrongs.extend(
            wrong
                .into_iter()
                .map(|(field, what)| (format!("{name}: {field}"), what)),
        );
        if let Some(e) = error {
            errors.push(format!("{name}: {e}"));
        }
    }
    let _ = writeln!(
        out,
        "| **total: {} documents** | {} | {} | {} | {} | {} |",
        documents.len(),
        total.fields,
        total.right,
        total.wrong,
        total.missing,
        percent(total.read())
    );
    println!("{out}");
    println!("Read wrong ({}):", wrongs.len());
    for (field, what) in &wrongs {
        let known = if KNOWN_WRONG.contains(&field.as_str()) {
            " [known]"
        } else {
            ""
        };
        println!("  {field}{known}: {what}");
    }
    for known in KNOWN_WRONG {
        if !wrongs.iter().any(|(field, _)| field == known) {
            println!("  no longer wrong, to be removed from KNOWN_WRONG: {known}");
        }
    }
    println!("Not read at all ({}):", errors.len());
    for e in &errors {
        println!("  {e}");
    }
    println!(
        "Read right: {} % of {} fields (bar {READ_BAR} %).",
        total.read(),
        total.fields
    );
    assert!(total.fields > 0, "no expected fields");
    let new: Vec<String> = wrongs
        .iter()
        .filter(|(field, _)| !KNOWN_WRONG.contains(&field.as_str()))
        .map(|(field, what)| format!("{field}: {what}"))
        .collect();
    assert!(new.is_empty(), "fields read wrong:\n{}", new.join("\n"));
    assert!(
        total.read() >= READ_BAR,
        "read right {} % < {READ_BAR} %\n{out}",
        total.read()
    );
}

/// Read completeness against what a person reads: a field the rule set needs is reported read
/// only where the document gives it (its expected file lists it); a field the reader missed is
/// reported not read (the reader's misses are the harness's "missing"). Departments under the
/// Hunan rubric, projects under the national one.
#[test]
fn read_completeness_agrees_with_the_documents() {
    let configs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
    let (department, _) =
        jixiao_rules::RuleSet::load(&configs.join("hunan-department.toml")).expect("rule set");
    let (project, _) =
        jixiao_rules::RuleSet::load(&configs.join("national-project.toml")).expect("rule set");
    let mut checked = 0;
    for document in documents() {
        let Ok(ing) = ingest(&document) else { continue };
        let expected: toml::Table =
            toml::from_str(&std::fs::read_to_string(expected_path(&document)).unwrap()).unwrap();
        let rules = match ing.unit.unit.kind {
            jixiao_model::EvaluationKind::Department => &department,
            jixiao_model::EvaluationKind::Project => &project,
        };
        let c = jixiao_ingest::completeness(&ing.unit, rules);
        for need in &c.needs {
            let Some((_, field)) = need.what.rsplit_once(": ") else {
                continue;
            };
            let listed = expected
                .get(field)
                .is_some_and(|v| v.as_str() != Some("AMBIGUOUS"));
            let stands_in = field == "budget.full_year" && expected.contains_key("budget.income");
            let in_unit = serde_json::to_value(&*ing.unit)
                .ok()
                .and_then(|v| {
                    let mut flat = BTreeMap::new();
                    flatten(&v, "", &mut flat);
                    flat.get(field).cloned()
                })
                .is_some();
            if !need.found {
                assert!(
                    !in_unit,
                    "{}: {field} reported not read, but read",
                    document.display()
                );
            } else if !field.starts_with("base.tasks.") && !stands_in {
                assert!(
                    listed,
                    "{}: {field} reported read, the document does not give it",
                    document.display()
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} documents read");

    // The Hunan 科协 report in Word, by hand: of the rubric's 22 needs it gives 11; it has no
    // 三公经费 (2), no 上年结转 / 年末结余 (3 needs: 预算完成率 ×2, 结转结余率), no task counts and
    // no measurable goal (6: three rates × 2 fields).
    let ing = ingest(&documents_dir().join("hn-lusong-kexie-2024-zibiao.docx")).unwrap();
    let c = jixiao_ingest::completeness(&ing.unit, &department);
    assert_eq!((c.found(), c.needed()), (11, 22));
    assert_eq!(c.label(), "11/22 (50.0%)");
}

/// What a person must look at is said, typed: the 摘要's 92.5 against the 总分 row's 91.45
/// (yn-xundian-xwbgs-2023), and a budget of 100 元 (0.01 万元) in the sample report.
#[test]
fn disagreements_and_implausible_amounts_are_for_review() {
    let ing = ingest(&documents_dir().join("yn-xundian-xwbgs-2023.docx")).unwrap();
    let total = FieldPath::parse("declared.total").unwrap();
    let review = ing
        .review
        .iter()
        .find(|r| r.field == total)
        .expect("declared.total for review");
    assert_eq!(review.kind, jixiao_ingest::ReviewKind::TableAndText);
    assert!(
        review.candidates[0].starts_with("91.45 (表1 第16行第8列"),
        "{review:?}"
    );
    assert!(review.candidates[1].starts_with("92.5 (正文"), "{review:?}");
    assert!(ing.unit.declared.as_ref().is_none_or(|d| d.total.is_none()));
    // On the scorecard, a finding (提示) of its own rule.
    let findings = jixiao_ingest::review_findings(&ing);
    let finding = findings
        .iter()
        .find(|f| f.message.contains("[declared.total]"))
        .expect("a finding");
    assert_eq!(
        finding.rule,
        jixiao_engine::RuleId::Engine(jixiao_engine::EngineRule::DocumentReview)
    );
    assert_eq!(finding.severity, jixiao_engine::Severity::Soft);
    assert!(
        finding
            .message
            .starts_with("表格与正文数字不一致, 未采用 [declared.total]: 91.45")
    );

    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/reports/lusong-kexie-2024.txt");
    let text =
        std::fs::read_to_string(&sample)
            .unwrap()
            .replacen("预算资金69.16万元", "预算资金100元", 1);
    assert!(text.contains("预算资金100元"));
    let ing = jixiao_ingest::ingest_text(&text, &sample).unwrap();
    let opening = FieldPath::parse("budget.opening").unwrap();
    assert_eq!(ing.unit.budget.opening, Some(dec!(0.01)));
    let review = ing
        .review
        .iter()
        .find(|r| r.field == opening)
        .expect("flagged");
    assert_eq!(review.kind, jixiao_ingest::ReviewKind::Implausible);
}

/// A bureau's vocabulary file extends the table vocabulary too: a grid whose target column is
/// headed 计划值 is read once `[tables.indicator] target = ["计划值"]` says so; a misspelt key is
/// refused with its path.
#[test]
fn a_bureaus_file_extends_the_table_vocabulary() {
    use jixiao_ingest::Vocabulary;
    use jixiao_ingest::document::{Cell, Document, Grid, GridOrigin};
    let row = |r: usize, cells: &[&str]| -> Vec<Cell> {
        cells
            .iter()
            .enumerate()
            .map(|(c, t)| Cell {
                text: (*t).to_owned(),
                anchor: (r, c),
            })
            .collect()
    };
    let doc = Document {
        paragraphs: Vec::new(),
        tables: vec![Grid {
            origin: GridOrigin::Word { table: 1 },
            rows: vec![
                row(0, &["三级指标", "计划值", "实际完成值", "分值", "得分"]),
                row(1, &["培训次数", "≥12次", "14次", "10", "10"]),
            ],
        }],
        table_after: vec![0],
        notes: Vec::new(),
    };
    let target = FieldPath::parse("indicators[0].target").unwrap();
    let read = |v: &Vocabulary| jixiao_ingest::tables::read(&doc, v.tables(), Some(2024));
    let builtin = read(Vocabulary::builtin());
    assert!(!builtin.figures.iter().any(|f| f.field == target));
    let file = Path::new("bureau.toml");
    let bureau =
        Vocabulary::from_toml("[tables.indicator]\ntarget = [\"计划值\"]\n", file).unwrap();
    let with = read(&bureau);
    let got = with
        .figures
        .iter()
        .find(|f| f.field == target)
        .expect("read");
    assert_eq!(got.value.to_string(), "12");
    assert_eq!(got.source.place, "表1 第2行第2列");

    let err = Vocabulary::from_toml("[tables.indicator]\ntargte = [\"计划值\"]\n", file)
        .expect_err("unknown key");
    assert!(err.to_string().contains("tables.indicator"), "{err}");
}
