//! Zip archives (`.docx`, `.xlsx`) read within bounds: a zip bomb (a small file that inflates to
//! gigabytes) is refused at the member that gives it away, never inflated into memory.
//!
//! The sizes a zip's directory declares can lie, so every bound is enforced while inflating:
//! each member is read through a counter that stops at the first chunk past a limit. A member
//! may inflate to at most [`MAX_ENTRY`] bytes and, once past [`RATIO_GRACE`], to at most
//! [`MAX_RATIO`] times its compressed size; all members together to at most [`MAX_TOTAL`].
//! [`check`] streams every member of a workbook through these bounds before calamine opens it
//! (calamine inflates as it likes); [`read_entry`] reads one member (a Word file's
//! `word/document.xml`) within them.

use std::io::{Read, Seek};

use zip::ZipArchive;

/// The most one member may inflate to: 128 MiB (a filled form inflates to well under 1 MiB, a
/// long Word report to a few).
pub const MAX_ENTRY: u64 = 128 << 20;
/// The most all members of one archive may inflate to together: 512 MiB.
pub const MAX_TOTAL: u64 = 512 << 20;
/// The most a member may inflate per compressed byte once past [`RATIO_GRACE`] (XML compresses
/// some 5 to 20 times; Apache POI refuses past 100 too).
pub const MAX_RATIO: u64 = 100;
/// Below this many inflated bytes a member's ratio is not looked at (a tiny member of repeated
/// XML may compress very well, and is harmless).
pub const RATIO_GRACE: u64 = 1 << 20;

/// A member of an archive that inflates past a bound.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipLimit {
    #[error(
        "the archive member `{entry}` inflates to more than {} MiB; not read (a zip bomb?)",
        MAX_ENTRY >> 20
    )]
    Entry { entry: String },
    #[error(
        "the archive member `{entry}` inflates to more than {MAX_RATIO} times its {compressed} compressed bytes; not read (a zip bomb?)"
    )]
    Ratio { entry: String, compressed: u64 },
    #[error(
        "the archive's members inflate to more than {} MiB in all (at `{entry}`); not read (a zip bomb?)",
        MAX_TOTAL >> 20
    )]
    Total { entry: String },
    #[error("the archive member `{entry}` cannot be read: {why}")]
    Read { entry: String, why: String },
}

/// The bounds, as the constants above say (smaller in this module's tests).
#[derive(Debug, Clone, Copy)]
struct Limits {
    entry: u64,
    total: u64,
}

const LIMITS: Limits = Limits {
    entry: MAX_ENTRY,
    total: MAX_TOTAL,
};

/// Inflates `from` (the member `entry`, `compressed` bytes in the archive) chunk by chunk into
/// `to`, counting against the bounds; `total` is what the archive's other members inflated to.
fn inflate(
    limits: Limits,
    entry: &str,
    compressed: u64,
    mut from: impl Read,
    total: &mut u64,
    mut to: impl FnMut(&[u8]),
) -> Result<(), ZipLimit> {
    let mut buf = vec![0u8; 64 << 10];
    let mut size: u64 = 0;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(ZipLimit::Read {
                    entry: entry.to_owned(),
                    why: e.to_string(),
                });
            }
        };
        size += n as u64;
        *total += n as u64;
        let entry = || entry.to_owned();
        if size > limits.entry {
            return Err(ZipLimit::Entry { entry: entry() });
        }
        if size > RATIO_GRACE && size > compressed.saturating_mul(MAX_RATIO) {
            return Err(ZipLimit::Ratio {
                entry: entry(),
                compressed,
            });
        }
        if *total > limits.total {
            return Err(ZipLimit::Total { entry: entry() });
        }
        to(&buf[..n]);
    }
}

/// Streams every member of the zip archive `reader` through the bounds, keeping nothing. What is
/// not a zip, or a member that cannot be opened, is left for the reader proper to report (it
/// inflates nothing the bounds have not seen).
pub fn check<R: Read + Seek>(reader: R) -> Result<(), ZipLimit> {
    check_within(LIMITS, reader)
}

fn check_within<R: Read + Seek>(limits: Limits, reader: R) -> Result<(), ZipLimit> {
    let Ok(mut archive) = ZipArchive::new(reader) else {
        return Ok(());
    };
    let mut total = 0;
    for i in 0..archive.len() {
        let Ok(file) = archive.by_index(i) else {
            continue;
        };
        let entry = String::from_utf8_lossy(file.name_raw()).into_owned();
        let compressed = file.compressed_size();
        inflate(limits, &entry, compressed, file, &mut total, |_| ())?;
    }
    Ok(())
}

