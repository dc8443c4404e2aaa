"""Shared fixtures of the Python package's tests: the repository, its samples, and the CLI.

The tests compare the package with the `perfnorm` binary of the same checkout: PERFNORM_BIN
names it, else the newer of target/release/perfnorm and target/debug/perfnorm (CI uses the
debug binary `cargo test` builds).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"

#: The extensions the CLI's folder walk converts (perfnorm's `InputFormat::EXTENSIONS`).
EXTENSIONS = {"xlsx", "xlsm", "xls", "xlsb", "ods", "pdf", "txt", "tsv", "csv", "md", "html", "htm"}


def sample_files() -> List[Path]:
    """Every file of samples/ the CLI converts when given the folder, in its order."""
    return sorted(
        p
        for p in SAMPLES.rglob("*")
        if p.is_file()
        and p.suffix[1:].lower() in EXTENSIONS
        and not any(part.startswith(".") for part in p.relative_to(SAMPLES).parts)
    )


@pytest.fixture(scope="session")
def cli() -> Path:
    """The perfnorm binary of this checkout: PERFNORM_BIN, else the newer of the release and
    debug builds (an old build of either would compare with outdated output)."""
    named = os.environ.get("PERFNORM_BIN")
    if named:
        return Path(named)
    built = [
        p
        for p in (ROOT / "target" / "release" / "perfnorm", ROOT / "target" / "debug" / "perfnorm")
        if p.is_file()
    ]
    if not built:
        pytest.fail("no perfnorm binary: build one (cargo build --release) or set PERFNORM_BIN")
    return max(built, key=lambda p: p.stat().st_mtime)


def run_cli(cli: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run the CLI from the repository's root (so relative sample paths read the same)."""
    return subprocess.run(
        [str(cli), *args], cwd=ROOT, input=stdin, capture_output=True, check=False
    )


@pytest.fixture(scope="session")
def cli_sets(cli: Path, tmp_path_factory) -> Path:
    """The CLI's CSV and Parquet sets over samples/, named by its absolute path (so
    `source_file` is each file's absolute path)."""
    out = tmp_path_factory.mktemp("cli-sets")
    done = run_cli(cli, "convert", str(SAMPLES), "-d", str(out), "-t", "csv,parquet", "-q")
    # Exit status 1 is a sample that fails on purpose; the sets hold every other file.
    assert done.returncode in (0, 1), done.stderr.decode()
    assert (out / "indicators.parquet").is_file(), done.stderr.decode()
    return out
