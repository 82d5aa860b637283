//! Two rule sets over the same units (`jixiao compare`): what a change of rule set does to the
//! grades before a bureau adopts it. The grade transition matrix (优 → 良 …), the units whose
//! grade changes, the biggest movers and the mean change per indicator, as terminal text,
//! Markdown, HTML (with charts) and an XLSX workbook.
//!
//! A [`Builder`] takes the two scorecards of each unit as they come (so a population of any size
//! is summed once, holding a few numbers a unit); [`Builder::finish`] gives the [`Comparison`]
//! every renderer reads. Indicators are matched by id: an id only one rule set has is shown on
//! its side only.

use std::collections::BTreeMap;

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use jixiao_engine::fmt::points;
use jixiao_engine::{RuleSetRef, Scorecard, ScoredIndicator};
use maud::{Markup, html};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use crate::transition::{Label, Matrix};

/// The columns of every table of indicators.
const INDICATOR_COLUMNS: [&str; 8] = [
    "指标",
    "A 分值",
    "B 分值",
    "A 平均得分",
    "B 平均得分",
    "平均变化",
    "得分变化的单位",
    "编号",
];

/// The columns of every table of units.
const UNIT_COLUMNS: [&str; 8] = [
    "单位",
    "单位编码",
    "A 总分",
    "A 等级",
    "B 总分",
    "B 等级",
    "变化",
    "来源",
];

/// The name of the grade of a total no band holds.
const NO_GRADE: &str = "无等级";

/// The top left cell of the matrix.
const CORNER: &str = "A \\ B";

/// One rule set of the comparison: its identity and its grades, best first.
#[derive(Debug, Clone)]
pub struct Side {
    pub rule_set: RuleSetRef,
    pub grades: Vec<String>,
}

impl Side {
    /// Where a grade stands in this side's list (a grade it does not have, or none: after them).
    fn index(&self, grade: Option<&str>) -> usize {
        grade
            .and_then(|g| self.grades.iter().position(|name| name == g))
            .unwrap_or(self.grades.len())
    }

    /// The grades as rows or columns of the matrix: the bands, then 无等级 (shown when used).
    fn labels(&self) -> Vec<Label> {
        let mut labels: Vec<Label> = self.grades.iter().map(Label::always).collect();
        labels.push(Label::when_used(NO_GRADE));
        labels
    }

    /// `湖南省部门整体支出绩效评价 (区县版) 2024.1`.
    pub fn label(&self) -> String {
        format!("{} {}", self.rule_set.name, self.rule_set.version)
    }
}

/// One unit under both rule sets.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitChange {
    /// Where the unit was read from (`path` or `path:line`).
    pub source: String,
    pub name: String,
    pub code: Option<String>,
    pub total_a: Decimal,
    pub grade_a: Option<String>,
    pub total_b: Decimal,
    pub grade_b: Option<String>,
}

impl UnitChange {
    /// B's total less A's.
    pub fn change(&self) -> Decimal {
        self.total_b - self.total_a
    }

    pub fn grade_changed(&self) -> bool {
        self.grade_a != self.grade_b
    }
}

/// One indicator (a leaf or a group) of either rule set, averaged over the units.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorChange {
    pub id: String,
    /// The names from the top of the tree down, e.g. `过程 / 预算执行 / 预算执行率`.
    pub path: String,
    pub is_leaf: bool,
    pub points_a: Option<Decimal>,
    pub points_b: Option<Decimal>,
    /// The mean score under A (`None` where A has no such indicator).
    pub mean_a: Option<Decimal>,
    pub mean_b: Option<Decimal>,
    /// How many units score it differently under the two (where both have it).
    pub units_changed: usize,
}

impl IndicatorChange {
    /// The mean change, B less A, where both rule sets have the indicator.
    pub fn mean_change(&self) -> Option<Decimal> {
        Some(self.mean_b? - self.mean_a?)
    }
}

/// Everything the renderers show.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub a: Side,
    pub b: Side,
    /// Every unit, in input order.
    pub units: Vec<UnitChange>,
    /// Units by their grade under A (rows: A's bands, then 无等级) and under B (columns).
    pub matrix: Matrix,
    pub indicators: Vec<IndicatorChange>,
    /// The mean total under A and under B.
    pub mean_a: Decimal,
    pub mean_b: Decimal,
    /// Units that could not be read or scored under one of the rule sets: where, and why.
    pub not_compared: Vec<(String, String)>,
}

