//! Renders scorecards for people and machines: a terminal table, JSON, Markdown and HTML for one
//! scorecard; CSV, Markdown, XLSX and an HTML report for a batch. Everything is built in memory
//! and returned as a `String` or bytes; writing files is the caller's business. Numbers are
//! written by fixed rules (`jixiao_engine::fmt`), so output is stable.

pub mod compare;
pub mod history;
pub mod html;
pub mod last_year;
pub mod ledger;
pub mod resubmission;
pub mod returns;
pub mod review;
pub mod review_summary;
pub mod transition;
pub mod xlsx;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

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
    escape_acting(text, rust_escape)
}

/// `\u{1b}`: a code point as Rust writes it.
fn rust_escape(c: u32) -> String {
    format!("\\u{{{c:x}}}")
}

/// `\u001b`: a code point as JSON writes it.
fn json_escape(c: u32) -> String {
    format!("\\u{c:04x}")
}

/// JSON text with every character that would act rather than be shown and that JSON writers
/// leave raw (DEL, a C1 control, a bidirectional override) written as a JSON escape (`\u202e`):
/// the same JSON value. Such a character can only be inside a string.
pub fn json_visible(json: &str) -> Cow<'_, str> {
    escape_acting(json, json_escape)
}

/// As [`visible`], for text already owned: returned as it is when nothing in it acts (the
/// common case, without a copy).
pub fn visible_owned(text: String) -> String {
    match first_acting(&text) {
        None => text,
        Some(at) => escape_from(&text, at, rust_escape),
    }
}

/// As [`json_visible`], for JSON already owned.
pub fn json_visible_owned(json: String) -> String {
    match first_acting(&json) {
        None => json,
        Some(at) => escape_from(&json, at, json_escape),
    }
}

/// Whether a byte of UTF-8 text may begin a character that [`acts`]: the controls themselves
/// (ASCII), or the lead byte of a two- or three-byte character in the ranges [`acts`] names
/// (C1 controls `C2`, U+061C `D8`, the marks and overrides `E2`). Such a byte is always at a
/// character's start.
fn may_act(byte: u8) -> bool {
    matches!(byte, 0x00..=0x08 | 0x0b..=0x1f | 0x7f | 0xc2 | 0xd8 | 0xe2)
}

/// Where the first character of `text` that [`acts`] starts. The bytes are scanned first, 32 at
/// a time (a loop the compiler turns into vector instructions), and only a character whose
/// first byte [`may_act`] is decoded: an output of Chinese text has few.
fn first_acting(text: &str) -> Option<usize> {
    const BLOCK: usize = 32;
    let bytes = text.as_bytes();
    let mut from = 0;
    loop {
        while let Some(block) = bytes.get(from..from + BLOCK)
            && !block.iter().fold(false, |any, &b| any | may_act(b))
        {
            from += BLOCK;
        }
        let offset = bytes[from..].iter().position(|&b| may_act(b))?;
        let at = from + offset;
        let c = text[at..].chars().next()?;
        if acts(c) {
            return Some(at);
        }
        from = at + c.len_utf8();
    }
}

/// `text` with each character that [`acts`] replaced by `escape` of its code point.
fn escape_acting(text: &str, escape: fn(u32) -> String) -> Cow<'_, str> {
    match first_acting(text) {
        None => Cow::Borrowed(text),
        Some(at) => Cow::Owned(escape_from(text, at, escape)),
    }
}

