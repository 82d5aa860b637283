//! The form as a unit sees and prints it (issue 13), read back from the workbook's XML, where
//! Excel keeps what calamine does not give: page setup and print titles, which cells are locked
//! and how they are filled, row heights and column widths, and the data validation of every
//! number cell. And nothing a unit sees is an internal code or an English key.

use std::collections::BTreeMap;
use std::io::{Cursor, Read as _};
use std::path::Path;

use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};
use jixiao_forms::sheets::*;
use jixiao_forms::write_form;
use jixiao_rules::{RuleSet, ValidRuleSet};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

fn rules(name: &str) -> ValidRuleSet {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../configs")
        .join(name);
    RuleSet::load(&path).unwrap().0
}

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

    /// Every element named `name` below this one, in document order.
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
    let mut reader = Reader::from_str(xml);
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

/// A cell's look: its fill (`FFF2F2F2`, or `none`) and whether it is locked.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Look {
    fill: String,
    locked: bool,
}

fn grey() -> Look {
    Look {
        fill: "FFF2F2F2".to_owned(),
        locked: true,
    }
}

fn header() -> Look {
    Look {
        fill: "FFD9D9D9".to_owned(),
        locked: true,
    }
}

fn white() -> Look {
    Look {
        fill: "FFFFFFFF".to_owned(),
        locked: false,
    }
}

/// One sheet of the written form: its XML and its cells' values.
struct Sheet {
    name: String,
    xml: El,
    values: BTreeMap<(u32, u16), String>,
}

impl Sheet {
    /// The attributes of `<c r="cell">`'s style, as a [`Look`].
    fn look(&self, book: &Book, cell: &str) -> Look {
        let c = self
            .xml
            .all("c")
            .into_iter()
            .find(|c| c.attr("r") == Some(cell))
            .unwrap_or_else(|| panic!("{}: no cell {cell}", self.name));
        let style: usize = c.attr("s").unwrap_or("0").parse().unwrap();
        book.looks[style].clone()
    }

    /// The data validation whose range is `sqref`.
    fn validation(&self, sqref: &str) -> &El {
        self.xml
            .all("dataValidation")
            .into_iter()
            .find(|v| v.attr("sqref") == Some(sqref))
            .unwrap_or_else(|| panic!("{}: no validation of {sqref}", self.name))
    }

    /// The row whose column `col` holds `text`.
    fn row_of(&self, col: u16, text: &str) -> u32 {
        self.values
            .iter()
            .find(|((_, c), v)| *c == col && v.as_str() == text)
            .map(|((r, _), _)| *r)
            .unwrap_or_else(|| panic!("{}: no {text}", self.name))
    }

    /// The zero-based columns hidden.
    fn hidden_columns(&self) -> Vec<u16> {
        let mut hidden = Vec::new();
        for col in self.xml.all("col") {
            if col.attr("hidden") == Some("1") {
                let min: u16 = col.attr("min").unwrap().parse().unwrap();
                let max: u16 = col.attr("max").unwrap().parse().unwrap();
                hidden.extend(min - 1..max);
            }
        }
        hidden
    }

    fn row(&self, row: u32) -> &El {
        let r = (row + 1).to_string();
        self.xml
            .all("row")
            .into_iter()
            .find(|e| e.attr("r") == Some(r.as_str()))
            .unwrap_or_else(|| panic!("{}: no row {r}", self.name))
    }
}

struct Book {
    workbook: El,
    styles: El,
    sheets: Vec<Sheet>,
    /// Each cell style's look, by its index in `cellXfs`.
    looks: Vec<Look>,
}

impl Book {
    fn sheet(&self, name: &str) -> &Sheet {
        self.sheets.iter().find(|s| s.name == name).unwrap()
    }
}

fn book(rules: &RuleSet) -> Book {
    let bytes = write_form(rules).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        parse(&text)
    };
    let workbook = part("xl/workbook.xml");
    let styles = part("xl/styles.xml");
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
    let looks = styles
        .first("cellXfs")
        .all("xf")
        .into_iter()
        .map(|xf| Look {
            fill: fills[xf.attr("fillId").unwrap().parse::<usize>().unwrap()].clone(),
            locked: xf.all("protection").first().and_then(|p| p.attr("locked")) != Some("0"),
        })
        .collect();
    let mut xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = xlsx.sheet_names();
    let sheets = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let range = xlsx.worksheet_range(name).unwrap();
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let values = range
                .used_cells()
                .filter(|(_, _, d)| !matches!(d, Data::Empty))
                .map(|(r, c, d)| ((r as u32 + r0, (c as u32 + c0) as u16), d.to_string()))
                .collect();
            Sheet {
                name: name.clone(),
                xml: part(&format!("xl/worksheets/sheet{}.xml", i + 1)),
                values,
            }
        })
        .collect();
    Book {
        workbook,
        styles,
        sheets,
        looks,
    }
}

