//! Static HTML: the batch report (`index.html`) and one page per scorecard. No network, no CDN,
//! no external file: styles are inline and charts are inline SVG drawn at render time. A short
//! inline script only counts the charts drawn and records it on the page (`data-charts`), which
//! the browser test reads.

use std::collections::BTreeMap;
use std::io;

use jixiao_engine::fmt::{number, points, round};
use jixiao_engine::{RuleId, RuleSetRef, Scorecard, Severity};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::{GroupBy, SummaryRow, ranked};

const STYLE: &str = r#"
body{font-family:"Noto Sans CJK SC","PingFang SC","Source Han Sans SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:2rem auto;max-width:1200px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.3rem .5rem;vertical-align:top}
.src{overflow-wrap:anywhere;font-size:.8em}
th{background:#ddebf7;position:sticky;top:0;white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.hard{color:#b00020;font-weight:bold}.soft{color:#8a6d00}
.over{color:#b00020}
.charts{display:flex;flex-wrap:wrap;gap:2rem}
svg.chart text{font-size:12px;fill:#333}
.summary{font-size:1.1rem}
.muted{color:#777}
"#;

/// How the pages print (A4 landscape). Every height is a whole number of CSS pixels (96 to the
/// inch), so that the rows of a page can be counted from the stylesheet (the print test does):
/// the page's content is 277 × 186 mm, 703 px high (210 mm less margins of 13 mm at the top for
/// the running header and 11 mm at the bottom for the page number); table text is 8 pt on
/// lines of 14 px (a rule's id in a monospace font aligned to the line's top, so that it does not
/// make the line taller), cells padded 3 px above and below with a 1 px rule below (and above
/// the header cells, which repeat on every page), so a row of n lines is 14 n + 7 px and a header row
/// of one line 22 px; a heading is 22 px with 8 px and a 1 px rule below, 31 px. No row is split
/// across pages, the sections marked `.page` start one, and the navigation and the scorecard's
/// chart are left off.
const PRINT: &str = r#"
@page{size:A4 landscape;margin:13mm 10mm 11mm 10mm}
@media print{
body{margin:0;max-width:none;padding:0;font-size:9pt;line-height:18px}
h1{font-size:14pt;line-height:30px;margin:0 0 8px}
h2{font-size:11pt;line-height:22px;margin:0 0 8px;padding:0;border-bottom:1px solid #999;break-after:avoid}
p{margin:0 0 4px;line-height:18px}
.summary{font-size:10pt}
section{margin-top:16px}
section.page{break-before:page;margin-top:0}
table{font-size:8pt;line-height:14px;border-collapse:separate;border-spacing:0;border-left:1px solid #999}
table.fixed{table-layout:fixed}
thead{display:table-header-group}
tfoot{display:table-footer-group}
tr{break-inside:avoid}
th,td{padding:3px 4px;border:0;border-right:1px solid #999;border-bottom:1px solid #999;overflow-wrap:anywhere}
th{border-top:1px solid #999;position:static;background:#ddebf7;-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:inherit;text-decoration:none}
td code{vertical-align:top}
nav,.screen{display:none}
.charts{gap:6mm;break-inside:avoid}
figure{margin:0}
}
"#;

/// A CSS string (`"…"`) holding `text`: quotes, backslashes and line breaks escaped, and `<`
/// written `\3c ` so that nothing in it can close the style element.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\3c "),
            '\n' | '\r' | '\u{c}' => out.push_str("\\a "),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The running header and footer of a printed page: the bureau's name on the left, `left` after
/// it, the rule set on the right, the page number and count in the middle below.
pub(crate) fn page_margins(bureau: Option<&str>, left: &str, rule_set: &RuleSetRef) -> String {
    let left = match bureau {
        Some(b) if !b.trim().is_empty() => format!("{} · {left}", b.trim()),
        _ => left.to_owned(),
    };
    let right = format!("{} (v{})", rule_set.name, rule_set.version);
    let box_style = "font-size:8pt;color:#555;font-family:\"Noto Sans CJK SC\",sans-serif";
    format!(
        "@page{{@top-left{{content:{};{box_style}}}@top-right{{content:{};{box_style}}}\
         @bottom-center{{content:\"第 \" counter(page) \" 页 / 共 \" counter(pages) \" 页\";{box_style}}}}}",
        css_string(&left),
        css_string(&right)
    )
}

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

pub(crate) fn page(title: &str, margins: &str, body: Markup) -> String {
    // The page is put together around the body's own text rather than by copying it into a
    // new one.
    let (start, end) = (page_start(title, margins), page_end());
    let mut page = body.into_string();
    page.reserve_exact(start.len() + end.len());
    page.insert_str(0, &start);
    page.push_str(&end);
    // maud escapes markup; a control character (ESC, NUL, a bidirectional override) of a unit's
    // text is shown as `\u{1b}` (the page's own text holds none but line feeds).
    crate::visible_owned(page)
}

/// A page up to its body's content: the doctype, the head, `<body>`.
fn page_start(title: &str, margins: &str) -> String {
    html! {
        (DOCTYPE)
        (PreEscaped(r#"<html lang="zh-CN">"#))
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) }
            style { (PreEscaped(STYLE)) (PreEscaped(PRINT)) (PreEscaped(margins)) }
        }
        (PreEscaped("<body>"))
    }
    .into_string()
}

/// A page after its body's content: the script that checks the charts, the closing tags.
fn page_end() -> String {
    html! { script { (PreEscaped(CHART_CHECK)) } (PreEscaped("</body></html>")) }.into_string()
}

fn p(value: Decimal) -> String {
    points(value, 2).to_string()
}

/// A vertical bar chart of counts.
pub(crate) fn bar_chart(title: &str, bars: &[(String, u64)]) -> Markup {
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

/// The class of a gap's cell: a figure, in red where the unit scored itself higher (as shown).
fn gap_class(gap: Option<Decimal>) -> &'static str {
    if gap.is_some_and(|g| round(g, 2) > Decimal::ZERO) {
        "n over"
    } else {
        "n"
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
    /// The bureau whose report it is, named at the top of every printed page.
    pub bureau: Option<&'a str>,
}

/// The columns of the ranking table: header and width in ‰ of the table's. Printed, the table
/// is 277 mm wide and its widths are fixed (`table-layout: fixed`), so that a row is as tall as
/// its longest cell's lines: each header fits on one line, and the figures' columns are as wide
/// with or without the project columns (112 mm together); the text columns share the other
/// 165 mm (单位 66 mm: 22 characters of 8 pt a line). The file a unit came from is under its
/// name. With `history` (a run with a results store), 上年等级 (17 mm: 上年无记录 on one line),
/// 上年总分 and 总分变化 (14 mm each) follow 等级, and the text columns give up those 45 mm.
fn ranking_columns(projects: bool, history: bool) -> Vec<(&'static str, u32)> {
    // Widths in mm of the 277.
    let text: &[(&str, u32)] = if history && projects {
        &[
            ("单位", 35),
            ("单位编码", 14),
            ("项目", 27),
            ("项目编码", 17),
            ("主管部门", 16),
            ("地区", 11),
        ]
    } else if history {
        &[
            ("单位", 47),
            ("单位编码", 18),
            ("主管部门", 29),
            ("地区", 26),
        ]
    } else if projects {
        &[
            ("单位", 46),
            ("单位编码", 16),
            ("项目", 40),
            ("项目编码", 21),
            ("主管部门", 26),
            ("地区", 16),
        ]
    } else {
        &[
            ("单位", 66),
            ("单位编码", 22),
            ("主管部门", 42),
            ("地区", 35),
        ]
    };
    let mut columns = vec![("排名", 9)];
    columns.extend(text.iter().copied());
    columns.extend([("复核总分", 14), ("等级", 9)]);
    if history {
        columns.extend([("上年等级", 17), ("上年总分", 14), ("总分变化", 14)]);
    }
    columns.extend([
        ("自评总分", 14),
        ("自评等级", 14),
        ("差", 12),
        ("硬性问题", 14),
        ("提示", 9),
        ("读取完整度", 17),
    ]);
    columns
        .into_iter()
        .map(|(name, mm)| (name, mm * 1000 / 277))
        .collect()
}

/// The file a unit came from, as shown under its name: the file's name (its path in full on
/// hover).
fn source_line(source: &str) -> Markup {
    let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
    html! { div.src.muted title=(source) { (name) } }
}

/// A table's column widths, in ‰ of its width.
pub(crate) fn colgroup(widths: impl IntoIterator<Item = u32>) -> Markup {
    html! {
        colgroup {
            @for w in widths {
                col style=(format!("width:{}.{}%", w / 10, w % 10));
            }
        }
    }
}

/// The table of one grouping: per group the units, the grade distribution, the average and the
/// lowest total.
fn group_table(rows: &[SummaryRow], by: GroupBy, grades: &[String]) -> Markup {
    let groups = crate::groups(rows, by, grades);
    let bands: Vec<String> = groups
        .first()
        .map(|g| g.grades.iter().map(|(name, _)| name.clone()).collect())
        .unwrap_or_default();
    html! {
        h2 { (by.title()) }
        @if groups.is_empty() {
            p { "无评分单位。" }
        } @else {
            table {
                thead {
                    tr {
                        th { (by.label()) } th { "单位数" }
                        @for band in &bands { th { (band) } }
                        th { "平均分" } th { "最低分" }
                    }
                }
                tbody {
                    @for group in &groups {
                        tr {
                            td { (group.name) }
                            td.n { (group.units) }
                            @for (_, n) in &group.grades { td.n { (n) } }
                            td.n { (p(group.average)) }
                            td.n { (p(group.lowest)) }
                        }
                    }
                }
            }
        }
    }
}

/// A unit's 上年等级, 上年总分 and 总分变化 cells; under the change, 规则不同 where last
/// year's rule set is another (the note in full on hover).
fn last_year_cells(s: &crate::UnitSummary) -> Markup {
    use crate::last_year::History;
    match &s.last_year {
        History::NotKept => html! { td { "—" } td.n { "—" } td.n { "—" } },
        History::NoRecord => {
            html! { td.muted { (crate::last_year::NO_RECORD) } td.n { "—" } td.n { "—" } }
        }
        History::Record(last) => {
            let class = if last
                .change
                .is_some_and(|c| c.is_sign_negative() && !c.is_zero())
            {
                "n over"
            } else {
                "n"
            };
            html! {
                td { (last.grade_label()) }
                td.n { (last.total) }
                td class=(class) {
                    (last.change_label().unwrap_or_else(|| "—".into()))
                    @if let Some(note) = &last.note { div.src.muted title=(note) { (crate::last_year::MARK) } }
                }
            }
        }
    }
}

/// Under the ranking of a run with a results store: what last year's columns say, the units
/// whose last year was scored under another rule set, and the grade transition table since last
/// year.
fn last_year_section(rows: &[SummaryRow], grades: &[String]) -> Markup {
    use crate::last_year::{self, History};
    let other: Vec<(&str, String)> = ranked(rows)
        .into_iter()
        .filter_map(|(_, i)| rows[i].outcome.as_ref().ok())
        .filter_map(|s| match &s.last_year {
            History::Record(last) if last.other_rule_set => Some((
                s.unit.as_str(),
                format!("{} v{}", last.rule_set_id, last.rule_set_version),
            )),
            _ => None,
        })
        .collect();
    let matrix = last_year::transitions(rows, grades);
    html! {
        p.muted style="margin-top:6px" { (last_year::LEGEND_MARKED) "。" }
        @if !other.is_empty() {
            p.muted {
                "上年评分规则与本年不同的单位 (总分变化不是同口径的比较): "
                @for (k, (unit, rule_set)) in other.iter().enumerate() {
                    @if k > 0 { "; " }
                    (unit) " (上年 " code { (rule_set) } ")"
                }
                "。"
            }
        }
        section {
            h2 { (last_year::TITLE) }
            p.muted { (last_year::EXPLAIN) }
            // Narrower than the page: six or seven short columns.
            div style="max-width:720px" { (matrix.html(last_year::CORNER)) }
        }
    }
}

/// `index.html`: grade distribution, score histogram, most frequent findings, units ranked, and
/// the units grouped by 主管部门 and by 地区. `pages` gives, per summary row, the path of its
/// scorecard page, if one was written. Printed, the ranking and the groups each start a page.
pub fn index(info: &BatchInfo<'_>, rows: &[SummaryRow], pages: &[Option<String>]) -> String {
    let mut out = Vec::new();
    index_to(&mut out, info, rows, pages).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the page is UTF-8")
}

/// How many rows of the ranking [`index_to`] makes at a time.
const RANKING_PIECE: usize = 1000;

/// Writes the summary page to `out` as it is made, the ranking (a row a unit) a thousand rows at
/// a time: memory never holds the whole page, tens of megabytes at 100,000 units
/// (docs/performance.md). The bytes are those of [`index`].
pub fn index_to(
    out: &mut dyn io::Write,
    info: &BatchInfo<'_>,
    rows: &[SummaryRow],
    pages: &[Option<String>],
) -> io::Result<()> {
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
    let projects = crate::has_projects(rows);
    let history = crate::last_year::has_history(rows);
    let columns = ranking_columns(projects, history);
    let findings = info.findings.sorted();
    let text = |t: &Option<String>| t.clone().unwrap_or_else(|| "—".to_owned());
    let title = format!("绩效自评复核报告: {}", info.rule_set.name);
    let before = html! {
        h1 { (title) }
        p.summary {
            "规则 " (info.rule_set.name) " (" code { (info.rule_set.id) } " v" (info.rule_set.version) ")"
            @if let Some(parent) = &info.rule_set.extends {
                ", 继承自 " (parent.name) " (" code { (parent.id) } " v" (parent.version) ")"
            }
            ": 共 " (rows.len()) " 个单位, 评分 " (scored.len()) " 个"
            @if scored.len() < rows.len() { ", " span.hard { (rows.len() - scored.len()) " 个未能评分" } }
            "。"
        }
        @for note in info.notes {
            p.muted { (note) "。" }
        }
        section {
            h2 { "等级分布与得分分布" }
            div.charts {
                (bar_chart("等级分布 (单位数)", &grade_bars))
                (bar_chart("得分分布 (单位数)", &histogram))
            }
        }
        section {
            h2 { "最常见的问题" }
            @if findings.is_empty() {
                p { "无。" }
            } @else {
                table {
                    thead { tr { th { "规则" } th { "说明" } th { "性质" } th { "涉及单位" } th { "出现次数" } } }
                    tbody {
                        @for (rule, severity, units, total) in findings {
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
            }
        }
        (PreEscaped(r#"<section class="page">"#))
        h2 { "单位排名" }
        (PreEscaped(r#"<table class="fixed ranking">"#))
        (colgroup(columns.iter().map(|c| c.1)))
        thead { tr { @for (name, _) in &columns { th { (name) } } } }
        (PreEscaped("<tbody>"))
    };
    let margins = page_margins(info.bureau, "绩效自评复核报告", info.rule_set);
    crate::write_visible(out, &page_start(&title, &margins))?;
    crate::write_visible(out, &before.into_string())?;
    for piece in ranked(rows).chunks(RANKING_PIECE) {
        let ranking = html! {
            @for &(rank, index) in piece {
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
                            (source_line(&row.source))
                        }
                        td { (text(&s.code)) }
                        @if projects {
                            td { (text(&s.project)) }
                            td { (text(&s.project_code)) }
                        }
                        td { (text(&s.supervisor)) }
                        td { (text(&s.region)) }
                        td.n { (p(s.total)) }
                        td { (s.grade_label()) }
                        @if history { (last_year_cells(s)) }
                        td.n { (s.declared_total.map_or("—".into(), p)) }
                        td { (text(&s.declared_grade)) }
                        td class=(gap_class(s.gap)) {
                            (s.gap.map_or("—".into(), crate::signed))
                        }
                        td class=(if s.hard > 0 { "n hard" } else { "n" }) { (s.hard) }
                        td.n { (s.soft) }
                        td.n { (s.read_label().unwrap_or_else(|| "—".into())) }
                    }
                }
            }
        };
        crate::write_visible(out, &ranking.into_string())?;
    }
    let after = html! {
        (PreEscaped("</tbody></table></section>"))
        @if history { (last_year_section(rows, info.grades)) }
        section.page {
            (group_table(rows, GroupBy::Supervisor, info.grades))
            (group_table(rows, GroupBy::Region, info.grades))
        }
        @if scored.len() < rows.len() {
            section {
                h2 { "未能评分" }
                ul {
                    @for row in rows {
                        @if let Err(e) = &row.outcome {
                            li { code { (row.source) } ": " (crate::without_source(e, &row.source)) }
                        }
                    }
                }
            }
        }
    };
    crate::write_visible(out, &after.into_string())?;
    crate::write_visible(out, &page_end())
}

/// One scorecard as a page: the unit and its identity, the totals and grades beside the unit's
/// own, the indicator chart, every indicator with the unit's self-score beside the recomputed
/// score and its explanation, every finding. `bureau` names the bureau at the top of every
/// printed page. Printed, the findings start a page (the part sent back to the unit).
pub fn scorecard(
    card: &Scorecard,
    index_href: &str,
    bureau: Option<&str>,
    resubmission: Option<&crate::resubmission::Resubmission>,
) -> String {
    let title = format!("{} {}年 绩效自评复核", card.unit.name, card.unit.year);
    let rows = crate::rows(&card.indicators);
    let unit = &card.unit;
    let identity: Vec<(&str, &str)> = [
        ("单位编码", &unit.code),
        ("项目", &unit.project),
        ("项目编码", &unit.project_code),
        ("主管部门", &unit.supervisor),
        ("地区", &unit.region),
    ]
    .into_iter()
    .filter_map(|(label, value)| Some((label, value.as_deref()?)))
    .collect();
    let (own_total, own_gap, _) = crate::declared_cells(card);
    let reviewed = card.review.is_some();
    let body = html! {
        nav { p { a href=(index_href) { "← 返回汇总" } } }
        h1 { (title) }
        p.summary {
            (unit.kind.label())
            @for (label, value) in &identity { " · " (label) " " (value) }
        }
        p.summary {
            "规则 " (card.rule_set.name) " (" code { (card.rule_set.id) } " v" (card.rule_set.version) ")"
            @if let Some(parent) = &card.rule_set.extends {
                ", 继承自 " (parent.name) " (" code { (parent.id) } " v" (parent.version) ")"
            }
        }
        @if let Some(review) = &card.review {
            p.summary {
                "复核后总分 " strong { (p(review.total)) } " / " (number(card.points)) ", 等级 " strong { (review.grade_label()) }
                " · " (crate::review::system_line(card))
                @if let Some(declared) = crate::declared_line(card) { " · " (declared) }
            }
        } @else {
            p.summary {
                "复核总分 " strong { (p(card.total)) } " / " (number(card.points)) ", 等级 " strong { (card.grade_label()) }
                @if let Some(declared) = crate::declared_line(card) { " · " (declared) }
            }
        }
        @if let Some(note) = crate::rescale_note(card) { p.muted { (note) } }
        @if let Some(note) = crate::rounding_note(card) { p.muted { (note) } }
        div.charts.screen { (indicator_chart(card)) }
        section {
            h2 { "指标得分" }
            table.fixed.indicators {
                @if reviewed {
                    (colgroup([170, 45, 55, 55, 55, 55, 140, 130, 155, 140]))
                    thead { tr { th { "指标" } th { "分值" } th { "系统得分" } th { "复核得分" } th { "自评得分" } th { "差" } th { "计分规则" } th { "输入" } th { "计算" } th { "扣分原因" } } }
                } @else {
                    (colgroup([180, 50, 60, 60, 60, 150, 140, 160, 140]))
                    thead { tr { th { "指标" } th { "分值" } th { "复核得分" } th { "自评得分" } th { "差" } th { "计分规则" } th { "输入" } th { "计算" } th { "扣分原因" } } }
                }
                tbody {
                    @for (depth, node) in rows {
                        @let (own, gap) = crate::self_cells(node);
                        tr {
                            td style=(format!("padding-left:{}mm", 1 + 3 * depth)) {
                                @if node.children.is_empty() { (node.name) } @else { strong { (node.name) } }
                                @let note = crate::status_note(node);
                                @if !note.is_empty() { " " span.muted { "(" (note) ")" } }
                            }
                            td.n { (number(node.points)) }
                            td.n { (p(node.score)) }
                            @if reviewed { td.n { (crate::review::reviewed_cell(node)) } }
                            td.n { (own) }
                            td class=(gap_class(node.self_score_gap)) { (gap) }
                            @if let Some(d) = &node.detail {
                                td { (d.rule) }
                                td {
                                    @for figure in &d.inputs { (figure.to_string()) br; }
                                    @if let Some(note) = crate::self_note(node) { (note) }
                                }
                                td { (d.formula) }
                                td {
                                    (d.reason.as_deref().unwrap_or(""))
                                    @for line in crate::adjustment_lines(node) { br; (line) }
                                }
                            } @else {
                                td {} td {} td {} td {}
                            }
                        }
                    }
                    tr {
                        td { strong { "合计" } }
                        td.n { (number(card.points)) }
                        td.n { strong { (p(card.total)) } }
                        @if let Some(review) = &card.review { td.n { strong { (p(review.total)) } } }
                        td.n { (own_total) }
                        td class=(gap_class(card.declared.as_ref().and_then(|d| d.gap))) { (own_gap) }
                        td colspan="4" {
                            @if let Some(review) = &card.review {
                                "系统等级 " (card.grade_label()) ", 复核后等级 " (review.grade_label())
                            } @else {
                                "等级 " (card.grade_label())
                            }
                            @if let Some(own) = card.declared.as_ref().and_then(|d| d.grade.as_deref()) {
                                ", 自评等级 " (own.trim())
                            }
                        }
                    }
                }
            }
        }
        (crate::review::html(card))
        (crate::ledger::html(card))
        (crate::history::html(card))
        @if let Some(r) = resubmission { (crate::resubmission::html(r)) }
        section.page {
            h2 { "发现问题" }
            @if card.findings.is_empty() {
                p { "无。" }
            } @else {
                table.fixed.findings {
                    (colgroup([40, 60, 220, 160, 520]))
                    thead { tr { th { "#" } th { "性质" } th { "规则" } th { "指标" } th { "说明" } } }
                    tbody {
                        @for (i, f) in card.findings.iter().enumerate() {
                            tr {
                                td.n { (i + 1) }
                                td class=(severity_class(f.severity)) { (f.severity.label()) }
                                td { code { (f.rule) } br; span.muted { (f.rule.label()) } }
                                td {
                                    @if let Some(id) = &f.indicator {
                                        @if let Some(node) = card.indicator(id) { (node.name) br; }
                                        span.muted { (id) }
                                    }
                                }
                                td { (f.message) }
                            }
                        }
                    }
                }
            }
        }
    };
    let margins = page_margins(
        bureau,
        &format!("{} {}年", card.unit.name, card.unit.year),
        &card.rule_set,
    );
    page(&title, &margins, body)
}

#[cfg(test)]
mod tests {
    /// The ranking's printed widths add up to the page's 277 mm (1000 ‰, less what the integer
    /// division of each column's ‰ drops) with and without projects and last year's columns,
    /// and last year's three columns take what the text columns give up.
    #[test]
    fn the_ranking_columns_fill_the_printed_width() {
        for projects in [false, true] {
            let plain = super::ranking_columns(projects, false);
            let history = super::ranking_columns(projects, true);
            assert_eq!(history.len(), plain.len() + 3);
            let mm =
                |columns: &[(&str, u32)]| -> u32 { columns.iter().map(|(_, w)| *w).sum::<u32>() };
            // Each ‰ is mm × 1000 / 277, rounded down: within a column count of 1000.
            for columns in [&plain, &history] {
                let total = mm(columns);
                assert!(
                    total <= 1000 && total + columns.len() as u32 > 1000,
                    "{total}"
                );
            }
            let names: Vec<&str> = history.iter().map(|c| c.0).collect();
            let at = names.iter().position(|n| *n == "等级").unwrap();
            assert_eq!(&names[at + 1..at + 4], ["上年等级", "上年总分", "总分变化"]);
        }
    }
}
