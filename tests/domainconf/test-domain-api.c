/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DomainDef accessors, metadata API and format flags. */
#include <string.h>

#include "conf/domain/domain-conf.h"
#include "util/error.h"

static char *
load(const char *name)
{
    const char *root = g_getenv("VIRTKVM_SOURCE_ROOT");
    g_autofree char *path = g_build_filename(root ? root : SOURCE_ROOT, "tests", "domainconf",
                                             "xml2xml-in", name, NULL);
    char *xml = NULL;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    return xml;
}

static void
test_accessors(void)
{
    g_autofree char *xml = load("vm-q35-wizard.xml");
    g_autoptr(DomainDef) def = domain_def_parse_string(xml, DOMAIN_DEF_PARSE_VALIDATE);
    char uuid[DOMAIN_UUID_STRLEN];
    const DomainDiskDef *disk;
    const DomainNetDef *net;

    g_assert_nonnull(def);
    g_assert_cmpstr(domain_def_get_name(def), ==, "debian12");
    domain_def_get_uuid_string(def, uuid);
    g_assert_cmpstr(uuid, ==, "5a1f4c7e-8d2b-4e6a-9c3f-1b2d3e4f5a6b");
    g_assert_cmpint(domain_def_get_id(def), ==, -1);
    g_assert_cmpuint(domain_def_get_memory(def), ==, 4194304);
    g_assert_cmpuint(domain_def_get_max_memory(def), ==, 4194304);
    g_assert_cmpuint(domain_def_get_current_memory(def), ==, 4194304);
    g_assert_cmpuint(domain_def_get_vcpus(def), ==, 2);
    g_assert_cmpstr(domain_def_get_os_type(def), ==, "hvm");
    g_assert_cmpstr(domain_def_get_arch(def), ==, "x86_64");
    g_assert_cmpstr(domain_def_get_machine(def), ==, "pc-q35-7.2");
    g_assert_cmpuint(def->disks->len, ==, 2);
    disk = domain_def_find_disk(def, "vda");
    g_assert_nonnull(disk);
    g_assert_cmpstr(disk->src_path, ==, "/var/lib/libvirt/images/debian12.qcow2");
    g_assert_cmpint(disk->format, ==, DOMAIN_DISK_FORMAT_QCOW2);
    g_assert_cmpint(disk->bus, ==, DOMAIN_DISK_BUS_VIRTIO);
    g_assert_cmpint(disk->addr.type, ==, DOMAIN_ADDR_PCI);
    disk = domain_def_find_disk(def, "sda");
    g_assert_true(disk->readonly);
    net = domain_def_find_net(def, "52:54:00:3b:6e:01");
    g_assert_nonnull(net);
    g_assert_cmpint(net->type, ==, DOMAIN_NET_NETWORK);
    g_assert_cmpstr(net->source, ==, "default");
    g_assert_cmpuint(def->serials->len, ==, 1);
    g_assert_cmpuint(def->consoles->len, ==, 1);
    g_assert_cmpuint(def->channels->len, ==, 2);
    g_assert_cmpuint(def->rngs->len, ==, 1);
    g_assert_nonnull(def->memballoon);
    g_assert_cmpstr(def->emulator, ==, "/usr/bin/qemu-system-x86_64");
}

static void
test_metadata(void)
{
    g_autofree char *xml = load("vm-q35-wizard.xml");
    g_autoptr(DomainDef) def = domain_def_parse_string(xml, 0);
    g_autofree char *os = NULL;
    g_autofree char *mine = NULL;
    g_autofree char *formatted = NULL;

    os = domain_def_get_metadata_element(def, "http://libosinfo.org/xmlns/libvirt/domain/1.0");
    g_assert_nonnull(os);
    g_assert_nonnull(strstr(os, "<libosinfo:os id='http://debian.org/debian/12'/>"));
    g_assert_cmpint(domain_def_set_metadata_element(def, "<foo attr='1'><bar>x</bar></foo>",
                                                    "app", "http://example.org/app/1"), ==, 0);
    mine = domain_def_get_metadata_element(def, "http://example.org/app/1");
    g_assert_cmpstr(mine, ==, "<app:foo xmlns:app='http://example.org/app/1' attr='1'>\n"
                              "  <app:bar>x</app:bar>\n</app:foo>");
    formatted = domain_def_format(def, 0);
    g_assert_nonnull(strstr(formatted, "<app:foo xmlns:app='http://example.org/app/1'"));
    g_assert_cmpint(domain_def_set_metadata_element(def, NULL, NULL,
                                                    "http://example.org/app/1"), ==, 0);
    g_assert_null(domain_def_get_metadata_element(def, "http://example.org/app/1"));
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_NO_DOMAIN_METADATA);
    domain_def_set_title(def, "A title");
    domain_def_set_description(def, "A <description>");
    g_clear_pointer(&formatted, g_free);
    formatted = domain_def_format(def, 0);
    g_assert_nonnull(strstr(formatted, "<title>A title</title>"));
    g_assert_nonnull(strstr(formatted, "<description>A &lt;description&gt;</description>"));
}

