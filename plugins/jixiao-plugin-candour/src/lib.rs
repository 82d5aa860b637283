//! Candour of the report (坦诚度, docs/domain.md §6): a problems (存在的问题) or improvements
//! (改进措施) section that is absent, says only "无" / "暂无" (the `empty_words`), or is shorter
//! than `min_chars` characters is a soft finding; with `deduction` > 0 each such section also
//! takes that many points off the leaf `indicator`.

use jixiao_plugin_api::wire::ParamSpec;
use jixiao_plugin_api::{Decimal, Finding, Input, LeafId, Output, Part, Plugin, Rule, RuleParams};
use serde::Deserialize;

jixiao_plugin_api::params! {
    /// The parameters as the rule set gives them.
    #[derive(Debug)]
    struct RawParams {
        /// a section shorter than this (letters and digits) says nothing
        min_chars: usize = 10,
        /// texts that mean nothing
        empty_words: Vec<String> = ["无", "暂无", "没有", "无问题", "暂无问题", "不存在问题"]
            .map(String::from)
            .to_vec(),
        /// points off `indicator` per empty section
        deduction: Decimal = Decimal::ZERO,
        /// the leaf id a deduction applies to
        indicator: Option<LeafId> = None,
    }
}

/// The rule's parameters; a deduction needs a leaf to take it from.
#[derive(Debug, Deserialize)]
#[serde(try_from = "RawParams")]
pub struct Params {
    pub min_chars: usize,
    pub empty_words: Vec<String>,
    pub deduction: Option<(Decimal, String)>,
}

/// Declared as the rule set gives them.
impl RuleParams for Params {
    fn specs() -> Vec<ParamSpec> {
        RawParams::specs()
    }
}

impl TryFrom<RawParams> for Params {
    type Error = String;
    fn try_from(raw: RawParams) -> Result<Params, String> {
        let deduction = match (raw.deduction, raw.indicator) {
            (d, _) if d.is_sign_negative() => {
                return Err(format!("`deduction` must be 0 or more, found {d}"));
            }
            (d, _) if d.is_zero() => None,
            (d, Some(id)) => Some((d, id.into())),
            (_, None) => {
                return Err("`deduction` needs `indicator`, the leaf to deduct from".into());
            }
        };
        Ok(Params {
            min_chars: raw.min_chars,
            empty_words: raw.empty_words,
            deduction,
        })
    }
}

/// The text without space and punctuation.
fn bare(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

pub fn narrative_candour(input: &Input<'_>, p: &Params) -> Output {
    let mut out = Output::new();
    let narrative = &input.unit.narrative;
    for (section, text) in [
        ("存在的问题及原因分析", narrative.problems.as_deref()),
        ("下一步改进措施", narrative.improvements.as_deref()),
    ] {
        let written = text.map(str::trim).unwrap_or("");
        let bare = bare(written);
        let why = if bare.is_empty() {
            "未填写".to_owned()
        } else if p.empty_words.contains(&bare) {
            format!("仅写「{written}」")
        } else if bare.chars().count() < p.min_chars {
            format!(
                "仅 {} 字「{written}」, 少于 {} 字",
                bare.chars().count(),
                p.min_chars
            )
        } else {
            continue;
        };
        let mut finding = Finding::soft(format!("「{section}」{why}, 自评未如实反映问题"));
        if let Some((points, indicator)) = &p.deduction {
            finding = finding.on(indicator);
            out.adjust(
                indicator,
                -*points,
                format!("坦诚度: 「{section}」{why}, 扣 {}", points.normalize()),
            );
        }
        out.push(finding);
    }
    out
}

pub fn plugin() -> Plugin {
    Plugin::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")).rule(
        Rule::with_params(
            "narrative_candour",
            "问题与改进措施为空、仅写「无」「暂无」或少于 min_chars 字: 提示, 可扣分",
            narrative_candour,
        )
        .needs(&[Part::Narrative]),
    )
}

jixiao_plugin_api::export_plugin!(plugin);

#[cfg(test)]
mod tests {
    use jixiao_plugin_api::model::SelfEvaluation;
    use jixiao_plugin_api::wire::Leaf;
    use rust_decimal_macros::dec;
    use serde_json::json;

    fn sample() -> SelfEvaluation {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/units/department/lusong-kexie-2024.toml"
        );
        SelfEvaluation::load(std::path::Path::new(path))
            .unwrap()
            .into_inner()
    }

    #[test]
    fn the_sample_says_nothing_and_a_deduction_applies_per_section() {
        let leaves = [Leaf {
            id: "x".into(),
            name: "x".into(),
            points: dec!(5),
            score: dec!(5),
        }];
        let out = super::plugin()
            .evaluate(
                "narrative_candour",
                &json!({"deduction": "1.5", "indicator": "x"}),
                &sample(),
                &leaves,
            )
            .unwrap();
        assert_eq!(out.findings.len(), 2);
        let deltas: Vec<_> = out.adjustments.iter().map(|a| a.delta).collect();
        assert_eq!(deltas, vec![dec!(-1.5), dec!(-1.5)]);
    }

    #[test]
    fn a_real_section_passes_and_a_short_one_does_not() {
        let mut unit = sample();
        unit.narrative.problems = Some("部分项目资金执行进度偏慢, 绩效目标设置不够细化。".into());
        unit.narrative.improvements = Some("加强管理".into());
        let out = super::plugin()
            .evaluate("narrative_candour", &json!({}), &unit, &[])
            .unwrap();
        assert_eq!(out.findings.len(), 1);
        assert_eq!(
            out.findings[0].message,
            "「下一步改进措施」仅 4 字「加强管理」, 少于 10 字, 自评未如实反映问题"
        );
        let err = super::plugin()
            .evaluate("narrative_candour", &json!({"deduction": "1"}), &unit, &[])
            .unwrap_err();
        assert_eq!(
            err,
            "`deduction` needs `indicator`, the leaf to deduct from"
        );
    }

    /// What the handshake declares of the rules: each parameter with its kind, default and doc.
    const RULES: &str = r#"[{"name":"narrative_candour","summary":"问题与改进措施为空、仅写「无」「暂无」或少于 min_chars 字: 提示, 可扣分","params":[{"name":"min_chars","kind":"integer","required":false,"default":"10","doc":"a section shorter than this (letters and digits) says nothing"},{"name":"empty_words","kind":"strings","required":false,"default":"[\"无\", \"暂无\", ...]","doc":"texts that mean nothing"},{"name":"deduction","kind":"decimal","required":false,"default":"0","doc":"points off `indicator` per empty section"},{"name":"indicator","kind":"string","required":false,"default":"","doc":"the leaf id a deduction applies to","leaf":true}],"needs":["narrative"]}]"#;

    #[test]
    fn the_manifest_declares_each_parameter_with_its_default() {
        let manifest = super::plugin().manifest();
        assert_eq!(serde_json::to_string(&manifest.rules).unwrap(), RULES);
    }
}
