//! What the grids of a document say: the indicator grid (绩效指标), the funds block, 年度主要任务,
//! the 基础数据表 and budget tables, and labelled cells (主管部门 | 某县水务局), read into figures
//! of the unit model, each with the cell it came from.
//!
//! A table is read as **blocks**: a header row (two or more cells naming known columns) and the
//! rows under it. What a column, a row or a label means is data, in `tables.toml`
//! ([`TableVocabulary`]); this module only knows the shapes. A cell that cannot be read for sure
//! (a `/`, a `—`, a figure with a money unit the table does not state, a rate of `1`) gives no
//! figure: it is never guessed.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use jixiao_model::FieldPath;
use regex::Regex;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::document::{Document, Grid};
use crate::text::half_width;

/// The built-in table vocabulary, `tables.toml` beside the crate's manifest.
pub const BUILTIN: &str = include_str!("../tables.toml");

/// Columns of the indicator grid, by role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorColumns {
    pub level1: Vec<String>,
    pub level2: Vec<String>,
    pub name: Vec<String>,
    pub direction: Vec<String>,
    pub target: Vec<String>,
    pub unit: Vec<String>,
    pub actual: Vec<String>,
    pub points: Vec<String>,
    pub self_score: Vec<String>,
    pub explanation: Vec<String>,
    pub ignored: Vec<String>,
    pub total_rows: Vec<String>,
    pub grades: Vec<String>,
}

/// Columns of the 年度主要任务 list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskColumns {
    pub name: Vec<String>,
    pub content: Vec<String>,
    pub budget: Vec<String>,
    pub spent: Vec<String>,
}

/// How a cell's text becomes a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Money, in 万元 (converted from 元 or 亿元 as the cell or its table says).
    Amount,
    /// A rate in percent as written (`97.00%` → 97.00; `0.9892` → 98.92).
    Rate,
    /// Points.
    Score,
    /// A whole number of people.
    Count,
    /// Text as written.
    Text,
    /// A unit's or project's name; a project code fused before it (`5100…951-工资性支出`) is split off.
    Name,
    /// A code of digits and letters.
    Code,
    /// A date, written `2022年8月10日` or `2022-08-10`.
    Date,
    /// A grade word (优, 良好...).
    Grade,
    /// A budget year: `2022年`, `2022年度`, `2022`.
    Year,
}

/// A figure at the crossing of a row and a column of a block.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellRule {
    pub field: String,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    #[serde(default)]
    pub blocks: Vec<String>,
    pub kind: Kind,
}

/// A figure to the right of (or below, or after) its label.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelRule {
    pub field: String,
    pub labels: Vec<String>,
    pub kind: Kind,
    /// The kind of evaluation the label shows (`项目名称` → project), when it shows one.
    #[serde(default)]
    pub evaluation: Option<String>,
}

/// What the tables of reports are called: columns, rows and labels (see `tables.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableVocabulary {
    pub indicator: IndicatorColumns,
    pub task: TaskColumns,
    #[serde(rename = "cell", default)]
    pub cells: Vec<CellRule>,
    #[serde(rename = "label", default)]
    pub labels: Vec<LabelRule>,
}

impl TableVocabulary {
    /// The vocabulary of a `tables.toml` table (the built-in one merged with a bureau's
    /// `[tables]`), its labels normalised; an unknown key is refused with its path.
    pub fn from_table(table: &toml::Table) -> Result<TableVocabulary, (String, String)> {
        let mut v: TableVocabulary =
            serde_path_to_error::deserialize(toml::Value::Table(table.clone()))
                .map_err(|e| (e.path().to_string(), e.into_inner().to_string()))?;
        for rule in &v.cells {
            FieldPath::parse(&rule.field)
                .map_err(|e| ("cell.field".to_owned(), format!("{}: {e}", rule.field)))?;
        }
        for rule in &v.labels {
            FieldPath::parse(&rule.field)
                .map_err(|e| ("label.field".to_owned(), format!("{}: {e}", rule.field)))?;
        }
        v.normalise();
        Ok(v)
    }

    /// Normalises every label once, as cells are normalised before they are compared.
    fn normalise(&mut self) {
        let all = |v: &mut Vec<String>| {
            for s in v.iter_mut() {
                *s = label(s, None).text;
            }
        };
        let i = &mut self.indicator;
        for v in [
            &mut i.level1,
            &mut i.level2,
            &mut i.name,
            &mut i.direction,
            &mut i.target,
            &mut i.unit,
            &mut i.actual,
            &mut i.points,
            &mut i.self_score,
            &mut i.explanation,
            &mut i.ignored,
            &mut i.total_rows,
        ] {
            all(v);
        }
        let t = &mut self.task;
        for v in [&mut t.name, &mut t.content, &mut t.budget, &mut t.spent] {
            all(v);
        }
        for r in &mut self.cells {
            for s in r.rows.iter_mut().filter(|s| *s != "*") {
                *s = label(s, None).text;
            }
            all(&mut r.columns);
            all(&mut r.blocks);
        }
        for r in &mut self.labels {
            for s in &mut r.labels {
                *s = s
                    .split('/')
                    .map(|part| label(part, None).text)
                    .collect::<Vec<_>>()
                    .join("/");
            }
        }
    }

    fn role(&self, header: &str) -> Option<Role> {
        let i = &self.indicator;
        let has = |v: &[String]| v.iter().any(|s| s == header);
        if has(&i.ignored) {
            return Some(Role::Ignored);
        }
        [
            (&i.level1, Role::Level1),
            (&i.level2, Role::Level2),
            (&i.name, Role::Name),
            (&i.direction, Role::Direction),
            (&i.target, Role::Target),
            (&i.unit, Role::Unit),
            (&i.actual, Role::Actual),
            (&i.points, Role::Points),
            (&i.self_score, Role::SelfScore),
            (&i.explanation, Role::Explanation),
        ]
        .into_iter()
        .find(|(v, _)| has(v))
        .map(|(_, r)| r)
    }

    fn task_role(&self, header: &str) -> Option<TaskRole> {
        let t = &self.task;
        let has = |v: &[String]| v.iter().any(|s| s == header);
        [
            (&t.name, TaskRole::Name),
            (&t.content, TaskRole::Content),
            (&t.budget, TaskRole::Budget),
            (&t.spent, TaskRole::Spent),
        ]
        .into_iter()
        .find(|(v, _)| has(v))
        .map(|(_, r)| r)
    }

