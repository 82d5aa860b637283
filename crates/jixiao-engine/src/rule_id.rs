//! [`RuleId`]: what produced a finding, as a type. Written as today's ids (`fund_reconciliation`,
//! `missing_input`, `plugin/rule`), so the serialised scorecards keep their form.

use std::fmt;

use jixiao_rules::CheckId;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A rule of the engine itself, not a check a rule set can turn off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EngineRule {
    /// A leaf's input is missing and the rule set scores it 0.
    MissingInput,
    /// A leaf's figures are there but its formula has no value (a zero denominator).
    UndefinedInput,
    /// A qualitative self-score outside its tier's range.
    Tiers,
    /// A figure of a document a person must look at (two tables or a table and the text
    /// disagreeing, an implausible amount): the reader's review (jixiao-ingest), a finding on a
    /// unit read from a document.
    DocumentReview,
    /// A leaf whose arithmetic went past the range of a decimal: an error finding, 0 points.
    Overflow,
    /// A figure of the unit against the bureau's own records (`--ledger`, jixiao-round): a
    /// difference beyond the rule set's `[ledger]` tolerance, or a figure the unit left out taken
    /// from the ledger. Runs only when a ledger is given, so a rule set does not turn it off.
    Ledger,
    /// A figure read with a conversion the unit should confirm (a percentage typed as 0.96, an
    /// amount typed as text in 元): the reader's note, a soft finding of the unit.
    ReadingNote,
    /// A figure of the year before against the unit's own record of that year in the results
    /// store (`--db`): a difference beyond the rule set's `[history]` tolerance (hard), or a
    /// figure the unit left out taken from the store (soft). Runs only with a store.
    History,
}

impl EngineRule {
    pub const ALL: [EngineRule; 8] = [
        EngineRule::MissingInput,
        EngineRule::UndefinedInput,
        EngineRule::Tiers,
        EngineRule::DocumentReview,
        EngineRule::Overflow,
        EngineRule::Ledger,
        EngineRule::ReadingNote,
        EngineRule::History,
    ];

    /// The id as written in scorecards.
    pub fn as_str(self) -> &'static str {
        match self {
            EngineRule::MissingInput => "missing_input",
            EngineRule::UndefinedInput => "undefined_input",
            EngineRule::Tiers => "tiers",
            EngineRule::DocumentReview => "document_review",
            EngineRule::Overflow => "overflow",
            EngineRule::Ledger => "ledger",
            EngineRule::ReadingNote => "reading_note",
            EngineRule::History => "history",
        }
    }

    /// The rule's name for people.
    pub fn label(self) -> &'static str {
        match self {
            EngineRule::MissingInput => "缺少数据",
            EngineRule::UndefinedInput => "无法计算",
            EngineRule::Tiers => "定性得分超出档次",
            EngineRule::DocumentReview => "文档数据需人工核对",
            EngineRule::Overflow => "数值超出计算范围",
            EngineRule::Ledger => "与财政数据核对",
            EngineRule::ReadingNote => "读取时转换, 请确认",
            EngineRule::History => "与成绩库上年数据核对",
        }
    }
}

/// What produced a finding: a built-in check, a rule of the engine, or a plugin's rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    Check(CheckId),
    Engine(EngineRule),
    /// A rule of a plugin, by the plugin's name and the rule's.
    Plugin {
        plugin: String,
        rule: String,
    },
}

impl RuleId {
    /// The rule's name for people (a unit or a bureau officer), in Chinese.
    pub fn label(&self) -> String {
        match self {
            RuleId::Check(check) => check.label().to_owned(),
            RuleId::Engine(rule) => rule.label().to_owned(),
            // The plugin and rule ids stay in their own column; the message says what it found.
            RuleId::Plugin { .. } => "插件规则".to_owned(),
        }
    }

    /// Whether a plugin produced it.
    pub fn is_plugin(&self) -> bool {
        matches!(self, RuleId::Plugin { .. })
    }

    /// Parses the written id: a check's, an engine rule's, or `plugin/rule`.
    pub fn parse(text: &str) -> Option<RuleId> {
        if let Some((plugin, rule)) = text.split_once('/') {
            return (!plugin.is_empty() && !rule.is_empty()).then(|| RuleId::Plugin {
                plugin: plugin.to_owned(),
                rule: rule.to_owned(),
            });
        }
        CheckId::ALL
            .into_iter()
            .find(|c| c.as_str() == text)
            .map(RuleId::Check)
            .or_else(|| {
                EngineRule::ALL
                    .into_iter()
                    .find(|r| r.as_str() == text)
                    .map(RuleId::Engine)
            })
    }
}

impl From<CheckId> for RuleId {
    fn from(check: CheckId) -> RuleId {
        RuleId::Check(check)
    }
}

impl From<EngineRule> for RuleId {
    fn from(rule: EngineRule) -> RuleId {
        RuleId::Engine(rule)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleId::Check(check) => f.write_str(check.as_str()),
            RuleId::Engine(rule) => f.write_str(rule.as_str()),
            RuleId::Plugin { plugin, rule } => write!(f, "{plugin}/{rule}"),
        }
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        RuleId::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown rule `{text}`: expected a built-in check, an engine rule or `plugin/rule`"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_reads_back_and_has_a_chinese_label() {
        let all = CheckId::ALL
            .into_iter()
            .map(RuleId::Check)
            .chain(EngineRule::ALL.into_iter().map(RuleId::Engine))
            .chain([RuleId::Plugin {
                plugin: "jixiao-plugin-deviation".into(),
                rule: "target_deviation".into(),
            }]);
        for id in all {
            assert_eq!(RuleId::parse(&id.to_string()), Some(id.clone()));
            let label = id.label();
            assert!(
                label
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{id}: {label}"
            );
        }
        assert_eq!(RuleId::parse("no_such_rule"), None);
        assert_eq!(RuleId::parse("/rule"), None);
    }
}
