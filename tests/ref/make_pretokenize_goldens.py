#!/usr/bin/env python3
"""Makes the pre-tokenizer goldens in tests/golden/pretokenize/ for
tests/unit/tokenizer/test_pretokenize.c and tests/unit/tokenizer/test_unicode.c.

The reference is the `regex` package running llama.cpp's own expression
strings (src/llama-vocab.cpp, llm_tokenizer_bpe) the way llama.cpp's
unicode_regex_split applies them: the expressions of a pre-tokenizer in
order, each one over every piece the previous one produced (a piece's ends
are the ends of the text for lookaheads), and the text between two matches
kept as a piece of its own. regex 2024.7.24 is pinned because its Unicode
data is 15.1.0, the version of llama.cpp's tables (checked below); newer
releases move to Unicode 16+ and would disagree on newly assigned letters.

splits.txt, one case per group of lines:
    T <n> <cp_1 hex> ... <cp_n hex>           the text, as codepoints
    <kind> <count> <end_1> ... <end_count>     for kind in gpt2 smollm llama3 qwen2:
                                               each word's end index (exclusive)
Lines starting with '#' are comments.

unicode_tables.txt:
    flags <sha256>   of the little-endian uint16 flags (llm/tokenizer/unicode.h bits) of
                     every codepoint 0..0x10FFFF, from regex's \\p{..} and \\s
                     classes: an independent check of llm/tokenizer/unicode_data.c
    lower <sha256>   of the little-endian uint32 simple lowercase of every
                     codepoint (str.lower()'s first codepoint)

Usage: python3 tests/ref/make_pretokenize_goldens.py [OUT_DIR] [--llama-cpp-lib DIR]
(pip install regex==2024.7.24; deterministic: same versions, same bytes)

--llama-cpp-lib DIR also checks every split against llama.cpp itself: DIR
holds a libllama.so exporting unicode_regex_split(text, exprs, byte_encode)
(llama-cpp-python's llama_cpp/lib/ does); a small C++ program built with g++
calls it on the corpus. Nothing is written unless both references agree.
"""
import hashlib
import importlib.metadata
import random
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import regex

REGEX_VERSION = importlib.metadata.version("regex")
ARGS = sys.argv[1:]
LLAMA_LIB = None
if "--llama-cpp-lib" in ARGS:
    i = ARGS.index("--llama-cpp-lib")
    LLAMA_LIB = ARGS[i + 1]
    del ARGS[i:i + 2]
OUT = Path(ARGS[0]) if ARGS else Path(__file__).resolve().parent.parent / "golden" / "pretokenize"

