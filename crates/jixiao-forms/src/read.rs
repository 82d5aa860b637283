//! Reading a filled form back into the unit model.
//!
//! Every value is read from its cell as its field's [`Kind`] says and put at the field's key, a
//! path in the unit format: an item (the unit from its sheet, a goal, a fund, a row of the 自评表)
//! is the unit format's tree of the values read for it, deserialised as the TOML and JSON Lines
//! readers deserialise theirs. Where each value was read is kept by [`FieldPath`], so a figure
//! found out of bounds afterwards is reported at its cell.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use calamine::{Data, Dimensions, Xlsx, open_workbook};
use jixiao_ingest::document::xlsx_cells;
use jixiao_model::{
    CheckedUnit, FieldPath, FundSource, IndicatorRow, Problem, SelfEvaluation, SpecialFund,
};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value as Json};

use crate::layout::*;
use crate::text::{decimal_from_f64, number_from_text};
use crate::{CellError, FormError, FormOrigin, Note, messages};

/// A filled form, read: the unit, what was read with a conversion (notes), the rule set the
/// form was made for, and where each of the unit's values was read.
#[derive(Debug, Clone)]
pub struct Filled {
    /// The unit, every figure checked.
    pub unit: CheckedUnit,
    /// Cells read with a conversion the unit should know of (an amount typed as text, in 元...).
    pub notes: Vec<Note>,
    /// The rule set (and version) the form was made for.
    pub origin: FormOrigin,
    /// Each value of the unit read from the form, by field, and its cell (`workbook!sheet!cell`):
    /// `funds[1].spent` → `机构.xlsx!专项资金!D3`.
    pub cells: BTreeMap<FieldPath, String>,
}

/// A sheet's cells that hold something, by (row, column): read one by one, so a stray cell far
/// out (`XFD1048576`) costs one entry, not a dense range of 17 billion.
struct Sheet {
    name: &'static str,
    cells: BTreeMap<(u32, u32), Data>,
    merges: Vec<Dimensions>,
    /// The rows that hold a cell or are covered by a merged region whose top-left cell holds
    /// one (up to the last row holding a cell, as far as a dense range reached).
    rows: BTreeSet<u32>,
}

static EMPTY: Data = Data::Empty;

impl Sheet {
    /// The cell's value; inside a merged region, the value of its top-left cell.
    fn get(&self, row: u32, col: u16) -> &Data {
        let col = u32::from(col);
        let (row, col) = self
            .merges
            .iter()
            .find(|m| m.start.0 <= row && row <= m.end.0 && m.start.1 <= col && col <= m.end.1)
            .map_or((row, col), |m| m.start);
        self.cells.get(&(row, col)).unwrap_or(&EMPTY)
    }

    fn new(name: &'static str, cells: BTreeMap<(u32, u32), Data>, merges: Vec<Dimensions>) -> Self {
        let mut rows: BTreeSet<u32> = cells.keys().map(|&(row, _)| row).collect();
        let last = rows.last().copied().unwrap_or(0);
        for m in merges.iter().filter(|m| cells.contains_key(&m.start)) {
            rows.extend(m.start.0..=m.end.0.min(last));
        }
        Sheet {
            name,
            cells,
            merges,
            rows,
        }
    }

    /// The rows from `from` on that may hold something, in order. Any other row reads as blank
    /// wherever the form looks, so the readers skip them.
    fn rows(&self, from: u32) -> impl Iterator<Item = u32> + '_ {
        self.rows.range(from..).copied()
    }

    fn is_blank(&self, row: u32, cols: usize) -> bool {
        (0..cols as u16).all(|c| blank(self.get(row, c)))
    }

    /// The rows of a list sheet that hold anything, below its header.
    fn list_rows(&self, columns: &[Field]) -> impl Iterator<Item = u32> + '_ {
        let cols = columns.len();
        self.rows(LIST_HEADER_ROW + 1)
            .filter(move |&row| !self.is_blank(row, cols))
    }
}

fn blank(data: &Data) -> bool {
    match data {
        Data::Empty => true,
        Data::String(s) => s.trim().trim_matches('\u{3000}').is_empty(),
        _ => false,
    }
}

/// Where a cell is: the sheet's place in the workbook, the row and the column. Errors and notes
/// are reported in this order.
type Place = (usize, u32, u16);

/// A value kept in the unit: where it was read, the field's Chinese name, and the number read
/// (to say what is wrong with a figure the unit model finds out of bounds).
struct Recorded {
    place: Place,
    sheet: &'static str,
    cell: String,
    name: String,
    number: Option<Decimal>,
}

