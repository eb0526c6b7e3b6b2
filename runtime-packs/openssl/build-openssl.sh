#!/usr/bin/env bash
# build-openssl.sh OUT_DIR [ARCH] - OpenSSL and .NET's crypto shim built against musl, for the runtime pack
# of ARCH (x86_64, the default, or arm64: cross-compiled with aarch64-linux-gnu-gcc and musl-dev:arm64):
#   OUT_DIR/libssl.a, libcrypto.a             OpenSSL from Debian's source package (no dlopen: the legacy
#                                             provider is built in), compiled with musl-gcc
#   OUT_DIR/libSystem.Security.Cryptography.Native.OpenSsl.a
#                                             NativeAOT's crypto shim in static-OpenSSL mode (its own
#                                             build-local.sh from the ILCompiler package), against that OpenSSL
#   OUT_DIR/openssl.json                      the OpenSSL version and the .NET runtime version of the shim
# The SDK links these instead of NativeAOT's dlopen-based shim, so System.Security.Cryptography works in
# a static image. The host packages come from build.sh (its prerequisite list); this script enables Debian
# source packages when apt has none (needs root or sudo once). Re-running is a no-op when OUT_DIR is complete.
# Every failing step names itself, shows the end of its log and says how to fix it.
set -euo pipefail
OUT=$(realpath -m "${1:?usage: build-openssl.sh OUT_DIR [x86_64|arm64]}")
ARCH="${2:-x86_64}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$ROOT/artifacts/obj/openssl"
case "$ARCH" in
  x86_64) BUILD="$WORK/x86_64"; OPENSSL_TARGET=linux-x86_64; ASM_HEADERS=/usr/include/x86_64-linux-gnu/asm
          ASM_PACKAGE=linux-libc-dev ;;
  arm64) BUILD="$WORK/arm64"; OPENSSL_TARGET=linux-aarch64; ASM_HEADERS=/usr/aarch64-linux-gnu/include/asm
         ASM_PACKAGE=linux-libc-dev-arm64-cross ;;
  *) echo "build-openssl: unknown architecture '$ARCH' (x86_64 or arm64)" >&2; exit 2 ;;
esac
[[ -f "$OUT/openssl.json" && -f "$OUT/libcrypto.a" ]] && exit 0
mkdir -p "$OUT" "$WORK" "$BUILD"
sudo=(); [[ $EUID -ne 0 ]] && sudo=(sudo)

STEP="start"
step() { STEP="$*"; echo "build-openssl ($ARCH): $STEP" >&2; }
# fail HINT [LOG...] - names the step that failed, shows the end of each log, says how to fix it, exits 1.
fail() {
  local hint="$1" log; shift
  echo "build-openssl ($ARCH): FAILED at step '$STEP'" >&2
  for log in "$@"; do
    [[ -s "$log" ]] || continue
    echo "---- last 40 lines of $log ----" >&2
    tail -n 40 "$log" >&2
  done
  echo "build-openssl ($ARCH): fix: $hint" >&2
  exit 1
}
trap 'echo "build-openssl ($ARCH): unexpected error (status $?) at line $LINENO in step '"'"'$STEP'"'"'" >&2' ERR

