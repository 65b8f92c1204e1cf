/* CLOCK_MONOTONIC as seconds (see host_clock.h). */
#define _POSIX_C_SOURCE 200809L
#include "tools/lib/host_clock.h"

#include <time.h>

double host_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
