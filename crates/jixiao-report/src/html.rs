//! Static HTML: the batch report (`index.html`) and one page per scorecard. No network, no CDN,
//! no external file: styles are inline and charts are inline SVG drawn at render time. A short
//! inline script only counts the charts drawn and records it on the page (`data-charts`), which
//! the browser test reads.

use std::collections::BTreeMap;

use jixiao_engine::fmt::{number, points, round};
use jixiao_engine::{RuleId, RuleSetRef, Scorecard, Severity};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::{SummaryRow, ranked};

const STYLE: &str = r#"
body{font-family:"PingFang SC","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:2rem auto;max-width:1200px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.3rem .5rem;vertical-align:top}
th{background:#ddebf7;position:sticky;top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.hard{color:#b00020;font-weight:bold}.soft{color:#8a6d00}
.charts{display:flex;flex-wrap:wrap;gap:2rem}
svg.chart text{font-size:12px;fill:#333}
.summary{font-size:1.1rem}
.muted{color:#777}
"#;

/// Counts the drawn charts (SVG with at least one bar of positive size) and records the number.
const CHART_CHECK: &str = r#"
document.addEventListener("DOMContentLoaded", function () {
  var drawn = 0;
  document.querySelectorAll("svg.chart").forEach(function (svg) {
    var bars = Array.prototype.filter.call(svg.querySelectorAll("rect.bar"), function (r) {
      var box = r.getBBox();
      return box.width > 0 && box.height > 0;
    });
    if (bars.length > 0) { drawn += 1; }
  });
  document.documentElement.setAttribute("data-charts", String(drawn));
});
"#;

fn page(title: &str, body: Markup) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                (body)
                script { (PreEscaped(CHART_CHECK)) }
            }
        }
    }
    .into_string();
    // maud escapes markup; a control character (ESC, NUL, a bidirectional override) of a unit's
    // text is shown as `\u{1b}` (the page's own text holds none but line feeds).
    crate::visible(&page).into_owned()
}

fn p(value: Decimal) -> String {
    points(value, 2)
}

/// A vertical bar chart of counts.
fn bar_chart(title: &str, bars: &[(String, u64)]) -> Markup {
    let (width, height, top, bottom, left) =
        (60 * bars.len().max(1) + 40, 236u64, 40u64, 36u64, 30);
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let plot = height - top - bottom;
    html! {
        figure {
            svg.chart width=(width) height=(height) role="img" aria-label=(title) {
                text x="4" y="14" { (title) }
                @for (i, (label, value)) in bars.iter().enumerate() {
                    @let h = plot * value / max;
                    @let x = left + i * 60;
                    rect.bar x=(x) y=(top + plot - h) width="40" height=(h) fill="#4472c4" {
                        title { (label) ": " (value) }
                    }
                    text x=(x + 20) y=(top + plot - h - 4) text-anchor="middle" { (value) }
                    text x=(x + 20) y=(height - bottom + 16) text-anchor="middle" { (label) }
                }
                line x1=(left - 5) y1=(top + plot) x2=(width - 5) y2=(top + plot) stroke="#999" {}
            }
        }
    }
}

/// Horizontal bars of each leaf's score against its points.
fn indicator_chart(card: &Scorecard) -> Markup {
    let leaves = card.leaves();
    let row = 22usize;
    let (label_width, bar_width) = (260usize, 420usize);
    let height = row * leaves.len() + 30;
    let width = label_width + bar_width + 90;
    html! {
        figure {
            svg.chart width=(width) height=(height) role="img" aria-label="指标得分" {
                text x="4" y="14" { "指标得分 (得分 / 分值)" }
                @for (i, (_, leaf)) in leaves.iter().enumerate() {
                    @let y = 24 + i * row;
                    @let full = bar_width;
                    @let share = if leaf.points.is_zero() { Decimal::ZERO } else { leaf.score / leaf.points };
                    @let scored = round(share * Decimal::from(bar_width), 0).to_usize().unwrap_or(0).min(bar_width);
                    text x=(label_width - 6) y=(y + 14) text-anchor="end" { (leaf.name) }
                    rect x=(label_width) y=(y + 3) width=(full) height="14" fill="#eee" {}
                    @if scored > 0 {
                        rect.bar x=(label_width) y=(y + 3) width=(scored) height="14" fill="#4472c4" {
                            title { (leaf.name) ": " (p(leaf.score)) " / " (number(leaf.points)) }
                        }
                    } @else {
                        rect.bar x=(label_width) y=(y + 3) width="1" height="14" fill="#b00020" {
                            title { (leaf.name) ": 0 / " (number(leaf.points)) }
                        }
                    }
                    text x=(label_width + bar_width + 6) y=(y + 14) { (p(leaf.score)) " / " (number(leaf.points)) }
                }
            }
        }
    }
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error | Severity::Hard => "hard",
        Severity::Soft => "soft",
    }
}

