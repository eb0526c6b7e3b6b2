#!/usr/bin/env bash
# bench/boot.sh - boot benchmark of the sample unikernel against the same program as a native Linux
# process, measured in the same run: image size, time from launch to the first output line and to
# exit (median and spread of RUNS runs), and the smallest guest memory (-m) that still boots.
# Usage: bench/boot.sh [--runs N] [--accel auto|kvm|tcg]   (run ./build.sh first)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=10
ACCEL=auto
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift ;;
    --accel) ACCEL="$2"; shift ;;
    *) echo "usage: bench/boot.sh [--runs N] [--accel auto|kvm|tcg]" >&2; exit 2 ;;
  esac
  shift
done

OUT="$ROOT/artifacts/bench"
mkdir -p "$OUT"
echo "==> publishing samples/Hello as a unikernel and as a native Linux executable" >&2
dotnet publish "$ROOT/samples/Hello" -r unikraft-qemu-x64 -c Release -o "$OUT/uk" -v:q -nologo >&2
dotnet publish "$ROOT/samples/Hello" -r linux-x64 -c Release -o "$OUT/native" -p:PublishAot=true -p:InvariantGlobalization=true -v:q -nologo >&2
exec python3 "$ROOT/bench/boot_measure.py" --image "$OUT/uk/Hello.qemu" --native "$OUT/native/Hello" \
  --runs "$RUNS" --accel "$ACCEL"
