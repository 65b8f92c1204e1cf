/*
 * Extracts boot_info_t from an opened device tree: memory and reserved
 * ranges, the pl011 console, /chosen (bootargs, initrd), PSCI and the CPUs
 * (count and affinity). It relies on drivers/fdt for all blob access and bounds checks and
 * only interprets values; it knows nothing about other devices.
 */
#include "kernel/boot_info.h"

#include "llm/platform.h"

/* Cell counts a bus uses for its children's "reg". */
typedef struct bus_cells {
    uint32_t addr, size;
} bus_cells_t;

/* A fixed array of ranges being filled. */
typedef struct range_list {
    mem_range_t *r;
    size_t *n;
    size_t max;
    bool must_fit; /* overflow is an error rather than ignored */
} range_list_t;

/* A node's name for messages ("/" for the root). */
static const char *label(const fdt_t *f, int node)
{
    const char *name = fdt_node_name(f, node);

    return name == NULL ? "?" : name[0] == '\0' ? "/" : name;
}

static bool is_enabled(const fdt_t *f, int node)
{
    const char *s = fdt_prop_string(f, node, "status");

    return s == NULL || strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0;
}

/* Reads "#address-cells"/"#size-cells" of bus into *v if present. */
static err_code_t cell_count(const fdt_t *f, int bus, const char *name,
                             uint32_t *v, err_t *err)
{
    size_t len = 0;
    uint64_t x = 0;
    const void *p = fdt_prop(f, bus, name, &len);

    if (p == NULL)
        return ERR_OK;
    if (len != 4 || !fdt_read_cells(p, len, 0, 1, &x))
        return err_set(err, ERR_FORMAT,
                       "device tree: %s of %s is %zu bytes, not one cell",
                       name, label(f, bus), len);
    if (x < 1 || x > 2)
        return err_set(err, ERR_UNSUPPORTED,
                       "device tree: %s = %u in %s is not supported (only 1 "
                       "or 2)", name, (unsigned)x, label(f, bus));
    *v = (uint32_t)x;
    return ERR_OK;
}

/* The cell counts of bus (defaults 2 and 1 per the specification). */
static err_code_t bus_cells(const fdt_t *f, int bus, bus_cells_t *c,
                            err_t *err)
{
    err_code_t rc;

    c->addr = 2;
    c->size = 1;
    rc = cell_count(f, bus, "#address-cells", &c->addr, err);
    return rc != ERR_OK ? rc : cell_count(f, bus, "#size-cells", &c->size,
                                          err);
}

static err_code_t add_range(range_list_t *l, uint64_t base, uint64_t size,
                            const char *where, err_t *err)
{
    if (size > UINT64_MAX - base)
        return err_set(err, ERR_FORMAT,
                       "device tree: range 0x%llx + 0x%llx in %s wraps past "
                       "2^64", (unsigned long long)base,
                       (unsigned long long)size, where);
    if (size == 0)
        return ERR_OK;
    if (*l->n == l->max)
        return l->must_fit ? err_set(err, ERR_RANGE,
                                     "device tree: more than %zu ranges "
                                     "(at %s)", l->max, where)
                           : ERR_OK;
    l->r[*l->n].base = base;
    l->r[*l->n].size = size;
    ++*l->n;
    return ERR_OK;
}

/* Adds every range of node's "reg", read with its parent's cell counts. */
static err_code_t add_reg(const fdt_t *f, int node, range_list_t *l,
                          err_t *err)
{
    bus_cells_t c;
    size_t len = 0, i, per;
    uint64_t base = 0, size = 0;
    const void *reg;
    err_code_t rc = bus_cells(f, fdt_parent(f, node), &c, err);

    if (rc != ERR_OK)
        return rc;
    per = c.addr + c.size;
    reg = fdt_prop(f, node, "reg", &len);
    if (reg == NULL || len == 0 || len % (per * 4) != 0)
        return err_set(err, ERR_FORMAT,
                       "device tree: reg of %s is %zu bytes, not a whole "
                       "number of %zu-cell entries", label(f, node), len, per);
    for (i = 0; i < len / (per * 4) && rc == ERR_OK; i++) {
        fdt_read_cells(reg, len, i * per, c.addr, &base);
        fdt_read_cells(reg, len, i * per + c.addr, c.size, &size);
        rc = add_range(l, base, size, label(f, node), err);
    }
    return rc;
}

static err_code_t find_ram(const fdt_t *f, boot_info_t *out, err_t *err)
{
    range_list_t l = {out->ram, &out->n_ram, BOOT_MAX_RAM, false};
    err_code_t rc = ERR_OK;
    int node;

    for (node = fdt_root(f); node >= 0 && rc == ERR_OK;
         node = fdt_next_node(f, node)) {
        if (fdt_prop_string_is(f, node, "device_type", "memory") &&
            is_enabled(f, node))
            rc = add_reg(f, node, &l, err);
    }
    if (rc == ERR_OK && out->n_ram == 0)
        rc = err_set(err, ERR_NOT_FOUND, "device tree: no memory node");
    return rc;
}

