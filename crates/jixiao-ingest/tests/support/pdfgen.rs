//! PDFs written in code, for the PDF reader's robustness test and the reading benchmark: a
//! [`Document`] (paragraphs and tables, merged cells included) laid out on A4 pages the way a word
//! processor prints it. The text is in one embedded-style composite font (Type0, Identity-H, a
//! CID per UTF-16 unit) with a ToUnicode map and a `/W` array; paragraphs wrap at the margin (a
//! run of Latin letters and digits is never broken, closing punctuation stays with the character
//! before it) with a first-line indent; tables are ruled with `m`/`l`/`S` lines and continue over
//! page breaks with their header row printed again; each page has a 第 N 页 footer.
//!
//! Shared by `tests/pdf_robustness.rs` and `benches/documents.rs` (`#[path]` modules).
#![allow(
    clippy::float_arithmetic,
    reason = "positions on a page are geometry, as in the reader's pdf module"
)]
#![allow(dead_code, reason = "the test and the bench each use part of it")]

use std::collections::BTreeSet;
use std::fmt::Write as _;

use jixiao_ingest::document::{Cell, Document};
use lopdf::content::{Content, Operation};
use lopdf::{Document as Pdf, Object, ObjectId, Stream, StringFormat, dictionary};

pub const PAGE_W: f32 = 595.0;
pub const PAGE_H: f32 = 842.0;
pub const MARGIN: f32 = 72.0;
/// The text's font size.
pub const SIZE: f32 = 10.5;
const LINE: f32 = 18.0;
const CELL_LINE: f32 = 14.0;
const PAD: f32 = 5.4;

/// A character's advance in the generated font, in thousandths of an em (as its `/W` says).
pub fn advance(c: char) -> f32 {
    if c == ' ' {
        250.0
    } else if c.is_ascii() {
        500.0
    } else {
        1000.0
    }
}

fn text_width(s: &str, size: f32) -> f32 {
    s.chars().map(advance).sum::<f32>() * size / 1000.0
}

fn latin(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '%' | '-')
}

fn closing(c: char) -> bool {
    "，。、；：）》”’】！？%…,.;:)!?".contains(c)
}

fn opening(c: char) -> bool {
    "（《“‘【〔(".contains(c)
}

/// A text cut into the pieces a line may not be broken inside.
fn pieces(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if opening(c) {
            open.push(c);
            i += 1;
            continue;
        }
        let mut piece = std::mem::take(&mut open);
        if latin(c) {
            while i < chars.len() && latin(chars[i]) {
                piece.push(chars[i]);
                i += 1;
            }
        } else {
            piece.push(c);
            i += 1;
        }
        while i < chars.len() && closing(chars[i]) {
            piece.push(chars[i]);
            i += 1;
        }
        match out.last_mut() {
            // Punctuation at the start of a piece stays with what came before.
            Some(last) if piece.chars().next().is_some_and(closing) => last.push_str(&piece),
            _ => out.push(piece),
        }
    }
    if !open.is_empty() {
        out.push(open);
    }
    out
}

