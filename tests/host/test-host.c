/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver/host against the machine it runs on: every value is re-derived
 * here from /proc and sysfs by independent code, and every XML document is
 * validated with xmllint against libvirt's schemas.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <pwd.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <linux/kvm.h>

#include "driver/host/host.h"
#include "driver/host/host-priv.h"
#include "security/manager.h"
#include "util/error.h"
#include "tests/host/xmltest.h"

/* Value of "Key:" in a meminfo-style file (KiB), read the simple way. */
static guint64
meminfo_kib(const char *path, const char *key)
{
    g_autofree char *text = NULL;
    g_autofree char *needle = g_strdup_printf("%s:", key);
    char *p;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    p = strstr(text, needle);
    g_assert_nonnull(p);
    return g_ascii_strtoull(p + strlen(needle), NULL, 10);
}

static unsigned int
count_nodes(void)
{
    unsigned int n = 0;

    while (TRUE) {
        g_autofree char *p = g_strdup_printf("/sys/devices/system/node/node%u", n);

        if (!g_file_test(p, G_FILE_TEST_IS_DIR))
            return n;
        n++;
    }
}

static char *
cpuinfo_field(const char *key)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    char **l;

    g_assert_true(g_file_get_contents("/proc/cpuinfo", &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (l = lines; *l; l++) {
        if (g_str_has_prefix(*l, key) && strchr(*l, ':') &&
            g_ascii_isspace((*l)[strlen(key)]))
            return g_strstrip(g_strdup(strchr(*l, ':') + 1));
    }
    return NULL;
}

static void
test_capabilities(void)
{
    g_autofree char *xml = host_capabilities_format();
    g_autofree char *xml2 = host_capabilities_format();
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree char *uuid = NULL, *uuid2 = NULL;
    g_autofree char *dac = NULL, *expect_dac = NULL;
    g_autofree char *flags = cpuinfo_field("flags");
    g_autoptr(xmlDoc) doc2 = NULL;
    unsigned int nodes = count_nodes(), i;
    double sockets, dies, cores, threads;
    struct passwd *pw;

    g_assert_nonnull(xml);
    xmltest_assert_valid(xml, "capability.rng");
    doc = xmltest_parse(xml);
    doc2 = xmltest_parse(xml2);

    /* stable host uuid */
    uuid = xmltest_xpath_string(doc, "/capabilities/host/uuid");
    uuid2 = xmltest_xpath_string(doc2, "/capabilities/host/uuid");
    g_assert_true(g_uuid_string_is_valid(uuid));
    g_assert_cmpstr(uuid, ==, uuid2);

    xmltest_assert_xpath_str(doc, "/capabilities/host/cpu/arch", "x86_64");

    /* topology multiplies out to the online CPUs */
    sockets = xmltest_xpath_number(doc, "//host/cpu/topology/@sockets");
    dies = xmltest_xpath_number(doc, "//host/cpu/topology/@dies");
    cores = xmltest_xpath_number(doc, "//host/cpu/topology/@cores");
    threads = xmltest_xpath_number(doc, "//host/cpu/topology/@threads");
    g_assert_cmpfloat(sockets * dies * cores * threads, ==,
                      sysconf(_SC_NPROCESSORS_ONLN));
    g_assert_cmpfloat(xmltest_xpath_number(doc, "count(//cells/cell/cpus/cpu)"),
                      ==, sysconf(_SC_NPROCESSORS_ONLN));

    /* flags are reported under libvirt's names */
    if (strstr(flags, " avx2 "))
        g_assert_cmpfloat(xmltest_xpath_number(doc,
                          "count(//host/cpu/feature[@name='avx2'])"), ==, 1);
    if (strstr(flags, " pclmulqdq "))
        g_assert_cmpfloat(xmltest_xpath_number(doc,
                          "count(//host/cpu/feature[@name='pclmuldq'])"), ==, 1);
    g_assert_cmpfloat(xmltest_xpath_number(doc,
                      "count(//host/cpu/feature[@name='rep_good'])"), ==, 0);

    /* NUMA cells equal sysfs */
    for (i = 0; i < nodes; i++) {
        g_autofree char *path =
            g_strdup_printf("/sys/devices/system/node/node%u/meminfo", i);
        g_autofree char *xp =
            g_strdup_printf("//cells/cell[@id='%u']/memory", i);

        g_assert_cmpfloat(xmltest_xpath_number(doc, xp), ==,
                          meminfo_kib(path, "MemTotal"));
    }
    if (nodes > 0)
        g_assert_cmpfloat(xmltest_xpath_number(doc, "//cells/@num"), ==, nodes);
    g_assert_cmpfloat(xmltest_xpath_number(doc,
                      "count(//cell[1]/pages[@size='4'])"), ==, 1);

    /* the guest is our VMM with pc/q35 aliases */
    xmltest_assert_xpath_str(doc, "//guest/arch[@name='x86_64']/emulator", host_vmm_path());
    xmltest_assert_xpath_str(doc, "//guest/arch/machine[text()='q35']/@canonical", "virtkvm-1.0");
    g_assert_cmpfloat(xmltest_xpath_number(doc,
                      "count(//guest/arch/domain[@type='kvm'])"), ==, 1);

    /* dac base label of the VMM user */
    pw = getpwnam("virtkvm");
    dac = xmltest_xpath_string(doc, "//secmodel[model='dac']/baselabel[@type='kvm']");
    if (pw) {
        expect_dac = g_strdup_printf("+%u:+%u", (unsigned int) pw->pw_uid,
                                     (unsigned int) pw->pw_gid);
        g_assert_cmpstr(dac, ==, expect_dac);
    }
}

static void
test_capabilities_vmm_env(void)
{
    g_autofree char *xml = NULL;
    g_autoptr(xmlDoc) doc = NULL;

    g_setenv("VIRTKVM_VMM", "/tmp/x&y/virtkvm-vmm", TRUE);
    xml = host_capabilities_format();
    g_unsetenv("VIRTKVM_VMM");
    xmltest_assert_valid(xml, "capability.rng");
    doc = xmltest_parse(xml);
    xmltest_assert_xpath_str(doc, "//guest/arch/emulator", "/tmp/x&y/virtkvm-vmm");
}

static void
test_domcapabilities(void)
{
    static const char *const machines[] = { NULL, "pc", "q35", "virtkvm-1.0" };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(machines); i++) {
        g_autofree char *xml =
            host_domain_capabilities_format(NULL, "x86_64", machines[i], "kvm");
        g_autoptr(xmlDoc) doc = NULL;

        g_assert_nonnull(xml);
        xmltest_assert_valid(xml, "domaincaps.rng");
        doc = xmltest_parse(xml);
        xmltest_assert_xpath_str(doc, "/domainCapabilities/machine", "virtkvm-1.0");
        xmltest_assert_xpath_str(doc, "/domainCapabilities/path", host_vmm_path());
        g_assert_cmpfloat(xmltest_xpath_number(doc, "/domainCapabilities/vcpu/@max"),
                          ==, host_get_max_vcpus(NULL));
    }
}

