//! Reading the unit's figures from placed lines. Every amount is read after a label it belongs
//! to (年初预算, 财政拨款支出, 结余结转...) and must carry a money unit (元 / 万元 / 亿元), so a
//! date, a document number (〔2020〕15号) or a project code is never taken for an amount.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use jixiao_model::{
    Account, AccountFigures, BaseData, BudgetAccounts, Declared, Direction, EvaluationKind,
    FieldPath, FundSource, Goal, GoalMeasure, Narrative, SelfEvaluation, SpecialFund, Staffing,
    UnitIdentity,
};
use regex::Regex;
use rust_decimal::Decimal;

use crate::sections::{Placed, Topic, heading_content, place_in};
use crate::text::{Line, normalize};
use crate::vocabulary::{AMOUNT, GAP, LabelSet, Vocabulary};
use crate::{IngestError, Missing, Provenance, claims, dec};

fn re(s: &str) -> Regex {
    Regex::new(s).expect("valid regex")
}

/// An amount read, in 万元.
#[derive(Debug, Clone)]
struct Amount {
    wan: Decimal,
    phrase: String,
    note: Option<String>,
}

fn to_wan(number: &str, unit: &str) -> Option<(Decimal, Option<String>)> {
    let int_digits = number
        .trim_start_matches('-')
        .split('.')
        .next()
        .unwrap_or("")
        .len();
    if int_digits > 10 {
        return None; // a code, not an amount
    }
    let n = dec(number)?;
    Some(match unit {
        "元" => (
            (n / Decimal::from(10_000)).normalize(),
            Some(format!("{number}元 → 万元 (÷10000)")),
        ),
        "亿元" => (
            (n * Decimal::from(10_000)).normalize(),
            Some(format!("{number}亿元 → 万元 (×10000)")),
        ),
        _ => (n.normalize(), None),
    })
}

/// The first `label GAP AMOUNT` of `labels` in `text` (a label after one of its `not_after`
/// words is something else: 预算 before 支出).
fn labelled(text: &str, labels: &LabelSet) -> Option<Amount> {
    let m = labels.first(text)?;
    let (wan, note) = to_wan(m.group("number")?, m.group("unit")?)?;
    let note = match (note, m.typo_note()) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    };
    Some(Amount {
        wan,
        phrase: m.whole().as_str().to_owned(),
        note,
    })
}

struct Reader<'a> {
    report: &'a Path,
    vocabulary: &'a Vocabulary,
    /// The kind of evaluation, once the title is read.
    kind: Option<EvaluationKind>,
    placed: Vec<Placed<'a>>,
    provenance: BTreeMap<FieldPath, Provenance>,
    missing: Vec<Missing>,
    /// Required fields not read (the unit holds a placeholder there), for a table to give.
    required: Vec<IngestError>,
}

/// `prov` with another phrase and note (same section and line).
fn rephrased(prov: &Provenance, phrase: &str, note: Option<String>) -> Provenance {
    Provenance {
        phrase: phrase.to_owned(),
        note,
        ..prov.clone()
    }
}

/// A field path written in this reader's code.
pub(crate) fn path(field: &str) -> FieldPath {
    FieldPath::parse(field).expect("the reader names only valid field paths")
}

impl<'a> Reader<'a> {
    fn has_section(&self, topic: Topic) -> bool {
        self.placed
            .iter()
            .any(|p| p.heading.as_ref().is_some_and(|h| h.topic == Some(topic)))
    }

