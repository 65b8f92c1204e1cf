#!/usr/bin/env python3
"""In-kernel inference boot test: boots the kernel in QEMU with the test
initrd (tests/boot/make_test_initrd.sh) and drives the `llm` command on the serial
console: listing, loading (checksums, corrupt files), greedy generation
compared byte for byte with the hosted llm-run, chat, hot swap, Ctrl-C,
error lines, bench and poweroff, on 2 cores; then again on 4 cores (every
core up, the same greedy text, hot swap, Ctrl-C) and on 1; then boots the
image with a model linked in (EMBED_MODEL) and checks it the same way.
Every wait has a deadline.

Usage: boot_llm_test.py --image build/Image --initrd build/test-initrd.cpio
       [--embed-image build/embed/Image] --llm-run build/host/tools/llm-run
       --models test_models [--qemu qemu-system-aarch64]
"""
import argparse
import codecs
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boot_test  # noqa: E402  (the Console and the require/forbid/boot helpers)
from boot_test import Failure, require, forbid, PROMPT  # noqa: E402

FULL = "smollm2-135m-q4_0"
SMALL = "smollm2-135m-q8_0-L1"
GEMMA = "gemma-3-270m-q4_k_m"  # a second model family (253 MB: the guest gets GUEST_RAM)
GUEST_RAM = "2G"
# Per-step deadlines. Under TCG (-cpu max) the NEON engine runs the full model
# at about 3 tokens/s; the deadlines are those of the scalar engine (about
# 0.5 token/s, the 1-layer model about 3), so a SIMD=off image passes too and
# CI machines may be twice as slow.
FULL_TIMEOUT_S = 600
SMALL_TIMEOUT_S = 120
CMD_TIMEOUT_S = 30
GREEDY_PROMPT = "The capital of France is"
LONG_PROMPT = "one two three four five six seven eight nine ten eleven"


class Console(boot_test.Console):
    """boot_test's Console, decoding UTF-8 incrementally: generated text
    streams piece by piece, and a character split across two reads must not
    turn into replacement characters."""

    def _read(self):
        dec = codecs.getincrementaldecoder("utf-8")("replace")
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            text = dec.decode(chunk, final=not chunk).replace("\r", "")
            with self.lock:
                self.out += text
            if not chunk:
                return


class Aborted(Exception):
    pass


def resync(con):
    """After a failed step: Ctrl-C (ends a generation, a chat or a line), then
    the shell must answer again for the session to go on."""
    try:
        if con.proc.poll() is not None:
            raise Failure(f"QEMU exited with status {con.proc.returncode}")
        for _ in range(3):  # a chat reply, then the chat, then the line
            con.send(b"\x03")
            con.expect(r"(kernel|you)> ", FULL_TIMEOUT_S)
            con.settle(quiet_s=1)
            with con.lock:
                if con.out.endswith(PROMPT):
                    break
        require(command(con, "uptime"), r"up \d+\.\d{6} s")
    except (Failure, OSError) as e:
        raise Aborted(e)


def command(con, line, timeout=CMD_TIMEOUT_S):
    """Types line + Enter; returns its output (echo included) up to the next prompt."""
    con.send(line + "\r")
    return con.expect(re.escape(PROMPT), timeout)


def error_line(out, *patterns):
    """out (a command's output) holds exactly one error line, right after the echo, matching patterns."""
    lines = out.split("\n")[1:]
    errors = [ln for ln in lines if ln.startswith("error:")]
    if len(errors) != 1 or not lines[0].startswith("error:"):
        raise Failure(f"expected one error line right after the command, got:\n{out}")
    require(errors[0], *patterns)
    return errors[0]


def generated_text(out):
    """The text a gen command streamed: after its echoed line, before the statistics line."""
    echo_end = out.find("\n")
    stats = out.find("\n[prompt ", echo_end)
    if echo_end < 0 or stats < 0:
        raise Failure(f"no statistics line in:\n{out}")
    return out[echo_end + 1:stats]