/// `text` with each character from `at` on that [`acts`] replaced by `escape` of its code point
/// (there is none before `at`).
fn escape_from(text: &str, at: usize, escape: fn(u32) -> String) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..at]);
    for c in text[at..].chars() {
        if acts(c) {
            out.push_str(&escape(u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// The scorecard as pretty JSON (decimals as exact strings), ending in a newline.
pub fn json(card: &Scorecard) -> String {
    let mut out = serde_json::to_string_pretty(card).expect("a scorecard always serialises");
    out.push('\n');
    out
}

fn p(value: Decimal) -> String {
    points(value, 2).to_string()
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
    if let Some(review) = &card.review {
        // The final total first, the system's and the unit's own beside it.
        let mut line = format!(
            "复核后总分 {} / {}  等级 {}  ({}",
            p(review.total),
            number(card.points),
            review.grade_label(),
            review::system_line(card)
        );
        if let Some(declared) = declared_line(card) {
            line.push_str(&format!("; {declared}"));
        }
        line.push(')');
        return line;
    }
    let mut line = format!(
        "复核总分 {} / {}  等级 {}",
        p(card.total),
        number(card.points),
        card.grade_label()
    );
    if let Some(declared) = declared_line(card) {
        line.push_str(&format!("  ({declared})"));
    }
    line
}

/// What the unit declared, beside the recomputed total: `自评总分 95.00, 自评等级 优, 差 +26.72`.
pub(crate) fn declared_line(card: &Scorecard) -> Option<String> {
    let declared = card.declared.as_ref()?;
    let mut line = format!(
        "自评总分 {}, 自评等级 {}",
        declared.total.map_or("—".to_owned(), p),
        declared.grade.as_deref().map_or("—", str::trim)
    );
    if let Some(gap) = declared.gap {
        line.push_str(&format!(", 差 {}", signed(gap)));
    }
    Some(line)
}

/// A gap with its sign: `+1.50`, `-0.50`, `0.00` (at the shown decimals).
pub(crate) fn signed(value: Decimal) -> String {
    let shown = p(value);
    if shown.chars().all(|c| matches!(c, '-' | '0' | '.')) {
        p(Decimal::ZERO)
    } else if value.is_sign_negative() {
        shown
    } else {
        format!("+{shown}")
    }
}

/// A node's self-score and its gap to the recomputed score, as shown (empty where the unit gave
/// none).
pub(crate) fn self_cells(node: &ScoredIndicator) -> (String, String) {
    match node.self_score {
        Some(own) => (p(own), node.self_score_gap.map(signed).unwrap_or_default()),
        None => Default::default(),
    }
}

/// Where a self-score was scaled from its row's points: `自评表 9 / 10 分, 按分值 15 折算为 13.50`.
pub(crate) fn self_note(node: &ScoredIndicator) -> Option<String> {
    let from = node.self_score_from?;
    Some(format!(
        "自评表 {} / {} 分, 按分值 {} 折算为 {}",
        number(from.score),
        number(from.points),
        number(node.points),
        p(node.self_score.unwrap_or_default())
    ))
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

/// Under `[totals] sum = "exact"`, where the shown leaves add up to another total than the one
/// shown: 各项得分四舍五入显示, 合计按未舍入的得分计算, ….
pub(crate) fn rounding_note(card: &Scorecard) -> Option<String> {
    card.shown_sum.map(|s| {
        s.note(
            card.total,
            card.rule_set.score_decimals,
            card.rescaled.is_some(),
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
    if let Some(note) = self_note(node) {
        text.push('\n');
        text.push_str(&note);
    }
    for line in adjustment_lines(node) {
        text.push('\n');
        text.push_str(&line);
    }
    text
}

/// One line per plugin adjustment of a leaf.
pub(crate) fn adjustment_lines(node: &ScoredIndicator) -> Vec<String> {
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

/// `, 继承自 <parent> (<id> v<version>)` when the rule set extends another, else nothing; `id`
/// shows the parent's id (in code in Markdown).
fn inherits(rule_set: &jixiao_engine::RuleSetRef, id: impl Fn(&str) -> String) -> String {
    rule_set
        .extends
        .as_ref()
        .map_or_else(String::new, |parent| {
            format!(
                ", 继承自 {} ({} v{})",
                parent.name,
                id(&parent.id),
                parent.version
            )
        })
}

/// The scorecard as a terminal table, `width` columns wide: per indicator its points, the
/// recomputed score, the unit's own score and the gap (those two columns left out when the unit
/// gave no score of its own at all) and the explanation. A unit's control characters are shown
/// escaped ([`visible`]), each cell's before the table is laid out.
pub fn terminal(card: &Scorecard, width: u16) -> String {
    let out = format!(
        "{} {}年 {}绩效自评\n规则: {} ({} v{}){}\n{}\n",
        card.unit.name,
        card.unit.year,
        card.unit.kind.label(),
        card.rule_set.name,
        card.rule_set.id,
        card.rule_set.version,
        inherits(&card.rule_set, |id| id.to_owned()),
        headline(card)
    );
    let mut out = visible_owned(out);
    for line in plugin_lines(card, 16) {
        out.push_str(&format!("插件: {}\n", visible(&line)));
    }
    if let Some(note) = rescale_note(card) {
        out.push_str(&note);
        out.push('\n');
    }
    if let Some(note) = rounding_note(card) {
        out.push_str(&note);
        out.push('\n');
    }
    // The 自评 and 差 columns, unless the unit gave no score of its own at all; with a review,
    // the system's score is 系统 and the reviewer's 复核 beside it.
    let reviewed = card.review.is_some();
    let own_scores = card.declared.as_ref().is_some_and(|d| d.total.is_some())
        || rows(&card.indicators)
            .iter()
            .any(|(_, n)| n.self_score.is_some());
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::DynamicFullWidth)
        .set_width(width)
        .set_header(match (own_scores, reviewed) {
            (true, false) => vec!["指标", "分值", "复核", "自评", "差", "计算与说明"],
            (false, false) => vec!["指标", "分值", "复核", "计算与说明"],
            (true, true) => vec!["指标", "分值", "系统", "复核", "自评", "差", "计算与说明"],
            (false, true) => vec!["指标", "分值", "系统", "复核", "计算与说明"],
        });
    let figure = |text: String| Cell::new(text).set_alignment(CellAlignment::Right);
    for (depth, node) in rows(&card.indicators) {
        // Indented with no-break spaces, which the table keeps where it wraps a name.
        let mut name = format!("{}{}", "\u{a0}\u{a0}".repeat(depth), node.name);
        let note = status_note(node);
        if !note.is_empty() {
            name.push_str(&format!(" [{note}]"));
        }
        let (own, gap) = self_cells(node);
        let mut row = vec![
            Cell::new(visible(&name)),
            figure(number(node.points).to_string()),
            figure(p(node.score)),
        ];
        if reviewed {
            row.push(figure(review::reviewed_cell(node)));
        }
        if own_scores {
            row.extend([figure(own), figure(gap)]);
        }
        row.push(Cell::new(visible(&explanation(node))));
        table.add_row(row);
    }
    let (own, gap, grade) = declared_cells(card);
    let mut row = vec![
        Cell::new("合计"),
        figure(number(card.points).to_string()),
        figure(p(card.total)),
    ];
    if let Some(review) = &card.review {
        row.push(figure(p(review.total)));
    }
    if own_scores {
        row.extend([figure(own), figure(gap)]);
    }
    row.push(Cell::new(visible(&grade)));
    table.add_row(row);
    out.push_str(&table.to_string());
    out.push('\n');
    out.push_str(&review::terminal(card, width));
    out.push_str(&ledger::terminal(card, width));
    out.push_str(&history::terminal(card, width));
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

/// The total row's self-score cells: the declared total, its gap, and the grades side by side
/// (`等级 良 (自评等级 优)`).
pub(crate) fn declared_cells(card: &Scorecard) -> (String, String, String) {
    let declared = card.declared.as_ref();
    let mut grade = match &card.review {
        Some(review) => format!(
            "系统等级 {}, 复核后等级 {}",
            card.grade_label(),
            review.grade_label()
        ),
        None => format!("等级 {}", card.grade_label()),
    };
    if let Some(own) = declared.and_then(|d| d.grade.as_deref()) {
        grade.push_str(&format!(" (自评等级 {})", own.trim()));
    }
    (
        declared.and_then(|d| d.total).map(p).unwrap_or_default(),
        declared.and_then(|d| d.gap).map(signed).unwrap_or_default(),
        grade,
    )
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

/// The indicator a finding is on, for people: its name and its id (`完成质量 (output[2])`), or
/// the id alone where the scorecard has no such node.
fn indicator_label(card: &Scorecard, id: Option<&str>) -> String {
    match id {
        None => String::new(),
        Some(id) => match card.indicator(id) {
            Some(node) => format!("{} ({id})", node.name),
            None => id.to_owned(),
        },
    }
}

/// A unit's text as Markdown shows it: `<`, `>` and `&` as entities, so that a name holding
/// `<script>` is shown, not run, where the Markdown is rendered to HTML.
fn text(text: &str) -> String {
    escape_markdown(text, false)
}

/// Escapes text for one Markdown table cell.
fn cell(text: &str) -> String {
    escape_markdown(text, true)
}

/// `&`, `<` and `>` as HTML entities; in a table `cell`, `|` escaped and a line break as
/// `<br>` too. One pass.
fn escape_markdown(text: &str, cell: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_markdown_into(&mut out, text, cell);
    out
}

/// A Markdown table cell being written: what is written into it is escaped as [`cell`] does,
/// straight into the document.
struct CellText<'a>(&'a mut String);

impl std::fmt::Write for CellText<'_> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        escape_markdown_into(self.0, text, true);
        Ok(())
    }
}

fn escape_markdown_into(out: &mut String, text: &str, cell: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' if cell => out.push_str("\\|"),
            '\n' if cell => out.push_str("<br>"),
            c => out.push(c),
        }
    }
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
        "- 规则: {} (`{}` v{}){}\n",
        card.rule_set.name,
        card.rule_set.id,
        card.rule_set.version,
        inherits(&card.rule_set, |id| format!("`{id}`"))
    ));
    match &card.review {
        Some(review) => {
            out.push_str(&format!("- **{}**\n", review::final_line(card, review)));
            out.push_str(&format!("- {}\n", review::system_line(card)));
        }
        None => out.push_str(&format!(
            "- **复核总分 {} / {}, 等级 {}**\n",
            p(card.total),
            number(card.points),
            card.grade_label()
        )),
    }
    if let Some(declared) = declared_line(card) {
        out.push_str(&format!("- {}\n", text(&declared)));
    }
    for line in plugin_lines(card, 64) {
        out.push_str(&format!("- 插件: {line}\n"));
    }
    if let Some(note) = rescale_note(card) {
        out.push_str(&format!("- {note}\n"));
    }
    if let Some(note) = rounding_note(card) {
        out.push_str(&format!("- {note}\n"));
    }
    out.push_str("\n## 指标得分\n\n");
    if card.review.is_some() {
        out.push_str(
            "| 指标 | 分值 | 系统得分 | 复核得分 | 自评得分 | 差 | 计分规则 | 输入 | 计算 | 扣分原因 |\n",
        );
        out.push_str("|---|---:|---:|---:|---:|---:|---|---|---|---|\n");
    } else {
        out.push_str(
            "| 指标 | 分值 | 复核得分 | 自评得分 | 差 | 计分规则 | 输入 | 计算 | 扣分原因 |\n",
        );
        out.push_str("|---|---:|---:|---:|---:|---|---|---|---|\n");
    }
    for (depth, node) in rows(&card.indicators) {
        markdown_row(&mut out, card, depth, node).expect("writing to a String cannot fail");
    }
    let (own, gap, grade) = declared_cells(card);
    let total = match &card.review {
        Some(review) => format!("**{}** | **{}**", p(card.total), p(review.total)),
        None => format!("**{}**", p(card.total)),
    };
    out.push_str(&format!(
        "| **合计** | {} | {total} | {own} | {gap} | {} | | | |\n",
        number(card.points),
        cell(&grade)
    ));
    out.push_str(&review::markdown(card));
    out.push_str(&ledger::markdown(card));
    out.push_str(&history::markdown(card));
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
                cell(&indicator_label(card, f.indicator.as_deref())),
                cell(&f.message)
            ));
        }
    }
    // A control character anywhere (a unit's text, a rule set's) shown, never run.
    visible_owned(out)
}

