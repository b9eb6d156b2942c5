/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <os>: type/arch/machine, direct kernel boot, firmware, boot order. */
#include <string.h>

#include "conf/domain/domain-priv.h"

static const char os_grammar[] =
    "os firmware=efi|bios\n"
    "  type arch=x86_64|i686 machine :hvm\n"
    "  firmware\n"
    "    *feature enabled=yes|no name=enrolled-keys|secure-boot\n"
    "  loader readonly=yes|no secure=yes|no type=rom|pflash :/\n"
    "  nvram template=/ :/\n"
    "  kernel :/\n"
    "  initrd :/\n"
    "  cmdline :\n"
    "  dtb :/\n"
    "  *boot dev=fd|cdrom|hd|network\n"
    "  bootmenu enable=yes|no timeout=#\n"
    "  smbios mode=emulate|host|sysinfo\n"
    "  bios useserial=yes|no rebootTimeout=-#\n";

void
domain_os_clear(DomainOsDef *os)
{
    g_free(os->type);
    g_free(os->arch);
    g_free(os->machine);
    g_free(os->firmware);
    if (os->firmware_features)
        xmlFreeNode(os->firmware_features);
    g_free(os->loader);
    g_free(os->loader_readonly);
    g_free(os->loader_type);
    g_free(os->loader_secure);
    g_free(os->nvram);
    g_free(os->nvram_template);
    g_free(os->kernel);
    g_free(os->initrd);
    g_free(os->cmdline);
    g_free(os->dtb);
    g_free(os->smbios_mode);
    memset(os, 0, sizeof(*os));
    os->bootmenu = os->bootmenu_timeout = -1;
    os->bios_useserial = os->bios_reboot_timeout = -1;
}

static char *
text_of(xmlNode *os, const char *name)
{
    xmlNode *n = dom_child(os, name);

    return n ? g_strstrip(xml_get_content(n)) : NULL;
}

static int
os_parse_boot(DomainOsDef *os, xmlNode *node)
{
    for (xmlNode *b = node->children; b; b = b->next) {
        int dev = -1;

        if (b->type != XML_ELEMENT_NODE || strcmp((const char *) b->name, "boot") != 0)
            continue;
        if (dom_prop_enum(b, "dev", domain_boot_dev_from_string, &dev) <= 0) {
            if (dev < 0 && !xmlHasProp(b, (const xmlChar *) "dev"))
                dom_error(VK_ERR_XML_ERROR, _("missing boot device"));
            return -1;
        }
        if (os->nboot_devs >= DOMAIN_BOOT_LAST) {
            dom_error(VK_ERR_XML_ERROR, _("too many <boot> elements in <os>"));
            return -1;
        }
        os->boot_devs[os->nboot_devs++] = dev;
    }
    return 0;
}

static int
os_parse_extras(DomainOsDef *os, xmlNode *node)
{
    xmlNode *n;

    if ((n = dom_child(node, "loader"))) {
        os->loader = text_of(node, "loader");
        os->loader_readonly = xml_get_prop(n, "readonly");
        os->loader_secure = xml_get_prop(n, "secure");
        os->loader_type = xml_get_prop(n, "type");
    }
    if ((n = dom_child(node, "nvram"))) {
        os->nvram = text_of(node, "nvram");
        os->nvram_template = xml_get_prop(n, "template");
    }
    if ((n = dom_child(node, "firmware")))
        os->firmware_features = dom_keep_node(n);
    if ((n = dom_child(node, "bootmenu")) &&
        (dom_prop_bool(n, "enable", false, &os->bootmenu) < 0 ||
         dom_prop_int(n, "timeout", &os->bootmenu_timeout) < 0))
        return -1;
    if (os->bootmenu_timeout > 65535) {
        dom_error(VK_ERR_XML_ERROR, _("bootmenu timeout must be between 0 and 65535"));
        return -1;
    }
    if ((n = dom_child(node, "smbios")))
        os->smbios_mode = xml_get_prop(n, "mode");
    if ((n = dom_child(node, "bios")) &&
        (dom_prop_bool(n, "useserial", false, &os->bios_useserial) < 0 ||
         dom_prop_int(n, "rebootTimeout", &os->bios_reboot_timeout) < 0))
        return -1;
    return 0;
}

