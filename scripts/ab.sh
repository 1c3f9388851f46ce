#!/usr/bin/env bash
# A/B comparison of two builds on one Lua workload, for changes worth a few percent.
#
#   scripts/ab.sh BUILD_A BUILD_B [SCRIPT] [PAIRS]
#   scripts/ab.sh /tmp/base/build build fib.lua 8
#
# On a shared machine a build's own time drifts by 10-15% from run to run, more than most
# single changes are worth. So A and B run at the same time, one on each of the first two
# cores (swapped every pair), and each pair gives one ratio B/A: the drift hits both halves
# of a pair alike. The median ratio is the result; below 1 means B is faster. Outputs are
# checked against the workload's expected output.
#
# A change to the interpreter loop (src/execution/interpreter.cpp) also changes how GCC lays
# out the whole loop, and the layout alone moves the Lua workloads by 2-3% either way: two
# unused handlers more made fib.lua 2.5% faster, three 2.5% slower. To tell a change from its
# layout, build both sides in several layouts of the same code (cmake -DHM_LAYOUT_PROBE=0..3
# adds that many unused handlers) and compare the spread of the ratios, not one pair of builds.
#
# Environment: HM_SHARED_DIR (folder holding workloads/, default ../shared).
set -euo pipefail

if [[ $# -lt 2 ]]; then
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${HM_SHARED_DIR:-$root/../shared}
workloads=$shared/workloads
a=$(cd "$1" 2> /dev/null && pwd)/src/cli/hailmary || { echo "ab.sh: no folder $1" >&2; exit 1; }
b=$(cd "$2" 2> /dev/null && pwd)/src/cli/hailmary || { echo "ab.sh: no folder $2" >&2; exit 1; }
script=${3:-fib.lua}
pairs=${4:-6}
expected=$workloads/expected/lua_${script%.lua}.txt
for bin in "$a" "$b"; do
  [[ -x $bin ]] || { echo "ab.sh: no $bin (build the hailmary target first)" >&2; exit 1; }
done
[[ -f $workloads/wasm/lua.wasm ]] || { echo "ab.sh: skipped: no $workloads/wasm/lua.wasm" >&2; exit 0; }
[[ -f $expected ]] || { echo "ab.sh: no expected output $expected" >&2; exit 1; }
command -v taskset > /dev/null || { echo "ab.sh: needs taskset (util-linux)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Runs the case with binary $1 on core $2; CPU seconds (user + system) to file $3.
run_on() {
  local TIMEFORMAT='%U %S'
  { time taskset -c "$2" "$1" run --dir "$workloads::/sandbox" "$workloads/wasm/lua.wasm" \
      "/sandbox/lua/$script" > "$3.out"; } 2> "$3.time"
  cmp -s "$3.out" "$expected" || { echo "ab.sh: $1: wrong output for $script" >&2; return 1; }
  awk '{ print $1 + $2 }' "$3.time" > "$3"
}

ratios=()
for ((i = 0; i < pairs; i++)); do
  ca=$((i % 2)) cb=$(((i + 1) % 2))
  # Both in subshells: a shell's `time` would also count a background child it reaps.
  run_on "$a" "$ca" "$tmp/a" &
  pid_a=$!
  run_on "$b" "$cb" "$tmp/b" &
  pid_b=$!
  wait "$pid_a"
  wait "$pid_b"
  ta=$(< "$tmp/a") tb=$(< "$tmp/b")
  ratios+=("$(awk -v a="$ta" -v b="$tb" 'BEGIN { printf "%.3f", b / a }')")
  printf 'pair %d: A %.2f s, B %.2f s, B/A %s\n' $((i + 1)) "$ta" "$tb" "${ratios[-1]}"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n |
  awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "$script: median B/A over $pairs pairs: $median"
