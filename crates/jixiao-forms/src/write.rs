//! Writing the fill-in workbook for a rule set.
//!
//! What a unit fills is white and unlocked; every label, heading, note and pre-filled value is
//! grey and locked, and every sheet is protected (no password), as the sheet 填表说明 says. Number
//! cells take numbers only (data validation, with a Chinese prompt and error); choice cells have
//! drop-downs. Rows are as tall as their wrapped text and columns as wide as their labels, and
//! every sheet prints on A4, one page wide, its header rows repeated on each page.

use jixiao_model::EvaluationKind;
use jixiao_rules::{Indicator, Input, Method, RuleSet};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule as Rule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Formula, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use crate::FormError;
use crate::layout::*;
use crate::messages;

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

/// The fill of a cell a unit fills in.
pub const INPUT_FILL: &str = "#FFFFFF";
/// The fill of a locked cell: a label, a note, a pre-filled value.
pub const LOCKED_FILL: &str = "#F2F2F2";
/// The fill of a locked header or section heading.
pub const HEADER_FILL: &str = "#D9D9D9";

struct Formats {
    title: Format,
    header: Format,
    label: Format,
    heading: Format,
    note: Format,
    /// The 填表说明's text: wrapped, no fill.
    text: Format,
    /// The legend of the 填表说明: a white cell and a grey one, locked.
    legend_input: Format,
    text_in: Format,
    code_in: Format,
    long_in: Format,
    amount_in: Format,
    number_in: Format,
    whole_in: Format,
    date_in: Format,
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
            Kind::Code => &self.code_in,
            Kind::LongText => &self.long_in,
            Kind::Count | Kind::Year => &self.whole_in,
            Kind::Date => &self.date_in,
            Kind::Amount | Kind::Change => &self.amount_in,
            Kind::Number | Kind::Figure => &self.number_in,
            Kind::Points => &self.points_in,
        }
    }

    fn new() -> Self {
        let border = |f: Format| f.set_border(FormatBorder::Thin);
        let locked = |f: Format| border(f.set_background_color(LOCKED_FILL));
        let input = |f: Format| {
            border(
                f.set_unlocked()
                    .set_background_color(INPUT_FILL)
                    .set_align(FormatAlign::VerticalCenter),
            )
        };
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: border(
                Format::new()
                    .set_bold()
                    .set_text_wrap()
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::VerticalCenter)
                    .set_background_color(HEADER_FILL),
            ),
            label: locked(
                Format::new()
                    .set_text_wrap()
                    .set_align(FormatAlign::VerticalCenter),
            ),
            heading: border(
                Format::new()
                    .set_bold()
                    .set_font_size(12)
                    .set_align(FormatAlign::VerticalCenter)
                    .set_background_color(HEADER_FILL),
            ),
            note: locked(
                Format::new()
                    .set_font_color("#595959")
                    .set_text_wrap()
                    .set_align(FormatAlign::VerticalCenter),
            ),
            text: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            legend_input: border(Format::new().set_background_color(INPUT_FILL)),
            text_in: input(Format::new().set_text_wrap()),
            code_in: input(Format::new().set_num_format("@")),
            long_in: border(
                Format::new()
                    .set_unlocked()
                    .set_background_color(INPUT_FILL)
                    .set_text_wrap()
                    .set_align(FormatAlign::Top),
            ),
            amount_in: input(Format::new().set_num_format("0.00##")),
            number_in: input(Format::new().set_num_format("0.####")),
            whole_in: input(Format::new().set_num_format("0")),
            date_in: input(Format::new().set_num_format("yyyy-mm-dd")),
            points: locked(
                Format::new()
                    .set_num_format("0.0#")
                    .set_align(FormatAlign::VerticalCenter),
            ),
            points_in: input(Format::new().set_num_format("0.0#")),
        }
    }
}

