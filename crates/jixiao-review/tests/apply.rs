//! The reviewed scores applied to the sample unit (tests/fixtures/units/department/
//! lusong-kexie-2024.toml) under configs/hunan-department.toml, with the final totals and grades
//! computed by hand.
//!
//! The sample's leaves, as the engine scores them (points, score):
//!
//! ```text
//! input.planning.budget_control        预算控制率      5   2
//! input.planning.staffing_control      在职人员控制率   5   5
//! input.cost.three_public_change       三公经费变动率   8   0   (缺数据)
//! process.execution.budget_completion  预算完成率      5   4.953123168873784132192663776
//! process.execution.execution_rate     预算执行率     12  12
//! process.execution.carry_over         结转结余率      5   5
//! process.buildings.area               …面积控制率     5   5   (不适用, 满分)
//! process.buildings.investment         …投资概算控制率  5   5   (不适用, 满分)
//! process.compliance.funds             资金使用合规性   5   2.5
//! process.compliance.disclosure        预决算信息公开性 5   5
//! output.completion                    实际完成率     15  15
//! output.timeliness                    完成及时率      5   0   (不适用, 剔除折算)
//! output.quality                       质量达标率      5   0   (不适用, 剔除折算)
//! effect.benefits                      社会效益       10   0   (缺数据)
//! effect.satisfaction                  服务对象满意度   5   0   (缺数据)
//! ```
//!
//! Raw 61.453123168873784132192663776 over 100 − 10 = 90 available points: total
//! 61.4531… × 100 / 90 = 68.2812… → 68.28, 中 (60 ≤ 68.28 < 80).

use std::path::Path;

use jixiao_engine::Scorecard;
use jixiao_model::{EvaluationKind, SelfEvaluation};
use jixiao_review::apply::{ApplyError, apply, check_rule_set, refusals, same_unit, unknown_units};
use jixiao_review::{CellRef, FilledReview, ReviewedScore, UnitKey};
use jixiao_rules::{RuleSet, ValidRuleSet};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const WORKBOOK: &str = "复核表.xlsx";

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn rules() -> ValidRuleSet {
    RuleSet::load(&root().join("configs/hunan-department.toml"))
        .unwrap()
        .0
}

fn card(rules: &ValidRuleSet) -> Scorecard {
    let unit = SelfEvaluation::load(
        &root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"),
    )
    .unwrap();
    jixiao_engine::score(&unit, rules).unwrap()
}

fn cell(cell: &str) -> CellRef {
    CellRef {
        workbook: WORKBOOK.to_owned(),
        sheet: "复核".to_owned(),
        cell: cell.to_owned(),
    }
}

/// A score for the sample unit, in cell `at`, with a reason where given.
fn reviewed(indicator: &str, score: Decimal, reason: Option<&str>, at: &str) -> ReviewedScore {
    ReviewedScore {
        unit: UnitKey {
            name: "株洲市芦淞区科学技术协会".to_owned(),
            code: None,
            project: None,
            project_code: None,
            year: 2024,
            kind: EvaluationKind::Department,
        },
        indicator: indicator.to_owned(),
        score,
        reason: reason.map(str::to_owned),
        reviewer: "李明".to_owned(),
        date: Some("2025-03-10".to_owned()),
        at: cell(at),
    }
}

/// The whole sheet as a reviewer who changed nothing leaves it: every leaf at the system's score
/// as the workbook shows it (2 decimals), in F6, F7, … in the tree's order.
fn as_shown(card: &Scorecard) -> Vec<ReviewedScore> {
    card.leaves()
        .iter()
        .enumerate()
        .map(|(i, (_, leaf))| {
            reviewed(
                &leaf.id,
                leaf.score.round_dp(2),
                None,
                &format!("F{}", i + 6),
            )
        })
        .collect()
}

/// `sheet` with the score of `indicator` replaced.
fn with(
    mut sheet: Vec<ReviewedScore>,
    indicator: &str,
    score: Decimal,
    reason: Option<&str>,
) -> Vec<ReviewedScore> {
    let row = sheet.iter_mut().find(|s| s.indicator == indicator).unwrap();
    row.score = score;
    row.reason = reason.map(str::to_owned);
    sheet
}

