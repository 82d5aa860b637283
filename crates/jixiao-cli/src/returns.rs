//! What goes back to a unit (退回清单): the items of a submission that could not be read or
//! parsed, the cells read with a conversion, and (when scored) the hard findings, each in plain
//! Chinese with where it is and what is expected. Built from the readers' typed errors (a form's
//! cells, a unit file's keys and figures), never from their English display text.

use jixiao_engine::{Scorecard, Severity};
use jixiao_model::{FieldPath, ModelError, field_label};
use jixiao_report::returns::{Need, ReturnItem};

/// The place of a problem of the whole file (it cannot be read, or is not a unit).
pub const WHOLE_FILE: &str = "整个文件";

/// What is expected when a whole file must be sent again.
const RESEND: &str = "按填报说明重新报送可读取的文件 (填报表 .xlsx、Word 文档或带文字的 PDF)";

/// One item for a failure known only by its message: the message without its file name.
pub fn whole_file(source: &str, message: &str, code: &str) -> ReturnItem {
    let problem = message
        .strip_prefix(source)
        .map_or(message, |rest| rest.trim_start_matches([':', ' ']));
    ReturnItem {
        need: Need::Correct,
        place: WHOLE_FILE.to_owned(),
        problem: problem.to_owned(),
        expected: RESEND.to_owned(),
        code: code.to_owned(),
    }
}

/// The item of a unit file (TOML, a JSON line) that does not parse or whose figure is out of
/// bounds.
pub fn of_model(error: &ModelError) -> ReturnItem {
    let line_place = |line: Option<usize>| line.map(|l| format!("第 {l} 行"));
    match error {
        ModelError::Figure {
            line,
            field,
            kind,
            value,
            ..
        } => ReturnItem {
            need: Need::Correct,
            place: join_place(line_place(*line), Some(field_label(field))),
            problem: format!("{}{}", field_label(field), kind.problem(*value)),
            expected: kind.expected().to_owned(),
            code: "figure".to_owned(),
        },
        ModelError::Parse {
            line, key, message, ..
        } => {
            let field = FieldPath::parse(key).ok();
            // TOML's message: `TOML parse error at line 64, column 11`, the line quoted, then
            // the parser's own words on the last line.
            let line = line.or_else(|| {
                let rest = message.split_once("at line ")?.1;
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse()
                    .ok()
            });
            let last = message
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or(message);
            let (problem, expected) = parse_message(last, field.as_ref());
            ReturnItem {
                need: Need::Correct,
                place: join_place(line_place(line), field.as_ref().map(field_label)),
                problem,
                expected,
                code: "parse".to_owned(),
            }
        }
        ModelError::Io { .. } | ModelError::Encoding { .. } => ReturnItem {
            need: Need::Correct,
            place: WHOLE_FILE.to_owned(),
            problem: match error {
                ModelError::Encoding { .. } => "文件不是 UTF-8 编码的文本".to_owned(),
                _ => "文件无法读取".to_owned(),
            },
            expected: RESEND.to_owned(),
            code: "read".to_owned(),
        },
    }
}

fn join_place(line: Option<String>, field: Option<String>) -> String {
    match (line, field) {
        (Some(l), Some(f)) => format!("{l}, {f}"),
        (Some(l), None) => l,
        (None, Some(f)) => f,
        (None, None) => WHOLE_FILE.to_owned(),
    }
}

