//! The `perfnorm` Python module: the Rust library's conversion behind two functions.
//!
//! `convert` returns the contract's JSON document as a dict, byte for byte the CLI's JSON
//! (the library writes it, Python's `json` module reads it). `tidy` returns the tidy tables of
//! the CSV and Parquet sets (`perfnorm::write::tidy`) as pyarrow Tables, built as Arrow arrays
//! in Rust and handed to pyarrow through the Arrow C data interface, no copy through text.
//! Converting (reading, normalizing, building the arrays) runs with the GIL released, so
//! Python threads convert in parallel. A file that cannot be converted raises `ConvertError`
//! carrying the file and the reason.

use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, StringArray, StructArray};
use arrow_data::ffi::FFI_ArrowArray;
use arrow_schema::Field;
use arrow_schema::ffi::FFI_ArrowSchema;
use perfnorm::ingest::{InputFormat, ReadOptions};
use perfnorm::internals::{STDIN_NAME, Watchdog, parse_encoding};
use perfnorm::write::tidy::{self, Kind, Value};
use perfnorm::{ConvertOptions, Document, Error};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList};
use std::path::{Path, PathBuf};
use std::sync::Arc;

create_exception!(
    perfnorm,
    ConvertError,
    PyException,
    "A file perfnorm could not convert. `file` is the input's name (the path given, the `name=` \
     of bytes, or `-`), `reason` why it failed (`the file is empty`, `limit exceeded: …`); \
     `str(e)` is `file: reason`, as the CLI prints it."
);

/// An input as Python gave it: a path to read, or the bytes themselves.
enum Input {
    Path(PathBuf),
    Bytes(Vec<u8>),
}

/// The options shared by `convert` and `tidy`, resolved from their keyword arguments.
struct Options {
    convert: ConvertOptions,
    /// `source.file` of bytes (also used to detect the format by its extension).
    name: Option<String>,
    /// `source.relative_path`, which the table ids hash (see `perfnorm::write::tidy::table_id`).
    relative_path: Option<String>,
}

/// The name standard input gets in the CLI's documents; bytes without `name=` get the same,
/// so `convert(data)` equals `perfnorm convert - -o -` over the same bytes.
const STDIN_FILE: &str = "-";
const STDIN_RELATIVE: &str = STDIN_NAME;

/// Take `bytes` or `bytearray` (copied once: the conversion runs on a worker thread of its
/// own, under the per-file time limit and without the GIL, while Python may change a
/// bytearray), or a path (`str` or `os.PathLike`).
fn input(source: &Bound<'_, PyAny>) -> PyResult<Input> {
    if let Ok(b) = source.cast::<PyBytes>() {
        return Ok(Input::Bytes(b.as_bytes().to_vec()));
    }
    if let Ok(b) = source.cast::<PyByteArray>() {
        return Ok(Input::Bytes(b.to_vec()));
    }
    match source.extract::<PathBuf>() {
        Ok(p) => Ok(Input::Path(p)),
        Err(_) => Err(PyTypeError::new_err(format!(
            "perfnorm takes a path (str or os.PathLike) or bytes, not {}",
            source.get_type().name()?
        ))),
    }
}

/// The options from the keyword arguments; a bad `format` or `encoding` is a ValueError.
fn options(
    format: Option<&str>,
    encoding: Option<&str>,
    include_hidden: bool,
    name: Option<String>,
    relative_path: Option<String>,
) -> PyResult<Options> {
    let from = match format {
        None => None,
        Some(f) => Some(InputFormat::parse(f).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown input format {f:?} (xlsx, xls, xlsb, ods, pdf, text)"
            ))
        })?),
    };
    let encoding = match encoding {
        None => None,
        Some(e) => parse_encoding(e).map_err(|e| PyValueError::new_err(e.to_string()))?,
    };
    Ok(Options {
        convert: ConvertOptions {
            from,
            read: ReadOptions {
                encoding,
                include_hidden,
                ..ReadOptions::default()
            },
        },
        name,
        relative_path,
    })
}

/// Convert one input as the CLI does for one file: a path is read within the limits and the
/// per-file time limit; bytes are converted under the per-file time limit. No Python here:
/// it runs with the GIL released.
fn document(input: Input, o: &Options) -> Result<Document, Error> {
    let mut doc = match input {
        Input::Path(p) => perfnorm::convert_file(&p, &o.convert)?,
        Input::Bytes(bytes) => {
            let file = PathBuf::from(o.name.as_deref().unwrap_or(STDIN_FILE));
            let dog = Watchdog::start(&file, o.convert.read.limits.time_per_file);
            let opts = o.convert.clone();
            let mut doc = dog.run(move || perfnorm::convert_bytes(&file, &bytes, &opts))?;
            if o.name.is_none() {
                doc.source.relative_path = Some(STDIN_RELATIVE.to_string());
            }
            doc
        }
    };
    if let Some(rel) = &o.relative_path {
        doc.source.relative_path = Some(rel.replace('\\', "/"));
    }
    Ok(doc)
}

