//! The character encoding of a text report, and its decoding to UTF-8.
//!
//! The rules, in order (decoders: `encoding_rs`, always strict, never a replacement character):
//!
//! 1. a UTF-8 byte-order mark: UTF-8 (the rest must be valid UTF-8);
//! 2. a UTF-16 byte-order mark (`FF FE` little-endian, `FE FF` big-endian): UTF-16;
//! 3. valid UTF-8: UTF-8;
//! 4. otherwise GB18030 (which holds GBK and GB2312), only when the text is plausibly Chinese:
//!    `chardetng` (Firefox's detector for legacy text), given the whole file, guesses GBK (so not
//!    Big5, Shift_JIS, EUC-KR or a Western code page), and the whole file decodes as GB18030;
//! 5. anything else is refused, at the byte where decoding fails (for a file taken for GBK, where
//!    GB18030 fails; else where UTF-8 fails), with the bytes found there.
//!
//! A decoded text holding a NUL character is refused too: it is no text (or UTF-16 without a
//! byte-order mark).

use std::borrow::Cow;

use encoding_rs::{Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};
use jixiao_model::encoding::{Stop, guess, strict};

/// The encoding a text report was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 starting with a byte-order mark (as Windows Notepad used to save it).
    Utf8Bom,
    /// UTF-16 little-endian, with its byte-order mark.
    Utf16Le,
    /// UTF-16 big-endian, with its byte-order mark.
    Utf16Be,
    /// GB18030, GBK or GB2312 (GB18030 holds the other two).
    Gb18030,
}

impl TextEncoding {
    /// The code, for JSON and columns: `utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be`, `gb18030`.
    pub fn code(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Gb18030 => "gb18030",
        }
    }

    /// The name for people: `GBK (GB18030)`.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 (带 BOM)",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Gb18030 => "GBK (GB18030)",
        }
    }

    /// What the 数据来源 section says of it, when it is not plain UTF-8:
    /// `文件编码: GBK (GB18030), 已转换为 UTF-8`.
    pub fn note(self) -> Option<String> {
        match self {
            TextEncoding::Utf8 => None,
            TextEncoding::Utf8Bom => Some(format!("文件编码: {}", self.label())),
            _ => Some(format!("文件编码: {}, 已转换为 UTF-8", self.label())),
        }
    }
}

/// Why a text file could not be decoded (the reason only: [`crate::IngestError::Encoding`] adds
/// what to send instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodingError {
    /// The bytes at `offset` are not valid in the encoding the file was taken to be in.
    #[error("文本编码无法识别: 第{line}行 (字节偏移 {offset}) 处的字节 {found} {why}")]
    Undecodable {
        /// 0-based byte offset in the file.
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
        /// Up to four bytes from `offset`, in hex: `A4 A4 A4 E5`.
        found: String,
        /// What they are not, in Chinese: `不是 UTF-8, 全文也不像 GBK 编码的中文 (像是 Big5 繁体中文)`.
        why: Cow<'static, str>,
    },
    /// The text holds a NUL character: not text, or UTF-16 without a byte-order mark.
    #[error(
        "文件含有空字节 (第{line}行, 字节偏移 {offset}): 不是纯文本, 或是不带 BOM 的 UTF-16 文本"
    )]
    Nul { offset: usize, line: usize },
}

/// Decodes a text file's bytes by the rules of this module.
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), EncodingError> {
    let boms: [(&[u8], &'static Encoding, TextEncoding, &'static str); 3] = [
        (
            b"\xEF\xBB\xBF",
            UTF_8,
            TextEncoding::Utf8Bom,
            "不是 UTF-8 (文件以 UTF-8 的 BOM 开头)",
        ),
        (
            b"\xFF\xFE",
            UTF_16LE,
            TextEncoding::Utf16Le,
            "不是 UTF-16LE (文件以 UTF-16LE 的 BOM 开头)",
        ),
        (
            b"\xFE\xFF",
            UTF_16BE,
            TextEncoding::Utf16Be,
            "不是 UTF-16BE (文件以 UTF-16BE 的 BOM 开头)",
        ),
    ];
    let (text, encoding, bom) = match boms.iter().find(|(bom, ..)| bytes.starts_with(bom)) {
        Some((bom, decoder, encoding, why)) => {
            let text =
                strict(decoder, bytes, bom.len()).map_err(|at| undecodable(at, bytes, *why))?;
            (text, *encoding, bom.len())
        }
        None => match strict(UTF_8, bytes, 0) {
            Ok(text) => (text, TextEncoding::Utf8, 0),
            Err(not_utf8) => {
                let guess = guess(bytes);
                if guess != GBK {
                    return Err(undecodable(not_utf8, bytes, not_gbk(guess)));
                }
                let text = strict(GB18030, bytes, 0)
                    .map_err(|at| undecodable(at, bytes, "不是有效的 GBK (GB18030) 编码"))?;
                (text, TextEncoding::Gb18030, 0)
            }
        },
    };
    if let Some(nul) = text.find('\0') {
        let before = &text[..nul];
        // The NUL's byte offset in the file: the text before it, counted in the file's encoding.
        let offset = bom
            + match encoding {
                TextEncoding::Utf8 | TextEncoding::Utf8Bom => before.len(),
                TextEncoding::Utf16Le | TextEncoding::Utf16Be => 2 * before.encode_utf16().count(),
                TextEncoding::Gb18030 => GB18030.encode(before).0.len(),
            };
        let line = line_of(before);
        return Err(EncodingError::Nul { offset, line });
    }
    Ok((text, encoding))
}

