//! 退回清单: for each unit whose submission has problems, the list the bureau sends back as it
//! is: the unit, each problem in plain Chinese, where it is (the sheet and cell, the line, the
//! section), and what is expected. One page a unit (HTML, printable on A4), and one CSV of every
//! item of the round, with a code column for machines.

use maud::{DOCTYPE, PreEscaped, html};

/// One unit's 退回清单.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnList {
    /// The unit's name, or the file's when it could not be read.
    pub unit: String,
    /// 单位编码, when known.
    pub code: Option<String>,
    /// The file the submission came from.
    pub source: String,
    pub items: Vec<ReturnItem>,
}

/// How much an item asks of the unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// 须更正: the submission cannot be scored, or a figure is wrong, until this is corrected.
    Correct,
    /// 须说明: the figures disagree or a score is out of its rules; the unit corrects or explains.
    Explain,
    /// 请确认: read with a conversion (a percentage typed as 0.96, an amount in 元); the unit
    /// confirms or corrects.
    Confirm,
}

impl Need {
    pub fn label(self) -> &'static str {
        match self {
            Need::Correct => "须更正",
            Need::Explain => "须说明",
            Need::Confirm => "请确认",
        }
    }
}

/// One problem of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnItem {
    pub need: Need,
    /// Where it is, in words: `工作表「单位」C21`, `第 12 行`, `「三、预算执行情况」第 4 段`.
    pub place: String,
    /// What is wrong, in plain Chinese.
    pub problem: String,
    /// What is expected.
    pub expected: String,
    /// For machines (the CSV's last column): the check or rule, e.g. `cell`, `fund_reconciliation`.
    pub code: String,
}

impl ReturnList {
    /// Items in the order a unit works through them: what must be corrected first.
    pub fn sorted(mut self) -> ReturnList {
        self.items.sort_by_key(|item| item.need);
        self
    }
}

const STYLE: &str = r#"
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:960px;color:#222;padding:0 1rem}
h1{font-size:1.5rem;text-align:center}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border:1px solid #999;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#eee}
td.no{text-align:center;width:2.5rem}td.need{white-space:nowrap}
table.items th:nth-child(3){width:28%}table.items th:nth-child(4){width:36%}
.meta td{border:none;padding:.15rem .5rem}
.sign{margin-top:2.5rem;display:flex;justify-content:space-between}
@page{size:A4;margin:18mm 15mm}
@media print{body{margin:0;max-width:none}thead{display:table-header-group}tr{break-inside:avoid}}
"#;

/// The unit's 退回清单 as a printable page; `bureau` (the bureau's name) signs it.
pub fn html(list: &ReturnList, rule_set: Option<&str>, bureau: Option<&str>) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                title { "退回清单: " (list.unit) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { "绩效自评退回清单" }
                table.meta {
                    tr { td { "单位: " (list.unit) } td { "单位编码: " (list.code.as_deref().unwrap_or("—")) } }
                    tr { td colspan="2" { "报送文件: " (list.source) } }
                    @if let Some(rule_set) = rule_set {
                        tr { td colspan="2" { "评分规则: " (rule_set) } }
                    }
                }
                p {
                    "经审核, 贵单位报送的绩效自评材料有以下 " (list.items.len())
                    " 处问题, 请按「要求」更正或说明后重新报送。"
                }
                table.items {
                    thead { tr { th { "序号" } th { "类别" } th { "位置" } th { "问题" } th { "要求" } } }
                    tbody {
                        @for (i, item) in list.items.iter().enumerate() {
                            tr {
                                td.no { (i + 1) }
                                td.need { (item.need.label()) }
                                td { (item.place) }
                                td { (item.problem) }
                                td { (item.expected) }
                            }
                        }
                    }
                }
                div.sign {
                    span { (bureau.unwrap_or("财政局")) " (盖章)" }
                    span { "年　　月　　日" }
                }
            }
        }
    }
    .into_string();
    crate::visible_owned(page)
}

/// The CSV's header line, after a byte-order mark (Excel reads the Chinese): 单位, 单位编码,
/// 报送文件, 序号, 类别, 位置, 问题, 要求, 代码.
pub fn csv_header() -> String {
    "\u{feff}单位,单位编码,报送文件,序号,类别,位置,问题,要求,代码\n".to_owned()
}

/// One list's items, one a CSV row (under [`csv_header`]); text cells kept from being formulas.
pub fn csv_rows(list: &ReturnList) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for (i, item) in list.items.iter().enumerate() {
        writer
            .write_record([
                crate::text_cell(&list.unit),
                crate::text_cell(list.code.as_deref().unwrap_or("")),
                crate::text_cell(&list.source),
                (i + 1).to_string(),
                item.need.label().to_owned(),
                crate::text_cell(&item.place),
                crate::text_cell(&item.problem),
                crate::text_cell(&item.expected),
                item.code.clone(),
            ])
            .expect("writing to memory");
    }
    let bytes = writer.into_inner().expect("writing to memory");
    crate::visible_owned(String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"))
}

/// Every item of every list, one a row, under the header.
pub fn csv(lists: &[ReturnList]) -> String {
    let mut out = csv_header();
    for list in lists {
        out.push_str(&csv_rows(list));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> ReturnList {
        ReturnList {
            unit: "株洲市芦淞区科学技术协会".into(),
            code: Some("101001".into()),
            source: "round/科协.xlsx".into(),
            items: vec![
                ReturnItem {
                    need: Need::Confirm,
                    place: "工作表「单位」C23".into(),
                    problem: "全年执行数填为文字「853,300元」, 按 85.33 万元读取".into(),
                    expected: "确认或改填以万元为单位的数字".into(),
                    code: "note".into(),
                },
                ReturnItem {
                    need: Need::Correct,
                    place: "工作表「单位」C21".into(),
                    problem: "年初预算数为负数 -69.16".into(),
                    expected: "填写 0 或正数 (万元)".into(),
                    code: "figure".into(),
                },
            ],
        }
    }

    #[test]
    fn items_to_correct_come_first_and_every_item_is_a_row() {
        let list = list().sorted();
        assert_eq!(list.items[0].need, Need::Correct);
        let page = html(
            &list,
            Some("湖南省部门整体支出绩效评价 v2024.1"),
            Some("芦淞区财政局"),
        );
        assert!(page.contains("有以下 2 处问题"));
        assert!(page.contains("<td class=\"need\">须更正</td>"));
        assert!(page.contains("芦淞区财政局 (盖章)"));
        let csv = csv(&[list]);
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[1],
            "株洲市芦淞区科学技术协会,101001,round/科协.xlsx,1,须更正,工作表「单位」C21,年初预算数为负数 -69.16,填写 0 或正数 (万元),figure"
        );
    }
}
