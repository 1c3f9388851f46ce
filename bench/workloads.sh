#!/usr/bin/env bash
# The real-world WASI workloads of ${HM_SHARED_DIR}/workloads (see its MANIFEST.md), each timed
# as a whole process (start-up included) under `hailmary run` and, when node is given, under
# Node's WASI (V8). Every run's output is checked byte for byte against the expected output
# (stdout, or its sha256); a wrong output is reported as FAIL, never as a time.
#
#   bench/workloads.sh --cli BUILD/src/cli/hailmary [--node node] [--shared DIR] [--runs N]
#                      [--cases REGEX] [--hm_table_out=FILE]
#
# Times are CPU time (user + system), best of N runs (default 3): on a busy machine wall time
# also counts other processes' turns, CPU time does not. `hailmary run` is single-threaded, so
# on an idle machine its CPU time is its wall time. Node's CPU time also counts V8's background
# compiler and GC threads (about 10-20% more than its wall time on these programs when the
# machine is idle), so the V8 column is slightly pessimistic; HM_NODE_CLOCK=wall times Node by
# the wall clock instead. Start-up is included. Native times come from the MANIFEST's
# "Reference timings" table (wall, median of 3 on this machine class). Prints rows of the combined
# table (see scripts/bench.sh) and writes them to --hm_table_out. Exits 1 if any output was
# wrong. When the workloads folder is absent it prints "skipped" and exits 0.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cli=""
node=""
shared="$here/../../shared"
runs=3
only=""
table_out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cli) cli=$2; shift 2 ;;
    --node) node=$2; shift 2 ;;
    --shared) shared=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --cases) only=$2; shift 2 ;;
    --hm_table_out=*) table_out=${1#--hm_table_out=}; shift ;;
    *) echo "workloads.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
w="$shared/workloads"
if [[ ! -d "$w/wasm" ]]; then
  echo "workloads: skipped ($w is absent)"
  [[ -z "$table_out" ]] || : > "$table_out"
  exit 0
fi
if [[ -z "$cli" || ! -x "$cli" ]]; then
  echo "workloads.sh: --cli must name the hailmary executable" >&2
  exit 2
fi
w=$(cd "$w" && pwd)

# name | label | module | args | stdin (under workloads/) | expected stdout | expected stdout sha
cases=(
  "lua_fib|lua fib.lua|lua.wasm|/sandbox/lua/fib.lua||lua_fib.txt|"
  "lua_strings|lua strings.lua|lua.wasm|/sandbox/lua/strings.lua||lua_strings.txt|"
  "lua_nbody|lua nbody.lua|lua.wasm|/sandbox/lua/nbody.lua||lua_nbody.txt|"
  "lua_bintrees|lua bintrees.lua|lua.wasm|/sandbox/lua/bintrees.lua||lua_bintrees.txt|"
  "gzip_corpus|minigzip < corpus.txt (2 MiB)|minigzip.wasm||inputs/corpus.txt||minigzip_corpus.sha256"
  "gunzip_corpus|minigzip -d < corpus.txt.gz|minigzip.wasm|-d|inputs/corpus.txt.gz||corpus.sha256"
  "gzip9_mixed|minigzip -9 < mixed.bin (1 MiB)|minigzip.wasm|-9|inputs/mixed.bin||minigzip9_mixed.sha256"
  "zlib_example|zlib example|example.wasm|/sandbox/scratch/foo.gz||zlib_example_wasm32.txt|"
  "minigzip_file|minigzip c.txt (file in, file out)|minigzip.wasm|/sandbox/scratch/c.txt|||"
)

