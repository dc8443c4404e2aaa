"""Errors: a file that cannot be converted raises `perfnorm.ConvertError` naming the file and
the reason, as the CLI names them on stderr; bad arguments raise ValueError or TypeError."""

from __future__ import annotations

import pytest

import perfnorm
from conftest import ROOT, run_cli


def test_a_missing_file_names_the_file_and_the_reason(tmp_path):
    missing = tmp_path / "nowhere" / "a.pdf"
    with pytest.raises(perfnorm.ConvertError) as e:
        perfnorm.convert(missing)
    assert e.value.file == missing.as_posix()
    assert e.value.reason.startswith("cannot read the file")
    assert str(e.value) == f"{e.value.file}: {e.value.reason}"
    assert isinstance(e.value, Exception)


def test_empty_bytes_are_standard_input_that_is_empty():
    with pytest.raises(perfnorm.ConvertError) as e:
        perfnorm.tidy(b"")
    assert (e.value.file, e.value.reason) == ("-", "the file is empty")


def test_a_broken_pdf_names_its_name_and_the_cli_gives_the_same_reason(cli, tmp_path):
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
    with pytest.raises(perfnorm.ConvertError) as e:
        perfnorm.convert(broken, name="archive/broken.pdf")
    assert e.value.file == "archive/broken.pdf"
    assert "PDF" in e.value.reason
    path = tmp_path / "broken.pdf"
    path.write_bytes(broken)
    done = run_cli(cli, "convert", str(path), "-o", "-", "-q")
    assert done.returncode == 1
    assert e.value.reason in done.stderr.decode()


def test_a_limit_is_an_error_with_its_reason(tmp_path):
    # One page more than the default max_pages would take long to build; an unknown format
    # is the other refusal a reader makes before reading anything.
    path = tmp_path / "notes.bin"
    path.write_bytes(b"\x00\x01\x02 not a table \xff")
    with pytest.raises(perfnorm.ConvertError) as e:
        perfnorm.convert(path)
    assert e.value.file == path.as_posix()
    assert "cannot be recognised" in e.value.reason


def test_bad_arguments_are_value_and_type_errors():
    sample = ROOT / "samples" / "suzhou-2026-jiguan-gongwei.txt"
    with pytest.raises(ValueError, match="unknown input format"):
        perfnorm.convert(sample, format="docx")
    with pytest.raises(ValueError, match="unknown encoding"):
        perfnorm.convert(sample, encoding="latin-9")
    with pytest.raises(TypeError, match="path .* or bytes"):
        perfnorm.convert(42)


def test_a_file_with_no_table_is_a_document_with_its_diagnostic():
    """As the CLI writes it (and counts it failed): no table, a no_table error."""
    doc = perfnorm.convert(ROOT / "samples" / "layouts" / "not_a_table.xlsx")
    assert doc["tables"] == []
    assert "no_table" in [d["code"] for d in doc["diagnostics"]]
