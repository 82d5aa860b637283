//! Checked arithmetic on decimals: the only arithmetic the engine does (the crate denies
//! `clippy::arithmetic_side_effects`). A result past the range of a decimal is an [`Overflow`],
//! which the engine reports as an error finding on the indicator or the unit; it never panics.
//!
//! `check` keeps every parameter of a rule set in the ranges of `jixiao_rules::limits`, where no
//! figure inside the unit bounds can overflow (the reasoning is there), so an `Overflow` means a
//! value beyond those bounds (a metric summed over very many funds, an extension's adjustment).

use rust_decimal::Decimal;

/// A result past the range of a decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

pub type Checked<T = Decimal> = Result<T, Overflow>;

pub fn add(a: Decimal, b: Decimal) -> Checked {
    a.checked_add(b).ok_or(Overflow)
}

pub fn sub(a: Decimal, b: Decimal) -> Checked {
    a.checked_sub(b).ok_or(Overflow)
}

pub fn mul(a: Decimal, b: Decimal) -> Checked {
    a.checked_mul(b).ok_or(Overflow)
}

/// `a / b`; a zero `b` is an `Overflow` too (callers refuse a zero denominator first).
pub fn div(a: Decimal, b: Decimal) -> Checked {
    a.checked_div(b).ok_or(Overflow)
}

/// The sum of `values`.
pub fn sum(values: impl IntoIterator<Item = Decimal>) -> Checked {
    values.into_iter().try_fold(Decimal::ZERO, add)
}