#[derive(Debug, Default, Clone)]
struct Sum {
    path: String,
    is_leaf: bool,
    points_a: Option<Decimal>,
    points_b: Option<Decimal>,
    sum_a: Decimal,
    sum_b: Decimal,
    seen_a: bool,
    seen_b: bool,
    changed: usize,
}

/// Sums the units as they come.
#[derive(Debug)]
pub struct Builder {
    a: Side,
    b: Side,
    units: Vec<UnitChange>,
    /// By id, with the order of first appearance (A's tree, then what only B has).
    sums: BTreeMap<String, (usize, Sum)>,
    not_compared: Vec<(String, String)>,
}

fn flatten<'a>(
    nodes: &'a [ScoredIndicator],
    path: &mut Vec<&'a str>,
    out: &mut Vec<(String, &'a ScoredIndicator)>,
) {
    for node in nodes {
        path.push(&node.name);
        out.push((path.join(" / "), node));
        flatten(&node.children, path, out);
        path.pop();
    }
}

fn nodes(card: &Scorecard) -> Vec<(String, &ScoredIndicator)> {
    let mut out = Vec::new();
    flatten(&card.indicators, &mut Vec::new(), &mut out);
    out
}

impl Builder {
    pub fn new(a: Side, b: Side) -> Builder {
        Builder {
            a,
            b,
            units: Vec::new(),
            sums: BTreeMap::new(),
            not_compared: Vec::new(),
        }
    }

    /// The unit read from `source`, scored under A (`a`) and B (`b`).
    pub fn add(&mut self, source: String, a: &Scorecard, b: &Scorecard) {
        let a_nodes = nodes(a);
        let b_nodes = nodes(b);
        let scores_a: BTreeMap<&str, Decimal> = a_nodes
            .iter()
            .map(|(_, n)| (n.id.as_str(), n.score))
            .collect();
        for (side, list) in [(0, &a_nodes), (1, &b_nodes)] {
            for (path, node) in list.iter() {
                let next = self.sums.len();
                let (_, sum) = self.sums.entry(node.id.clone()).or_insert_with(|| {
                    (
                        next,
                        Sum {
                            path: path.clone(),
                            is_leaf: node.children.is_empty(),
                            ..Sum::default()
                        },
                    )
                });
                if side == 0 {
                    sum.points_a = Some(node.points);
                    sum.sum_a += node.score;
                    sum.seen_a = true;
                } else {
                    sum.points_b = Some(node.points);
                    sum.sum_b += node.score;
                    sum.seen_b = true;
                    if scores_a
                        .get(node.id.as_str())
                        .is_some_and(|&s| s != node.score)
                    {
                        sum.changed += 1;
                    }
                }
            }
        }
        self.units.push(UnitChange {
            source,
            name: a.unit.name.clone(),
            code: a.unit.code.clone(),
            total_a: a.total,
            grade_a: a.grade.clone(),
            total_b: b.total,
            grade_b: b.grade.clone(),
        });
    }

    /// A unit that could not be read, or scored under one of the rule sets.
    pub fn not_compared(&mut self, source: String, why: String) {
        self.not_compared.push((source, why));
    }

    pub fn finish(self) -> Comparison {
        let n = Decimal::from(self.units.len().max(1));
        let mut matrix = Matrix::new(self.a.labels(), self.b.labels());
        for unit in &self.units {
            matrix.add(
                self.a.index(unit.grade_a.as_deref()),
                self.b.index(unit.grade_b.as_deref()),
            );
        }
        let mut sums: Vec<(usize, String, Sum)> = self
            .sums
            .into_iter()
            .map(|(id, (order, sum))| (order, id, sum))
            .collect();
        sums.sort_by_key(|(order, _, _)| *order);
        let indicators = sums
            .into_iter()
            .map(|(_, id, s)| IndicatorChange {
                id,
                path: s.path,
                is_leaf: s.is_leaf,
                points_a: s.points_a,
                points_b: s.points_b,
                mean_a: s.seen_a.then(|| s.sum_a / n),
                mean_b: s.seen_b.then(|| s.sum_b / n),
                units_changed: s.changed,
            })
            .collect();
        let mean = |total: fn(&UnitChange) -> Decimal| -> Decimal {
            self.units.iter().map(total).sum::<Decimal>() / n
        };
        Comparison {
            mean_a: mean(|u| u.total_a),
            mean_b: mean(|u| u.total_b),
            a: self.a,
            b: self.b,
            units: self.units,
            matrix,
            indicators,
            not_compared: self.not_compared,
        }
    }
}