/// Findings counted across a batch: per rule, the units concerned and the occurrences.
#[derive(Debug, Clone, Default)]
pub struct FindingCounts {
    counts: BTreeMap<(RuleId, Severity), (u64, u64)>,
}

impl FindingCounts {
    pub fn add(&mut self, card: &Scorecard) {
        let mut seen: Vec<(&RuleId, Severity)> = Vec::new();
        for f in &card.findings {
            let entry = self.counts.entry((f.rule.clone(), f.severity)).or_default();
            entry.1 += 1;
            if !seen.contains(&(&f.rule, f.severity)) {
                seen.push((&f.rule, f.severity));
                entry.0 += 1;
            }
        }
    }

    /// Most frequent first (by units concerned, then occurrences, then rule).
    fn sorted(&self) -> Vec<(&RuleId, Severity, u64, u64)> {
        let mut all: Vec<_> = self
            .counts
            .iter()
            .map(|((rule, severity), (units, total))| (rule, *severity, *units, *total))
            .collect();
        all.sort_by(|a, b| {
            b.2.cmp(&a.2)
                .then(b.3.cmp(&a.3))
                .then_with(|| a.0.to_string().cmp(&b.0.to_string()))
        });
        all
    }
}

/// What the batch report needs besides the summary rows.
#[derive(Debug, Clone)]
pub struct BatchInfo<'a> {
    pub rule_set: &'a RuleSetRef,
    /// Grade names, best first, as the rule set lists them.
    pub grades: &'a [String],
    pub findings: &'a FindingCounts,
    /// Lines under the summary line (files not read, files skipped as not submissions).
    pub notes: &'a [String],
}

/// `index.html`: grade distribution, score histogram, most frequent findings, units ranked.
/// `pages` gives, per summary row, the path of its scorecard page, if one was written.
pub fn index(info: &BatchInfo<'_>, rows: &[SummaryRow], pages: &[Option<String>]) -> String {
    let scored: Vec<_> = rows
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .collect();
    let grade_bars: Vec<(String, u64)> = info
        .grades
        .iter()
        .map(|g| {
            (
                g.clone(),
                scored
                    .iter()
                    .filter(|s| s.grade.as_ref() == Some(g))
                    .count() as u64,
            )
        })
        .collect();
    let mut bins = [0u64; 10];
    for s in &scored {
        let bin = (s.total / Decimal::TEN)
            .floor()
            .to_usize()
            .unwrap_or(0)
            .min(9);
        bins[bin] += 1;
    }
    let histogram: Vec<(String, u64)> = bins
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("{}-{}", i * 10, i * 10 + 10), *n))
        .collect();
    let title = format!("绩效自评复核报告: {}", info.rule_set.name);
    let body = html! {
        h1 { (title) }
        p.summary {
            "规则 " code { (info.rule_set.id) } " v" (info.rule_set.version)
            ": 共 " (rows.len()) " 个单位, 评分 " (scored.len()) " 个"
            @if scored.len() < rows.len() { ", " span.hard { (rows.len() - scored.len()) " 个未能评分" } }
            "。"
        }
        @for note in info.notes {
            p.muted { (note) "。" }
        }
        h2 { "等级分布与得分分布" }
        div.charts {
            (bar_chart("等级分布 (单位数)", &grade_bars))
            (bar_chart("得分分布 (单位数)", &histogram))
        }
        h2 { "最常见的问题" }
        table {
            thead { tr { th { "规则" } th { "说明" } th { "性质" } th { "涉及单位" } th { "出现次数" } } }
            tbody {
                @for (rule, severity, units, total) in info.findings.sorted() {
                    tr {
                        td { code { (rule) } }
                        td { (rule.label()) }
                        td class=(severity_class(severity)) { (severity.label()) }
                        td.n { (units) }
                        td.n { (total) }
                    }
                }
            }
        }
        h2 { "单位排名" }
        table {
            thead { tr { th { "排名" } th { "单位" } th { "类型" } th { "复核总分" } th { "等级" } th { "自评总分" } th { "硬性问题" } th { "提示" } th { "读取完整度" } th { "来源" } } }
            tbody {
                @for (rank, index) in ranked(rows) {
                    @let row = &rows[index];
                    @if let Ok(s) = &row.outcome {
                        tr {
                            td.n { (rank) }
                            td {
                                @if let Some(Some(page)) = pages.get(index) {
                                    a href=(page) { (s.unit) }
                                } @else {
                                    (s.unit)
                                }
                            }
                            td { (s.kind) }
                            td.n { (p(s.total)) }
                            td { (s.grade_label()) }
                            td.n { (s.declared_total.map_or("—".into(), p)) }
                            td.n class=(if s.hard > 0 { "hard" } else { "" }) { (s.hard) }
                            td.n { (s.soft) }
                            td.n { (s.read_label().unwrap_or_else(|| "—".into())) }
                            td.muted { (row.source) }
                        }
                    }
                }
            }
        }
        @if scored.len() < rows.len() {
            h2 { "未能评分" }
            ul {
                @for row in rows {
                    @if let Err(e) = &row.outcome {
                        li { code { (row.source) } ": " (e) }
                    }
                }
            }
        }
    };
    page(&title, body)
}

