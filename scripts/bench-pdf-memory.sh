#!/usr/bin/env bash
# Long PDFs side by side (issue 17, "PDFs in flat memory"): two perfnorm binaries and
# `pdftotext -layout` on the same files in one run; CPU seconds (user + system) and peak RSS
# from `/usr/bin/time -v`, and the load average. Makes the files with make-long-pdf.sh when
# they are missing.
#
#   scripts/bench-pdf-memory.sh OLD_BINARY NEW_BINARY [PAGES...]   # PAGES default: 500 5000
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1
NEW=$2
shift 2
SIZES=("${@:-500 5000}")
read -r -a SIZES <<<"${SIZES[*]}"
WORK=${BENCH_DIR:-target/bench-pdf}
mkdir -p "$WORK"

measure() { # LABEL CMD... -> one table row
  local label=$1 log
  shift
  log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || echo "($label failed: $(head -1 "$log"))" >&2
  local user sys rss
  user=$(grep 'User time (seconds)' "$log" | awk '{print $NF}')
  sys=$(grep 'System time (seconds)' "$log" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  rm -f "$log"
  printf '| %s | %.2f (%.2f + %.2f) | %.1f MB |\n' "$label" "$(echo "$user + $sys" | bc)" "$user" "$sys" "$(echo "$rss / 1024" | bc -l)"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo "| run | CPU s (user + sys) | peak RSS |"
echo "|---|---:|---:|"
for n in "${SIZES[@]}"; do
  f="$WORK/long$n.pdf"
  [ -f "$f" ] || scripts/make-long-pdf.sh "$f" "$n" >/dev/null
  pages=$(pdfinfo "$f" | awk '/^Pages:/ {print $2}')
  # The worker's memory limit (1 GiB by default) stopped the old binary on 5,000 pages.
  for bin in "$OLD" "$NEW"; do
    measure "$(basename "$bin"), $pages pages" "$bin" convert "$f" -o "$WORK/out.json" --max-pages 6000 --max-memory 8G
    measure "$(basename "$bin") --no-isolate, $pages pages" "$bin" convert "$f" -o "$WORK/out.json" --max-pages 6000 --no-isolate
  done
  measure "pdftotext -layout, $pages pages" pdftotext -layout "$f" "$WORK/out.txt"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
