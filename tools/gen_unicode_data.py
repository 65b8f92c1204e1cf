#!/usr/bin/env python3
"""Generates llm/tokenizer/unicode_data.c: the codepoint tables behind llm/tokenizer/unicode.c.

What the tables must reproduce is llama.cpp's src/unicode-data.cpp, which
llama.cpp's scripts/gen-unicode-data.py derives from UnicodeData.txt: every
codepoint gets exactly one category flag from its General_Category (Cn ->
UNDEFINED, Cc/Cf/Co/Cs -> CONTROL, L* -> LETTER, M* -> ACCENT_MARK,
N* -> NUMBER, P* -> PUNCTUATION, S* -> SYMBOL, Z* -> SEPARATOR), a fixed list
of 25 codepoints (PropList's White_Space) gets WHITESPACE, and the simple
lowercase mapping is kept for unicode_tolower. llama.cpp's committed tables
are Unicode 15.1.0 (U+2FFC..2FFF and U+31EF are assigned, U+1C89 is not), so
this script insists on 15.1.0 data:

  * categories come from the PyPI package `unicodedata2==15.1.0` when it is
    installed, else from the standard `unicodedata` if it is 15.1.0
    (Python 3.13);
  * lowercase comes from str.lower() (its first codepoint, as llama.cpp's
    older generator did; that equals UnicodeData's simple mapping for every
    codepoint). The 1433 mappings are identical in Python's Unicode 14.0,
    15.0 and 15.1 databases, so Python 3.11 to 3.13 all give the same table;
  * the White_Space list is checked against `\\s` of the `regex` package when
    that is installed;
  * the NFD table (llama.cpp's unicode_ranges_nfd, for WordPiece's accent
    stripping) keeps only the FIRST codepoint of each codepoint's canonical
    decomposition, from unicodedata.normalize('NFD') of this Python: 1828
    ranges, identical in Python 3.11 (Unicode 14.0) to llama.cpp's table.

Output layout (see llm/tokenizer/unicode.h for the C declarations):

  unicode_flag_ranges[i] = start << 9 | flags   sorted by start; a codepoint
      has the flags of the last range starting at or before it. flags are the
      low 9 bits: one UNICODE_* category bit | UNICODE_WHITESPACE.
  unicode_flag_blocks[b] = index of the range holding codepoint b * 256, for
      b in 0 .. unicode_flag_block_count - 1, so a lookup below
      (unicode_flag_block_count - 1) * 256 only searches the few ranges of
      one 256-codepoint block. The blocks stop where the assigned planes 0-3
      do (U+323B0 in 15.1); the dozen ranges above are searched whole, from
      the last block's range on.
  unicode_flags_latin1[cp] = the flags of cp < 256, the common case, without a search.
  unicode_lower_runs[]   = {first, last, stride, delta}: for cp in
      first..last stepping by stride, tolower(cp) = cp + delta.
  unicode_nfd_ranges[]   = {first, last, nfd}: every cp in first..last has
      nfd as the first codepoint of its NFD form; other codepoints are
      their own. Sorted, disjoint (llama.cpp's ranges less its dummy
      {0, 0, 0} first entry).

Usage:
  python3 tools/gen_unicode_data.py > llm/tokenizer/unicode_data.c
  python3 tools/gen_unicode_data.py --llama-ranges   # llama.cpp's table format,
      to diff against its unicode_ranges_flags (whitespace bits left out)
"""
import sys
import unicodedata

UNICODE_VERSION = "15.1.0"
MAX_CODEPOINTS = 0x110000
BLOCK_SHIFT = 8

# llm/tokenizer/unicode.h's flag values (= llama.cpp's unicode_cpt_flags bits)
UNDEFINED, NUMBER, LETTER, SEPARATOR, ACCENT_MARK, PUNCTUATION, SYMBOL, CONTROL = (
    0x001, 0x002, 0x004, 0x008, 0x010, 0x020, 0x040, 0x080)
WHITESPACE = 0x100

CATEGORY_FLAG = {
    "Cn": UNDEFINED,
    "Cc": CONTROL, "Cf": CONTROL, "Co": CONTROL, "Cs": CONTROL,
    "Lu": LETTER, "Ll": LETTER, "Lt": LETTER, "Lm": LETTER, "Lo": LETTER,
    "Mn": ACCENT_MARK, "Mc": ACCENT_MARK, "Me": ACCENT_MARK,
    "Nd": NUMBER, "Nl": NUMBER, "No": NUMBER,
    "Pc": PUNCTUATION, "Pd": PUNCTUATION, "Ps": PUNCTUATION, "Pe": PUNCTUATION,
    "Pi": PUNCTUATION, "Pf": PUNCTUATION, "Po": PUNCTUATION,
    "Sm": SYMBOL, "Sc": SYMBOL, "Sk": SYMBOL, "So": SYMBOL,
    "Zs": SEPARATOR, "Zl": SEPARATOR, "Zp": SEPARATOR,
}

# llama.cpp's unicode_set_whitespace (PropList.txt White_Space).
WHITESPACE_CPTS = sorted(
    list(range(0x09, 0x0E)) + list(range(0x2000, 0x200B)) +
    [0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000])


def category_source():
    try:
        import unicodedata2
        if unicodedata2.unidata_version == UNICODE_VERSION:
            return unicodedata2, "unicodedata2 " + unicodedata2.unidata_version
    except ImportError:
        pass
    if unicodedata.unidata_version == UNICODE_VERSION:
        return unicodedata, "Python unicodedata " + unicodedata.unidata_version
    sys.exit(f"need Unicode {UNICODE_VERSION} data: pip install unicodedata2=={UNICODE_VERSION}, "
             f"or run with Python 3.13 (this Python has {unicodedata.unidata_version})")


