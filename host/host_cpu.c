/* Hosted engine start-up (see host_cpu.h): CPU features from the auxiliary vector. */
#include "host/host_cpu.h"

#include <stdlib.h>

#if defined(__aarch64__)
#include <sys/auxv.h>
#define HWCAP_ASIMD_BIT (1ul << 1)
#define HWCAP_ASIMDDP_BIT (1ul << 20)
#define HWCAP2_I8MM_BIT (1ul << 13)
#endif

static kern_cpu_t detect(void)
{
    kern_cpu_t cpu = { 0 };
#if defined(__aarch64__)
    unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
    cpu = (kern_cpu_t){ .asimd = hw & HWCAP_ASIMD_BIT, .dotprod = hw & HWCAP_ASIMDDP_BIT, .i8mm = hw2 & HWCAP2_I8MM_BIT };
#endif
    return cpu;
}

kern_level_t host_llm_init(void)
{
    kern_cpu_t cpu = detect();
    kern_level_t cap = KERN_I8MM;
    const char *name = getenv("LLM_OPS");
    if (name && !kern_level_parse(name, &cap))
        cap = KERN_I8MM;
    return llm_init(&cpu, cap);
}