/// A parser's message (serde's, in English) as what is wrong and what is expected, in Chinese,
/// for the forms it takes; any other as 格式不符 with the parser's own words.
fn parse_message(message: &str, field: Option<&FieldPath>) -> (String, String) {
    let quoted = |after: &str| {
        message
            .split_once(after)
            .and_then(|(_, rest)| rest.split('`').next())
            .map(str::to_owned)
    };
    let name = field.map(field_label);
    if let Some(key) = quoted("unknown field `") {
        return (
            format!("有无法识别的项「{key}」"),
            "删除该项, 或改用填报说明中的名称".to_owned(),
        );
    }
    if let Some(key) = quoted("missing field `") {
        let label = match field {
            Some(parent) => field_label(&parent.clone().key(&key)),
            None => FieldPath::parse(&key).map_or(key.clone(), |f| field_label(&f)),
        };
        return (format!("缺少必填项「{label}」"), "填写该项".to_owned());
    }
    // serde's "invalid value: the negative amount -2.4, expected …", or the readers' "expected
    // an amount of zero or more, found the negative amount -2.4".
    if let Some((_, rest)) = message.split_once("the negative amount ") {
        let value = rest.split([',', ' ']).next().unwrap_or(rest);
        return (
            format!("{}为负数 {value}", name.unwrap_or_default()),
            "填写 0 或正数".to_owned(),
        );
    }
    for (bound, kind) in [
        ("at most 10^12", jixiao_model::ProblemKind::TooLarge),
        ("at least 0.000001", jixiao_model::ProblemKind::TooSmall),
    ] {
        if message.contains(bound) {
            let value = message
                .rsplit("found ")
                .next()
                .unwrap_or("")
                .split(' ')
                .next()
                .unwrap_or("");
            return (
                format!(
                    "{}数值{}",
                    name.unwrap_or_default(),
                    if kind == jixiao_model::ProblemKind::TooLarge {
                        "过大"
                    } else {
                        "过小"
                    }
                ) + &if value.is_empty() {
                    String::new()
                } else {
                    format!(" ({value})")
                },
                kind.expected().to_owned(),
            );
        }
    }
    if message.starts_with("invalid type:") || message.starts_with("invalid value: string") {
        let lower = message.to_ascii_lowercase();
        let wanted = if lower.contains("expected a decimal")
            || lower.contains("expected a number")
            || lower.contains("integer")
        {
            "填写数字"
        } else if message.contains("a string") {
            "填写文字"
        } else {
            "按填报说明的格式填写"
        };
        return (
            format!("{}的类型不符", name.unwrap_or_else(|| "此项".to_owned())),
            wanted.to_owned(),
        );
    }
    (
        format!("格式不符 ({})", message.lines().next().unwrap_or(message)),
        "按填报说明的格式填写".to_owned(),
    )
}

/// The item of a report (or a unit's own workbook) that could not be read into a unit.
pub fn of_report(error: &jixiao_ingest::IngestError) -> ReturnItem {
    use jixiao_ingest::IngestError as E;
    let item = |place: String, problem: String, expected: &str, code: &str| ReturnItem {
        need: Need::Correct,
        place,
        problem,
        expected: expected.to_owned(),
        code: code.to_owned(),
    };
    // A reader's reason in Chinese is kept; one in English is not shown to a unit.
    let chinese = |text: &str| {
        let han = text
            .chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count();
        han > text.chars().filter(char::is_ascii_alphabetic).count()
    };
    match error {
        E::Figure {
            field,
            read_at,
            message,
            ..
        } => {
            let (problem, expected) = parse_message(message, Some(field));
            // A figure read from a table: the reader puts the cell last, `(表2 第5行第3列「-5」)`.
            let cell = message
                .rsplit_once(" (")
                .map(|(_, cell)| cell.trim_end_matches(')'))
                .filter(|cell| cell.contains('第') || cell.contains('!'));
            let place = match (read_at, cell) {
                (None, Some(cell)) => format!("{cell}, {}", field_label(field)),
                (Some(at), _) => format!(
                    "「{}」第 {} 行, {}",
                    at.section,
                    at.line,
                    field_label(field)
                ),
                (None, None) => field_label(field),
            };
            item(place, problem, &expected, "figure")
        }
        E::Required {
            section,
            field,
            why,
            ..
        } => {
            let label = FieldPath::parse(field).map_or_else(|_| field.clone(), |f| field_label(&f));
            let why = if chinese(why) {
                format!(" ({why})")
            } else {
                String::new()
            };
            item(
                format!("「{section}」"),
                format!("未能读出{label}{why}"),
                &format!("在报告中写明{label}, 或改用填报表报送"),
                "required",
            )
        }
        E::Docx { .. } => item(
            WHOLE_FILE.to_owned(),
            "Word 文档无法打开 (文件已损坏, 或不是 Word 文档)".to_owned(),
            RESEND,
            "docx",
        ),
        E::Workbook { .. } => item(
            WHOLE_FILE.to_owned(),
            "表格文件无法打开 (文件已损坏, 或不是 Excel 文件)".to_owned(),
            RESEND,
            "workbook",
        ),
        E::Io { .. } => item(
            WHOLE_FILE.to_owned(),
            "文件无法读取".to_owned(),
            RESEND,
            "read",
        ),
        other => {
            let message = other.to_string();
            let text = match other {
                E::Unsupported { report, .. }
                | E::Encoding { report, .. }
                | E::Pdf { report, .. } => {
                    let path = report.display().to_string();
                    message.strip_prefix(&path).map_or(message.clone(), |m| {
                        m.trim_start_matches([':', ' ']).to_owned()
                    })
                }
                _ => message.clone(),
            };
            let problem = if chinese(&text) {
                text
            } else {
                format!("文件无法读取 ({text})")
            };
            let code = if other.is_unreadable() {
                "unreadable"
            } else {
                "report"
            };
            item(WHOLE_FILE.to_owned(), problem, RESEND, code)
        }
    }
}

