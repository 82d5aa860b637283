//! What the CLI's tests share: the binary, the workspace's paths, and the sample.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use assert_cmd::Command;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `jixiao` binary, run from the workspace root.
pub fn jixiao() -> Command {
    let mut cmd = Command::cargo_bin("jixiao").unwrap();
    cmd.current_dir(root());
    cmd
}

pub const HUNAN: &str = "configs/hunan-department.toml";
pub const SAMPLE: &str = "tests/fixtures/units/department/lusong-kexie-2024.toml";
pub const REPORT: &str = "tests/fixtures/reports/lusong-kexie-2024.txt";

/// The rows of a CSV that jixiao wrote (UTF-8 with a byte-order mark), each by its header:
/// `row["复核总分"]`.
pub fn csv_rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            headers
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// A copy of the sample with `from` replaced by `to`, in `dir`.
pub fn sample_with(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    assert!(text.contains(from), "the sample contains {from:?}");
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

/// `n` generated departments, written as JSON Lines to `dir/units.jsonl`.
pub fn generate(dir: &Path, n: u32) -> PathBuf {
    let units = dir.join("units.jsonl");
    jixiao()
        .args(["generate", "--kind", "department", "--jsonl"])
        .arg(&units)
        .args(["-n", &n.to_string()])
        .assert()
        .code(0);
    units
}

/// Runs a `jixiao` command and snapshots what a user sees (uv's `uv_snapshot!`): the command
/// line, whether it succeeded and its exit code, its standard output and its standard error,
/// with [`filters`] applied to what varies between runs. The snapshot goes to `snapshots/` as
/// `<module>__<name>.snap`; the macro returns the [`std::process::Output`], for the assertions of
/// the key numbers that stand beside every snapshot (a snapshot shows what changed; it proves
/// nothing alone).
///
/// `jixiao_snapshot!(name, cmd, stdout: view)` snapshots `view(stdout)` in place of standard
/// output (for long JSON, of which the test cares about a part), under a heading that says so.
macro_rules! jixiao_snapshot {
    ($name:expr, $cmd:expr) => {{
        let (text, output) = $crate::common::run_and_format($cmd, None);
        $crate::common::assert_filtered_snapshot!($name, text);
        output
    }};
    ($name:expr, $cmd:expr, stdout: $view:expr) => {{
        let view: $crate::common::View = $view;
        let (text, output) = $crate::common::run_and_format($cmd, Some(view));
        $crate::common::assert_filtered_snapshot!($name, text);
        output
    }};
}
pub(crate) use jixiao_snapshot;

/// `insta::assert_snapshot!` with [`filters`]; a macro, so that the snapshot is named after and
/// kept beside the test that asserts it.
macro_rules! assert_filtered_snapshot {
    ($name:expr, $text:expr) => {
        insta::with_settings!({
            filters => $crate::common::filters().iter().map(|(r, s)| (r.as_str(), s.as_str())),
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $text);
        })
    };
}
pub(crate) use assert_filtered_snapshot;

