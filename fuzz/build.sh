#!/usr/bin/env bash
# Build the fuzz targets with libFuzzer's coverage instrumentation, as `cargo fuzz build -s none`
# does (cargo-fuzz 0.12/0.13's flags), without installing cargo-fuzz: the nightly toolchain
# alone. The binaries land in fuzz/target/x86_64-unknown-linux-gnu/release/<target>.
# `--target` keeps the flags off build scripts and proc macros, as cargo-fuzz does.
# Usage: fuzz/build.sh [TARGET...]   (no argument: every target). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")"
flags=(
    -Cpasses=sancov-module
    -Cllvm-args=-sanitizer-coverage-level=4
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters
    -Cllvm-args=-sanitizer-coverage-pc-table
    -Cllvm-args=-sanitizer-coverage-trace-compares
    --cfg fuzzing
    -Cllvm-args=-sanitizer-coverage-stack-depth
    -Cdebug-assertions
    -Coverflow-checks
)
bins=(--bins)
if [ $# -gt 0 ]; then
    bins=()
    for t in "$@"; do bins+=(--bin "$t"); done
fi
RUSTFLAGS="${flags[*]}" exec nice -n 10 cargo +nightly build --release \
    --target x86_64-unknown-linux-gnu "${bins[@]}"
