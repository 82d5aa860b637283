//! The examples under each command's `--help`: real commands, run from the repository's root on
//! its bundled sample (`tests/it/usage.rs` runs the ones that need no plugin build).

/// Under `jixiao --help`.
pub const TOP: &str = "\
Examples (from the repository's root):
  jixiao score --rules configs/hunan-department.toml tests/fixtures/units/department/lusong-kexie-2024.toml
  jixiao validate tests/fixtures/units
  jixiao check configs/hunan-department.toml

A path of - is standard input for units and standard output for what is written.
-q: errors only; -v: also each file skipped. --color auto|always|never (NO_COLOR honoured).";

pub const SCORE: &str = "\
Examples:
  jixiao score --rules configs/hunan-department.toml tests/fixtures/units/department/lusong-kexie-2024.toml
  jixiao score --rules configs/national-project.toml tests/fixtures/units/project -f jsonl
  jixiao score --rules configs/national-project.toml tests/fixtures/units/project --out results
  jixiao generate -n 100 --kind department --jsonl - | jixiao score --rules configs/hunan-department.toml - -f json
  cargo build && jixiao score --rules configs/hunan-department-plugins.toml --allow-unpinned tests/fixtures/units/department/lusong-kexie-2024.toml

--out DIR: a new folder, an empty one, or one jixiao wrote before (replaced whole once the run is
done); a folder holding other files, or inside an input folder, is refused.";

pub const CHECK: &str = "\
Examples:
  jixiao check configs/hunan-department.toml configs/national-project.toml
  jixiao check --explain configs/hunan-department-district.toml
  cargo build && jixiao check configs/hunan-department-plugins.toml --allow-unpinned";

pub const PLUGIN: &str = "\
Examples:
  cargo build && jixiao plugin target/debug/libjixiao_plugin_spending.so
  cargo build && jixiao plugin pin configs/hunan-department-plugins.toml";

pub const PLUGIN_PIN: &str = "\
Examples:
  cargo build && jixiao plugin pin configs/hunan-department-plugins.toml
  jixiao plugin pin my-rules.toml --plugin-dir target/release";

pub const INGEST: &str = "\
Examples:
  jixiao ingest tests/fixtures/reports/lusong-kexie-2024.txt
  jixiao ingest tests/fixtures/reports/lusong-kexie-2024.txt --out draft.toml";

pub const VALIDATE: &str = "\
Examples:
  jixiao validate tests/fixtures/units
  jixiao validate - < tests/fixtures/units/department/lusong-kexie-2024.toml";

pub const GENERATE: &str = "\
Examples:
  jixiao generate -n 1000 --jsonl units.jsonl
  jixiao generate -n 3 --kind project --jsonl -";

pub const FORM: &str = "\
Examples:
  jixiao form --rules configs/hunan-department.toml --out 自评表.xlsx";

pub const CONVERT: &str = "\
Examples:
  jixiao convert tests/fixtures/units/project --to jsonl --out -
  jixiao convert tests/fixtures/reports/lusong-kexie-2024.txt --to toml --out lusong.toml";

pub const COMPLETIONS: &str = "\
Examples:
  jixiao completions bash > ~/.local/share/bash-completion/completions/jixiao
  jixiao completions zsh > ~/.zfunc/_jixiao
  jixiao completions fish > ~/.config/fish/completions/jixiao.fish";

pub const MAN: &str = "\
Examples:
  jixiao man | man -l -
  jixiao man --out /usr/local/share/man/man1";

pub const REVIEW: &str = "\
Examples (after `jixiao score ... --out results`):
  jixiao review sample --round results --share 0.2 --seed 2025 --hard-findings --gap-above 5 --out 抽查名单.csv
  jixiao review workbook --rules configs/hunan-department.toml --round results --sample 抽查名单.csv --by-supervisor --out 复核底稿
  jixiao score --rules configs/hunan-department.toml round-2024 --review 复核底稿/*.xlsx --out final";

pub const COMPARE: &str = "\
Examples:
  jixiao compare --rules configs/hunan-department.toml --rules my-district.toml last-year/
  jixiao generate -n 10000 --kind department --jsonl units.jsonl
  jixiao compare --rules configs/hunan-department.toml --rules my-district.toml units.jsonl --out compare/";

pub const TEST: &str = "\
Examples:
  jixiao test configs/cases/hunan-department configs/cases/national-project
  cargo build && jixiao test configs/cases --allow-unpinned

Exit status: 0 when every case passes, 1 when one fails, 2 when one cannot be run.";

pub const SNAPSHOT: &str = "\
Examples:
  jixiao snapshot --rules configs/hunan-department.toml tests/fixtures/units/department --dir snapshots/hunan
  jixiao snapshot --rules configs/hunan-department.toml tests/fixtures/units/department --dir snapshots/hunan --accept

Exit status: 0 when nothing changed (or with --accept, once recorded), 1 when a unit's scorecard
changed or has no snapshot yet, 2 when a unit cannot be scored.";

pub const RUNS: &str = "\
Examples:
  jixiao score --rules configs/hunan-department.toml tests/fixtures/units/department --db 成绩库.db
  jixiao runs --db 成绩库.db
  jixiao runs --db 成绩库.db --format json";

pub const HISTORY: &str = "\
Examples:
  jixiao history 株洲市芦淞区科学技术协会 --db 成绩库.db
  jixiao history 株洲市芦淞区科学技术协会 --db 成绩库.db --all

Exit status: 0 when the unit has records, 1 when nothing is found.";

pub const VERIFY: &str = "\
Examples:
  jixiao verify --db 成绩库.db --run 1

Exit status: 0 when every unit reproduces, 1 when a unit's score differs today.";

pub const EXPORT: &str = "\
Examples:
  jixiao export --db 成绩库.db --run 1 --out run-1
  jixiao export --db 成绩库.db --run 1 --out run-1 --scorecards";

pub const IMPORT: &str = "\
Examples:
  jixiao import --db 成绩库.db results-2023
  jixiao import --db 成绩库.db results-2023 --rules configs/hunan-department.toml --units round-2023";
