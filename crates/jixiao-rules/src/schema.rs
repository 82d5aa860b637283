//! The rule-set schema, as it stands in TOML.

use std::fmt::Write as _;

use jixiao_model::EvaluationKind;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A bureau's rule set for one kind of self-evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Short stable identifier, e.g. `hunan-department`.
    pub id: String,
    /// Display name, e.g. 湖南省部门整体支出绩效评价.
    pub name: String,
    /// The rule set's own version; recorded in every scorecard.
    pub version: String,
    /// The budget year it is meant for.
    pub year: u16,
    /// Which kind of self-evaluation it scores.
    pub applies_to: EvaluationKind,
    /// Points of the whole tree, normally 100.
    pub total: Decimal,
    /// Decimal places the total is shown and graded at.
    #[serde(default = "default_score_decimals")]
    pub score_decimals: u32,
    /// `[totals]`: what the total sums (exact or shown leaf scores) and which total is graded.
    #[serde(default, skip_serializing_if = "crate::TotalsPolicy::is_default")]
    pub totals: crate::TotalsPolicy,
    #[serde(default)]
    pub tolerances: Tolerances,
    /// Grade bands, each half-open `[min, max)`; the band whose `max` is the total includes it.
    pub grades: Vec<GradeBand>,
    #[serde(default)]
    pub checks: Checks,
    /// The indicator tree: 一级 → 二级 → 三级.
    pub indicators: Vec<Indicator>,
    /// Rule plugins (shared libraries) whose rules run after the tree is scored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plugins: Vec<PluginEntry>,
    /// How a unit's figures are checked against the bureau's own records (`--ledger`).
    #[serde(default, skip_serializing_if = "LedgerPolicy::is_default")]
    pub ledger: LedgerPolicy,
    /// How last year's figures from the results store (`--db`) are taken and compared.
    #[serde(default, skip_serializing_if = "HistoryPolicy::is_default")]
    pub history: HistoryPolicy,
    /// Set when the rule set `extends` another: the parent and what this one changed (never
    /// written in TOML as such; see `docs/rule-sets.md`, Inheritance).
    #[serde(skip)]
    pub inheritance: Option<crate::Inheritance>,
}

/// `[ledger]`: how a unit's figures are checked against the bureau's own records (财政数据: the
/// budget system's or the final accounts' export, given with `--ledger`). Without a ledger file
/// nothing here applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerPolicy {
    /// Which figure the metrics use when the unit and the ledger both give one and they differ
    /// beyond the tolerance (`use = "ledger"` or `"unit"`).
    #[serde(rename = "use", default)]
    pub prefer: LedgerPreference,
    /// 万元: an amount of the unit within this of the ledger's agrees (no finding, the unit's
    /// figure stands); counts (编制数) must be equal. Default 0.005, rounding to the 0.01 万元
    /// units report in.
    #[serde(default = "default_amount_tolerance")]
    pub amount_tolerance: Decimal,
}

impl Default for LedgerPolicy {
    fn default() -> Self {
        LedgerPolicy {
            prefer: LedgerPreference::default(),
            amount_tolerance: default_amount_tolerance(),
        }
    }
}

impl LedgerPolicy {
    /// Whether the policy is the default one (not written back when a rule set is serialised).
    pub fn is_default(&self) -> bool {
        *self == LedgerPolicy::default()
    }
}

/// `[history]`: how a unit's figures of the year before are checked against, and taken from, the
/// results store (成绩库, `--db`): the unit's own record of that year. Without a store nothing
/// here applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryPolicy {
    /// 万元: a last-year amount of the unit within this of the store's agrees (no finding).
    /// Default 0.005, as the ledger's.
    #[serde(default = "default_amount_tolerance")]
    pub amount_tolerance: Decimal,
}

impl Default for HistoryPolicy {
    fn default() -> Self {
        HistoryPolicy {
            amount_tolerance: default_amount_tolerance(),
        }
    }
}

