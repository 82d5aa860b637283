//! `jixiao check --explain`: a rule set's resolved tree (each indicator's name, points, id and
//! method in a few words) and, for one that extends another, what it changed.

use jixiao_rules::{
    AboveTarget, Band, Beyond, Change, ChecklistMode, Indicator, Input, Method, OutsideTier,
    Rounding, RuleSet, StepCount, WhenMissing,
};
use rust_decimal::Decimal;

/// The explanation of `rules`, for people: plain Chinese, ids in their own column.
pub fn explain(rules: &RuleSet) -> String {
    let mut out = Vec::new();
    out.push(format!(
        "评分规则: {} {} ({}), {}, 总分 {}",
        rules.name,
        rules.version,
        rules.id,
        rules.applies_to.label(),
        show(rules.total)
    ));
    if let Some(inheritance) = &rules.inheritance {
        let parent = &inheritance.parent;
        out.push(format!(
            "继承自: {} {} ({}), {}",
            parent.name,
            parent.version,
            parent.id,
            parent.path.display()
        ));
    }
    out.push(format!(
        "等级: {}",
        jixiao_rules::show_grades(&rules.grades)
    ));
    out.push(String::new());

    let mut rows = vec![[
        "指标".to_owned(),
        "分值".to_owned(),
        "编号".to_owned(),
        "计分方法".to_owned(),
    ]];
    fn walk(nodes: &[Indicator], depth: usize, rows: &mut Vec<[String; 4]>) {
        for node in nodes {
            rows.push([
                format!("{}{}", "  ".repeat(depth), node.name),
                show(node.points),
                node.id.clone(),
                if node.is_leaf() {
                    leaf_method(node)
                } else {
                    String::new()
                },
            ]);
            walk(&node.children, depth + 1, rows);
        }
    }
    walk(&rules.indicators, 0, &mut rows);
    out.extend(table(&rows, &[false, true, false, false]));

    if let Some(inheritance) = &rules.inheritance {
        out.push(String::new());
        if inheritance.changes.is_empty() {
            out.push(format!(
                "改动: 无 (与 {} 相同, 仅编号与版本不同)",
                inheritance.parent.id
            ));
        } else {
            out.push(format!(
                "改动 (相对 {} {}):",
                inheritance.parent.name, inheritance.parent.version
            ));
            let mut rows = vec![[
                "类别".to_owned(),
                "编号".to_owned(),
                "键".to_owned(),
                "项目".to_owned(),
                "原值 → 新值".to_owned(),
            ]];
            for change in &inheritance.changes {
                rows.push(change_row(rules, change));
            }
            out.extend(
                table(&rows, &[false; 5])
                    .into_iter()
                    .map(|l| format!("  {l}")),
            );
        }
    }
    out.join("\n")
}

fn change_row(rules: &RuleSet, change: &Change) -> [String; 5] {
    match change {
        Change::Changed {
            indicator,
            key,
            old,
            new,
        } => {
            let what = match indicator {
                Some(id) => format!("{} · {}", indicator_name(rules, id), key_label(key)),
                None => key_label(key),
            };
            let show = |v: &str| {
                if v.is_empty() {
                    "(无)".to_owned()
                } else {
                    v.to_owned()
                }
            };
            [
                "修改".to_owned(),
                indicator.clone().unwrap_or_else(|| "—".to_owned()),
                key.clone(),
                what,
                format!("{} → {}", show(old), show(new)),
            ]
        }
        Change::Added {
            id,
            name,
            points,
            parent,
        } => [
            "新增".to_owned(),
            id.clone(),
            "add".to_owned(),
            name.clone(),
            format!(
                "{} 分, 位于 {}",
                show(*points),
                parent
                    .as_deref()
                    .map_or("顶层".to_owned(), |p| indicator_name(rules, p))
            ),
        ],
        Change::Dropped {
            id,
            name,
            points,
            parent,
        } => [
            "删除".to_owned(),
            id.clone(),
            "drop".to_owned(),
            name.clone(),
            format!(
                "{} 分, 原属 {}",
                show(*points),
                parent
                    .as_deref()
                    .map_or("顶层".to_owned(), |p| indicator_name(rules, p))
            ),
        ],
    }
}

