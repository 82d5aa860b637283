//! Which units to re-review, and why each was picked (`../shared/domain.md` §10).
//!
//! Every unit matching one of the bureau's criteria is picked, with every criterion it matches
//! as a [`Reason`]: hard findings, a self-score gap above N points, a grade (优) with execution
//! below a rate, an amount above a limit. Of the rest, a share is drawn at random, **stratified**
//! by 主管部门 × amount band:
//!
//! - A stratum is a 主管部门 (units without one form their own, 主管部门未填) crossed with a band
//!   of 全年预算数 cut at [`SampleRules::amount_bands`] (an edge belongs to the band above it:
//!   edges 100 and 500 give 100 万元以下, 100–500 万元 for 100 ≤ amount < 500, and 500 万元及以上;
//!   units without an amount form their own band, 金额未填). Without edges, strata are 主管部门
//!   alone.
//! - Each stratum of `n` units not picked by a criterion gives `round(share × n)` units, rounded
//!   half away from zero, **with no minimum**: at share 0.2, strata of 10, 5 and 1 units give 2,
//!   1 and 0 (a stratum of 3 gives 1, of 2 gives 0; at share 0.5 a stratum of 1 gives 1). A
//!   minimum of one per stratum would make the random share grow with the number of small
//!   strata (many 主管部门 with a unit or two in a band) instead of following the bureau's share;
//!   [`Sample::strata`] shows each stratum's count and draw, so an unrepresented stratum shows.
//!   The total drawn may therefore differ from `share ×` the units left.
//! - The draw is reproducible: the units are sorted by their [`UnitKey`] first (so the input's
//!   order does not matter), and each stratum draws from its own ChaCha8 stream, seeded by
//!   [`SampleRules::seed`] and set to a fixed hash of the stratum's name, by a partial
//!   Fisher–Yates shuffle. The same candidates and seed give the same sample on every machine;
//!   a unit added in one stratum leaves the other strata's draws as they were.
//!
//! The sample lists the picked units in the order of their keys.

use std::collections::BTreeMap;

use jixiao_engine::fmt::{number, percent, round};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::UnitKey;

/// One scored unit of a round, as the sampler sees it (built by the caller from the round's
/// output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub key: UnitKey,
    /// 主管部门.
    pub supervisor: Option<String>,
    /// 全年预算数 in 万元: the amount criterion and the amount stratum.
    pub amount: Option<Decimal>,
    /// 预算执行率, as a fraction (0.82).
    pub execution_rate: Option<Decimal>,
    /// The system's total.
    pub total: Decimal,
    /// The system's grade.
    pub grade: Option<String>,
    /// The unit's own total (自评总分).
    pub declared_total: Option<Decimal>,
    /// The number of hard findings (硬性问题).
    pub hard_findings: usize,
    /// The largest self − system gap of its leaves, in points.
    pub max_self_score_gap: Option<Decimal>,
}

/// A grade with a floor on execution: a unit of `grade` (优) whose 预算执行率 is below `rate`
/// is picked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeExecution {
    /// The grade's name as the rule set names it (`优`).
    pub grade: String,
    /// The rate, as a fraction (0.9).
    pub rate: Decimal,
}

/// What the bureau sets for a sample.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleRules {
    /// The share of the units left (after the criteria) drawn at random, in 0..=1.
    pub share: Decimal,
    /// The seed of the random draw.
    pub seed: u64,
    /// Pick every unit with a hard finding.
    #[serde(default)]
    pub hard_findings: bool,
    /// Pick every unit whose largest self − system gap is above this many points.
    #[serde(default)]
    pub gap_above: Option<Decimal>,
    /// Pick every unit of this grade with execution below this rate.
    #[serde(default)]
    pub excellent_below_execution: Option<GradeExecution>,
    /// Pick every unit whose 全年预算数 is above this many 万元.
    #[serde(default)]
    pub amount_above: Option<Decimal>,
    /// The edges of the amount strata in 万元, increasing (empty: no amount strata).
    #[serde(default)]
    pub amount_bands: Vec<Decimal>,
}

/// Rules or candidates a sample cannot be drawn from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SampleError {
    #[error("抽取比例须在 0 与 1 之间 (含), 给出的是 {}", number(*.0))]
    Share(Decimal),
    #[error("金额分层的界限须从小到大且互不相同: {} 之后是 {}", number(*.0), number(*.1))]
    Bands(Decimal, Decimal),
    #[error("同一单位出现两次: {0}")]
    DuplicateUnit(String),
}

/// A band of amounts (全年预算数, 万元).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountBand {
    /// Below the first edge.
    Below(Decimal),
    /// From the first (included) to the second (excluded).
    Between(Decimal, Decimal),
    /// From the last edge on.
    From(Decimal),
    /// Units without an amount.
    Unknown,
    /// No amount strata.
    All,
}

