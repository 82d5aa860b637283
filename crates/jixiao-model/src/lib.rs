//! The data of one budget-performance self-evaluation (绩效自评), as a budget unit files it.
//!
//! A [`SelfEvaluation`] holds every figure of a unit's report and 自评表: who the unit is, its
//! staffing, its performance goals, its budget and special funds, the base data for ratio
//! indicators, its own indicator rows with the points it gave itself, the narrative sections and
//! the total and grade it declared. Nothing here scores anything: that is `jixiao-engine`.
//!
//! All money is in 万元 (ten thousand yuan) and is a [`Decimal`]; rates are fractions (1 = 100 %),
//! except where a field keeps a rate as the unit wrote it ([`Execution::rate`], in percent).
//! The on-disk format is TOML, documented in `docs/unit-format.md`; [`SelfEvaluation::from_toml`]
//! reads it, rejecting unknown keys and negative amounts with the key's path and line.

mod amounts;
mod check;
mod date;
pub mod encoding;
mod labels;
mod load;
mod numbers;
mod path;
mod round;

use std::collections::BTreeMap;

pub use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use check::{CheckedUnit, Problem, ProblemKind};
pub use labels::{field_label, figures};
pub use load::{ModelError, at_key, syntax_key};
pub use path::{BadFieldPath, FieldPath, Segment};
pub use round::round;

use amounts::{non_negative, non_negative_opt};

/// One unit's self-evaluation for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfEvaluation {
    pub unit: UnitIdentity,
    /// 人员情况; absent for a project self-evaluation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staffing: Option<Staffing>,
    /// 绩效目标: overall and per special fund.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<Goal>,
    /// The general public budget (一般公共预算) of the unit or project.
    pub budget: Budget,
    /// 预算执行情况: the 自评表's execution row (分值, 执行率, 得分), as the unit filled it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution: Option<Execution>,
    /// The other three budget accounts.
    #[serde(default)]
    pub accounts: BudgetAccounts,
    /// 专项资金.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funds: Vec<SpecialFund>,
    /// Optional figures that ratio indicators need.
    #[serde(default)]
    pub base: BaseData,
    /// 年度主要任务: the rows of the 自评表's task block (the counts are in [`BaseData::tasks`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<MainTask>,
    /// The unit's own indicator rows, as in its 自评表.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<IndicatorRow>,
    /// Quantitative claims made in the narrative (outputs, prizes, visitors).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<Claim>,
    /// Yes/no facts a checklist indicator can ask about (e.g. `"budget_disclosed" = true`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, bool>,
    #[serde(default)]
    pub narrative: Narrative,
    /// The total and grade the unit gave itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared: Option<Declared>,
}

/// Who files the evaluation, for which year, of what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitIdentity {
    /// Full name of the budget unit, e.g. 株洲市芦淞区科学技术协会.
    pub name: String,
    /// The unit's code in the budget system, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Region, e.g. 湖南省株洲市芦淞区.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The budget year evaluated.
    pub year: u16,
    pub kind: EvaluationKind,
    /// For a project evaluation: the project's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// 单位性质, e.g. 群团组织, 行政单位.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// 级别, e.g. 正科级.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Number of subordinate units with their own accounts (下设独立核算二级机构).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_units: Option<u32>,
    /// 主管部门: the department the unit or project answers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervisor: Option<String>,
    /// 实施单位: the unit carrying out the project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implementer: Option<String>,
    /// 项目编码: the project's code in the budget system, kept as written (a code of digits and
    /// letters, e.g. `51000021R000000019951`, never a number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_code: Option<String>,
    /// 填报日期: the day the evaluation was filed, written `YYYY-MM-DD`.
    #[serde(
        default,
        deserialize_with = "date::iso_date_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub filed_on: Option<Date>,
}

impl UnitIdentity {
    /// A unit known by its name only, for `year` and `kind`: every other field empty.
    pub fn new(name: impl Into<String>, year: u16, kind: EvaluationKind) -> UnitIdentity {
        UnitIdentity {
            name: name.into(),
            code: None,
            region: None,
            year,
            kind,
            project: None,
            category: None,
            level: None,
            sub_units: None,
            supervisor: None,
            implementer: None,
            project_code: None,
            filed_on: None,
        }
    }
}

