//! Last year's figures from the store (上年数据): [`fill_last_year`] puts into a unit the figures
//! of the year before it left out, from its own record of that year ([`PriorRecord`]), and
//! compares those it gave. No I/O: the record was read with [`crate::Store::prior_year`].
//!
//! Each pair is exact, a field of the year before and the same figure as this year's report
//! names it: that year's 三公经费 is this year's 上年三公经费 (and part by part), that year's
//! 年末结转结余总额 this year's 上年结转结余. No figure is derived (a sum of the funds' carry-overs
//! is not a 结转结余总额) and none guessed: a field the record does not give is left as it is.

use jixiao_engine::{EngineRule, Figure, Finding, HistoryFigure, Severity};
use jixiao_model::{BaseData, CheckedUnit, FieldPath, ThreePublicParts};
use jixiao_round::ledger::shown;
use rust_decimal::Decimal;

use crate::PriorRecord;

/// A unit with the store's figures of the year before put in where it left them out, what was
/// taken and what was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Filled {
    /// The unit to score: the figures taken put in, checked again.
    pub unit: CheckedUnit,
    /// Each figure taken from the store (the scorecard's `history`).
    pub figures: Vec<HistoryFigure>,
    /// A hard finding per figure of the unit beyond the tolerance of the store's, a soft one per
    /// figure taken (to add to the scorecard's findings).
    pub findings: Vec<Finding>,
}

/// A stored figure put into the unit took one of its figures out of bounds (the store's figures
/// were within the bounds when they were recorded, so this holds but for a changed bound).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("成绩库 {year} 年度 (第 {run} 次评分) 的上年数据超出数值范围: {fields}")]
pub struct OutOfBounds {
    pub year: u16,
    pub run: i64,
    /// The fields out of bounds, joined with 、.
    pub fields: String,
}

/// One figure of the year before: this year's field and label, and how to read it from the unit
/// (this year's field) and from the record (that year's).
struct Pair {
    label: &'static str,
    field: FieldPath,
    this_year: fn(&BaseData) -> Option<Decimal>,
    that_year: fn(&BaseData) -> Option<Decimal>,
    set: fn(&mut BaseData, Decimal),
}

/// The single figures: 上年三公经费 and 上年结转结余.
fn totals() -> [Pair; 2] {
    [
        Pair {
            label: "上年三公经费",
            field: FieldPath::new("base").key("three_public_last_year"),
            this_year: |b| b.three_public_last_year,
            that_year: |b| b.three_public,
            set: |b, v| b.three_public_last_year = Some(v),
        },
        Pair {
            label: "上年结转结余",
            field: FieldPath::new("base").key("carried_over_last_year"),
            this_year: |b| b.carried_over_last_year,
            that_year: |b| b.carried_over,
            set: |b, v| b.carried_over_last_year = Some(v),
        },
    ]
}

/// A part of 三公经费: this year's label, the key of the part, how to read it.
type Part = (
    &'static str,
    &'static str,
    fn(&ThreePublicParts) -> Option<Decimal>,
);

/// The parts of 三公经费: 公务用车购置及运行, 公务接待, 因公出国（境）.
fn parts() -> [Part; 3] {
    [
        ("上年公务用车购置及运行费", "cars", |p| p.cars),
        ("上年公务接待费", "receptions", |p| p.receptions),
        ("上年因公出国（境）费", "overseas", |p| p.overseas),
    ]
}

fn set_part(parts: &mut ThreePublicParts, key: &str, value: Decimal) {
    match key {
        "cars" => parts.cars = Some(value),
        "receptions" => parts.receptions = Some(value),
        _ => parts.overseas = Some(value),
    }
}

/// Whether the unit gave any part of its 上年三公经费.
fn gave_parts(parts: Option<&ThreePublicParts>) -> bool {
    parts.is_some_and(|p| p.cars.is_some() || p.receptions.is_some() || p.overseas.is_some())
}

