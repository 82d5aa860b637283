//! The form's layout, shared by the writer and the reader: sheet names, and the fields of every
//! sheet (the unit sheet's lines, each list sheet's columns) with their keys, labels and kinds.
//!
//! A field's key is its path in the unit format (`budget.opening`; in a list sheet, relative to
//! the item: `measure.target` of `goals[i]`), so the reader puts each value where its key says
//! and the writer writes the same fields from the same tables: nothing about a field is written
//! twice.

use jixiao_model::{Direction, EvaluationKind, Tier};

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

/// What a value is, and so how its cell is written (format, drop-down) and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text, trimmed; a number typed in it is taken as its digits.
    Text,
    /// A code (单位编码, 项目编码): text, its cell formatted as text so that Excel keeps leading
    /// zeros and long digit strings as typed.
    Code,
    /// Long text (narrative): read as text, written in a tall cell.
    LongText,
    /// A whole number of zero or more (head counts, task counts).
    Count,
    /// The year evaluated; pre-filled with the rule set's.
    Year,
    /// A day (填报日期): an Excel date, or typed as 2025-03-31, 2025/3/31 or 2025年3月31日.
    Date,
    /// An amount in 万元, zero or more; typed as text it may end in 万元 or 元.
    Amount,
    /// An amount in 万元 that may be negative (a fund's 年中调整).
    Change,
    /// A number of zero or more that is not money (m², the declared total).
    Number,
    /// Any number (a target, an actual value, a quantity).
    Figure,
    /// Points (分值, 得分): a number of zero or more, shown with one or two decimals.
    Points,
    /// 评价类型; pre-filled with the rule set's.
    EvaluationType,
    /// Whether the unit has a budget account: 无 or 有 (its figures on the lines below).
    AccountState,
    /// 指标方向.
    Direction,
    /// 定性评级.
    Tier,
    /// 是 / 否.
    YesNo,
    /// The grade: one of the rule set's grade names.
    Grade,
}

/// The words a choice cell takes, each with what it means. A word with ASCII letters or `<` /
/// `>` is an alternative a unit may type (`>=`, `department`, `TRUE`), not offered in the
/// drop-down nor in an error.
pub const DIRECTION_WORDS: [(&str, Direction); 5] = [
    ("≥", Direction::AtLeast),
    (">=", Direction::AtLeast),
    ("≤", Direction::AtMost),
    ("<=", Direction::AtMost),
    ("=", Direction::Equal),
];
pub const TIER_WORDS: [(&str, Tier); 3] = [
    ("达成", Tier::Achieved),
    ("部分达成", Tier::PartlyAchieved),
    ("未达成", Tier::NotAchieved),
];
pub const KIND_WORDS: [(&str, EvaluationKind); 4] = [
    ("部门整体支出", EvaluationKind::Department),
    ("项目支出", EvaluationKind::Project),
    ("department", EvaluationKind::Department),
    ("project", EvaluationKind::Project),
];
/// 有 (true): the account's figures follow; 无 (false): the unit has none.
pub const ACCOUNT_WORDS: [(&str, bool); 3] = [("无", false), ("有", true), ("none", false)];
pub const YES_NO_WORDS: [(&str, bool); 6] = [
    ("是", true),
    ("否", false),
    ("Y", true),
    ("N", false),
    ("TRUE", true),
    ("FALSE", false),
];

