//! The review summary rendered: Markdown, CSV and the workbook's sheet, by hand.

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};
use jixiao_model::EvaluationKind;
use jixiao_report::review_summary::{ReviewTable, add_sheet, csv, markdown};
use jixiao_review::UnitKey;
use jixiao_review::summary::{Change, Kept, ReviewSummary, UnitOutcome, summarise};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn key(n: u32) -> UnitKey {
    UnitKey {
        name: format!("单位{n}"),
        code: Some(format!("U{n}")),
        project: None,
        project_code: None,
        year: 2025,
        kind: EvaluationKind::Department,
    }
}

fn change(unit: u32, system: Decimal, reviewed: Decimal, reason: &str) -> Change {
    Change {
        unit: key(unit),
        indicator: "process.execution".to_owned(),
        indicator_name: "预算执行率".to_owned(),
        points: dec!(5),
        system,
        reviewed,
        reason: reason.to_owned(),
        reviewer: "甲".to_owned(),
    }
}

fn kept(unit: u32) -> Kept {
    Kept {
        unit: key(unit),
        indicator: "process.execution".to_owned(),
        indicator_name: "预算执行率".to_owned(),
        points: dec!(5),
        score: dec!(5),
        reviewer: "乙".to_owned(),
    }
}

fn outcome(unit: u32, system: (Decimal, &str), last: (Decimal, &str)) -> UnitOutcome {
    UnitOutcome {
        unit: key(unit),
        supervisor: Some("教育局".to_owned()),
        system_total: system.0,
        system_grade: Some(system.1.to_owned()),
        final_total: last.0,
        final_grade: Some(last.1.to_owned()),
        declared_grade: Some("优".to_owned()),
    }
}

/// 甲 deducts 2 and 1 on 预算执行率 (units 1 and 2; the second reason would be a formula and
/// holds a pipe), 乙 keeps units 3 and 4; unit 1 goes from 优 to 良.
fn summary() -> ReviewSummary {
    summarise(
        &[
            change(1, dec!(5), dec!(3), "执行率计算口径有误"),
            change(2, dec!(4), dec!(3), "=口径|有误"),
        ],
        &[kept(3), kept(4)],
        &[
            outcome(1, (dec!(91), "优"), (dec!(89), "良")),
            outcome(2, (dec!(80), "良"), (dec!(79), "良")),
        ],
        Decimal::ONE,
    )
    .unwrap()
}

const MARKDOWN: &str = "\
# 复核汇总

复核 2 个单位的 4 项指标得分, 改动 2 项, 1 个单位的等级因复核改变。扣减 = 系统得分 − 复核得分, 负数为调增。

## 按指标

平均扣减按改动项计。

| 指标 | 指标编号 | 分值 | 复核单位数 | 改动 | 调减 | 调增 | 扣减合计 | 平均扣减 |
|---|---|---:|---:|---:|---:|---:|---:|---:|
| 预算执行率 | process.execution | 5.00 | 4 | 2 | 2 | 0 | +3.00 | +1.50 |

## 按复核意见

复核意见按原文 (去掉首尾空白) 归并。

| 复核意见 | 改动 | 涉及指标 | 扣减合计 | 平均扣减 |
|---|---:|---|---:|---:|
| 执行率计算口径有误 | 1 | 预算执行率 | +2.00 | +2.00 |
| =口径\\|有误 | 1 | 预算执行率 | +1.00 | +1.00 |

## 等级变化

| 单位 | 单位编码 | 主管部门 | 系统总分 | 系统等级 | 复核后总分 | 复核后等级 | 总分变动 | 自评等级 |
|---|---|---|---:|---|---:|---|---:|---|
| 单位1 | U1 | 教育局 | 91.00 | 优 | 89.00 | 良 | -2.00 | 优 |

## 复核人对照

同一指标有两位及以上复核人时, 比较每人的平均扣减 (其复核的全部单位, 未改动的计 0) 与其他复核人合计的平均扣减; 相差超过 1.00 分的标为偏严或偏宽。只有两位复核人时, 两人相差即同时标出, 说明两人尺度不一, 不说明谁对。

| 指标 | 指标编号 | 复核人 | 复核单位数 | 改动 | 平均扣减 | 其他复核人平均扣减 | 相差 | 提示 |
|---|---|---|---:|---:|---:|---:|---:|---|
| 预算执行率 | process.execution | 乙 | 2 | 0 | 0.00 | +1.50 | -1.50 | 偏宽 |
| 预算执行率 | process.execution | 甲 | 2 | 2 | +1.50 | 0.00 | +1.50 | 偏严 |
";

#[test]
fn markdown_by_hand() {
    assert_eq!(markdown(&summary()), MARKDOWN);
}