fn refs(sheet: &[ReviewedScore]) -> Vec<&ReviewedScore> {
    sheet.iter().collect()
}

fn error(sheet: &[ReviewedScore]) -> String {
    let rules = rules();
    apply(&card(&rules), &rules, &refs(sheet))
        .unwrap_err()
        .to_string()
}

#[test]
fn the_sample_is_as_the_comments_say() {
    let rules = rules();
    let card = card(&rules);
    assert_eq!(card.total, dec!(68.28));
    assert_eq!(card.grade.as_deref(), Some("中"));
    let rescale = card.rescaled.as_ref().unwrap();
    assert_eq!(rescale.available, dec!(90));
    assert_eq!(rescale.raw, dec!(61.453123168873784132192663776));
    assert_eq!(card.leaves().len(), 15);
}

#[test]
fn a_sheet_left_as_shown_moves_nothing() {
    let rules = rules();
    let card = card(&rules);
    let out = apply(&card, &rules, &refs(&as_shown(&card))).unwrap();
    let review = out.review.as_ref().unwrap();
    // 预算完成率 shown as 4.95 is the system's 4.9531…: no change, the exact score kept.
    assert!(review.changes.is_empty());
    assert_eq!(review.total, dec!(68.28));
    assert_eq!(review.total_exact, card.total_exact);
    assert_eq!(review.grade.as_deref(), Some("中"));
    assert_eq!(review.reviewers, ["李明"]);
    let completion = out
        .indicator("process.execution.budget_completion")
        .unwrap();
    assert_eq!(
        completion.reviewed,
        Some(dec!(4.953123168873784132192663776))
    );
}

#[test]
fn execution_rate_12_to_10_gives_66_06() {
    let rules = rules();
    let card = card(&rules);
    let sheet = with(
        as_shown(&card),
        "process.execution.execution_rate",
        dec!(10),
        Some("  年中调整预算后执行进度未达序时要求 "),
    );
    let out = apply(&card, &rules, &refs(&sheet)).unwrap();
    let review = out.review.as_ref().unwrap();
    // Raw 61.453123168873784132192663776 − 2 = 59.453123168873784132192663776 over the same 90
    // points: × 100 / 90 = 66.0590257431930934… → 66.06, still 中.
    assert_eq!(review.total, dec!(66.06));
    assert_eq!(review.total_exact.round_dp(10), dec!(66.0590257432));
    assert_eq!(review.grade.as_deref(), Some("中"));
    let rescale = review.rescaled.as_ref().unwrap();
    assert_eq!(rescale.raw, dec!(59.453123168873784132192663776));
    assert_eq!(rescale.available, dec!(90));
    // The system's results stay beside the review.
    assert_eq!(out.total, dec!(68.28));
    assert_eq!(out.grade.as_deref(), Some("中"));

    // The one change, with its reason trimmed, reviewer, date and cell (execution_rate is the
    // fifth leaf: F10).
    assert_eq!(review.changes.len(), 1);
    let change = &review.changes[0];
    assert_eq!(change.indicator, "process.execution.execution_rate");
    assert_eq!(change.name, "预算执行率");
    assert_eq!(change.points, dec!(12));
    assert_eq!(change.system, dec!(12));
    assert_eq!(change.reviewed, dec!(10));
    assert_eq!(change.reason, "年中调整预算后执行进度未达序时要求");
    assert_eq!(change.reviewer, "李明");
    assert_eq!(change.date.as_deref(), Some("2025-03-10"));
    assert_eq!(change.at, "复核表.xlsx!复核!F10");

    // Groups: their reviewed leaves summed. 预算执行 4.9531… + 10 + 5 = 19.9531…; 过程
    // 19.9531… + 10 + 7.5 = 37.4531…; 投入 2 + 5 + 0 = 7.
    let group = |id: &str| out.indicator(id).unwrap().reviewed;
    assert_eq!(
        group("process.execution"),
        Some(dec!(19.953123168873784132192663776))
    );
    assert_eq!(group("process"), Some(dec!(37.453123168873784132192663776)));
    assert_eq!(group("input"), Some(dec!(7)));
    assert_eq!(group("output"), Some(dec!(15)));
}

