//! A PDF's text layer as a [`Document`]: the text in reading order, and its tables rebuilt from
//! the positions of the text and the rules drawn around the cells, so that a 自评表 printed to
//! PDF reads like the same table in Word.
//!
//! lopdf parses the file (objects, streams, content operations; bounded inflation); `content`
//! runs each page's content to find where every glyph is drawn and what its text is (from the
//! font's ToUnicode map); `layout` turns glyphs and rules into lines, paragraphs and tables.
//! A PDF with no text (a scan) or with text that cannot be mapped to Unicode is refused, never
//! read as garbage.
//!
//! Positions on a page are geometry in floating point; no figure is ever computed from them:
//! every figure is read from the text, as in a Word file.
#![allow(
    clippy::float_arithmetic,
    reason = "positions on a page are geometry; figures come from the text only"
)]

mod content;
mod font;
mod layout;

use std::collections::{BTreeMap, BTreeSet};

use crate::document::Document;

/// The largest PDF read (bytes): far above a report (a two-page 自评表 is under 1 MB, a
/// hundred scanned pages some 30 MB). lopdf holds every object of a file in memory, a small one
/// at some 65 times its bytes, so a hostile file of nothing but tiny objects at this size could
/// take some 4 GB: the bound is what keeps that finite.
const FILE_LIMIT: usize = 64 * 1024 * 1024;
/// The most pages read.
const PAGE_LIMIT: usize = 2_000;
/// The most the object and cross-reference streams of a file may inflate to, together, while it
/// is loaded: lopdf parses every object stream when it loads the file, holding all of their
/// objects at once, and its limit is per stream, so a file of many small streams that each
/// inflate to the limit would take memory without bound (an object parsed from a run of `0 `
/// takes some 65 times its bytes). The limit per stream is this shared among the streams the
/// file may have ([`packed_streams`]).
const LOAD_LIMIT: usize = 16 * 1024 * 1024;
/// Why a PDF cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// No page has text: a scan (or pictures only).
    #[error("扫描件, 无文字层 ({pages} 页均无文字): 请提供 Word 文档或带文字的 PDF")]
    NoTextLayer { pages: usize },
    /// Text is drawn in fonts whose characters cannot be mapped to Unicode.
    #[error(
        "PDF 的文字无法识别 (字体 {fonts} 没有字符映射 ToUnicode): 请提供 Word 文档或由 Word 另存的 PDF",
        fonts = fonts.join("、")
    )]
    NoUnicode { fonts: Vec<String> },
    /// Encrypted with a password.
    #[error("PDF 已加密: 请提供未加密的文件")]
    Encrypted,
    /// Not a PDF jixiao can parse.
    #[error("PDF 文件已损坏或无法解析: {0}")]
    Malformed(String),
    /// Over a size limit (pages, streams, text).
    #[error("PDF 超出读取上限: {0}")]
    TooLarge(String),
}

/// Reads a PDF's text layer.
pub fn read(bytes: &[u8]) -> Result<Document, PdfError> {
    if bytes.len() > FILE_LIMIT {
        return Err(PdfError::TooLarge(format!(
            "文件超过 {} MB",
            FILE_LIMIT >> 20
        )));
    }
    let per_stream = LOAD_LIMIT / packed_streams(bytes).max(1);
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(per_stream),
        ..lopdf::LoadOptions::default()
    };
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => PdfError::Encrypted,
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            PdfError::TooLarge(format!("对象流解压后超过上限 ({} KB)", per_stream >> 10))
        }
        other => PdfError::Malformed(other.to_string()),
    })?;
    if doc.is_encrypted() {
        return Err(PdfError::Encrypted);
    }
    let ids = pages(&doc)?;
    if ids.is_empty() {
        return Err(PdfError::Malformed("没有页面".to_owned()));
    }
    let mut fonts = content::Fonts::new();
    let mut budget = content::Budget::new();
    let mut pages = Vec::with_capacity(ids.len());
    for id in ids {
        pages.push(content::page(&doc, id, &mut fonts, &mut budget)?);
    }
    let glyphs: usize = pages.iter().map(|p| p.glyphs.len()).sum();
    let mut unmapped: BTreeMap<&str, usize> = BTreeMap::new();
    for page in &pages {
        for (font, n) in &page.unmapped {
            *unmapped.entry(font).or_default() += n;
        }
    }
    if !unmapped.is_empty() {
        return Err(PdfError::NoUnicode {
            fonts: unmapped.keys().map(|f| (*f).to_owned()).collect(),
        });
    }
    if glyphs == 0 {
        return Err(PdfError::NoTextLayer { pages: pages.len() });
    }
    let mut document = layout::document(&pages);
    let pictures: Vec<String> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.glyphs.is_empty() && p.images > 0)
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if !pictures.is_empty() {
        document.notes.insert(
            0,
            format!(
                "第{}页是图片 (扫描件, 无文字层), 未读取",
                pictures.join("、")
            ),
        );
    }
    Ok(document)
}

