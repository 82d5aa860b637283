//! A PDF's text layer as a [`Document`]: the text in reading order, and its tables rebuilt from
//! the positions of the text.

use crate::document::Document;

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
    let _ = bytes;
    Err(PdfError::Malformed("not yet read".to_owned()))
}
