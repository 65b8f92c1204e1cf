#!/usr/bin/env python3
"""Boot test: boots the kernel image in QEMU, types scripted sessions on the
serial console and checks what comes back. Fails when the kernel faults,
hangs (every wait has a deadline) or prints the wrong thing, or when QEMU
does not exit 0 after `poweroff`.

Usage: boot_test.py --image build/Image [--qemu qemu-system-aarch64]
"""
import argparse
import os
import random
import re
import struct
import subprocess
import sys
import threading
import time

PROMPT = "kernel> "
STEP_TIMEOUT_S = 30
EXIT_TIMEOUT_S = 30


class Failure(Exception):
    pass


class Console:
    """A QEMU process whose serial port is our stdin/stdout pipes."""

    def __init__(self, qemu, image, machine, extra=(), smp=2, ram="1G"):
        cmd = [qemu, "-M", machine, "-cpu", "max", "-m", ram, "-smp", str(smp),
               "-display", "none", "-monitor", "none", "-nic", "none",
               "-serial", "stdio", "-kernel", image, *extra]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.out = ""
        self.seen = 0  # output before this index has been matched already
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                return
            with self.lock:
                self.out += chunk.decode("utf-8", "replace").replace("\r", "")

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def expect(self, pattern, timeout=STEP_TIMEOUT_S):
        """Waits for pattern after what was already matched; returns the text up to and including it."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while time.monotonic() < deadline:
            with self.lock:
                m = rx.search(self.out, self.seen)
                if m:
                    text = self.out[self.seen:m.end()]
                    self.seen = m.end()
                    return text
            if self.proc.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.02)
        tail = self.out[self.seen:][-1500:]
        raise Failure(f"did not see /{pattern}/ within {timeout} s; output after the last match:\n{tail}")

    def settle(self, quiet_s=0.5, timeout=STEP_TIMEOUT_S):
        """Waits until the output has been quiet for quiet_s, then skips past all of it."""
        deadline = time.monotonic() + timeout
        last = -1
        while time.monotonic() < deadline:
            with self.lock:
                n = len(self.out)
            if n == last:
                with self.lock:
                    self.seen = len(self.out)
                return
            last = n
            time.sleep(quiet_s)
        raise Failure(f"output did not settle within {timeout} s")

    def command(self, line, timeout=STEP_TIMEOUT_S):
        """Types line + Enter and returns its output up to the next prompt."""
        self.send(line + "\r")
        return self.expect(re.escape(PROMPT), timeout)

    def wait_exit(self, timeout=EXIT_TIMEOUT_S):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Failure(f"QEMU did not exit within {timeout} s")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)


def require(text, *patterns):
    for p in patterns:
        if not re.search(p, text):
            raise Failure(f"expected /{p}/ in:\n{text}")


def forbid(text, *patterns):
    for p in patterns:
        if re.search(p, text):
            raise Failure(f"did not expect /{p}/ in:\n{text}")


def boot(con):
    banner = con.expect(re.escape(PROMPT))
    require(banner, r"llm-kernel: aarch64", r"MMU and caches on", r"Type 'help'")
    return banner


def check_cores(con, n, rounds=3000):
    """Every one of the n cores is online, with its own stack, and the
    parallel-for self-test passes on all of them."""
    out = con.command("cores")
    require(out, rf"\n{n} of {n} core\(s\) online\n",
            *[rf"\ncore {i}: mpidr 0x{i:x}, worker {i}, up in \d+ us\n" for i in range(1, n)])
    forbid(out, r"offline")
    out = con.command("mem")
    require(out, *[rf"\n  stack{i} +0x[0-9a-f]{{10}}-0x[0-9a-f]{{10}} +{64 if i else 256} KiB\n" for i in range(n)])
    out = con.command(f"cores test {rounds}", STEP_TIMEOUT_S * 4)
    require(out, rf"parallel-for test: {rounds} rounds on {n} core\(s\) passed in \d+ ms")


def poweroff(con):
    """Types poweroff; QEMU must exit with status 0 and no exception report."""
    con.send("poweroff\r")
    con.expect(r"Powering off\.")
    rc = con.wait_exit()
    if rc != 0:
        raise Failure(f"QEMU exit status {rc} after poweroff")
    forbid(con.out, r"UNEXPECTED EXCEPTION")


def session_el1(con, passed):
    """The scripted session of the issue, plus line editing and noise."""
    banner = boot(con)
    require(banner, r"entered at EL1")

    def step(name, fn):
        fn()
        passed(name)

    step("help lists every command", lambda: require(
        con.command("help"), *[rf"\n  {c} " for c in
                               ("help", "info", "mem", "cores", "uptime", "poweroff", "reboot", "fault")]))
    step("info shows CPU, features, cores, memory, timer, PSCI", lambda: require(
        con.command("info"), r"cpu: .*MIDR_EL1 0x[0-9a-f]{8}.*2 core\(s\), 2 online",
        r"\n  core 0: +mpidr 0x0, worker 0 \(boot core\)\n", r"\n  core 1: +mpidr 0x1, worker 1\n",
        r"features: .*\bfp\b.*\basimd\b.*\bdotprod\b.*\bi8mm\b", r"SIMD: +fp16 yes, dotprod yes, i8mm yes",
        r"memory: +1024 MiB RAM", r"timer: +[1-9][0-9]* Hz", r"PSCI 1\.\d via hvc", r"entered at EL1",
        r"tuned: +Q4_0 tile: neon \d+ ns, dotprod \d+ ns, i8mm \d+ ns: [a-z0-9]+"))

    def mem():
        out = con.command("mem")
        require(out, r"ram +0x0040000000-0x0080000000", r"kernel +0x00402", r"capacity +\d+ bytes",
                r"used +0 bytes", r"high-water +\d+ bytes", r"failed +0 requests")
        cap = int(re.search(r"capacity +(\d+) bytes", out).group(1))
        if not 512 << 20 < cap < 1 << 30:
            raise Failure(f"arena capacity {cap} is not between 512 MiB and 1 GiB")
        # before any model, only the kernel tuner's scratch (KERN_TUNE_SCRATCH_BYTES at most), given back
        high = int(re.search(r"high-water +(\d+) bytes", out).group(1))
        if not 0 < high <= 64 << 10:
            raise Failure(f"arena high-water {high} at boot: the tuner's scratch is 1 to 65536 bytes")
    step("mem shows the memory map and arena statistics", mem)
    step("both cores online, own stacks; 3000 parallel-for rounds check out on them", lambda: check_cores(con, 2))
    step("cores with bad arguments: one usage line", lambda: require(
        con.command("cores test 0"), r"\nerror: usage: cores \[test ROUNDS"))

    step("unknown command gets one clear line", lambda: require(
        con.command("frobnicate now"), r"\nerror: unknown command 'frobnicate'; type 'help' for the list\n"))
    step("too many arguments", lambda: require(con.command("info extra"), r"error: too many arguments; usage: info"))
    step("unterminated quote", lambda: require(con.command('help "mem'), r"error: unterminated \" quote"))
    step("quoted argument", lambda: require(con.command('help "mem"'), r"\n  mem +physical memory map"))

    def overlong():
        out = con.command("x" * 4096)
        require(out, r"error: line too long \(more than 1023 bytes\); ignored")
        require(con.command("uptime"), r"up \d+\.\d{6} s")
    step("a 4 KiB line is refused and the shell stays usable", overlong)

    step("backspace edits the line", lambda: require(con.command("upx\x7ftime"), r"up \d+\.\d{6} s"))
    step("Ctrl-U erases the line", lambda: require(con.command("garbage\x15uptime"), r"up \d+\.\d{6} s"))

    def ctrl_c():
        con.send("poweroff\x03")
        out = con.expect(re.escape(PROMPT))
        require(out, r"\^C")
        forbid(out, r"Powering off")
    step("Ctrl-C cancels the line", ctrl_c)

    def history():
        con.command("help mem")
        out = con.command("\x1b[A")  # up: the previous line again
        require(out, r"\n  mem +physical memory map")
        out = con.command("\x1b[A\x1b[A\x1b[B")  # up, up, down: back to "help mem"
        require(out, r"\n  mem +physical memory map")
    step("up/down arrows recall history", history)

    def noise():
        rng = random.Random(2)
        junk = bytes(rng.randrange(256) for _ in range(2048))
        con.send(junk + b"\x03")
        con.settle()
        out = con.command("uptime")
        require(out, r"up \d+\.\d{6} s")
    step("2 KiB of random bytes leave the shell usable", noise)

    def reboot():
        con.send("reboot\r")
        con.expect(r"Rebooting\.")
        require(boot(con), r"entered at EL1")
        require(con.command("mem"), r"used +0 bytes")
    step("reboot comes back to a fresh shell", reboot)

    poweroff(con)
    passed("poweroff exits QEMU with status 0")


INITRD_BYTES = 3 * 1024 * 1024 + 123
BOOTARGS = 'test "quoted" args'


def session_el2_fault(con, passed):
    """Boot at EL2 (virtualization=on) with an initrd and a command line, then
    check the exception report."""
    banner = boot(con)
    require(banner, r"entered at EL2", r"4 CPU\(s\), 4 online")
    require(con.command("info"), r"entered at EL2", r"PSCI 1\.\d via smc",
            r'bootargs: +"' + re.escape(BOOTARGS) + '"')
    passed("boots from EL2, drops to EL1, PSCI via smc, bootargs from /chosen")
    check_cores(con, 4)
    passed("-smp 4: the secondaries start at EL2 too, all 4 online, the parallel-for check passes")

    out = con.command("mem")
    m = re.search(r"initrd +0x([0-9a-f]+)-0x([0-9a-f]+)", out)
    a = re.search(r"arena +0x([0-9a-f]+)-0x([0-9a-f]+)", out)
    if not m or not a:
        raise Failure(f"mem shows no initrd or arena range:\n{out}")
    start, end = int(m.group(1), 16), int(m.group(2), 16)
    if end - start != INITRD_BYTES:
        raise Failure(f"initrd is {end - start} bytes, expected {INITRD_BYTES}")
    a_start, a_end = int(a.group(1), 16), int(a.group(2), 16)
    if a_start < end and start < a_end:
        raise Failure("the arena overlaps the initrd")
    passed("the initrd from /chosen is found and kept out of the arena")
    con.send("fault\r")
    report = con.expect(r"powering off")
    require(report, r"UNEXPECTED EXCEPTION: synchronous, current EL", r"class 0x25: Data abort, same EL",
            r"ESR_EL1=0x0000000096", r"FAR_EL1=0x0000007000000000", r"ELR_EL1=0x00000000402")
    rc = con.wait_exit()
    if rc != 0:
        raise Failure(f"QEMU exit status {rc} after the exception report")
    passed("a data abort is reported (class, ESR, FAR, ELR) and powers off")


def session_loud(kind, patterns, what):
    """Boots, takes `fault KIND` and requires its report (patterns) and QEMU's exit 0 after it."""
    def session(con, passed):
        boot(con)
        con.send(f"fault {kind}\r")
        report = con.expect(r"powering off")
        require(report, *patterns)
        rc = con.wait_exit()
        if rc != 0:
            raise Failure(f"QEMU exit status {rc} after the report")
        passed(what)
    return session