struct Reader {
    workbook: String,
    errors: Vec<(Place, CellError)>,
    notes: Vec<(Place, Note)>,
    /// Each value kept in the unit, by field.
    cells: BTreeMap<FieldPath, Recorded>,
}

const ORDER: [&str; 9] = [
    META,
    INSTRUCTIONS,
    UNIT,
    INDICATORS,
    GOALS,
    FUNDS,
    SOURCES,
    CLAIMS,
    FACTS,
];

fn place(sheet: &Sheet, row: u32, col: u16) -> Place {
    (
        ORDER
            .iter()
            .position(|s| *s == sheet.name)
            .unwrap_or(ORDER.len()),
        row,
        col,
    )
}

/// A value as the unit format writes it (decimals as strings, choices by their serde names).
fn json(value: impl Serialize) -> Json {
    // Only maps with keys that are not strings fail to serialise: no value read is one.
    serde_json::to_value(value).unwrap_or_default()
}

/// The field's name in a message; `None` for a blank name.
fn named(name: &str) -> Option<String> {
    (!name.is_empty()).then(|| name.to_owned())
}

/// The cells of one form, read one by one: the values, and every error and note with its cell.
/// `name` is the Chinese name of the field a cell holds, for the message.
impl Reader {
    fn error(
        &mut self,
        sheet: &Sheet,
        (row, col): (u32, u16),
        name: &str,
        problem: impl Into<String>,
        expected: impl Into<String>,
    ) {
        let error = CellError {
            workbook: self.workbook.clone(),
            sheet: sheet.name.to_owned(),
            cell: cell_ref(row, col),
            field: named(name),
            problem: problem.into(),
            expected: expected.into(),
        };
        self.errors.push((place(sheet, row, col), error));
    }

    fn note(&mut self, sheet: &Sheet, (row, col): (u32, u16), name: &str, message: String) {
        let note = Note {
            workbook: self.workbook.clone(),
            sheet: sheet.name.to_owned(),
            cell: cell_ref(row, col),
            field: named(name),
            message,
        };
        self.notes.push((place(sheet, row, col), note));
    }

    /// Records that the unit's `field` was read from this cell.
    fn record(
        &mut self,
        field: FieldPath,
        sheet: &Sheet,
        (row, col): (u32, u16),
        name: &str,
        value: Option<&Json>,
    ) {
        let number = match value {
            Some(Json::String(s)) => s.parse().ok(),
            Some(Json::Number(n)) => n.to_string().parse().ok(),
            _ => None,
        };
        let recorded = Recorded {
            place: place(sheet, row, col),
            sheet: sheet.name,
            cell: cell_ref(row, col),
            name: name.to_owned(),
            number,
        };
        self.cells.insert(field, recorded);
    }

    /// The cell's value as a value of `kind`; `None` when blank or not readable (reported).
    fn value(&mut self, sheet: &Sheet, at: (u32, u16), kind: Kind, name: &str) -> Option<Json> {
        match kind {
            Kind::Text | Kind::LongText | Kind::Code | Kind::Grade => {
                self.text(sheet, at, kind, name).map(json)
            }
            Kind::Count => self.whole(sheet, at, kind, name).map(json),
            Kind::Year => self.year(sheet, at, name).map(json),
            Kind::Date => self.date(sheet, at, name).map(json),
            Kind::Amount | Kind::Number | Kind::Points => {
                self.non_negative(sheet, at, kind, name).map(json)
            }
            Kind::Change | Kind::Figure => self.number(sheet, at, kind, name).map(json),
            Kind::EvaluationType => self.choice(sheet, at, kind, name, &KIND_WORDS).map(json),
            Kind::AccountState => self.choice(sheet, at, kind, name, &ACCOUNT_WORDS).map(json),
            Kind::Direction => self
                .choice(sheet, at, kind, name, &DIRECTION_WORDS)
                .map(json),
            Kind::Tier => self.choice(sheet, at, kind, name, &TIER_WORDS).map(json),
            Kind::YesNo => self.yes_no(sheet, at, name).map(json),
        }
    }

    /// Text, trimmed; `None` when blank. A number in a text cell is taken as its digits.
    fn text(&mut self, sheet: &Sheet, at: (u32, u16), kind: Kind, name: &str) -> Option<String> {
        match sheet.get(at.0, at.1) {
            Data::String(s) => {
                let s = s.trim().trim_matches('\u{3000}').trim();
                (!s.is_empty()).then(|| s.to_owned())
            }
            Data::Empty => None,
            Data::Float(f) => decimal_from_f64(*f).map(|d| d.to_string()),
            Data::Int(i) => Some(i.to_string()),
            other => {
                let problem = messages::not_text(&messages::found(other));
                self.error(sheet, at, name, problem, messages::expected(kind));
                None
            }
        }
    }

