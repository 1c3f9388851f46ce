#!/usr/bin/env bash
# Builds a Release hailmary_bench and runs it: each kernel as wasm (Hail Mary) and native, then a
# table of wasm / native time ratios.
#   scripts/bench.sh                      # all kernels
#   scripts/bench.sh --update-readme      # also replace the table in README.md's Performance
#   scripts/bench.sh --benchmark_filter=fib   # other arguments go to Google Benchmark
# Environment: HM_BUILD_DIR (default build), HM_JOBS, HM_SKIP_SETUP=1.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=${HM_JOBS:-$(nproc)}
build=${HM_BUILD_DIR:-build}  # another build dir keeps a developer's own build untouched

update_readme=false
bench_args=()
for arg in "$@"; do
  if [[ "$arg" == --update-readme ]]; then
    update_readme=true
  else
    bench_args+=("$arg")
  fi
done

if [[ "${HM_SKIP_SETUP:-0}" != 1 ]]; then
  scripts/setup.sh
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHM_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j "$jobs" --target hailmary_bench

table=$build/bench/ratios.md
"$build"/bench/hailmary_bench --hm_table_out="$table" "${bench_args[@]+"${bench_args[@]}"}"

if $update_readme; then
  # Replace what lies between the markers; the machine line says where the numbers come from.
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
  {
    echo "Measured $(date -u +%Y-%m-%d) on ${cpu} ($(nproc) cores), \`scripts/bench.sh\`:"
    echo
    cat "$table"
  } > "$build"/bench/ratios-readme.md
  awk -v table="$build"/bench/ratios-readme.md '
    /<!-- bench:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- bench:end -->/   { skip = 0 }
    !skip { print }
  ' README.md > README.md.tmp && mv README.md.tmp README.md
  echo "bench.sh: README.md updated"
fi
