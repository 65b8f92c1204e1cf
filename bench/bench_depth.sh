#!/usr/bin/env bash
# bench/bench_depth.sh LLAMA_BUILD_DIR OUR_BENCH MODEL: speed at long
# contexts, ours against llama.cpp on the same emulated CPU (qemu-aarch64
# -cpu max, BENCH_THREADS threads, default 1). Decode: BENCH_TG (default 32)
# single-token steps after D cached positions, D in BENCH_DEPTHS (default
# 0 256 512 1024; llama-bench -d, our bench-pp-tg -d). Prefill: one batch
# of P tokens from an empty cache, P in BENCH_PPS (default 16 64 128 256
# 512). Five engines: llama.cpp with its default F16 cache (llama) and
# with a Q8_0 cache (llama-q8: -ctk q8_0 -ctv q8_0 -fa 1, flash attention
# being what a quantized V cache needs there); ours with the F16 cache and
# exact attention (exact), with a Q8_0 cache and exact attention (q8-exact)
# and with a Q8_0 cache and fast attention (q8-fast); BENCH_ENGINES picks
# some of them (e.g. "llama-q8 q8-fast"). Figures, never
# pass/fail: tok/s as each tool reports it (min-max over BENCH_ROUNDS
# rounds, default 1, the engines alternating), ratios between engines,
# decode at depth D over decode at depth 0 and prefill of P over prefill of
# 64, the share of matrix products, attention and the rest in our runs
# (kv_cache.h's phase times), and each run's wall and process CPU seconds.
set -eu
BENCH_TAG=bench-depth
# shellcheck source=bench/bench_common.sh
. "$(dirname "$0")/bench_common.sh"

if [ $# -ne 3 ]; then
    echo "usage: $0 LLAMA_BUILD_DIR OUR_BENCH MODEL" >&2
    exit 2
fi
LLAMA_BENCH=$1/llama-bench
OURS=$2
MODEL=$3
DEPTHS=${BENCH_DEPTHS:-0 256 512 1024}
PPS=${BENCH_PPS:-16 64 128 256 512}
TG=${BENCH_TG:-32}
THREADS=${BENCH_THREADS:-1}
ROUNDS=${BENCH_ROUNDS:-1}
QEMU="qemu-aarch64 -cpu max"

for f in "$LLAMA_BENCH" "$OURS" "$MODEL"; do
    [ -e "$f" ] || { echo "bench-depth: $f is missing (build or fetch it first)" >&2; exit 1; }
done

print_host "$QEMU" ""
echo "setup:    $(basename "$MODEL"), $THREADS thread(s); tg$TG after D cached positions (D: $DEPTHS),"
echo "          prefill of P tokens from an empty cache (P: $PPS); $ROUNDS round(s)"
echo

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
LOG=$TMP/stderr
RECORDS=$TMP/records # "ENGINE TEST SIZE ROUND TOK_S WALL_S CPU_S" lines

# llama-bench's avg_ts of its one result row.
llama_ts() {
    python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
print(rows[0]["avg_ts"] if rows else "?")' <"$TMP/out"
}

ENGINES=${BENCH_ENGINES:-llama llama-q8 exact q8-exact q8-fast}

# The flags of each engine (after the model and the test's sizes).
engine_flags() {
    case $1 in
    llama) echo "" ;;
    llama-q8) echo "-ctk q8_0 -ctv q8_0 -fa 1" ;;
    exact) echo "--attn exact" ;;
    q8-exact) echo "--attn exact -ctk q8_0 -ctv q8_0" ;;
    q8-fast) echo "--attn fast -ctk q8_0 -ctv q8_0" ;;
    esac
}

run_llama() { # run_llama ENGINE tg|pp SIZE ROUND
    local args
    if [ "$2" = tg ]; then args="-p 0 -n $TG -d $3"; else args="-p $3 -n 0"; fi
    # shellcheck disable=SC2086,SC2046 # QEMU, args and the flags are word lists
    timed "$2 $3, round $4/$ROUNDS: $1" $QEMU "$LLAMA_BENCH" -m "$MODEL" $args $(engine_flags "$1") -t "$THREADS" \
        -r 1 -o csv
    echo "$1 $2 $3 $4 $(llama_ts) $WALL $CPU" >>"$RECORDS"
}