    /// A number; an amount accepts a 万元 or 元 suffix on text. Text read as a number is noted.
    fn number(&mut self, sheet: &Sheet, at: (u32, u16), kind: Kind, name: &str) -> Option<Decimal> {
        let amount = matches!(kind, Kind::Amount | Kind::Change);
        let data = sheet.get(at.0, at.1);
        match data {
            Data::Float(f) => decimal_from_f64(*f).or_else(|| {
                self.error(
                    sheet,
                    at,
                    name,
                    messages::not_finite(),
                    messages::expected(kind),
                );
                None
            }),
            Data::Int(i) => Some(Decimal::from(*i)),
            Data::Empty => None,
            Data::String(_) if blank(data) => None,
            Data::String(s) => match number_from_text(s, amount) {
                Some(value) => {
                    self.note(sheet, at, name, messages::read_as(s, value, amount));
                    Some(value)
                }
                None => {
                    let problem = messages::not_a_number(&messages::found(data));
                    self.error(sheet, at, name, problem, messages::expected(kind));
                    None
                }
            },
            other => {
                let problem = messages::not_a_number(&messages::found(other));
                self.error(sheet, at, name, problem, messages::expected(kind));
                None
            }
        }
    }

    fn non_negative(
        &mut self,
        sheet: &Sheet,
        at: (u32, u16),
        kind: Kind,
        name: &str,
    ) -> Option<Decimal> {
        let value = self.number(sheet, at, kind, name)?;
        if value.is_sign_negative() && !value.is_zero() {
            let problem = messages::negative(value);
            self.error(sheet, at, name, problem, messages::expected(kind));
            return None;
        }
        Some(value)
    }

    fn whole(&mut self, sheet: &Sheet, at: (u32, u16), kind: Kind, name: &str) -> Option<u32> {
        let value = self.number(sheet, at, kind, name)?;
        match (value.fract().is_zero(), value.to_u32()) {
            (true, Some(n)) => Some(n),
            (false, _) => {
                let problem = messages::not_whole(value);
                self.error(sheet, at, name, problem, messages::expected(kind));
                None
            }
            (true, None) => {
                let problem = if value.is_sign_negative() {
                    messages::negative(value)
                } else {
                    messages::too_large(value)
                };
                self.error(sheet, at, name, problem, messages::expected(kind));
                None
            }
        }
    }

    fn year(&mut self, sheet: &Sheet, at: (u32, u16), name: &str) -> Option<u16> {
        let year = self.whole(sheet, at, Kind::Year, name)?;
        u16::try_from(year).ok().or_else(|| {
            let problem = messages::not_a_year(year);
            self.error(sheet, at, name, problem, messages::expected(Kind::Year));
            None
        })
    }

    /// A day, as `YYYY-MM-DD`: from an Excel date, or from text written year, month and day.
    fn date(&mut self, sheet: &Sheet, at: (u32, u16), name: &str) -> Option<String> {
        let data = sheet.get(at.0, at.1);
        let day = match data {
            Data::Empty => return None,
            Data::String(_) if blank(data) => return None,
            Data::DateTime(dt) if dt.is_datetime() => {
                let (year, month, day, ..) = dt.to_ymd_hms_milli();
                iso_day(u32::from(year), u32::from(month), u32::from(day))
            }
            Data::DateTimeIso(s) => s.get(..10).and_then(date_from_text),
            Data::String(s) => date_from_text(s),
            _ => None,
        };
        if day.is_none() {
            let problem = messages::not_a_date(&messages::found(data));
            self.error(sheet, at, name, problem, messages::expected(Kind::Date));
        }
        day
    }

