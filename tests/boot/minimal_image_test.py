#!/usr/bin/env python3
"""Integration-contract boot test: boots the minimal image (examples/minimal/:
the engine library, a model linked in and a few dozen lines of a kernel
developer's own code, nothing of our kernel) in QEMU and requires the text it
streams between its marker lines to equal, byte for byte, the greedy
continuation the hosted llm-run prints for the same model, prompt and token
count. Fails when the image faults, reports an engine error, hangs (QEMU is
killed at the deadline) or does not power off with status 0.

The image's prompt and token count are fixed in examples/minimal/main.c;
--prompt and -n are llm-run's and must match them (a different one must fail;
the image echoes its prompt and count, which must be --prompt and -n, since
the small model gives some prompts the same text).

Usage: minimal_image_test.py --image build/minimal/minimal.elf
       --llm-run build/host/tools/llm-run --model test_models/smollm2-135m-q8_0-L1.gguf
       [--prompt "Once upon a time"] [-n 32] [--qemu qemu-system-aarch64] [--timeout 300]
"""
import argparse
import re
import subprocess
import sys
import time

# Under TCG (-cpu max) the image runs the 1-layer model at ~20 tokens/s with the NEON
# kernels and boots in a second; the deadline is a slow CI machine's with the scalar ones.
TIMEOUT_S = 300
TEXT_BEGIN = re.compile(rb"--- text ---\r?\n")
TEXT_END = re.compile(rb"\r?\n--- end ---\r?\n")
LEVEL_LINE = re.compile(rb"\nkernels: (scalar|neon|dotprod|i8mm)\b[^\r\n]*")
PROMPT_LINE = re.compile(rb'prompt: "(.*)", (\d+) tokens\r?\n')


class Failure(Exception):
    pass


def hosted(llm_run, model, prompt, n):
    """llm-run's greedy text as bytes (stdout, less the newline it ends with) and its wall time."""
    cmd = [llm_run, "-m", model, "-p", prompt, "-n", str(n), "--temp", "0"]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S)
    if p.returncode != 0:
        raise Failure(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.decode(errors='replace')}")
    if not p.stdout.endswith(b"\n"):
        raise Failure(f"llm-run's output does not end with its newline: {p.stdout!r}")
    return p.stdout[:-1], time.monotonic() - t0


def boot(qemu, image, timeout):
    """Runs the image to its power-off; returns the serial output (bytes) and the wall time."""
    cmd = [qemu, "-M", "virt", "-cpu", "max", "-m", "512M", "-display", "none", "-monitor", "none",
           "-nic", "none", "-serial", "stdio", "-kernel", image]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        raise Failure(f"QEMU did not power off within {timeout} s (killed); output:\n"
                      f"{out[-3000:].decode(errors='replace')}")
    elapsed = time.monotonic() - t0
    shown = out.decode(errors="replace")
    if proc.returncode != 0:
        raise Failure(f"QEMU exited with status {proc.returncode}; output:\n{shown}")
    for bad in (rb"\nexception: ", rb"\nerror: "):
        if re.search(bad, b"\n" + out):
            raise Failure(f"the image reports a failure:\n{shown}")
    return out, elapsed


def generated_text(out):
    """The bytes between the image's two marker lines, and its kernel-level line."""
    begin = TEXT_BEGIN.search(out)
    end = TEXT_END.search(out, begin.end()) if begin else None
    if not begin or not end:
        raise Failure(f"no '--- text ---' ... '--- end ---' lines in the output:\n{out.decode(errors='replace')}")
    level = LEVEL_LINE.search(out, end.start())
    if not level:
        raise Failure(f"no 'kernels: LEVEL' line after the text:\n{out.decode(errors='replace')}")
    return out[begin.end():end.start()], level.group(0).strip().decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--image", required=True)
    ap.add_argument("--llm-run", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompt", default="Once upon a time")
    ap.add_argument("-n", type=int, default=32)
    ap.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds QEMU may run")
    args = ap.parse_args()

    try:
        want, t_host = hosted(args.llm_run, args.model, args.prompt, args.n)
        out, t_boot = boot(args.qemu, args.image, args.timeout)
        got, level = generated_text(out)
        m = PROMPT_LINE.search(out)
        image_run = (m.group(1).decode(errors="replace"), int(m.group(2))) if m else None
        other_run = image_run != (args.prompt, args.n)
        note = (f"\n  (the image's prompt and tokens are {image_run}, llm-run's {(args.prompt, args.n)})"
                if other_run else "")
        if got != want:
            n = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
            raise Failure(f"the image's text differs from llm-run's at byte {n}:\n"
                          f"  image:   {got!r} ({len(got)} bytes)\n  llm-run: {want!r} ({len(want)} bytes){note}")
        # A small model repeats itself: two prompts may give the same text. The texts count only for one prompt.
        if other_run:
            raise Failure(f"the texts agree, but the runs do not: {note.strip()}")
    except (Failure, subprocess.TimeoutExpired) as e:
        print(f"  FAIL  minimal image: {e}", flush=True)
        return 1
    print(f"  ok    minimal image: {args.n}-token greedy text of {args.prompt!r} equals llm-run's byte for byte "
          f"({len(got)} bytes): {got.decode(errors='replace')!r}")
    print(f"        {level}")
    print(f"minimal-image-test: ok (QEMU boot to power-off {t_boot:.1f} s, llm-run {t_host:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
