#!/usr/bin/env bash
# Proves the kernel image is freestanding: no undefined symbols, and nothing
# linked from outside our own objects (no libc, no libgcc archive members).
# Usage: check_freestanding.sh KERNEL_ELF LINK_MAP NM
set -euo pipefail
elf=$1 map=$2 nm=$3

undefined=$("$nm" -u "$elf")
if [ -n "$undefined" ]; then
    echo "FAIL: $elf has undefined symbols:"; echo "$undefined"; exit 1
fi

# Every input file in the link map must be one of ours (build/kernel/...).
foreign=$(grep -E '^LOAD ' "$map" | grep -v '^LOAD linker stubs$' | awk '{print $2}' | grep -v '/kernel/' || true)
archives=$(grep -E '\.a\(' "$map" || true)
if [ -n "$foreign" ] || [ -n "$archives" ]; then
    echo "FAIL: $elf links objects that are not ours:"; echo "$foreign"; echo "$archives"; exit 1
fi

n_objs=$(grep -cE '^LOAD [^ ]+/kernel/' "$map")
if [ "$n_objs" -eq 0 ]; then
    echo "FAIL: no kernel objects found in $map (wrong map file?)"; exit 1
fi
echo "freestanding: $elf has no undefined symbols and links only our $n_objs objects"
