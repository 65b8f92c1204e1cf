#!/usr/bin/env python3
"""Makes the tensor-format goldens in tests/golden/quant/ for tests/unit/quant/test_quant.c.

The expected values come from the `gguf` package (gguf.quants.quantize and
dequantize, numpy's float16 conversions), which implements ggml's reference
quantizers and block layouts in numpy. Q8_1 and Q8_K are activation-only
formats gguf does not implement: for those two this script has its own small
numpy port of ggml's quantize_row_q8_1_ref / quantize_row_q8_K_ref, marked
below. Everything is seeded, so a rerun with the pinned versions
(tests/ref/requirements.txt) rewrites the same bytes.

Every file is one case: a 32-byte little-endian header

    char magic[4] = "QGLD"; u32 version = 1; u32 kind; u32 ggml_type;
    u32 n_elems; u32 in_bytes; u32 out_bytes; u32 reserved = 0;

then in_bytes of input and out_bytes of expected output. Kinds:
  1 dequantize: input is blocks of ggml_type, output n_elems f32
  2 quantize:   input is n_elems f32, output blocks of ggml_type
  3 fp16 table: no input (it is every u16 bit pattern 0..65535 in order),
                output the 65536 f32 numpy gives for them

Usage: python3 tests/ref/make_quant_goldens.py [OUT_DIR]
"""
import importlib.metadata
import struct
import sys
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf.quants import quantize, dequantize, np_roundf

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "golden" / "quant"

KIND_DEQUANT, KIND_QUANT, KIND_FP16_TABLE = 1, 2, 3
QK_K = 256

# ggml's block sizes (elements, bytes). Q8_1 is 36 bytes in ggml (two fp16
# then 32 int8); gguf's table still says 40, from an older layout.
SIZES = {
    T.F32: (1, 4), T.F16: (1, 2), T.BF16: (1, 2),
    T.Q4_0: (32, 18), T.Q4_1: (32, 20), T.Q5_0: (32, 22), T.Q5_1: (32, 24),
    T.Q8_0: (32, 34), T.Q8_1: (32, 36),
    T.Q2_K: (256, 84), T.Q3_K: (256, 110), T.Q4_K: (256, 144), T.Q5_K: (256, 176),
    T.Q6_K: (256, 210), T.Q8_K: (256, 292),
    T.IQ4_NL: (32, 18), T.IQ4_XS: (256, 136),
}

# Byte offsets of the fp16 scale fields in each block (d first, then m/dmin/s).
FP16_FIELDS = {
    T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0], T.Q8_1: [0, 2],
    T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208],
    T.IQ4_NL: [0], T.IQ4_XS: [0],
}

rng = np.random.default_rng(20240611)
written = []


def write(name, kind, qtype, n_elems, inp, out):
    inp, out = bytes(inp), bytes(out)
    head = struct.pack("<4s7I", b"QGLD", 1, kind, int(qtype), n_elems, len(inp), len(out), 0)
    (OUT / name).write_bytes(head + inp + out)
    written.append((name, 32 + len(inp) + len(out)))


def f16_bits(values):
    with np.errstate(over="ignore"):
        return np.asarray(values, dtype=np.float32).astype(np.float16).view(np.uint16)


# ------------------------------------------------------------------ dequantize

def sane_scales(n):
    """Finite fp16 scales of mixed sign across several decades."""
    return rng.standard_normal(n).astype(np.float32) * np.float32(10.0) ** rng.uniform(-4, 0, n).astype(np.float32)


