//! The batch summary as an Excel workbook: a ranked summary sheet (汇总); the units grouped by
//! 主管部门 and by 地区 (按主管部门, 按地区: units, grade distribution, average and lowest total);
//! a sheet of every indicator's recomputed score (指标得分: one row per unit, one column per
//! indicator of the rule set) and one of the unit's own scores in the same layout (自评对照: the
//! same cell holds the same unit and indicator, shaded where the unit scored itself higher); and a
//! sheet of every finding. The large sheets stream in constant memory as units are added; the
//! summary and group sheets are written at the end. Numbers are written rounded to their shown
//! decimals.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use crate::last_year::History;
use crate::{GroupBy, SummaryRow};

/// The sheet of the grade transitions since last year (a run with a results store).
const TRANSITIONS: &str = "等级变化";

/// A number format of `places` decimals (`0.00`); with `sign`, a plus before a positive one
/// (`+0.00;-0.00;0.00`).
fn decimals_format(places: u32, sign: bool) -> Format {
    let digits = if places == 0 {
        "0".to_owned()
    } else {
        format!("0.{}", "0".repeat(places as usize))
    };
    let code = if sign {
        format!("+{digits};-{digits};{digits}")
    } else {
        digits
    };
    Format::new().set_num_format(code)
}
use jixiao_engine::fmt::round;
use jixiao_engine::{Scorecard, ScoredIndicator};

/// The columns of the sheet 发现问题 and their widths (Excel's character units): 来源, 单位, 性质,
/// 规则, 规则说明, 指标, 说明.
const FINDINGS_COLUMNS: [(u16, u16); 7] = [
    (0, 28),
    (FINDINGS_UNIT, 30),
    (2, 6),
    (3, 20),
    (FINDINGS_RULE_LABEL, 22),
    (5, 24),
    (FINDINGS_MESSAGE, 90),
];
/// The height of a row of 发现问题, in points: two lines, which most findings take, as the sheet's
/// default. Only a row whose text needs more is given a height of its own: rust_xlsxwriter keeps
/// every row given a height for the life of a constant-memory sheet (a height for each finding
/// was 220 MB at 100,000 units, docs/performance.md), so a finding of one line keeps the two-line
/// default rather than a height of its own.
const FINDINGS_ROW_HEIGHT: u16 = 30;
/// The columns of 发现问题 whose text wraps.
const FINDINGS_UNIT: u16 = 1;
const FINDINGS_RULE_LABEL: u16 = 4;
const FINDINGS_MESSAGE: u16 = 6;

fn findings_width(col: u16) -> u16 {
    FINDINGS_COLUMNS
        .iter()
        .find(|(c, _)| *c == col)
        .map_or(1, |(_, width)| *width)
}

/// Excel's last row index (1,048,576 rows).
const MAX_ROW: u32 = 1_048_575;

/// One column of the indicator sheet: an indicator of the rule set.
#[derive(Debug, Clone)]
pub struct IndicatorColumn {
    pub id: String,
    /// Header text, e.g. `过程 / 预算执行 / 预算完成率 (5)`.
    pub header: String,
}

/// The workbook being written.
pub struct SummaryWorkbook {
    workbook: Workbook,
    columns: Vec<IndicatorColumn>,
    /// Grade names, best first, as the rule set lists them.
    grades: Vec<String>,
    header: Format,
    points: Format,
    /// A self-score above the recomputed one.
    over: Format,
    /// Worksheet index and next free row of the indicator sheet (the self-score sheet follows
    /// it, row for row).
    indicators: (usize, u32),
    /// Worksheet index and next free row of the current findings sheet.
    findings: (usize, u32),
    findings_sheets: u32,
    /// Whether the sheet 复核得分 follows 自评对照.
    reviewed: bool,
    /// Whether the run has a results store: the summary sheet shows last year beside each unit
    /// and the sheet 等级变化 (after 按地区) the grade transitions since last year.
    history: bool,
}