impl Comparison {
    /// The units whose grade changes: by A's grade, then B's, then in input order.
    pub fn grade_changes(&self) -> Vec<&UnitChange> {
        let mut changed: Vec<&UnitChange> =
            self.units.iter().filter(|u| u.grade_changed()).collect();
        changed.sort_by(|x, y| {
            (
                self.a.index(x.grade_a.as_deref()),
                self.b.index(x.grade_b.as_deref()),
            )
                .cmp(&(
                    self.a.index(y.grade_a.as_deref()),
                    self.b.index(y.grade_b.as_deref()),
                ))
        });
        changed
    }

    /// The `n` units whose total moves most (either way), largest first; ties in input order.
    pub fn movers(&self, n: usize) -> Vec<&UnitChange> {
        let mut moved: Vec<&UnitChange> = self
            .units
            .iter()
            .filter(|u| !u.change().is_zero())
            .collect();
        moved.sort_by_key(|u| std::cmp::Reverse(u.change().abs()));
        moved.truncate(n);
        moved
    }

    /// How many units keep their grade (same name under both).
    pub fn unchanged(&self) -> usize {
        self.units.iter().filter(|u| !u.grade_changed()).count()
    }

    fn headline(&self) -> Vec<String> {
        let changed = self.units.len() - self.unchanged();
        let mut lines = vec![
            format!("评分规则 A: {} ({})", self.a.label(), self.a.rule_set.id),
            format!("评分规则 B: {} ({})", self.b.label(), self.b.rule_set.id),
            format!(
                "比较单位 {} 个; 等级变化 {changed} 个; 平均总分 A {} → B {} ({})",
                self.units.len(),
                p(self.mean_a),
                p(self.mean_b),
                signed(self.mean_b - self.mean_a)
            ),
        ];
        if !self.not_compared.is_empty() {
            lines.push(format!(
                "未能比较 {} 个 (未读取或未能评分, 见下表)",
                self.not_compared.len()
            ));
        }
        lines
    }
}

fn p(value: Decimal) -> String {
    points(value, 2).to_string()
}

/// A change with its sign: `+1.25`, `-0.50`, `0.00`.
fn signed(value: Decimal) -> String {
    let shown = p(value);
    if value > Decimal::ZERO && shown != "0.00" {
        format!("+{shown}")
    } else if shown == "-0.00" {
        "0.00".to_owned()
    } else {
        shown
    }
}

fn grade(grade: Option<&str>) -> &str {
    grade.unwrap_or(NO_GRADE)
}

fn opt(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".to_owned(), p)
}

fn opt_signed(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".to_owned(), signed)
}

/// The comparison for a terminal: the headline, the matrix, the first `top` movers and the
/// indicators whose mean changes.
pub fn terminal(cmp: &Comparison, top: usize) -> String {
    let mut out = cmp.headline().join("\n");
    out.push_str("\n\n等级变化矩阵 (行: A 的等级, 列: B 的等级)\n");
    out.push_str(&cmp.matrix.terminal(CORNER));
    let movers = cmp.movers(top);
    if !movers.is_empty() {
        out.push_str(&format!("\n\n总分变动最大的 {} 个单位\n", movers.len()));
        let mut table = Table::new();
        table
            .load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header([
                UNIT_COLUMNS[0],
                UNIT_COLUMNS[2],
                UNIT_COLUMNS[3],
                UNIT_COLUMNS[4],
                UNIT_COLUMNS[5],
                UNIT_COLUMNS[6],
            ]);
        for u in movers {
            table.add_row(vec![
                Cell::new(crate::visible(&u.name)),
                Cell::new(p(u.total_a)).set_alignment(CellAlignment::Right),
                Cell::new(grade(u.grade_a.as_deref())),
                Cell::new(p(u.total_b)).set_alignment(CellAlignment::Right),
                Cell::new(grade(u.grade_b.as_deref())),
                Cell::new(signed(u.change())).set_alignment(CellAlignment::Right),
            ]);
        }
        out.push_str(&table.to_string());
    }
    let moved: Vec<&IndicatorChange> = cmp
        .indicators
        .iter()
        .filter(|i| i.mean_change().is_none_or(|c| !c.is_zero()) || i.points_a != i.points_b)
        .collect();
    if !moved.is_empty() {
        out.push_str("\n\n平均得分有变化的指标\n");
        out.push_str(&indicator_table(&moved).to_string());
    }
    for (source, why) in &cmp.not_compared {
        out.push_str(&format!(
            "\n未能比较: {}: {}",
            crate::visible(source),
            crate::visible(why)
        ));
    }
    out.push('\n');
    out
}

