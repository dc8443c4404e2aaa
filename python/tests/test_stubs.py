"""The type stubs (perfnorm.pyi) match the module: mypy's stubtest, where mypy is installed."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_the_stubs_match_the_module(tmp_path):
    pytest.importorskip("mypy")
    # maturin's package holds the extension as perfnorm.perfnorm, re-exported by __init__;
    # the stubs describe the package, not that inner module.
    allow = tmp_path / "allowlist.txt"
    allow.write_text("perfnorm.perfnorm\n")
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nignore_missing_imports = True\n")  # pyarrow has no stubs
    done = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "perfnorm"]
        + ["--allowlist", str(allow), "--mypy-config-file", str(config)],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
