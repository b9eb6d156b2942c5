/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conf/capabilities formatters: hand-built documents with hostile strings
 * come out escaped, schema-valid and read back unchanged.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "conf/capabilities/capabilities-conf.h"
#include "conf/capabilities/domcaps-conf.h"
#include "conf/capabilities/sysinfo-conf.h"
#include "conf/xml-util.h"
#include "tests/host/xmltest.h"

#define HOSTILE "a&b<c>'d\"e]]>"

static Caps *
build_caps(void)
{
    Caps *caps = caps_new();
    CapsCell *cell = caps_cell_new(0);
    CapsPages pg4 = { 4, 1000 }, pg2m = { 2048, 3 };
    CapsDistance d0 = { 0, 10 }, d1 = { 1, 21 };
    CapsCellCpu c0 = { 0, TRUE, 0, 0, 0, g_strdup("0,2") };
    CapsCellCpu c1 = { 1, TRUE, 0, 0, 1, g_strdup("1") };
    CapsSecModel *sm = caps_secmodel_new("dac", "0");
    CapsGuest *g = caps_guest_new("hvm", "x86_64", 64, "/opt/" HOSTILE "/vmm");
    unsigned int ps[] = { 4, 2048 };

    caps->uuid = g_strdup("d0b9efb9-99ab-468c-b3ad-ff27439c16bb");
    caps->cpu.arch = g_strdup("x86_64");
    caps->cpu.model = g_strdup("kvm64");
    caps->cpu.vendor = g_strdup(HOSTILE);
    caps->cpu.have_microcode = TRUE;
    caps->cpu.microcode = 16777317;
    caps->cpu.have_signature = TRUE;
    caps->cpu.family = 25;
    caps->cpu.model_id = 17;
    caps->cpu.stepping = 1;
    caps->cpu.tsc_hz = 2596150000ULL;
    caps->cpu.sockets = 1;
    caps->cpu.dies = 1;
    caps->cpu.cores = 2;
    caps->cpu.threads = 1;
    caps->cpu.phys_bits = 48;
    g_ptr_array_add(caps->cpu.features, g_strdup("avx2"));
    g_array_append_vals(caps->cpu.page_sizes, ps, 2);
    caps->iommu = 0;
    caps->migration_live = TRUE;
    g_ptr_array_add(caps->uri_transports, g_strdup("tcp"));
    cell->memory_kib = 4000;
    g_array_append_val(cell->pages, pg4);
    g_array_append_val(cell->pages, pg2m);
    g_array_append_val(cell->distances, d0);
    g_array_append_val(cell->distances, d1);
    g_array_append_val(cell->cpus, c0);
    g_array_append_val(cell->cpus, c1);
    g_ptr_array_add(caps->cells, cell);
    g_ptr_array_add(caps->cache_banks,
                    caps_cache_bank_new(0, 3, "both", 32, "MiB", "0-1"));
    caps_secmodel_add_baselabel(sm, "kvm", "+995:+995");
    caps_secmodel_add_baselabel(sm, HOSTILE, "x");
    g_ptr_array_add(caps->secmodels, caps_secmodel_new("none", "0"));
    g_ptr_array_add(caps->secmodels, sm);
    caps_guest_add_machine(g, "virtkvm-1.0", NULL, 255);
    caps_guest_add_machine(g, "q35", "virtkvm-1.0", 255);
    caps_guest_add_machine(g, "alias", HOSTILE, 0);
    g_ptr_array_add(g->domain_types, g_strdup("kvm"));
    caps_guest_add_feature(g, "acpi", TRUE, TRUE, TRUE);
    caps_guest_add_feature(g, "deviceboot", FALSE, FALSE, FALSE);
    g_ptr_array_add(caps->guests, g);
    return caps;
}

static void
test_caps_format(void)
{
    g_autoptr(Caps) caps = build_caps();
    g_autofree char *xml = caps_format(caps);
    g_autoptr(xmlDoc) doc = NULL;

    g_assert_nonnull(xml);
    xmltest_assert_valid(xml, "capability.rng");
    doc = xmltest_parse(xml);
    xmltest_assert_xpath_str(doc, "/capabilities/host/cpu/vendor", HOSTILE);
    xmltest_assert_xpath_str(doc, "//guest/arch/emulator", "/opt/" HOSTILE "/vmm");
    xmltest_assert_xpath_str(doc, "//machine[text()='q35']/@canonical", "virtkvm-1.0");
    xmltest_assert_xpath_str(doc, "//machine[text()='alias']/@canonical", HOSTILE);
    xmltest_assert_xpath_str(doc, "//features/acpi/@toggle", "yes");
    g_assert_cmpfloat(xmltest_xpath_number(doc, "count(//cell/cpus/cpu)"), ==, 2);
    g_assert_cmpfloat(xmltest_xpath_number(doc, "//cell/pages[@size='2048']"), ==, 3);
    g_assert_cmpfloat(xmltest_xpath_number(doc, "//cell/memory"), ==, 4000);
    g_assert_cmpfloat(xmltest_xpath_number(doc, "//sibling[@id='1']/@value"), ==, 21);
    g_assert_cmpfloat(xmltest_xpath_number(doc, "//microcode/@version"), ==, 16777317);
    g_assert_nonnull(strstr(xml, "<baselabel type='kvm'>+995:+995</baselabel>"));
    xmltest_assert_xpath_str(doc, "//baselabel[2]/@type", HOSTILE);
}