fn indicator_table(rows: &[&IndicatorChange]) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(INDICATOR_COLUMNS);
    for i in rows {
        let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
        table.add_row(vec![
            Cell::new(&i.path),
            right(opt(i.points_a)),
            right(opt(i.points_b)),
            right(opt(i.mean_a)),
            right(opt(i.mean_b)),
            right(opt_signed(i.mean_change())),
            right(i.units_changed.to_string()),
            Cell::new(&i.id),
        ]);
    }
    table
}

fn md_cell(text: &str) -> String {
    crate::visible(text).replace('|', "\\|").replace('\n', " ")
}

/// The comparison as Markdown: the headline, the matrix, every unit whose grade changes, the
/// first `top` movers, every indicator.
pub fn markdown(cmp: &Comparison, top: usize) -> String {
    let mut out = String::from("# 评分规则对比\n\n");
    for line in cmp.headline() {
        out.push_str(&format!("- {}\n", md_cell(&line)));
    }
    out.push_str("\n## 等级变化矩阵\n\n行: A 的等级; 列: B 的等级; 对角线上为等级不变的单位。\n\n");
    out.push_str(&cmp.matrix.markdown(CORNER));
    let unit_rows = |out: &mut String, units: &[&UnitChange]| {
        out.push_str(&format!(
            "| {} |\n|---|---|---:|---|---:|---|---:|---|\n",
            UNIT_COLUMNS.join(" | ")
        ));
        for u in units {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                md_cell(&u.name),
                md_cell(u.code.as_deref().unwrap_or("")),
                p(u.total_a),
                grade(u.grade_a.as_deref()),
                p(u.total_b),
                grade(u.grade_b.as_deref()),
                signed(u.change()),
                md_cell(&u.source)
            ));
        }
    };
    let changes = cmp.grade_changes();
    out.push_str(&format!("\n## 等级变化的单位 ({} 个)\n\n", changes.len()));
    if changes.is_empty() {
        out.push_str("没有单位的等级变化。\n");
    } else {
        unit_rows(&mut out, &changes);
    }
    let movers = cmp.movers(top);
    out.push_str(&format!(
        "\n## 总分变动最大的单位 (前 {} 个)\n\n",
        movers.len()
    ));
    if movers.is_empty() {
        out.push_str("没有单位的总分变化。\n");
    } else {
        unit_rows(&mut out, &movers);
    }
    out.push_str(&format!(
        "\n## 各指标平均得分\n\n| {} |\n|---|---:|---:|---:|---:|---:|---:|---|\n",
        INDICATOR_COLUMNS.join(" | ")
    ));
    for i in &cmp.indicators {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | `{}` |\n",
            md_cell(&i.path),
            opt(i.points_a),
            opt(i.points_b),
            opt(i.mean_a),
            opt(i.mean_b),
            opt_signed(i.mean_change()),
            i.units_changed,
            i.id
        ));
    }
    if !cmp.not_compared.is_empty() {
        out.push_str("\n## 未能比较的单位\n\n| 来源 | 原因 |\n|---|---|\n");
        for (source, why) in &cmp.not_compared {
            out.push_str(&format!("| {} | {} |\n", md_cell(source), md_cell(why)));
        }
    }
    out
}

/// Horizontal bars of each leaf's mean change, to the right when B scores it higher, to the
/// left when lower, around a zero line.
fn change_chart(cmp: &Comparison) -> Markup {
    let leaves: Vec<(&IndicatorChange, Decimal)> = cmp
        .indicators
        .iter()
        .filter(|i| i.is_leaf)
        .filter_map(|i| Some((i, i.mean_change()?)))
        .collect();
    let row = 22usize;
    let (label_width, half) = (300usize, 220usize);
    let height = row * leaves.len() + 40;
    let width = label_width + 2 * half + 60;
    let largest = leaves
        .iter()
        .map(|(_, c)| c.abs())
        .max()
        .filter(|m| !m.is_zero())
        .unwrap_or(Decimal::ONE);
    let zero = label_width + half;
    html! {
        figure {
            svg.chart width=(width) height=(height) role="img" aria-label="各指标平均得分变化 (B − A)" {
                text x="4" y="14" { "各指标平均得分变化 (B − A)" }
                @for (k, (ind, change)) in leaves.iter().enumerate() {
                    @let y = 30 + k * row;
                    @let length = (change.abs() / largest * Decimal::from(half)).to_usize().unwrap_or(0).max(usize::from(!change.is_zero()));
                    @let x = if *change < Decimal::ZERO { zero - length } else { zero };
                    text x="4" y=(y + 14) { (ind.path.rsplit(" / ").next().unwrap_or(&ind.path)) }
                    rect.bar x=(x) y=(y + 3) width=(length) height="14" fill=(if *change < Decimal::ZERO { "#c0504d" } else { "#4472c4" }) {
                        title { (ind.path) ": " (signed(*change)) }
                    }
                    text x=(if *change < Decimal::ZERO { zero + 4 } else { zero + length + 4 }) y=(y + 14) { (signed(*change)) }
                }
                line x1=(zero) y1="24" x2=(zero) y2=(height - 4) stroke="#999" {}
            }
        }
    }
}