impl std::fmt::Debug for SummaryWorkbook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SummaryWorkbook")
            .field("columns", &self.columns.len())
            .field("indicator_rows", &self.indicators.1)
            .field("finding_rows", &self.findings.1)
            .finish_non_exhaustive()
    }
}

pub(crate) fn number(value: Decimal) -> f64 {
    round(value, 2).to_f64().unwrap_or_default()
}

impl SummaryWorkbook {
    /// A workbook for a batch scored under a rule set with these indicator `columns` and
    /// `grades` (best first, as the rule set lists its bands); `year` dates the document (a
    /// fixed date, so the same batch gives the same bytes).
    pub fn new(
        columns: Vec<IndicatorColumn>,
        grades: Vec<String>,
        year: u16,
    ) -> Result<Self, XlsxError> {
        Self::with_review(columns, grades, year, false)
    }

    /// As [`SummaryWorkbook::new`]; with `reviewed`, a sheet 复核得分 after 自评对照 holds each
    /// reviewed unit's final scores (the reviewer's where reviewed, else the system's) in the same
    /// layout.
    pub fn with_review(
        columns: Vec<IndicatorColumn>,
        grades: Vec<String>,
        year: u16,
        reviewed: bool,
    ) -> Result<Self, XlsxError> {
        Self::with_options(columns, grades, year, reviewed, false)
    }

    /// As [`SummaryWorkbook::with_review`]; with `history` (a run with a results store), the
    /// summary sheet shows 上年等级, 上年总分, 总分变化 and 上年说明 beside each unit, and a sheet
    /// 等级变化 after 按地区 the grade transitions since last year (上年等级 → 本年等级).
    pub fn with_options(
        columns: Vec<IndicatorColumn>,
        grades: Vec<String>,
        year: u16,
        reviewed: bool,
        history: bool,
    ) -> Result<Self, XlsxError> {
        let mut workbook = Workbook::new();
        // Deflate level 1, not the default 6: a 100,000-unit round's sheets are several hundred
        // MB of XML, deflated on one thread when the workbook is saved, the largest serial step
        // of a batch. Measured on these sheets: 3.3× faster, the file a fifth larger
        // (docs/performance.md, "Batches at bureau scale").
        workbook.set_zip_compression_level(1);
        workbook.set_properties(
            &DocProperties::new()
                .set_title("绩效自评复核汇总")
                .set_creation_datetime(&ExcelDateTime::from_ymd(year, 1, 1)?),
        );
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_align(FormatAlign::Center)
            .set_text_wrap();
        let points = Format::new().set_num_format("0.00");
        let over = points.clone().set_background_color(Color::RGB(0xF8CBAD));
        // The summary and group sheets come first; they are filled at the end.
        for name in ["汇总", GroupBy::Supervisor.title(), GroupBy::Region.title()] {
            workbook
                .add_worksheet_with_constant_memory()?
                .set_name(name)?;
        }
        // A small sheet, held in memory: its explanations are merged cells of a set height.
        if history {
            workbook.add_worksheet().set_name(TRANSITIONS)?;
        }
        let before = 3 + usize::from(history);
        let mut layouts = vec![("指标得分", "复核总分"), ("自评对照", "自评总分")];
        if reviewed {
            layouts.push(("复核得分", "复核后总分"));
        }
        let layout_sheets = layouts.len();
        for (name, total) in layouts {
            let sheet = workbook.add_worksheet_with_constant_memory()?;
            sheet.set_name(name)?;
            let mut headers = vec!["来源".to_owned(), "单位".to_owned(), total.to_owned()];
            headers.extend(columns.iter().map(|c| c.header.clone()));
            write_header(sheet, &headers, &header)?;
            sheet.set_column_width(0, 28)?;
            sheet.set_column_width(1, 30)?;
            // The scores' format is the columns': a cell written without one takes it, and
            // rust_xlsxwriter hashes a cell's `Format` whole to find its index (a large part of
            // writing these rows, docs/performance.md).
            for col in 2..headers.len() {
                let col = u16::try_from(col).unwrap_or(u16::MAX);
                sheet.set_column_width(col, 14)?;
                sheet.set_column_format(col, &points)?;
            }
        }
        let mut this = SummaryWorkbook {
            workbook,
            columns,
            grades,
            header,
            points,
            over,
            indicators: (before, 1),
            findings: (before + layout_sheets, 1),
            reviewed,
            history,
            findings_sheets: 0,
        };
        this.add_findings_sheet()?;
        Ok(this)
    }

