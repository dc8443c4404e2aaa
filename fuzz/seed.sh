#!/usr/bin/env bash
# Fill each fuzz target's corpus folder with seeds from samples/ (the corpus folders are not
# committed: libFuzzer grows them as it runs). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")"
s=../samples
mkdir -p corpus/text_normalize corpus/value_parse corpus/sheet corpus/pdf corpus/pdf_content
cp "$s"/*.txt "$s"/*.csv corpus/text_normalize/ 2>/dev/null || true
cp "$s"/*.xlsx "$s"/*.xls "$s"/*.xlsb "$s"/*.ods "$s"/layouts/*.xls* "$s"/layouts/*.ods corpus/sheet/
cp "$s"/pdf/*.pdf corpus/pdf/
# Content streams and CMaps: every Flate stream of the sample PDFs, inflated.
python3 - "$s"/pdf/*.pdf <<'PY'
import re, sys, zlib
n = 0
for f in sys.argv[1:]:
    data = open(f, 'rb').read()
    for m in re.finditer(rb'stream\r?\n', data):
        try:
            out = zlib.decompressobj().decompress(data[m.end():m.end() + 1_000_000])
        except zlib.error:
            continue
        if out and len(out) < 200_000 and not out.startswith((b'\x00\x01', b'OTTO', b'true')):
            open(f'corpus/pdf_content/s{n}', 'wb').write(out)
            n += 1
PY
# Value cells: one file per distinct cell of the tab-separated samples, behind a column-pick
# byte (see fuzz_targets/value_parse.rs).
i=0
cut -f2- "$s"/*.tsv.txt "$s"/suzhou-2026-jiguan-gongwei.txt | tr '\t' '\n' | sort -u |
    head -n 2000 | while IFS= read -r v; do
        [ -n "$v" ] || continue
        printf '\001%s' "$v" > "corpus/value_parse/v$i"
        i=$((i + 1))
    done
for d in corpus/*; do echo "$d: $(ls "$d" | wc -l) seeds"; done
