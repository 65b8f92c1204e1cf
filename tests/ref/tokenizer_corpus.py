#!/usr/bin/env python3
"""Tokenizer test corpus (tests/golden/tokenizer/corpus.bin), deterministic.

Every entry is a byte string: most are UTF-8 text, the `invalid_utf8` ones
are deliberately malformed bytes (lone continuation bytes, truncated and
overlong sequences, 0xFE/0xFF, UTF-8-encoded surrogates, code points past
U+10FFFF). No entry contains a NUL byte (NULs are tested separately). The
generated entries use a small xorshift64* generator with a fixed seed, not
Python's `random`, so the bytes depend on nothing but this file.

corpus.bin, little-endian:
    "TKCP"  u32 version = 1  u32 count
    count x { u32 category id, u32 byte length, the bytes }

corpus_categories.txt: "<id> <name>" per line, and the number of entries.

Usage: python3 tests/ref/tokenizer_corpus.py [OUT_DIR]   (default tests/golden/tokenizer)
Needs only the standard library.
"""
import os
import struct
import sys

SEED = 0x70C0_2025_5EED_0001

CATEGORIES = [
    "empty",
    "prose",
    "code",
    "numbers",
    "whitespace",
    "contractions",
    "punctuation",
    "latin_accented",
    "cyrillic_greek",
    "cjk",
    "arabic_hebrew",
    "indic_thai",
    "emoji",
    "mixed_scripts",
    "invalid_utf8",
    "special_tokens",
    "random_mix",
    "document",
]
CAT = {name: i for i, name in enumerate(CATEGORIES)}


