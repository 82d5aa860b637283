//! The scorecard's 财政数据核对 section: each figure checked against the bureau's own records
//! (`--ledger`), with the unit's value, the ledger's, the difference and which one scored. Absent
//! (an empty string, empty markup) when the scorecard has no ledger figures.

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use jixiao_engine::fmt::number;
use jixiao_engine::{LedgerFigure, Scorecard, UsedFigure};
use maud::{Markup, html};
use rust_decimal::Decimal;

/// The section's title.
pub const TITLE: &str = "财政数据核对";

/// The columns: 数据项 | 单位填报 | 财政数据 | 差额 | 评分采用.
pub const COLUMNS: [&str; 5] = ["数据项", "单位填报", "财政数据", "差额", "评分采用"];

/// A value with its measure: `85.33 万元`, `3 人`; `未填报` when absent.
fn value(value: Option<Decimal>, figure: &LedgerFigure) -> String {
    match value {
        Some(v) => format!("{} {}", number(v), figure.measure),
        None => "未填报".to_owned(),
    }
}

/// The ledger's value minus the unit's, signed: `+2.44`, `-0.33`, `0`; `—` when the unit gave
/// none.
fn difference(figure: &LedgerFigure) -> String {
    match figure.difference() {
        Some(d) if d.is_zero() => "0".to_owned(),
        Some(d) if d.is_sign_negative() => number(d).to_string(),
        Some(d) => format!("+{}", number(d)),
        None => "—".to_owned(),
    }
}

fn used(figure: &LedgerFigure) -> &'static str {
    figure.used.label()
}

/// The cells of each row, as text.
fn rows(card: &Scorecard) -> Vec<[String; 5]> {
    card.ledger
        .iter()
        .map(|f| {
            [
                f.label.clone(),
                value(f.unit_value, f),
                value(Some(f.ledger_value), f),
                difference(f),
                used(f).to_owned(),
            ]
        })
        .collect()
}

/// The section for the terminal: a title line and a table, `width` columns wide; empty without
/// ledger figures.
pub fn terminal(card: &Scorecard, width: u16) -> String {
    if card.ledger.is_empty() {
        return String::new();
    }
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::DynamicFullWidth)
        .set_width(width)
        .set_header(COLUMNS.to_vec());
    for row in rows(card) {
        let [label, unit, ledger, diff, used] = row;
        table.add_row(vec![
            Cell::new(label),
            Cell::new(unit).set_alignment(CellAlignment::Right),
            Cell::new(ledger).set_alignment(CellAlignment::Right),
            Cell::new(diff).set_alignment(CellAlignment::Right),
            Cell::new(used),
        ]);
    }
    format!("{TITLE} (差额 = 财政数据 − 单位填报):\n{table}\n")
}

/// The section in Markdown (`## 财政数据核对` and a table, after a blank line); empty without
/// ledger figures.
pub fn markdown(card: &Scorecard) -> String {
    if card.ledger.is_empty() {
        return String::new();
    }
    let mut out = format!("\n## {TITLE}\n\n差额 = 财政数据 − 单位填报.\n\n");
    out.push_str(&format!("| {} |\n", COLUMNS.join(" | ")));
    out.push_str("|---|---:|---:|---:|---|\n");
    for row in rows(card) {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

/// The section in HTML (a heading and a table); empty without ledger figures.
pub fn html(card: &Scorecard) -> Markup {
    if card.ledger.is_empty() {
        return html! {};
    }
    html! {
        h2 { (TITLE) }
        p.muted { "差额 = 财政数据 − 单位填报" }
        table.ledger {
            thead { tr { @for c in COLUMNS { th { (c) } } } }
            tbody {
                @for (figure, row) in card.ledger.iter().zip(rows(card)) {
                    tr {
                        td { (row[0]) }
                        td.n { (row[1]) }
                        td.n { (row[2]) }
                        td.n { (row[3]) }
                        @if figure.used == UsedFigure::Ledger { td { strong { (row[4]) } } }
                        @else { td { (row[4]) } }
                    }
                }
            }
        }
    }
}
