//! The scorecard's 取自成绩库的上年数据 section: each figure of the year before the unit left out
//! and the results store (`--db`) gave, with the year and the run of the record it came from.
//! Absent (an empty string, empty markup) when the scorecard has no such figures.

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use jixiao_engine::{HistoryFigure, Scorecard};
use maud::{Markup, html};
use rust_decimal::Decimal;

/// The section's title.
pub const TITLE: &str = "取自成绩库的上年数据";

/// The columns: 项目 | 数值 | 年度 | 评分记录.
pub const COLUMNS: [&str; 4] = ["项目", "数值", "年度", "评分记录"];

/// What the section says of its figures.
const NOTE: &str = "单位未填报, 采用成绩库中该单位上年的数据";

/// An amount with two decimals or more, as exact as it is: `16.00`, `0.004`, `85.3312`.
fn amount(value: Decimal) -> String {
    let value = value.normalize();
    let places = value.scale().max(2) as usize;
    format!("{value:.places$}")
}

/// The cells of one row, as text: `上年三公经费`, `16.00 万元`, `2023 年度`, `第 1 次评分`.
fn row(figure: &HistoryFigure) -> [String; 4] {
    [
        figure.label.clone(),
        format!("{} {}", amount(figure.value), figure.measure),
        format!("{} 年度", figure.year),
        format!("第 {} 次评分", figure.run),
    ]
}

/// The section for the terminal: a title line and a table, `width` columns wide; empty without
/// such figures.
pub fn terminal(card: &Scorecard, width: u16) -> String {
    if card.history.is_empty() {
        return String::new();
    }
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::DynamicFullWidth)
        .set_width(width)
        .set_header(COLUMNS.to_vec());
    for figure in &card.history {
        let [label, value, year, run] = row(figure);
        table.add_row(vec![
            Cell::new(label),
            Cell::new(value).set_alignment(CellAlignment::Right),
            Cell::new(year),
            Cell::new(run),
        ]);
    }
    format!("{TITLE} ({NOTE}):\n{table}\n")
}

/// The section in Markdown (`## 取自成绩库的上年数据` and a table, after a blank line); empty
/// without such figures.
pub fn markdown(card: &Scorecard) -> String {
    if card.history.is_empty() {
        return String::new();
    }
    let mut out = format!("\n## {TITLE}\n\n{NOTE}.\n\n");
    out.push_str(&format!("| {} |\n", COLUMNS.join(" | ")));
    out.push_str("|---|---:|---|---|\n");
    for figure in &card.history {
        out.push_str(&format!("| {} |\n", row(figure).join(" | ")));
    }
    out
}

/// The section in HTML (a heading and a table); empty without such figures.
pub fn html(card: &Scorecard) -> Markup {
    if card.history.is_empty() {
        return html! {};
    }
    html! {
        h2 { (TITLE) }
        p.muted { (NOTE) }
        table.history {
            thead { tr { @for c in COLUMNS { th { (c) } } } }
            tbody {
                @for figure in &card.history {
                    @let cells = row(figure);
                    tr {
                        td { (cells[0]) }
                        td.n { (cells[1]) }
                        td { (cells[2]) }
                        td { (cells[3]) }
                    }
                }
            }
        }
    }
}
