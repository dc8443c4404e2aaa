//! The inputs that used to kill the whole process or run away with it (issue 15), made here by
//! code: each must end in exit 1 with a message naming the file and the limit it hit — the reader's own limit, not
//! the worker's memory limit, which is only the second line of defence — and a batch mixing
//! all of them with 100 valid files converts the 100 and reports every hostile one.

mod common;

use common::root;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// What one hostile file may take through the release binary on a shared 2-core machine.
const BOUND: Duration = Duration::from_secs(60);

fn perfnorm(args: &[&std::ffi::OsStr]) -> Output {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .args(args)
        .output()
        .unwrap();
    assert!(t.elapsed() < BOUND, "{args:?} took {:?}", t.elapsed());
    out
}

/// Convert `path` alone: exit 1, the file named on stderr with `want`.
fn fails_with(path: &Path, extra: &[&str], want: &str) -> String {
    let mut args: Vec<&std::ffi::OsStr> = vec!["convert".as_ref(), path.as_os_str()];
    args.extend(["-o", "-"].iter().map(std::ffi::OsStr::new));
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let o = perfnorm(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{}: {stderr}", path.display());
    assert!(
        stderr.contains(&format!("{}: ", path.display())) && stderr.contains(want),
        "{}: wanted {want:?} in {stderr}",
        path.display()
    );
    stderr
}

/// An xls whose DIMENSIONS record claims rows 0..0xFFFFFFFF and columns 0..0xFFFF: calamine
/// reserved room for all of them (`memory allocation of 11258827267113000 bytes failed`).
fn xls_claiming_everything() -> Vec<u8> {
    let mut b = std::fs::read(root().join("samples/b01_huaian_tiyu_2022.xls")).unwrap();
    let at = b
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .expect("a DIMENSIONS record");
    let data = at + 4;
    b[data..data + 4].copy_from_slice(&0u32.to_le_bytes());
    b[data + 4..data + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    b[data + 8..data + 10].copy_from_slice(&0u16.to_le_bytes());
    b[data + 10..data + 12].copy_from_slice(&u16::MAX.to_le_bytes());
    b
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// A PDF whose object stream holds an object nested 20,000 arrays deep (the engine's
/// recursion overflowed the stack).
fn pdf_nested_in_object_stream() -> Vec<u8> {
    let deep = format!("6 0 {}1{}", "[".repeat(20_000), "]".repeat(20_000));
    let packed = zlib(deep.as_bytes());
    let objs = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R >>".to_vec(),
        b"<< /Length 0 >>\nstream\n\nendstream".to_vec(),
        stream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", &packed),
    ];
    pdf(&objs)
}

/// A stream object: its dictionary entries and data.
fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut o = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    o.extend(data);
    o.extend(b"\nendstream");
    o
}

/// A PDF from its objects (numbered from 1; object 1 the catalog), with a classic
/// cross-reference table (binary stream data allowed).
fn pdf(objs: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A PDF page whose `/Contents` lists one 8 MiB Flate stream `times` times.
fn pdf_contents_repeated(times: usize) -> Vec<u8> {
    let body = vec![b' '; 8 << 20];
    let packed = zlib(&body);
    let refs = vec!["4 0 R"; times].join(" ");
    let objs = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents [{refs}] >>")
            .into_bytes(),
        stream("/Filter /FlateDecode", &packed),
    ];
    pdf(&objs)
}

/// Every hostile case: file name, bytes, flags for the single run, what its message says.
fn cases() -> Vec<(&'static str, Vec<u8>, Vec<&'static str>, &'static str)> {
    vec![
        (
            "dimensions.xls",
            xls_claiming_everything(),
            vec![],
            "in its DIMENSIONS record",
        ),
        (
            "objstm-nesting.pdf",
            pdf_nested_in_object_stream(),
            vec![],
            "inside an object stream nest",
        ),
        (
            "contents-64M.pdf",
            pdf_contents_repeated(16),
            vec!["--max-decompressed-size", "64M"],
            "decode to more than 67108864 bytes",
        ),
        // One line of two million tabs (4.3 GB as cells from 16 MB before text cells counted).
        (
            "tabs.txt",
            format!("指标\t{}值\n", "\t".repeat(2_000_000)).into_bytes(),
            vec![],
            "more than 500000 cells",
        ),
        // 200,000 rows × 4 columns of text.
        (
            "rows.tsv",
            "一级\t二级\t三级\t指标值\n".repeat(200_000).into_bytes(),
            vec![],
            "more than 500000 cells",
        ),
        // 100,000 nested <div> before a table (19 s of parsing, the table lost to the timeout).
        (
            "divs.html",
            format!(
                "{}<table><tr><td>一级指标</td><td>指标值</td></tr></table>",
                "<div>".repeat(100_000)
            )
            .into_bytes(),
            vec![],
            "nests elements more than 512 deep",
        ),
    ]
}

#[test]
fn each_crasher_ends_in_its_own_limit() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, extra, want) in cases() {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        fails_with(&path, &extra, want);
        // In-process too: the root fix holds without a worker to catch the crash.
        let mut no_isolate = extra.clone();
        no_isolate.push("--no-isolate");
        fails_with(&path, &no_isolate, want);
    }
}

/// With the default limits, a page listing a stream 160 times (1.3 GB decoded) ends on a
/// limit too (the reader's, or the worker's memory limit under it), never on the machine.
#[test]
fn repeated_contents_under_the_default_limits_end_in_a_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("contents-1G.pdf");
    std::fs::write(&path, pdf_contents_repeated(160)).unwrap();
    let stderr = fails_with(&path, &[], "limit exceeded");
    assert!(
        stderr.contains("decode to more than") || stderr.contains("out of memory"),
        "{stderr}"
    );
}

#[test]
fn a_batch_of_every_crasher_and_100_valid_files_converts_the_100() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let good = [
        "suzhou-2026-jiguan-gongwei.txt",
        "b01_huaian_tiyu_2022.xls",
        "pdf/a01_zhenjiang_shuiwu_2026.pdf",
        "b01_huaian_tiyu_2022.xlsx",
    ];
    for i in 0..100 {
        let src = root().join("samples").join(good[i % good.len()]);
        let ext = src.extension().unwrap().to_str().unwrap();
        std::fs::copy(&src, input.join(format!("g{i:03}.{ext}"))).unwrap();
    }
    let mut hostile: Vec<PathBuf> = Vec::new();
    for (i, (name, bytes, _, _)) in cases().into_iter().enumerate() {
        // Between the good files, so workers are replaced mid-batch if one dies.
        let p = input.join(format!("g{:03}-{name}", 20 + 30 * i));
        std::fs::write(&p, bytes).unwrap();
        hostile.push(p);
    }
    let out = dir.path().join("out");
    let o = perfnorm(&[
        "convert".as_ref(),
        input.as_os_str(),
        "-d".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
        "-j".as_ref(),
        "2".as_ref(),
        "--max-decompressed-size".as_ref(),
        "64M".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(r["converted"], 100, "{r}");
    assert_eq!(r["failed"], hostile.len(), "{r}");
    for p in &hostile {
        let name = p.file_name().unwrap().to_str().unwrap();
        assert!(
            r["failures"].as_array().unwrap().iter().any(|f| {
                let why = f["reason"].as_str().unwrap();
                f["file"].as_str().unwrap().ends_with(name)
                    && (why.contains("limit exceeded") || why.contains("cannot read the PDF"))
            }),
            "{name} not reported: {r}"
        );
    }
}
