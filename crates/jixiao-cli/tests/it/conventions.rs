//! The command line's conventions (issue 12): `-` for standard input and output, `-f json` as one
//! array and `-f jsonl` as one scorecard a line, `-q` / `-v`, `--color` and `NO_COLOR`, the
//! terminal table's width, completions and the manual, the examples under `--help`; control
//! characters from inputs shown escaped; a JSON line that is not one unit object.

use predicates::prelude::*;
use predicates::str::contains;

use crate::common::{HUNAN, SAMPLE, generate, jixiao, root, sample_with};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Whether `text` holds a character a terminal or a browser would act on (an escape, NUL, a C1
/// control, a bidirectional override).
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}')
        .collect()
}

/// A unit named with ESC[31m, NUL and a right-to-left override, and a file whose name starts an
/// escape sequence: on the terminal (validate, score, errors) and in the HTML and Markdown they
/// are shown as `\u{1b}`, never written raw (issue 12).
#[test]
fn control_characters_from_inputs_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let unit = sample_with(
        dir.path(),
        "unit.toml",
        "name = \"株洲市芦淞区科学技术协会\"",
        r#"name = "\u001B[31m科协\u0000\u202Eevil""#,
    );
    let bad = dir.path().join("bad\u{1b}[2J.toml");
    std::fs::write(&bad, "[unit\n").unwrap();
    let shown = r"\u{1b}[31m科协\u{0}\u{202e}evil";
    let validate = jixiao()
        .arg("validate")
        .arg(&unit)
        .arg(&bad)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let score = jixiao()
        .args(["score", "--rules", HUNAN])
        .arg(&unit)
        .assert()
        .code(0)
        .get_output()
        .clone();
    let out = dir.path().join("out");
    jixiao()
        .args(["score", "--rules", HUNAN, "--out"])
        .arg(&out)
        .arg(&unit)
        .arg(&bad)
        .assert()
        .code(1);
    let texts = [
        ("validate stdout", stdout(&validate)),
        (
            "validate stderr",
            String::from_utf8(validate.stderr.clone()).unwrap(),
        ),
        ("score stdout", stdout(&score)),
        (
            "index.html",
            std::fs::read_to_string(out.join("index.html")).unwrap(),
        ),
        (
            "scorecard html",
            std::fs::read_to_string(out.join("scorecards/unit.html")).unwrap(),
        ),
        (
            "scorecard md",
            std::fs::read_to_string(out.join("scorecards/unit.md")).unwrap(),
        ),
        (
            "summary.md",
            std::fs::read_to_string(out.join("summary.md")).unwrap(),
        ),
    ];
    for (what, text) in &texts {
        assert_eq!(raw_controls(text), [], "{what}: {text}");
    }
    assert!(texts[0].1.contains(shown), "{}", texts[0].1);
    assert!(texts[1].1.contains(r"bad\u{1b}[2J.toml"), "{}", texts[1].1);
    for (what, text) in &texts[2..] {
        assert!(text.contains(shown), "{what}: {text}");
    }
    // The JSON scorecard carries the same text, as JSON escapes.
    let json = std::fs::read_to_string(out.join("scorecards/unit.json")).unwrap();
    assert_eq!(raw_controls(&json), [], "{json}");
    assert!(json.contains(r"\u001b[31m科协\u0000\u202eevil"), "{json}");
}

/// A line of a JSON Lines file that is an array, a string or a number is said to be no unit
/// object, with its line; the lines around it are scored (issue 12).
#[test]
fn a_json_line_that_is_not_an_object_says_a_line_is_one_unit() {
    let dir = tempfile::tempdir().unwrap();
    let units = generate(dir.path(), 2);
    let text = std::fs::read_to_string(&units).unwrap();
    let (first, second) = text.split_once('\n').unwrap();
    let mixed = dir.path().join("mixed.jsonl");
    std::fs::write(
        &mixed,
        format!("{first}\n[{first}]\n\"unit\"\n42\n{second}"),
    )
    .unwrap();
    let output = jixiao()
        .args(["score", "--rules", HUNAN, "-f", "json"])
        .arg(&mixed)
        .assert()
        .code(1)
        .stderr(contains(
            "mixed.jsonl:2: a line of a JSON Lines file must be one unit, a JSON object {\"unit\": …}; found an array",
        ))
        .stderr(contains("mixed.jsonl:3: a line of a JSON Lines file must be one unit").and(contains("found a string")))
        .stderr(contains("mixed.jsonl:4:").and(contains("found a number")))
        .stderr(contains("3 of 5 units could not be scored"))
        .get_output()
        .clone();
    let cards: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(cards.len(), 2);
}

