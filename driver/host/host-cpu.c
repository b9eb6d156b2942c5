/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Host CPU: /proc/cpuinfo, CPU topology and caches from sysfs, /proc/stat. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver/host/host.h"
#include "driver/host/host-priv.h"
#include "util/error.h"
#include "util/i18n.h"

#define SYS_CPU "/sys/devices/system/cpu"

/*
 * Linux cpuinfo flag -> libvirt feature name (cpu_map).  Only CPUID-backed
 * flags are listed; the kernel's synthetic flags (rep_good, nopl, ...) are
 * not CPU features.  sse4.1/sse4.2 are spelled with '_' because the
 * capability schema forbids '.' in feature names.
 */
static const struct {
    const char *linux_name;
    const char *libvirt_name;
} cpu_flag_map[] = {
    { "vme", "vme" }, { "ds", "ds" }, { "acpi", "acpi" }, { "ss", "ss" },
    { "ht", "ht" }, { "tm", "tm" }, { "pbe", "pbe" },
    { "pclmulqdq", "pclmuldq" }, { "dtes64", "dtes64" },
    { "monitor", "monitor" }, { "ds_cpl", "ds_cpl" }, { "vmx", "vmx" },
    { "smx", "smx" }, { "est", "est" }, { "tm2", "tm2" },
    { "ssse3", "ssse3" }, { "fma", "fma" }, { "xtpr", "xtpr" },
    { "pdcm", "pdcm" }, { "pcid", "pcid" }, { "dca", "dca" },
    { "sse4_1", "sse4_1" }, { "sse4_2", "sse4_2" }, { "x2apic", "x2apic" },
    { "movbe", "movbe" }, { "popcnt", "popcnt" },
    { "tsc_deadline_timer", "tsc-deadline" }, { "aes", "aes" },
    { "xsave", "xsave" }, { "avx", "avx" }, { "f16c", "f16c" },
    { "rdrand", "rdrand" }, { "hypervisor", "hypervisor" },
    { "arat", "arat" }, { "fsgsbase", "fsgsbase" },
    { "tsc_adjust", "tsc_adjust" }, { "bmi1", "bmi1" }, { "hle", "hle" },
    { "avx2", "avx2" }, { "smep", "smep" }, { "bmi2", "bmi2" },
    { "erms", "erms" }, { "invpcid", "invpcid" }, { "rtm", "rtm" },
    { "mpx", "mpx" }, { "avx512f", "avx512f" }, { "avx512dq", "avx512dq" },
    { "rdseed", "rdseed" }, { "adx", "adx" }, { "smap", "smap" },
    { "avx512ifma", "avx512ifma" }, { "clflushopt", "clflushopt" },
    { "clwb", "clwb" }, { "avx512pf", "avx512pf" },
    { "avx512er", "avx512er" }, { "avx512cd", "avx512cd" },
    { "sha_ni", "sha-ni" }, { "avx512bw", "avx512bw" },
    { "avx512vl", "avx512vl" }, { "avx512vbmi", "avx512vbmi" },
    { "umip", "umip" }, { "pku", "pku" }, { "ospke", "ospke" },
    { "waitpkg", "waitpkg" }, { "avx512_vbmi2", "avx512vbmi2" },
    { "gfni", "gfni" }, { "vaes", "vaes" }, { "vpclmulqdq", "vpclmulqdq" },
    { "avx512_vnni", "avx512vnni" }, { "avx512_bitalg", "avx512bitalg" },
    { "avx512_vpopcntdq", "avx512-vpopcntdq" }, { "la57", "la57" },
    { "rdpid", "rdpid" }, { "cldemote", "cldemote" },
    { "movdiri", "movdiri" }, { "movdir64b", "movdir64b" },
    { "fsrm", "fsrm" }, { "avx512_4vnniw", "avx512-4vnniw" },
    { "avx512_4fmaps", "avx512-4fmaps" }, { "md_clear", "md-clear" },
    { "serialize", "serialize" }, { "tsx_ldtrk", "tsx-ldtrk" },
    { "amx_bf16", "amx-bf16" }, { "avx512_fp16", "avx512-fp16" },
    { "amx_tile", "amx-tile" }, { "amx_int8", "amx-int8" },
    { "arch_capabilities", "arch-capabilities" },
    { "flush_l1d", "flush-l1d" }, { "avx_vnni", "avx-vnni" },
    { "avx512_bf16", "avx512-bf16" }, { "xsaveopt", "xsaveopt" },
    { "xsavec", "xsavec" }, { "xgetbv1", "xgetbv1" }, { "xsaves", "xsaves" },
    { "mmxext", "mmxext" }, { "fxsr_opt", "fxsr_opt" },
    { "pdpe1gb", "pdpe1gb" }, { "rdtscp", "rdtscp" }, { "3dnowext", "3dnowext" },
    { "3dnow", "3dnow" }, { "lahf_lm", "lahf_lm" },
    { "cmp_legacy", "cmp_legacy" }, { "svm", "svm" },
    { "extapic", "extapic" }, { "cr8_legacy", "cr8legacy" }, { "abm", "abm" },
    { "sse4a", "sse4a" }, { "misalignsse", "misalignsse" },
    { "3dnowprefetch", "3dnowprefetch" }, { "osvw", "osvw" },
    { "ibs", "ibs" }, { "xop", "xop" }, { "skinit", "skinit" },
    { "wdt", "wdt" }, { "lwp", "lwp" }, { "fma4", "fma4" }, { "tce", "tce" },
    { "nodeid_msr", "nodeid_msr" }, { "tbm", "tbm" },
    { "topoext", "topoext" }, { "perfctr_core", "perfctr_core" },
    { "perfctr_nb", "perfctr_nb" }, { "clzero", "clzero" },
    { "xsaveerptr", "xsaveerptr" }, { "wbnoinvd", "wbnoinvd" },
    { "ibpb", "ibpb" }, { "ibrs", "ibrs" }, { "stibp", "stibp" },
    { "ssbd", "ssbd" }, { "amd_ssbd", "amd-ssbd" },
    { "virt_ssbd", "virt-ssbd" }, { "amd_stibp", "amd-stibp" },
};