# llama.cpp's regex_exprs, character for character (C++ "\\p{L}" is \p{L}).
GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"
LLAMA3 = (r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
          r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2 = (r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
         r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
KINDS = {
    "gpt2": [GPT2],
    "smollm": [r"\p{N}", GPT2],
    "llama3": [LLAMA3],
    "qwen2": [QWEN2],
}


def check_unicode_version():
    assert regex.match(r"\p{S}", "\u2ffc"), "regex's Unicode is older than 15.1"
    assert regex.match(r"\p{L}", "\U0002ebf0"), "regex's Unicode is older than 15.1"
    assert not regex.match(r"\p{L}", "\u1c89"), "regex's Unicode is newer than 15.1"


def split(text, exprs):
    """Word end offsets of text, as llama.cpp's unicode_regex_split computes them."""
    pieces = [len(text)]
    for expr in exprs:
        compiled = regex.compile(expr)
        out, start = [], 0
        for length in pieces:
            piece = text[start:start + length]
            pos = 0
            for m in compiled.finditer(piece):
                assert m.end() > m.start()
                if m.start() > pos:
                    out.append(m.start() - pos)
                out.append(m.end() - m.start())
                pos = m.end()
            if pos < len(piece):
                out.append(len(piece) - pos)
            start += length
        pieces = out
    ends, total = [], 0
    for length in pieces:
        total += length
        ends.append(total)
    return ends


HAND = [
    "", "a", " ", "  ", "\n", "Hello world", "Hello, world!", " Hello", "Hello ",
    "I'm you're he's we've they'll I'd can't", "I'M YOU'RE HE'S WE'VE THEY'LL I'D CAN'T",
    "It'S mIxEd'Ll 'Ve 're", "'s 't 're 've 'm 'll 'd", "'", "''", "'x 'sx 'llama", "rock'n'roll",
    "don't'", "o'clock ''s '''re", "\u2019s curly quote's", "'\u017f long s", "'S", "'s",
    "1", "12", "123", "1234", "12345", "1234567890", "3.14159", "1,000,000", "x1y22z333w4444",
    " 1 22 333", "a  1", "\u0663\u0664\u0665 Arabic-Indic", "\u00b2\u00b3 \u00bd \u2162 \u2460\u2461",
    "\u0967\u0968\u0969\u096a devanagari digits", "\uff11\uff12\uff13\uff14 fullwidth",
    "a b  c   d    e", "trailing   ", "   leading", "\t\ttabs\tand\t\tmore", "x\t y",
    "line1\nline2\n\nline3\n\n\n", "crlf\r\nline\r\n\r\n", "\r\r\n\n", " \n \n x", "a \n b",
    "mixed \t\n\r\n  \t end", "\n\n\n", "  \n", "\n  ", " \t ", "a\u00a0b \u00a0 c\u00a0",
    "em\u2003space\u2002en\u2009thin\u200aair", "ideo\u3000space\u3000\u3000x", "nel\u0085here",
    "line\u2028sep\u2029para", "zero\u200bwidth\u200djoiner", "\u180emongolian", "nbsp \u00a0x",
    "!!!", "Hello!!! ...", "wait... what?!", "(parens) [brackets] {braces}", "a+b=c; d-e*f/g",
    "email@example.com https://example.org/path?q=1&r=2#frag", "#include <stdio.h>",
    "int main(void) {\n    return 0;\n}\n", "    indented code\n\tand tab", "x == y && z != w",
    "$100 \u20ac50 \u00a330 \u00a5", "100%", "C++ C# F#", "__init__ self.x", "--flag=value",
    "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!",
    "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u03ba\u03cc\u03c3\u03bc\u03b5",
    "\u4f60\u597d\u4e16\u754c\uff0c\u6b22\u8fce\u3002", "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3067\u3059",
    "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 \u0661\u0662\u0663",
    "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e",
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",
    "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e0a\u0e32\u0e27\u0e42\u0e25\u0e01",
    "caf\u00e9 cafe\u0301 na\u00efve r\u00e9sum\u00e9",
    "e\u0301\u0301\u0301 combining", " \u0301x", "\u00c9COLE \u00e9cole", "stra\u00dfe STRASSE \u1e9e",
    "\U0001f600\U0001f603 emoji", "\U0001f468\u200d\U0001f469\u200d\U0001f467 family", "\U0001f44d\U0001f3fd thumbs",
    "\U0001f1eb\U0001f1f7 flag", "I \u2764\ufe0f NY", "\u2603 \u2665 \u2605 \u2192 \u2200x", "a\U0001f600b",
    "\ufffd replacement \ufffd\ufffd", "\ufffdabc", "\x00nul\x01\x1f\x7f", "\x1c\x1d\x1e\x1f sep",
    "\u0378unassigned\u0379", "\ue000private\U000f0000", "\ud800 lone surrogate \udfff",
    "\U0010ffff last", "\U0002ebf0 ext-I \u2ffc \u31ef", "\u1c89 unicode16",
    "MiXeD CaSe WoRdS", "camelCaseIdentifier snake_case_id", "ALLCAPS", "\u01c5 titlecase \u01c6",
    "   \n   \n", "x  ", "x \u3000", "x\u3000\u3000y", "'s\n", " 's", "  's", "!'s", "abc's",
    "12's", "'12", "\n's", "'\n", "' s", "'re'", "'ll'll", "''ll", "'LL 'Ll 'lL", "'RE 'Ve",
]

# Pools the random cases draw from, weighted toward what the regexes distinguish.
POOLS = [
    (8, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    (3, "0123456789"),
    (6, " "),
    (2, "\t\n\r\x0b\x0c"),
    (3, "'"),
    (1, "sStTmMdDrReEvVlL"),
    (3, "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~"),
    (2, "\u00e9\u00df\u00f1\u00c0\u0436\u0416\u03bb\u03a9\u05d0\u0627\u4e2d\u6587\u3042\u30a2\ud55c\u0e01\u1100"),
    (1, "\u0301\u0308\u0651\u093f\u0e31\u20dd\ufe0f"),
    (1, "\u0660\u0663\u0967\u00b2\u00bd\u2162\u2460\uff15\U0001d7ce"),
    (1, "\u00a0\u2000\u2003\u200a\u3000\u0085\u2028\u2029\u1680\u202f\u205f"),
    (1, "\u200b\u200d\u2060\ufeff\x00\x1c\x1f\x7f\u00ad"),
    (1, "\U0001f600\U0001f44d\U0001f3fd\u2764\u2603\u20ac\u00a9\ufffd\U0001f1eb"),
    (1, "\u0378\ue000\U000e0001\U0010fffd\ud800"),
]


def random_text(rng, length):
    weights = [w for w, _ in POOLS]
    out = []
    while len(out) < length:
        pool = rng.choices(POOLS, weights)[0][1]
        if rng.random() < 0.25:  # runs, so repeats and long tokens happen
            out.extend(rng.choice(pool) * rng.randint(2, 6))
        else:
            out.append(rng.choice(pool))
    return "".join(out[:length])


def corpus():
    rng = random.Random(20260522)
    texts = list(HAND)
    texts += [random_text(rng, rng.randint(1, 12)) for _ in range(300)]
    texts += [random_text(rng, rng.randint(13, 60)) for _ in range(300)]
    texts += [random_text(rng, 1500) for _ in range(3)]
    return texts


# Reads "<kind> <hex utf-8>" lines, prints each word's length in bytes on one line.
LLAMA_SPLIT_CPP = r"""
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>
std::vector<std::string> unicode_regex_split(const std::string &, const std::vector<std::string> &, bool);
int main() {
    std::string kind, hex;
    while (std::cin >> kind >> hex) {
        std::string text;
        for (size_t i = 0; i + 1 < hex.size(); i += 2) text.push_back((char)std::stoi(hex.substr(i, 2), nullptr, 16));
        std::vector<std::string> exprs;
        std::string e;
        std::getline(std::cin, e); // the rest of the text's line
        while (std::getline(std::cin, e) && e != "") exprs.push_back(e);
        for (const auto &w : unicode_regex_split(text, exprs, false)) std::printf("%zu ", w.size());
        std::printf("\n");
    }
}
"""


def llama_cpp_splits(texts):
    """{(kind, text): word ends} from llama.cpp's unicode_regex_split."""
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = Path(tmp) / "split.cpp", Path(tmp) / "split"
        src.write_text(LLAMA_SPLIT_CPP)
        subprocess.run(["g++", "-std=c++17", "-O1", str(src), "-o", str(exe), f"-L{LLAMA_LIB}", "-lllama",
                        f"-Wl,-rpath,{LLAMA_LIB}"], check=True)
        jobs = [(kind, text) for text in texts for kind in KINDS if text]
        stdin = "".join(f"{kind} {text.encode('utf-8', 'surrogatepass').hex()}\n" + "\n".join(KINDS[kind]) + "\n\n"
                        for kind, text in jobs)
        out = subprocess.run([str(exe)], input=stdin.encode(), capture_output=True, check=True).stdout.decode()
    lines = out.splitlines()
    assert len(lines) == len(jobs)
    return {job: byte_lengths_to_ends(job[1], map(int, line.split())) for job, line in zip(jobs, lines)}


def byte_lengths_to_ends(text, byte_lengths):
    """Codepoint end offsets of words given by their UTF-8 byte lengths."""
    offsets, cp, byte = [], 0, 0
    for n_bytes in byte_lengths:
        target = byte + n_bytes
        while byte < target:
            byte += len(text[cp].encode("utf-8", "surrogatepass"))
            cp += 1
        offsets.append(cp)
    return offsets


def write_splits(path):
    texts = corpus()
    llama = llama_cpp_splits(texts) if LLAMA_LIB else None
    lines = ["# Made by tests/ref/make_pretokenize_goldens.py (regex %s); format in its docstring." % REGEX_VERSION]
    for text in texts:
        lines.append("T %d%s" % (len(text), "".join(" %x" % ord(c) for c in text)))
        for kind, exprs in KINDS.items():
            ends = split(text, exprs)
            assert not text or ends[-1] == len(text)
            assert llama is None or not text or llama[(kind, text)] == ends, (kind, text, llama[(kind, text)], ends)
            lines.append("%s %d%s" % (kind, len(ends), "".join(" %d" % e for e in ends)))
    path.write_text("\n".join(lines) + "\n")


def table_digests():
    classes = [(0x002, r"\p{N}"), (0x004, r"\p{L}"), (0x008, r"\p{Z}"), (0x010, r"\p{M}"),
               (0x020, r"\p{P}"), (0x040, r"\p{S}"), (0x080, r"[\p{Cc}\p{Cf}\p{Co}\p{Cs}]"),
               (0x001, r"\p{Cn}"), (0x100, r"\s")]
    classes = [(bit, regex.compile(expr)) for bit, expr in classes]
    flags, lower = hashlib.sha256(), hashlib.sha256()
    for cp in range(0x110000):
        c = chr(cp)
        f = 0
        for bit, expr in classes:
            if expr.match(c):
                f |= bit
        assert bin(f & 0xFF).count("1") == 1, hex(cp)
        flags.update(struct.pack("<H", f))
        lower.update(struct.pack("<I", ord(c.lower()[0])))
    return flags.hexdigest(), lower.hexdigest()


def main():
    check_unicode_version()
    OUT.mkdir(parents=True, exist_ok=True)
    write_splits(OUT / "splits.txt")
    flags, lower = table_digests()
    (OUT / "unicode_tables.txt").write_text(
        "# Made by tests/ref/make_pretokenize_goldens.py (regex %s); format in its docstring.\n"
        "flags %s\nlower %s\n" % (REGEX_VERSION, flags, lower))


if __name__ == "__main__":
    main()
