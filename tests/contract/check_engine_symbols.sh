#!/usr/bin/env bash
# Proves the engine library asks its host for nothing but what llm/PORTING.md
# documents: the archive's external undefined symbols (undefined in some
# member, defined in none) must all be in the list between the lines
# <!-- host-symbols:begin --> and <!-- host-symbols:end --> of PORTING_MD
# (whitespace-separated words). Fails naming any that is not, and on an
# archive with no members or no undefined symbols at all (the wrong file).
# Usage: check_engine_symbols.sh LIB NM PORTING_MD
set -euo pipefail
export LC_ALL=C   # sort and comm agree on the order
if [ $# -ne 3 ]; then
    echo "usage: $0 LIB NM PORTING_MD" >&2; exit 2
fi
lib=$1 nm=$2 doc=$3
words() { printf '%s\n' "$1" | paste -sd ' ' -; }   # a sorted list on one line
count() { printf '%s\n' "$1" | grep -c .; }
for f in "$lib" "$doc"; do
    [ -f "$f" ] || { echo "FAIL: no file $f"; exit 1; }
done

# nm -A -P -g on an archive: "LIB[MEMBER]: NAME TYPE [VALUE SIZE]" per external symbol;
# types U (undefined) and w, v (weak undefined) are references, every other type a definition.
table=$("$nm" -A -P -g "$lib") || { echo "FAIL: $nm cannot read $lib"; exit 1; }
syms=$(printf '%s\n' "$table" | sed -n 's/^.*\[\([^][]*\)\]: \([^ ]*\) \([^ ]*\).*$/\1 \2 \3/p')
n_members=$(printf '%s\n' "$syms" | awk 'NF { print $1 }' | sort -u | wc -l)
undefined=$(printf '%s\n' "$syms" | awk '$3 ~ /^[Uwv]$/ { print $2 }' | sort -u)
defined=$(printf '%s\n' "$syms" | awk 'NF && $3 !~ /^[Uwv]$/ { print $2 }' | sort -u)
n_refs=$(printf '%s\n' "$syms" | awk '$3 ~ /^[Uwv]$/' | wc -l)
if [ "$n_members" -eq 0 ]; then
    echo "FAIL: $lib has no archive members (not a library?)"; exit 1
fi
if [ -z "$undefined" ]; then
    echo "FAIL: $lib ($n_members members) has no undefined symbols at all (wrong file?)"; exit 1
fi
external=$(comm -23 <(printf '%s\n' "$undefined") <(printf '%s\n' "$defined"))

# The words between the marker lines (each marker alone on its line, once, begin before end).
documented=$(awk '{ sub(/\r$/, "") }
                  /^[ \t]*<!-- host-symbols:end -->[ \t]*$/ { if (inside) ends++; inside = 0; next }
                  /^[ \t]*<!-- host-symbols:begin -->[ \t]*$/ { begins++; inside = 1; next }
                  inside { for (i = 1; i <= NF; i++) print $i }
                  END { if (begins != 1 || ends != 1) exit 1 }' "$doc" | sort -u) || documented=
if [ -z "$documented" ]; then
    echo "FAIL: $doc has no symbol list: one line <!-- host-symbols:begin -->, the words, then one line" \
        "<!-- host-symbols:end -->"; exit 1
fi
missing=$(comm -23 <(printf '%s\n' "$external") <(printf '%s\n' "$documented"))
if [ -n "$missing" ]; then
    echo "FAIL: $lib needs host symbols that $doc does not document: $(words "$missing")"; exit 1
fi
echo "engine symbols: ok, $lib: $n_members members, $n_refs undefined references," \
    "$(count "$external") external ($(words "$external")), all among the $(count "$documented") documented in $doc"
