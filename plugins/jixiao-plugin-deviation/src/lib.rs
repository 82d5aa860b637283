//! Target deviation (偏离度, docs/domain.md §4 and §6): an actual at or above `threshold` × target
//! (default 130 %) needs an explanation; where none is given, a soft finding, and the score of
//! the leaf concerned is reduced by `slope` × points per 100 % above the threshold, never below
//! `floor` × points.
//!
//! Goals (`[[goals]]` with a measure) carry no explanation: their deviation is always
//! unexplained and reduces the leaf named by `indicator`, when given. A row of the unit's own
//! table reduces the leaf of the same name (the rule set's `rows` leaves), unless it explains.

use std::collections::BTreeMap;

use jixiao_plugin_api::model::{Direction, round};
use jixiao_plugin_api::{Decimal, Finding, Input, LeafId, Output, Part, Plugin, Rule};

jixiao_plugin_api::params! {
    #[derive(Debug)]
    pub struct Params {
        /// 实际/目标 at or above which an explanation is needed
        pub threshold: Decimal = Decimal::new(13, 1),
        /// share of the leaf's points deducted per 100 % above the threshold
        pub slope: Decimal = Decimal::new(2, 1),
        /// the leaf keeps at least this share of its points
        pub floor: Decimal = Decimal::new(8, 1),
        /// leaf id a goal's deviation reduces (rows reduce their own leaf)
        pub indicator: Option<LeafId> = None,
    }
}

fn pct(fraction: Decimal) -> String {
    format!("{:.2}%", round(fraction * Decimal::ONE_HUNDRED, 2))
}

fn num(value: Decimal) -> String {
    value.normalize().to_string()
}

/// The rule: findings, and reductions where a leaf is known.
pub fn target_deviation(input: &Input<'_>, p: &Params) -> Output {
    let mut out = Output::new();
    let mut scores: BTreeMap<String, Decimal> = BTreeMap::new();
    let unit = input.unit;
    let goals = unit.goals.iter().filter_map(|g| {
        let m = g.measure.as_ref()?;
        Some((
            "绩效目标",
            m.indicator.as_str(),
            m.direction,
            m.target,
            m.actual?,
            m.unit.as_str(),
            false,
            p.indicator.as_deref().and_then(|id| input.leaf(id)),
        ))
    });
    let rows = unit.indicators.iter().filter_map(|r| {
        let explained = r
            .explanation
            .as_deref()
            .is_some_and(|e| e.trim().chars().count() > 1);
        let name = r.name.trim();
        Some((
            "自评表指标",
            name,
            r.direction?,
            r.target?,
            r.actual?,
            r.unit.as_deref().unwrap_or(""),
            explained,
            input.leaves.iter().find(|l| l.name == name),
        ))
    });
    for (what, name, direction, target, actual, measure, explained, leaf) in goals.chain(rows) {
        if direction == Direction::AtMost || target <= Decimal::ZERO || explained {
            continue;
        }
        let ratio = actual / target;
        if ratio < p.threshold {
            continue;
        }
        let mut finding = Finding::soft(format!(
            "{what}「{name}」实际 {} {measure}, 为目标 {} {measure}的 {}, 达到或超过 {} 而未说明偏差原因 (目标可能定得过低)",
            num(actual),
            num(target),
            pct(ratio),
            pct(p.threshold)
        ))
        .figure("目标", target, measure)
        .figure("实际", actual, measure)
        .figure("实际/目标", ratio * Decimal::ONE_HUNDRED, "%");
        if let Some(leaf) = leaf {
            finding = finding.on(&leaf.id);
            let current = scores.entry(leaf.id.clone()).or_insert(leaf.score);
            let deduction = leaf.points * p.slope * (ratio - p.threshold);
            let lowest = leaf.points * p.floor;
            let new = (*current - deduction).max(lowest).min(*current);
            let delta = new - *current;
            if delta < Decimal::ZERO {
                out.adjust(
                    &leaf.id,
                    delta,
                    format!(
                        "偏离度: 「{name}」实际/目标 {} ≥ {}, 未说明原因, 扣 {} × {} × ({} − {}) = {:.2}, 不低于 {} × {} = {:.2}",
                        pct(ratio),
                        pct(p.threshold),
                        num(leaf.points),
                        num(p.slope),
                        num(round(ratio, 4)),
                        num(p.threshold),
                        round(deduction, 2),
                        num(p.floor),
                        num(leaf.points),
                        round(lowest, 2)
                    ),
                );
                *current = new;
            }
        }
        out.push(finding);
    }
    out
}