/// The sheets a unit sees, in workbook order (the last, `jixiao`, is very hidden).
const VISIBLE: [&str; 8] = [
    INSTRUCTIONS,
    UNIT,
    INDICATORS,
    GOALS,
    FUNDS,
    SOURCES,
    CLAIMS,
    FACTS,
];

#[test]
fn every_sheet_prints_on_a4_one_page_wide_its_header_rows_repeated() {
    let book = book(&rules("hunan-department.toml"));
    let sheets: Vec<&str> = book
        .workbook
        .all("sheet")
        .iter()
        .map(|s| s.attr("name").unwrap())
        .collect();
    assert_eq!(sheets[..8], VISIBLE);
    assert_eq!(
        book.workbook.all("sheet")[8].attr("state"),
        Some("veryHidden")
    );
    // The wide sheets landscape (指标: 164 units; 目标: 136), the others portrait (单位: 99).
    let landscape = [INDICATORS, GOALS];
    // The title rows repeated: the 自评表's title, rule set and header; the unit sheet's title and
    // header; every other sheet's first row.
    let titles = [
        "$1:$1", "$1:$2", "$1:$3", "$1:$1", "$1:$1", "$1:$1", "$1:$1", "$1:$1",
    ];
    let names = book.workbook.all("definedName");
    for (i, name) in VISIBLE.iter().enumerate() {
        let sheet = book.sheet(name);
        let setup = sheet.xml.first("pageSetup");
        assert_eq!(setup.attr("paperSize"), Some("9"), "{name}: A4");
        let orientation = if landscape.contains(name) {
            "landscape"
        } else {
            "portrait"
        };
        assert_eq!(setup.attr("orientation"), Some(orientation), "{name}");
        // One page wide (fitToWidth's default, 1), as many pages down as it takes.
        assert_eq!(setup.attr("fitToWidth"), None, "{name}");
        assert_eq!(setup.attr("fitToHeight"), Some("0"), "{name}");
        assert_eq!(
            sheet.xml.first("pageSetUpPr").attr("fitToPage"),
            Some("1"),
            "{name}"
        );
        let print_titles = names
            .iter()
            .find(|d| {
                d.attr("name") == Some("_xlnm.Print_Titles")
                    && d.attr("localSheetId") == Some(i.to_string().as_str())
            })
            .unwrap_or_else(|| panic!("{name}: no print titles"));
        assert_eq!(print_titles.text, format!("{name}!{}", titles[i]));
        assert_eq!(
            sheet.xml.first("oddHeader").text,
            "&C&\"-,Bold\"湖南省部门整体支出绩效评价 (区县版) 绩效自评表 · &A&R版本 2024.1"
        );
        assert_eq!(sheet.xml.first("oddFooter").text, "&C第 &P 页, 共 &N 页");
        // Protected, without a password.
        let protection = sheet.xml.first("sheetProtection");
        assert_eq!(protection.attr("sheet"), Some("1"), "{name}");
        assert_eq!(protection.attr("password"), None, "{name}");
    }
}

