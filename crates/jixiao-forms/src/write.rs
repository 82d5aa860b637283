//! Writing the fill-in workbook for a rule set.

use jixiao_model::EvaluationKind;
use jixiao_rules::{Indicator, Input, Method, RuleSet};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;
use rust_xlsxwriter::{
    DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook,
    Worksheet, XlsxError,
};

use crate::FormError;
use crate::layout::*;

/// A leaf of the rule set's tree with the 一级 / 二级 names its 自评表 row carries.
#[derive(Debug, Clone)]
pub(crate) struct Leaf<'a> {
    pub level1: String,
    pub level2: Option<String>,
    pub indicator: &'a Indicator,
}

/// The rule set's leaves in tree order. A top-level leaf is its own 一级指标; a leaf under a
/// top-level group has no 二级指标; deeper leaves take their top two ancestors.
pub(crate) fn leaves(rules: &RuleSet) -> Vec<Leaf<'_>> {
    fn walk<'a>(ind: &'a Indicator, path: &mut Vec<&'a str>, out: &mut Vec<Leaf<'a>>) {
        if ind.is_leaf() {
            let level1 = path.first().copied().unwrap_or(&ind.name).to_owned();
            out.push(Leaf {
                level1,
                level2: path.get(1).map(|s| (*s).to_owned()),
                indicator: ind,
            });
        } else {
            path.push(&ind.name);
            for child in &ind.children {
                walk(child, path, out);
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    for ind in &rules.indicators {
        walk(ind, &mut Vec::new(), &mut out);
    }
    out
}

fn number(value: Decimal) -> f64 {
    value.to_f64().unwrap_or_default()
}

struct Formats {
    title: Format,
    header: Format,
    label: Format,
    heading: Format,
    note: Format,
    text_in: Format,
    long_in: Format,
    amount_in: Format,
    number_in: Format,
    whole_in: Format,
    points: Format,
    points_in: Format,
}

impl Formats {
    /// The format of a blank input cell for a value of `kind`.
    fn input(&self, kind: Kind) -> &Format {
        match kind {
            Kind::Text
            | Kind::EvaluationType
            | Kind::AccountState
            | Kind::Direction
            | Kind::Tier
            | Kind::YesNo
            | Kind::Grade => &self.text_in,
            Kind::LongText => &self.long_in,
            Kind::Count | Kind::Year => &self.whole_in,
            Kind::Amount | Kind::Change => &self.amount_in,
            Kind::Number | Kind::Figure => &self.number_in,
            Kind::Points => &self.points_in,
        }
    }

    fn new() -> Self {
        let border = |f: Format| f.set_border(FormatBorder::Thin);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            header: border(
                Format::new()
                    .set_bold()
                    .set_text_wrap()
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::VerticalCenter)
                    .set_background_color("#D9E1F2"),
            ),
            label: border(
                Format::new()
                    .set_text_wrap()
                    .set_align(FormatAlign::VerticalCenter),
            ),
            heading: Format::new().set_bold().set_font_size(12),
            note: Format::new().set_font_color("#7F7F7F").set_text_wrap(),
            text_in: border(Format::new().set_unlocked().set_text_wrap()),
            long_in: border(
                Format::new()
                    .set_unlocked()
                    .set_text_wrap()
                    .set_align(FormatAlign::Top),
            ),
            amount_in: border(Format::new().set_unlocked().set_num_format("0.00##")),
            number_in: border(Format::new().set_unlocked().set_num_format("0.####")),
            whole_in: border(Format::new().set_unlocked().set_num_format("0")),
            points: border(Format::new().set_num_format("0.0#")),
            points_in: border(Format::new().set_unlocked().set_num_format("0.0#")),
        }
    }
}

fn list(words: &[&str], title: &str) -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_list_strings(words)?
        .set_error_title(title)?
        .set_error_message(format!("请从下拉列表选择: {}", words.join(" / ")))
}

