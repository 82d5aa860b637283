//! Every rule set in `configs/` scored against every fixture unit of its kind, as reviewed
//! snapshots (JSON and Markdown), beside assertions of the key numbers computed by hand.

use jixiao_engine::fmt::round;
use jixiao_engine::{EngineRule, RuleId, Scorecard, ScoredIndicator, Severity, Status};
use jixiao_model::EvaluationKind;
use jixiao_rules::{CheckId, RuleSet, ValidRuleSet};
use jixiao_tests::{config, load_plugins, load_rules, load_unit, root, rule_sets, sample};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// Structural truths of any scorecard: groups add up, leaves stay within their points, the
/// total is the sum (or the rescaled sum) of the top level, and the grade is the band's.
fn assert_consistent(card: &Scorecard, rules: &RuleSet) {
    fn walk(node: &ScoredIndicator) {
        assert!(
            node.score >= Decimal::ZERO && node.score <= node.points,
            "{}: score {} outside [0, {}]",
            node.id,
            node.score,
            node.points
        );
        if !node.children.is_empty() {
            let sum: Decimal = node.children.iter().map(|c| c.score).sum();
            assert_eq!(node.score, sum, "{}: children do not add up", node.id);
            node.children.iter().for_each(walk);
        }
    }
    card.indicators.iter().for_each(walk);
    let raw: Decimal = card.indicators.iter().map(|i| i.score).sum();
    match &card.rescaled {
        None => assert_eq!(card.total_exact, raw),
        Some(r) => {
            assert_eq!(r.raw, raw);
            assert_eq!(card.total_exact, raw * card.points / r.available);
        }
    }
    assert_eq!(card.total, round(card.total_exact, rules.score_decimals));
    assert_eq!(
        card.grade.as_ref(),
        Some(&rules.grade_for(card.total).unwrap().name)
    );
}

#[test]
fn every_rule_set_against_every_fixture_of_its_kind() {
    let rule_sets: Vec<(ValidRuleSet, Option<jixiao_plugin_host::Plugins>)> = rule_sets()
        .iter()
        .map(|path| {
            let rules = load_rules(path);
            let plugins = (!rules.plugins.is_empty()).then(|| load_plugins(&rules, path));
            (rules, plugins)
        })
        .collect();
    assert!(rule_sets.len() >= 2, "configs/ holds the bundled rule sets");
    insta::glob!("fixtures/units/**/*.toml", |path| {
        let unit = load_unit(path);
        let mut scored = 0;
        for (rules, plugins) in rule_sets
            .iter()
            .filter(|(r, _)| r.applies_to == unit.unit.kind)
        {
            let extensions: Vec<&(dyn jixiao_engine::RuleExtension + Sync)> = plugins
                .iter()
                .map(|p| p as &(dyn jixiao_engine::RuleExtension + Sync))
                .collect();
            let options = jixiao_engine::Options {
                extensions: &extensions,
                ..Default::default()
            };
            let mut card = jixiao_engine::score_with(&unit, rules, &options).unwrap();
            assert_consistent(&card, rules);
            assert_eq!(
                card.plugins.len(),
                rules.plugins.len(),
                "every plugin recorded"
            );
            // A library's hash differs from build to build: the snapshot records that it is there.
            for plugin in &mut card.plugins {
                assert_eq!(plugin.sha256.len(), 64, "a SHA-256 in hex");
                plugin.sha256 = "[sha256 of this build]".into();
            }
            insta::assert_snapshot!(format!("{}__json", rules.id), jixiao_report::json(&card));
            insta::assert_snapshot!(
                format!("{}__markdown", rules.id),
                jixiao_report::markdown(&card)
            );
            scored += 1;
        }
        assert!(
            scored > 0,
            "no rule set in configs/ scores {}",
            path.display()
        );
    });
}

fn leaf<'a>(card: &'a Scorecard, id: &str) -> &'a ScoredIndicator {
    card.indicator(id)
        .unwrap_or_else(|| panic!("no indicator {id}"))
}

