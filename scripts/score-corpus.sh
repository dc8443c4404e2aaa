#!/usr/bin/env bash
# Score the current release build against the public corpus (../shared/corpus): one line per
# document and variant with indicator F1, funds F1, fields, values and meta.
# usage: scripts/score-corpus.sh [variant...]   (variants: tsv.txt gbk.txt xlsx pdf layout.txt)
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CORPUS:-$here/../shared/corpus}
bin=${BIN:-$here/target/release/perfnorm}
variants=("$@"); [ ${#variants[@]} -gt 0 ] || variants=(tsv.txt gbk.txt xlsx pdf layout.txt)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for v in "${variants[@]}"; do
  for t in "$corpus"/*.truth.json; do
    in=${t%.truth.json}.$v; [ -f "$in" ] || continue
    name=$(basename "${t%.truth.json}")
    from=(); case $v in *.txt) from=(--from text);; esac
    if timeout 20 "$bin" convert "$in" -o "$tmp/out.json" "${from[@]}" 2>"$tmp/err"; then
      printf '%-40s %-10s %s\n' "$name" "$v" "$(python3 "$corpus/score.py" "$t" "$tmp/out.json")"
    else
      printf '%-40s %-10s FAILED %s\n' "$name" "$v" "$(head -c 200 "$tmp/err")"
    fi
  done
done
