//! Renders scorecards for people and machines: a terminal table, JSON, Markdown and HTML for one
//! scorecard; CSV, Markdown, XLSX and an HTML report for a batch. Everything is built in memory
//! and returned as a `String` or bytes; writing files is the caller's business. Numbers are
//! written by fixed rules (`jixiao_engine::fmt`), so output is stable.

pub mod html;
pub mod ledger;
pub mod resubmission;
pub mod returns;
pub mod xlsx;

use std::borrow::Cow;

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use jixiao_engine::fmt::{number, points};
use jixiao_engine::{Finding, Scorecard, ScoredIndicator, Severity, Status};
use rust_decimal::Decimal;

/// Whether `c` would act on a terminal or a page rather than be shown: a C0 control but the
/// line feed and the tab (ESC starts a terminal's escape sequences, NUL cuts a C string, CR
/// writes over a line), DEL, a C1 control, or a bidirectional override or isolate (which turn
/// the text after them around: "Trojan Source").
fn acts(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}')
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every character that would act rather than be shown (a control character but the
/// line feed and the tab, a bidirectional override) written visibly as Rust writes it, `\u{1b}`,
/// so that what a unit's file holds is seen on a terminal, a page or in Markdown, never run
/// (issue 12). Text without one is returned as it is.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape_acting(text, |c| format!("\\u{{{c:x}}}"))
}

/// JSON text with every character that would act rather than be shown and that JSON writers
/// leave raw (DEL, a C1 control, a bidirectional override) written as a JSON escape (`\u202e`):
/// the same JSON value. Such a character can only be inside a string.
pub fn json_visible(json: &str) -> Cow<'_, str> {
    escape_acting(json, |c| format!("\\u{c:04x}"))
}

