//! The workbook's record (the very hidden sheet `jixiao`): the rule set, the units and, for each
//! row of the sheet 复核, its unit, leaf, 分值 and system score; and a digest of them all, so a
//! record changed by hand is refused rather than read wrongly.
//!
//! Each line of the record is a row of the sheet, a text cell per field. An optional field is
//! written `=value`, and left empty when absent, so that an empty value and none read back apart.

use std::str::FromStr as _;

use jixiao_model::EvaluationKind;
use rust_decimal::Decimal;
use sha2::{Digest as _, Sha256};

use crate::UnitKey;

/// The record's sheet.
pub(super) const META: &str = "jixiao";
/// The record's format, its first line.
pub(super) const FORMAT: &str = "jixiao-review-workbook/1";

/// One row of the sheet 复核 that a reviewer scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RowRecord {
    /// The row, zero-based.
    pub row: u32,
    /// The unit's place in [`Record::units`].
    pub unit: usize,
    pub leaf: String,
    /// The leaf's name, for messages.
    pub name: String,
    pub points: Decimal,
    /// The system's score as the sheet shows it (rounded to the rule set's decimals); `None` for
    /// a leaf not counted (不适用, 不计入总分).
    pub system: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record {
    pub rule_set_id: String,
    pub rule_set_name: String,
    pub rule_set_version: String,
    pub units: Vec<UnitKey>,
    pub rows: Vec<RowRecord>,
}

fn opt(value: Option<&str>) -> String {
    value.map(|v| format!("={v}")).unwrap_or_default()
}

fn parse_opt(text: &str) -> Result<Option<String>, String> {
    if text.is_empty() {
        Ok(None)
    } else {
        text.strip_prefix('=')
            .map(|v| Some(v.to_owned()))
            .ok_or_else(|| format!("“{text}”不是记录的格式"))
    }
}

fn kind_name(kind: EvaluationKind) -> &'static str {
    match kind {
        EvaluationKind::Department => "department",
        EvaluationKind::Project => "project",
    }
}

