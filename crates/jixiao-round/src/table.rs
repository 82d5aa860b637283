//! A bureau's table file: a CSV (UTF-8, with or without a byte-order mark) or the first sheet of
//! an `.xlsx` workbook, read into rows of text cells under a header row.
//!
//! The header row is the first non-empty row (of the first [`HEADER_SEARCH`]) that holds a header
//! jixiao knows; rows above it (a title, `单位：元`) are skipped. Headers are matched by the
//! synonyms of `headers.toml` after spaces are removed and full-width brackets made half-width. An
//! amount column says its unit in its header (`全年预算数(万元)`, `全年预算数（元）`,
//! `全年预算数/元`): one that names none is an error, never a guess. A header jixiao does not know
//! is ignored and named in [`Table::notes`]; two headers meaning the same column are an error.
//! Empty rows are skipped; every row keeps where it is ([`RowRef`]) for messages.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::RoundError;

/// How many non-empty rows from the top are looked at for the header row.
pub const HEADER_SEARCH: usize = 10;

/// The largest file read, CSV or workbook: 64 MiB (a roster or a ledger of a whole province is
/// a few MiB).
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// The most cells a table may hold (as for the workbooks of reports:
/// `jixiao_ingest::document::MAX_GRID_CELLS`).
pub const MAX_CELLS: u64 = jixiao_ingest::document::MAX_GRID_CELLS;

/// A column jixiao knows, by what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// 单位编码.
    Code,
    /// 单位名称.
    Name,
    /// 主管部门.
    Supervisor,
    /// 评价类型 (部门整体支出 / 项目支出).
    Kind,
    /// 项目编码.
    ProjectCode,
    /// 项目名称.
    Project,
    /// 地区.
    Region,
    /// 年度.
    Year,
    /// 全年预算数 (an amount).
    FullYear,
    /// 全年执行数 (an amount).
    Spent,
    /// 三公经费 (an amount).
    ThreePublic,
    /// 编制数 (a count).
    Authorised,
}

impl Column {
    pub const ALL: [Column; 12] = [
        Column::Code,
        Column::Name,
        Column::Supervisor,
        Column::Kind,
        Column::ProjectCode,
        Column::Project,
        Column::Region,
        Column::Year,
        Column::FullYear,
        Column::Spent,
        Column::ThreePublic,
        Column::Authorised,
    ];

    /// The column's name in messages, e.g. 单位编码.
    pub fn label(self) -> &'static str {
        vocabulary()
            .columns
            .get(&self)
            .map_or("", |spec| spec.label.as_str())
    }

    /// What its cells hold.
    pub fn value(self) -> Value {
        vocabulary()
            .columns
            .get(&self)
            .map_or(Value::Text, |spec| spec.value)
    }
}

/// What the cells of a column hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Text,
    /// A figure in 万元 or 元, as the header says.
    Amount,
    /// A whole number.
    Count,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnSpec {
    label: String,
    synonyms: Vec<String>,
    value: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Kinds {
    department: Vec<String>,
    project: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ignored {
    headers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Totals {
    names: Vec<String>,
}

/// `headers.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vocabulary {
    columns: BTreeMap<Column, ColumnSpec>,
    kinds: Kinds,
    ignored: Ignored,
    totals: Totals,
}

const HEADERS: &str = include_str!("../headers.toml");

fn parse_vocabulary() -> Result<Vocabulary, String> {
    let vocabulary: Vocabulary = toml::from_str(HEADERS).map_err(|e| e.to_string())?;
    let mut seen = BTreeSet::new();
    for column in Column::ALL {
        let spec = vocabulary
            .columns
            .get(&column)
            .ok_or_else(|| format!("no [columns] entry for {column:?}"))?;
        for synonym in &spec.synonyms {
            if !seen.insert(normalize_header(synonym)) {
                return Err(format!("the header {synonym} is listed twice"));
            }
        }
    }
    for header in &vocabulary.ignored.headers {
        if !seen.insert(normalize_header(header)) {
            return Err(format!("the header {header} is listed twice"));
        }
    }
    Ok(vocabulary)
}

/// The header vocabulary, read once from `headers.toml` (compiled in, and checked by this
/// module's tests: every column has an entry, no header is listed twice).
fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        parse_vocabulary().unwrap_or_else(|why| panic!("headers.toml is broken: {why}"))
    })
}

