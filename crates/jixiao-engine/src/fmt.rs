//! How numbers are written in rules, formulas and messages. Fixed rules, so output is stable.

pub use jixiao_model::round;
use rust_decimal::Decimal;

/// A figure: at most 4 decimal places, no trailing zeros (`85.33`, `0.01`, `10000`).
pub fn number(value: Decimal) -> String {
    round(value, 4).normalize().to_string()
}

/// Points: exactly `places` decimals (`4.99`, `5.00`).
pub fn points(value: Decimal, places: u32) -> String {
    let rounded = round(value, places);
    format!("{rounded:.prec$}", prec = places as usize)
}

/// A fraction in percent with 2 decimals (`23.38%`); one too large to multiply by 100 (beyond
/// any value the engine scores) as the fraction times 100 %.
pub fn percent(fraction: Decimal) -> String {
    match fraction.checked_mul(Decimal::ONE_HUNDRED) {
        Some(hundredths) => format!("{}%", points(hundredths, 2)),
        None => format!("{} × 100%", number(fraction)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_away_from_zero_and_pads() {
        assert_eq!(points(dec!(4.995), 2), "5.00");
        assert_eq!(points(dec!(4.985), 2), "4.99");
        assert_eq!(points(dec!(5), 2), "5.00");
        assert_eq!(number(dec!(85.3300)), "85.33");
        assert_eq!(number(dec!(0.123456)), "0.1235");
        assert_eq!(percent(dec!(0.2338)), "23.38%");
    }
}
