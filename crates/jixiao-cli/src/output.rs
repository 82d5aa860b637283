//! Writing output files: atomically, under names that do not collide, only ever over a regular
//! file; and `score --out`'s directory, written whole beside the old one and swapped in.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result, bail};

/// Refuses to write `path` when something other than a regular file is there: a directory, a
/// named pipe, a socket, a device (`--out /dev/full` would otherwise become a regular file, and
/// as root `/dev/null` would too) or a symbolic link (replacing a link would leave the file it
/// names behind unchanged, and writing through it could reach anything: jixiao does neither).
/// A new path is fine. Checked before anything is written.
pub fn check_target(path: &Path) -> Result<()> {
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
    };
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_symlink() {
        "a symbolic link (jixiao neither writes through a link nor replaces one: name the file \
         itself, or remove the link)"
    } else if kind.is_dir() {
        "a directory"
    } else {
        special_kind(&kind)
    };
    bail!(
        "refusing to write {}: it is {what}, not a regular file; jixiao replaces only regular \
         files (or writes a new path){}",
        path.display(),
        if kind.is_symlink() || kind.is_dir() {
            ""
        } else {
            "; for standard output give -"
        }
    )
}

/// Refuses an output `path` that is one of the `inputs` (by any path to it): inputs are never
/// modified (`ingest a.txt --out a.txt`, `convert a.jsonl --to jsonl --out a.jsonl`).
pub fn check_not_an_input(path: &Path, inputs: &[PathBuf]) -> Result<()> {
    let Ok(out) = path.canonicalize() else {
        return Ok(()); // a new path is no input
    };
    if let Some(input) = inputs
        .iter()
        .find(|input| input.canonicalize().is_ok_and(|i| i == out))
    {
        bail!(
            "refusing to write {}: it is the input {}; inputs are never modified: give another \
             path",
            path.display(),
            input.display()
        );
    }
    Ok(())
}

/// What a file that is neither a regular file, a directory nor a link is.
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        } else if kind.is_socket() {
            return "a socket";
        } else if kind.is_char_device() {
            return "a character device";
        } else if kind.is_block_device() {
            return "a block device";
        }
    }
    let _ = kind;
    "a special file"
}

/// Whether `path` means standard input or output (`-`).
pub fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Writes `contents` to `path`, or to standard output when `path` is `-`.
pub fn write_or_print(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    if is_stdio(path) {
        std::io::stdout()
            .lock()
            .write_all(contents.as_ref())
            .and_then(|()| std::io::stdout().lock().flush())
            .context("cannot write to standard output")
    } else {
        write_atomic(path, contents)
    }
}

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

