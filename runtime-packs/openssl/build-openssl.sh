#!/usr/bin/env bash
# build-openssl.sh OUT_DIR - OpenSSL and .NET's crypto shim built against musl, for the runtime pack:
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
OUT=$(realpath -m "${1:?usage: build-openssl.sh OUT_DIR}")
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$ROOT/artifacts/obj/openssl"
NUGET="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
[[ -f "$OUT/openssl.json" && -f "$OUT/libcrypto.a" ]] && exit 0
mkdir -p "$OUT" "$WORK"
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

# 3. OpenSSL with musl-gcc. musl-gcc hides the kernel's UAPI headers (crypto/mem_sec.c needs
#    <linux/mman.h>): offer just those, after musl's own headers.
KHDR="$WORK/kheaders"
rm -rf "$KHDR"; mkdir -p "$KHDR"
ln -s /usr/include/linux "$KHDR/linux"
ln -s /usr/include/asm-generic "$KHDR/asm-generic"
ln -s "/usr/include/$(gcc -dumpmachine)/asm" "$KHDR/asm"
PREFIX="$WORK/prefix"
rm -rf "$WORK/build" "$PREFIX"; mkdir -p "$WORK/build"
(cd "$WORK/build" && CC=musl-gcc "$SRC/openssl/Configure" linux-x86_64 --prefix="$PREFIX" --openssldir=/etc/ssl \
  --libdir=lib no-shared no-dso no-async no-engine no-tests no-comp no-ssl3 no-srp no-ts no-afalgeng no-ktls \
  no-zlib -ffunction-sections -fdata-sections -idirafter "$KHDR" >"$WORK/configure.log" 2>&1 &&
  make -j"$(nproc)" build_libs >"$WORK/make.log" 2>&1 && make install_dev >"$WORK/install.log" 2>&1) ||
  { tail -30 "$WORK"/*.log >&2; exit 1; }

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
SHIM="$WORK/shim"
rm -rf "$SHIM"; mkdir -p "$SHIM/libs/System.Security.Cryptography.Native/build"
# The shim's ALPN probe links libcrypto before libssl, which static archives cannot satisfy, and would
# drop ALPN (HTTP/2 over TLS) silently: record the answer when libssl.a has the function.
if nm -g --defined-only "$PREFIX/lib/libssl.a" 2>/dev/null | grep -w SSL_get0_alpn_selected >/dev/null; then
  echo 'HAVE_OPENSSL_ALPN:INTERNAL=1' > "$SHIM/libs/System.Security.Cryptography.Native/build/CMakeCache.txt"
fi
CC=musl-gcc OPENSSL_ROOT_DIR="$PREFIX" CFLAGS="-O2 -ffunction-sections -fdata-sections" \
  sh "$ILC/native/src/libs/build-local.sh" "$ILC" "$SHIM/" System.Security.Cryptography.Native >"$WORK/shim.log" 2>&1 ||
  { tail -30 "$WORK/shim.log" >&2; exit 1; }

cp "$PREFIX/lib/libssl.a" "$PREFIX/lib/libcrypto.a" \
   "$SHIM/libs/System.Security.Cryptography.Native/build/libSystem.Security.Cryptography.Native.OpenSsl.a" "$OUT/"
printf '{"openssl":"%s","runtimeVersion":"%s"}\n' "$(cat "$SRC/version")" "$(basename "$ILC")" > "$OUT/openssl.json"
echo "build-openssl: OpenSSL $(cat "$SRC/version") and the .NET $(basename "$ILC") crypto shim in $OUT" >&2
