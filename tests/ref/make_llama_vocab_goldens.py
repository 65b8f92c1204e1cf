#!/usr/bin/env python3
"""Goldens for llama.cpp's own tokenizer test vocabularies
(tests/golden/llama_vocabs/detok.txt), from llama.cpp itself via
llama-cpp-python, never from our code.

Input: the directory `make models` unpacks from the llama-cpp-python 0.3.36
sdist (test_models/llama-vocabs/: ggml-vocab-NAME.gguf, and for fifteen of
them NAME.gguf.inp, strings separated by a line "__ggml_vocab_test__", and
NAME.gguf.out, the expected ids per string, made by the original Hugging Face
tokenizers). For every vocabulary with vectors, every string:

  1. llama.cpp's tokenize(text, add_special=False, parse_special=False) must
     equal the .out line (checked here: the vectors are the reference for
     encoding, and this proves llama.cpp agrees with them);
  2. llama_detokenize(the .out ids, remove_special=False,
     unparse_special=False) is recorded.

The vocabularies without vectors take a related vocabulary's strings
(RELATED below: aquila gpt-2's, gpt-neox mpt's, baichuan llama-spm's,
nomic-bert-moe bert-bge's);
llama.cpp's ids for them are written to tests/golden/llama_vocabs/NAME.out
in the .out format (one line per string) and are what step 2 detokenizes.

detok.txt has one line per string: "NAME INDEX =" when the detokenized text
is the input string byte for byte, else "NAME INDEX |TEXT" with TEXT escaped
(\\n, \\t, \\r, \\\\, \\xNN for other bytes below 0x20 and 0x7F; space as
\\s; other bytes as they are), which keeps the file small (a few KB).

stress.txt: for every vocabulary, and for gpt-2's vocabulary renamed to
each pre-tokenizer in RENAMED (its tokenizer.ggml.pre string rewritten in a
temporary copy; "MODEL/PRE" rewrites tokenizer.ggml.model too), "NAME SHA256" over STRESS_COUNT random strings: each the
concatenation of 1 to 24 pieces of stress_pool.txt picked by xorshift32
from STRESS_SEED (the C test draws the same strings), hashing per string
u32 id count, the ids (int32), u32 length and llama_detokenize's text, all
little-endian, with add_special and parse_special off.

Usage (llama-cpp-python built as tests/ref/requirements-tokenizer.txt says):
    make models
    python3 tests/ref/make_llama_vocab_goldens.py [--vocabs test_models/llama-vocabs]
        [--out tests/golden/llama_vocabs/detok.txt]
"""
import argparse
import ctypes
import glob
import hashlib
import os
import struct
import sys
import tempfile

SEP = b"\n__ggml_vocab_test__\n"
STRESS_COUNT = 2000
STRESS_SEED = 0x19191919
RENAMED = ["deepseek-v3", "gpt-4o", "tekken", "bloom", "viking", "laguna", "dbrx", "glm4", "chatglm-bpe",
           "stablelm2", "trillion", "default", "ufakzeka", "seed-coder", "minicpm5", "spark2_5", "bailingmoe",
           "granite-embed-multi-97m", "tiny_aya", "youtu", "afmoe", "jais-2", "exaone-moe", "chameleon",
           "superbpe", "kimi-k2", "whitespace/whitespace", "whitespace/gpt-2"]  # MODEL/PRE renames the model too
RELATED = {"aquila": "gpt-2", "gpt-neox": "mpt", "baichuan": "llama-spm", "nomic-bert-moe": "bert-bge"}


def read_strings(gguf_path):
    with open(gguf_path + ".inp", "rb") as f:
        raw = f.read()
    texts, pos = [], 0
    while pos < len(raw):
        nxt = raw.find(SEP, pos)
        if nxt < 0:
            texts.append(raw[pos:])
            break
        texts.append(raw[pos:nxt])
        pos = nxt + len(SEP)
    return texts


