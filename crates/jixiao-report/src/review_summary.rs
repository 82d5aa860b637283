//! The review summary (复核汇总, `jixiao_review::summary`) for people: Markdown, CSV and a sheet
//! of a workbook. Four tables, in this order: 按指标 (points moved by indicator), 按复核意见 (by
//! reason), 等级变化 (the units whose grade the review changed) and 复核人对照 (reviewers'
//! mean deductions on the same indicators, with 偏严 / 偏宽 where they differ by more than the
//! threshold).
//!
//! A deduction (扣减) is the system's score minus the reviewer's: negative where the reviewer
//! gave points back. Figures are shown at two decimals; a difference with its sign.
//!
//! The CSV is one file per table ([`ReviewTable`]), each with its own columns, rather than one
//! long table with a 类别 column: the four tables share no columns, and a long table would be
//! mostly empty cells.

use jixiao_engine::fmt::{points, round};
use jixiao_review::UnitKey;
use jixiao_review::summary::ReviewSummary;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, XlsxError};

/// The summary's title, and the name of its sheet.
pub const TITLE: &str = "复核汇总";

/// One table of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReviewTable {
    ByIndicator,
    ByReason,
    GradeChanges,
    Reviewers,
}

impl ReviewTable {
    /// The four, in the order the summary shows them.
    pub const ALL: [ReviewTable; 4] = [
        ReviewTable::ByIndicator,
        ReviewTable::ByReason,
        ReviewTable::GradeChanges,
        ReviewTable::Reviewers,
    ];

    /// `按指标`, `按复核意见`, `等级变化`, `复核人对照`.
    pub fn title(self) -> &'static str {
        match self {
            ReviewTable::ByIndicator => "按指标",
            ReviewTable::ByReason => "按复核意见",
            ReviewTable::GradeChanges => "等级变化",
            ReviewTable::Reviewers => "复核人对照",
        }
    }

    /// A file name for the table's CSV: `复核汇总-按指标.csv`.
    pub fn file_name(self) -> String {
        format!("{TITLE}-{}.csv", self.title())
    }
}

/// A cell's value.
enum Value {
    Text(String),
    /// Points at two decimals.
    Points(Decimal),
    /// A difference at two decimals with its sign (`+1.50`).
    Signed(Decimal),
    Count(usize),
    /// Nothing to show (`—` in Markdown, empty in CSV and the sheet).
    None,
}

impl Value {
    fn numeric(&self) -> bool {
        matches!(self, Value::Points(_) | Value::Signed(_) | Value::Count(_))
    }

    fn shown(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Points(v) => points(*v, 2).to_string(),
            Value::Signed(v) => crate::signed(*v),
            Value::Count(n) => n.to_string(),
            Value::None => String::new(),
        }
    }
}

/// A table of the summary: its columns, rows, and what is said when it has none.
struct Table {
    note: Option<String>,
    headers: Vec<&'static str>,
    rows: Vec<Vec<Value>>,
    empty: &'static str,
}

fn text(t: &str) -> Value {
    Value::Text(t.to_owned())
}

fn grade(g: &Option<String>) -> Value {
    g.as_deref().map_or(Value::None, text)
}

fn opt(t: &Option<String>) -> Value {
    t.as_deref().map_or(Value::None, text)
}

fn has_project(key: &UnitKey) -> bool {
    key.project.is_some() || key.project_code.is_some()
}

