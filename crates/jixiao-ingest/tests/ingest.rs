//! Reading reports: the sample against its hand transcription, the variant reports against their
//! `.expect` files, the sample as a Word file, drafts that re-parse, errors that name the section,
//! and the accuracy table over the whole fixture set.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use jixiao_ingest::{Ingested, ingest, render_draft};
use jixiao_model::{FieldPath, SelfEvaluation};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn reports_dir() -> PathBuf {
    root().join("tests/fixtures/reports")
}

fn sample() -> PathBuf {
    reports_dir().join("lusong-kexie-2024.txt")
}

fn hand() -> PathBuf {
    root().join("tests/fixtures/units/department/lusong-kexie-2024.toml")
}

/// The value at a field path (`funds[0].change`) of a TOML value; `None` when absent.
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

fn as_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Equal as decimals when both read as numbers, else as text.
fn same(a: &toml::Value, b: &toml::Value) -> bool {
    let (a, b) = (as_text(a), as_text(b));
    match (Decimal::from_str_exact(&a), Decimal::from_str_exact(&b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

fn listed_missing(ing: &Ingested, path: &str) -> bool {
    let path = field(path);
    ing.missing.iter().any(|m| path.starts_with(&m.field))
}

fn field(path: &str) -> FieldPath {
    FieldPath::parse(path).unwrap_or_else(|e| panic!("{e}"))
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    right: usize,
    wrong: usize,
    /// Not filled and listed as missing.
    missing: usize,
    /// Wording fields (claim `what`, goal indicator and unit) that differ from the hand's words.
    wording: usize,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.right += o.right;
        self.wrong += o.wrong;
        self.missing += o.missing;
        self.wording += o.wording;
    }
}

/// Checks `ing` against expectations (field path, expected value or `None` for "must be listed
/// missing"), returning the tally and a description of every wrong field.
fn check(ing: &Ingested, expected: &[(String, Option<toml::Value>)]) -> (Tally, Vec<String>) {
    let got = toml::Value::try_from(&ing.unit).expect("unit serialises");
    let mut t = Tally::default();
    let mut wrong = Vec::new();
    for (path, want) in expected {
        let found = at(&got, path);
        match want {
            None => {
                if listed_missing(ing, path) {
                    t.missing += 1;
                } else {
                    t.wrong += 1;
                    wrong.push(format!(
                        "{path}: expected missing, got {found:?} (not listed)"
                    ));
                }
            }
            Some(want) => match found {
                Some(f) if same(&f, want) => t.right += 1,
                Some(f) => {
                    t.wrong += 1;
                    wrong.push(format!("{path}: expected {want}, got {f}"));
                }
                None if listed_missing(ing, path) => t.missing += 1,
                None => {
                    t.wrong += 1;
                    wrong.push(format!(
                        "{path}: expected {want}, absent and not listed missing"
                    ));
                }
            },
        }
    }
    (t, wrong)
}

/// Reads an `.expect` file: `path = TOML value` or `path = MISSING`, `#` comments.
fn expectations(path: &Path) -> Vec<(String, Option<toml::Value>)> {
    let text = std::fs::read_to_string(path).expect("expect file");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l.split_once(" = ").expect("`path = value` line");
            let v = v.trim();
            let value = (v != "MISSING").then(|| {
                let t: toml::Table = toml::from_str(&format!("v = {v}")).expect("TOML value");
                t["v"].clone()
            });
            (k.trim().to_owned(), value)
        })
        .collect()
}

/// A field path and its expected value, or `None` for "must be listed missing".
type Expectation = (String, Option<toml::Value>);

/// Every leaf of the hand transcription as an expectation, with the wording fields apart.
fn hand_expectations() -> (Vec<Expectation>, Vec<(String, toml::Value)>) {
    let text = std::fs::read_to_string(hand()).expect("hand fixture");
    let value: toml::Value = toml::from_str(&text).expect("hand fixture parses");
    fn walk(prefix: &str, v: &toml::Value, out: &mut Vec<(String, toml::Value)>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&p, v, out);
                }
            }
            toml::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(&format!("{prefix}[{i}]"), v, out);
                }
            }
            leaf => out.push((prefix.to_owned(), leaf.clone())),
        }
    }
    let mut leaves = Vec::new();
    walk("", &value, &mut leaves);
    let wording = |p: &str| {
        p.ends_with(".what") || p.ends_with(".measure.indicator") || p.ends_with(".measure.unit")
    };
    let (words, figures): (Vec<_>, Vec<_>) = leaves.into_iter().partition(|(p, _)| wording(p));
    (
        figures
            .into_iter()
            .filter(|(p, _)| !p.starts_with("claims["))
            .map(|(p, v)| (p, Some(v)))
            .collect(),
        words
            .into_iter()
            .filter(|(p, _)| !p.starts_with("claims["))
            .collect(),
    )
}

