//! The form, out and back: written from a rule set, filled in as a unit would fill it, read back
//! and scored; and forms filled badly, each with its exact error.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};
use jixiao_forms::sheets::*;
use jixiao_forms::{Filled, FormError, read_form, write_form};
use jixiao_model::{Account, CheckedUnit, FieldPath, SelfEvaluation};
use jixiao_rules::{RuleSet, ValidRuleSet};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;
use rust_xlsxwriter::{Format, Workbook};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rules(name: &str) -> ValidRuleSet {
    RuleSet::load(&root().join("configs").join(name)).unwrap().0
}

fn sample() -> SelfEvaluation {
    SelfEvaluation::load(&root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"))
        .unwrap()
        .into_inner()
}

/// A cell value the test writes.
#[derive(Debug, Clone)]
enum V {
    S(String),
    N(f64),
    /// A day, written as Excel writes a date: a serial number formatted as a date.
    D(u16, u8, u8),
}

fn s(text: &str) -> V {
    V::S(text.to_owned())
}

fn n(value: Decimal) -> V {
    V::N(value.to_f64().unwrap())
}

/// A workbook as a unit fills it: the template's cells (read with calamine, as any other program
/// would see them), with the unit's values written into them, saved again with rust_xlsxwriter.
type Cells = BTreeMap<(u32, u16), V>;

struct Filler {
    sheets: Vec<(String, Cells)>,
    merges: Vec<(String, u32, u16, u32, u16)>,
}

impl Filler {
    fn from_template(bytes: Vec<u8>) -> Filler {
        let mut xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let mut sheets = Vec::new();
        for name in xlsx.sheet_names() {
            let range = xlsx.worksheet_range(&name).unwrap();
            let mut cells = BTreeMap::new();
            for (row, col, data) in range.used_cells() {
                let (r0, c0) = range.start().unwrap();
                let at = (row as u32 + r0, (col as u32 + c0) as u16);
                match data {
                    Data::String(t) => cells.insert(at, V::S(t.clone())),
                    Data::Float(f) => cells.insert(at, V::N(*f)),
                    other => panic!("unexpected template cell {other:?}"),
                };
            }
            sheets.push((name, cells));
        }
        Filler {
            sheets,
            merges: Vec::new(),
        }
    }

    fn sheet(&mut self, name: &str) -> &mut BTreeMap<(u32, u16), V> {
        &mut self.sheets.iter_mut().find(|(n, _)| n == name).unwrap().1
    }

    fn set(&mut self, sheet: &str, row: u32, col: u16, value: V) {
        self.sheet(sheet).insert((row, col), value);
    }

    fn clear(&mut self, sheet: &str, row: u32, col: u16) {
        self.sheet(sheet).remove(&(row, col));
    }

    /// The row whose column `col` holds `text`.
    fn row_of(&mut self, sheet: &str, col: u16, text: &str) -> u32 {
        self.sheet(sheet)
            .iter()
            .find(|((_, c), v)| *c == col && matches!(v, V::S(t) if t == text))
            .map(|((r, _), _)| *r)
            .unwrap_or_else(|| panic!("no {text} in {sheet}"))
    }

    /// Sets the unit sheet's value for `key`; returns its cell reference.
    fn unit(&mut self, key: &str, value: V) -> String {
        let row = self.row_of(UNIT, UNIT_KEY, key);
        self.set(UNIT, row, UNIT_VALUE, value);
        cell_ref(row, UNIT_VALUE)
    }

    fn save(&self, path: &Path) {
        let mut workbook = Workbook::new();
        for (name, cells) in &self.sheets {
            let ws = workbook.add_worksheet();
            ws.set_name(name).unwrap();
            for ((row, col), value) in cells {
                match value {
                    V::S(t) => ws.write(*row, *col, t).unwrap(),
                    V::N(f) => ws.write(*row, *col, *f).unwrap(),
                    V::D(y, m, d) => {
                        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        let format = Format::new().set_num_format("yyyy-mm-dd");
                        ws.write_with_format(*row, *col, &day, &format).unwrap()
                    }
                };
            }
            for (sheet, r0, c0, r1, c1) in &self.merges {
                if sheet == name {
                    let first = cells.get(&(*r0, *c0)).cloned();
                    let text = match first {
                        Some(V::S(t)) => t,
                        _ => String::new(),
                    };
                    ws.merge_range(*r0, *c0, *r1, *c1, &text, &Format::new())
                        .unwrap();
                }
            }
            if name == META {
                ws.set_very_hidden(true);
            }
        }
        workbook.save(path).unwrap();
    }
}

fn opt(filler: &mut Filler, key: &str, value: Option<Decimal>) {
    if let Some(v) = value {
        filler.unit(key, n(v));
    }
}

fn text(filler: &mut Filler, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        filler.unit(key, s(v));
    }
}