impl HistoryPolicy {
    /// Whether the policy is the default one (not written back when a rule set is serialised).
    pub fn is_default(&self) -> bool {
        *self == HistoryPolicy::default()
    }
}

/// Whose figure scores when the unit's and the ledger's differ beyond the tolerance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerPreference {
    /// The bureau's record: the figure the budget system holds (the default: the point of the
    /// check is not to take a unit's figures on trust).
    #[default]
    Ledger,
    /// The unit's own figure; the difference is still a finding.
    Unit,
}

/// A rule plugin the rule set uses: `[[plugins]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginEntry {
    /// The plugin's name; must match the name the library declares in its handshake.
    pub name: String,
    /// The library, relative to the rule-set file. Without an extension, the platform's naming is
    /// applied: `lib<name>.so`, `lib<name>.dylib` or `<name>.dll`.
    pub path: String,
    /// SHA-256 of the library (64 lowercase hex digits); a library whose hash differs is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The plugin's rules this rule set uses, each with its parameters.
    pub rules: Vec<PluginRule>,
}

/// One rule of a plugin, with its parameters: `[[plugins.rules]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginRule {
    /// The rule's name as the plugin offers it.
    pub rule: String,
    /// Parameters, checked by the plugin when it is loaded.
    #[serde(default)]
    pub params: toml::Table,
}

fn default_score_decimals() -> u32 {
    2
}

/// Tolerances for comparing a unit's own figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerances {
    /// Points: a self-score within this of the recomputed score agrees.
    #[serde(default = "default_score_tolerance")]
    pub score: Decimal,
    /// 万元: two amounts within this agree (0.005 is rounding to the reported 0.01).
    #[serde(default = "default_amount_tolerance")]
    pub amount: Decimal,
}

fn default_score_tolerance() -> Decimal {
    Decimal::new(1, 1)
}

fn default_amount_tolerance() -> Decimal {
    Decimal::new(5, 3)
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            score: default_score_tolerance(),
            amount: default_amount_tolerance(),
        }
    }
}

/// One grade: scores in `[min, max)` get `name`; the top band also takes `max` itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    /// e.g. 优.
    pub name: String,
    pub min: Decimal,
    pub max: Decimal,
    /// Other words units write for this grade, e.g. 优秀 for 优.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl GradeBand {
    /// Whether a grade as a unit wrote it (`优`, `优秀`) names this band.
    pub fn is_named(&self, written: &str) -> bool {
        let written = written.trim();
        written == self.name || self.aliases.iter().any(|a| a == written)
    }
}

impl RuleSet {
    /// The grades' names, best first (the highest band first), as summaries list them whatever
    /// order the rule set writes its bands in.
    pub fn grade_names(&self) -> Vec<String> {
        let mut bands: Vec<&GradeBand> = self.grades.iter().collect();
        bands.sort_by_key(|band| std::cmp::Reverse(band.min));
        bands.into_iter().map(|band| band.name.clone()).collect()
    }

    /// The grade band a (rounded) total falls in. Validation guarantees the bands cover
    /// `0..=total`; a score outside that range (which the engine never produces) gets `None`.
    pub fn grade_for(&self, score: Decimal) -> Option<&GradeBand> {
        self.grades.iter().find(|band| {
            score >= band.min && (score < band.max || (band.max == self.total && score == band.max))
        })
    }
}

/// Parameters of the built-in checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    /// Built-in checks to skip.
    #[serde(default)]
    pub disabled: Vec<CheckId>,
    /// Largest share the full-year budget may move from the opening budget (预算调整率) before a
    /// soft finding.
    #[serde(default = "default_budget_adjustment_max")]
    pub budget_adjustment_max: Decimal,
    /// A narrative section reading only one of these (ignoring punctuation and space) is empty.
    #[serde(default = "default_empty_words")]
    pub empty_words: Vec<String>,
    /// A / T at or above which a higher-is-better score raises the soft `over_achievement`
    /// finding (偏差原因 expected), where the leaf's method configures no
    /// `over_achievement.threshold` of its own. Default 1.3 (130 % of target).
    #[serde(default = "default_over_achievement_threshold")]
    pub over_achievement_threshold: Decimal,
}

