#!/usr/bin/env bash
# Builds berth and runs the whole test suite; prints one summary line; non-zero on any failure.
# Usage: ./test.sh [test-project-name ...] [-- extra xunit runner args]
set -uo pipefail
cd "$(dirname "$0")"
. scripts/deps.sh
berth_ensure_packages "${berth_build_packages[@]}" "${berth_test_packages[@]}" || exit 1
./build.sh || { echo "berth: build failed"; exit 1; }

projects=()
extra=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then shift; extra=("$@"); break; fi
  projects+=("$1"); shift
done
[ ${#projects[@]} -eq 0 ] && projects=(Runtime.Tests Actors.Tests Host.Tests Shell.Tests Templates.Tests)

total=0; failed=0; status=0
for p in "${projects[@]}"; do
  exe="tests/$p/bin/Release/net10.0/$p"
  [ -x "$exe" ] || { echo "berth: $exe was not built"; status=1; continue; }
  echo "== $p"
  log=$(mktemp)
  "$exe" -noColor "${extra[@]}" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  line=$(grep -E 'Total: [0-9]+' "$log" | tail -1)
  t=$(sed -nE 's/.*Total: ([0-9]+).*/\1/p' <<<"$line"); f=$(sed -nE 's/.*Failed: ([0-9]+).*/\1/p' <<<"$line")
  e=$(sed -nE 's/.*Errors: ([0-9]+).*/\1/p' <<<"$line")
  total=$((total + ${t:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
  [ "$rc" -ne 0 ] && status=1
  rm -f "$log"
done
echo "$((total - failed)) passed, $failed failed"
exit $status