/// `-` is standard input for units (a unit file, or JSON Lines, told by the first character) and
/// standard output for what `generate` and `convert` write.
#[test]
fn a_dash_is_standard_input_for_units_and_standard_output_for_files() {
    let sample = std::fs::read(root().join(SAMPLE)).unwrap();
    let output = jixiao()
        .args(["score", "--rules", HUNAN, "-", "-f", "json"])
        .write_stdin(sample.clone())
        .assert()
        .code(0)
        .get_output()
        .clone();
    let [card]: [serde_json::Value; 1] = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(card["total"], "68.28");
    let jsonl = jixiao()
        .args([
            "generate",
            "-n",
            "3",
            "--kind",
            "department",
            "--jsonl",
            "-",
        ])
        .assert()
        .code(0)
        .stderr("")
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8_lossy(&jsonl).lines().count(), 3);
    jixiao()
        .args(["validate", "-"])
        .write_stdin(jsonl)
        .assert()
        .code(0)
        .stdout(contains("ok: stdin:3 ("))
        .stderr(contains("3 valid, 0 invalid"));
    let toml = jixiao()
        .args(["convert", "-", "--to", "toml", "--out", "-"])
        .write_stdin(sample)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&toml).contains("name = \"株洲市芦淞区科学技术协会\""));
    jixiao()
        .args([
            "convert",
            "tests/fixtures/units/project",
            "--to",
            "jsonl",
            "--out",
            "-",
        ])
        .assert()
        .code(0)
        .stdout(predicate::function(|s: &str| s.lines().count() == 2));
}