fn default_over_achievement_threshold() -> Decimal {
    Decimal::new(13, 1)
}

fn default_budget_adjustment_max() -> Decimal {
    Decimal::new(2, 1)
}

fn default_empty_words() -> Vec<String> {
    ["无", "暂无", "没有", "无问题", "暂无问题", "不存在问题"]
        .map(String::from)
        .to_vec()
}

impl Default for Checks {
    fn default() -> Self {
        Checks {
            disabled: Vec::new(),
            budget_adjustment_max: default_budget_adjustment_max(),
            empty_words: default_empty_words(),
            over_achievement_threshold: default_over_achievement_threshold(),
        }
    }
}

impl Checks {
    pub fn enabled(&self, check: CheckId) -> bool {
        !self.disabled.contains(&check)
    }
}

/// The built-in checks (docs/domain.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// A fund line: opening + change ≠ spent + carried over.
    FundReconciliation,
    /// A fund's sources do not add up to what it spent.
    FundSources,
    /// 基本支出 + 项目支出 ≠ 财政拨款支出; 人员经费 + 公用经费 ≠ 基本支出; funds ≠ 项目支出.
    Totals,
    /// Spending above the full-year budget.
    Overspending,
    /// The budget moved more than `budget_adjustment_max` during the year.
    BudgetAdjustment,
    /// The declared grade does not match the declared total.
    DeclaredGrade,
    /// Self-scores (per indicator and total) against the recomputed ones.
    SelfScores,
    /// The unit's rows do not add up to its declared total.
    RowSums,
    /// Problems or improvements sections empty or "无".
    EmptyNarrative,
    /// A cost indicator (成本指标) written as ≥.
    CostDirection,
    /// An actual at or above the over-achievement threshold × target (a higher-is-better row or
    /// goal, or metric) with no explanation (偏差原因).
    OverAchievement,
}

impl CheckId {
    pub const ALL: [CheckId; 11] = [
        CheckId::FundReconciliation,
        CheckId::FundSources,
        CheckId::Totals,
        CheckId::Overspending,
        CheckId::BudgetAdjustment,
        CheckId::DeclaredGrade,
        CheckId::SelfScores,
        CheckId::RowSums,
        CheckId::EmptyNarrative,
        CheckId::CostDirection,
        CheckId::OverAchievement,
    ];

    /// The id as written in rule sets and findings.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::FundReconciliation => "fund_reconciliation",
            CheckId::FundSources => "fund_sources",
            CheckId::Totals => "totals",
            CheckId::Overspending => "overspending",
            CheckId::BudgetAdjustment => "budget_adjustment",
            CheckId::DeclaredGrade => "declared_grade",
            CheckId::SelfScores => "self_scores",
            CheckId::RowSums => "row_sums",
            CheckId::EmptyNarrative => "empty_narrative",
            CheckId::CostDirection => "cost_direction",
            CheckId::OverAchievement => "over_achievement",
        }
    }

    /// The check's name for people (a unit or a bureau officer), in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            CheckId::FundReconciliation => "专项资金收支不平",
            CheckId::FundSources => "资金来源与支出不符",
            CheckId::Totals => "收支总数不符",
            CheckId::Overspending => "超预算支出",
            CheckId::BudgetAdjustment => "预算调整幅度过大",
            CheckId::DeclaredGrade => "自评等级与总分不符",
            CheckId::SelfScores => "自评得分与复核不符",
            CheckId::RowSums => "各行得分与总分不符",
            CheckId::EmptyNarrative => "问题或改进措施空泛",
            CheckId::CostDirection => "成本指标方向错误",
            CheckId::OverAchievement => "实际远超目标未说明原因",
        }
    }
}

