//! The ranges `check` allows for a rule set's parameters, derived from the bounds every figure of
//! a unit is held to (docs/unit-format.md: 0, or 10⁻⁶ to 10¹² in magnitude), so that no unit
//! inside those bounds can overflow the engine's decimal arithmetic (at most about 7.9 × 10²⁸)
//! under a rule set that passes `check`.
//!
//! Write F = 10¹² (the largest figure), ε = 10⁻⁶ (the smallest non-zero one), P = 10⁶ (the most
//! points), V = 10²⁰ (the largest value a method is given: a row's figure is at most F, a
//! computed metric is a ratio of figures, at most F / ε = 10¹⁸, and the engine refuses a metric
//! beyond V, which only sums over very many special funds could reach). With the parameters in
//! these ranges, the largest magnitude each step of the engine can reach is:
//!
//! - a value over a target (偏离度 A / T, and (A − T) / T of 越低越好): V / ε = 10²⁶;
//! - 越高越好 below target: w × A with A < T ≤ F: P × F = 10¹⁸, then divided by T;
//! - 偏离度: slope × (A / T − threshold) ≤ [`SLOPE_MAX`] × 10²⁶ = 10²⁸; it is multiplied by w
//!   only when below 1 (at 1 or more the score is the floor whatever its size);
//! - 越低越好 linear: w × (1 − (A − T) / T) only when (A − T) / T < 1; ratio: w × T ≤ 10¹⁸;
//! - 阶梯扣分: (V + F) / per ≤ 10²⁶ steps (per ≥ ε), multiplied by the deduction only when at
//!   most w / deduction + 1 ≤ P / ε + 1 steps, so the loss is at most w + deduction;
//! - points shared over rows (w × a row's points) and tiers rescaled (score × w): P × F = 10¹⁸;
//! - checklists: items × per_item ≤ items × P; the total and its rescaling: P × P = 10¹².
//!
//! The engine's arithmetic is checked all the same (`clippy::arithmetic_side_effects` is denied
//! there): an overflow is an error finding, never a panic and never a wrong score.

use rust_decimal::Decimal;

/// The most points a rule set or one of its indicators may have, and the largest deduction or
/// item points: 10⁶ (a rule set normally has 100).
pub const POINTS_MAX: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// The largest figure: 10¹², as for a unit's figures (targets, limits, step sizes, tolerances).
pub const FIGURE_MAX: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// The smallest non-zero figure: 10⁻⁶, as for a unit's figures.
pub const FIGURE_MIN: Decimal = Decimal::from_parts(1, 0, 0, false, 6);

/// The steepest over-achievement slope: 100 (all of w off for 1 % above the threshold).
pub const SLOPE_MAX: Decimal = Decimal::from_parts(100, 0, 0, false, 0);

/// The largest value the engine scores: 10²⁰ (a computed metric beyond it is refused).
pub const VALUE_MAX: Decimal = Decimal::from_parts(1_661_992_960, 1_808_227_885, 5, false, 0);

/// An allowed range: `[min, max]`, or `0` and `[min, max]` when `zero` is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub min: Decimal,
    pub max: Decimal,
    /// Whether 0 is allowed besides `[min, max]`.
    pub zero: bool,
}

impl Range {
    pub const fn new(min: Decimal, max: Decimal) -> Range {
        Range {
            min,
            max,
            zero: false,
        }
    }

    /// The range with 0 allowed as well.
    pub const fn or_zero(self) -> Range {
        Range { zero: true, ..self }
    }

    pub fn contains(&self, value: Decimal) -> bool {
        (self.zero && value.is_zero()) || (self.min <= value && value <= self.max)
    }
}

impl std::fmt::Display for Range {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.zero {
            f.write_str("0 or ")?;
        }
        write!(f, "{} to {}", self.min.normalize(), self.max.normalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn the_constants_are_the_powers_of_ten_they_say() {
        assert_eq!(POINTS_MAX, dec!(1_000_000));
        assert_eq!(FIGURE_MAX, dec!(1_000_000_000_000));
        assert_eq!(FIGURE_MIN, dec!(0.000001));
        assert_eq!(SLOPE_MAX, dec!(100));
        assert_eq!(VALUE_MAX, dec!(100_000_000_000_000_000_000));
    }
}