/// The words of `words` offered to a unit (alternatives left out), in order.
pub fn offered<T>(words: &[(&'static str, T)]) -> Vec<&'static str> {
    let mut offered: Vec<&'static str> = Vec::new();
    for (word, _) in words {
        let alternative =
            word.chars().any(|c| c.is_ascii_alphabetic()) || word.contains(['<', '>']);
        if !alternative && !offered.contains(word) {
            offered.push(word);
        }
    }
    offered
}

impl Kind {
    /// The words a drop-down offers for a value of this kind; `None` for kinds that are typed
    /// (and for [`Kind::Grade`], whose words are the rule set's grades).
    pub fn choices(self) -> Option<Vec<&'static str>> {
        match self {
            Kind::EvaluationType => Some(offered(&KIND_WORDS)),
            Kind::AccountState => Some(offered(&ACCOUNT_WORDS)),
            Kind::Direction => Some(offered(&DIRECTION_WORDS)),
            Kind::Tier => Some(offered(&TIER_WORDS)),
            Kind::YesNo => Some(offered(&YES_NO_WORDS)),
            _ => None,
        }
    }
}

/// Whether a field must be filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Optional,
    Required,
    /// Required when any other field of its table is given (the figures of `staffing`, of an
    /// account, of `base.buildings`, of a goal's `measure`...): the figures go together. The
    /// text says which, as the error's 要求 (`编制数和在职人数一并填写`).
    WithOthers(&'static str),
}

/// One value the form asks for: a line of the unit sheet (label and note) or a column of a list
/// sheet (header and width). A unit-sheet line with an empty key is a section heading.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The value's path in the unit format: from the unit on the unit sheet, from the item on a
    /// list sheet. On the sheet 情况确认, and for the columns that match a row rather than fill
    /// it (a source's fund, an indicator row's rule-set leaf), a name the reader knows it by.
    pub key: &'static str,
    /// The unit sheet's label, or the list sheet's column header.
    pub label: &'static str,
    pub kind: Kind,
    pub need: Need,
    /// What the unit sheet says beside the value (empty on list sheets).
    pub note: &'static str,
    /// The column's width (list sheets).
    pub width: u16,
}

impl Field {
    /// A section heading of the unit sheet.
    pub fn is_heading(&self) -> bool {
        self.key.is_empty()
    }

    /// The field's name in a message: its label without what is in brackets or before a colon
    /// (`年初预算数(万元)` → `年初预算数`, `其中: 人员经费` → `人员经费`).
    pub fn name(&self) -> &'static str {
        let label = self.label;
        let label = label.rsplit_once(": ").map_or(label, |(_, name)| name);
        label.split(['(', '（']).next().unwrap_or(label).trim()
    }

    const fn required(self) -> Field {
        Field {
            need: Need::Required,
            ..self
        }
    }

    const fn with_others(self, together: &'static str) -> Field {
        Field {
            need: Need::WithOthers(together),
            ..self
        }
    }
}

/// A line of the unit sheet.
const fn f(key: &'static str, label: &'static str, kind: Kind, note: &'static str) -> Field {
    Field {
        key,
        label,
        kind,
        need: Need::Optional,
        note,
        width: 0,
    }
}

/// A column of a list sheet.
const fn c(key: &'static str, header: &'static str, kind: Kind, width: u16) -> Field {
    Field {
        key,
        label: header,
        kind,
        need: Need::Optional,
        note: "",
        width,
    }
}

const fn heading(label: &'static str) -> Field {
    f("", label, Kind::Text, "")
}

/// Unit sheet: hidden key, label, value, note.
pub const UNIT_KEY: u16 = 0;
pub const UNIT_LABEL: u16 = 1;
pub const UNIT_VALUE: u16 = 2;
pub const UNIT_NOTE: u16 = 3;

/// Indicator sheet columns (indices into `IND_COLUMNS`).
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
/// The row of the indicator sheet's headers (the title and the rule set above it).
pub const IND_HEADER_ROW: u32 = 2;
/// The 自评表: one [`jixiao_model::IndicatorRow`] a row.
pub const IND_COLUMNS: [Field; 12] = [
    c("level1", "一级指标", Kind::Text, 14).required(),
    c("level2", "二级指标", Kind::Text, 14),
    c("name", "三级指标", Kind::Text, 26).required(),
    c("direction", "指标方向", Kind::Direction, 8),
    c("target", "年度指标值", Kind::Figure, 12),
    c("actual", "实际完成值", Kind::Figure, 12),
    c("unit", "计量单位", Kind::Text, 10),
    c("tier", "定性评级", Kind::Tier, 10),
    c("points", "分值", Kind::Points, 8).required(),
    c("self_score", "得分", Kind::Points, 8),
    c("explanation", "偏差原因分析及改进措施", Kind::Text, 40),
    c("origin", "代码(系统用)", Kind::Text, 20),
];

/// List sheets: a header row, then one item a row.
pub const LIST_HEADER_ROW: u32 = 0;