    /// Whether `header` names a column of any table this vocabulary knows.
    fn is_column(&self, header: &str) -> bool {
        !header.is_empty()
            && (self.role(header).is_some_and(|r| r != Role::Ignored)
                || self.task_role(header).is_some()
                || self
                    .cells
                    .iter()
                    .any(|r| r.columns.iter().any(|c| c == header)))
    }

    fn label_rule(&self, key: &str) -> Option<&LabelRule> {
        self.labels
            .iter()
            .find(|r| r.labels.iter().any(|l| l == key))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Level1,
    Level2,
    Name,
    Direction,
    Target,
    Unit,
    Actual,
    Points,
    SelfScore,
    Explanation,
    Ignored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TaskRole {
    Name,
    Content,
    Budget,
    Spent,
}

/// A value read from a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Decimal(Decimal),
    Count(u32),
    Text(String),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Decimal(d) => write!(f, "{}", d.normalize()),
            Value::Count(n) => write!(f, "{n}"),
            Value::Text(t) => write!(f, "{t}"),
        }
    }
}

/// Where in a table a figure was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellSource {
    /// The table: `表2`, or a sheet's name.
    pub table: String,
    /// The cell: `表2 第5行第3列`, or `自评表!C7`.
    pub place: String,
    /// The column header or label that says what the cell is (`全年执行数`, `主管部门`).
    pub header: String,
    /// The cell's text as written.
    pub text: String,
    /// How the text became the value (`元 ÷ 10000`, `0.9892 即 98.92 %`).
    pub note: Option<String>,
}

impl std::fmt::Display for CellSource {
    /// `表1 第3行第5列「全年执行数」: 「85.33」 (note)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}「{}」: 「{}」", self.place, self.header, self.text)?;
        if let Some(note) = &self.note {
            write!(f, " ({note})")?;
        }
        Ok(())
    }
}

/// One figure of the unit read from a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub field: FieldPath,
    pub value: Value,
    pub source: CellSource,
}

/// A cell that names a figure but could not be read for sure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub field: FieldPath,
    pub source: CellSource,
    pub why: String,
}

/// Everything read from a document's tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableRead {
    /// Figures in reading order; the same field may appear more than once (a table and another).
    pub figures: Vec<Figure>,
    pub unread: Vec<Unread>,
    /// How many indicator rows were read.
    pub indicators: usize,
    /// How many 年度主要任务 rows were read.
    pub tasks: usize,
    /// The points of the 总分 row (分值 column), where a grid has one: what the rows' points
    /// and the funds block's must add up to.
    pub total_points: Vec<(Decimal, CellSource)>,
}

/// A normalised label, and the money unit a parenthesis in it named.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Label {
    text: String,
    money: Option<Money>,
}

static ORDINAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:其中[:：]?|[0-9]+[、.．]|[(（][一二三四五六七八九十0-9]+[)）]|[一二三四五六七八九十]+、)")
        .expect("regex")
});
static TRAILING_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[(（]([^()（）]*)[)）]$").expect("regex"));
static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(20\d{2})年(?:度)?").expect("regex"));
static MONEY_STATEMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:金额)?单位[:：]?\s*(万元|元)|[(（]\s*(万元|元)\s*[)）]").expect("regex")
});

/// Normalises a label cell: half-width, no spaces, no trailing parenthesis (a money unit in it
/// is kept), no leading ordinal or 其中, no trailing colon, a year made 本年 / 上年.
fn label(text: &str, year: Option<u16>) -> Label {
    let mut s: String = text
        .chars()
        .map(half_width)
        .map(|c| match c {
            '，' => ',',
            '（' => '(',
            '）' => ')',
            '：' => ':',
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut money = None;
    while let Some(m) = TRAILING_PAREN.captures(&s) {
        let inner = m.get(1).map_or("", |g| g.as_str());
        // Keep a parenthesis that is part of the name (因公出国(境)), drop units and weights.
        if inner == "境" {
            break;
        }
        money = money.or(match inner {
            "万元" => Some(Money::Wan),
            "元" => Some(Money::Yuan),
            _ => None,
        });
        let start = m.get(0).map_or(s.len(), |g| g.start());
        s.truncate(start);
    }
    let s = ORDINAL.replace(&s, "").into_owned();
    let mut s = s.trim_end_matches(':').to_owned();
    if let Some(year) = year {
        s = YEAR
            .replace_all(&s, |c: &regex::Captures<'_>| {
                match c[1].parse::<u16>().ok() {
                    Some(y) if y == year => "本年".to_owned(),
                    Some(y) if y + 1 == year => "上年".to_owned(),
                    _ => c[0].to_owned(),
                }
            })
            .into_owned();
    }
    Label { text: s, money }
}

/// The money unit of a table's amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Money {
    Wan,
    Yuan,
}

/// A number as written in a cell: half-width, thousands separators (also full-width) dropped.
/// `None` unless the whole text is the number.
fn number(text: &str) -> Option<Decimal> {
    let s: String = text
        .chars()
        .map(half_width)
        .map(|c| if c == '，' { ',' } else { c })
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() || s.len() > 40 {
        return None;
    }
    let digits: String = if s.contains(',') {
        // Only thousands separators: groups of three before the point.
        let whole = s.split('.').next().unwrap_or("");
        let mut groups = whole.trim_start_matches('-').split(',');
        let first = groups.next().unwrap_or("");
        if !(1..=3).contains(&first.len()) || !groups.all(|g| g.len() == 3) {
            return None;
        }
        s.replace(',', "")
    } else {
        s
    };
    if !digits
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && c == '-'))
    {
        return None;
    }
    let integer_digits = digits.split('.').next().map_or(0, str::len);
    if integer_digits > 13 {
        return None; // a code, not a figure
    }
    Decimal::from_str_exact(&digits).ok()
}

/// A cell that says "nothing here": empty, `/`, `—`, `-`, `无`.
fn blank(text: &str) -> bool {
    let t = text.trim();
    t.is_empty()
        || matches!(
            t,
            "/" | "／" | "—" | "——" | "-" | "－" | "无" | "—/—" | "--"
        )
}

