#!/usr/bin/env bash
# bench/web.sh - the web benchmark: the app of the `unikernel-web` template (ASP.NET Core minimal API, Kestrel on port
# 8080), generated from templates/Unikraft.Templates/content/unikernel-web as `dotnet new` would, measured three ways
# in one run: the unikernel on QEMU microvm, the same app in the Linux microVM of compare.sh/net.sh (same QEMU, NIC
# model, MAC, memory and accelerator: the baseline of the verdict), both on a tap device in a network namespace this
# script creates, and a native process over loopback in that namespace. Per variant: launch to the first successful
# HTTP response (cold start, median of R boots), requests/s and p50/p99 latency with wrk at 1, 16 and 256
# connections, the smallest -m that serves (VMs) and the size of what boots. Prints Markdown tables and a verdict
# (also artifacts/bench/web/web.md) and writes artifacts/bench/web/web.png.
# Usage: bench/web.sh [--quick] [--accel auto|kvm|tcg] [--runs R] [--seconds S] [--connections 1,16,256]
#   --quick   2 cold starts, 2 s of wrk at 1 and 16 connections, no memory search, no chart (what CI runs)
# Needs root (or sudo) for the namespace and its tap device, gcc, wrk (installed from Debian when missing), and
# ./build.sh first; fetches Debian's cloud kernel with apt-get download.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ACCEL=auto
QUICK=0
RUNS=10
SECONDS_PER=10
CONNECTIONS=1,16,256
usage() {
  echo "usage: bench/web.sh [--quick] [--accel auto|kvm|tcg] [--runs R] [--seconds S] [--connections 1,16,256]" >&2
  exit 2
}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --accel) ACCEL="${2:?}"; shift ;;
    --runs) RUNS="${2:?}"; shift ;;
    --seconds) SECONDS_PER="${2:?}"; shift ;;
    --connections) CONNECTIONS="${2:?}"; shift ;;
    --quick) QUICK=1; RUNS=2; SECONDS_PER=2; CONNECTIONS=1,16 ;;
    *) usage ;;
  esac
  shift
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ && "$SECONDS_PER" =~ ^[1-9][0-9]*$ && "$CONNECTIONS" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ &&
   "$ACCEL" =~ ^(auto|kvm|tcg)$ ]] || usage
source "$ROOT/bench/benchlib.sh"

OUT="$ROOT/artifacts/bench/web"
APP="$OUT/WebApp"
PACK="$ROOT/artifacts/runtime-packs/unikraft-qemu-x64"
UK_NA=""
LINUX_NA=""

require_netns_tools bench/web.sh "the Linux VM's /init (bench/apps/LinuxInit)"
if ! command -v wrk >/dev/null; then
  echo "==> installing wrk (Debian's package) for the load" >&2
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends wrk >&2 ||
    { "${sudo[@]}" apt-get update -qq >&2 && "${sudo[@]}" apt-get install -y -qq --no-install-recommends wrk >&2; }
fi

# The template's project as `dotnet new unikernel-web -n WebApp` makes it: its files, the project named after the
# folder and the SDK version the template package would write (this repository's, as bench/global.json names it).
version="$(sed -n 's/.*"Unikraft.Sdk": *"\([^"]*\)".*/\1/p' "$ROOT/bench/global.json")"
rm -rf "$APP" && mkdir -p "$APP" "$OUT/linux"
template="$ROOT/templates/Unikraft.Templates/content/unikernel-web"
cp "$template"/*.cs "$template"/*.json "$APP/"
sed "s|UNIKRAFT_SDK_VERSION|$version|" "$template/UnikernelWebApp1.csproj" > "$APP/WebApp.csproj"
sed -i "s/UnikernelWebApp1/WebApp/g" "$APP"/*.cs
# Empty Directory.Build files stop MSBuild's walk up to the repository's own: the app builds as a user's would.
echo '<Project />' > "$OUT/Directory.Build.props"
echo '<Project />' > "$OUT/Directory.Build.targets"

if ! command -v qemu-system-x86_64 >/dev/null; then
  UK_NA="n/a (no qemu-system-x86_64)"
elif [[ ! -f "$PACK/pack.json" ]]; then
  UK_NA="n/a (no runtime pack: run ./build.sh)"
else
  echo "==> publishing the unikernel-web template's app as a unikernel" >&2
  UK_NA="$(publish_app "$APP" unikraft-qemu-x64 "$OUT/uk" "$OUT/publish-uk.log" -p:UnikraftRuntimePackDir="$PACK")" || true
fi
LINUX_NA="$UK_NA"
if [[ -z "$LINUX_NA" ]] && ! fetch_kernel amd64 "$OUT/linux" drivers/virtio/virtio.ko drivers/virtio/virtio_ring.ko \
    drivers/virtio/virtio_mmio.ko net/core/failover.ko drivers/net/net_failover.ko drivers/net/virtio_net.ko; then
  LINUX_NA="n/a (Debian's linux-image-cloud-amd64 could not be fetched)"
fi
gcc -O2 -Wall -static -o "$OUT/linuxinit" "$ROOT/bench/apps/LinuxInit/linuxinit.c"

echo "==> publishing the same app as a native Linux executable" >&2
NATIVE_NA="$(publish_app "$APP" linux-x64 "$OUT/native" "$OUT/publish-native.log" -p:PublishAot=true)" || true

if [[ $QUICK -eq 0 ]]; then ensure_matplotlib; fi
PY="$(bench_python)"

# A namespace of this run's own, as in net.sh: the tap device (10.77.0.1/24 on the host's side, the guests are
# 10.77.0.2 with one MAC), its loopback (the native variant), wrk and every VM; the teardown removes all of it. The
# guest's neighbour entry is permanent, so that a cold start's first SYN does not wait for an ARP retry.
NS="ukweb-$$"
TAP="uktap0"
make_netns "$NS" "$TAP"
"${sudo[@]}" ip -n "$NS" neigh replace 10.77.0.2 lladdr 52:54:00:77:00:02 dev "$TAP" nud permanent

args=(--root "$ROOT" --out "$OUT" --app "$APP" --accel "$ACCEL" --runs "$RUNS" --seconds "$SECONDS_PER"
      --connections "$CONNECTIONS" --tap "$TAP" --uk-na "$UK_NA" --linux-na "$LINUX_NA" --native-na "$NATIVE_NA")
[[ $QUICK -eq 1 ]] && args+=(--quick)
"${sudo[@]}" ip netns exec "$NS" "$PY" "$ROOT/bench/web.py" "${args[@]}"