/// How wide a text is in Excel's column units: a Chinese character (or any other not ASCII)
/// counts two, an ASCII character one.
pub(crate) fn text_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// How many lines `text` takes wrapped in a column `width` units wide: each line of the text
/// wrapped greedily, ASCII words kept whole (as Excel wraps them), Chinese characters one by one.
pub(crate) fn wrapped_lines(text: &str, width: u16) -> u16 {
    // A cell's padding takes about a unit.
    let width = usize::from(width).saturating_sub(1).max(2);
    let lines: usize = text
        .split('\n')
        .map(|line| {
            let mut lines = 1;
            let mut used = 0;
            let mut word = 0;
            let place = |w: usize, lines: &mut usize, used: &mut usize| {
                if *used + w > width && *used > 0 {
                    *lines += 1;
                    *used = 0;
                }
                // A word longer than the line is broken across lines.
                let mut w = w;
                while w > width {
                    *lines += 1;
                    w -= width;
                }
                *used += w;
            };
            for c in line.chars() {
                if c.is_ascii_graphic() {
                    word += 1;
                    continue;
                }
                if word > 0 {
                    place(word, &mut lines, &mut used);
                    word = 0;
                }
                if c == ' ' {
                    if used > 0 && used < width {
                        used += 1;
                    }
                } else {
                    place(text_width(&c.to_string()), &mut lines, &mut used);
                }
            }
            if word > 0 {
                place(word, &mut lines, &mut used);
            }
            lines
        })
        .sum();
    u16::try_from(lines).unwrap_or(u16::MAX)
}

/// Pixels per line of wrapped text (11-point type, Chinese glyphs included: 15.75 points), the
/// padding of a row, and the most rows may be (Excel's limit, 409 points). Heights are set in
/// pixels, which Excel stores exactly (3 points to 4 pixels).
const LINE: u16 = 21;
const PADDING: u16 = 6;
const MAX_HEIGHT: u16 = 545;
/// The height of a title row.
const TITLE_HEIGHT: u16 = 40;

/// The height, in pixels, of a row whose tallest cell takes `lines` lines.
fn height(lines: u16) -> u16 {
    lines
        .saturating_mul(LINE)
        .saturating_add(PADDING)
        .min(MAX_HEIGHT)
}

/// How many lines the tallest of the cells `(text, width)` takes.
fn row_lines<'t>(cells: impl IntoIterator<Item = (&'t str, u16)>) -> u16 {
    cells
        .into_iter()
        .map(|(text, width)| wrapped_lines(text, width))
        .max()
        .unwrap_or(1)
        .max(1)
}

/// The height of a row holding each `(text, width)`.
fn row_height<'t>(cells: impl IntoIterator<Item = (&'t str, u16)>) -> u16 {
    height(row_lines(cells))
}

/// Sets the row as tall as its wrapped labels when they take more than a line. A row of one
/// line keeps Excel's own height, so that Excel makes it taller as a unit types a long answer
/// into it (it does not for a row of a set height).
fn fit_row<'t>(
    ws: &mut Worksheet,
    row: u32,
    cells: impl IntoIterator<Item = (&'t str, u16)>,
) -> Result<(), XlsxError> {
    let lines = row_lines(cells);
    if lines > 1 {
        ws.set_row_height_pixels(row, height(lines).into())?;
    }
    Ok(())
}

/// The widest header kept on one line; a longer one wraps.
const ONE_LINE_HEADER: u16 = 24;

/// A column at least `width` wide, and as wide as its header on one line (up to
/// [`ONE_LINE_HEADER`] units; a longer header wraps, its row as tall as it takes).
pub(crate) fn column_width(field: &Field) -> u16 {
    let header = u16::try_from(text_width(field.label)).unwrap_or(u16::MAX);
    field
        .width
        .max(header.min(ONE_LINE_HEADER).saturating_add(2))
}

/// A sheet as wide as this (visible columns, in units) prints landscape; narrower, portrait.
const PORTRAIT_WIDTH: u16 = 100;

/// Excel's paper size code for A4.
const A4: u8 = 9;

