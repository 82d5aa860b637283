//! Every text the form says to people, in plain Chinese and in one place: what the reader reports
//! about a cell (the problem found and what is expected, for a 退回清单), what it noted, how the
//! rule set changed since the form was made, why a workbook cannot be read, and the prompts and
//! error messages of the form's data validation. No internal key or English word is in any of
//! them: a field is named by its Chinese label.

use calamine::Data;
use rust_decimal::Decimal;

use crate::layout::{
    ACCOUNT_WORDS, DIRECTION_WORDS, FUNDS, KIND_WORDS, Kind, TIER_WORDS, UNIT, YES_NO_WORDS,
    offered,
};
use crate::text::decimal_from_f64;

/// 要求 of a required field left blank.
pub const REQUIRED: &str = "必填";
/// The problem of a required field left blank.
pub const NOT_FILLED: &str = "未填写";
/// The problem of a field left blank whose table's other fields are filled.
pub const NOT_FILLED_WITH_OTHERS: &str = "未填写, 而同组的其他项已填写";

/// The most characters of a cell's text quoted in a message.
const QUOTED: usize = 40;

/// A cell's text as quoted: in Chinese quotation marks, control characters escaped, and cut
/// after [`QUOTED`] characters.
pub fn quote(text: &str) -> String {
    let mut quoted: String = text
        .chars()
        .take(QUOTED)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if text.chars().count() > QUOTED {
        quoted.push('…');
    }
    format!("“{quoted}”")
}