/// `-f json` over several units is one JSON array; `-f jsonl` one scorecard a line.
#[test]
fn json_is_one_array_and_jsonl_one_scorecard_a_line() {
    let units = "tests/fixtures/units/project";
    let rules = "configs/national-project.toml";
    let json = jixiao()
        .args(["score", "--rules", rules, units, "-f", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let cards: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
    let totals: Vec<&str> = cards.iter().map(|c| c["total"].as_str().unwrap()).collect();
    assert_eq!(totals, ["95.70", "83.46"]);
    let jsonl = jixiao()
        .args(["score", "--rules", rules, units, "-f", "jsonl"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> = String::from_utf8(jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, cards, "the same scorecards, one a line");
    // No unit: an empty array, still JSON.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), "x = 1\n").unwrap();
    jixiao()
        .args(["score", "--rules", rules, "-f", "json"])
        .arg(dir.path().join("bad.toml"))
        .assert()
        .code(1)
        .stdout("[]\n");
}

/// `-q` says errors only; `-v` also each file skipped, with why.
#[test]
fn quiet_says_only_errors_and_verbose_says_what_was_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join(SAMPLE), dir.path().join("a.toml")).unwrap();
    std::fs::write(dir.path().join(".hidden.toml"), "").unwrap();
    std::fs::write(dir.path().join("bad.toml"), "x = 1\n").unwrap();
    let normal = jixiao()
        .arg("validate")
        .arg(dir.path())
        .assert()
        .code(1)
        .get_output()
        .clone();
    let normal = String::from_utf8(normal.stderr).unwrap();
    assert!(normal.contains("1 valid, 1 invalid"), "{normal}");
    assert!(normal.contains("note: 跳过 1 个非报送文件"), "{normal}");
    assert!(!normal.contains("skipping"), "{normal}");
    let quiet = jixiao()
        .args(["validate", "-q"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(contains("ok: "))
        .get_output()
        .clone();
    let quiet = String::from_utf8(quiet.stderr).unwrap();
    assert!(
        quiet.contains("error: ") && quiet.contains("bad.toml"),
        "{quiet}"
    );
    for said in ["valid, ", "note:", "warning:"] {
        assert!(!quiet.contains(said), "{said}: {quiet}");
    }
    jixiao()
        .args(["validate", "-v"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(contains(".hidden.toml: 隐藏文件"));
    jixiao()
        .args(["validate", "-q", "-v", SAMPLE])
        .assert()
        .code(2)
        .stderr(contains("cannot be used with"));
}

/// `--color always` colours the prefixes (even with NO_COLOR: the flag is asked for), `never`
/// and `auto` off a terminal do not.
#[test]
fn colour_is_as_asked_and_off_a_terminal_by_default() {
    let run = |args: &[&str], no_color: Option<&str>| {
        let mut cmd = jixiao();
        cmd.args(["validate", "tests/fixtures/no-such.toml"])
            .args(args);
        cmd.env_remove("NO_COLOR");
        if let Some(value) = no_color {
            cmd.env("NO_COLOR", value);
        }
        String::from_utf8(cmd.assert().code(2).get_output().stderr.clone()).unwrap()
    };
    let red = "\u{1b}[1;31merror\u{1b}[0m: ";
    assert!(run(&["--color", "always"], None).starts_with(red));
    assert!(run(&["--color=always"], Some("1")).starts_with(red));
    for (args, no_color) in [
        (&["--color", "never"][..], None),
        (&[], None),
        (&[], Some("1")),
    ] {
        let text = run(args, no_color);
        assert!(
            text.starts_with("error: ") && !text.contains('\u{1b}'),
            "{args:?}: {text:?}"
        );
    }
}

/// The terminal table is as wide as asked, else `$COLUMNS` off a terminal, else 120.
#[test]
fn the_table_fits_the_width_given() {
    let width = |args: &[&str], columns: Option<&str>| {
        let mut cmd = jixiao();
        cmd.args(["score", "--rules", HUNAN, SAMPLE]).args(args);
        cmd.env_remove("COLUMNS");
        if let Some(columns) = columns {
            cmd.env("COLUMNS", columns);
        }
        let text = stdout(&cmd.assert().code(0).get_output().clone());
        let border = text
            .lines()
            .find(|l| l.starts_with('┌'))
            .unwrap()
            .to_owned();
        border.chars().count()
    };
    assert_eq!(width(&[], None), 120);
    assert_eq!(width(&[], Some("80")), 80);
    assert_eq!(width(&["--width", "100"], Some("80")), 100);
}

/// `jixiao completions SHELL` and `jixiao man` print what shells and man read.
#[test]
fn completions_and_the_manual() {
    jixiao()
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(contains("_jixiao()").and(contains("validate")));
    jixiao()
        .args(["completions", "zsh"])
        .assert()
        .code(0)
        .stdout(contains("#compdef jixiao"));
    jixiao()
        .args(["completions", "fish"])
        .assert()
        .code(0)
        .stdout(contains("complete -c jixiao"));
    jixiao()
        .arg("man")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(".ie").or(contains(".TH jixiao")))
        .stdout(contains("score"));
    let dir = tempfile::tempdir().unwrap();
    jixiao()
        .args(["man", "--out"])
        .arg(dir.path())
        .assert()
        .code(0);
    for page in ["jixiao.1", "jixiao-score.1", "jixiao-convert.1"] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}: {text}");
    }
}

/// Every example under a command's `--help` that reads only the bundled sample (no build, no
/// pipe, no file written) runs and succeeds, so the examples stay true.
#[test]
fn the_examples_under_help_work() {
    let mut ran = 0;
    for command in [
        "",
        "score",
        "check",
        "plugin",
        "ingest",
        "validate",
        "generate",
        "form",
        "convert",
        "test",
        "completions",
        "man",
    ] {
        let mut cmd = jixiao();
        cmd.args(command.split_whitespace()).arg("--help");
        let help = stdout(&cmd.assert().code(0).get_output().clone());
        let examples: Vec<&str> = help
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("jixiao ") || l.starts_with("cargo build && jixiao "))
            .collect();
        assert!(!examples.is_empty(), "{command}: examples under --help");
        for example in examples {
            if ["|", "<", ">", "--out", "--jsonl units", "cargo"]
                .iter()
                .any(|s| example.contains(s))
                && !example.ends_with("--out -")
            {
                continue;
            }
            let args: Vec<&str> = example.split_whitespace().skip(1).collect();
            let output = jixiao().args(&args).output().unwrap();
            assert!(
                output.status.success(),
                "{example}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            ran += 1;
        }
    }
    assert!(ran >= 8, "{ran} examples run");
}