/// Reads a measured value: `≥1万人次` → (≥, 1, 万人次); `不少于12期`; `=0起`; `100%`.
struct Measured {
    direction: Option<&'static str>,
    number: Decimal,
    unit: Option<String>,
}

static MEASURED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(≥|≤|=|>=|<=|≧|≦|＞|>|<|不少于|不低于|不超过|不高于|大于等于|小于等于|大于|小于|达到)?(-?\d+(?:\.\d+)?)([^\d.]{0,8}?)(以上|以内|以下|及以上|及以下)?$",
    )
    .expect("regex")
});

fn measured(text: &str) -> Option<Measured> {
    let s: String = text
        .chars()
        .map(half_width)
        .map(|c| if c == '，' { ',' } else { c })
        .filter(|c| !c.is_whitespace())
        .collect();
    // thousands separators inside the number
    let s = strip_thousands(&s);
    let c = MEASURED.captures(&s)?;
    let sign = c.get(1).map(|m| m.as_str());
    let tail = c.get(4).map(|m| m.as_str());
    let direction = match (sign, tail) {
        (Some("≥" | ">=" | "≧" | "不少于" | "不低于" | "大于等于"), _) => Some(">="),
        (Some("≤" | "<=" | "≦" | "不超过" | "不高于" | "小于等于"), _) => Some("<="),
        (Some("="), _) => Some("="),
        (Some(">" | "＞" | "<" | "大于" | "小于" | "达到"), _) => return None, // strict or vague: not a direction the model has
        (None, Some("以上" | "及以上")) => Some(">="),
        (None, Some("以内" | "以下" | "及以下")) => Some("<="),
        _ => None,
    };
    let number = Decimal::from_str_exact(&c[2]).ok()?;
    let unit = c
        .get(3)
        .map(|m| m.as_str().trim())
        .filter(|u| !u.is_empty());
    if let Some(u) = unit
        && (u.contains(['(', ')', '/']) && !u.contains("元/") && !u.contains("/人")
            || u.contains(['年', '月', '日']) && !u.contains("年一遇"))
    {
        return None; // a date or a phrase, not a unit
    }
    Some(Measured {
        direction,
        number,
        unit: unit.map(str::to_owned),
    })
}

fn strip_thousands(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if !crate::text::thousands_comma(&chars, i) {
            out.push(c);
        }
    }
    out
}

/// Reads the figures of every table of `doc`; `year` (from the title, when known) turns
/// `2018年预算数` into 本年预算数.
pub fn read(doc: &Document, vocab: &TableVocabulary, year: Option<u16>) -> TableRead {
    let mut out = TableRead::default();
    let year = year.or_else(|| header_year(doc, &mut out));
    // The cover lines of a Word report (before its first table): 评价年度：2022年, 填报日期：…
    let cover = doc.table_after.first().copied().unwrap_or(0).min(20);
    for (i, text) in doc.paragraphs.iter().take(cover).enumerate() {
        if text.trim().is_empty() || text.chars().count() > 120 {
            continue;
        }
        let grid = Grid::paragraph(i + 1, text);
        let mut reader = GridReader {
            grid: &grid,
            vocab,
            year,
            money: None,
            out: &mut out,
        };
        reader.title(0);
        reader.labels(0);
    }
    for (t, grid) in doc.tables.iter().enumerate() {
        let before = doc.table_after.get(t).copied().unwrap_or(0);
        let money = doc.paragraphs[..before.min(doc.paragraphs.len())]
            .iter()
            .rev()
            .filter(|p| !p.trim().is_empty())
            .take(2)
            .find_map(|p| money_statement(p));
        let mut reader = GridReader {
            grid,
            vocab,
            year,
            money,
            out: &mut out,
        };
        reader.read();
    }
    out
}

/// The budget year when only column headers say it (`2017年决算数 | 2018年预算数 | 2018年决算数`):
/// the latest year of a 预算数 or 决算数 header, given only when the headers name that year and at
/// most the year before.
fn header_year(doc: &Document, out: &mut TableRead) -> Option<u16> {
    static HEADER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(20\d{2})年(?:度)?(?:预算数|决算数|实际在职人数|年初预算|预算)$")
            .expect("regex")
    });
    let mut years: Vec<(u16, usize, usize, usize)> = Vec::new();
    for (t, grid) in doc.tables.iter().enumerate() {
        for (r, row) in grid.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let text: String = cell.text.chars().filter(|c| !c.is_whitespace()).collect();
                if let Some(m) = HEADER.captures(&text)
                    && let Ok(y) = m[1].parse::<u16>()
                {
                    years.push((y, t, r, c));
                }
            }
        }
    }
    let latest = years.iter().map(|y| y.0).max()?;
    if years.iter().any(|y| y.0 + 1 < latest) {
        return None;
    }
    let &(_, t, r, c) = years.iter().find(|y| y.0 == latest)?;
    let grid = &doc.tables[t];
    out.figures.push(Figure {
        field: FieldPath::new("unit").key("year"),
        value: Value::Count(u32::from(latest)),
        source: CellSource {
            table: grid.name(),
            place: grid.place(r, c),
            header: "表头中的年度".into(),
            text: grid.rows[r][c].text.clone(),
            note: Some("年度只见于表头".into()),
        },
    });
    Some(latest)
}

fn money_statement(text: &str) -> Option<Money> {
    let norm: String = text.chars().map(half_width).collect();
    let c = MONEY_STATEMENT.captures(&norm)?;
    let unit = c.get(1).or_else(|| c.get(2))?.as_str();
    Some(if unit == "元" {
        Money::Yuan
    } else {
        Money::Wan
    })
}

struct GridReader<'a> {
    grid: &'a Grid,
    vocab: &'a TableVocabulary,
    year: Option<u16>,
    /// The money unit stated for what follows (a paragraph before the table, a 单位 row).
    money: Option<Money>,
    out: &'a mut TableRead,
}

