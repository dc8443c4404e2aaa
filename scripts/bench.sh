#!/usr/bin/env bash
# Reproducible bulk benchmark (BENCHMARKS.md): builds archives of 1,000 and 5,000 files from
# samples/ and reports files/s and PDF pages/s for 1 and 2 jobs, peak memory (/usr/bin/time
# -v) at both sizes, and the Python pipeline (pdfplumber + openpyxl) on the same files.
#
#   scripts/bench.sh                 # everything (about 10 minutes on 2 cores)
#   N_SMALL=200 N_LARGE=1000 N_PY=100 scripts/bench.sh    # quicker
#
# Needs: cargo, python3 with pdfplumber and openpyxl (pip install pdfplumber openpyxl),
# /usr/bin/time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
N_SMALL=${N_SMALL:-1000}
N_LARGE=${N_LARGE:-5000}
N_PY=${N_PY:-200}
WORK=${BENCH_DIR:-target/bench}
BIN=target/release/perfnorm

[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q
rm -rf "$WORK"
mkdir -p "$WORK"

# The archive's mix, cycled: 4 PDFs in 16 files (real department tables of 2 and 3 pages),
# workbooks (xlsx, xls, ods) and extracted text in GBK, UTF-8 and UTF-16. Every 100 files go
# into a folder of their own, nested by year, as archives are kept.
MIX=(
  samples/pdf/a01_zhenjiang_shuiwu_2026.pdf
  samples/pdf/b02_suqian_danganguan_2023.pdf
  samples/b01_huaian_tiyu_2022.xlsx
  samples/multi_sheet_department.xlsx
  samples/pdf/a01_zhenjiang_shuiwu_2026.pdf
  samples/pdf/b02_suqian_danganguan_2023.pdf
  samples/layouts/messy_sheet.xlsx
  samples/b01_huaian_tiyu_2022.xls
  samples/multi_sheet_department.xls
  samples/b01_huaian_tiyu_2022.ods
  samples/suzhou-2026-jiguan-gongwei.txt
  samples/a01_zhenjiang_shuiwu_2026.gbk.txt
  samples/t01_lianyungang_danganguan_2026.tsv.txt
  samples/d02_zhenjiang_quanmin_jianshen_2026.tsv.txt
  samples/suzhou-2026-jiguan-gongwei.utf16.txt
  samples/a02_taizhou_sifa_2026.tsv.txt
)

archive() { # N DIR
  local n=$1 dir=$2 i src ext sub
  for ((i = 0; i < n; i++)); do
    src=${MIX[$((i % ${#MIX[@]}))]}
    ext=${src##*.}
    sub="$dir/$((2020 + (i / 100) % 6))/batch$((i / 100))"
    mkdir -p "$sub"
    cp "$src" "$sub/file$i.$ext"
  done
}

# Run a command under /usr/bin/time -v; print "wall_seconds maxrss_kb cpu_seconds".
timed() {
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" 2>"$log" >/dev/null || true
  local wall rss cpu
  wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}' |
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  cpu=$(grep -E '(User|System) time \(seconds\)' "$log" | awk '{s += $NF} END {print s}')
  rm -f "$log"
  echo "$wall $rss $cpu"
}

pages() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pages"])' "$1/report.json"; }
rate() { python3 -c 'import sys; n,t=float(sys.argv[1]),float(sys.argv[2]); print(f"{n/t:.1f}" if t > 0 else "inf")' "$1" "$2"; }
mb() { python3 -c 'import sys; print(f"{int(sys.argv[1])/1024:.0f}")' "$1"; }

archive "$N_SMALL" "$WORK/a$N_SMALL"
archive "$N_LARGE" "$WORK/a$N_LARGE"
archive "$N_PY" "$WORK/a$N_PY"

# The machine is shared: the load before the runs says how far wall times can be trusted;
# CPU seconds (user + system) do not depend on it.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo
echo "| run | files | jobs | wall s | files/s | PDF pages/s | CPU s | files per CPU s | peak RSS (MB) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
row() { # LABEL N JOBS DIR
  local label=$1 n=$2 j=$3 in=$4 out="$WORK/out-$1-$2-$3"
  read -r s rss cpu < <(timed "$BIN" convert "$in" -d "$out" -t json,csv -j "$j" -q)
  local p
  p=$(pages "$out")
  echo "| $label | $n | $j | $s | $(rate "$n" "$s") | $(rate "$p" "$s") | $cpu | $(rate "$n" "$cpu") | $(mb "$rss") |"
}
row perfnorm "$N_SMALL" 1 "$WORK/a$N_SMALL"
row perfnorm "$N_SMALL" 2 "$WORK/a$N_SMALL"
row perfnorm "$N_LARGE" 1 "$WORK/a$N_LARGE"
row perfnorm "$N_LARGE" 2 "$WORK/a$N_LARGE"
row perfnorm "$N_PY" 1 "$WORK/a$N_PY"
read -r s rss cpu < <(timed python3 scripts/bench_python.py "$WORK/a$N_PY" "$WORK/out-python")
echo "| python (pdfplumber + openpyxl) | $N_PY | 1 | $s | $(rate "$N_PY" "$s") | | $cpu | $(rate "$N_PY" "$cpu") | $(mb "$rss") |"

# Per format, 50 copies of one file each: where the time goes, and what Python does there.
echo
echo "| format (50 files) | perfnorm CPU s | python CPU s | ratio |"
echo "|---|---:|---:|---:|"
for src in samples/pdf/a01_zhenjiang_shuiwu_2026.pdf samples/multi_sheet_department.xlsx \
  samples/suzhou-2026-jiguan-gongwei.txt; do
  ext=${src##*.}
  d="$WORK/fmt-$ext"
  mkdir -p "$d"
  for ((i = 0; i < 50; i++)); do cp "$src" "$d/f$i.$ext"; done
  read -r _ _ pc < <(timed "$BIN" convert "$d" -d "$WORK/fout-$ext" -j 1 -q)
  read -r _ _ yc < <(timed python3 scripts/bench_python.py "$d" "$WORK/fpy-$ext")
  echo "| $ext ($(basename "$src")) | $pc | $yc | $(rate "$yc" "$pc")x |"
done
