//! The reviewer workbook (issue 14, item 2): written for scored units, filled as a reviewer fills
//! it (only in its unlocked cells, by editing the sheet's XML as Excel would save it), and read
//! back exactly; every refusal with its message; and what a reviewer sees and prints (page
//! setup, protection, locked and unlocked cells, validations), read back from the XML.

use std::collections::BTreeMap;
use std::io::{Cursor, Read as _, Write as _};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};
use jixiao_engine::Scorecard;
use jixiao_model::{CheckedUnit, EvaluationKind, SelfEvaluation};
use jixiao_review::workbook::{self, SHEET, WorkbookError, WorkbookOptions};
use jixiao_review::{CellRef, FilledReview, ReviewedScore, UnitKey};
use jixiao_rules::{RuleSet, ValidRuleSet};
use quick_xml::events::{BytesStart, Event};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn rules(name: &str) -> ValidRuleSet {
    RuleSet::load(&root().join("configs").join(name)).unwrap().0
}

fn unit(path: &str) -> CheckedUnit {
    SelfEvaluation::load(&root().join("tests/fixtures/units").join(path)).unwrap()
}

/// The sample unit (芦淞区科协) scored under the Hunan department rule set.
fn department() -> (Scorecard, ValidRuleSet) {
    let rules = rules("hunan-department.toml");
    let card = jixiao_engine::score(&unit("department/lusong-kexie-2024.toml"), &rules).unwrap();
    (card, rules)
}

/// The two synthetic project units scored under the national project rule set.
fn projects() -> (Vec<Scorecard>, ValidRuleSet) {
    let rules = rules("national-project.toml");
    let cards = [
        "project/synthetic-clean-2024.toml",
        "project/synthetic-inflated-2024.toml",
    ]
    .iter()
    .map(|p| jixiao_engine::score(&unit(p), &rules).unwrap())
    .collect();
    (cards, rules)
}

fn options() -> WorkbookOptions {
    WorkbookOptions {
        reviewer: None,
        title: Some("株洲市芦淞区科学技术协会".to_owned()),
    }
}

// ---------------------------------------------------------------------------------------------
// The workbook as a zip of XML parts, filled as Excel saves a filled cell.

/// A value typed into a cell.
enum V {
    N(f64),
    S(&'static str),
}

struct Filler {
    parts: Vec<(String, Vec<u8>)>,
}

impl Filler {
    fn new(bytes: &[u8]) -> Filler {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let parts = (0..archive.len())
            .map(|i| {
                let mut file = archive.by_index(i).unwrap();
                let mut data = Vec::new();
                file.read_to_end(&mut data).unwrap();
                (file.name().unwrap().into_owned(), data)
            })
            .collect();
        Filler { parts }
    }

    fn part(&self, name: &str) -> String {
        let data = &self.parts.iter().find(|(n, _)| n == name).unwrap().1;
        String::from_utf8(data.clone()).unwrap()
    }

    fn set_part(&mut self, name: &str, text: String) {
        self.parts.iter_mut().find(|(n, _)| n == name).unwrap().1 = text.into_bytes();
    }

    /// Whether cell style `s` is unlocked.
    fn unlocked(&self, style: usize) -> bool {
        let styles = parse(&self.part("xl/styles.xml"));
        let xf = styles.first("cellXfs").all("xf")[style];
        xf.all("protection").first().and_then(|p| p.attr("locked")) == Some("0")
    }

    /// Types `value` into `cell` of `part`, replacing the cell's element and keeping its style.
    fn replace(&mut self, part: &str, cell: &str, value: &V) -> usize {
        let xml = self.part(part);
        let start = xml
            .find(&format!("<c r=\"{cell}\""))
            .unwrap_or_else(|| panic!("no cell {cell} in {part}"));
        let open_end = start + xml[start..].find('>').unwrap();
        let end = if xml.as_bytes()[open_end - 1] == b'/' {
            open_end + 1
        } else {
            open_end + xml[open_end..].find("</c>").unwrap() + 4
        };
        let head = &xml[start..open_end];
        let style: usize = head
            .split(" s=\"")
            .nth(1)
            .map_or(0, |s| s.split('"').next().unwrap().parse().unwrap());
        let body = match value {
            V::N(n) => format!("<c r=\"{cell}\" s=\"{style}\"><v>{n}</v></c>"),
            V::S(t) => format!(
                "<c r=\"{cell}\" s=\"{style}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                quick_xml::escape::escape(*t)
            ),
        };
        let text = format!("{}{body}{}", &xml[..start], &xml[end..]);
        self.set_part(part, text);
        style
    }

