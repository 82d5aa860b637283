//! Prints a document as jixiao's readers see it: its paragraphs, numbered, and its tables as
//! grids (cells separated by ` | `, a merged cell shown once, `〃` where it repeats).
//!
//!     cargo run -p jixiao-ingest --example document -- REPORT.pdf

use std::path::PathBuf;

fn main() {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: document FILE (.docx, .pdf, .xlsx, .xls, .txt, .md)");
        std::process::exit(2);
    };
    let doc = match jixiao_ingest::text::read_document(&path) {
        Ok((_, doc, _)) => doc,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let mut table = 0;
    for (i, p) in doc.paragraphs.iter().enumerate() {
        while table < doc.tables.len() && doc.table_after[table] == i {
            print_table(&doc.tables[table]);
            table += 1;
        }
        println!("{:>4}  {p}", i + 1);
    }
    for grid in &doc.tables[table..] {
        print_table(grid);
    }
    for note in &doc.notes {
        println!("note: {note}");
    }
}

fn print_table(grid: &jixiao_ingest::document::Grid) {
    println!("      ┌ {} ({} rows)", grid.name(), grid.rows.len());
    for (r, row) in grid.rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if cell.anchor == (r, c) {
                    cell.text.replace('\n', "⏎")
                } else {
                    "〃".to_owned()
                }
            })
            .collect();
        println!("      │ {:>3}: {}", r + 1, cells.join(" | "));
    }
    println!("      └");
}
