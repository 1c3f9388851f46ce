#!/usr/bin/env bash
# Installs what Hail Mary needs to build, test and build its wasm guests on Debian 12 (bookworm).
# Idempotent: when every package is already installed it runs no apt command at all, so CI on a
# prepared machine pays only for a few dpkg-query calls.
#   scripts/setup.sh           what building and testing need
#   scripts/setup.sh --bench   also Debian's sqlite3 source package, for the benchmarks'
#                              ~1 MB module (scripts/fetch-sqlite-source.sh)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=false
for arg in "$@"; do
  case "$arg" in
    --bench) bench=true ;;
    *) echo "setup.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
# The benchmark sources come last, once the packages are in place.
fetch_bench_sources() {
  if $bench; then
    "$root"/scripts/fetch-sqlite-source.sh || echo "setup.sh: no SQLite source; its benchmark case will be skipped"
  fi
}

# Host toolchain, test and bench libraries, CLI parser.
packages=(build-essential cmake ninja-build g++ libgtest-dev libgmock-dev libbenchmark-dev
          libcli11-dev clang-format)
# wasm32 guests: only the -19 libc++ set (the -14 one conflicts with it). No binaryen on purpose:
# clang runs wasm-opt behind our back when it is installed.
packages+=(clang-19 lld-19 wasi-libc libc++-19-dev-wasm32 libc++abi-19-dev-wasm32
           libclang-rt-19-dev-wasm32)
# libFuzzer and the sanitizer runtimes for native clang-19 builds (-DHM_FUZZ=ON, fuzz/).
packages+=(libclang-rt-19-dev)
# Rust guests (the seed's guest) and wabt (wat2wasm, wast2json for the spec suite).
packages+=(rustc libstd-rust-dev-wasm32 wabt)
# tclsh makes SQLite's amalgamation for the instantiation benchmark's ~1 MB module
# (bench/instantiate/build_sqlite_wasm.sh; `setup.sh --bench` fetches the sqlite3 source).
packages+=(tcl)
# A second engine to cross-check guests. nodesource's nodejs may already be there under the same
# package name; any `node` on PATH is good enough, so don't touch it.
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs)
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup.sh: all ${#packages[@]} packages present"
  fetch_bench_sources
  exit 0
fi

echo "setup.sh: installing ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "setup.sh: not root and no sudo; install as root: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Refresh the lists only when they are absent or older than a day, or when a package is unknown
# to the current lists.
lists_fresh=false
if compgen -G "/var/lib/apt/lists/*_Packages" >/dev/null &&
   [[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages' -mmin +1440 -print -quit) ]]; then
  lists_fresh=true
fi
if $lists_fresh; then
  for pkg in "${missing[@]}"; do
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
      lists_fresh=false
      break
    fi
  done
fi
if ! $lists_fresh; then
  "${sudo[@]}" apt-get update -q
fi
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fetch_bench_sources
echo "setup.sh: done"