    /// Types `value` into `cell` of the sheet 复核, as a reviewer: only an unlocked cell.
    fn fill(&mut self, cell: &str, value: V) {
        let style = self.replace("xl/worksheets/sheet1.xml", cell, &value);
        assert!(
            self.unlocked(style),
            "{cell} is locked: a reviewer cannot type there"
        );
    }

    fn save(&self, path: &Path) {
        let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in &self.parts {
            out.start_file(name.as_str(), options).unwrap();
            out.write_all(data).unwrap();
        }
        out.finish().unwrap();
    }
}

/// The cells of each sheet of a workbook, by name.
fn cells(bytes: &[u8]) -> BTreeMap<String, BTreeMap<(u32, u16), String>> {
    let mut xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = BTreeMap::new();
    for name in xlsx.sheet_names() {
        let range = xlsx.worksheet_range(&name).unwrap();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let values = range
            .used_cells()
            .filter(|(_, _, d)| !matches!(d, Data::Empty))
            .map(|(r, c, d)| ((r as u32 + r0, (c as u32 + c0) as u16), d.to_string()))
            .collect();
        out.insert(name, values);
    }
    out
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn saved(dir: &Path, name: &str, filler: &Filler) -> PathBuf {
    let path = dir.join(name);
    filler.save(&path);
    path
}

fn key(name: &str, project: Option<&str>, kind: EvaluationKind) -> UnitKey {
    UnitKey {
        name: name.to_owned(),
        code: None,
        project: project.map(str::to_owned),
        project_code: None,
        year: 2024,
        kind,
    }
}

fn lusong() -> UnitKey {
    key("株洲市芦淞区科学技术协会", None, EvaluationKind::Department)
}

fn at(path: &Path, cell: &str) -> CellRef {
    CellRef {
        workbook: path.display().to_string(),
        sheet: SHEET.to_owned(),
        cell: cell.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Filled and read back.

#[test]
fn the_department_workbook_filled_by_a_reviewer_reads_back_exactly() {
    let (card, rules) = department();
    let bytes = workbook::write(&[&card], &rules, &options()).unwrap();
    // The rows as the reviewer sees them: the unit's heading at row 5, its identity and totals
    // at row 6, its leaves from row 7 in the rule set's order.
    let sheet = &cells(&bytes)[SHEET];
    assert_eq!(sheet[&(4, 0)], "1. 「株洲市芦淞区科学技术协会」");
    assert_eq!(sheet[&(6, 2)], "预算控制率");
    assert_eq!(sheet[&(8, 2)], "三公经费变动率");
    assert_eq!(sheet[&(9, 2)], "预算完成率");
    assert_eq!(sheet[&(10, 2)], "预算执行率");
    // 系统得分 as shown: 预算完成率 4.953123… shown (and written) 4.95.
    assert_eq!(sheet[&(9, 5)], "4.95");
    let mut filler = Filler::new(&bytes);
    filler.fill("B2", V::S("张会计师"));
    filler.fill("F2", V::S("2025年4月15日"));
    // 预算控制率: 2 → 3, with a reason.
    filler.fill("G7", V::N(3.0));
    filler.fill("H7", V::S("调整率按追加预算文件核实为 15%, 应得 3 分"));
    // 三公经费变动率: 0 → 4 (the figures were found in the annex), typed as text with 分.
    filler.fill("G9", V::S("4分"));
    filler.fill(
        "H9",
        V::S("附件三公经费决算表: 本年 1.2 万元, 上年 1.5 万元"),
    );
    // 预算完成率 confirmed as shown (4.95): unchanged, no reason needed.
    filler.fill("G10", V::N(4.95));
    // 预算执行率 confirmed, typed with full-width digits.
    filler.fill("G11", V::S("１２"));
    let dir = temp();
    let path = saved(dir.path(), "复核-芦淞.xlsx", &filler);
    let review = workbook::read(&path).unwrap();
    let score = |indicator: &str, score: Decimal, reason: Option<&str>, cell: &str| ReviewedScore {
        unit: lusong(),
        indicator: indicator.to_owned(),
        score,
        reason: reason.map(str::to_owned),
        reviewer: "张会计师".to_owned(),
        date: Some("2025年4月15日".to_owned()),
        at: at(&path, cell),
    };
    assert_eq!(
        review,
        FilledReview {
            rule_set_id: "hunan-department".to_owned(),
            rule_set_version: "2024.1".to_owned(),
            scores: vec![
                score(
                    "input.planning.budget_control",
                    dec!(3),
                    Some("调整率按追加预算文件核实为 15%, 应得 3 分"),
                    "G7"
                ),
                score(
                    "input.cost.three_public_change",
                    dec!(4),
                    Some("附件三公经费决算表: 本年 1.2 万元, 上年 1.5 万元"),
                    "G9"
                ),
                score(
                    "process.execution.budget_completion",
                    dec!(4.95),
                    None,
                    "G10"
                ),
                score("process.execution.execution_rate", dec!(12), None, "G11"),
            ],
        }
    );
    // The same from the bytes, named as the caller names them.
    let bytes = std::fs::read(&path).unwrap();
    let again = workbook::read_bytes(&bytes, "复核-芦淞.xlsx").unwrap();
    assert_eq!(again.scores.len(), 4);
    assert_eq!(again.scores[0].at.to_string(), "复核-芦淞.xlsx!复核!G7");
}

/// A workbook written by an earlier build of this writer, filled (预算控制率 3, 三公经费变动率 4,
/// each with a reason) and saved again by LibreOffice Calc 7, which rewrites every part (and
/// makes the very hidden record merely hidden): read back all the same.
#[test]
fn a_workbook_saved_again_by_libreoffice_reads_back() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/filled-saved-by-libreoffice.xlsx");
    let review = workbook::read(&path).unwrap();
    let score = |indicator: &str, score: Decimal, reason: &str, cell: &str| ReviewedScore {
        unit: lusong(),
        indicator: indicator.to_owned(),
        score,
        reason: Some(reason.to_owned()),
        reviewer: "张会计师".to_owned(),
        date: Some("2025年4月15日".to_owned()),
        at: at(&path, cell),
    };
    assert_eq!(
        review,
        FilledReview {
            rule_set_id: "hunan-department".to_owned(),
            rule_set_version: "2024.1".to_owned(),
            scores: vec![
                score(
                    "input.planning.budget_control",
                    dec!(3),
                    "调整率按追加预算文件核实为 15%, 应得 3 分",
                    "G7"
                ),
                score(
                    "input.cost.three_public_change",
                    dec!(4),
                    "附件三公经费决算表: 本年 1.2 万元, 上年 1.5 万元",
                    "G9"
                ),
            ],
        }
    );
}

/// Whatever a unit's name holds (markup, a tab, a control character, Excel's own escape) is
/// recorded and read back exactly, and an empty code is told from none.
#[test]
fn a_unit_named_oddly_reads_back_exactly() {
    let (mut card, rules) = department();
    card.unit.name = "甲&<乙>\t\u{1}_x0041_丙 ".to_owned();
    card.unit.code = Some(String::new());
    card.unit.project_code = Some("=P".to_owned());
    let bytes = workbook::write(&[&card], &rules, &options()).unwrap();
    let mut filler = Filler::new(&bytes);
    filler.fill("B2", V::S("张三"));
    filler.fill("G7", V::N(2.0));
    let dir = temp();
    let path = saved(dir.path(), "怪名.xlsx", &filler);
    let review = workbook::read(&path).unwrap();
    assert_eq!(review.scores.len(), 1);
    assert_eq!(review.scores[0].unit, UnitKey::of(&card));
    assert_eq!(review.scores[0].unit.name, "甲&<乙>\t\u{1}_x0041_丙 ");
    assert_eq!(review.scores[0].unit.code.as_deref(), Some(""));
}

#[test]
fn a_workbook_left_empty_reads_as_nothing_changed() {
    let (card, rules) = department();
    let bytes = workbook::write(&[&card], &rules, &options()).unwrap();
    let review = workbook::read_bytes(&bytes, "空白.xlsx").unwrap();
    assert_eq!(
        review,
        FilledReview {
            rule_set_id: "hunan-department".to_owned(),
            rule_set_version: "2024.1".to_owned(),
            scores: Vec::new(),
        }
    );
}

#[test]
fn the_project_workbook_holds_both_units_each_on_its_page() {
    let (cards, rules) = projects();
    let refs: Vec<&Scorecard> = cards.iter().collect();
    let options = WorkbookOptions {
        reviewer: Some("李四".to_owned()),
        title: None,
    };
    let bytes = workbook::write(&refs, &rules, &options).unwrap();
    let sheet = &cells(&bytes)[SHEET];
    // The first unit: heading at row 5, its 8 leaves at rows 7 to 14; no findings. A blank row,
    // then the second: heading at row 16, leaves at rows 18 to 22, its other findings from row 23,
    // a row each.
    assert_eq!(sheet[&(4, 0)], "1. 「高标准农田建设项目」(某区农业农村局)");
    assert_eq!(sheet[&(13, 2)], "受益农户满意度");
    assert_eq!(
        sheet[&(15, 0)],
        "2. 「全民健身活动经费」(某区文化旅游广电体育局)"
    );
    assert_eq!(sheet[&(17, 2)], "预算执行率");
    assert_eq!(sheet[&(21, 2)], "参赛群众满意度");
    assert_eq!(sheet[&(22, 0)], "单位的其他问题与提示");
    assert!(sheet[&(23, 0)].starts_with("【硬性】专项资金「全民健身活动经费」收支不平"));
    assert_eq!(
        sheet[&(28, 0)],
        "【提示】自评总分 100.00 高于复核得分 83.46 (16.54 分)"
    );
    // The reviewer pre-filled.
    assert_eq!(sheet[&(1, 1)], "李四");
    let mut filler = Filler::new(&bytes);
    filler.fill("F2", V::S("2025-04-15"));
    // 举办全民健身赛事 24 → 20 and 参赛群众满意度 confirmed at 9.47, as shown.
    filler.fill("G19", V::N(20.0));
    filler.fill("H19", V::S("赛事 8 场中 2 场无签到记录, 不予认定"));
    filler.fill("G22", V::N(9.47));
    // The first unit's 预算执行率 9.5 → 10 with a reason.
    filler.fill("G7", V::N(10.0));
    filler.fill("H7", V::S("结转资金已于次年 1 月支付"));
    let dir = temp();
    let path = saved(dir.path(), "项目复核.xlsx", &filler);
    let review = workbook::read(&path).unwrap();
    let farm = key(
        "某区农业农村局",
        Some("高标准农田建设项目"),
        EvaluationKind::Project,
    );
    let sports = key(
        "某区文化旅游广电体育局",
        Some("全民健身活动经费"),
        EvaluationKind::Project,
    );
    let score =
        |unit: &UnitKey, leaf: &str, score, reason: Option<&str>, cell: &str| ReviewedScore {
            unit: unit.clone(),
            indicator: leaf.to_owned(),
            score,
            reason: reason.map(str::to_owned),
            reviewer: "李四".to_owned(),
            date: Some("2025-04-15".to_owned()),
            at: at(&path, cell),
        };
    assert_eq!(
        review.scores,
        vec![
            score(
                &farm,
                "execution",
                dec!(10),
                Some("结转资金已于次年 1 月支付"),
                "G7"
            ),
            score(
                &sports,
                "output[1]",
                dec!(20),
                Some("赛事 8 场中 2 场无签到记录, 不予认定"),
                "G19"
            ),
            score(&sports, "satisfaction[1]", dec!(9.47), None, "G22"),
        ]
    );
    assert_eq!(review.rule_set_id, "national-project");
}

// ---------------------------------------------------------------------------------------------
// Refusals.

fn error(path: &Path) -> String {
    workbook::read(path).unwrap_err().to_string()
}

#[test]
fn every_wrong_cell_is_refused_at_once_naming_its_cell() {
    let (card, rules) = department();
    let bytes = workbook::write(&[&card], &rules, &options()).unwrap();
    let mut filler = Filler::new(&bytes);
    // No 复核人; 预算控制率 "约3"; 在职人员控制率 6 of 5 points; 三公经费变动率 -1; 预算完成率
    // 4 (system 4.95) without a reason;
    filler.fill("G7", V::S("约3"));
    filler.fill("G8", V::N(6.0));
    filler.fill("G9", V::N(-1.0));
    filler.fill("G10", V::N(4.0));
    // 预算执行率: a reason, no score.
    filler.fill("H11", V::S("经核实无误"));
    let dir = temp();
    let path = saved(dir.path(), "错.xlsx", &filler);
    let err = workbook::read(&path).unwrap_err();
    let WorkbookError::Cells(problems) = &err else {
        panic!("{err}");
    };
    let cells: Vec<String> = problems.iter().map(|p| p.at.cell.clone()).collect();
    assert_eq!(cells, ["B2", "G7", "G8", "G9", "H10", "H11"]);
    let wb = path.display().to_string();
    assert_eq!(
        err.to_string(),
        [
            format!("{wb}!复核!B2: 未填写复核人; 要求: 填写复核人姓名 (本表已填复核得分)"),
            format!(
                "{wb}!复核!G7: 「株洲市芦淞区科学技术协会」的「预算控制率」复核得分填的是“约3”, 不是数字; 要求: 0 到 5 之间的数字 (如 5, 也可写“5分”); 留空表示维持系统得分"
            ),
            format!(
                "{wb}!复核!G8: 「株洲市芦淞区科学技术协会」的「在职人员控制率」复核得分 6 超过本项分值 5 分; 要求: 0 到 5 之间的数字 (如 5, 也可写“5分”); 留空表示维持系统得分"
            ),
            format!(
                "{wb}!复核!G9: 「株洲市芦淞区科学技术协会」的「三公经费变动率」复核得分 -1 小于 0; 要求: 0 到 8 之间的数字 (如 8, 也可写“8分”); 留空表示维持系统得分"
            ),
            format!(
                "{wb}!复核!H10: 「株洲市芦淞区科学技术协会」的「预算完成率」复核得分 4 (G10) 与系统得分 4.95 不同, 但没有填写复核意见; 要求: 复核得分与系统得分不同时, 在复核意见中写明调整的理由"
            ),
            format!(
                "{wb}!复核!H11: 「株洲市芦淞区科学技术协会」的「预算执行率」填写了复核意见, 但复核得分 (G11) 留空; 要求: 维持系统得分的, 复核得分填 12; 调整的, 填调整后的分数"
            ),
        ]
        .join("\n")
    );
}

#[test]
fn a_score_for_an_indicator_not_counted_needs_a_reason() {
    let (card, rules) = department();
    let bytes = workbook::write(&[&card], &rules, &options()).unwrap();
    let sheet = &cells(&bytes)[SHEET];
    // 完成及时率 (row 18) was dropped: 不计入.
    assert_eq!(sheet[&(17, 2)], "完成及时率");
    assert_eq!(sheet[&(17, 5)], "不计入");
    let mut filler = Filler::new(&bytes);
    filler.fill("B2", V::S("王五"));
    filler.fill("G18", V::N(5.0));
    let dir = temp();
    let path = saved(dir.path(), "不计入.xlsx", &filler);
    assert_eq!(
        error(&path),
        format!(
            "{}!复核!H18: 「株洲市芦淞区科学技术协会」的「完成及时率」复核得分 5 (G18) 给了系统不计入总分的指标, 但没有填写复核意见; 要求: 复核得分与系统得分不同时, 在复核意见中写明调整的理由",
            path.display()
        )
    );
}

#[test]
fn a_workbook_that_is_not_a_review_is_refused() {
    let dir = temp();
    // A workbook of the unit's own, no record.
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .set_name("复核")
        .unwrap()
        .write(0, 0, "x")
        .unwrap();
    let path = dir.path().join("别的表.xlsx");
    book.save(&path).unwrap();
    assert_eq!(
        error(&path),
        format!(
            "{}: 这不是 jixiao 生成的复核工作底稿 (没有记录评分规则和复核单位的隐藏表), 无法读取复核得分; 请在 jixiao 生成的复核工作底稿上填写",
            path.display()
        )
    );
    // Not a workbook at all.
    let path = dir.path().join("坏.xlsx");
    std::fs::write(&path, b"PK\x03\x04 not really").unwrap();
    assert_eq!(
        error(&path),
        format!(
            "{}: 无法读取这个工作簿: 不是 Excel 工作簿 (.xlsx)",
            path.display()
        )
    );
    // A 自评表 form: a record sheet of its own, no sheet 复核.
    let path = dir.path().join("自评表.xlsx");
    std::fs::write(
        &path,
        jixiao_forms::write_form(&rules("hunan-department.toml")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        error(&path),
        format!(
            "{}: 这不是 jixiao 生成的复核工作底稿 (没有工作表「复核」), 无法读取复核得分; 请在 jixiao 生成的复核工作底稿上填写",
            path.display()
        )
    );
    let missing = dir.path().join("没有.xlsx");
    assert_eq!(
        error(&missing),
        format!(
            "{}: 无法读取这个工作簿: 文件打不开 (不存在或没有读取权限)",
            missing.display()
        )
    );
}

#[test]
fn a_record_changed_by_hand_is_refused() {
    let (card, rules) = department();
    let bytes = workbook::write(&[&card], &rules, &options()).unwrap();
    let dir = temp();
    // The record's 分值 of 预算控制率 raised from 5 to 50 (its line 4, field F).
    let mut filler = Filler::new(&bytes);
    let meta = cells(&bytes)["jixiao"].clone();
    assert_eq!(meta[&(3, 3)], "input.planning.budget_control");
    assert_eq!(meta[&(3, 5)], "5");
    filler.replace("xl/worksheets/sheet2.xml", "F4", &V::S("50"));
    let path = saved(dir.path(), "改记录.xlsx", &filler);
    assert_eq!(
        error(&path),
        format!(
            "{}: 复核工作底稿的记录已被改动 (隐藏记录表的内容与其校验码不符), 无法确定各行对应的单位和指标; 请在原始工作底稿上重新填写",
            path.display()
        )
    );
    // A row's hidden indicator code changed (as a row moved would change it).
    let mut filler = Filler::new(&bytes);
    filler.replace(
        "xl/worksheets/sheet1.xml",
        "J8",
        &V::S("input.cost.three_public_change"),
    );
    let path = saved(dir.path(), "改行.xlsx", &filler);
    assert_eq!(
        error(&path),
        format!(
            "{}: 复核工作底稿的记录已被改动 (「复核」表第 8 行不是记录中的「在职人员控制率」, 行被移动、插入或删除过), 无法确定各行对应的单位和指标; 请在原始工作底稿上重新填写",
            path.display()
        )
    );
}

#[test]
fn a_damaged_workbook_is_refused_never_a_panic() {
    let (card, rules) = department();
    let bytes = workbook::write(&[&card], &rules, &options()).unwrap();
    // Bytes changed at 300 places spread over the file, one at a time (a fixed sequence).
    let mut state: u64 = 2024;
    let mut refused = 0;
    for _ in 0..300 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let at = usize::try_from(state >> 33).unwrap() % bytes.len();
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x5a;
        if workbook::read_bytes(&damaged, "坏.xlsx").is_err() {
            refused += 1;
        }
    }
    // Most places are inside compressed parts, whose checksum fails.
    assert!(refused > 200, "{refused}");
    // Truncated anywhere.
    for len in [0, 10, 100, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            workbook::read_bytes(&bytes[..len], "短.xlsx").is_err(),
            "{len}"
        );
    }
}

#[test]
fn the_writer_refuses_no_units_another_rule_set_and_a_unit_twice() {
    let (card, rules) = department();
    let (projects, _) = projects();
    let err = |cards: &[&Scorecard]| {
        workbook::write(cards, &rules, &WorkbookOptions::default())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(err(&[]), "无法生成复核工作底稿: 没有要复核的单位");
    assert_eq!(
        err(&[&card, &projects[0]]),
        "无法生成复核工作底稿: 「高标准农田建设项目」(某区农业农村局)是按评分规则「项目支出绩效自评 (财政部 2020 通用)」版本 2024.1评分的, 而工作底稿按评分规则「湖南省部门整体支出绩效评价 (区县版)」版本 2024.1生成; 请按同一评分规则重新评分"
    );
    assert_eq!(
        err(&[&card, &card]),
        "无法生成复核工作底稿: 「株洲市芦淞区科学技术协会」出现了两次"
    );
}

#[test]
fn the_same_cards_give_the_same_bytes() {
    let (cards, rules) = projects();
    let refs: Vec<&Scorecard> = cards.iter().collect();
    let a = workbook::write(&refs, &rules, &WorkbookOptions::default()).unwrap();
    let b = workbook::write(&refs, &rules, &WorkbookOptions::default()).unwrap();
    assert_eq!(a, b);
}

// ---------------------------------------------------------------------------------------------
// What the reviewer sees and prints, from the XML.

/// An XML element: its name, attributes, text and children.
#[derive(Debug, Default)]
struct El {
    name: String,
    attrs: BTreeMap<String, String>,
    text: String,
    children: Vec<El>,
}

impl El {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.get(key).map(String::as_str)
    }

    fn all<'a>(&'a self, name: &str) -> Vec<&'a El> {
        let mut out = Vec::new();
        for child in &self.children {
            if child.name == name {
                out.push(child);
            }
            out.extend(child.all(name));
        }
        out
    }

