//! Hostile and broken inputs: each must end in a clear error or warning that names the file,
//! within bounded time and memory, and a batch over all of them must still convert the good
//! input beside them. The files are made here by code (big ones in a temp folder), so the
//! repository holds no bombs.
//!
//! Library-level checks call `convert_bytes`, which is what the CLI runs per file; inputs that
//! could overflow the stack of a third-party parser (deeply nested PDF objects) go through the
//! real binary instead, so a crash shows up as a failed test naming the case rather than as an
//! aborted test run.

mod common;

use perfnorm::ingest::{self, InputFormat, Limits, ReadOptions};
use perfnorm::internals::text;
use perfnorm::model::{Document, Severity};
use perfnorm::{ConvertOptions, Error, convert_bytes};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// What one hostile input may take in these (debug-build) tests on a shared 2-core machine.
/// Real inputs take milliseconds; this only has to tell "bounded" from "runs away".
const BOUND: Duration = Duration::from_secs(60);

use common::root;

fn sample(rel: &str) -> Vec<u8> {
    std::fs::read(root().join("samples").join(rel)).unwrap()
}

/// Convert `bytes` as the file `name`, failing the test if it takes longer than `BOUND`.
fn convert(name: &str, bytes: &[u8]) -> Result<Document, Error> {
    convert_with(name, bytes, &ConvertOptions::default())
}

fn convert_with(name: &str, bytes: &[u8], opts: &ConvertOptions) -> Result<Document, Error> {
    let t = Instant::now();
    let r = convert_bytes(Path::new(name), bytes, opts);
    assert!(
        t.elapsed() < BOUND,
        "{name}: took {:?}, over {BOUND:?}",
        t.elapsed()
    );
    r
}

/// The error of a conversion that must fail: its message names the file and says `want`.
fn expect_err(name: &str, r: Result<Document, Error>, want: &[&str]) -> String {
    let msg = match r {
        Err(e) => e.to_string(),
        Ok(d) => panic!(
            "{name}: expected an error, got a document with {} tables and diagnostics {:?}",
            d.tables.len(),
            codes(&d)
        ),
    };
    assert!(
        msg.starts_with(&format!("{name}: ")),
        "{msg:?} does not name {name}"
    );
    assert!(
        want.iter().any(|w| msg.contains(w)),
        "{msg:?} says none of {want:?}"
    );
    msg
}

/// Every diagnostic code of a document, file-level and per table.
fn codes(d: &Document) -> Vec<String> {
    d.diagnostics
        .iter()
        .chain(d.tables.iter().flat_map(|t| &t.diagnostics))
        .map(|x| x.code.clone())
        .collect()
}

/// A conversion that is refused, or that reads but finds no table: either way the user is told
/// (an error, or a `no_table` error diagnostic in the document of that file).
fn expect_err_or_no_table(name: &str, r: Result<Document, Error>) -> String {
    match r {
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with(&format!("{name}: ")), "{msg:?}");
            msg
        }
        Ok(d) => {
            assert_eq!(d.source.file, name);
            assert!(
                d.tables.is_empty(),
                "{name}: read {} tables",
                d.tables.len()
            );
            assert!(
                d.diagnostics
                    .iter()
                    .any(|x| x.code == "no_table" && x.severity == Severity::Error),
                "{name}: no no_table diagnostic in {:?}",
                codes(&d)
            );
            "no_table".into()
        }
    }
}

/// Deterministic pseudo-random bytes (xorshift), so a failure reproduces.
fn garbage(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Run the real binary with a wall-clock bound; a run past it is killed and fails the test.
fn run_cli(args: &[&std::ffi::OsStr], cwd: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain the pipes on threads so a chatty child never blocks on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let o = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).unwrap();
        v
    });
    let e = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut v).unwrap();
        v
    });
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if t.elapsed() > BOUND * 3 {
            let _ = child.kill();
            panic!("perfnorm {args:?} ran longer than {:?}", BOUND * 3);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: o.join().unwrap(),
        stderr: e.join().unwrap(),
    }
}

/// Convert one file with the binary; it must fail cleanly (exit 1, not a signal or a panic)
/// and name the file on stderr.
fn cli_fails_cleanly(path: &Path) -> String {
    let out = run_cli(
        &[
            "convert".as_ref(),
            path.as_os_str(),
            "-o".as_ref(),
            "-".as_ref(),
        ],
        &root(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}: exit {:?} (a crash?), stderr: {stderr}",
        path.display(),
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(&*path.to_string_lossy()),
        "stderr does not name {}: {stderr}",
        path.display()
    );
    stderr
}

// ---------------------------------------------------------------------------------------------
// Builders: zip workbooks and PDFs by hand.