/// How a sheet prints: A4, landscape when wider than [`PORTRAIT_WIDTH`], one page wide (as many
/// pages down as it takes), rows `repeat` repeated at the top of every page, the form's title
/// and rule set above and the page number below.
fn print_setup(
    ws: &mut Worksheet,
    rules: &RuleSet,
    width: u16,
    repeat: (u32, u32),
) -> Result<(), XlsxError> {
    if width > PORTRAIT_WIDTH {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_paper_size(A4);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(repeat.0, repeat.1)?;
    ws.set_header(header_text(rules));
    ws.set_footer("&C第 &P 页, 共 &N 页");
    Ok(())
}

/// The printed header: `湖南省部门整体支出绩效评价 (区县版) 绩效自评表 · 单位`, and the rule set's version
/// on the right. An `&` of the name is doubled (Excel reads `&` as a code); a long name is cut so
/// the header stays within Excel's 255 characters.
pub(crate) fn header_text(rules: &RuleSet) -> String {
    let name: String = rules.name.chars().take(80).collect();
    let name = name.replace('&', "&&");
    let version: String = rules.version.chars().take(40).collect();
    let version = version.replace('&', "&&");
    format!("&C&\"-,Bold\"{name} 绩效自评表 · &A&R版本 {version}")
}

/// Protected (no password): locked cells cannot be changed, unlocked ones can; rows may be made
/// taller for a long answer.
fn protect(ws: &mut Worksheet) {
    let options = ProtectionOptions {
        format_rows: true,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&options);
}

/// The title of a data validation's prompt and error (Excel's limit: 32 characters).
fn title(name: &str) -> String {
    name.chars().take(32).collect()
}

/// `validation` with a Chinese prompt (`请填…`) and error (`…应为…`), `expected` saying what the
/// cell takes.
fn prompted(
    validation: DataValidation,
    name: &str,
    expected: &str,
) -> Result<DataValidation, XlsxError> {
    validation
        .set_input_title(title(name))?
        .set_input_message(format!("请填{expected}"))?
        .set_error_title(title(&format!("{name}填写有误")))?
        .set_error_message(format!("{name}应为{expected}。"))
}

/// The bounds of a figure that may be negative (the unit model's, ±10¹²), for its validation.
const FIGURE_MIN: f64 = -1e12;
const FIGURE_MAX: f64 = 1e12;

/// The validation of a number cell holding a value of `kind`: counts whole and zero or more,
/// amounts and other non-negative numbers zero or more, figures and changes any number, a year
/// of four digits, a date of this century. `None` for a value that is not a number.
fn number_validation(kind: Kind, name: &str) -> Result<Option<DataValidation>, XlsxError> {
    let validation = DataValidation::new();
    let validation = match kind {
        Kind::Count => validation.allow_whole_number(Rule::GreaterThanOrEqualTo(0)),
        Kind::Year => validation.allow_whole_number(Rule::Between(1900, 9999)),
        Kind::Amount | Kind::Number | Kind::Points => {
            validation.allow_decimal_number(Rule::GreaterThanOrEqualTo(0.0))
        }
        Kind::Change | Kind::Figure => {
            validation.allow_decimal_number(Rule::Between(FIGURE_MIN, FIGURE_MAX))
        }
        Kind::Date => validation.allow_date(Rule::Between(
            ExcelDateTime::from_ymd(2000, 1, 1)?,
            ExcelDateTime::from_ymd(2099, 12, 31)?,
        )),
        _ => return Ok(None),
    };
    prompted(validation, name, &messages::expected(kind)).map(Some)
}

/// Points between 0 and `most`, said with `what` (`本项分值 5 分`).
fn points_validation(name: &str, most: Decimal, what: &str) -> Result<DataValidation, XlsxError> {
    let most = most.normalize();
    let validation = DataValidation::new().allow_decimal_number(Rule::Between(0.0, number(most)));
    prompted(
        validation,
        name,
        &format!("0 到 {most} 之间的分数 ({what} {most} 分)"),
    )
}

fn list(words: &[&str], name: &str) -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_list_strings(words)?
        .set_input_title(title(name))?
        .set_input_message("请从下拉列表中选择")?
        .set_error_title(title(&format!("{name}填写有误")))?
        .set_error_message(format!("请从下拉列表中选择: {}", words.join("、")))
}

/// The validation of rows `first..=last` of column `col`, holding values of `kind`: a drop-down
/// for a choice, the number validation for a number, nothing for text.
fn validate(
    ws: &mut Worksheet,
    (first, last): (u32, u32),
    col: u16,
    field: &Field,
) -> Result<(), FormError> {
    let validation = match field.kind.choices() {
        Some(words) => Some(list(&words, field.name())?),
        None => number_validation(field.kind, field.name())?,
    };
    if let Some(validation) = validation {
        ws.add_data_validation(first, col, last, col, &validation)?;
    }
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
                "按{}生成的绩效自评填报表",
                messages::rule_set(&rules.name, &rules.version)
            ))
            .set_creation_datetime(&date),
    );
    let leaves = leaves(rules);

    instructions(workbook.add_worksheet(), rules, &fmt)?;
    unit_sheet(workbook.add_worksheet(), rules, &leaves, &fmt)?;
    indicator_sheet(workbook.add_worksheet(), rules, &leaves, &fmt)?;
    list_sheet(workbook.add_worksheet(), rules, GOALS, &GOAL_COLUMNS, &fmt)?;
    list_sheet(workbook.add_worksheet(), rules, FUNDS, &FUND_COLUMNS, &fmt)?;
    let sources = list_sheet(
        workbook.add_worksheet(),
        rules,
        SOURCES,
        &SOURCE_COLUMNS,
        &fmt,
    )?;
    fund_names(sources)?;
    list_sheet(
        workbook.add_worksheet(),
        rules,
        CLAIMS,
        &CLAIM_COLUMNS,
        &fmt,
    )?;
    facts_sheet(workbook.add_worksheet(), rules, &fmt)?;
    meta_sheet(workbook.add_worksheet(), rules, &leaves)?;
    Ok(workbook.save_to_buffer()?)
}