/// The distinct cells of a row, left to right: (first column, text).
fn distinct(row: &[crate::document::Cell]) -> Vec<(usize, &str)> {
    let mut v = Vec::new();
    let mut last = None;
    for (c, cell) in row.iter().enumerate() {
        if last == Some(cell.anchor) {
            continue;
        }
        last = Some(cell.anchor);
        v.push((c, cell.text.as_str()));
    }
    v
}

enum Block {
    Indicators(BTreeMap<usize, Role>),
    Tasks(BTreeMap<usize, TaskRole>),
    Matrix,
}

impl GridReader<'_> {
    fn norm(&self, text: &str) -> Label {
        label(text, self.year)
    }

    fn source(&self, row: usize, col: usize, header: &str, note: Option<String>) -> CellSource {
        CellSource {
            table: self.grid.name(),
            place: self.grid.place(row, col),
            header: header.to_owned(),
            text: self
                .grid
                .cell(row, col)
                .map(|c| c.text.clone())
                .unwrap_or_default(),
            note,
        }
    }

    fn push(&mut self, field: FieldPath, value: Value, source: CellSource) {
        self.out.figures.push(Figure {
            field,
            value,
            source,
        });
    }

    fn unread(&mut self, field: FieldPath, source: CellSource, why: impl Into<String>) {
        self.out.unread.push(Unread {
            field,
            source,
            why: why.into(),
        });
    }

    fn read(&mut self) {
        let rows = &self.grid.rows;
        let mut r = 0;
        while r < rows.len() {
            self.statement(r);
            self.title(r);
            if let Some(block) = self.header(r) {
                let end = match block {
                    Block::Indicators(cols) => self.indicators(r, &cols),
                    Block::Tasks(cols) => self.tasks(r, &cols),
                    Block::Matrix => self.matrix(r),
                };
                r = end;
                continue;
            }
            self.labels(r);
            r += 1;
        }
    }

    /// A title row (one cell across the table: `2024年度部门整体支出绩效自评表`, `（2021年度）`):
    /// the year and the kind of evaluation.
    fn title(&mut self, r: usize) {
        static TITLE_YEAR: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"(20\d{2})\s*年度").expect("regex"));
        let cells = distinct(&self.grid.rows[r]);
        let texts: Vec<&str> = cells
            .iter()
            .map(|(_, t)| *t)
            .filter(|t| !t.trim().is_empty())
            .collect();
        let [text] = texts.as_slice() else { return };
        let norm: String = text
            .chars()
            .map(half_width)
            .filter(|c| !c.is_whitespace())
            .collect();
        let is_title = norm.contains("绩效") && (norm.contains("自评") || norm.contains("评价"))
            || norm.trim_matches(['(', ')', '（', '）']).ends_with("年度") && norm.len() < 20;
        if !is_title || norm.chars().count() > 60 {
            return;
        }
        let col = cells
            .iter()
            .find(|(_, t)| !t.trim().is_empty())
            .map_or(0, |(c, _)| *c);
        if let Some(c) = TITLE_YEAR.captures(&norm)
            && let Ok(year) = c[1].parse::<u32>()
        {
            let s = self.source(r, col, "表题", None);
            self.push(FieldPath::new("unit").key("year"), Value::Count(year), s);
        }
        let kind = if norm.contains("整体") {
            Some("department")
        } else if ["项目", "专项", "转移支付"]
            .iter()
            .any(|k| norm.contains(k))
        {
            Some("project")
        } else {
            None
        };
        if let Some(kind) = kind {
            let s = self.source(r, col, "表题", None);
            self.push(
                FieldPath::new("unit").key("kind"),
                Value::Text(kind.into()),
                s,
            );
        }
    }

    /// A row stating the money unit (`单位：元`, `金额单位 | 元`) sets it for what follows.
    fn statement(&mut self, r: usize) {
        let cells = distinct(&self.grid.rows[r]);
        for (i, (_, text)) in cells.iter().enumerate() {
            let norm = self.norm(text).text;
            if norm == "金额单位" || norm == "单位" {
                if let Some((_, next)) = cells.get(i + 1) {
                    match next.trim() {
                        "元" => self.money = Some(Money::Yuan),
                        "万元" => self.money = Some(Money::Wan),
                        _ => {}
                    }
                }
            } else if text.chars().count() < 40
                && let Some(m) = money_statement(text)
                && (text.contains("单位") || cells.len() == 1)
            {
                self.money = Some(m);
            }
        }
    }

    /// The block a header row starts, if row `r` is one.
    fn header(&self, r: usize) -> Option<Block> {
        let cells = distinct(&self.grid.rows[r]);
        let heads: Vec<(usize, String)> =
            cells.iter().map(|(c, t)| (*c, self.norm(t).text)).collect();
        let known = heads
            .iter()
            .filter(|(_, h)| self.vocab.is_column(h))
            .count();
        if known < 2 {
            return None;
        }
        let mut roles = BTreeMap::new();
        for (c, h) in &heads {
            if let Some(role) = self.vocab.role(h) {
                // A merged header answers for the first column it covers.
                roles.entry(*c).or_insert(role);
            }
        }
        let has = |role: Role| roles.values().any(|r| *r == role);
        if has(Role::Name) && (has(Role::Target) || has(Role::Points) || has(Role::SelfScore)) {
            return Some(Block::Indicators(roles));
        }
        let mut tasks = BTreeMap::new();
        for (c, h) in &heads {
            if let Some(role) = self.vocab.task_role(h) {
                tasks.entry(*c).or_insert(role);
            }
        }
        if tasks.values().any(|r| *r == TaskRole::Name) {
            return Some(Block::Tasks(tasks));
        }
        Some(Block::Matrix)
    }

    /// The money unit of a value in column `col` under header row `head`: the cell's own suffix
    /// is handled by [`amount`]; here the column header, the block's label, the statement above.
    fn money_for(&self, head: usize, col: usize) -> (Option<Money>, &'static str) {
        let header = self.grid.cell(head, col).map(|c| self.norm(&c.text));
        if let Some(m) = header.and_then(|h| h.money) {
            return (Some(m), "列标题");
        }
        let block = self.grid.cell(head, 0).map(|c| self.norm(&c.text));
        if let Some(m) = block.and_then(|b| b.money) {
            return (Some(m), "表头");
        }
        (self.money, "表题")
    }

    /// An amount in 万元 from a cell, with the note of its conversion.
    fn amount(
        &self,
        head: usize,
        col: usize,
        text: &str,
    ) -> Result<Option<(Decimal, Option<String>)>, String> {
        if blank(text) {
            return Ok(None);
        }
        let norm: String = text
            .chars()
            .map(half_width)
            .filter(|c| !c.is_whitespace())
            .collect();
        let (digits, own) = if let Some(d) = norm.strip_suffix("万元") {
            (d.to_owned(), Some(Money::Wan))
        } else if let Some(d) = norm.strip_suffix("亿元") {
            let n = number(d).ok_or_else(|| format!("「{text}」不是金额"))?;
            return Ok(Some((
                n * Decimal::from(10000),
                Some("亿元 × 10000".into()),
            )));
        } else if let Some(d) = norm.strip_suffix('元') {
            (d.to_owned(), Some(Money::Yuan))
        } else {
            (norm.clone(), None)
        };
        let n = number(&digits).ok_or_else(|| format!("「{text}」不是金额"))?;
        let (money, said) = match own {
            Some(m) => (Some(m), "单元格"),
            None => self.money_for(head, col),
        };
        Ok(Some(match money {
            Some(Money::Yuan) => (
                n / Decimal::from(10000),
                Some(format!("元 ÷ 10000 ({said}注明单位为元)")),
            ),
            Some(Money::Wan) => (n, None),
            None => (n, Some("表中未注明金额单位, 按自评表惯例以万元计".into())),
        }))
    }

    fn value(
        &self,
        kind: Kind,
        head: usize,
        col: usize,
        text: &str,
    ) -> Result<Option<(Value, Option<String>)>, String> {
        if blank(text) {
            return Ok(None);
        }
        let t = text.trim();
        Ok(match kind {
            Kind::Amount => self
                .amount(head, col, t)?
                .map(|(d, note)| (Value::Decimal(d), note)),
            Kind::Score => {
                let n =
                    number(t.trim_end_matches('分')).ok_or_else(|| format!("「{t}」不是分数"))?;
                Some((Value::Decimal(n), None))
            }
            Kind::Rate => {
                let norm: String = t
                    .chars()
                    .map(half_width)
                    .filter(|c| !c.is_whitespace())
                    .collect();
                if let Some(p) = norm.strip_suffix('%') {
                    let n = number(p).ok_or_else(|| format!("「{t}」不是比率"))?;
                    Some((Value::Decimal(n), None))
                } else {
                    let n = number(&norm).ok_or_else(|| format!("「{t}」不是比率"))?;
                    if norm.contains('.') && n < Decimal::new(15, 1) {
                        let pct = n * Decimal::from(100);
                        Some((
                            Value::Decimal(pct),
                            Some(format!("{norm} 即 {} %", pct.normalize())),
                        ))
                    } else if n > Decimal::ONE {
                        Some((Value::Decimal(n), Some("未写 %, 按百分数计".into())))
                    } else {
                        return Err(format!("「{t}」: 是比例还是百分数无法确定"));
                    }
                }
            }
            Kind::Count => {
                let norm = t.trim_end_matches(['人', '名', '个']);
                let n = number(norm).ok_or_else(|| format!("「{t}」不是人数"))?;
                let n = u32::try_from(n.normalize().mantissa())
                    .ok()
                    .filter(|_| n.fract().is_zero())
                    .ok_or_else(|| format!("「{t}」不是人数"))?;
                Some((Value::Count(n), None))
            }
            Kind::Text => Some((Value::Text(t.to_owned()), None)),
            Kind::Name => {
                static CODE: LazyLock<Regex> = LazyLock::new(|| {
                    Regex::new(r"^[\[【［(（]\s*[0-9A-Za-z]+\s*[\]】］)）]\s*").expect("regex")
                });
                match CODE.find(t) {
                    Some(m) if m.end() < t.len() => Some((
                        Value::Text(t[m.end()..].trim().to_owned()),
                        Some(format!("名称前的代码 {} 不计", m.as_str().trim())),
                    )),
                    _ => Some((Value::Text(t.to_owned()), None)),
                }
            }
            Kind::Code => {
                let code: String = t
                    .chars()
                    .map(half_width)
                    .filter(|c| !c.is_whitespace())
                    .collect();
                if code.chars().all(|c| c.is_ascii_alphanumeric()) {
                    Some((Value::Text(code), None))
                } else {
                    return Err(format!("「{t}」不是编码"));
                }
            }
            Kind::Date => Some((
                Value::Text(date(t).ok_or_else(|| format!("「{t}」不是日期"))?),
                None,
            )),
            Kind::Year => {
                let y: String = t
                    .chars()
                    .map(half_width)
                    .filter(|c| !c.is_whitespace())
                    .collect();
                let y = y.trim_end_matches('度').trim_end_matches('年');
                match y.parse::<u32>() {
                    Ok(y) if (2000..=2100).contains(&y) => Some((Value::Count(y), None)),
                    _ => return Err(format!("「{t}」不是年度")),
                }
            }
            Kind::Grade => {
                let g = t.trim_matches(['“', '”', '"']);
                if self.vocab.indicator.grades.iter().any(|w| w == g) {
                    Some((Value::Text(g.to_owned()), None))
                } else {
                    return Err(format!("「{t}」不是等级"));
                }
            }
        })
    }

    /// The figure of `rule` in the cell at (row, col), or the reason it cannot be read.
    fn take(&mut self, field: &str, kind: Kind, head: usize, row: usize, col: usize, header: &str) {
        let Some(text) = self.grid.cell(row, col).map(|c| c.text.clone()) else {
            return;
        };
        let Ok(path) = FieldPath::parse(field) else {
            return;
        };
        match self.value(kind, head, col, &text) {
            Ok(Some((value, note))) => {
                if kind == Kind::Name && field == "unit.project" {
                    self.project_name(row, col, header, &value, note);
                } else {
                    let source = self.source(row, col, header, note);
                    self.push(path, value, source);
                }
            }
            Ok(None) => {}
            Err(why) => {
                let source = self.source(row, col, header, None);
                self.unread(path, source, why);
            }
        }
    }

    /// `项目名称 | 51000021R000000019951-工资性支出`: the code before the hyphen is the project code.
    fn project_name(
        &mut self,
        row: usize,
        col: usize,
        header: &str,
        value: &Value,
        note: Option<String>,
    ) {
        static CODE: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"^([0-9A-Za-z]{10,})\s*[-－—_]\s*(.+)$").expect("regex"));
        let Value::Text(text) = value else { return };
        if let Some(c) = CODE.captures(text) {
            let (code, name) = (c[1].to_owned(), c[2].trim().to_owned());
            let s = self.source(row, col, header, Some("项目编码在名称之前".into()));
            self.push(
                FieldPath::new("unit").key("project_code"),
                Value::Text(code),
                s.clone(),
            );
            self.push(FieldPath::new("unit").key("project"), Value::Text(name), s);
        } else {
            let s = self.source(row, col, header, note);
            self.push(FieldPath::new("unit").key("project"), value.clone(), s);
        }
    }

    /// Labelled cells of row `r`: the value to the right, after the label in the same cell, or
    /// (when the right-hand cell is another label) the cell below.
    fn labels(&mut self, r: usize) {
        let cells = distinct(&self.grid.rows[r]);
        let first = cells
            .first()
            .map(|(_, t)| self.norm(t).text)
            .unwrap_or_default();
        for (i, (col, text)) in cells.iter().enumerate() {
            // `填报日期：2022年8月10日` in one cell.
            let half: String = text.chars().map(half_width).collect();
            if let Some((l, v)) = half.split_once([':', '：'])
                && !v.trim().is_empty()
                && let Some(rule) = self.vocab.label_rule(&self.norm(l).text).cloned()
            {
                let head = self.norm(l).text;
                self.inline(&rule, r, *col, &head, v.trim());
                continue;
            }
            let key = self.norm(text).text;
            let rule = if i > 0 {
                self.vocab
                    .label_rule(&format!("{first}/{key}"))
                    .or_else(|| self.vocab.label_rule(&key))
            } else {
                self.vocab.label_rule(&key)
            };
            let Some(rule) = rule.cloned() else { continue };
            if let Some(kind) = &rule.evaluation {
                let s = self.source(r, *col, &key, Some(format!("「{key}」表明评价类型")));
                self.push(
                    FieldPath::new("unit").key("kind"),
                    Value::Text(kind.clone()),
                    s,
                );
            }
            let right = cells.get(i + 1).map(|(c, t)| (*c, *t));
            match right {
                Some((_, t)) if blank(t) => {} // the unit wrote that there is none
                Some((c, t))
                    if self.value(rule.kind, r, c, t).is_ok_and(|v| v.is_some())
                        && !self.is_label(t) =>
                {
                    self.take(&rule.field, rule.kind, r, r, c, &key);
                }
                _ => {
                    // The value below the label (a header over its values).
                    if let Some(below) = self.grid.cell(r + 1, *col)
                        && below.anchor.0 == r + 1
                        && self
                            .value(rule.kind, r, *col, &below.text)
                            .is_ok_and(|v| v.is_some())
                    {
                        self.take(&rule.field, rule.kind, r, r + 1, *col, &key);
                    }
                }
            }
        }
    }

    fn is_label(&self, text: &str) -> bool {
        let n = self.norm(text).text;
        self.vocab.label_rule(&n).is_some() || self.vocab.is_column(&n)
    }

    fn inline(&mut self, rule: &LabelRule, r: usize, col: usize, head: &str, text: &str) {
        let Ok(path) = FieldPath::parse(&rule.field) else {
            return;
        };
        match self.value(rule.kind, r, col, text) {
            Ok(Some((value, note))) => {
                let mut s = self.source(r, col, head, note);
                s.header = head.to_owned();
                self.push(path, value, s);
            }
            Ok(None) => {}
            Err(why) => {
                let s = self.source(r, col, head, None);
                self.unread(path, s, why);
            }
        }
    }

    /// Whether row `r` ends the block that `head` started: another header, a labelled row, an
    /// empty row at the end.
    fn ends_block(&self, head: usize, r: usize) -> bool {
        let row = &self.grid.rows[r];
        if self.header(r).is_some() {
            return true;
        }
        let block_anchor = self.grid.rows[head].first().map(|c| c.anchor);
        let cells = distinct(row);
        let first = cells
            .iter()
            .find(|(c, _)| row[*c].anchor != block_anchor.unwrap_or((usize::MAX, 0)))
            .map(|(_, t)| self.norm(t).text)
            .unwrap_or_default();
        self.vocab.label_rule(&first).is_some()
            && !self.vocab.cells.iter().any(|c| c.rows.contains(&first))
    }

    /// The label of data row `r` under header `head`: the text of the cells left of the first
    /// value column, not counting the block's own label merged down from the header.
    fn row_label(&self, head: usize, r: usize, first_value: usize) -> String {
        let block_anchor = self.grid.rows[head][0].anchor;
        let row = &self.grid.rows[r];
        distinct(row)
            .into_iter()
            .filter(|(c, _)| *c < first_value && row[*c].anchor != block_anchor)
            .map(|(_, t)| self.norm(t).text)
            .find(|t| !blank(t) && number(t).is_none())
            .unwrap_or_default()
    }

    /// A block of figures at row × column crossings. Returns the row after the block.
    fn matrix(&mut self, head: usize) -> usize {
        let header_row = &self.grid.rows[head];
        let block = self.norm(&header_row[0].text).text;
        let block_anchor = header_row[0].anchor;
        let cols: Vec<(usize, String)> = distinct(header_row)
            .into_iter()
            .skip(1)
            .map(|(c, t)| (c, self.norm(t).text))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        // Values start at the first column the vocabulary knows (年度预算数（万元） over the row
        // labels is their header, not a value column's).
        let first_value = cols
            .iter()
            .find(|(_, h)| self.vocab.is_column(h))
            .or(cols.first())
            .map_or(header_row.len(), |(c, _)| *c);
        let merged_down = self
            .grid
            .rows
            .get(head + 1)
            .is_some_and(|row| row[0].anchor == block_anchor);
        let mut end = head + 1;
        while end < self.grid.rows.len() {
            if self.ends_block(head, end) {
                break;
            }
            if merged_down && self.grid.rows[end][0].anchor != block_anchor {
                break;
            }
            end += 1;
        }
        let data: Vec<usize> = (head + 1..end)
            .filter(|r| {
                cols.iter()
                    .any(|(c, _)| self.grid.cell(*r, *c).is_some_and(|x| !x.text.is_empty()))
            })
            .collect();
        let only_row = data.len() == 1;
        for &r in &data {
            let row_label = self.row_label(head, r, first_value);
            for (c, col) in &cols {
                let rules: Vec<CellRule> = self
                    .vocab
                    .cells
                    .iter()
                    .filter(|rule| {
                        rule.columns.iter().any(|x| x == col)
                            && (rule.blocks.is_empty() || rule.blocks.contains(&block))
                            && rule.rows.iter().any(|x| {
                                (*x == row_label && !row_label.is_empty()) || (x == "*" && only_row)
                            })
                    })
                    .cloned()
                    .collect();
                // The most specific rule: one naming the row over `*`.
                let rule = rules
                    .iter()
                    .find(|rule| rule.rows.contains(&row_label))
                    .or_else(|| rules.first());
                if let Some(rule) = rule {
                    let header = format!(
                        "{row_label}{}{col}",
                        if row_label.is_empty() { "" } else { " × " }
                    );
                    self.take(&rule.field, rule.kind, head, r, *c, &header);
                }
            }
            self.labels(r);
        }
        end
    }

    /// 年度主要任务 rows. Returns the row after them.
    fn tasks(&mut self, head: usize, cols: &BTreeMap<usize, TaskRole>) -> usize {
        let Some(name_col) = cols
            .iter()
            .find(|(_, r)| **r == TaskRole::Name)
            .map(|(c, _)| *c)
        else {
            return head + 1;
        };
        let mut r = head + 1;
        while r < self.grid.rows.len() && !self.ends_block(head, r) {
            let name = self
                .grid
                .cell(r, name_col)
                .map(|c| c.text.trim().to_owned())
                .unwrap_or_default();
            if name.is_empty()
                || self.grid.rows[r][name_col].anchor.0 < r
                    && self.grid.rows[r][name_col].anchor.0 <= head
            {
                r += 1;
                continue;
            }
            if self
                .vocab
                .indicator
                .total_rows
                .contains(&self.norm(&name).text)
            {
                r += 1;
                continue;
            }
            let i = self.out.tasks;
            self.out.tasks += 1;
            let base = FieldPath::new("tasks").index(i);
            for (c, role) in cols {
                let header = self.norm(&self.grid.rows[head][*c].text).text;
                let (key, kind) = match role {
                    TaskRole::Name => ("name", Kind::Text),
                    TaskRole::Content => ("content", Kind::Text),
                    TaskRole::Budget => ("budget", Kind::Amount),
                    TaskRole::Spent => ("spent", Kind::Amount),
                };
                self.take(
                    &base.clone().key(key).to_string(),
                    kind,
                    head,
                    r,
                    *c,
                    &header,
                );
            }
            r += 1;
        }
        r
    }

    /// Indicator rows, and the total row that closes them. Returns the row after them.
    fn indicators(&mut self, head: usize, cols: &BTreeMap<usize, Role>) -> usize {
        let col_of = |role: Role| cols.iter().find(|(_, r)| **r == role).map(|(c, _)| *c);
        let Some(name_col) = col_of(Role::Name) else {
            return head + 1;
        };
        let block_anchor = self.grid.rows[head][0].anchor;
        let mut r = head + 1;
        while r < self.grid.rows.len() {
            if self.ends_block(head, r) {
                break;
            }
            let row = &self.grid.rows[r];
            let first = distinct(row)
                .into_iter()
                .find(|(c, _)| row[*c].anchor != block_anchor)
                .map(|(_, t)| self.norm(t).text)
                .unwrap_or_default();
            if self.vocab.indicator.total_rows.contains(&first) {
                self.total(head, r, cols);
                r += 1;
                break;
            }
            let name = row[name_col].text.trim().to_owned();
            if name.is_empty() || row[name_col].anchor.0 != r {
                r += 1;
                continue; // a spacer row, or a cell merged from above
            }
            self.indicator_row(head, r, cols);
            r += 1;
        }
        r
    }

    fn indicator_row(&mut self, head: usize, r: usize, cols: &BTreeMap<usize, Role>) {
        let i = self.out.indicators;
        self.out.indicators += 1;
        let base = FieldPath::new("indicators").index(i);
        let mut unit_column: Option<String> = None;
        let mut target_unit: Option<String> = None;
        let text_at = |c: usize| {
            self.grid
                .cell(r, c)
                .map(|x| x.text.trim().to_owned())
                .unwrap_or_default()
        };
        for (&c, &role) in cols {
            let header = self.norm(&self.grid.rows[head][c].text).text;
            let text = text_at(c);
            if blank(&text) && role != Role::Explanation {
                continue;
            }
            let field = |k: &str| base.clone().key(k);
            match role {
                Role::Level1 | Role::Level2 => {
                    // 项目决策（2分）: the weight is not part of the name.
                    let name = TRAILING_PAREN.replace(&text, "").trim().to_owned();
                    if name.is_empty() {
                        continue; // a weight alone, `（12分）`: no name
                    }
                    let key = if role == Role::Level1 {
                        "level1"
                    } else {
                        "level2"
                    };
                    let s = self.source(r, c, &header, None);
                    self.push(field(key), Value::Text(name), s);
                }
                Role::Name => {
                    let s = self.source(r, c, &header, None);
                    self.push(field("name"), Value::Text(text.clone()), s);
                }
                Role::Direction => {
                    let d = match text.chars().map(half_width).collect::<String>().trim() {
                        "≥" | ">=" | "≧" => Some(">="),
                        "≤" | "<=" | "≦" => Some("<="),
                        "=" | "＝" => Some("="),
                        _ => None,
                    };
                    if let Some(d) = d {
                        let s = self.source(r, c, &header, None);
                        self.push(field("direction"), Value::Text(d.into()), s);
                    }
                }
                Role::Unit => {
                    let s = self.source(r, c, &header, None);
                    unit_column = Some(text.clone());
                    self.push(field("unit"), Value::Text(text.clone()), s);
                }
                Role::Target | Role::Actual => {
                    let key = if role == Role::Target {
                        "target"
                    } else {
                        "actual"
                    };
                    match measured(&text) {
                        Some(m) => {
                            let s = self.source(r, c, &header, None);
                            if role == Role::Target {
                                if let Some(d) = m.direction {
                                    self.push(field("direction"), Value::Text(d.into()), s.clone());
                                }
                                if let Some(u) = &m.unit {
                                    target_unit = Some(u.clone());
                                    self.push(field("unit"), Value::Text(u.clone()), s.clone());
                                }
                                self.push(field(key), Value::Decimal(m.number), s);
                            } else {
                                let other = target_unit.clone().or_else(|| unit_column.clone());
                                match (&m.unit, other) {
                                    (Some(u), Some(t))
                                        if *u != t
                                            && unit_column.as_deref().is_none_or(|c| c != u) =>
                                    {
                                        self.unread(
                                            field(key),
                                            s,
                                            format!("实际值的单位「{u}」与目标值的「{t}」不同"),
                                        );
                                    }
                                    _ => self.push(field(key), Value::Decimal(m.number), s),
                                }
                            }
                        }
                        None => {
                            let s = self.source(r, c, &header, None);
                            self.push(field(&format!("{key}_text")), Value::Text(text.clone()), s);
                        }
                    }
                }
                Role::Points | Role::SelfScore => {
                    let key = if role == Role::Points {
                        "points"
                    } else {
                        "self_score"
                    };
                    let k = base.clone().key(key).to_string();
                    self.take(&k, Kind::Score, head, r, c, &header);
                }
                Role::Explanation => {
                    if !blank(&text) {
                        let s = self.source(r, c, &header, None);
                        self.push(field("explanation"), Value::Text(text.clone()), s);
                    }
                }
                Role::Ignored => {}
            }
        }
    }

    /// The 总分 / 合计 row: the declared total under the score column, the grade in its last cell.
    fn total(&mut self, head: usize, r: usize, cols: &BTreeMap<usize, Role>) {
        if let Some((&c, _)) = cols.iter().find(|(_, role)| **role == Role::Points)
            && let Some(points) = self.grid.cell(r, c).and_then(|x| number(&x.text))
        {
            let h = self.norm(&self.grid.rows[head][c].text).text;
            let source = self.source(r, c, &format!("总分 × {h}"), None);
            self.out.total_points.push((points, source));
        }
        let header_of = |c: usize| self.norm(&self.grid.rows[head][c].text).text;
        if let Some((&c, _)) = cols.iter().find(|(_, role)| **role == Role::SelfScore) {
            let h = header_of(c);
            self.take(
                "declared.total",
                Kind::Score,
                head,
                r,
                c,
                &format!("总分 × {h}"),
            );
        }
        let row = &self.grid.rows[r];
        if let Some((c, text)) = distinct(row).last().copied()
            && c > 0
            && self.vocab.indicator.grades.iter().any(|g| g == text.trim())
        {
            self.take("declared.grade", Kind::Grade, head, r, c, "总分 × 等级");
        }
    }
}

