//! 数据来源: for each figure a scorecard used, the sentence of the report it came from.

use jixiao_engine::Scorecard;
use jixiao_model::FieldPath;

use crate::Ingested;

/// One figure of a scorecard and where the report gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// The figure as the scorecard shows it, e.g. `年初预算 69.16 万元`.
    pub figure: String,
    /// The unit-model field it is, e.g. `budget.opening`.
    pub field: FieldPath,
    /// Where it was read (section, line, phrase, note), or why it has no source.
    pub source: String,
}

/// The sources of every figure `card` used that is a field of the unit, in the order the
/// scorecard shows them, each field once. Figures and provenance meet on the [`FieldPath`].
pub fn sources_for(card: &Scorecard, ing: &Ingested) -> Vec<SourceRow> {
    let leaf_figures = card
        .leaves()
        .into_iter()
        .filter_map(|(_, leaf)| leaf.detail.as_ref())
        .flat_map(|detail| &detail.inputs);
    let finding_figures = card.findings.iter().flat_map(|f| &f.figures);
    let mut rows: Vec<SourceRow> = Vec::new();
    for figure in leaf_figures.chain(finding_figures) {
        for field in &figure.fields {
            if rows.iter().any(|r| &r.field == field) {
                continue;
            }
            let source = match (ing.cells.get(field), ing.provenance.get(field)) {
                (Some(c), _) => c.to_string(),
                (None, Some(p)) => p.to_string(),
                (None, None) => "未从报告读取".to_owned(),
            };
            // A sum over several fields is shown once per field: say which it is part of.
            let shown = match figure.fields.len() {
                1 => figure.to_string(),
                n => format!("{figure} (为 {n} 项之和, 此为其一)"),
            };
            rows.push(SourceRow {
                figure: shown,
                field: field.clone(),
                source,
            });
        }
    }
    rows
}

/// The 数据来源 section printed under a scorecard scored from a report: Markdown when
/// `markdown`, else plain text for the terminal.
pub fn sources_markdown(
    rows: &[SourceRow],
    ing: &Ingested,
    completeness: &crate::Completeness,
    markdown: bool,
) -> String {
    let mut out = String::new();
    let report = ing.report.display();
    if markdown {
        out.push_str(&format!("\n## 数据来源\n\n读自报告 `{report}`:\n\n"));
    } else {
        out.push_str(&format!("数据来源 (读自报告 {report}):\n"));
    }
    for note in ing.source.note().iter().chain(&ing.notes) {
        out.push_str(&format!(
            "{}{note}。\n{}",
            if markdown { "" } else { "  " },
            if markdown { "\n" } else { "" }
        ));
    }
    let missing: Vec<&str> = completeness.missing().collect();
    out.push_str(&format!(
        "{}读取完整度 {}: 本规则集所需数据中读到 {} 项, 共 {} 项{}\n{}",
        if markdown { "" } else { "  " },
        completeness.label(),
        completeness.found(),
        completeness.needed(),
        if missing.is_empty() {
            "。".to_owned()
        } else {
            format!("; 未读到: {}。", missing.join("、"))
        },
        if markdown { "\n" } else { "" }
    ));
    for r in rows {
        out.push_str(&format!(
            "{}{} [{}] ← {}\n",
            if markdown { "- " } else { "  - " },
            r.figure,
            r.field,
            r.source
        ));
    }
    if !ing.review.is_empty() {
        out.push_str(&format!(
            "{}需人工核对 {} 项:\n",
            if markdown { "\n" } else { "  " },
            ing.review.len()
        ));
        for r in &ing.review {
            out.push_str(&format!(
                "{}{} [{}]: {}\n",
                if markdown { "- " } else { "  - " },
                r.kind.label(),
                r.field,
                r.candidates.join("; ")
            ));
        }
    }
    let unfilled = ing.missing.len();
    out.push_str(&format!(
        "{}未能从报告读取的字段 {unfilled} 项 (jixiao ingest 列出明细)。\n",
        if markdown { "\n" } else { "  " }
    ));
    out
}

/// The 数据来源 section as JSON, for a JSON scorecard of a unit read from a report: the report
/// and its format and encoding (codes, and the note when the text was converted), the read
/// completeness, each figure's field and source, and what a person must look at.
pub fn sources_json(
    rows: &[SourceRow],
    ing: &Ingested,
    completeness: &crate::Completeness,
) -> serde_json::Value {
    use serde_json::json;
    json!({
        "report": ing.report.display().to_string(),
        "file": {
            "format": ing.source.format.code(),
            "encoding": ing.source.encoding.map(crate::TextEncoding::code),
            "note": ing.source.note(),
            "unread": ing.notes,
        },
        "read_completeness": {
            "found": completeness.found(),
            "needed": completeness.needed(),
            "missing": completeness.missing().collect::<Vec<_>>(),
        },
        "figures": rows
            .iter()
            .map(|r| json!({
                "field": r.field.to_string(),
                "figure": r.figure,
                "source": r.source,
            }))
            .collect::<Vec<_>>(),
        "review": ing
            .review
            .iter()
            .map(|r| json!({
                "field": r.field.to_string(),
                "why": r.kind.label(),
                "candidates": r.candidates,
            }))
            .collect::<Vec<_>>(),
        "not_read": ing.missing.len(),
    })
}

/// A JSON scorecard of a unit read from a report: the scorecard with its `sources`
/// ([`sources_json`]).
pub fn scorecard_json(
    card: &Scorecard,
    rows: &[SourceRow],
    ing: &Ingested,
    completeness: &crate::Completeness,
) -> String {
    let mut value = serde_json::to_value(card).expect("a scorecard always serialises");
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("sources".into(), sources_json(rows, ing, completeness));
    }
    let mut out = serde_json::to_string_pretty(&value).expect("JSON values serialise");
    out.push('\n');
    out
}

/// The review of a unit read from a document as findings of its scorecard (提示, rule
/// `document_review`): the document disagrees with itself or gives an implausible figure.
pub fn review_findings(ing: &Ingested) -> Vec<jixiao_engine::Finding> {
    ing.review
        .iter()
        .map(|r| jixiao_engine::Finding {
            rule: jixiao_engine::RuleId::Engine(jixiao_engine::EngineRule::DocumentReview),
            severity: jixiao_engine::Severity::Soft,
            indicator: None,
            message: format!(
                "{} [{}]: {}",
                r.kind.label(),
                r.field,
                r.candidates.join("; ")
            ),
            figures: Vec::new(),
        })
        .collect()
}