/* kvm64, the base model we name: its features are implied, not listed. */
static const char *const kvm64_features[] = {
    "fpu", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "sep",
    "mtrr", "pge", "mca", "cmov", "pat", "pse36", "clflush", "mmx", "fxsr",
    "sse", "sse2", "pni", "cx16", "lm", "syscall", "nx", NULL,
};

const char *
host_cpu_flag_to_libvirt(const char *flag)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(cpu_flag_map); i++) {
        if (g_str_equal(cpu_flag_map[i].linux_name, flag))
            return cpu_flag_map[i].libvirt_name;
    }
    return NULL;
}

void
host_cpuinfo_clear(HostCpuInfo *info)
{
    g_clear_pointer(&info->vendor_id, g_free);
    g_clear_pointer(&info->model_name, g_free);
    g_clear_pointer(&info->flags, g_ptr_array_unref);
}

static gboolean
parse_uint(const char *s, int base, unsigned long long *out)
{
    guint64 v;

    if (!g_ascii_string_to_unsigned(s, base, 0, G_MAXUINT64, &v, NULL))
        return FALSE;
    *out = v;
    return TRUE;
}

static void
host_cpuinfo_line(HostCpuInfo *info, const char *key, const char *val)
{
    unsigned long long v;

    if (g_str_equal(key, "vendor_id") && !info->vendor_id) {
        info->vendor_id = g_strdup(val);
    } else if (g_str_equal(key, "model name") && !info->model_name) {
        info->model_name = g_strdup(val);
    } else if (g_str_equal(key, "cpu family") && parse_uint(val, 10, &v)) {
        info->family = v;
        info->have_signature = TRUE;
    } else if (g_str_equal(key, "model") && parse_uint(val, 10, &v)) {
        info->model = v;
    } else if (g_str_equal(key, "stepping") && parse_uint(val, 10, &v)) {
        info->stepping = v;
    } else if (g_str_equal(key, "microcode")) {
        if (g_str_has_prefix(val, "0x") && parse_uint(val + 2, 16, &v)) {
            info->microcode = v;
            info->have_microcode = TRUE;
        }
    } else if (g_str_equal(key, "cpu MHz")) {
        info->mhz = g_ascii_strtod(val, NULL);
    } else if (g_str_equal(key, "flags") && !info->flags) {
        g_auto(GStrv) flags = g_strsplit_set(val, " \t", -1);
        char **f;

        info->flags = g_ptr_array_new_with_free_func(g_free);
        for (f = flags; *f; f++) {
            if (**f)
                g_ptr_array_add(info->flags, g_strdup(*f));
        }
    } else if (g_str_equal(key, "address sizes")) {
        info->phys_bits = (unsigned int) g_ascii_strtoull(val, NULL, 10);
    }
}