/// Fills the template with a unit's figures, as the unit would type them.
fn fill(filler: &mut Filler, unit: &SelfEvaluation) {
    let id = &unit.unit;
    filler.unit("unit.name", s(&id.name));
    text(filler, "unit.code", &id.code);
    text(filler, "unit.supervisor", &id.supervisor);
    text(filler, "unit.region", &id.region);
    filler.unit("unit.year", V::N(f64::from(id.year)));
    filler.unit("unit.kind", s(id.kind.label()));
    text(filler, "unit.project", &id.project);
    text(filler, "unit.project_code", &id.project_code);
    text(filler, "unit.implementer", &id.implementer);
    if let Some(day) = id.filed_on {
        filler.unit("unit.filed_on", s(&day.to_string()));
    }
    text(filler, "unit.category", &id.category);
    text(filler, "unit.level", &id.level);
    if let Some(v) = id.sub_units {
        filler.unit("unit.sub_units", V::N(f64::from(v)));
    }
    if let Some(st) = unit.staffing {
        filler.unit("staffing.authorised", V::N(f64::from(st.authorised)));
        filler.unit("staffing.in_post", V::N(f64::from(st.in_post)));
        filler.unit("staffing.retired", V::N(f64::from(st.retired)));
    }
    let b = &unit.budget;
    opt(filler, "budget.opening", b.opening);
    opt(filler, "budget.full_year", b.full_year);
    opt(filler, "budget.income", b.income);
    filler.unit("budget.spent", n(b.spent));
    opt(filler, "budget.basic", b.basic);
    opt(filler, "budget.personnel", b.personnel);
    opt(filler, "budget.public", b.public);
    opt(filler, "budget.project", b.project);
    for (key, account) in [
        ("accounts.government_fund", &unit.accounts.government_fund),
        ("accounts.state_capital", &unit.accounts.state_capital),
        ("accounts.social_insurance", &unit.accounts.social_insurance),
    ] {
        match account {
            Account::NotReported => {}
            Account::None => {
                filler.unit(key, s("无"));
            }
            Account::Figures(f) => {
                filler.unit(key, s("有"));
                filler.unit(&format!("{key}.income"), n(f.income));
                filler.unit(&format!("{key}.spent"), n(f.spent));
            }
        }
    }
    let base = &unit.base;
    for (key, value) in [
        ("base.three_public", base.three_public),
        ("base.three_public_last_year", base.three_public_last_year),
        ("base.three_public_budget", base.three_public_budget),
        ("base.public_budget", base.public_budget),
        ("base.procurement_budget", base.procurement_budget),
        ("base.procurement_actual", base.procurement_actual),
        ("base.key_project_spending", base.key_project_spending),
        ("base.carried_in", base.carried_in),
        ("base.carried_over", base.carried_over),
        ("base.carried_over_last_year", base.carried_over_last_year),
    ] {
        opt(filler, key, value);
    }
    if let Some(b) = &base.buildings {
        filler.unit("base.buildings.planned_area", n(b.planned_area));
        filler.unit("base.buildings.actual_area", n(b.actual_area));
        filler.unit("base.buildings.planned_investment", n(b.planned_investment));
        filler.unit("base.buildings.actual_investment", n(b.actual_investment));
    }
    if let Some(t) = &base.tasks {
        for (key, count) in [
            ("base.tasks.planned", t.planned),
            ("base.tasks.completed", t.completed),
            ("base.tasks.on_time", t.on_time),
            ("base.tasks.up_to_standard", t.up_to_standard),
        ] {
            filler.unit(key, V::N(f64::from(count)));
        }
    }
    if let Some(d) = &unit.declared {
        opt(filler, "declared.total", d.total);
        text(filler, "declared.grade", &d.grade);
    }
    let nar = &unit.narrative;
    text(filler, "narrative.problems", &nar.problems);
    text(filler, "narrative.improvements", &nar.improvements);
    text(
        filler,
        "narrative.use_and_disclosure",
        &nar.use_and_disclosure,
    );
    text(filler, "narrative.other", &nar.other);

    for (i, goal) in unit.goals.iter().enumerate() {
        let row = i as u32 + 1;
        if let Some(fund) = &goal.fund {
            filler.set(GOALS, row, GOAL_FUND, s(fund));
        }
        filler.set(GOALS, row, GOAL_TEXT, s(&goal.text));
        if let Some(m) = &goal.measure {
            filler.set(GOALS, row, GOAL_INDICATOR, s(&m.indicator));
            filler.set(GOALS, row, GOAL_DIRECTION, s(m.direction.symbol()));
            filler.set(GOALS, row, GOAL_TARGET, n(m.target));
            if let Some(a) = m.actual {
                filler.set(GOALS, row, GOAL_ACTUAL, n(a));
            }
            filler.set(GOALS, row, GOAL_UNIT, s(&m.unit));
        }
    }
    let mut source_row = 1;
    for (i, fund) in unit.funds.iter().enumerate() {
        let row = i as u32 + 1;
        filler.set(FUNDS, row, FUND_NAME, s(&fund.name));
        filler.set(FUNDS, row, FUND_OPENING, n(fund.opening));
        filler.set(FUNDS, row, FUND_CHANGE, n(fund.change));
        filler.set(FUNDS, row, FUND_SPENT, n(fund.spent));
        filler.set(FUNDS, row, FUND_CARRIED_OVER, n(fund.carried_over));
        for source in &fund.sources {
            filler.set(SOURCES, source_row, SOURCE_FUND, s(&fund.name));
            filler.set(SOURCES, source_row, SOURCE_NAME, s(&source.name));
            filler.set(SOURCES, source_row, SOURCE_AMOUNT, n(source.amount));
            source_row += 1;
        }
    }
    for (i, claim) in unit.claims.iter().enumerate() {
        let row = i as u32 + 1;
        filler.set(CLAIMS, row, CLAIM_WHAT, s(&claim.what));
        filler.set(CLAIMS, row, CLAIM_QUANTITY, n(claim.quantity));
        filler.set(CLAIMS, row, CLAIM_UNIT, s(&claim.unit));
        let at_least = if claim.at_least { "是" } else { "否" };
        filler.set(CLAIMS, row, CLAIM_AT_LEAST, s(at_least));
    }
    for (fact, value) in &unit.facts {
        let row = filler.row_of(FACTS, FACT_CODE, fact);
        filler.set(FACTS, row, FACT_VALUE, s(if *value { "是" } else { "否" }));
    }
    fill_rows(filler, unit);
}

