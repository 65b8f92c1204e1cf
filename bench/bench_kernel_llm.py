#!/usr/bin/env python3
"""The in-kernel figures of `make bench-llama`: boots the kernel image in
qemu-system-aarch64 -cpu max with an initrd of the models, once per core
count (-smp N, default 1 then 2), and for each model runs `llm load NAME`
then `llm bench -p PP -n TG` (the kernel's llama-bench: one batch of PP
tokens from an empty cache, then TG single-token steps from position 0;
it uses every core). Prints one line per boot and model,
`kernel NAME CORES PP_TOK_S TG_TOK_S WALL_S CPU_S`: the kernel's own
figures (its generic timer), then the wall and QEMU process CPU seconds
(user + system, from /proc) of the `llm bench` command alone. With
--batch B1,B2,... it runs `llm bench -b B1,B2,... -p PP -n TG` instead
(the batched benchmark, llm/llm_bench.h) and prints, per batch size,
`kernel-batch NAME CORES B PP_TOK_S TG_TOK_S LATENCY_S`, then
`kernel-batch-time NAME CORES WALL_S CPU_S` for the whole command. Its
report lines go to stderr. Figures, never pass/fail; every wait has a
deadline.

Usage: bench_kernel_llm.py --image build/Image --initrd FILE.cpio
       [--qemu qemu-system-aarch64] [--smp 1,2] [-p 128] [-n 64] [--batch 1,2,4,8] NAME...
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "boot"))
import boot_test  # noqa: E402  (the QEMU console and its helpers)

LOAD_TIMEOUT_S = 120
BENCH_TIMEOUT_S = 1800
BATCH_REPORT = re.compile(r"batch (\d+): prefill ([0-9.]+) tok/s, decode ([0-9.]+) tok/s, latency ([0-9.]+) s"
                          r".*\((\d+) core\(s\)\)")
REPORT = re.compile(r"prefill \d+ tokens: ([0-9.]+) tok/s; decode \d+ tokens: ([0-9.]+) tok/s \((\d+) core\(s\)\)")


def command(con, line, timeout):
    con.send(line + "\r")
    return con.expect(re.escape(boot_test.PROMPT), timeout)


def cpu_seconds(pid):
    """User + system CPU seconds of process pid so far (all its threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_batch(con, args, name, smp):
    """`llm bench -b` on the loaded model: a kernel-batch line per size, then the command's time."""
    sizes = [int(b) for b in args.batch.split(",")]
    wall, cpu = time.monotonic(), cpu_seconds(con.proc.pid)
    out = command(con, f"llm bench -b {args.batch} -p {args.p} -n {args.n}", BENCH_TIMEOUT_S * len(sizes))
    wall, cpu = time.monotonic() - wall, cpu_seconds(con.proc.pid) - cpu
    found = BATCH_REPORT.findall(out)
    if [int(f[0]) for f in found] != sizes or any(int(f[4]) != smp for f in found):
        raise boot_test.Failure(f"llm bench -b on {name}: not one report per size on {smp} core(s) in:\n{out}")
    for b, pp, tg, lat, _ in found:
        print(f"kernel: {name}: batch {b}: prefill {pp} tok/s, decode {tg} tok/s, latency {lat} s", file=sys.stderr)
        print(f"kernel-batch {name} {smp} {b} {pp} {tg} {lat}", flush=True)
    print(f"kernel-batch-time {name} {smp} {wall:.1f} {cpu:.1f}", flush=True)


def bench_boot(args, smp):
    """One boot on smp cores: every model's `kernel ...` line."""
    con = boot_test.Console(args.qemu, args.image, "virt", ["-initrd", args.initrd], smp=smp)
    try:
        boot_test.boot(con)
        kernels = re.search(r"engine kernels: (\w+)", command(con, "info", 30))
        print(f"kernel: -smp {smp}, engine kernels {kernels.group(1) if kernels else '?'}", file=sys.stderr)
        for name in args.names:
            out = command(con, f"llm load {name}", LOAD_TIMEOUT_S)
            if "error:" in out:
                raise boot_test.Failure(f"llm load {name}:\n{out}")
            if args.batch:
                bench_batch(con, args, name, smp)
                continue
            wall, cpu = time.monotonic(), cpu_seconds(con.proc.pid)
            out = command(con, f"llm bench -p {args.p} -n {args.n}", BENCH_TIMEOUT_S)
            wall, cpu = time.monotonic() - wall, cpu_seconds(con.proc.pid) - cpu
            m = REPORT.search(out)
            if not m:
                raise boot_test.Failure(f"llm bench on {name}: no report in:\n{out}")
            if int(m.group(3)) != smp:
                raise boot_test.Failure(f"llm bench on {name} ran on {m.group(3)} core(s), not {smp}")
            print(f"kernel: {name}: {m.group(0)}, {wall:.1f} s wall, {cpu:.1f} s CPU", file=sys.stderr)
            print(f"kernel {name} {smp} {m.group(1)} {m.group(2)} {wall:.1f} {cpu:.1f}", flush=True)
        boot_test.poweroff(con)
    finally:
        con.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--smp", default="1,2", help="core counts to boot with, comma-separated")
    ap.add_argument("-p", type=int, default=128)
    ap.add_argument("-n", type=int, default=64)
    ap.add_argument("--batch", default="", help="batch sizes for `llm bench -b`, comma-separated")
    ap.add_argument("names", nargs="+")
    args = ap.parse_args()
    try:
        for smp in (int(s) for s in args.smp.split(",")):
            bench_boot(args, smp)
    except boot_test.Failure as e:
        print(f"bench-kernel: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
