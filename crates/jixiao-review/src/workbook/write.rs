//! Writing the reviewer workbook.

use std::collections::BTreeSet;

use jixiao_engine::fmt::{number, points as shown_points};
use jixiao_engine::{Scorecard, ScoredIndicator, Severity, Status};
use jixiao_rules::ValidRuleSet;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;
use rust_xlsxwriter::{
    ConditionalFormatFormula, DataValidation, DataValidationRule, DocProperties, ExcelDateTime,
    Format, FormatAlign, FormatBorder, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use super::meta::{META, Record, RowRecord};
use super::{SHEET, WorkbookError, WorkbookOptions};
use crate::UnitKey;

// The sheet 复核's columns.
pub(super) const LEVEL1: u16 = 0;
pub(super) const LEVEL2: u16 = 1;
pub(super) const NAME: u16 = 2;
pub(super) const POINTS: u16 = 3;
pub(super) const SELF_SCORE: u16 = 4;
pub(super) const SYSTEM: u16 = 5;
pub(super) const REVIEWED: u16 = 6;
pub(super) const REASON: u16 = 7;
pub(super) const BASIS: u16 = 8;
/// Hidden: the leaf's id, checked against the record.
pub(super) const LEAF_ID: u16 = 9;

/// The columns' headers and widths (in Excel's units; a Chinese character takes two).
const COLUMNS: [(&str, u16); 10] = [
    ("一级指标", 10),
    ("二级指标", 12),
    ("三级指标", 16),
    ("分值", 7),
    ("自评得分", 9),
    ("系统得分", 9),
    ("复核得分", 9),
    ("复核意见\n(与系统得分不同时必填)", 28),
    ("评分依据 (规则、数据、计算、问题)", 66),
    ("指标代码", 24),
];

// The rows above the units.
const TITLE_ROW: u32 = 0;
/// 复核人 and 复核日期.
pub(super) const REVIEWER_ROW: u32 = 1;
pub(super) const REVIEWER: u16 = 1;
pub(super) const DATE: u16 = 5;
const NOTE_ROW: u32 = 2;
const HEADER_ROW: u32 = 3;

/// The fill of a cell the reviewer fills.
pub(super) const INPUT_FILL: &str = "#FFFFFF";
/// The fill of a locked cell.
pub(super) const LOCKED_FILL: &str = "#F2F2F2";
/// The fill of a header and of a unit's heading.
pub(super) const HEADER_FILL: &str = "#D9D9D9";
/// The fill of a 复核意见 that is required and empty.
pub(super) const MISSING_FILL: &str = "#F4CCCC";

/// Excel's paper size code for A4.
const A4: u8 = 9;
/// Excel's limit on a cell's text.
const CELL_CHARS: usize = 32_767;

/// What the row under the reviewer's cells says.
const NOTE: &str = "填写说明: 只填白色单元格 (复核人、复核日期、复核得分、复核意见), 灰色单元格已锁定。复核得分留空表示维持系统得分; 调整时填 0 到本项分值之间的分数, 并在复核意见中写明理由 (与系统得分不同而未写理由的, 复核意见显示为红色, 读表时将退回)。复核后的总分和等级由系统按评分规则重新计算。";

struct Formats {
    title: Format,
    header: Format,
    label: Format,
    text: Format,
    points: Format,
    /// A grey cell's word where a number would be (未填, 不计入), centred as the numbers are.
    word: Format,
    heading: Format,
    /// The heading of a unit's other findings.
    subheading: Format,
    info: Format,
    hard: Format,
    score_in: Format,
    text_in: Format,
    date_in: Format,
    missing: Format,
}

impl Formats {
    fn new() -> Formats {
        let border = |f: Format| f.set_border(FormatBorder::Thin);
        let locked = |f: Format| {
            border(
                f.set_background_color(LOCKED_FILL)
                    .set_align(FormatAlign::VerticalCenter),
            )
        };
        let input = |f: Format| {
            border(
                f.set_unlocked()
                    .set_background_color(INPUT_FILL)
                    .set_align(FormatAlign::VerticalCenter),
            )
        };
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: border(
                Format::new()
                    .set_bold()
                    .set_text_wrap()
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::VerticalCenter)
                    .set_background_color(HEADER_FILL),
            ),
            label: locked(Format::new().set_text_wrap()),
            text: locked(Format::new().set_text_wrap().set_font_size(10)),
            points: locked(
                Format::new()
                    .set_num_format("0.00")
                    .set_align(FormatAlign::Center),
            ),
            word: locked(Format::new().set_align(FormatAlign::Center)),
            heading: border(
                Format::new()
                    .set_bold()
                    .set_font_size(12)
                    .set_text_wrap()
                    .set_align(FormatAlign::VerticalCenter)
                    .set_background_color(HEADER_FILL),
            ),
            subheading: locked(Format::new().set_bold()),
            info: locked(Format::new().set_text_wrap()),
            hard: locked(Format::new().set_text_wrap().set_font_color("#9C0006")),
            score_in: input(
                Format::new()
                    .set_num_format("0.00")
                    .set_align(FormatAlign::Center),
            ),
            text_in: input(Format::new().set_text_wrap()),
            date_in: input(Format::new().set_num_format("@")),
            missing: Format::new().set_background_color(MISSING_FILL),
        }
    }
}

