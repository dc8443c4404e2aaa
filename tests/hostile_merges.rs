//! Absurd merged ranges (issue 15): one merge over the whole sheet, a reversed range, a merge
//! reaching far past the table used to fold a whole table into one cell — no indicator, exit
//! 0, no word. They are ignored with a `merge_ignored` warning naming the range, and the table
//! reads as it does without them.

mod common;

use common::root;
use perfnorm::model::Document;
use perfnorm::{ConvertOptions, convert_bytes};
use std::io::{Read, Write};
use std::path::Path;

const SAMPLE: &str = "samples/b01_huaian_tiyu_2022.xlsx";

/// The sample workbook with `extra` merges added to its sheet.
fn with_merges(extra: &[&str]) -> Vec<u8> {
    let bytes = std::fs::read(root().join(SAMPLE)).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(data).unwrap();
            let cells: String = extra
                .iter()
                .map(|r| format!("<mergeCell ref=\"{r}\"/>"))
                .collect();
            let at = xml.find("<mergeCells").unwrap();
            let open_end = at + xml[at..].find('>').unwrap() + 1;
            data = format!("{}{cells}{}", &xml[..open_end], &xml[open_end..]).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn convert(bytes: &[u8]) -> Document {
    convert_bytes(Path::new("merges.xlsx"), bytes, &ConvertOptions::default()).unwrap()
}

fn indicators(d: &Document) -> usize {
    d.tables.iter().map(|t| t.indicators.len()).sum()
}

fn ignored(d: &Document) -> Vec<String> {
    d.diagnostics
        .iter()
        .filter(|x| x.code == "merge_ignored")
        .map(|x| x.message.clone())
        .collect()
}

#[test]
fn absurd_merges_are_ignored_and_named() {
    let plain = convert(&std::fs::read(root().join(SAMPLE)).unwrap());
    assert!(indicators(&plain) > 10);
    assert!(ignored(&plain).is_empty());
    for (range, why) in [
        ("A1:XFD1048576", "reaches far past"),
        ("H31:A1", "reversed"),
        ("A1:H31", "would hide"),
        ("B40:C100000", "reaches far past"),
    ] {
        let d = convert(&with_merges(&[range]));
        let msgs = ignored(&d);
        assert_eq!(msgs.len(), 1, "{range}: {msgs:?}");
        assert!(
            msgs[0].contains(&format!("merged range {range} ignored")) && msgs[0].contains(why),
            "{range}: {msgs:?}"
        );
        assert_eq!(
            d.tables, plain.tables,
            "{range}: the table reads as without it"
        );
    }
}
