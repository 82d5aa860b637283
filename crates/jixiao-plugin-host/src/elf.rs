//! A shared object's structure, checked before it is handed to the system loader: the loader
//! maps each segment's file range, and a range past the end of a truncated file is memory that
//! faults (SIGBUS) when touched, killing the process. So every program header, and the section
//! header table, must lie inside the file.

/// Why the bytes are not a whole ELF shared object; `None` when they are (or are not ELF at all
/// on a platform whose libraries are not ELF).
pub(crate) fn problem(bytes: &[u8]) -> Option<String> {
    check(bytes).err()
}

/// Reads the ELF header fields this check needs, in the file's class and byte order.
struct Reader<'a> {
    bytes: &'a [u8],
    little: bool,
}

impl Reader<'_> {
    fn field(&self, at: u64, width: usize) -> Result<u64, String> {
        let start = usize::try_from(at).map_err(|_| "an offset beyond memory".to_owned())?;
        let end = start
            .checked_add(width)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| {
                format!(
                    "truncated: a header field at byte {start} is past the end of the file ({} bytes)",
                    self.bytes.len()
                )
            })?;
        let raw = &self.bytes[start..end];
        let mut value: u64 = 0;
        for i in 0..width {
            let byte = if self.little {
                raw[width - 1 - i]
            } else {
                raw[i]
            };
            value = (value << 8) | u64::from(byte);
        }
        Ok(value)
    }
}

fn check(bytes: &[u8]) -> Result<(), String> {
    if !bytes.starts_with(b"\x7fELF") {
        return Err("not an ELF shared object (no ELF signature)".into());
    }
    let wide = match bytes.get(4) {
        Some(1) => false,
        Some(2) => true,
        _ => return Err("not an ELF shared object (unknown ELF class)".into()),
    };
    let little = match bytes.get(5) {
        Some(1) => true,
        Some(2) => false,
        _ => return Err("not an ELF shared object (unknown byte order)".into()),
    };
    let r = Reader { bytes, little };
    // Offsets of e_type, e_phoff, e_shoff, e_phentsize, e_phnum, e_shentsize, e_shnum; the
    // width of an address; the size of one program header.
    let (phoff, shoff, phentsize, phnum, shentsize, shnum, word, ph_size) = if wide {
        (32, 40, 54, 56, 58, 60, 8, 56)
    } else {
        (28, 32, 42, 44, 46, 48, 4, 32)
    };
    const ET_DYN: u64 = 3;
    if r.field(16, 2)? != ET_DYN {
        return Err("an ELF file, but not a shared object (a library built as cdylib)".into());
    }
    let len = bytes.len() as u64;
    let table = |offset: u64, entsize: u64, count: u64, what: &str| -> Result<(), String> {
        let end = entsize
            .checked_mul(count)
            .and_then(|size| size.checked_add(offset))
            .filter(|end| *end <= len);
        match end {
            Some(_) => Ok(()),
            None => Err(format!(
                "truncated or damaged: the {what} ({count} entries at byte {offset}) run past the end of the file ({len} bytes)"
            )),
        }
    };
    let ph_offset = r.field(phoff, word)?;
    let ph_count = r.field(phnum, 2)?;
    if ph_count > 0 && r.field(phentsize, 2)? != ph_size {
        return Err("damaged: program headers of an unexpected size".into());
    }
    table(ph_offset, ph_size, ph_count, "program headers")?;
    let sh_count = r.field(shnum, 2)?;
    let sh_offset = r.field(shoff, word)?;
    if sh_offset != 0 {
        table(
            sh_offset,
            r.field(shentsize, 2)?,
            sh_count,
            "section headers",
        )?;
    }
    // p_offset and p_filesz of each program header.
    let (p_offset, p_filesz) = if wide { (8, 32) } else { (4, 16) };
    for i in 0..ph_count {
        let header = ph_offset + i * ph_size;
        let offset = r.field(header + p_offset, word)?;
        let size = r.field(header + p_filesz, word)?;
        if offset.checked_add(size).is_none_or(|end| end > len) {
            return Err(format!(
                "truncated or damaged: segment {i} (bytes {offset} to {}) lies past the end of the file ({len} bytes)",
                offset.saturating_add(size)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_library_checks_and_every_truncation_of_it_is_refused() {
        // This test's own executable is ELF too (a position-independent executable is ET_DYN,
        // a static one not): find a shared object instead, the C library.
        let Some(lib) = [
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/usr/lib/x86_64-linux-gnu/libc.so.6",
            "/lib64/libc.so.6",
        ]
        .iter()
        .find_map(|p| std::fs::read(p).ok()) else {
            return;
        };
        assert_eq!(problem(&lib), None);
        for cut in [0, 3, 20, 63, 64, 200, lib.len() / 2, lib.len() - 1] {
            assert!(problem(&lib[..cut]).is_some(), "cut at {cut}");
        }
        assert!(
            problem(b"not a library")
                .unwrap()
                .contains("no ELF signature")
        );
    }
}
