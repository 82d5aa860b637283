//! Reading a filled form back into the unit model.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use calamine::{Data, Dimensions, Range, Reader as _, Xlsx, open_workbook};
use jixiao_model::{
    Account, AccountFigures, BaseData, Budget, BudgetAccounts, Buildings, Claim, Declared,
    Direction, EvaluationKind, FundSource, Goal, GoalMeasure, IndicatorRow, Narrative,
    SelfEvaluation, SpecialFund, Staffing, Tasks, Tier, UnitIdentity,
};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;

use crate::layout::*;
use crate::text::{decimal_from_f64, number_from_text};
use crate::{CellError, FormError, FormOrigin, Note};

/// A filled form, read: the unit, what was read with a conversion (notes), and the rule set the
/// form was made for.
#[derive(Debug, Clone)]
pub struct Filled {
    pub unit: SelfEvaluation,
    /// Cells read with a conversion the unit should know of (an amount typed as text, in 元...).
    pub notes: Vec<Note>,
    /// The rule set (and version) the form was made for.
    pub origin: FormOrigin,
}

struct Sheet {
    name: &'static str,
    range: Range<Data>,
    merges: Vec<Dimensions>,
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
        self.range.get_value((row, col)).unwrap_or(&EMPTY)
    }

    fn rows(&self) -> u32 {
        self.range.end().map_or(0, |(r, _)| r + 1)
    }

    fn is_blank(&self, row: u32, cols: u16) -> bool {
        (0..cols).all(|c| blank(self.get(row, c)))
    }
}

fn blank(data: &Data) -> bool {
    match data {
        Data::Empty => true,
        Data::String(s) => s.trim().trim_matches('\u{3000}').is_empty(),
        _ => false,
    }
}

