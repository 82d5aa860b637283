//! The form's layout, shared by the writer and the reader: sheet names, columns, and the fields
//! of the unit sheet with their hidden keys.

/// Sheet names, in workbook order.
pub const INSTRUCTIONS: &str = "填表说明";
pub const UNIT: &str = "单位";
pub const INDICATORS: &str = "指标";
pub const GOALS: &str = "目标";
pub const FUNDS: &str = "专项资金";
pub const SOURCES: &str = "资金来源";
pub const CLAIMS: &str = "数据声明";
pub const FACTS: &str = "情况确认";
/// The very hidden sheet recording the rule set the form was made for.
pub const META: &str = "jixiao";

/// Version of the form layout itself (not of the rule set).
pub const FORM_FORMAT: &str = "1";

/// Unit sheet: hidden key, label, value, note.
pub const UNIT_KEY: u16 = 0;
pub const UNIT_LABEL: u16 = 1;
pub const UNIT_VALUE: u16 = 2;
pub const UNIT_NOTE: u16 = 3;

/// Indicator sheet columns.
pub const IND_LEVEL1: u16 = 0;
pub const IND_LEVEL2: u16 = 1;
pub const IND_NAME: u16 = 2;
pub const IND_DIRECTION: u16 = 3;
pub const IND_TARGET: u16 = 4;
pub const IND_ACTUAL: u16 = 5;
pub const IND_UNIT: u16 = 6;
pub const IND_TIER: u16 = 7;
pub const IND_POINTS: u16 = 8;
pub const IND_SELF_SCORE: u16 = 9;
pub const IND_EXPLANATION: u16 = 10;
/// Hidden: `leaf:<id>` on a row pre-filled with a leaf's name, `rows:<id>` on a blank row for a
/// leaf that scores the unit's own rows.
pub const IND_ORIGIN: u16 = 11;
pub const IND_HEADERS: [&str; 12] = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标方向",
    "年度指标值",
    "实际完成值",
    "计量单位",
    "定性评级",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
    "规则指标",
];

pub const GOAL_HEADERS: [&str; 7] = [
    "所属专项资金(整体目标留空)",
    "绩效目标",
    "量化指标",
    "指标方向",
    "年度指标值",
    "实际完成值",
    "计量单位",
];
pub const FUND_HEADERS: [&str; 5] = [
    "资金名称",
    "年初预算数(万元)",
    "年中调整(万元, 调减填负数)",
    "实际支出(万元)",
    "结余结转(万元)",
];
pub const SOURCE_HEADERS: [&str; 3] = ["资金名称", "来源(上级/本级...)", "金额(万元)"];
pub const CLAIM_HEADERS: [&str; 4] = ["成果内容", "数量", "计量单位", "是否“以上/超/余”(是/否)"];
pub const FACT_HEADERS: [&str; 3] = ["代码", "事项", "是/否"];

pub const DIRECTIONS: [&str; 3] = ["≥", "≤", "="];
pub const TIERS: [&str; 3] = ["达成", "部分达成", "未达成"];
pub const KINDS: [&str; 2] = ["部门整体支出", "项目支出"];
pub const YES_NO: [&str; 2] = ["是", "否"];
pub const ACCOUNT_STATES: [&str; 2] = ["无", "有"];

/// Blank rows left for the unit: per rows-based leaf, for extra indicators, and on list sheets.
pub const ROWS_PER_LEAF: u32 = 5;
pub const EXTRA_INDICATOR_ROWS: u32 = 10;
pub const LIST_ROWS: u32 = 40;

/// What a unit-sheet value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Long text (narrative).
    LongText,
    /// A whole number (year, head counts, task counts).
    Whole,
    /// An amount in 万元, zero or more.
    Amount,
    /// A number that is not money (m²).
    Number,
    /// One of a list of words.
    Choice(&'static [&'static str]),
    /// The grade: one of the rule set's grade names.
    Grade,
}

/// One line of the unit sheet: a section heading (`key` empty) or a field.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub note: &'static str,
}

const fn f(key: &'static str, label: &'static str, kind: Kind, note: &'static str) -> Field {
    Field {
        key,
        label,
        kind,
        note,
    }
}

const fn heading(label: &'static str) -> Field {
    f("", label, Kind::Text, "")
}

const W: &str = "万元";

