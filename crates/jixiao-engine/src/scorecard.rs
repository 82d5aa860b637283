//! The scorecard: what the engine produces, and everything needed to explain it.

use jixiao_model::{EvaluationKind, FieldPath};

use crate::RuleId;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The result of scoring one unit under one rule set. Written as JSON with every score, points
/// and total shown at the rule set's decimals and exact beside it (`scorecard_json.rs`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Scorecard {
    pub unit: UnitRef,
    pub rule_set: RuleSetRef,
    /// Points of the rule set (normally 100).
    #[serde(rename(deserialize = "points_exact"))]
    pub points: Decimal,
    /// The total as shown: rounded to the rule set's `score_decimals` (graded, under the
    /// default `[totals] grade_on = "shown"`).
    pub total: Decimal,
    /// The total before rounding.
    pub total_exact: Decimal,
    /// The grade band the total falls in (the rounded or the exact one, as `[totals] grade_on`
    /// says); `None` only if the rule set's bands leave the total
    /// out (validation refuses bands with gaps, so a validated rule set always grades).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Present when not-applicable leaves were dropped and the rest rescaled to the total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescaled: Option<Rescale>,
    /// Under `[totals] sum = "exact"`, where the leaves as shown do not add up to the total as
    /// shown: what they add up to (the scorecard says that shown figures are rounded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_sum: Option<ShownSum>,
    /// What the unit declared, and how far it is from the recomputed total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared: Option<DeclaredComparison>,
    pub indicators: Vec<ScoredIndicator>,
    pub findings: Vec<Finding>,
    /// The rule plugins that ran on this unit, with version and library hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plugins: Vec<crate::PluginRef>,
    /// The figures checked against the bureau's own records (`--ledger`): both values and which
    /// one scored. Empty without a ledger; filled by the caller after scoring (the engine never
    /// sees the ledger: the unit it scores already carries the figures that were used).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<LedgerFigure>,
    /// The figures of the year before the unit left out and the results store (`--db`) gave:
    /// each with the record's year and run. Empty without a store; filled by the caller before
    /// scoring (the unit the engine scores already carries them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryFigure>,
    /// The re-review (复核) of this unit, where it was re-reviewed: the final total and grade and
    /// every change. `None` from the engine; set by `jixiao_review::apply`. The system's total,
    /// grade and scores above stay as the engine computed them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewRecord>,
}

impl Scorecard {
    /// The grade for people: the band's name, or 无等级 when no band holds the total.
    pub fn grade_label(&self) -> &str {
        self.grade.as_deref().unwrap_or("无等级")
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Every leaf of the tree, depth first, with its path of ancestors' names.
    pub fn leaves(&self) -> Vec<(Vec<&str>, &ScoredIndicator)> {
        fn walk<'a>(
            node: &'a ScoredIndicator,
            path: &mut Vec<&'a str>,
            out: &mut Vec<(Vec<&'a str>, &'a ScoredIndicator)>,
        ) {
            if node.children.is_empty() {
                out.push((path.clone(), node));
            } else {
                path.push(&node.name);
                for child in &node.children {
                    walk(child, path, out);
                }
                path.pop();
            }
        }
        let mut out = Vec::new();
        for node in &self.indicators {
            walk(node, &mut Vec::new(), &mut out);
        }
        out
    }

    /// The indicator with this id, anywhere in the tree.
    pub fn indicator(&self, id: &str) -> Option<&ScoredIndicator> {
        fn find<'a>(nodes: &'a [ScoredIndicator], id: &str) -> Option<&'a ScoredIndicator> {
            nodes
                .iter()
                .find_map(|n| (n.id == id).then_some(n).or_else(|| find(&n.children, id)))
        }
        find(&self.indicators, id)
    }
}

/// Who was scored: the unit's identity as its evaluation gives it, for a bureau to match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub name: String,
    /// 单位编码: the unit's code in the budget system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub year: u16,
    pub kind: EvaluationKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// 项目编码: the project's code in the budget system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_code: Option<String>,
    /// 主管部门: the department the unit or project answers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervisor: Option<String>,
    /// 地区, e.g. 湖南省株洲市芦淞区.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSetRef {
    pub id: String,
    pub name: String,
    pub version: String,
    /// The rule set this one extends (继承自), when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<ParentRef>,
    /// The rule set's `score_decimals`: the places every score, points and total is shown at
    /// (in the JSON too). 2 where a scorecard written before it was recorded is read.
    #[serde(default = "default_score_decimals")]
    pub score_decimals: u32,
}

