//! The PDF reader against broken, hostile and oversized files (issue 11, point 6): every input is
//! read to an outcome, a [`Document`] or a [`PdfError`] that says why, and never panics, hangs or
//! takes memory out of proportion to the limits of `jixiao_ingest::pdf`.
//!
//! The inputs are made here: a small report printed by `support/pdfgen.rs` (a composite font with
//! a ToUnicode map, text shown with `Tj` and `TJ`, a ruled table), its truncations and seeded
//! random mutations, and hand-written files with one defect each (reference cycles, bombs, bad
//! cross-references, deep nesting, absurd numbers, encryption). Each case asserts the outcome it
//! must have. No case measures time: each is small enough that a hang or a runaway allocation
//! would be obvious, and the reader's limits are what end the large ones.
//!
//! Inputs the fuzzer found (docs/fuzzing.md) are kept in `crates/jixiao-fuzz/regressions/pdf/`,
//! replayed by that crate's tests; this file holds the hand-made hostile cases.

#[path = "support/pdfgen.rs"]
mod pdfgen;

use std::any::Any;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use jixiao_ingest::document::{Document, Grid, GridOrigin};
use jixiao_ingest::pdf::{self, PdfError};
use lopdf::{EncryptionState, EncryptionVersion, Object, Permissions, StringFormat, dictionary};
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

/// What a read came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Read,
    NoTextLayer,
    NoUnicode,
    Encrypted,
    Malformed,
    TooLarge,
}