/// One row of the Markdown scorecard's table: the node at `depth`, its points and scores, and
/// for a leaf how its score came about. Written straight into `out`, each cell escaped on the
/// way (a scorecard has dozens of rows: this is most of the document).
fn markdown_row(
    out: &mut String,
    card: &Scorecard,
    depth: usize,
    node: &ScoredIndicator,
) -> std::fmt::Result {
    out.push_str("| ");
    {
        let mut name = CellText(out);
        for _ in 0..depth {
            name.write_str("　")?;
        }
        if node.children.is_empty() {
            name.write_str(&node.name)?;
        } else {
            write!(name, "**{}**", node.name)?;
        }
        let note = status_note(node);
        if !note.is_empty() {
            write!(name, " ({note})")?;
        }
    }
    let (own, gap) = self_cells(node);
    write!(out, " | {} | {}", number(node.points), p(node.score))?;
    // With a review, the reviewed score after the system's.
    if card.review.is_some() {
        write!(out, " | {}", review::reviewed_cell(node))?;
    }
    write!(out, " | {own} | {gap} | ")?;
    if let Some(d) = &node.detail {
        CellText(out).write_str(&d.rule)?;
        out.push_str(" | ");
        let mut inputs = CellText(out);
        let mut separator = "";
        for input in &d.inputs {
            write!(inputs, "{separator}{input}")?;
            separator = "; ";
        }
        if let Some(note) = self_note(node) {
            write!(inputs, "{separator}{note}")?;
        }
        out.push_str(" | ");
        CellText(out).write_str(&d.formula)?;
        out.push_str(" | ");
        let mut reason = CellText(out);
        let mut separator = "";
        if let Some(r) = &d.reason {
            match node.status {
                Status::Scored | Status::Missing => reason.write_str(r)?,
                Status::NotApplicable | Status::Dropped => write!(reason, "(不适用) {r}")?,
            }
            separator = "\n";
        }
        for line in adjustment_lines(node) {
            write!(reason, "{separator}{line}")?;
            separator = "\n";
        }
    } else {
        out.push_str(" |  |  | ");
    }
    out.push_str(" |\n");
    Ok(())
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
    /// 单位编码.
    pub code: Option<String>,
    /// For a project evaluation: the project's name and its 项目编码.
    pub project: Option<String>,
    pub project_code: Option<String>,
    /// 主管部门.
    pub supervisor: Option<String>,
    /// 地区.
    pub region: Option<String>,
    pub year: u16,
    pub kind: &'static str,
    pub total: Decimal,
    pub grade: Option<String>,
    pub declared_total: Option<Decimal>,
    /// The grade the unit gave itself, as written.
    pub declared_grade: Option<String>,
    pub gap: Option<Decimal>,
    /// After a re-review (`score --review`): the final total and grade.
    pub reviewed: Option<(Decimal, Option<String>)>,
    pub hard: usize,
    pub soft: usize,
    /// For a unit read from a document: of the data the rule set needs, how much was read
    /// (found, needed), the 读取完整度.
    pub read: Option<(usize, usize)>,
    /// The unit's year before, from the results store (`score --db`): shown beside this year's
    /// only in the summaries of a run with a store.
    pub last_year: last_year::History,
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
        let filled = |text: &Option<String>| {
            text.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        UnitSummary {
            unit: card.unit.name.clone(),
            code: filled(&card.unit.code),
            project: filled(&card.unit.project),
            project_code: filled(&card.unit.project_code),
            supervisor: filled(&card.unit.supervisor),
            region: filled(&card.unit.region),
            year: card.unit.year,
            kind: card.unit.kind.label(),
            total: card.total,
            grade: card.grade.clone(),
            declared_total: card.declared.as_ref().and_then(|d| d.total),
            declared_grade: filled(&card.declared.as_ref().and_then(|d| d.grade.clone())),
            gap: card.declared.as_ref().and_then(|d| d.gap),
            reviewed: card.review.as_ref().map(|r| (r.total, r.grade.clone())),
            hard: card.count(Severity::Hard),
            soft: card.count(Severity::Soft),
            read: None,
            last_year: last_year::History::NotKept,
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

/// An error as listed under its source: without the source again in front (readers' errors
/// start `path: `).
pub(crate) fn without_source<'a>(error: &'a str, source: &str) -> &'a str {
    error
        .strip_prefix(source)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(error)
}

/// Whether any scored unit has a project (a name or a 项目编码): then the summaries show 项目 and
/// 项目编码.
pub fn has_projects(rows: &[SummaryRow]) -> bool {
    rows.iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .any(|s| s.project.is_some() || s.project_code.is_some())
}

/// Whether any scored unit was re-reviewed: then the summaries show 复核后总分 and 复核后等级.
pub fn has_reviews(rows: &[SummaryRow]) -> bool {
    rows.iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .any(|s| s.reviewed.is_some())
}

/// The 复核后总分 and 复核后等级 cells of a unit (empty for one not reviewed).
fn reviewed_cells(s: &UnitSummary, none: &str) -> [String; 2] {
    match &s.reviewed {
        Some((total, grade)) => [p(*total), grade.as_deref().unwrap_or("无等级").to_owned()],
        None => [none.to_owned(), none.to_owned()],
    }
}

/// What summaries group units by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// 主管部门.
    Supervisor,
    /// 地区.
    Region,
}

