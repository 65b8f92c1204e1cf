/*
 * Boot information: the few facts the kernel needs from the device tree it
 * was handed (RAM, reserved ranges, console UART, command line, initrd,
 * PSCI conduit, CPU count), pulled out once at boot into a plain struct.
 * It is not a general device model: addresses are taken from "reg" as the
 * parent bus sees them, without "ranges" translation (QEMU virt needs none).
 */
#ifndef KERNEL_BOOT_INFO_H
#define KERNEL_BOOT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/aarch64/psci.h"
#include "drivers/fdt.h"
#include "llm/support/err.h"

/* A physical address range, in bytes. */
typedef struct mem_range {
    uint64_t base, size;
} mem_range_t;

#define BOOT_MAX_RAM 8
#define BOOT_MAX_RESERVED 16
#define BOOT_MAX_CPUS 8
#define PSCI_CPU_ON_64 0xc4000003u /* CPU_ON's SMC64 function id from PSCI 0.2 on */

typedef struct boot_info {
    /* Every "reg" range of every node with device_type "memory", in tree
     * order (zero-sized ranges skipped). Beyond BOOT_MAX_RAM ranges the rest
     * are ignored (using less RAM is safe). */
    mem_range_t ram[BOOT_MAX_RAM];
    size_t n_ram;
    /* /memreserve/ entries, then the "reg" ranges of /reserved-memory's
     * children. More than BOOT_MAX_RESERVED is an error (ERR_RANGE), since
     * dropping one could let the kernel overwrite it. */
    mem_range_t reserved[BOOT_MAX_RESERVED];
    size_t n_reserved;
    /* The "arm,pl011" console: the node /chosen "stdout-path" (else
     * "linux,stdout-path") names, possibly through an alias and with a
     * ":options" suffix, if that node is a pl011; otherwise the first
     * enabled node compatible with "arm,pl011". uart_base is its first reg
     * address. */
    bool has_uart;
    uint64_t uart_base;
    /* /chosen "bootargs", or "" if absent. Points into the blob. */
    const char *bootargs;
    /* /chosen "linux,initrd-start" and "-end" (4 or 8 bytes each): the
     * initrd occupies [initrd_start, initrd_end). */
    bool has_initrd;
    uint64_t initrd_start, initrd_end;
    /* From the first node compatible with "arm,psci-1.0", "arm,psci-0.2" or
     * "arm,psci" (its "method"); PSCI_NONE if there is no such node. */
    psci_conduit_t psci;
    /* That node's "cpu_on" function id (one cell; PSCI 0.1 nodes must have
     * it), else PSCI_CPU_ON_64; 0 without PSCI. */
    uint32_t psci_cpu_on;
    /* Children of /cpus with device_type "cpu" (0 without /cpus). */
    unsigned n_cpus;
    /* The first BOOT_MAX_CPUS of them: "reg" (the MPIDR affinity fields,
     * /cpus's #address-cells of 1 or 2 cells) and whether "enable-method"
     * is "psci"; n_cpu_ids of them (fewer than n_cpus beyond the limit). A
     * cpu node without a readable reg is an error. */
    uint64_t cpu_mpidr[BOOT_MAX_CPUS];
    bool cpu_psci[BOOT_MAX_CPUS];
    unsigned n_cpu_ids;
    /* The root's "model", or "" if absent. Points into the blob. */
    const char *model;
} boot_info_t;

/*
 * Fills *out from an opened tree; its string pointers stay valid while the
 * blob does. Errors (out is then partly filled and must not be used):
 *  ERR_NOT_FOUND   no memory node ("device tree: no memory node");
 *  ERR_UNSUPPORTED #address-cells or #size-cells not 1 or 2 on a bus whose
 *                  "reg" is read (the message names the node);
 *  ERR_FORMAT      a needed property is malformed: a "reg" not a whole
 *                  number of entries or wrapping past 2^64, an
 *                  unterminated bootargs/model/stdout-path, an initrd
 *                  property not 4 or 8 bytes, only one of the two, or end
 *                  before start, a PSCI method other than "hvc"/"smc", a
 *                  PSCI "cpu_on" not one cell, a "arm,psci" (0.1) node
 *                  without "cpu_on", a cpu node's reg not one address, a
 *                  chosen pl011 without reg;
 *  ERR_RANGE       more than BOOT_MAX_RESERVED reserved ranges.
 */
err_code_t boot_info_from_fdt(const fdt_t *fdt, boot_info_t *out, err_t *err);

#endif