/// The comparison as one HTML page: the headline, the grade distributions under A and B and the
/// mean change per leaf as charts, the matrix, the units whose grade changes, the first `top`
/// movers and every indicator.
pub fn html(cmp: &Comparison, top: usize) -> String {
    let m = &cmp.matrix;
    let distribution = |labels: &[Label], counts: Vec<usize>| -> Vec<(String, u64)> {
        labels
            .iter()
            .zip(counts)
            .filter(|(label, count)| *count > 0 || label.name != NO_GRADE)
            .map(|(label, count)| (label.name.clone(), count as u64))
            .collect()
    };
    let per_a: Vec<usize> = (0..m.rows().len()).map(|i| m.row_total(i)).collect();
    let per_b: Vec<usize> = (0..m.cols().len()).map(|j| m.col_total(j)).collect();
    let unit_table = |units: &[&UnitChange]| {
        html! {
            table {
                thead { tr { @for c in UNIT_COLUMNS { th { (c) } } } }
                tbody {
                    @for u in units {
                        tr {
                            td { (u.name) }
                            td { (u.code.as_deref().unwrap_or("")) }
                            td.n { (p(u.total_a)) }
                            td { (grade(u.grade_a.as_deref())) }
                            td.n { (p(u.total_b)) }
                            td { (grade(u.grade_b.as_deref())) }
                            td.n class=(if u.change() < Decimal::ZERO { "n over" } else { "n" }) { (signed(u.change())) }
                            td.src { (u.source) }
                        }
                    }
                }
            }
        }
    };
    let changes = cmp.grade_changes();
    let movers = cmp.movers(top);
    let body = html! {
        h1 { "评分规则对比" }
        @for line in cmp.headline() { p.summary { (line) } }
        div.charts {
            (crate::html::bar_chart(&format!("A 等级分布 ({})", cmp.a.rule_set.version), &distribution(m.rows(), per_a)))
            (crate::html::bar_chart(&format!("B 等级分布 ({})", cmp.b.rule_set.version), &distribution(m.cols(), per_b)))
        }
        (change_chart(cmp))
        section {
            h2 { "等级变化矩阵" }
            p.muted { "行: A 的等级; 列: B 的等级; 对角线上为等级不变的单位。" }
            (m.html(CORNER))
        }
        section {
            h2 { "等级变化的单位 (" (changes.len()) " 个)" }
            @if changes.is_empty() { p { "没有单位的等级变化。" } } @else { (unit_table(&changes)) }
        }
        section {
            h2 { "总分变动最大的单位 (前 " (movers.len()) " 个)" }
            @if movers.is_empty() { p { "没有单位的总分变化。" } } @else { (unit_table(&movers)) }
        }
        section {
            h2 { "各指标平均得分" }
            table {
                thead { tr { @for c in INDICATOR_COLUMNS { th { (c) } } } }
                tbody {
                    @for i in &cmp.indicators {
                        tr {
                            td { (i.path) }
                            td.n { (opt(i.points_a)) }
                            td.n { (opt(i.points_b)) }
                            td.n { (opt(i.mean_a)) }
                            td.n { (opt(i.mean_b)) }
                            td.n { (opt_signed(i.mean_change())) }
                            td.n { (i.units_changed) }
                            td { code { (i.id) } }
                        }
                    }
                }
            }
        }
        @if !cmp.not_compared.is_empty() {
            section {
                h2 { "未能比较的单位" }
                table {
                    thead { tr { th { "来源" } th { "原因" } } }
                    tbody { @for (source, why) in &cmp.not_compared { tr { td.src { (source) } td { (why) } } } }
                }
            }
        }
    };
    let margins = crate::html::page_margins(None, "评分规则对比", &cmp.b.rule_set);
    crate::html::page("评分规则对比", &margins, body)
}