static void
test_caps_minimal(void)
{
    g_autoptr(Caps) caps = caps_new();
    g_autofree char *xml = NULL;

    caps->cpu.arch = g_strdup("x86_64");
    xml = caps_format(caps);
    g_assert_nonnull(xml);
    xmltest_assert_valid(xml, "capability.rng");
}

static void
test_domcaps_format(void)
{
    g_autoptr(DomCaps) caps = domcaps_new();
    g_autofree char *xml = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    DomCapsBlock *disk = domcaps_block_new("disk", TRUE);

    caps->path = g_strdup("/usr/libexec/" HOSTILE);
    caps->domain = g_strdup("kvm");
    caps->machine = g_strdup("virtkvm-1.0");
    caps->arch = g_strdup("x86_64");
    caps->max_vcpus = 255;
    caps->iothreads = 0;
    caps->os = domcaps_block_new("os", TRUE);
    domcaps_block_add_enum(caps->os, "firmware", NULL);
    caps->loader = domcaps_block_new("loader", FALSE);
    caps->cpu.host_passthrough = domcaps_block_new("host-passthrough", TRUE);
    caps->cpu.host_model_supported = TRUE;
    caps->cpu.host_model = g_strdup("kvm64");
    caps->cpu.host_model_vendor = g_strdup("AMD");
    caps->cpu.host_model_fallback = g_strdup("forbid");
    g_ptr_array_add(caps->cpu.host_model_features, g_strdup("avx2"));
    caps->cpu.custom_supported = TRUE;
    domcaps_cpu_add_custom_model(&caps->cpu, "qemu64", "AMD", "yes");
    domcaps_block_add_enum(disk, "bus", "virtio", HOSTILE, NULL);
    g_ptr_array_add(caps->devices, disk);
    g_ptr_array_add(caps->devices, domcaps_block_new("graphics", FALSE));
    g_ptr_array_add(caps->features, domcaps_block_new("gic", FALSE));
    g_ptr_array_add(caps->features, domcaps_block_new("backingStoreInput", TRUE));

    xml = domcaps_format(caps);
    g_assert_nonnull(xml);
    xmltest_assert_valid(xml, "domaincaps.rng");
    doc = xmltest_parse(xml);
    xmltest_assert_xpath_str(doc, "//disk/enum[@name='bus']/value[2]", HOSTILE);
    xmltest_assert_xpath_str(doc, "//os/loader/@supported", "no");
    xmltest_assert_xpath_str(doc, "/domainCapabilities/path", "/usr/libexec/" HOSTILE);
    g_assert_cmpfloat(xmltest_xpath_number(doc, "/domainCapabilities/vcpu/@max"), ==, 255);
}

static char *
sysinfo_schema(void)
{
    g_autofree char *common = g_build_filename(xml_schema_dir(),
                                               "domaincommon.rng", NULL);
    g_autofree char *rng = g_strdup_printf(
        "<grammar xmlns='http://relaxng.org/ns/structure/1.0' "
        "datatypeLibrary='http://www.w3.org/2001/XMLSchema-datatypes'>"
        "<include href='%s'/><start><ref name='sysinfo'/></start></grammar>",
        common);
    g_autofree char *dir = g_dir_make_tmp("vk-sysinfo-XXXXXX", NULL);
    char *path = g_build_filename(dir, "sysinfo.rng", NULL);

    g_assert_true(g_file_set_contents(path, rng, -1, NULL));
    return path;
}

static void
remove_schema(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);

    g_unlink(path);
    g_rmdir(dir);
}

static void
test_sysinfo_format(void)
{
    g_autoptr(Sysinfo) info = sysinfo_new();
    SysinfoSection *bios = sysinfo_add_section(info, "bios");
    g_autofree char *schema = sysinfo_schema();
    g_autofree char *xml = NULL, *empty = NULL;
    g_autoptr(Sysinfo) none = sysinfo_new();
    g_autoptr(xmlDoc) doc = NULL;

    sysinfo_section_add(bios, "vendor", HOSTILE);
    sysinfo_section_add(bios, "version", "1.2\x01\x1b[31m\xff");
    sysinfo_add_section(info, "chassis");   /* empty: skipped */
    xml = sysinfo_format(info);
    g_assert_nonnull(xml);
    xmltest_assert_valid(xml, schema);
    doc = xmltest_parse(xml);
    xmltest_assert_xpath_str(doc, "/sysinfo/bios/entry[@name='vendor']", HOSTILE);
    g_assert_null(strstr(xml, "chassis"));
    xmltest_assert_xpath_str(doc, "/sysinfo/bios/entry[@name='version']", "1.2??[31m?");

    empty = sysinfo_format(none);
    xmltest_assert_valid(empty, schema);
    remove_schema(schema);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/capsconf/caps", test_caps_format);
    g_test_add_func("/capsconf/caps-minimal", test_caps_minimal);
    g_test_add_func("/capsconf/domcaps", test_domcaps_format);
    g_test_add_func("/capsconf/sysinfo", test_sysinfo_format);
    return g_test_run();
}