    fn first(&self, name: &str) -> &El {
        self.all(name)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no <{name}> in <{}>", self.name))
    }

    fn text_of(&self, name: &str) -> String {
        self.first(name).text.clone()
    }
}

fn entity(name: &str) -> String {
    match name {
        "amp" => "&".into(),
        "lt" => "<".into(),
        "gt" => ">".into(),
        "quot" => "\"".into(),
        "apos" => "'".into(),
        other => panic!("entity {other}"),
    }
}

fn element(e: &BytesStart<'_>) -> El {
    El {
        name: e.name().as_ref().to_owned(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    a.key.as_ref().to_owned(),
                    quick_xml::escape::unescape(&a.value).unwrap().into_owned(),
                )
            })
            .collect(),
        ..El::default()
    }
}

fn parse(xml: &str) -> El {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack = vec![El::default()];
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => {
                let e = element(&e);
                stack.last_mut().unwrap().children.push(e);
            }
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => stack.last_mut().unwrap().text.push_str(&entity(r.as_ref())),
            Event::Eof => break,
            _ => {}
        }
    }
    stack.pop().unwrap()
}

/// A cell's fill and whether it is locked.
fn look(filler: &Filler, sheet: &El, cell: &str) -> (String, bool) {
    let c = sheet
        .all("c")
        .into_iter()
        .find(|c| c.attr("r") == Some(cell))
        .unwrap_or_else(|| panic!("no cell {cell}"));
    let style: usize = c.attr("s").unwrap_or("0").parse().unwrap();
    let styles = parse(&filler.part("xl/styles.xml"));
    let fills: Vec<String> = styles
        .first("fills")
        .all("fill")
        .into_iter()
        .map(|f| {
            f.all("fgColor")
                .first()
                .and_then(|c| c.attr("rgb"))
                .unwrap_or("none")
                .to_owned()
        })
        .collect();
    let xf = styles.first("cellXfs").all("xf")[style];
    let fill = fills[xf.attr("fillId").unwrap().parse::<usize>().unwrap()].clone();
    (fill, !filler.unlocked(style))
}