int
host_cpuinfo_parse(const char *text, HostCpuInfo *info)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    gboolean seen = FALSE;
    char **l;

    memset(info, 0, sizeof(*info));
    for (l = lines; *l; l++) {
        char *colon = strchr(*l, ':');
        g_autofree char *key = NULL;
        g_autofree char *val = NULL;

        if (g_strstrip(*l)[0] == '\0') {
            if (seen)
                break;
            continue;
        }
        if (!colon)
            continue;
        key = g_strstrip(g_strndup(*l, colon - *l));
        val = g_strstrip(g_strdup(colon + 1));
        if (g_str_equal(key, "processor"))
            seen = TRUE;
        host_cpuinfo_line(info, key, val);
    }
    if (!info->flags)
        info->flags = g_ptr_array_new_with_free_func(g_free);
    if (!info->vendor_id) {
        host_cpuinfo_clear(info);
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INTERNAL_ERROR, "%s",
                     _("no vendor_id in /proc/cpuinfo"));
        return -1;
    }
    return 0;
}

GArray *
host_cpulist_parse(const char *text)
{
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    g_autofree char *copy = g_strstrip(g_strdup(text));
    g_auto(GStrv) parts = g_strsplit(copy, ",", -1);
    char **p;

    for (p = parts; *p && **p; p++) {
        g_auto(GStrv) range = g_strsplit(*p, "-", 2);
        guint64 lo, hi, i;

        if (!g_ascii_string_to_unsigned(range[0], 10, 0, 65535, &lo, NULL))
            return NULL;
        hi = lo;
        if (range[1] &&
            !g_ascii_string_to_unsigned(range[1], 10, lo, 65535, &hi, NULL))
            return NULL;
        for (i = lo; i <= hi; i++) {
            unsigned int id = i;

            g_array_append_val(ids, id);
        }
    }
    return g_steal_pointer(&ids);
}

static char *
sysfs_read_trimmed(const char *path)
{
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return g_strstrip(text);
}

static gboolean
sysfs_read_uint(const char *path, unsigned int *out)
{
    g_autofree char *text = sysfs_read_trimmed(path);
    guint64 v;

    if (!text || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT, &v, NULL))
        return FALSE;
    *out = v;
    return TRUE;
}

GArray *
host_cpu_online_list(void)
{
    g_autofree char *text = sysfs_read_trimmed(SYS_CPU "/online");
    GArray *ids = text ? host_cpulist_parse(text) : NULL;

    if (!ids) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        unsigned int i;

        ids = g_array_new(FALSE, FALSE, sizeof(unsigned int));
        for (i = 0; i < (unsigned int) MAX(n, 1); i++)
            g_array_append_val(ids, i);
    }
    return ids;
}

