#!/usr/bin/env bash
# Fetches Debian's sqlite3 source package (the instantiation benchmark builds its ~1 MB module
# from it) into a cache folder outside the repository:
#   scripts/fetch-sqlite-source.sh [DIR]     (default ${HM_CACHE_DIR:-~/.cache/hailmary}/sqlite3)
# apt runs with a private configuration under DIR (deb-src twins of the machine's own deb
# entries), so nothing on the system changes. Idempotent: an unpacked tree is left alone.
# Called by `scripts/setup.sh --bench`; the build only reads the result, it never downloads.
set -euo pipefail

dir=${1:-${HM_CACHE_DIR:-$HOME/.cache/hailmary}/sqlite3}
if compgen -G "$dir/src/sqlite3-*/configure" >/dev/null; then
  echo "fetch-sqlite-source.sh: present in $dir/src"
  exit 0
fi
for tool in apt-get dpkg-source; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fetch-sqlite-source.sh: $tool not found" >&2; exit 1; }
done

mkdir -p "$dir"/apt/lists/partial "$dir"/apt/cache/archives/partial "$dir"/apt/sources.list.d
rm -f "$dir"/apt/sources.list.d/*
for f in /etc/apt/sources.list.d/*.sources; do
  [[ -f "$f" ]] && sed 's/^Types:.*/Types: deb-src/' "$f" > "$dir/apt/sources.list.d/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [[ -f "$f" ]] && sed -n 's/^deb /deb-src /p' "$f" > "$dir/apt/sources.list.d/$(basename "$f")"
done
apt=(apt-get -q -o Dir::Etc::SourceList=/dev/null
     -o Dir::Etc::SourceParts="$dir/apt/sources.list.d"
     -o Dir::State::Lists="$dir/apt/lists" -o Dir::Cache="$dir/apt/cache"
     -o Debug::NoLocking=1)
"${apt[@]}" update > "$dir/apt-update.log" 2>&1 ||
  { echo "fetch-sqlite-source.sh: apt-get update failed (see $dir/apt-update.log)" >&2; exit 1; }
rm -rf "$dir/src.tmp" && mkdir -p "$dir/src.tmp"
(cd "$dir/src.tmp" && "${apt[@]}" source sqlite3) > "$dir/apt-source.log" 2>&1 ||
  { echo "fetch-sqlite-source.sh: apt-get source sqlite3 failed (see $dir/apt-source.log)" >&2; exit 1; }
rm -rf "$dir/src" && mv "$dir/src.tmp" "$dir/src"
echo "fetch-sqlite-source.sh: unpacked in $dir/src"
