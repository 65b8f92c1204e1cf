#!/usr/bin/env bash
# Checks the kernel's device tree parser (through tools/dtb-info, under
# valgrind) against real trees: QEMU dumps the tree it would hand the kernel
# for several machine configurations, and each decoding must match what the
# QEMU command line asked for.
# Usage: dtb_test.sh DTB_INFO IMAGE QEMU WORKDIR
set -euo pipefail
tool=$1 image=$2 qemu=$3 work=$4
mkdir -p "$work"
initrd=$work/dtb_test_initrd.bin
head -c 1000003 /dev/zero > "$initrd"

passed=0 failed=0
# check NAME "QEMU ARGS" EXPECTED-LINE...
check() {
    local name=$1 qargs=$2; shift 2
    local dtb=$work/$name.dtb out
    # shellcheck disable=SC2086
    if ! "$qemu" $qargs -cpu max -nic none -display none -kernel "$image" >/dev/null 2>&1 \
        || [ ! -s "$dtb" ]; then
        echo "  FAIL  $name: QEMU did not dump a device tree"; failed=$((failed + 1)); return
    fi
    if ! out=$(valgrind -q --error-exitcode=3 --leak-check=full "$tool" "$dtb" 2>&1); then
        echo "  FAIL  $name: dtb-info failed:"; echo "$out"; failed=$((failed + 1)); return
    fi
    for want in "$@"; do
        if ! grep -qxF -- "$want" <<<"$out"; then
            echo "  FAIL  $name: expected line '$want' in:"; echo "$out"; failed=$((failed + 1)); return
        fi
    done
    echo "  ok    $name"; passed=$((passed + 1))
}

check virt-1g-2cpu "-M virt,dumpdtb=$work/virt-1g-2cpu.dtb -m 1G -smp 2" \
    "ram: 0x40000000 0x40000000" "uart: 0x9000000" "psci: hvc" "cpus: 2" 'bootargs: ""' "initrd: none"
check virt-el2-3g-4cpu "-M virt,virtualization=on,dumpdtb=$work/virt-el2-3g-4cpu.dtb -m 3G -smp 4 -append console=x" \
    "ram: 0x40000000 0xc0000000" "psci: smc" "cpus: 4" 'bootargs: "console=x"'
check virt-initrd "-M virt,dumpdtb=$work/virt-initrd.dtb -m 512M -initrd $initrd" \
    "ram: 0x40000000 0x20000000" "cpus: 1"
# The initrd must be exactly as long as the file, wherever QEMU put it.
if out=$("$tool" "$work/virt-initrd.dtb" 2>&1) && [[ $out =~ initrd:\ 0x([0-9a-f]+)\ 0x([0-9a-f]+) ]] \
    && [ $((16#${BASH_REMATCH[2]} - 16#${BASH_REMATCH[1]})) -eq 1000003 ]; then
    echo "  ok    virt-initrd: initrd range is the file's size"; passed=$((passed + 1))
else
    echo "  FAIL  virt-initrd: initrd range wrong: $out"; failed=$((failed + 1))
fi
# The secure world's own (disabled for us) UART must not be picked.
check virt-secure "-M virt,secure=on,dumpdtb=$work/virt-secure.dtb -m 1G" "uart: 0x9000000"

# A truncated real tree is refused with a message, not a crash.
head -c 100 "$work/virt-1g-2cpu.dtb" > "$work/truncated.dtb"
if out=$(valgrind -q --error-exitcode=3 "$tool" "$work/truncated.dtb" 2>&1); then
    echo "  FAIL  truncated: accepted"; failed=$((failed + 1))
elif [ $? -eq 1 ] && grep -q "dtb-info: .*truncated.dtb: ." <<<"$out"; then
    echo "  ok    truncated tree refused: ${out#*: }"; passed=$((passed + 1))
else
    echo "  FAIL  truncated: $out"; failed=$((failed + 1))
fi

echo "dtb-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
