//! Finding the unit files named on the command line.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

/// Unit files and reports: each file named, and every `.toml` unit file and `.txt` / `.md` /
/// `.docx` report under each directory named, recursively, in name order, so a batch is always
/// scored in the same order.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            walk(path, &mut files)?;
            if files.len() == before {
                eprintln!(
                    "warning: no unit files (.toml) or reports (.txt, .md, .docx) under {}",
                    path.display()
                );
            }
        } else if path.exists() {
            files.push(path.clone());
        } else {
            bail!("no such file or directory: {}", path.display());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot list {}", dir.display()))?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            walk(&entry, files)?;
        } else if entry.extension().is_some_and(|e| e == "toml") || is_report(&entry) {
            files.push(entry);
        }
    }
    Ok(())
}

/// Whether `path` is a narrative report (`.txt`, `.md`, `.docx`) rather than a unit file.
pub fn is_report(path: &Path) -> bool {
    jixiao_ingest::is_report(path)
}