static err_code_t find_reserved(const fdt_t *f, boot_info_t *out, err_t *err)
{
    range_list_t l = {out->reserved, &out->n_reserved, BOOT_MAX_RESERVED,
                      true};
    uint64_t base, size;
    err_code_t rc = ERR_OK;
    size_t i;
    int node;

    for (i = 0; fdt_reserved_get(f, i, &base, &size) && rc == ERR_OK; i++)
        rc = add_range(&l, base, size, "/memreserve/", err);
    node = fdt_first_child(f, fdt_path_offset(f, "/reserved-memory"));
    for (; node >= 0 && rc == ERR_OK; node = fdt_next_sibling(f, node)) {
        if (fdt_prop(f, node, "reg", NULL) != NULL)
            rc = add_reg(f, node, &l, err);
    }
    return rc;
}

/* A string property, "" if absent or empty; unterminated is an error. */
static err_code_t opt_string(const fdt_t *f, int node, const char *name,
                             const char **out, err_t *err)
{
    size_t len = 0;
    const char *s = fdt_prop(f, node, name, &len);

    *out = "";
    if (s == NULL || len == 0)
        return ERR_OK;
    if (s[len - 1] != '\0')
        return err_set(err, ERR_FORMAT,
                       "device tree: %s of %s is not a terminated string",
                       name, label(f, node));
    *out = s;
    return ERR_OK;
}

/* A 4- or 8-byte number property of /chosen; *present tells if it exists. */
static err_code_t chosen_number(const fdt_t *f, int chosen, const char *name,
                                uint64_t *v, bool *present, err_t *err)
{
    size_t len = 0;
    const void *p = fdt_prop(f, chosen, name, &len);

    *present = p != NULL;
    if (p != NULL && ((len != 4 && len != 8) ||
                      !fdt_read_cells(p, len, 0, (uint32_t)(len / 4), v)))
        return err_set(err, ERR_FORMAT,
                       "device tree: /chosen %s is %zu bytes, not 4 or 8",
                       name, len);
    return ERR_OK;
}

static err_code_t find_initrd(const fdt_t *f, int chosen, boot_info_t *out,
                              err_t *err)
{
    bool has_start = false, has_end = false;
    err_code_t rc = chosen_number(f, chosen, "linux,initrd-start",
                                  &out->initrd_start, &has_start, err);

    if (rc == ERR_OK)
        rc = chosen_number(f, chosen, "linux,initrd-end", &out->initrd_end,
                           &has_end, err);
    if (rc != ERR_OK)
        return rc;
    if (has_start != has_end)
        return err_set(err, ERR_FORMAT,
                       "device tree: /chosen has only one of "
                       "linux,initrd-start and linux,initrd-end");
    if (has_start && out->initrd_end < out->initrd_start)
        return err_set(err, ERR_FORMAT,
                       "device tree: initrd end 0x%llx is before its start "
                       "0x%llx", (unsigned long long)out->initrd_end,
                       (unsigned long long)out->initrd_start);
    out->has_initrd = has_start;
    return ERR_OK;
}

/* The first enabled node compatible with one of compat[0..n), or -1. */
static int find_compatible(const fdt_t *f, const char *const *compat,
                           size_t n)
{
    int node;
    size_t i;

    for (node = fdt_root(f); node >= 0; node = fdt_next_node(f, node)) {
        for (i = 0; i < n; i++) {
            if (fdt_prop_string_is(f, node, "compatible", compat[i]) &&
                is_enabled(f, node))
                return node;
        }
    }
    return -1;
}

/* The node /chosen's stdout-path names (without ":options"), or -1. */
static int stdout_node(const fdt_t *f, int chosen)
{
    const char *path = fdt_prop_string(f, chosen, "stdout-path");
    size_t len = 0;

    if (path == NULL)
        path = fdt_prop_string(f, chosen, "linux,stdout-path");
    if (path == NULL)
        return -1;
    while (path[len] != '\0' && path[len] != ':')
        len++;
    return fdt_path_offset_len(f, path, len);
}

static err_code_t find_uart(const fdt_t *f, int chosen, boot_info_t *out,
                            err_t *err)
{
    static const char *const pl011[] = {"arm,pl011"};
    mem_range_t r = {0, 0};
    size_t n = 0;
    range_list_t l = {&r, &n, 1, false};
    int node = stdout_node(f, chosen);
    err_code_t rc;

    if (node < 0 || !fdt_prop_string_is(f, node, "compatible", pl011[0]))
        node = find_compatible(f, pl011, 1);
    if (node < 0)
        return ERR_OK;
    rc = add_reg(f, node, &l, err);
    if (rc == ERR_OK && n == 0)
        rc = err_set(err, ERR_FORMAT, "device tree: pl011 %s has an empty reg",
                     label(f, node));
    out->has_uart = rc == ERR_OK;
    out->uart_base = r.base;
    return rc;
}