    /// Content lines under any of `topics`.
    fn under(&self, topics: &[Topic]) -> Vec<&Placed<'a>> {
        self.placed
            .iter()
            .filter(|p| p.heading.is_none() && topics.iter().any(|t| p.under(*t)))
            .collect()
    }

    fn prov(p: &Placed<'_>, phrase: &str, note: Option<String>) -> Provenance {
        Provenance {
            section: p.section(),
            line: p.line.number,
            phrase: phrase.to_owned(),
            note,
        }
    }

    fn set(&mut self, field: &str, prov: Provenance) {
        self.provenance.insert(path(field), prov);
    }

    fn miss(&mut self, field: &str, why: impl Into<String>) {
        self.missing.push(Missing {
            field: path(field),
            why: why.into(),
        });
    }

    /// The first labelled amount in `lines`, with a note when a later line gives another value.
    fn amount_in(
        &mut self,
        field: &str,
        lines: &[&Placed<'_>],
        labels: &LabelSet,
    ) -> Option<Decimal> {
        let mut found: Vec<(Amount, &Placed<'_>)> = Vec::new();
        for p in lines {
            if let Some(a) = labelled(&p.line.norm, labels) {
                found.push((a, p));
            }
        }
        let (first, at) = found.first()?;
        let mut note = first.note.clone();
        let others: Vec<String> = found[1..]
            .iter()
            .filter(|(a, _)| a.wan != first.wan)
            .map(|(a, p)| format!("第{}行另有「{}」", p.line.number, a.phrase))
            .collect();
        if !others.is_empty() {
            let conflict = format!("报告前后不一致, 取首次出现者; {}", others.join("; "));
            note = Some(match note {
                Some(n) => format!("{n}; {conflict}"),
                None => conflict,
            });
        }
        let value = first.wan;
        let prov = Self::prov(at, &first.phrase, note);
        self.set(field, prov);
        Some(value)
    }
}

impl Reader<'_> {
    /// Every labelled amount of `labels` in `lines` (all of a line's, in order).
    fn all_amounts<'p>(
        lines: &[&'p Placed<'p>],
        labels: &LabelSet,
    ) -> Vec<(Amount, &'p Placed<'p>)> {
        let mut out = Vec::new();
        for p in lines {
            for m in labels.matches(&p.line.norm) {
                let (Some(number), Some(unit)) = (m.group("number"), m.group("unit")) else {
                    continue;
                };
                if let Some((wan, note)) = to_wan(number, unit) {
                    let phrase = m.whole().as_str().to_owned();
                    out.push((Amount { wan, phrase, note }, *p));
                }
            }
        }
        out
    }

    /// A total (`totals`) over its parts (`parts`: 中央 / 省级 / 市县下达资金): the total when one is
    /// stated, the note naming the parts; else the one part when there is only one; else nothing,
    /// the parts listed for a reviewer.
    fn total_over_parts(
        &mut self,
        field: &str,
        lines: &[&Placed<'_>],
        totals: &LabelSet,
        parts: &LabelSet,
    ) -> Option<Decimal> {
        let found = Self::all_amounts(lines, parts);
        let mentioned =
            |set: &LabelSet| -> usize { lines.iter().map(|p| set.mentions(&p.line.norm)).sum() };
        let listed = |found: &[(Amount, &Placed<'_>)]| {
            found
                .iter()
                .map(|(a, p)| format!("第{}行「{}」", p.line.number, a.phrase))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(total) = self.amount_in(field, lines, totals) {
            if !found.is_empty() {
                let sum: Decimal = found.iter().map(|(a, _)| a.wan).sum();
                let agree = if sum == total { "=" } else { "≠" };
                let parts = format!(
                    "合计优先; 另见部分 {} (和 {} {agree} 合计 {total})",
                    listed(&found),
                    sum.normalize()
                );
                if let Some(p) = self.provenance.get_mut(&path(field)) {
                    p.note = Some(match p.note.take() {
                        Some(n) => format!("{n}; {parts}"),
                        None => parts,
                    });
                }
            }
            return Some(total);
        }
        if mentioned(totals) > 0 {
            self.miss(
                field,
                "a total (合计) is stated but its amount could not be read; not filled",
            );
            return None;
        }
        let (first, at) = found.first()?;
        if mentioned(parts) > found.len() {
            self.miss(
                field,
                format!(
                    "several allocations, not all with a readable amount ({}); not filled, a reviewer must choose",
                    listed(&found)
                ),
            );
            return None;
        }
        if found.iter().any(|(a, _)| a.wan != first.wan) {
            self.miss(
                field,
                format!(
                    "several amounts and no total ({}); not filled, a reviewer must choose",
                    listed(&found)
                ),
            );
            return None;
        }
        let prov = Self::prov(at, &first.phrase, first.note.clone());
        self.set(field, prov);
        Some(first.wan)
    }

    /// Spending stated only as "the money was spent in full" (支出完毕): the budget, said so. A
    /// clause about money received (到位) is never spending.
    fn spent_in_full(&mut self, lines: &[&Placed<'_>], budget: Option<Decimal>) -> Option<Decimal> {
        let budget = budget?;
        let words = &self.vocabulary.words.spending;
        for p in lines {
            for clause in p.line.norm.split(['，', '。', '；', ',', ';']) {
                let Some(w) = words
                    .spent_in_full
                    .iter()
                    .find(|w| clause.contains(w.as_str()))
                else {
                    continue;
                };
                if Vocabulary::has(clause, &words.received) {
                    continue;
                }
                let note = format!("derived: 「{w}」: the budget {budget} spent in full");
                let prov = Self::prov(p, clause.trim(), Some(note));
                self.set("budget.spent", prov);
                return Some(budget);
            }
        }
        None
    }
}

static TITLE_YEAR: LazyLock<Regex> = LazyLock::new(|| re(r"(20\d{2})\s*年度?"));
static LEVEL: LazyLock<Regex> = LazyLock::new(|| re(r"([正副](?:科|处|厅|局|股)级)"));
static SUB_UNITS: LazyLock<Regex> =
    LazyLock::new(|| re(r"下设(?:独立核算的?)?(?:二级机构|二级单位)?\s*(\d{1,3})\s*个"));
static SIMPLE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^([^，,。(（]{4,40}?)(?:\(以下简称[^)]*\)|(?:是|属于?)(?:群团组织|行政|事业|参公|参照))")
});

/// What the prose of a report gave, before the tables are laid over it: the unit as far as
/// read (with placeholders where a required field failed, listed in `required`), where each
/// figure was read, and what was not found.
pub(crate) struct Draft {
    pub unit: SelfEvaluation,
    pub provenance: BTreeMap<FieldPath, Provenance>,
    pub missing: Vec<Missing>,
    pub pairings: Vec<crate::Pairing>,
    pub sections: Vec<(usize, String, String)>,
    /// Required fields the prose did not give: the unit has a placeholder there, which only a
    /// table's figure may replace; if none does, the first of these is the error.
    pub required: Vec<IngestError>,
}

/// Reads the unit from the lines of the report at `report`, by the labels of `vocabulary`.
pub(crate) fn read_draft(
    report: &Path,
    lines: &[Line],
    vocabulary: &Vocabulary,
) -> Result<Draft, IngestError> {
    let placed = place_in(lines, vocabulary);
    let sections = placed
        .iter()
        .filter_map(|p| p.heading.as_ref())
        .map(|h| {
            (
                h.line,
                h.text.clone(),
                h.topic.map_or("—".to_owned(), |t| t.title().to_owned()),
            )
        })
        .collect();
    let mut r = Reader {
        report,
        vocabulary,
        kind: None,
        placed,
        provenance: BTreeMap::new(),
        missing: Vec::new(),
        required: Vec::new(),
    };
    let mut required = Vec::new();
    fn soft<T>(
        result: Result<T, IngestError>,
        placeholder: T,
        required: &mut Vec<IngestError>,
    ) -> Result<T, IngestError> {
        match result {
            Ok(v) => Ok(v),
            Err(e @ IngestError::Required { .. }) => {
                required.push(e);
                Ok(placeholder)
            }
            Err(e) => Err(e),
        }
    }
    let unit = identity(&mut r);
    let unit = soft(
        unit,
        UnitIdentity::new(String::new(), 0, EvaluationKind::Department),
        &mut required,
    )?;
    let kind_read = required.is_empty()
        && !r
            .required
            .iter()
            .any(|e| matches!(e, IngestError::Required { field, .. } if field == "unit.kind"));
    required.append(&mut r.required);
    if kind_read {
        r.kind = Some(unit.kind);
    }
    let staffing = staffing(&mut r);
    let goals = goals(&mut r);
    let budget = budget(&mut r);
    let budget = soft(
        budget,
        jixiao_model::Budget {
            opening: None,
            full_year: None,
            increase: None,
            decrease: None,
            income: None,
            spent: Decimal::ZERO,
            basic: None,
            personnel: None,
            public: None,
            project: None,
        },
        &mut required,
    )?;
    let base = base(&mut r);
    let accounts = accounts(&mut r);
    let funds = funds(&mut r);
    let narrative = narrative(&mut r);
    let mut facts = BTreeMap::new();
    disclosure(&mut r, &mut facts);
    let mut unit = SelfEvaluation {
        unit,
        staffing,
        goals,
        budget,
        execution: None,
        accounts,
        funds,
        base,
        tasks: Vec::new(),
        indicators: Vec::new(),
        claims: Vec::new(),
        facts,
        narrative,
        declared: None,
    };
    unit.declared = declared(&mut r);
    let found = claims::find(&r.placed, unit.unit.year, vocabulary);
    for (i, c) in found.iter().enumerate() {
        r.provenance
            .insert(FieldPath::new("claims").index(i), c.provenance.clone());
    }
    unit.claims = found.iter().map(|c| c.claim.clone()).collect();
    let pairings = claims::pair(
        vocabulary,
        &mut unit,
        &found,
        &mut r.provenance,
        &mut r.missing,
    );
    Ok(Draft {
        unit,
        provenance: r.provenance,
        missing: r.missing,
        pairings,
        sections,
        required,
    })
}

/// Name, year and kind from the title (the lines before the first heading); category, level and
/// sub-units from the 机构情况 text.
/// The title as read: the line with 报告 / 绩效 before the first heading, joined with the line
/// above when it is the title's first half (`万源市2021年度困难群众救助补助资金` /
/// `专项转移支付资金绩效自评报告`).
struct Title {
    /// The title line (the one with 报告 / 绩效).
    line: usize,
    norm: String,
    original: String,
    /// The first line of a title across two lines.
    joined_from: Option<usize>,
}

fn title(r: &Reader<'_>) -> Option<Title> {
    let w = &r.vocabulary.words.title;
    let preamble: Vec<&Placed<'_>> = r
        .placed
        .iter()
        .take_while(|p| p.path.is_empty())
        .filter(|p| !p.line.norm.is_empty())
        .collect();
    let at = preamble
        .iter()
        .position(|p| Vocabulary::has(&p.line.norm, &w.markers))?;
    let p = preamble[at];
    let mut t = Title {
        line: p.line.number,
        norm: p.line.norm.clone(),
        original: p.line.original.clone(),
        joined_from: None,
    };
    // The first half on the line above: short, no sentence, not an attachment mark (附件2), and
    // it holds what the second half lacks (the year, or a name).
    if let Some(prev) = at.checked_sub(1).map(|i| preamble[i]) {
        let text = prev.line.norm.as_str();
        let fragment = text.chars().count() <= 30
            && !text.contains(['。', '：', ':', '，', ',', '；'])
            && !w.not_title.iter().any(|n| text.starts_with(n.as_str()));
        let lacks_year = !TITLE_YEAR.is_match(&t.norm);
        if fragment && lacks_year && TITLE_YEAR.is_match(text) {
            t.norm = format!("{text}{}", t.norm);
            t.original = format!("{}{}", prev.line.original, t.original);
            t.joined_from = Some(prev.line.number);
        }
    }
    Some(t)
}

/// A line that is only a year: `( 20 21 年度 )`.
static YEAR_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"^[(（]?\s*(20\d{2})\s*年度?\s*[)）]?$"));
/// A year in the text (`2016年`), not a date (`2016年10月`).
static BODY_YEAR: LazyLock<Regex> =
    LazyLock::new(|| re(r"(20\d{2})\s*年(?:度)?(\s*\d{1,2}\s*月)?"));
/// A remark in parentheses ending the title: `（汇总）`.
static TITLE_REMARK: LazyLock<Regex> = LazyLock::new(|| re(r"\s*[(（][^)）]{1,10}[)）]\s*$"));

/// The year, when the title has none: a line below the title that is only a year, else the
/// year the body names most often (dates left out), when one year is named more than any other.
fn year_outside_title(r: &Reader<'_>, title: &Title) -> Option<(u16, Provenance)> {
    let below = r
        .placed
        .iter()
        .take_while(|p| p.path.is_empty())
        .filter(|p| p.line.number > title.line);
    for p in below {
        if let Some(c) = YEAR_LINE.captures(&p.line.norm) {
            let year = c[1].parse().ok()?;
            return Some((year, Reader::prov(p, &p.line.original, None)));
        }
    }
    let mut seen: BTreeMap<u16, Vec<&Placed<'_>>> = BTreeMap::new();
    for p in r.placed.iter().filter(|p| !p.path.is_empty()) {
        for c in BODY_YEAR.captures_iter(&p.line.norm) {
            if c.get(2).is_some() {
                continue; // a date
            }
            if let Ok(year) = c[1].parse::<u16>() {
                seen.entry(year).or_default().push(p);
            }
        }
    }
    let most = seen.values().map(Vec::len).max()?;
    let mut top = seen.iter().filter(|(_, at)| at.len() == most);
    let (year, at) = top.next()?;
    if top.next().is_some() {
        return None;
    }
    let lines: Vec<String> = at
        .iter()
        .map(|p| format!("第{}行", p.line.number))
        .collect();
    let others: Vec<String> = seen
        .iter()
        .filter(|(y, _)| *y != year)
        .map(|(y, at)| format!("{y}年 {} 次", at.len()))
        .collect();
    let note = format!(
        "标题无年份; 正文中 {year}年 出现 {most} 次 ({}){}",
        lines.join("、"),
        if others.is_empty() {
            String::new()
        } else {
            format!(", 另见 {}", others.join(", "))
        }
    );
    Some((*year, Reader::prov(at[0], &format!("{year}年"), Some(note))))
}