def read_vectors(gguf_path):
    texts = read_strings(gguf_path)
    with open(gguf_path + ".out", "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    assert len(lines) == len(texts), (gguf_path, len(lines), len(texts))
    return texts, [[int(t) for t in line.split()] for line in lines]


def unescape(b):
    out, i = bytearray(), 0
    while i < len(b):
        c = b[i]
        if c == 0x5C and i + 1 < len(b):
            d = b[i + 1]
            if d == ord("x"):
                out.append(int(b[i + 2:i + 4], 16))
                i += 4
                continue
            out += {ord("s"): b" ", ord("n"): b"\n", ord("t"): b"\t", ord("r"): b"\r"}.get(d, bytes([d]))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def stress_strings(pool_path):
    with open(pool_path, "rb") as f:
        pool = [unescape(line) for line in f.read().split(b"\n") if line and not line.startswith(b"#")]
    x, out = STRESS_SEED, []

    def rnd():
        nonlocal x
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        return x

    for _ in range(STRESS_COUNT):
        n = 1 + rnd() % 24
        out.append(b"".join(pool[rnd() % len(pool)] for _ in range(n)))
    return out


def replace_string(b, key, value):
    key = key.encode()
    i = b.index(struct.pack("<Q", len(key)) + key) + 8 + len(key)
    assert struct.unpack("<I", b[i:i + 4])[0] == 8  # a string
    n = struct.unpack("<Q", b[i + 4:i + 12])[0]
    return b[:i + 4] + struct.pack("<Q", len(value)) + value.encode() + b[i + 12 + n:]


def renamed_copy(path, what, tmpdir):
    """path's bytes with tokenizer.ggml.pre's string replaced (MODEL/PRE: the model's too)."""
    with open(path, "rb") as f:
        b = f.read()
    model, _, pre = what.rpartition("/")
    b = replace_string(b, "tokenizer.ggml.pre", pre)
    if model:
        b = replace_string(b, "tokenizer.ggml.model", model)
    out = os.path.join(tmpdir, "renamed-" + what.replace("/", "-") + ".gguf")
    with open(out, "wb") as f:
        f.write(b)
    return out


def stress_digest(path, strings):
    from llama_cpp import Llama
    llm = Llama(model_path=path, vocab_only=True, verbose=False)
    h = hashlib.sha256()
    for text in strings:
        ids = list(llm.tokenize(text, add_bos=False, special=False))
        d = detokenize(llm._model.vocab, ids)
        h.update(struct.pack(f"<I{len(ids)}i", len(ids), *ids) + struct.pack("<I", len(d)) + d)
    del llm
    return h.hexdigest()


def detokenize(vocab, ids):
    import llama_cpp
    arr = (llama_cpp.llama_token * max(1, len(ids)))(*ids)
    size = 256 + 64 * len(ids)
    buf = ctypes.create_string_buffer(size)
    n = llama_cpp.llama_detokenize(vocab, arr, len(ids), buf, size, False, False)
    if n < 0:  # too small: -n is the length it needs
        size = -n
        buf = ctypes.create_string_buffer(size)
        n = llama_cpp.llama_detokenize(vocab, arr, len(ids), buf, size, False, False)
    assert 0 <= n <= size, n
    return buf.raw[:n]


def escape(b):
    names = {0x5C: b"\\\\", 0x20: b"\\s", 0x0A: b"\\n", 0x09: b"\\t", 0x0D: b"\\r"}
    out = bytearray()
    for c in b:
        if c in names:
            out += names[c]
        elif c < 0x20 or c == 0x7F:
            out += b"\\x%02x" % c
        else:
            out.append(c)  # printable ASCII and every byte >= 0x80 as it is
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocabs", default="test_models/llama-vocabs")
    ap.add_argument("--out", default="tests/golden/llama_vocabs/detok.txt")
    args = ap.parse_args()
    os.environ.setdefault("GGML_NO_BACKTRACE", "1")
    from llama_cpp import Llama
    import llama_cpp

    lines, bad = [], 0
    outdir = os.path.dirname(args.out)
    os.makedirs(outdir, exist_ok=True)
    for path in sorted(glob.glob(os.path.join(args.vocabs, "ggml-vocab-*.gguf"))):
        name = os.path.basename(path)[len("ggml-vocab-"):-len(".gguf")]
        if os.path.exists(path + ".inp"):
            texts, want = read_vectors(path)
        elif name in RELATED:
            texts = read_strings(os.path.join(args.vocabs, f"ggml-vocab-{RELATED[name]}.gguf"))
            want = None
        else:
            print(f"{name}: no vectors and no related vocabulary, skipped", file=sys.stderr)
            continue
        llm = Llama(model_path=path, vocab_only=True, verbose=False)
        got_all, n_eq = [], 0
        for i, text in enumerate(texts):
            got = list(llm.tokenize(text, add_bos=False, special=False))
            got_all.append(got)
            if want is None or got == want[i]:
                n_eq += 1
            else:
                bad += 1
                print(f"{name} {i}: llama.cpp {got} != .out {want[i]}", file=sys.stderr)
        ids = want if want is not None else got_all
        if want is None:
            with open(os.path.join(outdir, name + ".out"), "w") as f:
                f.write("".join("".join(f" {t}" for t in line) + "\n" for line in got_all))
        for i, text in enumerate(texts):
            d = detokenize(llm._model.vocab, ids[i])
            lines.append(name.encode() + b" %d " % i + (b"=" if d == text else b"|" + escape(d)))
        what = "equals .out on" if want is not None else f"tokenized {RELATED.get(name)}'s strings:"
        print(f"{name}: llama.cpp {what} {n_eq}/{len(texts)}", file=sys.stderr)
        del llm
    with open(args.out, "wb") as f:
        f.write(b"# made by tests/ref/make_llama_vocab_goldens.py with llama-cpp-python "
                + llama_cpp.__version__.encode() + b"; see its docstring\n")
        f.write(b"\n".join(lines) + b"\n")
    print(f"{args.out}: {len(lines)} strings", file=sys.stderr)

    strings = stress_strings(os.path.join(outdir, "stress_pool.txt"))
    rows = []
    for path in sorted(glob.glob(os.path.join(args.vocabs, "ggml-vocab-*.gguf"))):
        name = os.path.basename(path)[len("ggml-vocab-"):-len(".gguf")]
        rows.append(f"{name} {stress_digest(path, strings)}")
    with tempfile.TemporaryDirectory() as tmp:
        for pre in RENAMED:
            copy = renamed_copy(os.path.join(args.vocabs, "ggml-vocab-gpt-2.gguf"), pre, tmp)
            rows.append(f"gpt-2:{pre} {stress_digest(copy, strings)}")
    with open(os.path.join(outdir, "stress.txt"), "w") as f:
        f.write(f"# made by tests/ref/make_llama_vocab_goldens.py with llama-cpp-python {llama_cpp.__version__}: "
                f"{STRESS_COUNT} strings from stress_pool.txt, seed {STRESS_SEED:#x}\n")
        f.write("\n".join(rows) + "\n")
    print(f"stress.txt: {len(rows)} digests over {STRESS_COUNT} strings", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
