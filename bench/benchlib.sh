# bench/benchlib.sh - what the bench shell scripts share (sourced by compare.sh, block.sh, net.sh, web.sh): sudo when
# not root, Debian's cloud kernel (and some of its modules) for the Linux VM variant, Debian's matplotlib for the
# charts, and the network namespace of net.sh and web.sh with what it needs.
sudo=(); [[ $EUID -ne 0 ]] && sudo=(sudo)

# fetch_kernel DEBIAN_ARCH DIR [MODULE...]: the kernel of Debian's linux-image-cloud-<arch> from Debian's archive
# (an arm64 package needs arm64 as a dpkg foreign architecture, as musl-dev:arm64 does) as DIR/vmlinuz-<version>,
# and each MODULE (a path under lib/modules/<version>/kernel/, e.g. drivers/block/virtio_blk.ko) of that same
# package as DIR/modules/<name>.ko. Nothing is fetched when they are all there already.
fetch_kernel() {
  local arch="$1" dir="$2" meta="linux-image-cloud-$1" kpkg m have=1
  shift 2
  [[ "$arch" != "$(dpkg --print-architecture)" ]] && meta+=":$arch"
  ls "$dir"/vmlinuz-* >/dev/null 2>&1 || have=0
  for m in "$@"; do [[ -f "$dir/modules/$(basename "$m")" ]] || have=0; done
  [[ $have -eq 1 ]] && return 0
  echo "==> fetching Debian's cloud kernel ($meta${*:+ and modules $*})" >&2
  kpkg="$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')"
  if [[ -z "$kpkg" ]]; then
    "${sudo[@]}" apt-get update -qq >&2
    kpkg="$(apt-cache depends "$meta" | awk '/Depends: linux-image-/ {print $2; exit}')"
  fi
  [[ -n "$kpkg" ]] || return 1
  mkdir -p "$dir"
  # The kernel and its modules come from one package, so a module never meets another version of the kernel.
  (cd "$dir" && rm -rf root ./*.deb && apt-get download "$kpkg" >&2 2>/dev/null && dpkg-deb -x ./*.deb root && \
    { [[ $# -eq 0 ]] || rm -rf vmlinuz-* modules; } && cp root/boot/vmlinuz-* . && \
    for m in "$@"; do mkdir -p modules && cp root/lib/modules/*/kernel/"$m" modules/ || exit 1; done && \
    rm -rf root ./*.deb)
}

# ensure_matplotlib: installs Debian's python3-matplotlib (for /usr/bin/python3) when it is missing and apt-get can.
ensure_matplotlib() {
  if ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null && command -v apt-get >/dev/null; then
    echo "==> installing python3-matplotlib for the chart" >&2
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends python3-matplotlib >&2 || true
  fi
}

# bench_python: the Python to run the measuring half with: /usr/bin/python3 when it has matplotlib, else python3
# (which then skips the chart).
bench_python() {
  if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then echo /usr/bin/python3; else echo python3; fi
}

# publish_app APP RID DIR LOG [ARGS...]: dotnet publish of the app folder APP for RID into DIR (log in LOG); on
# failure the log's tail on stderr and "n/a (…)" with the error code on stdout, for the table.
publish_app() {
  local app="$1" rid="$2" dir="$3" log="$4"
  shift 4
  rm -rf "$dir"
  if dotnet publish "$app" -r "$rid" -c Release -o "$dir" -v:q -nologo "$@" > "$log" 2>&1; then return 0; fi
  tail -n 15 "$log" >&2
  code="$(grep -o -m1 'error [A-Z]*[0-9]*' "$log" | head -n1 | cut -d' ' -f2 || true)"
  echo "n/a (dotnet publish -r $rid failed${code:+: $code})"
  return 1
}

# require_netns_tools SCRIPT GCC_USE: what a benchmark on a tap device in its own network namespace needs (the ip
# command, gcc for GCC_USE, root or password-less sudo, /dev/net/tun); exits naming the first one missing.
require_netns_tools() {
  local script="$1" gcc_use="$2"
  command -v ip >/dev/null || { echo "$script: needs the ip command (iproute2)" >&2; exit 1; }
  command -v gcc >/dev/null || { echo "$script: needs gcc for $gcc_use" >&2; exit 1; }
  if [[ $EUID -ne 0 ]] && ! sudo -n true 2>/dev/null; then
    echo "$script: needs root (or password-less sudo) to create a network namespace and a tap device" >&2
    exit 1
  fi
  [[ -c /dev/net/tun ]] || { echo "$script: no /dev/net/tun: the VMs need a tap device" >&2; exit 1; }
}

# make_netns NAME TAP: a network namespace NAME of this run's own with its loopback up and a tap device TAP
# (10.77.0.1/24 on the host's side; the guests are 10.77.0.2), removed with everything still running in it when the
# script exits (an EXIT trap), so nothing touches the host's network and ports. Run what needs it with
# "${sudo[@]}" ip netns exec NAME ….
make_netns() {
  NETNS_NAME="$1"
  local tap="$2"
  trap '"${sudo[@]}" ip netns pids "$NETNS_NAME" 2>/dev/null | xargs -r "${sudo[@]}" kill -9 2>/dev/null || true
        "${sudo[@]}" ip netns del "$NETNS_NAME" 2>/dev/null || true' EXIT
  trap 'exit 130' INT TERM
  "${sudo[@]}" ip netns add "$NETNS_NAME"
  "${sudo[@]}" ip -n "$NETNS_NAME" link set lo up
  "${sudo[@]}" ip netns exec "$NETNS_NAME" ip tuntap add dev "$tap" mode tap
  "${sudo[@]}" ip -n "$NETNS_NAME" addr add 10.77.0.1/24 dev "$tap"
  "${sudo[@]}" ip -n "$NETNS_NAME" link set "$tap" up
}
