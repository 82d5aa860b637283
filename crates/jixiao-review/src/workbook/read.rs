//! Reading a filled reviewer workbook back.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};
use jixiao_forms::{decimal_from_f64, number_from_text};
use rust_decimal::Decimal;

use super::meta::{META, Record};
use super::write::{DATE, LEAF_ID, REASON, REVIEWED, REVIEWER, REVIEWER_ROW, cell, unit_label};
use super::{CellProblem, SHEET, WorkbookError};
use crate::{CellRef, FilledReview, ReviewedScore};

/// The largest workbook file read (a reviewer workbook of a few hundred units is well under a
/// megabyte); what it inflates to is bounded by [`jixiao_ingest::archive::check`].
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a filled reviewer workbook from `path` (named in messages as the path is written).
pub fn read(path: &Path) -> Result<FilledReview, WorkbookError> {
    let workbook = path.display().to_string();
    let cannot = |problem: &str, detail: String| WorkbookError::Open {
        workbook: workbook.clone(),
        problem: problem.to_owned(),
        detail,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| cannot("文件打不开 (不存在或没有读取权限)", e.to_string()))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(cannot(
            "文件太大, 不像复核工作底稿",
            format!("{size} bytes, more than {MAX_FILE_BYTES}"),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| cannot("文件打不开 (读取出错)", e.to_string()))?;
    read_bytes(&bytes, &workbook)
}

/// Reads a filled reviewer workbook from its bytes; `workbook` is its name in messages and in
/// each score's [`CellRef`].
///
/// Every row whose 复核得分 is filled is read (a score equal to the system's too, as unchanged);
/// an empty 复核得分 leaves the system's score standing and is not read (but a 复核意见 beside an
/// empty 复核得分 is refused: the score may have been forgotten). All the cells filled
/// wrongly are reported at once ([`WorkbookError::Cells`]); nothing is read from a workbook with
/// one.
pub fn read_bytes(bytes: &[u8], workbook: &str) -> Result<FilledReview, WorkbookError> {
    let cannot = |problem: &str, detail: String| WorkbookError::Open {
        workbook: workbook.to_owned(),
        problem: problem.to_owned(),
        detail,
    };
    if u64::try_from(bytes.len()).map_or(true, |n| n > MAX_FILE_BYTES) {
        return Err(cannot(
            "文件太大, 不像复核工作底稿",
            format!("{} bytes", bytes.len()),
        ));
    }
    jixiao_ingest::archive::check(Cursor::new(bytes))
        .map_err(|e| cannot("文件解压后过大或已损坏, 不像复核工作底稿", e.to_string()))?;
    // A panic inside calamine (a damaged file) is a refusal of this workbook.
    jixiao_ingest::document::calamine_guard(
        || read_unguarded(bytes, workbook),
        |detail| cannot("工作簿已损坏; 请在 Excel 或 WPS 中重新保存后再交", detail),
    )
}

/// A sheet's cells that hold something, by (row, column).
type Cells = BTreeMap<(u32, u32), Data>;

fn read_unguarded(bytes: &[u8], workbook: &str) -> Result<FilledReview, WorkbookError> {
    let mut xlsx: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::XlsxError| {
            WorkbookError::Open {
                workbook: workbook.to_owned(),
                problem: "不是 Excel 工作簿 (.xlsx)".to_owned(),
                detail: e.to_string(),
            }
        })?;
    let names = xlsx.sheet_names();
    let not_review = |missing: &str| WorkbookError::NotReview {
        workbook: workbook.to_owned(),
        missing: missing.to_owned(),
    };
    if !names.iter().any(|n| n == META) {
        return Err(not_review("记录评分规则和复核单位的隐藏表"));
    }
    if !names.iter().any(|n| n == SHEET) {
        return Err(not_review(&format!("工作表「{SHEET}」")));
    }
    let mut sheet = |name: &str| {
        jixiao_ingest::document::xlsx_cells(&mut xlsx, name).map_err(|e| WorkbookError::Open {
            workbook: workbook.to_owned(),
            problem: format!("工作表「{name}」读不出来"),
            detail: e.to_string(),
        })
    };
    let meta = sheet(META)?;
    let review = sheet(SHEET)?;
    let tampered = |problem: String| WorkbookError::Tampered {
        workbook: workbook.to_owned(),
        problem,
    };
    let record = Record::parse(&lines(&meta)).map_err(tampered)?;
    for row in &record.rows {
        let id = match review.get(&(row.row, u32::from(LEAF_ID))) {
            Some(Data::String(s)) => s.as_str(),
            _ => "",
        };
        if id != row.leaf {
            return Err(tampered(format!(
                "「{SHEET}」表第 {} 行不是记录中的「{}」, 行被移动、插入或删除过",
                u64::from(row.row) + 1,
                row.name
            )));
        }
    }
    Reading {
        workbook,
        review: &review,
        record: &record,
        problems: Vec::new(),
    }
    .read()
}

