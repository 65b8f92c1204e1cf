#!/usr/bin/env bash
# bench/bench_depth.sh LLAMA_BUILD_DIR OUR_BENCH MODEL: speed at long
# contexts, ours against llama.cpp on the same emulated CPU (qemu-aarch64
# -cpu max, BENCH_THREADS threads, default 1). Decode: BENCH_TG (default 32)
# single-token steps after D cached positions, D in BENCH_DEPTHS (default
# 0 256 512 1024; llama-bench -d, our bench-pp-tg -d). Prefill: one batch
# of P tokens from an empty cache, P in BENCH_PPS (default 16 64 128 256
# 512). Ours with exact and with fast attention (--attn). Figures, never
# pass/fail: tok/s as each tool reports it (min-max over BENCH_ROUNDS
# rounds, default 1, the engines alternating), the ratios ours/llama.cpp
# and fast/exact, decode at depth D over decode at depth 0, prefill of P
# over prefill of 64, and each run's wall and process CPU seconds.
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

run_llama() { # run_llama tg|pp SIZE ROUND
    local args
    if [ "$1" = tg ]; then args="-p 0 -n $TG -d $2"; else args="-p $2 -n 0"; fi
    # shellcheck disable=SC2086 # QEMU and args are word lists
    timed "$1 $2, round $3/$ROUNDS: llama.cpp" $QEMU "$LLAMA_BENCH" -m "$MODEL" $args -t "$THREADS" -r 1 -o csv
    echo "llama $1 $2 $3 $(llama_ts) $WALL $CPU" >>"$RECORDS"
}

run_ours() { # run_ours ATTN tg|pp SIZE ROUND
    local args figure
    if [ "$2" = tg ]; then args="-p 1 -n $TG -d $3"; else args="-p $3 -n 1"; fi
    # shellcheck disable=SC2086
    timed "$2 $3, round $4/$ROUNDS: ours, $1 attention" $QEMU "$OURS" -t "$THREADS" "$MODEL" $args --attn "$1"
    if [ "$2" = tg ]; then
        figure=$(sed -n "s/^tg $TG: \([0-9.]*\) tok\/s$/\1/p" "$TMP/out")
    else
        figure=$(sed -n "s/^pp $3: \([0-9.]*\) tok\/s$/\1/p" "$TMP/out")
    fi
    echo "$1 $2 $3 $4 ${figure:-?} $WALL $CPU" >>"$RECORDS"
}

for round in $(seq "$ROUNDS"); do
    for test in tg pp; do
        if [ $test = tg ]; then sizes=$DEPTHS; else sizes=$PPS; fi
        for size in $sizes; do
            if [ $((round % 2)) = 1 ]; then
                run_llama $test "$size" "$round"
                run_ours exact $test "$size" "$round"
                run_ours fast $test "$size" "$round"
            else
                run_ours fast $test "$size" "$round"
                run_ours exact $test "$size" "$round"
                run_llama $test "$size" "$round"
            fi
        done
    done
done

echo
python3 - "$RECORDS" "$TG" <<'EOF'
import sys
from collections import defaultdict

path, tg = sys.argv[1], sys.argv[2]
runs = defaultdict(dict)  # (engine, test, size) -> round -> (tok_s, wall, cpu)
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


print("tok/s, min-max over rounds; ratios within a round (each tool's own clock)")
fmt = "%-5s %6s %11s %11s %11s %13s %13s %11s %11s %11s"
print(fmt % ("test", "size", "llama.cpp", "exact", "fast", "exact/llama", "fast/llama", "fast/exact",
             "exact/base", "fast/base"))
for test, base in (("tg", 0), ("pp", 64)):
    for size in sizes[test]:
        print(fmt % (f"tg{tg}" if test == "tg" else "pp", size if test == "pp" else f"d{size}",
                     *(span([r[0] for r in runs.get((e, test, size), {}).values()], "%.2f")
                       for e in ("llama", "exact", "fast")),
                     span(ratios(("exact", test, size), ("llama", test, size)), "%.2f"),
                     span(ratios(("fast", test, size), ("llama", test, size)), "%.2f"),
                     span(ratios(("fast", test, size), ("exact", test, size)), "%.2f"),
                     span(ratios(("exact", test, size), ("exact", test, base)), "%.2f"),
                     span(ratios(("fast", test, size), ("fast", test, base)), "%.2f")))
print("base: decode at depth D over decode at depth 0, prefill of P over prefill of 64, same attention")
print()
print("seconds per run, min-max: wall and process CPU (user + system); a run includes load and the untimed fill")
fmt = "%-5s %6s %-10s %12s %12s"
print(fmt % ("test", "size", "engine", "wall s", "CPU s"))
for test in ("tg", "pp"):
    for size in sizes[test]:
        for e in ("llama", "exact", "fast"):
            r = runs.get((e, test, size), {}).values()
            if r:
                print(fmt % (test, size, e, span([x[1] for x in r], "%.1f"), span([x[2] for x in r], "%.1f")))
EOF
