/*
 * Every core at work: brings up the secondary cores the device tree lists
 * (PSCI CPU_ON through arch/aarch64/smp.h), each with its own stack, and
 * implements the engine's parallel-for (llm/platform.h) over the cores that
 * came up. Idle cores wait in WFE; the boot core wakes them with SEV.
 */
#ifndef KERNEL_CORES_H
#define KERNEL_CORES_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/boot_info.h"

#define CORE_STACK_BYTES (64u << 10)
/* How long the boot core waits for a started core to check in before leaving it out. */
#define CORE_START_TIMEOUT_US 1000000u

typedef enum core_state {
    CORE_ABSENT = 0, /* not tried: the boot core, or no PSCI / not "psci" enable-method */
    CORE_STARTING,   /* CPU_ON accepted, not checked in yet */
    CORE_ARRIVED,    /* checked in, waiting for its worker index */
    CORE_RUNNING,    /* a worker */
    CORE_FAILED,     /* CPU_ON refused, or no check-in before the deadline: left out */
} core_state_t;

typedef struct core_info {
    uint64_t mpidr;
    core_state_t state;
    uint32_t worker;          /* its worker index when running (the boot core: 0) */
    uint64_t stack_base, stack_bytes; /* the boot core's is the image's boot stack */
    const char *why;          /* for FAILED and ABSENT: why ("already on", "no PSCI", ...) */
    uint64_t start_us;        /* CPU_ON to check-in, microseconds */
} core_info_t;

/*
 * Starts every core of bi except the calling one, waiting up to
 * CORE_START_TIMEOUT_US for each; reports each one that fails through
 * print. Call once, with the MMU on, before the engine's first
 * parallel-for. Returns the worker count (cores running, the caller
 * included).
 */
unsigned cores_start(const boot_info_t *bi, void (*print)(const char *fmt, ...));

/* Cores listed (at most BOOT_MAX_CPUS) and what happened to each. */
unsigned cores_count(void);
const core_info_t *cores_get(unsigned i);

/* Cores working (platform_workers()). */
unsigned cores_online(void);

#endif
