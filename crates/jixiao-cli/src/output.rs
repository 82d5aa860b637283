//! Writing output files: atomically, under names that do not collide.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};

/// Writes `contents` to `path` through a temporary file in the same directory and a rename, so a
/// crash leaves either the old file or the new one, never half of one; the data reaches the disk
/// before the rename (fsync), so a power cut does not either.
pub fn write_atomic(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    write_replacing(path, contents.as_ref(), true)
}

/// As [`write_atomic`] without the fsync: for the thousands of per-unit scorecards, where a
/// flush per file would cost more than the scoring. A crash of jixiao still never leaves half a
/// file; a power cut may lose the newest ones (rerun the batch).
pub fn write_atomic_unsynced(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    write_replacing(path, contents.as_ref(), false)
}

fn write_replacing(path: &Path, contents: &[u8], sync: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    file.write_all(contents)
        .and_then(|()| {
            if sync {
                file.as_file().sync_all()
            } else {
                Ok(())
            }
        })
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Output names for units: their stem, with `-2`, `-3`... where stems repeat.
#[derive(Debug, Default)]
pub struct Names {
    seen: BTreeMap<String, usize>,
}

impl Names {
    pub fn unique(&mut self, stem: &str) -> String {
        let stem = stem.to_owned();
        let count = self.seen.entry(stem.clone()).or_insert(0);
        *count += 1;
        if *count == 1 {
            stem
        } else {
            format!("{stem}-{count}")
        }
    }
}