def dequant_blocks(qtype):
    """Random blocks with sane scales, then the edge cases, one block each."""
    _, size = SIZES[qtype]
    n_random = 8 if size > 64 else 16
    blocks = [rng.integers(0, 256, size, dtype=np.uint8) for _ in range(n_random)]

    def with_scales(block, values):
        b = block.copy()
        for off, v in zip(FP16_FIELDS[qtype], values):
            b[off:off + 2] = np.array([v], dtype=np.uint16).view(np.uint8)
        return b

    for i, b in enumerate(blocks):
        blocks[i] = with_scales(b, f16_bits(sane_scales(2)))
    rand = lambda: rng.integers(0, 256, size, dtype=np.uint8)
    full = np.full(size, 0xFF, dtype=np.uint8)
    empty = np.zeros(size, dtype=np.uint8)
    one, neg, half = f16_bits([1.0])[0], f16_bits([-0.75])[0], f16_bits([0.5])[0]
    edge = [
        with_scales(rand(), [0x0000, 0x0000]),           # zero scales
        with_scales(rand(), [0x8000, 0x8000]),           # negative zero scales
        with_scales(rand(), f16_bits([-1.5, -0.25])),    # negative scales
        with_scales(full, [one, half]),                  # every quant (and scale) bit set
        with_scales(full, [neg, neg]),
        with_scales(empty, [one, half]),                 # every quant zero
        with_scales(rand(), [0x0001, 0x03FF]),           # smallest / largest subnormal fp16
        with_scales(rand(), [0x8200, 0x0155]),           # negative subnormal
        with_scales(rand(), [0x7BFF, 0xFBFF]),           # +-65504, the largest finite
        with_scales(rand(), [0x7C00, one]),              # inf scale: inf * 0 is NaN
    ]
    return np.stack(blocks + edge)


def q8_k_blocks():
    """Q8_K: f32 d, 256 int8, 16 int16 bsums (dequantize reads only d and qs)."""
    out = []
    ds = list(sane_scales(8)) + [0.0, -0.0, -1.0, 1e-40, 3.0e38]
    for d in ds:
        b = rng.integers(0, 256, 292, dtype=np.uint8)
        b[0:4] = np.array([d], dtype=np.float32).view(np.uint8)
        out.append(b)
    full = np.full(292, 0x80, dtype=np.uint8)    # every quant -128
    full[0:4] = np.array([0.5], dtype=np.float32).view(np.uint8)
    out.append(full)
    return np.stack(out)


def own_dequant_q8(blocks, qtype):
    """Q8_1 / Q8_K are not in gguf: y = d * q, in f32, as ggml."""
    if qtype == T.Q8_1:
        d = blocks[:, 0:2].copy().view(np.float16).astype(np.float32)
        q = blocks[:, 4:36].copy().view(np.int8).astype(np.float32)
    else:
        d = blocks[:, 0:4].copy().view(np.float32)
        q = blocks[:, 4:260].copy().view(np.int8).astype(np.float32)
    return (d * q).astype(np.float32)


def write_dequant(qtype):
    """dequant_<T>.bin: dequant_blocks(qtype) and what gguf dequantizes them to."""
    blocks = dequant_blocks(qtype)
    with np.errstate(invalid="ignore", over="ignore"):
        out = dequantize(blocks.reshape(-1), qtype)
    n = blocks.shape[0] * SIZES[qtype][0]
    assert out.dtype == np.float32 and out.size == n
    write(f"dequant_{qtype.name}.bin", KIND_DEQUANT, qtype, n, blocks.tobytes(), out.tobytes())


def make_dequant_goldens():
    for qtype in [T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0, T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K]:
        write_dequant(qtype)

    q81 = dequant_blocks(T.Q8_1)
    with np.errstate(invalid="ignore", over="ignore"):
        write("dequant_Q8_1.bin", KIND_DEQUANT, T.Q8_1, q81.shape[0] * 32, q81.tobytes(),
              own_dequant_q8(q81, T.Q8_1).tobytes())
        q8k = q8_k_blocks()
        write("dequant_Q8_K.bin", KIND_DEQUANT, T.Q8_K, q8k.shape[0] * 256, q8k.tobytes(),
              own_dequant_q8(q8k, T.Q8_K).tobytes())

    # F32: a copy; BF16: random patterns and the specials through gguf.
    f32 = np.concatenate([rng.standard_normal(64).astype(np.float32),
                          np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -3.4e38], dtype=np.float32)])
    write("dequant_F32.bin", KIND_DEQUANT, T.F32, f32.size, f32.tobytes(), dequantize(f32.view(np.uint8), T.F32).tobytes())
    bf = np.concatenate([rng.integers(0, 65536, 4096, dtype=np.uint16),
                         np.array([0, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0x7F81, 0x0001, 0x807F, 0x7F7F], dtype=np.uint16)])
    out = dequantize(bf.view(np.uint8), T.BF16)
    write("dequant_BF16.bin", KIND_DEQUANT, T.BF16, bf.size, bf.tobytes(), out.tobytes())

    # Every fp16 bit pattern, through numpy.
    table = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float32)
    write("fp16_table.bin", KIND_FP16_TABLE, T.F16, 65536, b"", table.tobytes())


