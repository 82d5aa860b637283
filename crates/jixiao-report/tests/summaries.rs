//! The summaries side by side (issue 13): every one ranked, with the unit's identity (单位编码,
//! 主管部门, 地区), the declared grade beside the computed one and the headers in Chinese; the
//! units grouped by 主管部门 and by 地区 with each group's grade distribution, average and lowest
//! total; summary.xlsx with the unit's own scores per indicator beside the recomputed ones. The
//! figures are worked out by hand in the comments.

mod common;

use std::io::{Cursor, Read as _};

use calamine::{Data, Reader as _, Xlsx};
use jixiao_engine::Scorecard;
use jixiao_report::xlsx::{IndicatorColumn, SummaryWorkbook};
use jixiao_report::{Group, GroupBy, SummaryRow, UnitSummary};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn grades() -> Vec<String> {
    ["优", "良", "中", "差"].map(String::from).to_vec()
}

const EDUCATION: &str = "株洲市芦淞区教育局";
const HEALTH: &str = "株洲市芦淞区卫生健康局";
const LUSONG: &str = "湖南省株洲市芦淞区";
const TIANYUAN: &str = "湖南省株洲市天元区";

/// Five units and one that failed:
///
/// | unit | total | grade | 主管部门 | 地区 | rank |
/// |---|---|---|---|---|---|
/// | 甲 | 92.5 | 优 | 教育局 | 芦淞区 | 1 |
/// | 乙 | 85 | 良 | 教育局 | 天元区 | 2 |
/// | 丙 | 85 | 良 | 卫生健康局 | — | 2 |
/// | 丁 | 70 | 中 | — | 芦淞区 | 4 |
/// | 戊 | 55 | 差 | 教育局 | 芦淞区 | 5 |
fn rows() -> Vec<SummaryRow> {
    let card = common::sample_card();
    let unit = |name: &str,
                total: Decimal,
                grade: &str,
                supervisor: Option<&str>,
                region: Option<&str>| {
        let mut s = UnitSummary::of(&card);
        s.unit = name.to_owned();
        s.code = Some(format!("DW-{name}"));
        s.total = total;
        s.grade = Some(grade.to_owned());
        s.supervisor = supervisor.map(str::to_owned);
        s.region = region.map(str::to_owned);
        s.declared_total = None;
        s.declared_grade = None;
        s.gap = None;
        s.hard = 0;
        s.soft = 0;
        SummaryRow {
            source: format!("{name}.toml"),
            outcome: Ok(s),
        }
    };
    let mut first = unit("甲", dec!(92.5), "优", Some(EDUCATION), Some(LUSONG));
    if let Ok(s) = &mut first.outcome {
        s.declared_total = Some(dec!(95));
        s.declared_grade = Some("优".to_owned());
        s.gap = Some(dec!(2.5));
    }
    vec![
        unit("戊", dec!(55), "差", Some(EDUCATION), Some(LUSONG)),
        SummaryRow {
            source: "坏.xls".to_owned(),
            outcome: Err("坏.xls: 无法读取".to_owned()),
        },
        unit("乙", dec!(85), "良", Some(EDUCATION), Some(TIANYUAN)),
        first,
        unit("丙", dec!(85), "良", Some(HEALTH), None),
        unit("丁", dec!(70), "中", None, Some(LUSONG)),
    ]
}

fn group(name: &str, units: usize, counts: [usize; 4], average: Decimal, lowest: Decimal) -> Group {
    Group {
        name: name.to_owned(),
        units,
        grades: grades().into_iter().zip(counts).collect(),
        average,
        lowest,
    }
}

#[test]
fn units_are_grouped_by_supervisor_and_by_region_in_name_order() {
    let rows = rows();
    // 卫 (U+536B) sorts before 教 (U+6559); the units naming none last. 教育局: (92.5 + 85 +
    // 55) / 3 = 77.5.
    assert_eq!(
        jixiao_report::groups(&rows, GroupBy::Supervisor, &grades()),
        [
            group(HEALTH, 1, [0, 1, 0, 0], dec!(85), dec!(85)),
            group(EDUCATION, 3, [1, 1, 0, 1], dec!(77.5), dec!(55)),
            group("（未填主管部门）", 1, [0, 0, 1, 0], dec!(70), dec!(70)),
        ]
    );
    // 天 (U+5929) before 芦 (U+82A6). 芦淞区: (92.5 + 70 + 55) / 3 = 72.5.
    assert_eq!(
        jixiao_report::groups(&rows, GroupBy::Region, &grades()),
        [
            group(TIANYUAN, 1, [0, 1, 0, 0], dec!(85), dec!(85)),
            group(LUSONG, 3, [1, 0, 1, 1], dec!(72.5), dec!(55)),
            group("（未填地区）", 1, [0, 1, 0, 0], dec!(85), dec!(85)),
        ]
    );
}

