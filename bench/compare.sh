#!/usr/bin/env bash
# bench/compare.sh - the same C# program three ways, side by side in one run, for x86_64 and arm64: the
# unikernel image, a Linux VM (Debian's cloud kernel + an initramfs whose /init is the program linked
# statically against musl) on the same QEMU machine, memory and accelerator, and a native Linux process.
# arm64 runs emulated on an x86_64 host (QEMU TCG; the native process under qemu-aarch64 user mode) and its
# rows say so; the arm64 unikernel row is n/a until ./build.sh has staged the arm64 runtime pack.
# Prints one Markdown table and writes artifacts/bench/compare/compare.png.
# Usage: bench/compare.sh [--runs N] [--quick] [--accel auto|kvm|tcg] [--arch all|x86_64|arm64]
# (run ./build.sh first; the script fetches the Debian kernels with apt-get download).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=10
ACCEL=auto
QUICK=0
ARCH=all
usage() { echo "usage: bench/compare.sh [--runs N] [--quick] [--accel auto|kvm|tcg] [--arch all|x86_64|arm64]" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift ;;
    --accel) ACCEL="$2"; shift ;;
    --quick) QUICK=1; RUNS=2 ;;
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
source "$ROOT/bench/benchlib.sh"

OUT="$ROOT/artifacts/bench/compare"
A64="$OUT/arm64"
mkdir -p "$OUT/linux" "$A64/linux"

if want x86_64; then
  fetch_kernel amd64 "$OUT/linux"
  echo "==> x86_64: publishing samples/Hello and tests/apps/Conformance" >&2
  for app in samples/Hello tests/apps/Conformance; do
    name="$(basename "$app")"
    dotnet publish "$ROOT/$app" -r unikraft-qemu-x64 -c Release -o "$OUT/uk/$name" -v:q -nologo \
      -p:UnikraftRuntimePackDir="$ROOT/artifacts/runtime-packs/unikraft-qemu-x64" >&2
  done
  dotnet publish "$ROOT/samples/Hello" -r linux-x64 -c Release -o "$OUT/native" -p:PublishAot=true \
    -p:InvariantGlobalization=true -v:q -nologo >&2
fi

# arm64: the cross binutils and gcc (link, libgcc), musl for arm64, QEMU for aarch64 (system and user mode).
# Missing ones are installed when apt-get can; otherwise the arm64 rows say n/a and why.
ARM64_NA=""
ARM64_UK_NA=""
if want arm64; then
  missing=()
  for entry in binutils-aarch64-linux-gnu=aarch64-linux-gnu-ld gcc-aarch64-linux-gnu=aarch64-linux-gnu-gcc \
               musl-dev:arm64=/usr/lib/aarch64-linux-musl/libc.a qemu-system-arm=qemu-system-aarch64 \
               qemu-user-static=qemu-aarch64-static; do
    probe="${entry#*=}"
    if [[ "$probe" == /* ]]; then [[ -e "$probe" ]] && continue
    else command -v "$probe" >/dev/null 2>&1 && continue
    fi
    [[ "$probe" == qemu-aarch64-static ]] && command -v qemu-aarch64 >/dev/null 2>&1 && continue
    missing+=("${entry%%=*}")
  done
  if [[ ${#missing[@]} -gt 0 ]] && command -v apt-get >/dev/null && { [[ $EUID -eq 0 ]] || command -v sudo >/dev/null; }; then
    echo "==> arm64: installing ${missing[*]}" >&2
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then "${sudo[@]}" dpkg --add-architecture arm64; fi
    { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 && missing=()
  fi
  if [[ ${#missing[@]} -gt 0 ]]; then
    ARM64_NA="n/a (missing: ${missing[*]})"
  elif ! fetch_kernel arm64 "$A64/linux"; then
    ARM64_NA="n/a (Debian's linux-image-cloud-arm64 could not be fetched)"
  fi
fi

if want arm64 && [[ -z "$ARM64_NA" ]]; then
  # The Linux VM's /init: the programs compiled by ilc for linux-arm64 (cross-compiling from this host), only
  # to the object; compare.py links it with aarch64 musl. Built under $A64, away from the projects' own obj/.
  echo "==> arm64: compiling samples/Hello and tests/apps/Conformance for linux-arm64 (ilc)" >&2
  for app in samples/Hello tests/apps/Conformance; do
    dotnet msbuild "$ROOT/$app" -restore -v:q -nologo \
      -t:"Build;ImportRuntimeIlcPackageTarget;SetupProperties;ComputeIlcCompileInputs;IlcCompile" \
      -p:RuntimeIdentifier=linux-arm64 -p:Configuration=Release -p:PublishAot=true -p:SelfContained=true \
      -p:InvariantGlobalization=true -p:UseArtifactsOutput=true -p:ArtifactsPath="$A64" >&2
  done

  # The unikernel: what `dotnet publish -r unikraft-qemu-arm64` makes, once ./build.sh has staged the pack.
  rm -rf "$A64/uk"
  PACK64="$ROOT/artifacts/runtime-packs/unikraft-qemu-arm64"
  if [[ ! -f "$PACK64/pack.json" ]]; then
    ARM64_UK_NA="n/a (no arm64 runtime pack)"
  else
    echo "==> arm64: publishing samples/Hello and tests/apps/Conformance as unikernels" >&2
    for app in samples/Hello tests/apps/Conformance; do
      name="$(basename "$app")"
      if ! dotnet publish "$ROOT/$app" -r unikraft-qemu-arm64 -c Release -o "$A64/uk/$name" -v:q -nologo \
          -p:UnikraftRuntimePackDir="$PACK64" > "$A64/publish.log" 2>&1; then
        tail -n 15 "$A64/publish.log" >&2
        code="$(grep -o -m1 'error [A-Z]*[0-9]*' "$A64/publish.log" | head -n1 | cut -d' ' -f2 || true)"
        ARM64_UK_NA="n/a (dotnet publish -r unikraft-qemu-arm64 failed${code:+: $code})"
        rm -rf "$A64/uk"
        break
      fi
    done
  fi
fi

# The chart needs Debian's matplotlib (for /usr/bin/python3); the quick mode does without.
if [[ $QUICK -eq 0 ]]; then ensure_matplotlib; fi
PY="$(bench_python)"
args=(--root "$ROOT" --out "$OUT" --runs "$RUNS" --accel "$ACCEL" --arch "$ARCH" --arm64-na "$ARM64_NA"
      --arm64-uk-na "$ARM64_UK_NA")
[[ $QUICK -eq 1 ]] && args+=(--quick)
exec "$PY" "$ROOT/bench/compare.py" "${args[@]}"
