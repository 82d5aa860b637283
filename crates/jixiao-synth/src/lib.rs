//! A deterministic generator of realistic, varied synthetic self-evaluations (both kinds), with
//! the faults reviewers catch (docs/domain.md §6) at fixed rates, for tests and benchmarks.
//!
//! Unit `i` of seed `s` depends only on `(s, i)`: a population can be generated lazily, in
//! parallel or in part, and is the same on every machine. The rates of the faults are constants in
//! [`rates`], so a test can state what share of a population should be flagged.

use jixiao_model::{
    Account, BaseData, Budget, BudgetAccounts, CheckedUnit, Claim, Declared, Direction,
    EvaluationKind, FundSource, Goal, GoalMeasure, IndicatorRow, Narrative, SelfEvaluation,
    SpecialFund, Staffing, Tasks, Tier, UnitIdentity, round,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

mod like;
pub use like::Like;

/// How often each fault is planted, in per mille (per unit unless said).
pub mod rates {
    /// Share of units that are project evaluations.
    pub const PROJECT: u32 = 400;
    /// Share of special funds whose line does not reconcile.
    pub const FUND_MISMATCH: u32 = 40;
    /// Share of departments whose basic + project ≠ total.
    pub const TOTALS_MISMATCH: u32 = 20;
    /// Share of units whose problems section says only 无 / 暂无.
    pub const EMPTY_PROBLEMS: u32 = 300;
    /// Share of units that claim full marks on every row.
    pub const ALL_FULL_MARKS: u32 = 200;
    /// Share of numeric rows whose actual is ≥ 130 % of target.
    pub const OVER_ACHIEVEMENT: u32 = 80;
    /// Share of cost rows written as ≥.
    pub const COST_AS_AT_LEAST: u32 = 50;
    /// Share of qualitative rows scored outside their tier.
    pub const TIER_OUTSIDE: u32 = 50;
    /// Share of units whose declared grade does not match the declared total.
    pub const GRADE_MISMATCH: u32 = 30;
    /// Share of units with execution under 50 %.
    pub const LOW_EXECUTION: u32 = 50;
    /// Share of units spending above the full-year budget.
    pub const OVERSPENDING: u32 = 10;
}

const REGIONS: [&str; 8] = [
    "芦淞区",
    "荷塘区",
    "石峰区",
    "天元区",
    "渌口区",
    "醴陵市",
    "攸县",
    "茶陵县",
];
const DEPARTMENTS: [&str; 12] = [
    "科学技术协会",
    "农业农村局",
    "教育局",
    "卫生健康局",
    "民政局",
    "司法局",
    "文化旅游广电体育局",
    "住房和城乡建设局",
    "自然资源局",
    "人力资源和社会保障局",
    "妇女联合会",
    "档案馆",
];
const PROJECTS: [(&str, &str, &str); 8] = [
    ("高标准农田建设", "新建高标准农田面积", "亩"),
    ("科普活动经费", "开展科普活动场次", "场"),
    ("老旧小区改造", "改造老旧小区户数", "户"),
    ("全民健身活动", "举办全民健身赛事", "场"),
    ("困难群众救助", "救助困难群众人次", "人次"),
    ("农村公路养护", "养护农村公路里程", "公里"),
    ("公共卫生服务", "建立居民健康档案", "份"),
    ("义务教育薄弱环节改善", "改善学校数量", "所"),
];

/// Amount in 万元 with 2 decimals, uniformly in `[lo, hi)` 万元.
fn wan(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> Decimal {
    Decimal::new(rng.random_range(lo * 100..hi * 100), 2)
}

/// `value × percent / 100`, rounded to 2 decimals.
fn share(value: Decimal, percent: i64) -> Decimal {
    round(value * Decimal::from(percent) / Decimal::ONE_HUNDRED, 2)
}

/// The generator for one seed.
#[derive(Debug, Clone, Copy)]
pub struct Population {
    pub seed: u64,
    pub year: u16,
}

/// A generated unit, checked like every unit a reader returns. Figures are generated within
/// bounds, so a unit that fails is a bug in this generator.
fn checked(unit: SelfEvaluation) -> CheckedUnit {
    unit.check()
        .unwrap_or_else(|problems| panic!("generated a unit out of bounds: {problems:?}"))
}

impl Population {
    pub fn new(seed: u64) -> Population {
        Population { seed, year: 2024 }
    }

    /// The `index`-th unit of this population.
    pub fn unit(&self, index: u64) -> CheckedUnit {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(index);
        checked(if rng.random_ratio(rates::PROJECT, 1000) {
            project(&mut rng, index, self.year)
        } else {
            department(&mut rng, index, self.year)
        })
    }

    /// The `index`-th unit forced to one kind (for rule sets of that kind).
    pub fn unit_of_kind(&self, index: u64, kind: EvaluationKind) -> CheckedUnit {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(index);
        let _ = rng.random_ratio(rates::PROJECT, 1000);
        checked(match kind {
            EvaluationKind::Department => department(&mut rng, index, self.year),
            EvaluationKind::Project => project(&mut rng, index, self.year),
        })
    }

    /// Units `0..count`.
    pub fn units(&self, count: u64) -> impl Iterator<Item = CheckedUnit> + '_ {
        (0..count).map(move |i| self.unit(i))
    }
}

/// The unit's name, its region (地区) and its 主管部门 (the district's government).
fn unit_name(rng: &mut ChaCha8Rng, index: u64) -> (String, String, String) {
    let region = REGIONS[rng.random_range(0..REGIONS.len())];
    let department = DEPARTMENTS[rng.random_range(0..DEPARTMENTS.len())];
    (
        format!("株洲市{region}{department}(样本{index:06})"),
        format!("湖南省株洲市{region}"),
        format!("株洲市{region}人民政府"),
    )
}

/// Opening, full-year and spent budget with realistic adjustment and execution.
fn budget_figures(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> (Decimal, Decimal, Decimal) {
    let opening = wan(rng, lo, hi);
    let full_year = share(opening, rng.random_range(90..=140));
    let execution = if rng.random_ratio(rates::LOW_EXECUTION, 1000) {
        rng.random_range(25..50)
    } else if rng.random_ratio(rates::OVERSPENDING, 1000) {
        rng.random_range(101..110)
    } else {
        rng.random_range(80..=100)
    };
    (opening, full_year, share(full_year, execution))
}

fn narrative(rng: &mut ChaCha8Rng) -> Narrative {
    let empty = rng.random_ratio(rates::EMPTY_PROBLEMS, 1000);
    Narrative {
        problems: Some(if empty {
            ["无。", "暂无", "无"][rng.random_range(0..3)].to_owned()
        } else {
            "部分项目资金拨付进度偏慢, 绩效目标设置不够细化。".to_owned()
        }),
        improvements: Some(if empty && rng.random_ratio(70, 100) {
            "无。".to_owned()
        } else {
            "加快预算执行进度, 细化量化绩效指标。".to_owned()
        }),
        use_and_disclosure: Some("自评结果用于下年度预算安排, 并在政府门户网站公开。".to_owned()),
        other: None,
    }
}

fn funds(rng: &mut ChaCha8Rng, project_total: Decimal) -> Vec<SpecialFund> {
    let n = rng.random_range(0..=4usize);
    if n == 0 {
        return Vec::new();
    }
    let mut remaining = project_total;
    (0..n)
        .map(|i| {
            let spent = if i + 1 == n {
                remaining
            } else {
                share(remaining, rng.random_range(20..60))
            };
            remaining -= spent;
            let carried_over = share(spent, rng.random_range(0..6));
            let available = spent + carried_over;
            let opening = share(available, rng.random_range(60..120));
            let mut change = available - opening;
            if rng.random_ratio(rates::FUND_MISMATCH, 1000) {
                change += Decimal::new(rng.random_range(1..100), 2);
            }
            let level = Decimal::from(rng.random_range(0..=100)) / Decimal::ONE_HUNDRED;
            let above = round(spent * level, 2);
            SpecialFund {
                name: format!("专项资金{}", i + 1),
                opening,
                change,
                spent,
                carried_over,
                sources: vec![
                    FundSource {
                        name: "上级资金".into(),
                        amount: above,
                    },
                    FundSource {
                        name: "本级资金".into(),
                        amount: spent - above,
                    },
                ],
            }
        })
        .collect()
}

/// What a generated numeric row is: its place in the table, its target and its points.
struct RowSpec<'a> {
    level1: &'a str,
    level2: &'a str,
    name: &'a str,
    unit: &'a str,
    direction: Direction,
    target: Decimal,
    points: Decimal,
}

/// A numeric row and the score a unit honestly gives it (or full marks when inflating).
fn numeric_row(rng: &mut ChaCha8Rng, spec: RowSpec<'_>, inflate: bool) -> IndicatorRow {
    let RowSpec {
        level1,
        level2,
        name,
        unit,
        direction,
        target,
        points,
    } = spec;
    let percent: i64 =
        if rng.random_ratio(rates::OVER_ACHIEVEMENT, 1000) && direction == Direction::AtLeast {
            rng.random_range(130..300)
        } else {
            match direction {
                Direction::AtLeast => rng.random_range(85..=110),
                Direction::AtMost => rng.random_range(90..=110),
                Direction::Equal => 100,
            }
        };
    let actual = share(target, percent);
    let honest = match direction {
        Direction::AtLeast | Direction::Equal if actual < target => {
            round(points * actual / target, 2)
        }
        Direction::AtMost if actual > target => round(
            (points * (Decimal::TWO - actual / target)).max(Decimal::ZERO),
            2,
        ),
        _ => points,
    };
    let written = if level2.contains("成本") && rng.random_ratio(rates::COST_AS_AT_LEAST, 1000) {
        Direction::AtLeast
    } else {
        direction
    };
    IndicatorRow {
        level1: level1.into(),
        level2: Some(level2.into()),
        name: name.into(),
        direction: Some(written),
        target: Some(target),
        actual: Some(actual),
        unit: Some(unit.into()),
        tier: None,
        target_text: None,
        actual_text: None,
        points,
        self_score: Some(if inflate { points } else { honest }),
        explanation: (percent >= 130 && rng.random_ratio(50, 100))
            .then(|| "当年实际需求高于预期, 目标设定偏保守。".to_owned()),
    }
}

fn qualitative_row(
    rng: &mut ChaCha8Rng,
    level1: &str,
    level2: &str,
    name: &str,
    points: Decimal,
    inflate: bool,
) -> IndicatorRow {
    let tier = [Tier::Achieved, Tier::Achieved, Tier::PartlyAchieved][rng.random_range(0..3)];
    let share_of_points = match tier {
        Tier::Achieved => rng.random_range(80..=100),
        _ => rng.random_range(60..80),
    };
    let mut self_score = share(points, share_of_points);
    if inflate || rng.random_ratio(rates::TIER_OUTSIDE, 1000) {
        self_score = points;
    }
    IndicatorRow {
        level1: level1.into(),
        level2: Some(level2.into()),
        name: name.into(),
        direction: None,
        target: None,
        actual: None,
        unit: None,
        tier: Some(tier),
        target_text: None,
        actual_text: None,
        points,
        self_score: Some(self_score),
        explanation: None,
    }
}

fn declared(rng: &mut ChaCha8Rng, rows: &[IndicatorRow]) -> Option<Declared> {
    if rows.is_empty() || rng.random_ratio(20, 100) {
        return None;
    }
    let total: Decimal = rows.iter().filter_map(|r| r.self_score).sum();
    let grade = if total >= Decimal::from(90) {
        "优"
    } else if total >= Decimal::from(80) {
        "良"
    } else if total >= Decimal::from(60) {
        "中"
    } else {
        "差"
    };
    let grade = if rng.random_ratio(rates::GRADE_MISMATCH, 1000) {
        if grade == "优" { "良" } else { "优" }
    } else {
        grade
    };
    Some(Declared {
        total: Some(total),
        grade: Some(grade.to_owned()),
    })
}

fn department(rng: &mut ChaCha8Rng, index: u64, year: u16) -> SelfEvaluation {
    let (name, region, supervisor) = unit_name(rng, index);
    let authorised = rng.random_range(3..200u32);
    let in_post = if rng.random_ratio(5, 100) {
        authorised + rng.random_range(1..5)
    } else {
        authorised - rng.random_range(0..=authorised / 10)
    };
    let (opening, full_year, spent) = budget_figures(rng, 50, 20_000);
    let project = share(spent, rng.random_range(10..60));
    let mut basic = spent - project;
    if rng.random_ratio(rates::TOTALS_MISMATCH, 1000) {
        basic += Decimal::new(rng.random_range(1..1000), 2);
    }
    let personnel = share(basic, rng.random_range(60..90));
    let public = basic - personnel;
    let funds = funds(rng, project);
    let inflate = rng.random_ratio(rates::ALL_FULL_MARKS, 1000);
    let mut rows = Vec::new();
    if rng.random_ratio(70, 100) {
        let reach = Decimal::from(rng.random_range(1..100) * 1000);
        rows.push(numeric_row(
            rng,
            RowSpec {
                level1: "效益指标",
                level2: "社会效益指标",
                name: "服务覆盖人次",
                unit: "人次",
                direction: Direction::AtLeast,
                target: reach,
                points: Decimal::from(6),
            },
            inflate,
        ));
        rows.push(qualitative_row(
            rng,
            "效益指标",
            "可持续影响指标",
            "长效机制建设",
            Decimal::from(4),
            inflate,
        ));
        rows.push(numeric_row(
            rng,
            RowSpec {
                level1: "满意度指标",
                level2: "服务对象满意度指标",
                name: "服务对象满意度",
                unit: "%",
                direction: Direction::AtLeast,
                target: Decimal::from(90),
                points: Decimal::from(5),
            },
            inflate,
        ));
    }
    let three_public_last = wan(rng, 1, 50);
    let base = BaseData {
        three_public: rng
            .random_ratio(70, 100)
            .then(|| share(three_public_last, rng.random_range(80..115))),
        three_public_last_year: Some(three_public_last),
        tasks: rng.random_ratio(50, 100).then(|| {
            let planned = rng.random_range(5..40);
            let completed = planned - rng.random_range(0..=planned / 8);
            Tasks {
                planned,
                completed,
                on_time: completed - rng.random_range(0..=completed / 10),
                up_to_standard: completed,
            }
        }),
        ..BaseData::default()
    };
    let target = Decimal::from(rng.random_range(2..20));
    let goals = vec![
        Goal {
            fund: None,
            text: "保障单位正常运转, 按时足额发放工资。".into(),
            measure: None,
        },
        Goal {
            fund: None,
            text: "完成年度重点工作任务。".into(),
            measure: Some(GoalMeasure {
                indicator: "重点工作任务".into(),
                direction: Direction::AtLeast,
                target,
                actual: Some(round(share(target, rng.random_range(80..=150)), 0)),
                unit: "项".into(),
            }),
        },
    ];
    // A department's own rows cover only part of the rubric here, so it declares no total (as the
    // sample report does not); projects declare theirs.
    let declared = None;
    SelfEvaluation {
        unit: UnitIdentity {
            name,
            // One code a unit: the same code is the same unit (a duplicate).
            code: Some(format!("43{index:08}")),
            region: Some(region),
            year,
            kind: EvaluationKind::Department,
            project: None,
            category: Some("行政单位".into()),
            level: Some("正科级".into()),
            sub_units: Some(rng.random_range(0..3)),
            supervisor: Some(supervisor),
            implementer: None,
            project_code: None,
            filed_on: None,
        },
        staffing: Some(Staffing {
            authorised,
            in_post,
            retired: rng.random_range(0..authorised / 2 + 1),
        }),
        goals,
        budget: Budget {
            opening: Some(opening),
            full_year: Some(full_year),
            increase: None,
            decrease: None,
            income: Some(full_year),
            spent,
            basic: Some(basic),
            personnel: Some(personnel),
            public: Some(public),
            project: Some(project),
        },
        execution: None,
        accounts: BudgetAccounts {
            government_fund: Account::None,
            state_capital: Account::None,
            social_insurance: Account::None,
        },
        funds,
        base,
        tasks: Vec::new(),
        indicators: rows,
        claims: vec![Claim {
            what: "开展培训".into(),
            quantity: Decimal::from(rng.random_range(1..50)),
            unit: "期".into(),
            at_least: false,
        }],
        facts: [("results_disclosed".to_owned(), rng.random_ratio(80, 100))]
            .into_iter()
            .collect(),
        narrative: narrative(rng),
        declared,
    }
}

fn project(rng: &mut ChaCha8Rng, index: u64, year: u16) -> SelfEvaluation {
    let (project_name, output_name, output_unit) = PROJECTS[rng.random_range(0..PROJECTS.len())];
    let (opening, full_year, spent) = budget_figures(rng, 10, 5_000);
    let inflate = rng.random_ratio(rates::ALL_FULL_MARKS, 1000);
    let execution_points = Decimal::TEN;
    let rate = (spent / full_year).min(Decimal::ONE);
    let mut rows = vec![IndicatorRow {
        level1: "预算执行率".into(),
        level2: None,
        name: "预算执行率".into(),
        direction: Some(Direction::AtLeast),
        target: Some(Decimal::ONE_HUNDRED),
        actual: Some(round(rate * Decimal::ONE_HUNDRED, 2)),
        unit: Some("%".into()),
        tier: None,
        target_text: None,
        actual_text: None,
        points: execution_points,
        self_score: Some(if inflate {
            execution_points
        } else {
            round(execution_points * rate, 2)
        }),
        explanation: None,
    }];
    let quantity = Decimal::from(rng.random_range(10..5000));
    rows.push(numeric_row(
        rng,
        RowSpec {
            level1: "产出指标",
            level2: "数量指标",
            name: output_name,
            unit: output_unit,
            direction: Direction::AtLeast,
            target: quantity,
            points: Decimal::from(20),
        },
        inflate,
    ));
    rows.push(numeric_row(
        rng,
        RowSpec {
            level1: "产出指标",
            level2: "质量指标",
            name: "验收合格率",
            unit: "%",
            direction: Direction::AtLeast,
            target: Decimal::ONE_HUNDRED,
            points: Decimal::from(15),
        },
        inflate,
    ));
    rows.push(numeric_row(
        rng,
        RowSpec {
            level1: "产出指标",
            level2: "时效指标",
            name: "完成时间",
            unit: "月",
            direction: Direction::AtMost,
            target: Decimal::from(12),
            points: Decimal::from(5),
        },
        inflate,
    ));
    let unit_cost = round(full_year / quantity, 4).max(Decimal::new(1, 4));
    rows.push(numeric_row(
        rng,
        RowSpec {
            level1: "产出指标",
            level2: "成本指标",
            name: "单位成本",
            unit: "万元",
            direction: Direction::AtMost,
            target: unit_cost,
            points: Decimal::from(10),
        },
        inflate,
    ));
    let beneficiaries = Decimal::from(rng.random_range(100..10_000));
    rows.push(numeric_row(
        rng,
        RowSpec {
            level1: "效益指标",
            level2: "社会效益指标",
            name: "受益人数",
            unit: "人",
            direction: Direction::AtLeast,
            target: beneficiaries,
            points: Decimal::from(15),
        },
        inflate,
    ));
    rows.push(qualitative_row(
        rng,
        "效益指标",
        "可持续影响指标",
        "长效管护机制",
        Decimal::from(15),
        inflate,
    ));
    rows.push(numeric_row(
        rng,
        RowSpec {
            level1: "满意度指标",
            level2: "服务对象满意度指标",
            name: "受益群众满意度",
            unit: "%",
            direction: Direction::AtLeast,
            target: Decimal::from(90),
            points: Decimal::from(10),
        },
        inflate,
    ));
    let declared = declared(rng, &rows);
    let funds = if rng.random_ratio(50, 100) {
        funds(rng, spent)
    } else {
        Vec::new()
    };
    let (name, region, supervisor) = unit_name(rng, index);
    SelfEvaluation {
        unit: UnitIdentity {
            name,
            code: None,
            region: Some(region),
            year,
            kind: EvaluationKind::Project,
            project: Some(format!("{year}年{project_name}项目")),
            category: None,
            level: None,
            sub_units: None,
            supervisor: Some(supervisor),
            implementer: None,
            project_code: None,
            filed_on: None,
        },
        staffing: None,
        goals: Vec::new(),
        budget: Budget {
            opening: Some(opening),
            full_year: Some(full_year),
            increase: None,
            decrease: None,
            income: None,
            spent,
            basic: None,
            personnel: None,
            public: None,
            project: Some(spent),
        },
        execution: None,
        accounts: BudgetAccounts::default(),
        funds,
        base: BaseData::default(),
        tasks: Vec::new(),
        indicators: rows,
        claims: Vec::new(),
        facts: Default::default(),
        narrative: narrative(rng),
        declared,
    }
}