/// A node of the indicator tree: a group (with children) or a leaf (with input and method).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Stable identifier, unique in the rule set, e.g. `process.budget_completion`.
    pub id: String,
    /// The indicator's name as the rubric gives it, e.g. 预算完成率.
    pub name: String,
    /// Points: on a group, the sum of its children's.
    pub points: Decimal,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Indicator>,
    /// Leaves only: where the value scored comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Input>,
    /// Leaves only: how the value becomes points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// Leaves only: what to do when the input is missing or does not apply.
    #[serde(default)]
    pub when_missing: WhenMissing,
    /// The rubric's wording of the criterion, shown in the scorecard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
}

impl Indicator {
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }
}

/// Where a leaf's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Input {
    /// A figure computed from the unit's data.
    Metric(Metric),
    /// The unit's own indicator row of this name (三级指标), e.g. a qualitative 管理制度健全性.
    Row(String),
    /// The unit's own rows (个性指标) selected by level: the leaf's points are shared across them.
    Rows(RowSelection),
    /// Yes/no facts, for a checklist: built-in ones or the unit's `[facts]`.
    Facts,
}

/// Which of a unit's indicator rows a leaf scores, and how its points are shared among them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowSelection {
    /// 一级指标 to match, e.g. 产出指标.
    pub level1: String,
    /// 二级指标 to match; absent matches any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level2: Option<String>,
    #[serde(default)]
    pub share: Share,
}

/// How a group's points are shared across the unit's rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Share {
    /// In proportion to the points each row declares (分值).
    #[default]
    Declared,
    /// Equally.
    Equal,
}

/// Figures computed from a unit's data (docs/domain.md §3). Rates are fractions: 1 = 100 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// 预算执行率 = 全年执行数 / 全年预算数.
    ExecutionRate,
    /// 预算完成率 (Hunan) = (上年结转 + 全年预算 − 年末结转结余) / (上年结转 + 全年预算).
    BudgetCompletionRate,
    /// 预算调整率 (预算控制率) = |全年预算 − 年初预算| / 年初预算.
    BudgetAdjustmentRate,
    /// 预算控制率 as 追加 / 年初: the gross increase over the opening budget (调增 / 追加, apart
    /// from 调减) over 年初预算.
    BudgetIncreaseRate,
    /// 预算完成率 = 预算完成数 (全年执行数) / 预算数 (全年预算数, as [`Metric::ExecutionRate`]
    /// takes it), beside the Hunan variant [`Metric::BudgetCompletionRate`].
    BudgetCompletionRatio,
    /// 在职人员控制率 = 在职人数 / 编制数.
    StaffingControlRate,
    /// 结转结余率 = 年末结转结余 / 全年预算.
    CarryOverRate,
    /// 结转结余变动率 = (本年结转结余 − 上年) / 上年.
    CarryOverChangeRate,
    /// 三公经费变动率 = (本年三公经费 − 上年) / 上年.
    ThreePublicChangeRate,
    /// 三公经费控制率 = 本年三公经费 / 三公经费预算.
    ThreePublicControlRate,
    /// 公用经费控制率 = 公用经费 / 预算公用经费.
    PublicFundsControlRate,
    /// 重点支出安排率 = 重点项目支出 / 项目支出.
    KeySpendingRate,
    /// 政府采购执行率 = 实际采购 / 采购预算.
    ProcurementExecutionRate,
    /// 新建楼堂馆所面积控制率 = 实际面积 / 计划面积.
    BuildingAreaControlRate,
    /// 新建楼堂馆所投资概算控制率 = 实际投资 / 计划投资.
    BuildingInvestmentControlRate,
    /// 实际完成率 = 完成任务 / 计划任务; without task counts, the share of measurable goals met.
    CompletionRate,
    /// 完成及时率 = 按时完成任务 / 计划任务.
    TimelinessRate,
    /// 质量达标率 = 达标任务 / 计划任务.
    QualityRate,
}