fn indicator_name(rules: &RuleSet, id: &str) -> String {
    fn find<'a>(nodes: &'a [Indicator], id: &str) -> Option<&'a Indicator> {
        nodes.iter().find_map(|n| {
            if n.id == id {
                Some(n)
            } else {
                find(&n.children, id)
            }
        })
    }
    find(&rules.indicators, id).map_or_else(|| id.to_owned(), |i| i.name.clone())
}

/// A changed key for people: `points` → 分值, `method.deduction` → 计分方法 deduction.
fn key_label(key: &str) -> String {
    let (head, rest) = key.split_once('.').unwrap_or((key, ""));
    let label = match head {
        "name" => "名称",
        "year" => "年度",
        "total" => "总分",
        "score_decimals" => "总分小数位",
        "tolerances" => "容差",
        "checks" => "内置检查",
        "ledger" => "财政数据核对",
        "history" => "成绩库上年数据核对",
        "grades" => "等级",
        "plugins" => "插件",
        "points" => "分值",
        "criterion" => "评分标准",
        "input" => "数据来源",
        "method" => "计分方法",
        "when_missing" => "缺数据时",
        other => other,
    };
    let rest = match rest {
        "" => return label.to_owned(),
        "limit" => "限值",
        "per" => "每档",
        "deduction" => "每档扣分",
        "beyond" => "扣分方向",
        "count" => "不足一档",
        "target" => "目标",
        "above" => "超出目标",
        "bands" => "分段",
        "per_item" => "每项分值",
        "mode" => "清单方式",
        "items" => "清单事项",
        "rounding" => "取整",
        "tiers.achieved" => "达成档下限",
        "tiers.partly" => "部分达成档下限",
        "over_achievement.threshold" => "偏离度阈值",
        "over_achievement.slope" => "偏离度扣减",
        "over_achievement.floor" => "偏离度保底",
        "score" => "得分",
        "amount" => "金额",
        "amount_tolerance" => "金额容差",
        "use" => "取数",
        "disabled" => "停用",
        "budget_adjustment_max" => "预算调整上限",
        "empty_words" => "视为空的用语",
        other => other,
    };
    format!("{label} {rest}")
}

