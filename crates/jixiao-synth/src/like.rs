//! Units shaped like one real unit: its goals, claims, funds and narrative, with the figures and
//! texts varied per unit. The generated [`Population`](crate::Population) is compact (no goals,
//! few claims, short texts); a real department's submission is larger (the sample: 20 claims,
//! 10 goals, three special funds, 4.4 KB of JSON) and what the batch costs grows with it. This
//! is the population that measures that (`jixiao generate --like FILE`).
//!
//! Unit `i` of seed `s` depends only on the base unit and `(s, i)`, as in the generated population.

use jixiao_model::{CheckedUnit, SelfEvaluation, round};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use crate::{checked, unit_name};

/// Units like `base`, one seed.
#[derive(Debug, Clone)]
pub struct Like {
    base: SelfEvaluation,
    seed: u64,
}

/// `value × percent / 100` at the value's own decimals (at least 2), so that a figure keeps the
/// precision it was written with.
fn scaled(value: Decimal, percent: i64) -> Decimal {
    round(
        value * Decimal::from(percent) / Decimal::ONE_HUNDRED,
        value.scale().max(2),
    )
}

/// A count scaled by `percent`, at least 1 where it was.
fn scaled_count(value: Decimal, percent: i64) -> Decimal {
    let scaled = round(value * Decimal::from(percent) / Decimal::ONE_HUNDRED, 0);
    if value > Decimal::ZERO {
        scaled.max(Decimal::ONE)
    } else {
        scaled
    }
}

/// Ways a unit words the same sentence, so that no two units' texts are alike byte for byte.
const OPENINGS: [&str; 4] = ["", "本年度", "全年", "围绕年度重点工作，"];

impl Like {
    pub fn new(base: SelfEvaluation, seed: u64) -> Like {
        Like { base, seed }
    }

    /// The `index`-th unit: the base unit with its own name, code and region (so that no two
    /// are the same unit), every amount scaled by one factor (50–300 %, so that totals still
    /// add up as in the base) and what was spent of the budget by 1–15 % less (so that
    /// execution rates, and so scores, differ), each goal's and claim's figure varied on its own (70–160 %),
    /// and its texts reworded.
    pub fn unit(&self, index: u64) -> CheckedUnit {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(index);
        let mut unit = self.base.clone();
        let (name, region, supervisor) = unit_name(&mut rng, index);
        unit.unit.name = name;
        unit.unit.region = Some(region);
        unit.unit.supervisor = Some(supervisor);
        unit.unit.code = Some(format!("43{index:08}"));

        let size: i64 = rng.random_range(50..=300);
        let money = |value: &mut Decimal| *value = scaled(*value, size);
        // What was spent of the budget: 85–99 % of the base's share (never all of it, so that
        // the parts' rounding never spends above the budget).
        let spending = size * rng.random_range(85..=99) / 100;
        let budget = &mut unit.budget;
        for value in [
            &mut budget.opening,
            &mut budget.full_year,
            &mut budget.increase,
            &mut budget.decrease,
            &mut budget.income,
        ]
        .into_iter()
        .flatten()
        {
            money(value);
        }
        // What was spent, scaled part by part, and each total made again from its parts with
        // the base's own difference (0 where the base adds up; the sample's 科普经费 is out by
        // 0.01 万元, and stays so): rounding never makes a fault the base does not have.
        let spend = |value: Decimal| scaled(value, spending);
        let base_funds = self.base.funds.iter();
        for (fund, was) in unit.funds.iter_mut().zip(base_funds) {
            fund.opening = spend(was.opening);
            fund.change = spend(was.change);
            fund.carried_over = spend(was.carried_over);
            let out_by = was.opening + was.change - was.spent - was.carried_over;
            fund.spent = fund.opening + fund.change - fund.carried_over - out_by;
            let sources: Decimal = was.sources.iter().map(|s| s.amount).sum();
            let mut rest = fund.spent - (was.spent - sources);
            let last = fund.sources.len().saturating_sub(1);
            for (i, source) in fund.sources.iter_mut().enumerate() {
                if i < last {
                    source.amount = spend(source.amount);
                    rest -= source.amount;
                } else {
                    source.amount = rest;
                }
            }
        }
        let was = &self.base.budget;
        let out_by = |total: Option<Decimal>, parts: &[Option<Decimal>]| {
            total.map(|t| t - parts.iter().flatten().sum::<Decimal>())
        };
        let basic_out_by = out_by(was.basic, &[was.personnel, was.public]);
        let funds_spent = |funds: &[jixiao_model::SpecialFund]| -> Option<Decimal> {
            (!funds.is_empty()).then(|| funds.iter().map(|f| f.spent).sum())
        };
        let project_out_by = out_by(was.project, &[funds_spent(&self.base.funds)]);
        let spent_out_by =
            was.spent - was.basic.unwrap_or_default() - was.project.unwrap_or_default();
        budget.personnel = was.personnel.map(spend);
        budget.public = was.public.map(spend);
        budget.basic = match (was.personnel, was.public, basic_out_by) {
            (Some(_), Some(_), Some(d)) => {
                budget.personnel.zip(budget.public).map(|(a, b)| a + b + d)
            }
            _ => was.basic.map(spend),
        };
        budget.project = match (funds_spent(&unit.funds), project_out_by) {
            (Some(spent), Some(d)) => Some(spent + d),
            _ => was.project.map(spend),
        };
        budget.spent = match (budget.basic, budget.project) {
            (None, None) => spend(was.spent),
            (basic, project) => {
                basic.unwrap_or_default() + project.unwrap_or_default() + spent_out_by
            }
        };
        let base = &mut unit.base;
        for value in [
            &mut base.three_public,
            &mut base.three_public_last_year,
            &mut base.three_public_budget,
            &mut base.public_budget,
            &mut base.procurement_budget,
            &mut base.procurement_actual,
            &mut base.key_project_spending,
            &mut base.carried_in,
            &mut base.carried_over,
            &mut base.carried_over_last_year,
        ]
        .into_iter()
        .flatten()
        {
            money(value);
        }
        for task in &mut unit.tasks {
            for value in [&mut task.budget, &mut task.spent].into_iter().flatten() {
                money(value);
            }
        }

        for goal in &mut unit.goals {
            goal.text = reworded(&mut rng, &goal.text);
            if let Some(measure) = &mut goal.measure {
                let percent = rng.random_range(70..=160);
                measure.target = scaled_count(measure.target, size.clamp(80, 150));
                if let Some(actual) = &mut measure.actual {
                    *actual = scaled_count(*actual, percent);
                }
            }
        }
        for claim in &mut unit.claims {
            claim.quantity = scaled_count(claim.quantity, rng.random_range(70..=160));
        }
        if let Some(staffing) = &mut unit.staffing {
            let extra = rng.random_range(0..=size as u32 / 25);
            staffing.authorised += extra;
            staffing.in_post = staffing.in_post.saturating_sub(rng.random_range(0..=1)) + extra;
        }
        let narrative = &mut unit.narrative;
        for text in [
            &mut narrative.problems,
            &mut narrative.improvements,
            &mut narrative.use_and_disclosure,
            &mut narrative.other,
        ]
        .into_iter()
        .flatten()
        {
            *text = reworded(&mut rng, text);
        }
        checked(unit)
    }

