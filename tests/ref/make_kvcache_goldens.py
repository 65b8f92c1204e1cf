#!/usr/bin/env python3
"""Q8_0 key-cache goldens (tests/golden/kvcache/) from llama.cpp, never from our own code.

The reference is that of the Gemma goldens (make_gemma_goldens.py, whose row
records and greedy loop this reuses, and make_logits_goldens.py, whose
portable build and pinned versions it checks): llama.cpp through
llama-cpp-python 0.3.36 built as ggml's portable CPU code, no flash
attention, but the K cache quantized to Q8_0 (the V cache stays F16: without
flash attention llama.cpp refuses a quantized V cache):

    Llama(model, n_ctx=1024, n_batch=512, n_ubatch=512, n_threads=2,
          n_threads_batch=2, logits_all=True, flash_attn=False, swa_full=True,
          type_k=8)                          # GGML_TYPE_Q8_0

(swa_full is harmless: SmolLM2 has no sliding-window layers.) Two sets:
llama.cpp's default, which rotates Q and K by a 64x64 Walsh-Hadamard matrix
before the quantized K cache stores them (attn_rot_k, since 2026; files
with a -rot suffix, --rotation), and with LLAMA_ATTN_ROT_DISABLE=1 set, the
plain Q8_0 arithmetic (our kv_types_t.plain).

For every prompt of tests/ref/gemma_prompts.txt on smollm2-135m-q4_0.gguf:
llama.cpp's tokens (add_bos=True, special=True), evaluated in one llama_eval
from an empty cache, the logits of every position; then 32 greedy tokens
(argmax, lowest id on ties, one decode per token, no stop at end-of-turn).

Checks that the K cache really is Q8_0: with the same prompt 0, the sequence
state (the cached K and V rows) is smaller than with the default F16 cache by
exactly n_tokens x n_layer x (F16 - Q8_0 bytes of one K row), and the logits
differ from the F16 run's. Threads do not change llama.cpp's bits; prompt 0
is re-run on one thread to check that.

smollm2-135m-q4_0-ctk-q8_0.bin has the format of the Gemma goldens
(make_gemma_goldens.py's docstring): header "GMLG" u32 version=1 u32 n_vocab
u32 n_prompts u32 top_k=8 u8 model_sha256[32], then per prompt its bytes,
tokens, one 104-byte row per position (argmax, gap, SHA-256 of the float32
logits, top 8 ids and logits) and u32 n_gen x { i32 id, row }.
Also written: versions.txt and continuations.txt.

Usage (the venv of make_logits_goldens.py; `make models` fetches the model):
    /tmp/scalar-venv/bin/python tests/ref/make_kvcache_goldens.py              # plain
    /tmp/scalar-venv/bin/python tests/ref/make_kvcache_goldens.py --rotation   # -rot files
"""
import argparse
import hashlib
import os
import platform
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_logits_goldens as base  # noqa: E402  (prompts, versions, sha256, fail, the build settings)
import make_gemma_goldens as gemma  # noqa: E402  (row_record, run)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = "smollm2-135m-q4_0.gguf"
OUT_NAME = "smollm2-135m-q4_0-ctk-q8_0.bin"
GGML_TYPE_Q8_0 = 8
N_GEN = 32
TOP_K = gemma.TOP_K
NEAR_TIE = gemma.NEAR_TIE
SETTINGS = dict(gemma.SETTINGS, n_ctx=1024, flash_attn=False, type_k=GGML_TYPE_Q8_0)


def run(llm, tokens):
    """make_gemma_goldens.run with N_GEN greedy tokens instead of its own."""
    saved = gemma.N_GEN
    gemma.N_GEN = N_GEN
    try:
        return gemma.run(llm, tokens)
    finally:
        gemma.N_GEN = saved


def seq_state_size(llm):
    import llama_cpp
    return int(llama_cpp.llama_state_seq_get_size(llm.ctx, 0))


