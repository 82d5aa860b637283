//! The engine alone on one core: units already parsed, scored under a bundled rule set.
//!
//! `cargo bench -p jixiao-engine --bench engine [-- UNITS]` prints units per second for each
//! bundled rule set (best of 5 runs). A bench binary rather than criterion: one number per rule
//! set is what docs/performance.md records, and it builds in seconds.

use std::path::Path;
use std::time::{Duration, Instant};

use jixiao_engine::Explain;
use jixiao_rules::RuleSet;
use jixiao_synth::Population;

fn main() {
    let count: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let configs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
    for name in ["hunan-department.toml", "national-project.toml"] {
        let (rules, _) = RuleSet::load(&configs.join(name)).unwrap();
        let population = Population::new(2024);
        let units: Vec<_> = (0..count)
            .map(|i| population.unit_of_kind(i, rules.applies_to))
            .collect();
        for (mode, explain) in [
            ("scores only", Explain::ScoresOnly),
            ("explained", Explain::Full),
        ] {
            let mut best = Duration::MAX;
            let mut findings = 0;
            for _ in 0..5 {
                let start = Instant::now();
                findings = 0;
                for unit in &units {
                    let card = jixiao_engine::score_with(
                        unit,
                        &rules,
                        &jixiao_engine::Options {
                            explain,
                            ..Default::default()
                        },
                    )
                    .unwrap();
                    findings += card.findings.len();
                }
                best = best.min(start.elapsed());
            }
            let per_unit = best / u32::try_from(count).unwrap();
            println!(
                "{name} ({mode}): {count} units in {best:.3?} (best of 5): {per_unit:.2?} per unit, {} units/s, {findings} findings",
                u128::from(count) * 1_000_000_000 / best.as_nanos()
            );
        }
    }
}
