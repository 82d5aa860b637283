//! A document as blocks: the paragraphs of its body and its tables as grids, in reading order.
//!
//! A Word file's tables are read from `word/document.xml` as grids: a cell merged across columns
//! (`w:gridSpan`) or down rows (`w:vMerge`) answers for every grid position it covers, a table
//! nested in a cell is a table of its own (numbered after the table that holds it, as a person
//! counts them), and the text of table cells never becomes a body paragraph. A workbook's sheets
//! (`.xlsx`, `.xls`, read with calamine) are grids too, with merged regions filled the same way.
//! What the grids mean is [`crate::tables`]' business.

use std::collections::BTreeMap;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// A document read into blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The body's paragraphs (for a Word file, table cells excluded), numbered from 1 with the
    /// empty ones counted: what [`crate::text::Line`]s are made of.
    pub paragraphs: Vec<String>,
    /// The tables, in document order (a nested table right after the table holding it).
    pub tables: Vec<Grid>,
    /// For each table, how many body paragraphs come before it: where it sits in the text.
    pub table_after: Vec<usize>,
    /// What the reader could not read, in Chinese, for the scorecard: a PDF's page that is a
    /// picture, a table whose text runs over its rules.
    pub notes: Vec<String>,
}

/// Where a grid was found, for provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridOrigin {
    /// The n-th table of a Word document (1-based, nested tables counted).
    Word { table: usize },
    /// A body paragraph (1-based) read as one row, its parts (split at wide spaces) as cells:
    /// a cover line such as `填报单位：某局　　单位：万元`.
    Paragraph { number: usize },
    /// The n-th table of a PDF (1-based), rebuilt from the positions of its text; `pages[r]` is
    /// the page (1-based) row `r` of the grid is printed on (a table may run over pages).
    Pdf { table: usize, pages: Vec<u32> },
    /// A sheet of a workbook; row and column 0 of the grid are the sheet's `first_row` and
    /// `first_col` (0-based, as calamine counts).
    Sheet {
        sheet: String,
        first_row: u32,
        first_col: u32,
    },
}

/// One table as a grid of cells: every row as wide as the widest, merged cells repeated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub origin: GridOrigin,
    pub rows: Vec<Vec<Cell>>,
}

/// One grid position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    /// The text as written, paragraphs joined by a line break, trimmed.
    pub text: String,
    /// The grid position (row, column) of the merged cell this position belongs to: its own for
    /// a cell that is not merged.
    pub anchor: (usize, usize),
}

impl Grid {
    /// The cell at `(row, col)`, if the grid has it.
    pub fn cell(&self, row: usize, col: usize) -> Option<&Cell> {
        self.rows.get(row).and_then(|r| r.get(col))
    }

    /// How a person names the position `(row, col)` (0-based): `表2 第5行第3列` in a Word file,
    /// `Sheet1!C7` in a workbook.
    pub fn place(&self, row: usize, col: usize) -> String {
        match &self.origin {
            GridOrigin::Word { table } => format!("表{table} 第{}行第{}列", row + 1, col + 1),
            GridOrigin::Paragraph { number } => format!("第{number}段"),
            GridOrigin::Pdf { table, pages } => match pages.get(row) {
                Some(page) => format!("表{table} 第{}行第{}列 (第{page}页)", row + 1, col + 1),
                None => format!("表{table} 第{}行第{}列", row + 1, col + 1),
            },
            GridOrigin::Sheet {
                sheet,
                first_row,
                first_col,
            } => {
                let r = u64::from(*first_row) + row as u64 + 1;
                let c = u64::from(*first_col) + col as u64;
                format!("{sheet}!{}{r}", column_name(c))
            }
        }
    }

    /// The text of every grid position, row by row (a merged cell's text at each position).
    pub fn texts(&self) -> Vec<Vec<&str>> {
        self.rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect()
    }