static void
expect_domcaps_error(const char *emu, const char *arch, const char *machine,
                     const char *type, int code)
{
    g_autofree char *xml = host_domain_capabilities_format(emu, arch, machine,
                                                           type);

    g_assert_null(xml);
    g_assert_nonnull(error_get_last());
    g_assert_cmpint(error_get_last()->code, ==, code);
    error_reset();
}

static void
test_domcapabilities_errors(void)
{
    expect_domcaps_error(NULL, "aarch64", NULL, NULL, VK_ERR_INVALID_ARG);
    expect_domcaps_error(NULL, NULL, "pc-i440fx-7.2", NULL, VK_ERR_INVALID_ARG);
    expect_domcaps_error("/usr/bin/qemu-system-x86_64", NULL, NULL, NULL,
                         VK_ERR_INVALID_ARG);
    expect_domcaps_error(NULL, NULL, NULL, "bogus", VK_ERR_INVALID_ARG);
    expect_domcaps_error(NULL, NULL, NULL, "qemu", VK_ERR_CONFIG_UNSUPPORTED);
}

static void
test_node_info(void)
{
    HostNodeInfo info;
    guint64 mem;
    g_autofree char *mhz = cpuinfo_field("cpu MHz");

    g_assert_cmpint(host_node_get_info(&info), ==, 0);
    g_assert_cmpstr(info.model, ==, "x86_64");
    g_assert_cmpuint(info.cpus, ==, sysconf(_SC_NPROCESSORS_ONLN));
    g_assert_cmpuint(info.nodes * info.sockets * info.cores * info.threads,
                     ==, info.cpus);
    /* the machine's physical memory, as sysconf sees it (libvirt's rule) */
    mem = (guint64) sysconf(_SC_PHYS_PAGES) * (guint64) sysconf(_SC_PAGESIZE) / 1024;
    g_assert_cmpuint(mem, ==, meminfo_kib("/proc/meminfo", "MemTotal"));
    g_assert_cmpuint(info.memory, ==, mem);
    if (mhz)
        g_assert_cmpuint(info.mhz, ==, (unsigned int) g_ascii_strtod(mhz, NULL));
}