impl GroupBy {
    /// The column's name: 主管部门, 地区.
    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Supervisor => "主管部门",
            GroupBy::Region => "地区",
        }
    }

    /// The heading of the section or sheet: 按主管部门, 按地区.
    pub fn title(self) -> &'static str {
        match self {
            GroupBy::Supervisor => "按主管部门",
            GroupBy::Region => "按地区",
        }
    }

    /// The group of the units that name none: （未填主管部门）, （未填地区）. Its full-width
    /// parenthesis sorts after every Chinese name, so it comes last.
    pub fn unnamed(self) -> &'static str {
        match self {
            GroupBy::Supervisor => "（未填主管部门）",
            GroupBy::Region => "（未填地区）",
        }
    }

    fn of(self, unit: &UnitSummary) -> Option<&str> {
        match self {
            GroupBy::Supervisor => unit.supervisor.as_deref(),
            GroupBy::Region => unit.region.as_deref(),
        }
    }
}

/// One group of scored units in a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    /// Scored units in the group.
    pub units: usize,
    /// Units per grade, in the order of the `grades` given to [`groups`], then 无等级 where
    /// some unit of the batch has no grade.
    pub grades: Vec<(String, usize)>,
    /// The average total, exact (shown rounded).
    pub average: Decimal,
    pub lowest: Decimal,
}