    /// The table's name alone: `表2`, or the sheet's name.
    pub fn name(&self) -> String {
        match &self.origin {
            GridOrigin::Word { table } | GridOrigin::Pdf { table, .. } => format!("表{table}"),
            GridOrigin::Paragraph { .. } => "正文".to_owned(),
            GridOrigin::Sheet { sheet, .. } => sheet.clone(),
        }
    }

    /// Every row made as wide as the widest, with empty cells.
    pub(crate) fn pad(&mut self) {
        let width = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        for (r, row) in self.rows.iter_mut().enumerate() {
            let start = row.len();
            row.extend((start..width).map(|c| Cell {
                text: String::new(),
                anchor: (r, c),
            }));
        }
    }
}

impl Grid {
    /// Paragraph `number` (1-based) as a one-row grid, split at runs of two or more spaces (or an
    /// ideographic space) into cells.
    pub fn paragraph(number: usize, text: &str) -> Grid {
        let mut cells = Vec::new();
        for part in text.split('\u{3000}').flat_map(|p| p.split("  ")) {
            let part = part.trim();
            if !part.is_empty() {
                let c = cells.len();
                cells.push(Cell {
                    text: part.to_owned(),
                    anchor: (0, c),
                });
            }
        }
        Grid {
            origin: GridOrigin::Paragraph { number },
            rows: vec![cells],
        }
    }
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_name(mut col: u64) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// A table being read: its rows so far, and the row and cell being read.
#[derive(Default)]
struct TableBuilder {
    number: usize,
    rows: Vec<Vec<Cell>>,
    row: Vec<Cell>,
    /// Grid columns skipped before the row's first cell (`w:gridBefore`).
    grid_before: usize,
    cell: Option<CellBuilder>,
}

#[derive(Default)]
struct CellBuilder {
    paragraphs: Vec<String>,
    span: usize,
    /// `Some(true)` for `w:vMerge w:val="restart"`, `Some(false)` for a continuation.
    vmerge: Option<bool>,
}

impl TableBuilder {
    fn start_row(&mut self) {
        self.row.clear();
        self.grid_before = 0;
    }

    fn end_row(&mut self) {
        let r = self.rows.len();
        for (c, cell) in self.row.iter_mut().enumerate() {
            if cell.anchor == (usize::MAX, usize::MAX) {
                cell.anchor = (r, c);
            }
        }
        self.rows.push(std::mem::take(&mut self.row));
    }

    fn end_cell(&mut self) {
        let Some(cell) = self.cell.take() else { return };
        if self.row.is_empty() && self.grid_before > 0 {
            let r = self.rows.len();
            self.row.extend((0..self.grid_before).map(|c| Cell {
                text: String::new(),
                anchor: (r, c),
            }));
        }
        let r = self.rows.len();
        let c0 = self.row.len();
        let text = cell
            .paragraphs
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        // A vertical continuation takes the text and anchor of the cell above.
        let above = (cell.vmerge == Some(false))
            .then(|| self.rows.last().and_then(|row| row.get(c0)).cloned())
            .flatten();
        let (text, anchor) = match above {
            Some(a) => (a.text, a.anchor),
            None => (text, (r, c0)),
        };
        for _ in 0..cell.span.max(1) {
            self.row.push(Cell {
                text: text.clone(),
                anchor,
            });
        }
    }
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.to_string())
}

/// Reads the body of a Word (`.docx`) file: its paragraphs and its tables as grids.
pub fn docx(bytes: &[u8]) -> Result<Document, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a Word (.docx) file: {e}"))?;
    let xml =
        crate::archive::read_entry(&mut archive, "word/document.xml").map_err(|e| e.to_string())?;
    let xml = String::from_utf8(xml)
        .map_err(|e| format!("cannot read word/document.xml: it is not UTF-8: {e}"))?;
    parse_document_xml(&xml)
}