static guint64
stat_value(GArray *stats, const char *field)
{
    guint i;

    for (i = 0; i < stats->len; i++) {
        HostNodeStat *st = &g_array_index(stats, HostNodeStat, i);

        if (g_str_equal(st->field, field))
            return st->value;
    }
    g_error("no field %s", field);
    return 0;
}

static void
test_memory_stats(void)
{
    g_autoptr(GArray) all = NULL;
    g_autoptr(GArray) cell0 = NULL;
    g_autoptr(GArray) bad = NULL;
    guint64 free_kib = meminfo_kib("/proc/meminfo", "MemFree");

    g_assert_cmpint(host_node_get_memory_stats(HOST_NODE_ALL, &all), ==, 0);
    g_assert_cmpuint(all->len, ==, 4);
    g_assert_cmpuint(stat_value(all, "total"), ==,
                     meminfo_kib("/proc/meminfo", "MemTotal"));
    /* free memory moves; allow 64 MiB of drift */
    g_assert_cmpuint(ABS((gint64) stat_value(all, "free") - (gint64) free_kib),
                     <, 65536);
    (void) stat_value(all, "buffers");
    (void) stat_value(all, "cached");

    g_assert_cmpint(host_node_get_memory_stats(0, &cell0), ==, 0);
    if (count_nodes() > 0)
        g_assert_cmpuint(stat_value(cell0, "total"), ==,
                         meminfo_kib("/sys/devices/system/node/node0/meminfo",
                                     "MemTotal"));
    g_assert_cmpint(host_node_get_memory_stats(4096, &bad), ==, -1);
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_INVALID_ARG);
    g_assert_null(bad);
    error_reset();
}

