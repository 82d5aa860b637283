//! Running a page's content stream: where each glyph is drawn (with its text), which straight
//! lines are drawn (a table's rules), and whether pictures are. Only what reading needs: colours,
//! clipping and shading are ignored.

use std::collections::BTreeMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::PdfError;
use super::font::{Font, FontBudget, Text};

/// The most bytes one page's content (with its forms) may inflate to.
const CONTENT_LIMIT: usize = 32 * 1024 * 1024;
/// The most bytes the content of all pages (with their forms) may inflate to.
const DOCUMENT_CONTENT_LIMIT: usize = 128 * 1024 * 1024;
/// The most operations run for one page, forms included.
const OPERATIONS_LIMIT: usize = 4_000_000;
/// The most operations run over all pages: a page's limit is not a file's, since many pages may
/// draw one heavy content stream (or one form) again and again.
const DOCUMENT_OPERATIONS_LIMIT: usize = 8_000_000;
/// The most glyphs read over all pages.
const GLYPH_LIMIT: usize = 5_000_000;
/// The most straight lines kept for one page: past this a page is a drawing, not a table (the
/// layout reads no table from more than 20,000), and what is kept is bounded.
const RULES_LIMIT: usize = 100_000;
/// The most segments of a path not yet painted.
const PATH_LIMIT: usize = 100_000;
/// How deep forms may nest (a form drawing a form...).
const FORM_DEPTH: usize = 8;
/// How deep `q` may nest.
const STATE_DEPTH: usize = 256;

/// A 2-D affine matrix `[a b c d e f]`, as PDF writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(x: f32, y: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self × other`: `self` applied first.
    fn then(self, other: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn of(operands: &[Object]) -> Option<Matrix> {
        let v: Vec<f32> = operands.iter().filter_map(num).collect();
        let m: [f32; 6] = v.try_into().ok()?;
        Some(Matrix(m))
    }
}

fn num(o: &Object) -> Option<f32> {
    o.as_float().ok().filter(|v| v.is_finite())
}

/// One glyph on the page, in page space (points, y up).
#[derive(Debug, Clone)]
pub(super) struct Glyph {
    pub x: f32,
    /// Where the glyph ends (its advance).
    pub end: f32,
    /// The baseline.
    pub y: f32,
    /// The font size on the page.
    pub size: f32,
    pub text: String,
    /// The text object (`BT` … `ET`) it was drawn in, counted over the page: a program that
    /// writes a table cell by cell starts one per cell.
    pub object: u32,
    /// The clipping box it was drawn in (x0, y0, x1, y1), when one was set: a spreadsheet clips
    /// each cell's text to its cell, and text beyond the box belongs to it all the same.
    pub clip: Option<[f32; 4]>,
}

/// A straight line drawn on the page: `at` is its y (horizontal) or x (vertical), from `from` to
/// `to` along it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rule {
    pub at: f32,
    pub from: f32,
    pub to: f32,
}

/// What one page draws.
#[derive(Debug, Default)]
pub(super) struct Page {
    pub height: f32,
    /// The page's lower-left corner (a media box need not start at 0, 0).
    pub origin: (f32, f32),
    pub glyphs: Vec<Glyph>,
    pub horizontal: Vec<Rule>,
    pub vertical: Vec<Rule>,
    /// Pictures drawn (image XObjects and inline images).
    pub images: usize,
    /// Glyphs drawn in a font that cannot be mapped to Unicode, by font name.
    pub unmapped: BTreeMap<String, usize>,
}

#[derive(Clone)]
struct TextState<'a> {
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    size: f32,
    rise: f32,
    font: Option<Rc<Font<'a>>>,
}

#[derive(Clone)]
struct State<'a> {
    ctm: Matrix,
    text: TextState<'a>,
    clip: Option<[f32; 4]>,
}

/// The fonts and forms a content stream can name.
struct Resources<'a> {
    fonts: BTreeMap<Vec<u8>, &'a Dictionary>,
    xobjects: BTreeMap<Vec<u8>, ObjectId>,
}

