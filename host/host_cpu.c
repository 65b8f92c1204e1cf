/* Hosted kernel-level selection (see host_ops.h). */
#include "host/host_cpu.h"

#include <stdlib.h>
#include <string.h>

#if defined(__aarch64__)
#include <sys/auxv.h>
#define HWCAP_ASIMDDP_BIT (1ul << 20)
#define HWCAP2_I8MM_BIT (1ul << 13)
#endif

static ops_level_t detect(void)
{
#if defined(__aarch64__)
    if (!(getauxval(AT_HWCAP) & HWCAP_ASIMDDP_BIT))
        return OPS_NEON;
    return (getauxval(AT_HWCAP2) & HWCAP2_I8MM_BIT) ? OPS_I8MM : OPS_DOTPROD;
#else
    return OPS_SCALAR;
#endif
}

ops_level_t host_ops_init(void)
{
    ops_level_t level = detect();
    const char *cap = getenv("LLM_OPS");
    for (ops_level_t l = OPS_SCALAR; cap && l < OPS_LEVELS; l++) {
        if (strcmp(cap, ops_level_name(l)) == 0 && l < level)
            level = l;
    }
    return ops_init(level);
}