fn table(summary: &ReviewSummary, kind: ReviewTable) -> Table {
    match kind {
        ReviewTable::ByIndicator => Table {
            note: Some("平均扣减按改动项计。".to_owned()),
            headers: vec![
                "指标",
                "指标编号",
                "分值",
                "复核单位数",
                "改动",
                "调减",
                "调增",
                "扣减合计",
                "平均扣减",
            ],
            rows: summary
                .by_indicator
                .iter()
                .map(|m| {
                    vec![
                        text(&m.indicator_name),
                        text(&m.indicator),
                        Value::Points(m.points),
                        Value::Count(m.reviewed),
                        Value::Count(m.changes),
                        Value::Count(m.lowered),
                        Value::Count(m.raised),
                        Value::Signed(m.deducted),
                        m.mean.map_or(Value::None, Value::Signed),
                    ]
                })
                .collect(),
            empty: "没有复核得分。",
        },
        ReviewTable::ByReason => Table {
            note: Some("复核意见按原文 (去掉首尾空白) 归并。".to_owned()),
            headers: vec!["复核意见", "改动", "涉及指标", "扣减合计", "平均扣减"],
            rows: summary
                .by_reason
                .iter()
                .map(|r| {
                    vec![
                        text(&r.reason),
                        Value::Count(r.changes),
                        Value::Text(r.indicators.join("、")),
                        Value::Signed(r.deducted),
                        Value::Signed(r.mean),
                    ]
                })
                .collect(),
            empty: "复核没有改动任何得分。",
        },
        ReviewTable::GradeChanges => {
            let projects = summary.grade_changes.iter().any(|g| has_project(&g.unit));
            let mut headers = vec!["单位", "单位编码"];
            if projects {
                headers.extend(["项目", "项目编码"]);
            }
            headers.extend([
                "主管部门",
                "系统总分",
                "系统等级",
                "复核后总分",
                "复核后等级",
                "总分变动",
                "自评等级",
            ]);
            let rows = summary
                .grade_changes
                .iter()
                .map(|g| {
                    let mut row = vec![text(&g.unit.name), opt(&g.unit.code)];
                    if projects {
                        row.extend([opt(&g.unit.project), opt(&g.unit.project_code)]);
                    }
                    row.extend([
                        opt(&g.supervisor),
                        Value::Points(g.system_total),
                        grade(&g.system_grade),
                        Value::Points(g.final_total),
                        grade(&g.final_grade),
                        Value::Signed(g.final_total.saturating_sub(g.system_total)),
                        grade(&g.declared_grade),
                    ]);
                    row
                })
                .collect();
            Table {
                note: None,
                headers,
                rows,
                empty: "复核没有改变任何单位的等级。",
            }
        }
        ReviewTable::Reviewers => Table {
            note: Some(format!(
                "同一指标有两位及以上复核人时, 比较每人的平均扣减 (其复核的全部单位, 未改动的计 0) \
                 与其他复核人合计的平均扣减; 相差超过 {} 分的标为偏严或偏宽。只有两位复核人时, \
                 两人相差即同时标出, 说明两人尺度不一, 不说明谁对。",
                points(summary.threshold, 2)
            )),
            headers: vec![
                "指标",
                "指标编号",
                "复核人",
                "复核单位数",
                "改动",
                "平均扣减",
                "其他复核人平均扣减",
                "相差",
                "提示",
            ],
            rows: summary
                .reviewers
                .iter()
                .flat_map(|c| {
                    c.reviewers.iter().map(|r| {
                        vec![
                            text(&c.indicator_name),
                            text(&c.indicator),
                            text(&r.reviewer),
                            Value::Count(r.units),
                            Value::Count(r.changes),
                            Value::Signed(r.mean),
                            Value::Signed(r.others),
                            Value::Signed(r.difference),
                            r.leaning.map_or(Value::None, |l| text(l.label())),
                        ]
                    })
                })
                .collect(),
            empty: "没有两位及以上复核人共同复核的指标。",
        },
    }
}

/// The summary's opening line: what was reviewed, and what a deduction is.
fn headline(summary: &ReviewSummary) -> String {
    format!(
        "复核 {} 个单位的 {} 项指标得分, 改动 {} 项, {} 个单位的等级因复核改变。\
         扣减 = 系统得分 − 复核得分, 负数为调增。",
        summary.units,
        summary.scores,
        summary.changes,
        summary.grade_changes.len()
    )
}

/// The summary in Markdown: `# 复核汇总`, its opening line, and a section per table.
pub fn markdown(summary: &ReviewSummary) -> String {
    let mut out = format!("# {TITLE}\n\n{}\n", headline(summary));
    for kind in ReviewTable::ALL {
        let t = table(summary, kind);
        out.push_str(&format!("\n## {}\n\n", kind.title()));
        if let Some(note) = &t.note {
            out.push_str(&format!("{note}\n\n"));
        }
        if t.rows.is_empty() {
            out.push_str(&format!("{}\n", t.empty));
            continue;
        }
        out.push_str(&format!("| {} |\n", t.headers.join(" | ")));
        // A column of figures is aligned right.
        let rule: Vec<&str> = (0..t.headers.len())
            .map(|col| {
                let numeric = t
                    .rows
                    .iter()
                    .any(|r| r.get(col).is_some_and(Value::numeric));
                if numeric { "---:" } else { "---" }
            })
            .collect();
        out.push_str(&format!("|{}|\n", rule.join("|")));
        for row in &t.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|v| match v {
                    Value::None => "—".to_owned(),
                    Value::Text(t) => crate::cell(t),
                    other => other.shown(),
                })
                .collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
    crate::visible_owned(out)
}

