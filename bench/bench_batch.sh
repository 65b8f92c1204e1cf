#!/usr/bin/env bash
# bench/bench_batch.sh LLAMA_BUILD_DIR OUR_BENCH MODEL: batched decoding,
# our scheduler against llama.cpp's llama-batched-bench on the same emulated
# CPU (qemu-aarch64 -cpu max, BENCH_THREADS threads, default 2), at batch
# sizes BENCH_SIZES (default 1,2,4,8): each of B requests has its own
# prompt of BENCH_PP pseudo-random tokens (default 128, all prefilled in one
# pass) and generates BENCH_TG tokens (default 64, one step for all B at a
# time). Ours is bench-batch (aarch64 build, llm/llm_bench.h); with
# KERNEL_IMAGE set, also the kernel's `llm bench -b` under
# qemu-system-aarch64 -cpu max -smp BENCH_THREADS (bench/bench_kernel_llm.py).
# Figures, never pass/fail.
#
# Per batch size: aggregate decode tok/s (B tokens a step), prefill tok/s,
# per-request latency (submit to last token; llama.cpp runs every request
# in lockstep, so its latency is its prefill plus decode time), the ratios,
# each engine's decode gain over its own batch of 1, and the weight bytes
# read per generated token (every matrix once a step for all B tokens: the
# figure that carries over to bandwidth-bound hardware).
# BENCH_ROUNDS (default 2) rounds alternate which engine goes first; figures
# are min-max over the rounds, ratios taken within a round. Each run's wall
# and process CPU seconds (bash `time`: user + system, all threads) too.
set -eu
BENCH_TAG=bench-batch
# shellcheck source=bench/bench_common.sh
. "$(dirname "$0")/bench_common.sh"

if [ $# -ne 3 ]; then
    echo "usage: $0 LLAMA_BUILD_DIR OUR_BENCH MODEL" >&2
    exit 2
fi
LLAMA=$1/llama-batched-bench
OURS=$2
MODEL=$3
PP=${BENCH_PP:-128}
TG=${BENCH_TG:-64}
SIZES=${BENCH_SIZES:-1,2,4,8}
THREADS=${BENCH_THREADS:-2}
ROUNDS=${BENCH_ROUNDS:-2}
QEMU="qemu-aarch64 -cpu max"
NAME=$(basename "$MODEL" .gguf)

for f in "$LLAMA" "$OURS" "$MODEL"; do
    [ -e "$f" ] || { echo "bench-batch: $f is missing (build or fetch it first)" >&2; exit 1; }
done
command -v qemu-aarch64 >/dev/null || { echo "bench-batch: qemu-aarch64 is missing (qemu-user)" >&2; exit 1; }

print_host "$QEMU, $THREADS threads" "-M virt -cpu max -smp $THREADS"
echo "model:    $MODEL"
echo "setup:    B requests of $PP prompt + $TG generated tokens each, B in $SIZES; prompts prefilled in one pass, then"
echo "          one decode step for all B at a time; llama.cpp with its defaults (F16 KV, flash attention auto,"
echo "          -c 2048); $ROUNDS round(s), the engines alternating within each"
echo

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
LOG=$TMP/stderr
RECORDS=$TMP/records # "ENGINE ROUND B PP_TOK_S TG_TOK_S LATENCY_S [BYTES_PER_TOKEN]" and "time ENGINE ROUND WALL CPU"


run_llama() { # run_llama ROUND
    # shellcheck disable=SC2086 # QEMU is a command and its flags
    timed "round $1/$ROUNDS: llama.cpp llama-batched-bench -t $THREADS" \
        $QEMU "$LLAMA" -m "$MODEL" -c 2048 -b 2048 -ub 512 -npp "$PP" -ntg "$TG" -npl "$SIZES" -t "$THREADS" \
        --output-format jsonl
    python3 -c '
import json, sys
rnd = sys.argv[1]
for line in sys.stdin:
    line = line.strip()
    if line.startswith("{"):
        r = json.loads(line)
        print("llama", rnd, r["pl"], r["speed_pp"], r["speed_tg"], r["t"])' "$1" <"$TMP/out" >>"$RECORDS" || {
        echo "bench-batch: cannot read llama-batched-bench output:" >&2
        cat "$TMP/out" >&2
        exit 1
    }
    echo "time llama $1 $WALL $CPU" >>"$RECORDS"
}