fn default_score_decimals() -> u32 {
    2
}

impl RuleSetRef {
    /// The identity of `rules` (and of the rule set it extends) as scorecards record it.
    pub fn of(rules: &jixiao_rules::RuleSet) -> RuleSetRef {
        RuleSetRef {
            id: rules.id.clone(),
            name: rules.name.clone(),
            version: rules.version.clone(),
            extends: ParentRef::of(rules),
            score_decimals: rules.score_decimals,
        }
    }
}

/// The rule set a scorecard's rule set extends: its identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentRef {
    pub id: String,
    pub name: String,
    pub version: String,
}

impl ParentRef {
    /// The parent of `rules`, if it extends one.
    pub fn of(rules: &jixiao_rules::RuleSet) -> Option<ParentRef> {
        rules.inheritance.as_ref().map(|i| ParentRef {
            id: i.parent.id.clone(),
            name: i.parent.name.clone(),
            version: i.parent.version.clone(),
        })
    }
}

/// Under `[totals] sum = "exact"`: the leaves' scores as shown (each rounded to the rule set's
/// `score_decimals`) add up to another total than the one shown, which is the exact scores'
/// sum rounded. Both figures are shown figures (at `score_decimals`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct ShownSum {
    /// The leaves' scores as shown, summed (各项得分之和).
    pub leaves: Decimal,
    /// What that sum gives as a total: itself, or where leaves were dropped, rescaled as the
    /// total is (leaves × points / available), rounded. Differs from the scorecard's total.
    pub total: Decimal,
}

impl ShownSum {
    /// The plain-Chinese note of a scorecard whose shown leaves add up to `self.total` while the
    /// total shows `total`: 各项得分四舍五入显示, 合计按未舍入的得分计算, ….
    pub fn note(&self, total: Decimal, places: u32, rescaled: bool) -> String {
        let p = |v: Decimal| crate::fmt::points(v, places);
        let gap = total.checked_sub(self.total).unwrap_or_default().abs();
        let sum = if rescaled {
            format!("各项之和 {} 折算后为 {}", p(self.leaves), p(self.total))
        } else {
            format!("各项之和 {}", p(self.total))
        };
        format!(
            "各项得分四舍五入显示, 合计按未舍入的得分计算, 故{sum}, 与总分 {} 相差 {}",
            p(total),
            p(gap)
        )
    }
}

/// Not-applicable leaves dropped and the rest scaled up: total = raw × points / available.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Rescale {
    /// Points of the leaves that remained.
    #[serde(rename(deserialize = "available_exact"))]
    pub available: Decimal,
    /// Sum of their scores before scaling.
    #[serde(rename(deserialize = "raw_exact"))]
    pub raw: Decimal,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeclaredComparison {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename(deserialize = "total_exact"))]
    pub total: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Declared total minus recomputed total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename(deserialize = "gap_exact"))]
    pub gap: Option<Decimal>,
}

/// One node of the scored tree.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ScoredIndicator {
    pub id: String,
    pub name: String,
    #[serde(rename(deserialize = "points_exact"))]
    pub points: Decimal,
    #[serde(rename(deserialize = "score_exact"))]
    pub score: Decimal,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ScoredIndicator>,
    /// The points the unit gave itself for this node, on this node's points: for a leaf, the
    /// 得分 of its row in the unit's 自评表 (or of the 自评表's execution row, for 预算执行率),
    /// scaled from the row's own points where they differ ([`ScoredIndicator::self_score_from`]);
    /// for a group, its children's summed, when every child has one. `None` where the unit gave
    /// none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename(deserialize = "self_score_exact"))]
    pub self_score: Option<Decimal>,
    /// Where the unit's row carries other points than the leaf (a row of 5 points shared into a
    /// leaf of 7.5): the self-score as the unit wrote it and the row's points, from which
    /// [`ScoredIndicator::self_score`] is scaled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_score_from: Option<SelfScoreFrom>,
    /// [`ScoredIndicator::self_score`] minus the recomputed `score` (after any plugin
    /// adjustment): positive where the unit scored itself higher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename(deserialize = "self_score_gap_exact"))]
    pub self_score_gap: Option<Decimal>,
    /// Leaves only: how the score came about. Boxed: a node is moved as it is built, and in
    /// a scores-only run there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Box<Detail>>,
    /// The re-review's score (复核得分), on this node's points. A leaf: the reviewer's score where
    /// the leaf was reviewed (where the reviewer left the system's score, the system's exact
    /// score); `None` where the review did not cover it. A group: its children's final scores
    /// summed (each child's `reviewed`, else its `score`), where any leaf under it was reviewed;
    /// `None` otherwise. `score` stays the system's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename(deserialize = "reviewed_exact"))]
    pub reviewed: Option<Decimal>,
}