/// The lines of the sheet 填表说明, after its title.
fn instruction_lines(rules: &RuleSet) -> Vec<String> {
    vec![
        format!(
            "本表依据{} ({} 年度, 适用于{}绩效自评) 生成。请勿修改本说明及各表的标题、标签和说明, 不要删除行、增删工作表或改表名。",
            messages::rule_set(&rules.name, &rules.version),
            rules.year,
            rules.applies_to.label()
        ),
        "1. 只填白色单元格; 灰色单元格是标签、说明和预先填好的内容, 已锁定, 不能修改。有下拉箭头的单元格请从列表中选择; 数字单元格只接受数字, 填错时 Excel 会提示应填什么。".to_owned(),
        "2. 「单位」表: 填写基本信息 (单位名称、单位编码、主管部门、所属地区等; 项目支出自评还要填项目名称、项目编码和实施单位)、人员、一般公共预算 (年初预算数 / 全年预算数 / 全年执行数)、其他预算、基础数据、自评结论和报告叙述。".to_owned(),
        "3. 金额一律以万元为单位, 最多 4 位小数, 只填数字 (如 85.33), 不带“万元”“元”和千分位逗号。从其他表格粘贴来的文字金额 (如 85.33万元、853,300元) 会被换算, 并提示核对。".to_owned(),
        "4. 「指标」表即自评表: 已列出本规则的共性指标及分值。定量指标填写指标方向 (≥ / ≤ / =)、年度指标值、实际完成值、计量单位; 百分比填百分数的数字 (95% 填 95), 不带 %。定性指标在「定性评级」选择 达成 / 部分达成 / 未达成。再填写得分 (不超过该行分值) 和偏差原因分析及改进措施。".to_owned(),
        "5. 标有一级指标的空白行 (如 产出指标、效益指标、满意度指标) 供填写本单位的个性指标: 填写二级指标 (如 数量指标)、三级指标名称、分值等; 表末空白行可填写其他指标。未填写的行不计入。".to_owned(),
        "6. 「目标」表填写绩效目标: 整体目标的「所属专项资金」留空; 有量化指标的填写指标、方向、年度指标值、实际完成值和计量单位。".to_owned(),
        "7. 「专项资金」表每行一项专项资金 (年中调减填负数); 「资金来源」表填写各专项资金的上级 / 本级来源, 资金名称从下拉列表中选择 (即「专项资金」表中已填的名称)。".to_owned(),
        "8. 「数据声明」表填写报告中的量化成果 (如 表彰6位、受众超10000人次, 后者「以上」选 是); 「情况确认」表逐项选择 是 / 否。".to_owned(),
        "9. 填好后保存为 .xlsx 交回财政局。财政局读表时若发现填写有误, 会在退回清单中列出表名、单元格、问题和要求; 改正后再次交回即可。".to_owned(),
    ]
}