    fn choice<T: Copy>(
        &mut self,
        sheet: &Sheet,
        at: (u32, u16),
        kind: Kind,
        name: &str,
        words: &[(&'static str, T)],
    ) -> Option<T> {
        let text = self.text(sheet, at, kind, name)?;
        if let Some((_, value)) = words.iter().find(|(word, _)| *word == text) {
            return Some(*value);
        }
        let problem = messages::not_a_choice(&text);
        self.error(sheet, at, name, problem, messages::expected(kind));
        None
    }

    fn yes_no(&mut self, sheet: &Sheet, at: (u32, u16), name: &str) -> Option<bool> {
        if let Data::Bool(b) = sheet.get(at.0, at.1) {
            return Some(*b);
        }
        self.choice(sheet, at, Kind::YesNo, name, &YES_NO_WORDS)
    }
}

/// `YYYY-MM-DD` of a real day (2023-02-29 is not one).
fn iso_day(year: u32, month: u32, day: u32) -> Option<String> {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((1000..=9999).contains(&year) && (1..=days).contains(&day))
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// A day typed as text: `2025-03-31`, `2025/3/31`, `2025.3.31` or `2025年3月31日`, digits
/// half- or full-width.
fn date_from_text(text: &str) -> Option<String> {
    let text: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            _ => c,
        })
        .collect();
    let text = text.strip_suffix('日').unwrap_or(&text);
    let parts: Vec<&str> = text.split(['-', '/', '.', '年', '月']).collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    iso_day(number(year)?, number(month)?, number(day)?)
}

/// When the fields that go together ([`Need::WithOthers`]) are required of each other.
#[derive(Debug, Clone, Copy)]
enum Together {
    /// When one of them was read (the unit sheet): a figure that cannot be read is reported as
    /// such, and does not make the others required.
    WhenRead,
    /// When one of their cells is filled, whether it can be read or not (a goal's measure).
    WhenFilled,
}

/// One value of an item, as read.
struct Read {
    field: Field,
    /// The value's name in a message.
    name: String,
    row: u32,
    col: u16,
    blank: bool,
    value: Option<Json>,
}

/// An item read from its cells: the unit from the unit sheet, or one row of a list sheet.
struct Item<'s> {
    sheet: &'s Sheet,
    reads: Vec<Read>,
    together: Together,
}

/// The table a field belongs to (`staffing` for `staffing.in_post`); `""` at the top.
fn table_of(key: &str) -> &str {
    key.rsplit_once('.').map_or("", |(table, _)| table)
}

/// Whether `key` is `table` or a field inside it (every key is inside the top, `""`).
fn inside(key: &str, table: &str) -> bool {
    table.is_empty()
        || key
            .strip_prefix(table)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// `key` (dotted) below `base`, or from the unit when there is no base.
fn path(base: Option<&FieldPath>, key: &str) -> FieldPath {
    let mut keys = key.split('.');
    let first = match base {
        Some(base) => base.clone(),
        None => FieldPath::new(keys.next().unwrap_or_default()),
    };
    keys.fold(first, FieldPath::key)
}

/// Puts `value` at the dotted `key` of `tree`, making the tables on the way.
fn put(tree: &mut Map<String, Json>, key: &str, value: Json) {
    match key.split_once('.') {
        None => {
            tree.insert(key.to_owned(), value);
        }
        Some((table, rest)) => {
            let node = tree
                .entry(table)
                .or_insert_with(|| Json::Object(Map::new()));
            if let Json::Object(table) = node {
                put(table, rest, value);
            }
        }
    }
}

impl Item<'_> {
    /// Whether a field of `table` was given, as the item's [`Together`] says.
    fn given(&self, table: &str) -> bool {
        self.reads
            .iter()
            .filter(|r| inside(r.field.key, table))
            .any(|r| match self.together {
                // An account marked 无 gives none of its figures.
                Together::WhenRead => r.value.as_ref().is_some_and(|v| {
                    !(r.field.kind == Kind::AccountState && *v == Json::Bool(false))
                }),
                Together::WhenFilled => !r.blank,
            })
    }

    /// Takes a value out (a column that matches the row rather than fills it).
    fn take(&mut self, key: &str) -> Option<Read> {
        let at = self.reads.iter().position(|r| r.field.key == key)?;
        Some(self.reads.remove(at))
    }

    /// Whether every required value was read: only then is the item kept (and what refers to it,
    /// a fund's sources, matched), even when another of its cells has an error.
    fn complete(&self) -> bool {
        self.reads
            .iter()
            .all(|r| r.value.is_some() || !matches!(r.field.need, Need::Required))
    }

    /// A field that goes with the others of its table, which are given, and was not read.
    fn missing(&self, read: &Read) -> bool {
        read.value.is_none()
            && matches!(read.field.need, Need::WithOthers(_))
            && self.given(table_of(read.field.key))
    }

    /// The values that go into the item: those read, but not a table missing one of the
    /// figures that go together (that is reported).
    fn kept(&self) -> impl Iterator<Item = &Read> {
        let partial: Vec<&str> = self
            .reads
            .iter()
            .filter(|r| self.missing(r))
            .map(|r| table_of(r.field.key))
            .collect();
        self.reads
            .iter()
            .filter(move |r| r.value.is_some() && !partial.iter().any(|t| inside(r.field.key, t)))
    }

    /// The item in the unit format. An account marked 有 is its figures, one marked 无 is
    /// `"none"` unless its figures were given anyway (they are then read).
    fn tree(&self) -> Json {
        let mut tree = Map::new();
        let mut no_account = Vec::new();
        for read in self.kept() {
            match (&read.value, read.field.kind) {
                (Some(Json::Bool(false)), Kind::AccountState) => no_account.push(read.field.key),
                (_, Kind::AccountState) => {}
                (Some(value), _) => put(&mut tree, read.field.key, value.clone()),
                (None, _) => {}
            }
        }
        for key in no_account {
            if !self
                .kept()
                .any(|r| r.field.key != key && inside(r.field.key, key))
            {
                put(&mut tree, key, Json::from("none"));
            }
        }
        Json::Object(tree)
    }
}

