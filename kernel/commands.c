/*
 * The shell's built-in commands: help, info, mem, cores, uptime, poweroff,
 * reboot, llm (in cmd_llm.c) and fault. Each prints through the console and returns to the prompt
 * (except poweroff, reboot and fault, which end the run).
 */
#include "arch/aarch64/cpu_features.h"
#include "arch/aarch64/cpu_id.h"
#include "arch/aarch64/psci.h"
#include "arch/aarch64/timer.h"
#include "kernel/cmd_llm.h"
#include "kernel/console.h"
#include "kernel/cores.h"
#include "kernel/kernel.h"
#include "kernel/panic.h"
#include "kernel/shell.h"
#include "llm/platform.h"
#include "llm/llm.h"
#include "llm/support/fmt.h"
#include "llm/support/parallel.h"
#include "kernel/parse_num.h"

#define FAULT_ADDRESS 0x7000000000ull /* inside the 39-bit space, never mapped */

static void cmd_help(int argc, char **argv)
{
    for (size_t i = 0; i < shell_n_commands; i++) {
        const shell_command_t *c = &shell_commands[i];
        if (argc > 1 && strcmp(argv[1], c->name) != 0)
            continue;
        kprintf("  %-8s %-10s %s\n", c->name, c->args, c->summary);
        if (argc > 1)
            return;
    }
    if (argc > 1)
        kprintf("error: unknown command '%s'\n", argv[1]);
}

static uint64_t ram_total(void)
{
    uint64_t total = 0;
    for (size_t i = 0; i < kernel.boot.n_ram; i++)
        total += kernel.boot.ram[i].size;
    return total;
}

static void cmd_info(int argc, char **argv)
{
    (void)argc, (void)argv;
    cpu_id_regs_t regs;
    cpu_features_t feat;
    char model[48], features[160], psci[32];
    unsigned long long freq = timer_freq_hz();

    cpu_read_id_regs(&regs);
    cpu_features_decode(&regs, &feat);
    cpu_features_describe(&feat, features, sizeof features);
    kprintf("machine:   %s\n", kernel.boot.model[0] ? kernel.boot.model : "(device tree has no model)");
    kprintf("cpu:       %s (MIDR_EL1 0x%08llx), %u core(s), %u online\n",
            cpu_model_name(regs.midr, model, sizeof model), (unsigned long long)regs.midr, kernel.boot.n_cpus,
            cores_online());
    for (unsigned i = 0; i < cores_count(); i++) {
        const core_info_t *c = cores_get(i);
        if (c->state == CORE_RUNNING)
            kprintf("  core %u:  mpidr 0x%llx, worker %u%s\n", i, (unsigned long long)c->mpidr, c->worker,
                    c->worker ? "" : " (boot core)");
        else
            kprintf("  core %u:  mpidr 0x%llx, offline: %s\n", i, (unsigned long long)c->mpidr, c->why);
    }
    kprintf("features:  %s\n", features);
    kprintf("SIMD:      fp16 %s, dotprod %s, i8mm %s; engine kernels: %s\n", feat.fp16 ? "yes" : "no",
            feat.dotprod ? "yes" : "no", feat.i8mm ? "yes" : "no", llm_kernels_name());
    for (uint32_t i = 0; i < kernel.tuned.n_picks; i++) {
        char line[160];
        llm_tune_describe(&kernel.tuned.picks[i], line, sizeof line);
        kprintf("%s%s\n", i ? "           " : "tuned:     ", line);
    }
    kprintf("el:        running at EL1, entered at EL%u\n", kernel.entry_el);
    kprintf("memory:    %llu MiB RAM\n", (unsigned long long)(ram_total() >> 20));
    kprintf("timer:     %llu Hz (%llu.%03llu MHz)\n", freq, freq / 1000000, freq / 1000 % 1000);
    kprintf("firmware:  %s\n", psci_describe(psci, sizeof psci));
    kprintf("bootargs:  \"%s\"\n", kernel.boot.bootargs);
}

static void print_range(const char *what, mem_range_t r)
{
    kprintf("  %-8s 0x%010llx-0x%010llx %10llu KiB\n", what, (unsigned long long)r.base,
            (unsigned long long)(r.base + r.size), (unsigned long long)(r.size >> 10));
}

static void cmd_mem(int argc, char **argv)
{
    (void)argc, (void)argv;
    arena_stats_t st;
    arena_get_stats(&kernel.arena, &st);

    kprintf("physical memory:\n");
    for (size_t i = 0; i < kernel.boot.n_ram; i++)
        print_range("ram", kernel.boot.ram[i]);
    print_range("kernel", kernel.image);
    print_range("dtb", kernel.dtb);
    if (kernel.boot.has_initrd)
        print_range("initrd", (mem_range_t){ kernel.boot.initrd_start,
                                             kernel.boot.initrd_end - kernel.boot.initrd_start });
    for (size_t i = 0; i < kernel.boot.n_reserved; i++)
        print_range("reserved", kernel.boot.reserved[i]);
    print_range("arena", kernel.arena_ram);
    for (unsigned i = 0; i < cores_count(); i++) {
        const core_info_t *c = cores_get(i);
        char what[16];
        fmt_snprintf(what, sizeof what, "stack%u", i);
        if (c->state == CORE_RUNNING)
            print_range(what, (mem_range_t){ c->stack_base, c->stack_bytes });
    }
    kprintf("arena:\n");
    kprintf("  capacity   %zu bytes (%zu MiB)\n", st.capacity_bytes, st.capacity_bytes >> 20);
    kprintf("  used       %zu bytes\n", st.used_bytes);
    kprintf("  free       %zu bytes\n", st.free_bytes);
    kprintf("  high-water %zu bytes\n", st.high_water_bytes);
    kprintf("  failed     %zu requests\n", st.n_failed);
}