/// The scored units of `rows` grouped `by` 主管部门 or 地区, by group name (Unicode order, the
/// units naming none last), each with its grade distribution over `grades` (best first). Units
/// that failed have no group.
pub fn groups(rows: &[SummaryRow], by: GroupBy, grades: &[String]) -> Vec<Group> {
    use std::collections::BTreeMap;
    let scored: Vec<&UnitSummary> = rows
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .collect();
    let mut names: Vec<String> = grades.to_vec();
    if scored.iter().any(|s| s.grade.is_none()) {
        names.push("无等级".to_owned());
    }
    let mut members: BTreeMap<&str, Vec<&UnitSummary>> = BTreeMap::new();
    for unit in scored {
        members
            .entry(by.of(unit).unwrap_or(by.unnamed()))
            .or_default()
            .push(unit);
    }
    members
        .into_iter()
        .map(|(name, units)| {
            let count = |grade: &str| units.iter().filter(|u| u.grade_label() == grade).count();
            Group {
                name: name.to_owned(),
                units: units.len(),
                grades: names.iter().map(|g| (g.clone(), count(g))).collect(),
                average: average(units.iter().map(|u| u.total)),
                lowest: units.iter().map(|u| u.total).min().unwrap_or_default(),
            }
        })
        .collect()
}

