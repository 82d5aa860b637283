//! Reads a unit's narrative self-evaluation report (整体支出绩效自评报告: `.txt`, `.md` or a Word
//! `.docx`) into the unit model, saying for every figure where it was read (section, line,
//! phrase) and listing what it could not find, never filling a field by guessing.
//!
//! The steps: [`text`] turns the file into numbered, normalised lines; [`sections`] places each
//! line under its headings and recognises each section's topic by keywords; `fields` reads the
//! unit's figures with label-anchored patterns (so dates, document numbers and project codes are
//! never amounts); `claims` lists the narrative's quantitative claims and suggests which claim
//! answers which goal target; `draft` renders the unit file draft with provenance comments.
//!
//! Every label, keyword and measure word comes from a [`Vocabulary`]: the one shipped with the
//! crate (`vocabulary.toml`), or that one extended by a bureau's file ([`ingest_with`]).

pub mod archive;
mod assemble;
pub mod biff;
mod claims;
mod completeness;
pub mod document;
mod draft;
mod encoding;
mod fields;
pub mod formats;
pub mod pdf;
pub mod sections;
mod sources;
pub mod tables;
pub mod text;
mod vocabulary;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jixiao_model::{CheckedUnit, FieldPath};
use rust_decimal::Decimal;

pub use claims::Pairing;
pub use completeness::{Completeness, Need, completeness};
pub use draft::render_draft;
pub use encoding::{EncodingError, TextEncoding};
pub use sources::{
    SourceRow, review_findings, scorecard_json, sources_for, sources_json, sources_markdown,
};
pub use text::Format;
pub use vocabulary::{Vocabulary, VocabularyError};

/// Why a report could not be read into a unit.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read {report}: {source}", report = report.display())]
    Io {
        report: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file in a format that is not read (`.doc`, `.ofd`, a picture, an archive...), told by
    /// its content where it has a signature, else by its extension (`formats.toml`).
    #[error("{report}: {refusal}", report = report.display(), refusal = format.refusal(report))]
    Unsupported {
        report: PathBuf,
        format: &'static formats::FormatInfo,
    },
    /// A text file in an encoding that cannot be told (see `encoding.rs`).
    #[error("{report}: {why}: {advice}", report = report.display(), advice = format.advice())]
    Encoding {
        report: PathBuf,
        why: EncodingError,
        /// The text format, whose advice says what to send instead.
        format: &'static formats::FormatInfo,
    },
    #[error("{report}: cannot read the Word file: {why}", report = report.display())]
    Docx { report: PathBuf, why: String },
    #[error("{report}: cannot read the workbook: {why}", report = report.display())]
    Workbook { report: PathBuf, why: String },
    #[error("{report}: {why}", report = report.display())]
    Pdf { report: PathBuf, why: pdf::PdfError },
    /// A figure was read but is out of bounds (a negative amount, say).
    #[error(
        "{report}: {at}at `{field}`: {message} (as read from the report)",
        report = report.display(),
        at = read_at.as_ref().map_or_else(String::new, |p| format!("{}, 第{}行: ", p.section, p.line))
    )]
    Figure {
        report: PathBuf,
        field: FieldPath,
        /// Where the figure was read.
        read_at: Option<Box<Provenance>>,
        message: String,
    },
    /// A figure the unit model requires could not be read.
    #[error("{report}: section 「{section}」: cannot read `{field}`: {why}", report = report.display())]
    Required {
        report: PathBuf,
        /// The section looked in, or where it should have been.
        section: String,
        field: String,
        why: String,
    },
}

impl IngestError {
    /// Whether the file could not be read at all (its format, its encoding, a scan, a damaged or
    /// unreadable file), as against a report read whose figures do not make a unit.
    pub fn is_unreadable(&self) -> bool {
        match self {
            IngestError::Io { .. }
            | IngestError::Unsupported { .. }
            | IngestError::Encoding { .. }
            | IngestError::Docx { .. }
            | IngestError::Workbook { .. }
            | IngestError::Pdf { .. } => true,
            IngestError::Figure { .. } | IngestError::Required { .. } => false,
        }
    }
}

/// Where one figure was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The headings above the line, outermost first, e.g. `二、一般公共预算支出情况 › （一）基本支出情况`.
    pub section: String,
    /// 1-based line (paragraph) number in the report.
    pub line: usize,
    /// The phrase the figure was read from.
    pub phrase: String,
    /// How the figure was turned into the model's value, e.g. `元→万元 (÷10000)`, or a derivation.
    pub note: Option<String>,
}

impl std::fmt::Display for Provenance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, 第{}行: 「{}」",
            self.section, self.line, self.phrase
        )?;
        if let Some(note) = &self.note {
            write!(f, " ({note})")?;
        }
        Ok(())
    }
}

/// A field that could not be filled, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The field in the unit model, e.g. `budget.full_year`.
    pub field: FieldPath,
    pub why: String,
}

/// Something a person must look at in a document: its figures disagree, or one is implausible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub field: FieldPath,
    pub kind: ReviewKind,
    /// The values seen, each with where (`91.45 (表1 第16行第8列「91.45」)`).
    pub candidates: Vec<String>,
}