    fn add_findings_sheet(&mut self) -> Result<(), XlsxError> {
        self.findings_sheets += 1;
        let name = if self.findings_sheets == 1 {
            "发现问题".to_owned()
        } else {
            format!("发现问题{}", self.findings_sheets)
        };
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        let headers =
            ["来源", "单位", "性质", "规则", "规则说明", "指标", "说明"].map(String::from);
        write_header(sheet, &headers, &self.header)?;
        sheet.set_default_row_height(FINDINGS_ROW_HEIGHT);
        // The texts wrap within their columns (a row taller than the default where its longest
        // needs it, set in `add_unit`); every cell sits at the top of its row.
        let top = Format::new().set_align(FormatAlign::Top);
        let wrapped = top.clone().set_text_wrap();
        for (col, width) in FINDINGS_COLUMNS {
            sheet.set_column_width(col, width)?;
            let wraps = [FINDINGS_UNIT, FINDINGS_RULE_LABEL, FINDINGS_MESSAGE].contains(&col);
            sheet.set_column_format(col, if wraps { &wrapped } else { &top })?;
        }
        self.findings = (self.workbook.worksheets().len() - 1, 1);
        Ok(())
    }

    /// Adds one scored unit: its row of indicator scores, its row of self-scores and its
    /// findings.
    pub fn add_unit(&mut self, source: &str, card: &Scorecard) -> Result<(), XlsxError> {
        let mut nodes: Vec<&ScoredIndicator> = Vec::new();
        collect_nodes(&card.indicators, &mut nodes);
        let (index, row) = self.indicators;
        if row <= MAX_ROW {
            // The tree is walked in the rule set's order, as the columns are: one pass. Index of
            // the column and the node.
            let mut cells: Vec<(u16, &ScoredIndicator)> = Vec::new();
            let mut walk = nodes.iter().peekable();
            for (i, column) in self.columns.iter().enumerate() {
                while walk.next_if(|n| n.id != column.id).is_some() {}
                if let Some(node) = walk.next() {
                    cells.push((u16::try_from(i + 3).unwrap_or(u16::MAX), node));
                }
            }
            // Shaded where the unit's score is above the recomputed one, as shown.
            let higher =
                |gap: Option<Decimal>| gap.is_some_and(|gap| round(gap, 2) > Decimal::ZERO);
            let declared = card.declared.as_ref();
            let mut totals = vec![
                (Some(card.total), false),
                (
                    declared.and_then(|d| d.total),
                    higher(declared.and_then(|d| d.gap)),
                ),
            ];
            if self.reviewed {
                totals.push((card.review.as_ref().map(|r| r.total), false));
            }
            for (offset, (total, over)) in totals.into_iter().enumerate() {
                let sheet = self.workbook.worksheet_from_index(index + offset)?;
                sheet.write_string(row, 0, fit(source))?;
                sheet.write_string(row, 1, fit(&card.unit.name))?;
                // A score takes its column's format (0.00); one above the recomputed one is
                // shaded.
                let mut put = |col: u16, value: Decimal, over: bool| {
                    if over {
                        sheet.write_number_with_format(row, col, number(value), &self.over)
                    } else {
                        sheet.write_number(row, col, number(value))
                    }
                    .map(|_| ())
                };
                if let Some(total) = total {
                    put(2, total, over)?;
                }
                for (col, node) in &cells {
                    if offset == 0 {
                        put(*col, node.score, false)?;
                    } else if offset == 2 {
                        if card.review.is_some() {
                            put(*col, node.final_score(), false)?;
                        }
                    } else if let Some(own) = node.self_score {
                        put(*col, own, higher(node.self_score_gap))?;
                    }
                }
            }
            self.indicators.1 += 1;
        }
        for finding in &card.findings {
            if self.findings.1 > MAX_ROW {
                self.add_findings_sheet()?;
            }
            let (index, row) = self.findings;
            let sheet = self.workbook.worksheet_from_index(index)?;
            let label = finding.rule.label();
            let height = [
                (card.unit.name.as_str(), FINDINGS_UNIT),
                (label.as_str(), FINDINGS_RULE_LABEL),
                (finding.message.as_str(), FINDINGS_MESSAGE),
            ]
            .into_iter()
            .map(|(text, col)| line_height(text, findings_width(col)))
            .max()
            .unwrap_or(FINDINGS_ROW_HEIGHT);
            if height > FINDINGS_ROW_HEIGHT {
                sheet.set_row_height(row, height)?;
            }
            sheet.write_string(row, 0, fit(source))?;
            sheet.write_string(row, 1, fit(&card.unit.name))?;
            sheet.write_string(row, 2, finding.severity.label())?;
            sheet.write_string(row, 3, finding.rule.to_string())?;
            sheet.write_string(row, 4, label)?;
            sheet.write_string(row, 5, fit(finding.indicator.as_deref().unwrap_or("")))?;
            sheet.write_string(row, 6, fit(&finding.message))?;
            self.findings.1 += 1;
        }
        Ok(())
    }