#[test]
fn it_prints_on_a4_landscape_one_page_wide_each_unit_on_its_page() {
    let (cards, rules) = projects();
    let refs: Vec<&Scorecard> = cards.iter().collect();
    let bytes = workbook::write(&refs, &rules, &options()).unwrap();
    let filler = Filler::new(&bytes);
    let book = parse(&filler.part("xl/workbook.xml"));
    let sheets: Vec<(&str, Option<&str>)> = book
        .all("sheet")
        .iter()
        .map(|s| (s.attr("name").unwrap(), s.attr("state")))
        .collect();
    assert_eq!(sheets, [("复核", None), ("jixiao", Some("veryHidden"))]);
    let titles: Vec<(&str, String)> = book
        .all("definedName")
        .iter()
        .map(|d| (d.attr("name").unwrap(), d.text.clone()))
        .collect();
    assert_eq!(titles, [("_xlnm.Print_Titles", "复核!$4:$4".to_owned())]);
    let sheet = parse(&filler.part("xl/worksheets/sheet1.xml"));
    let setup = sheet.first("pageSetup");
    assert_eq!(setup.attr("paperSize"), Some("9"));
    assert_eq!(setup.attr("orientation"), Some("landscape"));
    assert_eq!(setup.attr("fitToHeight"), Some("0"));
    assert_eq!(setup.attr("fitToWidth"), None);
    assert_eq!(sheet.first("pageSetUpPr").attr("fitToPage"), Some("1"));
    assert_eq!(
        sheet.text_of("oddHeader"),
        "&L项目支出绩效自评 (财政部 2020 通用)&C&\"-,Bold\"绩效自评复核工作底稿 · 株洲市芦淞区科学技术协会&R版本 2024.1"
    );
    assert_eq!(
        sheet.text_of("oddFooter"),
        "&L复核人签字:&C第 &P 页, 共 &N 页"
    );
    // The second unit starts a page: a break above its heading (row 16).
    let breaks: Vec<&str> = sheet
        .first("rowBreaks")
        .all("brk")
        .iter()
        .map(|b| b.attr("id").unwrap())
        .collect();
    assert_eq!(breaks, ["15"]);
    // Protected, no password.
    let protection = sheet.first("sheetProtection");
    assert_eq!(protection.attr("sheet"), Some("1"));
    assert_eq!(protection.attr("password"), None);
    assert_eq!(protection.attr("formatRows"), Some("0"));
    // The indicator codes' column (J) hidden.
    let hidden: Vec<&str> = sheet
        .all("col")
        .iter()
        .filter(|c| c.attr("hidden") == Some("1"))
        .map(|c| c.attr("min").unwrap())
        .collect();
    assert_eq!(hidden, ["10"]);
}

