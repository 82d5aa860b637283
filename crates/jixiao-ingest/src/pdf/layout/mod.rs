//! From glyphs and rules on pages to a [`Document`]: tables rebuilt from the rules drawn around
//! their cells (or, without rules, from columns of text), lines of text joined into paragraphs,
//! page headers and footers left out, a table that runs over pages joined into one grid with its
//! repeated header rows dropped.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::content::{Glyph, Page, Rule};
use crate::document::{Cell, Document, Grid, GridOrigin};

mod pages;
mod ruled;
mod text;
mod unruled;

use pages::{continues, join};
use ruled::{cluster, ruled_tables};
use text::{line_of, lines, needs_space, wrapped};
use unruled::unruled_tables;

/// How close two rules are to count as one line (points).
const SNAP: f32 = 2.0;

/// A line of text: glyphs on one baseline, left to right.
#[derive(Debug, Clone)]
struct Line {
    y: f32,
    x0: f32,
    x1: f32,
    size: f32,
    text: String,
    /// Parts separated by a wide gap: (x0, x1, text).
    spans: Vec<(f32, f32, String)>,
    /// Parts separated by a wide gap, or by a small one where a new text object starts (a
    /// program writing a table without rules starts one per cell): what an unruled table's
    /// columns are found from.
    chunks: Vec<(f32, f32, String)>,
    /// How wide the line's first unbreakable piece is (a character with the punctuation that
    /// may not be parted from it, or a run of Latin letters and digits): had it fitted at the end
    /// of the line before, it would have been put there.
    first_width: f32,
}

/// A table found on a page, before it is joined with its continuation.
#[derive(Debug, Clone)]
struct Table {
    /// Column edges, left to right.
    xs: Vec<f32>,
    /// Top of the table.
    top: f32,
    bottom: f32,
    rows: Vec<Vec<Cell>>,
    /// Where the text of each merged cell (by anchor) starts and ends, to tell a row the page
    /// break cut from one that ended.
    ends: BTreeMap<(usize, usize), Ends>,
}

/// A cell's text against its cell: its first line's first piece, its last line's end.
#[derive(Debug, Clone, Copy)]
struct Ends {
    left: f32,
    right: f32,
    first_width: f32,
    last_x0: f32,
    last_x1: f32,
    size: f32,
    lines: usize,
    /// How far the text stops short of the cell's top and bottom edges.
    room_above: f32,
    room_below: f32,
}

/// A cell's text stops short of its edge by the cell's padding (Word's default is 0.19 cm).
const PADDING: f32 = 6.0;

/// What a page holds, top to bottom.
#[derive(Debug)]
enum Block {
    Line(Line),
    Table(Table),
    /// Something left unread, for the document's notes.
    Note(String),
}

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[-—–－·\s]*\d+[-—–－·\s]*|第\s*\d+\s*页.*|共\s*\d+\s*页.*|\d+\s*/\s*\d+|(?i:page)\s*\d+.*)$",
    )
    .expect("a valid pattern")
});

/// Whether a line is in the page's top or bottom margin band.
fn in_margin(line: &Line, page: &Page) -> bool {
    let y = line.y - page.origin.1;
    y > page.height * 0.93 || y < page.height * 0.07
}