/// `2022年8月10日`, `2022-08-10`, `2022.8.10` as `2022-08-10`.
fn date(text: &str) -> Option<String> {
    static DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(20\d{2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?$")
            .expect("regex")
    });
    let t: String = text.chars().map(half_width).collect();
    let c = DATE.captures(t.trim())?;
    let (y, m, d): (u32, u32, u32) = (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days)
        .contains(&d)
        .then(|| format!("{y}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn labels_are_normalised() {
        assert_eq!(label("分值（分）", None).text, "分值");
        assert_eq!(label("项目资金（万元）", None).money, Some(Money::Wan));
        assert_eq!(
            label("1、公务用车购置和维护经费", None).text,
            "公务用车购置和维护经费"
        );
        assert_eq!(label("其中：人员经费", None).text, "人员经费");
        assert_eq!(label("因公出国（境）", None).text, "因公出国(境)");
        assert_eq!(label("2017年决算数", Some(2018)).text, "上年决算数");
        assert_eq!(label("2018年预算数", Some(2018)).text, "本年预算数");
        assert_eq!(label("全年（调整）预算数", None).text, "全年(调整)预算数");
    }

    #[test]
    fn measured_values() {
        let m = measured("≥1万人次").expect("reads");
        assert_eq!(
            (m.direction, m.number, m.unit.as_deref()),
            (Some(">="), dec!(1), Some("万人次"))
        );
        let m = measured("不少于12期").expect("reads");
        assert_eq!(
            (m.direction, m.number, m.unit.as_deref()),
            (Some(">="), dec!(12), Some("期"))
        );
        let m = measured("≦0%").expect("reads");
        assert_eq!((m.direction, m.number), (Some("<="), dec!(0)));
        let m = measured("≥１２００家").expect("reads");
        assert_eq!((m.number, m.unit.as_deref()), (dec!(1200), Some("家")));
        let m = measured("100%").expect("reads");
        assert_eq!((m.direction, m.number), (None, dec!(100)));
        let m = measured("10年一遇").expect("reads");
        assert_eq!(m.unit.as_deref(), Some("年一遇"));
        assert!(measured("2024年12月前").is_none());
        assert!(measured("逐步提高").is_none());
        assert!(measured("下降8.3%").is_none());
    }

    #[test]
    fn numbers_as_written() {
        assert_eq!(number("２１，３５６．８０"), Some(dec!(21356.80)));
        assert_eq!(number("12,345,600.00"), Some(dec!(12345600.00)));
        assert_eq!(number("85,33"), None);
        assert_eq!(number("51000021000000019951"), None);
        assert_eq!(date("2022年8月10日").as_deref(), Some("2022-08-10"));
        assert_eq!(date("2023年2月30日"), None);
    }

    #[test]
    fn the_builtin_vocabulary_parses() {
        let v = crate::Vocabulary::builtin().tables();
        assert!(v.indicator.name.iter().any(|n| n == "三级指标"));
        for rule in &v.cells {
            assert!(FieldPath::parse(&rule.field).is_ok(), "{}", rule.field);
        }
        for rule in &v.labels {
            assert!(FieldPath::parse(&rule.field).is_ok(), "{}", rule.field);
        }
    }
}