#[test]
fn the_reviewer_fills_white_cells_only_each_score_validated() {
    let (card, rules) = department();
    let bytes = workbook::write(&[&card], &rules, &options()).unwrap();
    let filler = Filler::new(&bytes);
    let sheet = parse(&filler.part("xl/worksheets/sheet1.xml"));
    let white = ("FFFFFFFF".to_owned(), false);
    let grey = ("FFF2F2F2".to_owned(), true);
    let header = ("FFD9D9D9".to_owned(), true);
    for cell in ["B2", "F2", "G7", "H7", "G21", "H21"] {
        assert_eq!(look(&filler, &sheet, cell), white, "{cell}");
    }
    for cell in ["A7", "B7", "C7", "D7", "E7", "F7", "I7", "H2", "A6", "A22"] {
        assert_eq!(look(&filler, &sheet, cell), grey, "{cell}");
    }
    for cell in ["A2", "D2", "A4", "G4", "A5"] {
        assert_eq!(look(&filler, &sheet, cell), header, "{cell}");
    }
    let validation = |sqref: &str| {
        sheet
            .all("dataValidation")
            .into_iter()
            .find(|v| v.attr("sqref") == Some(sqref))
            .unwrap_or_else(|| panic!("no validation of {sqref}"))
    };
    // 预算控制率: 0 to 5.
    let score = validation("G7");
    assert_eq!(score.attr("type"), Some("decimal"));
    assert_eq!(score.attr("operator"), None, "between is the default");
    assert_eq!(score.text_of("formula1"), "0");
    assert_eq!(score.text_of("formula2"), "5");
    assert_eq!(score.attr("promptTitle"), Some("复核得分"));
    assert_eq!(
        score.attr("prompt"),
        Some(
            "留空表示维持系统得分。调整时填 0 到 5 之间的分数 (本项分值 5 分), 并在复核意见中写明理由。"
        )
    );
    assert_eq!(
        score.attr("error"),
        Some("复核得分应为 0 到 5 之间的数字。")
    );
    // 三公经费变动率: 0 to 8.
    assert_eq!(validation("G9").text_of("formula2"), "8");
    let reason = validation("H7:H21");
    assert_eq!(reason.attr("promptTitle"), Some("复核意见"));
    assert_eq!(
        reason.attr("prompt"),
        Some("复核得分与系统得分不同时必填: 写明调整的理由 (依据的材料、扣分的原因)。")
    );
    assert_eq!(
        validation("B2:C2").attr("prompt"),
        Some("填写复核人姓名 (本工作底稿的所有复核得分记在此人名下)。")
    );
    assert_eq!(
        validation("F2:G2").attr("prompt"),
        Some("填写复核日期, 如 2025-04-15 (按填写的原样记录)。")
    );
    // The missing reason turns red.
    let rule = sheet.first("conditionalFormatting");
    assert_eq!(rule.attr("sqref"), Some("H7:H21"));
    assert_eq!(
        rule.text_of("formula"),
        "AND(ISNUMBER(G7),LEN(TRIM(H7))=0,OR(NOT(ISNUMBER(F7)),ROUND(G7,2)<>ROUND(F7,2)))"
    );
}

