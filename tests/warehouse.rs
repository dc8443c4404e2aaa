//! Warehouse-grade output and a CLI that keeps its word (issue 16), through the real binary:
//! one table id in every format, ids that stay unique over a sharded run of an archive holding
//! the same file twice, the per-indicator columns and the attributes table, the Parquet set
//! read back and compared with the CSV set, nothing skipped silently by the folder walk,
//! standard input and output, `check` as a linter, and help that matches the code.

use calamine::{Data, Reader, Xlsx};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{perfnorm, root};

const SEED: &str = "samples/suzhou-2026-jiguan-gongwei.txt";
const B01: &str = "samples/b01_huaian_tiyu_2022.xlsx";
/// A workbook with 指标方向 and attribute columns.
const MESSY: &str = "samples/layouts/messy_sheet.xlsx";
/// A flat export with 权重.
const FLAT: &str = "samples/layouts/flat_list.xlsx";

fn perfnorm_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .current_dir(root())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "perfnorm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A CSV file as header → column values, rows in order.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

fn convert_all(dir: &Path, formats: &str, inputs: &[&str]) -> PathBuf {
    let out = dir.join("out");
    let mut args = vec!["convert"];
    args.extend(inputs);
    args.extend(["-d", s(&out), "-t", formats, "-q"]);
    ok(&perfnorm(&args));
    out
}

fn name_of(sample: &str) -> String {
    Path::new(sample)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn one_table_id_in_json_jsonl_csv_xlsx_and_one_unit_rule() {
    let dir = tempfile::tempdir().unwrap();
    let out = convert_all(dir.path(), "json,jsonl,csv,xlsx", &[SEED, B01, MESSY]);
    let (th, trows) = read_csv(&out.join("tables.csv"));
    let mut csv_ids = trows.iter().map(|r| r[0].clone());
    for sample in [SEED, B01, MESSY] {
        let name = name_of(sample);
        let doc = json(&out.join(format!("{name}.json")));
        let lines: Vec<Value> = std::fs::read_to_string(out.join(format!("{name}.jsonl")))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let tables = doc["tables"].as_array().unwrap();
        assert_eq!(lines.len(), tables.len(), "{name}: one JSONL line a table");
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(
            std::fs::read(out.join(format!("{name}.xlsx"))).unwrap(),
        ))
        .unwrap();
        let sheet = wb.worksheet_range("表清单").unwrap();
        let xlsx_ids: Vec<String> = sheet.rows().skip(1).map(|r| r[0].to_string()).collect();
        assert_eq!(xlsx_ids.len(), tables.len(), "{name}");
        for (k, t) in tables.iter().enumerate() {
            let id = t["table_id"].as_str().unwrap();
            // 16 hex digits, the 1-based position.
            let (hex, pos) = id.rsplit_once('-').unwrap();
            assert_eq!(hex.len(), 16, "{id}");
            assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
            assert_eq!(pos, (k + 1).to_string(), "{id}");
            assert_eq!(csv_ids.next().as_deref(), Some(id), "{name}: CSV id");
            assert_eq!(lines[k]["table_id"], id, "{name}: JSONL id");
            assert_eq!(lines[k]["table"]["table_id"], id, "{name}: JSONL table id");
            assert_eq!(lines[k]["table_index"], k + 1, "{name}: table_index from 1");
            assert_eq!(xlsx_ids[k], id, "{name}: XLSX id");
            // One unit rule: tables.unit is the table's own unit, as JSON; the funds
            // block's is funds_unit.
            let row = trows.iter().find(|r| r[0] == id).unwrap();
            assert_eq!(
                row[col(&th, "unit")],
                t["unit"].as_str().unwrap_or(""),
                "{name}: unit"
            );
            assert_eq!(
                row[col(&th, "funds_unit")],
                t["funds"]["unit"].as_str().unwrap_or(""),
                "{name}: funds_unit"
            );
        }
    }
    assert_eq!(csv_ids.next(), None);
    // The seed states no unit line (null in JSON) but its funds are in 万元: the CSV says
    // the same, no longer 万元 under `unit`.
    let seed = trows
        .iter()
        .find(|r| r[col(&th, "source_file")] == SEED)
        .unwrap();
    assert_eq!(seed[col(&th, "unit")], "");
    assert_eq!(seed[col(&th, "funds_unit")], "万元");
}