    /// Writes the ranked summary sheet, with `notes` (files not read, files skipped as not
    /// submissions) a row below it, and the group sheets, and returns the workbook's bytes.
    pub fn finish(self, rows: &[SummaryRow], notes: &[String]) -> Result<Vec<u8>, XlsxError> {
        self.finish_with(rows, notes, None)
    }

    /// As [`SummaryWorkbook::finish`]; with a re-review's summary, the sheet 复核汇总 last.
    pub fn finish_with(
        mut self,
        rows: &[SummaryRow],
        notes: &[String],
        review: Option<&jixiao_review::summary::ReviewSummary>,
    ) -> Result<Vec<u8>, XlsxError> {
        self.complete(rows, notes, review)?;
        self.workbook.save_to_buffer()
    }

    /// As [`SummaryWorkbook::finish_with`], the workbook written to `writer` as it is zipped
    /// rather than returned: a large round's workbook is never whole in memory.
    pub fn finish_to<W: std::io::Write + Send>(
        mut self,
        rows: &[SummaryRow],
        notes: &[String],
        review: Option<&jixiao_review::summary::ReviewSummary>,
        writer: W,
    ) -> Result<(), XlsxError> {
        self.complete(rows, notes, review)?;
        self.workbook.save_to_writer(writer)
    }