/// How a cell's content is quoted in an error.
fn shown(data: &Data) -> String {
    match data {
        Data::String(s) => format!("{s:?}"),
        Data::Float(f) => {
            decimal_from_f64(*f).map_or_else(|| "a number".to_owned(), |d| d.to_string())
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_owned(),
        Data::DateTime(_) | Data::DateTimeIso(_) => "a date".to_owned(),
        Data::DurationIso(_) => "a duration".to_owned(),
        Data::Error(e) => format!("the error {e}"),
        Data::Empty => "nothing".to_owned(),
    }
}

struct Reader {
    workbook: String,
    /// With the sheet's place in the workbook, row and column: reported in that order.
    errors: Vec<((usize, u32, u16), CellError)>,
    notes: Vec<((usize, u32, u16), Note)>,
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

fn place(sheet: &Sheet, row: u32, col: u16) -> (usize, u32, u16) {
    (
        ORDER
            .iter()
            .position(|s| *s == sheet.name)
            .unwrap_or(ORDER.len()),
        row,
        col,
    )
}

impl Reader {
    fn at(&self, sheet: &Sheet, row: u32, col: u16) -> String {
        format!("{}!{}!{}", self.workbook, sheet.name, cell_ref(row, col))
    }

    fn error(&mut self, sheet: &Sheet, row: u32, col: u16, message: impl Into<String>) {
        let error = CellError {
            at: self.at(sheet, row, col),
            message: message.into(),
        };
        self.errors.push((place(sheet, row, col), error));
    }

    fn note(&mut self, sheet: &Sheet, row: u32, col: u16, message: String) {
        let note = Note {
            at: self.at(sheet, row, col),
            message,
        };
        self.notes.push((place(sheet, row, col), note));
    }

    /// Text, trimmed; `None` when blank. A number in a text cell is taken as its digits.
    fn text(&mut self, sheet: &Sheet, row: u32, col: u16) -> Option<String> {
        match sheet.get(row, col) {
            Data::String(s) => {
                let s = s.trim().trim_matches('\u{3000}').trim();
                (!s.is_empty()).then(|| s.to_owned())
            }
            Data::Empty => None,
            Data::Float(f) => decimal_from_f64(*f).map(|d| d.to_string()),
            Data::Int(i) => Some(i.to_string()),
            other => {
                let found = shown(other);
                self.error(sheet, row, col, format!("expected text, found {found}"));
                None
            }
        }
    }

    /// A number; `amount` accepts a 万元 or 元 suffix on text. Text read as a number is noted.
    fn number(&mut self, sheet: &Sheet, row: u32, col: u16, amount: bool) -> Option<Decimal> {
        match sheet.get(row, col) {
            Data::Float(f) => decimal_from_f64(*f).or_else(|| {
                self.error(
                    sheet,
                    row,
                    col,
                    "expected a number, found a value that is not finite",
                );
                None
            }),
            Data::Int(i) => Some(Decimal::from(*i)),
            Data::Empty => None,
            Data::String(s) if blank(&Data::String(s.clone())) => None,
            Data::String(s) => match number_from_text(s, amount) {
                Some(value) => {
                    let unit = if amount { " 万元" } else { "" };
                    self.note(
                        sheet,
                        row,
                        col,
                        format!("read the text {s:?} as {value}{unit}"),
                    );
                    Some(value)
                }
                None => {
                    self.error(sheet, row, col, format!("expected a number, found {s:?}"));
                    None
                }
            },
            other => {
                let found = shown(other);
                self.error(sheet, row, col, format!("expected a number, found {found}"));
                None
            }
        }
    }

    /// An amount in 万元, zero or more.
    fn amount(&mut self, sheet: &Sheet, row: u32, col: u16) -> Option<Decimal> {
        self.non_negative(sheet, row, col, true)
    }

    fn non_negative(&mut self, sheet: &Sheet, row: u32, col: u16, amount: bool) -> Option<Decimal> {
        let value = self.number(sheet, row, col, amount)?;
        if value.is_sign_negative() && !value.is_zero() {
            self.error(
                sheet,
                row,
                col,
                format!("expected zero or more, found {value}"),
            );
            return None;
        }
        Some(value)
    }

    fn whole(&mut self, sheet: &Sheet, row: u32, col: u16) -> Option<u32> {
        let value = self.number(sheet, row, col, false)?;
        match (value.fract().is_zero(), value.to_u32()) {
            (true, Some(n)) => Some(n),
            _ => {
                self.error(
                    sheet,
                    row,
                    col,
                    format!("expected a whole number of zero or more, found {value}"),
                );
                None
            }
        }
    }

    fn choice<T: Copy>(
        &mut self,
        sheet: &Sheet,
        row: u32,
        col: u16,
        options: &[(&str, T)],
    ) -> Option<T> {
        let text = self.text(sheet, row, col)?;
        if let Some((_, value)) = options.iter().find(|(word, _)| *word == text) {
            return Some(*value);
        }
        let mut words: Vec<&str> = Vec::new();
        for (word, _) in options {
            // Alternatives (`>=`, `department`, `TRUE`) are accepted, but not offered.
            let alternative =
                word.chars().any(|c| c.is_ascii_alphabetic()) || word.contains(['<', '>']);
            if !words.contains(word) && !alternative {
                words.push(word);
            }
        }
        self.error(
            sheet,
            row,
            col,
            format!("expected one of {}, found {text:?}", words.join(", ")),
        );
        None
    }

    fn yes_no(&mut self, sheet: &Sheet, row: u32, col: u16) -> Option<bool> {
        if let Data::Bool(b) = sheet.get(row, col) {
            return Some(*b);
        }
        self.choice(
            sheet,
            row,
            col,
            &[
                ("是", true),
                ("否", false),
                ("Y", true),
                ("N", false),
                ("TRUE", true),
                ("FALSE", false),
            ],
        )
    }

    fn required<T>(
        &mut self,
        sheet: &Sheet,
        row: u32,
        col: u16,
        value: Option<T>,
        what: &str,
    ) -> Option<T> {
        if value.is_none() && blank(sheet.get(row, col)) {
            self.error(sheet, row, col, format!("{what} is required"));
        }
        value
    }
}

const DIRECTION_WORDS: [(&str, Direction); 5] = [
    ("≥", Direction::AtLeast),
    (">=", Direction::AtLeast),
    ("≤", Direction::AtMost),
    ("<=", Direction::AtMost),
    ("=", Direction::Equal),
];
const TIER_WORDS: [(&str, Tier); 3] = [
    ("达成", Tier::Achieved),
    ("部分达成", Tier::PartlyAchieved),
    ("未达成", Tier::NotAchieved),
];

/// Reads a filled form. Every cell that cannot be read is reported (all of them, not only the
/// first) as `workbook!sheet!cell: message`.
pub fn read_form(path: &Path) -> Result<Filled, FormError> {
    let workbook = path.display().to_string();
    let mut xlsx: Xlsx<_> =
        open_workbook(path).map_err(|e: calamine::XlsxError| FormError::Open {
            workbook: workbook.clone(),
            message: e.to_string(),
        })?;
    let mut sheet = |name: &'static str| -> Result<Sheet, FormError> {
        let range = xlsx
            .worksheet_range(name)
            .map_err(|_| FormError::MissingSheet {
                workbook: workbook.clone(),
                sheet: name.to_owned(),
            })?;
        let merges = xlsx
            .merge_cells_by_sheet_name(name)
            .map_err(|e| FormError::Open {
                workbook: workbook.clone(),
                message: e.to_string(),
            })?;
        Ok(Sheet {
            name,
            range,
            merges,
        })
    };
    let meta = sheet(META)?;
    let unit_sheet = sheet(UNIT)?;
    let indicators = sheet(INDICATORS)?;
    let goals = sheet(GOALS)?;
    let funds = sheet(FUNDS)?;
    let sources = sheet(SOURCES)?;
    let claims = sheet(CLAIMS)?;
    let facts = sheet(FACTS)?;

    let mut r = Reader {
        workbook: workbook.clone(),
        errors: Vec::new(),
        notes: Vec::new(),
    };
    let origin = read_meta(&mut r, &meta);
    // Every sheet is read even when one has errors, so all of them are reported at once.
    let unit = read_unit_sheet(&mut r, &unit_sheet);
    let rows = read_indicators(&mut r, &indicators);
    let goals = read_goals(&mut r, &goals);
    let funds = read_funds(&mut r, &funds, &sources);
    let claims = read_claims(&mut r, &claims);
    let facts = read_facts(&mut r, &facts);
    r.errors.sort_by_key(|(at, _)| *at);
    r.notes.sort_by_key(|(at, _)| *at);
    match unit {
        Some(mut unit) if r.errors.is_empty() => {
            unit.indicators = rows;
            unit.goals = goals;
            unit.funds = funds;
            unit.claims = claims;
            unit.facts = facts;
            Ok(Filled {
                unit,
                notes: r.notes.into_iter().map(|(_, n)| n).collect(),
                origin,
            })
        }
        _ => Err(FormError::Cells(
            r.errors.into_iter().map(|(_, e)| e).collect(),
        )),
    }
}

fn read_meta(r: &mut Reader, sheet: &Sheet) -> FormOrigin {
    let mut origin = FormOrigin::default();
    for row in 0..sheet.rows() {
        let key = r.text(sheet, row, 0).unwrap_or_default();
        let value = r.text(sheet, row, 1).unwrap_or_default();
        match key.as_str() {
            "rule_set.id" => origin.id = value,
            "rule_set.name" => origin.name = value,
            "rule_set.version" => origin.version = value,
            "leaf" => {
                let name = r.text(sheet, row, 2).unwrap_or_default();
                let points = r
                    .text(sheet, row, 3)
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_default();
                origin.leaves.push((value, name, points));
            }
            _ => {}
        }
    }
    origin
}

/// `value`, or an error at the key's value cell saying `what` is required.
fn required_at<T>(
    r: &mut Reader,
    sheet: &Sheet,
    rows: &HashMap<String, u32>,
    key: &str,
    value: Option<T>,
    what: &str,
) -> Option<T> {
    match rows.get(key).copied() {
        Some(row) => r.required(sheet, row, UNIT_VALUE, value, what),
        None => value,
    }
}

fn read_unit_sheet(r: &mut Reader, sheet: &Sheet) -> Option<SelfEvaluation> {
    let mut rows: HashMap<String, u32> = HashMap::new();
    for row in 0..sheet.rows() {
        if let Data::String(key) = sheet.get(row, UNIT_KEY) {
            rows.insert(key.trim().to_owned(), row);
        }
    }
    let c = UNIT_VALUE;
    // The row of a key; a form whose key column was damaged reports it at A1.
    let row_of = |r: &mut Reader, key: &str| -> Option<u32> {
        let row = rows.get(key).copied();
        if row.is_none() {
            r.error(
                sheet,
                0,
                UNIT_KEY,
                format!("the row for `{key}` is missing from the unit sheet"),
            );
        }
        row
    };
    macro_rules! text {
        ($key:expr) => {
            row_of(r, $key).and_then(|row| r.text(sheet, row, c))
        };
    }
    macro_rules! amount {
        ($key:expr) => {
            row_of(r, $key).and_then(|row| r.amount(sheet, row, c))
        };
    }
    macro_rules! whole {
        ($key:expr) => {
            row_of(r, $key).and_then(|row| r.whole(sheet, row, c))
        };
    }
    let name = text!("unit.name");
    let name = required_at(r, sheet, &rows, "unit.name", name, "单位名称 (unit name)");
    let year = whole!("unit.year");
    let year = required_at(r, sheet, &rows, "unit.year", year, "评价年度 (year)");
    let year = year.and_then(|y| {
        let row = rows.get("unit.year").copied().unwrap_or(0);
        u16::try_from(y).ok().or_else(|| {
            r.error(sheet, row, c, format!("expected a year, found {y}"));
            None
        })
    });
    let kind_row = row_of(r, "unit.kind");
    let kind = kind_row.and_then(|row| {
        let kind = r.choice(
            sheet,
            row,
            c,
            &[
                ("部门整体支出", EvaluationKind::Department),
                ("项目支出", EvaluationKind::Project),
                ("department", EvaluationKind::Department),
                ("project", EvaluationKind::Project),
            ],
        );
        r.required(sheet, row, c, kind, "评价类型 (kind)")
    });
    let identity = UnitIdentity {
        name: name.clone().unwrap_or_default(),
        code: text!("unit.code"),
        region: text!("unit.region"),
        year: year.unwrap_or_default(),
        kind: kind.unwrap_or(EvaluationKind::Department),
        project: text!("unit.project"),
        category: text!("unit.category"),
        level: text!("unit.level"),
        sub_units: whole!("unit.sub_units"),
    };

    let authorised = whole!("staffing.authorised");
    let in_post = whole!("staffing.in_post");
    let retired = whole!("staffing.retired");
    let staffing = if authorised.is_some() || in_post.is_some() || retired.is_some() {
        let authorised = required_at(
            r,
            sheet,
            &rows,
            "staffing.authorised",
            authorised,
            "编制数 (with the other staffing figures)",
        );
        let in_post = required_at(
            r,
            sheet,
            &rows,
            "staffing.in_post",
            in_post,
            "在职人数 (with the other staffing figures)",
        );
        Some(Staffing {
            authorised: authorised.unwrap_or_default(),
            in_post: in_post.unwrap_or_default(),
            retired: retired.unwrap_or_default(),
        })
    } else {
        None
    };

    let opening = amount!("budget.opening");
    let opening = required_at(
        r,
        sheet,
        &rows,
        "budget.opening",
        opening,
        "年初预算数 (opening budget)",
    );
    let spent = amount!("budget.spent");
    let spent = required_at(
        r,
        sheet,
        &rows,
        "budget.spent",
        spent,
        "全年执行数 (amount spent)",
    );
    let budget = Budget {
        opening: opening.unwrap_or_default(),
        full_year: amount!("budget.full_year"),
        income: amount!("budget.income"),
        spent: spent.unwrap_or_default(),
        basic: amount!("budget.basic"),
        personnel: amount!("budget.personnel"),
        public: amount!("budget.public"),
        project: amount!("budget.project"),
    };

    let account = |r: &mut Reader, key: &str| -> Account {
        let state = row_of(r, key).and_then(|row| {
            r.choice(
                sheet,
                row,
                c,
                &[("无", false), ("有", true), ("none", false)],
            )
        });
        let income_key = format!("{key}.income");
        let spent_key = format!("{key}.spent");
        let income = row_of(r, &income_key).and_then(|row| r.amount(sheet, row, c));
        let spent = row_of(r, &spent_key).and_then(|row| r.amount(sheet, row, c));
        match (state, income, spent) {
            (Some(false), None, None) => Account::None,
            (None, None, None) => Account::NotReported,
            (_, income, spent) => {
                let income = required_at(
                    r,
                    sheet,
                    &rows,
                    income_key.as_str(),
                    income,
                    "收入 (income of the account)",
                );
                let spent = required_at(
                    r,
                    sheet,
                    &rows,
                    spent_key.as_str(),
                    spent,
                    "支出 (spending of the account)",
                );
                match (income, spent) {
                    (Some(income), Some(spent)) => {
                        Account::Figures(AccountFigures { income, spent })
                    }
                    _ => Account::NotReported,
                }
            }
        }
    };
    let accounts = BudgetAccounts {
        government_fund: account(r, "accounts.government_fund"),
        state_capital: account(r, "accounts.state_capital"),
        social_insurance: account(r, "accounts.social_insurance"),
    };

    let number = |r: &mut Reader, key: &str| {
        row_of(r, key).and_then(|row| r.non_negative(sheet, row, c, false))
    };
    let area = (
        number(r, "base.buildings.planned_area"),
        number(r, "base.buildings.actual_area"),
    );
    let investment = (
        amount!("base.buildings.planned_investment"),
        amount!("base.buildings.actual_investment"),
    );
    let buildings = match (area, investment) {
        ((None, None), (None, None)) => None,
        ((a, b), (i, j)) => {
            let a = required_at(
                r,
                sheet,
                &rows,
                "base.buildings.planned_area",
                a,
                "计划面积 (with the other building figures)",
            );
            let b = required_at(
                r,
                sheet,
                &rows,
                "base.buildings.actual_area",
                b,
                "实际面积 (with the other building figures)",
            );
            let i = required_at(
                r,
                sheet,
                &rows,
                "base.buildings.planned_investment",
                i,
                "概算投资 (with the other building figures)",
            );
            let j = required_at(
                r,
                sheet,
                &rows,
                "base.buildings.actual_investment",
                j,
                "实际投资 (with the other building figures)",
            );
            Some(Buildings {
                planned_area: a.unwrap_or_default(),
                actual_area: b.unwrap_or_default(),
                planned_investment: i.unwrap_or_default(),
                actual_investment: j.unwrap_or_default(),
            })
        }
    };
    let tasks = [
        whole!("base.tasks.planned"),
        whole!("base.tasks.completed"),
        whole!("base.tasks.on_time"),
        whole!("base.tasks.up_to_standard"),
    ];
    let tasks = if tasks.iter().all(Option::is_none) {
        None
    } else {
        let keys = [
            "base.tasks.planned",
            "base.tasks.completed",
            "base.tasks.on_time",
            "base.tasks.up_to_standard",
        ];
        let mut got = [0u32; 4];
        for (i, key) in keys.iter().enumerate() {
            got[i] = required_at(
                r,
                sheet,
                &rows,
                key,
                tasks[i],
                "任务数 (the four task counts go together)",
            )
            .unwrap_or_default();
        }
        Some(Tasks {
            planned: got[0],
            completed: got[1],
            on_time: got[2],
            up_to_standard: got[3],
        })
    };
    let base = BaseData {
        three_public: amount!("base.three_public"),
        three_public_last_year: amount!("base.three_public_last_year"),
        three_public_budget: amount!("base.three_public_budget"),
        public_budget: amount!("base.public_budget"),
        procurement_budget: amount!("base.procurement_budget"),
        procurement_actual: amount!("base.procurement_actual"),
        key_project_spending: amount!("base.key_project_spending"),
        carried_in: amount!("base.carried_in"),
        carried_over: amount!("base.carried_over"),
        carried_over_last_year: amount!("base.carried_over_last_year"),
        buildings,
        tasks,
    };

    let total = number(r, "declared.total");
    let grade = text!("declared.grade");
    let declared = (total.is_some() || grade.is_some()).then_some(Declared { total, grade });
    let narrative = Narrative {
        problems: text!("narrative.problems"),
        improvements: text!("narrative.improvements"),
        use_and_disclosure: text!("narrative.use_and_disclosure"),
        other: text!("narrative.other"),
    };
    let complete =
        name.is_some() && year.is_some() && kind.is_some() && opening.is_some() && spent.is_some();
    complete.then_some(SelfEvaluation {
        unit: identity,
        staffing,
        goals: Vec::new(),
        budget,
        accounts,
        funds: Vec::new(),
        base,
        indicators: Vec::new(),
        claims: Vec::new(),
        facts: BTreeMap::new(),
        narrative,
        declared,
    })
}

fn read_indicators(r: &mut Reader, sheet: &Sheet) -> Vec<IndicatorRow> {
    let header = (0..sheet.rows())
        .find(|&row| matches!(sheet.get(row, IND_LEVEL1), Data::String(s) if s.trim() == IND_HEADERS[0]))
        .unwrap_or(2);
    let mut out = Vec::new();
    for row in header + 1..sheet.rows() {
        let origin = r.text(sheet, row, IND_ORIGIN).unwrap_or_default();
        let values_given = [
            IND_DIRECTION,
            IND_TARGET,
            IND_ACTUAL,
            IND_UNIT,
            IND_TIER,
            IND_SELF_SCORE,
            IND_EXPLANATION,
        ]
        .iter()
        .any(|&c| !blank(sheet.get(row, c)));
        let named_by_unit = !origin.starts_with("leaf:") && !blank(sheet.get(row, IND_NAME));
        if !values_given && !named_by_unit {
            continue;
        }
        let level1 = r.text(sheet, row, IND_LEVEL1);
        let level1 = r.required(sheet, row, IND_LEVEL1, level1, "一级指标 (level 1)");
        let level2 = r.text(sheet, row, IND_LEVEL2);
        let name = r.text(sheet, row, IND_NAME);
        let name = r.required(
            sheet,
            row,
            IND_NAME,
            name,
            "三级指标 (the indicator's name)",
        );
        let direction = r.choice(sheet, row, IND_DIRECTION, &DIRECTION_WORDS);
        let target = r.number(sheet, row, IND_TARGET, false);
        let actual = r.number(sheet, row, IND_ACTUAL, false);
        let unit = r.text(sheet, row, IND_UNIT);
        let tier = r.choice(sheet, row, IND_TIER, &TIER_WORDS);
        let points = r.non_negative(sheet, row, IND_POINTS, false);
        let points = r.required(sheet, row, IND_POINTS, points, "分值 (points)");
        let self_score = r.non_negative(sheet, row, IND_SELF_SCORE, false);
        let explanation = r.text(sheet, row, IND_EXPLANATION);
        // "98%" typed into a cell is stored by Excel as 0.98: against a target of 100 (%) that
        // reads as 0.98 %. Said, not guessed.
        if unit.as_deref().map(str::trim) == Some("%")
            && let (Some(t), Some(a)) = (target, actual)
        {
            let small = Decimal::new(15, 1);
            for (col, value, other, what) in [
                (IND_ACTUAL, a, t, "实际完成值"),
                (IND_TARGET, t, a, "年度指标值"),
            ] {
                if value > Decimal::ZERO && value <= small && other > small {
                    r.note(
                        sheet,
                        row,
                        col,
                        format!(
                            "{what} {value} against {other} (unit %): if {} % was typed with a % sign, Excel stored it as {value}; type the number without %",
                            (value * Decimal::ONE_HUNDRED).normalize()
                        ),
                    );
                }
            }
        }
        if let (Some(level1), Some(name), Some(points)) = (level1, name, points) {
            out.push(IndicatorRow {
                level1,
                level2,
                name,
                direction,
                target,
                actual,
                unit,
                tier,
                points,
                self_score,
                explanation,
            });
        }
    }
    out
}

fn read_goals(r: &mut Reader, sheet: &Sheet) -> Vec<Goal> {
    let mut out = Vec::new();
    for row in 1..sheet.rows() {
        if sheet.is_blank(row, GOAL_HEADERS.len() as u16) {
            continue;
        }
        let fund = r.text(sheet, row, 0);
        let text = r.text(sheet, row, 1);
        let text = r.required(sheet, row, 1, text, "绩效目标 (the goal's text)");
        let measured = (2..=6).any(|c| !blank(sheet.get(row, c)));
        let measure = if measured {
            let indicator = r.text(sheet, row, 2);
            let indicator = r.required(sheet, row, 2, indicator, "量化指标 (what is measured)");
            let direction = r.choice(sheet, row, 3, &DIRECTION_WORDS);
            let direction = r.required(sheet, row, 3, direction, "指标方向 (≥, ≤ or =)");
            let target = r.number(sheet, row, 4, false);
            let target = r.required(sheet, row, 4, target, "年度指标值 (target)");
            let actual = r.number(sheet, row, 5, false);
            let unit = r.text(sheet, row, 6);
            let unit = r.required(sheet, row, 6, unit, "计量单位 (unit of measure)");
            match (indicator, direction, target, unit) {
                (Some(indicator), Some(direction), Some(target), Some(unit)) => Some(GoalMeasure {
                    indicator,
                    direction,
                    target,
                    actual,
                    unit,
                }),
                _ => None,
            }
        } else {
            None
        };
        if let Some(text) = text {
            out.push(Goal {
                fund,
                text,
                measure,
            });
        }
    }
    out
}

fn read_funds(r: &mut Reader, funds: &Sheet, sources: &Sheet) -> Vec<SpecialFund> {
    let mut out: Vec<SpecialFund> = Vec::new();
    for row in 1..funds.rows() {
        if funds.is_blank(row, FUND_HEADERS.len() as u16) {
            continue;
        }
        let name = r.text(funds, row, 0);
        let name = r.required(funds, row, 0, name, "资金名称 (the fund's name)");
        let opening = r.amount(funds, row, 1);
        let opening = r.required(funds, row, 1, opening, "年初预算数 (opening budget)");
        let change = r.number(funds, row, 2, true).unwrap_or_default();
        let spent = r.amount(funds, row, 3);
        let spent = r.required(funds, row, 3, spent, "实际支出 (amount spent)");
        let carried_over = r.amount(funds, row, 4).unwrap_or_default();
        if let (Some(name), Some(opening), Some(spent)) = (name, opening, spent) {
            out.push(SpecialFund {
                name,
                opening,
                change,
                spent,
                carried_over,
                sources: Vec::new(),
            });
        }
    }
    for row in 1..sources.rows() {
        if sources.is_blank(row, SOURCE_HEADERS.len() as u16) {
            continue;
        }
        let fund = r.text(sources, row, 0);
        let fund = r.required(sources, row, 0, fund, "资金名称 (the fund)");
        let name = r.text(sources, row, 1);
        let name = r.required(sources, row, 1, name, "来源 (the source)");
        let amount = r.amount(sources, row, 2);
        let amount = r.required(sources, row, 2, amount, "金额 (amount)");
        if let Some(fund) = &fund {
            match out.iter_mut().find(|f| &f.name == fund) {
                Some(target) => {
                    if let (Some(name), Some(amount)) = (name, amount) {
                        target.sources.push(FundSource { name, amount });
                    }
                }
                None => r.error(
                    sources,
                    row,
                    0,
                    format!("no special fund named {fund:?} on the sheet {FUNDS}"),
                ),
            }
        }
    }
    out
}

fn read_claims(r: &mut Reader, sheet: &Sheet) -> Vec<Claim> {
    let mut out = Vec::new();
    for row in 1..sheet.rows() {
        if sheet.is_blank(row, CLAIM_HEADERS.len() as u16) {
            continue;
        }
        let what = r.text(sheet, row, 0);
        let what = r.required(sheet, row, 0, what, "成果内容 (what is claimed)");
        let quantity = r.number(sheet, row, 1, false);
        let quantity = r.required(sheet, row, 1, quantity, "数量 (quantity)");
        let unit = r.text(sheet, row, 2);
        let unit = r.required(sheet, row, 2, unit, "计量单位 (unit of measure)");
        let at_least = r.yes_no(sheet, row, 3).unwrap_or(false);
        if let (Some(what), Some(quantity), Some(unit)) = (what, quantity, unit) {
            out.push(Claim {
                what,
                quantity,
                unit,
                at_least,
            });
        }
    }
    out
}

fn read_facts(r: &mut Reader, sheet: &Sheet) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    for row in 1..sheet.rows() {
        if blank(sheet.get(row, 2)) {
            continue;
        }
        let fact = r.text(sheet, row, 0);
        let fact = r.required(sheet, row, 0, fact, "代码 (the fact's code)");
        let value = r.yes_no(sheet, row, 2);
        if let (Some(fact), Some(value)) = (fact, value) {
            out.insert(fact, value);
        }
    }
    out
}