/* `cores`: the state of each core; `cores test N`: N rounds of the parallel-for self-test over all of them. */
static void cmd_cores(int argc, char **argv)
{
    uint64_t rounds = 0;
    if (argc > 1 && (argc != 3 || strcmp(argv[1], "test") != 0 || !parse_u64(argv[2], 1000000, &rounds) ||
                     rounds == 0)) {
        kprintf("error: usage: cores [test ROUNDS (1..1000000)]\n");
        return;
    }
    if (argc == 1) {
        for (unsigned i = 0; i < cores_count(); i++) {
            const core_info_t *c = cores_get(i);
            if (c->state == CORE_RUNNING)
                kprintf("core %u: mpidr 0x%llx, worker %u, up in %llu us\n", i, (unsigned long long)c->mpidr,
                        c->worker, (unsigned long long)c->start_us);
            else
                kprintf("core %u: mpidr 0x%llx, offline: %s\n", i, (unsigned long long)c->mpidr, c->why);
        }
        kprintf("%u of %u core(s) online\n", cores_online(), kernel.boot.n_cpus);
        return;
    }
    err_t err;
    uint64_t t0 = timer_now_us();
    if (par_self_test((uint32_t)rounds, (uint32_t)t0, &kernel.arena, &err) != ERR_OK) {
        kprintf("error: %s\n", err.msg);
        return;
    }
    kprintf("parallel-for test: %llu rounds on %u core(s) passed in %llu ms\n", (unsigned long long)rounds,
            cores_online(), (unsigned long long)((timer_now_us() - t0) / 1000));
}

static void cmd_uptime(int argc, char **argv)
{
    (void)argc, (void)argv;
    uint64_t us = timer_now_us() - kernel.boot_us;
    kprintf("up %llu.%06llu s\n", (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000));
}

static void cmd_poweroff(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("Powering off.\n");
    psci_system_off();
    kprintf("error: PSCI SYSTEM_OFF did not power off (no PSCI in the device tree?)\n");
}

static void cmd_reboot(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("Rebooting.\n");
    psci_system_reset();
    kprintf("error: PSCI SYSTEM_RESET did not reset (no PSCI in the device tree?)\n");
}

static void read_unmapped(void)
{
    kprintf("Reading unmapped address 0x%llx.\n", FAULT_ADDRESS);
    (void)*(volatile uint64_t *)(uintptr_t)FAULT_ADDRESS;
}

/*
 * A parallel-for task that faults on every core but the calling one. The
 * calling core holds its first task for up to 2 s, so that the others
 * take the rest even when the host is slow to run them (it would finish
 * all 64 alone otherwise); their fault powers the machine off.
 */
static void fault_on_secondary(void *ctx, uint32_t task, uint32_t worker)
{
    static bool held;
    (void)ctx, (void)task;
    if (worker != 0) {
        (void)*(volatile uint64_t *)(uintptr_t)FAULT_ADDRESS;
        return;
    }
    uint64_t t0 = platform_now_us();
    while (!held && platform_now_us() - t0 < 2000000u)
        ;
    held = true;
}

/* Deliberate failures, one per path that must end the run loudly (the boot test takes each). */
static void cmd_fault(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "abort";
    if (strcmp(kind, "abort") == 0) {
        read_unmapped();
    } else if (strcmp(kind, "panic") == 0) {
        PANIC("deliberate panic (fault panic)");
    } else if (strcmp(kind, "arena") == 0) {
        arena_mark_t beyond = { kernel.arena.used_bytes + 64 }; /* a mark the arena never gave */
        kprintf("Releasing the arena to a mark above its use.\n");
        ARENA_RELEASE_OR_PANIC(&kernel.arena, beyond);
    } else if (strcmp(kind, "core") == 0) {
        if (cores_online() < 2) {
            kprintf("error: fault core needs a second core online\n");
            return;
        }
        kprintf("Reading unmapped address 0x%llx on the other cores.\n", FAULT_ADDRESS);
        platform_parallel_for(fault_on_secondary, NULL, 64);
    } else {
        kprintf("error: usage: fault [abort|panic|arena|core]\n");
        return;
    }
    PANIC("fault %s returned", kind); /* none of them may */
}

const shell_command_t shell_commands[] = {
    { "help", "[COMMAND]", "list the commands, or describe one", 1, cmd_help },
    { "info", "", "CPU model and features, cores, memory, timer, firmware", 0, cmd_info },
    { "mem", "", "physical memory map and arena statistics", 0, cmd_mem },
    { "cores", "[test ROUNDS]", "the cores at work; `cores test N` checks N parallel-for rounds on them", 2, cmd_cores },
    { "uptime", "", "time since the kernel started", 0, cmd_uptime },
    { "poweroff", "", "power off (PSCI SYSTEM_OFF; QEMU exits)", 0, cmd_poweroff },
    { "reboot", "", "reset the machine (PSCI SYSTEM_RESET)", 0, cmd_reboot },
    { "llm", "SUBCOMMAND", "models, load, unload, info, verify, gen, chat, bench, submit, jobs, out, wait, cancel, stats, batch (`llm` alone: usage)", 31, cmd_llm },
    { "fault", "[abort|panic|arena|core]", "fail on purpose (tests the reports; powers off): a data abort, "
                                           "a panic, an out-of-order arena release, an abort on another core", 1,
      cmd_fault },
};
const size_t shell_n_commands = sizeof shell_commands / sizeof shell_commands[0];
