//! A PDF font as far as reading text needs it: how its codes map to Unicode, and how wide each
//! glyph is (so the position of the next glyph is known).

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::LazyLock;

use lopdf::{Dictionary, Document, Encoding, Object, ObjectId, Stream, dictionary};

use super::PdfError;

/// The most bytes a ToUnicode map (or a font's encoding) may inflate to.
const CMAP_LIMIT: usize = 4 * 1024 * 1024;
/// The most bytes of ToUnicode maps read for a whole document (each map once, however many
/// fonts share it).
const DOCUMENT_CMAP_LIMIT: usize = 32 * 1024 * 1024;
/// The most entries read from a font's width array.
const WIDTHS_LIMIT: usize = 100_000;
/// The most width entries read for a whole document.
const DOCUMENT_WIDTHS_LIMIT: usize = 4_000_000;

/// What reading a document's fonts has used of its limits, and the ToUnicode maps read, by
/// object: fonts may be many (one per page, say) and share one map, and a map is read once.
#[derive(Default)]
pub(super) struct FontBudget<'a> {
    cmap_bytes: usize,
    widths: usize,
    maps: BTreeMap<ObjectId, Option<Rc<Encoding<'a>>>>,
}

/// How a font's codes become text.
enum Mapping<'a> {
    /// The font's ToUnicode map (what Word, LibreOffice and browsers write for embedded fonts):
    /// always `Encoding::UnicodeMapEncoding` (lopdf does not name the map's type publicly),
    /// shared by the fonts that name the same map.
    ToUnicode(Rc<Encoding<'a>>),
    /// A composite font on a predefined Unicode CMap (`UniGB-UCS2-H`, `UniGB-UTF16-H`): the codes
    /// are UTF-16BE.
    Utf16,
    /// A simple font on a standard Latin encoding.
    Latin(Encoding<'a>),
    /// No way to Unicode: the glyphs are counted, never guessed.
    None,
}

/// One font of a page or form.
pub(super) struct Font<'a> {
    /// The font's name as the file gives it (subset prefix dropped), for messages.
    pub name: String,
    /// Codes are two bytes (a composite font) rather than one.
    two_byte: bool,
    mapping: Mapping<'a>,
    widths: Widths,
}

enum Widths {
    /// A simple font's `/Widths` from `/FirstChar`.
    Simple { first: u32, widths: Vec<f32> },
    /// A composite font's `/W` ranges (code, last code, width) and `/DW`.
    Cid {
        default: f32,
        ranges: Vec<(u32, u32, f32)>,
    },
}

/// A glyph's text as the font maps it.
pub(super) enum Text {
    Mapped(String),
    /// The font has no map for this code.
    Unmapped,
}

fn number(o: &Object) -> Option<f32> {
    o.as_float().ok().filter(|v| v.is_finite())
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

fn array<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Vec<Object>> {
    dict.get(key)
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_array().ok())
}

impl<'a> Font<'a> {
    pub fn new(
        doc: &'a Document,
        dict: &'a Dictionary,
        budget: &mut FontBudget<'a>,
    ) -> Result<Font<'a>, PdfError> {
        let name = dict
            .get(b"BaseFont")
            .and_then(Object::as_name)
            .map(|n| {
                let n = String::from_utf8_lossy(n).into_owned();
                // `ABCDEF+SimSun`: a subset's tag is not part of the name.
                match n.split_once('+') {
                    Some((tag, rest)) if tag.len() == 6 => rest.to_owned(),
                    _ => n,
                }
            })
            .unwrap_or_else(|_| "(无名字体)".to_owned());
        let subtype = dict.get(b"Subtype").and_then(Object::as_name).ok();
        let two_byte = subtype == Some(b"Type0");
        let descendant = two_byte
            .then(|| array(doc, dict, b"DescendantFonts"))
            .flatten()
            .and_then(|a| a.first())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let widths = match descendant {
            Some(cid) => cid_widths(doc, cid, budget)?,
            None if two_byte => Widths::Cid {
                default: 1000.0,
                ranges: Vec::new(),
            },
            None => simple_widths(doc, dict, budget)?,
        };
        Ok(Font {
            name,
            two_byte,
            mapping: mapping(doc, dict, two_byte, budget)?,
            widths,
        })
    }

    /// Whether the font's codes are two bytes (a composite font).
    pub fn two_byte(&self) -> bool {
        self.two_byte
    }

    /// Whether a glyph this font cannot map may be left out: a symbol font (check boxes,
    /// bullets), never a font that may carry figures.
    pub fn decorative(&self) -> bool {
        let n = self.name.to_ascii_lowercase();
        ["symbol", "wingding", "dingbat", "webdings"]
            .iter()
            .any(|s| n.contains(s))
    }

    /// The codes of a shown string, each with its text and its width in text space (÷ 1000),
    /// and whether it is the one-byte space (which word spacing widens).
    pub fn glyphs(&self, bytes: &[u8]) -> Vec<(Text, f32, bool)> {
        let step = if self.two_byte { 2 } else { 1 };
        bytes
            .chunks(step)
            .map(|c| {
                let code = c.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                let space = !self.two_byte && code == 32;
                (self.text(code, c), self.width(code) / 1000.0, space)
            })
            .collect()
    }

    fn text(&self, code: u32, bytes: &[u8]) -> Text {
        let units: Option<Vec<u16>> = match &self.mapping {
            Mapping::ToUnicode(map) => match &**map {
                Encoding::UnicodeMapEncoding(cmap) => cmap.get(code, bytes.len() as u8),
                _ => None,
            },
            Mapping::Utf16 => (bytes.len() == 2).then(|| vec![code as u16]),
            Mapping::Latin(encoding) => {
                return encoding
                    .bytes_to_string(bytes)
                    .ok()
                    .filter(|s| !s.contains('\u{fffd}'))
                    .map_or(Text::Unmapped, Text::Mapped);
            }
            Mapping::None => None,
        };
        match units.map(|u| String::from_utf16_lossy(&u)) {
            Some(s) if !s.chars().any(unreadable) => Text::Mapped(ideograph(s)),
            _ => Text::Unmapped,
        }
    }

    fn width(&self, code: u32) -> f32 {
        match &self.widths {
            Widths::Simple { first, widths } => code
                .checked_sub(*first)
                .and_then(|i| widths.get(i as usize))
                .copied()
                .unwrap_or(500.0),
            Widths::Cid { default, ranges } => {
                let i = ranges.partition_point(|(_, last, _)| *last < code);
                match ranges.get(i) {
                    Some((first, _, w)) if *first <= code => *w,
                    _ => *default,
                }
            }
        }
    }
}

