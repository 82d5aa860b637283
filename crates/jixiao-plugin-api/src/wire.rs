//! Wire format 1: the JSON that crosses the boundary as bytes.
//!
//! Every document carries `"format": 1` ([`crate::WIRE_FORMAT`]). Decimals (money, points,
//! rates) are JSON strings such as `"85.33"`, never JSON numbers. Within format 1 the host may add
//! optional keys; readers ignore keys they do not know (the SDK drops unknown keys of the unit
//! before reading it). Removing or retyping a key is a new format.

use jixiao_model::SelfEvaluation;
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
    /// The parts of the request the rule reads ([`Part`] names, e.g. `["narrative"]`). Absent:
    /// the whole unit and the leaves, as for every plugin built before this key existed. Present:
    /// the unit carries only these keys (and `unit` and `budget`, always), the others read as
    /// their defaults, and `leaves` is empty unless `"leaves"` is listed. A name the host does not
    /// know makes it send everything, as if the key were absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<Vec<String>>,
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
    /// The value (a string) is the id of a leaf of the rule set's indicator tree, which the host
    /// checks when it loads the rule set (`jixiao check`): a misspelt id is an error, not a
    /// deduction silently dropped. Added within format 1, both ways compatible: absent is
    /// `false`, and a host that does not know the key ignores it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub leaf: bool,
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

/// A part of an `evaluate` request a rule can declare in its manifest's `needs`: a top-level key
/// of the unit, or the scored `leaves`.
///
/// `unit` (who, which year, which kind) and `budget` (the general public budget) are always sent,
/// since the model requires them; naming them is allowed and changes nothing. Every other key of
/// the unit a rule did not declare is left out of the request and reads as its default (`None`,
/// an empty list, a default table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    Unit,
    Staffing,
    Goals,
    Budget,
    Execution,
    Accounts,
    Funds,
    Base,
    Tasks,
    Indicators,
    Claims,
    Facts,
    Narrative,
    Declared,
    /// The scored leaves of the indicator tree (not a key of the unit).
    Leaves,
}

impl Part {
    /// Every part, the keys of the unit in the order the model serialises them, then `leaves`.
    pub const ALL: [Part; 15] = [
        Part::Unit,
        Part::Staffing,
        Part::Goals,
        Part::Budget,
        Part::Execution,
        Part::Accounts,
        Part::Funds,
        Part::Base,
        Part::Tasks,
        Part::Indicators,
        Part::Claims,
        Part::Facts,
        Part::Narrative,
        Part::Declared,
        Part::Leaves,
    ];

    /// The name in `needs` (the unit's key).
    pub fn name(self) -> &'static str {
        match self {
            Part::Unit => "unit",
            Part::Staffing => "staffing",
            Part::Goals => "goals",
            Part::Budget => "budget",
            Part::Execution => "execution",
            Part::Accounts => "accounts",
            Part::Funds => "funds",
            Part::Base => "base",
            Part::Tasks => "tasks",
            Part::Indicators => "indicators",
            Part::Claims => "claims",
            Part::Facts => "facts",
            Part::Narrative => "narrative",
            Part::Declared => "declared",
            Part::Leaves => "leaves",
        }
    }

    /// The part of this name, if this version knows it.
    pub fn from_name(name: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Sent whatever a rule declares: the model cannot be read without them.
    pub fn always_sent(self) -> bool {
        matches!(self, Part::Unit | Part::Budget)
    }

    /// Writes `"key":value` of this part of the unit to `out`, exactly as the unit's own
    /// serialisation writes that key, and returns true; returns false, writing nothing, where
    /// the model's serialisation leaves the key out (an empty list, `None`) and for
    /// [`Part::Leaves`], which is not in the unit. Writing every part, comma-separated inside
    /// braces, gives the bytes of `serde_json::to_vec(unit)`.
    pub fn write(self, unit: &SelfEvaluation, out: &mut Vec<u8>) -> bool {
        fn put<T: Serialize + ?Sized>(out: &mut Vec<u8>, key: &str, value: &T) -> bool {
            out.push(b'"');
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(b"\":");
            serde_json::to_writer(&mut *out, value).expect("a part of a unit always serialises");
            true
        }
        // Destructured in full so that a new key of the model does not compile until it is a part.
        let SelfEvaluation {
            unit: identity,
            staffing,
            goals,
            budget,
            execution,
            accounts,
            funds,
            base,
            tasks,
            indicators,
            claims,
            facts,
            narrative,
            declared,
        } = unit;
        let key = self.name();
        match self {
            Part::Unit => put(out, key, identity),
            Part::Staffing => staffing.as_ref().is_some_and(|v| put(out, key, v)),
            Part::Goals => !goals.is_empty() && put(out, key, goals),
            Part::Budget => put(out, key, budget),
            Part::Execution => execution.as_ref().is_some_and(|v| put(out, key, v)),
            Part::Accounts => put(out, key, accounts),
            Part::Funds => !funds.is_empty() && put(out, key, funds),
            Part::Base => put(out, key, base),
            Part::Tasks => !tasks.is_empty() && put(out, key, tasks),
            Part::Indicators => !indicators.is_empty() && put(out, key, indicators),
            Part::Claims => !claims.is_empty() && put(out, key, claims),
            Part::Facts => !facts.is_empty() && put(out, key, facts),
            Part::Narrative => put(out, key, narrative),
            Part::Declared => declared.as_ref().is_some_and(|v| put(out, key, v)),
            Part::Leaves => false,
        }
    }
}

/// The parts a `needs` list names, sorted, with `unit` and `budget` added; `None` when the list
/// is absent or names a part this version does not know (then the whole unit is sent).
pub fn parts(needs: Option<&[String]>) -> Option<Vec<Part>> {
    let mut parts = vec![Part::Unit, Part::Budget];
    for name in needs? {
        parts.push(Part::from_name(name)?);
    }
    parts.sort_unstable();
    parts.dedup();
    Some(parts)
}

/// The unit as a rule that reads only `parts` sees it: every other key at its default.
pub fn project(unit: &SelfEvaluation, parts: &[Part]) -> SelfEvaluation {
    let has = |part: Part| part.always_sent() || parts.contains(&part);
    // Destructured in full, as in `Part::write`.
    let SelfEvaluation {
        unit: identity,
        staffing,
        goals,
        budget,
        execution,
        accounts,
        funds,
        base,
        tasks,
        indicators,
        claims,
        facts,
        narrative,
        declared,
    } = unit.clone();
    /// The value when its part is read, else the default a missing key reads as.
    fn keep<T: Default>(read: bool, value: T) -> T {
        if read { value } else { T::default() }
    }
    SelfEvaluation {
        unit: identity,
        staffing: keep(has(Part::Staffing), staffing),
        goals: keep(has(Part::Goals), goals),
        budget,
        execution: keep(has(Part::Execution), execution),
        accounts: keep(has(Part::Accounts), accounts),
        funds: keep(has(Part::Funds), funds),
        base: keep(has(Part::Base), base),
        tasks: keep(has(Part::Tasks), tasks),
        indicators: keep(has(Part::Indicators), indicators),
        claims: keep(has(Part::Claims), claims),
        facts: keep(has(Part::Facts), facts),
        narrative: keep(has(Part::Narrative), narrative),
        declared: keep(has(Part::Declared), declared),
    }
}
