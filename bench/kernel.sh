#!/usr/bin/env bash
# bench/kernel.sh - kernel micro-benchmarks of the unikernel against the same program as a native Linux
# process, in one run: syscall round trip, thread switch (futex ping-pong), GC-heavy allocation, and
# the host CPU an idle unikernel uses. Usage: bench/kernel.sh [--runs N] [--accel auto|kvm|tcg]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=5
ACCEL=auto
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift ;;
    --accel) ACCEL="$2"; shift ;;
    *) echo "usage: bench/kernel.sh [--runs N] [--accel auto|kvm|tcg]" >&2; exit 2 ;;
  esac
  shift
done
OUT="$ROOT/artifacts/bench/micro"
mkdir -p "$OUT"
echo "==> publishing bench/apps/Micro as a unikernel and as a native Linux executable" >&2
dotnet publish "$ROOT/bench/apps/Micro" -r unikraft-qemu-x64 -c Release -o "$OUT/uk" -v:q -nologo >&2
dotnet publish "$ROOT/bench/apps/Micro" -r linux-x64 -c Release -o "$OUT/native" -p:PublishAot=true \
  -p:InvariantGlobalization=true -v:q -nologo >&2
exec python3 "$ROOT/bench/kernel_measure.py" --image "$OUT/uk/Micro.qemu" --native "$OUT/native/Micro" \
  --runs "$RUNS" --accel "$ACCEL"