    /// The summary, group and review sheets, written at the end.
    fn complete(
        &mut self,
        rows: &[SummaryRow],
        notes: &[String],
        review: Option<&jixiao_review::summary::ReviewSummary>,
    ) -> Result<(), XlsxError> {
        let projects = crate::has_projects(rows);
        // Header, width (Excel's character units) and what the cell holds. The text columns
        // wrap, their rows as tall as their longest text, so that the sheet is narrow enough to
        // print legibly on one page's width.
        let mut columns: Vec<(&str, u16, Field)> = vec![
            ("排名", 6, Field::Rank),
            ("来源", 18, Field::Source),
            ("单位", 20, Field::Unit),
            ("单位编码", 14, Field::Code),
        ];
        if projects {
            columns.extend([
                ("项目", 20, Field::Project),
                ("项目编码", 22, Field::ProjectCode),
            ]);
        }
        columns.extend([
            ("主管部门", 16, Field::Supervisor),
            ("地区", 14, Field::Region),
            ("年度", 6, Field::Year),
            ("类型", 12, Field::Kind),
            ("复核总分", 10, Field::Total),
            ("等级", 6, Field::Grade),
        ]);
        if crate::has_reviews(rows) {
            columns.extend([
                ("复核后总分", 10, Field::ReviewedTotal),
                ("复核后等级", 8, Field::ReviewedGrade),
            ]);
        }
        let history = self.history && crate::last_year::has_history(rows);
        if history {
            columns.extend([
                ("上年等级", 10, Field::LastGrade),
                ("上年总分", 10, Field::LastTotal),
                ("总分变化", 10, Field::Change),
                ("上年说明", 20, Field::LastNote),
            ]);
        }
        columns.extend([
            ("自评总分", 10, Field::DeclaredTotal),
            ("自评等级", 8, Field::DeclaredGrade),
            ("自评−复核", 10, Field::Gap),
            ("硬性问题", 9, Field::Hard),
            ("提示", 6, Field::Soft),
            ("读取完整度", 12, Field::Read),
            ("错误", ERROR_WIDTH, Field::Error),
        ]);
        let last_col = u16::try_from(columns.len() - 1).unwrap_or(u16::MAX);
        let headers: Vec<String> = columns.iter().map(|c| c.0.to_owned()).collect();
        let ranked = crate::ranked(rows);
        let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        // Every cell at the top of its row, as the wrapped ones are.
        let right = Format::new()
            .set_align(FormatAlign::Right)
            .set_align(FormatAlign::Top);
        let top = Format::new().set_align(FormatAlign::Top);
        let figure = self.points.clone().set_align(FormatAlign::Top);
        let notes_rows = u32::try_from(notes.len() + 1).unwrap_or(u32::MAX);
        let sheet = self.workbook.worksheet_from_index(0)?;
        write_header(sheet, &headers, &self.header)?;
        for (col, (_, width, _)) in columns.iter().enumerate() {
            sheet.set_column_width(u16::try_from(col).unwrap_or(u16::MAX), *width)?;
        }
        let count = |n: usize| f64::from(u32::try_from(n).unwrap_or(u32::MAX));
        let mut row = 1u32;
        for (rank, index) in ranked {
            if row > MAX_ROW {
                break;
            }
            let summary = &rows[index];
            let texts: Vec<Option<&str>> = columns
                .iter()
                .map(|(_, _, field)| field.text(summary))
                .collect();
            let height = columns
                .iter()
                .zip(&texts)
                .filter(|((_, _, field), _)| field.wraps())
                .filter_map(|((_, width, _), text)| Some(line_height((*text)?, *width)))
                .max()
                .unwrap_or(15);
            if height > 15 {
                sheet.set_row_height(row, height)?;
            }
            for (col, ((_, _, field), text)) in columns.iter().zip(&texts).enumerate() {
                let col = u16::try_from(col).unwrap_or(u16::MAX);
                if let Some(text) = text {
                    if field.wraps() {
                        sheet.write_string_with_format(row, col, fit(text), &wrapped)?;
                    } else {
                        sheet.write_string_with_format(row, col, fit(text), &top)?;
                    }
                    continue;
                }
                let Ok(s) = &summary.outcome else {
                    continue;
                };
                let points = match field {
                    Field::Total => Some(s.total),
                    Field::ReviewedTotal => s.reviewed.as_ref().map(|r| r.0),
                    Field::DeclaredTotal => s.declared_total,
                    Field::Gap => s.gap,
                    _ => None,
                };
                if let Some(value) = points {
                    sheet.write_number_with_format(row, col, number(value), &figure)?;
                    continue;
                }
                if let (Field::LastTotal | Field::Change, History::Record(last)) =
                    (field, &s.last_year)
                {
                    // At their own decimals: last year's total as stored, the change at this
                    // year's rule set's (signed).
                    let (value, places, sign) = match field {
                        Field::LastTotal => {
                            let value = last.total_value();
                            (value, value.map_or(2, |v| v.scale()), false)
                        }
                        _ => (last.change, last.decimals, true),
                    };
                    if let Some(value) = value {
                        let format = decimals_format(places, sign).set_align(FormatAlign::Top);
                        let value = round(value, places).to_f64().unwrap_or_default();
                        sheet.write_number_with_format(row, col, value, &format)?;
                    }
                    continue;
                }
                match field {
                    Field::Rank => {
                        sheet.write_number_with_format(row, col, count(rank), &top)?;
                    }
                    Field::Year => {
                        sheet.write_number_with_format(row, col, f64::from(s.year), &top)?;
                    }
                    Field::Hard => {
                        sheet.write_number_with_format(row, col, count(s.hard), &top)?;
                    }
                    Field::Soft => {
                        sheet.write_number_with_format(row, col, count(s.soft), &top)?;
                    }
                    Field::Read => {
                        if let Some(read) = s.read_label() {
                            // A count like its neighbours: right-aligned, off the 提示 column.
                            sheet.write_string_with_format(row, col, &read, &right)?;
                        }
                    }
                    _ => {}
                }
            }
            row += 1;
        }
        sheet.autofilter(0, 0, row.saturating_sub(1).max(1), last_col - 1)?;
        for (i, note) in notes.iter().enumerate() {
            let at = row + 1 + u32::try_from(i).unwrap_or(u32::MAX);
            if at > MAX_ROW {
                break;
            }
            // Across the columns from 来源 to 错误 (about 100 Chinese characters a line). Its
            // height is left alone: in constant-memory mode a height set on a merged row writes
            // the row twice, which Excel refuses.
            sheet.merge_range(at, 1, at, last_col, &fit(note), &wrapped)?;
        }
        sheet.set_print_area(0, 0, row.saturating_sub(1).max(1) + notes_rows, last_col)?;
        for (index, by) in [(1, GroupBy::Supervisor), (2, GroupBy::Region)] {
            self.write_groups(index, rows, by)?;
        }
        if self.history {
            self.write_transitions(3, rows)?;
        }
        let (index, last) = self.indicators;
        let last_col = u16::try_from(self.columns.len() + 2).unwrap_or(u16::MAX);
        for sheet in [index, index + 1] {
            self.workbook.worksheet_from_index(sheet)?.autofilter(
                0,
                0,
                last.saturating_sub(1).max(1),
                last_col,
            )?;
        }
        let (index, last) = self.findings;
        self.workbook.worksheet_from_index(index)?.autofilter(
            0,
            0,
            last.saturating_sub(1).max(1),
            6,
        )?;
        if let Some(review) = review {
            crate::review_summary::add_sheet(&mut self.workbook, review)?;
        }
        Ok(())
    }

