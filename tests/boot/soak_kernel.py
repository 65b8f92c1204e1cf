#!/usr/bin/env python3
"""The in-kernel soak (make soak; make test runs a short one): boots the
image with the test initrd on 2 cores, then ROUNDS rounds of: load one of
two models (turn about: the 1-layer and the full SmolLM2), one to three
generations with seeded random lengths, temperatures and prompts, a third
of them cut by Ctrl-C after a random delay, then unload. After every
unload `mem` must show the arena's use back at its value before the first
load, and once both models have had a round the high-water mark must not
move. Prints a line per round; every wait has a deadline.

Usage: soak_kernel.py --image build/Image --initrd build/test-initrd.cpio
       [--rounds N] [--seed S] [--qemu qemu-system-aarch64]
"""
import argparse
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boot_test  # noqa: E402
import boot_llm_test as llm  # noqa: E402
from boot_test import Failure, PROMPT  # noqa: E402

MODELS = (llm.SMALL, llm.FULL)
PROMPTS = ("Once upon a time", "The capital of France is", "1, 2, 3,", "def add(a, b):")


def arena(con):
    out = llm.command(con, "mem")
    used = re.search(r"\n  used +(\d+) bytes", out)
    high = re.search(r"\n  high-water +(\d+) bytes", out)
    if not used or not high:
        raise Failure(f"mem shows no arena statistics:\n{out}")
    return int(used.group(1)), int(high.group(1))


def generate(con, rng):
    n = rng.randint(1, 12)
    cmd = f'llm gen -n {n} -t {rng.choice(("0", "0.7", "1.2"))} -s {rng.randint(0, 2**32)} "{rng.choice(PROMPTS)}"'
    if rng.random() < 1 / 3:
        con.send(cmd + "\r")
        time.sleep(rng.uniform(0.0, 0.8))
        con.send(b"\x03")
        out = con.expect(re.escape(PROMPT), llm.FULL_TIMEOUT_S)
        con.settle(quiet_s=0.3)  # a Ctrl-C after the end cancels an empty line: skip its prompt too
        cancelled = True
    else:
        out = llm.command(con, cmd, llm.FULL_TIMEOUT_S)
        cancelled = False
    if "error" in out.split("\n", 1)[-1] and not cancelled:
        raise Failure(f"{cmd} failed:\n{out}")
    return cancelled


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--image", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    con = llm.Console(args.qemu, args.image, "virt", ("-initrd", args.initrd), 2, llm.GUEST_RAM)
    start = time.monotonic()
    try:
        boot_test.boot(con)
        llm.command(con, "llm unload")
        base, _ = arena(con)
        high0 = None
        gens = cancels = 0
        for r in range(args.rounds):
            model = MODELS[r % len(MODELS)]
            out = llm.command(con, f"llm load {model}", llm.FULL_TIMEOUT_S)
            if f"loaded '{model}'" not in out:
                raise Failure(f"round {r}: llm load {model} failed:\n{out}")
            for _ in range(rng.randint(1, 3)):
                cancels += generate(con, rng)
                gens += 1
            llm.command(con, "llm unload")
            used, high = arena(con)
            print(f"round {r}: {model}: arena used after unload {used} bytes (base {base}), high-water {high}",
                  flush=True)
            if used != base:
                raise Failure(f"round {r}: {used} bytes used after unload, {base} before the first load")
            if r + 1 == len(MODELS):
                high0 = high
            elif high0 is not None and high != high0:
                raise Failure(f"round {r}: the high-water mark moved from {high0} to {high} bytes")
        boot_test.poweroff(con)
    except Failure as e:
        print(f"soak-kernel: FAIL: {e}")
        return 1
    finally:
        con.close()
    print(f"soak-kernel: {args.rounds} rounds, {gens} generations ({cancels} cut by Ctrl-C), arena flat at "
          f"{base} bytes after every unload, high-water {high0} ({time.monotonic() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