/// The mean of `values` (at least one): their sum over their count, or, were the sum past the
/// range of a decimal, the running mean.
fn average(values: impl Iterator<Item = Decimal> + Clone) -> Decimal {
    let n = values.clone().count().max(1);
    match values
        .clone()
        .try_fold(Decimal::ZERO, |sum, v| sum.checked_add(v))
    {
        Some(sum) => sum / Decimal::from(n),
        None => values.enumerate().fold(Decimal::ZERO, |mean, (i, v)| {
            let step = (v / Decimal::from(i + 1)).saturating_sub(mean / Decimal::from(i + 1));
            mean.saturating_add(step)
        }),
    }
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

/// The columns of the summaries' unit table, in order: 项目 and 项目编码 only when `projects`,
/// 复核后总分 and 复核后等级 only when `reviewed`, last year's ([`last_year::COLUMNS`]) only when
/// `history`.
fn summary_columns(projects: bool, reviewed: bool, history: bool) -> Vec<&'static str> {
    let mut columns = vec!["排名", "来源", "单位", "单位编码"];
    if projects {
        columns.extend(["项目", "项目编码"]);
    }
    columns.extend(["主管部门", "地区", "年度", "类型", "复核总分", "等级"]);
    if reviewed {
        columns.extend(["复核后总分", "复核后等级"]);
    }
    if history {
        columns.extend(last_year::COLUMNS);
    }
    columns.extend([
        "自评总分",
        "自评等级",
        "差",
        "硬性问题",
        "提示",
        "读取完整度",
        "错误",
    ]);
    columns
}