    /// The sheet `index` (等级变化): the grade transitions since last year, its explanation above.
    fn write_transitions(&mut self, index: usize, rows: &[SummaryRow]) -> Result<(), XlsxError> {
        use crate::last_year;
        const FIRST: u16 = 14;
        const OTHERS: u16 = 10;
        let matrix = last_year::transitions(rows, &self.grades);
        let cols = u16::try_from(matrix.shown().1.len() + 1).unwrap_or(u16::MAX);
        let width = FIRST + OTHERS * cols;
        let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        let sheet = self.workbook.worksheet_from_index(index)?;
        sheet.set_column_width(0, FIRST)?;
        for col in 1..=cols {
            sheet.set_column_width(col, OTHERS)?;
        }
        sheet.write_string_with_format(0, 0, last_year::TITLE, &Format::new().set_bold())?;
        // The explanations across the table's width, as tall as their lines.
        let legend = format!("{}。", last_year::LEGEND);
        let end = matrix.write_rows(sheet, 3, last_year::CORNER, &self.header)?;
        for (row, text) in [(1, last_year::EXPLAIN), (end + 1, legend.as_str())] {
            sheet.merge_range(row, 0, row, cols, text, &wrapped)?;
            sheet.set_row_height(row, line_height(text, width))?;
        }
        print_setup_titled(sheet, TITLE)?;
        sheet.set_print_area(0, 0, end + 1, cols)?;
        Ok(())
    }