static void
test_format_flags(void)
{
    g_autofree char *xml = load("graphics-vnc-options.xml");
    g_autoptr(DomainDef) def = domain_def_parse_string(xml, 0);
    g_autoptr(DomainDef) status = NULL;
    g_autofree char *inactive = NULL;
    g_autofree char *secure = NULL;
    g_autofree char *active = NULL;

    domain_def_set_id(def, 7);
    inactive = domain_def_format(def, DOMAIN_DEF_FORMAT_INACTIVE);
    secure = domain_def_format(def, DOMAIN_DEF_FORMAT_SECURE);
    active = domain_def_format(def, DOMAIN_DEF_FORMAT_STATUS);
    g_assert_null(strstr(inactive, "id='7'"));
    g_assert_null(strstr(inactive, "passwd="));
    g_assert_nonnull(strstr(secure, "passwd='secret'"));
    g_assert_nonnull(strstr(active, "<domain type='kvm' id='7'>"));
    status = domain_def_parse_string(active, DOMAIN_DEF_PARSE_STATUS);
    g_assert_cmpint(status->id, ==, 7);
}

static void
test_migratable(void)
{
    g_autofree char *xml = load("minimal.xml");
    g_autoptr(DomainDef) def = domain_def_parse_string(xml, 0);
    g_autoptr(DomainDef) again = NULL;
    g_autofree char *full = domain_def_format(def, DOMAIN_DEF_FORMAT_INACTIVE);
    g_autofree char *mig = domain_def_format(def, DOMAIN_DEF_FORMAT_MIGRATABLE);
    g_autofree char *full2 = NULL;

    g_assert_nonnull(strstr(full, "pci-root"));
    g_assert_nonnull(strstr(full, "bus='ps2'"));
    g_assert_null(strstr(mig, "pci-root"));
    g_assert_null(strstr(mig, "piix3-uhci"));
    g_assert_null(strstr(mig, "bus='ps2'"));
    /* the destination fills them in again */
    again = domain_def_parse_string(mig, 0);
    full2 = domain_def_format(again, DOMAIN_DEF_FORMAT_INACTIVE);
    g_assert_cmpstr(full, ==, full2);
}

static void
test_defaults(void)
{
    g_autoptr(DomainDef) def = domain_def_parse_string(
        "<domain type='kvm'><name>d</name><memory>1024</memory><os><type>hvm</type></os>"
        "<devices><interface type='bridge'><source bridge='br0'/></interface>"
        "<disk type='file'><source file='/a'/></disk></devices></domain>", 0);
    const DomainNetDef *net;
    const DomainDiskDef *disk;

    g_assert_nonnull(def);
    net = g_ptr_array_index(def->nets, 0);
    disk = g_ptr_array_index(def->disks, 0);
    g_assert_true(net->mac_set);
    g_assert_cmpint(net->mac[0], ==, 0x52);
    g_assert_cmpint(net->mac[1], ==, 0x54);
    g_assert_cmpint(net->mac[2], ==, 0x00);
    g_assert_cmpstr(disk->dst, ==, "vda");
    g_assert_cmpstr(def->emulator, ==, domain_default_emulator());
    g_assert_cmpstr(def->os.machine, ==, "pc-i440fx-7.2");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/domain/accessors", test_accessors);
    g_test_add_func("/domain/metadata", test_metadata);
    g_test_add_func("/domain/format-flags", test_format_flags);
    g_test_add_func("/domain/defaults", test_defaults);
    g_test_add_func("/domain/migratable", test_migratable);
    return g_test_run();
}