#[test]
fn labels_are_grey_and_locked_and_what_a_unit_fills_is_white_and_unlocked() {
    let book = book(&rules("hunan-department.toml"));
    let unit = book.sheet(UNIT);
    let opening = unit.row_of(UNIT_KEY, "budget.opening");
    let at = |col: u16| cell_ref(opening, col);
    assert_eq!(unit.look(&book, "B2"), header());
    assert_eq!(unit.look(&book, &at(1)), grey(), "the label 年初预算数");
    assert_eq!(unit.look(&book, &at(UNIT_VALUE)), white(), "its value");
    assert_eq!(unit.look(&book, &at(3)), grey(), "its note");
    // The pre-filled year and kind are the unit's to change.
    let year = unit.row_of(UNIT_KEY, "unit.year");
    assert_eq!(unit.look(&book, &cell_ref(year, UNIT_VALUE)), white());

    let ind = book.sheet(INDICATORS);
    let execution = ind.row_of(IND_NAME, "预算执行率");
    let at = |col: u16| cell_ref(execution, col);
    for col in [IND_LEVEL1, IND_LEVEL2, IND_NAME, IND_POINTS] {
        assert_eq!(ind.look(&book, &at(col)), grey(), "pre-filled {}", at(col));
    }
    for col in [
        IND_DIRECTION,
        IND_TARGET,
        IND_ACTUAL,
        IND_SELF_SCORE,
        IND_EXPLANATION,
    ] {
        assert_eq!(ind.look(&book, &at(col)), white(), "to fill {}", at(col));
    }
    // A blank row for the unit's own 效益指标: its 一级指标 given, the rest the unit's.
    let benefits = ind.row_of(IND_LEVEL1, "效益指标");
    assert_eq!(ind.look(&book, &cell_ref(benefits, IND_LEVEL1)), grey());
    for col in [IND_LEVEL2, IND_NAME, IND_POINTS, IND_SELF_SCORE] {
        assert_eq!(ind.look(&book, &cell_ref(benefits, col)), white());
    }

    let facts = book.sheet(FACTS);
    assert_eq!(facts.look(&book, "B2"), grey());
    assert_eq!(facts.look(&book, "C2"), white());

    // On every sheet a unit fills, a cell is white exactly when it is unlocked, and grey or
    // headed when locked.
    for name in &VISIBLE[1..] {
        let sheet = book.sheet(name);
        let hidden = sheet.hidden_columns();
        for c in sheet.xml.all("c") {
            let cell = c.attr("r").unwrap();
            let look = sheet.look(&book, cell);
            if look.fill == "FFFFFFFF" {
                assert!(!look.locked, "{name}!{cell} is white but locked");
            } else {
                assert!(look.locked, "{name}!{cell} is unlocked but not white");
            }
            let col: String = cell.chars().take_while(char::is_ascii_uppercase).collect();
            let col = col
                .bytes()
                .fold(0u16, |n, b| n * 26 + u16::from(b - b'A') + 1)
                - 1;
            if hidden.contains(&col) {
                assert!(look.locked, "{name}!{cell} is in a hidden column, unlocked");
            }
        }
    }
    // The instructions say so, and show both.
    let instructions = book.sheet(INSTRUCTIONS);
    let text: Vec<&String> = instructions.values.values().collect();
    assert!(
        text.iter()
            .any(|t| t
                .starts_with("1. 只填白色单元格; 灰色单元格是标签、说明和预先填好的内容, 已锁定")),
        "{text:?}"
    );
    let legend = instructions.row_of(0, "灰色单元格: 已锁定, 不用填写");
    assert_eq!(instructions.look(&book, &cell_ref(legend, 0)), grey());
    let legend = instructions.row_of(0, "白色单元格: 请填写");
    assert_eq!(
        instructions.look(&book, &cell_ref(legend, 0)).fill,
        "FFFFFFFF"
    );
}