/// The sheet 填表说明: one column of text, and a legend of the two kinds of cells.
fn instructions(ws: &mut Worksheet, rules: &RuleSet, fmt: &Formats) -> Result<(), FormError> {
    const TEXT: u16 = 0;
    const WIDTH: u16 = 90;
    ws.set_name(INSTRUCTIONS)?;
    ws.set_column_width(TEXT, WIDTH)?;
    let title = format!("{} 绩效自评表 填表说明", rules.name);
    ws.write_with_format(0, TEXT, &title, &fmt.title)?;
    ws.set_row_height_pixels(
        0,
        row_height([(title.as_str(), WIDTH / 2)])
            .max(TITLE_HEIGHT)
            .into(),
    )?;
    let lines = instruction_lines(rules);
    let mut row = 2;
    for line in &lines {
        ws.write_with_format(row, TEXT, line, &fmt.text)?;
        ws.set_row_height_pixels(row, row_height([(line.as_str(), WIDTH)]).into())?;
        row += 1;
    }
    row += 1;
    ws.write_with_format(row, TEXT, "白色单元格: 请填写", &fmt.legend_input)?;
    ws.write_with_format(row + 1, TEXT, "灰色单元格: 已锁定, 不用填写", &fmt.label)?;
    print_setup(ws, rules, WIDTH, (0, 0))?;
    protect(ws);
    Ok(())
}

/// The unit sheet's columns: the label as wide as the longest label, the value and the note.
const UNIT_VALUE_WIDTH: u16 = 30;
/// The lines a narrative's box is tall.
const LONG_TEXT_LINES: u16 = 6;
const UNIT_NOTE_WIDTH: u16 = 38;
const UNIT_KEY_HEADER: &str = "代码(系统用)";

fn unit_label_width() -> u16 {
    let widest = UNIT_FIELDS
        .iter()
        .map(|f| text_width(f.label))
        .max()
        .unwrap_or(0);
    u16::try_from(widest).unwrap_or(40).saturating_add(3)
}

fn unit_sheet(
    ws: &mut Worksheet,
    rules: &RuleSet,
    leaves: &[Leaf<'_>],
    fmt: &Formats,
) -> Result<(), FormError> {
    ws.set_name(UNIT)?;
    let label_width = unit_label_width();
    ws.set_column_width(UNIT_KEY, 30)?;
    ws.set_column_hidden(UNIT_KEY)?;
    ws.set_column_width(UNIT_LABEL, label_width)?;
    ws.set_column_width(UNIT_VALUE, UNIT_VALUE_WIDTH)?;
    ws.set_column_width(UNIT_NOTE, UNIT_NOTE_WIDTH)?;
    ws.merge_range(0, UNIT_LABEL, 0, UNIT_NOTE, "单位基本情况", &fmt.title)?;
    ws.set_row_height_pixels(0, TITLE_HEIGHT.into())?;
    ws.write_with_format(1, UNIT_KEY, UNIT_KEY_HEADER, &fmt.header)?;
    ws.write_with_format(1, UNIT_LABEL, "项目", &fmt.header)?;
    ws.write_with_format(1, UNIT_VALUE, "填写", &fmt.header)?;
    ws.write_with_format(1, UNIT_NOTE, "说明", &fmt.header)?;
    let grades: Vec<&str> = rules.grades.iter().map(|g| g.name.as_str()).collect();
    let mut row = 2;
    for field in UNIT_FIELDS {
        if field.is_heading() {
            row += 1;
            ws.merge_range(row, UNIT_LABEL, row, UNIT_NOTE, field.label, &fmt.heading)?;
            ws.set_row_height_pixels(row, height(1).saturating_add(PADDING).into())?;
            row += 1;
            continue;
        }
        ws.write(row, UNIT_KEY, field.key)?;
        if field.kind == Kind::LongText {
            // The narrative, pasted from the report: a tall box across the value and note
            // columns, what to write under the label.
            let label = if field.note.is_empty() {
                field.label.to_owned()
            } else {
                format!("{}\n({})", field.label, field.note)
            };
            ws.write_with_format(row, UNIT_LABEL, label.as_str(), &fmt.label)?;
            ws.merge_range(row, UNIT_VALUE, row, UNIT_NOTE, "", &fmt.long_in)?;
            let fits = row_height([(label.as_str(), label_width)]);
            ws.set_row_height_pixels(row, fits.max(height(LONG_TEXT_LINES)).into())?;
            row += 1;
            continue;
        }
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
        ws.write_with_format(row, UNIT_NOTE, note.as_str(), &fmt.note)?;
        // The unit sheet's answers are short: every line is set as tall as its label and note.
        let cells = [(field.label, label_width), (note.as_str(), UNIT_NOTE_WIDTH)];
        ws.set_row_height_pixels(row, row_height(cells).into())?;
        row += 1;
    }
    ws.set_freeze_panes(2, 0)?;
    let width = label_width + UNIT_VALUE_WIDTH + UNIT_NOTE_WIDTH;
    print_setup(ws, rules, width, (0, 1))?;
    protect(ws);
    Ok(())
}

/// The value cell of a unit-sheet line: blank, or the rule set's year and kind; with its
/// drop-down or number validation (the declared total between 0 and the rule set's total).
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
    if field.kind == Kind::Grade {
        let grades = list(grades, field.name())?;
        ws.add_data_validation(row, UNIT_VALUE, row, UNIT_VALUE, &grades)?;
    } else if field.key == "declared.total" {
        let total = points_validation(field.name(), rules.total, "满分")?;
        ws.add_data_validation(row, UNIT_VALUE, row, UNIT_VALUE, &total)?;
    } else {
        validate(ws, (row, row), UNIT_VALUE, field)?;
    }
    Ok(())
}

