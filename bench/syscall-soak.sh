#!/usr/bin/env bash
# bench/syscall-soak.sh [SEEDS] [CALLS] - the in-VM syscall fuzzer (tests/apps/Probe "syscall-fuzz", see
# tests/Unikraft.Sdk.Tests/Boot/SyscallFuzzBootTests.cs) for longer than CI's pass: SEEDS seeds (default 10, from
# the current time) of CALLS calls each (default 2,000,000) on x86_64 and arm64, one boot per seed and architecture.
# Prints one line per run and a table; a failing run's seed reproduces it with
#   UKFUZZ_SEED=<seed> UKFUZZ_SYSCALLS=<calls> dotnet test tests/Unikraft.Sdk.Tests -c Release --filter SyscallFuzzBootTests
# Needs ./build.sh first.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seeds="${1:-10}"
calls="${2:-2000000}"
base=$(date +%s)
rows=()
failed=0
for ((i = 0; i < seeds; i++)); do
  seed=$((base + i))
  log="$ROOT/artifacts/bench/syscall-soak-$seed.log"
  mkdir -p "$(dirname "$log")"
  start=$SECONDS
  if UKFUZZ_SEED=$seed UKFUZZ_SYSCALLS=$calls dotnet test "$ROOT/tests/Unikraft.Sdk.Tests/Unikraft.Sdk.Tests.csproj" -c Release \
      --filter "FullyQualifiedName~SyscallFuzzBootTests" > "$log" 2>&1; then
    verdict="pass"
  else
    verdict="FAIL (log: ${log#$ROOT/})"
    failed=1
  fi
  echo "seed $seed: $verdict in $((SECONDS - start)) s" >&2
  rows+=("| $seed | $calls | x86_64, arm64 | $verdict | $((SECONDS - start)) s |")
done
echo "| seed | calls per architecture | architectures | result | time |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
exit $failed