impl ScoredIndicator {
    /// The score that counts after a re-review: the reviewed score where there is one, else the
    /// system's.
    pub fn final_score(&self) -> Decimal {
        self.reviewed.unwrap_or(self.score)
    }
}

/// A unit's re-review (复核): the final total and grade, by the rule set's tree and bands from
/// the reviewed leaves, and each score the reviewer changed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReviewRecord {
    /// 复核后总分: the final total, rounded to the rule set's `score_decimals`.
    pub total: Decimal,
    /// The final total before rounding.
    pub total_exact: Decimal,
    /// The band the final total falls in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Present when not-applicable leaves were dropped: the final raw sum over the same
    /// available points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescaled: Option<Rescale>,
    /// As [`Scorecard::shown_sum`], for the final scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_sum: Option<ShownSum>,
    /// Who reviewed the unit (复核人, as written), each once, in the order first met.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviewers: Vec<String>,
    /// Each leaf whose score the reviewer changed, in the tree's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ReviewChange>,
}

impl ReviewRecord {
    /// The final grade for people: the band's name, or 无等级.
    pub fn grade_label(&self) -> &str {
        self.grade.as_deref().unwrap_or("无等级")
    }
}

/// One leaf's score changed by the reviewer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReviewChange {
    /// The leaf's id in the rule set.
    pub indicator: String,
    /// The leaf's name.
    pub name: String,
    /// The leaf's points (分值).
    #[serde(rename(deserialize = "points_exact"))]
    pub points: Decimal,
    /// The system's score (系统得分), exact.
    #[serde(rename(deserialize = "system_exact"))]
    pub system: Decimal,
    /// The reviewer's score (复核得分), as written.
    #[serde(rename(deserialize = "reviewed_exact"))]
    pub reviewed: Decimal,
    /// 复核意见.
    pub reason: String,
    /// 复核人, as written.
    pub reviewer: String,
    /// 复核日期, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The cell the score was read from (`复核表.xlsx!复核!F12`).
    pub at: String,
}

/// A self-score as the unit wrote it, out of its row's own points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct SelfScoreFrom {
    /// The 得分 the unit wrote.
    #[serde(rename(deserialize = "score_exact"))]
    pub score: Decimal,
    /// The 分值 of the unit's row.
    #[serde(rename(deserialize = "points_exact"))]
    pub points: Decimal,
}

/// How a leaf's score came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Scored,
    /// Input missing: 0 points.
    Missing,
    /// Not applicable: full points.
    NotApplicable,
    /// Not applicable: dropped, the rest rescaled.
    Dropped,
}

/// The explanation of one leaf's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detail {
    /// The method's name in the rule set, e.g. `step_deduction`.
    pub method: String,
    /// The rule in words.
    pub rule: String,
    /// The figures the rule was applied to.
    pub inputs: Vec<Figure>,
    /// The arithmetic, with the figures in it.
    pub formula: String,
    /// Why points were lost (absent at full points).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Score adjustments by rule plugins, in the order applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<crate::Adjustment>,
}

/// A labelled figure. Rates are given in percent with unit `%`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub label: String,
    pub value: Decimal,
    pub unit: String,
    /// The unit's fields the figure is (or is summed from), e.g. `budget.opening`; empty for a
    /// figure the engine derived (a difference, a recomputed score). Readers' provenance is
    /// keyed by the same paths, so a scorecard's 数据来源 is found by field, never by label.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldPath>,
}

impl Figure {
    pub fn new(label: impl Into<String>, value: Decimal, unit: impl Into<String>) -> Figure {
        Figure {
            label: label.into(),
            value,
            unit: unit.into(),
            fields: Vec::new(),
        }
    }

