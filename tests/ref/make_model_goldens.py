#!/usr/bin/env python3
"""Goldens for the real-model tests (tests/unit/model/test_model_real.c), from the `gguf`
package (pinned in tests/ref/requirements.txt), never from our own code:

  tests/golden/smollm2_q4_1.txt
    model <n_tensors> <n_params> <weight_bytes>
    tensor <name> <type> <ne0>x<ne1>.. <sha256 of gguf.quants.dequantize(), float32 little-endian>
    requant <Q4_0|Q8_0> <name> <sha256 of gguf.quants.quantize(dequantized tensor)>

The requant lines are what tools/gguf-quantize must write for the derived
smollm2-135m-q4_0.gguf / -q8_0.gguf (every 2-D tensor whose rows fit the block).

Usage: python3 tests/ref/make_model_goldens.py test_models/smollm2-135m-q4_1.gguf
"""
import hashlib
import sys

import numpy as np
from gguf import GGUFReader
from gguf.quants import GGMLQuantizationType as T, dequantize, quantize

BLOCK = {T.Q4_0: 32, T.Q8_0: 32}


def main(path, out="tests/golden/smollm2_q4_1.txt"):
    r = GGUFReader(path)
    lines = []
    n_params = sum(int(t.n_elements) for t in r.tensors)
    weight_bytes = sum(int(t.n_bytes) for t in r.tensors)
    lines.append(f"model {len(r.tensors)} {n_params} {weight_bytes}")
    requant = []
    for t in r.tensors:
        f32 = dequantize(t.data, t.tensor_type).astype("<f4")
        shape = "x".join(str(int(d)) for d in t.shape)
        lines.append(f"tensor {t.name} {t.tensor_type.name} {shape} {hashlib.sha256(f32.tobytes()).hexdigest()}")
        if len(t.shape) == 2 and int(t.shape[1]) > 1:
            rows = f32.reshape(int(t.shape[1]), int(t.shape[0]))
            for qt in (T.Q4_0, T.Q8_0):
                if int(t.shape[0]) % BLOCK[qt] == 0 and t.tensor_type != qt:
                    q = np.ascontiguousarray(quantize(rows, qt))
                    requant.append(f"requant {qt.name} {t.name} {hashlib.sha256(q.tobytes()).hexdigest()}")
                elif t.tensor_type == qt:
                    requant.append(f"requant {qt.name} {t.name} {hashlib.sha256(np.ascontiguousarray(t.data).tobytes()).hexdigest()}")
    with open(out, "w") as f:
        f.write("\n".join(lines + requant) + "\n")
    print(f"wrote {out}: {len(r.tensors)} tensors, {len(requant)} requantized")


if __name__ == "__main__":
    main(*sys.argv[1:])
