#!/usr/bin/env bash
# bench/net.sh - the network benchmark, MirageOS's TCP benchmark: bench/apps/NetSink is a TCP sink on port 8080;
# N = 1, 2, 3, 4, 8 host clients (bench/apps/NetLoad/netload.c) each send S bytes of zeros (512 MiB by default) at
# once, reported as aggregate bytes/s until the sink has them all; plus 1-byte TCP round trips per second against
# its echo port, and the other direction (N = 1 and 4 clients each fetch S bytes from its source port; the unikernel
# also once more with its NIC's HOST_TSO off, to show what merged segments are worth). In one run for three variants: the unikernel on QEMU microvm, the same program in the Linux
# microVM of compare.sh/block.sh (same QEMU, NIC model, MAC, memory and accelerator: the baseline of the verdict),
# both on a tap device in a network namespace this script creates (no vhost-net), and a native process over
# loopback in that namespace. Prints Markdown tables and a verdict (also artifacts/bench/net/net.md) and writes
# artifacts/bench/net/net.png.
# Usage: bench/net.sh [--quick] [--accel auto|kvm|tcg] [--size-mib S] [--clients 1,2,3,4,8] [--sources 1,4]
#                     [--rr-seconds T] [--runs R] [--kernel-args "uk.log=debug ..."]
#   --quick        8 MiB per client, N = 1 and 2, sending with N = 1, 3 s of round trips, no chart (what CI runs)
#   --size-mib S   MiB each client sends (default 512, MirageOS's)
#   --kernel-args  extra options for the unikernel's command line (diagnosis: uk.log=debug, uk.strace)
# Needs root (or sudo) for the namespace and its tap device, gcc, and ./build.sh first; fetches Debian's cloud
# kernel with apt-get download.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ACCEL=auto
QUICK=0
SIZE_MIB=512
CLIENTS=1,2,3,4,8
SOURCES=1,4
RR_SECONDS=10
RUNS=1
KARGS=""
usage() {
  echo "usage: bench/net.sh [--quick] [--accel auto|kvm|tcg] [--size-mib S] [--clients 1,2,3,4,8] [--sources 1,4]" \
       "[--rr-seconds T] [--runs R] [--kernel-args TEXT]" >&2
  exit 2
}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --accel) ACCEL="${2:?}"; shift ;;
    --size-mib) SIZE_MIB="${2:?}"; shift ;;
    --clients) CLIENTS="${2:?}"; shift ;;
    --sources) SOURCES="${2:?}"; shift ;;
    --rr-seconds) RR_SECONDS="${2:?}"; shift ;;
    --runs) RUNS="${2:?}"; shift ;;
    --kernel-args) KARGS="${2?}"; shift ;;
    --quick) QUICK=1; SIZE_MIB=8; CLIENTS=1,2; SOURCES=1; RR_SECONDS=3; RUNS=1 ;;
    *) usage ;;
  esac
  shift
done
[[ "$SIZE_MIB" =~ ^[1-9][0-9]*$ && "$RR_SECONDS" =~ ^[1-9][0-9]*$ && "$RUNS" =~ ^[1-9][0-9]*$ &&
   "$CLIENTS" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ && "$SOURCES" =~ ^([1-9][0-9]*(,[1-9][0-9]*)*)?$ &&
   "$ACCEL" =~ ^(auto|kvm|tcg)$ ]] || usage
source "$ROOT/bench/benchlib.sh"

OUT="$ROOT/artifacts/bench/net"
mkdir -p "$OUT/linux"
APP="$ROOT/bench/apps/NetSink"
PACK="$ROOT/artifacts/runtime-packs/unikraft-qemu-x64"
UK_NA=""
LINUX_NA=""
NATIVE_NA=""

# The network namespace and tap device must exist before anything else is worth doing.
require_netns_tools bench/net.sh "the load generator (bench/apps/NetLoad)"


# The unikernel; the Linux microVM's /init is linked from the same NativeAOT object (obj/…/unikraft-qemu-x64).
if ! command -v qemu-system-x86_64 >/dev/null; then
  UK_NA="n/a (no qemu-system-x86_64)"
elif [[ ! -f "$PACK/pack.json" ]]; then
  UK_NA="n/a (no runtime pack: run ./build.sh)"
else
  echo "==> publishing bench/apps/NetSink as a unikernel" >&2
  UK_NA="$(publish_app "$APP" unikraft-qemu-x64 "$OUT/uk" "$OUT/publish-uk.log" -p:UnikraftRuntimePackDir="$PACK")" || true
fi
LINUX_NA="$UK_NA"
# virtio-net needs net_failover, which needs failover; virtio and virtio-mmio as for the disks of block.sh.
if [[ -z "$LINUX_NA" ]] && ! fetch_kernel amd64 "$OUT/linux" drivers/virtio/virtio.ko drivers/virtio/virtio_ring.ko \
    drivers/virtio/virtio_mmio.ko net/core/failover.ko drivers/net/net_failover.ko drivers/net/virtio_net.ko; then
  LINUX_NA="n/a (Debian's linux-image-cloud-amd64 could not be fetched)"
fi

echo "==> publishing bench/apps/NetSink as a native Linux executable" >&2
NATIVE_NA="$(publish_app "$APP" linux-x64 "$OUT/native" "$OUT/publish-native.log" -p:PublishAot=true)" || true

echo "==> compiling the load generator (bench/apps/NetLoad/netload.c)" >&2
gcc -O2 -Wall -pthread -o "$OUT/netload" "$ROOT/bench/apps/NetLoad/netload.c"

# The chart needs Debian's matplotlib (for /usr/bin/python3); the quick mode does without.
if [[ $QUICK -eq 0 ]]; then ensure_matplotlib; fi
PY="$(bench_python)"

# A namespace of this run's own: the tap device (the VMs' link, 10.77.0.1/24 on the host's side; the guests are
# 10.77.0.2), its loopback (the native variant) and every client and VM process live in it, so nothing touches the
# host's network and ports, and the teardown (on any exit) removes all of it.
NS="ukbench-$$"
TAP="uktap0"
make_netns "$NS" "$TAP"

args=(--root "$ROOT" --out "$OUT" --accel "$ACCEL" --size-mib "$SIZE_MIB" --clients "$CLIENTS" --sources "$SOURCES"
      --runs "$RUNS"
      --rr-seconds "$RR_SECONDS" --tap "$TAP" --kernel-args "$KARGS" --uk-na "$UK_NA" --linux-na "$LINUX_NA"
      --native-na "$NATIVE_NA")
[[ $QUICK -eq 1 ]] && args+=(--quick)
"${sudo[@]}" ip netns exec "$NS" "$PY" "$ROOT/bench/net.py" "${args[@]}"
