/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device addresses: <address type='pci|drive|virtio-serial|usb|isa'>,
 * per-device <boot order>, duplicate detection and the assignment of PCI
 * and virtio-serial addresses in libvirt's order.
 */
#include <string.h>

#include "conf/domain/domain-priv.h"

static const char pci_grammar[] =
    "address type domain=# bus=# slot=# function=# multifunction=on|off";
static const char drive_grammar[] =
    "address type controller=# bus=# target=# unit=#";
static const char vserial_grammar[] =
    "address type controller=# bus=# port=#";
static const char usb_grammar[] = "address type bus=# port";
static const char isa_grammar[] = "address type iobase=# irq=#";

static int
address_parse_pci(xmlNode *n, DomainDeviceAddress *a, const char *path)
{
    if (dom_spec_check(pci_grammar, n, path) < 0 ||
        dom_prop_uint(n, "domain", &a->domain) < 0 ||
        dom_prop_uint(n, "bus", &a->bus) < 0 ||
        dom_prop_uint(n, "slot", &a->slot) < 0 ||
        dom_prop_uint(n, "function", &a->function) < 0 ||
        dom_prop_bool(n, "multifunction", true, &a->multifunction) < 0)
        return -1;
    if (a->domain > 0xffff || a->bus > 0xff || a->slot > 0x1f ||
        a->function > 7) {
        dom_error(VK_ERR_XML_ERROR,
                  _("PCI address %1$04x:%2$02x:%3$02x.%4$x out of range in <%5$s>"),
                  a->domain, a->bus, a->slot, a->function, path);
        return -1;
    }
    return 0;
}

static int
address_parse_typed(xmlNode *n, DomainDeviceAddress *a, const char *path)
{
    switch (a->type) {
    case DOMAIN_ADDR_PCI:
        return address_parse_pci(n, a, path);
    case DOMAIN_ADDR_DRIVE:
        if (dom_spec_check(drive_grammar, n, path) < 0 ||
            dom_prop_uint(n, "controller", &a->controller) < 0 ||
            dom_prop_uint(n, "bus", &a->bus) < 0 ||
            dom_prop_uint(n, "target", &a->target) < 0 ||
            dom_prop_uint(n, "unit", &a->unit) < 0)
            return -1;
        return 0;
    case DOMAIN_ADDR_VIRTIO_SERIAL:
        if (dom_spec_check(vserial_grammar, n, path) < 0 ||
            dom_prop_uint(n, "controller", &a->controller) < 0 ||
            dom_prop_uint(n, "bus", &a->bus) < 0 ||
            dom_prop_uint(n, "port", &a->port) < 0)
            return -1;
        return 0;
    case DOMAIN_ADDR_USB:
        if (dom_spec_check(usb_grammar, n, path) < 0 ||
            dom_prop_uint(n, "bus", &a->bus) < 0)
            return -1;
        a->usb_port = xml_get_prop(n, "port");
        if (a->usb_port && !g_regex_match_simple("^[0-9]{1,3}(\\.[0-9]{1,3}){0,4}$",
                                                 a->usb_port, 0, 0)) {
            dom_error(VK_ERR_XML_ERROR, _("invalid USB port '%1$s' in <%2$s>"),
                      a->usb_port, path);
            return -1;
        }
        return 0;
    case DOMAIN_ADDR_ISA:
        if (dom_spec_check(isa_grammar, n, path) < 0 ||
            dom_prop_uint(n, "iobase", &a->iobase) < 0 ||
            dom_prop_uint(n, "irq", &a->irq) < 0)
            return -1;
        return 0;
    default:
        break;
    }
    dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unsupported address type in <%1$s>"), path);
    return -1;
}

int
domain_address_parse(xmlNode *dev, DomainDeviceAddress *addr, const char *path)
{
    xmlNode *n = dom_child(dev, "address");
    g_autofree char *type = NULL;
    g_autofree char *apath = NULL;
    int t;

    memset(addr, 0, sizeof(*addr));
    addr->multifunction = -1;
    if (!n)
        return 0;
    apath = g_strdup_printf("%s/address", path);
    type = xml_get_prop(n, "type");
    if (!type) {
        dom_error(VK_ERR_XML_ERROR, _("missing address type in <%1$s>"), apath);
        return -1;
    }
    t = domain_addr_type_from_string(type);
    if (t <= DOMAIN_ADDR_NONE) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unsupported address type '%1$s' in <%2$s>"),
                  type, apath);
        return -1;
    }
    addr->type = t;
    return address_parse_typed(n, addr, apath);
}

void
domain_address_format(xmlNode *dev, const DomainDeviceAddress *a)
{
    xmlNode *n;

    if (a->type == DOMAIN_ADDR_NONE)
        return;
    n = dom_add(dev, "address");
    dom_set(n, "type", domain_addr_type_to_string(a->type));
    switch (a->type) {
    case DOMAIN_ADDR_PCI:
        dom_setf(n, "domain", "0x%04x", a->domain);
        dom_setf(n, "bus", "0x%02x", a->bus);
        dom_setf(n, "slot", "0x%02x", a->slot);
        dom_setf(n, "function", "0x%x", a->function);
        if (a->multifunction >= 0)
            dom_set(n, "multifunction", a->multifunction ? "on" : "off");
        break;
    case DOMAIN_ADDR_DRIVE:
        dom_set_uint(n, "controller", a->controller);
        dom_set_uint(n, "bus", a->bus);
        dom_set_uint(n, "target", a->target);
        dom_set_uint(n, "unit", a->unit);
        break;
    case DOMAIN_ADDR_VIRTIO_SERIAL:
        dom_set_uint(n, "controller", a->controller);
        dom_set_uint(n, "bus", a->bus);
        dom_set_uint(n, "port", a->port);
        break;
    case DOMAIN_ADDR_USB:
        dom_set_uint(n, "bus", a->bus);
        dom_set(n, "port", a->usb_port);
        break;
    case DOMAIN_ADDR_ISA:
        dom_setf(n, "iobase", "0x%x", a->iobase);
        if (a->irq)
            dom_setf(n, "irq", "0x%x", a->irq);
        break;
    default:
        break;
    }
}

int
domain_boot_order_parse(xmlNode *dev, unsigned int *order)
{
    xmlNode *b = dom_child(dev, "boot");

    *order = 0;
    if (!b)
        return 0;
    if (dom_spec_check("boot order=#", b, "boot") < 0 ||
        dom_prop_uint(b, "order", order) < 0)
        return -1;
    if (*order == 0) {
        dom_error(VK_ERR_XML_ERROR, _("boot order must be a positive number"));
        return -1;
    }
    return 0;
}