/// A library error as `ConvertError` (with `file` and `reason`), or ValueError for a usage
/// error.
fn py_err(py: Python<'_>, e: Error) -> PyErr {
    let (file, reason) = match &e {
        Error::Ingest { file, source } => (file.as_path(), source.to_string()),
        Error::Write { file, source } => (file.as_path(), source.to_string()),
        Error::Usage(m) => return PyValueError::new_err(m.clone()),
    };
    let err = ConvertError::new_err(e.to_string());
    let value = err.value(py);
    // Setting attributes on a fresh exception instance cannot fail in practice; if it ever
    // did, the message still names the file and the reason.
    let _ = value.setattr("file", display(file));
    let _ = value.setattr("reason", reason);
    err
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The JSON document of `doc`, as Python objects (`json.loads` of the CLI's bytes).
fn json_dict<'py>(py: Python<'py>, bytes: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let text = std::str::from_utf8(bytes).map_err(|e| PyValueError::new_err(e.to_string()))?;
    py.import("json")?.call_method1("loads", (text,))
}

/// One tidy table as one Arrow struct array: a field per column, typed by `tidy::Kind` as the
/// Parquet set is (the form of a record batch in the C data interface).
struct ArrowTable {
    name: &'static str,
    batch: StructArray,
}

/// The Arrow column of cells `c` of `rows`, read by the same rule as the Parquet writer
/// (`Value::as_text`, `as_int`, `as_double`: empty text is null).
fn arrow_column(rows: &[Vec<Value>], c: usize, kind: Kind) -> ArrayRef {
    let cells = || rows.iter().map(move |r| r.get(c));
    match kind {
        Kind::Text => Arc::new(StringArray::from_iter(
            cells().map(|v| v.and_then(Value::as_text)),
        )),
        Kind::Int => Arc::new(Int64Array::from_iter(
            cells().map(|v| v.and_then(Value::as_int)),
        )),
        Kind::Double => Arc::new(Float64Array::from_iter(
            cells().map(|v| v.and_then(Value::as_double)),
        )),
    }
}

/// The tidy tables of `docs`, in the order of the CSV and Parquet sets (no document: the
/// tables empty, for their schemas).
fn arrow_tables(docs: &[Document]) -> Vec<ArrowTable> {
    let mut rows: [Vec<Vec<Value>>; tidy::COUNT] = Default::default();
    for doc in docs {
        for (all, more) in rows.iter_mut().zip(tidy::rows(doc)) {
            all.extend(more);
        }
    }
    tidy::TABLES
        .iter()
        .zip(rows)
        .map(|(t, rows)| {
            let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = t
                .columns()
                .into_iter()
                .enumerate()
                .map(|(c, (name, kind))| {
                    let array = arrow_column(&rows, c, kind);
                    (Field::new(name, array.data_type().clone(), true), array)
                })
                .unzip();
            ArrowTable {
                name: t.name(),
                batch: StructArray::new(fields.into(), arrays, None),
            }
        })
        .collect()
}

/// A `pyarrow.Table` of `t`, moved through the C data interface as one record batch: pyarrow
/// takes over the buffers (and their release), nothing is copied; one hand-over per table
/// rather than per column keeps the time spent holding the GIL small.
fn to_pyarrow_table<'py>(pa: &Bound<'py, PyModule>, t: &ArrowTable) -> PyResult<Bound<'py, PyAny>> {
    let data = t.batch.to_data();
    let c_array = FFI_ArrowArray::new(&data);
    let c_schema = FFI_ArrowSchema::try_from(data.data_type())
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    // pyarrow moves both structs out (marking them released), so their Drop frees nothing
    // twice; they stay alive here until the call returns.
    let batch = pa.getattr("RecordBatch")?.call_method1(
        "_import_from_c",
        (&raw const c_array as usize, &raw const c_schema as usize),
    )?;
    pa.getattr("Table")?
        .call_method1("from_batches", (PyList::new(pa.py(), [batch])?,))
}

