#!/usr/bin/env bash
# Builds Unikraft.Sdk end to end: host prerequisites (x86_64 and the arm64 cross toolchain), OpenSSL for both
# architectures, lwIP's source (Debian's lwip source package, built into the kernel core), the kernel core and
# runtime packs of the four RIDs (make -C runtime-packs), then the NuGet packages (runtime packs, Unikraft.Sdk,
# Unikraft.Templates, Unikraft.Drivers) into artifacts/packages.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PACKAGES="$ROOT/artifacts/packages"
CONFIGURATION=Release
SKIP_DEPS=0
RUN_TESTS=0

usage() {
  cat <<USAGE
usage: ./build.sh [--skip-deps] [--configuration|-c Release|Debug] [--test]
  --skip-deps        do not check or install the host packages (binutils, gcc, make, musl, QEMU, and
                     their arm64 counterparts: the aarch64 cross gcc/binutils, musl-dev:arm64, qemu-system-arm)
  --configuration    the .NET build configuration (default: Release)
  --test             also install what the tests need (clang-format; clang-14, libclang-rt-14-dev and llvm-14
                     for the kernel's fuzz targets; iproute2 for the network tests; curl for the web tests) and run the test suite
                     (tests/Unikraft.Sdk.Tests) after building
USAGE
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --skip-deps) SKIP_DEPS=1 ;;
    -c|--configuration) CONFIGURATION="${2:?--configuration needs a value}"; shift ;;
    --test) RUN_TESTS=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

STEP="start"
step() { STEP="$*"; printf '\n==> %s\n' "$*"; }
# A failure anywhere names the step it happened in (the scripts it calls print their own log tails and fixes).
trap 'status=$?; echo "build.sh: FAILED (status $status) in step \"$STEP\", line $LINENO; the lines above say why" >&2' ERR

# Each prerequisite as "debian-package=probe". On Debian/Ubuntu a package counts as present only when dpkg
# has it installed (a command of the same name from elsewhere, e.g. /usr/local, does not count); the probe, a
# command name or an absolute file path, is what other systems are checked for. A package named
# "<name>:arm64" is of the foreign architecture arm64 (dpkg --add-architecture arm64). apt installs without
# Recommends, so everything needed is named here, including what Debian only recommends: the kernel UAPI
# headers for both architectures (OpenSSL's crypto/mem_sec.c includes <linux/mman.h> → <asm/mman.h>).
# dpkg-dev and xz-utils also unpack lwIP's source package (runtime-packs/lwip/fetch-lwip.sh).
PREREQUISITES=(
  "ca-certificates=/etc/ssl/certs/ca-certificates.crt"
  "binutils=ld"
  "gcc=gcc"
  "make=make"
  "perl=perl"
  "cmake=cmake"
  "dpkg-dev=dpkg-source"
  "xz-utils=xz"
  "linux-libc-dev=/usr/include/x86_64-linux-gnu/asm/mman.h"
  "musl-dev=/usr/lib/x86_64-linux-musl/libc.a"
  "musl-tools=musl-gcc"
  "qemu-system-x86=qemu-system-x86_64"
  "binutils-aarch64-linux-gnu=aarch64-linux-gnu-ld"
  "gcc-aarch64-linux-gnu=aarch64-linux-gnu-gcc"
  "linux-libc-dev-arm64-cross=/usr/aarch64-linux-gnu/include/asm/mman.h"
  "musl-dev:arm64=/usr/lib/aarch64-linux-musl/libc.a"
  "qemu-system-arm=qemu-system-aarch64"
  "qemu-user-static=qemu-aarch64-static"
)
# What only the test suite needs (--test): the kernel sources' formatting check, the fuzz targets of the
# kernel's parsers (runtime-packs/fuzz: clang with libFuzzer and the sanitizer runtimes, llvm-symbolizer for readable
# reports), iproute2 for the network tests' own namespaces and tap devices, and curl, the web tests' HTTPS and
# HTTP/2 client on the host.
TEST_PREREQUISITES=(
  "clang-format=clang-format"
  "clang-14=clang-14"
  "libclang-rt-14-dev=/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a"
  "llvm-14=/usr/lib/llvm-14/bin/llvm-symbolizer"
  "iproute2=ip"
  "curl=curl"
)