/// A drop-down on rows `first..=last` of column `col`, offering the words of `kind`.
fn drop_down(
    ws: &mut Worksheet,
    (first, last): (u32, u32),
    col: u16,
    kind: Kind,
    title: &str,
) -> Result<(), FormError> {
    let words = kind.choices().unwrap_or_default();
    ws.add_data_validation(first, col, last, col, &list(&words, title)?)?;
    Ok(())
}

/// Writes the fill-in workbook (自评表) for `rules`, as the bytes of an `.xlsx` file.
pub fn write_form(rules: &RuleSet) -> Result<Vec<u8>, FormError> {
    let fmt = Formats::new();
    let mut workbook = Workbook::new();
    let date = ExcelDateTime::from_ymd(rules.year, 1, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{} 绩效自评表", rules.name))
            .set_comment(format!(
                "jixiao form for rule set {} v{}",
                rules.id, rules.version
            ))
            .set_creation_datetime(&date),
    );
    let leaves = leaves(rules);

    instructions(workbook.add_worksheet(), rules, &fmt)?;
    unit_sheet(workbook.add_worksheet(), rules, &leaves, &fmt)?;
    indicator_sheet(workbook.add_worksheet(), rules, &leaves, &fmt)?;
    let rows = (LIST_HEADER_ROW + 1, LIST_ROWS);
    let goals = list_sheet(workbook.add_worksheet(), GOALS, &GOAL_COLUMNS, &fmt)?;
    drop_down(goals, rows, GOAL_DIRECTION, Kind::Direction, "指标方向")?;
    list_sheet(workbook.add_worksheet(), FUNDS, &FUND_COLUMNS, &fmt)?;
    list_sheet(workbook.add_worksheet(), SOURCES, &SOURCE_COLUMNS, &fmt)?;
    let claims = list_sheet(workbook.add_worksheet(), CLAIMS, &CLAIM_COLUMNS, &fmt)?;
    drop_down(claims, rows, CLAIM_AT_LEAST, Kind::YesNo, "以上")?;
    facts_sheet(workbook.add_worksheet(), rules, &fmt)?;
    meta_sheet(workbook.add_worksheet(), rules, &leaves)?;
    Ok(workbook.save_to_buffer()?)
}

/// The sheet 填表说明: one column of text.
fn instructions(ws: &mut Worksheet, rules: &RuleSet, fmt: &Formats) -> Result<(), FormError> {
    const TEXT: u16 = 0;
    ws.set_name(INSTRUCTIONS)?;
    ws.set_column_width(TEXT, 110)?;
    ws.write_with_format(
        0,
        TEXT,
        format!("{} 绩效自评表 填表说明", rules.name),
        &fmt.title,
    )?;
    let lines = [
        format!(
            "本表依据评分规则「{}」(编号 {}, 版本 {}, {} 年度, 适用于{}绩效自评) 生成。请勿修改本说明及各表的标题、标签和隐藏列。",
            rules.name,
            rules.id,
            rules.version,
            rules.year,
            rules.applies_to.label()
        ),
        "1. 「单位」表: 填写基本信息、人员、一般公共预算 (年初预算数 / 全年预算数 / 全年执行数)、其他预算、基础数据、自评结论和报告叙述。只填白色单元格, 灰色标签已锁定。".to_owned(),
        "2. 金额一律以万元为单位, 最多 4 位小数。请填数字; 若填成文字 (如 1,234.5、85.33万元、853,300元), 系统会换算并提示。".to_owned(),
        "3. 「指标」表即自评表: 已列出本规则的共性指标及分值。定量指标填写指标方向 (≥ / ≤ / =)、年度指标值、实际完成值、计量单位; 定性指标在「定性评级」选择 达成 / 部分达成 / 未达成; 再填写得分和偏差原因分析及改进措施。".to_owned(),
        "4. 标有一级指标的空白行 (如 产出指标、效益指标、满意度指标) 供填写本单位的个性指标: 填写二级指标 (如 数量指标)、三级指标名称、分值等; 表末空白行可填写其他指标。未填写的行不计入。".to_owned(),
        "5. 「目标」表填写绩效目标: 整体目标的「所属专项资金」留空; 有量化指标的填写指标、方向、年度指标值、实际完成值和计量单位。".to_owned(),
        "6. 「专项资金」表每行一项专项资金 (年中调减填负数); 「资金来源」表填写各专项资金的上级 / 本级来源。".to_owned(),
        "7. 「数据声明」表填写报告中的量化成果 (如 表彰6位、受众超10000人次, 后者「以上」填 是); 「情况确认」表回答 是 / 否。".to_owned(),
        "8. 填好后保存为 .xlsx 交回财政局。财政局用 jixiao score --rules 规则集 本文件 评分; 单元格有误时会指出 文件!表!单元格。".to_owned(),
    ];
    for (i, line) in lines.iter().enumerate() {
        ws.write_with_format(i as u32 + 2, TEXT, line, &fmt.note)?;
    }
    ws.write(
        lines.len() as u32 + 3,
        TEXT,
        format!("规则集: {} v{}", rules.id, rules.version),
    )?;
    ws.protect();
    Ok(())
}