def hosted(llm_run, model, prompt, n, extra=()):
    """llm-run's greedy text (stdout, less the newline it ends with) and its statistics (stderr)."""
    cmd = [llm_run, "-m", model, "-p", prompt, "-n", str(n), "--temp", "0", *extra]
    p = subprocess.run(cmd, capture_output=True, timeout=300)
    if p.returncode != 0:
        raise Failure(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.decode(errors='replace')}")
    text = p.stdout.decode()
    if not text.endswith("\n"):
        raise Failure(f"llm-run's output does not end with its newline: {text!r}")
    return text[:-1], p.stderr.decode()


def check_greedy(con, n, want, timeout, flags=""):
    out = command(con, f'llm gen -n {n} -t 0 {flags}"{GREEDY_PROMPT}"', timeout)
    got = generated_text(out)
    if got != want:
        raise Failure(f"in-kernel greedy text differs from llm-run's:\n  kernel:  {got!r}\n  llm-run: {want!r}")
    require(out, r"\[prompt 5 tokens \(\d+ reused\), generated %d, stop: max tokens;" % n)
    return out


def mem_used(con):
    out = command(con, "mem")
    m = re.search(r"\n  used +(\d+) bytes", out)
    if not m:
        raise Failure(f"mem shows no arena use:\n{out}")
    return int(m.group(1))


def ctrl_c(con):
    con.send('llm gen -n 400 "Once upon a time"\r')
    con.expect(r'"Once upon a time"\n', CMD_TIMEOUT_S)
    start = con.seen
    deadline = time.monotonic() + SMALL_TIMEOUT_S
    while True:
        with con.lock:
            n = len(con.out) - start
        if n >= 20:
            break
        if time.monotonic() > deadline:
            raise Failure(f"no 20 characters of generated text within {SMALL_TIMEOUT_S} s:\n{con.out[start:]}")
        time.sleep(0.05)
    con.send(b"\x03")
    out = con.expect(re.escape(PROMPT), SMALL_TIMEOUT_S)
    m = re.search(r"\[prompt \d+ tokens \(\d+ reused\), generated (\d+), stop: cancelled;", out)
    if not m:
        raise Failure(f"no 'stop: cancelled' statistics after Ctrl-C:\n{out}")
    if int(m.group(1)) >= 400:
        raise Failure(f"Ctrl-C did not stop the generation early:\n{out}")
    require(command(con, "llm info"), rf"model +{SMALL} ")