/// Why one member could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    #[error("no {entry} in the archive: {source}")]
    Missing {
        entry: String,
        #[source]
        source: zip::result::ZipError,
    },
    #[error(transparent)]
    Limit(#[from] ZipLimit),
}

/// The bytes of the member `name`, inflated within the bounds.
pub fn read_entry<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    name: &str,
) -> Result<Vec<u8>, EntryError> {
    let file = archive
        .by_name(name)
        .map_err(|source| EntryError::Missing {
            entry: name.to_owned(),
            source,
        })?;
    let compressed = file.compressed_size();
    let mut out = Vec::new();
    inflate(LIMITS, name, compressed, file, &mut 0, |chunk| {
        out.extend_from_slice(chunk);
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write as _};
    use zip::write::SimpleFileOptions;

    const SMALL: Limits = Limits {
        entry: 3 << 20,
        total: 5 << 20,
    };

    /// An archive of `(name, bytes)` members, stored (not compressed): ratio 1.
    fn stored(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in members {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_member_past_the_entry_bound_is_named() {
        let zip = stored(&[
            ("a.xml", vec![b'a'; 1 << 20]),
            ("big.xml", vec![b'b'; 4 << 20]),
        ]);
        assert_eq!(
            check_within(SMALL, Cursor::new(zip)),
            Err(ZipLimit::Entry {
                entry: "big.xml".into()
            })
        );
    }

    #[test]
    fn members_past_the_total_bound_are_refused_at_the_one_that_passes_it() {
        let zip = stored(&[
            ("1.xml", vec![b'a'; 2 << 20]),
            ("2.xml", vec![b'b'; 2 << 20]),
            ("3.xml", vec![b'c'; 2 << 20]),
        ]);
        assert_eq!(
            check_within(SMALL, Cursor::new(zip)),
            Err(ZipLimit::Total {
                entry: "3.xml".into()
            })
        );
        let two = stored(&[("1.xml", vec![0; 2 << 20]), ("2.xml", vec![0; 2 << 20])]);
        assert_eq!(check_within(SMALL, Cursor::new(two)), Ok(()));
    }

    #[test]
    fn what_is_not_a_zip_is_left_to_the_reader() {
        assert_eq!(check(Cursor::new(b"not a zip".to_vec())), Ok(()));
    }
}

/// Why a compound file (`.xls`) is not opened.
#[derive(Debug, thiserror::Error)]
pub enum CompoundError {
    /// The container itself is damaged (its allocation table, directory or a stream's chain).
    #[error(".xls 文件已损坏, 无法读取 ({reason}): 请在 Excel 或 WPS 中打开后重新保存")]
    Damaged { reason: String },
    /// Reading its sheets would take more than a workbook may.
    #[error(".xls 文件无法读取: {0}")]
    TooLarge(#[from] crate::biff::TooLarge),
}

/// Checks a compound file (the container of an `.xls`) before calamine opens it: its allocation
/// table and directory are validated (the `cfb` crate refuses a table longer than the file, a
/// chain out of the file, a loop in the directory) and every stream is read to its end once,
/// into nothing. calamine follows a sector chain that loops until memory runs out; a file
/// `cfb` accepts has chains inside the file. The Workbook stream is then measured
/// ([`crate::biff::check`]): what calamine would allocate to read its sheets is bounded.
/// Anything that is not a compound file passes.
pub fn check_compound<R: Read + Seek>(reader: R) -> Result<(), CompoundError> {
    let refused = |e: std::io::Error| CompoundError::Damaged {
        reason: e.to_string(),
    };
    let mut file = cfb::CompoundFile::open(reader).map_err(refused)?;
    let streams: Vec<_> = file
        .walk()
        .filter(|entry| entry.is_stream())
        .map(|entry| entry.path().to_owned())
        .collect();
    for path in &streams {
        let mut stream = file.open_stream(path).map_err(refused)?;
        std::io::copy(&mut stream, &mut std::io::sink()).map_err(refused)?;
    }
    // calamine reads the root's Workbook stream, or else its Book stream (Excel 5).
    let workbook = ["/Workbook", "/Book"].iter().find_map(|name| {
        streams
            .iter()
            .find(|p| p.as_os_str().eq_ignore_ascii_case(name))
    });
    if let Some(path) = workbook {
        let mut bytes = Vec::new();
        file.open_stream(path)
            .and_then(|mut stream| stream.read_to_end(&mut bytes))
            .map_err(refused)?;
        crate::biff::check(&bytes)?;
    }
    Ok(())
}
