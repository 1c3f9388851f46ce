#!/usr/bin/env bash
# Builds the project and runs the hello example: a C++ host loading a wasm guest through the
# type-safe FFI. Extra arguments are passed to the example.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=${HM_JOBS:-$(nproc)}

if [[ "${HM_SKIP_SETUP:-0}" != 1 ]]; then
  scripts/setup.sh
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
# Build only what the example needs (its guest is a dependency of its target), so a half-written
# test elsewhere does not stop the demo.
if ! ninja -C build -t targets all 2>/dev/null | grep -q '^hello:'; then
  echo "run-example.sh: the hello example (examples/hello) does not exist yet in this build" >&2
  exit 1
fi
cmake --build build -j "$jobs" --target hello
exe=build/examples/hello/hello
if [[ ! -x "$exe" ]]; then
  echo "run-example.sh: built target 'hello' but $exe is missing" >&2
  exit 1
fi
exec "$exe" "$@"
