#!/usr/bin/env bash
# check-kernel-symbols.sh OBJ - the kernel core may reference only musl's entry and the linker
# script's symbols, and may define global symbols only under its own prefixes, so it can never
# call into musl or the runtime by accident nor collide with them.
set -euo pipefail
obj=$1
bad=$(${NM:-nm} -u "$obj" | awk '{print $2}' | grep -Ev '^(_start|_end|__ehdr_start|__prog_.*|__uk_.*)$' || true)
if [ -n "$bad" ]; then
  echo "kernel core references symbols it must not (use uk_* helpers): $bad" >&2
  exit 1
fi
# No GOT: the linker puts it in the program's data, where the program could redirect the kernel's pointers and where
# the kernel cannot read under SMAP/PAN (arm64's gcc reaches weak symbols through it: use linker-script symbols).
bad=$(${OBJDUMP:-objdump} -r "$obj" | awk '$2 ~ /GOT/ {print $3}' | sort -u || true)
if [ -n "$bad" ]; then
  echo "kernel core reaches symbols through the GOT (weak references?): $bad" >&2
  exit 1
fi
bad=$(${NM:-nm} -g --defined-only "$obj" | awk '{print $3}' | grep -Ev '^(uk_|sys_|__uk_)' || true)
if [ -n "$bad" ]; then
  echo "kernel core defines global symbols outside its prefixes (uk_, sys_): $bad" >&2
  exit 1
fi
