#!/usr/bin/env bash
# Builds the instantiation benchmark's large module: SQLite (about 950 KB of wasm code) from
# Debian's sqlite3 source package, compiled with clang-19 for wasm32-wasi.
#   build_sqlite_wasm.sh OUT.wasm WORK_DIR
# The source package comes through apt with a private configuration under WORK_DIR (deb-src
# entries derived from the machine's own sources), so nothing on the system changes; the
# amalgamation sqlite3.c is generated from it (needs tclsh and a host C compiler). When
# anything is missing the script prints why and exits 0 without OUT: the benchmark then
# reports the large case as skipped.
set -uo pipefail

out=$1
work=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ -f "$out" ]] && exit 0

skip() {
  echo "build_sqlite_wasm.sh: skipped, $*" >&2
  exit 0
}
for tool in apt-get dpkg-source tclsh cc make clang-19; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool not found"
done

mkdir -p "$work"/apt/lists/partial "$work"/apt/cache/archives/partial "$work"/apt/sources.list.d
# deb-src twins of the machine's deb entries (deb822 .sources files and one-line .list files).
rm -f "$work"/apt/sources.list.d/*
for f in /etc/apt/sources.list.d/*.sources; do
  [[ -f "$f" ]] && sed 's/^Types:.*/Types: deb-src/' "$f" > "$work/apt/sources.list.d/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [[ -f "$f" ]] && sed -n 's/^deb /deb-src /p' "$f" > "$work/apt/sources.list.d/$(basename "$f")"
done
apt=(apt-get -q -o Dir::Etc::SourceList=/dev/null
     -o Dir::Etc::SourceParts="$work/apt/sources.list.d"
     -o Dir::State::Lists="$work/apt/lists" -o Dir::Cache="$work/apt/cache"
     -o Debug::NoLocking=1)

src=$(ls -d "$work"/src/sqlite3-*/ 2>/dev/null | head -1)
if [[ -z "$src" ]]; then
  "${apt[@]}" update > "$work/apt-update.log" 2>&1 || skip "apt-get update failed (see $work/apt-update.log)"
  rm -rf "$work/src" && mkdir -p "$work/src"
  (cd "$work/src" && "${apt[@]}" source sqlite3) > "$work/apt-source.log" 2>&1 ||
    skip "apt-get source sqlite3 failed (see $work/apt-source.log)"
  src=$(ls -d "$work"/src/sqlite3-*/ 2>/dev/null | head -1)
  [[ -n "$src" ]] || skip "no sqlite3 source tree in $work/src"
fi

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
