#!/usr/bin/env bash
# The llama-cpp-python source distribution (which vendors llama.cpp) that our
# references are built from: downloaded once from PyPI into a cache with
# `pip download --no-deps --no-binary :all:`, checked against the SHA-256
# pinned in test_models/SHA256SUMS (a mismatch is refused and the file
# deleted). Used by bench/build_llama_bench.sh (the llama.cpp build) and by
# tools/fetch_models.sh (llama.cpp's tokenizer test vocabularies).
#
# Usage:
#   fetch_llama_sdist.sh CACHE_DIR                 prints the verified sdist's path
#   fetch_llama_sdist.sh CACHE_DIR --vocabs DEST   also unpacks only
#       vendor/llama.cpp/models/ggml-vocab-* into DEST (the .gguf files and
#       their .inp/.out test vectors), when DEST lacks them or is older than
#       the sdist
# Messages go to stderr; stdout carries only the path.
set -euo pipefail

VERSION=0.3.36
NAME=llama_cpp_python-$VERSION.tar.gz
root=$(cd "$(dirname "$0")/.." && pwd)
sums=$root/test_models/SHA256SUMS

if [ $# -ne 1 ] && { [ $# -ne 3 ] || [ "$2" != --vocabs ]; }; then
    echo "usage: $0 CACHE_DIR [--vocabs DEST]" >&2
    exit 2
fi
cache=$1
sdist=$cache/$NAME
want=$(awk -v f="$NAME" '$2 == f { print $1 }' "$sums")
[ -n "$want" ] || { echo "llama sdist: no SHA-256 for $NAME in $sums" >&2; exit 1; }

if [ ! -f "$sdist" ] || [ "$(sha256sum "$sdist" | cut -d' ' -f1)" != "$want" ]; then
    python3 -m pip --version >/dev/null 2>&1 || { echo "llama sdist: python3 -m pip is missing (python3-pip)" >&2; exit 1; }
    mkdir -p "$cache"
    rm -f "$sdist"
    echo "llama sdist: downloading llama-cpp-python $VERSION's source distribution from PyPI (about 77 MB, once) into $cache" >&2
    python3 -m pip download --quiet --no-deps --no-binary :all: "llama-cpp-python==$VERSION" -d "$cache" >&2
    got=$(sha256sum "$sdist" | cut -d' ' -f1)
    if [ "$got" != "$want" ]; then
        rm -f "$sdist"
        echo "llama sdist: SHA-256 mismatch for $NAME: got $got, pinned $want; refusing it" >&2
        exit 1
    fi
    echo "llama sdist: $sdist verified ($want)" >&2
fi

if [ $# -eq 3 ]; then
    dest=$3
    stamp=$dest/.unpacked
    if [ -f "$stamp" ] && [ "$stamp" -nt "$sdist" ] && [ "$(cat "$stamp")" = "$want" ]; then
        echo "llama sdist: $dest up to date" >&2
    else
        rm -rf "$dest"
        mkdir -p "$dest"
        tar -xzf "$sdist" -C "$dest" --strip-components=4 --wildcards \
            "llama_cpp_python-$VERSION/vendor/llama.cpp/models/ggml-vocab-*"
        echo "$want" >"$stamp"
        echo "llama sdist: unpacked $(ls "$dest" | grep -c '\.gguf$') vocabularies into $dest" >&2
    fi
fi
echo "$sdist"
