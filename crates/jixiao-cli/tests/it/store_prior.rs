//! `score --db`: last year's figures from the results store (issue 16, item 3). A population is
//! scored for 2023 into a store; the 2024 units with their 上年三公经费 (and its parts) removed
//! score, with the store, exactly as the complete units do without one, each figure taken saying
//! it came from the store (year 2023, run 1); without the store they score lower.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::common::{HUNAN, generate, jixiao};

/// The 三公经费变动率 leaf of configs/hunan-department.toml.
const CHANGE: &str = "input.cost.three_public_change";

/// How many units: enough for every kind the generator makes, a few seconds to score.
const UNITS: u32 = 300;

fn dec(value: &Value) -> Decimal {
    value
        .as_str()
        .expect("an amount is a string")
        .parse()
        .unwrap()
}

fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn write_lines(path: &Path, units: &[Value]) -> PathBuf {
    let text: String = units.iter().map(|u| format!("{u}\n")).collect();
    std::fs::write(path, text).unwrap();
    path.to_path_buf()
}

/// The population, three ways: the complete 2024 units, their 2023 records (same codes and
/// names, whose 三公经费 and parts are the 2024 units' 上年 figures), and the 2024 units with the
/// 上年 figures removed.
struct Population {
    complete: PathBuf,
    last_year: PathBuf,
    stripped: PathBuf,
    /// Each 2024 unit's 上年 figures: (field, value).
    removed: Vec<Vec<(String, Decimal)>>,
}

fn population(dir: &Path) -> Population {
    let mut units = read_lines(&generate(dir, UNITS));
    assert_eq!(units.len(), UNITS as usize);
    for (i, unit) in units.iter_mut().enumerate() {
        let base = &mut unit["base"];
        assert!(
            base.get("three_public_last_year").is_some(),
            "every generated unit gives 上年三公经费"
        );
        if i == 0 {
            // The unit checked by hand below: 三公经费 35.00 against 33.00 the year before.
            base["three_public"] = json!("35.00");
            base["three_public_last_year"] = json!("33.00");
        }
        // Every third unit splits its 上年三公经费: 公务用车 = all but 1.00, 公务接待 1.00.
        let last = dec(&base["three_public_last_year"]);
        if i % 3 == 0 && last > Decimal::ONE {
            base["three_public_last_year_parts"] = json!({
                "cars": (last - Decimal::ONE).to_string(),
                "receptions": "1.00",
            });
        }
    }
    let mut last_year = Vec::new();
    let mut stripped = Vec::new();
    let mut removed = Vec::new();
    for unit in &units {
        let base = &unit["base"];
        let mut record = unit.clone();
        record["unit"]["year"] = json!(2023);
        let mut record_base = json!({ "three_public": base["three_public_last_year"] });
        let mut figures = vec![(
            "base.three_public_last_year".to_owned(),
            dec(&base["three_public_last_year"]),
        )];
        if let Some(parts) = base.get("three_public_last_year_parts") {
            record_base["three_public_parts"] = parts.clone();
            for key in ["cars", "receptions"] {
                figures.push((
                    format!("base.three_public_last_year_parts.{key}"),
                    dec(&parts[key]),
                ));
            }
        }
        record["base"] = record_base;
        last_year.push(record);
        let mut stripped_unit = unit.clone();
        let stripped_base = stripped_unit["base"].as_object_mut().unwrap();
        stripped_base.remove("three_public_last_year");
        stripped_base.remove("three_public_last_year_parts");
        stripped.push(stripped_unit);
        removed.push(figures);
    }
    Population {
        complete: write_lines(&dir.join("complete-2024.jsonl"), &units),
        last_year: write_lines(&dir.join("units-2023.jsonl"), &last_year),
        stripped: write_lines(&dir.join("stripped-2024.jsonl"), &stripped),
        removed,
    }
}

/// The scorecards of `units` (JSON, one a line), with `--db store` when given.
fn score(units: &Path, store: Option<&Path>) -> Vec<Value> {
    let mut cmd = jixiao();
    cmd.args(["score", "-q", "--rules", HUNAN, "-f", "jsonl"])
        .arg(units);
    if let Some(store) = store {
        cmd.arg("--db").arg(store);
    }
    let output = cmd.output().unwrap();
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// Every indicator's exact score, by id, depth first.
fn scores(card: &Value) -> Vec<(String, String)> {
    fn walk(node: &Value, out: &mut Vec<(String, String)>) {
        out.push((
            node["id"].as_str().unwrap().to_owned(),
            node["score_exact"].as_str().unwrap().to_owned(),
        ));
        for child in node["children"].as_array().into_iter().flatten() {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    for node in card["indicators"].as_array().unwrap() {
        walk(node, &mut out);
    }
    out
}

fn leaf<'a>(card: &'a Value, id: &str) -> &'a Value {
    fn find<'a>(nodes: &'a Value, id: &str) -> Option<&'a Value> {
        nodes.as_array()?.iter().find_map(|n| {
            if n["id"] == id {
                Some(n)
            } else {
                find(&n["children"], id)
            }
        })
    }
    find(&card["indicators"], id).expect("the leaf")
}