    /// The figure, read from the unit's field `field`.
    #[must_use]
    pub fn of(mut self, field: FieldPath) -> Figure {
        self.fields.push(field);
        self
    }

    /// The figure, read from (or summed over) the unit's `fields`.
    #[must_use]
    pub fn of_all(mut self, fields: impl IntoIterator<Item = FieldPath>) -> Figure {
        self.fields.extend(fields);
        self
    }

    /// A rate (a fraction) shown in percent, exact and without trailing zeros (`700`, `250`,
    /// `23.3805668…`, whatever scale the arithmetic left on it); one too large to multiply by 100
    /// (beyond any the engine computes from figures within bounds) as the fraction itself.
    pub fn rate(label: impl Into<String>, fraction: Decimal) -> Figure {
        match fraction.checked_mul(Decimal::ONE_HUNDRED) {
            Some(percent) => Figure::new(label, percent.normalize(), "%"),
            None => Figure::new(label, fraction, ""),
        }
    }

    pub fn amount(label: impl Into<String>, wan: Decimal) -> Figure {
        Figure::new(label, wan, "万元")
    }
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value = crate::fmt::number(self.value);
        match self.unit.as_str() {
            "%" => write!(f, "{} {value}%", self.label),
            "" => write!(f, "{} {value}", self.label),
            unit => write!(f, "{} {value} {unit}", self.label),
        }
    }
}

/// One figure of the unit checked against the bureau's own records (财政数据): the unit's value,
/// the ledger's, and which of them the metrics used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerFigure {
    /// The unit's field, e.g. `budget.full_year`.
    pub field: FieldPath,
    /// The figure's name, e.g. 全年预算数.
    pub label: String,
    /// What the unit reported; absent when it left the figure out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_value: Option<Decimal>,
    /// What the ledger gives (amounts converted to 万元).
    pub ledger_value: Decimal,
    /// Which value the metrics used.
    pub used: UsedFigure,
    /// Unit of measure: 万元 for amounts, 人 for 编制数.
    pub measure: String,
}

impl LedgerFigure {
    /// The ledger's value minus the unit's; absent when the unit gave none.
    pub fn difference(&self) -> Option<Decimal> {
        self.unit_value
            .and_then(|unit| self.ledger_value.checked_sub(unit))
    }
}

/// A figure of the year before taken from the results store (成绩库): the unit left it out, and
/// its own record of that year gave it (e.g. that year's 三公经费 as this year's 上年三公经费).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryFigure {
    /// This year's field the figure went into, e.g. `base.three_public_last_year`.
    pub field: FieldPath,
    /// The figure's name, e.g. 上年三公经费.
    pub label: String,
    /// The stored value (万元).
    pub value: Decimal,
    /// Unit of measure: 万元.
    pub measure: String,
    /// The year of the record it came from (the unit's year − 1).
    pub year: u16,
    /// The run of the store that recorded it (`jixiao runs`).
    pub run: i64,
}

/// Which of the two values of a [`LedgerFigure`] the metrics used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsedFigure {
    /// The unit's own figure (the two agree, or the rule set says `use = "unit"`).
    Unit,
    /// The ledger's figure.
    Ledger,
    /// Neither: the unit has no place for the ledger's figure (编制数 with no 人员情况, whose
    /// 在职人数 the ledger does not give), so the unit was scored without it.
    Neither,
}

impl UsedFigure {
    /// How the scorecard says it: 单位填报, 财政数据, 未采用.
    pub fn label(self) -> &'static str {
        match self {
            UsedFigure::Unit => "单位填报",
            UsedFigure::Ledger => "财政数据",
            UsedFigure::Neither => "未采用",
        }
    }
}

/// Something a reviewer must (hard) or should (soft) look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A figure or score is wrong.
    Hard,
    /// Worth a reviewer's look.
    Soft,
    /// A rule (a plugin) could not run on this unit; the rest of the unit was scored.
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Hard => "硬性",
            Severity::Soft => "提示",
            Severity::Error => "错误",
        }
    }
}

/// One finding on a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The check or rule that produced it, written `fund_reconciliation`, `plugin/rule`.
    pub rule: RuleId,
    pub severity: Severity,
    /// The indicator concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<Figure>,
}
