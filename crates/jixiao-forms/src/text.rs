//! Numbers as people type them into spreadsheets, and numbers as calamine gives them.

use std::str::FromStr as _;

use rust_decimal::Decimal;

/// Places a number read from a numeric cell is rounded to. Excel stores every number as a binary
/// float (f64); the form's figures have at most 4 decimals (amounts) or a few more (rates), so
/// 6 places keep every figure a person types and drop only the float's noise.
pub const SCALE: u32 = 6;

/// The decimal a numeric cell holds. Calamine gives numeric cells as `f64`: the float is written
/// as its shortest round-trip decimal string (Rust's `Display` for `f64`: `85.33`, never
/// `85.3299999…`) and parsed as a [`Decimal`]; only where that string does not fit a `Decimal`
/// (more than 28 digits) is the float's exact binary value taken instead. Either way the result
/// is rounded to [`SCALE`] places and normalised (`8.0` → `8`). No float arithmetic is done.
pub fn decimal_from_f64(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    let decimal = Decimal::from_str(&format!("{value}"))
        .ok()
        .or_else(|| Decimal::from_f64_retain(value))?;
    Some(jixiao_model::round(decimal, SCALE).normalize())
}

/// The text with full-width digits and punctuation made half-width, and trimmed (also of
/// full-width spaces).
fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            '．' | '。' => '.',
            '，' => ',',
            '－' | '−' => '-',
            '＋' => '+',
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Whether the commas of `digits` separate thousands: groups of exactly three digits before the
/// decimal point (`1,234,567.5`). "85,33" (a decimal comma typed by mistake) is not a number.
fn thousands_grouped(digits: &str) -> bool {
    let whole = digits.split('.').next().unwrap_or("");
    let whole = whole.trim_start_matches(['-', '+']);
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    !digits
        .split('.')
        .skip(1)
        .any(|fraction| fraction.contains(','))
        && (!whole.contains(',') || (1..=3).contains(&first.len()))
        && groups.all(|g| g.len() == 3)
}

/// A number typed as text: thousands separators (`1,234.5`), full-width digits (`８５．３３`)
/// and, where `amount` is true, a `万元` suffix (`85.33万元`) or a `元` suffix (`853,300元`,
/// converted to 万元). `None` when the text is not a number.
pub fn number_from_text(text: &str, amount: bool) -> Option<Decimal> {
    let text = half_width(text);
    let (digits, yuan) = if amount {
        if let Some(rest) = text.strip_suffix("万元") {
            (rest.trim_end().to_owned(), false)
        } else if let Some(rest) = text.strip_suffix('元') {
            (rest.trim_end().to_owned(), true)
        } else {
            (text, false)
        }
    } else {
        (text, false)
    };
    let valid = !digits.is_empty()
        && digits.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || c == '.' || c == ',' || (i == 0 && (c == '-' || c == '+'))
        })
        && !digits.starts_with(',')
        && !digits.ends_with(',')
        && thousands_grouped(&digits);
    if !valid {
        return None;
    }
    let value = Decimal::from_str(&digits.replace(',', "")).ok()?;
    let value = if yuan {
        value / Decimal::from(10_000)
    } else {
        value
    };
    Some(value.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(number_from_text("1,234.5", true), Some(d("1234.5")));
        assert_eq!(number_from_text("８５．３３", true), Some(d("85.33")));
        assert_eq!(number_from_text("85.33万元", true), Some(d("85.33")));
        assert_eq!(number_from_text("853,300元", true), Some(d("85.33")));
        assert_eq!(number_from_text(" 85.33 ", false), Some(d("85.33")));
        assert_eq!(number_from_text("85.33万元", false), None);
        assert_eq!(number_from_text("约95%", false), None);
        assert_eq!(number_from_text("-0.6", true), Some(d("-0.6")));
    }

    #[test]
    fn floats() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(decimal_from_f64(85.33), Some(d("85.33")));
        assert_eq!(decimal_from_f64(8.0), Some(d("8")));
        assert_eq!(decimal_from_f64(-0.6), Some(d("-0.6")));
        assert_eq!(decimal_from_f64(0.300_000_000_000_000_04), Some(d("0.3")));
        assert_eq!(decimal_from_f64(f64::NAN), None);
    }
}

#[cfg(test)]
mod grouping {
    use super::number_from_text;
    use rust_decimal_macros::dec;

    #[test]
    fn commas_must_separate_thousands() {
        assert_eq!(number_from_text("1,234.5", false), Some(dec!(1234.5)));
        assert_eq!(number_from_text("1,234,567", false), Some(dec!(1234567)));
        assert_eq!(number_from_text("853,300元", true), Some(dec!(85.33)));
        assert_eq!(number_from_text("85，33", false), None);
        assert_eq!(number_from_text("1,23,456", false), None);
        assert_eq!(number_from_text("1234,567.8,9", false), None);
    }
}