impl<'a> Resources<'a> {
    fn of(doc: &'a Document, dicts: impl IntoIterator<Item = &'a Dictionary>) -> Resources<'a> {
        let mut fonts = BTreeMap::new();
        let mut xobjects = BTreeMap::new();
        for res in dicts {
            let sub = |key: &[u8]| {
                res.get(key)
                    .ok()
                    .and_then(|o| doc.dereference(o).ok())
                    .and_then(|(_, o)| o.as_dict().ok())
            };
            for (name, value) in sub(b"Font").into_iter().flat_map(Dictionary::iter) {
                if let Some(d) = doc
                    .dereference(value)
                    .ok()
                    .and_then(|(_, o)| o.as_dict().ok())
                {
                    fonts.entry(name.clone()).or_insert(d);
                }
            }
            for (name, value) in sub(b"XObject").into_iter().flat_map(Dictionary::iter) {
                if let Ok(id) = value.as_reference() {
                    xobjects.entry(name.clone()).or_insert(id);
                }
            }
        }
        Resources { fonts, xobjects }
    }
}

/// What the pages read so far have used of the document's limits.
#[derive(Debug, Default)]
pub(super) struct Budget {
    operations: usize,
    inflated: usize,
    glyphs: usize,
}

impl Budget {
    pub fn new() -> Budget {
        Budget::default()
    }
}

/// Runs content streams, collecting what they draw.
struct Painter<'a, 'f> {
    doc: &'a Document,
    /// Fonts read once per document, by the address of their dictionary.
    fonts: &'f mut Fonts<'a>,
    budget: &'f mut Budget,
    page: Page,
    operations: usize,
    inflated: usize,
    /// The forms being drawn, innermost last: a form that draws itself (directly or through
    /// others) is a cycle, not drawn again.
    forms: Vec<ObjectId>,
    path: Vec<(f32, f32, f32, f32)>,
    start: (f32, f32),
    current: (f32, f32),
    /// Text objects begun on the page.
    objects: u32,
    /// Where each subpath of `path` starts (`m` and `re` open one).
    starts: Vec<usize>,
    /// A `W` seen: the path, when painted (or ended with `n`), clips what follows.
    clipping: bool,
}

/// The fonts of a document, each read once, by the address of its dictionary, and what reading
/// them has used of the document's limits.
#[derive(Default)]
pub(super) struct Fonts<'a> {
    read: BTreeMap<usize, Rc<Font<'a>>>,
    budget: FontBudget<'a>,
}

impl Fonts<'_> {
    pub fn new() -> Self {
        Self::default()
    }
}

/// Reads one page.
pub(super) fn page<'a>(
    doc: &'a Document,
    id: ObjectId,
    fonts: &mut Fonts<'a>,
    budget: &mut Budget,
) -> Result<Page, PdfError> {
    let (own, inherited) = doc
        .get_page_resources(id)
        .map_err(|e| PdfError::Malformed(format!("页面资源: {e}")))?;
    let resources = Resources::of(
        doc,
        own.into_iter()
            .chain(inherited.iter().filter_map(|i| doc.get_dictionary(*i).ok())),
    );
    let media = media_box(doc, id).unwrap_or([0.0, 0.0, 595.0, 842.0]);
    let mut painter = Painter {
        doc,
        fonts,
        budget,
        page: Page {
            height: media[3] - media[1],
            origin: (media[0], media[1]),
            ..Page::default()
        },
        operations: 0,
        inflated: 0,
        forms: Vec::new(),
        path: Vec::new(),
        start: (0.0, 0.0),
        current: (0.0, 0.0),
        objects: 0,
        starts: Vec::new(),
        clipping: false,
    };
    let mut content = Vec::new();
    for stream_id in doc.get_page_contents(id) {
        let Ok(stream) = doc.get_object(stream_id).and_then(Object::as_stream) else {
            continue;
        };
        content.extend(painter.inflate(stream)?);
        content.push(b'\n');
    }
    let state = State {
        ctm: Matrix::IDENTITY,
        text: TextState {
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            size: 0.0,
            rise: 0.0,
            font: None,
        },
        clip: None,
    };
    painter.run(&content, &resources, state, 0)?;
    Ok(painter.page)
}

/// The bounding box of `path` within the clip already set.
fn clip_box(path: &[(f32, f32, f32, f32)], outer: Option<[f32; 4]>) -> Option<[f32; 4]> {
    if path.is_empty() {
        return outer;
    }
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for &(x0, y0, x1, y1) in path {
        b = [
            b[0].min(x0).min(x1),
            b[1].min(y0).min(y1),
            b[2].max(x0).max(x1),
            b[3].max(y0).max(y1),
        ];
    }
    Some(match outer {
        Some(o) => [
            b[0].max(o[0]),
            b[1].max(o[1]),
            b[2].min(o[2]),
            b[3].min(o[3]),
        ],
        None => b,
    })
}