/// What a cell holds, as a problem begins: `填的是“约95%”`, `填的是 -1`, `填的是日期`.
pub fn found(data: &Data) -> String {
    match data {
        Data::String(s) => format!("填的是{}", quote(s)),
        Data::Float(f) => decimal_from_f64(*f)
            .map_or_else(|| "填的不是有效数字".to_owned(), |d| format!("填的是 {d}")),
        Data::Int(i) => format!("填的是 {i}"),
        Data::Bool(b) => format!("填的是逻辑值 {}", if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(_) | Data::DateTimeIso(_) => "填的是日期".to_owned(),
        Data::DurationIso(_) => "填的是时长".to_owned(),
        Data::Error(e) => format!("填的是错误值 {e}"),
        Data::Empty => NOT_FILLED.to_owned(),
    }
}

/// The words of a choice, as offered: `≥、≤、=`.
fn words(kind: Kind) -> String {
    let words = match kind {
        Kind::EvaluationType => offered(&KIND_WORDS),
        Kind::AccountState => offered(&ACCOUNT_WORDS),
        Kind::Direction => offered(&DIRECTION_WORDS),
        Kind::Tier => offered(&TIER_WORDS),
        Kind::YesNo => offered(&YES_NO_WORDS),
        _ => Vec::new(),
    };
    words.join("、")
}

/// 要求 of a value of `kind`: what the cell should hold.
pub fn expected(kind: Kind) -> String {
    match kind {
        Kind::Text | Kind::LongText | Kind::Grade => "文字".to_owned(),
        Kind::Code => "编码, 按预算管理系统中的写法填写".to_owned(),
        Kind::Count => "不小于 0 的整数".to_owned(),
        Kind::Year => "四位数的年份, 如 2024".to_owned(),
        Kind::Date => "日期, 如 2025-03-31".to_owned(),
        Kind::Amount => "不小于 0 的金额, 以万元为单位, 如 85.33".to_owned(),
        Kind::Change => "金额, 以万元为单位, 调减填负数, 如 -5".to_owned(),
        Kind::Number => "不小于 0 的数字".to_owned(),
        Kind::Figure => "数字, 不带单位; 百分比填百分数的数字, 如 95% 填 95".to_owned(),
        Kind::Points => "不小于 0 的分数".to_owned(),
        Kind::EvaluationType | Kind::AccountState | Kind::Direction | Kind::Tier | Kind::YesNo => {
            format!("从下拉列表中选择: {}", words(kind))
        }
    }
}

/// A number was expected.
pub fn not_a_number(found: &str) -> String {
    format!("{found}, 不是数字")
}

/// A date was expected.
pub fn not_a_date(found: &str) -> String {
    format!("{found}, 不是日期")
}

/// Text was expected.
pub fn not_text(found: &str) -> String {
    format!("{found}, 不是文字")
}

pub fn not_finite() -> String {
    "填的不是有效数字".to_owned()
}

pub fn negative(value: Decimal) -> String {
    format!("填的是 {value}, 小于 0")
}

pub fn not_whole(value: Decimal) -> String {
    format!("填的是 {value}, 不是整数")
}

pub fn too_large(value: Decimal) -> String {
    format!("填的是 {value}, 超过上限")
}

pub fn not_a_year(year: u32) -> String {
    format!("填的是 {year}, 不是年份")
}

pub fn not_a_choice(text: &str) -> String {
    format!("填的是{}, 不是可选项", quote(text))
}

/// A line of the unit sheet that cannot be found by its hidden code.
pub fn missing_row() -> (String, String) {
    (
        format!("这一行在「{UNIT}」表中找不到 (隐藏的代码列被改动, 或这一行被删除)"),
        "使用下发的原表填写, 不要删除行或改动隐藏列".to_owned(),
    )
}

/// A row whose values, each readable, do not make an item.
pub fn not_an_item() -> (String, String) {
    (
        "这一行填写的内容不完整或不一致, 无法读取".to_owned(),
        "按表头逐列填写".to_owned(),
    )
}

/// A source naming a fund that is not on the sheet 专项资金.
pub fn unknown_fund(fund: &str) -> (String, String) {
    (
        format!("填的是{}, 「{FUNDS}」表中没有这项资金", quote(fund)),
        format!("「{FUNDS}」表中已填写的资金名称"),
    )
}

/// The largest magnitude of a figure (the unit model's bound): 10¹².
fn limit() -> Decimal {
    Decimal::from(1_000_000_000_000_i64)
}

/// The smallest non-zero magnitude of a figure: 10⁻⁶.
fn resolution() -> Decimal {
    Decimal::new(1, 6)
}

/// A figure read that the unit model finds out of bounds: the problem and 要求, from the value.
pub fn out_of_bounds(value: Option<Decimal>) -> (String, String) {
    match value {
        Some(v) if v.is_sign_negative() && !v.is_zero() => {
            (negative(v), "不小于 0 的数字".to_owned())
        }
        Some(v) if v.abs() > limit() => (
            too_large(v),
            "绝对值不超过 1000000000000 (10 的 12 次方) 的数字".to_owned(),
        ),
        Some(v) if !v.is_zero() && v.abs() < resolution() => (
            format!("填的是 {v}, 小数位过多"),
            "最多 6 位小数的数字 (或 0)".to_owned(),
        ),
        _ => (
            "填的数字超出允许的范围".to_owned(),
            "合理范围内的数字".to_owned(),
        ),
    }
}

/// Note: a number typed as text, read as `value`.
pub fn read_as(text: &str, value: Decimal, amount: bool) -> String {
    let unit = if amount { " 万元" } else { " " };
    format!("填的是文字{}, 已按 {value}{unit}读取", quote(text))
}

/// Note: a percentage that looks typed with its % sign (Excel stored 98% as 0.98).
pub fn percent_typed(value: Decimal, other_name: &str, other: Decimal) -> String {
    let percent = (value * Decimal::ONE_HUNDRED).normalize();
    format!(
        "为 {value}, 而{other_name}为 {other} (计量单位 %): 若输入时带了 % 号 ({percent}%), Excel 会存成 {value}; 请直接填 {percent}, 不带 %"
    )
}

/// A rule set as named to people: `「湖南省部门整体支出绩效评价 (区县版)」版本 2024.1`.
pub fn rule_set(name: &str, version: &str) -> String {
    format!("评分规则「{name}」版本 {version}")
}

/// The changes since the form's rule-set version.
pub mod changes {
    use rust_decimal::Decimal;

    pub fn other_rule_set(made_for: &str, scored_by: &str) -> String {
        format!("本表按{made_for} 生成, 现按{scored_by} 评分: 表中预填的指标可能不是评分所用的指标")
    }

    pub fn none(made_for: &str, version: &str) -> String {
        format!("本表按{made_for} 生成, 现按版本 {version} 评分, 指标没有变化")
    }

    pub fn some(made_for: &str, version: &str, count: usize) -> String {
        format!("本表按{made_for} 生成, 现按版本 {version} 评分, 有 {count} 处指标变化:")
    }

    pub fn added(name: &str, points: Decimal) -> String {
        format!("新增指标「{name}」({} 分)", points.normalize())
    }

    pub fn removed(name: &str, points: Decimal) -> String {
        format!("删除指标「{name}」({} 分)", points.normalize())
    }

    pub fn renamed(old: &str, new: &str) -> String {
        format!("指标改名: 「{old}」改为「{new}」")
    }

    pub fn points(name: &str, old: Decimal, new: Decimal) -> String {
        format!(
            "分值变化: 「{name}」由 {} 分改为 {} 分",
            old.normalize(),
            new.normalize()
        )
    }
}

/// Why a workbook cannot be read.
pub mod open {
    use jixiao_ingest::archive::{MAX_ENTRY, MAX_RATIO, MAX_TOTAL, ZipLimit};

    use crate::layout::META;

    pub fn file(error: &std::io::Error) -> String {
        match error.kind() {
            std::io::ErrorKind::NotFound => "文件不存在".to_owned(),
            std::io::ErrorKind::PermissionDenied => "没有读取这个文件的权限".to_owned(),
            _ => "文件打不开".to_owned(),
        }
    }

    pub fn zip(limit: &ZipLimit) -> String {
        const BOMB: &str = "未读取 (疑为压缩炸弹): 请在 Excel 或 WPS 中打开后重新保存";
        match limit {
            ZipLimit::Entry { entry } => {
                format!(
                    "文件中的 {entry} 解压后超过 {} MiB, {BOMB}",
                    MAX_ENTRY >> 20
                )
            }
            ZipLimit::Ratio { entry, compressed } => format!(
                "文件中的 {entry} 解压后超过其压缩大小 ({compressed} 字节) 的 {MAX_RATIO} 倍, {BOMB}"
            ),
            ZipLimit::Total { entry } => format!(
                "文件解压后总计超过 {} MiB (到 {entry} 时), {BOMB}",
                MAX_TOTAL >> 20
            ),
            ZipLimit::Read { entry, .. } => {
                format!("文件中的 {entry} 无法读取, 文件可能已损坏: {SAVE_AGAIN}")
            }
        }
    }

    const SAVE_AGAIN: &str = "请在 Excel 或 WPS 中打开后另存为 .xlsx";

    pub fn not_xlsx() -> String {
        format!("不是有效的 .xlsx 工作簿, 或文件已损坏: {SAVE_AGAIN}")
    }

    pub fn sheet(name: &str) -> String {
        format!("「{name}」表无法读取, 文件可能已损坏: {SAVE_AGAIN}")
    }

    pub fn damaged() -> String {
        format!("文件已损坏 (读取中途出错), 未读取: {SAVE_AGAIN}")
    }

    /// A sheet of the form is missing.
    pub fn missing_sheet(sheet: &str) -> String {
        if sheet == META {
            "不是本系统生成的填报表 (缺少记录评分规则的隐藏表): 请用财政局下发的填报表填写"
                .to_owned()
        } else {
            format!("缺少「{sheet}」表: 请用下发的原表填写, 不要删除工作表或改表名")
        }
    }
}
