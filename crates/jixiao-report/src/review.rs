//! The scorecard's re-review (复核, issue 14) as each renderer shows it: the final total and
//! grade beside the system's, the reviewed score of each indicator beside the system's and the
//! unit's own, and the 复核记录 section with every change. Nothing of it is shown (empty
//! strings, empty markup, `None`) when the scorecard has no review.

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use jixiao_engine::fmt::number;
use jixiao_engine::{ReviewChange, ReviewRecord, Scorecard, ScoredIndicator};
use maud::{Markup, html};

use crate::p;

/// The section's title.
pub const TITLE: &str = "复核记录";

/// The columns of the section's table: 指标 | 指标编号 | 分值 | 系统得分 | 复核得分 | 复核意见 |
/// 复核人 | 日期 | 单元格.
pub const COLUMNS: [&str; 9] = [
    "指标",
    "指标编号",
    "分值",
    "系统得分",
    "复核得分",
    "复核意见",
    "复核人",
    "日期",
    "单元格",
];

/// The final total and grade: `复核后总分 66.06 / 100, 等级 中`.
pub(crate) fn final_line(card: &Scorecard, review: &ReviewRecord) -> String {
    format!(
        "复核后总分 {} / {}, 等级 {}",
        p(review.total),
        number(card.points),
        review.grade_label()
    )
}

/// The system's total and grade, shown beside a review's: `系统总分 68.28 / 100, 等级 中`.
pub(crate) fn system_line(card: &Scorecard) -> String {
    format!(
        "系统总分 {} / {}, 等级 {}",
        p(card.total),
        number(card.points),
        card.grade_label()
    )
}

/// A node's reviewed score as shown; empty where the review did not cover it.
pub(crate) fn reviewed_cell(node: &ScoredIndicator) -> String {
    node.reviewed.map(p).unwrap_or_default()
}

/// The review's rescale, where leaves were dropped: `复核后: 可得分值 90, 原始得分 59.45, 折算
/// 59.45 × 100 / 90 = 66.06`.
pub(crate) fn rescale_note(card: &Scorecard, review: &ReviewRecord) -> Option<String> {
    review.rescaled.as_ref().map(|r| {
        format!(
            "复核后不适用指标不计入: 可得分值 {}, 原始得分 {}, 折算 {} × {} / {} = {}",
            number(r.available),
            p(r.raw),
            p(r.raw),
            number(card.points),
            number(r.available),
            p(review.total_exact)
        )
    })
}

/// As [`crate::rounding_note`], for the final total: 复核后各项得分四舍五入显示, ….
pub(crate) fn rounding_note(card: &Scorecard, review: &ReviewRecord) -> Option<String> {
    review.shown_sum.map(|s| {
        format!(
            "复核后{}",
            s.note(
                review.total,
                card.rule_set.score_decimals,
                review.rescaled.is_some()
            )
        )
    })
}

/// Who reviewed, and how much changed: `复核人 李明; 改动 1 项指标得分`.
fn summary(review: &ReviewRecord) -> String {
    let who = if review.reviewers.is_empty() {
        String::new()
    } else {
        format!("复核人 {}; ", review.reviewers.join("、"))
    };
    if review.changes.is_empty() {
        format!("{who}复核未改动任何指标得分")
    } else {
        format!("{who}改动 {} 项指标得分", review.changes.len())
    }
}

/// The cells of one change, as text, in [`COLUMNS`]' order.
fn row(change: &ReviewChange) -> [String; 9] {
    [
        change.name.clone(),
        change.indicator.clone(),
        number(change.points).to_string(),
        p(change.system),
        p(change.reviewed),
        change.reason.clone(),
        change.reviewer.clone(),
        change.date.clone().unwrap_or_default(),
        change.at.clone(),
    ]
}

/// The section for the terminal: a title line, the rescale where there is one, and a table of
/// the changes, `width` columns wide; empty without a review. Each cell's control characters
/// are shown escaped.
pub fn terminal(card: &Scorecard, width: u16) -> String {
    let Some(review) = &card.review else {
        return String::new();
    };
    let mut out = format!("{TITLE}: {}\n", crate::visible(&summary(review)));
    if let Some(note) = rescale_note(card, review) {
        out.push_str(&note);
        out.push('\n');
    }
    if let Some(note) = rounding_note(card, review) {
        out.push_str(&note);
        out.push('\n');
    }
    if review.changes.is_empty() {
        return out;
    }
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::DynamicFullWidth)
        .set_width(width)
        .set_header(COLUMNS.to_vec());
    for change in &review.changes {
        let cells = row(change);
        table.add_row(cells.into_iter().enumerate().map(|(i, text)| {
            let cell = Cell::new(crate::visible(&text));
            if (2..=4).contains(&i) {
                cell.set_alignment(CellAlignment::Right)
            } else {
                cell
            }
        }));
    }
    out.push_str(&table.to_string());
    out.push('\n');
    out
}

/// The section in Markdown (`## 复核记录`, a line on who reviewed, and a table of the changes,
/// after a blank line); empty without a review.
pub fn markdown(card: &Scorecard) -> String {
    let Some(review) = &card.review else {
        return String::new();
    };
    let mut out = format!("\n## {TITLE}\n\n{}。\n", crate::text(&summary(review)));
    if let Some(note) = rescale_note(card, review) {
        out.push_str(&format!("\n{note}\n"));
    }
    if let Some(note) = rounding_note(card, review) {
        out.push_str(&format!("\n{note}\n"));
    }
    if review.changes.is_empty() {
        return out;
    }
    out.push_str(&format!("\n| {} |\n", COLUMNS.join(" | ")));
    out.push_str("|---|---|---:|---:|---:|---|---|---|---|\n");
    for change in &review.changes {
        let cells: Vec<String> = row(change)
            .iter()
            .enumerate()
            .map(|(i, text)| match i {
                1 | 8 => format!("`{}`", text.replace('`', "'")),
                _ => crate::cell(text),
            })
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// The section in HTML (a heading, a line on who reviewed, and a table of the changes); empty
/// without a review.
pub fn html(card: &Scorecard) -> Markup {
    let Some(review) = &card.review else {
        return html! {};
    };
    html! {
        section {
            h2 { (TITLE) }
            p { (summary(review)) }
            @if let Some(note) = rescale_note(card, review) { p.muted { (note) } }
            @if let Some(note) = rounding_note(card, review) { p.muted { (note) } }
            @if !review.changes.is_empty() {
                table.fixed.review {
                    (crate::html::colgroup([130, 210, 40, 55, 55, 230, 70, 80, 130]))
                    thead { tr { @for c in COLUMNS { th { (c) } } } }
                    tbody {
                        @for change in &review.changes {
                            @let [name, id, points, system, reviewed, reason, reviewer, date, at] = row(change);
                            tr {
                                td { (name) }
                                td { code { (id) } }
                                td.n { (points) }
                                td.n { (system) }
                                td.n { strong { (reviewed) } }
                                td { (reason) }
                                td { (reviewer) }
                                td { (date) }
                                td { code { (at) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
