//! Turning a report file into numbered lines: plain text, Markdown, or a Word (.docx) document
//! read directly from its zip and XML. Also the normalisation used before reading figures.

use std::path::Path;

use crate::document::Document;
use crate::{IngestError, SourceFile};

/// One line (a paragraph in a Word file) of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line (paragraph) number in the report.
    pub number: usize,
    /// The text as written, trimmed.
    pub original: String,
    /// The text normalised for reading figures: full-width characters made half-width, digits
    /// that were spaced out joined, thousands separators removed.
    pub norm: String,
}

/// The formats a report is read in (which files are of which: `formats.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Text,
    Markdown,
    Docx,
    /// A unit's own workbook (`.xlsx`, `.xls`): tables only.
    Workbook,
    /// A PDF with a text layer.
    Pdf,
}

impl Format {
    /// The code, for JSON: `text`, `markdown`, `docx`, `workbook`, `pdf`.
    pub fn code(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Docx => "docx",
            Format::Workbook => "workbook",
            Format::Pdf => "pdf",
        }
    }

    /// The format of `path` by its extension alone (`.txt`, `.md`, `.docx`, `.xlsx`, `.pdf`...),
    /// if it is one that is read.
    pub fn of(path: &Path) -> Option<Format> {
        crate::formats::by_extension(path).reader()
    }
}

/// Reads a report file into its lines (the body's paragraphs) and its tables, with its format
/// and, for a text file, the encoding it was decoded from.
pub fn read_document(path: &Path) -> Result<(Vec<Line>, Document, SourceFile), IngestError> {
    let io = |source| IngestError::Io {
        report: path.to_owned(),
        source,
    };
    // The format is told by the content where it has a signature: a `.doc` renamed `.docx` is
    // refused as a `.doc`, a PDF goes to the PDF reader whatever its name.
    let (head, whole) = crate::formats::read_head(path).map_err(io)?;
    let found = crate::formats::identify_bytes(path, &head);
    let format = found.reader().ok_or_else(|| IngestError::Unsupported {
        report: path.to_owned(),
        format: found,
    })?;
    let mut head = whole.then_some(head);
    let mut read = || match head.take() {
        Some(bytes) => Ok(bytes),
        None => std::fs::read(path).map_err(io),
    };
    let mut encoding = None;
    let (raw, doc): (Vec<String>, Document) = match format {
        Format::Text | Format::Markdown => {
            let (text, used) =
                crate::encoding::decode(&read()?).map_err(|why| IngestError::Encoding {
                    report: path.to_owned(),
                    why,
                    format: found,
                })?;
            encoding = Some(used);
            let lines = text.lines().map(str::to_owned);
            let raw = if format == Format::Markdown {
                lines.filter_map(|l| markdown_line(&l)).collect()
            } else {
                lines.collect()
            };
            (raw, Document::default())
        }
        Format::Docx => {
            let doc = crate::document::docx(&read()?).map_err(|why| IngestError::Docx {
                report: path.to_owned(),
                why,
            })?;
            (doc.paragraphs.clone(), doc)
        }
        Format::Workbook => {
            let doc = crate::document::workbook(path).map_err(|why| IngestError::Workbook {
                report: path.to_owned(),
                why,
            })?;
            (Vec::new(), doc)
        }
        Format::Pdf => {
            let doc = crate::pdf::read(&read()?).map_err(|why| IngestError::Pdf {
                report: path.to_owned(),
                why,
            })?;
            (doc.paragraphs.clone(), doc)
        }
    };
    Ok((lines_of(raw), doc, SourceFile { format, encoding }))
}

/// Reads a report file into its lines.
pub fn read_lines(path: &Path) -> Result<Vec<Line>, IngestError> {
    read_document(path).map(|(lines, ..)| lines)
}

/// Numbers and normalises raw lines (paragraphs).
pub fn lines_of(raw: impl IntoIterator<Item = String>) -> Vec<Line> {
    raw.into_iter()
        .enumerate()
        .map(|(i, text)| {
            let original = clean(&text);
            Line {
                number: i + 1,
                norm: normalize(&original),
                original,
            }
        })
        .collect()
}

