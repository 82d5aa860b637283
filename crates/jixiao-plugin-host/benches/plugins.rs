//! Cost per unit of scoring with the four plugins of `plugins/` against without them.
//!
//! ```text
//! cargo build --release -p jixiao-plugin-deviation -p jixiao-plugin-candour \
//!     -p jixiao-plugin-spending -p jixiao-plugin-uniform
//! cargo bench -p jixiao-plugin-host --bench plugins
//! ```
//!
//! Each fixture is scored under the `*-plugins` rule set of its kind, once with no extensions
//! (the engine alone, same indicator tree) and once with the plugins loaded from the bench's
//! own profile directory (`target/release`). The two paths are timed alternately `REPEATS` times
//! (default 5) and the fastest run of each is reported: on a machine shared with other builds
//! the fastest run is the least disturbed one.
//!
//! Then `extend` alone, on a tree scored beforehand: the host writing the requests, the four
//! calls across the ABI (each request read into the model by the plugin, the rule run, the
//! response written) and the responses read, without the engine around it. The request bench
//! Last, the requests on their own, in a tight loop (warm caches, one copy of serde_json): for
//! each fixture unit the four rules' requests (the unit as `wire::project` gives it for each
//! rule's `needs`, read from the libraries' manifests), timed as written (the union of the parts,
//! as the host writes each part once), read into the owned model (what the SDK does), and read
//! into `IgnoredAny` (every byte scanned and checked, nothing built: the least any reader of
//! JSON can spend, a borrowed view of the unit or not). Figures in docs/performance.md.

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jixiao_engine::{RuleExtension, ScoredIndicator};
use jixiao_model::{CheckedUnit, SelfEvaluation};
use jixiao_plugin_api::{Part, wire};
use jixiao_plugin_host::{LoadOptions, Plugins};
use jixiao_rules::RuleSet;
use serde::de::IgnoredAny;

/// Time per unit of `f` over the indexes of `units` units, `rounds` times.
fn time(units: usize, rounds: u32, f: impl Fn(usize)) -> Duration {
    let start = Instant::now();
    for _ in 0..rounds {
        for unit in 0..units {
            f(black_box(unit));
        }
    }
    start.elapsed() / (rounds * u32::try_from(units).unwrap())
}

/// The parts each plugin's rule reads (`unit` and `budget` included), from the manifests of the
/// libraries in `profile`.
fn needs(profile: &Path) -> Vec<Vec<Part>> {
    jixiao_tests::PLUGINS
        .iter()
        .flat_map(|name| {
            let file = format!("{DLL_PREFIX}{}{DLL_SUFFIX}", name.replace('-', "_"));
            let manifest = jixiao_plugin_host::inspect(&profile.join(file))
                .unwrap()
                .manifest;
            manifest.rules.into_iter().map(|rule| {
                wire::parts(rule.needs.as_deref()).expect("the bundled plugins declare needs")
            })
        })
        .collect()
}