/// The batch summary as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese): one row
/// per input, ranked (the units that failed last, without a rank), with Chinese headers: 排名,
/// 来源, 单位, 单位编码, (项目, 项目编码, only when some unit has a project,) 主管部门, 地区, 年度,
/// 类型, 复核总分, 等级, (上年等级, 上年总分, 总分变化, 上年说明, only when the run has a results
/// store,) 自评总分, 自评等级, 差, 硬性问题, 提示, 读取完整度, 错误. Its text fields are kept from
/// being taken for formulas; figures are plain numbers (差 = 自评总分 − 复核总分; 总分变化 =
/// 本年总分 − 上年总分, signed).
pub fn summary_csv(rows: &[SummaryRow]) -> String {
    let mut out = Vec::new();
    summary_csv_to(&mut out, rows).expect("writing to memory does not fail");
    String::from_utf8(out).expect("CSV of UTF-8 strings is UTF-8")
}

/// Writes [`summary_csv`] to `out` as it is made (a row a unit: tens of megabytes at 100,000).
pub fn summary_csv_to(out: &mut dyn io::Write, rows: &[SummaryRow]) -> io::Result<()> {
    let projects = has_projects(rows);
    let reviews = has_reviews(rows);
    let history = last_year::has_history(rows);
    let header = summary_columns(projects, reviews, history);
    out.write_all("\u{feff}".as_bytes())?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(&header)?;
    let text = |t: &Option<String>| t.as_deref().map(text_cell).unwrap_or_default();
    for (rank, index) in ranked(rows) {
        let row = &rows[index];
        let record: Vec<String> = match &row.outcome {
            Ok(s) => {
                let mut r = vec![
                    rank.to_string(),
                    text_cell(&row.source),
                    text_cell(&s.unit),
                    text(&s.code),
                ];
                if projects {
                    r.extend([text(&s.project), text(&s.project_code)]);
                }
                r.extend([
                    text(&s.supervisor),
                    text(&s.region),
                    s.year.to_string(),
                    s.kind.to_owned(),
                    p(s.total),
                    s.grade_label().to_owned(),
                ]);
                if reviews {
                    r.extend(reviewed_cells(s, ""));
                }
                if history {
                    // Text kept from being taken for a formula; the change a signed figure.
                    let [grade, total, change, note] = last_year::cells(s, "");
                    let total = match total.parse::<Decimal>() {
                        Ok(_) => total,
                        Err(_) => text_cell(&total),
                    };
                    r.extend([text_cell(&grade), total, change, text_cell(&note)]);
                }
                r.extend([
                    s.declared_total.map(p).unwrap_or_default(),
                    text(&s.declared_grade),
                    s.gap.map(p).unwrap_or_default(),
                    s.hard.to_string(),
                    s.soft.to_string(),
                    s.read_label().unwrap_or_default(),
                    String::new(),
                ]);
                r
            }
            Err(e) => {
                let mut r = vec![String::new(), text_cell(&row.source)];
                r.extend(std::iter::repeat_n(String::new(), header.len() - 3));
                r.push(text_cell(e));
                r
            }
        };
        writer.write_record(&record)?;
    }
    writer.flush()
}

/// The batch summary as Markdown: the units ranked, then a section per grouping (按主管部门,
/// 按地区) with each group's grade distribution over `grades` (best first, as the rule set lists
/// its bands), the units that could not be scored, and `notes` (files not read, files skipped as
/// not submissions) under a 说明 heading at the end.
pub fn summary_markdown(rows: &[SummaryRow], notes: &[String], grades: &[String]) -> String {
    let mut out = Vec::new();
    summary_markdown_to(&mut out, rows, notes, grades).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the summary is UTF-8")
}

/// How much of a summary is made before it is written out ([`summary_markdown_to`]).
const PIECE_BYTES: usize = 1 << 20;