LOUD_SESSIONS = (
    ("a panic", "panic", (r"\*\*\* PANIC at kernel/commands\.c:\d+: deliberate panic \(fault panic\)",),
     "PANIC prints file, line and why, then powers off"),
    ("an out-of-order arena release", "arena",
     (r"\*\*\* PANIC at kernel/commands\.c:\d+: arena: .*mark",),
     "an arena release to a mark it never gave panics (file, line, the arena's message)"),
    ("a fault on a secondary core", "core",
     (r"UNEXPECTED EXCEPTION: synchronous, current EL", r"class 0x25: Data abort, same EL",
      r"FAR_EL1=0x0000007000000000"),
     "a data abort on another core is reported and powers off"),
)


def dtb_with_cpu_reg(dtb, node_name, new_reg):
    """The flattened device tree dtb with the last cell of node_name's reg set
    to new_reg, trimmed to its used size (QEMU pads what -dtb gives it)."""
    magic, _, off_struct, off_strings = struct.unpack(">IIII", dtb[:16])
    size_strings = struct.unpack(">I", dtb[32:36])[0]
    if magic != 0xd00dfeed:
        raise Failure("the dumped device tree has no FDT magic")
    strings = dtb[off_strings:off_strings + size_strings]
    out = bytearray(dtb[:off_strings + size_strings])
    struct.pack_into(">I", out, 4, len(out))
    pos, path = off_struct, []
    while pos < off_strings:
        tok = struct.unpack(">I", dtb[pos:pos + 4])[0]
        pos += 4
        if tok == 1:  # FDT_BEGIN_NODE: name, padded to 4 bytes
            end = dtb.index(b"\0", pos)
            path.append(dtb[pos:end].decode())
            pos = (end + 4) & ~3
        elif tok == 2:  # FDT_END_NODE
            path.pop()
        elif tok == 3:  # FDT_PROP: length, name offset, value
            length, nameoff = struct.unpack(">II", dtb[pos:pos + 8])
            pos += 8
            name = strings[nameoff:strings.index(b"\0", nameoff)].decode()
            if path and path[-1] == node_name and name == "reg":
                struct.pack_into(">I", out, pos + length - 4, new_reg)
                return bytes(out)
            pos = (pos + length + 3) & ~3
        elif tok == 9:  # FDT_END
            break
    raise Failure(f"the dumped device tree has no {node_name} reg")


