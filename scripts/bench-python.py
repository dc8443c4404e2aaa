#!/usr/bin/env python3
"""Speed of the Python package against the CLI, over the files of samples/ (BENCHMARKS.md).

    pip install ./python && cargo build --release
    python scripts/bench-python.py [ROUNDS]

Converts every sample ROUNDS times (default 10) from bytes in memory: `perfnorm.tidy` and
`perfnorm.convert` one after the other, then the same work split over two threads; and the
release CLI over the folder with one job (`-t parquet -j 1`), ROUNDS times. Each serial figure
is the best of three runs.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import perfnorm

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CLI = ROOT / "target" / "release" / "perfnorm"
EXTENSIONS = {"xlsx", "xlsm", "xls", "xlsb", "ods", "pdf", "txt", "tsv", "csv", "md", "html", "htm"}


def inputs():
    files = sorted(
        p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix[1:].lower() in EXTENSIONS
    )
    return [(str(p), p.read_bytes()) for p in files]


def convert_all(fn, data) -> None:
    for name, content in data:
        try:
            fn(content, name=name)
        except perfnorm.ConvertError:
            pass


def best_of(runs: int, work) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    data = inputs()
    files = len(data) * rounds
    for fn in (perfnorm.tidy, perfnorm.convert):
        serial = best_of(3, lambda: [convert_all(fn, data) for _ in range(rounds)])
        start = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda _: convert_all(fn, data), range(rounds)))
        threads = time.perf_counter() - start
        print(
            f"{fn.__name__:8} {files} files: one thread {serial:.2f} s ({files / serial:.0f} "
            f"files/s), two threads {threads:.2f} s ({files / threads:.0f} files/s, "
            f"{serial / threads:.2f}x)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        def cli_runs():
            for i in range(rounds):
                subprocess.run(
                    [str(CLI), "convert", str(SAMPLES), "-d", f"{tmp}/{i}", "-t", "parquet"]
                    + ["-j", "1", "-q"],
                    stderr=subprocess.DEVNULL,
                    check=False,
                )

        cli = best_of(3, cli_runs)
    print(f"CLI -j 1 {files} files: {cli:.2f} s ({files / cli:.0f} files/s)")


if __name__ == "__main__":
    main()
