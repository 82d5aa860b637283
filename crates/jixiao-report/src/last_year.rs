//! Last year beside this year in the summaries of a run with a results store (`score --db`):
//! each unit's 上年等级, 上年总分 and 总分变化 (this year's final total less last year's), a note
//! where last year's rule set is another, and the grade transition table since last year
//! (上年等级 → 本年等级). A run without a store shows none of it: its summaries are as before.

use std::str::FromStr as _;

use jixiao_engine::fmt::points;
use rust_decimal::Decimal;

use crate::transition::{Label, Matrix};
use crate::{SummaryRow, UnitSummary};

/// The row of the units the store holds no record of for the year before.
pub const NO_RECORD: &str = "上年无记录";

/// What the summaries know of a unit's year before.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum History {
    /// The run has no results store (or the row was not looked up: a unit carried over from an
    /// earlier round): nothing is shown.
    #[default]
    NotKept,
    /// The store holds no record of the unit for the year before.
    NoRecord,
    /// The store's record of the unit for the year before.
    Record(Box<LastYearResult>),
}

/// A unit's result of the year before, from the store, with the change since.
#[derive(Debug, Clone, PartialEq)]
pub struct LastYearResult {
    /// The run that recorded it.
    pub run: i64,
    pub year: u16,
    pub rule_set_id: String,
    pub rule_set_version: String,
    /// The final total (after the review, where there was one), as the store keeps it (shown).
    pub total: String,
    pub grade: Option<String>,
    pub reviewed: bool,
    /// This year's final total less last year's, at this year's rule set's decimals; `None`
    /// when the stored total is not a number.
    pub change: Option<Decimal>,
    /// The places this year's rule set shows scores at (`score_decimals`).
    pub decimals: u32,
    /// Whether last year's rule set is another (by id) than this year's.
    pub other_rule_set: bool,
    /// Where last year's rule set is another, saying so: `上年按另一评分规则
    /// hunan-department-district v2024.1 评分, 总分变化不是同口径的比较`.
    pub note: Option<String>,
}

impl LastYearResult {
    /// Last year's result beside this year's `final_total` (after the review, where there was
    /// one), scored under the rule set `rule_set_id` that shows scores at `decimals` places: the
    /// change is computed in decimals from the stored text (`"68.28"`), never in floats.
    #[expect(clippy::too_many_arguments, reason = "the fields of a store's record")]
    pub fn new(
        run: i64,
        year: u16,
        rule_set_id: String,
        rule_set_version: String,
        total: String,
        grade: Option<String>,
        reviewed: bool,
        final_total: Decimal,
        this_rule_set: &str,
        decimals: u32,
    ) -> LastYearResult {
        let change = Decimal::from_str(total.trim())
            .ok()
            .and_then(|last| final_total.checked_sub(last))
            .map(|change| jixiao_engine::fmt::round(change, decimals));
        let other_rule_set = rule_set_id != this_rule_set;
        let note = other_rule_set.then(|| {
            format!("上年按另一评分规则 {rule_set_id} v{rule_set_version} 评分, 总分变化不是同口径的比较")
        });
        LastYearResult {
            other_rule_set,
            note,
            run,
            year,
            rule_set_id,
            rule_set_version,
            total,
            grade,
            reviewed,
            change,
            decimals,
        }
    }

    /// Last year's total as a decimal (`None` when the stored text is not a number).
    pub fn total_value(&self) -> Option<Decimal> {
        Decimal::from_str(self.total.trim()).ok()
    }

    /// The grade for people: the band's name, or 无等级.
    pub fn grade_label(&self) -> &str {
        self.grade.as_deref().unwrap_or(NO_GRADE)
    }

    /// The change with its sign, at this year's decimals: `+8.89`, `-12.22`, `0.00`.
    pub fn change_label(&self) -> Option<String> {
        self.change.map(|c| signed(c, self.decimals))
    }
}

const NO_GRADE: &str = "无等级";