/// The text with full-width ASCII forms (`Ａ`, `１`, `（`) made half-width and the ideographic
/// space a space.
pub fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// A code as compared: trimmed, full-width characters made half-width.
pub fn normalize_code(code: &str) -> String {
    half_width(code).trim().to_owned()
}

/// A name as compared: full-width characters (parentheses among them) made half-width, every
/// space removed.
pub fn normalize_name(name: &str) -> String {
    half_width(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A header as matched: as a name, with `【】` and `〔〕` made `()` too.
fn normalize_header(header: &str) -> String {
    normalize_name(header)
        .chars()
        .map(|c| match c {
            '【' | '〔' | '[' => '(',
            '】' | '〕' | ']' => ')',
            _ => c,
        })
        .collect()
}

/// A header split into its label and the unit it names: `全年预算数(万元)` → (`全年预算数`,
/// `万元`), `全年预算数/元` → (`全年预算数`, `元`), `单位：元` → as written. The unit may be
/// written `单位:万元` inside the brackets.
fn split_unit(header: &str) -> (String, Option<String>) {
    let unit = |u: &str| {
        let u = u.trim_start_matches("单位").trim_start_matches([':', '：']);
        u.to_owned()
    };
    if let Some(open) = header.rfind('(')
        && header.ends_with(')')
        && open > 0
    {
        let inner = &header[open + 1..header.len() - 1];
        return (header[..open].to_owned(), Some(unit(inner)));
    }
    if let Some(slash) = header.rfind('/')
        && slash > 0
        && slash + 1 < header.len()
    {
        return (header[..slash].to_owned(), Some(unit(&header[slash + 1..])));
    }
    (header.to_owned(), None)
}

/// The column a normalized label names, if any.
fn column_of(label: &str) -> Option<Column> {
    vocabulary().columns.iter().find_map(|(column, spec)| {
        spec.synonyms
            .iter()
            .any(|s| normalize_header(s) == label)
            .then_some(*column)
    })
}

fn is_ignored(label: &str) -> bool {
    vocabulary()
        .ignored
        .headers
        .iter()
        .any(|h| normalize_header(h) == label)
}

/// Whether a name is a total line's (合计, 总计, 小计).
pub fn is_total_line(name: &str) -> bool {
    let name = normalize_name(name);
    vocabulary().totals.names.contains(&name)
}

/// The evaluation kind a 评价类型 cell names, if any.
pub fn kind_of(text: &str) -> Option<jixiao_model::EvaluationKind> {
    use jixiao_model::EvaluationKind;
    let text = normalize_name(text);
    let kinds = &vocabulary().kinds;
    if kinds.department.contains(&text) || text == "department" {
        Some(EvaluationKind::Department)
    } else if kinds.project.contains(&text) || text == "project" {
        Some(EvaluationKind::Project)
    } else {
        None
    }
}

/// Where a row of a table is: the file (its name), the sheet of a workbook, the row number as
/// the officer sees it (the CSV's line, the sheet's row, from 1). Written `名单.csv:5` or
/// `名单.xlsx!Sheet1!A5`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowRef {
    pub file: String,
    pub sheet: Option<String>,
    pub row: u32,
}

impl RowRef {
    /// The row within its file in words: `第 5 行`, or `工作表 Sheet1 第 5 行`.
    pub fn line(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("工作表 {sheet} 第 {} 行", self.row),
            None => format!("第 {} 行", self.row),
        }
    }

    /// The row in words, with its file: `预算一体化导出.csv 第 5 行`.
    pub fn place(&self) -> String {
        format!("{} {}", self.file, self.line())
    }
}

impl fmt::Display for RowRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sheet {
            Some(sheet) => write!(f, "{}!{sheet}!A{}", self.file, self.row),
            None => write!(f, "{}:{}", self.file, self.row),
        }
    }
}

/// Where a cell is: its row and its column (0-based). Written `名单.csv:5 第 3 列` or
/// `名单.xlsx!Sheet1!C5`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRef {
    pub row: RowRef,
    pub column: u32,
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.row.sheet {
            Some(sheet) => write!(
                f,
                "{}!{sheet}!{}{}",
                self.row.file,
                jixiao_ingest::document::column_name(u64::from(self.column)),
                self.row.row
            ),
            None => write!(
                f,
                "{}:{} 第 {} 列",
                self.row.file,
                self.row.row,
                u64::from(self.column) + 1
            ),
        }
    }
}

