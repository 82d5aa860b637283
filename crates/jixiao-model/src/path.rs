//! [`FieldPath`]: the name of one field of the unit model, as `budget.opening`, `funds[2].spent`
//! or `goals[4].measure.actual`.
//!
//! It is the one seam between the readers (where a figure was read: a report's line, a form's
//! cell, a table's row), the engine (which figures a scorecard used) and the outputs (the
//! 数据来源 section, the 退回清单): they meet on the path, never on a display label.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One step of a [`FieldPath`]: a key of a table or an index into a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path of one field of the unit model, in the TOML format's terms: keys joined by `.`, list
/// positions as `[i]` (0-based). Ordered segment by segment, so `funds[2]` comes before
/// `funds[10]`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FieldPath {
    /// The written form; always valid (built only by the constructors below).
    text: String,
}

/// Why a text is not a field path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not a field path (expected keys joined by `.`, with `[i]` for list items, e.g. `funds[0].spent`)"
)]
pub struct BadFieldPath {
    pub text: String,
}

fn is_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `[index]` at the end of `text`.
fn push_index(text: &mut String, index: usize) {
    text.push('[');
    text.push_str(itoa::Buffer::new().format(index));
    text.push(']');
}

impl FieldPath {
    /// A top-level field, e.g. `FieldPath::new("budget")`.
    ///
    /// # Panics
    /// When `key` is not a key (lowercase ASCII, digits and `_`): keys are written in code.
    pub fn new(key: &str) -> FieldPath {
        assert!(is_key(key), "not a field key: {key:?}");
        FieldPath {
            text: key.to_owned(),
        }
    }

    /// The field `key` of this one: `budget` → `budget.opening`.
    ///
    /// # Panics
    /// When `key` is not a key: keys are written in code.
    #[must_use]
    pub fn key(mut self, key: &str) -> FieldPath {
        assert!(is_key(key), "not a field key: {key:?}");
        self.text.push('.');
        self.text.push_str(key);
        self
    }

    /// Item `index` of this list: `funds` → `funds[2]`.
    #[must_use]
    pub fn index(mut self, index: usize) -> FieldPath {
        push_index(&mut self.text, index);
        self
    }

    /// Shorthand for `FieldPath::new(list).index(index).key(key)`: `funds[2].spent`, made in
    /// one allocation (the engine makes one for most figures it shows).
    ///
    /// # Panics
    /// When `list` or `key` is not a key: keys are written in code.
    pub fn item(list: &str, index: usize, key: &str) -> FieldPath {
        assert!(is_key(list), "not a field key: {list:?}");
        assert!(is_key(key), "not a field key: {key:?}");
        let mut text = String::with_capacity(list.len() + key.len() + 8);
        text.push_str(list);
        push_index(&mut text, index);
        text.push('.');
        text.push_str(key);
        FieldPath { text }
    }

    /// Parses the written form, e.g. `funds[2].spent`.
    pub fn parse(text: &str) -> Result<FieldPath, BadFieldPath> {
        let bad = || BadFieldPath {
            text: text.to_owned(),
        };
        let mut rest = text;
        let mut first = true;
        while !rest.is_empty() {
            if !first {
                rest = rest.strip_prefix('.').ok_or_else(bad)?;
            }
            first = false;
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if !is_key(&rest[..end]) {
                return Err(bad());
            }
            rest = &rest[end..];
            while let Some(after) = rest.strip_prefix('[') {
                let close = after.find(']').ok_or_else(bad)?;
                let digits = &after[..close];
                let canonical = digits == "0" || !digits.starts_with('0');
                if digits.is_empty() || !canonical || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                digits.parse::<usize>().map_err(|_| bad())?;
                rest = &after[close + 1..];
            }
        }
        if first {
            return Err(bad());
        }
        Ok(FieldPath {
            text: text.to_owned(),
        })
    }

    /// The written form.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The steps of the path, outermost first.
    pub fn segments(&self) -> impl Iterator<Item = Segment<'_>> {
        self.text.split('.').flat_map(|part| {
            let (key, indices) = part
                .split_once('[')
                .map_or((part, ""), |(k, _)| (k, &part[k.len()..]));
            std::iter::once(Segment::Key(key)).chain(
                indices
                    .split(['[', ']'])
                    .filter(|s| !s.is_empty())
                    .map(|s| Segment::Index(s.parse().unwrap_or(usize::MAX))),
            )
        })
    }

    /// Whether `self` is `other` or lies inside it (`funds[0].spent` starts with `funds[0]`).
    pub fn starts_with(&self, other: &FieldPath) -> bool {
        let mut mine = self.segments();
        other.segments().all(|s| mine.next() == Some(s))
    }
}

impl PartialOrd for FieldPath {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for FieldPath {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.segments().cmp(other.segments())
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldPath({})", self.text)
    }
}

impl std::str::FromStr for FieldPath {
    type Err = BadFieldPath;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FieldPath::parse(s)
    }
}

impl Serialize for FieldPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for FieldPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        FieldPath::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_parses_the_same_paths() {
        let built = FieldPath::item("funds", 2, "spent");
        assert_eq!(built.as_str(), "funds[2].spent");
        assert_eq!(FieldPath::parse("funds[2].spent"), Ok(built));
        let nested = FieldPath::new("goals")
            .index(4)
            .key("measure")
            .key("actual");
        assert_eq!(nested.to_string(), "goals[4].measure.actual");
        assert_eq!(
            nested.segments().collect::<Vec<_>>(),
            [
                Segment::Key("goals"),
                Segment::Index(4),
                Segment::Key("measure"),
                Segment::Key("actual")
            ]
        );
    }

    #[test]
    fn refuses_what_is_not_a_path() {
        for bad in [
            "",
            ".",
            "budget.",
            ".budget",
            "funds[]",
            "funds[01]",
            "funds[x]",
            "Budget",
            "budget..spent",
            "funds[2]spent",
            "funds[2",
            "预算",
        ] {
            assert!(FieldPath::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn orders_indices_as_numbers() {
        let mut paths: Vec<FieldPath> = ["funds[10].spent", "funds[2].spent", "budget.spent"]
            .iter()
            .map(|p| FieldPath::parse(p).unwrap())
            .collect();
        paths.sort();
        let written: Vec<&str> = paths.iter().map(FieldPath::as_str).collect();
        assert_eq!(
            written,
            ["budget.spent", "funds[2].spent", "funds[10].spent"]
        );
        assert!(paths[1].starts_with(&FieldPath::new("funds").index(2)));
        assert!(!paths[1].starts_with(&FieldPath::new("funds").index(1)));
    }
}