/// The error for a decoding that stopped at `stop`.
fn undecodable(stop: Stop, bytes: &[u8], why: impl Into<Cow<'static, str>>) -> EncodingError {
    let found = stop.found(bytes);
    EncodingError::Undecodable {
        offset: stop.offset,
        line: stop.line,
        found: if found.is_empty() {
            "(文件末尾不完整)".to_owned()
        } else {
            found
        },
        why: why.into(),
    }
}

fn line_of(text_before: &str) -> usize {
    text_before.matches('\n').count() + 1
}

/// Why bytes that are not UTF-8 were not taken for GBK, naming a legacy East Asian encoding
/// they look like (a Western code page is no help to a unit: it is left unnamed).
fn not_gbk(guess: &'static Encoding) -> Cow<'static, str> {
    let like = [
        ("Big5", "Big5 繁体中文"),
        ("Shift_JIS", "Shift_JIS 日文"),
        ("EUC-JP", "EUC-JP 日文"),
        ("EUC-KR", "EUC-KR 韩文"),
    ]
    .into_iter()
    .find(|(name, _)| guess.name() == *name);
    match like {
        Some((_, label)) => format!("不是 UTF-8, 全文也不像 GBK 编码的中文 (像是 {label})").into(),
        None => "不是 UTF-8, 全文也不像 GBK 编码的中文".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "2024年度株洲市芦淞区科学技术协会整体支出绩效自评报告\n\
        一、部门基本情况\n我会是群团组织，编制数12人，在职11人。\n\
        二、一般公共预算支出情况\n年初预算69.16万元，全年支出85.62万元。\n";

    fn decoded(bytes: &[u8]) -> (String, TextEncoding) {
        decode(bytes).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn utf8_with_and_without_its_bom() {
        assert_eq!(
            decoded(REPORT.as_bytes()),
            (REPORT.to_owned(), TextEncoding::Utf8)
        );
        let bom = [b"\xEF\xBB\xBF".as_slice(), REPORT.as_bytes()].concat();
        assert_eq!(decoded(&bom), (REPORT.to_owned(), TextEncoding::Utf8Bom));
        assert_eq!(decoded(b""), (String::new(), TextEncoding::Utf8));
    }

    #[test]
    fn utf16_with_its_bom_either_way_round() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(REPORT.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decoded(&le), (REPORT.to_owned(), TextEncoding::Utf16Le));
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(REPORT.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decoded(&be), (REPORT.to_owned(), TextEncoding::Utf16Be));
        // An odd byte at the end is no UTF-16: refused where it stands.
        let mut odd = le.clone();
        odd.push(0x41);
        let Err(EncodingError::Undecodable { offset, found, .. }) = decode(&odd) else {
            panic!("odd UTF-16 accepted");
        };
        assert_eq!((offset, found.as_str()), (le.len(), "41"));
    }

    #[test]
    fn gbk_chinese_is_read_as_gb18030() {
        let (gbk, _, unmappable) = GBK.encode(REPORT);
        assert!(!unmappable);
        assert_eq!(decoded(&gbk), (REPORT.to_owned(), TextEncoding::Gb18030));
        // A character outside GBK, in GB18030's four-byte form.
        let text = format!("{REPORT}㐀㐁 (扩展A区)\n");
        let (gb18030, _, _) = GB18030.encode(&text);
        assert_eq!(decoded(&gb18030), (text, TextEncoding::Gb18030));
    }

    #[test]
    fn crlf_lines_are_lines() {
        let crlf = REPORT.replace('\n', "\r\n");
        let (gbk, _, _) = GBK.encode(&crlf);
        let (text, _) = decoded(&gbk);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines, REPORT.lines().collect::<Vec<_>>());
    }

    #[test]
    fn big5_is_refused_where_utf8_fails() {
        let traditional = "二、一般公共預算支出情況\n年初預算69.16萬元，全年支出85.62萬元，執行率達到百分之九十以上。\n\
            三、專項資金使用情況\n本單位無政府性基金預算收支，績效自評結果已按規定公開。\n";
        let (big5, _, unmappable) = encoding_rs::BIG5.encode(traditional);
        assert!(!unmappable);
        let err = decode(&big5).unwrap_err();
        // 「二」 is A4 47 in Big5: the first byte, on line 1.
        assert_eq!(
            err.to_string(),
            "文本编码无法识别: 第1行 (字节偏移 0) 处的字节 A4 47 A1 42 不是 UTF-8, \
             全文也不像 GBK 编码的中文 (像是 Big5 繁体中文)"
        );
    }

    #[test]
    fn short_gbk_lines_are_chinese_and_other_east_asian_text_is_named() {
        for line in ["绩效自评报告", "单位：万元", "年初预算69.16万元"] {
            let (gbk, _, _) = GBK.encode(line);
            assert_eq!(decoded(&gbk), (line.to_owned(), TextEncoding::Gb18030));
        }
        for (encoding, text, like) in [
            (
                encoding_rs::SHIFT_JIS,
                "令和6年度の予算執行状況について、事業の成果を報告します。",
                "Shift_JIS 日文",
            ),
            (
                encoding_rs::EUC_KR,
                "예산 집행 현황 보고서입니다. 성과 평가 결과를 공개합니다.",
                "EUC-KR 韩文",
            ),
        ] {
            let (bytes, _, _) = encoding.encode(text);
            let err = decode(&bytes).unwrap_err().to_string();
            assert!(err.ends_with(&format!("(像是 {like})")), "{err}");
        }
    }

    #[test]
    fn other_bytes_are_refused_at_the_first_bad_byte() {
        let mut bytes = b"report\nline two\n".to_vec();
        bytes.extend([0xC3, 0x28, 0x80, 0xFF, 0x00, 0x9F]);
        let Err(EncodingError::Undecodable {
            offset,
            line,
            found,
            ..
        }) = decode(&bytes)
        else {
            panic!("accepted");
        };
        assert_eq!((offset, line, found.as_str()), (16, 3, "C3 28 80 FF"));
        // Latin-1 text: not named (a Western code page is no help to a unit).
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode("Café résumé");
        assert_eq!(
            decode(&latin).unwrap_err().to_string(),
            "文本编码无法识别: 第1行 (字节偏移 3) 处的字节 E9 20 72 E9 不是 UTF-8, 全文也不像 GBK 编码的中文"
        );
        // Valid UTF-8 after a UTF-8 BOM, but for one byte: UTF-8, no second guess.
        let bom = [
            b"\xEF\xBB\xBF".as_slice(),
            "年初预算".as_bytes(),
            b"\xB5\xDA",
        ]
        .concat();
        let err = decode(&bom).unwrap_err();
        assert_eq!(
            err.to_string(),
            "文本编码无法识别: 第1行 (字节偏移 15) 处的字节 B5 DA 不是 UTF-8 (文件以 UTF-8 的 BOM 开头)"
        );
    }

    #[test]
    fn a_nul_is_no_text() {
        // UTF-16 without its BOM: refused, one way or the other, never read as GBK.
        let no_bom: Vec<u8> = REPORT.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(
            matches!(
                decode(&no_bom),
                Err(EncodingError::Nul { .. } | EncodingError::Undecodable { .. })
            ),
            "{:?}",
            decode(&no_bom)
        );
        let ascii: Vec<u8> = "ab\ncd".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(
            decode(&ascii),
            Err(EncodingError::Nul { offset: 1, line: 1 })
        );
    }

    #[test]
    fn notes_name_the_encoding() {
        assert_eq!(TextEncoding::Utf8.note(), None);
        assert_eq!(
            TextEncoding::Gb18030.note().as_deref(),
            Some("文件编码: GBK (GB18030), 已转换为 UTF-8")
        );
    }
}