/// Whether `name` is only a region (万源市, 株洲市芦淞区), not a unit.
fn is_region(name: &str, vocabulary: &Vocabulary) -> bool {
    let endings = &vocabulary.words.unit.region_endings;
    let mut rest = name;
    while !rest.is_empty() {
        // The shortest run of 1..=8 characters ending with a region's ending.
        let cut = rest
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain([rest.len()])
            .take(8)
            .find(|i| endings.iter().any(|e| rest[..*i].ends_with(e.as_str())));
        match cut {
            Some(i) => rest = &rest[i..],
            None => return false,
        }
    }
    !name.is_empty()
}

/// Whether `name` ends like a unit's name (局, 中心, 党校...).
fn is_unit_name(name: &str, vocabulary: &Vocabulary) -> bool {
    name.chars().count() >= 3
        && !name.contains(|c: char| c.is_ascii_digit() || "，,。；;：:、".contains(c))
        && vocabulary
            .words
            .unit
            .unit_endings
            .iter()
            .any(|e| name.ends_with(e.as_str()))
}

/// `name` without a lead-in such as 本项目由.
fn without_lead_in<'n>(name: &'n str, vocabulary: &Vocabulary) -> &'n str {
    let mut leads: Vec<&String> = vocabulary.words.unit.name_lead_ins.iter().collect();
    leads.sort_by_key(|l| std::cmp::Reverse(l.len()));
    leads
        .iter()
        .find_map(|l| name.strip_prefix(l.as_str()))
        .unwrap_or(name)
        .trim()
}

/// The unit's name where the title does not give it: a line of the title block naming it
/// (单位名称（盖章）：X, or the name alone on a line), `X（以下简称…）` / `X是行政单位`, or, when the
/// title names the region, the subject of a sentence in that region (`万源市民政局共收到…`).
fn name_outside_title(
    r: &Reader<'_>,
    title: &Title,
    region: Option<&str>,
) -> Option<(String, Provenance)> {
    let v = r.vocabulary;
    let preamble = r
        .placed
        .iter()
        .take_while(|p| p.path.is_empty())
        .filter(|p| p.line.number != title.line && Some(p.line.number) != title.joined_from);
    for p in preamble {
        let text = p.line.norm.trim();
        if let Some(c) = v.re.name_label.captures(text) {
            let name = c["name"].trim();
            if name.chars().count() >= 2 {
                return Some((name.to_owned(), Reader::prov(p, text, None)));
            }
        }
        if p.line.number > title.line && is_unit_name(text, v) && text.chars().count() <= 30 {
            return Some((text.to_owned(), Reader::prov(p, text, None)));
        }
    }
    let org = r.under(&[Topic::Organisation, Topic::Basic]);
    let rest = r.placed.iter().filter(|p| !p.path.is_empty());
    for p in org.into_iter().chain(rest) {
        if let Some(c) = SIMPLE_NAME.captures(&p.line.norm) {
            let name = without_lead_in(c[1].trim(), v);
            if name.chars().count() >= 2 {
                return Some((name.to_owned(), Reader::prov(p, &c[0], None)));
            }
        }
    }
    let region = region?;
    r.placed.iter().find_map(|p| {
        let c = v.re.subject.captures(&p.line.norm)?;
        let name = without_lead_in(c["name"].trim(), v);
        (name.starts_with(region) && name.len() > region.len() && is_unit_name(name, v)).then(
            || {
                let note =
                    format!("the title names the region {region}; the unit is the subject here");
                (name.to_owned(), Reader::prov(p, &c[0], Some(note)))
            },
        )
    })
}

/// Name, year and kind from the title (the lines before the first heading); category, level and
/// sub-units from the 机构情况 text.
fn identity(r: &mut Reader<'_>) -> Result<UnitIdentity, IngestError> {
    let v = r.vocabulary;
    let report = r.report.to_owned();
    let required = |field: &str, why: &str| IngestError::Required {
        report: report.clone(),
        section: "标题".into(),
        field: field.into(),
        why: why.into(),
    };
    let Some(t) = title(r) else {
        return Err(required(
            "unit.year",
            "no title line (e.g. 2024年度…整体支出绩效自评报告) before the first heading",
        ));
    };
    let number = t.line;
    let title_note = t
        .joined_from
        .map(|from| format!("标题跨两行 (第{from}-{number}行)"));
    let title_prov = |phrase: &str, note: Option<String>| Provenance {
        section: "(标题)".into(),
        line: number,
        phrase: phrase.to_owned(),
        note,
    };
    let norm = TITLE_REMARK.replace(&t.norm, "").into_owned();
    let original = t.original.clone();
    let title_year = TITLE_YEAR.captures(&norm);
    let year: u16 = match &title_year {
        Some(caps) => {
            let year = caps[1]
                .parse()
                .map_err(|_| required("unit.year", "bad year"))?;
            r.set("unit.year", title_prov(&caps[0], title_note.clone()));
            year
        }
        None => match year_outside_title(r, &t) {
            Some((year, prov)) => {
                r.set("unit.year", prov);
                year
            }
            None => {
                // Left for a table to give (a title row 「（2021年度）」); else the error.
                r.required.push(required(
                    "unit.year",
                    "the title names no year (20XX年度), nor does a line below it, and the body names no one year more often than the others",
                ));
                0
            }
        },
    };
    let department = v
        .words
        .title
        .department
        .iter()
        .find(|w| norm.contains(w.as_str()));
    let project = v
        .words
        .title
        .project
        .iter()
        .find(|w| norm.contains(w.as_str()));
    let (kind, kind_word) = match (department, project) {
        (Some(w), _) => (EvaluationKind::Department, w.clone()),
        (None, Some(w)) => (EvaluationKind::Project, w.clone()),
        (None, None) => {
            // Left for a table to give (项目名称 shows a project); else the error.
            r.required.push(required(
                "unit.kind",
                "the title says neither 整体支出 nor 项目支出 (专项资金, 转移支付)",
            ));
            (EvaluationKind::Department, String::new())
        }
    };
    if !kind_word.is_empty() {
        r.set("unit.kind", title_prov(&kind_word, None));
    }
    // The name and, for a project, the project: the title without its year and ending; for a
    // project, what stands before the year is the unit (unless it is only a region) and what
    // follows is the project.
    let clean = |text: &str| -> String {
        let text = text.trim().trim_start_matches("关于");
        let text = v.re.title_tail.replace(text, "");
        text.trim_end_matches('的')
            .trim_end_matches("部门预算")
            .trim_end_matches("部门")
            .trim()
            .to_owned()
    };
    let (before, after) = match &title_year {
        Some(c) => {
            let m = c.get(0).expect("group 0");
            (norm[..m.start()].to_owned(), norm[m.end()..].to_owned())
        }
        None => (String::new(), norm.clone()),
    };
    let mut region = None;
    let mut project = None;
    let mut name = String::new();
    if kind == EvaluationKind::Department {
        name = clean(&format!("{before}{after}"));
        // 岳阳市部门（单位）整体支出绩效评价自评报告: the template's words, not a unit.
        if ["部门(单位)", "部门（单位）", "绩效", "整体支出", "自评"]
            .iter()
            .any(|w| name.contains(w))
        {
            name.clear();
        }
    } else {
        let before = clean(&before);
        let after = clean(&after);
        if !before.is_empty() && is_region(&before, v) {
            region = Some(before);
        } else if before.chars().count() >= 2 {
            name = before;
        } else if title_year.is_none() && is_unit_name(&after, v) {
            name = after.clone();
        }
        if name != after && after.chars().count() >= 2 {
            // The title names the project; the unit is named where the report presents itself.
            project = Some(after);
            r.set("unit.project", title_prov(&original, title_note.clone()));
        }
    }
    let name = if name.chars().count() >= 2 {
        r.set("unit.name", title_prov(&original, title_note.clone()));
        name
    } else {
        match name_outside_title(r, &t, region.as_deref()) {
            Some((n, prov)) => {
                r.set("unit.name", prov);
                n
            }
            None => {
                // Left for a table to give (部门（单位）名称, 实施单位); else the error.
                r.required
                    .push(required("unit.name", "the title names no unit"));
                String::new()
            }
        }
    };

    let org_lines: Vec<(String, Provenance)> = r
        .under(&[Topic::Organisation, Topic::Basic])
        .iter()
        .map(|p| (p.line.norm.clone(), Reader::prov(p, &p.line.original, None)))
        .collect();
    let mut category = None;
    let mut level = None;
    let mut sub_units = None;
    for (text, prov) in &org_lines {
        if category.is_none()
            && let Some(c) = v.re.category.captures(text)
        {
            category = Some(c[1].to_owned());
            r.set(
                "unit.category",
                Provenance {
                    phrase: c[0].to_owned(),
                    ..prov.clone()
                },
            );
        }
        if level.is_none()
            && let Some(c) = LEVEL.captures(text)
        {
            level = Some(c[1].to_owned());
            r.set(
                "unit.level",
                Provenance {
                    phrase: c[0].to_owned(),
                    ..prov.clone()
                },
            );
        }
        if sub_units.is_none() {
            let none = v
                .words
                .unit
                .no_sub_units
                .iter()
                .find(|w| text.contains(w.as_str()));
            if let Some(w) = none {
                sub_units = Some(0);
                let phrase = text[text.find(w.as_str()).unwrap_or(0)..]
                    .split(['。', '，', '；'])
                    .next()
                    .unwrap_or(w)
                    .to_owned();
                r.set(
                    "unit.sub_units",
                    Provenance {
                        phrase,
                        ..prov.clone()
                    },
                );
            } else if let Some(c) = SUB_UNITS.captures(text) {
                sub_units = c[1].parse().ok();
                r.set(
                    "unit.sub_units",
                    Provenance {
                        phrase: c[0].to_owned(),
                        ..prov.clone()
                    },
                );
            }
        }
    }
    for (field, value) in [
        ("unit.category", category.is_none()),
        ("unit.level", level.is_none()),
        ("unit.sub_units", sub_units.is_none()),
    ] {
        if value {
            r.miss(field, "not stated in 基本情况 / 机构情况");
        }
    }
    r.miss(
        "unit.region",
        "the report does not state the region apart from the unit's name; fill by hand",
    );
    // 预算编码：418001 on a line of the title block (spaced out as 预 算 编 码 too).
    let code = r
        .placed
        .iter()
        .take_while(|p| p.path.is_empty())
        .find_map(|p| {
            let text: String = p.line.norm.chars().filter(|c| !c.is_whitespace()).collect();
            let c = v.re.unit_code.captures(&text)?;
            Some((
                c["code"].to_owned(),
                Reader::prov(p, &p.line.original, None),
            ))
        });
    let code = match code {
        Some((code, prov)) => {
            r.set("unit.code", prov);
            Some(code)
        }
        None => {
            r.miss("unit.code", "the report gives no unit code");
            None
        }
    };
    Ok(UnitIdentity {
        name,
        code,
        region: None,
        year,
        kind,
        project,
        category,
        level,
        sub_units,
        supervisor: None,
        implementer: None,
        project_code: None,
        filed_on: None,
    })
}

