//! What a plugin author writes against: plain functions over the unit, registered as rules.

use jixiao_model::SelfEvaluation;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::WIRE_FORMAT;
use crate::wire::{Leaf, Manifest, ParamSpec, Part, RuleSpec};

/// A plugin: its name, version and rules.
pub struct Plugin {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) rules: Vec<Rule>,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("name", &self.name)
            .field("version", &self.version)
            .field("rules", &self.rules)
            .finish()
    }
}

impl Plugin {
    /// A plugin with no rules yet; pass `env!("CARGO_PKG_NAME")` and `env!("CARGO_PKG_VERSION")`.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Plugin {
        Plugin {
            name: name.into(),
            version: version.into(),
            rules: Vec::new(),
        }
    }

    /// Adds a rule.
    pub fn rule(mut self, rule: Rule) -> Plugin {
        self.rules.push(rule);
        self
    }

    /// The manifest the handshake sends: name, version and each rule's declarations.
    pub fn manifest(&self) -> Manifest {
        Manifest {
            format: WIRE_FORMAT,
            name: self.name.clone(),
            version: self.version.clone(),
            rules: self.rules.iter().map(|r| r.spec.clone()).collect(),
        }
    }

    /// Runs a rule in process, as the host would through the ABI: for unit tests of plugins. A
    /// rule that declares [`Rule::needs`] sees only those parts, as through the ABI, so a test
    /// catches a rule that reads a part it did not declare.
    pub fn evaluate(
        &self,
        rule: &str,
        params: &serde_json::Value,
        unit: &SelfEvaluation,
        leaves: &[Leaf],
    ) -> Result<Output, String> {
        let rule = self.find(rule)?;
        let params = serde_json::to_string(params).map_err(|e| e.to_string())?;
        let params = RawValue::from_string(params).map_err(|e| e.to_string())?;
        (rule.check)(&params)?;
        match crate::wire::parts(rule.spec.needs.as_deref()) {
            None => (rule.run)(&Input { unit, leaves }, &params),
            Some(parts) => {
                let unit = crate::wire::project(unit, &parts);
                let leaves = if parts.contains(&Part::Leaves) {
                    leaves
                } else {
                    &[]
                };
                (rule.run)(
                    &Input {
                        unit: &unit,
                        leaves,
                    },
                    &params,
                )
            }
        }
    }

    pub(crate) fn find(&self, rule: &str) -> Result<&Rule, String> {
        self.rules
            .iter()
            .find(|r| r.spec.name == rule)
            .ok_or_else(|| {
                format!(
                    "the plugin offers no rule `{rule}` (it offers: {})",
                    self.rules
                        .iter()
                        .map(|r| r.spec.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

type RunFn = dyn Fn(&Input<'_>, &RawValue) -> Result<Output, String> + Send + Sync;
type CheckFn = dyn Fn(&RawValue) -> Result<(), String> + Send + Sync;

/// A rule: a name, a summary, its parameters and the function that runs it.
pub struct Rule {
    pub(crate) spec: RuleSpec,
    pub(crate) run: Box<RunFn>,
    pub(crate) check: Box<CheckFn>,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("spec", &self.spec).finish()
    }
}

impl Rule {
    /// A rule run by `check(input, params)`. `P` is read from the rule set's `params` table:
    /// give it `#[serde(deny_unknown_fields)]` and defaults, and its errors become the load
    /// errors of a rule set with bad parameters.
    pub fn new<P>(
        name: impl Into<String>,
        summary: impl Into<String>,
        check: fn(&Input<'_>, &P) -> Output,
    ) -> Rule
    where
        P: DeserializeOwned + 'static,
    {
        let parse = |raw: &RawValue| -> Result<P, String> {
            serde_json::from_str(raw.get()).map_err(|e| e.to_string())
        };
        Rule {
            spec: RuleSpec {
                name: name.into(),
                summary: summary.into(),
                params: Vec::new(),
                needs: None,
            },
            run: Box::new(move |input, raw| Ok(check(input, &parse(raw)?))),
            check: Box::new(move |raw| parse(raw).map(drop)),
        }
    }

    /// Declares the parts of the unit the rule reads (and [`Part::Leaves`] if it reads the
    /// scored leaves): the host then sends only those, which is much cheaper than the whole unit.
    /// Parts not declared read as their defaults (empty lists, `None`); `unit` and `budget` are
    /// always there. Without this the rule gets the whole unit and the leaves.
    pub fn needs(mut self, parts: &[Part]) -> Rule {
        let mut names: Vec<String> = self.spec.needs.take().unwrap_or_default();
        names.extend(parts.iter().map(|p| p.name().to_owned()));
        self.spec.needs = Some(names);
        self
    }

    /// Declares a parameter (for the handshake, the host's checks and the docs).
    pub fn param(mut self, param: Param) -> Rule {
        self.spec.params.push(param.0);
        self
    }
}

/// A parameter declaration.
#[derive(Debug, Clone)]
pub struct Param(ParamSpec);

impl Param {
    /// An optional parameter with a default (as text, for the docs).
    pub fn optional(name: &str, kind: ParamKind, default: &str, doc: &str) -> Param {
        Param(ParamSpec {
            name: name.into(),
            kind,
            required: false,
            default: Some(default.into()),
            doc: doc.into(),
        })
    }

    /// A parameter the rule set must give.
    pub fn required(name: &str, kind: ParamKind, doc: &str) -> Param {
        Param(ParamSpec {
            name: name.into(),
            kind,
            required: true,
            default: None,
            doc: doc.into(),
        })
    }
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// A decimal number: a TOML number, sent as a decimal string.
    Decimal,
    Integer,
    String,
    Bool,
    /// An array of strings.
    Strings,
}

/// What a rule sees of one unit.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub unit: &'a SelfEvaluation,
    /// The scored leaves of the indicator tree (id, name, points, score so far).
    pub leaves: &'a [Leaf],
}

impl Input<'_> {
    /// The leaf with this id.
    pub fn leaf(&self, id: &str) -> Option<&Leaf> {
        self.leaves.iter().find(|l| l.id == id)
    }
}

/// What a rule found on one unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    pub findings: Vec<Finding>,
    pub adjustments: Vec<Adjustment>,
}

impl Output {
    pub fn new() -> Output {
        Output::default()
    }

    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Asks to move leaf `indicator`'s score by `delta` points (negative deducts); the host keeps
    /// the leaf within `[0, points]`.
    pub fn adjust(&mut self, indicator: &str, delta: Decimal, reason: impl Into<String>) {
        self.adjustments.push(Adjustment {
            indicator: indicator.into(),
            delta,
            reason: reason.into(),
        });
    }
}

/// Hard (a figure is wrong) or soft (worth a look).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Hard,
    Soft,
}

/// A finding on a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<Figure>,
}

/// A labelled figure of a finding; rates in percent with unit `%`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub label: String,
    pub value: Decimal,
    pub unit: String,
}

impl Finding {
    pub fn soft(message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Soft,
            indicator: None,
            message: message.into(),
            figures: Vec::new(),
        }
    }

    pub fn hard(message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Hard,
            ..Finding::soft(message)
        }
    }

    /// The indicator concerned.
    pub fn on(mut self, indicator: impl Into<String>) -> Finding {
        self.indicator = Some(indicator.into());
        self
    }

    pub fn figure(mut self, label: impl Into<String>, value: Decimal, unit: &str) -> Finding {
        self.figures.push(Figure {
            label: label.into(),
            value,
            unit: unit.into(),
        });
        self
    }
}

/// A requested score adjustment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adjustment {
    pub indicator: String,
    pub delta: Decimal,
    pub reason: String,
}
