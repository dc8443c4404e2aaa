#!/usr/bin/env bash
# Make a long PDF of back-to-back tables (issue 17's memory benchmark): the corpus PDFs joined
# with `pdfunite` (poppler-utils) until the file has at least PAGES pages. The result is large
# and made on demand: do not commit it.
#
#   scripts/make-long-pdf.sh OUT.pdf [PAGES]      # PAGES defaults to 5000
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: make-long-pdf.sh OUT.pdf [PAGES]}
PAGES=${2:-5000}
CORPUS=${CORPUS:-../shared/corpus}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

pages() { pdfinfo "$1" | awk '/^Pages:/ {print $2}'; }

# One round of every corpus PDF (19 pages from 8 files), then doubling: each step unites two
# copies of the last file, so a 5,000-page file takes nine small steps, not 5,000 arguments.
mapfile -t SRC < <(ls "$CORPUS"/*.pdf | sort)
pdfunite "${SRC[@]}" "$TMP/step0.pdf"
cur="$TMP/step0.pdf"
i=0
while (($(pages "$cur") * 2 <= PAGES)); do
  i=$((i + 1))
  pdfunite "$cur" "$cur" "$TMP/step$i.pdf"
  cur="$TMP/step$i.pdf"
done
# Top up with the corpus round until PAGES is reached.
parts=("$cur")
total=$(pages "$cur")
while ((total < PAGES)); do
  parts+=("$TMP/step0.pdf")
  total=$((total + $(pages "$TMP/step0.pdf")))
done
pdfunite "${parts[@]}" "$OUT"
echo "$OUT: $(pages "$OUT") pages, $(du -h "$OUT" | cut -f1)"
