//! A grade transition matrix (等级变化矩阵): units counted by their grade before (a row) and
//! after (a column). `jixiao compare` shows one from rule set A to rule set B; the summaries of a
//! run with a results store show one from last year to this year (上年等级 → 本年等级). One type,
//! one way of showing it as Markdown, HTML, a terminal table and rows of a worksheet.

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use maud::{Markup, html};
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

/// A row or a column of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub name: String,
    /// Shown even when it counts no unit (a band of the rule set); else only when it does
    /// (无等级, a grade only last year's rule set had).
    pub always: bool,
}

impl Label {
    pub fn always(name: impl Into<String>) -> Label {
        Label {
            name: name.into(),
            always: true,
        }
    }

    pub fn when_used(name: impl Into<String>) -> Label {
        Label {
            name: name.into(),
            always: false,
        }
    }
}

/// Units counted by (row, column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    rows: Vec<Label>,
    cols: Vec<Label>,
    counts: Vec<Vec<usize>>,
}

impl Matrix {
    pub fn new(rows: Vec<Label>, cols: Vec<Label>) -> Matrix {
        let counts = vec![vec![0; cols.len()]; rows.len()];
        Matrix { rows, cols, counts }
    }

    /// One more unit in row `row`, column `col` (indices into the labels given to
    /// [`Matrix::new`]).
    pub fn add(&mut self, row: usize, col: usize) {
        self.counts[row][col] += 1;
    }

    pub fn rows(&self) -> &[Label] {
        &self.rows
    }

    pub fn cols(&self) -> &[Label] {
        &self.cols
    }

    /// The units in row `row` and column `col`.
    pub fn count(&self, row: usize, col: usize) -> usize {
        self.counts[row][col]
    }

    /// The units in row `row`.
    pub fn row_total(&self, row: usize) -> usize {
        self.counts[row].iter().sum()
    }

    /// The units in column `col`.
    pub fn col_total(&self, col: usize) -> usize {
        self.counts.iter().map(|r| r[col]).sum()
    }

    /// The count of the row named `row` and the column named `col` (0 where there is none):
    /// for tests and readers that know the grades by name.
    pub fn by_name(&self, row: &str, col: &str) -> usize {
        let i = self.rows.iter().position(|l| l.name == row);
        let j = self.cols.iter().position(|l| l.name == col);
        match (i, j) {
            (Some(i), Some(j)) => self.counts[i][j],
            _ => 0,
        }
    }

    /// The rows and the columns shown: each that is always shown or counts a unit.
    pub fn shown(&self) -> (Vec<usize>, Vec<usize>) {
        let rows = (0..self.rows.len())
            .filter(|&i| self.rows[i].always || self.row_total(i) > 0)
            .collect();
        let cols = (0..self.cols.len())
            .filter(|&j| self.cols[j].always || self.col_total(j) > 0)
            .collect();
        (rows, cols)
    }

    /// As a terminal table, `corner` in its top left cell, a 合计 column last.
    pub fn terminal(&self, corner: &str) -> String {
        let (rows, cols) = self.shown();
        let mut table = Table::new();
        table
            .load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled);
        let mut header = vec![Cell::new(corner)];
        header.extend(
            cols.iter()
                .map(|&j| Cell::new(crate::visible(&self.cols[j].name))),
        );
        header.push(Cell::new("合计"));
        table.set_header(header);
        for &i in &rows {
            let mut row = vec![Cell::new(crate::visible(&self.rows[i].name))];
            row.extend(
                cols.iter()
                    .map(|&j| Cell::new(self.counts[i][j]).set_alignment(CellAlignment::Right)),
            );
            row.push(Cell::new(self.row_total(i)).set_alignment(CellAlignment::Right));
            table.add_row(row);
        }
        table.to_string()
    }

    /// As a Markdown table (ending in a newline), `corner` in its top left cell, a 合计 column
    /// last.
    pub fn markdown(&self, corner: &str) -> String {
        let (rows, cols) = self.shown();
        let mut out = format!("| {corner} |");
        for &j in &cols {
            out.push_str(&format!(" {} |", crate::cell(&self.cols[j].name)));
        }
        out.push_str(" 合计 |\n|---|");
        out.push_str(&"---:|".repeat(cols.len() + 1));
        out.push('\n');
        for &i in &rows {
            out.push_str(&format!("| {} |", crate::cell(&self.rows[i].name)));
            for &j in &cols {
                out.push_str(&format!(" {} |", self.counts[i][j]));
            }
            out.push_str(&format!(" {} |\n", self.row_total(i)));
        }
        out
    }

    /// As an HTML table, `corner` in its top left cell, a 合计 column last.
    pub fn html(&self, corner: &str) -> Markup {
        let (rows, cols) = self.shown();
        html! {
            table {
                thead { tr { th { (corner) } @for &j in &cols { th { (self.cols[j].name) } } th { "合计" } } }
                tbody {
                    @for &i in &rows {
                        tr {
                            th { (self.rows[i].name) }
                            @for &j in &cols { td.n { (self.counts[i][j]) } }
                            td.n { (self.row_total(i)) }
                        }
                    }
                }
            }
        }
    }

    /// Written into `sheet` from row `top`: a header row (`corner`, the columns, 合计) and a row
    /// a grade, the labels in `header`'s format. Returns the row after the last one written.
    pub fn write_rows(
        &self,
        sheet: &mut Worksheet,
        top: u32,
        corner: &str,
        header: &Format,
    ) -> Result<u32, XlsxError> {
        let (rows, cols) = self.shown();
        let count = |n: usize| f64::from(u32::try_from(n).unwrap_or(u32::MAX));
        let col = |k: usize| u16::try_from(k).unwrap_or(u16::MAX);
        sheet.write_string_with_format(top, 0, corner, header)?;
        for (k, &j) in cols.iter().enumerate() {
            sheet.write_string_with_format(top, col(k + 1), &self.cols[j].name, header)?;
        }
        sheet.write_string_with_format(top, col(cols.len() + 1), "合计", header)?;
        let mut row = top + 1;
        for &i in &rows {
            sheet.write_string_with_format(row, 0, &self.rows[i].name, header)?;
            for (k, &j) in cols.iter().enumerate() {
                sheet.write_number(row, col(k + 1), count(self.counts[i][j]))?;
            }
            sheet.write_number(row, col(cols.len() + 1), count(self.row_total(i)))?;
            row += 1;
        }
        Ok(row)
    }
}
