#!/usr/bin/env bash
# bench/compare.sh - the same C# program three ways, side by side in one run: the unikernel image, a native
# Linux process, and a Linux microVM (Debian's cloud kernel + an initramfs whose /init is the program linked
# statically against musl), on the same QEMU machine, memory and accelerator. Prints a Markdown table and
# writes artifacts/bench/compare.png. Usage: bench/compare.sh [--runs N] [--quick] [--accel auto|kvm|tcg]
# (run ./build.sh first; the script fetches the Debian kernel with apt-get download).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=10
ACCEL=auto
QUICK=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift ;;
    --accel) ACCEL="$2"; shift ;;
    --quick) QUICK=1; RUNS=2 ;;
    *) echo "usage: bench/compare.sh [--runs N] [--quick] [--accel auto|kvm|tcg]" >&2; exit 2 ;;
  esac
  shift
done

OUT="$ROOT/artifacts/bench/compare"
mkdir -p "$OUT/linux"

# The Linux guest: the kernel of Debian's linux-image-cloud-amd64, fetched from Debian's archive.
if ! ls "$OUT"/linux/vmlinuz-* >/dev/null 2>&1; then
  echo "==> fetching Debian's cloud kernel (linux-image-cloud-amd64)" >&2
  kpkg="$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')"
  if [[ -z "$kpkg" ]]; then
    apt-get update -qq >&2 || sudo apt-get update -qq >&2
    kpkg="$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')"
  fi
  (cd "$OUT/linux" && apt-get download "$kpkg" >&2 2>/dev/null && dpkg-deb -x ./*.deb root && \
    cp root/boot/vmlinuz-* . && rm -rf root ./*.deb)
fi

echo "==> publishing samples/Hello and tests/apps/Conformance" >&2
for app in samples/Hello tests/apps/Conformance; do
  name="$(basename "$app")"
  dotnet publish "$ROOT/$app" -r unikraft-qemu-x64 -c Release -o "$OUT/uk/$name" -v:q -nologo \
    -p:UnikraftRuntimePackDir="$ROOT/artifacts/runtime-packs/unikraft-qemu-x64" >&2
done
dotnet publish "$ROOT/samples/Hello" -r linux-x64 -c Release -o "$OUT/native" -p:PublishAot=true \
  -p:InvariantGlobalization=true -v:q -nologo >&2

# The chart needs Debian's matplotlib (for /usr/bin/python3); the quick mode does without.
if [[ $QUICK -eq 0 ]] && ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null && command -v apt-get >/dev/null; then
  echo "==> installing python3-matplotlib for the chart" >&2
  { [[ $EUID -eq 0 ]] && apt-get install -y -qq --no-install-recommends python3-matplotlib >&2; } || \
    sudo apt-get install -y -qq --no-install-recommends python3-matplotlib >&2 || true
fi
PY=python3
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null && PY=/usr/bin/python3
args=(--root "$ROOT" --out "$OUT" --runs "$RUNS" --accel "$ACCEL")
[[ $QUICK -eq 1 ]] && args+=(--quick)
exec "$PY" "$ROOT/bench/compare.py" "${args[@]}"