# ------------------------------------------------------------------ quantize

def tie_row():
    """Blocks of 32 whose scaled values land exactly on each format's rounding ties."""
    k = np.arange(32, dtype=np.float32)
    blocks = [
        np.concatenate([[-8.0], (k[1:] % 16) - 7.5]),          # Q4_0: d = 1, x + 8.5 integral
        np.concatenate([[0.0, 15.0], (k[2:] % 15) + 0.5]),      # Q4_1: d = 1, min 0
        np.concatenate([[-16.0], (k[1:] % 32) - 15.5]),         # Q5_0: d = 1
        np.concatenate([[0.0, 31.0], (k[2:] % 31) + 0.5]),      # Q5_1: d = 1
        np.concatenate([[127.0], k[1:] * 4 - 62.5]),            # Q8_0/Q8_1: d = 1, roundf halves
        np.concatenate([[-127.0], -k[1:] * 3 + 45.5]),          # Q8_K: iscale = 1, round-half-even
        np.concatenate([[-127.0], np.nextafter(k[1:] - 15.5, np.float32(np.inf), dtype=np.float32)]),
        np.concatenate([[-8.0], np.nextafter((k[1:] % 16) - 7.5, np.float32(-np.inf), dtype=np.float32)]),
    ]
    return np.concatenate(blocks).astype(np.float32)


def quant_rows():
    """Named rows of 256 floats (one Q8_K block, eight 32-element blocks)."""
    n = 256
    normal = lambda s=1.0: (rng.standard_normal(n) * s).astype(np.float32)
    huge = normal(); huge[37] = 1.0e4
    opposite = normal(0.5)                            # largest |x| twice, with both signs:
    for b in range(8):                                # the first one sets the sign of d
        opposite[32 * b + 3], opposite[32 * b + 20] = (2.5, -2.5) if b % 2 else (-2.5, 2.5)
    overflow = normal(); overflow[200] = -1.0e30      # fp16(d) overflows to -inf
    return [
        ("normal", normal()),
        ("normal_small", normal(1e-3)),
        ("normal_large", normal(300.0)),
        ("zeros", np.zeros(n, dtype=np.float32)),
        ("equal_pos", np.full(n, 0.7, dtype=np.float32)),
        ("equal_neg", np.full(n, -3.0, dtype=np.float32)),
        ("huge", huge),
        ("overflow", overflow),
        ("tiny", normal(1e-5)),                          # fp16 scales go subnormal
        ("tinier", normal(1e-20)),                       # fp16 scales flush to zero
        ("negative", -np.abs(normal())),
        ("positive", np.abs(normal()) + np.float32(2.0)),
        ("ties", tie_row()),
        ("opposite_max", opposite),
    ]


def own_quant_q8_1(x):
    """numpy port of ggml quantize_row_q8_1_ref (gguf has none): roundf, s = fp16(sum * d)."""
    b = x.reshape(-1, 32)
    d = np.abs(b).max(axis=1, keepdims=True) / np.float32(127)
    with np.errstate(divide="ignore"):
        idv = np.where(d == 0, np.float32(0), np.float32(1) / d).astype(np.float32)
    q = np_roundf(b * idv).astype(np.int8)
    s = (q.astype(np.int32).sum(axis=1, keepdims=True).astype(np.float32) * d).astype(np.float32)
    with np.errstate(over="ignore"):
        head = np.concatenate([f16_bits(d).reshape(-1, 1).view(np.uint8), f16_bits(s).reshape(-1, 1).view(np.uint8)], axis=1)
    return np.concatenate([head.reshape(-1, 4), q.view(np.uint8)], axis=1).tobytes()


def own_quant_q8_k(x):
    """numpy port of ggml quantize_row_q8_K_ref (gguf has none): iscale = -127/max,
    nearest_int (round half to even), min(127, .), d = 1/iscale, bsums of 16."""
    out = []
    for b in x.reshape(-1, QK_K):
        amax_i = int(np.argmax(np.abs(b)))          # first index of the largest |x|
        mx = b[amax_i]
        if np.abs(mx) == 0:
            d, q = np.float32(0), np.zeros(QK_K, dtype=np.int8)
        else:
            iscale = np.float32(-127.0) / mx
            q = np.minimum(127, np.rint(iscale * b)).astype(np.int8)
            d = np.float32(1.0) / iscale
        bsums = q.astype(np.int32).reshape(16, 16).sum(axis=1).astype(np.int16)
        out.append(np.array([d], dtype=np.float32).tobytes() + q.tobytes() + bsums.tobytes())
    return b"".join(out)