/// One scorecard as a page: the headline, the indicator chart, every indicator with its
/// explanation, every finding.
pub fn scorecard(card: &Scorecard, index_href: &str) -> String {
    let title = format!("{} {}年 绩效自评复核", card.unit.name, card.unit.year);
    let rows = crate::rows(&card.indicators);
    let body = html! {
        p { a href=(index_href) { "← 返回汇总" } }
        h1 { (title) }
        p.summary {
            (card.unit.kind.label())
            @if let Some(project) = &card.unit.project { " · " (project) }
            " · 规则 " (card.rule_set.name) " (" code { (card.rule_set.id) } " v" (card.rule_set.version) ")"
        }
        p.summary {
            "复核总分 " strong { (p(card.total)) } " / " (number(card.points)) ", 等级 " strong { (card.grade_label()) }
            @if let Some(d) = &card.declared {
                " · 自评 " (d.total.map_or("—".into(), p)) " " (d.grade.as_deref().unwrap_or("—"))
            }
        }
        @if let Some(note) = crate::rescale_note(card) { p.muted { (note) } }
        div.charts { (indicator_chart(card)) }
        h2 { "指标得分" }
        table {
            thead { tr { th { "指标" } th { "分值" } th { "得分" } th { "计分规则" } th { "输入" } th { "计算" } th { "扣分原因" } } }
            tbody {
                @for (depth, node) in rows {
                    tr {
                        td style=(format!("padding-left:{}px", 8 + 18 * depth)) {
                            @if node.children.is_empty() { (node.name) } @else { strong { (node.name) } }
                            @let note = crate::status_note(node);
                            @if !note.is_empty() { " " span.muted { "(" (note) ")" } }
                        }
                        td.n { (number(node.points)) }
                        td.n { (p(node.score)) }
                        @if let Some(d) = &node.detail {
                            td { (d.rule) }
                            td {
                                @for figure in &d.inputs { (figure.to_string()) br; }
                                @if let Some(s) = d.self_score { "自评得分 " (p(s)) }
                            }
                            td { (d.formula) }
                            td { (d.reason.as_deref().unwrap_or("")) }
                        } @else {
                            td {} td {} td {} td {}
                        }
                    }
                }
            }
        }
        (crate::ledger::html(card))
        h2 { "发现问题" }
        @if card.findings.is_empty() {
            p { "无。" }
        } @else {
            table {
                thead { tr { th { "#" } th { "性质" } th { "规则" } th { "指标" } th { "说明" } } }
                tbody {
                    @for (i, f) in card.findings.iter().enumerate() {
                        tr {
                            td.n { (i + 1) }
                            td class=(severity_class(f.severity)) { (f.severity.label()) }
                            td { code { (f.rule) } br; span.muted { (f.rule.label()) } }
                            td { (f.indicator.as_deref().unwrap_or("")) }
                            td { (f.message) }
                        }
                    }
                }
            }
        }
    };
    page(&title, body)
}
