/* Hosted engine start-up (see host_cpu.h): CPU features from the auxiliary vector. */
#include "host/host_cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_file.h"

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

void host_llm_tune(const char *tool, bool verbose)
{
    const char *mode = getenv("LLM_TUNE");
    if (mode && strcmp(mode, "off") == 0)
        return;
    verbose = verbose || (mode && strcmp(mode, "verbose") == 0);
    arena_t scratch;
    kern_tune_report_t rep;
    err_t e;
    host_arena_init(&scratch, KERN_TUNE_SCRATCH_BYTES);
    if (llm_tune(&scratch, &rep, &e) != ERR_OK) {
        fprintf(stderr, "%s: kernel tuning skipped: %s\n", tool, e.msg);
    } else {
        for (uint32_t i = 0; verbose && i < rep.n_picks; i++) {
            char line[256];
            llm_tune_describe(&rep.picks[i], line, sizeof line);
            fprintf(stderr, "%s: tuned: %s\n", tool, line);
        }
    }
    host_arena_free(&scratch);
}