impl Reader {
    /// Reads an item's cells, each as its field's kind, and reports the required ones left
    /// blank. Each value is named by its field's name, or by `name` when given (a fact by its
    /// 事项).
    fn item<'s>(
        &mut self,
        sheet: &'s Sheet,
        cells: impl IntoIterator<Item = (Field, u32, u16)>,
        together: Together,
        name: Option<&str>,
    ) -> Item<'s> {
        let reads = cells
            .into_iter()
            .map(|(field, row, col)| {
                let name = name.unwrap_or(field.name()).to_owned();
                let value = self.value(sheet, (row, col), field.kind, &name);
                Read {
                    field,
                    name,
                    row,
                    col,
                    blank: blank(sheet.get(row, col)),
                    value,
                }
            })
            .collect();
        let item = Item {
            sheet,
            reads,
            together,
        };
        for read in item.reads.iter().filter(|r| r.value.is_none() && r.blank) {
            let (problem, expected) = match read.field.need {
                Need::Required => (messages::NOT_FILLED, messages::REQUIRED),
                Need::WithOthers(together) if item.missing(read) => {
                    (messages::NOT_FILLED_WITH_OTHERS, together)
                }
                _ => continue,
            };
            self.error(sheet, (read.row, read.col), &read.name, problem, expected);
        }
        item
    }

    /// The item as a `T` when complete, each value recorded as read for the field below `base`.
    fn keep<T: DeserializeOwned>(
        &mut self,
        item: &Item<'_>,
        base: Option<&FieldPath>,
    ) -> Option<T> {
        if !item.complete() {
            return None;
        }
        match serde_json::from_value(item.tree()) {
            Ok(value) => {
                for read in item.kept() {
                    let field = path(base, read.field.key);
                    let at = (read.row, read.col);
                    self.record(field, item.sheet, at, &read.name, read.value.as_ref());
                }
                Some(value)
            }
            // Every value was read as its kind: only a row the unit format does not take
            // (which the layout's tests rule out) comes here.
            Err(_) => {
                let at = item.reads.first().map_or((0, 0), |r| (r.row, r.col));
                let (problem, expected) = messages::not_an_item();
                self.error(item.sheet, at, "", problem, expected);
                None
            }
        }
    }
}

/// The key of column `col` of a sheet's `fields`.
fn key_of(fields: &[Field], col: u16) -> &'static str {
    fields[usize::from(col)].key
}

/// The cells of one row of a list sheet, a column each.
fn columns(columns: &[Field], row: u32) -> impl Iterator<Item = (Field, u32, u16)> + '_ {
    (0u16..)
        .zip(columns)
        .map(move |(col, field)| (*field, row, col))
}

/// The sheets of a form.
struct Book {
    meta: Sheet,
    unit: Sheet,
    indicators: Sheet,
    goals: Sheet,
    funds: Sheet,
    sources: Sheet,
    claims: Sheet,
    facts: Sheet,
}