fn unit_sheet(
    ws: &mut Worksheet,
    rules: &RuleSet,
    leaves: &[Leaf<'_>],
    fmt: &Formats,
) -> Result<(), FormError> {
    ws.set_name(UNIT)?;
    ws.set_column_width(UNIT_KEY, 30)?;
    ws.set_column_hidden(UNIT_KEY)?;
    ws.set_column_width(UNIT_LABEL, 30)?;
    ws.set_column_width(UNIT_VALUE, 40)?;
    ws.set_column_width(UNIT_NOTE, 50)?;
    ws.write_with_format(0, UNIT_LABEL, "单位基本情况", &fmt.title)?;
    ws.write_with_format(1, UNIT_LABEL, "项目", &fmt.header)?;
    ws.write_with_format(1, UNIT_VALUE, "填写", &fmt.header)?;
    ws.write_with_format(1, UNIT_NOTE, "说明", &fmt.header)?;
    let grades: Vec<&str> = rules.grades.iter().map(|g| g.name.as_str()).collect();
    let mut row = 2;
    for field in UNIT_FIELDS {
        if field.is_heading() {
            row += 1;
            ws.write_with_format(row, UNIT_LABEL, field.label, &fmt.heading)?;
            row += 1;
            continue;
        }
        ws.write(row, UNIT_KEY, field.key)?;
        ws.write_with_format(row, UNIT_LABEL, field.label, &fmt.label)?;
        unit_value(ws, row, field, rules, &grades, fmt)?;
        let users: Vec<&str> = leaves
            .iter()
            .filter_map(|l| match &l.indicator.input {
                Some(Input::Metric(m)) if metric_keys(*m).contains(&field.key) => {
                    Some(l.indicator.name.as_str())
                }
                _ => None,
            })
            .collect();
        let note = if users.is_empty() {
            field.note.to_owned()
        } else {
            let sep = if field.note.is_empty() { "" } else { "; " };
            format!("{}{sep}评分用于: {}", field.note, users.join("、"))
        };
        ws.write_with_format(row, UNIT_NOTE, note, &fmt.note)?;
        row += 1;
    }
    ws.protect();
    Ok(())
}

/// The value cell of a unit-sheet line: blank, or the rule set's year and kind; with its drop-down.
fn unit_value(
    ws: &mut Worksheet,
    row: u32,
    field: &Field,
    rules: &RuleSet,
    grades: &[&str],
    fmt: &Formats,
) -> Result<(), FormError> {
    let input = fmt.input(field.kind);
    match field.kind {
        Kind::EvaluationType => {
            ws.write_with_format(row, UNIT_VALUE, rules.applies_to.label(), input)?
        }
        Kind::Year => ws.write_with_format(row, UNIT_VALUE, rules.year, input)?,
        _ => ws.write_blank(row, UNIT_VALUE, input)?,
    };
    if field.kind == Kind::LongText {
        ws.set_row_height(row, 60)?;
    }
    if field.kind == Kind::Grade {
        let grades = list(grades, "自评等级")?;
        ws.add_data_validation(row, UNIT_VALUE, row, UNIT_VALUE, &grades)?;
    } else if field.kind.choices().is_some() {
        drop_down(ws, (row, row), UNIT_VALUE, field.kind, field.label)?;
    }
    Ok(())
}

fn indicator_sheet(
    ws: &mut Worksheet,
    rules: &RuleSet,
    leaves: &[Leaf<'_>],
    fmt: &Formats,
) -> Result<(), FormError> {
    ws.set_name(INDICATORS)?;
    for (col, field) in (0u16..).zip(&IND_COLUMNS) {
        ws.set_column_width(col, field.width)?;
    }
    ws.set_column_hidden(IND_ORIGIN)?;
    let title = match rules.applies_to {
        EvaluationKind::Department => "部门整体支出绩效自评表",
        EvaluationKind::Project => "项目支出绩效自评表",
    };
    ws.merge_range(0, IND_LEVEL1, 0, IND_EXPLANATION, title, &fmt.title)?;
    ws.write_with_format(
        1,
        IND_LEVEL1,
        format!(
            "规则集: {} v{}  满分 {}",
            rules.id,
            rules.version,
            rules.total.normalize()
        ),
        &fmt.note,
    )?;
    for (col, field) in (0u16..).zip(&IND_COLUMNS) {
        ws.write_with_format(IND_HEADER_ROW, col, field.label, &fmt.header)?;
    }
    let mut row = IND_HEADER_ROW + 1;
    ws.set_freeze_panes(row, 0)?;
    let first = row;
    let inputs = |ws: &mut Worksheet, row: u32, from: u16| -> Result<(), XlsxError> {
        for col in from..=IND_EXPLANATION {
            let kind = IND_COLUMNS[usize::from(col)].kind;
            ws.write_blank(row, col, fmt.input(kind))?;
        }
        Ok(())
    };
    for leaf in leaves {
        let ind = leaf.indicator;
        match &ind.input {
            Some(Input::Rows(selection)) => {
                for _ in 0..ROWS_PER_LEAF {
                    inputs(ws, row, IND_LEVEL2)?;
                    ws.write_with_format(row, IND_LEVEL1, &selection.level1, &fmt.label)?;
                    if let Some(level2) = &selection.level2 {
                        ws.write_with_format(row, IND_LEVEL2, level2, &fmt.label)?;
                    }
                    ws.write(row, IND_ORIGIN, format!("rows:{}", ind.id))?;
                    row += 1;
                }
            }
            _ => {
                inputs(ws, row, IND_DIRECTION)?;
                ws.write_with_format(row, IND_LEVEL1, &leaf.level1, &fmt.label)?;
                ws.write_with_format(
                    row,
                    IND_LEVEL2,
                    leaf.level2.as_deref().unwrap_or(""),
                    &fmt.label,
                )?;
                ws.write_with_format(row, IND_NAME, &ind.name, &fmt.label)?;
                ws.write_with_format(row, IND_POINTS, number(ind.points), &fmt.points)?;
                ws.write(row, IND_ORIGIN, format!("leaf:{}", ind.id))?;
                row += 1;
            }
        }
    }
    for _ in 0..EXTRA_INDICATOR_ROWS {
        inputs(ws, row, IND_LEVEL1)?;
        row += 1;
    }
    let rows = (first, row - 1);
    drop_down(ws, rows, IND_DIRECTION, Kind::Direction, "指标方向")?;
    drop_down(ws, rows, IND_TIER, Kind::Tier, "定性评级")?;
    ws.protect();
    Ok(())
}

/// A list sheet: its columns' headers, then [`LIST_ROWS`] blank rows to fill.
fn list_sheet<'w>(
    ws: &'w mut Worksheet,
    name: &str,
    columns: &[Field],
    fmt: &Formats,
) -> Result<&'w mut Worksheet, FormError> {
    ws.set_name(name)?;
    header(ws, LIST_HEADER_ROW, columns, fmt)?;
    ws.set_freeze_panes(LIST_HEADER_ROW + 1, 0)?;
    for row in LIST_HEADER_ROW + 1..=LIST_ROWS {
        blank_row(ws, row, columns, fmt)?;
    }
    ws.protect();
    Ok(ws)
}