/// Writes the unit's 自评表 rows where a unit would: on the pre-filled row of the same name, else
/// on a blank row left under its 一级指标.
fn fill_rows(filler: &mut Filler, unit: &SelfEvaluation) {
    let mut used = std::collections::BTreeSet::new();
    for row in &unit.indicators {
        let cells = filler.sheet(INDICATORS);
        let text_at = |r: u32, c: u16| match cells.get(&(r, c)) {
            Some(V::S(t)) => Some(t.clone()),
            _ => None,
        };
        let rows: Vec<u32> = cells
            .keys()
            .map(|(r, _)| *r)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .filter(|r| !used.contains(r))
            .collect();
        let at = rows
            .iter()
            .find(|&&r| text_at(r, IND_NAME).as_deref() == Some(row.name.as_str()))
            .or_else(|| {
                rows.iter().find(|&&r| {
                    text_at(r, IND_LEVEL1).as_deref() == Some(row.level1.as_str())
                        && text_at(r, IND_NAME).is_none()
                })
            })
            .copied()
            .unwrap_or_else(|| panic!("no row for {} / {}", row.level1, row.name));
        used.insert(at);
        filler.set(INDICATORS, at, IND_LEVEL1, s(&row.level1));
        if let Some(l2) = &row.level2 {
            filler.set(INDICATORS, at, IND_LEVEL2, s(l2));
        }
        filler.set(INDICATORS, at, IND_NAME, s(&row.name));
        if let Some(d) = row.direction {
            filler.set(INDICATORS, at, IND_DIRECTION, s(d.symbol()));
        }
        if let Some(t) = row.target {
            filler.set(INDICATORS, at, IND_TARGET, n(t));
        }
        if let Some(a) = row.actual {
            filler.set(INDICATORS, at, IND_ACTUAL, n(a));
        }
        if let Some(u) = &row.unit {
            filler.set(INDICATORS, at, IND_UNIT, s(u));
        }
        if let Some(tier) = row.tier {
            filler.set(INDICATORS, at, IND_TIER, s(tier.label()));
        }
        filler.set(INDICATORS, at, IND_POINTS, n(row.points));
        if let Some(score) = row.self_score {
            filler.set(INDICATORS, at, IND_SELF_SCORE, n(score));
        }
        if let Some(e) = &row.explanation {
            filler.set(INDICATORS, at, IND_EXPLANATION, s(e));
        }
    }
}

fn filled_sample(dir: &Path, rules: &RuleSet) -> (Filler, PathBuf) {
    let mut filler = Filler::from_template(write_form(rules).unwrap());
    fill(&mut filler, &sample());
    (filler, dir.join("机构.xlsx"))
}

fn scorecard_json(unit: &CheckedUnit, rules: &ValidRuleSet) -> String {
    jixiao_report::json(&jixiao_engine::score(unit, rules).unwrap())
}

#[test]
fn round_trip_scores_exactly_as_the_toml_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules("hunan-department.toml");
    let (filler, path) = filled_sample(dir.path(), &rules);
    filler.save(&path);
    let filled = read_form(&path).unwrap();
    assert_eq!(filled.notes, vec![]);
    assert_eq!(filled.origin.label(), "hunan-department v2024.1");
    assert_eq!(filled.origin.changes(&rules), Vec::<String>::new());
    assert_eq!(filled.unit, sample(), "the unit reads back exactly");
    assert_eq!(
        scorecard_json(&filled.unit, &rules),
        scorecard_json(&sample().check().unwrap(), &rules)
    );
}