/// `text` with each character that [`acts`] replaced by `escape` of its code point.
fn escape_acting(text: &str, escape: impl Fn(u32) -> String) -> Cow<'_, str> {
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts(c) {
            out.push_str(&escape(u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The scorecard as pretty JSON (decimals as exact strings), ending in a newline.
pub fn json(card: &Scorecard) -> String {
    let mut out = serde_json::to_string_pretty(card).expect("a scorecard always serialises");
    out.push('\n');
    out
}

fn p(value: Decimal) -> String {
    points(value, 2)
}

pub(crate) fn status_note(node: &ScoredIndicator) -> &'static str {
    match node.status {
        Status::Scored => "",
        Status::Missing => "缺数据",
        Status::NotApplicable => "不适用(满分)",
        Status::Dropped => "不适用(折算)",
    }
}

/// What the reason of a leaf is: a deduction, or why it does not apply.
fn reason_label(node: &ScoredIndicator) -> &'static str {
    match node.status {
        Status::Scored | Status::Missing => "扣分原因",
        Status::NotApplicable | Status::Dropped => "不适用原因",
    }
}

/// Depth-first rows of the tree: (depth, node).
pub(crate) fn rows(nodes: &[ScoredIndicator]) -> Vec<(usize, &ScoredIndicator)> {
    fn walk<'a>(
        node: &'a ScoredIndicator,
        depth: usize,
        out: &mut Vec<(usize, &'a ScoredIndicator)>,
    ) {
        out.push((depth, node));
        for child in &node.children {
            walk(child, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    for node in nodes {
        walk(node, 0, &mut out);
    }
    out
}

fn headline(card: &Scorecard) -> String {
    let mut line = format!(
        "总分 {} / {}  等级 {}",
        p(card.total),
        number(card.points),
        card.grade_label()
    );
    if let Some(declared) = &card.declared {
        let total = declared.total.map_or("—".to_owned(), p);
        let grade = declared.grade.as_deref().unwrap_or("—");
        line.push_str(&format!("  (自评 {total} {grade}"));
        if let Some(gap) = declared.gap {
            line.push_str(&format!(", 差 {}", signed(gap)));
        }
        line.push(')');
    }
    line
}

fn signed(value: Decimal) -> String {
    if value.is_sign_negative() {
        p(value)
    } else {
        format!("+{}", p(value))
    }
}

pub(crate) fn rescale_note(card: &Scorecard) -> Option<String> {
    card.rescaled.as_ref().map(|r| {
        format!(
            "不适用指标不计入: 可得分值 {}, 原始得分 {}, 折算 {} × {} / {} = {}",
            number(r.available),
            p(r.raw),
            p(r.raw),
            number(card.points),
            number(r.available),
            p(card.total_exact)
        )
    })
}

fn explanation(node: &ScoredIndicator) -> String {
    let Some(detail) = &node.detail else {
        return String::new();
    };
    let mut text = detail.formula.clone();
    if let Some(reason) = &detail.reason {
        text.push_str(&format!("\n{}: {reason}", reason_label(node)));
    }
    if let Some(claimed) = detail.self_score {
        text.push_str(&format!("\n自评得分: {}", p(claimed)));
    }
    for line in adjustment_lines(node) {
        text.push('\n');
        text.push_str(&line);
    }
    text
}

/// One line per plugin adjustment of a leaf.
fn adjustment_lines(node: &ScoredIndicator) -> Vec<String> {
    node.detail
        .iter()
        .flat_map(|d| &d.adjustments)
        .map(|a| {
            let mut line = format!("插件调整 {}: {}", a.source, signed(a.applied));
            if a.applied != a.requested {
                line.push_str(&format!(" (申请 {}, 受分值范围限制)", signed(a.requested)));
            }
            line.push_str(&format!(", {}", a.reason));
            line
        })
        .collect()
}

/// The plugins that ran, one line each: name, version and library hash.
fn plugin_lines(card: &Scorecard, hash_chars: usize) -> Vec<String> {
    card.plugins
        .iter()
        .map(|plugin| {
            let hash: String = plugin.sha256.chars().take(hash_chars).collect();
            format!(
                "{} v{} (sha256 {hash}; 规则 {})",
                plugin.name,
                plugin.version,
                plugin.rules.join(", ")
            )
        })
        .collect()
}

/// "(硬性 1, 提示 2)", with errors only when there are some.
fn counts(card: &Scorecard) -> String {
    let mut text = format!(
        "硬性 {}, 提示 {}",
        card.count(Severity::Hard),
        card.count(Severity::Soft)
    );
    let errors = card.count(Severity::Error);
    if errors > 0 {
        text.push_str(&format!(", 错误 {errors}"));
    }
    text
}

/// The scorecard as a terminal table, `width` columns wide; a unit's control characters are
/// shown escaped ([`visible`]), each cell's before the table is laid out.
pub fn terminal(card: &Scorecard, width: u16) -> String {
    let out = format!(
        "{} {}年 {}绩效自评\n规则: {} ({} v{})\n{}\n",
        card.unit.name,
        card.unit.year,
        card.unit.kind.label(),
        card.rule_set.name,
        card.rule_set.id,
        card.rule_set.version,
        headline(card)
    );
    let mut out = visible(&out).into_owned();
    for line in plugin_lines(card, 16) {
        out.push_str(&format!("插件: {}\n", visible(&line)));
    }
    if let Some(note) = rescale_note(card) {
        out.push_str(&note);
        out.push('\n');
    }
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::DynamicFullWidth)
        .set_width(width)
        .set_header(vec!["指标", "分值", "得分", "计算与说明"]);
    for (depth, node) in rows(&card.indicators) {
        let mut name = format!("{}{}", "  ".repeat(depth), node.name);
        let note = status_note(node);
        if !note.is_empty() {
            name.push_str(&format!(" [{note}]"));
        }
        table.add_row(vec![
            Cell::new(visible(&name)),
            Cell::new(number(node.points)).set_alignment(CellAlignment::Right),
            Cell::new(p(node.score)).set_alignment(CellAlignment::Right),
            Cell::new(visible(&explanation(node))),
        ]);
    }
    table.add_row(vec![
        Cell::new("合计"),
        Cell::new(number(card.points)).set_alignment(CellAlignment::Right),
        Cell::new(p(card.total)).set_alignment(CellAlignment::Right),
        Cell::new(format!("等级 {}", card.grade_label())),
    ]);
    out.push_str(&table.to_string());
    out.push('\n');
    out.push_str(&ledger::terminal(card, width));
    if card.findings.is_empty() {
        out.push_str("发现问题: 无\n");
    } else {
        out.push_str(&format!(
            "发现问题 {} 项 ({}):\n",
            card.findings.len(),
            counts(card)
        ));
        for (i, finding) in card.findings.iter().enumerate() {
            out.push_str(&format!(
                "{:>3}. {}\n",
                i + 1,
                visible(&finding_line(finding))
            ));
        }
    }
    out
}

fn finding_line(finding: &Finding) -> String {
    let mut line = format!(
        "[{}] {}: {}",
        finding.severity.label(),
        finding.rule.label(),
        finding.message
    );
    line.push_str(&format!(" ({}", finding.rule));
    if let Some(indicator) = &finding.indicator {
        line.push_str(&format!(", {indicator}"));
    }
    line.push(')');
    line
}

/// A unit's text as Markdown shows it: `<`, `>` and `&` as entities, so that a name holding
/// `<script>` is shown, not run, where the Markdown is rendered to HTML.
fn text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escapes text for one Markdown table cell.
fn cell(text: &str) -> String {
    self::text(text).replace('|', "\\|").replace('\n', "<br>")
}

/// The scorecard as a Markdown document.
pub fn markdown(card: &Scorecard) -> String {
    let mut out = format!("# 绩效自评复核记分卡: {}\n\n", text(&card.unit.name));
    out.push_str(&format!("- 年度: {}\n", card.unit.year));
    out.push_str(&format!("- 评价类型: {}\n", card.unit.kind.label()));
    if let Some(project) = &card.unit.project {
        out.push_str(&format!("- 项目: {}\n", text(project)));
    }
    out.push_str(&format!(
        "- 规则: {} (`{}` v{})\n",
        card.rule_set.name, card.rule_set.id, card.rule_set.version
    ));
    out.push_str(&format!(
        "- **复核总分 {} / {}, 等级 {}**\n",
        p(card.total),
        number(card.points),
        card.grade_label()
    ));
    if let Some(declared) = &card.declared {
        out.push_str(&format!(
            "- 自评: 总分 {}, 等级 {}{}\n",
            declared.total.map_or("—".to_owned(), p),
            declared.grade.as_deref().unwrap_or("—"),
            declared
                .gap
                .map_or(String::new(), |g| format!(", 与复核相差 {}", signed(g)))
        ));
    }
    for line in plugin_lines(card, 64) {
        out.push_str(&format!("- 插件: {line}\n"));
    }
    if let Some(note) = rescale_note(card) {
        out.push_str(&format!("- {note}\n"));
    }
    out.push_str("\n## 指标得分\n\n");
    out.push_str("| 指标 | 分值 | 得分 | 计分规则 | 输入 | 计算 | 扣分原因 |\n");
    out.push_str("|---|---:|---:|---|---|---|---|\n");
    for (depth, node) in rows(&card.indicators) {
        let indent = "　".repeat(depth);
        let name = if node.children.is_empty() {
            format!("{indent}{}", node.name)
        } else {
            format!("{indent}**{}**", node.name)
        };
        let note = status_note(node);
        let name = if note.is_empty() {
            name
        } else {
            format!("{name} ({note})")
        };
        let (rule, inputs, formula, reason) = match &node.detail {
            Some(d) => (
                d.rule.clone(),
                d.inputs
                    .iter()
                    .map(ToString::to_string)
                    .chain(d.self_score.map(|s| format!("自评得分 {}", p(s))))
                    .collect::<Vec<_>>()
                    .join("; "),
                d.formula.clone(),
                d.reason
                    .as_ref()
                    .map(|r| match node.status {
                        Status::Scored | Status::Missing => r.clone(),
                        Status::NotApplicable | Status::Dropped => format!("(不适用) {r}"),
                    })
                    .into_iter()
                    .chain(adjustment_lines(node))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            None => Default::default(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            cell(&name),
            number(node.points),
            p(node.score),
            cell(&rule),
            cell(&inputs),
            cell(&formula),
            cell(&reason)
        ));
    }
    out.push_str(&format!(
        "| **合计** | {} | **{}** | 等级 {} | | | |\n",
        number(card.points),
        p(card.total),
        card.grade_label()
    ));
    out.push_str(&ledger::markdown(card));
    out.push_str("\n## 发现问题\n\n");
    if card.findings.is_empty() {
        out.push_str("无。\n");
    } else {
        out.push_str("| # | 性质 | 问题 | 规则 | 指标 | 说明 |\n|---:|---|---|---|---|---|\n");
        for (i, f) in card.findings.iter().enumerate() {
            out.push_str(&format!(
                "| {} | {} | {} | `{}` | {} | {} |\n",
                i + 1,
                f.severity.label(),
                cell(&f.rule.label()),
                f.rule,
                cell(f.indicator.as_deref().unwrap_or("")),
                cell(&f.message)
            ));
        }
    }
    // A control character anywhere (a unit's text, a rule set's) shown, never run.
    visible(&out).into_owned()
}

/// One line of a batch summary: a scored unit or one that failed.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    /// The input the unit came from.
    pub source: String,
    pub outcome: Result<UnitSummary, String>,
}

/// The figures of one scored unit in a summary.
#[derive(Debug, Clone)]
pub struct UnitSummary {
    pub unit: String,
    pub year: u16,
    pub kind: &'static str,
    pub total: Decimal,
    pub grade: Option<String>,
    pub declared_total: Option<Decimal>,
    pub gap: Option<Decimal>,
    pub hard: usize,
    pub soft: usize,
    /// For a unit read from a document: of the data the rule set needs, how much was read
    /// (found, needed), the 读取完整度.
    pub read: Option<(usize, usize)>,
}

impl UnitSummary {
    /// `12/14`, or `None` for a unit not read from a document.
    pub fn read_label(&self) -> Option<String> {
        self.read.map(|(found, needed)| format!("{found}/{needed}"))
    }

    /// The grade for people: the band's name, or 无等级.
    pub fn grade_label(&self) -> &str {
        self.grade.as_deref().unwrap_or("无等级")
    }

    pub fn of(card: &Scorecard) -> UnitSummary {
        UnitSummary {
            unit: card.unit.name.clone(),
            year: card.unit.year,
            kind: card.unit.kind.label(),
            total: card.total,
            grade: card.grade.clone(),
            declared_total: card.declared.as_ref().and_then(|d| d.total),
            gap: card.declared.as_ref().and_then(|d| d.gap),
            hard: card.count(Severity::Hard),
            soft: card.count(Severity::Soft),
            read: None,
        }
    }
}

/// Summary rows ranked: scored units by total (highest first, ties in input order) with their
/// competition rank (1, 2, 2, 4), then the units that failed with rank 0. Indices into `rows`.
pub fn ranked(rows: &[SummaryRow]) -> Vec<(usize, usize)> {
    let mut scored: Vec<(usize, Decimal)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.outcome.as_ref().ok().map(|s| (i, s.total)))
        .collect();
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = Vec::with_capacity(rows.len());
    let mut rank = 0;
    let mut previous = None;
    for (position, (index, total)) in scored.into_iter().enumerate() {
        if previous != Some(total) {
            rank = position + 1;
            previous = Some(total);
        }
        out.push((rank, index));
    }
    out.extend(
        rows.iter()
            .enumerate()
            .filter(|(_, r)| r.outcome.is_err())
            .map(|(i, _)| (0, i)),
    );
    out
}

/// A text field of a CSV as a spreadsheet will open it: one that starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return would be taken for a formula (CSV injection), so it is prefixed
/// with an apostrophe, as OWASP recommends. Figures are not text fields: a negative gap stays a
/// number.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The batch summary as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese); its
/// text fields (source, unit, error) are kept from being taken for formulas.
pub fn summary_csv(rows: &[SummaryRow]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "source",
        "unit",
        "year",
        "kind",
        "total",
        "grade",
        "declared_total",
        "gap",
        "hard_findings",
        "soft_findings",
        "read_completeness",
        "error",
    ];
    writer.write_record(header).expect("writing to memory");
    for row in rows {
        let record: Vec<String> = match &row.outcome {
            Ok(s) => vec![
                text_cell(&row.source),
                text_cell(&s.unit),
                s.year.to_string(),
                s.kind.to_owned(),
                p(s.total),
                s.grade_label().to_owned(),
                s.declared_total.map(p).unwrap_or_default(),
                s.gap.map(p).unwrap_or_default(),
                s.hard.to_string(),
                s.soft.to_string(),
                s.read_label().unwrap_or_default(),
                String::new(),
            ],
            Err(e) => {
                let mut r = vec![text_cell(&row.source)];
                r.extend(std::iter::repeat_n(String::new(), 10));
                r.push(text_cell(e));
                r
            }
        };
        writer.write_record(&record).expect("writing to memory");
    }
    let bytes = writer.into_inner().expect("writing to memory");
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"));
    out
}

/// The batch summary as a Markdown table; `notes` (files not read, files skipped as not
/// submissions) under a 说明 heading at the end.
pub fn summary_markdown(rows: &[SummaryRow], notes: &[String]) -> String {
    let mut out = String::from("# 绩效自评复核汇总\n\n");
    out.push_str(
        "| 来源 | 单位 | 年度 | 类型 | 复核总分 | 等级 | 自评总分 | 差 | 硬性问题 | 提示 | 读取完整度 |\n",
    );
    out.push_str("|---|---|---:|---|---:|---|---:|---:|---:|---:|---:|\n");
    let mut failed = Vec::new();
    for row in rows {
        match &row.outcome {
            Ok(s) => out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                cell(&row.source),
                cell(&s.unit),
                s.year,
                s.kind,
                p(s.total),
                s.grade_label(),
                s.declared_total.map_or("—".into(), p),
                s.gap.map_or("—".into(), signed),
                s.hard,
                s.soft,
                s.read_label().unwrap_or_else(|| "—".into())
            )),
            Err(e) => failed.push((row.source.as_str(), e.as_str())),
        }
    }
    if !failed.is_empty() {
        out.push_str("\n## 未能评分\n\n");
        for (source, error) in failed {
            out.push_str(&format!(
                "- `{}`: {}\n",
                source.replace('`', "'"),
                text(&error.replace('\n', " "))
            ));
        }
    }
    if !notes.is_empty() {
        out.push_str("\n## 说明\n\n");
        for note in notes {
            out.push_str(&format!("- {note}\n"));
        }
    }
    // A control character anywhere (a unit's text, a rule set's) shown, never run.
    visible(&out).into_owned()
}

/// The terminal's width in columns when standard output is a terminal (and it can be told).
pub fn terminal_width() -> Option<u16> {
    Table::new().width()
}
