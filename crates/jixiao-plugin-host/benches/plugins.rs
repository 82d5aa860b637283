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
//! the fastest run is the least disturbed one. Figures in docs/performance.md.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jixiao_model::{CheckedUnit, SelfEvaluation};
use jixiao_plugin_host::{LoadOptions, Plugins};
use jixiao_rules::RuleSet;

fn time(units: &[CheckedUnit], rounds: u32, f: impl Fn(&CheckedUnit)) -> Duration {
    let start = Instant::now();
    for _ in 0..rounds {
        for unit in units {
            f(black_box(unit));
        }
    }
    start.elapsed() / (rounds * u32::try_from(units.len()).unwrap())
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
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
        let extensions: [&(dyn jixiao_engine::RuleExtension + Sync); 1] = [&plugins];
        let with_plugins = jixiao_engine::Options {
            extensions: &extensions,
            ..Default::default()
        };
        let dir = root.join("tests/fixtures/units").join(kind);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let units: Vec<CheckedUnit> = files
            .iter()
            .map(|f| SelfEvaluation::load(f).unwrap())
            .collect();
        let alone = |u: &CheckedUnit| {
            black_box(jixiao_engine::score_with(u, &rules, &Default::default()).unwrap());
        };
        let with = |u: &CheckedUnit| {
            black_box(jixiao_engine::score_with(u, &rules, &with_plugins).unwrap());
        };
        // Warm up both paths.
        time(&units, rounds / 10 + 1, alone);
        time(&units, rounds / 10 + 1, with);
        let (mut a, mut w) = (Duration::MAX, Duration::MAX);
        for _ in 0..repeats.max(1) {
            a = a.min(time(&units, rounds, alone));
            w = w.min(time(&units, rounds, with));
        }
        let percent = w.as_nanos() * 100 / a.as_nanos().max(1);
        println!(
            "| {rules_file} | {} | {}.{:01} | {}.{:01} | {}.{:02}× |",
            units.len(),
            a.as_micros(),
            a.as_nanos() % 1000 / 100,
            w.as_micros(),
            w.as_nanos() % 1000 / 100,
            percent / 100,
            percent % 100
        );
    }
}
