//! Inputs that would cost unbounded memory: a workbook with a stray cell far from its table
//! (calamine's dense ranges made one cell at `XFD1048576` a 550 GB allocation), and zip bombs
//! (a small `.docx` or `.xlsx` whose member inflates to gigabytes). Every archive is built here
//! from a fixture, none committed.

use std::io::{Cursor, Read as _, Write as _};
use std::path::{Path, PathBuf};

use jixiao_ingest::document::{Grid, MAX_GRID_CELLS, workbook};
use jixiao_ingest::{IngestError, ingest};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/documents")
        .join(name)
}

const WORKBOOK: &str = "cq-chengguan-ludeng-2023.xlsx";

/// The archive at `src` written again (deflated), each member through `patch`.
fn rezip(src: &Path, patch: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        out.start_file(&name, options).unwrap();
        out.write_all(&patch(&name, bytes)).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The fixture's sheet with `extra` (row elements) added at the end of its data.
fn with_rows(extra: &str) -> Vec<u8> {
    rezip(&fixture(WORKBOOK), |name, bytes| {
        if name != "xl/worksheets/sheet1.xml" {
            return bytes;
        }
        let xml = String::from_utf8(bytes).unwrap();
        xml.replacen("</sheetData>", &format!("{extra}</sheetData>"), 1)
            .into_bytes()
    })
}

fn cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

fn row(r: u32, cells: &str) -> String {
    format!(r#"<row r="{r}">{cells}</row>"#)
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn size(grids: &[Grid]) -> usize {
    grids.iter().map(|g| g.rows.len() * g.rows[0].len()).sum()
}

#[test]
fn a_stray_cell_far_from_the_table_is_a_grid_of_its_own_and_the_table_reads_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let plain = workbook(&fixture(WORKBOOK)).expect("the fixture reads");
    for (at, r) in [
        ("XFD1048576", 1_048_576),
        ("L1048576", 1_048_576),
        ("XFD10", 10),
    ] {
        let path = write(&dir, "stray.xlsx", &with_rows(&row(r, &cell(at, "备注"))));
        let doc = workbook(&path).expect("the workbook reads");
        assert_eq!(doc.tables.len(), plain.tables.len() + 1, "{at}");
        assert_eq!(doc.tables[..plain.tables.len()], plain.tables[..], "{at}");
        let stray = doc.tables.last().unwrap();
        let texts: Vec<(String, &str)> = (0..stray.rows.len())
            .flat_map(|r| (0..stray.rows[r].len()).map(move |c| (r, c)))
            .filter_map(|(r, c)| {
                let text = stray.rows[r][c].text.as_str();
                (!text.is_empty()).then(|| (stray.place(r, c), text))
            })
            .collect();
        assert_eq!(texts, [(format!("{}!{at}", stray.name()), "备注")], "{at}");
        // Memory follows the cells: the stray cell's grid is one column of the rows it is among.
        assert!(size(&doc.tables) <= size(&plain.tables) + 64, "{at}");
        assert_eq!(
            ingest(&path).expect("ingests").unit,
            ingest(&fixture(WORKBOOK)).expect("ingests").unit,
            "{at}"
        );
    }
}

#[test]
fn cells_spread_past_the_bound_refuse_the_workbook_naming_the_sheet_and_the_range() {
    let dir = tempfile::tempdir().unwrap();
    // A diagonal of cells 60 rows and columns apart: one block of 2,400 × 2,400 positions.
    let rows: String = (0..40u32)
        .map(|i| {
            let r = 2_000 + 60 * i;
            let col = jixiao_ingest::document::column_name(u64::from(60 * i));
            row(r + 1, &cell(&format!("{col}{}", r + 1), "x"))
        })
        .collect();
    let path = write(&dir, "spread.xlsx", &with_rows(&rows));
    let err = workbook(&path).expect_err("refused");
    assert!(err.starts_with("sheet 「"), "{err}");
    assert!(
        err.contains("A2001:CLA4341 make a table of 2341 rows × 2341 columns"),
        "{err}"
    );
    assert!(err.contains(&MAX_GRID_CELLS.to_string()), "{err}");
}

/// A cell reference past any column (`ZZZZZZZZZZZZ2`, found by fuzzing) overflows calamine's
/// arithmetic: the workbook is refused as damaged, and nothing panics out of the reader.
#[test]
fn a_cell_reference_past_any_column_refuses_the_workbook_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "overflow.xlsx",
        &with_rows(&row(3000, &cell("ZZZZZZZZZZZZ3000", "x"))),
    );
    let err = workbook(&path).expect_err("refused");
    assert!(
        err.starts_with("the workbook is damaged (the spreadsheet reader stopped: attempt to "),
        "{err}"
    );
    assert!(err.ends_with("save it again in Excel or WPS"), "{err}");
}

/// `bytes` with `n` bytes of XML whitespace before `</close>`: valid, and compressing a thousand
/// times.
fn padded(bytes: Vec<u8>, close: &str, n: usize) -> Vec<u8> {
    let xml = String::from_utf8(bytes).unwrap();
    let at = xml.rfind(close).unwrap();
    let mut out = xml.as_bytes()[..at].to_vec();
    out.resize(out.len() + n, b' ');
    out.extend_from_slice(&xml.as_bytes()[at..]);
    out
}

#[test]
fn a_workbook_whose_sheet_inflates_a_thousand_times_is_refused_naming_the_file_and_member() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = rezip(&fixture(WORKBOOK), |name, bytes| {
        if name == "xl/worksheets/sheet1.xml" {
            padded(bytes, "</worksheet>", 8 << 20)
        } else {
            bytes
        }
    });
    assert!(bomb.len() < 100_000, "{} bytes", bomb.len());
    let path = write(&dir, "bomb.xlsx", &bomb);
    let err = ingest(&path).expect_err("refused");
    assert!(matches!(err, IngestError::Workbook { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("bomb.xlsx"), "{message}");
    assert!(
        message.contains("`xl/worksheets/sheet1.xml` inflates to more than 100 times"),
        "{message}"
    );
}

#[test]
fn a_word_file_whose_body_inflates_a_thousand_times_is_refused_naming_the_file_and_member() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = rezip(&fixture("cq-kxc-rongmeiti-2021.docx"), |name, bytes| {
        if name == "word/document.xml" {
            padded(bytes, "</w:body>", 8 << 20)
        } else {
            bytes
        }
    });
    let path = write(&dir, "bomb.docx", &bomb);
    let err = ingest(&path).expect_err("refused");
    assert!(matches!(err, IngestError::Docx { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("bomb.docx"), "{message}");
    assert!(
        message.contains("`word/document.xml` inflates to more than 100 times"),
        "{message}"
    );
    // The same body at its own size reads.
    let fine = write(
        &dir,
        "fine.docx",
        &rezip(&fixture("cq-kxc-rongmeiti-2021.docx"), |_, b| b),
    );
    ingest(&fine).expect("reads");
}