/// in/a/b01.xlsx and in/b/b01.xlsx hold the same bytes; in/seed.txt another table.
fn archive_with_a_duplicate(dir: &Path) -> PathBuf {
    let inp = dir.join("in");
    for sub in ["a", "b"] {
        std::fs::create_dir_all(inp.join(sub)).unwrap();
        std::fs::copy(root().join(B01), inp.join(sub).join("b01.xlsx")).unwrap();
    }
    std::fs::copy(root().join(SEED), inp.join("seed.txt")).unwrap();
    inp
}

#[test]
fn a_sharded_run_over_duplicate_files_loads_with_table_id_as_primary_key() {
    let dir = tempfile::tempdir().unwrap();
    let inp = archive_with_a_duplicate(dir.path());
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute(
        "CREATE TABLE tables (table_id TEXT PRIMARY KEY, source_file TEXT, source_sha256 TEXT)",
        [],
    )
    .unwrap();
    let mut ids = Vec::new();
    for k in 1..=3 {
        let out = dir.path().join(format!("shard-{k}"));
        let run = perfnorm(&[
            "convert",
            s(&inp),
            "-d",
            s(&out),
            "-t",
            "csv,parquet",
            "--shard",
            &format!("{k}/3"),
            "-q",
        ]);
        ok(&run);
        // `cat shard-*/tables.csv` (each header skipped) into a table keyed by table_id.
        let (h, rows) = read_csv(&out.join("tables.csv"));
        for r in rows {
            db.execute(
                "INSERT INTO tables VALUES (?1, ?2, ?3)",
                [
                    &r[0],
                    &r[col(&h, "source_file")],
                    &r[col(&h, "source_sha256")],
                ],
            )
            .unwrap_or_else(|e| panic!("table_id {} twice: {e}", r[0]));
            ids.push(r[0].clone());
        }
        // The Parquet set holds the same ids.
        let pq = parquet_rows(&out.join("tables.parquet"));
        let pq_ids: Vec<String> = pq.iter().map(|r| r[0].clone()).collect();
        let (_, csv_rows) = read_csv(&out.join("tables.csv"));
        let csv_ids: Vec<String> = csv_rows.iter().map(|r| r[0].clone()).collect();
        assert_eq!(pq_ids, csv_ids);
    }
    let n: i64 = db
        .query_row("SELECT COUNT(*) FROM tables", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 3, "two copies of b01 and the seed: three tables");
    // The two copies: same bytes, two ids.
    let copies: i64 = db
        .query_row(
            "SELECT COUNT(DISTINCT table_id) FROM tables GROUP BY source_sha256 \
             ORDER BY 1 DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(copies, 2);
    // The ids do not depend on the sharding: an unsharded run gives the same ones.
    let out = dir.path().join("all");
    ok(&perfnorm(&[
        "convert",
        s(&inp),
        "-d",
        s(&out),
        "-t",
        "csv",
        "-q",
    ]));
    let (_, rows) = read_csv(&out.join("tables.csv"));
    let mut all: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    all.sort();
    ids.sort();
    assert_eq!(all, ids);
}

#[test]
fn a_failed_input_keeps_its_no_table_diagnostic_in_jsonl() {
    // A workbook that reads but holds no performance table: it fails with `no_table`.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = perfnorm(&[
        "convert",
        "samples/layouts/not_a_table.xlsx",
        "-d",
        s(&out),
        "-t",
        "json,jsonl",
        "-q",
    ]);
    assert_eq!(run.status.code(), Some(1));
    let text = std::fs::read_to_string(out.join("not_a_table.xlsx.jsonl")).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(lines[0]["table"].is_null());
    assert!(lines[0]["table_id"].is_null());
    assert!(
        lines[0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "no_table"),
        "{text}"
    );
}