fn open(path: &Path, workbook: &str) -> Result<Book, FormError> {
    let cannot = |problem: String, detail: String| FormError::Open {
        workbook: workbook.to_owned(),
        problem,
        detail,
    };
    let file =
        std::fs::File::open(path).map_err(|e| cannot(messages::open::file(&e), e.to_string()))?;
    jixiao_ingest::archive::check(std::io::BufReader::new(file))
        .map_err(|e| cannot(messages::open::zip(&e), e.to_string()))?;
    let mut xlsx: Xlsx<_> = open_workbook(path)
        .map_err(|e: calamine::XlsxError| cannot(messages::open::not_xlsx(), e.to_string()))?;
    let mut sheet = |name: &'static str| -> Result<Sheet, FormError> {
        let cells = xlsx_cells(&mut xlsx, name).map_err(|e| match e {
            calamine::XlsxError::WorksheetNotFound(_) => FormError::MissingSheet {
                workbook: workbook.to_owned(),
                sheet: name.to_owned(),
            },
            e => cannot(messages::open::sheet(name), e.to_string()),
        })?;
        let merges = xlsx
            .merge_cells_by_sheet_name(name)
            .map_err(|e| cannot(messages::open::sheet(name), e.to_string()))?;
        Ok(Sheet::new(name, cells, merges))
    };
    Ok(Book {
        meta: sheet(META)?,
        unit: sheet(UNIT)?,
        indicators: sheet(INDICATORS)?,
        goals: sheet(GOALS)?,
        funds: sheet(FUNDS)?,
        sources: sheet(SOURCES)?,
        claims: sheet(CLAIMS)?,
        facts: sheet(FACTS)?,
    })
}

/// Reads a filled form. Every cell that cannot be read is reported (all of them, not only the
/// first) as a [`CellError`] (workbook, sheet, cell, field, problem, 要求), and so is every
/// figure out of bounds.
pub fn read_form(path: &Path) -> Result<Filled, FormError> {
    let workbook = path.display().to_string();
    // A panic inside calamine (a damaged file) is a refusal of this form, not of the batch.
    jixiao_ingest::document::calamine_guard(
        || read_form_unguarded(path),
        |detail| FormError::Open {
            workbook,
            problem: messages::open::damaged(),
            detail,
        },
    )
}

fn read_form_unguarded(path: &Path) -> Result<Filled, FormError> {
    let workbook = path.display().to_string();
    let book = open(path, &workbook)?;
    let mut r = Reader {
        workbook,
        errors: Vec::new(),
        notes: Vec::new(),
        cells: BTreeMap::new(),
    };
    let origin = read_meta(&mut r, &book.meta);
    // Every sheet is read even when one has errors, so all of them are reported at once.
    let unit = read_unit_sheet(&mut r, &book.unit);
    let indicators = read_indicators(&mut r, &book.indicators);
    let goals = read_list(
        &mut r,
        &book.goals,
        "goals",
        &GOAL_COLUMNS,
        Together::WhenFilled,
    );
    let mut funds: Vec<SpecialFund> = read_list(
        &mut r,
        &book.funds,
        "funds",
        &FUND_COLUMNS,
        Together::WhenRead,
    );
    read_sources(&mut r, &book.sources, &mut funds);
    let claims = read_list(
        &mut r,
        &book.claims,
        "claims",
        &CLAIM_COLUMNS,
        Together::WhenRead,
    );
    let facts = read_facts(&mut r, &book.facts);
    let unit = unit.map(|unit| SelfEvaluation {
        indicators,
        goals,
        funds,
        claims,
        facts,
        ..unit
    });
    r.finish(unit, origin)
}

impl Reader {
    /// The form read: the unit, checked, when no cell had an error.
    fn finish(
        mut self,
        unit: Option<SelfEvaluation>,
        origin: FormOrigin,
    ) -> Result<Filled, FormError> {
        self.errors.sort_by_key(|(at, _)| *at);
        self.notes.sort_by_key(|(at, _)| *at);
        let unit = match unit {
            Some(unit) if self.errors.is_empty() => unit,
            _ => {
                let errors = self.errors.into_iter().map(|(_, e)| e).collect();
                return Err(FormError::Cells(errors));
            }
        };
        let unit = unit
            .check()
            .map_err(|problems| FormError::Cells(self.at_cells(problems)))?;
        Ok(Filled {
            unit,
            notes: self.notes.into_iter().map(|(_, n)| n).collect(),
            origin,
            cells: self
                .cells
                .into_iter()
                .map(|(f, c)| (f, format!("{}!{}!{}", self.workbook, c.sheet, c.cell)))
                .collect(),
        })
    }