fn digest(lines: &[Vec<String>]) -> String {
    let mut hasher = Sha256::new();
    for line in lines {
        // Empty fields at a line's end are not written as cells, so they do not count.
        let kept = line
            .iter()
            .rposition(|f| !f.is_empty())
            .map_or(0, |i| i + 1);
        for (i, field) in line[..kept].iter().enumerate() {
            if i > 0 {
                hasher.update([0x1f]);
            }
            hasher.update(field.as_bytes());
        }
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

impl Record {
    /// The record's lines, the digest last.
    pub fn lines(&self) -> Vec<Vec<String>> {
        let mut lines = vec![
            vec!["format".to_owned(), FORMAT.to_owned()],
            vec![
                "rule_set".to_owned(),
                self.rule_set_id.clone(),
                self.rule_set_name.clone(),
                self.rule_set_version.clone(),
            ],
        ];
        for (i, unit) in self.units.iter().enumerate() {
            lines.push(vec![
                "unit".to_owned(),
                i.to_string(),
                unit.name.clone(),
                opt(unit.code.as_deref()),
                opt(unit.project.as_deref()),
                opt(unit.project_code.as_deref()),
                unit.year.to_string(),
                kind_name(unit.kind).to_owned(),
            ]);
        }
        for row in &self.rows {
            lines.push(vec![
                "row".to_owned(),
                (u64::from(row.row) + 1).to_string(),
                row.unit.to_string(),
                row.leaf.clone(),
                row.name.clone(),
                row.points.normalize().to_string(),
                row.system
                    .map(|s| format!("={}", s.normalize()))
                    .unwrap_or_default(),
            ]);
        }
        let digest = digest(&lines);
        lines.push(vec!["digest".to_owned(), digest]);
        lines
    }

    /// The record from its lines (as read from the sheet, trailing empty cells dropped); `Err`
    /// says, in Chinese, what does not hold.
    pub fn parse(lines: &[Vec<String>]) -> Result<Record, String> {
        let Some((last, body)) = lines.split_last() else {
            return Err("隐藏的记录表是空的".to_owned());
        };
        match last.as_slice() {
            [key, value] if key == "digest" => {
                if *value != digest(body) {
                    return Err("隐藏记录表的内容与其校验码不符".to_owned());
                }
            }
            _ => return Err("隐藏记录表缺少校验码".to_owned()),
        }
        let mut record = Record {
            rule_set_id: String::new(),
            rule_set_name: String::new(),
            rule_set_version: String::new(),
            units: Vec::new(),
            rows: Vec::new(),
        };
        let bad = |n: usize| format!("隐藏记录表第 {} 行无法识别", n + 1);
        let mut format = false;
        for (n, line) in body.iter().enumerate() {
            // Trailing empty fields are not written as cells.
            let field = |i: usize| line.get(i).map_or("", String::as_str);
            match field(0) {
                "format" if field(1) == FORMAT && n == 0 => format = true,
                "rule_set" => {
                    record.rule_set_id = field(1).to_owned();
                    record.rule_set_name = field(2).to_owned();
                    record.rule_set_version = field(3).to_owned();
                }
                "unit" => {
                    if field(1) != record.units.len().to_string() {
                        return Err(bad(n));
                    }
                    let kind = match field(7) {
                        "department" => EvaluationKind::Department,
                        "project" => EvaluationKind::Project,
                        _ => return Err(bad(n)),
                    };
                    record.units.push(UnitKey {
                        name: field(2).to_owned(),
                        code: parse_opt(field(3))?,
                        project: parse_opt(field(4))?,
                        project_code: parse_opt(field(5))?,
                        year: field(6).parse().map_err(|_| bad(n))?,
                        kind,
                    });
                }
                "row" => {
                    let row: u32 = field(1).parse().map_err(|_| bad(n))?;
                    let unit: usize = field(2).parse().map_err(|_| bad(n))?;
                    let points = Decimal::from_str(field(5)).map_err(|_| bad(n))?;
                    let system = parse_opt(field(6))?
                        .map(|s| Decimal::from_str(&s))
                        .transpose()
                        .map_err(|_| bad(n))?;
                    if row == 0 || unit >= record.units.len() {
                        return Err(bad(n));
                    }
                    record.rows.push(RowRecord {
                        row: row - 1,
                        unit,
                        leaf: field(3).to_owned(),
                        name: field(4).to_owned(),
                        points,
                        system,
                    });
                }
                _ => return Err(bad(n)),
            }
        }
        if !format || record.rule_set_id.is_empty() {
            return Err("隐藏记录表缺少格式或评分规则".to_owned());
        }
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn record() -> Record {
        Record {
            rule_set_id: "r".into(),
            rule_set_name: "规则".into(),
            rule_set_version: "1".into(),
            units: vec![UnitKey {
                name: "甲".into(),
                code: Some(String::new()),
                project: None,
                project_code: Some("P1".into()),
                year: 2024,
                kind: EvaluationKind::Project,
            }],
            rows: vec![RowRecord {
                row: 6,
                unit: 0,
                leaf: "a.b".into(),
                name: "乙".into(),
                points: dec!(5.0),
                system: Some(dec!(2.50)),
            }],
        }
    }

    #[test]
    fn reads_back_what_it_wrote_and_refuses_a_change() {
        let record = record();
        let lines = record.lines();
        let back = Record::parse(&lines).unwrap();
        assert_eq!(back.units, record.units);
        assert_eq!(back.rows[0].row, 6);
        assert_eq!(back.rows[0].system, Some(dec!(2.5)));
        let mut changed = lines.clone();
        changed[3][5] = "50".into();
        assert_eq!(
            Record::parse(&changed).unwrap_err(),
            "隐藏记录表的内容与其校验码不符"
        );
        assert!(Record::parse(&[]).is_err());
    }
}
