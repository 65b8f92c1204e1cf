#!/bin/sh
# make_initrd.sh OUT.cpio MODEL.gguf...: packs the models into a cpio newc
# archive for QEMU's -initrd, each with NAME.gguf.sha256 (sha256sum format)
# so the kernel can check it (`llm verify`, and `llm load` refuses a
# mismatch). The archive holds the files themselves (cpio -L), not links.
set -eu
out=$1
shift
[ $# -gt 0 ] || { echo "make_initrd.sh: no models given" >&2; exit 2; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
for m in "$@"; do
    [ -f "$m" ] || { echo "make_initrd.sh: no such model file: $m (make models fetches the default ones)" >&2; exit 1; }
    name=$(basename "$m")
    ln -s "$(realpath "$m")" "$stage/$name"
    (cd "$(dirname "$m")" && sha256sum "$name") > "$stage/$name.sha256"
done
(cd "$stage" && ls | cpio -o -H newc -L --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
echo "  initrd  $out: $# model(s), $(($(stat -c %s "$out") >> 20)) MiB"
