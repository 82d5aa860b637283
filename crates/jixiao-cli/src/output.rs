//! Writing output files: atomically, under names that do not collide.

use std::collections::{BTreeMap, BTreeSet};
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

/// Writes `units` as a JSON Lines file (one unit per line), atomically.
pub fn write_jsonl(
    path: &Path,
    units: impl IntoIterator<Item = impl std::borrow::Borrow<jixiao_model::SelfEvaluation>>,
) -> Result<usize> {
    let mut text = String::new();
    let mut count = 0;
    for unit in units {
        text.push_str(&unit.borrow().to_json_line());
        text.push('\n');
        count += 1;
    }
    write_atomic(path, text)?;
    Ok(count)
}

fn write_replacing(path: &Path, contents: &[u8], sync: bool) -> Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
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
    // Temporary files are private (0600); an output is an ordinary file for the reviewers.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    file.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    if sync {
        // The rename itself reaches the disk with the directory.
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .with_context(|| format!("cannot sync {}", dir.display()))?;
    }
    Ok(())
}

/// Output names for units: their stem, with `-2`, `-3`... where stems repeat.
#[derive(Debug, Default)]
pub struct Names {
    /// Names given so far, and for each stem the last suffix tried.
    given: BTreeSet<String>,
    next: BTreeMap<String, usize>,
}

impl Names {
    /// `stem`, or `stem-2`, `stem-3`... whichever is not taken yet (a unit file may itself be
    /// called `a-2`).
    pub fn unique(&mut self, stem: &str) -> String {
        let mut name = stem.to_owned();
        while self.given.contains(&name) {
            let n = self.next.entry(stem.to_owned()).or_insert(1);
            *n += 1;
            name = format!("{stem}-{n}");
        }
        self.given.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::Names;

    #[test]
    fn names_never_collide_even_with_suffixed_stems() {
        let mut names = Names::default();
        let given: Vec<String> = ["a", "a-2", "a", "a"]
            .iter()
            .map(|s| names.unique(s))
            .collect();
        assert_eq!(given, ["a", "a-2", "a-3", "a-4"]);
    }
}