/// Whole-department (部门整体支出) or single-project (项目支出) evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationKind {
    /// 部门整体支出绩效自评.
    Department,
    /// 项目支出绩效自评.
    Project,
}

impl EvaluationKind {
    /// The Chinese name of the kind.
    pub fn label(self) -> &'static str {
        match self {
            EvaluationKind::Department => "部门整体支出",
            EvaluationKind::Project => "项目支出",
        }
    }
}

/// 人员情况.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staffing {
    /// 编制数: authorised posts.
    pub authorised: u32,
    /// 在职人数: staff in post at year end.
    pub in_post: u32,
    /// 退休人数.
    #[serde(default)]
    pub retired: u32,
}

/// A performance goal (绩效目标), qualitative or with a measurable target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// Which spending the goal belongs to: absent for the overall goals, else a fund's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fund: Option<String>,
    /// The goal as the report words it.
    pub text: String,
    /// The measurable part, when the goal has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<GoalMeasure>,
}

/// A goal's measurable target and, when reported, what was achieved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalMeasure {
    /// What is counted, e.g. 科普宣传受众.
    pub indicator: String,
    pub direction: Direction,
    /// 年度指标值.
    pub target: Decimal,
    /// 实际完成值, when the report gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<Decimal>,
    /// Unit of measure, e.g. 人次, 次.
    pub unit: String,
}

/// How an actual value is compared with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    /// ≥: higher is better.
    #[serde(rename = ">=", alias = "≥")]
    AtLeast,
    /// ≤: lower is better.
    #[serde(rename = "<=", alias = "≤")]
    AtMost,
    /// =: hit the target.
    #[serde(rename = "=")]
    Equal,
}

impl Direction {
    pub fn symbol(self) -> &'static str {
        match self {
            Direction::AtLeast => "≥",
            Direction::AtMost => "≤",
            Direction::Equal => "=",
        }
    }
}

/// The general public budget (一般公共预算) of the unit or project, in 万元.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// 年初预算数; absent when the report gives none (a Hubei project table gives only its
    /// 项目资金合计, the full-year budget).
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub opening: Option<Decimal>,
    /// 全年预算数 (调整后预算数); when absent, 财政拨款收入 stands for it.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub full_year: Option<Decimal>,
    /// 本年追加预算 (调增, 追加): the gross increase over the opening budget during the year,
    /// apart from any cut; absent when the report gives none.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub increase: Option<Decimal>,
    /// 本年调减预算 (调减): the gross cut of the opening budget during the year, as a positive
    /// amount; absent when the report gives none.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub decrease: Option<Decimal>,
    /// 财政拨款收入.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub income: Option<Decimal>,
    /// 财政拨款支出 (全年执行数).
    #[serde(deserialize_with = "non_negative")]
    pub spent: Decimal,
    /// 基本支出 = 人员经费 + 公用经费.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub basic: Option<Decimal>,
    /// 人员经费.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub personnel: Option<Decimal>,
    /// 公用经费.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub public: Option<Decimal>,
    /// 项目支出.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub project: Option<Decimal>,
}

impl Budget {
    /// The adjusted full-year budget (全年预算数) and where it came from: the reported figure, or
    /// 财政拨款收入 when the report gives no full-year budget.
    pub fn full_year_budget(&self) -> Option<(Decimal, FullYearSource)> {
        match (self.full_year, self.income) {
            (Some(v), _) => Some((v, FullYearSource::Reported)),
            (None, Some(v)) => Some((v, FullYearSource::Income)),
            (None, None) => None,
        }
    }
}