/// A minimal xlsx: one sheet named `Sheet1` whose XML is `sheet`.
fn xlsx_with_sheet(sheet: &str) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in xlsx_parts() {
        w.start_file(name, o).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.start_file("xl/worksheets/sheet1.xml", o).unwrap();
    w.write_all(sheet.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

fn xlsx_parts() -> [(&'static str, &'static str); 4] {
    [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ]
}

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// Deflate by hand with the fixed Huffman code: literals, and matches of 258 bytes at distance
/// 1 (13 bits each), which is how a run of one byte compresses ~1000:1. Building gigabytes this
/// way costs milliseconds; running them through a compressor in a debug build would take
/// minutes.
struct Deflate {
    out: Vec<u8>,
    acc: u64,
    bits: u32,
}

impl Deflate {
    fn new() -> Deflate {
        let mut d = Deflate {
            out: Vec::new(),
            acc: 0,
            bits: 0,
        };
        d.put(1, 1); // BFINAL: one block
        d.put(0b01, 2); // BTYPE 01: fixed Huffman
        d
    }
    /// `n` bits of `v`, least significant first (header fields and extra bits).
    fn put(&mut self, v: u64, n: u32) {
        self.acc |= v << self.bits;
        self.bits += n;
        while self.bits >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.bits -= 8;
        }
    }
    /// A Huffman code: most significant bit first.
    fn code(&mut self, code: u64, n: u32) {
        let mut r = 0;
        for i in 0..n {
            r |= ((code >> i) & 1) << (n - 1 - i);
        }
        self.put(r, n);
    }
    fn literal(&mut self, b: u8) {
        if b < 144 {
            self.code(0x30 + b as u64, 8);
        } else {
            self.code(0x190 + (b as u64 - 144), 9);
        }
    }
    fn literals(&mut self, s: &[u8]) {
        for &b in s {
            self.literal(b);
        }
    }
    /// Repeat the last byte 258 times.
    fn repeat258(&mut self) {
        self.code(0b1100_0101, 8); // length code 285 = 258, no extra bits
        self.code(0, 5); // distance code 0 = 1
    }
    fn finish(mut self) -> Vec<u8> {
        self.code(0, 7); // end of block (256)
        if self.bits > 0 {
            self.put(0, 8 - self.bits);
        }
        self.out
    }
}

/// CRC-32 (IEEE) of the small stored parts.
fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A zip by hand: `(name, method, crc, compressed bytes, uncompressed size)` per part.
fn zip_raw(parts: &[(&str, u16, u32, Vec<u8>, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, method, crc, data, size) in parts {
        let off = out.len() as u32;
        let head = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central {
                h.extend(20u16.to_le_bytes()); // made by
            }
            h.extend(20u16.to_le_bytes()); // needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(method.to_le_bytes());
            h.extend([0u8; 4]); // time, date
            h.extend(crc.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend(size.to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central {
                h.extend([0u8; 6]); // comment length, disk, internal attributes
                h.extend(0u32.to_le_bytes()); // external attrs
                h.extend(off.to_le_bytes());
            }
            h.extend(name.as_bytes());
            h
        };
        out.extend(head(0x0403_4b50, false));
        out.extend(data);
        central.extend(head(0x0201_4b50, true));
    }
    let cd_off = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_off.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// An xlsx whose sheet XML inflates to `gib` GiB (well-formed: the head, a run of blanks, the
/// tail), from a few megabytes.
fn zip_bomb_xlsx(gib: u64) -> Vec<u8> {
    let head = format!("{SHEET_HEAD}<sheetData>");
    let tail = "</sheetData></worksheet>";
    let run = (gib << 30) / 258;
    let mut d = Deflate::new();
    d.literals(head.as_bytes());
    d.literal(b' ');
    for _ in 0..run {
        d.repeat258();
    }
    d.literals(tail.as_bytes());
    let size = head.len() as u64 + 1 + run * 258 + tail.len() as u64;
    assert!(size < u32::MAX as u64, "keep it below zip64");
    let mut parts: Vec<(&str, u16, u32, Vec<u8>, u32)> = xlsx_parts()
        .iter()
        .map(|(n, b)| {
            (
                *n,
                0u16,
                crc32(b.as_bytes()),
                b.as_bytes().to_vec(),
                b.len() as u32,
            )
        })
        .collect();
    // The CRC of the bomb is left 0: computing it means walking the gigabytes. The reader must
    // refuse the part from its declared size long before a CRC could be checked.
    parts.push(("xl/worksheets/sheet1.xml", 8, 0, d.finish(), size as u32));
    zip_raw(&parts)
}

/// A PDF from its objects (numbered from 1; object 1 the catalog), with `trailer_extra` in
/// the trailer dictionary.
fn pdf(objs: &[String], trailer_extra: &str) -> Vec<u8> {
    common::pdf_from_objects(objs, trailer_extra)
}

/// A one-page PDF with `page_extra` in the page dictionary and `content` as its stream.
fn one_page_pdf(page_extra: &str, content: &str, more: &[String]) -> Vec<u8> {
    let mut objs = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R {page_extra} >>"
        ),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len() + 1
        ),
    ];
    objs.extend(more.iter().cloned());
    pdf(&objs, "")
}

// ---------------------------------------------------------------------------------------------
// The cases.

#[test]
fn empty_file() {
    expect_err(
        "empty.txt",
        convert("empty.txt", b""),
        &["the file is empty"],
    );
    expect_err(
        "empty.pdf",
        convert("empty.pdf", b""),
        &["the file is empty"],
    );
    // Only white space is as empty as no bytes.
    expect_err(
        "blank.txt",
        convert("blank.txt", b" \r\n\t\n"),
        &["the file is empty"],
    );
}

#[test]
fn binary_garbage_with_a_pdf_or_xlsx_name() {
    let g = garbage(64 << 10, 7);
    expect_err(
        "g.pdf",
        convert("g.pdf", &g),
        &["cannot read the PDF", "not a pdf"],
    );
    expect_err(
        "g.xlsx",
        convert("g.xlsx", &g),
        &["cannot read the workbook", "not a xlsx", "not a readable"],
    );
    expect_err(
        "g.xls",
        convert("g.xls", &g),
        &["cannot read the workbook", "not a xls", "not a readable"],
    );
    // With no extension to go by, garbage is not guessed to be anything.
    expect_err("g", convert("g", &g), &["cannot be recognised", "no table"]);
}

#[test]
fn truncated_xlsx() {
    let full = sample("b01_huaian_tiyu_2022.xlsx");
    for cut in [full.len() / 2, full.len() - 30, 100] {
        let name = format!("cut{cut}.xlsx");
        expect_err(
            &name,
            convert(&name, &full[..cut]),
            &["cannot read the workbook"],
        );
    }
}

#[test]
fn truncated_pdf() {
    let full = sample("pdf/a01_zhenjiang_shuiwu_2026.pdf");
    // Cut inside the body: the xref is gone. A reader may rebuild it and read what is left, or
    // refuse; either way the file is named and nothing panics.
    for cut in [full.len() / 2, full.len() / 10, 200] {
        let name = format!("cut{cut}.pdf");
        match convert(&name, &full[..cut]) {
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.starts_with(&format!("{name}: ")), "{msg}");
                assert!(msg.contains("PDF") || msg.contains("no table"), "{msg}");
            }
            Ok(d) => {
                // Read what was there: every lost page is a warning or the tables say so.
                assert_eq!(d.source.file, name);
                assert!(
                    !codes(&d).is_empty() || !d.tables.is_empty(),
                    "{name}: read silently to nothing"
                );
            }
        }
    }
}

