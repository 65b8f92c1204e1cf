/*
 * dtb-info: prints what the kernel would learn from a device tree blob
 * (memory, UART, PSCI, CPUs, command line, initrd, reserved ranges), using
 * the kernel's own parser, or the parser's error. For checking the parser
 * against real trees, e.g. `qemu-system-aarch64 -M virt,dumpdtb=virt.dtb`.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel/boot_info.h"

static const char *const conduit_names[] = { "none", "hvc", "smc" };

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
            *len = fread(buf, 1, (size_t)n, f);
            if (*len != (size_t)n) {
                free(buf);
                buf = NULL;
            }
        }
    }
    fclose(f);
    return buf;
}

static void print_info(const boot_info_t *bi)
{
    printf("model: %s\n", bi->model);
    for (size_t i = 0; i < bi->n_ram; i++)
        printf("ram: 0x%llx 0x%llx\n", (unsigned long long)bi->ram[i].base, (unsigned long long)bi->ram[i].size);
    for (size_t i = 0; i < bi->n_reserved; i++)
        printf("reserved: 0x%llx 0x%llx\n", (unsigned long long)bi->reserved[i].base,
               (unsigned long long)bi->reserved[i].size);
    if (bi->has_uart)
        printf("uart: 0x%llx\n", (unsigned long long)bi->uart_base);
    else
        printf("uart: none\n");
    printf("psci: %s\n", conduit_names[bi->psci]);
    printf("cpus: %u\n", bi->n_cpus);
    printf("bootargs: \"%s\"\n", bi->bootargs);
    if (bi->has_initrd)
        printf("initrd: 0x%llx 0x%llx\n", (unsigned long long)bi->initrd_start, (unsigned long long)bi->initrd_end);
    else
        printf("initrd: none\n");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: dtb-info FILE.dtb\n");
        return 2;
    }
    size_t len = 0;
    unsigned char *blob = read_file(argv[1], &len);
    if (!blob) {
        perror(argv[1]);
        return 1;
    }
    fdt_t fdt;
    boot_info_t bi;
    err_t err;
    int rc = 0;
    if (fdt_open(&fdt, blob, len, &err) != ERR_OK || boot_info_from_fdt(&fdt, &bi, &err) != ERR_OK) {
        fprintf(stderr, "dtb-info: %s: %s\n", argv[1], err.msg);
        rc = 1;
    } else {
        print_info(&bi);
    }
    free(blob);
    return rc;
}
