/* The platform clock in seconds, for the host tools' measurements. */
#ifndef HOST_HOST_CLOCK_H
#define HOST_HOST_CLOCK_H

#include "llm/platform.h"

static inline double host_now_s(void)
{
    return (double)platform_now_us() * 1e-6;
}

#endif
