#!/usr/bin/env bash
# Side by side: two perfnorm binaries on the same archive (scripts/bench.sh's mix), in one run,
# alternating, ROUNDS times each; prints the median CPU seconds, wall seconds and peak RSS per
# binary and the per-file cost. Used to check "no slower per file than before" (BENCHMARKS.md).
#
#   scripts/bench-vs.sh OLD_BINARY NEW_BINARY        # N=1000 files, ROUNDS=5, JOBS=1
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1
NEW=$2
N=${N:-1000}
ROUNDS=${ROUNDS:-5}
JOBS=${JOBS:-1}
WORK=${BENCH_DIR:-target/bench-vs}
rm -rf "$WORK"
mkdir -p "$WORK"
# The archive: bench.sh builds it; reuse its function by sourcing only the MIX and archive().
eval "$(sed -n '/^MIX=(/,/^)/p' scripts/bench.sh)"
eval "$(sed -n '/^archive() {/,/^}/p' scripts/bench.sh)"
archive "$N" "$WORK/a"

measure() { # BIN -> "cpu wall rss_kb"
  local log
  log=$(mktemp)
  rm -rf "$WORK/out"
  /usr/bin/time -v "$1" convert "$WORK/a" -d "$WORK/out" -t json,csv -j "$JOBS" -q 2>"$log" >/dev/null || true
  local cpu wall rss
  cpu=$(grep -E '(User|System) time \(seconds\)' "$log" | awk '{s += $NF} END {print s}')
  wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}' | awk -F: '{print $1*60 + $2}')
  rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  rm -f "$log"
  echo "$cpu $wall $rss"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $N files, -j $JOBS, $ROUNDS rounds"
: >"$WORK/old.txt"
: >"$WORK/new.txt"
for ((r = 0; r < ROUNDS; r++)); do
  measure "$OLD" >>"$WORK/old.txt"
  measure "$NEW" >>"$WORK/new.txt"
done
echo "| binary | median CPU s | median wall s | CPU ms per file | peak RSS (MB) |"
echo "|---|---:|---:|---:|---:|"
for side in old new; do
  f="$WORK/$side.txt"
  cpu=$(cut -d' ' -f1 "$f" | median)
  wall=$(cut -d' ' -f2 "$f" | median)
  rss=$(cut -d' ' -f3 "$f" | median)
  bin=$OLD
  [ "$side" = new ] && bin=$NEW
  echo "| $side ($bin) | $cpu | $wall | $(awk -v c="$cpu" -v n="$N" 'BEGIN {printf "%.3f", c * 1000 / n}') | $((rss / 1024)) |"
done