fn parse_document_xml(xml: &str) -> Result<Document, String> {
    let mut reader = Reader::from_str(xml);
    let mut doc = Document::default();
    // Open tables, outermost first; finished ones wait in `done` with their number.
    let mut open: Vec<TableBuilder> = Vec::new();
    let mut done: Vec<(usize, Grid)> = Vec::new();
    let mut tables_started = 0;
    let mut paragraph: Option<String> = None;
    let mut in_text = false;

    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "malformed word/document.xml at byte {}: {e}",
                reader.error_position()
            )
        })?;
        match event {
            Event::Start(e) => match e.name().as_ref() {
                "w:t" => in_text = true,
                "w:p" => paragraph = Some(String::new()),
                "w:tbl" => {
                    tables_started += 1;
                    open.push(TableBuilder {
                        number: tables_started,
                        ..TableBuilder::default()
                    });
                    doc.table_after.push(doc.paragraphs.len());
                }
                "w:tr" => {
                    if let Some(t) = open.last_mut() {
                        t.start_row();
                    }
                }
                "w:tc" => {
                    if let Some(t) = open.last_mut() {
                        t.cell = Some(CellBuilder {
                            span: 1,
                            ..CellBuilder::default()
                        });
                    }
                }
                "w:vMerge" => set_vmerge(&e, &mut open),
                _ => {}
            },
            Event::Empty(e) => match e.name().as_ref() {
                "w:tab" => {
                    if let Some(p) = paragraph.as_mut() {
                        p.push('\t');
                    }
                }
                "w:br" | "w:cr" => {
                    if let Some(p) = paragraph.as_mut() {
                        p.push(' ');
                    }
                }
                "w:p" => end_paragraph(String::new(), &mut open, &mut doc),
                "w:gridSpan" => {
                    let span = attr(&e, "w:val").and_then(|v| v.parse::<usize>().ok());
                    if let (Some(cell), Some(span)) =
                        (open.last_mut().and_then(|t| t.cell.as_mut()), span)
                    {
                        cell.span = span.clamp(1, 64);
                    }
                }
                "w:gridBefore" => {
                    let n = attr(&e, "w:val").and_then(|v| v.parse::<usize>().ok());
                    if let (Some(t), Some(n)) = (open.last_mut(), n) {
                        t.grid_before = n.min(64);
                    }
                }
                "w:vMerge" => set_vmerge(&e, &mut open),
                _ => {}
            },
            Event::Text(t) if in_text => {
                if let Some(p) = paragraph.as_mut() {
                    p.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text => {
                if let Some(p) = paragraph.as_mut() {
                    p.push_str(&entity(r.as_ref()));
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => {
                    let text = paragraph.take().unwrap_or_default();
                    end_paragraph(text, &mut open, &mut doc);
                }
                "w:tc" => {
                    if let Some(t) = open.last_mut() {
                        t.end_cell();
                    }
                }
                "w:tr" => {
                    if let Some(t) = open.last_mut() {
                        t.end_row();
                    }
                }
                "w:tbl" => {
                    if let Some(t) = open.pop() {
                        let mut grid = Grid {
                            origin: GridOrigin::Word { table: t.number },
                            rows: t.rows,
                        };
                        grid.pad();
                        done.push((t.number, grid));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    // A nested table ends before its parent: put them back in the order they start.
    done.sort_by_key(|(n, _)| *n);
    doc.tables = done.into_iter().map(|(_, g)| g).collect();
    Ok(doc)
}

/// A finished paragraph goes to the cell being read, or to the body outside any table.
fn end_paragraph(text: String, open: &mut [TableBuilder], doc: &mut Document) {
    if open.is_empty() {
        doc.paragraphs.push(text);
    } else if let Some(cell) = open.last_mut().and_then(|t| t.cell.as_mut()) {
        cell.paragraphs.push(text);
    }
}

fn set_vmerge(e: &BytesStart<'_>, open: &mut [TableBuilder]) {
    if let Some(cell) = open.last_mut().and_then(|t| t.cell.as_mut()) {
        cell.vmerge = Some(attr(e, "w:val").is_some_and(|v| v == "restart"));
    }
}

fn entity(name: &str) -> String {
    match name {
        "amp" => "&".into(),
        "lt" => "<".into(),
        "gt" => ">".into(),
        "quot" => "\"".into(),
        "apos" => "'".into(),
        _ => {
            let code = name
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()));
            code.and_then(char::from_u32)
                .map_or_else(String::new, String::from)
        }
    }
}

/// Rows (or columns) this far apart with nothing between them start a new grid: a table has no
/// 64 empty rows inside it, and a stray cell far from the table (at `XFD1048576`) becomes a grid
/// of its own, not the corner of a grid of 17 billion cells.
const GAP: u32 = 64;

/// The most positions all the grids of one workbook may hold together (some 100 MB): cells
/// spread to make more (a diagonal of cells 63 rows and columns apart) are refused, naming the
/// sheet and the cells' range.
pub const MAX_GRID_CELLS: u64 = 2_000_000;

/// The cells of an `.xlsx` sheet that hold something, by (row, column), read one by one. Never a
/// calamine `Range`: that is the dense bounding box of the cells, 550 GB for one stray cell at
/// `XFD1048576`. Used by the form reader too.
pub fn xlsx_cells<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Xlsx<RS>,
    sheet: &str,
) -> Result<BTreeMap<(u32, u32), calamine::Data>, calamine::XlsxError> {
    let mut reader = match book.worksheet_cells_reader(sheet) {
        Ok(reader) => reader,
        // A chart sheet: no cells, as calamine's own ranges have it.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(BTreeMap::new()),
        Err(e) => return Err(e),
    };
    let mut cells = BTreeMap::new();
    while let Some(cell) = reader.next_cell()? {
        let value = calamine::Data::from(cell.get_value().clone());
        if value != calamine::Data::Empty {
            cells.insert(cell.get_position(), value);
        }
    }
    Ok(cells)
}

/// The runs of `positions` (ascending) with no gap of [`GAP`] or more inside: `(first, last)`.
fn runs(positions: impl IntoIterator<Item = u32>) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for p in positions {
        match out.last_mut() {
            Some((_, last)) if p <= last.saturating_add(GAP) => *last = (*last).max(p),
            _ => out.push((p, p)),
        }
    }
    out
}

/// How a cell reads as text in a grid.
fn cell_text(data: &calamine::Data) -> String {
    match data {
        calamine::Data::Float(f) => format!("{f}"),
        calamine::Data::Empty => String::new(),
        other => other.to_string(),
    }
    .trim()
    .to_owned()
}

/// Reads every sheet of a workbook (`.xlsx`, `.xls`) as grids, merged regions filled: one grid
/// per block of cells (blocks 64 rows or columns apart, `GAP`, are grids of their own). An `.xlsx`
/// is checked for a zip bomb and an `.xls` for a damaged compound file before calamine opens it
/// ([`crate::archive`]); an `.xlsx`'s cells are read one by one, so memory follows the cells a
/// sheet holds, not how far apart they are.
pub fn workbook(path: &Path) -> Result<Document, String> {
    calamine_guard(|| read_workbook(path), |why| why)
}

/// Runs `read`, which calls calamine, turning a panic inside it into the error `damaged` makes
/// of a plain-language reason. calamine's cell-reference and dimension arithmetic overflows on a
/// damaged file (`r="ZZZZZZZZZZZZ2"`, found by fuzzing): the workspace builds calamine with
/// overflow checks in every profile (Cargo.toml), so such a file panics, and is refused here,
/// rather than have its cells put where wrapped numbers say.
pub fn calamine_guard<T, E>(
    read: impl FnOnce() -> Result<T, E>,
    damaged: impl FnOnce(String) -> E,
) -> Result<T, E> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(damaged(format!(
            "the workbook is damaged (the spreadsheet reader stopped: {why}); not read: save it again in Excel or WPS"
        )))
    })
}