static void
proc_stat_ticks(const char *name, guint64 *user, guint64 *idle)
{
    g_autofree char *text = NULL;
    g_autofree char *needle = g_strdup_printf("\n%s ", name);
    char *p;
    guint64 u, n, s, i;

    g_assert_true(g_file_get_contents("/proc/stat", &text, NULL, NULL));
    if (g_str_equal(name, "cpu"))
        p = text;
    else
        p = strstr(text, needle) + 1;
    g_assert_cmpint(sscanf(p + strlen(name), " %" G_GUINT64_FORMAT
                           " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                           " %" G_GUINT64_FORMAT, &u, &n, &s, &i), ==, 4);
    *user = u + n;
    *idle = i;
}

static void
test_cpu_stats(void)
{
    guint64 tick = 1000000000ULL / sysconf(_SC_CLK_TCK);
    g_autoptr(GArray) all = NULL;
    g_autoptr(GArray) cpu0 = NULL;
    g_autoptr(GArray) bad = NULL;
    guint64 user, idle, user_after, idle_after;

    proc_stat_ticks("cpu", &user, &idle);
    g_assert_cmpint(host_node_get_cpu_stats(HOST_NODE_ALL, &all), ==, 0);
    proc_stat_ticks("cpu", &user_after, &idle_after);
    g_assert_cmpuint(stat_value(all, "user"), >=, user * tick);
    g_assert_cmpuint(stat_value(all, "user"), <=, user_after * tick);
    g_assert_cmpuint(stat_value(all, "idle"), >=, idle * tick);
    g_assert_cmpuint(stat_value(all, "idle"), <=, idle_after * tick);
    (void) stat_value(all, "kernel");
    (void) stat_value(all, "iowait");

    g_assert_cmpint(host_node_get_cpu_stats(0, &cpu0), ==, 0);
    g_assert_cmpuint(stat_value(cpu0, "idle"), <=, stat_value(all, "idle") +
                     1000 * tick);
    g_assert_cmpint(host_node_get_cpu_stats(100000, &bad), ==, -1);
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_INVALID_ARG);
    error_reset();
}

static void
test_free_memory(void)
{
    guint64 bytes = 0, cells[64];
    unsigned int nodes = count_nodes(), i;
    guint64 expect = 0;
    int n = 0;

    g_assert_cmpint(host_node_get_free_memory(&bytes), ==, 0);
    for (i = 0; i < nodes; i++) {
        g_autofree char *path =
            g_strdup_printf("/sys/devices/system/node/node%u/meminfo", i);

        expect += meminfo_kib(path, "MemFree") * 1024;
    }
    if (nodes == 0)
        expect = meminfo_kib("/proc/meminfo", "MemFree") * 1024;
    g_assert_cmpuint(ABS((gint64) bytes - (gint64) expect), <, 64 << 20);

    g_assert_cmpint(host_node_get_cells_free_memory(0, 64, cells, &n), ==, 0);
    g_assert_cmpint(n, ==, MAX(nodes, 1));
    g_assert_cmpuint(cells[0], >, 0);
    g_assert_cmpint(host_node_get_cells_free_memory(1000, 1, cells, &n), ==, -1);
    error_reset();
}

static void
test_sysinfo(void)
{
    g_autofree char *xml = host_sysinfo_format();
    g_autofree char *dir = g_dir_make_tmp("vk-dmi-XXXXXX", NULL);
    g_autofree char *f1 = g_build_filename(dir, "bios_vendor", NULL);
    g_autofree char *f2 = g_build_filename(dir, "product_uuid", NULL);
    g_autofree char *fake = NULL;
    g_autoptr(xmlDoc) doc = NULL;

    g_assert_nonnull(xml);
    g_assert_true(g_str_has_prefix(xml, "<sysinfo type='smbios'"));
    if (!g_file_test("/sys/class/dmi/id", G_FILE_TEST_IS_DIR))
        g_assert_cmpstr(g_strstrip(xml), ==, "<sysinfo type='smbios'/>");

    g_assert_true(g_file_set_contents(f1, "Acme <&> Corp\n", -1, NULL));
    g_assert_true(g_file_set_contents(f2, "\n", -1, NULL));   /* empty: left out */
    fake = host_sysinfo_format_from(dir, NULL);
    g_unlink(f1);
    g_unlink(f2);
    g_rmdir(dir);
    doc = xmltest_parse(fake);
    xmltest_assert_xpath_str(doc, "/sysinfo/bios/entry[@name='vendor']", "Acme <&> Corp");
    g_assert_null(strstr(fake, "<system"));
}

/* Appends one SMBIOS structure: formatted area @fmt (length from @len), strings. */
static void
smbios_append(GByteArray *t, const guint8 *fmt, guint8 len,
              const char *const *strings)
{
    static const guint8 nul = 0;

    g_byte_array_append(t, fmt, len);
    t->data[t->len - len + 1] = len;
    for (; strings && *strings; strings++)
        g_byte_array_append(t, (const guint8 *) *strings, strlen(*strings) + 1);
    if (!strings)
        g_byte_array_append(t, &nul, 1);
    g_byte_array_append(t, &nul, 1);
}

static void
test_smbios_tables(void)
{
    g_autoptr(GByteArray) t = g_byte_array_new();
    g_autoptr(Sysinfo) info = sysinfo_new();
    g_autofree char *xml = NULL, *path = NULL, *dir = NULL, *full = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    guint8 cpu[0x2A] = { 4 }, dimm[0x22] = { 17 }, empty[0x22] = { 17 };
    guint8 end[4] = { 127 };
    const char *const cpu_str[] = { "CPU 0", "AMD", "AMD EPYC 7B13", "S123",
                                    "P456", NULL };
    const char *const dimm_str[] = { "DIMM 0", "P0_Node0", "Samsung", "SN1",
                                     "M393A", NULL };
    struct {
        const char *xpath;
        const char *value;
    } expect[] = {
        { "/sysinfo/processor/entry[@name='socket_destination']", "CPU 0" },
        { "/sysinfo/processor/entry[@name='type']", "Central Processor" },
        { "/sysinfo/processor/entry[@name='family']", "Zen" },
        { "/sysinfo/processor/entry[@name='manufacturer']", "AMD" },
        { "/sysinfo/processor/entry[@name='signature']",
          "Type 0, Family 25, Model 1, Stepping 1" },
        { "/sysinfo/processor/entry[@name='version']", "AMD EPYC 7B13" },
        { "/sysinfo/processor/entry[@name='external_clock']", "100 MHz" },
        { "/sysinfo/processor/entry[@name='max_speed']", "3500 MHz" },
        { "/sysinfo/processor/entry[@name='status']", "Populated, Enabled" },
        { "/sysinfo/processor/entry[@name='serial_number']", "S123" },
        { "/sysinfo/processor/entry[@name='part_number']", "P456" },
        { "/sysinfo/memory_device/entry[@name='size']", "16 GB" },
        { "/sysinfo/memory_device/entry[@name='form_factor']", "DIMM" },
        { "/sysinfo/memory_device/entry[@name='locator']", "DIMM 0" },
        { "/sysinfo/memory_device/entry[@name='bank_locator']", "P0_Node0" },
        { "/sysinfo/memory_device/entry[@name='type']", "DDR4" },
        { "/sysinfo/memory_device/entry[@name='type_detail']",
          "Synchronous Registered (Buffered)" },
        { "/sysinfo/memory_device/entry[@name='speed']", "3200 MT/s" },
        { "/sysinfo/memory_device/entry[@name='manufacturer']", "Samsung" },
        { "/sysinfo/memory_device/entry[@name='serial_number']", "SN1" },
        { "/sysinfo/memory_device/entry[@name='part_number']", "M393A" },
    };
    gsize i;

    cpu[0x04] = 1; cpu[0x05] = 3; cpu[0x06] = 0xFE; cpu[0x07] = 2;
    /* CPUID.1:EAX 0x00A00F11: family 0xF + 0x0A = 25, model 1, stepping 1 */
    cpu[0x08] = 0x11; cpu[0x09] = 0x0F; cpu[0x0A] = 0xA0; cpu[0x0B] = 0x00;
    cpu[0x10] = 3; cpu[0x12] = 100; cpu[0x14] = 3500 & 0xff;
    cpu[0x15] = 3500 >> 8; cpu[0x18] = 0x41; cpu[0x20] = 4; cpu[0x22] = 5;
    cpu[0x28] = 0x6B;
    dimm[0x0C] = 0x00; dimm[0x0D] = 0x40; dimm[0x0E] = 9; dimm[0x10] = 1;
    dimm[0x11] = 2; dimm[0x12] = 0x1A;
    dimm[0x13] = (1 << 7) & 0xff; dimm[0x14] = (1 << 13) >> 8;
    dimm[0x15] = 3200 & 0xff; dimm[0x16] = 3200 >> 8; dimm[0x17] = 3;
    dimm[0x18] = 4; dimm[0x1A] = 5;
    smbios_append(t, cpu, sizeof(cpu), cpu_str);
    smbios_append(t, dimm, sizeof(dimm), dimm_str);
    smbios_append(t, empty, sizeof(empty), NULL);      /* empty slot: skipped */
    smbios_append(t, end, sizeof(end), NULL);
    smbios_append(t, cpu, sizeof(cpu), cpu_str);       /* after the end: ignored */

    g_assert_cmpuint(host_smbios_parse(t->data, t->len, info), ==, 3);
    xml = sysinfo_format(info);
    doc = xmltest_parse(xml);
    for (i = 0; i < G_N_ELEMENTS(expect); i++) {
        g_autofree char *v = xmltest_xpath_string(doc, expect[i].xpath);

        g_assert_cmpstr(v, ==, expect[i].value);
    }
    g_assert_cmpfloat(xmltest_xpath_number(doc, "count(/sysinfo/processor)"), ==, 1);
    g_assert_cmpfloat(xmltest_xpath_number(doc, "count(/sysinfo/memory_device)"), ==, 1);

    /* the same through the file path the daemon reads */
    dir = g_dir_make_tmp("vk-smbios-XXXXXX", NULL);
    path = g_build_filename(dir, "DMI", NULL);
    g_assert_true(g_file_set_contents(path, (const char *) t->data, t->len, NULL));
    full = host_sysinfo_format_from(dir, path);
    g_unlink(path);
    g_rmdir(dir);
    g_assert_nonnull(strstr(full, "<entry name='version'>AMD EPYC 7B13</entry>"));

    /* truncated tables stop the walk without reading past the end */
    for (i = 0; i < t->len; i++) {
        g_autoptr(Sysinfo) part = sysinfo_new();
        g_autofree guint8 *copy = g_memdup2(t->data, i);

        host_smbios_parse(copy, i, part);
    }
}

static void
test_cpu_map(void)
{
    g_autofree unsigned char *map = NULL;
    g_autofree char *present = NULL;
    unsigned int online = 0, i, bits = 0;
    int n;

    n = host_node_get_cpu_map(&map, &online);
    g_assert_true(g_file_get_contents("/sys/devices/system/cpu/present",
                                      &present, NULL, NULL));
    /* "0-N" or "0": the last number plus one */
    g_assert_cmpint(n, ==, atoi(strrchr(present, '-') ? strrchr(present, '-') + 1 :
                                present) + 1);
    g_assert_cmpuint(online, ==, sysconf(_SC_NPROCESSORS_ONLN));
    for (i = 0; i < (unsigned int) n; i++) {
        g_autofree char *p = g_strdup_printf("/sys/devices/system/cpu/cpu%u", i);

        if (map[i / 8] & (1u << (i % 8))) {
            bits++;
            g_assert_true(g_file_test(p, G_FILE_TEST_IS_DIR));
        }
    }
    g_assert_cmpuint(bits, ==, online);
    g_assert_cmpint(host_node_get_cpu_map(NULL, NULL), ==, n);
}

static void
test_free_pages(void)
{
    unsigned int sizes[] = { 4, 2048 };
    unsigned int bad[] = { 8 };
    unsigned long long counts1[] = { 0 };
    guint64 counts[2] = { 0 };
    g_autofree char *nr_path = NULL, *nr = NULL, *nr_after = NULL;
    g_autofree char *free_path = NULL, *free_text = NULL;
    gboolean numa = count_nodes() > 0;
    guint64 free_kib;

    nr_path = g_strdup(numa ?
        "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages" :
        "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages");
    if (!g_file_test(nr_path, G_FILE_TEST_EXISTS)) {
        g_test_skip("no 2 MiB huge pages on this host");
        return;
    }
    free_path = g_strdup(numa ?
        "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages" :
        "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");
    g_assert_cmpint(host_node_get_free_pages(2, sizes, 0, 1, counts), ==, 2);
    free_kib = meminfo_kib(numa ? "/sys/devices/system/node/node0/meminfo" :
                           "/proc/meminfo", "MemFree");
    g_assert_cmpuint(ABS((gint64) counts[0] - (gint64) (free_kib / 4)), <, 16384);
    g_assert_true(g_file_get_contents(free_path, &free_text, NULL, NULL));
    g_assert_cmpuint(counts[1], ==, g_ascii_strtoull(free_text, NULL, 10));

    g_assert_cmpint(host_node_get_free_pages(1, bad, 0, 1, counts), ==, -1);
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_INVALID_ARG);
    g_assert_cmpint(host_node_get_free_pages(1, sizes, 4096, 1, counts), ==, -1);
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_INVALID_ARG);
    error_reset();

    /* exercise the write path without changing the host's pool */
    g_assert_true(g_file_get_contents(nr_path, &nr, NULL, NULL));
    counts1[0] = g_ascii_strtoull(nr, NULL, 10);
    g_assert_cmpint(host_node_alloc_pages(1, &sizes[1], counts1, 0, 1,
                                          HOST_ALLOC_PAGES_SET), ==, 1);
    counts1[0] = 0;
    g_assert_cmpint(host_node_alloc_pages(1, &sizes[1], counts1, 0, 1, 0), ==, 1);
    g_assert_true(g_file_get_contents(nr_path, &nr_after, NULL, NULL));
    g_assert_cmpstr(nr, ==, nr_after);
    g_assert_cmpint(host_node_alloc_pages(1, sizes, counts1, 0, 1, 0), ==, -1);
    error_reset();
    g_assert_cmpint(host_node_alloc_pages(1, &sizes[1], counts1, 0, 1, 4), ==, -1);
    error_reset();
}