int
host_cpu_topology(unsigned int cpu, unsigned int *socket_id,
                  unsigned int *die_id, unsigned int *core_id,
                  char **siblings)
{
    g_autofree char *dir = g_strdup_printf(SYS_CPU "/cpu%u/topology", cpu);
    g_autofree char *p_socket = g_build_filename(dir, "physical_package_id", NULL);
    g_autofree char *p_die = g_build_filename(dir, "die_id", NULL);
    g_autofree char *p_core = g_build_filename(dir, "core_id", NULL);
    g_autofree char *p_sib = g_build_filename(dir, "thread_siblings_list", NULL);

    if (!sysfs_read_uint(p_socket, socket_id) ||
        !sysfs_read_uint(p_core, core_id))
        return -1;
    if (!sysfs_read_uint(p_die, die_id))
        *die_id = 0;
    *siblings = sysfs_read_trimmed(p_sib);
    if (!*siblings)
        *siblings = g_strdup_printf("%u", cpu);
    return 0;
}

/* Counts distinct sockets, dies per socket, cores per die, threads per core. */
static void
host_cpu_count_topology(unsigned int *sockets, unsigned int *dies,
                        unsigned int *cores, unsigned int *threads)
{
    g_autoptr(GArray) cpus = host_cpu_online_list();
    g_autoptr(GHashTable) s = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_autoptr(GHashTable) d = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_autoptr(GHashTable) c = g_hash_table_new(g_direct_hash, g_direct_equal);
    unsigned int ncpus = cpus->len;
    guint i;

    for (i = 0; i < cpus->len; i++) {
        unsigned int sock, die, core;
        g_autofree char *sib = NULL;

        if (host_cpu_topology(g_array_index(cpus, unsigned int, i),
                              &sock, &die, &core, &sib) < 0)
            break;
        /* keys pack (socket, die, core) into one pointer-sized value */
        g_hash_table_add(s, GUINT_TO_POINTER(sock + 1));
        g_hash_table_add(d, GUINT_TO_POINTER(((guintptr) sock << 8 | die) + 1));
        g_hash_table_add(c, GUINT_TO_POINTER(((guintptr) sock << 24 |
                                              (guintptr) die << 16 | core) + 1));
    }
    if (i < cpus->len || ncpus == 0) {
        *sockets = 1;
        *dies = 1;
        *cores = MAX(ncpus, 1);
        *threads = 1;
        return;
    }
    *sockets = g_hash_table_size(s);
    *dies = MAX(g_hash_table_size(d) / *sockets, 1);
    *cores = MAX(g_hash_table_size(c) / g_hash_table_size(d), 1);
    *threads = MAX(ncpus / g_hash_table_size(c), 1);
}

static gboolean
strv_contains(const char *const *v, const char *s)
{
    for (; *v; v++) {
        if (g_str_equal(*v, s))
            return TRUE;
    }
    return FALSE;
}

static gboolean
flags_have(GPtrArray *flags, const char *flag)
{
    guint i;

    for (i = 0; i < flags->len; i++) {
        if (g_str_equal(g_ptr_array_index(flags, i), flag))
            return TRUE;
    }
    return FALSE;
}

static int
host_cpuinfo_read(HostCpuInfo *info)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents("/proc/cpuinfo", &text, NULL, &err)) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INTERNAL_ERROR,
                     _("cannot read %1$s: %2$s"), "/proc/cpuinfo",
                     err->message);
        return -1;
    }
    return host_cpuinfo_parse(text, info);
}

static void
host_cpu_fill_features(CapsHostCpu *cpu, GPtrArray *flags)
{
    guint i;

    for (i = 0; i < flags->len; i++) {
        const char *flag = g_ptr_array_index(flags, i);
        const char *name = host_cpu_flag_to_libvirt(flag);

        if (name && !strv_contains(kvm64_features, flag))
            g_ptr_array_add(cpu->features, g_strdup(name));
    }
    if (flags_have(flags, "constant_tsc") && flags_have(flags, "nonstop_tsc"))
        g_ptr_array_add(cpu->features, g_strdup("invtsc"));
}

