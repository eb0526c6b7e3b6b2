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
# a static image. Needs root (or sudo) once to enable Debian source packages. Re-running is a no-op when
# OUT_DIR is complete.
set -euo pipefail
OUT=$(realpath -m "${1:?usage: build-openssl.sh OUT_DIR [x86_64|arm64]}")
ARCH="${2:-x86_64}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$ROOT/artifacts/obj/openssl"
case "$ARCH" in
  x86_64) BUILD="$WORK"; OPENSSL_TARGET=linux-x86_64; ASM_HEADERS="/usr/include/$(gcc -dumpmachine)/asm" ;;
  arm64) BUILD="$WORK/arm64"; OPENSSL_TARGET=linux-aarch64; ASM_HEADERS=/usr/aarch64-linux-gnu/include/asm ;;
  *) echo "build-openssl: unknown architecture '$ARCH' (x86_64 or arm64)" >&2; exit 2 ;;
esac
NUGET="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
[[ -f "$OUT/openssl.json" && -f "$OUT/libcrypto.a" ]] && exit 0
mkdir -p "$OUT" "$WORK" "$BUILD"
sudo=(); [[ $EUID -ne 0 ]] && sudo=(sudo)

# 1. Debian source packages: add deb-src twins of the configured deb sources when there are none.
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  echo "build-openssl: enabling Debian source packages (/etc/apt/sources.list.d/unikraft-sdk-src.*)" >&2
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && grep -q '^Types: *deb$' "$f" && sed 's/^Types: *deb$/Types: deb-src/' "$f" |
      "${sudo[@]}" tee "/etc/apt/sources.list.d/unikraft-sdk-src-$(basename "$f")" >/dev/null
  done
  if [[ -f /etc/apt/sources.list ]] && grep -q '^deb ' /etc/apt/sources.list; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list | "${sudo[@]}" tee /etc/apt/sources.list.d/unikraft-sdk-src.list >/dev/null
  fi
  "${sudo[@]}" apt-get update -qq
fi
for tool in musl-gcc cmake dpkg-source perl; do
  command -v "$tool" >/dev/null || { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends musl-tools cmake dpkg-dev perl linux-libc-dev >/dev/null; break; }
done

# 2. The newest openssl source package whose files the mirror serves (the newest listed may not be).
SRC="$WORK/src"
if [[ ! -d "$SRC/openssl" ]]; then
  rm -rf "$SRC"; mkdir -p "$SRC"
  for version in $(apt-cache showsrc openssl | sed -n 's/^Version: //p' | sort -rV); do
    if (cd "$SRC" && apt-get source --download-only "openssl=$version" >/dev/null 2>&1); then
      (cd "$SRC" && dpkg-source -x openssl_"$version".dsc openssl >/dev/null)
      echo "$version" > "$SRC/version"
      break
    fi
  done
  [[ -d "$SRC/openssl" ]] || { echo "build-openssl: no openssl source package could be downloaded" >&2; exit 1; }
fi

# The C compiler for musl: musl-gcc on x86_64; on arm64 the cross gcc with musl-dev:arm64's specs file
# (what musl-gcc is for the host), and the cross binutils' ar/ranlib (the host's cannot index arm64 objects).
MUSL_CC=musl-gcc; AR=ar; RANLIB=ranlib; NM=nm
if [[ "$ARCH" == arm64 ]]; then
  SPECS=/usr/lib/aarch64-linux-musl/musl-gcc.specs
  for need in aarch64-linux-gnu-gcc aarch64-linux-gnu-ar "$SPECS"; do
    [[ -e "$need" ]] || command -v "$need" >/dev/null ||
      { echo "build-openssl: $need is missing (apt-get install gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu musl-dev:arm64)" >&2; exit 1; }
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

