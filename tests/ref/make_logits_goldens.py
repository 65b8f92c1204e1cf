#!/usr/bin/env python3
"""Logits goldens (tests/golden/logits/) from llama.cpp, never from our own code.

The reference is llama.cpp through llama-cpp-python (pinned in
tests/ref/requirements-logits.txt), CPU only, one thread, F16 KV cache, no
flash attention:

    Llama(model, n_ctx=512, n_batch=512, n_ubatch=512, n_threads=1,
          n_threads_batch=1, logits_all=True, flash_attn=False, verbose=False)

For every model and every prompt of tests/ref/logits_prompts.txt (one prompt
a line, UTF-8; the escapes \\n, \\t and \\\\ stand for a newline, a tab and a
backslash):

  - the prompt is tokenized by llama.cpp: tokenize(bytes, add_bos=False,
    special=True) (SmolLM2 adds no BOS; the ChatML markers are special tokens);
  - the tokens are evaluated in one batch from an empty KV cache, and the
    logits of every position are kept (float32, full vocabulary);
  - then 64 tokens are generated greedily, one decode call per token: the next
    token is the argmax of the last logits (ties: the lowest id), fed back, and
    so on. End-of-sequence tokens (<|endoftext|> 0, <|im_end|> 2) do not stop
    the generation: there are always 64.

What a file holds for a prompt: its bytes, its tokens, for each prompt
position the float32 argmax and the gap between the largest and second
largest logit, the logits themselves as bfloat16 (rounded to nearest even
from float32) when the model's plan stores them for that prompt, then the
generated ids and, for each generation step, the gap between the top two
logits that chose it. A gap below 1e-3 marks a near tie, where a correct
implementation may pick the other token.

Which prompts have stored logits (the size budget: each position costs
49152 x 2 bytes): every prompt for the original Q4_1 model and for the F16
model (smollm2-135m-f16.gguf, our gguf-quantize's F16 of the Q4_1 model: no
activation quantization in llama.cpp, so the one full-depth model a float
forward pass can match to NMSE 1e-4, see --numpy-check); prompts 0-2 for the
Q8_0 and Q4_0 models and for the Q8_0 model cut to 1 and 4 blocks
(tools/gguf-truncate). --logits-all stores every prompt for every model.
Argmaxes, gaps and generations are stored for every model and prompt.

Files, little-endian, each at most --max-file-bytes (3,500,000), named
<model stem>_p<first>-<last>.bin, a model's prompts split in order:

    header (56 bytes):
      "LGTS"  u32 version = 1  u32 n_vocab  u32 first_prompt  u32 n_prompts
      u32 total_prompts  u8 model_sha256[32]
    n_prompts x {
      u32 n_bytes, the prompt's bytes, zero padding to a multiple of 4
      u32 n_tokens, i32 tokens[n_tokens]
      i32 argmax[n_tokens]            float32 argmax at each position (lowest id on ties)
      f32 gap[n_tokens]               top-1 minus top-2 logit at each position
      u32 n_rows                      n_tokens, or 0 when the logits are not stored
      u16 logits[n_rows][n_vocab]     bfloat16 bit patterns, row = position
      u32 n_gen, i32 gen[n_gen], f32 gen_gap[n_gen]
    }

Also written: versions.txt (versions, settings, system info, SHA-256 of
every model and output file, token counts, near ties, sanity checks) and
continuations.txt (each generation decoded, for people).

Checks before anything is written: the truncated models hold exactly the
first N blocks of their source (read with the gguf package, an independent
reader), every model tokenizes the prompts alike, re-running prompts 0 and 1
at the end on the same context gives bit-identical results, and the Q4_1
model continues "The capital of France is" with " Paris" and answers the
ChatML "What is 2+2?" with a "4".

--numpy-check exact ggml writes nothing: it reads the goldens back and
compares them with a numpy forward pass of the same models (NumpyLlama),
exact or rounding what ggml's CPU backend rounds, and prints the NMSE.

Usage (see tests/golden/README.md; `make models` makes every model used):
    /tmp/tok-venv/bin/python tests/ref/make_logits_goldens.py
    /tmp/tok-venv/bin/python tests/ref/make_logits_goldens.py --numpy-check exact ggml
"""
import argparse
import glob
import hashlib
import os
import platform
import struct
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