#[test]
fn indicator_columns_and_attributes_in_csv_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let out = convert_all(dir.path(), "json,csv,xlsx", &[MESSY, FLAT]);
    let (ih, irows) = read_csv(&out.join("indicators.csv"));
    for c in ["code", "weight", "score", "direction"] {
        col(&ih, c);
    }
    let (ah, arows) = read_csv(&out.join("attributes.csv"));
    assert_eq!(ah, ["table_id", "seq", "label", "text"]);
    let mut expected_attrs = Vec::new();
    let mut with = BTreeMap::new();
    let docs = [MESSY, FLAT].map(|f| json(&out.join(format!("{}.json", name_of(f)))));
    for t in docs.iter().flat_map(|d| d["tables"].as_array().unwrap()) {
        let id = t["table_id"].as_str().unwrap();
        for (k, ind) in t["indicators"].as_array().unwrap().iter().enumerate() {
            let seq = (k + 1).to_string();
            let row = irows
                .iter()
                .find(|r| r[0] == id && r[1] == seq)
                .unwrap_or_else(|| panic!("no row for {id} {seq}"));
            let text = |v: &Value| match v {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            for c in ["code", "weight", "score", "direction"] {
                assert_eq!(row[col(&ih, c)], text(&ind[c]), "{id} {seq} {c}");
                if ind.get(c).is_some() {
                    *with.entry(c).or_insert(0) += 1;
                }
            }
            for a in ind["attributes"].as_array().into_iter().flatten() {
                expected_attrs.push(vec![
                    id.to_string(),
                    seq.clone(),
                    text(&a["label"]),
                    text(&a["text"]),
                ]);
            }
        }
    }
    assert!(
        with.contains_key("weight"),
        "the samples have weights: {with:?}"
    );
    assert!(
        with.contains_key("direction"),
        "the samples have directions: {with:?}"
    );
    assert!(!expected_attrs.is_empty(), "the sample has attribute texts");
    assert_eq!(arows, expected_attrs);
    // The workbook's 指标属性 sheet holds the same rows, its 指标 sheet the same columns.
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(
        std::fs::read(out.join(format!("{}.xlsx", name_of(MESSY)))).unwrap(),
    ))
    .unwrap();
    // The MESSY workbook's attributes: its tables' rows of attributes.csv.
    let messy_ids: Vec<&str> = docs[0]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["table_id"].as_str().unwrap())
        .collect();
    let arows: Vec<Vec<String>> = arows
        .into_iter()
        .filter(|r| messy_ids.contains(&r[0].as_str()))
        .collect();
    assert!(!arows.is_empty());
    let sheet = wb.worksheet_range("指标属性").unwrap();
    let cell = |d: &Data| match d {
        Data::Float(f) => format!("{f}"),
        other => other.to_string(),
    };
    let got: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(cell).collect()).collect();
    assert_eq!(got[0], ah);
    assert_eq!(got[1..], arows[..]);
    let ind = wb.worksheet_range("指标").unwrap();
    let header: Vec<String> = ind.rows().next().unwrap().iter().map(cell).collect();
    assert_eq!(header, ih);
    let d = col(&ih, "direction");
    assert!(
        ind.rows()
            .skip(1)
            .any(|r| matches!(&r[d], Data::String(s) if s == "正向")),
        "directions in the 指标 sheet"
    );
    // FLAT's weights are number cells of its 指标 sheet.
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(
        std::fs::read(out.join(format!("{}.xlsx", name_of(FLAT)))).unwrap(),
    ))
    .unwrap();
    let ind = wb.worksheet_range("指标").unwrap();
    let w = col(&ih, "weight");
    assert!(
        ind.rows()
            .skip(1)
            .any(|r| matches!(r[w], Data::Float(f) if f == 20.0)),
        "weights are number cells"
    );
}

/// The rows of a Parquet file, each cell rendered as the CSV renders it (null as empty).
fn parquet_rows(path: &Path) -> Vec<Vec<String>> {
    let r = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    r.get_row_iter(None)
        .unwrap()
        .map(|row| {
            row.unwrap()
                .get_column_iter()
                .map(|(_, f)| match f {
                    Field::Null => String::new(),
                    Field::Str(s) => s.clone(),
                    Field::Long(n) => n.to_string(),
                    Field::Double(d) => format!("{d}"),
                    other => panic!("unexpected Parquet value {other:?}"),
                })
                .collect()
        })
        .collect()
}