/// One table of the summary as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese),
/// with Chinese headers; text fields kept from being taken for formulas, figures plain numbers
/// at two decimals (a negative one with its minus sign).
pub fn csv(summary: &ReviewSummary, kind: ReviewTable) -> String {
    let t = table(summary, kind);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&t.headers).expect("writing to memory");
    for row in &t.rows {
        let record: Vec<String> = row
            .iter()
            .map(|v| match v {
                Value::Text(t) => crate::text_cell(t),
                Value::Signed(d) => points(*d, 2).to_string(),
                other => other.shown(),
            })
            .collect();
        writer.write_record(&record).expect("writing to memory");
    }
    let bytes = writer.into_inner().expect("writing to memory");
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"));
    out
}

/// The most characters a cell holds (Excel's limit; the writer refuses more).
const CELL_CHARS: usize = 32_767;

/// Text as a cell can hold it: past Excel's limit, cut, and said so.
fn fit(text: &str) -> String {
    let count = text.chars().count();
    if count <= CELL_CHARS {
        return text.to_owned();
    }
    let note = format!("… (共 {count} 字, 截断)");
    let keep = CELL_CHARS - note.chars().count();
    text.chars().take(keep).collect::<String>() + &note
}

fn figure(value: Decimal) -> f64 {
    round(value, 2).to_f64().unwrap_or_default()
}

/// Adds the summary to `workbook` as a sheet named `复核汇总`: its opening line, then each table
/// under its title (the empty ones with what their absence means), figures as numbers at two
/// decimals. Printed A4 landscape, one page wide.
pub fn add_sheet(workbook: &mut Workbook, summary: &ReviewSummary) -> Result<(), XlsxError> {
    /// Excel's paper size code for A4.
    const A4: u8 = 9;
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let pts = Format::new().set_num_format("0.00");
    let signed = Format::new().set_num_format("+0.00;-0.00;0.00");
    let wrap = Format::new().set_text_wrap();

    let sheet = workbook.add_worksheet();
    sheet.set_name(TITLE)?;
    sheet.set_landscape();
    sheet.set_paper_size(A4);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_header("&C&\"-,Bold\"绩效自评复核汇总: &A");
    sheet.set_footer("&C第 &P 页, 共 &N 页");
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 24)?;
    sheet.set_column_width(2, 24)?;
    for col in 3..12 {
        sheet.set_column_width(col, 13)?;
    }
    sheet.write_string_with_format(0, 0, TITLE, &title)?;
    sheet.write_string(1, 0, headline(summary))?;
    let mut row: u32 = 3;
    for kind in ReviewTable::ALL {
        let t = table(summary, kind);
        sheet.write_string_with_format(row, 0, kind.title(), &bold)?;
        row += 1;
        if let Some(note) = &t.note {
            sheet.write_string(row, 0, note)?;
            row += 1;
        }
        if t.rows.is_empty() {
            sheet.write_string(row, 0, t.empty)?;
            row += 2;
            continue;
        }
        for (col, h) in t.headers.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            sheet.write_string_with_format(row, col, *h, &header)?;
        }
        row += 1;
        for cells in &t.rows {
            for (col, v) in cells.iter().enumerate() {
                let col = u16::try_from(col).unwrap_or(u16::MAX);
                match v {
                    Value::Text(s) => {
                        sheet.write_string_with_format(row, col, fit(s), &wrap)?;
                    }
                    Value::Points(d) => {
                        sheet.write_number_with_format(row, col, figure(*d), &pts)?;
                    }
                    Value::Signed(d) => {
                        sheet.write_number_with_format(row, col, figure(*d), &signed)?;
                    }
                    Value::Count(n) => {
                        let n = u32::try_from(*n).unwrap_or(u32::MAX);
                        sheet.write_number(row, col, f64::from(n))?;
                    }
                    Value::None => {}
                }
            }
            row += 1;
        }
        row += 1;
    }
    Ok(())
}