/// 预算执行情况: the execution row of the 自评表 (the 年度资金总额 row's 分值, 执行率 and 得分), as the
/// unit filled it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Execution {
    /// 分值 (权重): the points the row carries, usually 10.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub points: Option<Decimal>,
    /// 执行率 **in percent, as written**: `98.92` is 98.92 % (unlike the model's other rates,
    /// which are fractions); above 100 when spending exceeds the budget.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub rate: Option<Decimal>,
    /// 得分: the points the unit gave itself for execution.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub self_score: Option<Decimal>,
}

/// Where [`Budget::full_year_budget`] took its figure from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FullYearSource {
    /// 全年预算数 as reported.
    Reported,
    /// Not reported: 财政拨款收入 used instead.
    Income,
}

/// The three budget accounts beside the general public budget.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetAccounts {
    /// 政府性基金预算.
    #[serde(default)]
    pub government_fund: Account,
    /// 国有资本经营预算.
    #[serde(default)]
    pub state_capital: Account,
    /// 社会保险基金预算.
    #[serde(default)]
    pub social_insurance: Account,
}

/// One budget account: not reported, explicitly none (the report says 无), or its figures.
/// Read by hand ([`Account::deserialize`]) so a wrong value says what is allowed, where an
/// untagged enum says only that nothing matched.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Account {
    #[default]
    NotReported,
    /// The report says the unit has none (无).
    None,
    /// Income and spending in 万元.
    #[serde(untagged)]
    Figures(AccountFigures),
}

const ACCOUNT_EXPECTED: &str =
    r#""none", "not_reported" or a table of figures { income = …, spent = … }"#;

impl<'de> Deserialize<'de> for Account {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Account;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(ACCOUNT_EXPECTED)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Account, E> {
                match v {
                    "none" => Ok(Account::None),
                    "not_reported" => Ok(Account::NotReported),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Account, A::Error> {
                AccountFigures::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Account::Figures)
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountFigures {
    #[serde(deserialize_with = "non_negative")]
    pub income: Decimal,
    #[serde(deserialize_with = "non_negative")]
    pub spent: Decimal,
}

/// A special fund (专项资金) and its year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecialFund {
    pub name: String,
    /// 预算数 at the start of the year.
    #[serde(deserialize_with = "non_negative")]
    pub opening: Decimal,
    /// 年中调整: positive for 调增 / 追加, negative for 调减.
    #[serde(default)]
    pub change: Decimal,
    /// 实际支出.
    #[serde(deserialize_with = "non_negative")]
    pub spent: Decimal,
    /// 结余结转.
    #[serde(default, deserialize_with = "non_negative")]
    pub carried_over: Decimal,
    /// Where the money came from (上级 / 本级), when the report says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<FundSource>,
}

impl SpecialFund {
    /// Money available: opening budget plus the change during the year.
    pub fn available(&self) -> Decimal {
        self.opening + self.change
    }
}

/// Part of a fund's money from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundSource {
    /// e.g. 上级科普经费, 本级科普经费.
    pub name: String,
    #[serde(deserialize_with = "non_negative")]
    pub amount: Decimal,
}

/// Optional base data for ratio indicators (万元 unless said).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseData {
    /// 本年三公经费.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_public: Option<Decimal>,
    /// 上年三公经费.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_public_last_year: Option<Decimal>,
    /// 本年三公经费 by part, when the report splits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub three_public_parts: Option<ThreePublicParts>,
    /// 上年三公经费 by part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub three_public_last_year_parts: Option<ThreePublicParts>,
    /// 三公经费预算数.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_public_budget: Option<Decimal>,
    /// 预算公用经费.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub public_budget: Option<Decimal>,
    /// 政府采购预算.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub procurement_budget: Option<Decimal>,
    /// 实际政府采购.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub procurement_actual: Option<Decimal>,
    /// 重点项目支出.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub key_project_spending: Option<Decimal>,
    /// 上年结转: money carried into this year.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub carried_in: Option<Decimal>,
    /// 年末结转结余总额; when absent, the sum of the funds' carry-overs stands for it.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub carried_over: Option<Decimal>,
    /// 上年结转结余总额.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub carried_over_last_year: Option<Decimal>,
    /// 新建楼堂馆所: planned and actual area (m²) and investment; absent when there is no such project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buildings: Option<Buildings>,
    /// 年度工作任务: planned, completed, on time, up to standard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Tasks>,
}

