/*
 * Free-RAM search (see memory_map.h). For each RAM range, walk upward from
 * its start, jumping past any busy range that covers the cursor and stopping
 * at the next busy range that begins above it; the gaps are the candidates.
 */
#include "kernel/memory_map.h"

static uint64_t range_end(const mem_range_t *r)
{
    return r->size > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->size;
}

/* The end of the busy range containing addr, or addr itself if none does. */
static uint64_t skip_busy(uint64_t addr, const mem_range_t *busy, size_t n_busy)
{
    for (int moved = 1; moved;) {
        moved = 0;
        for (size_t i = 0; i < n_busy; i++) {
            if (busy[i].size && addr >= busy[i].base && addr < range_end(&busy[i])) {
                addr = range_end(&busy[i]);
                moved = 1;
            }
        }
    }
    return addr;
}

/* The lowest busy start in (addr, limit), or limit. */
static uint64_t next_busy(uint64_t addr, uint64_t limit, const mem_range_t *busy, size_t n_busy)
{
    for (size_t i = 0; i < n_busy; i++) {
        if (busy[i].size && busy[i].base > addr && busy[i].base < limit)
            limit = busy[i].base;
    }
    return limit;
}

bool memory_largest_free(const mem_range_t *ram, size_t n_ram, const mem_range_t *busy, size_t n_busy,
                         uint64_t align, mem_range_t *out)
{
    *out = (mem_range_t){ 0, 0 };
    for (size_t r = 0; r < n_ram; r++) {
        uint64_t end = range_end(&ram[r]);
        uint64_t addr = ram[r].base;
        while (addr < end) {
            addr = skip_busy(addr, busy, n_busy);
            if (addr >= end)
                break;
            uint64_t gap_end = next_busy(addr, end, busy, n_busy);
            uint64_t start = (addr + align - 1) & ~(align - 1);
            if (start >= addr && start < gap_end && gap_end - start > out->size)
                *out = (mem_range_t){ start, gap_end - start };
            addr = gap_end;
        }
    }
    return out->size != 0;
}
