//! 数据来源: for each figure a scorecard used, the sentence of the report it came from.

use jixiao_engine::{Figure, Scorecard};

use crate::Ingested;

/// One figure of a scorecard and where the report gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// The figure as the scorecard shows it, e.g. `年初预算 69.16 万元`.
    pub figure: String,
    /// The unit-model field it is, e.g. `budget.opening`.
    pub field: String,
    /// Where it was read (section, line, phrase, note), or why it has no source.
    pub source: String,
}

/// The field paths a scorecard figure stands for.
fn fields_of(label: &str, context: &str, ing: &Ingested) -> Vec<String> {
    let u = &ing.unit;
    let fund = || {
        u.funds
            .iter()
            .position(|f| context.contains(&format!("「{}」", f.name)))
    };
    let one = |s: &str| vec![s.to_owned()];
    match label {
        "年初预算" => one("budget.opening"),
        "全年执行数" => one("budget.spent"),
        "财政拨款收入" => one("budget.income"),
        "全年预算数" => one("budget.full_year"),
        "在职人数" => one("staffing.in_post"),
        "编制数" => one("staffing.authorised"),
        "基本支出" => one("budget.basic"),
        "项目支出" => one("budget.project"),
        "人员经费" => one("budget.personnel"),
        "公用经费" => one("budget.public"),
        "年末结转结余(各专项结转合计)" => (0..u.funds.len())
            .map(|i| format!("funds[{i}].carried_over"))
            .collect(),
        "预算数" => fund().map_or_else(Vec::new, |i| vec![format!("funds[{i}].opening")]),
        "年中调整" => fund().map_or_else(Vec::new, |i| vec![format!("funds[{i}].change")]),
        "实际支出" => fund().map_or_else(Vec::new, |i| vec![format!("funds[{i}].spent")]),
        "结余结转" => {
            fund().map_or_else(Vec::new, |i| vec![format!("funds[{i}].carried_over")])
        }
        _ if label.starts_with("全年预算数(未报") => one("budget.income"),
        _ => u
            .goals
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let m = g.measure.as_ref()?;
                label
                    .starts_with(&format!("{} (目标", m.indicator))
                    .then(|| format!("goals[{i}].measure.actual"))
            })
            .collect(),
    }
}

/// The sources of every figure `card` used that was read from the report, in the order the
/// scorecard shows them, each field once.
pub fn sources_for(card: &Scorecard, ing: &Ingested) -> Vec<SourceRow> {
    let mut figures: Vec<(&Figure, String)> = Vec::new();
    for (_, leaf) in card.leaves() {
        if let Some(detail) = &leaf.detail {
            figures.extend(detail.inputs.iter().map(|f| (f, leaf.name.clone())));
        }
    }
    for finding in &card.findings {
        figures.extend(finding.figures.iter().map(|f| (f, finding.message.clone())));
    }
    let mut rows: Vec<SourceRow> = Vec::new();
    for (figure, context) in figures {
        for field in fields_of(&figure.label, &context, ing) {
            if rows.iter().any(|r| r.field == field) {
                continue;
            }
            let source = match ing.provenance.get(&crate::fields::path(&field)) {
                Some(p) => p.to_string(),
                None => "未从报告读取 (not read from the report)".to_owned(),
            };
            rows.push(SourceRow {
                figure: figure.to_string(),
                field,
                source,
            });
        }
    }
    rows
}

/// The 数据来源 section printed under a scorecard scored from a report: Markdown when
/// `markdown`, else plain text for the terminal.
pub fn sources_markdown(rows: &[SourceRow], ing: &Ingested, markdown: bool) -> String {
    let mut out = String::new();
    let report = ing.report.display();
    if markdown {
        out.push_str(&format!("\n## 数据来源\n\n读自报告 `{report}`:\n\n"));
    } else {
        out.push_str(&format!("数据来源 (读自报告 {report}):\n"));
    }
    for r in rows {
        out.push_str(&format!(
            "{}{} [{}] ← {}\n",
            if markdown { "- " } else { "  - " },
            r.figure,
            r.field,
            r.source
        ));
    }
    let unfilled = ing.missing.len();
    out.push_str(&format!(
        "{}未能从报告读取的字段 {unfilled} 项 (jixiao ingest 列出明细)。\n",
        if markdown { "\n" } else { "  " }
    ));
    out
}