def session_bad_cpu(con, passed):
    """A device tree whose second cpu has an MPIDR no core has: CPU_ON fails,
    the core is reported and left out, the boot goes on with one."""
    banner = boot(con)
    require(banner, r"cores: cpu 1 \(mpidr 0x77\): PSCI CPU_ON failed: invalid parameters; left out",
            r"2 CPU\(s\), 1 online")
    require(con.command("cores"), r"\ncore 1: mpidr 0x77, offline: invalid parameters\n", r"\n1 of 2 core\(s\) online")
    require(con.command("cores test 100"), r"parallel-for test: 100 rounds on 1 core\(s\) passed")
    passed("a core CPU_ON refuses is reported and left out; the rest works on one core")
    poweroff(con)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", required=True)
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    args = ap.parse_args()

    initrd = os.path.join(os.path.dirname(os.path.abspath(args.image)), "boot_test_initrd.bin")
    with open(initrd, "wb") as f:
        f.write(random.Random(1).randbytes(INITRD_BYTES))

    dumped = os.path.join(os.path.dirname(os.path.abspath(args.image)), "boot_test_virt.dtb")
    bad_cpu = os.path.join(os.path.dirname(os.path.abspath(args.image)), "boot_test_bad_cpu.dtb")
    subprocess.run([args.qemu, "-M", f"virt,dumpdtb={dumped}", "-cpu", "max", "-m", "1G", "-smp", "2",
                    "-display", "none", "-nic", "none"], check=True, capture_output=True, timeout=EXIT_TIMEOUT_S)
    with open(dumped, "rb") as f, open(bad_cpu, "wb") as g:
        g.write(dtb_with_cpu_reg(f.read(), "cpu@1", 0x77))

    counts = {"passed": 0, "failed": 0}
    for name, machine, extra, smp, session in (
            ("EL1 session", "virt", (), 2, session_el1),
            ("EL2 boot and fault", "virt,virtualization=on", ("-initrd", initrd, "-append", BOOTARGS), 4,
             session_el2_fault),
            ("a core that cannot start", "virt", ("-dtb", bad_cpu), 2, session_bad_cpu),
            *((name, "virt", (), 2, session_loud(kind, pats, what)) for name, kind, pats, what in LOUD_SESSIONS)):
        con = Console(args.qemu, args.image, machine, extra, smp)
        start = time.monotonic()

        def passed(check, name=name):
            print(f"  ok    {name}: {check}", flush=True)
            counts["passed"] += 1
        try:
            session(con, passed)
        except Failure as e:
            print(f"  FAIL  {name}: {e}", flush=True)
            counts["failed"] += 1
        finally:
            con.close()
        print(f"  ({name}: {time.monotonic() - start:.1f} s)")
    print(f"boot-test: {counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
