#!/usr/bin/env python3
"""The in-kernel figures of `make bench-llama`: boots the kernel image in
qemu-system-aarch64 -cpu max with an initrd of the models, and for each
runs `llm load NAME` then `llm bench -p PP -n TG` (one batched prefill of PP
tokens, then TG greedy steps; the kernel runs one core). Prints one line per
model, `kernel NAME PP_TOK_S TG_TOK_S`, for bench/bench_vs_llama.sh to put
beside the hosted figures, and the kernel's own report lines on stderr.
Figures, never pass/fail; every wait has a deadline.

Usage: bench_kernel_llm.py --image build/Image --initrd FILE.cpio
       [--qemu qemu-system-aarch64] [-p 128] [-n 64] NAME...
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "boot"))
import boot_test  # noqa: E402  (the QEMU console and its helpers)

LOAD_TIMEOUT_S = 120
BENCH_TIMEOUT_S = 1800
REPORT = re.compile(r"prefill (\d+) tokens: ([0-9.]+) tok/s; decode (\d+) tokens: ([0-9.]+) tok/s")


def command(con, line, timeout):
    con.send(line + "\r")
    return con.expect(re.escape(boot_test.PROMPT), timeout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("-p", type=int, default=128)
    ap.add_argument("-n", type=int, default=64)
    ap.add_argument("names", nargs="+")
    args = ap.parse_args()
    con = boot_test.Console(args.qemu, args.image, "virt", ["-initrd", args.initrd])
    status = 0
    try:
        boot_test.boot(con)
        kernels = re.search(r"engine kernels: (\w+)", command(con, "info", 30))
        print(f"kernel: engine kernels {kernels.group(1) if kernels else '?'}", file=sys.stderr)
        for name in args.names:
            out = command(con, f"llm load {name}", LOAD_TIMEOUT_S)
            if "error:" in out:
                raise boot_test.Failure(f"llm load {name}:\n{out}")
            out = command(con, f"llm bench -p {args.p} -n {args.n}", BENCH_TIMEOUT_S)
            m = REPORT.search(out)
            if not m:
                raise boot_test.Failure(f"llm bench on {name}: no report in:\n{out}")
            print(f"kernel: {name}: {m.group(0)}", file=sys.stderr)
            print(f"kernel {name} {m.group(2)} {m.group(4)}")
        boot_test.poweroff(con)
    except boot_test.Failure as e:
        print(f"bench-kernel: {e}", file=sys.stderr)
        status = 1
    finally:
        if con.proc.poll() is None:
            con.proc.kill()
    return status


if __name__ == "__main__":
    sys.exit(main())