/// A change with its sign at `decimals` places: `+1.25`, `-0.50`, `0.00`.
pub(crate) fn signed(value: Decimal, decimals: u32) -> String {
    let shown = points(value, decimals).to_string();
    if shown.chars().all(|c| matches!(c, '-' | '0' | '.')) {
        points(Decimal::ZERO, decimals).to_string()
    } else if value.is_sign_negative() {
        shown
    } else {
        format!("+{shown}")
    }
}

/// The columns the summaries add beside each unit when the run has a store.
pub const COLUMNS: [&str; 4] = ["上年等级", "上年总分", "总分变化", "上年说明"];

/// What a summary explains under its table of units when the run has a store (the tables with
/// a 上年说明 column: summary.md, summary.xlsx).
pub const LEGEND: &str = "上年等级、上年总分: 结果库中该单位上一年度的最新结果 (有复核的取复核后总分); \
总分变化 = 本年总分 (有复核的取复核后总分) − 上年总分; 上年无记录: 结果库中没有该单位上一年度的记录, \
不计变化; 上年说明注明上年的评分规则与本年不同, 此时总分变化不是同口径的比较";

/// The legend of index.html, whose ranking marks such a change 规则不同 in place of a column.
pub const LEGEND_MARKED: &str = "上年等级、上年总分: 结果库中该单位上一年度的最新结果 (有复核的取复核后总分); \
总分变化 = 本年总分 (有复核的取复核后总分) − 上年总分; 上年无记录: 结果库中没有该单位上一年度的记录, \
不计变化; 总分变化下标「规则不同」的, 上年按另一评分规则评分, 总分变化不是同口径的比较";

/// The mark under a change whose last year was scored under another rule set (index.html).
pub const MARK: &str = "规则不同";

/// Whether the summaries show last year: some scored unit was looked up in a results store.
pub fn has_history(rows: &[SummaryRow]) -> bool {
    rows.iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .any(|s| s.last_year != History::NotKept)
}

/// The four cells of a unit (上年等级, 上年总分, 总分变化, 上年说明); `none` where there is
/// nothing to show.
pub fn cells(s: &UnitSummary, none: &str) -> [String; 4] {
    match &s.last_year {
        History::NotKept => std::array::from_fn(|_| none.to_owned()),
        History::NoRecord => [
            NO_RECORD.to_owned(),
            none.to_owned(),
            none.to_owned(),
            none.to_owned(),
        ],
        History::Record(last) => [
            last.grade_label().to_owned(),
            last.total.clone(),
            last.change_label().unwrap_or_else(|| none.to_owned()),
            last.note.clone().unwrap_or_else(|| none.to_owned()),
        ],
    }
}

/// This year's final grade of a unit: after the review, where there was one.
fn final_grade(s: &UnitSummary) -> Option<&str> {
    match &s.reviewed {
        Some((_, grade)) => grade.as_deref(),
        None => s.grade.as_deref(),
    }
}