def session_initrd(con, step, args):
    models = args.models
    full_path, small_path = (os.path.join(models, m + ".gguf") for m in (FULL, SMALL))

    def banner():
        require(boot_test.boot(con), r"llm-kernel: 2 CPU\(s\), 2 online", r"llm-kernel: 5 model\(s\)")
    step("boots on 2 cores and finds 5 models in the initrd", banner)

    def models_list():
        out = command(con, "llm models")
        require(out, r"\n +NAME +SIZE +ARCH +TYPE +CHECKSUM\n",
                rf"\n  [ *] {FULL} +\d+ KiB +llama +Q4_0 +sha256\n",
                rf"\n  [ *] {SMALL} +\d+ KiB +llama +Q8_0 +sha256\n",
                rf"\n  [ *] {GEMMA} +\d+ KiB +gemma3 +Q4_K_M +sha256\n",
                r"\n  [ *] badsum +1024 KiB .* sha256\n",
                r"\n  [ *] corrupt +292 KiB .* -\n      unreadable: gguf: ")
    step("llm models lists the five with size, type, checksum; corrupt is unreadable", models_list)

    step("llm gen before any load: no model loaded",
         lambda: error_line(command(con, 'llm gen "x"'), r"^error: no model loaded"))

    def load_full():
        out = command(con, f"llm load {FULL}", FULL_TIMEOUT_S)
        require(out, rf"\nloaded '{FULL}' in \d+ ms \(checksum verified\): \d+-token context")
        out = command(con, "llm info")
        require(out, rf"model +{FULL} ", r"\nlayers +30\n", r"\nembedding +576\n", r"\nheads +9\n",
                r"\nKV heads +3\n", r"\nvocabulary +49152\n", r"\nfile type +Q4_0\n", r"\nchat +chatml\n")
        require(command(con, "llm models"), rf"\n  \* {FULL} ")
    step(f"llm load {FULL} verifies the checksum; llm info shows its shape", load_full)

    want_full, _ = hosted(args.llm_run, full_path, GREEDY_PROMPT, 16)
    step("greedy 16 tokens with the full model equal llm-run's, byte for byte",
         lambda: check_greedy(con, 16, want_full, FULL_TIMEOUT_S))

    def q8_cache():
        want, _ = hosted(args.llm_run, full_path, GREEDY_PROMPT, 8, ("-ctk", "q8_0", "-ctv", "q8_0", "--attn", "fast"))
        check_greedy(con, 8, want, FULL_TIMEOUT_S, "-q q8_0 -a fast ")
        require(command(con, "llm info"), r"\nKV cache +keys Q8_0, values Q8_0: 12240 bytes per position \(f16 23040,")
        error_line(command(con, 'llm gen -q q6_k "x"'), r"^error: bad value 'q6_k' for -q")
    step("a Q8_0 cache with fast attention (-q q8_0 -a fast): greedy text equals llm-run -ctk/-ctv q8_0's; "
         "llm info shows its bytes per position", q8_cache)

    def chat():
        con.send("llm chat -n 12\r")
        require(con.expect(r"\nyou> ", CMD_TIMEOUT_S), rf"chat with '{FULL}' \(chatml template\)")
        con.send("What is 2+2?\r")
        con.expect(r"What is 2\+2\?\n", CMD_TIMEOUT_S)
        reply = con.expect(r"\n\[prompt [^\n]*\]\n", FULL_TIMEOUT_S)
        require(reply, r"generated \d+, stop: (max tokens|eos)")
        if "4" not in reply[:reply.rfind("\n[prompt ")]:
            raise Failure(f"the reply to 'What is 2+2?' has no 4:\n{reply}")
        con.expect(re.escape("you> "), CMD_TIMEOUT_S)
        out = command(con, "/exit")
        forbid(out, r"error")
        require(command(con, "uptime"), r"up \d+\.\d{6} s")
    step("llm chat answers 'What is 2+2?' with a 4; /exit returns to the shell", chat)

    def hot_swap():
        used_full = mem_used(con)
        out = command(con, f"llm load {SMALL}", SMALL_TIMEOUT_S)
        require(out, rf"\nloaded '{SMALL}' in \d+ ms \(checksum verified\)")
        used_small = mem_used(con)
        if not used_small < used_full:
            raise Failure(f"arena use with {SMALL} ({used_small} bytes) is not below the full model's "
                          f"({used_full} bytes): the old model was not freed")
        require(command(con, "llm info"), rf"model +{SMALL} ", r"\nlayers +1\n")
    step("hot swap to the 1-layer model frees the full model's memory", hot_swap)

    step("Ctrl-C cancels a generation (stop: cancelled) and the shell stays usable", lambda: ctrl_c(con))

    def errors():
        def still_answers():
            require(command(con, "uptime"), r"up \d+\.\d{6} s")
        error_line(command(con, "llm load corrupt", SMALL_TIMEOUT_S), r"^error: cannot load 'corrupt': .*gguf")
        still_answers()
        error_line(command(con, "llm load badsum", SMALL_TIMEOUT_S), r"^error: .*SHA-256 mismatch")
        still_answers()
        # A load unloads the loaded model first, so a failed one leaves none.
        error_line(command(con, "llm info"), r"^error: no model loaded")
        require(command(con, f"llm verify {SMALL}", SMALL_TIMEOUT_S), rf"\n{SMALL}: SHA-256 matches\n")
        error_line(command(con, "llm load nosuch"), r"^error: no model named 'nosuch'")
        out = command(con, f"llm load {SMALL}", SMALL_TIMEOUT_S)
        require(out, rf"\nloaded '{SMALL}' in \d+ ms \(checksum verified\)")
        error_line(command(con, 'llm gen -n abc "x"'), r"^error: bad value 'abc' for -n")
        error_line(command(con, "llm gen -t"), r"^error: flag -t needs a value")
        _, stats = hosted(args.llm_run, small_path, LONG_PROMPT, 1)
        n_long = int(re.search(r"\[prompt (\d+) tokens", stats).group(1))
        error_line(command(con, f'llm gen -c 8 "{LONG_PROMPT}"', SMALL_TIMEOUT_S),
                   rf"^error: prompt is {n_long} tokens, the context holds 8$")
        error_line(command(con, "llm bogus"), r"^error: unknown subcommand 'bogus'")
        still_answers()
        require(command(con, "llm info"), rf"model +{SMALL} ", r"\nlayers +1\n")
    step("bad loads, bad flags, a too-long prompt, an unknown subcommand: one error line each", errors)

    def bench():
        out = command(con, "llm bench -p 8 -n 4", SMALL_TIMEOUT_S)
        require(out, r"prefill 8 tokens: \d+\.\d+ tok/s; decode 4 tokens: \d+\.\d+ tok/s")
        out = command(con, "llm bench -b 1,3 -p 8 -n 4", SMALL_TIMEOUT_S)
        for b in (1, 3):
            require(out, rf"\nbatch {b}: prefill \d+\.\d+ tok/s, decode \d+\.\d+ tok/s, latency \d+\.\d+ s "
                         rf"\(\d+\.\d+-\d+\.\d+\), \d+ weight bytes/token \(\d+ core\(s\)\)\n")
        error_line(command(con, "llm bench -b 1,x"), r"^error: usage: llm bench ")
        error_line(command(con, "llm bench -b 1 -n 1"), r"^error: usage: llm bench ")
    step("llm bench: prefill and decode speed, and batched (-b), bad sizes refused", bench)

    def batch():
        prompts = ["The capital of France is", "Once upon a time", "In the year 2050,"]
        alone = [generated_text(command(con, f'llm gen -n 8 -t 0 "{p}"', SMALL_TIMEOUT_S)) for p in prompts]
        out = command(con, "llm batch -n 8 -t 0 " + " ".join(f'"{p}"' for p in prompts), SMALL_TIMEOUT_S)
        require(out, r"\n\[batch of 3: \d+ tokens generated in \d+ ms, \d+\.\d+ tok/s together\]\n")
        for k, (p, want) in enumerate(zip(prompts, alone)):
            m = re.search(r"\n--- %d: %s\n(.*?)\n\[job \d+ done, stop: max tokens: prompt \d+ tokens \(\d+ shared\), "
                          r"generated 8, " % (k + 1, re.escape(p)), out, re.S)
            if not m:
                raise Failure(f"no text of batch prompt {k + 1} in:\n{out}")
            if m.group(1) != want:
                raise Failure(f"batch text of {p!r} differs from llm gen's:\n  batch: {m.group(1)!r}\n  gen:   {want!r}")
        con.send('llm batch -n 400 -t 0 "Once upon a time" "In the year 2050,"\r')
        con.expect(r'"In the year 2050,"\n', CMD_TIMEOUT_S)
        time.sleep(1.0)
        con.send(b"\x03")
        out = con.expect(re.escape(PROMPT), SMALL_TIMEOUT_S)
        stops = re.findall(r"\[job \d+ done, stop: cancelled: prompt \d+ tokens \(\d+ shared\), generated (\d+), ", out)
        if len(stops) != 2 or any(int(g) >= 400 for g in stops) or "^C" not in out:
            raise Failure(f"Ctrl-C did not cancel both batch jobs early:\n{out}")
        require(command(con, "llm stats"), r"\njobs: +0 queued, 0 running")
    step("llm batch with three prompts gives each llm gen's text; Ctrl-C cancels a batch", batch)

    def jobs():
        out = command(con, 'llm submit -n 400 -t 0 "Once upon a time"')
        m = re.search(r"\njob (\d+) queued\n", out)
        if not m:
            raise Failure(f"no job id in:\n{out}")
        job = m.group(1)
        require(command(con, "help"), r"\n  llm ")  # the shell answers while the job runs
        require(command(con, "llm jobs"), rf"\n{job} +(queued|running) ")
        require(command(con, "llm stats"), r"\njobs: +\d+ queued, 1 running", r"\nkv: +\d+ blocks used")
        require(command(con, f"llm cancel {job}"), rf"\njob {job} cancelled\n")
        require(command(con, f"llm out {job}"), rf"\[job {job} done, stop: cancelled: ")
        error_line(command(con, f"llm cancel {job}"), rf"^error: scheduler: request {job} is done")
        error_line(command(con, "llm out 999"), r"^error: scheduler: no request 999")
        out = command(con, 'llm submit -n 5 -t 0 "In the year 2050,"')
        job = re.search(r"\njob (\d+) queued\n", out).group(1)
        require(command(con, f"llm wait {job}", SMALL_TIMEOUT_S), rf"\[job {job} done, stop: max tokens: .*generated 5,")
        require(command(con, "llm stats"), r"\njobs: +0 queued, 0 running")
    step("background jobs: submit, the shell answers, jobs, stats, cancel, out, wait", jobs)

    def gemma():
        out = command(con, f"llm load {GEMMA}", FULL_TIMEOUT_S)
        require(out, rf"\nloaded '{GEMMA}' in \d+ ms \(checksum verified\): \d+-token context")
        require(command(con, "llm info"), rf"model +{GEMMA} ", r"\narchitecture +gemma3\n", r"\nlayers +18\n",
                r"\nembedding +640\n", r"\nheads +4\n", r"\nKV heads +1\n", r"\nhead size +256\n",
                r"\nvocabulary +262144\n", r"\nfile type +Q4_K_M\n", r"\nchat +gemma\n",
                r"\nfamily +rope neox base 1000000, window 512 on 15 of 18 layers \(base 10000\), ffn gelu, "
                r"qk-norm, post-norms, embd x sqrt\(640\), head 256, query scale 0\.062500, tied output\n")
        want, _ = hosted(args.llm_run, os.path.join(models, GEMMA + ".gguf"), GREEDY_PROMPT, 8)
        out = command(con, f'llm gen -n 8 -t 0 "{GREEDY_PROMPT}"', FULL_TIMEOUT_S)
        got = generated_text(out)
        if got != want:
            raise Failure(f"in-kernel Gemma greedy text differs from llm-run's:\n  kernel:  {got!r}\n  llm-run: {want!r}")
        require(out, r"\[prompt 6 tokens \(\d+ reused\), generated 8, stop: max tokens;")
    step(f"llm load {GEMMA} (a second family): llm info shows its pieces, greedy text equals llm-run's", gemma)

    step("poweroff exits QEMU with status 0", lambda: boot_test.poweroff(con))