/// Puts into `unit` the figures of the year before it left out, from `prior` (its own record of
/// that year), and compares those it gave:
///
/// - a figure the unit left out and the record gives: taken, with a soft `history` finding and a
///   [`HistoryFigure`] (field, value, the record's year and run);
/// - a figure the unit gave: it stands, always; where it differs from the record's by more than
///   `tolerance` (万元), a hard `history` finding naming both, the difference, the year and the
///   run;
/// - the parts of 上年三公经费: taken only when the unit gave none of them (a unit that gave some
///   has said what its parts were); those it gave are compared;
/// - a record not of the unit's year − 1 gives nothing.
///
/// The unit is checked again with the figures put in.
pub fn fill_last_year(
    unit: CheckedUnit,
    prior: &PriorRecord,
    tolerance: Decimal,
) -> Result<Filled, OutOfBounds> {
    let (year, run) = (prior.result.year, prior.result.run);
    let mut figures = Vec::new();
    let mut findings = Vec::new();
    if unit.unit.year.checked_sub(1) != Some(year) {
        return Ok(Filled {
            unit,
            figures,
            findings,
        });
    }
    let mut model = unit.into_inner();
    let record = format!("成绩库 {year} 年度 (第 {run} 次评分)");
    let mut compare = |label: &str, field: FieldPath, given: Option<Decimal>, stored: Decimal| {
        let stored_figure = Figure::amount(format!("成绩库{label}"), stored).of(field.clone());
        match given {
            None => {
                findings.push(finding(
                    Severity::Soft,
                    format!(
                        "{label}: 单位未填报, 采用{record} 的 {}",
                        shown(stored, "万元")
                    ),
                    vec![stored_figure],
                ));
                figures.push(HistoryFigure {
                    field,
                    label: label.to_owned(),
                    value: stored,
                    measure: "万元".to_owned(),
                    year,
                    run,
                });
                true
            }
            Some(reported) => {
                let gap = reported.checked_sub(stored).unwrap_or(Decimal::MAX).abs();
                if gap > tolerance {
                    findings.push(finding(
                        Severity::Hard,
                        format!(
                            "{label}: 单位填报 {}, {record} 为 {}, 相差 {}",
                            shown(reported, "万元"),
                            shown(stored, "万元"),
                            shown(gap, "万元")
                        ),
                        vec![
                            Figure::amount(format!("单位填报{label}"), reported).of(field),
                            stored_figure,
                            Figure::amount("相差", gap),
                        ],
                    ));
                }
                false
            }
        }
    };
    for pair in totals() {
        if let Some(stored) = (pair.that_year)(&prior.base) {
            let given = (pair.this_year)(&model.base);
            if compare(pair.label, pair.field, given, stored) {
                (pair.set)(&mut model.base, stored);
            }
        }
    }
    if let Some(stored) = &prior.base.three_public_parts {
        let fill = !gave_parts(model.base.three_public_last_year_parts.as_ref());
        let mut taken = ThreePublicParts::default();
        for (label, key, get) in parts() {
            let Some(value) = get(stored) else {
                continue;
            };
            let field = FieldPath::new("base")
                .key("three_public_last_year_parts")
                .key(key);
            let given = model
                .base
                .three_public_last_year_parts
                .as_ref()
                .and_then(get);
            // A unit that gave some parts: the parts it left out stay out, not compared.
            if !fill && given.is_none() {
                continue;
            }
            if compare(label, field, given, value) {
                set_part(&mut taken, key, value);
            }
        }
        if fill && taken != ThreePublicParts::default() {
            model.base.three_public_last_year_parts = Some(taken);
        }
    }
    let unit = model.check().map_err(|problems| OutOfBounds {
        year,
        run,
        fields: problems
            .iter()
            .map(|p| p.field.to_string())
            .collect::<Vec<_>>()
            .join("、"),
    })?;
    Ok(Filled {
        unit,
        figures,
        findings,
    })
}

fn finding(severity: Severity, message: String, figures: Vec<Figure>) -> Finding {
    Finding {
        rule: EngineRule::History.into(),
        severity,
        indicator: None,
        message,
        figures,
    }
}

#[cfg(test)]
mod tests;