/// The ideograph a radical stands for (some fonts' maps give the radical: ⽂ for 文).
fn ideograph(text: String) -> String {
    static RADICALS: LazyLock<BTreeMap<char, char>> = LazyLock::new(|| {
        include_str!("radicals.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut chars = l.chars().filter(|c| !c.is_whitespace());
                Some((chars.next()?, chars.next()?))
            })
            .collect()
    });
    if text.chars().any(|c| RADICALS.contains_key(&c)) {
        text.chars()
            .map(|c| RADICALS.get(&c).copied().unwrap_or(c))
            .collect()
    } else {
        text
    }
}

/// A character no text has: the replacement character, private-use glyph codes, controls.
fn unreadable(c: char) -> bool {
    c == '\u{fffd}'
        || ('\u{e000}'..='\u{f8ff}').contains(&c)
        || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// The font's ToUnicode map, read once per map object and within the document's limits;
/// `None` when the font has none or it cannot be parsed.
fn to_unicode<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    budget: &mut FontBudget<'a>,
) -> Result<Option<Rc<Encoding<'a>>>, PdfError> {
    let Ok(entry) = dict.get(b"ToUnicode") else {
        return Ok(None);
    };
    let id = entry.as_reference().ok();
    if let Some(known) = id.and_then(|id| budget.maps.get(&id)) {
        return Ok(known.clone());
    }
    let Some(stream) = deref(doc, entry).and_then(|o| o.as_stream().ok()) else {
        return Ok(None);
    };
    let left = DOCUMENT_CMAP_LIMIT.saturating_sub(budget.cmap_bytes);
    let too_large = || {
        PdfError::TooLarge(if left < CMAP_LIMIT {
            format!(
                "各字体的字符映射 ToUnicode 共超过 {} MB",
                DOCUMENT_CMAP_LIMIT >> 20
            )
        } else {
            format!("字体的字符映射 ToUnicode 超过 {} MB", CMAP_LIMIT >> 20)
        })
    };
    let limit = left.min(CMAP_LIMIT);
    let bytes = if stream.dict.has(b"Filter") {
        match stream.decompressed_content_with_limit(limit) {
            Ok(bytes) => bytes,
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => return Err(too_large()),
            Err(_) => Vec::new(),
        }
    } else if stream.content.len() > limit {
        return Err(too_large());
    } else {
        stream.content.clone()
    };
    budget.cmap_bytes += bytes.len();
    // The map parsed by lopdf from the inflated bytes: a font of the map alone (lopdf prefers
    // /Encoding over /ToUnicode; the map is what tells the text).
    let probe = dictionary! {
        "Type" => "Font",
        "ToUnicode" => Object::Stream(Stream::new(Dictionary::new(), bytes)),
    };
    let map = match probe.get_font_encoding(doc) {
        Ok(Encoding::UnicodeMapEncoding(cmap)) => Some(Rc::new(Encoding::UnicodeMapEncoding(cmap))),
        _ => None,
    };
    if let Some(id) = id {
        budget.maps.insert(id, map.clone());
    }
    Ok(map)
}

