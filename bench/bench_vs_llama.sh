#!/usr/bin/env bash
# bench/bench_vs_llama.sh LLAMA_BUILD_DIR OUR_BENCH MODEL...: our engine
# against llama.cpp on the same emulated CPU (qemu-aarch64 -cpu max, one
# thread). For each model, llama.cpp's llama-bench (from
# bench/build_llama_bench.sh) and our bench-pp-tg (aarch64 build) measure
# prompt processing of BENCH_PP tokens (default 128) and generation of
# BENCH_TG tokens (default 64); prints both figures and the ratio
# ours/llama.cpp. With KERNEL_IMAGE set (the kernel's Image), also the
# kernel's own `llm bench` on the same models under qemu-system-aarch64
# -cpu max (bench/bench_kernel_llm.py). Figures, never pass/fail.
# BENCH_ROUNDS (default 3) alternates the two engines that many times per
# model and keeps each one's best figures, so a busy spell of a shared host
# slows one round rather than one side.
set -eu

if [ $# -lt 3 ]; then
    echo "usage: $0 LLAMA_BUILD_DIR OUR_BENCH MODEL..." >&2
    exit 2
fi
LLAMA_BENCH=$1/llama-bench
OURS=$2
shift 2
PP=${BENCH_PP:-128}
TG=${BENCH_TG:-64}
ROUNDS=${BENCH_ROUNDS:-3}
QEMU="qemu-aarch64 -cpu max"

for f in "$LLAMA_BENCH" "$OURS"; do
    [ -x "$f" ] || { echo "bench-llama: $f is missing (build it first)" >&2; exit 1; }
done
command -v qemu-aarch64 >/dev/null || { echo "bench-llama: qemu-aarch64 is missing (qemu-user)" >&2; exit 1; }

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "qemu:     $(qemu-aarch64 --version | head -n 1) ($QEMU)"
echo "host cpu: ${cpu:-unknown} ($(nproc) cores)"
echo "setup:    one thread; pp$PP = one batch of $PP tokens from an empty cache, tg$TG = $TG single-token steps;"
echo "          llama.cpp with its defaults (mmap, weight repacking, flash attention auto, F16 KV);"
echo "          the engines alternate $ROUNDS round(s) per model, best figures of each shown"
echo

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# Runs a command under the timer; its stdout is captured, its stderr goes to the log.
timed() {
    local start=$SECONDS
    if ! "$@" 2>"$LOG"; then
        echo "bench-llama: failed: $*" >&2
        cat "$LOG" >&2
        exit 1
    fi
    echo "  ($((SECONDS - start)) s)" >&2
}

# The kernel's figures first, for all models in one boot: "NAME PP TG" lines.
kernel_rows=""
if [ -n "${KERNEL_IMAGE:-}" ]; then
    initrd=$(mktemp --suffix=.cpio)
    tools/make_initrd.sh "$initrd" "$@" >&2
    names=$(for m in "$@"; do basename "$m" .gguf; done)
    echo "bench-llama: the kernel's llm bench under qemu-system-aarch64 -cpu max..." >&2
    # shellcheck disable=SC2086 # names is a list
    kernel_rows=$(timed python3 bench/bench_kernel_llm.py --image "$KERNEL_IMAGE" --initrd "$initrd" \
        -p "$PP" -n "$TG" $names | sed -n 's/^kernel //p')
    rm -f "$initrd"
fi
kernel_figure() { # kernel_figure NAME pp|tg
    printf '%s\n' "$kernel_rows" | awk -v n="$1" -v t="$2" '$1 == n { print (t == "pp" ? $2 : $3); f = 1 } END { if (!f) print "-" }'
}

# The larger of two figures ("?" if neither is a number).
best() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a !~ /^[0-9.]+$/) a = "?"; if (b !~ /^[0-9.]+$/) b = "?"
        print (a == "?") ? b : (b == "?" || a + 0 >= b + 0) ? a : b }'
}

rows=()
for model in "$@"; do
    name=$(basename "$model" .gguf)
    llama_pp='?' llama_tg='?' ours_pp='?' ours_tg='?'
    for round in $(seq "$ROUNDS"); do
        echo "bench-llama: $name, round $round/$ROUNDS: llama.cpp llama-bench under qemu (slow)..." >&2
        # shellcheck disable=SC2086 # QEMU is a command and its flags
        csv=$(timed $QEMU "$LLAMA_BENCH" -m "$model" -p "$PP" -n "$TG" -t 1 -r 1 -o csv)
        # pp and tg tokens/s from llama-bench's CSV (avg_ts of the row with n_gen 0, then of the row with n_prompt 0).
        llama=$(printf '%s\n' "$csv" | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
pp = [r["avg_ts"] for r in rows if r["n_gen"] == "0"]
tg = [r["avg_ts"] for r in rows if r["n_prompt"] == "0"]
print(pp[0] if pp else "?", tg[0] if tg else "?")') || {
            printf 'bench-llama: cannot read llama-bench output:\n%s\n' "$csv" >&2
            exit 1
        }
        llama_pp=$(best "$llama_pp" "${llama% *}")
        llama_tg=$(best "$llama_tg" "${llama#* }")

        echo "bench-llama: $name, round $round/$ROUNDS: ours (bench-pp-tg) under qemu..." >&2
        # shellcheck disable=SC2086
        out=$(timed $QEMU "$OURS" "$model" -p "$PP" -n "$TG")
        ours_pp=$(best "$ours_pp" "$(printf '%s\n' "$out" | sed -n "s/^pp $PP: \([0-9.]*\) tok\/s$/\1/p")")
        ours_tg=$(best "$ours_tg" "$(printf '%s\n' "$out" | sed -n "s/^tg $TG: \([0-9.]*\) tok\/s$/\1/p")")
    done
    rows+=("$name pp$PP $llama_pp $ours_pp $(kernel_figure "$name" pp)"
        "$name tg$TG $llama_tg $ours_tg $(kernel_figure "$name" tg)")
done

echo
printf '%-28s %-6s %16s %12s %16s %16s\n' model test "llama.cpp tok/s" "ours tok/s" "ours/llama.cpp" \
    "kernel tok/s"
for row in "${rows[@]}"; do
    echo "$row"
done | awk '{
    ratio = ($3 + 0 > 0 && $4 ~ /^[0-9.]+$/) ? sprintf("%.3f", $4 / $3) : "?"
    kernel = $5 ~ /^[0-9.]+$/ ? sprintf("%.2f", $5) : "-"
    printf "%-28s %-6s %16s %12s %16s %16s\n", $1, $2, $3 == "?" ? "?" : sprintf("%.2f", $3), $4 == "?" ? "?" : sprintf("%.2f", $4), ratio, kernel
}'