/// Drops Word artefacts such as `[bookmark: _GoBack]` and surrounding whitespace.
fn clean(text: &str) -> String {
    let mut s = text.to_owned();
    while let Some(start) = s.find("[bookmark:") {
        match s[start..].find(']') {
            Some(end) => s.replace_range(start..start + end + 1, ""),
            None => break,
        }
    }
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_owned()
}

/// A Markdown line as plain text: heading marks, emphasis, quote marks and table pipes removed,
/// table rule lines emptied (so line numbers still match the file).
fn markdown_line(line: &str) -> Option<String> {
    let t = line.trim();
    if t.starts_with('|') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
        return Some(String::new()); // keep the numbering of the lines
    }
    let t = t.trim_start_matches('#').trim_start_matches('>').trim();
    let t = t.replace("**", "").replace("__", "");
    if t.starts_with('|') {
        let cells: Vec<&str> = t
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        return Some(cells.join(" "));
    }
    let t = t
        .strip_prefix("- ")
        .or_else(|| t.strip_prefix("* "))
        .unwrap_or(&t);
    Some(t.to_owned())
}

/// Full-width ASCII (U+FF01–U+FF5E, except the Chinese comma and semicolon, which stay clause
/// separators) to half-width; the ideographic space to a space.
pub fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '，' | '；' => c,
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Whether `chars[i]` is a comma between thousands (`691,600.00`): a digit before it, exactly
/// three after it.
pub(crate) fn thousands_comma(chars: &[char], i: usize) -> bool {
    chars[i] == ','
        && i > 0
        && chars[i - 1].is_ascii_digit()
        && chars.len() > i + 3
        && chars[i + 1..i + 4].iter().all(char::is_ascii_digit)
        && chars.get(i + 4).is_none_or(|n| !n.is_ascii_digit())
}

/// Normalises a line for reading figures: half-width characters, spaced-out digits joined
/// ("6 9 . 1 6" → "69.16"), thousands separators dropped ("691,600.00" → "691600.00", and
/// between full-width digits the full-width comma too: "９，０５６" → "9056"; between half-width
/// digits "3，456" the Chinese comma stays a clause separator).
pub fn normalize(text: &str) -> String {
    let original: Vec<char> = text.chars().collect();
    let chars: Vec<char> = original.iter().copied().map(half_width).collect();
    let full_digit = |c: &char| ('０'..='９').contains(c);
    let mut out = String::with_capacity(text.len());
    let numeric = |c: char| c.is_ascii_digit() || c == '.';
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' || c == '\t' {
            let prev = chars[..i].iter().rev().find(|c| **c != ' ' && **c != '\t');
            let next = chars[i + 1..].iter().find(|c| **c != ' ' && **c != '\t');
            if prev.is_some_and(|p| numeric(*p)) && next.is_some_and(|n| numeric(*n)) {
                continue;
            }
        }
        if thousands_comma(&chars, i) {
            continue;
        }
        if c == '，'
            && i > 0
            && full_digit(&original[i - 1])
            && original.len() > i + 3
            && original[i + 1..i + 4].iter().all(full_digit)
            && chars.get(i + 4).is_none_or(|n| !n.is_ascii_digit())
        {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_full_width_spaced_and_separated_digits() {
        assert_eq!(normalize("６９．１６万元"), "69.16万元");
        assert_eq!(normalize("6 9 . 1 6 万元"), "69.16 万元");
        assert_eq!(normalize("691,600.00元"), "691600.00元");
        assert_eq!(normalize("（编制３人），在职"), "(编制3人)，在职");
        assert_eq!(normalize("资金９，０５６万元"), "资金9056万元");
        assert_eq!(normalize("１１，９００．５６万元"), "11900.56万元");
        assert_eq!(normalize("完成3，456人"), "完成3，456人");
        assert_eq!(normalize("２个，１００%"), "2个，100%");
    }

    #[test]
    fn markdown_lines_lose_their_marks() {
        assert_eq!(
            markdown_line("## 一、基本情况").as_deref(),
            Some("一、基本情况")
        );
        assert_eq!(markdown_line("|---|---|").as_deref(), Some(""));
        assert_eq!(
            markdown_line("| 年初预算 | 69.16万元 |").as_deref(),
            Some("年初预算 69.16万元")
        );
    }
}
