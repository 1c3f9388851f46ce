#!/usr/bin/env bash
# Builds and tests Hail Mary the way CI does:
#   1. Release build in build/, every test (ctest).
#   2. ASan+UBSan build in build-asan/, only the tests labelled `sanitize` (robustness and
#      fuzz-corpus replays), since the whole suite under sanitizers would not fit CI's budget.
# Exits non-zero if any step fails; prints one summary line at the end.
# Environment: HM_JOBS (default nproc), HM_SKIP_SETUP=1 to skip scripts/setup.sh,
# HM_SKIP_ASAN=1 to skip step 2 (local iteration only).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=${HM_JOBS:-$(nproc)}
start=$SECONDS

if [[ "${HM_SKIP_SETUP:-0}" != 1 ]]; then
  scripts/setup.sh
fi

release_status="not run"
asan_status="not run"
release_secs=0
asan_secs=0
failed=0

summary() {
  local rc=$? verdict=PASS
  # set -e may end the script early (configure/build errors): the exit code tells.
  if [[ $rc -ne 0 || $failed -ne 0 ]]; then verdict=FAIL; fi
  echo "test.sh: ${verdict} — release: ${release_status} (${release_secs}s); sanitize: ${asan_status} (${asan_secs}s); total $((SECONDS - start))s"
  # One plain closing line over both phases, for tools that read the last line.
  local passed=0 total=0 f t
  for log in build/ctest-release.log build-asan/ctest-sanitize.log; do
    [[ -f $log ]] || continue
    read -r f t < <(sed -nE 's/^[0-9]+% tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\1 \2/p' "$log" | tail -1) || continue
    [[ -n ${t:-} ]] || continue
    passed=$((passed + t - f))
    total=$((total + t))
  done
  if [[ $verdict == FAIL && $total -eq passed ]]; then
    echo "tests: ${passed} passed, 1 failed"  # a build or configure step failed
  else
    echo "tests: ${passed} passed, $((total - passed)) failed"
  fi
}
trap summary EXIT

# Counts "N tests failed out of M" style results from a ctest log.
ctest_result() {
  local log=$1
  local line
  line=$(grep -E '^[0-9]+% tests passed' "$log" | tail -1 || true)
  if [[ -z "$line" ]]; then
    echo "no tests"
  else
    echo "$line"
  fi
}

# ---- 1. Release -------------------------------------------------------------------------------
echo "==> Release build (build/)"
phase_start=$SECONDS
release_status="configure failed"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
release_status="build failed"
cmake --build build -j "$jobs"
release_status="tests failed"
release_log=build/ctest-release.log
if ctest --test-dir build --output-on-failure --no-tests=ignore --timeout 900 -j "$jobs" \
     2>&1 | tee "$release_log"; then
  release_status="$(ctest_result "$release_log")"
else
  release_status="$(ctest_result "$release_log")"
  failed=1
fi
release_secs=$((SECONDS - phase_start))

# ---- 2. Sanitizers ----------------------------------------------------------------------------
if [[ "${HM_SKIP_ASAN:-0}" == 1 ]]; then
  asan_status="skipped (HM_SKIP_ASAN=1)"
else
  echo "==> ASan/UBSan build (build-asan/)"
  phase_start=$SECONDS
  asan_status="configure failed"
  # -O1: sanitizer builds compile faster and keep useful stacks; asserts stay on (no NDEBUG).
  cmake -S . -B build-asan -G Ninja -DHM_SANITIZE=ON -DHM_BUILD_BENCH=OFF \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g1" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1"
  asan_status="build failed"
  # If the tests define an umbrella target for the sanitize-labelled executables, build only
  # that: it saves compiling the CLI, examples and unrelated tests a second time.
  # No grep -q: it would exit at the first match, and under pipefail ninja's SIGPIPE fails the test.
  if ninja -C build-asan -t targets all 2>/dev/null | grep '^hm_sanitize_tests:' >/dev/null; then
    cmake --build build-asan -j "$jobs" --target hm_sanitize_tests
  else
    cmake --build build-asan -j "$jobs"
  fi
  asan_status="tests failed"
  asan_log=build-asan/ctest-sanitize.log
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  # Nothing may be labelled yet: that is not a failure.
  if ctest --test-dir build-asan -L sanitize --output-on-failure --no-tests=ignore --timeout 900 \
       -j "$jobs" 2>&1 | tee "$asan_log"; then
    asan_status="$(ctest_result "$asan_log")"
  else
    asan_status="$(ctest_result "$asan_log")"
    failed=1
  fi
  asan_secs=$((SECONDS - phase_start))
fi

exit $failed