/// Writes `contents` to a new file at `path`, which must not exist: for the files of a run's own
/// new folder, which is swapped in whole (see [`OutputDir`]), so that a file in it needs neither a
/// temporary file nor a rename. Never follows or replaces anything already there.
pub fn write_new(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    create_new(path)
        .and_then(|mut file| file.write_all(contents.as_ref()))
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A new file at `path`; an error if anything is there (a file, a link: not followed).
fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// As [`write_new`], what `write` writes going through a buffer to the file, which is then
/// synced to disk: for a large summary, written as it is made rather than whole from memory.
pub fn write_new_synced(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
) -> Result<()> {
    let file = create_new(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, file);
    write(&mut buffered)?;
    buffered
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)
        .and_then(|file| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Writes `units` as a JSON Lines file (one unit per line), atomically; `-` for standard output.
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
    write_or_print(path, text)?;
    Ok(count)
}

fn write_replacing(path: &Path, contents: &[u8], sync: bool) -> Result<()> {
    check_target(path)?;
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

/// The first line of the manifest `score --out` leaves in its directory
/// ([`crate::inputs::OUTPUT_MARKER`]); the files the run wrote follow, one a line.
const MANIFEST_HEADING: &str = "Written by `jixiao score --out`: not scanned for inputs. Files:";

/// The environment variable that stops a run just before it swaps its directory in, as a kill
/// would: for the test of an interrupted run (`tests/it/outputs.rs`).
const INTERRUPT_BEFORE_SWAP: &str = "JIXIAO_TEST_INTERRUPT_BEFORE_SWAP";

/// `score --out DIR`: every file of a run is written into a fresh directory beside DIR (hidden,
/// `.DIR.jixiao-new-…`), with the manifest written last; only then is it swapped in for DIR, on
/// Linux in one step (`renameat2(RENAME_EXCHANGE)`), and the old directory removed. A run killed
/// before the swap leaves DIR as the previous run left it; DIR never holds one run's CSV beside
/// another's workbook.
#[derive(Debug)]
pub struct OutputDir {
    /// Where the results go (the directory itself when DIR is a link to one).
    target: PathBuf,
    /// Where this run writes them.
    staging: PathBuf,
    /// Whether the staging folder outlives this value: once its results are complete (a swap
    /// that fails leaves them there, and says so). A run that stops on an error before removes
    /// it, and `DIR` is as it was.
    keep: bool,
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

impl OutputDir {
    /// Prepares a run's output directory `dir`, refusing, before anything is written: a `dir`
    /// that is (or is inside) one of `input_dirs` (the next run would read the outputs as
    /// units), one that is not a directory, and an existing directory that holds anything the
    /// last jixiao run there did not write (so a `summary.csv` of someone else's is never
    /// replaced, nor their files removed with the old results).
    pub fn prepare(dir: &Path, input_dirs: &[PathBuf]) -> Result<OutputDir> {
        let exists = match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => true,
            Ok(m) => bail!(
                "--out names the folder the results are written into; {} is {}",
                dir.display(),
                if m.is_file() {
                    "a file"
                } else {
                    special_kind(&m.file_type())
                }
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(e).with_context(|| format!("cannot use {}", dir.display())),
        };
        let target = absolute(dir)?;
        for input in input_dirs {
            let input = input
                .canonicalize()
                .with_context(|| format!("cannot read {}", input.display()))?;
            if target.starts_with(&input) {
                bail!(
                    "--out {} is {} the input folder {}: a later run over it would read the \
                     results as units; write them beside it, e.g. --out {}-results",
                    dir.display(),
                    if target == input { "" } else { "inside" },
                    input.display(),
                    input.display()
                );
            }
        }
        if exists {
            let foreign = foreign_files(&target)?;
            if !foreign.is_empty() {
                let listed: Vec<String> = foreign.iter().take(3).cloned().collect();
                bail!(
                    "--out {} holds files jixiao did not write ({}{}): give a new or empty \
                     folder, or move them out (jixiao replaces a folder only with everything \
                     in it its own)",
                    dir.display(),
                    listed.join(", "),
                    if foreign.len() > 3 {
                        format!(" and {} more", foreign.len() - 3)
                    } else {
                        String::new()
                    }
                );
            }
        }
        let parent = target.parent().unwrap_or(Path::new("/")).to_owned();
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let staging = sibling(&target, "new", |path| std::fs::create_dir(path))
            .with_context(|| format!("cannot create a folder in {}", parent.display()))?;
        if exists {
            // The new folder is made as the old one was (a folder shared with a group stays so).
            let permissions = std::fs::metadata(&target)
                .with_context(|| format!("cannot read {}", target.display()))?
                .permissions();
            std::fs::set_permissions(&staging, permissions)
                .with_context(|| format!("cannot create {}", staging.display()))?;
        }
        Ok(OutputDir {
            target,
            staging,
            keep: false,
        })
    }

    /// Where this run's files are written until [`OutputDir::commit`].
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Writes the manifest (`files`, relative paths with `/`, the files the run wrote), then
    /// swaps the new directory in for the old one and removes the old one.
    pub fn commit(mut self, files: impl IntoIterator<Item = String>) -> Result<()> {
        let mut manifest = format!("{MANIFEST_HEADING}\n");
        for file in files {
            manifest.push_str(&file);
            manifest.push('\n');
        }
        write_atomic(&self.staging.join(crate::inputs::OUTPUT_MARKER), manifest)?;
        self.keep = true;
        if std::env::var_os(INTERRUPT_BEFORE_SWAP).is_some() {
            // As a kill between the last file written and the swap would leave things.
            std::process::exit(137);
        }
        let parent = self.target.parent().unwrap_or(Path::new("/"));
        let swapped = |what: std::io::Error| {
            format!(
                "cannot move the results from {} to {} ({what}); they are complete in {}",
                self.staging.display(),
                self.target.display(),
                self.staging.display()
            )
        };
        if !self.target.exists() {
            std::fs::rename(&self.staging, &self.target)
                .map_err(|e| anyhow::anyhow!(swapped(e)))?;
        } else if exchange(&self.staging, &self.target).is_ok() {
            // The old results are now at the staging path.
            remove_old(&self.staging)?;
        } else {
            // No atomic exchange (another system, another file system): the old folder moved
            // aside first; killed in between, the old and the new results are both complete
            // beside an absent DIR, never mixed.
            let old = sibling(&self.target, "old", |path| {
                std::fs::rename(&self.target, path)
            })
            .with_context(|| format!("cannot move {} aside", self.target.display()))?;
            std::fs::rename(&self.staging, &self.target)
                .map_err(|e| anyhow::anyhow!(swapped(e)))?;
            remove_old(&old)?;
        }
        std::fs::File::open(parent)
            .and_then(|d| d.sync_all())
            .with_context(|| format!("cannot sync {}", parent.display()))?;
        Ok(())
    }
}

/// Swaps two directories in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

fn remove_old(old: &Path) -> Result<()> {
    std::fs::remove_dir_all(old).with_context(|| {
        format!(
            "cannot remove the earlier results moved to {}",
            old.display()
        )
    })
}

/// `.NAME.jixiao-WHAT-PID-N` beside `target`, the first for which `make` succeeds (does not
/// find it taken).
fn sibling(
    target: &Path,
    what: &str,
    make: impl Fn(&Path) -> std::io::Result<()>,
) -> std::io::Result<PathBuf> {
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let parent = target.parent().unwrap_or(Path::new("/"));
    for n in 0u32.. {
        let path = parent.join(format!(".{name}.jixiao-{what}-{}-{n}", std::process::id()));
        if std::fs::symlink_metadata(&path).is_ok() {
            continue;
        }
        match make(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            result => return result.map(|()| path),
        }
    }
    unreachable!("u32 names run out only after four billion tries")
}

/// `path` made absolute with links resolved: the path itself when it exists, else its nearest
/// existing ancestor's with the rest added.
fn absolute(path: &Path) -> Result<PathBuf> {
    let path = std::path::absolute(path)
        .with_context(|| format!("cannot find the absolute path of {}", path.display()))?;
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut full = canonical;
            for part in rest.iter().rev() {
                full.push(part);
            }
            return Ok(full);
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(Component::Normal(name))) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return Ok(path),
        }
    }
}

