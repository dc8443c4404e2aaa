#!/usr/bin/env python3
"""The common alternative pipeline, for scripts/bench.sh: pdfplumber for PDFs, openpyxl for
XLSX, plain decoding for text; one JSON of raw rows per file, one process. It only extracts
cells (no header mapping, shift repair, value parsing or funds tree), so it does less work
than perfnorm; XLS and ODS it cannot read at all and counts as skipped."""
import json
import os
import sys
import time

import openpyxl
import pdfplumber


def rows_of(path):
    ext = path.rsplit(".", 1)[-1].lower()
    if ext == "pdf":
        out = []
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                for table in page.extract_tables():
                    out.extend(table)
        return out
    if ext in ("xlsx", "xlsm"):
        wb = openpyxl.load_workbook(path, data_only=True)
        out = []
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                out.append(["" if v is None else str(v) for v in row])
        return out
    if ext in ("txt", "tsv", "csv"):
        raw = open(path, "rb").read()
        for enc in ("utf-8-sig", "utf-16", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        return [line.split("\t") for line in text.splitlines()]
    return None


def main():
    src, dst = sys.argv[1], sys.argv[2]
    done = skipped = failed = 0
    t0 = time.time()
    for base, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(base, name)
            try:
                rows = rows_of(path)
            except Exception as e:  # one bad file never stops the run
                failed += 1
                continue
            if rows is None:
                skipped += 1
                continue
            out = os.path.join(dst, os.path.relpath(path, src) + ".json")
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(out, "w", encoding="utf-8") as f:
                json.dump(rows, f, ensure_ascii=False)
            done += 1
    dt = time.time() - t0
    print(f"python: {done} converted, {skipped} unsupported, {failed} failed in {dt:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
