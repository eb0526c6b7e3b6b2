#!/usr/bin/env bash
# bench/boot.sh - boot benchmark of the sample unikernel, for x86_64 and arm64, against two baselines measured in
# the same run: an empty kernel that exits at once on the same QEMU machine and accelerator (what QEMU itself
# costs: bench/empty/), and the same program as a native Linux process (x86_64). Prints image size, launch to the
# first output line and to exit (median and spread of RUNS runs), Hello's launch-to-exit as a ratio to the empty
# kernel's, the guest's own time from its entry to Main's first line (the kernel's boot timeline, uk.log=debug),
# and the smallest guest memory (-m) that still runs Hello.
# Usage: bench/boot.sh [--runs N] [--accel auto|kvm|tcg] [--arch all|x86_64|arm64]   (run ./build.sh first)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=10
ACCEL=auto
ARCH=all
usage() { echo "usage: bench/boot.sh [--runs N] [--accel auto|kvm|tcg] [--arch all|x86_64|arm64]" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift ;;
    --accel) ACCEL="$2"; shift ;;
    --arch)
      case "$2" in
        all) ARCH=all ;; x86_64|x64|amd64) ARCH=x86_64 ;; arm64|aarch64) ARCH=arm64 ;; *) usage ;;
      esac
      shift ;;
    *) usage ;;
  esac
  shift
done
want() { [[ $ARCH == all || $ARCH == "$1" ]]; }

OUT="$ROOT/artifacts/bench/boot"
mkdir -p "$OUT"
args=(--runs "$RUNS" --accel "$ACCEL")
if want x86_64; then
  echo "==> x86_64: the empty kernel, samples/Hello as a unikernel and as a native Linux executable" >&2
  as --64 -o "$OUT/empty_x86_64.o" "$ROOT/bench/empty/empty_x86_64.S"
  ld -m elf_x86_64 -T "$ROOT/bench/empty/empty_x86_64.ld" -o "$OUT/empty_x86_64.elf" "$OUT/empty_x86_64.o"
  dotnet publish "$ROOT/samples/Hello" -r unikraft-qemu-x64 -c Release -o "$OUT/uk-x64" -v:q -nologo >&2
  dotnet publish "$ROOT/samples/Hello" -r linux-x64 -c Release -o "$OUT/native" -p:PublishAot=true \
    -p:InvariantGlobalization=true -v:q -nologo >&2
  args+=(--x64-image "$OUT/uk-x64/Hello.qemu" --x64-empty "$OUT/empty_x86_64.elf" --native "$OUT/native/Hello")
fi
if want arm64; then
  if [[ -d "$ROOT/artifacts/runtime-packs/unikraft-qemu-arm64" ]] && command -v aarch64-linux-gnu-as >/dev/null; then
    echo "==> arm64: the empty kernel and samples/Hello as a unikernel" >&2
    aarch64-linux-gnu-as -o "$OUT/empty_arm64.o" "$ROOT/bench/empty/empty_arm64.S"
    aarch64-linux-gnu-ld -Ttext=0 -o "$OUT/empty_arm64.elf" "$OUT/empty_arm64.o"
    aarch64-linux-gnu-objcopy -O binary "$OUT/empty_arm64.elf" "$OUT/empty_arm64.img"
    dotnet publish "$ROOT/samples/Hello" -r unikraft-qemu-arm64 -c Release -o "$OUT/uk-arm64" -v:q -nologo >&2
    args+=(--arm64-image "$OUT/uk-arm64/Hello.qemu" --arm64-empty "$OUT/empty_arm64.img")
  else
    echo "==> arm64: skipped (no staged arm64 runtime pack or no aarch64 binutils; run ./build.sh)" >&2
  fi
fi
exec python3 "$ROOT/bench/boot_measure.py" "${args[@]}"
