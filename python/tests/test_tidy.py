"""`perfnorm.tidy` gives the CLI's tidy tables: the CSV set's columns and rows, the Parquet
set's types, over every sample."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Dict, List

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import perfnorm
from conftest import SAMPLES, sample_files

#: The Arrow type of each typed column (every other column is text), as tidy.rs types it.
INTS = {"seq", "year", "level", "source_page", "source_line"}
DOUBLES = {"amount", "number", "min", "max", "weight", "score"}


@pytest.fixture(scope="module")
def tidy_set() -> Dict[str, pa.Table]:
    """tidy() of every sample, concatenated in the CLI's order, as the CLI's run over the
    folder (same source_file, same path below the folder); failing files left out, as the
    CLI's sets leave them."""
    parts: Dict[str, List[pa.Table]] = {}
    for path in sample_files():
        try:
            tables = perfnorm.tidy(
                str(path), relative_path=path.relative_to(SAMPLES).as_posix()
            )
        except perfnorm.ConvertError:
            continue
        for name, table in tables.items():
            parts.setdefault(name, []).append(table)
    return {name: pa.concat_tables(ts) for name, ts in parts.items()}


def test_the_tables_are_the_sets_tables():
    assert perfnorm.TIDY_TABLES == [
        "tables",
        "fields",
        "funds",
        "indicators",
        "attributes",
        "diagnostics",
    ]
    assert list(perfnorm.tidy_schemas()) == perfnorm.TIDY_TABLES


def test_columns_are_typed_as_the_parquet_set(tidy_set):
    for name, schema in perfnorm.tidy_schemas().items():
        assert tidy_set[name].schema == schema, name
        for field in schema:
            expected = (
                pa.int64()
                if field.name in INTS
                else pa.float64()
                if field.name in DOUBLES
                else pa.string()
            )
            assert field.type == expected, (name, field.name)
            assert field.nullable


def csv_rows(path: Path) -> List[List[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def typed(cell: str, arrow_type: pa.DataType):
    """A CSV cell as the value the Arrow column should hold (empty: null)."""
    if cell == "":
        return None
    if arrow_type == pa.int64():
        return int(cell)
    if arrow_type == pa.float64():
        return float(cell)
    return cell


@pytest.mark.parametrize("name", perfnorm.TIDY_TABLES)
def test_tidy_equals_the_csv_set(cli_sets, tidy_set, name):
    header, *rows = csv_rows(cli_sets / f"{name}.csv")
    table = tidy_set[name]
    assert table.column_names == header
    assert table.num_rows == len(rows)
    assert table.num_rows > 0, name
    types = [f.type for f in table.schema]
    expected = [[typed(c, t) for c, t in zip(row, types)] for row in rows]
    got = [list(r.values()) for r in table.to_pylist()]
    assert got == expected


@pytest.mark.parametrize("name", perfnorm.TIDY_TABLES)
def test_tidy_equals_the_parquet_set(cli_sets, tidy_set, name):
    written = pq.read_table(cli_sets / f"{name}.parquet")
    assert written.schema.remove_metadata() == tidy_set[name].schema
    assert written.equals(tidy_set[name])


def test_no_copy_through_text(tidy_set):
    """Numbers arrive as numbers, not as strings to parse: the amounts sum as doubles."""
    amounts = tidy_set["funds"].column("amount")
    assert amounts.type == pa.float64()
    assert pa.compute.sum(amounts).as_py() > 0
