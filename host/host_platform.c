/* The platform seam (llm/platform.h) for hosted programs and tests: CLOCK_MONOTONIC. */
#define _POSIX_C_SOURCE 200809L
#include "llm/platform.h"

#include <time.h>

uint64_t platform_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
