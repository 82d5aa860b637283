//! Text from a unit is shown, never run (issue 12). A name, source or error that starts like a
//! formula (`=`, `+`, `-`, `@`, a tab, a carriage return) is written to summary.csv behind an
//! apostrophe, so that a spreadsheet shows it as text (OWASP's advice on CSV injection); figures,
//! a negative gap among them, stay numbers. In the Markdown scorecard and summary, `<`, `>` and
//! `&` of a unit's text are entities, so a name holding `<script>` is not a script where the
//! Markdown is rendered.

mod common;

use jixiao_report::{SummaryRow, UnitSummary};

#[test]
fn text_that_starts_like_a_formula_is_written_as_text() {
    let card = common::sample_card();
    let mut summary = UnitSummary::of(&card);
    summary.unit = "=HYPERLINK(\"http://x\",\"点我\")".to_owned();
    let rows = [
        SummaryRow {
            source: "+units/a.toml".to_owned(),
            outcome: Ok(summary),
        },
        SummaryRow {
            source: "@b.toml".to_owned(),
            outcome: Err("-1+2: not a unit".to_owned()),
        },
        SummaryRow {
            source: "\tc.toml".to_owned(),
            outcome: Err("\r=cmd".to_owned()),
        },
    ];
    let csv = jixiao_report::summary_csv(&rows);
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&records[0][at("来源")], "'+units/a.toml");
    assert_eq!(
        &records[0][at("单位")],
        "'=HYPERLINK(\"http://x\",\"点我\")"
    );
    assert_eq!(&records[1][at("来源")], "'@b.toml");
    assert_eq!(&records[1][at("错误")], "'-1+2: not a unit");
    assert_eq!(&records[2][at("来源")], "'\tc.toml");
    assert_eq!(&records[2][at("错误")], "'\r=cmd");
    // Figures are written as figures: the sample's total, and its gap where it has one.
    let figure = |text: &str| rust_decimal::Decimal::from_str_exact(text);
    assert_eq!(
        figure(&records[0][at("复核总分")]),
        Ok(jixiao_model::round(card.total, 2))
    );
    let gap = &records[0][at("差")];
    assert!(gap.is_empty() || figure(gap).is_ok(), "{gap:?}");
}

#[test]
fn markup_in_a_units_text_is_shown_in_markdown_not_run() {
    let mut card = common::sample_card();
    let name = "<script>alert('x')</script>科协 & 其他";
    card.unit.name = name.to_owned();
    let card_md = jixiao_report::markdown(&card);
    let rows = common::two_rows(&card, "b.toml: <img src=x onerror=alert(1)>");
    let summary_md = jixiao_report::summary_markdown(&rows, &[], &[]);
    for md in [&card_md, &summary_md] {
        assert!(!md.contains("<script>"), "{md}");
        assert!(
            md.contains("&lt;script&gt;alert('x')&lt;/script&gt;科协 &amp; 其他"),
            "{md}"
        );
    }
    assert!(!summary_md.contains("<img"), "{summary_md}");
    assert!(
        summary_md.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{summary_md}"
    );
}

/// A unit's control characters (ESC starting a colour, NUL, a right-to-left override, a C1
/// control) are shown as `\u{1b}` in the terminal table, the Markdown and the HTML, never written
/// raw for a terminal or a browser to act on (issue 12).
#[test]
fn control_characters_of_a_units_text_are_shown_escaped() {
    let mut card = common::sample_card();
    card.unit.name = "\u{1b}[31m红\0色\u{202e}abc\u{9b}".to_owned();
    if let Some(finding) = card.findings.first_mut() {
        finding.message.push_str("\u{1b}]0;title\u{7}");
    }
    let rows = [
        SummaryRow {
            source: "a\u{1b}[2J.toml".to_owned(),
            outcome: Ok(UnitSummary::of(&card)),
        },
        SummaryRow {
            source: "b.toml".to_owned(),
            outcome: Err("b.toml: \u{1b}[31m\0".to_owned()),
        },
    ];
    let rule_set = card.rule_set.clone();
    let info = jixiao_report::html::BatchInfo {
        rule_set: &rule_set,
        grades: &[],
        findings: &jixiao_report::html::FindingCounts::default(),
        notes: &[],
        bureau: None,
    };
    let outputs = [
        ("terminal", jixiao_report::terminal(&card, 120)),
        ("markdown", jixiao_report::markdown(&card)),
        (
            "summary.md",
            jixiao_report::summary_markdown(&rows, &[], &[]),
        ),
        (
            "scorecard html",
            jixiao_report::html::scorecard(&card, "index.html", None, None),
        ),
        (
            "index.html",
            jixiao_report::html::index(&info, &rows, &[None, None]),
        ),
    ];
    for (what, text) in &outputs {
        let raw: Vec<char> = text
            .chars()
            .filter(|&c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}')
            .collect();
        assert!(raw.is_empty(), "{what}: raw {raw:?} in {text}");
        assert!(
            text.contains(r"\u{1b}[31m红\u{0}色\u{202e}abc\u{9b}"),
            "{what}: {text}"
        );
    }
    assert!(
        outputs[0].1.contains(r"\u{1b}]0;title\u{7}"),
        "{}",
        outputs[0].1
    );
    assert!(
        outputs[2].1.contains(r"\u{1b}[31m\u{0}"),
        "{}",
        outputs[2].1
    );
    assert!(
        outputs[4].1.contains(r"a\u{1b}[2J.toml"),
        "{}",
        outputs[4].1
    );
}

/// Text without a control character is returned as it is, borrowed.
#[test]
fn visible_leaves_ordinary_text_alone() {
    for text in ["科协 2024\n\t项目", "", "a\\u{1b}"] {
        assert!(matches!(
            jixiao_report::visible(text),
            std::borrow::Cow::Borrowed(t) if t == text
        ));
    }
    assert_eq!(
        jixiao_report::visible("\r\u{7f}\u{2066}"),
        r"\u{d}\u{7f}\u{2066}"
    );
}

/// The byte scan that finds acting characters agrees with the characters themselves: every code
/// point up to U+2FFF (the controls, the marks and overrides, and their neighbours that share a
/// lead byte, as Chinese punctuation does: `“` U+201C, `—` U+2014), between ordinary text and at
/// either end, owned or borrowed.
#[test]
fn visible_finds_every_acting_character_and_no_other() {
    let acts = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(
                c,
                '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            )
    };
    // `text` with each acting character written by `escape`.
    let escaped = |text: &str, escape: fn(u32) -> String| -> String {
        text.chars()
            .map(|c| {
                if acts(c) {
                    escape(u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    let mut acting = 0;
    for c in (0..=0x2fff_u32).filter_map(char::from_u32) {
        for text in [
            c.to_string(),
            format!("科协“预算”—{c}"),
            format!("{c}项目…"),
        ] {
            let expected = escaped(&text, |c| format!("\\u{{{c:x}}}"));
            assert_eq!(
                jixiao_report::visible(&text),
                expected,
                "U+{:04X}",
                u32::from(c)
            );
            assert_eq!(jixiao_report::visible_owned(text.clone()), expected);
            let json = escaped(&text, |c| format!("\\u{c:04x}"));
            assert_eq!(jixiao_report::json_visible_owned(text), json);
        }
        acting += usize::from(acts(c));
    }
    // C0 but line feed and tab (30), DEL and C1 (33), U+061C, U+200E/F, U+202A–E, U+2066–9.
    assert_eq!(acting, 30 + 33 + 1 + 2 + 5 + 4);
}
