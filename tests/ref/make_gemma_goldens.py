#!/usr/bin/env python3
"""Gemma 3 goldens (tests/golden/gemma/) from llama.cpp, never from our own code.

The reference is the same as the SmolLM2 logits goldens' (make_logits_goldens.py,
whose portable build and pinned versions this reuses): llama.cpp through
llama-cpp-python 0.3.36 built as ggml's portable CPU code, F16 KV cache, no
flash attention, the full-size sliding-window cache (llama.cpp's default,
swa_full: cells in position order, as ours):

    Llama(model, n_ctx=1024, n_batch=512, n_ubatch=512, n_threads=2,
          n_threads_batch=2, logits_all=True, flash_attn=False, swa_full=True)

Threads do not change llama.cpp's bits (it splits outputs, not sums); the
script checks that anyway by re-running prompt 0 on one thread.

For every prompt of tests/ref/gemma_prompts.txt (escapes as in
logits_prompts.txt; two are longer than the 512-position window of Gemma's
sliding-window layers): llama.cpp's tokens (add_bos=True, special=True),
evaluated in one llama_eval from an empty cache, the logits of every
position; then 64 greedy tokens (argmax, lowest id on ties, one decode per
token, no stop at end-of-turn).

A 262,144-token vocabulary makes a logits row 1 MiB, so the goldens keep,
where we are bit-exact, what says as much: per row the SHA-256 of its
float32 bytes, the argmax, the top-1 minus top-2 gap and the 8 largest
logits with their ids.

gemma-3-270m-q4_k_m.bin, little-endian:

    header  "GMLG" u32 version=1 u32 n_vocab u32 n_prompts u32 top_k=8 u8 model_sha256[32]   (52 bytes)
    n_prompts x {
      u32 n_bytes, prompt bytes, zero padding to a multiple of 4
      u32 n_tokens, i32 tokens[n_tokens]
      n_tokens x row       (position by position)
      u32 n_gen, n_gen x { i32 id, row }     (row: the logits that chose id)
    }
    row = { i32 argmax, f32 gap, u8 sha256[32], i32 top_ids[8], f32 top_logits[8] }   (104 bytes)

gelu_f16.bin: ggml's GELU table (ggml_table_gelu_f16, 65536 little-endian
fp16 bit patterns) read out of llama.cpp's CPU backend after it built it:
our model loader builds the same table with its own tanhf.

Also written: versions.txt (versions, settings, SHA-256 of model and files,
token counts, near ties) and continuations.txt (each continuation as text).

Usage (the venv of make_logits_goldens.py; `make models` fetches the model):
    /tmp/scalar-venv/bin/python tests/ref/make_gemma_goldens.py
"""
import argparse
import ctypes
import glob
import hashlib
import os
import platform
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_logits_goldens as base  # noqa: E402  (prompts, versions, the build settings)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = "gemma-3-270m-q4_k_m.gguf"
TOP_K = 8
N_GEN = 64
NEAR_TIE = 1e-3
SETTINGS = dict(n_ctx=1024, n_batch=512, n_ubatch=512, n_threads=2, n_threads_batch=2, logits_all=True,
                flash_attn=False, swa_full=True, n_gpu_layers=0, verbose=False)


def row_record(row):
    row = np.ascontiguousarray(row, dtype="<f4")
    if not np.all(np.isfinite(row)):
        base.fail("non-finite logits")
    am, gap = base.top2(row)
    top = np.argsort(-row, kind="stable")[:TOP_K]
    return (struct.pack("<if", am, gap) + hashlib.sha256(row.tobytes()).digest() +
            struct.pack(f"<{TOP_K}i", *[int(i) for i in top]) + struct.pack(f"<{TOP_K}f", *[float(row[i]) for i in top]),
            am, gap)


def run(llm, tokens):
    """Rows of the prompt's logits and the greedy ids with their rows."""
    llm.reset()
    llm.eval(tokens)
    if llm.n_tokens != len(tokens):
        base.fail("llama.cpp did not take the whole prompt")
    rows = [np.array(llm.scores[i], dtype=np.float32, copy=True) for i in range(len(tokens))]
    gen = []
    last = rows[-1]
    for step in range(N_GEN):
        tok = base.top2(last)[0]
        gen.append((tok, last))
        if step + 1 < N_GEN:
            llm.eval([tok])
            last = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32, copy=True)
    return rows, gen