    /// The sheet `index`: the scored units grouped `by` 主管部门 or 地区, a row per group (units,
    /// count per grade, average and lowest total).
    fn write_groups(
        &mut self,
        index: usize,
        rows: &[SummaryRow],
        by: GroupBy,
    ) -> Result<(), XlsxError> {
        let groups = crate::groups(rows, by, &self.grades);
        let bands: Vec<String> = groups.first().map_or_else(
            || self.grades.clone(),
            |g| g.grades.iter().map(|(name, _)| name.clone()).collect(),
        );
        let mut headers = vec![by.label().to_owned(), "单位数".to_owned()];
        headers.extend(bands.iter().cloned());
        headers.extend(["平均分".to_owned(), "最低分".to_owned()]);
        let sheet = self.workbook.worksheet_from_index(index)?;
        write_header(sheet, &headers, &self.header)?;
        sheet.set_column_width(0, 36)?;
        for col in 1..headers.len() {
            sheet.set_column_width(u16::try_from(col).unwrap_or(u16::MAX), 10)?;
        }
        let count = |n: usize| f64::from(u32::try_from(n).unwrap_or(u32::MAX));
        for (i, group) in groups.iter().enumerate() {
            let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if row > MAX_ROW {
                break;
            }
            sheet.write_string(row, 0, fit(&group.name))?;
            sheet.write_number(row, 1, count(group.units))?;
            let mut col = 2u16;
            for (_, n) in &group.grades {
                sheet.write_number(row, col, count(*n))?;
                col = col.saturating_add(1);
            }
            sheet.write_number_with_format(row, col, number(group.average), &self.points)?;
            sheet.write_number_with_format(
                row,
                col.saturating_add(1),
                number(group.lowest),
                &self.points,
            )?;
        }
        Ok(())
    }
}

impl Field {
    /// The column's text for this row, for a text column.
    fn text(self, row: &SummaryRow) -> Option<&str> {
        let s = match (&row.outcome, self) {
            (_, Field::Source) => return Some(&row.source),
            (Err(e), Field::Error) => return Some(e),
            (Err(_), _) => return None,
            (Ok(s), _) => s,
        };
        match self {
            Field::Unit => Some(s.unit.as_str()),
            Field::Code => s.code.as_deref(),
            Field::Project => s.project.as_deref(),
            Field::ProjectCode => s.project_code.as_deref(),
            Field::Supervisor => s.supervisor.as_deref(),
            Field::Region => s.region.as_deref(),
            Field::Kind => Some(s.kind),
            Field::Grade => Some(s.grade_label()),
            Field::ReviewedGrade => s
                .reviewed
                .as_ref()
                .map(|r| r.1.as_deref().unwrap_or("无等级")),
            Field::DeclaredGrade => s.declared_grade.as_deref(),
            Field::LastGrade => match &s.last_year {
                History::NotKept => None,
                History::NoRecord => Some(crate::last_year::NO_RECORD),
                History::Record(last) => Some(last.grade_label()),
            },
            Field::LastNote => match &s.last_year {
                History::Record(last) => last.note.as_deref(),
                _ => None,
            },
            Field::LastTotal => match &s.last_year {
                // Not a number: shown as stored.
                History::Record(last) if last.total_value().is_none() => Some(&last.total),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether its text wraps in the column (the row as tall as it takes).
    fn wraps(self) -> bool {
        matches!(
            self,
            Field::Source
                | Field::Unit
                | Field::Project
                | Field::Supervisor
                | Field::Region
                | Field::Error
                | Field::LastNote
        )
    }
}

/// What a column of the summary sheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Rank,
    Source,
    Unit,
    Code,
    Project,
    ProjectCode,
    Supervisor,
    Region,
    Year,
    Kind,
    Total,
    Grade,
    /// After a re-review.
    ReviewedTotal,
    ReviewedGrade,
    DeclaredTotal,
    DeclaredGrade,
    Gap,
    /// With a results store: 上年等级, 上年总分, 总分变化, 上年说明.
    LastGrade,
    LastTotal,
    Change,
    LastNote,
    Hard,
    Soft,
    Read,
    Error,
}

fn write_header(
    sheet: &mut Worksheet,
    headers: &[String],
    format: &Format,
) -> Result<(), XlsxError> {
    write_header_titled(sheet, headers, format, TITLE)
}

/// The title printed above every sheet of the summary workbook (with the sheet's name).
const TITLE: &str = "绩效自评复核汇总";

/// A header row of `headers`, frozen, the sheet printed as [`print_setup_titled`] says.
pub(crate) fn write_header_titled(
    sheet: &mut Worksheet,
    headers: &[String],
    format: &Format,
    title: &str,
) -> Result<(), XlsxError> {
    for (col, text) in headers.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, text, format)?;
    }
    sheet.set_row_height(0, 32)?;
    sheet.set_freeze_panes(1, 0)?;
    print_setup_titled(sheet, title)
}