#[test]
fn sample_under_the_hunan_rubric_scores_as_computed_by_hand() {
    let rules = config("hunan-department.toml");
    let card = jixiao_engine::score(&sample(), &rules).unwrap();
    let score = |id| leaf(&card, id).score;

    // 预算控制率: |85.33 − 69.16| / 69.16 = 23.38 %, in (20 %, 30 %] → 2.
    assert_eq!(score("input.planning.budget_control"), dec!(2));
    // 在职人员控制率: 3 / 3 = 100 % → full 5.
    assert_eq!(score("input.planning.staffing_control"), dec!(5));
    // 三公经费变动率: the report gives no 三公 figures → 0, missing.
    assert_eq!(score("input.cost.three_public_change"), dec!(0));
    assert_eq!(
        leaf(&card, "input.cost.three_public_change").status,
        Status::Missing
    );
    // 预算完成率: (85.33 − 0.01 − 0.09) / 85.33 is 0.10 / 85.33 short of 100 %;
    // that is (0.10 / 85.33) / 0.05 steps of 2 points: 5 − 4 / 85.33 = 4.9531...
    let completion = score("process.execution.budget_completion");
    assert_eq!(
        round(completion, 10),
        round(dec!(5) - dec!(4) / dec!(85.33), 10)
    );
    // 预算执行率: 85.33 / 85.33 = 100 % → 12.
    assert_eq!(score("process.execution.execution_rate"), dec!(12));
    // 结转结余率: 0.10 / 85.33 = 0.12 % ≤ 5 % → 5.
    assert_eq!(score("process.execution.carry_over"), dec!(5));
    // No new buildings: not applicable, full marks.
    assert_eq!(score("process.buildings.area"), dec!(5));
    assert_eq!(score("process.buildings.investment"), dec!(5));
    // 资金使用合规性: the 科普经费 line does not reconcile → 5 − 2.5.
    assert_eq!(score("process.compliance.funds"), dec!(2.5));
    assert_eq!(score("process.compliance.disclosure"), dec!(5));
    // 实际完成率: both measurable goals met (70000 ≥ 10000, 4 ≥ 2) → 15.
    assert_eq!(score("output.completion"), dec!(15));
    // No task counts: 完成及时率 and 质量达标率 dropped, the rest rescaled.
    assert_eq!(leaf(&card, "output.timeliness").status, Status::Dropped);
    assert_eq!(leaf(&card, "output.quality").status, Status::Dropped);
    // No 自评表: no 效益 or 满意度 rows → 0.
    assert_eq!(score("effect.benefits"), dec!(0));
    assert_eq!(score("effect.satisfaction"), dec!(0));

    // Raw: 2 + 5 + 0 + (5 − 4/85.33) + 12 + 5 + 5 + 5 + 2.5 + 5 + 15 = 61.5 − 4/85.33,
    // out of 90 available points, rescaled to 100: 68.28 → 中.
    let raw = dec!(61.5) - dec!(4) / dec!(85.33);
    let rescaled = card.rescaled.as_ref().expect("two leaves were dropped");
    assert_eq!(rescaled.available, dec!(90));
    assert_eq!(round(rescaled.raw, 10), round(raw, 10));
    assert_eq!(
        round(card.total_exact, 10),
        round(raw * dec!(100) / dec!(90), 10)
    );
    assert_eq!(card.total, dec!(68.28));
    assert_eq!(card.grade.as_deref(), Some("中"));
}

