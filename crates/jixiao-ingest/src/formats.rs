//! What kind of file a submission is, by its content where the format has a signature, else by
//! its extension; what is read and what is refused, with the format's name and what to send
//! instead; and which files of a folder are plainly not submissions. The formats are data:
//! `formats.toml`, parsed once.

use std::io::Read as _;
use std::path::Path;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::text::Format;

/// The built-in table of formats.
pub const BUILTIN: &str = include_str!("../formats.toml");
const BUILTIN_NAME: &str = "formats.toml";

/// How much of a file is looked at to tell its format: signatures, a zip's directory, an OLE
/// file's stream names. A larger file is told by its first bytes and its extension.
const LOOK_AT: u64 = 64 << 20;

/// One format of `formats.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatInfo {
    id: String,
    name: String,
    extensions: Vec<String>,
    #[serde(default)]
    magic: Vec<Magic>,
    #[serde(default)]
    inside: Option<Container>,
    #[serde(default)]
    member: Option<String>,
    #[serde(default)]
    reader: Option<Format>,
    advice: String,
}

impl PartialEq for FormatInfo {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for FormatInfo {}

impl FormatInfo {
    /// The code: `doc`, `ofd`, `jpeg`, `unknown`...
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The name in Chinese: `Word 97-2003 文档`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What to send instead: `请另存为 .docx 或带文字的 PDF`.
    pub fn advice(&self) -> &str {
        &self.advice
    }

    /// The reader, for a format that is read.
    pub fn reader(&self) -> Option<Format> {
        self.reader
    }

    /// Why a file `path` of this format is not read, in the words a unit is sent back:
    /// `Word 97-2003 文档 (.doc) 无法读取: 请另存为 .docx 或带文字的 PDF`; when the content
    /// is not what the extension says, `(.doc, 扩展名却是 .docx)`.
    pub fn refusal(&self, path: &Path) -> String {
        let ext = extension(path);
        let mut shown: Vec<String> = self
            .extensions
            .first()
            .map(|e| format!(".{e}"))
            .into_iter()
            .collect();
        match &ext {
            _ if self.named(ext.as_ref()) => {}
            None => shown.push("文件没有扩展名".to_owned()),
            Some(e) if self.id == UNKNOWN => shown.push(format!(".{e}")),
            Some(e) => shown.push(format!("扩展名却是 .{e}")),
        }
        let shown = if shown.is_empty() {
            String::new()
        } else {
            format!(" ({})", shown.join(", "))
        };
        format!("{}{shown} 无法读取: {}", self.name, self.advice)
    }

    fn named(&self, ext: Option<&String>) -> bool {
        ext.is_some_and(|e| self.extensions.contains(e))
    }
}

const UNKNOWN: &str = "unknown";

/// The containers whose members tell the formats they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Container {
    /// A zip archive, told by its files (`word/document.xml`).
    Zip,
    /// An OLE compound file (Office 97-2003, WPS), told by its streams (`WordDocument`).
    Ole,
}

impl Container {
    fn id(self) -> &'static str {
        match self {
            Container::Zip => "zip",
            Container::Ole => "ole",
        }
    }

    /// Which members `bytes` (a file of this container) holds; `None` when they cannot be listed.
    fn members(self, bytes: &[u8]) -> Option<Members<'_>> {
        match self {
            Container::Zip => {
                let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
                Some(Members::Zip(archive))
            }
            Container::Ole => Some(Members::Ole(bytes)),
        }
    }
}

enum Members<'a> {
    Zip(zip::ZipArchive<std::io::Cursor<&'a [u8]>>),
    Ole(&'a [u8]),
}

impl Members<'_> {
    fn has(&self, member: &str) -> bool {
        match self {
            Members::Zip(archive) => archive.index_for_name(member).is_some(),
            // A directory entry of an OLE file is 128 bytes, at a multiple of 128 from the start
            // of the file (sectors are multiples of 512 bytes, after a 512-byte header), and
            // begins with its name in UTF-16LE, NUL-terminated.
            Members::Ole(bytes) => {
                let name: Vec<u8> = member
                    .encode_utf16()
                    .chain([0])
                    .flat_map(u16::to_le_bytes)
                    .collect();
                memchr::memmem::find_iter(bytes, &name).any(|at| at % 128 == 0)
            }
        }
    }
}

/// A signature: bytes (`None`: any byte) from an offset.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
struct Magic {
    offset: usize,
    bytes: Vec<Option<u8>>,
}