#[test]
fn rows_are_as_tall_as_their_wrapped_text_and_columns_as_wide_as_their_labels() {
    let book = book(&rules("hunan-department.toml"));
    let unit = book.sheet(UNIT);
    let col = |sheet: &Sheet, n: u16| {
        let n = (n + 1).to_string();
        sheet
            .xml
            .all("col")
            .into_iter()
            .find(|c| c.attr("min") == Some(n.as_str()))
            .and_then(|c| c.attr("width"))
            .unwrap()
            .to_owned()
    };
    // The label column as wide as its longest label, 绩效自评结果拟应用和公开情况 (14 characters,
    // 28 units) and a margin: 31 (Excel stores 31.7109375); value 30, note 38.
    assert_eq!(col(unit, 1), "31.7109375");
    assert_eq!(col(unit, UNIT_VALUE), "30.7109375");
    assert_eq!(col(unit, 3), "38.7109375");
    // 全年预算数's note, "万元; 评分用于: 预算控制率、预算完成率、预算执行率、结转结余率" (62 units),
    // takes two lines of the 38-wide note column: 2 × 21 + 6 pixels, 36 points.
    let full_year = unit.row_of(UNIT_KEY, "budget.full_year");
    assert_eq!(
        unit.values[&(full_year, 3)],
        "万元; 评分用于: 预算控制率、预算完成率、预算执行率、结转结余率"
    );
    assert_eq!(unit.row(full_year).attr("ht"), Some("36"));
    // A line of one line: 27 pixels (20.25 points); a narrative's box: six lines, 132 (99),
    // across the value and note columns, what to write under its label.
    let name = unit.row_of(UNIT_KEY, "unit.name");
    assert_eq!(unit.row(name).attr("ht"), Some("20.25"));
    let problems = unit.row_of(UNIT_KEY, "narrative.problems");
    assert_eq!(unit.row(problems).attr("ht"), Some("99"));
    let merged = format!(
        "{}:{}",
        cell_ref(problems, UNIT_VALUE),
        cell_ref(problems, UNIT_VALUE + 1)
    );
    assert!(
        unit.xml
            .all("mergeCell")
            .iter()
            .any(|m| m.attr("ref") == Some(merged.as_str())),
        "{merged}"
    );
    assert_eq!(
        unit.values[&(problems, 1)],
        "存在的问题及原因分析\n(照报告原文填写, 包括“无”)"
    );
    assert_eq!(unit.look(&book, &cell_ref(problems, UNIT_VALUE)), white());

    // 指标方向 (8 units) on one line in a column of 10; 偏差原因分析及改进措施 in its 40.
    let ind = book.sheet(INDICATORS);
    assert_eq!(col(ind, IND_DIRECTION), "10.7109375");
    assert_eq!(col(ind, IND_EXPLANATION), "40.7109375");
    // 新建楼堂馆所投资概算控制率 (26 units) wraps in the 26-wide 三级指标: two lines.
    let investment = ind.row_of(IND_NAME, "新建楼堂馆所投资概算控制率");
    assert_eq!(ind.row(investment).attr("ht"), Some("36"));
    // A row of one line keeps Excel's height, which grows as the unit types.
    let execution = ind.row_of(IND_NAME, "预算执行率");
    assert_eq!(ind.row(execution).attr("ht"), None);

    // 所属专项资金(整体目标留空) (26 units) wraps in its 26-wide column: the header two lines.
    let goals = book.sheet(GOALS);
    assert_eq!(col(goals, GOAL_FUND), "26.7109375");
    assert_eq!(goals.row(0).attr("ht"), Some("36"));

    // Every instruction line as tall as it wraps in the 90-wide column (89 units a line): the
    // first, of 185 units, three lines (69 pixels).
    let instructions = book.sheet(INSTRUCTIONS);
    assert_eq!(instructions.row(2).attr("ht"), Some("51.75"));
}

/// The data validation of `sqref` on `sheet`: type, operator, bounds, prompt and error.
fn validation(sheet: &Sheet, sqref: &str) -> [String; 7] {
    let v = sheet.validation(sqref);
    let text = |name: &str| {
        v.all(name)
            .first()
            .map(|f| f.text.clone())
            .unwrap_or_default()
    };
    let attr = |name: &str| v.attr(name).unwrap_or_default().to_owned();
    [
        attr("type"),
        attr("operator"),
        text("formula1"),
        text("formula2"),
        attr("promptTitle"),
        attr("prompt"),
        attr("error"),
    ]
}

fn strings<const N: usize>(texts: [&str; N]) -> [String; N] {
    texts.map(str::to_owned)
}