impl AmountBand {
    fn of(amount: Option<Decimal>, edges: &[Decimal]) -> AmountBand {
        let (Some(first), Some(last)) = (edges.first(), edges.last()) else {
            return AmountBand::All;
        };
        let Some(amount) = amount else {
            return AmountBand::Unknown;
        };
        if amount < *first {
            return AmountBand::Below(*first);
        }
        if amount >= *last {
            return AmountBand::From(*last);
        }
        edges
            .windows(2)
            .find(|w| w[0] <= amount && amount < w[1])
            .map(|w| AmountBand::Between(w[0], w[1]))
            .unwrap_or(AmountBand::From(*last))
    }

    /// `金额 100–500 万元`, `金额 100 万元以下`, `金额 1,000 万元及以上`, `金额未填`; `None` without
    /// amount strata.
    pub fn label(&self) -> Option<String> {
        match self {
            AmountBand::Below(hi) => Some(format!("金额 {} 万元以下", grouped(*hi, None))),
            AmountBand::Between(lo, hi) => Some(format!(
                "金额 {}–{} 万元",
                grouped(*lo, None),
                grouped(*hi, None)
            )),
            AmountBand::From(lo) => Some(format!("金额 {} 万元及以上", grouped(*lo, None))),
            AmountBand::Unknown => Some("金额未填".to_owned()),
            AmountBand::All => None,
        }
    }
}

/// A stratum of the random draw: a 主管部门 (or none) and an amount band.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Stratum {
    pub supervisor: Option<String>,
    pub band: AmountBand,
}

impl Stratum {
    /// `主管部门 X, 金额 100–500 万元`; `主管部门未填` for units without one.
    pub fn label(&self) -> String {
        let supervisor = match &self.supervisor {
            Some(s) => format!("主管部门 {s}"),
            None => "主管部门未填".to_owned(),
        };
        match self.band.label() {
            Some(band) => format!("{supervisor}, {band}"),
            None => supervisor,
        }
    }
}

/// Why a unit was picked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// It has this many hard findings.
    HardFindings(usize),
    /// Its largest self − system gap, above the limit.
    Gap(Decimal),
    /// Its grade, with its execution below the floor.
    ExcellentLowExecution { grade: String, rate: Decimal },
    /// Its amount, above the limit.
    Amount { amount: Decimal, limit: Decimal },
    /// Drawn at random in this stratum.
    Random { stratum: Stratum },
}

impl Reason {
    /// The reason in Chinese: `硬性问题 2 个`, `自评与系统得分相差 6.5 分`, `等级为优但预算执行率
    /// 82.00%`, `金额 1,250.00 万元 超过 1,000 万元`, `随机抽取 (主管部门 X, 金额 100–500 万元 一层)`.
    pub fn label(&self) -> String {
        match self {
            Reason::HardFindings(n) => format!("硬性问题 {n} 个"),
            Reason::Gap(gap) => format!("自评与系统得分相差 {} 分", number(*gap)),
            Reason::ExcellentLowExecution { grade, rate } => {
                format!("等级为{grade}但预算执行率 {}", percent(*rate))
            }
            Reason::Amount { amount, limit } => format!(
                "金额 {} 万元 超过 {} 万元",
                grouped(*amount, Some(2)),
                grouped(*limit, None)
            ),
            Reason::Random { stratum } => format!("随机抽取 ({} 一层)", stratum.label()),
        }
    }

    /// Whether the unit was drawn at random (not picked by a criterion).
    pub fn is_random(&self) -> bool {
        matches!(self, Reason::Random { .. })
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// A unit picked for re-review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Picked {
    /// Its index in the candidates given.
    pub index: usize,
    pub key: UnitKey,
    /// Every criterion it matches, in the order hard findings, gap, grade and execution, amount;
    /// or the one random draw.
    pub reasons: Vec<Reason>,
}

impl Picked {
    /// The reasons joined with `; `.
    pub fn reasons_label(&self) -> String {
        self.reasons
            .iter()
            .map(Reason::label)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One stratum of the random draw: how many units it had after the criteria, and how many were
/// drawn.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StratumDraw {
    pub stratum: Stratum,
    pub units: usize,
    pub drawn: usize,
}

/// The units picked, in the order of their keys, and the random draw's strata, in their order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Sample {
    pub picked: Vec<Picked>,
    pub strata: Vec<StratumDraw>,
}

impl SampleRules {
    /// Whether the rules can draw a sample: the share within 0..=1, the band edges increasing.
    pub fn validate(&self) -> Result<(), SampleError> {
        if self.share < Decimal::ZERO || self.share > Decimal::ONE {
            return Err(SampleError::Share(self.share));
        }
        if let Some(w) = self.amount_bands.windows(2).find(|w| w[0] >= w[1]) {
            return Err(SampleError::Bands(w[0], w[1]));
        }
        Ok(())
    }