#[test]
fn the_form_is_laid_out_as_a_self_evaluation_table() {
    let rules = rules("hunan-department.toml");
    let mut xlsx: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(write_form(&rules).unwrap())).unwrap();
    assert_eq!(
        xlsx.sheet_names(),
        [
            INSTRUCTIONS,
            UNIT,
            INDICATORS,
            GOALS,
            FUNDS,
            "资金来源",
            CLAIMS,
            FACTS,
            META
        ]
    );
    let ind = xlsx.worksheet_range(INDICATORS).unwrap();
    let header: Vec<String> = (0..11)
        .map(|c| ind.get_value((2, c)).unwrap().to_string())
        .collect();
    assert_eq!(
        header,
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标方向",
            "年度指标值",
            "实际完成值",
            "计量单位",
            "定性评级",
            "分值",
            "得分",
            "偏差原因分析及改进措施"
        ]
    );
    // The first leaf pre-filled: 投入 / 预算配置 / 预算控制率, 5 points.
    let row: Vec<String> = [0, 1, 2, 8]
        .iter()
        .map(|&c| ind.get_value((3, c)).unwrap().to_string())
        .collect();
    assert_eq!(row, ["投入", "预算配置", "预算控制率", "5"]);
    // Blank rows under 效益指标 for the unit's own indicators.
    let benefits = (3..ind.height() as u32)
        .filter(|&r| {
            ind.get_value((r, 0))
                .is_some_and(|v| matches!(v, Data::String(t) if t == "效益指标"))
        })
        .count();
    assert_eq!(benefits, 5);
    let facts = xlsx.worksheet_range(FACTS).unwrap();
    assert_eq!(
        facts.get_value((1, 0)).unwrap().to_string(),
        "results_disclosed"
    );
}

fn read_err(path: &Path) -> String {
    match read_form(path) {
        Err(FormError::Cells(errors)) => errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("read a bad form"),
    }
}

#[test]
fn garbage_in_a_number_cell_names_workbook_sheet_and_cell() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules("hunan-department.toml");
    let (mut filler, path) = filled_sample(dir.path(), &rules);
    let row = filler.row_of(INDICATORS, IND_NAME, "预算执行率");
    filler.set(INDICATORS, row, IND_DIRECTION, s("≥"));
    filler.set(INDICATORS, row, IND_TARGET, V::N(100.0));
    filler.set(INDICATORS, row, IND_ACTUAL, s("约95%"));
    let opening = filler.unit("budget.opening", s("六十九万"));
    filler.save(&path);
    let p = path.display();
    assert_eq!(
        read_err(&path),
        format!(
            "{p}!单位!{opening}: 年初预算数填的是“六十九万”, 不是数字; 要求: 不小于 0 的金额, 以万元为单位, 如 85.33\n\
             {p}!指标!F{}: 实际完成值填的是“约95%”, 不是数字; 要求: 数字, 不带单位; 百分比填百分数的数字, 如 95% 填 95",
            row + 1
        )
    );
}

#[test]
fn amounts_typed_as_text_are_read_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules("hunan-department.toml");
    let (mut filler, path) = filled_sample(dir.path(), &rules);
    let income = filler.unit("budget.income", s("853,300元"));
    let spent = filler.unit("budget.spent", s("８５．３３"));
    let basic = filler.unit("budget.basic", s("55.09万元"));
    let project = filler.unit("budget.project", s(" 30.24 "));
    filler.set(FUNDS, 1, FUND_OPENING, s("8.00万元"));
    filler.save(&path);
    let filled = read_form(&path).unwrap();
    let p = path.display();
    let notes: Vec<String> = filled.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            format!("{p}!单位!{income}: 财政拨款收入填的是文字“853,300元”, 已按 85.33 万元读取"),
            format!("{p}!单位!{spent}: 全年执行数填的是文字“８５．３３”, 已按 85.33 万元读取"),
            format!("{p}!单位!{basic}: 基本支出填的是文字“55.09万元”, 已按 55.09 万元读取"),
            format!("{p}!单位!{project}: 项目支出填的是文字“ 30.24 ”, 已按 30.24 万元读取"),
            format!("{p}!专项资金!B2: 年初预算数填的是文字“8.00万元”, 已按 8 万元读取"),
        ]
    );
    assert_eq!(filled.unit, sample());
}

#[test]
fn blank_rows_merged_cells_and_trailing_spaces_are_tolerated() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules("hunan-department.toml");
    let (mut filler, path) = filled_sample(dir.path(), &rules);
    // Trailing spaces in text.
    filler.unit("unit.name", s("株洲市芦淞区科学技术协会  "));
    // A blank row between two goals: move every goal from row 5 on down by one.
    let goals: Vec<((u32, u16), V)> = filler
        .sheet(GOALS)
        .iter()
        .filter(|((r, _), _)| *r >= 5)
        .map(|(k, v)| (*k, v.clone()))
        .collect();
    for ((r, c), _) in &goals {
        filler.clear(GOALS, *r, *c);
    }
    for ((r, c), v) in goals {
        filler.set(GOALS, r + 1, c, v);
    }
    // Two unit rows under 效益指标, the 一级 and 二级 cells merged across both, as people do.
    let first = filler.row_of(INDICATORS, IND_LEVEL1, "效益指标");
    filler.set(INDICATORS, first, IND_LEVEL2, s("社会效益指标"));
    filler.clear(INDICATORS, first + 1, IND_LEVEL1);
    for (row, name, actual) in [
        (first, "科普宣传受众", 70000.0),
        (first + 1, "青少年科技活动", 4.0),
    ] {
        filler.set(INDICATORS, row, IND_NAME, s(name));
        filler.set(INDICATORS, row, IND_DIRECTION, s("≥"));
        filler.set(INDICATORS, row, IND_TARGET, V::N(1.0));
        filler.set(INDICATORS, row, IND_ACTUAL, V::N(actual));
        filler.set(INDICATORS, row, IND_UNIT, s("次 "));
        filler.set(INDICATORS, row, IND_POINTS, V::N(5.0));
        filler.set(INDICATORS, row, IND_SELF_SCORE, V::N(5.0));
    }
    filler.merges.push((
        INDICATORS.to_owned(),
        first,
        IND_LEVEL1,
        first + 1,
        IND_LEVEL1,
    ));
    filler.merges.push((
        INDICATORS.to_owned(),
        first,
        IND_LEVEL2,
        first + 1,
        IND_LEVEL2,
    ));
    filler.save(&path);
    let filled = read_form(&path).unwrap();
    let mut expected = sample();
    let rows = &filled.unit.indicators;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].level1, "效益指标");
    assert_eq!(rows[1].level2.as_deref(), Some("社会效益指标"));
    assert_eq!(rows[1].name, "青少年科技活动");
    assert_eq!(rows[1].unit.as_deref(), Some("次"));
    expected.indicators = filled.unit.indicators.clone();
    assert_eq!(filled.unit, expected);
}

