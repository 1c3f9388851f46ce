#!/usr/bin/env bash
# The benchmark suite in one command: builds Release (with the benchmarks) and prints one table
# of everything, each row with its native ratio and, where node is installed, the same .wasm
# under V8 (Node):
#   - compute kernels          build/bench/hailmary_bench      (bench/kernels/*.c)
#   - calls, strings, copies   build/bench/hailmary_ffi_bench  (bench/guests/ffi_guest.cpp)
#   - any other bench binary   build/bench/hailmary_*bench     (see the convention below)
#   - real programs            bench/workloads.sh: ../shared/workloads under `hailmary run`
#
#   scripts/bench.sh                       # everything (the workloads take a few minutes)
#   scripts/bench.sh --quick               # without the workloads
#   scripts/bench.sh --update-readme       # also put the table in README.md's Performance
#   scripts/bench.sh --benchmark_filter=fib   # other arguments go to every Google Benchmark binary
#
# Environment:
#   HM_BUILD_DIR           build directory (default build)
#   HM_JOBS                build jobs (default nproc)
#   HM_SKIP_SETUP=1        skip scripts/setup.sh
#   HM_BENCH_REPETITIONS   Google Benchmark repetitions; > 1 reports the median (default 1)
#   HM_BENCH_RUNS          runs per workload and engine, best one kept (default 3)
#   HM_NODE                node executable for the V8 column (default: node on PATH; none: off)
#   HM_NODE_SECONDS        timed seconds per V8 micro-benchmark (default 0.5)
#   HM_NODE_CLOCK          cpu (default) or wall: how V8 is timed (see bench/node/timing.mjs)
#   HM_SHARED_DIR          folder holding workloads/ (default ../shared, as in CMake)
#
# Convention for bench binaries (how a new benchmark joins the table)
# --------------------------------------------------------------------
# Every executable named hailmary_*bench in $HM_BUILD_DIR/bench/ is built (target by that
# name, plus the umbrella target hm_benchmarks) and run as
#     <binary> --hm_table_out=FILE --hm_v8_json=V8.json [Google Benchmark flags]
# It must accept both flags (bench/report.hpp parses them and writes the rows) and write to
# FILE its rows of the combined table, Markdown, one per line, six cells:
#     | what | Hail Mary | native | HM / native | V8 (Node) | V8 / native |
# with "—" for a cell it has no figure for, optionally led by a section row
#     | **section title** | | | | | |
# V8.json is a flat JSON object {"key": seconds per operation} made by bench/node/*.mjs; a
# binary may use it for its V8 cells or ignore it. Order in the table: hailmary_bench,
# hailmary_ffi_bench, the others by name, then the workloads.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=${HM_JOBS:-$(nproc)}
build=${HM_BUILD_DIR:-build}  # another build dir keeps a developer's own build untouched
reps=${HM_BENCH_REPETITIONS:-1}
runs=${HM_BENCH_RUNS:-3}
shared=${HM_SHARED_DIR:-$root/../shared}
node=${HM_NODE:-$(command -v node || true)}
[[ "$node" != none ]] || node=""

update_readme=false
quick=false
bench_args=()
for arg in "$@"; do
  case "$arg" in
    --update-readme) update_readme=true ;;
    --quick) quick=true ;;
    *) bench_args+=("$arg") ;;
  esac
done
if [[ $reps -gt 1 ]]; then
  bench_args+=("--benchmark_repetitions=$reps" "--benchmark_report_aggregates_only=true")
fi

if [[ "${HM_SKIP_SETUP:-0}" != 1 ]]; then
  scripts/setup.sh --bench  # also the sqlite3 source for the ~1 MB module
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHM_BUILD_BENCH=ON >/dev/null
extra_targets=$(ninja -C "$build" -t targets all | sed -n 's/^\(hailmary_[a-z0-9_]*bench\): .*/\1/p' |
                sort -u | tr '\n' ' ')
# shellcheck disable=SC2086  # target names have no spaces
cmake --build "$build" -j "$jobs" --target hm_benchmarks hailmary_cli $extra_targets

out="$build/bench/results"
rm -rf "$out" && mkdir -p "$out"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- V8 (Node) --------------------------------------------------------------------------------
v8="$out/v8.json"
echo '{}' > "$v8"
if [[ -n "$node" ]]; then
  echo "==> V8: $("$node" --version) running the same .wasm files (bench/node)"
  "$node" bench/node/kernels.mjs "$build/bench" > "$out/v8-kernels.json"
  "$node" bench/node/ffi.mjs "$build/bench/bench_ffi_guest.wasm" > "$out/v8-ffi.json"
  "$node" -e 'const fs = require("fs"); const all = {};
    for (const f of process.argv.slice(2)) Object.assign(all, JSON.parse(fs.readFileSync(f)));
    fs.writeFileSync(process.argv[1], JSON.stringify(all, null, 1) + "\n");' \
    "$v8" "$out/v8-kernels.json" "$out/v8-ffi.json"
else
  echo "==> V8: node not found (or HM_NODE=none): no V8 column"
fi

# ---- Google Benchmark binaries ----------------------------------------------------------------
fragments=()
binaries=("$build/bench/hailmary_bench" "$build/bench/hailmary_ffi_bench")
while IFS= read -r b; do
  [[ " ${binaries[*]} " == *" $b "* ]] || binaries+=("$b")
done < <(find "$build/bench" -maxdepth 1 -type f -executable -name 'hailmary_*bench' | sort)
status=0
for b in "${binaries[@]}"; do
  name=$(basename "$b")
  echo "==> $name"
  "$b" --hm_table_out="$out/$name.md" --hm_v8_json="$v8" \
    "${bench_args[@]+"${bench_args[@]}"}" || status=1
  fragments+=("$out/$name.md")
done

# ---- real programs ----------------------------------------------------------------------------
if $quick; then
  echo "==> workloads: skipped (--quick)"
else
  echo "==> workloads (best of $runs runs each; lua nbody takes ~15 s a run)"
  bench/workloads.sh --cli "$build/src/cli/hailmary" ${node:+--node "$node"} --shared "$shared" \
    --runs "$runs" --hm_table_out="$out/workloads.md" || status=1
  fragments+=("$out/workloads.md")
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the table --------------------------------------------------------------------------------
table="$out/table.md"
{
  echo "| benchmark | Hail Mary | native | HM / native | V8 (Node) | V8 / native |"
  echo "|---|---:|---:|---:|---:|---:|"
  for f in "${fragments[@]}"; do
    [[ ! -f "$f" ]] || cat "$f"
  done
} > "$table"
echo
cat "$table"
echo "load average before: $load_before; after: $load_after"

if $update_readme; then
  # Replace what lies between the markers; the first line says where the numbers come from.
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
  node_version=$([[ -n "$node" ]] && "$node" --version || echo "not run")
  {
    knobs=""
    [[ $reps -le 1 ]] || knobs+="HM_BENCH_REPETITIONS=$reps "
    [[ $runs -eq 3 ]] || knobs+="HM_BENCH_RUNS=$runs "
    echo "Measured $(date -u +%Y-%m-%d) with \`${knobs}scripts/bench.sh\` on ${cpu} ($(nproc) cores;"
    echo "load average ${load_before%% *} before, ${load_after%% *} after), Node ${node_version}:"
    echo
    cat "$table"
  } > "$out/readme.md"
  awk -v table="$out/readme.md" '
    /<!-- bench:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- bench:end -->/   { skip = 0 }
    !skip { print }
  ' README.md > README.md.tmp && mv README.md.tmp README.md
  echo "bench.sh: README.md updated"
fi
exit $status