fn read_workbook(path: &Path) -> Result<Document, String> {
    use calamine::{Data, Reader as _, Sheets, open_workbook_auto};
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open the workbook: {e}"))?;
    let mut file = std::io::BufReader::new(file);
    let mut magic = [0; 8];
    let compound = std::io::Read::read_exact(&mut file, &mut magic).is_ok()
        && magic == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    std::io::Seek::rewind(&mut file).map_err(|e| format!("cannot open the workbook: {e}"))?;
    if compound {
        crate::archive::check_compound(file).map_err(|e| e.to_string())?;
    } else {
        crate::archive::check(file).map_err(|e| e.to_string())?;
    }
    let mut book =
        open_workbook_auto(path).map_err(|e| format!("cannot open the workbook: {e}"))?;
    let names = book.sheet_names();
    let mut doc = Document::default();
    let mut budget = MAX_GRID_CELLS;
    for name in names {
        let cannot = |e: &dyn std::fmt::Display| format!("sheet 「{name}」: {e}");
        let (cells, merges) = match &mut book {
            Sheets::Xlsx(x) => (
                xlsx_cells(x, &name).map_err(|e| cannot(&e))?,
                x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            ),
            other => {
                // calamine reads an `.xls` into ranges as it opens it (at most 65,536 × 256).
                let range = other.worksheet_range(&name).map_err(|e| cannot(&e))?;
                let (r0, c0) = range.start().unwrap_or_default();
                let cells = range
                    .used_cells()
                    .filter(|(_, _, d)| **d != Data::Empty)
                    .map(|(r, c, d)| ((r0 + r as u32, c0 + c as u32), d.clone()))
                    .collect();
                #[allow(deprecated)]
                let merges = match other {
                    Sheets::Xls(x) => x.worksheet_merge_cells(&name).unwrap_or_default(),
                    _ => Vec::new(),
                };
                (cells, merges)
            }
        };
        for grid in sheet_grids(&name, &cells, &merges, &mut budget)? {
            doc.table_after.push(0);
            doc.tables.push(grid);
        }
    }
    Ok(doc)
}