/// Column name → physical type and logical annotation, from the file's schema.
fn parquet_types(path: &Path) -> BTreeMap<String, String> {
    let r = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let schema = r.metadata().file_metadata().schema_descr();
    schema
        .columns()
        .iter()
        .map(|c| {
            (
                c.name().to_string(),
                format!("{:?}/{:?}", c.physical_type(), c.converted_type()),
            )
        })
        .collect()
}

#[test]
fn parquet_set_reads_back_as_the_csv_set_with_typed_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = convert_all(dir.path(), "csv,parquet", &[SEED, B01, MESSY]);
    for t in [
        "tables",
        "fields",
        "funds",
        "indicators",
        "attributes",
        "diagnostics",
    ] {
        let (header, csv_rows) = read_csv(&out.join(format!("{t}.csv")));
        let pq = out.join(format!("{t}.parquet"));
        let types = parquet_types(&pq);
        assert_eq!(
            types.keys().collect::<std::collections::BTreeSet<_>>(),
            header.iter().collect(),
            "{t}: same columns"
        );
        let pq_rows = parquet_rows(&pq);
        assert_eq!(pq_rows.len(), csv_rows.len(), "{t}: same row count");
        assert_eq!(pq_rows, csv_rows, "{t}: same rows");
        assert_eq!(types["table_id"], "BYTE_ARRAY/UTF8", "{t}");
        // Compressed.
        let r = SerializedFileReader::new(std::fs::File::open(&pq).unwrap()).unwrap();
        for rg in r.metadata().row_groups() {
            for c in rg.columns() {
                assert_eq!(c.compression(), parquet::basic::Compression::SNAPPY, "{t}");
            }
        }
    }
    let types = parquet_types(&out.join("indicators.parquet"));
    // DOUBLE even where every value of the run is whole (DuckDB would infer BIGINT from CSV).
    for c in ["number", "min", "max", "weight", "score"] {
        assert_eq!(types[c], "DOUBLE/NONE", "{c}");
    }
    for c in ["seq", "source_page", "source_line"] {
        assert_eq!(types[c], "INT64/NONE", "{c}");
    }
    assert_eq!(
        parquet_types(&out.join("funds.parquet"))["amount"],
        "DOUBLE/NONE"
    );
    assert_eq!(
        parquet_types(&out.join("tables.parquet"))["year"],
        "INT64/NONE"
    );
    // Two runs give the same bytes.
    let again = dir.path().join("again");
    let mut args = vec!["convert", SEED, B01, MESSY];
    args.extend(["-d", s(&again), "-t", "parquet", "-q"]);
    ok(&perfnorm(&args));
    for t in ["tables", "indicators", "funds"] {
        assert_eq!(
            std::fs::read(out.join(format!("{t}.parquet"))).unwrap(),
            std::fs::read(again.join(format!("{t}.parquet"))).unwrap(),
            "{t}.parquet differs between two runs"
        );
    }
    // -o x.parquet: the set beside it; to stdout: a usage error.
    let x = dir.path().join("x.parquet");
    ok(&perfnorm(&["convert", SEED, "-o", s(&x)]));
    assert!(dir.path().join("x.indicators.parquet").exists());
    let run = perfnorm(&["convert", SEED, "-t", "parquet", "-o", "-"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("-d OUT_DIR"), "{}", stderr(&run));
}