#[test]
fn xlsx_zip_bomb_is_refused_before_inflating() {
    let bomb = zip_bomb_xlsx(3);
    assert!(bomb.len() < 32 << 20, "the bomb is {} bytes", bomb.len());
    // It really is a well-formed zip whose sheet declares gigabytes.
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bomb)).unwrap();
    let sheet = z.by_name("xl/worksheets/sheet1.xml").unwrap();
    assert!(sheet.size() > 3 << 30);
    drop(sheet);
    let t = Instant::now();
    let msg = expect_err(
        "bomb.xlsx",
        convert("bomb.xlsx", &bomb),
        &["inflate to more than"],
    );
    assert!(msg.contains("limit exceeded"), "{msg}");
    // Refused from the headers: nothing was inflated.
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );

    // A smaller bomb under a lowered limit: the limit is the one the caller set.
    let small = zip_bomb_xlsx(0);
    let mut opts = ConvertOptions::default();
    opts.read.limits.max_decompressed_bytes = 1 << 10;
    let msg = expect_err(
        "s.xlsx",
        convert_with("s.xlsx", &small, &opts),
        &["1024 bytes"],
    );
    assert!(msg.contains("limit exceeded"), "{msg}");
}

#[test]
fn sheet_claiming_the_whole_grid_costs_its_used_cells() {
    // A dimension of A1:XFD1048576 with three cells, one of them at the far corner: read
    // sparsely, the sheet costs three cells (and one row as wide as the sheet).
    let sheet = format!(
        r#"{SHEET_HEAD}<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>单位名称</t></is></c><c r="B1" t="inlineStr"><is><t>某局</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
    );
    let bytes = xlsx_with_sheet(&sheet);
    let t = Instant::now();
    let ing = ingest::read(&bytes, InputFormat::Xlsx, &ReadOptions::default()).unwrap();
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    let cells: usize = ing.grids[0]
        .rows
        .iter()
        .map(|r| r.cells.iter().flatten().count())
        .sum();
    assert_eq!(cells, 3);
    assert_eq!(ing.grids[0].rows[1].pos.row, Some(1_048_576));
    // Through the whole pipeline: no table, said as such, for that file.
    expect_err_or_no_table("wide.xlsx", convert("wide.xlsx", &bytes));

    // Cells out at column XFD on many rows make every row 16,384 slots wide: refused by the
    // slot limit instead of allocating gigabytes of empty slots.
    let mut rows = String::new();
    for r in 1..=1000 {
        rows += &format!(r#"<row r="{r}"><c r="XFD{r}"><v>{r}</v></c></row>"#);
    }
    let wide = xlsx_with_sheet(&format!(
        r#"{SHEET_HEAD}<dimension ref="A1:XFD1048576"/><sheetData>{rows}</sheetData></worksheet>"#
    ));
    let msg = expect_err("far.xlsx", convert("far.xlsx", &wide), &["too wide"]);
    assert!(msg.contains("limit exceeded"), "{msg}");

    // And the cell limit, set low by the caller, stops a sheet of many small cells.
    let mut opts = ConvertOptions::default();
    opts.read.limits.max_cells = 500;
    let mut rows = String::new();
    for r in 1..=1000 {
        rows += &format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#);
    }
    let many = xlsx_with_sheet(&format!(
        "{SHEET_HEAD}<sheetData>{rows}</sheetData></worksheet>"
    ));
    expect_err(
        "many.xlsx",
        convert_with("many.xlsx", &many, &opts),
        &["more than 500 non-empty cells"],
    );
}

#[test]
fn a_few_hundred_bytes_of_ods_cannot_claim_millions_of_cells() {
    // One non-empty cell repeated a thousand times across, its row two thousand times down:
    // two million cells from a 550-byte file. The default cell limit refuses it while reading,
    // before the cells are laid out (about 560 bytes each: gigabytes).
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="2000"><table:table-cell table:number-columns-repeated="1000" office:value-type="string"><text:p>产出指标</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("mimetype", o).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    w.start_file("content.xml", o).unwrap();
    w.write_all(content.as_bytes()).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    assert!(bytes.len() < 1000, "{}", bytes.len());
    let msg = expect_err(
        "repeat.ods",
        convert("repeat.ods", &bytes),
        &["more than 500000 non-empty cells"],
    );
    assert!(msg.contains("limit exceeded"), "{msg}");
}

#[test]
fn encrypted_pdf() {
    // A standard security handler whose user password is not empty: the O and U strings do
    // not match the empty password.
    let enc = format!(
        "<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <{}> /U <{}> >>",
        "11".repeat(32),
        "22".repeat(32)
    );
    let mut objs = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_string(),
        "<< /Length 8 >>\nstream\n\x01\x02\x03\x04\x05\x06\x07\nendstream".to_string(),
    ];
    objs.push(enc);
    let bytes = pdf(
        &objs,
        "/Encrypt 5 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]",
    );
    expect_err(
        "locked.pdf",
        convert("locked.pdf", &bytes),
        &["encrypted", "password"],
    );
}