#[test]
fn choices_missing_values_and_unknown_funds_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules("hunan-department.toml");
    let (mut filler, path) = filled_sample(dir.path(), &rules);
    let row = filler.row_of(INDICATORS, IND_NAME, "预算执行率");
    filler.set(INDICATORS, row, IND_DIRECTION, s("大于"));
    filler.set(INDICATORS, row, IND_TIER, s("基本达成"));
    filler.set(INDICATORS, row, IND_SELF_SCORE, V::N(-1.0));
    filler.set(FUNDS, 2, FUND_SPENT, s(""));
    filler.set(SOURCES, 1, SOURCE_FUND, s("科普费"));
    // A goal's measure half given: its 计量单位 left out.
    filler.set(GOALS, 1, GOAL_INDICATOR, s("培训期数"));
    filler.set(GOALS, 1, GOAL_DIRECTION, s("≥"));
    filler.set(GOALS, 1, GOAL_TARGET, V::N(20.0));
    let name = filler.unit("unit.name", s("   "));
    let retired = filler.unit("staffing.retired", V::N(2.5));
    let disclosed = filler.row_of(FACTS, FACT_CODE, "results_disclosed");
    filler.set(FACTS, disclosed, FACT_VALUE, s("有"));
    filler.save(&path);
    let Err(FormError::Cells(errors)) = read_form(&path) else {
        panic!("read a bad form")
    };
    let r = row + 1;
    let got: Vec<[String; 5]> = errors
        .iter()
        .map(|e| {
            assert_eq!(e.workbook, path.display().to_string());
            [
                e.sheet.clone(),
                e.cell.clone(),
                e.field.clone().unwrap_or_default(),
                e.problem.clone(),
                e.expected.clone(),
            ]
        })
        .collect();
    let want = [
        [UNIT, &name, "单位名称", "未填写", "必填"].map(str::to_owned),
        [
            UNIT,
            &retired,
            "退休人数",
            "填的是 2.5, 不是整数",
            "不小于 0 的整数",
        ]
        .map(str::to_owned),
        [
            INDICATORS.to_owned(),
            format!("D{r}"),
            "指标方向".to_owned(),
            "填的是“大于”, 不是可选项".to_owned(),
            "从下拉列表中选择: ≥、≤、=".to_owned(),
        ],
        [
            INDICATORS.to_owned(),
            format!("H{r}"),
            "定性评级".to_owned(),
            "填的是“基本达成”, 不是可选项".to_owned(),
            "从下拉列表中选择: 达成、部分达成、未达成".to_owned(),
        ],
        [
            INDICATORS.to_owned(),
            format!("J{r}"),
            "得分".to_owned(),
            "填的是 -1, 小于 0".to_owned(),
            "不小于 0 的分数".to_owned(),
        ],
        [
            GOALS,
            "G2",
            "计量单位",
            "未填写, 而同组的其他项已填写",
            "有量化指标的, 量化指标、指标方向、年度指标值和计量单位一并填写",
        ]
        .map(str::to_owned),
        [FUNDS, "D3", "实际支出", "未填写", "必填"].map(str::to_owned),
        [
            SOURCES,
            "A2",
            "资金名称",
            "填的是“科普费”, 「专项资金」表中没有这项资金",
            "「专项资金」表中已填写的资金名称",
        ]
        .map(str::to_owned),
        [
            FACTS.to_owned(),
            cell_ref(disclosed, FACT_VALUE),
            "自评结果公开".to_owned(),
            "填的是“有”, 不是可选项".to_owned(),
            "从下拉列表中选择: 是、否".to_owned(),
        ],
    ];
    assert_eq!(got, want);
    // Each displayed as a line of its own: where, then the field, what is wrong, what is
    // expected.
    let p = path.display();
    assert_eq!(
        errors[0].to_string(),
        format!("{p}!单位!{name}: 单位名称未填写; 要求: 必填")
    );
    assert_eq!(errors[0].at(), format!("{p}!单位!{name}"));
    assert_eq!(
        errors[7].to_string(),
        format!(
            "{p}!资金来源!A2: 资金名称填的是“科普费”, 「专项资金」表中没有这项资金; 要求: 「专项资金」表中已填写的资金名称"
        )
    );
    // Not one of them says a key of the unit format.
    for error in &errors {
        let text = error.to_string();
        let text = text.trim_start_matches(&p.to_string());
        assert!(
            !text.chars().any(|c| c.is_ascii_lowercase()),
            "English or a key in {text}"
        );
    }
}