int
domain_os_parse(DomainDef *def, xmlNode *node)
{
    DomainOsDef *os = &def->os;
    xmlNode *t;

    if (dom_spec_check(os_grammar, node, "os") < 0)
        return -1;
    if (!(t = dom_child(node, "type"))) {
        dom_error(VK_ERR_OS_TYPE, _("missing <type> in <os>"));
        return -1;
    }
    os->type = g_strstrip(xml_get_content(t));
    os->arch = xml_get_prop(t, "arch");
    os->machine = xml_get_prop(t, "machine");
    /* pc and q35 names as libvirt writes them, and the machine our capabilities
     * advertise (virtkvm-*, what virt-install copies from there) */
    if (os->machine && ((!g_str_has_prefix(os->machine, "pc") &&
                         !g_str_has_prefix(os->machine, "q35") &&
                         !g_str_has_prefix(os->machine, "virtkvm-")) ||
                        strspn(os->machine, "abcdefghijklmnopqrstuvwxyz0123456789_.-") !=
                        strlen(os->machine))) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unsupported machine type '%1$s'"),
                  os->machine);
        return -1;
    }
    os->firmware = xml_get_prop(node, "firmware");
    os->kernel = text_of(node, "kernel");
    os->initrd = text_of(node, "initrd");
    os->cmdline = text_of(node, "cmdline");
    os->dtb = text_of(node, "dtb");
    if (os_parse_boot(os, node) < 0 || os_parse_extras(os, node) < 0)
        return -1;
    return 0;
}

static void
os_format_extras(const DomainOsDef *os, xmlNode *n)
{
    xmlNode *x;

    if (os->bootmenu >= 0 || os->bootmenu_timeout >= 0) {
        x = dom_add(n, "bootmenu");
        if (os->bootmenu >= 0)
            dom_set(x, "enable", os->bootmenu ? "yes" : "no");
        if (os->bootmenu_timeout >= 0)
            dom_set_uint(x, "timeout", (unsigned) os->bootmenu_timeout);
    }
    if (os->smbios_mode)
        dom_set(dom_add(n, "smbios"), "mode", os->smbios_mode);
    if (os->bios_useserial >= 0 || os->bios_reboot_timeout != -1) {
        x = dom_add(n, "bios");
        if (os->bios_useserial >= 0)
            dom_set(x, "useserial", os->bios_useserial ? "yes" : "no");
        if (os->bios_reboot_timeout != -1)
            dom_setf(x, "rebootTimeout", "%d", os->bios_reboot_timeout);
    }
}

void
domain_os_format(const DomainDef *def, xmlNode *root)
{
    const DomainOsDef *os = &def->os;
    xmlNode *n = dom_add(root, "os");
    xmlNode *x;

    dom_set(n, "firmware", os->firmware);
    x = dom_add_text(n, "type", os->type ? os->type : "hvm");
    dom_set(x, "arch", os->arch);
    dom_set(x, "machine", os->machine);
    if (os->firmware_features)
        dom_add_copy(n, os->firmware_features);
    if (os->loader || os->loader_readonly || os->loader_type || os->loader_secure) {
        x = os->loader ? dom_add_text(n, "loader", os->loader) : dom_add(n, "loader");
        dom_set(x, "readonly", os->loader_readonly);
        dom_set(x, "secure", os->loader_secure);
        dom_set(x, "type", os->loader_type);
    }
    if (os->nvram || os->nvram_template) {
        x = os->nvram ? dom_add_text(n, "nvram", os->nvram) : dom_add(n, "nvram");
        dom_set(x, "template", os->nvram_template);
    }
    if (os->kernel)
        dom_add_text(n, "kernel", os->kernel);
    if (os->initrd)
        dom_add_text(n, "initrd", os->initrd);
    if (os->cmdline)
        dom_add_text(n, "cmdline", os->cmdline);
    if (os->dtb)
        dom_add_text(n, "dtb", os->dtb);
    for (size_t i = 0; i < os->nboot_devs; i++)
        dom_set(dom_add(n, "boot"), "dev", domain_boot_dev_to_string(os->boot_devs[i]));
    os_format_extras(os, n);
}
