//! Bytes that are not UTF-8: where they fail (byte offset, line, the bytes) and whether the whole
//! text reads as GBK (GB18030), the usual reason in a Chinese office. Shared by the loaders of
//! TOML files (unit files, rule sets, vocabularies), which take UTF-8 only and say so at the byte,
//! and by the report reader (`jixiao-ingest`'s `encoding`), which decodes GBK.

use std::path::Path;

use encoding_rs::{DecoderResult, Encoding, GB18030, GBK};

/// Where strict decoding stopped: the offset of the first bad byte, and its 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    pub offset: usize,
    pub line: usize,
}

impl Stop {
    /// Up to four bytes from the stop, in hex (`A4 A4 A4 E5`); empty at the end of the bytes.
    pub fn found(&self, bytes: &[u8]) -> String {
        bytes
            .iter()
            .skip(self.offset)
            .take(4)
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `bytes[skip..]` decoded by `encoding` without replacement characters, or where it fails.
pub fn strict(encoding: &'static Encoding, bytes: &[u8], skip: usize) -> Result<String, Stop> {
    let input = bytes.get(skip..).unwrap_or_default();
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(input.len())
            .unwrap_or(input.len()),
    );
    let mut pos = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&input[pos..], &mut out, true);
        pos += read;
        match result {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => out.reserve(input.len().saturating_sub(pos).max(16) * 3),
            DecoderResult::Malformed(bad, after) => {
                let at = pos.saturating_sub(usize::from(bad) + usize::from(after));
                return Err(Stop {
                    offset: skip + at,
                    line: out.matches('\n').count() + 1,
                });
            }
        }
    }
}

/// chardetng's guess for bytes that are not UTF-8.
pub fn guess(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// Whether bytes that are not UTF-8 are plausibly Chinese in GBK: chardetng takes them for GBK
/// and the whole decodes as GB18030 (which holds GBK and GB2312).
pub fn looks_gbk(bytes: &[u8]) -> bool {
    guess(bytes) == GBK && strict(GB18030, bytes, 0).is_ok()
}

/// A file that is not UTF-8, where it fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not UTF-8 at line {line} (byte offset {offset}: {found}){}",
    if *gbk { "; the file looks GBK (GB18030)-encoded: save it as UTF-8" } else { "" }
)]
pub struct NotUtf8 {
    /// 0-based byte offset of the first byte that is not UTF-8.
    pub offset: usize,
    /// Its 1-based line.
    pub line: usize,
    /// Up to four bytes from there, in hex, or `the end of the file` for a cut sequence.
    pub found: String,
    /// Whether the whole file reads as GBK.
    pub gbk: bool,
}

/// `bytes` as UTF-8 text (a byte-order mark kept, for the parsers that take it), or where they
/// are not.
pub fn utf8(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let offset = e.utf8_error().valid_up_to();
        let stop = Stop {
            offset,
            line: bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1,
        };
        let found = stop.found(bytes);
        NotUtf8 {
            offset,
            line: stop.line,
            found: if found.is_empty() {
                "the end of the file".to_owned()
            } else {
                found
            },
            gbk: looks_gbk(bytes),
        }
    })
}

/// Why a text file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadTextError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    NotUtf8(#[from] NotUtf8),
}

/// The UTF-8 text of the file at `path`.
pub fn read_utf8(path: &Path) -> Result<String, ReadTextError> {
    Ok(utf8(std::fs::read(path)?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bad_byte_is_placed_and_gbk_is_recognised() {
        let text = "[unit]\nname = \"株洲市芦淞区科学技术协会\"\nregion = \"湖南省株洲市芦淞区\"\n";
        let gbk = GBK.encode(text).0.into_owned();
        let err = utf8(gbk).unwrap_err();
        assert_eq!((err.offset, err.line, err.gbk), (15, 2, true));
        assert_eq!(
            err.to_string(),
            format!(
                "not UTF-8 at line 2 (byte offset 15: {}); the file looks GBK (GB18030)-encoded: save it as UTF-8",
                err.found
            )
        );
        let cut = b"a = 1\nb = \"\xE6\xA0".to_vec();
        let err = utf8(cut).unwrap_err();
        assert_eq!((err.offset, err.line, err.gbk), (11, 2, false));
        assert_eq!(err.found, "E6 A0");
        assert_eq!(utf8(text.as_bytes().to_vec()).unwrap(), text);
    }
}