/// The 一级 / 二级 / 三级 names of a pre-filled row, with their columns.
fn names_of_row(texts: [(&str, u16); 3]) -> impl Iterator<Item = (&str, u16)> {
    texts
        .into_iter()
        .map(|(text, col)| (text, column_width(&IND_COLUMNS[usize::from(col)])))
}

fn indicator_sheet(
    ws: &mut Worksheet,
    rules: &RuleSet,
    leaves: &[Leaf<'_>],
    fmt: &Formats,
) -> Result<(), FormError> {
    ws.set_name(INDICATORS)?;
    for (col, field) in (0u16..).zip(&IND_COLUMNS) {
        ws.set_column_width(col, column_width(field))?;
    }
    ws.set_column_hidden(IND_ORIGIN)?;
    let title = match rules.applies_to {
        EvaluationKind::Department => "部门整体支出绩效自评表",
        EvaluationKind::Project => "项目支出绩效自评表",
    };
    ws.merge_range(0, IND_LEVEL1, 0, IND_EXPLANATION, title, &fmt.title)?;
    ws.set_row_height_pixels(0, TITLE_HEIGHT.into())?;
    ws.merge_range(
        1,
        IND_LEVEL1,
        1,
        IND_EXPLANATION,
        &format!(
            "{}  满分 {} 分",
            messages::rule_set(&rules.name, &rules.version),
            rules.total.normalize()
        ),
        &fmt.text,
    )?;
    let headers = (0u16..).zip(&IND_COLUMNS);
    for (col, field) in headers.clone() {
        ws.write_with_format(IND_HEADER_ROW, col, field.label, &fmt.header)?;
    }
    ws.set_row_height_pixels(
        IND_HEADER_ROW,
        row_height(
            headers
                .filter(|(col, _)| *col != IND_ORIGIN)
                .map(|(_, f)| (f.label, column_width(f))),
        )
        .into(),
    )?;
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
    let self_score = IND_COLUMNS[usize::from(IND_SELF_SCORE)];
    let points = IND_COLUMNS[usize::from(IND_POINTS)];
    // The rows whose 分值 the unit fills: their 分值 takes points, their 得分 at most the 分值.
    let mut unit_rows = Vec::new();
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
                    let level2 = selection.level2.as_deref().unwrap_or("");
                    let names = [
                        (selection.level1.as_str(), IND_LEVEL1),
                        (level2, IND_LEVEL2),
                        ("", IND_NAME),
                    ];
                    fit_row(ws, row, names_of_row(names))?;
                    unit_rows.push(row);
                    row += 1;
                }
            }
            _ => {
                inputs(ws, row, IND_DIRECTION)?;
                let level2 = leaf.level2.as_deref().unwrap_or("");
                ws.write_with_format(row, IND_LEVEL1, &leaf.level1, &fmt.label)?;
                ws.write_with_format(row, IND_LEVEL2, level2, &fmt.label)?;
                ws.write_with_format(row, IND_NAME, &ind.name, &fmt.label)?;
                ws.write_with_format(row, IND_POINTS, number(ind.points), &fmt.points)?;
                ws.write(row, IND_ORIGIN, format!("leaf:{}", ind.id))?;
                let names = [
                    (leaf.level1.as_str(), IND_LEVEL1),
                    (level2, IND_LEVEL2),
                    (ind.name.as_str(), IND_NAME),
                ];
                fit_row(ws, row, names_of_row(names))?;
                let score = points_validation(self_score.name(), ind.points, "本项分值")?;
                ws.add_data_validation(row, IND_SELF_SCORE, row, IND_SELF_SCORE, &score)?;
                row += 1;
            }
        }
    }
    for _ in 0..EXTRA_INDICATOR_ROWS {
        inputs(ws, row, IND_LEVEL1)?;
        unit_rows.push(row);
        row += 1;
    }
    // Each run of such rows validated at once: the formula's references are relative to the
    // run's first row, as Excel reads them for every row of the range.
    for (top, bottom) in runs(&unit_rows) {
        validate(ws, (top, bottom), IND_POINTS, &points)?;
        let (score, most) = (cell_ref(top, IND_SELF_SCORE), cell_ref(top, IND_POINTS));
        let at_most_points = DataValidation::new().allow_custom(Formula::new(format!(
            "=AND(ISNUMBER({score}),{score}>=0,OR(ISBLANK({most}),{score}<={most}))"
        )));
        let at_most_points = prompted(
            at_most_points,
            self_score.name(),
            "不小于 0、不超过本行分值的分数",
        )?;
        ws.add_data_validation(top, IND_SELF_SCORE, bottom, IND_SELF_SCORE, &at_most_points)?;
    }
    let rows = (first, row - 1);
    for col in [IND_DIRECTION, IND_TARGET, IND_ACTUAL, IND_TIER] {
        validate(ws, rows, col, &IND_COLUMNS[usize::from(col)])?;
    }
    let width = (0u16..)
        .zip(&IND_COLUMNS)
        .filter(|(col, _)| *col != IND_ORIGIN)
        .map(|(_, f)| column_width(f))
        .sum();
    print_setup(ws, rules, width, (0, IND_HEADER_ROW))?;
    protect(ws);
    Ok(())
}

