//! The engine alone on one core: units already parsed, scored under a bundled rule set; beside
//! it, parsing the same units from JSON and from TOML, so that the two can be compared.
//!
//! `cargo bench -p jixiao-engine --bench engine [-- UNITS]` prints, for each population and
//! rule set, the time per unit of each step (best of 5 runs). Two populations: the generated one
//! (`jixiao_synth::Population`, about 2 KB of JSON a unit) and one shaped like the sample
//! (`jixiao_synth::Like` over the sample's unit file: 20 claims, 10 goals, 3 funds, about 4.6 KB).
//! A bench binary rather than criterion: one number per step is what docs/performance.md
//! records, and it builds in seconds. It runs with mimalloc, as the `jixiao` binary does.

use std::path::Path;
use std::time::{Duration, Instant};

use jixiao_engine::Explain;
use jixiao_model::{CheckedUnit, SelfEvaluation};
use jixiao_rules::RuleSet;
use jixiao_synth::{Like, Population};

/// The allocator the `jixiao` binary runs with (crates/jixiao-cli/src/main.rs), so that the
/// times are the engine's as a batch sees them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The fastest of 5 runs of `f` over every unit, per unit, and what `f` counted on the last run.
fn best_of_5<T>(units: &[T], mut f: impl FnMut(&T) -> usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut counted = 0;
    for _ in 0..5 {
        let start = Instant::now();
        counted = units.iter().map(&mut f).sum();
        best = best.min(start.elapsed());
    }
    (best / u32::try_from(units.len()).unwrap(), counted)
}

fn main() {
    let count: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sample_path = root.join("tests/fixtures/units/department/lusong-kexie-2024.toml");
    let sample = SelfEvaluation::load(&sample_path).unwrap().into_inner();
    let cases = [
        ("generated", "hunan-department.toml"),
        ("generated", "national-project.toml"),
        ("like the sample", "hunan-department.toml"),
    ];
    for (population, name) in cases {
        let (rules, _) = RuleSet::load(&root.join("configs").join(name)).unwrap();
        let units: Vec<CheckedUnit> = match population {
            "generated" => {
                let generated = Population::new(2024);
                (0..count)
                    .map(|i| generated.unit_of_kind(i, rules.applies_to))
                    .collect()
            }
            _ => Like::new(sample.clone(), 2024).units(count).collect(),
        };
        let json: Vec<String> = units.iter().map(|u| u.to_json_line()).collect();
        let toml: Vec<String> = units.iter().map(|u| u.to_toml()).collect();
        let bytes = json.iter().map(String::len).sum::<usize>() / json.len();
        println!("{population}, {name}: {count} units, {bytes} bytes of JSON a unit");
        let path = Path::new("bench");
        let (each, _) = best_of_5(&json, |text| {
            SelfEvaluation::from_json(text, path, 1)
                .unwrap()
                .goals
                .len()
        });
        println!("  parse JSON:                     {each:>9.2?} per unit");
        let (each, _) = best_of_5(&json, |text| {
            usize::from(SelfEvaluation::identity_from_json(text).unwrap().year)
        });
        println!("  identify from JSON (unit only): {each:>9.2?} per unit");
        let (each, _) = best_of_5(&toml, |text| {
            SelfEvaluation::from_toml(text, path).unwrap().goals.len()
        });
        println!("  parse TOML:                     {each:>9.2?} per unit");
        let (each, _) = best_of_5(&toml, |text| {
            usize::from(SelfEvaluation::identity_from_toml(text).unwrap().year)
        });
        println!("  identify from TOML (unit only): {each:>9.2?} per unit");
        for (mode, explain) in [
            ("scores only", Explain::ScoresOnly),
            ("explained", Explain::Full),
        ] {
            let options = jixiao_engine::Options {
                explain,
                ..Default::default()
            };
            let (each, findings) = best_of_5(&units, |unit| {
                jixiao_engine::score_with(unit, &rules, &options)
                    .unwrap()
                    .findings
                    .len()
            });
            println!(
                "  score ({mode}):{:width$}{each:>9.2?} per unit, {} units/s, {findings} findings",
                "",
                1_000_000_000 / each.as_nanos().max(1),
                width = 19 - mode.len()
            );
        }
    }
}