#[test]
fn nothing_the_reviewer_sees_is_an_internal_code() {
    let (card, rules) = department();
    let bytes = workbook::write(&[&card], &rules, &options()).unwrap();
    let sheet = &cells(&bytes)[SHEET];
    let ids: Vec<&str> = card.leaves().iter().map(|(_, l)| l.id.as_str()).collect();
    for ((row, col), text) in sheet {
        if *col == 9 {
            continue;
        }
        for id in &ids {
            assert!(!text.contains(id), "{row},{col}: {text}");
        }
        assert!(!text.contains("hunan-department"), "{row},{col}: {text}");
    }
    // The hidden column holds the codes, row by row.
    assert_eq!(sheet[&(6, 9)], "input.planning.budget_control");
}

/// With `JIXIAO_LOOK=dir`, writes the workbooks (department, projects, and the department one
/// filled) there, to render and look at.
#[test]
fn write_for_a_look() {
    let Some(dir) = std::env::var_os("JIXIAO_LOOK") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let (card, rules) = department();
    let bytes = workbook::write(&[&card], &rules, &options()).unwrap();
    std::fs::write(dir.join("department.xlsx"), &bytes).unwrap();
    let mut filler = Filler::new(&bytes);
    filler.fill("B2", V::S("张会计师"));
    filler.fill("F2", V::S("2025年4月15日"));
    filler.fill("G7", V::N(3.0));
    filler.fill("H7", V::S("调整率按追加预算文件核实为 15%, 应得 3 分"));
    filler.fill("G9", V::N(4.0));
    filler.fill(
        "H9",
        V::S("附件三公经费决算表: 本年 1.2 万元, 上年 1.5 万元"),
    );
    saved(&dir, "department-filled.xlsx", &filler);
    let (cards, rules) = projects();
    let refs: Vec<&Scorecard> = cards.iter().collect();
    let bytes = workbook::write(&refs, &rules, &WorkbookOptions::default()).unwrap();
    std::fs::write(dir.join("projects.xlsx"), &bytes).unwrap();
}

/// With `JIXIAO_READ=file.xlsx`, reads a workbook (one saved again by Excel, WPS or
/// LibreOffice) and prints what was read.
#[test]
fn read_for_a_look() {
    let Some(path) = std::env::var_os("JIXIAO_READ") else {
        return;
    };
    match workbook::read(Path::new(&path)) {
        Ok(review) => println!("{review:#?}"),
        Err(e) => println!("{e}"),
    }
}
