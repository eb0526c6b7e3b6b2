#!/usr/bin/env bash
# run.sh TARGET SECONDS [libFuzzer options...] - one pass of a fuzz target (built by make into artifacts/fuzz/):
# every input of its committed corpus (corpus/TARGET) first, then SECONDS of fuzzing from there. New inputs go to a
# scratch copy of the corpus (artifacts/fuzz/work/TARGET), never into the repository; a finding (crash, leak,
# timeout, sanitizer report) is written to artifacts/fuzz/findings/ and the run exits non-zero.
# Reproduce a finding:   artifacts/fuzz/TARGET artifacts/fuzz/findings/TARGET-crash-...   (UKFUZZ_LOG=1: the log)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(cd "$HERE/../.." && pwd)/artifacts/fuzz"
target="${1:?usage: run.sh TARGET SECONDS [libFuzzer options]}"
seconds="${2:?usage: run.sh TARGET SECONDS [libFuzzer options]}"
shift 2
bin="$OUT/$target"
[[ -x "$bin" ]] || { echo "run.sh: $bin is not built (make -C runtime-packs/fuzz)" >&2; exit 2; }
work="$OUT/work/$target" findings="$OUT/findings"
mkdir -p "$work" "$findings"
cp -n "$HERE/corpus/$target"/* "$work/" 2>/dev/null || true
dict=()
[[ -f "$HERE/$target.dict" ]] && dict=("-dict=$HERE/$target.dict")
before=$(find "$findings" -name "$target-*" | wc -l)
echo "==> fuzz $target: corpus $(ls "$HERE/corpus/$target" | wc -l) inputs, ${seconds}s"
status=0
# -timeout: an input that runs 10 s is a hang; -rss_limit_mb: the kernel paths must not balloon.
symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
[[ -x "$symbolizer" ]] && export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$symbolizer}"
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" \
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$findings/$target-" "${dict[@]}" "$@" "$work" "$HERE/corpus/$target" || status=$?
after=$(find "$findings" -name "$target-*" | wc -l)
if [[ $status -ne 0 || $after -ne $before ]]; then
  echo "run.sh: $target FAILED (exit $status); findings in $findings:" >&2
  find "$findings" -name "$target-*" -newer "$work" -print >&2 || true
  exit 1
fi
echo "==> fuzz $target: no findings"