/// The record's lines, as written: a line per row from the first, a field per column.
fn lines(meta: &Cells) -> Vec<Vec<String>> {
    let mut lines: Vec<Vec<String>> = Vec::new();
    for (&(row, col), data) in meta {
        let Data::String(text) = data else {
            continue;
        };
        let row = usize::try_from(row).unwrap_or(usize::MAX);
        let col = usize::try_from(col).unwrap_or(usize::MAX);
        // Rows from the first, no gap; fields as many as the record writes (8 at most).
        if row > lines.len() || col >= 16 {
            lines.clear();
            break;
        }
        if row == lines.len() {
            lines.push(Vec::new());
        }
        let line = &mut lines[row];
        if line.len() <= col {
            line.resize(col + 1, String::new());
        }
        line[col] = text.clone();
    }
    lines
}

/// A cell's value as named in a message: `“约10”`, `TRUE`, `一个日期`.
fn found(data: &Data) -> String {
    match data {
        Data::String(s) => format!("“{}”", s.trim()),
        Data::Bool(true) => "TRUE".to_owned(),
        Data::Bool(false) => "FALSE".to_owned(),
        Data::Error(e) => format!("错误值 {e}"),
        Data::DateTime(_) | Data::DateTimeIso(_) => "一个日期".to_owned(),
        Data::DurationIso(_) => "一段时长".to_owned(),
        other => format!("“{other}”"),
    }
}