/// A head count read after its label.
#[derive(Debug, Clone)]
struct Count {
    n: u32,
    /// Which list of labels it was read by (total or part, 在职 or head count).
    class: usize,
    label: String,
    prov: Provenance,
    /// The line's text after the count.
    rest: String,
}

impl Count {
    fn at(&self) -> String {
        format!("第{}行「{}」", self.prov.line, self.prov.phrase)
    }
}

/// Every count `set` reads in `lines`, in order.
fn counts(set: &LabelSet, lines: &[(String, Provenance)]) -> Vec<Count> {
    let mut out = Vec::new();
    for (text, prov) in lines {
        for m in set.matches(text) {
            let Some(n) = m.group("n").and_then(|n| n.parse().ok()) else {
                continue;
            };
            out.push(Count {
                n,
                class: m.class(),
                label: m.label_text().to_owned(),
                prov: Provenance {
                    phrase: m.whole().as_str().to_owned(),
                    ..prov.clone()
                },
                rest: text[m.whole().end()..].to_owned(),
            });
        }
    }
    out
}

/// The one value of `counts`, or why there is none: the same figure given with different values
/// (per sub-unit, say) is left to a reviewer.
fn single<'c>(counts: &[&'c Count], what: &str) -> Result<Option<&'c Count>, String> {
    let Some(first) = counts.first() else {
        return Ok(None);
    };
    if counts.iter().all(|c| c.n == first.n) {
        return Ok(Some(first));
    }
    Err(format!(
        "{what} given with different figures ({}); not filled, a reviewer must choose",
        counts.iter().map(|c| c.at()).collect::<Vec<_>>().join(", ")
    ))
}

/// 编制数: a total wins over its parts (the note names them); one part alone is the 编制; parts of
/// different kinds without a total are summed (and said so); different totals are left unfilled.
fn authorised(found: &[Count]) -> Result<Option<(u32, Provenance)>, String> {
    let totals: Vec<&Count> = found.iter().filter(|c| c.class == 0).collect();
    let mut parts: Vec<&Count> = Vec::new();
    for c in found.iter().filter(|c| c.class == 1) {
        if !parts.iter().any(|p| p.label == c.label && p.n == c.n) {
            parts.push(c);
        }
    }
    let listed = |parts: &[&Count]| {
        parts
            .iter()
            .map(|p| format!("{} {}", p.label, p.n))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let sum: u32 = parts.iter().map(|p| p.n).sum();
    if let Some(total) = single(&totals, "编制 (总数)")? {
        let mut prov = total.prov.clone();
        if !parts.is_empty() {
            let agree = if sum == total.n {
                format!("= {sum}")
            } else {
                format!("= {sum}, 与总数不符")
            };
            prov.note = Some(format!(
                "总编制 {} 优先; 另见其中 {} {agree}",
                total.n,
                listed(&parts)
            ));
        }
        return Ok(Some((total.n, prov)));
    }
    match parts[..] {
        [] => Ok(None),
        [one] => Ok(Some((one.n, one.prov.clone()))),
        _ => {
            let same_kind = parts
                .iter()
                .enumerate()
                .any(|(i, p)| parts[..i].iter().any(|q| q.label == p.label));
            // One part the sum of the others is a subtotal, not a kind of post.
            let subtotal = parts.iter().any(|p| p.n * 2 == sum);
            if same_kind || subtotal {
                return Err(format!(
                    "编制 given only in parts that do not add up to one total ({}); not filled, a reviewer must choose",
                    parts.iter().map(|c| c.at()).collect::<Vec<_>>().join(", ")
                ));
            }
            let mut prov = parts[0].prov.clone();
            prov.note = Some(format!(
                "derived: no total stated, the parts {} = {sum}",
                listed(&parts)
            ));
            Ok(Some((sum, prov)))
        }
    }
}

fn staffing(r: &mut Reader<'_>) -> Option<Staffing> {
    let v = r.vocabulary;
    let mut lines = r.under(&[Topic::Staffing]);
    if lines.is_empty() {
        lines = r.under(&[Topic::Basic, Topic::Organisation]);
    }
    let lines: Vec<(String, Provenance)> = lines
        .iter()
        .map(|p| (p.line.norm.clone(), Reader::prov(p, "", None)))
        .collect();
    let mut unfilled: Vec<(&str, String)> = Vec::new();

    let authorised = match authorised(&counts(&v.re.authorised, &lines)) {
        Ok(Some((n, prov))) => {
            r.set("staffing.authorised", prov);
            Some(n)
        }
        Ok(None) => {
            unfilled.push(("staffing.authorised", "编制数 not found in 人员情况".into()));
            None
        }
        Err(why) => {
            unfilled.push(("staffing.authorised", why));
            None
        }
    };

    // 在职: a 在职 figure wins over a head count that may count retirees (实有48人, 其中在职26人).
    let mut found = counts(&v.re.in_post, &lines);
    for c in &mut found {
        // A head count sometimes says it counts retirees: "实有12人(含退休2人)".
        if let Some(inc) = v.re.includes_retired.captures(&c.rest) {
            let r_count: u32 = inc["n"].parse().unwrap_or(0);
            c.prov.note = Some(format!(
                "「{}」含退休 {r_count} 人, 在职按 {} − {r_count} 计",
                c.label, c.n
            ));
            c.n = c.n.saturating_sub(r_count);
        }
    }
    let specific: Vec<&Count> = found.iter().filter(|c| c.class == 0).collect();
    let heads: Vec<&Count> = found.iter().filter(|c| c.class == 1).collect();
    let in_post = match single(&specific, "在职人数") {
        Ok(Some(c)) => {
            let mut prov = c.prov.clone();
            let others: Vec<String> = heads
                .iter()
                .filter(|h| h.n != c.n)
                .map(|h| h.at())
                .collect();
            if !others.is_empty() {
                prov.note = Some(format!(
                    "在职人数优先; 另见 {} (实有人数可含离退休), 未取",
                    others.join(", ")
                ));
            }
            r.set("staffing.in_post", prov);
            Some(c.n)
        }
        Ok(None) => match single(&heads, "实有人数") {
            Ok(Some(c)) => {
                r.set("staffing.in_post", c.prov.clone());
                Some(c.n)
            }
            Ok(None) => {
                unfilled.push(("staffing.in_post", "在职人数 not found in 人员情况".into()));
                None
            }
            Err(why) => {
                unfilled.push(("staffing.in_post", why));
                None
            }
        },
        Err(why) => {
            unfilled.push(("staffing.in_post", why));
            None
        }
    };

    let found = counts(&v.re.retired, &lines);
    let retired = match single(&found.iter().collect::<Vec<_>>(), "退休人数") {
        Ok(Some(c)) => {
            r.set("staffing.retired", c.prov.clone());
            Some(c.n)
        }
        Ok(None) => {
            unfilled.push((
                "staffing.retired",
                "退休人数 not stated; the model reads it as 0".into(),
            ));
            None
        }
        Err(why) => {
            unfilled.push((
                "staffing.retired",
                format!("{why}; the model reads it as 0"),
            ));
            None
        }
    };

    match (authorised, in_post) {
        (Some(authorised), Some(in_post)) => {
            for (field, why) in unfilled {
                r.miss(field, why);
            }
            Some(Staffing {
                authorised,
                in_post,
                retired: retired.unwrap_or(0),
            })
        }
        _ => {
            for (field, why) in unfilled {
                if field != "staffing.retired" {
                    r.miss(field, why);
                }
            }
            r.provenance
                .retain(|k, _| !k.starts_with(&FieldPath::new("staffing")));
            r.miss(
                "staffing",
                "left out: the model needs both 编制数 and 在职人数",
            );
            None
        }
    }
}

static GOAL_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:目标\s*\d+\s*[:：、.]?|\d{1,2}\s*[、.]|[(（]\d{1,2}[)）]|[一二三四五六七八九十]+是)\s*",
    )
});
static GOAL_NUMBERED: LazyLock<Regex> = LazyLock::new(|| re(r"^目标\s*\d"));
static FUND_GOAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"^([^:：，。；]{2,20}?)(?:项目|专项资金|专项)?(?:绩效目标)?[:：](.+)$"));
static SHI: LazyLock<Regex> = LazyLock::new(|| re(r"[一二三四五六七八九十]是"));