/// A view of standard output for a snapshot: what it shows (for the heading), and the function
/// that makes it.
pub type View = (&'static str, fn(&str) -> String);

/// Runs `cmd`: its output, and the text to snapshot (see [`jixiao_snapshot!`]).
pub fn run_and_format(cmd: &mut Command, view: Option<View>) -> (String, Output) {
    let line = command_line(cmd);
    // What the environment may add to the output: a backtrace (of a plugin that panics), colour.
    for name in ["RUST_BACKTRACE", "RUST_LIB_BACKTRACE", "CLICOLOR_FORCE"] {
        cmd.env_remove(name);
    }
    let output = cmd.output().expect("jixiao runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let (heading, stdout) = match view {
        None => ("----- stdout -----".to_owned(), stdout.into_owned()),
        Some((what, view)) => (format!("----- stdout: {what} -----"), view(&stdout)),
    };
    let text = format!(
        "$ {line}\nsuccess: {}\nexit_code: {}\n{heading}\n{stdout}\n----- stderr -----\n{stderr}",
        output.status.success(),
        output
            .status
            .code()
            .map_or_else(|| "none (killed by a signal)".to_owned(), |c| c.to_string()),
    );
    (text, output)
}

/// `jixiao ARGS` as one would type it (arguments with spaces quoted).
fn command_line(cmd: &Command) -> String {
    std::iter::once("jixiao".to_owned())
        .chain(cmd.get_args().map(|arg| {
            let arg = arg.to_string_lossy();
            if arg.is_empty() || arg.contains(char::is_whitespace) {
                format!("'{arg}'")
            } else {
                arg.into_owned()
            }
        }))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What varies between runs and machines, as insta filters (regex, replacement), in the order
/// applied: the target directory (`[TARGET]`; plugin libraries are built there), the workspace
/// root (`[ROOT]`), the tests' temporary directories (`[TEMP]`), the plugin host's private copy
/// of a library (`[PLUGIN-COPY]`), other temporary paths (`[TMP]`), a panicking thread's id, and
/// SHA-256 hashes (`[SHA256]`: a plugin library's hash differs from build to build; the tests
/// compare it with the library's own; a pin of 64 zeros stays recognisable). Nothing the CLI
/// prints is timed.
pub fn filters() -> &'static [(String, String)] {
    static FILTERS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    FILTERS.get_or_init(|| {
        let target = jixiao_tests::profile_dir()
            .parent()
            .expect("the profile directory is in the target directory")
            .to_owned();
        let mut filters = Vec::new();
        for (dir, name) in [
            (target, "[TARGET]"),
            (root(), "[ROOT]"),
            (std::env::temp_dir(), "[TMP]"),
        ] {
            let mut forms = vec![dir.clone()];
            forms.extend(dir.canonicalize().ok().filter(|c| *c != dir));
            for form in forms {
                let form = escape(form.to_str().expect("the test paths are UTF-8"));
                let form = form.trim_end_matches('/');
                if name == "[TMP]" {
                    // tempfile's directories: `.tmp`, or the plugin host's prefix, and six random
                    // letters or digits.
                    filters.push((format!(r"{form}/\.tmp[0-9A-Za-z]{{6}}"), "[TEMP]".into()));
                    filters.push((
                        format!(r"{form}/jixiao-plugin-[0-9A-Za-z]{{6}}"),
                        "[PLUGIN-COPY]".into(),
                    ));
                }
                filters.push((form.to_owned(), name.into()));
            }
        }
        filters.push((r"(thread '[^']*') \(\d+\)".into(), "${1} ([ID])".into()));
        filters.push((r"\b0{64}\b".into(), "[64 ZEROS]".into()));
        filters.push((r"\b[0-9a-f]{64}\b".into(), "[SHA256]".into()));
        filters
    })
}

/// `text` with regex metacharacters escaped.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if r"\.+*?()|[]{}^$#&-~".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// A view of `score -f json` output: each scorecard's unit, total and grade, plugins (with
/// their hashes) and findings (severity, rule and message), one line each.
pub const SCORECARDS: View = ("each scorecard's total, plugins and findings", scorecards);

fn scorecards(stdout: &str) -> String {
    let mut text = String::new();
    let cards: Vec<jixiao_engine::Scorecard> =
        serde_json::from_str(stdout).expect("standard output is one JSON array of scorecards");
    for card in cards {
        text += &format!(
            "{} {}: 总分 {} 等级 {}\n",
            card.unit.name,
            card.unit.year,
            card.total,
            card.grade_label()
        );
        for plugin in &card.plugins {
            text += &format!(
                "  plugin {} v{} sha256 {} (rules: {})\n",
                plugin.name,
                plugin.version,
                plugin.sha256,
                plugin.rules.join(", ")
            );
        }
        for finding in &card.findings {
            text += &format!(
                "  [{}] {}: {}\n",
                finding.severity.label(),
                finding.rule,
                finding.message
            );
        }
    }
    text
}