fn main() {
    let root = jixiao_tests::root();
    let exe = std::env::current_exe().unwrap();
    let profile: PathBuf = exe.parent().unwrap().parent().unwrap().to_owned();
    let rounds: u32 = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(2000);
    let repeats: u32 = std::env::var("REPEATS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    println!(
        "plugins from {}, {rounds} rounds, fastest of {repeats}",
        profile.display()
    );
    println!("| rule set | units | engine alone µs/unit | engine + 4 plugins µs/unit | ratio |");
    println!("|---|---:|---:|---:|---:|");
    let mut extends = Vec::new();
    for (rules_file, kind) in [
        ("hunan-department-plugins.toml", "department"),
        ("national-project-plugins.toml", "project"),
    ] {
        let rules_path = root.join("configs").join(rules_file);
        let (rules, _) = RuleSet::load(&rules_path).unwrap();
        let options = LoadOptions {
            allow_unpinned: true,
            plugin_dir: Some(profile.clone()),
        };
        let plugins = Plugins::load(&rules, &rules_path, &options).unwrap();
        let extensions: [&(dyn RuleExtension + Sync); 1] = [&plugins];
        let with_plugins = jixiao_engine::Options {
            extensions: &extensions,
            ..Default::default()
        };
        let units = jixiao_tests::fixture_units(kind);
        let n = units.len();
        let alone = |i: usize| {
            black_box(jixiao_engine::score_with(&units[i], &rules, &Default::default()).unwrap());
        };
        let with = |i: usize| {
            black_box(jixiao_engine::score_with(&units[i], &rules, &with_plugins).unwrap());
        };
        // Warm up both paths.
        time(n, rounds / 10 + 1, alone);
        time(n, rounds / 10 + 1, with);
        let (mut a, mut w) = (Duration::MAX, Duration::MAX);
        for _ in 0..repeats.max(1) {
            a = a.min(time(n, rounds, alone));
            w = w.min(time(n, rounds, with));
        }
        let percent = w.as_nanos() * 100 / a.as_nanos().max(1);
        println!(
            "| {rules_file} | {} | {} | {} | {}.{:02}× |",
            units.len(),
            micros(a),
            micros(w),
            percent / 100,
            percent % 100
        );

        let scored: Vec<Vec<ScoredIndicator>> = units
            .iter()
            .map(|u| {
                jixiao_engine::score_with(u, &rules, &Default::default())
                    .unwrap()
                    .indicators
            })
            .collect();
        let extend = |i: usize| {
            black_box(plugins.extend(&units[i], &scored[i]));
        };
        let mut e = Duration::MAX;
        for _ in 0..repeats.max(1) {
            e = e.min(time(n, rounds, extend));
        }
        extends.push(format!(
            "| {rules_file} | {} | {} |",
            micros(w.saturating_sub(a)),
            micros(e)
        ));
    }
    println!();
    println!("| rule set | plugins add µs/unit | `extend` alone µs/unit |");
    println!("|---|---:|---:|");
    for line in extends {
        println!("{line}");
    }

    println!();
    println!("The requests alone, µs a unit, the four summed:");
    println!("| fixtures | bytes | written | read into the model | read into IgnoredAny |");
    println!("|---|---:|---:|---:|---:|");
    let needs = needs(&profile);
    for kind in ["department", "project"] {
        let units: Vec<SelfEvaluation> = jixiao_tests::fixture_units(kind)
            .into_iter()
            .map(CheckedUnit::into_inner)
            .collect();
        let n = units.len();
        let mut all: Vec<Part> = needs.concat();
        all.sort_unstable();
        all.dedup();
        let written: Vec<SelfEvaluation> = units.iter().map(|u| wire::project(u, &all)).collect();
        let requests: Vec<Vec<u8>> = units
            .iter()
            .flat_map(|u| needs.iter().map(|parts| wire::project(u, parts)))
            .map(|u| serde_json::to_vec(&u).unwrap())
            .collect();
        let fastest = |f: &dyn Fn(usize)| {
            (0..repeats.max(1))
                .map(|_| time(n, rounds, f))
                .min()
                .unwrap()
        };
        let per_unit = requests.len() / n;
        let write = fastest(&|i| {
            black_box(serde_json::to_vec(black_box(&written[i])).unwrap());
        });
        let owned = fastest(&|i| {
            for request in &requests[i * per_unit..(i + 1) * per_unit] {
                black_box(serde_json::from_slice::<SelfEvaluation>(black_box(request)).unwrap());
            }
        });
        let floor = fastest(&|i| {
            for request in &requests[i * per_unit..(i + 1) * per_unit] {
                black_box(serde_json::from_slice::<IgnoredAny>(black_box(request)).unwrap());
            }
        });
        println!(
            "| {kind} ({n} units) | {} | {} | {} | {} |",
            requests.iter().map(Vec::len).sum::<usize>() / n,
            micros(write),
            micros(owned),
            micros(floor)
        );
    }
}

fn micros(d: Duration) -> String {
    format!("{}.{:01}", d.as_micros(), d.as_nanos() % 1000 / 100)
}