/* The CPU_ON function id: the node's "cpu_on" cell, else (PSCI 0.2 and later) the standard one. */
static err_code_t psci_cpu_on_id(const fdt_t *f, int node, boot_info_t *out,
                                 err_t *err)
{
    size_t len = 0;
    uint64_t id = PSCI_CPU_ON_64;
    const void *p = fdt_prop(f, node, "cpu_on", &len);

    if (p != NULL && (len != 4 || !fdt_read_cells(p, len, 0, 1, &id)))
        return err_set(err, ERR_FORMAT,
                       "device tree: PSCI cpu_on of %s is %zu bytes, not one "
                       "cell", label(f, node), len);
    if (p == NULL && !fdt_prop_string_is(f, node, "compatible",
                                         "arm,psci-0.2") &&
        !fdt_prop_string_is(f, node, "compatible", "arm,psci-1.0"))
        return err_set(err, ERR_FORMAT,
                       "device tree: PSCI 0.1 node %s has no cpu_on id",
                       label(f, node));
    out->psci_cpu_on = (uint32_t)id;
    return ERR_OK;
}

static err_code_t find_psci(const fdt_t *f, boot_info_t *out, err_t *err)
{
    static const char *const psci[] = {"arm,psci-1.0", "arm,psci-0.2",
                                       "arm,psci"};
    int node = find_compatible(f, psci, 3);
    const char *method;

    out->psci = PSCI_NONE;
    if (node < 0)
        return ERR_OK;
    method = fdt_prop_string(f, node, "method");
    if (method != NULL && strcmp(method, "hvc") == 0)
        out->psci = PSCI_HVC;
    else if (method != NULL && strcmp(method, "smc") == 0)
        out->psci = PSCI_SMC;
    else
        return err_set(err, ERR_FORMAT,
                       "device tree: PSCI node %s has method \"%s\", not "
                       "\"hvc\" or \"smc\"", label(f, node),
                       method != NULL ? method : "(none)");
    return psci_cpu_on_id(f, node, out, err);
}

/* The children of /cpus with device_type "cpu": count, and the first ones' affinity and enable method. */
static err_code_t find_cpus(const fdt_t *f, boot_info_t *out, err_t *err)
{
    int cpus = fdt_path_offset(f, "/cpus");
    uint32_t cells = 2;
    err_code_t rc = cpus >= 0 ? cell_count(f, cpus, "#address-cells", &cells,
                                           err) : ERR_OK;
    int node = fdt_first_child(f, cpus);

    for (; rc == ERR_OK && node >= 0; node = fdt_next_sibling(f, node)) {
        size_t len = 0;
        uint64_t mpidr = 0;
        const void *reg;

        if (!fdt_prop_string_is(f, node, "device_type", "cpu"))
            continue;
        if (out->n_cpus++ >= BOOT_MAX_CPUS)
            continue;
        reg = fdt_prop(f, node, "reg", &len);
        if (reg == NULL || len != cells * 4 ||
            !fdt_read_cells(reg, len, 0, cells, &mpidr))
            rc = err_set(err, ERR_FORMAT,
                         "device tree: cpu %s has no reg of %u cell(s)",
                         label(f, node), (unsigned)cells);
        out->cpu_mpidr[out->n_cpu_ids] = mpidr;
        out->cpu_psci[out->n_cpu_ids++] =
            fdt_prop_string_is(f, node, "enable-method", "psci");
    }
    return rc;
}

err_code_t boot_info_from_fdt(const fdt_t *f, boot_info_t *out, err_t *err)
{
    int chosen = fdt_path_offset(f, "/chosen");
    err_code_t rc;

    memset(out, 0, sizeof *out);
    out->bootargs = "";
    out->model = "";
    rc = find_ram(f, out, err);
    if (rc == ERR_OK)
        rc = find_reserved(f, out, err);
    if (rc == ERR_OK)
        rc = opt_string(f, chosen, "bootargs", &out->bootargs, err);
    if (rc == ERR_OK)
        rc = opt_string(f, fdt_root(f), "model", &out->model, err);
    if (rc == ERR_OK)
        rc = find_initrd(f, chosen, out, err);
    if (rc == ERR_OK)
        rc = find_uart(f, chosen, out, err);
    if (rc == ERR_OK)
        rc = find_psci(f, out, err);
    if (rc == ERR_OK)
        rc = find_cpus(f, out, err);
    return rc;
}