run_ours() { # run_ours ROUND
    # shellcheck disable=SC2086
    timed "round $1/$ROUNDS: ours bench-batch -t $THREADS" \
        $QEMU "$OURS" -t "$THREADS" "$MODEL" -p "$PP" -n "$TG" -b "$SIZES"
    sed -n "s/^batch \([0-9]*\): pp \([0-9.]*\) tok\/s, tg \([0-9.]*\) tok\/s, latency \([0-9.]*\) s ([^)]*), \([0-9]*\) bytes\/token$/ours $1 \1 \2 \3 \4 \5/p" \
        "$TMP/out" >>"$RECORDS"
    echo "time ours $1 $WALL $CPU" >>"$RECORDS"
}

initrd=""
if [ -n "${KERNEL_IMAGE:-}" ]; then
    initrd=$TMP/models.cpio
    tools/make_initrd.sh "$initrd" "$MODEL" >&2
fi

for round in $(seq "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then
        run_llama "$round"
        run_ours "$round"
    else
        run_ours "$round"
        run_llama "$round"
    fi
    if [ -n "$initrd" ]; then
        timed "round $round/$ROUNDS: the kernel's llm bench -b under qemu-system-aarch64 -cpu max -smp $THREADS" \
            python3 bench/bench_kernel_llm.py --image "$KERNEL_IMAGE" --initrd "$initrd" --smp "$THREADS" \
            -p "$PP" -n "$TG" --batch "$SIZES" "$NAME"
        sed -n "s/^kernel-batch $NAME [0-9]* /kernel $round /p" "$TMP/out" >>"$RECORDS"
        sed -n "s/^kernel-batch-time $NAME [0-9]* \(.*\)$/time kernel $round \1/p" "$TMP/out" >>"$RECORDS"
    fi
done

echo
python3 - "$RECORDS" <<'EOF'
import sys
from collections import defaultdict

runs = defaultdict(dict)  # (engine, B) -> round -> [pp, tg, latency, bytes per token]
times = defaultdict(list)  # engine -> [(wall, cpu)]
sizes = []
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "time":
        times[f[1]].append((float(f[3]), float(f[4])))
        continue
    engine, rnd, b = f[0], int(f[1]), int(f[2])
    if b not in sizes:
        sizes.append(b)
    runs[engine, b][rnd] = [float(v) for v in f[3:]]
sizes.sort()


def span(values, fmt):
    """min-max of the values ("-" if none)."""
    if not values:
        return "-"
    lo, hi = fmt % min(values), fmt % max(values)
    return lo if lo == hi else f"{lo}-{hi}"


def col(engine, b, i):
    return [r[i] for r in runs.get((engine, b), {}).values()]


def ratio(a, b, i):
    """a's figure over b's, round by round."""
    ra, rb = runs.get(a, {}), runs.get(b, {})
    return [ra[k][i] / rb[k][i] for k in ra if k in rb and rb[k][i]]


engines = [e for e in ("llama", "ours", "kernel") if any((e, b) in runs for b in sizes)]
labels = {"llama": "llama.cpp", "ours": "ours", "kernel": "kernel"}
for title, i, fmt in (("aggregate decode tok/s (B tokens a step)", 1, "%.2f"), ("prefill tok/s (B prompts, one pass)", 0, "%.2f"),
                      ("per-request latency, s (submit to last token)", 2, "%.1f")):
    print(title + ", min-max over rounds; ratios within a round")
    head = ["B"] + [labels[e] for e in engines] + [f"{labels[e]}/llama.cpp" for e in engines if e != "llama"]
    print(("%-3s" + " %12s" * (len(head) - 1)) % tuple(head))
    for b in sizes:
        row = [str(b)] + [span(col(e, b, i), fmt) for e in engines]
        row += [span(ratio((e, b), ("llama", b), i), "%.2f") for e in engines if e != "llama"]
        print(("%-3s" + " %12s" * (len(row) - 1)) % tuple(row))
    print()
print("decode gain over each engine's own batch of 1 (aggregate tok/s, within a round)")
print(("%-3s" + " %12s" * len(engines)) % tuple(["B"] + [labels[e] for e in engines]))
for b in sizes:
    print(("%-3s" + " %12s" * len(engines)) % tuple([str(b)] + [span(ratio((e, b), (e, 1), 1), "%.2f") for e in engines]))
print()
print("weight bytes read per generated token (each decode step reads every matrix once for its B tokens)")
for b in sizes:
    v = col("ours", b, 3)
    if v:
        print("%-3s %8.1f MB" % (b, v[0] / 1e6))
print()
print("seconds per run (all batch sizes, load and warm-up included), min-max: wall and process CPU")
print("%-10s %12s %12s %10s" % ("engine", "wall s", "CPU s", "CPU/wall"))
for e in engines:
    t = times.get(e, [])
    if t:
        print("%-10s %12s %12s %10s" % (labels[e], span([w for w, _ in t], "%.1f"), span([c for _, c in t], "%.1f"),
                                        span([c / w for w, c in t if w], "%.2f")))
EOF