/// The grids of one sheet: a grid per block of `cells`, merged regions (clipped to the grid their
/// top-left cell is in) filled. Each grid's size is taken from `budget`.
fn sheet_grids(
    name: &str,
    cells: &BTreeMap<(u32, u32), calamine::Data>,
    merges: &[calamine::Dimensions],
    budget: &mut u64,
) -> Result<Vec<Grid>, String> {
    let mut grids = Vec::new();
    let mut rows: Vec<u32> = cells.keys().map(|&(r, _)| r).collect();
    rows.dedup();
    for (first_row, last_row) in runs(rows) {
        let band = cells.range((first_row, 0)..=(last_row, u32::MAX));
        let mut cols: Vec<u32> = band.map(|(&(_, c), _)| c).collect();
        cols.sort_unstable();
        cols.dedup();
        for (first_col, last_col) in runs(cols) {
            let height = (last_row - first_row) as usize + 1;
            let width = (last_col - first_col) as usize + 1;
            let size = height as u64 * width as u64;
            *budget = budget.checked_sub(size).ok_or_else(|| {
                format!(
                    "sheet 「{name}」: the cells {}{}:{}{} make a table of {height} rows × {width} columns, more than {MAX_GRID_CELLS} cells in all with the workbook's other tables; not read (delete the cells far from the table)",
                    column_name(u64::from(first_col)),
                    u64::from(first_row) + 1,
                    column_name(u64::from(last_col)),
                    u64::from(last_row) + 1,
                )
            })?;
            let mut grid: Vec<Vec<Cell>> = (0..height)
                .map(|r| {
                    (0..width)
                        .map(|c| Cell {
                            text: String::new(),
                            anchor: (r, c),
                        })
                        .collect()
                })
                .collect();
            for (r, row) in grid.iter_mut().enumerate() {
                let at = first_row + r as u32;
                for (&(_, c), data) in cells.range((at, first_col)..=(at, last_col)) {
                    row[(c - first_col) as usize].text = cell_text(data);
                }
            }
            fill_merges(&mut grid, merges, (first_row, first_col));
            grids.push(Grid {
                origin: GridOrigin::Sheet {
                    sheet: name.to_owned(),
                    first_row,
                    first_col,
                },
                rows: grid,
            });
        }
    }
    Ok(grids)
}

