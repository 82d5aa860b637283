//! The reviewer workbook (复核工作底稿): written for a sample of scored units, filled in Excel by
//! a reviewer, read back.
//!
//! [`write()`] writes one workbook for the units it is given (the caller writes one per reviewer or
//! per 主管部门). Its sheet [`SHEET`] (复核) holds, for each unit, a heading with the unit's
//! identity (name, 单位编码, 主管部门, 地区), its totals (系统总分 and grade, 自评总分 and grade
//! declared) and its findings, then a row per leaf indicator: 一级 / 二级 / 三级指标, 分值,
//! 自评得分, 系统得分, **复核得分**, **复核意见** and 评分依据 (the rule, the figures, the
//! arithmetic, why points were lost, the findings on the indicator). Above the units, the
//! workbook's **复核人** and **复核日期** (one reviewer per workbook).
//!
//! What the reviewer fills is white and unlocked (复核人, 复核日期, each row's 复核得分 and
//! 复核意见); everything else is grey and locked, the sheet protected without a password.
//!
//! - **复核得分 left empty means "not reviewed / unchanged": the system's score stands.** It is
//!   not pre-filled with the system's score: a pre-filled score cannot be told from one the
//!   reviewer confirmed, and a reviewer changes a few indicators of twenty, not all. A reviewer
//!   who wants to confirm a score explicitly types it; it is read back as a score equal to the
//!   system's ("unchanged") and needs no reason.
//! - 复核得分 is a number between 0 and the leaf's 分值 (data validation, with a Chinese prompt
//!   and error). Read back, a number cell is taken through its shortest round-trip decimal
//!   ([`jixiao_forms::decimal_from_f64`]); a text cell is accepted when it is a plain number,
//!   optionally with full-width digits or a trailing 分 (`10`, `１０`, `10分`); anything else
//!   (`约10`, `10左右`) is refused.
//! - A score differs from the system's when it is not equal to the 系统得分 as the sheet shows
//!   it (rounded to the rule set's `score_decimals`): then 复核意见 is required (the sheet says so,
//!   its prompt says so, and the empty 复核意见 turns red). A leaf the system did not count (不适用,
//!   不计入总分) has no 系统得分: any score given to it is a change.
//! - 复核日期 is kept as written: text as typed (the cell is a text cell), a date Excel made of it
//!   as `YYYY-MM-DD`.
//!
//! A very hidden, protected sheet (`jixiao`) records the rule set (id, name, version), each unit's
//! identity ([`UnitKey`](crate::UnitKey)), and each row's unit, leaf id, 分值 and system score, with a digest of
//! them all: [`read()`] reads the scores by it, and refuses a workbook whose record was changed.
//! Indicator ids are also in a hidden column of the sheet, checked against the record row by row
//! (a row moved or deleted is refused). Nothing the reviewer sees is an internal id.
//!
//! The sheet prints on A4 landscape, one page wide, each unit on a new page, the column headers
//! repeated on every page, the title and rule set in the page header and the page number in the
//! footer. The same cards, rule set and options give the same bytes.

mod meta;
mod read;
mod write;

use crate::CellRef;

pub use read::{MAX_FILE_BYTES, read, read_bytes};
pub use write::write;

/// The sheet a reviewer fills: 复核.
pub const SHEET: &str = "复核";

/// What a workbook is for: who reviews it, and what part of the sample it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkbookOptions {
    /// The reviewer, pre-filled in the 复核人 cell (the reviewer may still change it).
    pub reviewer: Option<String>,
    /// The part of the sample the workbook holds (a 主管部门's name, a reviewer's batch), shown
    /// after the title: `绩效自评复核工作底稿 · 株洲市芦淞区科学技术协会`.
    pub title: Option<String>,
}

/// Why a workbook could not be written or read. Every message is in plain Chinese and names the
/// workbook (and, for a cell, its sheet and cell).
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    /// The spreadsheet writer refused the workbook (its own words).
    #[error("无法生成复核工作底稿 (写入 Excel 文件出错: {0})")]
    Write(#[from] rust_xlsxwriter::XlsxError),
    /// No unit to review.
    #[error("无法生成复核工作底稿: 没有要复核的单位")]
    NoUnits,
    /// A unit was scored under another rule set (or version) than the workbook is made for.
    #[error(
        "无法生成复核工作底稿: {unit}是按{scored}评分的, 而工作底稿按{rules}生成; 请按同一评分规则重新评分"
    )]
    OtherRuleSet {
        unit: String,
        scored: String,
        rules: String,
    },
    /// The same unit given twice.
    #[error("无法生成复核工作底稿: {unit}出现了两次")]
    DuplicateUnit { unit: String },
    /// The workbook cannot be opened or read: `problem` in Chinese, `detail` the technical
    /// reason (from the file system, the zip or the spreadsheet reader), for logs.
    #[error("{workbook}: 无法读取这个工作簿: {problem}")]
    Open {
        workbook: String,
        problem: String,
        detail: String,
    },
    /// Not a reviewer workbook: no record of the rule set and units (or no sheet 复核).
    #[error(
        "{workbook}: 这不是 jixiao 生成的复核工作底稿 (没有{missing}), 无法读取复核得分; 请在 jixiao 生成的复核工作底稿上填写"
    )]
    NotReview { workbook: String, missing: String },
    /// The workbook's record (the very hidden sheet, or the rows it names) was changed.
    #[error(
        "{workbook}: 复核工作底稿的记录已被改动 ({problem}), 无法确定各行对应的单位和指标; 请在原始工作底稿上重新填写"
    )]
    Tampered { workbook: String, problem: String },
    /// Cells filled wrongly, each with its workbook, sheet and cell, in sheet order.
    #[error("{}", render(.0))]
    Cells(Vec<CellProblem>),
}

fn render(problems: &[CellProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// One cell filled wrongly: where, what is wrong and what is expected, in Chinese:
/// `复核.xlsx!复核!G7: 「株洲市芦淞区科学技术协会」的「预算控制率」复核得分填的是“约3”, 不是数字;
/// 要求: …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {problem}; 要求: {expected}")]
pub struct CellProblem {
    pub at: CellRef,
    pub problem: String,
    pub expected: String,
}