/// A leaf's input and method in a few words, e.g. `预算完成率: 低于 100% 每 5% 扣 2 分`.
fn leaf_method(leaf: &Indicator) -> String {
    let rate = matches!(leaf.input, Some(Input::Metric(_)));
    let v = |d: Decimal| if rate { percent(d) } else { show(d) };
    let input = match &leaf.input {
        Some(Input::Metric(metric)) => metric.label().to_owned(),
        Some(Input::Row(name)) => format!("自评表「{name}」行"),
        Some(Input::Rows(selection)) => match &selection.level2 {
            Some(l2) => format!("自评表「{} / {l2}」各行", selection.level1),
            None => format!("自评表「{}」各行", selection.level1),
        },
        Some(Input::Facts) => "是否事项".to_owned(),
        None => "(无数据来源)".to_owned(),
    };
    let method = match &leaf.method {
        None => "(无计分方法)".to_owned(),
        Some(Method::HigherIsBetter {
            target,
            over_achievement,
        }) => {
            let mut s = match target {
                Some(t) => format!("越高越好, 目标 {}", v(*t)),
                None => "越高越好, 目标取自评表".to_owned(),
            };
            if let Some(over) = over_achievement {
                s.push_str(&format!(", 达目标 {} 倍起偏离度扣分", show(over.threshold)));
            }
            s
        }
        Some(Method::LowerIsBetter { target, above }) => format!(
            "越低越好, 目标 {}, 超出{}",
            target.map_or("取自评表".to_owned(), v),
            above_label(*above)
        ),
        Some(Method::Equal { target }) => {
            format!("等于目标 {}", target.map_or("取自评表".to_owned(), v))
        }
        Some(Method::ByDirection {
            above,
            over_achievement,
            ..
        }) => {
            let mut s = format!(
                "各行按其方向 (≥ ≤ =) 或定性档次计分, 越低越好超出目标{}",
                above_label(*above)
            );
            if let Some(over) = over_achievement {
                s.push_str(&format!(", 达目标 {} 倍起偏离度扣分", show(over.threshold)));
            }
            s
        }
        Some(Method::Tiers {
            tiers,
            outside_tier,
        }) => format!(
            "定性分档 (达成 ≥ {}w, 部分达成 ≥ {}w; 自评得分超出档次{})",
            show(tiers.achieved),
            show(tiers.partly),
            match outside_tier {
                OutsideTier::Clamp => "时取档次边界",
                OutsideTier::Keep => "时保留自评得分",
                OutsideTier::Zero => "时得 0 分",
            }
        ),
        Some(Method::BudgetExecution { rounding }) => match rounding {
            Rounding::Exact => "分值 × min(执行率, 1)".to_owned(),
            Rounding::Down => "分值 × min(执行率, 1), 向下取整分".to_owned(),
            Rounding::HalfUp => "分值 × min(执行率, 1), 四舍五入取整分".to_owned(),
        },
        Some(Method::StepDeduction(step)) => {
            let side = match step.beyond {
                Beyond::Above => "超过",
                Beyond::Below => "低于",
            };
            let count = match step.count {
                StepCount::Exact => "按比例",
                StepCount::Started => "不足一档按一档",
                StepCount::Completed => "不足一档不扣",
            };
            format!(
                "阶梯扣分: {side} {} 每 {} 扣 {} 分 ({count})",
                v(step.limit),
                v(step.per),
                show(step.deduction)
            )
        }
        Some(Method::Bands { bands }) => format!("分段: {}", bands_text(bands, rate)),
        Some(Method::Checklist {
            mode,
            per_item,
            items,
        }) => match mode {
            ChecklistMode::Award => {
                format!("清单 {} 项, 每项满足得 {} 分", items.len(), show(*per_item))
            }
            ChecklistMode::Deduct => format!(
                "清单 {} 项, 每项不满足扣 {} 分",
                items.len(),
                show(*per_item)
            ),
        },
    };
    let missing = match leaf.when_missing {
        WhenMissing::Zero => "",
        WhenMissing::Full => "; 不适用得满分",
        WhenMissing::Rescale => "; 不适用不计入, 折算",
    };
    format!("{input}: {method}{missing}")
}

fn above_label(above: AboveTarget) -> &'static str {
    match above {
        AboveTarget::Linear => "线性扣减",
        AboveTarget::Ratio => "按比例",
    }
}

fn bands_text(bands: &[Band], rate: bool) -> String {
    bands
        .iter()
        .map(|b| {
            let interval = if rate {
                b.interval_with(percent)
            } else {
                b.interval()
            };
            format!("{interval} {} 分", show(b.points))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn show(d: Decimal) -> String {
    d.normalize().to_string()
}

fn percent(d: Decimal) -> String {
    d.checked_mul(Decimal::ONE_HUNDRED)
        .map_or_else(|| show(d), |p| format!("{}%", show(p)))
}

/// Columns padded to their widest cell (CJK characters counted two wide); `right` aligns a
/// column to the right; the last column is not padded.
fn table<const N: usize>(rows: &[[String; N]], right: &[bool; N]) -> Vec<String> {
    let mut widths = [0; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                let pad = " ".repeat(widths[i].saturating_sub(width(cell)));
                if i + 1 == N {
                    line.push_str(cell);
                } else if right[i] {
                    line.push_str(&format!("{pad}{cell}  "));
                } else {
                    line.push_str(&format!("{cell}{pad}  "));
                }
            }
            line.trim_end().to_owned()
        })
        .collect()
}

/// Columns a text takes on a terminal: East Asian wide characters two, others one.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let c = c as u32;
            let wide = (0x1100..=0x115F).contains(&c)
                || (0x2E80..=0xA4CF).contains(&c)
                || (0xAC00..=0xD7A3).contains(&c)
                || (0xF900..=0xFAFF).contains(&c)
                || (0xFE30..=0xFE4F).contains(&c)
                || (0xFF00..=0xFF60).contains(&c)
                || (0xFFE0..=0xFFE6).contains(&c);
            if wide { 2 } else { 1 }
        })
        .sum()
}
