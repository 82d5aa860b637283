//! Wire format 1: the JSON that crosses the boundary as bytes.
//!
//! Every document carries `"format": 1` ([`crate::WIRE_FORMAT`]). Decimals (money, points,
//! rates) are JSON strings such as `"85.33"`, never JSON numbers. Within format 1 the host may add
//! optional keys; readers ignore keys they do not know (the SDK drops unknown keys of the unit
//! before reading it). Removing or retyping a key is a new format.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub use crate::sdk::{Adjustment, Figure, Finding, Severity};

/// What a plugin declares of itself in its handshake.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The plugin's name, e.g. `jixiao-plugin-deviation`.
    pub name: String,
    /// The plugin's version, e.g. `0.1.0`.
    pub version: String,
    pub rules: Vec<RuleSpec>,
}

/// A rule a plugin offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSpec {
    pub name: String,
    /// One line on what the rule does.
    pub summary: String,
    pub params: Vec<ParamSpec>,
}

/// A parameter of a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSpec {
    pub name: String,
    pub kind: crate::ParamKind,
    pub required: bool,
    /// The default as text, for documentation (`"1.3"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    pub doc: String,
}

/// What a request asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Check a rule's parameters (at load time); the response has no findings.
    CheckParams,
    /// Run a rule on one unit.
    Evaluate,
}

/// A request from the host (reading side: unit and params kept raw until needed).
#[derive(Debug, Deserialize)]
pub struct Request<'a> {
    pub format: u32,
    pub op: Op,
    pub rule: String,
    /// The rule's parameters from the rule set: an object; TOML floats arrive as decimal strings.
    #[serde(borrow)]
    pub params: &'a RawValue,
    /// The unit (`jixiao_model::SelfEvaluation` as JSON); absent for `check_params`.
    #[serde(borrow, default)]
    pub unit: Option<&'a RawValue>,
    /// The leaves of the indicator tree as scored so far.
    #[serde(default)]
    pub leaves: Vec<Leaf>,
}

/// A scored leaf of the indicator tree, as a plugin sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaf {
    /// The leaf's id in the rule set, e.g. `output.completion`.
    pub id: String,
    pub name: String,
    pub points: Decimal,
    pub score: Decimal,
}

/// A plugin's answer to `evaluate` (and, with nothing in it, to `check_params`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub format: u32,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
}
