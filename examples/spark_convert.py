#!/usr/bin/env python3
"""Convert an archive of budget performance target tables on Spark, with the perfnorm package.

    spark-submit examples/spark_convert.py s3a://bucket/archive s3a://bucket/perfnorm-out
    python examples/spark_convert.py samples/ out/ --master 'local[2]'     # one machine

The archive is read with `spark.read.format("binaryFile")` (recursively, only the files the CLI's
folder walk takes: .pdf .xlsx .xlsm .xls .xlsb .ods .txt .tsv .csv .md .html .htm, in any case);
each file is converted by `perfnorm.tidy` inside `mapInArrow`, so the work spreads over every
executor core and the tables go from Rust to Spark as Arrow, never as text. The tidy tables are
written as Parquet datasets `OUT/tables`, `OUT/fields`, `OUT/funds`, `OUT/indicators`,
`OUT/attributes` and `OUT/diagnostics`, partitioned by `archive_folder` (the first folder below
the archive: `2024` for `2024/局/a.pdf`; null for files at the top), plus `OUT/failures`.

Their rows and ids equal those of `perfnorm convert ARCHIVE/ -d OUT -t parquet` over the same
files (the table ids hash each file's path below the archive, so both compute the same ids);
`source_file` is the path Spark lists (a local file as its plain absolute path, as the CLI gives
it when the archive is named by its absolute path; elsewhere the URI, `s3a://…`).

A file that cannot be converted never fails the job: it becomes a row of `OUT/failures` (path,
relative_path, reason), as the CLI lists it in report.json — files perfnorm cannot read
(`ConvertError`), files with no table (whose `no_table` diagnostic is in `diagnostics` too, as
in the CLI's set), empty files (which Spark lists but never reads; found by comparing the
listing with the converted files), and any other error of the conversion.

Every executor needs the perfnorm package (`pip install ./python`, or the wheel `maturin build`
makes, in the executors' Python environment), pyarrow, and pandas (pyspark's `mapInArrow`
requires it, though nothing here uses it). `mapInArrow` needs Spark 3.3 or later; CI runs it
with pyspark 4.3. Spark's listing leaves out files and folders whose names start with `_` or
`.`; the CLI leaves out only those starting with `.`.
"""

from __future__ import annotations

import argparse
from typing import Dict, Iterator, List, Optional
from urllib.parse import unquote, urlsplit

import pyarrow as pa

import perfnorm

#: The file extensions the CLI's folder walk converts (perfnorm's `InputFormat::EXTENSIONS`).
EXTENSIONS = ["xlsx", "xlsm", "xls", "xlsb", "ods", "pdf", "txt", "tsv", "csv", "md", "html", "htm"]

#: The table of files that failed, beside the tidy tables.
FAILURES = "failures"
FAILURE_SCHEMA = pa.schema(
    [("path", pa.string()), ("relative_path", pa.string()), ("reason", pa.string())]
)

#: The partition column added to every output table.
PARTITION = "archive_folder"

#: The column naming each converted row's file (as the binaryFile source lists it).
LISTED = "listed_path"

#: The CLI's reason for an empty file; Spark lists empty files but never reads them.
EMPTY = "the file is empty"

#: Files per Arrow batch handed to a Python worker: whole files travel in a batch, so a small
#: number keeps an executor's memory bounded when the archive holds large PDFs.
FILES_PER_BATCH = 16


def path_glob(extensions: List[str]) -> str:
    """A Hadoop glob taking file names that end in one of `extensions`, in any letter case
    (`*.{[pP][dD][fF],…}`), as the CLI compares extensions case-insensitively."""
    def any_case(ext: str) -> str:
        return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in ext)

    return "*.{" + ",".join(any_case(e) for e in extensions) + "}"


def qualified(spark, path: str) -> str:
    """`path` as the binaryFile source lists it (`file:/abs/archive`, `s3a://bucket/archive`),
    through Hadoop's own FileSystem, so the path below the archive is a plain prefix cut. A
    Spark Connect session has no JVM to ask: there the archive must be a full URI."""
    try:
        jvm = spark.sparkContext._jvm
        conf = spark.sparkContext._jsc.hadoopConfiguration()
    except Exception:  # noqa: BLE001 -- Spark Connect: no SparkContext on the client
        if ":" not in path.split("/", 1)[0]:
            raise SystemExit(
                f"{path}: with Spark Connect, name the archive by its full URI "
                "(s3a://bucket/archive, file:/abs/archive)"
            ) from None
        return listed_path(path).rstrip("/")
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    return hpath.getFileSystem(conf).makeQualified(hpath).toString().rstrip("/")


def relative(path: str, root: str) -> str:
    """The path of a listed file below the archive root (`2024/局/a.pdf`), which table ids hash."""
    if path.startswith(root + "/"):
        return path[len(root) + 1 :]
    return path.rsplit("/", 1)[-1]


def source_file(path: str) -> str:
    """The name perfnorm reports for a listed file: local files as plain absolute paths (as the
    CLI names them), anything else as its URI."""
    if path.startswith("file://"):
        return path[len("file://") :]
    if path.startswith("file:"):
        return path[len("file:") :]
    return path


def listed_path(uri: str) -> str:
    """A URI from `DataFrame.inputFiles()` (`file:///a/%E5%B1%80.pdf`) in the form of the
    binaryFile `path` column (`file:/a/局.pdf`), as Hadoop's Path prints it."""
    u = urlsplit(uri)
    authority = f"//{u.netloc}" if u.netloc else ""
    return f"{u.scheme}:{authority}{unquote(u.path)}"


def archive_folder(rel: str) -> Optional[str]:
    """The first folder below the archive (the partition), None for a file at the top."""
    return rel.split("/", 1)[0] if "/" in rel else None


