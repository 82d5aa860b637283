//! The one rounding rule of jixiao.

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds half away from zero (四舍五入, as Chinese accounting practice and every published
/// score sheet do): `2.125` → `2.13`, `-2.125` → `-2.13`. Every score, total and figure that
/// jixiao shows, grades or writes to a workbook is rounded by this function and no other.
pub fn round(value: Decimal, places: u32) -> Decimal {
    value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midpoints_go_away_from_zero() {
        let d = |s: &str| Decimal::from_str_exact(s).unwrap();
        assert_eq!(round(d("2.125"), 2), d("2.13"));
        assert_eq!(round(d("2.135"), 2), d("2.14"));
        assert_eq!(round(d("-2.125"), 2), d("-2.13"));
        assert_eq!(round(d("2.5"), 0), d("3"));
        assert_eq!(round(d("3.5"), 0), d("4"));
        assert_eq!(round(d("2.1249"), 2), d("2.12"));
    }
}
