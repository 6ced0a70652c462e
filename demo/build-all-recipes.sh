#!/usr/bin/env bash
# Builds every shipped recipe (recipes/*.yml) for real, installs it, runs its tests through rnx-launch
# (the build's test phase), and prints a table of build time, installed size and result.
# Needs root, debootstrap and the launcher (sudo rnx setup). Usage: demo/build-all-recipes.sh [NAME...]
set -uo pipefail
cd "$(dirname "$0")/.."
RNX=(node bin/rnx.cjs)
ROOT="${RNX_ROOT:-/opt/rnx}"
export RNX_ROOT="$ROOT"
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
[ -f dist/fast-path.cjs ] && [ -f dist/src/cli/main.js ] || npm run build
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in recipes/*.yml; do names+=("$(basename "$f" .yml)"); done
fi
logdir="$(mktemp -d /tmp/rnx-build-all.XXXXXX)"
rows=()
failed=0
for n in "${names[@]}"; do
  echo "=== $n" >&2
  start=$(date +%s.%N)
  if "${RNX[@]}" runtime build "$n" --install --force >"$logdir/$n.out" 2>&1; then
    result=ok
  else
    result=FAILED; failed=$((failed + 1))
  fi
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  cat "$logdir/$n.out" >&2
  size=-
  if [ "$result" = ok ]; then
    size=$(grep -oE '[0-9]+ files, [0-9.]+ [KMGT]?i?B' "$logdir/$n.out" | tail -1 | sed 's/.*, //')
  fi
  base=$(grep -o 'bootstrap done in [^:]*: [a-z ,]*' "$logdir/$n.out" | sed 's/.*: //' | head -1)
  rows+=("$(printf '%-20s %-8s %9.1fs  %10s  %s' "$n" "$result" "$secs" "$size" "${base:-}")")
done
echo
printf '%-20s %-8s %10s  %10s  %s\n' RECIPE RESULT BUILD SIZE BASE
printf '%s\n' "${rows[@]}"
echo "(build output kept in $logdir; full build logs under /var/log/rnx)"
exit $((failed > 0))