int
host_cpu_fill_caps(Caps *caps)
{
    g_auto(HostCpuInfo) info = { 0 };
    CapsHostCpu *cpu = &caps->cpu;

    if (host_cpuinfo_read(&info) < 0)
        return -1;
    cpu->arch = g_strdup("x86_64");
    cpu->model = g_strdup("kvm64");
    if (g_str_equal(info.vendor_id, "AuthenticAMD"))
        cpu->vendor = g_strdup("AMD");
    else if (g_str_equal(info.vendor_id, "GenuineIntel"))
        cpu->vendor = g_strdup("Intel");
    else if (g_str_equal(info.vendor_id, "HygonGenuine"))
        cpu->vendor = g_strdup("Hygon");
    else
        cpu->vendor = g_strdup(info.vendor_id);
    cpu->have_microcode = info.have_microcode;
    cpu->microcode = info.microcode;
    cpu->have_signature = info.have_signature;
    cpu->family = info.family;
    cpu->model_id = info.model;
    cpu->stepping = info.stepping;
    if (flags_have(info.flags, "constant_tsc") &&
        flags_have(info.flags, "nonstop_tsc") && info.mhz > 0)
        cpu->tsc_hz = (unsigned long long) (info.mhz * 1000.0 + 0.5) * 1000ULL;
    host_cpu_count_topology(&cpu->sockets, &cpu->dies, &cpu->cores,
                            &cpu->threads);
    cpu->phys_bits = info.phys_bits;
    host_cpu_fill_features(cpu, info.flags);
    g_array_unref(cpu->page_sizes);
    cpu->page_sizes = host_page_sizes();
    return 0;
}

static gboolean
host_cache_size_kib(const char *text, unsigned long long *kib)
{
    char *end = NULL;
    unsigned long long v = g_ascii_strtoull(text, &end, 10);

    if (end == text)
        return FALSE;
    if (*end == 'K')
        *kib = v;
    else if (*end == 'M')
        *kib = v * 1024;
    else
        *kib = v / 1024;
    return TRUE;
}

static void
host_cache_add_bank(Caps *caps, const char *dir)
{
    g_autofree char *p_level = g_build_filename(dir, "level", NULL);
    g_autofree char *p_type = g_build_filename(dir, "type", NULL);
    g_autofree char *p_size = g_build_filename(dir, "size", NULL);
    g_autofree char *p_id = g_build_filename(dir, "id", NULL);
    g_autofree char *p_cpus = g_build_filename(dir, "shared_cpu_list", NULL);
    g_autofree char *type = sysfs_read_trimmed(p_type);
    g_autofree char *size = sysfs_read_trimmed(p_size);
    g_autofree char *cpus = sysfs_read_trimmed(p_cpus);
    unsigned int level, id;
    unsigned long long kib;
    const char *xtype;
    guint i;

    if (!sysfs_read_uint(p_level, &level) || level < 3 || !type || !size ||
        !cpus || !sysfs_read_uint(p_id, &id) || !host_cache_size_kib(size, &kib))
        return;
    if (g_str_equal(type, "Unified"))
        xtype = "both";
    else if (g_str_equal(type, "Instruction"))
        xtype = "code";
    else
        xtype = "data";
    for (i = 0; i < caps->cache_banks->len; i++) {
        CapsCacheBank *b = g_ptr_array_index(caps->cache_banks, i);

        if (b->id == id && b->level == level && g_str_equal(b->type, xtype))
            return;
    }
    if (kib % 1024 == 0)
        g_ptr_array_add(caps->cache_banks,
                        caps_cache_bank_new(id, level, xtype, kib / 1024,
                                            "MiB", cpus));
    else
        g_ptr_array_add(caps->cache_banks,
                        caps_cache_bank_new(id, level, xtype, kib, "KiB", cpus));
}