def output_schema(schemas: Dict[str, pa.Schema]) -> pa.Schema:
    """The one schema `mapInArrow` yields: which table a row belongs to, its file, its
    partition, and one struct column per table (tidy tables and failures), null except on that
    table's rows."""
    fields = [
        pa.field("tidy_table", pa.string()),
        pa.field(LISTED, pa.string()),
        pa.field(PARTITION, pa.string()),
    ]
    for name, schema in schemas.items():
        fields.append(pa.field(name, pa.struct(list(schema))))
    return pa.schema(fields)


def convert_file(path: str, content: bytes, root: str) -> Dict[str, pa.Table]:
    """The tidy tables of one file with its path and partition columns, and its failure row if
    it has one. Never raises: any error of the conversion is the file's failure."""
    rel = relative(path, root)
    failure = None
    tables: Dict[str, pa.Table] = {}
    try:
        tables = perfnorm.tidy(content, name=source_file(path), relative_path=rel)
        if tables["tables"].num_rows == 0:
            # As the CLI's report: converted, but no table found (its diagnostics stay).
            failure = "no performance target table was found"
    except perfnorm.ConvertError as e:
        failure = e.reason
    except Exception as e:  # noqa: BLE001 -- one bad file must never fail the job
        failure = f"{type(e).__name__}: {e}"
    if failure is not None:
        tables[FAILURES] = pa.table(
            {"path": [path], "relative_path": [rel], "reason": [failure]}, schema=FAILURE_SCHEMA
        )
    folder = archive_folder(rel)
    return {
        name: t.append_column(LISTED, pa.array([path] * t.num_rows, pa.string())).append_column(
            PARTITION, pa.array([folder] * t.num_rows, pa.string())
        )
        for name, t in tables.items()
    }


def output_batch(name: str, table: pa.Table, out: pa.Schema) -> pa.RecordBatch:
    """The rows of one table as a batch of the output schema: its struct column filled, the
    other tables' struct columns null."""
    n = table.num_rows
    data = table.drop_columns([LISTED, PARTITION]).combine_chunks()
    columns = [
        pa.array([name] * n, pa.string()),
        table.column(LISTED).combine_chunks(),
        table.column(PARTITION).combine_chunks(),
    ]
    for field in out:
        if field.name in ("tidy_table", LISTED, PARTITION):
            continue
        if field.name == name:
            columns.append(
                pa.StructArray.from_arrays(
                    [c.combine_chunks() for c in data.columns], fields=list(field.type)
                )
            )
        else:
            columns.append(pa.nulls(n, field.type))
    return pa.RecordBatch.from_arrays(columns, schema=out)


def convert_batches(
    batches: Iterator[pa.RecordBatch], root: str, out: pa.Schema
) -> Iterator[pa.RecordBatch]:
    """The `mapInArrow` function: the files of each input batch converted, one output batch
    per table."""
    for batch in batches:
        collected: Dict[str, List[pa.Table]] = {}
        paths = batch.column("path").to_pylist()
        contents = batch.column("content")
        for i, path in enumerate(paths):
            content = contents[i].as_py() or b""
            for name, table in convert_file(path, content, root).items():
                collected.setdefault(name, []).append(table)
        for name, tables in collected.items():
            table = pa.concat_tables(tables)
            if table.num_rows:
                yield output_batch(name, table, out)


def run(spark, archive: str, out: str) -> None:
    """Convert every file of `archive` and write the tables under `out`."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    root = qualified(spark, archive)
    schemas = dict(perfnorm.tidy_schemas())
    schemas[FAILURES] = FAILURE_SCHEMA
    out_schema = output_schema(schemas)
    files = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", path_glob(EXTENSIONS))
        .load(root)
        .select("path", "content")
    )
    converted = files.mapInArrow(
        lambda batches: convert_batches(batches, root, out_schema),
        spark_schema(out_schema),
    )
    # Each file is converted once; the writes below read the converted rows back.
    converted = converted.persist(StorageLevel.MEMORY_AND_DISK)
    for name in schemas:
        rows = converted.where(F.col("tidy_table") == name).select(f"{name}.*", PARTITION)
        if name == FAILURES:
            rows = rows.unionByName(empty_files(spark, files, converted, root))
        rows.write.mode("overwrite").partitionBy(PARTITION).parquet(f"{out.rstrip('/')}/{name}")
    converted.unpersist()


def empty_files(spark, files, converted, root: str):
    """Failure rows for the listed files that were never converted. Spark's file scan skips
    files of length zero, so they reach no Python worker; the CLI fails them as empty, and so
    does this job. (Every file that is read gives at least one row: a table or a failure.)"""
    from pyspark.sql import functions as F

    rows = []
    for uri in files.inputFiles():
        path = listed_path(uri)
        rel = relative(path, root)
        rows.append((path, rel, EMPTY, archive_folder(rel)))
    listed = spark.createDataFrame(
        rows, f"path string, relative_path string, reason string, {PARTITION} string"
    )
    seen = converted.select(F.col(LISTED).alias("path")).distinct()
    return listed.join(seen, "path", "left_anti")


def spark_schema(schema: pa.Schema):
    """The Spark schema of an Arrow schema."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "archive", help="the archive folder (a local path or a URI: s3a://, hdfs://, …)"
    )
    parser.add_argument("out", help="the output folder (one Parquet dataset per table)")
    parser.add_argument(
        "--master", help="Spark master when run without spark-submit, e.g. local[2]"
    )
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("perfnorm-convert").config(
        "spark.sql.execution.arrow.maxRecordsPerBatch", str(FILES_PER_BATCH)
    )
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        run(spark, args.archive, args.out)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