# 3. OpenSSL with musl. musl-gcc hides the kernel's UAPI headers (crypto/mem_sec.c needs
#    <linux/mman.h>): offer just those, after musl's own headers.
KHDR="$BUILD/kheaders"
rm -rf "$KHDR"; mkdir -p "$KHDR"
ln -s /usr/include/linux "$KHDR/linux"
ln -s /usr/include/asm-generic "$KHDR/asm-generic"
ln -s "$ASM_HEADERS" "$KHDR/asm"
PREFIX="$BUILD/prefix"
rm -rf "$BUILD/build" "$PREFIX"; mkdir -p "$BUILD/build"
(cd "$BUILD/build" && CC="$MUSL_CC" AR="$AR" RANLIB="$RANLIB" "$SRC/openssl/Configure" "$OPENSSL_TARGET" --prefix="$PREFIX" \
  --openssldir=/etc/ssl --libdir=lib no-shared no-dso no-async no-engine no-tests no-comp no-ssl3 no-srp no-ts \
  no-afalgeng no-ktls no-zlib -ffunction-sections -fdata-sections -idirafter "$KHDR" >"$BUILD/configure.log" 2>&1 &&
  make -j"$(nproc)" build_libs >"$BUILD/make.log" 2>&1 && make install_dev >"$BUILD/install.log" 2>&1) ||
  { tail -30 "$BUILD"/*.log >&2; exit 1; }

# 4. The crypto shim of the ILCompiler package the SDK uses (restored by a throwaway NativeAOT project).
ILC=$(ls -d "$NUGET"/runtime.linux-x64.microsoft.dotnet.ilcompiler/*/ 2>/dev/null | sort -V | tail -1)
if [[ -z "$ILC" || ! -x "$ILC/native/src/libs/build-local.sh" ]]; then
  mkdir -p "$WORK/restore"
  printf '%s\n' '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType>' \
    '<TargetFramework>net10.0</TargetFramework><PublishAot>true</PublishAot>' \
    '<RuntimeIdentifier>linux-x64</RuntimeIdentifier></PropertyGroup></Project>' > "$WORK/restore/restore.csproj"
  dotnet restore "$WORK/restore" -v:q >&2
  ILC=$(ls -d "$NUGET"/runtime.linux-x64.microsoft.dotnet.ilcompiler/*/ | sort -V | tail -1)
fi
SHIM="$BUILD/shim"
rm -rf "$SHIM"; mkdir -p "$SHIM/libs/System.Security.Cryptography.Native/build"
# The shim's ALPN probe links libcrypto before libssl, which static archives cannot satisfy, and would
# drop ALPN (HTTP/2 over TLS) silently: record the answer when libssl.a has the function.
if "$NM" -g --defined-only "$PREFIX/lib/libssl.a" 2>/dev/null | grep -w SSL_get0_alpn_selected >/dev/null; then
  echo 'HAVE_OPENSSL_ALPN:INTERNAL=1' > "$SHIM/libs/System.Security.Cryptography.Native/build/CMakeCache.txt"
fi
CC="$MUSL_CC" OPENSSL_ROOT_DIR="$PREFIX" CFLAGS="-O2 -ffunction-sections -fdata-sections" \
  sh "$ILC/native/src/libs/build-local.sh" "$ILC" "$SHIM/" System.Security.Cryptography.Native >"$BUILD/shim.log" 2>&1 ||
  { tail -30 "$BUILD/shim.log" >&2; exit 1; }

cp "$PREFIX/lib/libssl.a" "$PREFIX/lib/libcrypto.a" \
   "$SHIM/libs/System.Security.Cryptography.Native/build/libSystem.Security.Cryptography.Native.OpenSsl.a" "$OUT/"
printf '{"openssl":"%s","runtimeVersion":"%s"}\n' "$(cat "$SRC/version")" "$(basename "$ILC")" > "$OUT/openssl.json"
echo "build-openssl: OpenSSL $(cat "$SRC/version") and the .NET $(basename "$ILC") crypto shim for $ARCH in $OUT" >&2