impl Metric {
    /// The unit's fields (paths of the unit format) this metric is computed from; for
    /// 预算执行率, 财政拨款收入 stands for a missing 全年预算数.
    pub fn fields(self) -> &'static [&'static str] {
        use Metric as M;
        match self {
            M::ExecutionRate => &["budget.full_year", "budget.income", "budget.spent"],
            M::BudgetCompletionRate => {
                &["base.carried_in", "budget.full_year", "base.carried_over"]
            }
            M::BudgetAdjustmentRate => &["budget.opening", "budget.full_year"],
            M::BudgetIncreaseRate => &[
                "budget.increase",
                "budget.opening",
                "budget.full_year",
                "budget.decrease",
            ],
            M::BudgetCompletionRatio => &["budget.full_year", "budget.income", "budget.spent"],
            M::StaffingControlRate => &["staffing.authorised", "staffing.in_post"],
            M::CarryOverRate => &["base.carried_over", "budget.full_year"],
            M::CarryOverChangeRate => &["base.carried_over", "base.carried_over_last_year"],
            M::ThreePublicChangeRate => &["base.three_public", "base.three_public_last_year"],
            M::ThreePublicControlRate => &["base.three_public", "base.three_public_budget"],
            M::PublicFundsControlRate => &["budget.public", "base.public_budget"],
            M::KeySpendingRate => &["base.key_project_spending", "budget.project"],
            M::ProcurementExecutionRate => &["base.procurement_actual", "base.procurement_budget"],
            M::BuildingAreaControlRate => {
                &["base.buildings.planned_area", "base.buildings.actual_area"]
            }
            M::BuildingInvestmentControlRate => &[
                "base.buildings.planned_investment",
                "base.buildings.actual_investment",
            ],
            M::CompletionRate => &["base.tasks.planned", "base.tasks.completed"],
            M::TimelinessRate => &["base.tasks.planned", "base.tasks.on_time"],
            M::QualityRate => &["base.tasks.planned", "base.tasks.up_to_standard"],
        }
    }

    /// The metric's Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Metric::ExecutionRate => "预算执行率",
            Metric::BudgetCompletionRate => "预算完成率",
            Metric::BudgetAdjustmentRate => "预算调整率",
            Metric::BudgetIncreaseRate => "预算控制率",
            Metric::BudgetCompletionRatio => "预算完成率",
            Metric::StaffingControlRate => "在职人员控制率",
            Metric::CarryOverRate => "结转结余率",
            Metric::CarryOverChangeRate => "结转结余变动率",
            Metric::ThreePublicChangeRate => "三公经费变动率",
            Metric::ThreePublicControlRate => "三公经费控制率",
            Metric::PublicFundsControlRate => "公用经费控制率",
            Metric::KeySpendingRate => "重点支出安排率",
            Metric::ProcurementExecutionRate => "政府采购执行率",
            Metric::BuildingAreaControlRate => "新建楼堂馆所面积控制率",
            Metric::BuildingInvestmentControlRate => "新建楼堂馆所投资概算控制率",
            Metric::CompletionRate => "实际完成率",
            Metric::TimelinessRate => "完成及时率",
            Metric::QualityRate => "质量达标率",
        }
    }
}

/// What to do with a leaf whose input is missing or does not apply (no such project, no data).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenMissing {
    /// Score 0, with a soft finding that the data is missing.
    #[default]
    Zero,
    /// Not applicable: full marks.
    Full,
    /// Not applicable: drop the leaf and rescale the rest to the total.
    Rescale,
}

