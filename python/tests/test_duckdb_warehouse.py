"""DuckDB loads a sharded run over an archive that holds the same files twice (issue 16).

The CLI alone, no Python package: an archive folder holds every sample twice (samples/ copied
whole to two folders) and one workbook a third time; `perfnorm convert ARCHIVE --shard K/3`
writes three shard folders with the JSON, CSV and Parquet sets. DuckDB then loads the Parquet
sets and, separately, the CSV sets of the three shards into tables whose `table_id` is the
PRIMARY KEY (the other tables reference it): an id that two shards or two copies share fails
the INSERT. The two loads must hold the same rows, and as many tables and indicators as the
JSON documents of the run. `test_a_duplicated_table_id_fails_the_load` shows that the same
load refuses an id given twice.

Skipped with a message where the `duckdb` package is not installed (.ci/run installs it).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest

from conftest import SAMPLES, run_cli

duckdb = pytest.importorskip(
    "duckdb", reason="the duckdb Python package is not installed (pip install duckdb)"
)

SHARDS = 3
#: The tidy tables of a run, `tables` first: the others reference its table_id.
TIDY = ["tables", "fields", "funds", "indicators", "attributes", "diagnostics"]
#: The workbook the archive holds a third time, under another name.
B01 = SAMPLES / "b01_huaian_tiyu_2022.xlsx"


def sql_list(paths: Sequence[Path]) -> str:
    """A DuckDB list literal of file names."""
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def schema(con, parquet: Sequence[Path]) -> List[Tuple[str, str]]:
    """(column, type) of a tidy table as its Parquet files type it."""
    rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({sql_list(parquet)})").fetchall()
    return [(r[0], r[1]) for r in rows]


def create(con, prefix: str, table: str, columns: List[Tuple[str, str]]) -> str:
    """CREATE TABLE prefix_table with table_id as the primary key of `tables` and a foreign
    key to it everywhere else; returns the table's name."""
    name = f"{prefix}_{table}"
    cols = [f'"{c}" {t}' for c, t in columns]
    if table == "tables":
        cols.append("PRIMARY KEY (table_id)")
    else:
        cols.append(f"FOREIGN KEY (table_id) REFERENCES {prefix}_tables (table_id)")
    con.execute(f"CREATE TABLE {name} ({', '.join(cols)})")
    return name


def insert(con, name: str, files: Sequence[Path], fmt: str) -> None:
    """INSERT the files into the table: Parquet as typed; CSV read as text (each file's header
    skipped, an empty cell null) and cast to the table's types by the INSERT."""
    if fmt == "parquet":
        source = f"read_parquet({sql_list(files)})"
    else:
        source = f"read_csv({sql_list(files)}, header = true, all_varchar = true)"
    con.execute(f"INSERT INTO {name} SELECT * FROM {source}")


def load_sets(con, prefix: str, shards: Sequence[Path], fmt: str) -> None:
    """Load the six tidy tables of every shard's set, in the given format, under `prefix`."""
    for table in TIDY:
        columns = schema(con, [s / f"{table}.parquet" for s in shards])
        name = create(con, prefix, table, columns)
        insert(con, name, [s / f"{table}.{fmt}" for s in shards], fmt)


