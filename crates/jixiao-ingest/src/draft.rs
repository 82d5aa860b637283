//! The unit file draft: the documented TOML unit format, each figure preceded by a comment saying
//! where it was read, the fields not filled listed at the top. It re-parses with
//! `SelfEvaluation::from_toml` to the same unit.

use std::fmt::Write as _;

use jixiao_model::{Account, SelfEvaluation};
use rust_decimal::Decimal;

use crate::Ingested;

fn s(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn d(value: Decimal) -> String {
    value.normalize().to_string()
}

struct Out<'a> {
    text: String,
    ing: &'a Ingested,
}

impl Out<'_> {
    fn line(&mut self, l: &str) {
        self.text.push_str(l);
        self.text.push('\n');
    }

    /// The provenance comment of `field`, if any.
    fn source(&mut self, field: &str) {
        if let Some(p) = self.ing.provenance.get(&crate::fields::path(field)) {
            let phrase: String = p.phrase.replace('\n', " ").chars().take(120).collect();
            let _ = writeln!(
                self.text,
                "# ← {}, 第{}行: 「{phrase}」",
                p.section.replace('\n', " "),
                p.line
            );
            if let Some(note) = &p.note {
                let _ = writeln!(self.text, "#   {note}");
            }
        }
    }

    fn kv(&mut self, field: &str, key: &str, value: String) {
        self.source(field);
        let _ = writeln!(self.text, "{key} = {value}");
    }
}

