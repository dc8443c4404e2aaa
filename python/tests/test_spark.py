"""examples/spark_convert.py on `local[2]` over samples/: its Parquet datasets hold the rows and
ids of the CLI's Parquet set over the same folder, and its failures table the CLI's failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import perfnorm
from conftest import ROOT, SAMPLES

pytest.importorskip("pyspark")

EXAMPLE = ROOT / "examples" / "spark_convert.py"


@pytest.fixture(scope="module")
def spark_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("spark") / "out"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), str(SAMPLES), str(out), "--master", "local[2]"],
        env=env,
        capture_output=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-5000:]
    return out


def read_dataset(path: Path, schema: pa.Schema) -> pa.Table:
    """A partitioned dataset Spark wrote, with the table's own columns in its order."""
    table = ds.dataset(path, format="parquet", partitioning="hive").to_table()
    return table.select(schema.names).cast(schema)


def sorted_rows(table: pa.Table):
    """The rows in one order (Spark writes them in none): nulls and values of any type sort."""

    def key(row):
        return tuple((v is None, "" if v is None else repr(v)) for v in row)

    return sorted((tuple(r.values()) for r in table.to_pylist()), key=key)


@pytest.mark.parametrize("name", perfnorm.TIDY_TABLES)
def test_spark_output_equals_the_cli_parquet_set(cli_sets, spark_out, name):
    expected = pq.read_table(cli_sets / f"{name}.parquet")
    got = read_dataset(spark_out / name, expected.schema.remove_metadata())
    assert got.num_rows == expected.num_rows
    assert sorted_rows(got) == sorted_rows(expected)


def test_ids_are_the_cli_ids(cli_sets, spark_out):
    schema = pq.read_schema(cli_sets / "tables.parquet").remove_metadata()
    got = read_dataset(spark_out / "tables", schema).column("table_id").to_pylist()
    expected = pq.read_table(cli_sets / "tables.parquet").column("table_id").to_pylist()
    assert sorted(got) == sorted(expected)
    assert len(set(got)) == len(got)


def test_the_partitions_are_the_archive_folders(spark_out):
    folders = {p.name for p in (spark_out / "tables").iterdir() if p.is_dir()}
    assert {"archive_folder=layouts", "archive_folder=real", "archive_folder=pdf"} <= folders


def test_failures_are_rows_as_the_cli_reports_them(cli_sets, spark_out):
    failures = ds.dataset(spark_out / "failures", format="parquet", partitioning="hive")
    got = {r["relative_path"]: r["reason"] for r in failures.to_table().to_pylist()}
    report = json.loads((cli_sets / "report.json").read_text(encoding="utf-8"))
    failed = {
        Path(i["file"]).relative_to(SAMPLES).as_posix()
        for i in report["inputs"]
        if i["status"] == "failed"
    }
    assert set(got) == failed
    assert failed, "the samples hold a file with no table"
    assert all(got.values())
