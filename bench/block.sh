#!/usr/bin/env bash
# bench/block.sh - the virtio-blk benchmark: bench/apps/BlockCopy measures, timed inside the guest, throughput and
# latency (sequential 1 MiB reads and writes; random 4 KiB reads and writes, one at a time and 8 outstanding through
# RandomAccess.ReadAsync/WriteAsync) and MirageOS's block benchmark (copy a 50 MiB disk onto a second disk with
# buffers of 1 to 2000 sectors, one request at a time and 8 in parallel), in one run for three variants under the
# same accelerator: the unikernel on QEMU microvm, the same program in the Linux microVM of compare.sh (same QEMU,
# disks, memory and accelerator: the baseline of the verdict), each with its disks opened with O_DIRECT and through
# its kernel's page cache, and a native process on the same image files.
# Prints two Markdown tables and a verdict (also artifacts/bench/block/block.md) and writes
# artifacts/bench/block/block.png.
# Usage: bench/block.sh [--runs N] [--quick] [--accel auto|kvm|tcg] [--size-mib M] [--native-direct] [--io MODES]
#   --quick          a 4 MiB disk, 1,024 random requests per test, buffers of 1, 50 and 2000 sectors, 1 run, no chart
#   --native-direct  the native process opens the image files with O_DIRECT (default: through the host's page
#                    cache, where QEMU's default cache mode puts the VMs' requests too)
#   --io MODES       the VMs' I/O modes: direct, buffered, or direct,buffered (default)
# (run ./build.sh first; the script fetches Debian's cloud kernel with apt-get download).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=3
ACCEL=auto
QUICK=0
SIZE_MIB=50
NATIVE_DIRECT=0
IO=direct,buffered
usage() { echo "usage: bench/block.sh [--runs N] [--quick] [--accel auto|kvm|tcg] [--size-mib M] [--native-direct] [--io MODES]" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift ;;
    --accel) ACCEL="$2"; shift ;;
    --size-mib) SIZE_MIB="$2"; shift ;;
    --quick) QUICK=1; RUNS=1; SIZE_MIB=4 ;;
    --native-direct) NATIVE_DIRECT=1 ;;
    --io) IO="$2"; shift ;;
    *) usage ;;
  esac
  shift
done
source "$ROOT/bench/benchlib.sh"

OUT="$ROOT/artifacts/bench/block"
mkdir -p "$OUT/linux"
APP="$ROOT/bench/apps/BlockCopy"
PACK="$ROOT/artifacts/runtime-packs/unikraft-qemu-x64"
UK_NA=""
LINUX_NA=""
NATIVE_NA=""


# The unikernel; the Linux microVM's /init is linked from the same NativeAOT object (obj/…/unikraft-qemu-x64).
if ! command -v qemu-system-x86_64 >/dev/null; then
  UK_NA="n/a (no qemu-system-x86_64)"
elif [[ ! -f "$PACK/pack.json" ]]; then
  UK_NA="n/a (no runtime pack: run ./build.sh)"
else
  echo "==> publishing bench/apps/BlockCopy as a unikernel" >&2
  UK_NA="$(publish_app "$APP" unikraft-qemu-x64 "$OUT/uk" "$OUT/publish-uk.log" -p:UnikraftRuntimePackDir="$PACK")" || true
fi
LINUX_NA="$UK_NA"
if [[ -z "$LINUX_NA" ]] && ! fetch_kernel amd64 "$OUT/linux" drivers/virtio/virtio.ko drivers/virtio/virtio_ring.ko \
    drivers/virtio/virtio_mmio.ko drivers/block/virtio_blk.ko; then
  LINUX_NA="n/a (Debian's linux-image-cloud-amd64 could not be fetched)"
fi

echo "==> publishing bench/apps/BlockCopy as a native Linux executable" >&2
NATIVE_NA="$(publish_app "$APP" linux-x64 "$OUT/native" "$OUT/publish-native.log" -p:PublishAot=true \
  -p:InvariantGlobalization=true)" || true

# The chart needs Debian's matplotlib (for /usr/bin/python3); the quick mode does without.
if [[ $QUICK -eq 0 ]]; then ensure_matplotlib; fi
PY="$(bench_python)"
args=(--root "$ROOT" --out "$OUT" --runs "$RUNS" --accel "$ACCEL" --size-mib "$SIZE_MIB" --uk-na "$UK_NA"
      --linux-na "$LINUX_NA" --native-na "$NATIVE_NA" --io "$IO")
[[ $QUICK -eq 1 ]] && args+=(--quick)
[[ $NATIVE_DIRECT -eq 1 ]] && args+=(--native-direct)
exec "$PY" "$ROOT/bench/block.py" "${args[@]}"
