/* The platform clock and the process's CPU time in seconds, for the host tools' measurements. */
#ifndef HOST_HOST_CLOCK_H
#define HOST_HOST_CLOCK_H

#include "llm/platform.h"

static inline double host_now_s(void)
{
    return (double)platform_now_us() * 1e-6;
}

/* CPU time of the whole process (every thread), which others' load on a shared host inflates less (host_platform.c). */
double host_cpu_s(void);

#endif