/// 目标: one [`jixiao_model::Goal`] a row.
pub const GOAL_FUND: u16 = 0;
pub const GOAL_TEXT: u16 = 1;
pub const GOAL_INDICATOR: u16 = 2;
pub const GOAL_DIRECTION: u16 = 3;
pub const GOAL_TARGET: u16 = 4;
pub const GOAL_ACTUAL: u16 = 5;
pub const GOAL_UNIT: u16 = 6;
pub const GOAL_COLUMNS: [Field; 7] = [
    c("fund", "所属专项资金(整体目标留空)", Kind::Text, 20),
    c("text", "绩效目标", Kind::Text, 50).required(),
    c("measure.indicator", "量化指标", Kind::Text, 16).with_others(MEASURE),
    c("measure.direction", "指标方向", Kind::Direction, 10).with_others(MEASURE),
    c("measure.target", "年度指标值", Kind::Figure, 12).with_others(MEASURE),
    c("measure.actual", "实际完成值", Kind::Figure, 12),
    c("measure.unit", "计量单位", Kind::Text, 10).with_others(MEASURE),
];

/// 专项资金: one [`jixiao_model::SpecialFund`] a row.
pub const FUND_NAME: u16 = 0;
pub const FUND_OPENING: u16 = 1;
pub const FUND_CHANGE: u16 = 2;
pub const FUND_SPENT: u16 = 3;
pub const FUND_CARRIED_OVER: u16 = 4;
pub const FUND_COLUMNS: [Field; 5] = [
    c("name", "资金名称", Kind::Text, 24).required(),
    c("opening", "年初预算数(万元)", Kind::Amount, 16).required(),
    c("change", "年中调整(万元, 调减填负数)", Kind::Change, 16),
    c("spent", "实际支出(万元)", Kind::Amount, 16).required(),
    c("carried_over", "结余结转(万元)", Kind::Amount, 16),
];

/// 资金来源: one [`jixiao_model::FundSource`] a row, of the fund named in its first column.
pub const SOURCE_FUND: u16 = 0;
pub const SOURCE_NAME: u16 = 1;
pub const SOURCE_AMOUNT: u16 = 2;
pub const SOURCE_COLUMNS: [Field; 3] = [
    c("fund", "资金名称", Kind::Text, 24).required(),
    c("name", "来源(上级/本级...)", Kind::Text, 16).required(),
    c("amount", "金额(万元)", Kind::Amount, 14).required(),
];

/// 数据声明: one [`jixiao_model::Claim`] a row.
pub const CLAIM_WHAT: u16 = 0;
pub const CLAIM_QUANTITY: u16 = 1;
pub const CLAIM_UNIT: u16 = 2;
pub const CLAIM_AT_LEAST: u16 = 3;
pub const CLAIM_COLUMNS: [Field; 4] = [
    c("what", "成果内容", Kind::Text, 30).required(),
    c("quantity", "数量", Kind::Figure, 12).required(),
    c("unit", "计量单位", Kind::Text, 10).required(),
    c("at_least", "是否“以上/超/余”(是/否)", Kind::YesNo, 16),
];

/// 情况确认: one fact a row (`facts.<code>`), pre-filled with the rule set's.
pub const FACT_CODE: u16 = 0;
pub const FACT_LABEL: u16 = 1;
pub const FACT_VALUE: u16 = 2;
pub const FACT_COLUMNS: [Field; 3] = [
    c("code", "代码(系统用)", Kind::Text, 24).required(),
    c("label", "事项", Kind::Text, 60),
    c("value", "是/否", Kind::YesNo, 10),
];

/// The hidden sheet `jixiao`: a key and a value a line; a leaf's line also has its name and
/// points.
pub const META_KEY: u16 = 0;
pub const META_VALUE: u16 = 1;
pub const META_NAME: u16 = 2;
pub const META_POINTS: u16 = 3;

/// Blank rows left for the unit: per rows-based leaf, for extra indicators, and on list sheets.
pub const ROWS_PER_LEAF: u32 = 5;
pub const EXTRA_INDICATOR_ROWS: u32 = 10;
pub const LIST_ROWS: u32 = 40;

const W: &str = "万元";
const ACCOUNT: &str = "无 / 有 (有则填下两行)";
/// The 要求 of the figures that go together.
const STAFF: &str = "编制数和在职人数一并填写";
const ACCOUNT_FIGURES: &str = "有此项预算的, 收入和支出一并填写";
const BUILDINGS: &str = "新建楼堂馆所的计划面积、实际面积、概算投资和实际投资四项一并填写";
const TASKS: &str = "计划、实际完成、按时完成和质量达标四项任务数一并填写";
const MEASURE: &str = "有量化指标的, 量化指标、指标方向、年度指标值和计量单位一并填写";