#[test]
fn a_form_from_an_older_rule_set_version_says_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let current = rules("hunan-department.toml");
    let mut older = current.clone().into_inner();
    older.version = "2023.2".to_owned();
    // In 2023: 预算执行率 was worth 10 and 结转结余率 7; 三公经费变动率 was called 三公经费控制;
    // 质量达标率 did not exist and there was a 政府采购执行率.
    let process = &mut older.indicators[1].children[0].children;
    process[1].points = Decimal::from(10);
    process[2].points = Decimal::from(7);
    older.indicators[0].children[1].children[0].name = "三公经费控制".to_owned();
    let mut procurement = older.indicators[2].children.remove(2);
    procurement.id = "output.procurement".to_owned();
    procurement.name = "政府采购执行率".to_owned();
    older.indicators[2].children.push(procurement);

    let mut filler = Filler::from_template(write_form(&older).unwrap());
    fill(&mut filler, &sample());
    let path = dir.path().join("机构.xlsx");
    filler.save(&path);
    let filled = read_form(&path).unwrap();
    assert_eq!(filled.origin.label(), "hunan-department v2023.2");
    assert_eq!(
        filled.origin.changes(&current),
        [
            "本表按评分规则「湖南省部门整体支出绩效评价 (区县版)」版本 2023.2 生成, 现按版本 2024.1 评分, 有 5 处指标变化:",
            "  指标改名: 「三公经费控制」改为「三公经费变动率」",
            "  分值变化: 「预算执行率」由 10 分改为 12 分",
            "  分值变化: 「结转结余率」由 7 分改为 5 分",
            "  新增指标「质量达标率」(5 分)",
            "  删除指标「政府采购执行率」(5 分)",
        ]
    );
    // Another rule set altogether.
    let project = rules("national-project.toml");
    assert_eq!(
        filled.origin.changes(&project),
        [format!(
            "本表按评分规则「湖南省部门整体支出绩效评价 (区县版)」版本 2023.2 生成, 现按评分规则「{}」版本 {} 评分: 表中预填的指标可能不是评分所用的指标",
            project.name, project.version
        )]
    );
    // The unit reads the same whatever the version.
    assert_eq!(filled.unit, sample());
}

/// The workbook `bytes` written again (deflated), each member through `patch`.
fn rezip(bytes: &[u8], patch: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    use std::io::{Read as _, Write as _};
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        out.start_file(&name, options).unwrap();
        out.write_all(&patch(&name, data)).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A workbook whose cell reference is past any column (found by fuzzing the spreadsheet reader)
/// makes calamine's arithmetic overflow: the form is refused as damaged, nothing panics.
#[test]
fn a_form_with_a_cell_reference_past_any_column_is_refused_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("jixiao").unwrap();
    sheet.write(1, 0, "hello").unwrap();
    let bytes = rezip(&workbook.save_to_buffer().unwrap(), |name, bytes| {
        if name != "xl/worksheets/sheet1.xml" {
            return bytes;
        }
        String::from_utf8(bytes)
            .unwrap()
            .replace("r=\"A2\"", "r=\"ZZZZZZZZZZZZ2\"")
            .into_bytes()
    });
    std::fs::write(&path, bytes).unwrap();
    let err = read_form(&path).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: 无法读取这个工作簿: 文件已损坏 (读取中途出错), 未读取: 请在 Excel 或 WPS 中打开后另存为 .xlsx",
            path.display()
        )
    );
    // The spreadsheet reader's own words are kept for the log.
    let FormError::Open { detail, .. } = err else {
        panic!("{err:?}")
    };
    assert!(
        detail.starts_with("the workbook is damaged (the spreadsheet reader stopped: attempt to "),
        "{detail}"
    );
}

#[test]
fn not_a_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.xlsx");
    let mut workbook = Workbook::new();
    workbook.add_worksheet().write(0, 0, "hello").unwrap();
    workbook.save(&path).unwrap();
    let err = read_form(&path).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: 不是本系统生成的填报表 (缺少记录评分规则的隐藏表): 请用财政局下发的填报表填写",
            path.display()
        )
    );
}

#[test]
fn a_percentage_typed_with_its_sign_is_pointed_out() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules("hunan-department.toml");
    let (mut filler, path) = filled_sample(dir.path(), &rules);
    let row = filler.row_of(INDICATORS, IND_NAME, "预算执行率");
    filler.set(INDICATORS, row, IND_DIRECTION, s("≥"));
    filler.set(INDICATORS, row, IND_TARGET, V::N(100.0));
    // "98%" typed in Excel is stored as 0.98.
    filler.set(INDICATORS, row, IND_ACTUAL, V::N(0.98));
    filler.set(INDICATORS, row, IND_UNIT, s("%"));
    filler.save(&path);
    let filled = read_form(&path).unwrap();
    let notes: Vec<String> = filled.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [format!(
            "{}!指标!F{}: 实际完成值为 0.98, 而年度指标值为 100 (计量单位 %): 若输入时带了 % 号 (98%), Excel 会存成 0.98; 请直接填 98, 不带 %",
            path.display(),
            row + 1
        )]
    );
}