impl TryFrom<String> for Magic {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        let mut words = text.split_whitespace().peekable();
        let offset = match words.next_if(|w| w.starts_with('@')) {
            Some(w) => w[1..]
                .parse()
                .map_err(|_| format!("`{w}`: an offset is @ and a decimal number"))?,
            None => 0,
        };
        let bytes = words
            .map(|w| match w {
                "??" => Ok(None),
                _ if w.len() == 2 => u8::from_str_radix(w, 16)
                    .map(Some)
                    .map_err(|_| format!("`{w}` is not a byte in hex")),
                _ => Err(format!("`{w}` is not a byte in hex (two digits) or ??")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if bytes.iter().all(Option::is_none) {
            return Err(format!("`{text}`: a signature needs at least one byte"));
        }
        Ok(Magic { offset, bytes })
    }
}

impl Magic {
    fn matches(&self, data: &[u8]) -> bool {
        data.get(self.offset..)
            .and_then(|d| d.get(..self.bytes.len()))
            .is_some_and(|d| {
                d.iter()
                    .zip(&self.bytes)
                    .all(|(b, m)| m.is_none_or(|m| *b == m))
            })
    }
}

/// A kind of entry of a submission folder that is plainly not a submission.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Skip {
    id: String,
    label: String,
    #[serde(default)]
    prefix: Option<String>,
    #[serde(default)]
    names: Vec<String>,
    /// Whether it is a kind of folder (else of file).
    #[serde(default)]
    folders: bool,
}

impl Skip {
    /// The code: `hidden`, `office_lock`...
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The name in Chinese, for counts: `Office 锁定文件`.
    pub fn label(&self) -> &str {
        &self.label
    }

    fn matches(&self, name: &str, folder: bool) -> bool {
        self.folders == folder
            && (self.prefix.as_deref().is_some_and(|p| name.starts_with(p))
                || self.names.iter().any(|n| n.eq_ignore_ascii_case(name)))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    format: Vec<FormatInfo>,
    unknown: FormatInfo,
    skip: Vec<Skip>,
}

impl Table {
    fn parse(text: &str) -> Result<Table, String> {
        let table: Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut ids: Vec<&str> = table.format.iter().map(|f| f.id.as_str()).collect();
        ids.push(&table.unknown.id);
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!("the format id `{}` is used twice", w[0]));
        }
        for f in table.format.iter().chain([&table.unknown]) {
            if let Some(e) = f
                .extensions
                .iter()
                .find(|e| **e != e.to_ascii_lowercase() || e.starts_with('.'))
            {
                return Err(format!(
                    "format `{}`: the extension `{e}` is not lower case without its dot",
                    f.id
                ));
            }
            if let Some(c) = f.inside
                && !table
                    .format
                    .iter()
                    .any(|h| h.id == c.id() && !h.magic.is_empty())
            {
                return Err(format!(
                    "format `{}`: no format `{}` with a signature holds it",
                    f.id,
                    c.id()
                ));
            }
            if f.member.is_some() && f.inside.is_none() {
                return Err(format!(
                    "format `{}`: a member is of a container (`inside`)",
                    f.id
                ));
            }
        }
        if table.unknown.id != UNKNOWN
            || table.unknown.reader.is_some()
            || !table.unknown.magic.is_empty()
        {
            return Err(format!(
                "[unknown]: its id is `{UNKNOWN}`, with no reader and no signature"
            ));
        }
        Ok(table)
    }
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    Table::parse(BUILTIN).unwrap_or_else(|e| panic!("the built-in {BUILTIN_NAME} is valid: {e}"))
});

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .filter(|e| !e.is_empty())
}

/// The format of a file `path` whose bytes (or the first of them) are `bytes`: by its content
/// where it has a signature, else by its extension (see `formats.toml`).
pub fn identify_bytes(path: &Path, bytes: &[u8]) -> &'static FormatInfo {
    let table = &*TABLE;
    let ext = extension(path);
    let by_extension = || table.format.iter().find(|f| f.named(ext.as_ref()));
    let Some(content) = table
        .format
        .iter()
        .find(|f| f.magic.iter().any(|m| m.matches(bytes)))
    else {
        return by_extension().unwrap_or(&table.unknown);
    };
    let Some(container) = [Container::Zip, Container::Ole]
        .into_iter()
        .find(|c| c.id() == content.id)
    else {
        return content;
    };
    let held = || {
        table
            .format
            .iter()
            .filter(move |f| f.inside == Some(container))
    };
    let Some(members) = container.members(bytes) else {
        // A container that cannot be listed (a damaged zip): what its name says, if the
        // container holds that; its reader then says what is wrong.
        return held().find(|f| f.named(ext.as_ref())).unwrap_or(content);
    };
    let has = |f: &FormatInfo| f.member.as_deref().is_some_and(|m| members.has(m));
    held()
        .find(|f| f.named(ext.as_ref()) && (f.member.is_none() || has(f)))
        .or_else(|| held().find(|f| has(f)))
        .unwrap_or(content)
}

