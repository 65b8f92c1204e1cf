/*
 * PSCI function calls (see psci.h) through HVC or SMC, per the SMC Calling
 * Convention: function id in x0, arguments in x1-x3, result in x0, x1-x17
 * may be clobbered.
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

#define SMCCC_CLOBBERS "x4", "x5", "x6", "x7", "x8", "x9", "x10", \
                       "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory"

static int64_t psci_call3(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    if (psci_conduit == PSCI_HVC)
        __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : SMCCC_CLOBBERS);
    else if (psci_conduit == PSCI_SMC)
        __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : SMCCC_CLOBBERS);
    else
        return PSCI_E_NOT_SUPPORTED;
    return (int64_t)x0;
}

static int64_t psci_call(uint32_t fn)
{
    return psci_call3(fn, 0, 0, 0);
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

int64_t psci_cpu_on(uint32_t fn_id, uint64_t mpidr, uint64_t entry, uint64_t context)
{
    return psci_call3(fn_id, mpidr, entry, context);
}

const char *psci_error_name(int64_t rc)
{
    switch (rc) {
    case PSCI_E_SUCCESS: return "success";
    case PSCI_E_NOT_SUPPORTED: return "not supported";
    case -2: return "invalid parameters";
    case -3: return "denied";
    case -4: return "already on";
    case -5: return "on pending";
    case -6: return "internal failure";
    case -7: return "not present";
    case -8: return "disabled";
    case -9: return "invalid address";
    default: return "unknown error";
    }
}
