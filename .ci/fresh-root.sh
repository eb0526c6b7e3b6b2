#!/usr/bin/env bash
# .ci/fresh-root.sh - proves the README's first command on a fresh machine, every CI run.
#
# A warm machine hides missing install steps (packages installed by hand, a full NuGet cache). This script
# builds a fresh Debian 12 root file system with debootstrap (minbase: no Recommends, no NuGet cache, no
# artifacts/), makes the host's .NET SDK visible in it read-only (the one thing the README assumes a user
# has), copies this checkout into it (tracked and untracked files, never artifacts/ or bin/obj), and runs
# the lines of the README's command 1 there exactly as written, as root. It passes when each
# `dotnet run` line printed the sample's greeting; it prints how long the command took and what it
# downloaded (the README quotes those numbers).
#
# Everything runs in a private mount namespace (unshare --mount), so no bind mount outlives the script and
# removing the root afterwards can never reach the host's files. The root is kept in artifacts/fresh-root
# for inspection until the next run.
#   usage: .ci/fresh-root.sh [--suite bookworm] [--mirror URL]
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOTFS="$REPO/artifacts/fresh-root"
SUITE=bookworm
MIRROR=""
GREETING="Hello from a .NET unikernel!"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --suite) SUITE="${2:?}"; shift ;;
    --mirror) MIRROR="${2:?}"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "fresh-root: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '\n==> fresh-root: %s\n' "$*"; }
die() { echo "fresh-root: FAILED: $*" >&2; exit 1; }
[[ $EUID -eq 0 ]] || die "needs root (debootstrap, chroot and mounts)"

# The host's Debian mirror (this machine's network reaches only its own registry copies), else Debian's.
if [[ -z "$MIRROR" ]]; then
  MIRROR=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
    grep -oE 'https?://[^ ]*/debian/?' | grep -v security | head -n 1 || true)
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
fi

say "host tools (debootstrap)"
if ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi
DOTNET_BIN="$(readlink -f "$(command -v dotnet)")" || die "no dotnet on the host to lend to the root"
DOTNET_DIR="$(dirname "$DOTNET_BIN")"

say "a fresh $SUITE root in $ROOTFS (debootstrap --variant=minbase from $MIRROR)"
# Only a root this script made is removed: artifacts/fresh-root is ignored by git, and nothing is ever
# mounted on it outside the namespace below.
if [[ -d "$ROOTFS" ]]; then
  grep -q " $ROOTFS" /proc/mounts && die "something is mounted under $ROOTFS; unmount it first"
  rm -rf "$ROOTFS"
fi
mkdir -p "$ROOTFS"
start=$SECONDS
# The .NET SDK's own libraries, as its Debian packages (dotnet-runtime-deps) bring them; ca-certificates
# and everything else are build.sh's to install.
# In its own mount namespace too: debootstrap mounts /proc in the target and must not leave it mounted.
unshare --mount --propagation private \
  debootstrap --variant=minbase --include=libicu72,libssl3,libstdc++6,libgcc-s1,zlib1g,libgssapi-krb5-2,tzdata \
  "$SUITE" "$ROOTFS" "$MIRROR" >"$REPO/artifacts/fresh-root.debootstrap.log" 2>&1 ||
  { tail -n 30 "$REPO/artifacts/fresh-root.debootstrap.log" >&2; die "debootstrap failed (log above)"; }
debootstrap_s=$((SECONDS - start))

# The same archive as the host (its sources and its Acquire settings: this machine's mirrors are snapshots
# whose Release files have expired), its name server, and the checkout.
rm -f "$ROOTFS/etc/apt/sources.list"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
  [[ -f "$f" && "$f" != *unikraft-sdk* ]] || continue
  mkdir -p "$ROOTFS$(dirname "$f")"
  cp "$f" "$ROOTFS$f"