fn outcome(result: &Result<Document, PdfError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Read,
        Err(PdfError::NoTextLayer { .. }) => Outcome::NoTextLayer,
        Err(PdfError::NoUnicode { .. }) => Outcome::NoUnicode,
        Err(PdfError::Encrypted) => Outcome::Encrypted,
        Err(PdfError::Malformed(_)) => Outcome::Malformed,
        Err(PdfError::TooLarge(_)) => Outcome::TooLarge,
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// Reads `bytes`; a panic comes back as its message (so a sweep can name every input that
/// panicked, not only the first).
fn try_read(bytes: &[u8]) -> Result<Result<Document, PdfError>, String> {
    catch_unwind(AssertUnwindSafe(|| pdf::read(bytes))).map_err(|p| panic_message(&*p))
}

/// Reads `bytes`; a panic fails the test, naming the case.
fn read(case: &str, bytes: &[u8]) -> Result<Document, PdfError> {
    try_read(bytes).unwrap_or_else(|message| panic!("{case}: the reader panicked: {message}"))
}

/// Reads `bytes` and asserts the outcome; returns the result for further checks.
#[track_caller]
fn expect_result(case: &str, bytes: &[u8], want: Outcome) -> Result<Document, PdfError> {
    let result = read(case, bytes);
    assert_eq!(outcome(&result), want, "{case}: {result:?}");
    result
}

/// Reads `bytes` and asserts the outcome.
#[track_caller]
fn check(case: &str, bytes: &[u8], want: Outcome) {
    let _ = expect_result(case, bytes, want);
}

/// Reads `bytes`, which must read.
#[track_caller]
fn read_ok(case: &str, bytes: &[u8]) -> Document {
    expect_result(case, bytes, Outcome::Read).unwrap_or_else(|e| panic!("{case}: {e}"))
}

/// All the text of a document: paragraphs, then table cells, one per line.
fn all_text(doc: &Document) -> String {
    let mut out = doc.paragraphs.join("\n");
    for t in &doc.tables {
        for row in &t.rows {
            for cell in row {
                out.push('\n');
                out.push_str(&cell.text);
            }
        }
    }
    out
}

const TITLE: &str = "2024年度某区科学技术协会整体支出绩效自评报告";
const BODY: &str = "本部门主要职责是贯彻落实中央、省、市、区关于科普工作的方针政策，制定全区科普工作规划\
     和年度科普工作计划，组织全区科技人员开展学术交流，年度预算资金69.16万元，执行率100%。";

/// The report the generated sample prints: a title, a paragraph that wraps over two lines, and a
/// ruled table of three rows.
fn sample_doc() -> Document {
    Document {
        paragraphs: vec![TITLE.to_owned(), BODY.to_owned()],
        tables: vec![Grid {
            origin: GridOrigin::Word { table: 1 },
            rows: pdfgen::cells(&[
                &["项目", "预算数", "执行数"],
                &["基本支出", "55.09", "55.09"],
                &["项目支出", "30.24", "30.24"],
            ]),
        }],
        table_after: vec![2],
        notes: Vec::new(),
    }
}

/// The sample as lopdf writes it (content streams and the ToUnicode map compressed).
fn sample() -> Vec<u8> {
    pdfgen::print(&sample_doc())
}

/// The sample with every stream left uncompressed, so that mutations reach the content
/// operators and the ToUnicode map.
fn sample_plain() -> Vec<u8> {
    let mut pdf = lopdf::Document::load_mem(&sample()).expect("the sample loads");
    pdf.decompress();
    pdfgen::save(&mut pdf)
}

#[test]
fn the_generated_sample_reads_as_printed() {
    for (case, bytes) in [("compressed", sample()), ("plain", sample_plain())] {
        let doc = read_ok(case, &bytes);
        assert_eq!(doc.paragraphs, [TITLE, BODY], "{case}");
        assert_eq!(doc.tables.len(), 1, "{case}");
        assert_eq!(
            doc.tables[0].texts(),
            [
                ["项目", "预算数", "执行数"],
                ["基本支出", "55.09", "55.09"],
                ["项目支出", "30.24", "30.24"]
            ],
            "{case}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-written files.

/// The text the hand-written pages show.
const SHOWN: &str = "测试文本";

/// A ToUnicode map covering [`SHOWN`].
fn shown_map() -> Vec<u8> {
    pdfgen::to_unicode(&SHOWN.encode_utf16().collect::<BTreeSet<u16>>())
}

/// `<...>` hex of the codes that show `text` in the hand-written font.
fn hex(text: &str) -> String {
    pdfgen::codes(text)
        .iter()
        .fold(String::from("<"), |mut s, b| {
            let _ = write!(s, "{b:02X}");
            s
        })
        + ">"
}

/// A content stream that shows [`SHOWN`] once with the font `/F1`.
fn shown_content() -> Vec<u8> {
    format!("BT /F1 12 Tf 72 700 Td {} Tj ET", hex(SHOWN)).into_bytes()
}

fn raw_with(objects: &[Vec<u8>], extra: &str) -> Vec<u8> {
    pdfgen::raw(objects, extra)
}

fn raw(objects: &[Vec<u8>]) -> Vec<u8> {
    pdfgen::raw(objects, "")
}

fn obj(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

/// The objects of a one-page file whose page draws `content`: 1 catalog, 2 page tree, 3 page,
/// 4 content, 5 Type0 font, 6 CID font, 7 ToUnicode map. Cases replace the object they break.
fn page_objects(content: &[u8]) -> Vec<Vec<u8>> {
    vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>"),
        obj(
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        ),
        pdfgen::stream("", content),
        obj(
            "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
             /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        ),
        obj("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"),
        pdfgen::stream("", &shown_map()),
    ]
}

/// A one-page file whose page draws `content` in the font `/F1`.
fn page(content: &[u8]) -> Vec<u8> {
    raw(&page_objects(content))
}

#[test]
fn a_hand_written_page_reads() {
    let doc = read_ok("hand-written page", &page(&shown_content()));
    assert_eq!(doc.paragraphs, [SHOWN]);
}

// ---------------------------------------------------------------------------------------------
// Truncation and random mutation.

/// The outcomes a damaged copy of the sample may have: anything but a claim of encryption.
fn damaged(o: Outcome) -> bool {
    o != Outcome::Encrypted
}

#[test]
fn truncated_at_every_offset() {
    for (case, bytes) in [("compressed", sample()), ("plain", sample_plain())] {
        let mut failures = Vec::new();
        let mut outcomes = BTreeSet::new();
        // Every offset of the first and last kilobyte, every 7th in between.
        let offsets = (0..bytes.len())
            .filter(|&n| n < 1024 || n + 1024 > bytes.len() || n % 7 == 0)
            .collect::<Vec<_>>();
        for n in offsets {
            match try_read(&bytes[..n]) {
                Err(message) => failures.push(format!("{case} cut at {n}: panicked: {message}")),
                Ok(result) => {
                    let o = outcome(&result);
                    outcomes.insert(o);
                    if !damaged(o) {
                        failures.push(format!("{case} cut at {n}: {result:?}"));
                    }
                    // Before the header's end nothing is a PDF.
                    if n < 8 && o != Outcome::Malformed {
                        failures.push(format!("{case} cut at {n}: {o:?}, not Malformed"));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        // Losing the end of the file (its trailer and cross-reference table) loses nothing:
        // the objects are found by scanning.
        let cut = bytes.len() - b"%%EOF\n".len() - 30;
        let doc = read_ok(&format!("{case} without its end"), &bytes[..cut]);
        assert_eq!(doc.paragraphs, [TITLE, BODY], "{case}");
        assert!(
            outcomes.contains(&Outcome::Malformed),
            "{case}: {outcomes:?}"
        );
    }
}

/// Interesting replacements: delimiters, operators, and numbers at the edges.
const TOKENS: &[&[u8]] = &[
    b"(",
    b")",
    b"<",
    b">",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"/",
    b"%",
    b"\\",
    b" R ",
    b"obj",
    b"endobj",
    b"stream",
    b"endstream",
    b"-1",
    b"0",
    b"4294967296",
    b"99999999999999999999",
    b"-2147483649",
    b"1e38",
    b"3.4e38",
    b"nan",
    b".",
    b"q ",
    b"Q ",
    b"cm ",
    b"Tj ",
    b"TJ ",
    b"Do ",
    b"BI ",
    b"ID ",
    b"EI ",
    b"Tf ",
    b"Tm ",
    b"re ",
    b"m ",
    b"l ",
    b"S ",
    b"xref",
    b"trailer",
    b"startxref",
    b"/Kids",
    b"/Parent",
    b"/Contents",
    b"/Resources",
    b"/ToUnicode",
    b"/W",
    b"/FlateDecode",
    b"/Filter",
    b"/Length",
    b"beginbfrange",
    b"beginbfchar",
    b"<FFFF>",
    b"<0000>",
];

fn mutate(rng: &mut ChaCha8Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..rng.random_range(1..=8) {
        let at = rng.random_range(0..out.len().max(1));
        match rng.random_range(0..6) {
            0 => out[at] ^= 1 << rng.random_range(0..8),
            1 => out[at] = rng.random(),
            2 => {
                let token = TOKENS[rng.random_range(0..TOKENS.len())];
                let end = (at + token.len()).min(out.len());
                out.splice(at..end, token.iter().copied());
            }
            3 => {
                let token = TOKENS[rng.random_range(0..TOKENS.len())];
                out.splice(at..at, token.iter().copied());
            }
            4 => {
                let end = (at + rng.random_range(1..64)).min(out.len());
                out.drain(at..end);
            }
            _ => {
                // A run copied from elsewhere in the file.
                let from = rng.random_range(0..out.len().max(1));
                let len = rng.random_range(1..128).min(out.len() - from);
                let run: Vec<u8> = out[from..from + len].to_vec();
                out.splice(at..at, run);
            }
        }
        if out.is_empty() {
            out.push(b'%');
        }
    }
    out
}

#[test]
fn seeded_random_mutations() {
    let mut rng = ChaCha8Rng::seed_from_u64(116);
    let mut failures = Vec::new();
    let mut outcomes = BTreeSet::new();
    for (case, bytes, count) in [
        ("plain", sample_plain(), 1200),
        ("compressed", sample(), 400),
    ] {
        for i in 0..count {
            let mutant = mutate(&mut rng, &bytes);
            match try_read(&mutant) {
                Err(message) => failures.push(format!("{case} mutant {i}: panicked: {message}")),
                Ok(result) => {
                    let o = outcome(&result);
                    outcomes.insert(o);
                    if !damaged(o) {
                        failures.push(format!("{case} mutant {i}: {result:?}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The mutations reach both ends: some copies still read, some are refused.
    assert!(outcomes.contains(&Outcome::Read), "{outcomes:?}");
    assert!(outcomes.contains(&Outcome::Malformed), "{outcomes:?}");
}

// ---------------------------------------------------------------------------------------------
// Reference cycles.

#[test]
fn a_page_tree_whose_kids_point_back_to_the_root() {
    let mut objects = page_objects(&shown_content());
    objects[1] = obj("<< /Type /Pages /Kids [2 0 R] /Count 1 >>");
    check("Kids [itself]", &raw(&objects), Outcome::Malformed);
    // The root listed among its own kids beside the page: the page is read once.
    objects[1] = obj("<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 3 >>");
    let doc = read_ok("Kids [itself, page]", &raw(&objects));
    assert_eq!(doc.paragraphs, [SHOWN]);
    // A subtree that holds its parent.
    objects[1] = obj("<< /Type /Pages /Kids [8 0 R] /Count 1 >>");
    objects.push(obj(
        "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R 8 0 R] /Count 1 >>",
    ));
    let doc = read_ok("Kids through a subtree", &raw(&objects));
    assert_eq!(doc.paragraphs, [SHOWN]);
}

#[test]
fn a_parent_loop() {
    // The page is its own parent: its inherited resources cannot be looked up.
    let mut objects = page_objects(&shown_content());
    objects[2] = obj(
        "<< /Type /Page /Parent 3 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
    );
    check("page is its own parent", &raw(&objects), Outcome::Malformed);
    // Two nodes that are each other's parent.
    let mut objects = page_objects(&shown_content());
    objects[1] = obj("<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 8 0 R >>");
    objects.push(obj(
        "<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
    ));
    check(
        "two nodes, each the other's parent",
        &raw(&objects),
        Outcome::Malformed,
    );
}

/// A page drawing the form `/X0` (object 8, whose content is `form`, its resources `resources`).
fn form_page(form: &[u8], resources: &str) -> Vec<u8> {
    let mut objects = page_objects(b"/X0 Do");
    objects[2] = obj("<< /Type /Page /Parent 2 0 R /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> /XObject << /X0 8 0 R >> >> >>");
    objects.push(pdfgen::stream(
        &format!("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources {resources}"),
        form,
    ));
    raw(&objects)
}

#[test]
fn a_form_that_draws_itself() {
    let resources = "<< /Font << /F1 5 0 R >> /XObject << /X0 8 0 R >> >>";
    let mut content = shown_content();
    content.extend_from_slice(b" /X0 Do");
    let doc = read_ok("form draws itself", &form_page(&content, resources));
    assert_eq!(doc.paragraphs, [SHOWN]);
    // Drawing itself ten times over: 10^depth runs unless the cycle is cut.
    let mut content = shown_content();
    content.extend_from_slice(" /X0 Do".repeat(10).as_bytes());
    let doc = read_ok(
        "form draws itself ten times",
        &form_page(&content, resources),
    );
    assert_eq!(doc.paragraphs, [SHOWN]);
    // Forms nested deeper than any real file, without a cycle: X0 draws X1 ... draws X39.
    let mut objects = page_objects(b"/X0 Do");
    objects[2] = obj("<< /Type /Page /Parent 2 0 R /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> /XObject << /X0 8 0 R >> >> >>");
    for i in 0..40 {
        let next = format!("/XObject << /X{} {} 0 R >>", i + 1, 9 + i);
        let mut body = shown_content();
        body.extend_from_slice(format!(" /X{} Do /X{} Do", i + 1, i + 1).as_bytes());
        objects.push(pdfgen::stream(
            &format!(
                "/Type /XObject /Subtype /Form /BBox [0 0 595 842] \
                 /Resources << /Font << /F1 5 0 R >> {next} >>"
            ),
            &body,
        ));
    }
    let result = read("forms 40 deep, each drawn twice", &raw(&objects));
    assert!(
        matches!(outcome(&result), Outcome::Read | Outcome::TooLarge),
        "{result:?}"
    );
}

#[test]
fn resources_that_reference_themselves() {
    // The resources dictionary is its own /Font and /XObject dictionary.
    let mut objects = page_objects(&shown_content());
    objects[2] = obj("<< /Type /Page /Parent 2 0 R /Resources 8 0 R /Contents 4 0 R >>");
    objects.push(obj("<< /Font 8 0 R /XObject 8 0 R /F1 5 0 R >>"));
    let doc = read_ok("resources are their own fonts", &raw(&objects));
    assert_eq!(doc.paragraphs, [SHOWN]);
    // A font entry that is a reference to a reference to itself.
    let mut objects = page_objects(&shown_content());
    objects[2] = obj(
        "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 8 0 R >> >> /Contents 4 0 R >>",
    );
    objects.push(obj("9 0 R"));
    objects.push(obj("8 0 R"));
    check(
        "font is a reference loop",
        &raw(&objects),
        Outcome::NoTextLayer,
    );
}

#[test]
fn to_unicode_and_encoding_cycles() {
    // The ToUnicode map is a reference to itself.
    let mut objects = page_objects(&shown_content());
    objects[6] = obj("7 0 R");
    let result = expect_result(
        "ToUnicode 7 0 R → itself",
        &raw(&objects),
        Outcome::NoUnicode,
    );
    assert_eq!(
        result,
        Err(PdfError::NoUnicode {
            fonts: vec!["SimSun".to_owned()]
        })
    );
    // A simple font whose /Encoding goes round two objects.
    let mut objects = page_objects(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET");
    objects[4] = obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding 8 0 R >>");
    objects.push(obj("9 0 R"));
    objects.push(obj("8 0 R"));
    // The encoding cannot be found: the standard font's own (Latin) encoding is read.
    let doc = read_ok("Encoding 8 → 9 → 8", &raw(&objects));
    assert_eq!(doc.paragraphs, ["Hello"]);
    // An encoding dictionary whose base and differences are itself.
    let mut objects = page_objects(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET");
    objects[4] = obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding 8 0 R >>");
    objects.push(obj(
        "<< /Type /Encoding /BaseEncoding 8 0 R /Differences 8 0 R >>",
    ));
    let result = read("Encoding is its own base", &raw(&objects));
    assert!(
        matches!(outcome(&result), Outcome::NoUnicode | Outcome::Read),
        "{result:?}"
    );
    // The descendant font array and the widths are references to themselves.
    let mut objects = page_objects(&shown_content());
    objects[4] = obj(
        "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
         /DescendantFonts 8 0 R /ToUnicode 7 0 R >>",
    );
    objects.push(obj("[8 0 R]"));
    let doc = read_ok("DescendantFonts [itself]", &raw(&objects));
    assert_eq!(doc.paragraphs, [SHOWN]);
}

#[test]
fn contents_that_go_round() {
    let mut objects = page_objects(&shown_content());
    objects[2] = obj(
        "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 8 0 R >>",
    );
    objects.push(obj("9 0 R"));
    objects.push(obj("8 0 R"));
    check("Contents 8 → 9 → 8", &raw(&objects), Outcome::NoTextLayer);
}

// ---------------------------------------------------------------------------------------------
// Bombs: small streams that inflate past the limits.

/// Bits written as deflate packs them: values least significant bit first, Huffman codes most
/// significant bit first.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, len: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    fn code(&mut self, code: u32, len: u32) {
        self.put(code.reverse_bits() >> (32 - len), len);
    }

    /// A literal byte in the fixed Huffman code.
    fn literal(&mut self, byte: u8) {
        if byte < 144 {
            self.code(0x30 + u32::from(byte), 8);
        } else {
            self.code(0x190 + u32::from(byte) - 144, 9);
        }
    }

    /// A copy of 258 bytes from `distance` back, for a distance of 1, 2 or 13.
    fn copy_258(&mut self, distance: u32) {
        self.code(0xC5, 8); // length code 285: 258 bytes
        match distance {
            1 => self.code(0, 5),
            2 => self.code(1, 5),
            13 => {
                self.code(7, 5); // distances 13–16, two extra bits
                self.put(0, 2);
            }
            _ => unreachable!("only the distances these bombs use"),
        }
    }

    fn align(&mut self) {
        if self.n > 0 {
            self.put(0, 8 - self.n);
        }
    }
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in bytes.chunks(5000) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// A zlib stream of `1 + 258 × copies` zero bytes: one literal and `copies` back-references,
/// about 1/1000 of the size it inflates to. Written by periods (8 copies are 13 bytes), so a
/// stream of tens of megabytes is made in a moment.
fn zeros_zlib(copies: usize) -> Vec<u8> {
    let mut bits = Bits {
        out: vec![0x78, 0x01],
        ..Bits::default()
    };
    bits.put(1, 1); // the final block
    bits.put(1, 2); // fixed Huffman codes
    bits.literal(0);
    let (groups, rest) = (copies / 8, copies % 8);
    if groups >= 2 {
        for _ in 0..8 {
            bits.copy_258(1);
        }
        let start = bits.out.len();
        for _ in 0..8 {
            bits.copy_258(1);
        }
        let period = bits.out[start..].to_vec();
        assert_eq!(period.len(), 13);
        for _ in 2..groups {
            bits.out.extend_from_slice(&period);
        }
    } else {
        for _ in 0..groups * 8 {
            bits.copy_258(1);
        }
    }
    for _ in 0..rest {
        bits.copy_258(1);
    }
    bits.code(0, 7); // end of block
    bits.align();
    let len = 1 + 258 * copies as u64;
    let adler = (((len % 65521) as u32) << 16) | 1;
    bits.out.extend_from_slice(&adler.to_be_bytes());
    bits.out
}

/// A zlib stream of `data`, which must repeat with a period of `period` bytes (1, 2 or 13) after
/// its first `head` bytes, but for its last few: literals, then copies of 258 bytes `period` back.
fn periodic_zlib(data: &[u8], head: usize, period: usize) -> Vec<u8> {
    let mut bits = Bits {
        out: vec![0x78, 0x01],
        ..Bits::default()
    };
    bits.put(1, 1);
    bits.put(1, 2);
    let body = &data[head..];
    let copies = body.len().saturating_sub(period + 258) / 258;
    for &b in &data[..head + period.min(body.len())] {
        bits.literal(b);
    }
    for i in 0..copies {
        debug_assert_eq!(body[period + i * 258], body[i * 258 % period]);
        bits.copy_258(period as u32);
    }
    for &b in &body[(period + copies * 258).min(body.len())..] {
        bits.literal(b);
    }
    bits.code(0, 7);
    bits.align();
    bits.out.extend_from_slice(&adler32(data).to_be_bytes());
    bits.out
}

/// `data` inflated by lopdf.
fn inflate(data: &[u8]) -> Vec<u8> {
    lopdf::Stream::new(dictionary! { "Filter" => "FlateDecode" }, data.to_vec())
        .decompressed_content()
        .expect("inflates")
}

#[test]
fn the_hand_made_zlib_streams_inflate_as_meant() {
    for copies in [1, 7, 8, 15, 16, 17, 100] {
        let out = inflate(&zeros_zlib(copies));
        assert_eq!(out.len(), 1 + 258 * copies, "{copies}");
        assert!(out.iter().all(|b| *b == 0));
    }
    let inner = zeros_zlib(1000);
    assert_eq!(inflate(&periodic_zlib(&inner, 4, 13)), inner);
    let numbers = format!("1 0 [{}]", "0 ".repeat(5000)).into_bytes();
    assert_eq!(inflate(&periodic_zlib(&numbers, 5, 2)), numbers);
}

#[test]
fn a_content_stream_bomb() {
    // 1 MB that inflates to 260 MB, past the 32 MB a page may hold.
    let bomb = zeros_zlib(1 << 20);
    let mut objects = page_objects(b"");
    objects[3] = pdfgen::stream("/Filter /FlateDecode", &bomb);
    check(
        "content inflating to 260 MB",
        &raw(&objects),
        Outcome::TooLarge,
    );
    // Two layers: 200 KB inflating to 27 MB, which inflates to 4 GB. Were the limit not held
    // while inflating, this would take minutes and gigabytes.
    let inner = zeros_zlib(16 << 20);
    let outer = periodic_zlib(&inner, 4, 13);
    assert!(outer.len() < 300_000, "{}", outer.len());
    let mut objects = page_objects(b"");
    objects[3] = pdfgen::stream("/Filter [/FlateDecode /FlateDecode]", &outer);
    check(
        "content inflating to 4 GB",
        &raw(&objects),
        Outcome::TooLarge,
    );
}

#[test]
fn object_stream_bombs() {
    // An object stream (inflated while the file loads) of 128 MB of zeros.
    let bomb = zeros_zlib(1 << 19);
    let mut objects = page_objects(&shown_content());
    objects.push(pdfgen::stream(
        "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
        &bomb,
    ));
    check(
        "object stream inflating to 128 MB",
        &raw(&objects),
        Outcome::TooLarge,
    );
    // Forty object streams of 4 KB, each inflating to 4 MB of numbers in one array, an object
    // lopdf would hold in some 250 MB: within a limit per stream, not within the file's.
    let numbers = format!("9 0 [{}]", "0 ".repeat(2 << 20)).into_bytes();
    let packed = periodic_zlib(&numbers, 5, 2);
    assert!(packed.len() < 40_000, "{}", packed.len());
    let mut objects = page_objects(&shown_content());
    for _ in 0..40 {
        objects.push(pdfgen::stream(
            "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
            &packed,
        ));
    }
    check(
        "forty object streams of 4 MB",
        &raw(&objects),
        Outcome::TooLarge,
    );
    // The name written with escapes is the same name.
    let mut objects = page_objects(&shown_content());
    for _ in 0..40 {
        objects.push(pdfgen::stream(
            "/Type /Obj#53t#6d /N 1 /First 4 /Filter /FlateDecode",
            &packed,
        ));
    }
    check(
        "forty escaped object streams",
        &raw(&objects),
        Outcome::TooLarge,
    );
    // A file saved with object streams, as Word and lopdf write them, reads.
    let mut printer = pdfgen::Printer::new();
    printer.document(&sample_doc());
    let mut pdf = printer.finish();
    let mut bytes = Vec::new();
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .build();
    pdf.save_with_options(&mut bytes, options).expect("saved");
    let doc = read_ok("object streams", &bytes);
    assert_eq!(doc.paragraphs, [TITLE, BODY]);
}

#[test]
fn a_to_unicode_bomb() {
    // A ToUnicode map of 16 MB.
    let mut objects = page_objects(&shown_content());
    objects[6] = pdfgen::stream("/Filter /FlateDecode", &zeros_zlib(1 << 16));
    check(
        "ToUnicode inflating to 16 MB",
        &raw(&objects),
        Outcome::TooLarge,
    );
}

#[test]
fn many_fonts_share_one_large_map() {
    // A ToUnicode map of 60,000 entries (1.7 MB) shared by 400 fonts, each used once: the map
    // is read once, not 400 times.
    let mut units: BTreeSet<u16> = (0x1000..0x1000 + 60_000).collect();
    units.extend(SHOWN.encode_utf16());
    let map = pdfgen::to_unicode(&units);
    let fonts = 400;
    let mut content = String::new();
    let mut names = String::new();
    for i in 0..fonts {
        let _ = writeln!(
            content,
            "BT /F{i} 12 Tf 72 {} Td {} Tj ET",
            700 - i,
            hex(SHOWN)
        );
        let _ = write!(names, "/F{i} {} 0 R ", 9 + i);
    }
    let mut objects = page_objects(content.as_bytes());
    objects[2] = obj(&format!(
        "<< /Type /Page /Parent 2 0 R /Resources << /Font << {names} >> >> /Contents 4 0 R >>"
    ));
    objects[6] = pdfgen::stream("", &map);
    objects.push(obj("null"));
    for _ in 0..fonts {
        objects.push(obj(
            "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
             /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        ));
    }
    let doc = read_ok("400 fonts, one map", &raw(&objects));
    assert!(all_text(&doc).contains(SHOWN));
}

// ---------------------------------------------------------------------------------------------
// Cross-reference tables.

#[test]
fn bad_or_missing_cross_references() {
    let good = page(&shown_content());
    let text = |case: &str, bytes: &[u8]| {
        let doc = read_ok(case, bytes);
        assert_eq!(doc.paragraphs, [SHOWN], "{case}");
    };
    // Every offset in the table wrong by 5 bytes.
    let s = String::from_utf8_lossy(&good).into_owned();
    let xref = s.find("xref\n").expect("a table");
    let (head, table) = s.split_at(xref);
    let shifted: String = table
        .lines()
        .map(|l| match l.strip_suffix(" 00000 n ") {
            Some(o) => format!(
                "{:010} 00000 n \n",
                o.parse::<u64>().expect("an offset") + 5
            ),
            None => format!("{l}\n"),
        })
        .collect();
    text("offsets off by 5", format!("{head}{shifted}").as_bytes());
    // No table and no trailer at all: objects only.
    text("no table, no trailer", head.as_bytes());
    // startxref past the end of the file, or at a wrong place.
    let past = s.replace(&format!("startxref\n{xref}"), "startxref\n99999999");
    text("startxref past the end", past.as_bytes());
    let zero = s.replace(&format!("startxref\n{xref}"), "startxref\n0");
    text("startxref 0", zero.as_bytes());
    // A trailer whose /Prev is the table itself.
    let prev = raw_with(&page_objects(&shown_content()), "/Prev 0");
    let s2 = String::from_utf8_lossy(&prev).into_owned();
    let x2 = s2.find("xref\n").expect("a table");
    text(
        "/Prev is itself",
        s2.replace("/Prev 0", &format!("/Prev {x2}")).as_bytes(),
    );
    // A table that claims four billion entries.
    let huge = s.replace(
        &format!("0 {}\n", page_objects(b"").len() + 1),
        "0 4294967295\n",
    );
    text("a table of 4294967295 entries", huge.as_bytes());
    // A cross-reference stream with absurd /Size, /W and /Index.
    let mut xs = page_objects(&shown_content());
    xs.push(pdfgen::stream(
        "/Type /XRef /Size 2147483647 /W [8 8 8] /Index [0 2147483647 5 99999999] /Root 1 0 R",
        &[0u8; 48],
    ));
    let body = raw(&xs);
    let b = String::from_utf8_lossy(&body).into_owned();
    let at = b.find("8 0 obj").expect("object 8");
    let t = b.find("xref\n").expect("a table");
    let xref_stream = format!("{}startxref\n{at}\n%%EOF\n", &b[..t]);
    text("an absurd cross-reference stream", xref_stream.as_bytes());
}

#[test]
fn not_a_pdf_at_all() {
    for (case, bytes) in [
        ("empty", &b""[..]),
        ("a word", b"hello"),
        ("a header only", b"%PDF-1.7\n"),
        (
            "a header and junk",
            b"%PDF-1.7\n\x00\x01\x02 endobj stream )))] >> trailer",
        ),
        ("a zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00"),
    ] {
        check(case, bytes, Outcome::Malformed);
    }
    // A catalog without pages, and pages without any page.
    let mut objects = page_objects(&shown_content());
    objects[0] = obj("<< /Type /Catalog >>");
    check("no /Pages", &raw(&objects), Outcome::Malformed);
    let mut objects = page_objects(&shown_content());
    objects[1] = obj("<< /Type /Pages /Kids [] /Count 0 >>");
    check("no page", &raw(&objects), Outcome::Malformed);
}

// ---------------------------------------------------------------------------------------------
// Nesting.

#[test]
fn arrays_and_dictionaries_thousands_deep() {
    let deep_array = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let deep_dict = format!("{}{}", "<< /A ".repeat(5000), ">>".repeat(5000));
    let deep_string = format!("{}{}", "(".repeat(5000), ")".repeat(5000));
    for (case, deep) in [
        ("arrays", &deep_array),
        ("dictionaries", &deep_dict),
        ("strings", &deep_string),
    ] {
        // In the content, after the text: the text before it stands.
        let mut content = shown_content();
        content.extend_from_slice(format!(" {deep} TJ").as_bytes());
        let doc = read_ok(&format!("{case} in the content"), &page(&content));
        assert_eq!(doc.paragraphs, [SHOWN], "{case}");
        // In the page dictionary: the page cannot be parsed.
        let mut objects = page_objects(&shown_content());
        objects[2] = obj(&format!(
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> \
             /Contents 4 0 R /Deep {deep} >>"
        ));
        let result = read(&format!("{case} in the page"), &raw(&objects));
        assert!(
            matches!(outcome(&result), Outcome::Malformed | Outcome::NoTextLayer),
            "{case}: {result:?}"
        );
        // In the trailer.
        let bytes = raw_with(&page_objects(&shown_content()), &format!("/Deep {deep}"));
        let doc = read_ok(&format!("{case} in the trailer"), &bytes);
        assert_eq!(doc.paragraphs, [SHOWN], "{case}");
    }
}

#[test]
fn q_nested_100_000_deep() {
    let mut content = "q 1 0 0 1 0 0 cm ".repeat(100_000).into_bytes();
    content.extend_from_slice(&shown_content());
    content.extend_from_slice(" Q".repeat(100_000).as_bytes());
    content.extend_from_slice(b" Q Q Q");
    let doc = read_ok("q 100,000 deep", &page(&content));
    assert_eq!(doc.paragraphs, [SHOWN]);
}

// ---------------------------------------------------------------------------------------------
// Volume.

#[test]
fn a_million_text_operations() {
    // A million glyphs shown one at a time, on one line running far past the page's edge.
    let glyph = format!(" {} Tj", hex("测"));
    let mut content = b"BT /F1 1 Tf 72 800 Td".to_vec();
    content.extend(std::iter::repeat_n(glyph.as_bytes(), 1_000_000).flatten());
    content.extend_from_slice(b" ET");
    let doc = read_ok("a million Tj", &page(&content));
    assert_eq!(
        all_text(&doc).chars().filter(|c| *c == '测').count(),
        1_000_000
    );
}

#[test]
fn operations_past_the_limit() {
    // 5 million operations on one page.
    let content = "n ".repeat(5_000_000);
    check(
        "5 million operations on a page",
        &page(content.as_bytes()),
        Outcome::TooLarge,
    );
    // 3 million operations on each of three pages that share one content stream: each page is
    // within the limit of a page, the file is not.
    let content = "n ".repeat(3_000_000);
    let mut objects = page_objects(content.as_bytes());
    objects[1] = obj("<< /Type /Pages /Kids [3 0 R 8 0 R 9 0 R] /Count 3 >>");
    for _ in 0..2 {
        objects.push(obj(
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        ));
    }
    check("9 million operations", &raw(&objects), Outcome::TooLarge);
}

#[test]
fn one_string_of_six_million_glyphs() {
    let mut content = b"BT /F1 1 Tf 72 700 Td <".to_vec();
    content.extend(std::iter::repeat_n(b"6D4B".as_slice(), 6_000_000).flatten());
    content.extend_from_slice(b"> Tj ET");
    check(
        "a Tj of 6 million glyphs",
        &page(&content),
        Outcome::TooLarge,
    );
}

#[test]
fn too_many_pages() {
    let mut objects = page_objects(&shown_content());
    let kids: String = (0..2001).map(|i| format!("{} 0 R ", 8 + i)).collect();
    objects[1] = obj(&format!("<< /Type /Pages /Kids [{kids}] /Count 2001 >>"));
    for _ in 0..2001 {
        objects.push(obj(
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        ));
    }
    check("2001 pages", &raw(&objects), Outcome::TooLarge);
}

#[test]
fn many_pages_share_one_heavy_content_stream() {
    // 1,500 pages, each drawing the same 40,000 rules and glyphs: too much for one file,
    // although each page is within the limits of a page.
    let mut content = String::new();
    for i in 0..10_000 {
        let _ = write!(content, "{} 100 m {} 200 l S ", 72 + i % 400, 72 + i % 400);
    }
    let mut objects = page_objects(content.as_bytes());
    let kids: String = (0..1500).map(|i| format!("{} 0 R ", 8 + i)).collect();
    objects[1] = obj(&format!("<< /Type /Pages /Kids [{kids}] /Count 1500 >>"));
    for _ in 0..1500 {
        objects.push(obj(
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        ));
    }
    check("1,500 heavy pages", &raw(&objects), Outcome::TooLarge);
}

#[test]
fn a_million_rules() {
    let mut content = String::new();
    for i in 0..250_000 {
        let x = 72 + i % 400;
        let _ = write!(content, "{x} 100 m {x} 700 l S 72 {x} m 500 {x} l S ");
    }
    content.push_str(std::str::from_utf8(&shown_content()).expect("ASCII"));
    let doc = read_ok("a million rules", &page(content.as_bytes()));
    assert!(all_text(&doc).contains(SHOWN));
}

#[test]
fn a_grid_of_rules_with_text_in_every_cell() {
    // 150 × 150 cells, each with a glyph.
    let mut content = String::new();
    for i in 0..=150 {
        let at = 20 + 3 * i;
        let _ = write!(content, "{at} 20 m {at} 470 l S 20 {at} m 470 {at} l S ");
    }
    content.push_str("BT /F1 1 Tf ");
    let glyph = hex("测");
    for r in 0..150 {
        for c in 0..150 {
            let _ = write!(
                content,
                "1 0 0 1 {} {} Tm {glyph} Tj ",
                21 + 3 * c,
                21 + 3 * r
            );
        }
    }
    content.push_str("ET");
    let result = read("a 150 × 150 grid", &page(content.as_bytes()));
    assert_eq!(outcome(&result), Outcome::Read, "{result:?}");
}

#[test]
fn two_columns_of_twenty_thousand_lines() {
    // Lines of two parts each (too few columns for a table) are tried as the rows of a table
    // from each line on: the tries must not go over the whole run each time.
    let mut content = String::from("BT /F1 10 Tf ");
    let (a, b) = (hex("测试"), hex("文本"));
    for i in 0..20_000 {
        let y = 800 - 14 * i;
        let _ = write!(
            content,
            "1 0 0 1 72 {y} Tm {a} Tj 1 0 0 1 400 {y} Tm {b} Tj "
        );
    }
    content.push_str("ET");
    let doc = read_ok("two columns of 20,000 lines", &page(content.as_bytes()));
    assert_eq!(all_text(&doc).matches("测试").count(), 20_000);
}

#[test]
fn a_table_of_broken_rules() {
    // 100 columns and 100 rows of rules, each cut into 90 pieces: 18,000 rules, 10,000 cells.
    let mut content = String::new();
    for i in 0..100 {
        let at = 20 + 5 * i;
        for k in 0..90 {
            let (from, to) = (20 + 6 * k, 20 + 6 * k + 3);
            let _ = write!(
                content,
                "{at} {from} m {at} {to} l S {from} {at} m {to} {at} l S "
            );
        }
    }
    content.push_str(std::str::from_utf8(&shown_content()).expect("ASCII"));
    let doc = read_ok("a table of broken rules", &page(content.as_bytes()));
    assert!(all_text(&doc).contains(SHOWN));
}

#[test]
fn widths_arrays_of_a_million_entries() {
    // /W [0 [1,000,000 widths]].
    let widths = "500 ".repeat(1_000_000);
    let mut objects = page_objects(&shown_content());
    objects[5] = obj(&format!(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 /W [0 [{widths}]] >>"
    ));
    let doc = read_ok("/W of a million", &raw(&objects));
    assert_eq!(doc.paragraphs, [SHOWN]);
    // /W [0 8 0 R 0 8 0 R ...]: ten thousand references to one array of 100,000 widths.
    let mut objects = page_objects(&shown_content());
    objects[5] = obj(&format!(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 /W [{}] >>",
        "0 8 0 R ".repeat(10_000)
    ));
    objects.push(obj(&format!("[{}]", "500 ".repeat(100_000))));
    let doc = read_ok("/W of shared arrays", &raw(&objects));
    assert_eq!(doc.paragraphs, [SHOWN]);
    // A simple font's /Widths of a million.
    let mut objects = page_objects(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET");
    objects[4] = obj(&format!(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 0 /Widths [{widths}] >>"
    ));
    let doc = read_ok("/Widths of a million", &raw(&objects));
    assert_eq!(doc.paragraphs, ["Hello"]);
}

// ---------------------------------------------------------------------------------------------
// Numbers and operands.

#[test]
fn absurd_numbers() {
    // The largest f32, and an integer past i64 (lopdf cannot parse the operation holding it).
    let huge = "340282346638528859811704183484516925440.0";
    let shown = hex(SHOWN);
    for (case, content, text) in [
        (
            "huge cm",
            format!("{huge} 0 0 {huge} 0 0 cm BT /F1 12 Tf 72 700 Td {shown} Tj ET"),
            false,
        ),
        (
            "cm past f32",
            format!("1{huge} 0 0 1{huge} 0 0 cm BT /F1 12 Tf 72 700 Td {shown} Tj ET"),
            true,
        ),
        (
            "zero cm",
            format!("0 0 0 0 0 0 cm BT /F1 12 Tf 72 700 Td {shown} Tj ET"),
            false,
        ),
        (
            "negative cm",
            format!("-1 0 0 -1 595 842 cm BT /F1 12 Tf 72 700 Td {shown} Tj ET"),
            false,
        ),
        (
            "huge font",
            format!("BT /F1 {huge} Tf 72 700 Td {shown} Tj ET"),
            false,
        ),
        (
            "negative font",
            format!("BT /F1 -12 Tf 72 700 Td {shown} Tj ET"),
            false,
        ),
        (
            "zero font",
            format!("BT /F1 0 Tf 72 700 Td {shown} Tj ET"),
            false,
        ),
        (
            "zero Tm",
            format!("BT /F1 12 Tf 0 0 0 0 0 0 Tm {shown} Tj ET"),
            false,
        ),
        (
            "huge Td",
            format!("BT /F1 12 Tf {huge} -{huge} Td {shown} Tj ET"),
            false,
        ),
        (
            "huge Tc Tw Tz TL Ts",
            format!(
                "BT /F1 12 Tf {huge} Tc {huge} Tw {huge} Tz {huge} TL {huge} Ts 72 700 Td {shown} Tj T* {shown} ' ET"
            ),
            false,
        ),
        (
            "huge TJ adjustments",
            format!("BT /F1 12 Tf 72 700 Td [{shown} {huge} {shown} -{huge}] TJ ET"),
            false,
        ),
        (
            "words for numbers",
            format!("BT /F1 nan Tf nan inf Td {shown} Tj ET"),
            false,
        ),
        (
            "operands missing",
            format!("BT Tf Td Tm cm re m l {shown} Tj TJ ' \" Do ET"),
            false,
        ),
        (
            "operands of the wrong kind",
            format!("BT (x) [1] Tf <<>> /N Td {shown} Tj /F1 12 Tf [ {shown} /b <<>> ] TJ ET"),
            false,
        ),
        (
            "huge re",
            format!(
                "{huge} {huge} {huge} {huge} re f 0 0 {huge} 1 re S BT /F1 12 Tf 72 700 Td {shown} Tj ET"
            ),
            true,
        ),
        (
            "integers past i64",
            format!("BT /F1 99999999999999999999999 Tf 72 700 Td {shown} Tj ET"),
            false,
        ),
    ] {
        let result = read(case, &page(content.as_bytes()));
        match &result {
            Ok(doc) if text => assert!(all_text(doc).contains(SHOWN), "{case}: {doc:?}"),
            Ok(_) | Err(PdfError::NoTextLayer { .. }) => {}
            Err(e) => panic!("{case}: {e:?}"),
        }
    }
    // Absurd media boxes.
    for media in [
        "[0 0 0 0]",
        "[0 0 -595 -842]",
        &format!("[0 0 {huge} {huge}]"),
        "[1 2]",
        "7",
    ] {
        let mut objects = page_objects(&shown_content());
        objects[1] = obj(&format!(
            "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox {media} >>"
        ));
        let doc = read_ok(&format!("MediaBox {media}"), &raw(&objects));
        assert!(all_text(&doc).contains(SHOWN), "{media}: {doc:?}");
    }
}

#[test]
fn contents_that_are_not_streams() {
    for contents in [
        "<< /Length 5 >>",
        "42",
        "(BT ET)",
        "[1 2 3]",
        "[8 0 R]",
        "99 0 R",
        "null",
    ] {
        let mut objects = page_objects(&shown_content());
        objects[2] = obj(&format!(
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents {contents} >>"
        ));
        objects.push(obj("<< /Not /AStream >>"));
        let result = expect_result(
            &format!("Contents {contents}"),
            &raw(&objects),
            Outcome::NoTextLayer,
        );
        assert_eq!(result, Err(PdfError::NoTextLayer { pages: 1 }));
    }
    // The content a dictionary, the fonts an array, the page an integer.
    let mut objects = page_objects(&shown_content());
    objects[3] = obj("<< /Length 5 >>");
    check(
        "content object a dictionary",
        &raw(&objects),
        Outcome::NoTextLayer,
    );
    let mut objects = page_objects(&shown_content());
    objects[2] =
        obj("<< /Type /Page /Parent 2 0 R /Resources << /Font [5 0 R] >> /Contents 4 0 R >>");
    check("fonts an array", &raw(&objects), Outcome::NoTextLayer);
    let mut objects = page_objects(&shown_content());
    objects[2] = obj("42");
    let result = read("the page an integer", &raw(&objects));
    assert!(
        matches!(outcome(&result), Outcome::Malformed | Outcome::NoTextLayer),
        "{result:?}"
    );
}

#[test]
fn fonts_that_cannot_be_mapped_and_pages_without_text() {
    // A composite font with no ToUnicode map.
    let mut objects = page_objects(&shown_content());
    objects[4] = obj(
        "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+FangSong /Encoding /Identity-H \
         /DescendantFonts [6 0 R] >>",
    );
    let result = expect_result("no ToUnicode", &raw(&objects), Outcome::NoUnicode);
    assert_eq!(
        result,
        Err(PdfError::NoUnicode {
            fonts: vec!["FangSong".to_owned()]
        })
    );
    // A ToUnicode map that is garbage.
    let mut objects = page_objects(&shown_content());
    objects[6] = pdfgen::stream("", b"begincmap 1 beginbfchar <00 endbfchar )))) endcmap");
    check("garbage ToUnicode", &raw(&objects), Outcome::NoUnicode);
    // Only an image: a scan.
    let mut objects = page_objects(b"q 595 0 0 842 0 0 cm /Im0 Do Q");
    objects[2] = obj(
        "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /XObject << /Im0 8 0 R >> >> >>",
    );
    objects.push(pdfgen::stream(
        "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8",
        b"\x80",
    ));
    let result = expect_result("an image only", &raw(&objects), Outcome::NoTextLayer);
    assert_eq!(result, Err(PdfError::NoTextLayer { pages: 1 }));
    // An inline image whose data runs to the end of the stream.
    let mut content = shown_content();
    content.extend_from_slice(b" BI /W 100 /H 100 /BPC 8 /CS /G ID \x00\x01\x02EI EI");
    let doc = read_ok("a broken inline image", &page(&content));
    assert_eq!(doc.paragraphs, [SHOWN]);
}

// ---------------------------------------------------------------------------------------------
// Encryption.

fn encrypted(user_password: &str) -> Vec<u8> {
    let mut pdf = lopdf::Document::load_mem(&sample()).expect("the sample loads");
    pdf.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(b"0123456789abcdef".to_vec(), StringFormat::Hexadecimal),
            Object::String(b"0123456789abcdef".to_vec(), StringFormat::Hexadecimal),
        ]),
    );
    let version = EncryptionVersion::V2 {
        document: &pdf,
        owner_password: "owner",
        user_password,
        key_length: 128,
        permissions: Permissions::PRINTABLE,
    };
    let state = EncryptionState::try_from(version).expect("an encryption state");
    pdf.encrypt(&state).expect("encrypted");
    pdfgen::save(&mut pdf)
}

#[test]
fn encrypted_files() {
    let result = expect_result("a user password", &encrypted("secret"), Outcome::Encrypted);
    assert_eq!(result, Err(PdfError::Encrypted));
    // Encrypted with an empty user password (an owner password only, to restrict printing):
    // anyone may open it, and so may we.
    let doc = read_ok("an owner password only", &encrypted(""));
    assert_eq!(doc.paragraphs, [TITLE, BODY]);
    // An /Encrypt entry that is garbage.
    let bytes = raw_with(
        &page_objects(&shown_content()),
        "/Encrypt << /Filter /Nonsense /V 99 >>",
    );
    let result = read("a garbage /Encrypt", &bytes);
    assert!(
        matches!(outcome(&result), Outcome::Encrypted | Outcome::Malformed),
        "{result:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// A page that is a picture, in a PDF with text (a signed page scanned into the report).

#[test]
fn a_page_that_is_a_picture_is_read_around_and_noted() {
    use lopdf::{Object, Stream, dictionary};
    let mut pdf = lopdf::Document::load_mem(&sample()).expect("the sample loads");
    let image = pdf.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        vec![0x80],
    ));
    let content = pdf.add_object(Stream::new(
        dictionary! {},
        b"q 595 0 0 842 0 0 cm /Im0 Do Q".to_vec(),
    ));
    let pages = pdf
        .catalog()
        .and_then(|c| c.get(b"Pages"))
        .and_then(Object::as_reference)
        .expect("a page tree");
    let page = pdf.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages,
        "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
    });
    let tree = pdf.get_dictionary_mut(pages).expect("the page tree");
    let before = tree
        .get(b"Count")
        .and_then(Object::as_i64)
        .expect("a count");
    tree.set("Count", before + 1);
    if let Ok(Object::Array(kids)) = tree.get_mut(b"Kids") {
        kids.push(Object::Reference(page));
    }
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes).expect("saves");
    let doc = read_ok("a text page and a picture page", &bytes);
    assert_eq!(doc.paragraphs, sample_doc().paragraphs);
    let picture = before + 1;
    assert_eq!(
        doc.notes,
        [format!("第{picture}页是图片 (扫描件, 无文字层), 未读取")]
    );
}