/// The hand transcription's claims matched to the extracted ones by quantity, measure word,
/// `at_least` and wording (at least half the hand's characters in the claim's sentence), in
/// order: (matched, what of the hand claims not matched).
fn match_claims(ing: &Ingested) -> (usize, Vec<String>) {
    let hand = SelfEvaluation::load(&hand()).expect("hand fixture");
    let mut used = vec![false; ing.unit.claims.len()];
    let mut matched = 0;
    let mut unmatched = Vec::new();
    for h in &hand.claims {
        let found = ing.unit.claims.iter().enumerate().position(|(i, c)| {
            let sentence = &ing.provenance[&FieldPath::new("claims").index(i)].phrase;
            let shared = h.what.chars().filter(|ch| sentence.contains(*ch)).count();
            !used[i]
                && c.quantity == h.quantity
                && c.unit == h.unit
                && c.at_least == h.at_least
                && shared * 2 >= h.what.chars().count()
        });
        match found {
            Some(i) => {
                used[i] = true;
                matched += 1;
            }
            None => unmatched.push(h.what.clone()),
        }
    }
    assert!(
        used.iter().all(|u| *u),
        "claims read that the hand did not list"
    );
    (matched, unmatched)
}

fn variant_reports() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(reports_dir())
        .expect("reports dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("variant-"))
                && jixiao_ingest::is_report(p)
        })
        .collect();
    v.sort();
    v
}

fn ingested(path: &Path) -> Ingested {
    ingest(path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_sample_is_read_as_transcribed_by_hand() {
    let ing = ingested(&sample());
    let u = &ing.unit;
    // Every figure of the sample.
    assert_eq!(u.unit.name, "株洲市芦淞区科学技术协会");
    assert_eq!(u.unit.year, 2024);
    assert_eq!(u.unit.kind, jixiao_model::EvaluationKind::Department);
    assert_eq!(u.unit.category.as_deref(), Some("群团组织"));
    assert_eq!(u.unit.level.as_deref(), Some("正科级"));
    assert_eq!(u.unit.sub_units, Some(0));
    assert_eq!(u.unit.region, None);
    let st = u.staffing.expect("staffing");
    assert_eq!((st.authorised, st.in_post, st.retired), (3, 3, 1));
    let b = &u.budget;
    assert_eq!(b.opening, Some(dec!(69.16)));
    assert_eq!(b.full_year, None);
    assert_eq!(b.income, Some(dec!(85.33)));
    assert_eq!(b.spent, dec!(85.33));
    assert_eq!(b.basic, Some(dec!(55.09)));
    assert_eq!(b.personnel, Some(dec!(47.3)));
    assert_eq!(b.public, Some(dec!(7.79)));
    assert_eq!(b.project, Some(dec!(30.24)));
    assert_eq!(u.accounts.government_fund, jixiao_model::Account::None);
    assert_eq!(u.accounts.state_capital, jixiao_model::Account::None);
    assert_eq!(u.accounts.social_insurance, jixiao_model::Account::None);
    let funds: Vec<_> = u
        .funds
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.opening,
                f.change,
                f.spent,
                f.carried_over,
            )
        })
        .collect();
    assert_eq!(
        funds,
        [
            ("科普经费", dec!(8), dec!(11.84), dec!(19.84), dec!(0.01)),
            ("换届工作经费", dec!(3), dec!(-0.6), dec!(2.4), dec!(0)),
            ("老年科普经费", dec!(3), dec!(5.09), dec!(8), dec!(0.09)),
        ]
    );
    let sources: Vec<_> = u.funds[0]
        .sources
        .iter()
        .map(|s| (s.name.as_str(), s.amount))
        .collect();
    assert_eq!(
        sources,
        [("上级科普经费", dec!(10)), ("本级科普经费", dec!(9.84))]
    );
    assert_eq!(u.goals.len(), 10);
    let m = u.goals[4].measure.as_ref().expect("宣传受众 target");
    assert_eq!((m.target, m.actual), (dec!(10000), Some(dec!(70000))));
    let m = u.goals[6].measure.as_ref().expect("青少年活动 target");
    assert_eq!((m.target, m.actual), (dec!(2), None));
    let claims: Vec<_> = u
        .claims
        .iter()
        .map(|c| (c.quantity, c.unit.as_str()))
        .collect();
    assert_eq!(claims.len(), 19);
    // The hand lists 20: its 获批湖南省博士创新站 2 counts two named bodies; the report states
    // no number there, so ingestion has no claim to read.
    let (matched, unmatched) = match_claims(&ing);
    assert_eq!(matched, 19);
    assert_eq!(unmatched, ["获批湖南省博士创新站"]);
    assert_eq!(claims[5], (dec!(10000), "人次"));
    assert!(u.claims[5].at_least);
    let robot: Vec<Decimal> = u.claims[6..9].iter().map(|c| c.quantity).collect();
    assert_eq!(robot, [dec!(6), dec!(12), dec!(27)]);
    assert_eq!(u.facts.get("results_disclosed"), Some(&true));
    assert_eq!(u.narrative.problems.as_deref(), Some("无。"));
    assert_eq!(u.narrative.improvements.as_deref(), Some("无。"));
    assert_eq!(u.narrative.other.as_deref(), Some("无。"));

    // Provenance: the section, line and phrase.
    let p = &ing.provenance[&field("budget.opening")];
    assert_eq!(p.line, 31);
    assert_eq!(p.phrase, "2024年预算资金69.16万元");
    assert!(p.section.starts_with("二、一般公共预算支出情况"));
    let p = &ing.provenance[&field("goals[4].measure.actual")];
    assert_eq!(p.line, 52);
    assert!(p.note.as_deref().unwrap_or("").contains("× 7 天"));
    assert_eq!(ing.pairings.len(), 1);

    // Against the hand transcription: every figure right or listed missing, none wrong.
    let (figures, words) = hand_expectations();
    let (t, wrong) = check(&ing, &figures);
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(t.wrong, 0);
    // What the hand transcription judged and ingestion leaves to a reviewer.
    let missing: Vec<&str> = figures
        .iter()
        .filter(|(p, _)| {
            at(&toml::Value::try_from(&ing.unit).expect("ser"), p).is_none()
                && listed_missing(&ing, p)
        })
        .map(|(p, _)| p.as_str())
        .collect();
    assert_eq!(missing, ["goals[6].measure.actual", "unit.region"]);
    assert!(!words.is_empty());
}