#[test]
fn an_average_is_exact_and_shown_at_two_decimals() {
    let mut rows = rows();
    rows.truncate(3);
    // 戊 55 and 乙 85 under 教育局 (the failed row has no group)... and a third at 80: 220 / 3.
    let mut third = rows[2].clone();
    if let Ok(s) = &mut third.outcome {
        s.total = dec!(80);
    }
    rows.push(third);
    let education = &jixiao_report::groups(&rows, GroupBy::Supervisor, &grades())[0];
    assert_eq!(education.units, 3);
    assert_eq!(education.average * Decimal::from(3), dec!(220));
    let md = jixiao_report::summary_markdown(&rows, &[], &grades());
    assert!(
        md.contains(&format!(
            "| {EDUCATION} | 3 | 0 | 2 | 0 | 1 | 73.33 | 55.00 |"
        )),
        "{md}"
    );
}

#[test]
fn the_csv_is_ranked_with_chinese_headers_and_the_units_identity() {
    let csv = jixiao_report::summary_csv(&rows());
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "排名,来源,单位,单位编码,主管部门,地区,年度,类型,复核总分,等级,自评总分,自评等级,差,硬性问题,提示,读取完整度,错误",
            &format!(
                "1,甲.toml,甲,DW-甲,{EDUCATION},{LUSONG},2024,部门整体支出,92.50,优,95.00,优,2.50,0,0,,"
            ),
            &format!(
                "2,乙.toml,乙,DW-乙,{EDUCATION},{TIANYUAN},2024,部门整体支出,85.00,良,,,,0,0,,"
            ),
            &format!("2,丙.toml,丙,DW-丙,{HEALTH},,2024,部门整体支出,85.00,良,,,,0,0,,"),
            &format!("4,丁.toml,丁,DW-丁,,{LUSONG},2024,部门整体支出,70.00,中,,,,0,0,,"),
            &format!("5,戊.toml,戊,DW-戊,{EDUCATION},{LUSONG},2024,部门整体支出,55.00,差,,,,0,0,,"),
            ",坏.xls,,,,,,,,,,,,,,,坏.xls: 无法读取",
        ]
    );
}

#[test]
fn project_columns_appear_where_a_unit_has_a_project() {
    let mut rows = rows();
    if let Ok(s) = &mut rows[0].outcome {
        s.project = Some("全民健身".to_owned());
        s.project_code = Some("XM-01".to_owned());
    }
    let csv = jixiao_report::summary_csv(&rows);
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some(
            "排名,来源,单位,单位编码,项目,项目编码,主管部门,地区,年度,类型,复核总分,等级,自评总分,自评等级,差,硬性问题,提示,读取完整度,错误"
        )
    );
    assert!(csv.contains(",戊,DW-戊,全民健身,XM-01,"), "{csv}");
    let md = jixiao_report::summary_markdown(&rows, &[], &grades());
    assert!(md.contains("| 5 | 戊 | DW-戊 | 全民健身 | XM-01 |"), "{md}");
}

#[test]
fn the_markdown_summary_ranks_and_groups() {
    let md = jixiao_report::summary_markdown(&rows(), &[], &grades());
    for line in [
        "| 排名 | 单位 | 单位编码 | 主管部门 | 地区 | 年度 | 类型 | 复核总分 | 等级 | 自评总分 | 自评等级 | 差 | 硬性问题 | 提示 | 读取完整度 | 来源 |",
        &format!(
            "| 1 | 甲 | DW-甲 | {EDUCATION} | {LUSONG} | 2024 | 部门整体支出 | 92.50 | 优 | 95.00 | 优 | +2.50 | 0 | 0 | — | 甲.toml |"
        ),
        &format!(
            "| 2 | 丙 | DW-丙 | {HEALTH} | — | 2024 | 部门整体支出 | 85.00 | 良 | — | — | — | 0 | 0 | — | 丙.toml |"
        ),
        "## 按主管部门",
        "| 主管部门 | 单位数 | 优 | 良 | 中 | 差 | 平均分 | 最低分 |",
        &format!("| {HEALTH} | 1 | 0 | 1 | 0 | 0 | 85.00 | 85.00 |"),
        &format!("| {EDUCATION} | 3 | 1 | 1 | 0 | 1 | 77.50 | 55.00 |"),
        "| （未填主管部门） | 1 | 0 | 0 | 1 | 0 | 70.00 | 70.00 |",
        "## 按地区",
        &format!("| {TIANYUAN} | 1 | 0 | 1 | 0 | 0 | 85.00 | 85.00 |"),
        &format!("| {LUSONG} | 3 | 1 | 0 | 1 | 1 | 72.50 | 55.00 |"),
        "| （未填地区） | 1 | 0 | 1 | 0 | 0 | 85.00 | 85.00 |",
        // The error without its source again in front.
        "- `坏.xls`: 无法读取",
    ] {
        assert!(md.lines().any(|l| l == line), "no line {line} in\n{md}");
    }
    // Ranked: 甲 before 乙 before 丙 (tied, in input order) before 丁 and 戊.
    let at = |name: &str| md.find(&format!("| {name} | DW-")).unwrap();
    assert!(
        at("甲") < at("乙") && at("乙") < at("丙") && at("丙") < at("丁") && at("丁") < at("戊")
    );
}

