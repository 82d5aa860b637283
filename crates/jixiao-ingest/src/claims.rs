//! The narrative's quantitative claims (number, measure word, what is counted, the sentence) and
//! suggested pairings of goal targets with the claims that may answer them.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use jixiao_model::{Claim, FieldPath, SelfEvaluation};
use regex::Regex;
use rust_decimal::Decimal;

use crate::sections::{Placed, Topic};
use crate::vocabulary::Vocabulary;
use crate::{Missing, Provenance, dec};

/// A claim with where it was read.
#[derive(Debug, Clone)]
pub struct Found {
    pub claim: Claim,
    pub provenance: Provenance,
    /// For a daily figure over a stated date range ("日均…, 10月1日至7日"): the number of days and
    /// the phrase of the range.
    pub days: Option<(u32, String)>,
}

/// A goal target paired with the narrative claims that may answer it: a suggestion for a reviewer,
/// never a certainty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    /// Index of the goal in `unit.goals`.
    pub goal: usize,
    /// The goal's indicator and target, e.g. `宣传受众 ≥ 10000 人`.
    pub target: String,
    /// Indices of the candidate claims in `unit.claims`, best first.
    pub claims: Vec<usize>,
    /// The actual value filled into the goal, when exactly one claim fits.
    pub actual: Option<Decimal>,
    /// How the pairing and any derived actual came about.
    pub note: String,
}

static GOAL_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^目标\s*\d").expect("valid regex"));
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,2})月(\d{1,2})日?\s*(?:至|到|-|—|~|～)\s*(?:(\d{1,2})月)?(\d{1,2})日")
        .expect("valid regex")
});

/// Sections whose numbers are the unit's own data, not claims.
const NOT_CLAIMS: [Topic; 13] = [
    Topic::Basic,
    Topic::Functions,
    Topic::Organisation,
    Topic::Staffing,
    Topic::Goals,
    Topic::OverallGoals,
    Topic::FundGoals,
    Topic::Budget,
    Topic::GovernmentFund,
    Topic::StateCapital,
    Topic::SocialInsurance,
    Topic::Funds,
    Topic::Disclosure,
];