/// The format of the file at `path`, from its first bytes and its extension.
pub fn identify(path: &Path) -> std::io::Result<&'static FormatInfo> {
    let (head, _) = read_head(path)?;
    Ok(identify_bytes(path, &head))
}

/// The bytes of the file at `path` that tell its format, and whether they are the whole file.
pub fn read_head(path: &Path) -> std::io::Result<(Vec<u8>, bool)> {
    let mut head = Vec::new();
    std::fs::File::open(path)?
        .take(LOOK_AT + 1)
        .read_to_end(&mut head)?;
    let whole = head.len() as u64 <= LOOK_AT;
    head.truncate(usize::try_from(LOOK_AT).unwrap_or(usize::MAX));
    Ok((head, whole))
}

/// The format a file of this name has by its extension alone.
pub fn by_extension(path: &Path) -> &'static FormatInfo {
    let ext = extension(path);
    TABLE
        .format
        .iter()
        .find(|f| f.named(ext.as_ref()))
        .unwrap_or(&TABLE.unknown)
}

/// Whether an entry of a submission folder named `name` (a folder when `folder`) is plainly not
/// a submission, and of which kind: hidden, an Office lock file (`~$报告.docx`), `Thumbs.db`.
pub fn not_a_submission(name: &str, folder: bool) -> Option<&'static Skip> {
    TABLE
        .skip
        .iter()
        .find(|s| (s.prefix.is_some() || !s.names.is_empty()) && s.matches(name, folder))
}