def session_cores(n):
    """A session on n cores: all online, greedy text as llm-run's (the full
    model on several cores, the small one on one), hot swap and Ctrl-C."""
    def session(con, step, args):
        full_path, small_path = (os.path.join(args.models, m + ".gguf") for m in (FULL, SMALL))
        step(f"boots with {n} of {n} core(s) online", lambda: require(
            boot_test.boot(con), rf"llm-kernel: {n} CPU\(s\), {n} online"))
        if n > 1:
            step(f"the parallel-for check passes on {n} cores", lambda: boot_test.check_cores(con, n, 1000))
            step(f"llm load {FULL}", lambda: require(command(con, f"llm load {FULL}", FULL_TIMEOUT_S),
                                                   rf"\nloaded '{FULL}' in \d+ ms \(checksum verified\)"))
            want_full, _ = hosted(args.llm_run, full_path, GREEDY_PROMPT, 16)
            step(f"greedy 16 tokens on {n} cores equal llm-run's",
                 lambda: check_greedy(con, 16, want_full, FULL_TIMEOUT_S))
        step(f"llm load {SMALL}" + (" (hot swap)" if n > 1 else ""), lambda: require(
            command(con, f"llm load {SMALL}", SMALL_TIMEOUT_S), rf"\nloaded '{SMALL}' in \d+ ms"))
        want_small, _ = hosted(args.llm_run, small_path, GREEDY_PROMPT, 8)
        step(f"greedy 8 tokens with {SMALL} on {n} core(s) equal llm-run's",
             lambda: check_greedy(con, 8, want_small, SMALL_TIMEOUT_S))
        step(f"Ctrl-C cancels a generation on {n} core(s)", lambda: ctrl_c(con))
        step("poweroff exits QEMU with status 0", lambda: boot_test.poweroff(con))
    return session