run_ours() { # run_ours ENGINE tg|pp SIZE ROUND
    local args figure phases
    if [ "$2" = tg ]; then args="-p 1 -n $TG -d $3"; else args="-p $3 -n 1"; fi
    # shellcheck disable=SC2086,SC2046
    timed "$2 $3, round $4/$ROUNDS: ours, $1" $QEMU "$OURS" -t "$THREADS" "$MODEL" $args $(engine_flags "$1")
    if [ "$2" = tg ]; then
        figure=$(sed -n "s/^tg $TG: \([0-9.]*\) tok\/s$/\1/p" "$TMP/out")
    else
        figure=$(sed -n "s/^pp $3: \([0-9.]*\) tok\/s$/\1/p" "$TMP/out")
    fi
    phases=$(sed -n "s/^phases $2: matmul \([0-9.]*\)%, attention \([0-9.]*\)%, other \([0-9.]*\)%.*/\1 \2 \3/p" \
        "$TMP/out")
    echo "$1 $2 $3 $4 ${figure:-?} $WALL $CPU ${phases:-? ? ?}" >>"$RECORDS"
}

for round in $(seq "$ROUNDS"); do
    for test in tg pp; do
        if [ $test = tg ]; then sizes=$DEPTHS; else sizes=$PPS; fi
        for size in $sizes; do
            order=$ENGINES
            if [ $((round % 2)) = 0 ]; then order=$(echo "$ENGINES" | tr ' ' '\n' | tac | tr '\n' ' '); fi
            for engine in $order; do
                case $engine in
                llama*) run_llama "$engine" $test "$size" "$round" ;;
                *) run_ours "$engine" $test "$size" "$round" ;;
                esac
            done
        done
    done
done

echo
python3 - "$RECORDS" "$TG" "$ENGINES" <<'EOF'
import sys
from collections import defaultdict

path, tg, engines = sys.argv[1], sys.argv[2], sys.argv[3].split()
runs = defaultdict(dict)  # (engine, test, size) -> round -> (tok_s, wall, cpu[, matmul %, attention %, other %])
sizes = defaultdict(list)
for line in open(path):
    engine, test, size, rnd, *vals = line.split()
    size = int(size)
    if size not in sizes[test]:
        sizes[test].append(size)
    runs[engine, test, size][int(rnd)] = tuple(float(v) if v != "?" else None for v in vals)


def span(values, fmt):
    v = [x for x in values if x is not None]
    if not v:
        return "-"
    lo, hi = fmt % min(v), fmt % max(v)
    return lo if lo == hi else f"{lo}-{hi}"


def ratios(a, b):
    ra, rb = runs.get(a, {}), runs.get(b, {})
    return [ra[k][0] / rb[k][0] for k in ra if k in rb and ra[k][0] and rb[k][0]]


def rows(title, head, cell, width):
    print(title)
    fmt = "%-5s %6s" + f" %{width}s" * len(head)
    print(fmt % ("test", "size", *head))
    for test in ("tg", "pp"):
        for size in sizes[test]:
            print(fmt % (test, f"d{size}" if test == "tg" else size, *(cell(test, size, h) for h in head)))
    print()


rows(f"tok/s (tg: {tg} tokens after d cached positions), min-max over rounds, each tool's own clock", engines,
     lambda t, s, e: span([r[0] for r in runs.get((e, t, s), {}).values()], "%.2f"), 10)
pairs = ["exact/llama", "q8-exact/llama-q8", "q8-fast/llama-q8", "q8-fast/llama", "q8-fast/exact"]
rows("ratios within a round", pairs,
     lambda t, s, p: span(ratios((p.split("/")[0], t, s), (p.split("/")[1], t, s)), "%.2f"), 18)
rows("decode at depth d over decode at depth 0, prefill of P over prefill of 64, same engine", engines,
     lambda t, s, e: span(ratios((e, t, s), (e, t, 0 if t == "tg" else 64)), "%.2f"), 10)
ours = [e for e in engines if not e.startswith("llama")]
rows("our time per phase: matrix products / attention / the rest, % of the timed forwards (one round's)", ours,
     lambda t, s, e: "/".join(span([r[i] for r in runs.get((e, t, s), {}).values() if len(r) == 6], "%.0f")
                              for i in (3, 4, 5)), 12)
rows("seconds per run, wall/CPU (process user + system), min-max; a run includes load and the untimed fill", engines,
     lambda t, s, e: "/".join(span([r[i] for r in runs.get((e, t, s), {}).values()], "%.0f") for i in (1, 2)), 10)
EOF