#[test]
fn index_html_ranks_groups_and_shows_the_declared_grade() {
    let rows = rows();
    let card = common::sample_card();
    let findings = jixiao_report::html::FindingCounts::default();
    let grades = grades();
    let info = jixiao_report::html::BatchInfo {
        rule_set: &card.rule_set,
        grades: &grades,
        findings: &findings,
        notes: &[],
        bureau: Some("株洲市芦淞区财政局"),
    };
    let html = jixiao_report::html::index(&info, &rows, &vec![None; rows.len()]);
    let figures = |cells: &[&str]| -> String {
        cells
            .iter()
            .map(|c| format!("<td class=\"n\">{c}</td>"))
            .collect()
    };
    for expected in [
        "<h2>按主管部门</h2>".to_owned(),
        "<h2>按地区</h2>".to_owned(),
        "<th>主管部门</th><th>单位数</th><th>优</th><th>良</th><th>中</th><th>差</th><th>平均分</th><th>最低分</th>".to_owned(),
        format!("<td>{EDUCATION}</td>{}", figures(&["3", "1", "1", "0", "1", "77.50", "55.00"])),
        "<td>（未填地区）</td>".to_owned(),
        // 甲: rank 1, its code, its 主管部门 and 地区, its total and grade beside its own.
        format!("<td class=\"n\">1</td><td>甲<div class=\"src muted\" title=\"甲.toml\">甲.toml</div></td><td>DW-甲</td><td>{EDUCATION}</td><td>{LUSONG}</td><td class=\"n\">92.50</td><td>优</td><td class=\"n\">95.00</td><td>优</td><td class=\"n over\">+2.50</td>"),
        "@top-left{content:\"株洲市芦淞区财政局 · 绩效自评复核报告\"".to_owned(),
    ] {
        assert!(html.contains(&expected), "no {expected} in\n{html}");
    }
}

