/* PANIC and the checked arena release (see panic.h). */
#include "kernel/panic.h"

#include "arch/aarch64/psci.h"
#include "kernel/console.h"

void panic_at(const char *file, int line, const char *fmt, ...)
{
    static int panicking;
    if (!panicking++) { /* a panic while panicking: straight off */
        va_list ap;
        va_start(ap, fmt);
        kprintf("\n*** PANIC at %s:%d: ", file, line);
        kvprintf(fmt, ap);
        va_end(ap);
        kprintf("\n*** powering off\n");
    }
    psci_system_off();
    for (;;)
        __asm__ volatile("wfe");
}

void arena_release_or_panic(arena_t *a, arena_mark_t mark, const char *file, int line)
{
    err_t err;
    if (arena_release(a, mark, &err) != ERR_OK)
        panic_at(file, line, "%s", err.msg);
}