#[cfg(unix)]
#[test]
fn the_folder_walk_skips_nothing_silently() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir_all(inp.join("real")).unwrap();
    std::fs::copy(root().join(SEED), inp.join("real/seed.txt")).unwrap();
    // A symlinked folder outside the tree is followed; one back to its parent is a loop.
    let outside = dir.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::copy(root().join(B01), outside.join("b01.xlsx")).unwrap();
    std::os::unix::fs::symlink(&outside, inp.join("linked")).unwrap();
    std::os::unix::fs::symlink(&inp, inp.join("real/loop")).unwrap();
    let out = dir.path().join("out");
    let run = perfnorm(&["convert", s(&inp), "-d", s(&out), "-q"]);
    ok(&run);
    let r = json(&out.join("report.json"));
    let files: Vec<&str> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["output"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["linked/b01.xlsx", "real/seed.txt"]);
    let skipped = r["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0]["path"].as_str().unwrap().ends_with("real/loop"));
    assert!(
        skipped[0]["reason"]
            .as_str()
            .unwrap()
            .contains("symlink loop")
    );
    assert_eq!(skipped[0]["failed"], false);

    // A FIFO and a broken symlink are listed and make the exit status 1; the rest converts.
    let fifo = inp.join("real/pipe.txt");
    let made = Command::new("mkfifo").arg(&fifo).status();
    std::os::unix::fs::symlink(dir.path().join("gone.pdf"), inp.join("dangling.pdf")).unwrap();
    let run = perfnorm(&["convert", s(&inp), "-d", s(&out), "-q"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let r = json(&out.join("report.json"));
    assert_eq!(r["converted"], 2);
    let reasons: Vec<String> = r["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| format!("{} {}", k["path"], k["reason"]))
        .collect();
    assert!(
        reasons
            .iter()
            .any(|k| k.contains("dangling.pdf") && k.contains("broken symlink")),
        "{reasons:?}"
    );
    if made.is_ok_and(|s| s.success()) {
        assert!(
            reasons
                .iter()
                .any(|k| k.contains("pipe.txt") && k.contains("FIFO")),
            "{reasons:?}"
        );
    }
    assert!(stderr(&run).contains("dangling.pdf: skipped: broken symlink"));
    std::fs::remove_file(inp.join("dangling.pdf")).unwrap();
    let _ = std::fs::remove_file(&fifo);

    // An unreadable folder (when the tests do not run as root, who reads it anyway).
    use std::os::unix::fs::PermissionsExt;
    let locked = inp.join("locked");
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::copy(root().join(SEED), locked.join("x.txt")).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let unreadable = std::fs::read_dir(&locked).is_err();
    let run = perfnorm(&["convert", s(&inp), "-d", s(&out), "-q"]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if unreadable {
        assert_eq!(run.status.code(), Some(1));
        let r = json(&out.join("report.json"));
        assert!(
            r["skipped"].as_array().unwrap().iter().any(|k| k["path"]
                .as_str()
                .unwrap()
                .ends_with("locked")
                && k["reason"]
                    .as_str()
                    .unwrap()
                    .contains("cannot read the folder")),
            "{r}"
        );
    } else {
        ok(&run);
    }
}

#[test]
fn usage_errors_and_empty_globs() {
    let dir = tempfile::tempdir().unwrap();
    let run = perfnorm(&["convert", "samples", "--glob", "nomatch", "-o", "-"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains("no input file matching --glob nomatch"),
        "{}",
        stderr(&run)
    );
    assert!(run.stdout.is_empty());
    let run = perfnorm(&["convert", SEED, "--skip-unchanged"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("--skip-unchanged"),
        "{}",
        stderr(&run)
    );
    let o = dir.path().join("x.json");
    let run = perfnorm(&["convert", SEED, "--bom", "-o", s(&o)]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("--bom only changes CSV"));
    let run = perfnorm(&["convert", SEED, "--glob", "*.txt"]);
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn standard_input_and_a_folder_to_standard_output() {
    // `-` reads standard input; its tables are the file's (source.file `-`).
    let bytes = std::fs::read(root().join(SEED)).unwrap();
    let run = perfnorm_stdin(&["convert", "-", "-o", "-"], &bytes);
    ok(&run);
    let piped: Value = serde_json::from_slice(&run.stdout).unwrap();
    let direct: Value =
        serde_json::from_slice(&perfnorm(&["convert", SEED, "-o", "-"]).stdout).unwrap();
    assert_eq!(piped["source"]["file"], "-");
    assert_eq!(
        piped["tables"][0]["indicators"],
        direct["tables"][0]["indicators"]
    );
    let run = perfnorm_stdin(&["check", "-"], &bytes);
    ok(&run);

    // A folder to standard output: one JSON array of documents, in input order.
    let dir = tempfile::tempdir().unwrap();
    let inp = archive_with_a_duplicate(dir.path());
    let run = perfnorm(&["convert", s(&inp), "-q"]);
    ok(&run);
    let docs: Value = serde_json::from_slice(&run.stdout).expect("one JSON document");
    let files: Vec<&str> = docs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["source"]["relative_path"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["a/b01.xlsx", "b/b01.xlsx", "seed.txt"]);
    // -t jsonl: JSON Lines, one table a line, each line parses alone.
    let run = perfnorm(&["convert", s(&inp), "-t", "jsonl", "-q"]);
    ok(&run);
    let text = String::from_utf8(run.stdout).unwrap();
    let ids: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["table_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 3);
    // -o ALL.json / ALL.jsonl with a folder: the same, into one file.
    let all = dir.path().join("all.json");
    ok(&perfnorm(&["convert", s(&inp), "-o", s(&all), "-q"]));
    assert_eq!(json(&all), docs);
    let all = dir.path().join("all.jsonl");
    ok(&perfnorm(&["convert", s(&inp), "-o", s(&all), "-q"]));
    assert_eq!(std::fs::read_to_string(&all).unwrap(), text);
    let run = perfnorm(&["convert", s(&inp), "-o", s(&dir.path().join("all.xlsx"))]);
    assert_eq!(run.status.code(), Some(2));
    // A folder holding one file is still an array, so scripts see one shape.
    let one = dir.path().join("one");
    std::fs::create_dir_all(&one).unwrap();
    std::fs::copy(root().join(SEED), one.join("seed.txt")).unwrap();
    let run = perfnorm(&["convert", s(&one), "-q"]);
    ok(&run);
    let v: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
}

#[test]
fn check_lints_folders_with_json_output_and_strict() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir_all(&inp).unwrap();
    // The seed has warnings (repaired column shifts), no errors.
    std::fs::copy(root().join(SEED), inp.join("seed.txt")).unwrap();
    let run = perfnorm(&["check", s(&inp), "--format", "json"]);
    ok(&run);
    let text = String::from_utf8(run.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (summary, diags) = lines.split_last().unwrap();
    assert!(!diags.is_empty());
    for d in diags {
        for k in ["file", "location", "severity", "code", "message"] {
            assert!(d.get(k).is_some(), "{k} missing in {d}");
        }
        assert!(d["file"].as_str().unwrap().ends_with("seed.txt"));
    }
    let warnings = diags.iter().filter(|d| d["severity"] == "warning").count();
    assert!(warnings > 0);
    assert_eq!(summary["summary"]["files"], 1);
    assert_eq!(summary["summary"]["warnings"], warnings);
    assert_eq!(summary["summary"]["ok"], true);
    // --strict: warnings fail.
    let run = perfnorm(&["check", s(&inp), "--strict"]);
    assert_eq!(run.status.code(), Some(1));
    let out = String::from_utf8(run.stdout).unwrap();
    assert!(out.trim_end().ends_with("FAILED"), "{out}");
    // A broken file: an error naming the file once; exit 1 without --strict.
    std::fs::write(inp.join("broken.xlsx"), b"PK\x03\x04 not a workbook").unwrap();
    let run = perfnorm(&["check", s(&inp)]);
    assert_eq!(run.status.code(), Some(1));
    let out = String::from_utf8(run.stdout).unwrap();
    let line = out.lines().find(|l| l.contains("broken.xlsx")).unwrap();
    assert_eq!(line.matches("broken.xlsx").count(), 1, "{line}");
    assert!(line.contains(": error: "), "{line}");
}

#[test]
fn help_and_limit_messages_match_the_code() {
    let run = perfnorm(&["convert", "--help"]);
    let help = String::from_utf8(run.stdout).unwrap();
    let default = perfnorm::ingest::Limits::default().max_cells;
    assert!(
        help.contains(&format!("default {default})")),
        "--max-cells help must say the default {default}:\n{help}"
    );
    assert!(help.contains("parquet"));
    // Over --max-cells: the message names the flag.
    let run = perfnorm(&["convert", B01, "--max-cells", "10", "-o", "-"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("--max-cells"), "{}", stderr(&run));
}

#[test]
fn the_table_sheet_prints_on_a4_landscape() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("seed.xlsx");
    ok(&perfnorm(&["convert", SEED, "-o", s(&x)]));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&x).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    assert!(xml.contains(r#"paperSize="9""#), "A4: {xml:.300}");
    assert!(xml.contains(r#"orientation="landscape""#));
}
