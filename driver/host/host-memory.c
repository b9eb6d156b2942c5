/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Host memory: /proc/meminfo, NUMA nodes and huge pages from sysfs. */
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include "driver/host/host.h"
#include "driver/host/host-priv.h"
#include "util/error.h"
#include "util/i18n.h"

#define SYS_NODE "/sys/devices/system/node"
#define SYS_HUGEPAGES "/sys/kernel/mm/hugepages"

int
host_meminfo_lookup(const char *path, const char *key, unsigned long long *kib)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    size_t klen = strlen(key);
    char **l;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return -1;
    lines = g_strsplit(text, "\n", -1);
    for (l = lines; *l; l++) {
        char *p = *l;

        /* per-node files prefix each line with "Node N " */
        if (g_str_has_prefix(p, "Node ")) {
            p = strchr(p + 5, ' ');
            if (!p)
                continue;
            p++;
        }
        if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
            *kib = g_ascii_strtoull(p + klen + 1, NULL, 10);
            return 0;
        }
    }
    return -1;
}

static gint
cmp_uint(gconstpointer a, gconstpointer b)
{
    unsigned int x = *(const unsigned int *) a;
    unsigned int y = *(const unsigned int *) b;

    return x < y ? -1 : x > y;
}

/* Numeric suffixes of entries "<prefix>N<suffix>" in @dir, sorted. */
static GArray *
dir_list_numbered(const char *dir, const char *prefix, const char *suffix)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *num = NULL;
        guint64 v;

        if (!g_str_has_prefix(name, prefix) || !g_str_has_suffix(name, suffix))
            continue;
        num = g_strndup(name + strlen(prefix),
                        strlen(name) - strlen(prefix) - strlen(suffix));
        if (g_ascii_string_to_unsigned(num, 10, 0, G_MAXUINT, &v, NULL)) {
            unsigned int id = v;

            g_array_append_val(ids, id);
        }
    }
    g_array_sort(ids, cmp_uint);
    return ids;
}

GArray *
host_numa_node_list(void)
{
    return dir_list_numbered(SYS_NODE, "node", "");
}

GArray *
host_page_sizes(void)
{
    GArray *sizes = dir_list_numbered(SYS_HUGEPAGES, "hugepages-", "kB");
    unsigned int base = 4;

    g_array_prepend_val(sizes, base);
    return sizes;
}

static unsigned long long
read_ull(const char *path)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    return g_ascii_strtoull(text, NULL, 10);
}

static void
host_cell_fill_pages(CapsCell *cell, gboolean numa)
{
    g_autoptr(GArray) sizes = host_page_sizes();
    unsigned long long huge_kib = 0;
    CapsPages base = { .size_kib = 4 };
    guint i;

    for (i = 1; i < sizes->len; i++) {
        unsigned int sz = g_array_index(sizes, unsigned int, i);
        g_autofree char *path = numa ?
            g_strdup_printf(SYS_NODE "/node%u/hugepages/hugepages-%ukB/nr_hugepages",
                            cell->id, sz) :
            g_strdup_printf(SYS_HUGEPAGES "/hugepages-%ukB/nr_hugepages", sz);
        CapsPages pg = { .size_kib = sz, .count = read_ull(path) };

        huge_kib += pg.count * sz;
        g_array_append_val(cell->pages, pg);
    }
    base.count = cell->memory_kib > huge_kib ?
                 (cell->memory_kib - huge_kib) / 4 : 0;
    g_array_prepend_val(cell->pages, base);
}

static void
host_cell_fill_distances(CapsCell *cell)
{
    g_autofree char *path =
        g_strdup_printf(SYS_NODE "/node%u/distance", cell->id);
    g_autoptr(GArray) nodes = host_numa_node_list();
    g_autofree char *text = NULL;
    g_auto(GStrv) vals = NULL;
    guint i;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return;
    vals = g_strsplit_set(g_strstrip(text), " \t", -1);
    /* the file lists distances to every possible node in id order */
    for (i = 0; vals[i] && i < nodes->len; i++) {
        CapsDistance d = {
            .id = g_array_index(nodes, unsigned int, i),
            .value = (unsigned int) g_ascii_strtoull(vals[i], NULL, 10),
        };

        if (d.value >= 10 && d.value <= 255)
            g_array_append_val(cell->distances, d);
    }
}

static void
host_cell_fill_cpus(CapsCell *cell, GArray *ids)
{
    guint i;

    for (i = 0; i < ids->len; i++) {
        CapsCellCpu c = { .id = g_array_index(ids, unsigned int, i) };

        c.have_topology = host_cpu_topology(c.id, &c.socket_id, &c.die_id,
                                            &c.core_id, &c.siblings) == 0;
        g_array_append_val(cell->cpus, c);
    }
}

static int
host_memory_fill_flat_cell(Caps *caps)
{
    CapsCell *cell = caps_cell_new(0);
    g_autoptr(GArray) cpus = host_cpu_online_list();

    g_ptr_array_add(caps->cells, cell);
    if (host_meminfo_lookup("/proc/meminfo", "MemTotal",
                            &cell->memory_kib) < 0) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INTERNAL_ERROR, "%s",
                     _("cannot read the host memory size"));
        return -1;
    }
    host_cell_fill_pages(cell, FALSE);
    host_cell_fill_cpus(cell, cpus);
    return 0;
}