missing_packages() {
  local entry package probe
  for entry in "${PREREQUISITES[@]}"; do
    package="${entry%%=*}" probe="${entry#*=}"
    if command -v dpkg-query >/dev/null 2>&1; then
      # A Multi-Arch: same package is listed once per architecture (musl-dev:amd64, musl-dev:arm64).
      dpkg-query -W -f='${binary:Package} ${db:Status-Status}\n' "${package%:*}" 2>/dev/null |
        grep -qxE "(${package}|${package}:$(dpkg --print-architecture)) installed" || echo "$package"
    elif [[ "$probe" == /* ]]; then [[ -e "$probe" ]] || echo "$package"
    else command -v "$probe" >/dev/null 2>&1 || echo "$package"
    fi
  done
}

# Lets apt install arm64 packages (musl-dev:arm64) next to the host's. Debian serves every architecture from
# the same mirrors. Ubuntu serves arm64 from its ports archive only: the existing Ubuntu sources are limited
# to the host's architecture and a ports source for arm64 is added (/etc/apt/sources.list.d/unikraft-sdk-arm64-ports.*).
enable_arm64_packages() {
  local sudo=("$@") host codename file
  dpkg --print-foreign-architectures | grep -qx arm64 && return 0
  host="$(dpkg --print-architecture)"
  if [[ "$host" != arm64 ]] && grep -qs '^ID=ubuntu' /etc/os-release; then
    codename="$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)"
    echo "enabling arm64 packages from Ubuntu's ports archive for $codename"
    for file in /etc/apt/sources.list.d/*.sources; do
      [[ -f "$file" && "$file" != *unikraft-sdk* ]] || continue
      grep -q '^Architectures:' "$file" ||
        "${sudo[@]}" sed -i "/^URIs:.*ubuntu\.com/a Architectures: $host" "$file"
    done
    if [[ -f /etc/apt/sources.list ]]; then
      "${sudo[@]}" sed -i -E "s#^deb (https?://[^ ]*ubuntu\.com)#deb [arch=$host] \1#" /etc/apt/sources.list
    fi
    printf '%s\n' "Types: deb" "URIs: http://ports.ubuntu.com/ubuntu-ports" \
      "Suites: $codename $codename-updates $codename-security" "Components: main universe" "Architectures: arm64" |
      "${sudo[@]}" tee /etc/apt/sources.list.d/unikraft-sdk-arm64-ports.sources >/dev/null
  fi
  echo "dpkg --add-architecture arm64"
  "${sudo[@]}" dpkg --add-architecture arm64
}

install_prerequisites() {
  local missing log
  mapfile -t missing < <(missing_packages)
  if [[ ${#missing[@]} -eq 0 ]]; then
    echo "host prerequisites: all present"
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "build.sh: missing host packages (Debian names): ${missing[*]}" >&2
    echo "build.sh: this is not a Debian/Ubuntu system; install their equivalents and run again" >&2
    exit 1
  fi
  local sudo=()
  if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "build.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  echo "installing: ${missing[*]}"
  if [[ " ${missing[*]}" == *":arm64"* ]]; then
    enable_arm64_packages "${sudo[@]}"
  fi
  # Always refresh the package lists first: a fresh machine has none, and arm64 was perhaps just added.
  log="$(mktemp)"
  if ! "${sudo[@]}" apt-get update >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "build.sh: apt-get update failed (above); check the mirrors in /etc/apt/sources.list*" >&2
    exit 1
  fi
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
      2>&1 | tee "$log" | grep -E '^(Get|Setting up|E:)'; then
    tail -n 30 "$log" >&2
    echo "build.sh: apt-get install failed (above) for: ${missing[*]}" >&2
    echo "build.sh: fix the apt error (held packages, a missing arm64 architecture or mirror) and run again" >&2
    exit 1
  fi
  rm -f "$log"
  mapfile -t missing < <(missing_packages)
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "build.sh: still missing after apt-get install: ${missing[*]}" >&2
    exit 1
  fi
  echo "host prerequisites: installed"
}

# Removes our packages of this version from the NuGet global packages folder, so that a re-pack of the
# same version is what the next restore uses (NuGet never refreshes an installed version).
purge_stale_packages() {
  local version="$1" root dir
  root="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')"
  [[ -n "$root" && -d "$root" ]] || return 0
  for dir in "$root"/unikraft.*/"${version,,}"; do
    [[ -d "$dir" ]] && { echo "removing stale $dir"; rm -rf "$dir"; }
  done
  return 0
}

if ! command -v dotnet >/dev/null 2>&1; then
  echo "build.sh: the .NET SDK 10 ('dotnet') was not found; install it (https://dot.net) and run again" >&2
  exit 1
fi

if [[ $RUN_TESTS -eq 1 ]]; then
  PREREQUISITES+=("${TEST_PREREQUISITES[@]}")
fi
if [[ $SKIP_DEPS -eq 0 ]]; then
  step "Host prerequisites"
  install_prerequisites
fi

step "Version of the packages (sdk/Unikraft.Sdk)"
VERSION="$(dotnet msbuild "$ROOT/sdk/Unikraft.Sdk/Unikraft.Sdk.csproj" -getProperty:Version -p:Configuration="$CONFIGURATION")"
mkdir -p "$PACKAGES"

step "OpenSSL and the crypto shim for musl (runtime-packs/openssl/build-openssl.sh), x86_64 and arm64"
"$ROOT/runtime-packs/openssl/build-openssl.sh" "$ROOT/artifacts/openssl/x86_64" x86_64
"$ROOT/runtime-packs/openssl/build-openssl.sh" "$ROOT/artifacts/openssl/arm64" arm64

step "lwIP's source for the kernel core (runtime-packs/lwip/fetch-lwip.sh)"
"$ROOT/runtime-packs/lwip/fetch-lwip.sh" "$ROOT/artifacts/lwip/src"

step "Kernel core and runtime packs (make -C runtime-packs)"
make -C "$ROOT/runtime-packs"

for RUNTIME_PACK_PROJECT in "$ROOT"/runtime-packs/Unikraft.Runtime.*/Unikraft.Runtime.*.csproj; do
  step "Runtime pack package $(basename "$RUNTIME_PACK_PROJECT" .csproj)"
  dotnet pack "$RUNTIME_PACK_PROJECT" -c "$CONFIGURATION" -o "$PACKAGES" -nologo
done

step "Unikraft.Sdk $VERSION"
dotnet pack "$ROOT/sdk/Unikraft.Sdk/Unikraft.Sdk.csproj" -c "$CONFIGURATION" -o "$PACKAGES" -nologo

step "Unikraft.Templates $VERSION"
dotnet pack "$ROOT/templates/Unikraft.Templates/Unikraft.Templates.csproj" -c "$CONFIGURATION" -o "$PACKAGES" -nologo

step "Unikraft.Drivers $VERSION"
dotnet pack "$ROOT/drivers/Unikraft.Drivers/Unikraft.Drivers.csproj" -c "$CONFIGURATION" -o "$PACKAGES" -nologo

step "Stale copies of $VERSION in the NuGet cache"
purge_stale_packages "$VERSION"
# Reused MSBuild nodes keep the previous Unikraft.Sdk.Tasks.dll of this version loaded: stop them.
dotnet build-server shutdown --msbuild >/dev/null 2>&1 || true

if [[ $RUN_TESTS -eq 1 ]]; then
  step "Tests"
  dotnet test "$ROOT/tests/Unikraft.Sdk.Tests/Unikraft.Sdk.Tests.csproj" -c "$CONFIGURATION"
fi

step "Done: packages in $PACKAGES"
ls -1 "$PACKAGES"/*.nupkg
