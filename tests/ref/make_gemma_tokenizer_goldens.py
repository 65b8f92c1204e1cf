#!/usr/bin/env python3
"""Gemma 3 tokenizer goldens (tests/golden/tokenizer/gemma_*.bin) from llama.cpp.

The corpus, file formats, reference build and helpers are those of
make_tokenizer_goldens.py (read its docstring); the vocabulary is Gemma 3's
SentencePiece one (262,144 tokens, no dummy prefix, 165 user-defined tokens,
"</s>" typed user-defined and made a control token by llama.cpp's loader),
read from test_models/gemma-3-270m-q4_k_m.gguf (`make models`):

  gemma_plain.bin    llm.tokenize(bytes, add_bos=False, special=False)
  gemma_special.bin  the same with special=True
  gemma_detok.bin    llama_detokenize() of the gemma_plain ids
  gemma_versions.txt versions, SHA-256 of model and corpus, totals

Usage (the venv of the other goldens):
    /tmp/scalar-venv/bin/python tests/ref/make_gemma_tokenizer_goldens.py
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_tokenizer_goldens as base  # noqa: E402
import tokenizer_corpus  # noqa: E402


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(root, "tests/golden/tokenizer"))
    ap.add_argument("--gguf", default=os.path.join(root, "test_models/gemma-3-270m-q4_k_m.gguf"))
    args = ap.parse_args()
    corpus_path = os.path.join(args.out, "corpus.bin")
    corpus = tokenizer_corpus.read(corpus_path)
    if corpus != tokenizer_corpus.build():
        sys.exit(f"{corpus_path} is stale: run tests/ref/tokenizer_corpus.py first")
    llm = base.load_llama(args.gguf)
    res, aborted = base.run_llama(llm, corpus, base.smollm2_one)  # plain, special, detok of plain
    plain = [r[0] if r else None for r in res]
    special = [r[1] if r else None for r in res]
    detok = [r[2] if r else None for r in res]
    base.write_tokens(os.path.join(args.out, "gemma_plain.bin"), plain)
    base.write_tokens(os.path.join(args.out, "gemma_special.bin"), special)
    base.write_bytes(os.path.join(args.out, "gemma_detok.bin"), detok)
    import llama_cpp

    def total(lists):
        return sum(len(x) for x in lists if x is not None)

    lines = [
        f"llama-cpp-python {llama_cpp.__version__}",
        f"python {sys.version.split()[0]}",
        f"gemma model {os.path.basename(args.gguf)} sha256 {base.sha256(args.gguf)}",
        f"corpus entries {len(corpus)} sha256 {base.sha256(corpus_path)}",
        f"gemma_plain tokens {total(plain)}",
        f"gemma_special tokens {total(special)}",
        f"gemma not_applicable (llama.cpp aborts) {' '.join(map(str, aborted)) or 'none'}",
    ]
    with open(os.path.join(args.out, "gemma_versions.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
