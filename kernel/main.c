/*
 * kernel_main: the C side of boot. Reads the device tree, switches the
 * console to the UART it names, turns on the MMU and caches, carves the arena
 * out of free RAM, starts the other cores, lists the models in the initrd
 * and the image and starts the shell. Everything before mmu_enable() runs with the MMU off (Device
 * memory: no unaligned accesses), which is why the files it calls are built
 * -mstrict-align.
 */
#include "kernel/kernel.h"

#include "arch/aarch64/cpu_id.h"
#include "arch/aarch64/exception.h"
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/psci.h"
#include "arch/aarch64/timer.h"
#include "kernel/cmd_llm.h"
#include "kernel/console.h"
#include "kernel/cores.h"
#include "kernel/memory_map.h"
#include "kernel/shell.h"
#include "llm/llm.h"

#define EARLY_UART_BASE 0x09000000u /* QEMU virt's PL011, used until the device tree is read */
#define FDT_MAX_BYTES (2u << 20)     /* the arm64 boot protocol's limit */
#define ARENA_ALIGN 4096u
#define MMIO_LOW_BYTES (1ull << 30)  /* QEMU virt puts its devices below 1 GiB */

kernel_state_t kernel;

extern char _start_image[], _end[];
/* Set when the image is built with EMBED_MODEL=file.gguf (kernel/embedded_model.S). */
extern const uint8_t embedded_model_start[] __attribute__((weak)), embedded_model_end[] __attribute__((weak));

static void __attribute__((noreturn)) boot_failed(const char *what, const err_t *err)
{
    kprintf("boot: %s: %s\nboot: halted\n", what, err->msg);
    psci_system_off(); /* works once the PSCI conduit is known */
    for (;;)
        __asm__ volatile("wfi");
}

static void make_arena(void)
{
    const boot_info_t *bi = &kernel.boot;
    mem_range_t busy[BOOT_MAX_RESERVED + 3];
    size_t n = 0;
    busy[n++] = kernel.image;
    busy[n++] = kernel.dtb;
    if (bi->has_initrd)
        busy[n++] = (mem_range_t){ bi->initrd_start, bi->initrd_end - bi->initrd_start };
    for (size_t i = 0; i < bi->n_reserved; i++)
        busy[n++] = bi->reserved[i];

    if (!memory_largest_free(bi->ram, bi->n_ram, busy, n, ARENA_ALIGN, &kernel.arena_ram))
        kernel.arena_ram = (mem_range_t){ 0, 0 };
    arena_init(&kernel.arena, (void *)(uintptr_t)kernel.arena_ram.base, (size_t)kernel.arena_ram.size);
}

/* The models: GGUF files of the initrd (used in place) and the one linked into the image, if any. */
static void find_models(void)
{
    const boot_info_t *bi = &kernel.boot;
    err_t err;
    model_store_init(&kernel.models);
    if (embedded_model_start && model_store_add(&kernel.models, "embedded", embedded_model_start,
                                                (size_t)(embedded_model_end - embedded_model_start), &err) != ERR_OK)
        kprintf("models: embedded model: %s\n", err.msg);
    if (bi->has_initrd &&
        model_store_scan_initrd(&kernel.models, (void *)(uintptr_t)bi->initrd_start,
                                (size_t)(bi->initrd_end - bi->initrd_start), &err) != ERR_OK)
        kprintf("models: initrd: %s\n", err.msg);
}

/* The engine's start-up: its kernels for what the ID registers say the CPU has. */
static void start_engine(void)
{
    cpu_id_regs_t regs;
    cpu_features_t f;
    cpu_read_id_regs(&regs);
    cpu_features_decode(&regs, &f);
    kern_cpu_t cpu = { .asimd = f.asimd, .dotprod = f.dotprod, .i8mm = f.i8mm };
    llm_init(&cpu, KERN_I8MM);
    /* The fastest of each bit-identical twin on this CPU (llm_tune gives its scratch back). */
    err_t err;
    if (llm_tune(&kernel.arena, &kernel.tuned, &err) != ERR_OK)
        kprintf("llm-kernel: kernel tuning skipped: %s\n", err.msg);
}

/* The identity map: the low MMIO window and the UART as devices, RAM as normal memory. */
static err_code_t map_memory(const boot_info_t *bi, err_t *err)
{
    mmu_region_t r[BOOT_MAX_RAM + 2];
    size_t n = 0;
    r[n++] = (mmu_region_t){ 0, MMIO_LOW_BYTES, true };
    for (size_t i = 0; i < bi->n_ram; i++)
        r[n++] = (mmu_region_t){ bi->ram[i].base, bi->ram[i].size, false };
    if (bi->has_uart)
        r[n++] = (mmu_region_t){ bi->uart_base, 0x1000, true };
    return mmu_enable(r, n, err);
}

void kernel_main(uint64_t dtb_addr, uint64_t entry_el)
{
    err_t err;
    fdt_t fdt;

    kernel.boot_us = timer_now_us();
    kernel.entry_el = (unsigned)entry_el;
    console_init(EARLY_UART_BASE);
    exception_init(kprintf);

    if (fdt_open(&fdt, (const void *)(uintptr_t)dtb_addr, FDT_MAX_BYTES, &err) != ERR_OK)
        boot_failed("device tree", &err);
    if (boot_info_from_fdt(&fdt, &kernel.boot, &err) != ERR_OK)
        boot_failed("device tree", &err);
    psci_init(kernel.boot.psci);
    if (kernel.boot.has_uart && kernel.boot.uart_base != EARLY_UART_BASE)
        console_init((uintptr_t)kernel.boot.uart_base);
    if (map_memory(&kernel.boot, &err) != ERR_OK)
        boot_failed("MMU", &err);

    kernel.image = (mem_range_t){ (uintptr_t)_start_image, (uint64_t)(_end - _start_image) };
    kernel.dtb = (mem_range_t){ dtb_addr, fdt_total_size(&fdt) };
    make_arena();
    cores_start(&kernel.boot, kprintf);
    find_models();
    start_engine();

    kprintf("\nllm-kernel: aarch64, entered at EL%u, running at EL1 with MMU and caches on\n", kernel.entry_el);
    kprintf("llm-kernel: %u CPU(s), %u online, arena %llu MiB at 0x%llx\n", kernel.boot.n_cpus, cores_online(),
            (unsigned long long)(kernel.arena_ram.size >> 20), (unsigned long long)kernel.arena_ram.base);
    kprintf("llm-kernel: %zu model(s); `llm models` lists them; engine kernels: %s", kernel.models.n,
            llm_kernels_name());
    for (uint32_t i = 0, n = 0; i < kernel.tuned.n_picks; i++) {
        const kern_tune_pick_t *p = &kernel.tuned.picks[i];
        const quant_format_t *f;
        if (p->level != p->default_level && quant_lookup(p->type, &f, NULL) == ERR_OK)
            kprintf("%s%s %s %s", n++ ? ", " : ", tuned: ", f->name, p->tile ? "tile" : "dot",
                    kern_level_name(p->level));
    }
    kprintf("\n");
    kprintf("Type 'help' for commands.\n");
    shell_on_idle(cmd_llm_idle); /* background jobs run while the shell waits for keys */
    shell_run();
}