/// The comparison as a workbook: 等级变化矩阵, 等级变化单位, 全部单位 (every unit, largest move
/// first), 指标平均得分 and, when any, 未能比较.
pub fn xlsx(cmp: &Comparison) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(rust_xlsxwriter::Color::RGB(0xDDEBF7))
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let decimals = Format::new().set_num_format("0.00");
    let number = |v: Decimal| crate::xlsx::number(v);

    let sheet = workbook.add_worksheet().set_name("等级变化矩阵")?;
    for (k, line) in cmp.headline().iter().enumerate() {
        sheet.write_string(k as u32, 0, line)?;
    }
    let top = cmp.headline().len() as u32 + 1;
    cmp.matrix.write_rows(sheet, top, CORNER, &header)?;
    sheet.set_column_width(0, 14)?;
    crate::xlsx::print_setup_titled(sheet, "评分规则对比")?;

    let unit_headers = UNIT_COLUMNS.map(String::from);
    let mut everyone: Vec<&UnitChange> = cmp.units.iter().collect();
    everyone.sort_by_key(|u| std::cmp::Reverse(u.change().abs()));
    for (name, units) in [
        ("等级变化单位", cmp.grade_changes()),
        ("全部单位", everyone),
    ] {
        let sheet = workbook.add_worksheet().set_name(name)?;
        crate::xlsx::write_header_titled(sheet, &unit_headers, &header, "评分规则对比")?;
        for (r, u) in units.iter().enumerate() {
            let row = r as u32 + 1;
            sheet.write_string(row, 0, crate::xlsx::fit(&u.name))?;
            sheet.write_string(row, 1, u.code.as_deref().unwrap_or(""))?;
            sheet.write_number_with_format(row, 2, number(u.total_a), &decimals)?;
            sheet.write_string(row, 3, grade(u.grade_a.as_deref()))?;
            sheet.write_number_with_format(row, 4, number(u.total_b), &decimals)?;
            sheet.write_string(row, 5, grade(u.grade_b.as_deref()))?;
            sheet.write_number_with_format(row, 6, number(u.change()), &decimals)?;
            sheet.write_string(row, 7, crate::xlsx::fit(&u.source))?;
        }
        sheet.set_column_width(0, 36)?;
        sheet.set_column_width(1, 14)?;
        for col in 2..7 {
            sheet.set_column_width(col, 10)?;
        }
        sheet.set_column_width(7, 40)?;
    }

    let sheet = workbook.add_worksheet().set_name("指标平均得分")?;
    let headers = INDICATOR_COLUMNS.map(String::from);
    crate::xlsx::write_header_titled(sheet, &headers, &header, "评分规则对比")?;
    for (r, i) in cmp.indicators.iter().enumerate() {
        let row = r as u32 + 1;
        sheet.write_string(row, 0, &i.path)?;
        for (col, value) in [
            (1, i.points_a),
            (2, i.points_b),
            (3, i.mean_a),
            (4, i.mean_b),
            (5, i.mean_change()),
        ] {
            if let Some(v) = value {
                sheet.write_number_with_format(row, col, number(v), &decimals)?;
            } else {
                sheet.write_string(row, col, "—")?;
            }
        }
        sheet.write_number(row, 6, i.units_changed as f64)?;
        sheet.write_string(row, 7, &i.id)?;
    }
    sheet.set_column_width(0, 44)?;
    for col in 1..7 {
        sheet.set_column_width(col, 11)?;
    }
    sheet.set_column_width(7, 40)?;

    if !cmp.not_compared.is_empty() {
        let sheet = workbook.add_worksheet().set_name("未能比较")?;
        crate::xlsx::write_header_titled(
            sheet,
            &["来源".to_owned(), "原因".to_owned()],
            &header,
            "评分规则对比",
        )?;
        for (r, (source, why)) in cmp.not_compared.iter().enumerate() {
            sheet.write_string(r as u32 + 1, 0, crate::xlsx::fit(source))?;
            sheet.write_string(r as u32 + 1, 1, crate::xlsx::fit(why))?;
        }
        sheet.set_column_width(0, 40)?;
        sheet.set_column_width(1, 80)?;
    }
    crate::xlsx::fixed_properties(&mut workbook, "评分规则对比")?;
    workbook.save_to_buffer()
}