def gelu_table():
    import llama_cpp
    libs = sorted(glob.glob(os.path.join(os.path.dirname(llama_cpp.__file__), "lib", "libggml-cpu.so.*")))
    if not libs:
        base.fail("libggml-cpu.so.* not found beside llama_cpp")
    # The copy llama.cpp loaded (by its soname): opening the file anew would map a second, empty one.
    lib = ctypes.CDLL(min(libs, key=len), mode=os.RTLD_NOLOAD)
    table = (ctypes.c_uint16 * 65536).in_dll(lib, "ggml_table_gelu_f16")
    data = bytes(table)
    if data.count(0) == len(data):
        base.fail("ggml_table_gelu_f16 is all zeros: the CPU backend was not initialized")
    return np.frombuffer(data, dtype=np.uint16).astype("<u2").tobytes()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=os.path.join(REPO, "test_models", MODEL))
    ap.add_argument("--prompts", default=os.path.join(REPO, "tests/ref/gemma_prompts.txt"))
    ap.add_argument("--out", default=os.path.join(REPO, "tests/golden/gemma"))
    args = ap.parse_args()
    os.environ.setdefault("GGML_NO_BACKTRACE", "1")
    versions = base.check_versions()
    from llama_cpp import Llama

    model_sha = base.sha256(args.model)
    prompts = base.read_prompts(args.prompts)
    llm = Llama(model_path=args.model, **SETTINGS)
    n_vocab = llm.n_vocab()
    out = [b"GMLG", struct.pack("<4I", 1, n_vocab, len(prompts), TOP_K), bytes.fromhex(model_sha)]
    report, texts, first_rows = [], [], None
    near = 0
    for i, prompt in enumerate(prompts):
        tokens = llm.tokenize(prompt, add_bos=True, special=True)
        rows, gen = run(llm, tokens)
        if i == 0:
            first_rows = [r.tobytes() for r in rows] + [r.tobytes() for _, r in gen]
        out += [struct.pack("<I", len(prompt)), prompt, b"\0" * (-len(prompt) % 4),
                struct.pack(f"<I{len(tokens)}i", len(tokens), *tokens)]
        for r in rows:
            rec, _, gap = row_record(r)
            near += gap < NEAR_TIE
            out.append(rec)
        out.append(struct.pack("<I", len(gen)))
        for tok, r in gen:
            rec, _, gap = row_record(r)
            near += gap < NEAR_TIE
            out.append(struct.pack("<i", tok) + rec)
        text = llm.detokenize([t for t, _ in gen], special=True).decode("utf-8", "replace")
        texts.append(f"prompt {i} ({len(tokens)} tokens): {prompt.decode('utf-8')[:60]!r}\n  -> {text!r}\n")
        report.append(f"prompt {i}: {len(tokens)} tokens")
        print(f"prompt {i}: {len(tokens)} tokens, continuation {text[:50]!r}", file=sys.stderr)
    gelu = gelu_table()
    llm.close()

    # One thread gives the same bits (llama.cpp splits outputs between threads, never sums).
    one = Llama(model_path=args.model, **dict(SETTINGS, n_threads=1, n_threads_batch=1))
    rows, gen = run(one, one.tokenize(prompts[0], add_bos=True, special=True))
    if [r.tobytes() for r in rows] + [r.tobytes() for _, r in gen] != first_rows:
        base.fail("prompt 0 on one thread differs from two threads")
    one.close()

    os.makedirs(args.out, exist_ok=True)
    blob = b"".join(out)
    files = {MODEL.replace(".gguf", ".bin"): blob, "gelu_f16.bin": gelu}
    for name, data in files.items():
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
    with open(os.path.join(args.out, "continuations.txt"), "w", encoding="utf-8") as f:
        f.writelines(texts)
    with open(os.path.join(args.out, "versions.txt"), "w", encoding="utf-8") as f:
        f.write("made by tests/ref/make_gemma_goldens.py\n")
        for k, v in versions.items():
            f.write(f"{k} {v}\n")
        f.write(f"python {platform.python_version()} on {platform.machine()} {platform.system()}\n")
        f.write(f"llama.cpp build: CMAKE_ARGS={base.LLAMA_CPP_CMAKE_ARGS}\n")
        f.write(f"settings: {SETTINGS}\n")
        f.write(f"model {MODEL} sha256 {model_sha}\n")
        for name, data in files.items():
            f.write(f"{name} sha256 {hashlib.sha256(data).hexdigest()} ({len(data)} bytes)\n")
        f.write("\n".join(report) + "\n")
        f.write(f"rows with a top-2 gap below {NEAR_TIE}: {near}\n")
        f.write("prompt 0 on one thread: identical to two threads\n")


if __name__ == "__main__":
    main()
