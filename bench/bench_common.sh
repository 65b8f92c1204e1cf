# bench/bench_common.sh: what the llama.cpp comparison scripts share
# (sourced by bench_vs_llama.sh and bench_batch.sh, never run): the host
# lines of a report and a timed run. Set BENCH_TAG (the prefix of progress
# lines), TMP (a scratch folder) and LOG (a file for a run's stderr) first.

# print_host QEMU_NOTE KERNEL_NOTE: the date, both QEMUs (the system one when KERNEL_IMAGE is set) and the host CPU.
print_host() {
    local cpu
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "qemu:     $(qemu-aarch64 --version | head -n 1) ($1)"
    if [ -n "${KERNEL_IMAGE:-}" ]; then
        echo "          $(qemu-system-aarch64 --version | head -n 1) (the kernel: $2)"
    fi
    echo "host cpu: ${cpu:-unknown} ($(nproc) cores)"
}

# timed WHAT CMD...: runs CMD with its stdout in $TMP/out and its stderr in the log; WALL and CPU are its seconds.
timed() {
    local what=$1 real user sys
    shift
    echo "$BENCH_TAG: $what..." >&2
    TIMEFORMAT='%R %U %S'
    if ! { time "$@" >"$TMP/out" 2>"$LOG"; } 2>"$TMP/time"; then
        echo "$BENCH_TAG: failed: $*" >&2
        cat "$LOG" >&2
        exit 1
    fi
    read -r real user sys <"$TMP/time"
    WALL=$real
    CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    echo "  ($WALL s wall, $CPU s CPU)" >&2
}
