//! How a scorecard is written as JSON: every score, points and total twice, as shown (a string
//! with exactly the rule set's `score_decimals`, `"8.75"`, `"90.00"`) under its own key and
//! exact (the decimal as computed, without trailing zeros, `"8.7532"`) under the key with
//! `_exact` (`score` / `score_exact`, `points` / `points_exact`, `total` / `total_exact`).
//! Figures (a leaf's inputs, a finding's figures, the ledger's and the store's values) and
//! plugin adjustments keep their own form (the exact decimal as a string).
//!
//! Reading a scorecard back (`Deserialize`, derived on the types) takes each exact value from
//! its `_exact` key and ignores the shown one; the totals (`total`, already rounded) are read
//! from their shown key, which is the rounded total exactly.

use rust_decimal::Decimal;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::{
    DeclaredComparison, Rescale, ReviewChange, ReviewRecord, Scorecard, ScoredIndicator,
    SelfScoreFrom, ShownSum,
};

/// A score as shown: rounded to `places` (half away from zero), written with exactly `places`
/// decimals; a zero is `0.00`, never `-0.00`.
pub fn shown(value: Decimal, places: u32) -> String {
    let rounded = crate::fmt::round(value, places);
    let rounded = if rounded.is_zero() {
        Decimal::ZERO
    } else {
        rounded
    };
    format!("{rounded:.prec$}", prec = places as usize)
}

/// A score exact: the decimal as computed, without trailing zeros (`8.750` is `8.75`).
pub fn exact(value: Decimal) -> String {
    value.normalize().to_string()
}

/// A value of the scorecard, written with its rule set's decimals.
struct Shown<'a, T: ?Sized>(&'a T, u32);

/// The entries of one JSON object, with the decimals shown numbers are written at.
struct Entries<M> {
    map: M,
    places: u32,
}

impl<M: SerializeMap> Entries<M> {
    fn new<S: Serializer<SerializeMap = M, Error = M::Error>>(
        serializer: S,
        places: u32,
    ) -> Result<Self, M::Error> {
        Ok(Entries {
            map: serializer.serialize_map(None)?,
            places,
        })
    }

    fn value<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), M::Error> {
        self.map.serialize_entry(key, value)
    }

    fn some<T: Serialize>(&mut self, key: &str, value: &Option<T>) -> Result<(), M::Error> {
        match value {
            Some(value) => self.value(key, value),
            None => Ok(()),
        }
    }

    /// A number as shown under `key`, and exact under `exact_key`.
    fn number(&mut self, key: &str, exact_key: &str, value: Decimal) -> Result<(), M::Error> {
        self.value(key, &shown(value, self.places))?;
        self.value(exact_key, &exact(value))
    }

    fn some_number(
        &mut self,
        key: &str,
        exact_key: &str,
        value: Option<Decimal>,
    ) -> Result<(), M::Error> {
        match value {
            Some(value) => self.number(key, exact_key, value),
            None => Ok(()),
        }
    }

    /// A value of the scorecard that writes numbers itself, at the same decimals.
    fn shown<'a, T: ?Sized>(&mut self, key: &str, value: &'a T) -> Result<(), M::Error>
    where
        Shown<'a, T>: Serialize,
    {
        let places = self.places;
        self.value(key, &Shown(value, places))
    }

    fn end(self) -> Result<M::Ok, M::Error> {
        self.map.end()
    }
}

impl Serialize for Scorecard {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Destructured whole, so that a field added to the scorecard is written here too.
        let Scorecard {
            unit,
            rule_set,
            points,
            total,
            total_exact,
            grade,
            rescaled,
            shown_sum,
            declared,
            indicators,
            findings,
            plugins,
            ledger,
            history,
            review,
        } = self;
        let mut out = Entries::new(serializer, rule_set.score_decimals)?;
        out.value("unit", unit)?;
        out.value("rule_set", rule_set)?;
        out.number("points", "points_exact", *points)?;
        // `total` is the rounded total; its exact value is `total_exact`.
        out.value("total", &shown(*total, out.places))?;
        out.value("total_exact", &exact(*total_exact))?;
        out.some("grade", grade)?;
        if let Some(rescaled) = rescaled {
            out.shown("rescaled", rescaled)?;
        }
        if let Some(shown_sum) = shown_sum {
            out.shown("shown_sum", shown_sum)?;
        }
        if let Some(declared) = declared {
            out.shown("declared", declared)?;
        }
        out.shown("indicators", indicators.as_slice())?;
        out.value("findings", findings)?;
        if !plugins.is_empty() {
            out.value("plugins", plugins)?;
        }
        if !ledger.is_empty() {
            out.value("ledger", ledger)?;
        }
        if !history.is_empty() {
            out.value("history", history)?;
        }
        if let Some(review) = review {
            out.shown("review", review)?;
        }
        out.end()
    }
}

