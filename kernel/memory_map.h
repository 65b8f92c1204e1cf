/*
 * Finds the RAM the kernel may hand to the arena: the device tree's memory
 * ranges minus everything already in use (the kernel image with its stack,
 * the device tree blob, the initrd, reserved regions). Pure arithmetic over
 * ranges, tested on the host.
 */
#ifndef KERNEL_MEMORY_MAP_H
#define KERNEL_MEMORY_MAP_H

#include <stddef.h>

#include "kernel/boot_info.h"

/*
 * The largest free stretch of ram[] not overlapping any busy[] range, with
 * its start rounded up to align bytes (a power of two). Returns false when no
 * byte is free. Ranges may be unsorted and may overlap; sizes reaching past
 * 2^64 are clipped.
 */
bool memory_largest_free(const mem_range_t *ram, size_t n_ram, const mem_range_t *busy, size_t n_busy,
                         uint64_t align, mem_range_t *out);

#endif