#[test]
fn leaves_the_reviewer_did_not_change_keep_their_exact_scores() {
    let rules = rules();
    let card = card(&rules);
    let sheet = with(
        as_shown(&card),
        "process.execution.execution_rate",
        dec!(10),
        Some("执行进度未达序时要求"),
    );
    let out = apply(&card, &rules, &refs(&sheet)).unwrap();
    let before = card.leaves();
    let after = out.leaves();
    assert_eq!(before.len(), after.len());
    for ((_, was), (_, now)) in before.iter().zip(&after) {
        assert_eq!(now.id, was.id);
        // The system's score itself never moves.
        assert_eq!(now.score, was.score, "{}", now.id);
        if now.id == "process.execution.execution_rate" {
            assert_eq!(now.reviewed, Some(dec!(10)));
        } else {
            assert_eq!(now.reviewed, Some(was.score), "{}", now.id);
        }
    }
    // Nor does anything else of the system's card.
    let mut stripped = out.clone();
    stripped.review = None;
    fn clear(nodes: &mut [jixiao_engine::ScoredIndicator]) {
        for n in nodes {
            n.reviewed = None;
            clear(&mut n.children);
        }
    }
    clear(&mut stripped.indicators);
    assert_eq!(stripped, card);
}

#[test]
fn leaves_not_in_the_workbook_are_not_reviewed_and_count_at_the_system_score() {
    let rules = rules();
    let card = card(&rules);
    // Only one row filled: 资金使用合规性 2.5 → 4.
    let sheet = [reviewed(
        "process.compliance.funds",
        dec!(4),
        Some("整改已完成, 凭证齐全"),
        "F14",
    )];
    let out = apply(&card, &rules, &refs(&sheet)).unwrap();
    let review = out.review.as_ref().unwrap();
    // (61.4531… + 1.5) × 100 / 90 = 62.9531… × 100 / 90 = 69.9479… → 69.95, 中.
    assert_eq!(review.total, dec!(69.95));
    assert_eq!(review.grade.as_deref(), Some("中"));
    assert_eq!(
        out.indicator("process.compliance.funds").unwrap().reviewed,
        Some(dec!(4))
    );
    assert_eq!(
        out.indicator("process.compliance").unwrap().reviewed,
        Some(dec!(9))
    );
    assert_eq!(
        out.indicator("process").unwrap().reviewed,
        Some(dec!(40.953123168873784132192663776))
    );
    // Not reviewed: no reviewed score, on the leaf or its groups.
    assert_eq!(
        out.indicator("process.execution.execution_rate")
            .unwrap()
            .reviewed,
        None
    );
    assert_eq!(out.indicator("process.execution").unwrap().reviewed, None);
    assert_eq!(out.indicator("effect").unwrap().reviewed, None);
}

#[test]
fn a_review_can_raise_the_grade_a_band() {
    let rules = rules();
    let card = card(&rules);
    let sheet = with(
        with(
            as_shown(&card),
            "effect.benefits",
            dec!(10),
            Some("补充提供了科普活动成效材料"),
        ),
        "effect.satisfaction",
        dec!(5),
        Some("补充提供了满意度调查"),
    );
    let out = apply(&card, &rules, &refs(&sheet)).unwrap();
    let review = out.review.as_ref().unwrap();
    // (61.4531… + 10 + 5) × 100 / 90 = 76.4531… × 100 / 90 = 84.9479… → 84.95: 良 (80 ≤ … < 90).
    assert_eq!(review.total, dec!(84.95));
    assert_eq!(review.grade.as_deref(), Some("良"));
    assert_eq!(out.grade.as_deref(), Some("中"));
    let changed: Vec<&str> = review
        .changes
        .iter()
        .map(|c| c.indicator.as_str())
        .collect();
    assert_eq!(changed, ["effect.benefits", "effect.satisfaction"]);
    assert_eq!(out.indicator("effect").unwrap().reviewed, Some(dec!(15)));
}