#[test]
fn project_forms_round_trip_too() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules("national-project.toml");
    let fixtures = root().join("tests/fixtures/units/project");
    for name in ["synthetic-clean-2024.toml", "synthetic-inflated-2024.toml"] {
        let unit = SelfEvaluation::load(&fixtures.join(name)).unwrap();
        let mut filler = Filler::from_template(write_form(&rules).unwrap());
        fill(&mut filler, &unit);
        let path = dir.path().join(name.replace(".toml", ".xlsx"));
        filler.save(&path);
        let filled = read_form(&path).unwrap();
        assert_eq!(filled.unit, unit, "{name} reads back exactly");
        assert_eq!(
            scorecard_json(&filled.unit, &rules),
            scorecard_json(&unit, &rules)
        );
    }
}

fn every_field() -> SelfEvaluation {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/every-field.toml");
    SelfEvaluation::load(&path).unwrap().into_inner()
}

/// The form of `hunan-department` filled with [`every_field`], saved in `dir` and read.
fn every_field_filled(dir: &Path) -> (Filler, PathBuf, Filled) {
    let mut filler = Filler::from_template(write_form(&rules("hunan-department.toml")).unwrap());
    fill(&mut filler, &every_field());
    let path = dir.join("机构.xlsx");
    filler.save(&path);
    let filled = read_form(&path).unwrap();
    (filler, path, filled)
}

#[test]
fn every_field_of_the_unit_format_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, filled) = every_field_filled(dir.path());
    assert_eq!(filled.notes, vec![]);
    assert_eq!(filled.unit, every_field(), "every field reads back exactly");
}

/// The path of every value in `value` (the unit as JSON), below `at`.
fn value_paths(value: &serde_json::Value, at: Option<FieldPath>, out: &mut Vec<FieldPath>) {
    let below = |key: &str| {
        at.clone()
            .map_or_else(|| FieldPath::new(key), |at| at.key(key))
    };
    match value {
        serde_json::Value::Object(table) => {
            for (key, value) in table {
                value_paths(value, Some(below(key)), out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                value_paths(item, at.clone().map(|at| at.index(i)), out);
            }
        }
        _ => out.extend(at),
    }
}

#[test]
fn every_value_read_says_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let (mut filler, path, filled) = every_field_filled(dir.path());
    let p = path.display();
    let cell = |field: &str| filled.cells[&FieldPath::parse(field).unwrap()].clone();
    let opening = filler.row_of(UNIT, UNIT_KEY, "budget.opening");
    let account = filler.row_of(UNIT, UNIT_KEY, "accounts.government_fund");
    let execution = filler.row_of(INDICATORS, IND_NAME, "预算执行率");
    let disclosed = filler.row_of(FACTS, FACT_CODE, "results_disclosed");
    assert_eq!(
        [
            "budget.opening",
            "accounts.government_fund",
            "funds[1].spent",
            "funds[0].sources[1].amount",
            "goals[1].measure.target",
            "claims[1].quantity",
            "indicators[0].self_score",
            "facts.results_disclosed",
        ]
        .map(cell),
        [
            format!("{p}!单位!{}", cell_ref(opening, UNIT_VALUE)),
            format!("{p}!单位!{}", cell_ref(account, UNIT_VALUE)),
            format!("{p}!专项资金!D3"),
            format!("{p}!资金来源!C3"),
            format!("{p}!目标!E3"),
            format!("{p}!数据声明!B3"),
            format!("{p}!指标!{}", cell_ref(execution, IND_SELF_SCORE)),
            format!("{p}!情况确认!{}", cell_ref(disclosed, FACT_VALUE)),
        ]
    );
    // Every value of the unit was read from a cell, and says which.
    let mut paths = Vec::new();
    value_paths(
        &serde_json::to_value(filled.unit.unit()).unwrap(),
        None,
        &mut paths,
    );
    let unsaid: Vec<&FieldPath> = paths
        .iter()
        .filter(|f| !filled.cells.contains_key(f))
        .collect();
    assert_eq!(unsaid, Vec::<&FieldPath>::new());
}

#[test]
fn figures_out_of_bounds_are_reported_at_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules("hunan-department.toml");
    let (mut filler, path) = filled_sample(dir.path(), &rules);
    let opening = filler.unit("budget.opening", V::N(2e12));
    filler.set(FUNDS, 2, FUND_SPENT, V::N(2e12));
    let row = filler.row_of(INDICATORS, IND_NAME, "预算执行率");
    filler.set(INDICATORS, row, IND_SELF_SCORE, s("0.0000001"));
    filler.save(&path);
    let p = path.display();
    assert_eq!(
        read_err(&path),
        [
            format!(
                "{p}!单位!{opening}: 年初预算数填的是 2000000000000, 超过上限; 要求: 绝对值不超过 1000000000000 (10 的 12 次方) 的数字"
            ),
            format!(
                "{p}!指标!J{}: 得分填的是 0.0000001, 小数位过多; 要求: 最多 6 位小数的数字 (或 0)",
                row + 1
            ),
            format!(
                "{p}!专项资金!D3: 实际支出填的是 2000000000000, 超过上限; 要求: 绝对值不超过 1000000000000 (10 的 12 次方) 的数字"
            ),
        ]
        .join("\n")
    );
}