void
host_cpu_fill_cache(Caps *caps)
{
    g_autoptr(GArray) cpus = host_cpu_online_list();
    guint i, idx;

    for (i = 0; i < cpus->len; i++) {
        for (idx = 0; idx < 16; idx++) {
            g_autofree char *dir =
                g_strdup_printf(SYS_CPU "/cpu%u/cache/index%u",
                                g_array_index(cpus, unsigned int, i), idx);

            if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
                break;
            host_cache_add_bank(caps, dir);
        }
    }
}

int
host_node_get_info(HostNodeInfo *info)
{
    g_auto(HostCpuInfo) cpuinfo = { 0 };
    g_autoptr(GArray) cpus = host_cpu_online_list();
    g_autoptr(GArray) nodes = host_numa_node_list();
    unsigned int sockets, dies, cores, threads;
    unsigned long long mem_kib = 0;

    if (host_cpuinfo_read(&cpuinfo) < 0)
        return -1;
    /* virNodeInfo.memory is the machine's physical memory, as libvirt
     * reports it: NUMA node totals can miss hot-plugged memory. */
    if (host_meminfo_lookup("/proc/meminfo", "MemTotal", &mem_kib) < 0) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INTERNAL_ERROR, "%s",
                     _("cannot read the host memory size"));
        return -1;
    }
    host_cpu_count_topology(&sockets, &dies, &cores, &threads);
    memset(info, 0, sizeof(*info));
    g_strlcpy(info->model, "x86_64", sizeof(info->model));
    info->memory = mem_kib;
    info->cpus = cpus->len;
    info->mhz = (unsigned int) cpuinfo.mhz;
    info->nodes = MAX(nodes->len, 1);
    /* virNodeInfo: sockets per node; dies fold into cores as libvirt does */
    info->sockets = MAX(sockets / info->nodes, 1);
    info->cores = cores * dies;
    info->threads = threads;
    if (info->nodes * info->sockets * info->cores * info->threads != info->cpus) {
        /* irregular topology: libvirt reports a flat one then */
        info->nodes = 1;
        info->sockets = 1;
        info->cores = info->cpus;
        info->threads = 1;
    }
    return 0;
}

int
host_node_get_cpu_stats(int cpu, GArray **stats)
{
    g_autofree char *text = NULL;
    g_autofree char *want = cpu < 0 ? g_strdup("cpu") :
                            g_strdup_printf("cpu%d", cpu);
    g_auto(GStrv) lines = NULL;
    guint64 tick_ns = 1000000000ULL / (guint64) MAX(sysconf(_SC_CLK_TCK), 1);
    char **l;

    if (cpu < HOST_NODE_ALL) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                     _("Invalid cpuNum %1$d"), cpu);
        return -1;
    }
    if (!g_file_get_contents("/proc/stat", &text, NULL, NULL)) {
        error_report_errno(VK_FROM_CAPABILITIES, errno, _("cannot read %1$s"),
                           "/proc/stat");
        return -1;
    }
    lines = g_strsplit(text, "\n", -1);
    for (l = lines; *l; l++) {
        guint64 v[8] = { 0 };
        char name[32];
        int n = sscanf(*l, "%31s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                       " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                       " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                       " %" G_GUINT64_FORMAT, name, &v[0], &v[1], &v[2],
                       &v[3], &v[4], &v[5], &v[6]);

        if (n < 5 || !g_str_equal(name, want))
            continue;
        *stats = g_array_new(FALSE, TRUE, sizeof(HostNodeStat));
        /* user = user+nice; kernel = system+irq+softirq (as libvirt) */
        host_stats_add(*stats, "kernel", (v[2] + v[5] + v[6]) * tick_ns);
        host_stats_add(*stats, "user", (v[0] + v[1]) * tick_ns);
        host_stats_add(*stats, "idle", v[3] * tick_ns);
        host_stats_add(*stats, "iowait", v[4] * tick_ns);
        return 0;
    }
    error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                 _("Invalid cpuNum %1$d"), cpu);
    return -1;
}