# Native seconds per case, from the MANIFEST's reference table: "| lua_fib | 0.40 s | ...".
native_time() {
  awk -F'|' -v c="$1" '/Reference timings/ { on = 1 }
    on && $2 ~ "^ *" c " *$" { gsub(/[ s]/, "", $3); print $3; exit }' "$w/MANIFEST.md"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sha_of() { sha256sum "$1" | cut -d' ' -f1; }
first_token() { awk '{ print $1; exit }' "$1"; }

# run_once ENGINE NAME MODULE ARGS STDIN EXPECTED SHA -> prints seconds, or FAIL
run_once() {
  local engine=$1 name=$2 module=$3 args=$4 input=$5 expected=$6 sha=$7
  local scratch="$tmp/scratch" out="$tmp/out" err="$tmp/err"
  rm -rf "$scratch" && mkdir -p "$scratch"
  [[ "$name" != minigzip_file ]] || cp "$w/inputs/corpus.txt" "$scratch/c.txt"
  local -a argv=()
  [[ -z "$args" ]] || read -r -a argv <<< "$args"
  local -a cmd
  if [[ $engine == hm ]]; then
    cmd=("$cli" run --dir-ro "$w::/sandbox" --dir "$scratch::/sandbox/scratch" "$w/wasm/$module")
  else
    cmd=("$node" "$here/node/wasi_run.mjs" --dir "$w::/sandbox" --dir "$scratch::/sandbox/scratch"
         -- "$w/wasm/$module")
  fi
  local stdin_file=/dev/null
  [[ -z "$input" ]] || stdin_file="$w/$input"
  local status=0 TIMEFORMAT='%R %U %S'  # wall, user, system seconds
  { time "${cmd[@]}" "${argv[@]+"${argv[@]}"}" < "$stdin_file" > "$out" 2> "$err" || status=$?; } \
    2> "$tmp/time"
  local ok=true
  [[ $status -eq 0 ]] || ok=false
  if [[ -n "$expected" ]] && ! cmp -s "$out" "$w/expected/$expected"; then ok=false; fi
  if [[ -n "$sha" && "$(sha_of "$out")" != "$(first_token "$w/expected/$sha")" ]]; then ok=false; fi
  if [[ "$name" == minigzip_file ]]; then
    if [[ -e "$scratch/c.txt" || ! -f "$scratch/c.txt.gz" ]] ||
       [[ "$(sha_of "$scratch/c.txt.gz")" != "$(first_token "$w/expected/minigzip_corpus.sha256")" ]]; then
      ok=false
    fi
  fi
  if ! $ok; then
    echo "workloads: $name under $engine: wrong output or exit status $status" >&2
    head -c 2000 "$err" >&2
    echo FAIL
    return
  fi
  # CPU time leaves out other processes' turns (see the header); HM_NODE_CLOCK=wall times Node
  # by the wall clock instead.
  if [[ $engine == hm || "${HM_NODE_CLOCK:-cpu}" != wall ]]; then
    awk '{ printf "%.3f\n", $2 + $3 }' "$tmp/time"
  else
    awk '{ printf "%.3f\n", $1 }' "$tmp/time"
  fi
}

# best_of ENGINE fields... -> the minimum over $runs runs, or FAIL
best_of() {
  local best="" t
  for ((r = 0; r < runs; ++r)); do
    t=$(run_once "$@")
    if [[ $t == FAIL ]]; then echo FAIL; return; fi
    if [[ -z "$best" ]] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  echo "$best"
}

cell() {  # seconds | FAIL | "" -> table cell
  case "$1" in
    "") echo "—" ;;
    FAIL) echo "FAIL" ;;
    *) awk -v t="$1" 'BEGIN { printf "%.2f s", t }' ;;
  esac
}
ratio() {  # num den -> "12.3×" or —
  if [[ -z "$1" || -z "$2" || "$1" == FAIL ]]; then echo "—"; return; fi
  awk -v a="$1" -v b="$2" 'BEGIN { printf (a / b < 10 ? "%.2f×" : "%.1f×"), a / b }'
}

clock="CPU time"
[[ "${HM_NODE_CLOCK:-cpu}" != wall ]] || clock="CPU time, V8: wall time"
rows="| **real programs (whole process, $clock, best of $runs)** | | | | | |"$'\n'
failed=0
for entry in "${cases[@]}"; do
  IFS='|' read -r name label module args input expected sha <<< "$entry"
  if [[ -n "$only" && ! "$name" =~ $only ]]; then continue; fi
  native=$(native_time "$name")
  hm=$(best_of hm "$name" "$module" "$args" "$input" "$expected" "$sha")
  v8=""
  if [[ -n "$node" ]]; then
    v8=$(best_of node "$name" "$module" "$args" "$input" "$expected" "$sha")
  fi
  [[ $hm != FAIL && $v8 != FAIL ]] || failed=1
  row="| $label | $(cell "$hm") | $(cell "$native") | $(ratio "$hm" "$native") | $(cell "$v8") | $(ratio "$v8" "$native") |"
  echo "$row"
  rows+="$row"$'\n'
done
[[ -z "$table_out" ]] || printf '%s' "$rows" > "$table_out"
exit $failed
