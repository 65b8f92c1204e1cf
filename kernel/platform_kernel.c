/* The platform seam (llm/platform.h) in our kernel: the generic timer. */
#include "llm/platform.h"

#include "arch/aarch64/timer.h"

uint64_t platform_now_us(void)
{
    return timer_now_us();
}