fn goals(r: &mut Reader<'_>) -> Vec<Goal> {
    let overall_lines = if r.has_section(Topic::OverallGoals) {
        r.under(&[Topic::OverallGoals])
    } else {
        r.under(&[Topic::Goals])
            .into_iter()
            .filter(|p| {
                // "目标1：…" is an overall goal, not a fund's ("科普经费：…").
                !p.under(Topic::FundGoals)
                    && (!FUND_GOAL.is_match(&p.line.norm) || GOAL_NUMBERED.is_match(&p.line.norm))
            })
            .collect()
    };
    // A 绩效目标完成情况 section states its goals as "目标1：…" lines, with their actuals.
    let achieved: Vec<&Placed<'_>> = r
        .under(&[Topic::Performance])
        .into_iter()
        .filter(|p| GOAL_NUMBERED.is_match(&p.line.norm) && !p.under(Topic::Goals))
        .collect();
    let mut overall_lines = overall_lines;
    overall_lines.extend(achieved);
    overall_lines.sort_by_key(|p| p.line.number);
    let mut goals: Vec<(Goal, Provenance, bool)> = Vec::new();
    // Overall goals: one item per marker; an unmarked line continues an unfinished item.
    let mut items: Vec<(String, Provenance)> = Vec::new();
    for p in &overall_lines {
        let text = p.line.original.as_str();
        let norm = p.line.norm.as_str();
        let marked = GOAL_ITEM.find(norm);
        match (marked, items.last_mut()) {
            (None, Some((prev, _))) if !prev.ends_with(['。', '；', ';', '！']) => {
                prev.push_str(text);
            }
            (m, _) => {
                let skip = m.map_or(0, |m| m.as_str().chars().count());
                let body: String = text.chars().skip(skip).collect();
                items.push((body.trim().to_owned(), Reader::prov(p, text, None)));
            }
        }
    }
    for (text, prov) in items {
        goals.push((
            Goal {
                fund: None,
                text,
                measure: None,
            },
            prov,
            false,
        ));
    }
    // Fund goals: "科普经费：一是…；二是…".
    let fund_lines: Vec<&Placed<'_>> = if r.has_section(Topic::FundGoals) {
        r.under(&[Topic::FundGoals])
            .into_iter()
            .filter(|p| !p.under(Topic::OverallGoals))
            .collect()
    } else {
        r.under(&[Topic::Goals])
            .into_iter()
            .filter(|p| !p.under(Topic::OverallGoals) && FUND_GOAL.is_match(&p.line.norm))
            .collect()
    };
    let fund_lines: Vec<&Placed<'_>> = fund_lines
        .into_iter()
        .filter(|p| !GOAL_NUMBERED.is_match(&p.line.norm))
        .collect();
    let mut fund_items: Vec<(String, String, Provenance)> = Vec::new();
    for p in &fund_lines {
        let original = p.line.original.as_str();
        let split = original.find(['：', ':']);
        match (split, fund_items.last_mut()) {
            (Some(at), _) if at <= 60 => {
                let fund = original[..at].trim();
                let fund = GOAL_ITEM.replace(fund, "").into_owned();
                let colon_len = original[at..].chars().next().map_or(1, char::len_utf8);
                let body = original[at + colon_len..].trim().to_owned();
                fund_items.push((fund, body, Reader::prov(p, original, None)));
            }
            (_, Some((_, body, _))) => body.push_str(original),
            _ => {}
        }
    }
    for (fund, body, prov) in fund_items {
        let parts: Vec<&str> = SHI
            .split(&body)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        let split = SHI.is_match(&body) && parts.len() > 1;
        for part in parts {
            let text = if split {
                part.trim_end_matches(['；', ';', '，', ',', '。'])
                    .to_owned()
            } else {
                part.to_owned()
            };
            goals.push((
                Goal {
                    fund: Some(fund.clone()),
                    text,
                    measure: None,
                },
                prov.clone(),
                true,
            ));
        }
    }
    if goals.is_empty() {
        r.miss("goals", "no 绩效目标 section with goals found");
    }
    let mut out = Vec::new();
    for (i, (mut goal, prov, _)) in goals.into_iter().enumerate() {
        if let Some(read) = measure_of(&goal.text, r.vocabulary) {
            let measure = read.measure;
            r.set(
                &format!("goals[{i}].measure.target"),
                Provenance {
                    phrase: read.phrase,
                    note: Some(format!(
                        "目标值 {} {}{}",
                        measure.direction.symbol(),
                        measure.target,
                        measure.unit
                    )),
                    ..prov.clone()
                },
            );
            if let (Some(phrase), Some(actual)) = (read.actual, measure.actual) {
                let note = format!(
                    "实际完成值 {actual}{}, stated in the goal's sentence",
                    measure.unit
                );
                r.set(
                    &format!("goals[{i}].measure.actual"),
                    rephrased(&prov, &phrase, Some(note)),
                );
            }
            goal.measure = Some(measure);
        } else if goal
            .text
            .chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        {
            r.miss(
                &format!("goals[{i}].measure"),
                "the goal has a number, but no target in a counted measure word (次/场/人...) was read; percentages are not read",
            );
        }
        r.set(&format!("goals[{i}]"), prov);
        out.push(goal);
    }
    out
}

/// A goal's measure as read from its text, with the phrases it was read from.
struct MeasureRead {
    measure: GoalMeasure,
    phrase: String,
    /// The phrase of an actual stated in the goal's own sentence ("实际完成1350吨").
    actual: Option<String>,
}