fn days_in_month(year: u16, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn range_days(sentence: &str, year: u16) -> Option<(u32, String)> {
    let c = RANGE.captures(sentence)?;
    let m1: u32 = c[1].parse().ok()?;
    let d1: u32 = c[2].parse().ok()?;
    let m2: u32 = c.get(3).map_or(Some(m1), |m| m.as_str().parse().ok())?;
    let d2: u32 = c[4].parse().ok()?;
    if !(1..=12).contains(&m1) || !(1..=12).contains(&m2) || m2 < m1 {
        return None;
    }
    let days = if m1 == m2 {
        d2.checked_sub(d1)? + 1
    } else {
        let mut n = days_in_month(year, m1).checked_sub(d1)? + 1;
        for m in m1 + 1..m2 {
            n += days_in_month(year, m);
        }
        n + d2
    };
    Some((days, c[0].to_owned()))
}

/// Lists the claims in the narrative sections, by the measure words of `vocabulary`.
pub fn find(placed: &[Placed<'_>], year: u16, vocabulary: &Vocabulary) -> Vec<Found> {
    let mut out = Vec::new();
    for p in placed {
        if p.heading.is_some() || p.path.is_empty() || NOT_CLAIMS.iter().any(|t| p.under(*t)) {
            continue;
        }
        if matches!(
            p.topic(),
            Some(Topic::Problems | Topic::Improvements | Topic::Other)
        ) {
            continue;
        }
        let norm = p.line.norm.as_str();
        if GOAL_LINE.is_match(norm) {
            continue; // a goal with its target and actual ("目标1：…年度目标1200吨，实际完成1350吨")
        }
        for sentence in norm.split_inclusive(['。', '；', '！']) {
            for caps in vocabulary.re.claim.captures_iter(sentence) {
                let Some(whole) = caps.get(0) else { continue };
                let number = caps.name("number").map_or("", |m| m.as_str());
                let start = caps.name("number").map_or(0, |m| m.start());
                let before = &sentence[..start];
                let after = &sentence[whole.end()..];
                let unit_at = caps.name("unit").map_or(0, |m| m.start());
                if before.ends_with(['第', '-', '.', '〔', '['])
                    || before.ends_with(|c: char| c.is_ascii_digit())
                    || after.starts_with(['届', '年', '月', '日', '号', '期'])
                    || vocabulary
                        .words
                        .claims
                        .not_measure_words
                        .iter()
                        .any(|w| sentence[unit_at..].starts_with(w.as_str()))
                {
                    continue;
                }
                let Some(mut quantity) = dec(number) else {
                    continue;
                };
                if caps.name("wan").is_some() {
                    quantity *= Decimal::from(10_000);
                }
                let at_least = caps.name("before").is_some()
                    || caps.name("more").is_some()
                    || caps.name("above").is_some();
                let unit = caps["unit"].to_owned();
                // What is counted: the clause around the number.
                let clause_start = before
                    .rfind(['，', '、', '：', ':', ',', '；', '。'])
                    .map_or(0, |i| {
                        i + before[i..].chars().next().map_or(1, char::len_utf8)
                    });
                let clause_end = after
                    .find(['，', '、', '：', ':', ',', '；', '。'])
                    .map_or(sentence.len(), |i| whole.end() + i);
                let what = sentence[clause_start..clause_end].trim().to_owned();
                let days = if sentence.contains("日均") {
                    range_days(sentence, year)
                } else {
                    None
                };
                out.push(Found {
                    claim: Claim {
                        what,
                        quantity: quantity.normalize(),
                        unit,
                        at_least,
                    },
                    provenance: Provenance {
                        section: p.section(),
                        line: p.line.number,
                        phrase: sentence.trim().to_owned(),
                        note: days
                            .as_ref()
                            .map(|(d, r)| format!("日均数, 期间「{r}」共 {d} 天")),
                    },
                    days,
                });
            }
        }
    }
    out
}

/// Pairs each goal target with the claims of the same kind and order of magnitude; where exactly
/// one claim fits, fills the goal's actual from it (a daily figure times the days of its range)
/// and says so in provenance. Goals left without an actual are listed as missing.
pub fn pair(
    vocabulary: &Vocabulary,
    unit: &mut SelfEvaluation,
    found: &[Found],
    provenance: &mut BTreeMap<FieldPath, Provenance>,
    missing: &mut Vec<Missing>,
) -> Vec<Pairing> {
    let by_family = Candidates::new(vocabulary, found);
    let mut out = Vec::new();
    for (g, goal) in unit.goals.iter_mut().enumerate() {
        let Some(measure) = goal.measure.as_mut() else {
            continue;
        };
        if measure.actual.is_some() {
            continue; // stated in the goal's own sentence
        }
        let candidates = by_family.of(vocabulary.family(&measure.unit), measure.target);
        let target = format!(
            "{} {} {} {}",
            measure.indicator,
            measure.direction.symbol(),
            measure.target,
            measure.unit
        );
        let field = FieldPath::item("goals", g, "measure").key("actual");
        if let [only] = candidates[..] {
            let f = &found[only];
            let (actual, how) = match &f.days {
                Some((days, range)) => {
                    let total = f.claim.quantity * Decimal::from(*days);
                    (
                        total,
                        format!(
                            "日均 {}{} × {days} 天 ({range}) = {total}{}",
                            if f.claim.at_least { "超" } else { "" },
                            f.claim.quantity,
                            if f.claim.at_least { " 以上" } else { "" }
                        ),
                    )
                }
                None => (f.claim.quantity, format!("claims[{only}] 的数量")),
            };
            let note = format!(
                "suggested pairing, to be confirmed by a reviewer: the only claim of the same kind and order of magnitude is claims[{only}] 「{}」; actual {how}",
                f.claim.what
            );
            measure.actual = Some(actual);
            provenance.insert(
                field,
                Provenance {
                    note: Some(note.clone()),
                    ..f.provenance.clone()
                },
            );
            out.push(Pairing {
                goal: g,
                target,
                claims: candidates,
                actual: Some(actual),
                note,
            });
        } else {
            let why = if candidates.is_empty() {
                format!(
                    "目标「{target}」: no claim in the narrative of the same kind and order of magnitude; actual not filled"
                )
            } else {
                format!(
                    "目标「{target}」: {} candidate claims ({}); actual not filled, a reviewer must choose",
                    candidates.len(),
                    candidates
                        .iter()
                        .map(|i| format!("claims[{i}]"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            if !candidates.is_empty() {
                out.push(Pairing {
                    goal: g,
                    target,
                    claims: candidates,
                    actual: None,
                    note: why.clone(),
                });
            }
            missing.push(Missing { field, why });
        }
    }
    out
}

/// The claims of each measure-word family, by quantity: a goal's candidates (same family, within
/// an order of magnitude below and two above its target) are found by two binary searches, so a
/// long report, with as many claims as goals, is paired in `n log n`, not `n²` (each claim's
/// family is looked up once, not once per goal).
struct Candidates<'v> {
    by_family: BTreeMap<&'v str, Vec<(Decimal, usize)>>,
}

impl<'v> Candidates<'v> {
    fn new(vocabulary: &'v Vocabulary, found: &[Found]) -> Self {
        let mut by_family: BTreeMap<&str, Vec<(Decimal, usize)>> = BTreeMap::new();
        for (i, f) in found.iter().enumerate() {
            if let Some(family) = vocabulary.family(&f.claim.unit) {
                by_family
                    .entry(family)
                    .or_default()
                    .push((f.claim.quantity, i));
            }
        }
        for claims in by_family.values_mut() {
            claims.sort_unstable();
        }
        Candidates { by_family }
    }

    /// The claims of `family` with `quantity × 10 ≥ target` and `quantity ≤ target × 100`, in
    /// the order of the narrative. A product too large for a decimal counts as infinite.
    fn of(&self, family: Option<&str>, target: Decimal) -> Vec<usize> {
        let Some(claims) = family.and_then(|f| self.by_family.get(f)) else {
            return Vec::new();
        };
        let below = |q: Decimal| {
            q.checked_mul(Decimal::TEN)
                .map_or(q.is_sign_negative(), |q10| q10 < target)
        };
        let within = |q: Decimal| {
            target
                .checked_mul(Decimal::ONE_HUNDRED)
                .map_or(target.is_sign_positive(), |t100| q <= t100)
        };
        let from = claims.partition_point(|&(q, _)| below(q));
        let to = claims.partition_point(|&(q, _)| within(q)).max(from);
        let mut out: Vec<usize> = claims[from..to].iter().map(|&(_, i)| i).collect();
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_days_of_a_range() {
        assert_eq!(range_days("10月1日至7日在芦淞", 2024).map(|d| d.0), Some(7));
        assert_eq!(range_days("1月30日至2月2日", 2024).map(|d| d.0), Some(4));
        assert_eq!(range_days("2月28日至3月1日", 2024).map(|d| d.0), Some(3));
    }
}

#[cfg(test)]
mod candidates {
    use super::*;

    fn found(quantity: Decimal, unit: &str) -> Found {
        Found {
            claim: Claim {
                what: String::new(),
                quantity,
                unit: unit.to_owned(),
                at_least: false,
            },
            provenance: Provenance {
                section: String::new(),
                line: 1,
                phrase: String::new(),
                note: None,
            },
            days: None,
        }
    }

    /// The binary searches find exactly the claims the plain rule (same family, `q × 10 ≥
    /// target`, `q ≤ target × 100`) finds, bounds included, in the narrative's order.
    #[test]
    fn are_the_claims_of_the_plain_rule() {
        let v = Vocabulary::builtin();
        let units = ["人", "人次", "场", "个", "公里", "斤"];
        let found: Vec<Found> = (0..240)
            .map(|i| {
                let q = Decimal::new((i * 7919) % 5000 - 40, (i % 3) as u32);
                found(q, units[i as usize % 6])
            })
            .chain([found(Decimal::MAX, "人"), found(Decimal::MIN, "人")])
            .collect();
        let by_family = Candidates::new(v, &found);
        for target in [-3, 0, 1, 10, 100, 1000, 4999, 100_000] {
            for unit in units {
                let target = Decimal::from(target);
                let family = v.family(unit);
                // The two extremes are never candidates here (and `× 10` would overflow on them).
                let plain: Vec<usize> = (0..found.len() - 2)
                    .filter(|&i| {
                        let q = found[i].claim.quantity;
                        family.is_some()
                            && v.family(&found[i].claim.unit) == family
                            && q * Decimal::TEN >= target
                            && q <= target * Decimal::ONE_HUNDRED
                    })
                    .collect();
                assert_eq!(by_family.of(family, target), plain, "{target} {unit}");
            }
        }
        let huge = Decimal::MAX / Decimal::TEN;
        assert_eq!(
            by_family.of(v.family("人"), huge),
            [found.len() - 2],
            "a target whose × 100 overflows takes every claim above a tenth of it"
        );
    }
}
