//! Reading a unit file (TOML) or one line of a JSON Lines file.

use std::path::{Path, PathBuf};

use crate::{CheckedUnit, FieldPath, SelfEvaluation};

/// Why a unit file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not UTF-8: where, and whether it reads as GBK.
    #[error("{}: {why}", path.display())]
    Encoding {
        path: PathBuf,
        why: crate::encoding::NotUtf8,
    },
    /// The TOML or JSON is malformed, or a key is unknown, missing or of the wrong type.
    #[error("{}{}: {}{message}", path.display(), at_line(*line), at_key(key))]
    Parse {
        path: PathBuf,
        /// For one line of a JSON Lines file: its 1-based number.
        line: Option<usize>,
        /// Dotted path of the offending key, e.g. `budget.opening`; empty for a syntax error.
        key: String,
        /// The parser's message, with line, column and the offending text.
        message: String,
    },
    /// A figure is out of bounds (see [`SelfEvaluation::check`]).
    #[error("{}{}: {}{message}", path.display(), at_line(*line), at_key(field.as_str()))]
    Figure {
        path: PathBuf,
        line: Option<usize>,
        field: FieldPath,
        message: String,
        kind: crate::ProblemKind,
        value: rust_decimal::Decimal,
    },
}

fn at_line(line: Option<usize>) -> String {
    line.map_or_else(String::new, |l| format!(":{l}"))
}

/// `at `key`: ` before a message, or nothing for a syntax error that has no key. Shared by
/// every loader that reports errors by key path.
pub fn at_key(key: &str) -> String {
    if key.is_empty() || key == "." || key == "?" {
        String::new()
    } else {
        format!("at `{key}`: ")
    }
}

/// The key of the line where a TOML text failed to parse because it nests too deeply (`cannot
/// recurse further`, which names no key): the table header above the line and the key before its
/// `=`, `budget.spent`. Empty for any other error, whose message says what it is at. Shared by
/// every loader of TOML.
pub fn syntax_key(text: &str, err: &toml::de::Error) -> String {
    let Some(span) = err.span().filter(|_| err.message().contains("recurs")) else {
        return String::new();
    };
    let at = span.start.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let key = line.split('=').next().unwrap_or_default().trim();
    let table = text[..start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim());
    match table {
        _ if key.is_empty() || key.starts_with('[') || !line.contains('=') => String::new(),
        Some(table) if !table.is_empty() => format!("{table}.{key}"),
        _ => key.to_owned(),
    }
}

/// The first problem of an unchecked unit as an error naming the file (and line).
fn checked(
    unit: SelfEvaluation,
    path: &Path,
    line: Option<usize>,
) -> Result<CheckedUnit, ModelError> {
    unit.check().map_err(|problems| {
        let problem = problems.into_iter().next().expect("check: never empty");
        ModelError::Figure {
            path: path.to_owned(),
            line,
            field: problem.field,
            message: problem.message,
            kind: problem.kind,
            value: problem.value,
        }
    })
}