LLAMA_CPP_COMMIT = "0c1e57098bba43ac29e6e3b677cdceebdd22334f"  # vendored by the llama-cpp-python 0.3.36 sdist
PINNED = {"llama_cpp_python": "0.3.36", "numpy": "2.4.6", "gguf": "0.19.0"}

N_GEN = 64
NEAR_TIE = 1e-3
DIAG_PROMPTS = 3  # prompts 0..2 keep their logits in the diagnostic models

# (file in the models dir, prompts whose logits are stored: None = all, truncation (source, N) or None)
# The reference build: ggml's portable (scalar) CPU code, no SIMD, no llamafile
# sgemm, so its arithmetic is ggml's reference arithmetic, which ours follows.
# (SIMD builds round activations differently; over SmolLM2's 30 layers that
# alone moves the logits by NMSE 1e-3 to 3e-2 -- see the README section.)
LLAMA_CPP_CMAKE_ARGS = ("-DGGML_NATIVE=OFF -DGGML_AVX=OFF -DGGML_AVX2=OFF -DGGML_AVX512=OFF -DGGML_FMA=OFF "
                        "-DGGML_F16C=OFF -DGGML_BMI2=OFF -DGGML_SSE42=OFF -DGGML_AVX_VNNI=OFF "
                        "-DGGML_LLAMAFILE=OFF -DGGML_OPENMP=OFF")

MODELS = [
    ("smollm2-135m-q4_1.gguf", None, None),
    ("smollm2-135m-q8_0.gguf", None, None),
    ("smollm2-135m-q4_0.gguf", None, None),
    ("smollm2-135m-q8_0-L1.gguf", DIAG_PROMPTS, ("smollm2-135m-q8_0.gguf", 1)),
    ("smollm2-135m-q8_0-L4.gguf", DIAG_PROMPTS, ("smollm2-135m-q8_0.gguf", 4)),
]

LLAMA_SETTINGS = dict(n_ctx=512, n_batch=512, n_ubatch=512, n_threads=1, n_threads_batch=1,
                      logits_all=True, flash_attn=False, n_gpu_layers=0, verbose=False)


def fail(msg):
    sys.exit(f"make_logits_goldens: {msg}")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_prompts(path):
    prompts = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f.read().decode("utf-8").split("\n"), 1):
            if raw == "":
                continue
            out, i = [], 0
            while i < len(raw):
                c = raw[i]
                if c == "\\":
                    nxt = raw[i + 1] if i + 1 < len(raw) else ""
                    if nxt not in ("n", "t", "\\"):
                        fail(f"{path}:{n}: unknown escape \\{nxt}")
                    out.append({"n": "\n", "t": "\t", "\\": "\\"}[nxt])
                    i += 2
                else:
                    out.append(c)
                    i += 1
            prompts.append("".join(out).encode("utf-8"))
    return prompts