/// How deep a page tree may be.
const TREE_DEPTH: usize = 64;

/// The pages in the order of the page tree, each once.
///
/// Not lopdf's `page_iter`: its walk has no memory of the nodes it has been through, only a
/// budget of as many steps as the file has objects, so a node that lists itself first among its
/// kids (`/Kids [2 0 R 3 0 R]` in object 2) spends the budget going round and yields no page, and
/// a page listed twice is read twice. Here each node and page is visited once.
fn pages(doc: &lopdf::Document) -> Result<Vec<lopdf::ObjectId>, PdfError> {
    let root = doc
        .catalog()
        .and_then(|c| c.get(b"Pages"))
        .and_then(lopdf::Object::as_reference)
        .map_err(|e| PdfError::Malformed(format!("没有页面树: {e}")))?;
    let mut walk = Walk {
        doc,
        seen: BTreeSet::new(),
        pages: Vec::new(),
        stack: Vec::new(),
    };
    walk.visit(root)?;
    while let Some(level) = walk.stack.last_mut() {
        match level.next() {
            Some(kid) => {
                if let Ok(id) = kid.as_reference() {
                    walk.visit(id)?;
                }
            }
            None => {
                walk.stack.pop();
            }
        }
    }
    Ok(walk.pages)
}

/// A depth-first walk of the page tree, kids in order.
struct Walk<'d> {
    doc: &'d lopdf::Document,
    seen: BTreeSet<lopdf::ObjectId>,
    pages: Vec<lopdf::ObjectId>,
    /// The kids still to visit at each level.
    stack: Vec<std::slice::Iter<'d, lopdf::Object>>,
}

impl Walk<'_> {
    fn visit(&mut self, id: lopdf::ObjectId) -> Result<(), PdfError> {
        if !self.seen.insert(id) {
            return Ok(());
        }
        let Ok(node) = self.doc.get_dictionary(id) else {
            return Ok(());
        };
        let kids = node
            .get_deref(b"Kids", self.doc)
            .and_then(lopdf::Object::as_array);
        match (node.get_type(), kids) {
            (Ok(b"Pages") | Err(_), Ok(kids)) if self.stack.len() < TREE_DEPTH => {
                self.stack.push(kids.iter());
            }
            // A node too deep is left out, with its pages.
            (Ok(b"Pages") | Err(_), Ok(_)) => {}
            (Ok(b"Page"), _) | (Err(_), Err(_)) => {
                self.pages.push(id);
                if self.pages.len() > PAGE_LIMIT {
                    return Err(PdfError::TooLarge(format!("超过 {PAGE_LIMIT} 页")));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// How many object and cross-reference streams a file may hold: how often the names `/ObjStm`
/// and `/XRef` occur in it, read as lopdf reads a name (`#xx` escapes decoded), wherever they
/// are (a count never below the number of such streams lopdf can find).
fn packed_streams(bytes: &[u8]) -> usize {
    let delimiter = |b: u8| b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b) || b == 0;
    let mut count = 0;
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|b| *b == b'/') {
        let start = i + at + 1;
        let end = bytes[start..]
            .iter()
            .position(|b| delimiter(*b))
            .map_or(bytes.len(), |n| start + n);
        let raw = &bytes[start..end];
        // A name of more than 18 bytes cannot spell either, even with every byte escaped.
        if raw.len() <= 18 {
            let mut name = Vec::with_capacity(raw.len());
            let mut k = 0;
            while k < raw.len() {
                let hex = raw
                    .get(k + 1..k + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match (raw[k], hex) {
                    (b'#', Some(b)) => {
                        name.push(b);
                        k += 3;
                    }
                    (b, _) => {
                        name.push(b);
                        k += 1;
                    }
                }
            }
            if name == b"ObjStm" || name == b"XRef" {
                count += 1;
            }
        }
        i = end.max(start);
    }
    count
}
