#!/usr/bin/env bash
# bench/bench_vs_llama.sh LLAMA_BUILD_DIR OUR_BENCH MODEL...: our engine
# against llama.cpp on the same emulated CPU (qemu-aarch64 -cpu max), at one
# and two threads. For each model, llama.cpp's llama-bench (from
# bench/build_llama_bench.sh, -t 1 and -t 2) and our bench-pp-tg (aarch64
# build, -t 1 and -t 2) measure prompt processing of BENCH_PP tokens
# (default 128, one batch from an empty cache) and generation of BENCH_TG
# tokens (default 64, single steps from position 0). With KERNEL_IMAGE set
# (the kernel's Image), also the kernel's own `llm bench` on the same
# models under qemu-system-aarch64 -cpu max -smp 1 and -smp 2
# (bench/bench_kernel_llm.py). Figures, never pass/fail.
#
# BENCH_ROUNDS (default 2; a round of the two default models takes about
# 10 minutes on an idle 2-core host) rounds alternate the engines (which one
# goes first swaps every round) so a busy spell of a shared host slows one
# round rather than one side. Every figure is shown as the min-max over the
# rounds; ratios are taken within a round, from the tok/s each tool reports
# on its own clock.
# Each run's wall and process CPU seconds (bash `time`: user + system, all
# threads) are shown beside them.
set -eu
BENCH_TAG=bench-llama
# shellcheck source=bench/bench_common.sh
. "$(dirname "$0")/bench_common.sh"

