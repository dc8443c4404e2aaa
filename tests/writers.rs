//! The writers through the real binary: golden CSV sets and workbooks (compared by cell
//! content, never bytes), the JSON Schema against every golden JSON, the CSV set loaded into
//! SQLite and joined, Excel options, several formats in one run, reproducible workbooks.
//!
//! `UPDATE_GOLDEN=1 cargo test --test writers` rewrites `golden/csv/` and `golden/xlsx/`.

use calamine::{Data, Reader, Xlsx};
use serde_json::Value;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The samples with golden CSV sets and workbooks: a text table (the seed, with shifted rows
/// and 重点工作) and a workbook (a task table with details, split headers).
const GOLDEN_SAMPLES: &[&str] = &[
    "samples/suzhou-2026-jiguan-gongwei.txt",
    "samples/b01_huaian_tiyu_2022.xlsx",
    "samples/d01_yangzhou_hedao_qingyu_2025.tsv.txt",
];
const CSV_FILES: &[&str] = &[
    "tables",
    "fields",
    "funds",
    "indicators",
    "attributes",
    "diagnostics",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn perfnorm(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_perfnorm"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "perfnorm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn name_of(sample: &str) -> String {
    Path::new(sample)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}

fn update() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(2)
        .header("golden", "actual")
        .to_string()
}

#[test]
fn csv_sets_match_their_goldens() {
    let mut failures = Vec::new();
    for s in GOLDEN_SAMPLES {
        let dir = tempfile::tempdir().unwrap();
        ok(&perfnorm(&[
            "convert",
            s,
            "-t",
            "csv",
            "-d",
            dir.path().to_str().unwrap(),
        ]));
        let golden = root().join("golden/csv").join(name_of(s));
        for f in CSV_FILES {
            let actual = dir.path().join(format!("{f}.csv"));
            let g = golden.join(format!("{f}.csv"));
            if update() {
                std::fs::create_dir_all(&golden).unwrap();
                std::fs::copy(&actual, &g).unwrap();
                continue;
            }
            let (a, e) = (read_csv(&actual), read_csv(&g));
            if a != e {
                let show = |t: &Vec<Vec<String>>| {
                    t.iter()
                        .map(|r| r.join(" | "))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                failures.push(format!("{s} {f}.csv:\n{}", diff(&show(&e), &show(&a))));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every sheet of a workbook as text: its name, each non-empty cell with its A1 reference
/// and value (numbers marked as numbers), and its merged ranges.
fn dump_xlsx(bytes: &[u8]) -> String {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for name in wb.sheet_names() {
        out.push_str(&format!("== {name}\n"));
        let range = wb.worksheet_range(&name).unwrap();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, row) in range.rows().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let cell = format!(
                    "{}{}",
                    perfnorm::grid::column_letters((c0 as usize + c) as u32),
                    r0 as usize + r + 1
                );
                match v {
                    Data::Empty => {}
                    Data::String(s) => out.push_str(&format!("{cell}\t{s:?}\n")),
                    Data::Float(f) => out.push_str(&format!("{cell}\t#{f}\n")),
                    Data::Int(i) => out.push_str(&format!("{cell}\t#{i}\n")),
                    other => out.push_str(&format!("{cell}\t?{other:?}\n")),
                }
            }
        }
        let mut merges: Vec<String> = wb
            .merge_cells_by_sheet_name(&name)
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{}{}:{}{}",
                    perfnorm::grid::column_letters(d.start.1),
                    d.start.0 + 1,
                    perfnorm::grid::column_letters(d.end.1),
                    d.end.0 + 1
                )
            })
            .collect();
        merges.sort();
        out.push_str(&format!("merged {}\n", merges.join(" ")));
    }
    out
}

#[test]
fn workbooks_match_their_goldens_by_content() {
    let mut failures = Vec::new();
    for s in GOLDEN_SAMPLES {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.xlsx");
        ok(&perfnorm(&["convert", s, "-o", out.to_str().unwrap()]));
        let g = root()
            .join("golden/xlsx")
            .join(format!("{}.xlsx", name_of(s)));
        let actual = std::fs::read(&out).unwrap();
        if update() {
            std::fs::create_dir_all(g.parent().unwrap()).unwrap();
            std::fs::write(&g, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read(&g).unwrap_or_else(|_| panic!("no golden {}", g.display()));
        let (e, a) = (dump_xlsx(&expected), dump_xlsx(&actual));
        if e != a {
            failures.push(format!("{s}:\n{}", diff(&e, &a)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn workbook_text_is_never_a_formula_and_numbers_are_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seed.xlsx");
    ok(&perfnorm(&[
        "convert",
        "samples/suzhou-2026-jiguan-gongwei.txt",
        "-o",
        out.to_str().unwrap(),
    ]));
    let bytes = std::fs::read(&out).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["表格", "指标", "指标属性", "资金", "字段", "诊断", "表清单"]
    );
    let t = wb.worksheet_range("表格").unwrap();
    assert!(
        t.used_cells()
            .any(|(_, _, v)| matches!(v, Data::String(s) if s == "=0%")),
        "=0% is kept as text"
    );
    assert!(
        t.used_cells()
            .any(|(_, _, v)| matches!(v, Data::Float(f) if (*f - 1212.54).abs() < 1e-9)),
        "amounts are numbers"
    );
    let formulas = wb.worksheet_formula("表格").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formulas"
    );
    let ind = wb.worksheet_range("指标").unwrap();
    let header: Vec<String> = ind
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[0], "table_id");
    let number_col = header.iter().position(|h| h == "number").unwrap();
    assert!(
        ind.rows()
            .skip(1)
            .any(|r| matches!(r[number_col], Data::Float(f) if f == 100.0))
    );
}

#[test]
fn workbooks_are_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.xlsx");
    let b = dir.path().join("b.xlsx");
    for o in [&a, &b] {
        ok(&perfnorm(&[
            "convert",
            "samples/b01_huaian_tiyu_2022.xlsx",
            "-o",
            o.to_str().unwrap(),
        ]));
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

#[test]
fn schema_validates_every_golden_json() {
    let out = perfnorm(&["schema"]);
    ok(&out);
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut docs = Vec::new();
    json_files(&root().join("golden"), &mut docs);
    docs.sort();
    // Until goldens exist, the samples' own JSON stands in for them.
    if docs.is_empty() {
        let dir = tempfile::tempdir().unwrap();
        for s in GOLDEN_SAMPLES {
            let p = dir.path().join(format!("{}.json", name_of(s)));
            ok(&perfnorm(&["convert", s, "-o", p.to_str().unwrap()]));
            docs.push(p);
        }
        std::mem::forget(dir);
    }
    let mut failures = Vec::new();
    for d in &docs {
        let v: Value = serde_json::from_slice(&std::fs::read(d).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .take(3)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !errors.is_empty() {
            failures.push(format!("{}: {}", d.display(), errors.join("; ")));
        }
    }
    assert!(docs.len() >= 3);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The warehouse promise, checked: load the CSV set of several inputs into SQLite, join
/// indicators to tables, and get each table's indicator count as the JSON has it.
#[test]
fn csv_set_loads_into_sqlite_and_joins() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let inputs = [
        "samples/suzhou-2026-jiguan-gongwei.txt",
        "samples/b01_huaian_tiyu_2022.xlsx",
        "samples/multi_sheet_department.xlsx",
        "samples/c01_lianyungang_falv_yuanzhu_2024.tsv.txt",
    ];
    let mut args = vec!["convert"];
    args.extend(inputs);
    args.extend(["-t", "json,csv", "-d", out.to_str().unwrap(), "-q"]);
    ok(&perfnorm(&args));

    let mut expected: Vec<(String, i64)> = Vec::new();
    for i in inputs {
        let p = out.join(format!("{}.json", name_of(i)));
        let doc: Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        for (k, t) in doc["tables"].as_array().unwrap().iter().enumerate() {
            let n = t["indicators"].as_array().unwrap().len() as i64;
            // The JSON carries the CSV's id: 16 hex digits and the table's position.
            let id = t["table_id"].as_str().unwrap().to_string();
            assert!(id.ends_with(&format!("-{}", k + 1)), "{id}");
            expected.push((id, n));
        }
    }
    expected.sort();
    assert!(expected.len() >= 8, "the inputs hold several tables");

    let db = rusqlite::Connection::open_in_memory().unwrap();
    for f in CSV_FILES {
        let rows = read_csv(&out.join(format!("{f}.csv")));
        let header = &rows[0];
        let cols: Vec<String> = header.iter().map(|h| format!("\"{h}\" TEXT")).collect();
        db.execute(&format!("CREATE TABLE {f} ({})", cols.join(", ")), [])
            .unwrap();
        let marks = vec!["?"; header.len()].join(", ");
        let mut stmt = db
            .prepare(&format!("INSERT INTO {f} VALUES ({marks})"))
            .unwrap();
        for r in &rows[1..] {
            stmt.execute(rusqlite::params_from_iter(r.iter())).unwrap();
        }
    }
    let mut stmt = db
        .prepare(
            "SELECT t.table_id, COUNT(DISTINCT i.seq) FROM tables t \
             LEFT JOIN indicators i ON i.table_id = t.table_id \
             GROUP BY t.table_id ORDER BY t.table_id",
        )
        .unwrap();
    let got: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(got, expected);
    // Every indicator row belongs to a table: the key holds.
    let orphans: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM indicators WHERE table_id NOT IN (SELECT table_id FROM tables)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    // Amounts load as numbers.
    let total: f64 = db
        .query_row(
            "SELECT SUM(CAST(amount AS REAL)) FROM funds WHERE item = '资金总额' AND \"column\" = '全年预算数'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(total > 1212.0);
}

#[test]
fn csv_values_are_exact_unless_excel_safe_and_bom_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    let safe = dir.path().join("safe");
    let seed = "samples/suzhou-2026-jiguan-gongwei.txt";
    ok(&perfnorm(&[
        "convert",
        seed,
        "-t",
        "csv",
        "-d",
        plain.to_str().unwrap(),
    ]));
    ok(&perfnorm(&[
        "convert",
        seed,
        "-t",
        "csv",
        "--bom",
        "--excel-safe",
        "-d",
        safe.to_str().unwrap(),
    ]));
    let p = std::fs::read(plain.join("indicators.csv")).unwrap();
    let s = std::fs::read(safe.join("indicators.csv")).unwrap();
    assert!(p.starts_with(b"table_id,"));
    assert!(s.starts_with("\u{feff}table_id,".as_bytes()));
    let raw_col =
        |rows: &Vec<Vec<String>>| rows[0].iter().position(|h| h.ends_with("raw")).unwrap();
    let pr = read_csv(&plain.join("indicators.csv"));
    let sr = read_csv(&safe.join("indicators.csv"));
    assert!(pr.iter().any(|r| r[raw_col(&pr)] == "=0%"));
    assert!(sr.iter().any(|r| r[raw_col(&sr)] == "'=0%"));
    assert!(!sr.iter().any(|r| r[raw_col(&sr)] == "=0%"));
}

#[test]
fn several_formats_in_one_run_and_to_follows_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("seed.json");
    ok(&perfnorm(&[
        "convert",
        "samples/suzhou-2026-jiguan-gongwei.txt",
        "-t",
        "json,csv,xlsx,jsonl",
        "-o",
        o.to_str().unwrap(),
    ]));
    for f in [
        "seed.json",
        "seed.xlsx",
        "seed.jsonl",
        "seed.tables.csv",
        "seed.indicators.csv",
        "seed.funds.csv",
        "seed.fields.csv",
        "seed.diagnostics.csv",
    ] {
        assert!(dir.path().join(f).is_file(), "{f} written");
    }
    // No -t: the extension of -o says which format.
    let x = dir.path().join("only.xlsx");
    ok(&perfnorm(&[
        "convert",
        "samples/b01_huaian_tiyu_2022.xlsx",
        "-o",
        x.to_str().unwrap(),
    ]));
    assert!(std::fs::read(&x).unwrap().starts_with(b"PK"));
    // CSV cannot go to standard output: a usage error, not half the data.
    let out = perfnorm(&[
        "convert",
        "samples/b01_huaian_tiyu_2022.xlsx",
        "-t",
        "csv",
        "-o",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// `-o /dev/null` (a common way to just check an input) writes to the device: the atomic
/// rename must never replace a device file with a regular one.
#[test]
fn output_to_a_device_is_written_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    ok(&perfnorm(&[
        "convert",
        "samples/b01_huaian_tiyu_2022.xlsx",
        "-t",
        "json",
        "-o",
        "/dev/null",
    ]));
    let ft = std::fs::metadata("/dev/null").unwrap().file_type();
    assert!(ft.is_char_device(), "/dev/null is still a device");
}