/// The runs of consecutive rows of `rows` (ascending), each as its first and last row.
fn runs(rows: &[u32]) -> Vec<(u32, u32)> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &row in rows {
        match runs.last_mut() {
            Some((_, last)) if last.checked_add(1) == Some(row) => *last = row,
            _ => runs.push((row, row)),
        }
    }
    runs
}

/// A list sheet: its columns' headers, then [`LIST_ROWS`] blank rows to fill, each column
/// validated as its kind says.
fn list_sheet<'w>(
    ws: &'w mut Worksheet,
    rules: &RuleSet,
    name: &str,
    columns: &[Field],
    fmt: &Formats,
) -> Result<&'w mut Worksheet, FormError> {
    ws.set_name(name)?;
    header(ws, LIST_HEADER_ROW, columns, &[], fmt)?;
    ws.set_freeze_panes(LIST_HEADER_ROW + 1, 0)?;
    let rows = (LIST_HEADER_ROW + 1, LIST_ROWS);
    for row in rows.0..=rows.1 {
        blank_row(ws, row, columns, fmt)?;
    }
    for (col, field) in (0u16..).zip(columns) {
        validate(ws, rows, col, field)?;
    }
    let width = columns.iter().map(column_width).sum();
    print_setup(ws, rules, width, (LIST_HEADER_ROW, LIST_HEADER_ROW))?;
    protect(ws);
    Ok(ws)
}

/// The sheet 资金来源's fund column: a drop-down of the names on the sheet 专项资金.
fn fund_names(ws: &mut Worksheet) -> Result<(), FormError> {
    let names = format!(
        "='{FUNDS}'!${col}${first}:${col}${last}",
        col = cell_ref(0, FUND_NAME).trim_end_matches('1'),
        first = LIST_HEADER_ROW + 2,
        last = LIST_ROWS + 1
    );
    let name = SOURCE_COLUMNS[usize::from(SOURCE_FUND)].name();
    let validation = DataValidation::new()
        .allow_list_formula(Formula::new(names))
        .set_input_title(title(name))?
        .set_input_message(format!("请从下拉列表中选择「{FUNDS}」表中已填的资金名称"))?
        .set_error_title(title(&format!("{name}填写有误")))?
        .set_error_message(format!(
            "请先在「{FUNDS}」表中填写这项资金, 再从下拉列表中选择。"
        ))?;
    ws.add_data_validation(
        LIST_HEADER_ROW + 1,
        SOURCE_FUND,
        LIST_ROWS,
        SOURCE_FUND,
        &validation,
    )?;
    Ok(())
}