#[test]
fn pdf_with_no_text_layer() {
    // Ruling lines and a filled rectangle (as a scanned page's image would cover it), no text.
    let bytes = one_page_pdf("", "0.5 w 50 50 m 500 50 l S 10 10 400 400 re f", &[]);
    expect_err("scan.pdf", convert("scan.pdf", &bytes), &["no text layer"]);
}

#[test]
fn deeply_nested_pdf_objects() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 200_000;
    let cases = [
        (
            "arrays.pdf",
            one_page_pdf(
                &format!("/Annots {}{}", "[".repeat(depth), "]".repeat(depth)),
                "",
                &[],
            ),
        ),
        (
            "dicts.pdf",
            one_page_pdf(
                &format!("/X {}{}", "<< /A ".repeat(depth), ">>".repeat(depth)),
                "",
                &[],
            ),
        ),
        (
            "content.pdf",
            one_page_pdf(
                "",
                &format!("/P {}{} BDC", "<< /A ".repeat(depth), ">>".repeat(depth)),
                &[],
            ),
        ),
        ("saves.pdf", one_page_pdf("", &"q ".repeat(depth), &[])),
    ];
    for (name, bytes) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        cli_fails_cleanly(&p);
    }
}

#[test]
fn cyclic_pdf_objects() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // A page tree whose node is its own kid.
        (
            "kids.pdf",
            pdf(
                &[
                    "<< /Type /Catalog /Pages 2 0 R >>".into(),
                    "<< /Type /Pages /Kids [2 0 R] /Count 1 >>".into(),
                ],
                "",
            ),
        ),
        // References that point at each other, for the resources and the contents.
        (
            "refs.pdf",
            one_page_pdf(
                "/Resources 5 0 R",
                "BT ET",
                &["6 0 R".into(), "5 0 R".into()],
            ),
        ),
        // A form XObject that draws itself.
        (
            "form.pdf",
            one_page_pdf(
                "/Resources << /XObject << /X1 5 0 R >> >>",
                "/X1 Do",
                &["<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X1 5 0 R >> >> /Length 6 >>\nstream\n/X1 Do\nendstream".into()],
            ),
        ),
    ];
    for (name, bytes) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        cli_fails_cleanly(&p);
    }
}

#[test]
fn one_line_text_of_200_mb() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("one-line.txt");
    let unit = "单位名称 某局 指标值 ≥95% ".as_bytes();
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    let mut n = 0;
    while n < 200 << 20 {
        f.write_all(unit).unwrap();
        n += unit.len();
    }
    drop(f);
    let stderr = cli_fails_cleanly(&p);
    assert!(
        stderr.contains("limit exceeded") && stderr.contains("over the limit"),
        "{stderr}"
    );

    // Under a raised limit the text reader still reads a long line in linear time: 16 MB of
    // one line through decoding, form detection and the layout reader. A quadratic pass would
    // need ~10^14 steps here.
    let line: Vec<u8> = unit.iter().copied().cycle().take(16 << 20).collect();
    let opts = ReadOptions {
        limits: Limits {
            max_text_bytes: u64::MAX,
            ..Limits::default()
        },
        ..ReadOptions::default()
    };
    let t = Instant::now();
    let _ = text::read(&line, &opts);
    assert!(t.elapsed() < BOUND, "16 MB line took {:?}", t.elapsed());
}