/// A form's cell that could not be read: where (the sheet and the cell), what, and what is
/// expected, as the form's reader says.
pub fn of_cell(cell: &jixiao_forms::CellError) -> ReturnItem {
    ReturnItem {
        need: Need::Correct,
        place: cell_place(&cell.sheet, &cell.cell),
        problem: format!("{}{}", cell.field.as_deref().unwrap_or(""), cell.problem),
        expected: cell.expected.clone(),
        code: "cell".to_owned(),
    }
}

/// A form's cell read with a conversion, for the unit to confirm.
pub fn of_note(note: &jixiao_forms::Note) -> ReturnItem {
    ReturnItem {
        need: Need::Confirm,
        place: cell_place(&note.sheet, &note.cell),
        problem: format!("{}{}", note.field.as_deref().unwrap_or(""), note.message),
        expected: "确认读取的数值无误, 或按单元格的提示改填".to_owned(),
        code: "note".to_owned(),
    }
}

/// `工作表「单位」C21`.
fn cell_place(sheet: &str, cell: &str) -> String {
    format!("工作表「{sheet}」{cell}")
}

/// Where a unit read from a document wrote a field: `「三、预算执行情况」第 12 行` or the table's
/// cell, `表2 第5行第3列`.
fn read_at(ingested: &jixiao_ingest::Ingested, field: &FieldPath) -> Option<String> {
    ingested
        .provenance
        .get(field)
        .map(|p| format!("「{}」第 {} 行", p.section, p.line))
        .or_else(|| ingested.cells.get(field).map(|c| c.place.clone()))
}