/// Writes [`summary_markdown`] to `out` as it is made, a megabyte at a time (the ranking is a
/// row a unit: tens of megabytes at 100,000).
pub fn summary_markdown_to(
    writer: &mut dyn io::Write,
    rows: &[SummaryRow],
    notes: &[String],
    grades: &[String],
) -> io::Result<()> {
    let projects = has_projects(rows);
    let reviews = has_reviews(rows);
    let history = last_year::has_history(rows);
    let mut out = String::from("# 绩效自评复核汇总\n\n## 单位排名\n\n");
    // The columns of `summary_columns`, but 来源 last and 错误 in its own section.
    let mut columns: Vec<&str> = summary_columns(projects, reviews, history)
        .into_iter()
        .filter(|c| !matches!(*c, "来源" | "错误"))
        .collect();
    columns.push("来源");
    let numeric = [
        "排名",
        "年度",
        "复核总分",
        "复核后总分",
        "上年总分",
        "总分变化",
        "自评总分",
        "差",
        "硬性问题",
        "提示",
        "读取完整度",
    ];
    out.push_str(&format!("| {} |\n", columns.join(" | ")));
    let align: Vec<&str> = columns
        .iter()
        .map(|c| if numeric.contains(c) { "---:" } else { "---" })
        .collect();
    out.push_str(&format!("|{}|\n", align.join("|")));
    let text = |t: &Option<String>| t.as_deref().map_or("—".to_owned(), cell);
    let mut failed = Vec::new();
    for (rank, index) in ranked(rows) {
        let row = &rows[index];
        match &row.outcome {
            Ok(s) => {
                let mut cells = vec![rank.to_string(), cell(&s.unit), text(&s.code)];
                if projects {
                    cells.extend([text(&s.project), text(&s.project_code)]);
                }
                cells.extend([
                    text(&s.supervisor),
                    text(&s.region),
                    s.year.to_string(),
                    s.kind.to_owned(),
                    p(s.total),
                    s.grade_label().to_owned(),
                ]);
                if reviews {
                    cells.extend(reviewed_cells(s, "—"));
                }
                if history {
                    cells.extend(last_year::cells(s, "—").map(|c| cell(&c)));
                }
                cells.extend([
                    s.declared_total.map_or("—".into(), p),
                    text(&s.declared_grade),
                    s.gap.map_or("—".into(), signed),
                    s.hard.to_string(),
                    s.soft.to_string(),
                    s.read_label().unwrap_or_else(|| "—".into()),
                    cell(&row.source),
                ]);
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
                if out.len() >= PIECE_BYTES {
                    write_visible(writer, &out)?;
                    out.clear();
                }
            }
            Err(e) => failed.push((row.source.as_str(), e.as_str())),
        }
    }
    if history {
        out.push_str(&format!("\n{}。\n", last_year::LEGEND));
        let matrix = last_year::transitions(rows, grades);
        out.push_str(&format!(
            "\n## {}\n\n{}\n\n",
            last_year::TITLE,
            last_year::EXPLAIN
        ));
        out.push_str(&matrix.markdown(last_year::CORNER));
    }
    for by in [GroupBy::Supervisor, GroupBy::Region] {
        out.push_str(&format!("\n## {}\n\n", by.title()));
        let groups = groups(rows, by, grades);
        if groups.is_empty() {
            out.push_str("无评分单位。\n");
            continue;
        }
        let bands: Vec<&str> = groups[0].grades.iter().map(|(g, _)| g.as_str()).collect();
        out.push_str(&format!(
            "| {} | 单位数 | {} | 平均分 | 最低分 |\n",
            by.label(),
            bands
                .iter()
                .map(|g| cell(g))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        out.push_str(&format!(
            "|---|---:|{}---:|---:|\n",
            "---:|".repeat(bands.len())
        ));
        for group in groups {
            let counts: Vec<String> = group.grades.iter().map(|(_, n)| n.to_string()).collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                cell(&group.name),
                group.units,
                counts.join(" | "),
                p(group.average),
                p(group.lowest)
            ));
        }
    }
    if !failed.is_empty() {
        out.push_str("\n## 未能评分\n\n");
        for (source, error) in failed {
            out.push_str(&format!(
                "- `{}`: {}\n",
                source.replace('`', "'"),
                self::text(&without_source(error, source).replace('\n', " "))
            ));
        }
    }
    if !notes.is_empty() {
        out.push_str("\n## 说明\n\n");
        for note in notes {
            out.push_str(&format!("- {note}\n"));
        }
    }
    write_visible(writer, &out)
}

/// Writes a piece of a summary with any control character in it (a unit's text, a rule set's)
/// shown, never run, as [`visible`] shows it.
pub(crate) fn write_visible(out: &mut dyn io::Write, text: &str) -> io::Result<()> {
    out.write_all(visible(text).as_bytes())
}

/// The terminal's width in columns when standard output is a terminal (and it can be told).
pub fn terminal_width() -> Option<u16> {
    Table::new().width()
}
