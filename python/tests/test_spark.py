"""examples/spark_convert.py on `local[2]` over the samples (and two files that cannot be
converted): its Parquet datasets hold the rows and ids of the CLI's Parquet set over the same
folder, and its failures table the failures of the CLI's report, with the same reasons."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import perfnorm
from conftest import ROOT, SAMPLES, run_cli

pytest.importorskip("pyspark")

EXAMPLE = ROOT / "examples" / "spark_convert.py"


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """The samples, a folder of files that fail (a broken PDF, an empty file), and a copy of a
    sample and an empty file under names with a space and Chinese characters."""
    root = tmp_path_factory.mktemp("archive") / "archive"
    shutil.copytree(SAMPLES, root)
    (root / "broken").mkdir()
    (root / "broken" / "bad.pdf").write_bytes(b"%PDF-1.7\ngarbage\n")
    (root / "broken" / "empty.txt").write_bytes(b"")
    # Names Spark's listing escapes in URIs (a space, Chinese): ids and failures must not care.
    (root / "部门 2024").mkdir()
    sample = SAMPLES / "suzhou-2026-jiguan-gongwei.txt"
    shutil.copy(sample, root / "部门 2024" / "机关 工委.txt")
    (root / "部门 2024" / "空 文件.txt").write_bytes(b"")
    return root


@pytest.fixture(scope="module")
def cli_out(cli, archive, tmp_path_factory) -> Path:
    """The CLI's Parquet set and report over the archive."""
    out = tmp_path_factory.mktemp("cli") / "out"
    done = run_cli(cli, "convert", str(archive), "-d", str(out), "-t", "parquet", "-q")
    assert done.returncode == 1, done.stderr.decode()  # the broken files fail
    return out


@pytest.fixture(scope="module")
def spark_out(archive, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("spark") / "out"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), str(archive), str(out), "--master", "local[2]"],
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
def test_spark_output_equals_the_cli_parquet_set(cli_out, spark_out, name):
    expected = pq.read_table(cli_out / f"{name}.parquet")
    got = read_dataset(spark_out / name, expected.schema.remove_metadata())
    assert got.num_rows == expected.num_rows
    assert sorted_rows(got) == sorted_rows(expected)


def test_ids_are_the_cli_ids(cli_out, spark_out):
    schema = pq.read_schema(cli_out / "tables.parquet").remove_metadata()
    got = read_dataset(spark_out / "tables", schema).column("table_id").to_pylist()
    expected = pq.read_table(cli_out / "tables.parquet").column("table_id").to_pylist()
    assert sorted(got) == sorted(expected)
    assert len(set(got)) == len(got)


def test_the_partitions_are_the_archive_folders(spark_out):
    folders = {p.name for p in (spark_out / "tables").iterdir() if p.is_dir()}
    assert {"archive_folder=layouts", "archive_folder=real", "archive_folder=pdf"} <= folders


def test_failures_are_rows_as_the_cli_reports_them(cli_out, spark_out):
    failures = ds.dataset(spark_out / "failures", format="parquet", partitioning="hive")
    rows = failures.to_table().to_pylist()
    got = {r["path"].removeprefix("file:"): r["reason"] for r in rows}
    report = json.loads((cli_out / "report.json").read_text(encoding="utf-8"))
    expected = {f["file"]: f["reason"] for f in report["failures"]}
    assert got == expected
    reasons = set(expected.values())
    assert "the file is empty" in reasons
    assert "no performance target table was found" in reasons
    assert any(r.startswith("cannot read the PDF") for r in reasons)
    assert {r["archive_folder"] for r in rows} >= {"broken", "layouts", "部门 2024"}
