/*
 * What the kernel knows about the machine after boot: the device tree facts,
 * where the image, device tree and initrd sit, and the arena made from the
 * remaining RAM. Filled once by kernel_main, read by the shell commands.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdint.h>

#include "kernel/boot_info.h"
#include "kernel/model_store.h"
#include "llm/llm.h"
#include "llm/support/arena.h"

typedef struct kernel_state {
    boot_info_t boot;
    unsigned entry_el;    /* exception level the boot loader entered us at */
    uint64_t boot_us;     /* timer_now_us() when kernel_main started */
    mem_range_t image;    /* kernel image, .bss and boot stack included */
    mem_range_t dtb;      /* the device tree blob */
    mem_range_t arena_ram;
    arena_t arena;        /* all runtime memory of the engine */
    model_store_t models; /* the GGUF files in the initrd and the image */
    kern_tune_report_t tuned; /* what llm_tune timed at boot and kept (`info` shows it) */
} kernel_state_t;

extern kernel_state_t kernel;

/* Entered from boot.S at EL1 with the MMU off; never returns. */
void kernel_main(uint64_t dtb_addr, uint64_t entry_el);

#endif