/// One known column of a table's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub column: Column,
    /// The header as written.
    pub text: String,
    /// Where it is.
    pub at: CellRef,
    /// For an amount column: whether it is in 元 (else 万元).
    pub yuan: bool,
}

/// One data row: where it is and the text of its known columns (trimmed; empty cells absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub at: RowRef,
    cells: BTreeMap<Column, String>,
}

/// A table read from a file: its known headers, the headers it ignored, its data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The file's name, as messages name it.
    pub file: String,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    pub headers: Vec<Header>,
    /// Headers jixiao does not know, as written: ignored.
    pub unknown: Vec<String>,
    /// Every header as written, in order (for messages).
    pub found: Vec<String>,
    pub rows: Vec<Row>,
}

/// Rows as read: (row number from 1, cells by 0-based column).
type RawRows = Vec<(u32, Vec<(u32, String)>)>;

impl Table {
    /// Reads the table of a `.csv` or `.xlsx` file (by its extension; an unknown one by its
    /// first bytes).
    pub fn read(path: &Path) -> Result<Table, RoundError> {
        let file = file_name(path);
        let io = |e: std::io::Error| RoundError::Io {
            file: path.display().to_string(),
            reason: e.to_string(),
        };
        // Looked at before the file is read: a table of units is a few MiB at most.
        if std::fs::metadata(path).map_err(io)?.len() > MAX_FILE_BYTES {
            return Err(RoundError::TooLarge {
                file,
                what: format!("超过 {} MiB", MAX_FILE_BYTES >> 20),
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let zip = bytes.starts_with(b"PK\x03\x04");
        let compound = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
        let format_error = |found: &str| RoundError::Format {
            file: file.clone(),
            found: found.to_owned(),
        };
        let (sheet, rows) = match ext.as_deref() {
            Some("xlsx") if zip => read_xlsx(path, &file)?,
            Some("xls") | Some("et") => {
                return Err(format_error(
                    "这是旧版 Excel 工作簿 (.xls), 请在 Excel 或 WPS 中另存为 .xlsx 或 CSV UTF-8",
                ));
            }
            Some("xlsx") => return Err(format_error("扩展名是 .xlsx, 内容却不是 Excel 工作簿")),
            _ if zip => read_xlsx(path, &file)?,
            _ if compound => {
                return Err(format_error(
                    "这是旧版 Office 文件, 请在 Excel 或 WPS 中另存为 .xlsx 或 CSV UTF-8",
                ));
            }
            _ => (None, read_csv(bytes, &file)?),
        };
        Table::from_rows(file, sheet, rows)
    }

    fn from_rows(file: String, sheet: Option<String>, rows: RawRows) -> Result<Table, RoundError> {
        let row_ref = |row: u32| RowRef {
            file: file.clone(),
            sheet: sheet.clone(),
            row,
        };
        let mut non_empty = rows
            .into_iter()
            .filter(|(_, cells)| cells.iter().any(|(_, t)| !t.is_empty()));
        let mut looked = 0;
        let expected = || {
            [Column::Code, Column::Name, Column::FullYear]
                .map(Column::label)
                .join("、")
        };
        let (header_row, header_cells) = loop {
            let Some((row, cells)) = non_empty.next() else {
                return Err(if looked == 0 {
                    RoundError::Empty { file: file.clone() }
                } else {
                    RoundError::NoHeader {
                        file: file.clone(),
                        rows: looked,
                        expected: expected(),
                    }
                });
            };
            looked += 1;
            let knows = cells.iter().any(|(_, t)| {
                let (label, _) = split_unit(&normalize_header(t));
                column_of(&label).is_some() || column_of(&normalize_header(t)).is_some()
            });
            if knows {
                break (row, cells);
            }
            if looked >= HEADER_SEARCH {
                return Err(RoundError::NoHeader {
                    file: file.clone(),
                    rows: looked,
                    expected: expected(),
                });
            }
        };
        let mut headers: Vec<Header> = Vec::new();
        let mut unknown = Vec::new();
        let mut found = Vec::new();
        for (col, text) in &header_cells {
            if text.is_empty() {
                continue;
            }
            found.push(text.clone());
            let at = CellRef {
                row: row_ref(header_row),
                column: *col,
            };
            let normalized = normalize_header(text);
            let (label, unit) = split_unit(&normalized);
            let (column, unit) = match column_of(&normalized) {
                // A header that is a synonym as a whole (none has a unit in it).
                Some(column) => (column, None),
                None => match column_of(&label) {
                    Some(column) => (column, unit),
                    None => {
                        if !is_ignored(&normalized) && !is_ignored(&label) {
                            unknown.push(text.clone());
                        }
                        continue;
                    }
                },
            };
            if let Some(first) = headers.iter().find(|h| h.column == column) {
                return Err(RoundError::DuplicateHeader {
                    label: column.label().to_owned(),
                    first: Box::new(first.at.clone()),
                    first_text: first.text.clone(),
                    second: Box::new(at),
                    second_text: text.clone(),
                });
            }
            let yuan = match (column.value(), unit.as_deref()) {
                (Value::Amount, None) => {
                    return Err(RoundError::AmountUnit {
                        at: Box::new(at),
                        header: text.clone(),
                        label: column.label().to_owned(),
                    });
                }
                (Value::Amount, Some("万元")) => false,
                (Value::Amount, Some("元")) => true,
                (Value::Amount, Some(other)) => {
                    return Err(RoundError::BadUnit {
                        at: Box::new(at),
                        header: text.clone(),
                        unit: other.to_owned(),
                    });
                }
                // A text or count column's bracketed part (单位名称(全称), 编制数(人)) is
                // a remark.
                _ => false,
            };
            headers.push(Header {
                column,
                text: text.clone(),
                at,
                yuan,
            });
        }
        let mut data = Vec::new();
        for (row, cells) in non_empty {
            let mut known = BTreeMap::new();
            for (col, text) in cells {
                if let Some(h) = headers.iter().find(|h| h.at.column == col)
                    && !text.is_empty()
                {
                    known.insert(h.column, text);
                }
            }
            if !known.is_empty() {
                data.push(Row {
                    at: row_ref(row),
                    cells: known,
                });
            }
        }
        Ok(Table {
            file,
            sheet,
            headers,
            unknown,
            found,
            rows: data,
        })
    }

    /// Whether the table has the column.
    pub fn has(&self, column: Column) -> bool {
        self.headers.iter().any(|h| h.column == column)
    }

    /// An error unless the table has at least one of `columns`.
    pub fn require_any(&self, columns: &[Column]) -> Result<(), RoundError> {
        if columns.iter().any(|c| self.has(*c)) {
            return Ok(());
        }
        Err(RoundError::MissingColumn {
            file: self.file.clone(),
            wanted: columns
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join("”或“"),
            found: self.found_headers(),
        })
    }

    /// The headers found, as written, for messages: `序号、主管部门` or `(无)`.
    pub fn found_headers(&self) -> String {
        if self.found.is_empty() {
            "(无)".to_owned()
        } else {
            self.found.join("、")
        }
    }

    fn header(&self, column: Column) -> Option<&Header> {
        self.headers.iter().find(|h| h.column == column)
    }

    fn cell_ref(&self, row: &Row, column: Column) -> CellRef {
        CellRef {
            row: row.at.clone(),
            column: self.header(column).map_or(0, |h| h.at.column),
        }
    }

    /// The text of a row's cell, trimmed; `None` when empty or the table has no such column.
    pub fn text<'a>(&self, row: &'a Row, column: Column) -> Option<&'a str> {
        row.cells
            .get(&column)
            .map(|t| t.as_str())
            .filter(|t| !t.is_empty())
    }

    fn bad(&self, row: &Row, column: Column, expected: &str, found: &str) -> RoundError {
        RoundError::BadCell {
            at: Box::new(self.cell_ref(row, column)),
            column: self
                .header(column)
                .map_or_else(|| column.label().to_owned(), |h| h.text.clone()),
            expected: expected.to_owned(),
            found: found.to_owned(),
        }
    }

    /// A row's amount in 万元 (a 元 column's divided by 10 000, exactly); thousands separators
    /// and full-width digits allowed. `None` when the cell is empty.
    pub fn amount(&self, row: &Row, column: Column) -> Result<Option<Decimal>, RoundError> {
        let Some(text) = self.text(row, column) else {
            return Ok(None);
        };
        let yuan = self.header(column).is_some_and(|h| h.yuan);
        let expected = if yuan {
            "以元为单位的金额"
        } else {
            "以万元为单位的金额"
        };
        let value = jixiao_forms::number_from_text(text, false)
            .ok_or_else(|| self.bad(row, column, expected, text))?;
        if value.is_sign_negative() && !value.is_zero() {
            return Err(self.bad(row, column, "不小于 0 的金额", text));
        }
        let value = if yuan {
            value
                .checked_div(Decimal::from(10_000))
                .ok_or_else(|| self.bad(row, column, expected, text))?
        } else {
            value
        };
        // The bounds of every figure of a unit (jixiao_model's check): 0, or 10⁻⁶ to 10¹² 万元.
        if value > Decimal::from(1_000_000_000_000_i64)
            || (!value.is_zero() && value < Decimal::new(1, 6))
        {
            return Err(self.bad(
                row,
                column,
                "0 或 0.000001 至 10¹² 万元之间的金额 (0.01 元至 10¹⁶ 元)",
                text,
            ));
        }
        Ok(Some(value.normalize()))
    }

    /// A row's whole number (编制数, 年度). `None` when the cell is empty.
    pub fn count(&self, row: &Row, column: Column) -> Result<Option<u32>, RoundError> {
        let Some(text) = self.text(row, column) else {
            return Ok(None);
        };
        let expected = "不小于 0 的整数";
        let value = jixiao_forms::number_from_text(text, false)
            .filter(|v| v.fract().is_zero() && !v.is_sign_negative())
            .and_then(|v| rust_decimal::prelude::ToPrimitive::to_u32(&v))
            .ok_or_else(|| self.bad(row, column, expected, text))?;
        Ok(Some(value))
    }

    /// A row's 年度, if the table has one.
    pub fn year(&self, row: &Row) -> Result<Option<u16>, RoundError> {
        match self.count(row, Column::Year)? {
            None => Ok(None),
            Some(year) => match u16::try_from(year) {
                Ok(y) if (1900..=2999).contains(&y) => Ok(Some(y)),
                _ => Err(self.bad(
                    row,
                    Column::Year,
                    "四位数的年度",
                    self.text(row, Column::Year).unwrap_or_default(),
                )),
            },
        }
    }

    /// A row's 评价类型, if given.
    pub fn kind(&self, row: &Row) -> Result<Option<jixiao_model::EvaluationKind>, RoundError> {
        match self.text(row, Column::Kind) {
            None => Ok(None),
            Some(text) => kind_of(text)
                .map(Some)
                .ok_or_else(|| self.bad(row, Column::Kind, "“部门整体支出”或“项目支出”", text)),
        }
    }

    /// What a person should know of how the file was read: the headers ignored.
    pub fn notes(&self) -> Vec<String> {
        if self.unknown.is_empty() {
            Vec::new()
        } else {
            vec![format!(
                "{}: 未识别的列已忽略: {}",
                self.file,
                self.unknown.join("、")
            )]
        }
    }
}

/// The file's name for messages (its last component), or the path as given.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn read_csv(bytes: Vec<u8>, file: &str) -> Result<RawRows, RoundError> {
    let text = jixiao_model::encoding::utf8(bytes).map_err(|e| RoundError::NotUtf8 {
        file: file.to_owned(),
        line: e.line,
        gbk: e.gbk,
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut cells_read: u64 = 0;
    for record in reader.records() {
        let record = record.map_err(|e| RoundError::Csv {
            file: file.to_owned(),
            reason: match e.position() {
                Some(p) => format!("第 {} 行: {e}", p.line()),
                None => e.to_string(),
            },
        })?;
        cells_read = cells_read.saturating_add(record.len() as u64);
        if cells_read > MAX_CELLS {
            return Err(RoundError::TooLarge {
                file: file.to_owned(),
                what: format!("超过 {MAX_CELLS} 个单元格"),
            });
        }
        // The line from the record's byte offset: csv's own line count leaves out empty lines.
        let line = record.position().map_or(0, |p| {
            let start = usize::try_from(p.byte()).unwrap_or(usize::MAX);
            let bytes = text.as_bytes();
            let before = bytes.get(..start).unwrap_or(bytes);
            // The offset is where the reader started, before the empty lines it skipped.
            let skipped = bytes
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .filter(|&&b| b == b'\n')
                .count();
            let newlines = newlines_in(before).saturating_add(skipped);
            u32::try_from(newlines.saturating_add(1)).unwrap_or(u32::MAX)
        });
        let cells = record
            .iter()
            .enumerate()
            .map(|(i, t)| (u32::try_from(i).unwrap_or(u32::MAX), t.trim().to_owned()))
            .collect();
        rows.push((line, cells));
    }
    // Quotes come in pairs in a CSV (a field's two, or "" for one inside it): an odd count is a
    // quote left open, which the reader takes as a field running to the end of the file.
    if text.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
        let line = open_quote_line(text);
        return Err(RoundError::Csv {
            file: file.to_owned(),
            reason: format!("第 {line} 行的引号没有配对, 其后的内容会被当作一个单元格"),
        });
    }
    Ok(rows)
}

/// The line of the quote left open: the quote that starts a field and is not closed.
fn open_quote_line(text: &str) -> usize {
    let mut line = 1;
    let mut open_at = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '"' if open_at.is_some() => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    open_at = None;
                }
            }
            '"' => open_at = Some(line),
            _ => {}
        }
    }
    open_at.unwrap_or(line)
}

