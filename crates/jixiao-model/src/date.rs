//! Reading a date (填报日期) as an ISO `YYYY-MM-DD` string, or a TOML local date (`2024-03-15`
//! unquoted); written back as the string.

use std::fmt;

use jiff::civil::Date;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// Parses `text` as exactly `YYYY-MM-DD` (jiff alone would also take `20240315` or a date with a
/// time).
pub(crate) fn parse_iso_date(text: &str) -> Result<Date, String> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(format!(
            "expected a date written YYYY-MM-DD, found {text:?}"
        ));
    }
    text.parse::<Date>()
        .map_err(|e| format!("{text:?} is not a date: {e}"))
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Option<Date>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date written YYYY-MM-DD")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Option<Date>, E> {
        parse_iso_date(text).map(Some).map_err(E::custom)
    }

    /// A TOML date literal, which the toml crate hands over as a map.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Date>, A::Error> {
        let value: toml::value::Datetime =
            de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
        match (value.date, value.time, value.offset) {
            (Some(_), None, None) => self.visit_str(&value.to_string()),
            _ => Err(de::Error::custom(format!(
                "expected a date written YYYY-MM-DD, found the date and time {value}"
            ))),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<Date>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<Date>, E> {
        Ok(None)
    }
}

pub(crate) fn iso_date_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    d.deserialize_any(DateVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_real_date_written_yyyy_mm_dd_is_a_date() {
        assert_eq!(
            parse_iso_date("2024-03-15"),
            Ok(jiff::civil::date(2024, 3, 15))
        );
        for bad in [
            "2024-3-15",
            "20240315",
            "2024-03-15T10:00",
            "2024/03/15",
            "",
        ] {
            let err = parse_iso_date(bad).unwrap_err();
            assert!(err.contains("YYYY-MM-DD"), "{bad:?}: {err}");
        }
        let err = parse_iso_date("2023-02-29").unwrap_err();
        assert!(err.contains("is not a date"), "{err}");
    }
}