#[test]
fn a_review_can_lower_the_grade_a_band() {
    let rules = rules();
    let card = card(&rules);
    let sheet = with(
        with(
            as_shown(&card),
            "process.execution.execution_rate",
            dec!(0),
            Some("执行数含未支付的挂账"),
        ),
        "output.completion",
        dec!(5),
        Some("仅完成年度计划的三分之一"),
    );
    let out = apply(&card, &rules, &refs(&sheet)).unwrap();
    let review = out.review.as_ref().unwrap();
    // (61.4531… − 12 − 10) × 100 / 90 = 39.4531… × 100 / 90 = 43.8368… → 43.84: 差 (< 60).
    assert_eq!(review.total, dec!(43.84));
    assert_eq!(review.grade.as_deref(), Some("差"));
}

#[test]
fn a_change_without_a_reason_is_refused_naming_the_cell() {
    let rules = rules();
    let card = card(&rules);
    let sheet = with(
        as_shown(&card),
        "process.execution.execution_rate",
        dec!(10),
        None,
    );
    assert_eq!(
        error(&sheet),
        "复核表.xlsx!复核!F10: 「预算执行率」复核得分 10 与系统得分 12 不同, 但未填复核意见"
    );
    // A blank reason is none; the system's score is named as shown (4.9531… as 4.95).
    let sheet = with(
        as_shown(&card),
        "process.execution.budget_completion",
        dec!(4),
        Some("  "),
    );
    assert_eq!(
        error(&sheet),
        "复核表.xlsx!复核!F9: 「预算完成率」复核得分 4 与系统得分 4.95 不同, 但未填复核意见"
    );
    let out = apply(&card, &rules, &refs(&sheet)).unwrap_err();
    assert!(matches!(
        out,
        ApplyError::NoReason { ref at, ref indicator, system, reviewed, .. }
            if at.cell == "F9"
                && indicator == "process.execution.budget_completion"
                && system == dec!(4.95)
                && reviewed == dec!(4)
    ));
}

#[test]
fn a_score_outside_its_points_is_refused() {
    let rules = rules();
    let card = card(&rules);
    let sheet = with(
        as_shown(&card),
        "process.execution.execution_rate",
        dec!(12.5),
        Some("多给"),
    );
    assert_eq!(
        error(&sheet),
        "复核表.xlsx!复核!F10: 「预算执行率」复核得分 12.5 超出分值范围 (应在 0 至 12 分之间)"
    );
    let sheet = with(as_shown(&card), "effect.benefits", dec!(-1), Some("倒扣"));
    assert_eq!(
        error(&sheet),
        "复核表.xlsx!复核!F19: 「社会效益」复核得分 -1 超出分值范围 (应在 0 至 10 分之间)"
    );
    // The bounds themselves are within.
    let sheet = with(
        as_shown(&card),
        "effect.benefits",
        dec!(10),
        Some("补充材料"),
    );
    assert!(apply(&card, &rules, &refs(&sheet)).is_ok());
}

#[test]
fn an_indicator_not_a_leaf_of_the_card_is_refused() {
    let rules = rules();
    let card = card(&rules);
    let mut sheet = as_shown(&card);
    sheet.push(reviewed("process.execution", dec!(20), Some("整组"), "F30"));
    assert_eq!(
        error(&sheet),
        "复核表.xlsx!复核!F30: 指标编号 process.execution 不是「株洲市芦淞区科学技术协会」评分表中的末级指标, 不能复核打分"
    );
    let sheet = [reviewed("process.nowhere", dec!(1), None, "F31")];
    assert_eq!(
        error(&sheet),
        "复核表.xlsx!复核!F31: 指标编号 process.nowhere 不是「株洲市芦淞区科学技术协会」评分表中的末级指标, 不能复核打分"
    );
}

#[test]
fn a_leaf_reviewed_twice_is_refused_naming_both_cells() {
    let rules = rules();
    let card = card(&rules);
    let mut sheet = as_shown(&card);
    sheet.push(reviewed(
        "process.execution.execution_rate",
        dec!(12),
        None,
        "F40",
    ));
    assert_eq!(
        error(&sheet),
        "复核表.xlsx!复核!F40: 「预算执行率」已在 复核表.xlsx!复核!F10 复核, 同一指标只能复核一次"
    );
}