    /// Figures out of bounds, each at the cell it was read from, in sheet, row and column order.
    fn at_cells(&self, problems: Vec<Problem>) -> Vec<CellError> {
        let mut errors: Vec<(Option<Place>, CellError)> = problems
            .into_iter()
            .map(|p| {
                let cell = self.cells.get(&p.field);
                let (problem, expected) = messages::out_of_bounds(cell.and_then(|c| c.number));
                let error = CellError {
                    workbook: self.workbook.clone(),
                    sheet: cell.map(|c| c.sheet.to_owned()).unwrap_or_default(),
                    cell: cell.map(|c| c.cell.clone()).unwrap_or_default(),
                    field: cell.and_then(|c| named(&c.name)),
                    problem,
                    expected,
                };
                (cell.map(|c| c.place), error)
            })
            .collect();
        errors.sort_by_key(|(place, _)| (place.is_none(), *place));
        errors.into_iter().map(|(_, e)| e).collect()
    }
}

fn read_meta(r: &mut Reader, sheet: &Sheet) -> FormOrigin {
    let mut origin = FormOrigin::default();
    for row in sheet.rows(0) {
        let text = |r: &mut Reader, col| r.text(sheet, (row, col), Kind::Text, "");
        let key = text(r, META_KEY).unwrap_or_default();
        let value = text(r, META_VALUE).unwrap_or_default();
        match key.as_str() {
            "rule_set.id" => origin.id = value,
            "rule_set.name" => origin.name = value,
            "rule_set.version" => origin.version = value,
            "leaf" => {
                let name = text(r, META_NAME).unwrap_or_default();
                let points = text(r, META_POINTS)
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_default();
                origin.leaves.push((value, name, points));
            }
            _ => {}
        }
    }
    origin
}

/// The unit sheet: each field of [`UNIT_FIELDS`] on the row its hidden key names. The lists
/// (goals, funds...) are left empty.
fn read_unit_sheet(r: &mut Reader, sheet: &Sheet) -> Option<SelfEvaluation> {
    let mut rows: HashMap<&str, u32> = HashMap::new();
    for row in sheet.rows(0) {
        if let Data::String(key) = sheet.get(row, UNIT_KEY) {
            rows.insert(key.trim(), row);
        }
    }
    let mut cells = Vec::new();
    for field in UNIT_FIELDS.iter().filter(|f| !f.is_heading()) {
        match rows.get(field.key) {
            Some(&row) => cells.push((*field, row, UNIT_VALUE)),
            // A form whose key column was damaged reports it at A1, naming the line.
            None => {
                let (problem, expected) = messages::missing_row();
                r.error(sheet, (0, UNIT_KEY), field.name(), problem, expected);
            }
        }
    }
    let item = r.item(sheet, cells, Together::WhenRead, None);
    r.keep(&item, None)
}

/// A list sheet whose rows are the items of the unit's list `list` (`goals`, `funds`, `claims`).
fn read_list<T: DeserializeOwned>(
    r: &mut Reader,
    sheet: &Sheet,
    list: &str,
    fields: &[Field],
    together: Together,
) -> Vec<T> {
    let mut out = Vec::new();
    for row in sheet.list_rows(fields) {
        let item = r.item(sheet, columns(fields, row), together, None);
        let base = FieldPath::new(list).index(out.len());
        out.extend(r.keep(&item, Some(&base)));
    }
    out
}

/// The sources sheet: each row a source of the fund it names.
fn read_sources(r: &mut Reader, sheet: &Sheet, funds: &mut [SpecialFund]) {
    for row in sheet.list_rows(&SOURCE_COLUMNS) {
        let mut item = r.item(
            sheet,
            columns(&SOURCE_COLUMNS, row),
            Together::WhenRead,
            None,
        );
        let fund = item.take(key_of(&SOURCE_COLUMNS, SOURCE_FUND));
        let Some(Read {
            value: Some(Json::String(fund)),
            name,
            ..
        }) = fund
        else {
            continue;
        };
        let Some(i) = funds.iter().position(|f| f.name == fund) else {
            let (problem, expected) = messages::unknown_fund(&fund);
            r.error(sheet, (row, SOURCE_FUND), &name, problem, expected);
            continue;
        };
        let base = FieldPath::new("funds")
            .index(i)
            .key("sources")
            .index(funds[i].sources.len());
        let source: Option<FundSource> = r.keep(&item, Some(&base));
        funds[i].sources.extend(source);
    }
}

/// Whether a row of the indicator sheet counts: the unit filled one of its values, or named the
/// indicator itself. A row pre-filled with a leaf and left blank does not.
fn counts(sheet: &Sheet, row: u32, origin: &str) -> bool {
    let values = [
        IND_DIRECTION,
        IND_TARGET,
        IND_ACTUAL,
        IND_UNIT,
        IND_TIER,
        IND_SELF_SCORE,
        IND_EXPLANATION,
    ];
    let values_given = values.iter().any(|&c| !blank(sheet.get(row, c)));
    let named_by_unit = !origin.starts_with("leaf:") && !blank(sheet.get(row, IND_NAME));
    values_given || named_by_unit
}