impl SelfEvaluation {
    /// Parses and checks a unit from TOML text; `path` only names the source in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<CheckedUnit, ModelError> {
        let parse_error = |key: String, err: toml::de::Error| ModelError::Parse {
            path: path.to_owned(),
            line: None,
            key,
            message: err.to_string().trim_end().to_owned(),
        };
        if let Some(u) = crate::numbers::toml(text) {
            return Err(ModelError::Parse {
                path: path.to_owned(),
                line: None,
                key: u.key,
                message: u.message,
            });
        }
        // Fast path; only a file that fails is parsed again to find the key at fault.
        if let Ok(unit) = toml::from_str::<SelfEvaluation>(text) {
            return checked(unit, path, None);
        }
        let deserializer =
            toml::Deserializer::parse(text).map_err(|e| parse_error(syntax_key(text, &e), e))?;
        let unit: SelfEvaluation = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let key = e.path().to_string();
            parse_error(key, e.into_inner())
        })?;
        checked(unit, path, None)
    }

    /// Parses and checks one unit written as JSON (one line of a JSON Lines file: `line` is its
    /// 1-based number); `path` only names the source in errors.
    pub fn from_json(text: &str, path: &Path, line: usize) -> Result<CheckedUnit, ModelError> {
        let error = |key: String, message: String| ModelError::Parse {
            path: path.to_owned(),
            line: Some(line),
            key,
            message,
        };
        if let Some(u) = crate::numbers::json(text) {
            return Err(error(u.key, u.message));
        }
        // Fast path; only a line that fails is parsed again to find the key at fault.
        if let Ok(unit) = serde_json::from_str::<SelfEvaluation>(text) {
            return checked(unit, path, Some(line));
        }
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let unit = serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| error(e.path().to_string(), e.into_inner().to_string()))?;
        deserializer
            .end()
            .map_err(|e| error(String::new(), format!("after the unit: {e}")))?;
        checked(unit, path, Some(line))
    }

    /// Who a unit's JSON (a line of JSON Lines) is, from its `unit` object alone, the rest of
    /// the line skipped unread; `None` when that does not parse (the full parse says why).
    pub fn identity_from_json(text: &str) -> Option<crate::UnitIdentity> {
        #[derive(serde::Deserialize)]
        struct Head {
            unit: crate::UnitIdentity,
        }
        serde_json::from_str::<Head>(text)
            .ok()
            .map(|head| head.unit)
    }

    /// Who a unit file (TOML) is, from its `[unit]` table: only that table's text is parsed
    /// where it can be cut out exactly (`unit_table`, in this file), else the whole file; `None`
    /// when that does not parse (the full parse says why). The toml crate reads a whole
    /// document before any of it is deserialised, so cutting the table out is what makes this
    /// cheaper than a full parse. A caller that goes on to parse the file whole compares the two identities:
    /// the file may also have changed in between.
    pub fn identity_from_toml(text: &str) -> Option<crate::UnitIdentity> {
        #[derive(serde::Deserialize)]
        struct Head {
            unit: crate::UnitIdentity,
        }
        unit_table(text)
            .and_then(|table| toml::from_str::<Head>(table).ok())
            .or_else(|| toml::from_str::<Head>(text).ok())
            .map(|head| head.unit)
    }

    /// Reads, parses and checks a unit file.
    pub fn load(path: &Path) -> Result<CheckedUnit, ModelError> {
        Self::from_toml(&Self::read_file(path)?, path)
    }

    /// A unit file's text, read as [`SelfEvaluation::load`] reads it (UTF-8, or an error that
    /// says where it is not and whether it reads as GBK), not parsed.
    pub fn read_file(path: &Path) -> Result<String, ModelError> {
        crate::encoding::read_utf8(path).map_err(|e| match e {
            crate::encoding::ReadTextError::Io(source) => ModelError::Io {
                path: path.to_owned(),
                source,
            },
            crate::encoding::ReadTextError::NotUtf8(why) => ModelError::Encoding {
                path: path.to_owned(),
                why,
            },
        })
    }

    /// The unit as one line of JSON (no newline), the JSON Lines format.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("a unit always serialises to JSON")
    }

    /// The unit as TOML, in the documented format.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a unit always serialises to TOML")
    }
}

/// The text of a unit file's `[unit]` table, its header line included, when it can be cut out
/// of the file exactly; `None` (parse the whole file) otherwise. Exactly means: the header is
/// written `[unit]` on a line of its own; nothing but comments and blank lines stands before
/// the file's first header (a top-level `unit.name = …` would add to the table); and no
/// multi-line string (`"""`, `'''`) opens before the table's end, the only place where a
/// line could look like a header without being one. The table ends at the next line that opens
/// with `[` (a header, or an array cut short, which then fails to parse: never a table read
/// wrong).
fn unit_table(text: &str) -> Option<&str> {
    let mut start = None;
    let mut seen_header = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if line.contains("\"\"\"") || line.contains("'''") {
            return None;
        }
        if trimmed.starts_with('[') {
            if let Some(start) = start {
                return Some(&text[start..offset]);
            }
            let rest = trimmed.strip_prefix("[unit]").map(str::trim_start);
            if rest.is_some_and(|rest| rest.is_empty() || rest.starts_with('#')) {
                start = Some(offset);
            }
            seen_header = true;
        } else if !(seen_header || trimmed.is_empty() || trimmed.starts_with('#')) {
            return None;
        }
        offset += line.len();
    }
    start.map(|start| &text[start..])
}

#[cfg(test)]
mod tests {
    use super::unit_table;

    #[test]
    fn the_unit_table_is_cut_out_only_where_nothing_can_make_it_another() {
        let table = "[unit]\nname = \"甲\"\nyear = 2024\n\n";
        let text = format!("# 自评\n\n{table}[budget]\nopening = 1\n");
        assert_eq!(unit_table(&text), Some(table));
        assert_eq!(
            unit_table(&format!("[budget]\nopening = 1\n{table}")),
            Some(table)
        );
        assert_eq!(
            unit_table("[unit]  # 单位\r\nname = \"甲\"\r\n"),
            Some("[unit]  # 单位\r\nname = \"甲\"\r\n")
        );
        // Not cut: a multi-line string before the table's end, a top-level key, no `[unit]`
        // header of its own (`[unit.x]`, `[[unit]]`, a quoted key), no header at all.
        assert_eq!(
            unit_table(&format!("[budget]\nnote = '''\n{table}'''\n")),
            None
        );
        assert_eq!(
            unit_table(&format!("[goals]\nnote = \"\"\"x\"\"\"\n{table}")),
            None
        );
        assert_eq!(unit_table(&format!("unit.name = \"乙\"\n{table}")), None);
        assert_eq!(unit_table("[unit.x]\na = 1\n[[unit]]\n[\"unit\"]\n"), None);
        assert_eq!(unit_table("name = \"甲\"\n"), None);
    }
}