/// A text wrapped into lines no wider than `first` (the first line) and `rest`.
fn wrap(text: &str, size: f32, first: f32, rest: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    for piece in pieces(text) {
        let w = text_width(&piece, size);
        let limit = if lines.is_empty() { first } else { rest };
        if !line.is_empty() && width + w > limit {
            lines.push(std::mem::take(&mut line).trim_end().to_owned());
            width = 0.0;
        }
        if line.is_empty() && piece == " " {
            continue;
        }
        line.push_str(&piece);
        width += w;
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines
}

/// Lays out pages: the content operations of each page, and every character drawn (for the
/// font's ToUnicode map).
#[derive(Debug, Default)]
pub struct Printer {
    pub pages: Vec<Vec<Operation>>,
    y: f32,
    chars: BTreeSet<u16>,
}

/// The string a `Tj` shows for `text` in the generated font: its UTF-16 units, two bytes each.
pub fn codes(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

impl Printer {
    pub fn new() -> Printer {
        Printer::default()
    }

    fn page(&mut self) -> &mut Vec<Operation> {
        if self.pages.is_empty() {
            self.new_page();
        }
        self.pages.last_mut().expect("a page")
    }

    pub fn new_page(&mut self) {
        self.pages.push(vec![Operation::new("w", vec![0.5.into()])]);
        self.y = PAGE_H - MARGIN;
    }

    /// Room for `height` more on this page, or a new page.
    fn room(&mut self, height: f32) {
        if self.pages.is_empty() || self.y - height < MARGIN {
            self.new_page();
        }
    }

    /// Draws `text` with its baseline at (x, y); `split` draws it with `TJ` in two parts.
    pub fn text(&mut self, x: f32, y: f32, size: f32, text: &str, split: bool) {
        self.chars.extend(text.encode_utf16());
        let shown = if split && text.chars().count() > 1 {
            let mid = text
                .char_indices()
                .nth(text.chars().count() / 2)
                .map_or(0, |(i, _)| i);
            let (a, b) = text.split_at(mid);
            Operation::new(
                "TJ",
                vec![Object::Array(vec![
                    Object::String(codes(a), StringFormat::Hexadecimal),
                    0.into(),
                    Object::String(codes(b), StringFormat::Hexadecimal),
                ])],
            )
        } else {
            Operation::new(
                "Tj",
                vec![Object::String(codes(text), StringFormat::Hexadecimal)],
            )
        };
        let page = self.page();
        page.push(Operation::new("BT", Vec::new()));
        page.push(Operation::new("Tf", vec!["F1".into(), size.into()]));
        page.push(Operation::new(
            "Tm",
            vec![1.into(), 0.into(), 0.into(), 1.into(), x.into(), y.into()],
        ));
        page.push(shown);
        page.push(Operation::new("ET", Vec::new()));
    }

    /// A straight line from (x0, y0) to (x1, y1).
    pub fn rule(&mut self, x0: f32, y0: f32, x1: f32, y1: f32) {
        let page = self.page();
        page.push(Operation::new("m", vec![x0.into(), y0.into()]));
        page.push(Operation::new("l", vec![x1.into(), y1.into()]));
        page.push(Operation::new("S", Vec::new()));
    }

    /// A paragraph, wrapped at the margins, its first line indented by two characters.
    pub fn paragraph(&mut self, text: &str) {
        let width = PAGE_W - 2.0 * MARGIN;
        let indent = 2.0 * SIZE;
        for (i, line) in wrap(text.trim(), SIZE, width - indent, width)
            .iter()
            .enumerate()
        {
            self.room(LINE);
            self.y -= LINE;
            let x = MARGIN + if i == 0 { indent } else { 0.0 };
            self.text(x, self.y + 4.0, SIZE, line, false);
        }
    }

    /// A table of rows of cells (merged cells repeated with one anchor, as in a [`Document`]).
    pub fn table(&mut self, rows: &[Vec<Cell>]) {
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        let anchor = |r: usize, c: usize| rows[r].get(c).map_or((r, c), |cell| cell.anchor);
        // Column widths: each column's widest one-column text, within bounds, scaled to the page.
        let mut natural = vec![2.0 * SIZE; cols];
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let spans = (c + 1 < cols && anchor(r, c + 1) == cell.anchor)
                    || (c > 0 && anchor(r, c - 1) == cell.anchor);
                if !spans {
                    let w = cell
                        .text
                        .lines()
                        .map(|l| text_width(l, SIZE))
                        .fold(0.0, f32::max);
                    natural[c] = natural[c].max(w.min(12.0 * SIZE) + 2.0 * PAD);
                }
            }
        }
        let total: f32 = natural.iter().sum();
        let width = PAGE_W - 2.0 * MARGIN;
        let xs: Vec<f32> = std::iter::once(MARGIN)
            .chain(natural.iter().scan(MARGIN, |x, w| {
                *x += w * width / total;
                Some(*x)
            }))
            .collect();
        // The lines of each anchor's text, wrapped in the columns it spans.
        let lines_of = |r: usize, c: usize| -> Vec<String> {
            let a = anchor(r, c);
            let last = (c..cols)
                .take_while(|&k| anchor(r, k) == a)
                .last()
                .unwrap_or(c);
            let w = xs[last + 1] - xs[c] - 2.0 * PAD;
            rows[r][c]
                .text
                .lines()
                .flat_map(|l| wrap(l, SIZE, w, w))
                .collect()
        };
        let mut heights: Vec<f32> = (0..rows.len())
            .map(|r| {
                (0..rows[r].len())
                    .filter(|&c| {
                        anchor(r, c) == (r, c)
                            && (r + 1 >= rows.len() || anchor(r + 1, c) != (r, c))
                    })
                    .map(|c| lines_of(r, c).len())
                    .max()
                    .unwrap_or(1)
                    .max(1) as f32
                    * CELL_LINE
                    + 2.0 * PAD
            })
            .collect();
        // A cell merged down gets the height its text needs over the rows it spans.
        for r in 0..rows.len() {
            for c in 0..rows[r].len() {
                if anchor(r, c) != (r, c) || r + 1 >= rows.len() || anchor(r + 1, c) != (r, c) {
                    continue;
                }
                let last = (r..rows.len())
                    .take_while(|&k| anchor(k, c) == (r, c))
                    .last();
                let last = last.unwrap_or(r);
                let need = lines_of(r, c).len() as f32 * CELL_LINE + 2.0 * PAD;
                let have: f32 = heights[r..=last].iter().sum();
                if need > have {
                    heights[last] += need - have;
                }
            }
        }
        self.room(heights.first().copied().unwrap_or(0.0));
        self.y -= 6.0;
        let mut first_on_page = true;
        let mut r = 0;
        while r < rows.len() {
            let h = heights[r];
            if self.y - h < MARGIN && !first_on_page {
                self.rule(xs[0], self.y, xs[cols], self.y);
                self.new_page();
                first_on_page = true;
                if r > 0 && rows.len() > 2 {
                    self.row(rows, 0, &xs, heights[0], true, &lines_of);
                    first_on_page = false;
                }
                continue;
            }
            self.row(rows, r, &xs, h, first_on_page, &lines_of);
            first_on_page = false;
            r += 1;
        }
        self.rule(xs[0], self.y, xs[cols], self.y);
        self.y -= 6.0;
    }

    fn row(
        &mut self,
        rows: &[Vec<Cell>],
        r: usize,
        xs: &[f32],
        h: f32,
        first_on_page: bool,
        lines_of: &dyn Fn(usize, usize) -> Vec<String>,
    ) {
        let cols = xs.len() - 1;
        let anchor = |r: usize, c: usize| rows[r].get(c).map_or((r, c), |cell| cell.anchor);
        let top = self.y;
        let bottom = top - h;
        for c in 0..cols {
            let a = anchor(r, c);
            if first_on_page || r == 0 || anchor(r - 1, c) != a {
                self.rule(xs[c], top, xs[c + 1], top);
            }
            if c == 0 {
                self.rule(xs[0], top, xs[0], bottom);
            }
            if c + 1 == cols || anchor(r, c + 1) != a {
                self.rule(xs[c + 1], top, xs[c + 1], bottom);
            }
            if a == (r, c) {
                for (i, line) in lines_of(r, c).iter().enumerate() {
                    let y = top - PAD - (i + 1) as f32 * CELL_LINE + 3.0;
                    self.text(xs[c] + PAD, y, SIZE, line, i % 2 == 1);
                }
            }
        }
        self.y = bottom;
    }

    /// Every paragraph and table of `doc`, in order.
    pub fn document(&mut self, doc: &Document) {
        let mut tables = doc.tables.iter().zip(&doc.table_after).peekable();
        for (i, p) in doc.paragraphs.iter().enumerate() {
            while let Some((t, _)) = tables.next_if(|(_, after)| **after <= i) {
                self.table(&t.rows);
            }
            if !p.trim().is_empty() {
                self.paragraph(p);
            }
        }
        for (t, _) in tables {
            self.table(&t.rows);
        }
    }

    /// The pages as a PDF document (each page numbered 第 N 页 at its foot), not yet saved.
    pub fn finish(mut self) -> Pdf {
        if self.pages.is_empty() {
            self.new_page();
        }
        for n in 0..self.pages.len() {
            let footer = format!("第 {} 页", n + 1);
            let x = (PAGE_W - text_width(&footer, 9.0)) / 2.0;
            self.chars.extend(footer.encode_utf16());
            let page = &mut self.pages[n];
            page.push(Operation::new("BT", Vec::new()));
            page.push(Operation::new("Tf", vec!["F1".into(), 9.into()]));
            page.push(Operation::new("Td", vec![x.into(), 40.into()]));
            page.push(Operation::new(
                "Tj",
                vec![Object::String(codes(&footer), StringFormat::Hexadecimal)],
            ));
            page.push(Operation::new("ET", Vec::new()));
        }
        let mut pdf = Pdf::with_version("1.7");
        let font = font(&mut pdf, &self.chars);
        let pages_id = pdf.new_object_id();
        let resources = pdf.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
        let kids: Vec<Object> = self
            .pages
            .into_iter()
            .map(|operations| {
                let content = Content { operations }.encode().expect("content encodes");
                let mut stream = Stream::new(dictionary! {}, content);
                stream.compress().expect("content compresses");
                let contents = pdf.add_object(stream);
                pdf.add_object(dictionary! {
                    "Type" => "Page",
                    "Parent" => pages_id,
                    "Contents" => contents,
                })
                .into()
            })
            .collect();
        let count = kids.len() as i64;
        pdf.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => kids,
                "Count" => count,
                "Resources" => resources,
                "MediaBox" => vec![0.into(), 0.into(), PAGE_W.into(), PAGE_H.into()],
            }),
        );
        let catalog = pdf.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        pdf.trailer.set("Root", catalog);
        pdf
    }
}