class Rng:
    """xorshift64* — tiny, fixed, independent of the Python version."""

    def __init__(self, seed):
        self.s = seed & 0xFFFFFFFFFFFFFFFF or 1

    def u64(self):
        s = self.s
        s ^= s >> 12
        s ^= (s << 25) & 0xFFFFFFFFFFFFFFFF
        s ^= s >> 27
        self.s = s
        return (s * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def below(self, n):
        return (self.u64() >> 11) % n

    def between(self, lo, hi):  # inclusive
        return lo + self.below(hi - lo + 1)

    def choice(self, seq):
        return seq[self.below(len(seq))]


# ---------------------------------------------------------------- hand-written

PROSE = [
    "Hello",
    "Hello world",
    "Hello, world!",
    " Hello",
    "hello",
    "HELLO WORLD",
    "The quick brown fox jumps over the lazy dog.",
    "the",
    " the",
    "a",
    "I",
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the sunshine.",
    "Machine learning is a field of study in artificial intelligence concerned with the development "
    "and study of statistical algorithms that can learn from data and generalize to unseen data, and "
    "thus perform tasks without explicit instructions.",
    "What is the capital of France? The capital of France is Paris.",
    "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
    "foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of "
    "Light, it was the season of Darkness, it was the spring of hope, it was the winter of despair.",
    "Supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
    "e-mail, re-enter, well-known, state-of-the-art, mother-in-law",
    "Dr. Smith arrived at 5 p.m. on Jan. 3rd, i.e. after the U.S.A. meeting, etc.",
    "CamelCaseIdentifier and snake_case_identifier and SCREAMING_CASE and kebab-case",
    "https://www.example.com/path/to/page?query=value&other=1#fragment",
    "user.name+tag@example.co.uk",
    "The Unicode Standard is a character coding system designed to support the worldwide interchange, "
    "processing, and display of the written texts of the diverse languages and technical disciplines "
    "of the modern world.\n\nIn addition, it supports classical and historical texts of many written "
    "languages.",
    "Line one.\nLine two.\nLine three.",
    "Paragraph one.\n\nParagraph two.\n\n\nParagraph three.",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "ab" * 100,
    "The year was 1984; the price was $19.99 (about £15).",
]

CODE = [
    "int main(void) { return 0; }",
    "#include <stdio.h>\n\nint main(int argc, char **argv)\n{\n    printf(\"Hello, world!\\n\");\n    return 0;\n}\n",
    "static inline uint32_t rotl(uint32_t x, int k)\n{\n\treturn (x << k) | (x >> (32 - k));\n}\n",
    "for (size_t i = 0; i < n; ++i) {\n        if (a[i] != b[i])\n                return -1;\n}\n",
    "/* block comment */ // line comment\n#define MAX(a, b) ((a) > (b) ? (a) : (b))\n",
    "struct node { struct node *next; void *data; };\ntypedef struct node node_t;\n",
    "x->y->z = &w[3]; p += 0x1F; q = ~r ^ s >> 2 << 1; t &= ~0xFFu; u |= 1ULL << 63;",
    "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
    "class Foo(Bar):\n    def __init__(self, *args, **kwargs):\n        super().__init__(*args, **kwargs)\n        self._x = None\n\n    @property\n    def x(self):\n        return self._x\n",
    "import numpy as np\nprint(np.arange(10).reshape(2, 5) @ np.ones((5, 1)))\n",
    "if __name__ == '__main__':\n\tmain()\n",
    "lambda x: x**2 if x >= 0 else -x  # comment\n",
    "    \n        \n            deeply_indented = True\n",
    '{"name": "SmolLM2", "params": 135000000, "layers": 30, "tied": true, "extra": null}',
    '{\n  "key": "value",\n  "list": [1, 2, 3],\n  "nested": {\n    "a": 1.5e-3,\n    "b": "\\u00e9\\n"\n  }\n}\n',
    "[]",
    "{}",
    '[{"id":1},{"id":2},{"id":3}]',
    "#!/bin/sh\nset -eu\nfor f in *.txt; do\n  echo \"$f\" | tr 'a-z' 'A-Z' > \"${f%.txt}.out\"\ndone\n",
    "ls -la /usr/local/bin | grep -E '^-rwx' | awk '{print $9}' 2>/dev/null || true",
    "export PATH=\"$HOME/.local/bin:$PATH\" && cd ~/src && make -j$(nproc) V=1",
    "SELECT id, name FROM users WHERE age >= 18 ORDER BY name ASC LIMIT 10;",
    "<html><head><title>Test</title></head><body><p class=\"x\">Hi &amp; bye</p></body></html>",
    "fn main() {\n    let v: Vec<u8> = vec![1, 2, 3];\n    println!(\"{:?}\", v);\n}\n",
    "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n",
    "    return;\n}\n\n\n",
    "\t\t\tif (x) {\n\t\t\t\ty();\n\t\t\t}\n",
    "a==b!=c<=d>=e&&f||g::h->i=>j...k",
    "x = [i for i in range(100) if i % 3 == 0]",
    "%define api.pure full\n%%\nexpr: expr '+' term { $$ = $1 + $3; } ;\n%%\n",
]

NUMBERS = [
    "0", "1", "12", "123", "1234", "12345", "123456", "1234567",
    "12345678901234567890",
    "3.14159", "3.141592653589793238462643383279502884197",
    "1,000,000", "1.000.000,50", "-42", "+7", "1e10", "6.022e23", "0x7FFFFFFF", "0b1011",
    "+1 (555) 123-4567", "555-0199", "+44 20 7946 0958",
    "2024-01-15", "15/01/2024", "12:34:56", "2024-01-15T12:34:56.789Z",
    "v1.2.3", "192.168.0.1", "50%", "$1,234.56", "1/2 + 3/4 = 5/4",
    " 1", " 12", " 123", "  1234", "a1b2c3", "abc123def456",
    "9" * 64,
    "0123456789" * 20,
    "١٢٣٤٥ ٦٧٨٩٠",           # Arabic-Indic digits
    "१२३४५",                  # Devanagari digits
    "１２３４５",              # fullwidth digits
    "①②③ Ⅻ ½ ¾ ² ³",        # other numeric characters
    "一二三 四五六 七八九 十百千万",
]

WHITESPACE = [
    " ", "  ", "   ", "    ", " " * 17, " " * 100,
    "\t", "\t\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n", "\r", "\r\r\n",
    " \t \n ", "\n \n \n", " \n", "\n ", "\t\n\t",
    "hello ", " hello", "  hello  ", "hello  world", "hello\tworld", "hello\nworld",
    "hello\r\nworld\r\n", "hello \n world", "hello   \n\n   world",
    "a\n\n\n\n\n\n\n\n\n\nb", "\n" * 50,
    "\x0b\x0c", "tab\x0bvtab\x0cff", "\x85", "\u00a0", "non\u00a0breaking\u00a0space",
    "\u2000\u2001\u2002\u2003\u2009\u200a", "ideographic\u3000space", "line\u2028sep\u2029para",
    "zero\u200bwidth", "\ufeffBOM at start", "\u200e\u200f", "\u1680ogham",
    "trailing spaces   ", "   leading spaces", "  \t  mixed \t\t runs \n\n  ",
    "\x01\x02\x03\x1b[31mred\x1b[0m\x7f",
    "\n" + " " * 79 + "x", "x\n" + " " * 200 + "y", "{\n" + "\t" * 30 + "}",
    "".join(chr(c) for c in range(1, 32)) + "\x7f",
    "a\x04b\x06c\x13d\x14e\x16f\x1dg",    # bytes without a token in SmolLM2's vocabulary
]

CONTRACTIONS = [
    "don't", "I'M", "they'll", "'s", "we'VE", "DON'T", "Don't", "I'm", "I'd", "you're",
    "YOU'RE", "it's", "It'S", "can't", "won't", "shouldn't've", "y'all", "'tis", "o'clock",
    "rock 'n' roll", "the dog's bone", "the dogs' bones", "'quoted'", "' s", "''", "'",
    "He said 'don't' and I'LL", "we'd've", "'re'm'll'd't's've",
    "l'homme", "dell'arte", "can’t", "it’s", "don`t",
    "James's car; JAMES'S CAR; the 90's; rock'n'roll",
]

PUNCTUATION = [
    "!!!", "...", "?!?!", "---", "«»", "“quotes”", "‘single’", "„German“", "「Japanese」", "《Chinese》",
    "!", "?", ".", ",", ";", ":", "-", "_", "*", "#", "@", "&", "%", "^", "~", "`", "|", "\\", "/",
    "()[]{}<>", "!@#$%^&*()_+-=[]{}|;':\",./<>?", "......................................",
    "—", "– — ―", "…", "•·°§¶†‡", "→ ← ↑ ↓ ⇒ ⇔", "∀x∈ℝ: x² ≥ 0 ∑∫∂√∞≠≤≥", "©®™", "¿¡", "€£¥₹₽₿",
    "=====", "*****", "#####", "~~~~~", "__init__", "/* */", "<!-- -->",
    ":-) ;-) :-( :D XD <3", "Wait... what?!", "Hello!!! How are you???",
    "#" * 80, "#" * 200, "-" * 100, "=" * 64, "/" * 90,
]

LATIN = [
    "café", "naïve", "Ångström", "Dvořák", "Łódź", "résumé", "façade", "jalapeño", "Zürich",
    "Straße", "STRASSE", "Ærøskøbing", "Þórshöfn", "İstanbul", "ıi İI", "ǅ ǈ ǋ", "ﬁ ﬂ ﬀ",
    "Crème brûlée à la française, s'il vous plaît.",
    "Le cœur a ses raisons que la raison ne connaît point.",
    "Príliš žluťoučký kůň úpěl ďábelské ódy.",
    "Zażółć gęślą jaźń.",
    "Ça va? Où est la bibliothèque?",
    "e\u0301 (decomposed) vs é (precomposed)",
    "A\u030a vs Å vs \u212b",
    "Vietnamese: Tiếng Việt có dấu thanh điệu phức tạp.",
]

CYRILLIC_GREEK = [
    "Привет, мир!",
    "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "Москва", "ЁЖИК", "Україна, їжак, ґанок", "Беларусь: ў",
    "Γειά σου Κόσμε!",
    "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
    "αβγδεζηθικλμνξοπρστυφχψω ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ",
    "ς σ Σ — ΌΣΟΣ",
    "Ἐν ἀρχῇ ἦν ὁ λόγος",
]

CJK = [
    "你好，世界！",
    "我爱自然语言处理。",
    "中华人民共和国成立于1949年10月1日。",
    "機器學習是人工智慧的一個分支。",
    "こんにちは世界",
    "ひらがな カタカナ 漢字",
    "東京は日本の首都です。今日はいい天気ですね。",
    "ｶﾀｶﾅ (halfwidth) ｱｲｳｴｵ",
    "안녕하세요 세계",
    "한국어는 한글로 씁니다. 대한민국",
    "ㄱㄴㄷ ㅏㅑㅓ",
    "𠀀𠀁𪚥 (CJK Extension B)",
    "漢" * 40,
    "〇〆〤",
]

ARABIC_HEBREW = [
    "مرحبا بالعالم",
    "اللغة العربية جميلة جدا.",
    "بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ",
    "فارسی: سلام دنیا",
    "اردو: ہیلو",
    "שלום עולם",
    "עברית היא שפה שמית.",
    "בְּרֵאשִׁית בָּרָא",
    "English then עברית then English",
    "العدد 123 والعدد ٤٥٦",
]

INDIC_THAI = [
    "नमस्ते दुनिया",
    "हिन्दी भारत की राजभाषा है।",
    "क्षत्रिय त्र ज्ञ श्र",
    "বাংলা ভাষা",
    "தமிழ் மொழி",
    "తెలుగు",
    "ಕನ್ನಡ",
    "മലയാളം",
    "ગુજરાતી",
    "ਪੰਜਾਬੀ",
    "สวัสดีชาวโลก",
    "ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ",
    "ພາສາລາວ",
    "ភាសាខ្មែរ",
    "မြန်မာဘာသာ",
    "ქართული ენა",
    "Հայերեն",
    "አማርኛ",
]

EMOJI = [
    "😀", "😀😃😄😁", "👍", "👍🏻👍🏼👍🏽👍🏾👍🏿", "👨‍👩‍👧‍👦", "👩‍💻", "🏳️‍🌈", "❤️", "❤", "☺️",
    "🇺🇸🇬🇧🇯🇵🇩🇪🇫🇷", "🇺", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "1️⃣ #️⃣ *️⃣",
    "I love 🍕 and 🍣!", "Rocket 🚀 to the 🌕", "🤷‍♂️ 🤦🏽‍♀️ 🧑🏿‍🤝‍🧑🏻",
    "🙂" * 30, "👨🏻‍🦰👩🏿‍🦳", "🫠🫡🥹", "🀄🃏", "✨⭐🌟", "(╯°□°)╯︵ ┻━┻", "¯\\_(ツ)_/¯",
]

MIXED = [
    "Hello 世界 Привет мир مرحبا 🌍",
    "Python是一种编程语言 (programming language)。",
    "東京Tokyo도쿄",
    "The word «café» in Русский is «кафе».",
    "iPhone 15 Pro Max — ¥159,800 (税込)",
    "α-helix and β-sheet in 蛋白质",
    "x² + y² = z² ∀ x,y,z ∈ ℤ",
    "Ġhello Ċworld ĉtab",            # byte-level BPE alias characters, as plain text
    "▁Hello ▁▁world▁",               # SentencePiece's meta character, as plain text
    "a\u0300\u0301\u0302\u0303\u0304\u0305\u0306 zalgo",
    "ｆｕｌｌｗｉｄｔｈ ＡＢＣ",
    "𝐁𝐨𝐥𝐝 𝕯𝖔𝖚𝖇𝖑𝖊 𝒮𝒸𝓇𝒾𝓅𝓉",
    "\U000e0001\U000e0041\U000e007f tag chars",
    "\ue000\uf8ff private use \U000f0000",
    "\uffff\ufffe\U0010ffff noncharacters",
    "\ufffd replacement char",
    "\u0378\u0379 unassigned",
    "𓀀𓀁 hieroglyphs 𐌰𐌱 gothic",
    "\U00040000\U0007ffff\U00080000\U000bffff planes 4-11",   # F1/F2 lead bytes
    "x\U00050123y \U000e0100 \U000f0001",
]

INVALID = [
    b"\x80",
    b"abc\x80def",
    b"\xbf\xbf\xbf",
    b"\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f",
    b"\xc3",
    b"caf\xc3",
    b"caf\xc3 ",
    b"\xe2\x82",
    b"\xe2\x82 euro",
    b"\xf0\x9f\x98",
    b"\xf0\x9f\x98hello",
    b"\xf0\x9f",
    b"\xc0\x80",
    b"\xc0\xaf",
    b"\xc1\xbf",
    b"\xe0\x80\xaf",
    b"\xe0\x9f\xbf",
    b"\xf0\x80\x80\xaf",
    b"\xf0\x8f\xbf\xbf",
    b"\xff",
    b"\xfe",
    b"\xff\xfe",
    b"\xfe\xff",
    b"hello\xffworld",
    b"\xed\xa0\x80",
    b"\xed\xbf\xbf",
    b"\xed\xa0\xbd\xed\xb8\x80",
    b"x\xed\xb0\x80y",
    b"\xf4\x90\x80\x80",
    b"\xf5\x80\x80\x80",
    b"\xf7\xbf\xbf\xbf",
    b"\xf8\x88\x80\x80\x80",
    b"\xfc\x84\x80\x80\x80\x80",
    b"\xc3\x28",
    b"\xa0\xa1",
    b"\xe2\x28\xa1",
    b"\xe2\x82\x28",
    b"\xf0\x28\x8c\xbc",
    b"\xf0\x90\x28\xbc",
    b"\xf0\x28\x8c\x28",
    b"caf\xe9 na\xefve",                      # Latin-1
    b"\x93smart quotes\x94 \x96 dash",        # Windows-1252
    b"\xc3\xa9\xc3",
    b"Hello \xe4\xb8\x96\xe7\x95 world",
    b"\x80Hello",
    b" \x80",
    b"\n\xff\n",
    b"123\xff456",
    b"don\x92t",
    "héllo wörld ".encode() + b"\xce" + " ελληνικά".encode(),
]

SPECIAL = [
    "<|im_start|>user\nHello<|im_end|>",
    "<|endoftext|>",
    "<s>", "</s>", "<unk>", "<pad>", "<mask>",
    "<|im_sta",
    "<|im_start|>",
    "<|im_end|>",
    "<|im_start|><|im_end|>",
    "<|im_start|>" * 3,
    "  <|im_start|>  ",
    " <|im_end|>\n",
    "<|endoftext|>Hello",
    "x<|endoftext|>y",
    "Hello<|endoftext|> world",
    "<|endoftext|><|endoftext|>",
    "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n2+2 = 4.<|im_end|>\n",
    "<repo_name>llm-kernel<file_sep>main.c\nint x;",
    "<reponame><filename>a.py<gh_stars>100",
    "<issue_start>title<issue_comment>body<issue_closed>",
    "<jupyter_start><jupyter_text>md<jupyter_code>print(1)<jupyter_output>1<empty_output><jupyter_script>",
    "<|im_start|<|im_start|>|>",
    "<<|im_end|>>",
    "<|IM_START|>",
    "<|im_start |>",
    "<| im_start|>",
    "<|im_end",
    "im_start|>",
    "<|endoftext",
    "|endoftext|>",
    "[INST] Hello [/INST]",
    "<<SYS>>\nBe brief.\n<</SYS>>",
    "<s>[INST] Hello [/INST] Hi</s>",
    "<0x41><0x0A>",
    "<|eot_id|><|begin_of_text|><|end|>",
    "<|im_start|>user<|im_start|>",
    "text<|im_start|>",
]


def utf8(strings):
    return [s.encode("utf-8") for s in strings]


# ---------------------------------------------------------------- generated

WORDS = (
    "the of and to in is was for that on as with by at from his her it an were are which this be "
    "or has had not but been one their they we he she you all would there its who so more than "
    "about time only new some could these two may first then do any like other into over such "
    "system model token data language learning network layer weight memory kernel engine result "
    "between during under after before without within through against among however therefore "
    "quickly slowly carefully number value function parameter matrix vector attention process "
    "computer science history river mountain city people government university music world "
    "Paris London Tokyo Berlin January Monday Alice Bob Charlie Europe Africa Internet GPU CPU"
).split()

SCRIPT_WORDS = [
    "мир", "данные", "язык", "λόγος", "κόσμος", "世界", "语言", "模型", "日本語", "テスト",
    "한국어", "모델", "عالم", "لغة", "עולם", "שפה", "दुनिया", "भाषा", "โลก", "ภาษา",
    "café", "naïve", "Ångström", "Łódź", "Dvořák", "😀", "👍🏽", "🇯🇵", "👨‍👩‍👧‍👦", "→", "€",
]

PUNCT = [".", ",", "!", "?", ";", ":", "...", " -", " (", ")", "\"", "'", "—", "/", "&"]


def sentence(r, n_lo=4, n_hi=18):
    n = r.between(n_lo, n_hi)
    words = []
    for i in range(n):
        k = r.below(100)
        if k < 80:
            w = r.choice(WORDS)
        elif k < 88:
            w = str(r.below(10 ** r.between(1, 7)))
        elif k < 95:
            w = r.choice(SCRIPT_WORDS)
        else:
            w = r.choice(["don't", "it's", "they'll", "I'm", "we've", "she'd", "can't"])
        if i == 0:
            w = w[:1].upper() + w[1:]
        if i and r.below(10) == 0:
            words[-1] += r.choice(PUNCT[1:])
        words.append(w)
    return " ".join(words) + r.choice([".", ".", ".", "!", "?", "..."])


ATOMS = [
    " ", "  ", "\t", "\n", "\r\n", "\n\n", "   ", "a", "b", "e", "the", "The", "ing", "tion", "'s",
    "'t", "'RE", "'ll", "0", "1", "7", "42", "123", "2024", ".", ",", "!", "?", "...", "-", "_",
    "(", ")", "{", "}", "[", "]", "<", ">", "/", "\\", "\"", "'", "`", "#", "@", "$", "%", "=",
    "+", "*", "&", "|", "^", "~", ":", ";", "é", "ü", "ñ", "ß", "ø", "Ł", "д", "Ж", "λ", "Ω",
    "中", "文", "あ", "カ", "한", "ع", "ש", "न", "ि", "ก", "\u0301", "\u200d", "\u00a0",
    "\u3000", "😀", "🏽", "🇫", "🇷", "❤", "\ufe0f", "Ġ", "Ċ", "▁", "<|im_start|>", "<|endoftext|>",
    "<s>", "</s>", "\x7f", "\x1b",
]

# code point ranges for random text: (lo, hi) inclusive, weighted by repetition
CP_RANGES = [
    (0x20, 0x7E), (0x20, 0x7E), (0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF),
    (0x590, 0x5FF), (0x600, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F), (0x1100, 0x11FF),
    (0x2000, 0x206F), (0x2190, 0x22FF), (0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3),
    (0xFF00, 0xFFEF), (0x1F300, 0x1FAFF), (0x1D400, 0x1D7FF), (0x20000, 0x2A6DF),
]


def random_codepoints(r, n, anywhere):
    out = []
    while len(out) < n:
        if anywhere:
            cp = r.between(1, 0x10FFFF)
        else:
            lo, hi = r.choice(CP_RANGES)
            cp = r.between(lo, hi)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        out.append(chr(cp))
    return "".join(out)


def random_mix(r):
    out = []
    for _ in range(50):
        n = r.between(1, 60)
        out.append("".join(r.choice(ATOMS) for _ in range(n)))
    for _ in range(25):
        out.append(random_codepoints(r, r.between(1, 40), anywhere=False))
    for _ in range(15):
        out.append(random_codepoints(r, r.between(1, 20), anywhere=True))
    for _ in range(20):
        out.append(" ".join(sentence(r) for _ in range(r.between(1, 4))))
    res = utf8(out)
    # random bytes (never NUL): mostly malformed UTF-8
    inv = []
    for _ in range(15):
        n = r.between(1, 48)
        inv.append(bytes(r.between(1, 255) for _ in range(n)))
    # valid text with a few bytes flipped to high bytes
    for _ in range(10):
        b = bytearray(sentence(r).encode())
        for _ in range(r.between(1, 3)):
            b[r.below(len(b))] = r.between(0x80, 0xFF)
        inv.append(bytes(b))
    return res, inv


def long_entries(r):
    prose = " ".join(sentence(r, 6, 24) for _ in range(40))
    code = CODE[1] * 6 + CODE[7] * 6
    return [
        (CAT["prose"], prose.encode()),
        (CAT["code"], code.encode()),
        (CAT["numbers"], "".join(str(r.below(10)) for _ in range(3000)).encode()),
        (CAT["whitespace"], (" " * 1000 + "\n" * 300 + "\t" * 200 + " \r\n" * 100).encode()),
        (CAT["prose"], ("x" * 5000).encode()),
        (CAT["cjk"], ("".join(CJK[:7]) * 12).encode()),
        (CAT["emoji"], ("".join(EMOJI[:14]) * 8).encode()),
        (CAT["cyrillic_greek"], (" ".join(CYRILLIC_GREEK) * 10).encode()),
    ]


NON_LATIN_PARAS = [
    "Машинное обучение — класс методов искусственного интеллекта, характерной чертой которых "
    "является не прямое решение задачи, а обучение за счёт применения решений множества сходных задач.",
    "机器学习是人工智能的一个分支。人工智能的研究历史有着一条从以“推理”为重点，到以“知识”为重点，"
    "再到以“学习”为重点的自然、清晰的脉络。",
    "機械学習とは、経験からの学習により自動で改善するコンピューターアルゴリズムもしくはその研究領域で、"
    "人工知能の一種であるとみなされている。",
    "기계 학습은 인공 지능의 한 분야로, 컴퓨터가 학습할 수 있도록 하는 알고리즘과 기술을 개발하는 분야이다.",
    "التعلم الآلي هو أحد فروع الذكاء الاصطناعي الذي يهتم بتصميم وتطوير خوارزميات وتقنيات تسمح للحواسيب "
    "بامتلاك خاصية التعلم.",
    "Η μηχανική μάθηση είναι υποπεδίο της επιστήμης των υπολογιστών που αναπτύχθηκε από τη μελέτη της "
    "αναγνώρισης προτύπων.",
    "यंत्र अधिगम कृत्रिम बुद्धि का एक उपक्षेत्र है जिसमें ऐसे एल्गोरिद्म का अध्ययन किया जाता है।",
    "การเรียนรู้ของเครื่องเป็นสาขาหนึ่งของปัญญาประดิษฐ์",
    "למידת מכונה היא תת-תחום במדעי המחשב ובבינה מלאכותית.",
]


def document(r, target=100_000):
    parts = []
    size = 0
    k = 0
    while size < target:
        kind = r.below(20)
        if kind < 11:
            para = " ".join(sentence(r, 5, 25) for _ in range(r.between(2, 8)))
        elif kind < 14:
            para = r.choice(CODE).rstrip("\n")
            if r.below(2):
                para = "```\n" + para + "\n```"
        elif kind < 16:
            rows = []
            for _ in range(r.between(3, 10)):
                rows.append("| " + " | ".join(
                    str(r.below(10 ** r.between(1, 9))) if r.below(3) else
                    f"{r.below(1000)}.{r.below(100):02d}" for _ in range(r.between(2, 6))) + " |")
            para = "\n".join(rows)
        elif kind < 18:
            para = r.choice(NON_LATIN_PARAS)
        else:
            k += 1
            para = "#" * r.between(1, 3) + f" Section {k}: " + sentence(r, 2, 6).rstrip(".!?")
        sep = r.choice(["\n\n", "\n\n", "\n", "\n\n\n", "\r\n\r\n"])
        chunk = para + sep
        parts.append(chunk)
        size += len(chunk.encode())
    return "".join(parts).encode()


def build():
    r = Rng(SEED)
    entries = [(CAT["empty"], b"")]
    for name, group in [
        ("prose", PROSE), ("code", CODE), ("numbers", NUMBERS), ("whitespace", WHITESPACE),
        ("contractions", CONTRACTIONS), ("punctuation", PUNCTUATION), ("latin_accented", LATIN),
        ("cyrillic_greek", CYRILLIC_GREEK), ("cjk", CJK), ("arabic_hebrew", ARABIC_HEBREW),
        ("indic_thai", INDIC_THAI), ("emoji", EMOJI), ("mixed_scripts", MIXED),
    ]:
        entries += [(CAT[name], b) for b in utf8(group)]
    entries += [(CAT["invalid_utf8"], b) for b in INVALID]
    entries += [(CAT["special_tokens"], b) for b in utf8(SPECIAL)]
    mix, inv = random_mix(r)
    entries += [(CAT["random_mix"], b) for b in mix]
    entries += [(CAT["invalid_utf8"], b) for b in inv]
    entries += long_entries(r)
    entries.append((CAT["document"], document(r)))
    for cat, b in entries:
        assert b"\x00" not in b, (cat, b)
        valid = True
        try:
            b.decode("utf-8")
        except UnicodeDecodeError:
            valid = False
        assert valid == (cat != CAT["invalid_utf8"]), (cat, b)
    return entries


def write(entries, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    blob = [b"TKCP", struct.pack("<II", 1, len(entries))]
    for cat, b in entries:
        blob.append(struct.pack("<II", cat, len(b)))
        blob.append(b)
    with open(os.path.join(out_dir, "corpus.bin"), "wb") as f:
        f.write(b"".join(blob))
    with open(os.path.join(out_dir, "corpus_categories.txt"), "w") as f:
        for i, name in enumerate(CATEGORIES):
            n = sum(1 for c, _ in entries if c == i)
            f.write(f"{i} {name} {n}\n")


def read(path):
    """Read corpus.bin back: list of (category id, bytes)."""
    data = open(path, "rb").read()
    assert data[:4] == b"TKCP"
    version, count = struct.unpack_from("<II", data, 4)
    assert version == 1
    off = 12
    out = []
    for _ in range(count):
        cat, n = struct.unpack_from("<II", data, off)
        off += 8
        out.append((cat, data[off:off + n]))
        off += n
    assert off == len(data)
    return out


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "tests/golden/tokenizer"
    entries = build()
    write(entries, out_dir)
    total = sum(len(b) for _, b in entries)
    print(f"{len(entries)} entries, {total} bytes of text -> {out_dir}/corpus.bin")


if __name__ == "__main__":
    main()