/// The engine's self-score fixture scored: 预算执行率 9.5 (its own 9), 产出指标 27 (its own
/// 28.5), 群众满意度 54 (its own 48); total 90.5, declared 68 (crates/jixiao-engine/tests/
/// fixtures).
fn self_score_card() -> Scorecard {
    let here = common::root().join("crates/jixiao-engine/tests/fixtures");
    let unit = jixiao_model::SelfEvaluation::load(&here.join("self-scores.unit.toml")).unwrap();
    let (rules, _) = jixiao_rules::RuleSet::load(&here.join("self-scores.rules.toml")).unwrap();
    jixiao_engine::score(&unit, &rules).unwrap()
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn summary_xlsx_has_the_self_scores_beside_the_recomputed_ones_and_the_groups() {
    let card = self_score_card();
    let columns = ["execution", "output", "effect"]
        .map(|id| IndicatorColumn {
            id: id.into(),
            header: id.into(),
        })
        .to_vec();
    let mut workbook = SummaryWorkbook::new(columns, grades(), 2024).unwrap();
    workbook.add_unit("self.toml", &card).unwrap();
    let mut rows = rows();
    rows.push(SummaryRow {
        source: "self.toml".into(),
        outcome: Ok(UnitSummary::of(&card)),
    });
    let bytes = workbook.finish(&rows, &[]).unwrap();
    let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(
        xlsx.sheet_names(),
        [
            "汇总",
            "按主管部门",
            "按地区",
            "指标得分",
            "自评对照",
            "发现问题"
        ]
    );
    let row = |sheet: &calamine::Range<Data>, r: usize| -> Vec<Data> {
        (0..sheet.width())
            .map(|c| sheet.get((r, c)).cloned().unwrap_or(Data::Empty))
            .collect()
    };
    let f = Data::Float;
    let s = |t: &str| Data::String(t.to_owned());
    let scores = xlsx.worksheet_range("指标得分").unwrap();
    assert_eq!(
        row(&scores, 0),
        [
            s("来源"),
            s("单位"),
            s("复核总分"),
            s("execution"),
            s("output"),
            s("effect")
        ]
    );
    assert_eq!(
        row(&scores, 1),
        [
            s("self.toml"),
            s("测试单位"),
            f(90.5),
            f(9.5),
            f(27.0),
            f(54.0)
        ]
    );
    let own = xlsx.worksheet_range("自评对照").unwrap();
    assert_eq!(
        row(&own, 0),
        [
            s("来源"),
            s("单位"),
            s("自评总分"),
            s("execution"),
            s("output"),
            s("effect")
        ]
    );
    assert_eq!(
        row(&own, 1),
        [
            s("self.toml"),
            s("测试单位"),
            f(68.0),
            f(9.0),
            f(28.5),
            f(48.0)
        ]
    );
    // 产出指标 is the one the unit scored higher than the recomputed score: its cell alone shaded.
    let sheet = part(&bytes, "xl/worksheets/sheet5.xml");
    let style = |cell: &str| {
        let at = sheet.find(&format!("<c r=\"{cell}\"")).unwrap();
        let tag = &sheet[at..at + sheet[at..].find('>').unwrap()];
        tag.split("s=\"")
            .nth(1)
            .map(|s| s[..s.find('"').unwrap()].to_owned())
    };
    assert_ne!(style("E2"), style("D2"));
    assert_eq!(style("D2"), style("F2"));
    assert_eq!(style("C2"), style("D2"));

    let summary = xlsx.worksheet_range("汇总").unwrap();
    assert_eq!(
        row(&summary, 0),
        [
            "排名",
            "来源",
            "单位",
            "单位编码",
            "项目",
            "项目编码",
            "主管部门",
            "地区",
            "年度",
            "类型",
            "复核总分",
            "等级",
            "自评总分",
            "自评等级",
            "自评−复核",
            "硬性问题",
            "提示",
            "读取完整度",
            "错误"
        ]
        .map(s)
    );
    // 测试单位 (90.5) ranks second after 甲 (92.5); it declared 68 中.
    let second = row(&summary, 2);
    assert_eq!(second[0], f(2.0));
    assert_eq!(
        second[2..8],
        [
            s("测试单位"),
            s("DW001"),
            s("测试项目"),
            s("XM001"),
            s("测试主管部门"),
            s("测试省测试市")
        ]
    );
    assert_eq!(
        second[10..15],
        [f(90.5), s("优"), f(68.0), s("中"), f(-22.5)]
    );

    let by_supervisor = xlsx.worksheet_range("按主管部门").unwrap();
    assert_eq!(
        row(&by_supervisor, 0),
        [
            "主管部门",
            "单位数",
            "优",
            "良",
            "中",
            "差",
            "平均分",
            "最低分"
        ]
        .map(s)
    );
    // 株洲市芦淞区… sorts before 测试主管部门 (株 U+682A, 测 U+6D4B).
    let education = row(&by_supervisor, 2);
    assert_eq!(
        education,
        [
            s(EDUCATION),
            f(3.0),
            f(1.0),
            f(1.0),
            f(0.0),
            f(1.0),
            f(77.5),
            f(55.0)
        ]
    );
    assert_eq!(
        row(&by_supervisor, 3),
        [
            s("测试主管部门"),
            f(1.0),
            f(1.0),
            f(0.0),
            f(0.0),
            f(0.0),
            f(90.5),
            f(90.5)
        ]
    );
    assert_eq!(row(&by_supervisor, 4)[0], s("（未填主管部门）"));
    let by_region = xlsx.worksheet_range("按地区").unwrap();
    // 测试省测试市 (测 U+6D4B) before 湖南省… (湖 U+6E56); 天元区 before 芦淞区.
    assert_eq!(
        row(&by_region, 3),
        [
            s(LUSONG),
            f(3.0),
            f(1.0),
            f(0.0),
            f(1.0),
            f(1.0),
            f(72.5),
            f(55.0)
        ]
    );
}

#[test]
fn the_json_scorecard_has_each_leafs_self_score_and_gap_and_the_identity() {
    let card = self_score_card();
    let json: serde_json::Value = serde_json::from_str(&jixiao_report::json(&card)).unwrap();
    assert_eq!(json["unit"]["code"], "DW001");
    assert_eq!(json["unit"]["supervisor"], "测试主管部门");
    assert_eq!(json["unit"]["region"], "测试省测试市");
    assert_eq!(json["unit"]["project_code"], "XM001");
    let quality = &json["indicators"][1]["children"][1];
    assert_eq!(quality["id"], "output[2]");
    // Shown at 2 decimals, the exact values beside: 9 of 10 scaled to 15, 9 × 15 / 10 = 13.5.
    assert_eq!(quality["score"], "12.00");
    assert_eq!(quality["score_exact"], "12");
    assert_eq!(quality["self_score"], "13.50");
    assert_eq!(quality["self_score_exact"], "13.5");
    assert_eq!(quality["self_score_gap"], "1.50");
    assert_eq!(quality["self_score_gap_exact"], "1.5");
    assert_eq!(quality["self_score_from"]["score"], "9.00");
    assert_eq!(quality["self_score_from"]["score_exact"], "9");
    assert_eq!(quality["self_score_from"]["points"], "10.00");
    assert_eq!(quality["self_score_from"]["points_exact"], "10");
    assert_eq!(json["declared"]["grade"], "中");
    // A unit without an identity beyond its name: no empty keys.
    let sample: serde_json::Value =
        serde_json::from_str(&jixiao_report::json(&common::sample_card())).unwrap();
    assert!(
        sample["unit"].get("supervisor").is_none(),
        "{}",
        sample["unit"]
    );
}

#[test]
fn every_scorecard_shows_the_self_score_beside_the_recomputed_one() {
    let card = self_score_card();
    let md = jixiao_report::markdown(&card);
    assert!(
        md.contains("| 　完成质量 | 15 | 12.00 | 13.50 | +1.50 |"),
        "{md}"
    );
    assert!(
        md.contains("| **产出指标** | 30 | 27.00 | 28.50 | +1.50 |"),
        "{md}"
    );
    assert!(
        md.contains("| 预算执行率 | 10 | 9.50 | 9.00 | -0.50 |"),
        "{md}"
    );
    assert!(
        md.contains("| **合计** | 100 | **90.50** | 68.00 | -22.50 | 等级 优 (自评等级 中) |"),
        "{md}"
    );
    assert!(
        md.contains("自评表 9 / 10 分, 按分值 15 折算为 13.50"),
        "{md}"
    );
    assert!(
        md.contains("- 自评总分 68.00, 自评等级 中, 差 -22.50"),
        "{md}"
    );
    assert!(md.contains("| 完成质量 (output[2]) |"), "{md}");

    let terminal = jixiao_report::terminal(&card, 200);
    let line = terminal.lines().find(|l| l.contains("完成质量")).unwrap();
    let cells: Vec<&str> = line.split(['│', '┆']).map(str::trim).collect();
    assert_eq!(
        cells[1..6],
        ["完成质量", "15", "12.00", "13.50", "+1.50"],
        "{terminal}"
    );
    assert!(
        terminal
            .contains("复核总分 90.50 / 100  等级 优  (自评总分 68.00, 自评等级 中, 差 -22.50)")
    );

    let html = jixiao_report::html::scorecard(&card, "../index.html", None, None);
    assert!(
        html.contains("<td class=\"n\">15</td><td class=\"n\">12.00</td><td class=\"n\">13.50</td><td class=\"n over\">+1.50</td>"),
        "{html}"
    );
    assert!(html.contains("单位编码 DW001"), "{html}");
    assert!(html.contains("主管部门 测试主管部门"), "{html}");
    assert!(
        html.contains("自评总分 68.00, 自评等级 中, 差 -22.50"),
        "{html}"
    );
    assert!(html.contains("等级 优, 自评等级 中"), "{html}");
}

/// The page's running header names the bureau and the rule set, escaped for a CSS string.
#[test]
fn the_bureaus_name_is_written_safely_into_the_print_header() {
    let card = self_score_card();
    let html =
        jixiao_report::html::scorecard(&card, "i.html", Some("某\"局</style><script>"), None);
    assert!(!html.contains("</style><script>"), "{html}");
    assert!(
        html.contains(r#"@top-left{content:"某\"局\3c /style>\3c script> · 测试单位 2024年""#),
        "{html}"
    );
    assert!(
        html.contains(r#"@top-right{content:"自评对照测试 (v1)""#),
        "{html}"
    );
}