/// How a sheet prints: A4 landscape, as wide as one page (as many pages down as it takes), the
/// header row repeated on every page, `title` and the sheet's name above and the page number
/// below.
pub(crate) fn print_setup_titled(sheet: &mut Worksheet, title: &str) -> Result<(), XlsxError> {
    /// Excel's paper size code for A4.
    const A4: u8 = 9;
    sheet.set_landscape();
    sheet.set_paper_size(A4);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_header(format!("&C&\"-,Bold\"{title}: &A"));
    sheet.set_footer("&C第 &P 页, 共 &N 页");
    Ok(())
}

/// The workbook's document properties, fixed (a title and 2000-01-01 as its creation date), so
/// the same content gives the same bytes.
pub(crate) fn fixed_properties(workbook: &mut Workbook, title: &str) -> Result<(), XlsxError> {
    workbook.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    Ok(())
}

fn collect_nodes<'a>(nodes: &'a [ScoredIndicator], out: &mut Vec<&'a ScoredIndicator>) {
    for node in nodes {
        out.push(node);
        collect_nodes(&node.children, out);
    }
}

/// The width of the 错误 column, in Excel's character units.
const ERROR_WIDTH: u16 = 40;

/// The height, in points, of a row whose wrapped `text` fills a cell `width` characters wide: a
/// Chinese character counts two. Rows are not fitted to their text when the file is opened, so
/// the height is set; at most 409 points, Excel's limit (27 lines).
fn line_height(text: &str, width: impl Into<usize>) -> u16 {
    let width = width.into().max(1);
    let units: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    let lines = units.div_ceil(width).clamp(1, 27);
    15 * u16::try_from(lines).unwrap_or(27)
}

/// The most characters a cell holds (Excel's limit; the writer refuses more).
const CELL_CHARS: usize = 32_767;

/// A unit's text as a cell can hold it: past Excel's 32,767 characters, cut, and said so. One
/// unit's content never costs the batch its workbook.
pub(crate) fn fit(text: &str) -> std::borrow::Cow<'_, str> {
    let count = text.chars().count();
    if count <= CELL_CHARS {
        return std::borrow::Cow::Borrowed(text);
    }
    let note = format!("… (共 {count} 字, 截断)");
    let keep = CELL_CHARS - note.chars().count();
    std::borrow::Cow::Owned(text.chars().take(keep).collect::<String>() + &note)
}