def seq_state_size_after(llm, tokens):
    """The sequence state of prompt 0's tokens alone (the generation has grown the cache since)."""
    llm.reset()
    llm.eval(tokens)
    return seq_state_size(llm)


def check_q8_0_cache(path, tokens, rows, q8_size):
    """Prompt 0 with the default F16 K cache: smaller by the right bytes, different logits."""
    from llama_cpp import Llama
    import llama_cpp
    f16 = Llama(model_path=path, **{k: v for k, v in SETTINGS.items() if k != "type_k"})
    f16.reset()
    f16.eval(tokens)
    f16_rows = [np.array(f16.scores[i], dtype=np.float32, copy=True) for i in range(len(tokens))]
    f16_size = seq_state_size(f16)
    model = f16.model
    n_layer = int(llama_cpp.llama_model_n_layer(model))
    n_embd = int(llama_cpp.llama_model_n_embd(model))
    n_head = int(llama_cpp.llama_model_n_head(model))
    n_head_kv = int(llama_cpp.llama_model_n_head_kv(model))
    f16.close()
    n_embd_k = n_embd // n_head * n_head_kv
    if n_embd_k % 32:
        base.fail(f"K rows of {n_embd_k} values do not split into Q8_0 blocks")
    want = len(tokens) * n_layer * (2 * n_embd_k - n_embd_k // 32 * 34)
    if f16_size - q8_size != want:
        base.fail(f"sequence state {q8_size} bytes with type_k=q8_0, {f16_size} with f16: "
                  f"not the {want} bytes a Q8_0 K cache saves")
    if all(np.array_equal(a, b) for a, b in zip(rows, f16_rows)):
        base.fail("type_k=q8_0 gives the logits of the F16 cache")
    d = max(float(np.max(np.abs(a - b))) for a, b in zip(rows, f16_rows))
    return (f"K cache q8_0 checked on prompt 0: sequence state {q8_size} bytes vs {f16_size} with F16 "
            f"(saves {want} = {len(tokens)} tokens x {n_layer} layers x {2 * n_embd_k - n_embd_k // 32 * 34} "
            f"bytes per {n_embd_k}-value K row); logits differ from F16's, max |diff| {d:.4g}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=os.path.join(REPO, "test_models", MODEL))
    ap.add_argument("--prompts", default=os.path.join(REPO, "tests/ref/gemma_prompts.txt"))
    ap.add_argument("--out", default=os.path.join(REPO, "tests/golden/kvcache"))
    ap.add_argument("--rotation", action="store_true",
                    help="llama.cpp's default Hadamard rotation of Q and K (files with a -rot suffix)")
    args = ap.parse_args()
    os.environ.setdefault("GGML_NO_BACKTRACE", "1")
    suffix = "-rot" if args.rotation else ""
    out_name = OUT_NAME.replace(".bin", suffix + ".bin")
    if not args.rotation:
        os.environ["LLAMA_ATTN_ROT_DISABLE"] = "1"  # read when the cache is made: no Hadamard rotation of Q and K
    versions = base.check_versions()
    from llama_cpp import Llama

    model_sha = base.sha256(args.model)
    prompts = base.read_prompts(args.prompts)
    llm = Llama(model_path=args.model, **SETTINGS)
    if llm.context_params.type_k != GGML_TYPE_Q8_0:
        base.fail(f"context type_k is {llm.context_params.type_k}, not q8_0")
    n_vocab = llm.n_vocab()
    out = [b"GMLG", struct.pack("<4I", 1, n_vocab, len(prompts), TOP_K), bytes.fromhex(model_sha)]
    report, texts, ties, first = [], [], [], None
    for i, prompt in enumerate(prompts):
        tokens = llm.tokenize(prompt, add_bos=True, special=True)
        if len(tokens) + N_GEN > SETTINGS["n_ctx"]:
            base.fail(f"prompt {i}: {len(tokens)} tokens + {N_GEN} do not fit n_ctx {SETTINGS['n_ctx']}")
        rows, gen = run(llm, tokens)
        if i == 0:
            first = (tokens, rows, [r.tobytes() for r in rows] + [r.tobytes() for _, r in gen],
                     seq_state_size_after(llm, tokens))
        out += [struct.pack("<I", len(prompt)), prompt, b"\0" * (-len(prompt) % 4),
                struct.pack(f"<I{len(tokens)}i", len(tokens), *tokens)]
        for k, r in enumerate(rows):
            rec, am, gap = gemma.row_record(r)
            if gap < NEAR_TIE:
                ties.append(f"prompt {i} position {k}: argmax {am}, gap {gap:.3g}")
            out.append(rec)
        out.append(struct.pack("<I", len(gen)))
        for k, (tok, r) in enumerate(gen):
            rec, _, gap = gemma.row_record(r)
            if gap < NEAR_TIE:
                ties.append(f"prompt {i} generation step {k}: token {tok}, gap {gap:.3g}")
            out.append(struct.pack("<i", tok) + rec)
        text = llm.detokenize([t for t, _ in gen], special=True).decode("utf-8", "replace")
        texts.append(f"prompt {i} ({len(tokens)} tokens): {prompt.decode('utf-8')[:60]!r}\n  -> {text!r}\n")
        report.append(f"prompt {i}: {len(tokens)} tokens")
        print(f"prompt {i}: {len(tokens)} tokens, continuation {text[:50]!r}", file=sys.stderr)
    llm.close()

    tokens0, rows0, bits0, size0 = first
    cache_note = check_q8_0_cache(args.model, tokens0, rows0, size0)
    print(cache_note, file=sys.stderr)

    # One thread gives the same bits (llama.cpp splits outputs between threads, never sums).
    one = Llama(model_path=args.model, **dict(SETTINGS, n_threads=1, n_threads_batch=1))
    rows, gen = run(one, tokens0)
    if [r.tobytes() for r in rows] + [r.tobytes() for _, r in gen] != bits0:
        base.fail("prompt 0 on one thread differs from two threads")
    one.close()

    os.makedirs(args.out, exist_ok=True)
    blob = b"".join(out)
    with open(os.path.join(args.out, out_name), "wb") as f:
        f.write(blob)
    with open(os.path.join(args.out, f"continuations{suffix}.txt"), "w", encoding="utf-8") as f:
        f.writelines(texts)
    with open(os.path.join(args.out, f"versions{suffix}.txt"), "w", encoding="utf-8") as f:
        f.write("made by tests/ref/make_kvcache_goldens.py\n")
        for k, v in versions.items():
            f.write(f"{k} {v}\n")
        f.write(f"python {platform.python_version()} on {platform.machine()} {platform.system()}\n")
        f.write(f"llama.cpp build: CMAKE_ARGS={base.LLAMA_CPP_CMAKE_ARGS}\n")
        f.write(f"settings: {SETTINGS} (type_k 8 = GGML_TYPE_Q8_0; type_v default F16)\n")
        f.write("environment: llama.cpp's default (Hadamard rotation of Q and K before the Q8_0 cache)\n" if args.rotation
                else "environment: LLAMA_ATTN_ROT_DISABLE=1 (no Hadamard rotation of Q and K)\n")
        f.write(f"tokenize: add_bos=True, special=True; generation: {N_GEN} greedy tokens "
                "(argmax, lowest id on ties), no stop at end-of-turn\n")
        f.write(f"model {MODEL} sha256 {model_sha}\n")
        f.write(f"{out_name} sha256 {hashlib.sha256(blob).hexdigest()} ({len(blob)} bytes)\n")
        f.write("\n".join(report) + "\n")
        f.write(f"rows with a top-2 gap below {NEAR_TIE}: {len(ties)}\n")
        f.writelines(f"  {t}\n" for t in ties)
        f.write(cache_note + "\n")
        f.write("prompt 0 on one thread: identical to two threads\n")
    print(f"wrote {out_name} ({len(blob)} bytes), near ties: {len(ties)}", file=sys.stderr)


if __name__ == "__main__":
    main()
