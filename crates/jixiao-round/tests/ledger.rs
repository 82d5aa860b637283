//! The ledger (the bureau's own figures): read in 元 and in 万元, compared with the seed unit
//! (tests/fixtures/units/department/lusong-kexie-2024.toml: no 全年预算数, 财政拨款收入 85.33,
//! 财政拨款支出 85.33, 年初预算 69.16, 编制 3, 在职 3, no 三公经费), and the reconciled unit scored
//! under configs/hunan-department.toml.

use std::path::{Path, PathBuf};

use jixiao_engine::{EngineRule, LedgerFigure, RuleId, Severity, UsedFigure};
use jixiao_model::{CheckedUnit, EvaluationKind, FieldPath, SelfEvaluation};
use jixiao_round::{Ledger, LedgerKey, reconcile};
use jixiao_rules::{LedgerPolicy, LedgerPreference, RuleSet};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The seed unit, with the 单位编码 the ledgers know it by.
fn seed() -> CheckedUnit {
    let unit = SelfEvaluation::load(
        &root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"),
    )
    .unwrap();
    let mut unit = unit.into_inner();
    unit.unit.code = Some("430203001".into());
    unit.check().unwrap()
}

fn policy(prefer: LedgerPreference, tolerance: Decimal) -> LedgerPolicy {
    LedgerPolicy {
        prefer,
        amount_tolerance: tolerance,
    }
}

fn figure(
    field: &str,
    label: &str,
    unit: Option<Decimal>,
    ledger: Decimal,
    used: UsedFigure,
    measure: &str,
) -> LedgerFigure {
    LedgerFigure {
        field: FieldPath::parse(field).unwrap(),
        label: label.into(),
        unit_value: unit,
        ledger_value: ledger,
        used,
        measure: measure.into(),
    }
}

#[test]
fn a_ledger_in_yuan_is_read_in_wan_exactly_under_its_title_row() {
    let ledger = Ledger::load(&fixture("预算一体化导出-元.csv")).unwrap();
    assert_eq!(ledger.source(), "预算一体化导出-元.csv");
    assert_eq!(ledger.entries().len(), 2);
    let kexie = &ledger.entries()[0];
    assert_eq!(
        (kexie.code.as_str(), kexie.keyed_by),
        ("430203001", LedgerKey::Unit)
    );
    assert_eq!(kexie.name.as_deref(), Some("株洲市芦淞区科学技术协会"));
    // "880,000.00" 元 = 88 万元; "853,300.00" 元 = 85.33 万元; 12000 元 = 1.2 万元.
    assert_eq!(kexie.full_year, Some(dec!(88)));
    assert_eq!(kexie.spent, Some(dec!(85.33)));
    assert_eq!(kexie.three_public, Some(dec!(1.2)));
    assert_eq!(kexie.authorised, Some(3));
    assert_eq!(kexie.at.to_string(), "预算一体化导出-元.csv:3");
    // 12,345,678.90 元 = 1234.56789 万元: exact, not rounded.
    assert_eq!(ledger.entries()[1].full_year, Some(dec!(1234.56789)));
    assert_eq!(ledger.entries()[1].three_public, Some(dec!(0)));
    assert_eq!(
        ledger.notes(),
        [
            "预算一体化导出-元.csv: 未识别的列已忽略: 经办人",
            "预算一体化导出-元.csv: 合计行不参与核对 (第 5 行)",
        ]
    );
    let unit = seed();
    assert_eq!(ledger.entry_for(&unit.unit), Some(kexie));
    // Found by code only: the same unit without its code is not found by its name.
    let mut nameless = unit.unit.clone();
    nameless.code = None;
    assert_eq!(ledger.entry_for(&nameless), None);
    assert_eq!(
        ledger.not_found(&nameless),
        "未填写单位编码, 无法与财政数据 (预算一体化导出-元.csv) 核对"
    );
    // A project evaluation is found by its 项目编码, never by its unit's code.
    let mut project = unit.unit.clone();
    project.kind = EvaluationKind::Project;
    assert_eq!(ledger.entry_for(&project), None);
    project.project_code = Some("51000021R000000019951".into());
    assert_eq!(ledger.entry_for(&project), None);
    assert_eq!(
        ledger.not_found(&project),
        "财政数据 (预算一体化导出-元.csv) 中没有项目编码 51000021R000000019951 的行, 未核对"
    );
}

