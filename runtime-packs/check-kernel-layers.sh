#!/usr/bin/env bash
# check-kernel-layers.sh [REPO_ROOT] - checks the kernel core's layering (runtime-packs/kernel/layers.txt):
#  1. every kernel source and header belongs to a listed library, and every <uk/*.h> to one owner;
#  2. a file includes only headers owned by its own layer or a lower one (no call can go up or circle:
#     -Werror turns a call without a declaration into an error), its <uk/*.h> and the include folders of
#     third-party trees built into the core (lwIP's <lwip/...>, <netif/...>: names ending in "/" there);
#  3. no .c file declares another file's functions or variables (prototypes and externs belong in headers;
#     linker-script symbols are declared in image.h).
# Prints every violation with file:line and exits 1 when there is any.
set -euo pipefail
REPO="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
KERNEL="$REPO/runtime-packs/kernel"
LAYERS="$KERNEL/layers.txt"

# library -> layer index, header (or third-party include folder, "lwip/") -> owner library
declare -A rank owner
index=0
folders=uk
while read -r lib headers; do
  [[ -z "$lib" || "$lib" == \#* ]] && continue
  rank[$lib]=$index
  for h in $headers; do
    owner[$h]=$lib
    [[ "$h" == */ ]] && folders="$folders|${h%/}"
  done
  index=$((index + 1))
done <"$LAYERS"

# The library a file belongs to, from its path.
library_of() {
  local rel="$1"
  case "$rel" in
    runtime-packs/kernel/include/uk/*) echo "${owner[${rel##*/}]:-?}" ;;
    runtime-packs/kernel/arch/*) echo arch ;;
    runtime-packs/kernel/plat/*) echo plat ;;
    runtime-packs/kernel/lib/*) rel=${rel#runtime-packs/kernel/lib/}; echo "lib/${rel%%/*}" ;; # subfolders too
    drivers/*) echo "${rel%/*}" ;;
    *) echo "?" ;;
  esac
}

bad=0
report() { echo "$1" >&2; bad=$((bad + 1)); }
cd "$REPO"
mapfile -t files < <(find runtime-packs/kernel drivers -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) | sort)
for file in "${files[@]}"; do
  lib=$(library_of "$file")
  if [[ "$lib" == "?" || -z "${rank[$lib]+x}" ]]; then
    report "$file: belongs to no library of layers.txt (add its folder, or its header, there)"
    continue
  fi
  while IFS=: read -r line header; do
    if [[ "$header" == uk/* ]]; then hl=${owner[${header#uk/}]:-}; else hl=${owner[${header%%/*}/]}; fi
    if [[ -z "$hl" ]]; then
      report "$file:$line: includes <$header>, which no library of layers.txt owns"
    elif (( rank[$hl] > rank[$lib] )); then
      report "$file:$line: $lib includes <$header> of $hl, a higher layer"
    fi
  done < <(sed -nE '=;s/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](('"$folders"')\/[^>"]*)[>"].*/\1/p' "$file" |
    sed -nE '/^('"$folders"')\//{x;G;s/\n/:/;p;d};h' | awk -F: '{print $1":"$2}')
done

# Declarations at file scope in .c files: "extern ...;" and non-static prototypes "type name(args);".
while IFS= read -r hit; do
  report "$hit: declares something of another file; put it in that file's header"
done < <(grep -nE '^(extern[[:space:]].*;|[A-Za-z_][A-Za-z0-9_ ]*[ *]+[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\([^;{]*\)[[:space:]]*(__attribute__\(\(.*\)\))?[[:space:]]*;)[[:space:]]*$' \
  $(printf '%s\n' "${files[@]}" | grep '\.c$') | grep -vE '^[^:]+:[0-9]+:(static|typedef)[[:space:]]' || true)

if (( bad > 0 )); then
  echo "check-kernel-layers: $bad violation(s) of runtime-packs/kernel/layers.txt" >&2
  exit 1
fi
echo "check-kernel-layers: ${#files[@]} files follow runtime-packs/kernel/layers.txt"
