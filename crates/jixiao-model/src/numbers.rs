//! Numbers too small for a binary float. TOML and JSON numbers reach a figure through an `f64`,
//! where `1e-400` (or `0.` and 400 zeros and a 1) underflows to 0 and would be read as the figure
//! 0 without a word. Before a unit is deserialised, every number written with a negative
//! exponent or a long run of zeros is looked at in its text: one that is not zero but reads as
//! 0 is refused at its key. (Numbers too large, `1e400`, are refused by the parsers themselves.)

use std::fmt::Write as _;

/// A number that reads as 0 though it is not: its key path and the message.
pub(crate) struct Underflow {
    pub key: String,
    pub message: String,
}

/// Whether `text` may hold a number that underflows: a negative exponent after a digit (`5e-`),
/// or twenty zeros in a row. Every other text (an ingest draft's English comments hold many
/// `e-`) is passed without a second look.
fn may_underflow(text: &str) -> bool {
    // Found by the `-`s (a fast byte search), not by looking at every byte.
    let bytes = text.as_bytes();
    text.match_indices('-').any(|(i, _)| {
        i >= 2 && matches!(bytes[i - 1], b'e' | b'E') && matches!(bytes[i - 2], b'0'..=b'9' | b'_')
    }) || text.contains("00000000000000000000")
}

/// Whether the number written `raw` (TOML or JSON syntax) is not zero but its `f64` is.
fn underflows(raw: &str) -> bool {
    let raw = raw.replace('_', "");
    let mantissa = raw.split(['e', 'E']).next().unwrap_or_default();
    let nonzero = mantissa.bytes().any(|b| matches!(b, b'1'..=b'9'));
    nonzero && raw.parse::<f64>().is_ok_and(|f| f == 0.0)
}

fn message(raw: &str, line: Option<usize>) -> String {
    let mut out = String::new();
    if let Some(line) = line {
        let _ = write!(out, "line {line}: ");
    }
    let _ = write!(
        out,
        "the number {raw} is too small to be read (it would become 0); a figure is 0 or between 0.000001 and 10^12 in magnitude"
    );
    out
}

/// The first number of a TOML text that underflows, if any. A text that does not parse is left
/// to the deserialiser, which says why.
pub(crate) fn toml(text: &str) -> Option<Underflow> {
    use toml::de::{DeTable, DeValue};
    if !may_underflow(text) {
        return None;
    }
    let table = DeTable::parse(text).ok()?;
    let line = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
    fn walk(
        value: &toml::Spanned<DeValue<'_>>,
        key: &str,
        line: &dyn Fn(usize) -> usize,
    ) -> Option<Underflow> {
        match value.get_ref() {
            DeValue::Float(f) if underflows(f.as_str()) => Some(Underflow {
                key: key.to_owned(),
                message: message(f.as_str(), Some(line(value.span().start))),
            }),
            DeValue::Table(t) => t.iter().find_map(|(k, v)| {
                let key = if key.is_empty() {
                    k.get_ref().to_string()
                } else {
                    format!("{key}.{}", k.get_ref())
                };
                walk(v, &key, line)
            }),
            DeValue::Array(a) => a
                .into_iter()
                .enumerate()
                .find_map(|(i, v)| walk(v, &format!("{key}[{i}]"), line)),
            _ => None,
        }
    }
    let root = toml::Spanned::new(table.span(), DeValue::Table(table.into_inner()));
    walk(&root, "", &line)
}

/// Where a JSON scanner is: inside an object (with the key last read) or an array (its index).
enum Open {
    Object(Option<String>),
    Array(usize),
}

fn json_path(stack: &[Open]) -> String {
    let mut out = String::new();
    for open in stack {
        match open {
            Open::Object(Some(key)) if out.is_empty() => out.push_str(key),
            Open::Object(Some(key)) => {
                out.push('.');
                out.push_str(key);
            }
            Open::Object(None) => {}
            Open::Array(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

/// The first number of a JSON text that underflows, if any, with its key path (`funds[1].spent`),
/// found by a scan of the text's tokens (a parsed `serde_json::Value` has lost the digits). A
/// malformed text is left to the deserialiser.
pub(crate) fn json(text: &str) -> Option<Underflow> {
    if !may_underflow(text) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    // The last string read, while it may still be a key (until the `:` after it).
    let mut last_string: Option<String> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let raw = text.get(start..i.min(text.len())).unwrap_or_default();
                last_string = Some(
                    serde_json::from_str(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_owned()),
                );
            }
            b':' => {
                if let Some(Open::Object(key)) = stack.last_mut() {
                    *key = last_string.take();
                }
            }
            b',' => {
                if let Some(Open::Array(n)) = stack.last_mut() {
                    *n += 1;
                }
            }
            b'{' => stack.push(Open::Object(None)),
            b'[' => stack.push(Open::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i + 1 < bytes.len()
                    && matches!(bytes[i + 1], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                let raw = &text[start..=i];
                if underflows(raw) {
                    return Some(Underflow {
                        key: json_path(&stack),
                        message: message(raw, None),
                    });
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numbers_that_are_not_zero_but_read_as_zero_underflow() {
        for raw in ["1e-400", "-2.5E-330", "0.0001e-320", "1_0e-400"] {
            assert!(underflows(raw), "{raw}");
        }
        for raw in [
            "0", "0.0", "-0.0", "0e-400", "0.000e5", "1e-300", "85.33", "1e-7",
        ] {
            assert!(!underflows(raw), "{raw}");
        }
        let long = format!("0.{}1", "0".repeat(400));
        assert!(underflows(&long));
    }

    #[test]
    fn only_a_text_with_a_negative_exponent_or_many_zeros_is_looked_at() {
        assert!(may_underflow("a = 1e-400"));
        assert!(may_underflow("a = 1_0E-4"));
        assert!(may_underflow(&format!("a = 0.{}1", "0".repeat(20))));
        assert!(!may_underflow("# one-off, the-end\na = 85.33\nb = 1e5"));
    }

    #[test]
    fn a_json_number_is_named_by_its_key_path() {
        let text = r#"{"unit": {"name": "a\"b:", "x": [1, 2]}, "funds": [{"spent": 1}, {"opening": 2, "spent": 1e-400}]}"#;
        let found = json(text).expect("found");
        assert_eq!(found.key, "funds[1].spent");
        assert!(json(r#"{"a": 1e-5, "b": "1e-400"}"#).is_none());
    }

    #[test]
    fn a_toml_number_is_named_by_its_key_path_and_line() {
        let text =
            "[unit]\nname = \"1e-400\"\n\n[[funds]]\nspent = 1\n\n[[funds]]\nspent = 1e-400\n";
        let found = toml(text).expect("found");
        assert_eq!(found.key, "funds[1].spent");
        assert!(
            found.message.starts_with("line 8: the number 1e-400 "),
            "{}",
            found.message
        );
    }
}
