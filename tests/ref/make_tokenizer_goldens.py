#!/usr/bin/env python3
"""Tokenizer goldens (tests/golden/tokenizer/), from the reference
implementations, never from our own code:

  smollm2_plain.bin    llama.cpp (via llama-cpp-python), SmolLM2's GPT-2 byte-level BPE
                       (pre-tokenizer "smollm"): llm.tokenize(bytes, add_bos=False, special=False)
  smollm2_special.bin  the same with special=True (control tokens written in the text match)
  smollm2_detok.bin    llama_detokenize() of the smollm2_plain ids, for every entry
  llama2.bin           sentencepiece with the Llama 2 tokenizer.model:
                       sp.encode(text, out_type=int), no BOS/EOS; entries that are not
                       valid UTF-8 are "not applicable"
  llama2_llamacpp.bin  llama.cpp's own SentencePiece tokenizer on the same vocabulary
                       (a throw-away vocab-only GGUF made from tokenizer.model, as
                       convert_hf_to_gguf.py would), add_bos=False, special=False, for
                       every entry: identical to llama2.bin wherever that applies
                       (checked), and it gives llama.cpp's answer for invalid UTF-8
  versions.txt         the reference versions, the SHA-256 of the inputs, totals

The corpus is tests/golden/tokenizer/corpus.bin (made by tokenizer_corpus.py;
this script refuses a corpus.bin that differs from what tokenizer_corpus.py
builds). The references read the corpus bytes as they are, invalid UTF-8
included (llama.cpp gets the raw bytes; sentencepiece gets the decoded str).

llama.cpp aborts the whole process (std::terminate: uncaught
std::invalid_argument "invalid codepoint") on a 4-byte sequence its lax UTF-8
decoder reads as a code point above U+10FFFF (F4 90 80 80, F5..F7 leads). Entries
that are not valid UTF-8 are therefore tokenized in a forked child; an entry
whose child dies is "not applicable" in the llama.cpp files and listed in
versions.txt.

Token files, little-endian:
    "TKGD"  u32 version = 1  u32 count (= corpus count)
    count x { u32 n_tokens (0xFFFFFFFF = not applicable), n_tokens x i32 id }

Detokenized file, little-endian:
    "TKDT"  u32 version = 1  u32 count (= corpus count)
    count x { u32 byte length (0xFFFFFFFF = not applicable), the bytes }

Inputs (each can be overridden): --gguf test_models/smollm2-135m-q4_1.gguf
(`make models`; only its vocabulary is loaded), --spm
/work/shared/data/llama2-tokenizer/tokenizer.model (read only, never copied),
--out tests/golden/tokenizer.

Usage (see tests/golden/README.md):
    python3 tests/ref/tokenizer_corpus.py
    python3 tests/ref/make_tokenizer_goldens.py
"""
import argparse
import ctypes
import hashlib
import os
import pickle
import struct
import sys
import tempfile

os.environ.setdefault("GGML_NO_BACKTRACE", "1")  # no gdb backtrace when llama.cpp aborts

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tokenizer_corpus  # noqa: E402

NA = 0xFFFFFFFF


# ---------------------------------------------------------------- file formats

def write_tokens(path, lists):
    out = [b"TKGD", struct.pack("<II", 1, len(lists))]
    for ids in lists:
        if ids is None:
            out.append(struct.pack("<I", NA))
        else:
            out.append(struct.pack("<I", len(ids)))
            out.append(struct.pack(f"<{len(ids)}i", *ids))
    with open(path, "wb") as f:
        f.write(b"".join(out))


def write_bytes(path, items):
    out = [b"TKDT", struct.pack("<II", 1, len(items))]
    for b in items:
        if b is None:
            out.append(struct.pack("<I", NA))
        else:
            out.append(struct.pack("<I", len(b)))
            out.append(b)
    with open(path, "wb") as f:
        f.write(b"".join(out))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def is_utf8(b):
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# ---------------------------------------------------------------- llama.cpp

def load_llama(gguf_path):
    from llama_cpp import Llama
    return Llama(model_path=gguf_path, vocab_only=True, verbose=False)


def detokenize(llm, ids):
    """llama_detokenize() of the C API (remove_special=False, unparse_special=False).
    Not llm.detokenize(): in llama-cpp-python 0.3.36 that uses a 32-byte buffer
    per token and silently cuts longer pieces (SmolLM2 has pieces of 80 bytes)."""
    import llama_cpp
    vocab = llm._model.vocab
    arr = (llama_cpp.llama_token * max(1, len(ids)))(*ids)
    size = 64 + 96 * len(ids)
    buf = ctypes.create_string_buffer(size)
    n = llama_cpp.llama_detokenize(vocab, arr, len(ids), buf, size, False, False)
    assert 0 <= n <= size, n
    out = buf.raw[:n]
    # cross-check with token_to_piece, piece by piece, with a large enough buffer
    piece = ctypes.create_string_buffer(256)
    alt = b""
    for t in ids:
        k = llama_cpp.llama_token_to_piece(vocab, t, piece, 256, 0, False)
        assert 0 <= k <= 256, k
        alt += piece.raw[:k]
    assert alt == out
    return out