/// The line feeds in `bytes`.
fn newlines_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// How a workbook's cell reads as text: a number as its shortest decimal (`430203001`, never
/// `430203001.0`).
fn cell_text(data: &calamine::Data) -> String {
    match data {
        calamine::Data::Float(f) => {
            jixiao_forms::decimal_from_f64(*f).map_or_else(|| f.to_string(), |d| d.to_string())
        }
        other => other.to_string(),
    }
    .trim()
    .to_owned()
}

fn read_xlsx(path: &Path, file: &str) -> Result<(Option<String>, RawRows), RoundError> {
    let damaged = |reason: String| RoundError::Workbook {
        file: file.to_owned(),
        reason,
    };
    jixiao_ingest::document::calamine_guard(|| read_xlsx_unguarded(path, file), damaged)
}

fn read_xlsx_unguarded(path: &Path, file: &str) -> Result<(Option<String>, RawRows), RoundError> {
    use calamine::Reader as _;
    let cannot = |reason: String| RoundError::Workbook {
        file: file.to_owned(),
        reason,
    };
    let handle = std::fs::File::open(path).map_err(|e| RoundError::Io {
        file: path.display().to_string(),
        reason: e.to_string(),
    })?;
    jixiao_ingest::archive::check(std::io::BufReader::new(handle))
        .map_err(|e| cannot(e.to_string()))?;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(path).map_err(|e: calamine::XlsxError| cannot(e.to_string()))?;
    let Some(sheet) = book.sheet_names().into_iter().next() else {
        return Err(cannot("工作簿中没有工作表".to_owned()));
    };
    let cells = jixiao_ingest::document::xlsx_cells(&mut book, &sheet)
        .map_err(|e| cannot(format!("工作表 {sheet}: {e}")))?;
    if cells.len() as u64 > MAX_CELLS {
        return Err(RoundError::TooLarge {
            file: file.to_owned(),
            what: format!("工作表 {sheet} 超过 {MAX_CELLS} 个单元格"),
        });
    }
    let mut rows: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    for ((r, c), data) in &cells {
        rows.entry(r.saturating_add(1))
            .or_default()
            .push((*c, cell_text(data)));
    }
    Ok((Some(sheet), rows.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_covers_every_column_and_lists_no_header_twice() {
        parse_vocabulary().unwrap();
        for column in Column::ALL {
            assert!(!column.label().is_empty(), "{column:?}");
            assert_eq!(column_of(&normalize_header(column.label())), Some(column));
        }
    }

    #[test]
    fn headers_are_split_from_their_unit() {
        let split = |h: &str| split_unit(&normalize_header(h));
        assert_eq!(
            split("全年预算数(万元)"),
            ("全年预算数".into(), Some("万元".into()))
        );
        assert_eq!(
            split("全年预算数（元）"),
            ("全年预算数".into(), Some("元".into()))
        );
        assert_eq!(
            split("全年预算数/元"),
            ("全年预算数".into(), Some("元".into()))
        );
        assert_eq!(
            split("全年预算数【单位：元】"),
            ("全年预算数".into(), Some("元".into()))
        );
        assert_eq!(split(" 全年 预算数 "), ("全年预算数".into(), None));
    }

    #[test]
    fn names_and_codes_are_normalized() {
        assert_eq!(
            normalize_name(" 株洲市　芦淞区（科协） "),
            "株洲市芦淞区(科协)"
        );
        assert_eq!(normalize_code(" ４３０２０３Ａ "), "430203A");
    }
}