/// Why a field needs a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewKind {
    /// Two tables give different values (left unfilled).
    Disagrees,
    /// A table and the text give different values (left unfilled; domain.md §6).
    TableAndText,
    /// A budget or spending under 0.1 万元 (read as written).
    Implausible,
}

impl ReviewKind {
    /// The reason in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            ReviewKind::Disagrees => "表中两处数字不一致, 未采用",
            ReviewKind::TableAndText => "表格与正文数字不一致, 未采用",
            ReviewKind::Implausible => "金额过小, 可能单位有误 (元/万元)",
        }
    }
}

/// The file a unit was read from: its format and, for a text file, the encoding it was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceFile {
    pub format: Format,
    /// For a text file (`.txt`, `.md`), the encoding it was decoded from; `None` for the other
    /// formats, and for text given as a string ([`ingest_text`]).
    pub encoding: Option<TextEncoding>,
}

impl SourceFile {
    /// Text given as a string, not read from a file's bytes.
    pub fn text() -> SourceFile {
        SourceFile {
            format: Format::Text,
            encoding: None,
        }
    }

    /// What the 数据来源 section says of the file, when a person should know:
    /// `文件编码: GBK (GB18030), 已转换为 UTF-8`.
    pub fn note(&self) -> Option<String> {
        self.encoding.and_then(TextEncoding::note)
    }
}

/// A report read into the unit model.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// The report file.
    pub report: PathBuf,
    /// Its format and encoding.
    pub source: SourceFile,
    /// The unit as far as the report gives it, every figure checked.
    pub unit: CheckedUnit,
    /// Where each field filled from the text was read, by field (`budget.opening`,
    /// `funds[0].spent`, `goals[4].measure.actual`, `claims[3]`...).
    pub provenance: BTreeMap<FieldPath, Provenance>,
    /// Where each field filled from a table was read: the table, the cell, its header.
    pub cells: BTreeMap<FieldPath, tables::CellSource>,
    /// What a person must look at: disagreements and implausible figures.
    pub review: Vec<Review>,
    /// Fields not filled, with the reason.
    pub missing: Vec<Missing>,
    /// Suggested pairings of goal targets with narrative claims.
    pub pairings: Vec<Pairing>,
    /// The sections recognised: (line, heading text, topic title or "—").
    pub sections: Vec<(usize, String, String)>,
    /// What of the document could not be read, in Chinese (a PDF page that is a picture, a
    /// table whose text runs over its rules).
    pub notes: Vec<String>,
}

impl Ingested {
    /// How many fields were filled.
    pub fn filled(&self) -> usize {
        self.provenance.len() + self.cells.len()
    }
}

/// Reads the report at `path` (`.txt`, `.md`, `.docx`, or a unit's own `.xlsx` / `.xls`): its
/// prose and its tables, with the built-in vocabulary.
pub fn ingest(path: &Path) -> Result<Ingested, IngestError> {
    ingest_with(path, Vocabulary::builtin())
}

/// Reads the report at `path` (`.txt`, `.md` or `.docx`) with `vocabulary` (the built-in one
/// extended by a bureau's file: [`Vocabulary::from_file`]).
pub fn ingest_with(path: &Path, vocabulary: &Vocabulary) -> Result<Ingested, IngestError> {
    let (lines, doc, source) = text::read_document(path)?;
    read(path, &lines, &doc, source, vocabulary)
}

/// Reads a report given as text with the built-in vocabulary; `name` names it in provenance and
/// errors.
pub fn ingest_text(text: &str, name: &Path) -> Result<Ingested, IngestError> {
    ingest_text_with(text, name, Vocabulary::builtin())
}

/// Reads a report given as text with `vocabulary`; `name` names it in provenance and errors.
pub fn ingest_text_with(
    text: &str,
    name: &Path,
    vocabulary: &Vocabulary,
) -> Result<Ingested, IngestError> {
    let lines = text::lines_of(text.lines().map(str::to_owned));
    read(
        name,
        &lines,
        &document::Document::default(),
        SourceFile::text(),
        vocabulary,
    )
}

fn read(
    path: &Path,
    lines: &[text::Line],
    doc: &document::Document,
    source: SourceFile,
    vocabulary: &Vocabulary,
) -> Result<Ingested, IngestError> {
    let draft = fields::read_draft(path, lines, vocabulary)?;
    let year = (draft.unit.unit.year != 0).then_some(draft.unit.unit.year);
    let tables = tables::read(doc, vocabulary.tables(), year);
    let mut ingested = assemble::assemble(path, source, draft, tables)?;
    ingested.notes.clone_from(&doc.notes);
    Ok(ingested)
}

/// Whether `path` looks like a report this crate reads (by extension; [`formats::identify`]
/// tells a file by its content).
pub fn is_report(path: &Path) -> bool {
    Format::of(path).is_some()
}

pub(crate) fn dec(s: &str) -> Option<Decimal> {
    Decimal::from_str_exact(s).ok()
}