done
apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy|Retries) ' \
  > "$ROOTFS/etc/apt/apt.conf.d/99host-network" || true
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
# This machine's network reaches the registries through proxies with their own certificate authorities,
# which the host trusts on top of Debian's set: lend those (and only those) to the root, where
# update-ca-certificates picks them up when build.sh installs ca-certificates. A user's machine brings
# its own trust store the same way.
mkdir -p "$ROOTFS/usr/local/share/ca-certificates"
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  known=$(cat /usr/share/ca-certificates/*/*.crt 2>/dev/null | grep -v -- '-----' | tr -d '\n')
  awk -v dir="$ROOTFS/usr/local/share/ca-certificates" '
    /-----BEGIN CERTIFICATE-----/ { n++; file = sprintf("%s/host-network-%03d.crt.tmp", dir, n) }
    file { print > file }
    /-----END CERTIFICATE-----/ { close(file); file = "" }' /etc/ssl/certs/ca-certificates.crt
  for f in "$ROOTFS"/usr/local/share/ca-certificates/host-network-*.crt.tmp; do
    [[ -f "$f" ]] || continue
    body=$(grep -v -- '-----' "$f" | tr -d '\n')
    if [[ -n "$known" && "$known" == *"$body"* ]]; then rm -f "$f"; else mv "$f" "${f%.tmp}"; fi
  done
  echo "fresh-root: lent $(ls "$ROOTFS"/usr/local/share/ca-certificates/*.crt 2>/dev/null | wc -l) certificate authorities of this machine's network"
fi
WORKDIR=/root/unikraft-sdk
mkdir -p "$ROOTFS$WORKDIR"
# What a clone holds: tracked files plus untracked ones that are not ignored (so a local run tests the
# working tree); deleted tracked files are skipped.
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [[ -e "$f" || -L "$f" ]] && printf '%s\0' "$f"; done |
  tar --null -T - -cf -) | tar -C "$ROOTFS$WORKDIR" -xf -
[[ -d "$ROOTFS$WORKDIR/artifacts/packages" ]] || die "the copy lacks artifacts/packages (its .gitkeep is tracked)"

# Command 1 of the README: the lines between '# 1.' and '# 2.' in the block under '## The two commands'.
sed -n '/^## The two commands/,/^## /p' "$REPO/README.md" | sed -n '/^# 1\./,/^# 2\./p' |
  grep -vE '^(#|$)' > "$ROOTFS/root/readme-command-1.sh"
[[ -s "$ROOTFS/root/readme-command-1.sh" ]] || die "no command 1 found in README.md"
runs=$(grep -c 'dotnet run' "$ROOTFS/root/readme-command-1.sh" || true)
say "the README's command 1, as written:"
cat "$ROOTFS/root/readme-command-1.sh"

# Inside a private mount namespace: proc, sys, dev, and the .NET SDK read-only at its host path.
# The environment is a login's: no NuGet folder, no DOTNET_ROOT; only the host's settings that concern
# reaching the registries (NuGet's revocation mode) and the CLI's telemetry/first-run quietness pass.
passenv=()
for v in NUGET_CERT_REVOCATION_MODE DOTNET_CLI_TELEMETRY_OPTOUT DOTNET_NOLOGO DOTNET_GENERATE_ASPNET_CERTIFICATE; do
  [[ -n "${!v:-}" ]] && passenv+=("$v=${!v}")
done
LOG="$REPO/artifacts/fresh-root.log"
(cd "$ROOTFS/var/cache/apt/archives" && ls) > "$REPO/artifacts/fresh-root.debs-before" 2>/dev/null || true
start=$SECONDS
set +e
unshare --mount --propagation private bash -s -- "$ROOTFS" "$DOTNET_DIR" "$DOTNET_BIN" "$WORKDIR" "${passenv[@]}" \
  <<'INNER' 2>&1 | tee "$LOG"
set -euo pipefail
R=$1 DOTNET_DIR=$2 DOTNET_BIN=$3 WORKDIR=$4; shift 4
mount -t proc proc "$R/proc"
mount -t sysfs sys "$R/sys"
mount --rbind /dev "$R/dev"
mkdir -p "$R$DOTNET_DIR"
mount --bind "$DOTNET_DIR" "$R$DOTNET_DIR"
mount -o remount,bind,ro "$R$DOTNET_DIR"
ln -sf "$DOTNET_BIN" "$R/usr/bin/dotnet"
exec chroot "$R" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@" \
  /bin/bash -c "cd $WORKDIR && exec bash -e /root/readme-command-1.sh" </dev/null
INNER
status=${PIPESTATUS[0]}
set -e
command_s=$((SECONDS - start))

# The serial console ends lines with CRLF today: compare lines without the CR.
tr -d '\r' <"$LOG" >"$LOG.lf"
greetings=$(grep -cxF "$GREETING" "$LOG.lf" || true)
[[ $status -eq 0 ]] || die "the README's command 1 exited with $status (log: $LOG)"
[[ $greetings -eq $runs && $runs -gt 0 ]] ||
  die "expected the greeting '$GREETING' from each of the $runs dotnet run lines, saw it $greetings times (log: $LOG)"
[[ $(grep -cx 'hello' "$LOG.lf") -eq $runs && $(grep -cx 'world' "$LOG.lf") -eq $runs ]] ||
  die "the program's arguments (hello, world) were not printed by each run (log: $LOG)"

# What a fresh machine downloaded: Debian packages (apt's cache), the NuGet packages, OpenSSL's source.
mib() { du -smc "$@" 2>/dev/null | tail -n 1 | cut -f1; }
mapfile -t debs < <(cd "$ROOTFS/var/cache/apt/archives" && ls -- *.deb 2>/dev/null |
  grep -vxF -f "$REPO/artifacts/fresh-root.debs-before" || true)
apt_count=${#debs[@]}
apt_mib=$(cd "$ROOTFS/var/cache/apt/archives" && mib "${debs[@]}" /dev/null)
nuget_mib=$(mib "$ROOTFS/root/.nuget/packages")
nuget_count=$(ls "$ROOTFS/root/.nuget/packages" 2>/dev/null | wc -l)
src_mib=$(mib "$ROOTFS$WORKDIR"/artifacts/obj/openssl/src/*.tar.*)
say "PASSED: command 1 printed the greeting $greetings times"
printf 'fresh-root: debootstrap %d s; README command 1 %d s (%d min %d s)\n' \
  "$debootstrap_s" "$command_s" $((command_s / 60)) $((command_s % 60))
printf 'fresh-root: downloaded by command 1: %d Debian packages (%s MiB of .deb), %d NuGet packages (%s MiB unpacked), OpenSSL source (%s MiB)\n' \
  "$apt_count" "$apt_mib" "$nuget_count" "$nuget_mib" "$src_mib"
