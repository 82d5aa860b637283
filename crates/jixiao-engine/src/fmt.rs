//! How numbers are written in rules, formulas and messages. Fixed rules, so output is stable.
//!
//! Each function returns the number as something [`Display`]: written
//! straight into the `format!` of the text it is part of, with no string of its own (an explained
//! unit writes a few hundred of them). `.to_string()` where a string is wanted.

use std::fmt::{self, Display, Formatter};

use arrayvec::ArrayString;
pub use jixiao_model::round;
use rust_decimal::Decimal;

/// A figure as [`number`] writes it.
#[derive(Debug, Clone, Copy)]
pub struct Number(Decimal);

/// Points as [`points`] writes them.
#[derive(Debug, Clone, Copy)]
pub struct Points(Decimal, u32);

/// A fraction as [`percent`] writes it.
#[derive(Debug, Clone, Copy)]
pub struct Percent(Decimal);

/// A figure: at most 4 decimal places, no trailing zeros (`85.33`, `0.01`, `10000`).
pub fn number(value: Decimal) -> Number {
    Number(value)
}

/// Points: exactly `places` decimals (`4.99`, `5.00`).
pub fn points(value: Decimal, places: u32) -> Points {
    Points(value, places)
}

/// A fraction in percent with 2 decimals (`23.38%`); one too large to multiply by 100 (beyond
/// any value the engine scores) as the fraction times 100 %.
pub fn percent(fraction: Decimal) -> Percent {
    Percent(fraction)
}

impl Display for Number {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let shown = round(self.0, 4).normalize();
        if f.precision().is_some() {
            return Display::fmt(&shown, f);
        }
        write_decimal(f, shown, shown.scale())
    }
}

impl Display for Points {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let Points(value, places) = *self;
        let rounded = round(value, places);
        if places > MAX_PLACES {
            return write!(f, "{rounded:.prec$}", prec = places as usize);
        }
        write_decimal(f, rounded, places)
    }
}

/// The most decimals a [`Decimal`] has.
const MAX_PLACES: u32 = 28;

/// `value` with exactly `places` decimals (at least its scale, at most [`MAX_PLACES`]): the text
/// rust_decimal's `Display` writes at that precision, sign, width and fill included, made faster
/// (the mantissa's digits by `itoa`, where rust_decimal divides its 96 bits by ten for each).
fn write_decimal(f: &mut Formatter<'_>, value: Decimal, places: u32) -> fmt::Result {
    let mut itoa = itoa::Buffer::new();
    let digits = itoa.format(value.mantissa().unsigned_abs());
    let scale = value.scale() as usize;
    let places = (places as usize).max(scale);
    // At most 29 digits, a leading `0`, the point and 28 decimals.
    let mut text = ArrayString::<64>::new();
    let mut put = |part: &str| text.try_push_str(part).map_err(|_| fmt::Error);
    let (whole, decimals) = digits.split_at(digits.len().saturating_sub(scale));
    put(if whole.is_empty() { "0" } else { whole })?;
    if places > 0 {
        put(".")?;
        for _ in decimals.len()..scale {
            put("0")?;
        }
        put(decimals)?;
        for _ in scale..places {
            put("0")?;
        }
    }
    f.pad_integral(value.is_sign_positive(), "", &text)
}

impl Display for Percent {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0.checked_mul(Decimal::ONE_HUNDRED) {
            Some(hundredths) => write!(f, "{}%", points(hundredths, 2)),
            None => write!(f, "{} × 100%", number(self.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_away_from_zero_and_pads() {
        assert_eq!(points(dec!(4.995), 2).to_string(), "5.00");
        assert_eq!(points(dec!(4.985), 2).to_string(), "4.99");
        assert_eq!(points(dec!(5), 2).to_string(), "5.00");
        assert_eq!(number(dec!(85.3300)).to_string(), "85.33");
        assert_eq!(number(dec!(0.123456)).to_string(), "0.1235");
        assert_eq!(percent(dec!(0.2338)).to_string(), "23.38%");
        assert_eq!(
            percent(Decimal::MAX).to_string(),
            format!("{} × 100%", Decimal::MAX)
        );
    }

    /// The fast writer against rust_decimal's own `Display`, on mantissas of every length, every
    /// scale, both signs (negative zero too) and every number of places, except where the text
    /// would be longer than the 32 bytes rust_decimal writes it into (it panics there; the fast
    /// writer does not).
    #[test]
    fn writes_what_rust_decimal_writes() {
        let mantissas = [
            0_i128,
            1,
            5,
            9,
            10,
            99,
            12_345,
            1_000_000,
            i128::from(u64::MAX),
            i128::from(u64::MAX) + 1,
            79_228_162_514_264_337_593_543_950_335, // 2^96 − 1
        ];
        let mut checked = 0;
        for mantissa in mantissas {
            for negative in [false, true] {
                for scale in 0..=MAX_PLACES {
                    let mut value = Decimal::from_i128_with_scale(mantissa, scale);
                    value.set_sign_negative(negative);
                    let shown = round(value, 4).normalize();
                    assert_eq!(number(value).to_string(), shown.to_string(), "{value:?}");
                    assert_eq!(format!("{:>40}", number(value)), format!("{shown:>40}"));
                    for places in 0..=MAX_PLACES {
                        let rounded = round(value, places);
                        let digits = rounded.mantissa().unsigned_abs().to_string().len();
                        let whole = digits.saturating_sub(rounded.scale() as usize).max(1);
                        if whole + places as usize + 2 > 32 {
                            continue;
                        }
                        let expected = format!("{rounded:.prec$}", prec = places as usize);
                        assert_eq!(points(value, places).to_string(), expected, "{value:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 15_000, "{checked} checked");
    }
}
