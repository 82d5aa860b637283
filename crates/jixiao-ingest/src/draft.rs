//! The unit file draft: the documented TOML unit format, each figure preceded by a comment saying
//! where it was read, the fields not filled listed at the top. It re-parses with
//! `SelfEvaluation::from_toml` to the same unit.

use std::fmt::Write as _;

use jixiao_model::{Account, Direction, FieldPath, SelfEvaluation, ThreePublicParts};
use rust_decimal::Decimal;

use crate::Ingested;

fn s(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A figure as a TOML number, or as a string when it has more digits than a binary float keeps
/// exactly (15 significant digits), so that it reads back as written.
fn d(value: Decimal) -> String {
    let text = value.normalize().to_string();
    let digits = text
        .trim_start_matches('-')
        .trim_start_matches(['0', '.'])
        .bytes()
        .filter(u8::is_ascii_digit)
        .count();
    if digits > 15 { s(&text) } else { text }
}

fn direction(value: Direction) -> String {
    s(match value {
        Direction::AtLeast => ">=",
        Direction::AtMost => "<=",
        Direction::Equal => "=",
    })
}

/// `{ a = 1, b = 2 }` of the items given, `None` when none is.
fn inline(items: &[(&str, Option<String>)]) -> Option<String> {
    let given: Vec<String> = items
        .iter()
        .filter_map(|(key, value)| value.as_ref().map(|v| format!("{key} = {v}")))
        .collect();
    (!given.is_empty()).then(|| format!("{{ {} }}", given.join(", ")))
}

fn parts(p: &ThreePublicParts) -> String {
    inline(&[
        ("cars", p.cars.map(d)),
        ("receptions", p.receptions.map(d)),
        ("overseas", p.overseas.map(d)),
    ])
    .unwrap_or_else(|| "{}".to_owned())
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

    /// `#` and `body` as a comment line. TOML allows no control character but tab in a comment,
    /// and the body may quote a report: line breaks become spaces, any other control character
    /// is written as its code (`\u{0B}`), so the draft still parses.
    fn comment(&mut self, body: &str) {
        self.text.push('#');
        for c in body.chars() {
            match c {
                '\t' => self.text.push(c),
                '\n' | '\r' => self.text.push(' '),
                c if c.is_control() => {
                    let _ = write!(self.text, "\\u{{{:02X}}}", u32::from(c));
                }
                c => self.text.push(c),
            }
        }
        self.text.push('\n');
    }

    /// The provenance comment of `field`, if any.
    fn source(&mut self, field: &str) {
        let Ok(field) = FieldPath::parse(field) else {
            // A fact whose code is not a key (`Budget-Disclosed`) has no path, hence no source.
            return;
        };
        if let Some(p) = self.ing.provenance.get(&field) {
            let phrase: String = p.phrase.chars().take(120).collect();
            self.comment(&format!(" ← {}, 第{}行: 「{phrase}」", p.section, p.line));
            if let Some(note) = &p.note {
                self.comment(&format!("   {note}"));
            }
        }
    }

    fn kv(&mut self, field: &str, key: &str, value: String) {
        self.source(field);
        let _ = writeln!(self.text, "{key} = {value}");
    }

    /// `key = value` of `table.key` when the value is given.
    fn opt(&mut self, table: &str, key: &str, value: Option<String>) {
        if let Some(v) = value {
            self.kv(&format!("{table}.{key}"), key, v);
        }
    }
}

/// Renders the draft unit file of `ing`.
pub fn render_draft(ing: &Ingested) -> String {
    let mut o = Out {
        text: String::new(),
        ing,
    };
    let u: &SelfEvaluation = &ing.unit;
    o.comment(&format!(
        " Unit file draft read by `jixiao ingest` from {}.",
        ing.report.display()
    ));
    o.comment(" Money in 万元. Above each figure: the section, line and phrase it was read from.");
    o.comment(" Goal actuals paired with narrative claims are suggestions: confirm them.");
    o.comment("");
    o.comment(&format!(
        " Filled {} fields. Not filled (never guessed):",
        ing.filled()
    ));
    for m in &ing.missing {
        o.comment(&format!("   - {}: {}", m.field, m.why));
    }
    o.comment("");
    o.comment(" Sections recognised (line: heading → topic):");
    for (line, text, topic) in &ing.sections {
        o.comment(&format!("   {line}: {text} → {topic}"));
    }
    o.line("");

    o.line("[unit]");
    o.kv("unit.name", "name", s(&u.unit.name));
    o.opt("unit", "code", u.unit.code.as_deref().map(s));
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
    o.opt("unit", "supervisor", u.unit.supervisor.as_deref().map(s));
    o.opt("unit", "implementer", u.unit.implementer.as_deref().map(s));
    o.opt(
        "unit",
        "project_code",
        u.unit.project_code.as_deref().map(s),
    );
    o.opt(
        "unit",
        "filed_on",
        u.unit.filed_on.map(|date| s(&date.to_string())),
    );

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
                direction(m.direction),
                d(m.target),
                s(&m.unit)
            ));
        }
    }

    let b = &u.budget;
    o.line("\n[budget]");
    let optional = [
        ("budget.opening", "opening", b.opening),
        ("budget.full_year", "full_year", b.full_year),
        ("budget.increase", "increase", b.increase),
        ("budget.decrease", "decrease", b.decrease),
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

    if let Some(e) = &u.execution {
        o.line("\n[execution]");
        o.opt("execution", "points", e.points.map(d));
        o.opt("execution", "rate", e.rate.map(d));
        o.opt("execution", "self_score", e.self_score.map(d));
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

    base(&mut o, u);

    for (i, t) in u.tasks.iter().enumerate() {
        let at = format!("tasks[{i}]");
        o.line("\n[[tasks]]");
        o.kv(&format!("{at}.name"), "name", s(&t.name));
        o.opt(&at, "content", t.content.as_deref().map(s));
        o.opt(&at, "budget", t.budget.map(d));
        o.opt(&at, "spent", t.spent.map(d));
    }

    for (i, row) in u.indicators.iter().enumerate() {
        let at = format!("indicators[{i}]");
        o.line("\n[[indicators]]");
        o.kv(&format!("{at}.level1"), "level1", s(&row.level1));
        o.opt(&at, "level2", row.level2.as_deref().map(s));
        o.kv(&format!("{at}.name"), "name", s(&row.name));
        o.opt(&at, "direction", row.direction.map(direction));
        o.opt(&at, "target", row.target.map(d));
        o.opt(&at, "target_text", row.target_text.as_deref().map(s));
        o.opt(&at, "actual", row.actual.map(d));
        o.opt(&at, "actual_text", row.actual_text.as_deref().map(s));
        o.opt(&at, "unit", row.unit.as_deref().map(s));
        o.opt(&at, "tier", row.tier.map(|t| s(t.label())));
        o.kv(&format!("{at}.points"), "points", d(row.points));
        o.opt(&at, "self_score", row.self_score.map(d));
        o.opt(&at, "explanation", row.explanation.as_deref().map(s));
    }

    if !ing.pairings.is_empty() {
        o.line("");
        o.comment(" Goal targets paired with narrative claims (suggestions):");
        for p in &ing.pairings {
            o.comment(&format!(
                "   goals[{}] {} ↔ {}: {}",
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

    if let Some(declared) = &u.declared {
        o.line("\n[declared]");
        o.opt("declared", "total", declared.total.map(d));
        o.opt("declared", "grade", declared.grade.as_deref().map(s));
    }
    o.text
}

/// `[base]`, when the unit has any base data.
fn base(o: &mut Out<'_>, u: &SelfEvaluation) {
    let b = &u.base;
    if *b == jixiao_model::BaseData::default() {
        return;
    }
    o.line("\n[base]");
    let figures = [
        ("three_public", b.three_public),
        ("three_public_last_year", b.three_public_last_year),
        ("three_public_budget", b.three_public_budget),
        ("public_budget", b.public_budget),
        ("procurement_budget", b.procurement_budget),
        ("procurement_actual", b.procurement_actual),
        ("key_project_spending", b.key_project_spending),
        ("carried_in", b.carried_in),
        ("carried_over", b.carried_over),
        ("carried_over_last_year", b.carried_over_last_year),
    ];
    for (key, value) in figures {
        o.opt("base", key, value.map(d));
    }
    for (key, value) in [
        ("three_public_parts", &b.three_public_parts),
        (
            "three_public_last_year_parts",
            &b.three_public_last_year_parts,
        ),
    ] {
        if let Some(p) = value {
            for part in ["cars", "receptions", "overseas"] {
                o.source(&format!("base.{key}.{part}"));
            }
            o.kv(&format!("base.{key}"), key, parts(p));
        }
    }
    if let Some(x) = &b.buildings {
        for key in [
            "planned_area",
            "actual_area",
            "planned_investment",
            "actual_investment",
        ] {
            o.source(&format!("base.buildings.{key}"));
        }
        let line = inline(&[
            ("planned_area", Some(d(x.planned_area))),
            ("actual_area", Some(d(x.actual_area))),
            ("planned_investment", Some(d(x.planned_investment))),
            ("actual_investment", Some(d(x.actual_investment))),
        ]);
        o.opt("base", "buildings", line);
    }
    if let Some(t) = &b.tasks {
        for key in ["planned", "completed", "on_time", "up_to_standard"] {
            o.source(&format!("base.tasks.{key}"));
        }
        let line = inline(&[
            ("planned", Some(t.planned.to_string())),
            ("completed", Some(t.completed.to_string())),
            ("on_time", Some(t.on_time.to_string())),
            ("up_to_standard", Some(t.up_to_standard.to_string())),
        ]);
        o.opt("base", "tasks", line);
    }
}
