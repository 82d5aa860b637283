//! `jixiao import --db FILE DIR... [--rules FILE] [--units DIR...]`: earlier years loaded into
//! the results store from the output folders of runs made without one (what `score --out`
//! wrote: `round.jsonl`, read back as `--previous` reads it, and `scorecards/*.json`), as one run
//! of kind `import`, in one transaction.
//!
//! Each scored unit is recorded with its scorecard (totals, grades, the review where there was
//! one) and its base data (上年三公经费, 结转结余…, what next year's run takes last year's figures
//! from), rebuilt from the figures `round.jsonl` keeps where they map back exactly onto the
//! unit's base data. The unit itself is recorded only where its file is given (`--units`), as
//! filed. The rule set's id, name and version come from the scorecards; its text is known only
//! with `--rules`, whose id and version must be the scorecards'.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use jixiao_engine::Scorecard;
use jixiao_model::{BaseData, SelfEvaluation};
use jixiao_store::{FaultSwitch, NewRun, RunEnd, RunKind, Status, UnitKeys, UnitRecord};

use crate::resubmit::{Previous, RECORD, Record};
use crate::store::StoreArgs;
use crate::term::{info, note};

/// `jixiao import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The results store to load them into (created when absent; default: $JIXIAO_DB).
    #[arg(long, value_name = "FILE", env = "JIXIAO_DB")]
    db: Option<PathBuf>,
    /// How long to wait, in seconds, for another run writing the same store before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    db_wait: u64,
    /// Output folders of earlier runs (`jixiao score --out`, with their scorecards).
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// The rule set the runs were scored by: its text is recorded (so `verify` can score the
    /// import again); its id and version must be those of the scorecards.
    #[arg(long, short, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// The unit files of those runs (files or folders, as `score` takes them): each unit matched
    /// to its scorecard is recorded as filed.
    #[arg(long, value_name = "DIR")]
    units: Vec<PathBuf>,
}

/// A unit of an output folder, read back.
struct Imported {
    record: Record,
    card: Option<Scorecard>,
}

/// The output folder's units, refusing a folder that is not one, naming what is missing.
fn read_folder(dir: &Path) -> Result<Vec<Imported>> {
    if !dir.is_dir() {
        bail!(
            "{} is not a folder: give the output folder of a run (`jixiao score --out`)",
            dir.display()
        );
    }
    if !dir.join(RECORD).is_file() {
        bail!(
            "{} is not a jixiao output folder: it has no {RECORD} (the record of the round that \
             `jixiao score --out` writes)",
            dir.display()
        );
    }
    let round = Previous::load(dir)?;
    let cards = dir.join("scorecards");
    let mut out = Vec::new();
    for record in round.records {
        let card = if matches!(record.outcome.as_str(), "scored" | "carried") {
            let Some(name) = &record.scorecard else {
                bail!(
                    "{}: {} has no scorecard (the run was made with --no-scorecards): only a run \
                     with its scorecards can be imported",
                    dir.display(),
                    record.source
                );
            };
            let path = cards.join(format!("{name}.json"));
            if !path.is_file() {
                bail!(
                    "{} is not a complete jixiao output folder: its scorecard {} is missing",
                    dir.display(),
                    path.display()
                );
            }
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let card: Scorecard = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a scorecard", path.display()))?;
            Some(card)
        } else {
            None
        };
        out.push(Imported { record, card });
    }
    Ok(out)
}

/// Figures as flattened by `jixiao_model::figures`: each leaf of the JSON by its path.
fn flatten(path: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                flatten(&format!("{path}.{key}"), v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{path}[{i}]"), v, out);
            }
        }
        serde_json::Value::String(s) => {
            out.insert(path.to_owned(), s.clone());
        }
        serde_json::Value::Null => {}
        other => {
            out.insert(path.to_owned(), other.to_string());
        }
    }
}

/// The unit's base data from the figures its round recorded (`base.…`), where they map back
/// exactly: rebuilt, then flattened again, it gives the same figures. `None` otherwise (or when
/// the round kept no figures).
pub fn base_of(figures: &BTreeMap<String, String>) -> Option<BaseData> {
    let base: BTreeMap<&str, &String> = figures
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("base.").map(|k| (k, v)))
        .collect();
    if figures.is_empty() {
        return None;
    }
    let mut object = serde_json::Map::new();
    for (path, value) in &base {
        if path.contains('[') {
            return None;
        }
        let mut node = &mut object;
        let parts: Vec<&str> = path.split('.').collect();
        for part in &parts[..parts.len() - 1] {
            let next = node
                .entry((*part).to_owned())
                .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
            node = next.as_object_mut()?;
        }
        let value = match value.as_str() {
            "true" => serde_json::Value::Bool(true),
            "false" => serde_json::Value::Bool(false),
            text => serde_json::Value::String(text.to_owned()),
        };
        node.insert(parts[parts.len() - 1].to_owned(), value);
    }
    let data: BaseData = serde_json::from_value(serde_json::Value::Object(object)).ok()?;
    let mut again = BTreeMap::new();
    flatten("base", &serde_json::to_value(&data).ok()?, &mut again);
    let wanted: BTreeMap<String, String> = base
        .iter()
        .map(|(k, v)| (format!("base.{k}"), (*v).clone()))
        .collect();
    (again == wanted).then_some(data)
}

