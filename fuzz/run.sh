#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 60) and prints, per target, the executions and the
# coverage libFuzzer reached.
#
#   fuzz/run.sh 60            # what `make test` should run
#   fuzz/run.sh 1200          # the long run (20 min per target) reported in issue 7
#   TARGETS="eval" fuzz/run.sh 300
#
# cargo-fuzz needs nightly flags (-Zsanitizer, -Cpasses=sancov-module). With a nightly
# toolchain installed it is used; without one, the stable toolchain is told to accept them
# with RUSTC_BOOTSTRAP=1 (works with rustc 1.95 here; FUZZ_TOOLCHAIN=stable forces it). The committed corpus
# (fuzz/corpus/TARGET, a few dozen seeds) is read but never written: new inputs go to
# fuzz/work/TARGET (git-ignored). A crash stops the script with its input in
# fuzz/artifacts/TARGET; copy it to fuzz/regressions/TARGET/ so that
# `cargo test --release --test differential` replays it for ever.
set -euo pipefail
SECONDS_PER_TARGET="${1:-60}"
TARGETS="${TARGETS:-policy directory eval load}"
cd "$(dirname "$0")"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz from crates.io"
    cargo install cargo-fuzz
fi
# FUZZ_TOOLCHAIN=stable forces the RUSTC_BOOTSTRAP path even where nightly exists.
if [ "${FUZZ_TOOLCHAIN:-}" != stable ] && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    FUZZ=(cargo +nightly fuzz)
else
    export RUSTC_BOOTSTRAP=1
    FUZZ=(cargo fuzz)
fi
# Sanitizers need their own target dir; keep it out of the main build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# FUZZ_JOBS=N runs N fuzzing processes per target (libFuzzer -jobs/-workers; their output
# goes to fuzz/fuzz-N.log and is summed up at the end); by default one, in process.
JOBS="${FUZZ_JOBS:-1}"
parallel=()
if [ "$JOBS" -gt 1 ]; then parallel=(-jobs="$JOBS" -workers="$JOBS"); fi

status=0
summary=()
for t in $TARGETS; do
    mkdir -p "work/$t" "artifacts/$t"
    log="work/$t.log"
    echo "== fuzz target $t: ${SECONDS_PER_TARGET}s"
    set +e
    "${FUZZ[@]}" run --release "$t" "work/$t" "corpus/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 "${parallel[@]}" \
        -artifact_prefix="artifacts/$t/" >"$log" 2>&1
    rc=$?
    set -e
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)
    cov=$(grep -E '^#[0-9]+' "$log" | grep -o 'cov: [0-9]*' | tail -1 | awk '{print $2}')
    ft=$(grep -E '^#[0-9]+' "$log" | grep -o 'ft: [0-9]*' | tail -1 | awk '{print $2}')
    corp=$(grep -E '^#[0-9]+' "$log" | grep -o 'corp: [0-9]*' | tail -1 | awk '{print $2}')
    line="fuzz $t: ${runs:-?} executions in ${SECONDS_PER_TARGET}s, coverage ${cov:-?} edges, ${ft:-?} features, corpus ${corp:-?}"
    if [ "$rc" -ne 0 ]; then
        line="$line; FAILED (exit $rc): see fuzz/$log and fuzz/artifacts/$t/"
        tail -40 "$log"
        status=1
    fi
    echo "$line"
    summary+=("$line")
done
echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
exit $status