def in_child(fn):
    """fn() in a forked child; its pickled result, or None if the child died."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            data = pickle.dumps(fn())
            with os.fdopen(w, "wb") as f:
                f.write(data)
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and data:
        return pickle.loads(data)
    return None


def run_llama(llm, corpus, fn):
    """fn(llm, bytes) for every entry; invalid UTF-8 in a child (see docstring).
    Returns the results (None where llama.cpp aborted) and the aborted indices."""
    results, aborted = [], []
    for i, (_, b) in enumerate(corpus):
        res = fn(llm, b) if is_utf8(b) else in_child(lambda: fn(llm, b))
        if res is None:
            aborted.append(i)
        results.append(res)
    return results, aborted


def smollm2_one(llm, b):
    plain = list(llm.tokenize(b, add_bos=False, special=False))
    special = list(llm.tokenize(b, add_bos=False, special=True))
    return plain, special, detokenize(llm, plain)


def plain_one(llm, b):
    return list(llm.tokenize(b, add_bos=False, special=False))


def llama2_vocab_gguf(spm_path, path):
    """A vocab-only GGUF of the Llama 2 tokenizer, with the token types and
    scores convert_hf_to_gguf.py writes for a SentencePiece model."""
    import gguf
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=spm_path)
    w = gguf.GGUFWriter(path, "llama")
    # hyper-parameters llama.cpp wants to see even for vocab_only (values unused)
    w.add_context_length(4096)
    w.add_embedding_length(4096)
    w.add_block_count(1)
    w.add_feed_forward_length(11008)
    w.add_head_count(32)
    w.add_head_count_kv(32)
    w.add_rope_dimension_count(128)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    toks, scores, types = [], [], []
    for i in range(sp.vocab_size()):
        toks.append(sp.id_to_piece(i).encode("utf-8"))
        scores.append(sp.get_score(i))
        if sp.is_unknown(i):
            types.append(gguf.TokenType.UNKNOWN)
        elif sp.is_control(i):
            types.append(gguf.TokenType.CONTROL)
        elif sp.is_unused(i):
            types.append(gguf.TokenType.UNUSED)
        elif sp.is_byte(i):
            types.append(gguf.TokenType.BYTE)
        else:
            types.append(gguf.TokenType.NORMAL)
    w.add_token_list(toks)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(sp.bos_id())
    w.add_eos_token_id(sp.eos_id())
    w.add_unk_token_id(sp.unk_id())
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


# ---------------------------------------------------------------- sentencepiece

def sentencepiece_llama2(corpus, spm_path):
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=spm_path)
    out = []
    for _, b in corpus:
        if not is_utf8(b):
            out.append(None)
            continue
        out.append(list(sp.encode(b.decode("utf-8"), out_type=int)))
    return out


# ---------------------------------------------------------------- main

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(root, "tests/golden/tokenizer"))
    ap.add_argument("--gguf", default=os.path.join(root, "test_models/smollm2-135m-q4_1.gguf"))
    ap.add_argument("--spm", default="/work/shared/data/llama2-tokenizer/tokenizer.model")
    args = ap.parse_args()

    corpus_path = os.path.join(args.out, "corpus.bin")
    corpus = tokenizer_corpus.read(corpus_path)
    if corpus != tokenizer_corpus.build():
        sys.exit(f"{corpus_path} is stale: run tests/ref/tokenizer_corpus.py first")

    llm = load_llama(args.gguf)
    res, aborted = run_llama(llm, corpus, smollm2_one)
    plain = [r[0] if r else None for r in res]
    special = [r[1] if r else None for r in res]
    detok = [r[2] if r else None for r in res]

    llama2 = sentencepiece_llama2(corpus, args.spm)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "llama2-vocab.gguf")
        llama2_vocab_gguf(args.spm, path)
        llama2_cpp, aborted_spm = run_llama(load_llama(path), corpus, plain_one)
    differ = [i for i, (a, b) in enumerate(zip(llama2, llama2_cpp)) if a is not None and a != b]
    if differ:
        sys.exit(f"llama.cpp's SentencePiece differs from sentencepiece on entries {differ}")

    write_tokens(os.path.join(args.out, "smollm2_plain.bin"), plain)
    write_tokens(os.path.join(args.out, "smollm2_special.bin"), special)
    write_bytes(os.path.join(args.out, "smollm2_detok.bin"), detok)
    write_tokens(os.path.join(args.out, "llama2.bin"), llama2)
    write_tokens(os.path.join(args.out, "llama2_llamacpp.bin"), llama2_cpp)

    import llama_cpp
    import numpy
    import sentencepiece
    from importlib.metadata import version

    def total(lists):
        return sum(len(x) for x in lists if x is not None)

    lines = [
        f"llama-cpp-python {llama_cpp.__version__}",
        f"sentencepiece {sentencepiece.__version__}",
        f"gguf {version('gguf')}",
        f"numpy {numpy.__version__}",
        f"python {sys.version.split()[0]}",
        f"smollm2 model {os.path.basename(args.gguf)} sha256 {sha256(args.gguf)}",
        f"llama2 tokenizer.model sha256 {sha256(args.spm)}",
        f"corpus entries {len(corpus)} bytes {sum(len(b) for _, b in corpus)} "
        f"sha256 {sha256(corpus_path)}",
        f"smollm2_plain tokens {total(plain)}",
        f"smollm2_special tokens {total(special)}",
        f"smollm2 not_applicable (llama.cpp aborts) {' '.join(map(str, aborted)) or 'none'}",
        f"llama2 tokens {total(llama2)} not_applicable (invalid UTF-8) "
        f"{sum(1 for x in llama2 if x is None)}",
        f"llama2_llamacpp tokens {total(llama2_cpp)} not_applicable (llama.cpp aborts) "
        f"{' '.join(map(str, aborted_spm)) or 'none'}",
    ]
    with open(os.path.join(args.out, "versions.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