/// The measurable target in a goal's text: "宣传受众1万余人" → 宣传受众 ≥ 10000 人; "年度目标1200吨，
/// 实际完成1350吨" → ≥ 1200 吨, actual 1350. Counted measure words take 万 as a multiplier;
/// quantities (万吨, 万亩, 亿元) keep their unit as written.
fn measure_of(text: &str, vocabulary: &Vocabulary) -> Option<MeasureRead> {
    let norm = normalize(text);
    let w = &vocabulary.words.goals;
    for caps in vocabulary.re.target.captures_iter(&norm) {
        let whole = caps.get(0)?;
        let before = &norm[..whole.start()];
        if before.ends_with('第') || before.ends_with(|c: char| c.is_ascii_digit() || c == '.') {
            continue;
        }
        let mut target = dec(&caps["number"])?;
        let unit = match (caps.name("quantity"), caps.name("unit")) {
            (Some(q), _) => q.as_str().to_owned(),
            (None, Some(u)) => {
                if caps.name("wan").is_some() {
                    target *= Decimal::from(10_000);
                }
                u.as_str().to_owned()
            }
            (None, None) => continue,
        };
        let direction = match caps.name("direction") {
            Some(d) if w.at_most.iter().any(|m| normalize(m) == d.as_str()) => Direction::AtMost,
            _ => Direction::AtLeast,
        };
        let clause_at = |text: &str| {
            text.rfind(['，', '；', '。', ',', ':', '：', '、'])
                .map_or(0, |i| {
                    i + text[i..].chars().next().map_or(1, char::len_utf8)
                })
        };
        let clause_start = clause_at(before);
        let mut indicator: String = before[clause_start..]
            .trim_start_matches(|c: char| "一二三四五六七八九十是".contains(c))
            .trim()
            .to_owned();
        // "清理河道垃圾，年度目标1200吨": the clause before the target marker names it.
        if !indicator.is_empty() && w.target_markers.iter().any(|m| normalize(m) == indicator) {
            let earlier =
                before[..clause_start].trim_end_matches(['，', '；', ',', ':', '：', '、']);
            let named = earlier[clause_at(earlier)..].trim();
            if !named.is_empty() {
                indicator = named.to_owned();
            }
        }
        let indicator = if indicator.chars().count() > 16 {
            indicator
                .chars()
                .skip(indicator.chars().count() - 16)
                .collect()
        } else {
            indicator
        };
        if indicator.is_empty() {
            continue;
        }
        let phrase = format!("{indicator}{}", whole.as_str());
        // An actual in the same sentence, in the same unit: "…，实际完成1350吨".
        let sentence_end = norm[whole.end()..]
            .find(['。', '；', ';'])
            .map_or(norm.len(), |i| whole.end() + i);
        let rest = &norm[whole.end()..sentence_end];
        let actual = vocabulary.re.goal_actual.captures_iter(rest).find_map(|c| {
            let written = c.name("quantity").or(c.name("unit"))?.as_str();
            if written != unit {
                return None;
            }
            let mut n = dec(&c["number"])?;
            if c.name("unit").is_some() && c.name("wan").is_some() {
                n *= Decimal::from(10_000);
            }
            Some((n.normalize(), c[0].to_owned()))
        });
        return Some(MeasureRead {
            measure: GoalMeasure {
                indicator,
                direction,
                target: target.normalize(),
                actual: actual.as_ref().map(|(n, _)| *n),
                unit,
            },
            phrase,
            actual: actual.map(|(_, phrase)| phrase),
        });
    }
    None
}

/// The lines the unit's budget is read from: its 一般公共预算 section, else the whole report but
/// the fund and goal sections (for a project evaluation, the whole report: its 项目资金 and
/// 绩效目标 sections say what the project's money was); and the section's name.
fn budget_lines<'a>(r: &Reader<'a>) -> (Vec<Placed<'a>>, String) {
    let in_section = r.under(&[Topic::Budget]);
    let project = r.kind == Some(EvaluationKind::Project);
    let (lines, section): (Vec<&Placed<'_>>, String) = if in_section.is_empty() {
        // No 一般公共预算 section: read the whole report, except fund and goal sections.
        (
            r.placed
                .iter()
                .filter(|p| {
                    p.heading.is_none()
                        && !p.path.is_empty()
                        && (project
                            || ![
                                Topic::Funds,
                                Topic::Goals,
                                Topic::FundGoals,
                                Topic::OverallGoals,
                            ]
                            .iter()
                            .any(|t| p.under(*t)))
                })
                .collect(),
            format!("{} (没有这一节, 在全文中查找)", Topic::Budget.title()),
        )
    } else {
        let s = in_section[0]
            .path
            .first()
            .map_or(Topic::Budget.title().to_owned(), |h| h.text.clone());
        (in_section, s)
    };
    (lines.into_iter().cloned().collect(), section)
}

fn budget(r: &mut Reader<'_>) -> Result<jixiao_model::Budget, IngestError> {
    let (lines, section) = budget_lines(r);
    let lines: Vec<&Placed<'_>> = lines.iter().collect();
    let re = &r.vocabulary.re;
    let project_kind = r.kind == Some(EvaluationKind::Project);
    let mut opening = r.amount_in("budget.opening", &lines, &re.opening);
    if opening.is_none() && project_kind {
        opening = r.amount_in("budget.opening", &lines, &re.project_opening);
    }
    let mut full_year = r.amount_in("budget.full_year", &lines, &re.full_year);
    if full_year.is_none() && project_kind {
        full_year = r.total_over_parts(
            "budget.full_year",
            &lines,
            &re.project_full_year,
            &re.project_full_year_parts,
        );
    }
    let income = r.amount_in("budget.income", &lines, &re.income);
    let mut spent = r.amount_in("budget.spent", &lines, &re.spent);
    if spent.is_none() {
        spent = r.spent_in_full(&lines, full_year.or(opening));
    }
    let basic = r.amount_in("budget.basic", &lines, &re.basic);
    let personnel = r.amount_in("budget.personnel", &lines, &re.personnel);
    let public = r.amount_in("budget.public", &lines, &re.public);
    let project = r.amount_in("budget.project", &lines, &re.project);
    // 本年追加预算 and 调减, as stated (for 预算控制率 = 追加 / 年初).
    let increase = r
        .amount_in("budget.increase", &lines, &re.addition)
        .filter(|v| !v.is_sign_negative());
    let decrease = r
        .amount_in("budget.decrease", &lines, &re.decrease)
        .filter(|v| !v.is_sign_negative());
    // Full-year budget derived from 年初预算 + 追加 when it is not stated.
    if full_year.is_none()
        && let Some(open) = opening
    {
        let extra = r.amount_in("budget.full_year", &lines, &re.addition);
        if let Some(extra) = extra {
            let value = open + extra;
            if let Some(p) = r.provenance.get_mut(&path("budget.full_year")) {
                let base = p.note.take().map_or(String::new(), |n| format!("{n}; "));
                p.note = Some(format!(
                    "{base}derived: 年初预算 {open} + 追加 {extra} = {value}"
                ));
            }
            full_year = Some(value);
        }
    }
    let spent = spent.ok_or_else(|| IngestError::Required {
        report: r.report.to_owned(),
        section,
        field: "budget.spent".into(),
        why: "no spending amount (财政拨款支出 / 全年执行数 / 实际支出) found".into(),
    })?;
    for (field, value, why) in [
        (
            "budget.opening",
            opening.is_none(),
            "no 年初预算 amount (e.g. 年初预算69.16万元) found",
        ),
        (
            "budget.full_year",
            full_year.is_none(),
            "全年预算数 (调整后预算) not stated; 财政拨款收入 stands for it in scoring",
        ),
        ("budget.income", income.is_none(), "财政拨款收入 not stated"),
        ("budget.basic", basic.is_none(), "基本支出 not stated"),
        (
            "budget.personnel",
            personnel.is_none(),
            "人员经费 not stated",
        ),
        ("budget.public", public.is_none(), "公用经费 not stated"),
        ("budget.project", project.is_none(), "项目支出 not stated"),
    ] {
        if value {
            r.miss(field, why);
        }
    }
    Ok(jixiao_model::Budget {
        opening,
        full_year,
        increase,
        decrease,
        income,
        spent,
        basic,
        personnel,
        public,
        project,
    })
}