step "1/5 check the host tools"
for need in musl-gcc cmake dpkg-source perl make xz "$ASM_HEADERS/mman.h"; do
  if [[ "$need" == /* ]]; then [[ -e "$need" ]] && continue; else command -v "$need" >/dev/null && continue; fi
  fail "'$need' is missing: run ./build.sh (it installs the host packages), or apt-get install --no-install-recommends musl-tools cmake dpkg-dev perl make xz-utils $ASM_PACKAGE"
done

step "2/5 Debian's openssl source package"
# deb-src twins of the configured deb sources when apt has none, then fresh package lists when apt knows no
# openssl source (lists never updated, or deb-src just added).
has_deb_src() {
  grep -rqsE '^Types:.*deb-src' /etc/apt/sources.list.d/ || grep -qsE '^deb-src ' /etc/apt/sources.list ||
    grep -rqsE '^deb-src ' /etc/apt/sources.list.d/
}
if ! has_deb_src; then
  echo "build-openssl: enabling Debian source packages (/etc/apt/sources.list.d/unikraft-sdk-src*)" >&2
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" && "$f" != *unikraft-sdk-src* ]] && grep -qE '^Types: *deb *$' "$f" &&
      sed -E 's/^Types: *deb *$/Types: deb-src/' "$f" |
      "${sudo[@]}" tee "/etc/apt/sources.list.d/unikraft-sdk-src-$(basename "$f")" >/dev/null
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" && "$f" != *unikraft-sdk-src* ]] && grep -qE '^deb ' "$f" &&
      sed -n 's/^deb /deb-src /p' "$f" | "${sudo[@]}" tee -a /etc/apt/sources.list.d/unikraft-sdk-src.list >/dev/null
  done
  has_deb_src || fail "apt has no deb sources to derive deb-src lines from; add a deb-src line for your Debian/Ubuntu mirror to /etc/apt/sources.list"
fi
if [[ -z "$(apt-cache showsrc openssl 2>/dev/null | sed -n 's/^Version: //p')" ]]; then
  "${sudo[@]}" apt-get update >"$WORK/apt-update.log" 2>&1 ||
    fail "apt-get update failed: check the mirrors in /etc/apt/sources.list*" "$WORK/apt-update.log"
fi
SRC="$WORK/src"
if [[ ! -d "$SRC/openssl" ]]; then
  rm -rf "$SRC"; mkdir -p "$SRC"
  # The newest version whose files the mirror serves (the newest listed may not be).
  for version in $(apt-cache showsrc openssl | sed -n 's/^Version: //p' | sort -rV); do
    if (cd "$SRC" && apt-get source --download-only "openssl=$version") >>"$WORK/apt-source.log" 2>&1; then
      (cd "$SRC" && dpkg-source -x openssl_"$version".dsc openssl) >"$WORK/dpkg-source.log" 2>&1 ||
        fail "dpkg-source could not unpack openssl $version (needs dpkg-dev and xz-utils)" "$WORK/dpkg-source.log"
      echo "$version" > "$SRC/version"
      break
    fi
  done
  [[ -d "$SRC/openssl" ]] ||
    fail "no openssl source package could be downloaded: check that apt reaches a mirror with deb-src lines (apt-cache showsrc openssl)" "$WORK/apt-source.log"
fi

# The C compiler for musl: musl-gcc on x86_64; on arm64 the cross gcc with musl-dev:arm64's specs file
# (what musl-gcc is for the host), and the cross binutils' ar/ranlib (the host's cannot index arm64 objects).
MUSL_CC=musl-gcc; AR=ar; RANLIB=ranlib; NM=nm
if [[ "$ARCH" == arm64 ]]; then
  SPECS=/usr/lib/aarch64-linux-musl/musl-gcc.specs
  for need in aarch64-linux-gnu-gcc aarch64-linux-gnu-ar "$SPECS"; do
    [[ -e "$need" ]] || command -v "$need" >/dev/null ||
      fail "$need is missing: run ./build.sh, or apt-get install gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu musl-dev:arm64"
  done
  MUSL_CC="$BUILD/aarch64-musl-gcc"
  printf '#!/bin/sh\nexec aarch64-linux-gnu-gcc -specs %s "$@"\n' "$SPECS" > "$MUSL_CC"
  chmod +x "$MUSL_CC"
  AR=aarch64-linux-gnu-ar; RANLIB=aarch64-linux-gnu-ranlib; NM=aarch64-linux-gnu-nm
  # CMake (3.21+) reads a toolchain file from the environment: the shim's build below cross-compiles with it.
  printf '%s\n' 'set(CMAKE_SYSTEM_NAME Linux)' 'set(CMAKE_SYSTEM_PROCESSOR aarch64)' \
    "set(CMAKE_C_COMPILER $MUSL_CC)" 'set(CMAKE_AR aarch64-linux-gnu-ar)' 'set(CMAKE_RANLIB aarch64-linux-gnu-ranlib)' \
    'set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)' > "$BUILD/toolchain.cmake"
  export CMAKE_TOOLCHAIN_FILE="$BUILD/toolchain.cmake"
fi

step "3/5 OpenSSL with musl (logs in $BUILD)"
# musl-gcc hides the kernel's UAPI headers (crypto/mem_sec.c needs <linux/mman.h>): offer just those, after
# musl's own headers.
KHDR="$BUILD/kheaders"
rm -rf "$KHDR"; mkdir -p "$KHDR"
ln -s /usr/include/linux "$KHDR/linux"
ln -s /usr/include/asm-generic "$KHDR/asm-generic"
ln -s "$ASM_HEADERS" "$KHDR/asm"
PREFIX="$BUILD/prefix"
rm -rf "$BUILD/build" "$PREFIX" "$BUILD"/{configure,make,install}.log; mkdir -p "$BUILD/build"
(cd "$BUILD/build" && CC="$MUSL_CC" AR="$AR" RANLIB="$RANLIB" "$SRC/openssl/Configure" "$OPENSSL_TARGET" --prefix="$PREFIX" \
  --openssldir=/etc/ssl --libdir=lib no-shared no-dso no-async no-engine no-tests no-comp no-ssl3 no-srp no-ts \
  no-afalgeng no-ktls no-zlib -ffunction-sections -fdata-sections -idirafter "$KHDR" >"$BUILD/configure.log" 2>&1 &&
  make -j"$(nproc)" build_libs >"$BUILD/make.log" 2>&1 && make install_dev >"$BUILD/install.log" 2>&1) ||
  fail "OpenSSL did not build with $MUSL_CC; the log above names the first error (a missing header usually means a missing -dev package: run ./build.sh)" \
    "$BUILD/configure.log" "$BUILD/make.log" "$BUILD/install.log"

step "4/5 the ILCompiler package the SDK uses (restored by a throwaway NativeAOT project)"
# Restoring is the only reliable way to learn the version the installed SDK picks, and it fills an empty
# NuGet package folder on a fresh machine. The package's path comes from the restore's assets file.
RESTORE="$WORK/restore"
mkdir -p "$RESTORE"
printf '%s\n' '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType>' \
  '<TargetFramework>net10.0</TargetFramework><PublishAot>true</PublishAot>' \
  '<RuntimeIdentifier>linux-x64</RuntimeIdentifier></PropertyGroup></Project>' > "$RESTORE/restore.csproj"
dotnet restore "$RESTORE/restore.csproj" -nologo >"$WORK/restore.log" 2>&1 ||
  fail "dotnet restore of a NativeAOT project failed: check that nuget.org (or your NuGet feed) is reachable" "$WORK/restore.log"
# The assets file is indented JSON with one key a line: the package folder and the package's path in it.
ASSETS="$RESTORE/obj/project.assets.json"
packages=$(sed -n 's/^ *"packagesPath": "\(.*\)",\{0,1\}$/\1/p' "$ASSETS" | head -n 1)
path=$(sed -n 's/^ *"path": "\(runtime\.linux-x64\.microsoft\.dotnet\.ilcompiler\/[^"]*\)",\{0,1\}$/\1/p' "$ASSETS" | head -n 1)
ILC=""; [[ -n "$packages" && -n "$path" ]] && ILC="${packages%/}/$path"
[[ -n "$ILC" && -f "$ILC/native/src/libs/build-local.sh" ]] ||
  fail "the restore did not bring runtime.linux-x64.Microsoft.DotNet.ILCompiler with native/src/libs/build-local.sh (found '${ILC:-nothing}')" "$WORK/restore.log"
ILC=${ILC%/}

step "5/5 NativeAOT's crypto shim against that OpenSSL"
SHIM="$BUILD/shim"
rm -rf "$SHIM"; mkdir -p "$SHIM/libs/System.Security.Cryptography.Native/build"
# The shim's ALPN probe links libcrypto before libssl, which static archives cannot satisfy, and would
# drop ALPN (HTTP/2 over TLS) silently: record the answer when libssl.a has the function.
if "$NM" -g --defined-only "$PREFIX/lib/libssl.a" 2>/dev/null | grep -w SSL_get0_alpn_selected >/dev/null; then
  echo 'HAVE_OPENSSL_ALPN:INTERNAL=1' > "$SHIM/libs/System.Security.Cryptography.Native/build/CMakeCache.txt"
fi
CC="$MUSL_CC" OPENSSL_ROOT_DIR="$PREFIX" CFLAGS="-O2 -ffunction-sections -fdata-sections" \
  sh "$ILC/native/src/libs/build-local.sh" "$ILC" "$SHIM/" System.Security.Cryptography.Native >"$BUILD/shim.log" 2>&1 ||
  fail "the crypto shim did not build (cmake and $MUSL_CC against $PREFIX)" "$BUILD/shim.log"

cp "$PREFIX/lib/libssl.a" "$PREFIX/lib/libcrypto.a" \
   "$SHIM/libs/System.Security.Cryptography.Native/build/libSystem.Security.Cryptography.Native.OpenSsl.a" "$OUT/"
printf '{"openssl":"%s","runtimeVersion":"%s"}\n' "$(cat "$SRC/version")" "$(basename "$ILC")" > "$OUT/openssl.json"
echo "build-openssl: OpenSSL $(cat "$SRC/version") and the .NET $(basename "$ILC") crypto shim for $ARCH in $OUT" >&2
