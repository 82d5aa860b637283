//! Spending against claims (docs/domain.md §6), on the general public budget:
//! - claimed achievement ahead of execution: the share of indicator points the unit gave itself
//!   exceeds the execution rate by more than `claim_margin` (relative, default 5 %);
//! - more than `unspent_max` (default 20 %) of the full-year budget unspent;
//! - execution below `low_execution` (default 50 %) with every output row (产出指标) at full points.
//!
//! Soft findings only. Rows under `execution_level1` (default 预算执行率) are not claims.

use jixiao_plugin_api::model::{IndicatorRow, round};
use jixiao_plugin_api::{Decimal, Finding, Input, Output, Part, Plugin, Rule};

jixiao_plugin_api::params! {
    #[derive(Debug)]
    pub struct Params {
        /// claimed share may exceed the execution rate by this much, relative
        pub claim_margin: Decimal = Decimal::new(5, 2),
        /// largest unspent share of the full-year budget
        pub unspent_max: Decimal = Decimal::new(2, 1),
        /// execution rate below which full output points are suspect
        pub low_execution: Decimal = Decimal::new(5, 1),
        /// 一级指标 of the unit's execution rows (not claims)
        pub execution_level1: String = "预算执行率".into(),
        /// 一级指标 of the unit's output rows
        pub output_level1: String = "产出指标".into(),
    }
}

fn pct(fraction: Decimal) -> String {
    format!("{:.2}%", round(fraction * Decimal::ONE_HUNDRED, 2))
}

pub fn spending_vs_claims(input: &Input<'_>, p: &Params) -> Output {
    let mut out = Output::new();
    let unit = input.unit;
    let Some((budget, _)) = unit.budget.full_year_budget() else {
        return out;
    };
    if budget <= Decimal::ZERO {
        return out;
    }
    let spent = unit.budget.spent;
    let rate = spent / budget;
    let claims: Vec<&IndicatorRow> = unit
        .indicators
        .iter()
        .filter(|r| r.level1.trim() != p.execution_level1 && r.self_score.is_some())
        .collect();
    let points: Decimal = claims.iter().map(|r| r.points).sum();
    if !points.is_zero() {
        let claimed: Decimal = claims.iter().filter_map(|r| r.self_score).sum();
        let share = claimed / points;
        let limit = rate * (Decimal::ONE + p.claim_margin);
        if share > limit {
            out.push(
                Finding::soft(format!(
                    "自评得分占指标分值 {} ({} / {}), 高于预算执行率 {} 的 {} 倍 ({}): 所称成效超前于资金执行",
                    pct(share),
                    claimed.normalize(),
                    points.normalize(),
                    pct(rate),
                    (Decimal::ONE + p.claim_margin).normalize(),
                    pct(limit)
                ))
                .figure("自评得分占比", share * Decimal::ONE_HUNDRED, "%")
                .figure("预算执行率", rate * Decimal::ONE_HUNDRED, "%"),
            );
        }
    }
    let unspent = Decimal::ONE - rate;
    if unspent > p.unspent_max {
        out.push(
            Finding::soft(format!(
                "全年预算 {} 万元中 {} 万元未支出 ({}), 超过 {}",
                budget.normalize(),
                (budget - spent).normalize(),
                pct(unspent),
                pct(p.unspent_max)
            ))
            .figure("全年预算数", budget, "万元")
            .figure("全年执行数", spent, "万元"),
        );
    }
    let outputs: Vec<&IndicatorRow> = unit
        .indicators
        .iter()
        .filter(|r| r.level1.trim() == p.output_level1)
        .collect();
    let all_full = !outputs.is_empty() && outputs.iter().all(|r| r.self_score == Some(r.points));
    if rate < p.low_execution && all_full {
        out.push(
            Finding::soft(format!(
                "预算执行率仅 {} (低于 {}), 而 {} 个产出指标均自评满分",
                pct(rate),
                pct(p.low_execution),
                outputs.len()
            ))
            .figure("预算执行率", rate * Decimal::ONE_HUNDRED, "%"),
        );
    }
    out
}

pub fn plugin() -> Plugin {
    Plugin::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")).rule(
        Rule::with_params(
            "spending_vs_claims",
            "所称成效超前于资金执行、结余过多、低执行率而产出满分: 提示",
            spending_vs_claims,
        )
        .needs(&[Part::Budget, Part::Indicators]),
    )
}

jixiao_plugin_api::export_plugin!(plugin);

#[cfg(test)]
mod tests {
    /// What the handshake declares of the rules: each parameter with its kind, default and doc.
    const RULES: &str = r#"[{"name":"spending_vs_claims","summary":"所称成效超前于资金执行、结余过多、低执行率而产出满分: 提示","params":[{"name":"claim_margin","kind":"decimal","required":false,"default":"0.05","doc":"claimed share may exceed the execution rate by this much, relative"},{"name":"unspent_max","kind":"decimal","required":false,"default":"0.2","doc":"largest unspent share of the full-year budget"},{"name":"low_execution","kind":"decimal","required":false,"default":"0.5","doc":"execution rate below which full output points are suspect"},{"name":"execution_level1","kind":"string","required":false,"default":"预算执行率","doc":"一级指标 of the unit's execution rows (not claims)"},{"name":"output_level1","kind":"string","required":false,"default":"产出指标","doc":"一级指标 of the unit's output rows"}],"needs":["budget","indicators"]}]"#;

    #[test]
    fn the_manifest_declares_each_parameter_with_its_default() {
        let manifest = super::plugin().manifest();
        assert_eq!(serde_json::to_string(&manifest.rules).unwrap(), RULES);
    }
}