#[test]
fn the_sample_scores_the_same_as_its_hand_transcription() {
    let (rules, _) =
        jixiao_rules::RuleSet::load(&root().join("configs/hunan-department.toml")).expect("rules");
    let hand = SelfEvaluation::load(&hand()).expect("hand fixture");
    let ing = ingested(&sample());
    let a = jixiao_engine::score(&hand, &rules).expect("hand scores");
    let b = jixiao_engine::score(&ing.unit, &rules).expect("ingested scores");
    assert_eq!(a.total, dec!(68.28));
    assert_eq!(
        (b.total, b.total_exact, &b.grade),
        (a.total, a.total_exact, &a.grade)
    );
    let rules_of = |c: &jixiao_engine::Scorecard| {
        c.findings
            .iter()
            .map(|f| (f.rule.clone(), f.message.clone()))
            .collect::<Vec<_>>()
    };
    // The over-achievement findings name the goals as each read them: the hand transcribes
    // 科普宣传受众 (人次) and the youth activities' actual (4 of 2); the reader reads the goal as
    // 宣传受众 (人) and leaves the second actual to a reviewer (goals[6].measure.actual, above). So
    // both raise the 700 % one, and only the hand the 200 % one.
    let over = jixiao_engine::RuleId::Check(jixiao_rules::CheckId::OverAchievement);
    let others = |c: &jixiao_engine::Scorecard| {
        let mut all = rules_of(c);
        all.retain(|(rule, _)| *rule != over);
        all
    };
    assert_eq!(others(&a), others(&b));
    let over_of = |c: &jixiao_engine::Scorecard| {
        c.findings
            .iter()
            .filter(|f| f.rule == over)
            .map(|f| f.figures.iter().map(|x| x.value).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    // (target, actual, actual / target in %).
    assert_eq!(
        over_of(&a),
        [
            vec![dec!(10000), dec!(70000), dec!(700)],
            vec![dec!(2), dec!(4), dec!(200)]
        ]
    );
    assert_eq!(over_of(&b), [vec![dec!(10000), dec!(70000), dec!(700)]]);
    for ((_, x), (_, y)) in a.leaves().iter().zip(b.leaves().iter()) {
        assert_eq!((x.id.as_str(), x.score), (y.id.as_str(), y.score));
    }
    // The scorecard's figures carry their sentence.
    let rows = jixiao_ingest::sources_for(&b, &ing);
    let opening = rows
        .iter()
        .find(|r| r.field == field("budget.opening"))
        .expect("年初预算 source");
    assert!(opening.source.contains("第31行"), "{}", opening.source);
    assert!(
        rows.iter()
            .any(|r| r.field == field("goals[4].measure.actual"))
    );
}

#[test]
fn variants_are_read_right_or_reported_missing() {
    let reports = variant_reports();
    assert!(reports.len() >= 12, "{} variant reports", reports.len());
    let mut failures = Vec::new();
    for report in &reports {
        let expect = report.with_extension("expect");
        let ing = ingested(report);
        let (t, wrong) = check(&ing, &expectations(&expect));
        assert!(t.right > 0, "{}: nothing asserted", report.display());
        failures.extend(
            wrong
                .into_iter()
                .map(|w| format!("{}: {w}", report.display())),
        );
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Fields right / wrong / missing per fixture and overall. Run with
/// `cargo test -p jixiao-ingest --test ingest accuracy -- --nocapture` to see the table.
#[test]
fn accuracy() {
    let mut rows = Vec::new();
    let mut total = Tally::default();
    let ing = ingested(&sample());
    let (figures, words) = hand_expectations();
    let (mut t, _) = check(&ing, &figures);
    let (matched, unmatched) = match_claims(&ing);
    t.right += matched;
    t.missing += unmatched.len();
    let got = toml::Value::try_from(&ing.unit).expect("ser");
    t.wording = words
        .iter()
        .filter(|(p, v)| at(&got, p).is_none_or(|g| !same(&g, v)))
        .count();
    rows.push((
        "lusong-kexie-2024.txt (vs hand transcription)".to_owned(),
        t,
    ));
    total.add(t);
    for report in variant_reports() {
        let ing = ingested(&report);
        let (t, _) = check(&ing, &expectations(&report.with_extension("expect")));
        rows.push((
            report
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            t,
        ));
        total.add(t);
    }
    let mut out = String::from(
        "| fixture | right | wrong | missing (listed) | wording differs |\n|---|---:|---:|---:|---:|\n",
    );
    for (name, t) in &rows {
        out.push_str(&format!(
            "| {name} | {} | {} | {} | {} |\n",
            t.right, t.wrong, t.missing, t.wording
        ));
    }
    out.push_str(&format!(
        "| **all {} fixtures** | {} | {} | {} | {} |\n",
        rows.len(),
        total.right,
        total.wrong,
        total.missing,
        total.wording
    ));
    println!("{out}");
    assert_eq!(total.wrong, 0, "{out}");
}

/// A report named or worded with control characters (ESC in the file name, a vertical tab and
/// DEL in a line) still gives a draft that parses: TOML allows none of them in a comment.
#[test]
fn a_draft_quoting_control_characters_parses_back() {
    let text = std::fs::read_to_string(sample()).expect("the sample");
    let text = text.replace(
        "1、2024年预算资金69.16万元",
        "1、\u{b}\u{7f}2024年预算资金69.16万元",
    );
    let name = Path::new("科协\u{1b}[31m.txt");
    let ing = jixiao_ingest::ingest_text(&text, name).expect("read");
    let draft = render_draft(&ing);
    let back = SelfEvaluation::from_toml(&draft, name).unwrap_or_else(|e| panic!("{e}\n{draft}"));
    assert_eq!(back, ing.unit);
    assert_eq!(back.budget.opening, Some(rust_decimal_macros::dec!(69.16)));
    assert!(
        draft.starts_with("# Unit file draft read by `jixiao ingest` from 科协\\u{1B}[31m.txt.\n"),
        "{draft}"
    );
}

#[test]
fn drafts_reparse_to_the_same_unit() {
    let mut reports = variant_reports();
    reports.push(sample());
    for report in reports {
        let ing = ingested(&report);
        let draft = render_draft(&ing);
        let back = SelfEvaluation::from_toml(&draft, &report)
            .unwrap_or_else(|e| panic!("{}: {e}\n{draft}", report.display()));
        assert_eq!(back, ing.unit, "{}", report.display());
        for m in &ing.missing {
            assert!(draft.contains(&format!("#   - {}: ", m.field)));
        }
    }
    let draft = render_draft(&ingested(&sample()));
    assert!(draft.contains("# ← 二、一般公共预算支出情况 › （一）基本支出情况, 第31行: 「2024年预算资金69.16万元」\nopening = 69.16\n"));
}

#[test]
fn a_draft_of_every_field_reparses_to_the_same_unit() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/every-field.toml");
    let unit = SelfEvaluation::load(&path).unwrap();
    let read_at = |line, phrase: &str| jixiao_ingest::Provenance {
        section: "表1".to_owned(),
        line,
        phrase: phrase.to_owned(),
        note: None,
    };
    let provenance = [
        ("unit.supervisor", read_at(1, "主管部门 某某县人民政府")),
        ("execution.rate", read_at(5, "96.41%")),
        (
            "base.three_public_parts.cars",
            read_at(7, "公务用车购置及运行 5.2"),
        ),
        ("tasks[0].spent", read_at(9, "118.5")),
        ("indicators[1].target_text", read_at(12, "效果明显")),
        ("declared.total", read_at(20, "总分 100 92.5")),
    ]
    .into_iter()
    .map(|(f, p)| (field(f), p))
    .collect();
    let ing = Ingested {
        report: path.clone(),
        source: jixiao_ingest::SourceFile::text(),
        unit,
        cells: Default::default(),
        review: Vec::new(),
        provenance,
        missing: Vec::new(),
        pairings: Vec::new(),
        sections: Vec::new(),
        notes: Vec::new(),
    };
    let draft = render_draft(&ing);
    let back = SelfEvaluation::from_toml(&draft, &path).unwrap_or_else(|e| panic!("{e}\n{draft}"));
    assert_eq!(back, ing.unit, "{draft}");
    for expected in [
        "# ← 表1, 第1行: 「主管部门 某某县人民政府」\nsupervisor = \"某某县人民政府\"\n",
        "filed_on = \"2025-03-15\"\n",
        "project_code = \"43000021R000000019951\"\n",
        "# ← 表1, 第5行: 「96.41%」\nrate = 96.41\n",
        "# ← 表1, 第7行: 「公务用车购置及运行 5.2」\nthree_public_parts = { cars = 5.2, receptions = 2, overseas = 1 }\n",
        "# ← 表1, 第9行: 「118.5」\nspent = 118.5\n",
        "# ← 表1, 第12行: 「效果明显」\ntarget_text = \"效果明显\"\n",
        "# ← 表1, 第20行: 「总分 100 92.5」\ntotal = 92.5\n",
        // 16 significant digits: a float would not keep them, so the draft writes a string.
        "key_project_spending = \"123456789012.3456\"\n",
    ] {
        assert!(draft.contains(expected), "{expected:?} not in\n{draft}");
    }
}

/// Writes a minimal Word file holding `lines`, one paragraph each, the first run split in two
/// so that a paragraph's text must be joined from its runs.
fn write_docx(path: &Path, lines: &[&str]) {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut body = String::new();
    for line in lines {
        let chars: Vec<char> = line.chars().collect();
        let half = chars.len() / 2;
        let a: String = chars[..half].iter().collect();
        let b: String = chars[half..].iter().collect();
        body.push_str(&format!(
            "<w:p><w:pPr><w:jc w:val=\"both\"/></w:pPr><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>{}</w:t></w:r></w:p>",
            esc(&a),
            esc(&b)
        ));
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    let file = std::fs::File::create(path).expect("create docx");
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in [
        ("[Content_Types].xml", content_types.to_owned()),
        ("_rels/.rels", rels.to_owned()),
        ("word/document.xml", document),
    ] {
        zip.start_file(name, options).expect("zip entry");
        zip.write_all(text.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip finish");
}

#[test]
fn the_sample_as_a_word_file_reads_like_the_text() {
    let text = std::fs::read_to_string(sample()).expect("sample");
    let lines: Vec<&str> = text.lines().collect();
    let dir = std::env::temp_dir().join(format!("jixiao-ingest-docx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let docx = dir.join("lusong-kexie-2024.docx");
    write_docx(&docx, &lines);
    let from_docx = ingested(&docx);
    let from_text = ingested(&sample());
    assert_eq!(from_docx.unit, from_text.unit);
    assert_eq!(from_docx.provenance, from_text.provenance);
    assert_eq!(from_docx.unit.budget.spent, dec!(85.33));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_report_without_an_opening_budget_lists_it_as_not_filled() {
    let text = std::fs::read_to_string(sample()).unwrap().replacen(
        "1、2024年预算资金69.16万元。",
        "1、预算安排详见附表。",
        1,
    );
    let ing = jixiao_ingest::ingest_text(&text, Path::new("no-opening.txt")).unwrap();
    assert_eq!(ing.unit.budget.opening, None);
    let missing = ing
        .missing
        .iter()
        .find(|m| m.field == field("budget.opening"))
        .expect("budget.opening listed as not filled");
    assert!(missing.why.contains("年初预算"), "{}", missing.why);
    // Every other figure is read as from the sample.
    let mut whole = ingested(&sample()).unit.into_inner();
    whole.budget.opening = None;
    assert_eq!(ing.unit, whole);
    let draft = render_draft(&ing);
    let budget = &draft[draft.find("[budget]").unwrap()..draft.find("[accounts]").unwrap()];
    assert!(!budget.contains("opening"), "{budget}");
    assert_eq!(
        SelfEvaluation::from_toml(&draft, Path::new("d.toml")).unwrap(),
        whole
    );
}

#[test]
fn an_unreadable_section_is_an_error_naming_report_and_section() {
    let bad = root().join("tests/fixtures/reports-unreadable/no-spending.txt");
    let err = ingest(&bad).expect_err("no spending");
    let msg = err.to_string();
    assert!(msg.contains("no-spending.txt"), "{msg}");
    assert!(msg.contains("二、一般公共预算支出情况"), "{msg}");
    assert!(msg.contains("budget.spent"), "{msg}");

    let bad = root().join("tests/fixtures/reports-unreadable/no-title.txt");
    let msg = ingest(&bad).expect_err("no title").to_string();
    assert!(msg.contains("标题") && msg.contains("unit.year"), "{msg}");

    // A file that is not there (the formats not read: tests/formats.rs).
    let err = ingest(Path::new("no-such-report.pdf")).expect_err("missing");
    assert!(
        matches!(err, jixiao_ingest::IngestError::Io { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("no-such-report.pdf"), "{err}");
}

/// A minimal department report with `staffing` as its 人员情况 line.
fn with_staffing(staffing: &str) -> Ingested {
    let text = format!(
        "某局2024年度部门整体支出绩效自评报告\n一、基本情况\n（一）人员情况\n{staffing}\n二、一般公共预算支出情况\n年初预算100万元，全年执行数90万元。\n"
    );
    jixiao_ingest::ingest_text(&text, Path::new("staffing.txt")).unwrap_or_else(|e| panic!("{e}"))
}

fn missing_why(ing: &Ingested, path: &str) -> String {
    ing.missing
        .iter()
        .find(|m| m.field.as_str() == path)
        .map(|m| m.why.clone())
        .unwrap_or_default()
}

#[test]
fn staffing_totals_win_over_parts_and_disagreeing_figures_are_left_to_a_reviewer() {
    // A total over its parts: the total, and the note names the parts.
    let ing = with_staffing(
        "人员编制326名，其中：行政编制43名，参照公务员法管理编制7名，事业编制276名。实有在职人数326人。",
    );
    let st = ing.unit.staffing.expect("staffing");
    assert_eq!((st.authorised, st.in_post), (326, 326));
    let note = ing.provenance[&field("staffing.authorised")]
        .note
        .clone()
        .unwrap_or_default();
    assert!(
        note.contains("行政编制 43 + 参照公务员法管理编制 7 + 事业编制 276 = 326"),
        "{note}"
    );

    // Parts of different kinds and no total: summed, said so.
    let ing = with_staffing("机关行政编制39名，事业编制5名，在职实有42人。");
    assert_eq!(ing.unit.staffing.map(|s| s.authorised), Some(44));
    let note = ing.provenance[&field("staffing.authorised")]
        .note
        .clone()
        .unwrap_or_default();
    assert!(note.starts_with("derived"), "{note}");

    // A head count counting retirees gives way to the 在职 figure.
    let ing = with_staffing("核定编制30人，本年年末实有人数48人，其中在职26人，离退休22人。");
    let st = ing.unit.staffing.expect("staffing");
    assert_eq!((st.in_post, st.retired), (26, 22));
    let note = ing.provenance[&field("staffing.in_post")]
        .note
        .clone()
        .unwrap_or_default();
    assert!(note.contains("实有人数48人"), "{note}");

    // Figures per sub-unit with no total: nothing filled, the candidates listed.
    let ing = with_staffing(
        "机关现有干部职工128人（编制169人），下属国有林场现有干部职工163人（编制219）。局机关现有退休64人，国有林场退休246人。",
    );
    assert_eq!(ing.unit.staffing, None);
    let why = missing_why(&ing, "staffing.authorised");
    assert!(
        why.contains("编制169人") && why.contains("编制219"),
        "{why}"
    );
    assert!(missing_why(&ing, "staffing.in_post").contains("163人"));
}

fn read_text(text: &str) -> Ingested {
    jixiao_ingest::ingest_text(text, Path::new("title.txt")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn titles_across_two_lines_without_a_year_or_naming_only_the_project_are_read() {
    const BUDGET: &str = "二、预算执行情况\n年初预算100万元，全年执行数90万元。\n";
    // Across two lines; a transfer payment is a project; the title names only the region, the
    // body the unit.
    let ing = read_text(&format!(
        "万源市2021年度困难群众救助补助资金\n专项转移支付资金绩效自评报告\n一、绩效目标分解下达情况\n2021年，万源市民政局共收到中央下达资金100万元。\n{BUDGET}"
    ));
    let u = &ing.unit.unit;
    assert_eq!(
        (u.year, u.kind),
        (2021, jixiao_model::EvaluationKind::Project)
    );
    assert_eq!(u.name, "万源市民政局");
    assert_eq!(u.project.as_deref(), Some("困难群众救助补助资金"));
    let note = ing.provenance[&field("unit.year")]
        .note
        .clone()
        .unwrap_or_default();
    assert!(note.contains("第1-2行"), "{note}");

    // The year on the line below the title; a remark (汇总) after it.
    let ing = read_text(&format!(
        "衡阳县林业局部门整体支出绩效自评报告（汇总）\n( 20 21 年度 )\n预算编码：418001\n一、基本情况\n{BUDGET}"
    ));
    assert_eq!(
        (ing.unit.unit.year, ing.unit.unit.name.as_str()),
        (2021, "衡阳县林业局")
    );
    assert_eq!(ing.unit.unit.code.as_deref(), Some("418001"));

    // No year in the title: the year the body names most often (dates left out).
    let ing = read_text(&format!(
        "中共开远市委党校整体支出绩效自评报告\n一、基本情况\n下达2016年财政经费支出预算（开财字〔2017〕6号），截至2017年3月31日。\n{}",
        BUDGET.replace("年初预算", "2016年年初预算")
    ));
    assert_eq!(ing.unit.unit.year, 2016);

    // A project's title names the project; the unit is named in the body.
    let ing = read_text(&format!(
        "2022年度河湖水系闸坝工程运行维修经费项目支出绩效自评报告\n一、项目基本情况\n本项目由许昌市河湖水系水源调度中心（以下简称“中心”）实施。\n{BUDGET}"
    ));
    let u = &ing.unit.unit;
    assert_eq!(u.name, "许昌市河湖水系水源调度中心");
    assert_eq!(u.project.as_deref(), Some("河湖水系闸坝工程运行维修经费"));

    // Or on a line of its own below the title.
    let ing = read_text(&format!(
        "2019年旅游发展基金补助地方项目（旅游厕所）专项资金绩效评价报告\n攀枝花市文化广播电视和旅游局\n一、基本情况\n{BUDGET}"
    ));
    assert_eq!(ing.unit.unit.name, "攀枝花市文化广播电视和旅游局");
}

#[test]
fn a_projects_money_a_total_over_its_parts_and_money_received_is_not_spent() {
    // Allocations per level under a stated total (full-width digits and separators): the total,
    // the note naming the parts.
    let ing = read_text(
        "万源市民政局2021年度困难群众救助补助资金专项转移支付资金绩效自评报告\n一、绩效目标分解下达情况\n２０２１年，共收到中央下达困难群众救助补助资金９，０５６万元，年初预算９，０５６万元。\n省级下达资金８０４万元。\n市县下达资金２，０４０．５６万元。三级资金合计１１，９００．５６万元。\n二、绩效目标完成情况分析\n各级资金全部到位，资金到位率１００％。全年执行数１１，８７３．２０万元。\n",
    );
    let b = &ing.unit.budget;
    assert_eq!(
        (b.opening, b.full_year, b.spent),
        (Some(dec!(9056)), Some(dec!(11900.56)), dec!(11873.2))
    );
    let note = ing.provenance[&field("budget.full_year")]
        .note
        .clone()
        .unwrap_or_default();
    assert!(
        note.contains("合计优先") && note.contains("804万元"),
        "{note}"
    );

    // Several allocations and no total: not filled, listed.
    let ing = read_text(
        "某县民政局2021年度救助资金专项资金绩效自评报告\n一、资金情况\n年初预算100万元，中央下达救助资金60万元，省级下达资金40万元，实际支出90万元。\n",
    );
    assert_eq!(ing.unit.budget.full_year, None);
    assert!(missing_why(&ing, "budget.full_year").contains("no total"));

    // A total whose amount cannot be read (1，200 is no number) leaves the parts unused; a
    // mention without a figure (专项资金实行专款专用) is no allocation.
    let ing = read_text(
        "某县民政局2021年度救助资金专项资金绩效自评报告\n一、资金情况\n年初预算100万元，中央下达救助资金1000万元，资金合计1，200万元，实际支出90万元。专项资金实行专款专用。\n",
    );
    assert_eq!(ing.unit.budget.full_year, None);
    assert!(missing_why(&ing, "budget.full_year").contains("total"));

    // "支出完毕" is the budget spent in full; "到位" is money received, never spending.
    let ing = read_text(
        "某区文化和旅游局2021年省级旅游发展资金绩效自评报告\n一、绩效目标情况\n下达我区省级旅游发展资金87万元，年初预算87万元。\n二、绩效目标完成情况分析\n项目资金全部到位，到位率100%。项目资金已于2021年12月支出完毕。\n",
    );
    assert_eq!(ing.unit.budget.spent, dec!(87));
    let p = &ing.provenance[&field("budget.spent")];
    assert!(p.phrase.contains("支出完毕") && p.note.as_deref().unwrap_or("").contains("derived"));
    let err = jixiao_ingest::ingest_text(
        "某区文化和旅游局2021年省级旅游发展资金绩效自评报告\n一、资金情况\n年初预算87万元，资金已全部到位。\n",
        Path::new("received.txt"),
    )
    .expect_err("received is not spent");
    assert!(err.to_string().contains("budget.spent"), "{err}");
}

#[test]
fn a_goals_target_and_actual_in_one_sentence_and_quantities_as_written() {
    let ing = read_text(
        "某市农业农村局2019年度部门整体支出绩效自评报告\n一、部门基本情况\n（一）部门绩效目标的设立情况\n1.粮食总产量稳定在146万吨以上，实际完成148.2万吨。\n2.闸坝启闭设备维修不少于12座，实际维修12座。\n（二）部门整体支出情况\n年初预算100万元，预算执行数90万元。\n三、绩效目标完成情况\n目标1：清理河道垃圾，年度目标1200吨，实际完成1350吨。\n四、部门整体支出绩效情况\n1项目资金到位情况分析。完成2个乡村旅游重点村建设，新建污水管网18.6公里。\n",
    );
    let measures: Vec<_> = ing
        .unit
        .goals
        .iter()
        .filter_map(|g| g.measure.as_ref())
        .map(|m| (m.indicator.as_str(), m.target, m.actual, m.unit.as_str()))
        .collect();
    assert_eq!(
        measures,
        [
            ("粮食总产量稳定在", dec!(146), Some(dec!(148.2)), "万吨"),
            ("闸坝启闭设备维修", dec!(12), Some(dec!(12)), "座"),
            ("清理河道垃圾", dec!(1200), Some(dec!(1350)), "吨"),
        ]
    );
    let p = &ing.provenance[&field("goals[2].measure.actual")];
    assert_eq!(p.phrase, "实际完成1350吨");
    assert!(ing.pairings.is_empty(), "stated actuals are no suggestions");
    // "1项目…" is an item numbered 1, not a claim of 1 项; the goal line is no claim.
    let claims: Vec<_> = ing
        .unit
        .claims
        .iter()
        .map(|c| (c.quantity, c.unit.as_str()))
        .collect();
    assert_eq!(claims, [(dec!(2), "个"), (dec!(18.6), "公里")]);
}

#[test]
fn the_self_evaluation_stated_in_the_text_is_read_and_a_disagreement_left_to_a_reviewer() {
    const HEAD: &str = "某局2022年度部门整体支出绩效自评报告\n一、部门整体支出情况\n年初预算100万元，全年执行数90万元，执行率得分9分。\n二、自评结论\n";
    let ing = read_text(&format!("{HEAD}项目自评得分96分，等级为优。\n"));
    let d = ing.unit.declared.clone().expect("declared");
    assert_eq!((d.total, d.grade.as_deref()), (Some(dec!(96)), Some("优")));
    let ing = read_text(&format!("{HEAD}整体绩效自评为优秀。\n"));
    assert_eq!(
        ing.unit.declared.as_ref().and_then(|d| d.grade.as_deref()),
        Some("优秀")
    );
    let ing = read_text(&format!("{HEAD}自评得分92.5分。\n自评总分91.45分。\n"));
    assert_eq!(ing.unit.declared, None);
    assert!(missing_why(&ing, "declared.total").contains("different values"));
}