static void
test_hostname(void)
{
    g_autofree char *name = host_get_hostname();
    g_autofree char *expect = NULL;

    g_assert_true(g_file_get_contents("/proc/sys/kernel/hostname", &expect,
                                      NULL, NULL));
    g_assert_cmpstr(name, ==, g_strstrip(expect));
}

static void
test_max_vcpus(void)
{
    int fd = open("/dev/kvm", O_RDONLY | O_CLOEXEC);
    int kvm_max;

    if (fd < 0) {
        g_assert_cmpint(host_get_max_vcpus(NULL), ==, -1);
        error_reset();
        g_test_skip("no /dev/kvm");
        return;
    }
    kvm_max = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
    if (kvm_max <= 0)
        kvm_max = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
    close(fd);
    g_assert_cmpint(host_get_max_vcpus(NULL), ==, MIN(kvm_max, 255));
    g_assert_cmpint(host_get_max_vcpus("kvm"), ==, MIN(kvm_max, 255));
    g_assert_cmpint(host_get_max_vcpus("KVM"), ==, MIN(kvm_max, 255));
    g_assert_cmpint(host_get_max_vcpus("xen"), ==, -1);
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_INVALID_ARG);
    error_reset();
}

static void
test_security_model(void)
{
    g_autofree char *model = NULL;
    g_autofree char *doi = NULL;

    g_assert_cmpint(host_node_get_security_model(&model, &doi), ==, 0);
    if (!g_file_test("/sys/fs/selinux/enforce", G_FILE_TEST_EXISTS))
        g_assert_cmpstr(model, ==, "none");
    g_assert_cmpstr(doi, ==, "0");
}

