#!/bin/sh
# make_test_initrd.sh OUT.cpio MODELS_DIR: the initrd of the in-kernel
# inference boot test (tests/boot/boot_llm_test.py), a cpio newc archive with
#   smollm2-135m-q4_0.gguf     the full model, with its .sha256
#   smollm2-135m-q8_0-L1.gguf  the 1-layer truncated model (fast), with its .sha256
#   gemma-3-270m-q4_k_m.gguf   Gemma 3 270M, a second model family, with its .sha256
#   corrupt.gguf               the L1 file's first 300000 bytes (a truncated GGUF), no checksum
#   badsum.gguf                the L1 file's first 1 MiB, with a .sha256 that does not match
set -eu
[ $# -eq 2 ] || { echo "usage: make_test_initrd.sh OUT.cpio MODELS_DIR" >&2; exit 2; }
out=$1
models=$2
full=smollm2-135m-q4_0.gguf
small=smollm2-135m-q8_0-L1.gguf
gemma=gemma-3-270m-q4_k_m.gguf
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
for name in "$full" "$small" "$gemma"; do
    m=$models/$name
    [ -f "$m" ] || { echo "make_test_initrd.sh: no such model file: $m (make models fetches it)" >&2; exit 1; }
    ln -s "$(realpath "$m")" "$stage/$name"
    (cd "$models" && sha256sum "$name") > "$stage/$name.sha256"
done
head -c 300000 "$models/$small" > "$stage/corrupt.gguf"
head -c 1048576 "$models/$small" > "$stage/badsum.gguf"
printf '%064d  badsum.gguf\n' 0 > "$stage/badsum.gguf.sha256"
(cd "$stage" && ls | cpio -o -H newc -L --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
echo "  initrd  $out: 5 test models, $(($(stat -c %s "$out") >> 20)) MiB"
