#!/usr/bin/env python3
"""golden_entry.py FILE OUTDIR INDEX...: entries of a tokenizer golden file
(tests/golden/tokenizer/, formats in tests/golden/README.md) written to
OUTDIR/INDEX, for the shell tests: a corpus string ("TKCP") or detokenized
text ("TKDT") as its raw bytes, a token list ("TKGD") as ids separated by
spaces on one line, "NA" for an entry marked not applicable.

golden_entry.py --index CORPUS CATEGORY:K...: the corpus index of the K-th
entry of each category (numbers, see corpus_categories.txt), one a line.

golden_entry.py --vectors INP OUT OUTDIR [DETOK NAME]: llama.cpp's tokenizer
test vectors (models/ggml-vocab-*.gguf.inp and .out, or another .out for the
same strings, split as its test-tokenizer-0 splits them: strings between
lines "__ggml_vocab_test__", one line of ids per string) as OUTDIR/<i> (the string's bytes) and
OUTDIR/<i>.ids (its ids); with DETOK (tests/golden/llama_vocabs/detok.txt)
also OUTDIR/<i>.detok, llama.cpp's detokenized text of those ids for
vocabulary NAME. Prints the count.
Standard library only (the .inp reader and detok.txt's unescaping are
tests/ref/make_llama_vocab_goldens.py's).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ref"))
import make_llama_vocab_goldens as vocab_goldens  # noqa: E402  (its readers: standard library only)

NA = 0xFFFFFFFF


def entries(path):
    data = open(path, "rb").read()
    magic = data[:4]
    count = struct.unpack_from("<I", data, 8)[0]
    off = 12
    for _ in range(count):
        if magic == b"TKCP":
            cat, n = struct.unpack_from("<II", data, off)
            yield magic, cat, data[off + 8:off + 8 + n]
            off += 8 + n
        else:
            n = struct.unpack_from("<I", data, off)[0]
            off += 4
            if n == NA:
                yield magic, None, None
            elif magic == b"TKGD":
                yield magic, None, struct.unpack_from(f"<{n}i", data, off)
                off += 4 * n
            else:
                yield magic, None, data[off:off + n]
                off += n


def detok(path, name, texts):
    """Vocabulary name's detokenized texts from detok.txt ("=": the input string)."""
    got = {}
    for line in open(path, "rb").read().split(b"\n"):
        if line.startswith(name.encode() + b" "):
            index, rest = line[len(name) + 1:].split(b" ", 1)
            got[int(index)] = texts[int(index)] if rest == b"=" else vocab_goldens.unescape(rest[1:])
    return [got[i] for i in range(len(texts))]


def vectors(inp, out, outdir, detok_path=None, name=None):
    texts = vocab_goldens.read_strings(inp[:-len(".inp")])
    ids = open(out, "rb").read().decode().split("\n")[:len(texts)]
    for i, (text, line) in enumerate(zip(texts, ids)):
        open(os.path.join(outdir, str(i)), "wb").write(text)
        open(os.path.join(outdir, f"{i}.ids"), "w").write(" ".join(line.split()) + "\n")
    if detok_path:
        for i, text in enumerate(detok(detok_path, name, texts)):
            open(os.path.join(outdir, f"{i}.detok"), "wb").write(text)
    print(len(texts))


def main():
    if sys.argv[1] == "--vectors":
        vectors(*sys.argv[2:7])
        return
    if sys.argv[1] == "--index":
        cats = [c for _, c, _ in entries(sys.argv[2])]
        for pick in sys.argv[3:]:
            cat, k = map(int, pick.split(":"))
            print([i for i, c in enumerate(cats) if c == cat][k])
        return
    all_entries = list(entries(sys.argv[1]))
    for index in sys.argv[3:]:
        magic, _, value = all_entries[int(index)]
        with open(os.path.join(sys.argv[2], index), "wb") as out:
            if value is None:
                out.write(b"NA\n")
            elif magic == b"TKGD":
                out.write(" ".join(map(str, value)).encode() + b"\n")
            else:
                out.write(value)


main()