#[test]
fn a_dropped_leaf_can_only_be_left_at_zero() {
    let rules = rules();
    let card = card(&rules);
    let sheet = with(
        as_shown(&card),
        "output.timeliness",
        dec!(3),
        Some("应当适用"),
    );
    assert_eq!(
        error(&sheet),
        "复核表.xlsx!复核!F17: 「完成及时率」不适用, 已剔除并按其余指标折算, 复核得分只能为 0 (填写的是 3)"
    );
}

#[test]
fn a_score_of_another_unit_is_refused() {
    let mut other = reviewed("effect.benefits", dec!(5), Some("补充材料"), "F50");
    other.unit.name = "株洲市芦淞区文联".to_owned();
    assert_eq!(
        error(&[other]),
        "复核表.xlsx!复核!F50: 该复核得分属于「株洲市芦淞区文联」, 不是「株洲市芦淞区科学技术协会」"
    );
}

#[test]
fn no_scores_is_no_review() {
    let rules = rules();
    let card = card(&rules);
    let out = apply(&card, &rules, &[]).unwrap();
    assert_eq!(out, card);
    assert!(out.review.is_none());
}

#[test]
fn applying_again_starts_from_the_systems_scores() {
    let rules = rules();
    let card = card(&rules);
    let first = [reviewed(
        "process.compliance.funds",
        dec!(4),
        Some("整改已完成"),
        "F14",
    )];
    let once = apply(&card, &rules, &refs(&first)).unwrap();
    let second = [reviewed(
        "effect.benefits",
        dec!(10),
        Some("补充材料"),
        "F19",
    )];
    let twice = apply(&once, &rules, &refs(&second)).unwrap();
    // Only the second review: (61.4531… + 10) × 100 / 90 = 79.3923… → 79.39.
    assert_eq!(twice.review.as_ref().unwrap().total, dec!(79.39));
    assert_eq!(
        twice
            .indicator("process.compliance.funds")
            .unwrap()
            .reviewed,
        None
    );
}

fn filled(id: &str, version: &str, scores: Vec<ReviewedScore>) -> FilledReview {
    FilledReview {
        rule_set_id: id.to_owned(),
        rule_set_version: version.to_owned(),
        scores,
    }
}

#[test]
fn a_review_of_another_rule_set_version_is_refused_naming_the_workbook() {
    let rules = rules();
    let card = card(&rules);
    assert_eq!(
        check_rule_set(
            &filled("hunan-department", "2024.1", as_shown(&card)),
            &rules
        ),
        Ok(())
    );
    let err = check_rule_set(
        &filled("hunan-department", "2023.2", as_shown(&card)),
        &rules,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "复核表.xlsx: 复核表按评分规则 hunan-department v2023.2 制作, 而本次评分规则是 hunan-department v2024.1, 不能套用"
    );
    let err = check_rule_set(&filled("hunan-project", "2024.1", Vec::new()), &rules).unwrap_err();
    assert_eq!(
        err.to_string(),
        "复核表: 复核表按评分规则 hunan-project v2024.1 制作, 而本次评分规则是 hunan-department v2024.1, 不能套用"
    );
}

#[test]
fn reviewed_units_not_in_the_round_are_listed_once_each() {
    let rules = rules();
    let card = card(&rules);
    let mut scores = as_shown(&card);
    let stranger = |name: &str, at: &str| {
        let mut s = reviewed("effect.benefits", dec!(0), None, at);
        s.unit.name = name.to_owned();
        s
    };
    scores.push(stranger("株洲市芦淞区文联", "F60"));
    scores.push(stranger("株洲市芦淞区文联", "F61"));
    scores.push(stranger("株洲市芦淞区侨联", "F70"));
    // The sample unit of another year is another unit too.
    let mut last_year = reviewed("effect.benefits", dec!(0), None, "F80");
    last_year.unit.year = 2023;
    scores.push(last_year);
    let review = filled("hunan-department", "2024.1", scores);
    let unknown: Vec<String> = unknown_units(&review, &[&card])
        .iter()
        .map(|s| ApplyError::unknown_unit(s).to_string())
        .collect();
    assert_eq!(
        unknown,
        [
            "复核表.xlsx!复核!F60: 复核表中的「株洲市芦淞区文联」不在本轮评分的单位中",
            "复核表.xlsx!复核!F70: 复核表中的「株洲市芦淞区侨联」不在本轮评分的单位中",
            "复核表.xlsx!复核!F80: 复核表中的「株洲市芦淞区科学技术协会」不在本轮评分的单位中",
        ]
    );
    assert!(
        unknown_units(
            &filled("hunan-department", "2024.1", as_shown(&card)),
            &[&card]
        )
        .is_empty()
    );
}

