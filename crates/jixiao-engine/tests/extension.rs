//! The extension point: findings added, adjustments clamped and summed, failures recorded.

use std::path::Path;

use jixiao_engine::{
    AdjustmentRequest, Contribution, Effects, Finding, Options, PluginRef, RuleExtension, RuleId,
    ScoredIndicator, Severity, score, score_with,
};
use jixiao_model::{CheckedUnit, SelfEvaluation};
use jixiao_rules::{RuleSet, ValidRuleSet};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn sample() -> (CheckedUnit, ValidRuleSet) {
    let unit = SelfEvaluation::load(
        &root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"),
    )
    .unwrap();
    let (rules, _) = RuleSet::load(&root().join("configs/hunan-department.toml")).unwrap();
    (unit, rules)
}

struct Fake(Vec<Contribution>);

impl RuleExtension for Fake {
    fn provenance(&self) -> Vec<PluginRef> {
        vec![PluginRef {
            name: "fake".into(),
            version: "1.0.0".into(),
            sha256: "00".repeat(32),
            rules: vec!["r".into()],
        }]
    }
    fn extend(&self, _: &SelfEvaluation, _: &[ScoredIndicator]) -> Vec<Contribution> {
        self.0.clone()
    }
}

fn adjust(indicator: &str, delta: Decimal) -> AdjustmentRequest {
    AdjustmentRequest {
        indicator: indicator.into(),
        delta,
        reason: "test".into(),
    }
}

#[test]
fn adjustments_are_clamped_recorded_and_summed() {
    let (unit, rules) = sample();
    let plain = score(&unit, &rules).unwrap();
    let fake = Fake(vec![
        Contribution {
            source: "fake".into(),
            rule: "r".into(),
            outcome: Ok(Effects {
                findings: vec![Finding {
                    rule: RuleId::Plugin {
                        plugin: "fake".into(),
                        rule: "r".into(),
                    },
                    severity: Severity::Soft,
                    indicator: None,
                    message: "m".into(),
                    figures: Vec::new(),
                }],
                // 实际完成率 is at its full 15 points: +1 is clamped to 0, −3 applies.
                adjustments: vec![
                    adjust("output.completion", dec!(1)),
                    adjust("output.completion", dec!(-3)),
                ],
            }),
        },
        Contribution {
            source: "fake".into(),
            rule: "broken".into(),
            outcome: Err("boom".into()),
        },
        Contribution {
            source: "fake".into(),
            rule: "r".into(),
            outcome: Ok(Effects {
                findings: Vec::new(),
                adjustments: vec![adjust("no.such", dec!(-1)), adjust("output", dec!(-1))],
            }),
        },
    ]);
    let card = score_with(
        &unit,
        &rules,
        &Options {
            extensions: &[&fake],
            ..Default::default()
        },
    )
    .unwrap();
    let leaf = card.indicator("output.completion").unwrap();
    assert_eq!(leaf.score, dec!(12));
    let applied: Vec<Decimal> = leaf
        .detail
        .as_ref()
        .unwrap()
        .adjustments
        .iter()
        .map(|a| a.applied)
        .collect();
    assert_eq!(applied, vec![dec!(0), dec!(-3)]);
    assert_eq!(card.indicator("output").unwrap().score, dec!(12));
    // Two leaves of 5 points are dropped and the rest rescaled to 100: 3 points of 90 available.
    assert_eq!(
        card.total_exact,
        plain.total_exact - dec!(3) * dec!(100) / dec!(90)
    );
    assert_eq!(card.plugins.len(), 1);
    let errors: Vec<&str> = card
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        errors,
        vec![
            "插件 fake 的规则 broken 未能用于本单位: boom",
            "插件 fake 的规则 r 未能用于本单位: adjustment names indicator `no.such`, which is not in the rule set",
            "插件 fake 的规则 r 未能用于本单位: adjustment names indicator `output`, which is not a leaf",
        ]
    );
    assert_eq!(card.findings.len(), plain.findings.len() + 4);
}

#[test]
fn no_extensions_is_plain_scoring() {
    let (unit, rules) = sample();
    assert_eq!(
        score_with(&unit, &rules, &Options::default()).unwrap(),
        score(&unit, &rules).unwrap()
    );
}