def count(con, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


@pytest.fixture(scope="session")
def archive(tmp_path_factory) -> Path:
    """samples/ twice (a/ and b/) and b01 a third time as c/copy.xlsx: same bytes, other paths."""
    root = tmp_path_factory.mktemp("archive")
    shutil.copytree(SAMPLES, root / "a")
    shutil.copytree(SAMPLES, root / "b")
    (root / "c").mkdir()
    shutil.copy(B01, root / "c" / "copy.xlsx")
    return root


@pytest.fixture(scope="session")
def shards(cli: Path, archive: Path, tmp_path_factory) -> List[Path]:
    """`perfnorm convert ARCHIVE --shard K/3 -t json,csv,parquet`, each into its own folder."""
    out = tmp_path_factory.mktemp("shards")
    folders = []
    for k in range(1, SHARDS + 1):
        d = out / f"shard-{k}"
        done = run_cli(
            cli, "convert", str(archive), "-d", str(d), "-t", "json,csv,parquet",
            "--shard", f"{k}/{SHARDS}", "-q",
        )  # fmt: skip
        # Exit status 1 is a sample that fails on purpose (no table); the sets hold the rest.
        assert done.returncode in (0, 1), done.stderr.decode()
        for t in TIDY:
            for ext in ("csv", "parquet"):
                assert (d / f"{t}.{ext}").is_file(), f"{d}/{t}.{ext}: {done.stderr.decode()}"
        folders.append(d)
    return folders


def json_documents(shards: Sequence[Path]) -> List[dict]:
    """The JSON document of every converted input of the run (report.json left out)."""
    docs = []
    for s in shards:
        for p in sorted(s.rglob("*.json")):
            if p != s / "report.json":
                docs.append(json.loads(p.read_text(encoding="utf-8")))
    return docs


def test_the_archive_puts_copies_of_one_file_in_different_shards(shards: List[Path]) -> None:
    """The case under test happens: some bytes were converted in two shards, and some twice
    in one shard (otherwise the primary key would prove nothing)."""
    where: Dict[str, List[int]] = {}
    for k, s in enumerate(shards):
        report = json.loads((s / "report.json").read_text(encoding="utf-8"))
        for i in report["inputs"]:
            if i["status"] == "converted":
                where.setdefault(i["sha256"], []).append(k)
    assert any(len(set(ks)) > 1 for ks in where.values()), where
    assert any(len(ks) > len(set(ks)) for ks in where.values()), where
    # b01.xlsx sits at three paths.
    b01 = hashlib.sha256(B01.read_bytes()).hexdigest()
    assert len(where[b01]) == 3, where[b01]


def test_duckdb_loads_the_parquet_and_csv_sets_with_table_id_as_primary_key(
    shards: List[Path],
) -> None:
    con = duckdb.connect()
    load_sets(con, "pq", shards, "parquet")
    load_sets(con, "csv", shards, "csv")

    docs = json_documents(shards)
    json_tables = [t for d in docs for t in d["tables"]]
    json_ids = sorted(t["table_id"] for t in json_tables)
    assert len(json_ids) == len(set(json_ids)), "table_id twice in the JSON documents"
    n_tables = len(json_ids)
    # Same bytes at many paths: a tableless sample is not enough for the test to mean much.
    assert n_tables > 40, n_tables

    for fmt in ("pq", "csv"):
        ids = sorted(r[0] for r in con.execute(f"SELECT table_id FROM {fmt}_tables").fetchall())
        assert ids == json_ids, f"{fmt}: the ids of the JSON documents"
        # Long format: one row per indicator and value column (one for an indicator with none).
        rows = sum(max(len(i["values"]), 1) for t in json_tables for i in t["indicators"])
        assert count(con, f"SELECT COUNT(*) FROM {fmt}_indicators") == rows, f"{fmt}: rows"
        seqs = count(con, f"SELECT COUNT(DISTINCT (table_id, seq)) FROM {fmt}_indicators")
        assert seqs == sum(len(t["indicators"]) for t in json_tables), f"{fmt}: indicators"

    # The same copies got distinct ids: one sha256 with at least three ids (b01 at three paths).
    most = count(
        con,
        "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM pq_tables GROUP BY source_sha256)",
    )
    assert most >= 3, most

    # The CSV set, cast to the Parquet set's types, holds exactly the Parquet set's rows.
    for t in TIDY:
        n_pq = count(con, f"SELECT COUNT(*) FROM pq_{t}")
        n_csv = count(con, f"SELECT COUNT(*) FROM csv_{t}")
        assert n_pq == n_csv, f"{t}: {n_pq} Parquet rows, {n_csv} CSV rows"
        for a, b in (("pq", "csv"), ("csv", "pq")):
            diff = con.execute(
                f"SELECT * FROM {a}_{t} EXCEPT ALL SELECT * FROM {b}_{t} LIMIT 3"
            ).fetchall()
            assert diff == [], f"{t}: rows in {a} and not in {b}: {diff}"
    assert count(con, "SELECT COUNT(*) FROM pq_indicators") > 1000


def test_a_duplicated_table_id_fails_the_load(shards: List[Path], tmp_path: Path) -> None:
    """The load above would catch a clash: a set with one tables row given twice, or one
    shard's set loaded twice, is refused by the primary key, in either format."""
    con = duckdb.connect()
    columns = schema(con, [shards[0] / "tables.parquet"])
    text = (shards[0] / "tables.csv").read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    twice = tmp_path / "tables.csv"
    twice.write_text(f"{header}\n{first}\n{first}\n", encoding="utf-8")
    name = create(con, "dup", "tables", columns)
    with pytest.raises(duckdb.ConstraintException, match="(?i)duplicate key"):
        insert(con, name, [twice], "csv")
    assert count(con, f"SELECT COUNT(*) FROM {name}") == 0, "the failed INSERT left no row"

    for fmt in ("csv", "parquet"):
        name = create(con, f"again_{fmt}", "tables", columns)
        insert(con, name, [shards[0] / f"tables.{fmt}"], fmt)
        with pytest.raises(duckdb.ConstraintException, match="(?i)duplicate key"):
            insert(con, name, [shards[0] / f"tables.{fmt}"], fmt)