static void
test_security_manager_secmodels(void)
{
    SecurityConfig cfg;
    g_autoptr(SecurityManager) mgr = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *model = NULL, *doi = NULL;
    g_autoptr(xmlDoc) doc = NULL;

    security_config_init(&cfg);
    cfg.user = "+4242";
    cfg.group = "+4343";
    mgr = security_manager_new(&cfg);
    g_assert_nonnull(mgr);
    host_set_security_manager(mgr);
    xml = host_capabilities_format();
    g_assert_cmpint(host_node_get_security_model(&model, &doi), ==, 0);
    host_set_security_manager(NULL);

    xmltest_assert_valid(xml, "capability.rng");
    doc = xmltest_parse(xml);
    xmltest_assert_xpath_str(doc, "//secmodel[model='dac']/baselabel[@type='kvm']", "+4242:+4343");
    xmltest_assert_xpath_str(doc, "//secmodel[1]/model", security_manager_get_model(mgr));
    g_assert_cmpstr(model, ==, security_manager_get_model(mgr));
    g_assert_cmpstr(doi, ==, "0");
}

static void
test_cpuinfo_parse(void)
{
    g_auto(HostCpuInfo) info = { 0 };
    g_auto(HostCpuInfo) bad = { 0 };
    const char *text =
        "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
        "model\t\t: 85\nstepping\t: 7\nmicrocode\t: 0x5003006\n"
        "cpu MHz\t\t: 2100.000\nflags\t\t: fpu sse4_1 tsc_deadline_timer\n"
        "address sizes\t: 46 bits physical, 48 bits virtual\n\n"
        "processor\t: 1\nvendor_id\t: Other\n";

    g_assert_cmpint(host_cpuinfo_parse(text, &info), ==, 0);
    g_assert_cmpstr(info.vendor_id, ==, "GenuineIntel");
    g_assert_cmpuint(info.family, ==, 6);
    g_assert_cmpuint(info.model, ==, 85);
    g_assert_cmpuint(info.stepping, ==, 7);
    g_assert_cmpuint(info.microcode, ==, 0x5003006);
    g_assert_cmpuint(info.phys_bits, ==, 46);
    g_assert_cmpuint(info.flags->len, ==, 3);
    g_assert_cmpstr(host_cpu_flag_to_libvirt("tsc_deadline_timer"), ==,
                    "tsc-deadline");
    g_assert_null(host_cpu_flag_to_libvirt("rep_good"));
    g_assert_cmpint(host_cpuinfo_parse("garbage", &bad), ==, -1);
    error_reset();
}