/// The columns' widths and headers, the header row as tall as its wrapped headers; the columns
/// `hidden` hidden.
fn header(
    ws: &mut Worksheet,
    row: u32,
    columns: &[Field],
    hidden: &[u16],
    fmt: &Formats,
) -> Result<(), XlsxError> {
    for (col, field) in (0u16..).zip(columns) {
        ws.set_column_width(col, column_width(field))?;
        ws.write_with_format(row, col, field.label, &fmt.header)?;
        if hidden.contains(&col) {
            ws.set_column_hidden(col)?;
        }
    }
    let shown = (0u16..)
        .zip(columns)
        .filter(|(col, _)| !hidden.contains(col))
        .map(|(_, f)| (f.label, column_width(f)));
    ws.set_row_height_pixels(row, row_height(shown).into())?;
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

/// What the sheet 情况确认 says when the rule set asks about no facts.
const NO_FACTS: &str = "本评分规则没有需要确认的事项, 本表不用填写。";

/// The sheet 情况确认: the rule set's facts, each a row with its 事项 and a 是/否 to choose; the
/// fact's code in a hidden column, for the reader.
fn facts_sheet(ws: &mut Worksheet, rules: &RuleSet, fmt: &Formats) -> Result<(), FormError> {
    ws.set_name(FACTS)?;
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
    header(ws, LIST_HEADER_ROW, &FACT_COLUMNS, &[FACT_CODE], fmt)?;
    ws.set_freeze_panes(LIST_HEADER_ROW + 1, 0)?;
    let label_width = column_width(&FACT_COLUMNS[usize::from(FACT_LABEL)]);
    let mut row = LIST_HEADER_ROW + 1;
    let value = FACT_COLUMNS[usize::from(FACT_VALUE)];
    for (fact, label) in &facts {
        ws.write_with_format(row, FACT_CODE, *fact, &fmt.label)?;
        ws.write_with_format(row, FACT_LABEL, *label, &fmt.label)?;
        ws.write_blank(row, FACT_VALUE, fmt.input(value.kind))?;
        fit_row(ws, row, [(*label, label_width)])?;
        row += 1;
    }
    if row > LIST_HEADER_ROW + 1 {
        validate(ws, (LIST_HEADER_ROW + 1, row - 1), FACT_VALUE, &value)?;
    } else {
        ws.merge_range(row, FACT_LABEL, row, FACT_VALUE, NO_FACTS, &fmt.note)?;
    }
    let width = (0u16..)
        .zip(&FACT_COLUMNS)
        .filter(|(col, _)| *col != FACT_CODE)
        .map(|(_, f)| column_width(f))
        .sum();
    print_setup(ws, rules, width, (LIST_HEADER_ROW, LIST_HEADER_ROW))?;
    protect(ws);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_two_and_words_wrap_whole() {
        assert_eq!(text_width("年初预算数"), 10);
        assert_eq!(text_width("A4 纸"), 5);
        // 10 units in a 12-wide column (11 usable): one line; 12 units: two.
        assert_eq!(wrapped_lines("年初预算数", 12), 1);
        assert_eq!(wrapped_lines("年初预算数年", 12), 2);
        // "jixiao" (6 units) does not fit beside "跑跑 " (5) in 8 usable units: it moves down whole.
        assert_eq!(wrapped_lines("跑跑 jixiao", 9), 2);
        assert_eq!(wrapped_lines("一\n二\n三", 40), 3);
        assert_eq!(wrapped_lines("", 10), 1);
    }

    #[test]
    fn consecutive_rows_make_runs() {
        assert_eq!(runs(&[3, 4, 5, 9, 11, 12]), [(3, 5), (9, 9), (11, 12)]);
        assert_eq!(runs(&[]), []);
    }

    #[test]
    fn rows_are_as_tall_as_their_lines_and_columns_as_wide_as_their_headers() {
        assert_eq!(height(1), 27);
        assert_eq!(height(3), 69);
        assert_eq!(height(100), MAX_HEIGHT);
        // 指标方向 (8 units) on one line needs 10, more than the column's 8.
        let direction = IND_COLUMNS[usize::from(IND_DIRECTION)];
        assert_eq!(direction.width, 8);
        assert_eq!(column_width(&direction), 10);
        // A header of 26 units wraps in a column of 26.
        let fund = GOAL_COLUMNS[usize::from(GOAL_FUND)];
        assert_eq!(text_width(fund.label), 26);
        assert_eq!(column_width(&fund), 26);
        assert_eq!(wrapped_lines(fund.label, 26), 2);
    }
}