fn read_indicators(r: &mut Reader, sheet: &Sheet) -> Vec<IndicatorRow> {
    let level1 = IND_COLUMNS[usize::from(IND_LEVEL1)].label;
    let header = sheet
        .rows(0)
        .find(|&row| matches!(sheet.get(row, IND_LEVEL1), Data::String(s) if s.trim() == level1))
        .unwrap_or(IND_HEADER_ROW);
    // The hidden origin column matches the row to a leaf; it is not a value of the row.
    let fields = &IND_COLUMNS[..usize::from(IND_ORIGIN)];
    let mut out = Vec::new();
    let rows: Vec<u32> = sheet.rows(header + 1).collect();
    for row in rows {
        let origin = r
            .text(sheet, (row, IND_ORIGIN), Kind::Text, "")
            .unwrap_or_default();
        if !counts(sheet, row, &origin) {
            continue;
        }
        let item = r.item(sheet, columns(fields, row), Together::WhenRead, None);
        let base = FieldPath::new("indicators").index(out.len());
        if let Some(indicator) = r.keep::<IndicatorRow>(&item, Some(&base)) {
            percent_typed(r, sheet, row, &indicator);
            out.push(indicator);
        }
    }
    out
}

/// "98%" typed into a cell is stored by Excel as 0.98: against a target of 100 (%) that reads
/// as 0.98 %. Said, not guessed.
fn percent_typed(r: &mut Reader, sheet: &Sheet, row: u32, indicator: &IndicatorRow) {
    let (Some(target), Some(actual)) = (indicator.target, indicator.actual) else {
        return;
    };
    if indicator.unit.as_deref().map(str::trim) != Some("%") {
        return;
    }
    let small = Decimal::new(15, 1);
    let name = |col: u16| IND_COLUMNS[usize::from(col)].name();
    for (col, value, other, other_col) in [
        (IND_ACTUAL, actual, target, IND_TARGET),
        (IND_TARGET, target, actual, IND_ACTUAL),
    ] {
        if value > Decimal::ZERO && value <= small && other > small {
            let message = messages::percent_typed(value, name(other_col), other);
            r.note(sheet, (row, col), name(col), message);
        }
    }
}

/// The facts sheet: a row counts when its 是/否 is filled.
fn read_facts(r: &mut Reader, sheet: &Sheet) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    for row in sheet.rows(LIST_HEADER_ROW + 1) {
        if blank(sheet.get(row, FACT_VALUE)) {
            continue;
        }
        let cells = [FACT_CODE, FACT_VALUE].map(|col| (FACT_COLUMNS[usize::from(col)], row, col));
        // A fact is named by its 事项, as the unit reads it.
        let label = r.text(sheet, (row, FACT_LABEL), Kind::Text, "");
        let mut item = r.item(sheet, cells, Together::WhenRead, label.as_deref());
        let code = item.take(key_of(&FACT_COLUMNS, FACT_CODE));
        let value = item.take(key_of(&FACT_COLUMNS, FACT_VALUE));
        if let (Some(Json::String(code)), Some(value)) = (code.and_then(|c| c.value), value) {
            let (name, value) = match value.value {
                Some(Json::Bool(v)) => (value.name, v),
                _ => continue,
            };
            // A fact's code that is not a key (`Budget-Disclosed`) has no field path.
            if let Ok(field) = FieldPath::parse(&format!("facts.{code}")) {
                let read = Json::Bool(value);
                r.record(field, sheet, (row, FACT_VALUE), &name, Some(&read));
            }
            out.insert(code, value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_typed_as_text() {
        let day = |s: &str| date_from_text(s);
        assert_eq!(day("2025-03-31").as_deref(), Some("2025-03-31"));
        assert_eq!(day("2025/3/31").as_deref(), Some("2025-03-31"));
        assert_eq!(day("2025.3.1").as_deref(), Some("2025-03-01"));
        assert_eq!(day(" 2025年3月31日 ").as_deref(), Some("2025-03-31"));
        assert_eq!(day("２０２５年３月３１日").as_deref(), Some("2025-03-31"));
        assert_eq!(day("2024-02-29").as_deref(), Some("2024-02-29"));
        for bad in [
            "2023-02-29",
            "2025-13-01",
            "2025-04-31",
            "下月",
            "2025-3",
            "20250331",
            "",
        ] {
            assert_eq!(day(bad), None, "{bad}");
        }
    }
}