/// Fills each merged region whose top-left cell is in `rows` (a grid whose row and column 0 are
/// the sheet's `first`) with that cell's text and anchor, as far as the grid reaches.
fn fill_merges(rows: &mut [Vec<Cell>], merges: &[calamine::Dimensions], first: (u32, u32)) {
    let (first_row, first_col) = first;
    for m in merges {
        let to_grid = |(r, c): (u32, u32)| {
            (
                r.checked_sub(first_row).map(|v| v as usize),
                c.checked_sub(first_col).map(|v| v as usize),
            )
        };
        let (Some(r0), Some(c0)) = to_grid(m.start) else {
            continue;
        };
        let (Some(r1), Some(c1)) = to_grid(m.end) else {
            continue;
        };
        let Some(text) = rows.get(r0).and_then(|r| r.get(c0)).map(|c| c.text.clone()) else {
            continue;
        };
        for row in rows.iter_mut().take(r1 + 1).skip(r0) {
            for cell in row.iter_mut().take(c1 + 1).skip(c0) {
                cell.text.clone_from(&text);
                cell.anchor = (r0, c0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    fn tc(props: &str, body: &str) -> String {
        format!("<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>")
    }

    #[test]
    fn merged_cells_answer_for_every_position_they_cover() {
        let xml = format!(
            "<w:document {W}><w:body>{}<w:tbl>\
             <w:tr>{}{}</w:tr>\
             <w:tr>{}{}{}</w:tr>\
             <w:tr>{}{}{}</w:tr>\
             </w:tbl>{}</w:body></w:document>",
            p("标题"),
            tc(r#"<w:vMerge w:val="restart"/>"#, &p("产出指标")),
            tc(r#"<w:gridSpan w:val="2"/>"#, &p("数量指标")),
            tc("<w:vMerge/>", "<w:p/>"),
            tc("", &p("a")),
            tc("", &p("b")),
            tc("<w:vMerge/>", "<w:p/>"),
            tc("", &p("c")),
            tc("", &p("d")),
            p("结尾"),
        );
        let doc = parse_document_xml(&xml).expect("parses");
        assert_eq!(doc.paragraphs, ["标题", "结尾"]);
        let g = &doc.tables[0];
        assert_eq!(
            g.texts(),
            [
                ["产出指标", "数量指标", "数量指标"],
                ["产出指标", "a", "b"],
                ["产出指标", "c", "d"]
            ]
        );
        assert_eq!(g.rows[2][0].anchor, (0, 0));
        assert_eq!(g.rows[0][2].anchor, (0, 1));
        assert_eq!(g.place(2, 1), "表1 第3行第2列");
        assert_eq!(doc.table_after, [1]);
    }

    #[test]
    fn a_nested_table_is_numbered_after_its_parent_and_stays_out_of_its_cell() {
        let inner = format!("<w:tbl><w:tr>{}</w:tr></w:tbl>", tc("", &p("内")));
        let xml = format!(
            "<w:document {W}><w:body><w:tbl><w:tr>{}{}</w:tr></w:tbl>\
             <w:tbl><w:tr>{}</w:tr></w:tbl></w:body></w:document>",
            tc("", &p("外")),
            tc("", &format!("{}{inner}", p("资金来源"))),
            tc("", &p("第三")),
        );
        let doc = parse_document_xml(&xml).expect("parses");
        let first: Vec<Vec<String>> = doc
            .tables
            .iter()
            .map(|g| g.rows[0].iter().map(|c| c.text.clone()).collect())
            .collect();
        assert_eq!(first, [vec!["外", "资金来源"], vec!["内"], vec!["第三"]]);
        assert_eq!(doc.tables[1].name(), "表2");
    }

    #[test]
    fn sheet_places_are_cell_references() {
        let g = Grid {
            origin: GridOrigin::Sheet {
                sheet: "自评表".into(),
                first_row: 2,
                first_col: 1,
            },
            rows: vec![],
        };
        assert_eq!(g.place(0, 0), "自评表!B3");
        assert_eq!(g.place(4, 26), "自评表!AB7");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }
}