#[test]
fn units_match_by_code_where_both_have_one_else_by_name() {
    let key =
        |name: &str, code: Option<&str>, project: Option<&str>, project_code: Option<&str>| {
            UnitKey {
                name: name.to_owned(),
                code: code.map(str::to_owned),
                project: project.map(str::to_owned),
                project_code: project_code.map(str::to_owned),
                year: 2024,
                kind: EvaluationKind::Project,
            }
        };
    // The same code, the name written otherwise.
    assert!(same_unit(
        &key("芦淞区科协", Some("430203001"), None, None),
        &key("株洲市芦淞区科学技术协会", Some("430203001"), None, None)
    ));
    // Different codes, the same name.
    assert!(!same_unit(
        &key("芦淞区科协", Some("430203001"), None, None),
        &key("芦淞区科协", Some("430203002"), None, None)
    ));
    // One without a code: by name.
    assert!(same_unit(
        &key("芦淞区科协", Some("430203001"), None, None),
        &key(" 芦淞区科协", None, None, None)
    ));
    // Two projects of one unit: by their project codes, else their names.
    assert!(!same_unit(
        &key("芦淞区科协", Some("430203001"), Some("科普"), Some("P1")),
        &key("芦淞区科协", Some("430203001"), Some("科普"), Some("P2"))
    ));
    assert!(!same_unit(
        &key("芦淞区科协", Some("430203001"), Some("科普"), None),
        &key("芦淞区科协", Some("430203001"), Some("青少年科技"), None)
    ));
    assert!(same_unit(
        &key("芦淞区科协", Some("430203001"), Some("科普"), None),
        &key("芦淞区科协", Some("430203001"), Some("科普"), Some("P1"))
    ));
}

#[test]
fn a_card_scored_under_another_version_is_refused() {
    let rules = rules();
    let mut card = card(&rules);
    card.rule_set.version = "2023.2".to_owned();
    let sheet = [reviewed("effect.benefits", dec!(0), None, "F19")];
    assert_eq!(
        apply(&card, &rules, &refs(&sheet)).unwrap_err().to_string(),
        "「株洲市芦淞区科学技术协会」的评分表按评分规则 hunan-department v2023.2 计算, 不是 hunan-department v2024.1"
    );
}

#[test]
fn every_refusal_of_a_sheet_is_listed_in_its_order() {
    let rules = rules();
    let card = card(&rules);
    // F9 without a reason, F10 past its points, F10's leaf again in F40 (a leaf reviewed twice
    // even where its first score was refused), a group in F41; the rest as shown.
    let mut sheet = with(
        with(
            as_shown(&card),
            "process.execution.budget_completion",
            dec!(4),
            None,
        ),
        "process.execution.execution_rate",
        dec!(13),
        Some("多给"),
    );
    sheet.push(reviewed(
        "process.execution.execution_rate",
        dec!(12),
        None,
        "F40",
    ));
    sheet.push(reviewed("effect", dec!(0), None, "F41"));
    let listed: Vec<String> = refusals(&card, &rules, &refs(&sheet))
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        listed,
        [
            "复核表.xlsx!复核!F9: 「预算完成率」复核得分 4 与系统得分 4.95 不同, 但未填复核意见",
            "复核表.xlsx!复核!F10: 「预算执行率」复核得分 13 超出分值范围 (应在 0 至 12 分之间)",
            "复核表.xlsx!复核!F40: 「预算执行率」已在 复核表.xlsx!复核!F10 复核, 同一指标只能复核一次",
            "复核表.xlsx!复核!F41: 指标编号 effect 不是「株洲市芦淞区科学技术协会」评分表中的末级指标, 不能复核打分",
        ]
    );
    // apply refuses with the first.
    assert_eq!(error(&sheet), listed[0]);
    // A sheet apply takes has none.
    assert!(refusals(&card, &rules, &refs(&as_shown(&card))).is_empty());
}
