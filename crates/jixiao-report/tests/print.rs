//! summary.xlsx prints as a bureau prints it (issue 13): every sheet A4 landscape, one page wide,
//! its header row repeated on each page (Excel's print titles), the sheet's name above and the
//! page number below. Read back from the workbook's XML, which is where Excel keeps them.

mod common;

use std::io::{Cursor, Read as _};

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
    let mut card = common::sample_card();
    // A finding of 100 Chinese characters: 200 units, three lines of the 90-wide 说明.
    let mut long = card.findings[0].clone();
    long.message = "长".repeat(100);
    card.findings.push(long);
    // 150 characters of an error: four lines of the 40-wide 错误 column, 4 × 15 points.
    let error = format!("b.toml: {}", "x".repeat(142));
    let rows = common::two_rows(&card, &error);
    // A note of 100 Chinese characters, across the columns from 来源 to 错误 (its row written
    // once: Excel refuses a row written twice).
    let note = "未".repeat(100);
    let bytes = common::summary_xlsx(&card, &rows, std::slice::from_ref(&note));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();

    let book = part(&mut archive, "xl/workbook.xml");
    // The summary prints columns A (排名) to Q (错误), down to its notes.
    assert!(
        book.contains(
            r#"<definedName name="_xlnm.Print_Area" localSheetId="0">汇总!$A$1:$Q$5</definedName>"#
        ),
        "{book}"
    );
    let summary = part(&mut archive, "xl/worksheets/sheet1.xml");
    // The unit's name (12 characters, 24 units) wraps to two lines of the 20-wide 单位 column.
    assert!(
        summary.contains(r#"<row r="2" ht="30" customHeight="1">"#),
        "{summary}"
    );
    assert!(
        summary.contains(r#"<row r="3" ht="60" customHeight="1">"#),
        "{summary}"
    );
    assert_eq!(summary.matches(r#"<row r="5""#).count(), 1, "{summary}");
    // 发现问题: texts wrap in their columns, and a row is two lines tall (the sheet's default) or,
    // where its longest text needs more, as tall as that. The fund's message (31 characters
    // counted two units wide and 55 one, 117 units) takes two lines of the 90-wide 说明;
    // 「社会效益」缺少数据… (61 units) one: both rows are at the default. The long finding takes
    // three, 45 points.
    let findings = part(&mut archive, "xl/worksheets/sheet6.xml");
    assert!(
        findings.contains(r#"<sheetFormatPr defaultRowHeight="30" customHeight="1"/>"#),
        "{findings}"
    );
    let row_of = |start: &str| {
        let i = card
            .findings
            .iter()
            .position(|f| f.message.starts_with(start))
            .unwrap_or_else(|| panic!("no finding {start}: {:?}", card.findings));
        format!(r#"<row r="{}""#, i + 2)
    };
    for start in ["专项资金「科普经费」收支不平", "「社会效益」缺少数据"] {
        let row = row_of(start);
        assert!(
            findings.contains(&format!(r#"{row} ht="30" customHeight="1">"#)),
            "{start}: {findings}"
        );
    }
    let long = row_of("长长长");
    assert!(
        findings.contains(&format!(r#"{long} ht="45" customHeight="1">"#)),
        "{findings}"
    );
    assert!(summary.contains(r#"<mergeCell ref="B5:Q5"/>"#), "{summary}");
    let sheets = [
        "汇总",
        "按主管部门",
        "按地区",
        "指标得分",
        "自评对照",
        "发现问题",
    ];
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