#[test]
fn the_units_without_last_years_figures_score_as_the_complete_ones_with_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let units = population(dir.path());
    let store = dir.path().join("results.db");

    let cards_2023 = score(&units.last_year, Some(&store));
    assert_eq!(cards_2023.len(), UNITS as usize);
    assert!(cards_2023.iter().all(|c| c["unit"]["year"] == 2023));

    let complete = score(&units.complete, None);
    let stripped = score(&units.stripped, Some(&store));
    assert_eq!(complete.len(), UNITS as usize);
    assert_eq!(stripped.len(), UNITS as usize);
    let mut parts = 0;
    for ((full, filled), removed) in complete.iter().zip(&stripped).zip(&units.removed) {
        let name = &full["unit"]["name"];
        assert_eq!(filled["unit"]["name"], *name);
        assert_eq!(filled["total_exact"], full["total_exact"], "{name}");
        assert_eq!(filled["total"], full["total"], "{name}");
        assert_eq!(filled["grade"], full["grade"], "{name}");
        assert_eq!(scores(filled), scores(full), "{name}");
        // Each figure removed is one taken from the store: its field, the value the complete
        // unit gave, the record of 2023, the first run (the 2023 run; this one is the second).
        let taken: Vec<(String, Decimal)> = filled["history"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no history"))
            .iter()
            .map(|h| {
                assert_eq!(h["year"], 2023, "{name}");
                assert_eq!(h["run"], 1, "{name}");
                assert_eq!(h["measure"], "万元", "{name}");
                (h["field"].as_str().unwrap().to_owned(), dec(&h["value"]))
            })
            .collect();
        assert_eq!(taken, *removed, "{name}");
        parts += usize::from(removed.len() > 1);
        // A soft finding per figure taken; the complete unit has none.
        let notes = filled["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "history")
            .inspect(|f| assert_eq!(f["severity"], "soft"))
            .count();
        assert_eq!(notes, removed.len(), "{name}");
        assert!(full.get("history").is_none());
    }
    assert!(parts >= UNITS as usize / 3 - 5, "{parts} units with parts");

    // By hand, the first unit: 三公经费 35.00, 上年 33.00 (taken from the store):
    // (35.00 − 33.00) / 33.00 = 0.0606…, 6.0606… points above the limit 0 (per 0.01);
    // 8 − 0.8 × 6.0606… = 8 − 4.8484… = 3.1515… → 3.15.
    let first = leaf(&stripped[0], CHANGE);
    assert_eq!(first["points"], "8.00");
    assert_eq!(first["score"], "3.15");
    assert!(
        first["score_exact"]
            .as_str()
            .unwrap()
            .starts_with("3.151515151515"),
        "{first}"
    );
    assert_eq!(
        stripped[0]["history"][0]["value"], "33.00",
        "{}",
        stripped[0]["history"]
    );
    let message = stripped[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "history")
        .unwrap()["message"]
        .clone();
    assert_eq!(
        message,
        "上年三公经费: 单位未填报, 采用成绩库 2023 年度 (第 1 次评分) 的 33.00 万元"
    );
}

#[test]
fn without_the_store_the_units_without_last_years_figures_score_lower() {
    let dir = tempfile::tempdir().unwrap();
    let units = population(dir.path());
    let complete = score(&units.complete, None);
    let stripped = score(&units.stripped, None);
    let mut lower = 0;
    for (full, bare) in complete.iter().zip(&stripped) {
        let (full_score, bare_score) = (
            dec(&leaf(full, CHANGE)["score_exact"]),
            dec(&leaf(bare, CHANGE)["score_exact"]),
        );
        // Without 上年三公经费 the change rate has no value: 0 points.
        assert_eq!(bare_score, Decimal::ZERO, "{}", full["unit"]["name"]);
        assert!(bare.get("history").is_none());
        if full_score > Decimal::ZERO {
            lower += 1;
            assert!(dec(&bare["total_exact"]) < dec(&full["total_exact"]));
        }
    }
    // The first unit alone scores 3.15 with the figure (above); most units more.
    assert!(
        lower > UNITS as usize / 2,
        "{lower} of {UNITS} scored lower"
    );
}

#[test]
fn a_last_years_figure_the_unit_gave_stands_and_a_difference_from_the_store_is_a_hard_finding() {
    let dir = tempfile::tempdir().unwrap();
    let units = population(dir.path());
    let store = dir.path().join("results.db");
    score(&units.last_year, Some(&store));
    // The first unit says 上年三公经费 37.00 where its 2023 record says 33.00; the second says
    // its own figure again, 0.004 from the record's (within the default tolerance 0.005).
    let mut complete = read_lines(&units.complete);
    complete.truncate(2);
    complete[0]["base"]["three_public_last_year"] = json!("37.00");
    let second = dec(&complete[1]["base"]["three_public_last_year"]);
    complete[1]["base"]["three_public_last_year"] =
        json!((second + Decimal::new(4, 3)).to_string());
    complete[1]["base"]
        .as_object_mut()
        .unwrap()
        .remove("three_public_last_year_parts");
    let path = write_lines(&dir.path().join("given-2024.jsonl"), &complete);
    let cards = score(&path, Some(&store));

    let history = |card: &Value| -> Vec<Value> {
        card["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "history")
            .cloned()
            .collect()
    };
    // The unit's 37.00 scores: (35.00 − 37.00) / 37.00 < 0 → full 8 points.
    assert_eq!(leaf(&cards[0], CHANGE)["score"], "8.00");
    assert!(cards[0].get("history").is_none());
    let found = history(&cards[0]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["severity"], "hard");
    assert_eq!(
        found[0]["message"],
        "上年三公经费: 单位填报 37.00 万元, 成绩库 2023 年度 (第 1 次评分) 为 33.00 万元, 相差 4.00 万元"
    );
    // Within the tolerance: nothing found; the second unit gave no parts and its record none.
    assert!(history(&cards[1]).is_empty(), "{:?}", history(&cards[1]));
    assert!(cards[1].get("history").is_none());
}