/// Renders the draft unit file of `ing`.
pub fn render_draft(ing: &Ingested) -> String {
    let mut o = Out {
        text: String::new(),
        ing,
    };
    let u: &SelfEvaluation = &ing.unit;
    o.line(&format!(
        "# Unit file draft read by `jixiao ingest` from {}.",
        ing.report.display()
    ));
    o.line("# Money in 万元. Above each figure: the section, line and phrase it was read from.");
    o.line("# Goal actuals paired with narrative claims are suggestions: confirm them.");
    o.line("#");
    o.line(&format!(
        "# Filled {} fields. Not filled (never guessed):",
        ing.filled()
    ));
    for m in &ing.missing {
        o.line(&format!("#   - {}: {}", m.field, m.why));
    }
    o.line("#");
    o.line("# Sections recognised (line: heading → topic):");
    for (line, text, topic) in &ing.sections {
        o.line(&format!("#   {line}: {text} → {topic}"));
    }
    o.line("");

    o.line("[unit]");
    o.kv("unit.name", "name", s(&u.unit.name));
    if let Some(code) = &u.unit.code {
        o.kv("unit.code", "code", s(code));
    }
    if let Some(region) = &u.unit.region {
        o.kv("unit.region", "region", s(region));
    }
    o.kv("unit.year", "year", u.unit.year.to_string());
    o.kv(
        "unit.kind",
        "kind",
        s(match u.unit.kind {
            jixiao_model::EvaluationKind::Department => "department",
            jixiao_model::EvaluationKind::Project => "project",
        }),
    );
    if let Some(v) = &u.unit.project {
        o.kv("unit.project", "project", s(v));
    }
    if let Some(v) = &u.unit.category {
        o.kv("unit.category", "category", s(v));
    }
    if let Some(v) = &u.unit.level {
        o.kv("unit.level", "level", s(v));
    }
    if let Some(v) = u.unit.sub_units {
        o.kv("unit.sub_units", "sub_units", v.to_string());
    }

    if let Some(st) = &u.staffing {
        o.line("\n[staffing]");
        o.kv(
            "staffing.authorised",
            "authorised",
            st.authorised.to_string(),
        );
        o.kv("staffing.in_post", "in_post", st.in_post.to_string());
        o.kv("staffing.retired", "retired", st.retired.to_string());
    }

    for (i, g) in u.goals.iter().enumerate() {
        o.line("");
        o.source(&format!("goals[{i}]"));
        o.line("[[goals]]");
        if let Some(f) = &g.fund {
            o.line(&format!("fund = {}", s(f)));
        }
        o.line(&format!("text = {}", s(&g.text)));
        if let Some(m) = &g.measure {
            o.source(&format!("goals[{i}].measure.target"));
            o.source(&format!("goals[{i}].measure.actual"));
            let actual = m
                .actual
                .map_or(String::new(), |a| format!(", actual = {}", d(a)));
            o.line(&format!(
                "measure = {{ indicator = {}, direction = {}, target = {}{actual}, unit = {} }}",
                s(&m.indicator),
                s(match m.direction {
                    jixiao_model::Direction::AtLeast => ">=",
                    jixiao_model::Direction::AtMost => "<=",
                    jixiao_model::Direction::Equal => "=",
                }),
                d(m.target),
                s(&m.unit)
            ));
        }
    }

    let b = &u.budget;
    o.line("\n[budget]");
    o.kv("budget.opening", "opening", d(b.opening));
    let optional = [
        ("budget.full_year", "full_year", b.full_year),
        ("budget.income", "income", b.income),
    ];
    for (field, key, value) in optional {
        if let Some(v) = value {
            o.kv(field, key, d(v));
        }
    }
    o.kv("budget.spent", "spent", d(b.spent));
    let optional = [
        ("budget.basic", "basic", b.basic),
        ("budget.personnel", "personnel", b.personnel),
        ("budget.public", "public", b.public),
        ("budget.project", "project", b.project),
    ];
    for (field, key, value) in optional {
        if let Some(v) = value {
            o.kv(field, key, d(v));
        }
    }

    o.line("\n[accounts]");
    let accounts = [
        (
            "accounts.government_fund",
            "government_fund",
            &u.accounts.government_fund,
        ),
        (
            "accounts.state_capital",
            "state_capital",
            &u.accounts.state_capital,
        ),
        (
            "accounts.social_insurance",
            "social_insurance",
            &u.accounts.social_insurance,
        ),
    ];
    for (field, key, account) in accounts {
        match account {
            Account::NotReported => {}
            Account::None => o.kv(field, key, s("none")),
            Account::Figures(f) => {
                o.source(&format!("{field}.income"));
                o.source(&format!("{field}.spent"));
                o.line(&format!(
                    "{key} = {{ income = {}, spent = {} }}",
                    d(f.income),
                    d(f.spent)
                ));
            }
        }
    }

    for (i, f) in u.funds.iter().enumerate() {
        o.line("\n[[funds]]");
        o.kv(&format!("funds[{i}].name"), "name", s(&f.name));
        o.kv(&format!("funds[{i}].opening"), "opening", d(f.opening));
        o.kv(&format!("funds[{i}].change"), "change", d(f.change));
        o.kv(&format!("funds[{i}].spent"), "spent", d(f.spent));
        o.kv(
            &format!("funds[{i}].carried_over"),
            "carried_over",
            d(f.carried_over),
        );
        if !f.sources.is_empty() {
            for k in 0..f.sources.len() {
                o.source(&format!("funds[{i}].sources[{k}]"));
            }
            let items: Vec<String> = f
                .sources
                .iter()
                .map(|src| format!("{{ name = {}, amount = {} }}", s(&src.name), d(src.amount)))
                .collect();
            o.line(&format!("sources = [{}]", items.join(", ")));
        }
    }

    let base = [
        ("base.three_public", "three_public", u.base.three_public),
        ("base.carried_over", "carried_over", u.base.carried_over),
    ];
    if base.iter().any(|(_, _, v)| v.is_some()) {
        o.line("\n[base]");
        for (field, key, value) in base {
            if let Some(v) = value {
                o.kv(field, key, d(v));
            }
        }
    }

    if !ing.pairings.is_empty() {
        o.line("\n# Goal targets paired with narrative claims (suggestions):");
        for p in &ing.pairings {
            o.line(&format!(
                "#   goals[{}] {} ↔ {}: {}",
                p.goal,
                p.target,
                p.claims
                    .iter()
                    .map(|c| format!("claims[{c}]"))
                    .collect::<Vec<_>>()
                    .join(", "),
                p.note
            ));
        }
    }

    for (i, c) in u.claims.iter().enumerate() {
        o.line("");
        o.source(&format!("claims[{i}]"));
        o.line("[[claims]]");
        o.line(&format!("what = {}", s(&c.what)));
        o.line(&format!("quantity = {}", d(c.quantity)));
        o.line(&format!("unit = {}", s(&c.unit)));
        if c.at_least {
            o.line("at_least = true");
        }
    }

    if !u.facts.is_empty() {
        o.line("\n[facts]");
        for (k, v) in &u.facts {
            o.kv(&format!("facts.{k}"), &s(k), v.to_string());
        }
    }

    if let Some(dec) = &u.declared {
        o.line("\n[declared]");
        if let Some(t) = dec.total {
            o.kv("declared.total", "total", d(t));
        }
        if let Some(g) = &dec.grade {
            o.kv("declared.grade", "grade", s(g));
        }
    }

    o.line("\n[narrative]");
    let n = &u.narrative;
    let texts = [
        ("narrative.problems", "problems", &n.problems),
        ("narrative.improvements", "improvements", &n.improvements),
        (
            "narrative.use_and_disclosure",
            "use_and_disclosure",
            &n.use_and_disclosure,
        ),
        ("narrative.other", "other", &n.other),
    ];
    for (field, key, text) in texts {
        if let Some(t) = text {
            o.kv(field, key, s(t));
        }
    }
    o.text
}