/// A text cell's content, trimmed (full-width spaces too); a number as its digits.
fn text(data: Option<&Data>) -> Option<String> {
    let text = match data? {
        Data::String(s) => s.trim().trim_matches('\u{3000}').trim().to_owned(),
        Data::Float(f) => decimal_from_f64(*f)?.to_string(),
        Data::Int(i) => i.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// A score typed as text: a plain number, digits half- or full-width, optionally followed by
/// 分 (`4.5`, `４．５`, `4.5分`). `None` for anything else (`约4`, `4-5`, `四分`).
fn score_from_text(text: &str) -> Option<Decimal> {
    let text = text.trim().trim_matches('\u{3000}');
    let digits = text.strip_suffix('分').unwrap_or(text).trim_end();
    // No thousands separators in a score.
    if digits.contains([',', '，']) {
        return None;
    }
    number_from_text(digits, false)
}

enum Score {
    Blank,
    Read(Decimal),
    Refused(String),
}

fn score(data: Option<&Data>) -> Score {
    match data {
        None | Some(Data::Empty) => Score::Blank,
        Some(Data::String(s)) if s.trim().trim_matches('\u{3000}').trim().is_empty() => {
            Score::Blank
        }
        Some(Data::Float(f)) => match decimal_from_f64(*f) {
            Some(d) => Score::Read(d),
            None => Score::Refused(format!("“{f}”")),
        },
        Some(Data::Int(i)) => Score::Read(Decimal::from(*i)),
        Some(Data::String(s)) => match score_from_text(s) {
            Some(d) => Score::Read(d),
            None => Score::Refused(found(&Data::String(s.clone()))),
        },
        Some(other) => Score::Refused(found(other)),
    }
}

struct Reading<'a> {
    workbook: &'a str,
    review: &'a Cells,
    record: &'a Record,
    problems: Vec<CellProblem>,
}

impl Reading<'_> {
    fn at(&self, row: u32, col: u16) -> CellRef {
        CellRef {
            workbook: self.workbook.to_owned(),
            sheet: SHEET.to_owned(),
            cell: cell(row, col),
        }
    }

    fn get(&self, row: u32, col: u16) -> Option<&Data> {
        self.review.get(&(row, u32::from(col)))
    }

    fn problem(&mut self, row: u32, col: u16, problem: String, expected: String) {
        let at = self.at(row, col);
        self.problems.push(CellProblem {
            at,
            problem,
            expected,
        });
    }

    fn date(&mut self) -> Option<String> {
        let data = self.get(REVIEWER_ROW, DATE)?;
        match data {
            Data::DateTime(dt) => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                Some(format!("{y:04}-{m:02}-{d:02}"))
            }
            Data::DateTimeIso(s) => Some(s.chars().take(10).collect()),
            Data::Bool(_) | Data::Error(_) | Data::DurationIso(_) => {
                let problem = format!("复核日期填的是{}, 不是日期", found(data));
                let expected = "复核日期, 如 2025-04-15".to_owned();
                self.problem(REVIEWER_ROW, DATE, problem, expected);
                None
            }
            other => text(Some(other)),
        }
    }

    fn read(mut self) -> Result<FilledReview, WorkbookError> {
        let reviewer = text(self.get(REVIEWER_ROW, REVIEWER));
        let date = self.date();
        let mut scores = Vec::new();
        for row in &self.record.rows {
            let unit = &self.record.units[row.unit];
            let what = format!("{}的「{}」", unit_label(unit), row.name);
            let most = row.points.normalize();
            let expected = format!(
                "0 到 {most} 之间的数字 (如 {}, 也可写“{}分”); 留空表示维持系统得分",
                most, most
            );
            let value = match score(self.get(row.row, REVIEWED)) {
                // A reason without a score may be a score forgotten: said, not guessed.
                Score::Blank if text(self.get(row.row, REASON)).is_some() => {
                    let problem = format!(
                        "{what}填写了复核意见, 但复核得分 ({}) 留空",
                        cell(row.row, REVIEWED)
                    );
                    let expected = match row.system {
                        Some(s) => {
                            format!("维持系统得分的, 复核得分填 {s}; 调整的, 填调整后的分数")
                        }
                        None => "给这项指标评分的, 填复核得分; 否则删去复核意见".to_owned(),
                    };
                    self.problem(row.row, REASON, problem, expected);
                    continue;
                }
                Score::Blank => continue,
                Score::Refused(found) => {
                    let problem = format!("{what}复核得分填的是{found}, 不是数字");
                    self.problem(row.row, REVIEWED, problem, expected);
                    continue;
                }
                Score::Read(value) => value.normalize(),
            };
            if value.is_sign_negative() && !value.is_zero() {
                let problem = format!("{what}复核得分 {value} 小于 0");
                self.problem(row.row, REVIEWED, problem, expected);
                continue;
            }
            if value > row.points {
                let problem = format!("{what}复核得分 {value} 超过本项分值 {most} 分");
                self.problem(row.row, REVIEWED, problem, expected);
                continue;
            }
            let reason = text(self.get(row.row, REASON));
            let changed = row.system != Some(value);
            if changed && reason.is_none() {
                let system = match row.system {
                    Some(s) => format!("与系统得分 {s} 不同"),
                    None => "给了系统不计入总分的指标".to_owned(),
                };
                let problem = format!(
                    "{what}复核得分 {value} ({}) {system}, 但没有填写复核意见",
                    cell(row.row, REVIEWED)
                );
                let expected = "复核得分与系统得分不同时, 在复核意见中写明调整的理由".to_owned();
                self.problem(row.row, REASON, problem, expected);
                continue;
            }
            scores.push(ReviewedScore {
                unit: unit.clone(),
                indicator: row.leaf.clone(),
                score: value,
                reason,
                reviewer: reviewer.clone().unwrap_or_default(),
                date: date.clone(),
                at: self.at(row.row, REVIEWED),
            });
        }
        if reviewer.is_none() && (!scores.is_empty() || !self.problems.is_empty()) {
            let problem = "未填写复核人".to_owned();
            let expected = "填写复核人姓名 (本表已填复核得分)".to_owned();
            self.problems.insert(
                0,
                CellProblem {
                    at: self.at(REVIEWER_ROW, REVIEWER),
                    problem,
                    expected,
                },
            );
        }
        if !self.problems.is_empty() {
            return Err(WorkbookError::Cells(self.problems));
        }
        // The 系统得分 column is not read: the record holds the score the sheet showed.
        Ok(FilledReview {
            rule_set_id: self.record.rule_set_id.clone(),
            rule_set_version: self.record.rule_set_version.clone(),
            scores,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn scores_typed_as_text() {
        assert_eq!(score_from_text("10"), Some(dec!(10)));
        assert_eq!(score_from_text(" 4.5分 "), Some(dec!(4.5)));
        assert_eq!(score_from_text("４．５"), Some(dec!(4.5)));
        assert_eq!(score_from_text("4.5 分"), Some(dec!(4.5)));
        for bad in ["约10", "10左右", "四分", "4-5", "1,000", "分", ""] {
            assert_eq!(score_from_text(bad), None, "{bad}");
        }
    }
}