/// The document's blocks, page by page, with page headers and footers left out.
fn blocks(pages: &[Page]) -> Vec<(u32, Block)> {
    let mut per_page: Vec<(Vec<Table>, Vec<Line>)> = pages
        .iter()
        .map(|page| {
            let (mut tables, rest) = ruled_tables(page);
            let (unruled, lines) = unruled_tables(lines(rest));
            tables.extend(unruled);
            (tables, lines)
        })
        .collect();
    // A line in the margin that is a page number, or that comes back on other pages (a running
    // title, the date a browser prints), is not the document's text.
    let key = |l: &Line| {
        l.text
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect::<String>()
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for ((_, lines), page) in per_page.iter().zip(pages) {
        let keys: std::collections::BTreeSet<String> = lines
            .iter()
            .filter(|l| in_margin(l, page))
            .map(key)
            .collect();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for (number, ((tables, lines), page)) in per_page.iter_mut().zip(pages).enumerate() {
        lines.retain(|l| {
            !(in_margin(l, page)
                && (PAGE_NUMBER.is_match(&l.text.replace(' ', ""))
                    || (pages.len() > 1 && seen.get(&key(l)).is_some_and(|n| *n > 1))))
        });
        let page_number = number + 1;
        let mut page_blocks: Vec<(f32, Block)> = std::mem::take(tables)
            .into_iter()
            .map(|t| {
                let block = if t.rows.is_empty() {
                    Block::Note(format!(
                        "第{page_number}页的一个表格未读取: 表中文字超出单元格, 压在表格线上, 无法确定各单元格的内容"
                    ))
                } else {
                    Block::Table(t)
                };
                (t_top(&block), block)
            })
            .chain(
                std::mem::take(lines)
                    .into_iter()
                    .map(|l| (l.y + l.size, Block::Line(l))),
            )
            .collect();
        page_blocks.sort_by(|a, b| b.0.total_cmp(&a.0));
        let number = u32::try_from(number + 1).unwrap_or(u32::MAX);
        out.extend(page_blocks.into_iter().map(|(_, b)| (number, b)));
    }
    out
}

fn t_top(block: &Block) -> f32 {
    match block {
        Block::Table(t) => t.top,
        Block::Line(l) => l.y + l.size,
        Block::Note(_) => f32::MAX,
    }
}

/// The pages as a document.
pub(super) fn document(pages: &[Page]) -> Document {
    let mut doc = Document::default();
    // The table being built, with the page of each row, and whether it is still open (nothing
    // has come after it but a page break).
    let mut open: Option<(Table, Vec<u32>)> = None;
    let mut last_page = 0;
    let mut paragraph: Option<Line> = None;
    let mut right_edge: BTreeMap<u32, f32> = BTreeMap::new();
    let mut left_edge: BTreeMap<u32, f32> = BTreeMap::new();
    let blocks = blocks(pages);
    for (page, block) in &blocks {
        if let Block::Line(l) = block {
            if l.text.chars().count() >= 10 {
                let r = right_edge.entry(*page).or_insert(l.x1);
                *r = r.max(l.x1);
            }
            let x = left_edge.entry(*page).or_insert(l.x0);
            *x = x.min(l.x0);
        }
    }
    let close = |doc: &mut Document, open: &mut Option<(Table, Vec<u32>)>| {
        if let Some((table, pages)) = open.take() {
            doc.table_after.push(doc.paragraphs.len());
            let number = doc.tables.len() + 1;
            let mut grid = Grid {
                origin: GridOrigin::Pdf {
                    table: number,
                    pages,
                },
                rows: table.rows,
            };
            grid.pad();
            doc.tables.push(grid);
        }
    };
    for (page, block) in blocks {
        let new_page = page != last_page;
        last_page = page;
        match block {
            Block::Table(next) => {
                if let Some(p) = paragraph.take() {
                    doc.paragraphs.push(p.text);
                }
                match open.as_mut() {
                    Some((table, row_pages)) if new_page && continues(table, &next) => {
                        join(table, row_pages, next, page);
                    }
                    _ => {
                        close(&mut doc, &mut open);
                        let pages = vec![page; next.rows.len()];
                        open = Some((next, pages));
                    }
                }
            }
            Block::Note(note) => doc.notes.push(note),
            Block::Line(line) => {
                close(&mut doc, &mut open);
                let right = right_edge.get(&page).copied().unwrap_or(line.x1);
                let left = left_edge.get(&page).copied().unwrap_or(line.x0);
                paragraph = Some(match paragraph.take() {
                    Some(mut p) if continues_paragraph(&p, &line, left, right, new_page) => {
                        if needs_space(&p.text, &line.text) {
                            p.text.push(' ');
                        }
                        p.text.push_str(&line.text);
                        Line {
                            text: p.text,
                            ..line
                        }
                    }
                    Some(p) => {
                        doc.paragraphs.push(p.text);
                        line
                    }
                    None => line,
                });
            }
        }
    }
    if let Some(p) = paragraph.take() {
        doc.paragraphs.push(p.text);
    }
    close(&mut doc, &mut open);
    doc
}

/// Whether `line` goes on the paragraph whose last line is `prev`: `prev` ran to the right
/// edge of the text, `line` is not indented, in the same size, not far below.
fn continues_paragraph(prev: &Line, line: &Line, left: f32, right: f32, new_page: bool) -> bool {
    let size = prev.size.max(line.size);
    let full = wrapped(prev, line, left, right);
    let centred = ((line.x0 + line.x1) - (prev.x0 + prev.x1)).abs() <= 2.0 * size;
    let indented = line.x0 > left + 0.9 * size && !centred;
    let same_size = (prev.size - line.size).abs() <= 0.15 * size;
    let close = new_page || (prev.y - line.y) <= 2.0 * size;
    full && !indented
        && same_size
        && close
        && prev.spans.len() <= 1
        && !ENUMERATED.is_match(&line.text)
}

/// A line opening with a heading's or a list's number (`一、`, `（二）`, `3.`, `(1)`) starts a
/// paragraph, even after a full line.
static ENUMERATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．](?:\D|$))",
    )
    .expect("a valid pattern")
});