/// Base data stated in the budget's text: 年末结余 (the unit's, not a fund's) and 三公经费.
fn base(r: &mut Reader<'_>) -> BaseData {
    let (lines, _) = budget_lines(r);
    // A fund's paragraph ("一是X专项资金，…结余结转…") gives the fund's carry-over, not the unit's.
    // In a project evaluation the 项目资金 sections are the project's money.
    let project = r.kind == Some(EvaluationKind::Project);
    let lines: Vec<&Placed<'_>> = lines
        .iter()
        .filter(|p| (project || !p.under(Topic::Funds)) && !FUND_MARKER.is_match(&p.line.norm))
        .collect();
    let re = &r.vocabulary.re;
    BaseData {
        carried_over: r.amount_in("base.carried_over", &lines, &re.base_carried_over),
        three_public: r.amount_in("base.three_public", &lines, &re.base_three_public),
        ..BaseData::default()
    }
}

fn accounts(r: &mut Reader<'_>) -> BudgetAccounts {
    let w = &r.vocabulary.words;
    let mut one = |topic: Topic, field: &str| -> Account {
        let lines: Vec<Placed<'_>> = r.under(&[topic]).into_iter().cloned().collect();
        if !r.has_section(topic) {
            // A sentence elsewhere may still say the unit has none: "无政府性基金…".
            let keys = match topic {
                Topic::GovernmentFund => &w.sections.government_fund,
                Topic::StateCapital => &w.sections.state_capital,
                _ => &w.sections.social_insurance,
            };
            let hit = r.placed.iter().find(|p| {
                keys.iter().any(|key| {
                    w.accounts
                        .none
                        .iter()
                        .any(|none| p.line.norm.contains(&format!("{none}{key}")))
                })
            });
            if let Some(p) = hit {
                let prov = Reader::prov(p, &p.line.original, None);
                r.set(field, prov);
                return Account::None;
            }
            r.miss(field, format!("no 「{}」 section", topic.title()));
            return Account::NotReported;
        }
        let text: String = lines.iter().map(|p| p.line.norm.as_str()).collect();
        let trimmed = text.trim_end_matches(['。', '.']).trim();
        let says_none = trimmed.is_empty()
            || (w
                .accounts
                .none
                .iter()
                .any(|w| trimmed.starts_with(w.as_str()))
                && !trimmed.contains('元'));
        let line = lines.first();
        if says_none {
            if let Some(p) = line {
                r.set(field, Reader::prov(p, &p.line.original, Some("无".into())));
            }
            return Account::None;
        }
        let refs: Vec<&Placed<'_>> = lines.iter().collect();
        let re = &r.vocabulary.re;
        let income = r.amount_in(&format!("{field}.income"), &refs, &re.account_income);
        let spent = r.amount_in(&format!("{field}.spent"), &refs, &re.account_spent);
        match (income, spent) {
            (Some(income), Some(spent)) => Account::Figures(AccountFigures { income, spent }),
            _ => {
                r.provenance.remove(&path(field).key("income"));
                r.provenance.remove(&path(field).key("spent"));
                r.miss(field, "section gives neither 无 nor both 收入 and 支出");
                Account::NotReported
            }
        }
    };
    BudgetAccounts {
        government_fund: one(Topic::GovernmentFund, "accounts.government_fund"),
        state_capital: one(Topic::StateCapital, "accounts.state_capital"),
        social_insurance: one(Topic::SocialInsurance, "accounts.social_insurance"),
    }
}

/// The ordinal a fund's paragraph starts with: 一是 / 1. / (1).
static FUND_MARKER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:[一二三四五六七八九十]+是|\d{1,2}\s*[、.]|[(（]\d{1,2}[)）])"));
/// A fund's paragraph: its ordinal, then its name (no figure in it but in a parenthesis: a
/// project code), up to the first comma or colon.
static FUND_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:[一二三四五六七八九十]+是|\d{1,2}\s*[、.]|[(（]\d{1,2}[)）]|[一二三四五六七八九十]+、)?\s*((?:[^，,：:；\d(（]|[(（][^)）]*[)）]){2,30}?)(?:专项资金|项目资金|专项)?\s*[，,：:]",
    )
});
static PARENS: LazyLock<Regex> = LazyLock::new(|| re(r"[(（][^)）]*[)）]"));
static SOURCES: LazyLock<Regex> =
    LazyLock::new(|| re(r"[(（](?:包含|包括|含|其中[:：]?)([^)）]+)[)）]"));
static SOURCE_ITEM: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"([^\d，,、；;:：]{{2,20}}?){GAP}{AMOUNT}")));

/// A fund's name without parenthetical remarks (project codes) or a 专项资金 suffix.
fn fund_name(raw: &str) -> String {
    let without = PARENS.replace_all(raw, "");
    let mut name = without.trim().to_owned();
    for suffix in ["专项资金", "项目资金", "专项"] {
        if let Some(stripped) = name.strip_suffix(suffix)
            && stripped.chars().count() >= 2
        {
            name = stripped.to_owned();
            break;
        }
    }
    name
}

/// Removes the provenance of `prefix` and the fields under it. They are one run of the map (a
/// `FieldPath` is ordered segment by segment), so this costs their number, not the map's size: a
/// long funds section would otherwise scan the whole map once per line.
fn forget_under<V>(map: &mut BTreeMap<FieldPath, V>, prefix: &FieldPath) {
    let under: Vec<FieldPath> = map
        .range(prefix..)
        .map(|(k, _)| k)
        .take_while(|k| k.starts_with(prefix))
        .cloned()
        .collect();
    for k in &under {
        map.remove(k);
    }
}

fn funds(r: &mut Reader<'_>) -> Vec<SpecialFund> {
    let lines: Vec<Placed<'_>> = r.under(&[Topic::Funds]).into_iter().cloned().collect();
    if !r.has_section(Topic::Funds) {
        r.miss("funds", format!("no 「{}」 section", Topic::Funds.title()));
        return Vec::new();
    }
    let mut funds = Vec::new();
    for p in &lines {
        let norm = p.line.norm.as_str();
        let i = funds.len();
        let one = [p];
        let re = &r.vocabulary.re;
        let opening = r.amount_in(&format!("funds[{i}].opening"), &one, &re.fund_opening);
        let spent = r.amount_in(&format!("funds[{i}].spent"), &one, &re.fund_spent);
        let (Some(opening), Some(spent)) = (opening, spent) else {
            forget_under(&mut r.provenance, &FieldPath::new("funds").index(i));
            continue;
        };
        let Some(name) = FUND_NAME.captures(norm).map(|c| fund_name(&c[1])) else {
            forget_under(&mut r.provenance, &FieldPath::new("funds").index(i));
            r.miss(
                &format!("funds[{i}]"),
                format!(
                    "第{}行 gives a fund's figures but no fund name",
                    p.line.number
                ),
            );
            continue;
        };
        r.set(&format!("funds[{i}].name"), Reader::prov(p, &name, None));
        let mut change = Decimal::ZERO;
        let change_field = format!("funds[{i}].change");
        if let Some(up) = r.amount_in(&change_field, &one, &re.fund_increase) {
            change = up;
        } else if let Some(down) = r.amount_in(&change_field, &one, &re.fund_decrease) {
            change = -down;
        } else if let Some(adjusted) = r.amount_in(&change_field, &one, &re.fund_adjusted) {
            change = adjusted - opening;
            if let Some(pr) = r.provenance.get_mut(&FieldPath::item("funds", i, "change")) {
                pr.note = Some(format!(
                    "derived: 调整后预算 {adjusted} − 预算 {opening} = {change}"
                ));
            }
        } else {
            r.miss(
                &format!("funds[{i}].change"),
                "no 调增 / 调减 / 调整后预算 stated; the model reads it as 0",
            );
        }
        let carried = r.amount_in(
            &format!("funds[{i}].carried_over"),
            &one,
            &re.fund_carried_over,
        );
        let carried_over = match carried {
            Some(c) => c,
            None => {
                let derived = opening + change - spent;
                if derived.is_sign_negative() && !derived.is_zero() {
                    r.miss(
                        &format!("funds[{i}].carried_over"),
                        format!("not stated, and 预算 + 调整 − 支出 = {derived} is negative"),
                    );
                    Decimal::ZERO
                } else {
                    r.set(
                        &format!("funds[{i}].carried_over"),
                        Reader::prov(
                            p,
                            &p.line.original,
                            Some(format!(
                                "derived, not stated: 预算 {opening} + 调整 {change} − 支出 {spent} = {derived}"
                            )),
                        ),
                    );
                    derived
                }
            }
        };
        let mut sources = Vec::new();
        if let Some(group) = SOURCES.captures(norm) {
            for (k, item) in SOURCE_ITEM.captures_iter(&group[1]).enumerate() {
                if let Some((amount, note)) = to_wan(&item[2], &item[3]) {
                    let name = item[1].trim().to_owned();
                    r.set(
                        &format!("funds[{i}].sources[{k}]"),
                        Reader::prov(p, &item[0], note),
                    );
                    sources.push(FundSource { name, amount });
                }
            }
        }
        funds.push(SpecialFund {
            name,
            opening,
            change,
            spent,
            carried_over: carried_over.normalize(),
            sources,
        });
    }
    if funds.is_empty() {
        r.miss(
            "funds",
            "the special-fund section has no paragraph giving both 预算 and 实际支出",
        );
    }
    funds
}