/// The ToUnicode map of a font whose codes are the UTF-16 units of `chars`.
pub fn to_unicode(chars: &BTreeSet<u16>) -> Vec<u8> {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let units: Vec<u16> = chars.iter().copied().collect();
    for block in units.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", block.len()));
        for u in block {
            cmap.push_str(&format!("<{u:04X}> <{u:04X}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap.into_bytes()
}

/// A Type0 font (Identity-H) over a CIDFontType2 with `/W` widths and a ToUnicode map for
/// `chars`; returns the font's id.
pub fn font(pdf: &mut Pdf, chars: &BTreeSet<u16>) -> ObjectId {
    let mut map = Stream::new(dictionary! {}, to_unicode(chars));
    map.compress().expect("map compresses");
    let to_unicode = pdf.add_object(map);
    let descriptor = pdf.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => "AAAAAA+SimSun",
        "Flags" => 4,
        "FontBBox" => vec![0.into(), (-141).into(), 1000.into(), 859.into()],
        "ItalicAngle" => 0,
        "Ascent" => 859,
        "Descent" => -141,
        "CapHeight" => 700,
        "StemV" => 80,
    });
    let cid = pdf.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "AAAAAA+SimSun",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "DW" => 1000,
        "W" => vec![32.into(), vec![250.into()].into(), 33.into(), 126.into(), 500.into()],
        "CIDToGIDMap" => "Identity",
    });
    pdf.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "AAAAAA+SimSun",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid.into()],
        "ToUnicode" => to_unicode,
    })
}