/// 三公经费 by part (万元); a part the report does not give is absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreePublicParts {
    /// 公务用车购置及运行.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub cars: Option<Decimal>,
    /// 公务接待.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub receptions: Option<Decimal>,
    /// 因公出国（境）.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub overseas: Option<Decimal>,
}

/// 新建楼堂馆所.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Buildings {
    #[serde(deserialize_with = "non_negative")]
    pub planned_area: Decimal,
    #[serde(deserialize_with = "non_negative")]
    pub actual_area: Decimal,
    #[serde(deserialize_with = "non_negative")]
    pub planned_investment: Decimal,
    #[serde(deserialize_with = "non_negative")]
    pub actual_investment: Decimal,
}

/// Counts of the year's planned tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tasks {
    pub planned: u32,
    pub completed: u32,
    pub on_time: u32,
    pub up_to_standard: u32,
}

/// 年度主要任务: one row of the 自评表's task block (任务名称 | 主要内容 | 预算数 | 执行数).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MainTask {
    /// 任务名称.
    pub name: String,
    /// 主要内容.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// 预算数 (万元).
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub budget: Option<Decimal>,
    /// 执行数 (万元).
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub spent: Option<Decimal>,
}

/// One row of the unit's 自评表.
///
/// `target` and `actual` hold a number; a target or actual with no number (效果明显,
/// 2024年12月前) is kept as written in `target_text` / `actual_text`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRow {
    /// 一级指标, e.g. 产出指标.
    pub level1: String,
    /// 二级指标, e.g. 数量指标.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level2: Option<String>,
    /// 三级指标: the indicator itself.
    pub name: String,
    /// ≥ / ≤ / =; absent for a qualitative indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// 年度指标值, the number (numeric indicators).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Decimal>,
    /// 实际完成值, the number (numeric indicators).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<Decimal>,
    /// 年度指标值 in words, as written, when it has no number (效果明显, 2024年12月前).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_text: Option<String>,
    /// 实际完成值 in words, as written, when it has no number (达到预期).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_text: Option<String>,
    /// Unit of measure (%, 人次, 万元...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// For a qualitative indicator: the tier claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    /// 分值: points the row carries in the unit's table.
    #[serde(deserialize_with = "non_negative")]
    pub points: Decimal,
    /// 得分: points the unit gave itself.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub self_score: Option<Decimal>,
    /// 偏差原因分析及改进措施.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

/// A qualitative indicator's tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tier {
    #[serde(rename = "达成", alias = "achieved")]
    Achieved,
    #[serde(rename = "部分达成", alias = "partly_achieved")]
    PartlyAchieved,
    #[serde(rename = "未达成", alias = "not_achieved")]
    NotAchieved,
}

impl Tier {
    pub fn label(self) -> &'static str {
        match self {
            Tier::Achieved => "达成",
            Tier::PartlyAchieved => "部分达成",
            Tier::NotAchieved => "未达成",
        }
    }
}

/// A quantitative claim in the narrative: "6 个项目荣获一等奖".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// What is counted.
    pub what: String,
    pub quantity: Decimal,
    /// Measure word, e.g. 名, 个, 人次.
    pub unit: String,
    /// True where the report says 超 / 余 / 以上 ("over 10,000").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub at_least: bool,
}

/// The narrative sections that reviewers read for candour.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Narrative {
    /// 存在的问题及原因分析.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problems: Option<String>,
    /// 下一步改进措施.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub improvements: Option<String>,
    /// 绩效自评结果拟应用和公开情况.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_and_disclosure: Option<String>,
    /// 其他需要说明的情况.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
}

/// What the unit declared of itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declared {
    /// 自评总分.
    #[serde(
        default,
        deserialize_with = "non_negative_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub total: Option<Decimal>,
    /// 自评等级, e.g. 优.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
}