/// The kind of skipped entry with this id (`earlier_output`, `special`, `linked_folder`: the
/// kinds a batch tells by what the entry is, not by its name).
pub fn skip_kind(id: &str) -> Option<&'static Skip> {
    TABLE.skip.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str, bytes: &[u8]) -> &'static str {
        identify_bytes(Path::new(name), bytes).id()
    }

    fn zip_with(members: &[&str]) -> Vec<u8> {
        use std::io::Write as _;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for m in members {
            zip.start_file(*m, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(b"<x/>").unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// An OLE header and one directory sector naming `streams` (enough to tell the format).
    fn ole_with(streams: &[&str]) -> Vec<u8> {
        let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        bytes.resize(512, 0);
        for name in ["Root Entry"].iter().chain(streams) {
            let mut entry: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
            entry.resize(128, 0);
            bytes.extend(entry);
        }
        bytes
    }

    #[test]
    fn the_table_parses_and_rejects_unknown_keys() {
        assert!(TABLE.format.len() > 20);
        let typo = BUILTIN.replacen("advice = ", "advise = ", 1);
        let err = Table::parse(&typo).unwrap_err();
        assert!(err.contains("unknown field `advise`"), "{err}");
        let bad = BUILTIN.replacen("\"25 50 44 46 2D\"", "\"25 5\"", 1);
        assert!(
            Table::parse(&bad)
                .unwrap_err()
                .contains("`5` is not a byte")
        );
        let twice = BUILTIN.replacen("id = \"rar\"", "id = \"zip\"", 1);
        assert!(
            Table::parse(&twice)
                .unwrap_err()
                .contains("`zip` is used twice")
        );
    }

    #[test]
    fn signatures_win_over_extensions() {
        assert_eq!(id("a.docx", b"%PDF-1.7\n"), "pdf");
        assert_eq!(id("a.txt", b"%PDF-1.4"), "pdf");
        assert_eq!(id("a.pdf", b"just text"), "pdf");
        assert_eq!(id("a.txt", b"just text"), "text");
        assert_eq!(id("a.MD", b"# x"), "markdown");
        assert_eq!(id("scan.docx", b"\xFF\xD8\xFF\xE0\0\x10JFIF"), "jpeg");
        assert_eq!(id("a.png", b"\x89PNG\r\n\x1a\n...."), "png");
        assert_eq!(id("a.dat", b"GIF89a...."), "gif");
        assert_eq!(id("a.x", b"Rar!\x1a\x07\x01\x00"), "rar");
        assert_eq!(id("a.x", b"7z\xbc\xaf\x27\x1c\0\x04"), "7z");
        assert_eq!(id("a.txt", b"\x1f\x8b\x08\0\0\0\0\0"), "gzip");
        assert_eq!(id("a.heic", b"\0\0\0\x18ftypheic\0\0\0\0"), "heic");
        assert_eq!(id("a.rtf.doc", b"{\\rtf1\\ansi"), "rtf");
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(id("a.tar", &tar), "tar");
        // A text that starts "BM" is no bitmap.
        assert_eq!(id("a.txt", b"BMI 23.5"), "text");
        assert_eq!(id("a.bmp", b"BM\x36\0\0\0\0\0\0\0\x36\0"), "bmp");
        assert_eq!(id("notes.xyz", b"..."), "unknown");
        assert_eq!(id("README", b"..."), "unknown");
    }

    #[test]
    fn zips_are_told_by_their_members() {
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(id("a.docx", &docx), "docx");
        assert_eq!(id("a.zip", &docx), "docx");
        let xlsx = zip_with(&["xl/workbook.xml"]);
        assert_eq!(id("a.docx", &xlsx), "xlsx");
        assert_eq!(
            id("a.ofd", &zip_with(&["OFD.xml", "Doc_0/Document.xml"])),
            "ofd"
        );
        assert_eq!(id("a.pptx", &zip_with(&["ppt/presentation.xml"])), "pptx");
        assert_eq!(id("a.docx", &zip_with(&["report.txt"])), "zip");
        // Damaged: what its name says, for its reader to say what is wrong.
        assert_eq!(id("a.docx", b"PK\x03\x04 damaged"), "docx");
        assert_eq!(id("a.zip", b"PK\x03\x04 damaged"), "zip");
    }

    #[test]
    fn ole_files_are_told_by_their_extension_then_their_streams() {
        let doc = ole_with(&["WordDocument", "1Table"]);
        assert_eq!(id("a.doc", &doc), "doc");
        assert_eq!(id("a.docx", &doc), "doc");
        assert_eq!(id("a.wps", &doc), "wps");
        let xls = ole_with(&["Workbook"]);
        assert_eq!(id("a.xls", &xls), "xls");
        assert_eq!(id("a.doc", &xls), "xls");
        assert_eq!(id("a.et", &xls), "et");
        assert_eq!(id("a.xls", &ole_with(&["Book"])), "xls5");
        assert_eq!(id("a.pdf", &ole_with(&["PowerPoint Document"])), "ppt");
        assert_eq!(id("a.txt", &ole_with(&["Other"])), "ole");
        // A name inside a stream's text, not at an entry's start, tells nothing.
        let mut text = ole_with(&["Other"]);
        text.extend(b"xx");
        text.extend("WordDocument\0".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(id("a.txt", &text), "ole");
    }

    #[test]
    fn refusals_name_the_format_and_what_to_send() {
        let unknown =
            "请提供 Word 文档 (.docx)、Excel 工作簿 (.xlsx/.xls)、带文字的 PDF 或文本文件 (.txt)";
        for (name, bytes, refusal) in [
            (
                "报告.doc",
                ole_with(&["WordDocument"]),
                "Word 97-2003 文档 (.doc) 无法读取: 请另存为 .docx 或带文字的 PDF".to_owned(),
            ),
            (
                "报告.docx",
                ole_with(&["WordDocument"]),
                "Word 97-2003 文档 (.doc, 扩展名却是 .docx) 无法读取: 请另存为 .docx 或带文字的 PDF".to_owned(),
            ),
            (
                "a.ofd",
                zip_with(&["OFD.xml"]),
                "OFD 版式文件 (.ofd) 无法读取: 请提供 Word 文档或 PDF".to_owned(),
            ),
            (
                "照片.JPG",
                b"\xFF\xD8\xFF\xE1".to_vec(),
                "图片 (.jpg) 无法读取: 请提供 Word 文档或带文字的 PDF".to_owned(),
            ),
            (
                "材料.zip",
                zip_with(&["a.txt"]),
                "压缩包 (.zip) 无法读取: 请解压后提交其中的文件".to_owned(),
            ),
            (
                "notes.xyz",
                b"".to_vec(),
                format!("无法识别格式的文件 (.xyz) 无法读取: {unknown}"),
            ),
            (
                "README",
                b"".to_vec(),
                format!("无法识别格式的文件 (文件没有扩展名) 无法读取: {unknown}"),
            ),
            (
                "a.txt",
                ole_with(&["Other"]),
                "Office 97-2003 或 WPS 旧版文件 (扩展名却是 .txt) 无法读取: 请另存为 .docx 或 .xlsx".to_owned(),
            ),
        ] {
            let path = Path::new(name);
            assert_eq!(identify_bytes(path, &bytes).refusal(path), refusal);
        }
    }

    #[test]
    fn what_is_not_a_submission() {
        let kind = |name: &str, folder: bool| not_a_submission(name, folder).map(Skip::id);
        assert_eq!(kind(".DS_Store", false), Some("hidden"));
        assert_eq!(kind(".git", true), Some("hidden_folder"));
        assert_eq!(kind("~$自评报告.docx", false), Some("office_lock"));
        assert_eq!(kind("thumbs.db", false), Some("system"));
        assert_eq!(kind("Desktop.ini", false), Some("system"));
        assert_eq!(kind("自评报告.docx", false), None);
        assert_eq!(kind("2024", true), None);
        for id in ["earlier_output", "special", "linked_folder"] {
            assert!(skip_kind(id).is_some(), "{id}");
        }
    }
}