#[test]
fn text_size_limit_is_the_callers() {
    let opts = ConvertOptions {
        read: ReadOptions {
            limits: Limits {
                max_text_bytes: 100,
                ..Limits::default()
            },
            ..ReadOptions::default()
        },
        ..ConvertOptions::default()
    };
    let seed = sample("suzhou-2026-jiguan-gongwei.txt");
    let msg = expect_err(
        "s.txt",
        convert_with("s.txt", &seed, &opts),
        &["over the limit of 100 bytes"],
    );
    assert!(msg.contains("limit exceeded"), "{msg}");
    // The limit on any input applies to every format.
    let opts = ConvertOptions {
        read: ReadOptions {
            limits: Limits {
                max_input_bytes: 1000,
                ..Limits::default()
            },
            ..ReadOptions::default()
        },
        ..ConvertOptions::default()
    };
    let pdf = sample("pdf/b02_suqian_danganguan_2023.pdf");
    expect_err(
        "b.pdf",
        convert_with("b.pdf", &pdf, &opts),
        &["over the limit of 1000 bytes"],
    );
}

#[test]
fn invalid_utf8_and_mixed_encodings() {
    let seed = String::from_utf8(sample("suzhou-2026-jiguan-gongwei.txt")).unwrap();
    let lines: Vec<&str> = seed.lines().collect();
    let half = lines.len() / 2;

    // Bytes that are no text in any encoding, in the middle of a UTF-8 table: the table is
    // still read and the user is told characters were replaced.
    let mut bad = lines[..half].join("\n").into_bytes();
    bad.extend(b"\n\xff\xfe\xfd\x80\x80\t\xc0\xc1\n");
    bad.extend(lines[half..].join("\n").into_bytes());
    let d = convert("bad.txt", &bad).unwrap();
    assert!(!d.tables.is_empty());
    assert!(
        codes(&d).iter().any(|c| c == "encoding_replaced"),
        "{:?}",
        codes(&d)
    );

    // The first half UTF-8, the second GB18030: whichever encoding is picked, part of the file
    // is garbled, and the user is told so.
    let mut mixed = lines[..half].join("\n").into_bytes();
    mixed.push(b'\n');
    let rest = lines[half..].join("\n");
    let (gb, _, _) = encoding_rs::GB18030.encode(&rest);
    mixed.extend(gb.iter());
    let d = convert("mixed.txt", &mixed).unwrap();
    let c = codes(&d);
    assert!(
        c.iter()
            .any(|c| c == "encoding_replaced" || c == "mixed_encoding"),
        "{c:?}"
    );
}

#[test]
fn unsupported_language_says_no_table() {
    let english = "Performance targets\nIndicator\tSub-indicator\tTarget\nOutput\tQuantity\t>=95%\nOutput\tQuality\tgood\n";
    let russian = "Целевые показатели\nПоказатель\tПодпоказатель\tЗначение\nРезультат\tКоличество\t>=95%\nРезультат\tКачество\tхорошо\n";
    for (name, t) in [("en.txt", english), ("ru.txt", russian)] {
        expect_err_or_no_table(name, convert(name, t.as_bytes()));
    }
    // Space-aligned (not tab-separated) English goes through the layout reader: the same.
    let spaced =
        "Indicator      Sub-indicator      Target\nOutput         Quantity           >=95%\n";
    expect_err_or_no_table("en2.txt", convert("en2.txt", spaced.as_bytes()));
}

#[test]
fn batch_over_hostile_inputs_still_converts_the_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    let put = |name: &str, bytes: &[u8]| std::fs::write(inp.join(name), bytes).unwrap();
    put("a_empty.txt", b"");
    put("b_garbage.pdf", &garbage(4096, 3));
    put("c_garbage.xlsx", &garbage(4096, 5));
    let x = sample("b01_huaian_tiyu_2022.xlsx");
    put("d_truncated.xlsx", &x[..x.len() / 2]);
    put("e_bomb.xlsx", &zip_bomb_xlsx(2));
    put(
        "f_scan.pdf",
        &one_page_pdf("", "0.5 w 50 50 m 500 50 l S", &[]),
    );
    put("g_english.txt", b"Indicator\tTarget\nOutput\t>=95%\n");
    put("h_good.txt", &sample("suzhou-2026-jiguan-gongwei.txt"));
    let out = dir.path().join("out");
    let o = run_cli(
        &[
            "convert".as_ref(),
            inp.as_os_str(),
            "-d".as_ref(),
            out.as_os_str(),
            "-q".as_ref(),
        ],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The good one is converted in full.
    let good: Document =
        serde_json::from_slice(&std::fs::read(out.join("h_good.txt.json")).unwrap()).unwrap();
    assert_eq!(good.tables.len(), 1);
    assert!(good.tables[0].indicators.len() > 20);
    // Every bad one is named, with its reason, in the report.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let failures = report["failures"].as_array().unwrap();
    let failed: Vec<&str> = failures
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    for bad in [
        "a_empty.txt",
        "b_garbage.pdf",
        "c_garbage.xlsx",
        "d_truncated.xlsx",
        "e_bomb.xlsx",
        "f_scan.pdf",
    ] {
        assert!(
            failed.iter().any(|f| f.ends_with(bad)),
            "{bad} not among the failures {failed:?}"
        );
        assert!(stderr.contains(bad) || stderr.is_empty(), "{stderr}");
    }
    for f in failures {
        assert!(!f["reason"].as_str().unwrap().is_empty());
    }
    let bomb = failures
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with("e_bomb.xlsx"))
        .unwrap();
    assert!(
        bomb["reason"].as_str().unwrap().contains("limit exceeded"),
        "{bomb}"
    );
    // The text with no table converted to a document that says so, and the report lists it.
    let without: Vec<&str> = report["without_tables"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap()).collect())
        .unwrap_or_default();
    assert!(
        without.iter().any(|f| f.ends_with("g_english.txt"))
            || failed.iter().any(|f| f.ends_with("g_english.txt")),
        "{report}"
    );
    assert_eq!(
        report["converted"].as_u64().unwrap() as usize,
        8 - failures.len(),
        "{report}"
    );
    assert!(
        report["inputs"].as_array().unwrap().iter().any(|i| {
            i["file"].as_str().unwrap().ends_with("h_good.txt") && i["status"] == "converted"
        }),
        "{report}"
    );
}

