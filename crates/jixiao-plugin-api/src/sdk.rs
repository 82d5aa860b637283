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
    /// errors of a rule set with bad parameters. The rule declares no parameter: for a rule that
    /// takes some, [`Rule::with_params`].
    pub fn new<P>(
        name: impl Into<String>,
        summary: impl Into<String>,
        check: fn(&Input<'_>, &P) -> Output,
    ) -> Rule
    where
        P: DeserializeOwned + 'static,
    {
        Rule::build(name.into(), summary.into(), Vec::new(), check)
    }

    /// A rule run by `check(input, params)` whose parameters `P` are declared once, with
    /// [`params!`](crate::params): the manifest declares each (name, kind, default, doc), and a
    /// parameter the rule set leaves out takes its typed default. A required parameter left out
    /// is an error (the host says so before the plugin is asked; this says it in process too).
    pub fn with_params<P: RuleParams>(
        name: impl Into<String>,
        summary: impl Into<String>,
        check: fn(&Input<'_>, &P) -> Output,
    ) -> Rule {
        Rule::build(name.into(), summary.into(), P::specs(), check)
    }

    fn build<P>(
        name: String,
        summary: String,
        params: Vec<ParamSpec>,
        check: fn(&Input<'_>, &P) -> Output,
    ) -> Rule
    where
        P: DeserializeOwned + 'static,
    {
        let required: Vec<String> = params
            .iter()
            .filter(|p| p.required)
            .map(|p| p.name.clone())
            .collect();
        let required_too = required.clone();
        Rule {
            spec: RuleSpec {
                name,
                summary,
                params,
                needs: None,
            },
            run: Box::new(move |input, raw| Ok(check(input, &parse(&required, raw)?))),
            check: Box::new(move |raw| parse::<P>(&required_too, raw).map(drop)),
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
    #[deprecated(
        note = "declare the parameters once, with `params!` and `Rule::with_params`: the default is then written once, as its typed value"
    )]
    pub fn param(mut self, param: Param) -> Rule {
        self.spec.params.push(param.0);
        self
    }
}

/// The rule set's parameters as a `P`; a required one left out is an error.
fn parse<P: DeserializeOwned>(required: &[String], raw: &RawValue) -> Result<P, String> {
    if !required.is_empty() {
        let given: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        if let Some(missing) = required.iter().find(|name| !given.contains_key(*name)) {
            return Err(format!("missing field `{missing}`"));
        }
    }
    serde_json::from_str(raw.get()).map_err(|e| e.to_string())
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
            leaf: false,
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
            leaf: false,
        })
    }
}

/// A rule's parameters, declared once: implemented by [`params!`](crate::params), which also
/// gives the type its `Default` (every parameter at its declared default).
pub trait RuleParams: DeserializeOwned + 'static {
    /// Each parameter's declaration, in order: the manifest's `params`.
    fn specs() -> Vec<ParamSpec>;
}

/// A type a parameter may have: its [`ParamKind`], and how the manifest shows a default of it.
pub trait ParamValue {
    const KIND: ParamKind;
    /// Whether the value is the id of a leaf of the rule set ([`LeafId`]), checked by the host.
    const LEAF: bool = false;
    /// The value as the manifest (and `jixiao plugin`) shows a default: `1.3`, `预算执行率`.
    fn shown(&self) -> String;
}

impl ParamValue for Decimal {
    const KIND: ParamKind = ParamKind::Decimal;
    fn shown(&self) -> String {
        self.normalize().to_string()
    }
}