/// A scoring method (docs/domain.md §4). `w` is the leaf's points, `T` the target, `A` the actual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Method {
    /// A ≥ T → w, else w × A / T (negative A counts as 0); optionally reduced far above target.
    HigherIsBetter {
        /// T; for a row input the row's own target is used when this is absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<Decimal>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        over_achievement: Option<OverAchievement>,
    },
    /// A ≤ T → w; above T by the chosen formula.
    LowerIsBetter {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<Decimal>,
        #[serde(default)]
        above: AboveTarget,
    },
    /// As higher-is-better when T > 0; when T = 0, A ≤ 0 → w else 0.
    Equal {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<Decimal>,
    },
    /// Rows only: each row by its own direction (≥, ≤, =) or, when qualitative, by its tier.
    ByDirection {
        #[serde(default)]
        above: AboveTarget,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        over_achievement: Option<OverAchievement>,
        #[serde(default)]
        tiers: TierBounds,
        /// A qualitative self-score outside its tier: clamped (default), kept, or 0.
        #[serde(default, skip_serializing_if = "OutsideTier::is_default")]
        outside_tier: OutsideTier,
    },
    /// Qualitative: the self-score must lie in its tier's range.
    Tiers {
        #[serde(default)]
        tiers: TierBounds,
        /// A self-score outside its tier: clamped (default), kept, or 0.
        #[serde(default, skip_serializing_if = "OutsideTier::is_default")]
        outside_tier: OutsideTier,
    },
    /// Budget execution: w × min(rate, 1).
    BudgetExecution {
        #[serde(default)]
        rounding: Rounding,
    },
    /// Full up to `limit`, minus `deduction` for each `per` beyond it, floored at 0.
    StepDeduction(StepDeduction),
    /// An interval table mapping the value to points.
    Bands { bands: Vec<Band> },
    /// Checklist of yes/no facts: points per item met, or off per item not met; clamped to [0, w].
    Checklist {
        mode: ChecklistMode,
        per_item: Decimal,
        items: Vec<ChecklistItem>,
    },
}

impl Method {
    /// The method's name as written in rule sets.
    pub fn kind(&self) -> &'static str {
        match self {
            Method::HigherIsBetter { .. } => "higher_is_better",
            Method::LowerIsBetter { .. } => "lower_is_better",
            Method::Equal { .. } => "equal",
            Method::ByDirection { .. } => "by_direction",
            Method::Tiers { .. } => "tiers",
            Method::BudgetExecution { .. } => "budget_execution",
            Method::StepDeduction(_) => "step_deduction",
            Method::Bands { .. } => "bands",
            Method::Checklist { .. } => "checklist",
        }
    }
}

/// The parameters of a step deduction (阶梯扣分): full up to `limit`, minus `deduction` for each
/// `per` beyond it on the side `beyond`, floored at 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDeduction {
    pub limit: Decimal,
    /// Which side of the limit is penalised.
    pub beyond: Beyond,
    /// Size of one step, e.g. 0.01 for "per percentage point".
    pub per: Decimal,
    /// Points off per step.
    pub deduction: Decimal,
    /// How a part step counts.
    #[serde(default)]
    pub count: StepCount,
}

/// The two formulas in use above target for lower-is-better.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AboveTarget {
    /// w × (1 − (A − T) / T), reaching 0 at 2T (vendor systems).
    #[default]
    Linear,
    /// w × T / A (templates).
    Ratio,
}

/// Reduction for an actual far above target (偏离度).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverAchievement {
    /// A / T at or above which the reduction applies, e.g. 1.3.
    pub threshold: Decimal,
    /// Share of w taken off per unit of A / T above the threshold.
    pub slope: Decimal,
    /// The score never falls below floor × w.
    pub floor: Decimal,
    /// No reduction where the row explains the deviation (偏差原因分析).
    #[serde(default = "yes")]
    pub waived_by_explanation: bool,
}

fn yes() -> bool {
    true
}

/// Lower bounds of the qualitative tiers as shares of w: 达成 [achieved, 1], 部分达成
/// [partly, achieved), 未达成 [0, partly).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierBounds {
    #[serde(default = "default_achieved")]
    pub achieved: Decimal,
    #[serde(default = "default_partly")]
    pub partly: Decimal,
}

fn default_achieved() -> Decimal {
    Decimal::new(8, 1)
}

fn default_partly() -> Decimal {
    Decimal::new(6, 1)
}

impl Default for TierBounds {
    fn default() -> Self {
        TierBounds {
            achieved: default_achieved(),
            partly: default_partly(),
        }
    }
}