/// The unit files given with `--units`, by source and by who they are.
struct Units {
    by_source: HashMap<String, usize>,
    by_keys: HashMap<(UnitKeys, u16), usize>,
    units: Vec<SelfEvaluation>,
}

impl Units {
    fn load(paths: &[PathBuf]) -> Result<Units> {
        let mut units = Units {
            by_source: HashMap::new(),
            by_keys: HashMap::new(),
            units: Vec::new(),
        };
        if paths.is_empty() {
            return Ok(units);
        }
        let vocabulary = jixiao_ingest::Vocabulary::builtin();
        let found = crate::inputs::discover(paths)?;
        for job in crate::inputs::jobs(&found)? {
            let job = job.map_err(|(source, e)| anyhow::anyhow!("{source}: {e}"))?;
            let loaded = job
                .load(vocabulary)
                .map_err(|failed| anyhow::anyhow!("--units: {failed}"))?;
            let unit = loaded.unit.into_inner();
            let i = units.units.len();
            units.by_source.entry(job.source()).or_insert(i);
            units
                .by_keys
                .entry((UnitKeys::of(&unit.unit), unit.unit.year))
                .or_insert(i);
            units.units.push(unit);
        }
        Ok(units)
    }

    fn find(&self, source: &str, identity: &jixiao_model::UnitIdentity) -> Option<&SelfEvaluation> {
        self.by_source
            .get(source)
            .or_else(|| self.by_keys.get(&(UnitKeys::of(identity), identity.year)))
            .map(|&i| &self.units[i])
    }
}

/// The files a folder's manifest lists besides the scorecards: what `export` writes again.
fn kept_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let manifest = dir.join(crate::inputs::OUTPUT_MARKER);
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for name in text.lines().skip(1).filter(|l| !l.is_empty()) {
        if name.starts_with("scorecards/") {
            continue;
        }
        let path = dir.join(name);
        if let Ok(bytes) = std::fs::read(&path) {
            files.push((name.to_owned(), bytes));
        }
    }
    Ok(files)
}

