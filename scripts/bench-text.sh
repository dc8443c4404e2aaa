#!/usr/bin/env bash
# Text reading throughput (issue 14, BENCHMARKS.md "Text reading"): builds one large input per
# text form from the corpus tables (tab text of shared/corpus/*.tsv.txt, the same in GB18030,
# and the web-copied forms of shared/corpus-real/text: pipes with empties at the end, one cell
# per line, blank-line cells, single spaces), each concatenated to about SIZE_MB, and converts
# each with `perfnorm convert FILE -o OUT.json --from text`, best of RUNS, reporting MB/s of
# CPU time (user + system). Given a second binary, both run side by side, alternating, so the
# machine's load is the same for both.
#
#   scripts/bench-text.sh                        # target/release/perfnorm
#   scripts/bench-text.sh /tmp/perfnorm-before   # before (that binary) and after, side by side
#   SIZE_MB=8 RUNS=5 scripts/bench-text.sh
#   ARGS=--no-isolate scripts/bench-text.sh      # in one process (no worker, no JSON hand-back)
#   CALLGRIND=1 scripts/bench-text.sh            # also instructions (valgrind): the .small inputs
#                                                # (1/8 of the size) and the distinct tables
#
# The large inputs repeat the same tables, which flatters anything that remembers texts it has
# seen (the normalizer's memos, canon::memo): CALLGRIND=1 also counts one batch over the
# distinct text files (every corpus tab text and web-copied form, each once).
#
# Needs: python3, /usr/bin/time; valgrind for CALLGRIND=1.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-4}
RUNS=${RUNS:-3}
WORK=${BENCH_DIR:-target/bench-text}
AFTER=${BIN:-target/release/perfnorm}
BEFORE=${1:-}
mkdir -p "$WORK"

python3 - "$WORK" "$SIZE_MB" <<'PY'
import glob, os, sys
work, size = sys.argv[1], float(sys.argv[2])
real = "../shared/corpus-real/text/"
forms = {
    "tsv": sorted(glob.glob("../shared/corpus/*.tsv.txt")),
    "pipes-end": [real + n for n in ("01_hubei-huangshi-dangxiao-zhutiban-2022-project.txt",
                                     "04_zhejiang-linhai-lvhua-yanghu-2024-project.txt",
                                     "08_chongqing-fengjie-yingji-2023-project-scored.txt")],
    "cell-per-line": [real + n for n in ("03_chongqing-tongnan-wugui-yibanxing-2023-project-multi.txt",
                                         "05_tianjin-baodi-chuqin-fenwu-2022-central-investment.txt",
                                         "06_anhui-luan-jinan-wangqiu-2025-project.txt",
                                         "07_anhui-huaibei-songxi-2025-project.txt")],
    "blank-lines": [real + "09_hunan-nanyue-shiyanzhongxue-2017-dept-overall.txt",
                    "samples/suzhou-2026-jiguan-gongwei.txt"],
    "spaces": [real + "02_sichuan-ganzi-shijianju-shipinanquan-2023-project.txt"],
}
for name, files in forms.items():
    one = "".join(open(f, encoding="utf-8").read().rstrip("\n") + "\n\n" for f in files)
    reps = max(1, int(size * 1e6 / len(one.encode())))
    big = one * reps
    open(f"{work}/{name}.txt", "w", encoding="utf-8").write(big)
    if name == "tsv":
        open(f"{work}/tsv-gb18030.txt", "wb").write(big.encode("gb18030"))
    small = one * max(1, reps // 8)
    open(f"{work}/{name}.small.txt", "w", encoding="utf-8").write(small)
PY

cpu() { # BIN FILE -> best user+sys seconds of RUNS
  local best="" t i
  for ((i = 0; i < RUNS; i++)); do
    # shellcheck disable=SC2086
    /usr/bin/time -o "$WORK/time" -f "%U %S" "$1" convert "$2" -o "$WORK/out.json" \
      --from text ${ARGS:-} >/dev/null 2>&1 || true
    t=$(tail -1 "$WORK/time" | awk '{print $1 + $2}')
    best=$(python3 -c "print(min(float('$t'), float('${best:-1e9}')))")
  done
  echo "$best"
}
mbs() { python3 -c "print(f'{$1 / 1e6 / max($2, 1e-3):.1f}')"; }

echo "load: $(uptime | sed 's/.*load average: //')"
printf '%-16s %8s %18s %18s\n' form MB "before s (MB/s)" "after s (MB/s)"
for f in tsv tsv-gb18030 pipes-end cell-per-line blank-lines spaces; do
  in="$WORK/$f.txt"; bytes=$(stat -c %s "$in")
  b="-"; if [ -n "$BEFORE" ]; then s=$(cpu "$BEFORE" "$in"); b="$s ($(mbs "$bytes" "$s"))"; fi
  s=$(cpu "$AFTER" "$in"); a="$s ($(mbs "$bytes" "$s"))"
  printf '%-16s %8.2f %18s %18s\n' "$f" "$(mbs "$bytes" 1)" "$b" "$a"
done
echo "load: $(uptime | sed 's/.*load average: //')"

if [ -n "${CALLGRIND:-}" ]; then
  echo "instructions (M), callgrind, the .small inputs:"
  for f in tsv pipes-end cell-per-line blank-lines spaces; do
    in="$WORK/$f.small.txt"; line="$f $(($(stat -c %s "$in") / 1000)) kB"
    for bin in $BEFORE $AFTER; do
      valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$bin" convert "$in" \
        -o "$WORK/out.json" --from text >/dev/null 2>"$WORK/cg.log" || true
      line="$line  $(grep -o 'refs: *[0-9,]*' "$WORK/cg.log" | tr -d ', ' | cut -d: -f2 \
        | awk '{printf "%.1f", $1 / 1e6}')"
    done
    echo "$line"
  done
  rm -rf "$WORK/distinct" && mkdir -p "$WORK/distinct"
  cp ../shared/corpus/*.tsv.txt ../shared/corpus-real/text/*.txt "$WORK/distinct/"
  line="distinct files ($(ls "$WORK/distinct" | wc -l), $(($(cat "$WORK/distinct"/* | wc -c) / 1000)) kB)"
  for bin in $BEFORE $AFTER; do
    rm -rf "$WORK/distinct-out"
    valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$bin" convert "$WORK/distinct" \
      -d "$WORK/distinct-out" -t json -j 1 --no-isolate --from text >/dev/null 2>"$WORK/cg.log" || true
    line="$line  $(grep -o 'refs: *[0-9,]*' "$WORK/cg.log" | tr -d ', ' | cut -d: -f2 \
      | awk '{printf "%.1f", $1 / 1e6}')"
  done
  echo "$line"
fi
