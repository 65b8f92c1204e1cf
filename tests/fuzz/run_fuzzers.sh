#!/usr/bin/env bash
# tests/fuzz/run_fuzzers.sh BIN_DIR SECONDS [HARNESS...]: the libFuzzer
# harnesses (tests/fuzz/fuzz_*.c, built in BIN_DIR) in two steps each:
#   1. replay: every input of the committed corpus (tests/fuzz/corpus/NAME)
#      and every crash reproducer (tests/fuzz/crashes/NAME, kept as a
#      regression test once fixed) must run clean;
#   2. fuzz for SECONDS (0: skip), starting from the corpus, new inputs into
#      a scratch corpus under build/ (FUZZ_WORK, default build/fuzz/work),
#      two harnesses at a time (one per core).
# Prints per harness the executions, exec/s, coverage (libFuzzer's cov:
# edges) and crashes, leaks and timeouts found (reproducers saved in
# FUZZ_WORK/NAME/artifacts/); exits 1 if any.
set -u
bin=$1
seconds=$2
shift 2
here=$(dirname "$0")
work=${FUZZ_WORK:-build/fuzz/work}
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//'))
opts=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
fails=0

for n in "${names[@]}"; do
    inputs=("$here/corpus/$n")
    [ -d "$here/crashes/$n" ] && inputs+=("$here/crashes/$n")
    if ! out=$("$bin/fuzz_$n" "${opts[@]}" -runs=0 "${inputs[@]}" 2>&1); then
        echo "fuzz $n: replay of the corpus and reproducers FAILED:"
        echo "$out" | grep -E "ERROR|SUMMARY|runtime error|Test unit written" | head -10
        fails=$((fails + 1))
    else
        echo "fuzz $n: replayed $(find "${inputs[@]}" -type f | wc -l) inputs clean"
    fi
done
[ "$seconds" -gt 0 ] || exit $((fails > 0))

fuzz_one() {
    local n=$1 dir=$work/$1
    rm -rf "$dir" && mkdir -p "$dir/corpus" "$dir/artifacts"
    "$bin/fuzz_$n" "${opts[@]}" -max_total_time="$seconds" -artifact_prefix="$dir/artifacts/" \
        "$dir/corpus" "$here/corpus/$n" > "$dir/log" 2>&1
    local execs rate cov found
    execs=$(grep 'stat::number_of_executed_units:' "$dir/log" | awk '{print $2}')
    rate=$(grep 'stat::average_exec_per_sec:' "$dir/log" | awk '{print $2}')
    cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 | awk '{print $2}')
    found=$(ls "$dir/artifacts" | wc -l)
    printf 'fuzz %-10s %10s executions %8s exec/s  cov %6s  crashes/leaks/timeouts %s\n' \
        "$n" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$found"
    if [ "$found" -gt 0 ] || ! grep -q 'Done [0-9]* runs' "$dir/log"; then
        grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$dir/log" | head -10
        return 1
    fi
}

pids=()
for n in "${names[@]}"; do
    fuzz_one "$n" > "$work.$n.out" 2>&1 &
    pids+=($!)
    if [ ${#pids[@]} -ge 2 ]; then
        wait "${pids[0]}" || fails=$((fails + 1))
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
for n in "${names[@]}"; do cat "$work.$n.out"; rm -f "$work.$n.out"; done
total=$(cat "$work"/*/log 2>/dev/null | grep -o 'stat::number_of_executed_units: [0-9]*' | awk '{s += $2} END {print s + 0}')
echo "fuzz: $total executions in all, $fails harness(es) failed"
exit $((fails > 0))