/// What a qualitative self-score outside its tier scores (`outside_tier`). Each choice raises
/// the hard `tiers` finding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutsideTier {
    /// Brought to the nearest bound of the tier (0.01 inside an open bound).
    #[default]
    Clamp,
    /// The unit's score stands (within 0 and the row's points).
    Keep,
    /// 0 points.
    Zero,
}

impl OutsideTier {
    /// Whether this is the default (not written back when a rule set is serialised).
    pub fn is_default(&self) -> bool {
        *self == OutsideTier::default()
    }
}

/// Rounding of the budget-execution score to whole points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Not rounded.
    #[default]
    Exact,
    /// Down to whole points (舍去小数), as some bureaus do; `"whole_points"` is read as this.
    #[serde(alias = "whole_points")]
    Down,
    /// To the nearest whole point, a half up (四舍五入).
    HalfUp,
}

/// Which side of a step-deduction limit loses points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Beyond {
    Above,
    Below,
}

/// How a part step counts in a step deduction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepCount {
    /// In proportion: half a step costs half a deduction.
    #[default]
    Exact,
    /// A step begun counts whole.
    Started,
    /// Only whole steps count.
    Completed,
}

/// One interval of a band table. Bounds are closed unless marked open; an absent bound is
/// unbounded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Decimal>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub min_open: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Decimal>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub max_open: bool,
    /// Points for a value in this band (not more than the leaf's).
    pub points: Decimal,
}

impl Band {
    pub fn contains(&self, value: Decimal) -> bool {
        let above_min = match self.min {
            None => true,
            Some(min) if self.min_open => value > min,
            Some(min) => value >= min,
        };
        let below_max = match self.max {
            None => true,
            Some(max) if self.max_open => value < max,
            Some(max) => value <= max,
        };
        above_min && below_max
    }

    /// The interval in mathematical notation, e.g. `(0.1, 0.2]`.
    pub fn interval(&self) -> String {
        self.interval_with(|v| v.normalize())
    }

    /// The interval with its bounds written by `show`, e.g. `(10.00%, 20.00%]`.
    pub fn interval_with<D: std::fmt::Display>(&self, show: impl Fn(Decimal) -> D) -> String {
        self.shown_with(show).to_string()
    }

    /// [`Band::interval_with`], written straight into the text it is part of (`format!`,
    /// `write!`) without a string of its own.
    pub fn shown_with<D: std::fmt::Display, F: Fn(Decimal) -> D>(
        &self,
        show: F,
    ) -> ShownInterval<'_, F> {
        ShownInterval { band: self, show }
    }
}

/// A band's interval as [`Band::shown_with`] writes it.
pub struct ShownInterval<'a, F> {
    band: &'a Band,
    show: F,
}

impl<F> std::fmt::Debug for ShownInterval<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShownInterval")
            .field("band", self.band)
            .finish_non_exhaustive()
    }
}

impl<D: std::fmt::Display, F: Fn(Decimal) -> D> std::fmt::Display for ShownInterval<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let band = self.band;
        let open = if band.min_open || band.min.is_none() {
            '('
        } else {
            '['
        };
        let close = if band.max_open || band.max.is_none() {
            ')'
        } else {
            ']'
        };
        f.write_char(open)?;
        match band.min {
            Some(min) => write!(f, "{}", (self.show)(min))?,
            None => f.write_str("-∞")?,
        }
        f.write_str(", ")?;
        match band.max {
            Some(max) => write!(f, "{}", (self.show)(max))?,
            None => f.write_str("+∞")?,
        }
        f.write_char(close)
    }
}

/// Award points per item met, or deduct per item not met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistMode {
    Award,
    Deduct,
}

/// One item of a checklist: a yes/no fact, built in or from the unit's `[facts]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    /// A built-in fact (see `docs/rule-sets.md`) or a key of the unit's `[facts]`.
    pub fact: String,
    /// What the item asks, as the rubric words it.
    pub label: String,
}