/// The hard findings of a scored unit: what the unit must correct or explain; for a unit read
/// from a document, with where in it the figures were read.
pub fn of_findings(
    card: &Scorecard,
    ingested: Option<&jixiao_ingest::Ingested>,
) -> Vec<ReturnItem> {
    card.findings
        .iter()
        .filter(|f| f.severity == Severity::Hard)
        .map(|finding| {
            let mut fields: Vec<String> = finding
                .figures
                .iter()
                .flat_map(|figure| figure.fields.iter().map(field_label))
                .collect();
            fields.dedup();
            // `专项资金第 1 项: 年初预算数、支出数` for fields of one item.
            let item = fields
                .first()
                .and_then(|f| f.rsplit_once(' '))
                .map(|(item, _)| item.to_owned());
            let fields = match item {
                Some(item) if fields.iter().all(|f| f.starts_with(&format!("{item} "))) => {
                    let names: Vec<&str> = fields.iter().map(|f| &f[item.len() + 1..]).collect();
                    vec![format!("{item}: {}", names.join("、"))]
                }
                _ => fields,
            };
            let indicator = finding
                .indicator
                .as_deref()
                .and_then(|id| card.indicator(id))
                .map(|i| format!("指标「{}」", i.name));
            let mut place = match (indicator, fields.is_empty()) {
                (Some(i), true) => i,
                (Some(i), false) => format!("{i}: {}", fields.join("、")),
                (None, false) => fields.join("、"),
                (None, true) => "自评报告".to_owned(),
            };
            let mut seen = Vec::new();
            if let Some(ingested) = ingested {
                for field in finding.figures.iter().flat_map(|f| &f.fields) {
                    if let Some(at) = read_at(ingested, field)
                        && !seen.contains(&at)
                    {
                        seen.push(at);
                    }
                }
            }
            if !seen.is_empty() {
                place = format!("{place} (见 {})", seen.join("、"));
            }
            ReturnItem {
                need: Need::Explain,
                place,
                problem: finding.message.clone(),
                expected: "核实并更正相关数据, 或书面说明原因".to_owned(),
                code: finding.rule.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_s_problems_say_where_they_were_read() {
        let error = jixiao_ingest::IngestError::Figure {
            report: "科协.txt".into(),
            field: FieldPath::new("budget").key("opening"),
            read_at: Some(Box::new(jixiao_ingest::Provenance {
                section: "二、一般公共预算支出情况".into(),
                line: 31,
                phrase: "2024年预算资金-69.16万元".into(),
                note: None,
            })),
            message: "expected an amount of zero or more, found the negative amount -69.16".into(),
        };
        let item = of_report(&error);
        assert_eq!(
            item.place,
            "「二、一般公共预算支出情况」第 31 行, 年初预算数"
        );
        assert_eq!(item.problem, "年初预算数为负数 -69.16");
        assert_eq!(item.expected, "填写 0 或正数");
        // Read from a table: the cell the reader names.
        let from_table = jixiao_ingest::IngestError::Figure {
            report: "科协.docx".into(),
            field: FieldPath::new("budget").key("spent"),
            read_at: None,
            message: "expected an amount of zero or more, found the negative amount -5 \
                      (表2 第5行第3列「-5」)"
                .into(),
        };
        assert_eq!(
            of_report(&from_table).place,
            "表2 第5行第3列「-5」, 全年执行数 (财政拨款支出)"
        );
        let required = jixiao_ingest::IngestError::Required {
            report: "科协.txt".into(),
            section: "标题".into(),
            field: "unit.year".into(),
            why: "the title names no year".into(),
        };
        // A reason in English is not shown to a unit.
        assert_eq!(of_report(&required).problem, "未能读出评价年度");
    }

    #[test]
    fn parser_messages_read_in_chinese() {
        let opening = FieldPath::new("budget").key("opening");
        assert_eq!(
            parse_message(
                "invalid value: the negative amount -2.4, expected an amount of zero or more",
                Some(&opening)
            ),
            (
                "年初预算数为负数 -2.4".to_owned(),
                "填写 0 或正数".to_owned()
            )
        );
        assert_eq!(
            parse_message("missing field `spent`", Some(&FieldPath::new("budget"))),
            (
                "缺少必填项「全年执行数 (财政拨款支出)」".to_owned(),
                "填写该项".to_owned()
            )
        );
        assert_eq!(
            parse_message(
                "unknown field `openning`, expected one of `opening`, `full_year`",
                Some(&FieldPath::new("budget"))
            )
            .0,
            "有无法识别的项「openning」"
        );
        assert_eq!(
            parse_message(
                "invalid type: string \"约95\", expected a decimal",
                Some(&opening)
            ),
            ("年初预算数的类型不符".to_owned(), "填写数字".to_owned())
        );
    }
}