fn mapping<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    two_byte: bool,
    budget: &mut FontBudget<'a>,
) -> Result<Mapping<'a>, PdfError> {
    if let Some(map) = to_unicode(doc, dict, budget)? {
        return Ok(Mapping::ToUnicode(map));
    }
    let encoding = dict.get(b"Encoding").ok().and_then(|o| deref(doc, o));
    if two_byte {
        return Ok(match encoding.and_then(|e| e.as_name().ok()) {
            Some(b"UniGB-UCS2-H" | b"UniGB-UTF16-H" | b"UniCNS-UCS2-H" | b"UniCNS-UTF16-H") => {
                Mapping::Utf16
            }
            _ => Mapping::None,
        });
    }
    let standard = |name: &[u8]| {
        matches!(
            name,
            b"WinAnsiEncoding" | b"MacRomanEncoding" | b"StandardEncoding"
        )
    };
    let latin = match encoding {
        None => {
            // One of the 14 standard fonts, not embedded: its built-in Latin encoding.
            let embedded = dict
                .get(b"FontDescriptor")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok())
                .is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"));
            !embedded && dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Type3")
        }
        Some(Object::Name(name)) => standard(name),
        Some(Object::Dictionary(d)) => {
            // Differences that name real glyphs (`eacute`, `one`), not made-up ones (`g12`,
            // `cid34`), over a standard base.
            let base_ok = d
                .get(b"BaseEncoding")
                .and_then(Object::as_name)
                .map_or(true, standard);
            let names_ok = d
                .get(b"Differences")
                .and_then(Object::as_array)
                .is_ok_and(|a| {
                    a.iter().all(|o| match o {
                        Object::Name(n) => n.iter().all(u8::is_ascii_alphabetic),
                        Object::Integer(_) => true,
                        _ => false,
                    })
                });
            base_ok && names_ok
        }
        Some(_) => false,
    };
    if !latin {
        return Ok(Mapping::None);
    }
    // Without /Encoding, lopdf would read the font's ToUnicode map (found unusable above) again
    // before falling back to the standard encoding: that encoding, from a font of nothing.
    let read = if encoding.is_none() {
        PLAIN_FONT.get_font_encoding(doc)
    } else {
        dict.get_font_encoding_with_limit(doc, CMAP_LIMIT)
    };
    Ok(read.map_or(Mapping::None, Mapping::Latin))
}

/// A font dictionary with no encoding and no map: lopdf reads the standard encoding for it.
static PLAIN_FONT: LazyLock<Dictionary> = LazyLock::new(|| dictionary! { "Type" => "Font" });

/// Counts `n` more width entries against the document's limit.
fn spend_widths(budget: &mut FontBudget<'_>, n: usize) -> Result<(), PdfError> {
    budget.widths += n;
    if budget.widths > DOCUMENT_WIDTHS_LIMIT {
        return Err(PdfError::TooLarge(format!(
            "各字体的字宽共超过 {DOCUMENT_WIDTHS_LIMIT} 项"
        )));
    }
    Ok(())
}

fn simple_widths(
    doc: &Document,
    dict: &Dictionary,
    budget: &mut FontBudget<'_>,
) -> Result<Widths, PdfError> {
    let first = dict
        .get(b"FirstChar")
        .and_then(Object::as_i64)
        .ok()
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(0);
    let widths: Vec<f32> = array(doc, dict, b"Widths")
        .map(|a| {
            a.iter()
                .take(WIDTHS_LIMIT)
                .map(|o| deref(doc, o).and_then(number).unwrap_or(500.0))
                .collect()
        })
        .unwrap_or_default();
    spend_widths(budget, widths.len())?;
    Ok(Widths::Simple { first, widths })
}

fn cid_widths(
    doc: &Document,
    cid: &Dictionary,
    budget: &mut FontBudget<'_>,
) -> Result<Widths, PdfError> {
    let default = cid.get(b"DW").ok().and_then(number).unwrap_or(1000.0);
    let mut ranges = Vec::new();
    if let Some(w) = array(doc, cid, b"W") {
        let code = |o: &Object| o.as_i64().ok().and_then(|v| u32::try_from(v).ok());
        let mut items = w.iter().take(WIDTHS_LIMIT);
        // The limit is on the ranges kept, not only on the items of each array: `/W [0 8 0 R
        // 0 8 0 R ...]` names one long array of widths thousands of times.
        while ranges.len() < WIDTHS_LIMIT
            && let Some(first) = items.next().and_then(code)
        {
            match items.next().and_then(|o| deref(doc, o)) {
                Some(Object::Array(ws)) => {
                    let room = WIDTHS_LIMIT - ranges.len();
                    spend_widths(budget, ws.len().min(room))?;
                    for (i, o) in ws.iter().take(room).enumerate() {
                        let c = first.saturating_add(i as u32);
                        ranges.push((c, c, number(o).unwrap_or(default)));
                    }
                }
                Some(last) => {
                    let (Some(last), Some(width)) = (code(last), items.next().and_then(number))
                    else {
                        break;
                    };
                    ranges.push((first, last.max(first), width));
                }
                None => break,
            }
        }
    }
    spend_widths(budget, 1)?;
    ranges.sort_by_key(|(first, _, _)| *first);
    Ok(Widths::Cid { default, ranges })
}