    /// Units `0..count`.
    pub fn units(&self, count: u64) -> impl Iterator<Item = CheckedUnit> + '_ {
        (0..count).map(move |i| self.unit(i))
    }
}

/// The text with one of the openings before it (none, 本年度, 全年, 围绕年度重点工作，): units word
/// the same sentence differently, and the text's length stays within a few characters.
fn reworded(rng: &mut ChaCha8Rng, text: &str) -> String {
    if text.chars().count() <= 3 {
        return text.to_owned(); // 无。: what a unit writes when it has nothing to say
    }
    let opening = OPENINGS[rng.random_range(0..OPENINGS.len())];
    format!("{opening}{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SelfEvaluation {
        let text = include_str!("../../../tests/fixtures/units/department/lusong-kexie-2024.toml");
        SelfEvaluation::from_toml(text, std::path::Path::new("sample"))
            .expect("the sample reads")
            .into_inner()
    }

    #[test]
    fn each_unit_is_its_own_and_the_same_for_the_same_seed() {
        let like = Like::new(sample(), 7);
        let (a, b) = (like.unit(0).into_inner(), like.unit(1).into_inner());
        assert_ne!(a.unit.code, b.unit.code);
        assert_ne!(a.unit.name, b.unit.name);
        assert_eq!(a, like.unit(0).into_inner());
        assert_eq!(a.goals.len(), 10);
        assert_eq!(a.claims.len(), 20);
        assert_eq!(a.funds.len(), 3);
    }

    #[test]
    fn units_spend_different_shares_of_their_budget() {
        let shares: std::collections::BTreeSet<Decimal> = Like::new(sample(), 2024)
            .units(50)
            .map(|unit| {
                let budget = &unit.unit().budget;
                round(
                    budget.spent / budget.income.expect("the sample has income"),
                    3,
                )
            })
            .collect();
        // 15 shares of spending (85–99 %) times 251 sizes: 50 units take many of them.
        assert!(shares.len() >= 10, "{shares:?}");
        assert!(
            shares
                .iter()
                .all(|s| *s >= Decimal::new(84, 2) && *s <= Decimal::ONE)
        );
    }

    #[test]
    fn totals_add_up_as_in_the_base_whatever_the_rounding() {
        let base = sample();
        let fund_out_by =
            |f: &jixiao_model::SpecialFund| f.opening + f.change - f.spent - f.carried_over;
        for unit in Like::new(base.clone(), 2024).units(200) {
            let unit = unit.into_inner();
            let b = &unit.budget;
            let (basic, project) = (b.basic.unwrap(), b.project.unwrap());
            // The sample: 47.3 + 7.79 = 55.09, 19.84 + 2.4 + 8 = 30.24, 55.09 + 30.24 = 85.33.
            assert_eq!(b.personnel.unwrap() + b.public.unwrap(), basic);
            assert_eq!(unit.funds.iter().map(|f| f.spent).sum::<Decimal>(), project);
            assert_eq!(basic + project, b.spent);
            for (fund, was) in unit.funds.iter().zip(&base.funds) {
                // 科普经费 is out by 0.01 in the sample (8 + 11.84 ≠ 19.84 + 0.01), the others 0.
                assert_eq!(fund_out_by(fund), fund_out_by(was), "{}", fund.name);
                if !fund.sources.is_empty() {
                    assert_eq!(
                        fund.sources.iter().map(|s| s.amount).sum::<Decimal>(),
                        fund.spent
                    );
                }
            }
            let spending = b.spent / b.income.unwrap();
            assert!(
                spending > Decimal::new(80, 2) && spending <= Decimal::new(101, 2),
                "{spending}"
            );
        }
    }
}
