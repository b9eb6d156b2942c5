/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host driver: what the connection-level procedures report about the
 * machine (capabilities, domain capabilities, node info and statistics,
 * sysinfo, hostname, max vCPUs, security model).  Every function reads the
 * host afresh (/proc, sysfs, /dev/kvm); they are thread-safe.  Failures
 * return -1 or NULL with an error reported through util/error.h; returned
 * strings and arrays are newly allocated and owned by the caller.
 */
#pragma once

#include <glib.h>

/* Same fields and meaning as libvirt's virNodeInfo. */
typedef struct {
    char model[32];                 /* "x86_64" */
    unsigned long memory;           /* KiB */
    unsigned int cpus;              /* online CPUs */
    unsigned int mhz;
    unsigned int nodes;             /* NUMA nodes */
    unsigned int sockets;           /* per node */
    unsigned int cores;             /* per socket */
    unsigned int threads;           /* per core */
} HostNodeInfo;

/* One element of the memory or CPU statistics (virNodeMemoryStats). */
typedef struct {
    char field[80];
    guint64 value;
} HostNodeStat;

/* Cell / CPU number meaning "the whole host" (VIR_NODE_*_STATS_ALL_*). */
#define HOST_NODE_ALL (-1)

/* CONNECT_GET_CAPABILITIES: capability.rng-valid XML. */
char *host_capabilities_format(void);

/*
 * CONNECT_GET_DOMAIN_CAPABILITIES.  Each argument may be NULL (defaults:
 * our VMM, x86_64, machine "virtkvm-1.0" (aliases pc, q35), type kvm).
 * Unknown emulator/arch/machine -> VK_ERR_INVALID_ARG; virttype other
 * than kvm -> VK_ERR_CONFIG_UNSUPPORTED (as libvirt's qemu driver).
 */
char *host_domain_capabilities_format(const char *emulator, const char *arch,
                                      const char *machine,
                                      const char *virttype);

/* NODE_GET_INFO. */
int host_node_get_info(HostNodeInfo *info);

/*
 * NODE_GET_MEMORY_STATS: *stats receives a GArray of HostNodeStat with
 * "total", "free", "buffers", "cached" in KiB (per cell: "total", "free").
 * @cell HOST_NODE_ALL for the host; an absent cell -> VK_ERR_INVALID_ARG.
 */
int host_node_get_memory_stats(int cell, GArray **stats);

/*
 * NODE_GET_CPU_STATS: "kernel", "user", "idle", "iowait" in nanoseconds
 * from /proc/stat; @cpu HOST_NODE_ALL for the sum of all CPUs.
 */
int host_node_get_cpu_stats(int cpu, GArray **stats);

/* NODE_GET_FREE_MEMORY: free bytes on the host. */
int host_node_get_free_memory(guint64 *bytes);

/*
 * NODE_GET_CELLS_FREE_MEMORY: free bytes of cells @start .. @start+@max-1
 * into @out (room for @max values); *n is the number written.
 */
int host_node_get_cells_free_memory(int start, int max, guint64 *out, int *n);

/*
 * NODE_GET_CPU_MAP: returns the number of CPUs present (highest id + 1);
 * *cpumap (if non-NULL) receives a bitmap of the online CPUs, (n+7)/8
 * bytes, *online (if non-NULL) their count.  -1 on failure.
 */
int host_node_get_cpu_map(unsigned char **cpumap, unsigned int *online);

/*
 * NODE_GET_FREE_PAGES: free pages of each size in @pages (KiB) for cells
 * @start_cell .. +@cell_count-1, into @counts[cell * npages + i].  Sizes
 * the host does not have -> VK_ERR_INVALID_ARG.  Returns the number of
 * values written.
 */
int host_node_get_free_pages(unsigned int npages, const unsigned int *pages,
                             int start_cell, unsigned int cell_count,
                             guint64 *counts);

/* virNodeAllocPagesFlags: add to the pool (0) or set its size. */
#define HOST_ALLOC_PAGES_SET (1 << 0)

/*
 * NODE_ALLOC_PAGES: grows (or with HOST_ALLOC_PAGES_SET sets) the huge
 * page pools of the given cells (@start_cell -1: the whole host).
 * Returns the number of cells changed.
 */
int host_node_alloc_pages(unsigned int npages, const unsigned int *page_sizes,
                          const unsigned long long *page_counts,
                          int start_cell, unsigned int cell_count,
                          unsigned int flags);

/* CONNECT_GET_SYSINFO: <sysinfo type='smbios'> from DMI (minimal without). */
char *host_sysinfo_format(void);

/* CONNECT_GET_HOSTNAME. */
char *host_get_hostname(void);

/*
 * CONNECT_GET_MAX_VCPUS: @type NULL or "kvm" -> what KVM allows (capped
 * by the VMM's limit); "qemu" is refused as is any other unknown type
 * (VK_ERR_INVALID_ARG).
 */
int host_get_max_vcpus(const char *type);

/* NODE_GET_SECURITY_MODEL: the primary model ("selinux" or "none") and doi. */
int host_node_get_security_model(char **model, char **doi);

/*
 * The user and group the VMM runs as, reported as the dac baselabel.
 * Default "virtkvm"; the daemon calls this after reading its config.
 */
int host_set_vmm_user(const char *user, const char *group);

/*
 * The daemon's security manager (borrowed; NULL to unset): when set, the
 * capabilities' <secmodel> entries and NODE_GET_SECURITY_MODEL come from
 * it, so they name exactly the drivers guests are confined with.
 */
typedef struct SecurityManager SecurityManager;
void host_set_security_manager(SecurityManager *mgr);

/* The path of our VMM: $VIRTKVM_VMM, else VMM_INSTALL_PATH. */
const char *host_vmm_path(void);
