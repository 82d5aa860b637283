//! summary.xlsx prints as a bureau prints it (issue 13): every sheet A4 landscape, one page wide,
//! its header row repeated on each page (Excel's print titles), the sheet's name above and the
//! page number below. Read back from the workbook's XML, which is where Excel keeps them.

mod common;

use std::io::{Cursor, Read as _};

use jixiao_report::xlsx::{IndicatorColumn, SummaryWorkbook};
use jixiao_report::{SummaryRow, UnitSummary};

fn part(archive: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str) -> String {
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn every_sheet_prints_a4_landscape_one_page_wide_with_its_header_row_repeated() {
    let card = common::sample_card();
    let rows = [SummaryRow {
        source: "a.toml".to_owned(),
        outcome: Ok(UnitSummary::of(&card)),
    }];
    let columns = vec![IndicatorColumn {
        id: "x".into(),
        header: "x".into(),
    }];
    let mut workbook = SummaryWorkbook::new(columns, 2024).unwrap();
    workbook.add_unit("a.toml", &card).unwrap();
    let bytes = workbook.finish(&rows, &[]).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();

    let book = part(&mut archive, "xl/workbook.xml");
    let sheets = ["汇总", "指标得分", "发现问题"];
    for (i, name) in sheets.iter().enumerate() {
        assert!(
            book.contains(&format!(
                r#"<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{name}!$1:$1</definedName>"#
            )),
            "{name}: no print titles in\n{book}"
        );
        let xml = part(&mut archive, &format!("xl/worksheets/sheet{}.xml", i + 1));
        assert!(
            xml.contains("<pageSetUpPr fitToPage=\"1\"/>"),
            "{name}: {xml}"
        );
        assert!(
            xml.contains(r#"<pageSetup paperSize="9" fitToHeight="0" orientation="landscape""#),
            "{name}: {xml}"
        );
        assert!(
            xml.contains("<oddHeader>&amp;C&amp;\"-,Bold\"绩效自评复核汇总: &amp;A</oddHeader>"),
            "{name}"
        );
        assert!(
            xml.contains("<oddFooter>&amp;C第 &amp;P 页, 共 &amp;N 页</oddFooter>"),
            "{name}"
        );
    }
}