def to_bf16(x):
    """float32 -> bfloat16 bit patterns, round to nearest even (finite input only)."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    if not np.all(np.isfinite(x)):
        fail("non-finite logits")
    u = x.view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def from_bf16(b):
    return (b.astype(np.uint32) << 16).view(np.float32)


def top2(row):
    """(argmax with the lowest id on ties, top-1 minus top-2) of one row of float32 logits."""
    a = int(np.argmax(row))  # first maximum = lowest id
    second = np.partition(row, -2)[-2]
    return a, float(np.float32(row[a]) - np.float32(second))


def check_truncated(src_path, dst_path, n_blocks):
    """dst must be src with blocks >= n_blocks dropped and llama.block_count = n_blocks (gguf package)."""
    import gguf

    src, dst = gguf.GGUFReader(src_path), gguf.GGUFReader(dst_path)

    def fields(r):
        return {k: f for k, f in r.fields.items() if not k.startswith("GGUF.")}

    fs, fd = fields(src), fields(dst)
    if list(fs) != list(fd):
        fail(f"{dst_path}: metadata keys differ from {src_path}")
    for k in fs:
        a, b = fs[k], fd[k]
        if k == "llama.block_count":
            if int(b.parts[b.data[0]][0]) != n_blocks or b.types != a.types:
                fail(f"{dst_path}: llama.block_count is not {n_blocks}")
            continue
        if a.types != b.types or len(a.parts) != len(b.parts) or any(
                bytes(p.tobytes()) != bytes(q.tobytes()) for p, q in zip(a.parts, b.parts)):
            fail(f"{dst_path}: metadata {k} differs from {src_path}")

    def keep(name):
        if not name.startswith("blk."):
            return True
        return int(name.split(".")[1]) < n_blocks

    want = [t for t in src.tensors if keep(t.name)]
    if [t.name for t in want] != [t.name for t in dst.tensors]:
        fail(f"{dst_path}: tensor list is not the first {n_blocks} blocks of {src_path}")
    for a, b in zip(want, dst.tensors):
        if a.tensor_type != b.tensor_type or list(a.shape) != list(b.shape) or \
                a.data.tobytes() != b.data.tobytes():
            fail(f"{dst_path}: tensor {a.name} differs from {src_path}")
    return len(want), len(src.tensors)


# ---------------------------------------------------------------- reading the goldens back

def read_golden(path):
    """A golden file as a header dict and a list of prompt dicts (the format of the docstring)."""
    with open(path, "rb") as f:
        b = f.read()
    if b[:4] != b"LGTS":
        fail(f"{path}: not a logits golden")
    version, n_vocab, first, n_prompts, total = struct.unpack_from("<5I", b, 4)
    if version != 1:
        fail(f"{path}: version {version}")
    head = dict(n_vocab=n_vocab, first=first, n_prompts=n_prompts, total=total, model_sha256=b[24:56].hex())
    o, prompts = 56, []
    for i in range(n_prompts):
        (nb,) = struct.unpack_from("<I", b, o)
        text = b[o + 4:o + 4 + nb]
        o += 4 + nb + (-nb % 4)
        (nt,) = struct.unpack_from("<I", b, o)
        tokens = list(struct.unpack_from(f"<{nt}i", b, o + 4))
        o += 4 + 4 * nt
        argmax = np.frombuffer(b, "<i4", nt, o)
        gap = np.frombuffer(b, "<f4", nt, o + 4 * nt)
        o += 8 * nt
        (nr,) = struct.unpack_from("<I", b, o)
        if nr not in (0, nt):
            fail(f"{path}: prompt {first + i}: {nr} logit rows for {nt} tokens")
        logits = from_bf16(np.frombuffer(b, "<u2", nr * n_vocab, o + 4)).reshape(nr, n_vocab)
        o += 4 + 2 * nr * n_vocab
        (ng,) = struct.unpack_from("<I", b, o)
        gen = list(struct.unpack_from(f"<{ng}i", b, o + 4))
        gen_gap = np.frombuffer(b, "<f4", ng, o + 4 + 4 * ng)
        o += 4 + 8 * ng
        prompts.append(dict(index=first + i, text=text, tokens=tokens, argmax=argmax, gap=gap, logits=logits,
                            gen=gen, gen_gap=gen_gap))
    if o != len(b):
        fail(f"{path}: {len(b) - o} bytes after the last prompt")
    return head, prompts


# ---------------------------------------------------------------- an independent forward pass

class NumpyLlama:
    """A llama forward pass in numpy from a GGUF's weights (dequantized by the gguf package): a check
    of the goldens that needs neither llama.cpp nor our engine. exact: float64 throughout. ggml: what
    ggml's CPU backend rounds, copied: activations quantized to the weight type's dot-product partner
    before each matmul (Q8_0 for Q4_0/Q5_0/Q8_0, Q8_1 for Q4_1/Q5_1, fp16 for F16) the way its SIMD
    code does it (d = amax/127 kept as fp16, q = x*127/amax rounded half to even, Q8_1's s = fp16(d*sum q)),
    RMSNorm in float32, K and V cached as fp16, Q and the softmax weights rounded to fp16 for the two
    attention products."""

    def __init__(self, path, mode):
        import gguf
        from gguf.quants import dequantize
        r = gguf.GGUFReader(path)
        if mode not in ("exact", "ggml"):
            fail(f"unknown numpy mode {mode}")
        self.mode = mode

        def kv(key):
            f = r.fields[key]
            return f.parts[f.data[0]][0]

        arch = bytes(r.fields["general.architecture"].parts[-1]).decode()
        if arch != "llama":
            fail(f"{path}: the numpy check knows llama only, not {arch}")
        self.n_layer = int(kv("llama.block_count"))
        self.n_head = int(kv("llama.attention.head_count"))
        self.n_head_kv = int(kv("llama.attention.head_count_kv"))
        self.eps = np.float32(kv("llama.attention.layer_norm_rms_epsilon"))
        self.base = float(kv("llama.rope.freq_base")) if "llama.rope.freq_base" in r.fields else 10000.0
        Q = gguf.GGMLQuantizationType
        partner = {Q.Q4_0: "q8_0", Q.Q5_0: "q8_0", Q.Q8_0: "q8_0", Q.Q4_1: "q8_1", Q.Q5_1: "q8_1",
                   Q.F16: "f16", Q.F32: "f32"}
        self.w, self.act, self.min = {}, {}, {}
        for t in r.tensors:
            shape = [int(x) for x in reversed(t.shape)]
            self.w[t.name] = dequantize(t.data, t.tensor_type).astype(np.float64).reshape(shape)
            if len(shape) == 2:
                if t.tensor_type not in partner:
                    fail(f"{path}: {t.name}: the numpy check does not know {t.tensor_type.name}")
                self.act[t.name] = partner[t.tensor_type]
                if partner[t.tensor_type] == "q8_1":  # the per-block minimums, for Q8_1's s term
                    blocks = np.asarray(t.data, dtype=np.uint8).reshape(shape[0], -1, 20 if t.tensor_type == Q.Q4_1 else 24)
                    self.min[t.name] = blocks[:, :, 2:4].copy().view("<f2")[:, :, 0].astype(np.float64)
        self.out_name = "output.weight" if "output.weight" in self.w else "token_embd.weight"

    @staticmethod
    def f16(a):
        return a.astype(np.float16).astype(np.float64)

    def matmul(self, x, name):
        w = self.w[name]
        kind = self.act[name] if self.mode == "ggml" else "f64"
        if kind == "f16":
            return self.f16(x) @ w.T
        if kind not in ("q8_0", "q8_1"):
            return x @ w.T
        xs = x.astype(np.float32).reshape(x.shape[0], -1, 32)
        amax = np.abs(xs).max(-1, keepdims=True)
        d = (amax / np.float32(127)).astype(np.float32)
        inv = np.where(amax > 0, np.float32(127) / np.where(amax > 0, amax, 1), 0).astype(np.float32)
        q = np.round((xs * inv).astype(np.float32))  # half to even, as _mm256_round_ps / vcvtnq_s32_f32
        d16 = d.astype(np.float16).astype(np.float64)
        y = (q.astype(np.float64) * d16).reshape(x.shape) @ w.T
        if kind == "q8_1":  # ggml adds m * s with s = fp16(d * sum q), not m * fp16(d) * sum q
            s = (d[..., 0].astype(np.float64) * q.sum(-1)).astype(np.float16).astype(np.float64)
            y += (s - d16[..., 0] * q.sum(-1)) @ self.min[name].T
        return y

    def rms(self, x, w):
        if self.mode == "exact":
            return x / np.sqrt(np.mean(x * x, -1, keepdims=True) + float(self.eps)) * w
        x = x.astype(np.float32)
        mean = (np.sum((x * x).astype(np.float64), -1, keepdims=True) / x.shape[-1]).astype(np.float32)
        scale = (np.float32(1) / np.sqrt(mean + self.eps)).astype(np.float32)
        return ((x * scale).astype(np.float32) * w.astype(np.float32)).astype(np.float64)

    def forward(self, tokens):
        """Logits (float64 [n][n_vocab]) of every position, all tokens in one causal batch."""
        w, T = self.w, len(tokens)
        emb = w["token_embd.weight"]
        d_model = emb.shape[1]
        hd = d_model // self.n_head
        group = self.n_head // self.n_head_kv
        pos = np.arange(T, dtype=np.float64)
        ang = pos[:, None] * self.base ** (-2.0 * np.arange(hd // 2) / hd)[None, :]
        cos, sin = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]

        def rope(x):  # llama's "normal" rotation: element pairs (2i, 2i+1)
            out = np.empty_like(x)
            out[..., 0::2] = x[..., 0::2] * cos - x[..., 1::2] * sin
            out[..., 1::2] = x[..., 0::2] * sin + x[..., 1::2] * cos
            return out

        r16 = self.f16 if self.mode == "ggml" else (lambda a: a)
        mask = np.triu(np.full((T, T), -np.inf), 1)
        x = emb[np.asarray(tokens)].copy()
        for layer in range(self.n_layer):
            p = f"blk.{layer}."
            h = self.rms(x, w[p + "attn_norm.weight"])
            q = rope(self.matmul(h, p + "attn_q.weight").reshape(T, self.n_head, hd))
            k = r16(rope(self.matmul(h, p + "attn_k.weight").reshape(T, self.n_head_kv, hd)))
            v = r16(self.matmul(h, p + "attn_v.weight").reshape(T, self.n_head_kv, hd))
            o = np.empty((T, self.n_head, hd))
            for head in range(self.n_head):
                s = r16(q[:, head, :]) @ k[:, head // group, :].T / np.sqrt(hd) + mask
                e = np.exp(s - s.max(1, keepdims=True))
                o[:, head, :] = r16(e / e.sum(1, keepdims=True)) @ v[:, head // group, :]
            x = x + self.matmul(o.reshape(T, d_model), p + "attn_output.weight")
            h = self.rms(x, w[p + "ffn_norm.weight"])
            a, b = self.matmul(h, p + "ffn_gate.weight"), self.matmul(h, p + "ffn_up.weight")
            x = x + self.matmul(a / (1 + np.exp(-a)) * b, p + "ffn_down.weight")
        return self.matmul(self.rms(x, w["output_norm.weight"]), self.out_name)


def numpy_check(args):
    """Reads the goldens back and compares their logits with NumpyLlama's (printed, nothing written)."""
    by_model = {}
    for path in sorted(glob.glob(os.path.join(args.out, "*.bin"))):
        head, prompts = read_golden(path)
        stem = os.path.basename(path).rsplit("_p", 1)[0]
        by_model.setdefault(stem + ".gguf", []).append((head, prompts))
    print(f"{'model':28s} {'mode':5s} {'positions':>9s} {'NMSE max':>9s} {'median':>9s} {'>1e-4':>6s} {'argmax':>7s}")
    for m, _, _ in MODELS:
        if m not in by_model:
            continue
        path = os.path.join(args.models, m)
        sha = sha256(path)
        if any(h["model_sha256"] != sha for h, _ in by_model[m]):
            fail(f"{path} is not the model the goldens were made from")
        for mode in args.numpy_check:
            ref = NumpyLlama(path, mode)
            nmse, n_diff, n_pos = [], 0, 0
            for _, prompts in by_model[m]:
                for pr in prompts:
                    if len(pr["logits"]) == 0:
                        continue
                    ours = ref.forward(pr["tokens"])
                    gold = pr["logits"].astype(np.float64)
                    nmse += list(((ours - gold) ** 2).sum(1) / (gold ** 2).sum(1))
                    # an argmax difference counts unless llama.cpp's own top two were a near tie
                    diff = (ours.argmax(1) != pr["argmax"]) & (pr["gap"] >= NEAR_TIE)
                    n_diff += int(diff.sum())
                    n_pos += len(pr["tokens"])
            nmse = np.array(nmse)
            print(f"{m:28s} {mode:5s} {n_pos:9d} {nmse.max():9.2e} {np.median(nmse):9.2e} "
                  f"{int((nmse > 1e-4).sum()):6d} {n_diff:7d}", flush=True)
            del ref


class Reference:
    def __init__(self, path):
        from llama_cpp import Llama
        self.llm = Llama(model_path=path, **LLAMA_SETTINGS)
        self.n_vocab = self.llm.n_vocab()

    def close(self):
        self.llm.close()

    def tokenize(self, text):
        return self.llm.tokenize(text, add_bos=False, special=True)

    def run(self, tokens, n_gen):
        """Prompt logits (float32 [n][n_vocab]), greedy ids and their gaps."""
        llm = self.llm
        llm.reset()
        llm.eval(tokens)
        if llm.n_tokens != len(tokens):
            fail("llama.cpp did not take the whole prompt")
        logits = np.array(llm.scores[:len(tokens)], dtype=np.float32, copy=True)
        last = logits[-1]
        gen, gaps = [], []
        for step in range(n_gen):
            tok, gap = top2(last)
            gen.append(tok)
            gaps.append(gap)
            if step + 1 < n_gen:
                llm.eval([tok])
                last = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32, copy=True)
        return logits, gen, gaps

    def detok(self, ids):
        return self.llm.detokenize(ids, special=True).decode("utf-8", "replace")