static void
test_cpulist_parse(void)
{
    g_autoptr(GArray) a = host_cpulist_parse("0-2,5,7-8\n");
    g_autoptr(GArray) b = host_cpulist_parse("3-1");

    g_assert_nonnull(a);
    g_assert_cmpuint(a->len, ==, 6);
    g_assert_cmpuint(g_array_index(a, unsigned int, 3), ==, 5);
    g_assert_null(b);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/host/capabilities", test_capabilities);
    g_test_add_func("/host/capabilities-vmm-env", test_capabilities_vmm_env);
    g_test_add_func("/host/domcapabilities", test_domcapabilities);
    g_test_add_func("/host/domcapabilities-errors", test_domcapabilities_errors);
    g_test_add_func("/host/node-info", test_node_info);
    g_test_add_func("/host/memory-stats", test_memory_stats);
    g_test_add_func("/host/cpu-stats", test_cpu_stats);
    g_test_add_func("/host/free-memory", test_free_memory);
    g_test_add_func("/host/sysinfo", test_sysinfo);
    g_test_add_func("/host/smbios", test_smbios_tables);
    g_test_add_func("/host/cpu-map", test_cpu_map);
    g_test_add_func("/host/free-pages", test_free_pages);
    g_test_add_func("/host/hostname", test_hostname);
    g_test_add_func("/host/max-vcpus", test_max_vcpus);
    g_test_add_func("/host/security-model", test_security_model);
    g_test_add_func("/host/security-manager", test_security_manager_secmodels);
    g_test_add_func("/host/cpuinfo-parse", test_cpuinfo_parse);
    g_test_add_func("/host/cpulist-parse", test_cpulist_parse);
    return g_test_run();
}