/// The unit sheet, top to bottom.
pub const UNIT_FIELDS: &[Field] = &[
    heading("一、基本信息"),
    f("unit.name", "单位名称", Kind::Text, "必填"),
    f("unit.code", "单位编码", Kind::Text, ""),
    f(
        "unit.region",
        "所属地区",
        Kind::Text,
        "如 湖南省株洲市芦淞区",
    ),
    f("unit.year", "评价年度", Kind::Whole, "必填, 如 2024"),
    f("unit.kind", "评价类型", Kind::Choice(&KINDS), "必填"),
    f("unit.project", "项目名称", Kind::Text, "项目支出自评填写"),
    f(
        "unit.category",
        "单位性质",
        Kind::Text,
        "如 行政单位、群团组织",
    ),
    f("unit.level", "级别", Kind::Text, "如 正科级"),
    f(
        "unit.sub_units",
        "下设独立核算二级机构数",
        Kind::Whole,
        "个",
    ),
    heading("二、人员情况"),
    f("staffing.authorised", "编制数", Kind::Whole, "人"),
    f(
        "staffing.in_post",
        "在职人数(年末在职在编)",
        Kind::Whole,
        "人",
    ),
    f("staffing.retired", "退休人数", Kind::Whole, "人"),
    heading("三、一般公共预算"),
    f("budget.opening", "年初预算数", Kind::Amount, "必填, 万元"),
    f(
        "budget.full_year",
        "全年预算数(调整后预算数)",
        Kind::Amount,
        W,
    ),
    f("budget.income", "财政拨款收入", Kind::Amount, W),
    f(
        "budget.spent",
        "全年执行数(财政拨款支出)",
        Kind::Amount,
        "必填, 万元",
    ),
    f("budget.basic", "基本支出", Kind::Amount, W),
    f("budget.personnel", "其中: 人员经费", Kind::Amount, W),
    f("budget.public", "其中: 公用经费", Kind::Amount, W),
    f("budget.project", "项目支出", Kind::Amount, W),
    heading("四、其他预算"),
    f(
        "accounts.government_fund",
        "政府性基金预算",
        Kind::Choice(&ACCOUNT_STATES),
        "无 / 有 (有则填下两行)",
    ),
    f(
        "accounts.government_fund.income",
        "政府性基金预算收入",
        Kind::Amount,
        W,
    ),
    f(
        "accounts.government_fund.spent",
        "政府性基金预算支出",
        Kind::Amount,
        W,
    ),
    f(
        "accounts.state_capital",
        "国有资本经营预算",
        Kind::Choice(&ACCOUNT_STATES),
        "无 / 有 (有则填下两行)",
    ),
    f(
        "accounts.state_capital.income",
        "国有资本经营预算收入",
        Kind::Amount,
        W,
    ),
    f(
        "accounts.state_capital.spent",
        "国有资本经营预算支出",
        Kind::Amount,
        W,
    ),
    f(
        "accounts.social_insurance",
        "社会保险基金预算",
        Kind::Choice(&ACCOUNT_STATES),
        "无 / 有 (有则填下两行)",
    ),
    f(
        "accounts.social_insurance.income",
        "社会保险基金预算收入",
        Kind::Amount,
        W,
    ),
    f(
        "accounts.social_insurance.spent",
        "社会保险基金预算支出",
        Kind::Amount,
        W,
    ),
    heading("五、基础数据"),
    f("base.three_public", "本年三公经费", Kind::Amount, W),
    f(
        "base.three_public_last_year",
        "上年三公经费",
        Kind::Amount,
        W,
    ),
    f(
        "base.three_public_budget",
        "三公经费预算数",
        Kind::Amount,
        W,
    ),
    f("base.public_budget", "预算公用经费", Kind::Amount, W),
    f("base.procurement_budget", "政府采购预算", Kind::Amount, W),
    f("base.procurement_actual", "实际政府采购", Kind::Amount, W),
    f("base.key_project_spending", "重点项目支出", Kind::Amount, W),
    f("base.carried_in", "上年结转", Kind::Amount, W),
    f(
        "base.carried_over",
        "年末结转结余总额",
        Kind::Amount,
        "万元; 不填则按专项资金结余结转合计",
    ),
    f(
        "base.carried_over_last_year",
        "上年结转结余总额",
        Kind::Amount,
        W,
    ),
    f(
        "base.buildings.planned_area",
        "新建楼堂馆所计划面积",
        Kind::Number,
        "平方米; 无此类项目四项均不填",
    ),
    f(
        "base.buildings.actual_area",
        "新建楼堂馆所实际面积",
        Kind::Number,
        "平方米",
    ),
    f(
        "base.buildings.planned_investment",
        "新建楼堂馆所概算投资",
        Kind::Amount,
        W,
    ),
    f(
        "base.buildings.actual_investment",
        "新建楼堂馆所实际投资",
        Kind::Amount,
        W,
    ),
    f(
        "base.tasks.planned",
        "年度计划工作任务数",
        Kind::Whole,
        "项; 四项同时填或都不填",
    ),
    f("base.tasks.completed", "实际完成任务数", Kind::Whole, "项"),
    f("base.tasks.on_time", "按时完成任务数", Kind::Whole, "项"),
    f(
        "base.tasks.up_to_standard",
        "质量达标任务数",
        Kind::Whole,
        "项",
    ),
    heading("六、自评结论"),
    f("declared.total", "自评总分", Kind::Number, "分"),
    f("declared.grade", "自评等级", Kind::Grade, ""),
    heading("七、报告叙述"),
    f(
        "narrative.problems",
        "存在的问题及原因分析",
        Kind::LongText,
        "照报告原文填写, 包括“无”",
    ),
    f(
        "narrative.improvements",
        "下一步改进措施",
        Kind::LongText,
        "照报告原文填写, 包括“无”",
    ),
    f(
        "narrative.use_and_disclosure",
        "绩效自评结果拟应用和公开情况",
        Kind::LongText,
        "",
    ),
    f("narrative.other", "其他需要说明的情况", Kind::LongText, ""),
];

/// The base-data keys each metric needs, for the notes on the unit sheet.
pub fn metric_keys(metric: jixiao_rules::Metric) -> &'static [&'static str] {
    use jixiao_rules::Metric as M;
    match metric {
        M::ExecutionRate => &["budget.full_year", "budget.income", "budget.spent"],
        M::BudgetCompletionRate => &["base.carried_in", "budget.full_year", "base.carried_over"],
        M::BudgetAdjustmentRate => &["budget.opening", "budget.full_year"],
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

/// `A1`-style reference of a zero-based cell.
pub fn cell_ref(row: u32, col: u16) -> String {
    let mut letters = String::new();
    let mut n = u32::from(col) + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}
