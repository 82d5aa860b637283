//! Uniform full marks (docs/domain.md §6): every row of the unit's table at full points (at least
//! `min_rows` rows), or a self-declared total at `full` (default 100). Soft findings only.

use jixiao_plugin_api::{Decimal, Finding, Input, Output, Part, Plugin, Rule};

jixiao_plugin_api::params! {
    #[derive(Debug)]
    pub struct Params {
        /// fewer rows than this are not judged
        pub min_rows: usize = 2,
        /// a declared total at or above this is full marks
        pub full: Decimal = Decimal::ONE_HUNDRED,
    }
}

pub fn uniform_full_marks(input: &Input<'_>, p: &Params) -> Output {
    let mut out = Output::new();
    let unit = input.unit;
    let rows = &unit.indicators;
    if rows.len() >= p.min_rows.max(1) && rows.iter().all(|r| r.self_score == Some(r.points)) {
        out.push(Finding::soft(format!(
            "自评表全部 {} 个指标均自评满分, 缺乏区分度",
            rows.len()
        )));
    }
    if let Some(total) = unit.declared.as_ref().and_then(|d| d.total)
        && total >= p.full
    {
        out.push(
            Finding::soft(format!("自评总分为满分 {} 分", total.normalize())).figure(
                "自评总分",
                total,
                "分",
            ),
        );
    }
    out
}

pub fn plugin() -> Plugin {
    Plugin::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")).rule(
        Rule::with_params(
            "uniform_full_marks",
            "全部指标满分或自评总分满分: 提示",
            uniform_full_marks,
        )
        .needs(&[Part::Indicators, Part::Declared]),
    )
}

jixiao_plugin_api::export_plugin!(plugin);

#[cfg(test)]
mod tests {
    /// What the handshake declares of the rules: each parameter with its kind, default and doc.
    const RULES: &str = r#"[{"name":"uniform_full_marks","summary":"全部指标满分或自评总分满分: 提示","params":[{"name":"min_rows","kind":"integer","required":false,"default":"2","doc":"fewer rows than this are not judged"},{"name":"full","kind":"decimal","required":false,"default":"100","doc":"a declared total at or above this is full marks"}],"needs":["indicators","declared"]}]"#;

    #[test]
    fn the_manifest_declares_each_parameter_with_its_default() {
        let manifest = super::plugin().manifest();
        assert_eq!(serde_json::to_string(&manifest.rules).unwrap(), RULES);
    }
}