def session_embedded(con, step, args):
    small_path = os.path.join(args.models, SMALL + ".gguf")

    def banner():
        require(boot_test.boot(con), r"llm-kernel: 1 model\(s\)")
    step("boots with 1 model linked in", banner)

    step("llm models shows 'embedded'", lambda: require(
        command(con, "llm models"), r"\n  [ *] embedded +\d+ KiB +llama +Q8_0 +-\n"))
    step("llm load embedded", lambda: require(
        command(con, "llm load embedded", SMALL_TIMEOUT_S), r"\nloaded 'embedded' in \d+ ms: \d+-token context"))
    want, _ = hosted(args.llm_run, small_path, GREEDY_PROMPT, 8)
    step("greedy 8 tokens with the embedded model equal llm-run's",
         lambda: check_greedy(con, 8, want, SMALL_TIMEOUT_S))
    step("poweroff exits QEMU with status 0", lambda: boot_test.poweroff(con))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--image", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--embed-image")
    ap.add_argument("--llm-run", required=True)
    ap.add_argument("--models", required=True)
    args = ap.parse_args()

    initrd = ["-initrd", args.initrd]
    sessions = [("initrd", args.image, initrd, 2, session_initrd),
                ("4 cores", args.image, initrd, 4, session_cores(4)),
                ("1 core", args.image, initrd, 1, session_cores(1))]
    if args.embed_image:
        sessions.append(("embedded", args.embed_image, [], 2, session_embedded))
    else:
        print("  note  no --embed-image given: the embedded-model session is skipped", flush=True)

    counts = {"passed": 0, "failed": 0}
    t_all = time.monotonic()
    for name, image, extra, smp, session in sessions:
        con = Console(args.qemu, image, "virt", extra, smp, GUEST_RAM)
        start = time.monotonic()

        def step(check, fn, name=name, con=con):
            t0 = time.monotonic()
            try:
                fn()
            except (Failure, subprocess.TimeoutExpired) as e:
                print(f"  FAIL  {name}: {check} ({time.monotonic() - t0:.1f} s): {e}", flush=True)
                counts["failed"] += 1
                resync(con)  # raises Aborted if the shell is gone
                return
            print(f"  ok    {name}: {check} ({time.monotonic() - t0:.1f} s)", flush=True)
            counts["passed"] += 1
        try:
            session(con, step, args)
        except Aborted as e:
            print(f"  FAIL  {name}: the shell does not answer after that failure, the rest of the session "
                  f"is skipped: {e}", flush=True)
            counts["failed"] += 1
        except (Failure, subprocess.TimeoutExpired) as e:  # the hosted reference run failed
            print(f"  FAIL  {name}: {e}", flush=True)
            counts["failed"] += 1
        finally:
            con.close()
        print(f"  ({name} session: {time.monotonic() - start:.1f} s)", flush=True)
    print(f"boot-llm-test: {counts['passed']} passed, {counts['failed']} failed "
          f"({time.monotonic() - t_all:.1f} s)")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