/// The grade transition table since last year: rows last year's grade (this year's bands, then
/// any other grade last year's rule set had, in the order first met, 无等级 where used, and
/// 上年无记录), columns this year's final grade (the bands, 无等级 where used). Units not
/// looked up and those that failed are not counted.
pub fn transitions(rows: &[SummaryRow], grades: &[String]) -> Matrix {
    let scored: Vec<&UnitSummary> = crate::ranked(rows)
        .into_iter()
        .filter_map(|(_, i)| rows[i].outcome.as_ref().ok())
        .filter(|s| s.last_year != History::NotKept)
        .collect();
    let mut before: Vec<String> = grades.to_vec();
    for s in &scored {
        if let History::Record(last) = &s.last_year
            && let Some(grade) = &last.grade
            && !before.contains(grade)
        {
            before.push(grade.clone());
        }
    }
    let mut row_labels: Vec<Label> = before
        .iter()
        .enumerate()
        .map(|(i, g)| {
            if i < grades.len() {
                Label::always(g)
            } else {
                Label::when_used(g)
            }
        })
        .collect();
    row_labels.push(Label::when_used(NO_GRADE));
    row_labels.push(Label::always(NO_RECORD));
    let mut col_labels: Vec<Label> = grades.iter().map(Label::always).collect();
    col_labels.push(Label::when_used(NO_GRADE));
    let position = |labels: &[Label], grade: Option<&str>, none: usize| {
        grade
            .and_then(|g| labels.iter().position(|l| l.name == g))
            .unwrap_or(none)
    };
    let no_grade_row = row_labels.len() - 2;
    let no_record_row = row_labels.len() - 1;
    let no_grade_col = col_labels.len() - 1;
    let mut matrix = Matrix::new(row_labels.clone(), col_labels.clone());
    for s in scored {
        let row = match &s.last_year {
            History::Record(last) => position(
                &row_labels[..no_grade_row],
                last.grade.as_deref(),
                no_grade_row,
            ),
            _ => no_record_row,
        };
        let col = position(&col_labels[..no_grade_col], final_grade(s), no_grade_col);
        matrix.add(row, col);
    }
    matrix
}

/// The top left cell of the transition table.
pub const CORNER: &str = "上年 \\ 本年";

/// The heading of the transition table.
pub const TITLE: &str = "等级变化 (上年 → 本年)";

/// The line under the heading.
pub const EXPLAIN: &str = "行: 上年等级; 列: 本年等级 (有复核的取复核后等级); 对角线上为等级不变的单位; 上年无记录: 结果库中没有该单位上一年度的记录。";

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn result(total: &str, final_total: Decimal, rule_set: &str, decimals: u32) -> LastYearResult {
        LastYearResult::new(
            1,
            2023,
            "hunan-department".to_owned(),
            "2024.1".to_owned(),
            total.to_owned(),
            Some("良".to_owned()),
            false,
            final_total,
            rule_set,
            decimals,
        )
    }

    #[test]
    fn the_change_is_this_years_final_total_less_the_stored_one_in_decimals() {
        // 68.28 − 80.50 = −12.22
        let r = result("80.50", dec!(68.28), "hunan-department", 2);
        assert_eq!(r.change, Some(dec!(-12.22)));
        assert_eq!(r.change_label().as_deref(), Some("-12.22"));
        assert_eq!(r.note, None);
        // 77.17 − 68.28 = 8.89, with its sign.
        let r = result("68.28", dec!(77.17), "hunan-department", 2);
        assert_eq!(r.change_label().as_deref(), Some("+8.89"));
        // A stored total at one decimal: 68.28 − 70.1 = −1.82.
        let r = result("70.1", dec!(68.28), "hunan-department", 2);
        assert_eq!(r.change, Some(dec!(-1.82)));
        // At one decimal: 68.3 − 68.28 = 0.02 → 0.0, shown without a sign.
        let r = result("68.28", dec!(68.3), "hunan-department", 1);
        assert_eq!(r.change_label().as_deref(), Some("0.0"));
        // 80.3 − 80 in floats is 0.29999999999999716; in decimals it is 0.3 exactly.
        let r = result("80", dec!(80.3), "hunan-department", 2);
        assert_eq!(r.change_label().as_deref(), Some("+0.30"));
    }

    #[test]
    fn a_stored_total_that_is_no_number_has_no_change_and_another_rule_set_a_note() {
        let r = result("n/a", dec!(68.28), "hunan-department", 2);
        assert_eq!(r.change, None);
        assert_eq!(r.total_value(), None);
        let r = result("68.96", dec!(68.28), "hunan-department-plugins", 2);
        assert!(r.other_rule_set);
        assert_eq!(
            r.note.as_deref(),
            Some("上年按另一评分规则 hunan-department v2024.1 评分, 总分变化不是同口径的比较")
        );
        // 68.28 − 68.96 = −0.68, shown though not like for like.
        assert_eq!(r.change_label().as_deref(), Some("-0.68"));
    }
}