def make_quant_goldens():
    rows = quant_rows()
    x = np.concatenate([r for _, r in rows]).astype(np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        for qtype in [T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0]:
            out = quantize(x, qtype)
            assert out.size == x.size // 32 * SIZES[qtype][1]
            write(f"quant_{qtype.name}.bin", KIND_QUANT, qtype, x.size, x.tobytes(), out.tobytes())
        write("quant_Q8_1.bin", KIND_QUANT, T.Q8_1, x.size, x.tobytes(), own_quant_q8_1(x))
        write("quant_Q8_K.bin", KIND_QUANT, T.Q8_K, x.size, x.tobytes(), own_quant_q8_k(x))

    # F16 and BF16: one input set of random bit patterns, values across the
    # fp16 range, boundaries and exact ties of both formats.
    parts = [rng.integers(0, 2**32, 4096, dtype=np.uint64).astype(np.uint32).view(np.float32),
             (rng.standard_normal(3072) * np.exp2(rng.uniform(-27, 17, 3072))).astype(np.float32)]
    h = rng.integers(0, 0x7BFF, 1024, dtype=np.uint16)           # finite fp16, then the
    lo = h.view(np.float16).astype(np.float32)                   # midpoint to the next one
    hi = (h + 1).astype(np.uint16).view(np.float16).astype(np.float32)
    mid = ((lo.astype(np.float64) + hi.astype(np.float64)) / 2).astype(np.float32)
    assert np.all(mid.astype(np.float64) * 2 == lo.astype(np.float64) + hi.astype(np.float64))
    parts += [mid, np.nextafter(mid, np.float32(np.inf)), np.nextafter(mid, np.float32(-np.inf))]
    upper = rng.integers(0, 2**16, 512, dtype=np.uint32) << np.uint32(16)   # bf16 ties
    parts += [(upper | np.uint32(lowbits)).view(np.float32) for lowbits in (0x8000, 0x7FFF, 0x8001)]
    specials = np.array([
        0.0, -0.0, np.inf, -np.inf, 65504.0, -65504.0, 65519.996, 65520.0, 65536.0, 1e10, -1e38,
        2.0**-14, 2.0**-14 * (1 - 2.0**-11), 2.0**-24, 2.0**-25, 2.0**-25 * (1 + 2.0**-23),
        2.0**-25 * 1.5, 2.0**-24 * 1.5, 2.0**-24 * 2.5, -2.0**-26, 1e-45, -1e-40, 3.4028235e38,
        1.0 + 2.0**-11, 1.0 + 3 * 2.0**-11, 2049.0, 2051.0,
    ], dtype=np.float32)
    nan_bits = np.array([0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FBFFFFF, 0xFF812345, 0x7FFFFFFF,
                         0x7F80FFFF, 0x7F810000], dtype=np.uint32)
    parts += [specials, nan_bits.view(np.float32)]
    conv = np.concatenate(parts).astype(np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        write("quant_F16.bin", KIND_QUANT, T.F16, conv.size, conv.tobytes(), quantize(conv, T.F16).tobytes())
        write("quant_BF16.bin", KIND_QUANT, T.BF16, conv.size, conv.tobytes(), quantize(conv, T.BF16).tobytes())


def make_iq4_goldens():
    """IQ4_NL and IQ4_XS (read-only formats: dequantize only), from a random stream of their own so
    that adding them left every other golden's bytes as they were."""
    global rng
    rng = np.random.default_rng(20261203)
    for qtype in [T.IQ4_NL, T.IQ4_XS]:
        write_dequant(qtype)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.bin"):
        old.unlink()
    make_dequant_goldens()
    make_quant_goldens()
    make_iq4_goldens()
    total = sum(size for _, size in written)
    print(f"gguf {importlib.metadata.version('gguf')}, numpy {np.__version__}: "
          f"{len(written)} files, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