pub fn plugin() -> Plugin {
    Plugin::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")).rule(
        Rule::with_params(
            "target_deviation",
            "实际达目标 threshold 倍及以上须说明原因, 否则按 slope 扣分, 不低于 floor × 分值",
            target_deviation,
        )
        .needs(&[Part::Goals, Part::Indicators, Part::Leaves]),
    )
}

jixiao_plugin_api::export_plugin!(plugin);

#[cfg(test)]
mod tests {
    use jixiao_plugin_api::model::SelfEvaluation;
    use jixiao_plugin_api::wire::Leaf;
    use rust_decimal_macros::dec;
    use serde_json::json;

    fn inflated() -> SelfEvaluation {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/units/project/synthetic-inflated-2024.toml"
        );
        SelfEvaluation::load(std::path::Path::new(path))
            .unwrap()
            .into_inner()
    }

    fn leaf() -> Leaf {
        Leaf {
            id: "output[1]".into(),
            name: "举办全民健身赛事".into(),
            points: dec!(30),
            score: dec!(30),
        }
    }

    #[test]
    fn an_unexplained_row_reduces_its_leaf_down_to_the_floor() {
        // 25 / 10 = 250 %: 30 × 0.2 × (2.5 − 1.3) = 7.2, but not below 0.8 × 30 = 24: −6.
        let out = super::plugin()
            .evaluate("target_deviation", &json!({}), &inflated(), &[leaf()])
            .unwrap();
        assert_eq!(out.findings.len(), 1);
        assert_eq!(out.adjustments.len(), 1);
        assert_eq!(out.adjustments[0].delta, dec!(-6));
        // A gentler slope stays above the floor: 30 × 0.1 × 1.2 = 3.6.
        let out = super::plugin()
            .evaluate(
                "target_deviation",
                &json!({"slope": "0.1"}),
                &inflated(),
                &[leaf()],
            )
            .unwrap();
        assert_eq!(out.adjustments[0].delta, dec!(-3.6));
    }

    #[test]
    fn an_explained_row_is_left_alone() {
        let mut unit = inflated();
        unit.indicators[1].explanation = Some("年中增加了社区联赛, 场次随之增加".into());
        let out = super::plugin()
            .evaluate("target_deviation", &json!({}), &unit, &[leaf()])
            .unwrap();
        assert!(out.findings.is_empty() && out.adjustments.is_empty());
    }

    /// What the handshake declares of the rules: each parameter with its kind, default and doc.
    const RULES: &str = r#"[{"name":"target_deviation","summary":"实际达目标 threshold 倍及以上须说明原因, 否则按 slope 扣分, 不低于 floor × 分值","params":[{"name":"threshold","kind":"decimal","required":false,"default":"1.3","doc":"实际/目标 at or above which an explanation is needed"},{"name":"slope","kind":"decimal","required":false,"default":"0.2","doc":"share of the leaf's points deducted per 100 % above the threshold"},{"name":"floor","kind":"decimal","required":false,"default":"0.8","doc":"the leaf keeps at least this share of its points"},{"name":"indicator","kind":"string","required":false,"default":"","doc":"leaf id a goal's deviation reduces (rows reduce their own leaf)","leaf":true}],"needs":["goals","indicators","leaves"]}]"#;

    #[test]
    fn the_manifest_declares_each_parameter_with_its_default() {
        let manifest = super::plugin().manifest();
        assert_eq!(serde_json::to_string(&manifest.rules).unwrap(), RULES);
    }
}