def record(prompt, tokens, logits, store, gen, gaps):
    pos = [top2(row) for row in logits]
    out = [struct.pack("<I", len(prompt)), prompt, b"\0" * (-len(prompt) % 4),
           struct.pack(f"<I{len(tokens)}i", len(tokens), *tokens),
           struct.pack(f"<{len(tokens)}i", *[a for a, _ in pos]),
           struct.pack(f"<{len(tokens)}f", *[g for _, g in pos])]
    if store:
        out.append(struct.pack("<I", len(tokens)))
        out.append(to_bf16(logits).astype("<u2").tobytes())
    else:
        out.append(struct.pack("<I", 0))
    out.append(struct.pack(f"<I{len(gen)}i", len(gen), *gen))
    out.append(struct.pack(f"<{len(gaps)}f", *gaps))
    return b"".join(out), pos


def pack_files(stem, records, n_vocab, model_sha, max_bytes):
    """Splits a model's records, in order, into files of at most max_bytes: [(name, bytes)]."""
    header_len = 56
    files, group, first = [], [], 0
    size = header_len

    def flush():
        name = f"{stem}_p{first:02d}-{first + len(group) - 1:02d}.bin"
        head = b"LGTS" + struct.pack("<5I", 1, n_vocab, first, len(group), len(records)) + bytes.fromhex(model_sha)
        assert len(head) == header_len
        files.append((name, head + b"".join(group)))

    for i, rec in enumerate(records):
        if header_len + len(rec) > max_bytes:
            fail(f"{stem}: prompt {i} alone needs {header_len + len(rec)} bytes, more than {max_bytes}")
        if size + len(rec) > max_bytes:
            flush()
            group, first, size = [], i, header_len
        group.append(rec)
        size += len(rec)
    flush()
    return files