#[cfg(test)]
mod tests {
    use super::ruled::merge;
    use super::text::first_piece;
    use super::*;

    fn glyphs(text: &str, x: f32, y: f32, size: f32) -> Vec<Glyph> {
        let mut x = x;
        text.chars()
            .map(|c| {
                let w = if c.is_ascii() { size / 2.0 } else { size };
                let g = Glyph {
                    x,
                    end: x + w,
                    y,
                    size,
                    text: c.to_string(),
                    object: 0,
                    clip: None,
                };
                x += w;
                g
            })
            .collect()
    }

    #[test]
    fn page_numbers_and_footers_are_recognised() {
        for footer in [
            "- 3 -",
            "第 2 页",
            "第2页 共5页",
            "共 5 页",
            "3/5",
            "Page 2",
            "— 12 —",
        ] {
            assert!(PAGE_NUMBER.is_match(&footer.replace(' ', "")), "{footer}");
        }
        for text in ["2024年度", "预算执行率100%", "第一节", "3.5万人"] {
            assert!(!PAGE_NUMBER.is_match(text), "{text}");
        }
    }

    #[test]
    fn a_line_keeps_words_and_marks_wide_gaps() {
        let mut g = glyphs("填报单位：某局", 90.0, 700.0, 10.0);
        g.extend(glyphs("单位：万元", 300.0, 700.0, 10.0));
        g.extend(glyphs("Total 12", 400.0, 700.0, 10.0));
        let line = line_of(g.iter().collect());
        assert_eq!(line.text, "填报单位：某局  单位：万元  Total 12");
        assert_eq!(line.spans.len(), 3);
    }

    #[test]
    fn the_first_piece_of_a_line_keeps_what_may_not_be_parted() {
        let width = |t: &str| first_piece(&glyphs(t, 0.0, 0.0, 10.0).iter().collect::<Vec<_>>());
        assert_eq!(width("元，结余"), 20.0); // 元 with its comma
        assert_eq!(width("元/人"), 25.0); // a solidus binds both sides
        assert_eq!(width("（单位）"), 20.0); // an opening bracket stays with what follows
        assert_eq!(width("19.84万元"), 25.0); // a number is one piece
    }

    #[test]
    fn rules_on_one_line_are_joined_and_edges_clustered() {
        let rule = |at, from, to| Rule { at, from, to };
        let merged = merge(vec![
            rule(100.0, 0.0, 50.0),
            rule(100.4, 51.0, 90.0),
            rule(200.0, 0.0, 10.0),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!((merged[0].from, merged[0].to), (0.0, 90.0));
        assert_eq!(cluster(vec![10.0, 10.5, 11.0, 40.0]), vec![10.5, 40.0]);
    }
}