#[test]
fn figures_the_unit_left_out_are_taken_from_the_ledger_and_the_total_moves() {
    let ledger = Ledger::load(&fixture("预算一体化导出-元.csv")).unwrap();
    let (rules, _) = RuleSet::load(&root().join("configs/hunan-department.toml")).unwrap();
    let unit = seed();
    let before = jixiao_engine::score(&unit, &rules).unwrap();
    assert_eq!(before.total, dec!(68.28));
    let entry = ledger.entry_for(&unit.unit).unwrap();
    let done = reconcile(unit, entry, &rules.ledger, ledger.source()).unwrap();
    assert_eq!(
        done.figures,
        [
            figure(
                "budget.full_year",
                "全年预算数",
                None,
                dec!(88),
                UsedFigure::Ledger,
                "万元"
            ),
            figure(
                "budget.spent",
                "全年执行数",
                Some(dec!(85.33)),
                dec!(85.33),
                UsedFigure::Unit,
                "万元"
            ),
            figure(
                "base.three_public",
                "三公经费",
                None,
                dec!(1.2),
                UsedFigure::Ledger,
                "万元"
            ),
            figure(
                "staffing.authorised",
                "编制数",
                Some(dec!(3)),
                dec!(3),
                UsedFigure::Unit,
                "人"
            ),
        ]
    );
    let messages: Vec<_> = done
        .findings
        .iter()
        .map(|f| (f.severity, f.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                Severity::Soft,
                "全年预算数: 单位未填报 (原以财政拨款收入 85.33 万元代替), 采用财政数据 (预算一体化导出-元.csv 第 3 行) 88.00 万元"
            ),
            (
                Severity::Soft,
                "三公经费: 单位未填报, 采用财政数据 (预算一体化导出-元.csv 第 3 行) 1.20 万元"
            ),
        ]
    );
    assert!(
        done.findings
            .iter()
            .all(|f| f.rule == RuleId::Engine(EngineRule::Ledger) && f.indicator.is_none())
    );
    assert_eq!(done.unit.budget.full_year, Some(dec!(88)));
    assert_eq!(done.unit.base.three_public, Some(dec!(1.2)));

    let mut card = jixiao_engine::score(&done.unit, &rules).unwrap();
    card.ledger = done.figures.clone();
    card.findings.extend(done.findings.clone());
    let leaf = |id: &str| jixiao_model::round(card.indicator(id).unwrap().score, 6);
    // 预算执行率 = 全年执行数 / 全年预算数 = 85.33 / 88 = 96.9659…%; 12 × 85.33 / 88 =
    // 1023.96 / 88 = 11.635909… (with 财政拨款收入 85.33 standing in it was 12).
    assert_eq!(leaf("process.execution.execution_rate"), dec!(11.635909));
    // 预算完成率 = (0 + 88 − 0.10) / (0 + 88): 0.1 / 88 below 100 %, 2 points per 5 %:
    // 5 − 2 × (0.1 / 88) / 0.05 = 5 − 1/22 = 4.954545… (it was 4.953123 over 85.33).
    assert_eq!(leaf("process.execution.budget_completion"), dec!(4.954545));
    // 预算控制率: (88 − 69.16) / 69.16 = 27.24 %, still in (20 %, 30 %]: 2 points, as at 23.38 %.
    assert_eq!(leaf("input.planning.budget_control"), dec!(2));
    // The rest unchanged: 投入 7, 过程 other leaves 5 + 10 + 7.5, 产出 15, 效果 0, with 完成及时率
    // and 质量达标率 (10 points) dropped. Raw = 7 + (4.954545… + 11.635909… + 5) + 10 + 7.5 + 15
    // = 39.5 + 1899.96 / 88 = 5375.96 / 88 = 61.0904545…; rescaled × 100 / 90 = 67.8782828…
    assert_eq!(
        jixiao_model::round(card.rescaled.as_ref().unwrap().raw, 6),
        dec!(61.090455)
    );
    assert_eq!(card.total, dec!(67.88));
    assert_eq!(card.grade.as_deref(), Some("中"));
    assert_eq!(card.ledger.len(), 4);
    assert_eq!(card.count(Severity::Soft), before.count(Severity::Soft) + 2);
}