#[test]
fn an_empty_review_says_so_in_each_section() {
    let empty = summarise(&[], &[], &[], Decimal::ONE).unwrap();
    let md = markdown(&empty);
    for line in [
        "复核 0 个单位的 0 项指标得分, 改动 0 项, 0 个单位的等级因复核改变。",
        "\n没有复核得分。\n",
        "\n复核没有改动任何得分。\n",
        "\n复核没有改变任何单位的等级。\n",
        "\n没有两位及以上复核人共同复核的指标。\n",
    ] {
        assert!(md.contains(line), "{line:?} not in\n{md}");
    }
    assert!(!md.contains('|'));
    assert_eq!(
        csv(&empty, ReviewTable::ByReason),
        "\u{feff}复核意见,改动,涉及指标,扣减合计,平均扣减\n"
    );
}

#[test]
fn csv_one_table_each() {
    let s = summary();
    assert_eq!(
        csv(&s, ReviewTable::ByIndicator),
        "\u{feff}指标,指标编号,分值,复核单位数,改动,调减,调增,扣减合计,平均扣减\n\
         预算执行率,process.execution,5.00,4,2,2,0,3.00,1.50\n"
    );
    // The reason that would be a formula starts with an apostrophe.
    assert_eq!(
        csv(&s, ReviewTable::ByReason),
        "\u{feff}复核意见,改动,涉及指标,扣减合计,平均扣减\n\
         执行率计算口径有误,1,预算执行率,2.00,2.00\n\
         '=口径|有误,1,预算执行率,1.00,1.00\n"
    );
    assert_eq!(
        csv(&s, ReviewTable::GradeChanges),
        "\u{feff}单位,单位编码,主管部门,系统总分,系统等级,复核后总分,复核后等级,总分变动,自评等级\n\
         单位1,U1,教育局,91.00,优,89.00,良,-2.00,优\n"
    );
    assert_eq!(
        csv(&s, ReviewTable::Reviewers),
        "\u{feff}指标,指标编号,复核人,复核单位数,改动,平均扣减,其他复核人平均扣减,相差,提示\n\
         预算执行率,process.execution,乙,2,0,0.00,1.50,-1.50,偏宽\n\
         预算执行率,process.execution,甲,2,2,1.50,0.00,1.50,偏严\n"
    );
    let names: Vec<String> = ReviewTable::ALL.iter().map(|t| t.file_name()).collect();
    assert_eq!(
        names,
        [
            "复核汇总-按指标.csv",
            "复核汇总-按复核意见.csv",
            "复核汇总-等级变化.csv",
            "复核汇总-复核人对照.csv",
        ]
    );
}

#[test]
fn project_columns_only_with_a_project() {
    let mut unit = outcome(7, (dec!(70), "中"), (dec!(59), "差"));
    unit.unit.project = Some("校舍维修".to_owned());
    unit.unit.project_code = Some("P7".to_owned());
    unit.unit.kind = EvaluationKind::Project;
    let s = summarise(&[], &[], &[unit], Decimal::ONE).unwrap();
    assert_eq!(
        csv(&s, ReviewTable::GradeChanges),
        "\u{feff}单位,单位编码,项目,项目编码,主管部门,系统总分,系统等级,复核后总分,复核后等级,总分变动,自评等级\n\
         单位7,U7,校舍维修,P7,教育局,70.00,中,59.00,差,-11.00,优\n"
    );
}

#[test]
fn the_sheet_read_back() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    add_sheet(&mut workbook, &summary()).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(xlsx.sheet_names(), ["复核汇总"]);
    let range = xlsx.worksheet_range("复核汇总").unwrap();
    let at = |row: u32, col: u32| range.get_value((row, col)).cloned().unwrap_or(Data::Empty);
    let s = |t: &str| Data::String(t.to_owned());
    assert_eq!(at(0, 0), s("复核汇总"));
    // Titles: 按指标 at row 4 (1-based), 按复核意见 at 9, 等级变化 at 15, 复核人对照 at 19.
    assert_eq!(
        [at(3, 0), at(8, 0), at(14, 0), at(18, 0)],
        [s("按指标"), s("按复核意见"), s("等级变化"), s("复核人对照")]
    );
    assert_eq!(at(5, 0), s("指标"));
    assert_eq!(at(6, 0), s("预算执行率"));
    assert_eq!(at(6, 3), Data::Float(4.0));
    assert_eq!(at(6, 7), Data::Float(3.0));
    assert_eq!(at(6, 8), Data::Float(1.5));
    assert_eq!(at(12, 0), s("=口径|有误"));
    assert_eq!(at(16, 0), s("单位1"));
    assert_eq!(at(16, 7), Data::Float(-2.0));
    assert_eq!(at(20, 2), s("复核人"));
    assert_eq!(
        [at(21, 2), at(21, 7), at(21, 8)],
        [s("乙"), Data::Float(-1.5), s("偏宽")]
    );
    assert_eq!(
        [at(22, 2), at(22, 5), at(22, 8)],
        [s("甲"), Data::Float(1.5), s("偏严")]
    );
}
