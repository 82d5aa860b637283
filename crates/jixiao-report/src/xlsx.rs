//! The batch summary as an Excel workbook: a ranked summary sheet, a sheet of every indicator's
//! score (one row per unit, one column per indicator of the rule set) and a sheet of every
//! finding. The two large sheets stream in constant memory as units are added; the summary
//! sheet is written at the end, ranked. Numbers are written rounded to their shown decimals.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use crate::SummaryRow;
use jixiao_engine::fmt::round;
use jixiao_engine::{Scorecard, ScoredIndicator};

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
    header: Format,
    points: Format,
    /// Worksheet index and next free row of the indicator sheet.
    indicators: (usize, u32),
    /// Worksheet index and next free row of the current findings sheet.
    findings: (usize, u32),
    findings_sheets: u32,
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

fn number(value: Decimal) -> f64 {
    round(value, 2).to_f64().unwrap_or_default()
}

impl SummaryWorkbook {
    /// A workbook for a batch scored under a rule set with these indicator `columns`; `year`
    /// dates the document (a fixed date, so the same batch gives the same bytes).
    pub fn new(columns: Vec<IndicatorColumn>, year: u16) -> Result<Self, XlsxError> {
        let mut workbook = Workbook::new();
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
        // The summary sheet comes first; it is filled at the end.
        workbook
            .add_worksheet_with_constant_memory()?
            .set_name("汇总")?;
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name("指标得分")?;
        let mut headers = vec!["来源".to_owned(), "单位".to_owned(), "总分".to_owned()];
        headers.extend(columns.iter().map(|c| c.header.clone()));
        write_header(sheet, &headers, &header)?;
        sheet.set_column_width(0, 28)?;
        sheet.set_column_width(1, 30)?;
        for col in 2..headers.len() {
            sheet.set_column_width(u16::try_from(col).unwrap_or(u16::MAX), 14)?;
        }
        let mut this = SummaryWorkbook {
            workbook,
            columns,
            header,
            points,
            indicators: (1, 1),
            findings: (2, 1),
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
        for (col, width) in [(0, 28), (1, 30), (2, 6), (3, 20), (4, 18), (5, 24), (6, 80)] {
            sheet.set_column_width(col, width)?;
        }
        self.findings = (self.workbook.worksheets().len() - 1, 1);
        Ok(())
    }

    /// Adds one scored unit: its row of indicator scores and its findings.
    pub fn add_unit(&mut self, source: &str, card: &Scorecard) -> Result<(), XlsxError> {
        let mut scores: Vec<(&str, Decimal)> = Vec::new();
        collect_scores(&card.indicators, &mut scores);
        let (index, row) = self.indicators;
        if row <= MAX_ROW {
            let sheet = self.workbook.worksheet_from_index(index)?;
            sheet.write_string(row, 0, fit(source))?;
            sheet.write_string(row, 1, fit(&card.unit.name))?;
            sheet.write_number_with_format(row, 2, number(card.total), &self.points)?;
            // The tree is walked in the rule set's order, as the columns are: one pass.
            let mut scores = scores.iter().peekable();
            for (i, column) in self.columns.iter().enumerate() {
                while scores.next_if(|(id, _)| *id != column.id).is_some() {}
                if let Some((_, score)) = scores.next() {
                    let col = u16::try_from(i + 3).unwrap_or(u16::MAX);
                    sheet.write_number_with_format(row, col, number(*score), &self.points)?;
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
            sheet.write_string(row, 0, fit(source))?;
            sheet.write_string(row, 1, fit(&card.unit.name))?;
            sheet.write_string(row, 2, finding.severity.label())?;
            sheet.write_string(row, 3, finding.rule.to_string())?;
            sheet.write_string(row, 4, finding.rule.label())?;
            sheet.write_string(row, 5, fit(finding.indicator.as_deref().unwrap_or("")))?;
            sheet.write_string(row, 6, fit(&finding.message))?;
            self.findings.1 += 1;
        }
        Ok(())
    }

    /// Writes the ranked summary sheet, with `notes` (files not read, files skipped as not
    /// submissions) a row below it, and returns the workbook's bytes.
    pub fn finish(mut self, rows: &[SummaryRow], notes: &[String]) -> Result<Vec<u8>, XlsxError> {
        let headers = [
            "排名",
            "来源",
            "单位",
            "年度",
            "类型",
            "复核总分",
            "等级",
            "自评总分",
            "自评−复核",
            "硬性问题",
            "提示",
            "读取完整度",
            "错误",
        ]
        .map(String::from);
        let ranked = crate::ranked(rows);
        let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        let notes_rows = u32::try_from(notes.len() + 1).unwrap_or(u32::MAX);
        let sheet = self.workbook.worksheet_from_index(0)?;
        write_header(sheet, &headers, &self.header)?;
        for (col, width) in [
            (0, 6),
            (1, 28),
            (2, 30),
            (3, 6),
            (4, 12),
            (5, 10),
            (6, 6),
            (7, 10),
            (8, 10),
            (9, 9),
            (10, 6),
            (11, 14),
            (12, ERROR_WIDTH),
        ] {
            sheet.set_column_width(col, width)?;
        }
        let mut row = 1u32;
        for (rank, index) in ranked {
            if row > MAX_ROW {
                break;
            }
            let summary = &rows[index];
            sheet.write_string(row, 1, fit(&summary.source))?;
            match &summary.outcome {
                Ok(s) => {
                    sheet.write_number(
                        row,
                        0,
                        f64::from(u32::try_from(rank).unwrap_or(u32::MAX)),
                    )?;
                    sheet.write_string(row, 2, fit(&s.unit))?;
                    sheet.write_number(row, 3, f64::from(s.year))?;
                    sheet.write_string(row, 4, s.kind)?;
                    sheet.write_number_with_format(row, 5, number(s.total), &self.points)?;
                    sheet.write_string(row, 6, s.grade_label())?;
                    if let Some(d) = s.declared_total {
                        sheet.write_number_with_format(row, 7, number(d), &self.points)?;
                    }
                    if let Some(g) = s.gap {
                        sheet.write_number_with_format(row, 8, number(g), &self.points)?;
                    }
                    sheet.write_number(
                        row,
                        9,
                        f64::from(u32::try_from(s.hard).unwrap_or(u32::MAX)),
                    )?;
                    sheet.write_number(
                        row,
                        10,
                        f64::from(u32::try_from(s.soft).unwrap_or(u32::MAX)),
                    )?;
                    if let Some(read) = s.read_label() {
                        // A count like its neighbours: right-aligned, off the 提示 column.
                        let right = Format::new().set_align(FormatAlign::Right);
                        sheet.write_string_with_format(row, 11, &read, &right)?;
                    }
                }
                Err(e) => {
                    // Wrapped in its column, so that it prints within the page's width.
                    sheet.write_string_with_format(row, 12, fit(e), &wrapped)?;
                    sheet.set_row_height(row, line_height(e, ERROR_WIDTH))?;
                }
            }
            row += 1;
        }
        sheet.autofilter(0, 0, row.saturating_sub(1).max(1), 11)?;
        for (i, note) in notes.iter().enumerate() {
            let at = row + 1 + u32::try_from(i).unwrap_or(u32::MAX);
            if at > MAX_ROW {
                break;
            }
            // Across the columns from 来源 to 错误 (about 100 Chinese characters a line). Its
            // height is left alone: in constant-memory mode a height set on a merged row writes
            // the row twice, which Excel refuses.
            sheet.merge_range(at, 1, at, 12, &fit(note), &wrapped)?;
        }
        sheet.set_print_area(0, 0, row.saturating_sub(1).max(1) + notes_rows, 12)?;
        let (index, last) = self.indicators;
        let last_col = u16::try_from(self.columns.len() + 2).unwrap_or(u16::MAX);
        self.workbook.worksheet_from_index(index)?.autofilter(
            0,
            0,
            last.saturating_sub(1).max(1),
            last_col,
        )?;
        let (index, last) = self.findings;
        self.workbook.worksheet_from_index(index)?.autofilter(
            0,
            0,
            last.saturating_sub(1).max(1),
            6,
        )?;
        self.workbook.save_to_buffer()
    }
}

fn write_header(
    sheet: &mut Worksheet,
    headers: &[String],
    format: &Format,
) -> Result<(), XlsxError> {
    for (col, text) in headers.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, text, format)?;
    }
    sheet.set_row_height(0, 32)?;
    sheet.set_freeze_panes(1, 0)?;
    print_setup(sheet)
}

/// How a sheet prints: A4 landscape, as wide as one page (as many pages down as it takes), the
/// header row repeated on every page, the sheet's name above and the page number below.
fn print_setup(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    /// Excel's paper size code for A4.
    const A4: u8 = 9;
    sheet.set_landscape();
    sheet.set_paper_size(A4);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_header("&C&\"-,Bold\"绩效自评复核汇总: &A");
    sheet.set_footer("&C第 &P 页, 共 &N 页");
    Ok(())
}

fn collect_scores<'a>(nodes: &'a [ScoredIndicator], out: &mut Vec<(&'a str, Decimal)>) {
    for node in nodes {
        out.push((&node.id, node.score));
        collect_scores(&node.children, out);
    }
}

/// The width of the 错误 column, in Excel's character units.
const ERROR_WIDTH: u16 = 60;

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
fn fit(text: &str) -> std::borrow::Cow<'_, str> {
    let count = text.chars().count();
    if count <= CELL_CHARS {
        return std::borrow::Cow::Borrowed(text);
    }
    let note = format!("… (共 {count} 字, 截断)");
    let keep = CELL_CHARS - note.chars().count();
    std::borrow::Cow::Owned(text.chars().take(keep).collect::<String>() + &note)
}