def check_versions():
    from importlib.metadata import version
    got = {k: version(k) for k in PINNED}
    for k, v in PINNED.items():
        if got[k] != v:
            print(f"make_logits_goldens: warning: {k} {got[k]}, the goldens were made with {v}", file=sys.stderr)
    return got


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default=os.path.join(REPO, "test_models"))
    ap.add_argument("--prompts", default=os.path.join(REPO, "tests/ref/logits_prompts.txt"))
    ap.add_argument("--out", default=os.path.join(REPO, "tests/golden/logits"))
    ap.add_argument("--max-file-bytes", type=int, default=3_500_000)
    ap.add_argument("--logits-all", action="store_true", help="store the logits of every prompt in every model")
    ap.add_argument("--numpy-check", nargs="+", choices=("exact", "ggml"), metavar="MODE",
                    help="write nothing: read the goldens in --out back and compare them with a numpy forward "
                         "pass (exact and/or ggml; see NumpyLlama)")
    args = ap.parse_args()
    if args.numpy_check:
        numpy_check(args)
        return

    os.environ.setdefault("GGML_NO_BACKTRACE", "1")
    versions = check_versions()
    import llama_cpp

    prompts = read_prompts(args.prompts)
    paths = {m: os.path.join(args.models, m) for m, _, _ in MODELS}
    for m, _, trunc in MODELS:
        if not os.path.exists(paths[m]):
            hint = "run `make models`"
            if m == "smollm2-135m-f16.gguf":
                hint = (f"make it with build/host/tools/gguf-quantize {os.path.join(args.models, MODELS[0][0])} "
                        f"{paths[m]} F16")
            if trunc:
                hint = (f"make it with build/host/tools/gguf-truncate {os.path.join(args.models, trunc[0])} "
                        f"{paths[m]} {trunc[1]}")
            fail(f"{paths[m]} is missing: {hint}")
    shas = {m: sha256(p) for m, p in paths.items()}

    notes = []
    for m, _, trunc in MODELS:
        if trunc:
            kept, total = check_truncated(paths[trunc[0]], paths[m], trunc[1])
            notes.append(f"{m}: {kept} of {total} tensors of {trunc[0]}, data identical (gguf package)")
            print(f"checked {m}: the first {trunc[1]} blocks of {trunc[0]} ({kept} of {total} tensors)")

    all_files, near_ties, continuations, token_lists = [], [], [], None
    bf16_nmse_max, sanity = 0.0, []
    for m, n_logit_prompts, _ in MODELS:
        print(f"== {m}", flush=True)
        ref = Reference(paths[m])
        toks = [ref.tokenize(p) for p in prompts]
        if token_lists is None:
            token_lists = toks
            for i, t in enumerate(toks):
                if not 1 <= len(t) <= 32:
                    fail(f"prompt {i} has {len(t)} tokens; keep prompts short")
        elif toks != token_lists:
            fail(f"{m} tokenizes the prompts differently")
        results, records = [], []
        for i, (p, t) in enumerate(zip(prompts, toks)):
            logits, gen, gaps = ref.run(t, N_GEN)
            results.append((logits, gen, gaps))
            store = args.logits_all or n_logit_prompts is None or i < n_logit_prompts
            rec, pos = record(p, t, logits, store, gen, gaps)
            records.append(rec)
            if store:
                err = from_bf16(to_bf16(logits)) - logits
                nmse = (np.sum(err.astype(np.float64) ** 2, axis=1) / np.sum(logits.astype(np.float64) ** 2, axis=1))
                bf16_nmse_max = max(bf16_nmse_max, float(nmse.max()))
            for k, (a, g) in enumerate(pos):
                if g < NEAR_TIE:
                    near_ties.append(f"{m} prompt {i} position {k}: argmax {a}, gap {g:.3g}")
            for k, g in enumerate(gaps):
                if g < NEAR_TIE:
                    near_ties.append(f"{m} prompt {i} generation step {k}: token {gen[k]}, gap {g:.3g}")
            text = ref.detok(gen)
            continuations.append(f"{m} prompt {i} {p.decode('utf-8')!r}: {text!r}")
            print(f"  prompt {i:2d} ({len(t):2d} tokens{', logits' if store else ''}): {text[:60]!r}", flush=True)

        # the same context, reset, must give the same bits as before
        for i in (0, 1):
            logits, gen, gaps = ref.run(toks[i], N_GEN)
            if not (np.array_equal(logits, results[i][0]) and gen == results[i][1] and gaps == results[i][2]):
                fail(f"{m}: prompt {i} is not reproducible")

        if m == "smollm2-135m-q4_1.gguf":
            cap = ref.detok(results[0][1][:8])
            chat = ref.detok(results[1][1][:8])
            if " Paris" not in cap:
                fail(f"sanity: Q4_1 continues prompt 0 with {cap!r}, no ' Paris'")
            if "4" not in chat:
                fail(f"sanity: Q4_1 answers the 2+2 chat with {chat!r}, no '4'")
            sanity.append(f"Q4_1 prompt 0 first 8 tokens: {cap!r}")
            sanity.append(f"Q4_1 prompt 1 first 8 tokens: {chat!r}")
        all_files += pack_files(m[:-len(".gguf")], records, ref.n_vocab, shas[m], args.max_file_bytes)
        ref.close()

    os.makedirs(args.out, exist_ok=True)
    for old in glob.glob(os.path.join(args.out, "*.bin")):
        os.remove(old)
    for name, data in all_files:
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
    total = sum(len(d) for _, d in all_files)

    lines = [
        "# tests/golden/logits/ -- made by tests/ref/make_logits_goldens.py",
        f"python {platform.python_version()}",
        f"llama-cpp-python {versions['llama_cpp_python']} (llama.cpp {LLAMA_CPP_COMMIT}, built from the sdist "
        f"with CMAKE_ARGS={LLAMA_CPP_CMAKE_ARGS})",
        f"numpy {versions['numpy']}",
        f"gguf {versions['gguf']} (checks the truncated models)",
        f"llama.cpp system info: {llama_cpp.llama_print_system_info().decode().strip()}",
        "settings: " + ", ".join(f"{k}={v}" for k, v in LLAMA_SETTINGS.items())
        + ", KV cache F16 (default), CPU only",
        f"tokenize: add_bos=False, special=True; generation: {N_GEN} greedy tokens (argmax, lowest id on ties), "
        "no stop at end-of-sequence",
        "logits: bfloat16, round to nearest even from float32; "
        f"largest NMSE of the rounding over stored positions {bf16_nmse_max:.3g}",
        "",
        "models (SHA-256, prompts with stored logits):",
    ]
    for m, n_logit_prompts, trunc in MODELS:
        which = "all" if (args.logits_all or n_logit_prompts is None) else f"0-{n_logit_prompts - 1}"
        src = f", derived: gguf-truncate {trunc[0]} {trunc[1]}" if trunc else ""
        lines.append(f"  {shas[m]}  {m}  logits for prompts: {which}{src}")
    lines += [f"  {n}" for n in notes]
    lines += ["", f"prompts ({len(prompts)}, {sum(map(len, token_lists))} tokens):"]
    for i, (p, t) in enumerate(zip(prompts, token_lists)):
        lines.append(f"  {i:2d} {len(t):2d} tokens {p.decode('utf-8')!r}")
    lines += ["", f"files ({len(all_files)}, {total} bytes):"]
    for name, data in all_files:
        lines.append(f"  {hashlib.sha256(data).hexdigest()}  {len(data):8d}  {name}")
    lines += ["", f"near ties (gap < {NEAR_TIE:g}): {len(near_ties)}"] + [f"  {t}" for t in near_ties]
    lines += ["", "sanity:"] + [f"  {s}" for s in sanity]
    with open(os.path.join(args.out, "versions.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(args.out, "continuations.txt"), "w", encoding="utf-8") as f:
        f.write(f"# {N_GEN} greedy tokens per model and prompt, decoded by llama.cpp (special tokens shown)\n")
        f.write("\n".join(continuations) + "\n")
    print(f"wrote {len(all_files)} files, {total} bytes, into {args.out}")
    for s in sanity:
        print(s)
    print(f"near ties: {len(near_ties)}")
    for t in near_ties:
        print(f"  {t}")


if __name__ == "__main__":
    main()