macro_rules! integer_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            const KIND: ParamKind = ParamKind::Integer;
            fn shown(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
integer_param!(usize, u32, u64, i64);

impl ParamValue for String {
    const KIND: ParamKind = ParamKind::String;
    fn shown(&self) -> String {
        self.clone()
    }
}

/// A parameter naming a leaf of the rule set's indicator tree by its id (`output.completion`),
/// e.g. the leaf a deduction applies to. A string on the wire; the manifest declares it
/// `"leaf": true`, and the host refuses a rule set whose value names no leaf, with the nearest
/// ids, when it loads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LeafId(pub String);

impl std::ops::Deref for LeafId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<LeafId> for String {
    fn from(id: LeafId) -> String {
        id.0
    }
}

impl ParamValue for LeafId {
    const KIND: ParamKind = ParamKind::String;
    const LEAF: bool = true;
    fn shown(&self) -> String {
        self.0.clone()
    }
}

impl ParamValue for bool {
    const KIND: ParamKind = ParamKind::Bool;
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl ParamValue for Vec<String> {
    const KIND: ParamKind = ParamKind::Strings;
    /// The first two strings, quoted, and `...` for the rest: `["无", "暂无", ...]`.
    fn shown(&self) -> String {
        let mut shown: Vec<String> = self.iter().take(2).map(|s| format!("{s:?}")).collect();
        if self.len() > 2 {
            shown.push("...".to_owned());
        }
        format!("[{}]", shown.join(", "))
    }
}

/// A parameter that may be left out with no default: shown as nothing (`""`).
impl<T: ParamValue> ParamValue for Option<T> {
    const KIND: ParamKind = T::KIND;
    const LEAF: bool = T::LEAF;
    fn shown(&self) -> String {
        self.as_ref().map(T::shown).unwrap_or_default()
    }
}

/// One parameter's declaration, for [`params!`](crate::params): `default` is `None` for a
/// required parameter; `doc` is its doc comment, line by line.
#[doc(hidden)]
pub fn spec<T: ParamValue>(name: &str, default: Option<&T>, doc: &[&str]) -> ParamSpec {
    let doc: Vec<&str> = doc.iter().map(|line| line.trim()).collect();
    ParamSpec {
        name: name.into(),
        kind: T::KIND,
        required: default.is_none(),
        default: default.map(ParamValue::shown),
        doc: doc.join(" "),
        leaf: T::LEAF,
    }
}

/// Declares a rule's parameters once: the struct the rule set's `params` table is read into
/// (`deny_unknown_fields`), its `Default` (each parameter at its default) and its
/// [`RuleParams`] (the manifest's declarations, with the defaults shown from the typed values
/// and each parameter's doc comment as its doc). A parameter without `= default` is required
/// (its type must still be `Default`). Give the rule with [`Rule::with_params`].
///
/// ```
/// use jixiao_plugin_api::{Decimal, RuleParams};
///
/// jixiao_plugin_api::params! {
///     #[derive(Debug)]
///     pub struct Params {
///         /// 实际/目标 at or above which an explanation is needed
///         pub threshold: Decimal = Decimal::new(13, 1),
///         /// leaf id a goal's deviation reduces
///         pub indicator: Option<String> = None,
///     }
/// }
///
/// let specs = Params::specs();
/// assert_eq!(specs[0].name, "threshold");
/// assert_eq!(specs[0].default.as_deref(), Some("1.3"));
/// assert_eq!(Params::default().threshold, Decimal::new(13, 1));
/// ```
///
/// The struct derives `serde::Deserialize`: the plugin depends on `serde`, as every plugin does.
#[macro_export]
macro_rules! params {
    (@default $default:expr) => { $default };
    (@default) => { ::std::default::Default::default() };
    (@given $value:expr, $default:expr) => { ::std::option::Option::Some(&$value) };
    (@given $value:expr) => { ::std::option::Option::None };
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[doc = $doc:literal])+
                $fvis:vis $field:ident : $ty:ty $(= $default:expr)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(::serde::Deserialize)]
        #[serde(default, deny_unknown_fields)]
        $vis struct $name {
            $(
                $(#[doc = $doc])+
                $fvis $field: $ty,
            )*
        }

        impl ::std::default::Default for $name {
            fn default() -> Self {
                $name {
                    $($field: $crate::params!(@default $($default)?),)*
                }
            }
        }

        impl $crate::RuleParams for $name {
            fn specs() -> ::std::vec::Vec<$crate::wire::ParamSpec> {
                let _defaults = <$name as ::std::default::Default>::default();
                ::std::vec![$(
                    $crate::sdk_spec::<$ty>(
                        ::std::stringify!($field),
                        $crate::params!(@given _defaults.$field $(, $default)?),
                        &[$($doc),+],
                    ),
                )*]
            }
        }
    };
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    crate::params! {
        #[derive(Debug, PartialEq)]
        struct Declared {
            /// a rate
            /// over two lines
            rate: Decimal = Decimal::new(25, 2),
            /// a count
            count: u32 = 3,
            /// words
            words: Vec<String> = vec!["甲".into(), "乙".into(), "丙".into()],
            /// two words
            two: Vec<String> = vec!["甲".into(), "乙".into()],
            /// maybe a leaf
            leaf: Option<String> = None,
            /// a flag
            flag: bool = true,
            /// the leaf to take points from
            indicator: String,
        }
    }

    fn run(_: &Input<'_>, _: &Declared) -> Output {
        Output::new()
    }

    #[test]
    fn one_declaration_gives_the_manifest_and_the_defaults() {
        let shown: Vec<(String, ParamKind, bool, Option<String>, String)> = Declared::specs()
            .into_iter()
            .map(|s| (s.name, s.kind, s.required, s.default, s.doc))
            .collect();
        let optional = |name: &str, kind, default: &str, doc: &str| {
            (name.into(), kind, false, Some(default.into()), doc.into())
        };
        assert_eq!(
            shown,
            [
                optional("rate", ParamKind::Decimal, "0.25", "a rate over two lines"),
                optional("count", ParamKind::Integer, "3", "a count"),
                optional("words", ParamKind::Strings, r#"["甲", "乙", ...]"#, "words"),
                optional("two", ParamKind::Strings, r#"["甲", "乙"]"#, "two words"),
                optional("leaf", ParamKind::String, "", "maybe a leaf"),
                optional("flag", ParamKind::Bool, "true", "a flag"),
                (
                    "indicator".into(),
                    ParamKind::String,
                    true,
                    None,
                    "the leaf to take points from".into()
                ),
            ]
        );
    }

    #[test]
    fn left_out_parameters_take_their_typed_defaults_and_required_ones_are_required() {
        let read: Declared = serde_json::from_value(json!({"indicator": "x", "count": 5})).unwrap();
        let expected = Declared {
            rate: Decimal::new(25, 2),
            count: 5,
            words: vec!["甲".into(), "乙".into(), "丙".into()],
            two: vec!["甲".into(), "乙".into()],
            leaf: None,
            flag: true,
            indicator: "x".into(),
        };
        assert_eq!(read, expected);
        let rule = Rule::with_params("r", "", run);
        let check = |params: serde_json::Value| {
            let raw = RawValue::from_string(params.to_string()).unwrap();
            (rule.check)(&raw)
        };
        assert_eq!(check(json!({"indicator": "x"})), Ok(()));
        assert_eq!(
            check(json!({})),
            Err("missing field `indicator`".to_owned())
        );
        let unknown = check(json!({"indicator": "x", "rates": 1})).unwrap_err();
        assert!(
            unknown.starts_with("unknown field `rates`"),
            "parameters are read with deny_unknown_fields: {unknown}"
        );
    }
}