#[test]
fn sample_findings_are_the_ones_a_reviewer_flags() {
    let rules = config("hunan-department.toml");
    let card = jixiao_engine::score(&sample(), &rules).unwrap();
    let by_rule = |rule: RuleId| -> Vec<&jixiao_engine::Finding> {
        card.findings.iter().filter(|f| f.rule == rule).collect()
    };

    // 科普经费: 8 + 11.84 = 19.84 available, 19.84 spent + 0.01 carried over: 0.01 too much.
    let funds = by_rule(RuleId::Check(CheckId::FundReconciliation));
    assert_eq!(funds.len(), 1, "only 科普经费 fails: {funds:?}");
    assert_eq!(funds[0].severity, Severity::Hard);
    assert!(funds[0].message.contains("科普经费"));
    let gap = funds[0].figures.iter().find(|f| f.label == "差额").unwrap();
    assert_eq!(gap.value, dec!(19.85) - dec!(19.84));

    // The budget grew from 69.16 to 85.33: 16.17 / 69.16 = 23.38 % > 20 %.
    let adjustment = by_rule(RuleId::Check(CheckId::BudgetAdjustment));
    assert_eq!(adjustment.len(), 1);
    assert_eq!(adjustment[0].severity, Severity::Soft);
    let share = adjustment[0]
        .figures
        .iter()
        .find(|f| f.label == "调整幅度")
        .unwrap();
    assert_eq!(round(share.value, 2), dec!(23.38));
    assert_eq!(
        share.value,
        (dec!(85.33) - dec!(69.16)) / dec!(69.16) * dec!(100)
    );

    // Sections 七 and 八 say only 无.
    let narrative = by_rule(RuleId::Check(CheckId::EmptyNarrative));
    assert_eq!(narrative.len(), 2);
    assert!(narrative[0].message.contains("存在的问题"));
    assert!(narrative[1].message.contains("改进措施"));

    // The totals reconcile: 55.09 + 30.24 = 85.33; 47.3 + 7.79 = 55.09; 19.84 + 2.4 + 8 = 30.24;
    // 10 + 9.84 = 19.84.
    assert!(by_rule(RuleId::Check(CheckId::Totals)).is_empty());
    assert!(by_rule(RuleId::Check(CheckId::FundSources)).is_empty());
    assert!(by_rule(RuleId::Check(CheckId::Overspending)).is_empty());

    let missing: Vec<_> = by_rule(RuleId::Engine(EngineRule::MissingInput))
        .iter()
        .map(|f| f.indicator.clone().unwrap())
        .collect();
    assert_eq!(
        missing,
        [
            "input.cost.three_public_change",
            "effect.benefits",
            "effect.satisfaction"
        ]
    );
    // The visitors: 70000 / 10000 = 700 % of target; the youth activities 4 / 2 = 200 %; both at
    // or above 130 % with no explanation (goals carry none): soft, the score unchanged.
    let over: Vec<_> = by_rule(RuleId::Check(CheckId::OverAchievement))
        .iter()
        .map(|f| (f.severity, f.indicator.clone().unwrap(), f.figures[2].value))
        .collect();
    assert_eq!(
        over,
        [
            (Severity::Soft, "output.completion".to_owned(), dec!(700)),
            (Severity::Soft, "output.completion".to_owned(), dec!(200)),
        ]
    );
    assert_eq!(card.count(Severity::Hard), 1);
    assert_eq!(card.count(Severity::Soft), 8);
}

#[test]
fn synthetic_projects_score_as_computed_by_hand() {
    let rules = config("national-project.toml");
    let dir = root().join("tests/fixtures/units/project");

    // Clean: 10 × 95 % + (20 + 15 × 0.98 + 5 + 10) + (15 × 45/50 + 13) + 10 = 95.7, as declared.
    let clean =
        jixiao_engine::score(&load_unit(&dir.join("synthetic-clean-2024.toml")), &rules).unwrap();
    assert_eq!(clean.total, dec!(95.7));
    assert_eq!(clean.grade.as_deref(), Some("优"));
    assert_eq!(clean.declared.as_ref().unwrap().gap, Some(dec!(0)));
    assert!(clean.findings.is_empty(), "{:?}", clean.findings);

    // Inflated: 10 × 60 % = 6; 赛事 25/10 = 250 % with no explanation: 30 − 30 × 0.2 × 1.2 = 22.8,
    // floored at 0.8 × 30 = 24; 成本 20; 部分达成 claimed 30 of 30 → 24 − 0.01 = 23.99;
    // 满意度 10 × 90 / 95.
    let inflated = jixiao_engine::score(
        &load_unit(&dir.join("synthetic-inflated-2024.toml")),
        &rules,
    )
    .unwrap();
    assert_eq!(leaf(&inflated, "execution").score, dec!(6));
    assert_eq!(leaf(&inflated, "output[1]").score, dec!(24));
    assert_eq!(leaf(&inflated, "effect[1]").score, dec!(23.99));
    let satisfaction = dec!(10) * dec!(90) / dec!(95);
    assert_eq!(leaf(&inflated, "satisfaction[1]").score, satisfaction);
    let total = dec!(6) + dec!(24) + dec!(20) + dec!(23.99) + satisfaction;
    assert_eq!(inflated.total_exact, total);
    assert_eq!(inflated.total, dec!(83.46));
    assert_eq!(inflated.grade.as_deref(), Some("良"));
    let rules_fired: Vec<&RuleId> = inflated.findings.iter().map(|f| &f.rule).collect();
    assert_eq!(
        rules_fired,
        [
            &RuleId::Check(CheckId::FundReconciliation), // 100 + 50 ≠ 90 + 50
            &RuleId::Check(CheckId::BudgetAdjustment),   // 50 %
            &RuleId::Check(CheckId::EmptyNarrative),     // 暂无
            &RuleId::Check(CheckId::CostDirection),      // 单场赛事成本 ≥ 3
            &RuleId::Check(CheckId::SelfScores),         // 预算执行率 10 claimed, 6 by formula
            &RuleId::Check(CheckId::OverAchievement), // 赛事 25 / 10 = 250 % ≥ 130 %, unexplained
            &RuleId::Check(CheckId::SelfScores),      // 赛事 30 claimed, 24 recomputed
            &RuleId::Engine(EngineRule::Tiers),       // 部分达成 with 30 of 30
            &RuleId::Check(CheckId::SelfScores),      // 满意度 10 claimed, 9.47 by formula
            &RuleId::Check(CheckId::DeclaredGrade),   // 100 declared as 良
            &RuleId::Check(CheckId::SelfScores),      // declared 100 against 83.46
        ]
    );
    assert_eq!(
        inflated.declared.as_ref().unwrap().gap,
        Some(dec!(100) - dec!(83.46))
    );
}

