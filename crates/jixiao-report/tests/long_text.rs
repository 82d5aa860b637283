//! A unit whose name, or whose error, is longer than a cell holds (32,767 characters) does not
//! cost the batch its summary.xlsx: the text is cut in the cell, and says so (issue 12).

mod common;

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};

#[test]
fn text_longer_than_a_cell_is_cut_and_the_workbook_written() {
    let mut card = common::sample_card();
    let long = "科".repeat(40_000);
    card.unit.name.clone_from(&long);
    let rows = common::two_rows(&card, &format!("b.toml: {long}"));
    let bytes = common::summary_xlsx(&card, &rows, &[]);
    let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let summary = xlsx.worksheet_range("汇总").unwrap();
    let texts: Vec<&String> = summary
        .cells()
        .filter_map(|(_, _, d)| match d {
            Data::String(s) if s.starts_with("科科科") || s.starts_with("b.toml: 科") => {
                Some(s)
            }
            _ => None,
        })
        .collect();
    assert_eq!(texts.len(), 2, "the name and the error");
    for text in texts {
        assert_eq!(text.chars().count(), 32_767);
        let tail: String = text.chars().skip(32_740).collect();
        assert!(
            tail.ends_with("… (共 40000 字, 截断)") || tail.ends_with("… (共 40008 字, 截断)"),
            "{tail}"
        );
    }
}