/// Convert one input to the perfnorm contract's JSON document (a dict).
///
/// `source` is a path (str or os.PathLike) or the file's bytes. The dict equals what
/// `perfnorm convert FILE -o -` writes for that file (for bytes without `name`: what
/// `perfnorm convert - -o -` writes for them on standard input).
///
/// Keyword arguments, as the CLI's flags:
///   format: the input format (`--from`): xlsx, xls, xlsb, ods, pdf or text; None detects it
///     from the content, then the extension.
///   encoding: the text encoding (`--encoding`): auto, utf-8, gb18030 or utf-16; None is auto.
///   include_hidden: read hidden rows and columns of a workbook as ordinary cells
///     (`--include-hidden`).
///   name: for bytes, the file name to report as `source.file` (and to detect the format by
///     its extension); None reports `-`, as standard input.
///   relative_path: the path below the archive folder the file was found in, which the table
///     ids hash: give it to get the same ids as `perfnorm convert ARCHIVE/ …` (the default is
///     the file name, as the CLI gives a file named on its command line).
///
/// An input with no table is not an error: its document has no table and a `no_table` error
/// diagnostic, as the CLI writes it. Raises ConvertError (with `file` and `reason`) when the
/// input cannot be read (missing, empty, unknown format, broken, over a limit); ValueError
/// for an unknown `format` or `encoding`. The GIL is released while converting.
#[pyfunction]
#[pyo3(signature = (source, *, format=None, encoding=None, include_hidden=false, name=None, relative_path=None))]
fn convert<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    format: Option<&str>,
    encoding: Option<&str>,
    include_hidden: bool,
    name: Option<String>,
    relative_path: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let input = input(source)?;
    let o = options(format, encoding, include_hidden, name, relative_path)?;
    let json = py.detach(|| {
        let doc = document(input, &o)?;
        perfnorm::write::json::to_bytes(&doc)
            .map_err(|e| Error::write(PathBuf::from(&doc.source.file), e))
    });
    let json = json.map_err(|e| py_err(py, e))?;
    json_dict(py, &json)
}

/// Convert one input to the tidy tables of the CSV and Parquet sets, as pyarrow Tables.
///
/// Returns a dict of `tables`, `fields`, `funds`, `indicators`, `attributes` and
/// `diagnostics` (the order of the sets), each a pyarrow.Table with the columns of the CSV
/// set in its order and the types of the Parquet set: text as string, seq, year, level,
/// source_page and source_line as int64, amounts, number, min, max, weight and score as
/// float64; every column nullable, an empty cell (or empty text) null. The rows and ids are
/// those `perfnorm convert FILE -t csv` (or `-t parquet`) writes for the file; concatenating
/// the tables of several files gives the set of a run over them.
///
/// Takes the same arguments and raises the same errors as `convert`. The arrays are built in
/// Rust and handed to pyarrow through the Arrow C data interface; the GIL is released while
/// converting and building them.
#[pyfunction]
#[pyo3(name = "tidy", signature = (source, *, format=None, encoding=None, include_hidden=false, name=None, relative_path=None))]
fn tidy_tables<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    format: Option<&str>,
    encoding: Option<&str>,
    include_hidden: bool,
    name: Option<String>,
    relative_path: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let input = input(source)?;
    let o = options(format, encoding, include_hidden, name, relative_path)?;
    let pa = py.import("pyarrow")?;
    let tables = py
        .detach(|| document(input, &o).map(|doc| arrow_tables(&[doc])))
        .map_err(|e| py_err(py, e))?;
    let out = PyDict::new(py);
    for t in &tables {
        out.set_item(t.name, to_pyarrow_table(&pa, t)?)?;
    }
    Ok(out)
}

/// The schema of each tidy table, as `tidy` types them: a dict of the table names (in the
/// order of the CSV and Parquet sets) to `pyarrow.Schema`s. For declaring outputs before any
/// file is converted (a Spark job's schema, a warehouse's `CREATE TABLE`).
#[pyfunction]
fn tidy_schemas(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let pa = py.import("pyarrow")?;
    let out = PyDict::new(py);
    for t in arrow_tables(&[]) {
        out.set_item(t.name, to_pyarrow_table(&pa, &t)?.getattr("schema")?)?;
    }
    Ok(out)
}

/// perfnorm converts Chinese budget performance target tables (预算绩效目标表) from PDF,
/// workbooks and extracted text into normalized data: `convert` gives the contract's JSON
/// document, `tidy` the tidy tables as pyarrow Tables. Both release the GIL while converting.
#[pymodule]
#[pyo3(name = "perfnorm")]
fn perfnorm_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(convert, m)?)?;
    m.add_function(wrap_pyfunction!(tidy_tables, m)?)?;
    m.add_function(wrap_pyfunction!(tidy_schemas, m)?)?;
    m.add("ConvertError", m.py().get_type::<ConvertError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let names: Vec<&str> = tidy::TABLES.iter().map(|t| t.name()).collect();
    m.add("TIDY_TABLES", names)?;
    Ok(())
}