int
host_memory_fill_cells(Caps *caps)
{
    g_autoptr(GArray) nodes = host_numa_node_list();
    guint i;

    if (nodes->len == 0)
        return host_memory_fill_flat_cell(caps);
    for (i = 0; i < nodes->len; i++) {
        CapsCell *cell = caps_cell_new(g_array_index(nodes, unsigned int, i));
        g_autofree char *meminfo =
            g_strdup_printf(SYS_NODE "/node%u/meminfo", cell->id);
        g_autofree char *cpulist_path =
            g_strdup_printf(SYS_NODE "/node%u/cpulist", cell->id);
        g_autofree char *cpulist = NULL;
        g_autoptr(GArray) cpus = NULL;

        g_ptr_array_add(caps->cells, cell);
        host_meminfo_lookup(meminfo, "MemTotal", &cell->memory_kib);
        host_cell_fill_pages(cell, TRUE);
        host_cell_fill_distances(cell);
        if (g_file_get_contents(cpulist_path, &cpulist, NULL, NULL))
            cpus = host_cpulist_parse(cpulist);
        if (cpus)
            host_cell_fill_cpus(cell, cpus);
    }
    return 0;
}

void
host_stats_add(GArray *stats, const char *field, guint64 value)
{
    HostNodeStat st = { 0 };

    g_strlcpy(st.field, field, sizeof(st.field));
    st.value = value;
    g_array_append_val(stats, st);
}

/* The meminfo file of @cell, or NULL with VK_ERR_INVALID_ARG reported. */
static char *
host_cell_meminfo_path(int cell)
{
    g_autoptr(GArray) nodes = host_numa_node_list();
    guint i;

    if (cell == HOST_NODE_ALL)
        return g_strdup("/proc/meminfo");
    for (i = 0; cell >= 0 && i < nodes->len; i++) {
        if (g_array_index(nodes, unsigned int, i) == (unsigned int) cell)
            return g_strdup_printf(SYS_NODE "/node%d/meminfo", cell);
    }
    /* without NUMA sysfs the host is one cell 0 */
    if (cell == 0 && nodes->len == 0)
        return g_strdup("/proc/meminfo");
    error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                 _("Invalid cell number %1$d"), cell);
    return NULL;
}

int
host_node_get_memory_stats(int cell, GArray **stats)
{
    static const struct {
        const char *key;
        const char *field;
    } fields[] = {
        { "MemTotal", "total" }, { "MemFree", "free" },
        { "Buffers", "buffers" }, { "Cached", "cached" },
    };
    g_autofree char *path = host_cell_meminfo_path(cell);
    g_autoptr(GArray) out = NULL;
    gsize i;

    if (!path)
        return -1;
    out = g_array_new(FALSE, TRUE, sizeof(HostNodeStat));
    for (i = 0; i < G_N_ELEMENTS(fields); i++) {
        unsigned long long kib;

        if (host_meminfo_lookup(path, fields[i].key, &kib) == 0)
            host_stats_add(out, fields[i].field, kib);
    }
    if (out->len == 0) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INTERNAL_ERROR,
                     _("cannot read memory statistics from %1$s"), path);
        return -1;
    }
    *stats = g_steal_pointer(&out);
    return 0;
}

static int
host_cell_free_bytes(unsigned int node, guint64 *bytes)
{
    g_autofree char *path =
        g_strdup_printf(SYS_NODE "/node%u/meminfo", node);
    unsigned long long kib;

    if (host_meminfo_lookup(path, "MemFree", &kib) < 0) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INTERNAL_ERROR,
                     _("cannot read memory statistics from %1$s"), path);
        return -1;
    }
    *bytes = (guint64) kib * 1024;
    return 0;
}

int
host_node_get_free_memory(guint64 *bytes)
{
    g_autoptr(GArray) nodes = host_numa_node_list();
    unsigned long long kib;
    guint64 sum = 0;
    guint i;

    if (nodes->len == 0) {
        if (host_meminfo_lookup("/proc/meminfo", "MemFree", &kib) < 0) {
            error_report(VK_FROM_CAPABILITIES, VK_ERR_INTERNAL_ERROR, "%s",
                         _("cannot read the free host memory"));
            return -1;
        }
        *bytes = (guint64) kib * 1024;
        return 0;
    }
    for (i = 0; i < nodes->len; i++) {
        guint64 b;

        if (host_cell_free_bytes(g_array_index(nodes, unsigned int, i), &b) < 0)
            return -1;
        sum += b;
    }
    *bytes = sum;
    return 0;
}

int
host_node_get_cells_free_memory(int start, int max, guint64 *out, int *n)
{
    g_autoptr(GArray) nodes = host_numa_node_list();
    int last_id = nodes->len ? (int) g_array_index(nodes, unsigned int,
                                                   nodes->len - 1) : 0;
    int cell, count = 0;

    if (start < 0 || start > last_id || max < 0) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                     _("start cell %1$d out of range (0-%2$d)"), start, last_id);
        return -1;
    }
    for (cell = start; cell <= last_id && count < max; cell++) {
        if (nodes->len == 0) {
            if (host_node_get_free_memory(&out[count]) < 0)
                return -1;
        } else if (host_cell_free_bytes(cell, &out[count]) < 0) {
            return -1;
        }
        count++;
    }
    *n = count;
    return 0;
}
