#!/usr/bin/env bash
# The scaling measurement of docs/scale.md: altdiff spark solve throughput on local[1] against local[2] for
# 100 000 small QPs (n = 50) and 1 000 medium ones (n = 500), all over shared matrices, with the gradients of q, b, h.
# Usage: [SMALL_ROWS=N] [MEDIUM_ROWS=N] scripts/spark-scale.sh [WORK_DIR] [SETTINGS...]
#   (SETTINGS: extra solve options, e.g. --no-adaptive-rho --scaling 0, or --always-batch)
# Prints one summary per run (OUT/summary.json) and the machine load (uptime) before each; Spark's log and progress
# go to WORK_DIR/*.err.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
altdiff="${ALTDIFF:-$root/bin/altdiff}"
work="${1:-/tmp/altdiff-scale}"
shift || true
mkdir -p "$work"

measure() {
  local name=$1 rows=$2 n=$3
  shift 3
  "$altdiff" spark generate --master 'local[2]' --rows "$rows" --n "$n" --seed 1 --partitions 8 --out "$work/$name" \
    2>"$work/$name-generate.err"
  for cores in 1 2; do
    echo "== $name: $rows rows, n = $n, local[$cores]; load: $(uptime)"
    "$altdiff" spark solve --master "local[$cores]" --in "$work/$name/rows" --shared "$work/$name/shared.json" \
      --partitions 8 --out "$work/$name-local$cores" "$@" 2>"$work/$name-local$cores.err"
    cat "$work/$name-local$cores/summary.json"
  done
}

measure small "${SMALL_ROWS:-100000}" 50 "$@"
measure medium "${MEDIUM_ROWS:-1000}" 500 "$@"
echo "== done; load: $(uptime)"
