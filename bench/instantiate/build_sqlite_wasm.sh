#!/usr/bin/env bash
# Builds the instantiation benchmark's large module: SQLite (about 950 KB of wasm code) from
# Debian's sqlite3 source package, compiled with clang-19 for wasm32-wasi.
#   build_sqlite_wasm.sh OUT.wasm WORK_DIR SOURCE_CACHE
# The source package is fetched by `scripts/setup.sh --bench` (scripts/fetch-sqlite-source.sh)
# into SOURCE_CACHE; this script never downloads. The amalgamation sqlite3.c is generated from
# it (needs tclsh and a host C compiler). When anything is missing the script prints why and
# exits 0 without OUT: the benchmark then reports the large case as skipped.
set -uo pipefail

out=$1
work=$2
cache=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ -f "$out" ]] && exit 0

skip() {
  echo "build_sqlite_wasm.sh: skipped, $*" >&2
  exit 0
}
for tool in tclsh cc make clang-19; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool not found"
done
src=$(ls -d "$cache"/src/sqlite3-*/ 2>/dev/null | head -1)
[[ -n "$src" ]] || skip "no sqlite3 source in $cache (run scripts/setup.sh --bench)"
mkdir -p "$work"

# The amalgamation.
bld=$work/amalgamation
if [[ ! -f "$bld/sqlite3.c" ]]; then
  rm -rf "$bld" && mkdir -p "$bld"
  (cd "$bld" && "$src/configure" --disable-tcl && make sqlite3.c) > "$work/amalgamation.log" 2>&1 ||
    skip "making sqlite3.c failed (see $work/amalgamation.log)"
fi

# No file system and no threads: SQLITE_OS_OTHER with the in-memory VFS of sqlite_main.c.
# Compile with -O2 -c and link without -O (see TOOLCHAIN.md: -O on the link line runs wasm-opt).
defs=(-DSQLITE_OS_OTHER=1 -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_TEMP_STORE=3)
clang-19 --target=wasm32-wasi -O2 -c "${defs[@]}" "$bld/sqlite3.c" -o "$work/sqlite3.o" \
  > "$work/compile.log" 2>&1 || skip "compiling sqlite3.c failed (see $work/compile.log)"
clang-19 --target=wasm32-wasi -O2 -c "${defs[@]}" -I"$bld" "$here/sqlite_main.c" \
  -o "$work/sqlite_main.o" >> "$work/compile.log" 2>&1 || skip "compiling sqlite_main.c failed"
clang-19 --target=wasm32-wasi "$work/sqlite_main.o" "$work/sqlite3.o" -o "$out.tmp" \
  >> "$work/compile.log" 2>&1 || skip "linking failed (see $work/compile.log)"
mv "$out.tmp" "$out"
echo "build_sqlite_wasm.sh: built $out"