#[test]
fn differences_beyond_the_tolerance_are_hard_findings_and_the_policy_picks_the_figure() {
    let ledger = Ledger::load(&fixture("预算一体化导出-万元.csv")).unwrap();
    let entry = ledger.entry_for(&seed().unit).unwrap().clone();
    assert_eq!(entry.spent, Some(dec!(85)));

    let done = reconcile(
        seed(),
        &entry,
        &policy(LedgerPreference::Ledger, dec!(0.005)),
        ledger.source(),
    )
    .unwrap();
    assert_eq!(
        done.figures,
        [
            figure(
                "budget.full_year",
                "全年预算数",
                None,
                dec!(88),
                UsedFigure::Ledger,
                "万元"
            ),
            figure(
                "budget.spent",
                "全年执行数",
                Some(dec!(85.33)),
                dec!(85),
                UsedFigure::Ledger,
                "万元"
            ),
            figure(
                "staffing.authorised",
                "编制数",
                Some(dec!(3)),
                dec!(4),
                UsedFigure::Ledger,
                "人"
            ),
        ]
    );
    assert_eq!(done.findings.len(), 3);
    let spent = &done.findings[1];
    assert_eq!(spent.severity, Severity::Hard);
    assert_eq!(
        spent.message,
        "全年执行数: 单位填报 85.33 万元, 财政数据 (预算一体化导出-万元.csv 第 2 行) 85.00 万元, 相差 0.33 万元, 评分采用财政数据"
    );
    let figures: Vec<_> = spent
        .figures
        .iter()
        .map(|f| {
            (
                f.label.as_str(),
                f.value,
                f.unit.as_str(),
                f.fields.iter().map(ToString::to_string).collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        figures,
        [
            (
                "单位填报全年执行数",
                dec!(85.33),
                "万元",
                vec!["budget.spent".to_owned()]
            ),
            (
                "财政数据全年执行数",
                dec!(85),
                "万元",
                vec!["budget.spent".to_owned()]
            ),
            ("相差", dec!(0.33), "万元", vec![]),
        ]
    );
    assert_eq!(
        done.findings[2].message,
        "编制数: 单位填报 3 人, 财政数据 (预算一体化导出-万元.csv 第 2 行) 4 人, 相差 1 人, 评分采用财政数据"
    );
    assert_eq!(done.findings[2].severity, Severity::Hard);
    assert_eq!(done.unit.budget.spent, dec!(85));
    assert_eq!(done.unit.staffing.unwrap().authorised, 4);

    // use = "unit": the same findings, the unit's figures score.
    let done = reconcile(
        seed(),
        &entry,
        &policy(LedgerPreference::Unit, dec!(0.005)),
        ledger.source(),
    )
    .unwrap();
    let used: Vec<_> = done.figures.iter().map(|f| f.used).collect();
    // A figure the unit left out is taken whatever the policy.
    assert_eq!(
        used,
        [UsedFigure::Ledger, UsedFigure::Unit, UsedFigure::Unit]
    );
    assert!(
        done.findings[1]
            .message
            .ends_with("相差 0.33 万元, 评分采用单位填报")
    );
    assert_eq!(done.unit.budget.spent, dec!(85.33));
    assert_eq!(done.unit.staffing.unwrap().authorised, 3);
    assert_eq!(done.unit.budget.full_year, Some(dec!(88)));
}

#[test]
fn a_difference_within_the_tolerance_agrees_and_the_unit_figure_stands() {
    let ledger = Ledger::load(&fixture("预算一体化导出-容差内.csv")).unwrap();
    let entry = ledger.entry_for(&seed().unit).unwrap().clone();
    // 85.334 against 85.33: 0.004 万元 (40 元), within 0.005.
    let done = reconcile(
        seed(),
        &entry,
        &policy(LedgerPreference::Ledger, dec!(0.005)),
        ledger.source(),
    )
    .unwrap();
    assert!(done.findings.is_empty(), "{:?}", done.findings);
    assert_eq!(
        done.figures,
        [
            figure(
                "budget.spent",
                "全年执行数",
                Some(dec!(85.33)),
                dec!(85.334),
                UsedFigure::Unit,
                "万元"
            ),
            figure(
                "staffing.authorised",
                "编制数",
                Some(dec!(3)),
                dec!(3),
                UsedFigure::Unit,
                "人"
            ),
        ]
    );
    assert_eq!(done.unit.budget.spent, dec!(85.33));
    assert_eq!(done.figures[0].difference(), Some(dec!(0.004)));
    // With a tolerance of 0.001 万元 (10 元) it is a finding, the figure shown as exact as it is.
    let done = reconcile(
        seed(),
        &entry,
        &policy(LedgerPreference::Ledger, dec!(0.001)),
        ledger.source(),
    )
    .unwrap();
    assert_eq!(
        done.findings[0].message,
        "全年执行数: 单位填报 85.33 万元, 财政数据 (预算一体化导出-容差内.csv 第 2 行) 85.334 万元, 相差 0.004 万元, 评分采用财政数据"
    );
    assert_eq!(done.unit.budget.spent, dec!(85.334));
}

#[test]
fn an_authorised_count_for_a_unit_without_staffing_is_shown_not_used() {
    let ledger = Ledger::load(&fixture("预算一体化导出-容差内.csv")).unwrap();
    let mut unit = seed().into_inner();
    unit.staffing = None;
    let unit = unit.check().unwrap();
    let entry = ledger.entry_for(&unit.unit).unwrap().clone();
    let done = reconcile(unit, &entry, &LedgerPolicy::default(), ledger.source()).unwrap();
    assert_eq!(done.figures[1].used, UsedFigure::Neither);
    assert_eq!(
        done.findings[0].message,
        "编制数: 财政数据 (预算一体化导出-容差内.csv 第 2 行) 3 人, 单位未填报人员情况 (在职人数), 未采用"
    );
    assert_eq!(done.unit.staffing, None);
}

fn load_error(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("财政数据.csv");
    std::fs::write(&path, text).unwrap();
    Ledger::load(&path).unwrap_err().to_string()
}

#[test]
fn a_bad_ledger_is_refused_with_the_cell_and_what_is_wrong() {
    assert_eq!(
        load_error("单位名称,全年预算数(万元)\n株洲市芦淞区科学技术协会,88\n"),
        "财政数据.csv: 缺少“单位编码”或“项目编码”列; 表头为: 单位名称、全年预算数(万元)"
    );
    assert_eq!(
        load_error("单位编码,单位名称,主管部门\n430203001,株洲市芦淞区科学技术协会,区委\n"),
        "财政数据.csv: 没有可核对的数据列: 应有 全年预算数、全年执行数、三公经费、编制数 中至少一列; 表头为: 单位编码、单位名称、主管部门"
    );
    assert_eq!(
        load_error("单位编码,全年执行数(万元)\n430203001,85.33\n430203001,85.30\n"),
        "财政数据中同一单位出现两次: 财政数据.csv:2 与 财政数据.csv:3 (单位编码 430203001)"
    );
    assert_eq!(
        load_error("单位编码,全年执行数（元）\n430203001,约85万\n"),
        "财政数据.csv:2 第 2 列: “全年执行数（元）”应为以元为单位的金额, 实为“约85万”"
    );
    assert_eq!(
        load_error("单位编码,全年执行数(万元)\n430203001,-3\n"),
        "财政数据.csv:2 第 2 列: “全年执行数(万元)”应为不小于 0 的金额, 实为“-3”"
    );
    assert_eq!(
        load_error("单位编码,全年执行数(千元)\n430203001,853.3\n"),
        "财政数据.csv:1 第 2 列: 金额列“全年执行数(千元)”的单位“千元”无法识别: 只接受 万元 或 元"
    );
    assert_eq!(
        load_error("单位编码,编制数\n430203001,3.5\n"),
        "财政数据.csv:2 第 2 列: “编制数”应为不小于 0 的整数, 实为“3.5”"
    );
    assert_eq!(
        load_error("单位编码,单位名称,全年执行数(万元)\n,株洲市芦淞区科学技术协会,85.33\n"),
        "财政数据.csv:2: 该行没有单位编码或项目编码 (财政数据按编码核对)"
    );
}

#[test]
fn a_ledger_of_several_years_gives_the_row_of_the_units_year() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("决算.csv");
    std::fs::write(
        &path,
        "年度,单位编码,全年执行数(万元)\n2023,430203001,80.10\n2024,430203001,85.00\n2022,430203009,1\n",
    )
    .unwrap();
    let ledger = Ledger::load(&path).unwrap();
    let mut unit = seed().unit.clone();
    assert_eq!(ledger.entry_for(&unit).unwrap().spent, Some(dec!(85)));
    unit.year = 2023;
    assert_eq!(ledger.entry_for(&unit).unwrap().spent, Some(dec!(80.1)));
    unit.year = 2022;
    assert_eq!(ledger.entry_for(&unit), None);
    assert_eq!(
        ledger.not_found(&unit),
        "财政数据 (决算.csv) 中没有单位编码 430203001 的 2022 年度数据, 未核对"
    );
}

#[test]
fn an_xlsx_ledger_keyed_by_project_code_is_read_and_found() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("决算.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["项目编码", "项目名称", "调整后预算数/元", "支出数/元"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "51000021R000000019951").unwrap();
    sheet.write_string(1, 1, "科普经费").unwrap();
    sheet.write_number(1, 2, 198400.0).unwrap();
    sheet.write_number(1, 3, 198400.5).unwrap();
    book.save(&path).unwrap();
    let ledger = Ledger::load(&path).unwrap();
    let entry = &ledger.entries()[0];
    assert_eq!(entry.keyed_by, LedgerKey::Project);
    assert_eq!(entry.name.as_deref(), Some("科普经费"));
    assert_eq!(entry.full_year, Some(dec!(19.84)));
    assert_eq!(entry.spent, Some(dec!(19.84005)));
    assert_eq!(entry.at.to_string(), "决算.xlsx!Sheet1!A2");
    let mut unit = seed().unit.clone();
    unit.kind = EvaluationKind::Project;
    unit.project_code = Some("５１０００００２１Ｒ０００００００１９９５１".into());
    assert_eq!(ledger.entry_for(&unit), None, "one zero too many");
    unit.project_code = Some("５１００００２１Ｒ０００００００１９９５１".into());
    assert_eq!(ledger.entry_for(&unit), Some(entry));
}
