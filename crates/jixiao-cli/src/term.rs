//! What the CLI says on the terminal: messages on standard error (`error:`, `warning:`, `note:`
//! and the lines that report what a run did), at the level `-q` / `-v` chose, with the prefix
//! coloured when colour is on (`--color`, `NO_COLOR`); and every message's text made visible,
//! so that an escape sequence or a bidirectional override read from an input is shown, never
//! acted on by the terminal (issue 12).

use std::ffi::OsStr;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// How much is said on standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// `-q`: errors only.
    Quiet = 0,
    /// Errors, warnings, notes and the line that reports what was written.
    Normal = 1,
    /// `-v`: also each file skipped (with why) and each output written.
    Verbose = 2,
}

static LEVEL: AtomicU8 = AtomicU8::new(Level::Normal as u8);
static COLOUR: AtomicBool = AtomicBool::new(false);

/// Sets the level and whether the prefixes are coloured, once, at the start.
pub fn set(level: Level, colour: bool) {
    LEVEL.store(level as u8, Ordering::Relaxed);
    COLOUR.store(colour, Ordering::Relaxed);
}

fn level() -> u8 {
    LEVEL.load(Ordering::Relaxed)
}

/// Whether `-q` was given.
pub fn quiet() -> bool {
    level() == Level::Quiet as u8
}

/// `--color`'s values (`auto`: on a terminal, unless `NO_COLOR` is set to anything but "";
/// no doc comment on the values, so that every command's `--help` stays short).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Whether to colour: `always` and `never` say so; `auto` colours on a terminal unless
/// `NO_COLOR` is set and not empty (<https://no-color.org>).
pub fn colour(choice: ColorChoice, no_color: Option<&OsStr>, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && no_color.is_none_or(OsStr::is_empty),
    }
}

/// A message's kind: its prefix, its colour, and the level it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Error,
    Warning,
    Note,
    /// A line with no prefix: what a run did (`wrote …`, `2 valid, 0 invalid`).
    Info,
    /// Only with `-v`.
    Detail,
}

/// Writes `text` on standard error as a message of `kind`, if the level says so.
pub fn message(kind: Kind, text: &str) {
    let (prefix, colour, needs) = match kind {
        Kind::Error => ("error", "1;31", Level::Quiet),
        Kind::Warning => ("warning", "1;33", Level::Normal),
        Kind::Note => ("note", "1;36", Level::Normal),
        Kind::Info => ("", "", Level::Normal),
        Kind::Detail => ("", "", Level::Verbose),
    };
    if level() < needs as u8 {
        return;
    }
    let text = jixiao_report::visible(text);
    let line = match (prefix, COLOUR.load(Ordering::Relaxed)) {
        ("", _) => format!("{text}\n"),
        (prefix, true) => format!("\x1b[{colour}m{prefix}\x1b[0m: {text}\n"),
        (prefix, false) => format!("{prefix}: {text}\n"),
    };
    // Standard error closed: nothing else to say it on.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// Writes a line that says its own kind (`warning: …`, `note: …`, `error: …`), as readers
/// return them.
pub fn prefixed(line: &str) {
    for (prefix, kind) in [
        ("error: ", Kind::Error),
        ("warning: ", Kind::Warning),
        ("note: ", Kind::Note),
    ] {
        if let Some(text) = line.strip_prefix(prefix) {
            return message(kind, text);
        }
    }
    message(Kind::Info, line);
}

/// `error: …` on standard error.
macro_rules! error {
    ($($arg:tt)*) => { $crate::term::message($crate::term::Kind::Error, &format!($($arg)*)) };
}
/// `warning: …` on standard error (not with `-q`).
macro_rules! warning {
    ($($arg:tt)*) => { $crate::term::message($crate::term::Kind::Warning, &format!($($arg)*)) };
}
/// `note: …` on standard error (not with `-q`).
macro_rules! note {
    ($($arg:tt)*) => { $crate::term::message($crate::term::Kind::Note, &format!($($arg)*)) };
}
/// A line on standard error that reports what was done (not with `-q`).
macro_rules! info {
    ($($arg:tt)*) => { $crate::term::message($crate::term::Kind::Info, &format!($($arg)*)) };
}
/// A line on standard error with `-v` only.
macro_rules! detail {
    ($($arg:tt)*) => { $crate::term::message($crate::term::Kind::Detail, &format!($($arg)*)) };
}
pub(crate) use {detail, error, info, note, warning};

#[cfg(test)]
mod tests {
    use super::{ColorChoice, colour};
    use std::ffi::OsStr;

    #[test]
    fn colour_follows_the_flag_then_no_color_then_the_terminal() {
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        // (choice, NO_COLOR, on a terminal) → colour
        let cases = [
            (ColorChoice::Auto, None, true, true),
            (ColorChoice::Auto, None, false, false),
            (ColorChoice::Auto, set, true, false),
            (ColorChoice::Auto, empty, true, true),
            (ColorChoice::Always, set, false, true),
            (ColorChoice::Never, None, true, false),
        ];
        for (choice, no_color, terminal, expected) in cases {
            assert_eq!(
                colour(choice, no_color, terminal),
                expected,
                "{choice:?} NO_COLOR={no_color:?} terminal={terminal}"
            );
        }
    }
}