def check_whitespace():
    try:
        import regex
    except ImportError:
        return
    ws = [cp for cp in range(MAX_CODEPOINTS) if regex.match(r"\s", chr(cp))]
    assert ws == WHITESPACE_CPTS, "regex's \\s differs from llama.cpp's whitespace list"


def codepoint_flags(ucd):
    flags = [CATEGORY_FLAG[ucd.category(chr(cp))] for cp in range(MAX_CODEPOINTS)]
    for cp in WHITESPACE_CPTS:
        flags[cp] |= WHITESPACE
    return flags


def flag_ranges(flags):
    ranges = [(0, flags[0])]
    for cp in range(1, MAX_CODEPOINTS):
        if flags[cp] != ranges[-1][1]:
            ranges.append((cp, flags[cp]))
    return ranges


def block_index(ranges):
    index, r = [], 0
    for b in range(MAX_CODEPOINTS >> BLOCK_SHIFT):
        cp = b << BLOCK_SHIFT
        while r + 1 < len(ranges) and ranges[r + 1][0] <= cp:
            r += 1
        index.append(r)
    # stop at the first block whose range runs on past U+3FFFF (the unassigned rest of plane 3)
    last = next(b for b, r in enumerate(index) if ranges[r + 1][0] >= 0x40000)
    return index[:last + 1]


def lower_runs():
    if not ("14.0.0" <= unicodedata.unidata_version <= UNICODE_VERSION):
        sys.exit(f"str.lower() of Unicode {unicodedata.unidata_version} is not the checked one; use Python 3.11-3.13")
    pairs = []
    for cp in range(MAX_CODEPOINTS):
        lower = ord(chr(cp).lower()[0])
        if lower != cp:
            pairs.append((cp, lower - cp))
    assert len(pairs) == 1433, len(pairs)
    runs = []  # [first, last, stride, delta]
    for cp, delta in pairs:
        if runs:
            first, last, stride, d = runs[-1]
            step = cp - last
            if d == delta and step in (1, 2) and (first == last or step == stride):
                runs[-1] = [first, cp, step, d]
                continue
        runs.append([cp, cp, 1, delta])
    return runs


def nfd_ranges():
    """llama.cpp's grouping: consecutive codepoints whose first NFD codepoint is the same."""
    ranges = []  # [first, last, nfd]
    for cp in range(MAX_CODEPOINTS):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        nfd = ord(unicodedata.normalize("NFD", chr(cp))[0])
        if nfd == cp:
            continue
        if ranges and ranges[-1][1] == cp - 1 and ranges[-1][2] == nfd:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp, nfd])
    assert len(ranges) == 1827, len(ranges)
    return ranges


def c_rows(values, per_line, width):
    items = [f"{v:#0{width}x}" if isinstance(v, int) else v for v in values]
    return "\n".join("    " + ", ".join(items[i:i + per_line]) + ","
                     for i in range(0, len(items), per_line))


def main():
    ucd, source = category_source()
    check_whitespace()
    flags = codepoint_flags(ucd)
    ranges = flag_ranges(flags)

    if "--llama-ranges" in sys.argv:
        cats = flag_ranges([f & 0xFF for f in flags])
        for start, f in cats + [(MAX_CODEPOINTS, 0)]:
            print("{0x%06X, 0x%04X}," % (start, f))
        return

    blocks = block_index(ranges)
    runs = lower_runs()
    nfd = nfd_ranges()
    assert len(ranges) < 0x10000 and all(s < (1 << 23) for s, _ in ranges)

    out = sys.stdout.write
    out(f"""\
/*
 * Generated by tools/gen_unicode_data.py from Unicode {UNICODE_VERSION} data: the
 * codepoint category and whitespace flags, the simple lowercase mapping and
 * the first-codepoint NFD table llama.cpp's unicode-data.cpp holds, packed
 * for llm/tokenizer/unicode.c (layout in the script's docstring). Do not
 * edit; rerun the script.
 */
#include "llm/tokenizer/unicode.h"

const uint32_t unicode_flag_ranges[] = {{
{c_rows([s << 9 | f for s, f in ranges], 8, 10)}
}};
const size_t unicode_flag_range_count = sizeof unicode_flag_ranges / sizeof unicode_flag_ranges[0];

const uint16_t unicode_flag_blocks[] = {{
{c_rows([str(i) for i in blocks], 16, 0)}
}};
const size_t unicode_flag_block_count = sizeof unicode_flag_blocks / sizeof unicode_flag_blocks[0];

const uint16_t unicode_flags_latin1[256] = {{
{c_rows(flags[:256], 16, 5)}
}};

const unicode_case_run_t unicode_lower_runs[] = {{
{c_rows([f"{{{f:#x}, {l:#x}, {s}, {d}}}" for f, l, s, d in runs], 4, 0)}
}};
const size_t unicode_lower_run_count = sizeof unicode_lower_runs / sizeof unicode_lower_runs[0];

const unicode_nfd_range_t unicode_nfd_ranges[] = {{
{c_rows([f"{{{f:#x}, {l:#x}, {d:#x}}}" for f, l, d in nfd], 4, 0)}
}};
const size_t unicode_nfd_range_count = sizeof unicode_nfd_ranges / sizeof unicode_nfd_ranges[0];
""")
    sys.stderr.write(f"from {source}: {len(ranges)} flag ranges, {len(blocks)} blocks, {len(runs)} lowercase runs, "
                     f"{len(nfd)} NFD ranges\n")


if __name__ == "__main__":
    main()