pub fn run(args: &ImportArgs) -> Result<ExitCode> {
    // Every folder read and checked before the store is touched.
    let mut folders = Vec::new();
    for dir in &args.dirs {
        folders.push((dir, read_folder(dir)?));
    }
    let cards = || {
        folders
            .iter()
            .flat_map(|(dir, units)| units.iter().map(move |u| (*dir, u)))
            .filter_map(|(dir, u)| u.card.as_ref().map(|c| (dir, &u.record, c)))
    };
    let Some((_, _, first)) = cards().next() else {
        bail!("no scored units in {}", crate::paths_list(&args.dirs));
    };
    let rule_set = first.rule_set.clone();
    if let Some((dir, record, card)) = cards()
        .find(|(_, _, c)| c.rule_set.id != rule_set.id || c.rule_set.version != rule_set.version)
    {
        bail!(
            "{}: {} was scored under {} v{}, the other units under {} v{}: import the folders of \
             each rule set apart",
            dir.display(),
            record.source,
            card.rule_set.id,
            card.rule_set.version,
            rule_set.id,
            rule_set.version
        );
    }
    let rule_sets = match &args.rules {
        Some(path) => {
            let (rules, _) = jixiao_rules::RuleSet::load(path)
                .with_context(|| format!("cannot load the rule set {}", path.display()))?;
            if rules.id != rule_set.id || rules.version != rule_set.version {
                bail!(
                    "--rules {} is {} v{}, but the scorecards were scored under {} v{}",
                    path.display(),
                    rules.id,
                    rules.version,
                    rule_set.id,
                    rule_set.version
                );
            }
            crate::store::rule_set_texts(path)?
        }
        None => Vec::new(),
    };
    let units = Units::load(&args.units)?;
    let mut inputs = Vec::new();
    for dir in &args.dirs {
        let record = dir.join(RECORD);
        inputs.push((dir.display().to_string(), None));
        inputs.push((
            record.display().to_string(),
            Some(
                jixiao_plugin_host::sha256_file(&record)
                    .with_context(|| format!("cannot read {}", record.display()))?,
            ),
        ));
    }
    // The folder's files, for `export`, where one folder is imported.
    let files = match args.dirs.as_slice() {
        [dir] => kept_files(dir)?,
        _ => Vec::new(),
    };
    let run = NewRun {
        kind: RunKind::Import,
        started_at: jixiao_store::now(),
        jixiao_version: env!("CARGO_PKG_VERSION").to_owned(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        rule_set_id: rule_set.id.clone(),
        rule_set_name: rule_set.name.clone(),
        rule_set_version: rule_set.version.clone(),
        rule_sets,
        plugins: Vec::new(),
        inputs,
        out_dir: match args.dirs.as_slice() {
            [dir] => Some(dir.display().to_string()),
            _ => None,
        },
    };
    let store_args = StoreArgs {
        db: args.db.clone(),
        db_wait: args.db_wait,
    };
    let store = store_args.open(true)?.ok_or_else(|| {
        anyhow::anyhow!("no results store given: name it with --db FILE (or set JIXIAO_DB)")
    })?;
    let mut writer = store.begin_run(&run, FaultSwitch::from_env())?;
    let mut end = RunEnd::default();
    let (mut with_base, mut with_unit) = (0u64, 0u64);
    for (dir, imported) in &folders {
        for Imported { record, card } in imported {
            let stored = match (card, &record.unit) {
                (Some(card), Some(identity)) => {
                    end.scored += 1;
                    let base = base_of(&record.figures);
                    with_base += u64::from(base.is_some());
                    let unit = units.find(&record.source, identity);
                    with_unit += u64::from(unit.is_some());
                    UnitRecord::imported(
                        record.source.clone(),
                        record.sha256.clone(),
                        identity,
                        base.as_ref().or(unit.map(|u| &u.base)),
                        unit,
                        card,
                    )
                    .with_context(|| format!("{}: {}", dir.display(), record.source))?
                }
                (Some(_), None) => bail!(
                    "{}: {}: its record in {RECORD} does not say who filed it",
                    dir.display(),
                    record.source
                ),
                (None, _) => {
                    let status = if record.outcome == "duplicate" {
                        end.duplicates += 1;
                        Status::Duplicate
                    } else {
                        end.failed += 1;
                        Status::Failed
                    };
                    UnitRecord::not_scored(
                        record.source.clone(),
                        None,
                        record.sha256.clone(),
                        record.unit.as_ref(),
                        status,
                        format!("导入: {}", record.outcome),
                    )
                }
            };
            writer.record(&stored)?;
        }
    }
    for (name, bytes) in &files {
        writer.add_file(name, bytes)?;
    }
    let (_, number) = writer.commit(end)?;
    info!(
        "imported {} scored unit(s) of {} v{} from {} as run {number} in the results store {}",
        end.scored,
        rule_set.id,
        rule_set.version,
        crate::paths_list(&args.dirs),
        args.db.as_deref().unwrap_or(Path::new("")).display()
    );
    if with_base < end.scored {
        note!(
            "{} unit(s) without last year's figures (base data): their round kept no figures; \
             give their unit files with --units",
            end.scored - with_base
        );
    }
    if !args.units.is_empty() && with_unit < end.scored {
        note!(
            "{} unit(s) not found among --units: recorded without the unit",
            end.scored - with_unit
        );
    }
    if args.rules.is_none() {
        note!(
            "the rule set's text is not recorded (give --rules FILE): `jixiao verify` cannot score \
             this import again"
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::base_of;
    use rust_decimal_macros::dec;
    use std::collections::BTreeMap;

    fn figures(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn base_data_is_rebuilt_from_the_figures_only_where_it_maps_back_exactly() {
        let base = base_of(&figures(&[
            ("budget.spent", "85.33"),
            ("base.three_public_last_year", "1.5"),
            ("base.three_public_parts.cars", "0.8"),
        ]))
        .unwrap();
        assert_eq!(base.three_public_last_year, Some(dec!(1.5)));
        assert_eq!(base.three_public_parts.unwrap().cars, Some(dec!(0.8)));
        // No base figures at all: the unit gave none (not unknown).
        assert_eq!(
            base_of(&figures(&[("budget.spent", "1")])),
            Some(Default::default())
        );
        // A round that kept no figures: unknown.
        assert_eq!(base_of(&BTreeMap::new()), None);
        // A field base data does not have, or a value that is not one: no exact mapping.
        assert_eq!(base_of(&figures(&[("base.unknown", "1")])), None);
        assert_eq!(base_of(&figures(&[("base.three_public", "abc")])), None);
        // Written otherwise than base data writes it back (1.50 reads as 1.50, kept): exact.
        assert!(base_of(&figures(&[("base.three_public", "1.50")])).is_some());
    }
}