#[test]
fn number_cells_take_numbers_only_with_chinese_prompts() {
    let book = book(&rules("hunan-department.toml"));
    let unit = book.sheet(UNIT);
    let value = |key: &str| cell_ref(unit.row_of(UNIT_KEY, key), UNIT_VALUE);
    assert_eq!(
        validation(unit, &value("budget.opening")),
        strings([
            "decimal",
            "greaterThanOrEqual",
            "0",
            "",
            "年初预算数",
            "请填不小于 0 的金额, 以万元为单位, 如 85.33",
            "年初预算数应为不小于 0 的金额, 以万元为单位, 如 85.33。",
        ])
    );
    assert_eq!(
        validation(unit, &value("staffing.authorised")),
        strings([
            "whole",
            "greaterThanOrEqual",
            "0",
            "",
            "编制数",
            "请填不小于 0 的整数",
            "编制数应为不小于 0 的整数。",
        ])
    );
    assert_eq!(
        validation(unit, &value("unit.year")),
        strings([
            "whole",
            "",
            "1900",
            "9999",
            "评价年度",
            "请填四位数的年份, 如 2024",
            "评价年度应为四位数的年份, 如 2024。",
        ])
    );
    assert_eq!(
        validation(unit, &value("declared.total")),
        strings([
            "decimal",
            "",
            "0",
            "100",
            "自评总分",
            "请填0 到 100 之间的分数 (满分 100 分)",
            "自评总分应为0 到 100 之间的分数 (满分 100 分)。",
        ])
    );
    assert_eq!(
        validation(unit, &value("unit.filed_on")),
        strings([
            "date",
            "",
            "36526",
            "73050",
            "填报日期",
            "请填日期, 如 2025-03-31",
            "填报日期应为日期, 如 2025-03-31。",
        ])
    );
    // The drop-downs stay.
    assert_eq!(
        validation(unit, &value("unit.kind"))[..3],
        strings(["list", "", "\"部门整体支出,项目支出\""])
    );
    assert_eq!(
        validation(unit, &value("declared.grade"))[2],
        "\"优,良,中,差\""
    );
    // Text has none.
    let name = value("unit.name");
    assert!(
        unit.xml
            .all("dataValidation")
            .iter()
            .all(|v| v.attr("sqref") != Some(name.as_str()))
    );

    let ind = book.sheet(INDICATORS);
    // 预算执行率 is worth 12: its 得分 between 0 and 12.
    let execution = ind.row_of(IND_NAME, "预算执行率");
    assert_eq!(
        validation(ind, &cell_ref(execution, IND_SELF_SCORE)),
        strings([
            "decimal",
            "",
            "0",
            "12",
            "得分",
            "请填0 到 12 之间的分数 (本项分值 12 分)",
            "得分应为0 到 12 之间的分数 (本项分值 12 分)。",
        ])
    );
    // The unit's own rows (from the first blank 效益指标 row to the last extra row): 分值 zero or
    // more, 得分 at most the row's 分值.
    let first = ind.row_of(IND_LEVEL1, "效益指标");
    let last = ind
        .xml
        .all("row")
        .last()
        .map(|r| r.attr("r").unwrap().parse::<u32>().unwrap() - 1)
        .unwrap();
    let range = |col: u16| format!("{}:{}", cell_ref(first, col), cell_ref(last, col));
    assert_eq!(
        validation(ind, &range(IND_POINTS))[..3],
        strings(["decimal", "greaterThanOrEqual", "0"])
    );
    let (j, i) = (cell_ref(first, IND_SELF_SCORE), cell_ref(first, IND_POINTS));
    assert_eq!(
        validation(ind, &range(IND_SELF_SCORE)),
        [
            "custom".to_owned(),
            String::new(),
            format!("AND(ISNUMBER({j}),{j}>=0,OR(ISBLANK({i}),{j}<={i}))"),
            String::new(),
            "得分".to_owned(),
            "请填不小于 0、不超过本行分值的分数".to_owned(),
            "得分应为不小于 0、不超过本行分值的分数。".to_owned(),
        ]
    );
    // Targets and actual values: any number within the unit model's bounds.
    let rows = format!("{}:{}", cell_ref(3, IND_TARGET), cell_ref(last, IND_TARGET));
    assert_eq!(
        validation(ind, &rows)[..4],
        strings(["decimal", "", "-1000000000000", "1000000000000"])
    );

    let funds = book.sheet(FUNDS);
    assert_eq!(
        validation(funds, "C2:C41"),
        strings([
            "decimal",
            "",
            "-1000000000000",
            "1000000000000",
            "年中调整",
            "请填金额, 以万元为单位, 调减填负数, 如 -5",
            "年中调整应为金额, 以万元为单位, 调减填负数, 如 -5。",
        ])
    );
    assert_eq!(
        validation(funds, "D2:D41")[..3],
        strings(["decimal", "greaterThanOrEqual", "0"])
    );
    // A source's fund is one of the funds named on 专项资金.
    assert_eq!(
        validation(book.sheet(SOURCES), "A2:A41")[..3],
        strings(["list", "", "'专项资金'!$A$2:$A$41"])
    );
    assert_eq!(
        validation(book.sheet(CLAIMS), "B2:B41")[..2],
        strings(["decimal", ""])
    );
    assert_eq!(validation(book.sheet(GOALS), "D2:D41")[2], "\"≥,≤,=\"");
}

