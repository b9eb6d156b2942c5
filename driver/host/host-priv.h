/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Probes shared by the files of driver/host; not for other layers. */
#pragma once

#include <glib.h>

#include "conf/capabilities/capabilities-conf.h"
#include "conf/capabilities/sysinfo-conf.h"

/* What /proc/cpuinfo says about the first processor and the flag list. */
typedef struct {
    char *vendor_id;                /* AuthenticAMD, GenuineIntel */
    char *model_name;
    unsigned int family;
    unsigned int model;
    unsigned int stepping;
    gboolean have_signature;
    unsigned long long microcode;
    gboolean have_microcode;
    double mhz;
    unsigned int phys_bits;
    GPtrArray *flags;               /* char * (Linux names) */
} HostCpuInfo;

/* Parses the text of /proc/cpuinfo (first processor block); 0 or -1. */
int host_cpuinfo_parse(const char *text, HostCpuInfo *info);
void host_cpuinfo_clear(HostCpuInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(HostCpuInfo, host_cpuinfo_clear)

/* libvirt's name for a Linux cpuinfo flag, or NULL if not reported. */
const char *host_cpu_flag_to_libvirt(const char *flag);

/* Online CPU ids, sorted (GArray of unsigned int); never NULL. */
GArray *host_cpu_online_list(void);

/* Topology of one CPU from sysfs; 0, or -1 when sysfs lacks it (no error). */
int host_cpu_topology(unsigned int cpu, unsigned int *socket_id,
                      unsigned int *die_id, unsigned int *core_id,
                      char **siblings);

/* Parses a cpulist ("0-3,8") into sorted ids; NULL on malformed input. */
GArray *host_cpulist_parse(const char *text);

/* Fills caps->cpu (arch, model, vendor, topology, features, page sizes). */
int host_cpu_fill_caps(Caps *caps);
/* Fills caps->cache_banks from sysfs (level 3 and above, like libvirt). */
void host_cpu_fill_cache(Caps *caps);

/* NUMA node ids present in sysfs (sorted); empty without NUMA sysfs. */
GArray *host_numa_node_list(void);
/* Hugepage sizes in KiB, sorted, 4 first (always present). */
GArray *host_page_sizes(void);
/* Fills caps->cells (one synthetic cell without NUMA sysfs). */
int host_memory_fill_cells(Caps *caps);

/* Reads "Key: value kB" from a meminfo file; -1 if absent (no error). */
int host_meminfo_lookup(const char *path, const char *key,
                        unsigned long long *kib);

/*
 * Sysinfo XML from DMI attributes in @dir and the raw SMBIOS table at
 * @table (may be NULL or unreadable); tests pass fake ones.
 */
char *host_sysinfo_format_from(const char *dir, const char *table);

/*
 * Adds "processor" and "memory_device" sections for SMBIOS structures of
 * type 4 and 17 found in @data; returns the structures walked.
 */
guint host_smbios_parse(const guint8 *data, gsize len, Sysinfo *info);

/* Appends a HostNodeStat to @stats. */
void host_stats_add(GArray *stats, const char *field, guint64 value);

/* The max vCPUs of a guest of our VMM on this host (KVM and VMM limit). */
int host_kvm_max_vcpus(void);

/* Limit of the VMM's machine (xAPIC ids in its ACPI MADT). */
#define HOST_VMM_MAX_VCPUS 255
#define HOST_MACHINE_NAME "virtkvm-1.0"