/// The section's text: its lines, and the text after a heading's lead-in label
/// ("（一）存在问题：部分乡镇…").
fn section_text(r: &Reader<'_>, topic: Topic) -> Option<(String, Provenance)> {
    let mut parts: Vec<(&Placed<'_>, &str)> = Vec::new();
    for p in &r.placed {
        match &p.heading {
            Some(h) if h.topic == Some(topic) => {
                if let Some(content) = heading_content(&p.line.original) {
                    parts.push((p, content));
                }
            }
            Some(_) => {}
            None if p.under(topic) => parts.push((p, p.line.original.as_str())),
            None => {}
        }
    }
    let (first, _) = parts.first()?;
    let text = parts
        .iter()
        .map(|(_, t)| *t)
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let prov = Reader::prov(first, &text.chars().take(40).collect::<String>(), None);
    Some((text, prov))
}

fn read_section(r: &mut Reader<'_>, topic: Topic, field: &str) -> Option<String> {
    if !r.has_section(topic) {
        r.miss(field, format!("no 「{}」 section", topic.title()));
        return None;
    }
    match section_text(r, topic) {
        Some((text, mut prov)) => {
            let body = text.trim_end_matches(['。', '.']);
            let empty = body.is_empty()
                || r.vocabulary
                    .words
                    .narrative
                    .says_nothing
                    .iter()
                    .any(|w| w == body);
            prov.note = Some(if empty {
                "says nothing (only 无/暂无)".into()
            } else {
                format!("{} 字", text.chars().count())
            });
            r.set(field, prov);
            Some(text)
        }
        None => {
            let heading = r
                .placed
                .iter()
                .find(|p| p.heading.as_ref().is_some_and(|h| h.topic == Some(topic)));
            if let Some(p) = heading {
                let prov = Reader::prov(p, &p.line.original, Some("heading with no text".into()));
                r.set(field, prov);
            }
            Some(String::new())
        }
    }
}

/// A combined section's text in two labelled parts, "存在的问题：X。改进措施：Y。": (X, Y).
fn labelled_parts(text: &str) -> Option<(String, String)> {
    const PROBLEMS: [&str; 3] = ["存在的问题：", "存在问题：", "存在的问题:"];
    const IMPROVEMENTS: [&str; 4] = ["下一步改进措施：", "改进措施：", "改进建议：", "改进措施:"];
    let rest = PROBLEMS.iter().find_map(|l| text.trim().strip_prefix(l))?;
    let (at, label) = IMPROVEMENTS
        .iter()
        .filter_map(|l| rest.find(l).map(|i| (i, *l)))
        .min_by_key(|(i, _)| *i)?;
    let problems = rest[..at].trim();
    let improvements = rest[at + label.len()..].trim();
    (!problems.is_empty() && !improvements.is_empty())
        .then(|| (problems.to_owned(), improvements.to_owned()))
}

fn narrative(r: &mut Reader<'_>) -> Narrative {
    let read = read_section;
    let mut problems = read(r, Topic::Problems, "narrative.problems");
    let improvements = if r.has_section(Topic::Improvements) {
        read(r, Topic::Improvements, "narrative.improvements")
    } else {
        // A combined section "存在的问题和改进建议" answers both.
        let combined = r.placed.iter().any(|p| {
            p.heading.as_ref().is_some_and(|h| {
                h.topic == Some(Topic::Problems)
                    && Vocabulary::has(&h.text, &r.vocabulary.words.narrative.combined)
            })
        });
        if combined {
            let parts = problems.as_deref().and_then(labelled_parts);
            if let Some(mut prov) = r.provenance.get(&path("narrative.problems")).cloned() {
                prov.note = Some(if parts.is_some() {
                    "the combined section's part after 改进措施：".into()
                } else {
                    "same section as 存在的问题 (combined heading)".into()
                });
                r.set("narrative.improvements", prov);
            }
            match parts {
                Some((p, i)) => {
                    problems = Some(p);
                    Some(i)
                }
                None => problems.clone(),
            }
        } else {
            read(r, Topic::Improvements, "narrative.improvements")
        }
    };
    let use_and_disclosure = read(r, Topic::Disclosure, "narrative.use_and_disclosure");
    let other = read(r, Topic::Other, "narrative.other");
    Narrative {
        problems,
        improvements,
        use_and_disclosure,
        other,
    }
}

/// The self-evaluation the report states in its text: "项目自评得分96分，等级为优". The same figure
/// given twice with different values is left to a reviewer.
fn declared(r: &mut Reader<'_>) -> Option<Declared> {
    let re = &r.vocabulary.re;
    let mut totals: Vec<(Decimal, Provenance)> = Vec::new();
    let mut grades: Vec<(String, Provenance)> = Vec::new();
    for p in r.placed.iter().filter(|p| p.heading.is_none()) {
        for c in re.declared_total.captures_iter(&p.line.norm) {
            if let Some(n) = dec(&c["n"]) {
                totals.push((n.normalize(), Reader::prov(p, &c[0], None)));
            }
        }
        for c in re.declared_grade.captures_iter(&p.line.norm) {
            grades.push((c["grade"].to_owned(), Reader::prov(p, &c[0], None)));
        }
    }
    fn one<T: PartialEq + Clone>(
        r: &mut Reader<'_>,
        field: &str,
        found: &[(T, Provenance)],
    ) -> Option<T> {
        let (first, prov) = found.first()?;
        if found.iter().any(|(v, _)| v != first) {
            let seen: Vec<String> = found
                .iter()
                .map(|(_, p)| format!("第{}行「{}」", p.line, p.phrase))
                .collect();
            r.miss(
                field,
                format!(
                    "stated with different values ({}); not filled, a reviewer must choose",
                    seen.join(", ")
                ),
            );
            return None;
        }
        r.set(field, prov.clone());
        Some(first.clone())
    }
    let total = one(r, "declared.total", &totals);
    let grade = one(r, "declared.grade", &grades);
    (total.is_some() || grade.is_some()).then_some(Declared { total, grade })
}

fn disclosure(r: &mut Reader<'_>, facts: &mut BTreeMap<String, bool>) {
    let lines: Vec<Placed<'_>> = r.under(&[Topic::Disclosure]).into_iter().cloned().collect();
    let words = &r.vocabulary.words.disclosure;
    for p in &lines {
        let t = p.line.norm.as_str();
        let negative = words.negative.iter().find(|w| t.contains(w.as_str()));
        let positive = words.positive.iter().find(|w| t.contains(w.as_str()));
        if let Some(w) = negative {
            facts.insert("results_disclosed".into(), false);
            r.set("facts.results_disclosed", Reader::prov(p, w, None));
            return;
        }
        if let Some(w) = positive {
            let clause = t
                .split(['。', '，', '；'])
                .find(|c| c.contains(w.as_str()))
                .unwrap_or(w);
            facts.insert("results_disclosed".into(), true);
            r.set("facts.results_disclosed", Reader::prov(p, clause, None));
            return;
        }
    }
    r.miss(
        "facts.results_disclosed",
        "the report does not say whether the results are disclosed (公开 / 公示)",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forget_under_removes_the_fields_under_the_prefix_only() {
        let keys = [
            "funds",
            "funds[1]",
            "funds[1].name",
            "funds[1].sources[0].amount",
            "funds[10].name",
            "funds[2].spent",
            "funds_note",
            "goals[1].name",
        ];
        let mut map: BTreeMap<FieldPath, usize> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (FieldPath::parse(k).unwrap(), i))
            .collect();
        forget_under(&mut map, &FieldPath::new("funds").index(1));
        let left: Vec<String> = map.keys().map(ToString::to_string).collect();
        assert_eq!(
            left,
            [
                "funds",
                "funds[2].spent",
                "funds[10].name",
                "funds_note",
                "goals[1].name"
            ]
        );
    }
}