/// An OLE compound file of 512-byte sectors: `difat` the header's FAT sector list (the rest
/// free), the directory at `dir_start`, `mini_fat_len` mini FAT sectors (their chain empty).
fn ole(sectors: &[[u8; 512]], difat: &[u32], dir_start: u32, mini_fat_len: u32) -> Vec<u8> {
    let mut h = vec![0u8; 512];
    h[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let put = |h: &mut Vec<u8>, at: usize, v: u32| h[at..at + 4].copy_from_slice(&v.to_le_bytes());
    h[0x1A] = 3; // version 3
    h[0x1C..0x20].copy_from_slice(&[0xFE, 0xFF, 9, 0]); // byte order, 2^9-byte sectors
    h[0x20] = 6; // 64-byte mini sectors
    put(&mut h, 0x2C, difat.len() as u32);
    put(&mut h, 0x30, dir_start);
    put(&mut h, 0x38, 4096);
    put(&mut h, 0x3C, 0xFFFF_FFFE);
    put(&mut h, 0x40, mini_fat_len);
    put(&mut h, 0x44, 0xFFFF_FFFE);
    for i in 0..109 {
        put(
            &mut h,
            0x4C + 4 * i,
            difat.get(i).copied().unwrap_or(0xFFFF_FFFF),
        );
    }
    for s in sectors {
        h.extend_from_slice(s);
    }
    h
}

/// A sector of u32 entries (the rest zero).
fn sector_of(entries: &[(usize, u32)]) -> [u8; 512] {
    let mut s = [0u8; 512];
    for &(i, v) in entries {
        s[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes());
    }
    s
}

/// calamine 0.38 follows a looping sector chain of an OLE file (xls, or OLE bytes named xlsx)
/// without end, appending a sector each step until memory runs out: the sheet reader refuses
/// such a file first, whichever chain calamine follows loops, and also when the DIFAT lists
/// special sectors (FATSECT) our walk used to stop at (the `sheet` fuzzer's fourth crash).
#[test]
fn ole_files_whose_sector_chains_loop_are_refused_before_calamine() {
    use perfnorm::internals::sheet;
    const FATSECT: u32 = 0xFFFF_FFFD;
    const END: u32 = 0xFFFF_FFFE;
    // The directory chain loops (sector 0 → 0); the DIFAT starts with FATSECT.
    let dir_loop = ole(
        &[[0; 512], sector_of(&[(0, 0), (1, FATSECT)])],
        &[FATSECT, 1],
        0,
        0,
    );
    // The directory ends, but the root entry's mini stream (read whenever there is a mini
    // FAT) loops (sector 2 → 2) and claims 4 GB.
    let root = sector_of(&[(29, 2), (30, 0xFFFF_0000)]);
    let stream_loop = ole(
        &[root, sector_of(&[(0, END), (1, FATSECT), (2, 2)]), [0; 512]],
        &[1],
        0,
        1,
    );
    for (case, bytes) in [("directory", dir_loop), ("root mini stream", stream_loop)] {
        for format in [InputFormat::Xls, InputFormat::Xlsx] {
            let t = Instant::now();
            let err = match sheet::read(&bytes, format, &ReadOptions::default()) {
                Ok(_) => panic!("{case} as {format:?}: read"),
                Err(e) => e.to_string(),
            };
            assert!(
                err.contains("sector chains loop"),
                "{case} as {format:?}: {err}"
            );
            assert!(t.elapsed() < BOUND, "{case}: {:?}", t.elapsed());
        }
    }
}

/// Every input the fuzzers crashed on (`fuzz/regressions/<target>/`), through the same reader
/// the target calls, directly — not through `ingest::read`, whose panic guard would hide a
/// regression.
#[test]
fn fuzz_regressions_stay_fixed() {
    use perfnorm::internals::pdf::{cmap::CMap, content};
    use perfnorm::internals::{pdf, sheet, value};
    use perfnorm::normalize::normalize_all;
    let dir = root().join("fuzz/regressions");
    let mut n = 0;
    for target in [
        "text_normalize",
        "value_parse",
        "sheet",
        "pdf",
        "pdf_content",
    ] {
        let Ok(rd) = std::fs::read_dir(dir.join(target)) else {
            continue;
        };
        for e in rd.flatten() {
            let bytes = std::fs::read(e.path()).unwrap();
            let opts = ReadOptions::default();
            let t = Instant::now();
            // Each input goes through what its target (fuzz/fuzz_targets/<target>.rs) calls.
            match target {
                "text_normalize" => {
                    if let Ok(i) = text::read(&bytes, &opts) {
                        normalize_all(&i.grids);
                    }
                }
                "value_parse" => {
                    // The first byte picks the value column, as in the target.
                    const COLUMNS: &[&str] = &[
                        "指标值",
                        "半年指标值",
                        "全年指标值",
                        "年度指标值",
                        "目标值",
                        "指标值及单位",
                        "",
                    ];
                    if let Some((&pick, rest)) = bytes.split_first()
                        && let Ok(s) = std::str::from_utf8(rest)
                    {
                        let column = COLUMNS[pick as usize % COLUMNS.len()];
                        assert_eq!(value::parse(column, s).raw, s.trim());
                        let third = s.len() / 3;
                        if s.is_char_boundary(third) && s.is_char_boundary(2 * third) {
                            let (a, b, c) = (&s[..third], &s[third..2 * third], &s[2 * third..]);
                            let _ = value::fold_split(column, a, b, c);
                        }
                        let _ = value::split_op(s);
                    }
                }
                "sheet" => {
                    // The target's choice by magic bytes; other bytes also as xlsx and ods
                    // (calamine's xlsx reader opens OLE bytes too, to check for a password).
                    let formats: &[InputFormat] = if bytes.starts_with(b"PK") {
                        &[InputFormat::Xlsx, InputFormat::Ods, InputFormat::Xlsb]
                    } else {
                        &[InputFormat::Xls, InputFormat::Xlsx, InputFormat::Ods]
                    };
                    for &f in formats {
                        if let Ok(i) = sheet::read(&bytes, f, &opts) {
                            normalize_all(&i.grids);
                        }
                    }
                }
                "pdf_content" => {
                    let mut seen = 0usize;
                    content::each_op(&bytes, |op, args| {
                        seen += op.len() + args.len();
                        true
                    });
                    let m = CMap::parse(&bytes);
                    for k in 1..=4 {
                        let code = &bytes[..bytes.len().min(k)];
                        let _ = (m.text(code), m.cid(code));
                    }
                }
                _ => {
                    if let Ok(i) = pdf::read(&bytes, &opts) {
                        normalize_all(&i.grids);
                    }
                }
            }
            assert!(
                t.elapsed() < BOUND,
                "{}: {:?}",
                e.path().display(),
                t.elapsed()
            );
            n += 1;
        }
    }
    assert!(n >= 1, "no regression inputs found in {}", dir.display());
}

// ---------------------------------------------------------------------------------------------
// The limits from the command line.

/// `perfnorm ARGS` from the repository root: (exit code, stdout, stderr).
fn cli(args: &[&str]) -> (Option<i32>, String, String) {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    let o = run_cli(&args, &root());
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn limit_flags_set_the_limits() {
    let seed = "samples/suzhou-2026-jiguan-gongwei.txt";
    // The defaults convert the seed.
    let (code, _, err) = cli(&["check", seed]);
    assert_eq!(code, Some(0), "{err}");
    // --max-text-size reaches the text reader.
    let (code, out, _) = cli(&["check", seed, "--max-text-size", "1K"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(seed) && out.contains("over the limit of 1024 bytes"),
        "{out}"
    );
    // --max-file-size too, with a suffix read as powers of 1024.
    let (code, _, err) = cli(&["convert", seed, "-o", "-", "--max-file-size", "2k"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains(seed) && err.contains("2048 bytes"), "{err}");
    // --max-pages leaves the rest of a PDF out with a warning.
    let pdf = "samples/pdf/b02_suqian_danganguan_2023.pdf";
    let (_, out, _) = cli(&["check", pdf]);
    assert!(!out.contains("pdf_too_long"), "{out}");
    let (_, out, _) = cli(&["check", pdf, "--max-pages", "1"]);
    assert!(out.contains("pdf_too_long"), "{out}");
    // --max-cells reaches the sheet reader.
    let xlsx = "samples/b01_huaian_tiyu_2022.xlsx";
    let (code, out, _) = cli(&["check", xlsx, "--max-cells", "10"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("limit exceeded"), "{out}");
    // --max-decompressed-size reaches the zip check.
    let (code, out, _) = cli(&["check", xlsx, "--max-decompressed-size", "1K"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("limit exceeded"), "{out}");
    // Bad values are usage errors (exit 2) naming the flag.
    for (flag, v) in [
        ("--max-file-size", "12X"),
        ("--max-file-size", "0"),
        ("--max-text-size", "1.5M"),
        ("--max-cells", "1e3"),
        ("--max-pages", "0"),
        ("--timeout", "0"),
        ("--timeout", "soon"),
    ] {
        let (code, _, err) = cli(&["check", seed, flag, v]);
        assert_eq!(code, Some(2), "{flag} {v}: {err}");
        assert!(err.contains(flag), "{flag} {v}: {err}");
    }
}

#[test]
fn file_size_is_checked_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    // A sparse 64 GiB file: reading it into memory first would take minutes and all memory.
    let big = dir.path().join("big.pdf");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(64 << 30)
        .unwrap();
    std::fs::write(
        dir.path().join("good.txt"),
        sample("suzhou-2026-jiguan-gongwei.txt"),
    )
    .unwrap();
    let t = Instant::now();
    let e = perfnorm::convert_file(&big, &ConvertOptions::default())
        .unwrap_err()
        .to_string();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(
        e.contains("big.pdf")
            && e.contains("limit exceeded")
            && e.contains("68719476736 bytes")
            && e.contains("max_input_bytes")
            && e.contains("--max-file-size 64G"),
        "{e}"
    );
    // The batch: the big file fails with that reason, the good one is converted.
    let stderr = cli_fails_cleanly(&big);
    assert!(stderr.contains("--max-file-size"), "{stderr}");
    let out = dir.path().join("out");
    let o = run_cli(
        &[
            "convert".as_ref(),
            dir.path().as_os_str(),
            "-d".as_ref(),
            out.as_os_str(),
            "-q".as_ref(),
        ],
        &root(),
    );
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("big.pdf") && stderr.contains("max_input_bytes"),
        "{stderr}"
    );
    assert!(out.join("good.txt.json").is_file());
    // A raised limit lets a file through to the reader.
    let small = dir.path().join("small.txt");
    std::fs::write(&small, sample("suzhou-2026-jiguan-gongwei.txt")).unwrap();
    let mut opts = ConvertOptions::default();
    opts.read.limits.max_input_bytes = 100;
    let e = perfnorm::convert_file(&small, &opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("over the limit of 100 bytes"), "{e}");
    opts.read.limits.max_input_bytes = 1 << 20;
    assert!(perfnorm::convert_file(&small, &opts).is_ok());
}

/// A file that never ends (a FIFO nobody writes to: its open blocks forever, where no reader
/// check can run) is given up after `--timeout`, named, and the batch goes on in order.
#[cfg(unix)]
#[test]
fn a_file_that_never_ends_is_given_up_after_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("b-stuck.txt");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let seed = sample("suzhou-2026-jiguan-gongwei.txt");
    std::fs::write(dir.path().join("a.txt"), &seed).unwrap();
    std::fs::write(dir.path().join("c.txt"), &seed).unwrap();
    let out = dir.path().join("out");
    let t = Instant::now();
    let o = run_cli(
        &[
            "convert".as_ref(),
            dir.path().join("a.txt").as_os_str(),
            fifo.as_os_str(),
            dir.path().join("c.txt").as_os_str(),
            "-d".as_ref(),
            out.as_os_str(),
            "-q".as_ref(),
            "-j".as_ref(),
            "2".as_ref(),
            "--timeout".as_ref(),
            "1.5".as_ref(),
        ],
        &root(),
    );
    let took = t.elapsed();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("b-stuck.txt")
            && stderr.contains("longer than the limit of 1.5 s")
            && stderr.contains("--timeout"),
        "{stderr}"
    );
    assert!(took >= Duration::from_millis(1500), "{took:?}");
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert!(out.join("a.txt.json").is_file() && out.join("c.txt.json").is_file());
    // The report keeps the input order, with the stuck file as a failure in its place.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let inputs: Vec<(&str, &str)> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["output"].as_str().unwrap(), i["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        inputs,
        [
            ("a.txt", "converted"),
            ("b-stuck.txt", "failed"),
            ("c.txt", "converted")
        ]
    );
    assert_eq!(report["failed"], 1);

    // `check` and the library are bounded the same way.
    let (code, out, _) = cli(&["check", fifo.to_str().unwrap(), "--timeout", "1"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("b-stuck.txt") && out.contains("longer than the limit of 1 s"),
        "{out}"
    );
    let mut opts = ConvertOptions::default();
    opts.read.limits.time_per_file = Duration::from_millis(300);
    let t = Instant::now();
    let e = perfnorm::convert_file(&fifo, &opts)
        .unwrap_err()
        .to_string();
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    assert!(
        e.contains("b-stuck.txt") && e.contains("limit exceeded"),
        "{e}"
    );
}

/// A closed stdout pipe (`perfnorm schema | head -1`) ends quietly: no panic, no message.
#[test]
fn a_closed_stdout_ends_quietly() {
    let seed = root().join("samples/suzhou-2026-jiguan-gongwei.txt");
    let cases: Vec<Vec<&std::ffi::OsStr>> = vec![
        vec!["schema".as_ref()],
        vec!["check".as_ref(), seed.as_os_str(), seed.as_os_str()],
        vec![
            "convert".as_ref(),
            seed.as_os_str(),
            "-o".as_ref(),
            "-".as_ref(),
        ],
    ];
    for args in cases {
        // The reading end is closed before perfnorm starts: its first write meets EPIPE.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = Command::new(env!("CARGO_BIN_EXE_perfnorm"))
            .args(&args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