if [ $# -lt 3 ]; then
    echo "usage: $0 LLAMA_BUILD_DIR OUR_BENCH MODEL..." >&2
    exit 2
fi
LLAMA_BENCH=$1/llama-bench
OURS=$2
shift 2
PP=${BENCH_PP:-128}
TG=${BENCH_TG:-64}
ROUNDS=${BENCH_ROUNDS:-2}
QEMU="qemu-aarch64 -cpu max"

for f in "$LLAMA_BENCH" "$OURS"; do
    [ -x "$f" ] || { echo "bench-llama: $f is missing (build it first)" >&2; exit 1; }
done
command -v qemu-aarch64 >/dev/null || { echo "bench-llama: qemu-aarch64 is missing (qemu-user)" >&2; exit 1; }

print_host "$QEMU" "-M virt -cpu max -smp 1, -smp 2"
echo "setup:    pp$PP = one batch of $PP tokens from an empty cache, tg$TG = $TG single-token steps from position 0;"
echo "          1 and 2 threads (the kernel: 1 and 2 cores); llama.cpp with its defaults (mmap, weight"
echo "          repacking, flash attention auto, F16 KV); $ROUNDS round(s), the engines alternating within each"
echo

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
LOG=$TMP/stderr
RECORDS=$TMP/records # "ENGINE MODEL THREADS ROUND PP_TOK_S TG_TOK_S WALL_S CPU_S" lines


# One llama-bench run: pp and tg tok/s from its CSV (avg_ts of the row with n_gen 0, then of the row with n_prompt 0).
run_llama() { # run_llama MODEL NAME THREADS ROUND
    # shellcheck disable=SC2086 # QEMU is a command and its flags
    timed "$2, round $4/$ROUNDS: llama.cpp llama-bench -t $3" \
        $QEMU "$LLAMA_BENCH" -m "$1" -p "$PP" -n "$TG" -t "$3" -r 1 -o csv
    local figures
    figures=$(python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
pp = [r["avg_ts"] for r in rows if r["n_gen"] == "0"]
tg = [r["avg_ts"] for r in rows if r["n_prompt"] == "0"]
print(pp[0] if pp else "?", tg[0] if tg else "?")' <"$TMP/out") || {
        echo "bench-llama: cannot read llama-bench output:" >&2
        cat "$TMP/out" >&2
        exit 1
    }
    echo "llama $2 $3 $4 $figures $WALL $CPU" >>"$RECORDS"
}

run_ours() { # run_ours MODEL NAME THREADS ROUND
    # shellcheck disable=SC2086
    timed "$2, round $4/$ROUNDS: ours bench-pp-tg -t $3" $QEMU "$OURS" -t "$3" "$1" -p "$PP" -n "$TG"
    local pp tg
    pp=$(sed -n "s/^pp $PP: \([0-9.]*\) tok\/s$/\1/p" "$TMP/out")
    tg=$(sed -n "s/^tg $TG: \([0-9.]*\) tok\/s$/\1/p" "$TMP/out")
    echo "ours $2 $3 $4 ${pp:-?} ${tg:-?} $WALL $CPU" >>"$RECORDS"
}

initrd=""
if [ -n "${KERNEL_IMAGE:-}" ]; then
    initrd=$TMP/models.cpio
    tools/make_initrd.sh "$initrd" "$@" >&2
fi
names=$(for m in "$@"; do basename "$m" .gguf; done)

for round in $(seq "$ROUNDS"); do
    for model in "$@"; do
        name=$(basename "$model" .gguf)
        for threads in 1 2; do
            if [ $((round % 2)) = 1 ]; then
                run_llama "$model" "$name" "$threads" "$round"
                run_ours "$model" "$name" "$threads" "$round"
            else
                run_ours "$model" "$name" "$threads" "$round"
                run_llama "$model" "$name" "$threads" "$round"
            fi
        done
    done
    if [ -n "$initrd" ]; then
        # shellcheck disable=SC2086 # names is a list
        timed "round $round/$ROUNDS: the kernel's llm bench under qemu-system-aarch64 -cpu max -smp 1, -smp 2" \
            python3 bench/bench_kernel_llm.py --image "$KERNEL_IMAGE" --initrd "$initrd" --smp 1,2 \
            -p "$PP" -n "$TG" $names
        sed -n "s/^kernel \([^ ]*\) \([^ ]*\) /kernel \1 \2 $round /p" "$TMP/out" >>"$RECORDS"
    fi
done

echo
python3 - "$RECORDS" "$PP" "$TG" <<'EOF'
import sys
from collections import defaultdict

path, pp, tg = sys.argv[1], sys.argv[2], sys.argv[3]
runs = defaultdict(dict)  # (engine, model, threads) -> round -> (pp, tg, wall, cpu)
models = []
for line in open(path):
    engine, model, threads, rnd, *vals = line.split()
    if model not in models:
        models.append(model)
    runs[engine, model, int(threads)][int(rnd)] = tuple(float(v) if v != "?" else None for v in vals)


def span(values, fmt):
    """min-max of the values that are known ("-" if none)."""
    v = [x for x in values if x is not None]
    if not v:
        return "-"
    lo, hi = fmt % min(v), fmt % max(v)
    return lo if lo == hi else f"{lo}-{hi}"


def figures(engine, model, threads, col):
    return [r[col] for r in runs.get((engine, model, threads), {}).values()]


def ratios(a, b, col):
    """a's figure over b's, round by round (both from the same round)."""
    ra, rb = runs.get(a, {}), runs.get(b, {})
    return [ra[k][col] / rb[k][col] for k in ra if k in rb and ra[k][col] and rb[k][col]]


tests = ((f"pp{pp}", 0), (f"tg{tg}", 1))
print("tok/s, min-max over rounds; ratios within a round, from the tok/s each tool reports on its own clock")
print("(llama-bench's avg_ts, bench-pp-tg's CLOCK_MONOTONIC, the kernel's generic timer); threads = cores for the kernel")
head = ("model", "test", "thr", "llama.cpp", "ours", "ours/llama.cpp", "kernel", "kernel/ours")
fmt = "%-20s %-6s %3s %12s %12s %15s %12s %12s"
print(fmt % head)
for model in models:
    for test, col in tests:
        for t in (1, 2):
            print(fmt % (model, test, t, span(figures("llama", model, t, col), "%.1f"),
                         span(figures("ours", model, t, col), "%.1f"),
                         span(ratios(("ours", model, t), ("llama", model, t), col), "%.2f"),
                         span(figures("kernel", model, t, col), "%.1f"),
                         span(ratios(("kernel", model, t), ("ours", model, t), col), "%.2f")))
print()
print("speed-up, 2 threads over 1 (within a round)")
fmt = "%-20s %-6s %12s %12s %12s"
print(fmt % ("model", "test", "llama.cpp", "ours", "kernel"))
for model in models:
    for test, col in tests:
        print(fmt % (model, test, *(span(ratios((e, model, 2), (e, model, 1), col), "%.2f")
                                    for e in ("llama", "ours", "kernel"))))
print()
print("seconds per run, min-max: wall and process CPU (user + system, all threads); a hosted run is the whole")
print("process (load, warm-up, pp, tg; llama-bench also warms up with a full pp), the kernel's the `llm bench` command")
fmt = "%-20s %-10s %3s %12s %12s %10s"
print(fmt % ("model", "engine", "thr", "wall s", "CPU s", "CPU/wall"))
for model in models:
    for engine, label in (("llama", "llama.cpp"), ("ours", "ours"), ("kernel", "kernel")):
        for t in (1, 2):
            r = runs.get((engine, model, t), {}).values()
            if r:
                print(fmt % (model, label, t, span([x[2] for x in r], "%.1f"), span([x[3] for x in r], "%.1f"),
                             span([x[3] / x[2] for x in r if x[2]], "%.2f")))
EOF
