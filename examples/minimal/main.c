/*
 * The minimal image's C side (examples/minimal/): what a kernel developer
 * writes to host the engine, from llm/llm.h and llm/platform.h alone. It
 * provides the host symbols the engine needs (the string functions,
 * platform_now_us and a one-core parallel-for), writes to the PL011 UART of QEMU virt, and runs one
 * greedy generation of a fixed prompt with the model linked in by model.S,
 * streaming the text between two marker lines (tests/boot/minimal_image_test.py
 * compares it with llm-run's). Errors from the engine are printed, then
 * start.S powers off.
 */
#include "llm/llm.h"
#include "llm/platform.h"

#define PROMPT "Once upon a time"
#define N_TOKENS 32
#define N_CTX 256
#define ARENA_BYTES (16u << 20) /* PORTING.md: ~1 MiB model tables + ~7 MiB context at 256 positions */

extern const uint8_t minimal_model_start[], minimal_model_end[]; /* model.S */

static uint8_t arena_buf[ARENA_BYTES] __attribute__((aligned(64)));

/* ---- the host symbols of llm/platform.h: plain byte loops */
#undef memcpy /* platform.h maps it to __builtin_memcpy in freestanding builds */
void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}
void *memmove(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    if (dp < sp)
        while (n--)
            *dp++ = *sp++;
    else
        while (n--)
            dp[n] = sp[n];
    return d;
}
void *memset(void *d, int c, size_t n)
{
    uint8_t *dp = d;
    while (n--)
        *dp++ = (uint8_t)c;
    return d;
}
int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}
size_t strlen(const char *s) { return strnlen(s, (size_t)-1); }
size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}
int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++)
        if (*a != *b || !*a)
            return (unsigned char)*a - (unsigned char)*b;
    return 0;
}
int strcmp(const char *a, const char *b) { return strncmp(a, b, (size_t)-1); }
char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

#define SYSREG(name) ({ uint64_t v_; __asm__ volatile("mrs %0, " #name : "=r"(v_)); v_; })

uint64_t platform_now_us(void)
{
    uint64_t t = SYSREG(cntvct_el0), f = SYSREG(cntfrq_el0);
    return t / f * 1000000 + t % f * 1000000 / f; /* no overflow for centuries */
}

/* One core: the parallel-for runs every task on the caller, in order. */
uint32_t platform_workers(void)
{
    return 1;
}

void platform_parallel_for(platform_task_fn fn, void *ctx, uint32_t n_tasks)
{
    for (uint32_t t = 0; t < n_tasks; t++)
        fn(ctx, t, 0);
}

/* ---- output: the PL011 of QEMU virt (mapped Device by start.S) */
#define UART_DR ((volatile uint32_t *)0x09000000)
#define UART_FR ((volatile uint32_t *)0x09000018)

static void uart_write(const char *s, size_t n) /* bytes as they are */
{
    for (size_t i = 0; i < n; i++) {
        while (*UART_FR & (1u << 5)) /* TXFF */
            ;
        *UART_DR = (uint8_t)s[i];
    }
}
static void print(const char *s) /* our own lines: \n becomes \r\n */
{
    for (; *s; s++) {
        if (*s == '\n')
            uart_write("\r", 1);
        uart_write(s, 1);
    }
}
static void put_u64(uint64_t v, int base)
{
    char buf[20], *p = buf + sizeof buf;
    do
        *--p = "0123456789abcdef"[v % base];
    while (v /= base);
    uart_write(p, (size_t)(buf + sizeof buf - p));
}

static bool on_text(void *user, const char *text, size_t len)
{
    (void)user;
    uart_write(text, len);
    return true;
}

void on_exception(uint64_t esr, uint64_t elr, uint64_t far) /* from start.S's vectors */
{
    print("\nexception: ESR 0x"), put_u64(esr, 16), print(" ELR 0x"), put_u64(elr, 16);
    print(" FAR 0x"), put_u64(far, 16), print("\n");
}

static int fail(const char *what, const err_t *err)
{
    print("error: "), print(what), print(": "), print(err->msg), print("\n");
    return 1;
}

int main(void)
{
    kern_cpu_t cpu = {
        .asimd = (SYSREG(id_aa64pfr0_el1) >> 20 & 0xf) != 0xf,
        .dotprod = (SYSREG(id_aa64isar0_el1) >> 44 & 0xf) == 1,
        .i8mm = (SYSREG(id_aa64isar1_el1) >> 52 & 0xf) == 1,
    };
    llm_init(&cpu, KERN_I8MM);

    static llm_model_t model; /* the engine's (see llm.h); static: they outlive any one call */
    static llm_ctx_t ctx;
    arena_t arena;
    err_t err;
    arena_init(&arena, arena_buf, sizeof arena_buf);
    if (llm_model_load(&model, minimal_model_start, (size_t)(minimal_model_end - minimal_model_start), &arena,
                       &err) != ERR_OK)
        return fail("model load", &err);
    llm_ctx_params_t p;
    llm_ctx_params_default(&p);
    p.n_ctx = N_CTX;
    if (llm_ctx_init(&ctx, &model, &p, &arena, &err) != ERR_OK)
        return fail("context", &err);

    llm_gen_config_t g;
    llm_gen_config_default(&g);
    g.max_tokens = N_TOKENS;
    g.sampling.temperature = 0; /* greedy */
    llm_result_t r;
    print("prompt: \"" PROMPT "\", "), put_u64(N_TOKENS, 10), print(" tokens\n--- text ---\n");
    if (llm_generate(&ctx, PROMPT, sizeof PROMPT - 1, &g, on_text, NULL, &r, &err) != ERR_OK)
        return print("\n"), fail("generate", &err);
    print("\n--- end ---\nkernels: "), print(llm_kernels_name());
    print("; prompt "), put_u64(r.n_prompt, 10), print(" tokens in "), put_u64(r.prefill_us / 1000, 10);
    print(" ms, generated "), put_u64(r.n_generated, 10), print(" in "), put_u64(r.decode_us / 1000, 10);
    arena_stats_t st;
    arena_get_stats(&arena, &st);
    print(" ms; arena high water "), put_u64(st.high_water_bytes >> 10, 10), print(" KiB\n");
    return 0;
}
