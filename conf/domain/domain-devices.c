/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <devices>: dispatch of each child to its family, and formatting in
 * libvirt's order. */
#include <string.h>

#include "conf/domain/domain-priv.h"


static int
parse_emulator(DomainDef *def, xmlNode *n)
{
    if (def->emulator) {
        dom_error(VK_ERR_XML_ERROR, _("element <emulator> may appear only once in <devices>"));
        return -1;
    }
    if (n->properties || dom_child(n, "emulator")) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unknown attribute in <devices/emulator>"));
        return -1;
    }
    def->emulator = g_strstrip(xml_get_content(n));
    /* domain.rng's absFilePath: no line breaks */
    if (!g_path_is_absolute(def->emulator) || strpbrk(def->emulator, "\r\n")) {
        dom_error(VK_ERR_XML_ERROR, _("emulator path '%1$s' must be absolute and on one line"),
                  def->emulator);
        return -1;
    }
    return 0;
}

static int
parse_typed(DomainDef *def, xmlNode *n, const char *name)
{
    gpointer dev = NULL;
    GPtrArray *list = NULL;

    if (strcmp(name, "disk") == 0) {
        dev = domain_disk_parse(n);
        list = def->disks;
    } else if (strcmp(name, "controller") == 0) {
        dev = domain_controller_parse(n);
        list = def->controllers;
    } else if (strcmp(name, "interface") == 0) {
        dev = domain_net_parse(n);
        list = def->nets;
    } else if (strcmp(name, "serial") == 0) {
        dev = domain_chr_parse(n, DOMAIN_CHR_SERIAL);
        list = def->serials;
    } else if (strcmp(name, "console") == 0) {
        dev = domain_chr_parse(n, DOMAIN_CHR_CONSOLE);
        list = def->consoles;
    } else if (strcmp(name, "channel") == 0) {
        dev = domain_chr_parse(n, DOMAIN_CHR_CHANNEL);
        list = def->channels;
    } else if (strcmp(name, "rng") == 0) {
        dev = domain_rng_parse(n);
        list = def->rngs;
    } else {
        return 0;
    }
    if (!dev)
        return -1;
    g_ptr_array_add(list, dev);
    return 1;
}

static int
parse_device(DomainDef *def, xmlNode *n)
{
    const char *name = (const char *) n->name;
    int kind;
    int r;

    if (n->ns)
        goto unknown;
    if (strcmp(name, "emulator") == 0)
        return parse_emulator(def, n);
    if ((r = parse_typed(def, n, name)) != 0)
        return r < 0 ? -1 : 0;
    if (strcmp(name, "memballoon") == 0) {
        if (def->memballoon) {
            dom_error(VK_ERR_XML_ERROR, _("only one <memballoon> is allowed"));
            return -1;
        }
        return (def->memballoon = domain_memballoon_parse(n)) ? 0 : -1;
    }
    if ((kind = domain_generic_kind_from_string(name)) >= 0) {
        DomainGenericDev *dev = domain_generic_parse(n, kind);

        if (!dev)
            return -1;
        g_ptr_array_add(def->generic, dev);
        return 0;
    }
 unknown:
    dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unknown device <%1$s> in <devices>"), name);
    return -1;
}

int
domain_devices_parse(DomainDef *def, xmlNode *devices)
{
    if (devices->properties) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unknown attribute '%1$s' of element <devices>"),
                  (const char *) devices->properties->name);
        return -1;
    }
    for (xmlNode *c = devices->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && !xmlIsBlankNode(c)) {
            dom_error(VK_ERR_XML_ERROR, _("unexpected text in element <devices>"));
            return -1;
        }
        if (c->type == XML_ELEMENT_NODE && parse_device(def, c) < 0)
            return -1;
    }
    return 0;
}

/* MIGRATABLE leaves out what every x86 guest gets implicitly, as libvirt
 * does for older destinations: ps2 mouse/keyboard, the PCI root and the
 * default PIIX3 USB controller. */
static bool
migratable_skip_input(const DomainGenericDev *d, unsigned int flags)
{
    g_autofree char *bus = NULL;

    if (!(flags & DOMAIN_DEF_FORMAT_MIGRATABLE) || d->kind != DOMAIN_GENERIC_INPUT)
        return false;
    bus = xml_get_prop(d->node, "bus");
    return g_strcmp0(bus, "ps2") == 0;
}

static bool
migratable_skip_controller(const DomainControllerDef *c, unsigned int flags)
{
    if (!(flags & DOMAIN_DEF_FORMAT_MIGRATABLE) || c->idx != 0)
        return false;
    if (c->type == DOMAIN_CONTROLLER_PCI)
        return g_strcmp0(c->model, "pci-root") == 0 || g_strcmp0(c->model, "pcie-root") == 0;
    return c->type == DOMAIN_CONTROLLER_USB && g_strcmp0(c->model, "piix3-uhci") == 0;
}

static void
format_generic(const DomainDef *def, xmlNode *devs, DomainGenericKind kind,
               unsigned int flags)
{
    for (guint i = 0; i < def->generic->len; i++) {
        const DomainGenericDev *d = g_ptr_array_index(def->generic, i);

        if (d->kind == kind && !migratable_skip_input(d, flags))
            domain_generic_format(devs, d, flags);
    }
}

static void
format_chrs(GPtrArray *list, xmlNode *devs, unsigned int flags)
{
    for (guint i = 0; i < list->len; i++)
        domain_chr_format(devs, g_ptr_array_index(list, i), flags);
}

void
domain_devices_format(const DomainDef *def, xmlNode *root, unsigned int flags)
{
    static const DomainGenericKind middle[] = {
        DOMAIN_GENERIC_INPUT, DOMAIN_GENERIC_TPM, DOMAIN_GENERIC_GRAPHICS,
        DOMAIN_GENERIC_SOUND, DOMAIN_GENERIC_AUDIO, DOMAIN_GENERIC_VIDEO,
        DOMAIN_GENERIC_HOSTDEV, DOMAIN_GENERIC_REDIRDEV, DOMAIN_GENERIC_WATCHDOG,
    };
    xmlNode *devs = dom_add(root, "devices");

    if (def->emulator)
        dom_add_text(devs, "emulator", def->emulator);
    for (guint i = 0; i < def->disks->len; i++)
        domain_disk_format(devs, g_ptr_array_index(def->disks, i));
    for (guint i = 0; i < def->controllers->len; i++) {
        const DomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (!migratable_skip_controller(c, flags))
            domain_controller_format(devs, c);
    }
    format_generic(def, devs, DOMAIN_GENERIC_FILESYSTEM, flags);
    for (guint i = 0; i < def->nets->len; i++)
        domain_net_format(devs, g_ptr_array_index(def->nets, i));
    format_chrs(def->serials, devs, flags);
    format_chrs(def->consoles, devs, flags);
    format_chrs(def->channels, devs, flags);
    for (size_t k = 0; k < G_N_ELEMENTS(middle); k++)
        format_generic(def, devs, middle[k], flags);
    if (def->memballoon)
        domain_memballoon_format(devs, def->memballoon);
    for (guint i = 0; i < def->rngs->len; i++)
        domain_rng_format(devs, g_ptr_array_index(def->rngs, i));
    format_generic(def, devs, DOMAIN_GENERIC_PANIC, flags);
}
