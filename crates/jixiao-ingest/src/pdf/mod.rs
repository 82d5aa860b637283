//! A PDF's text layer as a [`Document`]: the text in reading order, and its tables rebuilt from
//! the positions of the text and the rules drawn around the cells, so that a 自评表 printed to
//! PDF reads like the same table in Word.
//!
//! lopdf parses the file (objects, streams, content operations; bounded inflation); [`content`]
//! runs each page's content to find where every glyph is drawn and what its text is (from the
//! font's ToUnicode map); [`layout`] turns glyphs and rules into lines, paragraphs and tables.
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

use std::collections::BTreeMap;

use crate::document::Document;

/// The largest PDF read (bytes).
const FILE_LIMIT: usize = 200 * 1024 * 1024;
/// The most pages read.
const PAGE_LIMIT: usize = 2_000;
/// The most glyphs read over all pages.
const GLYPH_LIMIT: usize = 5_000_000;
/// The most an object or cross-reference stream may inflate to while the file is loaded.
const LOAD_LIMIT: usize = 64 * 1024 * 1024;
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
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(LOAD_LIMIT),
        ..lopdf::LoadOptions::default()
    };
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => PdfError::Encrypted,
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            PdfError::TooLarge(format!("压缩数据解压后超过 {} MB", LOAD_LIMIT >> 20))
        }
        other => PdfError::Malformed(other.to_string()),
    })?;
    if doc.is_encrypted() {
        return Err(PdfError::Encrypted);
    }
    let ids: Vec<lopdf::ObjectId> = doc.page_iter().take(PAGE_LIMIT + 1).collect();
    if ids.is_empty() {
        return Err(PdfError::Malformed("没有页面".to_owned()));
    }
    if ids.len() > PAGE_LIMIT {
        return Err(PdfError::TooLarge(format!("超过 {PAGE_LIMIT} 页")));
    }
    let mut fonts = content::Fonts::new();
    let mut pages = Vec::with_capacity(ids.len());
    let mut glyphs = 0;
    for id in ids {
        let page = content::page(&doc, id, &mut fonts)?;
        glyphs += page.glyphs.len();
        if glyphs > GLYPH_LIMIT {
            return Err(PdfError::TooLarge(format!("超过 {GLYPH_LIMIT} 个字符")));
        }
        pages.push(page);
    }
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
