#!/usr/bin/env bash
# soak.sh [SECONDS] [TARGET...] - a long fuzzing session for humans (CI runs a short pass of every target through
# the test suite): builds the targets and runs each for SECONDS (default 3600) on every core but one, with
# libFuzzer's -fork mode so one finding does not end the session. Findings: artifacts/fuzz/findings/; new inputs:
# artifacts/fuzz/work/TARGET (worth adding to corpus/TARGET with libFuzzer's -merge=1 when they add coverage).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seconds="${1:-3600}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=($(make -s -C "$HERE" list))
make -C "$HERE"
jobs=$(( $(nproc) > 1 ? $(nproc) - 1 : 1 ))
failed=0
for t in "${targets[@]}"; do
  "$HERE/run.sh" "$t" "$seconds" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 || failed=1
done
exit $failed
