/*
 * libFuzzer harness: an initrd from untrusted bytes. The kernel's model
 * store scans it as a cpio newc archive (names, sizes, checksum files,
 * the in-place move of each model to a 64-byte boundary); each model found
 * is then looked up, checksum-verified and peeked at as a GGUF header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/model_store.h"
#include "llm/llm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t scratch_mem[1u << 20];
    uint8_t *archive = aligned_alloc(64, (size + 64) & ~(size_t)63); /* the store moves files in place */
    if (!archive)
        return 0;
    memcpy(archive, data, size);
    static model_store_t store;
    err_t err;
    model_store_init(&store);
    if (model_store_scan_initrd(&store, archive, size, &err) == ERR_OK) {
        for (size_t i = 0; i < store.n; i++) {
            const model_entry_t *e = model_store_find(&store, store.entries[i].name);
            if (!e)
                abort(); /* every listed name must be found */
            model_store_verify(e, &err);
            arena_t scratch;
            arena_init(&scratch, scratch_mem, sizeof scratch_mem);
            llm_blob_info_t info;
            llm_model_peek(e->data, e->size, &scratch, &info, &err);
        }
    }
    free(archive);
    return 0;
}