/// How wide a text is in Excel's units: a character not ASCII counts two.
fn text_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// How many lines `text` takes wrapped in a column `width` units wide: each line's width with a
/// tenth more for the room lost where a line breaks before a word (`[0.8w, w]`) rather than
/// inside it.
fn wrapped_lines(text: &str, width: u16) -> usize {
    let width = usize::from(width).saturating_sub(1).max(2);
    text.split('\n')
        .map(|line| {
            let w = text_width(line);
            w.saturating_add(w / 10).div_ceil(width).max(1)
        })
        .sum()
}

/// The height in pixels of a row whose tallest cell takes `lines` lines (Excel's limit: 409
/// points, 545 pixels). `small` for 10-point text.
fn height(lines: usize, small: bool) -> u32 {
    let line = if small { 18 } else { 21 };
    let pixels = lines.saturating_mul(line).saturating_add(10).min(545);
    u32::try_from(pixels).unwrap_or(545)
}

/// A text cut to what a cell holds.
fn fit(text: &str) -> String {
    if text.chars().count() <= CELL_CHARS {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(CELL_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

/// A text for the printed header: `&` doubled, cut short (Excel's limit is 255 characters).
fn header_part(text: &str, chars: usize) -> String {
    text.chars()
        .take(chars)
        .collect::<String>()
        .replace('&', "&&")
}

fn float(value: Decimal) -> f64 {
    value.to_f64().unwrap_or_default()
}

/// The unit as named to people: its name, or its project and the unit carrying it out.
pub(super) fn unit_label(key: &UnitKey) -> String {
    match &key.project {
        Some(project) => format!("「{project}」({})", key.name),
        None => format!("「{}」", key.name),
    }
}

/// 评分规则「湖南省部门整体支出绩效评价」版本 2024.1.
fn rule_set_label(name: &str, version: &str) -> String {
    format!("评分规则「{name}」版本 {version}")
}

/// Writes the reviewer workbook for `cards` (scored under `rules`), as the bytes of an `.xlsx`
/// file: one sheet 复核 with each unit's heading and a row per leaf indicator, and the record of
/// the rule set, the units and the rows (very hidden). The cards are written in the order given.
pub fn write(
    cards: &[&Scorecard],
    rules: &ValidRuleSet,
    options: &WorkbookOptions,
) -> Result<Vec<u8>, WorkbookError> {
    if cards.is_empty() {
        return Err(WorkbookError::NoUnits);
    }
    let mut seen = BTreeSet::new();
    for card in cards {
        let key = UnitKey::of(card);
        if card.rule_set.id != rules.id || card.rule_set.version != rules.version {
            return Err(WorkbookError::OtherRuleSet {
                unit: unit_label(&key),
                scored: rule_set_label(&card.rule_set.name, &card.rule_set.version),
                rules: rule_set_label(&rules.name, &rules.version),
            });
        }
        if !seen.insert(key.clone()) {
            return Err(WorkbookError::DuplicateUnit {
                unit: unit_label(&key),
            });
        }
    }
    let fmt = Formats::new();
    let mut workbook = Workbook::new();
    let title = match &options.title {
        Some(part) => format!("绩效自评复核工作底稿 · {part}"),
        None => "绩效自评复核工作底稿".to_owned(),
    };
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&title)
            .set_comment(format!(
                "按{}生成的复核工作底稿",
                rule_set_label(&rules.name, &rules.version)
            ))
            .set_creation_datetime(&ExcelDateTime::from_ymd(rules.year, 1, 1)?),
    );
    let mut record = Record {
        rule_set_id: rules.id.clone(),
        rule_set_name: rules.name.clone(),
        rule_set_version: rules.version.clone(),
        units: cards.iter().map(|c| UnitKey::of(c)).collect(),
        rows: Vec::new(),
    };
    let ws = workbook.add_worksheet();
    review_sheet(ws, cards, rules, options, &title, &fmt, &mut record)?;
    meta_sheet(workbook.add_worksheet(), &record)?;
    Ok(workbook.save_to_buffer()?)
}

fn top(
    ws: &mut Worksheet,
    rules: &ValidRuleSet,
    options: &WorkbookOptions,
    title: &str,
    units: usize,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    ws.merge_range(TITLE_ROW, LEVEL1, TITLE_ROW, BASIS, &fit(title), &fmt.title)?;
    ws.set_row_height_pixels(TITLE_ROW, 40)?;
    ws.write_with_format(REVIEWER_ROW, LEVEL1, "复核人", &fmt.header)?;
    ws.merge_range(
        REVIEWER_ROW,
        REVIEWER,
        REVIEWER_ROW,
        REVIEWER + 1,
        &fit(options.reviewer.as_deref().unwrap_or("")),
        &fmt.text_in,
    )?;
    ws.merge_range(
        REVIEWER_ROW,
        POINTS,
        REVIEWER_ROW,
        SELF_SCORE,
        "复核日期",
        &fmt.header,
    )?;
    ws.merge_range(REVIEWER_ROW, DATE, REVIEWER_ROW, DATE + 1, "", &fmt.date_in)?;
    let about = format!(
        "{}, 满分 {} 分; 本表共 {units} 个单位",
        rule_set_label(&rules.name, &rules.version),
        number(rules.total)
    );
    ws.merge_range(
        REVIEWER_ROW,
        REASON,
        REVIEWER_ROW,
        BASIS,
        &fit(&about),
        &fmt.info,
    )?;
    ws.set_row_height_pixels(REVIEWER_ROW, 30)?;
    let reviewer = DataValidation::new()
        .allow_any_value()
        .set_input_title("复核人")?
        .set_input_message("填写复核人姓名 (本工作底稿的所有复核得分记在此人名下)。")?;
    ws.add_data_validation(
        REVIEWER_ROW,
        REVIEWER,
        REVIEWER_ROW,
        REVIEWER + 1,
        &reviewer,
    )?;
    let date = DataValidation::new()
        .allow_any_value()
        .set_input_title("复核日期")?
        .set_input_message("填写复核日期, 如 2025-04-15 (按填写的原样记录)。")?;
    ws.add_data_validation(REVIEWER_ROW, DATE, REVIEWER_ROW, DATE + 1, &date)?;
    ws.merge_range(NOTE_ROW, LEVEL1, NOTE_ROW, BASIS, NOTE, &fmt.info)?;
    let width: u16 = COLUMNS[..usize::from(LEAF_ID)].iter().map(|c| c.1).sum();
    ws.set_row_height_pixels(NOTE_ROW, height(wrapped_lines(NOTE, width), false))?;
    for (col, (label, width)) in (0u16..).zip(COLUMNS) {
        ws.set_column_width(col, width)?;
        ws.write_with_format(HEADER_ROW, col, label, &fmt.header)?;
    }
    ws.set_column_hidden(LEAF_ID)?;
    ws.set_row_height_pixels(HEADER_ROW, height(2, false))?;
    Ok(())
}

fn review_sheet(
    ws: &mut Worksheet,
    cards: &[&Scorecard],
    rules: &ValidRuleSet,
    options: &WorkbookOptions,
    title: &str,
    fmt: &Formats,
    record: &mut Record,
) -> Result<(), XlsxError> {
    ws.set_name(SHEET)?;
    top(ws, rules, options, title, cards.len(), fmt)?;
    let places = rules.score_decimals;
    let mut row = HEADER_ROW + 1;
    let mut breaks = Vec::new();
    for (i, card) in cards.iter().enumerate() {
        if i > 0 {
            breaks.push(row);
        }
        row = unit_block(ws, row, i, card, places, fmt, record)?;
        row += 1;
    }
    if !breaks.is_empty() {
        // Excel takes at most 1023 page breaks.
        breaks.truncate(1023);
        ws.set_page_breaks(&breaks)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.set_landscape();
    ws.set_paper_size(A4);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.5, 0.5, 0.7, 0.7, 0.3, 0.3);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_header(format!(
        "&L{}&C&\"-,Bold\"{}&R版本 {}",
        header_part(&record.rule_set_name, 60),
        header_part(title, 60),
        header_part(&record.rule_set_version, 30)
    ));
    ws.set_footer("&L复核人签字:&C第 &P 页, 共 &N 页");
    let options = ProtectionOptions {
        format_rows: true,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&options);
    Ok(())
}

/// The unit's identity line: 单位编码, 项目编码, 主管部门, 地区, year and kind.
fn identity(card: &Scorecard) -> String {
    let unit = &card.unit;
    let mut parts = Vec::new();
    if unit.project.is_some() {
        parts.push(format!("实施单位: {}", unit.name));
    }
    parts.push(format!(
        "单位编码: {}",
        unit.code.as_deref().unwrap_or("未填")
    ));
    if unit.project.is_some() {
        parts.push(format!(
            "项目编码: {}",
            unit.project_code.as_deref().unwrap_or("未填")
        ));
    }
    parts.push(format!(
        "主管部门: {}",
        unit.supervisor.as_deref().unwrap_or("未填")
    ));
    parts.push(format!(
        "地区: {}",
        unit.region.as_deref().unwrap_or("未填")
    ));
    parts.push(format!("{} 年度{}绩效自评", unit.year, unit.kind.label()));
    parts.join("    ")
}

/// The unit's totals: the system's and the declared, with grades; findings counted.
fn totals(card: &Scorecard, places: u32) -> String {
    let system = format!(
        "系统总分 {} 分, 等级 {}",
        shown_points(card.total, places),
        card.grade_label()
    );
    let declared = card.declared.as_ref();
    let declared = match (
        declared.and_then(|d| d.total),
        declared.and_then(|d| d.grade.as_deref()),
    ) {
        (Some(total), Some(grade)) => {
            format!("自评总分 {} 分, 等级 {grade}", shown_points(total, places))
        }
        (Some(total), None) => format!("自评总分 {} 分", shown_points(total, places)),
        (None, Some(grade)) => format!("自评总分未填, 自评等级 {grade}"),
        (None, None) => "未填自评总分和等级".to_owned(),
    };
    let mut line = format!(
        "{system}    {declared}    问题与提示: 硬性 {} 项, 提示 {} 项",
        card.count(Severity::Hard),
        card.count(Severity::Soft)
    );
    if let Some(r) = &card.rescaled {
        line.push_str(&format!(
            "\n不适用指标不计入总分: 可得分值 {}, 原始得分 {}, 按 {} / {} 折算",
            number(r.available),
            shown_points(r.raw, places),
            number(card.points),
            number(r.available)
        ));
    }
    line
}

/// The 评分依据 of a leaf: the rule, the figures, the arithmetic, the reason points were lost,
/// the unit's own score where it was scaled, plugin adjustments and the findings on it.
fn basis(card: &Scorecard, leaf: &ScoredIndicator) -> String {
    let mut lines = Vec::new();
    if let Some(detail) = &leaf.detail {
        lines.push(format!("规则: {}", detail.rule));
        if !detail.inputs.is_empty() {
            let figures: Vec<String> = detail.inputs.iter().map(ToString::to_string).collect();
            lines.push(format!("数据: {}", figures.join("; ")));
        }
        lines.push(format!("计算: {}", detail.formula));
        if let Some(reason) = &detail.reason {
            let label = match leaf.status {
                Status::Scored | Status::Missing => "扣分原因",
                Status::NotApplicable | Status::Dropped => "不适用原因",
            };
            lines.push(format!("{label}: {reason}"));
        }
        for a in &detail.adjustments {
            lines.push(format!(
                "插件调整 {}: {}, {}",
                a.source,
                number(a.applied),
                a.reason
            ));
        }
    }
    if let Some(from) = leaf.self_score_from {
        lines.push(format!(
            "自评表 {} / {} 分, 按分值 {} 折算",
            number(from.score),
            number(from.points),
            number(leaf.points)
        ));
    }
    for finding in card
        .findings
        .iter()
        .filter(|f| f.indicator.as_deref() == Some(leaf.id.as_str()))
    {
        lines.push(format!(
            "【{}】{}",
            finding.severity.label(),
            finding.message
        ));
    }
    lines.join("\n")
}

/// One unit: its heading, identity and totals, its leaves, its other findings. Returns the row
/// after it.
fn unit_block(
    ws: &mut Worksheet,
    mut row: u32,
    index: usize,
    card: &Scorecard,
    places: u32,
    fmt: &Formats,
    record: &mut Record,
) -> Result<u32, XlsxError> {
    let key = UnitKey::of(card);
    let heading = format!("{}. {}", index + 1, unit_label(&key));
    let full: u16 = COLUMNS[..usize::from(LEAF_ID)].iter().map(|c| c.1).sum();
    ws.merge_range(row, LEVEL1, row, BASIS, &fit(&heading), &fmt.heading)?;
    ws.set_row_height_pixels(row, height(wrapped_lines(&heading, full), false))?;
    row += 1;
    let info = format!("{}\n{}", identity(card), totals(card, places));
    ws.merge_range(row, LEVEL1, row, BASIS, &fit(&info), &fmt.info)?;
    ws.set_row_height_pixels(row, height(wrapped_lines(&info, full), false))?;
    row += 1;
    let first = row;
    let leaf_ids: BTreeSet<&str> = card.leaves().iter().map(|(_, l)| l.id.as_str()).collect();
    for (path, leaf) in card.leaves() {
        let level1 = path.first().copied().unwrap_or(&leaf.name);
        let level2 = path.get(1).copied().unwrap_or("");
        ws.write_with_format(row, LEVEL1, fit(level1), &fmt.label)?;
        ws.write_with_format(row, LEVEL2, fit(level2), &fmt.label)?;
        ws.write_with_format(row, NAME, fit(&leaf.name), &fmt.label)?;
        ws.write_with_format(row, POINTS, float(leaf.points), &fmt.points)?;
        match leaf.self_score {
            Some(own) => ws.write_with_format(row, SELF_SCORE, float(own), &fmt.points)?,
            None => ws.write_with_format(row, SELF_SCORE, "未填", &fmt.word)?,
        };
        let system = (leaf.status != Status::Dropped)
            .then(|| jixiao_model::round(leaf.score, places).normalize());
        match system {
            Some(s) => ws.write_with_format(row, SYSTEM, float(s), &fmt.points)?,
            None => ws.write_with_format(row, SYSTEM, "不计入", &fmt.word)?,
        };
        ws.write_blank(row, REVIEWED, &fmt.score_in)?;
        ws.write_blank(row, REASON, &fmt.text_in)?;
        let text = basis(card, leaf);
        ws.write_with_format(row, BASIS, fit(&text), &fmt.text)?;
        ws.write(row, LEAF_ID, fit(&leaf.id))?;
        let lines = [
            wrapped_lines(&text, COLUMNS[usize::from(BASIS)].1),
            wrapped_lines(&leaf.name, COLUMNS[usize::from(NAME)].1),
            wrapped_lines(level2, COLUMNS[usize::from(LEVEL2)].1),
            2,
        ];
        let lines = lines.into_iter().max().unwrap_or(2);
        ws.set_row_height_pixels(row, height(lines, true))?;
        let most = leaf.points.normalize();
        let validation = DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, float(most)))
            .set_input_title("复核得分")?
            .set_input_message(format!(
                "留空表示维持系统得分。调整时填 0 到 {most} 之间的分数 (本项分值 {most} 分), 并在复核意见中写明理由。"
            ))?
            .set_error_title("复核得分填写有误")?
            .set_error_message(format!("复核得分应为 0 到 {most} 之间的数字。"))?;
        ws.add_data_validation(row, REVIEWED, row, REVIEWED, &validation)?;
        record.rows.push(RowRecord {
            row,
            unit: index,
            leaf: leaf.id.clone(),
            name: leaf.name.clone(),
            points: leaf.points,
            system,
        });
        row += 1;
    }
    if row > first {
        let last = row - 1;
        let reason = DataValidation::new()
            .allow_any_value()
            .set_input_title("复核意见")?
            .set_input_message(
                "复核得分与系统得分不同时必填: 写明调整的理由 (依据的材料、扣分的原因)。",
            )?;
        ws.add_data_validation(first, REASON, last, REASON, &reason)?;
        // Red while a score differs from the system's (as shown) and no reason is given.
        let (g, f, h) = (
            cell(first, REVIEWED),
            cell(first, SYSTEM),
            cell(first, REASON),
        );
        let rule = format!(
            "=AND(ISNUMBER({g}),LEN(TRIM({h}))=0,OR(NOT(ISNUMBER({f})),ROUND({g},{places})<>ROUND({f},{places})))"
        );
        let missing = ConditionalFormatFormula::new()
            .set_rule(rule.as_str())
            .set_format(&fmt.missing);
        ws.add_conditional_format(first, REASON, last, REASON, &missing)?;
    }
    // The unit's other findings, a row each (the hard ones in red) under a heading.
    let others: Vec<_> = card
        .findings
        .iter()
        .filter(|f| !f.indicator.as_deref().is_some_and(|i| leaf_ids.contains(i)))
        .collect();
    if !others.is_empty() {
        ws.merge_range(
            row,
            LEVEL1,
            row,
            BASIS,
            "单位的其他问题与提示",
            &fmt.subheading,
        )?;
        row += 1;
        for finding in others {
            let text = format!("【{}】{}", finding.severity.label(), finding.message);
            let format = if finding.severity == Severity::Hard {
                &fmt.hard
            } else {
                &fmt.info
            };
            ws.merge_range(row, LEVEL1, row, BASIS, &fit(&text), format)?;
            ws.set_row_height_pixels(row, height(wrapped_lines(&text, full), false))?;
            row += 1;
        }
    }
    Ok(row)
}

/// `F12` of a zero-based row and column.
pub(super) fn cell(row: u32, col: u16) -> String {
    let mut letters = String::new();
    let mut n = u32::from(col) + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", u64::from(row) + 1)
}

fn meta_sheet(ws: &mut Worksheet, record: &Record) -> Result<(), XlsxError> {
    ws.set_name(META)?;
    for (row, line) in (0u32..).zip(record.lines()) {
        for (col, field) in (0u16..).zip(&line) {
            if !field.is_empty() {
                ws.write_string(row, col, field)?;
            }
        }
    }
    ws.set_very_hidden(true);
    ws.protect();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell(0, 0), "A1");
        assert_eq!(cell(11, 6), "G12");
        assert_eq!(cell(0, 26), "AA1");
        assert_eq!(cell(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn lines_and_heights() {
        assert_eq!(wrapped_lines("一二三四五", 12), 1);
        assert_eq!(wrapped_lines("一二三四五六", 12), 2);
        assert_eq!(wrapped_lines("一\n二", 11), 2);
        assert_eq!(height(2, false), 52);
        assert_eq!(height(1000, true), 545);
    }
}
