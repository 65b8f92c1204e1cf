/*
 * PSCI function calls (see psci.h) through HVC or SMC, per the SMC Calling
 * Convention: function id in x0, result in x0, x1-x17 may be clobbered.
 */
#include "arch/aarch64/psci.h"

#include "llm/support/fmt.h"

#define PSCI_VERSION 0x84000000u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

static psci_conduit_t psci_conduit = PSCI_NONE;

void psci_init(psci_conduit_t conduit)
{
    psci_conduit = conduit;
}

#define SMCCC_CLOBBERS "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", \
                       "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory"

static int64_t psci_call(uint32_t fn)
{
    register uint64_t x0 __asm__("x0") = fn;
    if (psci_conduit == PSCI_HVC)
        __asm__ volatile("hvc #0" : "+r"(x0) : : SMCCC_CLOBBERS);
    else if (psci_conduit == PSCI_SMC)
        __asm__ volatile("smc #0" : "+r"(x0) : : SMCCC_CLOBBERS);
    else
        return -1;
    return (int64_t)x0;
}

const char *psci_describe(char *buf, size_t size)
{
    if (psci_conduit == PSCI_NONE) {
        fmt_snprintf(buf, size, "none");
        return buf;
    }
    int64_t v = psci_call(PSCI_VERSION);
    fmt_snprintf(buf, size, "PSCI %u.%u via %s", (unsigned)((v >> 16) & 0xffff), (unsigned)(v & 0xffff),
                 psci_conduit == PSCI_HVC ? "hvc" : "smc");
    return buf;
}

void psci_system_off(void)
{
    psci_call(PSCI_SYSTEM_OFF);
}

void psci_system_reset(void)
{
    psci_call(PSCI_SYSTEM_RESET);
}
