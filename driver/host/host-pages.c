/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CPU map and huge page pools (virsh nodecpumap, freepages, allocpages). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "driver/host/host.h"
#include "driver/host/host-priv.h"
#include "util/error.h"
#include "util/i18n.h"

#define SYS_NODE "/sys/devices/system/node"
#define SYS_HUGEPAGES "/sys/kernel/mm/hugepages"

int
host_node_get_cpu_map(unsigned char **cpumap, unsigned int *online)
{
    g_autoptr(GArray) on = host_cpu_online_list();
    g_autofree char *text = NULL;
    g_autoptr(GArray) present = NULL;
    unsigned int ncpus = 0;
    guint i;

    if (g_file_get_contents("/sys/devices/system/cpu/present", &text, NULL, NULL))
        present = host_cpulist_parse(text);
    if (present && present->len)
        ncpus = g_array_index(present, unsigned int, present->len - 1) + 1;
    for (i = 0; i < on->len; i++)
        ncpus = MAX(ncpus, g_array_index(on, unsigned int, i) + 1);
    if (cpumap) {
        *cpumap = g_malloc0((ncpus + 7) / 8);
        for (i = 0; i < on->len; i++) {
            unsigned int id = g_array_index(on, unsigned int, i);

            (*cpumap)[id / 8] |= 1u << (id % 8);
        }
    }
    if (online)
        *online = on->len;
    return (int) ncpus;
}

/* Cells of the host: sysfs node ids, or {0} without NUMA sysfs. */
static GArray *
host_cells(gboolean *numa)
{
    GArray *nodes = host_numa_node_list();
    unsigned int zero = 0;

    *numa = nodes->len > 0;
    if (!*numa)
        g_array_append_val(nodes, zero);
    return nodes;
}

static int
host_check_cells(GArray *cells, int start, unsigned int count)
{
    unsigned int last = g_array_index(cells, unsigned int, cells->len - 1);
    guint i;

    if (start < 0 || count == 0 || (guint64) start + count - 1 > last) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                     _("start cell %1$d out of range (0-%2$u)"), start, last);
        return -1;
    }
    for (i = 0; i < count; i++) {
        unsigned int want = start + i;
        guint j;

        for (j = 0; j < cells->len; j++) {
            if (g_array_index(cells, unsigned int, j) == want)
                break;
        }
        if (j == cells->len) {
            error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                         _("Invalid cell number %1$u"), want);
            return -1;
        }
    }
    return 0;
}

static char *
hugepage_path(gboolean numa, unsigned int cell, unsigned int size_kib,
              const char *file)
{
    if (numa)
        return g_strdup_printf(SYS_NODE "/node%u/hugepages/hugepages-%ukB/%s",
                               cell, size_kib, file);
    return g_strdup_printf(SYS_HUGEPAGES "/hugepages-%ukB/%s", size_kib, file);
}

static int
host_free_pages_one(gboolean numa, unsigned int cell, unsigned int size_kib,
                    guint64 *count)
{
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;
    unsigned long long kib;

    if (size_kib == (unsigned int) (sysconf(_SC_PAGESIZE) / 1024)) {
        g_autofree char *meminfo = numa ?
            g_strdup_printf(SYS_NODE "/node%u/meminfo", cell) :
            g_strdup("/proc/meminfo");

        if (host_meminfo_lookup(meminfo, "MemFree", &kib) < 0)
            goto fail;
        *count = kib / size_kib;
        return 0;
    }
    path = hugepage_path(numa, cell, size_kib, "free_hugepages");
    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                     _("page size %1$u KiB is not supported on this host"),
                     size_kib);
        return -1;
    }
    *count = g_ascii_strtoull(text, NULL, 10);
    return 0;
 fail:
    error_report(VK_FROM_CAPABILITIES, VK_ERR_INTERNAL_ERROR,
                 _("cannot read free memory of cell %1$u"), cell);
    return -1;
}

int
host_node_get_free_pages(unsigned int npages, const unsigned int *pages,
                         int start_cell, unsigned int cell_count,
                         guint64 *counts)
{
    gboolean numa;
    g_autoptr(GArray) cells = host_cells(&numa);
    unsigned int c, i;

    if (host_check_cells(cells, start_cell, cell_count) < 0)
        return -1;
    for (c = 0; c < cell_count; c++) {
        for (i = 0; i < npages; i++) {
            if (host_free_pages_one(numa, start_cell + c, pages[i],
                                    &counts[c * npages + i]) < 0)
                return -1;
        }
    }
    return (int) (cell_count * npages);
}

static int
host_alloc_pages_one(gboolean numa, unsigned int cell, unsigned int size_kib,
                     unsigned long long count, gboolean set)
{
    g_autofree char *path = hugepage_path(numa, cell, size_kib, "nr_hugepages");
    g_autofree char *text = NULL;
    g_autofree char *value = NULL;
    unsigned long long now;
    ssize_t written;
    int fd;

    if (size_kib == (unsigned int) (sysconf(_SC_PAGESIZE) / 1024) ||
        !g_file_get_contents(path, &text, NULL, NULL)) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                     _("page size %1$u KiB cannot be allocated on this host"),
                     size_kib);
        return -1;
    }
    now = g_ascii_strtoull(text, NULL, 10);
    value = g_strdup_printf("%llu", set ? count : now + count);
    /* a sysfs attribute: one write(), no temporary file */
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        error_report_errno(VK_FROM_CAPABILITIES, errno, _("cannot open %1$s"),
                           path);
        return -1;
    }
    written = write(fd, value, strlen(value));
    if (written < 0) {
        error_report_errno(VK_FROM_CAPABILITIES, errno,
                           _("cannot set %1$s to %2$s"), path, value);
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int
host_node_alloc_pages(unsigned int npages, const unsigned int *page_sizes,
                      const unsigned long long *page_counts, int start_cell,
                      unsigned int cell_count, unsigned int flags)
{
    gboolean numa;
    g_autoptr(GArray) cells = host_cells(&numa);
    gboolean set = (flags & HOST_ALLOC_PAGES_SET) != 0;
    unsigned int c, i;

    if (flags & ~HOST_ALLOC_PAGES_SET) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                     _("unsupported flags (0x%1$x)"), flags & ~HOST_ALLOC_PAGES_SET);
        return -1;
    }
    if (start_cell == -1) {
        /* the whole host: the global pool spreads over the nodes itself */
        for (i = 0; i < npages; i++) {
            if (host_alloc_pages_one(FALSE, 0, page_sizes[i], page_counts[i],
                                     set) < 0)
                return -1;
        }
        return 1;
    }
    if (host_check_cells(cells, start_cell, cell_count) < 0)
        return -1;
    for (c = 0; c < cell_count; c++) {
        for (i = 0; i < npages; i++) {
            if (host_alloc_pages_one(numa, start_cell + c, page_sizes[i],
                                     page_counts[i], set) < 0)
                return -1;
        }
    }
    return (int) cell_count;
}
