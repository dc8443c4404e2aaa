"""`perfnorm.convert` gives the CLI's JSON document for every sample, from a path or bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import perfnorm
from conftest import ROOT, run_cli, sample_files

SAMPLES = [p.relative_to(ROOT).as_posix() for p in sample_files()]


def cli_json(cli: Path, *args: str, stdin: bytes | None = None):
    """The CLI's JSON document (None when the CLI wrote none: the input failed)."""
    done = run_cli(cli, "convert", *args, "-o", "-", "-q", stdin=stdin)
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_the_samples_are_found():
    assert len(SAMPLES) >= 50, SAMPLES
    assert {Path(s).suffix for s in SAMPLES} >= {".pdf", ".xlsx", ".xls", ".ods", ".txt"}


@pytest.mark.parametrize("sample", SAMPLES)
def test_convert_equals_the_cli_json(cli, sample, monkeypatch):
    monkeypatch.chdir(ROOT)
    expected = cli_json(cli, sample)
    if expected is None:
        with pytest.raises(perfnorm.ConvertError):
            perfnorm.convert(sample)
        return
    assert perfnorm.convert(sample) == expected
    assert perfnorm.convert(Path(sample)) == expected


@pytest.mark.parametrize("sample", SAMPLES)
def test_bytes_with_a_name_equal_the_path(sample, monkeypatch):
    monkeypatch.chdir(ROOT)
    data = (ROOT / sample).read_bytes()
    try:
        from_path = perfnorm.convert(sample)
    except perfnorm.ConvertError as e:
        with pytest.raises(perfnorm.ConvertError) as got:
            perfnorm.convert(data, name=sample)
        assert got.value.reason == e.reason
        return
    assert perfnorm.convert(data, name=sample) == from_path
    assert perfnorm.convert(bytearray(data), name=sample) == from_path


def one_of_each_format():
    seen = {}
    for s in SAMPLES:
        seen.setdefault(Path(s).suffix, s)
    return sorted(seen.values())


@pytest.mark.parametrize("sample", one_of_each_format())
def test_bytes_equal_the_cli_on_standard_input(cli, sample):
    data = (ROOT / sample).read_bytes()
    expected = cli_json(cli, "-", stdin=data)
    assert expected is not None
    doc = perfnorm.convert(data)
    assert doc == expected
    assert doc["source"]["file"] == "-"
    assert doc["source"]["relative_path"] == "stdin"


def test_options_are_the_cli_flags(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    sample = "samples/suzhou-2026-jiguan-gongwei.txt"
    assert perfnorm.convert(sample, format="text", encoding="utf-8") == cli_json(
        cli, sample, "--from", "text", "--encoding", "utf-8"
    )
    hidden = next(s for s in SAMPLES if "hidden" in s and s.endswith(".xlsx"))
    with_hidden = perfnorm.convert(hidden, include_hidden=True)
    assert with_hidden == cli_json(cli, hidden, "--include-hidden")
    assert with_hidden != perfnorm.convert(hidden)


def test_relative_path_sets_the_ids_of_a_folder_run(cli, monkeypatch):
    """Below a folder the CLI hashes the path below it; relative_path= gives the same ids."""
    monkeypatch.chdir(ROOT)
    sample = next(s for s in SAMPLES if s.count("/") == 2)
    below = sample.split("/", 1)[1]
    done = run_cli(cli, "convert", "samples", "-o", "-", "-q")
    folder_docs = json.loads(done.stdout)
    expected = next(d for d in folder_docs if d["source"]["file"] == sample)
    assert expected["source"]["relative_path"] == below
    assert perfnorm.convert(sample, relative_path=below) == expected
