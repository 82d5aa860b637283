//! The store's long texts (a unit and its scorecard as JSON, a run's summaries) are kept
//! compressed with LZ4 (block format, the uncompressed size first as 4 bytes little-endian):
//! a third of the bytes to write and to back up, for little CPU.

/// Most a unit's or scorecard's text may unpack to (a unit file is at most a few MB).
pub(crate) const MAX_RECORD: usize = 64 << 20;

/// Most a kept file may unpack to (the block format's size field is 32 bits).
pub(crate) const MAX_FILE: usize = u32::MAX as usize;

/// `bytes`, compressed.
pub(crate) fn pack(bytes: &[u8]) -> Vec<u8> {
    lz4_flex::block::compress_prepend_size(bytes)
}

/// The size `bytes` says it unpacks to, refused beyond `max` before anything is allocated.
fn unpack(bytes: &[u8], max: usize) -> Result<Vec<u8>, String> {
    let size = bytes
        .get(..4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .ok_or("shorter than its size field")?;
    if size > max {
        return Err(format!(
            "it says it unpacks to {size} bytes, more than {max}"
        ));
    }
    lz4_flex::block::decompress_size_prepended(bytes).map_err(|e| e.to_string())
}

/// A record's text, unpacked: at most [`MAX_RECORD`] bytes of UTF-8.
pub(crate) fn unpack_text(bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(unpack(bytes, MAX_RECORD)?).map_err(|e| e.to_string())
}

/// A kept file, unpacked.
pub(crate) fn unpack_file(bytes: &[u8]) -> Result<Vec<u8>, String> {
    unpack(bytes, MAX_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_as_they_went_in() {
        let text = r#"{"name":"株洲市芦淞区科学技术协会","total":"68.28"}"#.repeat(50);
        let packed = pack(text.as_bytes());
        assert!(
            packed.len() * 10 < text.len(),
            "{} of {}",
            packed.len(),
            text.len()
        );
        assert_eq!(unpack_text(&packed).unwrap(), text);
        assert_eq!(unpack_file(&packed).unwrap(), text.as_bytes());
    }

    #[test]
    fn damaged_bytes_are_an_error() {
        assert!(unpack_text(b"no").is_err());
        // A size beyond the bound is refused before anything is allocated.
        assert!(
            unpack_text(&[0xff, 0xff, 0xff, 0x7f, 0])
                .unwrap_err()
                .contains("more than")
        );
        let mut packed = pack(&[7u8; 4096]);
        packed.truncate(packed.len() / 2);
        assert!(unpack_text(&packed).is_err());
        // Not UTF-8.
        assert!(unpack_text(&pack(&[0xff, 0xfe])).is_err());
    }
}