/// The columns' widths and headers.
fn header(ws: &mut Worksheet, row: u32, columns: &[Field], fmt: &Formats) -> Result<(), XlsxError> {
    for (col, field) in (0u16..).zip(columns) {
        ws.set_column_width(col, field.width)?;
        ws.write_with_format(row, col, field.label, &fmt.header)?;
    }
    Ok(())
}

/// A row of blank input cells, each formatted for its column's kind.
fn blank_row(
    ws: &mut Worksheet,
    row: u32,
    columns: &[Field],
    fmt: &Formats,
) -> Result<(), XlsxError> {
    for (col, field) in (0u16..).zip(columns) {
        ws.write_blank(row, col, fmt.input(field.kind))?;
    }
    Ok(())
}

fn facts_sheet(ws: &mut Worksheet, rules: &RuleSet, fmt: &Formats) -> Result<(), FormError> {
    ws.set_name(FACTS)?;
    header(ws, LIST_HEADER_ROW, &FACT_COLUMNS, fmt)?;
    let mut facts: Vec<(&str, &str)> = Vec::new();
    fn walk<'a>(ind: &'a Indicator, facts: &mut Vec<(&'a str, &'a str)>) {
        if let Some(Method::Checklist { items, .. }) = &ind.method {
            for item in items {
                if !jixiao_engine::BUILTIN_FACTS.contains(&item.fact.as_str())
                    && !facts.iter().any(|(f, _)| *f == item.fact)
                {
                    facts.push((&item.fact, &item.label));
                }
            }
        }
        for child in &ind.children {
            walk(child, facts);
        }
    }
    for ind in &rules.indicators {
        walk(ind, &mut facts);
    }
    let mut row = LIST_HEADER_ROW + 1;
    let value = FACT_COLUMNS[usize::from(FACT_VALUE)].kind;
    for (fact, label) in &facts {
        ws.write_with_format(row, FACT_CODE, *fact, &fmt.label)?;
        ws.write_with_format(row, FACT_LABEL, *label, &fmt.label)?;
        ws.write_blank(row, FACT_VALUE, fmt.input(value))?;
        row += 1;
    }
    for _ in 0..EXTRA_FACT_ROWS {
        blank_row(ws, row, &FACT_COLUMNS, fmt)?;
        row += 1;
    }
    drop_down(
        ws,
        (LIST_HEADER_ROW + 1, row - 1),
        FACT_VALUE,
        value,
        "是/否",
    )?;
    ws.protect();
    Ok(())
}

fn meta_sheet(ws: &mut Worksheet, rules: &RuleSet, leaves: &[Leaf<'_>]) -> Result<(), FormError> {
    ws.set_name(META)?;
    let pairs = [
        ("form_format", FORM_FORMAT.to_owned()),
        ("rule_set.id", rules.id.clone()),
        ("rule_set.name", rules.name.clone()),
        ("rule_set.version", rules.version.clone()),
        ("rule_set.year", rules.year.to_string()),
        ("rule_set.applies_to", rules.applies_to.label().to_owned()),
        ("rule_set.total", rules.total.normalize().to_string()),
    ];
    let mut row = 0;
    for (key, value) in pairs {
        ws.write(row, META_KEY, key)?;
        ws.write(row, META_VALUE, value)?;
        row += 1;
    }
    for leaf in leaves {
        let ind = leaf.indicator;
        ws.write(row, META_KEY, "leaf")?;
        ws.write(row, META_VALUE, &ind.id)?;
        ws.write(row, META_NAME, &ind.name)?;
        // Points as text, so they read back exactly.
        ws.write(row, META_POINTS, ind.points.normalize().to_string())?;
        row += 1;
    }
    ws.set_very_hidden(true);
    ws.protect();
    Ok(())
}