/// A document's bytes as lopdf writes them (a classic cross-reference table).
pub fn save(pdf: &mut Pdf) -> Vec<u8> {
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes).expect("the PDF is written");
    bytes
}

/// `doc` printed to PDF bytes.
pub fn print(doc: &Document) -> Vec<u8> {
    let mut printer = Printer::new();
    printer.document(doc);
    save(&mut printer.finish())
}

/// Rows of cells, none merged, from their texts.
pub fn cells(rows: &[&[&str]]) -> Vec<Vec<Cell>> {
    rows.iter()
        .enumerate()
        .map(|(r, row)| {
            row.iter()
                .enumerate()
                .map(|(c, t)| Cell {
                    text: (*t).to_owned(),
                    anchor: (r, c),
                })
                .collect()
        })
        .collect()
}

/// A file of numbered objects written by hand: `objects[i]` is the body of object `i + 1`
/// (between `N 0 obj` and `endobj`), followed by a classic cross-reference table and a trailer
/// (`/Size`, `/Root 1 0 R` and `extra`).
pub fn raw(objects: &[Vec<u8>], extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in offsets {
        let _ = writeln!(table, "{o:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R {extra} >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.extend_from_slice(table.as_bytes());
    out
}

/// A stream object's body for [`raw`].
pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}