#[test]
fn grade_bands_are_half_open_with_the_lower_bound_included() {
    for name in ["hunan-department.toml", "national-project.toml"] {
        let rules = config(name);
        let grade = |s: Decimal| rules.grade_for(s).unwrap().name.as_str();
        assert_eq!(grade(dec!(100)), "优");
        assert_eq!(grade(dec!(90)), "优"); // exactly 90 is 优
        assert_eq!(grade(dec!(89.99)), "良");
        assert_eq!(grade(dec!(80)), "良");
        assert_eq!(grade(dec!(79.99)), "中");
        assert_eq!(grade(dec!(60)), "中");
        assert_eq!(grade(dec!(59.99)), "差");
        assert_eq!(grade(dec!(0)), "差");
    }
}

#[test]
fn changing_a_weight_changes_the_total_as_the_arithmetic_says() {
    let path = root().join("configs/national-project.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // The "20 + 80" variant: 预算执行率 20, 产出 40.
    let edited = text
        .replacen(
            "id = \"execution\"\nname = \"预算执行率\"\npoints = 10",
            "id = \"execution\"\nname = \"预算执行率\"\npoints = 20",
            1,
        )
        .replacen(
            "id = \"output\"\nname = \"产出指标\"\npoints = 50",
            "id = \"output\"\nname = \"产出指标\"\npoints = 40",
            1,
        );
    assert_ne!(edited, text, "the weights to change were found");
    let (rules, warnings) = RuleSet::from_toml(&edited, &path).unwrap();
    assert_eq!(warnings.len(), 1, "weights off the national profile warn");
    let unit = load_unit(&root().join("tests/fixtures/units/project/synthetic-clean-2024.toml"));
    let card = jixiao_engine::score(&unit, &rules).unwrap();
    // 20 × 95 % = 19; the output rows' 49.7 of 50 become 49.7 × 40 / 50 = 39.76.
    assert_eq!(leaf(&card, "execution").score, dec!(19));
    assert_eq!(leaf(&card, "output").score, dec!(39.76));
    assert_eq!(card.total, dec!(95.7) + dec!(9.5) - dec!(9.94));
}

#[test]
fn a_unit_of_the_other_kind_is_refused_with_both_kinds_named() {
    let rules = config("national-project.toml");
    let error = jixiao_engine::score(&sample(), &rules).unwrap_err();
    assert_eq!(
        error.to_string(),
        "评分规则 national-project 用于项目支出绩效自评, 而该单位报送的是部门整体支出绩效自评"
    );
    assert_eq!(sample().unit.kind, EvaluationKind::Department);
}

/// A unit from the sample's TOML with `edit` applied.
fn sample_edited(from: &str, to: &str) -> jixiao_model::CheckedUnit {
    let path = root().join("tests/fixtures/units/department/lusong-kexie-2024.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "the sample contains {from:?}");
    jixiao_model::SelfEvaluation::from_toml(&text.replacen(from, to, 1), &path).unwrap()
}

#[test]
fn a_unit_without_an_opening_budget_scores_the_adjustment_as_missing_input() {
    let rules = config("hunan-department.toml");
    let whole = jixiao_engine::score(&sample(), &rules).unwrap();
    let unit = sample_edited("opening = 69.16", "");
    assert_eq!(unit.budget.opening, None);
    let card = jixiao_engine::score(&unit, &rules).unwrap();

    // 预算控制率 needs 年初预算: missing input, 0 instead of 2, with its finding.
    let control = leaf(&card, "input.planning.budget_control");
    assert_eq!((control.score, control.status), (dec!(0), Status::Missing));
    let missing: Vec<_> = card
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::Engine(EngineRule::MissingInput))
        .collect();
    let ids: Vec<_> = missing.iter().map(|f| f.indicator.as_deref()).collect();
    assert_eq!(
        ids,
        [
            Some("input.planning.budget_control"),
            Some("input.cost.three_public_change"),
            Some("effect.benefits"),
            Some("effect.satisfaction"),
        ]
    );
    assert!(
        missing[0].message.contains("未提供年初预算数"),
        "{}",
        missing[0].message
    );
    // Nothing to compare the full-year budget with: no 预算调整 finding (23.38 % with it).
    assert!(
        !card
            .findings
            .iter()
            .any(|f| f.rule == RuleId::Check(CheckId::BudgetAdjustment))
    );

    // Every other leaf scores as with the opening budget.
    let scores = |card: &Scorecard| -> Vec<(String, Decimal, Status)> {
        card.leaves()
            .into_iter()
            .map(|(_, l)| (l.id.clone(), l.score, l.status))
            .filter(|(id, _, _)| id != "input.planning.budget_control")
            .collect()
    };
    assert_eq!(scores(&card), scores(&whole));
    // The sample's raw 61.5 − 4/85.33 less the 2 points of 预算控制率, out of the same 90
    // available points, rescaled to 100: 66.06 → 中.
    let raw = dec!(59.5) - dec!(4) / dec!(85.33);
    let rescaled = card.rescaled.as_ref().expect("two leaves were dropped");
    assert_eq!(rescaled.available, dec!(90));
    assert_eq!(round(rescaled.raw, 10), round(raw, 10));
    assert_eq!(card.total, dec!(66.06));
    assert_eq!(card.grade.as_deref(), Some("中"));
}

#[test]
fn no_three_public_spending_in_either_year_is_no_change() {
    let rules = config("hunan-department.toml");
    // 0 → 0 is a 0 % change: full marks, not missing data.
    let unit = sample_edited(
        "[facts]",
        "[base]\nthree_public = 0\nthree_public_last_year = 0\n\n[facts]",
    );
    let card = jixiao_engine::score(&unit, &rules).unwrap();
    let change = leaf(&card, "input.cost.three_public_change");
    assert_eq!((change.score, change.status), (dec!(8), Status::Scored));
    // 0 → 1.2 is a rise no percentage states: 0 points with a finding, not "not applicable".
    let unit = sample_edited(
        "[facts]",
        "[base]\nthree_public = 1.2\nthree_public_last_year = 0\n\n[facts]",
    );
    let card = jixiao_engine::score(&unit, &rules).unwrap();
    assert_eq!(leaf(&card, "input.cost.three_public_change").score, dec!(0));
    assert!(
        card.findings
            .iter()
            .any(|f| f.rule == RuleId::Engine(EngineRule::UndefinedInput))
    );
}

#[test]
fn a_building_nobody_planned_is_not_given_full_marks_as_not_applicable() {
    let rules = config("hunan-department.toml");
    let unit = sample_edited(
        "[facts]",
        "[base.buildings]\nplanned_area = 0\nactual_area = 5000\nplanned_investment = 0\nactual_investment = 800\n\n[facts]",
    );
    let card = jixiao_engine::score(&unit, &rules).unwrap();
    assert_eq!(leaf(&card, "process.buildings.area").score, dec!(0));
    assert_eq!(leaf(&card, "process.buildings.investment").score, dec!(0));
    assert_eq!(
        card.findings
            .iter()
            .filter(|f| f.rule == RuleId::Engine(EngineRule::UndefinedInput))
            .count(),
        2
    );
}

#[test]
fn rows_with_a_zero_target_score_by_their_direction() {
    let rules = config("national-project.toml");
    let path = root().join("tests/fixtures/units/project/synthetic-clean-2024.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // 项目完工时间 ≤ 12 becomes 安全事故 ≤ 0: met at 0, not met at 1.
    let met = text.replacen("target = 12\nactual = 12", "target = 0\nactual = 0", 1);
    let missed = text.replacen("target = 12\nactual = 12", "target = 0\nactual = 1", 1);
    let score = |t: &str| {
        let unit = jixiao_model::SelfEvaluation::from_toml(t, &path).unwrap();
        let card = jixiao_engine::score(&unit, &rules).unwrap();
        assert!(
            !card
                .findings
                .iter()
                .any(|f| f.rule == RuleId::Engine(EngineRule::MissingInput))
        );
        leaf(&card, "output[3]").score
    };
    assert_eq!(score(&met), dec!(5));
    assert_eq!(score(&missed), dec!(0));
}

#[test]
fn a_qualitative_score_exactly_on_its_tier_bound_is_inside_it() {
    let rules = config("national-project.toml");
    let path = root().join("tests/fixtures/units/project/synthetic-clean-2024.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // 达成 at exactly 0.8 × 15 = 12 in a group whose share is 30 × 15 / 30: no finding.
    let on_bound = text.replacen(
        "tier = \"达成\"\npoints = 15\nself_score = 13",
        "tier = \"达成\"\npoints = 15\nself_score = 12",
        1,
    );
    assert_ne!(on_bound, text);
    let unit = jixiao_model::SelfEvaluation::from_toml(&on_bound, &path).unwrap();
    let card = jixiao_engine::score(&unit, &rules).unwrap();
    assert!(
        !card
            .findings
            .iter()
            .any(|f| f.rule == RuleId::Engine(EngineRule::Tiers)),
        "{:?}",
        card.findings
    );
    assert_eq!(leaf(&card, "effect[2]").score, dec!(12));
}

#[test]
fn figures_out_of_bounds_are_refused_with_their_key() {
    let path = root().join("tests/fixtures/units/department/lusong-kexie-2024.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let huge = text.replacen("spent = 85.33", "spent = 7000000000000000", 1);
    let error = jixiao_model::SelfEvaluation::from_toml(&huge, &path).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("at `budget.spent`: expected a figure of at most 10^12"),
        "{error}"
    );
    let tiny = text.replacen("target = 2,", "target = 0.0000000001,", 1);
    let error = jixiao_model::SelfEvaluation::from_toml(&tiny, &path).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("at `goals[6].measure.target`: expected a figure of at least 0.000001"),
        "{error}"
    );
}

/// The 自评表's execution row counts towards the declared total: rows 15 + 10 + 10 + 15 + 28.5 +
/// 9 = 87.5, plus the execution row's 9.33, is the declared 96.83 (gd-suixi-shuiku-2022).
#[test]
fn the_execution_rows_score_counts_in_the_row_sums() {
    let rules = config("national-project.toml");
    let mut unit =
        load_unit(&root().join("tests/fixtures/units/project/synthetic-clean-2024.toml"))
            .into_inner();
    let scores = [dec!(15), dec!(10), dec!(10), dec!(15), dec!(28.5), dec!(9)];
    unit.indicators.truncate(scores.len());
    assert_eq!(
        unit.indicators.len(),
        scores.len(),
        "the fixture has six rows"
    );
    for (row, score) in unit.indicators.iter_mut().zip(scores) {
        row.self_score = Some(score);
    }
    unit.declared = Some(jixiao_model::Declared {
        total: Some(dec!(96.83)),
        grade: None,
    });
    let row_sums = |card: &Scorecard| {
        card.findings
            .iter()
            .filter(|f| f.rule == RuleId::Check(CheckId::RowSums))
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
    };
    // Without the execution row: 87.50 ≠ 96.83.
    let card = jixiao_engine::score(&jixiao_tests::recheck(unit.clone()), &rules).unwrap();
    assert_eq!(
        row_sums(&card),
        ["自评表各行得分合计 87.50 与自评总分 96.83 不符"]
    );
    // With it: 87.50 + 9.33 = 96.83, no finding.
    unit.execution = Some(jixiao_model::Execution {
        points: Some(dec!(10)),
        rate: Some(dec!(93.30)),
        self_score: Some(dec!(9.33)),
    });
    let card = jixiao_engine::score(&jixiao_tests::recheck(unit.clone()), &rules).unwrap();
    assert!(row_sums(&card).is_empty(), "{:?}", row_sums(&card));
    // A wrong execution score is named in the message.
    unit.execution.as_mut().unwrap().self_score = Some(dec!(8));
    let card = jixiao_engine::score(&jixiao_tests::recheck(unit), &rules).unwrap();
    assert_eq!(
        row_sums(&card),
        ["自评表各行得分合计 87.50 加预算执行得分 8.00 为 95.50, 与自评总分 96.83 不符"]
    );
}

#[test]
fn sample_under_the_district_variant_scores_as_computed_by_hand() {
    let parent = jixiao_engine::score(&sample(), &config("hunan-department.toml")).unwrap();
    let rules = config("hunan-department-district.toml");
    let card = jixiao_engine::score(&sample(), &rules).unwrap();
    let score = |id| leaf(&card, id).score;

    // 实际完成率 moved from 15 to 17 points: both measurable goals met → 17 (parent: 15).
    assert_eq!(score("output.completion"), dec!(17));
    assert_eq!(leaf(&parent, "output.completion").score, dec!(15));
    // 质量达标率 moved from 5 to 3 points: no task counts, still dropped (now 3 points, not 5).
    assert_eq!(leaf(&card, "output.quality").status, Status::Dropped);
    assert_eq!(leaf(&card, "output.quality").points, dec!(3));
    // 预算完成率 at −2.5 per 5 points: 0.10 / 85.33 short of 100 %, (0.10 / 85.33) / 0.05 steps
    // of 2.5 points: 5 − 5 / 85.33 = 4.9414… (parent: 5 − 4 / 85.33 = 4.9531…).
    let completion = score("process.execution.budget_completion");
    assert_eq!(
        round(completion, 10),
        round(dec!(5) - dec!(5) / dec!(85.33), 10)
    );
    // Every other leaf scores as under the parent.
    for (_, l) in card.leaves() {
        if ![
            "output.completion",
            "output.quality",
            "process.execution.budget_completion",
        ]
        .contains(&l.id.as_str())
        {
            assert_eq!(l.score, leaf(&parent, &l.id).score, "{}", l.id);
        }
    }
    // Raw: the parent's 61.5 − 4/85.33, + 2 (实际完成率) − 1/85.33 (预算完成率) = 63.5 − 5/85.33
    // = 63.4414…, out of 100 − 5 (完成及时率) − 3 (质量达标率) = 92 available points, rescaled to
    // 100: 63.4414… × 100 / 92 = 68.9580… → 68.96 (parent 68.28), 中 (中 now from 65).
    let raw = dec!(63.5) - dec!(5) / dec!(85.33);
    let rescaled = card.rescaled.as_ref().expect("two leaves were dropped");
    assert_eq!(rescaled.available, dec!(92));
    assert_eq!(round(rescaled.raw, 10), round(raw, 10));
    assert_eq!(
        round(card.total_exact, 10),
        round(raw * dec!(100) / dec!(92), 10)
    );
    assert_eq!(card.total, dec!(68.96));
    assert_eq!(parent.total, dec!(68.28));
    assert_eq!(card.grade.as_deref(), Some("中"));
    // The grade band the district changed: 64.99 is 差 here, 中 under the parent.
    assert_eq!(rules.grade_for(dec!(64.99)).unwrap().name, "差");
    assert_eq!(
        config("hunan-department.toml")
            .grade_for(dec!(64.99))
            .unwrap()
            .name,
        "中"
    );
    // The scorecard names both.
    let extends = card.rule_set.extends.as_ref().expect("it extends");
    assert_eq!(
        (extends.id.as_str(), extends.version.as_str()),
        ("hunan-department", "2024.1")
    );
    // The same findings as under the parent.
    assert_eq!(card.findings, parent.findings);
}

#[test]
fn synthetic_projects_under_the_sichuan_rule_set_score_as_computed_by_hand() {
    let (rules, warnings) = RuleSet::load(&root().join("configs/sichuan-project.toml")).unwrap();
    // 10 + 90 (= 50 + 30 + 10) is the national profile, grouped as the Sichuan form groups it.
    assert!(warnings.is_empty(), "{warnings:?}");
    let dir = root().join("tests/fixtures/units/project");

    // Clean: 预算执行率 10 × 399 / 420 = 9.5; 绩效指标 = 产出 (20 + 15 × 98/100 + 5 + 10 = 49.7)
    // + 效益 (15 × 45/50 + 13 = 26.5) + 满意度 10 = 86.2; total 9.5 + 86.2 = 95.7, 优, as declared.
    let clean =
        jixiao_engine::score(&load_unit(&dir.join("synthetic-clean-2024.toml")), &rules).unwrap();
    assert_eq!(leaf(&clean, "execution").score, dec!(9.5));
    assert_eq!(leaf(&clean, "performance.output").score, dec!(49.7));
    assert_eq!(leaf(&clean, "performance.effect").score, dec!(26.5));
    assert_eq!(leaf(&clean, "performance.satisfaction").score, dec!(10));
    assert_eq!(leaf(&clean, "performance").score, dec!(86.2));
    assert_eq!(clean.total, dec!(95.7));
    assert_eq!(clean.grade.as_deref(), Some("优"));
    assert!(clean.findings.is_empty(), "{:?}", clean.findings);

    // Inflated: 10 × 60 % = 6; 赛事 250 % of target, unexplained: 30 − 30 × 0.2 × 1.2 = 22.8,
    // floored at 24; 成本 20; 部分达成 claimed 30 of 30 → 23.99; 满意度 10 × 90 / 95.
    let inflated = jixiao_engine::score(
        &load_unit(&dir.join("synthetic-inflated-2024.toml")),
        &rules,
    )
    .unwrap();
    assert_eq!(leaf(&inflated, "execution").score, dec!(6));
    assert_eq!(leaf(&inflated, "performance.output[1]").score, dec!(24));
    assert_eq!(leaf(&inflated, "performance.effect[1]").score, dec!(23.99));
    let satisfaction = dec!(10) * dec!(90) / dec!(95);
    assert_eq!(
        leaf(&inflated, "performance.satisfaction[1]").score,
        satisfaction
    );
    let total = dec!(6) + dec!(24) + dec!(20) + dec!(23.99) + satisfaction;
    assert_eq!(inflated.total_exact, total);
    assert_eq!(inflated.total, dec!(83.46));
    assert_eq!(inflated.grade.as_deref(), Some("良"));

    // A form without 满意度 rows (as the 青神 工资性支出 form): the 10 points are not applicable:
    // raw 9.5 + 49.7 + 26.5 = 85.7 out of 90, × 100 / 90 = 95.2222… → 95.22, 优.
    let path = dir.join("synthetic-clean-2024.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let row = text
        .find("[[indicators]]\nlevel1 = \"满意度指标\"")
        .expect("the clean unit has a 满意度 row");
    let end = text[row..].find("\n\n").unwrap() + row;
    let edited = format!("{}{}", &text[..row], &text[end + 2..]);
    let unit = jixiao_model::SelfEvaluation::from_toml(&edited, &path).unwrap();
    let card = jixiao_engine::score(&unit, &rules).unwrap();
    assert_eq!(
        leaf(&card, "performance.satisfaction").status,
        Status::Dropped
    );
    let rescaled = card.rescaled.as_ref().expect("满意度 dropped");
    assert_eq!((rescaled.available, rescaled.raw), (dec!(90), dec!(85.7)));
    assert_eq!(card.total, dec!(95.22));
    assert_eq!(card.grade.as_deref(), Some("优"));
}

/// The case files shipped for the rule sets this suite scores by hand above
/// (configs/cases/<rule-set-id>/*.toml, run by `jixiao test`), read here as plain TOML and checked
/// against the engine, so that a typo in a case is caught with the rule set it belongs to.
#[test]
fn the_shipped_cases_of_the_district_and_sichuan_rule_sets_hold() {
    let decimal = |v: &toml::Value| -> Decimal {
        match v {
            toml::Value::Integer(i) => Decimal::from(*i),
            toml::Value::Float(f) => f.to_string().parse().unwrap(),
            other => panic!("not a number: {other}"),
        }
    };
    let mut checked = 0;
    for id in ["hunan-department-district", "sichuan-project"] {
        let dir = root().join("configs/cases").join(id);
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        assert!(!paths.is_empty(), "cases for {id}");
        for path in paths {
            let case: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
            let here = path.parent().unwrap();
            let rules = load_rules(&here.join(case["rules"].as_str().unwrap()));
            assert_eq!(rules.id, id, "{}", path.display());
            let unit = load_unit(&here.join(case["unit"].as_str().unwrap()));
            let card = jixiao_engine::score(&unit, &rules).unwrap();
            let tolerance = case.get("tolerance").map_or(Decimal::ZERO, decimal);
            let near = |got: Decimal, want: Decimal, what: &str| {
                assert!(
                    (got - want).abs() <= tolerance,
                    "{}: {what}: expected {want}, got {got}",
                    path.display()
                );
            };
            let expect = case["expect"].as_table().unwrap();
            near(card.total, decimal(&expect["total"]), "total");
            assert_eq!(card.grade.as_deref(), expect["grade"].as_str());
            for (id, want) in expect["indicators"].as_table().unwrap() {
                near(leaf(&card, id).score, decimal(want), id);
            }
            for finding in expect
                .get("findings")
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
            {
                let rule = finding["rule"].as_str().unwrap();
                let indicator = finding.get("indicator").and_then(toml::Value::as_str);
                assert!(
                    card.findings.iter().any(|f| f.rule.to_string() == rule
                        && indicator.is_none_or(|i| f.indicator.as_deref() == Some(i))),
                    "{}: no finding {rule} {indicator:?}",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 3);
}