/// The ASCII words of `text` with a lower-case letter (a key, a code, an English word), but the
/// two a unit is told of: Excel and .xlsx.
fn english(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "_.:-".contains(c)))
        .filter(|w| w.chars().any(|c| c.is_ascii_lowercase()))
        .filter(|w| !["Excel", ".xlsx"].contains(w))
        .map(str::to_owned)
        .collect()
}

#[test]
fn nothing_a_unit_sees_is_a_code_or_english() {
    for rule_set in ["hunan-department.toml", "national-project.toml"] {
        let book = book(&rules(rule_set));
        for name in VISIBLE {
            let sheet = book.sheet(name);
            let hidden = sheet.hidden_columns();
            for ((row, col), value) in &sheet.values {
                if hidden.contains(col) {
                    continue;
                }
                assert_eq!(
                    english(value),
                    Vec::<String>::new(),
                    "{rule_set}: {name}!{} shows {value:?}",
                    cell_ref(*row, *col)
                );
            }
            for v in sheet.xml.all("dataValidation") {
                for key in ["promptTitle", "prompt", "errorTitle", "error"] {
                    let text = v.attr(key).unwrap_or_default();
                    assert_eq!(english(text), Vec::<String>::new(), "{name}: {text}");
                }
            }
            let header = &sheet.xml.first("oddHeader").text;
            // Excel's codes (&C, &A, &R, "-,Bold") aside.
            let header = header.replace("&\"-,Bold\"", "");
            assert_eq!(english(&header), Vec::<String>::new(), "{header}");
        }
        // The codes the reader needs are there, in the hidden columns, labelled for what they
        // are.
        let facts = book.sheet(FACTS);
        assert_eq!(facts.hidden_columns(), [FACT_CODE]);
        assert_eq!(facts.values[&(0, FACT_CODE)], "代码(系统用)");
        let unit = book.sheet(UNIT);
        assert_eq!(unit.hidden_columns(), [UNIT_KEY]);
        assert_eq!(unit.values[&(1, UNIT_KEY)], "代码(系统用)");
        let ind = book.sheet(INDICATORS);
        assert_eq!(ind.hidden_columns(), [IND_ORIGIN]);
        assert_eq!(ind.values[&(2, IND_ORIGIN)], "代码(系统用)");
    }
    // The project rule set asks about no facts: the sheet says so.
    let book_of_project = book(&rules("national-project.toml"));
    let facts = book_of_project.sheet(FACTS);
    assert_eq!(
        facts.values[&(1, FACT_LABEL)],
        "本评分规则没有需要确认的事项, 本表不用填写。"
    );
    assert_eq!(facts.values.get(&(1, FACT_CODE)), None);
    // The hunan rule set asks whether the results were disclosed: its code hidden, its
    // question shown.
    let book = book(&rules("hunan-department.toml"));
    let facts = book.sheet(FACTS);
    assert_eq!(facts.values[&(1, FACT_CODE)], "results_disclosed");
    assert_eq!(facts.values[&(1, FACT_LABEL)], "自评结果公开");
}

#[test]
fn the_unit_sheet_asks_who_files() {
    let book = book(&rules("national-project.toml"));
    let unit = book.sheet(UNIT);
    let label = |key: &str| unit.values[&(unit.row_of(UNIT_KEY, key), 1)].clone();
    assert_eq!(
        [
            "unit.name",
            "unit.code",
            "unit.supervisor",
            "unit.region",
            "unit.project",
            "unit.project_code",
            "unit.implementer",
        ]
        .map(label),
        strings([
            "单位名称",
            "单位编码",
            "主管部门",
            "所属地区",
            "项目名称",
            "项目编码",
            "实施单位",
        ])
    );
    // Codes are typed as text, so 0101001 keeps its zero.
    let code = cell_ref(unit.row_of(UNIT_KEY, "unit.project_code"), UNIT_VALUE);
    let c = unit
        .xml
        .all("c")
        .into_iter()
        .find(|c| c.attr("r") == Some(code.as_str()))
        .unwrap();
    let style: usize = c.attr("s").unwrap().parse().unwrap();
    let xf = book.styles.first("cellXfs").all("xf")[style];
    let format = xf.attr("numFmtId").unwrap();
    let text_format = book
        .styles
        .all("numFmt")
        .into_iter()
        .find(|f| f.attr("numFmtId") == Some(format))
        .and_then(|f| f.attr("formatCode"));
    assert_eq!(text_format, Some("@"));
    assert_eq!(unit.look(&book, &code), white());
}
