#!/usr/bin/env bash
# fetch-lwip.sh OUT_DIR - lwIP's source from Debian's `lwip` source package (upstream 2.1.3, Debian's patches
# applied), unpacked to OUT_DIR (e.g. artifacts/lwip/src) for the kernel core: runtime-packs/Makefile compiles its
# core with the port of runtime-packs/kernel/lib/lwip. OUT_DIR/lwip.json records the version; it is written
# last, so its presence means OUT_DIR is complete and re-running is a no-op.
# apt-get source needs Debian source packages: they are enabled (deb-src twins of the configured deb sources,
# /etc/apt/sources.list.d/unikraft-sdk-src*, as runtime-packs/openssl/build-openssl.sh does) when apt has none,
# which needs root or sudo once. The host tools (dpkg-dev, xz-utils) come from build.sh's prerequisite list.
# Every failing step names itself, shows the end of its log and says how to fix it.
set -euo pipefail
OUT=$(realpath -m "${1:?usage: fetch-lwip.sh OUT_DIR}")
# The port (lwipopts.h, arch/cc.h) is written for this upstream release; any Debian revision of it will do.
UPSTREAM=2.1.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$ROOT/artifacts/obj/lwip"

grep -qs "\"upstream\":\"$UPSTREAM\"" "$OUT/lwip.json" && [[ -f "$OUT/src/Filelists.mk" ]] && exit 0
mkdir -p "$WORK"
sudo=(); [[ $EUID -ne 0 ]] && sudo=(sudo)

STEP="start"
step() { STEP="$*"; echo "fetch-lwip: $STEP" >&2; }
# fail HINT [LOG...] - names the failed step, shows the end of each log, says how to fix it, exits 1.
fail() {
  local hint="$1" log; shift
  echo "fetch-lwip: FAILED at step '$STEP'" >&2
  for log in "$@"; do
    [[ -s "$log" ]] && { echo "---- last 30 lines of $log ----" >&2; tail -n 30 "$log" >&2; }
  done
  echo "fetch-lwip: fix: $hint" >&2
  exit 1
}
trap 'echo "fetch-lwip: unexpected error (status $?) at line $LINENO in step '"'"'$STEP'"'"'" >&2' ERR

step "1/4 check the host tools"
for tool in apt-get apt-cache dpkg-source xz; do
  command -v "$tool" >/dev/null ||
    fail "'$tool' is missing: run ./build.sh (it installs the host packages), or apt-get install --no-install-recommends dpkg-dev xz-utils"
done

step "2/4 Debian source packages in apt"
# apt knows deb-src lines in one-line (.list) or deb822 (.sources) form.
deb_src_enabled() {
  grep -qsE '^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list ||
    grep -qsE '^Types:.*deb-src' /etc/apt/sources.list.d/*.sources
}
if ! deb_src_enabled; then
  echo "fetch-lwip: enabling Debian source packages (/etc/apt/sources.list.d/unikraft-sdk-src*)" >&2
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" && "$f" != *unikraft-sdk-src* ]] && grep -qE '^Types: *deb *$' "$f" || continue
    sed -E 's/^Types: *deb *$/Types: deb-src/' "$f" |
      "${sudo[@]}" tee "/etc/apt/sources.list.d/unikraft-sdk-src-$(basename "$f")" >/dev/null
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" && "$f" != *unikraft-sdk-src* ]] && grep -qE '^deb ' "$f" || continue
    sed -n 's/^deb /deb-src /p' "$f" | "${sudo[@]}" tee -a /etc/apt/sources.list.d/unikraft-sdk-src.list >/dev/null
  done
  deb_src_enabled ||
    fail "apt has no deb sources to derive deb-src lines from; add a deb-src line for your Debian/Ubuntu mirror to /etc/apt/sources.list"
fi
# Package lists that know no lwip source: never updated, or deb-src just added.
if [[ -z "$(apt-cache showsrc lwip 2>/dev/null | sed -n 's/^Version: //p')" ]]; then
  "${sudo[@]}" apt-get update >"$WORK/apt-update.log" 2>&1 ||
    fail "apt-get update failed: check the mirrors in /etc/apt/sources.list*" "$WORK/apt-update.log"
fi

step "3/4 apt-get source lwip ($UPSTREAM)"
# The newest Debian revision of $UPSTREAM whose files the mirror serves (the newest listed may not be).
versions=$(apt-cache showsrc lwip 2>/dev/null | sed -n 's/^Version: //p' | grep -E "^([0-9]+:)?${UPSTREAM//./\\.}\+" | sort -rVu || true)
[[ -n "$versions" ]] ||
  fail "apt offers no lwip $UPSTREAM source (it offers: $(apt-cache showsrc lwip 2>/dev/null | sed -n 's/^Version: //p' | tr '\n' ' ')); the port is written for Debian 12 (bookworm)'s 2.1.3+dfsg1-2: add a bookworm deb-src line to /etc/apt/sources.list"
DL="$WORK/download"
rm -rf "$DL"; mkdir -p "$DL"
: >"$WORK/apt-source.log"
version=""
for v in $versions; do
  if (cd "$DL" && apt-get source --download-only "lwip=$v") >>"$WORK/apt-source.log" 2>&1; then version=$v; break; fi
done
[[ -n "$version" ]] ||
  fail "no lwip $UPSTREAM source package could be downloaded: check that apt reaches a mirror with deb-src lines (apt-cache showsrc lwip)" "$WORK/apt-source.log"
dsc=("$DL"/lwip_"${version#*:}".dsc)
(cd "$DL" && dpkg-source -x "${dsc[0]}" tree) >"$WORK/dpkg-source.log" 2>&1 ||
  fail "dpkg-source could not unpack lwip $version (needs dpkg-dev and xz-utils; it also checks the files against the .dsc)" "$WORK/dpkg-source.log"

step "4/4 check lwip $version and install it in $OUT"
# The release the tree says it is (src/include/lwip/init.h), and the file lists the Makefile reads.
got=$(sed -nE 's/^#define LWIP_VERSION_(MAJOR|MINOR|REVISION) +([0-9]+).*/\2/p' "$DL/tree/src/include/lwip/init.h" 2>/dev/null | paste -sd.)
[[ "$got" == "$UPSTREAM" ]] ||
  fail "the lwip $version package holds lwIP '${got:-?}' (src/include/lwip/init.h), not $UPSTREAM: the package is not what this script expects; report it"
[[ -f "$DL/tree/src/Filelists.mk" && -d "$DL/tree/src/core/ipv6" ]] ||
  fail "the lwip $version package lacks src/Filelists.mk or src/core/ipv6: the package is not what this script expects; report it"
rm -rf "$OUT"; mkdir -p "$(dirname "$OUT")"
mv "$DL/tree" "$OUT"
printf '{"lwip":"%s","upstream":"%s"}\n' "$version" "$UPSTREAM" >"$OUT/lwip.json"
rm -rf "$DL"
echo "fetch-lwip: lwIP $version in $OUT" >&2