/// The unit sheet, top to bottom.
pub const UNIT_FIELDS: &[Field] = &[
    heading("一、基本信息"),
    f("unit.name", "单位名称", Kind::Text, "必填").required(),
    f(
        "unit.code",
        "单位编码",
        Kind::Code,
        "预算管理系统中的单位编码",
    ),
    f(
        "unit.supervisor",
        "主管部门",
        Kind::Text,
        "如 株洲市芦淞区科学技术协会",
    ),
    f(
        "unit.region",
        "所属地区",
        Kind::Text,
        "如 湖南省株洲市芦淞区",
    ),
    f("unit.year", "评价年度", Kind::Year, "必填, 如 2024").required(),
    f("unit.kind", "评价类型", Kind::EvaluationType, "必填").required(),
    f("unit.filed_on", "填报日期", Kind::Date, "如 2025-03-31"),
    f("unit.project", "项目名称", Kind::Text, "项目支出自评填写"),
    f(
        "unit.project_code",
        "项目编码",
        Kind::Code,
        "项目支出自评填写, 预算管理系统中的项目编码",
    ),
    f(
        "unit.implementer",
        "实施单位",
        Kind::Text,
        "项目支出自评填写",
    ),
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
        Kind::Count,
        "个",
    ),
    heading("二、人员情况"),
    f("staffing.authorised", "编制数", Kind::Count, "人").with_others(STAFF),
    f(
        "staffing.in_post",
        "在职人数(年末在职在编)",
        Kind::Count,
        "人",
    )
    .with_others(STAFF),
    f("staffing.retired", "退休人数", Kind::Count, "人"),
    heading("三、一般公共预算"),
    f("budget.opening", "年初预算数", Kind::Amount, "必填, 万元").required(),
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
    )
    .required(),
    f("budget.basic", "基本支出", Kind::Amount, W),
    f("budget.personnel", "其中: 人员经费", Kind::Amount, W),
    f("budget.public", "其中: 公用经费", Kind::Amount, W),
    f("budget.project", "项目支出", Kind::Amount, W),
    heading("四、其他预算"),
    f(
        "accounts.government_fund",
        "政府性基金预算",
        Kind::AccountState,
        ACCOUNT,
    ),
    f(
        "accounts.government_fund.income",
        "政府性基金预算收入",
        Kind::Amount,
        W,
    )
    .with_others(ACCOUNT_FIGURES),
    f(
        "accounts.government_fund.spent",
        "政府性基金预算支出",
        Kind::Amount,
        W,
    )
    .with_others(ACCOUNT_FIGURES),
    f(
        "accounts.state_capital",
        "国有资本经营预算",
        Kind::AccountState,
        ACCOUNT,
    ),
    f(
        "accounts.state_capital.income",
        "国有资本经营预算收入",
        Kind::Amount,
        W,
    )
    .with_others(ACCOUNT_FIGURES),
    f(
        "accounts.state_capital.spent",
        "国有资本经营预算支出",
        Kind::Amount,
        W,
    )
    .with_others(ACCOUNT_FIGURES),
    f(
        "accounts.social_insurance",
        "社会保险基金预算",
        Kind::AccountState,
        ACCOUNT,
    ),
    f(
        "accounts.social_insurance.income",
        "社会保险基金预算收入",
        Kind::Amount,
        W,
    )
    .with_others(ACCOUNT_FIGURES),
    f(
        "accounts.social_insurance.spent",
        "社会保险基金预算支出",
        Kind::Amount,
        W,
    )
    .with_others(ACCOUNT_FIGURES),
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
    )
    .with_others(BUILDINGS),
    f(
        "base.buildings.actual_area",
        "新建楼堂馆所实际面积",
        Kind::Number,
        "平方米",
    )
    .with_others(BUILDINGS),
    f(
        "base.buildings.planned_investment",
        "新建楼堂馆所概算投资",
        Kind::Amount,
        W,
    )
    .with_others(BUILDINGS),
    f(
        "base.buildings.actual_investment",
        "新建楼堂馆所实际投资",
        Kind::Amount,
        W,
    )
    .with_others(BUILDINGS),
    f(
        "base.tasks.planned",
        "年度计划工作任务数",
        Kind::Count,
        "项; 四项同时填或都不填",
    )
    .with_others(TASKS),
    f("base.tasks.completed", "实际完成任务数", Kind::Count, "项").with_others(TASKS),
    f("base.tasks.on_time", "按时完成任务数", Kind::Count, "项").with_others(TASKS),
    f(
        "base.tasks.up_to_standard",
        "质量达标任务数",
        Kind::Count,
        "项",
    )
    .with_others(TASKS),
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
    metric.fields()
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use jixiao_model::{FieldPath, Segment, SelfEvaluation};
    use serde_json::Value;

    use super::*;

    /// A path with its list positions left out: `funds[1].spent` → `funds[].spent`.
    fn shape(path: &FieldPath) -> String {
        let mut shape = String::new();
        for segment in path.segments() {
            match segment {
                Segment::Key(key) if shape.is_empty() => shape.push_str(key),
                Segment::Key(key) => shape.push_str(&format!(".{key}")),
                Segment::Index(_) => shape.push_str("[]"),
            }
        }
        shape
    }

    /// The shapes of the paths of every table, list item and value below `value`, and of the
    /// values alone (the leaves).
    fn walk(
        value: &Value,
        at: Option<FieldPath>,
        all: &mut BTreeSet<String>,
        leaves: &mut BTreeSet<String>,
    ) {
        if let Some(at) = &at {
            all.insert(shape(at));
        }
        let below = |key: &str| match &at {
            Some(at) => at.clone().key(key),
            None => FieldPath::new(key),
        };
        match value {
            Value::Object(table) => {
                for (key, value) in table {
                    walk(value, Some(below(key)), all, leaves);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let at = at.clone().map(|at| at.index(i));
                    walk(item, at, all, leaves);
                }
            }
            _ => {
                leaves.insert(at.as_ref().map(shape).unwrap_or_default());
            }
        }
    }

    /// The field shapes of a unit with every field given: all of them, and the values alone.
    fn unit_format() -> (BTreeSet<String>, BTreeSet<String>) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/every-field.toml");
        let unit = SelfEvaluation::load(&path).unwrap();
        let value = serde_json::to_value(unit.unit()).unwrap();
        let (mut all, mut leaves) = (BTreeSet::new(), BTreeSet::new());
        walk(&value, None, &mut all, &mut leaves);
        (all, leaves)
    }

    /// The shape of every field the form's tables fill: the unit sheet's keys, and each list
    /// sheet's columns below its list (without the columns that match a row rather than fill it).
    fn form() -> BTreeSet<String> {
        let mut shapes = BTreeSet::new();
        for field in UNIT_FIELDS.iter().filter(|f| !f.is_heading()) {
            let path = FieldPath::parse(field.key)
                .unwrap_or_else(|e| panic!("the unit sheet's key {}: {e}", field.key));
            shapes.insert(shape(&path));
        }
        let lists: [(&str, &[Field]); 5] = [
            ("indicators", &IND_COLUMNS[..usize::from(IND_ORIGIN)]),
            ("goals", &GOAL_COLUMNS),
            ("funds", &FUND_COLUMNS),
            (
                "funds[0].sources",
                &SOURCE_COLUMNS[usize::from(SOURCE_NAME)..],
            ),
            ("claims", &CLAIM_COLUMNS),
        ];
        for (list, columns) in lists {
            for column in columns {
                let text = format!("{list}[0].{}", column.key);
                let path = FieldPath::parse(&text)
                    .unwrap_or_else(|e| panic!("the column {}: {e}", column.label));
                shapes.insert(shape(&path));
            }
        }
        shapes
    }

    #[test]
    fn every_key_is_the_path_of_a_field_of_the_unit_format() {
        let (all, _) = unit_format();
        let form = form();
        let unknown: Vec<&String> = form.iter().filter(|s| !all.contains(*s)).collect();
        assert!(
            unknown.is_empty(),
            "not fields of the unit format: {unknown:?}"
        );
    }

    #[test]
    fn every_value_of_the_unit_format_has_its_place_in_the_form() {
        let (_, leaves) = unit_format();
        let form = form();
        // Facts are rows of the sheet 情况确认, one a fact, whatever their codes.
        let missing: Vec<&String> = leaves
            .iter()
            .filter(|s| !form.contains(*s) && !s.starts_with("facts."))
            .collect();
        assert!(missing.is_empty(), "not in the form: {missing:?}");
    }

    #[test]
    fn columns_are_named_by_their_place() {
        let key = |columns: &[Field], col: u16| columns[usize::from(col)].key;
        type Named = (&'static [Field], &'static [(u16, &'static str)]);
        let named: [Named; 6] = [
            (
                &IND_COLUMNS,
                &[
                    (IND_LEVEL1, "level1"),
                    (IND_LEVEL2, "level2"),
                    (IND_NAME, "name"),
                    (IND_DIRECTION, "direction"),
                    (IND_TARGET, "target"),
                    (IND_ACTUAL, "actual"),
                    (IND_UNIT, "unit"),
                    (IND_TIER, "tier"),
                    (IND_POINTS, "points"),
                    (IND_SELF_SCORE, "self_score"),
                    (IND_EXPLANATION, "explanation"),
                    (IND_ORIGIN, "origin"),
                ],
            ),
            (
                &GOAL_COLUMNS,
                &[
                    (GOAL_FUND, "fund"),
                    (GOAL_TEXT, "text"),
                    (GOAL_INDICATOR, "measure.indicator"),
                    (GOAL_DIRECTION, "measure.direction"),
                    (GOAL_TARGET, "measure.target"),
                    (GOAL_ACTUAL, "measure.actual"),
                    (GOAL_UNIT, "measure.unit"),
                ],
            ),
            (
                &FUND_COLUMNS,
                &[
                    (FUND_NAME, "name"),
                    (FUND_OPENING, "opening"),
                    (FUND_CHANGE, "change"),
                    (FUND_SPENT, "spent"),
                    (FUND_CARRIED_OVER, "carried_over"),
                ],
            ),
            (
                &SOURCE_COLUMNS,
                &[
                    (SOURCE_FUND, "fund"),
                    (SOURCE_NAME, "name"),
                    (SOURCE_AMOUNT, "amount"),
                ],
            ),
            (
                &CLAIM_COLUMNS,
                &[
                    (CLAIM_WHAT, "what"),
                    (CLAIM_QUANTITY, "quantity"),
                    (CLAIM_UNIT, "unit"),
                    (CLAIM_AT_LEAST, "at_least"),
                ],
            ),
            (
                &FACT_COLUMNS,
                &[
                    (FACT_CODE, "code"),
                    (FACT_LABEL, "label"),
                    (FACT_VALUE, "value"),
                ],
            ),
        ];
        for (columns, names) in named {
            assert_eq!(columns.len(), names.len());
            for (col, name) in names {
                assert_eq!(key(columns, *col), *name);
            }
        }
    }

    #[test]
    fn the_figures_of_every_metric_are_on_the_unit_sheet() {
        use jixiao_rules::Metric as M;
        let metrics = [
            M::ExecutionRate,
            M::BudgetCompletionRate,
            M::BudgetAdjustmentRate,
            M::StaffingControlRate,
            M::CarryOverRate,
            M::CarryOverChangeRate,
            M::ThreePublicChangeRate,
            M::ThreePublicControlRate,
            M::PublicFundsControlRate,
            M::KeySpendingRate,
            M::ProcurementExecutionRate,
            M::BuildingAreaControlRate,
            M::BuildingInvestmentControlRate,
            M::CompletionRate,
            M::TimelinessRate,
            M::QualityRate,
        ];
        for metric in metrics {
            for key in metric_keys(metric) {
                assert!(
                    UNIT_FIELDS.iter().any(|f| f.key == *key),
                    "{metric:?}: {key}"
                );
            }
        }
    }

    #[test]
    fn choices_offer_the_words_without_their_alternatives() {
        assert_eq!(Kind::Direction.choices().unwrap(), ["≥", "≤", "="]);
        assert_eq!(Kind::YesNo.choices().unwrap(), ["是", "否"]);
        assert_eq!(
            Kind::EvaluationType.choices().unwrap(),
            ["部门整体支出", "项目支出"]
        );
        assert_eq!(Kind::AccountState.choices().unwrap(), ["无", "有"]);
        assert_eq!(
            Kind::Tier.choices().unwrap(),
            ["达成", "部分达成", "未达成"]
        );
        assert_eq!(Kind::Grade.choices(), None);
    }
}