/// The files (relative paths) under `dir` the manifest of the last run there does not list:
/// everything, when there is no manifest. A manifest of a jixiao before manifests listed files
/// holds the heading only: the files that jixiao wrote (the summaries, `scorecards/*.json|md|
/// html`) are its own.
fn foreign_files(dir: &Path) -> Result<Vec<String>> {
    let marker = dir.join(crate::inputs::OUTPUT_MARKER);
    let manifest = match std::fs::read_to_string(&marker) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", marker.display())),
    };
    let listed: Option<HashSet<&str>> = manifest
        .as_deref()
        .map(|text| text.lines().skip(1).filter(|l| !l.is_empty()).collect());
    let legacy = listed.as_ref().is_some_and(HashSet::is_empty);
    let own = |relative: &str| match &listed {
        None => false,
        Some(_) if legacy => {
            ["summary.csv", "summary.xlsx", "summary.md", "index.html"].contains(&relative)
                || relative.strip_prefix("scorecards/").is_some_and(|name| {
                    !name.contains('/')
                        && [".json", ".md", ".html"].iter().any(|e| name.ends_with(e))
                })
        }
        Some(listed) => listed.contains(relative),
    };
    let mut foreign = Vec::new();
    let mut pending = vec![(dir.to_owned(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&folder)
            .and_then(|listing| listing.collect::<std::io::Result<Vec<_>>>())
            .with_context(|| format!("cannot list {}", folder.display()))?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        let empty = entries.is_empty();
        for entry in entries {
            let relative = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let kind = entry
                .file_type()
                .with_context(|| format!("cannot list {}", folder.display()))?;
            if kind.is_dir() {
                pending.push((entry.path(), format!("{relative}/")));
            } else {
                let manifest = prefix.is_empty()
                    && relative == crate::inputs::OUTPUT_MARKER
                    && listed.is_some();
                if !manifest && !own(&relative) {
                    foreign.push(relative);
                }
            }
        }
        if empty && !prefix.is_empty() && !(listed.is_some() && prefix == "scorecards/") {
            foreign.push(prefix);
        }
    }
    foreign.sort();
    Ok(foreign)
}

/// Output names for units: their stem, with `-2`, `-3`... where stems repeat. Names that differ
/// only in case repeat too: on a file system that ignores case (a Windows or macOS share) they
/// would be one file.
#[derive(Debug, Default)]
pub struct Names {
    /// Names given so far, and for each stem the last suffix tried.
    given: BTreeSet<String>,
    /// The names given, lowercased.
    taken: HashSet<String>,
    next: BTreeMap<String, usize>,
}

impl Names {
    /// `stem`, or `stem-2`, `stem-3`... whichever is not taken yet, whatever its case (a unit
    /// file may itself be called `a-2`).
    pub fn unique(&mut self, stem: &str) -> String {
        let mut name = stem.to_owned();
        while self.taken.contains(&name.to_lowercase()) {
            let n = self.next.entry(stem.to_lowercase()).or_insert(1);
            *n += 1;
            name = format!("{stem}-{n}");
        }
        self.taken.insert(name.to_lowercase());
        self.given.insert(name.clone());
        name
    }

    /// Every name given, in order.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.given.iter().map(String::as_str)
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

    /// Names that differ only in case are one file where case is ignored: never given twice.
    #[test]
    fn names_differing_only_in_case_are_told_apart() {
        let mut names = Names::default();
        let given: Vec<String> = ["科协-A", "科协-a", "KX", "kx", "kx-2"]
            .iter()
            .map(|s| names.unique(s))
            .collect();
        assert_eq!(given, ["科协-A", "科协-a-2", "KX", "kx-2", "kx-2-2"]);
    }
}
