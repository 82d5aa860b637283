//! Deserializers that refuse negative amounts, so a sign error is caught at the key that has it.

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{Deserializer, Error, Unexpected};

fn check<E: Error>(value: Decimal) -> Result<Decimal, E> {
    if value.is_sign_negative() && !value.is_zero() {
        Err(E::invalid_value(
            Unexpected::Other(&format!("the negative amount {value}")),
            &"an amount of zero or more",
        ))
    } else {
        Ok(value)
    }
}

pub(crate) fn non_negative<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    check(<Decimal as Deserialize>::deserialize(d)?)
}

pub(crate) fn non_negative_opt<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Decimal>, D::Error> {
    Option::<Decimal>::deserialize(d)?.map(check).transpose()
}