/// A stray cell far out (Excel's last cell, `XFD1048576`, or column L's last row) made the
/// reader build each sheet's dense range: 550 GB for one cell, and the process aborted. Cells
/// are read one by one now; one outside the form's columns is not read, as any cell beside them.
#[test]
fn a_stray_cell_far_out_reads_as_the_form_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules("hunan-department.toml");
    let (mut filler, path) = filled_sample(dir.path(), &rules);
    for sheet in [UNIT, INDICATORS, GOALS, FUNDS, FACTS] {
        filler.set(sheet, 1_048_575, 16_383, s("备注"));
    }
    filler.set(CLAIMS, 1_048_575, 11, s("备注"));
    filler.save(&path);
    let filled = read_form(&path).unwrap();
    assert_eq!(filled.unit, sample(), "the unit reads back exactly");
    assert_eq!(filled.notes, vec![]);
}

/// A filled form whose sheet inflates a thousand times (8 MiB of XML whitespace in 8 KB) is
/// refused before calamine opens it, naming the workbook and the member; `is_form` leaves it to
/// the form reader.
#[test]
fn a_form_that_is_a_zip_bomb_is_refused_naming_the_member() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules("hunan-department.toml");
    let (filler, path) = filled_sample(dir.path(), &rules);
    filler.save(&path);
    let bytes = rezip(&std::fs::read(&path).unwrap(), |name, mut bytes| {
        if name == "xl/worksheets/sheet1.xml" {
            let at = bytes.len() - "</worksheet>".len();
            bytes.splice(at..at, std::iter::repeat_n(b' ', 8 << 20));
        }
        bytes
    });
    let bomb = dir.path().join("炸弹.xlsx");
    std::fs::write(&bomb, bytes).unwrap();
    assert!(jixiao_forms::is_form(&bomb));
    let err = read_form(&bomb).unwrap_err();
    assert!(matches!(err, FormError::Open { .. }), "{err:?}");
    let message = err.to_string();
    let head = format!(
        "{}: 无法读取这个工作簿: 文件中的 xl/worksheets/sheet1.xml 解压后超过其压缩大小 (",
        bomb.display()
    );
    assert!(message.starts_with(&head), "{message}");
    assert!(
        message.ends_with(
            " 字节) 的 100 倍, 未读取 (疑为压缩炸弹): 请在 Excel 或 WPS 中打开后重新保存"
        ),
        "{message}"
    );
}

/// Who filed: 单位编码 (a code with a leading zero, typed as text), 主管部门, 所属地区, 项目编码 and
/// 实施单位 read into the unit's identity; 填报日期 as an Excel date or typed as text.
#[test]
fn the_unit_sheet_says_who_filed_and_when() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, filled) = every_field_filled(dir.path());
    let id = &filled.unit.unit;
    assert_eq!(id.code.as_deref(), Some("0101001"));
    assert_eq!(id.supervisor.as_deref(), Some("某某县人民政府"));
    assert_eq!(id.region.as_deref(), Some("湖南省某某市某某县"));
    assert_eq!(id.project_code.as_deref(), Some("43000021R000000019951"));
    assert_eq!(id.implementer.as_deref(), Some("某某县某某中心"));
    assert_eq!(
        id.filed_on.map(|d| d.to_string()).as_deref(),
        Some("2025-03-31")
    );
    let p = |f: &str| filled.cells[&FieldPath::parse(f).unwrap()].clone();
    assert!(
        p("unit.supervisor").contains("!单位!C"),
        "{}",
        p("unit.supervisor")
    );

    // 填报日期 as Excel stores a date, or typed year, month and day.
    let rules = rules("national-project.toml");
    let unit = SelfEvaluation::load(
        &root().join("tests/fixtures/units/project/synthetic-clean-2024.toml"),
    )
    .unwrap()
    .into_inner();
    for (typed, day) in [
        (V::D(2025, 3, 31), "2025-03-31"),
        (s("2025/4/1"), "2025-04-01"),
        (s("2025年4月2日"), "2025-04-02"),
    ] {
        let mut filler = Filler::from_template(write_form(&rules).unwrap());
        fill(&mut filler, &unit);
        filler.unit("unit.filed_on", typed);
        filler.unit("unit.project_code", s("43000021R000000019951"));
        let path = dir.path().join("项目.xlsx");
        filler.save(&path);
        let filled = read_form(&path).unwrap();
        let id = &filled.unit.unit;
        assert_eq!(id.filed_on.map(|d| d.to_string()).as_deref(), Some(day));
        assert_eq!(id.project_code.as_deref(), Some("43000021R000000019951"));
    }
    // A day that is not one is refused at its cell.
    let mut filler = Filler::from_template(write_form(&rules).unwrap());
    fill(&mut filler, &unit);
    let cell = filler.unit("unit.filed_on", s("2025-02-30"));
    let path = dir.path().join("项目.xlsx");
    filler.save(&path);
    assert_eq!(
        read_err(&path),
        format!(
            "{}!单位!{cell}: 填报日期填的是“2025-02-30”, 不是日期; 要求: 日期, 如 2025-03-31",
            path.display()
        )
    );
}
