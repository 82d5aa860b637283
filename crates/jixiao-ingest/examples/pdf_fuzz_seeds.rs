//! Writes the seed corpus of the `pdf` fuzz target (docs/fuzzing.md) into
//! `crates/jixiao-fuzz/corpus/pdf/` (or the folder given with `--out DIR`):
//!
//! - PDFs made in code by `tests/support/pdfgen.rs` (the robustness test's printer): a report with
//!   a wrapped paragraph and ruled tables, compressed as lopdf writes it and with every stream
//!   left plain (so that mutations reach content operators and the ToUnicode map), and small
//!   hand-written files that reach the other paths of the reader (a form XObject, a Latin font,
//!   an image, an object stream);
//! - with `PDF...` arguments, each of those PDFs made smaller and plainer: streams inflated,
//!   embedded font programs and images dropped, saved with a classic cross-reference table.
//!
//! `cargo run -p jixiao-ingest --example pdf_fuzz_seeds -- [--out DIR] [PDF...]`

#[path = "../tests/support/pdfgen.rs"]
mod pdfgen;

use std::path::PathBuf;

use jixiao_ingest::document::{Document, Grid, GridOrigin};
use lopdf::Object;

fn report() -> Document {
    let mut merged = pdfgen::cells(&[
        &["一级指标", "二级指标", "分值", "得分"],
        &["产出指标", "数量指标", "20", "18"],
        &["产出指标", "质量指标", "10", "10"],
        &["效益指标", "社会效益", "30", "28.5"],
    ]);
    merged[2][0].anchor = (1, 0);
    Document {
        paragraphs: vec![
            "2024年度某县农业农村局整体支出绩效自评报告".to_owned(),
            "一、基本情况".to_owned(),
            "本单位年度预算资金1,234.56万元，实际支出1,200.00万元，预算执行率97.21%，\
             主要用于农村人居环境整治和高标准农田建设（详见附表）。"
                .to_owned(),
            "填报单位：某县农业农村局    单位：万元".to_owned(),
        ],
        tables: vec![
            Grid {
                origin: GridOrigin::Word { table: 1 },
                rows: pdfgen::cells(&[
                    &["项目", "年初预算", "全年执行", "执行率"],
                    &["基本支出", "800.00", "790.12", "98.77%"],
                    &["项目支出", "434.56", "409.88", "94.32%"],
                ]),
            },
            Grid {
                origin: GridOrigin::Word { table: 2 },
                rows: merged,
            },
        ],
        table_after: vec![3, 4],
        notes: Vec::new(),
    }
}

fn stream(dict: &str, data: &str) -> Vec<u8> {
    pdfgen::stream(dict, data.as_bytes())
}

/// A page drawing a form that shows Latin text in a standard font, with a rule and an image.
fn latin_form() -> Vec<u8> {
    let form = stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Matrix [1 0 0 1 0 0] \
         /Resources << /Font << /F1 6 0 R >> >>",
        "BT /F1 12 Tf 72 700 Td (Budget 2024: 69.16) Tj T* [(exec) -250 (rate)] TJ ET \
         72 690 m 300 690 l S 72 600 200 50 re f",
    );
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R \
          /Resources << /XObject << /X0 5 0 R /Im0 7 0 R >> >> >>"
            .to_vec(),
        stream(
            "",
            "q 1 0 0 1 10 10 cm /X0 Do Q q 20 0 0 20 400 400 cm /Im0 Do Q",
        ),
        form,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding \
          /FirstChar 32 /LastChar 126 /Widths [278 278 355 556 556 889 667 191 333 333] >>"
            .to_vec(),
        stream(
            "/Type /XObject /Subtype /Image /Width 2 /Height 1 /ColorSpace /DeviceGray \
             /BitsPerComponent 8",
            "ab",
        ),
    ];
    pdfgen::raw(&objects, "")
}

/// The printed report saved with its objects in an object stream (lopdf's modern format).
fn object_streams(doc: &Document) -> Vec<u8> {
    let mut printer = pdfgen::Printer::new();
    printer.document(doc);
    let mut pdf = printer.finish();
    let mut bytes = Vec::new();
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .build();
    pdf.save_with_options(&mut bytes, options)
        .expect("saved with object streams");
    bytes
}

/// A PDF made plain and small for fuzzing: streams inflated, font programs and images
/// dropped.
fn plain(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut pdf = lopdf::Document::load_mem(bytes).ok()?;
    pdf.decompress();
    let mut drop = Vec::new();
    for (id, object) in &pdf.objects {
        if let Object::Stream(s) = object {
            let subtype = s.dict.get(b"Subtype").and_then(Object::as_name).ok();
            let is_font = s.dict.has(b"Length1") || subtype == Some(b"CIDFontType0C");
            if is_font || subtype == Some(b"Image") {
                drop.push(*id);
            }
        }
    }
    for id in drop {
        if let Some(Object::Stream(s)) = pdf.objects.get_mut(&id) {
            s.set_content(Vec::new());
        }
    }
    Some(pdfgen::save(&mut pdf))
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let mut out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../jixiao-fuzz/corpus/pdf");
    let mut inputs = Vec::new();
    while let Some(a) = args.next() {
        if a == "--out" {
            out = PathBuf::from(args.next().expect("--out DIR"));
        } else {
            inputs.push(PathBuf::from(a));
        }
    }
    std::fs::create_dir_all(&out).expect("the corpus folder");
    let report = report();
    let printed = pdfgen::print(&report);
    let mut seeds: Vec<(String, Vec<u8>)> = vec![
        ("gen-report.pdf".to_owned(), printed.clone()),
        (
            "gen-report-plain.pdf".to_owned(),
            plain(&printed).expect("the report loads"),
        ),
        ("gen-object-streams.pdf".to_owned(), object_streams(&report)),
        ("gen-latin-form.pdf".to_owned(), latin_form()),
    ];
    for path in inputs {
        let bytes = std::fs::read(&path).expect("a readable PDF");
        let name = path.file_name().expect("a file name").to_string_lossy();
        match plain(&bytes) {
            Some(p) => seeds.push((format!("plain-{name}"), p)),
            None => eprintln!("{}: not loaded, left out", path.display()),
        }
    }
    for (name, bytes) in seeds {
        println!("{name}: {} bytes", bytes.len());
        std::fs::write(out.join(name), bytes).expect("written");
    }
}