impl Serialize for Shown<'_, [ScoredIndicator]> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|node| Shown(node, self.1)))
    }
}

impl Serialize for Shown<'_, ScoredIndicator> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ScoredIndicator {
            id,
            name,
            points,
            score,
            status,
            children,
            self_score,
            self_score_from,
            self_score_gap,
            detail,
            reviewed,
        } = self.0;
        let mut out = Entries::new(serializer, self.1)?;
        out.value("id", id)?;
        out.value("name", name)?;
        out.number("points", "points_exact", *points)?;
        out.number("score", "score_exact", *score)?;
        out.value("status", status)?;
        if !children.is_empty() {
            out.shown("children", children.as_slice())?;
        }
        out.some_number("self_score", "self_score_exact", *self_score)?;
        if let Some(from) = self_score_from {
            out.shown("self_score_from", from)?;
        }
        out.some_number("self_score_gap", "self_score_gap_exact", *self_score_gap)?;
        out.some("detail", detail)?;
        out.some_number("reviewed", "reviewed_exact", *reviewed)?;
        out.end()
    }
}

impl Serialize for Shown<'_, SelfScoreFrom> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let SelfScoreFrom { score, points } = self.0;
        let mut out = Entries::new(serializer, self.1)?;
        out.number("score", "score_exact", *score)?;
        out.number("points", "points_exact", *points)?;
        out.end()
    }
}

impl Serialize for Shown<'_, Rescale> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Rescale { available, raw } = self.0;
        let mut out = Entries::new(serializer, self.1)?;
        out.number("available", "available_exact", *available)?;
        out.number("raw", "raw_exact", *raw)?;
        out.end()
    }
}

impl Serialize for Shown<'_, ShownSum> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Both are shown figures (sums of rounded scores, rounded): no exact beside them.
        let ShownSum { leaves, total } = self.0;
        let mut out = Entries::new(serializer, self.1)?;
        out.value("leaves", &shown(*leaves, self.1))?;
        out.value("total", &shown(*total, self.1))?;
        out.end()
    }
}

impl Serialize for Shown<'_, DeclaredComparison> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let DeclaredComparison { total, grade, gap } = self.0;
        let mut out = Entries::new(serializer, self.1)?;
        out.some_number("total", "total_exact", *total)?;
        out.some("grade", grade)?;
        out.some_number("gap", "gap_exact", *gap)?;
        out.end()
    }
}

impl Serialize for Shown<'_, ReviewRecord> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ReviewRecord {
            total,
            total_exact,
            grade,
            rescaled,
            shown_sum,
            reviewers,
            changes,
        } = self.0;
        let mut out = Entries::new(serializer, self.1)?;
        out.value("total", &shown(*total, self.1))?;
        out.value("total_exact", &exact(*total_exact))?;
        out.some("grade", grade)?;
        if let Some(rescaled) = rescaled {
            out.shown("rescaled", rescaled)?;
        }
        if let Some(shown_sum) = shown_sum {
            out.shown("shown_sum", shown_sum)?;
        }
        if !reviewers.is_empty() {
            out.value("reviewers", reviewers)?;
        }
        if !changes.is_empty() {
            out.shown("changes", changes.as_slice())?;
        }
        out.end()
    }
}

impl Serialize for Shown<'_, [ReviewChange]> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|change| Shown(change, self.1)))
    }
}

impl Serialize for Shown<'_, ReviewChange> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ReviewChange {
            indicator,
            name,
            points,
            system,
            reviewed,
            reason,
            reviewer,
            date,
            at,
        } = self.0;
        let mut out = Entries::new(serializer, self.1)?;
        out.value("indicator", indicator)?;
        out.value("name", name)?;
        out.number("points", "points_exact", *points)?;
        out.number("system", "system_exact", *system)?;
        out.number("reviewed", "reviewed_exact", *reviewed)?;
        out.value("reason", reason)?;
        out.value("reviewer", reviewer)?;
        out.some("date", date)?;
        out.value("at", at)?;
        out.end()
    }
}