/// The page's media box (inherited from the page tree when the page has none).
fn media_box(doc: &Document, mut id: ObjectId) -> Option<[f32; 4]> {
    for _ in 0..64 {
        let dict = doc.get_dictionary(id).ok()?;
        if let Ok(b) = dict.get_deref(b"MediaBox", doc).and_then(Object::as_array) {
            let v: Vec<f32> = b.iter().filter_map(num).collect();
            let [x0, y0, x1, y1]: [f32; 4] = v.try_into().ok()?;
            let b = [x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)];
            return (b[2] - b[0] > 1.0 && b[3] - b[1] > 1.0).then_some(b);
        }
        id = dict.get(b"Parent").and_then(Object::as_reference).ok()?;
    }
    None
}

impl<'a> Painter<'a, '_> {
    fn inflate(&mut self, stream: &lopdf::Stream) -> Result<Vec<u8>, PdfError> {
        if self.budget.inflated >= DOCUMENT_CONTENT_LIMIT {
            return Err(PdfError::TooLarge(format!(
                "各页内容共超过 {} MB",
                DOCUMENT_CONTENT_LIMIT >> 20
            )));
        }
        let left = CONTENT_LIMIT.saturating_sub(self.inflated);
        let bytes = if stream.dict.has(b"Filter") {
            stream
                .decompressed_content_with_limit(left)
                .map_err(|e| match e {
                    lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                        ..
                    }) => PdfError::TooLarge(format!("一页内容超过 {} MB", CONTENT_LIMIT >> 20)),
                    other => PdfError::Malformed(format!("内容流无法解压: {other}")),
                })?
        } else {
            if stream.content.len() > left {
                return Err(PdfError::TooLarge(format!(
                    "一页内容超过 {} MB",
                    CONTENT_LIMIT >> 20
                )));
            }
            stream.content.clone()
        };
        self.inflated += bytes.len();
        self.budget.inflated += bytes.len();
        Ok(bytes)
    }

    fn font(&mut self, dict: &'a Dictionary) -> Result<Rc<Font<'a>>, PdfError> {
        let key = std::ptr::from_ref(dict) as usize;
        if let Some(font) = self.fonts.read.get(&key) {
            return Ok(font.clone());
        }
        let font = Rc::new(Font::new(self.doc, dict, &mut self.fonts.budget)?);
        self.fonts.read.insert(key, font.clone());
        Ok(font)
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: &Resources<'a>,
        mut state: State<'a>,
        depth: usize,
    ) -> Result<(), PdfError> {
        let mut stack: Vec<State> = Vec::new();
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        for op in Content::decode_iter(content) {
            // A damaged operation ends the stream; what came before it stands.
            let Ok(op) = op else { break };
            self.operations += 1;
            if self.operations > OPERATIONS_LIMIT {
                return Err(PdfError::TooLarge(format!(
                    "一页超过 {OPERATIONS_LIMIT} 个绘制操作"
                )));
            }
            self.budget.operations += 1;
            if self.budget.operations > DOCUMENT_OPERATIONS_LIMIT {
                return Err(PdfError::TooLarge(format!(
                    "各页共超过 {DOCUMENT_OPERATIONS_LIMIT} 个绘制操作"
                )));
            }
            let o = &op.operands;
            let n = |i: usize| o.get(i).and_then(num);
            let ts = &mut state.text;
            match op.operator.as_str() {
                "q" if stack.len() < STATE_DEPTH => stack.push(state.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        state = s;
                    }
                }
                "cm" => {
                    if let Some(m) = Matrix::of(o) {
                        state.ctm = m.then(state.ctm);
                    }
                }
                "BT" => {
                    self.objects = self.objects.saturating_add(1);
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "Tc" => ts.char_spacing = n(0).unwrap_or(0.0),
                "Tw" => ts.word_spacing = n(0).unwrap_or(0.0),
                "Tz" => ts.scale = n(0).unwrap_or(100.0) / 100.0,
                "TL" => ts.leading = n(0).unwrap_or(0.0),
                "Ts" => ts.rise = n(0).unwrap_or(0.0),
                "Tf" => {
                    ts.size = n(1).unwrap_or(0.0);
                    let font = o
                        .first()
                        .and_then(|f| f.as_name().ok())
                        .and_then(|name| resources.fonts.get(name).copied());
                    state.text.font = font.map(|d| self.font(d)).transpose()?;
                }
                "Td" | "TD" => {
                    let (x, y) = (n(0).unwrap_or(0.0), n(1).unwrap_or(0.0));
                    if op.operator == "TD" {
                        ts.leading = -y;
                    }
                    tlm = Matrix::translate(x, y).then(tlm);
                    tm = tlm;
                }
                "Tm" => {
                    if let Some(m) = Matrix::of(o) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -ts.leading).then(tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if op.operator == "\"" {
                        ts.word_spacing = n(0).unwrap_or(ts.word_spacing);
                        ts.char_spacing = n(1).unwrap_or(ts.char_spacing);
                    }
                    if op.operator != "Tj" && op.operator != "TJ" {
                        tlm = Matrix::translate(0.0, -ts.leading).then(tlm);
                        tm = tlm;
                    }
                    let shown: Vec<&Object> = match (op.operator.as_str(), o.last()) {
                        ("TJ", Some(Object::Array(items))) => items.iter().collect(),
                        (_, Some(last)) => vec![last],
                        _ => Vec::new(),
                    };
                    for item in shown {
                        match item {
                            Object::String(bytes, _) => {
                                tm = self.show(bytes, &state, tm)?;
                            }
                            other => {
                                if let Some(adjust) = num(other) {
                                    let ts = &state.text;
                                    let tx = -adjust / 1000.0 * ts.size * ts.scale;
                                    tm = Matrix::translate(tx, 0.0).then(tm);
                                }
                            }
                        }
                    }
                }
                "m" => {
                    self.starts.push(self.path.len());
                    if let (Some(x), Some(y)) = (n(0), n(1)) {
                        self.current = state.ctm.apply(x, y);
                        self.start = self.current;
                    }
                }
                "l" => {
                    if let (Some(x), Some(y)) = (n(0), n(1)) {
                        let p = state.ctm.apply(x, y);
                        self.segment((self.current.0, self.current.1, p.0, p.1));
                        self.current = p;
                    }
                }
                "h" => {
                    self.segment((self.current.0, self.current.1, self.start.0, self.start.1));
                    self.current = self.start;
                }
                "re" => {
                    self.starts.push(self.path.len());
                    if let (Some(x), Some(y), Some(w), Some(h)) = (n(0), n(1), n(2), n(3)) {
                        let c = [
                            state.ctm.apply(x, y),
                            state.ctm.apply(x + w, y),
                            state.ctm.apply(x + w, y + h),
                            state.ctm.apply(x, y + h),
                        ];
                        for i in 0..4 {
                            let (a, b) = (c[i], c[(i + 1) % 4]);
                            self.segment((a.0, a.1, b.0, b.1));
                        }
                        self.current = c[0];
                        self.start = c[0];
                    }
                }
                "W" | "W*" => self.clipping = true,
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "n" => {
                    if std::mem::take(&mut self.clipping) {
                        state.clip = clip_box(&self.path, state.clip);
                    }
                    if op.operator == "n" {
                        self.path.clear();
                        self.starts.clear();
                    } else {
                        let filled = !matches!(op.operator.as_str(), "S" | "s");
                        self.paint(filled);
                    }
                }
                "BI" => self.page.images += 1,
                "Do" => {
                    let name = o.first().and_then(|x| x.as_name().ok());
                    if let Some(id) = name.and_then(|n| resources.xobjects.get(n)) {
                        self.xobject(*id, &state, depth)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A segment of the path being built; past [`PATH_LIMIT`] the path is not a table's.
    fn segment(&mut self, s: (f32, f32, f32, f32)) {
        if self.path.len() < PATH_LIMIT {
            self.path.push(s);
        }
    }

    /// Draws a string: one glyph per code. Returns the text matrix after it.
    fn show(
        &mut self,
        bytes: &[u8],
        state: &State<'a>,
        mut tm: Matrix,
    ) -> Result<Matrix, PdfError> {
        let ts = &state.text;
        let Some(font) = ts.font.clone() else {
            return Ok(tm);
        };
        // Counted before the string is cut into glyphs, so that one string of millions of
        // codes is refused without being held glyph by glyph.
        self.budget.glyphs += bytes.len().div_ceil(if font.two_byte() { 2 } else { 1 });
        if self.budget.glyphs > GLYPH_LIMIT {
            return Err(PdfError::TooLarge(format!("超过 {GLYPH_LIMIT} 个字符")));
        }
        for (text, width, space) in font.glyphs(bytes) {
            let advance =
                (width * ts.size + ts.char_spacing + if space { ts.word_spacing } else { 0.0 })
                    * ts.scale;
            let trm = Matrix([ts.size * ts.scale, 0.0, 0.0, ts.size, 0.0, ts.rise])
                .then(tm)
                .then(state.ctm);
            let (x, y) = trm.apply(0.0, 0.0);
            let end = Matrix::translate(advance, 0.0)
                .then(tm)
                .then(state.ctm)
                .apply(0.0, 0.0)
                .0;
            let [_, _, c, d, _, _] = trm.0;
            let size = (c * c + d * d).sqrt();
            match text {
                Text::Mapped(text) => self.page.glyphs.push(Glyph {
                    x,
                    end: end.max(x),
                    y,
                    size,
                    text,
                    object: self.objects,
                    clip: state.clip,
                }),
                Text::Unmapped if font.decorative() => {}
                Text::Unmapped => *self.page.unmapped.entry(font.name.clone()).or_default() += 1,
            }
            tm = Matrix::translate(advance, 0.0).then(tm);
        }
        Ok(tm)
    }

    /// Keeps the straight lines of the path just painted: a stroked line or box edge, or a
    /// filled bar thin enough to be a rule (browsers draw borders so).
    fn paint(&mut self, filled: bool) {
        let path = std::mem::take(&mut self.path);
        let mut starts = std::mem::take(&mut self.starts);
        if self.page.horizontal.len() + self.page.vertical.len() >= RULES_LIMIT {
            return;
        }
        if filled {
            // Each filled box of the path (a browser fills many in one go) is a rule when thin.
            starts.push(path.len());
            starts.dedup();
            for w in starts.windows(2) {
                let sub = &path[w[0].min(path.len())..w[1].min(path.len())];
                if sub.is_empty() {
                    continue;
                }
                let xs = sub.iter().flat_map(|s| [s.0, s.2]);
                let ys = sub.iter().flat_map(|s| [s.1, s.3]);
                let (x0, x1) = xs.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
                let (y0, y1) = ys.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
                if y1 - y0 <= 2.5 && x1 - x0 > 2.0 {
                    self.page.horizontal.push(Rule {
                        at: (y0 + y1) / 2.0,
                        from: x0,
                        to: x1,
                    });
                } else if x1 - x0 <= 2.5 && y1 - y0 > 2.0 {
                    self.page.vertical.push(Rule {
                        at: (x0 + x1) / 2.0,
                        from: y0,
                        to: y1,
                    });
                }
            }
            return;
        }
        for (x0, y0, x1, y1) in path {
            if (y1 - y0).abs() < 0.5 && (x1 - x0).abs() > 2.0 {
                self.page.horizontal.push(Rule {
                    at: y0,
                    from: x0.min(x1),
                    to: x0.max(x1),
                });
            } else if (x1 - x0).abs() < 0.5 && (y1 - y0).abs() > 2.0 {
                self.page.vertical.push(Rule {
                    at: x0,
                    from: y0.min(y1),
                    to: y0.max(y1),
                });
            }
        }
    }

    /// A form is run with its own resources and matrix; a picture is counted.
    fn xobject(&mut self, id: ObjectId, state: &State<'a>, depth: usize) -> Result<(), PdfError> {
        let Ok(stream) = self.doc.get_object(id).and_then(Object::as_stream) else {
            return Ok(());
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => self.page.images += 1,
            Ok(b"Form") if depth < FORM_DEPTH && !self.forms.contains(&id) => {
                let content = self.inflate(stream)?;
                let doc = self.doc;
                let own = stream
                    .dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|o| doc.dereference(o).ok())
                    .and_then(|(_, o)| o.as_dict().ok());
                let resources = Resources::of(doc, own);
                let mut inner = state.clone();
                if let Some(m) = stream
                    .dict
                    .get(b"Matrix")
                    .ok()
                    .and_then(|o| o.as_array().ok())
                    .and_then(|a| Matrix::of(a))
                {
                    inner.ctm = m.then(inner.ctm);
                }
                let saved = (
                    std::mem::take(&mut self.path),
                    std::mem::take(&mut self.starts),
                );
                self.forms.push(id);
                self.run(&content, &resources, inner, depth + 1)?;
                self.forms.pop();
                (self.path, self.starts) = saved;
            }
            _ => {}
        }
        Ok(())
    }
}