    /// The criteria `c` matches.
    fn reasons(&self, c: &Candidate) -> Vec<Reason> {
        let mut reasons = Vec::new();
        if self.hard_findings && c.hard_findings > 0 {
            reasons.push(Reason::HardFindings(c.hard_findings));
        }
        if let (Some(limit), Some(gap)) = (self.gap_above, c.max_self_score_gap)
            && gap > limit
        {
            reasons.push(Reason::Gap(gap));
        }
        if let (Some(floor), Some(grade), Some(rate)) = (
            &self.excellent_below_execution,
            c.grade.as_deref(),
            c.execution_rate,
        ) && grade == floor.grade
            && rate < floor.rate
        {
            reasons.push(Reason::ExcellentLowExecution {
                grade: grade.to_owned(),
                rate,
            });
        }
        if let (Some(limit), Some(amount)) = (self.amount_above, c.amount)
            && amount > limit
        {
            reasons.push(Reason::Amount { amount, limit });
        }
        reasons
    }
}

/// A unit's key as a person reads it: `name (code)`, with its project's.
pub(crate) fn unit_label(key: &UnitKey) -> String {
    let mut out = key.name.clone();
    if let Some(code) = &key.code {
        out.push_str(&format!(" ({code})"));
    }
    if let Some(project) = &key.project {
        out.push_str(&format!(" / {project}"));
    }
    if let Some(code) = &key.project_code {
        out.push_str(&format!(" ({code})"));
    }
    out.push_str(&format!(", {} 年", key.year));
    out
}

/// The units to re-review among `candidates`, by `rules` (see the module's documentation).
pub fn sample(candidates: &[Candidate], rules: &SampleRules) -> Result<Sample, SampleError> {
    rules.validate()?;
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| candidates[a].key.cmp(&candidates[b].key));
    if let Some(w) = order
        .windows(2)
        .find(|w| candidates[w[0]].key == candidates[w[1]].key)
    {
        return Err(SampleError::DuplicateUnit(unit_label(
            &candidates[w[0]].key,
        )));
    }
    let mut reasons: Vec<Vec<Reason>> = vec![Vec::new(); candidates.len()];
    let mut strata: BTreeMap<Stratum, Vec<usize>> = BTreeMap::new();
    for &i in &order {
        let c = &candidates[i];
        reasons[i] = rules.reasons(c);
        if reasons[i].is_empty() {
            let supervisor = c
                .supervisor
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            let stratum = Stratum {
                supervisor,
                band: AmountBand::of(c.amount, &rules.amount_bands),
            };
            strata.entry(stratum).or_default().push(i);
        }
    }
    let mut draws = Vec::with_capacity(strata.len());
    for (stratum, mut members) in strata {
        let n = members.len();
        let k = drawn(rules.share, n);
        let mut rng = ChaCha8Rng::seed_from_u64(rules.seed);
        rng.set_stream(fnv1a(stratum.label().as_bytes()));
        // A partial Fisher–Yates shuffle: the first `k` places end up a uniform draw.
        for place in 0..k {
            let other = rng.random_range(place as u64..n as u64);
            members.swap(place, usize::try_from(other).unwrap_or(place));
        }
        for &i in &members[..k] {
            reasons[i].push(Reason::Random {
                stratum: stratum.clone(),
            });
        }
        draws.push(StratumDraw {
            stratum,
            units: n,
            drawn: k,
        });
    }
    let picked = order
        .into_iter()
        .filter_map(|i| {
            let reasons = std::mem::take(&mut reasons[i]);
            (!reasons.is_empty()).then(|| Picked {
                index: i,
                key: candidates[i].key.clone(),
                reasons,
            })
        })
        .collect();
    Ok(Sample {
        picked,
        strata: draws,
    })
}

/// `round(share × n)`, half away from zero, at most `n` (`share` is within 0..=1).
fn drawn(share: Decimal, n: usize) -> usize {
    let units = Decimal::from(n);
    let k = share
        .checked_mul(units)
        .map(|x| round(x, 0))
        .unwrap_or(units);
    k.to_usize().map_or(n, |k| k.min(n))
}

/// The 64-bit FNV-1a hash of `bytes`: a fixed function, so a stratum's stream is the same on
/// every machine and Rust version.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `value` with thousands separators: with exactly `places` decimals, or (`None`) as
/// [`number`] writes it (`1,250.00`, `1,000`).
pub(crate) fn grouped(value: Decimal, places: Option<u32>) -> String {
    let text = match places {
        Some(p) => jixiao_engine::fmt::points(value, p).to_string(),
        None => number(value).to_string(),
    };
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(dec!(1250), Some(2)), "1,250.00");
        assert_eq!(grouped(dec!(1000), None), "1,000");
        assert_eq!(grouped(dec!(999.5), None), "999.5");
        assert_eq!(grouped(dec!(-1234567.891), Some(2)), "-1,234,567.89");
        assert_eq!(grouped(dec!(100), None), "100");
    }

    #[test]
    fn draws_round_half_away_from_zero_without_a_minimum() {
        let share = dec!(0.2);
        assert_eq!(
            [10, 5, 3, 2, 1, 0].map(|n| drawn(share, n)),
            [2, 1, 1, 0, 0, 0]
        );
        assert_eq!(drawn(dec!(0.5), 1), 1);
        assert_eq!(drawn(Decimal::ONE, 7), 7);
        assert_eq!(drawn(Decimal::ZERO, 7), 0);
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // The FNV-1a test vectors: "" and "a".
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
