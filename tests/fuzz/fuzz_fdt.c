/*
 * libFuzzer harness: a device tree blob from untrusted bytes (what a boot
 * loader hands the kernel). fdt_open checks the header; then every node is
 * walked (names, parents, children), a few properties read, the reserved
 * map listed, and boot_info_from_fdt reads memory, CPUs, UART, initrd and
 * timer from it as the kernel does at boot.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/fdt.h"
#include "kernel/boot_info.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *blob = malloc(size + 8);
    if (!blob)
        return 0;
    memcpy(blob, data, size);
    fdt_t fdt;
    err_t err;
    if (fdt_open(&fdt, blob, size, &err) == ERR_OK) {
        size_t steps = 0;
        for (int n = fdt_root(&fdt); n >= 0 && steps < 100000; n = fdt_next_node(&fdt, n), steps++) {
            const char *name = fdt_node_name(&fdt, n);
            if (name && (const uint8_t *)name + strlen(name) >= blob + size)
                abort(); /* a name runs past the blob */
            fdt_parent(&fdt, n);
            fdt_first_child(&fdt, n);
            fdt_prop_string(&fdt, n, "compatible");
            size_t len;
            const void *reg = fdt_prop(&fdt, n, "reg", &len);
            uint64_t v;
            for (size_t i = 0; reg && i < 4; i++)
                fdt_read_cells(reg, len, i, 2, &v);
        }
        fdt_path_offset(&fdt, "/chosen");
        for (size_t i = 0; i < fdt_reserved_count(&fdt); i++) {
            uint64_t base, bytes;
            fdt_reserved_get(&fdt, i, &base, &bytes);
        }
        static boot_info_t bi;
        boot_info_from_fdt(&fdt, &bi, &err);
    }
    free(blob);
    return 0;
}
